-- Helpers shared by the benchmark scripts (loaded by bench/run first).
CREATE EXTENSION IF NOT EXISTS pg_llmcopy;

-- Milliseconds a statement takes; the best of n runs.
CREATE OR REPLACE FUNCTION ms(q text, n int DEFAULT 3) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; best float8 := 'Infinity';
BEGIN
    FOR i IN 1..n LOOP
        t0 := clock_timestamp();
        EXECUTE q;
        best := least(best, 1000 * extract(epoch FROM clock_timestamp() - t0));
    END LOOP;
    RETURN best;
END $$;
