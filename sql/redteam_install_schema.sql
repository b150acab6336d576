-- Red team: objects planted in the extension's schema before CREATE
-- EXTENSION or ALTER EXTENSION ... UPDATE.
--
-- The expected output shows the safe behaviour.  The install
-- and upgrade scripts run with search_path = <extension schema>, pg_temp
-- (pg_catalog implicitly first).  SQL-standard bodies (BEGIN ATOMIC),
-- views and policies are parsed right then, and an operator or function
-- call whose arguments match pg_catalog's only through an implicit cast
-- (oid = regtype, float8 / bigint, array_agg(text) over anynonarray,
-- unnest(text[]) over anyarray) binds to an exact match found later on
-- that path: one the owner of the schema put there.  In PostgreSQL 15 the
-- owner of a database owns its public schema, so the owner of the database
-- (or anyone granted CREATE on public, as in databases made before 15)
-- gets code run by every later registration, scan and license query:
-- llmcopy_fingerprint_column (oid = regtype) runs as the superuser who
-- registers a table, and the role becomes superuser.
-- Bound before the fix: llmcopy_base_type, llmcopy_fingerprint_column,
-- llmcopy_fingerprint_expr, llmcopy_readable (the findings' policy) to
-- =(oid, regtype) and =(oid, regclass); llmcopy_reproduction_rates to
-- /(float8, bigint); license_obligations and llmcopy_license_conflicts to
-- array_agg(text); licenses_compatible_with to unnest(text[]).  Planted
-- too: count(text) and count(record) (count(x) takes "any"), and format()
-- with the argument types of llmcopy_fingerprint_expr's call (format's
-- are text and VARIADIC "any"), and of the update's migration of 0.1.0
-- watermarks (as it is, and as it was before the fix), which runs as the
-- superuser who updates; the update case
-- has a registration and a scan of 0.1.0, so that the update's statements
-- over registrations have rows to run on.
-- Fix: in every body parsed at creation, cast to exact types
-- (atttypid = 'x'::regtype::oid) or write OPERATOR(pg_catalog.=) and
-- pg_catalog.array_agg(...), pg_catalog.unnest(...); or parse them at
-- run time (plpgsql with the pinned search_path).
SET client_min_messages = warning;
DROP DATABASE IF EXISTS regress_redteam_install;
DROP DATABASE IF EXISTS regress_redteam_update;
DROP ROLE IF EXISTS regress_redteam_dbowner;
RESET client_min_messages;
SELECT current_database() AS origdb \gset
CREATE ROLE regress_redteam_dbowner;
CREATE DATABASE regress_redteam_install OWNER regress_redteam_dbowner TEMPLATE template0 ENCODING 'UTF8';
CREATE DATABASE regress_redteam_update OWNER regress_redteam_dbowner TEMPLATE template0 ENCODING 'UTF8';

-- What the owner of the database plants in its public schema: functions
-- that count their calls in a sequence (kept even when the caller's
-- transaction rolls back), log who called them, and try to make their
-- owner a superuser; then the operators and functions that the
-- extension's bodies bind to.
\set plant_log 'CREATE SEQUENCE public.rt_hits; GRANT USAGE ON SEQUENCE public.rt_hits TO PUBLIC; CREATE TABLE public.rt_log (who name, what text); GRANT INSERT ON public.rt_log TO PUBLIC;'
\set plant_esc 'CREATE FUNCTION public.rt_esc(what text) RETURNS bool LANGUAGE plpgsql AS $$ BEGIN PERFORM nextval(''public.rt_hits''); INSERT INTO public.rt_log VALUES (current_user, what); BEGIN ALTER ROLE regress_redteam_dbowner SUPERUSER; EXCEPTION WHEN insufficient_privilege THEN NULL; END; RETURN true; END $$;'
\set plant_eq 'CREATE FUNCTION public.rt_eq(a oid, b regtype) RETURNS bool LANGUAGE sql AS $$ SELECT public.rt_esc(''=(oid, regtype)'') AND a OPERATOR(pg_catalog.=) b::oid $$; CREATE OPERATOR public.= (LEFTARG = oid, RIGHTARG = regtype, FUNCTION = public.rt_eq);'
\set plant_eqc 'CREATE FUNCTION public.rt_eqc(a oid, b regclass) RETURNS bool LANGUAGE sql AS $$ SELECT public.rt_esc(''=(oid, regclass)'') AND a OPERATOR(pg_catalog.=) b::oid $$; CREATE OPERATOR public.= (LEFTARG = oid, RIGHTARG = regclass, FUNCTION = public.rt_eqc);'
\set plant_div 'CREATE FUNCTION public.rt_div(a float8, b bigint) RETURNS float8 LANGUAGE sql AS $$ SELECT CASE WHEN public.rt_esc(''/(float8, bigint)'') THEN a OPERATOR(pg_catalog./) b::float8 END $$; CREATE OPERATOR public./ (LEFTARG = float8, RIGHTARG = bigint, FUNCTION = public.rt_div);'
\set plant_agg 'CREATE FUNCTION public.rt_agg(s text[], v text) RETURNS text[] LANGUAGE sql AS $$ SELECT CASE WHEN public.rt_esc(''array_agg(text)'') THEN s OPERATOR(pg_catalog.||) v END $$; CREATE AGGREGATE public.array_agg(text) (SFUNC = public.rt_agg, STYPE = text[]);'
\set plant_unnest 'CREATE FUNCTION public.unnest(a text[]) RETURNS SETOF text LANGUAGE sql AS $$ SELECT x FROM pg_catalog.unnest(a) x WHERE public.rt_esc(''unnest(text[])'') $$;'
\set plant_count 'CREATE FUNCTION public.rt_cnt(s bigint, v text) RETURNS bigint LANGUAGE sql AS $$ SELECT CASE WHEN public.rt_esc(''count(text)'') THEN s OPERATOR(pg_catalog.+) 1 END $$; CREATE AGGREGATE public.count(text) (SFUNC = public.rt_cnt, STYPE = bigint, INITCOND = 0);'
\set plant_countr 'CREATE FUNCTION public.rt_cntr(s bigint, v record) RETURNS bigint LANGUAGE plpgsql AS $$ BEGIN PERFORM public.rt_esc(''count(record)''); RETURN s OPERATOR(pg_catalog.+) 1; END $$; CREATE AGGREGATE public.count(record) (SFUNC = public.rt_cntr, STYPE = bigint, INITCOND = 0);'
\set plant_format 'CREATE FUNCTION public.format(f text, a text, b name, c int, d int, e text) RETURNS text LANGUAGE sql AS $$ SELECT CASE WHEN public.rt_esc(''format(text, text, name, int, int, text)'') THEN pg_catalog.format(f, a, b, c, d, e) END $$; CREATE FUNCTION public.format(f text, a name, b text, c name, d regclass, e regtype, g text) RETURNS text LANGUAGE sql AS $$ SELECT CASE WHEN public.rt_esc(''format(text, name, text, name, regclass, regtype, text)'') THEN pg_catalog.format(f, a, b, c, d, e, g) END $$; CREATE FUNCTION public.format(f text, a name, b text, c name, d regclass, e regtype) RETURNS text LANGUAGE sql AS $$ SELECT CASE WHEN public.rt_esc(''format(text, name, text, name, regclass, regtype)'') THEN pg_catalog.format(f, a, b, c, d, e) END $$;'
\set plant :plant_log :plant_esc :plant_eq :plant_eqc :plant_div :plant_agg :plant_unnest :plant_count :plant_countr :plant_format

-- What a superuser then does: register, scan, read the dashboards and use
-- the license functions.
\set use_tables 'CREATE TABLE works (id int PRIMARY KEY, body text, license text); INSERT INTO works VALUES (1, ''the quick brown fox jumps over the lazy dog again and again, all day long'', ''MIT OR Apache-2.0''); CREATE TABLE outs (id int PRIMARY KEY, body text, at timestamptz); INSERT INTO outs VALUES (1, ''the quick brown fox jumps over the lazy dog again and again, all day long'', now());'
\set use_register 'SELECT llmcopy_register_corpus(''works'', ''id'', ''body'', license_col => ''license'') IS NOT NULL AS registered; SELECT llmcopy_register_outputs(''outs'', ''id'', ''body'', ''at'') IS NOT NULL AS registered;'
\set use_scan 'SET client_min_messages = warning; CALL llmcopy_scan(threshold => 0.1); RESET client_min_messages; SELECT count(*) AS findings FROM llmcopy_findings;'
\set use_read 'SELECT scanned, rate FROM llmcopy_reproduction_rate; SELECT (license_obligations(''MIT OR GPL-3.0-only'')).chosen; SELECT count(*) > 0 AS compatible FROM licenses_compatible_with(ARRAY[''MIT'']); SELECT count(*) AS conflicts FROM llmcopy_license_conflicts;'

\set ran 'SELECT is_called AS hostile_code_ran FROM public.rt_hits; SELECT DISTINCT who, what FROM public.rt_log ORDER BY 1, 2; SELECT rolsuper FROM pg_roles WHERE rolname = ''regress_redteam_dbowner'';'
\set use :use_tables :use_register :use_scan :use_read

-- The extension's functions, views and policies that depend on an
-- operator or function of the owner of the database (read with only
-- pg_catalog on the path: this query's own oid = regclass would otherwise
-- call the planted operator).
\set bound 'SET search_path = pg_catalog; SELECT CASE d.classid WHEN ''pg_proc''::regclass THEN d.objid::regprocedure::text WHEN ''pg_rewrite''::regclass THEN (SELECT r.ev_class::regclass::text FROM pg_rewrite r WHERE r.oid = d.objid) ELSE (SELECT p.polname::text FROM pg_policy p WHERE p.oid = d.objid) END AS member, CASE d.refclassid WHEN ''pg_operator''::regclass THEN d.refobjid::regoperator::text ELSE d.refobjid::regprocedure::text END AS bound_to FROM pg_depend d WHERE d.classid IN (''pg_proc''::regclass, ''pg_rewrite''::regclass, ''pg_policy''::regclass) AND coalesce((SELECT proowner FROM pg_proc WHERE d.classid = ''pg_proc''::regclass AND oid = d.objid), 0) <> ''regress_redteam_dbowner''::regrole AND ''regress_redteam_dbowner''::regrole IN ((SELECT oprowner FROM pg_operator WHERE d.refclassid = ''pg_operator''::regclass AND oid = d.refobjid), (SELECT proowner FROM pg_proc WHERE d.refclassid = ''pg_proc''::regclass AND oid = d.refobjid)) ORDER BY 1, 2; RESET search_path;'

-- A fresh install into a database another role owns.
\c regress_redteam_install
SET ROLE regress_redteam_dbowner;
:plant
RESET ROLE;
CREATE EXTENSION pg_llmcopy;
:bound
:use
:ran
ALTER ROLE regress_redteam_dbowner NOSUPERUSER;

-- 0.1.0 installed before anything was planted, with a registration and a
-- scan, then updated.
\c regress_redteam_update
CREATE EXTENSION pg_llmcopy VERSION '0.1.0';
CREATE TABLE old_works (id int PRIMARY KEY, body text);
INSERT INTO old_works VALUES (1, 'seven silent houses stood in the valley where the rain fell all night long');
CREATE TABLE old_outs (id int PRIMARY KEY, body text, at timestamptz);
INSERT INTO old_outs VALUES (1, 'it said: seven silent houses stood in the valley where the rain fell all night long', now());
SELECT llmcopy_register_corpus('old_works', 'id', 'body') IS NOT NULL AS registered;
SET client_min_messages = warning;
SELECT llmcopy_register_outputs('old_outs', 'id', 'body', 'at') IS NOT NULL AS registered;
CALL llmcopy_scan(threshold => 0.1);
RESET client_min_messages;
SELECT count(*) AS watermarks FROM llmcopy_watermarks;
SET ROLE regress_redteam_dbowner;
:plant
RESET ROLE;
ALTER EXTENSION pg_llmcopy UPDATE;
:bound
:use
:ran

-- The inventory: every call in a body the scripts compile (views,
-- policies, BEGIN ATOMIC bodies, defaults, checks) to a function of
-- pg_catalog with a polymorphic, "any" or variadic parameter, which the
-- scripts call by its qualified name, and every implicit cast in them (an
-- argument cast to reach an operator or a function would be outbid; those
-- here are assignments, a serial's nextval() and a LIMIT, found in pg_cast
-- by their types).  A new row must be qualified or in exact types too,
-- and belongs in the plants above.
\c regress_redteam_install
SET search_path = pg_catalog;
WITH ext AS (SELECT oid FROM pg_extension WHERE extname = 'pg_llmcopy'),
mem AS (SELECT d.classid, d.objid FROM pg_depend d, ext
        WHERE d.refclassid = 'pg_extension'::regclass::oid AND d.refobjid = ext.oid AND d.deptype = 'e'),
rels AS (SELECT objid AS relid FROM mem WHERE classid = 'pg_class'::regclass::oid),
trees(body, tree) AS (
    SELECT 'view ' || r.ev_class::regclass, r.ev_action::text FROM pg_rewrite r JOIN rels ON rels.relid = r.ev_class
    UNION ALL
    SELECT 'function ' || p.oid::regprocedure, p.prosqlbody::text
    FROM pg_proc p JOIN mem ON mem.classid = 'pg_proc'::regclass::oid AND mem.objid = p.oid WHERE p.prosqlbody IS NOT NULL
    UNION ALL
    SELECT 'policy ' || p.polname || ' on ' || p.polrelid::regclass, concat(p.polqual::text, p.polwithcheck::text)
    FROM pg_policy p JOIN rels ON rels.relid = p.polrelid
    UNION ALL
    SELECT 'default of ' || d.adrelid::regclass, d.adbin::text FROM pg_attrdef d JOIN rels ON rels.relid = d.adrelid
    UNION ALL
    SELECT 'check ' || c.conname, c.conbin::text FROM pg_constraint c JOIN rels ON rels.relid = c.conrelid WHERE c.conbin IS NOT NULL),
calls AS (
    SELECT t.body, CASE WHEN m[1] = 'opno' THEN o.oprcode ELSE m[2]::oid END AS proc
    FROM trees t CROSS JOIN LATERAL regexp_matches(t.tree, ':(funcid|opno|aggfnoid|winfnoid) (\d+)', 'g') m
    LEFT JOIN pg_operator o ON m[1] = 'opno' AND o.oid = m[2]::oid)
SELECT c.body, c.proc::regprocedure::text AS call
FROM calls c JOIN pg_proc p ON p.oid = c.proc
WHERE p.pronamespace = 'pg_catalog'::regnamespace::oid
  AND (p.provariadic <> 0 OR EXISTS (SELECT 1 FROM unnest(p.proargtypes::oid[]) a JOIN pg_type y ON y.oid = a WHERE y.typtype = 'p'))
GROUP BY 1, 2
UNION
SELECT t.body, 'implicit cast ' || coalesce(m[1]::oid::regprocedure::text, 'binary or by I/O')
FROM trees t CROSS JOIN LATERAL regexp_matches(t.tree, '\{FUNCEXPR :funcid (\d+) [^{}]*?:funcformat 2|:(?:relabelformat|coerceformat) 2()', 'g') m
ORDER BY 1, 2;
RESET search_path;

\c :origdb
DROP DATABASE regress_redteam_install;
DROP DATABASE regress_redteam_update;
DROP ROLE regress_redteam_dbowner;
