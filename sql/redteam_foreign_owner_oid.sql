-- Red team: a registration whose owner_oid is the OID of another cluster.
--
-- A data-only restore with triggers disabled (pg_dump --data-only
-- --disable-triggers, pg_restore --disable-triggers) keeps the owner_oid
-- the dump carries: the OID the table's owner had in the dumped cluster.
-- Its registrations are to be refused until an owner is recorded
-- (llmcopy_owner_problem).  Here Alice's OID in the dumped cluster is the
-- OID Mallory has in this one (roles made in another order).  Mallory may
-- read neither of Alice's tables; she must not be able to point Alice's
-- registrations at tables of her own, and so read the findings of Alice's
-- private works (their spans and licenses), nor remove them.  The expected
-- output shows the safe behaviour.
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_fo_alice, regress_fo_mallory;
RESET client_min_messages;
CREATE ROLE regress_fo_alice;
CREATE ROLE regress_fo_mallory;
SELECT llmcopy_grant('regress_fo_alice', 'admin');
SELECT llmcopy_grant('regress_fo_mallory', 'admin');
CREATE SCHEMA rt_fo;
GRANT USAGE, CREATE ON SCHEMA rt_fo TO regress_fo_alice, regress_fo_mallory;
SELECT coalesce(max(run_id), 0) AS runs_before FROM llmcopy_runs \gset

SET ROLE regress_fo_alice;
CREATE TABLE rt_fo.works (id int PRIMARY KEY, body text, license text);
INSERT INTO rt_fo.works VALUES (1, 'a private manuscript: the rain in the valley fell on seven silent houses all night long', 'LicenseRef-private');
CREATE TABLE rt_fo.chats (id int PRIMARY KEY, body text, at timestamptz);
INSERT INTO rt_fo.chats VALUES (1, 'it said: the rain in the valley fell on seven silent houses all night long, and more', now());
SELECT llmcopy_register_corpus('rt_fo.works', 'id', 'body', license_col => 'license') IS NOT NULL AS works_registered;
SELECT llmcopy_register_outputs('rt_fo.chats', 'id', 'body', 'at') IS NOT NULL AS chats_registered;
SET client_min_messages = warning;
CALL llmcopy_scan(outputs => 'rt_fo.chats', corpus => 'rt_fo.works', threshold => 0.1);
RESET client_min_messages;
SELECT count(*) AS alices_findings FROM llmcopy_findings f JOIN llmcopy_corpus_tables c ON c.id = f.corpus_table WHERE c.schema_name = 'rt_fo';
RESET ROLE;

-- The registrations as a data-only restore with triggers disabled writes
-- them: owner_oid as dumped, which is Mallory's OID in this cluster.
ALTER TABLE llmcopy_corpus_tables DISABLE TRIGGER llmcopy_owner;
ALTER TABLE llmcopy_output_tables DISABLE TRIGGER llmcopy_owner;
UPDATE llmcopy_corpus_tables SET owner_oid = 'regress_fo_mallory'::regrole WHERE schema_name = 'rt_fo';
UPDATE llmcopy_output_tables SET owner_oid = 'regress_fo_mallory'::regrole WHERE schema_name = 'rt_fo';
ALTER TABLE llmcopy_corpus_tables ENABLE ALWAYS TRIGGER llmcopy_owner;
ALTER TABLE llmcopy_output_tables ENABLE ALWAYS TRIGGER llmcopy_owner;

-- Alice's registrations are refused until an owner is recorded ...
SET ROLE regress_fo_alice;
SELECT kind, table_name, problem FROM llmcopy_registrations WHERE schema_name = 'rt_fo' ORDER BY 1;
SELECT count(*) AS alice_sees FROM llmcopy_findings f JOIN llmcopy_corpus_tables c ON c.id = f.corpus_table WHERE c.schema_name = 'rt_fo';
RESET ROLE;

-- ... and Mallory, who may read neither table, gets no rights over them
-- from an OID that is hers only by chance: she can neither point them at
-- tables of her own (and read their findings) nor remove them.
SET ROLE regress_fo_mallory;
SELECT has_table_privilege('rt_fo.works', 'SELECT') AS mallory_reads_works, has_table_privilege('rt_fo.chats', 'SELECT') AS mallory_reads_chats;
CREATE TABLE rt_fo.decoy_works (id int PRIMARY KEY, body text, license text);
CREATE TABLE rt_fo.decoy_chats (id int PRIMARY KEY, body text, at timestamptz);
WITH u AS (UPDATE llmcopy_corpus_tables SET table_name = 'decoy_works', table_owner = 'regress_fo_mallory'
           WHERE schema_name = 'rt_fo' AND table_name = 'works' RETURNING 1)
SELECT count(*) AS corpus_repointed FROM u;
WITH u AS (UPDATE llmcopy_output_tables SET table_name = 'decoy_chats', table_owner = 'regress_fo_mallory'
           WHERE schema_name = 'rt_fo' AND table_name = 'chats' RETURNING 1)
SELECT count(*) AS outputs_repointed FROM u;
SELECT count(*) AS mallory_sees, coalesce(bool_or(license = 'LicenseRef-private'), false) AS private_licenses_seen,
       coalesce(bool_or(spans::text LIKE '%seven silent houses%'), false) AS private_excerpts_seen
FROM llmcopy_findings;
WITH d AS (DELETE FROM llmcopy_corpus_tables WHERE schema_name = 'rt_fo' RETURNING 1)
SELECT count(*) AS corpus_removed FROM d;
WITH d AS (DELETE FROM llmcopy_output_tables WHERE schema_name = 'rt_fo' RETURNING 1)
SELECT count(*) AS outputs_removed FROM d;
DROP TABLE rt_fo.decoy_works, rt_fo.decoy_chats;
RESET ROLE;

-- The extension's owner (here, a superuser) records the owner: the OID is
-- worked out again, and Alice sees her findings.
UPDATE llmcopy_corpus_tables SET table_owner = table_owner WHERE schema_name = 'rt_fo';
UPDATE llmcopy_output_tables SET table_owner = table_owner WHERE schema_name = 'rt_fo';
SET ROLE regress_fo_alice;
SELECT kind, table_name, problem FROM llmcopy_registrations WHERE schema_name = 'rt_fo' ORDER BY 1;
SELECT count(*) AS alice_sees_again FROM llmcopy_findings f JOIN llmcopy_corpus_tables c ON c.id = f.corpus_table WHERE c.schema_name = 'rt_fo';
RESET ROLE;

-- clean up
DELETE FROM llmcopy_runs WHERE run_id > :runs_before;
DELETE FROM llmcopy_corpus_tables WHERE schema_name = 'rt_fo';
DELETE FROM llmcopy_output_tables WHERE schema_name = 'rt_fo';
DROP SCHEMA rt_fo CASCADE;
SELECT llmcopy_revoke('regress_fo_alice');
SELECT llmcopy_revoke('regress_fo_mallory');
DROP ROLE regress_fo_alice, regress_fo_mallory;
