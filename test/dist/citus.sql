-- The Citus suite (make test-citus, .ci/citus): a coordinator with two
-- workers, and a plain single node with the same data (test/dist/corpus.sql,
-- loaded on both first).  Every "compare" block runs on both and must give
-- the same rows; every "check" runs on the coordinator and must say t.
-- Blocks are cut by marker lines (see dist_suite in .ci/dist.sh).
--
-- Works are distributed by id (32 shards), outputs are a reference table
-- (every worker has a copy, so a join on any condition runs shard by shard),
-- outputs_dist is the same outputs distributed by id.

-- dist
SET client_min_messages = warning;
CREATE TABLE outputs_dist AS TABLE outputs;
ALTER TABLE outputs_dist ADD PRIMARY KEY (id);
SELECT create_distributed_table('works', 'id');
SELECT create_reference_table('outputs');
SELECT create_distributed_table('outputs_dist', 'id');
SELECT truncate_local_data_after_distributing_table(t)
FROM unnest(ARRAY['works', 'outputs', 'outputs_dist']::regclass[]) t;
SELECT create_reference_table('eval');
SELECT truncate_local_data_after_distributing_table('eval');

-- single
CREATE TABLE outputs_dist AS TABLE outputs;
ALTER TABLE outputs_dist ADD PRIMARY KEY (id);

-- both
ALTER TABLE works ADD COLUMN fp fingerprint GENERATED ALWAYS AS (fingerprint(body)) STORED,
                  ADD COLUMN sig minhash GENERATED ALWAYS AS (minhash(body)) STORED;
ALTER TABLE outputs ADD COLUMN fp fingerprint GENERATED ALWAYS AS (fingerprint(body)) STORED,
                    ADD COLUMN sig minhash GENERATED ALWAYS AS (minhash(body)) STORED;
ALTER TABLE outputs_dist ADD COLUMN fp fingerprint GENERATED ALWAYS AS (fingerprint(body)) STORED;
CREATE INDEX works_fp ON works USING gin (fp);
CREATE INDEX works_sig ON works USING gin (sig);
ANALYZE works;
ANALYZE outputs;
ANALYZE outputs_dist;
ANALYZE eval;

-- The tasks of a distributed query that scan the given table's shards, and
-- how many of them use the given index there, from EXPLAIN (ANALYZE, VERBOSE)
-- of every task.
-- dist
CREATE FUNCTION shard_index_use(q text, tbl text, idx text, OUT tasks int, OUT with_index int)
LANGUAGE plpgsql AS $$
DECLARE
    plan jsonb;
BEGIN
    PERFORM set_config('citus.explain_all_tasks', 'on', true);
    EXECUTE 'EXPLAIN (ANALYZE, VERBOSE, FORMAT JSON) ' || q INTO plan;
    SELECT count(*),
           count(*) FILTER (WHERE EXISTS (SELECT 1 FROM jsonb_path_query(t, 'strict $.**."Index Name"') n
                                          WHERE n #>> '{}' ~ ('^' || idx || '_[0-9]+$')))
    INTO tasks, with_index
    FROM jsonb_path_query(plan, 'strict $.**.Tasks[*]') t
    WHERE t ->> 'Query' ~ ('\m' || tbl || '_[0-9]+\M');
END $$;
-- t when every task of the query on tbl probes idx (and there are 32)
CREATE FUNCTION every_shard_uses(q text, tbl text, idx text) RETURNS text
LANGUAGE sql AS $$
    SELECT CASE WHEN tasks = 32 AND with_index = tasks THEN 't'
                ELSE format('%s of %s tasks on %s use %s', with_index, tasks, tbl, idx) END
    FROM shard_index_use(q, tbl, idx) $$;
-- the text of the first task's query of a distributed query
CREATE FUNCTION task_query(q text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    plan jsonb;
BEGIN
    EXECUTE 'EXPLAIN (VERBOSE, FORMAT JSON) ' || q INTO plan;
    RETURN jsonb_path_query_first(plan, 'strict $.**.Tasks[0].Query') #>> '{}';
END $$;

-- ---------------------------------------------------------------------------
-- The documented queries: the same rows as one node, every shard's index.

-- compare contained 100
SELECT o.id, w.id, round(containment(o.fp, w.fp)::numeric, 9)
FROM outputs o JOIN works w ON fingerprint_contained(o.fp, w.fp, 0.1);
-- check contained_index
SELECT every_shard_uses('SELECT o.id, w.id FROM outputs o JOIN works w ON fingerprint_contained(o.fp, w.fp, 0.1)', 'works', 'works_fp');

-- Distributed outputs: Citus refuses a join of two distributed tables on a
-- similarity; a materialized CTE sends the outputs to every shard instead.
-- compare contained_distributed_outputs 100
WITH o AS MATERIALIZED (SELECT id, fp FROM outputs_dist)
SELECT o.id, w.id FROM o JOIN works w ON fingerprint_contained(o.fp, w.fp, 0.1);
-- check contained_distributed_outputs_index
SELECT every_shard_uses('WITH o AS MATERIALIZED (SELECT id, fp FROM outputs_dist)
                         SELECT o.id, w.id FROM o JOIN works w ON fingerprint_contained(o.fp, w.fp, 0.1)',
                        'works', 'works_fp');
-- check distributed_join_refused
DO $$
BEGIN
    PERFORM count(*) FROM outputs_dist o JOIN works w ON fingerprint_contained(o.fp, w.fp, 0.1);
    RAISE EXCEPTION 'Citus ran a join of two distributed tables on a similarity';
EXCEPTION WHEN feature_not_supported THEN
    NULL;
END $$;
SELECT true;

-- the work's share inside the output (index on the first argument)
-- compare contained_reverse 100
SELECT o.id, w.id FROM outputs o JOIN works w ON fingerprint_contained(w.fp, o.fp, 0.05);
-- check contained_reverse_index
SELECT every_shard_uses('SELECT o.id, w.id FROM outputs o JOIN works w ON fingerprint_contained(w.fp, o.fp, 0.05)', 'works', 'works_fp');

-- compare similar 50
SELECT o.id, w.id FROM outputs o JOIN works w ON fingerprint_similar(o.fp, w.fp, 0.05);
-- check similar_index
SELECT every_shard_uses('SELECT o.id, w.id FROM outputs o JOIN works w ON fingerprint_similar(o.fp, w.fp, 0.05)', 'works', 'works_fp');

-- compare overlap 50
SELECT o.id, w.id FROM outputs o JOIN works w ON o.fp && w.fp WHERE o.id % 4 = 0;
-- check overlap_index
SELECT every_shard_uses('SELECT o.id, w.id FROM outputs o JOIN works w ON o.fp && w.fp WHERE o.id % 4 = 0', 'works', 'works_fp');

-- Decontamination: which evaluation items are in the works, nearly.
-- compare minhash_similar 50
SELECT e.item, w.id FROM eval e JOIN works w ON minhash_similar(minhash(e.body), w.sig, 0.8);
-- check minhash_similar_index
SELECT every_shard_uses('SELECT e.item, w.id FROM eval e JOIN works w ON minhash_similar(minhash(e.body), w.sig, 0.8)', 'works', 'works_sig');

-- ---------------------------------------------------------------------------
-- The GUC operators.  The threshold is read where the operator runs: on the
-- workers, with their own setting.  A session SET on the coordinator, or a
-- SET LOCAL without citus.propagate_set_commands = 'local', does not reach
-- them; SET LOCAL with it does (and the single node's answer is the same).
-- The explicit-threshold functions need none of this.

-- compare contained_op_set_local 100
BEGIN;
SET LOCAL citus.propagate_set_commands = 'local';
SET LOCAL pg_llmcopy.containment_threshold = 0.3;
SELECT o.id, w.id FROM outputs o JOIN works w ON o.fp <% w.fp;
COMMIT;
-- compare contains_op_set_local 100
BEGIN;
SET LOCAL citus.propagate_set_commands = 'local';
SET LOCAL pg_llmcopy.containment_threshold = 0.3;
SELECT o.id, w.id FROM outputs o JOIN works w ON w.fp %> o.fp;
COMMIT;
-- compare similar_op_set_local 10
BEGIN;
SET LOCAL citus.propagate_set_commands = 'local';
SET LOCAL pg_llmcopy.jaccard_threshold = 0.05;
SELECT o.id, w.id FROM outputs o JOIN works w ON o.fp % w.fp;
COMMIT;
-- check contained_op_index
BEGIN;
SET LOCAL citus.propagate_set_commands = 'local';
SET LOCAL pg_llmcopy.containment_threshold = 0.3;
SELECT every_shard_uses('SELECT o.id, w.id FROM outputs o JOIN works w ON o.fp <% w.fp', 'works', 'works_fp');
COMMIT;
-- check session_set_does_not_reach_workers
SET pg_llmcopy.containment_threshold = 0.3;
SELECT (SELECT count(*) FROM outputs o JOIN works w ON o.fp <% w.fp)
     = (SELECT count(*) FROM outputs o JOIN works w ON fingerprint_contained(o.fp, w.fp, 0.1))
   AND (SELECT count(*) FROM outputs o JOIN works w ON o.fp <% w.fp)
    <> (SELECT count(*) FROM outputs o JOIN works w ON fingerprint_contained(o.fp, w.fp, 0.3));
-- check set_local_without_propagation_does_not_reach_workers
BEGIN;
SET LOCAL pg_llmcopy.containment_threshold = 0.3;
SELECT (SELECT count(*) FROM outputs o JOIN works w ON o.fp <% w.fp)
     = (SELECT count(*) FROM outputs o JOIN works w ON fingerprint_contained(o.fp, w.fp, 0.1));
COMMIT;

-- ---------------------------------------------------------------------------
-- Evidence spans, licenses, aggregates.

-- compare spans 100
SELECT o.id, w.id, m.a_start, m.a_length, m.b_start, m.b_length, m.tokens
FROM outputs o JOIN works w ON fingerprint_contained(o.fp, w.fp, 0.1),
     LATERAL llmcopy_matches(o.body, w.body) m;

-- (the outputs that copy a work's text, not the shared header)
-- compare licenses 100
SELECT o.id, w.id, l.norm, (license_obligations(l.norm)).*, license_compatible(l.norm, 'GPL-3.0-or-later')
FROM outputs o JOIN works w ON fingerprint_contained(o.fp, w.fp, 0.1),
     LATERAL (SELECT CASE WHEN spdx_valid(w.license) THEN spdx_normalize(w.license)
                          ELSE spdx_correct(w.license) END AS norm) l
WHERE o.id % 4 <> 3;

-- The aggregates run on the shards: each shard aggregates its rows
-- (worker_partial_agg) and sends its state, a fingerprint_agg_state or an
-- attribution_agg_state in text form, to the coordinator, which combines
-- them (coord_combine_agg).  Citus does this only for an aggregate whose
-- state type is not a pseudo-type such as internal.  With coordinator
-- aggregation disabled, a query Citus could not push down would fail: the
-- comparisons below run so, and so prove the pushed-down answers exact.
-- dist
CREATE FUNCTION pushed_down(agg regprocedure, q text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    plan text;
BEGIN
    IF (SELECT t.typtype = 'p' FROM pg_aggregate a JOIN pg_type t ON t.oid = a.aggtranstype
        WHERE a.aggfnoid = agg) THEN
        RETURN format('the state type of %s is a pseudo-type (%s): Citus gathers its rows instead',
                      agg, (SELECT aggtranstype::regtype FROM pg_aggregate WHERE aggfnoid = agg));
    END IF;
    IF task_query(q) !~ 'worker_partial_agg' THEN
        RETURN format('the shards do not aggregate: %s', task_query(q));
    END IF;
    EXECUTE 'EXPLAIN (VERBOSE, FORMAT JSON) ' || q INTO plan;
    IF plan !~ 'coord_combine_agg' THEN
        RETURN 'the coordinator does not combine the shards'' states';
    END IF;
    PERFORM set_config('citus.coordinator_aggregation_strategy', 'disabled', true);
    EXECUTE q;
    RETURN 't';
END $$;
-- check common_agg_pushdown
SELECT pushed_down('fingerprint_common_agg(fingerprint, int)', 'SELECT fingerprint_common_agg(fingerprint(body, 5, 1), 2) FROM works');
-- check common_agg_share_pushdown
SELECT pushed_down('fingerprint_common_agg(fingerprint, float8)', 'SELECT fingerprint_common_agg(fingerprint(body, 5, 1), 0.005) FROM works');
-- check union_agg_pushdown
SELECT pushed_down('fingerprint_union_agg(fingerprint)', 'SELECT fingerprint_union_agg(fp) FROM works');
-- check attribution_agg_pushdown
SELECT pushed_down('attribution_agg(text, text, text, text)',
                   'SELECT o.id, attribution_agg(w.author, w.title, w.source, w.license)
                    FROM outputs o JOIN works w ON fingerprint_contained(o.fp, w.fp, 0.1)
                    GROUP BY o.id');

-- min_docs counted over all shards: the header's shingles are in 200 works
-- (about 6 a shard), the near-duplicates' in 2 (often on two shards)
-- compare common_agg 2
SET citus.coordinator_aggregation_strategy = 'disabled';
SELECT 2, (fingerprint_info(c)).hashes, md5(c::text)
FROM (SELECT fingerprint_common_agg(fingerprint(body, 5, 1), 2) AS c FROM works) a
UNION ALL
SELECT 150, (fingerprint_info(c)).hashes, md5(c::text)
FROM (SELECT fingerprint_common_agg(fingerprint(body, 5, 1), 150) AS c FROM works) a;

-- min_share: a share of the non-NULL fingerprints of all shards (0.0001
-- of 20,000 is 2: the near-duplicates' shingles too; 0.01 is 200)
-- compare common_agg_share 2
SET citus.coordinator_aggregation_strategy = 'disabled';
SELECT 0.0001, (fingerprint_info(c)).hashes, md5(c::text)
FROM (SELECT fingerprint_common_agg(fingerprint(body, 5, 1), 0.0001) AS c FROM works) a
UNION ALL
SELECT 0.01, (fingerprint_info(c)).hashes, md5(c::text)
FROM (SELECT fingerprint_common_agg(fingerprint(body, 5, 1), 0.01) AS c FROM works) a;

-- compare union_agg
SET citus.coordinator_aggregation_strategy = 'disabled';
SELECT (fingerprint_info(u)).hashes, (fingerprint_info(u)).tokens, md5(u::text)
FROM (SELECT fingerprint_union_agg(fp) AS u FROM works WHERE id % 7 = 0) a;

-- per group (grouped by a column that is not the distribution column:
-- every shard sends a state per group)
-- compare union_agg_grouped 9
SET citus.coordinator_aggregation_strategy = 'disabled';
SELECT license, (fingerprint_info(u)).hashes, md5(u::text)
FROM (SELECT license, fingerprint_union_agg(fp) AS u FROM works GROUP BY license) a;

-- compare attribution_agg 50
SET citus.coordinator_aggregation_strategy = 'disabled';
SELECT o.id, count(*), md5(attribution_agg(w.author, w.title, w.source, spdx_correct(w.license)))
FROM outputs o JOIN works w ON fingerprint_contained(o.fp, w.fp, 0.1)
GROUP BY o.id;

-- ---------------------------------------------------------------------------
-- The workflow on the distributed tables: registration (a stored
-- fingerprint column and its index on every shard), boilerplate, the scan
-- (each output exactly once, with the single node's findings), findings
-- and views; then distributed outputs, and a rebuild under a new OID.
-- Findings are compared by what they say, not by when or in which run
-- they were found.

-- both
SET client_min_messages = warning;
SELECT llmcopy_register_corpus('works', 'id', 'body', license_col => 'license', author_col => 'author',
                               title_col => 'title', source_col => 'source');
SELECT llmcopy_register_outputs('outputs', 'id', 'body', 'logged_at', model_col => 'model');
SELECT llmcopy_refresh_boilerplate('works', 100);
CALL llmcopy_scan(threshold => 0.1);

-- The registration's index of a table (its name chosen by PostgreSQL), and
-- whether the scans have probed at least n of its copies on the workers
-- (one a shard, or one a worker for a reference table), of total, from the
-- workers' statistics (written when their sessions are idle: waits up to
-- 20 s).
-- dist
CREATE FUNCTION llmcopy_fp_index(tbl regclass DEFAULT 'works') RETURNS text LANGUAGE sql AS $$
    SELECT i.indexrelid::regclass::text
    FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
    WHERE i.indrelid = tbl AND a.attname = 'llmcopy_fp' $$;
CREATE FUNCTION shards_probed(tbl regclass, n int, total int) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    probed int;
    shards int;
BEGIN
    FOR i IN 1..40 LOOP
        SELECT sum(split_part(result, ' ', 1)::int), sum(split_part(result, ' ', 2)::int) INTO probed, shards
        FROM run_command_on_workers(format(
            $q$SELECT count(*) FILTER (WHERE idx_scan > 0) || ' ' || count(*) FROM pg_stat_user_indexes
               WHERE indexrelname ~ '^%s_[0-9]+$'$q$, llmcopy_fp_index(tbl)));
        EXIT WHEN probed >= n;
        PERFORM pg_sleep(0.5);
    END LOOP;
    RETURN CASE WHEN shards = total AND probed >= n THEN 't'
                ELSE format('%s of %s copies of %s probed', probed, shards, llmcopy_fp_index(tbl)) END;
END $$;

-- check workflow_scan_probes_every_shard
SELECT shards_probed('works', 32, 32);

-- compare workflow_registration 2
SELECT 'corpus', schema_name, table_name, id_col, id_type::text, text_col,
       concat_ws(',', license_col, author_col, title_col, source_col), k, w, mode
FROM llmcopy_corpus_tables
UNION ALL
SELECT 'outputs', schema_name, table_name, id_col, id_type::text, text_col, concat_ws(',', logged_at_col, model_col), k, w, mode
FROM llmcopy_output_tables;
-- compare workflow_registrations_usable 2
SELECT kind, schema_name, table_name, coalesce(problem, 'ok') FROM llmcopy_registrations;
-- check workflow_fingerprint_index
SELECT every_shard_uses('SELECT w.id FROM outputs o JOIN works w ON fingerprint_contained(o.llmcopy_fp, w.llmcopy_fp, 0.1)',
                        'works', llmcopy_fp_index());
-- compare workflow_boilerplate
SELECT c.table_name, b.min_docs, (fingerprint_info(b.fp)).hashes, md5(b.fp::text)
FROM llmcopy_boilerplate b JOIN llmcopy_corpus_tables c ON c.id = b.corpus_id;
-- every output scanned once, none skipped
-- compare workflow_scanned 1
SELECT o.table_name, s.status, count(*), count(DISTINCT s.output_id), count(DISTINCT s.run_id),
       count(*) = (SELECT count(*) FROM outputs)
FROM llmcopy_scanned s JOIN llmcopy_output_tables o ON o.id = s.output_table
GROUP BY 1, 2;
-- compare workflow_runs 1
SELECT o.table_name, c.table_name, r.status, r.done, r.total, r.findings, r.skipped, r.batches
FROM llmcopy_runs r JOIN llmcopy_output_tables o ON o.id = r.output_table JOIN llmcopy_corpus_tables c ON c.id = r.corpus_table;
-- compare workflow_findings 100
SELECT f.output_id, f.work_id, round(f.containment::numeric, 9), f.longest_tokens, round(f.coverage::numeric, 9),
       md5(f.spans::text), f.license, f.license_raw, f.obligations, f.author, f.title, f.source, f.model, f.logged_at
FROM llmcopy_findings f JOIN llmcopy_output_tables o ON o.id = f.output_table
WHERE o.table_name = 'outputs';
-- compare workflow_findings_daily 3
SELECT day, model, license, outputs, findings, avg_containment FROM llmcopy_findings_daily;
-- compare workflow_findings_by_obligation 3
SELECT day, model, obligation, outputs FROM llmcopy_findings_by_obligation;
-- compare workflow_output_attribution 50
SELECT output_id, works, md5(attribution) FROM llmcopy_output_attribution;
-- compare workflow_top_works 50
SELECT work_id, title, license, outputs, longest_tokens FROM llmcopy_top_works;
-- compare workflow_license_conflicts 1
SELECT output_id, sources, licenses, incompatible FROM llmcopy_license_conflicts;
-- compare workflow_reproduction_rate 3
SELECT day, model, scanned, skipped, reproducing, round(rate::numeric, 9) FROM llmcopy_reproduction_rate;

-- A second scan finds nothing pending and writes nothing but its run.
-- check workflow_rescan_writes_nothing
CREATE TEMP TABLE before AS
SELECT (SELECT count(*) FROM llmcopy_findings) AS findings, (SELECT count(*) FROM llmcopy_scanned) AS scanned;
CALL llmcopy_scan(threshold => 0.1);
SELECT b.findings = (SELECT count(*) FROM llmcopy_findings) AND b.scanned = (SELECT count(*) FROM llmcopy_scanned)
       AND (SELECT (done, total, findings) = (0, 0, 0) FROM llmcopy_runs ORDER BY run_id DESC LIMIT 1)
FROM before b;
-- single
CALL llmcopy_scan(threshold => 0.1);

-- Distributed outputs: the same findings as the reference table's.
-- both
SET client_min_messages = warning;
SELECT llmcopy_register_outputs('outputs_dist', 'id', 'body', 'logged_at', model_col => 'model');
CALL llmcopy_scan(outputs => 'outputs_dist', threshold => 0.1);

-- compare workflow_rescan_and_distributed_outputs 3
SELECT o.table_name, count(*), count(DISTINCT f.output_id), sum(f.longest_tokens), round(sum(f.containment)::numeric, 6)
FROM llmcopy_findings f JOIN llmcopy_output_tables o ON o.id = f.output_table
GROUP BY o.table_name
UNION ALL
SELECT 'same findings for both tables', count(*), NULL, NULL, NULL FROM (
    SELECT f.output_id, f.work_id, f.containment, f.spans FROM llmcopy_findings f
    WHERE f.output_table = (SELECT id FROM llmcopy_output_tables WHERE table_name = 'outputs')
    INTERSECT
    SELECT f.output_id, f.work_id, f.containment, f.spans FROM llmcopy_findings f
    WHERE f.output_table = (SELECT id FROM llmcopy_output_tables WHERE table_name = 'outputs_dist')) s;

-- A reference corpus (the works on every node) and distributed outputs:
-- the scan reads each output, searches it and computes its matches on the
-- worker that holds it, against that worker's copy of the works (its
-- statement is pushed down, shard by shard, rather than run with the
-- outputs gathered on one node); the findings are those against the
-- distributed works.  Unregistered after, so the scans below are as they
-- were.
-- dist
SET client_min_messages = warning;
CREATE TABLE works_ref AS SELECT id, title, author, source, license, body FROM works;
SELECT create_reference_table('works_ref');
SELECT truncate_local_data_after_distributing_table('works_ref');
-- single
CREATE TABLE works_ref AS SELECT id, title, author, source, license, body FROM works;
-- both
SET client_min_messages = warning;
SELECT llmcopy_register_corpus('works_ref', 'id', 'body', license_col => 'license', author_col => 'author',
                               title_col => 'title', source_col => 'source');
SELECT llmcopy_refresh_boilerplate('works_ref', 100);
CALL llmcopy_scan(outputs => 'outputs_dist', corpus => 'works_ref', threshold => 0.1);

-- compare workflow_reference_corpus 100
SELECT f.output_id, f.work_id, round(f.containment::numeric, 9), round(f.weighted::numeric, 9), f.longest_tokens,
       md5(f.spans::text), f.copies, f.origin_rank, round(f.words::numeric, 9), f.license, f.obligations
FROM llmcopy_findings f JOIN llmcopy_corpus_tables c ON c.id = f.corpus_table
WHERE c.table_name = 'works_ref';
-- check workflow_reference_corpus_same_findings
WITH f AS (SELECT c.table_name AS corpus, f.output_id, f.work_id, f.containment, f.weighted, f.longest_tokens, f.coverage,
                  f.spans, f.exact, f.copies, f.origin_rank, f.units, f.words, f.license, f.obligations
           FROM llmcopy_findings f JOIN llmcopy_corpus_tables c ON c.id = f.corpus_table
           WHERE f.output_table = (SELECT id FROM llmcopy_output_tables WHERE table_name = 'outputs_dist')),
     w AS (SELECT output_id, work_id, containment, weighted, longest_tokens, coverage, spans, exact, copies, origin_rank,
                  units, words, license, obligations FROM f WHERE corpus = 'works'),
     r AS (SELECT output_id, work_id, containment, weighted, longest_tokens, coverage, spans, exact, copies, origin_rank,
                  units, words, license, obligations FROM f WHERE corpus = 'works_ref')
SELECT CASE WHEN (SELECT count(*) FROM r) < 100 THEN format('%s findings against works_ref', (SELECT count(*) FROM r))
            WHEN d = 0 THEN 't' ELSE format('%s findings differ from those against works', d) END
FROM (SELECT count(*) AS d FROM ((TABLE w EXCEPT ALL TABLE r) UNION ALL (TABLE r EXCEPT ALL TABLE w)) x) y;
-- (each worker's copy of the works' index: probed)
-- check workflow_reference_corpus_on_every_worker
SELECT shards_probed('works_ref', 2, 2);
-- both
SET client_min_messages = warning;
SELECT llmcopy_unregister('works_ref');
DROP TABLE works_ref;

-- Citus rebuilds a table under a new OID (alter_distributed_table): the
-- registration, kept by name, still holds, and the next scan takes only
-- the outputs logged since.
-- both
INSERT INTO outputs_dist (id, body, logged_at, model)
SELECT id + 1000, body || ' logged again', logged_at + interval '1 day', model FROM outputs WHERE id <= 60;
-- dist
SET client_min_messages = warning;
CREATE TABLE outputs_dist_oid AS SELECT 'outputs_dist'::regclass::oid AS before;
SELECT alter_distributed_table('outputs_dist', shard_count => 8, cascade_to_colocated => false);
-- check workflow_rebuilt_table_registered
SELECT CASE WHEN (SELECT before FROM outputs_dist_oid) = 'outputs_dist'::regclass::oid THEN 'the table was not rebuilt'
            ELSE coalesce(string_agg(table_name || ': ' || problem, '; '), 't') END
FROM llmcopy_registrations WHERE problem IS NOT NULL;
-- both
SET client_min_messages = warning;
CALL llmcopy_scan(outputs => 'outputs_dist', threshold => 0.1);
-- compare workflow_after_rebuild 10
SELECT f.output_id, f.work_id, round(f.containment::numeric, 9), f.longest_tokens, md5(f.spans::text), f.logged_at
FROM llmcopy_findings f JOIN llmcopy_output_tables o ON o.id = f.output_table
WHERE o.table_name = 'outputs_dist' AND f.output_id::int > 1000;
-- compare workflow_after_rebuild_runs 1
SELECT r.done, r.total, r.skipped FROM llmcopy_runs r
WHERE r.run_id = (SELECT max(run_id) FROM llmcopy_runs);

-- The scan as an administrator that is not a superuser (llmcopy_grant), with
-- SELECT on the tables it reads: on Citus the role and its grants reach the
-- workers, and the shards are read as that role.
-- both
SET client_min_messages = warning;
CREATE ROLE regress_nightly LOGIN;
SELECT llmcopy_grant('regress_nightly', 'admin');
GRANT SELECT ON works, outputs_dist TO regress_nightly;
INSERT INTO outputs_dist (id, body, logged_at, model)
SELECT id + 2000, body || ' once more', logged_at + interval '2 days', model FROM outputs WHERE id <= 40;
SET ROLE regress_nightly;
CALL llmcopy_scan(outputs => 'outputs_dist', threshold => 0.1);
RESET ROLE;
-- compare workflow_scan_as_admin 10
SELECT f.output_id, f.work_id, round(f.containment::numeric, 9), f.longest_tokens, md5(f.spans::text), s.status
FROM llmcopy_findings f JOIN llmcopy_output_tables o ON o.id = f.output_table
JOIN llmcopy_scanned s ON (s.output_table, s.corpus_table, s.output_id) = (f.output_table, f.corpus_table, f.output_id)
WHERE o.table_name = 'outputs_dist' AND f.output_id::int > 2000;

-- The license catalogue is a table on every node.  A finding's obligations
-- are computed in the statement that joins the outputs with the works,
-- which Citus runs on the workers, against the workers' copies of
-- llmcopy_licenses: an edit made on the coordinator alone does not reach
-- the findings (the same edit on every node does).  Pending until the scan
-- computes the obligations on the coordinator, from the rows the shards
-- return.
-- check workflow_obligations_from_the_coordinators_catalogue
SET client_min_messages = warning;
UPDATE llmcopy_licenses SET attribution = NOT attribution WHERE id = 'MIT';
INSERT INTO outputs_dist (id, body, logged_at, model)
SELECT id + 3000, body || ' and again', logged_at + interval '3 days', model FROM outputs WHERE id <= 40;
CALL llmcopy_scan(outputs => 'outputs_dist', threshold => 0.1);
CREATE TEMP TABLE mit AS
SELECT count(*) AS findings,
       count(*) FILTER (WHERE f.obligations = to_jsonb(license_obligations('MIT'))) AS from_coordinator
FROM llmcopy_findings f WHERE f.license = 'MIT' AND f.output_id::int > 3000;
UPDATE llmcopy_licenses SET attribution = NOT attribution WHERE id = 'MIT';
SELECT CASE WHEN findings = 0 THEN 'no finding under MIT to check'
            WHEN from_coordinator = findings THEN 't'
            ELSE format('pending: %s of %s findings under MIT carry the workers'' obligations, not the '
                        'coordinator''s edited catalogue (the scan computes them on the shards)',
                        findings - from_coordinator, findings) END
FROM mit;

-- ---------------------------------------------------------------------------
-- Near-duplicate groups of a distributed table.  Citus refuses the
-- self-join on minhash_similar (two distributed tables); the band keys of
-- minhash_bands are an equality join it runs shard by shard: band keys
-- distributed by key, candidate pairs (co-located self-join), the first
-- signature of each pair moved to the second's shard (INSERT ... SELECT
-- repartitions), and the verification co-located with works.  The single
-- node runs the README's recipe through the minhash_ops index.

-- dist
\i test/dist/dedup_bands.sql

-- compare dedup_pairs 50
SELECT a, b FROM works_pairs;
-- single node:
SELECT a.id, b.id FROM works a JOIN works b ON minhash_similar(a.sig, b.sig, 0.8) WHERE a.id < b.id;

-- compare dedup_groups 100
SELECT id, component FROM llmcopy_components('SELECT a, b FROM works_pairs');
-- single node:
SELECT id, component FROM llmcopy_components(
    $q$SELECT a.id, b.id FROM works a JOIN works b ON minhash_similar(a.sig, b.sig, 0.8) WHERE a.id < b.id$q$);

-- keep the smallest id of each group
-- dist
DELETE FROM works WHERE id IN (SELECT id FROM llmcopy_components('SELECT a, b FROM works_pairs') WHERE component <> id);
-- single
DELETE FROM works t
USING llmcopy_components($q$
        SELECT a.id, b.id FROM works a JOIN works b ON minhash_similar(a.sig, b.sig, 0.8)
        WHERE a.id < b.id $q$) c
WHERE c.id = t.id AND c.component <> t.id;

-- compare dedup_kept 18000
SELECT id FROM works;
