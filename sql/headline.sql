-- llmcopy_headline: copied passages marked in their text, exactly where
-- llmcopy_matches puts them, with ts_headline's options.

-- The pieces a headline marks with the one-character markers « and » (in
-- no text below): their 1-based positions in the text without markers.
CREATE FUNCTION pg_temp.marked(h text) RETURNS TABLE (start int, length int)
LANGUAGE sql AS $$
    SELECT s, l FROM (
        SELECT i, (1 + coalesce(sum(length(p)) OVER (ORDER BY i ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0))::int AS s,
               length(p) AS l
        FROM regexp_split_to_table(h, '[«»]') WITH ORDINALITY t(p, i)) x
    WHERE i % 2 = 0 ORDER BY i
$$;

-- For a pair of texts: do the marks of both sides sit exactly on the spans
-- of llmcopy_matches, and is each side, markers removed, its text?
CREATE FUNCTION pg_temp.agrees(a text, b text, min_tokens int DEFAULT 8, mode text DEFAULT 'text', max_gap int DEFAULT 0)
RETURNS TABLE (spans bigint, a_side bool, b_side bool, texts_kept bool)
LANGUAGE sql AS $$
    WITH m AS (SELECT * FROM llmcopy_matches(a, b, min_tokens, mode, max_gap)),
         ha AS (SELECT llmcopy_headline(a, b, 'HighlightAll=true, StartSel=«, StopSel=»', min_tokens, mode, max_gap) AS h),
         hb AS (SELECT llmcopy_headline(a, b, 'HighlightAll=true, StartSel=«, StopSel=», Side=b', min_tokens, mode, max_gap) AS h)
    SELECT (SELECT count(*) FROM m),
           (SELECT array_agg(ROW(start, length) ORDER BY start) FROM ha, pg_temp.marked(ha.h))
               IS NOT DISTINCT FROM (SELECT array_agg(ROW(a_start, a_length) ORDER BY a_start) FROM m),
           (SELECT array_agg(ROW(start, length) ORDER BY start) FROM hb, pg_temp.marked(hb.h))
               IS NOT DISTINCT FROM (SELECT array_agg(ROW(b_start, b_length) ORDER BY b_start) FROM m),
           (SELECT translate(ha.h, '«»', '') = a AND translate(hb.h, '«»', '') = b FROM ha, hb)
$$;

CREATE TEMP TABLE p AS SELECT
  'The quick brown fox jumps over the lazy dog while the farmer sleeps soundly in the old red barn near the river.'::text AS para;

-- A verbatim paragraph inside new text, both sides.
SELECT llmcopy_headline('Model answer: ' || para || ' That is all.', 'Chapter one. ' || para || ' Then morning came.',
                        'HighlightAll=true') AS a_side,
       llmcopy_headline('Model answer: ' || para || ' That is all.', 'Chapter one. ' || para || ' Then morning came.',
                        'HighlightAll=true, Side=b') AS b_side
FROM p;

-- Exactly where llmcopy_matches puts the spans: prose re-cased and
-- re-spaced, two words changed (three runs, or one span with max_gap),
-- full-width letters and ligatures.
SELECT 'verbatim' AS pair, x.* FROM p, pg_temp.agrees('Model answer: ' || para || ' That is all.', 'Chapter one. ' || para) x
UNION ALL
SELECT 're-cased', x.* FROM p, pg_temp.agrees(para, 'Intro. ' || upper(replace(para, ' ', E'  \n ')) || ' End.') x
UNION ALL
SELECT 'two words, 3 runs', x.* FROM p, pg_temp.agrees(para, replace(replace(para, 'lazy', 'sleepy'), 'soundly', 'deeply'), 4) x
UNION ALL
SELECT 'two words, max_gap', x.* FROM p, pg_temp.agrees(para, replace(replace(para, 'lazy', 'sleepy'), 'soundly', 'deeply'), 8, 'text', 2) x
UNION ALL
SELECT 'ligatures', x.* FROM pg_temp.agrees('we fine-tune the ﬁnal model on ｆｕｌｌ ｗｉｄｔｈ data every day',
                                           'so we fine tune the final model on full width data every day, ok', 5) x
UNION ALL
SELECT 'no span', x.* FROM pg_temp.agrees('a b c d e f g h i j', 'k l m n o p q r s t') x;

-- Code: re-indented and commented, in code mode; both sides.
SELECT x.*, llmcopy_headline(a, b, 'HighlightAll=true, StartSel=«, StopSel=»', 8, 'code') AS a_side,
       llmcopy_headline(a, b, 'HighlightAll=true, StartSel=«, StopSel=», Side=b', 8, 'code') AS b_side
FROM (SELECT E'def mean(xs):\n    total = 0\n    for x in xs:\n        total += x\n    return total / len(xs)\n' AS a,
             E'import math\n\n# statistics\ndef mean(xs):  # arithmetic\n  total = 0\n  for x in xs: total += x\n  return total / len(xs)\n\nprint(mean([1, 2]))' AS b) t,
     LATERAL pg_temp.agrees(a, b, 8, 'code') x;

-- Multi-byte text: positions are characters.  Japanese (ICU dictionary
-- words), a decomposed accent (e + U+0301, two characters), Devanagari with
-- vowel signs, and emoji (four bytes in UTF-8).
SELECT x.*, llmcopy_headline(a, b, 'HighlightAll=true, StartSel=«, StopSel=»', n) AS a_side,
       llmcopy_headline(a, b, 'HighlightAll=true, StartSel=«, StopSel=», Side=b', n) AS b_side
FROM (VALUES ('彼は言った。東京都に住んでいます。毎日電車で会社に行きます。',
              'はじめに。東京都に住んでいます。毎日電車で会社に行きます。以上', 6),
             (E'Un cafe\u0301 noir, tre\u0300s chaud, servi au comptoir du cafe\u0301 de la gare.',
              'Le matin: un café noir, très chaud, servi au comptoir du café de la gare!', 8),
             ('उसने कहा कि हम सब मिलकर इस पुराने गाँव की नदी को साफ़ करेंगे और पेड़ लगाएँगे',
              'कल सुबह हम सब मिलकर इस पुराने गाँव की नदी को साफ़ करेंगे', 8),
             ('🚀 launch the rocket 🚀 when the countdown reaches zero and the crowd cheers 🎉',
              'They said: launch the rocket 🚀 when the countdown reaches zero and the crowd cheers loudly.', 8))
     AS t(a, b, n), LATERAL pg_temp.agrees(a, b, n) x;

-- A passage of a copied twice: two spans at one place of b, so the marks
-- of b nest (%s is the span's number, in the order of a).
SELECT llmcopy_headline(para || ' and again: ' || para, 'Once: ' || para, 'HighlightAll=1, StartSel=[%s[, StopSel=]%s]') AS a_side,
       llmcopy_headline(para || ' and again: ' || para, 'Once: ' || para, 'HighlightAll=1, StartSel=[%s[, StopSel=]%s], Side=b') AS b_side
FROM p;

-- Property test: 150 random pairs of word lists, b holding two copies of
-- passages of a (8 to 40 and 10 to 30 words, the second re-cased in every
-- other pair).  Both sides of every headline mark exactly the spans of
-- llmcopy_matches, in text and in code mode.
SELECT setseed(0.27);
CREATE TEMP TABLE plant AS
SELECT i, array_to_string(wa, ' ') AS a,
       array_to_string(wb[1:60] || wa[20:20 + l1 - 1] || wb[61:200]
                       || ARRAY(SELECT CASE WHEN i % 2 = 0 THEN upper(w) ELSE w END FROM unnest(wa[130:130 + l2 - 1]) w)
                       || wb[201:], ' ') AS b
FROM (SELECT i, 8 + i % 33 AS l1, 10 + i % 21 AS l2,
             ARRAY(SELECT substr(md5(random()::text), 1, 3 + (random() * 5)::int) FROM generate_series(1, 200)) AS wa,
             ARRAY(SELECT substr(md5(random()::text), 1, 3 + (random() * 5)::int) FROM generate_series(1, 300)) AS wb
      FROM generate_series(1, 150) i) s;
SELECT mode, count(*) AS pairs, sum(x.spans) AS spans,
       count(*) FILTER (WHERE NOT (x.a_side AND x.b_side AND x.texts_kept)) AS disagreeing
FROM plant, (VALUES ('text'), ('code')) m(mode), LATERAL pg_temp.agrees(a, b, 8, mode) x
GROUP BY mode ORDER BY mode;

-- Without HighlightAll, as ts_headline: a window of words around the
-- longest span, at least MinWords (context on both sides), at most MaxWords.
CREATE TEMP TABLE long AS
SELECT 'Intro words one two three four five six seven eight nine ten. ' || para
       || ' Middle words alpha beta gamma delta epsilon zeta eta theta iota kappa. '
       || 'The old red barn near the river was painted in spring by the whole family together.'
       || ' Closing words uno dos tres cuatro cinco seis siete ocho nueve diez.' AS a,
       'Source text: ' || para || ' Unrelated. The old red barn near the river was painted in spring by the whole family together.' AS b
FROM p;
SELECT llmcopy_headline(a, b) AS defaults FROM long;
SELECT llmcopy_headline(a, b, 'MinWords=30, MaxWords=40') AS context_to_30_words FROM long;
SELECT llmcopy_headline(a, b, 'MinWords=3, MaxWords=6') AS cut_after_6_words FROM long;
SELECT llmcopy_headline(a, b, 'MaxFragments=2, MinWords=20, MaxWords=25, FragmentDelimiter=" /// "') AS two_fragments FROM long;
SELECT llmcopy_headline(a, b, 'MaxFragments=5, MinWords=3, MaxWords=4') AS only_two_spans FROM long;
SELECT llmcopy_headline(a, b, 'MaxFragments=2, MinWords=40, MaxWords=50, FragmentDelimiter=" /// "') AS windows_merged FROM long;
SELECT llmcopy_headline(a, b, 'MinWords=2, MaxWords=6, Side=work') AS work_side FROM long;
SELECT llmcopy_headline('nothing copied here at all, only new words in a row', para, 'MinWords=4, MaxWords=5') AS no_span_first_words FROM p;
SELECT llmcopy_headline('東京都に住んでいます。毎日電車で会社に行きます。', '毎日電車で会社に行きます', 'MinWords=2, MaxWords=4', 4) AS cjk_cut;

-- Markers: presets, placeholders, and HTML escaping of the text itself.
SELECT llmcopy_headline('x ' || para, para, 'HighlightAll=on, Markers=brackets') AS brackets,
       llmcopy_headline('x ' || para, para, 'HighlightAll=on, Markers=ansi') AS ansi,
       llmcopy_headline('x ' || para, para, 'HighlightAll=on, Markers=html') AS html,
       llmcopy_headline('x ' || para, para, 'HighlightAll=on, Markers=html, StopSel=</mark><!--end-->') AS html_own_stop,
       llmcopy_headline('x ' || para, para, 'HighlightAll=on, StartSel="<%n.%s %c 100%%>", StopSel=</>') AS placeholders
FROM p;

-- Hostile text comes out inert with Escape=html: no tag, no attribute can
-- be opened or closed by the text, on either side, in every mode.
CREATE TEMP TABLE hostile AS
SELECT E'<script>alert("pwned")</script> <img src=x onerror=alert(1)> ' || para || E' & \'quoted\' "double" </mark><b>' AS a,
       E'"><script>document.cookie</script> ' || para || ' <style>*{display:none}</style>' AS b
FROM p;
SELECT llmcopy_headline(a, b, 'HighlightAll=true, Escape=html') AS a_side,
       llmcopy_headline(a, b, 'HighlightAll=true, Escape=html, Side=b, Markers=html') AS b_side
FROM hostile;
SELECT h ~ '[<>"'']' AS raw_tag_or_quote,
       replace(replace(replace(replace(replace(h, '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&#39;', ''''), '&amp;', '&')
           = side AS decodes_to_text
FROM hostile, LATERAL (VALUES (llmcopy_headline(a, b, 'HighlightAll=true, Escape=html, StartSel=«, StopSel=»'), a),
                              (llmcopy_headline(a, b, 'HighlightAll=true, Escape=html, StartSel=«, StopSel=», Side=b'), b),
                              (llmcopy_headline(a, b, 'Escape=html, MinWords=5, MaxWords=40, StartSel=«, StopSel=»'), NULL)) v(h0, side),
     LATERAL (SELECT translate(h0, '«»', '') AS h) t;
SELECT llmcopy_headline(a, b, 'Escape=none, HighlightAll=true') ~ '<script>' AS escape_none_keeps_text,
       llmcopy_headline(a, b, 'Markers=html, Escape=none, HighlightAll=true') ~ '<script>' AS markers_html_escape_none
FROM hostile;
SELECT llmcopy_html_escape(E'<a href="x">Tom & Jerry\'s</a>') AS escaped;

-- Several works over one output: one marker per work (%n), nested where
-- they overlap, each work's marks exactly its own spans.
SELECT llmcopy_headline(para, ARRAY['the quick brown fox jumps over the lazy dog while',
                                     NULL,
                                     'lazy dog while the farmer sleeps soundly in the old'],
                        'HighlightAll=1, StartSel="{%n:", StopSel="}"', 4) AS nested
FROM p;
-- For each work n: keep only work n's tags, join its pieces, and compare
-- with the headline of that work alone.
CREATE FUNCTION pg_temp.only(h text, n int) RETURNS text LANGUAGE sql AS $$
    SELECT replace(regexp_replace(h, '</?[^' || n || ']>', '', 'g'), '</' || n || '><' || n || '>', '')
$$;
SELECT count(*) AS outputs, count(*) FILTER (WHERE agree) AS agreeing, sum(marks) AS marks
FROM (SELECT bool_and(pg_temp.only(multi, n) = pg_temp.only(single, n)) AS agree,
             sum((length(multi) - length(replace(multi, '<' || n || '>', ''))) / 3) AS marks
      FROM (SELECT i, a, ARRAY[w1, w2, w3] AS works FROM (
                SELECT i, a,
                       substr(a, 1 + (i * 7) % 400, 300) || ' filler one ' || substr(a, 700, 200) AS w1,
                       'other text ' || substr(a, 1 + (i * 13) % 500, 250) AS w2,
                       substr(a, 300, 400) AS w3
                FROM plant WHERE i <= 40) s) t,
           generate_series(1, 3) n,
           LATERAL (SELECT llmcopy_headline(a, works, 'HighlightAll=true, StartSel=<%n>, StopSel=</%n>', 6) AS multi,
                           llmcopy_headline(a, works[n], 'HighlightAll=true, StartSel=<%n>, StopSel=</%n>', 6) AS single0) h,
           LATERAL (SELECT replace(replace(single0, '<1>', '<' || n || '>'), '</1>', '</' || n || '>') AS single) h2
      GROUP BY i) x;

-- Spans given as jsonb, as llmcopy_findings.spans holds them: the same
-- marks as computing them, on both sides; %s counts per work.
SELECT llmcopy_headline(a, (SELECT jsonb_agg(to_jsonb(m)) FROM llmcopy_matches(a, b) m), 'HighlightAll=1, StartSel=«, StopSel=»')
           = llmcopy_headline(a, b, 'HighlightAll=1, StartSel=«, StopSel=»') AS a_same,
       llmcopy_headline(b, (SELECT jsonb_agg(to_jsonb(m)) FROM llmcopy_matches(a, b) m), 'HighlightAll=1, StartSel=«, StopSel=», Side=b')
           = llmcopy_headline(a, b, 'HighlightAll=1, StartSel=«, StopSel=», Side=b') AS b_same,
       llmcopy_headline(a, (SELECT jsonb_agg(to_jsonb(m)) FROM llmcopy_matches(a, b) m), 'MinWords=5, MaxWords=9')
           = llmcopy_headline(a, b, 'MinWords=5, MaxWords=9') AS excerpt_same
FROM long;
SELECT llmcopy_headline('one two three four five six', '[{"a_start": 5, "a_length": 9, "work": 2},
                                                        {"a_start": 1, "a_length": 3},
                                                        {"a_start": 19, "a_length": 4, "work": 2}]'::jsonb,
                        'HighlightAll=true, StartSel=[%n.%s:, StopSel=]') AS given;
SELECT llmcopy_headline('abc', '[]'::jsonb, 'HighlightAll=true') AS no_spans,
       llmcopy_headline('', '[]'::jsonb) AS empty_text,
       llmcopy_headline('', 'x y z') AS empty_a,
       llmcopy_headline(NULL, 'x') IS NULL AS null_in,
       llmcopy_headline('x', 'y', NULL) IS NULL AS null_options;

-- A LATIN1 database gives the same headlines: the texts and the markers are
-- converted to UTF-8 and back, positions stay in characters.
SELECT current_database() AS test_db,
       llmcopy_headline('Voilà: ' || t, 'Préface. ' || t || ' Fin.', 'HighlightAll=1, StartSel=«, StopSel=», Escape=html') AS h_a,
       llmcopy_headline('Voilà: ' || t, 'Préface. ' || t || ' Fin.', 'Side=b, MinWords=3, MaxWords=6, StartSel=«, StopSel=»') AS h_b,
       llmcopy_headline('Voilà: ' || t, '[{"a_start": 8, "a_length": 16}]'::jsonb, 'HighlightAll=1, StartSel=<°>, StopSel=</°>') AS h_j
FROM (VALUES ('Crème brûlée & café «noir» à la française, très sucré, où l''on mange ça')) v(t) \gset
\echo :h_a
\echo :h_b
\echo :h_j
CREATE DATABASE llmcopy_latin1_hl ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
\c llmcopy_latin1_hl
SET client_encoding = 'UTF8';
CREATE EXTENSION pg_llmcopy;
SELECT current_setting('server_encoding') AS enc,
       llmcopy_headline('Voilà: ' || t, 'Préface. ' || t || ' Fin.', 'HighlightAll=1, StartSel=«, StopSel=», Escape=html') = :'h_a' AS same_a,
       llmcopy_headline('Voilà: ' || t, 'Préface. ' || t || ' Fin.', 'Side=b, MinWords=3, MaxWords=6, StartSel=«, StopSel=»') = :'h_b' AS same_b,
       llmcopy_headline('Voilà: ' || t, '[{"a_start": 8, "a_length": 16}]'::jsonb, 'HighlightAll=1, StartSel=<°>, StopSel=</°>') = :'h_j' AS same_given
FROM (VALUES ('Crème brûlée & café «noir» à la française, très sucré, où l''on mange ça')) v(t);
\c :test_db
DROP DATABASE llmcopy_latin1_hl;

-- Bad options and spans: 22023 with a message that says what is wrong.
\set VERBOSITY default
SELECT llmcopy_headline('a', 'b', 'Colour=red');
SELECT llmcopy_headline('a', 'b', 'StartSel=<b>, startsel=<i>');
SELECT llmcopy_headline('a', 'b', 'StartSel <b>');
SELECT llmcopy_headline('a', 'b', 'MaxWords=ten');
SELECT llmcopy_headline('a', 'b', 'MaxWords=0');
SELECT llmcopy_headline('a', 'b', 'MinWords=20, MaxWords=20');
SELECT llmcopy_headline('a', 'b', 'MaxFragments=-1');
SELECT llmcopy_headline('a', 'b', 'StartSel="<b');
SELECT llmcopy_headline('a', 'b', 'StartSel=<b>,');
SELECT llmcopy_headline('a', 'b', 'StartSel=<b> StopSel=</b>');
SELECT llmcopy_headline('a', 'b', 'StartSel=, StopSel=x');
SELECT llmcopy_headline('a', 'b', 'StartSel=<%x>');
SELECT llmcopy_headline('a', 'b', 'StopSel=50%');
SELECT llmcopy_headline('a', 'b', 'HighlightAll=maybe');
SELECT llmcopy_headline('a', 'b', 'Side=left');
SELECT llmcopy_headline('a', 'b', 'Escape=xml');
SELECT llmcopy_headline('a', 'b', 'Markers=neon');
SELECT llmcopy_headline('a', ARRAY['b'], 'Side=b');
SELECT llmcopy_headline('a', ARRAY[['b'], ['c']]);
SELECT llmcopy_headline('a', 'b', '', 0);
SELECT llmcopy_headline('a', 'b', '', 8, 'prose');
SELECT llmcopy_headline('a', 'b', '', 8, 'text', 1001);
SELECT llmcopy_headline('abc', '{"a_start": 1}'::jsonb);
SELECT llmcopy_headline('abc', '[1]'::jsonb);
SELECT llmcopy_headline('abc', '[{"a_start": 1}]'::jsonb);
SELECT llmcopy_headline('abc', '[{"a_start": 1.5, "a_length": 1}]'::jsonb);
SELECT llmcopy_headline('abc', '[{"a_start": "1", "a_length": 1}]'::jsonb);
SELECT llmcopy_headline('abc', '[{"a_start": 0, "a_length": 1}]'::jsonb);
SELECT llmcopy_headline('abc', '[{"a_start": 1, "a_length": 0}]'::jsonb);
SELECT llmcopy_headline('abc', '[{"a_start": 2, "a_length": 3}]'::jsonb);
SELECT llmcopy_headline('abc', '[{"a_start": 1, "a_length": 1}]'::jsonb, 'Side=b');
