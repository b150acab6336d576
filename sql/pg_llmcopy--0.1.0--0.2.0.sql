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

-- ---------------------------------------------------------------------------
-- SPDX and licenses

-- ---------------------------------------------------------------------------
-- the workflow: registration, scans, findings, views, privileges
