-- pg_llmcopy 0.2.0: fingerprints, MinHash, evidence spans, licenses and the compliance workflow.
\echo Use "CREATE EXTENSION pg_llmcopy" to load this file. \quit

-- ---------------------------------------------------------------------------
-- tokenizer

CREATE FUNCTION llmcopy_tokens(text, mode text DEFAULT 'text',
    OUT n int, OUT token text, OUT start int, OUT length int)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'llmcopy_tokens'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION llmcopy_tokens(text, text) IS
'what the tokenizer saw: normalized token, 1-based character start and length in the text';

-- ---------------------------------------------------------------------------
-- fingerprint type

CREATE TYPE fingerprint;

CREATE FUNCTION fingerprint_in(cstring) RETURNS fingerprint
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_out(fingerprint) RETURNS cstring
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_recv(internal) RETURNS fingerprint
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_send(fingerprint) RETURNS bytea
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE fingerprint (
    INPUT = fingerprint_in,
    OUTPUT = fingerprint_out,
    RECEIVE = fingerprint_recv,
    SEND = fingerprint_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);

COMMENT ON TYPE fingerprint IS
'winnowed set of k-gram hashes of a text, with its parameters';

CREATE FUNCTION fingerprint(text, k int DEFAULT 5, w int DEFAULT 10, mode text DEFAULT 'text')
RETURNS fingerprint
AS 'MODULE_PATHNAME', 'fingerprint_make'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION fingerprint(text, int, int, text) IS
'winnowed fingerprint of a text: any shared run of w + k - 1 tokens shares a hash';

CREATE FUNCTION fingerprint_info(fingerprint,
    OUT version int, OUT mode text, OUT k int, OUT w int,
    OUT seed bigint, OUT tokens bigint, OUT hashes bigint)
AS 'MODULE_PATHNAME', 'fingerprint_info'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION fingerprint_with_threshold(fingerprint, float8) RETURNS fingerprint
AS 'MODULE_PATHNAME', 'fingerprint_with_threshold'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION fingerprint_with_threshold(fingerprint, float8) IS
'a query value that carries its threshold, for the operators %>#, <%# and %#';

-- ---------------------------------------------------------------------------
-- measures

CREATE FUNCTION jaccard(fingerprint, fingerprint) RETURNS float8
AS 'MODULE_PATHNAME', 'fingerprint_jaccard'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION containment(a fingerprint, b fingerprint) RETURNS float8
AS 'MODULE_PATHNAME', 'fingerprint_containment'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION containment(fingerprint, fingerprint) IS
'share of a''s hashes that are also in b';

CREATE FUNCTION llmcopy_index_support(internal) RETURNS internal
AS 'MODULE_PATHNAME', 'llmcopy_index_support'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION fingerprint_contained(a fingerprint, b fingerprint, threshold float8)
RETURNS bool
AS 'MODULE_PATHNAME', 'fingerprint_contained'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
SUPPORT llmcopy_index_support;

COMMENT ON FUNCTION fingerprint_contained(fingerprint, fingerprint, float8) IS
'containment(a, b) >= threshold; uses a fingerprint_ops index on a or b';

CREATE FUNCTION fingerprint_similar(a fingerprint, b fingerprint, threshold float8)
RETURNS bool
AS 'MODULE_PATHNAME', 'fingerprint_similar'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
SUPPORT llmcopy_index_support;

COMMENT ON FUNCTION fingerprint_similar(fingerprint, fingerprint, float8) IS
'jaccard(a, b) >= threshold; uses a fingerprint_ops index on a or b';

-- ---------------------------------------------------------------------------
-- operators

CREATE FUNCTION fingerprint_similar_op(fingerprint, fingerprint) RETURNS bool
AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_contained_op(fingerprint, fingerprint) RETURNS bool
AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_contains_op(fingerprint, fingerprint) RETURNS bool
AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_overlap(fingerprint, fingerprint) RETURNS bool
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_contains_t_op(fingerprint, fingerprint) RETURNS bool
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_contained_t_op(fingerprint, fingerprint) RETURNS bool
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_similar_t_op(fingerprint, fingerprint) RETURNS bool
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_union(fingerprint, fingerprint) RETURNS fingerprint
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_intersect(fingerprint, fingerprint) RETURNS fingerprint
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_minus(fingerprint, fingerprint) RETURNS fingerprint
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OPERATOR % (
    LEFTARG = fingerprint, RIGHTARG = fingerprint, PROCEDURE = fingerprint_similar_op,
    COMMUTATOR = '%', RESTRICT = matchingsel, JOIN = matchingjoinsel
);
CREATE OPERATOR <% (
    LEFTARG = fingerprint, RIGHTARG = fingerprint, PROCEDURE = fingerprint_contained_op,
    COMMUTATOR = '%>', RESTRICT = matchingsel, JOIN = matchingjoinsel
);
CREATE OPERATOR %> (
    LEFTARG = fingerprint, RIGHTARG = fingerprint, PROCEDURE = fingerprint_contains_op,
    COMMUTATOR = '<%', RESTRICT = matchingsel, JOIN = matchingjoinsel
);
CREATE OPERATOR && (
    LEFTARG = fingerprint, RIGHTARG = fingerprint, PROCEDURE = fingerprint_overlap,
    COMMUTATOR = '&&', RESTRICT = matchingsel, JOIN = matchingjoinsel
);
CREATE OPERATOR %># (
    LEFTARG = fingerprint, RIGHTARG = fingerprint, PROCEDURE = fingerprint_contains_t_op,
    RESTRICT = matchingsel, JOIN = matchingjoinsel
);
CREATE OPERATOR <%# (
    LEFTARG = fingerprint, RIGHTARG = fingerprint, PROCEDURE = fingerprint_contained_t_op,
    RESTRICT = matchingsel, JOIN = matchingjoinsel
);
CREATE OPERATOR %# (
    LEFTARG = fingerprint, RIGHTARG = fingerprint, PROCEDURE = fingerprint_similar_t_op,
    RESTRICT = matchingsel, JOIN = matchingjoinsel
);
CREATE OPERATOR | (
    LEFTARG = fingerprint, RIGHTARG = fingerprint, PROCEDURE = fingerprint_union,
    COMMUTATOR = '|'
);
CREATE OPERATOR & (
    LEFTARG = fingerprint, RIGHTARG = fingerprint, PROCEDURE = fingerprint_intersect,
    COMMUTATOR = '&'
);
CREATE OPERATOR - (
    LEFTARG = fingerprint, RIGHTARG = fingerprint, PROCEDURE = fingerprint_minus
);

-- ---------------------------------------------------------------------------
-- aggregates

CREATE FUNCTION fingerprint_union_trans(internal, fingerprint) RETURNS internal
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION fingerprint_union_final(internal) RETURNS fingerprint
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE fingerprint_union_agg(fingerprint) (
    SFUNC = fingerprint_union_trans, STYPE = internal,
    FINALFUNC = fingerprint_union_final, FINALFUNC_MODIFY = READ_WRITE,
    PARALLEL = SAFE
);

CREATE FUNCTION fingerprint_common_trans(internal, fingerprint, int) RETURNS internal
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION fingerprint_common_final(internal) RETURNS fingerprint
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE fingerprint_common_agg(fingerprint, min_docs int) (
    SFUNC = fingerprint_common_trans, STYPE = internal,
    FINALFUNC = fingerprint_common_final, FINALFUNC_MODIFY = READ_WRITE,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE fingerprint_common_agg(fingerprint, int) IS
'hashes found in at least min_docs of the fingerprints: boilerplate to subtract';

-- ---------------------------------------------------------------------------
-- GIN opclass; strategy numbers mirror include/pg_llmcopy.h

CREATE FUNCTION gin_extract_value_fingerprint(fingerprint, internal, internal)
RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION gin_extract_query_fingerprint(fingerprint, internal, int2, internal, internal, internal, internal)
RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION gin_consistent_fingerprint(internal, int2, fingerprint, int4, internal, internal, internal, internal)
RETURNS bool AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION gin_triconsistent_fingerprint(internal, int2, fingerprint, int4, internal, internal, internal)
RETURNS "char" AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION gin_fingerprint_options(internal)
RETURNS void AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE OPERATOR CLASS fingerprint_ops
DEFAULT FOR TYPE fingerprint USING gin AS
    OPERATOR 1 % (fingerprint, fingerprint),
    OPERATOR 2 %> (fingerprint, fingerprint),
    OPERATOR 3 <% (fingerprint, fingerprint),
    OPERATOR 4 && (fingerprint, fingerprint),
    OPERATOR 5 %># (fingerprint, fingerprint),
    OPERATOR 6 %# (fingerprint, fingerprint),
    OPERATOR 7 <%# (fingerprint, fingerprint),
    FUNCTION 1 btint4cmp(int4, int4),
    FUNCTION 2 gin_extract_value_fingerprint(fingerprint, internal, internal),
    FUNCTION 3 gin_extract_query_fingerprint(fingerprint, internal, int2, internal, internal, internal, internal),
    FUNCTION 4 gin_consistent_fingerprint(internal, int2, fingerprint, int4, internal, internal, internal, internal),
    FUNCTION 6 gin_triconsistent_fingerprint(internal, int2, fingerprint, int4, internal, internal, internal),
    FUNCTION 7 gin_fingerprint_options(internal),
    STORAGE int4;

-- ---------------------------------------------------------------------------
-- evidence spans

CREATE FUNCTION llmcopy_matches(a text, b text, min_tokens int DEFAULT 8,
    mode text DEFAULT 'text', max_gap int DEFAULT 0,
    OUT a_start int, OUT a_length int, OUT b_start int, OUT b_length int,
    OUT tokens int, OUT excerpt text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'llmcopy_matches'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION llmcopy_matches(text, text, int, text, int) IS
'common token runs of a and b: 1-based character positions in both texts, tokens matched, excerpt of a';

CREATE FUNCTION llmcopy_longest_match(a text, b text, mode text DEFAULT 'text')
RETURNS int
AS 'MODULE_PATHNAME', 'llmcopy_longest_match'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION llmcopy_coverage(a text, b text, min_tokens int DEFAULT 8, mode text DEFAULT 'text')
RETURNS float8
AS 'MODULE_PATHNAME', 'llmcopy_coverage'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- ---------------------------------------------------------------------------
-- minhash type

CREATE TYPE minhash;

CREATE FUNCTION minhash_in(cstring) RETURNS minhash
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION minhash_out(minhash) RETURNS cstring
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION minhash_recv(internal) RETURNS minhash
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION minhash_send(minhash) RETURNS bytea
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE minhash (
    INPUT = minhash_in,
    OUTPUT = minhash_out,
    RECEIVE = minhash_recv,
    SEND = minhash_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);

COMMENT ON TYPE minhash IS
'MinHash signature of a text''s token n-gram set, with its parameters';

CREATE FUNCTION minhash(text, num_perm int DEFAULT 128, ngram int DEFAULT 5, mode text DEFAULT 'text')
RETURNS minhash
AS 'MODULE_PATHNAME', 'minhash_make'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION minhash_info(minhash,
    OUT version int, OUT mode text, OUT num_perm int, OUT ngram int,
    OUT seed bigint, OUT tokens bigint)
AS 'MODULE_PATHNAME', 'minhash_info'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION minhash_with_threshold(minhash, float8) RETURNS minhash
AS 'MODULE_PATHNAME', 'minhash_with_threshold'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION jaccard(minhash, minhash) RETURNS float8
AS 'MODULE_PATHNAME', 'minhash_jaccard'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION jaccard(minhash, minhash) IS
'estimated Jaccard similarity of the two texts'' n-gram sets';

CREATE FUNCTION minhash_similar(a minhash, b minhash, threshold float8)
RETURNS bool
AS 'MODULE_PATHNAME', 'minhash_similar'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
SUPPORT llmcopy_index_support;

COMMENT ON FUNCTION minhash_similar(minhash, minhash, float8) IS
'jaccard(a, b) >= threshold; uses a minhash_ops index on a or b';

CREATE FUNCTION minhash_similar_op(minhash, minhash) RETURNS bool
AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION minhash_similar_t_op(minhash, minhash) RETURNS bool
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OPERATOR % (
    LEFTARG = minhash, RIGHTARG = minhash, PROCEDURE = minhash_similar_op,
    COMMUTATOR = '%', RESTRICT = matchingsel, JOIN = matchingjoinsel
);
CREATE OPERATOR %# (
    LEFTARG = minhash, RIGHTARG = minhash, PROCEDURE = minhash_similar_t_op,
    RESTRICT = matchingsel, JOIN = matchingjoinsel
);

-- GIN LSH opclass; strategy numbers mirror include/pg_llmcopy.h
CREATE FUNCTION gin_extract_value_minhash(minhash, internal, internal)
RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION gin_extract_query_minhash(minhash, internal, int2, internal, internal, internal, internal)
RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION gin_consistent_minhash(internal, int2, minhash, int4, internal, internal, internal, internal)
RETURNS bool AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION gin_triconsistent_minhash(internal, int2, minhash, int4, internal, internal, internal)
RETURNS "char" AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION gin_minhash_options(internal)
RETURNS void AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE OPERATOR CLASS minhash_ops
DEFAULT FOR TYPE minhash USING gin AS
    OPERATOR 1 % (minhash, minhash),
    OPERATOR 2 %# (minhash, minhash),
    FUNCTION 1 btint4cmp(int4, int4),
    FUNCTION 2 gin_extract_value_minhash(minhash, internal, internal),
    FUNCTION 3 gin_extract_query_minhash(minhash, internal, int2, internal, internal, internal, internal),
    FUNCTION 4 gin_consistent_minhash(internal, int2, minhash, int4, internal, internal, internal, internal),
    FUNCTION 6 gin_triconsistent_minhash(internal, int2, minhash, int4, internal, internal, internal),
    FUNCTION 7 gin_minhash_options(internal),
    STORAGE int4;

-- LSH parameters: the S-curve and a recommendation.
CREATE FUNCTION minhash_lsh_probability(similarity float8, bands int, rows int)
RETURNS float8
AS 'MODULE_PATHNAME', 'minhash_lsh_probability'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION minhash_lsh_probability(float8, int, int) IS
'probability that a pair with this Jaccard similarity shares an LSH band: 1 - (1 - s^rows)^bands';

CREATE FUNCTION minhash_lsh_params(threshold float8, num_perm int DEFAULT 128,
    OUT bands int, OUT rows int, OUT p_at_threshold float8,
    OUT false_positive_area float8, OUT false_negative_area float8)
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
BEGIN
    IF NOT (threshold > 0 AND threshold < 1) THEN
        RAISE EXCEPTION 'threshold must be between 0 and 1 (exclusive), not %', threshold
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF num_perm < 16 OR num_perm > 1024 THEN
        RAISE EXCEPTION 'num_perm must be between 16 and 1024, not %', num_perm
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- areas under the S-curve below the threshold (false positives) and
    -- above it (false negatives), by the midpoint rule on 1000 steps; a
    -- false negative is a lost pair, a false positive only a recheck, so
    -- they weigh 0.9 and 0.1
    SELECT num_perm / r, r, minhash_lsh_probability(threshold, num_perm / r, r), a.fp, a.fn
    INTO bands, rows, p_at_threshold, false_positive_area, false_negative_area
    FROM generate_series(1, num_perm) r,
         LATERAL (SELECT coalesce(sum(minhash_lsh_probability(s, num_perm / r, r)) FILTER (WHERE s < threshold), 0) / 1000 AS fp,
                         coalesce(sum(1 - minhash_lsh_probability(s, num_perm / r, r)) FILTER (WHERE s >= threshold), 0) / 1000 AS fn
                  FROM (SELECT (i + 0.5) / 1000.0 AS s FROM generate_series(0, 999) i) g) a
    WHERE num_perm % r = 0
    ORDER BY 0.1 * a.fp + 0.9 * a.fn, r
    LIMIT 1;
END $$;

COMMENT ON FUNCTION minhash_lsh_params(float8, int) IS
'bands x rows = num_perm minimising 0.1 x the false positive area plus 0.9 x the false negative area of the S-curve around threshold';

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
-- near-duplicate groups

CREATE FUNCTION llmcopy_components(edges_sql text, OUT id bigint, OUT component bigint)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'llmcopy_components'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;

COMMENT ON FUNCTION llmcopy_components(text) IS
'connected components of the (id, id) pairs a query returns; component = the smallest id of the group';

-- ---------------------------------------------------------------------------
-- SPDX license expressions

CREATE FUNCTION spdx_normalize(text) RETURNS text
AS 'MODULE_PATHNAME', 'spdx_normalize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION spdx_normalize(text) IS
'canonical SPDX expression (ids in their spelling, deprecated ids mapped); an error names the position of invalid input';

CREATE FUNCTION spdx_valid(text) RETURNS bool
AS 'MODULE_PATHNAME', 'spdx_valid' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION spdx_ids(text) RETURNS SETOF text
AS 'MODULE_PATHNAME', 'spdx_ids' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION spdx_satisfies(expr text, allowed text[]) RETURNS bool
AS 'MODULE_PATHNAME', 'spdx_satisfies' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION spdx_satisfies(text, text[]) IS
'whether some choice of the expression uses only allowed licenses (X-or-later is satisfied by a later version)';

CREATE FUNCTION spdx_correct(text) RETURNS text
AS 'MODULE_PATHNAME', 'spdx_correct' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION spdx_correct(text) IS
'the best SPDX expression for a messy license string (Debian short names, npm spellings, URLs), or NULL';

CREATE FUNCTION spdx_dnf(text, OUT option int, OUT license text, OUT exception text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'spdx_dnf' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION spdx_dnf(text) IS
'the expression as alternatives (OR) of license sets (AND): one row per license per alternative';

CREATE FUNCTION llmcopy_spdx_list(OUT id text, OUT name text, OUT osi_approved bool, OUT deprecated bool)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'llmcopy_spdx_list' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION llmcopy_spdx_list_version() RETURNS text
AS 'MODULE_PATHNAME', 'llmcopy_spdx_list_version' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- ---------------------------------------------------------------------------
-- license catalogue and obligations

CREATE TABLE llmcopy_licenses (
    id text PRIMARY KEY,
    name text NOT NULL,
    osi_approved bool,
    fsf_libre bool,                 -- NULL: not stated here
    deprecated bool NOT NULL DEFAULT false,
    attribution bool,               -- obligations: NULL when the license is not catalogued
    copyleft text CHECK (copyleft IN ('none', 'weak', 'strong', 'network')),
    share_alike bool,
    non_commercial bool,
    no_derivatives bool,
    source text,                    -- where the obligations come from
    builtin bool NOT NULL DEFAULT false
);
COMMENT ON TABLE llmcopy_licenses IS
'every id of the pinned SPDX License List, with obligations for the licenses corpora meet; rows you add (builtin = false) are kept by pg_dump';

INSERT INTO llmcopy_licenses (id, name, osi_approved, deprecated, builtin)
SELECT id, name, osi_approved, deprecated, true FROM llmcopy_spdx_list();

UPDATE llmcopy_licenses l
SET fsf_libre = o.fsf, attribution = o.attribution, copyleft = o.copyleft, share_alike = o.sa,
    non_commercial = o.nc, no_derivatives = o.nd, source = o.source
FROM (VALUES
  -- permissive: keep the notice
  ('MIT', true, true, 'none', false, false, false, 'license text; FSF list (Expat)'),
  ('MIT-0', NULL, false, 'none', false, false, false, 'license text'),
  ('X11', true, true, 'none', false, false, false, 'license text; FSF list'),
  ('0BSD', NULL, false, 'none', false, false, false, 'license text'),
  ('BSD-2-Clause', true, true, 'none', false, false, false, 'license text; FSF list (FreeBSD)'),
  ('BSD-3-Clause', true, true, 'none', false, false, false, 'license text; FSF list (Modified BSD)'),
  ('BSD-4-Clause', true, true, 'none', false, false, false, 'license text (advertising clause); FSF list: GPL-incompatible'),
  ('ISC', true, true, 'none', false, false, false, 'license text; FSF list'),
  ('Apache-1.1', true, true, 'none', false, false, false, 'license text; FSF list'),
  ('Apache-2.0', true, true, 'none', false, false, false, 'license text §4 (NOTICE); FSF list: compatible with GPLv3 only'),
  ('Zlib', true, true, 'none', false, false, false, 'license text §3 (notice in source copies); FSF list'),
  ('BSL-1.0', true, true, 'none', false, false, false, 'license text (notice in source copies); FSF list'),
  ('PSF-2.0', true, true, 'none', false, false, false, 'license text §2; FSF list (Python)'),
  ('Python-2.0', true, true, 'none', false, false, false, 'license text; FSF list'),
  ('Artistic-2.0', true, true, 'none', false, false, false, 'license text; FSF list'),
  ('BlueOak-1.0.0', NULL, true, 'none', false, false, false, 'license text (notice)'),
  ('Unicode-DFS-2016', NULL, true, 'none', false, false, false, 'license text'),
  ('Unlicense', true, false, 'none', false, false, false, 'license text; FSF list'),
  ('WTFPL', true, false, 'none', false, false, false, 'license text; FSF list'),
  ('CC0-1.0', true, false, 'none', false, false, false, 'legal code; FSF list'),
  ('CC-BY-3.0', NULL, true, 'none', false, false, false, 'legal code §4(b)'),
  ('CC-BY-4.0', true, true, 'none', false, false, false, 'legal code §3(a); FSF list: compatible with GPLv3'),
  -- weak copyleft: the licensed files or library stay under the license
  ('LGPL-2.0-only', true, true, 'weak', true, false, false, 'license text; FSF list'),
  ('LGPL-2.0-or-later', true, true, 'weak', true, false, false, 'license text; FSF list'),
  ('LGPL-2.1-only', true, true, 'weak', true, false, false, 'license text; FSF list'),
  ('LGPL-2.1-or-later', true, true, 'weak', true, false, false, 'license text; FSF list'),
  ('LGPL-3.0-only', true, true, 'weak', true, false, false, 'license text; FSF list'),
  ('LGPL-3.0-or-later', true, true, 'weak', true, false, false, 'license text; FSF list'),
  ('MPL-1.1', true, true, 'weak', true, false, false, 'license text; FSF list: GPL-incompatible'),
  ('MPL-2.0', true, true, 'weak', true, false, false, 'license text §3.3 (secondary licenses); FSF list'),
  ('EPL-1.0', true, true, 'weak', true, false, false, 'license text; FSF list: GPL-incompatible'),
  ('EPL-2.0', true, true, 'weak', true, false, false, 'license text; FSF list'),
  ('CDDL-1.0', true, true, 'weak', true, false, false, 'license text; FSF list: GPL-incompatible'),
  ('MS-PL', true, true, 'weak', true, false, false, 'license text §3(D); FSF list'),
  ('OFL-1.1', true, true, 'weak', true, false, false, 'license text; FSF list'),
  -- strong and network copyleft
  ('GPL-1.0-only', true, true, 'strong', true, false, false, 'license text; FSF list'),
  ('GPL-1.0-or-later', true, true, 'strong', true, false, false, 'license text; FSF list'),
  ('GPL-2.0-only', true, true, 'strong', true, false, false, 'license text; FSF list'),
  ('GPL-2.0-or-later', true, true, 'strong', true, false, false, 'license text; FSF list'),
  ('GPL-3.0-only', true, true, 'strong', true, false, false, 'license text; FSF list'),
  ('GPL-3.0-or-later', true, true, 'strong', true, false, false, 'license text; FSF list'),
  ('EUPL-1.2', true, true, 'strong', true, false, false, 'license text; FSF list'),
  ('AGPL-3.0-only', true, true, 'network', true, false, false, 'license text §13; FSF list'),
  ('AGPL-3.0-or-later', true, true, 'network', true, false, false, 'license text §13; FSF list'),
  ('GFDL-1.3-only', true, true, 'strong', true, false, false, 'license text; FSF list'),
  ('GFDL-1.3-or-later', true, true, 'strong', true, false, false, 'license text; FSF list'),
  ('CC-BY-SA-3.0', NULL, true, 'strong', true, false, false, 'legal code §4(b)'),
  ('CC-BY-SA-4.0', true, true, 'strong', true, false, false, 'legal code §3(b); CC compatible licenses'),
  -- non-commercial and no-derivatives
  ('CC-BY-NC-3.0', false, true, 'none', false, true, false, 'legal code §4(b)'),
  ('CC-BY-NC-4.0', false, true, 'none', false, true, false, 'legal code §2(a)(1); FSF list: non-free'),
  ('CC-BY-ND-3.0', false, true, 'none', false, false, true, 'legal code §3'),
  ('CC-BY-ND-4.0', false, true, 'none', false, false, true, 'legal code §2(a)(1)(B); FSF list: non-free'),
  ('CC-BY-NC-SA-4.0', false, true, 'strong', true, true, false, 'legal code §3(b)'),
  ('CC-BY-NC-ND-4.0', false, true, 'none', false, true, true, 'legal code §2(a)(1)')
) AS o(id, fsf, attribution, copyleft, sa, nc, nd, source)
WHERE l.id = o.id;

SELECT pg_catalog.pg_extension_config_dump('llmcopy_licenses', 'WHERE NOT builtin');

-- Pairs the general rules below do not decide, with their sources.
CREATE TABLE llmcopy_license_rules (
    inbound text NOT NULL,
    outbound_like text NOT NULL,    -- a LIKE pattern on the outbound license
    compatible bool NOT NULL,
    source text NOT NULL,
    builtin bool NOT NULL DEFAULT false,
    PRIMARY KEY (inbound, outbound_like)
);
INSERT INTO llmcopy_license_rules VALUES
  ('Apache-2.0', 'GPL-1.0-only', false, 'FSF license list: Apache 2.0 is incompatible with GPLv1 and GPLv2', true),
  ('Apache-2.0', 'GPL-2.0-only', false, 'FSF license list: Apache 2.0 is incompatible with GPLv2', true),
  ('Apache-2.0', 'LGPL-2._-only', false, 'FSF license list: Apache 2.0 is incompatible with GPLv2-family licenses', true),
  ('BSD-4-Clause', '%GPL-%', false, 'FSF license list: the advertising clause conflicts with the GPL', true),
  ('MPL-1.1', '%GPL-%', false, 'FSF license list: MPL 1.1 is GPL-incompatible', true),
  ('EPL-1.0', '%GPL-%', false, 'FSF license list: EPL 1.0 is GPL-incompatible', true),
  ('CDDL-1.0', '%GPL-%', false, 'FSF license list: CDDL is GPL-incompatible', true),
  ('CC-BY-SA-4.0', 'GPL-3.0-%', true, 'Creative Commons compatible licenses: BY-SA 4.0 to GPLv3, one-way', true),
  ('CC-BY-SA-3.0', 'CC-BY-SA-4.0', true, 'CC BY-SA 3.0 §4(b): a later version of the license', true),
  ('GPL-3.0-only', 'AGPL-3.0-%', true, 'GPLv3 §13: combination with AGPLv3 works', true),
  ('GPL-3.0-or-later', 'AGPL-3.0-%', true, 'GPLv3 §13: combination with AGPLv3 works', true),
  ('GPL-2.0-or-later', 'AGPL-3.0-%', true, 'GPLv2 or later: take GPLv3, then GPLv3 §13', true),
  ('LGPL-2.0-only', 'GPL-%', true, 'LGPL 2.0 §3: the GPL may be applied instead', true),
  ('LGPL-2.0-or-later', 'GPL-%', true, 'LGPL 2.0 §3: the GPL may be applied instead', true),
  ('LGPL-2.1-only', 'GPL-%', true, 'LGPL 2.1 §3: GPL version 2 or later may be applied instead', true),
  ('LGPL-2.1-or-later', 'GPL-%', true, 'LGPL 2.1 §3: GPL version 2 or later may be applied instead', true),
  ('LGPL-2.1-or-later', 'LGPL-3.0-%', true, 'or later: LGPL 3.0', true),
  ('LGPL-3.0-only', 'GPL-3.0-%', true, 'LGPLv3 is GPLv3 with additional permissions', true),
  ('LGPL-3.0-or-later', 'GPL-3.0-%', true, 'LGPLv3 is GPLv3 with additional permissions', true),
  ('LGPL-3.0-only', 'AGPL-3.0-%', true, 'LGPLv3 through GPLv3 §13', true),
  ('LGPL-3.0-or-later', 'AGPL-3.0-%', true, 'LGPLv3 through GPLv3 §13', true),
  ('MPL-2.0', 'GPL-2.0-or-later', true, 'MPL 2.0 §3.3: secondary license', true),
  ('MPL-2.0', 'GPL-3.0-%', true, 'MPL 2.0 §3.3: secondary license', true),
  ('MPL-2.0', 'LGPL-2.1-or-later', true, 'MPL 2.0 §3.3: secondary license', true),
  ('MPL-2.0', 'LGPL-3.0-%', true, 'MPL 2.0 §3.3: secondary license', true),
  ('MPL-2.0', 'AGPL-3.0-%', true, 'MPL 2.0 §3.3: secondary license', true),
  ('EPL-2.0', 'GPL-2.0-or-later', true, 'EPL 2.0 §3 when the secondary license is designated', true);
SELECT pg_catalog.pg_extension_config_dump('llmcopy_license_rules', 'WHERE NOT builtin');

-- Can material under one license be included in a work distributed under
-- another?  Both are single licenses (an id, maybe WITH an exception, which
-- is set aside here).  NULL: unknown.
CREATE FUNCTION llmcopy_license_leaf_compatible(inbound text, outbound text) RETURNS bool
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
AS $$
DECLARE
    i llmcopy_licenses;
    o llmcopy_licenses;
    rule bool;
    fi text; vi text; fo text; vo text;
BEGIN
    inbound := split_part(inbound, ' WITH ', 1);
    outbound := split_part(outbound, ' WITH ', 1);
    IF inbound = outbound THEN
        RETURN true;
    END IF;
    SELECT r.compatible INTO rule FROM llmcopy_license_rules r
    WHERE r.inbound = llmcopy_license_leaf_compatible.inbound AND outbound LIKE r.outbound_like
    ORDER BY r.compatible LIMIT 1;          -- an incompatibility rule wins
    IF FOUND THEN
        RETURN rule;
    END IF;
    -- "X-v-or-later" allows X-w for every w >= v
    fi := substring(inbound FROM '^([A-Z]+)-[0-9.]+-or-later$');
    vi := substring(inbound FROM '^[A-Z]+-([0-9.]+)-or-later$');
    fo := substring(outbound FROM '^([A-Z]+)-[0-9.]+-(?:only|or-later)$');
    vo := substring(outbound FROM '^[A-Z]+-([0-9.]+)-(?:only|or-later)$');
    IF fi IS NOT NULL AND fi = fo AND vo::numeric >= vi::numeric THEN
        RETURN true;
    END IF;
    SELECT * INTO i FROM llmcopy_licenses WHERE id = inbound;
    SELECT * INTO o FROM llmcopy_licenses WHERE id = outbound;
    IF i.copyleft IS NULL OR o.copyleft IS NULL THEN
        RETURN NULL;                        -- not catalogued
    END IF;
    IF i.no_derivatives THEN
        RETURN false;                       -- no adapted work may be shared
    END IF;
    IF i.non_commercial AND NOT o.non_commercial THEN
        RETURN false;
    END IF;
    IF i.copyleft IN ('strong', 'network') OR i.share_alike AND i.copyleft <> 'weak' THEN
        RETURN false;                       -- only the rules above allow another license
    END IF;
    -- weak copyleft: the larger work may be under another license while the
    -- licensed files keep theirs; permissive: the notice travels along
    RETURN true;
END $$;

-- Three-valued: true if material under inbound may go into a work
-- distributed under outbound, false if not, NULL if unknown.  Inbound is
-- an expression to choose from (an OR needs one workable option, an AND
-- all of its licenses); every license outbound offers must accept it.
CREATE FUNCTION license_compatible(inbound text, outbound text) RETURNS bool
LANGUAGE sql STABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
    WITH per_option AS (
        SELECT i.option,
               CASE WHEN bool_or(c IS FALSE) THEN false
                    WHEN bool_or(c IS NULL) THEN NULL
                    ELSE true END AS ok
        FROM spdx_dnf(inbound) i, spdx_dnf(outbound) o,
             LATERAL llmcopy_license_leaf_compatible(i.license, o.license) c
        GROUP BY i.option)
    SELECT CASE WHEN bool_or(ok IS TRUE) THEN true
                WHEN bool_or(ok IS NULL) THEN NULL
                ELSE false END
    FROM per_option;
END;

COMMENT ON FUNCTION license_compatible(text, text) IS
'can material under inbound be included in a work distributed under outbound? true, false or NULL (unknown)';

CREATE FUNCTION licenses_compatible_with(inbound text[]) RETURNS SETOF text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
    SELECT l.id FROM llmcopy_licenses l
    WHERE l.copyleft IS NOT NULL AND NOT l.deprecated
      AND NOT EXISTS (SELECT 1 FROM unnest(inbound) x
                      WHERE license_compatible(x, l.id) IS NOT TRUE)
    ORDER BY l.id;
END;

COMMENT ON FUNCTION licenses_compatible_with(text[]) IS
'the catalogue licenses a combined work of all inbound material could be released under';

-- The combined obligations of an expression: AND takes all; OR the least
-- demanding option whose licenses are all catalogued (named in chosen).
CREATE FUNCTION license_obligations(expr text,
    OUT attribution bool, OUT copyleft text, OUT share_alike bool,
    OUT non_commercial bool, OUT no_derivatives bool,
    OUT chosen text, OUT unknown text[])
LANGUAGE sql STABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
    WITH leaves AS (
        SELECT d.option, d.license, d.exception, l.attribution, l.share_alike, l.non_commercial,
               l.no_derivatives, l.copyleft,
               CASE l.copyleft WHEN 'none' THEN 0 WHEN 'weak' THEN 1 WHEN 'strong' THEN 2 WHEN 'network' THEN 3 END AS level
        FROM spdx_dnf(expr) d LEFT JOIN llmcopy_licenses l ON l.id = d.license),
    options AS (
        SELECT option,
               bool_or(attribution) AS attribution, max(level) AS level,
               bool_or(share_alike) AS share_alike, bool_or(non_commercial) AS non_commercial,
               bool_or(no_derivatives) AS no_derivatives,
               string_agg(license || coalesce(' WITH ' || exception, ''), ' AND ' ORDER BY license) AS chosen,
               array_agg(license ORDER BY license) FILTER (WHERE level IS NULL) AS unknown,
               count(*) FILTER (WHERE level IS NULL) AS n_unknown
        FROM leaves GROUP BY option)
    SELECT CASE WHEN n_unknown = 0 THEN attribution END,
           CASE WHEN n_unknown = 0 THEN (ARRAY['none', 'weak', 'strong', 'network'])[level + 1] END,
           CASE WHEN n_unknown = 0 THEN share_alike END,
           CASE WHEN n_unknown = 0 THEN non_commercial END,
           CASE WHEN n_unknown = 0 THEN no_derivatives END,
           chosen, coalesce(unknown, '{}')
    FROM options
    ORDER BY n_unknown > 0, 10 * level + 5 * (non_commercial::int + no_derivatives::int)
             + share_alike::int + attribution::int, option
    LIMIT 1;
END;

COMMENT ON FUNCTION license_obligations(text) IS
'what an expression requires: AND takes all licenses, OR the least demanding option (chosen); unknown lists licenses without catalogued obligations';

-- ---------------------------------------------------------------------------
-- attribution lists

CREATE FUNCTION attribution_trans(internal, text, text, text, text) RETURNS internal
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION attribution_final(internal) RETURNS text
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE attribution_agg(author text, title text, source text, license text) (
    SFUNC = attribution_trans, STYPE = internal,
    FINALFUNC = attribution_final, FINALFUNC_MODIFY = READ_WRITE,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE attribution_agg(text, text, text, text) IS
'a NOTICE-style text: one section per license (name and id), entries sorted, duplicates once';

-- ---------------------------------------------------------------------------
-- The compliance workflow on the user's own tables

CREATE TABLE llmcopy_corpus_tables (
    id serial PRIMARY KEY,
    tbl regclass NOT NULL UNIQUE,
    id_col name NOT NULL,
    id_type text NOT NULL,
    text_col name NOT NULL,
    license_col name, author_col name, title_col name, source_col name,
    k int NOT NULL, w int NOT NULL, mode text NOT NULL,
    registered_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE llmcopy_output_tables (
    id serial PRIMARY KEY,
    tbl regclass NOT NULL UNIQUE,
    id_col name NOT NULL,
    id_type text NOT NULL,
    text_col name NOT NULL,
    logged_at_col name NOT NULL,
    model_col name,
    k int NOT NULL, w int NOT NULL, mode text NOT NULL,
    registered_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE llmcopy_boilerplate (
    corpus_id int PRIMARY KEY REFERENCES llmcopy_corpus_tables ON DELETE CASCADE,
    fp fingerprint NOT NULL,
    min_docs int NOT NULL,
    refreshed_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE llmcopy_watermarks (
    output_table int REFERENCES llmcopy_output_tables ON DELETE CASCADE,
    corpus_table int REFERENCES llmcopy_corpus_tables ON DELETE CASCADE,
    logged_at timestamptz,
    id text,
    PRIMARY KEY (output_table, corpus_table)
);
CREATE TABLE llmcopy_findings (
    output_table int NOT NULL REFERENCES llmcopy_output_tables ON DELETE CASCADE,
    output_id text NOT NULL,
    corpus_table int NOT NULL REFERENCES llmcopy_corpus_tables ON DELETE CASCADE,
    work_id text NOT NULL,
    logged_at timestamptz,
    model text,
    containment float8 NOT NULL,
    longest_tokens int NOT NULL,
    coverage float8 NOT NULL,
    spans jsonb NOT NULL,
    license text,                   -- normalized SPDX expression; NULL when unknown
    license_raw text,               -- as the corpus has it
    obligations jsonb,
    author text, title text, source text,
    found_at timestamptz NOT NULL DEFAULT now(),
    run_id int,
    PRIMARY KEY (output_table, output_id, corpus_table, work_id)
);
CREATE INDEX ON llmcopy_findings (logged_at);
CREATE TABLE llmcopy_runs (
    run_id serial PRIMARY KEY,
    output_table int, corpus_table int,
    started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz,
    finished_at timestamptz,
    status text NOT NULL DEFAULT 'running',
    done bigint NOT NULL DEFAULT 0,
    total bigint,
    findings bigint NOT NULL DEFAULT 0,
    rate float8,                    -- outputs a second
    eta interval
);
SELECT pg_catalog.pg_extension_config_dump('llmcopy_corpus_tables', '');
SELECT pg_catalog.pg_extension_config_dump('llmcopy_corpus_tables_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('llmcopy_output_tables', '');
SELECT pg_catalog.pg_extension_config_dump('llmcopy_output_tables_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('llmcopy_boilerplate', '');
SELECT pg_catalog.pg_extension_config_dump('llmcopy_watermarks', '');
SELECT pg_catalog.pg_extension_config_dump('llmcopy_findings', '');
SELECT pg_catalog.pg_extension_config_dump('llmcopy_runs', '');
SELECT pg_catalog.pg_extension_config_dump('llmcopy_runs_run_id_seq', '');

-- The type of a column, or an error naming the table and column.
CREATE FUNCTION llmcopy_column_type(tbl regclass, col name, want text DEFAULT NULL) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    t text;
BEGIN
    SELECT format_type(a.atttypid, a.atttypmod) INTO t
    FROM pg_attribute a WHERE a.attrelid = tbl AND a.attname = col AND a.attnum > 0 AND NOT a.attisdropped;
    IF t IS NULL THEN
        RAISE EXCEPTION 'column "%" does not exist in table %', col, tbl USING ERRCODE = 'undefined_column';
    END IF;
    IF want = 'text' AND t NOT IN ('text', 'character varying') AND t NOT LIKE 'character varying(%)' THEN
        RAISE EXCEPTION 'column "%" of table % has type %, not text', col, tbl, t
            USING ERRCODE = 'datatype_mismatch', HINT = 'Register a text or varchar column.';
    END IF;
    IF want = 'timestamp' AND t NOT IN ('timestamp with time zone', 'timestamp without time zone', 'date') THEN
        RAISE EXCEPTION 'column "%" of table % has type %, not a timestamp', col, tbl, t
            USING ERRCODE = 'datatype_mismatch';
    END IF;
    RETURN t;
END $$;

-- Adds the fingerprint column (stored, generated from the text) and its index.
CREATE FUNCTION llmcopy_add_fingerprint(tbl regclass, text_col name, k int, w int, mode text,
                                        create_index bool) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    idx text := left(replace(tbl::text, '.', '_'), 40) || '_llmcopy_fp';
BEGIN
    PERFORM fingerprint(''::text, k, w, mode);     -- checks the parameters
    EXECUTE format('ALTER TABLE %s ADD COLUMN llmcopy_fp fingerprint GENERATED ALWAYS AS (fingerprint(%I, %s, %s, %L)) STORED',
                   tbl, text_col, k, w, mode);
    IF create_index THEN
        EXECUTE format('CREATE INDEX %I ON %s USING gin (llmcopy_fp)', idx, tbl);
    ELSE
        RAISE NOTICE 'create the index when it suits you: CREATE INDEX CONCURRENTLY % ON % USING gin (llmcopy_fp)',
            quote_ident(idx), tbl;
    END IF;
END $$;

CREATE FUNCTION llmcopy_register_corpus(tbl regclass, id_col name, text_col name,
    license_col name DEFAULT NULL, author_col name DEFAULT NULL, title_col name DEFAULT NULL,
    source_col name DEFAULT NULL, k int DEFAULT 5, w int DEFAULT 10, mode text DEFAULT 'text',
    create_index bool DEFAULT true)
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    id_type text := llmcopy_column_type(tbl, id_col);
    rid int;
BEGIN
    IF EXISTS (SELECT 1 FROM llmcopy_corpus_tables x WHERE x.tbl = llmcopy_register_corpus.tbl) THEN
        RAISE EXCEPTION 'table % is already registered as a corpus', tbl USING ERRCODE = 'duplicate_object';
    END IF;
    PERFORM llmcopy_column_type(tbl, text_col, 'text');
    PERFORM llmcopy_column_type(tbl, c, 'text')
    FROM unnest(ARRAY[license_col, author_col, title_col, source_col]) c WHERE c IS NOT NULL;
    PERFORM llmcopy_add_fingerprint(tbl, text_col, k, w, mode, create_index);
    INSERT INTO llmcopy_corpus_tables (tbl, id_col, id_type, text_col, license_col, author_col, title_col,
                                       source_col, k, w, mode)
    VALUES (tbl, id_col, id_type, text_col, license_col, author_col, title_col, source_col, k, w, mode)
    RETURNING id INTO rid;
    RETURN rid;
END $$;

COMMENT ON FUNCTION llmcopy_register_corpus(regclass, name, name, name, name, name, name, int, int, text, bool) IS
'register a table of works: adds a stored fingerprint column and its GIN index (or tells how to build it concurrently)';

CREATE FUNCTION llmcopy_register_outputs(tbl regclass, id_col name, text_col name, logged_at_col name,
    model_col name DEFAULT NULL, k int DEFAULT 5, w int DEFAULT 10, mode text DEFAULT 'text')
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    id_type text := llmcopy_column_type(tbl, id_col);
    rid int;
BEGIN
    IF EXISTS (SELECT 1 FROM llmcopy_output_tables x WHERE x.tbl = llmcopy_register_outputs.tbl) THEN
        RAISE EXCEPTION 'table % is already registered for outputs', tbl USING ERRCODE = 'duplicate_object';
    END IF;
    PERFORM llmcopy_column_type(tbl, text_col, 'text');
    PERFORM llmcopy_column_type(tbl, logged_at_col, 'timestamp');
    IF model_col IS NOT NULL THEN
        PERFORM llmcopy_column_type(tbl, model_col);
    END IF;
    PERFORM llmcopy_add_fingerprint(tbl, text_col, k, w, mode, false);
    INSERT INTO llmcopy_output_tables (tbl, id_col, id_type, text_col, logged_at_col, model_col, k, w, mode)
    VALUES (tbl, id_col, id_type, text_col, logged_at_col, model_col, k, w, mode)
    RETURNING id INTO rid;
    RETURN rid;
END $$;

COMMENT ON FUNCTION llmcopy_register_outputs(regclass, name, name, name, name, int, int, text) IS
'register a table of logged model outputs: adds a stored fingerprint column';

-- Undoes a registration: the configuration, findings, and the column (its index goes with it).
CREATE FUNCTION llmcopy_unregister(tbl regclass) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM llmcopy_corpus_tables c WHERE c.tbl = llmcopy_unregister.tbl
                   UNION ALL SELECT 1 FROM llmcopy_output_tables o WHERE o.tbl = llmcopy_unregister.tbl) THEN
        RAISE EXCEPTION 'table % is not registered with pg_llmcopy', tbl USING ERRCODE = 'undefined_object';
    END IF;
    DELETE FROM llmcopy_corpus_tables c WHERE c.tbl = llmcopy_unregister.tbl;
    DELETE FROM llmcopy_output_tables o WHERE o.tbl = llmcopy_unregister.tbl;
    EXECUTE format('ALTER TABLE %s DROP COLUMN llmcopy_fp', tbl);
END $$;

-- Stores the shingles (every k-gram, w = 1) common to at least min_docs
-- works; scans subtract them.  Shingles rather than the works' winnowed
-- hashes, because winnowing selects a passage's hashes differently in each
-- work: every hash of a common passage must go, not only those most works
-- happened to select.
CREATE FUNCTION llmcopy_refresh_boilerplate(corpus regclass, min_docs int) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    c llmcopy_corpus_tables;
    bp fingerprint;
BEGIN
    SELECT * INTO c FROM llmcopy_corpus_tables t WHERE t.tbl = corpus;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'table % is not a registered corpus', corpus USING ERRCODE = 'undefined_object';
    END IF;
    EXECUTE format('SELECT fingerprint_common_agg(fingerprint(%I, %s, 1, %L), $1) FROM %s',
                   c.text_col, c.k, c.mode, corpus) INTO bp USING min_docs;
    bp := coalesce(bp, fingerprint(''::text, c.k, 1, c.mode));
    INSERT INTO llmcopy_boilerplate VALUES (c.id, bp, min_docs, now())
    ON CONFLICT (corpus_id) DO UPDATE SET fp = excluded.fp, min_docs = excluded.min_docs,
                                          refreshed_at = excluded.refreshed_at;
    RETURN (fingerprint_info(bp)).hashes;
END $$;

-- The nightly scan: outputs logged since the last completed batch, in
-- batches that each commit.  A batch locks its watermark row first, so a
-- second scan of the same pair waits for it and then goes on from the new
-- watermark: no output is scanned twice, and a killed scan loses at most
-- its current batch.  Findings are inserted once (ON CONFLICT DO NOTHING).
CREATE PROCEDURE llmcopy_scan(outputs regclass DEFAULT NULL, corpus regclass DEFAULT NULL,
    threshold float8 DEFAULT NULL, min_tokens int DEFAULT 8, batch_size int DEFAULT 500,
    max_batches int DEFAULT NULL)
LANGUAGE plpgsql AS $$
DECLARE
    t float8;
    bound timestamptz := now();     -- outputs logged later are for the next scan
    o llmcopy_output_tables;
    c llmcopy_corpus_tables;
    wm llmcopy_watermarks;
    bp fingerprint;
    rid int;
    batches int := 0;
    n int;
    nf int;
    n_total bigint;
    n_done bigint;
    out_tokens bigint;
    last_at timestamptz;
    last_id text;
    pair_found bool := false;
    batch_sql text;
    works_sql text;
    count_sql text;
    r record;
BEGIN
    IF batch_size < 1 THEN
        RAISE EXCEPTION 'batch_size must be at least 1' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- (calling into the library first defines its settings)
    PERFORM fingerprint(''::text);
    t := coalesce(threshold, current_setting('pg_llmcopy.containment_threshold')::float8);
    PERFORM fingerprint_contained(fingerprint(''::text), fingerprint(''::text), t);   -- checks t
    FOR o IN SELECT * FROM llmcopy_output_tables x WHERE outputs IS NULL OR x.tbl = outputs ORDER BY x.id LOOP
        FOR c IN SELECT * FROM llmcopy_corpus_tables x WHERE corpus IS NULL OR x.tbl = corpus ORDER BY x.id LOOP
            pair_found := true;
            IF (o.k, o.w, o.mode) IS DISTINCT FROM (c.k, c.w, c.mode) THEN
                RAISE EXCEPTION 'outputs % and corpus % are fingerprinted with different parameters', o.tbl, c.tbl
                    USING ERRCODE = 'data_exception';
            END IF;
            INSERT INTO llmcopy_watermarks (output_table, corpus_table) VALUES (o.id, c.id) ON CONFLICT DO NOTHING;
            bp := coalesce((SELECT b.fp FROM llmcopy_boilerplate b WHERE b.corpus_id = c.id),
                           fingerprint(''::text, c.k, 1, c.mode));
            -- outputs after the watermark (logged_at, id), up to the bound, in order
            batch_sql := format(
                'SELECT %1$I::text AS oid, %2$I AS body, llmcopy_fp AS fp, %3$I::timestamptz AS logged_at, %4$s AS model
                 FROM %5$s
                 WHERE %3$I <= $1 AND ($2::timestamptz IS NULL OR (%3$I, %1$I) > ($2, $3::%6$s))
                 ORDER BY %3$I, %1$I LIMIT %7$s',
                o.id_col, o.text_col, o.logged_at_col,
                CASE WHEN o.model_col IS NULL THEN 'NULL::text' ELSE format('%I::text', o.model_col) END,
                o.tbl, o.id_type, batch_size);
            count_sql := format('SELECT count(*) FROM %1$s WHERE %2$I <= $1 AND ($2::timestamptz IS NULL OR (%2$I, %3$I) > ($2, $3::%4$s))',
                                o.tbl, o.logged_at_col, o.id_col, o.id_type);
            works_sql := format(
                'SELECT %1$I::text AS wid, %2$I AS body, %3$s AS license, %4$s AS author, %5$s AS title, %6$s AS source,
                        containment($1 - $3, llmcopy_fp) AS containment
                 FROM %7$s WHERE fingerprint_contained($1 - $3, llmcopy_fp, $2)',
                c.id_col, c.text_col,
                CASE WHEN c.license_col IS NULL THEN 'NULL::text' ELSE format('%I::text', c.license_col) END,
                CASE WHEN c.author_col IS NULL THEN 'NULL::text' ELSE format('%I::text', c.author_col) END,
                CASE WHEN c.title_col IS NULL THEN 'NULL::text' ELSE format('%I::text', c.title_col) END,
                CASE WHEN c.source_col IS NULL THEN 'NULL::text' ELSE format('%I::text', c.source_col) END,
                c.tbl);
            SELECT * INTO wm FROM llmcopy_watermarks WHERE output_table = o.id AND corpus_table = c.id;
            EXECUTE count_sql INTO n_total USING bound, wm.logged_at, wm.id;
            INSERT INTO llmcopy_runs (output_table, corpus_table, total) VALUES (o.id, c.id, n_total)
            RETURNING run_id INTO rid;
            COMMIT;
            n_done := 0;
            LOOP
                EXIT WHEN max_batches IS NOT NULL AND batches >= max_batches;
                -- the batch: lock the watermark (a concurrent scan waits here), read it anew
                SELECT * INTO wm FROM llmcopy_watermarks
                WHERE output_table = o.id AND corpus_table = c.id FOR UPDATE;
                n := 0;
                nf := 0;
                FOR r IN EXECUTE batch_sql USING bound, wm.logged_at, wm.id LOOP
                    n := n + 1;
                    last_at := r.logged_at;
                    last_id := r.oid;
                    out_tokens := (fingerprint_info(r.fp)).tokens;
                    WITH found AS (
                        SELECT w.*, m.spans, m.longest, m.matched
                        FROM llmcopy_scan_works(works_sql, r.fp, t, bp) w,
                             LATERAL (SELECT coalesce(jsonb_agg(to_jsonb(s) ORDER BY s.a_start), '[]') AS spans,
                                             coalesce(max(s.tokens), 0) AS longest,
                                             coalesce(sum(s.tokens), 0) AS matched
                                      FROM llmcopy_matches(r.body, w.body, min_tokens) s) m),
                    ins AS (
                        INSERT INTO llmcopy_findings AS f
                            (output_table, output_id, corpus_table, work_id, logged_at, model, containment,
                             longest_tokens, coverage, spans, license, license_raw, obligations,
                             author, title, source, run_id)
                        SELECT o.id, r.oid, c.id, found.wid, r.logged_at, r.model, found.containment,
                               found.longest,
                               CASE WHEN out_tokens = 0 THEN 0
                                    ELSE least(1.0, found.matched::float8 / out_tokens) END,
                               found.spans, lic.norm, found.license,
                               CASE WHEN lic.norm IS NOT NULL THEN to_jsonb(license_obligations(lic.norm)) END,
                               found.author, found.title, found.source, rid
                        FROM found,
                             LATERAL (SELECT CASE WHEN found.license IS NULL THEN NULL
                                                  WHEN spdx_valid(found.license) THEN spdx_normalize(found.license)
                                                  ELSE spdx_correct(found.license) END AS norm) lic
                        ON CONFLICT DO NOTHING
                        RETURNING 1)
                    SELECT nf + count(*) INTO nf FROM ins;
                END LOOP;
                EXIT WHEN n = 0;
                n_done := n_done + n;
                batches := batches + 1;
                UPDATE llmcopy_watermarks SET logged_at = last_at, id = last_id
                WHERE output_table = o.id AND corpus_table = c.id;
                UPDATE llmcopy_runs SET done = llmcopy_runs.done + n, findings = llmcopy_runs.findings + nf,
                       updated_at = clock_timestamp(),
                       rate = (llmcopy_runs.done + n) / greatest(extract(epoch FROM clock_timestamp() - started_at), 0.001),
                       eta = make_interval(secs => greatest(n_total - llmcopy_runs.done - n, 0)
                             / greatest((llmcopy_runs.done + n) / greatest(extract(epoch FROM clock_timestamp() - started_at), 0.001), 0.001))
                WHERE run_id = rid;
                COMMIT;
                RAISE NOTICE 'llmcopy_scan: % of % outputs of % against %, % findings', n_done, n_total, o.tbl, c.tbl, nf;
            END LOOP;
            UPDATE llmcopy_runs SET status = CASE WHEN max_batches IS NOT NULL AND batches >= max_batches
                                                  THEN 'stopped' ELSE 'done' END,
                   finished_at = clock_timestamp(), updated_at = clock_timestamp()
            WHERE run_id = rid;
            COMMIT;
        END LOOP;
    END LOOP;
    IF NOT pair_found THEN
        RAISE EXCEPTION 'no registered outputs and corpus to scan' USING ERRCODE = 'undefined_object',
            HINT = 'Register them with llmcopy_register_outputs and llmcopy_register_corpus.';
    END IF;
END $$;

COMMENT ON PROCEDURE llmcopy_scan(regclass, regclass, float8, int, int, int) IS
'scan the outputs logged since the last scan against the registered corpora, in committed batches; resumable and idempotent';

-- The works an output is contained in (boilerplate subtracted).
CREATE FUNCTION llmcopy_scan_works(works_sql text, fp fingerprint, threshold float8, boilerplate fingerprint,
    OUT wid text, OUT body text, OUT license text, OUT author text, OUT title text, OUT source text,
    OUT containment float8)
RETURNS SETOF record LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY EXECUTE works_sql USING fp, threshold, boilerplate;
END $$;

-- Dashboard views.
CREATE VIEW llmcopy_findings_daily AS
SELECT date_trunc('day', f.logged_at) AS day, f.model, coalesce(f.license, 'unknown') AS license,
       count(DISTINCT (f.output_table, f.output_id)) AS outputs, count(*) AS findings,
       round(avg(f.containment)::numeric, 3) AS avg_containment
FROM llmcopy_findings f GROUP BY 1, 2, 3;

CREATE VIEW llmcopy_findings_by_obligation AS
SELECT date_trunc('day', f.logged_at) AS day, f.model, o.obligation,
       count(DISTINCT (f.output_table, f.output_id)) AS outputs
FROM llmcopy_findings f,
     LATERAL (VALUES ('attribution', (f.obligations ->> 'attribution')::bool),
                     ('copyleft ' || coalesce(f.obligations ->> 'copyleft', 'unknown'), f.obligations ->> 'copyleft' <> 'none'),
                     ('share_alike', (f.obligations ->> 'share_alike')::bool),
                     ('non_commercial', (f.obligations ->> 'non_commercial')::bool),
                     ('no_derivatives', (f.obligations ->> 'no_derivatives')::bool),
                     ('unknown license', f.license IS NULL OR f.obligations ->> 'copyleft' IS NULL)) o(obligation, applies)
WHERE o.applies
GROUP BY 1, 2, 3;

CREATE VIEW llmcopy_output_attribution AS
SELECT f.output_table, f.output_id, count(*) AS works,
       attribution_agg(f.author, f.title, f.source, coalesce(f.license, f.license_raw)) AS attribution
FROM llmcopy_findings f
WHERE coalesce((f.obligations ->> 'attribution')::bool, true)     -- required, or not known not to be
GROUP BY f.output_table, f.output_id;

CREATE VIEW llmcopy_top_works AS
SELECT f.corpus_table, f.work_id, f.title, f.license, count(DISTINCT (f.output_table, f.output_id)) AS outputs,
       max(f.longest_tokens) AS longest_tokens
FROM llmcopy_findings f GROUP BY 1, 2, 3, 4;

CREATE VIEW llmcopy_license_conflicts AS
SELECT f.output_table, f.output_id,
       array_agg(f.work_id || ': ' || coalesce(f.license, 'unknown (' || coalesce(f.license_raw, 'none') || ')')
                 ORDER BY f.work_id) AS sources,
       count(DISTINCT coalesce(f.license, f.license_raw, '')) AS licenses,
       bool_or(EXISTS (SELECT 1 FROM llmcopy_findings g
                       WHERE g.output_table = f.output_table AND g.output_id = f.output_id
                         AND license_compatible(f.license, g.license) IS FALSE
                         AND license_compatible(g.license, f.license) IS FALSE)) AS incompatible
FROM llmcopy_findings f
GROUP BY f.output_table, f.output_id
HAVING count(DISTINCT coalesce(f.license, f.license_raw, '')) > 1;
