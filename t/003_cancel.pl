# pg_cancel_backend during a long fingerprint, minhash, llmcopy_matches or
# llmcopy_longest_match: the statement ends within about a second (here: the
# backend is idle again less than 1.5 s after the cancel; 5 s for CJK text,
# whose pieces of 1 MB (LC_RUN_MAX) ICU's dictionary word break takes with
# no interrupt check inside: 0.1 s with a load of 3, 2.4 and 3.1 s with a
# load of 3.5 on the two cores); both times read
# on the server: the clock when pg_cancel_backend returned, and the
# backend's state_change once it is no longer active, polled every 10 ms,
# so that starting psql for each poll on a busy machine does not count),
# with "canceling statement due to user request".
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib $FindBin::RealBin;
use LlmcopyTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);

my $node = llmcopy_node('cancel');

my %cases = (
	'fingerprint, CJK through ICU' =>
	  q{SELECT fingerprint(repeat('東京都に住んでいます。', 10000000)) IS NULL},
	'fingerprint, ASCII fast path' =>
	  q{SELECT fingerprint(repeat('many words here ', 50000000)) IS NULL},
	'minhash, accented words' =>
	  q{SELECT minhash(repeat('Ünïcödé wörds ', 30000000)) IS NULL},
	'llmcopy_matches, 16 M tokens against 16 M' =>
	  q{SELECT count(*) FROM llmcopy_matches(repeat('a b c d ', 4000000), repeat('a b c d ', 4000000))},
	'llmcopy_longest_match, 16 M tokens against 16 M' =>
	  q{SELECT llmcopy_longest_match(repeat('a b c d ', 4000000), repeat('a b c d ', 4000000))},
);

for my $what (sort keys %cases)
{
	my $s = $node->background_psql('postgres', on_error_stop => 0);
	$s->query_until(qr/running/, "\\echo running\n$cases{$what};\n\\echo done\n");
	my $pid = wait_for_backend($node, substr($cases{$what}, 0, 20) . '%');
	usleep(1_500_000);    # well inside the function
	my $t0 = $node->safe_psql('postgres', "SELECT clock_timestamp() FROM pg_cancel_backend($pid) c WHERE c");
	my $state;
	for (1 .. 1000)
	{
		$state = $node->safe_psql('postgres', "SELECT state FROM pg_stat_activity WHERE pid = $pid");
		last if $state ne 'active';
		usleep(10_000);
	}
	my $latency = $node->safe_psql('postgres',
		"SELECT extract(epoch FROM state_change - '$t0'::timestamptz) FROM pg_stat_activity WHERE pid = $pid");
	$s->query_until(qr/done/, '');
	my $stderr = $s->{stderr};
	$s->quit;
	note(sprintf('%s: the backend was idle %.3f s after pg_cancel_backend', $what, $latency));
	my $bound = $what =~ /CJK/ ? 5 : 1.5;
	ok($state ne 'active' && $latency < $bound, "$what: cancelled within $bound s ($latency s)");
	like($stderr, qr/canceling statement due to user request/, "$what: the statement was cancelled");
}

$node->stop;
done_testing();
