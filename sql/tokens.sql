-- The tokenizer: words, normalization, offsets, modes, and the ASCII fast path.

-- Offsets are 1-based characters into the original text, and the normalized
-- token is what NFKC_Casefold makes of that substring.
SELECT n, token, start, length, substr(t, start, length) AS original
FROM (VALUES ('Hello, World! The café’s ﬁne: e.g. 3.14 and don''t_stop x@y.z ＡＢＣ１２ ß')) v(t),
     llmcopy_tokens(t);

-- CJK is segmented by ICU's dictionaries; character offsets stay exact.
SELECT n, token, start, length FROM llmcopy_tokens('東京都に住んでいます。한국어 텍스트');

-- Punctuation and whitespace are not tokens; no text, no tokens.
SELECT count(*) FROM llmcopy_tokens(' ,.;!? -- ... ');
SELECT count(*) FROM llmcopy_tokens('');

-- Code: identifiers, numbers, strings, operators; comments and whitespace dropped.
SELECT n, token, start, length FROM llmcopy_tokens($c$int main(void) { // a comment
    return x->y >= 0x1F ? 1e-5 : .5; /* block
    comment */ s = "a \"q\" b"; # a hash comment
    #include <x.h>
}$c$, 'code');

-- Indentation and comments do not change code tokens.
SELECT array_agg(token ORDER BY n) = (SELECT array_agg(token ORDER BY n)
        FROM llmcopy_tokens(E'if (a == b)\n{\n\treturn c; // done\n}', 'code')) AS same_tokens
FROM llmcopy_tokens('if (a==b) { return c; /* done */ }', 'code');

-- Every token, in both modes and on real text, is the normalized form of the
-- substring its offsets point at.
CREATE TEMP TABLE real_text AS
SELECT name, pg_read_file('/usr/share/common-licenses/' || name) AS t
FROM unnest(ARRAY['GPL-3', 'Apache-2.0', 'MPL-2.0', 'Artistic']) name;

SELECT r.name, m.mode, count(*) > 100 AS many_tokens,
       bool_and(tok.token = lower(normalize(substr(r.t, tok.start, tok.length), NFKC))) AS offsets_exact
FROM real_text r, (VALUES ('text'), ('code')) m(mode), llmcopy_tokens(r.t, m.mode) tok
GROUP BY r.name, m.mode ORDER BY 1, 2;

-- The ASCII fast path gives exactly the tokens of ICU on the whole text:
-- on real text and on text mixing ASCII and non-ASCII.
CREATE TEMP TABLE fast AS
SELECT r.name, m.mode, tok.* FROM real_text r, (VALUES ('text'), ('code')) m(mode), llmcopy_tokens(r.t, m.mode) tok
UNION ALL
SELECT 'mixed', m.mode, tok.* FROM (VALUES ('text'), ('code')) m(mode),
    llmcopy_tokens('Naïve café—“quoted” x.y 1,000.5 ｆｕｌｌ ﬁx_ok 日本語text a''b e.g. Ünïcödé', m.mode) tok;
SET pg_llmcopy.ascii_fast_path = off;
CREATE TEMP TABLE slow AS
SELECT r.name, m.mode, tok.* FROM real_text r, (VALUES ('text'), ('code')) m(mode), llmcopy_tokens(r.t, m.mode) tok
UNION ALL
SELECT 'mixed', m.mode, tok.* FROM (VALUES ('text'), ('code')) m(mode),
    llmcopy_tokens('Naïve café—“quoted” x.y 1,000.5 ｆｕｌｌ ﬁx_ok 日本語text a''b e.g. Ünïcödé', m.mode) tok;
RESET pg_llmcopy.ascii_fast_path;
SELECT (SELECT count(*) FROM fast) > 10000 AS enough_tokens,
       (SELECT count(*) FROM (SELECT * FROM fast EXCEPT ALL SELECT * FROM slow) d) AS only_fast,
       (SELECT count(*) FROM (SELECT * FROM slow EXCEPT ALL SELECT * FROM fast) d) AS only_icu;

-- Long runs (no ASCII whitespace, no break character such as "!", "(" or
-- "。") are cut every 1 MiB counted from their own start: a word of
-- 2,000,000 letters is two tokens of 1,048,576 and 951,424 letters.
SELECT n, start, length FROM llmcopy_tokens(repeat('a', 2000000));

-- 400,000 times 東京都 (3.6 MB, no break character) tokenizes the same at
-- the start of a text, after a space, and after a sentence.  (Rows are
-- compared by a sum of their hashes: equal sets of rows, equal sums.)
CREATE FUNCTION pg_temp.rows_hash(t text, skip int DEFAULT 0) RETURNS numeric LANGUAGE sql AS $$
    SELECT sum(hashtextextended(n - first || ' ' || token || ' ' || (start - skip) || ' ' || length, 0))
    FROM (SELECT *, min(n) OVER () AS first FROM llmcopy_tokens(t) WHERE start > skip) s $$;
SELECT count(*) AS tokens, count(DISTINCT token) AS distinct_tokens
FROM llmcopy_tokens(repeat('東京都', 400000));
SELECT prefix, pg_temp.rows_hash(prefix || repeat('東京都', 400000), length(prefix))
               = pg_temp.rows_hash(repeat('東京都', 400000)) AS same_tokens
FROM (VALUES ('x '), ('前書きです。')) p(prefix);

-- The fast path is a test switch: the tokens are the same with it off, on
-- these edge cases too.  Only a superuser may turn it off.
CREATE TEMP TABLE edge(name text, body text);
INSERT INTO edge VALUES
  ('a 2 MB word', repeat('a', 2000000)),
  ('a long word after text', 'Some words. ' || repeat('Ab', 700000) || ' the end'),
  ('a long dotted word', repeat('a.', 600000)),
  ('a long run of commas', repeat('1,a,', 300000)),
  ('a long word then non-ASCII', repeat('x', 1048570) || 'é' || repeat('y', 100)),
  ('long CJK', repeat('東京都', 400000)),
  ('long CJK after ASCII', 'Tokyo ' || repeat('東京都に住んでいます', 120000));
CREATE TEMP TABLE edge_fast AS SELECT name, pg_temp.rows_hash(body) AS h FROM edge;
SET pg_llmcopy.ascii_fast_path = off;
CREATE TEMP TABLE edge_icu AS SELECT name, pg_temp.rows_hash(body) AS h FROM edge;
RESET pg_llmcopy.ascii_fast_path;
SELECT name, (SELECT count(*) FROM llmcopy_tokens(body)) AS tokens, f.h = i.h AS same
FROM edge JOIN edge_fast f USING (name) JOIN edge_icu i USING (name) ORDER BY name;
CREATE ROLE regress_llmcopy_tokens;
SET ROLE regress_llmcopy_tokens;
SET pg_llmcopy.ascii_fast_path = off;
SHOW pg_llmcopy.ascii_fast_path;
RESET ROLE;
DROP ROLE regress_llmcopy_tokens;

-- Combining marks: a run of up to 256 characters with no normalization
-- boundary before any of them (LC_NORM_RUN_MAX) is normalized whole, marks
-- put in canonical order across it; a longer run, which no text holds, is
-- normalized in pieces of 256 (in linear time: cancel.sql), still one token
-- with exact offsets.
SELECT pairs, m AS mode, count(*) AS tokens, bool_and(tok.token = normalize(t, NFKC)) AS as_whole,
       bool_and(tok.start = 1 AND tok.length = length(t)) AS offsets_exact
FROM (VALUES (128), (129)) v(pairs),
     LATERAL (SELECT 'a' || repeat(E'\u0301\u0316', pairs) AS t) s,
     unnest(ARRAY['text', 'code', 'code:sql']) m, llmcopy_tokens(t, m) tok
GROUP BY pairs, m ORDER BY pairs, m;
-- A token of many such runs, each after a base letter, is normalized in
-- pieces of about 8,192 units cut before a base (LC_NORM_PIECE_MAX), which
-- changes nothing: it equals the normalization of the whole.
SELECT m AS mode, count(*) AS tokens, length(t) AS chars, bool_and(tok.token = normalize(t, NFKC)) AS as_whole,
       bool_and(tok.start = 1 AND tok.length = length(t)) AS offsets_exact
FROM (SELECT repeat('a' || repeat(E'\u0316\u0301', 100), 200) AS t) s,
     unnest(ARRAY['text', 'code']) m, llmcopy_tokens(t, m) tok
GROUP BY m, t ORDER BY m;

-- Bad input.
SELECT * FROM llmcopy_tokens('x', 'prose');
SELECT * FROM llmcopy_tokens(NULL);
