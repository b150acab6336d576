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

CREATE FUNCTION fingerprint_support(internal) RETURNS internal
AS 'MODULE_PATHNAME', 'fingerprint_support'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION fingerprint_contained(a fingerprint, b fingerprint, threshold float8)
RETURNS bool
AS 'MODULE_PATHNAME', 'fingerprint_contained'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
SUPPORT fingerprint_support;

COMMENT ON FUNCTION fingerprint_contained(fingerprint, fingerprint, float8) IS
'containment(a, b) >= threshold; uses a fingerprint_ops index on a or b';

CREATE FUNCTION fingerprint_similar(a fingerprint, b fingerprint, threshold float8)
RETURNS bool
AS 'MODULE_PATHNAME', 'fingerprint_similar'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
SUPPORT fingerprint_support;

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
