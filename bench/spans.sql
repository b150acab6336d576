-- Benchmark for evidence spans (run by bench/run spans).
\pset footer off
SET client_min_messages = warning;

-- 100 works of about 100 KB (36 consecutive corpus pieces each) and 100
-- outputs of about 2 KB copying 300 characters from the middle of one.
-- (pieces holding long base64 runs, such as inline source maps, are left
-- out: 300 characters of one are a single token)
CREATE TABLE works AS
SELECT w AS id, string_agg(body, E'\n' ORDER BY id) AS body
FROM (SELECT id, body, 1 + (row_number() OVER (ORDER BY id) - 1) / 36 AS w
      FROM corpus WHERE kind = 'code' AND body !~ '[A-Za-z0-9+/=]{200}' ORDER BY id LIMIT 3600) s
GROUP BY w;
CREATE TABLE outputs AS
SELECT w.id, left(h.body, 850) || ' ' || c.copy || ' ' || substr(h.body, 851, 850) AS body, c.copy
FROM works w JOIN heldout h ON h.id = w.id
CROSS JOIN LATERAL (SELECT substring(substr(w.body, length(w.body) / 2, 300) FROM '\s(.*)\s') AS copy) c;
SELECT count(*) AS pairs, round(avg(length(w.body))) AS avg_work_chars, round(avg(length(o.body))) AS avg_output_chars
FROM works w JOIN outputs o USING (id);

-- Milliseconds per pair: q must return the number of pairs it processed.
CREATE FUNCTION per_pair_ms(q text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; best float8 := 'Infinity'; n int;
BEGIN
    FOR i IN 1..3 LOOP
        t0 := clock_timestamp();
        EXECUTE q INTO n;
        best := least(best, 1000 * extract(epoch FROM clock_timestamp() - t0) / n);
    END LOOP;
    RETURN best;
END $$;

\echo '## Per pair (2 KB output, ~100 KB work), best of 3 passes over 100 pairs'
-- (every expression feeds count(), so none is pruned from the plan)
SELECT round(per_pair_ms('SELECT count((SELECT count(*) FROM llmcopy_matches(o.body, w.body))) FROM works w JOIN outputs o USING (id)')::numeric, 3) AS matches_ms,
       round(per_pair_ms('SELECT count(llmcopy_coverage(o.body, w.body)) FROM works w JOIN outputs o USING (id)')::numeric, 3) AS coverage_ms,
       round(per_pair_ms('SELECT count(llmcopy_longest_match(o.body, w.body)) FROM works w JOIN outputs o USING (id)')::numeric, 3) AS longest_ms,
       round(per_pair_ms('SELECT count(*) FILTER (WHERE fingerprint(o.body) IS NOT NULL AND fingerprint(w.body) IS NOT NULL) FROM works w JOIN outputs o USING (id)')::numeric, 3) AS two_fingerprints_ms,
       round(per_pair_ms('SELECT count(*) FILTER (WHERE md5(o.body) IS NOT NULL AND md5(w.body) IS NOT NULL) FROM works w JOIN outputs o USING (id)')::numeric, 3) AS two_md5_ms;

\echo '## The copied 300 characters are found in every pair, whole'
SELECT count(*) AS pairs, count(*) FILTER (WHERE m.tokens IS NOT NULL) AS with_span,
       round(avg(m.tokens), 1) AS avg_span_tokens,
       round(avg((SELECT count(*) FROM llmcopy_tokens(o.copy))), 1) AS avg_copied_tokens
FROM works w JOIN outputs o USING (id)
LEFT JOIN LATERAL (SELECT max(tokens) AS tokens FROM llmcopy_matches(o.body, w.body)) m ON true;
