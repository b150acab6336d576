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

-- ---------------------------------------------------------------------------
-- aggregates

-- ---------------------------------------------------------------------------
-- evidence spans and reports

-- ---------------------------------------------------------------------------
-- SPDX and licenses

-- ---------------------------------------------------------------------------
-- the workflow: registration, scans, findings, views, privileges
