-- Equality, order and hashing of fingerprints and MinHash signatures.

SELECT c.opcname, a.amname, amvalidate(c.oid)
FROM pg_opclass c JOIN pg_am a ON a.oid = c.opcmethod
WHERE c.opcname IN ('fingerprint_btree_ops', 'fingerprint_hash_ops', 'minhash_btree_ops', 'minhash_hash_ops')
ORDER BY 1;

-- Texts that differ in case, punctuation and spacing have the same tokens,
-- so the same fingerprint and signature; 100 sentences in three spellings.
CREATE TABLE eqdocs AS
SELECT i AS id, CASE i / 100
                    WHEN 0 THEN s
                    WHEN 1 THEN upper(s) || '!'
                    ELSE replace(s, ' ', ',  ') || '.'
                END AS body
FROM generate_series(0, 299) i,
     LATERAL (SELECT 'sentence number ' || (i % 100) || ' speaks of ' ||
                     (ARRAY['rivers', 'stones', 'ships', 'letters', 'lamps'])[1 + i % 5] ||
                     ' and of ' || (i % 100) * 7 || ' other things in the old town' AS s) t;
ALTER TABLE eqdocs ADD COLUMN fp fingerprint, ADD COLUMN sig minhash, ADD COLUMN toks text;
UPDATE eqdocs SET fp = fingerprint(body, 3, 2), sig = minhash(body, 64, 3),
                  toks = (SELECT string_agg(token, ' ' ORDER BY n) FROM llmcopy_tokens(body));
ANALYZE eqdocs;
SELECT count(DISTINCT toks) AS token_sequences FROM eqdocs;

-- Equal values are equal, also when they differ only in representation:
-- rebuilt, read back from text and from binary, with a query threshold
-- (which is shown, and is not part of the value).
CREATE TABLE eqbin (id int, fp fingerprint, sig minhash);
COPY (SELECT id, fp, sig FROM eqdocs) TO '/tmp/pg_llmcopy_equality.bin' (FORMAT binary);
COPY eqbin FROM '/tmp/pg_llmcopy_equality.bin' (FORMAT binary);
SELECT count(*) AS rows,
       bool_and(d.fp = fingerprint(body, 3, 2)) AS rebuilt,
       bool_and(d.fp = d.fp::text::fingerprint) AS from_text,
       bool_and(d.fp = b.fp) AS from_binary,
       bool_and(d.fp = fingerprint_with_threshold(d.fp, 0.3)) AS with_threshold,
       bool_and(d.fp::text <> fingerprint_with_threshold(d.fp, 0.3)::text) AS shown_differently
FROM eqdocs d JOIN eqbin b USING (id);
SELECT bool_and(d.sig = minhash(body, 64, 3)) AS rebuilt,
       bool_and(d.sig = d.sig::text::minhash) AS from_text,
       bool_and(d.sig = b.sig) AS from_binary,
       bool_and(d.sig = minhash_with_threshold(d.sig, 0.8)) AS with_threshold
FROM eqdocs d JOIN eqbin b USING (id);

-- ... and hash alike, with the standard hash the low 32 bits of the
-- extended hash at seed 0, and other seeds giving other hashes.
SELECT bool_and(fingerprint_hash(fp) = fingerprint_hash(fingerprint_with_threshold(fingerprint(body, 3, 2), 0.5))) AS fp_hash,
       bool_and(fingerprint_hash_extended(fp, 7) = fingerprint_hash_extended(fp::text::fingerprint, 7)) AS fp_hash_ext,
       bool_and(fingerprint_hash(fp) = (fingerprint_hash_extended(fp, 0) & 4294967295)::bit(32)::int) AS fp_low_bits,
       bool_and(fingerprint_hash_extended(fp, 0) <> fingerprint_hash_extended(fp, 1)) AS fp_seeded,
       bool_and(minhash_hash(sig) = minhash_hash(minhash_with_threshold(minhash(body, 64, 3), 0.9))) AS mh_hash,
       bool_and(minhash_hash(sig) = (minhash_hash_extended(sig, 0) & 4294967295)::bit(32)::int) AS mh_low_bits
FROM eqdocs;

-- The hash of a value that is stored out of line (a large fingerprint is
-- toasted) is the hash of the value: detoasted first.
CREATE TABLE eqbig (id int, fp fingerprint);
ALTER TABLE eqbig ALTER COLUMN fp SET STORAGE external;
INSERT INTO eqbig SELECT 1, fingerprint(string_agg('word' || i, ' '), 5, 1) FROM generate_series(1, 5000) i;
SELECT (SELECT pg_relation_size(reltoastrelid) > 0 FROM pg_class WHERE relname = 'eqbig') AS out_of_line,
       fp = (SELECT fingerprint(string_agg('word' || i, ' '), 5, 1) FROM generate_series(1, 5000) i) AS equal,
       fingerprint_hash(fp) = fingerprint_hash((SELECT fingerprint(string_agg('word' || i, ' '), 5, 1)
                                                FROM generate_series(1, 5000) i)) AS hash_equal
FROM eqbig;

-- Parameters, token counts and hashes all make the value: values that
-- differ in any of them are not equal, and never an error (equality is not
-- a similarity).
SELECT 'v1 text k=5 w=10 seed=0 tokens=7 {00000000000000aa}'::fingerprint
     = 'v1 text k=5 w=10 seed=0 tokens=7 {00000000000000aa}'::fingerprint AS same,
       'v1 text k=5 w=10 seed=0 tokens=7 {00000000000000aa}'::fingerprint
     = 'v1 text k=5 w=10 seed=0 tokens=8 {00000000000000aa}'::fingerprint AS other_tokens,
       'v1 text k=5 w=10 seed=0 tokens=7 {00000000000000aa}'::fingerprint
     = 'v1 text k=4 w=10 seed=0 tokens=7 {00000000000000aa}'::fingerprint AS other_k,
       'v1 text k=5 w=10 seed=0 tokens=7 {00000000000000aa}'::fingerprint
     = 'v1 code k=5 w=10 seed=0 tokens=7 {00000000000000aa}'::fingerprint AS other_mode,
       'v1 text k=5 w=10 seed=0 tokens=7 {00000000000000aa}'::fingerprint
     = 'v1 text k=5 w=10 seed=0 tokens=7 {00000000000000aa,00000000000000ab}'::fingerprint AS more_hashes,
       'v1 text k=5 w=10 seed=0 tokens=7 {00000000000000aa}'::fingerprint
    <> 'v1 text k=5 w=11 seed=0 tokens=7 {00000000000000aa}'::fingerprint AS other_w_differs;
SELECT minhash('one two three'::text, 16, 5) = minhash('four five six'::text, 16, 5) AS empty_same_tokens,
       minhash('one two three'::text, 16, 5) = minhash('four five'::text, 16, 5) AS empty_other_tokens,
       minhash('one two three'::text, 16, 5) = minhash('four five'::text, 32, 5) AS other_num_perm,
       minhash('a b c d e f'::text, 16, 3) = minhash('a b c d e f'::text, 16, 2) AS other_ngram;

-- The order is total and agrees with equality, over every pair and triple
-- of a sample that holds equal values, other parameters and empty values.
CREATE TABLE eqsample AS
SELECT row_number() OVER () AS n, fp, sig FROM (
    SELECT fp, sig FROM eqdocs WHERE id % 10 IN (0, 3)
    UNION ALL SELECT fingerprint(body, 4, 2), minhash(body, 32, 3) FROM eqdocs WHERE id % 50 = 1
    UNION ALL SELECT fingerprint(''::text, 3, 2), minhash(''::text, 64, 3)
    UNION ALL SELECT fingerprint('x'::text, 3, 2), minhash('x y z'::text, 64, 3)) s;
SELECT count(*) AS pairs,
       count(*) FILTER (WHERE fingerprint_cmp(a.fp, b.fp) <> -fingerprint_cmp(b.fp, a.fp)) AS fp_asymmetric,
       count(*) FILTER (WHERE (fingerprint_cmp(a.fp, b.fp) = 0) <> (a.fp = b.fp)) AS fp_cmp_not_eq,
       count(*) FILTER (WHERE (a.fp < b.fp) <> (fingerprint_cmp(a.fp, b.fp) < 0)
                           OR (a.fp <= b.fp) <> (fingerprint_cmp(a.fp, b.fp) <= 0)
                           OR (a.fp > b.fp) <> (fingerprint_cmp(a.fp, b.fp) > 0)
                           OR (a.fp >= b.fp) <> (fingerprint_cmp(a.fp, b.fp) >= 0)
                           OR (a.fp <> b.fp) = (a.fp = b.fp)) AS fp_operators_disagree,
       count(*) FILTER (WHERE a.fp = b.fp AND fingerprint_hash(a.fp) <> fingerprint_hash(b.fp)) AS fp_equal_hash_differ,
       count(*) FILTER (WHERE minhash_cmp(a.sig, b.sig) <> -minhash_cmp(b.sig, a.sig)) AS mh_asymmetric,
       count(*) FILTER (WHERE (minhash_cmp(a.sig, b.sig) = 0) <> (a.sig = b.sig)) AS mh_cmp_not_eq,
       count(*) FILTER (WHERE (a.sig < b.sig) <> (minhash_cmp(a.sig, b.sig) < 0)
                           OR (a.sig >= b.sig) <> (minhash_cmp(a.sig, b.sig) >= 0)
                           OR (a.sig <> b.sig) = (a.sig = b.sig)) AS mh_operators_disagree,
       count(*) FILTER (WHERE a.sig = b.sig AND minhash_hash(a.sig) <> minhash_hash(b.sig)) AS mh_equal_hash_differ,
       count(*) FILTER (WHERE a.fp = b.fp AND a.n <> b.n) > 0 AS some_equal_pairs
FROM eqsample a, eqsample b;
SELECT count(*) AS triples,
       count(*) FILTER (WHERE a.fp <= b.fp AND b.fp <= c.fp AND NOT a.fp <= c.fp) AS fp_intransitive,
       count(*) FILTER (WHERE a.sig <= b.sig AND b.sig <= c.sig AND NOT a.sig <= c.sig) AS mh_intransitive
FROM eqsample a, eqsample b, eqsample c;
-- distinct values hash apart (no collision among them)
SELECT count(DISTINCT fp) = count(DISTINCT fingerprint_hash(fp)) AS fp_no_collision,
       count(DISTINCT fp) = count(DISTINCT fingerprint_hash_extended(fp, 99)) AS fp_ext_no_collision,
       count(DISTINCT sig) = count(DISTINCT minhash_hash(sig)) AS mh_no_collision
FROM eqsample;

-- DISTINCT, GROUP BY, UNION, count(DISTINCT), by hashing and by sorting:
-- the groups are those of the token sequences.
CREATE FUNCTION pg_temp.groups_equal(q text, want text, node text, OUT plan_uses_node bool, OUT same bool)
LANGUAGE plpgsql AS $$
DECLARE
    line text;
BEGIN
    plan_uses_node := false;
    FOR line IN EXECUTE 'EXPLAIN (costs off) ' || q LOOP
        plan_uses_node := plan_uses_node OR line ~ ('^\s*(->\s+)?' || node || '\M');
    END LOOP;
    EXECUTE format('SELECT NOT EXISTS ((%s EXCEPT ALL %s) UNION ALL (%s EXCEPT ALL %s))', q, want, want, q) INTO same;
END $$;

SET enable_sort = off;
SELECT * FROM pg_temp.groups_equal(
    'SELECT count(*) FROM eqdocs GROUP BY fp', 'SELECT count(*) FROM eqdocs GROUP BY toks', 'HashAggregate');
SELECT * FROM pg_temp.groups_equal(
    'SELECT count(*) FROM (SELECT DISTINCT fp FROM eqdocs) d', 'SELECT 100::bigint', 'HashAggregate');
SELECT * FROM pg_temp.groups_equal(
    'SELECT count(*) FROM (SELECT sig FROM eqdocs WHERE id < 150 UNION SELECT sig FROM eqdocs WHERE id >= 150) u',
    'SELECT count(*) FROM (SELECT toks FROM eqdocs WHERE id < 150 UNION SELECT toks FROM eqdocs WHERE id >= 150) u',
    'HashAggregate');
RESET enable_sort;
SET enable_hashagg = off;
SELECT * FROM pg_temp.groups_equal(
    'SELECT count(*) FROM eqdocs GROUP BY sig', 'SELECT count(*) FROM eqdocs GROUP BY toks', 'GroupAggregate');
SELECT * FROM pg_temp.groups_equal(
    'SELECT count(*) FROM (SELECT fp FROM eqdocs WHERE id < 150 UNION SELECT fp FROM eqdocs WHERE id >= 150) u',
    'SELECT 100::bigint', 'Unique');
RESET enable_hashagg;
SELECT count(DISTINCT fp) AS fps, count(DISTINCT sig) AS sigs, count(DISTINCT toks) AS token_sequences FROM eqdocs;

-- Joins on equality: hash join and merge join give the pairs of equal token sequences.
SET enable_mergejoin = off;
SET enable_nestloop = off;
SELECT * FROM pg_temp.groups_equal(
    'SELECT a.id, b.id FROM eqdocs a JOIN eqdocs b ON a.fp = b.fp',
    'SELECT a.id, b.id FROM eqdocs a JOIN eqdocs b ON a.toks = b.toks', 'Hash Join');
SELECT * FROM pg_temp.groups_equal(
    'SELECT a.id, b.id FROM eqdocs a JOIN eqdocs b ON a.sig = b.sig',
    'SELECT a.id, b.id FROM eqdocs a JOIN eqdocs b ON a.toks = b.toks', 'Hash Join');
RESET enable_mergejoin;
SET enable_hashjoin = off;
SELECT * FROM pg_temp.groups_equal(
    'SELECT a.id, b.id FROM eqdocs a JOIN eqdocs b ON a.fp = b.fp',
    'SELECT a.id, b.id FROM eqdocs a JOIN eqdocs b ON a.toks = b.toks', 'Merge Join');
RESET enable_hashjoin;
RESET enable_nestloop;
SELECT count(*) AS pairs FROM eqdocs a JOIN eqdocs b ON a.fp = b.fp;

\i test/explain.sql
-- Hash and btree indexes find the rows a sequential scan finds.
CREATE INDEX eqdocs_fp_hash ON eqdocs USING hash (fp);
CREATE INDEX eqdocs_sig_btree ON eqdocs (sig);
SET enable_seqscan = off;
SET enable_bitmapscan = off;
SELECT * FROM pg_temp.explain($$SELECT id FROM eqdocs WHERE fp = (SELECT fingerprint('x'::text, 3, 2))$$);
SELECT array_agg(id ORDER BY id) FROM eqdocs
WHERE fp = fingerprint('SENTENCE NUMBER 7 speaks of ships and of 49 other things in the old town'::text, 3, 2);
SELECT * FROM pg_temp.explain($$SELECT id FROM eqdocs WHERE sig = (SELECT minhash('x'::text, 64, 3))$$);
SELECT array_agg(id ORDER BY id) FROM eqdocs
WHERE sig = minhash('sentence number 7 speaks of ships and of 49 other things in the old town'::text, 64, 3);
RESET enable_seqscan;
RESET enable_bitmapscan;
SELECT array_agg(id ORDER BY id) FROM eqdocs
WHERE fp = fingerprint('sentence number 7 speaks of ships and of 49 other things in the old town'::text, 3, 2);
DROP TABLE eqdocs, eqbin, eqbig, eqsample;
