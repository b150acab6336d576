-- Red team: the owner of a registered table plants functions that run
-- when a query on her table is planned.
--
-- The expected output shows the safe behaviour.  Planning a query on a
-- table simplifies the expressions of its indexes and their predicates, of
-- its extended statistics, of its partition key and of the CHECK
-- constraints of its partitions, calling every function in them whose
-- arguments are constants, as the role that plans the query: a function
-- marked IMMUTABLE in the WHERE clause of a partial index ran as the
-- administrator that scanned her table, as the DBA that registered it and
-- as the reader of a report, and did what it liked through a volatile
-- function it called (here it counts on a sequence, which a rollback does
-- not undo).  No check looked at them.
-- ALTER EXTENSION pg_llmcopy UPDATE from 0.1.0 ran it as the superuser
-- that updates.
-- Fix: a registration whose table (or a partition) has an index,
-- statistics object, partition key or constraint that names a function of
-- a role other than a superuser or the current one cannot be scanned,
-- registered or reported on by any role but the table's owner
-- (llmcopy_foreign_code).
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_redteam_powner, regress_redteam_pscan, regress_redteam_pread, regress_redteam_psuper;
RESET client_min_messages;
CREATE ROLE regress_redteam_psuper SUPERUSER;   -- (a DBA, whatever the suite's own role is called)
CREATE ROLE regress_redteam_powner;
CREATE ROLE regress_redteam_pscan;
CREATE ROLE regress_redteam_pread;
SELECT llmcopy_grant('regress_redteam_pscan', 'admin');
SELECT llmcopy_grant('regress_redteam_pread', 'read');
CREATE SCHEMA rt_pt AUTHORIZATION regress_redteam_powner;
GRANT USAGE ON SCHEMA rt_pt TO regress_redteam_pscan, regress_redteam_pread;

SET ROLE regress_redteam_powner;
CREATE SEQUENCE rt_pt.hits;
GRANT USAGE ON SEQUENCE rt_pt.hits TO PUBLIC;
CREATE FUNCTION rt_pt.esc() RETURNS bool LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('rt_pt.hits');
    RETURN true;
END $$;
-- IMMUTABLE, as an index asks; its volatile callee may write
CREATE FUNCTION rt_pt.imm() RETURNS bool LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    PERFORM rt_pt.esc();
    RETURN true;
END $$;
CREATE TABLE rt_pt.works (id int PRIMARY KEY, body text);
INSERT INTO rt_pt.works VALUES (1, 'the quick brown fox jumps over the lazy dog again and again, all day long');
CREATE TABLE rt_pt.outputs (id int PRIMARY KEY, body text, at timestamptz);
INSERT INTO rt_pt.outputs VALUES (1, 'a copy: the quick brown fox jumps over the lazy dog again and again, all day long', now());
GRANT SELECT ON rt_pt.works, rt_pt.outputs TO regress_redteam_pscan, regress_redteam_pread;
RESET ROLE;
SELECT llmcopy_register_corpus('rt_pt.works', 'id', 'body') AS rt_pt_corpus \gset
SELECT llmcopy_register_outputs('rt_pt.outputs', 'id', 'body', 'at') AS rt_pt_outputs \gset
SET client_min_messages = warning;
CALL llmcopy_scan(outputs => 'rt_pt.outputs', corpus => 'rt_pt.works', threshold => 0.1);
RESET client_min_messages;
SELECT count(*) AS findings FROM llmcopy_findings WHERE output_table = :rt_pt_outputs;
SELECT is_called AS hostile_code_ran FROM rt_pt.hits;

-- 1. A partial index on her corpus whose predicate calls her function.
SET ROLE regress_redteam_powner;
CREATE INDEX works_spy ON rt_pt.works (id) WHERE rt_pt.imm();
SELECT setval('rt_pt.hits', 1, false) IS NOT NULL AS counter_reset;
SET ROLE regress_redteam_pscan;
SELECT kind, problem FROM llmcopy_registrations WHERE id IN (:rt_pt_corpus, :rt_pt_outputs) ORDER BY kind;
DELETE FROM llmcopy_scanned WHERE output_table = :rt_pt_outputs;
DO $$
BEGIN
    CALL llmcopy_scan(outputs => 'rt_pt.outputs', corpus => 'rt_pt.works', threshold => 0.1);
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'scan refused: %', regexp_replace(SQLERRM, 'registration \d+', 'registration N');
END $$;
-- (a scan of every registration skips it, with a warning)
SET client_min_messages = error;
CALL llmcopy_scan(threshold => 0.1);
RESET client_min_messages;
SELECT status, regexp_replace(problem, 'registration \d+', 'registration N') AS problem
FROM llmcopy_runs WHERE corpus_table = :rt_pt_corpus ORDER BY run_id DESC LIMIT 1;
DO $$
BEGIN
    PERFORM llmcopy_refresh_boilerplate('rt_pt.works', 1);
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'refresh refused: %', regexp_replace(SQLERRM, 'registration \d+', 'registration N');
END $$;
RESET ROLE;
SELECT is_called AS hostile_code_ran FROM rt_pt.hits;

-- the report of the output, as a reader: shown without the work's text
SET ROLE regress_redteam_pread;
SELECT position('the quick brown' IN substr(d, position('<main' IN d))) > 0 AS output_text_shown,
       position('calls function rt_pt.imm() of role regress_redteam_powner' IN d) > 0 AS work_left_out
FROM llmcopy_report('rt_pt.outputs', '1') d;
RESET ROLE;
SELECT is_called AS hostile_code_ran FROM rt_pt.hits;

-- her own scan of her own tables runs her code as herself: allowed
SET ROLE regress_redteam_powner;
SELECT llmcopy_foreign_code('rt_pt.works') IS NULL AS owner_may;
RESET ROLE;

-- 2. The same through an extended statistics object on her outputs, and
-- through a superuser: registration refuses it too.
SET ROLE regress_redteam_powner;
DROP INDEX rt_pt.works_spy;
CREATE STATISTICS rt_pt.spy ON (id + rt_pt.imm()::int), body FROM rt_pt.outputs;
CREATE TABLE rt_pt.more (id int PRIMARY KEY, body text, at timestamptz);
CREATE STATISTICS rt_pt.spy2 ON (id + rt_pt.imm()::int), body FROM rt_pt.more;
SELECT setval('rt_pt.hits', 1, false) IS NOT NULL AS counter_reset;
SET ROLE regress_redteam_psuper;
SELECT kind, problem FROM llmcopy_registrations WHERE id IN (:rt_pt_corpus, :rt_pt_outputs) ORDER BY kind;
SELECT llmcopy_register_outputs('rt_pt.more', 'id', 'body', 'at');
RESET ROLE;
SELECT is_called AS hostile_code_ran FROM rt_pt.hits;

-- 3. A partitioned table: a partition key that calls her function, and a
-- partition's CHECK constraint that does (constraint exclusion simplifies
-- it when a query filters the partitions).
SET ROLE regress_redteam_powner;
DROP STATISTICS rt_pt.spy;
CREATE TABLE rt_pt.pk (id int NOT NULL, body text, at timestamptz) PARTITION BY LIST ((id + rt_pt.imm()::int));
CREATE TABLE rt_pt.pk1 PARTITION OF rt_pt.pk FOR VALUES IN (2);
CREATE TABLE rt_pt.pc (id int NOT NULL, body text, at timestamptz) PARTITION BY LIST (id);
CREATE TABLE rt_pt.pc1 PARTITION OF rt_pt.pc (CONSTRAINT spy CHECK (rt_pt.imm())) FOR VALUES IN (1);
-- a VOLATILE function in SQL is inlined there, and its body's IMMUTABLE
-- calls made; one in PL/pgSQL is not (it runs when rows are written)
CREATE FUNCTION rt_pt.wrap() RETURNS bool LANGUAGE sql VOLATILE AS 'SELECT rt_pt.imm()';
CREATE TABLE rt_pt.pw (id int NOT NULL, body text, at timestamptz) PARTITION BY LIST (id);
CREATE TABLE rt_pt.pw1 PARTITION OF rt_pt.pw (CONSTRAINT spy CHECK (rt_pt.wrap())) FOR VALUES IN (1);
CREATE TABLE rt_pt.pv (id int NOT NULL, body text, at timestamptz) PARTITION BY LIST (id);
CREATE TABLE rt_pt.pv1 PARTITION OF rt_pt.pv (CONSTRAINT valid CHECK (rt_pt.esc())) FOR VALUES IN (1);
GRANT SELECT ON rt_pt.pw, rt_pt.pv TO regress_redteam_pscan;
SELECT setval('rt_pt.hits', 1, false) IS NOT NULL AS counter_reset;
RESET ROLE;
SET ROLE regress_redteam_psuper;
SELECT t, llmcopy_foreign_code(t) FROM unnest('{rt_pt.pk, rt_pt.pc, rt_pt.pc1, rt_pt.pw, rt_pt.pv, rt_pt.works, rt_pt.outputs}'::regclass[]) t;
-- (what the checks stand for: planning a read of pw runs her code, of pv not)
SET ROLE regress_redteam_pscan;
SELECT count(*) AS pv_rows FROM rt_pt.pv WHERE body = 'x';
RESET ROLE;
SELECT is_called AS hostile_code_ran FROM rt_pt.hits;
SET ROLE regress_redteam_pscan;
SELECT count(*) AS pw_rows FROM rt_pt.pw WHERE body = 'x';
RESET ROLE;
SELECT is_called AS hostile_code_ran FROM rt_pt.hits;
SET ROLE regress_redteam_powner;
SELECT t, llmcopy_foreign_code(t) FROM unnest('{rt_pt.pk, rt_pt.pc}'::regclass[]) t;
RESET ROLE;
-- A partitioned table of the scanning role with a partition of hers (a
-- tenant's), whose partial index calls her function: planning a read of
-- the parent plans her partition's indexes, so the parent's owner is not
-- spared the check of its partitions of other owners.
CREATE SCHEMA rt_ps AUTHORIZATION regress_redteam_pscan;
CREATE TABLE rt_ps.own (id int NOT NULL, body text) PARTITION BY LIST (id);
ALTER TABLE rt_ps.own OWNER TO regress_redteam_pscan;
CREATE TABLE rt_ps.tenant PARTITION OF rt_ps.own FOR VALUES IN (1);
ALTER TABLE rt_ps.tenant OWNER TO regress_redteam_powner;
GRANT USAGE, CREATE ON SCHEMA rt_ps TO regress_redteam_powner;
SET ROLE regress_redteam_powner;
CREATE INDEX tenant_spy ON rt_ps.tenant (id) WHERE rt_pt.imm();
SELECT setval('rt_pt.hits', 1, false) IS NOT NULL AS counter_reset;
SET ROLE regress_redteam_pscan;
SELECT llmcopy_foreign_code('rt_ps.own') AS parent_of_the_scanner;
SELECT count(*) AS own_rows FROM rt_ps.own WHERE body = 'x';
RESET ROLE;
SELECT is_called AS hostile_code_ran FROM rt_pt.hits;
DROP SCHEMA rt_ps CASCADE;

-- 4. ALTER EXTENSION pg_llmcopy UPDATE from 0.1.0, which a superuser runs
-- and which reads each outputs table registered under 0.1.0 (to record
-- what its watermark covers): her partial index made her superuser.
SET client_min_messages = warning;
DROP DATABASE IF EXISTS regress_redteam_plan_upgrade;
RESET client_min_messages;
SELECT current_database() AS origdb \gset
CREATE DATABASE regress_redteam_plan_upgrade TEMPLATE template0 ENCODING 'UTF8';
\c regress_redteam_plan_upgrade
CREATE EXTENSION pg_llmcopy VERSION '0.1.0';
CREATE SCHEMA rt AUTHORIZATION regress_redteam_powner;
SET ROLE regress_redteam_powner;
CREATE SEQUENCE rt.hits;
GRANT USAGE ON SCHEMA rt TO PUBLIC;
GRANT USAGE ON SEQUENCE rt.hits TO PUBLIC;
CREATE FUNCTION rt.esc() RETURNS bool LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('rt.hits');
    BEGIN
        ALTER ROLE regress_redteam_powner SUPERUSER;
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    RETURN true;
END $$;
CREATE FUNCTION rt.imm() RETURNS bool LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN rt.esc();
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
SET ROLE regress_redteam_powner;
CREATE INDEX outputs_spy ON rt.outputs (id) WHERE rt.imm();
RESET ROLE;
SELECT setval('rt.hits', 1, false) IS NOT NULL AS counter_reset;
SET ROLE regress_redteam_psuper;
ALTER EXTENSION pg_llmcopy UPDATE;
RESET ROLE;
SELECT is_called AS hostile_code_ran FROM rt.hits;
SELECT rolsuper FROM pg_roles WHERE rolname = 'regress_redteam_powner';
\c :origdb
DROP DATABASE regress_redteam_plan_upgrade;

-- clean up
DELETE FROM llmcopy_runs WHERE corpus_table = :rt_pt_corpus;
DELETE FROM llmcopy_output_tables WHERE id = :rt_pt_outputs;
DELETE FROM llmcopy_corpus_tables WHERE id = :rt_pt_corpus;
DROP SCHEMA rt_pt CASCADE;
SELECT llmcopy_revoke('regress_redteam_pscan');
SELECT llmcopy_revoke('regress_redteam_pread');
DROP ROLE regress_redteam_powner, regress_redteam_pscan, regress_redteam_pread, regress_redteam_psuper;
