-- Benchmark for MinHash and LSH (run by bench/run minhash).
\pset footer off
SET client_min_messages = warning;

-- The documents: the corpus's code and prose (not the man pages), plus
-- planted near-duplicates of 2,000 of them with random word edits at 2 %,
-- 5 %, 10 % and 20 % (substitution, deletion, insertion), and the exact
-- duplicates the real data already holds.
CREATE TABLE dd AS SELECT id, body FROM corpus WHERE kind <> 'intl';
CREATE FUNCTION edit(body text, rate float8, seed int) RETURNS text LANGUAGE sql AS $$
    SELECT string_agg(CASE WHEN r < rate / 3 THEN 'zq' || (seed % 1000)::text
                           WHEN r < 2 * rate / 3 THEN NULL
                           WHEN r < rate THEN w || ' inserted'
                           ELSE w END, ' ' ORDER BY n)
    FROM (SELECT n, w, random() AS r FROM regexp_split_to_table(body, '\s+') WITH ORDINALITY t(w, n)) s
$$;
SELECT setseed(0.11);
CREATE TABLE planted AS
SELECT 10000000 + s.id AS id, s.id AS source, r.rate, edit(s.body, r.rate, s.id) AS body
FROM (SELECT id, body, row_number() OVER (ORDER BY md5(id::text)) AS rn FROM dd WHERE length(body) > 1500) s
JOIN (VALUES (0, 0.02), (1, 0.05), (2, 0.10), (3, 0.20)) r(k, rate) ON s.rn % 4 = r.k
WHERE s.rn <= 2000;
INSERT INTO dd SELECT id, body FROM planted;
VACUUM ANALYZE dd;
SELECT count(*) AS documents, round(sum(octet_length(body)) / 1e6, 1) AS mb,
       (SELECT count(*) FROM planted) AS planted_near_duplicates FROM dd;

\echo '## Signature throughput, one core, same rows (best of 3)'
SELECT f.fn, round(ms(format('SELECT count(%s) FROM dd', f.expr))) AS ms,
       round((SELECT sum(octet_length(body)) FROM dd) / 1e6 / (ms(format('SELECT count(%s) FROM dd', f.expr), 1) / 1000)) AS mb_per_s
FROM (VALUES ('md5', 'md5(body)'), ('minhash 64', 'minhash(body, 64)'),
             ('minhash 128', 'minhash(body)'), ('minhash 256', 'minhash(body, 256)')) f(fn, expr);

\echo '## Build: signatures, LSH index (16 x 8)'
ALTER TABLE dd ADD COLUMN sig minhash;
SELECT round(ms('UPDATE dd SET sig = minhash(body)', 1)) AS signature_column_ms;
VACUUM ANALYZE dd;
SELECT round(ms('CREATE INDEX dd_sig ON dd USING gin (sig)', 1)) AS lsh_index_build_ms;
SELECT pg_size_pretty(pg_relation_size('dd_sig')) AS lsh_index,
       round(pg_relation_size('dd_sig') / sum(octet_length(body))::numeric, 3) AS index_to_text,
       round(avg(pg_column_size(sig))) AS bytes_per_signature
FROM dd;

\echo '## Self-join of the whole table at 0.8 through the LSH index'
CREATE TABLE lsh_pairs (a int, b int);
SELECT round(ms($q$INSERT INTO lsh_pairs SELECT a.id, b.id FROM dd a JOIN dd b ON minhash_similar(a.sig, b.sig, 0.8) WHERE a.id < b.id$q$, 1)) AS self_join_ms;
SELECT count(*) AS pairs FROM lsh_pairs;
SELECT round(ms($q$SELECT count(*) FROM llmcopy_components('SELECT a, b FROM lsh_pairs')$q$, 1)) AS components_ms,
       (SELECT count(DISTINCT component) FROM llmcopy_components('SELECT a, b FROM lsh_pairs')) AS groups;

-- The truth: exact Jaccard of the shingle sets.  fingerprint(body, 5, 1)
-- keeps every 5-shingle, and its GIN index finds every pair over the
-- threshold exactly (index = sequential scan, tested), so it gives all
-- pairs with exact Jaccard >= 0.8.
ALTER TABLE dd ADD COLUMN shingles fingerprint;
UPDATE dd SET shingles = fingerprint(body, 5, 1);
CREATE INDEX dd_shingles ON dd USING gin (shingles fingerprint_ops (w = 1));
CREATE TABLE exact_pairs AS
SELECT a.id AS a, b.id AS b FROM dd a JOIN dd b ON fingerprint_similar(a.shingles, b.shingles, 0.8) WHERE a.id < b.id;

\echo '## LSH at 0.8 against exact Jaccard >= 0.8'
SELECT (SELECT count(*) FROM exact_pairs) AS exact_pairs,
       (SELECT count(*) FROM lsh_pairs) AS lsh_pairs,
       round(100.0 * (SELECT count(*) FROM lsh_pairs JOIN exact_pairs USING (a, b)) / (SELECT count(*) FROM exact_pairs), 2) AS recall_pct,
       round(100.0 * (SELECT count(*) FROM lsh_pairs JOIN exact_pairs USING (a, b)) / (SELECT count(*) FROM lsh_pairs), 2) AS precision_pct;

\echo '## Planted near-duplicates found (pair source-copy at 0.8), by edit rate'
SELECT p.rate, count(*) AS planted,
       round(avg(jaccard(fingerprint(s.body, 5, 1), fingerprint(p.body, 5, 1)))::numeric, 3) AS mean_exact_jaccard,
       count(*) FILTER (WHERE jaccard(fingerprint(s.body, 5, 1), fingerprint(p.body, 5, 1)) >= 0.8) AS exact_ge_08,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM lsh_pairs l WHERE l.a = p.source AND l.b = p.id)) AS lsh_found
FROM planted p JOIN dd s ON s.id = p.source GROUP BY p.rate ORDER BY p.rate;

\echo '## Estimate error: mean |jaccard(minhash) - exact| over 2,000 pairs, by num_perm'
CREATE TABLE est_pairs AS
SELECT p.source AS a, p.id AS b FROM planted p
UNION ALL
SELECT a, b FROM (SELECT id AS a, lead(id) OVER (ORDER BY id) AS b FROM dd WHERE id % 97 = 0 LIMIT 1000) s WHERE b IS NOT NULL;
SELECT np AS num_perm,
       round(avg(abs(jaccard(minhash(x.body, np), minhash(y.body, np)) - jaccard(x.shingles, y.shingles)))::numeric, 4) AS mean_abs_error,
       count(*) AS pairs
FROM est_pairs e JOIN dd x ON x.id = e.a JOIN dd y ON y.id = e.b, (VALUES (64), (128), (256)) n(np)
GROUP BY np ORDER BY np;
