-- pg_llmcopy sample job: which outputs reproduce which works, where, and
-- what do the works' licenses then require?
\set ON_ERROR_STOP on
\pset footer off
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_llmcopy;

-- The GNU license documents may be copied verbatim but not changed: a
-- license the catalogue does not know, added as a row of its own.
INSERT INTO llmcopy_licenses (id, name, attribution, copyleft, share_alike, non_commercial, no_derivatives, source)
VALUES ('LicenseRef-verbatim-only', 'Verbatim copies only, no changes', true, 'none', false, false, true,
        'the documents'' notice: "Everyone is permitted to copy and distribute verbatim copies of this license document, but changing it is not allowed."');

-- The corpus: license texts (data/corpus.tsv), and real source files with
-- their licenses where this machine has them.
CREATE TABLE works (id serial PRIMARY KEY, file text, title text, author text, terms text, license text, body text);
\copy works (file, title, author, terms, license) FROM 'data/corpus.tsv' WITH (FORMAT csv, DELIMITER E'\t', HEADER true)
UPDATE works SET body = pg_read_file('/usr/share/common-licenses/' || file),
                 file = '/usr/share/common-licenses/' || file;
INSERT INTO works (file, title, author, terms, license, body)
SELECT f, title, author, 'source file', lic, pg_read_file(f)
FROM (VALUES ('/usr/share/perl/5.36/Text/Wrap.pm', 'Text::Wrap (Perl core module)', 'David Muir Sharnoff', 'Artistic or GPL-1+'),
             ('/usr/share/perl/5.36/Text/Abbrev.pm', 'Text::Abbrev (Perl core module)', 'Perl 5 Porters', 'Artistic or GPL-1+'),
             ('/usr/lib/python3.11/textwrap.py', 'textwrap.py (Python standard library)', 'Greg Ward', 'PSF-2.0'))
     AS v(f, title, author, lic)
WHERE (pg_stat_file(f, true)).size IS NOT NULL;

-- Model outputs, logged with a time and a model.  The copied passages are
-- taken from the works at run time, so this file holds only its own words.
CREATE TABLE outputs (id int PRIMARY KEY, prompt text, body text, logged_at timestamptz, model text);
CREATE FUNCTION pg_temp.passage(title_prefix text, anchor text, len int) RETURNS text LANGUAGE sql AS $$
    SELECT substr(body, strpos(body, anchor), len) FROM works WHERE title LIKE title_prefix || '%' LIMIT 1
$$;
INSERT INTO outputs VALUES
 (1, 'What is copyleft about?',
  'Great question! In short, copyleft licenses keep software free. As one license puts it: '
  || pg_temp.passage('GNU General Public License 3', 'The licenses for most software', 560)
  || ' I hope this helps you decide which license fits your project.', now() - interval '2 hours', 'model-a'),
 (2, 'Summarize the Apache copyright grant',
  'Here is a summary in my own words, mostly. '
  || replace(replace(upper(pg_temp.passage('Apache License', 'Grant of Copyright License', 520)),
                     'PERPETUAL', 'LASTING'), 'WORLDWIDE', 'GLOBAL')
  || ' Let me know if you need the patent clause as well.', now() - interval '2 hours', 'model-b'),
 (3, 'Compare MPL and LGPL',
  'The MPL says: ' || pg_temp.passage('Mozilla Public License 2.0', 'Each Contributor hereby grants You', 420)
  || E'\n\nWhile the LGPL begins its preamble with: '
  || pg_temp.passage('GNU Lesser General Public License 2.1', 'When we speak of free software', 380),
  now() - interval '90 minutes', 'model-a'),
 (4, 'Write a poem about tomatoes',
  'Red globes ripen slowly in the late summer sun, the garden hums with bees, and '
  || 'the old fence leans a little further toward the road each year.', now() - interval '1 hour', 'model-b'),
 (5, 'How do I wrap text to a width in Python?',
  E'You can write a small helper like this:\n\n'
  || coalesce(pg_temp.passage('textwrap.py', 'def dedent(text):', 700), 'def wrap(s): return s')
  || E'\n\nThen call it on your string.', now() - interval '30 minutes', 'model-b');

-- Register both tables (a stored fingerprint column each, and the corpus's
-- GIN index), then run the nightly scan.
SELECT llmcopy_register_corpus('works', 'id', 'body', license_col => 'license', author_col => 'author',
                               title_col => 'title', source_col => 'file') IS NOT NULL AS corpus_registered;
SELECT llmcopy_register_outputs('outputs', 'id', 'body', 'logged_at', model_col => 'model') IS NOT NULL AS outputs_registered;
CALL llmcopy_scan(threshold => 0.1);

\echo
\echo '== Findings: which outputs are contained in which works'
SELECT f.output_id AS output, o.prompt, w.title AS work,
       coalesce(f.license, 'unknown (' || f.license_raw || ')') AS license,
       round(f.containment::numeric, 2) AS containment, f.longest_tokens AS longest_run,
       round(f.coverage::numeric, 2) AS coverage
FROM llmcopy_findings f JOIN outputs o ON o.id::text = f.output_id JOIN works w ON w.id::text = f.work_id
ORDER BY o.id, f.containment DESC, w.title;

\echo '== Evidence: the longest copied run of each output, marked [[ ]] in the output, with its place in the work'
SELECT f.output_id AS output, w.title AS work,
       s.a_start || '+' || s.a_length AS in_output, s.b_start || '+' || s.b_length AS in_work, s.tokens,
       '…' || right(substr(o.body, 1, s.a_start - 1), 30) || '[[' || left(substr(o.body, s.a_start, s.a_length), 90)
       || CASE WHEN s.a_length > 90 THEN '…' ELSE '' END || ']]' || left(substr(o.body, s.a_start + s.a_length), 25) || '…'
       AS in_context
FROM llmcopy_findings f JOIN outputs o ON o.id::text = f.output_id JOIN works w ON w.id::text = f.work_id,
     LATERAL (SELECT * FROM jsonb_to_recordset(f.spans) AS x(a_start int, a_length int, b_start int, b_length int, tokens int)
              ORDER BY x.tokens DESC, x.a_start LIMIT 1) s
WHERE f.containment = (SELECT max(g.containment) FROM llmcopy_findings g WHERE g.output_id = f.output_id)
ORDER BY o.id, w.title;

\echo '== What the licenses require, per output'
SELECT f.output_id AS output, string_agg(DISTINCT coalesce(f.license, 'unknown'), ', ') AS licenses,
       bool_or((f.obligations ->> 'attribution')::bool) AS attribution,
       bool_or((f.obligations ->> 'no_derivatives')::bool) AS no_derivatives,
       max(f.obligations ->> 'copyleft') AS copyleft,
       bool_or(f.license IS NULL OR f.obligations ->> 'copyleft' IS NULL) AS some_unknown
FROM llmcopy_findings f GROUP BY f.output_id ORDER BY f.output_id::int;

\echo '== Outputs whose copied text is found under different licenses'
SELECT output_id AS output, sources, incompatible FROM llmcopy_license_conflicts ORDER BY output_id::int;

\echo '== Attribution text, per output'
SELECT output_id AS output, attribution FROM llmcopy_output_attribution ORDER BY output_id::int;

\echo '== How often each model reproduces a work (a copied run of at least 50 tokens), per day'
SELECT to_char(day, 'YYYY-MM-DD') AS day, model, scanned, reproducing, round(rate::numeric, 2) AS rate
FROM llmcopy_reproduction_rate ORDER BY day, model;

\echo '== Sizes'
SELECT count(*) AS works, pg_size_pretty(sum(length(body))) AS text,
       pg_size_pretty(sum(pg_column_size(llmcopy_fp))) AS fingerprints,
       (SELECT pg_size_pretty(sum(pg_relation_size(i.indexrelid))) FROM pg_index i
        WHERE i.indrelid = 'works'::regclass AND NOT i.indisprimary) AS gin_index
FROM works;

-- The report of this job as one HTML file: each output side by side with
-- the works it copies, the passages marked and linked, licenses and
-- attribution (psql -v report=FILE chooses the file).
\if :{?report}
\else
\set report demo-report.html
\endif
\pset format unaligned
\pset tuples_only on
\o :report
SELECT llmcopy_scan_report();
\o
\set cwd `pwd`
SELECT CASE WHEN :'report' LIKE '/%' THEN :'report' ELSE :'cwd' || '/' || :'report' END AS report_path \gset
\echo
\echo '== The HTML report of this job, to open in a browser:' :report_path
