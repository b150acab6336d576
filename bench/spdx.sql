-- SPDX expressions on large inputs (run by bench/run spdx): the memory a
-- query takes, and how soon statement_timeout ends it.
--
-- Memory is the backend's peak resident size (VmHWM of /proc/<pid>/status)
-- in a new connection, before and after the query; md5() of the same input
-- is the baseline (the input itself, detoasted).
\pset footer off
\set hwm 'SELECT (regexp_match(pg_read_file(''/proc/'' || pg_backend_pid() || ''/status''), ''VmHWM:\\s+(\\d+)''))[1]::bigint AS kb'

CREATE TABLE spdx_input (name text PRIMARY KEY, expr text);
INSERT INTO spdx_input VALUES
  ('AND of 20,001 MIT', 'MIT' || repeat(' AND MIT', 20000)),
  ('AND of 100,000 MIT', 'MIT' || repeat(' AND MIT', 99999)),
  ('OR of 100,000 LicenseRef', (SELECT string_agg('LicenseRef-' || i, ' OR ') FROM generate_series(1, 100000) i)),
  ('16 (MIT OR ISC) ANDed', repeat('(MIT OR ISC) AND ', 15) || '(MIT OR ISC)');

\echo '## Peak memory of one query, in a new connection (MB above the connection''s own)'
CREATE TABLE spdx_memory (input text, query text, mb numeric);
\set q 'SELECT md5(expr) FROM spdx_input WHERE name = :''name'''
\set name 'AND of 20,001 MIT'
\c
:hwm \gset before_
SELECT length(md5(expr)) FROM spdx_input WHERE name = :'name' \g /dev/null
:hwm \gset after_
INSERT INTO spdx_memory VALUES (:'name', 'md5 (baseline)', round((:after_kb - :before_kb) / 1024.0, 1));
\c
:hwm \gset before_
SELECT count(*) FROM spdx_input, spdx_dnf(expr) WHERE name = :'name' \g /dev/null
:hwm \gset after_
INSERT INTO spdx_memory VALUES (:'name', 'spdx_dnf', round((:after_kb - :before_kb) / 1024.0, 1));
\c
:hwm \gset before_
SELECT (license_obligations(expr)).copyleft FROM spdx_input WHERE name = :'name' \g /dev/null
:hwm \gset after_
INSERT INTO spdx_memory VALUES (:'name', 'license_obligations', round((:after_kb - :before_kb) / 1024.0, 1));
\c
:hwm \gset before_
SELECT spdx_satisfies(expr, ARRAY['MIT']) FROM spdx_input WHERE name = :'name' \g /dev/null
:hwm \gset after_
INSERT INTO spdx_memory VALUES (:'name', 'spdx_satisfies', round((:after_kb - :before_kb) / 1024.0, 1));
\set name 'AND of 100,000 MIT'
\c
:hwm \gset before_
SELECT length(md5(expr)) FROM spdx_input WHERE name = :'name' \g /dev/null
:hwm \gset after_
INSERT INTO spdx_memory VALUES (:'name', 'md5 (baseline)', round((:after_kb - :before_kb) / 1024.0, 1));
\c
:hwm \gset before_
SELECT count(*) FROM spdx_input, spdx_dnf(expr) WHERE name = :'name' \g /dev/null
:hwm \gset after_
INSERT INTO spdx_memory VALUES (:'name', 'spdx_dnf', round((:after_kb - :before_kb) / 1024.0, 1));
\c
:hwm \gset before_
SELECT length(spdx_normalize(expr)) FROM spdx_input WHERE name = :'name' \g /dev/null
:hwm \gset after_
INSERT INTO spdx_memory VALUES (:'name', 'spdx_normalize', round((:after_kb - :before_kb) / 1024.0, 1));
\set name 'OR of 100,000 LicenseRef'
\c
:hwm \gset before_
SELECT count(*) FROM spdx_input, spdx_ids(expr) WHERE name = :'name' \g /dev/null
:hwm \gset after_
INSERT INTO spdx_memory VALUES (:'name', 'spdx_ids', round((:after_kb - :before_kb) / 1024.0, 1));
SELECT * FROM spdx_memory;

\echo '## Time of each, once (the same inputs)'
\timing on
SELECT count(*) AS dnf_rows FROM spdx_input, spdx_dnf(expr) WHERE name = 'AND of 100,000 MIT';
SELECT count(*) AS ids FROM spdx_input, spdx_ids(expr) WHERE name = 'OR of 100,000 LicenseRef';
SELECT spdx_satisfies(expr, ARRAY['ISC']) FROM spdx_input WHERE name = '16 (MIT OR ISC) ANDed';
\timing off
\echo '## Past the limit: refused at once (54000)'
DO $$
BEGIN
    PERFORM count(*) FROM spdx_input, spdx_dnf(expr) WHERE name = '16 (MIT OR ISC) ANDed';
EXCEPTION WHEN program_limit_exceeded THEN
    RAISE NOTICE 'spdx_dnf of 16 (MIT OR ISC) ANDed: %', SQLERRM;
END $$;

\echo '## Cancel: statement_timeout = 3 s on 500 MB (about 1 s to read it, 4.5 s to parse it); seconds from the timeout to the end'
CREATE TABLE spdx_big (t text);
ALTER TABLE spdx_big ALTER COLUMN t SET STORAGE EXTERNAL;
INSERT INTO spdx_big SELECT repeat(repeat('MIT AND ', 1000), 62500);
CREATE FUNCTION spdx_cancel_run(q text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t0 timestamptz := clock_timestamp();
BEGIN
    EXECUTE q;
    RAISE NOTICE '%: finished in % s', q, round(extract(epoch FROM clock_timestamp() - t0), 2);
EXCEPTION WHEN query_canceled THEN
    RAISE NOTICE '%: % s after the timeout', q, round(extract(epoch FROM clock_timestamp() - t0) - 3, 3);
END $$;
SET statement_timeout = '3s';
SELECT spdx_cancel_run('SELECT spdx_valid(t) FROM spdx_big') \g /dev/null
SELECT spdx_cancel_run('SELECT spdx_normalize(t) FROM spdx_big') \g /dev/null
SELECT spdx_cancel_run('SELECT count(*) FROM spdx_big, spdx_ids(t)') \g /dev/null
SELECT spdx_cancel_run('SELECT count(*) FROM spdx_big, spdx_dnf(t)') \g /dev/null
SELECT spdx_cancel_run('SELECT spdx_satisfies(t, ARRAY[''MIT'']) FROM spdx_big') \g /dev/null
SELECT spdx_cancel_run('SELECT license_obligations(t) FROM spdx_big') \g /dev/null
RESET statement_timeout;
