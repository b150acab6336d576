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
CREATE TABLE found AS SELECT output_id, work_id, containment FROM llmcopy_findings;

-- The 0.1.0 scan (one query per output, a watermark) on the same data, in
-- the same cluster (a database with the extension at version 0.1.0, on the
-- same library), the two scans taking turns three times: best of three.
\copy outputs (id, logged_at, body, source) TO 'bench/work/scan_outputs.copy'
CREATE TABLE scan_times (version text, seconds float8);
CREATE DATABASE scan_010;
\c scan_010
SET client_min_messages = warning;
CREATE EXTENSION pg_llmcopy VERSION '0.1.0';
CREATE TABLE works (id int PRIMARY KEY, kind text, package text, license text, path text, body text);
\copy works FROM 'bench/work/corpus.copy'
CREATE TABLE outputs (id int PRIMARY KEY, logged_at timestamptz, body text, source int);
\copy outputs (id, logged_at, body, source) FROM 'bench/work/scan_outputs.copy'
SELECT llmcopy_register_corpus('works', 'id', 'body', license_col => 'license', title_col => 'path', source_col => 'package') IS NOT NULL AS registered;
SELECT llmcopy_refresh_boilerplate('works', 100) AS boilerplate_hashes;
SELECT llmcopy_register_outputs('outputs', 'id', 'body', 'logged_at') IS NOT NULL AS registered;
CREATE TABLE scan_times (version text, seconds float8);
\set round_010 'DELETE FROM llmcopy_findings; DELETE FROM llmcopy_watermarks; DELETE FROM llmcopy_runs; CALL llmcopy_scan(threshold => 0.02); INSERT INTO scan_times SELECT ''0.1.0'', extract(epoch FROM finished_at - started_at) FROM llmcopy_runs;'
\set round_020 'DELETE FROM llmcopy_findings; DELETE FROM llmcopy_scanned; DELETE FROM llmcopy_runs; CALL llmcopy_scan(threshold => 0.02); INSERT INTO scan_times SELECT ''0.2.0'', extract(epoch FROM finished_at - started_at) FROM llmcopy_runs;'
:round_010
\c postgres
SET client_min_messages = warning;
:round_020
\c scan_010
SET client_min_messages = warning;
:round_010
\c postgres
SET client_min_messages = warning;
:round_020
\c scan_010
SET client_min_messages = warning;
:round_010
SELECT count(*) AS findings_010, (SELECT string_agg(s, ',') FROM (SELECT round(seconds::numeric, 2)::text AS s FROM scan_times) t) AS seconds_010,
       (SELECT min(seconds) FROM scan_times) AS best_010
FROM llmcopy_findings \gset
\c postgres
SET client_min_messages = warning;
:round_020
\echo '## 0.1.0 and 0.2.0 on the same data, taking turns (seconds of each round; best as outputs a second)'
SELECT '0.1.0' AS version, :findings_010 AS findings, :'seconds_010' AS rounds, round(2000 / :best_010) AS outputs_per_s
UNION ALL
SELECT '0.2.0', (SELECT count(*) FROM llmcopy_findings), string_agg(round(seconds::numeric, 2)::text, ','), round(2000 / min(seconds))
FROM scan_times;
SELECT count(*) AS same_findings_as_first_scan FROM found f JOIN llmcopy_findings g USING (output_id, work_id);

\echo '## The plan of a batch: the outputs by id, each probing the corpus GIN index (as llmcopy_scan_batch builds it)'
EXPLAIN (COSTS OFF)
SELECT b.output_id, w.work_id
FROM (SELECT o.id::text AS output_id, fingerprint_minus(o.llmcopy_fp, (SELECT fp FROM llmcopy_boilerplate)) AS fp
      FROM outputs o WHERE o.id = ANY ((SELECT array_agg(i::text) FROM generate_series(1, 500) i)::int[])) b
CROSS JOIN LATERAL (SELECT d.id::text AS work_id FROM works d WHERE fingerprint_contained(b.fp, d.llmcopy_fp, 0.02)) w;

\echo '## What was found'
SELECT count(DISTINCT f.output_id) AS outputs_with_findings,
       count(DISTINCT f.output_id) FILTER (WHERE o.source IS NOT NULL) AS with_a_copy_flagged,
       count(*) FILTER (WHERE o.source::text = f.work_id) AS copies_traced_to_their_source,
       count(DISTINCT f.output_id) FILTER (WHERE o.source IS NULL) AS clean_outputs_flagged
FROM llmcopy_findings f JOIN outputs o ON o.id::text = f.output_id;

-- The reproduction rate (llmcopy_reproduction_rate): three models, seven
-- days, 200 outputs a model and day built as above, of which a share that
-- grows with the model holds a 600-character copy (about 100 tokens; the
-- larger the model, the more it reproduces): 0.5 %, 2 % and 5 %, drawn at
-- random.
SELECT setseed(0.5);
CREATE TABLE rate_outputs AS
SELECT row_number() OVER () AS id, model, logged_at, planted,
       left(words1, 1000) || ' '
       || CASE WHEN planted THEN coalesce(substring(substr(src, length(src) / 2 - 300, 600) FROM '\s(.*)\s'), '') || ' ' ELSE '' END
       || left(words2, 1000) AS body
FROM (SELECT m.model, d.day + (g * interval '5 minutes') AS logged_at, random() < m.p AS planted,
             m1.words AS words1, m2.words AS words2, src.body AS src
FROM (VALUES ('model-1b', 0.005), ('model-7b', 0.02), ('model-70b', 0.05)) m(model, p),
     generate_series('2026-11-01'::timestamptz, '2026-11-07', interval '1 day') d(day),
     generate_series(1, 200) g
JOIN shuffled m1 ON m1.id = 1 + g % (SELECT count(*) FROM heldout)
JOIN shuffled m2 ON m2.id = 1 + (g * 7 + 3) % (SELECT count(*) FROM heldout)
JOIN sources s ON s.rn = 1 + (g * 7919::bigint) % (SELECT count(*) FROM sources)
JOIN corpus src ON src.id = s.id) x;
ALTER TABLE rate_outputs ADD PRIMARY KEY (id);
SELECT llmcopy_register_outputs('rate_outputs', 'id', 'body', 'logged_at', model_col => 'model') IS NOT NULL AS registered;
CALL llmcopy_scan(outputs => 'rate_outputs', threshold => 0.02);
\echo '## Reproduction rate per model and day (a copied run of at least 50 tokens)'
SELECT to_char(r.day, 'YYYY-MM-DD') AS day, r.model, r.scanned,
       (SELECT count(*) FROM rate_outputs o WHERE o.model = r.model AND date_trunc('day', o.logged_at) = r.day AND o.planted) AS planted,
       r.reproducing, round(r.rate::numeric, 3) AS rate
FROM llmcopy_reproduction_rate r WHERE r.model LIKE 'model-%' ORDER BY r.model, r.day;
\o bench/out/reproduction_rate.dat
\pset format unaligned
\pset tuples_only on
\pset fieldsep ' '
SELECT to_char(day, 'YYYY-MM-DD'),
       max(rate) FILTER (WHERE model = 'model-1b'), max(rate) FILTER (WHERE model = 'model-7b'),
       max(rate) FILTER (WHERE model = 'model-70b')
FROM llmcopy_reproduction_rate WHERE model LIKE 'model-%' GROUP BY day ORDER BY day;
\o
