-- Benchmark of the constructors' memo (run by bench/run memo, src/sketch.c):
-- a join that rechecks fingerprint(o.body) for each candidate, against the
-- same join over precomputed fingerprints, and fingerprint() against md5()
-- in bulk, where no text repeats.
\pset footer off
SET client_min_messages = warning;
ALTER TABLE corpus ADD COLUMN fp fingerprint;
UPDATE corpus SET fp = fingerprint(body);
CREATE INDEX corpus_fp ON corpus USING gin (fp);
VACUUM ANALYZE corpus;
\ir queries.psql
ALTER TABLE queries ADD COLUMN fp fingerprint;
UPDATE queries SET fp = fingerprint(body);
-- the same outputs with their texts in line (most of queries' are in TOAST)
CREATE TABLE queries_inline (n int, body text);
ALTER TABLE queries_inline ALTER body SET STORAGE PLAIN;
INSERT INTO queries_inline SELECT n, body || '' FROM queries;
ANALYZE queries, queries_inline;
SELECT (SELECT count(*) FROM queries) AS outputs,
       (SELECT count(*) FROM queries WHERE pg_column_size(body) < octet_length(body)) AS compressed,
       (SELECT count(*) FROM queries_inline WHERE pg_column_size(body) < octet_length(body)) AS inline_compressed;

\echo '## The plan, and the candidates the heap scan rechecks for each output'
EXPLAIN (COSTS OFF) SELECT count(*) FROM queries o JOIN corpus w ON fingerprint(o.body) && w.fp;
CREATE FUNCTION rechecked(cond text) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE plan jsonb;
BEGIN
    EXECUTE 'EXPLAIN (ANALYZE, FORMAT JSON) SELECT count(*) FROM queries o JOIN corpus w ON ' || cond INTO plan;
    plan := jsonb_path_query_first(plan, 'strict $.**?(@."Node Type" == "Bitmap Heap Scan")');
    RETURN round((plan ->> 'Actual Rows')::numeric + coalesce((plan ->> 'Rows Removed by Index Recheck')::numeric, 0)
                 + coalesce((plan ->> 'Rows Removed by Filter')::numeric, 0), 1);
END $$;
SELECT cond, rechecked(cond) AS rechecked_per_output
FROM (VALUES ('o.fp && w.fp'), ('fingerprint_contained(o.fp, w.fp, 0.05)')) c(cond);

\ir memo_times.psql
