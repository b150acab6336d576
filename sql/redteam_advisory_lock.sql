-- Red team: any role that may connect stops every scan, by holding the
-- advisory locks the scan takes.
--
-- Fixed: what follows is the code before the fix; the expected output
-- shows the safe behaviour.  A scan
-- says it is alive by a session advisory lock (1819045219, its first
-- run_id), taken with pg_advisory_lock, which waits; run ids come from a
-- sequence, and pg_locks shows everyone the keys of the scans running now.
-- pg_advisory_lock is PUBLIC: a role with no privilege at all takes the
-- keys of the next few thousand runs, and every CALL llmcopy_scan() then
-- waits forever in llmcopy_scan_begin (here lock_timeout turns the wait
-- into an error), its runs inserted but never committed.  The same role
-- holding the key of a run whose session died keeps that run 'running'
-- for ever.
-- Fix: tell a live scan by something no other role can hold, e.g. the run
-- records its backend's pid and start time (pg_stat_activity) and a run
-- whose backend is gone is failed; or take the lock with
-- pg_try_advisory_lock and fail at once with a clear error.
CREATE EXTENSION IF NOT EXISTS dblink;
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_redteam_nobody;
RESET client_min_messages;
CREATE ROLE regress_redteam_nobody LOGIN;
SELECT format('dbname=%s port=%s host=%s user=%s', current_database(), current_setting('port'),
              coalesce(nullif(trim(split_part(current_setting('unix_socket_directories'), ',', 1)), ''), 'localhost'),
              current_user) AS nobody \gset
CREATE TABLE rt_al_works (id int PRIMARY KEY, body text);
INSERT INTO rt_al_works VALUES (1, 'the quick brown fox jumps over the lazy dog again and again, all day long');
SELECT llmcopy_register_corpus('rt_al_works', 'id', 'body') AS rt_al_corpus \gset
CREATE TABLE rt_al_outputs (id int PRIMARY KEY, body text, at timestamptz);
INSERT INTO rt_al_outputs VALUES (1, 'a copy: the quick brown fox jumps over the lazy dog again and again, all day long', now());
SELECT llmcopy_register_outputs('rt_al_outputs', 'id', 'body', 'at') AS rt_al_outputs \gset

-- The role with no privileges holds the keys of the next 200 runs.
SELECT last_value AS last_run FROM llmcopy_runs_run_id_seq \gset
-- (connected as the test's user, which any authentication lets in, then
-- made the role with no privileges for the rest of the session)
SELECT dblink_connect('nobody', :'nobody');
SELECT dblink_exec('nobody', 'SET ROLE regress_redteam_nobody');
SELECT * FROM dblink('nobody', format('SELECT count(pg_advisory_lock(1819045219, i)) FROM generate_series(%s, %s) i',
                                      :last_run + 1, :last_run + 200)) AS t(locks bigint);
SELECT * FROM dblink('nobody', 'SELECT rolsuper OR rolcreaterole OR rolcreatedb FROM pg_roles WHERE rolname = current_user') AS t(privileged bool);

-- The nightly scan.
SET lock_timeout = '2s';
SET client_min_messages = warning;
CALL llmcopy_scan(outputs => 'rt_al_outputs', corpus => 'rt_al_works', threshold => 0.1);
RESET client_min_messages;
RESET lock_timeout;
SELECT output_id, status FROM llmcopy_scanned WHERE output_table = :rt_al_outputs ORDER BY 1;
SELECT count(*) AS findings FROM llmcopy_findings WHERE output_table = :rt_al_outputs;

-- clean up
SELECT dblink_disconnect('nobody');
DELETE FROM llmcopy_runs WHERE corpus_table = :rt_al_corpus;
SELECT llmcopy_unregister('rt_al_outputs');
SELECT llmcopy_unregister('rt_al_works');
DROP TABLE rt_al_outputs, rt_al_works;
DROP ROLE regress_redteam_nobody;
