# capture.sh: helpers for tests of `trafficmap load` (source after common.sh, with tm_pg run).
#
#   capture_db                       create the trafficmap extension in $PGDATABASE
#   capture_sha FILE                 the SHA-256 of FILE's decompressed bytes
#   capture_id FILE                  the captures.id stored for FILE's bytes ("" if none)
#   capture_oracle FILE OUT [TSHARK-ARG...]   the oracle's output for FILE into OUT
#   capture_check_oracle FILE ID OUT  TAP: capture ID equals that output
#   capture_check FILE ID [TSHARK-ARG...]
#                                    TAP: the edges and counts stored as capture ID equal what
#                                    the tshark oracle (tests/oracle/tshark-edges) gives for
#                                    FILE, and packets = edge packets + skipped_packets
#   capture_invariant ID             TAP: packets = edge packets + skipped_packets
#   capture_diff ID EDGES [notimes]  the differences between stored edges and an edges file

TM_ORACLE=$TM_TESTS/oracle/tshark-edges

capture_db() {
	psql -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION IF NOT EXISTS trafficmap CASCADE" ||
		bail "CREATE EXTENSION trafficmap failed"
}

capture_sha() {
	gzip -dcf "$1" 2>/dev/null | sha256sum | cut -d' ' -f1
}

capture_id() {
	psql -XAt -c "SELECT id FROM trafficmap.captures WHERE sha256 = '$(capture_sha "$1")'"
}

capture_invariant() {
	local got
	got=$(psql -XAt -c "SELECT c.packets = c.skipped_packets + coalesce(sum(t.c2s_packets + t.s2c_packets), 0)
		FROM trafficmap.captures c LEFT JOIN trafficmap.traffic t ON t.capture_id = c.id
		WHERE c.id = $1 GROUP BY c.id")
	is "$got" "t" "capture $1: packets = edge packets + skipped_packets"
}

# The differences between capture ID's stored edges and an edges file (oracle columns; with
# "notimes", the file has no first/last columns). Empty when they are equal.
capture_diff() {
	local id=$1 file=$2 mode=${3:-times} cols times
	cols="proto text, client inet, server inet, server_port int, conns bigint, c2s_packets bigint,
		c2s_bytes bigint, s2c_packets bigint, s2c_bytes bigint"
	times="(extract(epoch FROM first_seen) * 1000000)::bigint AS first_us,
		(extract(epoch FROM last_seen) * 1000000)::bigint AS last_us,"
	if [ "$mode" = times ]; then
		cols="$cols, first_us bigint, last_us bigint"
	else
		times=""
	fi
	psql -XAtq -v ON_ERROR_STOP=1 <<-EOF 2>&1
		CREATE TEMP TABLE want ($cols, syns bigint, fins bigint, rsts bigint);
		\copy want FROM '$file'
		CREATE TEMP VIEW loaded AS
			SELECT proto, client, server, server_port, conns, c2s_packets, c2s_bytes, s2c_packets,
			       s2c_bytes, $times syns, fins, rsts
			  FROM trafficmap.traffic WHERE capture_id = $id;
		SELECT 'expected only: ' || w::text FROM (SELECT * FROM want EXCEPT ALL SELECT * FROM loaded) w
		UNION ALL
		SELECT 'stored only:   ' || l::text FROM (SELECT * FROM loaded EXCEPT ALL SELECT * FROM want) l;
	EOF
}

# Run the oracle on FILE (gzip'd or not) into OUT; extra arguments go to tshark.
capture_oracle() {
	local file=$1 out=$2 targ=() a
	shift 2
	for a in "$@"; do
		targ+=(--tshark-arg "$a")
	done
	gzip -dcf "$file" >"$out.cap" 2>/dev/null # a cut gzip stream still gives its bytes
	"$TM_ORACLE" "${targ[@]}" "$out.cap" >"$out"
	local status=$?
	rm -f "$out.cap"
	return $status
}

# TAP: capture ID equals the oracle output ORACLE (from capture_oracle) for FILE.
capture_check_oracle() {
	local file=$1 id=$2 oracle=$3 name counts want
	name=$(basename "$file")
	if [ -z "$id" ]; then
		ok 1 "$name: was loaded"
		return
	fi
	want=$(sed -n 's/^#counts\t//p' "$oracle" | tr '\t' ' ')
	grep -v '^#' "$oracle" >"$oracle.edges"
	is "$(capture_diff "$id" "$oracle.edges")" "" \
		"$name: the $(wc -l <"$oracle.edges") edges stored as capture $id equal the tshark oracle's"
	counts=$(psql -XAt -F' ' -c "SELECT packets, bytes, skipped_not_ip, skipped_truncated, skipped_malformed,
		skipped_duplicate FROM trafficmap.captures WHERE id = $id")
	is "$counts" "$want" "$name: packets, bytes and skipped counts (not IP, truncated, malformed, duplicate) equal the oracle's"
	capture_invariant "$id"
	rm -f "$oracle.edges"
}

capture_check() {
	local file=$1 id=$2 out
	shift 2
	out=$(mktemp "${TMPDIR:-/tmp}/tm-oracle.XXXXXX")
	if capture_oracle "$file" "$out" "$@"; then
		capture_check_oracle "$file" "$id" "$out"
	else
		ok 1 "$(basename "$file"): the tshark oracle ran"
	fi
	rm -f "$out"
}
