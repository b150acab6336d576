-- After pg_upgrade, on the new server: does an index built by the old server
-- hold what the new server would build?  Each GIN index of u_works is built
-- again here (serially, as the old server built it) next to the one
-- pg_upgrade carried over, and the two are compared page by page, byte for
-- byte but for the page header's LSN and checksum.  Equal pages mean equal
-- keys: the keys are computed by the extension (truncated XXH3 hashes, and
-- band hashes of MinHash values), not by the server.  Where amcheck can
-- verify GIN indexes (PostgreSQL 18), the carried-over index is checked as
-- well.  A line that says MISMATCH fails the test.
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only on
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pageinspect;
CREATE EXTENSION IF NOT EXISTS amcheck;
RESET client_min_messages;
SET max_parallel_maintenance_workers = 0;

CREATE FUNCTION pg_temp.pages_equal(idx regclass) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    copy text := idx::text || '_rebuilt';
    n bigint := pg_relation_size(idx) / current_setting('block_size')::int;
    m bigint;
    differ text := '';
BEGIN
    EXECUTE regexp_replace(pg_get_indexdef(idx), '^CREATE INDEX \S+', 'CREATE INDEX ' || quote_ident(copy));
    m := pg_relation_size(copy::regclass) / current_setting('block_size')::int;
    IF n = m THEN
        FOR i IN 0 .. n - 1 LOOP
            -- the page header begins with pd_lsn (8 bytes) and pd_checksum (2)
            IF substr(get_raw_page(idx::text, i::int), 11) <> substr(get_raw_page(copy, i::int), 11) THEN
                differ := differ || ' ' || i;
            END IF;
        END LOOP;
    END IF;
    EXECUTE 'DROP INDEX ' || quote_ident(copy);
    RETURN idx::text || ': ' ||
        CASE WHEN n <> m THEN format('MISMATCH: %s pages, %s when built again', n, m)
             WHEN differ <> '' THEN 'MISMATCH: pages differ:' || differ
             ELSE n || ' pages, equal to the index built again' END;
END $$;

SELECT pg_temp.pages_equal(indexrelid)
FROM pg_index JOIN pg_class c ON c.oid = indexrelid JOIN pg_am am ON am.oid = c.relam
WHERE indrelid = 'u_works'::regclass AND am.amname = 'gin'
ORDER BY c.relname;

-- amcheck's GIN verification, where the server has it
DO $$
DECLARE idx regclass;
BEGIN
    IF to_regprocedure('gin_index_check(regclass)') IS NOT NULL THEN
        FOR idx IN SELECT indexrelid FROM pg_index JOIN pg_class c ON c.oid = indexrelid JOIN pg_am am ON am.oid = c.relam
                   WHERE indrelid = 'u_works'::regclass AND am.amname = 'gin' LOOP
            EXECUTE 'SELECT gin_index_check($1)' USING idx;
            RAISE NOTICE 'amcheck: % verified', idx;
        END LOOP;
    END IF;
END $$;
