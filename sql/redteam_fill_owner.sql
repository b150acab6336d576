-- Red team: llmcopy_fill runs the code of a table's owner with the rights
-- of whoever fills it.
--
-- The expected output shows the safe behaviour.  llmcopy_fill_batch
-- updates the table it fills, which runs the table's triggers, CHECK
-- constraints and index expressions with the rights of the role that
-- calls it.  It required the caller to have the owner's privileges
-- (pg_has_role), which a superuser and every member of the owner role
-- have: a DBA who fills a table registered with online => true (as the
-- registration's NOTICE tells them to) runs the owner's CHECK constraint
-- as superuser.
-- Fix: the caller must be the owner itself (SET ROLE to it first).
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_redteam_fowner, regress_redteam_fmember, regress_redteam_fpath;
RESET client_min_messages;
CREATE ROLE regress_redteam_fowner;
CREATE ROLE regress_redteam_fmember IN ROLE regress_redteam_fowner;
SELECT llmcopy_grant('regress_redteam_fowner', 'admin');
CREATE SCHEMA rt_fo AUTHORIZATION regress_redteam_fowner;
SET ROLE regress_redteam_fowner;
CREATE SEQUENCE rt_fo.hits;
GRANT USAGE ON SCHEMA rt_fo TO PUBLIC;
GRANT USAGE ON SEQUENCE rt_fo.hits TO PUBLIC;
CREATE FUNCTION rt_fo.esc(id int) RETURNS bool LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('rt_fo.hits');
    RETURN true;
END $$;
CREATE TABLE rt_fo.works (id int PRIMARY KEY, body text, CHECK (rt_fo.esc(id)));
INSERT INTO rt_fo.works VALUES (1, 'the quick brown fox jumps over the lazy dog again and again, all day long');
RESET ROLE;
SELECT setval('rt_fo.hits', 1, false) IS NOT NULL AS counter_reset;
-- the DBA registers it online, and fills it
SET client_min_messages = warning;
SELECT llmcopy_register_corpus('rt_fo.works', 'id', 'body', online => true) AS rt_fo_corpus \gset
RESET client_min_messages;
CALL llmcopy_fill('rt_fo.works');
-- so does a member of the owner role
SET ROLE regress_redteam_fmember;
CALL llmcopy_fill('rt_fo.works');
RESET ROLE;
SELECT is_called AS hostile_code_ran, (SELECT count(llmcopy_fp) FROM rt_fo.works) AS filled FROM rt_fo.hits;
-- the owner fills it: its constraint runs as itself
SET ROLE regress_redteam_fowner;
SET client_min_messages = warning;
CALL llmcopy_fill('rt_fo.works');
RESET client_min_messages;
RESET ROLE;
SELECT is_called AS owner_code_ran, (SELECT count(llmcopy_fp) FROM rt_fo.works) AS filled FROM rt_fo.hits;

-- Nor does the fill run the code of another role that is early on the
-- owner's search_path (before pg_catalog, even).  llmcopy_fill, a
-- procedure that commits and so cannot pin its search_path, compared the
-- rows a pass filled with 0 itself, after a pass that left rows unfilled
-- (here a trigger of the table skips the update of one): the operator
-- =(bigint, integer) of that role ran as the owner.
CREATE ROLE regress_redteam_fpath;
CREATE SCHEMA rt_fpath AUTHORIZATION regress_redteam_fpath;
GRANT USAGE ON SCHEMA rt_fpath TO PUBLIC;
SET ROLE regress_redteam_fpath;
CREATE SEQUENCE rt_fpath.hits;
GRANT USAGE ON SEQUENCE rt_fpath.hits TO PUBLIC;
CREATE FUNCTION rt_fpath.int84eq(a bigint, b int) RETURNS bool LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('rt_fpath.hits');
    RETURN pg_catalog.int84eq(a, b);
END $$;
CREATE OPERATOR rt_fpath.= (LEFTARG = bigint, RIGHTARG = int, FUNCTION = rt_fpath.int84eq);
SET ROLE regress_redteam_fowner;
CREATE TABLE rt_fo.held (id int PRIMARY KEY, body text);
INSERT INTO rt_fo.held SELECT i, 'the quick brown fox jumps over the lazy dog again and again, day ' || i FROM generate_series(1, 5) i;
CREATE FUNCTION rt_fo.hold_one() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.id OPERATOR(pg_catalog.=) 3 THEN
        RETURN NULL;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER hold_one BEFORE UPDATE ON rt_fo.held FOR EACH ROW EXECUTE FUNCTION rt_fo.hold_one();
SET client_min_messages = warning;
SELECT llmcopy_register_corpus('rt_fo.held', 'id', 'body', online => true) > 0 AS registered;
SET search_path = rt_fpath, pg_catalog, public;
CALL llmcopy_fill('rt_fo.held');
RESET search_path;
RESET client_min_messages;
RESET ROLE;
SELECT is_called AS hostile_code_ran, (SELECT count(llmcopy_fp) FROM rt_fo.held) AS filled FROM rt_fpath.hits;

-- clean up
SELECT llmcopy_unregister('rt_fo.works'), llmcopy_unregister('rt_fo.held');
DROP SCHEMA rt_fo, rt_fpath CASCADE;
SELECT llmcopy_revoke('regress_redteam_fowner');
DROP ROLE regress_redteam_fmember, regress_redteam_fowner, regress_redteam_fpath;
