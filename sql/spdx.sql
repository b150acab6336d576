-- SPDX license expressions: normalization, validity, ids, satisfaction, correction.

SELECT llmcopy_spdx_list_version() AS list, count(*) > 700 AS many_ids,
       count(*) FILTER (WHERE deprecated) AS deprecated_ids
FROM llmcopy_spdx_list();

-- Canonical spelling, deprecated ids mapped, "+" on the GNU licenses,
-- WITH, AND above OR, parentheses only where needed, references kept.
SELECT e AS input, spdx_normalize(e) AS normalized
FROM unnest(ARRAY[
  'MIT', 'mit', 'apache-2.0', 'GPL-2.0', 'GPL-2.0+', 'gpl-3.0-only+', 'LGPL-2.1+', 'AGPL-3.0',
  'GPL-2.0-with-classpath-exception', 'eCos-2.0', 'wxWindows', 'BSD-2-Clause-FreeBSD',
  'Apache-2.0+', 'GPL-2.0-only WITH Classpath-exception-2.0', 'apache-2.0 with llvm-exception',
  'MIT OR Apache-2.0', 'mit and isc or 0bsd', 'MIT AND (Apache-2.0 OR BSD-3-Clause)',
  '(MIT AND ISC) OR 0BSD', '((MIT))', '(MIT OR ISC) AND (GPL-2.0 OR LGPL-2.1)',
  'MIT OR (ISC OR 0BSD)', 'LicenseRef-Proprietary', 'licenseref-my-license',
  'DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2', 'MIT WITH AdditionRef-My-Exception',
  '  MIT   OR   ISC  ']) e;

-- Invalid input: an error naming the position; spdx_valid says false and never errors.
SELECT spdx_normalize('');
SELECT spdx_normalize('(MIT OR ISC');
SELECT spdx_normalize('MIT OR ISC)');
SELECT spdx_normalize('MIT AND');
SELECT spdx_normalize('MIT XOR ISC');
SELECT spdx_normalize('GPL-2.0-only WITH');
SELECT spdx_normalize('Foo-1.0 OR MIT');
SELECT spdx_normalize('MIT WITH Not-An-Exception');
SELECT spdx_normalize('(MIT) WITH Classpath-exception-2.0');
SELECT spdx_normalize('LicenseRef-');
SELECT e, spdx_valid(e)
FROM unnest(ARRAY['MIT', '', '(MIT', 'MIT AND', 'MIT XOR ISC', 'GPL-2.0 WITH', 'Foo', 'MIT OR ISC', '((((']) e;
SELECT spdx_valid(repeat('(', 1000) || 'MIT' || repeat(')', 1000)) AS too_deep;

-- The ids of an expression, once each, in order.
SELECT * FROM spdx_ids('MIT AND (GPL-2.0+ OR MIT) AND LicenseRef-x WITH AdditionRef-y');

-- The expression as alternatives of license sets.
SELECT * FROM spdx_dnf('(MIT OR ISC) AND (Apache-2.0 OR GPL-2.0-only WITH Classpath-exception-2.0)');

-- Satisfaction: some choice uses only allowed licenses; "or later" reaches
-- later versions; an exception must be allowed as such.
SELECT e, allowed, spdx_satisfies(e, allowed)
FROM (VALUES
  ('MIT', ARRAY['MIT']),
  ('MIT OR GPL-3.0-only', ARRAY['MIT']),
  ('MIT AND GPL-3.0-only', ARRAY['MIT']),
  ('MIT AND GPL-3.0-only', ARRAY['MIT', 'GPL-3.0-only']),
  ('GPL-2.0-or-later', ARRAY['GPL-3.0-only']),
  ('GPL-2.0-only', ARRAY['GPL-3.0-only']),
  ('GPL-3.0-only', ARRAY['GPL-2.0-or-later']),
  ('GPL-2.0+', ARRAY['gpl-2.0']),
  ('Apache-2.0 WITH LLVM-exception', ARRAY['Apache-2.0']),
  ('Apache-2.0 WITH LLVM-exception', ARRAY['Apache-2.0 WITH LLVM-exception']),
  ('(MIT OR ISC) AND (Apache-2.0 OR BSD-3-Clause)', ARRAY['ISC', 'BSD-3-Clause']),
  ('(MIT OR ISC) AND (Apache-2.0 OR BSD-3-Clause)', ARRAY['ISC', 'GPL-2.0-only']),
  ('MIT', ARRAY[]::text[])) v(e, allowed);
SELECT spdx_satisfies('MIT', ARRAY['MIT OR ISC']);
SELECT spdx_satisfies('MIT', ARRAY['Nope-1.0']);

-- Correction of messy license strings: Debian DEP-5 short names, npm
-- spellings, URLs, prose; NULL where it cannot tell.
SELECT s AS messy, spdx_correct(s) AS corrected
FROM unnest(ARRAY[
  'Expat', 'GPL-2+', 'GPL-2', 'GPL-3+', 'BSD-3-clause', 'BSD-2-clause', 'Apache-2.0', 'LGPL-2.1+',
  'LGPL-2+', 'public-domain', 'Public Domain', 'Apache 2.0', 'Apache License, Version 2.0', 'BSD',
  'MIT/X11', '(MIT OR GPL-3.0)', 'MIT License', 'The MIT License (MIT)', 'ISC License (ISC)', 'ISC License', 'GPLv3',
  'GNU GPL v2 or later', 'GNU Lesser General Public License v2.1 or later', 'GNU AGPLv3',
  'New BSD License', 'Simplified BSD', 'BSD 3-Clause', 'Mozilla Public License 2.0', 'MPL 2.0',
  'CC BY-SA 4.0', 'Creative Commons Attribution 4.0 International', 'CC-BY-NC-ND-4.0', 'CC0',
  'https://opensource.org/licenses/MIT', 'http://www.apache.org/licenses/LICENSE-2.0',
  'https://www.gnu.org/licenses/gpl-3.0.html', 'https://creativecommons.org/licenses/by-nc/4.0/',
  'https://creativecommons.org/publicdomain/zero/1.0/', 'Apache 2.0 or MIT', 'MIT, Apache 2.0',
  'Dual MIT/GPL', 'GPL', 'UNLICENSED', 'SEE LICENSE IN LICENSE.md', '', 'WTFPL', 'Unlicense',
  'Boost Software License 1.0', 'zlib', 'eCos-2.0']) s;
SELECT spdx_correct(NULL) IS NULL AS null_in_null_out;

-- Correction rule by rule (the README lists them); spdx_correct_explain
-- names the rule that decided, what it read, and the candidates when it
-- would not choose.  Strings it must leave NULL come with the rule that
-- said no.
SELECT s AS messy, e.corrected, e.rule, e.candidates
FROM unnest(ARRAY[
  -- an expression as written, in any case
  'mit or apache-2.0', 'GPL-2.0+',
  -- the keys: aliases, names, ids in other words, a name without its only version
  'Expat', 'Apache Software License, Version 2.0', 'Mozilla Public License 2.0', 'BSD 3-Clause', 'Apache v2',
  'Universal Permissive License', 'Do What The Fuck You Want To Public License', 'MIT +no-false-attribs',
  'Clear BSD License', 'Beer-Ware License', 'zlib/libpng',
  -- GNU licenses by family, version, "or later"; Creative Commons by elements
  'GNU General Public License, version 2', 'GPLv3+', 'LGPL-2.1+', 'GFDL-NIV-1.3+', 'CC BY-NC-SA 4.0',
  'Creative Commons Attribution 3.0 Germany',
  -- an exception in words
  'GPL-2+ with Libtool exception', 'APACHE-2-LLVM-EXCEPTIONS', 'GPL-3+ with Bison exception',
  -- URLs
  'HTTP://OPENSOURCE.ORG/LICENSES/MIT', 'http://www.apache.org/licenses/LICENSE-2.0.txt',
  'https://www.gnu.org/licenses/old-licenses/lgpl-2.1.en.html', 'https://creativecommons.org/licenses/by-sa/4.0/',
  -- prose, markdown, sentences, copyright lines, brackets
  'Released under the [MIT License](https://opensource.org/licenses/MIT).', 'prop-types is [MIT licensed](./LICENSE).',
  'MIT. See LICENSE.txt.', 'MIT, Copyright (c) 2015 Jane Roe', 'MIT © Jane Roe', 'The MIT License (MIT)',
  'MIT <https://opensource.org/licenses/MIT>', 'Apache-2.0 (https://github.com/foo/bar/blob/main/LICENSE)',
  'This library is free software; you can redistribute it and/or modify it under the terms of the GNU Lesser General Public License as published by the Free Software Foundation; either version 2.1 of the License, or (at your option) any later version.',
  -- licenses joined; DEP-5's ", and" binds loosest; "dual" makes "and" a choice
  'LGPLv3+_or_GPLv2+', 'MPL-1.1 or LGPL-2.1+, and Expat', 'Apache 2.0 / MIT', 'BSD-3-clause and/or GPL-3+',
  'This software is dual-licensed under the ISC and MIT licenses.',
  -- typos one or two steps from what they mean
  'Apache Licnese 2.0', 'BSD-3-Cluase', 'MTI', 'Unlicence', 'Mozila Public License 2.0', 'LPGL-2.1+',
  -- NULL on purpose: families without a version, no license, two readings, words the text does not say
  'GPL', 'LGPL', 'GNU GPL', 'Mozilla Public License', 'Apache', 'BSD', 'CC-BY', 'UNLICENSED', 'Public Domain',
  'MIT/X11', 'MIT (ISC)', '(MIT) (ISC)', 'MIT (modified)', 'MIT, Apache 2.0', 'MIT or Foo', 'GPL-2+ with Autoconf exception',
  'CC-BY-SA-3.0-US', 'MIT. Some files are under the GPL.', 'OpenSSH', 'MIT-1', 'FDOC', 'SEE LICENSE IN LICENSE.txt',
  'Proprietary', 'BSD-like', 'http://opensource.org/licenses/bsd-license.php', 'https://github.com/user/mit']) s,
     LATERAL spdx_correct_explain(s) e;
SELECT count(*) AS strings, count(*) FILTER (WHERE spdx_correct(s) IS DISTINCT FROM (spdx_correct_explain(s)).corrected) AS disagree
FROM (SELECT id AS s FROM llmcopy_spdx_list() UNION ALL SELECT name FROM llmcopy_spdx_list()) v;
-- what it read, step by step
SELECT s, e.detail
FROM unnest(ARRAY['MIT (ISC)', 'Apache Licnese 2.0', 'Mozilla Public License', 'Released under the [MIT License](https://opensource.org/licenses/MIT).',
                  'GPL-2+ with Bison exception']) s, LATERAL spdx_correct_explain(s) e;
-- longer than 1,000 bytes: NULL, said so; NULL in, NULL out
SELECT spdx_correct('MIT' || repeat(' ', 2000)) IS NULL AS too_long, (spdx_correct_explain('MIT' || repeat(' ', 2000))).rule;
SELECT spdx_correct_explain(NULL) IS NULL AS null_in_null_out;

-- Deprecated ids that imply an exception keep it: WITH over such an id is
-- refused unless it names the same exception (a license takes one), for
-- every such id of the list; spdx_satisfies then asks for the exception.
SELECT id, spdx_normalize(id) AS means,
       spdx_valid(id || ' WITH Autoconf-exception-generic') AS with_another,
       spdx_normalize(id || ' WITH ' || split_part(spdx_normalize(id), ' WITH ', 2)) AS with_its_own
FROM llmcopy_spdx_list() WHERE deprecated AND spdx_normalize(id) LIKE '% WITH %' ORDER BY id;
SELECT spdx_normalize('GPL-2.0-with-classpath-exception WITH GCC-exception-2.0');
SELECT spdx_normalize('MIT OR (eCos-2.0 WITH Classpath-exception-2.0)');
SELECT spdx_normalize('wxWindows+ WITH LLVM-exception');
SELECT spdx_normalize('GPL-2.0-with-classpath-exception+'), spdx_normalize('LGPL-2.1 WITH Nokia-Qt-exception-1.1');
SELECT e, allowed, spdx_satisfies(e, allowed)
FROM (VALUES
  ('GPL-2.0-with-classpath-exception', ARRAY['GPL-2.0-only']),
  ('GPL-2.0-with-classpath-exception', ARRAY['GPL-2.0-only WITH Classpath-exception-2.0']),
  ('GPL-2.0-with-classpath-exception', ARRAY['GPL-2.0-only WITH GCC-exception-2.0']),
  ('wxWindows', ARRAY['GPL-2.0-or-later WITH WxWindows-exception-3.1']),
  ('wxWindows', ARRAY['LGPL-3.0-only WITH WxWindows-exception-3.1']),
  ('eCos-2.0', ARRAY['GPL-3.0-only WITH eCos-exception-2.0'])) v(e, allowed);
SELECT spdx_satisfies('GPL-2.0-with-classpath-exception WITH GCC-exception-2.0', ARRAY['GPL-2.0-only WITH GCC-exception-2.0']);

-- Messages quote whole characters: an error about a non-ASCII character
-- converts to any client encoding that has it (here LATIN1).
CREATE FUNCTION spdx_error_latin1(e text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    m text;
BEGIN
    PERFORM spdx_normalize(e);
    RETURN 'valid';
EXCEPTION WHEN invalid_text_representation THEN
    GET STACKED DIAGNOSTICS m = MESSAGE_TEXT;
    RETURN convert_from(convert_to(m, 'LATIN1'), 'LATIN1');
END $$;
SELECT spdx_error_latin1('MIT AND é'), spdx_error_latin1('(MIT OR Äpache-2.0)');
SELECT spdx_normalize('MIT OR ' || repeat('x', 300));
SELECT spdx_normalize(repeat('é', 250) || ' MIT');
DROP FUNCTION spdx_error_latin1(text);

-- spdx_valid never raises, spdx_correct answers NULL: also on bytes that are
-- not UTF-8 in a SQL_ASCII database; spdx_normalize says invalid (22P02).
SELECT current_database() AS test_db \gset
CREATE DATABASE llmcopy_sql_ascii ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
\c llmcopy_sql_ascii
CREATE EXTENSION pg_llmcopy;
SELECT current_setting('server_encoding') AS enc, spdx_valid(E'MIT AND \xff') AS invalid_utf8,
       spdx_valid(E'\xc3') AS cut_utf8, spdx_valid('MIT AND ISC') AS valid,
       spdx_correct(E'\xff\xfe') IS NULL AS bytes_null, spdx_correct('Apache License 2.0') AS corrected;
DO $$
BEGIN
    PERFORM spdx_normalize(E'MIT OR \xff');
EXCEPTION WHEN invalid_text_representation THEN
    RAISE NOTICE 'spdx_normalize: invalid (22P02)';
END $$;
\c :test_db
DROP DATABASE llmcopy_sql_ascii;
-- In a LATIN1 database the same answers, and what it read in LATIN1.
CREATE DATABASE llmcopy_spdx_latin1 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
\c llmcopy_spdx_latin1
SET client_encoding = 'UTF8';
CREATE EXTENSION pg_llmcopy;
SELECT current_setting('server_encoding') AS enc, e.*
FROM unnest(ARRAY['MIT © Jane Roe', 'Lizénz: Apache 2.0', 'Licença MIT']) s, LATERAL spdx_correct_explain(s) e;
\c :test_db
DROP DATABASE llmcopy_spdx_latin1;

-- Limits.  Parsing and expanding take memory linear in the input (the unit
-- test src/test/test_spdx.c counts the bytes): a 20,001-license AND is one
-- alternative; spdx_satisfies decides on the tree without expanding it.
SELECT count(*) AS rows, count(DISTINCT option) AS options FROM spdx_dnf('MIT' || repeat(' AND MIT', 20000));
SELECT spdx_satisfies(repeat('(MIT OR ISC) AND ', 40) || 'MIT', ARRAY['ISC', 'MIT']) AS sat_2_to_the_40,
       spdx_satisfies(repeat('(MIT OR ISC) AND ', 40) || '0BSD', ARRAY['ISC', 'MIT']) AS unsat_2_to_the_40;
-- The expansion may hold at most 100,000 licenses (alternatives times
-- licenses each), and an expression may name as many: up to the limit it
-- answers, past it the error is 54000 with the counts.
SELECT count(*) AS at_the_limit FROM spdx_dnf('MIT' || repeat(' OR MIT', 99999));
SELECT count(*) FROM spdx_dnf('MIT' || repeat(' OR MIT', 100000));
SELECT count(*) AS rows, count(DISTINCT option) AS options
FROM spdx_dnf(repeat('(MIT OR ISC) AND ', 11) || '(MIT OR ISC)');
SELECT count(*) FROM spdx_dnf(repeat('(MIT OR ISC) AND ', 12) || '(MIT OR ISC)');
SELECT count(*) FROM spdx_dnf(repeat('(MIT OR ISC) AND ', 40) || 'MIT');
SELECT spdx_valid('MIT' || repeat(' OR MIT', 1000000)) AS valid_past_the_limit;
SELECT length(spdx_normalize('MIT' || repeat(' OR MIT', 99999))) AS normalized_at_the_limit;
SELECT spdx_normalize('MIT' || repeat(' OR MIT', 100000));

-- spdx_ids is O(n log n): 60,000 distinct ids, 40,000 of them written
-- twice (100,000 licenses, the limit), each once, in order of first
-- appearance, well within a statement timeout (the quadratic search of each
-- id among those seen took 12.5 s).
SET statement_timeout = '5s';
SELECT count(*) AS ids, bool_and(x = 'LicenseRef-' || n) AS in_order
FROM spdx_ids((SELECT string_agg('LicenseRef-' || (i % 60000 + 1), CASE WHEN i % 3 = 0 THEN ' OR ' ELSE ' AND ' END ORDER BY i)
               FROM generate_series(0, 99999) i)) WITH ORDINALITY t(x, n);
RESET statement_timeout;

-- Query cancel: the parser ticks as it reads, so statement_timeout stops
-- every function long before it would finish reading 250 MB.  The timeout is
-- a quarter of a full read, measured first; each must be canceled before
-- half of it has passed (without ticks, each runs the full read).
CREATE TEMP TABLE spdx_big (t text);
ALTER TABLE spdx_big ALTER COLUMN t SET STORAGE EXTERNAL;
INSERT INTO spdx_big SELECT repeat(repeat('MIT AND ', 1000), 31250);
SELECT clock_timestamp() AS t0 \gset
SELECT spdx_valid(t) AS valid_after_a_full_read FROM spdx_big;
SELECT extract(epoch FROM clock_timestamp() - :'t0') AS full_read \gset
SELECT set_config('statement_timeout', round(:full_read * 250)::text, false) IS NOT NULL AS timeout_set;
SELECT clock_timestamp() AS t0 \gset
SELECT spdx_valid(t) FROM spdx_big;
SELECT clock_timestamp() - :'t0' < :full_read / 2 * interval '1 s' AS valid_canceled_in_time \gset
SELECT clock_timestamp() AS t0 \gset
SELECT spdx_normalize(t) FROM spdx_big;
SELECT clock_timestamp() - :'t0' < :full_read / 2 * interval '1 s' AS normalize_canceled_in_time \gset
SELECT clock_timestamp() AS t0 \gset
SELECT count(*) FROM spdx_big, spdx_ids(t);
SELECT clock_timestamp() - :'t0' < :full_read / 2 * interval '1 s' AS ids_canceled_in_time \gset
RESET statement_timeout;
SELECT :'valid_canceled_in_time' AS valid_canceled_in_time, :'normalize_canceled_in_time' AS normalize_canceled_in_time,
       :'ids_canceled_in_time' AS ids_canceled_in_time;
DROP TABLE spdx_big;
