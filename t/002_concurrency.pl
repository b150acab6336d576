# Inserts and queries at the same time (pgbench): in every snapshot the
# index answers what a sequential scan answers, with and without the
# pending list, and so it does once everything is in.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib $FindBin::RealBin;
use LlmcopyTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = llmcopy_node('concurrency');
create_corpus($node, 'works', 5000);
$node->safe_psql('postgres', q{
	CREATE INDEX works_fp ON works USING gin (fp) WITH (fastupdate = on, gin_pending_list_limit = 64);
	CREATE TABLE works_nofu (LIKE works INCLUDING ALL);
	INSERT INTO works_nofu (body) SELECT body FROM works;
	CREATE INDEX works_nofu_fp ON works_nofu USING gin (fp) WITH (fastupdate = off);
	ANALYZE;
});

# Each query transaction counts the rows a probe finds, by index and by
# sequential scan, in one snapshot, and fails (1 / 0) when they differ.
my $check = q{
\set p random(1, 50)
BEGIN ISOLATION LEVEL REPEATABLE READ;
SET LOCAL enable_seqscan = off;
SELECT count(*) AS idx FROM TBL w WHERE fingerprint_contained((SELECT fp FROM probes WHERE id = :p), w.fp, 0.1) \gset
SELECT count(*) AS idx2 FROM TBL w WHERE w.fp && (SELECT fp FROM probes WHERE id = :p) \gset
SET LOCAL enable_seqscan = on;
SET LOCAL enable_bitmapscan = off;
SET LOCAL enable_indexscan = off;
SELECT count(*) AS seq FROM TBL w WHERE fingerprint_contained((SELECT fp FROM probes WHERE id = :p), w.fp, 0.1) \gset
SELECT count(*) AS seq2 FROM TBL w WHERE w.fp && (SELECT fp FROM probes WHERE id = :p) \gset
SELECT CASE WHEN :idx = :seq AND :idx2 = :seq2 THEN 1 ELSE 1 / 0 END;
END;
};
my $insert = q{
\set d random(1, 1000000)
INSERT INTO TBL (body)
SELECT string_agg(w, ' ' ORDER BY g) FROM generate_series(1, 30 + :d % 40) g
JOIN vocab ON vocab.i = (:d * 7 + g * g) % 3000;
};
for my $t ('works', 'works_nofu')
{
	(my $c = $check) =~ s/TBL/$t/g;
	(my $i = $insert) =~ s/TBL/$t/g;
	$node->pgbench(
		'--no-vacuum --client=4 --jobs=2 --time=10',
		0,
		[qr{processed: [1-9]}],
		[qr{^$}],
		"inserts and queries on $t: index and sequential scan agree in every snapshot",
		{ "check_$t" => $c, "insert_$t" => $i });
}
cmp_ok($node->safe_psql('postgres', 'SELECT count(*) FROM works'), '>', 5000, 'rows were inserted');
index_equals_seq($node, 'works', 'after concurrent inserts, with the pending list');
index_equals_seq($node, 'works_nofu', 'after concurrent inserts, fastupdate = off');

$node->stop;
done_testing();
