-- GIN fingerprint_ops: index scans return exactly the rows of sequential scans.

SELECT opcname, amvalidate(oid) FROM pg_opclass WHERE opcname = 'fingerprint_ops';

-- A corpus of real paragraphs, some short, some empty of tokens.
CREATE TABLE corpus AS
SELECT row_number() OVER () AS id, para AS body, fingerprint(para) AS fp
FROM (SELECT regexp_split_to_table(pg_read_file('/usr/share/common-licenses/' || name), E'\\n\\s*\\n') AS para
      FROM unnest(ARRAY['GPL-3', 'Apache-2.0', 'MPL-2.0', 'LGPL-2.1', 'Artistic']) name) s;
INSERT INTO corpus VALUES (0, '', fingerprint(''::text)), (-1, 'one', fingerprint('one'::text)), (-2, NULL, NULL);
SELECT count(*) > 300 AS enough_docs FROM corpus;

-- Outputs: parts of corpus paragraphs wrapped in new text, new text alone,
-- one that copies two paragraphs, and an empty one.
CREATE TABLE outputs AS
SELECT id AS oid, fingerprint('As the assistant I would say that ' || substr(body, 1 + length(body) / 4, 300)
                              || ' which is all there is to it, thank you.') AS fp
FROM corpus WHERE id % 7 = 0 AND length(body) > 200
UNION ALL SELECT -100, fingerprint('a completely new sentence about gardening tomatoes in the spring rain with friends'::text)
UNION ALL SELECT -101, fingerprint((SELECT string_agg(body, ' ') FROM corpus WHERE id IN (10, 11)))
UNION ALL SELECT -102, fingerprint(''::text);

CREATE INDEX corpus_fp ON corpus USING gin (fp);
ANALYZE corpus, outputs;

-- Runs a query by sequential scan, then with the index forced, and compares.
CREATE FUNCTION pg_temp.seq_vs_idx(q text, OUT seq_rows bigint, OUT idx_rows bigint,
                                   OUT differ bigint, OUT used_index bool)
LANGUAGE plpgsql AS $$
DECLARE
    plan text;
BEGIN
    PERFORM set_config('enable_bitmapscan', 'off', true);
    PERFORM set_config('enable_indexscan', 'off', true);
    PERFORM set_config('enable_seqscan', 'on', true);
    EXECUTE 'CREATE TEMP TABLE r_seq AS ' || q;
    PERFORM set_config('enable_bitmapscan', 'on', true);
    PERFORM set_config('enable_indexscan', 'on', true);
    PERFORM set_config('enable_seqscan', 'off', true);
    PERFORM set_config('enable_hashjoin', 'off', true);
    PERFORM set_config('enable_mergejoin', 'off', true);
    EXECUTE 'CREATE TEMP TABLE r_idx AS ' || q;
    used_index := false;
    FOR plan IN EXECUTE 'EXPLAIN (costs off) ' || q LOOP
        used_index := used_index OR plan LIKE '%Bitmap Index Scan on corpus_fp%';
    END LOOP;
    seq_rows := (SELECT count(*) FROM r_seq);
    idx_rows := (SELECT count(*) FROM r_idx);
    differ := (SELECT count(*) FROM ((TABLE r_seq EXCEPT ALL TABLE r_idx)
                                     UNION ALL (TABLE r_idx EXCEPT ALL TABLE r_seq)) d);
    DROP TABLE r_seq, r_idx;
    PERFORM set_config('enable_seqscan', 'on', true);
    PERFORM set_config('enable_hashjoin', 'on', true);
    PERFORM set_config('enable_mergejoin', 'on', true);
END $$;

CREATE TABLE checks (q text);
INSERT INTO checks VALUES
    ('SELECT o.oid, c.id FROM outputs o JOIN corpus c ON o.fp <% c.fp'),
    ('SELECT o.oid, c.id FROM outputs o JOIN corpus c ON c.fp %> o.fp'),
    ('SELECT o.oid, c.id FROM outputs o JOIN corpus c ON c.fp <% o.fp'),
    ('SELECT o.oid, c.id FROM outputs o JOIN corpus c ON c.fp % o.fp'),
    ('SELECT o.oid, c.id FROM outputs o JOIN corpus c ON c.fp && o.fp'),
    ('SELECT o.oid, c.id FROM outputs o JOIN corpus c ON fingerprint_contained(o.fp, c.fp, 0.3)'),
    ('SELECT o.oid, c.id FROM outputs o JOIN corpus c ON fingerprint_contained(o.fp, c.fp, 0)'),
    ('SELECT o.oid, c.id FROM outputs o JOIN corpus c ON fingerprint_contained(c.fp, o.fp, 0.2)'),
    ('SELECT o.oid, c.id FROM outputs o JOIN corpus c ON fingerprint_similar(c.fp, o.fp, 0.1)'),
    ('SELECT o.oid, c.id FROM outputs o JOIN corpus c ON fingerprint_similar(o.fp, c.fp, 0.6)'),
    ('SELECT c.id FROM corpus c WHERE c.fp %> (SELECT fp FROM outputs WHERE oid = -101)'),
    ('SELECT c.id FROM corpus c WHERE fingerprint_contained((SELECT fp FROM outputs WHERE oid = -101), c.fp, 0.05)');

-- at several thresholds, 0 included (every row, empty ones too)
CREATE TABLE thresholds (t float8);
INSERT INTO thresholds VALUES (0), (0.1), (0.35), (1);

SELECT t, q, r.*
FROM thresholds, checks,
     LATERAL (SELECT set_config('pg_llmcopy.containment_threshold', t::text, false),
                     set_config('pg_llmcopy.jaccard_threshold', t::text, false)) g,
     LATERAL pg_temp.seq_vs_idx(q) r
WHERE r.differ <> 0 OR NOT r.used_index;
-- the comparisons above found rows to compare
SELECT sum(r.seq_rows) > 1000 AS compared_rows, bool_and(r.used_index) AS always_index
FROM thresholds, checks,
     LATERAL (SELECT set_config('pg_llmcopy.containment_threshold', t::text, false),
                     set_config('pg_llmcopy.jaccard_threshold', t::text, false)) g,
     LATERAL pg_temp.seq_vs_idx(q) r;
RESET pg_llmcopy.containment_threshold;
RESET pg_llmcopy.jaccard_threshold;

-- With 8-bit keys nearly every hash collides: consistent() must still never
-- drop a row (multiplicities) and rechecks remove the extra candidates.
DROP INDEX corpus_fp;
CREATE INDEX corpus_fp ON corpus USING gin (fp fingerprint_ops (bits = 8));
SELECT count(*) AS failing FROM thresholds, checks,
     LATERAL (SELECT set_config('pg_llmcopy.containment_threshold', t::text, false),
                     set_config('pg_llmcopy.jaccard_threshold', t::text, false)) g,
     LATERAL pg_temp.seq_vs_idx(q) r
WHERE r.differ <> 0 OR NOT r.used_index;
RESET pg_llmcopy.containment_threshold;
RESET pg_llmcopy.jaccard_threshold;
DROP INDEX corpus_fp;
CREATE INDEX corpus_fp ON corpus USING gin (fp fingerprint_ops (bits = 7));
CREATE INDEX corpus_fp ON corpus USING gin (fp fingerprint_ops (bits = 33));
CREATE INDEX corpus_fp ON corpus USING gin (fp);

\i test/explain.sql

-- The plans: the main join uses the index, through the commutator (the
-- tables here are small, so sequential scans are switched off to show it).
SET enable_seqscan = off;
SELECT * FROM pg_temp.explain($$SELECT o.oid, c.id FROM outputs o JOIN corpus c ON o.fp <% c.fp$$);
-- the IMMUTABLE form is turned into an index condition by the support function
SELECT * FROM pg_temp.explain($$SELECT o.oid, c.id FROM outputs o JOIN corpus c ON fingerprint_contained(o.fp, c.fp, 0.3)$$);
SELECT * FROM pg_temp.explain($$SELECT c.id FROM corpus c WHERE fingerprint_similar(c.fp, fingerprint('x y z'::text), 0.5)$$);
-- a threshold that depends on the indexed row cannot be an index condition
SELECT * FROM pg_temp.explain($$SELECT c.id FROM corpus c WHERE fingerprint_contained(fingerprint('x y z'::text), c.fp, c.id / 1000.0)$$);
RESET enable_seqscan;

-- Which paragraphs does the two-paragraph output copy?  (exactly 10 and 11)
SELECT c.id, round(containment(o.fp, c.fp)::numeric, 2) AS share_of_output
FROM outputs o JOIN corpus c ON fingerprint_contained(o.fp, c.fp, 0.2)
WHERE o.oid = -101 ORDER BY c.id;

-- Values with other parameters never compare silently: a sequential scan
-- raises the mismatch error.  An index scan finds no candidate when k or
-- the mode differ (they change every hash, so no key is shared) and then
-- returns no row; when only w differs, hashes are shared and the recheck
-- raises the error.  A constant query on an analyzed column is compared with
-- the column's sample values by the planner's estimate, which raises the
-- error before any scan.
SET enable_bitmapscan = off;
SELECT count(*) FROM corpus WHERE fp %> fingerprint('one two three four five six'::text, 3);
RESET enable_bitmapscan;
SET enable_seqscan = off;
SELECT count(*) FROM corpus WHERE fp %> fingerprint('one two three four five six'::text, 3);
SELECT count(*) FROM corpus WHERE fp %> (SELECT fingerprint('one two three four five six'::text, 3));
SELECT count(*) FROM corpus WHERE fp %> (SELECT fingerprint(body, 5, 12) FROM corpus WHERE id = 10);
RESET enable_seqscan;

-- The index follows inserts, updates and deletes.
INSERT INTO corpus SELECT 1000 + id, body, fp FROM corpus WHERE id BETWEEN 10 AND 11;
UPDATE corpus SET fp = fingerprint('nothing left here'::text) WHERE id = 11;
DELETE FROM corpus WHERE id = 10;
SET enable_seqscan = off;
SELECT c.id FROM outputs o JOIN corpus c ON fingerprint_contained(o.fp, c.fp, 0.2)
WHERE o.oid = -101 ORDER BY c.id;
RESET enable_seqscan;
