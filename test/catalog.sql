-- Every object of the pg_llmcopy extension as (kind, identity, definition),
-- one row each, sorted: two databases define the same extension exactly when
-- this prints the same rows.  Used by the upgrade test to compare a fresh
-- install with an updated one.  OIDs never appear: only names.
\pset format unaligned
\pset tuples_only on
\pset fieldsep ' | '
WITH ext AS (SELECT oid FROM pg_extension WHERE extname = 'pg_llmcopy'),
members AS (
    SELECT d.classid, d.objid, d.objsubid,
           (pg_identify_object(d.classid, d.objid, d.objsubid)).*
    FROM pg_depend d, ext
    WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = ext.oid AND d.deptype = 'e'),
rows AS (
    -- functions, procedures and aggregates: their whole definition
    SELECT m.type AS kind, m.identity,
           concat_ws(' ; ',
               CASE WHEN p.prokind <> 'a' THEN pg_get_functiondef(p.oid) END,
               'kind=' || p.prokind::text, 'volatile=' || p.provolatile::text, 'parallel=' || p.proparallel::text,
               'strict=' || p.proisstrict, 'secdef=' || p.prosecdef, 'leakproof=' || p.proleakproof,
               'cost=' || p.procost, 'rows=' || p.prorows, 'support=' || p.prosupport::regproc,
               'config=' || coalesce(array_to_string(p.proconfig, ','), ''),
               'owner_is_ext_owner=' || (p.proowner = (SELECT extowner FROM pg_extension WHERE extname = 'pg_llmcopy')),
               'acl=' || coalesce(p.proacl::text, 'default'),
               'comment=' || coalesce(obj_description(p.oid, 'pg_proc'), '')) AS definition
    FROM members m JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
    UNION ALL
    SELECT 'aggregate', m.identity,
           concat_ws(' ; ', 'sfunc=' || a.aggtransfn::regproc, 'stype=' || format_type(a.aggtranstype, NULL),
                     'final=' || a.aggfinalfn::regproc, 'finalmodify=' || a.aggfinalmodify::text,
                     'combine=' || a.aggcombinefn::regproc, 'serial=' || a.aggserialfn::regproc,
                     'deserial=' || a.aggdeserialfn::regproc, 'mfunc=' || a.aggmtransfn::regproc,
                     'space=' || a.aggtransspace, 'init=' || coalesce(a.agginitval, 'NULL'),
                     'kind=' || a.aggkind::text, 'nargs=' || a.aggnumdirectargs)
    FROM members m JOIN pg_aggregate a ON m.classid = 'pg_proc'::regclass AND a.aggfnoid = m.objid
    UNION ALL
    SELECT m.type, m.identity,
           concat_ws(' ; ', 'type=' || t.typtype::text, 'len=' || t.typlen, 'align=' || t.typalign::text,
                     'storage=' || t.typstorage::text, 'in=' || t.typinput::regproc, 'out=' || t.typoutput::regproc,
                     'recv=' || t.typreceive::regproc, 'send=' || t.typsend::regproc,
                     'analyze=' || t.typanalyze::regproc, 'subscript=' || t.typsubscript::regproc,
                     'category=' || t.typcategory::text, 'basetype=' || format_type(t.typbasetype, NULL),
                     'notnull=' || t.typnotnull, 'default=' || coalesce(t.typdefault, ''),
                     'acl=' || coalesce(t.typacl::text, 'default'),
                     'comment=' || coalesce(obj_description(t.oid, 'pg_type'), ''))
    FROM members m JOIN pg_type t ON m.classid = 'pg_type'::regclass AND t.oid = m.objid
    UNION ALL
    SELECT m.type, m.identity,
           concat_ws(' ; ', 'code=' || o.oprcode::regproc, 'com=' || o.oprcom::regoperator,
                     'neg=' || o.oprnegate::regoperator, 'rest=' || o.oprrest::regproc,
                     'join=' || o.oprjoin::regproc, 'merge=' || o.oprcanmerge, 'hash=' || o.oprcanhash,
                     'result=' || format_type(o.oprresult, NULL),
                     'comment=' || coalesce(obj_description(o.oid, 'pg_operator'), ''))
    FROM members m JOIN pg_operator o ON m.classid = 'pg_operator'::regclass AND o.oid = m.objid
    UNION ALL
    SELECT m.type, m.identity,
           concat_ws(' ; ', 'default=' || c.opcdefault, 'keytype=' || format_type(c.opckeytype, NULL),
                     'family=' || f.opfname)
    FROM members m JOIN pg_opclass c ON m.classid = 'pg_opclass'::regclass AND c.oid = m.objid
         JOIN pg_opfamily f ON f.oid = c.opcfamily
    UNION ALL
    -- an operator family's members, whichever object owns them
    SELECT 'opfamily member', f.opfname || ' ' || am.amname,
           string_agg(x.item, ', ' ORDER BY x.item)
    FROM members m JOIN pg_opfamily f ON m.classid = 'pg_opfamily'::regclass AND f.oid = m.objid
         JOIN pg_am am ON am.oid = f.opfmethod,
         LATERAL (SELECT format('op %s %s %s %s', o.amopstrategy, o.amopopr::regoperator, o.amoppurpose,
                                coalesce(o.amopsortfamily::text, '0'))
                  FROM pg_amop o WHERE o.amopfamily = f.oid
                  UNION ALL
                  SELECT format('proc %s %s %s %s', p.amprocnum, format_type(p.amproclefttype, NULL),
                                format_type(p.amprocrighttype, NULL), p.amproc::regprocedure)
                  FROM pg_amproc p WHERE p.amprocfamily = f.oid) x(item)
    GROUP BY f.opfname, am.amname
    UNION ALL
    SELECT m.type, m.identity,
           concat_ws(' ; ', 'kind=' || c.relkind::text, 'persistence=' || c.relpersistence::text,
                     'options=' || coalesce(array_to_string(c.reloptions, ','), ''),
                     'acl=' || coalesce(c.relacl::text, 'default'),
                     'comment=' || coalesce(obj_description(c.oid, 'pg_class'), ''),
                     CASE WHEN c.relkind = 'v' THEN 'view=' || pg_get_viewdef(c.oid) END,
                     CASE WHEN c.relkind = 'i' THEN 'index=' || pg_get_indexdef(c.oid) END,
                     'columns=' || (SELECT string_agg(format('%s %s%s%s%s%s%s', a.attname, format_type(a.atttypid, a.atttypmod),
                                                             CASE WHEN a.attnotnull THEN ' not null' END,
                                                             ' default ' || pg_get_expr(ad.adbin, ad.adrelid),
                                                             ' generated ' || nullif(a.attgenerated::text, ''),
                                                             ' identity ' || nullif(a.attidentity::text, ''),
                                                             ' acl ' || a.attacl::text),
                                                      ', ' ORDER BY a.attname)
                                     FROM pg_attribute a LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
                                     WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
                     'constraints=' || (SELECT string_agg(pg_get_constraintdef(k.oid), ', ' ORDER BY pg_get_constraintdef(k.oid))
                                         FROM pg_constraint k WHERE k.conrelid = c.oid),
                     'indexes=' || (SELECT string_agg(regexp_replace(pg_get_indexdef(i.indexrelid), '^CREATE (UNIQUE )?INDEX \S+', 'CREATE \1INDEX'), ', '
                                                      ORDER BY regexp_replace(pg_get_indexdef(i.indexrelid), '^CREATE (UNIQUE )?INDEX \S+', 'CREATE \1INDEX'))
                                     FROM pg_index i WHERE i.indrelid = c.oid),
                     'triggers=' || (SELECT string_agg(pg_get_triggerdef(g.oid), ', ' ORDER BY g.tgname)
                                      FROM pg_trigger g WHERE g.tgrelid = c.oid AND NOT g.tgisinternal),
                     'policies=' || (SELECT string_agg(format('%s %s %s %s %s', p.polname, p.polcmd::text, p.polpermissive,
                                                              pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)),
                                                       ', ' ORDER BY p.polname)
                                      FROM pg_policy p WHERE p.polrelid = c.oid),
                     'rls=' || c.relrowsecurity)
    FROM members m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
    UNION ALL
    SELECT m.type, m.identity, pg_get_functiondef(c.castfunc)::text || ' ; ' || c.castcontext::text || c.castmethod::text
    FROM members m JOIN pg_cast c ON m.classid = 'pg_cast'::regclass AND c.oid = m.objid
    UNION ALL
    SELECT m.type, m.identity, e.evtevent || ' ; ' || e.evtfoid::regproc || ' ; ' || e.evtenabled::text
           || ' ; ' || coalesce(array_to_string(e.evttags, ','), '')
    FROM members m JOIN pg_event_trigger e ON m.classid = 'pg_event_trigger'::regclass AND e.oid = m.objid
    UNION ALL
    SELECT m.type, m.identity, 'member'
    FROM members m
    WHERE m.classid NOT IN ('pg_proc'::regclass, 'pg_type'::regclass, 'pg_operator'::regclass,
                            'pg_opclass'::regclass, 'pg_opfamily'::regclass, 'pg_class'::regclass,
                            'pg_cast'::regclass, 'pg_event_trigger'::regclass)
    UNION ALL
    -- the tables pg_dump keeps, with the condition it keeps them by
    SELECT 'config dump', c.relname, coalesce(cond, '')
    FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS x(reloid, cond)
         JOIN pg_class c ON c.oid = x.reloid
    WHERE e.extname = 'pg_llmcopy'
    UNION ALL
    -- privileges on the extension's schema objects granted to roles by name
    SELECT 'schema', n.nspname, coalesce(n.nspacl::text, 'default')
    FROM pg_namespace n WHERE n.oid = (SELECT extnamespace FROM pg_extension WHERE extname = 'pg_llmcopy')
)
SELECT kind, identity, definition FROM rows ORDER BY kind, identity, definition;
