#!/usr/bin/env bash
# `trafficmap collect` against six real sshd hosts at once, with real traffic between them
# during the capture (curl to an HTTP server, dig to dnsmasq, psql to PostgreSQL over TCP, a
# UDP exchange): every host is ok, and each host's edges equal what the tshark oracle finds
# for that host in a tcpdump of the bridge they all hang on. One host needs a sudo password,
# given through TRAFFICMAP_SUDO_PASSWORD: it reaches no command line, file, log or table.
# Authentication goes through an ssh-agent; --keep-pcap keeps the very bytes aggregated.
. "$(dirname "$0")/../lib/common.sh"
. "$TM_TESTS/lib/netns.sh"
. "$TM_TESTS/lib/sshd.sh"
. "$TM_TESTS/lib/collect.sh"
need ip sshd ssh-keygen ssh-agent ssh-add tcpdump tshark sudo openssl curl dig dnsmasq psql gzip sha256sum
[ -x /usr/bin/python3 ] || bail "needs /usr/bin/python3"
[ "$(id -u)" -eq 0 ] || bail "network namespaces and sshd need root"
[ -x "$TM_LOADER" ] || bail "no loader at $TM_LOADER (run make check)"
netns_reap

SECONDS_CAPTURE=5
PW="tm-sudo-pw-$$-$RANDOM-qz"
tmp=$(tm_tempdir)
tm_pg
collect_q "CREATE EXTENSION trafficmap CASCADE" || bail "CREATE EXTENSION failed"

# h1 collects; h2 web, h3 dns, h4 PostgreSQL, h5 UDP echo (sudo with a password), h6 and h7
# clients. Every host but h1 runs sshd.
netns_setup 7 || bail "netns_setup failed"
sshd_setup
sshd_user tmcap nopasswd
sshd_user tmpw "password:$PW"
for i in 2 3 4 5 6 7; do
	sshd_start "$i"
done
a() { netns_addr "$1"; }

mkdir -p "$tmp/www"
echo "hello from h2" >"$tmp/www/index.html"
netns_spawn 2 /usr/bin/python3 -m http.server 8080 --bind "$(a 2)" --directory "$tmp/www" >/dev/null
netns_spawn 3 dnsmasq --keep-in-foreground --no-resolv --no-hosts --conf-file=/dev/null \
	--listen-address="$(a 3)" --bind-interfaces --port=53 --pid-file="$tmp/dnsmasq.pid" \
	--address=/web.test/"$(a 2)" >/dev/null
cat >"$tmp/udp-echo.py" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 9999))
while True:
    data, peer = s.recvfrom(2048)
    s.sendto(data, peer)
EOF
cat >"$tmp/udp-client.py" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
got = 0
for i in range(3):
    s.sendto(b"ping %d" % i, (sys.argv[1], 9999))
    got += s.recvfrom(2048)[0] == b"ping %d" % i
print(got)
EOF
netns_spawn 5 /usr/bin/python3 "$tmp/udp-echo.py" "$(a 5)" >/dev/null
pgdir=$NETNS_DIR/pg-h4
pgenv=$(netns_exec 4 "$TM_TESTS/pg-temp" start "$pgdir" "$(a 4)") || bail "PostgreSQL on h4 did not start"
on_exit "'$TM_TESTS/pg-temp' stop '$pgdir'"
pgport=$(sed -n 's/.*PGPORT=\([0-9]*\).*/\1/p' <<<"$pgenv")
for _ in $(seq 50); do
	netns_exec 3 ss -Hlun 'sport = :53' | grep -q . && netns_exec 2 ss -Hltn 'sport = :8080' | grep -q . &&
		netns_exec 5 ss -Hlun 'sport = :9999' | grep -q . && break
	sleep 0.1
done

# The collector authenticates through an agent holding its key.
agent_sock=$tmp/agent.sock
eval "$(ssh-agent -a "$agent_sock" -s)" >/dev/null || bail "ssh-agent did not start"
on_exit "kill $SSH_AGENT_PID"
ssh-add -q "$SSHD_KEY" 2>/dev/null || bail "ssh-add failed"

known=$tmp/known_hosts
sshd_known_hosts "$known" 2 3 4 5 6 7
printf 'tmcap@%s\ntmcap@%s\ntmcap@%s\ntmpw@%s\ntmcap@%s\ntmcap@%s\n' "$(a 2)" "$(a 3)" "$(a 4)" "$(a 5)" "$(a 6)" "$(a 7)" >"$tmp/hosts"
mkdir -p "$tmp/keep"

# The oracle's view: everything that crosses the bridge during the run.
ip netns exec "$(netns_switch)" tcpdump -i br0 --immediate-mode -U -n -s 128 -w "$tmp/bridge.pcap" 2>"$tmp/bridge.log" &
bridge=$!
on_exit "kill -INT $bridge 2>/dev/null"
for _ in $(seq 100); do
	[ -s "$tmp/bridge.pcap" ] && break
	sleep 0.05
done

TRAFFICMAP_SUDO_PASSWORD=$PW netns_exec 1 "$TM_LOADER" collect --hosts "$tmp/hosts" \
	--known-hosts "$known" --seconds "$SECONDS_CAPTURE" --connect-timeout 5 --keep-pcap "$tmp/keep" \
	</dev/null >"$tmp/collect.out" 2>"$tmp/collect.err" &
collector=$!

# Is the password in any process's command line? Read in bash, so no scanner's own
# arguments hold it.
in_cmdline=0
scan_cmdlines() {
	local f word
	for f in /proc/[0-9]*/cmdline; do
		while IFS= read -r -d '' word; do
			[[ $word == *"$PW"* ]] && in_cmdline=1
		done 2>/dev/null <"$f"
	done
}

collect_wait_capturing 2 3 4 5 6 7
scan_cmdlines

body=$(netns_exec 6 curl -sS --max-time 3 "http://$(a 2):8080/index.html")
is "$body" "hello from h2" "h6 fetched a page from h2 over HTTP"
answer=$(netns_exec 6 dig +short +tries=1 +time=2 @"$(a 3)" web.test A)
is "$answer" "$(a 2)" "h6 resolved a name with dnsmasq on h3"
one=$(netns_exec 6 psql -XAt -h "$(a 4)" -p "$pgport" -U postgres -d postgres -c 'SELECT 1')
is "$one" 1 "h6 queried PostgreSQL on h4 over TCP"
echoed=$(netns_exec 7 /usr/bin/python3 "$tmp/udp-client.py" "$(a 5)")
is "$echoed" 3 "h7 exchanged 3 UDP datagrams with h5"
body=$(netns_exec 7 curl -sS --max-time 3 "http://$(a 2):8080/")
is "$body" "hello from h2" "h7 fetched the index page from h2"
scan_cmdlines

wait "$collector"
status=$?
is "$status" 0 "collect exits 0 when every host is ok"
[ "$status" -eq 0 ] || diag "$(cat "$tmp/collect.err")"
kill -INT "$bridge"
wait "$bridge" 2>/dev/null

run=$(collect_q "SELECT max(id) FROM trafficmap.collect_runs")
is "$(collect_q "SELECT hosts, ok, failed, ended IS NOT NULL FROM trafficmap.collect_runs WHERE id = $run")" \
	"6|6|0|t" "collect_runs counts 6 hosts, 6 ok, and has ended"
is "$(collect_q "SELECT string_agg(host || '=' || status, ' ' ORDER BY host) FROM trafficmap.collect_hosts WHERE run_id = $run")" \
	"$(a 2)=ok $(a 3)=ok $(a 4)=ok $(a 5)=ok $(a 6)=ok $(a 7)=ok" "every host's status is ok"
like "$(collect_q "SELECT detail FROM trafficmap.collect_hosts WHERE run_id = $run AND host = '$(a 5)'")" \
	"packets captured" "detail keeps tcpdump's closing counts"
is "$(collect_q "SELECT count(*) FROM trafficmap.captures c JOIN trafficmap.collect_hosts h ON h.capture_id = c.id
	WHERE h.run_id = $run AND c.run_id = $run AND c.source = h.host AND c.capturing_host = h.address AND c.status = 'complete'")" \
	6 "each host has its complete capture: source = the host, capturing_host = its address, run_id = the run"

# Host stats: the namespaces share the machine's kernel, so /proc here is the oracle.
memtotal=$(($(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo) * 1024))
is "$(collect_q "SELECT count(*) FROM trafficmap.host_stats WHERE run_id = $run AND mem_total = $memtotal
	AND mem_available > 0 AND load1 >= 0 AND abs(uptime_s + extract(epoch FROM now() - collected_at) - $(cut -d' ' -f1 /proc/uptime)) < 30")" \
	6 "host_stats holds every host's uptime, load and memory as /proc shows them"

# The edges: per host, what its capture stored equals the oracle's edges of that host.
"$TM_TESTS/oracle/tshark-edges" "$tmp/bridge.pcap" | grep -v '^#' >"$tmp/oracle.tsv"
ok $? "the tshark oracle read the bridge capture"
collect_q "CREATE TABLE oracle (proto text, client inet, server inet, server_port int, conns bigint,
	c2s_packets bigint, c2s_bytes bigint, s2c_packets bigint, s2c_bytes bigint, first_us bigint,
	last_us bigint, syns bigint, fins bigint, rsts bigint)"
psql -Xq -c "\\copy oracle FROM '$tmp/oracle.tsv'"
cols="proto, client, server, server_port, conns, c2s_packets, c2s_bytes, s2c_packets, s2c_bytes, syns, fins, rsts"
for i in 2 3 4 5 6 7; do
	h=$(a "$i")
	mine="(client = '$h' OR server = '$h') AND proto IN ('tcp', 'udp') AND NOT (client = '$(a 1)' AND server_port = 22)"
	diff=$(collect_q "
		WITH want AS (SELECT $cols FROM oracle WHERE $mine),
		     got AS (SELECT $cols FROM trafficmap.traffic t JOIN trafficmap.collect_hosts c ON c.capture_id = t.capture_id
		             WHERE c.run_id = $run AND c.host = '$h' AND $mine)
		SELECT 'oracle only: ' || w::text FROM (SELECT * FROM want EXCEPT ALL SELECT * FROM got) w
		UNION ALL SELECT 'stored only: ' || g::text FROM (SELECT * FROM got EXCEPT ALL SELECT * FROM want) g")
	n=$(collect_q "SELECT count(*) FROM oracle WHERE $mine")
	is "$diff" "" "h$i: its $n TCP/UDP edges equal the oracle's over the bridge capture"
done
is "$(collect_q "SELECT string_agg(DISTINCT proto || ':' || server_port, ' ' ORDER BY proto || ':' || server_port) FROM oracle
	WHERE proto IN ('tcp', 'udp') AND client <> '$(a 1)'")" "tcp:$pgport tcp:8080 udp:53 udp:9999" \
	"the oracle saw the HTTP, PostgreSQL, DNS and UDP traffic"
is "$(collect_q "SELECT count(*) FROM trafficmap.traffic t JOIN trafficmap.captures c ON c.id = t.capture_id
	WHERE c.run_id = $run AND t.proto = 'tcp' AND t.server_port = 22")" 0 \
	"no capture holds the collector's own SSH connections"
is "$(collect_q "SELECT count(*) FROM trafficmap.captures c WHERE run_id = $run AND packets <> skipped_packets +
	(SELECT coalesce(sum(c2s_packets + s2c_packets), 0) FROM trafficmap.traffic t WHERE t.capture_id = c.id)")" 0 \
	"every capture accounts for each packet: packets = edge packets + skipped"

# --keep-pcap kept exactly the bytes that were aggregated.
kept=0
for i in 2 3 4 5 6 7; do
	f=$tmp/keep/run$run-$(a "$i").pcap.gz
	[ -f "$f" ] && [ "$(gzip -dc "$f" | sha256sum | cut -d' ' -f1)" = \
		"$(collect_q "SELECT c.sha256 FROM trafficmap.captures c JOIN trafficmap.collect_hosts h ON h.capture_id = c.id WHERE h.run_id = $run AND h.host = '$(a "$i")'")" ] &&
		kept=$((kept + 1))
done
is "$kept" 6 "--keep-pcap kept each host's stream gzip'd, with the SHA-256 of the stored capture"
is "$(stat -c %a "$tmp/keep/run$run-$(a 2).pcap.gz")" 600 "kept captures are readable by their owner only"

# The password went to the channel's stdin only.
is "$in_cmdline" 0 "the sudo password appeared in no /proc/*/cmdline during the run"
grep -rqaF -- "$PW" "$tmp" "$NETNS_DIR" "$PGTEMP_DIR" 2>/dev/null && found=1 || found=0
is "$found" 0 "the sudo password is in no file: test dirs, sshd and collector logs, kept captures, PostgreSQL's files"
"$PGTEMP_BINDIR/pg_dump" 2>/dev/null | grep -qF -- "$PW" && found=1 || found=0
dumped=$("$PGTEMP_BINDIR/pg_dump" | grep -c 'collect_hosts' || true)
ok $([ "$dumped" -gt 0 ] && [ "$found" -eq 0 ] && echo 0 || echo 1) "the sudo password is in no table (pg_dump)"
done_testing
