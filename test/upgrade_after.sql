-- After ALTER EXTENSION ... UPDATE: the indexes built by the earlier release
-- answer what a sequential scan answers, and the workflow goes on from where
-- it was.  A row that says MISMATCH fails the test.
\set ON_ERROR_STOP 1
CREATE TEMP TABLE q AS SELECT id, fp, sig FROM u_works WHERE id % 10 = 3;

CREATE FUNCTION pg_temp.pairs(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN
    EXECUTE 'SELECT string_agg(a || '':'' || b, '','' ORDER BY a, b) FROM (' || sql || ') s(a, b)' INTO r;
    RETURN coalesce(r, '');
END $$;

CREATE FUNCTION pg_temp.same(what text, sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE idx text; seq text;
BEGIN
    SET LOCAL enable_seqscan = off;
    idx := pg_temp.pairs(sql);
    SET LOCAL enable_seqscan = on; SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off;
    seq := pg_temp.pairs(sql);
    RETURN what || ': ' || CASE WHEN idx = seq AND idx <> '' THEN 'same' ELSE 'MISMATCH' END;
END $$;

SELECT pg_temp.same('<%', 'SELECT q.id, w.id FROM q JOIN u_works w ON w.fp %> q.fp');
SELECT pg_temp.same('fingerprint_contained', 'SELECT q.id, w.id FROM q JOIN u_works w ON fingerprint_contained(q.fp, w.fp, 0.2)');
SELECT pg_temp.same('&&', 'SELECT q.id, w.id FROM q JOIN u_works w ON w.fp && q.fp');
SELECT pg_temp.same('minhash_similar', 'SELECT q.id, w.id FROM q JOIN u_works w ON minhash_similar(q.sig, w.sig, 0.95)');

-- the findings of the earlier scan are still there, and a new scan adds
-- exactly the new output's findings
SELECT CASE WHEN (SELECT count(*) FROM llmcopy_findings) = (SELECT count(*) FROM u_findings_before)
                 AND (SELECT count(*) FROM u_findings_before) > 0
            THEN 'findings kept' ELSE 'findings MISMATCH' END;
INSERT INTO u_outputs VALUES (41, 'again: ' || (SELECT body FROM u_works WHERE id = 77), now() - interval '1 minute', 'model-1');
CALL llmcopy_scan(threshold => 0.3);
SELECT CASE WHEN (SELECT count(*) FROM llmcopy_findings WHERE output_id = '41' AND work_id = '77') = 1
                 AND (SELECT count(*) FROM llmcopy_findings WHERE output_id <> '41') = (SELECT count(*) FROM u_findings_before)
            THEN 'scan resumed' ELSE 'scan MISMATCH' END;
