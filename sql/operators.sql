-- Measures, operators, set operations, aggregates and parameter checks.
-- k=1, w=1 keeps every token hash, so the sets are easy to check by hand.

-- same hash set (token counts aside)
CREATE FUNCTION pg_temp.same_set(a fingerprint, b fingerprint) RETURNS bool LANGUAGE sql
AS $$ SELECT (fingerprint_info(a - b)).hashes = 0 AND (fingerprint_info(b - a)).hashes = 0 $$;

CREATE TEMP TABLE s AS SELECT
    fingerprint('a b c d'::text, 1, 1) AS abcd,
    fingerprint('c d e f g h'::text, 1, 1) AS cdefgh,
    fingerprint('a b'::text, 1, 1) AS ab,
    fingerprint(''::text, 1, 1) AS empty;

SELECT fingerprint_info(abcd) AS abcd, fingerprint_info(cdefgh) AS cdefgh FROM s;
-- |abcd ∩ cdefgh| = 2: containment 2/4 and 2/6, jaccard 2/8
SELECT containment(abcd, cdefgh) AS c_ab, containment(cdefgh, abcd) AS c_ba,
       jaccard(abcd, cdefgh) AS j, jaccard(cdefgh, abcd) AS j_sym,
       containment(ab, abcd) AS ab_in_abcd, containment(empty, abcd) AS empty_in,
       containment(abcd, empty) AS in_empty, jaccard(empty, empty) AS j_empty
FROM s;

-- Set operations, checked through their sizes and identities.
SELECT (fingerprint_info(abcd | cdefgh)).hashes AS union_n,
       (fingerprint_info(abcd & cdefgh)).hashes AS inter_n,
       (fingerprint_info(abcd - cdefgh)).hashes AS minus_n,
       pg_temp.same_set((abcd - cdefgh) | (abcd & cdefgh), abcd) AS split_rejoins,
       (fingerprint_info(abcd - abcd)).hashes = 0 AS self_minus_empty,
       pg_temp.same_set(abcd | ab, abcd) AS union_absorbs,
       jaccard(abcd & cdefgh, cdefgh & abcd) = 1 AS inter_commutes
FROM s;
SELECT (fingerprint_info(abcd | cdefgh)).tokens AS union_tokens,
       (fingerprint_info(abcd & cdefgh)).tokens AS inter_tokens,
       (fingerprint_info(abcd - cdefgh)).tokens AS minus_tokens
FROM s;

-- Operators follow the GUC thresholds.
SHOW pg_llmcopy.containment_threshold;
SHOW pg_llmcopy.jaccard_threshold;
SET pg_llmcopy.containment_threshold = 0.5;
SELECT abcd <% cdefgh AS half_in, cdefgh <% abcd AS third_in, cdefgh %> abcd AS commuted,
       ab <% abcd AS ab_in, abcd && cdefgh AS overlap, ab && cdefgh AS no_overlap
FROM s;
SET pg_llmcopy.containment_threshold = 0.51;
SELECT abcd <% cdefgh AS half_in FROM s;
SET pg_llmcopy.jaccard_threshold = 0.25;
SELECT abcd % cdefgh AS j_quarter FROM s;
SET pg_llmcopy.jaccard_threshold = 0.26;
SELECT abcd % cdefgh AS j_quarter FROM s;
RESET pg_llmcopy.containment_threshold;
RESET pg_llmcopy.jaccard_threshold;
SET pg_llmcopy.containment_threshold = 1.5;
SET pg_llmcopy.jaccard_threshold = -0.1;

-- The explicit-threshold functions agree with the operators.
SELECT fingerprint_contained(abcd, cdefgh, 0.5) AS c50, fingerprint_contained(abcd, cdefgh, 0.51) AS c51,
       fingerprint_similar(abcd, cdefgh, 0.25) AS s25, fingerprint_similar(abcd, cdefgh, 0.26) AS s26,
       fingerprint_contained(empty, abcd, 0) AS empty_at_zero
FROM s;
SELECT fingerprint_contained(abcd, cdefgh, 1.01) FROM s;
SELECT fingerprint_similar(abcd, cdefgh, 'NaN') FROM s;

-- Aggregates: the union of all, and the hashes common to at least n values.
CREATE TEMP TABLE docs(id int, fp fingerprint);
INSERT INTO docs VALUES (1, fingerprint('a b c'::text, 1, 1)), (2, fingerprint('b c d'::text, 1, 1)),
                        (3, fingerprint('c d e'::text, 1, 1)), (4, NULL);
SELECT pg_temp.same_set(fingerprint_union_agg(fp), fingerprint('a b c d e'::text, 1, 1)) AS union_ok,
       pg_temp.same_set(fingerprint_common_agg(fp, 3), fingerprint('c'::text, 1, 1)) AS common3,
       pg_temp.same_set(fingerprint_common_agg(fp, 2), fingerprint('b c d'::text, 1, 1)) AS common2,
       (fingerprint_info(fingerprint_common_agg(fp, 4))).hashes AS common4,
       (fingerprint_info(fingerprint_union_agg(fp))).tokens AS union_tokens
FROM docs;
SELECT fingerprint_union_agg(fp) IS NULL AS no_rows FROM docs WHERE false;
SELECT fingerprint_common_agg(fp, 0) FROM docs;
SELECT fingerprint_common_agg(fp, id) FROM docs;
-- many values: the union compacts as it grows and stays exact
SELECT (fingerprint_info(fingerprint_union_agg(fingerprint(i::text || ' x ' || (i % 7)::text, 1, 1)))).hashes
FROM generate_series(1, 5000) i;

-- Values with different parameters never compare silently.
SELECT containment(fingerprint('a b c'::text, 1, 1), fingerprint('a b c'::text, 2, 1));
SELECT jaccard(fingerprint('a b c'::text), fingerprint('a b c'::text, 5, 11));
SELECT fingerprint('a b c'::text) && fingerprint('a b c'::text, 5, 10, 'code');
SELECT fingerprint('a b c'::text) | fingerprint('a b c'::text, 4);
SELECT fingerprint_union_agg(fp) FROM (VALUES (fingerprint('a'::text, 1, 1)), (fingerprint('a'::text, 1, 2))) v(fp);
-- the one exception: subtracting a shingle set (w = 1) of the same k and mode
SELECT (fingerprint_info(fingerprint('a b c d e f g h i j k l m n o p'::text, 3, 4) -
                         fingerprint('a b c d e f g h'::text, 3, 1))).hashes
       < (fingerprint_info(fingerprint('a b c d e f g h i j k l m n o p'::text, 3, 4))).hashes AS shingles_subtracted,
       (fingerprint_info(fingerprint('a b c d e f g h'::text, 3, 4) -
                         fingerprint('a b c d e f g h'::text, 3, 1))).hashes AS nothing_left;
SELECT fingerprint('a b c d e f g h'::text, 3, 1) - fingerprint('a b c d e f g h'::text, 3, 4);
SELECT fingerprint('a b c d e f g h'::text, 3, 4) - fingerprint('a b c d e f g h'::text, 2, 1);
-- the threshold operators need a value that carries one
SELECT fingerprint('a b c'::text) %># fingerprint('a b c'::text);
