# Scans among other sessions, where the timing must be arranged: two scans
# that read the same outputs in different orders (one by a sequential scan,
# in the order the rows are stored, the other by the id's index) claim
# them without deadlocking; and an error that says nothing of the outputs
# (here a lock on the corpus's index, or on the catalogue of licenses, not
# had within lock_timeout) fails the batch and leaves its outputs pending,
# rather than recording them as skipped, or their findings' licenses as
# unknown, for good; and a corpus dropped while a scan checks it is named
# as dropped.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib $FindBin::RealBin;
use LlmcopyTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);

my $node = llmcopy_node('scan_sessions', 'deadlock_timeout = 200ms');
$node->safe_psql('postgres', q{
	CREATE TABLE works (id int PRIMARY KEY, body text, license text DEFAULT 'MIT');
	INSERT INTO works SELECT i, (SELECT string_agg(md5((i * 100 + j)::text), ' ') FROM generate_series(1, 40) j)
	FROM generate_series(1, 8) i;
	SELECT llmcopy_register_corpus('works', 'id', 'body', license_col => 'license');
	ANALYZE works;
	-- stored in the order 30, 40, 10, 20; logged in the order of the ids
	CREATE TABLE outs (id int PRIMARY KEY, body text, at timestamptz);
	INSERT INTO outs SELECT i, 'copy ' || (SELECT body FROM works WHERE id = i / 10), now() - (50 - i) * interval '1 minute'
	FROM unnest(ARRAY[30, 40, 10, 20]) i;
	SELECT llmcopy_register_outputs('outs', 'id', 'body', 'at');
});
is($node->safe_psql('postgres', 'SELECT string_agg(id::text, \',\' ORDER BY ctid) FROM outs'),
	'30,40,10,20', 'the outputs are stored out of the order of their ids');
my ($oid, $cid) = split /\|/, $node->safe_psql('postgres',
	'SELECT (SELECT id FROM llmcopy_output_tables), (SELECT id FROM llmcopy_corpus_tables)');

# A session that waits on a lock, once it does.
sub wait_for_lock
{
	my ($pid, $what) = @_;
	$node->poll_query_until('postgres',
		"SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $pid")
	  or die "$what does not wait";
	return;
}

# A session of its own and its backend's pid.
sub session
{
	my $s = $node->background_psql('postgres', on_error_stop => 0);
	my $pid = $s->query_safe('SELECT pg_backend_pid()');
	$pid =~ s/\s+//g;
	return ($s, $pid);
}

# --- two scans, two orders.  Output 40's record and output 20's are held
# by two other transactions.  Scan A reads the outputs in the order they
# are stored and claims 30, then waits for 40; scan B, with batches of 3,
# reads 10, 20, 30 by the index and claims 10, then waits for 20.  When both
# holders roll back, a scan that claims in the order it read takes 40 and
# waits for B's 10 while B takes 20 and waits for A's 30: a deadlock, and
# one of the scans fails.  Claimed in the order of the ids, the first to
# take 10 goes on and the other waits for it.
my @holders;
for my $held ('40', '20')
{
	my ($h) = session();
	$h->query_safe("BEGIN; INSERT INTO llmcopy_scanned (output_table, corpus_table, output_id, status) VALUES ($oid, $cid, '$held', 'scanned')");
	push @holders, $h;
}

# A scan in a session of its own, reading the outputs as the plan settings
# say, once it waits on a lock.
sub start_scan
{
	my ($what, $plan, $batch_size) = @_;
	my ($s, $pid) = session();
	$s->query_until(qr/started/, qq{
		SET client_min_messages = warning;
		$plan
		\\echo started
		CALL llmcopy_scan(threshold => 0.2, batch_size => $batch_size);
		\\echo done
	});
	wait_for_lock($pid, $what);
	return $s;
}
my $scan_a = start_scan('scan A', 'SET enable_indexscan = off; SET enable_bitmapscan = off;', 10);
my $scan_b = start_scan('scan B', 'SET enable_seqscan = off; SET enable_bitmapscan = off;', 3);
$_->query_safe('ROLLBACK') for @holders;
$_->quit for @holders;
$scan_a->query_until(qr/done/, '');
$scan_b->query_until(qr/done/, '');
unlike($scan_a->{stderr} . $scan_b->{stderr}, qr/ERROR/, 'both scans end without an error (no deadlock)');
$scan_a->quit;
$scan_b->quit;
is($node->safe_psql('postgres', "SELECT string_agg(output_id || ':' || status, ',' ORDER BY output_id) FROM llmcopy_scanned"),
	'10:scanned,20:scanned,30:scanned,40:scanned', 'each output is recorded once, scanned');
is($node->safe_psql('postgres', "SELECT count(DISTINCT output_id) FROM llmcopy_findings WHERE output_table = $oid"),
	'4', 'every output has its findings');
is($node->safe_psql('postgres', "SELECT string_agg(status, ',') FROM llmcopy_runs WHERE output_table = $oid"),
	'done,done', 'both runs are done');

# --- a scan with a lock_timeout while another session holds a lock it
# needs in its batch, in a transaction left open ($hold), on a table the
# call names (a table it does not name is not waited for: t/007): the batch fails
# and leaves the outputs pending; the scan after the holder commits scans
# them, with their findings.  (weighted => false: the start of a weighted
# scan counts the corpus's rows, and would wait there, before any batch,
# while the index is rebuilt.)
sub held_scan
{
	my ($what, $table, $hold) = @_;
	$node->safe_psql('postgres', qq{
		CREATE TABLE $table (id int PRIMARY KEY, body text, at timestamptz);
		INSERT INTO $table SELECT i, 'again ' || (SELECT body FROM works WHERE id = i), now() FROM generate_series(1, 6) i;
		SELECT llmcopy_register_outputs('$table', 'id', 'body', 'at');
	});
	my ($holder) = session();
	$holder->query_safe("BEGIN; $hold");
	my ($ret, $stdout, $stderr) = $node->psql('postgres',
		"SET client_min_messages = warning; SET lock_timeout = '200ms';
		 CALL llmcopy_scan(outputs => '$table', corpus => 'works', threshold => 0.2, weighted => false)");
	like($stderr, qr/canceling statement due to lock timeout/, "$what: the scan fails on the lock");
	is($node->safe_psql('postgres',
			"SELECT count(*) FROM llmcopy_scanned s JOIN llmcopy_output_tables o ON o.id = s.output_table
			 WHERE o.table_name = '$table'"),
		'0', "$what: its outputs are left pending, none recorded as skipped");
	$holder->query_safe('COMMIT');
	$holder->quit;
	$node->safe_psql('postgres', "SET client_min_messages = warning; CALL llmcopy_scan(outputs => '$table', threshold => 0.2)");
	is($node->safe_psql('postgres',
			"SELECT count(*) FILTER (WHERE s.status = 'scanned') || ' scanned, ' || count(*) || ' records, '
			        || (SELECT count(DISTINCT f.output_id) || ' with findings, ' || count(*) FILTER (WHERE f.license = 'MIT')
			                   || ' of ' || count(*) || ' with their license'
			            FROM llmcopy_findings f WHERE f.output_table = o.id)
			 FROM llmcopy_scanned s JOIN llmcopy_output_tables o ON o.id = s.output_table
			 WHERE o.table_name = '$table' GROUP BY o.id"),
		'6 scanned, 6 records, 6 with findings, 6 of 6 with their license',
		"$what: the next scan scans all six, each with its findings");
	is($node->safe_psql('postgres',
			"SELECT string_agg(r.status, ',' ORDER BY r.run_id) FROM llmcopy_runs r JOIN llmcopy_output_tables o ON o.id = r.output_table
			 WHERE o.table_name = '$table'"),
		'failed,done', "$what: the failed run is marked failed by the next scan");
	return;
}
held_scan('the corpus\'s index rebuilt', 'outs2', q{
	SELECT format('REINDEX INDEX %s', indexrelid::regclass) FROM pg_index
	WHERE indrelid = 'works'::regclass AND NOT indisprimary \gexec
});
held_scan('the catalogue of licenses rewritten', 'outs3', 'LOCK TABLE llmcopy_licenses IN ACCESS EXCLUSIVE MODE');

# --- the corpus dropped while a scan checks it: the check waits for the
# dropping transaction's lock (in pg_get_expr), then reads what is left of
# the table.  The scan fails saying the table does not exist, not that
# its fingerprint column is wrong.
$node->safe_psql('postgres', q{
	CREATE TABLE works_gone (id int PRIMARY KEY, body text);
	INSERT INTO works_gone SELECT id, body FROM works;
	SELECT llmcopy_register_corpus('works_gone', 'id', 'body');
});
my ($dropper) = session();
$dropper->query_safe('BEGIN; DROP TABLE works_gone');
my ($gone_scan, $gone_pid) = session();
$gone_scan->query_until(qr/started/, q{
	SET client_min_messages = warning;
	\echo started
	CALL llmcopy_scan(outputs => 'outs', corpus => 'works_gone', threshold => 0.2);
	\echo done
});
wait_for_lock($gone_pid, 'the scan of a corpus being dropped');
$dropper->query_safe('COMMIT');
$dropper->quit;
$gone_scan->query_until(qr/done/, '');
like($gone_scan->{stderr}, qr/corpus registration \d+ \(table public\.works_gone\) cannot be used: the table does not exist/,
	'a corpus dropped while the scan checks it: the scan says the table does not exist');
unlike($gone_scan->{stderr}, qr/not generated|changed/, 'and names no other problem');
$gone_scan->quit;

$node->stop;
done_testing();
