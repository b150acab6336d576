-- Red team: the owner of one registered table stops the nightly scan of
-- every table.
--
-- Fixed: what follows is the code before the fix (a design finding);
-- the expected output shows the safe behaviour.  llmcopy_scan_begin resolves every registration a call will use
-- and raises on the first broken one, before it writes anything.  So a
-- plain CALL llmcopy_scan() scans nothing at all as long as any one
-- registered table has a column renamed, dropped or retyped, its
-- llmcopy_fp dropped, or a row-level security policy: every owner of a
-- registered table can stop compliance scanning of all the others, each
-- night, until an administrator deletes the registration.
-- Fix: when the call names no table, skip a broken registration (a run
-- marked failed with the problem, a WARNING) and scan the others; keep the
-- error when the caller names the table.
CREATE TABLE rt_br_works (id int PRIMARY KEY, body text);
INSERT INTO rt_br_works VALUES (1, 'the quick brown fox jumps over the lazy dog again and again, all day long');
SELECT llmcopy_register_corpus('rt_br_works', 'id', 'body') AS rt_br_corpus \gset
CREATE TABLE rt_br_mine (id int PRIMARY KEY, body text, at timestamptz);
INSERT INTO rt_br_mine VALUES (1, 'a copy: the quick brown fox jumps over the lazy dog again and again, all day long', now());
CREATE TABLE rt_br_theirs (id int PRIMARY KEY, body text, at timestamptz, model text);
SELECT llmcopy_register_outputs('rt_br_theirs', 'id', 'body', 'at', model_col => 'model') AS rt_br_theirs \gset
SELECT llmcopy_register_outputs('rt_br_mine', 'id', 'body', 'at') AS rt_br_mine \gset
-- the owner of the other table drops a column it no longer wants
ALTER TABLE rt_br_theirs DROP COLUMN model;
SET client_min_messages = error;
CALL llmcopy_scan(corpus => 'rt_br_works', threshold => 0.1);
RESET client_min_messages;
SELECT output_id, status FROM llmcopy_scanned WHERE output_table = :rt_br_mine ORDER BY 1;
SELECT count(*) AS findings FROM llmcopy_findings WHERE output_table = :rt_br_mine;

-- clean up
DELETE FROM llmcopy_runs WHERE corpus_table = :rt_br_corpus;
DELETE FROM llmcopy_output_tables WHERE id = :rt_br_theirs;
SELECT llmcopy_unregister('rt_br_mine');
SELECT llmcopy_unregister('rt_br_works');
DROP TABLE rt_br_mine, rt_br_theirs, rt_br_works;
