-- Scans among other sessions (through dblink): an output whose transaction
-- commits after a scan, a scan killed in its batch, two scans while
-- outputs are inserted; and a LATIN1 database.  Every output is scanned
-- exactly once against the corpus.
CREATE EXTENSION dblink;
-- how a second session reaches this server, whatever the environment
SELECT format('dbname=%s port=%s host=%s user=%s', current_database(), current_setting('port'),
              coalesce(nullif(trim(split_part(current_setting('unix_socket_directories'), ',', 1)), ''), 'localhost'),
              current_user) AS conninfo \gset
SELECT id AS corpus_id FROM llmcopy_corpus_tables WHERE table_name = 'my_works' \gset

-- A transaction held open across a scan: its output, logged before the
-- outputs that scan sees, is scanned by the next scan, once.
CREATE TABLE late_outputs (id int PRIMARY KEY, body text, at timestamptz);
SELECT llmcopy_register_outputs('late_outputs', 'id', 'body', 'at') AS late_id \gset
SELECT dblink_connect('writer', :'conninfo');
SELECT dblink_exec('writer', 'BEGIN');
SELECT dblink_exec('writer', $$INSERT INTO late_outputs VALUES (1, 'Early: ' || (SELECT content FROM my_works WHERE work_key = 5), now() - interval '1 hour')$$);
INSERT INTO late_outputs VALUES (2, 'Later: ' || (SELECT content FROM my_works WHERE work_key = 12), now());
CALL llmcopy_scan(outputs => 'late_outputs', corpus => 'my_works', threshold => 0.2);
SELECT output_id FROM llmcopy_scanned WHERE output_table = :late_id ORDER BY 1;
SELECT dblink_exec('writer', 'COMMIT');
SELECT dblink_disconnect('writer');
CALL llmcopy_scan(outputs => 'late_outputs', corpus => 'my_works', threshold => 0.2);
CALL llmcopy_scan(outputs => 'late_outputs', corpus => 'my_works', threshold => 0.2);
SELECT s.output_id, count(*) AS records, (SELECT count(*) FROM llmcopy_findings f
                                          WHERE f.output_table = :late_id AND f.output_id = s.output_id) AS findings
FROM llmcopy_scanned s WHERE s.output_table = :late_id GROUP BY 1 ORDER BY 1;

-- A scan killed in the middle of a batch, then run again, gives the
-- findings of an uninterrupted scan, and its run shows as failed.  This
-- session holds output 6's record uncommitted, so the other session's scan
-- waits in that batch; then it is killed.
CREATE TABLE ref_outputs AS SELECT out_id, answer, created, model FROM my_outputs WHERE out_id <= 7;
ALTER TABLE ref_outputs ADD PRIMARY KEY (out_id);
SELECT llmcopy_register_outputs('ref_outputs', 'out_id', 'answer', 'created', model_col => 'model') AS ref_id \gset
CALL llmcopy_scan(outputs => 'ref_outputs', corpus => 'my_works', threshold => 0.2);
CREATE TABLE kill_outputs AS SELECT out_id, answer, created, model FROM my_outputs WHERE out_id <= 7;
ALTER TABLE kill_outputs ADD PRIMARY KEY (out_id);
SELECT llmcopy_register_outputs('kill_outputs', 'out_id', 'answer', 'created', model_col => 'model') AS kill_id \gset
CALL llmcopy_scan(outputs => 'kill_outputs', corpus => 'my_works', threshold => 0.2, batch_size => 1, max_batches => 2);
SELECT count(*) AS scanned_before_kill FROM llmcopy_scanned WHERE output_table = :kill_id;
BEGIN;
INSERT INTO llmcopy_scanned (output_table, corpus_table, output_id, status) VALUES (:kill_id, :corpus_id, '6', 'scanned');
SELECT dblink_connect('killme', :'conninfo');
SELECT pid AS victim FROM dblink('killme', 'SELECT pg_backend_pid()') AS t(pid int) \gset
SELECT set_config('victim.pid', :'victim', false) IS NOT NULL AS noted;
SELECT dblink_exec('killme', 'SET client_min_messages = warning');
SELECT dblink_send_query('killme', 'CALL llmcopy_scan(outputs => ''kill_outputs'', corpus => ''my_works'', threshold => 0.2, batch_size => 1)');
DO $$
BEGIN
    FOR i IN 1..200 LOOP     -- up to 20 s for the other session to reach output 6
        EXIT WHEN EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = current_setting('victim.pid')::int AND wait_event_type = 'Lock');
        PERFORM pg_sleep(0.1);
    END LOOP;
END $$;
SELECT wait_event_type AS victim_waits_on FROM pg_stat_activity WHERE pid = :victim;
SELECT status AS victim_run FROM llmcopy_runs WHERE output_table = :kill_id ORDER BY run_id DESC LIMIT 1;
SELECT pg_terminate_backend(:victim, 20000);
ROLLBACK;
DO $$ BEGIN PERFORM dblink_disconnect('killme'); EXCEPTION WHEN others THEN NULL; END $$;
CALL llmcopy_scan(outputs => 'kill_outputs', corpus => 'my_works', threshold => 0.2, batch_size => 1);
SELECT status, done FROM llmcopy_runs WHERE output_table = :kill_id ORDER BY run_id;
SELECT (SELECT count(*) FROM llmcopy_scanned WHERE output_table = :kill_id) AS records,
       (SELECT count(*) FROM llmcopy_findings WHERE output_table = :kill_id) AS findings,
       (SELECT count(*) FROM (SELECT output_id, work_id, containment, longest_tokens, coverage, spans FROM llmcopy_findings WHERE output_table = :ref_id
                              EXCEPT SELECT output_id, work_id, containment, longest_tokens, coverage, spans FROM llmcopy_findings WHERE output_table = :kill_id) d) AS missing,
       (SELECT count(*) FROM (SELECT output_id, work_id, containment, longest_tokens, coverage, spans FROM llmcopy_findings WHERE output_table = :kill_id
                              EXCEPT SELECT output_id, work_id, containment, longest_tokens, coverage, spans FROM llmcopy_findings WHERE output_table = :ref_id) d) AS extra;

-- Two scans running while outputs are inserted: every output is scanned
-- once (each claimed by one run), and the findings are those of one scan
-- of the same outputs.
CREATE TABLE busy_outputs (id int PRIMARY KEY, body text, at timestamptz);
CREATE FUNCTION pg_temp.busy_rows(first int, last int) RETURNS TABLE (id int, body text, at timestamptz) LANGUAGE sql AS $$
    SELECT i, CASE WHEN i % 3 = 0 THEN 'My own words about number ' || i
                   ELSE 'Answer ' || i || ': ' || (SELECT content FROM my_works WHERE work_key = 1 + i % 40) END,
           clock_timestamp() - i * interval '1 minute'
    FROM generate_series(first, last) i
$$;
INSERT INTO busy_outputs SELECT * FROM pg_temp.busy_rows(1, 40);
SELECT llmcopy_register_outputs('busy_outputs', 'id', 'body', 'at') AS busy_id \gset
SELECT dblink_connect('scan1', :'conninfo'), dblink_connect('scan2', :'conninfo');
SELECT dblink_exec('scan1', 'SET client_min_messages = warning'), dblink_exec('scan2', 'SET client_min_messages = warning');
SELECT dblink_send_query('scan1', 'CALL llmcopy_scan(outputs => ''busy_outputs'', corpus => ''my_works'', threshold => 0.2, batch_size => 1)'),
       dblink_send_query('scan2', 'CALL llmcopy_scan(outputs => ''busy_outputs'', corpus => ''my_works'', threshold => 0.2, batch_size => 2)');
INSERT INTO busy_outputs SELECT * FROM pg_temp.busy_rows(41, 45);
SELECT pg_sleep(0.1);
INSERT INTO busy_outputs SELECT * FROM pg_temp.busy_rows(46, 50);
SELECT pg_sleep(0.1);
INSERT INTO busy_outputs SELECT * FROM pg_temp.busy_rows(51, 55);
SELECT * FROM dblink_get_result('scan1') AS t(status text);
SELECT * FROM dblink_get_result('scan2') AS t(status text);
SELECT dblink_disconnect('scan1'), dblink_disconnect('scan2');
INSERT INTO busy_outputs SELECT * FROM pg_temp.busy_rows(56, 60);
-- (how many outputs are left to this scan depends on how far the two got)
SET client_min_messages = warning;
CALL llmcopy_scan(outputs => 'busy_outputs', corpus => 'my_works', threshold => 0.2);
RESET client_min_messages;
CREATE TABLE busy_ref AS SELECT id, body, at FROM busy_outputs;
ALTER TABLE busy_ref ADD PRIMARY KEY (id);
SELECT llmcopy_register_outputs('busy_ref', 'id', 'body', 'at') AS busy_ref_id \gset
CALL llmcopy_scan(outputs => 'busy_ref', corpus => 'my_works', threshold => 0.2);
SELECT (SELECT count(*) FROM busy_outputs) AS outputs,
       (SELECT count(*) FROM llmcopy_scanned WHERE output_table = :busy_id) AS records,
       (SELECT sum(done) FROM llmcopy_runs WHERE output_table = :busy_id) AS claimed,
       (SELECT count(*) FROM llmcopy_findings WHERE output_table = :busy_id) AS findings,
       (SELECT count(*) FROM llmcopy_findings WHERE output_table = :busy_ref_id) AS reference,
       (SELECT count(*) FROM (SELECT output_id, work_id, spans FROM llmcopy_findings WHERE output_table = :busy_ref_id
                              EXCEPT SELECT output_id, work_id, spans FROM llmcopy_findings WHERE output_table = :busy_id) d) AS missing,
       (SELECT count(*) FROM (SELECT output_id, work_id, spans FROM llmcopy_findings WHERE output_table = :busy_id
                              EXCEPT SELECT output_id, work_id, spans FROM llmcopy_findings WHERE output_table = :busy_ref_id) d) AS extra;
SELECT status, count(*) FROM llmcopy_runs WHERE output_table = :busy_id GROUP BY 1;

-- A LATIN1 database scans to the end.  A span longer than 200 characters
-- has an excerpt ending in "…", which LATIN1 cannot hold: such an output is
-- either scanned or recorded as skipped with SQLSTATE 22P05, never the end
-- of the scan; the others are scanned with their findings.
SELECT current_database() AS test_db \gset
CREATE DATABASE llmcopy_latin1_scan ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
\c llmcopy_latin1_scan
SET client_encoding = 'UTF8';
SET client_min_messages = warning;
CREATE EXTENSION pg_llmcopy;
CREATE TABLE works (id int PRIMARY KEY, body text);
INSERT INTO works
SELECT n, 'Café ' || p FROM (SELECT row_number() OVER () AS n, p
                             FROM regexp_split_to_table(pg_read_file('/usr/share/common-licenses/GPL-3'), E'\\n\\s*\\n') p
                             WHERE length(p) > 300) s;
CREATE TABLE outputs (id int PRIMARY KEY, body text, at timestamptz);
INSERT INTO outputs VALUES
  (1, 'Long: ' || (SELECT body FROM works WHERE id = 5), now()),
  (2, 'Short: ' || (SELECT left(body, strpos(body, '.')) FROM works WHERE id = 30) || ' Voilà, déjà vu.', now()),
  (3, 'Long too: ' || (SELECT body FROM works WHERE id = 7), now()),
  (4, 'Rien à voir: une crème brûlée.', now());
SELECT llmcopy_register_corpus('works', 'id', 'body') IS NOT NULL AS registered;
SELECT llmcopy_register_outputs('outputs', 'id', 'body', 'at') IS NOT NULL AS registered;
CALL llmcopy_scan(threshold => 0.2, batch_size => 10);
SELECT status, done, total FROM llmcopy_runs;
SELECT s.output_id, s.status = 'scanned' OR s.reason LIKE '22P05:%' AS scanned_or_skipped_for_encoding
FROM llmcopy_scanned s ORDER BY 1;
SELECT s.output_id, s.status, (SELECT count(*) FROM llmcopy_findings f WHERE f.output_id = s.output_id) AS findings
FROM llmcopy_scanned s WHERE s.output_id IN ('2', '4') ORDER BY 1;
\c :test_db
DROP DATABASE llmcopy_latin1_scan;

-- Which errors fail a batch (its outputs stay pending) rather than skip an
-- output or leave a license unknown: classes 08, 40, 57, 58 and 55P03,
-- 53100, 53300; not an out-of-memory (53200), nor an error of the data.
SELECT s AS sqlstate, llmcopy_transient_error(s) AS fails_the_batch
FROM unnest(ARRAY['40001', '40P01', '55P03', '57014', '57P01', '08006', '58030', '53100', '53300',
                  '53200', '53400', '55000', '23505', '22P02', 'XX000']) s;
