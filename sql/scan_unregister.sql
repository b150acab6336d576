-- A table unregistered while a scan of it runs, by an administrator who is
-- not a superuser: as the scan begins, between two batches of its run, and
-- by deleting the registration's row between the scan's steps.  The call
-- skips the table, or ends its run as failed, saying why, and goes on with
-- its other runs.  Before, the call failed ("no such registration", "query
-- returned no rows" or a foreign key violation), its other runs were not
-- scanned, and the run stayed "running": once the registration was gone,
-- the row-level security of a role that is not a superuser no longer let
-- anyone close it.  Then: by an administrator whose row-level security
-- hides the run (it may not read the corpus), and removals that deadlocked
-- with the scan: of a table with a fingerprint column of its own scanned
-- against itself, of a partitioned table, and of a corpus as the call
-- comes to its run; of an outputs table as the call lists its outputs; and
-- of a table whose runs a starting call marks failed.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS dblink;
DROP ROLE IF EXISTS regress_unreg_admin, regress_unreg_partial;
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
\i sql/include/await.psql
-- the session of pid p waits for a lock
CREATE FUNCTION pg_temp.waits(p int) RETURNS bool LANGUAGE sql
RETURN pg_temp.await(format('SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = %s AND wait_event_type = ''Lock'')', p));
-- sends the query to the session conn, and says whether it comes to wait for a lock
CREATE FUNCTION pg_temp.send_waiting(conn text, query text) RETURNS bool LANGUAGE plpgsql AS $$
DECLARE
    p int := (SELECT t.pid FROM dblink(conn, 'SELECT pg_backend_pid()') AS t(pid int));
BEGIN
    PERFORM dblink_send_query(conn, query);
    RETURN pg_temp.waits(p);
END $$;
-- the holder's transaction, open, holding output 1's record for a pair
-- uncommitted: a batch of the pair that meets it waits
CREATE FUNCTION pg_temp.hold_record(outputs int, corpus int) RETURNS bool LANGUAGE plpgsql AS $$
BEGIN
    PERFORM dblink_exec('holder', 'BEGIN');
    PERFORM dblink_exec('holder', format('INSERT INTO llmcopy_scanned (output_table, corpus_table, output_id, status) VALUES (%s, %s, ''1'', ''scanned'')',
                                         outputs, corpus));
    RETURN true;
END $$;
-- what the query sent to conn came to: its one value, or its error
CREATE FUNCTION pg_temp.outcome(conn text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    v text;
BEGIN
    SELECT coalesce(t.v, '') INTO v FROM dblink_get_result(conn) AS t(v text);
    PERFORM FROM dblink_get_result(conn) AS t(v text);
    RETURN v;
EXCEPTION WHEN OTHERS THEN
    PERFORM FROM dblink_get_result(conn) AS t(v text);
    RETURN 'ERROR: ' || SQLERRM;
END $$;
-- the sessions, each as the administrator
SELECT dblink_connect(s, :'conninfo') FROM unnest(ARRAY['holder', 'scanner', 'remover']) s;
SELECT dblink_exec(s, 'SET ROLE regress_unreg_admin') FROM unnest(ARRAY['holder', 'scanner', 'remover']) s;
SELECT dblink_exec('scanner', 'SET client_min_messages = error');
-- (the scanner waits for the locks of every table, not only of those its
-- call names: the removals below meet a scan that waits; t/007_scan_locks
-- tests the default, where it does not wait for a table the call does not name)
SELECT dblink_exec('scanner', 'SET pg_llmcopy.scan_lock_wait = ''all''');
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
-- once its call has ended and its registration is gone, the run (whose
-- counts are of the scan's findings) is no role's to see but the
-- extension owner's and a superuser's
SELECT count(*) AS runs_seen FROM llmcopy_runs WHERE run_id = :r3;
RESET ROLE;
SELECT status, problem FROM llmcopy_runs WHERE run_id = :r3;
SET ROLE regress_unreg_admin;
-- the scan's lock was let go
SELECT count(*) AS scan_locks FROM pg_locks WHERE locktype = 'advisory' AND classid = 1819045219 AND pid = pg_backend_pid();

-- 4. By an administrator who may read the outputs table but not the
-- corpus: its row-level security hides the run from it, yet the run ends,
-- failed, saying why, and the scan's lock is let go.  (The trigger ran
-- with the remover's rights: the run stayed "running", the lock held, and
-- no role but a superuser could close the run after.)
CREATE TABLE un.d AS SELECT id, body, at FROM un.a;
ALTER TABLE un.d ADD PRIMARY KEY (id);
CREATE TABLE un.w4 AS SELECT id, body FROM un.w1;
ALTER TABLE un.w4 ADD PRIMARY KEY (id);
SELECT llmcopy_register_corpus('un.w4', 'id', 'body') AS w4 \gset
SELECT llmcopy_register_outputs('un.d', 'id', 'body', 'at') AS d \gset
RESET ROLE;
CREATE ROLE regress_unreg_partial;
SELECT llmcopy_grant('regress_unreg_partial', 'admin');
GRANT USAGE ON SCHEMA un TO regress_unreg_partial;
GRANT SELECT ON un.d TO regress_unreg_partial;
SET ROLE regress_unreg_admin;
SELECT run_id AS r4 FROM llmcopy_scan_begin('un.d', 'un.w4', 0.2, 8, 10, NULL, true) \gset
SET ROLE regress_unreg_partial;
SELECT count(*) AS runs_it_may_change FROM llmcopy_runs WHERE run_id = :r4
    AND output_table IN (SELECT llmcopy_readable('outputs')) AND corpus_table IN (SELECT llmcopy_readable('corpus'));
DELETE FROM llmcopy_output_tables WHERE id = :d;
SET ROLE regress_unreg_admin;
SELECT count(*) AS batches FROM llmcopy_scan_pending(:r4);
SELECT llmcopy_scan_end(:r4);
RESET ROLE;
SELECT status, finished_at IS NOT NULL AS finished, problem FROM llmcopy_runs WHERE run_id = :r4;
SET ROLE regress_unreg_admin;
SELECT count(*) AS scan_locks FROM pg_locks WHERE locktype = 'advisory' AND classid = 1819045219 AND pid = pg_backend_pid();
-- the trigger's function is the extension's: no role attaches it to a
-- table of its own, where its deletes would end the runs of any registration
CREATE TABLE un.fake (id int, schema_name name, table_name name);
CREATE TRIGGER fake_removed BEFORE DELETE ON un.fake FOR EACH ROW EXECUTE FUNCTION llmcopy_registration_removed();
RESET ROLE;
-- (nor does it do anything on another table, should a superuser attach it)
CREATE TRIGGER fake_removed BEFORE DELETE ON un.fake FOR EACH ROW EXECUTE FUNCTION llmcopy_registration_removed();
INSERT INTO un.fake VALUES (:w4, 'un', 'w4');
DELETE FROM un.fake;
DROP TABLE un.fake;
SET ROLE regress_unreg_admin;

-- 5. A table registered as outputs and as a corpus with a fingerprint
-- column of its own (which llmcopy_unregister does not lock the table for),
-- scanned against itself.  The removal takes the registration's rows,
-- waiting here for this session's lock on the corpus's; the scan's batch
-- then meets them.  (The batch held the outputs' row, the claims' foreign
-- key, and waited for the corpus's; the removal held the corpus's and
-- waited for the outputs': a deadlock, which failed the call.)
CREATE TABLE un.s (id int PRIMARY KEY, body text, at timestamptz, fp fingerprint);
INSERT INTO un.s SELECT id, body, at, fingerprint(body) FROM un.a;
SELECT llmcopy_register_corpus('un.s', 'id', 'body', fingerprint_col => 'fp', create_index => false) AS s_corpus \gset
SELECT llmcopy_register_outputs('un.s', 'id', 'body', 'at', fingerprint_col => 'fp') AS s_outputs \gset
RESET ROLE;
BEGIN;
SELECT true AS locked FROM llmcopy_corpus_tables WHERE id = :s_corpus FOR UPDATE;
SELECT pg_temp.send_waiting('remover', 'SELECT llmcopy_unregister(''un.s'')') AS removal_waits;
SELECT pg_temp.send_waiting('scanner', 'CALL llmcopy_scan(outputs => ''un.s'', corpus => ''un.s'', batch_size => 10, threshold => 0.2)') AS scan_waits;
COMMIT;
SELECT pg_temp.outcome('remover') AS removal, pg_temp.outcome('scanner') AS scan;
SELECT status, done, problem FROM llmcopy_runs WHERE output_table = :s_outputs;

-- 6. A partitioned corpus registered with online => true, its removal
-- queued first (behind this session's lock on the table alone), then the
-- scan's start.  The removal locks the table, then its partitions; the
-- scan's check of the table must not lock the partitions before the table
-- (it did, reading the partitions' triggers: a deadlock, which failed the
-- call).  The call skips the corpus and scans the other.
SET ROLE regress_unreg_admin;
CREATE TABLE un.pw (id int PRIMARY KEY, body text) PARTITION BY RANGE (id);
CREATE TABLE un.pw1 PARTITION OF un.pw FOR VALUES FROM (0) TO (20);
CREATE TABLE un.pw2 PARTITION OF un.pw FOR VALUES FROM (20) TO (100);
INSERT INTO un.pw SELECT id, body FROM un.w1;
SET client_min_messages = warning;
SELECT llmcopy_register_corpus('un.pw', 'id', 'body', online => true, create_index => false) AS pw \gset
CALL llmcopy_fill('un.pw');
RESET client_min_messages;
RESET ROLE;
BEGIN;
LOCK TABLE ONLY un.pw IN ACCESS EXCLUSIVE MODE;
SELECT pg_temp.send_waiting('remover', 'SELECT llmcopy_unregister(''un.pw'')') AS removal_waits;
SELECT pg_temp.send_waiting('scanner', 'CALL llmcopy_scan(outputs => ''un.a'', batch_size => 10, threshold => 0.2)') AS scan_waits;
COMMIT;
SELECT pg_temp.outcome('remover') AS removal, pg_temp.outcome('scanner') AS scan;
SELECT CASE corpus_table WHEN :w4 THEN 'w4' WHEN :pw THEN 'pw' END AS corpus, status, done, problem
FROM llmcopy_runs WHERE output_table = :a AND corpus_table IN (:w4, :pw) ORDER BY run_id;

-- 7. A corpus, registered the ordinary way, removed as the call comes to
-- its run: the removal waits for a reader of the corpus (this session)
-- while the call scans another corpus (waiting for output 1's record, held
-- by the holder), then the call's run of the corpus waits for the removal.
-- (The list of the run's outputs updated the run in the transaction of its
-- first batch, which waited for the table the removal held, while the
-- removal waited for the run, to mark it failed: a deadlock, which failed
-- the call.)
SET ROLE regress_unreg_admin;
CREATE TABLE un.w5 AS SELECT id, body FROM un.w1;
ALTER TABLE un.w5 ADD PRIMARY KEY (id);
CREATE TABLE un.w6 AS SELECT id, body FROM un.w1;
ALTER TABLE un.w6 ADD PRIMARY KEY (id);
CREATE TABLE un.e AS SELECT id, body, at FROM un.a;
ALTER TABLE un.e ADD PRIMARY KEY (id);
SELECT llmcopy_register_corpus('un.w5', 'id', 'body') AS w5 \gset
SELECT llmcopy_register_corpus('un.w6', 'id', 'body') AS w6 \gset
SELECT llmcopy_register_outputs('un.e', 'id', 'body', 'at') AS e \gset
RESET ROLE;
BEGIN;
LOCK TABLE un.w6 IN ACCESS SHARE MODE;
SELECT pg_temp.hold_record(:e, :w5) AS held;
SELECT pg_temp.send_waiting('scanner', 'CALL llmcopy_scan(outputs => ''un.e'', batch_size => 10, threshold => 0.2)') AS scan_waits;
SELECT dblink_send_query('remover', 'SELECT llmcopy_unregister(''un.w6'')');
SELECT pg_temp.waiters('un.w6', 1) AS removal_waits;
SELECT dblink_exec('holder', 'ROLLBACK');
SELECT pg_temp.waiters('un.w6', 2) AS scan_waits_too;
COMMIT;
SELECT pg_temp.outcome('remover') AS removal, pg_temp.outcome('scanner') AS scan;
SELECT CASE corpus_table WHEN :w4 THEN 'w4' WHEN :w5 THEN 'w5' WHEN :w6 THEN 'w6' END AS corpus, status, done, problem
FROM llmcopy_runs WHERE output_table = :e ORDER BY run_id;

-- 8. An outputs table removed as the call lists the outputs of its run:
-- the list waits for the table, which the removal holds (the removal waits
-- here, for this session's lock on the registration's row).  The run ends
-- and the call goes on.  (The list's error, "no such registration", failed
-- the call: only the batch checked for a removal.)
SET ROLE regress_unreg_admin;
CREATE TABLE un.w7 AS SELECT id, body FROM un.w1;
ALTER TABLE un.w7 ADD PRIMARY KEY (id);
CREATE TABLE un.f AS SELECT id, body, at FROM un.a;
ALTER TABLE un.f ADD PRIMARY KEY (id);
CREATE TABLE un.g AS SELECT id, body, at FROM un.a;
ALTER TABLE un.g ADD PRIMARY KEY (id);
CREATE TABLE un.h AS SELECT id, body, at FROM un.a;
ALTER TABLE un.h ADD PRIMARY KEY (id);
SELECT llmcopy_register_corpus('un.w7', 'id', 'body') AS w7 \gset
SELECT llmcopy_register_outputs('un.f', 'id', 'body', 'at') AS f \gset
SELECT llmcopy_register_outputs('un.g', 'id', 'body', 'at') AS g \gset
SELECT set_config('un.g', :'g', false) IS NOT NULL AS noted;
SELECT llmcopy_register_outputs('un.h', 'id', 'body', 'at') AS h \gset
RESET ROLE;
SELECT pg_temp.hold_record(:f, :w7) AS held;
SELECT pg_temp.send_waiting('scanner', 'CALL llmcopy_scan(corpus => ''un.w7'', batch_size => 10, threshold => 0.2)') AS scan_waits;
BEGIN;
SELECT true AS locked FROM llmcopy_output_tables WHERE id = :g FOR UPDATE;
SELECT pg_temp.send_waiting('remover', 'SELECT llmcopy_unregister(''un.g'')') AS removal_waits;
SELECT dblink_exec('holder', 'ROLLBACK');
SELECT pg_temp.waiters('un.g', 1) AS list_waits;
COMMIT;
SELECT pg_temp.outcome('remover') AS removal, pg_temp.outcome('scanner') AS scan;
SELECT CASE output_table WHEN :f THEN 'f' WHEN :g THEN 'g' WHEN :h THEN 'h' END AS outputs, status, done, problem
FROM llmcopy_runs WHERE corpus_table = :w7 AND output_table IN (:f, :g, :h) ORDER BY run_id;
-- the error of a registration that is gone names no table (it said "(table .)")
DO $$
BEGIN
    PERFORM llmcopy_resolve('outputs', current_setting('un.g')::int);
EXCEPTION WHEN undefined_object THEN
    RAISE NOTICE '%', regexp_replace(SQLERRM, '[0-9]+', 'N');
END $$;

-- 9. A table registered as outputs and as a corpus removed while another
-- call starts, with runs of both its registrations left running by calls
-- that ended (a session killed, say).  The start marks such runs failed,
-- and the removal's trigger marks them too, each locking them in its own
-- order (the start in the order they are stored, the trigger the corpus's
-- first).  This session's lock on the corpus's run makes them meet: the
-- start held the outputs' run, waiting for the corpus's, which the
-- removal held, waiting for the outputs': a deadlock, which failed one of
-- them.  The start passes over a run another transaction holds.
SET ROLE regress_unreg_admin;
CREATE TABLE un.t AS SELECT id, body, at FROM un.a;
ALTER TABLE un.t ADD PRIMARY KEY (id);
SELECT llmcopy_register_corpus('un.t', 'id', 'body') AS t_corpus \gset
SELECT llmcopy_register_outputs('un.t', 'id', 'body', 'at') AS t_outputs \gset
RESET ROLE;
INSERT INTO llmcopy_runs (output_table, corpus_table, status) VALUES (:t_outputs, :w7, 'running'), (:h, :t_corpus, 'running');
SELECT run_id AS ro FROM llmcopy_runs WHERE output_table = :t_outputs \gset
SELECT run_id AS rc FROM llmcopy_runs WHERE corpus_table = :t_corpus \gset
SELECT (SELECT ctid FROM llmcopy_runs WHERE run_id = :ro) < (SELECT ctid FROM llmcopy_runs WHERE run_id = :rc) AS stored_in_order;
BEGIN;
SELECT true AS locked FROM llmcopy_runs WHERE run_id = :rc FOR UPDATE;
SELECT pg_temp.send_waiting('remover', 'SELECT llmcopy_unregister(''un.t'')') AS removal_waits;
SELECT dblink_send_query('scanner', 'CALL llmcopy_scan(outputs => ''un.h'', corpus => ''un.w7'', threshold => 0.2)');
SELECT pg_temp.await(format('SELECT dblink_is_busy(''scanner'') = 0 OR EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = %s AND wait_event_type = ''Lock'')',
                             :scanner_pid)) AS scan_waits_or_ends;
COMMIT;
SELECT pg_temp.outcome('remover') AS removal, pg_temp.outcome('scanner') AS scan;
SELECT CASE run_id WHEN :ro THEN 'outputs' ELSE 'corpus' END AS run_of, status, problem FROM llmcopy_runs WHERE run_id IN (:ro, :rc) ORDER BY 1;

SELECT dblink_disconnect(s) FROM unnest(ARRAY['holder', 'scanner', 'remover']) s;
SELECT count(*) AS running FROM llmcopy_runs WHERE status = 'running';
SELECT count(*) AS scan_locks FROM pg_locks WHERE locktype = 'advisory' AND classid = 1819045219;
SET ROLE regress_unreg_admin;

-- clean up
SELECT llmcopy_unregister(t) FROM unnest(ARRAY['un.a', 'un.b', 'un.c', 'un.e', 'un.f', 'un.h', 'un.w4', 'un.w5', 'un.w7']::regclass[]) t;
RESET ROLE;
SET client_min_messages = warning;
DROP SCHEMA un CASCADE;
RESET client_min_messages;
SELECT llmcopy_revoke('regress_unreg_admin'), llmcopy_revoke('regress_unreg_partial');
DROP ROLE regress_unreg_admin, regress_unreg_partial;
