#!/usr/bin/env bash
# The throwaway PostgreSQL: private, on a unix socket only, run as postgres, and gone
# afterwards, also when interrupted.
. "$(dirname "$0")/../lib/common.sh"
need psql
tmp=$(tm_tempdir)

out=$("$TM_TESTS/pg-temp" -- bash -c '
	echo "dir=$PGTEMP_DIR"
	echo "host=$PGHOST"
	psql -XAtc "SHOW listen_addresses"
	psql -XAtc "SELECT pg_read_file(\$\$postmaster.pid\$\$)" | head -1 | xargs -I{} ps -o user= -p {}
	psql -XAtc "SHOW data_directory"
')
ok $? "pg-temp runs a command against a new cluster"
dir=$(sed -n 's/^dir=//p' <<<"$out")
host=$(sed -n 's/^host=//p' <<<"$out")
is "$host" "$dir/sock" "PGHOST is the cluster's private socket directory"
is "$(sed -n 3p <<<"$out")" "" "the server listens on no TCP address"
if [ "$(id -u)" -eq 0 ]; then
	is "$(sed -n 4p <<<"$out")" "postgres" "as root, the server runs as postgres"
fi
is "$(sed -n 5p <<<"$out")" "$dir/data" "the data directory is inside the temp dir"
[ -e "$dir" ] && left=1 || left=0
is "$left" 0 "the cluster is removed afterwards"

"$TM_TESTS/pg-temp" -- psql -XAtc "SELECT 1/0" >/dev/null 2>&1
is $? 1 "the command's exit status is passed on"

# Interrupted: SIGTERM to pg-temp stops the server and removes the directory.
"$TM_TESTS/pg-temp" -- bash -c "echo \$PGTEMP_DIR > $tmp/dir; sleep 600 & wait" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do
	[ -s "$tmp/dir" ] && break
	sleep 0.1
done
dir=$(cat "$tmp/dir")
postmaster=$(head -1 "$dir/data/postmaster.pid")
kill -TERM "$pid"
wait "$pid" 2>/dev/null
[ -e "$dir" ] && left=1 || left=0
is "$left" 0 "SIGTERM removes the cluster directory"
pid_alive "$postmaster" && alive=1 || alive=0
is "$alive" 0 "SIGTERM stops the server"

# start/stop for clusters that outlive one command (the demo uses this).
eval "$("$TM_TESTS/pg-temp" start "$tmp/keep")"
is "$(psql -XAtc 'SELECT 42')" 42 "pg-temp start leaves a cluster running"
"$TM_TESTS/pg-temp" stop "$tmp/keep"
[ -e "$tmp/keep" ] && left=1 || left=0
is "$left" 0 "pg-temp stop removes it"
done_testing
