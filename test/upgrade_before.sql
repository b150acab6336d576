-- Data made under an earlier release, before ALTER EXTENSION ... UPDATE:
-- fingerprint and minhash columns with GIN indexes, a registered corpus and
-- outputs, a scan with findings.  Only SQL that 0.1.0 already had.
\set ON_ERROR_STOP 1
SELECT setseed(0.42);
CREATE TABLE u_words AS
SELECT i, md5(i::text) AS w FROM generate_series(1, 2000) i;
-- 300 works of 60..200 words drawn from a 2,000-word vocabulary
CREATE TABLE u_works (id int PRIMARY KEY, body text, license text);
INSERT INTO u_works
SELECT d, (SELECT string_agg(left(w, 3 + (i % 5)), ' ')
           FROM (SELECT w, i FROM u_words, generate_series(1, 60 + d % 140) g
                 WHERE u_words.i = 1 + ((d * 7919 + g * 104729) % 2000)) s),
       (ARRAY['MIT', 'GPL-3.0-only', 'Apache-2.0', 'CC-BY-SA-4.0'])[1 + d % 4]
FROM generate_series(1, 300) d;
-- a third of them not ASCII (accented letters, CJK): tokenized by ICU, not by
-- the ASCII fast path, so their hashes depend on ICU's rules too
UPDATE u_works SET body = translate(body, 'abcdef0123', 'áßçđéƒ零一二三') WHERE id % 3 = 0;
ALTER TABLE u_works ADD COLUMN fp fingerprint GENERATED ALWAYS AS (fingerprint(body)) STORED;
ALTER TABLE u_works ADD COLUMN sig minhash GENERATED ALWAYS AS (minhash(body)) STORED;
CREATE INDEX u_works_fp ON u_works USING gin (fp);
CREATE INDEX u_works_fp8 ON u_works USING gin (fp fingerprint_ops (bits = 8));
CREATE INDEX u_works_sig ON u_works USING gin (sig);
-- outputs: copies of parts of works, and unrelated text
CREATE TABLE u_outputs (id int PRIMARY KEY, body text, at timestamptz, model text);
INSERT INTO u_outputs
SELECT o, CASE WHEN o % 3 = 0 THEN 'unrelated words about nothing in particular number ' || o
               ELSE 'model says ' || (SELECT body FROM u_works WHERE id = o * 7 % 300 + 1) END,
       '2026-10-01'::timestamptz + o * interval '1 minute', 'model-' || o % 2
FROM generate_series(1, 40) o;
SELECT llmcopy_register_corpus('u_works', 'id', 'body', license_col => 'license');
SELECT llmcopy_register_outputs('u_outputs', 'id', 'body', 'at', model_col => 'model');
CALL llmcopy_scan(threshold => 0.3);
CREATE TABLE u_findings_before AS SELECT output_id, work_id FROM llmcopy_findings;
-- the aggregates under the earlier release's definitions (state internal),
-- run by this library, spilling past a small work_mem: compared with their
-- values after the update (test/upgrade_after.sql)
SET work_mem = '64kB';
CREATE TABLE u_aggregates_before AS
SELECT md5(fingerprint_union_agg(fp)::text) AS u, md5(fingerprint_common_agg(fp, 2)::text) AS c,
       md5(attribution_agg('author ' || id % 7, 'work ' || id, NULL, license)) AS a
FROM u_works;
RESET work_mem;
