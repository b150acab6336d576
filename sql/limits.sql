-- Edge cases, limits, errors, cancellation and other encodings.

-- Every limit, as the C code enforces it.  A fingerprint holds at most as
-- many hashes as its text form can print within PostgreSQL's 1 GB (17
-- characters a hash, room for a header and a row): the boundary itself is
-- tested in t/ (it needs 3 GB of memory).
SELECT * FROM llmcopy_limits() ORDER BY name;
SELECT max = (1073741823 - 1024 - 128) / 17 AS text_form_fits FROM llmcopy_limits() WHERE name = 'fingerprint hashes';

-- NULL in, NULL out (STRICT).
SELECT fingerprint(NULL::text) IS NULL AS null_fp, containment(NULL, fingerprint('a'::text)) IS NULL AS null_c;

-- Parameters out of range, unknown mode.
SELECT fingerprint('a b c'::text, 0);
SELECT fingerprint('a b c'::text, 65);
SELECT fingerprint('a b c'::text, 5, 0);
SELECT fingerprint('a b c'::text, 5, 1025);
SELECT fingerprint('a b c'::text, 5, 10, 'prose');

-- Empty text, one token, fewer than k tokens, fewer than w k-grams.
SELECT t, (fingerprint_info(fingerprint(t))).tokens, (fingerprint_info(fingerprint(t))).hashes
FROM (VALUES (''), ('   '), ('word'), ('a b c d'), ('a b c d e'), ('a b c d e f g h'),
             ('a b c d e f g h i j k l m n o p q r s t u v w x y z')) v(t);

-- Very large text: hundreds of MB.
SELECT (fingerprint_info(fp)).tokens, (fingerprint_info(fp)).hashes
FROM (SELECT fingerprint(repeat('word ', 60000000)) AS fp) s;
SELECT (fingerprint_info(fp)).tokens,
       (fingerprint_info(fp)).hashes BETWEEN (fingerprint_info(fp)).tokens / 8
                                         AND (fingerprint_info(fp)).tokens / 4 AS density_about_2_over_w_plus_1
FROM (SELECT fingerprint(string_agg(md5(i::text), ' ')) AS fp FROM generate_series(1, 3000000) i) s;

-- Query cancel: statement_timeout stops a long fingerprint and a long index build.
CREATE TABLE big AS SELECT i, string_agg(md5((i * 100000 + j)::text), ' ') AS body
FROM generate_series(1, 20) i, generate_series(1, 100000) j GROUP BY i;
SET statement_timeout = '100ms';
SELECT length(fingerprint(repeat('many words here ', 30000000))::text);
CREATE INDEX big_fp ON big USING gin (fingerprint(body, 5, 10));
RESET statement_timeout;
SELECT count(*) AS leftover_index FROM pg_class WHERE relname = 'big_fp';
DROP TABLE big;

-- A LATIN1 database gives the same tokens, offsets and fingerprints.
SELECT current_database() AS test_db,
       fingerprint('Café crème brûlée, Straße und Öl: àéîõü ÿ'::text, 2, 2)::text AS fp_utf8,
       fingerprint('x µ y MÜ µm'::text, 1, 1)::text AS fp_micro \gset
CREATE DATABASE llmcopy_latin1 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
\c llmcopy_latin1
SET client_encoding = 'UTF8';
CREATE EXTENSION pg_llmcopy;
SELECT current_setting('server_encoding') AS enc,
       fingerprint('Café crème brûlée, Straße und Öl: àéîõü ÿ'::text, 2, 2)::text = :'fp_utf8' AS same_fp;
SELECT n, token, start, length FROM llmcopy_tokens('Café crème brûlée, Straße');
-- NFKC case folding turns the micro sign (in LATIN1) into a Greek mu (not
-- in LATIN1): that token keeps its original spelling; the fingerprint is
-- the one a UTF-8 database makes (of the folded form).
SELECT n, token, start, length FROM llmcopy_tokens('x µ y MÜ µm');
SELECT fingerprint('x µ y MÜ µm'::text, 1, 1)::text = :'fp_micro' AS same_fp_micro;
-- an excerpt cut after 200 characters ends with "...": LATIN1 has no "…"
SELECT a_length, right(excerpt, 8) AS excerpt_end
FROM llmcopy_matches(repeat('wörd ', 300), 'x ' || repeat('wörd ', 300));
\c :test_db
DROP DATABASE llmcopy_latin1;
-- in UTF-8 the excerpt ends with "…"
SELECT a_length, right(excerpt, 8) AS excerpt_end
FROM llmcopy_matches(repeat('wörd ', 300), 'x ' || repeat('wörd ', 300));

-- Error messages quote input cut between characters, so a LATIN1 client
-- can read them: an invalid literal is 22P02 there too, not 22021.
SET client_encoding = 'LATIN1';
\set VERBOSITY sqlstate
SELECT ('v1 text k=5 w=10 seed=0 tokens=0  {' || repeat(chr(233), 100))::fingerprint;
SELECT ('v1 text num_perm=16 ngram=5 seed=0 tokens=0 {' || repeat(chr(233), 100))::minhash;
\set VERBOSITY default
RESET client_encoding;
