-- pg_temp.explain(query): EXPLAIN (costs off) as rows, less the
-- "Disabled: true" lines PostgreSQL 18 adds to a node that enable_seqscan =
-- off could not avoid, and with the names of an InitPlan's output as 17
-- writes them ("(InitPlan 1).col1" where 15 wrote "$0"), so a plan reads the
-- same on every version.  Included
-- by the regression tests that show plans (\i test/explain.sql, from the top of the tree).
CREATE FUNCTION pg_temp.explain(q text) RETURNS TABLE ("QUERY PLAN" text)
LANGUAGE plpgsql AS $$
DECLARE
    line text;
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (costs off) ' || q LOOP
        CONTINUE WHEN line ~ '^\s*Disabled: true$';
        line := regexp_replace(line, 'InitPlan (\d+) \(returns \$\d+\)', 'InitPlan \1');
        -- (plans with one InitPlan: its output is $0 before 17)
        "QUERY PLAN" := regexp_replace(line, '\$0\M', '(InitPlan 1).col1', 'g');
        RETURN NEXT;
    END LOOP;
END $$;
