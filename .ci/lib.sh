# Shared by .ci/test, .ci/demo and bench/: dependencies and a throwaway cluster.
# shellcheck shell=bash

PG_MAJOR=${PG_MAJOR:-15}
# The server to build against and test on: Debian's packaged one by default,
# or any other through PG_CONFIG (a server built by .ci/pgbuild.sh).
export PG_CONFIG=${PG_CONFIG:-pg_config}

# Install what the build needs (as root, through apt), or say what is missing.
llmcopy_deps() {
	local missing=()
	if [ "$PG_CONFIG" = pg_config ]; then
		command -v pg_config >/dev/null 2>&1 && [ -f "$(pg_config --includedir-server 2>/dev/null)/postgres.h" ] \
			|| missing+=("postgresql-server-dev-$PG_MAJOR")
		[ -x "/usr/lib/postgresql/$PG_MAJOR/bin/postgres" ] || missing+=("postgresql-$PG_MAJOR")
	fi
	[ -f /usr/include/xxhash.h ] || missing+=(libxxhash-dev)
	pkg-config --exists icu-uc icu-i18n 2>/dev/null || missing+=(libicu-dev)
	command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
	command -v gcc >/dev/null 2>&1 && command -v make >/dev/null 2>&1 || missing+=(build-essential)
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "pg_llmcopy needs these Debian packages: ${missing[*]}" >&2
		echo "install them (as root: apt-get install ${missing[*]}) and run again" >&2
		exit 1
	fi
	echo "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	local pkgs=()
	for p in "${missing[@]}"; do
		# keep the headers at the version of the installed server
		if [ "$p" = "postgresql-server-dev-$PG_MAJOR" ] && dpkg-query -W -f='${Version}' "postgresql-$PG_MAJOR" >/dev/null 2>&1; then
			p="$p=$(dpkg-query -W -f='${Version}' "postgresql-$PG_MAJOR")"
		fi
		pkgs+=("$p")
	done
	apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
}

# Build and install the extension into the server of pg_config.  PGXS does
# not know which server objects were built for: when PG_CONFIG names another
# server than the last build here did, the tree is cleaned first.
llmcopy_build() {
	local stamp=build/in-tree.pg_config want
	want="$(command -v "$PG_CONFIG") $($PG_CONFIG --version)"
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" != "$want" ]; then
		echo "objects here were built for $(cat "$stamp"): rebuilding for $want"
		make -s clean
	fi
	make -s all
	mkdir -p build
	echo "$want" >"$stamp"
	if [ -w "$($PG_CONFIG --pkglibdir)" ]; then
		make -s install >/dev/null
	else
		echo "installing into $($PG_CONFIG --pkglibdir) needs root: sudo make install" >&2
		exit 1
	fi
}

# Start a throwaway cluster on a Unix socket; exports PGHOST, PGPORT, PGUSER.
# Stopped and removed on exit.  Extra server settings as arguments (-c ...).
# LLMCOPY_POSTGRES names a program started in place of the postgres
# executable (a wrapper that runs it under Valgrind, say: .ci/valgrind), and
# LLMCOPY_PGCTL_TIMEOUT how many seconds pg_ctl waits for it (60).
llmcopy_cluster() {
	local bindir run exe=()
	bindir=$($PG_CONFIG --bindir)
	[ -x "$bindir/initdb" ] || bindir=/usr/lib/postgresql/$PG_MAJOR/bin
	LLMCOPY_TMP=$(mktemp -d /tmp/pg_llmcopy.XXXXXX)
	chmod 755 "$LLMCOPY_TMP"
	if [ "$(id -u)" -eq 0 ]; then
		chown postgres: "$LLMCOPY_TMP"
		run="runuser -u postgres --"
		export PGUSER=postgres
	else
		run=""
		export PGUSER=$(id -un)
	fi
	LLMCOPY_PGRUN="$run"
	LLMCOPY_PGBIN="$bindir"
	# psql, pg_dump and friends of the server under test
	export PATH="$bindir:$PATH"
	trap llmcopy_cluster_stop EXIT
	$run "$bindir/initdb" -D "$LLMCOPY_TMP/data" -E UTF8 --locale=C.UTF-8 -A trust >"$LLMCOPY_TMP/initdb.log" 2>&1 \
		|| { cat "$LLMCOPY_TMP/initdb.log"; exit 1; }
	export PGHOST=$LLMCOPY_TMP PGPORT=${LLMCOPY_PORT:-54329}
	[ -n "${LLMCOPY_POSTGRES:-}" ] && exe=(-p "$LLMCOPY_POSTGRES")
	$run "$bindir/pg_ctl" -D "$LLMCOPY_TMP/data" -l "$LLMCOPY_TMP/server.log" -w \
		-t "${LLMCOPY_PGCTL_TIMEOUT:-60}" "${exe[@]}" \
		-o "-k $LLMCOPY_TMP -p $PGPORT -c listen_addresses='' -c fsync=off $*" start >/dev/null \
		|| { cat "$LLMCOPY_TMP/server.log"; exit 1; }
}

llmcopy_cluster_stop() {
	if [ -n "${LLMCOPY_TMP:-}" ] && [ -d "$LLMCOPY_TMP/data" ]; then
		$LLMCOPY_PGRUN "$LLMCOPY_PGBIN/pg_ctl" -D "$LLMCOPY_TMP/data" -t "${LLMCOPY_PGCTL_TIMEOUT:-60}" \
			-m immediate stop >/dev/null 2>&1 || true
		rm -rf "$LLMCOPY_TMP"
	fi
}

# The major version of the server of pg_config $1.
llmcopy_major() {
	"$1" --version | sed -n 's/^PostgreSQL \([0-9]*\).*/\1/p'
}

# The pg_config of PostgreSQL major $1: PG_CONFIG when it is of that version,
# else Debian's packaged server, else one built from source by .ci/pgbuild.sh
# (once per machine, cached under /var/cache/pg_llmcopy).
llmcopy_pg_config() {
	local major=$1 pc
	for pc in "${PG_CONFIG:-}" "/usr/lib/postgresql/$major/bin/pg_config"; do
		pc=$(command -v "$pc" 2>/dev/null) || continue
		if [ "$(llmcopy_major "$pc")" = "$major" ]; then
			echo "$pc"
			return
		fi
	done
	# built once per machine; a failed build is an error, never another server
	pc=$(bash "$(dirname "${BASH_SOURCE[0]}")/pgbuild.sh" "$major") && pc=$pc/bin/pg_config \
		&& [ "$(llmcopy_major "$pc")" = "$major" ] \
		|| { echo "PostgreSQL $major could not be built (.ci/pgbuild.sh $major)" >&2; return 1; }
	echo "$pc"
}

# A copy of the working tree (tracked and untracked files, not ignored ones)
# in build/$1, keeping the objects built there before: a build for one server
# never mixes its objects with another's, and the checkout's own build stays.
llmcopy_tree() {
	local dir=build/$1
	mkdir -p "$dir"
	find "$dir" -type f ! -name '*.o' ! -name '*.so' ! -name '*.bc' -delete
	if git rev-parse --git-dir >/dev/null 2>&1; then
		git ls-files -z -co --exclude-standard | tar --null -cf - -T - | tar -xf - -C "$dir"
	else
		# an unpacked tarball: everything but builds
		tar --exclude=./build --exclude='*.o' --exclude='*.so' --exclude='*.bc' -cf - . | tar -xf - -C "$dir"
	fi
	echo "$dir"
}
