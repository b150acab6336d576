-- Attribution that ranks the origin first (run by bench/run attribution):
-- verbatim copies of a corpus passage between novel text; every work that
-- shares a hash with the output (boilerplate subtracted) is a candidate,
-- and rankings of the candidates are compared by how often their first
-- work is the copy's source or a byte-identical copy of it.
\pset footer off
SET client_min_messages = warning;
SELECT setseed(0.3);

CREATE TABLE works AS SELECT id, kind, body, fingerprint(body) AS fp FROM corpus;
ALTER TABLE works ADD PRIMARY KEY (id);
CREATE INDEX works_fp ON works USING gin (fp);
ANALYZE works;
CREATE TABLE bp AS SELECT fingerprint_common_agg(fingerprint(body, 5, 1), 100) AS fp FROM works;
-- byte-identical documents share a body: one group per body
CREATE TABLE same_body AS SELECT id, min(id) OVER (PARTITION BY md5(body)) AS grp FROM works;
CREATE INDEX ON same_body (id);

-- Novel text: the plain words of held-out mails, shuffled (as in quality.sql).
CREATE TABLE novel AS
SELECT row_number() OVER () AS id,
       (SELECT string_agg(w, ' ' ORDER BY md5(w || n::text))
        FROM regexp_split_to_table(body, '\s+') WITH ORDINALITY t(w, n)
        WHERE w ~ '^[A-Za-z]+[.,;:!?]?$') AS words
FROM heldout;
CREATE TABLE sources AS
SELECT row_number() OVER (ORDER BY md5(id::text || 'attribution')) AS rn, id, kind, body
FROM works WHERE kind <> 'intl' AND body !~ '[A-Za-z0-9+/=]{200}' AND length(body) > 1500;

-- 80 verbatim copies for each length L, each between 600 characters of novel text.
CREATE TABLE truth AS
WITH plan AS (SELECT row_number() OVER () AS n, l FROM unnest(ARRAY[15, 30, 50, 100, 200]) l, generate_series(1, 80) k),
picked AS (SELECT plan.*, s.id AS source, s.kind, s.body
           FROM plan JOIN sources s ON s.rn = 1 + (plan.n * 7919) % (SELECT count(*) FROM sources)),
spans AS (
    SELECT picked.*, t0.start AS cstart, t1.start + t1.length - t0.start AS clen
    FROM picked,
         LATERAL (SELECT count(*) AS ntok FROM llmcopy_tokens(picked.body)) c,
         LATERAL (SELECT 1 + floor(random() * greatest(c.ntok - picked.l, 1))::int AS first) f,
         LATERAL (SELECT start FROM llmcopy_tokens(picked.body) WHERE n = f.first) t0,
         LATERAL (SELECT start, length FROM llmcopy_tokens(picked.body) WHERE n = f.first + picked.l - 1) t1
    WHERE c.ntok >= picked.l + 1)
SELECT n AS id, l, source, kind, substr(body, cstart, clen) AS copied,
       left(v1.words, 600) || ' ' || substr(body, cstart, clen) || ' ' || left(v2.words, 600) AS body
FROM spans
JOIN novel v1 ON v1.id = 1 + n % (SELECT count(*) FROM novel)
JOIN novel v2 ON v2.id = 1 + (n * 13 + 5) % (SELECT count(*) FROM novel);
ALTER TABLE truth ADD COLUMN q fingerprint;
UPDATE truth t SET q = fingerprint(t.body) - b.fp FROM bp b;

-- The corpus cuts files into pieces of at most 4 KB: each piece is a work.
-- A file's size, in bytes over all its pieces (known to this benchmark, not
-- to the scan, which sees works only).
CREATE TABLE files AS SELECT path, sum(length(body)) AS bytes FROM corpus GROUP BY path;
CREATE INDEX ON files (path);

-- Every candidate with the signals a ranking may use: the output's (span,
-- exactness, coverage, rarity, containment), the candidates' (copies), and
-- the work's: the share of the work the output reproduces,
-- containment(work, output), and the size of the work's whole file.
CREATE TABLE cand AS
SELECT t.id, w.id AS work, sb.grp, cw.package, cw.path AS file, fl.bytes AS file_bytes,
       containment(w.fp, t.q) AS share,
       coalesce(m.tokens, 0) AS span_tokens,
       coalesce(strpos(w.body, substr(t.body, m.a_start, m.a_length)) > 0, false) AS exact,
       md5(w.fp::text) AS fph,
       llmcopy_coverage(t.body, w.body, 8) AS coverage,
       containment(t.q, w.fp) AS containment,
       containment_weighted(t.q, w.fp, d.df) AS weighted,
       (sb.grp = ss.grp) AS right_work,
       strpos(w.body, t.copied) > 0 AS holds_text
FROM truth t
CROSS JOIN LATERAL (SELECT fingerprint_df_agg(x.fp, t.q, (SELECT count(*) FROM works)) AS df FROM works x WHERE t.q && x.fp) d
JOIN works w ON t.q && w.fp
JOIN corpus cw ON cw.id = w.id JOIN files fl ON fl.path = cw.path
JOIN same_body sb ON sb.id = w.id JOIN same_body ss ON ss.id = t.source
LEFT JOIN LATERAL (SELECT * FROM llmcopy_matches(t.body, w.body, 8, 'text', 2) ORDER BY tokens DESC LIMIT 1) m ON true;
-- copies: token-identical works among the output's candidates
ALTER TABLE cand ADD COLUMN copies int;
UPDATE cand c SET copies = s.n
FROM (SELECT id, work, count(*) OVER (PARTITION BY id, fph) AS n FROM cand) s WHERE s.id = c.id AND s.work = c.work;

\echo '## Candidates a copy'
SELECT l, count(DISTINCT t.id) AS copies, round(count(*)::numeric / count(DISTINCT t.id), 1) AS candidates_a_copy,
       round(avg(h), 1) AS holding_the_text_a_copy, round(avg(g), 1) AS distinct_bodies_holding_it
FROM truth t JOIN cand c ON c.id = t.id
JOIN LATERAL (SELECT count(*) FILTER (WHERE holds_text) AS h, count(DISTINCT grp) FILTER (WHERE holds_text) AS g
              FROM cand x WHERE x.id = t.id) hh ON true
GROUP BY 1 ORDER BY 1;

-- The rankings: the present one (longest span, then id), and by what makes a
-- work the origin, through llmcopy_origin_rank's order.
CREATE TABLE ranked AS
SELECT c.*, 'span tokens, then id (before)'::text AS ranking,
       row_number() OVER (PARTITION BY id ORDER BY span_tokens DESC, work) AS r FROM cand c
UNION ALL
SELECT c.*, 'containment, then id',
       row_number() OVER (PARTITION BY id ORDER BY containment DESC, work) FROM cand c
UNION ALL
SELECT c.*, 'rarity-weighted, then id',
       row_number() OVER (PARTITION BY id ORDER BY weighted DESC, work) FROM cand c
UNION ALL
SELECT c.*, 'span, byte-exact, coverage, rarity-weighted, containment, then id',
       row_number() OVER (PARTITION BY id ORDER BY llmcopy_origin_key(span_tokens, exact, coverage, weighted, containment) DESC, work) FROM cand c
UNION ALL
SELECT c.*, 'llmcopy_origin_key: the same, then copies, then id',
       row_number() OVER (PARTITION BY id ORDER BY llmcopy_origin_key(span_tokens, exact, coverage, weighted, containment, copies) DESC, work) FROM cand c
-- The work's side as a tie-break, at four places in the key: the share of
-- the work that the output reproduces, larger first (a module before the
-- bundle that holds it); and, past what the scan can know, the size of the
-- work's whole file, smaller first and, for contrast, larger first.
UNION ALL
SELECT c.*, 'work share after byte-exact: span, exact, share, coverage, rarity, containment, copies, id',
       row_number() OVER (PARTITION BY id ORDER BY span_tokens DESC, exact DESC, share DESC, coverage DESC, weighted DESC,
                                                    containment DESC, copies DESC, work) FROM cand c
UNION ALL
SELECT c.*, 'work share after coverage: span, exact, coverage, share, rarity, containment, copies, id',
       row_number() OVER (PARTITION BY id ORDER BY span_tokens DESC, exact DESC, coverage DESC, share DESC, weighted DESC,
                                                    containment DESC, copies DESC, work) FROM cand c
UNION ALL
SELECT c.*, 'work share after containment: span, exact, coverage, rarity, containment, share, copies, id',
       row_number() OVER (PARTITION BY id ORDER BY llmcopy_origin_key(span_tokens, exact, coverage, weighted, containment) DESC,
                                                    share DESC, copies DESC, work) FROM cand c
UNION ALL
SELECT c.*, 'work share after copies: llmcopy_origin_key, share, id',
       row_number() OVER (PARTITION BY id ORDER BY llmcopy_origin_key(span_tokens, exact, coverage, weighted, containment, copies) DESC,
                                                    share DESC, work) FROM cand c
UNION ALL
SELECT c.*, 'smaller file after copies: llmcopy_origin_key, file bytes ascending, id',
       row_number() OVER (PARTITION BY id ORDER BY llmcopy_origin_key(span_tokens, exact, coverage, weighted, containment, copies) DESC,
                                                    file_bytes, work) FROM cand c
UNION ALL
SELECT c.*, 'larger file after copies: llmcopy_origin_key, file bytes descending, id',
       row_number() OVER (PARTITION BY id ORDER BY llmcopy_origin_key(span_tokens, exact, coverage, weighted, containment, copies) DESC,
                                                    file_bytes DESC, work) FROM cand c;

\echo '## Top-1 attribution of verbatim copies: the source or a byte-identical copy of it (%)'
SELECT ranking, string_agg(format('L=%s: %s', l, pct), '  ' ORDER BY l) AS by_length, round(avg(pct), 1) AS mean
FROM (SELECT r.ranking, t.l, round(100.0 * count(*) FILTER (WHERE r.right_work) / count(*), 1) AS pct
      FROM ranked r JOIN truth t ON t.id = r.id WHERE r.r = 1 GROUP BY 1, 2) s
GROUP BY 1 ORDER BY 1;

\echo '## Top-1 attribution: a work holding the copied text byte for byte (%)'
SELECT ranking, string_agg(format('L=%s: %s', l, pct), '  ' ORDER BY l) AS by_length
FROM (SELECT r.ranking, t.l, round(100.0 * count(*) FILTER (WHERE r.holds_text) / count(*), 1) AS pct
      FROM ranked r JOIN truth t ON t.id = r.id WHERE r.r = 1 GROUP BY 1, 2) s
GROUP BY 1 ORDER BY 1;

\echo '## The ceiling: copies whose best candidates (by span, exactness, coverage, rarity, containment) include a work of another body'
SELECT t.l, count(*) AS copies,
       count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM cand c WHERE c.id = t.id AND c.right_work)) AS source_not_a_candidate,
       count(*) FILTER (WHERE x.right AND x.other) AS source_tied_with_another_body,
       round(100.0 * count(*) FILTER (WHERE x.right AND NOT x.other) / count(*), 1) AS certain_pct,
       round(100.0 * count(*) FILTER (WHERE x.right) / count(*), 1) AS best_possible_pct
FROM truth t
LEFT JOIN LATERAL (
    SELECT bool_or(c.right_work) AS right, bool_or(NOT c.right_work) AS other
    FROM cand c
    WHERE c.id = t.id AND llmcopy_origin_key(c.span_tokens, c.exact, c.coverage, c.weighted, c.containment)
          = (SELECT max(llmcopy_origin_key(span_tokens, exact, coverage, weighted, containment)) FROM cand y WHERE y.id = t.id)) x ON true
GROUP BY 1 ORDER BY 1;

\echo '## What the first work of llmcopy_origin_key is when it is not the source'
-- tied: every signal of the key equal to the source's best piece (nothing in
-- the output tells them apart); the other work is another piece of the
-- source's file, another file of the same package (another build: esm, cjs,
-- min, legacy, a bundle), or a file of another package.
SELECT t.l,
       count(*) AS wrong,
       count(*) FILTER (WHERE s.key = r.key) AS tied,
       count(*) FILTER (WHERE r.file = s.file) AS same_file,
       count(*) FILTER (WHERE r.file <> s.file AND r.package = s.package) AS same_package,
       count(*) FILTER (WHERE r.package <> s.package) AS other_package,
       count(*) FILTER (WHERE r.file_bytes < s.file_bytes) AS first_in_the_smaller_file
FROM truth t
JOIN (SELECT x.*, llmcopy_origin_key(span_tokens, exact, coverage, weighted, containment, copies) AS key
      FROM ranked x WHERE x.ranking LIKE 'llmcopy_origin_key%' AND x.r = 1 AND NOT x.right_work) r ON r.id = t.id
CROSS JOIN LATERAL (SELECT c.package, c.file, c.file_bytes, llmcopy_origin_key(span_tokens, exact, coverage, weighted, containment, copies) AS key
                    FROM cand c WHERE c.id = t.id AND c.right_work ORDER BY 4 DESC LIMIT 1) s
GROUP BY ROLLUP (1) ORDER BY 1;

\echo '## The works ranked first, ties shared: rank() over llmcopy_origin_key, as the scan numbers origin_rank'
-- A work ranked first is one no other candidate beats on any signal of the
-- key; works tied on every signal share rank 1 rather than being ordered by
-- id.  Right: the source or a byte-identical copy is among them.  Ranked
-- first: works, and distinct bodies (byte-identical copies are one text).
SELECT t.l, count(*) AS copies,
       round(100.0 * count(*) FILTER (WHERE f.right) / count(*), 1) AS source_ranked_first_pct,
       round(100.0 * count(*) FILTER (WHERE f.right AND f.bodies = 1) / count(*), 1) AS source_alone_first_pct,
       round(avg(f.works), 2) AS works_ranked_first, round(avg(f.bodies), 2) AS bodies_ranked_first,
       max(f.bodies) AS most_bodies_ranked_first
FROM truth t
JOIN LATERAL (SELECT bool_or(c.right_work) AS right, count(*) AS works, count(DISTINCT c.grp) AS bodies
              FROM (SELECT x.*, rank() OVER (ORDER BY llmcopy_origin_key(span_tokens, exact, coverage, weighted, containment, copies) DESC) AS rk
                    FROM cand x WHERE x.id = t.id) c
              WHERE c.rk = 1) f ON f.works > 0
GROUP BY ROLLUP (1) ORDER BY 1;
