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

-- ---------------------------------------------------------------------------
-- SPDX and licenses

-- The GNU "or later" rule written once, in C, for spdx_satisfies and the
-- compatibility rules alike.
CREATE FUNCTION llmcopy_spdx_or_later(offered text, wanted text) RETURNS bool
AS 'MODULE_PATHNAME', 'llmcopy_spdx_or_later' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION llmcopy_spdx_or_later(text, text) IS
'the GNU "or later" rule, as spdx_satisfies applies it: whether license id offered (X-v-or-later, or X+) also grants wanted (X at a version from v on)';

-- The leaf rule: search_path pinned, extension objects qualified, the "or
-- later" rule from C.
CREATE OR REPLACE FUNCTION llmcopy_license_leaf_compatible(inbound text, outbound text) RETURNS bool
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    i @extschema@.llmcopy_licenses;
    o @extschema@.llmcopy_licenses;
    rule bool;
BEGIN
    inbound := split_part(inbound, ' WITH ', 1);
    outbound := split_part(outbound, ' WITH ', 1);
    IF inbound = outbound THEN
        RETURN true;
    END IF;
    SELECT r.compatible INTO rule FROM @extschema@.llmcopy_license_rules r
    WHERE r.inbound = llmcopy_license_leaf_compatible.inbound AND outbound LIKE r.outbound_like
    ORDER BY r.compatible LIMIT 1;          -- an incompatibility rule wins
    IF FOUND THEN
        RETURN rule;
    END IF;
    -- "X-v-or-later" allows X-w for every w >= v: the rule spdx_satisfies applies
    IF @extschema@.llmcopy_spdx_or_later(inbound, outbound) THEN
        RETURN true;
    END IF;
    SELECT * INTO i FROM @extschema@.llmcopy_licenses l WHERE l.id = inbound;
    SELECT * INTO o FROM @extschema@.llmcopy_licenses l WHERE l.id = outbound;
    IF i.copyleft IS NULL OR o.copyleft IS NULL THEN
        RETURN NULL;                        -- not catalogued
    END IF;
    IF i.no_derivatives THEN
        RETURN false;                       -- no adapted work may be shared
    END IF;
    IF i.non_commercial AND NOT o.non_commercial THEN
        RETURN false;
    END IF;
    IF i.copyleft IN ('strong', 'network') OR i.share_alike AND i.copyleft <> 'weak' THEN
        RETURN false;                       -- only the rules above allow another license
    END IF;
    -- weak copyleft: the larger work may be under another license while the
    -- licensed files keep theirs; permissive: the notice travels along
    RETURN true;
END $$;

-- Correction of messy license strings: the rules behind an answer.
CREATE FUNCTION spdx_correct_explain(text, OUT corrected text, OUT rule text, OUT detail text,
    OUT candidates text[])
RETURNS record
AS 'MODULE_PATHNAME', 'spdx_correct_explain' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION spdx_correct_explain(text) IS
'what spdx_correct answers (corrected), the rule that decided, what it read step by step (detail), and the licenses it would not choose between (candidates)';
COMMENT ON FUNCTION spdx_correct(text) IS
'the best SPDX expression for a messy license string (names, aliases, URLs, prose, typos), or NULL when it cannot tell; spdx_correct_explain says why';

-- BSD-2-Clause-FreeBSD now means BSD-2-Clause-Views (data/spdx/deprecated.tsv).
UPDATE llmcopy_licenses
SET fsf_libre = true, attribution = true, copyleft = 'none', share_alike = false, non_commercial = false,
    no_derivatives = false, source = 'license text (BSD-2-Clause and a views sentence); FSF list (FreeBSD)'
WHERE id = 'BSD-2-Clause-Views' AND builtin;

-- ---------------------------------------------------------------------------
-- the workflow: registration, scans, findings, views, privileges
