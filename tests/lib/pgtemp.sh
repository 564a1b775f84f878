# pgtemp.sh: a throwaway PostgreSQL cluster for tests and the demo (source this file).
#
#   pgtemp_start [DIR] [LISTEN_ADDRESSES]
#       initdb in DIR (default: a new temp dir), start on a unix socket in DIR/sock with a
#       free port, and export PGHOST PGPORT PGUSER PGDATABASE (and PGTEMP_DIR). With
#       LISTEN_ADDRESSES the server also listens on TCP there (trust auth for local nets).
#   pgtemp_stop
#       stop the server and remove DIR.
#
# The server runs from TM_PGROOT (a private installation made by tests/pg-root, with our
# extension installed into it) when that is set, else from the system installation. As root
# it runs as the `postgres` user. Callers install a trap that calls pgtemp_stop; the
# `pg-temp` command does that for you.

PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}

# Run a PostgreSQL server program as the user that may own the cluster.
pgtemp_as_owner() {
	if [ "$(command id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# A TCP port nobody listens on, so a cluster that also listens on TCP can start.
pgtemp_free_port() {
	local port
	for port in $(shuf -i 20000-59999 -n 50); do
		if ! ss -Hltn "sport = :$port" 2>/dev/null | grep -q .; then
			echo "$port"
			return 0
		fi
	done
	echo "pg-temp: no free TCP port found" >&2
	return 1
}

pgtemp_start() {
	local dir=${1:-}
	local listen=${2:-}
	local bindir
	bindir=${TM_PGROOT:-}$("$PG_CONFIG" --bindir)
	if [ ! -x "$bindir/postgres" ]; then
		echo "pg-temp: no PostgreSQL server at $bindir (run make deps, or make pgroot)" >&2
		return 1
	fi
	if [ -z "$dir" ]; then
		dir=$(mktemp -d "${TMPDIR:-/tmp}/tm-pg.XXXXXX")
	fi
	mkdir -p "$dir/sock"
	chmod 0755 "$dir"
	chmod 0700 "$dir/sock"
	if [ "$(command id -u)" -eq 0 ]; then
		chown -R postgres: "$dir"
	fi
	local port
	port=$(pgtemp_free_port) || return 1
	if ! pgtemp_as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 \
		--locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1; then
		echo "pg-temp: initdb failed; see $dir/initdb.log" >&2
		cat "$dir/initdb.log" >&2
		return 1
	fi
	cat >>"$dir/data/postgresql.conf" <<-EOF
		listen_addresses = '${listen}'
		port = $port
		unix_socket_directories = '$dir/sock'
		unix_socket_permissions = 0700
		fsync = off
		synchronous_commit = off
		full_page_writes = off
		max_worker_processes = 8
		max_parallel_workers_per_gather = 2
		shared_buffers = 256MB
		work_mem = 64MB
		maintenance_work_mem = 256MB
		timezone = 'UTC'
		log_min_messages = warning
	EOF
	if [ -n "$listen" ]; then
		echo "host all all 0.0.0.0/0 trust" >>"$dir/data/pg_hba.conf"
		echo "host all all ::/0 trust" >>"$dir/data/pg_hba.conf"
	fi
	if ! pgtemp_as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null; then
		echo "pg-temp: the server did not start; its log follows ($dir/server.log)" >&2
		cat "$dir/server.log" >&2
		return 1
	fi
	export PGTEMP_DIR=$dir PGTEMP_BINDIR=$bindir
	export PGHOST=$dir/sock PGPORT=$port PGUSER=postgres PGDATABASE=postgres
	unset PGSERVICE PGPASSWORD PGHOSTADDR
}

pgtemp_stop() {
	local dir=${PGTEMP_DIR:-}
	if [ -z "$dir" ] || [ ! -d "$dir" ]; then
		return 0
	fi
	if [ -f "$dir/data/postmaster.pid" ]; then
		pgtemp_as_owner "$PGTEMP_BINDIR/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
	unset PGTEMP_DIR
}
