-- What a database made by test/upgrade_before.sql answers, printed so that
-- two runs can be compared line by line: run on the old server before
-- pg_upgrade and on the new one after, the outputs must be equal.  Each query
-- is run through each GIN index of u_works that can serve it (the others
-- dropped in a subtransaction that is rolled back) and by sequential scan;
-- a line gives the rows' count and md5 through the index, and says MISMATCH
-- when the index did not serve the query, found nothing, or disagrees with
-- the sequential scan.
-- Read-only: the database is left as it was.
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only on
SET pg_llmcopy.containment_threshold = 0.1;
SET pg_llmcopy.jaccard_threshold = 0.5;
CREATE TEMP TABLE q AS SELECT id, fp, sig FROM u_works WHERE id % 10 = 3;

-- a two-column query's rows as 'a:b' texts, in order
CREATE FUNCTION pg_temp.pairs_sql(sql text) RETURNS text LANGUAGE sql AS $$
    SELECT 'SELECT coalesce(array_agg(a || '':'' || b ORDER BY a, b), ''{}'') FROM (' || sql || ') s(a, b)'
$$;
CREATE FUNCTION pg_temp.pairs(sql text) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE r text[];
BEGIN
    EXECUTE pg_temp.pairs_sql(sql) INTO r;
    RETURN r;
END $$;

-- their count and md5
CREATE FUNCTION pg_temp.digest(r text[]) RETURNS text LANGUAGE sql AS $$
    SELECT cardinality(r) || ' rows ' || md5(array_to_string(r, ','))
$$;

-- The query's rows through index idx alone, and by sequential scan: the same
-- rows for an exact index, a subset (no false positive) for LSH, where a
-- pair under the threshold may share a band by chance or not.
CREATE FUNCTION pg_temp.via(idx text, sql text, lsh bool DEFAULT false) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    other text;
    plan text := '';
    line text;
    by_index text[];
    by_seq text[];
BEGIN
    BEGIN
        FOR other IN SELECT indexrelid::regclass::text FROM pg_index
                     WHERE indrelid = 'u_works'::regclass AND indexrelid <> idx::regclass AND NOT indisprimary LOOP
            EXECUTE 'DROP INDEX ' || other;
        END LOOP;
        -- GIN serves by bitmap scans only: other paths are switched off
        PERFORM set_config('enable_seqscan', 'off', true);
        PERFORM set_config('enable_indexscan', 'off', true);
        PERFORM set_config('enable_indexonlyscan', 'off', true);
        FOR line IN EXECUTE 'EXPLAIN (costs off) ' || pg_temp.pairs_sql(sql) LOOP
            plan := plan || line || E'\n';
        END LOOP;
        by_index := pg_temp.pairs(sql);
        -- undo the drops (and the settings)
        RAISE EXCEPTION USING ERRCODE = 'assert_failure';
    EXCEPTION WHEN assert_failure THEN
        NULL;
    END;
    PERFORM set_config('enable_indexscan', 'off', true);
    PERFORM set_config('enable_bitmapscan', 'off', true);
    by_seq := pg_temp.pairs(sql);
    PERFORM set_config('enable_indexscan', 'on', true);
    PERFORM set_config('enable_bitmapscan', 'on', true);
    RETURN format('%s via %s: %s%s%s', sql, idx, pg_temp.digest(by_index),
                  CASE WHEN lsh THEN ' of ' || pg_temp.digest(by_seq) END,
                  CASE WHEN plan NOT LIKE '%Index Scan on ' || idx || E'\n%' THEN ' MISMATCH: index not used'
                       WHEN cardinality(by_index) = 0 THEN ' MISMATCH: no row'
                       WHEN lsh AND NOT by_index <@ by_seq THEN ' MISMATCH: rows a sequential scan does not return'
                       WHEN NOT lsh AND by_index IS DISTINCT FROM by_seq
                       THEN ' MISMATCH: sequential scan gives ' || pg_temp.digest(by_seq)
                       ELSE '' END);
END $$;

SELECT pg_temp.via(i, s)
FROM (VALUES ('u_works_fp'), ('u_works_fp8')) ix(i),
     (VALUES ('SELECT q.id, w.id FROM q JOIN u_works w ON w.fp %> q.fp'),
             ('SELECT q.id, w.id FROM q JOIN u_works w ON w.fp <% q.fp'),
             ('SELECT q.id, w.id FROM q JOIN u_works w ON w.fp % q.fp'),
             ('SELECT q.id, w.id FROM q JOIN u_works w ON fingerprint_contained(q.fp, w.fp, 0.2)'),
             ('SELECT q.id, w.id FROM q JOIN u_works w ON fingerprint_similar(q.fp, w.fp, 0.05)'),
             ('SELECT q.id, w.id FROM q JOIN u_works w ON w.fp && q.fp')) qs(s)
ORDER BY i, s;
SELECT pg_temp.via('u_works_sig', s, lsh => true)
FROM (VALUES ('SELECT q.id, w.id FROM q JOIN u_works w ON w.sig % q.sig'),
             ('SELECT q.id, w.id FROM q JOIN u_works w ON minhash_similar(q.sig, w.sig, 0.3)')) qs(s)
ORDER BY s;

-- the stored values, as text, equal to the values this server computes
SELECT 'fingerprints: ' || md5(string_agg(fp::text, ',' ORDER BY id))
       || coalesce(' MISMATCH: computed again, ' || nullif(count(*) FILTER (WHERE fingerprint(body)::text <> fp::text), 0) || ' differ', '')
FROM u_works;
SELECT 'signatures: ' || md5(string_agg(sig::text, ',' ORDER BY id))
       || coalesce(' MISMATCH: computed again, ' || nullif(count(*) FILTER (WHERE minhash(body)::text <> sig::text), 0) || ' differ', '')
FROM u_works;
-- and what the workflow holds
SELECT 'findings: ' || pg_temp.digest(pg_temp.pairs('SELECT output_id, work_id FROM llmcopy_findings'));
SELECT 'registrations: ' || (SELECT count(*) FROM llmcopy_corpus_tables) || ' corpus, '
       || (SELECT count(*) FROM llmcopy_output_tables) || ' outputs';
