#!/usr/bin/env bash
# A scan whose backend is killed with SIGKILL in the middle of a batch: the
# postmaster restarts every backend, and the next scan marks the killed run
# failed and redoes exactly the lost batch (every output scanned once, the
# findings those of an uninterrupted scan).  Runs on its own throwaway
# cluster, as pg_regress cannot survive a postmaster restart.
#   PG_CONFIG=... LLMCOPY_PORT=... test/redteam/crash.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
. .ci/lib.sh
llmcopy_cluster
export PGDATABASE=postgres
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
fail=0
passed=0
failed=0
check() {
	if [ "$2" = "$3" ]; then echo "ok: $1"; passed=$((passed + 1))
	else echo "FAILED: $1: got '$2', want '$3'"; fail=1; failed=$((failed + 1)); fi
}

q >/dev/null <<'SQL'
CREATE EXTENSION pg_llmcopy;
CREATE TABLE works (id int PRIMARY KEY, body text);
INSERT INTO works SELECT i, (SELECT string_agg(md5((i * 100 + j)::text), ' ') FROM generate_series(1, 40) j) FROM generate_series(1, 8) i;
SELECT llmcopy_register_corpus('works', 'id', 'body');
CREATE TABLE ref_outputs (id int PRIMARY KEY, body text, at timestamptz);
INSERT INTO ref_outputs SELECT i, 'copy ' || (SELECT body FROM works WHERE id = i), now() - (10 - i) * interval '1 minute' FROM generate_series(1, 6) i;
CREATE TABLE kill_outputs (LIKE ref_outputs INCLUDING ALL);
INSERT INTO kill_outputs SELECT * FROM ref_outputs;
SELECT llmcopy_register_outputs('ref_outputs', 'id', 'body', 'at');
SELECT llmcopy_register_outputs('kill_outputs', 'id', 'body', 'at');
SET client_min_messages = warning;
CALL llmcopy_scan(outputs => 'ref_outputs', threshold => 0.2);
CALL llmcopy_scan(outputs => 'kill_outputs', threshold => 0.2, batch_size => 1, max_batches => 2);
SQL
kill_id=$(q -c "SELECT id FROM llmcopy_output_tables WHERE table_name = 'kill_outputs'")
corpus_id=$(q -c "SELECT id FROM llmcopy_corpus_tables WHERE table_name = 'works'")
before=$(q -c "SELECT string_agg(output_id || ':' || run_id, ',' ORDER BY output_id) FROM llmcopy_scanned WHERE output_table = $kill_id")
check "two outputs scanned before the kill" "$before" "1:2,2:2"

# Output 4's record held uncommitted by another session: the scan takes
# output 3 (and commits it), then waits in the batch of output 4.
mkfifo "$LLMCOPY_TMP/holder"
( exec 3<"$LLMCOPY_TMP/holder"; psql -X -q -At -d postgres <&3 >/dev/null 2>&1 || true ) &
exec 4>"$LLMCOPY_TMP/holder"
printf "BEGIN;\nINSERT INTO llmcopy_scanned (output_table, corpus_table, output_id, status) VALUES (%s, %s, '4', 'scanned');\n" "$kill_id" "$corpus_id" >&4
sleep 1
psql -X -q -At -d postgres -c "SET client_min_messages = warning" \
	-c "CALL llmcopy_scan(outputs => 'kill_outputs', threshold => 0.2, batch_size => 1)" >/dev/null 2>&1 &
victim=""
for _ in $(seq 1 200); do
	victim=$(q -c "SELECT pid FROM pg_stat_activity WHERE query LIKE 'CALL llmcopy_scan%' AND wait_event_type = 'Lock'")
	[ -n "$victim" ] && break
	sleep 0.1
done
check "the scan waits in the batch of output 4" "$([ -n "$victim" ] && echo yes)" "yes"
mid=$(q -c "SELECT string_agg(output_id, ',' ORDER BY output_id) FROM llmcopy_scanned WHERE output_table = $kill_id")
check "output 3 committed before the kill" "$mid" "1,2,3"
$LLMCOPY_PGRUN kill -9 "$victim"
exec 4>&-
wait || true
for _ in $(seq 1 100); do
	q -c "SELECT 1" >/dev/null 2>&1 && break
	sleep 0.2
done
check "the postmaster restarted the backends" "$(grep -c 'terminated by signal 9' "$LLMCOPY_TMP/server.log")" "1"
lost=$(q -c "SELECT string_agg(output_id, ',' ORDER BY output_id) FROM llmcopy_scanned WHERE output_table = $kill_id")
check "the lost batch left nothing" "$lost" "1,2,3"
check "the killed run still shows running" "$(q -c "SELECT status FROM llmcopy_runs WHERE output_table = $kill_id ORDER BY run_id DESC LIMIT 1")" "running"
killed_run=$(q -c "SELECT run_id FROM llmcopy_runs WHERE output_table = $kill_id ORDER BY run_id DESC LIMIT 1")

q -c "SET client_min_messages = warning" -c "CALL llmcopy_scan(outputs => 'kill_outputs', threshold => 0.2, batch_size => 1)"
check "the killed run is marked failed" "$(q -c "SELECT status FROM llmcopy_runs WHERE run_id = $killed_run")" "failed"
check "the next run scanned exactly the rest" \
	"$(q -c "SELECT string_agg(output_id, ',' ORDER BY output_id) FROM llmcopy_scanned WHERE output_table = $kill_id AND run_id > $killed_run")" "4,5,6"
check "earlier records kept" \
	"$(q -c "SELECT string_agg(output_id || ':' || run_id, ',' ORDER BY output_id) FROM llmcopy_scanned WHERE output_table = $kill_id AND output_id IN ('1', '2')")" "1:2,2:2"
check "each output recorded once" "$(q -c "SELECT count(*) || '/' || count(DISTINCT output_id) FROM llmcopy_scanned WHERE output_table = $kill_id")" "6/6"
ref_id=$(q -c "SELECT id FROM llmcopy_output_tables WHERE table_name = 'ref_outputs'")
diff=$(q -c "SELECT count(*) FROM ((SELECT output_id, work_id, containment, longest_tokens, coverage, spans FROM llmcopy_findings WHERE output_table = $ref_id
                                    EXCEPT ALL SELECT output_id, work_id, containment, longest_tokens, coverage, spans FROM llmcopy_findings WHERE output_table = $kill_id)
                                   UNION ALL
                                   (SELECT output_id, work_id, containment, longest_tokens, coverage, spans FROM llmcopy_findings WHERE output_table = $kill_id
                                    EXCEPT ALL SELECT output_id, work_id, containment, longest_tokens, coverage, spans FROM llmcopy_findings WHERE output_table = $ref_id)) d")
check "findings equal those of an uninterrupted scan" "$diff" "0"
check "findings for every output" "$(q -c "SELECT count(DISTINCT output_id) FROM llmcopy_findings WHERE output_table = $kill_id")" "6"
echo "crash: $([ $fail -eq 0 ] && echo passed || echo FAILED)"
echo "tests: $passed passed, $failed failed"
exit $fail
