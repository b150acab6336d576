-- The compliance workflow: registration, boilerplate, nightly scans,
-- findings, faults, and the dashboard views.

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

-- Registration checks the columns and their types.
SELECT llmcopy_register_corpus('my_works', 'work_key', 'no_such_column');
SELECT llmcopy_register_corpus('my_works', 'work_key', 'work_key');
SELECT llmcopy_register_outputs('my_outputs', 'out_id', 'answer', 'answer');
CALL llmcopy_scan();
SELECT llmcopy_register_corpus('my_works', 'work_key', 'content', license_col => 'lic', author_col => 'creator',
                               title_col => 'name', source_col => 'url') AS corpus_id;
SELECT llmcopy_register_outputs('my_outputs', 'out_id', 'answer', 'created', model_col => 'model') AS outputs_id;
SELECT tbl, id_col, id_type, text_col, license_col, k, w, mode FROM llmcopy_corpus_tables;
SELECT tbl, id_col, id_type, text_col, logged_at_col, model_col FROM llmcopy_output_tables;
SELECT indexrelid::regclass FROM pg_index WHERE indrelid = 'my_works'::regclass AND NOT indisprimary;
SELECT llmcopy_register_corpus('my_works', 'work_key', 'content');

-- The scan, without boilerplate subtraction: output 2 is "found" only for its header.
CALL llmcopy_scan(threshold => 0.2, batch_size => 2);
SELECT output_id, work_id, round(containment::numeric, 2) AS containment, longest_tokens,
       round(coverage::numeric, 2) AS coverage, jsonb_array_length(spans) AS spans, license, license_raw,
       obligations ->> 'copyleft' AS copyleft
FROM llmcopy_findings ORDER BY output_id::int, work_id::bigint LIMIT 12;
SELECT count(DISTINCT work_id) > 20 AS header_matches_many FROM llmcopy_findings WHERE output_id = '2';
SELECT status, done, total, findings > 0 AS found FROM llmcopy_runs ORDER BY run_id;

-- Re-running finds nothing new; new outputs are picked up by the next scan.
CALL llmcopy_scan(threshold => 0.2);
SELECT count(*) AS findings FROM llmcopy_findings;
INSERT INTO my_outputs VALUES (7, 'Late answer: ' || (SELECT content FROM my_works WHERE work_key = 20), now() - interval '1 second', 'model-b');
CALL llmcopy_scan(threshold => 0.2);
SELECT count(*) AS findings, count(*) FILTER (WHERE output_id = '7') AS for_output_7 FROM llmcopy_findings;

-- Boilerplate: the header common to 31 works is subtracted; output 2's only
-- "finding" disappears, the real copies stay.  (A second registration of
-- the outputs gives a clean slate to compare.)
SELECT llmcopy_refresh_boilerplate('my_works', 10) > 0 AS boilerplate_hashes;
CREATE TABLE my_outputs2 AS SELECT out_id, answer, created, model FROM my_outputs;
SELECT llmcopy_register_outputs('my_outputs2', 'out_id', 'answer', 'created', model_col => 'model') AS outputs2_id;
CALL llmcopy_scan(outputs => 'my_outputs2', threshold => 0.2);
SELECT output_id, string_agg(work_id, ',' ORDER BY work_id::bigint) AS works
FROM llmcopy_findings WHERE output_table = 2 GROUP BY output_id ORDER BY output_id::int;

-- Dashboards.
SELECT day, model, license, outputs, findings FROM llmcopy_findings_daily
WHERE day < '2026-11-10' AND license <> 'unknown'
ORDER BY 1, 2, 3 LIMIT 8;
SELECT output_id, works, attribution FROM llmcopy_output_attribution WHERE output_table = 2 ORDER BY output_id::int;
SELECT output_id, sources, licenses, incompatible FROM llmcopy_license_conflicts WHERE output_table = 2 ORDER BY output_id::int;
SELECT work_id, title, license, outputs FROM llmcopy_top_works WHERE corpus_table = 1 ORDER BY outputs DESC, work_id::bigint LIMIT 3;
SELECT obligation, sum(outputs) AS outputs FROM llmcopy_findings_by_obligation GROUP BY 1 ORDER BY 1;

-- A scan killed in the middle of a batch, then run again, gives the
-- findings of an uninterrupted scan.  Another session scans while this one
-- holds the watermark lock, so it waits inside its batch; then it is killed.
CREATE EXTENSION dblink;
-- how a second session reaches this server, whatever the environment
SELECT format('dbname=%s port=%s host=%s user=%s', current_database(), current_setting('port'),
              coalesce(nullif(trim(split_part(current_setting('unix_socket_directories'), ',', 1)), ''), 'localhost'),
              current_user) AS conninfo \gset
CREATE TABLE my_outputs3 AS SELECT out_id, answer, created, model FROM my_outputs;
SELECT llmcopy_register_outputs('my_outputs3', 'out_id', 'answer', 'created', model_col => 'model') AS outputs3_id;
CALL llmcopy_scan(outputs => 'my_outputs3', threshold => 0.2, batch_size => 1, max_batches => 2);
SELECT count(DISTINCT output_id) AS scanned_before_kill FROM llmcopy_findings WHERE output_table = 3;
BEGIN;
SELECT id FROM llmcopy_watermarks WHERE output_table = 3 FOR UPDATE;
SELECT dblink_connect('killme', :'conninfo');
SELECT pid AS victim FROM dblink('killme', 'SELECT pg_backend_pid()') AS t(pid int) \gset
SELECT set_config('victim.pid', :'victim', false) IS NOT NULL AS noted;
SELECT dblink_send_query('killme', 'CALL llmcopy_scan(outputs => ''my_outputs3'', threshold => 0.2, batch_size => 1)');
DO $$
BEGIN
    FOR i IN 1..200 LOOP     -- up to 20 s for the other session to reach the lock
        EXIT WHEN EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = current_setting('victim.pid')::int AND wait_event_type = 'Lock');
        PERFORM pg_sleep(0.1);
    END LOOP;
END $$;
SELECT wait_event_type AS victim_waits_on FROM pg_stat_activity WHERE pid = :victim;
SELECT pg_terminate_backend(:victim);
COMMIT;
DO $$ BEGIN PERFORM dblink_disconnect('killme'); EXCEPTION WHEN others THEN NULL; END $$;
CALL llmcopy_scan(outputs => 'my_outputs3', threshold => 0.2, batch_size => 1);
-- the same findings as the uninterrupted scan of the same outputs (table 2)
SELECT (SELECT count(*) FROM llmcopy_findings WHERE output_table = 3) AS findings,
       (SELECT count(*) FROM (SELECT output_id, work_id, containment, longest_tokens, coverage, spans FROM llmcopy_findings WHERE output_table = 2
                              EXCEPT SELECT output_id, work_id, containment, longest_tokens, coverage, spans FROM llmcopy_findings WHERE output_table = 3) d) AS missing,
       (SELECT count(*) FROM (SELECT output_id, work_id, containment, longest_tokens, coverage, spans FROM llmcopy_findings WHERE output_table = 3
                              EXCEPT SELECT output_id, work_id, containment, longest_tokens, coverage, spans FROM llmcopy_findings WHERE output_table = 2) d) AS extra;

-- Two scans at once: the second waits for the first's batch, then goes on
-- from the new watermark; no output is scanned twice.
CREATE TABLE my_outputs4 AS SELECT out_id, answer, created, model FROM my_outputs;
SELECT llmcopy_register_outputs('my_outputs4', 'out_id', 'answer', 'created', model_col => 'model') AS outputs4_id;
CALL llmcopy_scan(outputs => 'my_outputs4', threshold => 0.2, batch_size => 1, max_batches => 1);
BEGIN;
SELECT id FROM llmcopy_watermarks WHERE output_table = 4 FOR UPDATE;
SELECT dblink_connect('other', :'conninfo');
SELECT pid AS other FROM dblink('other', 'SELECT pg_backend_pid()') AS t(pid int) \gset
SELECT set_config('other.pid', :'other', false) IS NOT NULL AS noted;
SELECT dblink_send_query('other', 'CALL llmcopy_scan(outputs => ''my_outputs4'', threshold => 0.2, batch_size => 2)');
DO $$
BEGIN
    FOR i IN 1..200 LOOP
        EXIT WHEN EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = current_setting('other.pid')::int AND wait_event_type = 'Lock');
        PERFORM pg_sleep(0.1);
    END LOOP;
END $$;
SELECT wait_event_type AS other_waits_on FROM pg_stat_activity WHERE pid = :other;
-- an output logged while that scan runs is after its start: left for the next scan
INSERT INTO my_outputs4 VALUES (8, 'Logged during the scan: ' || (SELECT content FROM my_works WHERE work_key = 25), clock_timestamp(), 'model-a');
COMMIT;
SELECT * FROM dblink_get_result('other') AS t(status text);
SELECT dblink_disconnect('other');
CALL llmcopy_scan(outputs => 'my_outputs4', threshold => 0.2);
SELECT (SELECT count(*) FROM llmcopy_findings WHERE output_table = 4 AND output_id <> '8') AS findings,
       (SELECT count(*) FROM llmcopy_findings WHERE output_table = 2) AS reference,
       (SELECT count(*) FROM llmcopy_findings WHERE output_table = 4 AND output_id = '8') AS for_output_8,
       (SELECT sum(done) FROM llmcopy_runs WHERE output_table = 4) AS outputs_scanned,
       (SELECT count(*) FROM my_outputs4) AS outputs;

-- Bad input.
CALL llmcopy_scan(outputs => 'my_outputs', threshold => 1.5);
CALL llmcopy_scan(outputs => 'my_outputs', batch_size => 0);
SELECT llmcopy_refresh_boilerplate('my_outputs', 5);
SELECT llmcopy_unregister('pg_class');

-- Undo a registration: the configuration, the findings and the column go.
SELECT llmcopy_unregister('my_outputs4');
SELECT count(*) AS findings_left FROM llmcopy_findings WHERE output_table = 4;
SELECT count(*) AS column_left FROM pg_attribute WHERE attrelid = 'my_outputs4'::regclass AND attname = 'llmcopy_fp' AND NOT attisdropped;
