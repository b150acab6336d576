-- Benchmark: GIN index builds with and without parallel workers (run by
-- bench/run gin_parallel).  PostgreSQL 18 builds GIN indexes with parallel
-- workers; 15 and 17 build them serially whatever the settings, which the
-- same run on them shows.  The number of workers is set per build through
-- the table's parallel_workers (the leader takes part as well).
\pset footer off
SET client_min_messages = warning;
ALTER TABLE corpus ADD COLUMN fp fingerprint;
ALTER TABLE corpus ADD COLUMN sig minhash;
UPDATE corpus SET fp = fingerprint(body), sig = minhash(body);
VACUUM ANALYZE corpus;
SET maintenance_work_mem = '2GB';
SET max_parallel_maintenance_workers = 4;

\echo '## GIN index build, best of 5 (the builds interleaved), by workers'
CREATE TABLE builds (index text, workers int, run int, ms float8, bytes bigint);
CREATE FUNCTION build(name text, def text, workers int, run int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz;
BEGIN
    EXECUTE format('ALTER TABLE corpus SET (parallel_workers = %s)', workers);
    t0 := clock_timestamp();
    EXECUTE 'CREATE INDEX corpus_ix ON corpus USING gin (' || def || ')';
    INSERT INTO builds VALUES (name, workers, run, 1000 * extract(epoch FROM clock_timestamp() - t0),
                               pg_relation_size('corpus_ix'));
    EXECUTE 'DROP INDEX corpus_ix';
END $$;
SELECT build(i, d, w, r)
FROM generate_series(1, 5) r,
     (VALUES (1, 'fingerprint_ops', 'fp'), (2, 'fingerprint_ops (bits = 32)', 'fp fingerprint_ops (bits = 32)'),
             (3, 'minhash_ops', 'sig')) x(o, i, d),
     (VALUES (0), (1), (2)) y(w)
ORDER BY r, o, w;
SELECT b.index, b.workers, round(b.ms) AS best_ms, round(b.worst) AS worst_ms,
       round((s.ms / b.ms)::numeric, 2) AS speedup, pg_size_pretty(b.bytes) AS size
FROM (SELECT index, workers, min(ms) AS ms, max(ms) AS worst, max(bytes) AS bytes FROM builds GROUP BY 1, 2) b
JOIN (SELECT index, min(ms) AS ms FROM builds WHERE workers = 0 GROUP BY 1) s ON s.index = b.index
ORDER BY b.index, b.workers;
ALTER TABLE corpus RESET (parallel_workers);
