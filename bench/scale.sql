-- Ten million documents on one node, measured at 100,000 and 1,000,000
-- (run by bench/run scale; the sizes are psql variables, see bench/run).
--
-- The corpus: the benchmark corpus's 126,809 real documents and variants of
-- them made by bench/scale_corpus.py (lines shuffled, 10 % of words
-- replaced, documents spliced), 1,000,000 rows; the 100,000 are the rows
-- whose id is a multiple of 10 (the same mix).  2,000 outputs of known
-- truth: shuffled words of held-out mails, every 10th with 300 characters
-- of a document of the 100,000 (so of both corpora).  Per size, in this
-- order (bench/scale_size.psql): registration while a writer inserts, GIN
-- builds at several key widths and the latency of && and of
-- fingerprint_contained(…, 0.05), the boilerplate refresh's memory, the
-- scan as 0.2.0 had it (bench/scale_size.psql says how it is reproduced)
-- and the scan now, at the default settings and at 0.02.  First, the
-- fingerprint throughput against md5() and a profile of it.
\pset footer off
SET client_min_messages = warning;
\set ON_ERROR_STOP 1
-- (the shell commands below reach this database and this backend through
-- the environment: psql does not substitute variables in \!)
\setenv PGDATABASE :DBNAME
SELECT pg_backend_pid() AS pid \gset
\setenv SCALE_PID :pid

CREATE TABLE results (size text, step text, value numeric, unit text, note text);
CREATE TABLE lat_results (size text, bits int, query text, p50 numeric, p95 numeric, rows_avg numeric, rows_p50 numeric, found int, queries int);

-- Milliseconds of one statement given as text (best of n).
-- (ms() of bench/common.sql)

-- p50/p95 of one indexed query per planted output: q is a statement on
-- the corpus %s with $1 the output's text and $2 its source's id, returning
-- (rows, whether the source is among them).  A first pass warms the cache.
-- With reps > 1 each query runs reps times in a row and the last is timed:
-- the pages it reads are then in the CPU's caches, not only in shared
-- buffers, which shows what the cold reads of a first run cost.
CREATE FUNCTION lat(size text, bits int, tbl regclass, name text, q text, reps int DEFAULT 1) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    o record;
    t0 timestamptz;
    times float8[] := '{}';
    counts bigint[] := '{}';
    n bigint;
    hit bool;
    nfound int := 0;
BEGIN
    FOR pass IN 1..2 LOOP
        times := '{}'; counts := '{}'; nfound := 0;
        FOR o IN SELECT body, source FROM outputs WHERE source IS NOT NULL ORDER BY id LOOP
            FOR r IN 1..reps LOOP
                t0 := clock_timestamp();
                EXECUTE format(q, tbl) INTO n, hit USING o.body, o.source;
            END LOOP;
            times := times || 1000 * extract(epoch FROM clock_timestamp() - t0)::float8;
            counts := counts || n;
            nfound := nfound + hit::int;
        END LOOP;
    END LOOP;
    INSERT INTO lat_results
    SELECT size, bits, name, round((percentile_cont(0.5) WITHIN GROUP (ORDER BY t))::numeric, 2),
           round((percentile_cont(0.95) WITHIN GROUP (ORDER BY t))::numeric, 2),
           (SELECT round(avg(c), 1) FROM unnest(counts) c),
           (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY c) FROM unnest(counts) c),
           nfound, cardinality(times)
    FROM unnest(times) t;
END $$;

\ir scale_pairs.psql

-- Works a search rechecks away (returned by the index, failing the exact
-- operator): the average over one && search per planted output, from
-- EXPLAIN ANALYZE.
CREATE FUNCTION rechecked_avg(tbl regclass) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
    o record;
    line text;
    n bigint := 0;
    q int := 0;
BEGIN
    FOR o IN SELECT body FROM outputs WHERE source IS NOT NULL ORDER BY id LOOP
        q := q + 1;
        FOR line IN EXECUTE format('EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
                                    SELECT count(*) FROM %s d WHERE fingerprint(%L::text) && d.llmcopy_fp', tbl, o.body) LOOP
            n := n + coalesce(substring(line FROM 'Rows Removed by Index Recheck: (\d+)')::bigint, 0);
        END LOOP;
    END LOOP;
    RETURN round(n::numeric / greatest(q, 1), 1);
END $$;

\echo '## Fingerprint throughput against md5(), one core, the same rows, best of 3'
CREATE TABLE fp_rows AS SELECT kind, body FROM corpus;
SELECT 'code (ASCII-heavy)' AS rows, round(sum(octet_length(body)) / 1e6, 1) AS mb,
       round(sum(octet_length(body)) / 1e3 / ms($q$SELECT sum(length(md5(body))) FROM fp_rows WHERE kind = 'code'$q$)) AS md5_mb_s,
       round(sum(octet_length(body)) / 1e3 / ms($q$SELECT sum((fingerprint_info(fingerprint(body))).hashes) FROM fp_rows WHERE kind = 'code'$q$)) AS fingerprint_mb_s
FROM fp_rows WHERE kind = 'code' \gset code_
SELECT 'all (code, prose, intl: mixed)' AS rows, round(sum(octet_length(body)) / 1e6, 1) AS mb,
       round(sum(octet_length(body)) / 1e3 / ms($q$SELECT sum(length(md5(body))) FROM fp_rows$q$)) AS md5_mb_s,
       round(sum(octet_length(body)) / 1e3 / ms($q$SELECT sum((fingerprint_info(fingerprint(body))).hashes) FROM fp_rows$q$)) AS fingerprint_mb_s
FROM fp_rows \gset all_
SELECT :'code_rows' AS rows, :code_mb AS mb, :code_md5_mb_s AS md5_mb_s, :code_fingerprint_mb_s AS fingerprint_mb_s,
       round(:code_fingerprint_mb_s::numeric / :code_md5_mb_s, 2) AS ratio_to_md5
UNION ALL
SELECT :'all_rows', :all_mb, :all_md5_mb_s, :all_fingerprint_mb_s, round(:all_fingerprint_mb_s::numeric / :all_md5_mb_s, 2);
-- where the time goes: perf over the backend while it fingerprints the mixed rows
\! perf record -q -g -p $SCALE_PID -o bench/work/fingerprint.perf >/dev/null 2>&1 & echo $! > bench/work/perf.pid
SELECT sum((fingerprint_info(fingerprint(body))).hashes) FROM fp_rows, generate_series(1, 3) \g /dev/null
\! kill -INT $(cat bench/work/perf.pid); sleep 3; perf report -q -i bench/work/fingerprint.perf --no-children -g none --sort dso,symbol --percent-limit 1 --stdio 2>/dev/null | grep '%' | head -25 > bench/out/scale_fingerprint_profile.txt
\echo '## Profile of fingerprint() over the mixed rows (perf, self time, symbols over 1 %)'
\! cat bench/out/scale_fingerprint_profile.txt
DROP TABLE fp_rows;

-- Every index below is built as the README's sizing section advises, with
-- maintenance_work_mem = 256MB (bench/run gives the cluster 2GB: an index
-- built in one pass of a 2GB accumulator has its entry pages half full and,
-- at 1M, one level more; BENCHMARKS.md, "Half-full index pages").  The
-- boilerplate refresh takes the same setting as its work_mem.
SET maintenance_work_mem = '256MB';

\echo '## The corpora'
-- (psql -v scale_docs=N makes a smaller one, for trying the script out)
\if :{?scale_docs}
\else
\set scale_docs 1000000
\endif
\setenv SCALE_DOCS :scale_docs
SELECT clock_timestamp() AS t0 \gset
CREATE TABLE big (id int PRIMARY KEY, kind text, origin int, variant text, license text, path text, body text);
\copy big FROM PROGRAM 'python3 bench/scale_corpus.py --docs $SCALE_DOCS'
INSERT INTO results SELECT '1M', 'load (generate and COPY)', round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)::numeric, 1), 's', NULL;
CREATE TABLE c100k AS SELECT * FROM big WHERE id % 10 = 0;
ALTER TABLE c100k ADD PRIMARY KEY (id);
VACUUM ANALYZE big;
VACUUM ANALYZE c100k;
SELECT 'c100k' AS corpus, count(*) AS documents, round(sum(octet_length(body)) / 1e6) AS text_mb,
       count(*) FILTER (WHERE variant = 'real') AS real, count(*) FILTER (WHERE variant = 'shuffled') AS shuffled,
       count(*) FILTER (WHERE variant = 'replaced') AS replaced, count(*) FILTER (WHERE variant = 'spliced') AS spliced
FROM c100k
UNION ALL
SELECT 'big', count(*), round(sum(octet_length(body)) / 1e6), count(*) FILTER (WHERE variant = 'real'),
       count(*) FILTER (WHERE variant = 'shuffled'), count(*) FILTER (WHERE variant = 'replaced'),
       count(*) FILTER (WHERE variant = 'spliced')
FROM big;

-- outputs of known truth
\ir scale_outputs.psql

\set size 100k
\set tbl c100k
\set first_id 20000000
\ir scale_size.psql
\set skip_generated 1
\set size 1M
\set tbl big
\set first_id 30000000
\ir scale_size.psql

\echo '## Steps, both sizes'
SELECT size, step, value, unit, note FROM results ORDER BY size = '1M', ctid;
\echo '## Query latency by key width (200 queries: the planted outputs, fingerprinted in the query)'
SELECT size, bits, query, p50 AS p50_ms, p95 AS p95_ms, rows_avg, rows_p50, found AS source_found FROM lat_results ORDER BY query, size = '1M', bits;
\echo '## Query latency, the two sizes in pairs (mixed keys at the recommended widths, the indexes registration builds; p50 ms, 200 queries a size a round)'
SELECT lat_pair('&&', 'SELECT count(*), coalesce(bool_or(d.id = $2), false) FROM %s d WHERE fingerprint($1) && d.llmcopy_fp', 5) \g /dev/null
SELECT lat_pair('contained 0.05', 'SELECT count(*), coalesce(bool_or(d.id = $2), false) FROM %s d WHERE fingerprint_contained(fingerprint($1), d.llmcopy_fp, 0.05)', 5) \g /dev/null
SELECT query, round, p50_100k AS p50_100k_ms, p50_1m AS p50_1m_ms, ratio, rows_p50_100k, rows_p50_1m FROM pair_results ORDER BY query, round;
SELECT llmcopy_unregister(t) FROM unnest(ARRAY['c100k', 'big']::regclass[]) t \g /dev/null
