-- Cancel latency: how soon after statement_timeout every function that can
-- run long ends, on inputs near its limits (texts up to 960 MB, 16 M
-- tokens for spans, fingerprints of 30 M hashes, 50 M edges).  For each
-- case: the time it takes to the end (no timeout), and, with a timeout at
-- 40 % of that time (80 % for the w = 1 fingerprint, to fall in its final
-- sort; at least 0.2 s, at most 2 s), how long after the timeout the
-- statement ended: the median and the worst of three runs.  The inputs are
-- made inside the statement by repeat() or read from a table, both of
-- which take part of the time and check for no interrupt (PostgreSQL's
-- own), so the timeout falls past them, in the function.  Baselines measured in the same run: PostgreSQL's
-- executor over generate_series (an interrupt check per row) and md5() of
-- 900 MB (one call, no interrupt check).
\set ON_ERROR_STOP 1
SET work_mem = '64MB';

CREATE TABLE cancel_cases (n serial, name text, input text, q text, at float8 DEFAULT 0.4, timeout_ms int);
CREATE TABLE cancel_results (name text, full_s float8, cancelled bool, after_timeout_s float8);

-- fingerprints of 30 M hashes (w = 1, every k-gram) for type I/O, set
-- operations and key extraction; their text form and binary form
CREATE TABLE big_fp (id int, fp fingerprint, lit text, bin bytea);
-- uncompressed, so that reading the literal back takes a fraction of the
-- second (detoasting checks for no interrupt)
ALTER TABLE big_fp ALTER lit SET STORAGE EXTERNAL;
INSERT INTO big_fp (id, lit)
SELECT s, 'v1 text k=5 w=1 seed=0 tokens=0 {'
          || string_agg(lpad(to_hex(i::bigint * 1000003 + s), 16, '0'), ',' ORDER BY i) || '}'
FROM generate_series(1, 2) s, generate_series(1, 30000000) i GROUP BY s;
UPDATE big_fp SET fp = lit::fingerprint;
UPDATE big_fp SET bin = fingerprint_send(fp);
COPY (SELECT fp FROM big_fp WHERE id = 1) TO '/tmp/pg_llmcopy_cancel.bin' (FORMAT binary);
CREATE TABLE big_fp_in (fp fingerprint);

INSERT INTO cancel_cases (name, input, q, at) VALUES
  ('baseline: count(*) over generate_series', '100 M rows',
   'SELECT count(*) FROM generate_series(1, 100000000)', 0.4),
  ('baseline: md5()', '900 MB',
   'SELECT md5(repeat(''many words here '', 56250000))', 0.4),
  ('fingerprint, ASCII fast path', '960 MB',
   'SELECT fingerprint(repeat(''many words here '', 60000000))', 0.4),
  ('fingerprint, CJK through ICU', '330 MB',
   'SELECT fingerprint(repeat(''東京都に住んでいます。'', 10000000))', 0.4),
  ('fingerprint, code mode, one 330 MB identifier', '330 MB',
   'SELECT fingerprint(repeat(''Straßeﬁx'', 30000000), 5, 10, ''code'')', 0.4),
  ('fingerprint, w = 1, timeout in the final sort', '320 MB',
   'SELECT fingerprint(repeat(''many more words here '', 15000000), 5, 1)', 0.8),
  ('minhash, accented words through ICU', '480 MB',
   'SELECT minhash(repeat(''Ünïcödé wörds '', 30000000))', 0.4),
  ('llmcopy_tokens', '320 MB',
   'SELECT count(*) FROM llmcopy_tokens(repeat(''many words here '', 20000000))', 0.4),
  ('llmcopy_matches', '16 M tokens x 16 M',
   'SELECT count(*) FROM llmcopy_matches(repeat(''a b c d '', 4000000), repeat(''a b c d '', 4000000))', 0.4),
  ('llmcopy_coverage', '16 M tokens x 16 M',
   'SELECT llmcopy_coverage(repeat(''a b c d '', 4000000), repeat(''a b c d '', 4000000))', 0.4),
  ('llmcopy_longest_match', '16 M tokens x 16 M',
   'SELECT llmcopy_longest_match(repeat(''a b c d '', 4000000), repeat(''a b c d '', 4000000))', 0.4),
  ('llmcopy_components', '50 M edges',
   'SELECT count(*) FROM llmcopy_components(''SELECT i, i + 1 FROM generate_series(1, 50000000) i'')', 0.4),
  ('fingerprint_in', '30 M hashes, 510 MB',
   'SELECT lit::fingerprint FROM big_fp WHERE id = 1', 0.4),
  ('fingerprint_out', '30 M hashes',
   'SELECT fp::text FROM big_fp WHERE id = 1', 0.4),
  ('fingerprint_recv (COPY binary)', '30 M hashes',
   'COPY big_fp_in FROM ''/tmp/pg_llmcopy_cancel.bin'' (FORMAT binary)', 0.4),
  ('fingerprint_send', '30 M hashes',
   'SELECT fingerprint_send(fp) FROM big_fp WHERE id = 1', 0.4),
  ('a | b', '30 M + 30 M hashes',
   'SELECT a.fp | b.fp FROM big_fp a, big_fp b WHERE a.id = 1 AND b.id = 2', 0.4),
  ('a & b', '30 M + 30 M hashes',
   'SELECT a.fp & b.fp FROM big_fp a, big_fp b WHERE a.id = 1 AND b.id = 2', 0.4),
  ('containment(a, b)', '30 M + 30 M hashes',
   'SELECT containment(a.fp, b.fp) FROM big_fp a, big_fp b WHERE a.id = 1 AND b.id = 2', 0.4),
  ('GIN key extraction (CREATE INDEX, bits = 32)', '2 x 30 M hashes',
   'CREATE INDEX big_fp_gin ON big_fp USING gin (fp fingerprint_ops (bits = 32, w = 1))', 0.4);

-- to the end
SELECT format('INSERT INTO cancel_results SELECT %L, ms(%L, 1) / 1000, NULL, NULL', name, q)
FROM cancel_cases ORDER BY n \gexec
TRUNCATE big_fp_in;
DROP INDEX IF EXISTS big_fp_gin;
UPDATE cancel_cases c SET timeout_ms = greatest(200, least(2000, round(c.at * r.full_s * 1000)))
FROM cancel_results r WHERE r.name = c.name;

-- with the timeout, three times: each DO block is a top-level statement
-- under it, and notes how long after the timeout it was cancelled
CREATE TABLE cancel_latency (name text, cancelled bool, after_timeout_s float8);
SELECT format('SET statement_timeout = %s', timeout_ms),
       format($f$DO $do$
DECLARE t0 timestamptz := clock_timestamp();
BEGIN
    EXECUTE %L;
    INSERT INTO cancel_latency VALUES (%L, false, NULL);
EXCEPTION WHEN query_canceled THEN
    INSERT INTO cancel_latency VALUES (%L, true, extract(epoch FROM clock_timestamp() - t0) - %s / 1000.0);
END $do$$f$, q, name, name, timeout_ms),
       'RESET statement_timeout'
FROM cancel_cases, generate_series(1, 3) ORDER BY n \gexec
UPDATE cancel_results r SET cancelled = l.cancelled, after_timeout_s = l.median
FROM (SELECT name, bool_and(cancelled) AS cancelled,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY after_timeout_s) AS median
      FROM cancel_latency GROUP BY name) l
WHERE l.name = r.name;

SELECT r.name, c.input, round(r.full_s::numeric, 2) AS to_the_end_s, round(c.timeout_ms / 1000.0, 1) AS timeout_s,
       CASE WHEN r.cancelled THEN round(r.after_timeout_s::numeric, 3)::text ELSE 'ended before' END
         AS ended_after_timeout_s,
       (SELECT round(max(after_timeout_s)::numeric, 3) FROM cancel_latency l WHERE l.name = r.name) AS worst_of_3_s
FROM cancel_results r JOIN cancel_cases c USING (name) ORDER BY c.n;

-- a LATIN1 database: the text is converted to UTF-8 a megabyte at a time
-- (the timeout is 5 s: repeat() alone takes up to 1.7 s here)
CREATE DATABASE cancel_latin1 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
\c cancel_latin1
\set ON_ERROR_STOP 1
SET client_encoding = 'UTF8';
CREATE EXTENSION pg_llmcopy;
\i bench/common.sql
SELECT round((ms('SELECT fingerprint(repeat(''Café crème ''::text, 45000000))', 1) / 1000)::numeric, 2)
       AS latin1_495_mb_to_the_end_s;
CREATE TABLE r (s float8);
SELECT 'SET statement_timeout = ''5s''', $d$DO $$
DECLARE t0 timestamptz := clock_timestamp();
BEGIN
    PERFORM fingerprint(repeat('Café crème '::text, 45000000));
EXCEPTION WHEN query_canceled THEN
    INSERT INTO r VALUES (extract(epoch FROM clock_timestamp() - t0) - 5);
END $$$d$, 'RESET statement_timeout'
FROM generate_series(1, 3) \gexec
SELECT round((percentile_cont(0.5) WITHIN GROUP (ORDER BY s))::numeric, 3) AS latin1_median_after_timeout_s,
       round(max(s)::numeric, 3) AS latin1_worst_of_3_s FROM r;
\c postgres
DROP DATABASE cancel_latin1;
