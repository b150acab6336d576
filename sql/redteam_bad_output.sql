-- Red team: one output row that stops the nightly scan for good.
--
-- Rows that once stopped every scan of their table, and must not:
--   - a date column holding a date past the timestamp range (any writer
--     can log '5874897-12-31'): read as -infinity or infinity;
--   - an id the outputs table's key holds but a scan record's key would
--     not (2,690 characters): recorded as skipped, with the reason;
--   - an id with a backslash (a Windows path): the records are keyed by a
--     hash of the id's bytes, and a cast of the text to bytea reads a
--     backslash as an escape, so 'C:\temp' failed the claim of its whole
--     batch on every run, and '\x41' and 'A' shared one key (the second
--     never scanned).
CREATE TABLE rt_bo_works (id int PRIMARY KEY, body text);
INSERT INTO rt_bo_works VALUES (1, 'the quick brown fox jumps over the lazy dog again and again, all day long');
SELECT llmcopy_register_corpus('rt_bo_works', 'id', 'body') AS rt_bo_corpus \gset

-- A date out of the timestamp range.
CREATE TABLE rt_bo_dated (id int PRIMARY KEY, body text, at date);
INSERT INTO rt_bo_dated VALUES (1, 'a copy: the quick brown fox jumps over the lazy dog again and again, all day long', current_date),
                               (2, 'an output logged with a date in the far future', '5874897-12-31'),
                               (3, 'another copy: the quick brown fox jumps over the lazy dog again and again, all day long', current_date);
SELECT llmcopy_register_outputs('rt_bo_dated', 'id', 'body', 'at') AS rt_bo_dated \gset
SET client_min_messages = warning;
CALL llmcopy_scan(outputs => 'rt_bo_dated', corpus => 'rt_bo_works', threshold => 0.1);
CALL llmcopy_scan(outputs => 'rt_bo_dated', corpus => 'rt_bo_works', threshold => 0.1);
RESET client_min_messages;
SELECT output_id, CASE WHEN output_id = '2' THEN 'recorded' ELSE status END AS status
FROM llmcopy_scanned WHERE output_table = :rt_bo_dated ORDER BY 1;
SELECT count(*) AS findings FROM llmcopy_findings WHERE output_table = :rt_bo_dated;

-- An id the outputs table's primary key holds, but the scan records' not.
CREATE TABLE rt_bo_keyed (id text PRIMARY KEY, body text, at timestamptz);
INSERT INTO rt_bo_keyed VALUES ('1', 'a copy: the quick brown fox jumps over the lazy dog again and again, all day long', now()),
    (left((SELECT string_agg(md5(i::text || 'x'), '') FROM generate_series(1, 100) i), 2690), 'an output with a long id', now());
SELECT llmcopy_register_outputs('rt_bo_keyed', 'id', 'body', 'at') AS rt_bo_keyed \gset
SET client_min_messages = warning;
CALL llmcopy_scan(outputs => 'rt_bo_keyed', corpus => 'rt_bo_works', threshold => 0.1);
CALL llmcopy_scan(outputs => 'rt_bo_keyed', corpus => 'rt_bo_works', threshold => 0.1);
RESET client_min_messages;
-- the short one scanned, the long one recorded as skipped, with the reason
SELECT count(*) FILTER (WHERE output_id = '1' AND status = 'scanned') AS short_scanned,
       count(*) FILTER (WHERE length(output_id) > 1000) AS long_recorded,
       bool_and(status = 'skipped' AND reason = '54000: id longer than 1000 bytes')
           FILTER (WHERE length(output_id) > 1000) AS long_skipped_with_reason
FROM llmcopy_scanned WHERE output_table = :rt_bo_keyed;
SELECT count(*) AS findings FROM llmcopy_findings WHERE output_table = :rt_bo_keyed;
-- Ids with backslashes, and two ids that the bytea escape syntax reads as
-- the same bytes: each is claimed, scanned once and has its finding.
CREATE TABLE rt_bo_slashed (id text PRIMARY KEY, body text, at timestamptz);
INSERT INTO rt_bo_slashed VALUES
    ('C:\temp', 'a copy: the quick brown fox jumps over the lazy dog again and again, all day long', now()),
    ('\x41', 'one more copy: the quick brown fox jumps over the lazy dog again and again, all day long', now()),
    ('A', 'and a copy: the quick brown fox jumps over the lazy dog again and again, all day long', now()),
    ('\\', 'the last copy: the quick brown fox jumps over the lazy dog again and again, all day long', now());
SELECT llmcopy_register_outputs('rt_bo_slashed', 'id', 'body', 'at') AS rt_bo_slashed \gset
SET client_min_messages = warning;
CALL llmcopy_scan(outputs => 'rt_bo_slashed', corpus => 'rt_bo_works', threshold => 0.1);
CALL llmcopy_scan(outputs => 'rt_bo_slashed', corpus => 'rt_bo_works', threshold => 0.1);
RESET client_min_messages;
SELECT s.output_id, s.status, (SELECT count(*) FROM llmcopy_findings f
                               WHERE f.output_table = s.output_table AND f.output_id = s.output_id) AS findings
FROM llmcopy_scanned s WHERE s.output_table = :rt_bo_slashed ORDER BY s.output_id COLLATE "C";
-- no run is left without an end
SELECT status, count(*) FROM llmcopy_runs WHERE corpus_table = :rt_bo_corpus GROUP BY 1 ORDER BY 1;

-- clean up
SELECT llmcopy_unregister('rt_bo_dated');
SELECT llmcopy_unregister('rt_bo_keyed');
SELECT llmcopy_unregister('rt_bo_slashed');
SELECT llmcopy_unregister('rt_bo_works');
DELETE FROM llmcopy_runs WHERE corpus_table = :rt_bo_corpus;
DROP TABLE rt_bo_dated, rt_bo_keyed, rt_bo_slashed, rt_bo_works;
