-- Benchmark for the aggregates (run by bench/run aggregates): the union's
-- speed against the common set and a plain count over the same rows;
-- time, temporary files and peak backend memory of the boilerplate
-- aggregate past work_mem, on the real corpus and on eight times as many
-- documents; how soon statement_timeout ends each aggregate.
\pset footer off
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;
VACUUM ANALYZE corpus;

-- fingerprints of the corpus (default parameters) and its shingle sets
-- (w = 1, what the boilerplate refresh aggregates), in id order; 200,000
-- small fingerprints, as in the report that found the quadratic sort
CREATE TABLE agg_fp AS SELECT id, fingerprint(body) AS fp FROM corpus ORDER BY id;
CREATE TABLE agg_sh AS SELECT id, fingerprint(body, 5, 1) AS fp FROM corpus ORDER BY id;
CREATE TABLE agg_small AS
SELECT i AS id, fingerprint(i::text || ' x ' || (i % 7)::text, 1, 1) AS fp FROM generate_series(1, 200000) i;
VACUUM ANALYZE agg_fp;
VACUUM ANALYZE agg_sh;
VACUUM ANALYZE agg_small;

CREATE FUNCTION agg_explain(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN
    EXECUTE 'EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ' || q INTO r;
    RETURN r;
END $$;
CREATE TABLE agg_runs (label text, work_mem text, timeout text, ms float8, peak_kb bigint, temp_blocks bigint, canceled bool);

\echo '## Union against the common set (min_docs 1: the same answer) and count(fp), best of 3, ms'
CREATE TABLE agg_speed (work_mem text, input text, rows int, hashes_in bigint, count_ms float8, union_ms float8, common1_ms float8);
CREATE FUNCTION agg_speed_run(wm text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    inp record;
BEGIN
    PERFORM set_config('work_mem', wm, false);
    FOR inp IN SELECT * FROM (VALUES ('agg_small', 50000), ('agg_small', 100000), ('agg_small', 200000),
                                     ('agg_fp', 5000), ('agg_fp', 10000), ('agg_fp', 20000),
                                     ('agg_fp', 126809)) v(t, n) LOOP
        EXECUTE format($q$
            INSERT INTO agg_speed
            SELECT %1$L, %2$L, %3$s, (SELECT sum((fingerprint_info(fp)).hashes) FROM %2$I WHERE id <= %3$s),
                   ms('SELECT count(fp) FROM %2$I WHERE id <= %3$s'),
                   ms('SELECT fingerprint_union_agg(fp) IS NULL FROM %2$I WHERE id <= %3$s'),
                   ms('SELECT fingerprint_common_agg(fp, 1) IS NULL FROM %2$I WHERE id <= %3$s')$q$,
            wm, inp.t, inp.n);
    END LOOP;
END $$;
SELECT agg_speed_run('4MB');
SELECT agg_speed_run('256MB');
RESET work_mem;
SELECT work_mem, CASE input WHEN 'agg_small' THEN 'small fingerprints' ELSE 'corpus documents' END AS input,
       rows, hashes_in, round(count_ms) AS count_ms, round(union_ms) AS union_ms, round(common1_ms) AS common1_ms,
       round((union_ms / common1_ms)::numeric, 2) AS union_to_common1
FROM agg_speed ORDER BY work_mem DESC, input DESC, rows;

\echo '## Boilerplate of the corpus: fingerprint_common_agg(fp, 100) over its stored shingle sets, by work_mem'
SELECT count(*) AS documents, sum((fingerprint_info(fp)).hashes) AS shingles_in,
       round(8 * sum((fingerprint_info(fp)).hashes) / 1e6) AS mb_at_8_bytes_each,
       (SELECT (fingerprint_info(fingerprint_union_agg(fp))).hashes FROM agg_sh) AS distinct_shingles,
       (SELECT (fingerprint_info(fingerprint_common_agg(fp, 100))).hashes FROM agg_sh) AS in_100_documents
FROM agg_sh;
\set q 'SELECT fingerprint_common_agg(fp, 100) FROM agg_sh'
\set to 0
\set label 'shingle sets, stored'
\set wm '1MB'
\i bench/aggregates_run.psql
\set wm '4MB'
\i bench/aggregates_run.psql
\set wm '64MB'
\i bench/aggregates_run.psql
\set wm '1GB'
\i bench/aggregates_run.psql

\echo '## The boilerplate refresh query: shingles computed in the query, on the corpus and on a million documents'
-- Eight more variants of every code and prose document (intl text has no
-- a, e, o to mark) with a digit after each a, e and o: nearly every
-- shingle of a variant is new, so the distinct shingles grow about
-- nine-fold, the hardest case for the count.
CREATE FUNCTION agg_variant(body text, g int) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN g = 0 THEN body ELSE replace(replace(replace(body, 'e', 'e' || g), 'a', 'a' || g), 'o', 'o' || g) END
$$;
CREATE VIEW agg_million AS
SELECT agg_variant(body, g) AS body FROM corpus, generate_series(0, 8) g WHERE g = 0 OR kind <> 'intl';
SELECT count(*) AS documents, round(sum(octet_length(body)) / 1e6) AS mb, sum((fingerprint_info(fp)).hashes) AS shingles_in,
       round(8 * sum((fingerprint_info(fp)).hashes) / 1e6) AS mb_at_8_bytes_each,
       (fingerprint_info(fingerprint_union_agg(fp))).hashes AS distinct_shingles
FROM (SELECT body, fingerprint(body, 5, 1) AS fp FROM agg_million) s;
SELECT 'corpus, ' || to_char(count(*), 'FM9,999,999') || ' documents' AS clabel FROM corpus \gset
SELECT 'variants, ' || to_char(count(*), 'FM9,999,999') || ' documents' AS vlabel FROM agg_million \gset
\set label :clabel
\set q 'SELECT fingerprint_common_agg(fingerprint(body, 5, 1), 100) FROM corpus'
\set wm '4MB'
\i bench/aggregates_run.psql
\set wm '64MB'
\i bench/aggregates_run.psql
\set label :vlabel
\set q 'SELECT fingerprint_common_agg(fingerprint(body, 5, 1), 100) FROM agg_million'
\set wm '4MB'
\i bench/aggregates_run.psql
\set wm '64MB'
\i bench/aggregates_run.psql
\set label :vlabel ', min_share 0.0008'
\set q 'SELECT fingerprint_common_agg(fingerprint(body, 5, 1), 0.0008) FROM agg_million'
\i bench/aggregates_run.psql
SELECT label, work_mem, round(ms) AS ms, round(peak_kb / 1024.0) AS peak_private_mb,
       round(temp_blocks * 8192 / 1e6) AS temp_written_mb
FROM agg_runs WHERE timeout = '0' ORDER BY label, pg_size_bytes(work_mem);

\echo '## statement_timeout: how long after the timeout each aggregate stops (ms)'
\set wm '1MB'
\set label 'union'
\set q 'SELECT fingerprint_union_agg(fp) FROM agg_sh'
\i bench/aggregates_cancel.psql
\set label 'common, min_docs 100'
\set q 'SELECT fingerprint_common_agg(fp, 100) FROM agg_sh'
\i bench/aggregates_cancel.psql
\set label 'common, min_share 0.001'
\set q 'SELECT fingerprint_common_agg(fp, 0.001) FROM agg_sh'
\i bench/aggregates_cancel.psql
\set label 'attribution_agg, 100M rows'
\set wm '4MB'
\set q 'SELECT attribution_agg(''author '' || i, ''title '' || j, NULL, ''MIT'') FROM generate_series(1, 10000) i, generate_series(1, 10000) j'
\set to 500
\i bench/aggregates_run.psql
\set to 1000
\i bench/aggregates_run.psql
\set to 2000
\i bench/aggregates_run.psql
SELECT label, work_mem, (SELECT round(ms) FROM agg_runs f WHERE f.label = r.label AND f.timeout = '0') AS uncanceled_ms,
       timeout AS timeout_ms, canceled, CASE WHEN canceled THEN round(ms - timeout::float8) END AS latency_ms
FROM agg_runs r WHERE timeout <> '0' ORDER BY label DESC, timeout::int;
