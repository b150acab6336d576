-- Language-aware code tokens ('code:<language>', 'code:auto') and the
-- rename-insensitive ':kinds' modes.

CREATE FUNCTION pg_temp.toks(t text, mode text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT string_agg(token, ' ' ORDER BY n) FROM llmcopy_tokens(t, mode) $$;

-- The Python '#word' case: a comment however it is written.  Mode 'code'
-- (unchanged, values stored with it must not change) reads "#note" as an
-- operator and a word, and its """ as a string that runs on; 'code:python'
-- reads a comment, and the function's tokens stay tokens.
\set pyhash 'def area(w, h):\n    #note: """ is not a string here\n    s = w * h\n    return s\n\n\ndef f(x):\n    """doc"""\n    return x + 1\n'
SELECT mode, pg_temp.toks(E:'pyhash', mode) FROM (VALUES ('code'), ('code:python')) m(mode);
-- the same function with its comment reworded is the same token stream
SELECT pg_temp.toks(E:'pyhash', 'code:python')
     = pg_temp.toks(replace(E:'pyhash', '#note: """ is not a string here', '# area of a rectangle'), 'code:python') AS same;

-- Comments and strings, language by language.
SELECT lang, pg_temp.toks(src, 'code:' || lang) AS tokens FROM (VALUES
  ('python', E'x = r"a\\"b" # c\ny = \'\'\'multi\nline\'\'\' + "s"'),
  ('js',     E'let s = `a ${b}\n c`; // c\nconst t = \'q\\\'\' /* c */ + "d"'),
  ('java',   E'String s = """\n  text "block"\n  """; // c\nchar c = \'"\'; /* c */'),
  ('c',      E'#include <stdio.h>\nint x = 1; // c\n/* a /* b */ y = "s\\"t";'),
  ('go',     E'x := `raw\\n\n# no comment` // c\ny := "s" /* c */'),
  ('rust',   E'/* a /* nested */ still comment */ let s = r#"raw "q" "#;\nfn f<\'a>(c: char) { \'x\' } // c'),
  ('sh',     E'#!/bin/sh\necho $# x#y \'a # b\' "c\\"d" # c\n'),
  ('sql',    E'SELECT \'it\'\'s\' AS "Col", x -- c\nFROM t /* a /* b */ c */ WHERE f($1) AS $$ SELECT 1 $$')
) v(lang, src) ORDER BY 1;

-- Case: kept in the languages, folded for SQL's bare words only.
SELECT pg_temp.toks('Foo foo "Bar"', 'code:js') AS js, pg_temp.toks('Foo foo "Bar"', 'code:sql') AS sql,
       pg_temp.toks('Foo foo "Bar"', 'code') AS code;

-- 'code:auto' guesses the language (llmcopy_code_language says which) and
-- reads the text with its rules.
SELECT lang, llmcopy_code_language(src) AS guess,
       pg_temp.toks(src, 'code:auto') = pg_temp.toks(src, 'code:' || lang) AS auto_reads_as_guess
FROM (VALUES
  ('python', E'import os\n\nclass A:\n    def __init__(self, x):\n        self.x = x\n        if x is not None:\n            pass\n'),
  ('js',     E'const fs = require("fs");\nfunction f(a) {\n  if (a === undefined) return;\n  console.log(a);\n}\n'),
  ('java',   E'import java.util.List;\npublic class A {\n  @Override\n  public String toString() { return "a"; }\n}\n'),
  ('c',      E'#include <stdlib.h>\ntypedef struct n { struct n *next; } n;\nint f(n *p) { return p->next == NULL; }\n'),
  ('go',     E'package main\n\nimport "fmt"\n\nfunc main() {\n\tx, err := f()\n\tif err != nil {\n\t\tfmt.Println(x)\n\t}\n}\n'),
  ('rust',   E'use std::io;\n\npub fn f(v: &mut Vec<i32>) -> Option<i32> {\n    let mut s = 0;\n    Some(s)\n}\n'),
  ('sh',     E'for f in *.txt; do\n  if [ -f "$f" ]; then\n    echo "${f}" 2>&1\n  fi\ndone\n'),
  ('sql',    E'CREATE TABLE t (id int PRIMARY KEY, name varchar NOT NULL);\nSELECT name FROM t WHERE id = 1 ORDER BY name;\n'),
  ('python', E'#!/usr/bin/env python3\nprint(1)\n')
) v(lang, src) ORDER BY 1, 2;
SELECT llmcopy_code_language('') AS empty_text;

-- ':kinds': identifiers become "<id>"; keywords, names after '.', numbers
-- and strings stay.
SELECT pg_temp.toks(E'def total(items):\n    s = 0\n    for it in items:\n        s += it.price * 2\n    return s, "sum"\n', 'code:python:kinds');
SELECT pg_temp.toks('select Name from T where id = 1', 'code:sql:kinds');
-- JavaScript's semicolons are optional, and a reformatter adds or drops
-- them: not tokens in 'code:js:kinds' (they are in 'code:js')
SELECT pg_temp.toks(E'let a = f(b);\nreturn a.x', 'code:js:kinds') AS js_kinds,
       pg_temp.toks(E'let a = f(b)\nreturn a.x', 'code:js:kinds') AS without_semicolon,
       pg_temp.toks(E'let a = f(b);\nreturn a.x', 'code:js') AS js;

-- A copy with every variable renamed matches as well as one with only its
-- comments changed: containment 1 for both in ':kinds', not in 'code:python'.
\set orig 'def mean(values):\n    # the arithmetic mean\n    total = 0\n    count = 0\n    for v in values:\n        total += v\n        count += 1\n    if count == 0:\n        return None\n    return total / count\n'
\set comm 'def mean(values):\n    # average of the list (empty: None)\n    total = 0\n    count = 0\n    for v in values:\n        total += v\n        count += 1\n    if count == 0:\n        return None\n    return total / count\n'
\set renm 'def average(xs):\n    acc = 0\n    n = 0\n    for x in xs:\n        acc += x\n        n += 1\n    if n == 0:\n        return None\n    return acc / n\n'
SELECT mode,
       round(containment(fingerprint(E:'comm', 5, 1, mode), fingerprint(E:'orig', 5, 1, mode))::numeric, 3) AS comments_changed,
       round(containment(fingerprint(E:'renm', 5, 1, mode), fingerprint(E:'orig', 5, 1, mode))::numeric, 3) AS renamed
FROM (VALUES ('code:python'), ('code:python:kinds'), ('code:auto:kinds')) m(mode);
-- evidence spans show the real text of both sides
SELECT a_start, a_length, b_start, b_length, tokens, excerpt
FROM llmcopy_matches(E:'renm', E:'orig', 8, 'code:python:kinds');
SELECT substr(E:'orig', b_start, b_length) AS original_text
FROM llmcopy_matches(E:'renm', E:'orig', 8, 'code:python:kinds');

-- The mode is kept in the value: text form, binary form, parameters.
SELECT fingerprint(E:'orig', 3, 2, 'code:python:kinds')::text;
SELECT fingerprint(E:'orig', 3, 2, 'code:rust')::text::fingerprint = fingerprint(E:'orig', 3, 2, 'code:rust') AS text_round_trip;
CREATE TEMP TABLE cm_bin (fp fingerprint);
CREATE TEMP TABLE cm_src AS SELECT fingerprint(E:'orig', 3, 2, 'code:go:kinds') AS fp;
\copy cm_src TO '/tmp/pg_llmcopy_code_modes.bin' (FORMAT binary)
\copy cm_bin FROM '/tmp/pg_llmcopy_code_modes.bin' (FORMAT binary)
SELECT fp = fingerprint(E:'orig', 3, 2, 'code:go:kinds') AS binary_round_trip, (fingerprint_info(fp)).mode FROM cm_bin;
SELECT (fingerprint_df_info(d)).mode AS df_mode, d::text::fingerprint_df::text = d::text AS df_text_round_trip
FROM (SELECT fingerprint_df_agg(f, f, 1) AS d FROM (SELECT fingerprint(E:'orig', 3, 2, 'code:java:kinds') AS f) s) s2;
SELECT 'v1 union docs=1 tokens=3 code:sql:kinds k=2 w=1 seed=0 hashes=1 {BQ==}'::fingerprint_agg_state::text AS agg_state;
SELECT (fingerprint_info(fingerprint(E:'orig', 3, 2, 'code:ts'))).mode AS alias_prints_as;
SELECT minhash(E:'orig', 64, 3, 'code:python:kinds')::text LIKE 'v1 code:python:kinds %' AS minhash_mode;
-- values of different modes do not compare
SELECT containment(fingerprint(E:'orig', 3, 2, 'code:python'), fingerprint(E:'orig', 3, 2, 'code:python:kinds'));

-- Unknown modes: a clear error wherever a mode is read.
SELECT * FROM llmcopy_tokens('x', 'code:cobol');
SELECT fingerprint('x'::text, 3, 2, 'code:python:kind');
SELECT 'v1 code:cobol k=3 w=2 seed=0 tokens=0 {}'::fingerprint;
SELECT 'v1 union docs=1 tokens=3 code:cobol k=2 w=1 seed=0 hashes=1 {BQ==}'::fingerprint_agg_state;

-- The index path: a GIN index built for a new mode returns what a
-- sequential scan returns.
CREATE TABLE cm_corpus (id int, body text, fp fingerprint);
INSERT INTO cm_corpus
SELECT i, CASE i % 3
    WHEN 0 THEN format(E'def f%s(a%s, b):\n    # v%s\n    c = a%s * %s + b\n    for k in range(c):\n        yield k %% %s, "t%s"\n', i, i, i, i, i % 7, i % 5, i % 3)
    WHEN 1 THEN format(E'class C%s:\n    def run(self, n):\n        while n > %s:\n            n -= self.step\n        return n\n', i, i % 4)
    ELSE format(E'import os\nPATH%s = os.path.join("a", "b%s")\nif os.path.exists(PATH%s):\n    print(%s)\n', i, i % 9, i, i)
  END, NULL
FROM generate_series(1, 300) i;
UPDATE cm_corpus SET fp = fingerprint(body, 4, 2, 'code:python:kinds');
CREATE INDEX cm_corpus_fp_bad ON cm_corpus USING gin (fp fingerprint_ops (k = 4, w = 2, mode = 'code:cobol'));
CREATE INDEX cm_corpus_fp_wrong ON cm_corpus USING gin (fp fingerprint_ops (k = 4, w = 2, mode = 'code:python'));
CREATE INDEX cm_corpus_fp ON cm_corpus USING gin (fp fingerprint_ops (k = 4, w = 2, mode = 'code:python:kinds'));
CREATE TEMP TABLE cm_q AS SELECT fingerprint(E'for j in range(z):\n    yield j % 2, "t0"\n', 4, 2, 'code:python:kinds') AS q;
CREATE FUNCTION pg_temp.plan_uses(q text, idx text) RETURNS bool LANGUAGE plpgsql AS $$
DECLARE
    line text;
    found bool := false;
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (costs off) ' || q LOOP
        found := found OR line LIKE '%Index Scan on ' || idx || '%';
    END LOOP;
    RETURN found;
END $$;
SET enable_indexscan = off; SET enable_bitmapscan = off;
CREATE TEMP TABLE cm_seq AS SELECT c.id FROM cm_corpus c, cm_q WHERE cm_q.q && c.fp;
SELECT pg_temp.plan_uses('SELECT c.id FROM cm_corpus c, cm_q WHERE cm_q.q && c.fp', 'cm_corpus_fp') AS seq_uses_index;
RESET enable_indexscan; RESET enable_bitmapscan; SET enable_seqscan = off;
SELECT pg_temp.plan_uses('SELECT c.id FROM cm_corpus c, cm_q WHERE cm_q.q && c.fp', 'cm_corpus_fp') AS uses_index;
CREATE TEMP TABLE cm_idx AS SELECT c.id FROM cm_corpus c, cm_q WHERE cm_q.q && c.fp;
RESET enable_seqscan;
SELECT (SELECT count(*) FROM cm_seq) AS seq_rows, (SELECT count(*) FROM cm_idx) AS idx_rows,
       (SELECT count(*) FROM ((TABLE cm_seq EXCEPT ALL TABLE cm_idx) UNION ALL (TABLE cm_idx EXCEPT ALL TABLE cm_seq)) d) AS differ;

-- the scan's disguise scores: a registration in a language mode is a code
-- corpus, scored by unit skeletons
SELECT units > 0 AS units_for_a_language_mode, words IS NULL AS no_word_score
FROM llmcopy_disguise_scores(E'def f(x):\n    return x.price + 1\n', E'def g(y):\n    return y.price + 1\n', 'code:python:kinds');
-- and its units are read in the registration's language: a Python comment
-- holding three quotes opens no string, so the statements after it still
-- count (read as generic code, the rest of the function is one string and
-- the score is 0)
SELECT m AS mode, round(d.units::numeric, 3) AS units, d.units = llmcopy_disguise_units(t.o, t.w, 'code:python') AS as_python
FROM (SELECT E'def f(a):\n    #note """quoted\n    b = a.x + "s"\n    c = b.y("t")\n    return c.z\n' AS o,
             E'def g(q):\n    #see """here\n    r = q.x + "s"\n    v = r.y("t")\n    return v.z\n' AS w) t,
     unnest(ARRAY['code:python', 'code:python:kinds', 'code']) m,
     LATERAL llmcopy_disguise_scores(t.o, t.w, m) d;
-- in code:auto both texts are read in the language of the work: a fragment
-- of Python too short to tell is not read as C (as it alone would be)
SELECT llmcopy_code_language(t.o) AS output_alone, llmcopy_code_language(t.w) AS work,
       llmcopy_disguise_units(t.o, t.w, 'code:auto') = llmcopy_disguise_units(t.o, t.w, 'code:python') AS as_python,
       llmcopy_disguise_units(t.o, t.w, 'code:auto') > containment_smoothed(fingerprint_units(t.o, 3, 'code:auto', false),
                                                                     fingerprint_units(t.w, 3, 'code:auto', false), 8) AS better_than_apart
FROM (SELECT E'b = a.x + ''s'' # it''s\nc = b.y(''t'')\nd = c.z[''k'']\n' AS o,
             E'import os\ndef f(a):\n    b = a.x + ''s'' # it''s\n    c = b.y(''t'')\n    d = c.z[''k'']\n    return d\n' AS w) t;

-- a registration stores the mode by its canonical name, as the values and
-- the index option name it (code:ts is code:js), so that outputs and a
-- corpus registered with either name scan together
CREATE TABLE cm_reg_works (id int PRIMARY KEY, body text);
INSERT INTO cm_reg_works VALUES (1, E'function total(items) {\n  let s = 0;\n  for (const it of items) { s += it.price; }\n  return s;\n}\n');
CREATE TABLE cm_reg_outputs (id int PRIMARY KEY, body text, at timestamptz DEFAULT now());
INSERT INTO cm_reg_outputs VALUES (1, E'Sure:\nfunction addUp(xs) {\n  let acc = 0;\n  for (const x of xs) { acc += x.price; }\n  return acc;\n}\n');
SET client_min_messages = warning;
SELECT llmcopy_register_corpus('cm_reg_works', 'id', 'body', k => 5, w => 2, mode => 'code:ts:kinds') > 0 AS corpus;
SELECT llmcopy_register_outputs('cm_reg_outputs', 'id', 'body', 'at', k => 5, w => 2, mode => 'code:js:kinds') > 0 AS outputs;
SELECT table_name, mode FROM llmcopy_corpus_tables WHERE table_name = 'cm_reg_works'
UNION ALL SELECT table_name, mode FROM llmcopy_output_tables WHERE table_name = 'cm_reg_outputs';
CALL llmcopy_scan(outputs => 'cm_reg_outputs', corpus => 'cm_reg_works', threshold => 0.5);
RESET client_min_messages;
SELECT output_id, work_id, containment >= 0.5 AS copied FROM llmcopy_findings f
JOIN llmcopy_corpus_tables c ON c.id = f.corpus_table WHERE c.table_name = 'cm_reg_works';
SELECT llmcopy_unregister('cm_reg_outputs'), llmcopy_unregister('cm_reg_works');

-- an unknown mode is named in the error cut to 64 bytes
SELECT fingerprint('x'::text, 5, 10, 'code:' || repeat('a', 100000));
