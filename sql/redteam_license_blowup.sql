-- Red team: two license strings that keep the license-conflicts view, and
-- every scan report, busy for hours.
--
-- The expected output shows the safe behaviour.
-- license_compatible(a, b) evaluates the leaf rule (a plpgsql function
-- with a query) for every pair of leaves of the two expansions: spdx_dnf
-- of "(MIT OR Apache-2.0) AND ..." twelve times has 49,152 leaves, within
-- the limit of 100,000, so the scan stores such a license on a finding;
-- two of them make 2.4 billion calls, hours of CPU.
-- llmcopy_license_conflicts (and llmcopy_scan_report, which shows it)
-- calls license_compatible for every pair of findings of an output with
-- different licenses, so whoever adds two works to a corpus with such
-- licenses, and a text models repeat, ties up the dashboards and the
-- nightly report (here: statement_timeout instead of hours).
-- Fix: bound the work of license_compatible by the product of the two
-- expansions (54000 past the limit, as for one expansion), or decide
-- per option rather than per pair of leaves; the view can treat an
-- expression over the limit as unknown.
CREATE TABLE rt_lb_works (id int PRIMARY KEY, body text, license text);
INSERT INTO rt_lb_works VALUES
    (1, 'the quick brown fox jumps over the lazy dog again and again, all day long, said the manual',
     (SELECT string_agg('(MIT OR Apache-2.0)', ' AND ') FROM generate_series(1, 12))),
    (2, 'the quick brown fox jumps over the lazy dog again and again, all day long, said the manual',
     (SELECT string_agg('(BSD-2-Clause OR ISC)', ' AND ') FROM generate_series(1, 12)));
SELECT llmcopy_register_corpus('rt_lb_works', 'id', 'body', license_col => 'license') AS rt_lb_corpus \gset
CREATE TABLE rt_lb_outputs (id int PRIMARY KEY, body text, at timestamptz);
INSERT INTO rt_lb_outputs VALUES (1, 'Model: the quick brown fox jumps over the lazy dog again and again, all day long, said the manual', now());
SELECT llmcopy_register_outputs('rt_lb_outputs', 'id', 'body', 'at') AS rt_lb_outputs \gset
SET client_min_messages = warning;
CALL llmcopy_scan(outputs => 'rt_lb_outputs', corpus => 'rt_lb_works', threshold => 0.1);
RESET client_min_messages;
SELECT work_id, length(license) AS license_length FROM llmcopy_findings WHERE output_table = :rt_lb_outputs ORDER BY 1;
-- a dashboard's query, with a generous timeout
SET statement_timeout = '10s';
SELECT output_id, licenses, incompatible FROM llmcopy_license_conflicts WHERE output_table = :rt_lb_outputs;
RESET statement_timeout;

-- license_compatible decides such a pair at once, and decides every pair
-- as the rule over each pair of leaves of the two expansions did, on 730
-- random pairs of expressions over catalogued and uncatalogued licenses,
-- with exceptions, the "or later" rule and rules of llmcopy_license_rules.
SET statement_timeout = '10s';
SELECT license_compatible(a.license, b.license) AS one_way, license_compatible(b.license, a.license) AS other_way
FROM rt_lb_works a, rt_lb_works b WHERE a.id = 1 AND b.id = 2;
RESET statement_timeout;
CREATE FUNCTION pg_temp.per_leaf(inbound text, outbound text) RETURNS bool LANGUAGE sql STRICT AS $$
    WITH per_option AS (
        SELECT i.option, CASE WHEN bool_or(c IS FALSE) THEN false WHEN bool_or(c IS NULL) THEN NULL ELSE true END AS ok
        FROM spdx_dnf(inbound) i, spdx_dnf(outbound) o, LATERAL llmcopy_license_leaf_compatible(i.license, o.license) c
        GROUP BY i.option)
    SELECT CASE WHEN bool_or(ok IS TRUE) THEN true WHEN bool_or(ok IS NULL) THEN NULL ELSE false END FROM per_option $$;
CREATE TEMP TABLE rt_lb_pool (n int, id text);
INSERT INTO rt_lb_pool
SELECT row_number() OVER (), id FROM unnest(ARRAY['MIT', 'Apache-2.0', 'GPL-2.0-only', 'GPL-2.0-or-later', 'GPL-3.0-only',
    'GPL-3.0-or-later', 'LGPL-2.1-or-later', 'AGPL-3.0-only', 'MPL-2.0', 'CC-BY-SA-4.0', 'CC-BY-NC-4.0', 'CC-BY-ND-4.0',
    'BSD-4-Clause', 'EPL-2.0', 'JSON', 'LicenseRef-x', 'GPL-2.0-only WITH Classpath-exception-2.0']) id;
SELECT setseed(0.5);
CREATE TEMP TABLE rt_lb_exprs AS
SELECT e, (SELECT string_agg('(' || (SELECT string_agg(p.id, ' OR ') FROM rt_lb_pool p
                                     WHERE p.n IN (1 + (random() * 16)::int + g * 0, 1 + (random() * 16)::int + g * 0)) || ')', ' AND ')
           FROM generate_series(1, 1 + (random() * 2)::int + e * 0) g) AS expr
FROM generate_series(1, 60) e;
DELETE FROM rt_lb_exprs WHERE expr IS NULL;     -- (an OR that drew no license)
SELECT count(*) AS pairs, count(*) FILTER (WHERE c IS NOT DISTINCT FROM pg_temp.per_leaf(a.expr, b.expr)) AS same,
       bool_or(c) AS some_true, bool_or(NOT c) AS some_false, bool_or(c IS NULL) AS some_unknown
FROM rt_lb_exprs a JOIN rt_lb_exprs b ON (a.e * 7 + b.e) % 4 = 0, LATERAL license_compatible(a.expr, b.expr) c;
-- Past 100,000 pairs of distinct licenses: 54000, and unknown in the view.
SELECT license_compatible((SELECT string_agg('LicenseRef-a' || i, ' AND ') FROM generate_series(1, 400) i),
                          (SELECT string_agg('LicenseRef-b' || i, ' OR ') FROM generate_series(1, 300) i));
SELECT llmcopy_incompatible((SELECT string_agg('LicenseRef-a' || i, ' AND ') FROM generate_series(1, 400) i),
                            (SELECT string_agg('LicenseRef-b' || i, ' OR ') FROM generate_series(1, 300) i)) AS incompatible;

-- clean up
DELETE FROM llmcopy_runs WHERE corpus_table = :rt_lb_corpus;
SELECT llmcopy_unregister('rt_lb_outputs');
SELECT llmcopy_unregister('rt_lb_works');
DROP TABLE rt_lb_outputs, rt_lb_works;
