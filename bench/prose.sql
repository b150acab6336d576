-- Reworded prose (run by bench/run prose, and by bench/run disguise): AUC
-- and recall at zero false positives of each measure, the copy's source
-- against three passages of the same length on the same topic, by strength
-- of rewording (P1 sentences reordered .. P5 sentences rewritten), for
-- long passages (1,200-1,800 characters), short ones (300-600, 2-4
-- sentences) and of a sentence or two (120-300).  Two test sets, drawn
-- and rewritten the same way from other seeds by bench/disguise/prose.py
-- (set 1 is the one of the earlier rounds); each is scored on its own.
\pset footer off
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE prose (qid int, source text, length text, level text, truth text, query text, work text);
\copy prose FROM 'bench/work/disguise/out/prose.copy'
ALTER TABLE prose ADD COLUMN set int NOT NULL DEFAULT 1;
CREATE TABLE prose2 (LIKE prose INCLUDING DEFAULTS);
\copy prose2 (qid, source, length, level, truth, query, work) FROM 'bench/work/disguise/out/prose2.copy'
INSERT INTO prose SELECT qid, source, length, level, truth, query, work, 2 FROM prose2;
DROP TABLE prose2;
-- document frequencies of words over the corpus's prose; the words of at
-- least 500 of its 9,267 documents are its function words (boilerplate)
CREATE TABLE pworks AS SELECT id, body, fingerprint(body, 1, 1) AS fp FROM corpus WHERE kind = 'prose';
CREATE INDEX pworks_fp ON pworks USING gin (fp fingerprint_ops (k = 1, w = 1));
CREATE TABLE pbp AS SELECT fingerprint_common_agg(fp, 500) AS fp FROM pworks;
SELECT (fingerprint_info(fp)).hashes AS prose_words_in_500_documents FROM pbp;
CREATE TABLE pq AS
SELECT query, fingerprint(query, 1, 1) - (SELECT fp FROM pbp) AS q1 FROM (SELECT DISTINCT query FROM prose) s;
ALTER TABLE pq ADD COLUMN df fingerprint_df;
UPDATE pq SET df = (SELECT fingerprint_df_agg(w.fp, pq.q1, (SELECT count(*) FROM pworks)) FROM pworks w WHERE pq.q1 && w.fp);
CREATE TABLE pscores AS
SELECT p.set, p.qid, p.length, p.level, p.truth, m.measure, m.value
FROM prose p JOIN pq ON pq.query = p.query,
LATERAL (VALUES ('containment (k = 5)', containment(fingerprint(p.query), fingerprint(p.work))),
                ('containment of words (k = 1)', containment(fingerprint(p.query, 1, 1), fingerprint(p.work, 1, 1))),
                ('containment of word pairs (k = 2)', containment(fingerprint(p.query, 2, 1), fingerprint(p.work, 2, 1))),
                ('rarity-weighted words (k = 1, common words subtracted)',
                 coalesce(containment_weighted(pq.q1, fingerprint(p.work, 1, 1), pq.df), 0)),
                ('pg_trgm similarity', similarity(p.query, p.work)::float8),
                ('pg_trgm word_similarity', word_similarity(p.query, p.work)::float8),
                ('pg_trgm word_similarity (work, query)', word_similarity(p.work, p.query)::float8),
                ('pg_trgm strict_word_similarity', strict_word_similarity(p.query, p.work)::float8)) m(measure, value);
-- Words and stems (fingerprint_words): each word as written, and each
-- content word's stem (inflections folded).
INSERT INTO pscores
SELECT p.set, p.qid, p.length, p.level, p.truth, m.measure, m.value
FROM prose p, LATERAL (SELECT fingerprint_words(p.query) AS q, fingerprint_words(p.work) AS w) x,
LATERAL (VALUES ('words and stems (fingerprint_words)', containment(x.q, x.w)),
                ('words and stems, jaccard', jaccard(x.q, x.w))) m(measure, value);

-- AUC = P(a copy scores above an other passage), ties counted half (six
-- decimals: one pair of the 233,523 of the sentence set's level is 4e-6);
-- recall at zero false positives: the copies that score above every other
-- passage of the same set, length and level.
CREATE TABLE auc AS
SELECT set, length, level, measure,
       round(((sum(r) FILTER (WHERE truth = 'copy') - count(*) FILTER (WHERE truth = 'copy') * (count(*) FILTER (WHERE truth = 'copy') + 1) / 2.0)
              / (count(*) FILTER (WHERE truth = 'copy') * count(*) FILTER (WHERE truth = 'other')))::numeric, 6) AS auc,
       round(100.0 * count(*) FILTER (WHERE truth = 'copy' AND value > top_other) / count(*) FILTER (WHERE truth = 'copy'), 1) AS recall_zero_fp,
       round((avg(value) FILTER (WHERE truth = 'copy'))::numeric, 3) AS mean_copy,
       round((avg(value) FILTER (WHERE truth = 'other'))::numeric, 3) AS mean_other
FROM (SELECT set, length, level, measure, truth, value,
             rank() OVER w + (count(*) OVER (PARTITION BY set, length, level, measure, value) - 1) / 2.0 AS r,
             max(value) FILTER (WHERE truth = 'other') OVER (PARTITION BY set, length, level, measure) AS top_other
      FROM pscores WINDOW w AS (PARTITION BY set, length, level, measure ORDER BY value)) s
GROUP BY 1, 2, 3, 4;
SELECT set, length, count(DISTINCT qid) AS passages, count(*) FILTER (WHERE truth = 'other') / count(DISTINCT level) AS negative_pairs_a_level,
       round(avg(length(work)) FILTER (WHERE truth = 'copy')) AS source_chars, round(avg(length(work)) FILTER (WHERE truth = 'other')) AS other_chars,
       round(avg(length(query)) FILTER (WHERE level = 'P5')) AS p5_chars
FROM prose WHERE level = 'P1' OR level = 'P5' GROUP BY 1, 2 ORDER BY 1, 2 DESC;
\echo '## Reworded prose: AUC by strength (P1 sentences reordered .. P5 sentences rewritten)'
SELECT set, length, measure, string_agg(format('%s %s', level, auc), '  ' ORDER BY level) AS auc_by_level
FROM auc GROUP BY 1, 2, 3 ORDER BY 1, 2 DESC, 3;
\echo '## Reworded prose: recall (%) at zero false positives (above every other passage of the level)'
SELECT set, length, measure, string_agg(format('%s %s', level, recall_zero_fp), '  ' ORDER BY level) AS recall_by_level
FROM auc GROUP BY 1, 2, 3 ORDER BY 1, 2 DESC, 3;
\echo '## Reworded prose: mean score of copies / of other passages'
SELECT set, length, measure, string_agg(format('%s %s/%s', level, mean_copy, mean_other), '  ' ORDER BY level) AS means
FROM auc GROUP BY 1, 2, 3 ORDER BY 1, 2 DESC, 3;

\copy (SELECT length, measure, substr(level, 2)::int, auc FROM auc WHERE set = 1 ORDER BY 1, 2, 3) TO 'bench/out/disguise_auc.tsv' WITH (FORMAT csv, DELIMITER E'\t')
