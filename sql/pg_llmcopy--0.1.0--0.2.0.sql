-- pg_llmcopy 0.1.0 -> 0.2.0.
--
-- Every change made to the SQL surface since 0.1.0, in the order of the
-- sections below; `make test-upgrade` proves that a fresh 0.2.0 install and
-- a 0.1.0 install updated with this script define the same objects.
\echo Use "ALTER EXTENSION pg_llmcopy UPDATE TO '0.2.0'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- types, operators and index support

-- ---- rarity: document frequencies and the rarity-weighted containment ----
-- (src/rarity.c)  A fingerprint_df holds the hashes of one query fingerprint
-- with the number of works holding each, counted by fingerprint_df_agg over
-- the works an index scan returns for `query && work.fp`; containment_weighted
-- weighs each shared hash by ln((N + 1) / (df + 1)).

CREATE TYPE fingerprint_df;

CREATE FUNCTION fingerprint_df_in(cstring) RETURNS fingerprint_df
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_df_out(fingerprint_df) RETURNS cstring
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_df_recv(internal) RETURNS fingerprint_df
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_df_send(fingerprint_df) RETURNS bytea
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE fingerprint_df (
    INPUT = fingerprint_df_in,
    OUTPUT = fingerprint_df_out,
    RECEIVE = fingerprint_df_recv,
    SEND = fingerprint_df_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);

COMMENT ON TYPE fingerprint_df IS
'hashes of a query fingerprint with the number of works of a corpus holding each, and the corpus size';

CREATE FUNCTION fingerprint_df_info(fingerprint_df,
    OUT version int, OUT mode text, OUT k int, OUT w int,
    OUT seed bigint, OUT docs bigint, OUT hashes bigint)
AS 'MODULE_PATHNAME', 'fingerprint_df_info'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION fingerprint_df_trans(internal, fingerprint, fingerprint, bigint) RETURNS internal
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION fingerprint_df_final(internal) RETURNS fingerprint_df
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE fingerprint_df_agg(fp fingerprint, query fingerprint, corpus_docs bigint) (
    SFUNC = fingerprint_df_trans, STYPE = internal,
    FINALFUNC = fingerprint_df_final, FINALFUNC_MODIFY = READ_WRITE,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE fingerprint_df_agg(fingerprint, fingerprint, bigint) IS
'for each hash of query, the number of aggregated fingerprints holding it; corpus_docs is the corpus size';

CREATE FUNCTION containment_weighted(a fingerprint, b fingerprint, df fingerprint_df) RETURNS float8
AS 'MODULE_PATHNAME', 'fingerprint_containment_weighted'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION containment_weighted(fingerprint, fingerprint, fingerprint_df) IS
'containment of a in b with each hash weighted by its rarity in the corpus, ln((N + 1) / (df + 1))';

-- ---- attribution: the order that puts the origin first ----
-- Among the works holding an output's copied text, the origin is the one
-- with the longest span, then the one holding it byte for byte, then more
-- of the output contained, rarer shared text, plain containment, and the
-- text most works hold (token-identical copies among the candidates).
-- Sort by it descending, then by work id.
CREATE FUNCTION llmcopy_origin_key(span_tokens int, exact bool, coverage float8,
                                   weighted float8, containment float8, copies int DEFAULT 1)
RETURNS float8[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT ARRAY[coalesce(span_tokens, 0), CASE WHEN exact THEN 1 ELSE 0 END, coalesce(coverage, 0),
                   coalesce(weighted, 0), coalesce(containment, 0), coalesce(copies, 1)]::float8[] $$;

COMMENT ON FUNCTION llmcopy_origin_key(int, bool, float8, float8, float8, int) IS
'sort key (descending) that ranks the origin of a copied text first among the works holding it';

-- ---------------------------------------------------------------------------
-- aggregates

-- ---------------------------------------------------------------------------
-- evidence spans and reports

-- ---------------------------------------------------------------------------
-- SPDX and licenses

-- ---------------------------------------------------------------------------
-- the workflow: registration, scans, findings, views, privileges
