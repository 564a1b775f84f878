#!/usr/bin/env bash
# trafficmap resolve: reverse DNS with c-ares against a local dnsmasq whose PTR records this
# test defines (--host-record). Only addresses in recent traffic that had no owner and have
# no file name are asked (dnsmasq's query log is the witness); names found are kept as dns
# names with their time; a lookup that fails makes the run partial (exit 1), a dead server
# fatal (exit 2).
. "$(dirname "$0")/../lib/common.sh"
PATH=$PATH:/usr/sbin
need psql dnsmasq dig ss
tm_pg
psql -XAtq -v ON_ERROR_STOP=1 -c "CREATE EXTENSION trafficmap CASCADE" 2>/dev/null || bail "CREATE EXTENSION failed"
tmp=$(tm_tempdir)

sql() {
	psql -XAtq -v ON_ERROR_STOP=1 -c "SET search_path = trafficmap, public" -c "$1"
}

# A UDP and TCP port on loopback that nobody listens on.
free_port() {
	local p
	for p in $(shuf -i 20000-59999 -n 50); do
		if ! ss -Hlnu "sport = :$p" | grep -q . && ! ss -Hlnt "sport = :$p" | grep -q .; then
			echo "$p"
			return 0
		fi
	done
	return 1
}
port=$(free_port) || bail "no free port"
dead=$(free_port) || bail "no free port"
[ "$port" != "$dead" ] || dead=$((port + 1))

# dnsmasq answering PTR queries from its host records only; 203.0.113.0/24 is forwarded to
# a port where nobody answers.
dnsmasq_pid=
start_dnsmasq() {
	: >"$tmp/dnsmasq.log"
	dnsmasq --keep-in-foreground --conf-file=/dev/null --user=root --pid-file= --port="$port" \
		--listen-address=127.0.0.1 --bind-interfaces --no-resolv --no-hosts \
		--log-queries --log-facility="$tmp/dnsmasq.log" \
		--local=/in-addr.arpa/ --local=/ip6.arpa/ --server="/113.0.203.in-addr.arpa/127.0.0.1#$dead" \
		"$@" 2>"$tmp/dnsmasq.err" &
	dnsmasq_pid=$!
	on_exit "kill $dnsmasq_pid 2>/dev/null"
	for _ in $(seq 50); do
		dig +short +tries=1 +time=1 -p "$port" @127.0.0.1 -x 127.0.0.1 >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	bail "dnsmasq did not start: $(cat "$tmp/dnsmasq.err")"
}
stop_dnsmasq() {
	kill "$dnsmasq_pid" 2>/dev/null
	wait "$dnsmasq_pid" 2>/dev/null
}
records=(--host-record=api.partner.example,198.51.100.7 --host-record=v6.example.org,2001:db8::9
	--host-record=should-not-be-asked.example,192.0.2.5 --host-record=web1.should-not-be-asked.example,10.0.0.5
	--host-record=old.example,198.51.100.77)
start_dnsmasq "${records[@]}"
is "$(dig +short -p "$port" @127.0.0.1 -x 198.51.100.7) $(dig +short -p "$port" @127.0.0.1 -x 2001:db8::9)" \
	"api.partner.example. v6.example.org." "dnsmasq serves the test's PTR records (dig)"

# The fleet owns 10.0.0.5; the foreign-ips file names 192.0.2.5.
printf 'name,address\nweb1,10.0.0.5\n' >"$tmp/fleet.csv"
printf '192.0.2.5 partner-gateway\n' >"$tmp/foreign-ips.txt"
"$TM_LOADER" -q inventory csv --at '2024-01-01 00:00:00+00' "$tmp/fleet.csv" >/dev/null &&
	"$TM_LOADER" -q inventory foreign "$tmp/foreign-ips.txt" >/dev/null
is $? 0 "inventory and foreign names load"

# Two captures: a recent one with unknown peers, an old one before --since.
sql "
INSERT INTO captures (id, source, sha256, link_types, snaplen, started, ended, packets, bytes, skipped_packets,
                      skipped_not_ip, skipped_truncated, skipped_malformed, skipped_duplicate, status)
VALUES (1, 'web1', repeat('a', 64), '{EN10MB}', 262144, '2024-01-10 10:00+00', '2024-01-10 10:01+00', 12, 1200, 0, 0, 0, 0, 0, 'complete'),
       (2, 'web1', repeat('b', 64), '{EN10MB}', 262144, '2024-01-01 10:00+00', '2024-01-01 10:01+00', 2, 200, 0, 0, 0, 0, 0, 'complete');
INSERT INTO traffic (capture_id, proto, client, server, server_port, conns, c2s_packets, c2s_bytes, s2c_packets,
                     s2c_bytes, first_seen, last_seen, syns, fins, rsts)
SELECT capture_id, proto, client::inet, server::inet, port, 1, 1, 100, 1, 100, '2024-01-10 10:00+00', '2024-01-10 10:00+00', 0, 0, 0
  FROM (VALUES (1, 'tcp', '10.0.0.5', '198.51.100.7', 443), (1, 'tcp', '2001:db8::5', '2001:db8::9', 443),
               (1, 'tcp', '10.0.0.5', '192.0.2.5', 443), (1, 'tcp', '198.51.100.99', '10.0.0.5', 22),
               (1, 'udp', '10.0.0.5', '203.0.113.9', 53), (2, 'tcp', '10.0.0.5', '198.51.100.77', 443))
       AS e(capture_id, proto, client, server, port)" >/dev/null || bail "could not insert the traffic"

is "$(sql "SELECT string_agg(host(a), ',' ORDER BY a) FROM resolve_addresses('2024-01-10') a")" \
	"198.51.100.7,198.51.100.99,203.0.113.9,2001:db8::5,2001:db8::9" \
	"what to look up: recent peers without an owner and without a file name"

out=$("$TM_LOADER" resolve --since '2024-01-10' --dns-server "127.0.0.1:$port" --timeout 0.5 2>"$tmp/err")
is $? 1 "a run where one lookup fails is partial (exit 1)"
is "$out" "resolve: 5 addresses looked up: 2 named (2 added, 0 changed), 2 without a name, 1 failed" "the summary line"
like "$(cat "$tmp/err")" "203\.0\.113\.9: " "the failed lookup is named"
is "$(sql "SELECT string_agg(address || ' ' || name, ',' ORDER BY address) FROM foreign_names WHERE source = 'dns'")" \
	"198.51.100.7/32 api.partner.example,2001:db8::9/128 v6.example.org" "the PTR names are kept as dns names"
is "$(sql "SELECT count(*) FROM foreign_names WHERE source = 'dns' AND as_of > now() - interval '1 minute'")" "2" \
	"with the time they were looked up"
is "$(sql "SELECT foreign_name('198.51.100.7') || ',' || foreign_name('192.0.2.5') || ',' || coalesce(foreign_name('198.51.100.99'), 'NULL')")" \
	"api.partner.example,partner-gateway,NULL" "foreign_name: the dns name, the file's name, no name"
asked=$(sed -n 's/.*query\[PTR\] \([^ ]*\) from.*/\1/p' "$tmp/dnsmasq.log" | sort -u | tr '\n' ' ')
like "$asked" "7\.100\.51\.198\.in-addr\.arpa" "dnsmasq was asked for 198.51.100.7"
ok $(grep -qE '5\.2\.0\.192\.in-addr|5\.0\.0\.10\.in-addr|77\.100\.51\.198' <<<"$asked" && echo 1 || echo 0) \
	"dnsmasq was not asked for the owned address, the file-named address, or the old capture's peer"

# A name that changed in DNS is updated; --dry-run prints and stores nothing.
stop_dnsmasq
start_dnsmasq --host-record=gateway.partner.example,198.51.100.7 --host-record=v6.example.org,2001:db8::9
out=$("$TM_LOADER" resolve --since '2024-01-10' --dns-server "127.0.0.1:$port" --timeout 0.5 -n 2>/dev/null)
is "$out" "198.51.100.7 gateway.partner.example
2001:db8::9 v6.example.org
resolve: 5 addresses looked up: 2 named (0 added, 0 changed), 2 without a name, 1 failed (dry run: nothing stored)" \
	"--dry-run prints the names"
is "$(sql "SELECT name FROM foreign_names WHERE address = '198.51.100.7/32'")" "api.partner.example" "--dry-run stores nothing"
out=$("$TM_LOADER" resolve --since '2024-01-10' --dns-server "127.0.0.1:$port" --timeout 0.5 2>/dev/null)
like "$out" "2 named \(0 added, 1 changed\)" "a changed PTR record changes the name"
is "$(sql "SELECT name FROM foreign_names WHERE address = '198.51.100.7/32'")" "gateway.partner.example" "the new name is kept"

# Nobody answers: every lookup fails, exit 2.
out=$("$TM_LOADER" resolve --since '2024-01-10' --dns-server "127.0.0.1:$dead" --timeout 0.2 2>&1)
is $? 2 "every lookup failing is fatal (exit 2)"
like "$out" "every lookup failed" "and says so"
out=$("$TM_LOADER" resolve --dns-server 'not an address' 2>&1)
is $? 2 "a bad --dns-server is a usage error"
out=$("$TM_LOADER" resolve --since 'the dawn of time' 2>&1)
like "$out" "option --since: 'the dawn of time' is not a time" "a bad --since is a usage error"
done_testing
