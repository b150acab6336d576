#!/usr/bin/env bash
# Build a PostgreSQL major version (15, 17, 18) from Debian's source package
# into a cached prefix outside the checkout, once per machine:
#   .ci/pgbuild.sh 18            -> $LLMCOPY_CACHE/pg18
#   .ci/pgbuild.sh 15 valgrind   -> $LLMCOPY_CACHE/pg15vg: built for Valgrind
#       (USE_VALGRIND, assertions, -Og), with PostgreSQL's suppressions in
#       its sharedir as valgrind.supp
# The prefix is reused when its pg_config answers; contrib (pg_trgm,
# postgres_fdw, dblink) is installed with it.  Needs root for apt.
set -euo pipefail
major=$1
flavour=${2:-}
cache=${LLMCOPY_CACHE:-/var/cache/pg_llmcopy}
case $flavour in
	'') prefix=$cache/pg$major ;;
	valgrind) prefix=$cache/pg${major}vg ;;
	*) echo "pgbuild: unknown flavour \"$flavour\" (valgrind)" >&2; exit 2 ;;
esac
if [ -x "$prefix/bin/pg_config" ] && [ -f "$prefix/.complete" ]; then
	echo "$prefix"
	exit 0
fi
case $major in
	15) suite=bookworm ;;
	17) suite=trixie ;;
	18) suite=sid ;;
	*) echo "pgbuild: no source suite known for PostgreSQL $major" >&2; exit 2 ;;
esac
mkdir -p "$cache"
export DEBIAN_FRONTEND=noninteractive
need=()
pkgs=(bison flex libreadline-dev zlib1g-dev libicu-dev pkg-config build-essential libipc-run-perl)
[ "$flavour" = valgrind ] && pkgs+=(valgrind)
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	apt-get update -qq >&2
	apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi
# Debian's source package, fetched through a scratch apt configuration that
# leaves the machine's own sources alone
d=$cache/apt
mkdir -p "$d/lists/partial" "$d/cache/archives/partial" "$d/src"
k=/usr/share/keyrings/debian-archive-keyring.gpg
m=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[ -n "$m" ] || m=$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list)
for s in bookworm trixie sid; do
	printf 'deb-src [signed-by=%s] %s %s main\n' "$k" "$m" "$s"
done >"$d/sources.list"
A=(-o "Dir::Etc::SourceList=$d/sources.list" -o Dir::Etc::SourceParts=/dev/null
   -o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d/cache")
tarball=$(ls "$d/src"/postgresql-"$major"_*.orig.tar.* 2>/dev/null | head -n 1 || true)
if [ -z "$tarball" ]; then
	apt-get "${A[@]}" update -qq >&2
	if ! (cd "$d/src" && apt-get "${A[@]}" source --download-only -qq "postgresql-$major/$suite" >&2); then
		# The index can name a version the mirror has not got yet: take the
		# newest earlier minor release the pool holds, checked against the
		# SHA-256 its own .dsc gives.
		listed=$(apt-cache "${A[@]}" showsrc "postgresql-$major" | sed -n 's/^Version: //p' | head -n 1)
		up=${listed%%-*}
		rev=${listed#*-}
		minor=${up#*.}
		pool=$m/pool/main/p/postgresql-$major
		while [ "$minor" -gt 0 ]; do
			minor=$((minor - 1))
			v=$major.$minor
			dsc=postgresql-${major}_$v-$rev.dsc
			if curl -fsS -o "$d/src/$dsc" "$pool/${dsc//+/%2b}" 2>/dev/null; then
				orig=$(awk '/^Checksums-Sha256:/ {f=1; next} f && /orig.tar/ {print $1, $3; exit}' "$d/src/$dsc")
				curl -fsS -o "$d/src/${orig#* }" "$pool/${orig#* }" >&2
				echo "${orig%% *}  $d/src/${orig#* }" | sha256sum -c --quiet >&2 || { rm -f "$d/src/${orig#* }"; exit 1; }
				echo "pgbuild: $listed is not on the mirror; using $v" >&2
				break
			fi
		done
	fi
	tarball=$(ls "$d/src"/postgresql-"$major"_*.orig.tar.* | head -n 1)
fi
b=$cache/build-${prefix##*/}
rm -rf "$b"
mkdir -p "$b"
tar -xf "$tarball" -C "$b" --strip-components=1
(
	cd "$b"
	# run from a make (make test-pg17): PostgreSQL's makefiles make their
	# generated headers (utils/errcodes.h, ...) only at the top make level
	unset MAKELEVEL MAKEFLAGS MFLAGS MAKEOVERRIDES
	if [ "$flavour" = valgrind ]; then
		# palloc'd chunks marked for memcheck (undefined when allocated,
		# inaccessible when freed and past their requested size), and the
		# server's own assertions; -Og keeps the code close to the source
		set -- --enable-cassert CPPFLAGS=-DUSE_VALGRIND CFLAGS='-Og -g'
	else
		set -- CFLAGS='-O2 -g'
	fi
	./configure --prefix="$prefix" --with-icu --enable-tap-tests --without-readline \
		--enable-debug "$@" >configure.log 2>&1 || { tail -n 30 configure.log; exit 1; }
	make -s -j"$(nproc)" >make.log 2>&1 || { tail -n 40 make.log; exit 1; }
	make -s install >>make.log 2>&1
	make -s -C contrib -j"$(nproc)" install >>make.log 2>&1
	# the TAP modules (PostgreSQL::Test::Cluster) for out-of-tree TAP suites
	make -s -C src/test/perl install >>make.log 2>&1 || true
	if [ "$flavour" = valgrind ]; then
		cp src/tools/valgrind.supp "$("$prefix/bin/pg_config" --sharedir)/valgrind.supp"
	fi
) >&2
rm -rf "$b"
touch "$prefix/.complete"
echo "$prefix"
