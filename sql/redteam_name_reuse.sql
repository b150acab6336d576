-- Red team: a table of a registered name, made by another role after the
-- registered table was dropped.
--
-- Registrations name their table by schema and name, so that a table
-- rebuilt under a new OID stays registered.  Before the fix, once Alice's
-- corpus table was dropped, Mallory (who may create tables in its schema
-- and read the outputs table, as a dashboard role does) made a table of the
-- same name and, as its owner, "may read" the registered corpus: she read
-- the findings of Alice's private works (their ids, spans and licenses),
-- could point the registration elsewhere, and llmcopy_unregister of her
-- table deleted Alice's findings.  Fix: a registration records its table's
-- owner (table_owner), and a table of the name that another role owns is
-- not the registered table: row-level security, llmcopy_unregister and the
-- scan's checks all ask for the recorded owner.  The expected output shows
-- the safe behaviour.
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_nr_alice, regress_nr_mallory, regress_nr_dave;
RESET client_min_messages;
CREATE ROLE regress_nr_alice;
CREATE ROLE regress_nr_mallory;
SELECT llmcopy_grant('regress_nr_alice', 'admin');
SELECT llmcopy_grant('regress_nr_mallory', 'admin');
CREATE SCHEMA rt_nr;
GRANT USAGE, CREATE ON SCHEMA rt_nr TO regress_nr_alice, regress_nr_mallory;

-- Alice's private corpus and her outputs, which Mallory's dashboard reads.
SET ROLE regress_nr_alice;
CREATE TABLE rt_nr.works (id int PRIMARY KEY, body text, license text);
INSERT INTO rt_nr.works VALUES (1, 'a private manuscript: the rain in the valley fell on seven silent houses all night long', 'LicenseRef-private');
CREATE TABLE rt_nr.chats (id int PRIMARY KEY, body text, at timestamptz);
INSERT INTO rt_nr.chats VALUES (1, 'it said: the rain in the valley fell on seven silent houses all night long, and more', now());
GRANT SELECT ON rt_nr.chats TO regress_nr_mallory;
SELECT llmcopy_register_corpus('rt_nr.works', 'id', 'body', license_col => 'license') IS NOT NULL AS works_registered;
SELECT llmcopy_register_outputs('rt_nr.chats', 'id', 'body', 'at') IS NOT NULL AS chats_registered;
SELECT table_name, table_owner FROM llmcopy_corpus_tables WHERE schema_name = 'rt_nr'
UNION ALL
SELECT table_name, table_owner FROM llmcopy_output_tables WHERE schema_name = 'rt_nr' ORDER BY 1;
SET client_min_messages = warning;
CALL llmcopy_scan(outputs => 'rt_nr.chats', corpus => 'rt_nr.works', threshold => 0.1);
RESET client_min_messages;
SELECT count(*) AS alices_findings, bool_or(license = 'LicenseRef-private') AS of_the_private_work
FROM llmcopy_findings f JOIN llmcopy_corpus_tables c ON c.id = f.corpus_table WHERE c.schema_name = 'rt_nr';
RESET ROLE;
SET ROLE regress_nr_mallory;
SELECT count(*) AS mallory_sees FROM llmcopy_findings f JOIN llmcopy_corpus_tables c ON c.id = f.corpus_table WHERE c.schema_name = 'rt_nr';
RESET ROLE;

-- Alice drops her corpus table (to load it again); its registration stays.
SET ROLE regress_nr_alice;
DROP TABLE rt_nr.works;
RESET ROLE;

-- Mallory makes a table of the same name.
SET ROLE regress_nr_mallory;
CREATE TABLE rt_nr.works (id int PRIMARY KEY, body text);
-- she does not read the registration's findings ...
SELECT count(*) AS mallory_sees, coalesce(bool_or(license = 'LicenseRef-private'), false) AS private_licenses_seen
FROM llmcopy_findings f JOIN llmcopy_corpus_tables c ON c.id = f.corpus_table WHERE c.schema_name = 'rt_nr';
SELECT count(*) AS scan_records_seen FROM llmcopy_scanned s JOIN llmcopy_corpus_tables c ON c.id = s.corpus_table WHERE c.schema_name = 'rt_nr';
-- ... the registration says why
SELECT kind, table_name, problem FROM llmcopy_registrations WHERE schema_name = 'rt_nr' ORDER BY 1;
-- ... she cannot claim it, point it elsewhere, or remove it
WITH u AS (UPDATE llmcopy_corpus_tables SET table_owner = 'regress_nr_mallory'
           WHERE schema_name = 'rt_nr' AND table_name = 'works' RETURNING 1)
SELECT count(*) AS claimed FROM u;
WITH u AS (UPDATE llmcopy_corpus_tables SET table_name = 'elsewhere'
           WHERE schema_name = 'rt_nr' AND table_name = 'works' RETURNING 1)
SELECT count(*) AS repointed FROM u;
WITH d AS (DELETE FROM llmcopy_corpus_tables WHERE schema_name = 'rt_nr' AND table_name = 'works' RETURNING 1)
SELECT count(*) AS removed FROM d;
\set VERBOSITY terse
SELECT llmcopy_unregister('rt_nr.works');
\set VERBOSITY default
-- ... nor scan into it, nor store its boilerplate
DO $$
BEGIN
    CALL llmcopy_scan(outputs => 'rt_nr.chats', corpus => 'rt_nr.works', threshold => 0.1);
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'scan refused: %: %', SQLSTATE, regexp_replace(SQLERRM, 'registration \d+', 'registration N');
END $$;
DO $$
BEGIN
    PERFORM llmcopy_refresh_boilerplate('rt_nr.works', 1);
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'refresh refused: %: %', SQLSTATE, regexp_replace(SQLERRM, 'registration \d+', 'registration N');
END $$;
RESET ROLE;
SELECT count(*) AS findings_kept FROM llmcopy_findings f JOIN llmcopy_corpus_tables c ON c.id = f.corpus_table WHERE c.schema_name = 'rt_nr';

-- Mallory's table goes; Alice rebuilds hers under the same name (a new OID,
-- the same owner): it is the registered table again.
SET ROLE regress_nr_mallory;
DROP TABLE rt_nr.works;
RESET ROLE;
SET ROLE regress_nr_alice;
CREATE TABLE rt_nr.works (id int PRIMARY KEY, body text, license text, llmcopy_fp fingerprint);
SELECT count(*) AS alice_sees FROM llmcopy_findings f JOIN llmcopy_corpus_tables c ON c.id = f.corpus_table WHERE c.schema_name = 'rt_nr';
RESET ROLE;

-- A rename leaves the registration naming a table that does not exist, and
-- its findings hidden.  The role recorded as its owner (by OID) points it
-- at the new name; Mallory may neither do that nor remove it, and an OID
-- she writes into a registration she may read (once Alice grants her
-- SELECT) is worked out again, so it gives her no rights of an owner.
SET ROLE regress_nr_alice;
ALTER TABLE rt_nr.works RENAME TO works_v2;
SELECT table_name, problem FROM llmcopy_registrations WHERE schema_name = 'rt_nr' AND kind = 'corpus';
SELECT count(*) AS alice_sees_after_rename FROM llmcopy_findings f JOIN llmcopy_corpus_tables c ON c.id = f.corpus_table WHERE c.schema_name = 'rt_nr';
RESET ROLE;
SET ROLE regress_nr_mallory;
WITH u AS (UPDATE llmcopy_corpus_tables SET table_name = 'works_v2'
           WHERE schema_name = 'rt_nr' AND table_name = 'works' RETURNING 1)
SELECT count(*) AS mallory_repointed FROM u;
WITH d AS (DELETE FROM llmcopy_corpus_tables WHERE schema_name = 'rt_nr' AND table_name = 'works' RETURNING 1)
SELECT count(*) AS mallory_removed FROM d;
RESET ROLE;
SET ROLE regress_nr_alice;
WITH u AS (UPDATE llmcopy_corpus_tables SET table_name = 'works_v2'
           WHERE schema_name = 'rt_nr' AND table_name = 'works' RETURNING 1)
SELECT count(*) AS alice_repointed FROM u;
SELECT table_name, problem FROM llmcopy_registrations WHERE schema_name = 'rt_nr' AND kind = 'corpus';
SELECT count(*) AS alice_sees_again FROM llmcopy_findings f JOIN llmcopy_corpus_tables c ON c.id = f.corpus_table WHERE c.schema_name = 'rt_nr';
GRANT SELECT ON rt_nr.works_v2 TO regress_nr_mallory;
RESET ROLE;
SET ROLE regress_nr_mallory;
WITH u AS (UPDATE llmcopy_corpus_tables SET owner_oid = 'regress_nr_mallory'::regrole::oid
           WHERE schema_name = 'rt_nr' AND table_name = 'works_v2' RETURNING owner_oid = 'regress_nr_alice'::regrole::oid AS still_alices)
SELECT * FROM u;
RESET ROLE;
SET ROLE regress_nr_alice;
REVOKE SELECT ON rt_nr.works_v2 FROM regress_nr_mallory;
RESET ROLE;
SET ROLE regress_nr_mallory;
WITH d AS (DELETE FROM llmcopy_corpus_tables WHERE schema_name = 'rt_nr' AND table_name = 'works_v2' RETURNING 1)
SELECT count(*) AS mallory_removed FROM d;
RESET ROLE;

-- A change of owner: the registration is not the new owner's until the
-- extension's owner (here, a superuser) records it.
ALTER TABLE rt_nr.chats OWNER TO regress_nr_mallory;
SET ROLE regress_nr_mallory;
SELECT kind, table_name, problem FROM llmcopy_registrations WHERE schema_name = 'rt_nr' AND kind = 'outputs';
RESET ROLE;
UPDATE llmcopy_output_tables SET table_owner = 'regress_nr_mallory' WHERE schema_name = 'rt_nr' AND table_name = 'chats';
SET ROLE regress_nr_mallory;
SELECT kind, table_name, problem FROM llmcopy_registrations WHERE schema_name = 'rt_nr' AND kind = 'outputs';
RESET ROLE;

-- A fill of a table the registration is not recorded as: refused, rather
-- than "filled" while the registration stays unfilled (row-level security
-- keeps its UPDATE from the registration).  Mallory's table of the name of
-- Alice's online registration, with the trigger ...
SET ROLE regress_nr_alice;
CREATE TABLE rt_nr.live (id int PRIMARY KEY, body text);
INSERT INTO rt_nr.live VALUES (1, 'a line of text long enough to be fingerprinted by the fill');
SET client_min_messages = warning;
SELECT llmcopy_register_corpus('rt_nr.live', 'id', 'body', online => true) IS NOT NULL AS live_registered;
RESET client_min_messages;
ALTER TABLE rt_nr.live RENAME TO live_old;
RESET ROLE;
SET ROLE regress_nr_mallory;
CREATE TABLE rt_nr.live (id int PRIMARY KEY, body text, llmcopy_fp fingerprint);
CREATE TRIGGER zz_llmcopy_fp BEFORE INSERT OR UPDATE ON rt_nr.live
    FOR EACH ROW EXECUTE FUNCTION llmcopy_fp_trigger('body', '5', '10', 'text');
ALTER TABLE rt_nr.live ENABLE ALWAYS TRIGGER zz_llmcopy_fp;
\set VERBOSITY terse
CALL llmcopy_fill('rt_nr.live');
\set VERBOSITY default
DROP TABLE rt_nr.live;
RESET ROLE;
-- ... and Alice's table after a change of owner: the fill asks for it to
-- be recorded first, then fills and marks the registration filled
ALTER TABLE rt_nr.live_old RENAME TO live;
ALTER TABLE rt_nr.live OWNER TO regress_nr_mallory;
SET ROLE regress_nr_mallory;
CALL llmcopy_fill('rt_nr.live');
SELECT filling, (SELECT count(*) FROM rt_nr.live WHERE llmcopy_fp IS NULL) AS unfilled
FROM llmcopy_corpus_tables WHERE schema_name = 'rt_nr' AND table_name = 'live';
RESET ROLE;
UPDATE llmcopy_corpus_tables SET table_owner = 'regress_nr_mallory' WHERE schema_name = 'rt_nr' AND table_name = 'live';
SET ROLE regress_nr_mallory;
SET client_min_messages = warning;
CALL llmcopy_fill('rt_nr.live');
RESET client_min_messages;
SELECT filling, (SELECT count(*) FROM rt_nr.live WHERE llmcopy_fp IS NULL) AS unfilled
FROM llmcopy_corpus_tables WHERE schema_name = 'rt_nr' AND table_name = 'live';
RESET ROLE;

-- A role dropped and made again under its name is not the role that owned
-- the registered table.  Dave registers and scans a corpus table; his
-- role is dropped the way PostgreSQL's documentation says (what he owns
-- reassigned, here to Alice, then DROP OWNED and DROP ROLE); a new role of
-- his name (made by a role with CREATEROLE, which from PostgreSQL 16 on may
-- not otherwise become other roles) waits for the table to be dropped and
-- makes one of its name.  The registration recorded Dave's role by OID.
CREATE ROLE regress_nr_dave;
SELECT llmcopy_grant('regress_nr_dave', 'admin');
GRANT USAGE, CREATE ON SCHEMA rt_nr TO regress_nr_dave;
GRANT SELECT ON rt_nr.chats TO regress_nr_dave;
SET ROLE regress_nr_dave;
CREATE TABLE rt_nr.drafts (id int PRIMARY KEY, body text, license text);
INSERT INTO rt_nr.drafts VALUES (1, 'a private draft: the rain in the valley fell on seven silent houses all night long', 'LicenseRef-dave');
SELECT llmcopy_register_corpus('rt_nr.drafts', 'id', 'body', license_col => 'license') IS NOT NULL AS drafts_registered;
SET client_min_messages = warning;
CALL llmcopy_scan(outputs => 'rt_nr.chats', corpus => 'rt_nr.drafts', threshold => 0.1);
RESET client_min_messages;
SELECT count(*) AS daves_findings FROM llmcopy_findings f JOIN llmcopy_corpus_tables c ON c.id = f.corpus_table
WHERE c.schema_name = 'rt_nr' AND c.table_name = 'drafts';
RESET ROLE;
SELECT table_owner, owner_oid = 'regress_nr_dave'::regrole::oid AS by_oid FROM llmcopy_corpus_tables
WHERE schema_name = 'rt_nr' AND table_name = 'drafts';
SELECT llmcopy_revoke('regress_nr_dave');
REASSIGN OWNED BY regress_nr_dave TO regress_nr_alice;
DROP OWNED BY regress_nr_dave;
DROP ROLE regress_nr_dave;
CREATE ROLE regress_nr_dave;
SELECT llmcopy_grant('regress_nr_dave', 'admin');
GRANT USAGE, CREATE ON SCHEMA rt_nr TO regress_nr_dave;
GRANT SELECT ON rt_nr.chats TO regress_nr_dave;
DROP TABLE rt_nr.drafts;
SET ROLE regress_nr_dave;
CREATE TABLE rt_nr.drafts (id int PRIMARY KEY, body text, license text);
SELECT count(*) AS new_dave_sees, coalesce(bool_or(license = 'LicenseRef-dave'), false) AS daves_licenses_seen
FROM llmcopy_findings f JOIN llmcopy_corpus_tables c ON c.id = f.corpus_table WHERE c.schema_name = 'rt_nr' AND c.table_name = 'drafts';
SELECT kind, table_name, problem FROM llmcopy_registrations WHERE schema_name = 'rt_nr' AND table_name = 'drafts';
WITH u AS (UPDATE llmcopy_corpus_tables SET table_name = 'drafts'
           WHERE schema_name = 'rt_nr' AND table_name = 'drafts' RETURNING 1)
SELECT count(*) AS rebound FROM u;
SELECT llmcopy_unregister('rt_nr.drafts');
DROP TABLE rt_nr.drafts;
RESET ROLE;

-- A restore loads the registrations with COPY: the OID is worked out again
-- in the cluster the row is written in, from the table of its name (the
-- OID a dump carries is of another cluster).
CREATE TEMP TABLE dumped AS SELECT * FROM llmcopy_output_tables WHERE schema_name = 'rt_nr' AND table_name = 'chats';
UPDATE dumped SET owner_oid = 4242, id = id + 1000, table_name = 'chats2';
CREATE TABLE rt_nr.chats2 (id int PRIMARY KEY, body text, at timestamptz);
ALTER TABLE rt_nr.chats2 OWNER TO regress_nr_mallory;
INSERT INTO llmcopy_output_tables SELECT * FROM dumped;     -- (as a restore's COPY does: both fire the trigger)
SELECT table_name, table_owner, owner_oid = 'regress_nr_mallory'::regrole::oid AS oid_of_this_cluster
FROM llmcopy_output_tables WHERE schema_name = 'rt_nr' AND table_name = 'chats2';
DELETE FROM llmcopy_output_tables WHERE schema_name = 'rt_nr' AND table_name = 'chats2';
DROP TABLE rt_nr.chats2;

-- clean up
DELETE FROM llmcopy_runs WHERE corpus_table IN (SELECT id FROM llmcopy_corpus_tables WHERE schema_name = 'rt_nr');
DELETE FROM llmcopy_corpus_tables WHERE schema_name = 'rt_nr';
SELECT llmcopy_unregister('rt_nr.chats');
DROP SCHEMA rt_nr CASCADE;
SELECT llmcopy_revoke('regress_nr_alice');
SELECT llmcopy_revoke('regress_nr_mallory');
SELECT llmcopy_revoke('regress_nr_dave');
DROP ROLE regress_nr_alice, regress_nr_mallory, regress_nr_dave;
