-- fingerprint() and minhash() remember their last result per call site
-- (src/sketch.c): a join that rechecks fingerprint(o.body) for every
-- candidate builds it once per output.  What a call returns must be what a
-- fresh computation returns, whatever that call site saw before.

-- The reference: the text form of fn(t, a, b, mode), or of fn(t), built
-- by a statement of its own, whose call site has seen nothing before.
CREATE FUNCTION memo_fresh(fn text, t text, a int DEFAULT NULL, b int DEFAULT NULL, mode text DEFAULT NULL)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN
    IF a IS NULL THEN
        EXECUTE format('SELECT %I($1)::text', fn) INTO r USING t;
    ELSE
        EXECUTE format('SELECT %I($1, $2, $3, $4)::text', fn) INTO r USING t, a, b, mode;
    END IF;
    RETURN r;
END $$;

-- One call site, rows in this order: the same text with other parameters
-- (from columns), then again with the first ones; texts of one length that
-- differ in their last word, or throughout; the empty text twice.
CREATE TABLE memo_texts (id int, body text, k int, w int, mode text, num_perm int, ngram int);
INSERT INTO memo_texts VALUES
    (1, 'The quick brown fox jumps over the lazy dog, again and again, while x = y + 1; return x;', 5, 10, 'text', 128, 5),
    (2, 'The quick brown fox jumps over the lazy dog, again and again, while x = y + 1; return x;', 5, 10, 'text', 128, 5),
    (3, 'The quick brown fox jumps over the lazy dog, again and again, while x = y + 1; return x;', 4, 10, 'text', 64, 5),
    (4, 'The quick brown fox jumps over the lazy dog, again and again, while x = y + 1; return x;', 4, 3, 'text', 64, 3),
    (5, 'The quick brown fox jumps over the lazy dog, again and again, while x = y + 1; return x;', 4, 3, 'code', 64, 3),
    (6, 'The quick brown fox jumps over the lazy dog, again and again, while x = y + 1; return x;', 4, 3, 'code', 64, 3),
    (7, 'The quick brown fox jumps over the lazy dog, again and again, while x = y + 1; return x;', 5, 10, 'text', 128, 5),
    (8, 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen apple', 1, 1, 'text', 16, 1),
    (9, 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen grape', 1, 1, 'text', 16, 1),
    (10, 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen grape', 1, 1, 'text', 16, 1),
    (11, 'Zwölf Boxkämpfer jagen Viktor quer über den großen Sylter Deich, sagt man.', 2, 2, 'text', 32, 2),
    (12, 'Zwölf Boxkämpfer jagen Eva quer über den großen Sylter Deich, sagt man....', 2, 2, 'text', 32, 2),
    (13, '', 5, 10, 'text', 128, 5),
    (14, '', 5, 10, 'text', 128, 5),
    (15, 'a completely different sentence about gardening tomatoes in the rain', 5, 10, 'text', 128, 5);
-- (the texts that follow one another differ, or their parameters do: a memo
-- that returned the previous value would return another one)
SELECT a.id, octet_length(a.body) = octet_length(b.body) AS same_bytes,
       memo_fresh('fingerprint', a.body, a.k, a.w, a.mode) <> memo_fresh('fingerprint', b.body, b.k, b.w, b.mode) AS other_fp,
       memo_fresh('minhash', a.body, a.num_perm, a.ngram, a.mode) <> memo_fresh('minhash', b.body, b.num_perm, b.ngram, b.mode) AS other_mh
FROM memo_texts a JOIN memo_texts b ON b.id = a.id - 1 ORDER BY a.id;
-- rows whose value differs from a fresh one: none
SELECT id FROM memo_texts
WHERE fingerprint(body, k, w, mode)::text <> memo_fresh('fingerprint', body, k, w, mode)
   OR minhash(body, num_perm, ngram, mode)::text <> memo_fresh('minhash', body, num_perm, ngram, mode);

-- Toasted texts: stored out of line uncompressed (external), compressed in
-- line and compressed out of line; one length, other content, and the last
-- text again in the next row (another toast pointer, the same content).
CREATE TABLE memo_long (id int, storage text, body text);
ALTER TABLE memo_long ALTER body SET STORAGE EXTERNAL;
CREATE TABLE memo_packed (id int, storage text, body text);
INSERT INTO memo_long
SELECT i, 'external', left(string_agg(md5((i * 1000 + j)::text), ' ' ORDER BY j), 6000)
FROM generate_series(1, 4) i, generate_series(1, 200) j GROUP BY i;
INSERT INTO memo_long SELECT 5, storage, body FROM memo_long WHERE id = 4;
INSERT INTO memo_packed
SELECT i, CASE WHEN i <= 3 THEN 'compressed' ELSE 'compressed, external' END,
       left(string_agg('w' || (abs(hashint4(i * 1000 + j)) % CASE WHEN i <= 3 THEN 8 ELSE 40 END), ' ' ORDER BY j),
            CASE WHEN i <= 3 THEN 6000 ELSE 60000 END)
FROM generate_series(1, 6) i, generate_series(1, 20000) j GROUP BY i;
INSERT INTO memo_packed SELECT 7, storage, body FROM memo_packed WHERE id = 6;
-- (values in a table's toast relation: the external ones)
CREATE FUNCTION memo_toasted(rel regclass) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    EXECUTE format('SELECT count(DISTINCT chunk_id) FROM %s',
                   (SELECT reltoastrelid FROM pg_class WHERE oid = rel)::regclass) INTO n;
    RETURN n;
END $$;
SELECT storage, count(*) AS texts, count(DISTINCT octet_length(body)) AS lengths, count(DISTINCT body) AS contents,
       bool_and(pg_column_size(body) < octet_length(body)) AS compressed
FROM (TABLE memo_long UNION ALL TABLE memo_packed) t GROUP BY storage ORDER BY storage;
SELECT memo_toasted('memo_long') AS external_long, memo_toasted('memo_packed') AS external_packed;
SELECT id, storage FROM (SELECT * FROM memo_long UNION ALL SELECT * FROM memo_packed) t
WHERE fingerprint(body)::text <> memo_fresh('fingerprint', body)
   OR fingerprint(body, 3, 1, 'code')::text <> memo_fresh('fingerprint', body, 3, 1, 'code')
   OR minhash(body)::text <> memo_fresh('minhash', body);

-- A join with fingerprint(o.body) in its condition: a nested loop over a
-- bitmap heap scan, which rechecks the condition for every candidate (the
-- index's 8-bit keys make many), each building fingerprint(o.body) again
-- from the same text.  The outputs all have 400 characters.
CREATE TABLE memo_works AS
SELECT row_number() OVER () AS id, para AS body
FROM (SELECT regexp_split_to_table(pg_read_file('/usr/share/common-licenses/' || name), E'\\n\\s*\\n') AS para
      FROM unnest(ARRAY['GPL-3', 'Apache-2.0', 'MPL-2.0']) name) s;
ALTER TABLE memo_works ADD COLUMN fp fingerprint, ADD COLUMN sig minhash;
UPDATE memo_works SET fp = memo_fresh('fingerprint', body)::fingerprint, sig = memo_fresh('minhash', body)::minhash;
CREATE TABLE memo_outputs AS
SELECT row_number() OVER (ORDER BY id) AS id,
       rpad('As I was saying, ' || substr(body, 1 + length(body) / 4, 250) || ' and so on', 400, ' and more words') AS body
FROM memo_works WHERE id % 4 = 0 AND length(body) > 300;
-- an output twice in a row, and near copies of works for the signatures
INSERT INTO memo_outputs SELECT 1000 + id, body FROM memo_outputs WHERE id IN (3, 4);
INSERT INTO memo_outputs
SELECT 2000 + id, overlay(left(body, 300) PLACING 'zz' FROM 150 FOR 2) FROM memo_works
WHERE id % 3 = 0 AND length(body) > 300;
ALTER TABLE memo_outputs ADD COLUMN ref_fp fingerprint, ADD COLUMN ref_sig minhash;
UPDATE memo_outputs SET ref_fp = memo_fresh('fingerprint', body)::fingerprint, ref_sig = memo_fresh('minhash', body)::minhash;
CREATE INDEX memo_works_fp ON memo_works USING gin (fp fingerprint_ops (bits = 8));
CREATE INDEX memo_works_sig ON memo_works USING gin (sig minhash_ops (bands = 32, rows = 4));
ANALYZE memo_works, memo_outputs;
SELECT count(*) AS outputs, count(DISTINCT length(body)) AS lengths FROM memo_outputs;

\i test/explain.sql
SET enable_hashjoin = off;
SET enable_mergejoin = off;
SET enable_memoize = off;
SET enable_seqscan = off;
SELECT * FROM pg_temp.explain($$SELECT o.id AS output, w.id AS work FROM memo_outputs o JOIN memo_works w ON fingerprint(o.body) && w.fp$$);
SELECT * FROM pg_temp.explain($$SELECT o.id AS output, w.id AS work FROM memo_outputs o JOIN memo_works w ON minhash_similar(minhash(o.body), w.sig, 0.3)$$);

-- The recheck builds fingerprint(o.body) for tens of candidates of each
-- output (EXPLAIN's figures are averages per loop) and rejects most of them.
CREATE FUNCTION memo_recheck(q text, OUT loops float8, OUT rechecked_per_loop float8, OUT removed_per_loop float8)
LANGUAGE plpgsql AS $$
DECLARE
    node json;
BEGIN
    EXECUTE 'EXPLAIN (ANALYZE, TIMING OFF, SUMMARY OFF, FORMAT JSON) ' || q INTO node;
    node := node -> 0 -> 'Plan' -> 'Plans' -> 1;
    loops := (node ->> 'Actual Loops')::float8;
    removed_per_loop := (node ->> 'Rows Removed by Index Recheck')::float8;
    rechecked_per_loop := (node ->> 'Actual Rows')::float8 + removed_per_loop;
END $$;
SELECT loops, rechecked_per_loop > 40 AS many_candidates, removed_per_loop > 40 AS many_removed
FROM memo_recheck('SELECT o.id AS output, w.id AS work FROM memo_outputs o JOIN memo_works w ON fingerprint(o.body) && w.fp');

-- The pairs are those of the precomputed values, on the index path and on
-- a sequential scan, where the join filter builds fingerprint(o.body) for
-- every pair: from another output each time when the works are the outer
-- side (every call a miss, until the call site stops keeping copies), from
-- one output for all the works in the LATERAL form.  And the index path
-- finds the pairs a sequential scan finds (pg_temp.seq_vs_idx;
-- minhash_ops, an LSH index, finds a part of them).
CREATE TABLE memo_queries (name text, q text, ref text);
INSERT INTO memo_queries VALUES
    ('&&',
     'SELECT o.id AS output, w.id AS work FROM memo_outputs o JOIN memo_works w ON fingerprint(o.body) && w.fp',
     'SELECT o.id AS output, w.id AS work FROM memo_outputs o JOIN memo_works w ON o.ref_fp && w.fp'),
    ('&&, LATERAL',
     'SELECT o.id AS output, w.id AS work FROM memo_outputs o, LATERAL (SELECT w.id FROM memo_works w WHERE fingerprint(o.body) && w.fp OFFSET 0) w',
     'SELECT o.id AS output, w.id AS work FROM memo_outputs o JOIN memo_works w ON o.ref_fp && w.fp'),
    ('fingerprint_contained',
     'SELECT o.id AS output, w.id AS work FROM memo_outputs o JOIN memo_works w ON fingerprint_contained(fingerprint(o.body), w.fp, 0.2)',
     'SELECT o.id AS output, w.id AS work FROM memo_outputs o JOIN memo_works w ON fingerprint_contained(o.ref_fp, w.fp, 0.2)'),
    ('minhash_similar',
     'SELECT o.id AS output, w.id AS work FROM memo_outputs o JOIN memo_works w ON minhash_similar(minhash(o.body), w.sig, 0.3)',
     'SELECT o.id AS output, w.id AS work FROM memo_outputs o JOIN memo_works w ON minhash_similar(o.ref_sig, w.sig, 0.3)');
CREATE FUNCTION memo_differ(q text, ref text, OUT pairs bigint, OUT differ bigint) LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('SELECT count(*) FROM (%s) q', q) INTO pairs;
    EXECUTE format('SELECT count(*) FROM ((%s EXCEPT ALL %s) UNION ALL (%s EXCEPT ALL %s)) d', q, ref, ref, q) INTO differ;
END $$;
SELECT name, d.* FROM memo_queries, LATERAL memo_differ(q, ref) d ORDER BY name;
SET enable_seqscan = on;
SET enable_bitmapscan = off;
SET enable_indexscan = off;
SELECT * FROM pg_temp.explain($$SELECT o.id AS output, w.id AS work FROM memo_outputs o JOIN memo_works w ON fingerprint(o.body) && w.fp$$);
SELECT * FROM pg_temp.explain($$SELECT o.id AS output, w.id AS work FROM memo_outputs o, LATERAL (SELECT w.id FROM memo_works w WHERE fingerprint(o.body) && w.fp OFFSET 0) w$$);
SELECT name, d.* FROM memo_queries, LATERAL memo_differ(q, ref) d ORDER BY name;
RESET enable_bitmapscan;
RESET enable_indexscan;
\i sql/include/seq_vs_idx.psql
SELECT name, r.* FROM memo_queries, LATERAL pg_temp.seq_vs_idx(q, 'memo_works_') r ORDER BY name;

-- Under parallel query each worker has call sites of its own: the pairs,
-- all of them pairs of the precomputed values, as many as those have.
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SELECT * FROM pg_temp.explain($$SELECT count(*) AS pairs, count(*) FILTER (WHERE o.ref_fp && w.fp) AS precomputed
FROM memo_outputs o JOIN memo_works w ON fingerprint(o.body) && w.fp$$);
SELECT count(*) AS pairs, count(*) FILTER (WHERE o.ref_fp && w.fp) AS precomputed
FROM memo_outputs o JOIN memo_works w ON fingerprint(o.body) && w.fp;
SELECT count(*) AS pairs, count(*) FILTER (WHERE minhash_similar(o.ref_sig, w.sig, 0.3)) AS precomputed
FROM memo_outputs o JOIN memo_works w ON minhash_similar(minhash(o.body), w.sig, 0.3);
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
SET enable_seqscan = off;

-- A prepared statement's generic plan: fingerprint($1) is no constant there.
SET plan_cache_mode = force_generic_plan;
PREPARE memo_fp(text) AS SELECT w.id FROM memo_works w WHERE fingerprint($1) && w.fp;
SELECT * FROM pg_temp.explain($$EXECUTE memo_fp('any text')$$);
CREATE FUNCTION memo_prepared(body text) RETURNS SETOF bigint LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE format('EXECUTE memo_fp(%L)', body);
END $$;
SELECT count(*) AS outputs, count(r.ids) AS with_candidates,
       count(*) FILTER (WHERE r.ids IS DISTINCT FROM
                        (SELECT array_agg(w.id ORDER BY w.id) FROM memo_works w WHERE o.ref_fp && w.fp)) AS differ
FROM memo_outputs o, LATERAL (SELECT array_agg(id ORDER BY id) AS ids FROM memo_prepared(o.body) id) r;
DEALLOCATE memo_fp;
RESET plan_cache_mode;

-- A PL/pgSQL expression keeps its call site from one call of the function
-- to the next in a transaction; in a procedure, the text of one row
-- changed to another of the same length between COMMITs, then back (the
-- call site may be kept across them or built again).
CREATE FUNCTION memo_plpgsql_fp(t text) RETURNS fingerprint LANGUAGE plpgsql AS $$
BEGIN
    RETURN fingerprint(t);
END $$;
SELECT count(*) AS outputs,
       count(*) FILTER (WHERE memo_plpgsql_fp(body)::text <> ref_fp::text) AS differ
FROM memo_outputs;
CREATE TABLE memo_slot (body text);
ALTER TABLE memo_slot ALTER body SET STORAGE EXTERNAL;
INSERT INTO memo_slot SELECT body FROM memo_long WHERE id = 1;
CREATE TABLE memo_seen (n int, body text, fp fingerprint);
CREATE PROCEDURE memo_proc() LANGUAGE plpgsql AS $$
DECLARE
    b text;
    f fingerprint;
BEGIN
    FOR n IN 1..4 LOOP
        SELECT body INTO b FROM memo_slot;
        f := fingerprint(b);
        INSERT INTO memo_seen VALUES (n, b, f);
        COMMIT;
        UPDATE memo_slot SET body = (SELECT body FROM memo_long WHERE id = 1 + n % 2);
        COMMIT;
    END LOOP;
END $$;
CALL memo_proc();
SELECT n, octet_length(body) AS bytes, fp::text = memo_fresh('fingerprint', body) AS same
FROM memo_seen ORDER BY n;

-- As a role with no privilege but reading the tables.
CREATE ROLE regress_memo_reader;
GRANT SELECT ON memo_texts, memo_long, memo_packed, memo_works, memo_outputs, memo_queries TO regress_memo_reader;
SET ROLE regress_memo_reader;
SELECT name, d.* FROM memo_queries, LATERAL memo_differ(q, ref) d ORDER BY name;
SELECT id FROM memo_texts
WHERE fingerprint(body, k, w, mode)::text <> memo_fresh('fingerprint', body, k, w, mode)
   OR minhash(body, num_perm, ngram, mode)::text <> memo_fresh('minhash', body, num_perm, ngram, mode);
SELECT id, storage FROM (SELECT * FROM memo_long UNION ALL SELECT * FROM memo_packed) t
WHERE fingerprint(body)::text <> memo_fresh('fingerprint', body) OR minhash(body)::text <> memo_fresh('minhash', body);
RESET ROLE;
RESET enable_seqscan;
RESET enable_hashjoin;
RESET enable_mergejoin;
RESET enable_memoize;

-- fingerprint_words() and fingerprint_units() go through the same memo: one
-- call site each over memo_texts (units with other min_tokens, modes and
-- names from the rows), every value as a fresh one.
CREATE FUNCTION memo_fresh_units(t text, min_tokens int, mode text, names bool) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN
    EXECUTE 'SELECT fingerprint_units($1, $2, $3, $4)::text' INTO r USING t, min_tokens, mode, names;
    RETURN r;
END $$;
SELECT id FROM memo_texts
WHERE fingerprint_words(body)::text <> memo_fresh('fingerprint_words', body)
   OR fingerprint_units(body, 1 + id % 3, mode, id % 2 = 0)::text <> memo_fresh_units(body, 1 + id % 3, mode, id % 2 = 0);
SELECT count(DISTINCT fingerprint_units(body, 1 + id % 3, mode, id % 2 = 0)::text) AS units_values,
       count(DISTINCT fingerprint_words(body)::text) AS words_values
FROM memo_texts;

-- The constructors keep their marks: what the planner may assume of them.
SELECT p.oid::regprocedure, provolatile, proisstrict, proparallel FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'pg_llmcopy'
WHERE proname IN ('fingerprint', 'minhash', 'fingerprint_words', 'fingerprint_units')
ORDER BY proname;

-- What the memos of a backend hold together stays bounded, however many
-- call sites keep one: each of these makes about a hundred call sites that
-- see a text of 900 kB once (every one a text and result the memo may keep),
-- where nothing else holds more than a few kB per site.  The figure is the
-- growth of the backend's memory contexts while the sites are alive.
CREATE FUNCTION memo_held() RETURNS bigint LANGUAGE sql AS $$
    SELECT sum(total_bytes)::bigint FROM pg_backend_memory_contexts $$;
CREATE TABLE memo_growth (name text, mb bigint);
-- A PL/pgSQL expression planned again after search_path changes: its old
-- tree, with its call site, stays in the transaction until it ends.
CREATE SCHEMA memo_other;
DO $$
DECLARE
    big text := left(repeat('alpha beta gamma delta epsilon zeta eta theta ', 20000), 900000);
    f fingerprint;
    before bigint := memo_held();
BEGIN
    FOR i IN 1..100 LOOP
        PERFORM set_config('search_path', CASE WHEN i % 2 = 0 THEN 'public' ELSE 'memo_other, public' END, true);
        f := fingerprint(big || i);
    END LOOP;
    INSERT INTO memo_growth VALUES ('replanned expression', (memo_held() - before) / (1024 * 1024));
END $$;
-- A domain whose CHECK builds a fingerprint, rejecting a value caught in an
-- exception block: PL/pgSQL builds its conversion to the domain anew after
-- each failed one, and the old tree stays until the transaction ends.
CREATE DOMAIN memo_short_doc AS text CHECK ((fingerprint_info(fingerprint(VALUE))).tokens < 1000);
DO $$
DECLARE
    big text := left(repeat('alpha beta gamma delta epsilon zeta eta theta ', 20000), 900000);
    d memo_short_doc;
    rejected int := 0;
    before bigint := memo_held();
BEGIN
    FOR i IN 1..100 LOOP
        BEGIN
            SELECT big || i INTO d;
        EXCEPTION WHEN check_violation THEN
            rejected := rejected + 1;
        END;
    END LOOP;
    INSERT INTO memo_growth VALUES ('rejected domain values: ' || rejected, (memo_held() - before) / (1024 * 1024));
END $$;
-- A scan of a table of 100 partitions, with a call site for each.
CREATE TABLE memo_parts (id int, body text) PARTITION BY LIST (id);
DO $$
BEGIN
    FOR i IN 1..100 LOOP
        EXECUTE format('CREATE TABLE memo_parts_%s PARTITION OF memo_parts FOR VALUES IN (%s)', i, i);
    END LOOP;
END $$;
INSERT INTO memo_parts
SELECT i, left(repeat('alpha beta gamma delta epsilon zeta eta theta ' || i || ' ', 20000), 900000)
FROM generate_series(1, 100) i;
SET max_parallel_workers_per_gather = 0;
DO $$
DECLARE
    before bigint := memo_held();
    during bigint;
BEGIN
    SELECT max(n) INTO during FROM (
        SELECT count(*) AS n FROM memo_parts WHERE fingerprint(body) IS NOT NULL
        UNION ALL SELECT memo_held()) q;
    INSERT INTO memo_growth VALUES ('partitions', (during - before) / (1024 * 1024));
END $$;
RESET max_parallel_workers_per_gather;
SELECT name, mb < 32 AS bounded FROM memo_growth ORDER BY name;

DROP TABLE memo_growth, memo_parts;
DROP DOMAIN memo_short_doc;
DROP SCHEMA memo_other;
DROP FUNCTION memo_held();

DROP PROCEDURE memo_proc();
DROP FUNCTION memo_fresh(text, text, int, int, text), memo_fresh_units(text, int, text, bool), memo_toasted(regclass), memo_recheck(text),
    memo_differ(text, text), memo_prepared(text), memo_plpgsql_fp(text);
DROP TABLE memo_texts, memo_long, memo_packed, memo_works, memo_outputs, memo_queries, memo_slot, memo_seen;
DROP ROLE regress_memo_reader;
