# kill -9 during a GIN index build and during inserts: after crash recovery
# no half-built index is left, and the indexes answer what sequential scans
# answer (with the pending list, fastupdate = on, and without it).
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib $FindBin::RealBin;
use LlmcopyTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);

my $node = llmcopy_node('crash', 'maintenance_work_mem = 1MB', 'restart_after_crash = on');
create_corpus($node, 'works', 60000);
$node->safe_psql('postgres', 'CHECKPOINT');

# Ends a background psql whose backend was killed: psql may have exited
# already, and writing its \q then fails with EPIPE, which is no failure
# of the test.
sub quit_lost
{
	my ($session) = @_;
	local $SIG{PIPE} = 'IGNORE';
	eval { $session->quit; 1 };
	return;
}

# --- a GIN index build killed half-way
my $build = $node->background_psql('postgres', on_error_stop => 0);
$build->query_until(qr/building/, qq{
	\\echo building
	CREATE INDEX works_fp ON works USING gin (fp);
});
my $pid = wait_for_backend($node, 'CREATE INDEX works_fp%');
$node->poll_query_until('postgres',
	"SELECT count(*) > 0 FROM pg_stat_progress_create_index WHERE pid = $pid AND phase = 'building index'")
  or die 'the index build did not start';
usleep(300_000);
kill 'KILL', $pid;
quit_lost($build);
$node->poll_query_until('postgres', 'SELECT true') or die 'no recovery';
my $killed = () = slurp_file($node->logfile) =~ /terminated by signal 9/g;
is($killed, 1, 'the building backend was killed, and the server recovered');
is($node->safe_psql('postgres', "SELECT count(*) FROM pg_class WHERE relname = 'works_fp'"),
	'0', 'a build killed half-way leaves no index');
$node->safe_psql('postgres', 'CREATE INDEX works_fp ON works USING gin (fp) WITH (fastupdate = off)');
index_equals_seq($node, 'works', 'after the killed build, the index built again');

# --- inserts killed: one table indexed without the pending list, one with it
create_corpus($node, 'works2', 20000);
$node->safe_psql('postgres', 'CREATE INDEX works2_fp ON works2 USING gin (fp) WITH (fastupdate = on)');
$node->safe_psql('postgres', q{
	CREATE PROCEDURE insert_rows(tbl regclass, n int) LANGUAGE plpgsql AS $$
	BEGIN
		FOR i IN 1 .. n LOOP
			EXECUTE format('INSERT INTO %s (body) SELECT string_agg(w, '' '' ORDER BY g)
			                FROM generate_series(1, 40) g JOIN vocab ON vocab.i = (%s * 31 + g * 17) %% 3000',
			               tbl, i);
			IF i % 10 = 0 THEN
				COMMIT;
			END IF;
		END LOOP;
	END $$;
});
my $before = $node->safe_psql('postgres', 'SELECT (SELECT count(*) FROM works) + (SELECT count(*) FROM works2)');
my @inserters;
for my $t ('works', 'works2')
{
	my $s = $node->background_psql('postgres', on_error_stop => 0);
	$s->query_until(qr/inserting/, qq{
		\\echo inserting
		CALL insert_rows('$t', 1000000);
	});
	push @inserters, $s;
}
$node->poll_query_until('postgres',
	"SELECT (SELECT count(*) FROM works) + (SELECT count(*) FROM works2) > $before + 2000")
  or die 'the inserts did not go on';
$pid = wait_for_backend($node, 'CALL insert_rows(%');
kill 'KILL', $pid;
quit_lost($_) for @inserters;
$node->poll_query_until('postgres', 'SELECT true') or die 'no recovery';
$killed = () = slurp_file($node->logfile) =~ /terminated by signal 9/g;
is($killed, 2, 'an inserting backend was killed, and the server recovered');
my $after = $node->safe_psql('postgres', 'SELECT (SELECT count(*) FROM works) + (SELECT count(*) FROM works2)');
cmp_ok($after, '>', $before + 2000, 'committed inserts survive the crash');
index_equals_seq($node, 'works', 'after inserts killed, fastupdate = off');
index_equals_seq($node, 'works2', 'after inserts killed, with the pending list');
$node->safe_psql('postgres', "SELECT gin_clean_pending_list('works2_fp')");
index_equals_seq($node, 'works2', 'after inserts killed, the pending list merged');

# and the indexes take inserts again
$node->safe_psql('postgres', "CALL insert_rows('works', 100); CALL insert_rows('works2', 100)");
index_equals_seq($node, 'works', 'inserts after recovery, fastupdate = off');
index_equals_seq($node, 'works2', 'inserts after recovery, with the pending list');

$node->stop;
done_testing();
