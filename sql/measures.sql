-- Disguised copies: fingerprint_units (moved code) and fingerprint_words
-- (reworded prose).

-- A function, and the same function with its declarations moved, its
-- independent statements swapped, a block extracted into a helper and a
-- comment added: every statement of it survives, in another order.
CREATE TEMP TABLE src (name text PRIMARY KEY, body text);
INSERT INTO src VALUES
('original', $c$function totals(orders, taxRate) {
  const byCustomer = new Map();
  let grandTotal = 0;
  for (const order of orders) {
    const net = order.items.reduce((s, i) => s + i.price * i.qty, 0);
    const gross = Math.round(net * (1 + taxRate) * 100) / 100;
    byCustomer.set(order.customer, (byCustomer.get(order.customer) || 0) + gross);
    grandTotal += gross;
  }
  return { byCustomer, grandTotal };
}$c$),
('moved', $c$// the customer's share first
function gross(order, taxRate) {
    const net = order.items.reduce((s, i) => s + i.price * i.qty, 0);
    return Math.round(net * (1 + taxRate) * 100) / 100;
}
function totals(orders, taxRate)
{
    let grandTotal = 0;
    const byCustomer = new Map();
    for (const order of orders)
    {
        const gross = gross(order, taxRate);
        grandTotal += gross;
        byCustomer.set(order.customer, (byCustomer.get(order.customer) || 0) + gross);
    }
    return { byCustomer, grandTotal };
}$c$),
('independent', $c$function totals(list, rate) {
  let sum = 0;
  const out = {};
  list.forEach(function (o) {
    const v = o.amount * (1 + rate);
    out[o.id] = (out[o.id] || 0) + v;
    sum += v;
  });
  return [out, sum];
}$c$);

-- Units keep what k-grams lose: most of the statements of the original are
-- in the moved copy, while its k-grams crossed the moved boundaries; the
-- independent implementation shares no statement.
SELECT s.name,
       round(containment(fingerprint(o.body, 5, 10, 'code'), fingerprint(s.body, 5, 10, 'code'))::numeric, 2) AS kgrams,
       round(containment(fingerprint_units(o.body), fingerprint_units(s.body))::numeric, 2) AS units,
       containment(fingerprint_units(o.body), fingerprint_units(s.body))
         > containment(fingerprint(o.body, 5, 10, 'code'), fingerprint(s.body, 5, 10, 'code')) AS units_higher
FROM src o, src s WHERE o.name = 'original' AND s.name <> 'original' ORDER BY 1;

-- Which statements: the original's units found in the moved copy, by line.
SELECT n, line, fingerprint_units(line) && fingerprint_units((SELECT body FROM src WHERE name = 'moved')) AS found
FROM src, regexp_split_to_table(body, E'\n') WITH ORDINALITY AS l(line, n)
WHERE name = 'original' AND (fingerprint_info(fingerprint_units(line))).hashes > 0 ORDER BY n;

-- The header names the measure: k = min_tokens, w = 1, the units' seed.
SELECT * FROM fingerprint_info(fingerprint_units((SELECT body FROM src WHERE name = 'original')));
SELECT * FROM fingerprint_info(fingerprint_units('x = 1; y = 2;', 2, 'text'));
-- layout, braces and semicolons make no unit; short units are left out
SELECT jaccard(fingerprint_units(E'if (a) {\n  b(c, d);\n}'), fingerprint_units(E'if (a)\n{\n  b(c, d)\n}\n\n')) AS same_units,
       (fingerprint_info(fingerprint_units(E'return x;\nelse\n}'))).hashes AS short_units,
       (fingerprint_info(fingerprint_units(E'return x;\nelse\n}', 1))).hashes AS with_min_tokens_1,
       (fingerprint_info(fingerprint_units(''))).hashes AS empty;

-- names => false: the skeleton of each unit, its names left out (what a
-- rename changes) and its literals, member names and operators kept; a
-- unit with no literal and no member name is left out.  A copy with every
-- name renamed keeps its skeleton.
CREATE TEMP TABLE renamed AS
SELECT regexp_replace(regexp_replace(regexp_replace(regexp_replace(body, 'byCustomer', 'acc', 'g'),
       'grandTotal', 'sum', 'g'), '\mgross\M', 'g1', 'g'), '\mnet\M', 'n1', 'g') AS body
FROM src WHERE name = 'moved';
SELECT round(containment(fingerprint_units(o.body), fingerprint_units(r.body))::numeric, 2) AS units,
       round(containment(fingerprint_units(o.body, 3, 'code', false), fingerprint_units(r.body, 3, 'code', false))::numeric, 2) AS skeleton,
       round(containment(fingerprint_units(o.body, 3, 'code', false), fingerprint_units(i.body, 3, 'code', false))::numeric, 2) AS skeleton_independent
FROM src o, renamed r, src i WHERE o.name = 'original' AND i.name = 'independent';
SELECT (fingerprint_info(fingerprint_units('total = net + gross', 3, 'code', false))).hashes AS no_anchor,
       (fingerprint_info(fingerprint_units('total = order.net + 1', 3, 'code', false))).hashes AS anchored,
       (fingerprint_info(fingerprint_units('total = order.net + 1', 3, 'code', false))).seed AS skeleton_seed;
SELECT containment(fingerprint_units('a = b.c + 1'), fingerprint_units('a = b.c + 1', 3, 'code', false));

-- containment_smoothed: |a ∩ b| / (|a| + prior), never above containment.
SELECT containment_smoothed(fingerprint_units(E'a = f(1);\nb = g(2);'), fingerprint_units(E'b = g(2);\na = f(1);')) AS two_of_two,
       containment_smoothed(fingerprint_units(E'a = f(1);\nb = g(2);'), fingerprint_units(E'b = g(2);\na = f(1);'), 0) AS prior_0,
       containment_smoothed(fingerprint_units(''), fingerprint_units('a = f(1)')) AS empty;
SELECT count(*) FILTER (WHERE containment_smoothed(a.u, b.u, 3) > containment(a.u, b.u)) AS above_containment, count(*) AS pairs
FROM (SELECT fingerprint_units(body) AS u FROM src) a, (SELECT fingerprint_units(body) AS u FROM src) b;
SELECT containment_smoothed(fingerprint_units('a = f(1)'), fingerprint_units('a = f(1)'), -1);

-- Units and k-grams are different measures: comparing them is an error.
SELECT containment(fingerprint_units('a = b + c'), fingerprint('a = b + c', 5, 10, 'code'));
SELECT containment(fingerprint_units('a = b + c', 3), fingerprint_units('a = b + c', 4));
SELECT fingerprint_units('a = b + c', 0);
SELECT fingerprint_units('a = b + c', 65);
SELECT fingerprint_units('a = b + c', 3, 'prose');
SELECT fingerprint_units(NULL) IS NULL AS strict_units, fingerprint_words(NULL) IS NULL AS strict_words;

-- ---------------------------------------------------------------------------
-- Words: the same content reworded (sentences reordered, function words
-- changed, inflections changed) against another passage on the topic.
CREATE TEMP TABLE prose (name text PRIMARY KEY, body text);
INSERT INTO prose VALUES
('source', 'The whale rose slowly from the dark sea. Ahab watched it from the deck, and the crew lowered the boats.'),
('reworded', 'The crew were lowering their boats while Ahab watched from a deck. Slowly a whale rises out of dark seas.'),
('other', 'The ship sailed south for many weeks. The men mended sails and told stories of home on the long nights.');
SELECT p.name,
       round(containment(fingerprint_words(p.body), fingerprint_words(s.body))::numeric, 2) AS words,
       round(containment(fingerprint(p.body, 1, 1), fingerprint(s.body, 1, 1))::numeric, 2) AS plain_words
FROM prose p, prose s WHERE s.name = 'source' AND p.name <> 'source' ORDER BY 1;
-- Each word as written, and each content word's stem: a changed
-- inflection keeps the stem (2 of the 4 hashes of "whales stopping"), a
-- function word is one hash (written only), a content word two; case is
-- folded before either.
SELECT (fingerprint_info(fingerprint_words('The whales were stopping') & fingerprint_words('a whale stopped'))).hashes AS stems_shared,
       containment(fingerprint_words('whales stopping'), fingerprint_words('a whale stopped')) AS inflected,
       containment(fingerprint_words('whale'), fingerprint_words('the whale')) AS kept,
       (fingerprint_info(fingerprint_words('the of and a to'))).hashes AS function_words,
       (fingerprint_info(fingerprint_words('whale'))).hashes AS content_word,
       (fingerprint_info(fingerprint_words('Straße straße STRASSE'))).hashes AS casefolded;
-- a replaced function word costs one hash, a replaced content word two
-- (of the 6 hashes of "the whale in the sea")
SELECT round(containment(fingerprint_words('the whale in the sea'), fingerprint_words('the whale on the sea'))::numeric, 3) AS function_word_changed,
       round(containment(fingerprint_words('the whale in the sea'), fingerprint_words('the whale in the ocean'))::numeric, 3) AS content_word_changed;
SELECT * FROM fingerprint_info(fingerprint_words('The whale rose'));
SELECT containment(fingerprint_words('whale'), fingerprint('whale', 1, 1));

-- ---------------------------------------------------------------------------
-- The index path: a fingerprint_ops index built with the measure's
-- parameters returns what a sequential scan returns.
CREATE TEMP TABLE works AS
SELECT i AS id, 'unit' AS kind,
       string_agg(format('v%s = f%s(a, %s);', j, (i * j) % 5, j % 3), E'\n' ORDER BY (i * 7 + j * 3) % 11) AS body
FROM generate_series(1, 60) i, generate_series(1, 8) j GROUP BY i;
INSERT INTO works
SELECT 1000 + i, 'word', string_agg(w, ' ' ORDER BY (i * 5 + j) % 9)
FROM generate_series(1, 60) i, generate_series(1, 9) j,
     LATERAL (SELECT (ARRAY['whale', 'ships', 'sailing', 'the', 'harpoon', 'captain', 'of', 'oceans', 'storm', 'crew',
                            'rope', 'deck'])[1 + (i * j) % 12] AS w) x
GROUP BY i;
ALTER TABLE works ADD COLUMN u fingerprint, ADD COLUMN w fingerprint, ADD COLUMN s fingerprint;
UPDATE works SET u = fingerprint_units(body), s = fingerprint_units(replace(body, ' = f', ' = o.f'), 2, 'code', false) WHERE kind = 'unit';
UPDATE works SET w = fingerprint_words(body) WHERE kind = 'word';
CREATE INDEX works_u ON works USING gin (u fingerprint_ops (k = 3, w = 1, seed = 1970170228, mode = code));
CREATE INDEX works_w ON works USING gin (w fingerprint_ops (k = 1, w = 1, seed = 2003792484));
CREATE INDEX works_s ON works USING gin (s fingerprint_ops (k = 2, w = 1, seed = 1936418156, mode = code));
-- a k-gram fingerprint cannot go into the units' index
INSERT INTO works (id, kind, u) VALUES (0, 'bad', fingerprint('a = b', 1, 1, 'code'));
ANALYZE works;
CREATE TEMP TABLE queries AS
SELECT id AS qid, fingerprint_units(body) AS u, NULL::fingerprint AS w,
       fingerprint_units(replace(replace(body, ' = f', ' = o.f'), 'a,', 'b,'), 2, 'code', false) AS s
FROM works WHERE kind = 'unit' AND id % 6 = 0
UNION ALL
SELECT id, NULL, fingerprint_words(body), NULL FROM works WHERE kind = 'word' AND id % 6 = 0;

CREATE TEMP TABLE checks (q text);
INSERT INTO checks VALUES
    ('SELECT q.qid, w.id FROM queries q JOIN works w ON fingerprint_contained(q.u, w.u, 0.3)'),
    ('SELECT q.qid, w.id FROM queries q JOIN works w ON q.u && w.u'),
    ('SELECT q.qid, w.id FROM queries q JOIN works w ON fingerprint_contained(q.w, w.w, 0.8)'),
    ('SELECT q.qid, w.id FROM queries q JOIN works w ON fingerprint_similar(q.w, w.w, 0.5)'),
    ('SELECT q.qid, w.id FROM queries q JOIN works w ON fingerprint_contained(q.s, w.s, 0.4)');
\i sql/include/seq_vs_idx.psql
SELECT c.q, r.* FROM checks c, pg_temp.seq_vs_idx(c.q, 'works_[uws]') r ORDER BY 1;
-- more than the query itself is found: the sets really overlap
-- (and the renamed queries' skeletons find their own works among others)
SELECT count(*) FILTER (WHERE fingerprint_contained(q.u, w.u, 0.3) AND w.id <> q.qid) AS other_units,
       count(*) FILTER (WHERE fingerprint_contained(q.w, w.w, 0.8) AND w.id <> q.qid) AS other_words,
       count(*) FILTER (WHERE fingerprint_contained(q.s, w.s, 0.4) AND w.id = q.qid) AS skeletons_own,
       count(*) FILTER (WHERE fingerprint_contained(q.s, w.s, 0.4) AND w.id <> q.qid) AS skeletons_other
FROM queries q, works w;

-- ---------------------------------------------------------------------------
-- The scan records the scores that survive disguise with each finding
-- (units for a code corpus, words for a text corpus), and llmcopy_origins
-- shows them to filter on.
CREATE TABLE m_code (id int PRIMARY KEY, body text);
INSERT INTO m_code SELECT row_number() OVER (ORDER BY name), body FROM src WHERE name <> 'moved';
CREATE TABLE m_code_out (id int PRIMARY KEY, body text, at timestamptz);
INSERT INTO m_code_out SELECT 1, body, '2026-11-01' FROM src WHERE name = 'moved';
INSERT INTO m_code_out SELECT 2, body, '2026-11-02' FROM renamed;
CREATE TABLE m_prose (id int PRIMARY KEY, body text);
INSERT INTO m_prose SELECT row_number() OVER (ORDER BY name), body FROM prose WHERE name <> 'reworded';
CREATE TABLE m_prose_out (id int PRIMARY KEY, body text, at timestamptz);
INSERT INTO m_prose_out SELECT 1, 'Here it is: ' || body, '2026-11-03' FROM prose WHERE name = 'source';
SELECT llmcopy_register_corpus('m_code', 'id', 'body', mode => 'code') > 0 AS code_corpus,
       llmcopy_register_outputs('m_code_out', 'id', 'body', 'at', mode => 'code') > 0 AS code_outputs,
       llmcopy_register_corpus('m_prose', 'id', 'body') > 0 AS prose_corpus,
       llmcopy_register_outputs('m_prose_out', 'id', 'body', 'at') > 0 AS prose_outputs;
CALL llmcopy_scan('m_code_out', 'm_code', threshold => 0.1);
CALL llmcopy_scan('m_prose_out', 'm_prose', threshold => 0.1);
SELECT f.output_id, f.work_id, round(f.containment::numeric, 2) AS containment,
       round(f.units::numeric, 2) AS units, round(f.words::numeric, 2) AS words,
       (f.units, f.words) IS NOT DISTINCT FROM (d.units, d.words) AS as_computed
FROM llmcopy_findings f
JOIN llmcopy_corpus_tables c ON c.id = f.corpus_table
JOIN (SELECT 'm_code' AS t, id::text AS id, body FROM m_code UNION ALL SELECT 'm_prose', id::text, body FROM m_prose) w
  ON w.t = c.table_name AND w.id = f.work_id
JOIN (SELECT 'm_code_out' AS t, id::text AS id, body FROM m_code_out UNION ALL SELECT 'm_prose_out', id::text, body FROM m_prose_out) o
  ON o.id = f.output_id AND o.t = (SELECT x.table_name FROM llmcopy_output_tables x WHERE x.id = f.output_table),
LATERAL llmcopy_disguise_scores(o.body, w.body, c.mode) d
ORDER BY c.table_name, 1, 2;
-- a dashboard's filter: the origins whose code survived disguise
SELECT x.table_name, v.output_id, v.work_id, round(v.units::numeric, 2) AS units, round(v.words::numeric, 2) AS words
FROM llmcopy_origins v JOIN llmcopy_output_tables x ON x.id = v.output_table
WHERE x.table_name IN ('m_code_out', 'm_prose_out') AND (v.units > 0.1 OR v.words > 0.5) ORDER BY 1, 2;
SELECT llmcopy_disguise_scores('a = b.c + 1', 'a = b.c + 1', 'code') AS code, llmcopy_disguise_scores('whale', 'whales', 'text') AS text;
SELECT llmcopy_unregister('m_code'), llmcopy_unregister('m_code_out'), llmcopy_unregister('m_prose'), llmcopy_unregister('m_prose_out');
DROP TABLE m_code, m_code_out, m_prose, m_prose_out;

-- ---------------------------------------------------------------------------
-- Marked as pure functions, and callable by a role with no privileges.
SELECT p.oid::regprocedure AS function, p.provolatile, p.proisstrict, p.proparallel
FROM pg_proc p WHERE p.proname IN ('fingerprint_units', 'fingerprint_words', 'containment_smoothed', 'llmcopy_disguise_scores') ORDER BY 1;
CREATE ROLE measures_nobody;
SET ROLE measures_nobody;
SELECT containment(fingerprint_units(E'a = b + c;\nd = e * f;'), fingerprint_units(E'd = e * f;\na = b + c;')) AS as_nobody;
RESET ROLE;
DROP ROLE measures_nobody;

-- ---------------------------------------------------------------------------
-- The sets drop repeated hashes as their buffer fills (lc_measures.c), so
-- their memory follows the distinct words and units, not the text.  The
-- results are the sets of before: md5 of each result as computed by the
-- build that kept every hash until the end, over texts of n tokens drawn
-- from v distinct ones (under and over the first buffer of 64 hashes,
-- mostly repeated, mostly distinct), and the same sets again as the union
-- of the sets of each word or line alone.
CREATE TEMP TABLE m_sets (n int, v int, words text, code text);
INSERT INTO m_sets
SELECT n, v,
       (SELECT string_agg(repeat(translate(substr(md5(j::text), 1, 3 + j % 6), '0123456789', 'ghijklmnos'),
                                 CASE WHEN i % 13 = 0 THEN 12 ELSE 1 END)
                          || CASE WHEN i % 7 = 0 THEN ' the ' WHEN i % 11 = 0 THEN '. Über ' ELSE ' ' END, '' ORDER BY i)
        FROM generate_series(1, n) i, LATERAL (SELECT (i * 7919) % v AS j) x),
       (SELECT string_agg(format('x%s = f(%s, y.z%s)%s', j % 13, j, j % 5,
                                 CASE WHEN i % 3 = 0 THEN E';\n' WHEN i % 5 = 0 THEN ' { ' ELSE E'\n' END), '' ORDER BY i)
        FROM generate_series(1, n) i, LATERAL (SELECT (i * 7919) % v AS j) x)
FROM (VALUES (1, 1), (63, 1000), (64, 1000), (65, 1000), (200, 7), (1000, 10), (5000, 3000),
             (100000, 50), (100000, 1000000)) t(n, v);
SELECT n, v, (fingerprint_info(fingerprint_words(words))).hashes AS words,
       md5(fingerprint_words(words)::text) AS words_md5,
       (fingerprint_info(fingerprint_units(code))).hashes AS units,
       md5(fingerprint_units(code)::text) AS units_md5,
       md5(fingerprint_units(code, 1, 'text')::text) AS units_text_md5,
       md5(fingerprint_units(code, 3, 'code', false)::text) AS skeleton_md5
FROM m_sets ORDER BY n, v;
CREATE FUNCTION pg_temp.hashes_of(f fingerprint) RETURNS text LANGUAGE sql AS $$ SELECT substr(f::text, strpos(f::text, '{')) $$;
SELECT n, v,
       pg_temp.hashes_of((SELECT fingerprint_union_agg(fingerprint_words(w)) FROM regexp_split_to_table(words, '\s+') w))
         = pg_temp.hashes_of(fingerprint_words(words)) AS words_as_union,
       pg_temp.hashes_of((SELECT fingerprint_union_agg(fingerprint_units(l)) FROM regexp_split_to_table(code, E'[;{\n]') l))
         = pg_temp.hashes_of(fingerprint_units(code)) AS units_as_union
FROM m_sets ORDER BY n, v;
DROP TABLE m_sets;
