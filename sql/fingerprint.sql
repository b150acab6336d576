-- The fingerprint type: construction, parameters, text and binary I/O.

SELECT fingerprint('the quick brown fox jumps over the lazy dog'::text, 3, 4);
SELECT * FROM fingerprint_info(fingerprint('the quick brown fox jumps over the lazy dog'::text));
SELECT * FROM fingerprint_info(fingerprint('int x = 1; // one'::text, 2, 3, 'code'));

-- Normalization: case, width, ligatures and spacing do not change a fingerprint.
SELECT fingerprint('The Quick  Brown fox, jumps over the ﬁve lazy dogs.'::text, 3, 2)::text =
       fingerprint('the quick brown FOX jumps over the five lazy dogs'::text, 3, 2)::text AS normalized;
SELECT fingerprint('ｆｕｌｌ ｗｉｄｔｈ ｔｅｘｔ ｈｅｒｅ'::text, 2, 1)::text =
       fingerprint('full width text here'::text, 2, 1)::text AS fullwidth;

-- Text form round-trips, also for empty values and query values.
WITH v(fp) AS (VALUES (fingerprint(repeat('alpha beta gamma delta ', 3) || 'epsilon'::text, 2, 3)),
                      (fingerprint(''::text)),
                      (fingerprint_with_threshold(fingerprint('one two three four five six'::text, 2, 2), 0.25)))
SELECT fp::text = fp::text::fingerprint::text AS roundtrip, fp::text FROM v;

-- Binary form round-trips: COPY out and in, compared as text.
CREATE TEMP TABLE fps AS
SELECT i, fingerprint(string_agg(md5(j::text), ' '), 3, 5) AS fp
FROM generate_series(1, 20) i, generate_series(1, i * 10) j GROUP BY i;
INSERT INTO fps VALUES (0, fingerprint(''::text));
COPY fps TO '/tmp/pg_llmcopy_fps.bin' (FORMAT binary);
CREATE TEMP TABLE fps2 (LIKE fps);
COPY fps2 FROM '/tmp/pg_llmcopy_fps.bin' (FORMAT binary);
SELECT count(*) AS rows, bool_and(a.fp::text = b.fp::text) AS same
FROM fps a JOIN fps2 b USING (i);

-- Binary input is validated as strictly as text: build COPY BINARY files by hand.
CREATE TEMP TABLE bad (fp fingerprint);
CREATE FUNCTION pg_temp.copy_one(payload bytea) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    f bytea := '\x5047434f50590aff0d0a00'::bytea || '\x0000000000000000'::bytea
               || '\x0001'::bytea || int4send(length(payload)) || payload || '\xffff'::bytea;
    lo oid := lo_from_bytea(0, f);
    detail text;
BEGIN
    PERFORM lo_export(lo, '/tmp/pg_llmcopy_bad.bin');
    PERFORM lo_unlink(lo);
    TRUNCATE bad;
    COPY bad FROM '/tmp/pg_llmcopy_bad.bin' (FORMAT binary);
    RETURN (SELECT fp::text FROM bad);
EXCEPTION WHEN others THEN
    GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
    RETURN SQLSTATE || ': ' || SQLERRM || coalesce(' (' || nullif(detail, '') || ')', '');
END $$;

-- a valid value (as fingerprint_send makes it) is accepted
SELECT pg_temp.copy_one(fingerprint_send(fingerprint('one two three four five six seven'::text, 2, 2)));
-- header: version 1, text, k=2, flags 0, w=2, seed 0, tokens 7, threshold 0, nhashes
CREATE FUNCTION pg_temp.hdr() RETURNS bytea LANGUAGE sql
AS $$ SELECT '\x01000200'::bytea || '\x0002'::bytea || '\x00000000'::bytea || '\x00000007'::bytea || '\x0000000000000000'::bytea $$;
SELECT pg_temp.copy_one(pg_temp.hdr() || int4send(1) || int8send(5));          -- one hash: fine
SELECT pg_temp.copy_one(pg_temp.hdr() || int4send(3) || int8send(5));          -- lies about its length
SELECT pg_temp.copy_one(pg_temp.hdr() || int4send(1000000000) || int8send(5)); -- a huge lie
SELECT pg_temp.copy_one(pg_temp.hdr() || int4send(2) || int8send(9) || int8send(5)); -- unsorted
SELECT pg_temp.copy_one(pg_temp.hdr() || int4send(2) || int8send(5) || int8send(5)); -- duplicate
SELECT pg_temp.copy_one('\x02000200000200000000000000070000000000000000'::bytea || int4send(0)); -- version 2
SELECT pg_temp.copy_one('\x01140200000200000000000000070000000000000000'::bytea || int4send(0)); -- mode 20
SELECT pg_temp.copy_one('\x01004100000200000000000000070000000000000000'::bytea || int4send(0)); -- k=65
SELECT pg_temp.copy_one('\x01000200000000000000000000070000000000000000'::bytea || int4send(0)); -- w=0
SELECT pg_temp.copy_one('\x01000280000200000000000000070000000000000000'::bytea || int4send(0)); -- unknown flag
SELECT pg_temp.copy_one('\x0100020000020000000000000007'::bytea);                                -- truncated
-- a threshold of -0 is read as 0, as the text form would keep it
SELECT pg_temp.copy_one('\x01000201000200000000000000078000000000000000'::bytea || int4send(0)); -- flag, -0
SELECT encode(substr(fingerprint_send(fp), 15, 8), 'hex') AS threshold FROM bad;
SELECT pg_temp.copy_one('\x01000200000200000000000000078000000000000000'::bytea || int4send(0)); -- no flag, -0
SELECT encode(substr(fingerprint_send(fp), 15, 8), 'hex') AS threshold FROM bad;
SELECT fingerprint_with_threshold(fingerprint('a b c'::text, 1, 1), '-0'::float8);
SELECT encode(substr(fingerprint_send(fingerprint_with_threshold(fingerprint('a b c'::text, 1, 1), '-0'::float8)), 15, 8), 'hex') AS threshold;

-- Hashes do not compress: values are stored out of line, uncompressed, and
-- fingerprint_info reads the header of a stored value by slice, a block or
-- two of its TOAST table however long the value.
SELECT typname, typstorage FROM pg_type WHERE typname IN ('fingerprint', 'minhash') ORDER BY 1;
CREATE TABLE toasted (id int, fp fingerprint, sig minhash);
SELECT attname, attstorage FROM pg_attribute WHERE attrelid = 'toasted'::regclass AND attnum > 0 ORDER BY attnum;
INSERT INTO toasted
SELECT 1, fingerprint(string_agg(md5(i::text), ' '), 5, 1), minhash(string_agg(md5(i::text), ' '), 1024)
FROM generate_series(1, 200000) i;
SELECT pg_stat_force_next_flush();
CREATE TEMP TABLE toast_reads AS
SELECT toast_blks_read + toast_blks_hit AS blocks FROM pg_statio_user_tables WHERE relname = 'toasted';
SELECT (fingerprint_info(fp)).hashes, (minhash_info(sig)).num_perm, pg_stat_force_next_flush() FROM toasted;
SELECT pg_size_pretty(pg_column_size(fp)::bigint) AS stored,
       (SELECT toast_blks_read + toast_blks_hit FROM pg_statio_user_tables WHERE relname = 'toasted')
       - (SELECT blocks FROM toast_reads) AS blocks_read_by_info
FROM toasted;
DROP TABLE toasted;

-- Text input errors.
SELECT 'v2 text k=5 w=10 seed=0 tokens=1 {}'::fingerprint;
SELECT 'v1 prose k=5 w=10 seed=0 tokens=1 {}'::fingerprint;
SELECT 'v1 text k=0 w=10 seed=0 tokens=1 {}'::fingerprint;
SELECT 'v1 text k=5 w=1025 seed=0 tokens=1 {}'::fingerprint;
SELECT 'v1 text k=5 w=10 seed=0 tokens=1 {0000000000000002,0000000000000001}'::fingerprint;
SELECT 'v1 text k=5 w=10 seed=0 tokens=1 {000000000000002}'::fingerprint;
SELECT 'v1 text k=5 w=10 seed=0 tokens=1 {0000000000000002'::fingerprint;
SELECT 'v1 text k=5 w=10 seed=0 tokens=1 {} trailing'::fingerprint;
SELECT 'v1 text k=5 w=10 seed=0 tokens=99999999999 {}'::fingerprint;
SELECT 'v1 text k=5 w=10 seed=0 tokens=1 threshold=1.5 {}'::fingerprint;
SELECT fingerprint('a bare literal is a cast');

-- the casts to text write what the output functions write, by their own
-- functions (no I/O conversion copying the whole string after them)
WITH v(fp) AS (VALUES (fingerprint(''::text)), (fingerprint('one two three four five six seven'::text, 3, 1)),
                      (fingerprint_with_threshold(fingerprint(repeat('alpha beta gamma delta ', 200)), 0.25)),
                      (fingerprint(repeat('x y z w v u t s ', 5000), 2, 1)))
SELECT count(*) AS fingerprints, bool_and(fp::text = textin(fingerprint_out(fp))) AS cast_equals_output,
       bool_and(octet_length(fp::text) = length(textin(fingerprint_out(fp)))) AS same_length
FROM v;
WITH v(m) AS (VALUES (minhash(''::text)), (minhash('one two three four five six seven'::text)),
                     (minhash(repeat('alpha beta gamma delta ', 200), 16)))
SELECT count(*) AS signatures, bool_and(m::text = textin(minhash_out(m))) AS cast_equals_output FROM v;
SELECT castsource::regtype, casttarget::regtype, castfunc::regproc, castcontext FROM pg_cast
WHERE castsource IN ('fingerprint'::regtype, 'minhash'::regtype) AND casttarget = 'text'::regtype ORDER BY 1;
