#!/bin/sh
# A writer that keeps inserting into a table while something else runs (used
# by bench/scale.sql around registration): one row every 0.2 s, each in its
# own transaction with lock_timeout = 60s, its latency logged.
#
#   bench/scale_writer.sh start TABLE FIRST_ID   insert copies of its rows with ids FIRST_ID, FIRST_ID + 1, ...
#   bench/scale_writer.sh stop                   stop; print rows inserted, failures, worst latency (ms)
set -eu
dir=bench/work/writer
case "${1:-}" in
start)
	tbl=$2
	id=$3
	first=$3
	mkdir -p "$dir"
	rm -f "$dir/stop" "$dir/done" "$dir/log"
	(
		while [ ! -e "$dir/stop" ]; do
			t0=$(date +%s%N)
			if psql -X -q -v ON_ERROR_STOP=1 -c "SET lock_timeout = '60s'" \
				-c "INSERT INTO $tbl (id, kind, origin, variant, body) SELECT $id, kind, origin, 'inserted', body FROM $tbl WHERE id < $first AND length(body) > 1000 ORDER BY id OFFSET $id % 1000 LIMIT 1" \
				>/dev/null 2>>"$dir/errors"; then
				echo "ok $id $(( ($(date +%s%N) - t0) / 1000000 ))" >>"$dir/log"
			else
				echo "failed $id $(( ($(date +%s%N) - t0) / 1000000 ))" >>"$dir/log"
			fi
			id=$((id + 1))
			sleep 0.2
		done
		touch "$dir/done"
	) >/dev/null 2>&1 &
	;;
stop)
	touch "$dir/stop"
	i=0
	while [ ! -e "$dir/done" ] && [ $i -lt 1300 ]; do sleep 0.05; i=$((i + 1)); done
	awk '$1 == "ok" {n++; if ($3 > m) m = $3} $1 == "failed" {f++} END {printf "%d %d %d\n", n, f, m}' "$dir/log"
	;;
*)
	echo "usage: $0 start TABLE FIRST_ID | stop" >&2
	exit 2
	;;
esac
