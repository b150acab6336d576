-- The same calls in a database of each server encoding (test/encodings.sh
-- compares what they print, read through a UTF-8 client).  The texts hold
-- characters every encoding tested has: e with accents, u umlaut, section
-- sign.  Each line: a label, then the value.
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only on
\pset fieldsep '|'
SET client_min_messages = warning;

-- a value in the database encoding, checked to be valid in it (SQL_ASCII:
-- valid UTF-8, what the extension reads it as)
CREATE FUNCTION pg_temp.valid(t text) RETURNS text LANGUAGE sql AS $$
    SELECT convert_from(convert_to(t, getdatabaseencoding()),
                        CASE getdatabaseencoding() WHEN 'SQL_ASCII' THEN 'UTF8' ELSE getdatabaseencoding() END)
$$;

SELECT 'encoding', getdatabaseencoding() <> 'UTF8';

CREATE TABLE enc_works (k text PRIMARY KEY, body text, lic text, who text);
INSERT INTO enc_works VALUES
  ('w1', 'Le café du pêcheur était fermé, et Müller écrivait au crayon sur la table en bois: '
         || 'la clause §4 du contrat prévoyait que chaque élève réécrirait la préface entière, '
         || 'sans oublier la bibliographie détaillée, les notes de bas de page et le résumé général '
         || 'que le comité éditorial exigeait avant la réunion de décembre à Genève.', 'Apache-2.0', 'Zoë Müller'),
  ('w2', 'Ein völlig anderer Text über Gärten, Blumen und die Geduld langer Sommerabende.', 'my own terms', 'Jörg');
CREATE TABLE enc_outputs (id int PRIMARY KEY, body text, at timestamptz);
INSERT INTO enc_outputs VALUES
  (1, 'Voilà: ' || (SELECT body FROM enc_works WHERE k = 'w1') || ' Fin.', '2026-11-01 10:00+00'),
  (2, 'Zitat: ' || (SELECT body FROM enc_works WHERE k = 'w2'), '2026-11-01 11:00+00');

-- fingerprints (hashes of the UTF-8 text: the same in every encoding) and containment
SELECT 'fingerprint', fingerprint(body)::text FROM enc_works WHERE k = 'w1';
SELECT 'containment', round(containment(fingerprint(o.body), fingerprint(w.body))::numeric, 4)
FROM enc_outputs o, enc_works w WHERE o.id = 1 AND w.k = 'w1';
SELECT 'tokens', pg_temp.valid(string_agg(token, ' ' ORDER BY n)) FROM llmcopy_tokens('Élève, café: Müller §4');

-- a span longer than an excerpt: cut, with the ellipsis of the encoding
SELECT 'span', a_start, a_length, b_start, tokens, pg_temp.valid(excerpt)
FROM enc_outputs o, enc_works w, llmcopy_matches(o.body, w.body) WHERE o.id = 1 AND w.k = 'w1';

-- license names of the SPDX list and license notes with a section sign
SELECT 'spdx_name', pg_temp.valid(name) FROM llmcopy_spdx_list() WHERE id = 'LiLiQ-R-1.1';
SELECT 'license_name', pg_temp.valid(name) FROM llmcopy_licenses WHERE id = 'LiLiQ-R-1.1';
SELECT 'license_note', pg_temp.valid(source) FROM llmcopy_licenses WHERE id = 'Apache-2.0';
SELECT 'rule_note', pg_temp.valid(source) FROM llmcopy_license_rules WHERE inbound = 'EPL-2.0';
SELECT 'comment', obj_description('containment_smoothed(fingerprint, fingerprint, int)'::regprocedure, 'pg_proc');

-- the HTML report of a scanned output (its time of writing left out)
SELECT llmcopy_register_corpus('enc_works', 'k', 'body', license_col => 'lic', author_col => 'who') IS NOT NULL;
SELECT llmcopy_register_outputs('enc_outputs', 'id', 'body', 'at') IS NOT NULL;
CALL llmcopy_scan(outputs => 'enc_outputs', corpus => 'enc_works', threshold => 0.05);
SELECT 'findings', string_agg(output_id || ':' || work_id || ':' || coalesce(license, '?'), ',' ORDER BY output_id, work_id)
FROM llmcopy_findings;
SELECT 'report' || o.id, regexp_replace(pg_temp.valid(llmcopy_report('enc_outputs', o.id::text)),
                                        ' &middot; \d{4}-\d\d-\d\d \d\d:\d\d [^<]*</p>', ' &middot; (now)</p>')
FROM enc_outputs o ORDER BY o.id;
