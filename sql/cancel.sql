-- statement_timeout ends every function that can run long, soon.  Each
-- statement below would run for 10 s to a minute (BENCHMARKS.md, cancel
-- latency, runs them to the end); with a timeout of 1 s it must end with
-- 57014 within 4 s of its start.  The inputs are made by repeat() inside
-- the statement, which takes a fraction of the second, so the timeout
-- falls inside the function.
SET statement_timeout = '1s';

-- the tokenizer through ICU (CJK, dictionary word break): fingerprint
SELECT clock_timestamp() AS t0 \gset
SELECT fingerprint(repeat('東京都に住んでいます。', 10000000)) IS NULL;
SELECT clock_timestamp() - :'t0' < interval '4 s' AS fingerprint_cjk_ended;

-- accented words through ICU: minhash
SELECT clock_timestamp() AS t0 \gset
SELECT minhash(repeat('Ünïcödé wörds ', 30000000)) IS NULL;
SELECT clock_timestamp() - :'t0' < interval '4 s' AS minhash_ended;

-- one identifier of 330 MB in mode code, normalized in pieces
SELECT clock_timestamp() AS t0 \gset
SELECT fingerprint(repeat('Straßeﬁx', 30000000), 5, 10, 'code') IS NULL;
SELECT clock_timestamp() - :'t0' < interval '4 s' AS code_identifier_ended;

-- the ASCII fast path, one row per token
SELECT clock_timestamp() AS t0 \gset
SELECT count(*) FROM llmcopy_tokens(repeat('many words here ', 20000000));
SELECT clock_timestamp() - :'t0' < interval '4 s' AS tokens_ended;

-- spans of a repetitive text against itself: 256 candidates extended
-- over 16 M tokens each at the first position
SELECT clock_timestamp() AS t0 \gset
SELECT count(*) FROM llmcopy_matches(repeat('a b c d ', 4000000), repeat('a b c d ', 4000000));
SELECT clock_timestamp() - :'t0' < interval '4 s' AS matches_ended;
SELECT clock_timestamp() AS t0 \gset
SELECT llmcopy_coverage(repeat('a b c d ', 4000000), repeat('a b c d ', 4000000));
SELECT clock_timestamp() - :'t0' < interval '4 s' AS coverage_ended;
SELECT clock_timestamp() AS t0 \gset
SELECT llmcopy_longest_match(repeat('a b c d ', 4000000), repeat('a b c d ', 4000000));
SELECT clock_timestamp() - :'t0' < interval '4 s' AS longest_match_ended;

-- connected components of 50 M edges
SELECT clock_timestamp() AS t0 \gset
SELECT count(*) FROM llmcopy_components('SELECT i, i + 1 FROM generate_series(1, 50000000) i');
SELECT clock_timestamp() - :'t0' < interval '4 s' AS components_ended;

-- combining marks by the hundred thousand with no base between them: ICU
-- puts them in canonical order by insertion, quadratic and deaf to cancel,
-- so a token of 600 kB took 40 s whatever the timeout; normalized in runs
-- of LC_NORM_RUN_MAX characters it ends (done or canceled) at once
CREATE FUNCTION pg_temp.ends_soon(q text) RETURNS bool LANGUAGE plpgsql AS $$
DECLARE
    t0 timestamptz := clock_timestamp();
BEGIN
    BEGIN
        EXECUTE q;
    EXCEPTION WHEN query_canceled THEN NULL;
    END;
    RETURN clock_timestamp() - t0 < interval '4 s';
END $$;
SELECT pg_temp.ends_soon($$SELECT count(*) FROM llmcopy_tokens('a' || repeat(E'\u0301\u0316', 100000), 'code')$$)
    AS code_combining_marks_ended;
SELECT pg_temp.ends_soon($$SELECT count(*) FROM llmcopy_tokens('a' || repeat(E'\u0301\u0316', 100000), 'text')$$)
    AS text_combining_marks_ended;
-- and a run of 48 MB is canceled like any long input
SELECT pg_temp.ends_soon($$SELECT fingerprint('"' || repeat(E'\u0301\u0316', 8000000), 5, 10, 'code')$$)
    AS long_combining_marks_ended;

RESET statement_timeout;
