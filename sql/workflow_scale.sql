-- The workflow at scale: registration without rewriting the table (a
-- column kept by a trigger, filled in committed batches while another
-- session writes), adopting a fingerprint column of one's own, the key
-- width for a table's index, boilerplate as a share of the corpus, and
-- the scores of each finding (rarity-weighted containment, byte-exact
-- span, token-identical copies, origin rank), each checked against its
-- definition computed in plain SQL.
CREATE EXTENSION IF NOT EXISTS dblink;
SELECT format('dbname=%s port=%s host=%s user=%s', current_database(), current_setting('port'),
              coalesce(nullif(trim(split_part(current_setting('unix_socket_directories'), ',', 1)), ''), 'localhost'),
              current_user) AS conninfo \gset
CREATE SCHEMA scale;
SET search_path = scale, public;
SET timezone = 'UTC';

-- Works: paragraphs of a real license text, two of them twice (the second
-- time byte for byte, and re-cased), and a header shared by 15 of them.
CREATE TABLE sc_works (id int PRIMARY KEY, body text, lic text, kind text);
INSERT INTO sc_works
SELECT n, CASE WHEN n % 5 = 0 THEN 'This file is part of the packaged collection and is distributed with the rest of it under the terms stated below. ' ELSE '' END || p,
       CASE WHEN n % 2 = 0 THEN 'MIT' ELSE 'GPL-3.0-or-later' END, 'paragraph'
FROM (SELECT row_number() OVER () AS n, p
      FROM regexp_split_to_table(pg_read_file('/usr/share/common-licenses/GPL-3'), E'\\n\\s*\\n') p
      WHERE length(p) > 200) x;
INSERT INTO sc_works SELECT 1000 + id, body, 'Apache-2.0', 'copy' FROM sc_works WHERE id IN (7, 9);
INSERT INTO sc_works SELECT 2000 + id, upper(body), 'Apache-2.0', 'recased' FROM sc_works WHERE id = 7;
SELECT count(*) AS works, count(*) FILTER (WHERE body LIKE 'This file is part%') AS with_header FROM sc_works;

-- Online registration: a plain column and a trigger; the table is not
-- rewritten (same relfilenode), and the corpus cannot be scanned until it
-- is filled.
SELECT pg_relation_filenode('sc_works') AS filenode \gset
SELECT llmcopy_register_corpus('sc_works', 'id', 'body', license_col => 'lic', title_col => 'kind', online => true) AS corpus_id \gset
SELECT pg_relation_filenode('sc_works') = :filenode AS not_rewritten,
       (SELECT attgenerated = '' FROM pg_attribute WHERE attrelid = 'sc_works'::regclass AND attname = 'llmcopy_fp') AS plain_column,
       (SELECT count(*) FROM pg_trigger WHERE tgrelid = 'sc_works'::regclass AND tgname = 'zz_llmcopy_fp' AND tgenabled = 'A') AS triggers,
       (SELECT count(llmcopy_fp) FROM sc_works) AS filled;
SELECT fp_col, fp_kind, filling FROM llmcopy_corpus_tables WHERE id = :corpus_id;
SELECT kind, problem FROM llmcopy_registrations WHERE id = :corpus_id AND kind = 'corpus';
CREATE TABLE sc_outputs (id int PRIMARY KEY, answer text, at timestamptz);
SELECT llmcopy_register_outputs('sc_outputs', 'id', 'answer', 'at', online => true) AS outputs_id \gset
CALL llmcopy_scan(outputs => 'sc_outputs', corpus => 'sc_works');
-- a row written now is fingerprinted by the trigger
INSERT INTO sc_works VALUES (5000, 'Pack my box with five dozen liquor jugs, said the quartermaster of the northern expedition while counting crates of lamp oil and rope.', 'MIT', 'inserted');
SELECT llmcopy_fp::text = fingerprint(body)::text AS trigger_fingerprint FROM sc_works WHERE id = 5000;

-- A batch of the fill held open in another session: this session still
-- inserts and updates rows (with lock_timeout, it would fail if it had to
-- wait), and the batch holds nothing stronger than ROW EXCLUSIVE on the
-- table.  Then llmcopy_fill goes on where the batch stopped.
SELECT dblink_connect('filler', :'conninfo');
SELECT dblink_exec('filler', 'SET search_path = scale, public');
SELECT dblink_exec('filler', 'BEGIN');
SELECT * FROM dblink('filler', $$SELECT last_id, done FROM llmcopy_fill_batch('sc_works', NULL, 40, 0)$$) AS t(last_id text, done bigint);
SELECT pid AS filler_pid FROM dblink('filler', 'SELECT pg_backend_pid()') AS t(pid int) \gset
SELECT mode FROM pg_locks WHERE pid = :filler_pid AND relation = 'sc_works'::regclass ORDER BY 1;
SET lock_timeout = '3s';
INSERT INTO sc_works VALUES (5001, 'Sphinx of black quartz, judge my vow, cried the archivist as the last ledger of the harbour office was carried up the stairs.', 'MIT', 'inserted');
UPDATE sc_works SET body = body || ' (revised)' WHERE id = 60;
RESET lock_timeout;
SELECT dblink_exec('filler', 'COMMIT');
SELECT dblink_disconnect('filler');
SELECT count(llmcopy_fp) AS filled_before_call FROM sc_works;
SET client_min_messages = warning;
CALL llmcopy_fill('sc_works', 25);
RESET client_min_messages;
SELECT count(*) AS rows, count(*) FILTER (WHERE llmcopy_fp::text IS DISTINCT FROM fingerprint(body)::text) AS wrong_or_missing FROM sc_works;
SELECT filling FROM llmcopy_corpus_tables WHERE id = :corpus_id;
SELECT kind, problem FROM llmcopy_registrations WHERE id = :corpus_id AND kind = 'corpus';
-- the statement to build the index concurrently, with the key width for the table's size
SELECT llmcopy_index_statement('sc_works', 'llmcopy_fp', true, 5, 10, 'text');
CREATE INDEX CONCURRENTLY sc_works_fp ON sc_works USING gin (llmcopy_fp fingerprint_ops (bits = 20));
-- an update of the text refreshes the fingerprint; a fill with nothing to do does nothing
UPDATE sc_works SET body = 'Completely new text about river barges, grain prices and the old canal locks of the valley towns.' WHERE id = 5000;
SELECT llmcopy_fp::text = fingerprint(body)::text AS refreshed FROM sc_works WHERE id = 5000;
SET client_min_messages = warning;
CALL llmcopy_fill('sc_works');
RESET client_min_messages;
CALL llmcopy_fill('sc_outputs', 0);
CALL llmcopy_fill('pg_class');
-- only the table's owner fills it (the fill's updates fire the table's own
-- triggers), even an administrator who may update it
CREATE ROLE regress_llmcopy_filler;
SELECT llmcopy_grant('regress_llmcopy_filler', 'admin');
GRANT USAGE ON SCHEMA scale TO regress_llmcopy_filler;
GRANT SELECT, UPDATE ON sc_outputs TO regress_llmcopy_filler;
SET ROLE regress_llmcopy_filler;
CALL llmcopy_fill('sc_outputs');
RESET ROLE;
SELECT llmcopy_revoke('regress_llmcopy_filler');
REVOKE ALL ON sc_outputs FROM regress_llmcopy_filler;
REVOKE ALL ON SCHEMA scale FROM regress_llmcopy_filler;
DROP ROLE regress_llmcopy_filler;

-- The key width: four keys a hash, 20 to 32 bits.
SELECT h, fingerprint_index_bits(h) FROM unnest(ARRAY[0, 1000000, 45600000, 456000000, 100000000000]::bigint[]) h;
SELECT rows, round(hashes_per_row) AS hashes_per_row, bits FROM llmcopy_index_bits('sc_works');
SELECT bits FROM llmcopy_index_bits('sc_works', growth => 1e6);
SELECT llmcopy_index_bits('sc_works', 'body');
SELECT llmcopy_index_bits('sc_works', growth => 0.5);

-- Boilerplate as a share: 0.15 of the works is ceil(0.15 * n) of them, and
-- the set equals the one computed directly with that count.
SELECT llmcopy_refresh_boilerplate('sc_works', 0.15) AS hashes;
SELECT b.min_docs, b.min_share, b.min_docs = ceil(0.15 * (SELECT count(*) FROM sc_works)) AS count_of_the_share,
       b.fp::text = (SELECT fingerprint_common_agg(fingerprint(body, 5, 1), (SELECT ceil(0.15 * count(*))::int FROM sc_works))::text
                     FROM sc_works) AS same_set,
       (fingerprint_info(b.fp)).hashes > 10 AS holds_the_header
FROM llmcopy_boilerplate b WHERE b.corpus_id = :corpus_id;
SELECT llmcopy_refresh_boilerplate('sc_works', 2) > 0 AS by_count, min_docs, min_share FROM llmcopy_boilerplate WHERE corpus_id = :corpus_id;
SELECT llmcopy_refresh_boilerplate('sc_works', 1.5);
SELECT llmcopy_refresh_boilerplate('sc_works', 0.0);
SELECT llmcopy_refresh_boilerplate('sc_works', 0.15) > 0 AS back_to_the_share;

-- Outputs (not filled: the scan fingerprints them): copies of works 7, 9
-- and 12, of the inserted work 5001, the header alone, and novel text.
INSERT INTO sc_outputs VALUES
  (1, 'As requested: ' || (SELECT body FROM sc_works WHERE id = 7) || ' That is all.', '2031-03-01 10:00'),
  (2, 'Quote: ' || (SELECT body FROM sc_works WHERE id = 9), '2031-03-01 11:00'),
  (3, 'From memory: ' || (SELECT body FROM sc_works WHERE id = 12), '2031-03-02 09:00'),
  (4, 'Sphinx of black quartz, judge my vow, cried the archivist as the last ledger of the harbour office was carried up the stairs.', '2031-03-02 10:00'),
  (5, 'This file is part of the packaged collection and is distributed with the rest of it under the terms stated below. And then some words about gardening in spring.', '2031-03-03 08:00'),
  (6, 'An original note about kettles, teapots and the patience of slow afternoons by the window.', '2031-03-03 09:00');
UPDATE sc_outputs SET llmcopy_fp = NULL;
CALL llmcopy_scan(outputs => 'sc_outputs', corpus => 'sc_works', threshold => 0.3);
SELECT status, count(*) FROM llmcopy_scanned WHERE output_table = :outputs_id GROUP BY 1;
SELECT output_id, work_id, round(containment::numeric, 3) AS containment, round(weighted::numeric, 3) AS weighted,
       longest_tokens, exact, copies, origin_rank, license
FROM llmcopy_findings WHERE output_table = :outputs_id ORDER BY output_id::int, origin_rank, work_id::int;

-- The findings are those of a sequential scan with the same query
-- (boilerplate subtracted), and each score is its definition.
SET enable_indexscan = off;
SET enable_bitmapscan = off;
CREATE TEMP TABLE q AS
SELECT o.id::text AS output_id, o.answer, fingerprint(o.answer) - b.fp AS q
FROM sc_outputs o, llmcopy_boilerplate b WHERE b.corpus_id = :corpus_id;
CREATE TEMP TABLE expected AS
SELECT q.output_id, w.id::text AS work_id, containment(q.q, w.llmcopy_fp) AS containment,
       containment_weighted(q.q, w.llmcopy_fp, d.df) AS weighted,
       m.longest, coalesce(strpos(w.body, substr(q.answer, m.a_start, m.a_length)) > 0, false) AS exact,
       count(*) OVER (PARTITION BY q.output_id, w.llmcopy_fp::text) AS copies,
       llmcopy_coverage(q.answer, w.body, 8) AS coverage
FROM q
CROSS JOIN LATERAL (SELECT fingerprint_df_agg(x.llmcopy_fp, q.q, (SELECT count(*) FROM sc_works)) AS df
                    FROM sc_works x WHERE q.q && x.llmcopy_fp) d
JOIN sc_works w ON fingerprint_contained(q.q, w.llmcopy_fp, 0.3)
CROSS JOIN LATERAL (SELECT max(s.tokens) AS longest, (array_agg(s.a_start ORDER BY s.tokens DESC, s.a_start))[1] AS a_start,
                           (array_agg(s.a_length ORDER BY s.tokens DESC, s.a_start))[1] AS a_length
                    FROM llmcopy_matches(q.answer, w.body, 8) s) m;
RESET enable_indexscan;
RESET enable_bitmapscan;
SELECT count(*) AS findings,
       count(*) FILTER (WHERE e.output_id IS NULL) AS not_expected,
       count(*) FILTER (WHERE f.output_id IS NULL) AS missing,
       count(*) FILTER (WHERE abs(f.containment - e.containment) > 1e-12) AS containment_differs,
       count(*) FILTER (WHERE abs(f.weighted - e.weighted) > 1e-9) AS weighted_differs,
       count(*) FILTER (WHERE f.exact IS DISTINCT FROM e.exact) AS exact_differs,
       count(*) FILTER (WHERE f.copies IS DISTINCT FROM e.copies::int) AS copies_differ
FROM (SELECT * FROM llmcopy_findings WHERE output_table = :outputs_id) f
FULL JOIN expected e ON (e.output_id, e.work_id) = (f.output_id, f.work_id);
-- origin_rank is the rank in the order of llmcopy_origin_key: works equal
-- on every signal (a byte-identical copy) share it, whatever their ids
SELECT count(*) AS ranked, count(*) FILTER (WHERE f.origin_rank <> r.rank) AS rank_differs,
       count(*) FILTER (WHERE f.origin_rank = 1) AS ranked_first,
       count(DISTINCT f.output_id) FILTER (WHERE f.origin_rank = 1) AS outputs
FROM llmcopy_findings f
JOIN (SELECT e.output_id, e.work_id,
             rank() OVER (PARTITION BY e.output_id
                          ORDER BY llmcopy_origin_key(e.longest, e.exact, e.coverage, e.weighted, e.containment, e.copies::int) DESC) AS rank
      FROM expected e) r ON (r.output_id, r.work_id) = (f.output_id, f.work_id)
WHERE f.output_table = :outputs_id;
-- the rarity weights come from the whole corpus's frequencies (the run's corpus_docs)
SELECT corpus_docs = (SELECT count(*) FROM sc_works) AS corpus_docs, scores FROM llmcopy_runs
WHERE output_table = :outputs_id AND status = 'done' ORDER BY run_id DESC LIMIT 1;

-- Dashboards filter on the scores.
SELECT output_id, work_id, exact, copies, candidates, tied FROM llmcopy_origins WHERE output_table = :outputs_id ORDER BY output_id::int, work_id::int;
-- a dashboard's filter on tied (which the planner may apply inside the
-- view's window) keeps the same rows as filtering its materialized rows
SELECT array_agg(output_id || ':' || work_id ORDER BY output_id::int, work_id::int) AS certain,
       array_agg(output_id || ':' || work_id ORDER BY output_id::int, work_id::int) =
       (SELECT array_agg(output_id || ':' || work_id ORDER BY output_id::int, work_id::int)
        FROM (SELECT * FROM llmcopy_origins OFFSET 0) x WHERE x.output_table = :outputs_id AND x.tied = 1) AS same
FROM llmcopy_origins WHERE output_table = :outputs_id AND tied = 1;
-- the report of output 1 puts the two tied works first and says they tie
SELECT (SELECT count(*) FROM regexp_matches(r, 'likeliest origin, tied with 1 other work<', 'g')) AS tied_badges,
       (SELECT array_agg(m[1] ORDER BY n) FROM regexp_matches(r, '<article class="finding" id="o1f\d+"><h3>[^&]*&middot; scale\.sc_works (\d+)</span>', 'g')
                                               WITH ORDINALITY x(m, n)) AS works_in_order
FROM llmcopy_report('sc_outputs', '1') r;
SELECT work_id, outputs, origin_of FROM llmcopy_top_works WHERE corpus_table = :corpus_id ORDER BY work_id::int;
SELECT day, scanned, reproducing FROM llmcopy_reproduction_rates(8) r
WHERE day >= '2031-03-01' AND day < '2031-03-04' ORDER BY day;
SELECT day, scanned, reproducing FROM llmcopy_reproduction_rates(8, 0.99) r
WHERE day >= '2031-03-01' AND day < '2031-03-04' ORDER BY day;
SELECT day, findings, origins, avg_weighted IS NOT NULL AS weighted FROM llmcopy_findings_daily
WHERE day >= '2031-03-01' AND day < '2031-03-04' ORDER BY day, license;

-- Without the rarity weights: the same findings and ranks (the weights
-- break no tie here), weighted left NULL.
DELETE FROM llmcopy_scanned WHERE output_table = :outputs_id;
CREATE TEMP TABLE first_scan AS SELECT output_id, work_id, origin_rank FROM llmcopy_findings WHERE output_table = :outputs_id;
DELETE FROM llmcopy_findings WHERE output_table = :outputs_id;
CALL llmcopy_scan(outputs => 'sc_outputs', corpus => 'sc_works', threshold => 0.3, weighted => false);
SELECT count(*) AS findings, count(weighted) AS weighted,
       count(*) FILTER (WHERE (f.output_id, f.work_id, f.origin_rank) NOT IN (SELECT * FROM first_scan)) AS differ
FROM llmcopy_findings f WHERE f.output_table = :outputs_id;

-- Rescanning an output (its record deleted, its findings kept) after the
-- corpus gained a better origin: the findings of both scans are ranked
-- together, so the new work is ranked first alone and the one the first
-- scan ranked first is no longer, nor counted as tied with it.
INSERT INTO sc_works SELECT 3000, answer, 'MIT', 'better' FROM sc_outputs WHERE id = 3;
DELETE FROM llmcopy_scanned WHERE output_table = :outputs_id AND output_id = '3';
CALL llmcopy_scan(outputs => 'sc_outputs', corpus => 'sc_works', threshold => 0.3, weighted => false);
SELECT work_id, longest_tokens, origin_rank FROM llmcopy_findings
WHERE output_table = :outputs_id AND output_id = '3' ORDER BY origin_rank, work_id::int;
SELECT count(*) FILTER (WHERE f.origin_rank IS DISTINCT FROM r.rank) AS rank_differs
FROM llmcopy_findings f
JOIN (SELECT g.output_id, g.work_id,
             rank() OVER (PARTITION BY g.output_id
                          ORDER BY llmcopy_origin_key(g.longest_tokens, g.exact, g.coverage, g.weighted, g.containment, g.copies) DESC) AS rank
      FROM llmcopy_findings g WHERE g.output_table = :outputs_id AND g.corpus_table = :corpus_id) r
  ON (r.output_id, r.work_id) = (f.output_id, f.work_id)
WHERE f.output_table = :outputs_id AND f.corpus_table = :corpus_id;
SELECT output_id, work_id, candidates, tied FROM llmcopy_origins WHERE output_table = :outputs_id AND output_id = '3';
DELETE FROM sc_works WHERE id = 3000;

-- Adopting a fingerprint column of one's own: checked for its parameters,
-- scanned like the others, and left in place when unregistered.
CREATE TABLE sc_own (id int PRIMARY KEY, body text, my_fp fingerprint);
INSERT INTO sc_own SELECT id, body, fingerprint(body, 4, 10) FROM sc_works WHERE id < 20;
SELECT llmcopy_register_corpus('sc_own', 'id', 'body', fingerprint_col => 'my_fp');
SELECT llmcopy_register_corpus('sc_own', 'id', 'body', fingerprint_col => 'body');
UPDATE sc_own SET my_fp = fingerprint(body);
SELECT llmcopy_register_corpus('sc_own', 'id', 'body', fingerprint_col => 'my_fp', create_index => false) IS NOT NULL AS registered;
SELECT count(*) AS added_columns FROM pg_attribute WHERE attrelid = 'sc_own'::regclass AND attname = 'llmcopy_fp';
SELECT kind, problem FROM llmcopy_registrations WHERE tbl = 'sc_own'::regclass;
CALL llmcopy_scan(outputs => 'sc_outputs', corpus => 'sc_own', threshold => 0.3);
SELECT output_id, work_id FROM llmcopy_findings f JOIN llmcopy_corpus_tables c ON c.id = f.corpus_table
WHERE c.table_name = 'sc_own' ORDER BY 1, 2;
ALTER TABLE sc_own RENAME COLUMN my_fp TO their_fp;
SELECT kind, problem FROM llmcopy_registrations WHERE tbl = 'sc_own'::regclass;
ALTER TABLE sc_own RENAME COLUMN their_fp TO my_fp;
SELECT llmcopy_unregister('sc_own');
SELECT count(*) AS column_kept FROM pg_attribute WHERE attrelid = 'sc_own'::regclass AND attname = 'my_fp' AND NOT attisdropped;

-- A dropped or disabled trigger breaks the registration, and so does one
-- enabled on origin only (replica-mode writes would skip it); a fill then
-- refuses, since the trigger is what fingerprints the rows it touches.
-- Unregistering removes the trigger and the column.
ALTER TABLE sc_works DISABLE TRIGGER zz_llmcopy_fp;
SELECT kind, problem FROM llmcopy_registrations WHERE tbl = 'sc_works'::regclass;
UPDATE sc_works SET llmcopy_fp = NULL WHERE id = 5000;
CALL llmcopy_fill('sc_works');
ALTER TABLE sc_works ENABLE TRIGGER zz_llmcopy_fp;
SELECT kind, problem FROM llmcopy_registrations WHERE tbl = 'sc_works'::regclass;
-- (what a scan says, and how to mend it)
SELECT llmcopy_resolve('corpus', id) FROM llmcopy_corpus_tables WHERE table_name = 'sc_works';
ALTER TABLE sc_works ENABLE ALWAYS TRIGGER zz_llmcopy_fp;
SELECT kind, problem FROM llmcopy_registrations WHERE tbl = 'sc_works'::regclass;
SET client_min_messages = warning;
CALL llmcopy_fill('sc_works');
RESET client_min_messages;
SELECT count(*) FILTER (WHERE llmcopy_fp::text IS DISTINCT FROM fingerprint(body)::text) AS wrong_or_missing FROM sc_works;
-- registering a table again the other way says how it is kept
CREATE TABLE sc_log (id int PRIMARY KEY, body text, at timestamptz);
SELECT llmcopy_register_outputs('sc_log', 'id', 'body', 'at') IS NOT NULL AS registered;
SELECT llmcopy_register_corpus('sc_log', 'id', 'body', online => true);
SELECT llmcopy_unregister('sc_works');
SELECT llmcopy_unregister('sc_outputs');
SELECT llmcopy_unregister('sc_log');
SELECT (SELECT count(*) FROM pg_trigger WHERE tgrelid IN ('sc_works'::regclass, 'sc_outputs'::regclass)) AS triggers_left,
       (SELECT count(*) FROM pg_attribute WHERE attrelid IN ('sc_works'::regclass, 'sc_outputs'::regclass)
                                            AND attname = 'llmcopy_fp' AND NOT attisdropped) AS columns_left;
INSERT INTO sc_works VALUES (6000, 'still writable', 'MIT', 'after');
RESET search_path;
RESET timezone;
DROP SCHEMA scale CASCADE;
