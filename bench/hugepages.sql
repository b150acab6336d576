-- The two corpora of bench/scale.sql as it leaves them for its paired
-- latencies, built the short way for bench/hugepages.sh (about 10 minutes
-- rather than the hour of bench/run scale): big (1,000,000 documents of
-- bench/scale_corpus.py) and c100k (its rows whose id is a multiple of 10),
-- registered online and filled by llmcopy_fill, their mixed-key GIN indexes
-- at the widths llmcopy_index_bits recommends, built with
-- maintenance_work_mem = 256MB; the outputs of bench/scale_outputs.psql and
-- lat_pair of bench/scale_pairs.psql.  Not done here: the writer during
-- registration, and the other indexes bench/scale_size.psql builds and
-- drops before these.  (psql -v scale_docs=N makes a smaller corpus.)
\pset footer off
SET client_min_messages = warning;
\set ON_ERROR_STOP 1
SET maintenance_work_mem = '256MB';
\if :{?scale_docs}
\else
\set scale_docs 1000000
\endif
\setenv SCALE_DOCS :scale_docs

\echo '## The corpora'
SELECT clock_timestamp() AS t0 \gset
CREATE TABLE big (id int PRIMARY KEY, kind text, origin int, variant text, license text, path text, body text);
\copy big FROM PROGRAM 'nice python3 bench/scale_corpus.py --docs $SCALE_DOCS'
CREATE TABLE c100k AS SELECT * FROM big WHERE id % 10 = 0;
ALTER TABLE c100k ADD PRIMARY KEY (id);
VACUUM ANALYZE big;
VACUUM ANALYZE c100k;
\ir scale_outputs.psql
SELECT llmcopy_register_corpus(t, 'id', 'body', license_col => 'license', title_col => 'path', online => true, create_index => false)
FROM unnest(ARRAY['c100k', 'big']) t \g /dev/null
CALL llmcopy_fill('c100k', 20000);
CALL llmcopy_fill('big', 20000);
VACUUM ANALYZE c100k;
VACUUM ANALYZE big;
SELECT (llmcopy_index_bits('c100k')).bits AS bits_c100k, (llmcopy_index_bits('big')).bits AS bits_big \gset
CREATE INDEX fpmix_c100k ON c100k USING gin (llmcopy_fp fingerprint_ops (bits = :bits_c100k, mixed = true));
CREATE INDEX fpmix_big ON big USING gin (llmcopy_fp fingerprint_ops (bits = :bits_big, mixed = true));
SELECT c.relname AS corpus, c.reltuples::bigint AS rows, pg_size_pretty(pg_relation_size(c.oid)) AS heap,
       pg_get_indexdef(i.indexrelid) AS index, pg_size_pretty(pg_relation_size(i.indexrelid)) AS index_size,
       round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)) AS built_s
FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_class x ON x.oid = i.indexrelid
WHERE c.relname IN ('c100k', 'big') AND x.relam = (SELECT oid FROM pg_am WHERE amname = 'gin') ORDER BY c.relpages;

\ir scale_pairs.psql
CREATE TABLE hp_series (series int, huge_pages text, shared_memory text, hp_free_started int, hp_rsvd_started int,
                        hp_free_after int, minflt_warmup bigint, minflt_timed bigint, load text);
CREATE TABLE hp_results (series int, huge_pages text, query text, round int, p50_100k numeric, p50_1m numeric,
                         ratio numeric, rows_p50_100k numeric, rows_p50_1m numeric);
