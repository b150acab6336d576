-- Red team: an output that reuses an id already scanned, or has no id, is
-- never scanned.
--
-- Fixed: what follows is the code before the fix; the expected output
-- shows the safe behaviour.  Scan
-- records are keyed by the output's id, and registration accepts an id
-- column with no unique constraint.  A writer who logs an output under an
-- id that was scanned before (a client-chosen message id, a retried
-- request) gets it past every later scan: the copy it holds is never
-- reported, and nothing says it was not scanned.  An output whose id is
-- NULL is listed as pending by every scan and never claimed: each run ends
-- 'done' with done < total.
-- Fix: registration requires the id column to be NOT NULL with a unique,
-- non-partial index on it alone (a primary key), and
-- llmcopy_registration_problem checks it is still so; or the scan keys its
-- records by something unique per row.  Either passes
-- this test: a refused registration lets no output through.
CREATE TABLE rt_dup_works (id int PRIMARY KEY, body text);
INSERT INTO rt_dup_works VALUES (1, 'the quick brown fox jumps over the lazy dog again and again, all day long');
SELECT llmcopy_register_corpus('rt_dup_works', 'id', 'body') AS rt_dup_corpus \gset
CREATE TABLE rt_dup_outputs (id int, body text, at timestamptz);
INSERT INTO rt_dup_outputs VALUES (1, 'an answer of its own, copying nothing at all from anywhere', now() - interval '1 hour');
CREATE TABLE rt_dup_state (registered bool);
DO $$
BEGIN
    PERFORM llmcopy_register_outputs('rt_dup_outputs', 'id', 'body', 'at');
    INSERT INTO rt_dup_state VALUES (true);
EXCEPTION WHEN OTHERS THEN
    INSERT INTO rt_dup_state VALUES (false);
END $$;
-- scanned; then a copy is logged under the same id, and scanned again
\set scan 'DO $$ BEGIN IF (SELECT registered FROM rt_dup_state) THEN CALL llmcopy_scan(outputs => ''rt_dup_outputs'', corpus => ''rt_dup_works'', threshold => 0.1); END IF; END $$;'
SET client_min_messages = warning;
:scan
INSERT INTO rt_dup_outputs VALUES (1, 'a copy: the quick brown fox jumps over the lazy dog again and again, all day long', now()),
                                  (NULL, 'another copy: the quick brown fox jumps over the lazy dog again and again, all day long', now());
:scan
RESET client_min_messages;
-- the copy is reported and the last run left nothing pending, or the
-- table could not be registered
SELECT NOT s.registered
       OR EXISTS (SELECT 1 FROM llmcopy_findings f JOIN llmcopy_output_tables o ON o.id = f.output_table
                  WHERE o.table_name = 'rt_dup_outputs' AND f.output_id = '1') AS no_copy_missed,
       NOT s.registered
       OR (SELECT r.done + r.skipped = r.total FROM llmcopy_runs r JOIN llmcopy_output_tables o ON o.id = r.output_table
           WHERE o.table_name = 'rt_dup_outputs' ORDER BY r.run_id DESC LIMIT 1) AS nothing_left_pending
FROM rt_dup_state s;

-- clean up
DELETE FROM llmcopy_runs WHERE corpus_table = :rt_dup_corpus;
DELETE FROM llmcopy_output_tables WHERE table_name = 'rt_dup_outputs';
SELECT llmcopy_unregister('rt_dup_works');
DROP TABLE rt_dup_outputs, rt_dup_works, rt_dup_state;

-- An id column under a nondeterministic collation, under which 'A' = 'a',
-- with a unique index under another collation ("C"): the table can hold
-- both 'A' and 'a', which the scan's reads by id take for one output (each
-- read returns both rows).  Refused, and a registration whose index is
-- replaced so is named broken; unique under its own collation, accepted.
CREATE COLLATION rt_ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE TABLE rt_ci_outputs (id text COLLATE rt_ci NOT NULL, body text, at timestamptz);
CREATE UNIQUE INDEX rt_ci_outputs_c ON rt_ci_outputs (id COLLATE "C");
INSERT INTO rt_ci_outputs VALUES ('A', 'one answer', now()), ('a', 'another answer', now());
SELECT count(*) AS rows_one_id_reads FROM rt_ci_outputs WHERE id = 'a';
SELECT llmcopy_register_outputs('rt_ci_outputs', 'id', 'body', 'at');
DELETE FROM rt_ci_outputs WHERE id COLLATE "C" = 'a';
CREATE UNIQUE INDEX rt_ci_outputs_ci ON rt_ci_outputs (id);
SELECT llmcopy_register_outputs('rt_ci_outputs', 'id', 'body', 'at') > 0 AS registered;
SELECT problem FROM llmcopy_registrations WHERE table_name = 'rt_ci_outputs';
DROP INDEX rt_ci_outputs_ci;
SELECT problem FROM llmcopy_registrations WHERE table_name = 'rt_ci_outputs';
SELECT llmcopy_unregister('rt_ci_outputs');
DROP TABLE rt_ci_outputs;
DROP COLLATION rt_ci;
