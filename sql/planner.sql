-- What the planner is told: selectivity from the threshold, realistic
-- per-call costs, so that small tables (a Citus shard) use their index and
-- large ones build fingerprints in parallel.

-- 625 works of 150 to 600 words and 300 outputs, 60 of which copy 80 words
-- of a work: the size of one of 32 shards of a 20,000-work corpus.
CREATE TABLE pworks AS
SELECT id, body, fingerprint(body) AS fp, minhash(body) AS sig
FROM (SELECT i AS id, string_agg('w' || (abs(hashint8(i * 100003 + j)) % 20000), ' ' ORDER BY j) AS body
      FROM generate_series(1, 625) i, generate_series(1, 150 + i % 450) j
      GROUP BY i) s;
CREATE TABLE poutputs AS
SELECT id, body, fingerprint(body) AS fp, minhash(body) AS sig
FROM (SELECT i AS id,
             CASE WHEN i % 5 = 0
                  THEN 'some new words ' || array_to_string((string_to_array(w.body, ' '))[20:99], ' ') || ' and an ending'
                  ELSE (SELECT string_agg('n' || (abs(hashint8(-i * 7 + j)) % 20000), ' ') FROM generate_series(1, 160) j)
             END AS body
      FROM generate_series(1, 300) i JOIN pworks w ON w.id = 1 + (i * 67) % 625) s;
CREATE INDEX pworks_fp ON pworks USING gin (fp);
CREATE INDEX pworks_sig ON pworks USING gin (sig);
VACUUM ANALYZE pworks, poutputs;

-- Selectivity: every row at threshold 0, then 1 % of rows (PostgreSQL's
-- default for matching operators) times the share of copies that reach the
-- threshold, 1 - t; 1 % when the threshold is not known when planning.
CREATE FUNCTION pg_temp.plan_json(q text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    plan json;
BEGIN
    EXECUTE 'EXPLAIN (FORMAT JSON) ' || q INTO plan;
    RETURN plan;
END $$;
CREATE FUNCTION pg_temp.estimate(q text, what text DEFAULT 'Plan Rows') RETURNS float8
LANGUAGE sql AS $$ SELECT (pg_temp.plan_json(q) -> 0 -> 'Plan' ->> what)::float8 $$;
SELECT t, pg_temp.estimate(format('SELECT * FROM pworks o, pworks w WHERE fingerprint_contained(o.fp, w.fp, %s)', t)) AS contained,
       pg_temp.estimate(format('SELECT * FROM pworks o, pworks w WHERE fingerprint_similar(o.fp, w.fp, %s)', t)) AS similar,
       pg_temp.estimate(format('SELECT * FROM pworks o, pworks w WHERE minhash_similar(o.sig, w.sig, %s)', t)) AS minhash
FROM unnest(ARRAY[0, 0.1, 0.5, 0.9, 1]) t;
SELECT pg_temp.estimate('SELECT * FROM pworks w WHERE fingerprint_contained(fingerprint(''a b c d e f''::text), w.fp, 0.3)') AS restriction,
       pg_temp.estimate('SELECT * FROM pworks w WHERE fingerprint_contained(fingerprint(''a b c d e f''::text), w.fp, w.id / 1000.0)') AS unknown_threshold,
       pg_temp.estimate('SELECT * FROM pworks w WHERE fingerprint_contained(fingerprint(''a b c d e f''::text), w.fp, NULL)') AS null_threshold;

-- The index conditions' operators give the same estimate, from the
-- threshold their query operand carries (built in the query, or constant).
SELECT t, pg_temp.estimate(format('SELECT * FROM poutputs o, pworks w WHERE w.fp %%># fingerprint_with_threshold(o.fp, %s)', t)) AS contains_t,
       pg_temp.estimate(format('SELECT * FROM poutputs o, pworks w WHERE w.fp <%%# fingerprint_with_threshold(o.fp, %s)', t)) AS contained_t,
       pg_temp.estimate(format('SELECT * FROM poutputs o, pworks w WHERE w.fp %%# fingerprint_with_threshold(o.fp, %s)', t)) AS similar_t,
       pg_temp.estimate(format('SELECT * FROM poutputs o, pworks w WHERE w.sig %%# minhash_with_threshold(o.sig, %s)', t)) AS minhash_t,
       pg_temp.estimate(format('SELECT * FROM pworks w WHERE w.fp %%># %L::fingerprint',
                               fingerprint_with_threshold(fingerprint('a b c d e f'::text), t))) AS constant
FROM unnest(ARRAY[0, 0.3, 0.9]) t;
-- The estimator reads a constant only as one of the extension's types:
-- attached (by a superuser) to an operator of another type, it reads
-- nothing and gives PostgreSQL's 1 %.
CREATE OPERATOR ### (LEFTARG = int8, RIGHTARG = int8, FUNCTION = int8eq, RESTRICT = llmcopy_threshold_sel);
CREATE OPERATOR ### (LEFTARG = text, RIGHTARG = text, FUNCTION = texteq, RESTRICT = llmcopy_threshold_sel);
SELECT pg_temp.estimate('SELECT * FROM pworks w WHERE w.id::int8 ### 42') AS int8_constant,
       pg_temp.estimate('SELECT * FROM pworks w WHERE w.id::text ### ''0.5''') AS text_constant,
       round(0.01 * pg_temp.estimate('SELECT * FROM pworks w')) AS one_percent;
DROP OPERATOR ### (int8, int8);
DROP OPERATOR ### (text, text);
-- and the index scan inside the join expects as many rows per probe as the function
SELECT pg_temp.estimate('SELECT * FROM pworks w WHERE fingerprint_contained(fingerprint(''a b c d e f''::text), w.fp, 0.3)') AS function,
       (SELECT (p -> 0 -> 'Plan' -> 'Plans' -> 1 -> 'Plans' -> 0 ->> 'Plan Rows')::float8
        FROM (SELECT pg_temp.plan_json('SELECT o.id, w.id FROM poutputs o JOIN pworks w ON fingerprint_contained(o.fp, w.fp, 0.3)')) j(p))
       AS index_scan_per_probe;

-- A 625-row table: the join probes the index once per output (nothing
-- switched off), and finds the rows a sequential scan finds.  The index
-- plan is estimated many times cheaper than filtering every pair (it runs
-- about 10 times faster); with costs of 1 the two were within 30 % of each
-- other, and which won depended on the shard.
EXPLAIN (costs off) SELECT o.id, w.id FROM poutputs o JOIN pworks w ON fingerprint_contained(o.fp, w.fp, 0.1);
EXPLAIN (costs off) SELECT o.id, w.id FROM poutputs o JOIN pworks w ON fingerprint_similar(o.fp, w.fp, 0.1);
EXPLAIN (costs off) SELECT o.id, w.id FROM poutputs o JOIN pworks w ON o.fp <% w.fp;
EXPLAIN (costs off) SELECT o.id, w.id FROM poutputs o JOIN pworks w ON minhash_similar(o.sig, w.sig, 0.5);
CREATE FUNCTION pg_temp.seq_over_index(q text) RETURNS float8
LANGUAGE plpgsql AS $$
DECLARE
    idx float8 := pg_temp.estimate(q, 'Total Cost');
    seq float8;
BEGIN
    PERFORM set_config('enable_bitmapscan', 'off', true);
    PERFORM set_config('enable_indexscan', 'off', true);
    seq := pg_temp.estimate(q, 'Total Cost');
    PERFORM set_config('enable_bitmapscan', 'on', true);
    PERFORM set_config('enable_indexscan', 'on', true);
    RETURN seq / idx;
END $$;
SELECT pg_temp.seq_over_index('SELECT o.id, w.id FROM poutputs o JOIN pworks w ON fingerprint_contained(o.fp, w.fp, 0.1)') > 5 AS contained,
       pg_temp.seq_over_index('SELECT o.id, w.id FROM poutputs o JOIN pworks w ON fingerprint_similar(o.fp, w.fp, 0.1)') > 5 AS similar,
       pg_temp.seq_over_index('SELECT o.id, w.id FROM poutputs o JOIN pworks w ON o.fp <% w.fp') > 5 AS operator;
-- the scan's query, planned once for any threshold (a generic plan)
SET plan_cache_mode = force_generic_plan;
PREPARE works_of(fingerprint, float8) AS SELECT id FROM pworks WHERE fingerprint_contained($1, fp, $2);
EXPLAIN (costs off) EXECUTE works_of(fingerprint('x'::text), 0.1);
DEALLOCATE works_of;
RESET plan_cache_mode;
CREATE TABLE p_idx AS SELECT o.id AS o, w.id AS w FROM poutputs o JOIN pworks w ON fingerprint_contained(o.fp, w.fp, 0.1);
SET enable_bitmapscan = off;
SET enable_indexscan = off;
CREATE TABLE p_seq AS SELECT o.id AS o, w.id AS w FROM poutputs o JOIN pworks w ON fingerprint_contained(o.fp, w.fp, 0.1);
RESET enable_bitmapscan;
RESET enable_indexscan;
SELECT (SELECT count(*) FROM p_idx) AS found,
       (SELECT count(*) FROM ((TABLE p_idx EXCEPT TABLE p_seq) UNION ALL (TABLE p_seq EXCEPT TABLE p_idx)) d) AS differ;

-- Building fingerprints is expensive: the planner builds them in parallel
-- workers when the table is worth a parallel scan (taken here as cheap to
-- start, as a large table makes it), and did not with the cost of 1.
SET min_parallel_table_scan_size = 0;
SET parallel_setup_cost = 10;
EXPLAIN (costs off) SELECT fingerprint(body) FROM pworks;
EXPLAIN (costs off) SELECT minhash(body) FROM pworks;
BEGIN;
ALTER FUNCTION fingerprint(text, int, int, text) COST 1;
EXPLAIN (costs off) SELECT fingerprint(body) FROM pworks;
ROLLBACK;
RESET min_parallel_table_scan_size;
RESET parallel_setup_cost;

DROP TABLE pworks, poutputs, p_idx, p_seq;
