-- Benchmark for fingerprints (run by bench/run fingerprint).
\pset footer off
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- corpus and heldout are loaded by bench/run
VACUUM ANALYZE corpus;

\echo '## Corpus'
SELECT kind, count(*) AS documents, round(sum(octet_length(body)) / 1e6, 1) AS mb,
       round(avg(octet_length(body))) AS avg_bytes,
       round(100.0 * sum(octet_length(body) - length(body)) / sum(octet_length(body)), 1) AS pct_non_ascii_bytes
FROM corpus GROUP BY ROLLUP (kind) ORDER BY kind;

\echo '## Throughput, one core, same rows (best of 3; MB/s of text)'
CREATE TABLE tp AS
SELECT k.kind, f.fn,
       ms(format('SELECT count(%s) FROM corpus WHERE kind = %L', f.expr, k.kind)) AS ms
FROM (VALUES ('code'), ('prose'), ('intl')) k(kind),
     (VALUES ('md5', 'md5(body)'),
             ('fingerprint', 'fingerprint(body)'),
             ('fingerprint code mode', 'fingerprint(body, 5, 10, ''code'')'),
             ('pg_trgm show_trgm', 'show_trgm(body)')) f(fn, expr);
SELECT tp.kind, tp.fn, round(tp.ms) AS ms,
       round((s.bytes / 1e6 / (tp.ms / 1000))::numeric, 1) AS mb_per_s,
       round((m.ms / tp.ms)::numeric, 2) AS ratio_to_md5
FROM tp JOIN tp m ON m.kind = tp.kind AND m.fn = 'md5'
JOIN (SELECT kind, sum(octet_length(body)) AS bytes FROM corpus GROUP BY kind) s ON s.kind = tp.kind
ORDER BY tp.kind, tp.fn;

\echo '## Build: fingerprint column and GIN index, next to pg_trgm'
ALTER TABLE corpus ADD COLUMN fp fingerprint;
SELECT round(ms('UPDATE corpus SET fp = fingerprint(body)', 1)) AS fingerprint_column_ms;
VACUUM ANALYZE corpus;
SELECT round(ms('CREATE INDEX corpus_fp ON corpus USING gin (fp)', 1)) AS gin_fingerprint_build_ms;
SELECT round(ms('CREATE INDEX corpus_trgm ON corpus USING gin (body gin_trgm_ops)', 1)) AS gin_trgm_build_ms;
VACUUM ANALYZE corpus;

\echo '## Sizes, as a fraction of the text bytes'
SELECT pg_size_pretty(sum(octet_length(body))) AS text,
       round(sum(pg_column_size(fp)) / sum(octet_length(body))::numeric, 3) AS fingerprint_column,
       round(avg((fingerprint_info(fp)).hashes), 1) AS avg_hashes_per_doc,
       round(pg_relation_size('corpus_fp') / sum(octet_length(body))::numeric, 3) AS gin_fingerprint_index,
       pg_size_pretty(pg_relation_size('corpus_fp')) AS gin_fingerprint,
       round(pg_relation_size('corpus_trgm') / sum(octet_length(body))::numeric, 3) AS gin_trgm_index,
       pg_size_pretty(pg_relation_size('corpus_trgm')) AS gin_trgm
FROM corpus;

\ir queries.psql
SELECT count(*) AS queries, round(avg(length(body))) AS avg_chars, round(avg(length(copy))) AS avg_copied_chars,
       count(*) FILTER (WHERE copied_tokens >= 14) AS copies_of_14_tokens_or_more
FROM queries;

-- Per-query latency: fingerprint the output and find the works containing it.
CREATE TABLE lat (system text, n int, ms float8, found bool, candidates int);
CREATE FUNCTION run_queries(system text, q text, maxn int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE r record; t0 timestamptz; ids int[];
BEGIN
    FOR r IN SELECT * FROM queries WHERE n <= maxn ORDER BY n LOOP
        t0 := clock_timestamp();
        EXECUTE q INTO ids USING r.body;
        INSERT INTO lat VALUES (system, r.n, 1000 * extract(epoch FROM clock_timestamp() - t0),
                                r.source = ANY (coalesce(ids, '{}')), coalesce(cardinality(ids), 0));
    END LOOP;
END $$;

SELECT run_queries('warm-up', 'SELECT array_agg(id) FROM corpus WHERE fingerprint_contained(fingerprint($1), fp, 0.05)', 200);
SELECT run_queries('pg_llmcopy fingerprint_contained(q, fp, 0.05)',
                   'SELECT array_agg(id) FROM corpus WHERE fingerprint_contained(fingerprint($1), fp, 0.05)', 200);
SELECT run_queries('pg_llmcopy fingerprint_contained(q, fp, 0.02)',
                   'SELECT array_agg(id) FROM corpus WHERE fingerprint_contained(fingerprint($1), fp, 0.02)', 200);
SELECT run_queries('pg_llmcopy fingerprint(q) && fp',
                   'SELECT array_agg(id) FROM corpus WHERE fingerprint($1) && fp', 200);
SET pg_llmcopy.containment_threshold = 0.05;
SELECT run_queries('pg_llmcopy q <% fp (GUC 0.05)',
                   'SELECT array_agg(id) FROM corpus WHERE fingerprint($1) <% fp', 200);
SET pg_trgm.word_similarity_threshold = 0.6;
SELECT run_queries('pg_trgm q <% body (default 0.6), 20 queries',
                   'SELECT array_agg(id) FROM corpus WHERE $1 <% body', 20);
SET pg_trgm.word_similarity_threshold = 0.3;
SELECT run_queries('pg_trgm q <% body (0.3), 3 queries',
                   'SELECT array_agg(id) FROM corpus WHERE $1 <% body', 3);

\echo '## <% latency, 2 KB outputs copying 300 characters (ms)'
SELECT system, count(*) AS queries,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 2) AS p50_ms,
       round(percentile_cont(0.95) WITHIN GROUP (ORDER BY ms)::numeric, 2) AS p95_ms,
       round(100.0 * avg(found::int), 1) AS pct_source_found,
       round(100.0 * avg(found::int) FILTER (WHERE q.copied_tokens >= 14), 1) AS pct_found_copy_ge_14_tokens,
       round(avg(candidates), 1) AS avg_rows
FROM lat JOIN queries q USING (n) WHERE system <> 'warm-up' GROUP BY system ORDER BY system;

\echo '## The plan of the pg_llmcopy query'
EXPLAIN (costs off) SELECT id FROM corpus WHERE fingerprint_contained(fingerprint('x'::text), fp, 0.05);
