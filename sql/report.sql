-- Reports: from a row of llmcopy_findings to a self-contained HTML document
-- that shows each output and work side by side, passages marked where the
-- scan found them.

-- Works: paragraphs of real license texts, one of them under two licenses
-- (a fork), with hostile metadata.  Their ids are text; the outputs' ids
-- a domain over int, looked up through the int index.
CREATE DOMAIN rep_out_id AS int CHECK (VALUE > 0);
CREATE TABLE rep_works (k text PRIMARY KEY, body text, lic text, who text, title text, url text);
CREATE TEMP TABLE rep_paras AS
SELECT row_number() OVER () AS n, p
FROM regexp_split_to_table(pg_read_file('/usr/share/common-licenses/Apache-2.0'), E'\\n\\s*\\n') p
WHERE length(p) > 400;
INSERT INTO rep_works VALUES
  ('w1', (SELECT string_agg(p, E'\n\n' ORDER BY n) FROM rep_paras WHERE n BETWEEN 1 AND 4), 'Apache-2.0',
   'The Apache Software Foundation', 'Apache License 2.0, sections 1-4', 'https://example.org/apache'),
  ('w2', (SELECT string_agg(p, E'\n\n' ORDER BY n) FROM rep_paras WHERE n BETWEEN 5 AND 8), 'GPL-3.0-only',
   E'<img src=x onerror=alert(1)> "Mallory" & co', E'<script>alert("title")</script>', 'javascript:alert(1)'),
  ('w3', 'An unrelated work about gardening, tomatoes, basil and the patience of slow summer afternoons.', 'MIT',
   'Someone', 'Gardening', NULL),
  ('fork', (SELECT string_agg(p, E'\n\n' ORDER BY n) FROM rep_paras WHERE n BETWEEN 1 AND 2), 'my own terms </pre>',
   'A forker', 'Fork of sections 1-2', NULL);

CREATE TABLE rep_outputs (id rep_out_id PRIMARY KEY, body text, at timestamptz, model text);
INSERT INTO rep_outputs VALUES
  (1, E'Sure! <script>alert("output")</script> Here it is:\n\n' || (SELECT p FROM rep_paras WHERE n = 2)
      || E'\n\nand later on, for sections five and six:\n' || (SELECT p FROM rep_paras WHERE n = 6) || E'\n\nHope this helps & "works".',
   '2026-11-01 10:00+00', 'model-a'),
  (2, 'A passage: ' || (SELECT p FROM rep_paras WHERE n = 7), '2026-11-02 09:00+00', 'model-b'),
  (3, 'Nothing copied: rivers, stones and the slow patience of water over many years.', '2026-11-02 10:00+00', 'model-b');

SELECT llmcopy_register_corpus('rep_works', 'k', 'body', license_col => 'lic', author_col => 'who',
                               title_col => 'title', source_col => 'url') IS NOT NULL AS corpus;
SELECT llmcopy_register_outputs('rep_outputs', 'id', 'body', 'at', model_col => 'model') IS NOT NULL AS outputs;
SELECT now() AS t0 \gset
CALL llmcopy_scan(outputs => 'rep_outputs', corpus => 'rep_works', threshold => 0.05);
SELECT f.output_id, f.work_id, f.license, jsonb_array_length(f.spans) AS spans
FROM llmcopy_findings f JOIN llmcopy_output_tables o ON o.id = f.output_table
WHERE o.table_name = 'rep_outputs' ORDER BY 1, 2;

-- Decoding the HTML the report writes, to compare it with the texts.
CREATE FUNCTION pg_temp.unescape(t text) RETURNS text LANGUAGE sql AS $$
    SELECT replace(replace(replace(replace(replace(t, '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&#39;', ''''), '&amp;', '&')
$$;

-- One call from a row of llmcopy_findings; the same document as naming
-- the output's table and id.
CREATE TEMP TABLE doc AS
SELECT llmcopy_report(f) AS html FROM llmcopy_findings f JOIN llmcopy_output_tables o ON o.id = f.output_table
WHERE o.table_name = 'rep_outputs' AND f.output_id = '1' LIMIT 1;
SELECT html = llmcopy_report('rep_outputs', '1') AS same_as_by_name,
       html LIKE '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">%</script></body></html>' AS whole_document
FROM doc;

-- Self-contained and inert: nothing is loaded from anywhere, one script
-- (ours, allowed by its hash in the Content-Security-Policy), and the
-- hostile output and metadata come out as text.
SELECT html !~* '<[^>]*\s(src|href|action)\s*=\s*["'']?(https?:|//|javascript:|data:)|<(link|iframe|object|embed|img|base|frame|audio|video|source|form)\M|url\(|@import'
           AS loads_nothing,
       (SELECT count(*) FROM regexp_matches(html, '<script', 'g')) AS scripts,
       substring(html FROM 'content="default-src ''none''; style-src ''unsafe-inline''; script-src ''sha256-([^'']+)''"')
           = encode(sha256(convert_to(substring(html FROM '<script>(.*)</script>'), 'UTF8')), 'base64') AS script_hash_matches,
       position('&lt;script&gt;alert(&quot;output&quot;)&lt;/script&gt;' IN html) > 0 AS output_escaped,
       position('&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;' IN html) > 0 AS title_escaped,
       position('&lt;img src=x onerror=alert(1)&gt; &quot;Mallory&quot; &amp; co' IN html) > 0 AS author_escaped,
       position('my own terms &lt;/pre&gt;' IN html) > 0 AS license_raw_escaped
FROM doc;

-- Per finding, the output and the work side by side: every passage marked
-- on both sides, and each mark holds exactly the text at the span's
-- offsets (substr of the texts at a_start/a_length and b_start/b_length).
CREATE TEMP TABLE marks AS
SELECT m[1]::int AS finding, m[2] AS side, m[3]::int AS span, pg_temp.unescape(m[4]) AS marked
FROM doc, regexp_matches(html, '<mark class=''m c\d+'' data-f=''o1f(\d+)'' data-side=''([ab])'' data-span=''(\d+)'' tabindex=''0''>([^<]*)</mark>', 'g') m;
WITH f AS (
    SELECT row_number() OVER (ORDER BY f.origin_rank, f.containment DESC, f.work_id) AS finding, f.work_id, f.spans
    FROM llmcopy_findings f JOIN llmcopy_output_tables o ON o.id = f.output_table
    WHERE o.table_name = 'rep_outputs' AND f.output_id = '1'),
s AS (
    SELECT f.finding, f.work_id, x.n AS span, (x.s ->> 'a_start')::int AS a_start, (x.s ->> 'a_length')::int AS a_length,
           (x.s ->> 'b_start')::int AS b_start, (x.s ->> 'b_length')::int AS b_length
    FROM f, jsonb_array_elements(f.spans) WITH ORDINALITY x(s, n))
SELECT s.finding, s.work_id, count(*) AS spans,
       count(*) FILTER (WHERE ma.marked = substr(o.body, s.a_start, s.a_length)) AS output_marks_right,
       count(*) FILTER (WHERE mb.marked = substr(w.body, s.b_start, s.b_length)) AS work_marks_right
FROM s JOIN rep_outputs o ON o.id = 1 JOIN rep_works w ON w.k::text = s.work_id
LEFT JOIN marks ma ON ma.finding = s.finding AND ma.side = 'a' AND ma.span = s.span
LEFT JOIN marks mb ON mb.finding = s.finding AND mb.side = 'b' AND mb.span = s.span
GROUP BY 1, 2 ORDER BY 1;
SELECT count(*) AS marks FROM marks;

-- The panes hold the whole texts: without the marks they are the texts.
SELECT pg_temp.unescape(regexp_replace(substring(html FROM 'id="o1f1".*?<div class="text" data-side="a">(.*?)</div>'), '<[^>]*>', '', 'g'))
           = (SELECT body FROM rep_outputs WHERE id = 1) AS output_pane_whole,
       pg_temp.unescape(regexp_replace(substring(html FROM 'id="o1f1".*?<div class="text" data-side="b">(.*?)</div>'), '<[^>]*>', '', 'g'))
           = (SELECT body FROM rep_works WHERE k = 'w2') AS work_pane_whole,
       pg_temp.unescape(regexp_replace(substring(html FROM '<div class="text" data-side="o">(.*?)</div>'), '<[^>]*>', '', 'g'))
           = (SELECT body FROM rep_outputs WHERE id = 1) AS overview_whole
FROM doc;

-- License, obligations and attribution.
SELECT position('Apache License 2.0 (Apache-2.0)' IN html) > 0 AS license_named,
       position('<span class="badge warn">attribution required</span>' IN html) > 0 AS attribution_badge,
       position('<span class="badge warn">strong copyleft</span>' IN html) > 0 AS copyleft_badge,
       position('<span class="badge warn">unknown</span> recorded as &ldquo;my own terms &lt;/pre&gt;&rdquo;' IN html) > 0 AS unknown_license,
       position('<pre class="attribution">' || llmcopy_html_escape(
           (SELECT a.attribution FROM llmcopy_output_attribution a JOIN llmcopy_output_tables o ON o.id = a.output_table
            WHERE o.table_name = 'rep_outputs' AND a.output_id = '1')) || '</pre>' IN html) > 0 AS attribution_text
FROM doc;

-- The likeliest origin first, marked; works tied with it on every signal
-- say so (a hand-made document: one work ranked first alone, then three
-- tied, then ill-typed ranks, which mark nothing and break nothing).
SELECT (SELECT count(*) FROM regexp_matches(html, 'likeliest origin', 'g')) AS origin_badges,
       (SELECT count(*) FROM llmcopy_findings f JOIN llmcopy_output_tables o ON o.id = f.output_table
        WHERE o.table_name = 'rep_outputs' AND f.output_id = '1' AND f.origin_rank = 1) AS ranked_first,
       position('likeliest origin' IN html) < position('<article class="finding" id="o1f2"' IN html) AS first_is_first
FROM doc;
SELECT (SELECT string_agg(m[1], ' | ') FROM regexp_matches(h, '<span class="badge (?:ok|warn)">(likeliest origin[^<]*)</span>', 'g') m) AS badges
FROM llmcopy_report_html('ties', jsonb_build_array(jsonb_build_object('table', 't', 'id', '1', 'text', 'x', 'findings', jsonb_build_array(
         jsonb_build_object('work_id', 'a', 'origin_rank', 1, 'tied', 1),
         jsonb_build_object('work_id', 'b', 'origin_rank', 1, 'tied', 3),
         jsonb_build_object('work_id', 'c', 'origin_rank', 1, 'tied', 2),
         jsonb_build_object('work_id', 'd', 'origin_rank', 2, 'tied', 3),
         jsonb_build_object('work_id', 'e', 'origin_rank', 1, 'tied', 'x<b>'),
         jsonb_build_object('work_id', 'f', 'origin_rank', 1, 'tied', 1e20),
         jsonb_build_object('work_id', 'g', 'origin_rank', '1', 'tied', 2),
         jsonb_build_object('work_id', 'h', 'origin_rank', 1, 'tied', jsonb_build_array(2)))))) h;

-- A row of a view over the findings names an output too.
SELECT llmcopy_report(c) = llmcopy_report('rep_outputs', c.output_id) AS from_conflicts_view
FROM llmcopy_license_conflicts c JOIN llmcopy_output_tables o ON o.id = c.output_table
WHERE o.table_name = 'rep_outputs';

-- An output without findings has a report that says so; texts edited or
-- deleted since the scan leave their spans out, and the report says so.
SELECT position('no findings' IN llmcopy_report('rep_outputs', '3')) > 0 AS no_findings;
UPDATE rep_outputs SET body = 'Rewritten. ' || body WHERE id = 2;
SELECT position('of the passages no longer match the texts' IN r) > 0 AS stale_noted,
       position('<mark' IN r) = 0 AS stale_not_marked
FROM llmcopy_report('rep_outputs', '2') r;
DELETE FROM rep_outputs WHERE id = 2;
SELECT position('The output is no longer in its table' IN llmcopy_report('rep_outputs', '2')) > 0 AS deleted_noted;
-- A corpus whose registration can no longer be used (its text column
-- renamed) is not read: each finding says why its work is not shown, and
-- the output keeps its passages marked.
ALTER TABLE rep_works RENAME COLUMN body TO body_renamed;
SELECT (SELECT count(*) FROM regexp_matches(r, 'The work&rsquo;s text is not shown: corpus registration \d+ \(table public\.rep_works\) cannot be used: column body does not exist\.', 'g'))
           = (SELECT count(*) FROM regexp_matches(r, '<article class="finding"', 'g')) AS works_not_read,
       position('<mark' IN r) > 0 AS output_still_marked, position('no longer match' IN r) = 0 AS no_passage_dropped
FROM llmcopy_report('rep_outputs', '1') r;
ALTER TABLE rep_works RENAME COLUMN body_renamed TO body;

-- The scan's report: a dashboard's summary, then the outputs.
CREATE TEMP TABLE scan AS SELECT llmcopy_scan_report(since => :'t0') AS html;
SELECT substring(html FROM '<div class="figures">(.*?)</div></div>') AS figures,
       (SELECT string_agg(pg_temp.unescape(regexp_replace(r[1], '<[^>]*>', ' ', 'g')), ' | ')
        FROM regexp_matches(html, '<table class="daily">.*?<tbody>(.*?)</tbody>') r) AS daily,
       (SELECT count(*) FROM regexp_matches(html, '<section class="output" id="o\d+">', 'g')) AS outputs_shown,
       (SELECT count(*) FROM regexp_matches(html, '<article class="finding"', 'g')) AS findings_shown,
       position('fork: unknown (my own terms &lt;/pre&gt;)' IN html) > 0 AS conflict_listed
FROM scan;
SELECT (SELECT count(*) FROM regexp_matches(llmcopy_scan_report(since => :'t0', max_outputs => 1), '<section class="output"', 'g')) AS one_shown,
       position('No findings' IN llmcopy_scan_report(since => now() + interval '1 day')) > 0 AS none_in_future;

-- Read with the caller's rights: a role that may read the findings but
-- not the outputs table gets an error, not the texts.
CREATE ROLE rep_reviewer;
GRANT SELECT ON llmcopy_findings, llmcopy_output_tables, llmcopy_corpus_tables, llmcopy_licenses,
                llmcopy_license_rules, llmcopy_output_attribution, llmcopy_license_conflicts, rep_works TO rep_reviewer;
SET ROLE rep_reviewer;
SELECT llmcopy_report('rep_outputs', '1');
RESET ROLE;
GRANT SELECT ON rep_outputs TO rep_reviewer;
SET ROLE rep_reviewer;
SELECT position('<mark' IN llmcopy_report('rep_outputs', '1')) > 0 AS reviewer_sees_marks,
       position('<section class="output"' IN llmcopy_scan_report(since => :'t0')) > 0 AS reviewer_scan_report;
RESET ROLE;

-- Bad input.
SELECT llmcopy_report('pg_class', '1');
SELECT llmcopy_report('rep_outputs', '99');
SELECT llmcopy_scan_report(max_outputs => -1);

SELECT llmcopy_unregister('rep_outputs');
SELECT llmcopy_unregister('rep_works');
REVOKE ALL ON llmcopy_findings, llmcopy_output_tables, llmcopy_corpus_tables, llmcopy_licenses,
              llmcopy_license_rules, llmcopy_output_attribution, llmcopy_license_conflicts, rep_works, rep_outputs FROM rep_reviewer;
DROP ROLE rep_reviewer;
