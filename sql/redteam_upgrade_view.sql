-- Red team: ALTER EXTENSION pg_llmcopy UPDATE reads a registered table
-- that its owner turned into a view.
--
-- The expected output shows the safe behaviour.  The upgrade
-- script's DO block records the outputs at or below each 0.1.0 watermark
-- by reading each registered outputs table with the rights of whoever runs
-- ALTER EXTENSION (a superuser).  It checks the columns but not what the
-- relation is, and PostgreSQL 15 still turns an empty table into a view
-- under the same OID (CREATE RULE "_RETURN").  The functions a view calls
-- run as the role that reads it: the owner of a table registered under
-- 0.1.0 becomes superuser when the DBA updates the extension.
-- The same block fails the whole update when a registered table's id
-- column was retyped since 0.1.0 (the watermark's id no longer casts), so
-- the owner of any registered table can also keep the DBA from updating.
-- Fix: migrate only relations the scan itself would accept (relkind r or
-- p, no row-level security whose policies would run as the updating role,
-- as llmcopy_registration_problem checks), skip a pair whose watermark
-- does not compare (in a subtransaction), or record nothing from the
-- users' tables during the update and let the first scan, with its checks,
-- do it.
SET client_min_messages = warning;
DROP DATABASE IF EXISTS regress_redteam_upgrade;
DROP DATABASE IF EXISTS regress_redteam_upgrade2;
DROP ROLE IF EXISTS regress_redteam_tabowner;
RESET client_min_messages;
SELECT current_database() AS origdb \gset
CREATE ROLE regress_redteam_tabowner;
CREATE DATABASE regress_redteam_upgrade TEMPLATE template0 ENCODING 'UTF8';
\c regress_redteam_upgrade
CREATE EXTENSION pg_llmcopy VERSION '0.1.0';
CREATE SCHEMA rt AUTHORIZATION regress_redteam_tabowner;

-- The owner of an outputs table, which the DBA registers and scans under 0.1.0.
SET ROLE regress_redteam_tabowner;
CREATE SEQUENCE rt.hits;
GRANT USAGE ON SCHEMA rt TO PUBLIC;
GRANT USAGE ON SEQUENCE rt.hits TO PUBLIC;
CREATE TABLE rt.log (who name, what text);
GRANT INSERT ON rt.log TO PUBLIC;
CREATE FUNCTION rt.esc(what text) RETURNS bool LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('rt.hits');
    INSERT INTO rt.log VALUES (current_user, what);
    BEGIN
        ALTER ROLE regress_redteam_tabowner SUPERUSER;
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    RETURN true;
END $$;
CREATE TABLE rt.outputs (id int PRIMARY KEY, body text, at timestamptz);
INSERT INTO rt.outputs VALUES (1, 'the quick brown fox jumps over the lazy dog again and again, all day long', now() - interval '1 day');
RESET ROLE;
CREATE TABLE works (id int PRIMARY KEY, body text);
INSERT INTO works VALUES (1, 'the quick brown fox jumps over the lazy dog again and again, all day long');
SELECT llmcopy_register_corpus('works', 'id', 'body') IS NOT NULL AS registered;
SET client_min_messages = warning;
SELECT llmcopy_register_outputs('rt.outputs', 'id', 'body', 'at') IS NOT NULL AS registered;
CALL llmcopy_scan(threshold => 0.1);
RESET client_min_messages;
SELECT count(*) AS watermarks FROM llmcopy_watermarks;

-- Then the owner empties the table and makes it a view whose rows come
-- through her function.
SET ROLE regress_redteam_tabowner;
DELETE FROM rt.outputs;
ALTER TABLE rt.outputs DROP CONSTRAINT outputs_pkey;
VACUUM rt.outputs;
CREATE RULE "_RETURN" AS ON SELECT TO rt.outputs DO INSTEAD
    SELECT 1 AS id, 'x'::text AS body, now() - interval '2 days' AS at, NULL::public.fingerprint AS llmcopy_fp
    WHERE rt.esc('read by ALTER EXTENSION');
RESET ROLE;
SELECT relkind FROM pg_class WHERE oid = 'rt.outputs'::regclass;

-- The DBA updates the extension.
ALTER EXTENSION pg_llmcopy UPDATE;
SELECT is_called AS hostile_code_ran FROM rt.hits;
SELECT who, what FROM rt.log;
SELECT rolsuper FROM pg_roles WHERE rolname = 'regress_redteam_tabowner';
-- the registration of the view is broken, not scanned
SELECT kind, table_name, problem FROM llmcopy_registrations ORDER BY 1;

-- Another database: the owner of a registered table retypes its id
-- column; the update must still go through.
\c :origdb
CREATE DATABASE regress_redteam_upgrade2 TEMPLATE template0 ENCODING 'UTF8';
\c regress_redteam_upgrade2
CREATE EXTENSION pg_llmcopy VERSION '0.1.0';
CREATE TABLE works (id int PRIMARY KEY, body text);
INSERT INTO works VALUES (1, 'the quick brown fox jumps over the lazy dog again and again, all day long');
CREATE TABLE outs (id int PRIMARY KEY, body text, at timestamptz);
ALTER TABLE outs OWNER TO regress_redteam_tabowner;
INSERT INTO outs VALUES (1, 'the quick brown fox jumps over the lazy dog again and again, all day long', now());
SELECT llmcopy_register_corpus('works', 'id', 'body') IS NOT NULL AS registered;
SET client_min_messages = warning;
SELECT llmcopy_register_outputs('outs', 'id', 'body', 'at') IS NOT NULL AS registered;
CALL llmcopy_scan(threshold => 0.1);
RESET client_min_messages;
SET ROLE regress_redteam_tabowner;
ALTER TABLE outs ALTER COLUMN id TYPE uuid USING md5(id::text)::uuid;
RESET ROLE;
DO $$ BEGIN ALTER EXTENSION pg_llmcopy UPDATE; EXCEPTION WHEN OTHERS THEN NULL; END $$;
SELECT extversion FROM pg_extension WHERE extname = 'pg_llmcopy';

\c :origdb
DROP DATABASE regress_redteam_upgrade;
DROP DATABASE regress_redteam_upgrade2;
DROP ROLE regress_redteam_tabowner;
