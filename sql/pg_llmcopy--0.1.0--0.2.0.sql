-- pg_llmcopy 0.1.0 -> 0.2.0.
--
-- Every change made to the SQL surface since 0.1.0, in the order of the
-- sections below; `make test-upgrade` proves that a fresh 0.2.0 install and
-- a 0.1.0 install updated with this script define the same objects.
\echo Use "ALTER EXTENSION pg_llmcopy UPDATE TO '0.2.0'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- types, operators and index support

-- ---- rarity: document frequencies and the rarity-weighted containment ----
-- (src/rarity.c)  A fingerprint_df holds the hashes of one query fingerprint
-- with the number of works holding each, counted by fingerprint_df_agg over
-- the works an index scan returns for `query && work.fp`; containment_weighted
-- weighs each shared hash by ln((N + 1) / (df + 1)).

CREATE TYPE fingerprint_df;

CREATE FUNCTION fingerprint_df_in(cstring) RETURNS fingerprint_df
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_df_out(fingerprint_df) RETURNS cstring
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_df_recv(internal) RETURNS fingerprint_df
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_df_send(fingerprint_df) RETURNS bytea
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE fingerprint_df (
    INPUT = fingerprint_df_in,
    OUTPUT = fingerprint_df_out,
    RECEIVE = fingerprint_df_recv,
    SEND = fingerprint_df_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);

COMMENT ON TYPE fingerprint_df IS
'hashes of a query fingerprint with the number of works of a corpus holding each, and the corpus size';

CREATE FUNCTION fingerprint_df_info(fingerprint_df,
    OUT version int, OUT mode text, OUT k int, OUT w int,
    OUT seed bigint, OUT docs bigint, OUT hashes bigint)
AS 'MODULE_PATHNAME', 'fingerprint_df_info'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION fingerprint_df_trans(internal, fingerprint, fingerprint, bigint) RETURNS internal
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION fingerprint_df_final(internal) RETURNS fingerprint_df
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE fingerprint_df_agg(fp fingerprint, query fingerprint, corpus_docs bigint) (
    SFUNC = fingerprint_df_trans, STYPE = internal,
    FINALFUNC = fingerprint_df_final, FINALFUNC_MODIFY = READ_WRITE,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE fingerprint_df_agg(fingerprint, fingerprint, bigint) IS
'for each hash of query, the number of aggregated fingerprints holding it; corpus_docs is the corpus size';

CREATE FUNCTION containment_weighted(a fingerprint, b fingerprint, df fingerprint_df) RETURNS float8
AS 'MODULE_PATHNAME', 'fingerprint_containment_weighted'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION containment_weighted(fingerprint, fingerprint, fingerprint_df) IS
'containment of a in b with each hash weighted by its rarity in the corpus, ln((N + 1) / (df + 1))';

-- ---- attribution: the order that puts the origin first ----
-- Among the works holding an output's copied text, the origin is the one
-- with the longest span, then the one holding it byte for byte, then more
-- of the output contained, rarer shared text, plain containment, and the
-- text most works hold (token-identical copies among the candidates).
-- Sort by it descending, then by work id.
CREATE FUNCTION llmcopy_origin_key(span_tokens int, exact bool, coverage float8,
                                   weighted float8, containment float8, copies int DEFAULT 1)
RETURNS float8[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT ARRAY[coalesce(span_tokens, 0), CASE WHEN exact THEN 1 ELSE 0 END, coalesce(coverage, 0),
                   coalesce(weighted, 0), coalesce(containment, 0), coalesce(copies, 1)]::float8[] $$;

COMMENT ON FUNCTION llmcopy_origin_key(int, bool, float8, float8, float8, int) IS
'sort key (descending) that ranks the origin of a copied text first among the works holding it';

-- ---------------------------------------------------------------------------
-- aggregates

-- ---------------------------------------------------------------------------
-- evidence spans and reports

-- ---------------------------------------------------------------------------
-- SPDX and licenses

-- ---------------------------------------------------------------------------
-- the workflow: registration, scans, findings, views, privileges
--
-- Registrations by schema and name instead of OID; scan records instead of
-- watermarks (outputs at or below a pair's 0.1.0 watermark are recorded as
-- scanned); functions with a pinned search_path; privileges, row-level
-- security, the reproduction rate; catalogue edits that pg_dump keeps.

DROP VIEW llmcopy_findings_daily, llmcopy_findings_by_obligation, llmcopy_output_attribution,
    llmcopy_top_works, llmcopy_license_conflicts;
DROP PROCEDURE llmcopy_scan(regclass, regclass, float8, int, int, int);
DROP FUNCTION llmcopy_scan_works(text, fingerprint, float8, fingerprint),
    llmcopy_column_type(regclass, name, text), llmcopy_add_fingerprint(regclass, name, int, int, text, bool),
    llmcopy_register_corpus(regclass, name, name, name, name, name, name, int, int, text, bool),
    llmcopy_register_outputs(regclass, name, name, name, name, int, int, text), llmcopy_unregister(regclass),
    llmcopy_refresh_boilerplate(regclass, int);

-- a registration keeps its table's schema and name (a table that no longer
-- exists keeps its OID as a name: the registration shows as broken), and
-- its id column's type as a type
ALTER TABLE llmcopy_corpus_tables ADD COLUMN schema_name name, ADD COLUMN table_name name, ADD COLUMN id_regtype regtype;
ALTER TABLE llmcopy_output_tables ADD COLUMN schema_name name, ADD COLUMN table_name name, ADD COLUMN id_regtype regtype;
UPDATE llmcopy_corpus_tables x
SET schema_name = coalesce((SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = x.tbl), ''),
    table_name = coalesce((SELECT c.relname FROM pg_class c WHERE c.oid = x.tbl), x.tbl::oid::text),
    id_regtype = coalesce((SELECT a.atttypid FROM pg_attribute a WHERE a.attrelid = x.tbl AND a.attname = x.id_col AND NOT a.attisdropped),
                          to_regtype(x.id_type), 'text'::regtype);
UPDATE llmcopy_output_tables x
SET schema_name = coalesce((SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = x.tbl), ''),
    table_name = coalesce((SELECT c.relname FROM pg_class c WHERE c.oid = x.tbl), x.tbl::oid::text),
    id_regtype = coalesce((SELECT a.atttypid FROM pg_attribute a WHERE a.attrelid = x.tbl AND a.attname = x.id_col AND NOT a.attisdropped),
                          to_regtype(x.id_type), 'text'::regtype);
ALTER TABLE llmcopy_corpus_tables DROP COLUMN tbl, DROP COLUMN id_type,
    ALTER COLUMN schema_name SET NOT NULL, ALTER COLUMN table_name SET NOT NULL, ALTER COLUMN id_regtype SET NOT NULL,
    ADD UNIQUE (schema_name, table_name);
ALTER TABLE llmcopy_corpus_tables RENAME COLUMN id_regtype TO id_type;
ALTER TABLE llmcopy_output_tables DROP COLUMN tbl, DROP COLUMN id_type,
    ALTER COLUMN schema_name SET NOT NULL, ALTER COLUMN table_name SET NOT NULL, ALTER COLUMN id_regtype SET NOT NULL,
    ADD UNIQUE (schema_name, table_name);
ALTER TABLE llmcopy_output_tables RENAME COLUMN id_regtype TO id_type;

-- What was scanned: one row per output and corpus, written with the
-- output's findings.  status 'skipped': the output could not be scanned
-- (reason: SQLSTATE and message); it stays recorded and is not retried.
CREATE TABLE llmcopy_scanned (
    output_table int NOT NULL REFERENCES llmcopy_output_tables ON DELETE CASCADE,
    corpus_table int NOT NULL REFERENCES llmcopy_corpus_tables ON DELETE CASCADE,
    output_id text NOT NULL,
    status text NOT NULL CHECK (status IN ('scanned', 'skipped')),
    reason text,
    model text,
    logged_at timestamptz,
    scanned_at timestamptz NOT NULL DEFAULT now(),
    run_id int,
    PRIMARY KEY (output_table, corpus_table, output_id)
);
SELECT pg_catalog.pg_extension_config_dump('llmcopy_scanned', '');

ALTER TABLE llmcopy_runs ADD COLUMN skipped bigint NOT NULL DEFAULT 0, ADD COLUMN batches int NOT NULL DEFAULT 0,
    ADD COLUMN scan int, ADD COLUMN threshold float8, ADD COLUMN min_tokens int, ADD COLUMN batch_size int,
    ADD COLUMN max_batches int,
    ADD CHECK (status IN ('running', 'done', 'stopped', 'failed'));

-- The table of a schema and a name, or NULL; no permission is needed to
-- look (the catalogue is public), so a broken registration never hides
-- the others.
CREATE FUNCTION llmcopy_lookup(schema_name name, table_name name) RETURNS regclass
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT c.oid::regclass FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = schema_name AND c.relname = table_name;
END;

-- The base type of a type: itself, or what its domain (of domains) is over.
CREATE FUNCTION llmcopy_base_type(t regtype) RETURNS regtype
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    WITH RECURSIVE d(oid, typtype, typbasetype) AS (
        SELECT y.oid, y.typtype, y.typbasetype FROM pg_catalog.pg_type y WHERE y.oid = t
        UNION ALL
        SELECT y.oid, y.typtype, y.typbasetype FROM d JOIN pg_catalog.pg_type y ON y.oid = d.typbasetype
        WHERE d.typtype = 'd')
    SELECT d.oid::regtype FROM d WHERE d.typtype <> 'd';
END;

-- Why a column cannot serve a registration (NULL if it can), and the
-- SQLSTATE to raise.  Roles: 'id' (int2, int4, int8, text, varchar, uuid or
-- a domain over one: compared in that built-in type, printed the same in
-- every session), 'text' (text or varchar), 'time' (timestamptz, timestamp
-- or date), 'label' (a built-in type, or a domain over one: read as text).
CREATE FUNCTION llmcopy_column_problem(tbl regclass, col name, role text, OUT problem text, OUT code text)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    t regtype;
    base regtype;
BEGIN
    SELECT a.atttypid INTO t FROM pg_attribute a
    WHERE a.attrelid = tbl AND a.attname = col AND a.attnum > 0 AND NOT a.attisdropped;
    IF t IS NULL THEN
        problem := format('column %I does not exist', col);
        code := '42703';
        RETURN;
    END IF;
    base := @extschema@.llmcopy_base_type(t);
    IF role = 'id' AND base NOT IN ('int2'::regtype, 'int4', 'int8', 'text', 'varchar', 'uuid')
       OR role = 'text' AND t NOT IN ('text'::regtype, 'varchar')
       OR role = 'time' AND t NOT IN ('timestamptz'::regtype, 'timestamp', 'date')
       OR role = 'label' AND (SELECT y.typnamespace <> 'pg_catalog'::regnamespace FROM pg_type y WHERE y.oid = base) THEN
        problem := format('column %I has type %s, not %s', col, t,
                          CASE role WHEN 'id' THEN 'smallint, integer, bigint, text, varchar or uuid'
                                    WHEN 'text' THEN 'text or varchar'
                                    WHEN 'time' THEN 'a timestamp or a date'
                                    ELSE 'a built-in type' END);
        code := '42804';
    END IF;
END $$;

-- The expression of a registered table's fingerprint column, as
-- pg_get_expr prints it with the search_path of these functions.
CREATE FUNCTION llmcopy_fingerprint_expr(tbl regclass, text_col name, k int, w int, mode text) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT pg_catalog.format(CASE WHEN a.atttypid = 'text'::regtype THEN '%s.fingerprint(%I, %s, %s, %L::text)'
                                  ELSE '%s.fingerprint((%I)::text, %s, %s, %L::text)' END,
                             '@extschema@', text_col, k, w, mode)
    FROM pg_catalog.pg_attribute a WHERE a.attrelid = tbl AND a.attname = text_col AND NOT a.attisdropped;
END;

-- Whether a table has the column llmcopy_fp, and whether it is generated as expr.
CREATE FUNCTION llmcopy_fingerprint_column(tbl regclass, expr text, OUT present bool, OUT generated_as bool)
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT count(*) > 0,
           coalesce(bool_or(a.attgenerated = 's' AND a.atttypid = '@extschema@.fingerprint'::regtype
                            AND pg_catalog.pg_get_expr(d.adbin, d.adrelid) = expr), false)
    FROM pg_catalog.pg_attribute a LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE a.attrelid = tbl AND a.attname = 'llmcopy_fp' AND NOT a.attisdropped;
END;

-- Why a registration cannot be scanned now, by the current role (NULL if
-- it can), and its table if it exists.  The checks: the table exists under
-- its registered name and is a plain or partitioned table; each registered
-- column exists with a usable type, the id column with the type it had;
-- llmcopy_fp is still generated by this extension's fingerprint() of the
-- text column with the registered parameters; the role may read the table;
-- and no row-level security policy of another role would run as it.
CREATE FUNCTION llmcopy_registration_problem(kind text, registration int,
    OUT tbl regclass, OUT problem text, OUT code text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r jsonb;
    rel record;
    c record;
    p record;
    expected text;
BEGIN
    IF kind = 'outputs' THEN
        SELECT to_jsonb(x) INTO r FROM @extschema@.llmcopy_output_tables x WHERE x.id = registration;
    ELSE
        SELECT to_jsonb(x) INTO r FROM @extschema@.llmcopy_corpus_tables x WHERE x.id = registration;
    END IF;
    IF r IS NULL THEN
        problem := 'no such registration';
        code := '42704';
        RETURN;
    END IF;
    tbl := @extschema@.llmcopy_lookup((r ->> 'schema_name')::name, (r ->> 'table_name')::name);
    IF tbl IS NULL THEN
        problem := 'the table does not exist';
        code := '42P01';
        RETURN;
    END IF;
    SELECT cl.relkind, cl.relrowsecurity, cl.relforcerowsecurity, cl.relowner, cl.relnamespace INTO rel
    FROM pg_class cl WHERE cl.oid = tbl;
    IF rel.relkind NOT IN ('r', 'p') THEN
        problem := 'it is not a table';
        code := '42809';
        RETURN;
    END IF;
    FOR c IN SELECT v.field, v.role FROM (VALUES ('id_col', 'id'), ('text_col', 'text'), ('logged_at_col', 'time'),
                                                 ('model_col', 'label'), ('license_col', 'text'), ('author_col', 'text'),
                                                 ('title_col', 'text'), ('source_col', 'text')) v(field, role)
             WHERE r ->> v.field IS NOT NULL LOOP
        SELECT * INTO p FROM @extschema@.llmcopy_column_problem(tbl, (r ->> c.field)::name, c.role);
        IF p.problem IS NOT NULL THEN
            problem := p.problem;
            code := p.code;
            RETURN;
        END IF;
    END LOOP;
    IF (SELECT a.atttypid::regtype::text FROM pg_attribute a
        WHERE a.attrelid = tbl AND a.attname = r ->> 'id_col' AND NOT a.attisdropped) <> r ->> 'id_type' THEN
        problem := format('column %I was %s when registered', r ->> 'id_col', r ->> 'id_type');
        code := '42804';
        RETURN;
    END IF;
    expected := @extschema@.llmcopy_fingerprint_expr(tbl, (r ->> 'text_col')::name, (r ->> 'k')::int, (r ->> 'w')::int, r ->> 'mode');
    IF NOT (@extschema@.llmcopy_fingerprint_column(tbl, expected)).generated_as THEN
        problem := format('column llmcopy_fp is not generated as %s', expected);
        code := '42703';
        RETURN;
    END IF;
    IF NOT has_schema_privilege(rel.relnamespace, 'USAGE') OR NOT has_table_privilege(tbl, 'SELECT') THEN
        problem := format('permission denied: role %I may not read it', current_user);
        code := '42501';
        RETURN;
    END IF;
    IF rel.relrowsecurity
       AND NOT (SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user)
       AND (rel.relowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user) OR rel.relforcerowsecurity) THEN
        problem := format('it has row-level security, whose policies would run as role %I', current_user);
        code := '42501';
    END IF;
END $$;

-- The table of a registration, or an error that names the registration.
CREATE FUNCTION llmcopy_resolve(kind text, registration int) RETURNS regclass
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    p record;
    nm record;
BEGIN
    SELECT * INTO p FROM @extschema@.llmcopy_registration_problem(kind, registration);
    IF p.problem IS NOT NULL THEN
        IF kind = 'outputs' THEN
            SELECT x.schema_name, x.table_name INTO nm FROM @extschema@.llmcopy_output_tables x WHERE x.id = registration;
        ELSE
            SELECT x.schema_name, x.table_name INTO nm FROM @extschema@.llmcopy_corpus_tables x WHERE x.id = registration;
        END IF;
        RAISE EXCEPTION '% registration % (table %.%) cannot be used: %', kind, registration,
            quote_ident(nm.schema_name), quote_ident(nm.table_name), p.problem
            USING ERRCODE = p.code,
                  HINT = CASE WHEN p.code = '42501' THEN 'Scan it as a role that may read it (and, with row-level security, as its owner).'
                              ELSE format('Restore the table, or remove the registration: DELETE FROM %s.%I WHERE id = %s.',
                                          '@extschema@', CASE kind WHEN 'outputs' THEN 'llmcopy_output_tables' ELSE 'llmcopy_corpus_tables' END,
                                          registration) END;
    END IF;
    RETURN p.tbl;
END $$;

-- Registrations, each with the problem that keeps the current role from
-- scanning it (NULL when it can).
CREATE VIEW llmcopy_registrations WITH (security_invoker = true) AS
SELECT r.kind, r.id, r.schema_name, r.table_name, p.tbl, r.registered_at, p.problem
FROM (SELECT 'corpus' AS kind, c.id, c.schema_name, c.table_name, c.registered_at FROM llmcopy_corpus_tables c
      UNION ALL
      SELECT 'outputs', o.id, o.schema_name, o.table_name, o.registered_at FROM llmcopy_output_tables o) r,
     LATERAL llmcopy_registration_problem(r.kind, r.id) p;

-- The ids of the registrations whose table the current role may read: the
-- row-level security of findings and scan records.
CREATE FUNCTION llmcopy_readable(kind text) RETURNS SETOF int
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT r.id
    FROM (SELECT c.id, c.schema_name, c.table_name FROM llmcopy_corpus_tables c WHERE kind = 'corpus'
          UNION ALL
          SELECT o.id, o.schema_name, o.table_name FROM llmcopy_output_tables o WHERE kind = 'outputs') r,
         LATERAL (SELECT llmcopy_lookup(r.schema_name, r.table_name) AS t) l
    WHERE l.t IS NOT NULL
      AND pg_catalog.has_schema_privilege((SELECT cl.relnamespace FROM pg_catalog.pg_class cl WHERE cl.oid = l.t), 'USAGE')
      AND pg_catalog.has_table_privilege(l.t, 'SELECT');
END;

-- Findings quote the outputs and the works: a role sees those of the
-- tables it may read, and writes only those.  (The extension's owner and
-- superusers are not subject to it.)
ALTER TABLE llmcopy_findings ENABLE ROW LEVEL SECURITY;
CREATE POLICY llmcopy_readable ON llmcopy_findings
    USING (output_table IN (SELECT llmcopy_readable('outputs')) AND corpus_table IN (SELECT llmcopy_readable('corpus')));
ALTER TABLE llmcopy_scanned ENABLE ROW LEVEL SECURITY;
CREATE POLICY llmcopy_readable ON llmcopy_scanned
    USING (output_table IN (SELECT llmcopy_readable('outputs')) AND corpus_table IN (SELECT llmcopy_readable('corpus')));

-- The schema and name of a table to register, which must be a plain or
-- partitioned table that lives longer than the session.
CREATE FUNCTION llmcopy_registrable(tbl regclass, OUT schema_name name, OUT table_name name)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rel record;
BEGIN
    SELECT n.nspname, c.relname, c.relkind, c.relpersistence INTO rel
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = tbl;
    IF rel.relkind NOT IN ('r', 'p') OR rel.relpersistence = 't' THEN
        RAISE EXCEPTION '% is not a table that can be registered', tbl USING ERRCODE = 'wrong_object_type',
            HINT = 'Register a plain or partitioned table that is not temporary.';
    END IF;
    schema_name := rel.nspname;
    table_name := rel.relname;
END $$;

-- Raises the problem of a column (llmcopy_column_problem), if any.
CREATE FUNCTION llmcopy_check_column(tbl regclass, col name, role text) RETURNS regtype
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    p record;
BEGIN
    SELECT * INTO p FROM @extschema@.llmcopy_column_problem(tbl, col, role);
    IF p.problem IS NOT NULL THEN
        RAISE EXCEPTION 'cannot register table %: %', tbl, p.problem USING ERRCODE = p.code;
    END IF;
    RETURN (SELECT a.atttypid FROM pg_attribute a WHERE a.attrelid = tbl AND a.attname = col AND NOT a.attisdropped);
END $$;

-- Adds the fingerprint column (stored, generated from the text by this
-- extension's fingerprint(), whatever the registering role's search_path)
-- and, for a corpus, its GIN index, named by PostgreSQL (never colliding).
CREATE FUNCTION llmcopy_add_fingerprint(tbl regclass, text_col name, k int, w int, mode text,
                                        create_index bool) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    expr text := @extschema@.llmcopy_fingerprint_expr(tbl, text_col, k, w, mode);
    col record := @extschema@.llmcopy_fingerprint_column(tbl, expr);
BEGIN
    PERFORM @extschema@.fingerprint(''::text, k, w, mode);     -- checks the parameters
    IF NOT col.present THEN
        EXECUTE format('ALTER TABLE %s ADD COLUMN llmcopy_fp %s.fingerprint GENERATED ALWAYS AS (%s) STORED',
                       tbl, '@extschema@', expr);
    ELSIF col.generated_as THEN
        -- a table registered twice (as outputs and as a corpus) shares the
        -- column, and its index
        IF EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
                   WHERE i.indrelid = tbl AND a.attname = 'llmcopy_fp') THEN
            create_index := NULL;
        END IF;
    ELSE
        RAISE EXCEPTION 'table % already has a column llmcopy_fp, not generated as %', tbl, expr
            USING ERRCODE = 'duplicate_column';
    END IF;
    IF create_index THEN
        EXECUTE format('CREATE INDEX ON %2$s USING gin (llmcopy_fp %1$s.fingerprint_ops)', '@extschema@', tbl);
    ELSIF create_index IS NOT NULL THEN
        RAISE NOTICE 'create the index when it suits you: CREATE INDEX CONCURRENTLY ON % USING gin (llmcopy_fp)', tbl;
    END IF;
END $$;

CREATE FUNCTION llmcopy_register_corpus(tbl regclass, id_col name, text_col name,
    license_col name DEFAULT NULL, author_col name DEFAULT NULL, title_col name DEFAULT NULL,
    source_col name DEFAULT NULL, k int DEFAULT 5, w int DEFAULT 10, mode text DEFAULT 'text',
    create_index bool DEFAULT true)
RETURNS int LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    nm record := @extschema@.llmcopy_registrable(tbl);
    id_type regtype := @extschema@.llmcopy_check_column(tbl, id_col, 'id');
    rid int;
BEGIN
    IF EXISTS (SELECT 1 FROM @extschema@.llmcopy_corpus_tables x
               WHERE (x.schema_name, x.table_name) = (nm.schema_name, nm.table_name)) THEN
        RAISE EXCEPTION 'table % is already registered as a corpus', tbl USING ERRCODE = 'duplicate_object';
    END IF;
    PERFORM @extschema@.llmcopy_check_column(tbl, c, 'text')
    FROM unnest(ARRAY[text_col, license_col, author_col, title_col, source_col]) c WHERE c IS NOT NULL;
    PERFORM @extschema@.llmcopy_add_fingerprint(tbl, text_col, k, w, mode, coalesce(create_index, false));
    INSERT INTO @extschema@.llmcopy_corpus_tables (schema_name, table_name, id_col, id_type, text_col, license_col,
                                                   author_col, title_col, source_col, k, w, mode)
    VALUES (nm.schema_name, nm.table_name, id_col, id_type, text_col, license_col, author_col, title_col,
            source_col, k, w, mode)
    RETURNING id INTO rid;
    RETURN rid;
END $$;

COMMENT ON FUNCTION llmcopy_register_corpus(regclass, name, name, name, name, name, name, int, int, text, bool) IS
'register a table of works: adds a stored fingerprint column and its GIN index (or tells how to build it concurrently)';

CREATE FUNCTION llmcopy_register_outputs(tbl regclass, id_col name, text_col name, logged_at_col name,
    model_col name DEFAULT NULL, k int DEFAULT 5, w int DEFAULT 10, mode text DEFAULT 'text')
RETURNS int LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    nm record := @extschema@.llmcopy_registrable(tbl);
    id_type regtype := @extschema@.llmcopy_check_column(tbl, id_col, 'id');
    rid int;
BEGIN
    IF EXISTS (SELECT 1 FROM @extschema@.llmcopy_output_tables x
               WHERE (x.schema_name, x.table_name) = (nm.schema_name, nm.table_name)) THEN
        RAISE EXCEPTION 'table % is already registered for outputs', tbl USING ERRCODE = 'duplicate_object';
    END IF;
    PERFORM @extschema@.llmcopy_check_column(tbl, text_col, 'text');
    PERFORM @extschema@.llmcopy_check_column(tbl, logged_at_col, 'time');
    IF model_col IS NOT NULL THEN
        PERFORM @extschema@.llmcopy_check_column(tbl, model_col, 'label');
    END IF;
    -- no index: the scan reads outputs by id, and searches the corpus's index
    PERFORM @extschema@.llmcopy_add_fingerprint(tbl, text_col, k, w, mode, NULL);
    INSERT INTO @extschema@.llmcopy_output_tables (schema_name, table_name, id_col, id_type, text_col, logged_at_col,
                                                   model_col, k, w, mode)
    VALUES (nm.schema_name, nm.table_name, id_col, id_type, text_col, logged_at_col, model_col, k, w, mode)
    RETURNING id INTO rid;
    RETURN rid;
END $$;

COMMENT ON FUNCTION llmcopy_register_outputs(regclass, name, name, name, name, int, int, text) IS
'register a table of logged model outputs: adds a stored fingerprint column';

-- Undoes a registration: the configuration, findings and scan records, and
-- the column (its index goes with it).
CREATE FUNCTION llmcopy_unregister(tbl regclass) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    nm record;
BEGIN
    SELECT n.nspname AS schema_name, c.relname AS table_name INTO nm
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = tbl;
    IF NOT EXISTS (SELECT 1 FROM @extschema@.llmcopy_corpus_tables x WHERE (x.schema_name, x.table_name) = (nm.schema_name, nm.table_name)
                   UNION ALL
                   SELECT 1 FROM @extschema@.llmcopy_output_tables x WHERE (x.schema_name, x.table_name) = (nm.schema_name, nm.table_name)) THEN
        RAISE EXCEPTION 'table % is not registered with pg_llmcopy', tbl USING ERRCODE = 'undefined_object';
    END IF;
    DELETE FROM @extschema@.llmcopy_corpus_tables x WHERE (x.schema_name, x.table_name) = (nm.schema_name, nm.table_name);
    DELETE FROM @extschema@.llmcopy_output_tables x WHERE (x.schema_name, x.table_name) = (nm.schema_name, nm.table_name);
    EXECUTE format('ALTER TABLE %s DROP COLUMN IF EXISTS llmcopy_fp', tbl);
END $$;

-- Stores the shingles (every k-gram, w = 1) common to at least min_docs
-- works; scans subtract them.  Shingles rather than the works' winnowed
-- hashes, because winnowing selects a passage's hashes differently in each
-- work: every hash of a common passage must go, not only those most works
-- happened to select.
CREATE FUNCTION llmcopy_refresh_boilerplate(corpus regclass, min_docs int) RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    c @extschema@.llmcopy_corpus_tables;
    tbl regclass;
    bp @extschema@.fingerprint;
BEGIN
    SELECT x.* INTO c FROM @extschema@.llmcopy_corpus_tables x, pg_class cl, pg_namespace n
    WHERE cl.oid = corpus AND n.oid = cl.relnamespace AND (x.schema_name, x.table_name) = (n.nspname, cl.relname);
    IF NOT FOUND THEN
        RAISE EXCEPTION 'table % is not a registered corpus', corpus USING ERRCODE = 'undefined_object';
    END IF;
    tbl := @extschema@.llmcopy_resolve('corpus', c.id);
    EXECUTE format('SELECT %1$s.fingerprint_common_agg(%1$s.fingerprint(w.%2$I, %3$s, 1, %4$L::text), $1) FROM %5$s w',
                   '@extschema@', c.text_col, c.k, c.mode, tbl) INTO bp USING min_docs;
    bp := coalesce(bp, @extschema@.fingerprint(''::text, c.k, 1, c.mode));
    INSERT INTO @extschema@.llmcopy_boilerplate VALUES (c.id, bp, min_docs, now())
    ON CONFLICT (corpus_id) DO UPDATE SET fp = excluded.fp, min_docs = excluded.min_docs,
                                          refreshed_at = excluded.refreshed_at;
    RETURN (@extschema@.fingerprint_info(bp)).hashes;
END $$;

-- The nightly scan.  A procedure cannot pin its search_path and still
-- commit, so llmcopy_scan only calls the steps below by their qualified
-- names, each a function that pins it: llmcopy_scan_begin checks every
-- registration it will use (an error there commits nothing), marks runs
-- whose scan is gone as failed, and starts a run per pair of tables;
-- llmcopy_scan_pending lists the run's pending outputs once, in batches;
-- llmcopy_scan_batch claims and scans a batch, which then commits;
-- llmcopy_scan_end closes the run.  A session advisory lock (1819045219,
-- the first run of the call) says the call is alive.
CREATE PROCEDURE llmcopy_scan(outputs regclass DEFAULT NULL, corpus regclass DEFAULT NULL,
    threshold float8 DEFAULT NULL, min_tokens int DEFAULT 8, batch_size int DEFAULT 500,
    max_batches int DEFAULT NULL)
LANGUAGE plpgsql AS $$
DECLARE
    r record;
    b record;
BEGIN
    FOR r IN SELECT * FROM @extschema@.llmcopy_scan_begin(outputs, corpus, threshold, min_tokens, batch_size, max_batches) LOOP
        COMMIT;
        FOR b IN SELECT * FROM @extschema@.llmcopy_scan_pending(r.run_id) LOOP
            PERFORM @extschema@.llmcopy_scan_batch(r.run_id, b.ids);
            COMMIT;
        END LOOP;
        PERFORM @extschema@.llmcopy_scan_end(r.run_id);
        COMMIT;
    END LOOP;
END $$;

COMMENT ON PROCEDURE llmcopy_scan(regclass, regclass, float8, int, int, int) IS
'scan every output not yet scanned against the registered corpora, in committed batches; each output exactly once';

CREATE FUNCTION llmcopy_scan_begin(outputs regclass, corpus regclass, threshold float8, min_tokens int,
    batch_size int, max_batches int) RETURNS TABLE (run_id int)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    t float8;
    p record;
    s int;
    runs int[] := '{}';
BEGIN
    IF batch_size IS NULL OR batch_size < 1 THEN
        RAISE EXCEPTION 'batch_size must be at least 1' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF min_tokens IS NULL OR min_tokens < 1 THEN
        RAISE EXCEPTION 'min_tokens must be at least 1' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF max_batches < 0 THEN
        RAISE EXCEPTION 'max_batches must not be negative' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM @extschema@.fingerprint(''::text);       -- (calling into the library defines its settings)
    t := coalesce(threshold, current_setting('pg_llmcopy.containment_threshold')::float8);
    PERFORM @extschema@.fingerprint_contained(@extschema@.fingerprint(''::text), @extschema@.fingerprint(''::text), t);
    IF outputs IS NOT NULL AND NOT EXISTS (
           SELECT 1 FROM @extschema@.llmcopy_output_tables x, pg_class c, pg_namespace n
           WHERE c.oid = outputs AND n.oid = c.relnamespace AND (x.schema_name, x.table_name) = (n.nspname, c.relname)) THEN
        RAISE EXCEPTION 'table % is not registered for outputs', outputs USING ERRCODE = 'undefined_object';
    END IF;
    IF corpus IS NOT NULL AND NOT EXISTS (
           SELECT 1 FROM @extschema@.llmcopy_corpus_tables x, pg_class c, pg_namespace n
           WHERE c.oid = corpus AND n.oid = c.relnamespace AND (x.schema_name, x.table_name) = (n.nspname, c.relname)) THEN
        RAISE EXCEPTION 'table % is not a registered corpus', corpus USING ERRCODE = 'undefined_object';
    END IF;
    -- every registration this call uses must resolve, before anything is written
    FOR p IN SELECT o.id AS oid, c.id AS cid, o.k, o.w, o.mode, c.k AS ck, c.w AS cw, c.mode AS cmode
             FROM @extschema@.llmcopy_output_tables o, @extschema@.llmcopy_corpus_tables c
             WHERE (outputs IS NULL OR (o.schema_name, o.table_name) =
                        (SELECT n.nspname, cl.relname FROM pg_class cl JOIN pg_namespace n ON n.oid = cl.relnamespace WHERE cl.oid = outputs))
               AND (corpus IS NULL OR (c.schema_name, c.table_name) =
                        (SELECT n.nspname, cl.relname FROM pg_class cl JOIN pg_namespace n ON n.oid = cl.relnamespace WHERE cl.oid = corpus))
             ORDER BY o.id, c.id LOOP
        -- outputs and works fingerprinted differently cannot be compared:
        -- such a pair is not scanned, unless both tables were named
        IF (p.k, p.w, p.mode) IS DISTINCT FROM (p.ck, p.cw, p.cmode) THEN
            CONTINUE WHEN outputs IS NULL OR corpus IS NULL;
            RAISE EXCEPTION 'outputs registration % and corpus registration % are fingerprinted with different parameters',
                p.oid, p.cid USING ERRCODE = 'data_exception';
        END IF;
        PERFORM @extschema@.llmcopy_resolve('outputs', p.oid);
        PERFORM @extschema@.llmcopy_resolve('corpus', p.cid);
        INSERT INTO @extschema@.llmcopy_runs AS x (output_table, corpus_table, threshold, min_tokens, batch_size, max_batches)
        VALUES (p.oid, p.cid, t, greatest(min_tokens, p.k), batch_size, max_batches)
        RETURNING x.run_id INTO s;
        runs := runs || s;
    END LOOP;
    IF cardinality(runs) = 0 THEN
        RAISE EXCEPTION 'no registered outputs and corpus to scan' USING ERRCODE = 'undefined_object',
            HINT = 'Register them with llmcopy_register_outputs and llmcopy_register_corpus.';
    END IF;
    -- runs left 'running' by a call whose session is gone (or by an earlier
    -- call of this one that failed) have failed
    FOR s IN SELECT DISTINCT x.scan FROM @extschema@.llmcopy_runs x WHERE x.status = 'running' AND x.run_id <> ALL (runs) LOOP
        IF s IS NULL OR pg_try_advisory_lock(1819045219, s) THEN
            UPDATE @extschema@.llmcopy_runs x SET status = 'failed', finished_at = clock_timestamp()
            WHERE x.status = 'running' AND x.scan IS NOT DISTINCT FROM s;
            WHILE s IS NOT NULL AND EXISTS (SELECT 1 FROM pg_locks l
                                            WHERE l.locktype = 'advisory' AND l.pid = pg_backend_pid() AND l.classid = 1819045219
                                              AND l.objid = s AND l.objsubid = 2) LOOP
                PERFORM pg_advisory_unlock(1819045219, s);
            END LOOP;
        END IF;
    END LOOP;
    UPDATE @extschema@.llmcopy_runs x SET scan = runs[1] WHERE x.run_id = ANY (runs);
    PERFORM pg_advisory_lock(1819045219, runs[1]);
    RETURN QUERY SELECT unnest(runs);
END $$;

-- The pending outputs of a run, listed once: those with no scan record for
-- the pair, oldest logged_at first (NULL last), in batches.
CREATE FUNCTION llmcopy_scan_pending(run int) RETURNS TABLE (ids text[])
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r @extschema@.llmcopy_runs;
    o @extschema@.llmcopy_output_tables;
    pending text[];
    n int;
    nb int;
BEGIN
    SELECT * INTO STRICT r FROM @extschema@.llmcopy_runs x WHERE x.run_id = run;
    SELECT * INTO STRICT o FROM @extschema@.llmcopy_output_tables x WHERE x.id = r.output_table;
    nb := r.max_batches - (SELECT coalesce(sum(x.batches), 0) FROM @extschema@.llmcopy_runs x WHERE x.scan = r.scan);
    IF nb <= 0 THEN
        UPDATE @extschema@.llmcopy_runs x SET status = 'stopped' WHERE x.run_id = run;
        RETURN;
    END IF;
    BEGIN
        -- the ids are read first (on a distributed table: one query to the
        -- shards), then compared with the records here
        EXECUTE format(
            'WITH o AS MATERIALIZED (SELECT o.%1$I::text AS id, o.%2$I::timestamptz AS at FROM %3$s o)
             SELECT array_agg(o.id ORDER BY o.at NULLS LAST, o.id) FROM o
             WHERE NOT EXISTS (SELECT 1 FROM %4$s.llmcopy_scanned s
                               WHERE s.output_table = $1 AND s.corpus_table = $2 AND s.output_id = o.id)',
            o.id_col, o.logged_at_col, @extschema@.llmcopy_resolve('outputs', o.id), '@extschema@')
        INTO pending USING r.output_table, r.corpus_table;
    EXCEPTION WHEN OTHERS OR query_canceled THEN
        PERFORM pg_advisory_unlock(1819045219, r.scan);   -- the run has failed: say so at once
        RAISE;
    END;
    n := coalesce(cardinality(pending), 0);
    UPDATE @extschema@.llmcopy_runs x SET total = n, updated_at = clock_timestamp() WHERE x.run_id = run;
    IF nb < (n + r.batch_size - 1) / r.batch_size THEN
        UPDATE @extschema@.llmcopy_runs x SET status = 'stopped' WHERE x.run_id = run;
    END IF;
    RETURN QUERY
        SELECT pending[i * r.batch_size + 1 : (i + 1) * r.batch_size]
        FROM generate_series(0, least((n + r.batch_size - 1) / r.batch_size, nb) - 1) i;
END $$;

-- One batch: claim the outputs (insert their scan records; an output
-- another scan claimed first is left to it), then find the works each is
-- contained in through the corpus's index, with evidence spans, in one
-- statement.  If that statement fails, each output is retried alone, and
-- one that still fails is recorded as skipped, with the error.
CREATE FUNCTION llmcopy_scan_batch(run int, ids text[]) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r @extschema@.llmcopy_runs;
    o @extschema@.llmcopy_output_tables;
    c @extschema@.llmcopy_corpus_tables;
    otbl regclass;
    ctbl regclass;
    base regtype;
    bp @extschema@.fingerprint;
    claimed text[];
    one text;
    n int;
    nf bigint := 0;
    nf1 bigint;
    n_skipped int := 0;
    find_sql text;
BEGIN
    SELECT * INTO STRICT r FROM @extschema@.llmcopy_runs x WHERE x.run_id = run;
    BEGIN
        SELECT * INTO STRICT o FROM @extschema@.llmcopy_output_tables x WHERE x.id = r.output_table;
        SELECT * INTO STRICT c FROM @extschema@.llmcopy_corpus_tables x WHERE x.id = r.corpus_table;
        otbl := @extschema@.llmcopy_resolve('outputs', o.id);
        ctbl := @extschema@.llmcopy_resolve('corpus', c.id);
        base := @extschema@.llmcopy_base_type(o.id_type);
        bp := coalesce((SELECT b.fp FROM @extschema@.llmcopy_boilerplate b WHERE b.corpus_id = c.id),
                       @extschema@.fingerprint(''::text, c.k, 1, c.mode));
        EXECUTE format(
            'WITH claimed AS (
                 INSERT INTO %1$s.llmcopy_scanned (output_table, corpus_table, output_id, status, model, logged_at, run_id)
                 SELECT $1, $2, o.%2$I::text, ''scanned'', %3$s, o.%4$I::timestamptz, $3
                 FROM %5$s o WHERE o.%2$I = ANY ($4::%6$s[])
                 ON CONFLICT DO NOTHING
                 RETURNING output_id)
             SELECT array_agg(output_id) FROM claimed',
            '@extschema@', o.id_col,
            CASE WHEN o.model_col IS NULL THEN 'NULL' ELSE format('o.%I::text', o.model_col) END,
            o.logged_at_col, otbl, base)
        INTO claimed USING o.id, c.id, run, ids;
        n := coalesce(cardinality(claimed), 0);
        -- (the batch's outputs are materialized first, so a distributed
        -- outputs table is read once and the join is with its result)
        find_sql := format(
            'WITH b AS MATERIALIZED (
                 SELECT o.%2$I::text AS output_id, o.%3$I AS body, %1$s.fingerprint_minus(o.llmcopy_fp, $2) AS fp,
                        (%1$s.fingerprint_info(o.llmcopy_fp)).tokens AS tokens,
                        o.%4$I::timestamptz AS logged_at, %5$s AS model
                 FROM %6$s o WHERE o.%2$I = ANY ($1::%7$s[]))
             INSERT INTO %1$s.llmcopy_findings (output_table, output_id, corpus_table, work_id, logged_at, model,
                 containment, longest_tokens, coverage, spans, license, license_raw, obligations, author, title,
                 source, run_id)
             SELECT $5, b.output_id, $6, d.%8$I::text, b.logged_at, b.model, %1$s.containment(b.fp, d.llmcopy_fp),
                    m.longest, CASE WHEN b.tokens = 0 THEN 0 ELSE m.matched::float8 / b.tokens END,
                    m.spans, lic.norm, lic.raw,
                    CASE WHEN lic.norm IS NOT NULL THEN to_jsonb(%1$s.license_obligations(lic.norm)) END,
                    %11$s, %12$s, %13$s, $7
             FROM b JOIN %14$s d ON %1$s.fingerprint_contained(b.fp, d.llmcopy_fp, $3)
             CROSS JOIN LATERAL (
                   SELECT coalesce(jsonb_agg(to_jsonb(s) ORDER BY s.a_start), ''[]'') AS spans,
                          coalesce(max(s.tokens), 0) AS longest, coalesce(sum(s.tokens), 0) AS matched
                   FROM %1$s.llmcopy_matches(b.body, d.%9$I, $4, %15$L::text) s) m
             CROSS JOIN LATERAL (SELECT %10$s AS raw) r
             CROSS JOIN LATERAL (
                   SELECT r.raw,
                          CASE WHEN r.raw IS NULL THEN NULL
                               WHEN %1$s.spdx_valid(r.raw) THEN %1$s.spdx_normalize(r.raw)
                               ELSE %1$s.spdx_correct(r.raw) END AS norm) lic
             ON CONFLICT DO NOTHING',
            '@extschema@', o.id_col, o.text_col, o.logged_at_col,
            CASE WHEN o.model_col IS NULL THEN 'NULL::text' ELSE format('o.%I::text', o.model_col) END,
            otbl, base, c.id_col, c.text_col,
            CASE WHEN c.license_col IS NULL THEN 'NULL::text' ELSE format('d.%I::text', c.license_col) END,
            CASE WHEN c.author_col IS NULL THEN 'NULL::text' ELSE format('d.%I::text', c.author_col) END,
            CASE WHEN c.title_col IS NULL THEN 'NULL::text' ELSE format('d.%I::text', c.title_col) END,
            CASE WHEN c.source_col IS NULL THEN 'NULL::text' ELSE format('d.%I::text', c.source_col) END,
            ctbl, c.mode);
        IF n > 0 THEN
            BEGIN
                EXECUTE find_sql USING claimed, bp, r.threshold, r.min_tokens, o.id, c.id, run;
                GET DIAGNOSTICS nf = ROW_COUNT;
            EXCEPTION WHEN OTHERS THEN
                nf := 0;
                FOREACH one IN ARRAY claimed LOOP
                    BEGIN
                        EXECUTE find_sql USING ARRAY[one], bp, r.threshold, r.min_tokens, o.id, c.id, run;
                        GET DIAGNOSTICS nf1 = ROW_COUNT;
                        nf := nf + nf1;
                    EXCEPTION WHEN OTHERS THEN
                        UPDATE @extschema@.llmcopy_scanned s SET status = 'skipped', reason = SQLSTATE || ': ' || SQLERRM
                        WHERE (s.output_table, s.corpus_table, s.output_id) = (o.id, c.id, one);
                        n_skipped := n_skipped + 1;
                    END;
                END LOOP;
            END;
        END IF;
        UPDATE @extschema@.llmcopy_runs x
        SET done = x.done + n, findings = x.findings + nf, skipped = x.skipped + n_skipped, batches = x.batches + 1,
            updated_at = clock_timestamp(),
            rate = (x.done + n) / greatest(extract(epoch FROM clock_timestamp() - x.started_at), 0.001),
            eta = make_interval(secs => greatest(x.total - x.done - n, 0)
                  / greatest((x.done + n) / greatest(extract(epoch FROM clock_timestamp() - x.started_at), 0.001), 0.001))
        WHERE x.run_id = run;
    EXCEPTION WHEN OTHERS OR query_canceled THEN
        PERFORM pg_advisory_unlock(1819045219, r.scan);
        RAISE;
    END;
    RAISE NOTICE 'llmcopy_scan: % of % outputs of %.% against %.%, % findings%', r.done + n, r.total,
        quote_ident(o.schema_name), quote_ident(o.table_name), quote_ident(c.schema_name), quote_ident(c.table_name), nf,
        CASE WHEN n_skipped > 0 THEN format(', %s skipped', n_skipped) ELSE '' END;
END $$;

-- Closes a run, and releases the call's lock after its last run.
CREATE FUNCTION llmcopy_scan_end(run int) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    s int;
BEGIN
    UPDATE @extschema@.llmcopy_runs x
    SET status = CASE WHEN x.status = 'running' THEN 'done' ELSE x.status END,
        finished_at = clock_timestamp(), updated_at = clock_timestamp()
    WHERE x.run_id = run
    RETURNING x.scan INTO s;
    IF NOT EXISTS (SELECT 1 FROM @extschema@.llmcopy_runs x WHERE x.scan = s AND x.status = 'running') THEN
        PERFORM pg_advisory_unlock(1819045219, s);
    END IF;
END $$;

-- Dashboard views: they read the findings with the rights of whoever
-- queries them (security_invoker), so row-level security applies.
CREATE VIEW llmcopy_findings_daily WITH (security_invoker = true) AS
SELECT date_trunc('day', f.logged_at) AS day, f.model, coalesce(f.license, 'unknown') AS license,
       count(DISTINCT (f.output_table, f.output_id)) AS outputs, count(*) AS findings,
       round(avg(f.containment)::numeric, 3) AS avg_containment
FROM llmcopy_findings f GROUP BY 1, 2, 3;

CREATE VIEW llmcopy_findings_by_obligation WITH (security_invoker = true) AS
SELECT date_trunc('day', f.logged_at) AS day, f.model, o.obligation,
       count(DISTINCT (f.output_table, f.output_id)) AS outputs
FROM llmcopy_findings f,
     LATERAL (VALUES ('attribution', (f.obligations ->> 'attribution')::bool),
                     ('copyleft ' || coalesce(f.obligations ->> 'copyleft', 'unknown'), f.obligations ->> 'copyleft' <> 'none'),
                     ('share_alike', (f.obligations ->> 'share_alike')::bool),
                     ('non_commercial', (f.obligations ->> 'non_commercial')::bool),
                     ('no_derivatives', (f.obligations ->> 'no_derivatives')::bool),
                     ('unknown license', f.license IS NULL OR f.obligations ->> 'copyleft' IS NULL)) o(obligation, applies)
WHERE o.applies
GROUP BY 1, 2, 3;

CREATE VIEW llmcopy_output_attribution WITH (security_invoker = true) AS
SELECT f.output_table, f.output_id, count(*) AS works,
       attribution_agg(f.author, f.title, f.source, coalesce(f.license, f.license_raw)) AS attribution
FROM llmcopy_findings f
WHERE coalesce((f.obligations ->> 'attribution')::bool, true)     -- required, or not known not to be
GROUP BY f.output_table, f.output_id;

CREATE VIEW llmcopy_top_works WITH (security_invoker = true) AS
SELECT f.corpus_table, f.work_id, f.title, f.license, count(DISTINCT (f.output_table, f.output_id)) AS outputs,
       max(f.longest_tokens) AS longest_tokens
FROM llmcopy_findings f GROUP BY 1, 2, 3, 4;

CREATE VIEW llmcopy_license_conflicts WITH (security_invoker = true) AS
SELECT f.output_table, f.output_id,
       array_agg(f.work_id || ': ' || coalesce(f.license, 'unknown (' || coalesce(f.license_raw, 'none') || ')')
                 ORDER BY f.work_id) AS sources,
       count(DISTINCT coalesce(f.license, f.license_raw, '')) AS licenses,
       bool_or(EXISTS (SELECT 1 FROM llmcopy_findings g
                       WHERE g.output_table = f.output_table AND g.output_id = f.output_id
                         AND license_compatible(f.license, g.license) IS FALSE
                         AND license_compatible(g.license, f.license) IS FALSE)) AS incompatible
FROM llmcopy_findings f
GROUP BY f.output_table, f.output_id
HAVING count(DISTINCT coalesce(f.license, f.license_raw, '')) > 1;

-- How often each model reproduces: per day (of logged_at) and model, the
-- outputs scanned, those skipped, those with a finding whose longest
-- common run is at least min_tokens tokens, and their share of the
-- scanned.  An output counts once however many corpora it was scanned
-- against; a NULL logged_at counts under a NULL day.
CREATE FUNCTION llmcopy_reproduction_rates(min_tokens int DEFAULT 50,
    OUT day timestamptz, OUT model text, OUT scanned bigint, OUT skipped bigint,
    OUT reproducing bigint, OUT rate float8)
RETURNS SETOF record
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    WITH outputs AS (
        SELECT s.output_table, s.output_id, min(s.logged_at) AS logged_at, min(s.model) AS model,
               bool_or(s.status = 'scanned') AS scanned
        FROM llmcopy_scanned s GROUP BY s.output_table, s.output_id),
    hits AS (
        SELECT DISTINCT f.output_table, f.output_id FROM llmcopy_findings f
        WHERE f.longest_tokens >= llmcopy_reproduction_rates.min_tokens)
    SELECT pg_catalog.date_trunc('day', o.logged_at), o.model,
           count(*) FILTER (WHERE o.scanned), count(*) FILTER (WHERE NOT o.scanned),
           count(h.output_id) FILTER (WHERE o.scanned),
           count(h.output_id) FILTER (WHERE o.scanned)::float8 / nullif(count(*) FILTER (WHERE o.scanned), 0)
    FROM outputs o LEFT JOIN hits h ON h.output_table = o.output_table AND h.output_id = o.output_id
    GROUP BY 1, 2;
END;

COMMENT ON FUNCTION llmcopy_reproduction_rates(int) IS
'per day and model: outputs scanned, skipped, with a copied run of at least min_tokens tokens, and that share of the scanned';

CREATE VIEW llmcopy_reproduction_rate WITH (security_invoker = true) AS
SELECT * FROM llmcopy_reproduction_rates(50);

COMMENT ON VIEW llmcopy_reproduction_rate IS
'per day and model: outputs scanned, skipped, with a copied run of at least 50 tokens, and that share of the scanned';

-- Outputs at or below a pair's watermark were scanned by 0.1.0: they are
-- recorded as such, so the first scan does not redo them.  The comparison
-- is the one 0.1.0 made, (logged_at, id), done here in the id's built-in
-- base type; a registration whose id type is not one of those the scan
-- supports keeps no record (its outputs are scanned again, and the
-- findings already there are kept, not duplicated).
DO $$
DECLARE
    p record;
    tbl regclass;
    base regtype;
BEGIN
    FOR p IN SELECT w.output_table, w.corpus_table, w.logged_at, w.id, o.schema_name, o.table_name, o.id_col,
                    o.id_type, o.logged_at_col, o.model_col
             FROM llmcopy_watermarks w JOIN llmcopy_output_tables o ON o.id = w.output_table
             WHERE w.logged_at IS NOT NULL LOOP
        tbl := llmcopy_lookup(p.schema_name, p.table_name);
        CONTINUE WHEN tbl IS NULL
            OR (llmcopy_column_problem(tbl, p.id_col, 'id')).problem IS NOT NULL
            OR (llmcopy_column_problem(tbl, p.logged_at_col, 'time')).problem IS NOT NULL;
        base := llmcopy_base_type(p.id_type);
        EXECUTE format(
            'INSERT INTO llmcopy_scanned (output_table, corpus_table, output_id, status, reason, model, logged_at, run_id)
             SELECT $1, $2, o.%1$I::text, ''scanned'', ''at or below the watermark of pg_llmcopy 0.1.0'', %2$s,
                    o.%3$I::timestamptz, NULL
             FROM %4$s o WHERE (o.%3$I, o.%1$I) <= ($3, $4::%5$s)
             ON CONFLICT DO NOTHING',
            p.id_col,
            CASE WHEN p.model_col IS NOT NULL AND (llmcopy_column_problem(tbl, p.model_col, 'label')).problem IS NULL
                 THEN format('o.%I::text', p.model_col) ELSE 'NULL' END,
            p.logged_at_col, tbl, base)
        USING p.output_table, p.corpus_table, p.logged_at, p.id;
    END LOOP;
END $$;
DROP TABLE llmcopy_watermarks;

-- ---------------------------------------------------------------------------
-- Catalogue edits survive pg_dump
--
-- pg_dump keeps the rows of llmcopy_licenses and llmcopy_license_rules that
-- the extension did not provide, and the provided rows a user changed
-- (modified, set by the update trigger).  On restore, CREATE EXTENSION
-- provides the rows again first; a dumped built-in row then replaces the
-- provided one (the insert trigger).

ALTER TABLE llmcopy_licenses ADD COLUMN modified bool NOT NULL DEFAULT false;
ALTER TABLE llmcopy_license_rules ADD COLUMN modified bool NOT NULL DEFAULT false;

-- A provided row that is changed is marked modified (unless the change
-- sets modified itself); which rows were provided cannot be changed.
CREATE FUNCTION llmcopy_catalogue_edit() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    NEW.builtin := OLD.builtin;
    IF OLD.builtin AND NEW.modified = OLD.modified AND NEW IS DISTINCT FROM OLD THEN
        NEW.modified := true;
    END IF;
    RETURN NEW;
END $$;

-- A provided row inserted again (from a dump) replaces the one there.
CREATE FUNCTION llmcopy_catalogue_restore() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NEW.builtin THEN
        IF TG_TABLE_NAME = 'llmcopy_licenses' THEN
            DELETE FROM @extschema@.llmcopy_licenses l WHERE l.id = NEW.id AND l.builtin;
        ELSE
            DELETE FROM @extschema@.llmcopy_license_rules l
            WHERE (l.inbound, l.outbound_like) = (NEW.inbound, NEW.outbound_like) AND l.builtin;
        END IF;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER llmcopy_edit BEFORE UPDATE ON llmcopy_licenses
    FOR EACH ROW EXECUTE FUNCTION llmcopy_catalogue_edit();
CREATE TRIGGER llmcopy_restore BEFORE INSERT ON llmcopy_licenses
    FOR EACH ROW EXECUTE FUNCTION llmcopy_catalogue_restore();
CREATE TRIGGER llmcopy_edit BEFORE UPDATE ON llmcopy_license_rules
    FOR EACH ROW EXECUTE FUNCTION llmcopy_catalogue_edit();
CREATE TRIGGER llmcopy_restore BEFORE INSERT ON llmcopy_license_rules
    FOR EACH ROW EXECUTE FUNCTION llmcopy_catalogue_restore();
SELECT pg_catalog.pg_extension_config_dump('llmcopy_licenses', 'WHERE NOT builtin OR modified');
SELECT pg_catalog.pg_extension_config_dump('llmcopy_license_rules', 'WHERE NOT builtin OR modified');

-- ---------------------------------------------------------------------------
-- Privileges
--
-- PUBLIC keeps EXECUTE on the pure functions and may read the license
-- catalogue.  Reading the workflow's tables and views, and registering,
-- scanning and administering, are granted to roles the DBA creates, with
-- llmcopy_grant(role, 'read' | 'admin'); the extension creates no role.
-- Row-level security limits what a role reads and writes of the findings
-- and scan records to the tables it may read.

GRANT SELECT ON llmcopy_licenses, llmcopy_license_rules TO PUBLIC;
REVOKE EXECUTE ON FUNCTION llmcopy_register_corpus(regclass, name, name, name, name, name, name, int, int, text, bool),
    llmcopy_register_outputs(regclass, name, name, name, name, int, int, text), llmcopy_unregister(regclass),
    llmcopy_refresh_boilerplate(regclass, int), llmcopy_add_fingerprint(regclass, name, int, int, text, bool),
    llmcopy_scan_begin(regclass, regclass, float8, int, int, int), llmcopy_scan_pending(int),
    llmcopy_scan_batch(int, text[]), llmcopy_scan_end(int)
    FROM PUBLIC;
REVOKE EXECUTE ON PROCEDURE llmcopy_scan(regclass, regclass, float8, int, int, int) FROM PUBLIC;

-- What a level of access is made of: one row per privilege.
CREATE FUNCTION llmcopy_privileges(access text, OUT kind text, OUT privilege text, OUT object text)
RETURNS SETOF record
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT v.kind, v.privilege, v.object
    FROM (VALUES
        ('read', 'TABLE', 'SELECT', 'llmcopy_corpus_tables'), ('read', 'TABLE', 'SELECT', 'llmcopy_output_tables'),
        ('read', 'TABLE', 'SELECT', 'llmcopy_boilerplate'), ('read', 'TABLE', 'SELECT', 'llmcopy_findings'),
        ('read', 'TABLE', 'SELECT', 'llmcopy_scanned'), ('read', 'TABLE', 'SELECT', 'llmcopy_runs'),
        ('read', 'TABLE', 'SELECT', 'llmcopy_registrations'), ('read', 'TABLE', 'SELECT', 'llmcopy_findings_daily'),
        ('read', 'TABLE', 'SELECT', 'llmcopy_findings_by_obligation'), ('read', 'TABLE', 'SELECT', 'llmcopy_output_attribution'),
        ('read', 'TABLE', 'SELECT', 'llmcopy_top_works'), ('read', 'TABLE', 'SELECT', 'llmcopy_license_conflicts'),
        ('read', 'TABLE', 'SELECT', 'llmcopy_reproduction_rate'),
        ('admin', 'TABLE', 'INSERT, UPDATE, DELETE', 'llmcopy_corpus_tables'),
        ('admin', 'TABLE', 'INSERT, UPDATE, DELETE', 'llmcopy_output_tables'),
        ('admin', 'TABLE', 'INSERT, UPDATE, DELETE', 'llmcopy_boilerplate'),
        ('admin', 'TABLE', 'INSERT, UPDATE, DELETE', 'llmcopy_findings'),
        ('admin', 'TABLE', 'INSERT, UPDATE, DELETE', 'llmcopy_scanned'),
        ('admin', 'TABLE', 'INSERT, UPDATE, DELETE', 'llmcopy_runs'),
        ('admin', 'TABLE', 'INSERT, UPDATE, DELETE', 'llmcopy_licenses'),
        ('admin', 'TABLE', 'INSERT, UPDATE, DELETE', 'llmcopy_license_rules'),
        ('admin', 'SEQUENCE', 'USAGE', 'llmcopy_corpus_tables_id_seq'),
        ('admin', 'SEQUENCE', 'USAGE', 'llmcopy_output_tables_id_seq'),
        ('admin', 'SEQUENCE', 'USAGE', 'llmcopy_runs_run_id_seq'),
        ('admin', 'ROUTINE', 'EXECUTE', 'llmcopy_register_corpus'), ('admin', 'ROUTINE', 'EXECUTE', 'llmcopy_register_outputs'),
        ('admin', 'ROUTINE', 'EXECUTE', 'llmcopy_unregister'), ('admin', 'ROUTINE', 'EXECUTE', 'llmcopy_refresh_boilerplate'),
        ('admin', 'ROUTINE', 'EXECUTE', 'llmcopy_add_fingerprint'), ('admin', 'ROUTINE', 'EXECUTE', 'llmcopy_scan'),
        ('admin', 'ROUTINE', 'EXECUTE', 'llmcopy_scan_begin'), ('admin', 'ROUTINE', 'EXECUTE', 'llmcopy_scan_pending'),
        ('admin', 'ROUTINE', 'EXECUTE', 'llmcopy_scan_batch'), ('admin', 'ROUTINE', 'EXECUTE', 'llmcopy_scan_end')
    ) v(access, kind, privilege, object)
    WHERE v.access = llmcopy_privileges.access OR llmcopy_privileges.access = 'admin' AND v.access = 'read';
END;

-- Grants a level of access ('read' or 'admin', which includes 'read') to a
-- role, or revokes every level.  They run with the caller's rights: only
-- the extension's owner (or a superuser) can grant.
CREATE FUNCTION llmcopy_grant(role regrole, access text) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    p record;
BEGIN
    IF access IS NULL OR access NOT IN ('read', 'admin') THEN
        RAISE EXCEPTION 'access must be ''read'' or ''admin'', not %', coalesce(quote_literal(access), 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT pg_has_role((SELECT e.extowner FROM pg_extension e WHERE e.extname = 'pg_llmcopy'), 'USAGE') THEN
        RAISE EXCEPTION 'only the owner of extension pg_llmcopy may grant access to it' USING ERRCODE = 'insufficient_privilege';
    END IF;
    FOR p IN SELECT * FROM @extschema@.llmcopy_privileges(access) LOOP
        EXECUTE format('GRANT %s ON %s %s.%I TO %s', p.privilege, p.kind, '@extschema@', p.object, role);
    END LOOP;
END $$;

CREATE FUNCTION llmcopy_revoke(role regrole) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    p record;
BEGIN
    IF NOT pg_has_role((SELECT e.extowner FROM pg_extension e WHERE e.extname = 'pg_llmcopy'), 'USAGE') THEN
        RAISE EXCEPTION 'only the owner of extension pg_llmcopy may revoke access to it' USING ERRCODE = 'insufficient_privilege';
    END IF;
    FOR p IN SELECT * FROM @extschema@.llmcopy_privileges('admin') LOOP
        EXECUTE format('REVOKE %s ON %s %s.%I FROM %s', p.privilege, p.kind, '@extschema@', p.object, role);
    END LOOP;
END $$;

REVOKE EXECUTE ON FUNCTION llmcopy_grant(regrole, text), llmcopy_revoke(regrole) FROM PUBLIC;
