-- Red team: an administrator steps outside the tables it may read, through
-- the configuration tables row-level security does not cover.
--
-- The expected output shows the safe behaviour.  Row-level
-- security keeps an administrator to the findings and scan records of the
-- tables it may SELECT, judged by the registration's schema and table name
-- (llmcopy_readable).  But llmcopy_output_tables, llmcopy_corpus_tables and
-- llmcopy_boilerplate have no policy, and 'admin' may write them all:
--   - pointing another table's registration at a table of one's own makes
--     its findings readable: the excerpts of outputs and works one may not
--     SELECT;
--   - deleting another table's registration erases its findings and scan
--     records (ON DELETE CASCADE runs as the owner, past the policy);
--   - storing a boilerplate set with other parameters for a corpus one may
--     not read makes every output scanned against it 'skipped' for good.
-- Fix: policies on the configuration tables (and llmcopy_runs) with the
-- same test as the findings' (the registration's table may be read, or is
-- owned), checked on the row before and after an update.
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_redteam_sadmin, regress_redteam_eve;
RESET client_min_messages;
CREATE ROLE regress_redteam_sadmin;
CREATE ROLE regress_redteam_eve IN ROLE regress_redteam_sadmin;
SELECT llmcopy_grant('regress_redteam_sadmin', 'admin');
CREATE SCHEMA rt_as AUTHORIZATION regress_redteam_eve;

-- The DBA's tables: works eve may read, works and outputs she may not.
CREATE TABLE rt_as_works (id int PRIMARY KEY, body text);
INSERT INTO rt_as_works VALUES (1, 'the quick brown fox jumps over the lazy dog again and again, all day long');
CREATE TABLE rt_as_private_works (id int PRIMARY KEY, body text);
INSERT INTO rt_as_private_works VALUES (1, 'a private manuscript: the rain in the valley fell on seven silent houses all night');
CREATE TABLE rt_as_secret (id int PRIMARY KEY, body text, at timestamptz);
INSERT INTO rt_as_secret VALUES (1, 'SECRET customer chat: the quick brown fox jumps over the lazy dog again and again, all day long', now());
SELECT llmcopy_register_corpus('rt_as_works', 'id', 'body') AS rt_as_works \gset
SELECT llmcopy_register_corpus('rt_as_private_works', 'id', 'body') AS rt_as_private \gset
SELECT llmcopy_register_outputs('rt_as_secret', 'id', 'body', 'at') AS rt_as_secret \gset
GRANT SELECT ON rt_as_works TO regress_redteam_eve;
SET client_min_messages = warning;
CALL llmcopy_scan(outputs => 'rt_as_secret', corpus => 'rt_as_works', threshold => 0.1);
RESET client_min_messages;
SELECT count(*) AS secret_findings FROM llmcopy_findings WHERE output_table = :rt_as_secret;
SELECT count(*) AS runs, sum(findings) AS findings_counted FROM llmcopy_runs WHERE output_table = :rt_as_secret;

-- Eve, an administrator, owns a table of her own.
SELECT set_config('rt.private', :'rt_as_private', false) IS NOT NULL AS noted;
SET ROLE regress_redteam_eve;
CREATE TABLE rt_as.decoy (id int PRIMARY KEY, body text, at timestamptz);
SELECT count(*) AS visible FROM llmcopy_findings WHERE output_table = :rt_as_secret;
-- nor the scan's counts for the secret outputs against the corpus she may
-- read: with a corpus of guessed texts, its findings would say whether the
-- secret outputs hold them (the superuser saw the run)
SELECT count(*) AS runs_visible, coalesce(sum(findings), 0) AS findings_counted
FROM llmcopy_runs WHERE output_table = :rt_as_secret;
-- nor as a later backend given the scanning backend's process id, holding
-- the call's advisory lock (whose key pg_locks shows): played by this
-- session, the run made to name it as an earlier backend's, then its own
RESET ROLE;
SELECT pg_advisory_lock(1819045219, 424242);
UPDATE llmcopy_runs SET pid = pg_backend_pid(), lock_key = 424242,
    started_at = (SELECT backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()) - interval '1 minute'
WHERE output_table = :rt_as_secret;
SET ROLE regress_redteam_eve;
SELECT count(*) AS runs_of_an_earlier_backend FROM llmcopy_runs WHERE output_table = :rt_as_secret;
RESET ROLE;
UPDATE llmcopy_runs SET started_at = clock_timestamp() WHERE output_table = :rt_as_secret;
SET ROLE regress_redteam_eve;
SELECT count(*) AS runs_of_its_own_call FROM llmcopy_runs WHERE output_table = :rt_as_secret;
RESET ROLE;
SELECT pg_advisory_unlock(1819045219, 424242);
SET ROLE regress_redteam_eve;
-- she sees every registration (they name tables, as the catalogue does),
-- and administers those of the tables she may read
SELECT kind, table_name, problem FROM llmcopy_registrations WHERE table_name LIKE 'rt_as%' ORDER BY 1, 2;
SELECT llmcopy_refresh_boilerplate('rt_as_works', 1) >= 0 AS refreshed;
-- she repoints the secret table's registration at her own table ...
DO $$ BEGIN
    UPDATE llmcopy_output_tables SET schema_name = 'rt_as', table_name = 'decoy' WHERE table_name = 'rt_as_secret';
EXCEPTION WHEN OTHERS THEN NULL;
END $$;
-- ... and reads what she may not
SELECT count(*) AS visible, bool_or(spans::text LIKE '%quick brown fox%') AS excerpts_of_the_secret_outputs
FROM llmcopy_findings WHERE output_table = :rt_as_secret;
DO $$ BEGIN
    UPDATE llmcopy_output_tables SET schema_name = 'public', table_name = 'rt_as_secret' WHERE schema_name = 'rt_as' AND table_name = 'decoy';
EXCEPTION WHEN OTHERS THEN NULL;
END $$;
-- a boilerplate set that no fingerprint of the private corpus can be compared with
DO $$ BEGIN
    INSERT INTO llmcopy_boilerplate VALUES (current_setting('rt.private')::int, fingerprint(''::text, 6, 1), 2);
EXCEPTION WHEN OTHERS THEN NULL;
END $$;
RESET ROLE;

-- The next scans of the DBA: an output copying the private works is scanned
-- and reported.
INSERT INTO rt_as_secret VALUES (2, 'more: a private manuscript: the rain in the valley fell on seven silent houses all night', now());
SET client_min_messages = warning;
CALL llmcopy_scan(outputs => 'rt_as_secret', corpus => 'rt_as_private_works', threshold => 0.1);
RESET client_min_messages;
SELECT output_id, status FROM llmcopy_scanned WHERE output_table = :rt_as_secret AND corpus_table = :rt_as_private ORDER BY 1;

-- Eve deletes the secret table's registration, and its findings with it.
SET ROLE regress_redteam_eve;
DO $$ BEGIN
    DELETE FROM llmcopy_output_tables WHERE table_name = 'rt_as_secret';
EXCEPTION WHEN OTHERS THEN NULL;
END $$;
RESET ROLE;
SELECT count(*) AS registered FROM llmcopy_output_tables WHERE table_name = 'rt_as_secret';
SELECT count(*) AS secret_findings FROM llmcopy_findings WHERE output_table = :rt_as_secret;

-- clean up
DELETE FROM llmcopy_runs WHERE corpus_table IN (:rt_as_works, :rt_as_private);
DELETE FROM llmcopy_output_tables WHERE id = :rt_as_secret;
SELECT llmcopy_unregister('rt_as_works');
SELECT llmcopy_unregister('rt_as_private_works');
DROP TABLE rt_as_works, rt_as_private_works, rt_as_secret;
DROP SCHEMA rt_as CASCADE;
SELECT llmcopy_revoke('regress_redteam_sadmin');
DROP ROLE regress_redteam_eve, regress_redteam_sadmin;
