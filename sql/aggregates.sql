-- The aggregates: exact against a reference computed by plain SQL, in
-- memory and spilled to temporary files past work_mem, in parallel and by
-- partition (partial states combined), as another role, and cancellable.

-- The hashes of a fingerprint, from its text form, as fixed-width hex
-- (ordered as the numbers are).
CREATE FUNCTION pg_temp.hashes(fingerprint) RETURNS SETOF text LANGUAGE sql IMMUTABLE AS $$
    SELECT h FROM regexp_split_to_table(substring($1::text FROM '\{(.*)\}'), ',') h WHERE h <> ''
$$;
CREATE FUNCTION pg_temp.hash_list(fingerprint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(string_agg(h, ',' ORDER BY h), '') FROM pg_temp.hashes($1) h
$$;

-- 3,000 documents of 40 words as 2-token shingles: a boilerplate opening in
-- four variants, phrases shared by a few documents, then words drawn from
-- 3,000: hashes in 1 to 750 documents; a few NULL and empty fingerprints.
CREATE TABLE agg_docs (id int, part int, fp fingerprint);
INSERT INTO agg_docs
SELECT i, i % 3, fingerprint(string_agg(CASE WHEN j <= 8 THEN 'b' || (j + i % 4)           -- 4 boilerplates
                                            WHEN j <= 16 THEN 'm' || (i % 37 * j % 50)     -- phrases of a few
                                            ELSE 'w' || ((i * j * 7919 + j * j) % 3000) END,
                                       ' ' ORDER BY j), 2, 1)
FROM generate_series(1, 3000) i, generate_series(1, 40) j GROUP BY i;
INSERT INTO agg_docs VALUES (3001, 0, NULL), (3002, 1, fingerprint(''::text, 2, 1)), (3003, 2, NULL);
ANALYZE agg_docs;

-- Reference: each hash and the number of fingerprints holding it.
CREATE TABLE agg_ref AS SELECT h, count(*) AS docs FROM agg_docs, pg_temp.hashes(fp) h GROUP BY h;
SELECT count(*) AS distinct_hashes, sum(docs) AS hashes_in, max(docs) AS most_docs,
       count(*) FILTER (WHERE docs >= 5) AS in_5_or_more
FROM agg_ref;

-- Every result equals the reference: union, min_docs, min_share (the count
-- of non-NULL fingerprints is 3,001: a share s keeps hashes in at least
-- ceil(s * 3001) of them).
CREATE FUNCTION pg_temp.check_all() RETURNS TABLE (what text, ok bool) LANGUAGE sql AS $$
    WITH r(min_docs, want) AS (
        SELECT m, (SELECT coalesce(string_agg(h, ',' ORDER BY h), '') FROM agg_ref WHERE docs >= m)
        FROM unnest(ARRAY[1, 2, 3, 5, 40, 1000000]) m)
    SELECT 'union', pg_temp.hash_list(fingerprint_union_agg(fp)) = (SELECT want FROM r WHERE min_docs = 1)
    FROM agg_docs
    UNION ALL
    SELECT 'min_docs ' || r.min_docs, pg_temp.hash_list((SELECT fingerprint_common_agg(fp, r.min_docs) FROM agg_docs)) = r.want
    FROM r
    UNION ALL
    SELECT 'min_share ' || s, pg_temp.hash_list((SELECT fingerprint_common_agg(fp, s) FROM agg_docs))
                              = (SELECT want FROM r WHERE min_docs = m)
    FROM (VALUES (0.0001::float8, 1), (0.000667, 3), (0.0014, 5), (0.013, 40), (1.0, 1000000)) v(s, m)
$$;
SELECT * FROM pg_temp.check_all();

-- Past work_mem the runs go to temporary files (temp_file_limit shows it),
-- and the answers stay the same: 64kB holds runs of about 4,000 hashes,
-- merged four at a time, in several passes.
SET work_mem = '4MB';
SET temp_file_limit = '16kB';
SELECT (fingerprint_info(fingerprint_common_agg(fp, 2))).hashes > 0 AS fits_in_4mb FROM agg_docs;
SET work_mem = '64kB';
\set VERBOSITY sqlstate
SELECT fingerprint_common_agg(fp, 2) FROM agg_docs;   -- 53400: temp_file_limit
SELECT fingerprint_union_agg(fp) FROM agg_docs;
\set VERBOSITY default
RESET temp_file_limit;
SELECT * FROM pg_temp.check_all();
RESET work_mem;

-- Tokens add up; NULLs are skipped; no rows or only NULLs give NULL.
SELECT (fingerprint_info(fingerprint_union_agg(fp))).tokens = (SELECT sum((fingerprint_info(fp)).tokens) FROM agg_docs) AS tokens_add_up
FROM agg_docs;
SELECT fingerprint_union_agg(fp) IS NULL AS none, fingerprint_common_agg(fp, 1) IS NULL AS none_int,
       fingerprint_common_agg(fp, 0.5) IS NULL AS none_share
FROM agg_docs WHERE fp IS NULL;

-- min_share counts every non-NULL fingerprint, empty ones too, and a share
-- that is an exact count of them is not rounded past it: 2/3 of 3 is 2.
SELECT s, pg_temp.hash_list(fingerprint_common_agg(fp, s)) = pg_temp.hash_list(fingerprint('a b'::text, 2, 1)) AS keeps_a_b,
       (fingerprint_info(fingerprint_common_agg(fp, s))).hashes
FROM (VALUES (fingerprint('a b c'::text, 2, 1)), (fingerprint('x a b'::text, 2, 1)), (fingerprint(''::text, 2, 1)), (NULL)) v(fp),
     (VALUES (0.5::float8), (2 / 3::float8), (0.67)) s(s)
GROUP BY s ORDER BY s;

-- An integer is a count, a fraction a share; errors name the argument.
SELECT (fingerprint_info(fingerprint_common_agg(fp, 1))).hashes AS count_1,
       (fingerprint_info(fingerprint_common_agg(fp, 1.0))).hashes AS share_1
FROM (VALUES (fingerprint('a b'::text, 2, 1)), (fingerprint('b c'::text, 2, 1))) v(fp);
SELECT fingerprint_common_agg(fp, 0.0) FROM agg_docs;
SELECT fingerprint_common_agg(fp, 1.5) FROM agg_docs;
SELECT fingerprint_common_agg(fp, 'NaN'::float8) FROM agg_docs;
SELECT fingerprint_common_agg(fp, NULL::float8) FROM agg_docs;
SELECT fingerprint_common_agg(fp, id / 3000.0) FROM agg_docs;
SELECT fingerprint_common_agg(fp, 0.5) FROM (VALUES (fingerprint('a'::text, 1, 1)), (fingerprint('a'::text, 2, 1))) v(fp);

-- Partial aggregation: with parallel query forced, each worker's state is
-- serialized, and the leader combines them; the answers equal the serial ones.
CREATE TABLE agg_serial AS
SELECT md5(fingerprint_union_agg(fp)::text) AS u, md5(fingerprint_common_agg(fp, 3)::text) AS c,
       md5(fingerprint_common_agg(fp, 0.0014)::text) AS s,
       md5(attribution_agg('author ' || id % 97, 'work ' || id % 89, NULL, CASE WHEN id % 2 = 0 THEN 'MIT' ELSE 'apache 2' END)) AS a
FROM agg_docs;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF)
SELECT fingerprint_union_agg(fp), fingerprint_common_agg(fp, 3), fingerprint_common_agg(fp, 0.0014),
       attribution_agg('author ' || id % 97, 'work ' || id % 89, NULL, CASE WHEN id % 2 = 0 THEN 'MIT' ELSE 'apache 2' END)
FROM agg_docs;
SELECT p.u = s.u AS union_same, p.c = s.c AS common_same, p.s = s.s AS share_same, p.a = s.a AS attribution_same
FROM (SELECT md5(fingerprint_union_agg(fp)::text) AS u, md5(fingerprint_common_agg(fp, 3)::text) AS c,
             md5(fingerprint_common_agg(fp, 0.0014)::text) AS s,
             md5(attribution_agg('author ' || id % 97, 'work ' || id % 89, NULL, CASE WHEN id % 2 = 0 THEN 'MIT' ELSE 'apache 2' END)) AS a
      FROM agg_docs) p, agg_serial s;
-- workers that spill serialize from their temporary files
SET work_mem = '64kB';
SELECT p.u = s.u AS union_same, p.c = s.c AS common_same, p.s = s.s AS share_same
FROM (SELECT md5(fingerprint_union_agg(fp)::text) AS u, md5(fingerprint_common_agg(fp, 3)::text) AS c,
             md5(fingerprint_common_agg(fp, 0.0014)::text) AS s
      FROM agg_docs) p, agg_serial s;
RESET work_mem;
SET max_parallel_workers_per_gather = 0;

-- By partition: a hash in one document of each of three partitions is in
-- no partition's min_docs = 3 set, and in the combined one; every answer
-- equals one pass over the same rows.
CREATE TABLE agg_parts (id int, part int, fp fingerprint) PARTITION BY LIST (part);
CREATE TABLE agg_parts_0 PARTITION OF agg_parts FOR VALUES IN (0);
CREATE TABLE agg_parts_1 PARTITION OF agg_parts FOR VALUES IN (1);
CREATE TABLE agg_parts_2 PARTITION OF agg_parts FOR VALUES IN (2);
INSERT INTO agg_parts SELECT * FROM agg_docs;
INSERT INTO agg_parts SELECT 4000 + p, p, fingerprint('one shared passage'::text, 2, 1) FROM generate_series(0, 2) p;
ANALYZE agg_parts;
SET enable_partitionwise_aggregate = on;
EXPLAIN (COSTS OFF) SELECT fingerprint_common_agg(fp, 3) FROM agg_parts;
SELECT (SELECT pg_temp.hash_list(fingerprint('one shared passage'::text, 2, 1)))
       = (SELECT string_agg(h, ',' ORDER BY h) FROM pg_temp.hashes((SELECT fingerprint_common_agg(fp, 3) FROM agg_parts)) h
          WHERE h IN (SELECT pg_temp.hashes(fingerprint('one shared passage'::text, 2, 1)))) AS passage_kept,
       (SELECT count(*) FROM (SELECT part, pg_temp.hashes(fingerprint_common_agg(fp, 3)) h FROM agg_parts GROUP BY part) s
        WHERE h IN (SELECT pg_temp.hashes(fingerprint('one shared passage'::text, 2, 1)))) AS in_a_partition_alone;
SELECT (SELECT md5(fingerprint_common_agg(fp, 3)::text) FROM agg_parts)
       = (SELECT md5(fingerprint_common_agg(fp, 3)::text) FROM (SELECT fp FROM agg_parts ORDER BY id) s) AS common_same,
       (SELECT md5(fingerprint_common_agg(fp, 0.0014)::text) FROM agg_parts)
       = (SELECT md5(fingerprint_common_agg(fp, 0.0014)::text) FROM (SELECT fp FROM agg_parts ORDER BY id) s) AS share_same,
       (SELECT md5(fingerprint_union_agg(fp)::text) FROM agg_parts)
       = (SELECT md5(fingerprint_union_agg(fp)::text) FROM (SELECT fp FROM agg_parts ORDER BY id) s) AS union_same;
RESET enable_partitionwise_aggregate;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;

-- As a role without privileges beyond the table: same answers, spilled too.
CREATE ROLE regress_llmcopy_agg;
GRANT SELECT ON agg_docs, agg_ref TO regress_llmcopy_agg;
SET ROLE regress_llmcopy_agg;
SET work_mem = '64kB';
SELECT * FROM pg_temp.check_all() WHERE what IN ('union', 'min_docs 3', 'min_share 0.0014');
RESET work_mem;
RESET ROLE;

-- 200,000 small fingerprints (the union's compaction once made this quadratic).
SELECT (fingerprint_info(fingerprint_union_agg(fingerprint(i::text || ' x ' || (i % 7)::text, 1, 1)))).hashes
FROM generate_series(1, 200000) i;

-- statement_timeout ends each aggregate on a large input (57014): the same
-- 200,000-hash fingerprint 100,000 times, 20 billion hashes in all.
CREATE TABLE agg_big AS
SELECT fingerprint((SELECT string_agg(i::text, ' ') FROM generate_series(1, 200000) i), 1, 1) AS fp;
\set VERBOSITY sqlstate
SET statement_timeout = '300ms';
SELECT fingerprint_union_agg(fp) FROM agg_big, generate_series(1, 100000);
SELECT fingerprint_common_agg(fp, 2) FROM agg_big, generate_series(1, 100000);
SELECT fingerprint_common_agg(fp, 0.5) FROM agg_big, generate_series(1, 100000);
SELECT attribution_agg('author ' || i, 'title ' || j, NULL, 'MIT') FROM generate_series(1, 10000) i, generate_series(1, 10000) j;
RESET statement_timeout;
\set VERBOSITY default

DROP TABLE agg_docs, agg_ref, agg_serial, agg_parts, agg_big;
DROP ROLE regress_llmcopy_agg;
