-- MinHash signatures, the LSH index, and near-duplicate groups.

SELECT * FROM minhash_info(minhash('the quick brown fox jumps over the lazy dog'::text));
SELECT * FROM minhash_info(minhash('int x = 1;'::text, 64, 2, 'code'));
SELECT minhash('a b c d e f g'::text, 16, 3);
-- fewer tokens than ngram: an empty signature
SELECT minhash('a b'::text, 16, 3);

-- Text and binary forms round-trip.
CREATE TEMP TABLE sigs AS
SELECT i, minhash(string_agg(md5(j::text), ' '), 32, 3) AS m
FROM generate_series(1, 10) i, generate_series(1, i * 7) j GROUP BY i;
INSERT INTO sigs VALUES (0, minhash(''::text, 32, 3)),
                        (-1, minhash_with_threshold(minhash('x y z w v'::text, 16, 2), 0.5));
SELECT bool_and(m::text = m::text::minhash::text) AS text_roundtrip FROM sigs;
COPY sigs TO '/tmp/pg_llmcopy_sigs.bin' (FORMAT binary);
CREATE TEMP TABLE sigs2 (LIKE sigs);
COPY sigs2 FROM '/tmp/pg_llmcopy_sigs.bin' (FORMAT binary);
SELECT count(*), bool_and(a.m::text = b.m::text) AS binary_roundtrip FROM sigs a JOIN sigs2 b USING (i);

-- Bad input.
SELECT minhash('a b c'::text, 8);
SELECT minhash('a b c'::text, 2048);
SELECT minhash('a b c'::text, 128, 0);
SELECT minhash('a b c'::text, 128, 5, 'prose');
SELECT 'v1 text num_perm=16 ngram=3 seed=0 tokens=3 {00000001}'::minhash;
SELECT 'v1 text num_perm=8 ngram=3 seed=0 tokens=3 {}'::minhash;
SELECT 'v1 text num_perm=16 ngram=3 seed=0 tokens=3 {0000000g,00000001}'::minhash;
SELECT minhash('a bare literal');
CREATE TEMP TABLE badmh (m minhash);
CREATE FUNCTION pg_temp.copy_mh(payload bytea) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    lo oid := lo_from_bytea(0, '\x5047434f50590aff0d0a00'::bytea || '\x0000000000000000'::bytea
               || '\x0001'::bytea || int4send(length(payload)) || payload || '\xffff'::bytea);
    detail text;
BEGIN
    PERFORM lo_export(lo, '/tmp/pg_llmcopy_badmh.bin');
    PERFORM lo_unlink(lo);
    TRUNCATE badmh;
    COPY badmh FROM '/tmp/pg_llmcopy_badmh.bin' (FORMAT binary);
    RETURN (SELECT m::text FROM badmh);
EXCEPTION WHEN others THEN
    GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
    RETURN SQLSTATE || ': ' || SQLERRM || coalesce(' (' || nullif(detail, '') || ')', '');
END $$;
-- version 1, text, ngram 3, flags 0, num_perm 16, seed 0, tokens 5, threshold 0
SELECT pg_temp.copy_mh('\x01000300001000000000000000050000000000000000'::bytea || decode(repeat('00000007', 16), 'hex'));
SELECT pg_temp.copy_mh('\x01000300001000000000000000050000000000000000'::bytea || decode(repeat('00000007', 15), 'hex'));
SELECT pg_temp.copy_mh('\x01000300001000000000000000050000000000000000'::bytea);
SELECT pg_temp.copy_mh('\x01000301001000000000000000050000000000000000'::bytea);   -- empty flag: no values
SELECT pg_temp.copy_mh('\x01000301001000000000000000050000000000000000'::bytea || '\x00000001'::bytea);
SELECT pg_temp.copy_mh('\x01000308001000000000000000050000000000000000'::bytea);   -- unknown flag
SELECT pg_temp.copy_mh('\x01000300001000000000'::bytea);                               -- truncated

-- The estimate: identical texts 1, no shared shingle about 0, and against
-- the exact Jaccard of the shingle sets (fingerprint with w = 1 keeps every
-- shingle) a small mean error that shrinks with num_perm.
SELECT jaccard(minhash(t), minhash(t)) AS same,
       jaccard(minhash(t), minhash(upper(t))) AS recased,
       jaccard(minhash(t), minhash('completely different words that share nothing at all with it'::text)) AS disjoint,
       jaccard(minhash(''::text), minhash(''::text)) AS empty
FROM (VALUES ('the quick brown fox jumps over the lazy dog and runs into the forest'::text)) v(t);
SELECT setseed(0.77);
CREATE TEMP TABLE pairs AS
SELECT i, array_to_string(w[1:200], ' ') AS a,
       array_to_string(w[1 + (i % 150):200 + (i % 150)], ' ') AS b
FROM (SELECT i, ARRAY(SELECT substr(md5(random()::text || i), 1, 5) FROM generate_series(1, 400)) AS w
      FROM generate_series(1, 200) i) s;
-- (for an unbiased estimate the mean absolute error is about
-- 0.8 * sqrt(J (1 - J) / num_perm): at most 0.05, 0.035, 0.025 here)
SELECT np,
       avg(abs(jaccard(minhash(a, np), minhash(b, np)) - jaccard(fingerprint(a, 5, 1), fingerprint(b, 5, 1))))
           < 1.25 * 0.8 * sqrt(0.25 / np) AS mean_error_as_expected,
       abs(avg(jaccard(minhash(a, np), minhash(b, np)) - jaccard(fingerprint(a, 5, 1), fingerprint(b, 5, 1)))) < 0.01 AS unbiased,
       round(avg(jaccard(fingerprint(a, 5, 1), fingerprint(b, 5, 1)))::numeric, 2) AS mean_exact
FROM pairs, (VALUES (64), (128), (256)) n(np) GROUP BY np ORDER BY np;

-- Operators and the explicit-threshold function.
SET pg_llmcopy.jaccard_threshold = 0.5;
SELECT minhash(a) % minhash(b) AS op, minhash_similar(minhash(a), minhash(b), 0.5) AS fn,
       jaccard(minhash(a), minhash(b)) >= 0.5 AS est
FROM pairs WHERE i IN (1, 60, 140) ORDER BY i;
RESET pg_llmcopy.jaccard_threshold;
SELECT jaccard(minhash('a b c d e f'::text), minhash('a b c d e f'::text, 64));
SELECT minhash('a b c d e f'::text) % minhash('a b c d e f'::text, 128, 4);
SELECT minhash_similar(minhash('a b c'::text), minhash('a b c'::text), 2);

-- The LSH S-curve and the recommended bands and rows.
SELECT round(minhash_lsh_probability(0.8, 16, 8)::numeric, 4) AS p_08_16x8,
       round(minhash_lsh_probability(0.5, 16, 8)::numeric, 4) AS p_05_16x8,
       round(minhash_lsh_probability(0.8, 1, 1)::numeric, 4) AS p_08_1x1;
SELECT bands, rows, bands * rows AS num_perm, round(p_at_threshold::numeric, 3) AS p_at_threshold
FROM minhash_lsh_params(0.8, 128);
SELECT bands, rows, round(p_at_threshold::numeric, 3) AS p_at_threshold FROM minhash_lsh_params(0.5, 256);
SELECT * FROM minhash_lsh_params(1.5, 128);
SELECT * FROM minhash_lsh_params(0.8, 8);
-- its limits come from C, and it calls the extension's functions whatever
-- the caller's search_path holds
SELECT min, max FROM llmcopy_limits() WHERE name = 'num_perm';
SELECT * FROM minhash_lsh_params(0.8, 2048);
CREATE SCHEMA regress_shadow;
CREATE FUNCTION regress_shadow.minhash_lsh_probability(float8, int, int) RETURNS float8
LANGUAGE sql AS 'SELECT 1 / 0';
SET search_path = regress_shadow, public;
SELECT bands, rows FROM minhash_lsh_params(0.8, 128);
RESET search_path;
DROP SCHEMA regress_shadow CASCADE;
SELECT minhash_lsh_probability(1.5, 16, 8);
-- with its search_path pinned: an operator put early on the caller's path
-- (float8 / int, as its areas divide) is not used
CREATE SCHEMA trap;
CREATE FUNCTION trap.div(a float8, b int) RETURNS float8 LANGUAGE sql AS 'SELECT 0.0::float8';
CREATE OPERATOR trap./ (LEFTARG = float8, RIGHTARG = int, FUNCTION = trap.div);
SET search_path = trap, public, pg_catalog;
SELECT bands, rows, round(false_positive_area::numeric, 4) > 0 AS fp_area FROM minhash_lsh_params(0.8, 128);
RESET search_path;
DROP SCHEMA trap CASCADE;

-- The LSH index: a table with planted near-duplicates (a few words changed).
SELECT setseed(0.5);
CREATE TABLE docs AS
SELECT i AS id, array_to_string(ARRAY(SELECT substr(md5(random()::text || i), 1, 6) FROM generate_series(1, 120)), ' ') AS body
FROM generate_series(1, 400) i;
INSERT INTO docs
SELECT 1000 + id, regexp_replace(body, '^(\S+ ){3}\S+', 'changed words at start') FROM docs WHERE id % 10 = 0;
INSERT INTO docs
SELECT 2000 + id, body FROM docs WHERE id % 25 = 0 AND id < 1000;          -- exact duplicates
ALTER TABLE docs ADD COLUMN sig minhash;
UPDATE docs SET sig = minhash(body);
CREATE INDEX docs_sig ON docs USING gin (sig);
ANALYZE docs;
SELECT opcname, amvalidate(oid) FROM pg_opclass WHERE opcname = 'minhash_ops';

\i test/explain.sql

-- every row the index returns, a sequential scan returns (no false positive),
-- and at 0.8 the index finds the near-duplicates a sequential scan finds
SET pg_llmcopy.jaccard_threshold = 0.8;
SET enable_seqscan = off;
CREATE TEMP TABLE idx_pairs AS SELECT a.id AS a, b.id AS b FROM docs a JOIN docs b ON a.sig % b.sig WHERE a.id < b.id;
SELECT * FROM pg_temp.explain($$SELECT a.id, b.id FROM docs a JOIN docs b ON a.sig % b.sig WHERE a.id < b.id$$);
RESET enable_seqscan;
SET enable_indexscan = off;
SET enable_bitmapscan = off;
CREATE TEMP TABLE seq_pairs AS SELECT a.id AS a, b.id AS b FROM docs a JOIN docs b ON a.sig % b.sig WHERE a.id < b.id;
RESET enable_indexscan;
RESET enable_bitmapscan;
SELECT (SELECT count(*) FROM seq_pairs) AS seq_pairs, (SELECT count(*) FROM idx_pairs) AS idx_pairs,
       (SELECT count(*) FROM (TABLE idx_pairs EXCEPT TABLE seq_pairs) d) AS false_positives,
       (SELECT count(*) FROM (TABLE seq_pairs EXCEPT TABLE idx_pairs) d) AS missed;
RESET pg_llmcopy.jaccard_threshold;

-- the explicit-threshold form uses the index too
EXPLAIN (costs off) SELECT id FROM docs WHERE minhash_similar(sig, minhash('x y z'::text), 0.8);
SELECT count(*) FROM docs d, (SELECT sig FROM docs WHERE id = 10) q WHERE minhash_similar(d.sig, q.sig, 0.8);

-- bands x rows must be num_perm, checked when building and inserting
CREATE INDEX docs_sig_bad ON docs USING gin (sig minhash_ops (bands = 10, rows = 10));
CREATE INDEX docs_sig_0 ON docs USING gin (sig minhash_ops (bands = 0));
INSERT INTO docs VALUES (9999, 'x', minhash('a b c d e f g'::text, 64));
CREATE INDEX docs_sig_32 ON docs USING gin (sig minhash_ops (bands = 32, rows = 4));
DROP INDEX docs_sig_32;

-- A query built with other parameters raises the mismatch error on the
-- index path as on a sequential scan (it would share no band, and find
-- nothing); the opclass options ngram, mode and seed, with the defaults of
-- minhash(), are the parameters of the indexed signatures.  (both_paths:
-- gin.sql)
SELECT r.seq = r.idx AS same, r.idx
FROM (VALUES ('SELECT count(*) FROM docs WHERE minhash_similar(sig, minhash((SELECT body FROM docs WHERE id = 10), 128, 3), 0.5)'),
             ('SELECT count(*) FROM docs WHERE minhash_similar(sig, minhash((SELECT body FROM docs WHERE id = 10), 128, 5, ''code''), 0.5)'),
             ('SELECT count(*) FROM docs WHERE sig % minhash((SELECT body FROM docs WHERE id = 10), 64)'),
             ('SELECT count(*) FROM docs WHERE minhash_similar(sig, minhash((SELECT body FROM docs WHERE id = 10)), 0.5)')) q(q),
     both_paths(q.q) r;
DROP FUNCTION both_paths(text);
CREATE INDEX docs_sig_3 ON docs USING gin (sig minhash_ops (ngram = 3));

-- Groups: connected components of the pairs, component = smallest id.
SELECT * FROM llmcopy_components('VALUES (1, 2), (2, 3), (10, 11), (5, 5), (3, 1)') ORDER BY id;
SELECT * FROM llmcopy_components('SELECT 7::bigint, 3::smallint') ORDER BY id;
SELECT count(*) FROM llmcopy_components('SELECT 1, 2 WHERE false');
SELECT * FROM llmcopy_components('SELECT 1, 2, 3');
SELECT * FROM llmcopy_components('SELECT 1, ''2''::text');
SELECT * FROM llmcopy_components('SELECT 1, NULL::int');
SELECT * FROM llmcopy_components('CREATE TABLE x (a int)');
SELECT * FROM llmcopy_components('SELEC 1');
-- a long chain and many ids: memory linear, every id in one group
SELECT count(*) AS ids, count(DISTINCT component) AS groups, min(component)
FROM llmcopy_components('SELECT i, i + 1 FROM generate_series(1, 200000) i');

-- The dedup recipe: pairs through the LSH index, groups, keep the smallest id.
CREATE TEMP TABLE keep AS
SELECT d.id FROM docs d
WHERE NOT EXISTS (
    SELECT 1 FROM llmcopy_components(
        $q$SELECT a.id, b.id FROM docs a JOIN docs b ON minhash_similar(a.sig, b.sig, 0.8) WHERE a.id < b.id$q$) c
    WHERE c.id = d.id AND c.component <> d.id);
SELECT (SELECT count(*) FROM docs) AS rows, count(*) AS kept,
       count(*) FILTER (WHERE id >= 1000) AS kept_copies
FROM keep;

-- Cross-table decontamination: which evaluation items appear in the training table?
CREATE TEMP TABLE eval AS
SELECT 1 AS item, body FROM docs WHERE id = 40
UNION ALL SELECT 2, 'an evaluation question that nobody has ever trained on, written fresh for this test run'
UNION ALL SELECT 3, regexp_replace(body, '\S+$', 'different') FROM docs WHERE id = 77;
SELECT e.item, array_agg(d.id ORDER BY d.id) AS found_in_training
FROM eval e LEFT JOIN docs d ON minhash_similar(minhash(e.body), d.sig, 0.8)
GROUP BY e.item ORDER BY e.item;
