# A value the type admits prints, copies and dumps: a fingerprint of the
# largest size (llmcopy_limits(): 63,161,215 hashes, a text form of just
# under 1 GB) is received, printed, copied out and in as text, and dumped;
# one hash more is refused with 54000 when the value is made.  Needs about
# 3 GB of memory; skipped where less than 6 GB are available.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib $FindBin::RealBin;
use LlmcopyTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my ($avail) = PostgreSQL::Test::Utils::slurp_file('/proc/meminfo') =~ /MemAvailable:\s+(\d+)/;
plan skip_all => 'needs 6 GB of available memory' if !$avail || $avail < 6 * 1024 * 1024;

my $node = llmcopy_node('text_limit', 'maintenance_work_mem = 64MB');
my $max = $node->safe_psql('postgres', "SELECT max FROM llmcopy_limits() WHERE name = 'fingerprint hashes'");
is($max, int((1073741823 - 1024 - 128) / 17), 'the limit is the most hashes whose text form fits');
my $dir = $node->basedir;

# A COPY BINARY file of one fingerprint (k = 5, w = 10) with n hashes.
sub binary_file
{
	my ($path, $n) = @_;
	open my $f, '>:raw', $path or die $!;
	print $f "PGCOPY\n\377\r\n\0", pack('NN', 0, 0);
	print $f pack('nN', 1, 26 + 8 * $n);
	print $f pack('CCCCnNNd>N', 1, 0, 5, 0, 10, 0, $n, 0, $n);
	for (my $i = 0; $i < $n; $i += 1_000_000)
	{
		my $end = $i + 1_000_000 < $n ? $i + 1_000_000 : $n;
		print $f pack('Q>*', map { $_ * 1000003 + 7 } $i .. $end - 1);
	}
	print $f pack('n', 0xFFFF);
	close $f or die $!;
}

binary_file("$dir/max.bin", $max);
$node->safe_psql('postgres', qq{
	CREATE TABLE big (id int, fp fingerprint);
	CREATE TABLE big_in (id int, fp fingerprint);
	COPY big (fp) FROM '$dir/max.bin' (FORMAT binary);
	UPDATE big SET id = 1;
});
is($node->safe_psql('postgres', 'SELECT (fingerprint_info(fp)).hashes FROM big'), $max,
	'a fingerprint of the largest size is received');

my $head = "v1 text k=5 w=10 seed=0 tokens=$max ";
is($node->safe_psql('postgres', 'SELECT octet_length(fp::text) FROM big'),
	length($head) + 17 * $max + 1, 'it prints (fp::text), 17 characters a hash');

$node->safe_psql('postgres', qq{
	COPY big TO '$dir/big.txt';
	COPY big_in FROM '$dir/big.txt';
});
is($node->safe_psql('postgres', 'SELECT fingerprint_send(a.fp) = fingerprint_send(b.fp) FROM big a, big_in b'),
	't', 'it copies out as text and back in');
unlink "$dir/big.txt";

$node->command_ok([ 'pg_dump', '-d', $node->connstr('postgres'), '-t', 'big', '-f', "$dir/dump.sql" ],
	'it dumps');
cmp_ok(-s "$dir/dump.sql", '>', 17 * $max, 'the dump holds it');
unlink "$dir/dump.sql";

binary_file("$dir/over.bin", $max + 1);
my ($ret, $out, $err) = $node->psql('postgres', "COPY big (fp) FROM '$dir/over.bin' (FORMAT binary)",
	extra_params => [ '-v', 'VERBOSITY=verbose' ]);
like($err, qr/54000: fingerprint would have \d+ hashes, more than the limit of $max/,
	'one hash more is refused when the value is made');
unlink "$dir/over.bin", "$dir/max.bin";

$node->stop;
done_testing();
