# Shared by .ci/citus and .ci/fdw: Citus built once into the server's prefix,
# and named throwaway nodes (clusters on Unix sockets in one temp folder).
# shellcheck shell=bash

# The vendored Citus sources: ../shared/vendor next to the checkout, or
# LLMCOPY_VENDOR.  Prints the folder, or nothing when it is absent.
dist_vendor_dir() {
	local d=${LLMCOPY_VENDOR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/../shared/vendor}
	[ -d "$d" ] && (cd "$d" && pwd)
}

# The Citus release for a PostgreSQL major: 13.2.2 builds against 15-17,
# 14.0.1 against 16-18 (vendor README).  CITUS_VERSION overrides.
dist_citus_version() {
	local major=$1
	if [ -n "${CITUS_VERSION:-}" ]; then echo "$CITUS_VERSION"; return; fi
	case $major in
		15) echo 13.2.2 ;;
		16|17|18) echo 14.0.1 ;;
		*) return 1 ;;
	esac
}

# Build and install Citus into the prefix of $PG_CONFIG unless citus.so is
# there already.  The archive is checked against the vendor's SHA256SUMS.
dist_build_citus() {
	local vendor=$1 major libdir version archive build
	major=$($PG_CONFIG --version | sed 's/^PostgreSQL \([0-9]*\).*/\1/')
	libdir=$($PG_CONFIG --pkglibdir)
	if [ -f "$libdir/citus.so" ] && [ -f "$($PG_CONFIG --sharedir)/extension/citus.control" ]; then
		return 0
	fi
	version=$(dist_citus_version "$major") || { echo "no vendored Citus builds against PostgreSQL $major" >&2; return 1; }
	archive=citus-$version.tar.gz
	[ -f "$vendor/$archive" ] || { echo "$vendor/$archive is missing" >&2; return 1; }
	(cd "$vendor" && grep " $archive\$" SHA256SUMS | sha256sum -c --quiet -) \
		|| { echo "$vendor/$archive does not match SHA256SUMS" >&2; return 1; }
	if [ ! -w "$libdir" ]; then
		echo "installing Citus into $libdir needs root" >&2
		return 1
	fi
	local need=()
	for p in liblz4-dev libzstd-dev libkrb5-dev; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
	done
	if [ ${#need[@]} -gt 0 ]; then
		echo "installing: ${need[*]}"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
	fi
	echo "building Citus $version against PostgreSQL $major (once; about 1.5 minutes on 2 cores)"
	build=$(mktemp -d /tmp/citus-build.XXXXXX)
	tar -xzf "$vendor/$archive" -C "$build"
	if ! (
		cd "$build/citus-$version" &&
			./configure --without-libcurl PG_CONFIG="$PG_CONFIG" >configure.log 2>&1 &&
			nice make -s -j"$(nproc)" >make.log 2>&1 &&
			make -s install >>make.log 2>&1
	); then
		tail -n 40 "$build/citus-$version/configure.log" "$build/citus-$version/make.log" 2>/dev/null
		rm -rf "$build"
		return 1
	fi
	rm -rf "$build"
}

# Throwaway nodes, all on Unix sockets in one temp folder ($DIST_TMP), run
# as postgres when root.  Ports from LLMCOPY_DIST_PORT (default 54330) up.
DIST_NODES=()
dist_init() {
	local bindir
	bindir=$($PG_CONFIG --bindir)
	[ -x "$bindir/initdb" ] || bindir=/usr/lib/postgresql/$($PG_CONFIG --version | sed 's/^PostgreSQL \([0-9]*\).*/\1/')/bin
	DIST_BIN=$bindir
	DIST_TMP=$(mktemp -d /tmp/pg_llmcopy_dist.XXXXXX)
	chmod 755 "$DIST_TMP"
	if [ "$(id -u)" -eq 0 ]; then
		chown postgres: "$DIST_TMP"
		DIST_RUN="runuser -u postgres --"
		export PGUSER=postgres
	else
		DIST_RUN=""
		export PGUSER=$(id -un)
	fi
	export PATH="$bindir:$PATH" PGHOST=$DIST_TMP
	DIST_PORT0=${LLMCOPY_DIST_PORT:-54330}
	trap dist_stop_all EXIT
}

# dist_node_start NAME INDEX [server settings...]: the node's port is
# DIST_PORT0 + INDEX; prints nothing, fails with the server log.
dist_node_start() {
	local name=$1 port=$((DIST_PORT0 + $2))
	shift 2
	$DIST_RUN "$DIST_BIN/initdb" -D "$DIST_TMP/$name" -E UTF8 --locale=C.UTF-8 -A trust >"$DIST_TMP/$name.initdb.log" 2>&1 \
		|| { cat "$DIST_TMP/$name.initdb.log"; return 1; }
	DIST_NODES+=("$name")
	$DIST_RUN "$DIST_BIN/pg_ctl" -D "$DIST_TMP/$name" -l "$DIST_TMP/$name.log" -w \
		-o "-k $DIST_TMP -p $port -c listen_addresses='' -c fsync=off -c max_connections=200 $*" start >/dev/null \
		|| { cat "$DIST_TMP/$name.log"; return 1; }
}

dist_port() { echo $((DIST_PORT0 + $1)); }

# (LLMCOPY_DIST_KEEP=1 leaves the nodes running, to look into a failure)
dist_stop_all() {
	local n
	if [ -n "${LLMCOPY_DIST_KEEP:-}" ]; then
		echo "nodes left running on sockets in $DIST_TMP, ports $DIST_PORT0 and up (${DIST_NODES[*]})"
		return
	fi
	for n in "${DIST_NODES[@]}"; do
		$DIST_RUN "$DIST_BIN/pg_ctl" -D "$DIST_TMP/$n" -m immediate stop >/dev/null 2>&1 || true
	done
	[ -n "${DIST_TMP:-}" ] && rm -rf "$DIST_TMP"
}

# dist_suite FILE SUITE DIST_PORT SINGLE_PORT: runs a suite file against a
# distributed entry node and a plain single node (database postgres).  The
# file is cut into blocks by marker lines:
#   -- both | -- dist | -- single      statements for those nodes (must succeed)
#   -- compare NAME [MIN_ROWS]         a query run on both nodes: the sorted
#                                      rows must be the same, at least MIN_ROWS
#                                      (1) of them; a line "-- single node:"
#                                      starts the single node's own version
#   -- check NAME                      a query on the distributed node that
#                                      returns t, or "pending: why" for a
#                                      check that waits on work not merged
# Sets DIST_PASSED, DIST_FAILED, DIST_PENDING; prints one line per test.
dist_suite() {
	local file=$1 suite=$2 dport=$3 sport=$4 line kind="" name="" min=1 body="" lineno=0 start=0
	DIST_PASSED=0 DIST_FAILED=0 DIST_PENDING=0
	while IFS= read -r line || [ -n "$line" ]; do
		lineno=$((lineno + 1))
		if [[ $line =~ ^--\ (both|dist|single|compare|check)(\ +([A-Za-z0-9_]+))?(\ +([0-9]+))?\ *$ ]]; then
			dist_block "$suite" "$kind" "$name" "$min" "$body" "$dport" "$sport" "$file:$start" || return 1
			kind=${BASH_REMATCH[1]} name=${BASH_REMATCH[3]} min=${BASH_REMATCH[5]:-1} body="" start=$lineno
		else
			body+="$line"$'\n'
		fi
	done <"$file"
	dist_block "$suite" "$kind" "$name" "$min" "$body" "$dport" "$sport" "$file:$start"
}

# dist_psql PORT [psql arguments]: reads SQL from the arguments or stdin
dist_psql() {
	psql -X -At -q -v ON_ERROR_STOP=1 -p "$1" -d postgres "${@:2}"
}

dist_block() {
	local suite=$1 kind=$2 name=$3 min=$4 body=$5 dport=$6 sport=$7 where=$8 out a b n
	[ -n "${LLMCOPY_DIST_TIMING:-}" ] && echo "  [$(date +%T)] $kind $name ($where)"
	case $kind in
		"") return 0 ;;
		both|dist|single)
			local ports=()
			[ "$kind" = single ] || ports+=("$dport")
			[ "$kind" = dist ] || ports+=("$sport")
			for p in "${ports[@]}"; do
				if ! out=$(dist_psql "$p" <<<"$body" 2>&1); then
					echo "$out" | tail -n 20
					echo "test ${suite}_setup ($where, port $p) ... FAILED"
					DIST_FAILED=$((DIST_FAILED + 1))
					return 1
				fi
			done
			return 0 ;;
		compare)
			local dsql=${body%%$'\n'-- single node:*} ssql=${body#*$'\n'-- single node:}
			[ "$ssql" = "$body" ] && ssql=$body
			a=$(dist_psql "$dport" <<<"$dsql" 2>&1 | LC_ALL=C sort) || true
			b=$(dist_psql "$sport" <<<"$ssql" 2>&1 | LC_ALL=C sort) || true
			n=$(printf '%s' "$b" | grep -c '' || true)
			if [ "$a" = "$b" ] && [ "$n" -ge "$min" ] && ! grep -q '^ERROR:\|^psql:' <<<"$b"; then
				echo "test ${suite}_$name ... ok ($n rows)"
				DIST_PASSED=$((DIST_PASSED + 1))
			else
				echo "test ${suite}_$name ... FAILED ($where: $n rows on the single node, at least $min wanted)"
				diff <(echo "$b") <(echo "$a") | head -n 20 | sed 's/^/    /'
				DIST_FAILED=$((DIST_FAILED + 1))
			fi ;;
		check)
			out=$(dist_psql "$dport" <<<"$body" 2>&1) || true
			if [ "$out" = t ]; then
				echo "test ${suite}_$name ... ok"
				DIST_PASSED=$((DIST_PASSED + 1))
			elif [[ $out == pending:* ]]; then
				echo "test ${suite}_$name ... PENDING (${out#pending: })"
				DIST_PENDING=$((DIST_PENDING + 1))
			else
				echo "test ${suite}_$name ... FAILED ($where)"
				echo "$out" | head -n 20 | sed 's/^/    /'
				DIST_FAILED=$((DIST_FAILED + 1))
			fi ;;
	esac
}

# dist_citus_start COORD WORKER1 WORKER2 [settings...]: a coordinator and
# two workers (node indexes), Citus created on each and the workers added.
dist_citus_start() {
	local c=$1 w1=$2 w2=$3 i
	shift 3
	local settings=("$@" -c shared_preload_libraries=citus -c "citus.node_conninfo='sslmode=disable'")
	dist_node_start coordinator "$c" "${settings[@]}"
	dist_node_start worker1 "$w1" "${settings[@]}"
	dist_node_start worker2 "$w2" "${settings[@]}"
	for i in "$c" "$w1" "$w2"; do
		dist_psql "$(dist_port "$i")" -c "CREATE EXTENSION citus"
	done
	dist_psql "$(dist_port "$c")" >/dev/null <<SQL
SELECT citus_set_coordinator_host('$DIST_TMP', $(dist_port "$c"));
SELECT citus_add_node('$DIST_TMP', $(dist_port "$w1"));
SELECT citus_add_node('$DIST_TMP', $(dist_port "$w2"));
SQL
}

# dist_load_corpus WORKS OUTPUTS NODE...: pg_llmcopy and the generated
# corpus (test/dist/corpus.sql) on each node, in parallel.
dist_load_corpus() {
	local works=$1 outputs=$2 i p pids=()
	shift 2
	for i in "$@"; do
		PGOPTIONS='-c client_min_messages=error' dist_psql "$(dist_port "$i")" -c "CREATE EXTENSION pg_llmcopy" \
			-v works="$works" -v outputs="$outputs" -f test/dist/corpus.sql &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p"; done
}

# dist_fdw_setup ROUTER SHARD1 SHARD2 WORKS: after dist_load_corpus on the
# three, the shards keep the works with id up to WORKS / 2 and above it
# (test/dist/fdw_shard.sql), and the router's works table becomes a table
# partitioned by id range over foreign tables on them, through servers
# declared as the README's postgres_fdw recipe says.
dist_fdw_setup() {
	local r=$1 works=$4 half=$(($4 / 2)) shards=("$2" "$3") i
	dist_psql "$(dist_port "$2")" -v lo=1 -v hi="$half" -f test/dist/fdw_shard.sql
	dist_psql "$(dist_port "$3")" -v lo=$((half + 1)) -v hi="$works" -f test/dist/fdw_shard.sql
	{
		echo "CREATE EXTENSION postgres_fdw;"
		for i in 1 2; do
			cat <<SQL
CREATE SERVER shard$i FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '$DIST_TMP', port '$(dist_port "${shards[i - 1]}")', dbname 'postgres',
             extensions 'pg_llmcopy', use_remote_estimate 'true', fetch_size '1000');
CREATE USER MAPPING FOR CURRENT_USER SERVER shard$i OPTIONS (user 'llmcopy_fdw');
SQL
		done
		cat <<SQL
DROP TABLE works;
CREATE TABLE works (id bigint NOT NULL, title text, author text, source text, license text,
                    body text NOT NULL, fp fingerprint, sig minhash) PARTITION BY RANGE (id);
CREATE FOREIGN TABLE works_1 PARTITION OF works FOR VALUES FROM (MINVALUE) TO ($((half + 1)))
    SERVER shard1 OPTIONS (table_name 'works');
CREATE FOREIGN TABLE works_2 PARTITION OF works FOR VALUES FROM ($((half + 1))) TO (MAXVALUE)
    SERVER shard2 OPTIONS (table_name 'works');
ANALYZE works;
SQL
	} | dist_psql "$(dist_port "$r")"
}
