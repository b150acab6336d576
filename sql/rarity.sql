-- Prior art weighed by rarity: fingerprint_df, fingerprint_df_agg, containment_weighted.

-- A corpus of 40 works of 60 words of their own.  Works 1..31 also share an
-- idiom (a 40-word passage, as a license header or an idiom of a language
-- would be).  The output copies the idiom and 26 words of work 1's own text;
-- work 31 (or any of 2..31) is an independent work that shares the idiom only.
CREATE TEMP TABLE idiom AS
SELECT string_agg('idiom' || i, ' ') AS t FROM generate_series(1, 40) i;
CREATE TEMP TABLE works AS
SELECT i AS id,
       CASE WHEN i <= 31 THEN (SELECT t FROM idiom) ELSE '' END || ' ' ||
       (SELECT string_agg(md5(i::text || '-' || j::text), ' ') FROM generate_series(1, 60) j) AS body
FROM generate_series(1, 40) i;
ALTER TABLE works ADD COLUMN fp fingerprint;
UPDATE works SET fp = fingerprint(body);
CREATE INDEX works_fp ON works USING gin (fp);
CREATE TEMP TABLE outputs AS
SELECT 1 AS id, (SELECT t FROM idiom) || ' ' ||
       (SELECT string_agg(md5('1-' || j::text), ' ') FROM generate_series(20, 45) j) AS body;
ALTER TABLE outputs ADD COLUMN fp fingerprint;
UPDATE outputs SET fp = fingerprint(body);

\i test/explain.sql
-- The document frequencies of the output's hashes, from the works an index
-- scan returns for `output && work`.
SET enable_seqscan = off;
CREATE TEMP TABLE df AS
SELECT o.id, fingerprint_df_agg(w.fp, o.fp, (SELECT count(*) FROM works)) AS df
FROM outputs o JOIN works w ON o.fp && w.fp GROUP BY o.id;
SELECT * FROM pg_temp.explain($$
SELECT fingerprint_df_agg(w.fp, o.fp, 40) FROM outputs o JOIN works w ON o.fp && w.fp$$);
RESET enable_seqscan;
SELECT version, mode, k, w, seed, docs, hashes = (SELECT (fingerprint_info(fp)).hashes FROM outputs) AS all_query_hashes
FROM df, fingerprint_df_info(df.df);

-- Each count equals the number of works holding the hash, counted one hash at a time
-- (the hashes across the idiom's end are in no work).
CREATE TEMP TABLE counts AS
SELECT m[1] AS hash, m[2]::int AS docs
FROM df, regexp_matches(df.df::text, '([0-9a-f]{16}):([0-9]+)', 'g') m;
SELECT count(*) AS hashes,
       count(*) FILTER (WHERE c.docs = (SELECT count(*) FROM works w
                                        WHERE w.fp && format('v1 text k=5 w=10 seed=0 tokens=0 {%s}', c.hash)::fingerprint)) AS right_count,
       count(*) FILTER (WHERE c.docs = 31) AS idiom_hashes, count(*) FILTER (WHERE c.docs = 1) AS own_hashes,
       count(*) FILTER (WHERE c.docs = 0) AS in_no_work
FROM counts c;
-- the same counts from a sequential scan over all works
SELECT (SELECT df::text FROM df) = fingerprint_df_agg(w.fp, o.fp, 40)::text AS seqscan_same
FROM outputs o, works w;

-- containment_weighted equals its definition, computed here in SQL:
-- sum over shared hashes of ln((N+1)/(df+1)) / the sum over all of the output's.
SELECT w.id, round(containment(o.fp, w.fp)::numeric, 3) AS containment,
       round(containment_weighted(o.fp, w.fp, d.df)::numeric, 3) AS weighted,
       round((SELECT sum(ln(41.0 / (c.docs + 1))) FILTER (WHERE w.fp && format('v1 text k=5 w=10 seed=0 tokens=0 {%s}', c.hash)::fingerprint)
                     / sum(ln(41.0 / (c.docs + 1))) FROM counts c), 3) AS by_definition
FROM outputs o, df d, works w WHERE w.id IN (1, 2, 31, 32) ORDER BY w.id;

-- The copy outranks the independent work by far more once idioms are discounted.
SELECT round((containment(o.fp, a.fp) / containment(o.fp, b.fp))::numeric, 2) AS ratio_plain,
       round((containment_weighted(o.fp, a.fp, d.df) / containment_weighted(o.fp, b.fp, d.df))::numeric, 2) AS ratio_weighted
FROM outputs o, df d, works a, works b WHERE a.id = 1 AND b.id = 31;

-- Hashes the df value does not list count as held by no work (the highest
-- weight, ln(N + 1)); an empty query contains nothing.
SELECT containment_weighted(fingerprint('a b c d e f g h'::text, 2, 1), fingerprint('a b c d e f g h'::text, 2, 1),
                            'v1 text k=2 w=1 seed=0 docs=1 {}') AS all_shared,
       containment_weighted(fingerprint('a b c d e f g h'::text, 2, 1), fingerprint('x y z'::text, 2, 1),
                            'v1 text k=2 w=1 seed=0 docs=5 {}') AS none_shared,
       containment_weighted(fingerprint(''::text, 2, 1), fingerprint('x y z'::text, 2, 1),
                            'v1 text k=2 w=1 seed=0 docs=5 {}') AS empty_query;
-- a hash every work holds weighs nothing: sharing only it gives 0
SELECT round(containment_weighted(a, b, d)::numeric, 6) AS weighted, round(containment(a, b)::numeric, 3) AS plain
FROM (SELECT fingerprint('p q r s'::text, 2, 1) AS a, fingerprint('p q zz'::text, 2, 1) AS b) x,
     LATERAL (SELECT fingerprint_df_agg(f, x.a, 3) AS d
              FROM (VALUES (fingerprint('p q r s'::text, 2, 1)), (fingerprint('p q t'::text, 2, 1)),
                           (fingerprint('p q u'::text, 2, 1))) v(f)) y;

-- NULL rows are skipped; docs is at least the rows aggregated; no rows: NULL.
SELECT fingerprint_df_agg(f, fingerprint('p q r'::text, 2, 1), 1)::text
FROM (VALUES (fingerprint('p q r'::text, 2, 1)), (NULL), (fingerprint('q r'::text, 2, 1))) v(f);
SELECT fingerprint_df_agg(fp, fp, 10) IS NULL AS no_rows FROM works WHERE false;

-- Text and binary forms round-trip.
SELECT df::text = df::text::fingerprint_df::text AS text_roundtrip FROM df;
COPY df TO '/tmp/pg_llmcopy_df.bin' (FORMAT binary);
CREATE TEMP TABLE df2 (LIKE df);
COPY df2 FROM '/tmp/pg_llmcopy_df.bin' (FORMAT binary);
SELECT a.df::text = b.df::text AS binary_roundtrip FROM df a JOIN df2 b USING (id);

-- Binary input is validated as strictly as text.
CREATE TEMP TABLE bad (d fingerprint_df);
CREATE FUNCTION pg_temp.copy_one(payload bytea) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    f bytea := '\x5047434f50590aff0d0a00'::bytea || '\x0000000000000000'::bytea
               || '\x0001'::bytea || int4send(length(payload)) || payload || '\xffff'::bytea;
    lo oid := lo_from_bytea(0, f);
    detail text;
BEGIN
    PERFORM lo_export(lo, '/tmp/pg_llmcopy_bad_df.bin');
    PERFORM lo_unlink(lo);
    TRUNCATE bad;
    COPY bad FROM '/tmp/pg_llmcopy_bad_df.bin' (FORMAT binary);
    RETURN (SELECT d::text FROM bad);
EXCEPTION WHEN others THEN
    GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
    RETURN SQLSTATE || ': ' || SQLERRM || coalesce(' (' || nullif(detail, '') || ')', '');
END $$;
-- header: version 1, text, k=2, flags 0, w=1, seed 0, docs 5
CREATE FUNCTION pg_temp.hdr() RETURNS bytea LANGUAGE sql
AS $$ SELECT '\x01000200'::bytea || '\x0001'::bytea || '\x00000000'::bytea || int8send(5) $$;
SELECT pg_temp.copy_one(fingerprint_df_send('v1 text k=2 w=1 seed=0 docs=5 {0000000000000007:2}'));
SELECT pg_temp.copy_one(pg_temp.hdr() || int4send(1) || int8send(7) || int4send(2));   -- fine
SELECT pg_temp.copy_one(pg_temp.hdr() || int4send(2) || int8send(7) || int4send(2));   -- lies about its length
SELECT pg_temp.copy_one(pg_temp.hdr() || int4send(2) || int8send(9) || int8send(7) || int4send(1) || int4send(1)); -- unsorted
SELECT pg_temp.copy_one(pg_temp.hdr() || int4send(1) || int8send(7) || int4send(6));   -- count > docs
SELECT pg_temp.copy_one('\x01000200000100000000'::bytea || int8send(-1) || int4send(0)); -- docs < 0
SELECT pg_temp.copy_one('\x02000200000100000000'::bytea || int8send(5) || int4send(0));  -- version 2
SELECT pg_temp.copy_one('\x01000201000100000000'::bytea || int8send(5) || int4send(0));  -- a flag
SELECT pg_temp.copy_one('\x01000000000100000000'::bytea || int8send(5) || int4send(0));  -- k=0
SELECT pg_temp.copy_one('\x010002000001'::bytea);                                        -- truncated

-- Text input errors.
SELECT 'v1 text k=2 w=1 seed=0 docs=5 {0000000000000007:6}'::fingerprint_df;
SELECT 'v1 text k=2 w=1 seed=0 docs=5 {0000000000000009:1,0000000000000007:1}'::fingerprint_df;
SELECT 'v1 text k=2 w=1 seed=0 docs=5 {0000000000000007}'::fingerprint_df;
SELECT 'v1 text k=2 w=1 seed=0 docs=5 {0000000000000007:}'::fingerprint_df;
SELECT 'v1 text k=2 w=1 seed=0 {}'::fingerprint_df;
SELECT 'v1 text k=99 w=1 seed=0 docs=5 {}'::fingerprint_df;

-- Parameters must match; the aggregate's query and corpus size are one per group.
SELECT containment_weighted(fingerprint('a b c'::text, 2, 1), fingerprint('a b c'::text, 2, 1),
                            'v1 text k=3 w=1 seed=0 docs=5 {}');
SELECT containment_weighted(fingerprint('a b c'::text, 2, 1), fingerprint('a b c'::text, 3, 1),
                            'v1 text k=2 w=1 seed=0 docs=5 {}');
SELECT fingerprint_df_agg(fp, fp, 40) FROM works;
SELECT fingerprint_df_agg(w.fp, o.fp, w.id) FROM works w, outputs o;
SELECT fingerprint_df_agg(w.fp, NULL, 40) FROM works w;
SELECT fingerprint_df_agg(w.fp, o.fp, -1) FROM works w, outputs o;
SELECT fingerprint_df_agg(w.fp, fingerprint('x'::text, 2, 1), 40) FROM works w;

-- The origin first.  Work 3 is the source of the copied passage; work 1
-- holds the same passage re-cased and re-spaced (the same tokens, other
-- bytes); work 2 holds its first half.  Ranked by span and then id, work 1
-- comes first; llmcopy_origin_key puts the source first.
CREATE TEMP TABLE passage AS
SELECT string_agg(CASE WHEN j % 7 = 0 THEN 'Word' ELSE 'word' END || j, ' ') AS t FROM generate_series(1, 60) j;
CREATE TEMP TABLE owork AS
SELECT 1 AS id, 'another version: ' || upper((SELECT t FROM passage)) || '  ends here' AS body
UNION ALL SELECT 2, 'a part: ' || (SELECT left(t, 250) FROM passage)
UNION ALL SELECT 3, 'the source: ' || (SELECT t FROM passage) || ' then more of its own';
CREATE TEMP TABLE oout AS
SELECT 'novel words before the copy ' || (SELECT t FROM passage) || ' and novel words after it' AS body;
CREATE TEMP TABLE ocand AS
SELECT w.id, m.tokens AS span_tokens, strpos(w.body, substr(o.body, m.a_start, m.a_length)) > 0 AS exact,
       llmcopy_coverage(o.body, w.body) AS coverage, containment(fingerprint(o.body), fingerprint(w.body)) AS containment
FROM oout o, owork w,
     LATERAL (SELECT * FROM llmcopy_matches(o.body, w.body, 8, 'text', 2) ORDER BY tokens DESC LIMIT 1) m;
SELECT id, span_tokens, exact, round(coverage::numeric, 3) AS coverage,
       row_number() OVER (ORDER BY span_tokens DESC, id) AS by_span_then_id,
       row_number() OVER (ORDER BY llmcopy_origin_key(span_tokens, exact, coverage, NULL, containment) DESC, id) AS by_origin_key
FROM ocand ORDER BY id;
-- the key orders by span first, then exactness, coverage, rarity, containment, copies
SELECT llmcopy_origin_key(10, false, 0.9, 0.9, 0.9, 9) < llmcopy_origin_key(11, false, 0, 0, 0, 1) AS span_first,
       llmcopy_origin_key(10, false, 0.9, 0.9, 0.9, 9) < llmcopy_origin_key(10, true, 0, 0, 0, 1) AS then_exact,
       llmcopy_origin_key(10, true, 0.5, 0.9, 0.9) < llmcopy_origin_key(10, true, 0.6, 0, 0) AS then_coverage,
       llmcopy_origin_key(10, true, 0.5, 0.2, 0.9) < llmcopy_origin_key(10, true, 0.5, 0.3, 0) AS then_rarity,
       llmcopy_origin_key(10, true, 0.5, 0.2, 0.5, 1) < llmcopy_origin_key(10, true, 0.5, 0.2, 0.5, 2) AS copies_last,
       llmcopy_origin_key(NULL, NULL, NULL, NULL, NULL, NULL) = '{0,0,0,0,0,1}' AS nulls_lowest;

-- A role without any privilege of its own can use all of it.
CREATE ROLE regress_rarity_user;
GRANT SELECT ON works, outputs TO regress_rarity_user;
SET ROLE regress_rarity_user;
SELECT w.id, round(containment_weighted(o.fp, w.fp, d.df)::numeric, 3) AS weighted
FROM outputs o, works w,
     LATERAL (SELECT fingerprint_df_agg(x.fp, o.fp, 40) AS df FROM works x WHERE o.fp && x.fp) d
WHERE w.id IN (1, 31) ORDER BY w.id;
RESET ROLE;
REVOKE ALL ON works, outputs FROM regress_rarity_user;
DROP ROLE regress_rarity_user;
