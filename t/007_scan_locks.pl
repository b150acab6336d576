# A scan does not wait for the lock of a table its call does not name.  A
# registered table's owner (mallory, no other right) holds a lock on it in
# a transaction left open: on the table, on one of its indexes (REINDEX), on
# a partition; taken before the scan begins, or while it runs, between two
# batches.  The nightly CALL llmcopy_scan(), run by an administrator who is
# not a superuser, scans the other pairs at once, ends mallory's pair with a
# WARNING and a failed run that says why, leaves its unscanned outputs
# pending, and the next call scans them.  A call that names the table waits
# for it, as before (and ends on lock_timeout).
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib $FindBin::RealBin;
use LlmcopyTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = llmcopy_node('scan_locks');
$node->safe_psql('postgres', q{
	CREATE ROLE mallory LOGIN;
	CREATE ROLE nightly LOGIN;
	GRANT CREATE ON SCHEMA public TO mallory;
	SELECT llmcopy_grant('nightly', 'admin');
	CREATE TABLE works (id int PRIMARY KEY, body text);
	INSERT INTO works SELECT i, (SELECT string_agg(md5((i * 100 + j)::text), ' ') FROM generate_series(1, 40) j)
	FROM generate_series(1, 8) i;
	-- an output of each work, in a table of the administrator's and in mallory's
	CREATE TABLE outs (id int PRIMARY KEY, body text, at timestamptz);
	CREATE TABLE m_outs (id int PRIMARY KEY, body text, at timestamptz);
	INSERT INTO outs SELECT i, 'copy ' || body, now() FROM works i(i, body);
	INSERT INTO m_outs SELECT id, body, at FROM outs;
	-- mallory's partitioned corpus: the same works, in two partitions
	CREATE TABLE m_works (id int, body text, PRIMARY KEY (id)) PARTITION BY RANGE (id);
	CREATE TABLE m_works_1 PARTITION OF m_works FOR VALUES FROM (1) TO (5);
	CREATE TABLE m_works_2 PARTITION OF m_works FOR VALUES FROM (5) TO (100);
	INSERT INTO m_works SELECT * FROM works;
	ALTER TABLE m_outs OWNER TO mallory;
	ALTER TABLE m_works OWNER TO mallory;
	ALTER TABLE m_works_1 OWNER TO mallory;
	ALTER TABLE m_works_2 OWNER TO mallory;
	GRANT SELECT ON works, outs, m_outs, m_works TO nightly;
	SELECT llmcopy_register_corpus('works', 'id', 'body');
	SELECT llmcopy_register_outputs('outs', 'id', 'body', 'at');
	SELECT llmcopy_register_outputs('m_outs', 'id', 'body', 'at');
});
$node->safe_psql('postgres', q{SELECT llmcopy_register_corpus('m_works', 'id', 'body')});

# A session of its own (as a role) and its backend's pid.
sub session
{
	my ($role) = @_;
	my $s = $node->background_psql('postgres', on_error_stop => 0, extra_params => [ '-U', $role ]);
	my $pid = $s->query_safe('SELECT pg_backend_pid()');
	$pid =~ s/\s+//g;
	return ($s, $pid);
}

sub wait_for_lock
{
	my ($pid, $what) = @_;
	$node->poll_query_until('postgres', "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $pid")
	  or die "$what does not wait";
	return;
}

# The nightly scan as nightly, with a lock_timeout it must not reach.
sub nightly
{
	my ($args) = @_;
	return $node->psql('postgres',
		"SET client_min_messages = warning; SET lock_timeout = '60s'; CALL llmcopy_scan($args)",
		extra_params => [ '-U', 'nightly' ]);
}

# Pairs' scan records, as "outputs/corpus:n".
sub records
{
	return $node->safe_psql('postgres', q{
		SELECT string_agg(o.table_name || '/' || c.table_name || ':' || n, ' ' ORDER BY o.table_name, c.table_name)
		FROM (SELECT output_table, corpus_table, count(*) AS n FROM llmcopy_scanned GROUP BY 1, 2) s
		JOIN llmcopy_output_tables o ON o.id = s.output_table JOIN llmcopy_corpus_tables c ON c.id = s.corpus_table});
}

# The last run of each pair: "outputs/corpus:status,done".
sub last_runs
{
	return $node->safe_psql('postgres', q{
		SELECT string_agg(o.table_name || '/' || c.table_name || ':' || r.status || ',' || r.done, ' '
		                  ORDER BY o.table_name, c.table_name)
		FROM (SELECT DISTINCT ON (output_table, corpus_table) * FROM llmcopy_runs ORDER BY output_table, corpus_table, run_id DESC) r
		JOIN llmcopy_output_tables o ON o.id = r.output_table JOIN llmcopy_corpus_tables c ON c.id = r.corpus_table});
}

# --- 1. held before the scan begins, on the outputs table, on an index of
# the corpus (REINDEX) and on a partition of it, in turn: each time the
# call ends at once, having scanned every pair the lock is not on.
my @cases = (
	[ 'm_outs locked', 'LOCK TABLE m_outs IN ACCESS EXCLUSIVE MODE', 'm_outs', 'outs' ],
	[ 'an index of m_works rebuilt', 'REINDEX INDEX m_works_2_pkey', 'm_works', 'outs' ],
	[ 'a partition of m_works locked', 'LOCK TABLE m_works_1 IN ACCESS EXCLUSIVE MODE', 'm_works', 'outs' ],
);
my $n = 0;
for my $c (@cases)
{
	my ($what, $hold, $table, $other) = @$c;
	$n++;
	# a fresh output in each table, so that every pair has one pending
	$node->safe_psql('postgres', "INSERT INTO outs VALUES (100 + $n, 'copy ' || (SELECT body FROM works WHERE id = $n), now());
		INSERT INTO m_outs VALUES (100 + $n, 'copy ' || (SELECT body FROM works WHERE id = $n), now())");
	my ($holder) = session('mallory');
	$holder->query_safe("BEGIN; $hold");
	my $before = records();
	my ($ret, $stdout, $stderr) = nightly('threshold => 0.2');
	is($ret, 0, "$what: the call ends without an error, not waiting");
	like($stderr, qr/WARNING:  llmcopy_scan: \w+ registration \d+ \(table public\.$table\) is locked by another session/,
		"$what: a WARNING names the locked table");
	like($stderr, qr/HINT:  Name the table to llmcopy_scan, or SET pg_llmcopy.scan_lock_wait = 'all', to wait for it\./,
		"$what: and says how to wait for it");
	my $failed = $node->safe_psql('postgres', "SELECT count(*) FROM llmcopy_runs WHERE status = 'failed'
		AND problem LIKE '% (table public.$table) is locked by another session, %' AND finished_at IS NOT NULL");
	ok($failed >= 1, "$what: the pairs of the table have failed runs that say why");
	$holder->query_safe('COMMIT');
	$holder->quit;
	# every pair without the table was scanned; with it, nothing was claimed
	my %before = map { split /:/ } split / /, $before;
	my %after  = map { split /:/ } split / /, records();
	for my $pair (sort keys %after)
	{
		next if $pair =~ m{(^|/)$table$}x;
		cmp_ok($after{$pair}, '>', $before{$pair} // 0, "$what: $pair scanned");
	}
	for my $pair (sort keys %before)
	{
		next unless $pair =~ m{(^|/)$table$}x;
		is($after{$pair}, $before{$pair}, "$what: nothing of $pair claimed");
	}
	# the next call, the lock gone, scans what was left
	($ret, $stdout, $stderr) = nightly('threshold => 0.2');
	unlike($stderr, qr/WARNING/, "$what: the next call scans every pair");
	is($node->safe_psql('postgres', q{
			SELECT count(*) FROM llmcopy_output_tables o, llmcopy_corpus_tables c, LATERAL (
			    SELECT id::text FROM outs WHERE o.table_name = 'outs' UNION ALL SELECT id::text FROM m_outs WHERE o.table_name = 'm_outs') x(id)
			WHERE NOT EXISTS (SELECT 1 FROM llmcopy_scanned s
			                  WHERE (s.output_table, s.corpus_table, s.output_id) = (o.id, c.id, x.id) AND s.status = 'scanned')}),
		'0', "$what: then no output of any pair is left pending");
}
is($node->safe_psql('postgres', q{
		SELECT count(DISTINCT (f.output_table, f.output_id, f.corpus_table)) FROM llmcopy_findings f}),
	$node->safe_psql('postgres', 'SELECT 2 * 2 * count(*) FROM outs'),
	'every output has its findings in both corpora');

# --- 1b. her right revoked from nightly, then her table locked: the check
# of the registration, which says nightly may not read it, reads no
# expression of her table (pg_get_expr waits for its lock) and the call
# skips the pair at once.
$node->safe_psql('postgres', 'SET ROLE mallory; REVOKE SELECT ON m_outs FROM nightly;');
{
	my ($holder) = session('mallory');
	$holder->query_safe('BEGIN; LOCK TABLE m_outs IN ACCESS EXCLUSIVE MODE');
	my ($ret, $stdout, $stderr) = nightly('threshold => 0.2');
	is($ret, 0, 'revoked, then locked: the call ends without an error, not waiting');
	like($stderr, qr/WARNING:  llmcopy_scan: outputs registration \d+ cannot be used: permission denied: role nightly may not read it, skipped/,
		'revoked, then locked: the WARNING says nightly may not read the table');
	$holder->query_safe('COMMIT');
	$holder->quit;
}
$node->safe_psql('postgres', 'SET ROLE mallory; GRANT SELECT ON m_outs TO nightly;');

# --- 2. taken while the scan runs, between two batches.  A claim another
# session holds makes the scan's second batch (one output a batch) wait.
# Mallory's lock request queues behind the scan's read, and is granted
# when that batch commits: the third batch does not wait for it, and the
# run ends with two outputs done, two pending.  Or, without a lock the scan
# holds up, she revokes nightly's right to her outputs table (the run ends;
# it was an error that ended the call), or attaches a partition to her
# corpus and keeps it locked (the batch's second check, after its claims,
# sees it: its search would have waited for it).  The run ends failed,
# saying why, though nightly may no longer see it, and the call's lock is
# released.
sub midrun_change
{
	my ($what, $outs, $call, $corpus, $change, $blocks, $problem, $ids, $run) = @_;
	$node->safe_psql('postgres', qq{
		CREATE TABLE $outs (id int PRIMARY KEY, body text, at timestamptz);
		INSERT INTO $outs SELECT i, 'copy ' || (SELECT body FROM works WHERE id = i), now() - (10 - i) * interval '1 minute'
		FROM generate_series(1, 4) i;
		ALTER TABLE $outs OWNER TO mallory;
		GRANT SELECT ON $outs TO nightly;
		SELECT llmcopy_register_outputs('$outs', 'id', 'body', 'at');
	});
	my ($o, $c) = split /\|/, $node->safe_psql('postgres', qq{
		SELECT (SELECT id FROM llmcopy_output_tables WHERE table_name = '$outs'),
		       (SELECT id FROM llmcopy_corpus_tables WHERE table_name = '$corpus')});
	my ($claimer) = session('postgres');
	$claimer->query_safe("BEGIN; INSERT INTO llmcopy_scanned (output_table, corpus_table, output_id, status) VALUES ($o, $c, '2', 'scanned')");
	my ($scan, $scan_pid) = session('nightly');
	$scan->query_until(qr/started/, qq{
		SET client_min_messages = warning;
		\\echo started
		CALL llmcopy_scan($call, threshold => 0.2, batch_size => 1);
		\\echo done
	});
	wait_for_lock($scan_pid, "$what: the scan's second batch");
	my ($m, $m_pid) = session('mallory');
	if ($blocks)
	{
		$m->query_until(qr/asked/, "BEGIN;\n\\echo asked\n$change\n\\echo changed\n");
		wait_for_lock($m_pid, "$what: mallory's change");
	}
	else
	{
		$m->query_safe($change);
	}
	$claimer->query_safe('ROLLBACK');
	$claimer->quit;
	$scan->query_until(qr/done/, '');
	$m->query_until(qr/changed/, '') if $blocks;
	like($scan->{stderr}, qr/WARNING:  llmcopy_scan: .*$problem.*the scan of it ends/, "$what: the scan ends that run with a WARNING");
	unlike($scan->{stderr}, qr/ERROR/, "$what: and the call ends without an error");
	is($node->safe_psql('postgres', "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 1819045219 AND pid = $scan_pid"),
		'0', "$what: the call's advisory lock is released");
	$scan->quit;
	is($node->safe_psql('postgres', "SELECT string_agg(output_id, ',' ORDER BY output_id) FROM llmcopy_scanned
			WHERE (output_table, corpus_table) = ($o, $c)"),
		$ids, "$what: the outputs of the batches before are scanned, the others left pending");
	is($node->safe_psql('postgres', "SELECT status || ',' || done || ',' || total FROM llmcopy_runs
			WHERE (output_table, corpus_table) = ($o, $c) ORDER BY run_id DESC LIMIT 1"),
		$run, "$what: its run is failed");
	return $m;
}
my $m = midrun_change('locked while the scan runs', 'm_outs2', "corpus => 'works'", 'works',
	'LOCK TABLE m_outs2 IN ACCESS EXCLUSIVE MODE;', 1,
	'outputs registration \\d+ \\(table public\\.m_outs2\\) is locked by another session, ', '1,2', 'failed,2,4');
$m->query_safe('COMMIT');
$m->quit;
my ($oid, $cid) = split /\|/, $node->safe_psql('postgres', q{
	SELECT (SELECT id FROM llmcopy_output_tables WHERE table_name = 'm_outs2'),
	       (SELECT id FROM llmcopy_corpus_tables WHERE table_name = 'works')});

# --- 3. a call that names the locked table waits for it (here until its
# lock_timeout), and records nothing of it.
my ($holder) = session('mallory');
$holder->query_safe('BEGIN; LOCK TABLE m_outs2 IN ACCESS EXCLUSIVE MODE');
my ($ret, $stdout, $stderr) = $node->psql('postgres',
	"SET client_min_messages = warning; SET lock_timeout = '300ms'; CALL llmcopy_scan(outputs => 'm_outs2', threshold => 0.2)",
	extra_params => [ '-U', 'nightly' ]);
like($stderr, qr/canceling statement due to lock timeout/, 'a call naming the locked table waits for it');
is($node->safe_psql('postgres', "SELECT count(*) FROM llmcopy_scanned WHERE (output_table, corpus_table) = ($oid, $cid)"),
	'2', 'and claims nothing');
# and so does a call that names no table, with pg_llmcopy.scan_lock_wait = all
($ret, $stdout, $stderr) = $node->psql('postgres',
	"SET client_min_messages = warning; SET lock_timeout = '300ms'; SET pg_llmcopy.scan_lock_wait = 'all';
	 CALL llmcopy_scan(threshold => 0.2)",
	extra_params => [ '-U', 'nightly' ]);
like($stderr, qr/canceling statement due to lock timeout/, 'with scan_lock_wait = all, a call waits for every table');
$holder->query_safe('COMMIT');
$holder->quit;
($ret, $stdout, $stderr) = nightly("outputs => 'm_outs2', threshold => 0.2");
is($node->safe_psql('postgres', "SELECT count(*) FROM llmcopy_scanned WHERE (output_table, corpus_table) = ($oid, $cid) AND status = 'scanned'"),
	'4', 'the next call scans the rest');

# --- 3b. changed while the scan runs, between two batches (section 2):
# a right revoked, a partition attached and locked.
$m = midrun_change('a right revoked', 'm_outs5', "corpus => 'works'", 'works', 'REVOKE SELECT ON m_outs5 FROM nightly', 0,
	'\(table public\.m_outs5\) cannot be used: permission denied: role nightly may not read it', '1,2', 'failed,1,4');
# (done is 1: the second batch, whose claim was checked before the revoke,
# scanned its output, but nightly's row-level security no longer showed it
# the run to count it in)
$m->quit;
$m = midrun_change('a partition attached and locked', 'm_outs6', "outputs => 'm_outs6'", 'm_works', q{
		CREATE TABLE m_works_3 (LIKE m_works INCLUDING DEFAULTS INCLUDING GENERATED);
		ALTER TABLE m_works ATTACH PARTITION m_works_3 FOR VALUES FROM (100) TO (200);
		BEGIN;
		LOCK TABLE m_works_3 IN ACCESS EXCLUSIVE MODE;
	}, 0, 'corpus registration \d+ \(table public\.m_works\) is locked by another session', '1', 'failed,1,4');
$m->query_safe('COMMIT');
$m->quit;
$node->safe_psql('postgres', 'ALTER TABLE m_works DETACH PARTITION m_works_3; DROP TABLE m_works_3;');

# --- 4. llmcopy_lock_nowait itself: NULL, taking nothing, for a table the
# role may not read; true for a free one, with ACCESS SHARE held to the end
# of the transaction on every relation a read of it opens (the tables of
# its partition tree, their TOAST tables, and the indexes of both); false
# for a locked one.
($holder) = session('mallory');
$holder->query_safe('BEGIN; LOCK TABLE m_outs IN ACCESS EXCLUSIVE MODE');
$node->safe_psql('postgres', 'CREATE TABLE private_t (id int); CREATE INDEX ON private_t (id);');
is($node->safe_psql('postgres', q{
		BEGIN;
		SET LOCAL ROLE mallory;
		SELECT coalesce(llmcopy_lock_nowait('private_t')::text, 'null');
		SELECT count(*) FROM pg_locks l WHERE l.pid = pg_backend_pid() AND l.relation = 'private_t'::regclass;
		SELECT llmcopy_lock_nowait('m_works');
		WITH t AS (SELECT relid FROM pg_partition_tree('m_works')),
		     tt AS (SELECT relid FROM t UNION ALL SELECT c.reltoastrelid FROM t JOIN pg_class c ON c.oid = t.relid WHERE c.reltoastrelid <> 0),
		     rels AS (SELECT relid FROM tt UNION ALL SELECT i.indexrelid FROM tt JOIN pg_index i ON i.indrelid = tt.relid)
		SELECT count(*) || ' relations, ' || count(l.relation) || ' locked'
		FROM rels LEFT JOIN pg_locks l ON l.relation = rels.relid AND l.pid = pg_backend_pid() AND l.mode = 'AccessShareLock';
		COMMIT;
		SELECT llmcopy_lock_nowait('m_outs');}),
	"null
0
t
13 relations, 13 locked
f",
	'llmcopy_lock_nowait: NULL for a table the role may not read, true with every lock a read takes for a free one, false for a locked one');
$holder->query_safe('COMMIT');
$holder->quit;

$node->stop;
done_testing();
