-- Red team: the HTML reports read a registered table without the scan's
-- checks, with the reviewer's rights.
--
-- The expected output shows the safe behaviour.
-- llmcopy_report_data resolves each registration by name and reads the
-- relation it finds (llmcopy_report_texts) with the rights of whoever asks
-- for the report: it never checks, as the scan does, that the relation is
-- still a table, that no row-level security policy of another role would
-- run, or that the columns still have the registered types.  The owner of a
-- registered outputs table, once it has findings, swaps the table for a
-- view of the same name, or adds a policy: the functions they call run as
-- the reviewer.  A superuser reading llmcopy_scan_report() makes the owner
-- a superuser.
-- Fix: resolve registrations for reports with llmcopy_registration_problem
-- (or the same checks) and leave out the texts of a registration that has
-- a problem, saying so in the document.
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_redteam_radmin, regress_redteam_rmal, regress_redteam_reviewer;
RESET client_min_messages;
CREATE ROLE regress_redteam_radmin;
CREATE ROLE regress_redteam_rmal IN ROLE regress_redteam_radmin;
CREATE ROLE regress_redteam_reviewer;
SELECT llmcopy_grant('regress_redteam_radmin', 'admin');
SELECT llmcopy_grant('regress_redteam_reviewer', 'read');
CREATE SCHEMA rt_rep AUTHORIZATION regress_redteam_rmal;
CREATE TABLE rt_rep_works (id int PRIMARY KEY, body text);
INSERT INTO rt_rep_works VALUES (1, 'the quick brown fox jumps over the lazy dog again and again, all day long');
SELECT llmcopy_register_corpus('rt_rep_works', 'id', 'body') IS NOT NULL AS registered;
GRANT SELECT ON rt_rep_works TO regress_redteam_rmal, regress_redteam_reviewer;

-- An administrator registers two outputs tables of her own.
SET ROLE regress_redteam_rmal;
CREATE SEQUENCE rt_rep.hits;
GRANT USAGE ON SCHEMA rt_rep TO PUBLIC;
GRANT USAGE ON SEQUENCE rt_rep.hits TO PUBLIC;
CREATE TABLE rt_rep.log (who name, what text);
GRANT INSERT ON rt_rep.log TO PUBLIC;
CREATE FUNCTION rt_rep.esc(what text) RETURNS bool LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('rt_rep.hits');
    INSERT INTO rt_rep.log VALUES (current_user, what);
    BEGIN
        ALTER ROLE regress_redteam_rmal SUPERUSER;
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    RETURN true;
END $$;
CREATE TABLE rt_rep.outputs (id int PRIMARY KEY, body text, at timestamptz);
INSERT INTO rt_rep.outputs VALUES (1, 'She wrote: the quick brown fox jumps over the lazy dog again and again, all day long', now());
CREATE TABLE rt_rep.policed (id int PRIMARY KEY, body text, at timestamptz);
INSERT INTO rt_rep.policed VALUES (1, 'And here: the quick brown fox jumps over the lazy dog again and again, all day long', now());
SELECT llmcopy_register_outputs('rt_rep.outputs', 'id', 'body', 'at') IS NOT NULL AS registered;
SELECT llmcopy_register_outputs('rt_rep.policed', 'id', 'body', 'at') IS NOT NULL AS registered;
GRANT SELECT ON rt_rep.outputs, rt_rep.policed TO PUBLIC;
RESET ROLE;

-- The nightly scan (a superuser) finds both copies.
SELECT clock_timestamp() AS since \gset
SET client_min_messages = warning;
CALL llmcopy_scan(outputs => 'rt_rep.outputs', corpus => 'rt_rep_works', threshold => 0.1);
CALL llmcopy_scan(outputs => 'rt_rep.policed', corpus => 'rt_rep_works', threshold => 0.1);
RESET client_min_messages;
SELECT o.table_name, f.output_id, f.work_id FROM llmcopy_findings f JOIN llmcopy_output_tables o ON o.id = f.output_table
WHERE o.schema_name = 'rt_rep' ORDER BY 1;

-- Then she swaps the first table for a view of the same name, and puts a
-- row-level security policy on the second.
SET ROLE regress_redteam_rmal;
ALTER TABLE rt_rep.outputs RENAME TO outputs_kept;
CREATE VIEW rt_rep.outputs AS SELECT id, body, at FROM rt_rep.outputs_kept WHERE rt_rep.esc('view read by a report');
GRANT SELECT ON rt_rep.outputs TO PUBLIC;
ALTER TABLE rt_rep.policed ENABLE ROW LEVEL SECURITY;
CREATE POLICY spy ON rt_rep.policed USING (rt_rep.esc('policy run by a report'));
RESET ROLE;
SELECT kind, table_name, problem IS NOT NULL AS broken FROM llmcopy_registrations WHERE schema_name = 'rt_rep' ORDER BY 2;

-- A superuser reads the scan's report and the report of the first output;
-- a reviewer (granted 'read' and SELECT on the tables) the second's.  An
-- error is as safe as a report without the texts; what matters is that
-- none of her functions ran.
SELECT set_config('rt.since', :'since', false) IS NOT NULL AS noted;
DO $$ BEGIN PERFORM llmcopy_scan_report(since => current_setting('rt.since')::timestamptz); EXCEPTION WHEN OTHERS THEN NULL; END $$;
DO $$ BEGIN PERFORM llmcopy_report('rt_rep.outputs', '1'); EXCEPTION WHEN OTHERS THEN NULL; END $$;
SET ROLE regress_redteam_reviewer;
DO $$ BEGIN PERFORM llmcopy_report('rt_rep.policed', '1'); EXCEPTION WHEN OTHERS THEN NULL; END $$;
RESET ROLE;
-- What the reports say instead.  The scan's report is made, without the
-- text of the registration that is no longer a table and with the reason;
-- the policed table's text is in it (a superuser is not subject to
-- row-level security: no policy runs).  The report of one output whose
-- registration cannot be used is an error that says why.
SELECT position('The output&rsquo;s text is not shown: outputs registration' IN r) > 0
           AND position('(table rt_rep.outputs) cannot be used: it is not a table.' IN r) > 0 AS view_left_out,
       position('She wrote:' IN r) = 0 AS view_text_absent,
       position('And here:' IN r) > 0 AS policed_text_shown
FROM llmcopy_scan_report(since => :'since') r;
CREATE FUNCTION pg_temp.report_error(tbl regclass, id text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM llmcopy_report(tbl, id);
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
SELECT pg_temp.report_error('rt_rep.outputs', '1') AS superuser_view;
SET ROLE regress_redteam_reviewer;
SELECT pg_temp.report_error('rt_rep.policed', '1') AS reviewer_policed;
RESET ROLE;
SELECT is_called AS hostile_code_ran FROM rt_rep.hits;
SELECT DISTINCT who, what FROM rt_rep.log ORDER BY 1, 2;
SELECT rolsuper FROM pg_roles WHERE rolname = 'regress_redteam_rmal';

-- clean up
DELETE FROM llmcopy_output_tables WHERE schema_name = 'rt_rep';
SELECT llmcopy_unregister('rt_rep_works');
DROP TABLE rt_rep_works;
SET client_min_messages = warning;
DROP SCHEMA rt_rep CASCADE;
RESET client_min_messages;
SELECT llmcopy_revoke('regress_redteam_radmin');
SELECT llmcopy_revoke('regress_redteam_reviewer');
DROP ROLE regress_redteam_rmal, regress_redteam_radmin, regress_redteam_reviewer;
