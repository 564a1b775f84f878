#!/usr/bin/env bash
# Upgrades the ltree way: installing the oldest shipped version and running ALTER EXTENSION
# trafficmap UPDATE gives exactly the objects a fresh install of the default version has.
. "$(dirname "$0")/../lib/common.sh"
need psql
[ -n "${TM_PGROOT:-}" ] || bail "TM_PGROOT is not set (run through make check)"
tm_pg

extdir=$TM_PGROOT$("$PG_CONFIG" --sharedir)/extension
default=$(sed -n "s/^default_version[[:space:]]*=[[:space:]]*'\([^']*\)'/\1/p" "$extdir/trafficmap.control")
oldest=$(ls "$extdir" | sed -n 's/^trafficmap--\([^-]*\)\.sql$/\1/p' | sort -V | head -1)
[ -n "$oldest" ] || bail "no trafficmap install script in $extdir"
diag "oldest install script: $oldest, default version: $default"

createdb upgraded && createdb fresh || bail "createdb failed"
psql -X -q -v ON_ERROR_STOP=1 -d upgraded \
	-c "CREATE EXTENSION trafficmap VERSION '$oldest' CASCADE" \
	-c "ALTER EXTENSION trafficmap UPDATE"
ok $? "CREATE EXTENSION trafficmap VERSION '$oldest' then ALTER EXTENSION UPDATE"
psql -X -q -v ON_ERROR_STOP=1 -d fresh -c "CREATE EXTENSION trafficmap CASCADE"
ok $? "CREATE EXTENSION trafficmap (default version)"

is "$(psql -XAt -d upgraded -c "SELECT extversion FROM pg_extension WHERE extname = 'trafficmap'")" \
	"$default" "the upgraded database is at the default version"

dump() {
	psql -XAt -d "$1" -f "$TM_TESTS/lib/extension-objects.sql"
}
n=$(dump fresh | grep -c 'trafficmap_version')
ok $([ "$n" -gt 0 ] && echo 0 || echo 1) "the object listing shows the extension's objects"
if diff <(dump upgraded) <(dump fresh) >/dev/null; then
	ok 0 "the upgraded schema equals a fresh install"
else
	ok 1 "the upgraded schema equals a fresh install"
	diag "$(diff <(dump upgraded) <(dump fresh) | head -40)"
fi
done_testing
