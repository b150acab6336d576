-- pg_llmcopy 0.1.0 -> 0.2.0.
--
-- Every change made to the SQL surface since 0.1.0, in the order of the
-- sections below; `make test-upgrade` proves that a fresh 0.2.0 install and
-- a 0.1.0 install updated with this script define the same objects.
\echo Use "ALTER EXTENSION pg_llmcopy UPDATE TO '0.2.0'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- types, operators and index support

-- ---------------------------------------------------------------------------
-- aggregates

-- ---------------------------------------------------------------------------
-- evidence spans and reports

-- Copied passages marked in their text, in the manner of ts_headline.
CREATE FUNCTION llmcopy_headline(a text, b text, options text DEFAULT '',
    min_tokens int DEFAULT 8, mode text DEFAULT 'text', max_gap int DEFAULT 0)
RETURNS text
AS 'MODULE_PATHNAME', 'llmcopy_headline'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION llmcopy_headline(text, text, text, int, text, int) IS
'a (or b, with Side=b) with every span of llmcopy_matches(a, b, min_tokens, mode, max_gap) between StartSel and StopSel; options as ts_headline''s';

CREATE FUNCTION llmcopy_headline(a text, works text[], options text DEFAULT '',
    min_tokens int DEFAULT 8, mode text DEFAULT 'text', max_gap int DEFAULT 0)
RETURNS text
AS 'MODULE_PATHNAME', 'llmcopy_headline_works'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION llmcopy_headline(text, text[], text, int, text, int) IS
'a with the spans of every work marked; %n in a marker is the work''s place in the array';

CREATE FUNCTION llmcopy_headline(doc text, spans jsonb, options text DEFAULT '', mode text DEFAULT 'text')
RETURNS text
AS 'MODULE_PATHNAME', 'llmcopy_headline_spans'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION llmcopy_headline(text, jsonb, text, text) IS
'doc with the given spans marked (a_start/a_length, or b_start/b_length with Side=b, as llmcopy_findings.spans holds them)';

CREATE FUNCTION llmcopy_html_escape(text) RETURNS text
AS 'MODULE_PATHNAME', 'llmcopy_html_escape'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION llmcopy_html_escape(text) IS
'the text with & < > " '' written as HTML character references';

-- Reports: findings as self-contained HTML documents.
--
-- In three layers, so that the document does not depend on how findings are
-- stored: llmcopy_report_html() makes the document from plain inputs (texts,
-- spans and license facts as jsonb) and reads no table;
-- llmcopy_report_data() and llmcopy_scan_report()'s summary read
-- llmcopy_findings and the registered tables, with the caller's rights;
-- llmcopy_report() and llmcopy_scan_report() are what a reviewer calls.

-- The id and text of some rows of a registered table.  Ids are compared in
-- the id column's type when it is a built-in one with a btree order (a
-- domain as its base type), so an index on it is used; otherwise as text.
CREATE FUNCTION llmcopy_report_texts(tbl regclass, id_col name, text_col name, ids text[],
    OUT id text, OUT body text)
RETURNS SETOF record
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    typ oid;
    base oid;
    kind "char";
    builtin bool;
BEGIN
    SELECT a.atttypid INTO typ FROM pg_attribute a
    WHERE a.attrelid = tbl AND a.attname = id_col AND a.attnum > 0 AND NOT a.attisdropped;
    LOOP
        SELECT t.typtype, t.typbasetype,
               t.typnamespace = 'pg_catalog'::regnamespace
               AND EXISTS (SELECT 1 FROM pg_opclass c JOIN pg_am m ON m.oid = c.opcmethod
                           WHERE m.amname = 'btree' AND c.opcdefault AND c.opcintype = t.oid)
        INTO kind, base, builtin FROM pg_type t WHERE t.oid = typ;
        EXIT WHEN kind IS DISTINCT FROM 'd';
        typ := base;
    END LOOP;
    IF builtin THEN
        RETURN QUERY EXECUTE format('SELECT %1$I::text, %2$I::text FROM %3$s WHERE %1$I = ANY ($1::%4$s[])',
                                    id_col, text_col, tbl, format_type(typ, NULL)) USING ids;
    ELSE
        RETURN QUERY EXECUTE format('SELECT %1$I::text, %2$I::text FROM %3$s WHERE %1$I::text = ANY ($1)',
                                    id_col, text_col, tbl) USING ids;
    END IF;
END $$;

-- The outputs named (registered table and id, in this order) with their
-- texts and findings, as llmcopy_report_html() takes them.
CREATE FUNCTION llmcopy_report_data(tbls regclass[], ids text[]) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    texts jsonb := '{}';
    t record;
    result jsonb;
BEGIN
    -- the texts, one query per table: the outputs, then the works they copy
    FOR t IN
        SELECT 'o' AS side, ot.tbl, ot.id_col, ot.text_col, array_agg(DISTINCT k.id) AS ids
        FROM unnest(tbls, ids) k(tbl, id) JOIN @extschema@.llmcopy_output_tables ot ON ot.tbl = k.tbl
        GROUP BY ot.tbl, ot.id_col, ot.text_col
        UNION ALL
        SELECT 'w', ct.tbl, ct.id_col, ct.text_col, array_agg(DISTINCT f.work_id)
        FROM unnest(tbls, ids) k(tbl, id)
        JOIN @extschema@.llmcopy_output_tables ot ON ot.tbl = k.tbl
        JOIN @extschema@.llmcopy_findings f ON f.output_table = ot.id AND f.output_id = k.id
        JOIN @extschema@.llmcopy_corpus_tables ct ON ct.id = f.corpus_table
        GROUP BY ct.tbl, ct.id_col, ct.text_col
    LOOP
        SELECT texts || coalesce(jsonb_object_agg(t.side || t.tbl::oid || ':' || x.id, x.body), '{}')
        INTO texts FROM @extschema@.llmcopy_report_texts(t.tbl, t.id_col, t.text_col, t.ids) x;
    END LOOP;

    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'table', k.tbl::text, 'id', k.id, 'model', fs.model, 'logged_at', fs.logged_at,
               'text', texts -> ('o' || k.tbl::oid || ':' || k.id),
               'attribution', (SELECT a.attribution FROM @extschema@.llmcopy_output_attribution a
                               WHERE a.output_table = ot.id AND a.output_id = k.id),
               'findings', coalesce(fs.findings, '[]')) ORDER BY k.ord), '[]')
    INTO result
    FROM unnest(tbls, ids) WITH ORDINALITY k(tbl, id, ord)
    JOIN @extschema@.llmcopy_output_tables ot ON ot.tbl = k.tbl
    LEFT JOIN LATERAL (
        SELECT max(f.model) AS model, max(f.logged_at) AS logged_at,
               jsonb_agg(jsonb_build_object(
                   'corpus', ct.tbl::text, 'work_id', f.work_id, 'title', f.title, 'author', f.author,
                   'source', f.source, 'license', f.license, 'license_raw', f.license_raw,
                   'license_name', l.name, 'obligations', f.obligations, 'containment', f.containment,
                   'longest_tokens', f.longest_tokens, 'coverage', f.coverage,
                   'text', texts -> ('w' || ct.tbl::oid || ':' || f.work_id), 'spans', f.spans)
                   ORDER BY f.containment DESC, f.work_id) AS findings
        FROM @extschema@.llmcopy_findings f
        JOIN @extschema@.llmcopy_corpus_tables ct ON ct.id = f.corpus_table
        LEFT JOIN @extschema@.llmcopy_licenses l ON l.id = f.license
        WHERE f.output_table = ot.id AND f.output_id = k.id) fs ON true;
    RETURN result;
END $$;

-- The HTML document of a report, from plain inputs; reads no table.
--   outputs: [{table, id, model, logged_at, text, attribution, findings: [{corpus,
--             work_id, title, author, source, license, license_raw, license_name,
--             obligations, containment, longest_tokens, coverage, text, spans}]}]
--   summary (a scan's, or NULL): {findings, outputs, works, shown, since, until,
--             daily: [{day, model, outputs, findings, licenses}],
--             conflicts: [{table, id, sources, incompatible}]}
-- Every text is HTML-escaped; the one script is inline, allowed by its hash
-- in the document's Content-Security-Policy, which also forbids loading
-- anything, so the document works offline and runs nothing else.
CREATE FUNCTION llmcopy_report_html(title text, outputs jsonb, summary jsonb DEFAULT NULL) RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    css constant text := $css$
:root { --fg: #1d232b; --muted: #5b6572; --line: #d9dee5; --bg: #f4f6f8; --card: #fff; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--fg); background: var(--bg); }
header.top { background: #1f2a37; color: #fff; padding: 1.1rem 2rem; }
header.top h1 { margin: 0; font-size: 1.35rem; overflow-wrap: anywhere; }
header.top p { margin: .25rem 0 0; color: #c5cfdb; font-size: .85rem; }
main { padding: .5rem 2rem 3rem; max-width: 1600px; margin: 0 auto; }
section.card, article.finding { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .9rem 1.2rem; margin: 1rem 0; }
section.output > h2 { margin: 1.6rem 0 .2rem; font-size: 1.2rem; overflow-wrap: anywhere; }
h2 { font-size: 1.15rem; margin: .1rem 0 .6rem; }
h3 { font-size: 1.02rem; margin: .1rem 0 .4rem; overflow-wrap: anywhere; }
.muted { color: var(--muted); font-weight: normal; }
p.note { margin: .2rem 0 .6rem; color: var(--muted); font-size: .9rem; }
p.warn { color: #8a1c17; }
.figures { display: flex; flex-wrap: wrap; gap: .6rem 2rem; margin: .2rem 0 .8rem; }
.figures div { font-size: .85rem; color: var(--muted); }
.figures b { display: block; font-size: 1.4rem; color: var(--fg); }
table { border-collapse: collapse; width: 100%; font-size: .88rem; }
th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; }
th { color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
dl.meta { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .15rem 1rem; margin: .3rem 0 .8rem; font-size: .88rem; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
.badge { display: inline-block; padding: 0 .55rem; border-radius: 999px; font-size: .78rem; margin: 0 .3rem .2rem 0; background: #e8edf3; }
.badge.warn { background: #fde2e1; color: #8a1c17; }
.badge.ok { background: #e3f4e6; color: #1d5b2a; }
.legend { list-style: none; padding: 0; margin: .3rem 0 .6rem; display: flex; flex-wrap: wrap; gap: .3rem 1.2rem; font-size: .88rem; }
.swatch { display: inline-block; width: .9em; height: .9em; border-radius: 2px; margin-right: .35em; vertical-align: -.1em; }
.panes { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1rem; }
.pane { min-width: 0; border: 1px solid var(--line); border-radius: 6px; overflow: hidden; }
.pane h4 { margin: 0; padding: .35rem .7rem; font-size: .82rem; background: #eef1f5; border-bottom: 1px solid var(--line); display: flex; justify-content: space-between; gap: 1rem; }
.pane h4 span:last-child { color: var(--muted); font-weight: normal; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.text { position: relative; margin: 0; padding: .6rem .8rem; max-height: 24rem; overflow-y: auto; overflow-x: hidden; white-space: pre-wrap; overflow-wrap: anywhere; font: 12.5px/1.55 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
.overview .text { max-height: 16rem; }
mark, .swatch { color: inherit; border-radius: 2px; background: #dee2e6; }
mark { cursor: pointer; }
.c1 { background: #ffe066; } .c2 { background: #a5d8ff; } .c3 { background: #b2f2bb; } .c4 { background: #fcc2d7; }
.c5 { background: #ffd8a8; } .c6 { background: #d0bfff; } .c7 { background: #99e9f2; } .c8 { background: #d8f5a2; }
.c9 { background: #eebefa; } .c10 { background: #ffc9c9; }
mark.active { background: #ff922b; box-shadow: 0 1px 0 #d9480f; }
mark:focus-visible { outline: 2px solid #1c7ed6; }
details { margin-top: .7rem; font-size: .88rem; }
summary { cursor: pointer; color: var(--muted); }
pre.attribution { white-space: pre-wrap; overflow-wrap: anywhere; background: #f8f9fb; border: 1px solid var(--line); padding: .7rem; border-radius: 6px; font-size: .82rem; margin: .3rem 0 0; }
nav.toc ol { margin: .2rem 0; padding-left: 1.4rem; font-size: .9rem; }
a { color: #1864ab; }
@media (max-width: 800px) { .panes { grid-template-columns: minmax(0, 1fr); } main { padding: .5rem 1rem; } }
$css$;
    js constant text := $js$
(function () {
  'use strict';
  var active = [];
  function pieces(f, side, span) {
    return Array.prototype.slice.call(document.querySelectorAll(
      'mark[data-f="' + f + '"][data-side="' + side + '"][data-span="' + span + '"]'));
  }
  function reveal(m) {
    var box = m.closest('.text');
    if (box) {
      box.scrollTop = Math.max(0, m.offsetTop - box.clientHeight / 3);
    }
    var r = (box || m).getBoundingClientRect();
    if (r.top < 0 || r.bottom > window.innerHeight) {
      (box || m).scrollIntoView({block: 'center'});
    }
  }
  function go(m) {
    var f = m.getAttribute('data-f'), span = m.getAttribute('data-span'), side = m.getAttribute('data-side');
    var peers = pieces(f, side === 'b' ? 'a' : 'b', span);
    if (side === 'o') {
      peers = pieces(f, 'a', span);
    }
    if (!peers.length) {
      return;
    }
    active.forEach(function (x) { x.classList.remove('active'); });
    active = pieces(f, side, span).concat(peers, side === 'o' ? pieces(f, 'b', span) : []);
    active.forEach(function (x) { x.classList.add('active'); });
    if (side === 'o') {
      reveal(pieces(f, 'b', span)[0]);
    }
    reveal(peers[0]);
  }
  document.addEventListener('click', function (e) {
    var m = e.target.closest ? e.target.closest('mark[data-f]') : null;
    if (m) {
      go(m);
    }
  });
  document.addEventListener('keydown', function (e) {
    if ((e.key === 'Enter' || e.key === ' ') && e.target.matches && e.target.matches('mark[data-f]')) {
      e.preventDefault();
      go(e.target);
    }
  });
})();
$js$;
    doc text[] := '{}';
    toc text[] := '{}';
    body text[];
    legend text[];
    o jsonb;
    f jsonb;
    oi int := 0;
    fi int;
    otext text;
    wtext text;
    spans jsonb;
    all_spans jsonb;
    dropped int;
    npassages text;
    ob jsonb;
BEGIN
    doc := array_append(doc, format(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="default-src ''none''; style-src ''unsafe-inline''; script-src ''sha256-%s''">'
        '<title>%s</title><style>%s</style></head><body>'
        '<header class="top"><h1>%s</h1><p>Copied passages and what their licenses require · pg_llmcopy %s · %s</p></header><main>',
        encode(sha256(convert_to(js, 'UTF8')), 'base64'), @extschema@.llmcopy_html_escape(title), css,
        @extschema@.llmcopy_html_escape(title),
        (SELECT e.extversion FROM pg_extension e WHERE e.extname = 'pg_llmcopy'),
        to_char(now(), 'YYYY-MM-DD HH24:MI TZ')));

    -- a scan's summary: figures, findings per model and day, license conflicts
    IF summary IS NOT NULL THEN
        doc := array_append(doc, format(
            '<section class="card summary"><h2>Summary</h2><div class="figures">'
            '<div><b>%s</b>outputs with findings</div><div><b>%s</b>findings</div><div><b>%s</b>works copied</div>'
            '<div><b>%s</b>outputs with license conflicts</div></div>%s',
            summary ->> 'outputs', summary ->> 'findings', summary ->> 'works',
            jsonb_array_length(summary -> 'conflicts'),
            CASE WHEN summary ->> 'since' IS NOT NULL OR summary ->> 'until' IS NOT NULL THEN
                format('<p class="note">Findings found from %s to %s.</p>',
                       @extschema@.llmcopy_html_escape(coalesce(summary ->> 'since', 'the first scan')),
                       @extschema@.llmcopy_html_escape(coalesce(summary ->> 'until', 'now')))
            END)
            || '<h3>Findings per model and day</h3><table class="daily"><thead><tr><th>day (logged)</th><th>model</th>'
               '<th class="num">outputs</th><th class="num">findings</th><th>licenses</th></tr></thead><tbody>'
            || coalesce((SELECT string_agg(format('<tr><td>%s</td><td>%s</td><td class="num">%s</td><td class="num">%s</td><td>%s</td></tr>',
                                                  @extschema@.llmcopy_html_escape(coalesce(d ->> 'day', 'no date')),
                                                  @extschema@.llmcopy_html_escape(coalesce(d ->> 'model', '')),
                                                  d ->> 'outputs', d ->> 'findings',
                                                  @extschema@.llmcopy_html_escape(d ->> 'licenses')), '' ORDER BY n)
                         FROM jsonb_array_elements(summary -> 'daily') WITH ORDINALITY x(d, n)), '')
            || '</tbody></table><h3>License conflicts</h3>'
            || CASE WHEN jsonb_array_length(summary -> 'conflicts') = 0 THEN
                   '<p class="note">No output copies text found under different licenses.</p>'
               ELSE '<table class="conflicts"><thead><tr><th>output</th><th>found in</th><th>incompatible both ways</th></tr></thead><tbody>'
                    || (SELECT string_agg(format('<tr><td>%s %s</td><td>%s</td><td>%s</td></tr>',
                                                 @extschema@.llmcopy_html_escape(c ->> 'table'),
                                                 @extschema@.llmcopy_html_escape(c ->> 'id'),
                                                 (SELECT string_agg(@extschema@.llmcopy_html_escape(s), '<br>')
                                                  FROM jsonb_array_elements_text(c -> 'sources') s),
                                                 CASE WHEN (c ->> 'incompatible')::bool THEN '<span class="badge warn">yes</span>'
                                                      ELSE 'no' END), '' ORDER BY n)
                        FROM jsonb_array_elements(summary -> 'conflicts') WITH ORDINALITY x(c, n))
                    || '</tbody></table>'
               END
            || CASE WHEN (summary ->> 'shown')::int < (summary ->> 'outputs')::int THEN
                   format('<p class="note">The %s outputs with the highest containment are shown below.</p>', summary ->> 'shown')
               ELSE '' END
            || '</section>');
    END IF;

    FOR o IN SELECT x FROM jsonb_array_elements(outputs) x LOOP
        oi := oi + 1;
        fi := 0;
        otext := o ->> 'text';
        body := '{}';
        legend := '{}';
        all_spans := '[]';
        FOR f IN SELECT x FROM jsonb_array_elements(o -> 'findings') x LOOP
            fi := fi + 1;
            wtext := f ->> 'text';
            -- spans that no longer fit the texts (edited since the scan) are left out
            SELECT coalesce(jsonb_agg(e.s ORDER BY e.n) FILTER (WHERE e.fits), '[]'),
                   count(*) FILTER (WHERE NOT e.fits)
            INTO spans, dropped
            FROM (SELECT x.s, x.n,
                         coalesce((x.s ->> 'a_start')::int + (x.s ->> 'a_length')::int - 1 <= length(otext)
                                  AND (x.s ->> 'b_start')::int + (x.s ->> 'b_length')::int - 1 <= length(wtext)
                                  AND (x.s ->> 'excerpt' IS NULL
                                       OR starts_with(substr(otext, (x.s ->> 'a_start')::int), rtrim(x.s ->> 'excerpt', '…'))),
                                  false) AS fits
                  FROM jsonb_array_elements(f -> 'spans') WITH ORDINALITY x(s, n)) e;
            all_spans := all_spans || (SELECT coalesce(jsonb_agg(s || jsonb_build_object('work', fi)), '[]')
                                       FROM jsonb_array_elements(spans) s);
            ob := f -> 'obligations';
            npassages := format('%s passage%s', jsonb_array_length(spans), CASE WHEN jsonb_array_length(spans) = 1 THEN '' ELSE 's' END);
            legend := array_append(legend, format('<li><span class="swatch c%s"></span><a href="#o%sf%s">%s</a></li>', fi, oi, fi,
                                       @extschema@.llmcopy_html_escape(coalesce(f ->> 'title', (f ->> 'corpus') || ' ' || (f ->> 'work_id')))));
            body := array_append(body, format(
                '<article class="finding" id="o%sf%s"><h3><span class="swatch c%s"></span>%s <span class="muted">· %s %s</span></h3>'
                '<dl class="meta"><dt>Author</dt><dd>%s</dd><dt>Source</dt><dd>%s</dd><dt>License</dt><dd>%s</dd>'
                '<dt>Obligations</dt><dd>%s</dd><dt>Evidence</dt><dd>containment %s · longest run %s tokens · coverage %s · %s</dd></dl>%s',
                oi, fi, fi,
                @extschema@.llmcopy_html_escape(coalesce(f ->> 'title', 'untitled work')),
                @extschema@.llmcopy_html_escape(f ->> 'corpus'), @extschema@.llmcopy_html_escape(f ->> 'work_id'),
                @extschema@.llmcopy_html_escape(coalesce(f ->> 'author', 'not recorded')),
                @extschema@.llmcopy_html_escape(coalesce(f ->> 'source', 'not recorded')),
                CASE WHEN f ->> 'license' IS NULL THEN
                         format('<span class="badge warn">unknown</span> %s',
                                @extschema@.llmcopy_html_escape(coalesce('recorded as “' || (f ->> 'license_raw') || '”', 'none recorded')))
                     ELSE @extschema@.llmcopy_html_escape(coalesce((f ->> 'license_name') || ' (' || (f ->> 'license') || ')', f ->> 'license'))
                END,
                CASE WHEN ob IS NULL OR jsonb_typeof(ob) = 'null' OR ob ->> 'copyleft' IS NULL THEN
                         '<span class="badge warn">obligations unknown</span>'
                         || coalesce(' not catalogued: ' || @extschema@.llmcopy_html_escape(
                                (SELECT string_agg(u, ', ') FROM jsonb_array_elements_text(ob -> 'unknown') u)), '')
                     ELSE concat(
                         CASE WHEN (ob ->> 'attribution')::bool THEN '<span class="badge warn">attribution required</span>'
                              ELSE '<span class="badge ok">no attribution required</span>' END,
                         CASE WHEN ob ->> 'copyleft' = 'none' THEN '<span class="badge ok">no copyleft</span>'
                              ELSE format('<span class="badge warn">%s copyleft</span>', @extschema@.llmcopy_html_escape(ob ->> 'copyleft')) END,
                         CASE WHEN (ob ->> 'share_alike')::bool THEN '<span class="badge warn">share-alike</span>' END,
                         CASE WHEN (ob ->> 'non_commercial')::bool THEN '<span class="badge warn">non-commercial only</span>' END,
                         CASE WHEN (ob ->> 'no_derivatives')::bool THEN '<span class="badge warn">no derivatives</span>' END,
                         CASE WHEN ob ->> 'chosen' IS DISTINCT FROM f ->> 'license' THEN
                              ' as ' || @extschema@.llmcopy_html_escape(ob ->> 'chosen') END)
                END,
                round((f ->> 'containment')::numeric, 2), f ->> 'longest_tokens', round((f ->> 'coverage')::numeric, 2),
                npassages,
                CASE WHEN dropped > 0 THEN
                    format('<p class="note warn">%s of the passages no longer match the texts (edited since the scan) and are not shown.</p>', dropped)
                ELSE '' END)
                || CASE WHEN otext IS NULL OR wtext IS NULL THEN
                       format('<p class="note warn">The %s is no longer in its table.</p>', CASE WHEN otext IS NULL THEN 'output' ELSE 'work' END)
                   ELSE format(
                       '<div class="panes"><div class="pane"><h4><span>Output</span><span>%s</span></h4><div class="text" data-side="a">%s</div></div>'
                       '<div class="pane"><h4><span>Work</span><span>%s</span></h4><div class="text" data-side="b">%s</div></div></div>',
                       npassages,
                       @extschema@.llmcopy_headline(otext, spans, format(
                           'Escape=html, HighlightAll=true, StopSel="</mark>", '
                           'StartSel="<mark class=''m c%s'' data-f=''o%sf%s'' data-side=''a'' data-span=''%%s'' tabindex=''0''>"',
                           fi, oi, fi)),
                       @extschema@.llmcopy_html_escape(coalesce(f ->> 'title', '')),
                       @extschema@.llmcopy_headline(wtext, spans, format(
                           'Side=b, Escape=html, HighlightAll=true, StopSel="</mark>", '
                           'StartSel="<mark class=''m c%s'' data-f=''o%sf%s'' data-side=''b'' data-span=''%%s'' tabindex=''0''>"',
                           fi, oi, fi)))
                   END
                || '<details><summary>Passages: where each is in both texts</summary><table><thead><tr><th class="num">#</th>'
                   '<th class="num">output, from</th><th class="num">characters</th><th class="num">work, from</th><th class="num">characters</th>'
                   '<th class="num">tokens</th><th>text</th></tr></thead><tbody>'
                || coalesce((SELECT string_agg(format('<tr><td class="num">%s</td><td class="num">%s</td><td class="num">%s</td><td class="num">%s</td>'
                                                      '<td class="num">%s</td><td class="num">%s</td><td>%s</td></tr>',
                                                      n, s ->> 'a_start', s ->> 'a_length', s ->> 'b_start', s ->> 'b_length', s ->> 'tokens',
                                                      @extschema@.llmcopy_html_escape(coalesce(s ->> 'excerpt', ''))), '' ORDER BY n)
                             FROM jsonb_array_elements(spans) WITH ORDINALITY x(s, n)), '')
                || '</tbody></table></details></article>');
        END LOOP;

        toc := array_append(toc, format('<li><a href="#o%s">%s %s</a> <span class="muted">· %s · %s works</span></li>', oi,
                             @extschema@.llmcopy_html_escape(o ->> 'table'), @extschema@.llmcopy_html_escape(o ->> 'id'),
                             @extschema@.llmcopy_html_escape(coalesce(o ->> 'model', 'model not recorded')), fi));
        doc := array_append(doc, format(
            '<section class="output" id="o%s"><h2>Output %s %s</h2><p class="note">%s · logged %s · %s</p>',
            oi, @extschema@.llmcopy_html_escape(o ->> 'table'), @extschema@.llmcopy_html_escape(o ->> 'id'),
            @extschema@.llmcopy_html_escape(coalesce(o ->> 'model', 'model not recorded')),
            @extschema@.llmcopy_html_escape(coalesce(left(o ->> 'logged_at', 16), 'at an unknown time')),
            CASE fi WHEN 0 THEN 'no findings' WHEN 1 THEN 'copies from 1 work' ELSE format('copies from %s works', fi) END)
            || CASE WHEN otext IS NOT NULL AND fi > 0 THEN format(
                   '<section class="card overview"><h3>The output, with the passages of every work</h3><ul class="legend">%s</ul>'
                   '<div class="text" data-side="o">%s</div></section>',
                   array_to_string(legend, ''),
                   @extschema@.llmcopy_headline(otext, all_spans, format(
                       'Escape=html, HighlightAll=true, StopSel="</mark>", '
                       'StartSel="<mark class=''m c%%n'' data-f=''o%sf%%n'' data-side=''o'' data-span=''%%s'' tabindex=''0''>"', oi)))
               WHEN otext IS NOT NULL THEN
                   format('<section class="card overview"><div class="text">%s</div></section>', @extschema@.llmcopy_html_escape(otext))
               ELSE '<p class="note warn">The output is no longer in its table.</p>' END
            || array_to_string(body, '')
            || CASE WHEN o ->> 'attribution' IS NOT NULL THEN
                   format('<section class="card"><h3>Attribution</h3><p class="note">To credit the works this output copies, where their licenses ask for it:</p>'
                          '<pre class="attribution">%s</pre></section>', @extschema@.llmcopy_html_escape(o ->> 'attribution'))
               ELSE '' END
            || '</section>');
    END LOOP;

    IF oi > 1 THEN
        -- a table of contents after the summary
        doc := doc[1:CASE WHEN summary IS NULL THEN 1 ELSE 2 END]
               || format('<section class="card"><h2>Outputs</h2><nav class="toc"><ol>%s</ol></nav></section>', array_to_string(toc, ''))
               || doc[CASE WHEN summary IS NULL THEN 2 ELSE 3 END:];
    ELSIF oi = 0 THEN
        doc := array_append(doc, '<section class="card"><p class="note">No findings.</p></section>'::text);
    END IF;
    RETURN array_to_string(doc, '') || '</main><script>' || js || '</script></body></html>';
END $fn$;

COMMENT ON FUNCTION llmcopy_report_html(text, jsonb, jsonb) IS
'a self-contained HTML report from plain inputs: per finding the output and the work side by side, copied passages highlighted and linked, license and obligations, attribution';

-- The report of one output: every finding of it, side by side.
CREATE FUNCTION llmcopy_report(output_table regclass, output_id text) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    data jsonb;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM @extschema@.llmcopy_output_tables t WHERE t.tbl = output_table) THEN
        RAISE EXCEPTION 'table % is not registered for outputs', output_table USING ERRCODE = 'undefined_object';
    END IF;
    data := @extschema@.llmcopy_report_data(ARRAY[output_table], ARRAY[output_id]);
    IF jsonb_typeof(data -> 0 -> 'text') = 'null' AND jsonb_array_length(data -> 0 -> 'findings') = 0 THEN
        RAISE EXCEPTION 'output % is not in table %', output_id, output_table USING ERRCODE = 'no_data_found';
    END IF;
    RETURN @extschema@.llmcopy_report_html(format('Output %s of %s', output_id, output_table), data);
END $$;

COMMENT ON FUNCTION llmcopy_report(regclass, text) IS
'the HTML report of one output: its findings with the output and each work side by side';

-- The same from any row that names an output (output_table, output_id): a
-- row of llmcopy_findings or of the views built on it.
CREATE FUNCTION llmcopy_report(finding record) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RETURN @extschema@.llmcopy_report(
        (SELECT t.tbl FROM @extschema@.llmcopy_output_tables t WHERE t.id = finding.output_table),
        finding.output_id);
END $$;

COMMENT ON FUNCTION llmcopy_report(record) IS
'the HTML report of the output a row of llmcopy_findings (or of a view over it) names';

-- The report of the findings found in a time range: a dashboard's summary,
-- then the outputs with the highest containment.
CREATE FUNCTION llmcopy_scan_report(since timestamptz DEFAULT NULL, until timestamptz DEFAULT NULL,
    max_outputs int DEFAULT 100) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    summary jsonb;
    tbls regclass[];
    ids text[];
    all_tables int[];
    all_ids text[];
BEGIN
    IF max_outputs IS NULL OR max_outputs < 0 THEN
        RAISE EXCEPTION 'max_outputs must be 0 or more' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    WITH sel AS (
        SELECT f.*, ot.tbl
        FROM @extschema@.llmcopy_findings f JOIN @extschema@.llmcopy_output_tables ot ON ot.id = f.output_table
        WHERE (since IS NULL OR f.found_at >= since) AND (until IS NULL OR f.found_at < until)),
    outs AS (
        SELECT s.tbl, s.output_table, s.output_id, max(s.containment) AS top
        FROM sel s GROUP BY 1, 2, 3),
    shown AS (
        SELECT * FROM outs ORDER BY top DESC, tbl, output_id LIMIT max_outputs)
    SELECT jsonb_build_object(
               'since', to_char(since, 'YYYY-MM-DD HH24:MI:SS TZ'), 'until', to_char(until, 'YYYY-MM-DD HH24:MI:SS TZ'),
               'findings', (SELECT count(*) FROM sel), 'outputs', (SELECT count(*) FROM outs),
               'works', (SELECT count(DISTINCT (s.corpus_table, s.work_id)) FROM sel s),
               'shown', (SELECT count(*) FROM shown),
               'daily', (SELECT coalesce(jsonb_agg(d ORDER BY d.day, d.model), '[]')
                         FROM (SELECT to_char(date_trunc('day', s.logged_at), 'YYYY-MM-DD') AS day, s.model,
                                      count(DISTINCT (s.output_table, s.output_id)) AS outputs, count(*) AS findings,
                                      string_agg(DISTINCT coalesce(s.license, 'unknown'), ', ') AS licenses
                               FROM sel s GROUP BY 1, 2) d)),
           (SELECT array_agg(s.tbl ORDER BY s.top DESC, s.tbl, s.output_id) FROM shown s),
           (SELECT array_agg(s.output_id ORDER BY s.top DESC, s.tbl, s.output_id) FROM shown s),
           (SELECT array_agg(o.output_table) FROM outs o), (SELECT array_agg(o.output_id) FROM outs o)
    INTO summary, tbls, ids, all_tables, all_ids;
    -- license_compatible(), which the conflicts view calls, finds its tables
    -- through the search_path: the extension's schema, after pg_catalog,
    -- for this one query
    PERFORM set_config('search_path', 'pg_catalog, @extschema@, pg_temp', true);
    summary := summary || jsonb_build_object('conflicts', (
        SELECT coalesce(jsonb_agg(jsonb_build_object('table', ot.tbl::text, 'id', c.output_id,
                                                     'sources', c.sources, 'incompatible', c.incompatible)
                                  ORDER BY ot.tbl::text, c.output_id), '[]')
        FROM @extschema@.llmcopy_license_conflicts c
        JOIN @extschema@.llmcopy_output_tables ot ON ot.id = c.output_table
        JOIN unnest(all_tables, all_ids) k(output_table, output_id)
             ON k.output_table = c.output_table AND k.output_id = c.output_id));
    PERFORM set_config('search_path', 'pg_catalog, pg_temp', true);
    RETURN @extschema@.llmcopy_report_html(
        'Copied passages found by the scan' || CASE WHEN since IS NOT NULL THEN ' since ' || to_char(since, 'YYYY-MM-DD HH24:MI') ELSE '' END,
        @extschema@.llmcopy_report_data(coalesce(tbls, '{}'), coalesce(ids, '{}')), summary);
END $$;

COMMENT ON FUNCTION llmcopy_scan_report(timestamptz, timestamptz, int) IS
'the HTML report of the findings found in [since, until): findings per model and day, license conflicts, then each output side by side with its works';

-- ---------------------------------------------------------------------------
-- SPDX and licenses

-- ---------------------------------------------------------------------------
-- the workflow: registration, scans, findings, views, privileges
