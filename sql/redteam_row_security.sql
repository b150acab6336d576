-- Red team: a role that a registered table's row-level security keeps to
-- some rows reads the findings of the others.
--
-- The expected output shows the safe behaviour.  Findings and scan records
-- were visible to every role that may read both of their tables: USAGE on
-- the schema and SELECT on the table.  A shared log whose policy keeps each
-- tenant to its own rows, scanned by its owner (whose policies do not apply
-- to it), gave every tenant granted 'read' the findings of every other
-- tenant's outputs: their ids, models, times, coverage and the copied
-- passages quoted in spans; and a tenant granted 'admin' could repoint or
-- remove the registration.
-- Fix: a role may read a registered table (llmcopy_may_read) only when the
-- table's row-level security does not apply to it: its owner (unless the
-- table forces it), a superuser or a role with BYPASSRLS.
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_redteam_rsowner, regress_redteam_rsx, regress_redteam_rsy, regress_redteam_rsbypass;
RESET client_min_messages;
CREATE ROLE regress_redteam_rsowner;
CREATE ROLE regress_redteam_rsx;
CREATE ROLE regress_redteam_rsy;
CREATE ROLE regress_redteam_rsbypass BYPASSRLS;
SELECT llmcopy_grant('regress_redteam_rsowner', 'admin');
SELECT llmcopy_grant('regress_redteam_rsx', 'admin');
SELECT llmcopy_grant('regress_redteam_rsbypass', 'read');
CREATE SCHEMA rt_rs AUTHORIZATION regress_redteam_rsowner;
GRANT USAGE ON SCHEMA rt_rs TO regress_redteam_rsx, regress_redteam_rsy, regress_redteam_rsbypass;

SET ROLE regress_redteam_rsowner;
CREATE TABLE rt_rs.works (id int PRIMARY KEY, body text);
INSERT INTO rt_rs.works VALUES (1, 'the quick brown fox jumps over the lazy dog again and again, all day long');
-- a log shared by tenants: each sees its own rows
CREATE TABLE rt_rs.log (id int PRIMARY KEY, tenant name NOT NULL, answer text, at timestamptz DEFAULT now());
ALTER TABLE rt_rs.log ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON rt_rs.log USING (tenant = current_user);
GRANT SELECT ON rt_rs.log, rt_rs.works TO regress_redteam_rsx, regress_redteam_rsy, regress_redteam_rsbypass;
INSERT INTO rt_rs.log VALUES
    (1, 'regress_redteam_rsx', 'x asks: the quick brown fox jumps over the lazy dog again and again, all day long'),
    (2, 'regress_redteam_rsy', 'y, privately: the quick brown fox jumps over the lazy dog again and again, all day long');
SELECT llmcopy_register_corpus('rt_rs.works', 'id', 'body') AS rt_rs_corpus \gset
SELECT llmcopy_register_outputs('rt_rs.log', 'id', 'answer', 'at') AS rt_rs_log \gset
-- the owner scans it: its policy does not apply to her
SET client_min_messages = warning;
CALL llmcopy_scan(outputs => 'rt_rs.log', corpus => 'rt_rs.works', threshold => 0.1);
RESET client_min_messages;
SELECT output_id FROM llmcopy_findings WHERE output_table = :rt_rs_log ORDER BY 1;
RESET ROLE;

-- tenant x reads its own row of the log, and no finding of tenant y's
SET ROLE regress_redteam_rsx;
SELECT id FROM rt_rs.log;
SELECT count(*) AS findings_seen FROM llmcopy_findings WHERE output_table = :rt_rs_log;
SELECT count(*) AS records_seen FROM llmcopy_scanned WHERE output_table = :rt_rs_log;
SELECT count(*) AS dashboard_rows FROM llmcopy_findings_daily;
-- (turning row security off makes its reads fail, not see more)
SET row_security = off;
SELECT count(*) AS findings_seen FROM llmcopy_findings WHERE output_table = :rt_rs_log;
RESET row_security;
-- nor may it repoint or remove the registration
UPDATE llmcopy_output_tables SET text_col = 'tenant' WHERE id = :rt_rs_log;
SELECT llmcopy_unregister('rt_rs.log');
SELECT kind, problem FROM llmcopy_registrations WHERE id = :rt_rs_log AND kind = 'outputs';
RESET ROLE;
SELECT count(*) AS registered FROM llmcopy_output_tables WHERE id = :rt_rs_log AND text_col = 'answer';

-- a role that bypasses row-level security, and the owner, see them all
SET ROLE regress_redteam_rsbypass;
SELECT output_id FROM llmcopy_findings WHERE output_table = :rt_rs_log ORDER BY 1;
RESET ROLE;
-- unless the table forces row-level security on its owner
SET ROLE regress_redteam_rsowner;
ALTER TABLE rt_rs.log FORCE ROW LEVEL SECURITY;
SELECT count(*) AS owner_forced_sees FROM llmcopy_findings WHERE output_table = :rt_rs_log;
ALTER TABLE rt_rs.log NO FORCE ROW LEVEL SECURITY;
SELECT count(*) AS owner_sees FROM llmcopy_findings WHERE output_table = :rt_rs_log;
RESET ROLE;

-- clean up
SELECT llmcopy_unregister('rt_rs.log'), llmcopy_unregister('rt_rs.works');
DROP SCHEMA rt_rs CASCADE;
SELECT llmcopy_revoke('regress_redteam_rsowner');
SELECT llmcopy_revoke('regress_redteam_rsx');
SELECT llmcopy_revoke('regress_redteam_rsbypass');
DROP ROLE regress_redteam_rsowner, regress_redteam_rsx, regress_redteam_rsy, regress_redteam_rsbypass;
