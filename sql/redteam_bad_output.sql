-- Red team: one output row that stops the nightly scan for good.
--
-- CURRENTLY FAILS (expected output shows the safe behaviour).  Only the
-- batch's find statement is retried output by output; the statements
-- before it are not, and they fail for a whole table on one row:
--   - llmcopy_scan_pending reads every output's logged_at as timestamptz: a
--     date column holding a date past the timestamp range (any writer can
--     log '5874897-12-31') fails with 22008 "date out of range for
--     timestamp" before anything is listed;
--   - the claim inserts the id as text into llmcopy_scanned, whose primary
--     key (output_table, corpus_table, output_id) holds 8 bytes more than
--     the outputs table's own key: an id of 2,690 characters, which the
--     outputs table's text primary key accepts, fails with 54000 "index row
--     size exceeds maximum" and takes the 499 other outputs of its batch
--     with it.
-- The error leaves llmcopy_scan at once: every registration scanned after
-- that table (CALL llmcopy_scan() takes them in order) is never reached,
-- on every run, until someone edits the row away.
-- Fix: cast logged_at in a way that cannot fail (or clamp it) and record
-- the outputs that fail in the listing or the claim as skipped; key the
-- records by something of bounded size (a hash of the id, or a check of the
-- id's length that skips with a reason).
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
-- the short one scanned, the long one accounted for (any status)
SELECT count(*) FILTER (WHERE output_id = '1' AND status = 'scanned') AS short_scanned,
       count(*) FILTER (WHERE length(output_id) > 1000) AS long_recorded
FROM llmcopy_scanned WHERE output_table = :rt_bo_keyed;
SELECT count(*) AS findings FROM llmcopy_findings WHERE output_table = :rt_bo_keyed;
-- no run is left without an end
SELECT status, count(*) FROM llmcopy_runs WHERE corpus_table = :rt_bo_corpus GROUP BY 1 ORDER BY 1;

-- clean up
SELECT llmcopy_unregister('rt_bo_dated');
SELECT llmcopy_unregister('rt_bo_keyed');
SELECT llmcopy_unregister('rt_bo_works');
DELETE FROM llmcopy_runs WHERE corpus_table = :rt_bo_corpus;
DROP TABLE rt_bo_dated, rt_bo_keyed, rt_bo_works;
