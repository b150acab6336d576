#!/usr/bin/env bash
# Does running the server in huge pages change the ratio of the 1,000,000
# documents' query p50 to the 100,000's?  (bench/run hugepages)
#
# Builds the two corpora (bench/hugepages.sql), then restarts the cluster
# with huge_pages = off and on in turn (ALTER SYSTEM; HP_SERIES times each,
# default 6) and after each restart: pg_prewarm of the GIN indexes and the
# outputs, a round of lat_pair of each query discarded (the backend's first
# touches of the pages it reads), then lat_pair (bench/scale_pairs.psql) of
# && (HP_ROUNDS_AND rounds, default 5) and of fingerprint_contained(…, 0.05)
# (HP_ROUNDS_CONTAINED, default 3).  Recorded per series: the HugePages
# counters of /proc/meminfo, the page size of the postmaster's shared memory
# mapping, the backend's minor page faults in the warm-up and in the timed
# rounds, the load average every 5 s.
#
# Needs the cluster of bench/run (LLMCOPY_TMP, LLMCOPY_PGRUN, LLMCOPY_PGBIN,
# PGHOST, PGPORT, PGUSER; any cluster whose data directory is
# $LLMCOPY_TMP/data will do) and, for huge_pages = on, huge pages from the
# kernel: as root the script sets vm.nr_hugepages to what the server needs
# and puts it back at the end; otherwise they must be there.  HP_BUILT=1
# skips the build (the tables of bench/hugepages.sql are there).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${LLMCOPY_TMP:?the cluster of bench/run}"
series=${HP_SERIES:-6}
rounds_and=${HP_ROUNDS_AND:-5}
rounds_contained=${HP_ROUNDS_CONTAINED:-3}
data=$LLMCOPY_TMP/data
q() { psql -X -q -d postgres -v ON_ERROR_STOP=1 "$@"; }
meminfo() { awk -v k="$1:" '$1 == k {print $2}' /proc/meminfo; }

[ "${HP_BUILT:-0}" = 1 ] || q ${HP_DOCS:+-v scale_docs=$HP_DOCS} -f bench/hugepages.sql

need=$(q -At -c 'SHOW shared_memory_size_in_huge_pages')
nr_before=$(cat /proc/sys/vm/nr_hugepages)
# the server back in normal pages, the kernel's huge pages as they were
restore() {
	if [ "$(id -u)" -eq 0 ] && [ "$(cat /proc/sys/vm/nr_hugepages)" != "$nr_before" ]; then
		q -c 'ALTER SYSTEM SET huge_pages = off' 2>/dev/null || true
		$LLMCOPY_PGRUN "$LLMCOPY_PGBIN/pg_ctl" -D "$data" -w -m fast restart >/dev/null 2>&1 || true
		echo "$nr_before" > /proc/sys/vm/nr_hugepages
	fi
	q -c 'ALTER SYSTEM RESET huge_pages' 2>/dev/null || true
}
trap restore EXIT
if [ "$(meminfo HugePages_Free)" -lt $((need + 10)) ]; then
	if [ "$(id -u)" -eq 0 ]; then
		echo $((nr_before + need + 10)) > /proc/sys/vm/nr_hugepages
	else
		echo "huge_pages = on needs $need free huge pages (vm.nr_hugepages, as root)" >&2
		exit 1
	fi
fi
echo "# shared memory $(q -At -c 'SHOW shared_memory_size'), $need huge pages of $(meminfo Hugepagesize) kB;" \
     "vm.nr_hugepages $(cat /proc/sys/vm/nr_hugepages) (was $nr_before)"

qa='SELECT count(*), coalesce(bool_or(d.id = $2), false) FROM %s d WHERE fingerprint($1) && d.llmcopy_fp'
qc='SELECT count(*), coalesce(bool_or(d.id = $2), false) FROM %s d WHERE fingerprint_contained(fingerprint($1), d.llmcopy_fp, 0.05)'
for n in $(seq 1 $((2 * series))); do
	if [ $((n % 2)) -eq 1 ]; then hp=off; else hp=on; fi
	q -c "ALTER SYSTEM SET huge_pages = $hp"
	$LLMCOPY_PGRUN "$LLMCOPY_PGBIN/pg_ctl" -D "$data" -w -m fast restart >/dev/null
	free0=$(meminfo HugePages_Free) rsvd=$(meminfo HugePages_Rsvd)
	pm=$(head -1 "$data/postmaster.pid")
	# the largest mapping of the postmaster: the shared memory, and its page size
	shm=$(awk '/^Size:/ {sz = $2} /^KernelPageSize:/ {if (sz > best) {best = sz; kp = $2}} END {print best " kB in " kp " kB pages"}' /proc/$pm/smaps)
	( while :; do cut -d' ' -f1 /proc/loadavg; sleep 5; done ) > "$LLMCOPY_TMP/hp_load" & lp=$!
	q -v hp=$hp -v n=$n -v qa="$qa" -v qc="$qc" -v ra=$rounds_and -v rc=$rounds_contained <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_prewarm;
SELECT pg_prewarm(i.indexrelid) FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid
WHERE i.indrelid IN ('c100k'::regclass, 'big'::regclass) AND x.relam = (SELECT oid FROM pg_am WHERE amname = 'gin') \g /dev/null
SELECT pg_prewarm('outputs') \g /dev/null
SELECT pg_backend_pid() AS pid \gset
SELECT current_setting('huge_pages') = :'hp' AS ok \gset
\if :ok
\else
SELECT ('huge_pages is ' || current_setting('huge_pages') || ', not ' || :'hp')::int;
\endif
SELECT split_part(pg_read_file('/proc/' || :pid || '/stat'), ' ', 10)::bigint AS f0 \gset
TRUNCATE pair_results;
SELECT lat_pair('&&', :'qa', 1), lat_pair('contained 0.05', :'qc', 1) \g /dev/null
SELECT split_part(pg_read_file('/proc/' || :pid || '/stat'), ' ', 10)::bigint AS f1 \gset
TRUNCATE pair_results;
SELECT lat_pair('&&', :'qa', :ra) \g /dev/null
SELECT lat_pair('contained 0.05', :'qc', :rc) \g /dev/null
SELECT split_part(pg_read_file('/proc/' || :pid || '/stat'), ' ', 10)::bigint AS f2 \gset
INSERT INTO hp_results SELECT :n, :'hp', p.* FROM pair_results p;
INSERT INTO hp_series (series, huge_pages, minflt_warmup, minflt_timed) VALUES (:n, :'hp', :f1 - :f0, :f2 - :f1);
SQL
	kill $lp; wait $lp 2>/dev/null || true
	q -c "UPDATE hp_series SET shared_memory = '$shm', hp_free_started = $free0, hp_rsvd_started = $rsvd,
	      hp_free_after = $(meminfo HugePages_Free), load = '$(paste -sd' ' "$LLMCOPY_TMP/hp_load")' WHERE series = $n"
done

q <<'SQL'
\pset footer off
\echo '## Each series: a restart, pg_prewarm, a warm-up round discarded, then the timed rounds'
\echo '## (HugePages of /proc/meminfo free and reserved after the restart, free after the series; minor faults of the backend)'
SELECT series, huge_pages, shared_memory, hp_free_started, hp_rsvd_started, hp_free_after,
       minflt_warmup, minflt_timed, load FROM hp_series ORDER BY series;
\echo '## p50 ms per round (lat_pair: second pass of two)'
SELECT query, series, huge_pages, round, p50_100k, p50_1m, ratio, rows_p50_100k, rows_p50_1m
FROM hp_results ORDER BY query, series, round;
\echo '## By setting: the mean of the rounds p50s, the ratio over the rounds'
SELECT query, huge_pages, count(DISTINCT series) AS series, count(*) AS rounds,
       round(avg(p50_100k), 3) AS p50_100k, round(avg(p50_1m), 3) AS p50_1m,
       min(ratio) AS ratio_min, round((percentile_cont(0.5) WITHIN GROUP (ORDER BY ratio))::numeric, 3) AS ratio_median, max(ratio) AS ratio_max
FROM hp_results GROUP BY 1, 2 ORDER BY 1, 2;
\echo '## Neighbouring series (off, then on): on minus off of the mean ratio; on / off of the mean p50s'
WITH s AS (SELECT query, series, huge_pages, avg(ratio) AS r, avg(p50_100k) AS a, avg(p50_1m) AS b FROM hp_results GROUP BY 1, 2, 3),
p AS (SELECT x.query, on_.r - x.r AS d, on_.a / x.a AS qa, on_.b / x.b AS qb
      FROM s x JOIN s on_ ON on_.query = x.query AND on_.series = x.series + 1 WHERE x.huge_pages = 'off')
SELECT query, count(*) AS pairs, round(avg(d), 3) AS ratio_on_minus_off, round(stddev(d), 3) AS sd,
       count(*) FILTER (WHERE d < 0) AS pairs_on_lower,
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY qa))::numeric, 3) AS p50_100k_on_off,
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY qb))::numeric, 3) AS p50_1m_on_off
FROM p GROUP BY 1 ORDER BY 1;
SQL
