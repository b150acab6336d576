-- spdx_correct on real license fields (run by bench/run licenses):
-- the npm packages of the benchmark corpus, and the distinct License:
-- values of the Debian copyright files on this machine.
\pset footer off
CREATE TABLE lic_npm (package text, version text, license text);
\copy lic_npm FROM 'bench/work/npm_licenses.copy'
CREATE TABLE lic_deb (license text);
\copy lic_deb FROM 'bench/work/debian_licenses.copy'

CREATE VIEW lic_all AS
SELECT 'npm package.json "license" (' || count(*) OVER () || ' packages)' AS source, license FROM lic_npm
UNION ALL
SELECT 'Debian copyright "License:" (' || count(*) OVER () || ' distinct values)', license FROM lic_deb;

\echo '## How many normalize as they are, how many spdx_correct corrects, how many stay unknown'
SELECT source, count(*) AS fields,
       count(*) FILTER (WHERE license IS NOT NULL AND spdx_valid(license)) AS valid_spdx,
       count(*) FILTER (WHERE license IS NOT NULL AND NOT spdx_valid(license) AND spdx_correct(license) IS NOT NULL) AS corrected,
       count(*) FILTER (WHERE license IS NULL OR spdx_correct(license) IS NULL) AS unknown
FROM lic_all GROUP BY source ORDER BY source;

\echo '## Corrections (Debian, the 40 most common values that needed one)'
SELECT d.license AS written, spdx_correct(d.license) AS corrected
FROM lic_deb d WHERE NOT spdx_valid(d.license) AND spdx_correct(d.license) IS NOT NULL
ORDER BY d.license LIMIT 40;

\echo '## Left unknown (Debian, first 40)'
SELECT license FROM lic_deb WHERE spdx_correct(license) IS NULL ORDER BY license LIMIT 40;
