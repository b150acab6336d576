-- pg_llmcopy sample job: which outputs reproduce which works?
\set ON_ERROR_STOP on
\pset footer off
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_llmcopy;

-- The corpus: real texts with their origin and terms (data/corpus.tsv).
CREATE TABLE works (
    id serial PRIMARY KEY,
    file text NOT NULL, title text, author text, terms text,
    body text,
    fp fingerprint GENERATED ALWAYS AS (fingerprint(body)) STORED
);
\copy works (file, title, author, terms) FROM 'data/corpus.tsv' WITH (FORMAT csv, DELIMITER E'\t', HEADER true)
UPDATE works SET body = pg_read_file('/usr/share/common-licenses/' || file);
CREATE INDEX works_fp ON works USING gin (fp);
ANALYZE works;

-- Model-output-like texts.  The copied passages are taken from the works
-- at run time, so this file holds only its own words.
CREATE FUNCTION pg_temp.passage(f text, anchor text, len int) RETURNS text LANGUAGE sql AS $$
    SELECT substr(body, strpos(body, anchor), len) FROM works WHERE file = f
$$;
CREATE TABLE outputs (
    id int PRIMARY KEY, prompt text, body text,
    fp fingerprint GENERATED ALWAYS AS (fingerprint(body)) STORED
);
INSERT INTO outputs (id, prompt, body) VALUES
 (1, 'What is copyleft about?',
  'Great question! In short, copyleft licenses keep software free. As one license puts it: '
  || pg_temp.passage('GPL-3', 'The licenses for most software', 560)
  || ' I hope this helps you decide which license fits your project.'),
 (2, 'Summarize the Apache copyright grant',
  'Here is a summary in my own words, mostly. '
  || replace(replace(upper(pg_temp.passage('Apache-2.0', 'Grant of Copyright License', 520)),
                     'PERPETUAL', 'LASTING'), 'WORLDWIDE', 'GLOBAL')
  || ' Let me know if you need the patent clause as well.'),
 (3, 'Compare MPL and LGPL',
  'The MPL says: ' || pg_temp.passage('MPL-2.0', 'Each Contributor hereby grants You', 420)
  || E'\n\nWhile the LGPL begins its preamble with: '
  || pg_temp.passage('LGPL-2.1', 'When we speak of free software', 380)),
 (4, 'Quote one line of the GPL',
  'The GPL famously says the licenses for most software are designed to take away your freedom, then argues otherwise.'),
 (5, 'Write a poem about tomatoes',
  'Red globes ripen slowly in the late summer sun, the garden hums with bees, and '
  || 'the old fence leans a little further toward the road each year.');
ANALYZE outputs;

\echo
\echo '== Which outputs are contained in which works (containment >= 0.1, via the GIN index)'
SELECT o.id AS output, o.prompt, w.title AS work,
       round(containment(o.fp, w.fp)::numeric, 2) AS share_of_output,
       w.terms
FROM outputs o
LEFT JOIN works w ON fingerprint_contained(o.fp, w.fp, 0.1)
ORDER BY o.id, share_of_output DESC NULLS LAST;

\echo '== The plan of that join: an index scan per output'
SET enable_seqscan = off;  -- the sample is small; on a real corpus the planner picks the index itself
EXPLAIN (costs off)
SELECT o.id, w.id FROM outputs o JOIN works w ON fingerprint_contained(o.fp, w.fp, 0.1);
RESET enable_seqscan;

\echo '== Fingerprint sizes'
SELECT count(*) AS works, pg_size_pretty(sum(length(body))) AS text,
       pg_size_pretty(sum(pg_column_size(fp))) AS fingerprints,
       pg_size_pretty(pg_relation_size('works_fp')) AS gin_index
FROM works;
