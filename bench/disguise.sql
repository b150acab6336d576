-- Disguised copies (run by bench/run disguise): code clones at the six
-- classic levels of disguise against independent implementations of the
-- same task, and reworded prose against other text on the same topic.
-- The test sets are made by bench/disguise/{js.mjs,py.py,prose.py} into
-- bench/work/disguise/out (see those files for what each level does).
\pset footer off
SET client_min_messages = warning;

-- ---------------------------------------------------------------------------
-- The code corpus: the benchmark corpus's JavaScript and TypeScript, and the
-- Python files of this machine, in code mode.  Document frequencies are
-- counted over it; boilerplate is its shingles found in at least 100 works.
CREATE TABLE pycorpus (id int, package text, path text, body text);
\copy pycorpus FROM 'bench/work/disguise/out/py_corpus.copy'
CREATE TABLE dworks AS
SELECT id, 'js'::text AS lang, body FROM corpus WHERE kind = 'code'
UNION ALL SELECT 10000000 + id, 'py', body FROM pycorpus;
ALTER TABLE dworks ADD COLUMN fp fingerprint;
UPDATE dworks SET fp = fingerprint(body, 5, 10, 'code');
CREATE INDEX dworks_fp ON dworks USING gin (fp fingerprint_ops (k = 5, w = 10, mode = 'code'));
ANALYZE dworks;
CREATE TABLE dbp AS SELECT fingerprint_common_agg(fingerprint(body, 5, 1, 'code'), 100) AS fp FROM dworks;
SELECT lang, count(*) AS works, round(sum(length(body)) / 1e6, 1) AS mb FROM dworks GROUP BY 1 ORDER BY 1;
SELECT (fingerprint_info(fp)).hashes AS boilerplate_shingles FROM dbp;

-- ---------------------------------------------------------------------------
-- The pairs: each clone variant against its original, each independent
-- implementation against the other.
CREATE TABLE clones (fid int, package text, name text, variant text, query text, original text);
\copy clones FROM 'bench/work/disguise/out/js_clones.copy'
ALTER TABLE clones ADD COLUMN lang text;
UPDATE clones SET lang = 'js';
CREATE TEMP TABLE pyclones (LIKE clones);
\copy pyclones (fid, package, name, variant, query, original) FROM 'bench/work/disguise/out/py_clones.copy'
INSERT INTO clones SELECT fid + 100000, package, name, variant, query, original, 'py' FROM pyclones;
CREATE TABLE negs (name text, package_a text, package_b text, a text, b text);
\copy negs FROM 'bench/work/disguise/out/js_negatives.copy'
ALTER TABLE negs ADD COLUMN lang text;
UPDATE negs SET lang = 'js';
CREATE TEMP TABLE pynegs (LIKE negs);
\copy pynegs (name, package_a, package_b, a, b) FROM 'bench/work/disguise/out/py_negatives.copy'
INSERT INTO negs SELECT name, package_a, package_b, a, b, 'py' FROM pynegs;

-- Independent means no shared provenance: pairs sharing an unbroken run of
-- 20 code tokens (a helper copied between packages, a vendored module) are
-- copies, not independent work, and are set aside.
ALTER TABLE negs ADD COLUMN longest int;
UPDATE negs SET longest = llmcopy_longest_match(a, b, 'code');
\echo '## Independent implementations: pairs kept and set aside (a shared run of >= 20 tokens)'
SELECT lang, count(*) FILTER (WHERE longest < 20) AS independent_pairs, count(DISTINCT name) FILTER (WHERE longest < 20) AS names,
       count(*) FILTER (WHERE longest >= 20) AS set_aside_as_copies
FROM negs GROUP BY 1 ORDER BY 1;

CREATE TABLE texts (tid serial PRIMARY KEY, body text UNIQUE);
INSERT INTO texts (body)
SELECT DISTINCT x FROM (SELECT query FROM clones UNION SELECT original FROM clones
                        UNION SELECT a FROM negs WHERE longest < 20 UNION SELECT b FROM negs WHERE longest < 20) s(x);
ALTER TABLE texts ADD COLUMN fp fingerprint, ADD COLUMN q fingerprint;
UPDATE texts SET fp = fingerprint(body, 5, 10, 'code');
UPDATE texts t SET q = t.fp - b.fp FROM dbp b;
CREATE TABLE pairs AS
SELECT row_number() OVER () AS pid, c.lang, 'clone'::text AS class, c.variant, c.fid, c.name, tq.tid AS qt, tw.tid AS wt
FROM clones c JOIN texts tq ON tq.body = c.query JOIN texts tw ON tw.body = c.original
UNION ALL
SELECT NULL, n.lang, 'negative', 'neg', NULL, n.name, tq.tid, tw.tid
FROM negs n JOIN texts tq ON tq.body = n.a JOIN texts tw ON tw.body = n.b WHERE n.longest < 20;
UPDATE pairs p SET pid = s.rn FROM (SELECT ctid, row_number() OVER () + 1000000 AS rn FROM pairs WHERE pid IS NULL) s
WHERE p.ctid = s.ctid;

-- The document frequencies of each query's hashes (boilerplate subtracted),
-- as the scan gets them: from the works an index scan returns for q && fp.
CREATE TABLE dfs AS
SELECT t.tid, (SELECT fingerprint_df_agg(w.fp, t.q, (SELECT count(*) FROM dworks)) FROM dworks w WHERE t.q && w.fp) AS df
FROM texts t WHERE t.tid IN (SELECT qt FROM pairs);

-- ---------------------------------------------------------------------------
-- The measures of each pair.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE scores AS
SELECT p.pid, m.measure, m.value
FROM pairs p JOIN texts q ON q.tid = p.qt JOIN texts w ON w.tid = p.wt LEFT JOIN dfs d ON d.tid = p.qt,
LATERAL (VALUES ('containment', containment(q.fp, w.fp)),
                ('containment - boilerplate', containment(q.q, w.fp)),
                ('rarity-weighted', coalesce(containment_weighted(q.q, w.fp, d.df), 0)),
                ('pg_trgm similarity', similarity(q.body, w.body)::float8),
                ('pg_trgm word_similarity', word_similarity(q.body, w.body)::float8)) m(measure, value);

-- Moved code (fingerprint_units): lines and statements hashed whole, as
-- they are (names kept) and as skeletons (names => false: literals, member
-- names and operators); containment_smoothed divides by |q| + 8 so that a
-- query of a few units cannot score 1.0 by being short.
INSERT INTO scores
SELECT p.pid, m.measure, m.value
FROM pairs p JOIN texts q ON q.tid = p.qt JOIN texts w ON w.tid = p.wt,
LATERAL (SELECT fingerprint_units(q.body) AS qu, fingerprint_units(w.body) AS wu,
                fingerprint_units(q.body, 3, 'code', false) AS qs, fingerprint_units(w.body, 3, 'code', false) AS ws) u,
LATERAL (VALUES ('units', containment(u.qu, u.wu)),
                ('units, smoothed', containment_smoothed(u.qu, u.wu, 8)),
                ('unit skeletons', containment(u.qs, u.ws)),
                ('unit skeletons, smoothed', containment_smoothed(u.qs, u.ws, 8)),
                ('containment, smoothed', containment_smoothed(q.fp, w.fp, 8))) m(measure, value);

-- Prototypes of tokenizer-level measures (bench/disguise/proto.py), over
-- the tokens of llmcopy_tokens(body, 'code').
\copy (SELECT t.tid, k.n, k.token, k.start, k.length FROM texts t, llmcopy_tokens(t.body, 'code') k) TO 'bench/work/disguise/tokens.copy'
\copy (SELECT tid, body FROM texts) TO 'bench/work/disguise/texts.copy'
\copy (SELECT pid, qt, wt FROM pairs) TO 'bench/work/disguise/pairs.copy'
\! nice python3 bench/disguise/proto.py bench/work/disguise/tokens.copy bench/work/disguise/texts.copy bench/work/disguise/pairs.copy bench/work/disguise/proto.copy
CREATE TEMP TABLE proto (pid bigint, measure text, value float8);
\copy proto FROM 'bench/work/disguise/proto.copy'
INSERT INTO scores SELECT pid, 'prototype: ' || measure, value FROM proto;

-- ---------------------------------------------------------------------------
-- Language-aware tokens and the rename-insensitive ':kinds' modes: the
-- pair's language mode ('code:js', which reads TypeScript too, or
-- 'code:python'), the same with identifiers as kinds, and with the
-- language guessed ('code:auto:kinds').  Kind tokens say less each than
-- exact ones, so their shingles are longer (k = 12, w = 4); k = 5, w = 10
-- (the parameters above) for comparison.
INSERT INTO scores
SELECT p.pid, m.measure, m.value
FROM pairs p JOIN texts q ON q.tid = p.qt JOIN texts w ON w.tid = p.wt,
LATERAL (SELECT CASE p.lang WHEN 'js' THEN 'code:js' ELSE 'code:python' END AS lm) l,
LATERAL (VALUES ('language mode', containment(fingerprint(q.body, 5, 10, l.lm), fingerprint(w.body, 5, 10, l.lm))),
                ('language mode :kinds (k = 5, w = 10)',
                 containment(fingerprint(q.body, 5, 10, l.lm || ':kinds'), fingerprint(w.body, 5, 10, l.lm || ':kinds'))),
                ('language mode :kinds (k = 12, w = 4)',
                 containment(fingerprint(q.body, 12, 4, l.lm || ':kinds'), fingerprint(w.body, 12, 4, l.lm || ':kinds'))),
                ('code:auto:kinds (k = 12, w = 4)',
                 containment(fingerprint(q.body, 12, 4, 'code:auto:kinds'), fingerprint(w.body, 12, 4, 'code:auto:kinds')))) m(measure, value);
-- Independent pairs that share an unbroken run of 20 kind tokens: renamed
-- copies (a minified helper against its source), which the 20-token rule
-- above does not see; reported apart below.
CREATE TABLE kinds_copies AS
SELECT p.pid FROM pairs p JOIN texts q ON q.tid = p.qt JOIN texts w ON w.tid = p.wt
WHERE p.class = 'negative'
  AND llmcopy_longest_match(q.body, w.body, CASE p.lang WHEN 'js' THEN 'code:js:kinds' ELSE 'code:python:kinds' END) >= 20;

-- Recall at zero false positives: the threshold is the highest score of any
-- independent pair of the language; a clone is found when it scores above.
CREATE TABLE thresholds AS
SELECT p.lang, s.measure, max(s.value) AS at_zero_fp,
       percentile_disc(0.99) WITHIN GROUP (ORDER BY s.value) AS at_1pct_fp,
       count(*) AS negatives
FROM scores s JOIN pairs p USING (pid) WHERE p.class = 'negative' GROUP BY 1, 2;
CREATE TABLE recall AS
SELECT p.lang, s.measure, p.variant, count(*) AS clones,
       round(100.0 * count(*) FILTER (WHERE s.value > t.at_zero_fp) / count(*), 1) AS recall_zero_fp,
       round(100.0 * count(*) FILTER (WHERE s.value > t.at_1pct_fp) / count(*), 1) AS recall_1pct_fp,
       round(avg(s.value)::numeric, 3) AS mean_score
FROM scores s JOIN pairs p USING (pid) JOIN thresholds t ON t.lang = p.lang AND t.measure = s.measure
WHERE p.class = 'clone' GROUP BY 1, 2, 3;

-- data for the plot
\copy (SELECT lang, measure, substr(variant, 2)::int, recall_zero_fp, recall_1pct_fp FROM recall WHERE variant LIKE 'L%' ORDER BY 1, 2, 3) TO 'bench/out/disguise_recall.tsv' WITH (FORMAT csv, DELIMITER E'\t')

\echo '## Thresholds: the highest score of an independent implementation (zero false positives) and the 99th percentile'
SELECT lang, measure, negatives, round(at_zero_fp::numeric, 3) AS at_zero_fp, round(at_1pct_fp::numeric, 3) AS at_1pct_fp
FROM thresholds ORDER BY 1, 2;

\echo '## Recall (%) at zero false positives by level of disguise (cumulative levels L1..L6)'
SELECT lang, measure,
       string_agg(format('%s %s', variant, recall_zero_fp), '  ' ORDER BY variant) AS recall_by_level
FROM recall WHERE variant LIKE 'L%' GROUP BY 1, 2 ORDER BY 1, 2;

\echo '## Recall (%) at zero false positives, one transformation on top of layout (S2..S6)'
SELECT lang, measure,
       string_agg(format('%s %s', variant, recall_zero_fp), '  ' ORDER BY variant) AS recall_by_transformation
FROM recall WHERE variant LIKE 'S%' GROUP BY 1, 2 ORDER BY 1, 2;

\echo '## Recall (%) at 1 % false positives (cumulative levels)'
SELECT lang, measure,
       string_agg(format('%s %s', variant, recall_1pct_fp), '  ' ORDER BY variant) AS recall_by_level
FROM recall WHERE variant LIKE 'L%' GROUP BY 1, 2 ORDER BY 1, 2;

\echo '## Language modes and kinds: the language code:auto guesses for the texts of the pairs'
SELECT s.lang, llmcopy_code_language(t.body) AS guess, count(*) AS texts
FROM (SELECT lang, qt AS tid FROM pairs UNION SELECT lang, wt FROM pairs) s JOIN texts t USING (tid)
GROUP BY 1, 2 ORDER BY 1, 3 DESC;

\echo '## Recall (%) at zero false positives, the independent pairs sharing a run of 20 kind tokens also set aside (renamed copies)'
SELECT p.lang, count(*) AS set_aside FROM kinds_copies JOIN pairs p USING (pid) GROUP BY 1 ORDER BY 1;
WITH th AS (
    SELECT p.lang, s.measure, max(s.value) AS t
    FROM scores s JOIN pairs p USING (pid)
    WHERE p.class = 'negative' AND p.pid NOT IN (SELECT pid FROM kinds_copies) GROUP BY 1, 2),
r AS (
    SELECT p.lang, s.measure, p.variant,
           round(100.0 * count(*) FILTER (WHERE s.value > th.t) / count(*), 1) AS recall_zero_fp
    FROM scores s JOIN pairs p USING (pid) JOIN th ON th.lang = p.lang AND th.measure = s.measure
    WHERE p.class = 'clone' AND p.variant LIKE 'L%' GROUP BY 1, 2, 3)
SELECT r.lang, r.measure, round(min(th.t)::numeric, 3) AS at_zero_fp,
       string_agg(format('%s %s', r.variant, r.recall_zero_fp), '  ' ORDER BY r.variant) AS recall_by_level
FROM r JOIN th USING (lang, measure) GROUP BY 1, 2 ORDER BY 1, 2;

\echo '## Mean score of clones by level, and of independent pairs'
SELECT lang, measure,
       string_agg(format('%s %s', variant, mean_score), '  ' ORDER BY variant) AS mean_by_level,
       (SELECT round(avg(s.value)::numeric, 3) FROM scores s JOIN pairs p USING (pid)
        WHERE p.class = 'negative' AND p.lang = r.lang AND s.measure = r.measure) AS mean_negative
FROM recall r WHERE variant LIKE 'L%' GROUP BY 1, 2 ORDER BY 1, 2;

\echo '## The hardest independent pairs: highest containment and highest rarity-weighted score'
SELECT p.lang, p.name, s.measure, round(s.value::numeric, 3) AS score, n.package_a, n.package_b
FROM scores s JOIN pairs p USING (pid)
JOIN texts tq ON tq.tid = p.qt JOIN texts tw ON tw.tid = p.wt
JOIN negs n ON n.a = tq.body AND n.b = tw.body
WHERE p.class = 'negative' AND s.measure IN ('containment', 'rarity-weighted')
  AND s.value >= (SELECT t.at_zero_fp FROM thresholds t WHERE t.lang = p.lang AND t.measure = s.measure) - 1e-9
ORDER BY 1, 3;

\echo '## Cost of the document frequencies: works read per query (q && fp after boilerplate subtraction)'
SELECT count(*) AS queries, round(avg((fingerprint_df_info(df)).hashes), 1) AS hashes_a_query,
       round(avg(n), 1) AS works_read_avg, max(n) AS works_read_max
FROM dfs d, LATERAL (SELECT count(*) AS n FROM dworks w, texts t WHERE t.tid = d.tid AND t.q && w.fp) c;

-- ---------------------------------------------------------------------------
-- Reworded prose (also run alone by bench/run prose).
\ir prose.sql
