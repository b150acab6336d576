-- Benchmark for the nightly scan (run by bench/run scan): 2,000 outputs of
-- about 2 KB against the whole corpus, 1 % of them holding a 300-character
-- copy of a corpus document.
\pset footer off
SET client_min_messages = warning;

CREATE TABLE works AS SELECT id, kind, package, license, path, body FROM corpus;
ALTER TABLE works ADD PRIMARY KEY (id);
SELECT round(ms($q$SELECT llmcopy_register_corpus('works', 'id', 'body', license_col => 'license',
                                                    title_col => 'path', source_col => 'package')$q$, 1)) AS register_corpus_ms;
SELECT round(ms($q$SELECT llmcopy_refresh_boilerplate('works', 100)$q$, 1)) AS refresh_boilerplate_ms;
SELECT (fingerprint_info(fp)).hashes AS boilerplate_hashes FROM llmcopy_boilerplate;

-- outputs: the words of two held-out mails, shuffled (held-out mails quote
-- the corpus's mails of the same threads; shuffling leaves no shared run),
-- 2,000 characters; every 100th holds a copy cut at spaces from the middle
-- of a code or prose document
CREATE TABLE sources AS
SELECT row_number() OVER (ORDER BY id) AS rn, id FROM corpus
WHERE kind <> 'intl' AND length(body) >= 1000 AND body !~ '[A-Za-z0-9+/=]{200}';
CREATE TABLE shuffled AS
SELECT id, (SELECT string_agg(w, ' ' ORDER BY md5(w || n::text)) FROM regexp_split_to_table(body, '\s+') WITH ORDINALITY t(w, n)) AS words
FROM heldout;
CREATE TABLE outputs AS
SELECT i AS id, now() - interval '1 day' + i * interval '1 second' AS logged_at,
       left(m1.words, 1000) || ' '
       || CASE WHEN i % 100 = 0 THEN coalesce(substring(substr(d.body, length(d.body) / 2 - 150, 300) FROM '\s(.*)\s'), '') || ' ' ELSE '' END
       || left(m2.words, 1000) AS body,
       CASE WHEN i % 100 = 0 THEN d.id END AS source
FROM generate_series(1, 2000) i
JOIN shuffled m1 ON m1.id = 1 + i % (SELECT count(*) FROM heldout)
JOIN shuffled m2 ON m2.id = 1 + (i * 7 + 3) % (SELECT count(*) FROM heldout)
LEFT JOIN sources s ON s.rn = 1 + (i * 7919::bigint) % (SELECT count(*) FROM sources)
LEFT JOIN corpus d ON d.id = s.id;
ALTER TABLE outputs ADD PRIMARY KEY (id);
SELECT llmcopy_register_outputs('outputs', 'id', 'body', 'logged_at') IS NOT NULL AS registered;
SELECT count(*) AS outputs, round(avg(length(body))) AS avg_chars, count(source) AS with_a_copy FROM outputs;

\echo '## The scan (threshold 0.02, batches of 500)'
SET client_min_messages = notice;
CALL llmcopy_scan(threshold => 0.02);
SET client_min_messages = warning;
SELECT done AS outputs, findings, round(extract(epoch FROM finished_at - started_at)::numeric, 2) AS seconds,
       round(done / extract(epoch FROM finished_at - started_at)) AS outputs_per_s
FROM llmcopy_runs ORDER BY run_id DESC LIMIT 1;

\echo '## What was found'
SELECT count(DISTINCT f.output_id) AS outputs_with_findings,
       count(DISTINCT f.output_id) FILTER (WHERE o.source IS NOT NULL) AS with_a_copy_flagged,
       count(*) FILTER (WHERE o.source::text = f.work_id) AS copies_traced_to_their_source,
       count(DISTINCT f.output_id) FILTER (WHERE o.source IS NULL) AS clean_outputs_flagged
FROM llmcopy_findings f JOIN outputs o ON o.id::text = f.output_id;
