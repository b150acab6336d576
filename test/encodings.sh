#!/usr/bin/env bash
# pg_llmcopy in databases of other server encodings than UTF-8: CREATE
# EXTENSION, then test/encodings.sql, whose every line must read (through a
# UTF-8 client) as in a UTF-8 database, but for what the encoding lacks: the
# ellipsis of an excerpt ("..." in LATIN1) and the en dash of a license's
# name ("-" in LATIN1 and EUC_JP).  Runs on the server of $PGHOST/$PGPORT.
set -uo pipefail
cd "$(dirname "$0")/.."
export PGCLIENTENCODING=UTF8
out=$(mktemp -d)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$out"' EXIT
status=0

run() {    # run ENCODING: the script's output in a new database of that encoding
	local db=llmcopy_enc_$(echo "$1" | tr 'A-Z' 'a-z')
	dropdb --if-exists "$db" >/dev/null 2>&1
	createdb -E "$1" --lc-collate=C --lc-ctype=C -T template0 "$db" &&
		psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c 'CREATE EXTENSION pg_llmcopy' >"$out/$1" 2>&1 &&
		psql -X -q -d "$db" -f test/encodings.sql >>"$out/$1" 2>&1
	local rc=$?
	dropdb --if-exists "$db" >/dev/null 2>&1
	return $rc
}

fail() { echo "encodings: $*" >&2; status=1; }

run UTF8 || fail "UTF8: $(tail -n 3 "$out/UTF8" 2>/dev/null)"
# what the UTF-8 database itself must show
for want in 'encoding|f' 'Müller' '|Licence Libre du Québec – Réciprocité version 1.1' \
	'license_note|license text §4 (NOTICE)' 'rule_note|EPL 2.0 §3 when' 'comment||a & b| / (|a| + prior)' \
	'findings|1:w1:Apache-2.0,2:w2:?' 'recorded as &ldquo;my own terms&rdquo;' 'Zoë Müller' \
	'require &middot; pg_llmcopy' "<mark class='m c1' data-f='o1f1'" 'la table en bois: la clause §4 du contrat'; do
	grep -qF -- "$want" "$out/UTF8" || fail "UTF8: no \"$want\""
done
grep -qE '^span\|[0-9]+\|[0-9]+\|1\|[0-9]+\|.{200}…$' "$out/UTF8" || fail "UTF8: no excerpt cut with an ellipsis"
[ "$(grep -c '^report' "$out/UTF8")" -eq 2 ] || fail "UTF8: not two reports"

for enc in EUC_JP LATIN1 WIN1252 SQL_ASCII; do
	if ! run "$enc"; then
		fail "$enc: $(tail -n 3 "$out/$enc")"
		continue
	fi
	case $enc in
		LATIN1) subst='s/…/.../g; s/–/-/g' ;;
		EUC_JP) subst='s/–/-/g' ;;
		*) subst='' ;;
	esac
	sed -e "$subst" -e 's/^encoding|f$/encoding|t/' "$out/UTF8" >"$out/$enc.want"
	grep -n 'ERROR' "$out/$enc" >&2 && fail "$enc: errors"
	if [ "$enc" = SQL_ASCII ]; then
		# SQL's own string functions count bytes there, not the characters
		# that span positions count: the report leaves out passages after a
		# non-ASCII character (README, Limitations), and is not compared
		sed -i '/^report1|/,$d' "$out/$enc.want" "$out/$enc"
	fi
	if ! diff -u "$out/$enc.want" "$out/$enc" >"$out/$enc.diff"; then
		fail "$enc differs from UTF8:"
		head -c 3000 "$out/$enc.diff" >&2
		echo >&2
	fi
	# no mojibake: UTF-8 read as LATIN1 or WIN1252 would show as these
	grep -nE 'Ã|Â|â€' "$out/$enc" >&2 && fail "$enc: mojibake"
done
exit $status
