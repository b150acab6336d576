-- A job with hostile text, for the report test (run after data/demo.sql):
-- an output and a work whose text and metadata try to inject markup and
-- script, with lines too long for a pane.  Writes llmcopy_report of the
-- output to the file :report.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
INSERT INTO works (file, title, author, terms, license, body)
SELECT 'javascript:window.__pwned=3', '<script>window.__pwned=1</script>Hostile <b>title</b>',
       '<img src=x onerror="window.__pwned=2">', 'none', '"><svg onload=alert(1)>',
       body || E'\n' || repeat('x', 3000)
FROM works WHERE title LIKE 'Mozilla Public License 2.0%' ORDER BY id LIMIT 1;
INSERT INTO outputs
SELECT 6, 'hostile',
       E'<script>window.__pwned=4;alert(1)</script></div></div><h1>injected</h1>\n' || repeat('y', 2500) || E'\n'
       || substr(body, strpos(body, 'Each Contributor hereby grants You'), 420) || E'\n' || repeat('long_identifier_', 200),
       now() - interval '1 second', 'model-<i>x</i>'
FROM works WHERE title LIKE 'Mozilla Public License 2.0%' ORDER BY id LIMIT 1;
CALL llmcopy_scan(threshold => 0.1);
\pset format unaligned
\pset tuples_only on
\o :report
SELECT llmcopy_report('outputs', '6');
\o
