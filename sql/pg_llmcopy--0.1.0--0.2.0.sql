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

-- ---------------------------------------------------------------------------
-- aggregates

-- ---------------------------------------------------------------------------
-- evidence spans and reports

-- ---------------------------------------------------------------------------
-- SPDX and licenses

-- ---------------------------------------------------------------------------
-- the workflow: registration, scans, findings, views, privileges
