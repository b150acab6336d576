-- The trigger that keeps llmcopy_fp of a table registered with online =>
-- true (zz_llmcopy_fp): after every write, every row's stored fingerprint
-- equals fingerprint(text, k, w, mode) of its text as it finally stands,
-- however the text got there.  Each case writes a registered table and a
-- control table kept by the trigger as 0.2.0 first defined it (named
-- llmcopy_fp, BEFORE INSERT OR UPDATE OF the text column, enabled on
-- origin only), and counts the rows whose fingerprint is not that of their
-- text: none in the registered table, some in the control, which the three
-- ways below let stale:
--   1. BEFORE row triggers fire in the order of their names, so the
--      table's own normalize_body, sorting after llmcopy_fp, rewrote the
--      text after it was fingerprinted;
--   2. an UPDATE whose SET list does not name the text does not fire UPDATE
--      OF the text, yet the table's own trigger rewrote it then;
--   3. writes with session_replication_role = replica skip a trigger that
--      is not enabled ALWAYS.
-- The tables belong to a role that is not a superuser, which writes them.
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_online_owner;
RESET client_min_messages;
CREATE ROLE regress_online_owner;
SELECT llmcopy_grant('regress_online_owner', 'admin');
CREATE SCHEMA ot AUTHORIZATION regress_online_owner;
SET ROLE regress_online_owner;
SET search_path = ot, public;

-- the rows of tbl, and those whose llmcopy_fp is not fingerprint(body, 5, 10, 'text')
CREATE FUNCTION ot.mismatches(tbl regclass, OUT rows bigint, OUT mismatches bigint) LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('SELECT count(*), count(*) FILTER (WHERE llmcopy_fp IS DISTINCT FROM public.fingerprint(body, 5, 10, ''text'')) FROM %s',
                   tbl)
    INTO rows, mismatches;
END $$;
-- the control's trigger, as 0.2.0 first created it
CREATE FUNCTION ot.old_trigger(tbl regclass) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('ALTER TABLE %s ADD COLUMN llmcopy_fp public.fingerprint', tbl);
    EXECUTE format('CREATE TRIGGER llmcopy_fp BEFORE INSERT OR UPDATE OF body ON %s FOR EACH ROW
                    EXECUTE FUNCTION public.llmcopy_fp_trigger(''body'', 5, 10, ''text'')', tbl);
END $$;

-- 1. The table's own triggers, one sorting before llmcopy_fp (a_trim) and
-- one after it (normalize_body), both before zz_llmcopy_fp.
CREATE FUNCTION ot.trim_body() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.body := btrim(NEW.body);
    RETURN NEW;
END $$;
CREATE FUNCTION ot.normalize_body() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.body NOT LIKE 'Normalized%' THEN
        NEW.body := 'Normalized by the house style of the archive, spelling checked: ' || replace(NEW.body, 'colour', 'color');
    END IF;
    RETURN NEW;
END $$;
CREATE TABLE ot.styled (id int PRIMARY KEY, body text, n int DEFAULT 0);
CREATE TABLE ot.styled_old (LIKE ot.styled INCLUDING ALL);
SET client_min_messages = warning;
SELECT llmcopy_register_corpus('ot.styled', 'id', 'body', online => true) IS NOT NULL AS registered;
RESET client_min_messages;
SELECT ot.old_trigger('ot.styled_old');
CREATE TRIGGER a_trim BEFORE INSERT OR UPDATE ON ot.styled FOR EACH ROW EXECUTE FUNCTION ot.trim_body();
CREATE TRIGGER normalize_body BEFORE INSERT OR UPDATE ON ot.styled FOR EACH ROW EXECUTE FUNCTION ot.normalize_body();
CREATE TRIGGER a_trim BEFORE INSERT OR UPDATE ON ot.styled_old FOR EACH ROW EXECUTE FUNCTION ot.trim_body();
CREATE TRIGGER normalize_body BEFORE INSERT OR UPDATE ON ot.styled_old FOR EACH ROW EXECUTE FUNCTION ot.normalize_body();
-- the order they fire in
SELECT tgrelid::regclass AS tbl, string_agg(tgname, ' < ' ORDER BY tgname COLLATE "C") AS before_row_triggers
FROM pg_trigger WHERE tgrelid IN ('ot.styled'::regclass, 'ot.styled_old'::regclass) GROUP BY 1 ORDER BY 1;
INSERT INTO ot.styled SELECT i, '  Entry ' || i || ': the colour of the river barges changed with the seasons, said the keeper of lock ' || i * 7 || '.  '
FROM generate_series(1, 30) i;
INSERT INTO ot.styled_old SELECT * FROM ot.styled;       -- through its triggers: normalized already, so left alone
INSERT INTO ot.styled_old SELECT i, '  Entry ' || i || ': the colour of the grain sacks faded in the sun of the long summer at mill ' || i * 3 || '.  '
FROM generate_series(31, 60) i;
INSERT INTO ot.styled SELECT * FROM ot.styled_old WHERE id > 30;
UPDATE ot.styled SET body = '  A new colour for the old ferry, painted by the crew of boat ' || id || ' in spring.' WHERE id % 4 = 0;
UPDATE ot.styled_old SET body = '  A new colour for the old ferry, painted by the crew of boat ' || id || ' in spring.' WHERE id % 4 = 0;
UPDATE ot.styled SET n = n + 1 WHERE id % 3 = 0;
SELECT t AS tbl, m.* FROM unnest(ARRAY['ot.styled'::regclass, 'ot.styled_old'::regclass]) t, ot.mismatches(t) m;
SELECT count(*) FILTER (WHERE body LIKE 'Normalized%' AND body = btrim(body) AND body NOT LIKE '%colour%') AS normalized,
       count(llmcopy_fp) AS fingerprinted FROM ot.styled;

-- 2. An update that does not name the text, on which the table's own
-- trigger (a_publish, sorting before both names) rewrites it.
CREATE FUNCTION ot.publish() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.published AND NOT OLD.published THEN
        NEW.body := NEW.draft;
    END IF;
    RETURN NEW;
END $$;
CREATE TABLE ot.pages (id int PRIMARY KEY, body text, draft text, published bool DEFAULT false, at timestamptz);
CREATE TABLE ot.pages_old (LIKE ot.pages INCLUDING ALL);
SET client_min_messages = warning;
SELECT llmcopy_register_outputs('ot.pages', 'id', 'body', 'at', online => true) IS NOT NULL AS registered;
RESET client_min_messages;
SELECT ot.old_trigger('ot.pages_old');
CREATE TRIGGER a_publish BEFORE UPDATE ON ot.pages FOR EACH ROW EXECUTE FUNCTION ot.publish();
CREATE TRIGGER a_publish BEFORE UPDATE ON ot.pages_old FOR EACH ROW EXECUTE FUNCTION ot.publish();
INSERT INTO ot.pages (id, body, draft)
SELECT i, 'Placeholder page ' || i || ', to be written.',
       'Page ' || i || ' tells how the harbour master counted the ships that came in before the storm of year ' || (1800 + i) || '.'
FROM generate_series(1, 40) i;
INSERT INTO ot.pages_old SELECT id, body, draft, published, at FROM ot.pages;
UPDATE ot.pages SET published = true WHERE id % 2 = 0;
UPDATE ot.pages_old SET published = true WHERE id % 2 = 0;
SELECT t AS tbl, m.* FROM unnest(ARRAY['ot.pages'::regclass, 'ot.pages_old'::regclass]) t, ot.mismatches(t) m;
SELECT count(*) FILTER (WHERE body = draft) AS published FROM ot.pages;

-- 3. Writes with session_replication_role = replica (a superuser sets it,
-- as the apply worker of logical replication runs; the owner writes).
CREATE TABLE ot.replicated (id int PRIMARY KEY, body text);
CREATE TABLE ot.replicated_old (LIKE ot.replicated INCLUDING ALL);
SET client_min_messages = warning;
SELECT llmcopy_register_corpus('ot.replicated', 'id', 'body', online => true) IS NOT NULL AS registered;
RESET client_min_messages;
SELECT ot.old_trigger('ot.replicated_old');
INSERT INTO ot.replicated SELECT i, 'Ledger line ' || i || ': forty barrels of salt herring shipped to the northern ports in the autumn.' FROM generate_series(1, 20) i;
INSERT INTO ot.replicated_old SELECT id, body FROM ot.replicated;
RESET ROLE;
SET session_replication_role = replica;
SET ROLE regress_online_owner;
INSERT INTO ot.replicated SELECT i, 'Ledger line ' || i || ': twelve crates of lamp oil and rope delivered to the quay at dawn.' FROM generate_series(21, 40) i;
INSERT INTO ot.replicated_old SELECT i, 'Ledger line ' || i || ': twelve crates of lamp oil and rope delivered to the quay at dawn.' FROM generate_series(21, 40) i;
UPDATE ot.replicated SET body = 'Corrected line ' || id || ': the shipment was turned back at the customs house for want of papers.' WHERE id % 5 = 0;
UPDATE ot.replicated_old SET body = 'Corrected line ' || id || ': the shipment was turned back at the customs house for want of papers.' WHERE id % 5 = 0;
RESET ROLE;
RESET session_replication_role;
SET ROLE regress_online_owner;
SELECT t AS tbl, m.* FROM unnest(ARRAY['ot.replicated'::regclass, 'ot.replicated_old'::regclass]) t, ot.mismatches(t) m;

-- A fingerprint set by the statement, or set to NULL, is computed again;
-- an update of another column keeps the stored one (the same value).
UPDATE ot.replicated SET llmcopy_fp = fingerprint('something else entirely, written by hand into the column'::text, 4, 10) WHERE id <= 3;
UPDATE ot.replicated SET llmcopy_fp = NULL WHERE id BETWEEN 4 AND 6;
SELECT m.*, (SELECT count(llmcopy_fp) FROM ot.replicated) AS fingerprinted FROM ot.mismatches('ot.replicated') m;

-- The text is compared as stored, not through its collation: with one
-- that ignores accents and case, the new text is equal to the old, yet
-- its fingerprint differs, and is the one stored.
CREATE COLLATION ot.loose (provider = icu, locale = 'und-u-ks-level1', deterministic = false);
CREATE TABLE ot.loose_text (id int PRIMARY KEY, body text COLLATE ot.loose, n int DEFAULT 0);
SET client_min_messages = warning;
SELECT llmcopy_register_corpus('ot.loose_text', 'id', 'body', online => true) IS NOT NULL AS registered;
RESET client_min_messages;
INSERT INTO ot.loose_text (id, body) VALUES (1, 'The cafe served resume writers a creme brulee every evening at the pier');
CREATE TEMP TABLE loose_before AS SELECT id, body, llmcopy_fp FROM ot.loose_text;
UPDATE ot.loose_text SET body = 'The café served résumé writers a crème brûlée every evening at the pier';
SELECT l.body = b.body AS equal_by_collation, l.body::bytea = b.body::bytea AS same_bytes,
       fingerprint(l.body) = fingerprint(b.body) AS same_fingerprint,
       l.llmcopy_fp = fingerprint(l.body) AS stored_is_current
FROM ot.loose_text l JOIN loose_before b USING (id);
-- an update of another column leaves the fingerprint as it is (and right)
UPDATE ot.loose_text SET n = n + 1;
SELECT * FROM ot.mismatches('ot.loose_text');

-- The trigger as registration made it: last by name, every update, always.
SELECT tgname, tgenabled, tgattr::text = '' AS every_update FROM pg_trigger
WHERE tgrelid = 'ot.styled'::regclass AND tgname = 'zz_llmcopy_fp';
-- the C trigger refuses to run as anything but a BEFORE row trigger
CREATE TRIGGER zz_after AFTER INSERT ON ot.replicated_old FOR EACH ROW
EXECUTE FUNCTION public.llmcopy_fp_trigger('body', 5, 10, 'text');
INSERT INTO ot.replicated_old VALUES (100, 'after');
DROP TRIGGER zz_after ON ot.replicated_old;
-- nor on a column that is not text
CREATE TABLE ot.numbers (id int PRIMARY KEY, body int, llmcopy_fp fingerprint);
CREATE TRIGGER zz_llmcopy_fp BEFORE INSERT ON ot.numbers FOR EACH ROW
EXECUTE FUNCTION public.llmcopy_fp_trigger('body', 5, 10, 'text');
INSERT INTO ot.numbers VALUES (1, 42);

-- A partitioned table: each partition's copy of the trigger is checked
-- too.  A data-only restore with --disable-triggers ends with ENABLE TRIGGER
-- ALL on each partition it loaded (the data lives there), which leaves the
-- partition's copy enabled for origin writes only: replica-mode writes to it
-- then store no fingerprint, and llmcopy_fill would set NULL forever.
CREATE TABLE ot.parts (id int, grp int, body text, PRIMARY KEY (id, grp)) PARTITION BY LIST (grp);
CREATE TABLE ot.parts_1 PARTITION OF ot.parts FOR VALUES IN (1);
CREATE TABLE ot.parts_2 PARTITION OF ot.parts FOR VALUES IN (2);
SET client_min_messages = warning;
SELECT llmcopy_register_corpus('ot.parts', 'id', 'body', online => true) IS NOT NULL AS registered;
RESET client_min_messages;
SELECT kind, problem FROM llmcopy_registrations WHERE tbl = 'ot.parts'::regclass;
ALTER TABLE ot.parts_2 DISABLE TRIGGER ALL;
ALTER TABLE ot.parts_2 ENABLE TRIGGER ALL;
SELECT c.relname, t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
WHERE t.tgname = 'zz_llmcopy_fp' AND c.relname IN ('parts', 'parts_1', 'parts_2') ORDER BY 1;
SELECT kind, problem FROM llmcopy_registrations WHERE tbl = 'ot.parts'::regclass;
CALL llmcopy_fill('ot.parts');
-- the hint's mend reaches the partitions
ALTER TABLE ot.parts ENABLE ALWAYS TRIGGER zz_llmcopy_fp;
SELECT kind, problem FROM llmcopy_registrations WHERE tbl = 'ot.parts'::regclass;
RESET ROLE;
SET session_replication_role = replica;
SET ROLE regress_online_owner;
INSERT INTO ot.parts SELECT i, 1 + i % 2, 'Part ' || i || ': the lighthouse keeper wrote the names of the ships in a blue book.' FROM generate_series(1, 10) i;
RESET ROLE;
RESET session_replication_role;
SET ROLE regress_online_owner;
SELECT * FROM ot.mismatches('ot.parts');

-- A generated text column cannot be kept by the trigger: a BEFORE trigger
-- sees it before it is computed (NULL on insert, the old text on update).
CREATE TABLE ot.derived (id int PRIMARY KEY, raw text, body text GENERATED ALWAYS AS (lower(raw)) STORED);
SELECT llmcopy_register_corpus('ot.derived', 'id', 'body', online => true);
SELECT count(*) AS added FROM pg_attribute WHERE attrelid = 'ot.derived'::regclass AND attname = 'llmcopy_fp';

-- A table whose own trigger skips the update of some rows: llmcopy_fill
-- cannot fill them and says so, where it went over the table again and
-- again for ever (the time limit stops it on the old code).
CREATE TABLE ot.frozen (id int PRIMARY KEY, body text, locked bool NOT NULL DEFAULT false);
INSERT INTO ot.frozen SELECT i, 'Entry ' || i || ': the ferry left the harbour before dawn with the mail and twelve passengers.', i % 5 = 0
FROM generate_series(1, 20) i;
CREATE FUNCTION ot.keep_locked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.locked THEN
        RETURN NULL;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER keep_locked BEFORE UPDATE ON ot.frozen FOR EACH ROW EXECUTE FUNCTION ot.keep_locked();
SELECT llmcopy_register_corpus('ot.frozen', 'id', 'body', online => true) > 0 AS registered;
SET statement_timeout = '60s';
CALL llmcopy_fill('ot.frozen', 8);
RESET statement_timeout;
SELECT count(*) FILTER (WHERE llmcopy_fp IS NULL) AS unfilled, count(*) FILTER (WHERE llmcopy_fp IS NULL AND locked) AS unfilled_locked,
       count(*) FILTER (WHERE llmcopy_fp = fingerprint(body)) AS filled_right
FROM ot.frozen;
-- Progress: rows filled of about the table's rows, once it was analyzed,
-- and without a total before it was (the NOTICE said "10 rows of about 10"
-- of any table that is not partitioned: its own estimate was never read).
CREATE TABLE ot.counted (id int PRIMARY KEY, body text);
INSERT INTO ot.counted SELECT i, 'Line ' || i || ': the tide came in over the sand bar twice a day, as the almanac said.' FROM generate_series(1, 30) i;
ANALYZE ot.counted;
SELECT llmcopy_register_corpus('ot.counted', 'id', 'body', online => true) > 0 AS registered;
CALL llmcopy_fill('ot.counted', 10);
SELECT llmcopy_unregister('ot.counted');
DROP TABLE ot.counted;

-- The procedure cannot pin its search_path: an operator = of a schema
-- before pg_catalog on the caller's path is not what its check runs (the
-- check as first written ran it, as the table's owner).
RESET ROLE;
CREATE SCHEMA ot_evil;
CREATE FUNCTION ot_evil.eq(bigint, integer) RETURNS bool LANGUAGE plpgsql AS $$
BEGIN
    RAISE NOTICE 'ot_evil.= ran as %', current_user;
    RETURN $1 OPERATOR(pg_catalog.=) $2;
END $$;
CREATE OPERATOR ot_evil.= (LEFTARG = bigint, RIGHTARG = integer, FUNCTION = ot_evil.eq);
CREATE FUNCTION ot_evil.format(text, regclass) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    RAISE NOTICE 'ot_evil.format ran as %', current_user;
    RETURN $1;
END $$;
GRANT USAGE ON SCHEMA ot_evil TO PUBLIC;
SET ROLE regress_online_owner;
SELECT current_setting('search_path') AS saved_path \gset
SELECT set_config('search_path', 'ot_evil, pg_catalog, ' || :'saved_path', false) IS NOT NULL AS path_set;
CALL llmcopy_fill('ot.frozen', 8);
SELECT set_config('search_path', :'saved_path', false) IS NOT NULL AS path_reset;
RESET ROLE;
DROP SCHEMA ot_evil CASCADE;
SET ROLE regress_online_owner;

-- The same with rows whose text is NULL: they have no fingerprint to fill
-- and are not missing one, yet each pass updated them and counted them as
-- filled, so the fill went over the table for ever again.
CREATE TABLE ot.frozen_blanks (id int PRIMARY KEY, body text, locked bool NOT NULL DEFAULT false);
INSERT INTO ot.frozen_blanks
SELECT i, CASE WHEN i % 3 <> 0 THEN 'Entry ' || i || ': the ferry left the harbour before dawn with the mail and twelve passengers.' END, i % 5 = 0
FROM generate_series(1, 20) i;
CREATE TRIGGER keep_locked BEFORE UPDATE ON ot.frozen_blanks FOR EACH ROW EXECUTE FUNCTION ot.keep_locked();
SELECT llmcopy_register_corpus('ot.frozen_blanks', 'id', 'body', online => true) > 0 AS registered;
SET statement_timeout = '60s';
CALL llmcopy_fill('ot.frozen_blanks', 8);
RESET statement_timeout;
SELECT count(*) FILTER (WHERE body IS NOT NULL AND llmcopy_fp IS NULL) AS unfilled,
       count(*) FILTER (WHERE body IS NOT NULL AND llmcopy_fp IS NULL AND locked) AS unfilled_locked,
       count(*) FILTER (WHERE llmcopy_fp = fingerprint(body)) AS filled_right
FROM ot.frozen_blanks;

-- A corpus whose id column allows NULL (a corpus needs no key): the fill
-- reaches rows by their id, so it never updated those with no id, and
-- stopped with the error above, blaming a trigger; they are filled at the
-- end of the pass.
CREATE TABLE ot.unkeyed (id int, body text);
INSERT INTO ot.unkeyed
SELECT CASE WHEN i % 6 <> 0 THEN i END, 'Entry ' || i || ': the ferry left the harbour before dawn with the mail and twelve passengers.'
FROM generate_series(1, 20) i;
SELECT llmcopy_register_corpus('ot.unkeyed', 'id', 'body', online => true) > 0 AS registered;
CALL llmcopy_fill('ot.unkeyed', 2);
SELECT count(*) AS rows, count(*) FILTER (WHERE id IS NULL) AS without_id, count(*) FILTER (WHERE llmcopy_fp = fingerprint(body)) AS filled_right
FROM ot.unkeyed;
SELECT problem FROM llmcopy_registrations WHERE tbl = 'ot.unkeyed'::regclass;

-- clean up
SELECT llmcopy_unregister(t)
FROM unnest(ARRAY['ot.styled', 'ot.pages', 'ot.replicated', 'ot.loose_text', 'ot.parts', 'ot.frozen', 'ot.frozen_blanks', 'ot.unkeyed']::regclass[]) t;
SELECT count(*) AS triggers_left FROM pg_trigger WHERE tgname = 'zz_llmcopy_fp' AND tgrelid <> 'ot.numbers'::regclass;
DROP TABLE loose_before;
RESET ROLE;
RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA ot CASCADE;
RESET client_min_messages;
SELECT llmcopy_revoke('regress_online_owner');
DROP ROLE regress_online_owner;
