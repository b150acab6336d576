-- A table unregistered while a scan of it runs, by an administrator who is
-- not a superuser: as the scan begins, between two batches of its run, and
-- by deleting the registration's row between the scan's steps.  The call
-- skips the table, or ends its run as failed, saying why, and goes on with
-- its other runs.  Before, the call failed ("no such registration", "query
-- returned no rows" or a foreign key violation), its other runs were not
-- scanned, and the run stayed "running": once the registration was gone,
-- the row-level security of a role that is not a superuser no longer let
-- anyone close it.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS dblink;
DROP ROLE IF EXISTS regress_unreg_admin;
RESET client_min_messages;
CREATE ROLE regress_unreg_admin;
SELECT llmcopy_grant('regress_unreg_admin', 'admin');
CREATE SCHEMA un AUTHORIZATION regress_unreg_admin;
SELECT format('dbname=%s port=%s host=%s user=%s', current_database(), current_setting('port'),
              coalesce(nullif(trim(split_part(current_setting('unix_socket_directories'), ',', 1)), ''), 'localhost'),
              current_user) AS conninfo \gset
SET ROLE regress_unreg_admin;
CREATE TABLE un.w1 (id int PRIMARY KEY, body text);
INSERT INTO un.w1
SELECT g, format('Work %s: the quick brown fox number %s jumps over the lazy dog and keeps running through the forest until night falls.', g, g)
FROM generate_series(1, 40) g;
CREATE TABLE un.w2 AS SELECT * FROM un.w1;
ALTER TABLE un.w2 ADD PRIMARY KEY (id);
CREATE TABLE un.w3 AS SELECT * FROM un.w1;
ALTER TABLE un.w3 ADD PRIMARY KEY (id);
CREATE TABLE un.a (id int PRIMARY KEY, body text, at timestamptz);
INSERT INTO un.a SELECT g, 'A copy of ' || w.body, now() FROM generate_series(1, 60) g JOIN un.w1 w ON w.id = 1 + g % 40;
CREATE TABLE un.b AS SELECT * FROM un.a;
ALTER TABLE un.b ADD PRIMARY KEY (id);
CREATE TABLE un.c AS SELECT * FROM un.a;
ALTER TABLE un.c ADD PRIMARY KEY (id);
SELECT llmcopy_register_corpus('un.w1', 'id', 'body') AS w1 \gset
SELECT llmcopy_register_corpus('un.w2', 'id', 'body') AS w2 \gset
SELECT llmcopy_register_corpus('un.w3', 'id', 'body') AS w3 \gset
SELECT llmcopy_register_outputs('un.a', 'id', 'body', 'at') AS a \gset
SELECT llmcopy_register_outputs('un.b', 'id', 'body', 'at') AS b \gset
SELECT llmcopy_register_outputs('un.c', 'id', 'body', 'at') AS c \gset
RESET ROLE;
CREATE FUNCTION pg_temp.waiters(tbl regclass, n int) RETURNS bool LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN 1 .. 3000 LOOP
        IF (SELECT count(*) FROM pg_locks l WHERE l.relation = tbl AND NOT l.granted) >= n THEN
            RETURN true;
        END IF;
        PERFORM pg_sleep(0.01);
    END LOOP;
    RETURN false;
END $$;
-- the sessions, each as the administrator
SELECT dblink_connect(s, :'conninfo') FROM unnest(ARRAY['holder', 'scanner', 'remover']) s;
SELECT dblink_exec(s, 'SET ROLE regress_unreg_admin') FROM unnest(ARRAY['holder', 'scanner', 'remover']) s;
SELECT dblink_exec('scanner', 'SET client_min_messages = error');
SELECT pid AS scanner_pid FROM dblink('scanner', 'SELECT pg_backend_pid()') AS t(pid int) \gset
SELECT set_config('scan.pid', :'scanner_pid', false) IS NOT NULL AS noted;

-- 1. While the scan begins.  One session holds a lock on un.w1, which the
-- scan's start waits for; the unregistration of un.w1 queues behind it.
-- The call skips un.w1 and scans the others.
SELECT dblink_exec('holder', 'BEGIN'), dblink_exec('holder', 'LOCK TABLE un.w1 IN ACCESS EXCLUSIVE MODE');
SELECT dblink_send_query('scanner', 'CALL llmcopy_scan(outputs => ''un.a'', batch_size => 10, threshold => 0.2)');
SELECT pg_temp.waiters('un.w1', 1) AS scan_waits;
SELECT dblink_send_query('remover', 'SELECT llmcopy_unregister(''un.w1'')');
SELECT pg_temp.waiters('un.w1', 2) AS removal_waits;
SELECT dblink_exec('holder', 'COMMIT');
SELECT * FROM dblink_get_result('remover') AS t(unregistered text);
SELECT count(*) AS more FROM dblink_get_result('remover') AS t(unregistered text);
SELECT * FROM dblink_get_result('scanner') AS t(result text);
SELECT count(*) AS more FROM dblink_get_result('scanner') AS t(result text);
SELECT CASE corpus_table WHEN :w1 THEN 'w1' WHEN :w2 THEN 'w2' WHEN :w3 THEN 'w3' END AS corpus, status, done, problem
FROM llmcopy_runs WHERE output_table = :a ORDER BY run_id;

-- 2. Between two batches of a run.  This session holds output 1's record
-- for un.w2 uncommitted, so the scan's first batch against un.w2 waits,
-- holding its lock on the table; the unregistration of un.w2 queues behind
-- it; the record is rolled back: the batch ends, un.w2 is unregistered
-- while the run goes on.  Its run fails after that batch, saying why; the
-- run against un.w3 scans every output.
BEGIN;
INSERT INTO llmcopy_scanned (output_table, corpus_table, output_id, status) VALUES (:b, :w2, '1', 'scanned');
SELECT dblink_send_query('scanner', 'CALL llmcopy_scan(outputs => ''un.b'', batch_size => 10, threshold => 0.2)');
DO $$
BEGIN
    FOR i IN 1 .. 3000 LOOP
        EXIT WHEN EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = current_setting('scan.pid')::int AND wait_event_type = 'Lock');
        PERFORM pg_sleep(0.01);
    END LOOP;
END $$;
SELECT wait_event_type AS scan_waits_on FROM pg_stat_activity WHERE pid = :scanner_pid;
SELECT dblink_send_query('remover', 'SELECT llmcopy_unregister(''un.w2'')');
SELECT pg_temp.waiters('un.w2', 1) AS removal_waits;
ROLLBACK;
SELECT * FROM dblink_get_result('remover') AS t(unregistered text);
SELECT count(*) AS more FROM dblink_get_result('remover') AS t(unregistered text);
SELECT * FROM dblink_get_result('scanner') AS t(result text);
SELECT count(*) AS more FROM dblink_get_result('scanner') AS t(result text);
SELECT CASE corpus_table WHEN :w2 THEN 'w2' WHEN :w3 THEN 'w3' END AS corpus, status, done, problem
FROM llmcopy_runs WHERE output_table = :b ORDER BY run_id;
SELECT CASE corpus_table WHEN :w2 THEN 'w2' WHEN :w3 THEN 'w3' END AS corpus, count(*) AS scanned, count(*) FILTER (WHERE status = 'skipped') AS skipped,
       count(DISTINCT output_id) AS outputs
FROM llmcopy_scanned WHERE output_table = :b GROUP BY 1;
SELECT count(DISTINCT output_id) AS outputs_with_findings FROM llmcopy_findings WHERE output_table = :b AND corpus_table = :w3;
SELECT dblink_disconnect(s) FROM unnest(ARRAY['holder', 'scanner', 'remover']) s;
-- no run is left running
SELECT count(*) AS running FROM llmcopy_runs WHERE status = 'running';

-- 3. A registration deleted by hand (what the scan's hint on a broken
-- registration says to do) between the steps of a scan, as the
-- administrator.
SET ROLE regress_unreg_admin;
SELECT run_id AS r3 FROM llmcopy_scan_begin('un.c', 'un.w3', 0.2, 8, 10, NULL, true) \gset
DELETE FROM llmcopy_corpus_tables WHERE id = :w3;
SELECT count(*) AS batches FROM llmcopy_scan_pending(:r3);
SELECT llmcopy_scan_batch(:r3, ARRAY['1', '2']);
SELECT llmcopy_scan_end(:r3);
SELECT status, problem FROM llmcopy_runs WHERE run_id = :r3;
-- the scan's lock was let go
SELECT count(*) AS scan_locks FROM pg_locks WHERE locktype = 'advisory' AND classid = 1819045219 AND pid = pg_backend_pid();

-- clean up
SELECT llmcopy_unregister('un.a'), llmcopy_unregister('un.b'), llmcopy_unregister('un.c');
RESET ROLE;
SET client_min_messages = warning;
DROP SCHEMA un CASCADE;
RESET client_min_messages;
SELECT llmcopy_revoke('regress_unreg_admin');
DROP ROLE regress_unreg_admin;
