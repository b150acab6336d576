-- Red team: the owner of a registered table changes it between the check
-- and the read.
--
-- The expected output shows the safe behaviour.  Every reader of a
-- registered table (the scan's steps, the boilerplate refresh, the reports)
-- checked the registration (llmcopy_registration_problem: a table, with
-- the registered column types, no row-level security of another role) and
-- then read the table, without a lock in between.  The owner holds a lock
-- on her table; the check waits for it (pg_get_expr of the generated
-- column) and then goes on with the catalogue it had read before; she
-- retypes the id column to an enum of her own with a cast to text, or
-- enables row-level security with a policy, and commits: the read that
-- follows runs her cast or her policy with the reader's rights (here a
-- non-superuser administrator and a reader; a superuser scanning runs her
-- cast as superuser).
-- Fix: lock the table (ACCESS SHARE, to the end of the transaction) and
-- check it again before reading it (llmcopy_registration_locked): the DDL
-- that could change what a read runs needs a lock that waits for it.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS dblink;
DROP ROLE IF EXISTS regress_redteam_lowner, regress_redteam_lscan, regress_redteam_lread;
RESET client_min_messages;
CREATE ROLE regress_redteam_lowner;
CREATE ROLE regress_redteam_lscan;
CREATE ROLE regress_redteam_lread;
SELECT llmcopy_grant('regress_redteam_lscan', 'admin');
SELECT llmcopy_grant('regress_redteam_lread', 'read');
CREATE SCHEMA rt_lk AUTHORIZATION regress_redteam_lowner;
GRANT USAGE ON SCHEMA rt_lk TO regress_redteam_lscan, regress_redteam_lread;
SELECT format('dbname=%s port=%s host=%s user=%s', current_database(), current_setting('port'),
              coalesce(nullif(trim(split_part(current_setting('unix_socket_directories'), ',', 1)), ''), 'localhost'),
              current_user) AS conninfo \gset

-- The owner's tables, and the code she wants others to run: a counter
-- (a sequence, which a rollback does not undo) and casts from her enum.
SET ROLE regress_redteam_lowner;
CREATE SEQUENCE rt_lk.hits;
GRANT USAGE ON SEQUENCE rt_lk.hits TO PUBLIC;
CREATE FUNCTION rt_lk.esc() RETURNS bool LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('rt_lk.hits');
    RETURN true;
END $$;
CREATE TYPE rt_lk.e AS ENUM ('1', '2');
CREATE FUNCTION rt_lk.e_text(x rt_lk.e) RETURNS text LANGUAGE plpgsql AS $$
BEGIN PERFORM rt_lk.esc(); RETURN x::name::text; END $$;
CREATE FUNCTION rt_lk.e_int(x rt_lk.e) RETURNS int LANGUAGE plpgsql AS $$
BEGIN PERFORM rt_lk.esc(); RETURN x::name::text::int; END $$;
CREATE CAST (rt_lk.e AS text) WITH FUNCTION rt_lk.e_text(rt_lk.e);
CREATE CAST (rt_lk.e AS int) WITH FUNCTION rt_lk.e_int(rt_lk.e) AS IMPLICIT;
CREATE TABLE rt_lk.works (id int PRIMARY KEY, body text);
INSERT INTO rt_lk.works VALUES (1, 'the quick brown fox jumps over the lazy dog again and again, all day long');
CREATE TABLE rt_lk.outputs (id int PRIMARY KEY, body text, at timestamptz);
INSERT INTO rt_lk.outputs VALUES (1, 'a copy: the quick brown fox jumps over the lazy dog again and again, all day long', now());
CREATE TABLE rt_lk.reported (id int PRIMARY KEY, body text, at timestamptz);
INSERT INTO rt_lk.reported VALUES (1, 'a copy: the quick brown fox jumps over the lazy dog again and again, all day long', now());
GRANT SELECT ON rt_lk.works, rt_lk.outputs, rt_lk.reported TO regress_redteam_lscan, regress_redteam_lread;
RESET ROLE;
-- registered by the DBA; the reported outputs have a finding
SELECT llmcopy_register_corpus('rt_lk.works', 'id', 'body') AS rt_lk_corpus \gset
SELECT llmcopy_register_outputs('rt_lk.outputs', 'id', 'body', 'at') AS rt_lk_outputs \gset
SELECT llmcopy_register_outputs('rt_lk.reported', 'id', 'body', 'at') AS rt_lk_reported \gset
SET client_min_messages = warning;
CALL llmcopy_scan(outputs => 'rt_lk.reported', corpus => 'rt_lk.works', threshold => 0.1);
RESET client_min_messages;
SELECT count(*) AS reported_findings FROM llmcopy_findings WHERE output_table = :rt_lk_reported;

-- The owner holds a lock on her table until the other session waits for
-- it, then changes the table and commits.
\i sql/include/await.psql
SELECT dblink_connect('other', :'conninfo');

-- 1. The scan of her outputs, as an administrator: the run is started,
-- then the pending outputs are listed while she retypes the id column.
SELECT dblink_exec('other', 'SET ROLE regress_redteam_lscan');
SELECT run_id AS run FROM dblink('other', $$SELECT * FROM llmcopy_scan_begin('rt_lk.outputs', 'rt_lk.works', 0.1, 8, 500, NULL, true)$$)
    AS t(run_id int) \gset
BEGIN;
SET LOCAL ROLE regress_redteam_lowner;
LOCK TABLE rt_lk.outputs IN ACCESS EXCLUSIVE MODE;
SELECT dblink_send_query('other', format('SELECT count(*) FROM llmcopy_scan_pending(%s)', :run)) AS sent;
SELECT pg_temp.waiters('rt_lk.outputs', 1) AS scan_waits;
ALTER TABLE rt_lk.outputs ALTER COLUMN id TYPE rt_lk.e USING id::text::rt_lk.e;
COMMIT;
SET client_min_messages = warning;     -- (the error, as a notice)
SELECT count(*) AS rows FROM dblink_get_result('other', false) AS t(n bigint);
RESET client_min_messages;
SELECT dblink_error_message('other') LIKE '%column id has type rt_lk.e%' AS scan_refused;
SELECT * FROM dblink_get_result('other', false) AS t(n bigint);
SELECT is_called AS hostile_code_ran FROM rt_lk.hits;

SELECT setval('rt_lk.hits', 1, false) IS NOT NULL AS counter_reset;

-- 2. The boilerplate of her corpus, refreshed by the administrator, while
-- she turns on row-level security with a policy that calls her function.
BEGIN;
SET LOCAL ROLE regress_redteam_lowner;
LOCK TABLE rt_lk.works IN ACCESS EXCLUSIVE MODE;
SELECT dblink_send_query('other', $$SELECT llmcopy_refresh_boilerplate('rt_lk.works', 1)$$) AS sent;
SELECT pg_temp.waiters('rt_lk.works', 1) AS refresh_waits;
ALTER TABLE rt_lk.works ENABLE ROW LEVEL SECURITY;
CREATE POLICY spy ON rt_lk.works USING (rt_lk.esc());
COMMIT;
SET client_min_messages = warning;     -- (the error, as a notice)
SELECT count(*) AS rows FROM dblink_get_result('other', false) AS t(n bigint);
RESET client_min_messages;
SELECT dblink_error_message('other') LIKE '%has row-level security, whose policies would run as role regress_redteam_lscan%' AS refresh_refused;
SELECT * FROM dblink_get_result('other', false) AS t(n bigint);
SELECT is_called AS hostile_code_ran FROM rt_lk.hits;

SELECT setval('rt_lk.hits', 1, false) IS NOT NULL AS counter_reset;

-- 3. The report of an output, asked for by a reader, while she retypes the
-- id column (her implicit cast to int would serve the comparison by id).
-- (Her corpus's row-level security, on since 2, keeps a reader from its
-- findings: off again, so that the report has a finding to show.)
SET ROLE regress_redteam_lowner;
ALTER TABLE rt_lk.works DISABLE ROW LEVEL SECURITY;
RESET ROLE;
SELECT dblink_exec('other', 'RESET ROLE');
SELECT dblink_exec('other', 'SET ROLE regress_redteam_lread');
BEGIN;
SET LOCAL ROLE regress_redteam_lowner;
LOCK TABLE rt_lk.reported IN ACCESS EXCLUSIVE MODE;
SELECT dblink_send_query('other', $$SELECT llmcopy_report('rt_lk.reported', '1')$$) AS sent;
SELECT pg_temp.waiters('rt_lk.reported', 1) AS report_waits;
ALTER TABLE rt_lk.reported ALTER COLUMN id TYPE rt_lk.e USING id::text::rt_lk.e;
COMMIT;
-- the report is made, without the output's text, and says why
SELECT position('column id has type rt_lk.e' IN d) > 0 AS text_left_out, position('a copy: the quick' IN d) = 0 AS no_output_text
FROM dblink_get_result('other', false) AS t(d text);
SELECT * FROM dblink_get_result('other', false) AS t(d text);
SELECT is_called AS hostile_code_ran FROM rt_lk.hits;

SELECT setval('rt_lk.hits', 1, false) IS NOT NULL AS counter_reset;

-- 4. A check in a REPEATABLE READ transaction reads the catalogue of its
-- snapshot: a change committed since is a serialization failure, not a
-- read of the changed table.
SELECT dblink_exec('other', 'RESET ROLE');
SELECT dblink_exec('other', 'SET ROLE regress_redteam_lscan');
SET ROLE regress_redteam_lowner;
ALTER TABLE rt_lk.works DISABLE ROW LEVEL SECURITY;
RESET ROLE;
SELECT dblink_exec('other', 'BEGIN ISOLATION LEVEL REPEATABLE READ');
SELECT * FROM dblink('other', 'SELECT 1') AS t(snapshot int);
SET ROLE regress_redteam_lowner;
ALTER TABLE rt_lk.works ENABLE ROW LEVEL SECURITY;
RESET ROLE;
SELECT * FROM dblink('other', $$SELECT code, problem FROM llmcopy_registration_locked('corpus', $$ || :rt_lk_corpus || $$)$$)
    AS t(code text, problem text);
SELECT dblink_exec('other', 'ROLLBACK');
-- with no change since the snapshot, the check passes
SET ROLE regress_redteam_lowner;
ALTER TABLE rt_lk.works DISABLE ROW LEVEL SECURITY;
RESET ROLE;
SELECT dblink_exec('other', 'BEGIN ISOLATION LEVEL REPEATABLE READ');
SELECT * FROM dblink('other', $$SELECT code, problem FROM llmcopy_registration_locked('corpus', $$ || :rt_lk_corpus || $$)$$)
    AS t(code text, problem text);
SELECT dblink_exec('other', 'ROLLBACK');
-- nor after a change that was rolled back (its xmax stays on the row)
SET ROLE regress_redteam_lowner;
BEGIN;
ALTER TABLE rt_lk.works ENABLE ROW LEVEL SECURITY;
ROLLBACK;
RESET ROLE;
SELECT xmax <> '0'::xid AS rolled_back_xmax_left FROM pg_class WHERE oid = 'rt_lk.works'::regclass;
SELECT dblink_exec('other', 'BEGIN ISOLATION LEVEL REPEATABLE READ');
SELECT * FROM dblink('other', $$SELECT code, problem FROM llmcopy_registration_locked('corpus', $$ || :rt_lk_corpus || $$)$$)
    AS t(code text, problem text);
SELECT dblink_exec('other', 'ROLLBACK');
SELECT is_called AS hostile_code_ran FROM rt_lk.hits;

-- clean up
SELECT dblink_disconnect('other');
DELETE FROM llmcopy_runs WHERE corpus_table = :rt_lk_corpus;
DELETE FROM llmcopy_output_tables WHERE id IN (:rt_lk_outputs, :rt_lk_reported);
DELETE FROM llmcopy_corpus_tables WHERE id = :rt_lk_corpus;
DROP SCHEMA rt_lk CASCADE;
SELECT llmcopy_revoke('regress_redteam_lscan');
SELECT llmcopy_revoke('regress_redteam_lread');
DROP ROLE regress_redteam_lowner, regress_redteam_lscan, regress_redteam_lread;
