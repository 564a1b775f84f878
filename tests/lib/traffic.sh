# traffic.sh: real traffic from real programs between namespace hosts, recorded by tcpdump
# (source after common.sh and netns.sh; needs root).
#
#   traffic_servers I ADDR DIR        in host I, on ADDR: an HTTP server (python3 -m http.server,
#                                     port 8000), a DNS server (dnsmasq, port 53), PostgreSQL
#                                     (port in DIR/pgport) and a UDP peer (nc -u, port 9999)
#   traffic_clients I ADDR DIR        in host I, against those: curl, dig, psql, nc -u
#   traffic_capture_start NS DIR ARGS start tcpdump in namespace NS writing DIR/capture.pcap
#   traffic_capture_stop DIR          stop it (it writes out what it holds)
#   traffic_dumpcap_start NS DIR IF...  dumpcap on several interfaces: DIR/capture.pcapng
#   traffic_dumpcap_stop DIR

TRAFFIC_HTTP_PORT=8000
TRAFFIC_UDP_PORT=9999

# Wait until something listens on PROTO (t or u) PORT in host I.
traffic_wait_port() {
	local i=$1 proto=$2 port=$3
	for _ in $(seq 100); do
		netns_exec "$i" ss -Hln"$proto" "sport = :$port" | grep -q . && return 0
		sleep 0.1
	done
	echo "traffic: nothing listens on $proto/$port in host $i" >&2
	return 1
}

traffic_servers() {
	local i=$1 addr=$2 dir=$3 port
	mkdir -p "$dir/www" "$dir/pg"
	echo "hello from the test web server" >"$dir/www/index.html"
	netns_spawn "$i" /usr/bin/python3 -m http.server "$TRAFFIC_HTTP_PORT" --bind "$addr" --directory "$dir/www" >/dev/null
	netns_spawn "$i" dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
		--bind-interfaces --listen-address="$addr" --port=53 --user=root --pid-file= \
		--address=/db.example.test/10.99.0.1 >/dev/null
	netns_exec "$i" bash -c ". '$TM_TESTS/lib/pgtemp.sh' && pgtemp_start '$dir/pg' '$addr' && echo \$PGPORT >'$dir/pgport'" ||
		return 1
	on_exit "runuser -u postgres -- '$PGTEMP_BINDIR/pg_ctl' -D '$dir/pg/data' -m immediate -w stop >/dev/null 2>&1 || true"
	port=$(cat "$dir/pgport")
	netns_spawn "$i" sh -c "(sleep 3; echo pong) | nc -u -l '$addr' $TRAFFIC_UDP_PORT" >/dev/null
	traffic_wait_port "$i" t "$TRAFFIC_HTTP_PORT" && traffic_wait_port "$i" u 53 &&
		traffic_wait_port "$i" t "$port" && traffic_wait_port "$i" u "$TRAFFIC_UDP_PORT"
}

# Each client exchange; a failure is reported by the caller's TAP line.
traffic_clients() {
	local i=$1 addr=$2 dir=$3 url=$2
	case "$addr" in *:*) url="[$addr]" ;; esac
	netns_exec "$i" curl -sS --max-time 10 "http://$url:$TRAFFIC_HTTP_PORT/" >"$dir/curl.out" &&
		netns_exec "$i" dig +time=3 +tries=1 +short "@$addr" db.example.test A >"$dir/dig.out" &&
		netns_exec "$i" psql -X -At -h "$addr" -p "$(cat "$dir/pgport")" -U postgres -d postgres \
			-c "SELECT 'psql over tcp'" >"$dir/psql.out" &&
		echo ping | netns_exec "$i" nc -u -w 5 "$addr" "$TRAFFIC_UDP_PORT" >"$dir/udp.out"
}

# tcpdump in a namespace: --immediate-mode hands over each packet at once (so none is left
# in the kernel's buffer when it stops), -U writes it at once, -Z root writes into our dir.
traffic_capture_start() {
	local ns=$1 dir=$2 pid
	shift 2
	: >"$dir/tcpdump.err"
	ip netns exec "$ns" tcpdump -n --immediate-mode -U -Z root -w "$dir/capture.pcap" "$@" 2>"$dir/tcpdump.err" &
	pid=$!
	echo "$pid" >"$dir/tcpdump.pid"
	on_exit "kill $pid 2>/dev/null || true"
	for _ in $(seq 100); do
		grep -q "listening on" "$dir/tcpdump.err" && return 0
		sleep 0.1
	done
	echo "traffic: tcpdump did not start: $(cat "$dir/tcpdump.err")" >&2
	return 1
}

traffic_capture_stop() {
	local dir=$1 pid
	pid=$(cat "$dir/tcpdump.pid")
	sleep 0.5
	kill -INT "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	grep -q "packets captured" "$dir/tcpdump.err"
}

# dumpcap (Wireshark's capture engine) writes pcapng, one interface block per -i.
traffic_dumpcap_start() {
	local ns=$1 dir=$2 i args=() pid
	shift 2
	for i in "$@"; do
		args+=(-i "$i")
	done
	: >"$dir/dumpcap.err"
	ip netns exec "$ns" dumpcap -n "${args[@]}" -w "$dir/capture.pcapng" 2>"$dir/dumpcap.err" &
	pid=$!
	echo "$pid" >"$dir/dumpcap.pid"
	on_exit "kill $pid 2>/dev/null || true"
	for _ in $(seq 100); do
		grep -q "^Capturing on" "$dir/dumpcap.err" && return 0
		sleep 0.1
	done
	echo "traffic: dumpcap did not start: $(cat "$dir/dumpcap.err")" >&2
	return 1
}

traffic_dumpcap_stop() {
	local dir=$1 pid
	pid=$(cat "$dir/dumpcap.pid")
	sleep 1.5
	kill -INT "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	grep -q "^Packets" "$dir/dumpcap.err"
}
