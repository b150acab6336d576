-- pg_llmcopy 0.1.0 -> 0.2.0.
--
-- Every change made to the SQL surface since 0.1.0, in the order of the
-- sections below; `make test-upgrade` proves that a fresh 0.2.0 install and
-- a 0.1.0 install updated with this script define the same objects.
\echo Use "ALTER EXTENSION pg_llmcopy UPDATE TO '0.2.0'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- types, operators and index support

-- ---------------------------------------------------------------------------
-- aggregates
--
-- Combine, serialize and deserialize functions for partial aggregation.
-- CREATE OR REPLACE AGGREGATE keeps each aggregate's OID, so the views and
-- user objects that use them (llmcopy_output_attribution uses
-- attribution_agg) stay as they are.

CREATE FUNCTION fingerprint_agg_combine(internal, internal) RETURNS internal
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION fingerprint_agg_serialize(internal) RETURNS bytea
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_agg_deserialize(bytea, internal) RETURNS internal
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OR REPLACE AGGREGATE fingerprint_union_agg(fingerprint) (
    SFUNC = fingerprint_union_trans, STYPE = internal,
    FINALFUNC = fingerprint_union_final, FINALFUNC_MODIFY = READ_WRITE,
    COMBINEFUNC = fingerprint_agg_combine,
    SERIALFUNC = fingerprint_agg_serialize, DESERIALFUNC = fingerprint_agg_deserialize,
    PARALLEL = SAFE
);
CREATE OR REPLACE AGGREGATE fingerprint_common_agg(fingerprint, min_docs int) (
    SFUNC = fingerprint_common_trans, STYPE = internal,
    FINALFUNC = fingerprint_common_final, FINALFUNC_MODIFY = READ_WRITE,
    COMBINEFUNC = fingerprint_agg_combine,
    SERIALFUNC = fingerprint_agg_serialize, DESERIALFUNC = fingerprint_agg_deserialize,
    PARALLEL = SAFE
);

CREATE FUNCTION fingerprint_common_share_trans(internal, fingerprint, float8) RETURNS internal
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE fingerprint_common_agg(fingerprint, min_share float8) (
    SFUNC = fingerprint_common_share_trans, STYPE = internal,
    FINALFUNC = fingerprint_common_final, FINALFUNC_MODIFY = READ_WRITE,
    COMBINEFUNC = fingerprint_agg_combine,
    SERIALFUNC = fingerprint_agg_serialize, DESERIALFUNC = fingerprint_agg_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE fingerprint_union_agg(fingerprint) IS
'every hash of the fingerprints, in memory bounded by work_mem';
COMMENT ON AGGREGATE fingerprint_common_agg(fingerprint, float8) IS
'hashes found in at least the share min_share (0 < min_share <= 1) of the non-NULL fingerprints, rounded up to whole fingerprints';

CREATE FUNCTION attribution_combine(internal, internal) RETURNS internal
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION attribution_serialize(internal) RETURNS bytea
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION attribution_deserialize(bytea, internal) RETURNS internal
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE AGGREGATE attribution_agg(author text, title text, source text, license text) (
    SFUNC = attribution_trans, STYPE = internal,
    FINALFUNC = attribution_final, FINALFUNC_MODIFY = READ_WRITE,
    COMBINEFUNC = attribution_combine,
    SERIALFUNC = attribution_serialize, DESERIALFUNC = attribution_deserialize,
    PARALLEL = SAFE
);

-- ---------------------------------------------------------------------------
-- evidence spans and reports

-- ---------------------------------------------------------------------------
-- SPDX and licenses

-- ---------------------------------------------------------------------------
-- the workflow: registration, scans, findings, views, privileges
