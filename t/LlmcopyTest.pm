# Helpers shared by the TAP tests of pg_llmcopy: a node with the extension,
# a corpus of generated documents, and the comparison of index scans with
# sequential scans.
package LlmcopyTest;

use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);

use Exporter 'import';
our @EXPORT = qw(llmcopy_node create_corpus index_equals_seq wait_for_backend);

# A started node with the extension in database postgres.
sub llmcopy_node
{
	my ($name, @conf) = @_;
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init;
	$node->append_conf('postgresql.conf', join("\n", @conf)) if @conf;
	$node->start;
	$node->safe_psql('postgres', 'CREATE EXTENSION pg_llmcopy');
	return $node;
}

# A table of n documents of 30 to 80 words from a vocabulary of 3,000, so
# that documents share runs; fp is generated from body.  Plus probes: 50
# query fingerprints made of passages of the documents and of new text.
sub create_corpus
{
	my ($node, $table, $n) = @_;
	$node->safe_psql('postgres', qq{
		SELECT setseed(0.25);
		CREATE TABLE IF NOT EXISTS vocab AS
			SELECT i, left(md5(i::text), 3 + i % 6) AS w FROM generate_series(0, 2999) i;
		CREATE TABLE $table (id bigserial PRIMARY KEY, body text,
			fp fingerprint GENERATED ALWAYS AS (fingerprint(body)) STORED);
		INSERT INTO $table (body)
		SELECT (SELECT string_agg(w, ' ' ORDER BY g)
		        FROM generate_series(1, 30 + d % 50) g JOIN vocab ON vocab.i = (d * 7 + g * g) % 3000)
		FROM generate_series(1, $n) d;
		CREATE TABLE IF NOT EXISTS probes AS
		SELECT p AS id, fingerprint((SELECT string_agg(w, ' ' ORDER BY g)
		        FROM generate_series(1, 25) g JOIN vocab ON vocab.i = (p * 13 * 7 + (g + 3) * (g + 3)) % 3000)
		        || CASE WHEN p % 5 = 0 THEN ' and some words of new text here' ELSE '' END) AS fp
		FROM generate_series(1, 50) p;
	});
}

# Whether the index and a sequential scan give the same rows for every probe
# under <%, &&, and fingerprint_contained at two thresholds.
sub index_equals_seq
{
	my ($node, $table, $what) = @_;
	my $q = qq{
		SELECT string_agg(p.id || ':' || array_to_string(ARRAY(
		           SELECT w.id FROM $table w WHERE %s ORDER BY w.id), ','), ';' ORDER BY p.id)
		FROM probes p};
	my @conds = ('p.fp <% w.fp', 'w.fp && p.fp', 'fingerprint_contained(p.fp, w.fp, 0.3)',
		'fingerprint_contained(p.fp, w.fp, 0.05)');
	my $all_same = 1;
	my $nonempty = 0;
	for my $c (@conds)
	{
		my $sql = sprintf($q, $c);
		my $seq = $node->safe_psql('postgres',
			"SET enable_indexscan = off; SET enable_bitmapscan = off; $sql");
		my $idx = $node->safe_psql('postgres', "SET enable_seqscan = off; $sql");
		my $plan = $node->safe_psql('postgres',
			"SET enable_seqscan = off; EXPLAIN (costs off) SELECT w.id FROM probes p, $table w WHERE $c");
		$all_same &&= ($seq eq $idx) && ($plan =~ /Index/);
		$nonempty++ if $seq =~ /:\d/;
		diag("$what: $c differs, or the index is not used\n$plan") unless $seq eq $idx && $plan =~ /Index/;
	}
	ok($all_same && $nonempty > 0, "$what: index scans equal sequential scans");
}

# The pid of the backend running a statement that matches $like, once it runs.
sub wait_for_backend
{
	my ($node, $like) = @_;
	my $pid;
	for (1 .. 3000)
	{
		$pid = $node->safe_psql('postgres',
			"SELECT pid FROM pg_stat_activity WHERE state = 'active' AND query LIKE '$like' AND pid <> pg_backend_pid() LIMIT 1");
		return $pid if $pid ne '';
		usleep(10_000);
	}
	die "no backend runs $like";
}

1;
