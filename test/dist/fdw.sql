-- The postgres_fdw suite (make test-fdw, .ci/fdw): a router whose works
-- table is partitioned by id range over foreign tables on two shard
-- clusters (dist_fdw_setup in .ci/dist.sh, test/dist/fdw_shard.sql), and a
-- plain single node with all the rows.  Outputs and evaluation items are
-- local to the router.  The servers are declared with extensions
-- 'pg_llmcopy' (so its IMMUTABLE functions and operators may be sent to the
-- shards), use_remote_estimate 'true' and fetch_size '1000'; the role the
-- router connects as has cursor_tuple_fraction = 1 on the shards.  Blocks
-- as in test/dist/citus.sql ("dist" is the router here).

-- dist
ALTER TABLE outputs ADD COLUMN fp fingerprint GENERATED ALWAYS AS (fingerprint(body)) STORED,
                    ADD COLUMN sig minhash GENERATED ALWAYS AS (minhash(body)) STORED;
ANALYZE outputs;
ANALYZE eval;

-- single
ANALYZE eval;
ALTER TABLE works ADD COLUMN fp fingerprint GENERATED ALWAYS AS (fingerprint(body)) STORED,
                  ADD COLUMN sig minhash GENERATED ALWAYS AS (minhash(body)) STORED;
ALTER TABLE outputs ADD COLUMN fp fingerprint GENERATED ALWAYS AS (fingerprint(body)) STORED,
                    ADD COLUMN sig minhash GENERATED ALWAYS AS (minhash(body)) STORED;
CREATE INDEX works_fp ON works USING gin (fp);
CREATE INDEX works_sig ON works USING gin (sig);
ANALYZE works;
ANALYZE outputs;

-- The remote SQL of every foreign scan of a query; the shards' index scan
-- counters, read through the wrappers themselves.
-- dist
CREATE FUNCTION remote_sql(q text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
    plan jsonb;
BEGIN
    EXECUTE 'EXPLAIN (VERBOSE, FORMAT JSON) ' || q INTO plan;
    RETURN QUERY SELECT s #>> '{}' FROM jsonb_path_query(plan, 'strict $.**."Remote SQL"') s;
END $$;
-- t when every foreign scan of q sends pattern to its shard (and there are two)
CREATE FUNCTION every_shard_gets(q text, pattern text) RETURNS text
LANGUAGE sql AS $$
    SELECT CASE WHEN count(*) = 2 AND bool_and(r ~ pattern) THEN 't'
                ELSE format('%s foreign scans: %s', count(*), string_agg(r, ' | ')) END
    FROM remote_sql(q) r $$;
CREATE FOREIGN TABLE shard1_index_stats (indexrelname name, idx_scan bigint)
    SERVER shard1 OPTIONS (schema_name 'pg_catalog', table_name 'pg_stat_user_indexes');
CREATE FOREIGN TABLE shard2_index_stats (indexrelname name, idx_scan bigint)
    SERVER shard2 OPTIONS (schema_name 'pg_catalog', table_name 'pg_stat_user_indexes');
CREATE FUNCTION index_scans(idx name, OUT shard1 bigint, OUT shard2 bigint)
LANGUAGE sql AS $$
    SELECT (SELECT idx_scan FROM shard1_index_stats WHERE indexrelname = idx),
           (SELECT idx_scan FROM shard2_index_stats WHERE indexrelname = idx) $$;
-- t once each shard's scans of idx have grown by at least n since the
-- counts in scans_before (counters are written when a session ends: the
-- caller disconnects first); waits up to 10 s
CREATE FUNCTION shards_probed(idx name, n bigint) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    b record;
    a record;
BEGIN
    SELECT * INTO b FROM scans_before;
    FOR i IN 1 .. 100 LOOP
        SELECT * INTO a FROM index_scans(idx);
        IF a.shard1 - b.shard1 >= n AND a.shard2 - b.shard2 >= n THEN
            RETURN 't';
        END IF;
        PERFORM pg_sleep(0.1);
    END LOOP;
    RETURN format('index scans of %s on the shards grew by %s and %s, not %s', idx,
                  a.shard1 - b.shard1, a.shard2 - b.shard2, n);
END $$;

-- ---------------------------------------------------------------------------
-- The explicit-threshold functions are IMMUTABLE: they are sent to the
-- shards, as a parameterized remote query per output, and each shard
-- answers through its GIN index.

-- compare contained 100
SELECT o.id, w.id, round(containment(o.fp, w.fp)::numeric, 9)
FROM outputs o JOIN works w ON fingerprint_contained(o.fp, w.fp, 0.1);
-- check contained_remote_sql
SELECT every_shard_gets('SELECT o.id, w.id FROM outputs o JOIN works w ON fingerprint_contained(o.fp, w.fp, 0.1)',
                        'public\.fingerprint_contained\(\$1::public\.fingerprint, fp, 0\.1::double precision\)');
-- check contained_shards_use_index
\o /dev/null
CREATE TEMP TABLE scans_before AS SELECT * FROM index_scans('works_fp');
SELECT count(*) FROM outputs o JOIN works w ON fingerprint_contained(o.fp, w.fp, 0.1);
SELECT postgres_fdw_disconnect_all();
\o
SELECT shards_probed('works_fp', (SELECT count(*) FROM outputs));

-- The fingerprints of the matches travel too (the join clause needs the
-- column).  In a LATERAL subquery kept apart by OFFSET 0 the condition is
-- the subquery's own, and the remote query returns ids only.
-- compare contained_ids_only 100
SELECT o.id, m.id
FROM outputs o, LATERAL (SELECT w.id FROM works w WHERE fingerprint_contained(o.fp, w.fp, 0.1) OFFSET 0) m;
-- check contained_ids_only_remote_sql
SELECT every_shard_gets('SELECT o.id, m.id FROM outputs o,
                         LATERAL (SELECT w.id FROM works w WHERE fingerprint_contained(o.fp, w.fp, 0.1) OFFSET 0) m',
                        '^SELECT id FROM public\.works WHERE \(public\.fingerprint_contained\(\$1::public\.fingerprint, fp, 0\.1::double precision\)\)$');

-- compare similar 50
SELECT o.id, w.id FROM outputs o JOIN works w ON fingerprint_similar(o.fp, w.fp, 0.05);
-- check similar_remote_sql
SELECT every_shard_gets('SELECT o.id, w.id FROM outputs o JOIN works w ON fingerprint_similar(o.fp, w.fp, 0.05)',
                        'public\.fingerprint_similar\(\$1::public\.fingerprint, fp, 0\.05::double precision\)');

-- Decontamination: which evaluation items are in the works, nearly.  The
-- signatures are computed on the router first: postgres_fdw does not send a
-- function of a local text column (its collation might differ remotely), so
-- minhash_similar(minhash(e.body), w.sig, 0.8) would compare on the router.
-- compare minhash_similar 50
WITH e AS MATERIALIZED (SELECT item, minhash(body) AS sig FROM eval)
SELECT e.item, w.id FROM e JOIN works w ON minhash_similar(e.sig, w.sig, 0.8);
-- check minhash_similar_remote_sql
SELECT every_shard_gets('WITH e AS MATERIALIZED (SELECT item, minhash(body) AS sig FROM eval)
                         SELECT e.item, w.id FROM e JOIN works w ON minhash_similar(e.sig, w.sig, 0.8)',
                        'public\.minhash_similar\(\$1::public\.minhash, sig, 0\.8::double precision\)');
-- check minhash_similar_shards_use_index
\o /dev/null
CREATE TEMP TABLE scans_before AS SELECT * FROM index_scans('works_sig');
WITH e AS MATERIALIZED (SELECT item, minhash(body) AS sig FROM eval)
SELECT count(*) FROM e JOIN works w ON minhash_similar(e.sig, w.sig, 0.8);
SELECT postgres_fdw_disconnect_all();
\o
SELECT shards_probed('works_sig', (SELECT count(*) FROM eval));
-- the outputs' own signatures too
-- check minhash_outputs_remote_sql
SELECT every_shard_gets('SELECT o.id, w.id FROM outputs o JOIN works w ON minhash_similar(o.sig, w.sig, 0.8)',
                        'public\.minhash_similar\(\$1::public\.minhash, sig, 0\.8::double precision\)');

-- compare overlap 50
SELECT o.id, w.id FROM outputs o JOIN works w ON o.fp && w.fp WHERE o.id % 4 = 0;
-- check overlap_remote_sql
SELECT every_shard_gets('SELECT o.id, w.id FROM outputs o JOIN works w ON o.fp && w.fp WHERE o.id % 4 = 0',
                        '\(\$1::public\.fingerprint OPERATOR\(public\.&&\) fp\)');

-- ---------------------------------------------------------------------------
-- The GUC operators read a setting, so they are STABLE and postgres_fdw
-- keeps them on the router: every row of works travels, and the router
-- compares them (same rows, no index, much slower).

-- compare contained_op 10
SELECT o.id, w.id FROM outputs o JOIN works w ON o.fp <% w.fp WHERE o.id % 10 = 0;
-- check contained_op_not_shipped
SELECT bool_and(r !~ '<%|%>') AND count(*) = 2
FROM remote_sql('SELECT o.id, w.id FROM outputs o JOIN works w ON o.fp <% w.fp') r;
