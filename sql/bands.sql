-- LSH band keys as rows: minhash_bands() and near-duplicate pairs by an
-- equality join on the band key, which give the pairs of the minhash_ops
-- index, and so the same groups.

-- 300 texts, and edited copies of some of them: 1 word in 40, 1 in 12 and
-- 1 in 6 changed (Jaccard of the 5-word shingles about 0.88, 0.65, 0.4).
CREATE TABLE bdocs AS
SELECT i AS id, array_to_string(ARRAY(SELECT substr(md5(i || ':' || j), 1, 6) FROM generate_series(1, 200) j), ' ') AS body
FROM generate_series(1, 300) i;
INSERT INTO bdocs
SELECT e * 1000 + id,
       array_to_string(ARRAY(SELECT CASE WHEN j % (ARRAY[40, 12, 6])[e] = 0 THEN 'edit' || j ELSE w END
                             FROM unnest(string_to_array(body, ' ')) WITH ORDINALITY u(w, j)), ' ')
FROM bdocs, generate_series(1, 3) e
WHERE id % 5 = e;
ALTER TABLE bdocs ADD COLUMN sig minhash;
UPDATE bdocs SET sig = minhash(body);
INSERT INTO bdocs VALUES (9000, 'too short', minhash('too short'::text));
CREATE INDEX bdocs_sig ON bdocs USING gin (sig);
ANALYZE bdocs;

-- A signature has one row per band, numbered from 1; an empty one has none.
SELECT count(*) AS rows, min(band), max(band), count(DISTINCT band_key) AS keys
FROM minhash_bands(minhash((SELECT body FROM bdocs WHERE id = 1)));
SELECT count(*) AS rows FROM minhash_bands(minhash((SELECT body FROM bdocs WHERE id = 1)), 32, 4);
SELECT count(*) AS rows FROM minhash_bands(minhash('too short'::text));
SELECT count(*) AS rows FROM minhash_bands(NULL);
-- equal values in different bands give different keys
SELECT count(DISTINCT band_key) AS keys
FROM minhash_bands(('v1 text num_perm=16 ngram=5 seed=0 tokens=9 {' ||
                    array_to_string(array_fill('0000002a'::text, ARRAY[16]), ',') || '}')::minhash, 4, 4);
-- a band's key depends on its values only: a text and its lightly edited
-- copy share the keys of the bands whose values are equal
WITH v AS (SELECT id, string_to_array(substring(sig::text FROM '\{(.*)\}'), ',') AS vals
           FROM bdocs WHERE id IN (1, 1001))
SELECT count(*) FILTER (WHERE a.band_key = b.band_key) AS shared_keys,
       (SELECT count(*) FROM generate_series(0, 15) g, v x, v y
        WHERE x.id = 1 AND y.id = 1001 AND x.vals[g * 8 + 1:g * 8 + 8] = y.vals[g * 8 + 1:g * 8 + 8]) AS equal_bands
FROM minhash_bands((SELECT sig FROM bdocs WHERE id = 1)) a
JOIN minhash_bands((SELECT sig FROM bdocs WHERE id = 1001)) b USING (band);

-- bands x rows must be num_perm
SELECT * FROM minhash_bands(minhash('a b c d e f g'::text), 10, 10);
SELECT * FROM minhash_bands(minhash('a b c d e f g'::text), 0, 128);
SELECT * FROM minhash_bands(minhash('a b c d e f g'::text), 128, 2000);

\i test/explain.sql
-- Pairs at 0.6: through the band join, through the index (same bands),
-- and by a sequential scan of every pair (no LSH).  The band join and the
-- index agree exactly; both miss only pairs the S-curve misses.
CREATE TABLE bkeys AS SELECT d.id, b.band_key FROM bdocs d, minhash_bands(d.sig) b;
CREATE TABLE band_pairs AS
SELECT DISTINCT x.id AS a, y.id AS b
FROM bkeys x JOIN bkeys y ON x.band_key = y.band_key AND x.id < y.id
JOIN bdocs da ON da.id = x.id JOIN bdocs db ON db.id = y.id
WHERE minhash_similar(da.sig, db.sig, 0.6);
SET enable_seqscan = off;
SELECT * FROM pg_temp.explain('SELECT a.id, b.id FROM bdocs a JOIN bdocs b ON minhash_similar(a.sig, b.sig, 0.6) WHERE a.id < b.id');
CREATE TABLE index_pairs AS
SELECT a.id AS a, b.id AS b FROM bdocs a JOIN bdocs b ON minhash_similar(a.sig, b.sig, 0.6) WHERE a.id < b.id;
RESET enable_seqscan;
SET enable_bitmapscan = off;
SET enable_indexscan = off;
CREATE TABLE all_pairs AS
SELECT a.id AS a, b.id AS b, jaccard(a.sig, b.sig) AS j
FROM bdocs a JOIN bdocs b ON minhash_similar(a.sig, b.sig, 0.6) WHERE a.id < b.id;
RESET enable_bitmapscan;
RESET enable_indexscan;
SELECT (SELECT count(*) FROM band_pairs) AS band_pairs,
       (SELECT count(*) FROM index_pairs) AS index_pairs,
       (SELECT count(*) FROM ((TABLE band_pairs EXCEPT TABLE index_pairs)
                              UNION ALL (TABLE index_pairs EXCEPT TABLE band_pairs)) d) AS differ,
       (SELECT count(*) FROM all_pairs) AS all_pairs,
       (SELECT count(*) FROM (TABLE band_pairs EXCEPT SELECT a, b FROM all_pairs) d) AS not_similar,
       (SELECT count(*) FROM all_pairs p WHERE (p.a, p.b) NOT IN (SELECT a, b FROM band_pairs)) AS missed,
       (SELECT count(*) FROM all_pairs p WHERE (p.a, p.b) NOT IN (SELECT a, b FROM band_pairs) AND p.j >= 0.8) AS missed_at_08;

-- the same groups
SELECT count(*) AS ids, count(DISTINCT component) AS groups,
       count(*) FILTER (WHERE component <> id) AS duplicates
FROM llmcopy_components('SELECT a, b FROM band_pairs');
SELECT count(*) AS differ FROM (
    (SELECT * FROM llmcopy_components('SELECT a, b FROM band_pairs')
     EXCEPT SELECT * FROM llmcopy_components('SELECT a, b FROM index_pairs'))
    UNION ALL
    (SELECT * FROM llmcopy_components('SELECT a, b FROM index_pairs')
     EXCEPT SELECT * FROM llmcopy_components('SELECT a, b FROM band_pairs'))) d;

DROP TABLE bdocs, bkeys, band_pairs, index_pairs, all_pairs;
