-- spdx_correct on messy license strings (run by bench/run licenses).
--
-- 1. bench/licenses_truth.tsv: 953 strings from real sources and deliberate
--    variants, with the truth written by hand.  Each answer is right (equal
--    to the truth), wrong (any answer where the truth differs or is "-"),
--    NULL with a defensible answer, or NULL rightly (truth "-").
-- 2. The license fields on this machine today: the npm packages of the
--    benchmark corpus and the distinct License: values of the Debian
--    copyright files (bench/run extracts them).
-- 3. Speed, next to md5() over the same strings.
\pset footer off
CREATE TABLE lic_truth (source text, split text, s text, truth text);
\copy lic_truth FROM PROGRAM 'grep -v "^#" bench/licenses_truth.tsv'
CREATE TABLE lic_answer AS
SELECT t.*, e.corrected, e.rule, e.candidates,
       CASE WHEN e.corrected IS NOT NULL AND t.truth <> '-' AND e.corrected = t.truth THEN 'right'
            WHEN e.corrected IS NOT NULL THEN 'wrong'
            WHEN t.truth <> '-' THEN 'null, has an answer'
            ELSE 'null, rightly' END AS verdict
FROM lic_truth t, LATERAL spdx_correct_explain(t.s) e;

\echo '## Every string: answered right, answered wrong, NULL with a defensible answer, NULL rightly'
SELECT split, count(*) AS strings,
       count(*) FILTER (WHERE verdict = 'right') AS right,
       count(*) FILTER (WHERE verdict = 'wrong') AS wrong,
       count(*) FILTER (WHERE verdict = 'null, has an answer') AS null_has_answer,
       count(*) FILTER (WHERE verdict = 'null, rightly') AS null_rightly,
       round(100.0 * count(*) FILTER (WHERE verdict = 'right')
             / nullif(count(*) FILTER (WHERE truth <> '-'), 0), 1) AS pct_of_answerable_corrected
FROM lic_answer GROUP BY ROLLUP (split) ORDER BY split NULLS LAST;

\echo '## By source'
SELECT source, count(*) AS strings,
       count(*) FILTER (WHERE verdict = 'right') AS right,
       count(*) FILTER (WHERE verdict = 'wrong') AS wrong,
       count(*) FILTER (WHERE verdict = 'null, has an answer') AS null_has_answer,
       count(*) FILTER (WHERE verdict = 'null, rightly') AS null_rightly
FROM lic_answer GROUP BY source ORDER BY min(split), source;

\echo '## The rule that decided, for the strings answered right'
SELECT rule, count(*) FROM lic_answer WHERE verdict = 'right' GROUP BY rule ORDER BY count(*) DESC, rule;

\echo '## Why the NULLs are NULL (truth "-"): the rule that refused, or none'
SELECT rule, count(*) FROM lic_answer WHERE verdict = 'null, rightly' GROUP BY rule ORDER BY count(*) DESC, rule;

\echo '## Wrong answers (must be none)'
SELECT source, split, s, truth, corrected, rule FROM lic_answer WHERE verdict = 'wrong' ORDER BY source, s;

\echo '## NULL where the truth has an answer'
SELECT source, split, s, truth, rule FROM lic_answer WHERE verdict = 'null, has an answer' ORDER BY source, s;

-- 2. today's fields
CREATE TABLE lic_npm (package text, version text, license text);
\copy lic_npm FROM 'bench/work/npm_licenses.copy'
CREATE TABLE lic_deb (license text);
\copy lic_deb FROM 'bench/work/debian_licenses.copy'
CREATE VIEW lic_all AS
SELECT 'npm package.json "license" (' || count(*) OVER () || ' packages)' AS source, license FROM lic_npm
UNION ALL
SELECT 'Debian copyright "License:" (' || count(*) OVER () || ' distinct values)', license FROM lic_deb;

\echo '## License fields on this machine: valid as written, corrected, unknown'
SELECT source, count(*) AS fields,
       count(*) FILTER (WHERE license IS NOT NULL AND spdx_valid(license)) AS valid_spdx,
       count(*) FILTER (WHERE license IS NOT NULL AND NOT spdx_valid(license) AND spdx_correct(license) IS NOT NULL) AS corrected,
       count(*) FILTER (WHERE license IS NULL OR spdx_correct(license) IS NULL) AS unknown
FROM lic_all GROUP BY source ORDER BY source;

-- 3. speed: every string of the truth file 200 times, against md5()
\echo '## Speed: the 953 strings 200 times (190,600 calls), and md5() of the same'
CREATE TABLE lic_many AS SELECT s FROM lic_truth, generate_series(1, 200);
\timing on
SELECT count(md5(s)) AS md5 FROM lic_many;
SELECT count(spdx_correct(s)) AS spdx_correct FROM lic_many;
SELECT count(*) FILTER (WHERE spdx_valid(s)) AS spdx_valid FROM lic_many;
\timing off
