-- The README's recipe for near-duplicate groups of a distributed table
-- (Citus), on works: band keys distributed by key, candidate pairs by a
-- co-located self-join, the first signature of each pair moved to the
-- second's shard, pairs verified at 0.8 into works_pairs.  Run by the Citus
-- suite and by bench/dist.
SET client_min_messages = warning;
CREATE TABLE works_bands (band_key bigint, id bigint);
SELECT create_distributed_table('works_bands', 'band_key');
INSERT INTO works_bands SELECT b.band_key, w.id FROM works w, minhash_bands(w.sig) b;
CREATE TABLE works_candidates (a bigint, b bigint, sig_a minhash);
SELECT create_distributed_table('works_candidates', 'b', colocate_with => 'works');
INSERT INTO works_candidates (a, b)
SELECT DISTINCT x.id, y.id FROM works_bands x JOIN works_bands y USING (band_key) WHERE x.id < y.id;
CREATE TABLE works_candidates_a (a bigint, b bigint);
SELECT create_distributed_table('works_candidates_a', 'a', colocate_with => 'works');
INSERT INTO works_candidates_a SELECT a, b FROM works_candidates;
TRUNCATE works_candidates;
INSERT INTO works_candidates SELECT c.a, c.b, w.sig FROM works_candidates_a c JOIN works w ON w.id = c.a;
CREATE TABLE works_pairs (a bigint, b bigint);
SELECT create_distributed_table('works_pairs', 'b', colocate_with => 'works');
INSERT INTO works_pairs
SELECT c.a, c.b FROM works_candidates c JOIN works w ON w.id = c.b WHERE minhash_similar(c.sig_a, w.sig, 0.8);
