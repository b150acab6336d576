-- pg_llmcopy 0.1.0 -> 0.2.0.
--
-- Every change made to the SQL surface since 0.1.0, in the order of the
-- sections below; `make test-upgrade` proves that a fresh 0.2.0 install and
-- a 0.1.0 install updated with this script define the same objects.
\echo Use "ALTER EXTENSION pg_llmcopy UPDATE TO '0.2.0'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- types, operators and index support

-- ---- language-aware code tokens (src/lc_tokenize.c) ----
-- Modes 'code:<language>' and their ':kinds' variants are values of the
-- existing mode arguments; the guess of 'code:auto' is asked for here.
CREATE FUNCTION llmcopy_code_language(text) RETURNS text
AS 'MODULE_PATHNAME', 'llmcopy_code_language'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION llmcopy_code_language(text) IS
'the language mode ''code:auto'' reads a text as: python, js, java, c, go, rust, sh or sql';

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
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 100;

COMMENT ON FUNCTION containment_weighted(fingerprint, fingerprint, fingerprint_df) IS
'containment of a in b with each hash weighted by its rarity in the corpus, ln((N + 1) / (df + 1))';

-- ---- disguised copies: statement units (moved code), words and stems (reworded prose) ----
-- (src/measures.c, src/lc_measures.c)  Both build ordinary fingerprints whose
-- seed names the measure (k = min_tokens or 1, w = 1), so containment, the
-- operators and a fingerprint_ops index WITH (k, w = 1, seed) serve them.
CREATE FUNCTION fingerprint_units(body text, min_tokens int DEFAULT 3, mode text DEFAULT 'code', names bool DEFAULT true)
RETURNS fingerprint
AS 'MODULE_PATHNAME', 'fingerprint_units'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 1000;

COMMENT ON FUNCTION fingerprint_units(text, int, text, bool) IS
'one hash per line or statement of at least min_tokens tokens: containment that survives moved and reordered code';

CREATE FUNCTION fingerprint_words(body text)
RETURNS fingerprint
AS 'MODULE_PATHNAME', 'fingerprint_words'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 1000;

COMMENT ON FUNCTION fingerprint_words(text) IS
'one hash per distinct word as written and one per content word''s stem (inflections folded; English function words have none): containment that survives reworded prose';

CREATE FUNCTION containment_smoothed(a fingerprint, b fingerprint, prior int DEFAULT 8) RETURNS float8
AS 'MODULE_PATHNAME', 'fingerprint_containment_smoothed'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 100;

COMMENT ON FUNCTION containment_smoothed(fingerprint, fingerprint, int) IS
'|a & b| / (|a| + prior): containment that a short a cannot win by being short; never above containment(a, b)';

-- The scores of a finding that survive disguise: for a code corpus (mode code or a language mode) the
-- unit skeletons' smoothed containment (moved and renamed code), for a text
-- corpus the containment of words and stems (reworded prose); the other NULL.
-- The scan calls the two scalar functions (values of a record type do not
-- travel between Citus nodes).
CREATE FUNCTION llmcopy_disguise_units(output text, work text, mode text) RETURNS float8
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT CASE WHEN mode = 'code' OR mode LIKE 'code:%' THEN @extschema@.containment_smoothed(
                      @extschema@.fingerprint_units(output, 3, l.lang, false),
                      @extschema@.fingerprint_units(work, 3, l.lang, false), 8) END
       FROM (SELECT CASE WHEN mode LIKE 'code:auto%' THEN 'code:' OPERATOR(pg_catalog.||) @extschema@.llmcopy_code_language(work)
                         ELSE pg_catalog.regexp_replace(mode, ':kinds$', '') END AS lang) l $$;

CREATE FUNCTION llmcopy_disguise_words(output text, work text, mode text) RETURNS float8
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT CASE WHEN mode = 'text' THEN @extschema@.containment(
                      @extschema@.fingerprint_words(output), @extschema@.fingerprint_words(work)) END $$;

CREATE FUNCTION llmcopy_disguise_scores(output text, work text, mode text, OUT units float8, OUT words float8)
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT @extschema@.llmcopy_disguise_units(output, work, mode), @extschema@.llmcopy_disguise_words(output, work, mode) $$;

COMMENT ON FUNCTION llmcopy_disguise_units(text, text, text) IS
'the units score of llmcopy_disguise_scores: unit skeletons'' smoothed containment in the language of a code mode (for code:auto the language of the work, for both texts), else NULL';
COMMENT ON FUNCTION llmcopy_disguise_words(text, text, text) IS
'the words score of llmcopy_disguise_scores: the containment of fingerprint_words (words as written and content words'' stems) for mode text, else NULL';
COMMENT ON FUNCTION llmcopy_disguise_scores(text, text, text) IS
'the scores the scan records per finding that survive disguise: units (code corpora), words (text corpora)';

-- ---- attribution: the order that puts the origin first ----
-- Among the works holding an output's copied text, the origin is the one
-- with the longest span, then the one holding it byte for byte, then more
-- of the output contained, rarer shared text, plain containment, and the
-- text most works hold (token-identical copies among the candidates).
-- Sort by it descending; works equal on every signal tie (the scan gives
-- them the same origin_rank).
CREATE FUNCTION llmcopy_origin_key(span_tokens int, exact bool, coverage float8,
                                   weighted float8, containment float8, copies int DEFAULT 1)
RETURNS float8[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT ARRAY[coalesce(span_tokens, 0), CASE WHEN exact THEN 1 ELSE 0 END, coalesce(coverage, 0),
                   coalesce(weighted, 0), coalesce(containment, 0), coalesce(copies, 1)]::float8[] $$;

COMMENT ON FUNCTION llmcopy_origin_key(int, bool, float8, float8, float8, int) IS
'sort key (descending) that ranks the origin of a copied text first among the works holding it';
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

-- Casts to text that write the text form straight into the text value, so
-- that no copy of a large value's whole text follows (where no cancel could
-- take effect); the same text as the output function.
CREATE FUNCTION fingerprint_text(fingerprint) RETURNS text
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION minhash_text(minhash) RETURNS text
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (fingerprint AS text) WITH FUNCTION fingerprint_text(fingerprint) AS ASSIGNMENT;
CREATE CAST (minhash AS text) WITH FUNCTION minhash_text(minhash) AS ASSIGNMENT;


-- minhash_lsh_params runs with its search_path pinned, as every function
-- does: in 0.1.0 it took the caller's, and an operator another role put on
-- it (float8 / int, numeric * float8) ran with the caller's rights.
-- Its num_perm range comes from C (llmcopy_limits).
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
         LATERAL (SELECT coalesce(sum(@extschema@.minhash_lsh_probability(s::float8, num_perm / r, r)) FILTER (WHERE s < threshold), 0) / 1000 AS fp,
                         coalesce(sum(1 - @extschema@.minhash_lsh_probability(s::float8, num_perm / r, r)) FILTER (WHERE s >= threshold), 0) / 1000 AS fn
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
    path text := pg_catalog.current_setting('search_path');
    r record;
    v record;
BEGIN
    PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
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
    PERFORM pg_catalog.set_config('search_path', path, true);
END $$;

-- ---------------------------------------------------------------------------
-- aggregates
--
-- States of types of their own instead of internal, with combine functions:
-- parallel and partitionwise partial aggregation, and Citus aggregating on
-- the shards (it pushes down only aggregates whose state type is not a
-- pseudo-type).  CREATE OR REPLACE AGGREGATE keeps each aggregate's OID
-- while its state type changes, so the views and user objects that use
-- them (llmcopy_output_attribution uses attribution_agg) stay as they are;
-- the transition and final functions get new signatures (same C symbols)
-- and the old ones, on internal, are dropped.

CREATE TYPE fingerprint_agg_state;

CREATE FUNCTION fingerprint_agg_state_in(cstring) RETURNS fingerprint_agg_state
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_agg_state_out(fingerprint_agg_state) RETURNS cstring
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_agg_state_recv(internal) RETURNS fingerprint_agg_state
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_agg_state_send(fingerprint_agg_state) RETURNS bytea
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE fingerprint_agg_state (
    INPUT = fingerprint_agg_state_in,
    OUTPUT = fingerprint_agg_state_out,
    RECEIVE = fingerprint_agg_state_recv,
    SEND = fingerprint_agg_state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);

COMMENT ON TYPE fingerprint_agg_state IS
'the state of fingerprint_union_agg and fingerprint_common_agg: each distinct hash with the number of fingerprints holding it';

CREATE FUNCTION fingerprint_agg_combine(fingerprint_agg_state, fingerprint_agg_state) RETURNS fingerprint_agg_state
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION fingerprint_union_trans(fingerprint_agg_state, fingerprint) RETURNS fingerprint_agg_state
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION fingerprint_union_final(fingerprint_agg_state) RETURNS fingerprint
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE AGGREGATE fingerprint_union_agg(fingerprint) (
    SFUNC = fingerprint_union_trans, STYPE = fingerprint_agg_state, SSPACE = 8192,
    FINALFUNC = fingerprint_union_final, FINALFUNC_MODIFY = READ_WRITE,
    COMBINEFUNC = fingerprint_agg_combine,
    PARALLEL = SAFE
);

CREATE FUNCTION fingerprint_common_trans(fingerprint_agg_state, fingerprint, int) RETURNS fingerprint_agg_state
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION fingerprint_common_final(fingerprint_agg_state) RETURNS fingerprint
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE AGGREGATE fingerprint_common_agg(fingerprint, min_docs int) (
    SFUNC = fingerprint_common_trans, STYPE = fingerprint_agg_state, SSPACE = 8192,
    FINALFUNC = fingerprint_common_final, FINALFUNC_MODIFY = READ_WRITE,
    COMBINEFUNC = fingerprint_agg_combine,
    PARALLEL = SAFE
);

CREATE FUNCTION fingerprint_common_share_trans(fingerprint_agg_state, fingerprint, float8) RETURNS fingerprint_agg_state
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE fingerprint_common_agg(fingerprint, min_share float8) (
    SFUNC = fingerprint_common_share_trans, STYPE = fingerprint_agg_state, SSPACE = 8192,
    FINALFUNC = fingerprint_common_final, FINALFUNC_MODIFY = READ_WRITE,
    COMBINEFUNC = fingerprint_agg_combine,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE fingerprint_union_agg(fingerprint) IS
'every hash of the fingerprints, in memory bounded by work_mem';
COMMENT ON AGGREGATE fingerprint_common_agg(fingerprint, float8) IS
'hashes found in at least the share min_share (0 < min_share <= 1) of the non-NULL fingerprints, rounded up to whole fingerprints';

CREATE TYPE attribution_agg_state;

CREATE FUNCTION attribution_agg_state_in(cstring) RETURNS attribution_agg_state
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION attribution_agg_state_out(attribution_agg_state) RETURNS cstring
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION attribution_agg_state_recv(internal) RETURNS attribution_agg_state
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION attribution_agg_state_send(attribution_agg_state) RETURNS bytea
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE attribution_agg_state (
    INPUT = attribution_agg_state_in,
    OUTPUT = attribution_agg_state_out,
    RECEIVE = attribution_agg_state_recv,
    SEND = attribution_agg_state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = int4,
    STORAGE = extended
);

COMMENT ON TYPE attribution_agg_state IS
'the state of attribution_agg: the distinct (license, title, author, source) entries to credit';

CREATE FUNCTION attribution_trans(attribution_agg_state, text, text, text, text) RETURNS attribution_agg_state
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION attribution_final(attribution_agg_state) RETURNS text
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION attribution_combine(attribution_agg_state, attribution_agg_state) RETURNS attribution_agg_state
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE AGGREGATE attribution_agg(author text, title text, source text, license text) (
    SFUNC = attribution_trans, STYPE = attribution_agg_state, SSPACE = 2048,
    FINALFUNC = attribution_final, FINALFUNC_MODIFY = READ_WRITE,
    COMBINEFUNC = attribution_combine,
    PARALLEL = SAFE
);

DROP FUNCTION fingerprint_union_trans(internal, fingerprint), fingerprint_union_final(internal),
    fingerprint_common_trans(internal, fingerprint, int), fingerprint_common_final(internal),
    attribution_trans(internal, text, text, text, text), attribution_final(internal);

-- ---------------------------------------------------------------------------
-- evidence spans and reports

-- Copied passages marked in their text, in the manner of ts_headline.
CREATE FUNCTION llmcopy_headline(a text, b text, options text DEFAULT '',
    min_tokens int DEFAULT 8, mode text DEFAULT 'text', max_gap int DEFAULT 0)
RETURNS text
AS 'MODULE_PATHNAME', 'llmcopy_headline'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION llmcopy_headline(text, text, text, int, text, int) IS
'a (or b, with Side=b) with every span of llmcopy_matches(a, b, min_tokens, mode, max_gap) between StartSel and StopSel; options as ts_headline''s';

CREATE FUNCTION llmcopy_headline(a text, works text[], options text DEFAULT '',
    min_tokens int DEFAULT 8, mode text DEFAULT 'text', max_gap int DEFAULT 0)
RETURNS text
AS 'MODULE_PATHNAME', 'llmcopy_headline_works'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION llmcopy_headline(text, text[], text, int, text, int) IS
'a with the spans of every work marked; %n in a marker is the work''s place in the array';

CREATE FUNCTION llmcopy_headline(doc text, spans jsonb, options text DEFAULT '', mode text DEFAULT 'text')
RETURNS text
AS 'MODULE_PATHNAME', 'llmcopy_headline_spans'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION llmcopy_headline(text, jsonb, text, text) IS
'doc with the given spans marked (a_start/a_length, or b_start/b_length with Side=b, as llmcopy_findings.spans holds them)';

CREATE FUNCTION llmcopy_html_escape(text) RETURNS text
AS 'MODULE_PATHNAME', 'llmcopy_html_escape'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION llmcopy_html_escape(text) IS
'the text with & < > " '' written as HTML character references';

-- Reports: findings as self-contained HTML documents.
--
-- In three layers, so that the document does not depend on how findings are
-- stored: llmcopy_report_html() makes the document from plain inputs (texts,
-- spans and license facts as jsonb) and reads no table;
-- llmcopy_report_data() and llmcopy_scan_report()'s summary read
-- llmcopy_findings and the registered tables, with the caller's rights;
-- llmcopy_report() and llmcopy_scan_report() are what a reviewer calls.

-- The id and text of some rows of a registered table.  Ids are compared in
-- the id column's type when it is a built-in one with a btree order (a
-- domain as its base type), so an index on it is used; otherwise as text.
CREATE FUNCTION llmcopy_report_texts(tbl regclass, id_col name, text_col name, ids text[],
    OUT id text, OUT body text)
RETURNS SETOF record
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    typ oid;
    base oid;
    kind "char";
    builtin bool;
BEGIN
    SELECT a.atttypid INTO typ FROM pg_attribute a
    WHERE a.attrelid = tbl AND a.attname = id_col AND a.attnum > 0 AND NOT a.attisdropped;
    LOOP
        SELECT t.typtype, t.typbasetype,
               t.typnamespace = 'pg_catalog'::regnamespace
               AND EXISTS (SELECT 1 FROM pg_opclass c JOIN pg_am m ON m.oid = c.opcmethod
                           WHERE m.amname = 'btree' AND c.opcdefault AND c.opcintype = t.oid)
        INTO kind, base, builtin FROM pg_type t WHERE t.oid = typ;
        EXIT WHEN kind IS DISTINCT FROM 'd';
        typ := base;
    END LOOP;
    IF builtin THEN
        RETURN QUERY EXECUTE format('SELECT %1$I::text, %2$I::text FROM %3$s WHERE %1$I = ANY ($1::%4$s[])',
                                    id_col, text_col, tbl, format_type(typ, NULL)) USING ids;
    ELSE
        RETURN QUERY EXECUTE format('SELECT %1$I::text, %2$I::text FROM %3$s WHERE %1$I::text = ANY ($1)',
                                    id_col, text_col, tbl) USING ids;
    END IF;
END $$;

-- The outputs named (registered table and id, in this order) with their
-- texts and findings, as llmcopy_report_html() takes them.  Texts are read
-- only from a registration the current role could scan, its table locked
-- (llmcopy_registration_locked: still a plain or partitioned table under
-- its registered name, with the registered columns and types, readable, and
-- no row-level security policy of another role to run), so a report runs
-- no function of a table's owner; a registration with a problem leaves its
-- texts out, and the document says why (text_problem).
CREATE FUNCTION llmcopy_report_data(tbls regclass[], ids text[]) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    texts jsonb := '{}';
    problems jsonb := '{}';
    t record;
    p record;
    result jsonb;
BEGIN
    -- the texts, one query per registration: the outputs, then the works they copy
    FOR t IN
        SELECT 'outputs' AS kind, 'o' AS side, ot.id AS reg, ot.schema_name, ot.table_name, ot.id_col, ot.text_col,
               array_agg(DISTINCT k.id) AS ids
        FROM unnest(tbls, ids) k(tbl, id) JOIN (SELECT x.*, (SELECT c.oid::regclass FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = x.schema_name AND c.relname = x.table_name) AS tbl FROM @extschema@.llmcopy_output_tables x) ot ON ot.tbl = k.tbl
        GROUP BY ot.id, ot.schema_name, ot.table_name, ot.id_col, ot.text_col
        UNION ALL
        SELECT 'corpus', 'w', ct.id, ct.schema_name, ct.table_name, ct.id_col, ct.text_col, array_agg(DISTINCT f.work_id)
        FROM unnest(tbls, ids) k(tbl, id)
        JOIN (SELECT x.*, (SELECT c.oid::regclass FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = x.schema_name AND c.relname = x.table_name) AS tbl FROM @extschema@.llmcopy_output_tables x) ot ON ot.tbl = k.tbl
        JOIN @extschema@.llmcopy_findings f ON f.output_table = ot.id AND f.output_id = k.id
        JOIN @extschema@.llmcopy_corpus_tables ct ON ct.id = f.corpus_table
        GROUP BY ct.id, ct.schema_name, ct.table_name, ct.id_col, ct.text_col
    LOOP
        SELECT * INTO p FROM @extschema@.llmcopy_registration_locked(t.kind, t.reg);
        IF p.problem IS NULL THEN
            SELECT texts || coalesce(jsonb_object_agg(t.side || t.reg || ':' || x.id, x.body), '{}')
            INTO texts FROM @extschema@.llmcopy_report_texts(p.tbl, t.id_col, t.text_col, t.ids) x;
        ELSE
            problems := problems || jsonb_build_object(t.side || t.reg, format('%s registration %s (table %I.%I) cannot be used: %s',
                                                                             t.kind, t.reg, t.schema_name, t.table_name, p.problem));
        END IF;
    END LOOP;

    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'table', k.tbl::text, 'id', k.id, 'model', fs.model, 'logged_at', fs.logged_at,
               'text', texts -> ('o' || ot.id || ':' || k.id), 'text_problem', problems -> ('o' || ot.id),
               'attribution', (SELECT a.attribution FROM @extschema@.llmcopy_output_attribution a
                               WHERE a.output_table = ot.id AND a.output_id = k.id),
               'findings', coalesce(fs.findings, '[]')) ORDER BY k.ord), '[]')
    INTO result
    FROM unnest(tbls, ids) WITH ORDINALITY k(tbl, id, ord)
    JOIN (SELECT x.*, (SELECT c.oid::regclass FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = x.schema_name AND c.relname = x.table_name) AS tbl FROM @extschema@.llmcopy_output_tables x) ot ON ot.tbl = k.tbl
    LEFT JOIN LATERAL (
        SELECT max(f.model) AS model, max(f.logged_at) AS logged_at,
               jsonb_agg(jsonb_build_object(
                   'corpus', ct.tbl::text, 'work_id', f.work_id, 'title', f.title, 'author', f.author,
                   'source', f.source, 'license', f.license, 'license_raw', f.license_raw,
                   'license_name', l.name, 'obligations', f.obligations, 'containment', f.containment,
                   'longest_tokens', f.longest_tokens, 'coverage', f.coverage,
                   'origin_rank', f.origin_rank, 'tied', f.tied,
                   'text', texts -> ('w' || ct.id || ':' || f.work_id), 'text_problem', problems -> ('w' || ct.id),
                   'spans', f.spans)
                   ORDER BY f.origin_rank NULLS LAST, f.containment DESC, f.work_id) AS findings
        FROM (SELECT g.*, pg_catalog.count(*) FILTER (WHERE g.origin_rank = 1) OVER (PARTITION BY g.corpus_table) AS tied
              FROM @extschema@.llmcopy_findings g
              WHERE g.output_table = ot.id AND g.output_id = k.id) f
        JOIN (SELECT x.*, coalesce((SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = x.schema_name AND c.relname = x.table_name), format('%I.%I', x.schema_name, x.table_name)) AS tbl
              FROM @extschema@.llmcopy_corpus_tables x) ct ON ct.id = f.corpus_table
        LEFT JOIN @extschema@.llmcopy_licenses l ON l.id = f.license
        WHERE f.output_table = ot.id AND f.output_id = k.id) fs ON true;
    RETURN result;
END $$;

-- The HTML document of a report, from plain inputs; reads no table.
--   outputs: [{table, id, model, logged_at, text, attribution, findings: [{corpus,
--             work_id, title, author, source, license, license_raw, license_name,
--             obligations, containment, longest_tokens, coverage, origin_rank, tied,
--             text, spans}]}]
--   summary (a scan's, or NULL): {findings, outputs, works, shown, since, until,
--             daily: [{day, model, outputs, findings, licenses}],
--             conflicts: [{table, id, sources, incompatible}]}
-- Every text is HTML-escaped; the one script is inline, allowed by its hash
-- in the document's Content-Security-Policy, which also forbids loading
-- anything, so the document works offline and runs nothing else.
CREATE FUNCTION llmcopy_report_html(title text, outputs jsonb, summary jsonb DEFAULT NULL) RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    css constant text := $css$
:root { --fg: #1d232b; --muted: #5b6572; --line: #d9dee5; --bg: #f4f6f8; --card: #fff; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--fg); background: var(--bg); }
header.top { background: #1f2a37; color: #fff; padding: 1.1rem 2rem; }
header.top h1 { margin: 0; font-size: 1.35rem; overflow-wrap: anywhere; }
header.top p { margin: .25rem 0 0; color: #c5cfdb; font-size: .85rem; }
main { padding: .5rem 2rem 3rem; max-width: 1600px; margin: 0 auto; }
section.card, article.finding { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .9rem 1.2rem; margin: 1rem 0; }
section.output > h2 { margin: 1.6rem 0 .2rem; font-size: 1.2rem; overflow-wrap: anywhere; }
h2 { font-size: 1.15rem; margin: .1rem 0 .6rem; }
h3 { font-size: 1.02rem; margin: .1rem 0 .4rem; overflow-wrap: anywhere; }
.muted { color: var(--muted); font-weight: normal; }
p.note { margin: .2rem 0 .6rem; color: var(--muted); font-size: .9rem; }
p.warn { color: #8a1c17; }
.figures { display: flex; flex-wrap: wrap; gap: .6rem 2rem; margin: .2rem 0 .8rem; }
.figures div { font-size: .85rem; color: var(--muted); }
.figures b { display: block; font-size: 1.4rem; color: var(--fg); }
table { border-collapse: collapse; width: 100%; font-size: .88rem; }
th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; }
th { color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
dl.meta { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .15rem 1rem; margin: .3rem 0 .8rem; font-size: .88rem; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
.badge { display: inline-block; padding: 0 .55rem; border-radius: 999px; font-size: .78rem; margin: 0 .3rem .2rem 0; background: #e8edf3; }
.badge.warn { background: #fde2e1; color: #8a1c17; }
.badge.ok { background: #e3f4e6; color: #1d5b2a; }
.legend { list-style: none; padding: 0; margin: .3rem 0 .6rem; display: flex; flex-wrap: wrap; gap: .3rem 1.2rem; font-size: .88rem; }
.swatch { display: inline-block; width: .9em; height: .9em; border-radius: 2px; margin-right: .35em; vertical-align: -.1em; }
.panes { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1rem; }
.pane { min-width: 0; border: 1px solid var(--line); border-radius: 6px; overflow: hidden; }
.pane h4 { margin: 0; padding: .35rem .7rem; font-size: .82rem; background: #eef1f5; border-bottom: 1px solid var(--line); display: flex; justify-content: space-between; gap: 1rem; }
.pane h4 span:last-child { color: var(--muted); font-weight: normal; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.text { position: relative; margin: 0; padding: .6rem .8rem; max-height: 24rem; overflow-y: auto; overflow-x: hidden; white-space: pre-wrap; overflow-wrap: anywhere; font: 12.5px/1.55 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
.overview .text { max-height: 16rem; }
mark, .swatch { color: inherit; border-radius: 2px; background: #dee2e6; }
mark { cursor: pointer; }
.c1 { background: #ffe066; } .c2 { background: #a5d8ff; } .c3 { background: #b2f2bb; } .c4 { background: #fcc2d7; }
.c5 { background: #ffd8a8; } .c6 { background: #d0bfff; } .c7 { background: #99e9f2; } .c8 { background: #d8f5a2; }
.c9 { background: #eebefa; } .c10 { background: #ffc9c9; }
mark.active { background: #ff922b; box-shadow: 0 1px 0 #d9480f; }
mark:focus-visible { outline: 2px solid #1c7ed6; }
details { margin-top: .7rem; font-size: .88rem; }
summary { cursor: pointer; color: var(--muted); }
pre.attribution { white-space: pre-wrap; overflow-wrap: anywhere; background: #f8f9fb; border: 1px solid var(--line); padding: .7rem; border-radius: 6px; font-size: .82rem; margin: .3rem 0 0; }
nav.toc ol { margin: .2rem 0; padding-left: 1.4rem; font-size: .9rem; }
a { color: #1864ab; }
@media (max-width: 800px) { .panes { grid-template-columns: minmax(0, 1fr); } main { padding: .5rem 1rem; } }
$css$;
    js constant text := $js$
(function () {
  'use strict';
  var active = [];
  function pieces(f, side, span) {
    return Array.prototype.slice.call(document.querySelectorAll(
      'mark[data-f="' + f + '"][data-side="' + side + '"][data-span="' + span + '"]'));
  }
  function reveal(m) {
    var box = m.closest('.text');
    if (box) {
      box.scrollTop = Math.max(0, m.offsetTop - box.clientHeight / 3);
    }
    var r = (box || m).getBoundingClientRect();
    if (r.top < 0 || r.bottom > window.innerHeight) {
      (box || m).scrollIntoView({block: 'center'});
    }
  }
  function go(m) {
    var f = m.getAttribute('data-f'), span = m.getAttribute('data-span'), side = m.getAttribute('data-side');
    var peers = pieces(f, side === 'b' ? 'a' : 'b', span);
    if (side === 'o') {
      peers = pieces(f, 'a', span);
    }
    if (!peers.length) {
      return;
    }
    active.forEach(function (x) { x.classList.remove('active'); });
    active = pieces(f, side, span).concat(peers, side === 'o' ? pieces(f, 'b', span) : []);
    active.forEach(function (x) { x.classList.add('active'); });
    if (side === 'o') {
      reveal(pieces(f, 'b', span)[0]);
    }
    reveal(peers[0]);
  }
  document.addEventListener('click', function (e) {
    var m = e.target.closest ? e.target.closest('mark[data-f]') : null;
    if (m) {
      go(m);
    }
  });
  document.addEventListener('keydown', function (e) {
    if ((e.key === 'Enter' || e.key === ' ') && e.target.matches && e.target.matches('mark[data-f]')) {
      e.preventDefault();
      go(e.target);
    }
  });
})();
$js$;
    doc text[] := '{}';
    toc text[] := '{}';
    body text[];
    legend text[];
    o jsonb;
    f jsonb;
    oi int := 0;
    fi int;
    otext text;
    wtext text;
    spans jsonb;
    all_spans jsonb;
    dropped int;
    npassages text;
    ob jsonb;
    omissing text;
BEGIN
    doc := array_append(doc, format(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="default-src ''none''; style-src ''unsafe-inline''; script-src ''sha256-%s''">'
        '<title>%s</title><style>%s</style></head><body>'
        '<header class="top"><h1>%s</h1><p>Copied passages and what their licenses require &middot; pg_llmcopy %s &middot; %s</p></header><main>',
        encode(sha256(convert_to(js, 'UTF8')), 'base64'), @extschema@.llmcopy_html_escape(title), css,
        @extschema@.llmcopy_html_escape(title),
        (SELECT e.extversion FROM pg_extension e WHERE e.extname = 'pg_llmcopy'),
        to_char(now(), 'YYYY-MM-DD HH24:MI TZ')));

    -- a scan's summary: figures, findings per model and day, license conflicts
    IF summary IS NOT NULL THEN
        doc := array_append(doc, format(
            '<section class="card summary"><h2>Summary</h2><div class="figures">'
            '<div><b>%s</b>outputs with findings</div><div><b>%s</b>findings</div><div><b>%s</b>works copied</div>'
            '<div><b>%s</b>outputs with license conflicts</div></div>%s',
            @extschema@.llmcopy_html_escape(summary ->> 'outputs'), @extschema@.llmcopy_html_escape(summary ->> 'findings'),
            @extschema@.llmcopy_html_escape(summary ->> 'works'), jsonb_array_length(summary -> 'conflicts'),
            CASE WHEN summary ->> 'since' IS NOT NULL OR summary ->> 'until' IS NOT NULL THEN
                format('<p class="note">Findings found from %s to %s.</p>',
                       @extschema@.llmcopy_html_escape(coalesce(summary ->> 'since', 'the first scan')),
                       @extschema@.llmcopy_html_escape(coalesce(summary ->> 'until', 'now')))
            END)
            || '<h3>Findings per model and day</h3><table class="daily"><thead><tr><th>day (logged)</th><th>model</th>'
               '<th class="num">outputs</th><th class="num">findings</th><th>licenses</th></tr></thead><tbody>'
            || coalesce((SELECT string_agg(format('<tr><td>%s</td><td>%s</td><td class="num">%s</td><td class="num">%s</td><td>%s</td></tr>',
                                                  @extschema@.llmcopy_html_escape(coalesce(d ->> 'day', 'no date')),
                                                  @extschema@.llmcopy_html_escape(coalesce(d ->> 'model', '')),
                                                  @extschema@.llmcopy_html_escape(d ->> 'outputs'), @extschema@.llmcopy_html_escape(d ->> 'findings'),
                                                  @extschema@.llmcopy_html_escape(d ->> 'licenses')), '' ORDER BY n)
                         FROM jsonb_array_elements(summary -> 'daily') WITH ORDINALITY x(d, n)), '')
            || '</tbody></table><h3>License conflicts</h3>'
            || CASE WHEN jsonb_array_length(summary -> 'conflicts') = 0 THEN
                   '<p class="note">No output copies text found under different licenses.</p>'
               ELSE '<table class="conflicts"><thead><tr><th>output</th><th>found in</th><th>incompatible both ways</th></tr></thead><tbody>'
                    || (SELECT string_agg(format('<tr><td>%s %s</td><td>%s</td><td>%s</td></tr>',
                                                 @extschema@.llmcopy_html_escape(c ->> 'table'),
                                                 @extschema@.llmcopy_html_escape(c ->> 'id'),
                                                 (SELECT string_agg(@extschema@.llmcopy_html_escape(s), '<br>')
                                                  FROM jsonb_array_elements_text(c -> 'sources') s),
                                                 CASE WHEN c -> 'incompatible' = 'true'::jsonb THEN '<span class="badge warn">yes</span>'
                                                      ELSE 'no' END), '' ORDER BY n)
                        FROM jsonb_array_elements(summary -> 'conflicts') WITH ORDINALITY x(c, n))
                    || '</tbody></table>'
               END
            || CASE WHEN summary -> 'shown' < summary -> 'outputs' THEN
                   format('<p class="note">The %s outputs with the highest containment are shown below.</p>',
                          @extschema@.llmcopy_html_escape(summary ->> 'shown'))
               ELSE '' END
            || '</section>');
    END IF;

    FOR o IN SELECT x FROM jsonb_array_elements(outputs) x LOOP
        oi := oi + 1;
        fi := 0;
        otext := o ->> 'text';
        -- why the output's text is missing: not read (text_problem), or deleted
        omissing := CASE WHEN otext IS NULL THEN
                        coalesce('The output&rsquo;s text is not shown: '
                                 || @extschema@.llmcopy_html_escape(o ->> 'text_problem') || '.',
                                 'The output is no longer in its table.') END;
        body := '{}';
        legend := '{}';
        all_spans := '[]';
        FOR f IN SELECT x FROM jsonb_array_elements(o -> 'findings') x LOOP
            fi := fi + 1;
            wtext := f ->> 'text';
            -- spans that no longer fit the texts (edited since the scan), or
            -- whose offsets are not positive integers, are left out; the others
            -- are rebuilt from their offsets, token count and excerpt alone
            -- (a work not shown leaves its passages marked in the output); an
            -- excerpt is compared without its ellipsis, which depends on the
            -- database encoding: its first 200 characters are the span's
            SELECT coalesce(jsonb_agg(e.span ORDER BY e.n) FILTER (WHERE e.fits), '[]'),
                   count(*) FILTER (WHERE NOT e.fits)
            INTO spans, dropped
            FROM (SELECT x.n,
                         jsonb_build_object('a_start', q.p[1], 'a_length', q.p[2], 'b_start', q.p[3], 'b_length', q.p[4],
                                            'tokens', x.s -> 'tokens', 'excerpt', x.s -> 'excerpt') AS span,
                         coalesce(q.p[1] + q.p[2] - 1 <= length(otext)
                                  AND (wtext IS NULL OR q.p[3] + q.p[4] - 1 <= length(wtext))
                                  AND (x.s ->> 'excerpt' IS NULL
                                       OR starts_with(substr(otext, q.p[1]), left(x.s ->> 'excerpt', least(q.p[2], 200)))),
                                  false) AS fits
                  FROM jsonb_array_elements(CASE jsonb_typeof(f -> 'spans') WHEN 'array' THEN f -> 'spans' ELSE '[]' END)
                           WITH ORDINALITY x(s, n),
                       LATERAL (SELECT array_agg(CASE WHEN (x.s -> u.k)::text ~ '^[1-9][0-9]{0,8}$' THEN (x.s -> u.k)::text::int END
                                                 ORDER BY u.i) AS p
                                FROM unnest(ARRAY['a_start', 'a_length', 'b_start', 'b_length']) WITH ORDINALITY u(k, i)) q) e;
            all_spans := all_spans || (SELECT coalesce(jsonb_agg(s || jsonb_build_object('work', fi)), '[]')
                                       FROM jsonb_array_elements(spans) s);
            ob := f -> 'obligations';
            npassages := format('%s passage%s', jsonb_array_length(spans), CASE WHEN jsonb_array_length(spans) = 1 THEN '' ELSE 's' END);
            legend := array_append(legend, format('<li><span class="swatch c%s"></span><a href="#o%sf%s">%s</a></li>', fi, oi, fi,
                                       @extschema@.llmcopy_html_escape(coalesce(f ->> 'title', (f ->> 'corpus') || ' ' || (f ->> 'work_id')))));
            body := array_append(body, format(
                '<article class="finding" id="o%sf%s"><h3><span class="swatch c%s"></span>%s <span class="muted">&middot; %s %s</span></h3>'
                '<dl class="meta"><dt>Author</dt><dd>%s</dd><dt>Source</dt><dd>%s</dd><dt>License</dt><dd>%s</dd>'
                '<dt>Obligations</dt><dd>%s</dd><dt>Evidence</dt><dd>containment %s &middot; longest run %s tokens &middot; coverage %s &middot; %s%s</dd></dl>%s',
                oi, fi, fi,
                @extschema@.llmcopy_html_escape(coalesce(f ->> 'title', 'untitled work')),
                @extschema@.llmcopy_html_escape(f ->> 'corpus'), @extschema@.llmcopy_html_escape(f ->> 'work_id'),
                @extschema@.llmcopy_html_escape(coalesce(f ->> 'author', 'not recorded')),
                @extschema@.llmcopy_html_escape(coalesce(f ->> 'source', 'not recorded')),
                CASE WHEN f ->> 'license' IS NULL THEN
                         format('<span class="badge warn">unknown</span> %s',
                                coalesce('recorded as &ldquo;' || @extschema@.llmcopy_html_escape(f ->> 'license_raw') || '&rdquo;', 'none recorded'))
                     ELSE @extschema@.llmcopy_html_escape(coalesce((f ->> 'license_name') || ' (' || (f ->> 'license') || ')', f ->> 'license'))
                END,
                CASE WHEN ob IS NULL OR jsonb_typeof(ob) = 'null' OR ob ->> 'copyleft' IS NULL THEN
                         '<span class="badge warn">obligations unknown</span>'
                         || coalesce(' not catalogued: ' || @extschema@.llmcopy_html_escape(
                                (SELECT string_agg(u, ', ')
                                 FROM jsonb_array_elements_text(CASE jsonb_typeof(ob -> 'unknown') WHEN 'array' THEN ob -> 'unknown' END) u)),
                                     '')
                     ELSE concat(
                         CASE WHEN ob -> 'attribution' = 'true'::jsonb THEN '<span class="badge warn">attribution required</span>'
                              ELSE '<span class="badge ok">no attribution required</span>' END,
                         CASE WHEN ob ->> 'copyleft' = 'none' THEN '<span class="badge ok">no copyleft</span>'
                              ELSE format('<span class="badge warn">%s copyleft</span>', @extschema@.llmcopy_html_escape(ob ->> 'copyleft')) END,
                         CASE WHEN ob -> 'share_alike' = 'true'::jsonb THEN '<span class="badge warn">share-alike</span>' END,
                         CASE WHEN ob -> 'non_commercial' = 'true'::jsonb THEN '<span class="badge warn">non-commercial only</span>' END,
                         CASE WHEN ob -> 'no_derivatives' = 'true'::jsonb THEN '<span class="badge warn">no derivatives</span>' END,
                         CASE WHEN ob ->> 'chosen' IS DISTINCT FROM f ->> 'license' THEN
                              ' as ' || @extschema@.llmcopy_html_escape(ob ->> 'chosen') END)
                END,
                CASE jsonb_typeof(f -> 'containment') WHEN 'number' THEN round((f -> 'containment')::numeric, 2)::text
                     ELSE @extschema@.llmcopy_html_escape(f ->> 'containment') END,
                @extschema@.llmcopy_html_escape(f ->> 'longest_tokens'),
                CASE jsonb_typeof(f -> 'coverage') WHEN 'number' THEN round((f -> 'coverage')::numeric, 2)::text
                     ELSE @extschema@.llmcopy_html_escape(f ->> 'coverage') END,
                npassages,
                -- the likeliest origin in its corpus (origin_rank 1), and
                -- whether other works tie with it on every signal
                CASE WHEN f -> 'origin_rank' = '1'::jsonb THEN
                    CASE WHEN CASE WHEN f ->> 'tied' ~ '^[1-9][0-9]{0,8}$' THEN (f ->> 'tied')::int > 1 END THEN
                        format(' &middot; <span class="badge warn">likeliest origin, tied with %s other work%s</span>',
                               (f ->> 'tied')::int - 1, CASE WHEN (f ->> 'tied')::int = 2 THEN '' ELSE 's' END)
                    ELSE ' &middot; <span class="badge ok">likeliest origin</span>' END
                ELSE '' END,
                CASE WHEN dropped > 0 THEN
                    format('<p class="note warn">%s of the passages no longer match the texts (edited since the scan) and are not shown.</p>', dropped)
                ELSE '' END)
                || CASE WHEN otext IS NULL OR wtext IS NULL THEN
                       format('<p class="note warn">%s</p>',
                              coalesce(omissing, 'The work&rsquo;s text is not shown: '
                                                 || @extschema@.llmcopy_html_escape(f ->> 'text_problem') || '.',
                                       'The work is no longer in its table.'))
                   ELSE format(
                       '<div class="panes"><div class="pane"><h4><span>Output</span><span>%s</span></h4><div class="text" data-side="a">%s</div></div>'
                       '<div class="pane"><h4><span>Work</span><span>%s</span></h4><div class="text" data-side="b">%s</div></div></div>',
                       npassages,
                       @extschema@.llmcopy_headline(otext, spans, format(
                           'Escape=html, HighlightAll=true, StopSel="</mark>", '
                           'StartSel="<mark class=''m c%s'' data-f=''o%sf%s'' data-side=''a'' data-span=''%%s'' tabindex=''0''>"',
                           fi, oi, fi)),
                       @extschema@.llmcopy_html_escape(coalesce(f ->> 'title', '')),
                       @extschema@.llmcopy_headline(wtext, spans, format(
                           'Side=b, Escape=html, HighlightAll=true, StopSel="</mark>", '
                           'StartSel="<mark class=''m c%s'' data-f=''o%sf%s'' data-side=''b'' data-span=''%%s'' tabindex=''0''>"',
                           fi, oi, fi)))
                   END
                || '<details><summary>Passages: where each is in both texts</summary><table><thead><tr><th class="num">#</th>'
                   '<th class="num">output, from</th><th class="num">characters</th><th class="num">work, from</th><th class="num">characters</th>'
                   '<th class="num">tokens</th><th>text</th></tr></thead><tbody>'
                || coalesce((SELECT string_agg(format('<tr><td class="num">%s</td><td class="num">%s</td><td class="num">%s</td><td class="num">%s</td>'
                                                      '<td class="num">%s</td><td class="num">%s</td><td>%s</td></tr>',
                                                      n, s ->> 'a_start', s ->> 'a_length', s ->> 'b_start', s ->> 'b_length',
                                                      @extschema@.llmcopy_html_escape(s ->> 'tokens'),
                                                      @extschema@.llmcopy_html_escape(coalesce(s ->> 'excerpt', ''))), '' ORDER BY n)
                             FROM jsonb_array_elements(spans) WITH ORDINALITY x(s, n)), '')
                || '</tbody></table></details></article>');
        END LOOP;

        toc := array_append(toc, format('<li><a href="#o%s">%s %s</a> <span class="muted">&middot; %s &middot; %s works</span></li>', oi,
                             @extschema@.llmcopy_html_escape(o ->> 'table'), @extschema@.llmcopy_html_escape(o ->> 'id'),
                             @extschema@.llmcopy_html_escape(coalesce(o ->> 'model', 'model not recorded')), fi));
        doc := array_append(doc, format(
            '<section class="output" id="o%s"><h2>Output %s %s</h2><p class="note">%s &middot; logged %s &middot; %s</p>',
            oi, @extschema@.llmcopy_html_escape(o ->> 'table'), @extschema@.llmcopy_html_escape(o ->> 'id'),
            @extschema@.llmcopy_html_escape(coalesce(o ->> 'model', 'model not recorded')),
            @extschema@.llmcopy_html_escape(coalesce(left(o ->> 'logged_at', 16), 'at an unknown time')),
            CASE fi WHEN 0 THEN 'no findings' WHEN 1 THEN 'copies from 1 work' ELSE format('copies from %s works', fi) END)
            || CASE WHEN otext IS NOT NULL AND fi > 0 THEN format(
                   '<section class="card overview"><h3>The output, with the passages of every work</h3><ul class="legend">%s</ul>'
                   '<div class="text" data-side="o">%s</div></section>',
                   array_to_string(legend, ''),
                   @extschema@.llmcopy_headline(otext, all_spans, format(
                       'Escape=html, HighlightAll=true, StopSel="</mark>", '
                       'StartSel="<mark class=''m c%%n'' data-f=''o%sf%%n'' data-side=''o'' data-span=''%%s'' tabindex=''0''>"', oi)))
               WHEN otext IS NOT NULL THEN
                   format('<section class="card overview"><div class="text">%s</div></section>', @extschema@.llmcopy_html_escape(otext))
               ELSE format('<p class="note warn">%s</p>', omissing) END
            || array_to_string(body, '')
            || CASE WHEN o ->> 'attribution' IS NOT NULL THEN
                   format('<section class="card"><h3>Attribution</h3><p class="note">To credit the works this output copies, where their licenses ask for it:</p>'
                          '<pre class="attribution">%s</pre></section>', @extschema@.llmcopy_html_escape(o ->> 'attribution'))
               ELSE '' END
            || '</section>');
    END LOOP;

    IF oi > 1 THEN
        -- a table of contents after the summary
        doc := doc[1:CASE WHEN summary IS NULL THEN 1 ELSE 2 END]
               || format('<section class="card"><h2>Outputs</h2><nav class="toc"><ol>%s</ol></nav></section>', array_to_string(toc, ''))
               || doc[CASE WHEN summary IS NULL THEN 2 ELSE 3 END:];
    ELSIF oi = 0 THEN
        doc := array_append(doc, '<section class="card"><p class="note">No findings.</p></section>'::text);
    END IF;
    RETURN array_to_string(doc, '') || '</main><script>' || js || '</script></body></html>';
END $fn$;

COMMENT ON FUNCTION llmcopy_report_html(text, jsonb, jsonb) IS
'a self-contained HTML report from plain inputs: per finding the output and the work side by side, copied passages highlighted and linked, license and obligations, attribution';

-- The report of one output: every finding of it, side by side.
CREATE FUNCTION llmcopy_report(output_table regclass, output_id text) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    reg int;
    p record;
    data jsonb;
BEGIN
    SELECT t.id INTO reg FROM @extschema@.llmcopy_output_tables t
    WHERE (SELECT c.oid::regclass FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = t.schema_name AND c.relname = t.table_name) = output_table;
    IF reg IS NULL THEN
        RAISE EXCEPTION 'table % is not registered for outputs', output_table USING ERRCODE = 'undefined_object';
    END IF;
    -- the output's own registration must be usable (an error that says why);
    -- a work whose registration is not is shown without its text
    SELECT * INTO p FROM @extschema@.llmcopy_registration_problem('outputs', reg);
    IF p.code = '42501' THEN
        RAISE EXCEPTION 'cannot report on output % of table %: %', output_id, output_table, p.problem
            USING ERRCODE = p.code,
                  HINT = 'Ask for the report as a role that may read the table (and, with row-level security, as its owner).';
    ELSIF p.problem IS NOT NULL THEN
        RAISE EXCEPTION 'cannot report on output % of table %: %', output_id, output_table, p.problem USING ERRCODE = p.code;
    END IF;
    data := @extschema@.llmcopy_report_data(ARRAY[output_table], ARRAY[output_id]);
    IF jsonb_typeof(data -> 0 -> 'text') = 'null' AND jsonb_array_length(data -> 0 -> 'findings') = 0 THEN
        RAISE EXCEPTION 'output % is not in table %', output_id, output_table USING ERRCODE = 'no_data_found';
    END IF;
    RETURN @extschema@.llmcopy_report_html(format('Output %s of %s', output_id, output_table), data);
END $$;

COMMENT ON FUNCTION llmcopy_report(regclass, text) IS
'the HTML report of one output: its findings with the output and each work side by side';

-- The same from any row that names an output (output_table, output_id): a
-- row of llmcopy_findings or of the views built on it.
CREATE FUNCTION llmcopy_report(finding record) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RETURN @extschema@.llmcopy_report(
        (SELECT (SELECT c.oid::regclass FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = t.schema_name AND c.relname = t.table_name)
         FROM @extschema@.llmcopy_output_tables t WHERE t.id = finding.output_table),
        finding.output_id);
END $$;

COMMENT ON FUNCTION llmcopy_report(record) IS
'the HTML report of the output a row of llmcopy_findings (or of a view over it) names';

-- The report of the findings found in a time range: a dashboard's summary,
-- then the outputs with the highest containment.
CREATE FUNCTION llmcopy_scan_report(since timestamptz DEFAULT NULL, until timestamptz DEFAULT NULL,
    max_outputs int DEFAULT 100) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    summary jsonb;
    tbls regclass[];
    ids text[];
    all_tables int[];
    all_ids text[];
BEGIN
    IF max_outputs IS NULL OR max_outputs < 0 THEN
        RAISE EXCEPTION 'max_outputs must be 0 or more' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    WITH sel AS (
        SELECT f.*, ot.tbl
        FROM @extschema@.llmcopy_findings f JOIN (SELECT x.*, (SELECT c.oid::regclass FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = x.schema_name AND c.relname = x.table_name) AS tbl FROM @extschema@.llmcopy_output_tables x) ot ON ot.id = f.output_table
        WHERE (since IS NULL OR f.found_at >= since) AND (until IS NULL OR f.found_at < until)),
    outs AS (
        SELECT s.tbl, s.output_table, s.output_id, max(s.containment) AS top
        FROM sel s GROUP BY 1, 2, 3),
    shown AS (
        SELECT * FROM outs ORDER BY top DESC, tbl, output_id LIMIT max_outputs)
    SELECT jsonb_build_object(
               'since', to_char(since, 'YYYY-MM-DD HH24:MI:SS TZ'), 'until', to_char(until, 'YYYY-MM-DD HH24:MI:SS TZ'),
               'findings', (SELECT count(*) FROM sel), 'outputs', (SELECT count(*) FROM outs),
               'works', (SELECT count(DISTINCT (s.corpus_table, s.work_id)) FROM sel s),
               'shown', (SELECT count(*) FROM shown),
               'daily', (SELECT coalesce(jsonb_agg(d ORDER BY d.day, d.model), '[]')
                         FROM (SELECT to_char(date_trunc('day', s.logged_at), 'YYYY-MM-DD') AS day, s.model,
                                      count(DISTINCT (s.output_table, s.output_id)) AS outputs, count(*) AS findings,
                                      string_agg(DISTINCT coalesce(s.license, 'unknown'), ', ') AS licenses
                               FROM sel s GROUP BY 1, 2) d)),
           (SELECT array_agg(s.tbl ORDER BY s.top DESC, s.tbl, s.output_id) FROM shown s),
           (SELECT array_agg(s.output_id ORDER BY s.top DESC, s.tbl, s.output_id) FROM shown s),
           (SELECT array_agg(o.output_table) FROM outs o), (SELECT array_agg(o.output_id) FROM outs o)
    INTO summary, tbls, ids, all_tables, all_ids;
    summary := summary || jsonb_build_object('conflicts', (
        SELECT coalesce(jsonb_agg(jsonb_build_object('table', ot.tbl::text, 'id', c.output_id,
                                                     'sources', c.sources, 'incompatible', c.incompatible)
                                  ORDER BY ot.tbl::text, c.output_id), '[]')
        FROM @extschema@.llmcopy_license_conflicts c
        JOIN (SELECT x.*, (SELECT c.oid::regclass FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = x.schema_name AND c.relname = x.table_name) AS tbl FROM @extschema@.llmcopy_output_tables x) ot ON ot.id = c.output_table
        JOIN unnest(all_tables, all_ids) k(output_table, output_id)
             ON k.output_table = c.output_table AND k.output_id = c.output_id));
    RETURN @extschema@.llmcopy_report_html(
        'Copied passages found by the scan' || CASE WHEN since IS NOT NULL THEN ' since ' || to_char(since, 'YYYY-MM-DD HH24:MI') ELSE '' END,
        @extschema@.llmcopy_report_data(coalesce(tbls, '{}'), coalesce(ids, '{}')), summary);
END $$;

COMMENT ON FUNCTION llmcopy_scan_report(timestamptz, timestamptz, int) IS
'the HTML report of the findings found in [since, until): findings per model and day, license conflicts, then each output side by side with its works';

-- ---------------------------------------------------------------------------
-- SPDX and licenses

-- The GNU "or later" rule written once, in C, for spdx_satisfies and the
-- compatibility rules alike.
CREATE FUNCTION llmcopy_spdx_or_later(offered text, wanted text) RETURNS bool
AS 'MODULE_PATHNAME', 'llmcopy_spdx_or_later' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION llmcopy_spdx_or_later(text, text) IS
'the GNU "or later" rule, as spdx_satisfies applies it: whether license id offered (X-v-or-later, or X+) also grants wanted (X at a version from v on)';

-- The leaf rule: search_path pinned, extension objects qualified, the "or
-- later" rule from C.
CREATE OR REPLACE FUNCTION llmcopy_license_leaf_compatible(inbound text, outbound text) RETURNS bool
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    i @extschema@.llmcopy_licenses;
    o @extschema@.llmcopy_licenses;
    rule bool;
BEGIN
    inbound := split_part(inbound, ' WITH ', 1);
    outbound := split_part(outbound, ' WITH ', 1);
    IF inbound = outbound THEN
        RETURN true;
    END IF;
    SELECT r.compatible INTO rule FROM @extschema@.llmcopy_license_rules r
    WHERE r.inbound = llmcopy_license_leaf_compatible.inbound AND outbound LIKE r.outbound_like
    ORDER BY r.compatible LIMIT 1;          -- an incompatibility rule wins
    IF FOUND THEN
        RETURN rule;
    END IF;
    -- "X-v-or-later" allows X-w for every w >= v: the rule spdx_satisfies applies
    IF @extschema@.llmcopy_spdx_or_later(inbound, outbound) THEN
        RETURN true;
    END IF;
    SELECT * INTO i FROM @extschema@.llmcopy_licenses l WHERE l.id = inbound;
    SELECT * INTO o FROM @extschema@.llmcopy_licenses l WHERE l.id = outbound;
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

-- The functions over expressions: license_compatible evaluates the leaf
-- rule once per distinct pair of licenses, and the bodies compiled here
-- name pg_catalog's functions (replacing them also rebinds a 0.1.0 body
-- compiled while another role's look-alike stood on the search_path).

-- Three-valued: true if material under inbound may go into a work
-- distributed under outbound, false if not, NULL if unknown.  Inbound is
-- an expression to choose from (an OR needs one workable option, an AND
-- all of its licenses); every license outbound offers must accept it.  The
-- leaf rule reads the two license ids only, so it is evaluated once per
-- distinct pair of ids, not per pair of leaves of the two expansions (two
-- expansions of 49,152 leaves each name two licenses each): at most
-- 100,000 such pairs, as an expansion holds at most 100,000 licenses.
CREATE OR REPLACE FUNCTION license_compatible(inbound text, outbound text) RETURNS bool
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    ins text[];
    outs text[];
    result bool;
BEGIN
    SELECT array_agg(DISTINCT d.license) INTO ins FROM @extschema@.spdx_dnf(inbound) d;
    SELECT array_agg(DISTINCT d.license) INTO outs FROM @extschema@.spdx_dnf(outbound) d;
    IF cardinality(ins)::bigint * cardinality(outs) > 100000 THEN
        RAISE EXCEPTION 'license expressions are too large to compare'
            USING ERRCODE = 'program_limit_exceeded',
                  DETAIL = format('They name %s and %s distinct licenses, %s pairs; the limit is 100000.',
                                  cardinality(ins), cardinality(outs), cardinality(ins)::bigint * cardinality(outs));
    END IF;
    WITH accepted AS (
        -- each inbound license: accepted by every license outbound offers?
        SELECT i.license,
               CASE WHEN bool_or(c IS FALSE) THEN false
                    WHEN bool_or(c IS NULL) THEN NULL
                    ELSE true END AS ok
        FROM unnest(ins) i(license), unnest(outs) o(license),
             LATERAL @extschema@.llmcopy_license_leaf_compatible(i.license, o.license) c
        GROUP BY i.license),
    per_option AS (
        SELECT d.option,
               CASE WHEN bool_or(a.ok IS FALSE) THEN false
                    WHEN bool_or(a.ok IS NULL) THEN NULL
                    ELSE true END AS ok
        FROM @extschema@.spdx_dnf(inbound) d JOIN accepted a ON a.license = d.license
        GROUP BY d.option)
    SELECT CASE WHEN bool_or(ok IS TRUE) THEN true
                WHEN bool_or(ok IS NULL) THEN NULL
                ELSE false END
    INTO result
    FROM per_option;
    RETURN result;
END $$;

CREATE OR REPLACE FUNCTION licenses_compatible_with(inbound text[]) RETURNS SETOF text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
    SELECT l.id FROM llmcopy_licenses l
    WHERE l.copyleft IS NOT NULL AND NOT l.deprecated
      AND NOT EXISTS (SELECT 1 FROM pg_catalog.unnest(inbound) x
                      WHERE license_compatible(x, l.id) IS NOT TRUE)
    ORDER BY l.id;
END;

-- The combined obligations of an expression: AND takes all; OR the least
-- demanding option whose licenses are all catalogued (named in chosen).
CREATE OR REPLACE FUNCTION license_obligations(expr text,
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
               pg_catalog.bool_or(attribution) AS attribution, pg_catalog.max(level) AS level,
               pg_catalog.bool_or(share_alike) AS share_alike, pg_catalog.bool_or(non_commercial) AS non_commercial,
               pg_catalog.bool_or(no_derivatives) AS no_derivatives,
               pg_catalog.string_agg(license || coalesce(' WITH ' || exception, ''), ' AND ' ORDER BY license) AS chosen,
               pg_catalog.array_agg(license ORDER BY license) FILTER (WHERE level IS NULL) AS unknown,
               pg_catalog.count(*) FILTER (WHERE level IS NULL) AS n_unknown
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

-- Correction of messy license strings: the rules behind an answer.
CREATE FUNCTION spdx_correct_explain(text, OUT corrected text, OUT rule text, OUT detail text,
    OUT candidates text[])
RETURNS record
AS 'MODULE_PATHNAME', 'spdx_correct_explain' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION spdx_correct_explain(text) IS
'what spdx_correct answers (corrected), the rule that decided, what it read step by step (detail), and the licenses it would not choose between (candidates)';
COMMENT ON FUNCTION spdx_correct(text) IS
'the best SPDX expression for a messy license string (names, aliases, URLs, prose, typos), or NULL when it cannot tell; spdx_correct_explain says why';

-- BSD-2-Clause-FreeBSD now means BSD-2-Clause-Views (data/spdx/deprecated.tsv).
UPDATE llmcopy_licenses
SET fsf_libre = true, attribution = true, copyleft = 'none', share_alike = false, non_commercial = false,
    no_derivatives = false, source = 'license text (BSD-2-Clause and a views sentence); FSF list (FreeBSD)'
WHERE id = 'BSD-2-Clause-Views' AND builtin;

-- ---------------------------------------------------------------------------
-- the workflow: registration, scans, findings, views, privileges
--
-- Registrations by schema and name instead of OID; scan records instead of
-- watermarks (outputs at or below a pair's 0.1.0 watermark are recorded as
-- scanned); functions with a pinned search_path; privileges, row-level
-- security, the reproduction rate; catalogue edits that pg_dump keeps.

DROP VIEW llmcopy_findings_daily, llmcopy_findings_by_obligation, llmcopy_output_attribution,
    llmcopy_top_works, llmcopy_license_conflicts;
DROP PROCEDURE llmcopy_scan(regclass, regclass, float8, int, int, int);
DROP FUNCTION llmcopy_scan_works(text, fingerprint, float8, fingerprint),
    llmcopy_column_type(regclass, name, text), llmcopy_add_fingerprint(regclass, name, int, int, text, bool),
    llmcopy_register_corpus(regclass, name, name, name, name, name, name, int, int, text, bool),
    llmcopy_register_outputs(regclass, name, name, name, name, int, int, text), llmcopy_unregister(regclass),
    llmcopy_refresh_boilerplate(regclass, int);

-- a registration keeps its table's schema and name (a table that no longer
-- exists keeps its OID as a name: the registration shows as broken), and
-- its id column's type as a type
ALTER TABLE llmcopy_corpus_tables ADD COLUMN schema_name name, ADD COLUMN table_name name, ADD COLUMN id_regtype regtype;
ALTER TABLE llmcopy_output_tables ADD COLUMN schema_name name, ADD COLUMN table_name name, ADD COLUMN id_regtype regtype;
UPDATE llmcopy_corpus_tables x
SET schema_name = coalesce((SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = x.tbl::oid), ''),
    table_name = coalesce((SELECT c.relname FROM pg_class c WHERE c.oid = x.tbl::oid), x.tbl::oid::text),
    id_regtype = coalesce((SELECT a.atttypid FROM pg_attribute a WHERE a.attrelid = x.tbl::oid AND a.attname = x.id_col AND NOT a.attisdropped),
                          pg_catalog.to_regtype(x.id_type), 'text'::regtype);
UPDATE llmcopy_output_tables x
SET schema_name = coalesce((SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = x.tbl::oid), ''),
    table_name = coalesce((SELECT c.relname FROM pg_class c WHERE c.oid = x.tbl::oid), x.tbl::oid::text),
    id_regtype = coalesce((SELECT a.atttypid FROM pg_attribute a WHERE a.attrelid = x.tbl::oid AND a.attname = x.id_col AND NOT a.attisdropped),
                          pg_catalog.to_regtype(x.id_type), 'text'::regtype);
ALTER TABLE llmcopy_corpus_tables DROP COLUMN tbl, DROP COLUMN id_type,
    ALTER COLUMN schema_name SET NOT NULL, ALTER COLUMN table_name SET NOT NULL, ALTER COLUMN id_regtype SET NOT NULL,
    ADD UNIQUE (schema_name, table_name);
ALTER TABLE llmcopy_corpus_tables RENAME COLUMN id_regtype TO id_type;
ALTER TABLE llmcopy_output_tables DROP COLUMN tbl, DROP COLUMN id_type,
    ALTER COLUMN schema_name SET NOT NULL, ALTER COLUMN table_name SET NOT NULL, ALTER COLUMN id_regtype SET NOT NULL,
    ADD UNIQUE (schema_name, table_name);
ALTER TABLE llmcopy_output_tables RENAME COLUMN id_regtype TO id_type;

-- What was scanned: one row per output and corpus, written with the
-- output's findings.  status 'skipped': the output could not be scanned
-- (reason: SQLSTATE and message); it stays recorded and is not retried.
CREATE TABLE llmcopy_scanned (
    output_table int NOT NULL REFERENCES llmcopy_output_tables ON DELETE CASCADE,
    corpus_table int NOT NULL REFERENCES llmcopy_corpus_tables ON DELETE CASCADE,
    output_id text NOT NULL,
    status text NOT NULL CHECK (status IN ('scanned', 'skipped')),
    reason text,
    model text,
    logged_at timestamptz,
    scanned_at timestamptz NOT NULL DEFAULT now(),
    run_id int
);
-- (keyed by a hash of the id, of bounded size: an output whose id is too
-- long for a btree key is recorded too, as skipped)
-- (keyed by a hash of the id's bytes, so an id of any length fits the key;
-- backslashes are doubled so that the cast to bytea reads the text as it is,
-- never as an escape)
CREATE UNIQUE INDEX llmcopy_scanned_key ON llmcopy_scanned
    (output_table, corpus_table, pg_catalog.sha256(pg_catalog.replace(output_id, E'\\', E'\\\\')::bytea));
SELECT pg_catalog.pg_extension_config_dump('llmcopy_scanned', '');

ALTER TABLE llmcopy_runs ADD COLUMN skipped bigint NOT NULL DEFAULT 0, ADD COLUMN batches int NOT NULL DEFAULT 0,
    ADD COLUMN scan int, ADD COLUMN threshold float8, ADD COLUMN min_tokens int, ADD COLUMN batch_size int,
    ADD COLUMN max_batches int, ADD COLUMN scores bool, ADD COLUMN corpus_docs bigint,
    ADD COLUMN pid int, ADD COLUMN lock_key int, ADD COLUMN problem text,
    ADD COLUMN waits_for text[] NOT NULL DEFAULT '{outputs,corpus}',
    ADD CHECK (status IN ('running', 'done', 'stopped', 'failed'));

-- how a registered table's fingerprints are kept: a generated column (as
-- in 0.1.0), a plain column kept by a trigger and filled in batches, or a
-- column of the user's own
ALTER TABLE llmcopy_corpus_tables ADD COLUMN fp_col name NOT NULL DEFAULT 'llmcopy_fp',
    ADD COLUMN fp_kind text NOT NULL DEFAULT 'generated' CHECK (fp_kind IN ('generated', 'trigger', 'column')),
    ADD COLUMN filling bool NOT NULL DEFAULT false;
ALTER TABLE llmcopy_output_tables ADD COLUMN fp_col name NOT NULL DEFAULT 'llmcopy_fp',
    ADD COLUMN fp_kind text NOT NULL DEFAULT 'generated' CHECK (fp_kind IN ('generated', 'trigger', 'column')),
    ADD COLUMN filling bool NOT NULL DEFAULT false;
-- the role that owned a registered table when it was registered, by name
-- and by OID (a table of the same name that another role owns, or that a
-- role made later under the same name owns, is not the registered table)
ALTER TABLE llmcopy_corpus_tables ADD COLUMN table_owner name, ADD COLUMN owner_oid oid;
ALTER TABLE llmcopy_output_tables ADD COLUMN table_owner name, ADD COLUMN owner_oid oid;
UPDATE llmcopy_corpus_tables x
SET (table_owner, owner_oid) = (SELECT pg_catalog.pg_get_userbyid(c.relowner), c.relowner
                                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                                WHERE n.nspname = x.schema_name AND c.relname = x.table_name);
UPDATE llmcopy_output_tables x
SET (table_owner, owner_oid) = (SELECT pg_catalog.pg_get_userbyid(c.relowner), c.relowner
                                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                                WHERE n.nspname = x.schema_name AND c.relname = x.table_name);
ALTER TABLE llmcopy_boilerplate ADD COLUMN min_share float8;
-- the scores of prior art weighed by rarity and of the origin, per finding
ALTER TABLE llmcopy_findings ADD COLUMN weighted float8, ADD COLUMN exact bool, ADD COLUMN copies int,
    ADD COLUMN origin_rank int;
-- the scores that survive disguise, per finding (llmcopy_disguise_scores)
ALTER TABLE llmcopy_findings ADD COLUMN units float8, ADD COLUMN words float8;

-- The table of a schema and a name, or NULL; no permission is needed to
-- look (the catalogue is public), so a broken registration never hides
-- the others.
CREATE FUNCTION llmcopy_lookup(schema_name name, table_name name) RETURNS regclass
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT c.oid::regclass FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = schema_name AND c.relname = table_name;
END;

-- The base type of a type: itself, or what its domain (of domains) is over.
CREATE FUNCTION llmcopy_base_type(t regtype) RETURNS regtype
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    WITH RECURSIVE d(oid, typtype, typbasetype) AS (
        SELECT y.oid, y.typtype, y.typbasetype FROM pg_catalog.pg_type y WHERE y.oid = t::oid
        UNION ALL
        SELECT y.oid, y.typtype, y.typbasetype FROM d JOIN pg_catalog.pg_type y ON y.oid = d.typbasetype
        WHERE d.typtype = 'd')
    SELECT d.oid::regtype FROM d WHERE d.typtype <> 'd';
END;

-- Why a column cannot serve a registration (NULL if it can), and the
-- SQLSTATE to raise.  Roles: 'id' (int2, int4, int8, text, varchar, uuid or
-- a domain over one: compared in that built-in type, printed the same in
-- every session), 'text' (text or varchar), 'time' (timestamptz, timestamp
-- or date), 'label' (a built-in type, or a domain over one: read as text).
CREATE FUNCTION llmcopy_column_problem(tbl regclass, col name, role text, OUT problem text, OUT code text)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    t regtype;
    base regtype;
BEGIN
    SELECT a.atttypid INTO t FROM pg_attribute a
    WHERE a.attrelid = tbl AND a.attname = col AND a.attnum > 0 AND NOT a.attisdropped;
    IF t IS NULL THEN
        problem := format('column %I does not exist', col);
        code := '42703';
        RETURN;
    END IF;
    base := @extschema@.llmcopy_base_type(t);
    IF role = 'id' AND base NOT IN ('int2'::regtype, 'int4', 'int8', 'text', 'varchar', 'uuid')
       OR role = 'text' AND t NOT IN ('text'::regtype, 'varchar')
       OR role = 'time' AND t NOT IN ('timestamptz'::regtype, 'timestamp', 'date')
       OR role = 'label' AND (SELECT y.typnamespace <> 'pg_catalog'::regnamespace FROM pg_type y WHERE y.oid = base) THEN
        problem := format('column %I has type %s, not %s', col, t,
                          CASE role WHEN 'id' THEN 'smallint, integer, bigint, text, varchar or uuid'
                                    WHEN 'text' THEN 'text or varchar'
                                    WHEN 'time' THEN 'a timestamp or a date'
                                    ELSE 'a built-in type' END);
        code := '42804';
    END IF;
END $$;

-- Why a column cannot identify a registration's outputs (NULL if it can).
-- The scan records each output by its id: two rows with one id would be
-- scanned once between them, a row without one never.  The column must be
-- NOT NULL and the only key of a valid unique index with no predicate (a
-- primary key on it serves).  Under a nondeterministic collation ('A' =
-- 'a'), the index must be unique under that collation: one unique under
-- another lets the table hold ids the scan reads as one.
CREATE FUNCTION llmcopy_key_problem(tbl regclass, col name) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT CASE WHEN NOT coalesce(pg_catalog.bool_or(true), false)
                THEN pg_catalog.format('column %I is not NOT NULL with a unique index of its own', col)
                WHEN NOT pg_catalog.bool_or(i.indcollation[0] = a.attcollation
                                            OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_collation c
                                                           WHERE c.oid = a.attcollation AND NOT c.collisdeterministic))
                THEN pg_catalog.format('column %I has a nondeterministic collation, and no unique index of its own under it', col)
           END
    FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_index i ON i.indrelid = a.attrelid
    WHERE a.attrelid = tbl::oid AND a.attname = col AND NOT a.attisdropped AND a.attnotnull
      AND i.indisunique AND i.indisvalid AND i.indnkeyatts = 1::int2 AND i.indkey[0] = a.attnum
      AND i.indpred IS NULL AND i.indexprs IS NULL;
END;

-- An output's logged_at as timestamptz, in SQL over the column col of the
-- alias o: a date or a timestamp beyond timestamptz's range (dates run
-- twenty times further) reads as infinity or -infinity, so that no row
-- fails the cast and the order holds.
CREATE FUNCTION llmcopy_logged_at_expr(tbl regclass, col name) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT CASE WHEN a.atttypid = 'timestamptz'::regtype::oid THEN pg_catalog.format('o.%I', col)
                ELSE pg_catalog.format('CASE WHEN o.%1$I OPERATOR(pg_catalog.<) %2$L::%4$s THEN %5$L::pg_catalog.timestamptz '
                                       'WHEN o.%1$I OPERATOR(pg_catalog.>) %3$L::%4$s THEN %6$L::pg_catalog.timestamptz '
                                       'ELSE o.%1$I::pg_catalog.timestamptz END',
                                       col, '4713-01-01 BC', '294276-12-30',
                                       CASE WHEN a.atttypid = 'date'::regtype::oid THEN 'pg_catalog.date' ELSE 'pg_catalog."timestamp"' END,
                                       '-infinity', 'infinity') END
    FROM pg_catalog.pg_attribute a WHERE a.attrelid = tbl::oid AND a.attname = col AND NOT a.attisdropped;
END;

-- The expression of a registered table's fingerprint column, as
-- pg_get_expr prints it with the search_path of these functions.
CREATE FUNCTION llmcopy_fingerprint_expr(tbl regclass, text_col name, k int, w int, mode text) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT pg_catalog.format(CASE WHEN a.atttypid = 'text'::regtype::oid THEN '%s.fingerprint(%I, %s, %s, %L::text)'
                                  ELSE '%s.fingerprint((%I)::text, %s, %s, %L::text)' END,
                             '@extschema@', text_col, k, w, mode)
    FROM pg_catalog.pg_attribute a WHERE a.attrelid = tbl::oid AND a.attname = text_col AND NOT a.attisdropped;
END;

-- Whether a table has the column llmcopy_fp, and whether it is generated as expr.
CREATE FUNCTION llmcopy_fingerprint_column(tbl regclass, expr text, OUT present bool, OUT generated_as bool)
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT pg_catalog.count(*) > 0,
           coalesce(pg_catalog.bool_or(a.attgenerated = 's' AND a.atttypid = '@extschema@.fingerprint'::regtype::oid
                                       AND pg_catalog.pg_get_expr(d.adbin, d.adrelid) = expr), false)
    FROM pg_catalog.pg_attribute a LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE a.attrelid = tbl::oid AND a.attname = 'llmcopy_fp' AND NOT a.attisdropped;
END;

-- Why a registered table's fingerprint column cannot serve (NULL if it
-- can), by how it is kept: 'generated', llmcopy_fp generated by this
-- extension's fingerprint() of the text column with the registered
-- parameters; 'trigger', a plain llmcopy_fp kept by the extension's
-- trigger zz_llmcopy_fp with those arguments, as registration made it
-- (BEFORE INSERT OR UPDATE with no column list, ENABLE ALWAYS:
-- llmcopy_fp_trigger() says why); 'column', the user's own column fp_col
-- of type fingerprint.
CREATE FUNCTION llmcopy_fp_problem(tbl regclass, text_col name, k int, w int, mode text, fp_col name, fp_kind text,
    OUT problem text, OUT code text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    expected text;
BEGIN
    IF fp_kind = 'generated' THEN
        expected := @extschema@.llmcopy_fingerprint_expr(tbl, text_col, k, w, mode);
        IF NOT (@extschema@.llmcopy_fingerprint_column(tbl, expected)).generated_as THEN
            problem := format('column llmcopy_fp is not generated as %s', expected);
            code := '42703';
        END IF;
        RETURN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_attribute a
                   WHERE a.attrelid = tbl AND a.attname = fp_col AND NOT a.attisdropped AND a.attgenerated = ''
                     AND a.atttypid = '@extschema@.fingerprint'::regtype) THEN
        problem := format('column %I is not a column of type fingerprint', fp_col);
        code := '42703';
    ELSIF fp_kind = 'trigger' AND EXISTS (
            -- on the table and on each of its partitions, whose own copy of
            -- the trigger is what fires for their rows (pg_restore
            -- --disable-triggers re-enables a partition's for origin writes
            -- only), read from pg_inherits, which locks nothing: this check
            -- runs before the table is locked (llmcopy_registration_locked),
            -- and pg_partition_tree, which locks each partition, made the
            -- scan take the partitions' locks before the table's, the
            -- reverse of llmcopy_unregister's LOCK TABLE: a deadlock
            SELECT 1 FROM (WITH RECURSIVE pt(relid) AS (
                               SELECT tbl::oid
                               UNION
                               SELECT i.inhrelid FROM pt JOIN pg_inherits i ON i.inhparent = pt.relid
                                                         JOIN pg_class c ON c.oid = i.inhrelid
                               WHERE c.relispartition)
                           SELECT pt.relid FROM pt) pt WHERE NOT EXISTS (
            SELECT 1 FROM pg_trigger t
            WHERE t.tgrelid = pt.relid AND t.tgname = 'zz_llmcopy_fp'
              AND t.tgenabled = 'A'             -- ENABLE ALWAYS: replica-mode writes fire it too
              AND t.tgfoid = '@extschema@.llmcopy_fp_trigger()'::regprocedure
              AND t.tgtype = 23                 -- ROW, BEFORE, INSERT, UPDATE
              AND t.tgattr::text = ''           -- every update, not UPDATE OF a column
              AND t.tgqual IS NULL
              AND t.tgargs = @extschema@.llmcopy_fp_trigger_args(text_col, k, w, mode))) THEN
        problem := format('trigger zz_llmcopy_fp is missing, disabled or changed: it must keep llmcopy_fp as %s on every insert and update, enabled always',
                          @extschema@.llmcopy_fingerprint_expr(tbl, text_col, k, w, mode));
        code := '42704';
    END IF;
END $$;

-- Why a table is not the table registered under its schema and name, as
-- far as owners tell (NULL when it may be): a registration records its
-- table's owner when registered, by name (table_owner) and by OID
-- (owner_oid, trigger llmcopy_owner), so that a table of the name that
-- another role made, or that a role made later under the same name made,
-- is not taken for it.
CREATE FUNCTION llmcopy_owner_problem(tbl regclass, table_owner name, owner_oid oid) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT CASE WHEN o.name OPERATOR(pg_catalog.<>) table_owner
                THEN pg_catalog.format('it is owned by role %I, not by %I, which owned the table registered under its name', o.name, table_owner)
                WHEN table_owner IS NULL OR owner_oid IS NULL OR owner_oid OPERATOR(pg_catalog.=) 0::pg_catalog.oid
                THEN pg_catalog.format('it is owned by role %I, and the role that owned the table registered under its name is not recorded', o.name)
                WHEN c.relowner OPERATOR(pg_catalog.<>) owner_oid
                THEN pg_catalog.format('it is owned by role %I, not by the role of that name that owned the table registered under its name (dropped, or of another cluster)', o.name)
           END
    FROM pg_catalog.pg_class c, LATERAL (SELECT pg_catalog.pg_get_userbyid(c.relowner) AS name) o
    WHERE c.oid OPERATOR(pg_catalog.=) tbl::pg_catalog.oid;
END;

-- Refuses (42501) to act on a table of a registered name that is not the
-- registered table by its owner (llmcopy_owner_problem): what = what the
-- caller was to do with it.
CREATE FUNCTION llmcopy_owner_check(tbl regclass, what text) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    problem text;
BEGIN
    SELECT p.problem INTO problem
    FROM (SELECT c.schema_name, c.table_name, c.table_owner, c.owner_oid FROM @extschema@.llmcopy_corpus_tables c
          UNION ALL
          SELECT o.schema_name, o.table_name, o.table_owner, o.owner_oid FROM @extschema@.llmcopy_output_tables o) x
    JOIN pg_class cl ON cl.oid = tbl JOIN pg_namespace n ON n.oid = cl.relnamespace,
    LATERAL (SELECT @extschema@.llmcopy_owner_problem(tbl, x.table_owner, x.owner_oid) AS problem) p
    WHERE (x.schema_name, x.table_name) = (n.nspname, cl.relname) AND p.problem IS NOT NULL
    LIMIT 1;
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION 'cannot % table %: %', what, tbl, problem
            USING ERRCODE = 'insufficient_privilege',
                  HINT = CASE WHEN problem LIKE '%, not by the role of that name %'
                              THEN 'A role of that name is not the role that owned the table: the extension''s owner or a superuser removes the registration by deleting its row, or, if that role is to have it (the same owner, made again), records it (SET table_owner = table_owner).'
                              ELSE 'If the table''s owner was changed on purpose (ALTER TABLE ... OWNER TO), the extension''s owner or a superuser records it in the registration''s table_owner; otherwise it is another table, and they remove the registration by deleting its row.' END;
    END IF;
END $$;

-- Why reading a table as the current role could run code of another role
-- (NULL when it cannot).  Planning a query on a table simplifies the
-- expressions of its indexes and their predicates, of its extended
-- statistics, of its partition key and of its CHECK constraints (and those
-- of its partitions and inheritance children): it calls every IMMUTABLE
-- function in them whose arguments are constants, and inlines functions
-- written in SQL (whatever their volatility) to do the same with their
-- bodies, as the role that plans.  A function marked IMMUTABLE in an
-- index's WHERE clause runs as whoever scans the table, whatever it does
-- (it may call a volatile one).  So an IMMUTABLE or SQL function (or
-- operator's function) named there must belong to a superuser or to the
-- current role, unless the current role owns the table (or the partition
-- or child) it belongs to; other functions (a CHECK constraint's PL/pgSQL
-- validation) run only when rows are written.
CREATE FUNCTION llmcopy_foreign_code(tbl regclass) RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    me oid := (SELECT r.oid FROM pg_roles r WHERE r.rolname = current_user);
    f record;
BEGIN
    -- (a partition or child of another owner than its parent's is looked
    -- at apart: its indexes are planned with the parent's)
    WITH RECURSIVE tree(relid) AS (
        SELECT tbl::oid
        UNION
        SELECT i.inhrelid FROM tree JOIN pg_inherits i ON i.inhparent = tree.relid),
    theirs(relid) AS (
        SELECT tree.relid FROM tree JOIN pg_class c ON c.oid = tree.relid WHERE c.relowner <> me),
    obj(classid, objid) AS (
        SELECT 'pg_class'::regclass::oid, theirs.relid FROM theirs
        UNION ALL
        SELECT 'pg_class'::regclass::oid, x.indexrelid FROM theirs JOIN pg_index x ON x.indrelid = theirs.relid
        UNION ALL
        SELECT 'pg_statistic_ext'::regclass::oid, s.oid FROM theirs JOIN pg_statistic_ext s ON s.stxrelid = theirs.relid
        UNION ALL
        SELECT 'pg_constraint'::regclass::oid, k.oid FROM theirs JOIN pg_constraint k ON k.conrelid = theirs.relid),
    fn(fid) AS (
        SELECT coalesce(o.oprcode::oid, d.refobjid)
        FROM obj JOIN pg_depend d ON d.classid = obj.classid AND d.objid = obj.objid
             LEFT JOIN pg_operator o ON d.refclassid = 'pg_operator'::regclass AND o.oid = d.refobjid
        WHERE d.refclassid IN ('pg_proc'::regclass, 'pg_operator'::regclass))
    SELECT p.oid::regprocedure AS fn, pg_get_userbyid(p.proowner) AS owner INTO f
    FROM fn JOIN pg_proc p ON p.oid = fn.fid JOIN pg_roles r ON r.oid = p.proowner
    WHERE NOT r.rolsuper AND p.proowner <> me
      AND (p.provolatile = 'i' OR p.prolang = (SELECT l.oid FROM pg_language l WHERE l.lanname = 'sql'))
    ORDER BY p.oid::regprocedure::text
    LIMIT 1;
    IF FOUND THEN
        RETURN format('an index, statistics object, partition key or constraint of it calls function %s of role %I, which would run as role %I',
                      f.fn, f.owner, current_user);
    END IF;
    RETURN NULL;
END $$;

-- Why a registration cannot be scanned now, by the current role (NULL if
-- it can), and its table if it exists.  The checks: the table exists under
-- its registered name and is a plain or partitioned table; each registered
-- column exists with a usable type, the id column with the type it had;
-- the fingerprint column still serves (llmcopy_fp_problem), and a corpus's
-- is filled; the role may read the table; and no row-level security
-- policy of another role would run as it.
CREATE FUNCTION llmcopy_registration_problem(kind text, registration int,
    OUT tbl regclass, OUT problem text, OUT code text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r jsonb;
    rel record;
    c record;
    p record;
BEGIN
    IF kind = 'outputs' THEN
        SELECT to_jsonb(x) INTO r FROM @extschema@.llmcopy_output_tables x WHERE x.id = registration;
    ELSE
        SELECT to_jsonb(x) INTO r FROM @extschema@.llmcopy_corpus_tables x WHERE x.id = registration;
    END IF;
    IF r IS NULL THEN
        problem := 'no such registration';
        code := '42704';
        RETURN;
    END IF;
    tbl := @extschema@.llmcopy_lookup((r ->> 'schema_name')::name, (r ->> 'table_name')::name);
    IF tbl IS NULL THEN
        problem := 'the table does not exist';
        code := '42P01';
        RETURN;
    END IF;
    SELECT cl.relkind, cl.relrowsecurity, cl.relforcerowsecurity, cl.relowner, cl.relnamespace INTO rel
    FROM pg_class cl WHERE cl.oid = tbl;
    IF rel.relkind NOT IN ('r', 'p') THEN
        problem := 'it is not a table';
        code := '42809';
        RETURN;
    END IF;
    problem := @extschema@.llmcopy_owner_problem(tbl, (r ->> 'table_owner')::name, (r ->> 'owner_oid')::oid);
    IF problem IS NOT NULL THEN
        code := '42501';
        RETURN;
    END IF;
    -- (before the checks of its columns, which read their expressions with
    -- pg_get_expr, waiting for a lock on the table: a role that may not
    -- read it is told so at once)
    IF NOT has_schema_privilege(rel.relnamespace, 'USAGE') OR NOT has_table_privilege(tbl, 'SELECT') THEN
        problem := format('permission denied: role %I may not read it', current_user);
        code := '42501';
        RETURN;
    END IF;
    FOR c IN SELECT v.field, v.role FROM (VALUES ('id_col', 'id'), ('text_col', 'text'), ('logged_at_col', 'time'),
                                                 ('model_col', 'label'), ('license_col', 'text'), ('author_col', 'text'),
                                                 ('title_col', 'text'), ('source_col', 'text')) v(field, role)
             WHERE r ->> v.field IS NOT NULL LOOP
        SELECT * INTO p FROM @extschema@.llmcopy_column_problem(tbl, (r ->> c.field)::name, c.role);
        IF p.problem IS NOT NULL THEN
            problem := p.problem;
            code := p.code;
            RETURN;
        END IF;
    END LOOP;
    IF (SELECT a.atttypid::regtype::text FROM pg_attribute a
        WHERE a.attrelid = tbl AND a.attname = r ->> 'id_col' AND NOT a.attisdropped) <> r ->> 'id_type' THEN
        problem := format('column %I was %s when registered', r ->> 'id_col', r ->> 'id_type');
        code := '42804';
        RETURN;
    END IF;
    IF kind = 'outputs' THEN
        problem := @extschema@.llmcopy_key_problem(tbl, (r ->> 'id_col')::name);
        IF problem IS NOT NULL THEN
            code := '42P10';
            RETURN;
        END IF;
    END IF;
    SELECT * INTO p FROM @extschema@.llmcopy_fp_problem(tbl, (r ->> 'text_col')::name, (r ->> 'k')::int, (r ->> 'w')::int,
                                                         r ->> 'mode', (r ->> 'fp_col')::name, r ->> 'fp_kind');
    IF p.problem IS NOT NULL THEN
        problem := p.problem;
        code := p.code;
        RETURN;
    END IF;
    IF kind = 'corpus' AND (r ->> 'filling')::bool THEN
        problem := 'its fingerprints are still being filled';
        code := '55000';
        RETURN;
    END IF;
    IF rel.relrowsecurity
       AND NOT (SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user)
       AND (rel.relowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user) OR rel.relforcerowsecurity) THEN
        problem := format('it has row-level security, whose policies would run as role %I', current_user);
        code := '42501';
        RETURN;
    END IF;
    problem := @extschema@.llmcopy_foreign_code(tbl);
    IF problem IS NOT NULL THEN
        code := '42501';
    END IF;
END $$;

-- How to mend a registration whose trigger zz_llmcopy_fp llmcopy_fp_problem
-- finds wrong (the hint of a scan's and of a fill's error).
CREATE FUNCTION llmcopy_fp_trigger_hint(tbl regclass) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT pg_catalog.format('If it was only disabled or enabled otherwise (a restore with --disable-triggers enables it for origin writes only): ALTER TABLE %s ENABLE ALWAYS TRIGGER zz_llmcopy_fp (it reaches the partitions). If it was dropped or changed, unregister the table and register it again.', tbl);
END;

-- Whether the transaction of xid x committed: x (the xmax of a catalogue
-- row the snapshot sees) widened to 64 bits from the snapshot's xmax, which
-- is within 2^31 transactions of it.  A row whose updater committed was
-- changed after the snapshot; one whose updater aborted (an ALTER TABLE
-- that failed, a GRANT rolled back) keeps that xmax, and was not.
CREATE FUNCTION llmcopy_xid_committed(x xid) RETURNS bool
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT CASE WHEN x::text::bigint < 3 THEN false   -- none, or the bootstrap's
                ELSE pg_catalog.pg_xact_status((t + ((x::text::bigint - t % 4294967296) + 6442450944) % 4294967296 - 2147483648)::text::xid8)
                     IS NOT DISTINCT FROM 'committed' END
    FROM (SELECT pg_catalog.pg_snapshot_xmax(pg_catalog.pg_current_snapshot())::text::bigint AS t) s;
END;

-- llmcopy_registration_problem with the table locked, for a caller about to
-- read it: checked, locked (ACCESS SHARE, to the end of the transaction)
-- and checked again.  What could make a read run code of the table's owner
-- (a column's type, row-level security, a rule that makes the table a
-- view, a rename) changes only under a lock that conflicts with this one,
-- so what the second check saw is what the caller's statements read.  A
-- check without the lock is not enough: the owner holds a lock the check
-- waits for (in pg_get_expr), changes the table, and the check goes on
-- with what it had read before.  Under REPEATABLE READ or SERIALIZABLE the
-- checks read the catalogue as the transaction's snapshot has it, older
-- than the lock: a catalogue row of the table changed since (by a
-- transaction that committed) is a serialization failure.
CREATE FUNCTION llmcopy_registration_locked(kind text, registration int,
    OUT tbl regclass, OUT problem text, OUT code text)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    locked regclass;
    nm record;
    rechecked bool := false;
BEGIN
    FOR i IN 1 .. 3 LOOP
        SELECT * INTO tbl, problem, code FROM @extschema@.llmcopy_registration_problem(kind, registration);
        -- A table dropped or altered while it was checked (the check waits
        -- for the other session's lock in pg_get_expr, then reads what is
        -- left) can look broken in ways it never was: a problem of a table
        -- that exists counts once seen again under the lock, or once the
        -- table is gone, as that.  (Not for a relation that is not a
        -- table, of another owner or out of the role's reach: nothing of it
        -- is waited for.)
        IF problem IS NOT NULL AND tbl IS NOT NULL AND NOT rechecked AND code NOT IN ('42P01', '42501', '42704', '42809') THEN
            rechecked := true;
            SELECT n.nspname, c.relname INTO nm FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = tbl;
            IF FOUND THEN
                BEGIN
                    EXECUTE format('LOCK TABLE ONLY %I.%I IN ACCESS SHARE MODE', nm.nspname, nm.relname);
                    locked := tbl;
                EXCEPTION WHEN undefined_table OR insufficient_privilege THEN
                    NULL;       -- gone or out of reach since: the next check says what it is
                END;
            END IF;
            CONTINUE;
        END IF;
        IF problem IS NOT NULL OR tbl = locked THEN
            IF problem IS NULL AND current_setting('transaction_isolation') <> 'read committed'
               AND (EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = tbl AND @extschema@.llmcopy_xid_committed(c.xmax))
                    OR EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = tbl AND @extschema@.llmcopy_xid_committed(a.xmax))) THEN
                problem := 'it was changed after the transaction''s snapshot was taken';
                code := '40001';
            END IF;
            RETURN;
        END IF;
        SELECT n.nspname, c.relname INTO nm FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = tbl;
        IF NOT FOUND THEN
            CONTINUE;           -- dropped since the check: the next check says so
        END IF;
        EXECUTE format('LOCK TABLE ONLY %I.%I IN ACCESS SHARE MODE', nm.nspname, nm.relname);
        locked := tbl;
    END LOOP;
    problem := 'it was replaced while it was checked';
    code := '40001';
END $$;

-- The table of a registration, locked (llmcopy_registration_locked), or an
-- error that names the registration.
CREATE FUNCTION llmcopy_resolve(kind text, registration int) RETURNS regclass
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    p record;
    nm record;
BEGIN
    SELECT * INTO p FROM @extschema@.llmcopy_registration_locked(kind, registration);
    IF p.problem IS NOT NULL THEN
        IF kind = 'outputs' THEN
            SELECT x.schema_name, x.table_name INTO nm FROM @extschema@.llmcopy_output_tables x WHERE x.id = registration;
        ELSE
            SELECT x.schema_name, x.table_name INTO nm FROM @extschema@.llmcopy_corpus_tables x WHERE x.id = registration;
        END IF;
        RAISE EXCEPTION '% registration % cannot be used: %', kind,
            registration || CASE WHEN nm.table_name IS NULL THEN ''     -- (format() writes NULLs as '')
                                 ELSE format(' (table %s.%s)', quote_ident(nm.schema_name), quote_ident(nm.table_name)) END,
            p.problem
            USING ERRCODE = p.code,
                  HINT = CASE WHEN nm.table_name IS NULL THEN 'There is no registration of that id: it was removed, or never made.'
                              WHEN p.problem LIKE 'it is owned by role %, not by the role of that name %' THEN
                                  format('A role of that name is not the role that owned the table: remove the registration, DELETE FROM %s.%I WHERE id = %s. If that role is to have it (the same owner, made again), the extension''s owner or a superuser records it: UPDATE %1$s.%2$I SET table_owner = table_owner WHERE id = %3$s.',
                                         '@extschema@', CASE kind WHEN 'outputs' THEN 'llmcopy_output_tables' ELSE 'llmcopy_corpus_tables' END, registration)
                              WHEN p.problem LIKE 'it is owned by role %' THEN
                                  format('If the table''s owner was changed on purpose (ALTER TABLE ... OWNER TO), the extension''s owner or a superuser records it: UPDATE %s.%I SET table_owner = %L WHERE id = %s. Otherwise it is another table: remove the registration, DELETE FROM %1$s.%2$I WHERE id = %4$s.',
                                         '@extschema@', CASE kind WHEN 'outputs' THEN 'llmcopy_output_tables' ELSE 'llmcopy_corpus_tables' END,
                                         (SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = p.tbl), registration)
                              WHEN p.code = '42501' THEN 'Scan it as a role that may read it (and, with row-level security or functions of another role in its indexes, statistics, partition key or constraints, as its owner).'
                              WHEN p.code = '42P10' THEN format('Give the table a primary key on its id column, or remove the registration: DELETE FROM %s.llmcopy_output_tables WHERE id = %s.',
                                                                '@extschema@', registration)
                              WHEN p.code = '55000' THEN format('Fill them: CALL %s.llmcopy_fill(%L).', '@extschema@', p.tbl::text)
                              WHEN p.code = '40001' THEN 'Try again, in a READ COMMITTED transaction.'
                              WHEN p.problem LIKE 'trigger zz_llmcopy_fp %' THEN @extschema@.llmcopy_fp_trigger_hint(p.tbl)
                              ELSE format('Restore the table, or remove the registration: DELETE FROM %s.%I WHERE id = %s.',
                                          '@extschema@', CASE kind WHEN 'outputs' THEN 'llmcopy_output_tables' ELSE 'llmcopy_corpus_tables' END,
                                          registration) END;
    END IF;
    RETURN p.tbl;
END $$;

-- Registrations, each with the problem that keeps the current role from
-- scanning it (NULL when it can).
CREATE VIEW llmcopy_registrations WITH (security_invoker = true) AS
SELECT r.kind, r.id, r.schema_name, r.table_name, p.tbl, r.registered_at, p.problem
FROM (SELECT 'corpus' AS kind, c.id, c.schema_name, c.table_name, c.registered_at FROM llmcopy_corpus_tables c
      UNION ALL
      SELECT 'outputs' AS kind, o.id, o.schema_name, o.table_name, o.registered_at FROM llmcopy_output_tables o) r,
     LATERAL llmcopy_registration_problem(r.kind, r.id) p;

-- Whether the current role may read the table of a schema and a name
-- (USAGE on the schema, SELECT on the table), every row of it: a role that
-- the table's row-level security keeps to some rows (a tenant of a shared
-- log) may not, since findings and scan records name and quote the rows
-- it may not see; false when there is none.  Its owner (and a member of
-- the owner role) unless the table forces row-level security, a superuser
-- and a role with BYPASSRLS read every row.
CREATE FUNCTION llmcopy_may_read(schema_name name, table_name name) RETURNS bool
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT coalesce(pg_catalog.bool_and(pg_catalog.has_schema_privilege(c.relnamespace, 'USAGE')
                                        AND pg_catalog.has_table_privilege(c.oid, 'SELECT')
                                        AND (NOT c.relrowsecurity
                                             OR (SELECT r.rolsuper OR r.rolbypassrls FROM pg_catalog.pg_roles r
                                                 WHERE r.rolname OPERATOR(pg_catalog.=) CURRENT_USER)
                                             OR NOT c.relforcerowsecurity AND pg_catalog.pg_has_role(c.relowner, 'USAGE'))), false)
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = schema_name AND c.relname = table_name;
END;

-- The same for a registration: the table must also be the registered
-- table as far as owners tell (llmcopy_owner_problem: owned by the role
-- recorded, that very role and not one made later under its name).  A
-- table of the name that another role owns is not the registered table:
-- its owner, and the roles it grants SELECT to, neither read the
-- registration's findings nor change or remove the registration.
CREATE FUNCTION llmcopy_may_read(schema_name name, table_name name, table_owner name, owner_oid oid) RETURNS bool
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT llmcopy_may_read(schema_name, table_name)
           AND llmcopy_owner_problem(llmcopy_lookup(schema_name, table_name), table_owner, owner_oid) IS NULL;
END;

-- Whether the current role has the privileges of the role a registration
-- records as its table's owner, by OID and by name: that role may change
-- or remove its registration when no table of the registered name is its
-- own any more, as after ALTER TABLE ... RENAME, which leaves the
-- registration naming a table that does not exist.  Both must match: a
-- role made later under the name has another OID, and an OID of another
-- cluster (a data-only restore with triggers disabled keeps the dumped
-- ones) may be a role of another name here; 0 is no role.
CREATE FUNCTION llmcopy_recorded_owner(table_owner name, owner_oid oid) RETURNS bool
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT coalesce((SELECT pg_catalog.pg_has_role(r.oid, 'USAGE') FROM pg_catalog.pg_roles r
                     WHERE r.oid OPERATOR(pg_catalog.=) owner_oid AND r.rolname OPERATOR(pg_catalog.=) table_owner), false);
END;

-- The ids of the registrations whose table the current role may read: the
-- row-level security of findings, scan records, boilerplate and runs.
CREATE FUNCTION llmcopy_readable(kind text) RETURNS SETOF int
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT c.id FROM llmcopy_corpus_tables c WHERE kind = 'corpus' AND llmcopy_may_read(c.schema_name, c.table_name, c.table_owner, c.owner_oid)
    UNION ALL
    SELECT o.id FROM llmcopy_output_tables o WHERE kind = 'outputs' AND llmcopy_may_read(o.schema_name, o.table_name, o.table_owner, o.owner_oid);
END;

-- Row-level security: a role reads and writes the workflow's rows of the
-- tables it may read, and writes no others.  Findings, scan records and
-- boilerplate sets hold the texts' content (excerpts, hashes): a role sees
-- only those of the tables it may read.  Registrations name tables (as
-- the system catalogue does, to everyone) and are seen whole.  A run counts
-- what its scan found, so a role sees the runs of the pairs of tables it
-- may read, and those of the call its own session runs (holding the run's
-- advisory lock: a scan reads its run after the registration is removed);
-- otherwise a role that registers a corpus of
-- guessed texts would learn from the nightly scan's counts whether outputs
-- it may not read hold them.  A row a
-- role inserts, changes or deletes must name tables it may read, before and
-- after the change, so an administrator cannot point another table's
-- registration at a table of its own, delete it (and its findings with
-- it), change another table's runs, or store a boilerplate set for a
-- corpus it may not read.  The registration of a table that no longer
-- exists under its name (dropped, renamed) is changed or removed by the
-- role recorded as its owner (llmcopy_recorded_owner: after a rename, it
-- points the registration at the new name), the extension's owner or a
-- superuser, who are not subject to row-level security.
ALTER TABLE llmcopy_corpus_tables ENABLE ROW LEVEL SECURITY;
CREATE POLICY llmcopy_visible ON llmcopy_corpus_tables FOR SELECT USING (true);
CREATE POLICY llmcopy_readable ON llmcopy_corpus_tables
    USING (llmcopy_may_read(schema_name, table_name, table_owner, owner_oid) OR llmcopy_recorded_owner(table_owner, owner_oid));
ALTER TABLE llmcopy_output_tables ENABLE ROW LEVEL SECURITY;
CREATE POLICY llmcopy_visible ON llmcopy_output_tables FOR SELECT USING (true);
CREATE POLICY llmcopy_readable ON llmcopy_output_tables
    USING (llmcopy_may_read(schema_name, table_name, table_owner, owner_oid) OR llmcopy_recorded_owner(table_owner, owner_oid));
ALTER TABLE llmcopy_boilerplate ENABLE ROW LEVEL SECURITY;
CREATE POLICY llmcopy_readable ON llmcopy_boilerplate USING (corpus_id IN (SELECT llmcopy_readable('corpus'::text)));
ALTER TABLE llmcopy_findings ENABLE ROW LEVEL SECURITY;
CREATE POLICY llmcopy_readable ON llmcopy_findings
    USING (output_table IN (SELECT llmcopy_readable('outputs'::text)) AND corpus_table IN (SELECT llmcopy_readable('corpus'::text)));
ALTER TABLE llmcopy_scanned ENABLE ROW LEVEL SECURITY;
CREATE POLICY llmcopy_readable ON llmcopy_scanned
    USING (output_table IN (SELECT llmcopy_readable('outputs'::text)) AND corpus_table IN (SELECT llmcopy_readable('corpus'::text)));
ALTER TABLE llmcopy_runs ENABLE ROW LEVEL SECURITY;
-- The start of the current session's backend, for the runs' policy: a run
-- is its session's while this backend, started before the run, holds the
-- call's advisory lock (a later backend given the same process id, with
-- the lock's key read in pg_locks, is not).  As the extension's owner
-- (SECURITY DEFINER): pg_stat_activity shows a backend's start only to
-- roles with the rights of its session's user, which a role set by SET
-- ROLE may not have.  It takes nothing and tells nothing of other sessions.
CREATE FUNCTION llmcopy_backend_start() RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL RESTRICTED SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$ SELECT a.backend_start FROM pg_catalog.pg_stat_activity a WHERE a.pid OPERATOR(pg_catalog.=) pg_catalog.pg_backend_pid() $$;
-- The keys of the scans' advisory locks (1819045219, key) this backend holds
-- (pg_locks shows a key as an oid: a negative one, which another caller of
-- pg_advisory_lock may take, as its value plus 2^32).
CREATE FUNCTION llmcopy_scan_keys_held() RETURNS SETOF int
LANGUAGE sql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT (l.objid::int8 OPERATOR(pg_catalog.-) CASE WHEN l.objid::int8 OPERATOR(pg_catalog.>) 2147483647 THEN 4294967296 ELSE 0::int8 END)::int
    FROM pg_catalog.pg_locks l
    WHERE l.locktype OPERATOR(pg_catalog.=) 'advisory' AND l.pid OPERATOR(pg_catalog.=) pg_catalog.pg_backend_pid()
      AND l.classid OPERATOR(pg_catalog.=) 1819045219::oid AND l.objsubid OPERATOR(pg_catalog.=) 2;
END;
CREATE POLICY llmcopy_visible ON llmcopy_runs FOR SELECT
    USING (pid OPERATOR(pg_catalog.=) pg_catalog.pg_backend_pid()
           AND started_at OPERATOR(pg_catalog.>=) llmcopy_backend_start()
           AND lock_key IN (SELECT llmcopy_scan_keys_held()));
CREATE POLICY llmcopy_readable ON llmcopy_runs
    USING (output_table IN (SELECT llmcopy_readable('outputs'::text)) AND corpus_table IN (SELECT llmcopy_readable('corpus'::text)));

-- The schema, name and owner of a table to register, which must be a
-- plain or partitioned table that lives longer than the session.
CREATE FUNCTION llmcopy_registrable(tbl regclass, OUT schema_name name, OUT table_name name, OUT table_owner name)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rel record;
    foreign_code text;
BEGIN
    SELECT n.nspname, c.relname, c.relkind, c.relpersistence, c.relrowsecurity, c.relowner INTO rel
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = tbl;
    IF tbl IS NULL OR rel.relkind IS NULL THEN
        RAISE EXCEPTION 'the table to register is NULL or does not exist' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF rel.relkind NOT IN ('r', 'p') OR rel.relpersistence = 't' THEN
        RAISE EXCEPTION '% is not a table that can be registered', tbl USING ERRCODE = 'wrong_object_type',
            HINT = 'Register a plain or partitioned table that is not temporary.';
    END IF;
    -- registration reads the table (a sample for the index's width, a value
    -- of an adopted column): the policies of another role must not run as us
    IF rel.relrowsecurity
       AND NOT (SELECT r.rolsuper OR r.rolbypassrls FROM pg_roles r WHERE r.rolname = current_user)
       AND rel.relowner <> (SELECT r.oid FROM pg_roles r WHERE r.rolname = current_user) THEN
        RAISE EXCEPTION 'cannot register table %: it has row-level security, whose policies would run as role %', tbl, current_user
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Register it as its owner, or as a role with BYPASSRLS.';
    END IF;
    -- (nor the functions of its indexes, statistics, partition key or
    -- constraints, which planning a read of it calls)
    foreign_code := @extschema@.llmcopy_foreign_code(tbl);
    IF foreign_code IS NOT NULL THEN
        RAISE EXCEPTION 'cannot register table %: %', tbl, foreign_code
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Register it as its owner.';
    END IF;
    schema_name := rel.nspname;
    table_name := rel.relname;
    table_owner := pg_get_userbyid(rel.relowner);
END $$;

-- Raises the problem of a column (llmcopy_column_problem), if any.
CREATE FUNCTION llmcopy_check_column(tbl regclass, col name, role text) RETURNS regtype
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    p record;
BEGIN
    IF col IS NULL THEN
        RAISE EXCEPTION 'cannot register table %: its % column is NULL', tbl, role USING ERRCODE = 'null_value_not_allowed',
            HINT = format('Name the table''s %s column.', role);
    END IF;
    SELECT * INTO p FROM @extschema@.llmcopy_column_problem(tbl, col, role);
    IF p.problem IS NOT NULL THEN
        RAISE EXCEPTION 'cannot register table %: %', tbl, p.problem USING ERRCODE = p.code;
    END IF;
    RETURN (SELECT a.atttypid FROM pg_attribute a WHERE a.attrelid = tbl AND a.attname = col AND NOT a.attisdropped);
END $$;

-- The arguments of the trigger that keeps llmcopy_fp, as pg_trigger.tgargs
-- holds them (each NUL-terminated, in the database's encoding).
CREATE FUNCTION llmcopy_fp_trigger_args(text_col name, k int, w int, mode text) RETURNS bytea
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT pg_catalog.string_agg(pg_catalog.convert_to(a, pg_catalog.getdatabaseencoding()) || '\x00'::bytea, ''::bytea ORDER BY n)
    FROM pg_catalog.unnest(ARRAY[text_col::text, k::text, w::text, mode]) WITH ORDINALITY u(a, n);
END;

-- Keeps llmcopy_fp of a table registered with online => true: the
-- fingerprint of the text column TG_ARGV[0] with k, w and mode TG_ARGV[1..3],
-- of each row inserted, and of each row updated whose text or llmcopy_fp
-- differs from OLD's as stored, byte for byte, or whose llmcopy_fp is NULL
-- (src/fp_trigger.c).  It takes the columns by name, so one function serves
-- every table.
CREATE FUNCTION llmcopy_fp_trigger() RETURNS trigger
AS 'MODULE_PATHNAME', 'llmcopy_fp_trigger'
LANGUAGE C;

-- The key width of fingerprint_ops for a GIN index over a number of
-- fingerprint hashes.  A query's key matches, besides the works that hold
-- its hash, every work holding another hash with the same key, and each of
-- those is fetched and rechecked.  With four keys for every hash indexed
-- (bits = ceil(log2(4 * hashes))) and mixed keys (mixed = true, what
-- registration builds), a query of 50 hashes fetches about a dozen such
-- works, whatever the corpus's size; with top-bit keys, which winnowed
-- hashes crowd into the low keys, three or four times as many
-- (BENCHMARKS.md, scale and mixed keys).  Never fewer than the default 20
-- bits, at most 32.
CREATE FUNCTION fingerprint_index_bits(hashes bigint) RETURNS int
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT greatest(20::numeric, least(32::numeric, pg_catalog.ceil(pg_catalog.log(2.0, 4.0 * greatest(hashes, 1::bigint)::numeric))))::int;
END;

COMMENT ON FUNCTION fingerprint_index_bits(bigint) IS
'recommended bits of fingerprint_ops for a GIN index over that many fingerprint hashes';

-- The same for a table's fingerprint column: its hashes estimated from its
-- rows (llmcopy_table_rows) and the mean of a sample of about 1,000 of them,
-- times growth (the size the table is expected to reach, as a multiple of
-- today's).
CREATE FUNCTION llmcopy_index_bits(tbl regclass, col name DEFAULT 'llmcopy_fp', growth float8 DEFAULT 1,
    OUT rows bigint, OUT hashes_per_row float8, OUT hashes bigint, OUT bits int)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    pct float8;
BEGIN
    IF growth IS NULL OR growth < 1 THEN
        RAISE EXCEPTION 'growth must be at least 1' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = tbl AND a.attname = col AND NOT a.attisdropped
                   AND a.atttypid = '@extschema@.fingerprint'::regtype) THEN
        RAISE EXCEPTION 'table % has no column % of type fingerprint', tbl, col USING ERRCODE = 'undefined_column';
    END IF;
    rows := @extschema@.llmcopy_table_rows(tbl);
    pct := least(100, greatest(0.01, 100.0 * 1000 / greatest(rows, 1)));
    EXECUTE format('SELECT avg((%1$s.fingerprint_info(%2$I)).hashes) FROM %3$s TABLESAMPLE BERNOULLI (%4$s) REPEATABLE (0)',
                   '@extschema@', col, tbl, pct)
    INTO hashes_per_row;
    hashes := (coalesce(hashes_per_row, 0) * rows * growth)::bigint;
    bits := @extschema@.fingerprint_index_bits(hashes);
END $$;

COMMENT ON FUNCTION llmcopy_index_bits(regclass, name, float8) IS
'recommended bits of fingerprint_ops for a GIN index over a table''s fingerprint column, from its size and a sample';

-- Whether an index of the table covers the column.
CREATE FUNCTION llmcopy_indexed(tbl regclass, col name) RETURNS bool
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_index i
                   JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey::int2[])
                   WHERE i.indrelid = tbl::oid AND a.attname = col);
END;

-- The statement that builds a corpus's index, with the key width for its
-- size and mixed keys (spread over the whole key range: see fingerprint_ops).
CREATE FUNCTION llmcopy_index_statement(tbl regclass, col name, concurrent bool, k int, w int, mode text) RETURNS text
LANGUAGE sql STABLE STRICT
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT pg_catalog.format('CREATE INDEX%s ON %s USING gin (%I %s.fingerprint_ops (bits = %s, mixed = true, k = %s, w = %s, mode = %L))',
                             CASE WHEN concurrent THEN ' CONCURRENTLY' ELSE '' END, tbl, col, '@extschema@',
                             (@extschema@.llmcopy_index_bits(tbl, col)).bits, k, w, mode);
END;

-- Adds the fingerprint column of a registration, one of three ways:
--   'generated': a stored column generated from the text by this
--       extension's fingerprint(), whatever the registering role's
--       search_path; PostgreSQL rewrites the table under an ACCESS EXCLUSIVE
--       lock, which suits new and small tables;
--   'trigger' (online => true): a plain column llmcopy_fp, added without
--       rewriting the table (a moment's lock), that a trigger keeps for every
--       row written from then on; the rows already there are filled by
--       CALL llmcopy_fill(), in committed batches, while the table stays
--       writable;
--   'column': a fingerprint column of the user's own (fp_col), adopted as it
--       is; its values must be built with the registered k, w and mode.
-- For a corpus, with create_index, it creates the GIN index (named by
-- PostgreSQL, never colliding) with the key width for the table's size;
-- otherwise it says how to build it concurrently.
CREATE FUNCTION llmcopy_add_fingerprint(tbl regclass, text_col name, k int, w int, mode text,
                                        create_index bool, fp_kind text, fp_col name) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    expr text := @extschema@.llmcopy_fingerprint_expr(tbl, text_col, k, w, mode);
    col record := @extschema@.llmcopy_fingerprint_column(tbl, expr);
    p record;
    sample @extschema@.fingerprint;
BEGIN
    PERFORM @extschema@.fingerprint(''::text, k, w, mode);     -- checks the parameters
    IF fp_kind = 'column' THEN
        SELECT * INTO p FROM @extschema@.llmcopy_fp_problem(tbl, text_col, k, w, mode, fp_col, fp_kind);
        IF p.problem IS NOT NULL THEN
            RAISE EXCEPTION 'cannot register table %: %', tbl, p.problem USING ERRCODE = 'wrong_object_type';
        END IF;
        EXECUTE format('SELECT %1$I FROM %2$s WHERE %1$I IS NOT NULL LIMIT 1', fp_col, tbl) INTO sample;
        IF sample IS NOT NULL AND (SELECT (i.k, i.w, i.mode) IS DISTINCT FROM
                                          (llmcopy_add_fingerprint.k, llmcopy_add_fingerprint.w, llmcopy_add_fingerprint.mode)
                                   FROM @extschema@.fingerprint_info(sample) i) THEN
            RAISE EXCEPTION 'cannot register table %: column % holds fingerprints built with other parameters than k=%, w=%, mode=%',
                tbl, fp_col, k, w, mode USING ERRCODE = 'data_exception',
                HINT = 'Give the k, w and mode its values were built with.';
        END IF;
    ELSIF NOT col.present THEN
        IF fp_kind = 'trigger' THEN
            -- a BEFORE trigger sees a generated column before it is computed:
            -- NULL on insert, the old value on update
            IF (SELECT a.attgenerated <> '' FROM pg_attribute a
                WHERE a.attrelid = tbl AND a.attname = text_col AND NOT a.attisdropped) THEN
                RAISE EXCEPTION 'cannot register table % with online => true: column % is generated', tbl, text_col
                    USING ERRCODE = 'feature_not_supported',
                          HINT = 'A trigger would fingerprint it before it is computed: register the column it is generated from, or keep a fingerprint column of your own (fingerprint_col).';
            END IF;
            EXECUTE format('ALTER TABLE %s ADD COLUMN llmcopy_fp %s.fingerprint', tbl, '@extschema@');
            -- BEFORE row triggers fire in the byte order of their names: zz_
            -- sorts after the names tables give their own triggers, so it
            -- fingerprints the text as they leave it.  Every update, not UPDATE
            -- OF the text (a trigger of the table's own may rewrite the text
            -- when the statement does not name it), and ALWAYS, so that writes
            -- with session_replication_role = replica fire it too.
            EXECUTE format('CREATE TRIGGER zz_llmcopy_fp BEFORE INSERT OR UPDATE ON %s FOR EACH ROW
                            EXECUTE FUNCTION %s.llmcopy_fp_trigger(%L, %s, %s, %L)',
                           tbl, '@extschema@', text_col, k, w, mode);
            EXECUTE format('ALTER TABLE %s ENABLE ALWAYS TRIGGER zz_llmcopy_fp', tbl);
            create_index := false;
        ELSE
            EXECUTE format('ALTER TABLE %s ADD COLUMN llmcopy_fp %s.fingerprint GENERATED ALWAYS AS (%s) STORED',
                           tbl, '@extschema@', expr);
        END IF;
    ELSIF (@extschema@.llmcopy_fp_problem(tbl, text_col, k, w, mode, fp_col, fp_kind)).problem IS NULL THEN
        -- a table registered twice (as outputs and as a corpus) shares the
        -- column, and its index
        NULL;
    ELSE
        RAISE EXCEPTION 'table % already has a column llmcopy_fp, not kept as %', tbl, expr
            USING ERRCODE = 'duplicate_column',
                  HINT = CASE WHEN fp_kind = 'generated' AND EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = tbl AND t.tgname = 'zz_llmcopy_fp')
                              THEN 'Its fingerprints are kept by a trigger: register it with online => true, and the k, w and mode it has.'
                              WHEN fp_kind = 'trigger' AND (SELECT a.attgenerated = 's' FROM pg_attribute a
                                                            WHERE a.attrelid = tbl AND a.attname = 'llmcopy_fp' AND NOT a.attisdropped)
                              THEN 'It is a generated column: register it with online => false, and the k, w and mode it has.'
                              ELSE 'Register it with the k, w and mode it was registered with.' END;
    END IF;
    IF @extschema@.llmcopy_indexed(tbl, fp_col) THEN
        create_index := NULL;
    END IF;
    IF create_index THEN
        EXECUTE @extschema@.llmcopy_index_statement(tbl, fp_col, false, k, w, mode);
    ELSIF create_index IS NOT NULL AND fp_kind <> 'trigger' THEN
        RAISE NOTICE 'create the index when it suits you: %', @extschema@.llmcopy_index_statement(tbl, fp_col, true, k, w, mode);
    END IF;
END $$;

CREATE FUNCTION llmcopy_register_corpus(tbl regclass, id_col name, text_col name,
    license_col name DEFAULT NULL, author_col name DEFAULT NULL, title_col name DEFAULT NULL,
    source_col name DEFAULT NULL, k int DEFAULT 5, w int DEFAULT 10, mode text DEFAULT 'text',
    create_index bool DEFAULT true, online bool DEFAULT false, fingerprint_col name DEFAULT NULL)
RETURNS int LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    nm record := @extschema@.llmcopy_registrable(tbl);
    id_type regtype := @extschema@.llmcopy_check_column(tbl, id_col, 'id');
    kind text := CASE WHEN fingerprint_col IS NOT NULL THEN 'column' WHEN online THEN 'trigger' ELSE 'generated' END;
    rid int;
BEGIN
    IF EXISTS (SELECT 1 FROM @extschema@.llmcopy_corpus_tables x
               WHERE (x.schema_name, x.table_name) = (nm.schema_name, nm.table_name)) THEN
        RAISE EXCEPTION 'table % is already registered as a corpus', tbl USING ERRCODE = 'duplicate_object';
    END IF;
    PERFORM @extschema@.llmcopy_check_column(tbl, c, 'text')
    FROM unnest(ARRAY[text_col, license_col, author_col, title_col, source_col]) WITH ORDINALITY u(c, i)
    WHERE c IS NOT NULL OR i = 1;
    -- the mode by its canonical name (code:ts is code:js), as values and index options name it
    mode := coalesce((@extschema@.fingerprint_info(@extschema@.fingerprint(''::text, 5, 10, mode))).mode, mode);
    PERFORM @extschema@.llmcopy_add_fingerprint(tbl, text_col, k, w, mode, coalesce(create_index, false), kind,
                                                coalesce(fingerprint_col, 'llmcopy_fp'));
    INSERT INTO @extschema@.llmcopy_corpus_tables (schema_name, table_name, id_col, id_type, text_col, license_col,
                                                   author_col, title_col, source_col, k, w, mode, fp_col, fp_kind, filling,
                                                   table_owner)
    VALUES (nm.schema_name, nm.table_name, id_col, id_type, text_col, license_col, author_col, title_col,
            source_col, k, w, mode, coalesce(fingerprint_col, 'llmcopy_fp'), kind, kind = 'trigger', nm.table_owner)
    RETURNING id INTO rid;
    IF kind = 'trigger' THEN
        RAISE NOTICE 'fill the fingerprints of the rows already there: CALL %.llmcopy_fill(%)', '@extschema@', quote_literal(tbl::text);
    END IF;
    RETURN rid;
END $$;

COMMENT ON FUNCTION llmcopy_register_corpus(regclass, name, name, name, name, name, name, int, int, text, bool, bool, name) IS
'register a table of works: adds a fingerprint column (generated; or kept by a trigger and filled by llmcopy_fill, with online; or adopts fingerprint_col) and its GIN index';

CREATE FUNCTION llmcopy_register_outputs(tbl regclass, id_col name, text_col name, logged_at_col name,
    model_col name DEFAULT NULL, k int DEFAULT 5, w int DEFAULT 10, mode text DEFAULT 'text',
    online bool DEFAULT false, fingerprint_col name DEFAULT NULL)
RETURNS int LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    nm record := @extschema@.llmcopy_registrable(tbl);
    id_type regtype := @extschema@.llmcopy_check_column(tbl, id_col, 'id');
    kind text := CASE WHEN fingerprint_col IS NOT NULL THEN 'column' WHEN online THEN 'trigger' ELSE 'generated' END;
    rid int;
BEGIN
    IF EXISTS (SELECT 1 FROM @extschema@.llmcopy_output_tables x
               WHERE (x.schema_name, x.table_name) = (nm.schema_name, nm.table_name)) THEN
        RAISE EXCEPTION 'table % is already registered for outputs', tbl USING ERRCODE = 'duplicate_object';
    END IF;
    PERFORM @extschema@.llmcopy_check_column(tbl, text_col, 'text');
    PERFORM @extschema@.llmcopy_check_column(tbl, logged_at_col, 'time');
    IF model_col IS NOT NULL THEN
        PERFORM @extschema@.llmcopy_check_column(tbl, model_col, 'label');
    END IF;
    IF @extschema@.llmcopy_key_problem(tbl, id_col) IS NOT NULL THEN
        RAISE EXCEPTION 'cannot register table %: %', tbl, @extschema@.llmcopy_key_problem(tbl, id_col)
            USING ERRCODE = 'invalid_column_reference',
                  HINT = 'The scan records each output by its id: give the table a primary key on it.';
    END IF;
    -- no index: the scan reads outputs by id, and searches the corpus's index;
    -- an output whose fingerprint is not filled yet is fingerprinted by the scan
    -- the mode by its canonical name (code:ts is code:js), as values and index options name it
    mode := coalesce((@extschema@.fingerprint_info(@extschema@.fingerprint(''::text, 5, 10, mode))).mode, mode);
    PERFORM @extschema@.llmcopy_add_fingerprint(tbl, text_col, k, w, mode, NULL, kind, coalesce(fingerprint_col, 'llmcopy_fp'));
    INSERT INTO @extschema@.llmcopy_output_tables (schema_name, table_name, id_col, id_type, text_col, logged_at_col,
                                                   model_col, k, w, mode, fp_col, fp_kind, filling, table_owner)
    VALUES (nm.schema_name, nm.table_name, id_col, id_type, text_col, logged_at_col, model_col, k, w, mode,
            coalesce(fingerprint_col, 'llmcopy_fp'), kind, kind = 'trigger', nm.table_owner)
    RETURNING id INTO rid;
    RETURN rid;
END $$;

COMMENT ON FUNCTION llmcopy_register_outputs(regclass, name, name, name, name, int, int, text, bool, name) IS
'register a table of logged model outputs: adds a fingerprint column (generated; or kept by a trigger, with online; or adopts fingerprint_col)';

-- Stops a procedure or function that writes where nothing can be written,
-- before it does any work: on a standby (a server in recovery, which hot
-- standby opens for reads only) or in a read-only transaction.  Without it
-- the call fails at its first write with an error that names a statement
-- of its body ("cannot execute SELECT in a read-only transaction" for a
-- fill's batch), after a refresh has read the whole corpus.  SQLSTATE 25006,
-- as PostgreSQL's own.
CREATE FUNCTION llmcopy_require_writable(what text) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF pg_is_in_recovery() THEN
        RAISE EXCEPTION '% cannot run on a standby server', what
            USING ERRCODE = 'read_only_sql_transaction',
                  DETAIL = 'The server is in recovery: it serves reads only, and replays what the primary writes.',
                  HINT = format('Run %s on the primary server: what it writes reaches the standby by replication.', what);
    ELSIF current_setting('transaction_read_only')::bool THEN
        RAISE EXCEPTION '% cannot run in a read-only transaction', what
            USING ERRCODE = 'read_only_sql_transaction',
                  HINT = 'Run it in a read-write transaction (default_transaction_read_only is on, or the transaction began READ ONLY).';
    END IF;
END $$;

-- Fills llmcopy_fp of a table registered with online => true, batch_size
-- rows at a time in the order of its id column, each batch committed: the
-- table stays writable (a batch locks only its own rows), rows written
-- meanwhile are kept by the trigger, and a fill that is stopped goes on
-- where it stopped when called again.  Progress is a NOTICE per batch.
-- Then it marks the table's registrations filled, and prints the statement
-- that builds a corpus's index concurrently (which cannot run in a
-- procedure).  A procedure that commits cannot pin its search_path: it
-- calls only the qualified functions below, which do.
CREATE PROCEDURE llmcopy_fill(tbl regclass, batch_size int DEFAULT 10000)
LANGUAGE plpgsql AS $$
DECLARE
    r record;
    last_id text;
    done bigint := 0;
BEGIN
    LOOP
        SELECT * INTO r FROM @extschema@.llmcopy_fill_batch(tbl, last_id, batch_size, done);
        COMMIT;
        last_id := r.last_id;
        done := r.done;
        CONTINUE WHEN last_id IS NOT NULL;
        -- the pass is over: one more if rows slipped past it (their id
        -- moved back), an error if it filled none (llmcopy_fill_end decides,
        -- with its search_path pinned: no operator is evaluated here)
        EXIT WHEN @extschema@.llmcopy_fill_end(tbl, done);
        done := 0;
    END LOOP;
    COMMIT;
END $$;

COMMENT ON PROCEDURE llmcopy_fill(regclass, int) IS
'fill the fingerprints of a table registered with online => true, in committed batches, while it stays writable';

-- The registration of a table whose fingerprints llmcopy_fill fills: its
-- id column, the id's base type, its text column and parameters.
CREATE FUNCTION llmcopy_fill_target(tbl regclass,
    OUT id_col name, OUT base regtype, OUT text_col name, OUT k int, OUT w int, OUT mode text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    SELECT x.id_col, @extschema@.llmcopy_base_type(x.id_type), x.text_col, x.k, x.w, x.mode
    INTO id_col, base, text_col, k, w, mode
    FROM (SELECT c.schema_name, c.table_name, c.id_col, c.id_type, c.text_col, c.k, c.w, c.mode, c.fp_kind, 1 AS o
          FROM @extschema@.llmcopy_corpus_tables c
          UNION ALL
          SELECT o.schema_name, o.table_name, o.id_col, o.id_type, o.text_col, o.k, o.w, o.mode, o.fp_kind, 2
          FROM @extschema@.llmcopy_output_tables o) x
    JOIN pg_class cl ON cl.oid = tbl JOIN pg_namespace n ON n.oid = cl.relnamespace
    WHERE (x.schema_name, x.table_name) = (n.nspname, cl.relname) AND x.fp_kind = 'trigger'
    ORDER BY x.o LIMIT 1;
    IF id_col IS NULL THEN
        RAISE EXCEPTION 'table % is not registered with online => true', tbl USING ERRCODE = 'undefined_object',
            HINT = 'Only a table registered with online => true has fingerprints to fill.';
    END IF;
    -- (nor a table of the registered name that is not the registered table
    -- by its owner: row-level security would keep the registration from
    -- being marked filled, after a fill that said it was)
    PERFORM @extschema@.llmcopy_owner_check(tbl, 'fill');
END $$;

-- One batch of llmcopy_fill: the next batch_size rows after the id
-- last_id (from the start when NULL), whose llmcopy_fp is filled when it
-- is NULL.  The batch only touches those rows: the trigger zz_llmcopy_fp
-- fingerprints each one (a NULL llmcopy_fp), as the text stands after the
-- table's own triggers; computing it here as well would fingerprint every
-- row twice.  So the trigger is checked first.  Returns the last id of the
-- batch (NULL when there was none) and the rows filled so far.
CREATE FUNCTION llmcopy_fill_batch(tbl regclass, after_id text, batch_size int, done_before bigint,
    OUT last_id text, OUT done bigint)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    t record := @extschema@.llmcopy_fill_target(tbl);
    n bigint;
    total bigint;
    broken record := @extschema@.llmcopy_fp_problem(tbl, t.text_col, t.k, t.w, t.mode, 'llmcopy_fp', 'trigger');
BEGIN
    PERFORM @extschema@.llmcopy_require_writable('llmcopy_fill');
    IF batch_size IS NULL OR batch_size < 1 THEN
        RAISE EXCEPTION 'batch_size must be at least 1' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF broken.problem IS NOT NULL THEN
        RAISE EXCEPTION 'cannot fill table %: %', tbl, broken.problem USING ERRCODE = broken.code,
            HINT = CASE WHEN broken.problem LIKE 'trigger zz_llmcopy_fp %' THEN @extschema@.llmcopy_fp_trigger_hint(tbl)
                   ELSE 'Unregister the table and register it again.' END;
    END IF;
    -- the update runs the table's code (triggers, CHECKs) as the caller: its owner itself only, not a member or superuser
    IF (SELECT c.relowner FROM pg_class c WHERE c.oid = tbl) <> (SELECT r.oid FROM pg_roles r WHERE r.rolname = current_user) THEN
        RAISE EXCEPTION 'must be owner of table % to fill its fingerprints', tbl USING ERRCODE = 'insufficient_privilege',
            HINT = 'The update runs the table''s triggers and constraints as the role that fills it: SET ROLE to its owner first.';
    END IF;
    -- (a row whose text is NULL has no fingerprint to fill, and is not
    -- counted as one: a pass that updated such rows alone seemed to fill
    -- some, and the passes went on for ever)
    EXECUTE format(
        'WITH s AS (SELECT o.%1$I AS id FROM %2$s o WHERE $1 IS NULL OR o.%1$I > $1::%3$s ORDER BY o.%1$I LIMIT $2),
              u AS (UPDATE %2$s o SET llmcopy_fp = NULL
                    FROM s WHERE o.%1$I = s.id AND o.llmcopy_fp IS NULL AND o.%4$I IS NOT NULL RETURNING 1)
         SELECT (SELECT max(s.id)::text FROM s), (SELECT count(*) FROM u)',
        t.id_col, tbl, t.base, t.text_col)
    INTO last_id, n USING after_id, batch_size;
    done := done_before + n;
    -- rows with no id (a corpus's id column may allow NULL), which the walk
    -- by id never meets: all of them in the batch that ends the walk (a
    -- batch of some, found by their place in the table, could be taken
    -- again and again by rows that a trigger of the table keeps unfilled)
    IF last_id IS NULL AND NOT (SELECT a.attnotnull FROM pg_attribute a WHERE a.attrelid = tbl AND a.attname = t.id_col) THEN
        EXECUTE format(
            'WITH u AS (UPDATE %1$s o SET llmcopy_fp = NULL
                        WHERE o.%2$I IS NULL AND o.llmcopy_fp IS NULL AND o.%3$I IS NOT NULL RETURNING 1)
             SELECT count(*) FROM u',
            tbl, t.id_col, t.text_col)
        INTO n;
        done := done + n;
    END IF;
    IF last_id IS NOT NULL THEN
        -- (the table's own estimate, or its partitions': pg_partition_tree
        -- of a table that is not partitioned is empty)
        SELECT sum(c.reltuples)::bigint INTO total
        FROM pg_class c
        WHERE c.reltuples >= 0
          AND c.oid IN (SELECT x.oid FROM pg_class x WHERE x.oid = tbl AND x.relkind <> 'p'
                        UNION ALL
                        SELECT p.relid FROM pg_partition_tree(tbl) p WHERE p.isleaf);
        IF total IS NULL THEN       -- (never analyzed: no estimate of its rows)
            RAISE NOTICE 'llmcopy_fill: % rows of % filled (up to id %)', done, tbl, last_id;
        ELSE
            RAISE NOTICE 'llmcopy_fill: % rows of about % of % filled (up to id %)', done, greatest(total, done), tbl, last_id;
        END IF;
    END IF;
END $$;

-- After the last batch of a pass that filled the fingerprints of filled
-- rows: whether every row with a text has its fingerprint (if so, the
-- table's registrations are marked filled, and the statement that builds a
-- corpus's index is printed).  Rows still without one after a pass that
-- filled none are an error: updating them does not fill them (a trigger of
-- the table skips their update), and more passes would go on for ever.
CREATE FUNCTION llmcopy_fill_end(tbl regclass, filled bigint) RETURNS bool
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    t record := @extschema@.llmcopy_fill_target(tbl);
    nm record := @extschema@.llmcopy_registrable(tbl);
    missing bool;
BEGIN
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s o WHERE o.llmcopy_fp IS NULL AND o.%I IS NOT NULL)', tbl, t.text_col)
    INTO missing;
    IF missing AND filled = 0 THEN
        RAISE EXCEPTION 'llmcopy_fill: rows of % have a text and no fingerprint, and updating them does not fill it', tbl
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = format('A trigger of the table that skips the update (returns NULL) keeps them so; they are: SELECT * FROM %s WHERE llmcopy_fp IS NULL AND %I IS NOT NULL.',
                                tbl, t.text_col);
    ELSIF missing THEN
        RETURN false;
    END IF;
    UPDATE @extschema@.llmcopy_corpus_tables x SET filling = false
    WHERE (x.schema_name, x.table_name) = (nm.schema_name, nm.table_name) AND x.fp_kind = 'trigger';
    UPDATE @extschema@.llmcopy_output_tables x SET filling = false
    WHERE (x.schema_name, x.table_name) = (nm.schema_name, nm.table_name) AND x.fp_kind = 'trigger';
    IF EXISTS (SELECT 1 FROM @extschema@.llmcopy_corpus_tables x
               WHERE (x.schema_name, x.table_name) = (nm.schema_name, nm.table_name))
       AND NOT @extschema@.llmcopy_indexed(tbl, 'llmcopy_fp') THEN
        EXECUTE format('ANALYZE %s', tbl);
        RAISE NOTICE 'llmcopy_fill: % is filled; build its index now: %', tbl,
            @extschema@.llmcopy_index_statement(tbl, 'llmcopy_fp', true, t.k, t.w, t.mode);
    ELSE
        RAISE NOTICE 'llmcopy_fill: % is filled', tbl;
    END IF;
    RETURN true;
END $$;

-- Undoes a registration: the configuration, findings and scan records, and
-- the column and trigger it added (the column's index goes with it).
CREATE FUNCTION llmcopy_unregister(tbl regclass) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    nm record;
    added bool;
BEGIN
    SELECT n.nspname AS schema_name, c.relname AS table_name INTO nm
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = tbl;
    IF NOT EXISTS (SELECT 1 FROM @extschema@.llmcopy_corpus_tables x WHERE (x.schema_name, x.table_name) = (nm.schema_name, nm.table_name)
                   UNION ALL
                   SELECT 1 FROM @extschema@.llmcopy_output_tables x WHERE (x.schema_name, x.table_name) = (nm.schema_name, nm.table_name)) THEN
        RAISE EXCEPTION 'table % is not registered with pg_llmcopy', tbl USING ERRCODE = 'undefined_object';
    END IF;
    -- (row-level security lets a role delete only the registrations of
    -- tables it may read: without this, the deletes below removed nothing
    -- and the call succeeded)
    IF NOT @extschema@.llmcopy_may_read(nm.schema_name, nm.table_name) THEN
        RAISE EXCEPTION 'cannot unregister table %: permission denied: role % may not read it', tbl, current_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- (nor a table of the registered name that is not the registered table
    -- by its owner: the registration and its findings are those of the
    -- table it replaced)
    PERFORM @extschema@.llmcopy_owner_check(tbl, 'unregister');
    -- the column and trigger this extension added; an adopted column stays
    SELECT bool_or(x.fp_kind <> 'column') AS ours INTO added
    FROM (SELECT c.fp_kind FROM @extschema@.llmcopy_corpus_tables c WHERE (c.schema_name, c.table_name) = (nm.schema_name, nm.table_name)
          UNION ALL
          SELECT o.fp_kind FROM @extschema@.llmcopy_output_tables o WHERE (o.schema_name, o.table_name) = (nm.schema_name, nm.table_name)) x;
    -- the table's lock first, then the registration's rows, those of its
    -- outputs then those of its corpus, both before either is deleted: the
    -- order in which a scan's batch takes them (llmcopy_scan_batch), so
    -- that an unregistration during a scan waits for the batch rather than
    -- deadlocking with it (an adopted column takes no table lock: a batch
    -- of the table against itself held the outputs' row and waited for the
    -- corpus's, which the removal held, waiting for the outputs')
    IF added THEN
        IF NOT pg_has_role((SELECT c.relowner FROM pg_class c WHERE c.oid = tbl), 'USAGE') THEN
            RAISE EXCEPTION 'must be owner of table %', tbl USING ERRCODE = 'insufficient_privilege',
                HINT = 'Unregistering drops the column the registration added to it.';
        END IF;
        EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', tbl);
    END IF;
    PERFORM 1 FROM @extschema@.llmcopy_output_tables x WHERE (x.schema_name, x.table_name) = (nm.schema_name, nm.table_name)
    FOR UPDATE;
    PERFORM 1 FROM @extschema@.llmcopy_corpus_tables x WHERE (x.schema_name, x.table_name) = (nm.schema_name, nm.table_name)
    FOR UPDATE;
    DELETE FROM @extschema@.llmcopy_corpus_tables x WHERE (x.schema_name, x.table_name) = (nm.schema_name, nm.table_name);
    DELETE FROM @extschema@.llmcopy_output_tables x WHERE (x.schema_name, x.table_name) = (nm.schema_name, nm.table_name);
    IF added THEN
        IF EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = tbl AND t.tgname = 'zz_llmcopy_fp'
                   AND t.tgfoid = '@extschema@.llmcopy_fp_trigger()'::regprocedure) THEN
            EXECUTE format('DROP TRIGGER zz_llmcopy_fp ON %s', tbl);
        END IF;
        EXECUTE format('ALTER TABLE %s DROP COLUMN IF EXISTS llmcopy_fp', tbl);
    END IF;
END $$;

-- Stores the shingles (every k-gram, w = 1) common to at least min_docs
-- works, or to at least the share min_share of them (a document frequency,
-- which keeps its meaning as the corpus grows: min_docs is then what it
-- came to, ceil(min_share * works)); scans subtract them.  Shingles rather
-- than the works' winnowed hashes, because winnowing selects a passage's
-- hashes differently in each work: every hash of a common passage must go,
-- not only those most works happened to select.  The aggregate runs with
-- work_mem = maintenance_work_mem (it spills sorted runs past it) and
-- without parallel workers, each of which would ship its whole partial
-- state to the leader: its memory is maintenance_work_mem and the result,
-- whatever the corpus's size.
CREATE FUNCTION llmcopy_refresh_boilerplate_by(corpus regclass, min_docs int, min_share float8) RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET work_mem = '64MB'                   -- set from maintenance_work_mem below; the clause keeps it to this call
SET max_parallel_workers_per_gather = 0
AS $$
DECLARE
    c @extschema@.llmcopy_corpus_tables;
    tbl regclass;
    bp @extschema@.fingerprint;
    works bigint;
BEGIN
    PERFORM @extschema@.llmcopy_require_writable('llmcopy_refresh_boilerplate');
    SELECT x.* INTO c FROM @extschema@.llmcopy_corpus_tables x, pg_class cl, pg_namespace n
    WHERE cl.oid = corpus AND n.oid = cl.relnamespace AND (x.schema_name, x.table_name) = (n.nspname, cl.relname);
    IF NOT FOUND THEN
        RAISE EXCEPTION 'table % is not a registered corpus', corpus USING ERRCODE = 'undefined_object';
    END IF;
    tbl := @extschema@.llmcopy_resolve('corpus', c.id);
    PERFORM set_config('work_mem', current_setting('maintenance_work_mem'), true);
    IF min_share IS NULL THEN
        EXECUTE format('SELECT %1$s.fingerprint_common_agg(%1$s.fingerprint(w.%2$I::text, %3$s, 1, %4$L::text), $1) FROM %5$s w',
                       '@extschema@', c.text_col, c.k, c.mode, tbl) INTO bp USING min_docs;
    ELSE
        EXECUTE format('SELECT %1$s.fingerprint_common_agg(f.fp, $1), count(f.fp)
                        FROM %5$s w CROSS JOIN LATERAL (SELECT %1$s.fingerprint(w.%2$I::text, %3$s, 1, %4$L::text) AS fp) f',
                       '@extschema@', c.text_col, c.k, c.mode, tbl) INTO bp, works USING min_share;
        min_docs := greatest(ceil(min_share * works), 1);
    END IF;
    bp := coalesce(bp, @extschema@.fingerprint(''::text, c.k, 1, c.mode));
    INSERT INTO @extschema@.llmcopy_boilerplate VALUES (c.id, bp, min_docs, now(), min_share)
    ON CONFLICT (corpus_id) DO UPDATE SET fp = excluded.fp, min_docs = excluded.min_docs,
                                          refreshed_at = excluded.refreshed_at, min_share = excluded.min_share;
    RETURN (@extschema@.fingerprint_info(bp)).hashes;
END $$;

CREATE FUNCTION llmcopy_refresh_boilerplate(corpus regclass, min_docs int) RETURNS bigint
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT @extschema@.llmcopy_refresh_boilerplate_by(corpus, min_docs, NULL::float8);
END;

CREATE FUNCTION llmcopy_refresh_boilerplate(corpus regclass, min_share float8) RETURNS bigint
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT @extschema@.llmcopy_refresh_boilerplate_by(corpus, NULL::int, min_share);
END;

COMMENT ON FUNCTION llmcopy_refresh_boilerplate(regclass, int) IS
'store the shingles found in at least min_docs works of a registered corpus; scans subtract them';
COMMENT ON FUNCTION llmcopy_refresh_boilerplate(regclass, float8) IS
'store the shingles found in at least the share min_share of the works of a registered corpus; scans subtract them';

-- The nightly scan.  A procedure cannot pin its search_path and still
-- commit, so llmcopy_scan only calls the steps below by their qualified
-- names, each a function that pins it: llmcopy_scan_begin checks every
-- registration it will use, marks runs whose scan is gone as failed, and
-- starts a run per pair of tables; llmcopy_scan_pending lists the run's
-- pending outputs once, in batches; llmcopy_scan_batch claims and scans a
-- batch, which then commits; llmcopy_scan_end closes the run.  A broken
-- registration of a table the call names is an error (which commits
-- nothing); one the call does not name is skipped with a WARNING and a
-- failed run that says why, and the other pairs are scanned.  The call is
-- alive while its backend (pid) holds the session advisory lock
-- (1819045219, lock_key), a key drawn at random and taken without waiting:
-- another role can neither make a scan wait nor keep a dead one running.
CREATE PROCEDURE llmcopy_scan(outputs regclass DEFAULT NULL, corpus regclass DEFAULT NULL,
    threshold float8 DEFAULT NULL, min_tokens int DEFAULT 8, batch_size int DEFAULT 500,
    max_batches int DEFAULT NULL, weighted bool DEFAULT true)
LANGUAGE plpgsql AS $$
DECLARE
    r record;
    b record;
BEGIN
    FOR r IN SELECT * FROM @extschema@.llmcopy_scan_begin(outputs, corpus, threshold, min_tokens, batch_size, max_batches,
                                                                   weighted) LOOP
        COMMIT;
        FOR b IN SELECT * FROM @extschema@.llmcopy_scan_pending(r.run_id) LOOP
            -- (the list's update of the run is committed before the first
            -- batch waits for the tables: a removal of the corpus holds its
            -- table and waits for the run, to mark it failed)
            COMMIT;
            PERFORM @extschema@.llmcopy_scan_batch(r.run_id, b.ids);
            COMMIT;
        END LOOP;
        PERFORM @extschema@.llmcopy_scan_end(r.run_id);
        COMMIT;
    END LOOP;
END $$;

COMMENT ON PROCEDURE llmcopy_scan(regclass, regclass, float8, int, int, int, bool) IS
'scan every output not yet scanned against the registered corpora, in committed batches; each output exactly once';

CREATE FUNCTION llmcopy_scan_begin(outputs regclass, corpus regclass, threshold float8, min_tokens int,
    batch_size int, max_batches int, weighted bool) RETURNS TABLE (run_id int)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    t float8;
    p record;
    s int;
    bad text;
    skipped int := 0;
    new_key int;
    runs int[] := '{}';
    ctbl regclass;
    waits_for text[];
    locked text;
BEGIN
    PERFORM @extschema@.llmcopy_require_writable('llmcopy_scan');
    IF batch_size IS NULL OR batch_size < 1 THEN
        RAISE EXCEPTION 'batch_size must be at least 1' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF min_tokens IS NULL OR min_tokens < 1 THEN
        RAISE EXCEPTION 'min_tokens must be at least 1' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF max_batches < 0 THEN
        RAISE EXCEPTION 'max_batches must not be negative' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM @extschema@.fingerprint(''::text);       -- (calling into the library defines its settings)
    t := coalesce(threshold, current_setting('pg_llmcopy.containment_threshold')::float8);
    -- the tables whose locks the call waits for: those it names (the
    -- others, locked by another session, are skipped), or all
    waits_for := CASE WHEN current_setting('pg_llmcopy.scan_lock_wait') = 'all' THEN ARRAY['outputs', 'corpus']
                      ELSE array_remove(ARRAY[CASE WHEN outputs IS NOT NULL THEN 'outputs' END,
                                              CASE WHEN corpus IS NOT NULL THEN 'corpus' END], NULL) END;
    PERFORM @extschema@.fingerprint_contained(@extschema@.fingerprint(''::text), @extschema@.fingerprint(''::text), t);
    IF outputs IS NOT NULL AND NOT EXISTS (
           SELECT 1 FROM @extschema@.llmcopy_output_tables x, pg_class c, pg_namespace n
           WHERE c.oid = outputs AND n.oid = c.relnamespace AND (x.schema_name, x.table_name) = (n.nspname, c.relname)) THEN
        RAISE EXCEPTION 'table % is not registered for outputs', outputs USING ERRCODE = 'undefined_object';
    END IF;
    IF corpus IS NOT NULL AND NOT EXISTS (
           SELECT 1 FROM @extschema@.llmcopy_corpus_tables x, pg_class c, pg_namespace n
           WHERE c.oid = corpus AND n.oid = c.relnamespace AND (x.schema_name, x.table_name) = (n.nspname, c.relname)) THEN
        RAISE EXCEPTION 'table % is not a registered corpus', corpus USING ERRCODE = 'undefined_object';
    END IF;
    -- every registration this call names must resolve, before anything is written
    FOR p IN SELECT o.id AS oid, c.id AS cid, o.k, o.w, o.mode, c.k AS ck, c.w AS cw, c.mode AS cmode
             FROM @extschema@.llmcopy_output_tables o, @extschema@.llmcopy_corpus_tables c
             WHERE (outputs IS NULL OR (o.schema_name, o.table_name) =
                        (SELECT n.nspname, cl.relname FROM pg_class cl JOIN pg_namespace n ON n.oid = cl.relnamespace WHERE cl.oid = outputs))
               AND (corpus IS NULL OR (c.schema_name, c.table_name) =
                        (SELECT n.nspname, cl.relname FROM pg_class cl JOIN pg_namespace n ON n.oid = cl.relnamespace WHERE cl.oid = corpus))
             ORDER BY o.id, c.id LOOP
        -- outputs and works fingerprinted differently cannot be compared:
        -- such a pair is not scanned, unless both tables were named
        IF (p.k, p.w, p.mode) IS DISTINCT FROM (p.ck, p.cw, p.cmode) THEN
            CONTINUE WHEN outputs IS NULL OR corpus IS NULL;
            RAISE EXCEPTION 'outputs registration % and corpus registration % are fingerprinted with different parameters',
                p.oid, p.cid USING ERRCODE = 'data_exception';
        END IF;
        -- a table the call does not name that is locked by another session,
        -- or a broken registration the call does not name: skipped, with a
        -- failed run (which a role that may not read the table cannot record)
        locked := @extschema@.llmcopy_scan_lock_problem(p.oid, p.cid, waits_for);
        bad := locked;
        IF bad IS NULL AND outputs IS NULL THEN
            bad := (SELECT format('outputs registration %s cannot be used: %s', p.oid, x.problem)
                    FROM @extschema@.llmcopy_registration_problem('outputs', p.oid) x WHERE x.problem IS NOT NULL);
        END IF;
        IF bad IS NULL AND corpus IS NULL THEN
            bad := (SELECT format('corpus registration %s cannot be used: %s', p.cid, x.problem)
                    FROM @extschema@.llmcopy_registration_problem('corpus', p.cid) x WHERE x.problem IS NOT NULL);
        END IF;
        IF bad IS NOT NULL THEN
            RAISE WARNING 'llmcopy_scan: %, skipped', bad
                USING HINT = CASE WHEN locked IS NOT NULL
                                  THEN 'Name the table to llmcopy_scan, or SET pg_llmcopy.scan_lock_wait = ''all'', to wait for it.'
                                  ELSE 'See the registration in llmcopy_registrations; name its table to the scan for the error.' END;
            BEGIN
                INSERT INTO @extschema@.llmcopy_runs AS x (output_table, corpus_table, status, finished_at, problem, waits_for)
                VALUES (p.oid, p.cid, 'failed', clock_timestamp(), bad, waits_for);
            EXCEPTION WHEN insufficient_privilege THEN
                NULL;
            END;
            skipped := skipped + 1;
            CONTINUE;
        END IF;
        BEGIN
            PERFORM @extschema@.llmcopy_resolve('outputs', p.oid);
            ctbl := @extschema@.llmcopy_resolve('corpus', p.cid);
        EXCEPTION WHEN OTHERS THEN
            -- unregistered while the call waited for its table: not scanned
            IF EXISTS (SELECT 1 FROM @extschema@.llmcopy_output_tables x WHERE x.id = p.oid)
               AND EXISTS (SELECT 1 FROM @extschema@.llmcopy_corpus_tables x WHERE x.id = p.cid) THEN
                RAISE;
            END IF;
            RAISE WARNING 'llmcopy_scan: outputs registration % or corpus registration % was removed as the scan began, skipped',
                p.oid, p.cid;
            CONTINUE;
        END;
        INSERT INTO @extschema@.llmcopy_runs AS x (output_table, corpus_table, threshold, min_tokens, batch_size, max_batches,
                                                   scores, corpus_docs, waits_for)
        VALUES (p.oid, p.cid, t, greatest(min_tokens, p.k), batch_size, max_batches, coalesce(weighted, true),
                CASE WHEN coalesce(weighted, true) THEN @extschema@.llmcopy_table_rows(ctbl) END, waits_for)
        RETURNING x.run_id INTO s;
        runs := runs || s;
    END LOOP;
    IF cardinality(runs) = 0 AND skipped > 0 THEN
        RETURN;
    ELSIF cardinality(runs) = 0 THEN
        RAISE EXCEPTION 'no registered outputs and corpus to scan' USING ERRCODE = 'undefined_object',
            HINT = 'Register them with llmcopy_register_outputs and llmcopy_register_corpus.';
    END IF;
    -- runs left 'running' by a call whose backend no longer holds its lock
    -- have failed (a lock this session still holds is from an earlier call
    -- of its own that failed: released).  A run another transaction holds
    -- is passed over, not waited for: the removal of a registration marks
    -- its runs failed too, holding some while it waits for others, in an
    -- order of its own (a deadlock)
    UPDATE @extschema@.llmcopy_runs x SET status = 'failed', finished_at = clock_timestamp(),
        problem = coalesce(x.problem, 'the call that ran it ended before it did (an error, a cancel, or its session ended)')
    WHERE x.run_id IN (
        SELECT y.run_id FROM @extschema@.llmcopy_runs y
        WHERE y.status = 'running' AND y.run_id <> ALL (runs)
          AND NOT EXISTS (SELECT 1 FROM pg_locks l
                          WHERE l.locktype = 'advisory' AND l.classid = 1819045219::oid AND l.objid = y.lock_key::oid
                            AND l.objsubid = 2 AND l.granted AND l.pid = y.pid AND l.pid <> pg_backend_pid())
        FOR UPDATE OF y SKIP LOCKED);
    LOOP
        s := (SELECT k FROM @extschema@.llmcopy_scan_keys_held() k LIMIT 1);
        EXIT WHEN s IS NULL;
        PERFORM pg_advisory_unlock(1819045219, s);
    END LOOP;
    FOR p IN SELECT DISTINCT x.pid, x.output_table, x.corpus_table FROM @extschema@.llmcopy_runs x
             WHERE x.status = 'running' AND x.run_id <> ALL (runs)
               AND (x.output_table, x.corpus_table) IN (SELECT y.output_table, y.corpus_table FROM @extschema@.llmcopy_runs y
                                                        WHERE y.run_id = ANY (runs)) LOOP
        RAISE NOTICE 'llmcopy_scan: another scan (backend %) is scanning outputs registration % against corpus registration %: each output is scanned by the first to claim it',
            p.pid, p.output_table, p.corpus_table;
    END LOOP;
    -- a key no other session holds, drawn at random so that none can hold it first
    FOR i IN 1 .. 16 LOOP
        new_key := 1 + floor(random() * 2147483646)::int;
        EXIT WHEN pg_try_advisory_lock(1819045219, new_key);
        new_key := NULL;
    END LOOP;
    IF new_key IS NULL THEN
        RAISE EXCEPTION 'llmcopy_scan cannot take an advisory lock that no other session holds'
            USING ERRCODE = 'lock_not_available';
    END IF;
    UPDATE @extschema@.llmcopy_runs x SET scan = runs[1], pid = pg_backend_pid(), lock_key = new_key
    WHERE x.run_id = ANY (runs);
    RETURN QUERY SELECT unnest(runs);
END $$;

-- The rows of a table: the planner's estimate (pg_class.reltuples of its
-- partitions), or a count when it has never been analyzed.
CREATE FUNCTION llmcopy_table_rows(tbl regclass) RETURNS bigint
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    n bigint;
BEGIN
    SELECT CASE WHEN bool_and(c.reltuples >= 0) THEN sum(c.reltuples) END::bigint INTO n
    FROM pg_class c WHERE c.oid IN (SELECT t.relid FROM pg_partition_tree(tbl) t WHERE t.isleaf);
    IF n IS NULL THEN
        EXECUTE format('SELECT count(*) FROM %s', tbl) INTO n;
    END IF;
    RETURN n;
END $$;

-- Every lock that a read of a table takes (ACCESS SHARE on it, its
-- partitions, their TOAST tables and all their indexes), taken without
-- waiting: false when another session holds one that conflicts (those had
-- are kept to the end of the transaction, as a read's are); NULL, having
-- taken nothing, when the table does not exist or the current role may not
-- read it (USAGE on its schema and SELECT on it, which LOCK TABLE ... IN
-- ACCESS SHARE MODE needs too).
CREATE FUNCTION llmcopy_lock_nowait(tbl regclass) RETURNS bool
AS 'MODULE_PATHNAME', 'llmcopy_lock_nowait'
LANGUAGE C STRICT VOLATILE PARALLEL UNSAFE;

-- A scan waits for the locks of the tables its call names, not for the
-- others' (unless pg_llmcopy.scan_lock_wait = 'all'): one owner's lock on
-- her table (LOCK TABLE, an ALTER TABLE or a REINDEX left open) would
-- otherwise hold up the nightly scan of every pair.  Why a table of a pair
-- that the run does not wait for (waits_for: 'outputs', 'corpus') cannot
-- be read now, locked by another session; NULL when it can, and then the
-- locks a read of it takes are held, so that the transaction does not
-- wait for them.
CREATE FUNCTION llmcopy_scan_lock_problem(output_table int, corpus_table int, waits_for text[]) RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT x.kind, x.id, x.schema_name, x.table_name
             FROM (SELECT 'outputs' AS kind, 1 AS pos, o.id, o.schema_name, o.table_name
                   FROM @extschema@.llmcopy_output_tables o WHERE o.id = output_table
                   UNION ALL
                   SELECT 'corpus', 2, c.id, c.schema_name, c.table_name
                   FROM @extschema@.llmcopy_corpus_tables c WHERE c.id = corpus_table) x
             WHERE x.kind <> ALL (waits_for)
             ORDER BY x.pos LOOP
        IF NOT @extschema@.llmcopy_lock_nowait(@extschema@.llmcopy_lookup(t.schema_name, t.table_name)) THEN
            RETURN format('%s registration %s (table %s.%s) is locked by another session, and the scan does not wait for a table its call does not name',
                          t.kind, t.id, quote_ident(t.schema_name), quote_ident(t.table_name));
        END IF;
    END LOOP;
    RETURN NULL;
END $$;

-- Marks a run of the caller's own call failed, saying why.  As the
-- extension's owner (SECURITY DEFINER): a right to a table of the run
-- revoked during the call hides the run from the row-level security of
-- the role that runs it, whose UPDATE then changed nothing, and the run
-- stayed running, the call's advisory lock held, while the session lived.
-- It changes only a run that is not over and that the caller's session
-- runs: the runs' policy llmcopy_visible (its backend's pid, started before
-- the run, holding the call's advisory lock).
CREATE FUNCTION llmcopy_scan_run_failed(run int, why text) RETURNS void
LANGUAGE sql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    UPDATE @extschema@.llmcopy_runs x
    SET status = 'failed', finished_at = pg_catalog.clock_timestamp(), updated_at = pg_catalog.clock_timestamp(), problem = why
    WHERE x.run_id OPERATOR(pg_catalog.=) run AND x.status OPERATOR(pg_catalog.=) ANY (ARRAY['running', 'stopped'])
      AND x.pid OPERATOR(pg_catalog.=) pg_catalog.pg_backend_pid()
      AND x.started_at OPERATOR(pg_catalog.>=) @extschema@.llmcopy_backend_start()
      AND x.lock_key IN (SELECT @extschema@.llmcopy_scan_keys_held());
END;

-- Whether an error of a run's step (the list of its outputs, a batch) ends
-- the run rather than the call: a table of the run was unregistered
-- (llmcopy_scan_unregistered); or the run does not wait for one of its
-- tables (one its call did not name) and the error is neither a cancel nor
-- one that says nothing of the pair (llmcopy_transient_error), but for a
-- lock not had: that table locked by another session
-- (llmcopy_scan_lock_problem), dropped, altered or put out of the role's
-- reach since the call began.  Such a run is marked failed, saying why,
-- with a WARNING; the step's work is rolled back, so its outputs stay
-- pending for the next call, and the call goes on with its other runs.
-- Otherwise (the call fails) the call's advisory lock is released, also
-- when this check fails.
CREATE FUNCTION llmcopy_scan_ends(run int, state text, message text) RETURNS bool
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r @extschema@.llmcopy_runs;
BEGIN
    BEGIN
        IF state <> '57014' THEN
            IF @extschema@.llmcopy_scan_unregistered(run) THEN
                RETURN true;
            END IF;
            SELECT * INTO STRICT r FROM @extschema@.llmcopy_runs x WHERE x.run_id = run;
            IF NOT ('outputs' = ANY (r.waits_for) AND 'corpus' = ANY (r.waits_for))
               AND (state = '55P03' OR NOT @extschema@.llmcopy_transient_error(state)) THEN
                PERFORM @extschema@.llmcopy_scan_run_failed(run, message);
                RAISE WARNING 'llmcopy_scan: %; the scan of it ends, its pending outputs are left to the next call', message
                    USING HINT = CASE WHEN state = '55P03'
                                      THEN 'Name the table to llmcopy_scan, or SET pg_llmcopy.scan_lock_wait = ''all'', to wait for it.'
                                      ELSE 'Name the table to llmcopy_scan for the error.' END;
                RETURN true;
            END IF;
        END IF;
    EXCEPTION WHEN OTHERS OR query_canceled THEN
        PERFORM pg_advisory_unlock(1819045219, k) FROM @extschema@.llmcopy_scan_keys_held() k;
        RAISE;
    END;
    -- the call fails: its lock is released at once, so that its runs are
    -- seen to have failed
    PERFORM pg_advisory_unlock(1819045219, k) FROM @extschema@.llmcopy_scan_keys_held() k;
    RETURN false;
END $$;

-- The pending outputs of a run, listed once: those with no scan record for
-- the pair, oldest logged_at first (NULL last), in batches.
CREATE FUNCTION llmcopy_scan_pending(run int) RETURNS TABLE (ids text[])
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r @extschema@.llmcopy_runs;
    o @extschema@.llmcopy_output_tables;
    otbl regclass;
    pending text[];
    n int;
    nb int;
    why text;
BEGIN
    SELECT * INTO STRICT r FROM @extschema@.llmcopy_runs x WHERE x.run_id = run;
    IF @extschema@.llmcopy_scan_unregistered(run) THEN
        RETURN;
    END IF;
    SELECT * INTO STRICT o FROM @extschema@.llmcopy_output_tables x WHERE x.id = r.output_table;
    nb := r.max_batches - (SELECT coalesce(sum(x.batches), 0) FROM @extschema@.llmcopy_runs x WHERE x.scan = r.scan);
    IF nb <= 0 THEN
        UPDATE @extschema@.llmcopy_runs x SET status = 'stopped' WHERE x.run_id = run;
        RETURN;
    END IF;
    BEGIN
        why := @extschema@.llmcopy_scan_lock_problem(r.output_table, r.corpus_table, r.waits_for);
        IF why IS NOT NULL THEN
            RAISE EXCEPTION '%', why USING ERRCODE = 'lock_not_available';
        END IF;
        otbl := @extschema@.llmcopy_resolve('outputs', o.id);
        -- the ids are read first (on a distributed table: one query to the
        -- shards), then compared with the records here
        EXECUTE format(
            'WITH o AS MATERIALIZED (SELECT o.%1$I::pg_catalog.text AS id, %2$s AS at FROM %3$s o)
             SELECT array_agg(o.id ORDER BY o.at NULLS LAST, o.id) FROM o
             WHERE NOT EXISTS (SELECT 1 FROM %4$s.llmcopy_scanned s
                               WHERE s.output_table OPERATOR(pg_catalog.=) $1 AND s.corpus_table OPERATOR(pg_catalog.=) $2
                                 AND s.output_id OPERATOR(pg_catalog.=) o.id)',
            o.id_col, @extschema@.llmcopy_logged_at_expr(otbl, o.logged_at_col), otbl, '@extschema@')
        INTO pending USING r.output_table, r.corpus_table;
    EXCEPTION WHEN OTHERS OR query_canceled THEN
        -- (a registration removed while the list waited for its table, or
        -- a table the call does not name locked or changed: the run ends,
        -- as in a batch)
        IF @extschema@.llmcopy_scan_ends(run, SQLSTATE, SQLERRM) THEN
            RETURN;
        END IF;
        RAISE;
    END;
    n := coalesce(cardinality(pending), 0);
    UPDATE @extschema@.llmcopy_runs x SET total = n, updated_at = clock_timestamp() WHERE x.run_id = run;
    IF nb < (n + r.batch_size - 1) / r.batch_size THEN
        UPDATE @extschema@.llmcopy_runs x SET status = 'stopped' WHERE x.run_id = run;
    END IF;
    RETURN QUERY
        SELECT pending[i * r.batch_size + 1 : (i + 1) * r.batch_size]
        FROM generate_series(0, least((n + r.batch_size - 1) / r.batch_size, nb) - 1) i;
END $$;

-- Whether an error says nothing of the data a statement read: a lock not
-- had in time, a deadlock or serialization failure, a connection or shard
-- out of reach, the server shutting down, a full disk, an I/O error
-- (SQLSTATE classes 08, 40, 57 and 58; 55P03, 53100 and 53300).  The scan
-- raises such an error, failing its batch, rather than record an output as
-- skipped or a license as unknown for good.
CREATE FUNCTION llmcopy_transient_error(state text) RETURNS bool
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT pg_catalog.left(state, 2) OPERATOR(pg_catalog.=) ANY (ARRAY['08', '40', '57', '58'])
        OR state OPERATOR(pg_catalog.=) ANY (ARRAY['55P03', '53100', '53300']);
END;

-- A license string normalized (spdx_valid, else spdx_correct) and its
-- obligations; NULLs and the reason (problem) when it cannot be processed,
-- an expression whose expansion is over the limit for one: the work's
-- finding is then kept with its license unknown, rather than the output's
-- findings lost.  An error that says nothing of the license (a lock not
-- had in time, and the like) is raised: the batch fails.
CREATE FUNCTION llmcopy_license_facts(raw text, OUT norm text, OUT obligations jsonb, OUT problem text)
LANGUAGE plpgsql STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    norm := CASE WHEN @extschema@.spdx_valid(raw) THEN @extschema@.spdx_normalize(raw) ELSE @extschema@.spdx_correct(raw) END;
    IF norm IS NOT NULL THEN
        obligations := pg_catalog.to_jsonb(@extschema@.license_obligations(norm));
    END IF;
EXCEPTION WHEN OTHERS THEN
    IF @extschema@.llmcopy_transient_error(SQLSTATE) THEN
        RAISE;
    END IF;
    norm := NULL;
    obligations := NULL;
    problem := SQLSTATE || ': ' || SQLERRM;
END $$;

-- One batch: claim the outputs (insert their scan records; an output
-- another scan claimed first is left to it), then, in one statement: find
-- the works each is contained in through the corpus's index, verify them
-- with evidence spans, score them, and write the findings.  If that
-- statement fails, each output is retried alone, and one that still fails
-- is recorded as skipped, with the error.  What one output or one work
-- holds cannot fail the statement for the others: an output whose id is
-- over max_id_bytes is recorded as skipped when claimed (the findings' key
-- must hold its id and a work's), a finding of a work whose id is over it
-- is left out, and a license that cannot be processed leaves the finding's
-- license unknown (llmcopy_license_facts); the NOTICE of the batch counts
-- them.  Every column of a registered table reaches the extension's
-- functions cast to the exact type of their parameter, so no overload of
-- them that a role creates in the extension's schema can match better.
--
-- The statement, in steps: b, the batch's outputs (fingerprinted here when
-- their column is not filled yet), boilerplate subtracted; f, the works
-- each is contained in (one GIN index search an output) with the spans of
-- llmcopy_matches, whether the longest span is in the work byte for byte,
-- how many token-identical works the output has among them, and the hashes
-- it shares with each (all the rarity weight needs of the work, and less
-- to carry than the work's fingerprint when the rows come from shards); df, for
-- the outputs that have findings only (fk, their keys, when weighted), the
-- document frequency of each of the output's hashes, counted over the works
-- that share one (fingerprint_df_agg over a second index search); lic, each
-- distinct license of the batch normalized and its obligations, once; then
-- the findings, ranked per output by llmcopy_origin_key.
CREATE FUNCTION llmcopy_scan_batch(run int, ids text[]) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    max_id_bytes constant int := 1000;
    r @extschema@.llmcopy_runs;
    o @extschema@.llmcopy_output_tables;
    c @extschema@.llmcopy_corpus_tables;
    otbl regclass;
    ctbl regclass;
    base regtype;
    logged_at text;
    bp @extschema@.fingerprint;
    claimed text[];
    read_ids text[];
    read_models text[];
    read_ats timestamptz[];
    one text;
    n int;
    nf bigint := 0;
    nf1 bigint;
    n_skipped int := 0;
    works_out bigint := 0;
    works_out1 bigint;
    licenses_out bigint := 0;
    licenses_out1 bigint;
    find_sql text;
    b_cte text := 'MATERIALIZED';
    why text;
BEGIN
    SELECT * INTO STRICT r FROM @extschema@.llmcopy_runs x WHERE x.run_id = run;
    IF r.status = 'failed' THEN
        RETURN;         -- ended (a table of the run was unregistered, locked or changed)
    END IF;
    BEGIN
        -- (a table the call does not name, locked by another session: the
        -- run ends, llmcopy_scan_ends)
        why := @extschema@.llmcopy_scan_lock_problem(r.output_table, r.corpus_table, r.waits_for);
        IF why IS NOT NULL THEN
            RAISE EXCEPTION '%', why USING ERRCODE = 'lock_not_available';
        END IF;
        -- (a registration gone is an error here, which the handler below
        -- turns into the end of the run)
        SELECT * INTO STRICT o FROM @extschema@.llmcopy_output_tables x WHERE x.id = r.output_table;
        SELECT * INTO STRICT c FROM @extschema@.llmcopy_corpus_tables x WHERE x.id = r.corpus_table;
        otbl := @extschema@.llmcopy_resolve('outputs', o.id);
        ctbl := @extschema@.llmcopy_resolve('corpus', c.id);
        -- the registrations' rows, the outputs' then the corpus's, which
        -- the claims' foreign keys would take in an order of their own: the
        -- order llmcopy_unregister takes them in, after the tables' locks
        PERFORM 1 FROM @extschema@.llmcopy_output_tables x WHERE x.id = o.id FOR KEY SHARE;
        IF FOUND THEN
            PERFORM 1 FROM @extschema@.llmcopy_corpus_tables x WHERE x.id = c.id FOR KEY SHARE;
        END IF;
        IF NOT FOUND AND @extschema@.llmcopy_scan_unregistered(run) THEN
            RETURN;             -- removed while the batch waited for it
        END IF;
        -- a corpus that is a Citus reference table is on every node: the
        -- outputs are then read where they are, so that with a distributed
        -- outputs table each shard's outputs are searched and matched on
        -- its own node
        IF pg_catalog.to_regclass('pg_catalog.pg_dist_partition') IS NOT NULL
           AND pg_catalog.has_table_privilege('pg_catalog.pg_dist_partition', 'SELECT') THEN
            EXECUTE 'SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_dist_partition p
                                             WHERE p.logicalrelid OPERATOR(pg_catalog.=) $1
                                               AND p.partmethod OPERATOR(pg_catalog.=) ''n''
                                               AND p.repmodel OPERATOR(pg_catalog.=) ''t'')
                                 THEN ''NOT MATERIALIZED'' ELSE ''MATERIALIZED'' END'
            INTO b_cte USING ctbl;
        END IF;
        base := @extschema@.llmcopy_base_type(o.id_type);
        logged_at := @extschema@.llmcopy_logged_at_expr(otbl, o.logged_at_col);
        bp := coalesce((SELECT b.fp FROM @extschema@.llmcopy_boilerplate b WHERE b.corpus_id = c.id),
                       @extschema@.fingerprint(''::text, c.k, 1, c.mode));
        -- the outputs are read in one statement and claimed in another:
        -- on Citus the first is a query of the outputs table alone (one
        -- task, or one a shard) and the second a plain insert on the
        -- coordinator, where one INSERT .. SELECT would go through an
        -- intermediate result
        EXECUTE format(
            'SELECT pg_catalog.array_agg(o.id), pg_catalog.array_agg(o.model), pg_catalog.array_agg(o.at)
             FROM (SELECT o.%1$I::pg_catalog.text AS id, %2$s AS model, %3$s AS at
                   FROM %4$s o WHERE o.%1$I = ANY ($1::%5$s[])) o',
            o.id_col,
            CASE WHEN o.model_col IS NULL THEN 'NULL::pg_catalog.text' ELSE format('o.%I::pg_catalog.text', o.model_col) END,
            logged_at, otbl, base)
        INTO read_ids, read_models, read_ats USING ids;
        -- (claimed in the order of their ids, whatever order the read
        -- returned them in: two scans claiming some of the same outputs
        -- then wait for each other in one direction only, never deadlock)
        WITH new_records AS (
            INSERT INTO @extschema@.llmcopy_scanned (output_table, corpus_table, output_id, status, reason, model, logged_at, run_id)
            SELECT o.id, c.id, u.id, CASE WHEN octet_length(u.id) > max_id_bytes THEN 'skipped' ELSE 'scanned' END,
                   CASE WHEN octet_length(u.id) > max_id_bytes THEN format('54000: id longer than %s bytes', max_id_bytes) END,
                   u.model, u.at, run
            FROM unnest(read_ids, read_models, read_ats) u(id, model, at)
            ORDER BY u.id
            ON CONFLICT DO NOTHING
            RETURNING output_id, status)
        SELECT array_agg(x.output_id) FILTER (WHERE x.status = 'scanned'), count(*) FILTER (WHERE x.status = 'skipped')
        INTO claimed, n_skipped
        FROM new_records x;
        n := coalesce(cardinality(claimed), 0) + n_skipped;
        -- again, after the claims (which may have waited for another scan's):
        -- an index or a partition made since the first check, and locked
        -- by another session, would make the search below wait
        why := @extschema@.llmcopy_scan_lock_problem(r.output_table, r.corpus_table, r.waits_for);
        IF why IS NOT NULL THEN
            RAISE EXCEPTION '%', why USING ERRCODE = 'lock_not_available';
        END IF;
        -- (the batch's outputs are materialized first, so a distributed
        -- outputs table is read once and the join is with its result; but
        -- with a reference corpus they are read where they are, twice (for
        -- the matches and for the document frequencies), and each output is
        -- searched, matched and its hashes counted on the node that holds
        -- it; the outputs' own key partitions the window and groups the
        -- counts so that Citus runs both there; the findings are weighted,
        -- ranked and written on the coordinator)
        find_sql := format(
            'WITH b AS %21$s (
                 SELECT o.%2$I AS output_key, o.%2$I::pg_catalog.text AS output_id, o.%3$I::pg_catalog.text AS body,
                        %1$s.fingerprint_minus(z.fp, $2) AS fp, (%1$s.fingerprint_info(z.fp)).tokens AS tokens,
                        %4$s AS logged_at, %5$s AS model
                 FROM %6$s o
                 CROSS JOIN LATERAL (SELECT coalesce(o.%17$I, %1$s.fingerprint(o.%3$I::pg_catalog.text, %18$s, %19$s, %15$L::pg_catalog.text)) AS fp) z
                 WHERE o.%2$I = ANY ($1::%7$s[])),
             f AS MATERIALIZED (
                 SELECT b.output_key, b.output_id, b.logged_at, b.model, b.fp, b.tokens, d.%8$I::pg_catalog.text AS work_id,
                        d.%8$I AS work_key,
                        %1$s.fingerprint_intersect(b.fp, d.%16$I) AS shared, %1$s.containment(b.fp, d.%16$I) AS containment,
                        %1$s.llmcopy_disguise_units(b.body, d.%9$I::pg_catalog.text, %15$L::pg_catalog.text) AS units,
                        %1$s.llmcopy_disguise_words(b.body, d.%9$I::pg_catalog.text, %15$L::pg_catalog.text) AS words,
                        m.spans, m.longest, m.matched, coalesce(m.exact, false) AS exact,
                        %10$s AS license_raw, %11$s AS author, %12$s AS title, %13$s AS source,
                        count(*) OVER (PARTITION BY b.output_key, md5(%1$s.fingerprint_send(d.%16$I))) AS copies
                 FROM b JOIN %14$s d ON %1$s.fingerprint_contained(b.fp, d.%16$I, $3)
                 CROSS JOIN LATERAL (
                       SELECT coalesce(jsonb_agg(to_jsonb(s) ORDER BY s.a_start), ''[]'') AS spans,
                              coalesce(max(s.tokens), 0) AS longest, coalesce(sum(s.tokens), 0) AS matched,
                              (array_agg(strpos(d.%9$I::pg_catalog.text, substr(b.body, s.a_start, s.a_length)) > 0
                                         ORDER BY s.tokens DESC, s.a_start))[1] AS exact
                       FROM %1$s.llmcopy_matches(b.body, d.%9$I::pg_catalog.text, $4, %15$L::pg_catalog.text) s) m),
             fk AS MATERIALIZED (SELECT DISTINCT f.output_key FROM f WHERE $8),
             df AS (
                 SELECT b.output_key, %1$s.fingerprint_df_agg(d.%16$I, b.fp, $9) AS df
                 FROM b JOIN %14$s d ON b.fp OPERATOR(%1$s.&&) d.%16$I
                 WHERE b.output_key IN (SELECT fk.output_key FROM fk)
                 GROUP BY b.output_key),
             lic AS (
                 SELECT r.raw, l.norm, l.obligations, l.problem
                 FROM (SELECT DISTINCT f.license_raw AS raw FROM f WHERE f.license_raw IS NOT NULL) r
                 CROSS JOIN LATERAL %1$s.llmcopy_license_facts(r.raw) l),
             s AS (
                 SELECT f.*, CASE WHEN f.tokens = 0 THEN 0 ELSE f.matched::float8 / f.tokens END AS coverage,
                        %1$s.containment_weighted(f.fp, f.shared, df.df) AS weighted
                 FROM f LEFT JOIN df ON df.output_key = f.output_key
                 WHERE octet_length(f.work_id) <= %20$s),
             ins AS (
                 INSERT INTO %1$s.llmcopy_findings (output_table, output_id, corpus_table, work_id, logged_at, model,
                     containment, longest_tokens, coverage, spans, license, license_raw, obligations, author, title,
                     source, run_id, weighted, exact, copies, origin_rank, units, words)
                 SELECT $5, s.output_id, $6, s.work_id, s.logged_at, s.model, s.containment, s.longest, s.coverage,
                        s.spans, lic.norm, s.license_raw, lic.obligations, s.author, s.title, s.source, $7,
                        s.weighted, s.exact, s.copies,
                        rank() OVER (PARTITION BY s.output_id
                                     ORDER BY %1$s.llmcopy_origin_key(s.longest, s.exact, s.coverage, s.weighted,
                                                                      s.containment, s.copies::int) DESC),
                        s.units, s.words
                 FROM s LEFT JOIN lic ON lic.raw = s.license_raw
                 ON CONFLICT DO NOTHING
                 RETURNING 1)
             SELECT (SELECT count(*) FROM ins), (SELECT count(*) FROM f WHERE octet_length(f.work_id) > %20$s),
                    (SELECT count(*) FROM lic WHERE lic.problem IS NOT NULL)',
            '@extschema@', o.id_col, o.text_col, logged_at,
            CASE WHEN o.model_col IS NULL THEN 'NULL::pg_catalog.text' ELSE format('o.%I::pg_catalog.text', o.model_col) END,
            otbl, base, c.id_col, c.text_col,
            CASE WHEN c.license_col IS NULL THEN 'NULL::pg_catalog.text' ELSE format('d.%I::pg_catalog.text', c.license_col) END,
            CASE WHEN c.author_col IS NULL THEN 'NULL::pg_catalog.text' ELSE format('d.%I::pg_catalog.text', c.author_col) END,
            CASE WHEN c.title_col IS NULL THEN 'NULL::pg_catalog.text' ELSE format('d.%I::pg_catalog.text', c.title_col) END,
            CASE WHEN c.source_col IS NULL THEN 'NULL::pg_catalog.text' ELSE format('d.%I::pg_catalog.text', c.source_col) END,
            ctbl, c.mode, c.fp_col, o.fp_col, o.k, o.w, max_id_bytes, b_cte);
        IF cardinality(claimed) > 0 THEN
            BEGIN
                EXECUTE find_sql INTO nf, works_out, licenses_out
                USING claimed, bp, r.threshold, r.min_tokens, o.id, c.id, run, r.scores, r.corpus_docs;
            -- an error that says nothing of the outputs (a lock not had in
            -- time, a deadlock or serialization failure, a shard out of
            -- reach, a full disk, an I/O error) fails the batch, whose
            -- outputs stay pending, rather than skipping them for good
            EXCEPTION WHEN OTHERS THEN
                IF @extschema@.llmcopy_transient_error(SQLSTATE) THEN
                    RAISE;
                END IF;
                nf := 0;
                works_out := 0;
                licenses_out := 0;
                FOREACH one IN ARRAY claimed LOOP
                    BEGIN
                        EXECUTE find_sql INTO nf1, works_out1, licenses_out1
                        USING ARRAY[one], bp, r.threshold, r.min_tokens, o.id, c.id, run, r.scores, r.corpus_docs;
                        nf := nf + nf1;
                        works_out := works_out + works_out1;
                        licenses_out := licenses_out + licenses_out1;
                    EXCEPTION WHEN OTHERS THEN
                        IF @extschema@.llmcopy_transient_error(SQLSTATE) THEN
                            RAISE;
                        END IF;
                        UPDATE @extschema@.llmcopy_scanned s SET status = 'skipped', reason = SQLSTATE || ': ' || SQLERRM
                        WHERE (s.output_table, s.corpus_table) = (o.id, c.id)
                          AND sha256(replace(s.output_id, E'\\', E'\\\\')::bytea) = sha256(replace(one, E'\\', E'\\\\')::bytea)
                          AND s.output_id = one;
                        n_skipped := n_skipped + 1;
                    END;
                END LOOP;
            END;
            -- an output scanned again (its record deleted, its findings
            -- kept) holds ranked findings of an earlier scan in this
            -- corpus: they and the new ones are ranked again together, by
            -- the signals stored, so that origin_rank stays the rank among
            -- the output's findings (a work ranked first before and beaten
            -- now is not left ranked first, tied with the new one)
            IF nf > 0 THEN
                UPDATE @extschema@.llmcopy_findings f SET origin_rank = x.new_rank
                FROM (SELECT g.output_id, g.work_id,
                             rank() OVER (PARTITION BY g.output_id
                                          ORDER BY @extschema@.llmcopy_origin_key(g.longest_tokens, g.exact, g.coverage, g.weighted,
                                                                                  g.containment, g.copies) DESC) AS new_rank
                      FROM @extschema@.llmcopy_findings g
                      WHERE g.output_table = o.id AND g.corpus_table = c.id AND g.output_id = ANY (claimed)
                        AND g.origin_rank IS NOT NULL
                        AND g.output_id IN (SELECT h.output_id FROM @extschema@.llmcopy_findings h
                                            WHERE h.output_table = o.id AND h.corpus_table = c.id AND h.output_id = ANY (claimed)
                                              AND h.origin_rank IS NOT NULL AND h.run_id IS DISTINCT FROM run)) x
                WHERE f.output_table = o.id AND f.corpus_table = c.id AND (f.output_id, f.work_id) = (x.output_id, x.work_id)
                  AND f.origin_rank IS DISTINCT FROM x.new_rank;
            END IF;
        END IF;
        UPDATE @extschema@.llmcopy_runs x
        SET done = x.done + n, findings = x.findings + nf, skipped = x.skipped + n_skipped, batches = x.batches + 1,
            updated_at = clock_timestamp(),
            rate = (x.done + n) / greatest(extract(epoch FROM clock_timestamp() - x.started_at), 0.001),
            eta = make_interval(secs => greatest(x.total - x.done - n, 0)
                  / greatest((x.done + n) / greatest(extract(epoch FROM clock_timestamp() - x.started_at), 0.001), 0.001))
        WHERE x.run_id = run;
    EXCEPTION WHEN OTHERS OR query_canceled THEN
        -- (a registration removed while the batch ran: its claims fail
        -- on their foreign key, or its table cannot be resolved; a table
        -- the call does not name locked or changed: llmcopy_scan_ends)
        IF @extschema@.llmcopy_scan_ends(run, SQLSTATE, SQLERRM) THEN
            RETURN;
        END IF;
        RAISE;
    END;
    RAISE NOTICE 'llmcopy_scan: % of % outputs of %.% against %.%, % findings%', r.done + n, r.total,
        quote_ident(o.schema_name), quote_ident(o.table_name), quote_ident(c.schema_name), quote_ident(c.table_name), nf,
        CASE WHEN n_skipped > 0 THEN format(', %s skipped', n_skipped) ELSE '' END
        || CASE WHEN works_out > 0 THEN format(', %s findings of works whose id is over %s bytes left out', works_out, max_id_bytes)
             ELSE '' END
        || CASE WHEN licenses_out > 0 THEN format(', %s licenses that cannot be processed (recorded as unknown)', licenses_out)
             ELSE '' END;
END $$;

-- Whether a registration of the run was removed (with llmcopy_unregister,
-- or by deleting its row) while the run went on: the run then ends, its
-- other runs go on.  The delete has marked it failed (the trigger below).
CREATE FUNCTION llmcopy_scan_unregistered(run int) RETURNS bool
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r @extschema@.llmcopy_runs;
BEGIN
    SELECT * INTO STRICT r FROM @extschema@.llmcopy_runs x WHERE x.run_id = run;
    IF EXISTS (SELECT 1 FROM @extschema@.llmcopy_output_tables x WHERE x.id = r.output_table)
       AND EXISTS (SELECT 1 FROM @extschema@.llmcopy_corpus_tables x WHERE x.id = r.corpus_table) THEN
        RETURN false;
    END IF;
    RAISE WARNING 'llmcopy_scan: %; the scan of it ends', coalesce(r.problem, 'a table of the scan was unregistered during it');
    RETURN true;
END $$;

-- A registration removed while a scan of it runs: its running runs fail,
-- saying why, before the row goes.  As the extension's owner (SECURITY
-- DEFINER), not as the remover: a run names two tables, and the remover's
-- row-level security hides the runs of those it may not read both of (an
-- administrator who may read the outputs table and not the corpus may
-- remove the outputs' registration); such a run stayed running, its call's
-- lock held, and with the registration gone no role but a superuser could
-- close it.  It changes only the runs of the registration the remover was
-- allowed to delete (whose findings go with it, whatever corpus they name),
-- and only on the registration tables; no role may attach it elsewhere
-- (EXECUTE, which CREATE TRIGGER needs, is revoked from PUBLIC).
CREATE FUNCTION llmcopy_registration_removed() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    outputs constant oid := '@extschema@.llmcopy_output_tables'::regclass::oid;
BEGIN
    IF TG_RELID NOT IN (outputs, '@extschema@.llmcopy_corpus_tables'::regclass::oid)
       OR TG_OP <> 'DELETE' OR TG_WHEN <> 'BEFORE' OR TG_LEVEL <> 'ROW' THEN
        RAISE EXCEPTION 'llmcopy_registration_removed() must be fired BEFORE DELETE FOR EACH ROW on the registration tables'
            USING ERRCODE = 'trigger_protocol_violated';
    END IF;
    UPDATE @extschema@.llmcopy_runs x
    SET status = 'failed', finished_at = clock_timestamp(), updated_at = clock_timestamp(),
        problem = format('table %s.%s was unregistered during the scan', quote_ident(OLD.schema_name), quote_ident(OLD.table_name))
    WHERE x.status IN ('running', 'stopped') AND x.finished_at IS NULL
      AND CASE WHEN TG_RELID = outputs THEN x.output_table ELSE x.corpus_table END = OLD.id;
    RETURN OLD;
END $$;

REVOKE EXECUTE ON FUNCTION llmcopy_registration_removed() FROM PUBLIC;

CREATE TRIGGER llmcopy_removed BEFORE DELETE ON llmcopy_output_tables
    FOR EACH ROW EXECUTE FUNCTION llmcopy_registration_removed();
CREATE TRIGGER llmcopy_removed BEFORE DELETE ON llmcopy_corpus_tables
    FOR EACH ROW EXECUTE FUNCTION llmcopy_registration_removed();

-- A registration's owner_oid: the OID of the role that owns the table of
-- its schema and name, when that role's name is table_owner (else 0, which
-- no table's owner has), set whenever a row is written with a table_owner,
-- schema or name, or one that sets owner_oid itself (which only this
-- trigger sets: the OID grants the rights of the recorded owner,
-- llmcopy_recorded_owner): by registration, when the extension's owner
-- records an owner, and by a restore's COPY, so that the OID is the one of the
-- cluster the row is in.  A table of the name that a role made later under
-- the same name (the registered table's owner dropped) then does not match
-- (llmcopy_owner_problem), whatever was done to the registered table in
-- between.  (A restore with triggers disabled keeps the OIDs of the dumped
-- cluster: its registrations are refused until an owner is recorded.)
CREATE FUNCTION llmcopy_registration_owner() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    NEW.owner_oid := coalesce((SELECT c.relowner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                               WHERE n.nspname = NEW.schema_name AND c.relname = NEW.table_name
                                 AND pg_get_userbyid(c.relowner) = NEW.table_owner), 0);
    RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION llmcopy_registration_owner() FROM PUBLIC;
CREATE TRIGGER llmcopy_owner BEFORE INSERT OR UPDATE OF schema_name, table_name, table_owner, owner_oid ON llmcopy_output_tables
    FOR EACH ROW EXECUTE FUNCTION llmcopy_registration_owner();
CREATE TRIGGER llmcopy_owner BEFORE INSERT OR UPDATE OF schema_name, table_name, table_owner, owner_oid ON llmcopy_corpus_tables
    FOR EACH ROW EXECUTE FUNCTION llmcopy_registration_owner();
-- (enabled always: rows a logical replication subscriber receives get the
-- subscriber's OIDs, as a restore's do)
ALTER TABLE llmcopy_output_tables ENABLE ALWAYS TRIGGER llmcopy_owner;
ALTER TABLE llmcopy_corpus_tables ENABLE ALWAYS TRIGGER llmcopy_owner;

-- Closes a run, and releases the call's lock after its last run.
CREATE FUNCTION llmcopy_scan_end(run int) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    s int;
    k int;
BEGIN
    -- (read apart from the update, which a role's row-level security
    -- keeps from a run whose registration was removed)
    SELECT x.scan, x.lock_key INTO s, k FROM @extschema@.llmcopy_runs x WHERE x.run_id = run;
    UPDATE @extschema@.llmcopy_runs x
    SET status = CASE WHEN x.status = 'running' THEN 'done' ELSE x.status END,
        finished_at = clock_timestamp(), updated_at = clock_timestamp()
    WHERE x.run_id = run;
    IF NOT EXISTS (SELECT 1 FROM @extschema@.llmcopy_runs x WHERE x.scan = s AND x.status = 'running') THEN
        PERFORM pg_advisory_unlock(1819045219, k);
    END IF;
END $$;

-- Dashboard views: they read the findings with the rights of whoever
-- queries them (security_invoker), so row-level security applies.
CREATE VIEW llmcopy_findings_daily WITH (security_invoker = true) AS
SELECT pg_catalog.date_trunc('day', f.logged_at) AS day, f.model, coalesce(f.license, 'unknown') AS license,
       pg_catalog.count(DISTINCT (f.output_table, f.output_id)) AS outputs, pg_catalog.count(*) AS findings,
       pg_catalog.round(pg_catalog.avg(f.containment)::numeric, 3) AS avg_containment,
       pg_catalog.round(pg_catalog.avg(f.weighted)::numeric, 3) AS avg_weighted,
       pg_catalog.count(*) FILTER (WHERE f.origin_rank = 1) AS origins
FROM llmcopy_findings f GROUP BY 1, 2, 3;

CREATE VIEW llmcopy_findings_by_obligation WITH (security_invoker = true) AS
SELECT pg_catalog.date_trunc('day', f.logged_at) AS day, f.model, o.obligation,
       pg_catalog.count(DISTINCT (f.output_table, f.output_id)) AS outputs
FROM llmcopy_findings f,
     LATERAL (VALUES ('attribution', (f.obligations ->> 'attribution')::bool),
                     ('copyleft ' || coalesce(f.obligations ->> 'copyleft', 'unknown'), f.obligations ->> 'copyleft' <> 'none'),
                     ('share_alike', (f.obligations ->> 'share_alike')::bool),
                     ('non_commercial', (f.obligations ->> 'non_commercial')::bool),
                     ('no_derivatives', (f.obligations ->> 'no_derivatives')::bool),
                     ('unknown license', f.license IS NULL OR f.obligations ->> 'copyleft' IS NULL)) o(obligation, applies)
WHERE o.applies
GROUP BY 1, 2, 3;

CREATE VIEW llmcopy_output_attribution WITH (security_invoker = true) AS
SELECT f.output_table, f.output_id, pg_catalog.count(*) AS works,
       attribution_agg(f.author, f.title, f.source, coalesce(f.license, f.license_raw)) AS attribution
FROM llmcopy_findings f
WHERE coalesce((f.obligations ->> 'attribution')::bool, true)     -- required, or not known not to be
GROUP BY f.output_table, f.output_id;

CREATE VIEW llmcopy_top_works WITH (security_invoker = true) AS
SELECT f.corpus_table, f.work_id, f.title, f.license, pg_catalog.count(DISTINCT (f.output_table, f.output_id)) AS outputs,
       pg_catalog.max(f.longest_tokens) AS longest_tokens,
       pg_catalog.count(DISTINCT (f.output_table, f.output_id)) FILTER (WHERE f.origin_rank = 1) AS origin_of,
       pg_catalog.max(f.weighted) AS max_weighted
FROM llmcopy_findings f GROUP BY 1, 2, 3, 4;

-- The likeliest origin of each output's copied text in each corpus: its
-- finding ranked first by llmcopy_origin_key, with how many works hold the
-- same text (candidates), how many are ranked first with it (tied: works
-- equal on every signal, which nothing in the output tells apart; 1 when
-- the origin is certain) and the scores to filter on.
-- (Counted by a window over the findings in their key's order, so that
-- the view stays linear in the findings however many tie; a filter on the
-- output or the corpus is applied before the window.)
CREATE VIEW llmcopy_origins WITH (security_invoker = true) AS
SELECT f.output_table, f.output_id, f.corpus_table, f.work_id, f.logged_at, f.model, f.title, f.author, f.source,
       f.license, f.containment, f.weighted, f.longest_tokens, f.coverage, f.exact, f.copies,
       f.candidates, f.tied, f.units, f.words
FROM (SELECT g.*, pg_catalog.count(*) OVER w AS candidates,
             pg_catalog.count(*) FILTER (WHERE g.origin_rank = 1) OVER w AS tied
      FROM llmcopy_findings g
      WINDOW w AS (PARTITION BY g.output_table, g.output_id, g.corpus_table)) f
WHERE f.origin_rank = 1;

COMMENT ON VIEW llmcopy_origins IS
'per output and corpus, the findings ranked first by llmcopy_origin_key (the likeliest origins; several when tied), with their scores';

-- Whether two license expressions are incompatible both ways: neither may
-- go into a work under the other.  A pair too large to compare (54000) or
-- an expression that does not parse counts as unknown, as an uncatalogued
-- license does, so one finding cannot stop the view.  (Parallel unsafe:
-- catching an error takes a subtransaction, which parallel query forbids.)
CREATE FUNCTION llmcopy_incompatible(a text, b text) RETURNS bool
LANGUAGE plpgsql STABLE STRICT PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN @extschema@.license_compatible(a, b) IS FALSE AND @extschema@.license_compatible(b, a) IS FALSE;
EXCEPTION WHEN program_limit_exceeded OR invalid_text_representation THEN
    RETURN NULL;
END $$;

CREATE VIEW llmcopy_license_conflicts WITH (security_invoker = true) AS
SELECT f.output_table, f.output_id,
       pg_catalog.array_agg(f.work_id || ': ' || coalesce(f.license, 'unknown (' || coalesce(f.license_raw, 'none') || ')')
                            ORDER BY f.work_id) AS sources,
       pg_catalog.count(DISTINCT coalesce(f.license, f.license_raw, '')) AS licenses,
       pg_catalog.bool_or(EXISTS (SELECT 1 FROM llmcopy_findings g
                                  WHERE g.output_table = f.output_table AND g.output_id = f.output_id
                                    AND llmcopy_incompatible(f.license, g.license))) AS incompatible
FROM llmcopy_findings f
GROUP BY f.output_table, f.output_id
HAVING pg_catalog.count(DISTINCT coalesce(f.license, f.license_raw, '')) > 1;

-- How often each model reproduces: per day (of logged_at) and model, the
-- outputs scanned, those skipped, those with a finding whose longest
-- common run is at least min_tokens tokens (and whose rarity-weighted
-- containment is at least min_weighted, when that is above 0), and their
-- share of the scanned.  An output counts once however many corpora it
-- was scanned against; a NULL logged_at counts under a NULL day.
CREATE FUNCTION llmcopy_reproduction_rates(min_tokens int DEFAULT 50, min_weighted float8 DEFAULT 0,
    OUT day timestamptz, OUT model text, OUT scanned bigint, OUT skipped bigint,
    OUT reproducing bigint, OUT rate float8)
RETURNS SETOF record
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    WITH outputs AS (
        SELECT s.output_table, s.output_id, pg_catalog.min(s.logged_at) AS logged_at, pg_catalog.min(s.model) AS model,
               pg_catalog.bool_or(s.status = 'scanned') AS scanned
        FROM llmcopy_scanned s GROUP BY s.output_table, s.output_id),
    hits AS (
        SELECT DISTINCT f.output_table, f.output_id FROM llmcopy_findings f
        WHERE f.longest_tokens >= llmcopy_reproduction_rates.min_tokens
          AND (llmcopy_reproduction_rates.min_weighted <= 0::float8 OR f.weighted >= llmcopy_reproduction_rates.min_weighted))
    SELECT pg_catalog.date_trunc('day', o.logged_at), o.model,
           pg_catalog.count(*) FILTER (WHERE o.scanned), pg_catalog.count(*) FILTER (WHERE NOT o.scanned),
           pg_catalog.count(h.output_id) FILTER (WHERE o.scanned),
           pg_catalog.count(h.output_id) FILTER (WHERE o.scanned)::float8
               / nullif(pg_catalog.count(*) FILTER (WHERE o.scanned), 0)::float8
    FROM outputs o LEFT JOIN hits h ON h.output_table = o.output_table AND h.output_id = o.output_id
    GROUP BY 1, 2;
END;

COMMENT ON FUNCTION llmcopy_reproduction_rates(int, float8) IS
'per day and model: outputs scanned, skipped, with a copied run of at least min_tokens tokens (and a rarity-weighted containment of at least min_weighted), and that share of the scanned';

CREATE VIEW llmcopy_reproduction_rate WITH (security_invoker = true) AS
SELECT * FROM llmcopy_reproduction_rates(50);

COMMENT ON VIEW llmcopy_reproduction_rate IS
'per day and model: outputs scanned, skipped, with a copied run of at least 50 tokens, and that share of the scanned';

-- Outputs at or below a pair's watermark were scanned by 0.1.0: they are
-- recorded as such, so the first scan does not redo them.  The comparison
-- is the one 0.1.0 made, (logged_at, id), done here in the id's built-in
-- base type.  The update runs as a superuser: a table is read only if a
-- scan would read it (llmcopy_registration_problem: a plain or partitioned
-- table with the registered columns and types, and no row-level security
-- policy to run), with the search_path pinned, and each pair in a
-- subtransaction of its own, so that the owner of a registered table can
-- neither run code as the updating role nor stop the update (a watermark
-- that no longer compares, after the id column was retyped, records
-- nothing).  A registration left out keeps no record: its outputs are
-- scanned again, and the findings already there are kept, not duplicated.
DO $$
DECLARE
    path text := pg_catalog.current_setting('search_path');
    p record;
    r record;
BEGIN
    PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
    FOR p IN SELECT w.output_table, w.corpus_table, w.logged_at, w.id, o.id_col, o.id_type, o.logged_at_col, o.model_col
             FROM @extschema@.llmcopy_watermarks w JOIN @extschema@.llmcopy_output_tables o ON o.id = w.output_table
             WHERE w.logged_at IS NOT NULL LOOP
        SELECT * INTO r FROM @extschema@.llmcopy_registration_locked('outputs', p.output_table);
        IF r.problem IS NOT NULL THEN
            RAISE WARNING 'outputs registration % is not migrated: %', p.output_table, r.problem
                USING DETAIL = 'Its outputs at or below the watermark of pg_llmcopy 0.1.0 are not recorded as scanned: the next scan of the registration scans them again.';
            CONTINUE;
        END IF;
        BEGIN
            EXECUTE format(
                'INSERT INTO %6$s.llmcopy_scanned (output_table, corpus_table, output_id, status, reason, model, logged_at, run_id)
                 SELECT $1, $2, o.%1$I::text, ''scanned'', ''at or below the watermark of pg_llmcopy 0.1.0'', %2$s,
                        o.%3$I::timestamptz, NULL
                 FROM %4$s o WHERE (o.%3$I, o.%1$I) <= ($3, $4::%5$s)
                 ON CONFLICT DO NOTHING',
                p.id_col, CASE WHEN p.model_col IS NOT NULL THEN format('o.%I::text', p.model_col) ELSE 'NULL' END,
                p.logged_at_col, r.tbl, @extschema@.llmcopy_base_type(p.id_type), '@extschema@')
            USING p.output_table, p.corpus_table, p.logged_at, p.id;
        EXCEPTION WHEN OTHERS THEN
            RAISE WARNING 'outputs registration % is not migrated: %', p.output_table, SQLERRM
                USING DETAIL = 'Its outputs at or below the watermark of pg_llmcopy 0.1.0 are not recorded as scanned: the next scan of the registration scans them again.';
        END;
    END LOOP;
    PERFORM pg_catalog.set_config('search_path', path, true);
END $$;
DROP TABLE llmcopy_watermarks;

-- ---------------------------------------------------------------------------
-- Catalogue edits survive pg_dump
--
-- pg_dump keeps the rows of llmcopy_licenses and llmcopy_license_rules that
-- the extension did not provide, and the provided rows a user changed
-- (modified, set by the update trigger).  On restore, CREATE EXTENSION
-- provides the rows again first; a dumped built-in row then replaces the
-- provided one (the insert trigger).

ALTER TABLE llmcopy_licenses ADD COLUMN modified bool NOT NULL DEFAULT false;
ALTER TABLE llmcopy_license_rules ADD COLUMN modified bool NOT NULL DEFAULT false;

-- A provided row that is changed is marked modified (unless the change
-- sets modified itself); which rows were provided cannot be changed.
CREATE FUNCTION llmcopy_catalogue_edit() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    NEW.builtin := OLD.builtin;
    IF OLD.builtin AND NEW.modified = OLD.modified AND NEW IS DISTINCT FROM OLD THEN
        NEW.modified := true;
    END IF;
    RETURN NEW;
END $$;

-- A provided row inserted again (from a dump) replaces the one there.
CREATE FUNCTION llmcopy_catalogue_restore() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NEW.builtin THEN
        IF TG_TABLE_NAME = 'llmcopy_licenses' THEN
            DELETE FROM @extschema@.llmcopy_licenses l WHERE l.id = NEW.id AND l.builtin;
        ELSE
            DELETE FROM @extschema@.llmcopy_license_rules l
            WHERE (l.inbound, l.outbound_like) = (NEW.inbound, NEW.outbound_like) AND l.builtin;
        END IF;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER llmcopy_edit BEFORE UPDATE ON llmcopy_licenses
    FOR EACH ROW EXECUTE FUNCTION llmcopy_catalogue_edit();
CREATE TRIGGER llmcopy_restore BEFORE INSERT ON llmcopy_licenses
    FOR EACH ROW EXECUTE FUNCTION llmcopy_catalogue_restore();
CREATE TRIGGER llmcopy_edit BEFORE UPDATE ON llmcopy_license_rules
    FOR EACH ROW EXECUTE FUNCTION llmcopy_catalogue_edit();
CREATE TRIGGER llmcopy_restore BEFORE INSERT ON llmcopy_license_rules
    FOR EACH ROW EXECUTE FUNCTION llmcopy_catalogue_restore();
SELECT pg_catalog.pg_extension_config_dump('llmcopy_licenses', 'WHERE NOT builtin OR modified');
SELECT pg_catalog.pg_extension_config_dump('llmcopy_license_rules', 'WHERE NOT builtin OR modified');

-- ---------------------------------------------------------------------------
-- Privileges
--
-- PUBLIC keeps EXECUTE on the pure functions and may read the license
-- catalogue.  Reading the workflow's tables and views, and registering,
-- scanning and administering, are granted to roles the DBA creates, with
-- llmcopy_grant(role, 'read' | 'admin'); the extension creates no role.
-- Row-level security limits what a role reads and writes of the findings
-- and scan records to the tables it may read.

GRANT SELECT ON llmcopy_licenses, llmcopy_license_rules TO PUBLIC;
REVOKE EXECUTE ON FUNCTION llmcopy_register_corpus(regclass, name, name, name, name, name, name, int, int, text, bool, bool, name),
    llmcopy_register_outputs(regclass, name, name, name, name, int, int, text, bool, name), llmcopy_unregister(regclass),
    llmcopy_refresh_boilerplate(regclass, int), llmcopy_refresh_boilerplate(regclass, float8),
    llmcopy_refresh_boilerplate_by(regclass, int, float8),
    llmcopy_add_fingerprint(regclass, name, int, int, text, bool, text, name),
    llmcopy_fill_batch(regclass, text, int, bigint), llmcopy_fill_end(regclass, bigint),
    llmcopy_scan_begin(regclass, regclass, float8, int, int, int, bool), llmcopy_scan_pending(int),
    llmcopy_scan_batch(int, text[]), llmcopy_scan_end(int), llmcopy_scan_unregistered(int),
    llmcopy_scan_ends(int, text, text), llmcopy_scan_lock_problem(int, int, text[]), llmcopy_scan_run_failed(int, text)
    FROM PUBLIC;
REVOKE EXECUTE ON PROCEDURE llmcopy_scan(regclass, regclass, float8, int, int, int, bool), llmcopy_fill(regclass, int) FROM PUBLIC;

-- What a level of access is made of: one row per privilege.
CREATE FUNCTION llmcopy_privileges(access text, OUT kind text, OUT privilege text, OUT object text)
RETURNS SETOF record
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT v.kind, v.privilege, v.object
    FROM (VALUES
        ('read', 'TABLE', 'SELECT', 'llmcopy_corpus_tables'), ('read', 'TABLE', 'SELECT', 'llmcopy_output_tables'),
        ('read', 'TABLE', 'SELECT', 'llmcopy_boilerplate'), ('read', 'TABLE', 'SELECT', 'llmcopy_findings'),
        ('read', 'TABLE', 'SELECT', 'llmcopy_scanned'), ('read', 'TABLE', 'SELECT', 'llmcopy_runs'),
        ('read', 'TABLE', 'SELECT', 'llmcopy_registrations'), ('read', 'TABLE', 'SELECT', 'llmcopy_findings_daily'),
        ('read', 'TABLE', 'SELECT', 'llmcopy_findings_by_obligation'), ('read', 'TABLE', 'SELECT', 'llmcopy_output_attribution'),
        ('read', 'TABLE', 'SELECT', 'llmcopy_top_works'), ('read', 'TABLE', 'SELECT', 'llmcopy_license_conflicts'),
        ('read', 'TABLE', 'SELECT', 'llmcopy_reproduction_rate'), ('read', 'TABLE', 'SELECT', 'llmcopy_origins'),
        ('admin', 'TABLE', 'INSERT, UPDATE, DELETE', 'llmcopy_corpus_tables'),
        ('admin', 'TABLE', 'INSERT, UPDATE, DELETE', 'llmcopy_output_tables'),
        ('admin', 'TABLE', 'INSERT, UPDATE, DELETE', 'llmcopy_boilerplate'),
        ('admin', 'TABLE', 'INSERT, UPDATE, DELETE', 'llmcopy_findings'),
        ('admin', 'TABLE', 'INSERT, UPDATE, DELETE', 'llmcopy_scanned'),
        ('admin', 'TABLE', 'INSERT, UPDATE, DELETE', 'llmcopy_runs'),
        ('admin', 'TABLE', 'INSERT, UPDATE, DELETE', 'llmcopy_licenses'),
        ('admin', 'TABLE', 'INSERT, UPDATE, DELETE', 'llmcopy_license_rules'),
        ('admin', 'SEQUENCE', 'USAGE', 'llmcopy_corpus_tables_id_seq'),
        ('admin', 'SEQUENCE', 'USAGE', 'llmcopy_output_tables_id_seq'),
        ('admin', 'SEQUENCE', 'USAGE', 'llmcopy_runs_run_id_seq'),
        ('admin', 'ROUTINE', 'EXECUTE', 'llmcopy_register_corpus'), ('admin', 'ROUTINE', 'EXECUTE', 'llmcopy_register_outputs'),
        ('admin', 'ROUTINE', 'EXECUTE', 'llmcopy_unregister'), ('admin', 'ROUTINE', 'EXECUTE', 'llmcopy_refresh_boilerplate'),
        ('admin', 'ROUTINE', 'EXECUTE', 'llmcopy_add_fingerprint'), ('admin', 'ROUTINE', 'EXECUTE', 'llmcopy_scan'),
        ('admin', 'ROUTINE', 'EXECUTE', 'llmcopy_scan_begin'), ('admin', 'ROUTINE', 'EXECUTE', 'llmcopy_scan_pending'),
        ('admin', 'ROUTINE', 'EXECUTE', 'llmcopy_scan_batch'), ('admin', 'ROUTINE', 'EXECUTE', 'llmcopy_scan_end'),
        ('admin', 'ROUTINE', 'EXECUTE', 'llmcopy_scan_unregistered'), ('admin', 'ROUTINE', 'EXECUTE', 'llmcopy_scan_ends'),
        ('admin', 'ROUTINE', 'EXECUTE', 'llmcopy_scan_run_failed'),
        ('admin', 'ROUTINE', 'EXECUTE', 'llmcopy_scan_lock_problem'),
        ('admin', 'ROUTINE', 'EXECUTE', 'llmcopy_refresh_boilerplate_by'), ('admin', 'ROUTINE', 'EXECUTE', 'llmcopy_fill'),
        ('admin', 'ROUTINE', 'EXECUTE', 'llmcopy_fill_batch'), ('admin', 'ROUTINE', 'EXECUTE', 'llmcopy_fill_end')
    ) v(access, kind, privilege, object)
    WHERE v.access = llmcopy_privileges.access OR llmcopy_privileges.access = 'admin' AND v.access = 'read';
END;

-- A GRANT or REVOKE (pattern) of a privilege on an object of the
-- extension: a routine by each of its signatures (a name may be overloaded).
CREATE FUNCTION llmcopy_privilege_statement(pattern text, privilege text, kind text, object text, role regrole) RETURNS text
LANGUAGE sql STABLE STRICT
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT pg_catalog.string_agg(pg_catalog.format(pattern, privilege, o.target, role), '; ' ORDER BY o.target)
    FROM (SELECT pg_catalog.format('%s %s.%I', kind, '@extschema@', object) AS target WHERE kind <> 'ROUTINE'
          UNION ALL
          SELECT 'ROUTINE ' || p.oid::regprocedure::text FROM pg_catalog.pg_proc p
          WHERE kind = 'ROUTINE' AND p.proname = object AND p.pronamespace = '@extschema@'::regnamespace::oid) o;
END;

-- Grants a level of access ('read' or 'admin', which includes 'read') to a
-- role, or revokes every level.  They run with the caller's rights: only
-- the extension's owner (or a superuser) can grant.
CREATE FUNCTION llmcopy_grant(role regrole, access text) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    p record;
BEGIN
    IF access IS NULL OR access NOT IN ('read', 'admin') THEN
        RAISE EXCEPTION 'access must be ''read'' or ''admin'', not %', coalesce(quote_literal(access), 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT pg_has_role((SELECT e.extowner FROM pg_extension e WHERE e.extname = 'pg_llmcopy'), 'USAGE') THEN
        RAISE EXCEPTION 'only the owner of extension pg_llmcopy may grant access to it' USING ERRCODE = 'insufficient_privilege';
    END IF;
    FOR p IN SELECT * FROM @extschema@.llmcopy_privileges(access) LOOP
        EXECUTE @extschema@.llmcopy_privilege_statement('GRANT %s ON %s TO %s', p.privilege, p.kind, p.object, role);
    END LOOP;
END $$;

CREATE FUNCTION llmcopy_revoke(role regrole) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    p record;
BEGIN
    IF NOT pg_has_role((SELECT e.extowner FROM pg_extension e WHERE e.extname = 'pg_llmcopy'), 'USAGE') THEN
        RAISE EXCEPTION 'only the owner of extension pg_llmcopy may revoke access to it' USING ERRCODE = 'insufficient_privilege';
    END IF;
    FOR p IN SELECT * FROM @extschema@.llmcopy_privileges('admin') LOOP
        EXECUTE @extschema@.llmcopy_privilege_statement('REVOKE %s ON %s FROM %s', p.privilege, p.kind, p.object, role);
    END LOOP;
END $$;

REVOKE EXECUTE ON FUNCTION llmcopy_grant(regrole, text), llmcopy_revoke(regrole) FROM PUBLIC;
