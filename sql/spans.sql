-- Evidence spans: where exactly two texts share runs of tokens.

-- A verbatim paragraph inside unrelated text.  substr() of each text at the
-- reported positions is the span, in both texts.
CREATE TEMP TABLE p AS SELECT
  'The quick brown fox jumps over the lazy dog while the farmer sleeps soundly in the old red barn near the river.'::text AS para;
SELECT m.*, substr(a, a_start, a_length) = substr(b, b_start, b_length) AS same_text,
       substr(a, a_start, a_length) = rtrim(para, '.') AS whole_paragraph_but_the_period
FROM p, LATERAL (SELECT 'Model answer: ' || para || ' That is all.' AS a,
                        'Chapter one. Rain fell on the hills. ' || para || ' Then morning came.' AS b) t,
     LATERAL llmcopy_matches(a, b) m;

-- The same paragraph re-cased and re-spaced in b: found whole, with the
-- positions of the original characters in each text.
SELECT a_start, a_length, b_start, b_length, tokens,
       substr(b, b_start, b_length) AS in_b
FROM p, LATERAL (SELECT para AS a,
                        'Intro. ' || upper(replace(para, ' ', E'  \n ')) || ' End.' AS b) t,
     LATERAL llmcopy_matches(a, b) m;

-- Full-width letters and ligatures normalize to the same tokens.
SELECT a_start, a_length, b_start, b_length, tokens, excerpt
FROM llmcopy_matches('we fine-tune the ﬁnal model on ｆｕｌｌ ｗｉｄｔｈ data every day',
                     'so we fine tune the final model on full width data every day, ok', 5);

-- Two words changed: three runs (7, 5, 8 tokens) without max_gap, one span of
-- 20 matched tokens with it.
SELECT 'max_gap 0' AS how, a_start, a_length, b_start, b_length, tokens FROM p,
       LATERAL llmcopy_matches(para, replace(replace(para, 'lazy', 'sleepy'), 'soundly', 'deeply'), 4) m
UNION ALL
SELECT 'max_gap 2', a_start, a_length, b_start, b_length, tokens FROM p,
       LATERAL llmcopy_matches(para, replace(replace(para, 'lazy', 'sleepy'), 'soundly', 'deeply'), 4, 'text', 2) m
ORDER BY 1, 2;
-- with min_tokens 8 the 7-token piece alone is not enough, but bridged it is
SELECT count(*) AS runs_without_gap FROM p,
       LATERAL llmcopy_matches(para, replace(replace(para, 'lazy', 'sleepy'), 'soundly', 'deeply')) m;
SELECT tokens FROM p,
       LATERAL llmcopy_matches(para, replace(replace(para, 'lazy', 'sleepy'), 'soundly', 'deeply'), 8, 'text', 2) m;

-- A run that occurs twice in b is reported once, at its first place.
SELECT a_start, b_start, tokens
FROM p, LATERAL llmcopy_matches(para, 'x ' || para || ' y ' || para || ' z') m;

-- Overlapping candidates: the rows do not overlap in a, and each is maximal.
SELECT a_start, a_length, b_start, b_length, tokens
FROM llmcopy_matches('one two three four five six seven eight nine ten eleven twelve',
                     'six seven eight nine ten eleven twelve and one two three four five six seven', 4);

-- Code: different indentation and comments, same tokens.
SELECT a_start, a_length, b_start, b_length, tokens
FROM llmcopy_matches($a$for (int i = 0; i < n; i++) { sum += v[i] * w[i]; } return sum;$a$,
                     $b$// dot product
int dot(const int *v, const int *w, int n) {
    int sum = 0;
    for (int i = 0;
         i < n; i++) {   /* loop */
        sum += v[i] * w[i];
    }
    return sum;
}$b$, 8, 'code');

-- CJK: positions count characters, not bytes.
SELECT a_start, a_length, b_start, b_length, tokens, excerpt
FROM llmcopy_matches('彼は言った。東京都に住んでいます。毎日電車で会社に行きます。',
                     'はじめに。東京都に住んでいます。毎日電車で会社に行きます。以上', 6);

-- Longest run and coverage.
SELECT llmcopy_longest_match(para, 'Chapter one. ' || para || ' The end.') AS whole,
       llmcopy_longest_match(para, replace(para, 'lazy', 'sleepy')) AS split_at_lazy,
       llmcopy_longest_match('a b c', 'd e f') AS none,
       round(llmcopy_coverage('Model answer: ' || para || ' That is all.', 'Chapter one. ' || para)::numeric, 3) AS coverage,
       llmcopy_coverage('', para) AS empty_a
FROM p;

-- Property test: random texts with planted copies of 8 to 60 tokens, some
-- re-cased.  Every planted run is reported (a span covers it), and every
-- reported span's two texts have the same tokens.
SELECT setseed(0.31);
CREATE TEMP TABLE plant AS
SELECT i, a, b, plen, ppos_a, ppos_b
FROM (SELECT i, 8 + (i % 53) AS plen,
             ARRAY(SELECT substr(md5(random()::text), 1, 6) FROM generate_series(1, 200)) AS wa,
             ARRAY(SELECT substr(md5(random()::text), 1, 6) FROM generate_series(1, 300)) AS wb,
             1 + (i * 37) % 120 AS ppos_a, 1 + (i * 53) % 220 AS ppos_b
      FROM generate_series(1, 150) i) s,
LATERAL (SELECT array_to_string(wa, ' ') AS a,
                array_to_string(wb[1:ppos_b - 1] || (CASE WHEN i % 3 = 0 THEN ARRAY(SELECT upper(x) FROM unnest(wa[ppos_a:ppos_a + plen - 1]) x)
                                                          ELSE wa[ppos_a:ppos_a + plen - 1] END) || wb[ppos_b:], E'\n') AS b) t;
SELECT count(*) AS pairs,
       count(*) FILTER (WHERE NOT EXISTS (
           SELECT 1 FROM llmcopy_matches(a, b) m
           WHERE m.tokens >= plen
             AND m.a_start <= length(array_to_string((string_to_array(a, ' '))[1:ppos_a - 1], ' ')) + 2
             AND m.a_start + m.a_length >= length(array_to_string((string_to_array(a, ' '))[1:ppos_a + plen - 1], ' ')) + 1
       )) AS planted_missed
FROM plant;
SELECT count(*) AS spans,
       count(*) FILTER (WHERE (SELECT array_agg(token ORDER BY n) FROM llmcopy_tokens(substr(a, m.a_start, m.a_length)))
                          IS DISTINCT FROM
                              (SELECT array_agg(token ORDER BY n) FROM llmcopy_tokens(substr(b, m.b_start, m.b_length)))) AS mismatched,
       count(*) FILTER (WHERE (SELECT count(*) FROM llmcopy_tokens(substr(a, m.a_start, m.a_length))) <> m.tokens) AS wrong_count
FROM plant, LATERAL llmcopy_matches(a, b) m;

-- A 5 KB text against a 10 MB text that contains part of it near the end.
CREATE TEMP TABLE big AS
SELECT (SELECT string_agg(md5(i::text), ' ') FROM generate_series(1, 150) i) AS a,
       (SELECT string_agg(md5((-i)::text), ' ') FROM generate_series(1, 300000) i)
       || ' ' || (SELECT string_agg(md5(i::text), ' ') FROM generate_series(40, 90) i) AS b;
SELECT length(a) AS a_chars, length(b) AS b_chars, m.a_start, m.tokens, m.b_start > 9000000 AS near_end
FROM big, LATERAL llmcopy_matches(a, b) m;
SELECT llmcopy_longest_match(a, b) FROM big;

-- Bad input.
SELECT count(*) FROM llmcopy_matches(NULL, 'x');
SELECT count(*) FROM llmcopy_matches('', 'a b c d e f g h i j');
SELECT count(*) FROM llmcopy_matches('a b c', 'a b c');   -- shorter than min_tokens
SELECT * FROM llmcopy_matches('a b', 'a b', 0);
SELECT * FROM llmcopy_matches('a b', 'a b', 1, 'prose');
SELECT * FROM llmcopy_matches('a b', 'a b', 1, 'text', -1);
SELECT llmcopy_coverage('a b', 'a b', 0);
SELECT llmcopy_longest_match('a b', 'a b', 'prose');
