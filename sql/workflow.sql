-- The compliance workflow: registration, boilerplate, nightly scans,
-- findings, evidence in the registered mode, bad rows, broken and rebuilt
-- registrations, hostile names, and the dashboard views.
-- (Concurrency, late commits and killed scans: workflow_sessions; roles
-- and hostile code: privileges.)

-- Works, with column names of their own.  Paragraphs of real license texts
-- stand for works; every 'packaged' work starts with the same header.
CREATE TABLE my_works (work_key bigint PRIMARY KEY, content text, lic text, creator text, name text, url text);
CREATE TEMP TABLE paras AS
SELECT row_number() OVER () AS n, p
FROM regexp_split_to_table(pg_read_file('/usr/share/common-licenses/GPL-3'), E'\\n\\s*\\n') p
WHERE length(p) > 300;
INSERT INTO my_works
SELECT n, CASE WHEN n BETWEEN 10 AND 40
               THEN 'Copyright the packagers of this distribution. Redistribution and use in source and binary forms are permitted as described in the file COPYING that comes with it. '
               ELSE '' END || p,
       CASE WHEN n % 4 = 0 THEN 'Apache 2.0' WHEN n % 4 = 1 THEN 'MIT' WHEN n % 4 = 2 THEN 'GPL-3.0-only' ELSE 'Some Custom Terms' END,
       'Author ' || n, 'Work ' || n, 'https://example.org/' || n
FROM paras;
-- a fork of work 5 under another license, and of work 6 under a non-commercial one
INSERT INTO my_works SELECT 1005, content, 'Apache-2.0', 'Forker', 'Fork of 5', NULL FROM my_works WHERE work_key = 5;
INSERT INTO my_works SELECT 1006, content, 'CC-BY-NC-4.0', 'Other forker', 'Fork of 6', NULL FROM my_works WHERE work_key = 6;

CREATE TABLE my_outputs (out_id int PRIMARY KEY, answer text, created timestamptz, model text);
INSERT INTO my_outputs VALUES
  (1, 'Here is what I found: ' || (SELECT content FROM my_works WHERE work_key = 5) || ' Hope that helps.', '2026-11-01 10:00', 'model-a'),
  (2, 'Copyright the packagers of this distribution. Redistribution and use in source and binary forms are permitted as described in the file COPYING that comes with it. And then a long answer about cooking pasta with tomatoes and basil in a summer garden.', '2026-11-01 11:00', 'model-a'),
  (3, 'Quoting: ' || (SELECT content FROM my_works WHERE work_key = 12), '2026-11-02 09:00', 'model-b'),
  (4, 'An original poem about rivers, stones and the slow patience of water over many years.', '2026-11-02 10:00', 'model-b'),
  (5, 'From the text: ' || (SELECT content FROM my_works WHERE work_key = 6), '2026-11-03 08:00', 'model-a'),
  (6, 'Also: ' || (SELECT content FROM my_works WHERE work_key = 7), '2026-11-03 09:00', 'model-b');

-- Registration checks the table, the columns and their types.
SELECT llmcopy_register_corpus('my_works', 'work_key', 'no_such_column');
SELECT llmcopy_register_corpus('my_works', 'work_key', 'work_key');
SELECT llmcopy_register_outputs('my_outputs', 'created', 'answer', 'created');
SELECT llmcopy_register_outputs('my_outputs', 'out_id', 'answer', 'answer');
-- a column or table given as NULL: named in the error (22004), not an error
-- of the extension's own code
SELECT llmcopy_register_outputs('my_outputs', 'out_id', 'answer', NULL);
SELECT llmcopy_register_outputs('my_outputs', NULL, 'answer', 'created');
SELECT llmcopy_register_corpus('my_works', 'work_key', NULL);
SELECT llmcopy_register_corpus(NULL, 'work_key', 'content');
CREATE VIEW my_view AS SELECT * FROM my_outputs;
SELECT llmcopy_register_outputs('my_view', 'out_id', 'answer', 'created');
CREATE TEMP TABLE my_temp (id int, t text, at timestamptz);
SELECT llmcopy_register_outputs('my_temp', 'id', 't', 'at');
CALL llmcopy_scan();
SELECT llmcopy_register_corpus('my_works', 'work_key', 'content', license_col => 'lic', author_col => 'creator',
                               title_col => 'name', source_col => 'url') AS corpus_id;
-- no index is created or advised on the outputs: the scan does not use one
SELECT llmcopy_register_outputs('my_outputs', 'out_id', 'answer', 'created', model_col => 'model') AS outputs_id;
SELECT schema_name, table_name, id_col, id_type, text_col, license_col, k, w, mode FROM llmcopy_corpus_tables;
SELECT schema_name, table_name, id_col, id_type, text_col, logged_at_col, model_col FROM llmcopy_output_tables;
SELECT indrelid::regclass, indexrelid::regclass FROM pg_index
WHERE indrelid IN ('my_works'::regclass, 'my_outputs'::regclass) AND NOT indisprimary;
-- the stored expression names this extension's fingerprint(), whatever the path
SET search_path = pg_catalog;
SELECT adrelid::regclass, pg_get_expr(adbin, adrelid) FROM pg_attrdef
WHERE adrelid IN ('public.my_works'::regclass, 'public.my_outputs'::regclass) ORDER BY 1;
RESET search_path;
SELECT llmcopy_register_corpus('my_works', 'work_key', 'content');
SELECT kind, id, tbl, problem FROM llmcopy_registrations ORDER BY kind, id;

-- The scan, without boilerplate subtraction: output 2 is "found" only for its header.
CALL llmcopy_scan(threshold => 0.2, batch_size => 2);
SELECT output_id, work_id, round(containment::numeric, 2) AS containment, longest_tokens,
       round(coverage::numeric, 2) AS coverage, jsonb_array_length(spans) AS spans, license, license_raw,
       obligations ->> 'copyleft' AS copyleft
FROM llmcopy_findings ORDER BY output_id::int, work_id::bigint LIMIT 12;
SELECT count(DISTINCT work_id) > 20 AS header_matches_many FROM llmcopy_findings WHERE output_id = '2';
SELECT status, done, total, skipped, batches, findings > 0 AS found FROM llmcopy_runs ORDER BY run_id;
SELECT output_id, status, model, logged_at FROM llmcopy_scanned ORDER BY output_id::int;

-- Re-running finds nothing new.  An output backfilled with a logged_at
-- older than everything scanned, and one without a logged_at, are scanned
-- by the next scan, once.
CALL llmcopy_scan(threshold => 0.2);
SELECT count(*) AS findings FROM llmcopy_findings;
INSERT INTO my_outputs VALUES
  (7, 'Late answer: ' || (SELECT content FROM my_works WHERE work_key = 20), '2020-01-01', 'model-b'),
  (8, 'No time: ' || (SELECT content FROM my_works WHERE work_key = 8), NULL, 'model-b');
CALL llmcopy_scan(threshold => 0.2);
CALL llmcopy_scan(threshold => 0.2);
SELECT output_id, status, logged_at FROM llmcopy_scanned WHERE output_id IN ('7', '8') ORDER BY 1;
SELECT output_id, count(*) AS findings, min(logged_at) AS logged_at FROM llmcopy_findings
WHERE output_id IN ('7', '8') GROUP BY 1 ORDER BY 1;
SELECT run_id, status, done, total FROM llmcopy_runs ORDER BY run_id;

-- Boilerplate: the header common to 31 works is subtracted; output 2's only
-- "finding" disappears, the real copies stay.  (A second registration of
-- the outputs gives a clean slate to compare.)
SELECT llmcopy_refresh_boilerplate('my_works', 10) > 0 AS boilerplate_hashes;
CREATE TABLE my_outputs2 AS SELECT out_id, answer, created, model FROM my_outputs WHERE out_id <= 7;
ALTER TABLE my_outputs2 ADD PRIMARY KEY (out_id);
SELECT llmcopy_register_outputs('my_outputs2', 'out_id', 'answer', 'created', model_col => 'model') AS outputs2_id;
CALL llmcopy_scan(outputs => 'my_outputs2', threshold => 0.2);
SELECT output_id, string_agg(work_id, ',' ORDER BY work_id::bigint) AS works
FROM llmcopy_findings WHERE output_table = 2 GROUP BY output_id ORDER BY output_id::int;

-- Dashboards.
SELECT day, model, license, outputs, findings FROM llmcopy_findings_daily
WHERE day BETWEEN '2026-11-01' AND '2026-11-10' AND license <> 'unknown'
ORDER BY 1, 2, 3 LIMIT 8;
SELECT output_id, works, attribution FROM llmcopy_output_attribution WHERE output_table = 2 ORDER BY output_id::int;
SELECT output_id, sources, licenses, incompatible FROM llmcopy_license_conflicts WHERE output_table = 2 ORDER BY output_id::int;
SELECT work_id, title, license, outputs FROM llmcopy_top_works WHERE corpus_table = 1 ORDER BY outputs DESC, work_id::bigint LIMIT 3;
SELECT obligation, sum(outputs) AS outputs FROM llmcopy_findings_by_obligation GROUP BY 1 ORDER BY 1;

-- The reproduction rate on a known set: per model and day, 2 + 1 outputs
-- copy at least 50 tokens of a work, 1 copies 30 (a finding, not a
-- reproduction at 50 tokens), 2 copy nothing, and one has no logged_at.
CREATE TABLE rate_outputs (id int PRIMARY KEY, body text, at timestamptz, model text);
INSERT INTO rate_outputs
SELECT i, CASE kind WHEN 'long' THEN 'See: ' || (SELECT content FROM my_works WHERE work_key = 20 + i)
                    WHEN 'short' THEN 'See: ' || (SELECT string_agg(t, ' ') FROM (SELECT regexp_split_to_table(content, '\s+') t
                                                     FROM my_works WHERE work_key = 3 LIMIT 30) s)
                                     || ' and then my own words about gardens rivers and stones'
                    ELSE 'An answer of my own about the weather number ' || i END,
       day, model
FROM (VALUES (1, 'long', '2026-12-01 10:00'::timestamptz, 'rate-small'), (2, 'long', '2026-12-01 11:00', 'rate-small'),
             (3, 'short', '2026-12-01 12:00', 'rate-small'), (4, 'none', '2026-12-01 13:00', 'rate-small'),
             (5, 'long', '2026-12-02 10:00', 'rate-small'), (6, 'none', '2026-12-02 10:00', 'rate-large'),
             (7, 'none', NULL, 'rate-large')) v(i, kind, day, model);
SELECT llmcopy_register_outputs('rate_outputs', 'id', 'body', 'at', model_col => 'model') AS rate_id \gset
CALL llmcopy_scan(outputs => 'rate_outputs', threshold => 0.05);
SELECT output_id, max(longest_tokens) AS longest FROM llmcopy_findings WHERE output_table = :rate_id GROUP BY 1 ORDER BY 1;
SELECT * FROM llmcopy_reproduction_rate WHERE model LIKE 'rate-%' ORDER BY day, model;
SELECT day, model, scanned, reproducing, rate FROM llmcopy_reproduction_rates(20) WHERE model LIKE 'rate-%' ORDER BY day, model;

-- Evidence in the registered mode: code registered in mode 'code' gets
-- code-mode spans, longest runs and coverage.  The works are small C
-- functions; the outputs copy them re-indented, with comments added.
SELECT setseed(0.17);
CREATE TABLE code_works (id int PRIMARY KEY, src text);
INSERT INTO code_works
SELECT f, format(E'static long fn_%s(const long *v, int n)\n{\n    long acc = %s;\n', f, f * 7)
          || (SELECT string_agg(format(E'    %s = %s %s %s * v[%s %% n];\n', a, b, op, (random() * 90)::int, s), '')
              FROM (SELECT s, 'x' || (random() * 30)::int AS a, 'y' || (random() * 30)::int AS b,
                           (ARRAY['+', '-', '^', '|'])[1 + (random() * 3)::int] AS op
                    FROM generate_series(1, 12 + 0 * f) s) st)
          || E'    return acc;\n}\n'
FROM generate_series(1, 12) f;
CREATE TABLE code_outputs (id int PRIMARY KEY, answer text, at timestamptz);
INSERT INTO code_outputs
SELECT id, E'Here is a function:\n\n' || regexp_replace(regexp_replace(src, E'\n    ', E'\n\t', 'g'), ';\n', E';  // step\n', 'g')
          || E'\nIt sums the values.', '2026-12-05'
FROM code_works WHERE id IN (3, 8);
SELECT llmcopy_register_corpus('code_works', 'id', 'src', mode => 'code') AS code_corpus \gset
SELECT llmcopy_register_outputs('code_outputs', 'id', 'answer', 'at', mode => 'code') AS code_out \gset
CALL llmcopy_scan(outputs => 'code_outputs', corpus => 'code_works', threshold => 0.3);
SELECT f.output_id, f.work_id, f.longest_tokens,
       f.longest_tokens = llmcopy_longest_match(o.answer, w.src, 'code') AS longest_in_code_mode,
       llmcopy_longest_match(o.answer, w.src, 'text') AS longest_in_text_mode,
       f.spans = (SELECT jsonb_agg(to_jsonb(m) ORDER BY m.a_start) FROM llmcopy_matches(o.answer, w.src, 8, 'code') m) AS code_spans,
       f.coverage BETWEEN 0 AND 1 AS in_range,
       abs(f.coverage - llmcopy_coverage(o.answer, w.src, 8, 'code')) < 1e-12 AS coverage_in_code_mode,
       abs(f.coverage - (SELECT sum((s ->> 'tokens')::int) FROM jsonb_array_elements(f.spans) s)::float8
                        / (SELECT count(*) FROM llmcopy_tokens(o.answer, 'code'))) < 1e-12 AS coverage_from_spans
FROM llmcopy_findings f JOIN code_outputs o ON o.id::text = f.output_id JOIN code_works w ON w.id::text = f.work_id
WHERE f.output_table = :code_out ORDER BY 1, 2;

-- One bad output never stops the scan: a finding that cannot be written
-- (here a constraint refuses findings of work 13) skips that output,
-- recorded with the error; the others are scanned, and the scan ends.
CREATE TABLE skip_outputs AS SELECT out_id, answer, created, model FROM my_outputs WHERE out_id IN (1, 3, 5, 6);
ALTER TABLE skip_outputs ADD PRIMARY KEY (out_id);
INSERT INTO skip_outputs VALUES (9, 'Copy: ' || (SELECT content FROM my_works WHERE work_key = 13), '2026-11-04', 'model-a');
SELECT llmcopy_register_outputs('skip_outputs', 'out_id', 'answer', 'created', model_col => 'model') AS skip_id \gset
ALTER TABLE llmcopy_findings ADD CONSTRAINT no_work_13 CHECK (work_id <> '13') NOT VALID;
CALL llmcopy_scan(outputs => 'skip_outputs', threshold => 0.2, batch_size => 10);
ALTER TABLE llmcopy_findings DROP CONSTRAINT no_work_13;
SELECT output_id, status, reason FROM llmcopy_scanned WHERE output_table = :skip_id ORDER BY output_id::int;
SELECT status, done, skipped, findings FROM llmcopy_runs WHERE output_table = :skip_id;
SELECT output_id, count(*) AS findings FROM llmcopy_findings WHERE output_table = :skip_id GROUP BY 1 ORDER BY 1::int;
-- a skipped output is not retried
CALL llmcopy_scan(outputs => 'skip_outputs', threshold => 0.2);
SELECT count(*) AS findings_for_9 FROM llmcopy_findings WHERE output_table = :skip_id AND output_id = '9';

-- Registrations are kept by name: a table rebuilt under a new OID (as
-- Citus does, or CREATE TABLE, copy and rename) stays registered, and its
-- scan records still count.
CREATE TABLE re_outputs AS SELECT out_id, answer, created, model FROM my_outputs WHERE out_id IN (1, 3);
ALTER TABLE re_outputs ADD PRIMARY KEY (out_id);
SELECT llmcopy_register_outputs('re_outputs', 'out_id', 'answer', 'created') AS re_id \gset
CALL llmcopy_scan(outputs => 're_outputs', threshold => 0.2);
SELECT 're_outputs'::regclass::oid AS old_oid \gset
BEGIN;
CREATE TABLE re_outputs_new (LIKE re_outputs INCLUDING ALL);
INSERT INTO re_outputs_new (out_id, answer, created, model) SELECT out_id, answer, created, model FROM re_outputs;
INSERT INTO re_outputs_new (out_id, answer, created, model) SELECT out_id, answer, created, model FROM my_outputs WHERE out_id = 6;
DROP TABLE re_outputs;
ALTER TABLE re_outputs_new RENAME TO re_outputs;
COMMIT;
SELECT 're_outputs'::regclass::oid <> :old_oid AS new_oid;
CALL llmcopy_scan(outputs => 're_outputs', threshold => 0.2);
SELECT output_id, count(*) AS records FROM llmcopy_scanned WHERE output_table = :re_id GROUP BY 1 ORDER BY 1;

-- A broken registration (a column dropped, a column retyped, the
-- fingerprint column dropped, the table gone) is named by the scan: a scan
-- that names its table stops before it commits anything; a scan that does
-- not skips it with a WARNING and a failed run that says why, and scans
-- the other registrations.
INSERT INTO re_outputs (out_id, answer, created) VALUES (10, 'Pending: ' || (SELECT content FROM my_works WHERE work_key = 9), now());
INSERT INTO my_outputs VALUES (10, 'Pending too: ' || (SELECT content FROM my_works WHERE work_key = 9), now(), 'model-a');
SELECT count(*) AS runs, max(run_id) AS last_run, (SELECT count(*) FROM llmcopy_scanned) AS records FROM llmcopy_runs \gset before_
ALTER TABLE re_outputs DROP COLUMN model;
ALTER TABLE re_outputs RENAME COLUMN answer TO reply;
CALL llmcopy_scan(outputs => 're_outputs', threshold => 0.2);
ALTER TABLE re_outputs RENAME COLUMN reply TO answer;
ALTER TABLE re_outputs ALTER COLUMN out_id TYPE bigint;
CALL llmcopy_scan(outputs => 're_outputs', threshold => 0.2);
SELECT kind, id, problem FROM llmcopy_registrations WHERE problem IS NOT NULL;
ALTER TABLE re_outputs ALTER COLUMN out_id TYPE int;
ALTER TABLE re_outputs DROP COLUMN llmcopy_fp;
CALL llmcopy_scan(outputs => 're_outputs', threshold => 0.2);
SELECT (SELECT count(*) FROM llmcopy_runs) - :before_runs AS new_runs,
       (SELECT count(*) FROM llmcopy_scanned) - :before_records AS new_records;
DROP TABLE re_outputs;
CALL llmcopy_scan(threshold => 0.2);
-- the broken pair: a failed run per corpus, with the problem; the pending
-- output of my_outputs was scanned
SELECT status, count(*) AS runs, min(problem) AS problem FROM llmcopy_runs WHERE output_table = :re_id AND run_id > :before_last_run
GROUP BY 1;
SELECT output_table, output_id, status FROM llmcopy_scanned WHERE run_id > :before_last_run ORDER BY 1, 2;
SELECT kind, id, tbl, problem FROM llmcopy_registrations WHERE problem IS NOT NULL;
-- the other registrations scan as before once the broken one is removed
DELETE FROM llmcopy_output_tables WHERE id = :re_id;
CALL llmcopy_scan(outputs => 'my_outputs', threshold => 0.2);
SELECT count(*) AS findings_for_10 FROM llmcopy_findings WHERE output_table = 1 AND output_id = '10';

-- Hostile names: quotes, semicolons, spaces, mixed case, the same table
-- name in two schemas, and two long names that share their first 40
-- characters.  Each registers and scans; PostgreSQL names the indexes.
CREATE SCHEMA "Sch""ema; 1";
CREATE SCHEMA sch2;
CREATE TABLE "Sch""ema; 1"."Works ""Q""; DROP TABLE my_works; --" ("Id" int PRIMARY KEY, "Body Text" text, "Li'cense" text);
INSERT INTO "Sch""ema; 1"."Works ""Q""; DROP TABLE my_works; --" SELECT work_key, content, lic FROM my_works WHERE work_key BETWEEN 1 AND 8;
CREATE TABLE "Sch""ema; 1"."Out" ("Out Id" text PRIMARY KEY, "Ans;wer" text, "At" timestamptz);
CREATE TABLE sch2."Out" (id uuid PRIMARY KEY, "Ans;wer" varchar, "At" date);
CREATE TABLE "a_long_table_name_shared_by_two_tables_x_one" (id int PRIMARY KEY, body text, at timestamp);
CREATE TABLE "a_long_table_name_shared_by_two_tables_x_two" (id int PRIMARY KEY, body text, at timestamp);
INSERT INTO "Sch""ema; 1"."Out" SELECT 'o''' || out_id, answer, created FROM my_outputs WHERE out_id IN (1, 2, 4);
INSERT INTO sch2."Out" SELECT md5(out_id::text)::uuid, answer, created FROM my_outputs WHERE out_id IN (3, 5);
INSERT INTO "a_long_table_name_shared_by_two_tables_x_one" SELECT out_id, answer, created FROM my_outputs WHERE out_id = 6;
INSERT INTO "a_long_table_name_shared_by_two_tables_x_two" SELECT out_id, answer, created FROM my_outputs WHERE out_id = 7;
SELECT llmcopy_register_corpus('"Sch""ema; 1"."Works ""Q""; DROP TABLE my_works; --"', 'Id', 'Body Text', license_col => 'Li''cense') AS odd_corpus \gset
SELECT llmcopy_register_outputs('"Sch""ema; 1"."Out"', 'Out Id', 'Ans;wer', 'At') IS NOT NULL AS registered;
SELECT llmcopy_register_outputs('sch2."Out"', 'id', 'Ans;wer', 'At') IS NOT NULL AS registered;
SELECT llmcopy_register_corpus('a_long_table_name_shared_by_two_tables_x_one', 'id', 'body') IS NOT NULL AS registered;
SELECT llmcopy_register_corpus('a_long_table_name_shared_by_two_tables_x_two', 'id', 'body') IS NOT NULL AS registered;
-- a table may be both: its fingerprint column serves both registrations
SELECT llmcopy_register_outputs('a_long_table_name_shared_by_two_tables_x_one', 'id', 'body', 'at') IS NOT NULL AS registered;
SELECT llmcopy_register_outputs('a_long_table_name_shared_by_two_tables_x_two', 'id', 'body', 'at') IS NOT NULL AS registered;
SELECT llmcopy_register_corpus('code_outputs', 'id', 'answer');
SELECT indrelid::regclass AS tbl, indexrelid::regclass AS index FROM pg_index i
WHERE indexrelid::regclass::text LIKE '%llmcopy_fp%' AND indrelid <> 'my_works'::regclass
ORDER BY 1::text;
CALL llmcopy_scan(corpus => '"Sch""ema; 1"."Works ""Q""; DROP TABLE my_works; --"', threshold => 0.2);
SELECT o.schema_name, o.table_name, f.output_id, f.work_id, f.license
FROM llmcopy_findings f JOIN llmcopy_output_tables o ON o.id = f.output_table
WHERE f.corpus_table = :odd_corpus ORDER BY 1, 2, 3, 4;
SELECT o.schema_name, o.table_name, count(*) AS records FROM llmcopy_scanned s JOIN llmcopy_output_tables o ON o.id = s.output_table
WHERE s.corpus_table = :odd_corpus GROUP BY 1, 2 ORDER BY 1, 2;
SELECT count(*) AS my_works_still_there FROM my_works;

-- Bad input.
CALL llmcopy_scan(outputs => 'my_outputs', threshold => 1.5);
CALL llmcopy_scan(outputs => 'my_outputs', batch_size => 0);
CALL llmcopy_scan(outputs => 'my_outputs', min_tokens => 0);
CALL llmcopy_scan(outputs => 'my_works');
SELECT llmcopy_refresh_boilerplate('my_outputs', 5);
SELECT llmcopy_unregister('pg_class');

-- Undo a registration: the configuration, the findings, the records and the column go.
SELECT llmcopy_unregister('my_outputs2');
SELECT count(*) AS findings_left FROM llmcopy_findings WHERE output_table = 2;
SELECT count(*) AS records_left FROM llmcopy_scanned WHERE output_table = 2;
SELECT count(*) AS column_left FROM pg_attribute WHERE attrelid = 'my_outputs2'::regclass AND attname = 'llmcopy_fp' AND NOT attisdropped;
