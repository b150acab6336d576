-- Detection quality on the real corpus (run by bench/run quality): recall by
-- copy length and edit rate, false positives on clean and boilerplate-only
-- outputs, top-1 attribution and span localization, next to pg_trgm.
\pset footer off
SET client_min_messages = warning;
SELECT setseed(0.7);

CREATE TABLE works AS SELECT id, kind, package, license, body, fingerprint(body) AS fp FROM corpus;
ALTER TABLE works ADD PRIMARY KEY (id);
CREATE INDEX works_fp ON works USING gin (fp);
ANALYZE works;
-- boilerplate: the shingles (w = 1) of at least 100 works
CREATE TABLE bp AS SELECT fingerprint_common_agg(fingerprint(body, 5, 1), 100) AS fp FROM works;
SELECT (fingerprint_info(fp)).hashes AS boilerplate_shingles FROM bp;

-- Novel text: the plain words of held-out mails, shuffled, so it shares no
-- run with the corpus.  Words holding several tokens (URLs, escaped bytes)
-- are left out: shuffling cannot break them, and the corpus's mails of the
-- same threads hold the same URLs.
CREATE TABLE novel AS
SELECT row_number() OVER () AS id,
       (SELECT string_agg(w, ' ' ORDER BY md5(w || n::text))
        FROM regexp_split_to_table(body, '\s+') WITH ORDINALITY t(w, n)
        WHERE w ~ '^[A-Za-z]+[.,;:!?]?$') AS words
FROM heldout;

-- Edits at rate p on a span's words: substitution, deletion, insertion
-- (p/3 each); and, whatever p, cosmetic changes the tokenizer ignores:
-- re-casing and re-spacing, and for code re-indentation and a changed
-- comment.  For code with p >= 0.1, one identifier is also renamed throughout.
CREATE FUNCTION edit(span text, p float8, is_code bool) RETURNS text LANGUAGE sql AS $$
    SELECT CASE WHEN is_code
                THEN regexp_replace(regexp_replace(
                         CASE WHEN p >= 0.1 AND ident IS NOT NULL
                              THEN regexp_replace(x, '\m' || ident || '\M', ident || 'Renamed', 'g') ELSE x END,
                         E'\n[ \t]*', E'\n\t\t', 'g'),
                     E'\n', E'  // edited\n')
                ELSE x END
    FROM (SELECT string_agg(CASE WHEN r < p / 3 THEN 'zqx' || (n % 97)::text
                                 WHEN r < 2 * p / 3 THEN NULL
                                 WHEN r < p THEN w || ' inserted'
                                 WHEN r2 < 0.1 THEN upper(w)
                                 ELSE w END,
                            CASE WHEN random() < 0.1 THEN '   ' ELSE ' ' END ORDER BY n) AS x
          FROM (SELECT n, w, random() AS r, random() AS r2
                FROM regexp_split_to_table(span, '[ ]+') WITH ORDINALITY t(w, n)) s) e
    LEFT JOIN LATERAL (SELECT m[1] AS ident FROM regexp_matches(span, '([A-Za-z_][A-Za-z0-9_]{3,})', 'g') m
                       GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1) i ON true
$$;

-- Sources: code and prose works without long base64 runs, with enough tokens.
CREATE TABLE sources AS
SELECT row_number() OVER (ORDER BY md5(id::text)) AS rn, id, kind, body
FROM works WHERE kind <> 'intl' AND body !~ '[A-Za-z0-9+/=]{200}' AND length(body) > 1500;

-- Copies of L tokens at edit rate p, 40 per (L, p), between two pieces of novel text.
CREATE TABLE truth AS
WITH plan AS (
    SELECT row_number() OVER () AS n, l, p
    FROM unnest(ARRAY[10, 15, 20, 30, 50, 100, 200]) l, unnest(ARRAY[0, 0.02, 0.05, 0.1, 0.2]) p,
         generate_series(1, 40) k),
picked AS (
    SELECT plan.*, s.id AS source, s.kind, s.body
    FROM plan JOIN sources s ON s.rn = 1 + (plan.n * 7919) % (SELECT count(*) FROM sources)),
spans AS (
    SELECT picked.*, t0.start AS cstart, t1.start + t1.length - t0.start AS clen
    FROM picked,
         LATERAL (SELECT count(*) AS ntok FROM llmcopy_tokens(picked.body)) c,
         LATERAL (SELECT 1 + floor(random() * greatest(c.ntok - picked.l, 1))::int AS first) f,
         LATERAL (SELECT start FROM llmcopy_tokens(picked.body) WHERE n = f.first) t0,
         LATERAL (SELECT start, length FROM llmcopy_tokens(picked.body) WHERE n = f.first + picked.l - 1) t1
    WHERE c.ntok >= picked.l + 1)
SELECT n AS id, 'copy' AS class, l, p, source, kind,
       left(v1.words, 600) || ' ' AS pre,
       substr(body, cstart, clen) AS orig,
       edit(substr(body, cstart, clen), p, kind = 'code') AS copied,
       ' ' || left(v2.words, 600) AS post
FROM spans
JOIN novel v1 ON v1.id = 1 + n % (SELECT count(*) FROM novel)
JOIN novel v2 ON v2.id = 1 + (n * 13 + 5) % (SELECT count(*) FROM novel);

-- Clean outputs, and outputs whose only overlap with the corpus is
-- boilerplate: one of the license headers at the top of at least 100 works.
CREATE TABLE headers AS
SELECT row_number() OVER (ORDER BY count(*) DESC) AS hn, h
FROM (SELECT substring(body FROM '^(/\*.{60,250}?\*/)') AS h FROM works WHERE kind = 'code') s
WHERE h IS NOT NULL GROUP BY h HAVING count(*) >= 100;
INSERT INTO truth
SELECT 100000 + i, 'clean', NULL, NULL, NULL, NULL,
       left(v1.words, 600), NULL, '', ' ' || left(v2.words, 600)
FROM generate_series(1, 1000) i
JOIN novel v1 ON v1.id = 1 + i % (SELECT count(*) FROM novel)
JOIN novel v2 ON v2.id = 1 + (i * 17 + 1) % (SELECT count(*) FROM novel);
INSERT INTO truth
SELECT 200000 + i, 'boilerplate', NULL, NULL, NULL, 'code',
       left(v1.words, 600) || ' ', hd.h, hd.h, ' ' || left(v2.words, 600)
FROM generate_series(1, 1000) i
JOIN headers hd ON hd.hn = 1 + i % (SELECT count(*) FROM headers)
JOIN novel v1 ON v1.id = 1 + (i * 3) % (SELECT count(*) FROM novel)
JOIN novel v2 ON v2.id = 1 + (i * 11 + 2) % (SELECT count(*) FROM novel);
ALTER TABLE truth ADD COLUMN body text;
UPDATE truth SET body = pre || copied || post;

\echo '## The outputs'
SELECT class, count(*) AS outputs, round(avg(length(body))) AS avg_chars,
       (SELECT count(*) FROM headers) AS distinct_headers
FROM truth GROUP BY class ORDER BY class;

-- pg_llmcopy at its defaults and as recommended for short copies; a finding
-- needs a span of at least 8 tokens (llmcopy_matches, max_gap 2).
CREATE TABLE found AS
SELECT t.id, 'defaults: fp - boilerplate <% work (0.1)'::text AS config, best.*
FROM truth t, bp, LATERAL (SELECT fingerprint(t.body) - bp.fp AS q) qq,
     LATERAL (SELECT w.id AS work, m.tokens, m.a_start, m.a_length
              FROM works w, LATERAL (SELECT * FROM llmcopy_matches(t.body, w.body, 8, 'text', 2)
                                     ORDER BY tokens DESC LIMIT 1) m
              WHERE qq.q <% w.fp
              ORDER BY m.tokens DESC, w.id LIMIT 1) best
UNION ALL
SELECT t.id, 'recommended: fp - boilerplate && work', best.*
FROM truth t, bp, LATERAL (SELECT fingerprint(t.body) - bp.fp AS q) qq,
     LATERAL (SELECT w.id AS work, m.tokens, m.a_start, m.a_length
              FROM works w, LATERAL (SELECT * FROM llmcopy_matches(t.body, w.body, 8, 'text', 2)
                                     ORDER BY tokens DESC LIMIT 1) m
              WHERE qq.q && w.fp
              ORDER BY m.tokens DESC, w.id LIMIT 1) best
UNION ALL
SELECT t.id, 'no subtraction: fp && work', best.*
FROM truth t, LATERAL (SELECT fingerprint(t.body) AS q) qq,
     LATERAL (SELECT w.id AS work, m.tokens, m.a_start, m.a_length
              FROM works w, LATERAL (SELECT * FROM llmcopy_matches(t.body, w.body, 8, 'text', 2)
                                     ORDER BY tokens DESC LIMIT 1) m
              WHERE qq.q && w.fp
              ORDER BY m.tokens DESC, w.id LIMIT 1) best;

-- strict: as recommended, and the best work shares an unbroken run of 8 tokens
INSERT INTO found
SELECT f.id, 'strict: && after subtraction, a run of 8', f.work, f.tokens, f.a_start, f.a_length
FROM found f JOIN truth t ON t.id = f.id JOIN works w ON w.id = f.work
WHERE f.config LIKE 'recommended%' AND llmcopy_longest_match(t.body, w.body) >= 8;

\echo '## Recall of copies by length (tokens) and edit rate, pg_llmcopy'
SELECT f.config, t.l AS tokens,
       string_agg(format('p=%s: %s%%', t.p, r.recall), '  ' ORDER BY t.p) AS recall_by_edit_rate
FROM (SELECT DISTINCT config FROM found) f
CROSS JOIN (SELECT DISTINCT l, p FROM truth WHERE class = 'copy') t
CROSS JOIN LATERAL (SELECT round(100.0 * count(fo.id) / count(*), 1) AS recall
                    FROM truth x LEFT JOIN found fo ON fo.id = x.id AND fo.config = f.config
                    WHERE x.class = 'copy' AND x.l = t.l AND x.p = t.p) r
GROUP BY f.config, t.l ORDER BY f.config, t.l;

\echo '## False positives per 1,000 outputs'
SELECT f.config, t.class, count(*) AS outputs, count(fo.id) AS flagged,
       round(1000.0 * count(fo.id) / count(*), 1) AS per_1000
FROM (SELECT DISTINCT config FROM found) f CROSS JOIN truth t
LEFT JOIN found fo ON fo.id = t.id AND fo.config = f.config
WHERE t.class IN ('clean', 'boilerplate') GROUP BY 1, 2 ORDER BY 1, 2;

\echo '## What the false positives share with the corpus (strict configuration, first 8)'
SELECT t.class, fo.tokens, left(regexp_replace(substr(t.body, fo.a_start, fo.a_length), '\s+', ' ', 'g'), 90) AS shared_text
FROM found fo JOIN truth t ON t.id = fo.id
WHERE fo.config LIKE 'strict%' AND t.class IN ('clean', 'boilerplate')
ORDER BY t.class, t.id LIMIT 8;

\echo '## Top-1 attribution and span localization, verbatim copies (p = 0)'
SELECT fo.config, t.l AS tokens, count(*) AS found,
       round(100.0 * count(*) FILTER (WHERE fo.work = t.source) / count(*), 1) AS top1_source_pct,
       round(100.0 * count(*) FILTER (WHERE fo.work = t.source OR strpos(w.body, t.orig) > 0) / count(*), 1) AS top1_holds_the_text_pct,
       round(100.0 * count(*) FILTER (WHERE w.license IS NOT DISTINCT FROM s.license) / count(*), 1) AS top1_right_license_pct,
       round(avg(greatest(0, least(fo.a_start + fo.a_length, length(t.pre) + length(t.copied) + 1) - greatest(fo.a_start, length(t.pre) + 1))::numeric
                 / (greatest(fo.a_start + fo.a_length, length(t.pre) + length(t.copied) + 1) - least(fo.a_start, length(t.pre) + 1))), 3) AS span_overlap
FROM found fo JOIN truth t ON t.id = fo.id JOIN works w ON w.id = fo.work JOIN works s ON s.id = t.source
WHERE t.class = 'copy' AND t.p = 0
GROUP BY 1, 2 ORDER BY 1, 2;

-- pg_trgm on a sample: word_similarity of the output against the corpus at
-- the default threshold (0.6) and at 0.3; the best-scoring work.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX works_trgm ON works USING gin (body gin_trgm_ops);
CREATE TABLE trgm_sample AS
SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY l, p ORDER BY id) AS k FROM truth
                WHERE class = 'copy' AND p IN (0, 0.05) AND l IN (20, 50, 200)) s WHERE k <= 3
UNION ALL SELECT id FROM truth WHERE class = 'clean' AND id % 250 = 0;
CREATE TABLE trgm_found (id int, threshold float8, work int, ms float8);
CREATE FUNCTION trgm_one(qid int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz := clock_timestamp(); w int; b text;
BEGIN
    SELECT body INTO b FROM truth WHERE id = qid;
    SELECT x.id INTO w FROM works x WHERE b <% x.body ORDER BY word_similarity(b, x.body) DESC, x.id LIMIT 1;
    INSERT INTO trgm_found VALUES (qid, 0.6, w, 1000 * extract(epoch FROM clock_timestamp() - t0));
END $$;
SET pg_trgm.word_similarity_threshold = 0.6;
SET statement_timeout = '20s';
\set ON_ERROR_STOP off
SELECT format('SELECT trgm_one(%s)', id) FROM trgm_sample ORDER BY id \gexec
\set ON_ERROR_STOP on
RESET statement_timeout;

\echo '## pg_trgm (<% at 0.6, the default) on a sample, next to pg_llmcopy on the same outputs'
SELECT coalesce(t.class || ' L=' || t.l || ' p=' || t.p, t.class) AS outputs, count(*) AS n,
       round(100.0 * count(g.work) / count(*), 1) AS pg_trgm_flagged_pct,
       round(100.0 * count(g.work) FILTER (WHERE g.work = t.source) / count(*), 1) AS pg_trgm_right_work_pct,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY g.ms)::numeric) AS pg_trgm_p50_ms,
       count(*) - count(g.id) AS pg_trgm_over_20s,
       round(100.0 * count(fo.id) / count(*), 1) AS pg_llmcopy_flagged_pct,
       round(100.0 * count(fo.id) FILTER (WHERE fo.work = t.source) / count(*), 1) AS pg_llmcopy_right_work_pct
FROM trgm_sample s JOIN truth t USING (id) LEFT JOIN trgm_found g USING (id)
LEFT JOIN found fo ON fo.id = t.id AND fo.config LIKE 'recommended%'
GROUP BY 1 ORDER BY 1;

-- data for the plot: recall against L, by p, for both configurations
\copy (SELECT f.config, t.l, t.p, round(100.0 * count(fo.id) / count(*), 1) FROM (SELECT DISTINCT config FROM found) f CROSS JOIN truth t LEFT JOIN found fo ON fo.id = t.id AND fo.config = f.config WHERE t.class = 'copy' GROUP BY 1, 2, 3 ORDER BY 1, 3, 2) TO 'bench/out/quality_recall.tsv' WITH (FORMAT csv, DELIMITER E'\t')
\copy (SELECT t.l, t.p, round(100.0 * count(g.work) FILTER (WHERE g.work = t.source) / count(*), 1) FROM trgm_sample s JOIN truth t USING (id) LEFT JOIN trgm_found g USING (id) WHERE t.class = 'copy' GROUP BY 1, 2 ORDER BY 2, 1) TO 'bench/out/quality_trgm.tsv' WITH (FORMAT csv, DELIMITER E'\t')
