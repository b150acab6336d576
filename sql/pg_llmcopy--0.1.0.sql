-- pg_llmcopy 0.1.0: fingerprints, tokenizer, GIN opclass.
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

-- ---------------------------------------------------------------------------
-- near-duplicate groups

CREATE FUNCTION llmcopy_components(edges_sql text, OUT id bigint, OUT component bigint)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'llmcopy_components'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;

COMMENT ON FUNCTION llmcopy_components(text) IS
'connected components of the (id, id) pairs a query returns; component = the smallest id of the group';
