-- pg_llmcopy 0.1.0 -> 0.2.0.
--
-- Every change made to the SQL surface since 0.1.0, in the order of the
-- sections below; `make test-upgrade` proves that a fresh 0.2.0 install and
-- a 0.1.0 install updated with this script define the same objects.
\echo Use "ALTER EXTENSION pg_llmcopy UPDATE TO '0.2.0'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- types, operators and index support

-- ---- scaling out: equality and hashing, LSH band keys, planner estimates ----
-- (one block, the same in the install script and the upgrade script)

-- Equality, order and hashing of fingerprints and signatures, for DISTINCT,
-- GROUP BY, UNION, hash and merge joins.  Equal: the same parameters, token
-- count and hashes (values); a query threshold is not part of the value.
CREATE FUNCTION fingerprint_eq(fingerprint, fingerprint) RETURNS bool
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_ne(fingerprint, fingerprint) RETURNS bool
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_lt(fingerprint, fingerprint) RETURNS bool
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_le(fingerprint, fingerprint) RETURNS bool
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_gt(fingerprint, fingerprint) RETURNS bool
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_ge(fingerprint, fingerprint) RETURNS bool
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_cmp(fingerprint, fingerprint) RETURNS int
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_hash(fingerprint) RETURNS int
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_hash_extended(fingerprint, bigint) RETURNS bigint
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OPERATOR = (
    LEFTARG = fingerprint, RIGHTARG = fingerprint, PROCEDURE = fingerprint_eq,
    COMMUTATOR = '=', NEGATOR = '<>', RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES
);
CREATE OPERATOR <> (
    LEFTARG = fingerprint, RIGHTARG = fingerprint, PROCEDURE = fingerprint_ne,
    COMMUTATOR = '<>', NEGATOR = '=', RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR < (
    LEFTARG = fingerprint, RIGHTARG = fingerprint, PROCEDURE = fingerprint_lt,
    COMMUTATOR = '>', NEGATOR = '>=', RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
CREATE OPERATOR <= (
    LEFTARG = fingerprint, RIGHTARG = fingerprint, PROCEDURE = fingerprint_le,
    COMMUTATOR = '>=', NEGATOR = '>', RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
CREATE OPERATOR > (
    LEFTARG = fingerprint, RIGHTARG = fingerprint, PROCEDURE = fingerprint_gt,
    COMMUTATOR = '<', NEGATOR = '<=', RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
CREATE OPERATOR >= (
    LEFTARG = fingerprint, RIGHTARG = fingerprint, PROCEDURE = fingerprint_ge,
    COMMUTATOR = '<=', NEGATOR = '<', RESTRICT = scalargesel, JOIN = scalargejoinsel
);

CREATE OPERATOR CLASS fingerprint_btree_ops
DEFAULT FOR TYPE fingerprint USING btree AS
    OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >,
    FUNCTION 1 fingerprint_cmp(fingerprint, fingerprint);
CREATE OPERATOR CLASS fingerprint_hash_ops
DEFAULT FOR TYPE fingerprint USING hash AS
    OPERATOR 1 =,
    FUNCTION 1 fingerprint_hash(fingerprint),
    FUNCTION 2 fingerprint_hash_extended(fingerprint, bigint);

CREATE FUNCTION minhash_eq(minhash, minhash) RETURNS bool
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION minhash_ne(minhash, minhash) RETURNS bool
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION minhash_lt(minhash, minhash) RETURNS bool
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION minhash_le(minhash, minhash) RETURNS bool
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION minhash_gt(minhash, minhash) RETURNS bool
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION minhash_ge(minhash, minhash) RETURNS bool
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION minhash_cmp(minhash, minhash) RETURNS int
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION minhash_hash(minhash) RETURNS int
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION minhash_hash_extended(minhash, bigint) RETURNS bigint
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OPERATOR = (
    LEFTARG = minhash, RIGHTARG = minhash, PROCEDURE = minhash_eq,
    COMMUTATOR = '=', NEGATOR = '<>', RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES
);
CREATE OPERATOR <> (
    LEFTARG = minhash, RIGHTARG = minhash, PROCEDURE = minhash_ne,
    COMMUTATOR = '<>', NEGATOR = '=', RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR < (
    LEFTARG = minhash, RIGHTARG = minhash, PROCEDURE = minhash_lt,
    COMMUTATOR = '>', NEGATOR = '>=', RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
CREATE OPERATOR <= (
    LEFTARG = minhash, RIGHTARG = minhash, PROCEDURE = minhash_le,
    COMMUTATOR = '>=', NEGATOR = '>', RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
CREATE OPERATOR > (
    LEFTARG = minhash, RIGHTARG = minhash, PROCEDURE = minhash_gt,
    COMMUTATOR = '<', NEGATOR = '<=', RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
CREATE OPERATOR >= (
    LEFTARG = minhash, RIGHTARG = minhash, PROCEDURE = minhash_ge,
    COMMUTATOR = '<=', NEGATOR = '<', RESTRICT = scalargesel, JOIN = scalargejoinsel
);

CREATE OPERATOR CLASS minhash_btree_ops
DEFAULT FOR TYPE minhash USING btree AS
    OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >,
    FUNCTION 1 minhash_cmp(minhash, minhash);
CREATE OPERATOR CLASS minhash_hash_ops
DEFAULT FOR TYPE minhash USING hash AS
    OPERATOR 1 =,
    FUNCTION 1 minhash_hash(minhash),
    FUNCTION 2 minhash_hash_extended(minhash, bigint);

-- LSH band keys as rows: candidate pairs by an equality join on band_key
-- (the GIN key of minhash_ops is its low 32 bits).
CREATE FUNCTION minhash_bands(sig minhash, bands int DEFAULT 16, rows int DEFAULT 8,
    OUT band int, OUT band_key bigint)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'minhash_bands'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 16;

COMMENT ON FUNCTION minhash_bands(minhash, int, int) IS
'the LSH bands of a signature as rows (band 1..bands, 64-bit band key); pairs sharing a band_key are the candidates of minhash_ops';

-- Per-call costs, in units of cpu_operator_cost (an int4 addition, 3 ns on
-- the benchmark machine), measured on the benchmark's documents: building a
-- fingerprint or a signature takes 5 to 6 ns a byte (3,500 units for a 2 KB
-- text), comparing two fingerprints of 30 and 70 hashes 0.27 us (90 units),
-- two signatures of 128 values 0.02 us.  With a cost of 1 the planner
-- evaluated the measures as a join filter on every row of a small table
-- (or shard) rather than probing its index, and never built fingerprints
-- in parallel.  The constructors are set below the measured cost: 1,000 is
-- enough for parallel plans on large tables, and keeps statements of a few
-- thousand rows under jit_above_cost, where compiling would cost more than
-- it saves (the time is spent inside the functions, which JIT does not touch).
ALTER FUNCTION fingerprint(text, int, int, text) COST 1000;
ALTER FUNCTION minhash(text, int, int, text) COST 1000;
ALTER FUNCTION containment(fingerprint, fingerprint) COST 100;
ALTER FUNCTION jaccard(fingerprint, fingerprint) COST 100;
ALTER FUNCTION fingerprint_contained(fingerprint, fingerprint, float8) COST 100;
ALTER FUNCTION fingerprint_similar(fingerprint, fingerprint, float8) COST 100;
ALTER FUNCTION fingerprint_similar_op(fingerprint, fingerprint) COST 100;
ALTER FUNCTION fingerprint_contained_op(fingerprint, fingerprint) COST 100;
ALTER FUNCTION fingerprint_contains_op(fingerprint, fingerprint) COST 100;
ALTER FUNCTION fingerprint_overlap(fingerprint, fingerprint) COST 100;
ALTER FUNCTION fingerprint_contains_t_op(fingerprint, fingerprint) COST 100;
ALTER FUNCTION fingerprint_contained_t_op(fingerprint, fingerprint) COST 100;
ALTER FUNCTION fingerprint_similar_t_op(fingerprint, fingerprint) COST 100;
ALTER FUNCTION fingerprint_union(fingerprint, fingerprint) COST 100;
ALTER FUNCTION fingerprint_intersect(fingerprint, fingerprint) COST 100;
ALTER FUNCTION fingerprint_minus(fingerprint, fingerprint) COST 100;
ALTER FUNCTION jaccard(minhash, minhash) COST 10;
ALTER FUNCTION minhash_similar(minhash, minhash, float8) COST 10;
ALTER FUNCTION minhash_similar_op(minhash, minhash) COST 10;
ALTER FUNCTION minhash_similar_t_op(minhash, minhash) COST 10;
ALTER FUNCTION minhash_bands(minhash, int, int) COST 100;

-- The index conditions' operators estimate from the threshold their query
-- operand carries, as the functions they stand for do.
CREATE FUNCTION llmcopy_threshold_sel(internal, oid, internal, int) RETURNS float8
AS 'MODULE_PATHNAME', 'llmcopy_threshold_sel' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION llmcopy_threshold_joinsel(internal, oid, internal, int2, internal) RETURNS float8
AS 'MODULE_PATHNAME', 'llmcopy_threshold_sel' LANGUAGE C STABLE STRICT PARALLEL SAFE;
ALTER OPERATOR %># (fingerprint, fingerprint) SET (RESTRICT = llmcopy_threshold_sel, JOIN = llmcopy_threshold_joinsel);
ALTER OPERATOR <%# (fingerprint, fingerprint) SET (RESTRICT = llmcopy_threshold_sel, JOIN = llmcopy_threshold_joinsel);
ALTER OPERATOR %# (fingerprint, fingerprint) SET (RESTRICT = llmcopy_threshold_sel, JOIN = llmcopy_threshold_joinsel);
ALTER OPERATOR %# (minhash, minhash) SET (RESTRICT = llmcopy_threshold_sel, JOIN = llmcopy_threshold_joinsel);

-- ---------------------------------------------------------------------------
-- aggregates

-- ---------------------------------------------------------------------------
-- evidence spans and reports

-- ---------------------------------------------------------------------------
-- SPDX and licenses

-- ---------------------------------------------------------------------------
-- the workflow: registration, scans, findings, views, privileges
