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
