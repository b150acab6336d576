# The dashboards on a read replica: a physical streaming standby (hot
# standby) of a primary that registered a corpus and outputs, refreshed
# their boilerplate, scanned them and edited the license catalogue.  On the
# standby, as a role granted 'read' and as a superuser, every view of the
# extension and the functions a dashboard or a report calls answer what the
# primary answers (also in REPEATABLE READ, where a report checks the
# catalogue rows of the tables it reads against its snapshot); the indexed
# searches use the GIN indexes there and return what a sequential scan
# returns on the primary.  The write paths (scan, fill, boilerplate refresh,
# registration) fail with SQLSTATE 25006 and leave nothing behind; the
# scan, fill and refresh say that they must run on the primary, before
# doing any work, and say so too in a read-only transaction on the primary.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib $FindBin::RealBin;
use LlmcopyTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $primary = PostgreSQL::Test::Cluster->new('primary');
$primary->init(allows_streaming => 1);
$primary->start;
$primary->safe_psql('postgres', q{
	CREATE EXTENSION pg_llmcopy;
	SET client_min_messages = warning;
	CREATE FUNCTION undated(r text) RETURNS text LANGUAGE sql IMMUTABLE
	AS $$ SELECT regexp_replace(r, ' &middot; \d{4}-\d\d-\d\d \d\d:\d\d [^<]*</p>', ' &middot; (now)</p>') $$;
	CREATE ROLE dash LOGIN;
	CREATE ROLE nightly LOGIN;
	SELECT llmcopy_grant('dash', 'read');
	SELECT llmcopy_grant('nightly', 'admin');
	INSERT INTO llmcopy_licenses (id, name, attribution, copyleft, share_alike, non_commercial, no_derivatives, source)
	VALUES ('LicenseRef-house', 'House terms', true, 'none', false, true, false, 'the terms of the house');

	-- works 21 to 40 are copies of works 1 to 20 under another license (forks);
	-- every work starts with the same header (boilerplate)
	CREATE TABLE works (id int PRIMARY KEY, body text, license text, author text, title text, src text);
	INSERT INTO works
	SELECT i, 'Licensed under the house terms, all rights reserved by the authors of this repository and its contributors. '
	          || (SELECT string_agg(md5(((1 + (i - 1) % 20) * 100 + j)::text), ' ') FROM generate_series(1, 60) j),
	       (ARRAY['MIT', 'GPL-3.0-only', 'Apache 2', 'LicenseRef-house', 'CC-BY-SA-4.0'])[1 + (i + i / 21) % 5],
	       'author ' || i, 'work ' || i, 'https://example.org/' || i
	FROM generate_series(1, 40) i;
	CREATE TABLE outs (id int PRIMARY KEY, body text, at timestamptz, model text);
	INSERT INTO outs
	SELECT i, 'As follows: ' || substr((SELECT body FROM works WHERE id = i * 3), 120, 700) || ' Hope this helps.',
	       '2024-05-01 00:00+00'::timestamptz + i * interval '7 hours', 'model-' || i % 2
	FROM generate_series(1, 12) i;
	INSERT INTO outs VALUES (13, 'A text of its own, copied from nowhere at all, about tomatoes.', '2024-05-04 00:00+00', 'model-1');
	SELECT llmcopy_register_corpus('works', 'id', 'body', license_col => 'license', author_col => 'author',
	                               title_col => 'title', source_col => 'src');
	SELECT llmcopy_register_outputs('outs', 'id', 'body', 'at', model_col => 'model');
	SELECT llmcopy_refresh_boilerplate('works', 10);
	CALL llmcopy_scan(threshold => 0.1);
	-- pending: logged after the scan
	INSERT INTO outs VALUES (20, 'Again: ' || (SELECT substr(body, 120, 500) FROM works WHERE id = 5), '2024-05-05 00:00+00', 'model-0');

	-- a corpus registered online, not filled yet, and a table not registered, both nightly's
	CREATE TABLE works2 (id int PRIMARY KEY, body text);
	INSERT INTO works2 SELECT id, body FROM works;
	CREATE TABLE spare (id int PRIMARY KEY, body text);
	ALTER TABLE works2 OWNER TO nightly;
	ALTER TABLE spare OWNER TO nightly;
	SET ROLE nightly;
	SELECT llmcopy_register_corpus('works2', 'id', 'body', online => true);
	RESET ROLE;

	CREATE TABLE sigs AS SELECT id, minhash(body) AS mh FROM works;
	CREATE INDEX ON sigs USING gin (mh minhash_ops);
	GRANT SELECT ON works, outs, sigs TO dash, nightly;
	ANALYZE;

	-- catalogue rows of outs with an xmax: an ALTER TABLE rolled back
	BEGIN;
	ALTER TABLE outs ADD COLUMN extra int;
	ROLLBACK;
});
is($primary->safe_psql('postgres', q{
	SELECT (SELECT count(DISTINCT output_id) FROM llmcopy_findings) || ' outputs with findings, '
	    || (SELECT count(*) FROM llmcopy_origins) || ' origins, '
	    || (SELECT count(*) FROM llmcopy_license_conflicts WHERE incompatible) || ' incompatible, '
	    || (SELECT count(*) FROM llmcopy_boilerplate) || ' boilerplate set, '
	    || (SELECT count(*) FROM llmcopy_registrations WHERE problem IS NOT NULL) || ' to fill'}),
	'12 outputs with findings, 24 origins, 3 incompatible, 1 boilerplate set, 1 to fill',
	'the primary has findings, origins (each output\'s work and its fork, tied), conflicts, boilerplate, and a corpus to fill');

$primary->backup('base');
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'base', has_streaming => 1);
$standby->start;
$primary->wait_for_catchup($standby, 'replay');
is($standby->safe_psql('postgres', 'SELECT pg_is_in_recovery()'), 't', 'the standby is in recovery');

# psql on a node as a role (undef: the superuser that made the cluster), in
# one session; returns (exit code, stdout, stderr with SQLSTATEs).
sub run_as
{
	my ($node, $role, $sql) = @_;
	my $connstr = $node->connstr('postgres') . (defined $role ? " user=$role" : '');
	my ($ret, $out, $err) = $node->psql('postgres', "\\set VERBOSITY verbose\n$sql",
		connstr => $connstr, on_error_stop => 0);
	return ($ret, $out, $err);
}

# Whether a query answers on the standby, with no error, what it answers on
# the primary, and something.
sub same_on_standby
{
	my ($role, $sql, $what) = @_;
	my ($pret, $pout, $perr) = run_as($primary, $role, $sql);
	my ($sret, $sout, $serr) = run_as($standby, $role, $sql);
	my $who = $role // 'superuser';
	ok($pret == 0 && $sret == 0 && $perr eq '' && $serr eq '' && $pout ne '' && $sout eq $pout,
		"$who: $what: the standby answers as the primary")
	  or diag("primary: $perr\n" . substr($pout, 0, 300) . "\nstandby: $serr\n" . substr($sout, 0, 300));
	return;
}

# --- every view of the extension, read whole
my @views = split /\n/, $standby->safe_psql('postgres', q{
	SELECT c.relname FROM pg_class c JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
	JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'pg_llmcopy'
	WHERE c.relkind = 'v' ORDER BY 1});
ok(@views >= 8, 'the extension has its views (' . join(', ', @views) . ')');

# --- what a dashboard or a report calls (a report names the minute it was
# written: undated() leaves it out, so that two calls a minute apart compare)
my @reads = (
	(map { [ "view $_", "SELECT count(*), string_agg(v::text, E'\\n' ORDER BY v::text) FROM $_ v" ] } @views),
	[ 'tables', q{SELECT (SELECT string_agg(f::text, E'\n' ORDER BY f.output_id, f.work_id) FROM llmcopy_findings f),
	                     (SELECT string_agg(s.output_id || s.status, ',' ORDER BY s.output_id) FROM llmcopy_scanned s),
	                     (SELECT string_agg(r.status || r.done, ',' ORDER BY r.run_id) FROM llmcopy_runs r),
	                     (SELECT md5(fp::text) FROM llmcopy_boilerplate)} ],
	[ 'llmcopy_scan_report', 'SELECT undated(llmcopy_scan_report())' ],
	[ 'llmcopy_scan_report of a range', q{SELECT undated(llmcopy_scan_report('2024-05-01', '2024-05-03', 3))} ],
	[ 'llmcopy_report', q{SELECT undated(llmcopy_report('outs', '3'))} ],
	[ 'llmcopy_report of a finding', 'SELECT undated(llmcopy_report(f)) FROM llmcopy_findings f ORDER BY f.output_id, f.work_id LIMIT 1' ],
	[ 'llmcopy_reproduction_rates', 'SELECT * FROM llmcopy_reproduction_rates(20, 0.1)' ],
	[ 'llmcopy_index_bits', q{SELECT * FROM llmcopy_index_bits('works', growth => 10)} ],
	[ 'attribution_agg', q{SELECT output_id, attribution_agg(author, title, source, coalesce(license, license_raw))
	                       FROM llmcopy_findings GROUP BY 1 ORDER BY 1} ],
	[ 'origin and disguise scores', q{SELECT llmcopy_origin_key(60, true, 0.5, 0.4, 0.7, 1),
	                                  llmcopy_disguise_scores('int a = 1; return a + 2;', 'int b = 1; return b + 2;', 'code')} ],
	[ 'license functions', q{SELECT license_obligations('GPL-3.0-only OR LicenseRef-house'), license_compatible('MIT', 'GPL-3.0-only'),
	                         license_compatible('GPL-3.0-only', 'MIT'),
	                         (SELECT string_agg(l, ',' ORDER BY l) FROM licenses_compatible_with(ARRAY['MIT', 'CC-BY-SA-4.0']) l),
	                         (SELECT md5(string_agg(l::text, ',' ORDER BY l.id)) FROM llmcopy_licenses l)} ],
	[ 'spdx functions', q{SELECT spdx_normalize('mit and (apache-2.0 or GPL-2.0+)'), spdx_valid('MIT'), spdx_correct('Apache 2'),
	                      spdx_satisfies('MIT OR GPL-3.0-only', ARRAY['MIT']), (SELECT count(*) FROM llmcopy_spdx_list()),
	                      (SELECT string_agg(i, ',') FROM spdx_ids('MIT AND Apache-2.0') i),
	                      (SELECT string_agg(d::text, ',') FROM spdx_dnf('MIT AND (Apache-2.0 OR GPL-2.0-only)') d),
	                      spdx_correct_explain('GPLv2+')} ],
	[ 'spans', q{SELECT (SELECT string_agg(m::text, ',') FROM llmcopy_matches(o.body, w.body) m),
	                    llmcopy_coverage(o.body, w.body), llmcopy_longest_match(o.body, w.body),
	                    llmcopy_headline(o.body, w.body)
	             FROM outs o, works w WHERE o.id = 4 AND w.id = 12} ],
	[ 'fingerprints', q{SELECT fingerprint_info(llmcopy_fp), containment(llmcopy_fp, (SELECT llmcopy_fp FROM works WHERE id = 12)),
	                           jaccard(llmcopy_fp, (SELECT llmcopy_fp FROM works WHERE id = 12)),
	                           (SELECT md5(fingerprint_common_agg(llmcopy_fp, 3)::text) FROM works), fingerprint(body, 6, 8)
	                    FROM outs WHERE id = 4} ],
	[ 'minhash', q{SELECT minhash_info(mh), jaccard(mh, (SELECT mh FROM sigs WHERE id = 21)), minhash_lsh_params(0.8, 128)
	               FROM sigs WHERE id = 1} ],
	[ 'llmcopy_components', q{SELECT string_agg(c::text, ',' ORDER BY c.id) FROM llmcopy_components(
	                              'SELECT a.id::bigint, b.id::bigint FROM sigs a JOIN sigs b ON a.id < b.id AND minhash_similar(a.mh, b.mh, 0.8)') c} ]);
for my $role ('dash', undef)
{
	same_on_standby($role, $_->[1], $_->[0]) for @reads;
}

# A report in REPEATABLE READ checks the catalogue rows of the tables it
# reads against its snapshot (llmcopy_xid_committed): here outs's row of
# pg_class has the xmax of the ALTER TABLE that rolled back.
isnt($standby->safe_psql('postgres', q{SELECT xmax FROM pg_class WHERE oid = 'outs'::regclass}), '0',
	'a catalogue row of outs has an xmax on the standby');
same_on_standby('dash', "BEGIN ISOLATION LEVEL REPEATABLE READ;\nSELECT undated(llmcopy_report('outs', '3'));\nSELECT count(*) FROM llmcopy_registrations WHERE problem IS NULL;\nCOMMIT;",
	'a report in REPEATABLE READ');

# --- the indexed searches: the GIN index on the standby, the rows a
# sequential scan finds on the primary
my @searches = (
	[ 'outs', 'works', 'o.llmcopy_fp <% w.llmcopy_fp', 'works_llmcopy_fp_idx' ],
	[ 'outs', 'works', 'w.llmcopy_fp && o.llmcopy_fp', 'works_llmcopy_fp_idx' ],
	[ 'outs', 'works', 'fingerprint_contained(o.llmcopy_fp, w.llmcopy_fp, 0.2)', 'works_llmcopy_fp_idx' ],
	[ 'sigs', 'sigs', 'minhash_similar(o.mh, w.mh, 0.5)', 'sigs_mh_idx' ],
	[ 'sigs', 'sigs', 'o.mh % w.mh', 'sigs_mh_idx' ]);
for my $s (@searches)
{
	my ($q_table, $w_table, $cond, $index) = @$s;
	my $sql = "SELECT string_agg(o.id || ':' || w.id, ',' ORDER BY o.id, w.id) FROM $q_table o JOIN $w_table w ON $cond";
	my $seq = $primary->safe_psql('postgres', "SET enable_indexscan = off; SET enable_bitmapscan = off; $sql");
	my $idx = $standby->safe_psql('postgres', "SET enable_seqscan = off; $sql",
		connstr => $standby->connstr('postgres') . ' user=dash');
	my $plan = $standby->safe_psql('postgres', "SET enable_seqscan = off; EXPLAIN (costs off) $sql",
		connstr => $standby->connstr('postgres') . ' user=dash');
	ok($idx eq $seq && $seq ne '' && $plan =~ /Bitmap Index Scan on $index/,
		"$cond: the standby searches $index and finds what a sequential scan on the primary finds")
	  or diag("sequential scan on the primary: $seq\nstandby: $idx\n$plan");
}

# --- the write paths on the standby: SQLSTATE 25006; the scan, fill and
# refresh say to run them on the primary, and the failed scan holds no
# advisory lock in the session it failed in; registration, grants and
# edits of the license catalogue get PostgreSQL's own
my ($ret, $out, $err) = run_as($standby, 'nightly', q{
	CALL llmcopy_scan();
	SELECT 'advisory locks: ' || count(*) FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory';
});
like($err, qr/ERROR:  25006: llmcopy_scan cannot run on a standby server\n.*\nHINT:  Run llmcopy_scan on the primary server/,
	'llmcopy_scan on the standby: 25006, run it on the primary');
like($out, qr/^advisory locks: 0$/m, 'the failed scan holds no advisory lock');
for my $w (
	[ 'llmcopy_fill', q{CALL llmcopy_fill('works2')} ],
	[ 'llmcopy_refresh_boilerplate', q{SELECT llmcopy_refresh_boilerplate('works', 10)} ],
	[ 'llmcopy_refresh_boilerplate', q{SELECT llmcopy_refresh_boilerplate('works', 0.2::float8)} ])
{
	($ret, $out, $err) = run_as($standby, 'nightly', $w->[1]);
	like($err, qr/ERROR:  25006: $w->[0] cannot run on a standby server\n.*\nHINT:  Run $w->[0] on the primary server/,
		"$w->[1] on the standby: 25006, run it on the primary");
}
for my $w (q{SELECT llmcopy_register_corpus('spare', 'id', 'body')},
	q{SELECT llmcopy_register_corpus('spare', 'id', 'body', online => true)},
	q{SELECT llmcopy_unregister('works2')}, q{SELECT llmcopy_grant('dash', 'admin')},
	q{INSERT INTO llmcopy_licenses (id, name) VALUES ('LicenseRef-other', 'Other terms')})
{
	($ret, $out, $err) = run_as($standby, $w =~ /grant/ ? undef : 'nightly', $w);
	like($err, qr/ERROR:  25006: /, "$w on the standby: 25006");
}

# --- in a read-only transaction on the primary, the same, and the pending
# output stays pending
($ret, $out, $err) = run_as($primary, 'nightly', q{
	SET default_transaction_read_only = on;
	CALL llmcopy_scan(threshold => 0.1);
	SELECT llmcopy_refresh_boilerplate('works', 10);
});
like($err, qr/ERROR:  25006: llmcopy_scan cannot run in a read-only transaction.*ERROR:  25006: llmcopy_refresh_boilerplate cannot run in a read-only transaction/s,
	'llmcopy_scan and llmcopy_refresh_boilerplate in a read-only transaction on the primary: 25006');
is($primary->safe_psql('postgres', q{SELECT count(*) || ' runs, ' || (SELECT count(*) FROM llmcopy_scanned WHERE output_id = '20') || ' record of output 20' FROM llmcopy_runs}),
	'1 runs, 0 record of output 20', 'nothing was written: one run (the first scan), output 20 pending');

# --- the scan on the primary reaches the standby's dashboards
$primary->safe_psql('postgres', 'SET client_min_messages = warning; CALL llmcopy_scan(threshold => 0.1)',
	connstr => $primary->connstr('postgres') . ' user=nightly');
$primary->wait_for_catchup($standby, 'replay');
is($standby->safe_psql('postgres', q{SELECT string_agg(work_id, ',' ORDER BY work_id::int) FROM llmcopy_findings WHERE output_id = '20'},
		connstr => $standby->connstr('postgres') . ' user=dash'),
	'5,25', 'the standby shows the findings of the scan the primary ran (output 20 copies work 5 and its fork 25)');
same_on_standby('dash', 'SELECT * FROM llmcopy_reproduction_rate ORDER BY day, model', 'the reproduction rate after the scan');

$standby->stop;
$primary->stop;
done_testing();
