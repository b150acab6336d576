#!/bin/sh
# Peak private memory (RssAnon, kB) of one backend while a query runs: the
# backend's memory contexts, sorts and hash tables, not the shared buffers
# it maps.  Used by bench/aggregates.sql through psql's \! and \set.
#
#   bench/rss_peak.sh start   sample the pid in bench/work/rss.pid every 20 ms
#   bench/rss_peak.sh stop    stop sampling; print the peak in kB
set -eu
dir=bench/work
case "${1:-}" in
start)
	pid=$(cat "$dir/rss.pid")
	rm -f "$dir/rss.stop" "$dir/rss.done"
	echo 0 >"$dir/rss.peak"
	(
		peak=0
		while [ ! -e "$dir/rss.stop" ] && [ -r "/proc/$pid/status" ]; do
			kb=$(awk '/^RssAnon:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
			[ "${kb:-0}" -gt "$peak" ] && peak=$kb && echo "$peak" >"$dir/rss.peak"
			sleep 0.02
		done
		touch "$dir/rss.done"
	) >/dev/null 2>&1 &
	;;
stop)
	touch "$dir/rss.stop"
	i=0
	while [ ! -e "$dir/rss.done" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	cat "$dir/rss.peak"
	;;
*)
	echo "usage: $0 start|stop" >&2
	exit 2
	;;
esac
