-- Parallel GIN index builds.  PostgreSQL 18 builds GIN indexes with
-- parallel workers (earlier versions build them serially whatever the
-- settings, and this test then compares two serial builds).  The opclasses
-- need nothing for it: workers extract keys with the same support functions
-- and options, and the sort uses the opclass's comparison (btint4cmp).  An
-- index built by workers must answer exactly what a serial build answers,
-- for every opclass and options, and pass amcheck where it can verify GIN
-- indexes (18).
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS amcheck;
RESET client_min_messages;
CREATE TABLE pwords AS SELECT i, left(md5(i::text), 3 + i % 5) AS w FROM generate_series(0, 2999) i;
CREATE TABLE pdocs (id int PRIMARY KEY, body text);
INSERT INTO pdocs
SELECT d, (SELECT string_agg(w, ' ' ORDER BY g)
           FROM generate_series(1, 40 + d % 60) g JOIN pwords ON i = ('x' || left(md5(d || '.' || g), 7))::bit(28)::int % 3000)
FROM generate_series(1, 1000) d;
-- near-copies, so that there are pairs to find
INSERT INTO pdocs SELECT 10000 + id, body || ' and one more' FROM pdocs WHERE id % 10 = 0;
ALTER TABLE pdocs ADD COLUMN fp fingerprint GENERATED ALWAYS AS (fingerprint(body)) STORED;
ALTER TABLE pdocs ADD COLUMN sig minhash GENERATED ALWAYS AS (minhash(body)) STORED;
-- workers for a table this small only when asked, and memory enough for them
ALTER TABLE pdocs SET (parallel_workers = 2);
SET maintenance_work_mem = '128MB';
CREATE TABLE pq AS SELECT id, fp, sig FROM pdocs WHERE id % 40 = 10;

-- The rows of "pq JOIN pdocs ON cond" through a GIN index on pdocs built
-- with the given opclass and at most the given number of workers.
CREATE FUNCTION pg_temp.through_index(opclass text, workers int, cond text) RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE
    r text[];
    line text;
    used bool := false;
BEGIN
    PERFORM set_config('max_parallel_maintenance_workers', workers::text, true);
    EXECUTE 'CREATE INDEX pdocs_ix ON pdocs USING gin (' || opclass || ')';
    IF to_regprocedure('gin_index_check(regclass)') IS NOT NULL THEN
        PERFORM gin_index_check('pdocs_ix');
    END IF;
    PERFORM set_config('enable_seqscan', 'off', true);
    PERFORM set_config('enable_indexscan', 'off', true);
    FOR line IN EXECUTE 'EXPLAIN (costs off) SELECT * FROM pq JOIN pdocs d ON ' || cond LOOP
        used := used OR line LIKE '%Bitmap Index Scan on pdocs_ix%';
    END LOOP;
    IF NOT used THEN
        RAISE EXCEPTION 'the index does not serve %', cond;
    END IF;
    EXECUTE 'SELECT coalesce(array_agg(pq.id || '':'' || d.id ORDER BY pq.id, d.id), ''{}'') FROM pq JOIN pdocs d ON ' || cond
        INTO r;
    PERFORM set_config('enable_seqscan', 'on', true);
    PERFORM set_config('enable_indexscan', 'on', true);
    DROP INDEX pdocs_ix;
    RETURN r;
END $$;

SELECT opclass, cond, cardinality(par) AS rows, par = ser AS same_as_serial
FROM (VALUES ('fp', 'd.fp %> pq.fp'),
             ('fp', 'fingerprint_contained(pq.fp, d.fp, 0.05)'),
             ('fp', 'd.fp && pq.fp'),
             ('fp fingerprint_ops (bits = 8)', 'd.fp %> pq.fp'),
             ('fp fingerprint_ops (bits = 8)', 'fingerprint_similar(pq.fp, d.fp, 0.02)'),
             ('sig', 'minhash_similar(pq.sig, d.sig, 0.8)'),
             ('sig minhash_ops (bands = 32, rows = 4)', 'minhash_similar(pq.sig, d.sig, 0.5)')) c(opclass, cond),
     LATERAL (SELECT pg_temp.through_index(opclass, 2, cond) AS par, pg_temp.through_index(opclass, 0, cond) AS ser) r
ORDER BY opclass, cond;

RESET maintenance_work_mem;
DROP TABLE pq, pdocs, pwords;
