-- The license catalogue, obligations, compatibility and attribution lists.
-- Expected values follow the license texts and the sources in each row.

SELECT count(*) = (SELECT count(*) FROM llmcopy_spdx_list()) AS every_id,
       count(*) FILTER (WHERE copyleft IS NOT NULL) >= 40 AS with_obligations,
       count(*) FILTER (WHERE copyleft IS NOT NULL AND source IS NULL) AS obligations_without_source,
       count(*) FILTER (WHERE osi_approved) > 100 AS osi
FROM llmcopy_licenses;
SELECT id, name, osi_approved, fsf_libre, deprecated, attribution, copyleft, share_alike, non_commercial, no_derivatives
FROM llmcopy_licenses
WHERE id IN ('MIT', 'Apache-2.0', 'GPL-2.0', 'GPL-3.0-only', 'AGPL-3.0-or-later', 'MPL-2.0', 'CC-BY-SA-4.0',
             'CC-BY-NC-4.0', 'CC-BY-ND-4.0', 'CC0-1.0', 'JSON')
ORDER BY id;

-- Obligations: AND takes all, OR the least demanding catalogued option.
SELECT e, o.*
FROM unnest(ARRAY['MIT', 'GPL-3.0-only', 'MIT AND GPL-2.0-only', 'MIT OR GPL-3.0-only',
                  'GPL-3.0-only OR AGPL-3.0-only', 'CC-BY-NC-4.0 OR CC-BY-4.0', 'CC-BY-4.0 AND CC-BY-ND-4.0',
                  'Apache-2.0 AND MPL-2.0', 'LicenseRef-Mine', 'LicenseRef-Mine OR MIT', 'JSON AND MIT',
                  'GPL-2.0+ WITH Classpath-exception-2.0']) e,
     LATERAL license_obligations(e) o;
SELECT * FROM license_obligations('MIT XOR');

-- Compatibility: can material under inbound go into a work under outbound?
SELECT inbound, outbound, license_compatible(inbound, outbound) AS compatible
FROM (VALUES
  ('MIT', 'GPL-3.0-only'), ('GPL-3.0-only', 'MIT'), ('Apache-2.0', 'GPL-2.0-only'),
  ('Apache-2.0', 'GPL-3.0-or-later'), ('Apache-2.0', 'GPL-2.0-or-later'), ('GPL-2.0-only', 'GPL-3.0-only'),
  ('GPL-2.0-or-later', 'GPL-3.0-only'), ('GPL-2.0+', 'GPL-2.0'), ('CC-BY-SA-4.0', 'GPL-3.0-only'),
  ('GPL-3.0-only', 'CC-BY-SA-4.0'), ('CC-BY-NC-4.0', 'MIT'), ('CC-BY-NC-4.0', 'CC-BY-NC-4.0'),
  ('CC-BY-ND-4.0', 'CC-BY-4.0'), ('CC-BY-ND-4.0', 'GPL-3.0-only'), ('CC-BY-4.0', 'CC-BY-SA-4.0'),
  ('LGPL-2.1-only', 'GPL-2.0-only'), ('LGPL-2.1-only', 'MIT'), ('MPL-2.0', 'GPL-3.0-only'),
  ('MPL-2.0', 'Apache-2.0'), ('GPL-3.0-only', 'AGPL-3.0-only'), ('AGPL-3.0-only', 'GPL-3.0-only'),
  ('BSD-4-Clause', 'GPL-3.0-only'), ('BSD-3-Clause', 'Apache-2.0'), ('JSON', 'MIT'),
  ('LicenseRef-Mine', 'MIT'), ('MIT OR GPL-3.0-only', 'Apache-2.0'), ('MIT AND GPL-3.0-only', 'Apache-2.0'),
  ('Apache-2.0', 'GPL-2.0-only OR GPL-3.0-only'), ('MIT', 'GPL-2.0-only AND Apache-2.0'),
  ('JSON OR MIT', 'GPL-3.0-only'), ('JSON AND MIT', 'GPL-3.0-only'), ('JSON AND GPL-3.0-only', 'MIT')
) v(inbound, outbound);

-- What a combined work could be released under.
SELECT array_agg(l) FROM licenses_compatible_with(ARRAY['MIT', 'GPL-2.0-or-later']) l;
SELECT array_agg(l) FROM licenses_compatible_with(ARRAY['CC-BY-SA-4.0']) l;
SELECT array_agg(l) FROM licenses_compatible_with(ARRAY['CC-BY-ND-4.0']) l;
SELECT array_agg(l) FROM licenses_compatible_with(ARRAY['MIT', 'CC-BY-NC-4.0']) l;
SELECT count(*) > 30 AS many FROM licenses_compatible_with(ARRAY['MIT', 'BSD-2-Clause', 'ISC']);

-- Attribution: one section per license, entries sorted, duplicates once,
-- messy license strings grouped under their SPDX form.
SELECT attribution_agg(author, title, source, license)
FROM (VALUES
  ('Jane Roe', 'fastlib', 'https://example.org/fastlib', 'MIT'),
  ('John Doe', 'parser', 'https://example.org/parser', 'Apache 2.0'),
  ('Jane Roe', 'fastlib', 'https://example.org/fastlib', 'MIT'),
  ('Ann Lee', 'atlas', NULL, 'mit'),
  (NULL, 'Moby-Dick', 'Project Gutenberg', 'LicenseRef-public-domain'),
  ('Kim Park', 'notes', NULL, NULL),
  ('Zed', 'weird', NULL, 'Some Custom Terms'),
  ('Bo', 'tools', NULL, 'GPL-2+')) v(author, title, source, license);
SELECT attribution_agg(a, t, s, l) IS NULL AS nothing FROM (VALUES (NULL::text, NULL::text, NULL::text, 'MIT')) v(a, t, s, l);
-- a million rows, few distinct: linear-ish, and the text lists each once
SELECT length(attribution_agg('Author ' || (i % 50), 'Work ' || (i % 50), NULL,
                              CASE i % 3 WHEN 0 THEN 'MIT' WHEN 1 THEN 'Apache-2.0' ELSE 'GPL-3.0-only' END)) > 0 AS built,
       array_length(regexp_split_to_array(attribution_agg('Author ' || (i % 50), 'Work ' || (i % 50), NULL,
                              CASE i % 3 WHEN 0 THEN 'MIT' WHEN 1 THEN 'Apache-2.0' ELSE 'GPL-3.0-only' END), E'\n'), 1) AS lines
FROM generate_series(1, 1000000) i;

-- pg_dump keeps the rows users add to the catalogue and the rules.
SELECT c.relname, x.cond
FROM pg_extension e, unnest(e.extconfig, e.extcondition) x(oid, cond) JOIN pg_class c ON c.oid = x.oid
WHERE e.extname = 'pg_llmcopy' ORDER BY 1;

-- The GNU "or later" rule is written once, in C: spdx_satisfies and the
-- compatibility rules both call it.
SELECT a, b, llmcopy_spdx_or_later(a, b) AS covers, spdx_satisfies(a, ARRAY[b]) AS satisfies,
       license_compatible(a, b) AS compatible
FROM (VALUES ('GPL-2.0-or-later', 'GPL-3.0-only'), ('GPL-2.0-or-later', 'GPL-2.0-only'),
             ('GPL-3.0-or-later', 'GPL-2.0-only'), ('GPL-2.0-only', 'GPL-3.0-only'),
             ('LGPL-2.1-or-later', 'LGPL-3.0-or-later'), ('GFDL-1.2-or-later', 'GFDL-1.3-only'),
             ('AGPL-3.0-or-later', 'GPL-3.0-only'), ('GPL-2.0-or-later', 'LGPL-3.0-only'),
             ('Apache-2.0+', 'Apache-2.0'), ('MIT', 'MIT')) v(a, b);

-- The license functions run with a pinned search_path: objects a user puts
-- in front of the extension's are never called.
SELECT p.proname, p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'plpgsql') AS plpgsql,
       p.proconfig, p.prosqlbody IS NOT NULL AS begin_atomic
FROM pg_proc p
WHERE p.proname IN ('llmcopy_license_leaf_compatible', 'license_compatible', 'licenses_compatible_with',
                    'license_obligations')
ORDER BY 1;
CREATE SCHEMA trap;
CREATE TABLE trap.llmcopy_licenses (LIKE llmcopy_licenses);
CREATE FUNCTION trap.llmcopy_spdx_or_later(text, text) RETURNS bool LANGUAGE sql AS 'SELECT true';
CREATE FUNCTION trap.split_part(text, text, int) RETURNS text LANGUAGE sql AS 'SELECT ''MIT''';
SET search_path = trap, public, pg_catalog;
SELECT license_compatible('GPL-3.0-only', 'MIT') AS gpl_into_mit, license_compatible('GPL-2.0-only', 'GPL-3.0-only') AS gpl2_into_3,
       (license_obligations('GPL-3.0-only')).copyleft;
RESET search_path;
DROP SCHEMA trap CASCADE;

-- BSD-2-Clause-FreeBSD (deprecated) is BSD-2-Clause-Views, catalogued.
SELECT spdx_normalize('BSD-2-Clause-FreeBSD') AS id, o.attribution, o.copyleft, o.unknown
FROM license_obligations('BSD-2-Clause-FreeBSD') o;

-- Expansions past the limit are refused (54000), also through the license
-- functions; an AND of 20,001 licenses is one option.
SELECT * FROM license_obligations(repeat('(MIT OR ISC) AND ', 40) || 'MIT');
SELECT license_compatible(repeat('(MIT OR ISC) AND ', 40) || 'MIT', 'Apache-2.0');
SELECT length(chosen) AS chosen_length, copyleft FROM license_obligations('MIT' || repeat(' AND MIT', 20000));
