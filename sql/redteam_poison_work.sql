-- Red team: one work in a corpus that hides every copy of the text it
-- holds.
--
-- Fixed: what follows is the code before the fix; the expected output
-- shows the safe behaviour.  A finding's
-- license is normalized and its obligations computed in the batch's find
-- statement; when that fails for one work, the output is retried alone,
-- fails again, and is recorded as skipped, for good: its findings of every
-- other work are lost with it.  Whoever can add a work to a corpus (a
-- package author whose license field a crawler copies) adds a copy of a
-- popular GPL text with a license string whose expansion is over the limit
-- ("(MIT OR Apache-2.0) AND ..." seventeen times, 403 characters: 54000 in
-- license_obligations), or a work id too long for the findings' primary
-- key: every model output that copies that text is then never reported,
-- whichever work it copies.
-- Fix: compute the license facts so that a failure leaves them NULL (keep
-- license_raw, note the reason), and store ids of bounded size; skip a
-- work, not the output.
CREATE TABLE rt_pw_works (id text PRIMARY KEY, body text, license text);
INSERT INTO rt_pw_works VALUES
    ('gpl-original', 'the quick brown fox jumps over the lazy dog again and again, all day long, said the manual', 'GPL-3.0-only'),
    ('poison-license', 'the quick brown fox jumps over the lazy dog again and again, all day long, said the manual',
     (SELECT string_agg('(MIT OR Apache-2.0)', ' AND ') FROM generate_series(1, 17))),
    ('other', 'an unrelated work about gardens and rain and the colour of the sea in winter months', 'MIT');
SELECT llmcopy_register_corpus('rt_pw_works', 'id', 'body', license_col => 'license') AS rt_pw_corpus \gset
CREATE TABLE rt_pw_outputs (id int PRIMARY KEY, body text, at timestamptz);
INSERT INTO rt_pw_outputs VALUES
    (1, 'Model: the quick brown fox jumps over the lazy dog again and again, all day long, said the manual', now()),
    (2, 'Model: an unrelated work about gardens and rain and the colour of the sea in winter months', now());
SELECT llmcopy_register_outputs('rt_pw_outputs', 'id', 'body', 'at') AS rt_pw_outputs \gset
SET client_min_messages = warning;
CALL llmcopy_scan(outputs => 'rt_pw_outputs', corpus => 'rt_pw_works', threshold => 0.1);
RESET client_min_messages;
SELECT output_id, status FROM llmcopy_scanned WHERE output_table = :rt_pw_outputs ORDER BY 1;
-- the copy of the GPL work is reported, whatever the other work's license
SELECT output_id, work_id, license FROM llmcopy_findings
WHERE output_table = :rt_pw_outputs AND work_id <> 'poison-license' ORDER BY 1, 2;

-- A work whose id fits the corpus's primary key but not the findings'.
INSERT INTO rt_pw_works VALUES
    (left((SELECT string_agg(md5(i::text || 'y'), '') FROM generate_series(1, 100) i), 2690),
     'the quick brown fox jumps over the lazy dog again and again, all day long, said the manual', 'MIT');
UPDATE rt_pw_works SET license = 'MIT' WHERE id = 'poison-license';
INSERT INTO rt_pw_outputs VALUES (3, 'Again: the quick brown fox jumps over the lazy dog again and again, all day long, said the manual', now());
SET client_min_messages = warning;
CALL llmcopy_scan(outputs => 'rt_pw_outputs', corpus => 'rt_pw_works', threshold => 0.1);
RESET client_min_messages;
SELECT output_id, status FROM llmcopy_scanned WHERE output_table = :rt_pw_outputs AND output_id = '3';
SELECT output_id, work_id FROM llmcopy_findings WHERE output_table = :rt_pw_outputs AND output_id = '3' AND length(work_id) < 100 ORDER BY 1, 2;

-- clean up
DELETE FROM llmcopy_runs WHERE corpus_table = :rt_pw_corpus;
SELECT llmcopy_unregister('rt_pw_outputs');
SELECT llmcopy_unregister('rt_pw_works');
DROP TABLE rt_pw_outputs, rt_pw_works;
