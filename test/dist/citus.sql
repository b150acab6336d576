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
SELECT create_distributed_table('works', 'id');
SELECT create_reference_table('outputs');
SELECT create_distributed_table('outputs_dist', 'id');
SELECT truncate_local_data_after_distributing_table(t)
FROM unnest(ARRAY['works', 'outputs', 'outputs_dist']::regclass[]) t;
SELECT create_reference_table('eval');
SELECT truncate_local_data_after_distributing_table('eval');

-- single
CREATE TABLE outputs_dist AS TABLE outputs;

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

-- compare attribution_agg 50
SELECT o.id, count(*), md5(attribution_agg(w.author, w.title, w.source, spdx_correct(w.license)))
FROM outputs o JOIN works w ON fingerprint_contained(o.fp, w.fp, 0.1)
GROUP BY o.id;

-- min_docs counted over all shards: the header's shingles are in 200 works
-- (about 6 a shard), the near-duplicates' in 2 (often on two shards)
-- compare common_agg 2
SELECT 2, (fingerprint_info(c)).hashes, md5(c::text)
FROM (SELECT fingerprint_common_agg(fingerprint(body, 5, 1), 2) AS c FROM works) a
UNION ALL
SELECT 150, (fingerprint_info(c)).hashes, md5(c::text)
FROM (SELECT fingerprint_common_agg(fingerprint(body, 5, 1), 150) AS c FROM works) a;

-- compare union_agg
SELECT (fingerprint_info(u)).hashes, md5(u::text)
FROM (SELECT fingerprint_union_agg(fp) AS u FROM works WHERE id % 7 = 0) a;

-- Pushed down: each shard aggregates its rows (worker_partial_agg), the
-- coordinator combines the partial states, and the query runs with
-- coordinator aggregation disabled.  Needs the aggregates' combine
-- functions (partial aggregation, issue 12 item 5); until they are merged
-- these checks say pending.  Citus pushes down only an aggregate whose
-- state type is a real type: with a pseudo-type state (internal) it
-- gathers the rows whatever the combine function, and the check says so.
-- dist
CREATE FUNCTION pushed_down(agg regproc, q text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT aggcombinefn = 0 FROM pg_aggregate WHERE aggfnoid = agg) THEN
        RETURN format('pending: %s has no combine function yet', agg);
    END IF;
    IF (SELECT t.typtype = 'p' FROM pg_aggregate a JOIN pg_type t ON t.oid = a.aggtranstype
        WHERE a.aggfnoid = agg) THEN
        RETURN format('%s has a combine function, but Citus aggregates on the shards only when the '
                      'state type is not a pseudo-type, and it is %s',
                      agg, (SELECT aggtranstype::regtype FROM pg_aggregate WHERE aggfnoid = agg));
    END IF;
    IF task_query(q) !~ 'worker_partial_agg' THEN
        RETURN format('the shards do not aggregate: %s', task_query(q));
    END IF;
    PERFORM set_config('citus.coordinator_aggregation_strategy', 'disabled', true);
    EXECUTE q;
    RETURN 't';
END $$;
-- check common_agg_pushdown
SELECT pushed_down('fingerprint_common_agg', 'SELECT fingerprint_common_agg(fingerprint(body, 5, 1), 2) FROM works');
-- check union_agg_pushdown
SELECT pushed_down('fingerprint_union_agg', 'SELECT fingerprint_union_agg(fp) FROM works');
-- check attribution_agg_pushdown
SELECT pushed_down('attribution_agg', 'SELECT o.id, attribution_agg(w.author, w.title, w.source, w.license)
                                       FROM outputs o JOIN works w ON fingerprint_contained(o.fp, w.fp, 0.1)
                                       GROUP BY o.id');

-- ---------------------------------------------------------------------------
-- The workflow on the distributed tables: registration (a stored
-- fingerprint column and its index on every shard), boilerplate, the scan,
-- findings and views; then distributed outputs.  Findings are compared by
-- what they say, not by when or in which run they were found.

-- both
SET client_min_messages = warning;
SELECT llmcopy_register_corpus('works', 'id', 'body', license_col => 'license', author_col => 'author',
                               title_col => 'title', source_col => 'source');
SELECT llmcopy_register_outputs('outputs', 'id', 'body', 'logged_at', model_col => 'model');
SELECT llmcopy_refresh_boilerplate('works', 100);
CALL llmcopy_scan(threshold => 0.1);

-- compare workflow_registration 2
SELECT 'corpus', tbl::text, id_col, text_col, k, w, mode FROM llmcopy_corpus_tables
UNION ALL SELECT 'outputs', tbl::text, id_col, text_col, k, w, mode FROM llmcopy_output_tables;
-- check workflow_fingerprint_index
SELECT every_shard_uses('SELECT w.id FROM outputs o JOIN works w ON fingerprint_contained(o.llmcopy_fp, w.llmcopy_fp, 0.1)',
                        'works', 'works_llmcopy_fp');
-- compare workflow_boilerplate
SELECT c.tbl::text, b.min_docs, (fingerprint_info(b.fp)).hashes, md5(b.fp::text)
FROM llmcopy_boilerplate b JOIN llmcopy_corpus_tables c ON c.id = b.corpus_id;
-- compare workflow_findings 100
SELECT f.output_id, f.work_id, round(f.containment::numeric, 9), f.longest_tokens, round(f.coverage::numeric, 9),
       md5(f.spans::text), f.license, f.license_raw, f.obligations, f.author, f.title, f.source, f.model, f.logged_at
FROM llmcopy_findings f JOIN llmcopy_output_tables o ON o.id = f.output_table
WHERE o.tbl = 'outputs'::regclass;
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

-- a second scan finds nothing new; then the distributed outputs
-- both
SET client_min_messages = warning;
CALL llmcopy_scan(threshold => 0.1);
SELECT llmcopy_register_outputs('outputs_dist', 'id', 'body', 'logged_at', model_col => 'model');
CALL llmcopy_scan(outputs => 'outputs_dist', threshold => 0.1);

-- compare workflow_rescan_and_distributed_outputs 3
SELECT o.tbl::text, count(*), count(DISTINCT f.output_id), sum(f.longest_tokens), round(sum(f.containment)::numeric, 6)
FROM llmcopy_findings f JOIN llmcopy_output_tables o ON o.id = f.output_table
GROUP BY o.tbl::text
UNION ALL
SELECT 'same findings for both tables', count(*), NULL, NULL, NULL FROM (
    SELECT f.output_id, f.work_id, f.containment, f.spans FROM llmcopy_findings f
    WHERE f.output_table = (SELECT id FROM llmcopy_output_tables WHERE tbl = 'outputs'::regclass)
    INTERSECT
    SELECT f.output_id, f.work_id, f.containment, f.spans FROM llmcopy_findings f
    WHERE f.output_table = (SELECT id FROM llmcopy_output_tables WHERE tbl = 'outputs_dist'::regclass)) s;

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
