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

\i sql/include/seq_vs_idx.psql

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
     LATERAL pg_temp.seq_vs_idx(q, 'corpus_fp') r
WHERE r.differ <> 0 OR NOT r.used_index;
-- the comparisons above found rows to compare
SELECT sum(r.seq_rows) > 1000 AS compared_rows, bool_and(r.used_index) AS always_index
FROM thresholds, checks,
     LATERAL (SELECT set_config('pg_llmcopy.containment_threshold', t::text, false),
                     set_config('pg_llmcopy.jaccard_threshold', t::text, false)) g,
     LATERAL pg_temp.seq_vs_idx(q, 'corpus_fp') r;
RESET pg_llmcopy.containment_threshold;
RESET pg_llmcopy.jaccard_threshold;

-- With 8-bit keys nearly every hash collides: consistent() must still never
-- drop a row (multiplicities) and rechecks remove the extra candidates.
-- Mixed keys (the option registration builds its index with) give the same
-- rows as a sequential scan too, at 8 bits as well (the keys of a value are
-- no longer in the order of its hashes, and many hashes share one); at the
-- same width fewer works come back from the index only to fail the recheck
-- than with the top bits, which winnowed hashes (the smallest of each
-- window) crowd into the low keys.
CREATE FUNCTION pg_temp.failing_with(opts text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    DROP INDEX corpus_fp;
    EXECUTE format('CREATE INDEX corpus_fp ON corpus USING gin (fp fingerprint_ops (%s))', opts);
    SELECT count(*) INTO n FROM thresholds, checks,
         LATERAL (SELECT set_config('pg_llmcopy.containment_threshold', t::text, false),
                         set_config('pg_llmcopy.jaccard_threshold', t::text, false)) g,
         LATERAL pg_temp.seq_vs_idx(q, 'corpus_fp') r
    WHERE r.differ <> 0 OR NOT r.used_index;
    RETURN n;
END $$;
SELECT opts, pg_temp.failing_with(opts) AS failing FROM unnest(ARRAY['bits = 8', 'bits = 8, mixed = true', 'bits = 32, mixed = true']) opts;
RESET pg_llmcopy.containment_threshold;
RESET pg_llmcopy.jaccard_threshold;
-- works removed by the recheck, over one search per output
CREATE FUNCTION pg_temp.rechecked() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    o record;
    line text;
    n bigint := 0;
BEGIN
    PERFORM set_config('enable_seqscan', 'off', true);
    FOR o IN SELECT oid FROM outputs LOOP
        FOR line IN EXECUTE format('EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
                                    SELECT count(*) FROM corpus c WHERE c.fp && (SELECT fp FROM outputs WHERE oid = %s)', o.oid) LOOP
            n := n + coalesce(substring(line FROM 'Rows Removed by Index Recheck: (\d+)')::bigint, 0);
        END LOOP;
    END LOOP;
    PERFORM set_config('enable_seqscan', 'on', true);
    RETURN n;
END $$;
DROP INDEX corpus_fp;
CREATE INDEX corpus_fp ON corpus USING gin (fp fingerprint_ops (bits = 14));
SELECT pg_temp.rechecked() AS top_bits \gset
DROP INDEX corpus_fp;
CREATE INDEX corpus_fp ON corpus USING gin (fp fingerprint_ops (bits = 14, mixed = true));
SELECT pg_temp.rechecked() AS mixed \gset
SELECT :mixed * 2 < :top_bits AS mixed_keys_rechecked_less_than_half, :top_bits > 0 AS top_bits_rechecked_some;
SELECT pg_get_indexdef('corpus_fp'::regclass) ~ 'mixed=''true''' AS option_kept;
CREATE INDEX corpus_fp_bad ON corpus USING gin (fp fingerprint_ops (mixed = maybe));
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
-- raises the mismatch error, and an index scan raises it too, whatever
-- differs.  (k or the mode change every hash, so an index knowing nothing
-- of its values' parameters would share no key with such a query and
-- answer no row.)  The opclass options k, w, mode and seed, with the
-- defaults of fingerprint(), are the parameters of the indexed values.
-- (both_paths is used by minhash.sql too, which drops it)
CREATE FUNCTION both_paths(q text, OUT seq text, OUT idx text) LANGUAGE plpgsql AS $$
DECLARE
    use_index bool;
    r text;
BEGIN
    FOREACH use_index IN ARRAY ARRAY[false, true] LOOP
        BEGIN
            PERFORM set_config('enable_seqscan', (NOT use_index)::text, true);
            PERFORM set_config('enable_bitmapscan', use_index::text, true);
            PERFORM set_config('enable_indexscan', use_index::text, true);
            EXECUTE q INTO r;
        EXCEPTION WHEN others THEN
            r := SQLSTATE || ': ' || SQLERRM;
        END;
        IF use_index THEN idx := r; ELSE seq := r; END IF;
    END LOOP;
    PERFORM set_config('enable_seqscan', 'on', true);
END $$;
CREATE TEMP TABLE mismatches (q text);
INSERT INTO mismatches VALUES
  ('SELECT count(*) FROM %s WHERE fp %%> fingerprint(''one two three four five six''::text, 3)'),
  ('SELECT count(*) FROM %s WHERE fp %%> fingerprint(''one two three four five six''::text, 5, 10, ''code'')'),
  ('SELECT count(*) FROM %s WHERE fp %%> fingerprint(''one two three four five six''::text, 5, 12)'),
  ('SELECT count(*) FROM %s WHERE fingerprint_contained(fingerprint(''one two three four five six''::text, 4), fp, 0.1)'),
  ('SELECT count(*) FROM %s WHERE fingerprint_similar(fp, fingerprint(''one two three four five six''::text, 5, 10, ''code''), 0)'),
  ('SELECT count(*) FROM %s WHERE fp && fingerprint(''one two three four five six''::text, 2, 2)'),
  ('SELECT count(*) FROM %s WHERE fp %% ''v1 text k=5 w=10 seed=7 tokens=1 {}''::fingerprint');
-- the small table (a few hundred rows)
SELECT r.seq = r.idx AS same, r.idx FROM mismatches m, both_paths(format(m.q, 'corpus')) r;
-- a large table (20,000 rows, 8-bit keys: most keys are shared)
CREATE TABLE big_corpus AS
SELECT i AS id, fingerprint(string_agg(left(md5((i * 37 + j % 50)::text), 4 + j % 5), ' ')) AS fp
FROM generate_series(1, 20000) i, generate_series(1, 30) j GROUP BY i;
CREATE INDEX big_corpus_fp ON big_corpus USING gin (fp fingerprint_ops (bits = 8));
SELECT r.seq = r.idx AS same, r.idx FROM mismatches m, both_paths(format(m.q, 'big_corpus')) r;
-- a value built otherwise cannot go into the index, and an index built for
-- the wrong parameters cannot be made
INSERT INTO big_corpus VALUES (0, fingerprint('one two three four five six'::text, 3));
CREATE INDEX big_corpus_fp3 ON big_corpus USING gin (fp fingerprint_ops (k = 3));
CREATE INDEX big_corpus_fp3 ON big_corpus USING gin (fp fingerprint_ops (mode = 'prose'));
-- an index built for other parameters serves their values and queries
CREATE TABLE code_corpus AS
SELECT id, fingerprint(body, 3, 4, 'code') AS fp FROM corpus WHERE body IS NOT NULL;
CREATE INDEX code_corpus_fp ON code_corpus USING gin (fp fingerprint_ops (k = 3, w = 4, mode = 'code'));
SELECT r.seq = r.idx AS same, r.idx::int > 0 AS found
FROM both_paths('SELECT count(*) FROM code_corpus WHERE fingerprint_contained(fingerprint((SELECT body FROM corpus WHERE id = 10), 3, 4, ''code''), fp, 0.5)') r;
SELECT r.seq = r.idx AS same, r.idx
FROM both_paths('SELECT count(*) FROM code_corpus WHERE fp && fingerprint(''x''::text)') r;
DROP TABLE big_corpus, code_corpus;

-- The index follows inserts, updates and deletes.
INSERT INTO corpus SELECT 1000 + id, body, fp FROM corpus WHERE id BETWEEN 10 AND 11;
UPDATE corpus SET fp = fingerprint('nothing left here'::text) WHERE id = 11;
DELETE FROM corpus WHERE id = 10;
SET enable_seqscan = off;
SELECT c.id FROM outputs o JOIN corpus c ON fingerprint_contained(o.fp, c.fp, 0.2)
WHERE o.oid = -101 ORDER BY c.id;
RESET enable_seqscan;
