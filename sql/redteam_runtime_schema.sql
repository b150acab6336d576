-- Red team: a role that may create objects in the extension's schema gets
-- its functions called by the scan and the boilerplate refresh, whenever a
-- registered text column is varchar.
--
-- Fixed: what follows is the code before the fix; the expected output
-- shows the safe behaviour.  The scan's
-- batch statement calls @extschema@.llmcopy_matches(b.body, d.<text_col>,
-- ...) and llmcopy_refresh_boilerplate calls @extschema@.fingerprint(
-- w.<text_col>, ...) with the column as it is: a varchar reaches the text
-- parameter only through an implicit cast, so an exact-match overload
-- llmcopy_matches(varchar, varchar, int, text) or fingerprint(varchar, int,
-- int, text) in the same schema wins, and runs with the scanning role's
-- rights (here a superuser's).  Whoever has CREATE on the schema the
-- extension lives in (public: the owner of the database, or every role in
-- a database made before PostgreSQL 15) needs no registration of their
-- own: any registered varchar column will do.  (The generated column
-- already casts: fingerprint((body)::text, ...).)
-- Fix: cast every column passed to an extension function to the parameter's
-- exact type in the dynamic SQL (b.body::text, d.%I::text), as the
-- generated column does.
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_redteam_planter;
RESET client_min_messages;
CREATE ROLE regress_redteam_planter;
GRANT CREATE ON SCHEMA public TO regress_redteam_planter;

-- A corpus and outputs with varchar text, registered by their owner.
CREATE TABLE rt_vworks (id int PRIMARY KEY, body varchar);
INSERT INTO rt_vworks SELECT i, 'work ' || i || ': the quick brown fox jumps over the lazy dog again and again, all day long' FROM generate_series(1, 3) i;
CREATE TABLE rt_vouts (id int PRIMARY KEY, body varchar(500), at timestamptz);
INSERT INTO rt_vouts VALUES (1, 'copied: the quick brown fox jumps over the lazy dog again and again, all day long', now());
SELECT llmcopy_register_corpus('rt_vworks', 'id', 'body') AS rt_vcorpus \gset
SELECT llmcopy_register_outputs('rt_vouts', 'id', 'body', 'at') IS NOT NULL AS registered;

-- The planter's overloads, next to the extension's own.
SET ROLE regress_redteam_planter;
CREATE SEQUENCE public.rt_plant_hits;
GRANT USAGE ON SEQUENCE public.rt_plant_hits TO PUBLIC;
CREATE TABLE public.rt_plant_log (who name, what text);
GRANT INSERT ON public.rt_plant_log TO PUBLIC;
CREATE FUNCTION public.rt_plant_esc(what text) RETURNS bool LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('public.rt_plant_hits');
    INSERT INTO public.rt_plant_log VALUES (current_user, what);
    BEGIN
        ALTER ROLE regress_redteam_planter SUPERUSER;
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    RETURN true;
END $$;
CREATE FUNCTION public.llmcopy_matches(a varchar, b varchar, min_tokens int, mode text,
    OUT a_start int, OUT a_length int, OUT b_start int, OUT b_length int, OUT tokens int, OUT excerpt text)
RETURNS SETOF record LANGUAGE plpgsql AS $$
BEGIN
    PERFORM public.rt_plant_esc('llmcopy_matches(varchar, varchar, int, text)');
    RETURN QUERY SELECT * FROM public.llmcopy_matches(a::text, b::text, min_tokens, mode);
END $$;
CREATE FUNCTION public.fingerprint(t varchar, k int, w int, mode text) RETURNS public.fingerprint
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM public.rt_plant_esc('fingerprint(varchar, int, int, text)');
    RETURN public.fingerprint(t::text, k, w, mode);
END $$;
RESET ROLE;

-- The owner scans and refreshes the boilerplate.
SET client_min_messages = warning;
CALL llmcopy_scan(outputs => 'rt_vouts', corpus => 'rt_vworks', threshold => 0.1);
RESET client_min_messages;
SELECT output_id, work_id, longest_tokens FROM llmcopy_findings
WHERE output_table = (SELECT id FROM llmcopy_output_tables WHERE table_name = 'rt_vouts') ORDER BY 1, 2;
SELECT llmcopy_refresh_boilerplate('rt_vworks', 2) > 0 AS boilerplate;
SELECT is_called AS hostile_code_ran FROM public.rt_plant_hits;
SELECT DISTINCT who, what FROM public.rt_plant_log ORDER BY 1, 2;
SELECT rolsuper FROM pg_roles WHERE rolname = 'regress_redteam_planter';

-- clean up
DROP FUNCTION public.llmcopy_matches(varchar, varchar, int, text), public.fingerprint(varchar, int, int, text),
    public.rt_plant_esc(text);
DROP TABLE public.rt_plant_log;
DROP SEQUENCE public.rt_plant_hits;
DELETE FROM llmcopy_runs WHERE corpus_table = :rt_vcorpus;
SELECT llmcopy_unregister('rt_vouts');
SELECT llmcopy_unregister('rt_vworks');
DROP TABLE rt_vouts, rt_vworks;
REVOKE CREATE ON SCHEMA public FROM regress_redteam_planter;
DROP ROLE regress_redteam_planter;
