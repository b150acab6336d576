-- pg_temp.explain(query): EXPLAIN (costs off) as rows, less the
-- "Disabled: true" lines PostgreSQL 18 adds to a node that enable_seqscan =
-- off could not avoid, so a plan reads the same on every version.  Included
-- by the regression tests that show plans (\i test/explain.sql, from the top of the tree).
CREATE FUNCTION pg_temp.explain(q text) RETURNS TABLE ("QUERY PLAN" text)
LANGUAGE plpgsql AS $$
DECLARE
    line text;
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (costs off) ' || q LOOP
        CONTINUE WHEN line ~ '^\s*Disabled: true$';
        "QUERY PLAN" := line;
        RETURN NEXT;
    END LOOP;
END $$;
