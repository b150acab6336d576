-- Roles and privileges: what PUBLIC, a reader and an administrator may do
-- and may not; code of another role (a function early on the search_path,
-- a domain's CHECK, a row-level security policy) never runs with the
-- rights of whoever registers or scans; catalogue edits pg_dump keeps.
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_llmcopy_nobody, regress_llmcopy_reader, regress_llmcopy_admin,
    regress_llmcopy_alice, regress_llmcopy_mallory;
RESET client_min_messages;
CREATE ROLE regress_llmcopy_nobody;
CREATE ROLE regress_llmcopy_reader;
CREATE ROLE regress_llmcopy_admin;
CREATE ROLE regress_llmcopy_alice IN ROLE regress_llmcopy_admin;
CREATE ROLE regress_llmcopy_mallory IN ROLE regress_llmcopy_admin;
SELECT llmcopy_grant('regress_llmcopy_reader', 'read');
SELECT llmcopy_grant('regress_llmcopy_admin', 'admin');
SELECT llmcopy_grant('regress_llmcopy_admin', 'write');
GRANT USAGE, CREATE ON SCHEMA public TO regress_llmcopy_alice, regress_llmcopy_mallory;
SELECT current_database() AS db \gset
GRANT CREATE ON DATABASE :"db" TO regress_llmcopy_mallory;
SELECT id AS corpus_id FROM llmcopy_corpus_tables WHERE table_name = 'my_works' \gset
SELECT id AS outputs_id FROM llmcopy_output_tables WHERE table_name = 'my_outputs' \gset

-- PUBLIC: the pure functions and the license catalogue; nothing of the workflow.
SET ROLE regress_llmcopy_nobody;
SELECT containment(fingerprint('a b c d e f g h'::text), fingerprint('a b c d e f g h i'::text)) AS containment;
SELECT license_compatible('MIT', 'GPL-3.0-only') AS mit_into_gpl, (license_obligations('GPL-3.0-only')).copyleft;
SELECT count(*) > 0 AS catalogue FROM llmcopy_licenses;
SELECT count(*) FROM llmcopy_findings;
SELECT count(*) FROM llmcopy_findings_daily;
SELECT count(*) FROM llmcopy_reproduction_rate;
INSERT INTO llmcopy_licenses (id, name) VALUES ('LicenseRef-nobody', 'x');
SELECT llmcopy_register_corpus('my_works', 'work_key', 'content');
CALL llmcopy_scan();
SELECT llmcopy_grant('regress_llmcopy_nobody', 'admin');
RESET ROLE;

-- A reader: the views and tables, and of the findings those of the tables
-- it may read (here my_outputs and my_works, not the others); it writes
-- nothing.
GRANT SELECT ON my_outputs, my_works TO regress_llmcopy_reader;
SET ROLE regress_llmcopy_reader;
SELECT count(*) AS findings, count(*) FILTER (WHERE output_table = :outputs_id AND corpus_table = :corpus_id) AS of_my_outputs
FROM llmcopy_findings;
SELECT count(*) AS scan_records FROM llmcopy_scanned;
SELECT sum(outputs) AS outputs FROM llmcopy_findings_daily;
SELECT sum(scanned) AS scanned FROM llmcopy_reproduction_rate;
SELECT kind, table_name FROM llmcopy_registrations WHERE problem IS NULL ORDER BY 1, 2;
INSERT INTO llmcopy_corpus_tables (schema_name, table_name, id_col, id_type, text_col, k, w, mode)
VALUES ('public', 'x', 'id', 'int', 't', 5, 10, 'text');
UPDATE llmcopy_licenses SET attribution = false WHERE id = 'MIT';
DELETE FROM llmcopy_findings;
CALL llmcopy_scan(outputs => 'my_outputs');
RESET ROLE;
SELECT count(*) AS findings, count(*) FILTER (WHERE output_table = :outputs_id AND corpus_table = :corpus_id) AS of_my_outputs
FROM llmcopy_findings;
SELECT count(*) AS scan_records_of_my_outputs FROM llmcopy_scanned WHERE output_table = :outputs_id AND corpus_table = :corpus_id;

-- An administrator registers the tables it owns, and scans those it may
-- read: not a table it does not own, nor one it may not read.
CREATE TABLE secret_outputs (id int PRIMARY KEY, body text, at timestamptz);
INSERT INTO secret_outputs VALUES (1, 'Secret: ' || (SELECT content FROM my_works WHERE work_key = 9), now());
SELECT llmcopy_register_outputs('secret_outputs', 'id', 'body', 'at') AS secret_id \gset
SET ROLE regress_llmcopy_alice;
CREATE TABLE alice_outputs (id bigint PRIMARY KEY, body text, at timestamptz);
INSERT INTO alice_outputs VALUES (1, 'Mine: but it copies nothing at all, just plain words of my own', NULL), (2, NULL, NULL);
SELECT llmcopy_register_outputs('alice_outputs', 'id', 'body', 'at') IS NOT NULL AS registered;
SELECT llmcopy_register_outputs('my_outputs2', 'out_id', 'answer', 'created');
SELECT llmcopy_unregister('my_works');
-- nor the registration of a table it may not read whose fingerprint column
-- is the table's own (no column to drop, so no owner's check): refused,
-- where it removed nothing and succeeded
RESET ROLE;
CREATE TABLE secret_adopted (id int PRIMARY KEY, body text, at timestamptz, fp fingerprint);
INSERT INTO secret_adopted VALUES (1, 'A secret of my own, kept with its own fingerprint column', now(), NULL);
UPDATE secret_adopted SET fp = fingerprint(body);
SELECT llmcopy_register_outputs('secret_adopted', 'id', 'body', 'at', fingerprint_col => 'fp') IS NOT NULL AS adopted;
SET ROLE regress_llmcopy_alice;
SELECT llmcopy_unregister('secret_adopted');
RESET ROLE;
SELECT count(*) AS still_registered FROM llmcopy_output_tables WHERE table_name = 'secret_adopted';
SELECT llmcopy_unregister('secret_adopted');
DROP TABLE secret_adopted;
SET ROLE regress_llmcopy_alice;
CALL llmcopy_scan(outputs => 'alice_outputs', corpus => 'my_works');
CALL llmcopy_scan(outputs => 'secret_outputs', corpus => 'my_works');
RESET ROLE;
GRANT SELECT ON my_works TO regress_llmcopy_alice;
SET ROLE regress_llmcopy_alice;
CALL llmcopy_scan(outputs => 'secret_outputs', corpus => 'my_works');
CALL llmcopy_scan(outputs => 'alice_outputs', corpus => 'my_works', threshold => 0.2);
SELECT output_id, status FROM llmcopy_scanned ORDER BY 1;
-- administration: the license catalogue and the configuration
INSERT INTO llmcopy_licenses (id, name, attribution, copyleft, share_alike, non_commercial, no_derivatives)
VALUES ('LicenseRef-alice', 'Alice''s terms', true, 'none', false, false, false);
RESET ROLE;
SELECT count(*) AS secret_records FROM llmcopy_scanned WHERE output_table = :secret_id;
SELECT status, done FROM llmcopy_runs WHERE output_table = (SELECT id FROM llmcopy_output_tables WHERE table_name = 'alice_outputs');

-- Hostile code: mallory owns a schema that is early on other roles' paths.
SELECT content AS work12 FROM my_works WHERE work_key = 12 \gset
SET ROLE regress_llmcopy_mallory;
CREATE SCHEMA mal;
CREATE TABLE mal.log (who name, what text);
GRANT USAGE ON SCHEMA mal TO PUBLIC;
GRANT INSERT ON mal.log TO PUBLIC;
-- logs who runs it, and tries to make mallory a superuser
CREATE FUNCTION mal.escalate(what text) RETURNS bool LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO mal.log VALUES (current_user, what);
    BEGIN
        ALTER ROLE regress_llmcopy_mallory SUPERUSER;
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    RETURN true;
END $$;
CREATE FUNCTION mal.fingerprint(t text) RETURNS public.fingerprint LANGUAGE plpgsql AS $$
BEGIN PERFORM mal.escalate('fingerprint(text)'); RETURN public.fingerprint(t, 5, 10, 'text'); END $$;
CREATE FUNCTION mal.fingerprint(t text, k int, w int, m text) RETURNS public.fingerprint LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN PERFORM mal.escalate('fingerprint(text, int, int, text)'); RETURN public.fingerprint(t, k, w, m); END $$;
CREATE FUNCTION mal.int4pl(a int, b int) RETURNS int LANGUAGE plpgsql AS $$
BEGIN PERFORM mal.escalate('+'); RETURN pg_catalog.int4pl(a, b); END $$;
CREATE OPERATOR mal.+ (LEFTARG = int, RIGHTARG = int, FUNCTION = mal.int4pl);
-- a domain whose CHECK calls mallory's function, for the id of her table
CREATE DOMAIN mal.id_t AS int CHECK (mal.escalate('domain check'));
CREATE TABLE mal.outputs (id mal.id_t PRIMARY KEY, body text, at timestamptz, model text);
INSERT INTO mal.outputs VALUES (1, 'Quoting: ' || :'work12', now(), 'm'),
                               (2, 'Nothing copied here, just words.', now(), 'm');
SELECT llmcopy_register_outputs('mal.outputs', 'id', 'body', 'at', model_col => 'model') AS mal_id \gset
-- a table whose row-level security policy calls her function
CREATE TABLE mal.rls_outputs (id int PRIMARY KEY, body text, at timestamptz);
ALTER TABLE mal.rls_outputs ENABLE ROW LEVEL SECURITY;
CREATE POLICY spy ON mal.rls_outputs USING (mal.escalate('policy'));
GRANT SELECT ON mal.outputs, mal.rls_outputs TO PUBLIC;
SELECT llmcopy_register_outputs('mal.rls_outputs', 'id', 'body', 'at') IS NOT NULL AS registered;
TRUNCATE mal.log;
RESET ROLE;
SELECT who, what FROM mal.log;

-- A superuser registers and scans with mallory's schema first on its path
-- (before pg_catalog, even): her functions and operator are not used.
CREATE TABLE su_outputs (id int PRIMARY KEY, body text, at timestamptz);
SET search_path = mal, pg_catalog, public;
SELECT llmcopy_register_outputs('su_outputs', 'id', 'body', 'at') AS su_id \gset
INSERT INTO su_outputs VALUES (1, 'Copy: ' || (SELECT content FROM my_works WHERE work_key = 7), now());
SET client_min_messages = warning;
CALL llmcopy_scan(corpus => 'my_works', threshold => 0.2);
RESET client_min_messages;
RESET search_path;
SET search_path = pg_catalog;
SELECT pg_get_expr(adbin, adrelid) AS stored_expression FROM pg_attrdef WHERE adrelid = 'public.su_outputs'::regclass;
RESET search_path;
SELECT (SELECT count(*) FROM llmcopy_scanned WHERE output_table = :su_id) AS su_records,
       (SELECT count(*) FROM llmcopy_scanned WHERE output_table = :mal_id) AS mal_records,
       (SELECT count(*) FROM llmcopy_findings WHERE output_table = :mal_id) AS mal_findings;
-- the domain's CHECK, the policy, the functions and the operator never ran
SELECT who, what FROM mal.log;
SELECT rolsuper FROM pg_roles WHERE rolname = 'regress_llmcopy_mallory';
-- an administrator who is not the table's owner does not scan a table
-- whose policies would run as itself
INSERT INTO mal.rls_outputs VALUES (1, 'x', now());
SET ROLE regress_llmcopy_alice;
CALL llmcopy_scan(outputs => 'mal.rls_outputs', corpus => 'my_works');
RESET ROLE;
SELECT who, what FROM mal.log;
-- nor registers one: registration reads the table (the value of a column it
-- adopts, a sample for the index's width)
SET ROLE regress_llmcopy_mallory;
CREATE TABLE mal.rls_works (id int PRIMARY KEY, body text, at timestamptz, fp public.fingerprint);
INSERT INTO mal.rls_works VALUES (1, 'some words of a work', now(), public.fingerprint('some words of a work'::text));
ALTER TABLE mal.rls_works ENABLE ROW LEVEL SECURITY;
CREATE POLICY spy ON mal.rls_works USING (mal.escalate('policy read by registration'));
GRANT SELECT ON mal.rls_works TO PUBLIC;
RESET ROLE;
SET ROLE regress_llmcopy_alice;
SELECT llmcopy_register_corpus('mal.rls_works', 'id', 'body', fingerprint_col => 'fp', create_index => false);
SELECT llmcopy_register_outputs('mal.rls_works', 'id', 'body', 'at', fingerprint_col => 'fp');
RESET ROLE;
SELECT who, what FROM mal.log;
SELECT (SELECT count(*) FROM llmcopy_corpus_tables WHERE table_name = 'rls_works') +
       (SELECT count(*) FROM llmcopy_output_tables WHERE table_name = 'rls_works') AS registered;
-- its owner may: the policies are its own
SET ROLE regress_llmcopy_mallory;
SELECT llmcopy_register_corpus('mal.rls_works', 'id', 'body', fingerprint_col => 'fp') IS NOT NULL AS registered_by_owner;
SELECT llmcopy_unregister('mal.rls_works');
RESET ROLE;

-- Access is revoked as it was granted.
SELECT llmcopy_revoke('regress_llmcopy_reader');
SET ROLE regress_llmcopy_reader;
SELECT count(*) FROM llmcopy_findings;
RESET ROLE;
SELECT llmcopy_grant('regress_llmcopy_reader', 'read');

-- Catalogue edits: a change to a built-in row marks it modified, so
-- pg_dump keeps it (the dump and restore check of `make test` reads these
-- rows back); whether a row is built in cannot be changed; a built-in row
-- inserted again, as a restore does, replaces the provided one.
UPDATE llmcopy_licenses SET source = 'edited: ' || source WHERE id = 'WTFPL';
UPDATE llmcopy_licenses SET attribution = true, copyleft = 'none', share_alike = false, non_commercial = false,
                            no_derivatives = false, source = 'recorded here'
WHERE id = 'JSON';
UPDATE llmcopy_licenses SET builtin = false WHERE id = 'ISC';
UPDATE llmcopy_license_rules SET source = 'edited: ' || source WHERE inbound = 'Apache-2.0' AND outbound_like = 'GPL-2.0-only';
SELECT id, builtin, modified, copyleft, source FROM llmcopy_licenses WHERE id IN ('WTFPL', 'JSON', 'ISC', 'MIT') ORDER BY id;
SELECT inbound, outbound_like, builtin, modified FROM llmcopy_license_rules WHERE modified;
SELECT license_compatible('JSON', 'MIT') AS json_into_mit;
BEGIN;
INSERT INTO llmcopy_licenses (id, name, builtin, modified, copyleft, source)
VALUES ('0BSD', 'BSD Zero Clause License', true, true, 'none', 'as a restore inserts it');
SELECT id, builtin, modified, source FROM llmcopy_licenses WHERE id = '0BSD';
ROLLBACK;
INSERT INTO llmcopy_licenses (id, name) VALUES ('MIT', 'a second MIT');
