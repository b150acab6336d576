-- Red team: two license strings that keep the license-conflicts view, and
-- every scan report, busy for hours.
--
-- CURRENTLY FAILS (expected output shows the safe behaviour).
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

-- clean up
DELETE FROM llmcopy_runs WHERE corpus_table = :rt_lb_corpus;
SELECT llmcopy_unregister('rt_lb_outputs');
SELECT llmcopy_unregister('rt_lb_works');
DROP TABLE rt_lb_outputs, rt_lb_works;
