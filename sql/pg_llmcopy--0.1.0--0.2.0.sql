-- pg_llmcopy 0.1.0 -> 0.2.0.
--
-- Every change made to the SQL surface since 0.1.0, in the order of the
-- sections below; `make test-upgrade` proves that a fresh 0.2.0 install and
-- a 0.1.0 install updated with this script define the same objects.
\echo Use "ALTER EXTENSION pg_llmcopy UPDATE TO '0.2.0'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- types, operators and index support

-- Hashes do not compress: both types are stored out of line uncompressed,
-- so fingerprint_info and minhash_info read a header by slice.  ALTER TYPE
-- changes the default of columns made from now on; existing columns keep
-- theirs (ALTER TABLE ... ALTER COLUMN ... SET STORAGE EXTERNAL changes it
-- for the values written after it).
ALTER TYPE fingerprint SET (STORAGE = external);
ALTER TYPE minhash SET (STORAGE = external);

-- The limits the C code enforces, for SQL to ask for rather than repeat.
CREATE FUNCTION llmcopy_limits(OUT name text, OUT min bigint, OUT max bigint)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'llmcopy_limits'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION llmcopy_limits() IS
'the ranges of parameters and sizes the extension accepts';

-- minhash_lsh_params: num_perm's range from C, search_path pinned.
CREATE OR REPLACE FUNCTION minhash_lsh_params(threshold float8, num_perm int DEFAULT 128,
    OUT bands int, OUT rows int, OUT p_at_threshold float8,
    OUT false_positive_area float8, OUT false_negative_area float8)
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    lo bigint;
    hi bigint;
BEGIN
    IF NOT (threshold > 0 AND threshold < 1) THEN
        RAISE EXCEPTION 'threshold must be between 0 and 1 (exclusive), not %', threshold
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT l.min, l.max INTO lo, hi FROM @extschema@.llmcopy_limits() l WHERE l.name = 'num_perm';
    IF num_perm < lo OR num_perm > hi THEN
        RAISE EXCEPTION 'num_perm must be between % and %, not %', lo, hi, num_perm
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- areas under the S-curve below the threshold (false positives) and
    -- above it (false negatives), by the midpoint rule on 1000 steps; a
    -- false negative is a lost pair, a false positive only a recheck, so
    -- they weigh 0.9 and 0.1
    SELECT num_perm / r, r, @extschema@.minhash_lsh_probability(threshold, num_perm / r, r), a.fp, a.fn
    INTO bands, rows, p_at_threshold, false_positive_area, false_negative_area
    FROM generate_series(1, num_perm) r,
         LATERAL (SELECT coalesce(sum(@extschema@.minhash_lsh_probability(s, num_perm / r, r)) FILTER (WHERE s < threshold), 0) / 1000 AS fp,
                         coalesce(sum(1 - @extschema@.minhash_lsh_probability(s, num_perm / r, r)) FILTER (WHERE s >= threshold), 0) / 1000 AS fn
                  FROM (SELECT (i + 0.5) / 1000.0 AS s FROM generate_series(0, 999) i) g) a
    WHERE num_perm % r = 0
    ORDER BY 0.1 * a.fp + 0.9 * a.fn, r
    LIMIT 1;
END $$;

-- GIN indexes know the parameters of their values: opclass options k, w,
-- mode and seed (fingerprint_ops), ngram, mode and seed (minhash_ops), with
-- the defaults of fingerprint() and minhash().  An index made before over
-- values built with other parameters now refuses them, and the queries
-- that match them: name each such index, and how to recreate it.  Only
-- indexes on plain columns are looked at (one stored value each, read by
-- the extension's own functions); an index on an expression whose options
-- name no parameter gets a warning to check it.
DO $$
DECLARE
    r record;
    v record;
BEGIN
    FOR r IN
        SELECT i.indexrelid::regclass AS idx, i.indrelid::regclass AS tbl, a.attname, o.opcname,
               coalesce(opt.k, CASE o.opcname WHEN 'fingerprint_ops' THEN 5 END) AS k,
               coalesce(opt.w, CASE o.opcname WHEN 'fingerprint_ops' THEN 10 END) AS w,
               coalesce(opt.ngram, CASE o.opcname WHEN 'minhash_ops' THEN 5 END) AS ngram,
               coalesce(opt.mode, 'text') AS mode, coalesce(opt.seed, 0) AS seed,
               num_nonnulls(opt.k, opt.w, opt.ngram, opt.mode, opt.seed) > 0 AS has_params
        FROM pg_index i
             CROSS JOIN LATERAL unnest(i.indclass::oid[], i.indkey::int2[]) WITH ORDINALITY AS c(opc, attnum, n)
             JOIN pg_opclass o ON o.oid = c.opc
             LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = c.attnum AND c.attnum > 0
             LEFT JOIN pg_attribute ia ON ia.attrelid = i.indexrelid AND ia.attnum = c.n
             CROSS JOIN LATERAL (
                 SELECT max(split_part(x, '=', 2)) FILTER (WHERE split_part(x, '=', 1) = 'k')::int AS k,
                        max(split_part(x, '=', 2)) FILTER (WHERE split_part(x, '=', 1) = 'w')::int AS w,
                        max(split_part(x, '=', 2)) FILTER (WHERE split_part(x, '=', 1) = 'ngram')::int AS ngram,
                        max(split_part(x, '=', 2)) FILTER (WHERE split_part(x, '=', 1) = 'mode') AS mode,
                        max(split_part(x, '=', 2)) FILTER (WHERE split_part(x, '=', 1) = 'seed')::bigint AS seed
                 FROM unnest(coalesce(ia.attoptions, '{}')) x) opt
        WHERE o.opcname IN ('fingerprint_ops', 'minhash_ops')
          AND o.opcnamespace = '@extschema@'::regnamespace
    LOOP
        IF r.attname IS NULL THEN
            IF NOT r.has_params THEN
                RAISE WARNING 'index % is on an expression and its % options name no parameter: it now expects values built with the defaults', r.idx, r.opcname
                    USING HINT = format('If its values are built otherwise, recreate it with the parameters as %s options.', r.opcname);
            END IF;
        ELSIF r.opcname = 'fingerprint_ops' THEN
            EXECUTE format('SELECT f.k, f.w, f.mode, f.seed FROM %s t, @extschema@.fingerprint_info(t.%I) f WHERE t.%I IS NOT NULL LIMIT 1',
                           r.tbl, r.attname, r.attname) INTO v;
            IF v.k IS NOT NULL AND (v.k, v.w, v.mode, v.seed) IS DISTINCT FROM (r.k, r.w, r.mode, r.seed) THEN
                RAISE WARNING 'index % holds fingerprints built with k = %, w = %, mode = %, seed = %, which its options do not say', r.idx, v.k, v.w, v.mode, v.seed
                    USING HINT = format('Recreate it: CREATE INDEX ON %s USING gin (%I fingerprint_ops (k = %s, w = %s, mode = %L, seed = %s)), then drop the old one.',
                                        r.tbl, r.attname, v.k, v.w, v.mode, v.seed);
            END IF;
        ELSE
            EXECUTE format('SELECT m.ngram, m.mode, m.seed FROM %s t, @extschema@.minhash_info(t.%I) m WHERE t.%I IS NOT NULL LIMIT 1',
                           r.tbl, r.attname, r.attname) INTO v;
            IF v.ngram IS NOT NULL AND (v.ngram, v.mode, v.seed) IS DISTINCT FROM (r.ngram, r.mode, r.seed) THEN
                RAISE WARNING 'index % holds signatures built with ngram = %, mode = %, seed = %, which its options do not say', r.idx, v.ngram, v.mode, v.seed
                    USING HINT = format('Recreate it with minhash_ops (ngram = %s, mode = %L, seed = %s) and its bands and rows, then drop the old one.',
                                        v.ngram, v.mode, v.seed);
            END IF;
        END IF;
    END LOOP;
END $$;

-- ---------------------------------------------------------------------------
-- aggregates

-- ---------------------------------------------------------------------------
-- evidence spans and reports

-- ---------------------------------------------------------------------------
-- SPDX and licenses

-- ---------------------------------------------------------------------------
-- the workflow: registration, scans, findings, views, privileges
