-- One postgres_fdw shard (.ci/fdw): the corpus rows with :lo <= id <= :hi,
-- their fingerprints and signatures, GIN indexes, and the role the router
-- connects as, whose cursors are planned for all their rows.
DELETE FROM works WHERE id NOT BETWEEN :lo AND :hi;
DROP TABLE outputs, eval;
ALTER TABLE works ADD COLUMN fp fingerprint GENERATED ALWAYS AS (fingerprint(body)) STORED,
                  ADD COLUMN sig minhash GENERATED ALWAYS AS (minhash(body)) STORED;
CREATE INDEX works_fp ON works USING gin (fp);
CREATE INDEX works_sig ON works USING gin (sig);
VACUUM ANALYZE works;
CREATE ROLE llmcopy_fdw LOGIN;
GRANT SELECT ON works TO llmcopy_fdw;
ALTER ROLE llmcopy_fdw SET cursor_tuple_fraction = 1;
-- (for the suite, which reads index statistics through the wrapper)
ALTER ROLE llmcopy_fdw SET stats_fetch_consistency = none;
