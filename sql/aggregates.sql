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

-- The state types, fingerprint_agg_state and attribution_agg_state: what
-- Citus sends from each shard to the coordinator (in text form), and what
-- a parallel worker hands to the leader.  Aggregates made of the
-- transition functions alone return their state as a value; states of
-- three parts, stored, sent through text or binary form and combined, give
-- the answers of one pass over all rows, also when each part's state
-- spilled to temporary files before it was flattened.
CREATE AGGREGATE pg_temp.common_part(fingerprint, int) (SFUNC = fingerprint_common_trans, STYPE = fingerprint_agg_state);
CREATE AGGREGATE pg_temp.share_part(fingerprint, float8) (SFUNC = fingerprint_common_share_trans, STYPE = fingerprint_agg_state);
CREATE AGGREGATE pg_temp.union_part(fingerprint) (SFUNC = fingerprint_union_trans, STYPE = fingerprint_agg_state);
CREATE AGGREGATE pg_temp.attribution_part(text, text, text, text) (SFUNC = attribution_trans, STYPE = attribution_agg_state);
CREATE AGGREGATE pg_temp.common_of(fingerprint_agg_state) (
    SFUNC = fingerprint_agg_combine, STYPE = fingerprint_agg_state,
    FINALFUNC = fingerprint_common_final, FINALFUNC_MODIFY = READ_WRITE);
CREATE AGGREGATE pg_temp.union_of(fingerprint_agg_state) (
    SFUNC = fingerprint_agg_combine, STYPE = fingerprint_agg_state,
    FINALFUNC = fingerprint_union_final, FINALFUNC_MODIFY = READ_WRITE);
CREATE AGGREGATE pg_temp.attribution_of(attribution_agg_state) (
    SFUNC = attribution_combine, STYPE = attribution_agg_state,
    FINALFUNC = attribution_final, FINALFUNC_MODIFY = READ_WRITE);

-- the text forms: the fields readable, the coded hashes or entries in base64
SELECT pg_temp.common_part(fp, 2) AS common, pg_temp.union_part(fp) AS union,
       pg_temp.share_part(fp, 0.5) AS share
FROM (VALUES (fingerprint('a b c'::text, 2, 1)), (fingerprint('x a b'::text, 2, 1)), (NULL)) v(fp);
SELECT pg_temp.common_part(fp, 2) AS no_fingerprint FROM (VALUES (NULL::fingerprint)) v(fp);
SELECT pg_temp.attribution_part(a, t, NULL, l) AS attribution
FROM (VALUES ('Ann', 'One', 'MIT'), ('Ann', 'One', 'mit'), ('Bo', NULL, NULL)) v(a, t, l);

CREATE TABLE agg_states (part int, c fingerprint_agg_state, s fingerprint_agg_state, u fingerprint_agg_state,
                         a attribution_agg_state);
CREATE FUNCTION pg_temp.fill_states() RETURNS void LANGUAGE sql AS $$
    TRUNCATE agg_states;
    INSERT INTO agg_states
    SELECT part, pg_temp.common_part(fp, 3), pg_temp.share_part(fp, 0.0014), pg_temp.union_part(fp),
           pg_temp.attribution_part('author ' || id % 97, 'work ' || id % 89, NULL,
                                    CASE WHEN id % 2 = 0 THEN 'MIT' ELSE 'apache 2' END)
    FROM agg_docs GROUP BY part $$;
CREATE FUNCTION pg_temp.states_same(label text) RETURNS TABLE (way text, union_same bool, common_same bool,
                                                               share_same bool, attribution_same bool)
LANGUAGE sql AS $$
    SELECT label, md5(pg_temp.union_of(u)::text) = (SELECT u FROM agg_serial),
           md5(pg_temp.common_of(c)::text) = (SELECT c FROM agg_serial),
           md5(pg_temp.common_of(s)::text) = (SELECT s FROM agg_serial),
           md5(pg_temp.attribution_of(a)) = (SELECT a FROM agg_serial)
    FROM agg_states
    UNION ALL
    SELECT label || ', through text', md5(pg_temp.union_of(u::text::fingerprint_agg_state)::text) = (SELECT u FROM agg_serial),
           md5(pg_temp.common_of(c::text::fingerprint_agg_state)::text) = (SELECT c FROM agg_serial),
           md5(pg_temp.common_of(s::text::fingerprint_agg_state)::text) = (SELECT s FROM agg_serial),
           md5(pg_temp.attribution_of(a::text::attribution_agg_state)) = (SELECT a FROM agg_serial)
    FROM agg_states $$;
SELECT pg_temp.fill_states();
SELECT count(*) AS parts, bool_and(c::text::fingerprint_agg_state::text = c::text) AS text_round_trip,
       bool_and(a::text::attribution_agg_state::text = a::text) AS attribution_round_trip,
       sum(split_part(split_part(c::text, 'docs=', 3), ' ', 1)::int) AS docs
FROM agg_states;
SELECT * FROM pg_temp.states_same('in memory');
COPY agg_states TO '/tmp/pg_llmcopy_agg_states.bin' (FORMAT binary);
TRUNCATE agg_states;
COPY agg_states FROM '/tmp/pg_llmcopy_agg_states.bin' (FORMAT binary);
SELECT * FROM pg_temp.states_same('binary');
-- each part's state spills (64kB hold about 4,000 hashes) and is merged
-- when it is stored; combining a large state spills it again
SET work_mem = '64kB';
SET temp_file_limit = '16kB';
\set VERBOSITY sqlstate
SELECT pg_temp.fill_states();   -- 53400: temp_file_limit
\set VERBOSITY default
RESET temp_file_limit;
SELECT pg_temp.fill_states();
SELECT * FROM pg_temp.states_same('spilled');
RESET work_mem;

-- States of different aggregates or thresholds do not combine.
SELECT pg_temp.common_of(x) FROM (SELECT c FROM agg_states UNION ALL SELECT u FROM agg_states) v(x);
SELECT pg_temp.common_of(x) FROM (SELECT c FROM agg_states UNION ALL SELECT s FROM agg_states) v(x);
SELECT pg_temp.common_of(x)
FROM (SELECT pg_temp.common_part(fp, 2) FROM agg_docs UNION ALL SELECT pg_temp.common_part(fp, 3) FROM agg_docs) v(x);

-- Bad values are refused, in text (22P02) and binary (22P03) form.
CREATE FUNCTION pg_temp.try(lit text, type regtype) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    detail text;
BEGIN
    EXECUTE format('SELECT %L::%s::text', lit, type) INTO lit;
    RETURN 'accepted: ' || lit;
EXCEPTION WHEN others THEN
    GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
    RETURN SQLSTATE || ': ' || coalesce(nullif(detail, ''), SQLERRM);
END $$;
SELECT lit, pg_temp.try(lit, 'fingerprint_agg_state')
FROM (VALUES ('v1 union docs=1 tokens=3 text k=2 w=1 seed=0 hashes=2 {BQE=}'),     -- hashes 5 and 6: fine
             ('v1 common min_docs=1 docs=2 tokens=3 text k=2 w=1 seed=0 hashes=1 {BQI=}'),  -- 5 in 2: fine
             ('v2 union docs=0 tokens=0 hashes=0 {}'),
             ('v1 union min_docs=2 docs=0 tokens=0 hashes=0 {}'),
             ('v1 common docs=0 tokens=0 hashes=0 {}'),
             ('v1 common min_docs=0 docs=0 tokens=0 hashes=0 {}'),
             ('v1 common min_share=1.5 docs=0 tokens=0 hashes=0 {}'),
             ('v1 union docs=0 tokens=5 hashes=0 {}'),
             ('v1 union docs=1 tokens=3 prose k=2 w=1 seed=0 hashes=1 {BQ==}'),
             ('v1 union docs=1 tokens=3 text k=0 w=1 seed=0 hashes=1 {BQ==}'),
             ('v1 union docs=1 tokens=3 text k=2 w=1 seed=0 hashes=2 {BQA=}'),          -- 5, then 5 again
             ('v1 union docs=1 tokens=3 text k=2 w=1 seed=0 hashes=3 {BQE=}'),          -- announces 3
             ('v1 union docs=1 tokens=3 text k=2 w=1 seed=0 hashes=1 {BQE=}'),          -- holds 2
             ('v1 common min_docs=1 docs=1 tokens=3 text k=2 w=1 seed=0 hashes=1 {BQI=}'),  -- 5 in 2 of 1
             ('v1 common min_docs=1 docs=1 tokens=3 text k=2 w=1 seed=0 hashes=1 {BQA=}'),  -- 5 in none
             ('v1 union docs=1 tokens=3 text k=2 w=1 seed=0 hashes=1 {gA==}'),          -- cut short
             ('v1 union docs=1 tokens=3 text k=2 w=1 seed=0 hashes=1 {!!}'),
             ('v1 union docs=1 tokens=3 text k=2 w=1 seed=0 hashes=1 {BQ==} more')) v(lit);
SELECT lit, pg_temp.try(lit, 'attribution_agg_state')
FROM (VALUES ('v1 entries=1 {AAAAAA==}'),          -- one entry, every field NULL: fine
             ('v1 entries=2 {AAAAAA==}'),
             ('v1 entries=1 {AAAAAAA=}'),
             ('v1 entries=1 {Av8AAAA=}'),          -- a byte that is not UTF-8
             ('v1 entries=1 {AgAAAAA=}'),          -- a zero byte
             ('v1 entries=1 {CgAAAAA=}'),          -- a field past the end
             ('v9 entries=0 {}')) v(lit);
CREATE TABLE agg_bad (s fingerprint_agg_state);
CREATE TABLE agg_bad_attr (a attribution_agg_state);
CREATE FUNCTION pg_temp.copy_state(payload bytea, tbl text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    f bytea := '\x5047434f50590aff0d0a00'::bytea || '\x0000000000000000'::bytea
               || '\x0001'::bytea || int4send(length(payload)) || payload || '\xffff'::bytea;
    lo oid := lo_from_bytea(0, f);
    detail text;
    r text;
BEGIN
    PERFORM lo_export(lo, '/tmp/pg_llmcopy_bad_state.bin');
    PERFORM lo_unlink(lo);
    EXECUTE format('TRUNCATE %I', tbl);
    EXECUTE format('COPY %I FROM %L (FORMAT binary)', tbl, '/tmp/pg_llmcopy_bad_state.bin');
    EXECUTE format('SELECT %I::text FROM %I', CASE tbl WHEN 'agg_bad' THEN 's' ELSE 'a' END, tbl) INTO r;
    RETURN 'accepted: ' || r;
EXCEPTION WHEN others THEN
    GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
    RETURN SQLSTATE || ': ' || coalesce(nullif(detail, ''), SQLERRM);
END $$;
-- a valid value as the send function writes it, then the same with one
-- field changed: version, flags, k, reserved, docs 0, the hash count, a
-- byte less, a byte more
SELECT what, pg_temp.copy_state(x, 'agg_bad')
FROM (SELECT fingerprint_agg_state_send('v1 common min_docs=1 docs=2 tokens=3 text k=2 w=1 seed=0 hashes=2 {BQIBAQ==}') AS b) s,
     LATERAL (VALUES ('as sent', b), ('version 2', overlay(b placing '\x02' from 1)),
                     ('flags 3', overlay(b placing '\x03' from 2)), ('k 99', overlay(b placing '\x63' from 4)),
                     ('reserved', overlay(b placing '\x0001' from 7)),
                     ('docs 0', overlay(b placing int8send(0) from 25)),
                     ('3 hashes', overlay(b placing int8send(3) from 41)),
                     ('a byte less', substr(b, 1, length(b) - 1)), ('a byte more', b || '\x00'::bytea),
                     ('header cut', substr(b, 1, 20))) v(what, x);
SELECT what, pg_temp.copy_state(x, 'agg_bad_attr')
FROM (SELECT attribution_agg_state_send('v1 entries=1 {AAAAAA==}') AS b) s,
     LATERAL (VALUES ('as sent', b), ('version 0', overlay(b placing '\x00' from 1)),
                     ('2 entries', overlay(b placing int4send(2) from 2)), ('a byte more', b || '\x00'::bytea),
                     ('header cut', substr(b, 1, 3))) v(what, x);

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

DROP TABLE agg_docs, agg_ref, agg_serial, agg_parts, agg_big, agg_states, agg_bad, agg_bad_attr;
DROP ROLE regress_llmcopy_agg;

-- a state of one aggregate handed to the other's transition (an aggregate
-- of one's own with such an initial state) is refused
CREATE AGGREGATE pg_temp.union_from_common(fingerprint) (SFUNC = fingerprint_union_trans, STYPE = fingerprint_agg_state,
    INITCOND = 'v1 common min_docs=1 docs=2 tokens=3 text k=2 w=1 seed=0 hashes=2 {BQIBAQ==}');
SELECT pg_temp.union_from_common(fingerprint('a b c d'::text, 2, 1));

-- the final function consumes its state: an aggregate of one's own that
-- declares it READ_ONLY (so that it runs as a window function) or
-- SHAREABLE (so that two aggregates share one state) gets an error with an
-- errcode, not an internal one, when the state is reached again
\set VERBOSITY default
CREATE AGGREGATE pg_temp.union_ro(fingerprint) (SFUNC = fingerprint_union_trans, STYPE = fingerprint_agg_state,
    FINALFUNC = fingerprint_union_final, FINALFUNC_MODIFY = READ_ONLY);
CREATE AGGREGATE pg_temp.union_shared(fingerprint) (SFUNC = fingerprint_union_trans, STYPE = fingerprint_agg_state,
    FINALFUNC = fingerprint_union_final, FINALFUNC_MODIFY = SHAREABLE);
CREATE AGGREGATE pg_temp.common_shared(fingerprint) (SFUNC = fingerprint_union_trans, STYPE = fingerprint_agg_state,
    FINALFUNC = fingerprint_common_final, FINALFUNC_MODIFY = SHAREABLE);
SELECT pg_temp.union_ro(fp) OVER (ORDER BY i) IS NULL
FROM (VALUES (1, fingerprint('a b c d'::text, 2, 1)), (2, fingerprint('x y z'::text, 2, 1))) v(i, fp);
DO $$ BEGIN
    PERFORM pg_temp.union_shared(fp), pg_temp.common_shared(fp)
    FROM (VALUES (fingerprint('a b c d'::text, 2, 1))) v(fp);
EXCEPTION WHEN feature_not_supported THEN RAISE NOTICE 'shared state: %', SQLERRM;
END $$;

-- attribution_agg drops repeated entries as they pile up: over 100,000 rows
-- crediting one work its state stays small (it kept every row, about 20 MB,
-- and a gigabyte for ten million rows), sampled every 1,000 rows while the
-- aggregate runs
CREATE FUNCTION pg_temp.note_state_bytes(i int) RETURNS bool LANGUAGE sql VOLATILE AS $$
    SELECT i % 1000 <> 0 OR set_config('llmcopy_test.state_bytes', greatest(
        coalesce(nullif(current_setting('llmcopy_test.state_bytes', true), ''), '0')::bigint,
        (SELECT coalesce(sum(total_bytes), 0) FROM pg_backend_memory_contexts
         WHERE name = 'pg_llmcopy aggregate state'))::text, false) IS NOT NULL $$;
SELECT attribution_agg('Ann', 'Work', 'https://example.org/w', 'mit')
FROM generate_series(1, 100000) i WHERE pg_temp.note_state_bytes(i);
SELECT current_setting('llmcopy_test.state_bytes')::bigint BETWEEN 1 AND 1048576 AS state_stayed_small;
-- and through the combine function, a state of repeated entries per row
SELECT pg_temp.attribution_of(s) FROM (SELECT pg_temp.attribution_part('Ann', 'Work', NULL, 'mit') AS s
                                       FROM generate_series(1, 3)) p, generate_series(1, 3000);
