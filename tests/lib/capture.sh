# capture.sh: helpers for tests of `trafficmap load` (source after common.sh, with tm_pg run).
#
#   capture_db                       create the trafficmap extension in $PGDATABASE
#   capture_sha FILE                 the SHA-256 of FILE's decompressed bytes
#   capture_id FILE                  the captures.id stored for FILE's bytes ("" if none)
#   capture_check FILE ID [TSHARK-ARG...]
#                                    TAP: the edges and counts stored as capture ID equal what
#                                    the tshark oracle (tests/oracle/tshark-edges) gives for
#                                    FILE, and packets = edge packets + skipped_packets
#   capture_invariant ID             TAP: packets = edge packets + skipped_packets

TM_ORACLE=$TM_TESTS/oracle/tshark-edges

capture_db() {
	psql -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION IF NOT EXISTS trafficmap CASCADE" ||
		bail "CREATE EXTENSION trafficmap failed"
}

capture_sha() {
	gzip -dcf "$1" | sha256sum | cut -d' ' -f1
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

capture_check() {
	local file=$1 id=$2 name out diff counts want targ=()
	shift 2
	name=$(basename "$file")
	for a in "$@"; do
		targ+=(--tshark-arg "$a")
	done
	if [ -z "$id" ]; then
		ok 1 "$name: was loaded"
		return
	fi
	out=$(mktemp "${TMPDIR:-/tmp}/tm-oracle.XXXXXX")
	if ! gzip -dcf "$file" >"$out.cap" || ! "$TM_ORACLE" "${targ[@]}" "$out.cap" >"$out"; then
		ok 1 "$name: the tshark oracle ran"
		rm -f "$out" "$out.cap"
		return
	fi
	want=$(sed -n 's/^#counts\t//p' "$out" | tr '\t' ' ')
	grep -v '^#' "$out" >"$out.edges"
	diff=$(psql -XAtq -v ON_ERROR_STOP=1 <<-EOF 2>&1
		CREATE TEMP TABLE oracle (proto text, client inet, server inet, server_port int, conns bigint,
			c2s_packets bigint, c2s_bytes bigint, s2c_packets bigint, s2c_bytes bigint,
			first_us bigint, last_us bigint, syns bigint, fins bigint, rsts bigint);
		\copy oracle FROM '$out.edges'
		CREATE TEMP VIEW loaded AS
			SELECT proto, client, server, server_port, conns, c2s_packets, c2s_bytes, s2c_packets,
			       s2c_bytes, (extract(epoch FROM first_seen) * 1000000)::bigint AS first_us,
			       (extract(epoch FROM last_seen) * 1000000)::bigint AS last_us, syns, fins, rsts
			  FROM trafficmap.traffic WHERE capture_id = $id;
		SELECT 'oracle only: ' || o::text FROM (SELECT * FROM oracle EXCEPT ALL SELECT * FROM loaded) o
		UNION ALL
		SELECT 'loaded only: ' || l::text FROM (SELECT * FROM loaded EXCEPT ALL SELECT * FROM oracle) l;
	EOF
	)
	is "$diff" "" "$name: the $(wc -l <"$out.edges") edges stored as capture $id equal the tshark oracle's"
	counts=$(psql -XAt -F' ' -c "SELECT packets, bytes, skipped_not_ip, skipped_truncated, skipped_malformed,
		skipped_duplicate FROM trafficmap.captures WHERE id = $id")
	is "$counts" "$want" "$name: packets, bytes and skipped counts (not IP, truncated, malformed, duplicate) equal the oracle's"
	capture_invariant "$id"
	rm -f "$out" "$out.cap" "$out.edges"
}
