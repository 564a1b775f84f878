#!/usr/bin/env bash
# Real traffic, made by real programs while tcpdump writes it, stored exactly as the tshark
# oracle works it out: once with `tcpdump -i any` inside a host (Linux cooked SLL2, loopback),
# once on the Ethernet bridge between two hosts (IPv4 and IPv6). curl against an HTTP server,
# dig against dnsmasq, psql against PostgreSQL on TCP, and a UDP exchange with nc.
. "$(dirname "$0")/../lib/common.sh"
. "$TM_TESTS/lib/netns.sh"
. "$TM_TESTS/lib/capture.sh"
. "$TM_TESTS/lib/traffic.sh"
need psql tshark tcpdump curl dig dnsmasq nc ip ss /usr/bin/python3
[ "$(id -u)" -eq 0 ] || bail "network namespaces and tcpdump need root"
[ -x "$TM_LOADER" ] || bail "no loader at $TM_LOADER (run make check)"
export TM_PGROOT PGTEMP_BINDIR=${TM_PGROOT:-}$("$PG_CONFIG" --bindir)
netns_reap
tm_pg
capture_db
tmp=$(tm_tempdir)
netns_setup 2 || bail "netns_setup failed"
h1=$(netns_addr 1)
h2=$(netns_addr 2)
h2v6=$(netns_addr6 2)
q() { psql -XAt -c "$1"; }

# --- tcpdump -i any inside host 1, everything over its loopback.
lo=$tmp/lo
mkdir -p "$lo"
traffic_servers 1 127.0.0.1 "$lo" || bail "the servers did not start in host 1"
traffic_capture_start "$(netns_name 1)" "$lo" -i any || bail "tcpdump -i any did not start"
traffic_clients 1 127.0.0.1 "$lo"
ok $? "curl, dig, psql and nc talk over loopback while tcpdump -i any records"
traffic_capture_stop "$lo"
ok $? "tcpdump -i any wrote its capture"
is "$(cat "$lo/curl.out")|$(cat "$lo/dig.out")|$(cat "$lo/psql.out")|$(cat "$lo/udp.out")" \
	"hello from the test web server|10.99.0.1|psql over tcp|pong" "every exchange got its answer"
"$TM_LOADER" load -q --host 127.0.0.1 "$lo/capture.pcap"
ok $? "the loopback capture loads"
id=$(capture_id "$lo/capture.pcap")
is "$(q "SELECT link_types::text FROM trafficmap.captures WHERE id = ${id:-0}")" "{LINUX_SLL2}" \
	"tcpdump -i any writes Linux cooked v2 (SLL2)"
capture_check "$lo/capture.pcap" "$id"
pgport=$(cat "$lo/pgport")
for e in "tcp 127.0.0.1 127.0.0.1 $TRAFFIC_HTTP_PORT" "udp 127.0.0.1 127.0.0.1 53" \
	"tcp 127.0.0.1 127.0.0.1 $pgport" "udp 127.0.0.1 127.0.0.1 $TRAFFIC_UDP_PORT"; do
	read -r proto c s port <<<"$e"
	is "$(q "SELECT conns >= 1 AND c2s_packets > 0 AND s2c_packets > 0 FROM trafficmap.traffic
		WHERE capture_id = ${id:-0} AND proto = '$proto' AND client = '$c' AND server = '$s' AND server_port = $port")" \
		t "loopback: a $proto edge to server port $port with traffic both ways"
done

# --- tcpdump on the bridge between host 1 (clients) and host 2 (servers): Ethernet.
br=$tmp/br
mkdir -p "$br"
traffic_servers 2 "$h2" "$br" || bail "the servers did not start in host 2"
any=$tmp/any
mkdir -p "$any"
traffic_capture_start "$(netns_switch)" "$br" -i br0 || bail "tcpdump on the bridge did not start"
traffic_capture_start "$(netns_switch)" "$any" -i any || bail "tcpdump -i any in the switch did not start"
ng=$tmp/ng
mkdir -p "$ng"
traffic_dumpcap_start "$(netns_switch)" "$ng" v1 v2 || bail "dumpcap on the switch ports did not start"
traffic_clients 1 "$h2" "$br"
ok $? "curl, dig, psql and nc talk from host 1 to host 2 while tcpdump records the bridge"
netns_exec 1 ping -6 -c 2 -W 2 "$h2v6" >/dev/null
ok $? "host 1 pings host 2 over IPv6"
netns_exec 1 ping -c 3 -W 2 "$h2" >/dev/null
ok $? "host 1 pings host 2 over IPv4"
traffic_capture_stop "$br"
ok $? "tcpdump on the bridge wrote its capture"
traffic_capture_stop "$any"
ok $? "tcpdump -i any in the switch wrote its capture"
traffic_dumpcap_stop "$ng"
ok $? "dumpcap on both switch ports wrote its pcapng"
"$TM_LOADER" load -q "$br/capture.pcap"
ok $? "the bridge capture loads"
id=$(capture_id "$br/capture.pcap")
is "$(q "SELECT link_types::text FROM trafficmap.captures WHERE id = ${id:-0}")" "{EN10MB}" "the bridge capture is Ethernet"
capture_check "$br/capture.pcap" "$id"
pgport=$(cat "$br/pgport")
for e in "tcp $h1 $h2 $TRAFFIC_HTTP_PORT" "udp $h1 $h2 53" "tcp $h1 $h2 $pgport" "udp $h1 $h2 $TRAFFIC_UDP_PORT"; do
	read -r proto c s port <<<"$e"
	is "$(q "SELECT conns >= 1 AND c2s_packets > 0 AND s2c_packets > 0 FROM trafficmap.traffic
		WHERE capture_id = ${id:-0} AND proto = '$proto' AND client = '$c' AND server = '$s' AND server_port = $port")" \
		t "bridge: a $proto edge from host 1 to host 2 port $port with traffic both ways"
done
is "$(q "SELECT conns, c2s_packets, s2c_packets FROM trafficmap.traffic
	WHERE capture_id = ${id:-0} AND proto = 'icmp' AND client = '$h1' AND server = '$h2'")" "3|3|3" \
	"bridge: three pings are three echo requests from host 1 to host 2"
is "$(q "SELECT conns, c2s_packets >= 2, s2c_packets >= 2 FROM trafficmap.traffic
	WHERE capture_id = ${id:-0} AND proto = 'icmpv6' AND server = '$h2v6' AND client = '$(netns_addr6 1)'")" "2|t|t" \
	"bridge: two IPv6 pings are an icmpv6 edge with two echo requests (neighbour discovery may add packets)"
is "$(q "SELECT skipped_not_ip > 0 FROM trafficmap.captures WHERE id = ${id:-0}")" t \
	"bridge: ARP frames are skipped as not IP"

# -i any in the switch records every packet on each interface it crosses (v1, br0, v2): a
# flow counts once, on one interface. So no host-to-host edge has more packets than the bridge
# capture saw (-i any may miss a few at its start: it is a different socket).
"$TM_LOADER" load -q "$any/capture.pcap"
ok $? "the switch's -i any capture loads"
aid=$(capture_id "$any/capture.pcap")
is "$(q "SELECT link_types::text FROM trafficmap.captures WHERE id = ${aid:-0}")" "{LINUX_SLL2}" "the switch's -i any capture is SLL2"
capture_check "$any/capture.pcap" "$aid"
is "$(q "SELECT skipped_duplicate * 2 >= packets - skipped_not_ip FROM trafficmap.captures WHERE id = ${aid:-0}")" t \
	"-i any in the switch: at least half of the IP packets are copies on another interface"
hh="client IN ('$h1', '$h2') AND server IN ('$h1', '$h2')"
is "$(q "SELECT count(*), count(*) FILTER (WHERE a.c2s_packets <= b.c2s_packets AND a.s2c_packets <= b.s2c_packets
		AND a.c2s_bytes <= b.c2s_bytes AND a.s2c_bytes <= b.s2c_bytes),
		sum(a.c2s_packets + a.s2c_packets) * 4 >= sum(b.c2s_packets + b.s2c_packets) * 3
	FROM trafficmap.traffic a JOIN trafficmap.traffic b USING (proto, client, server, server_port)
	WHERE a.capture_id = ${aid:-0} AND b.capture_id = ${id:-0} AND a.$hh")" \
	"$(q "SELECT count(*) FROM trafficmap.traffic WHERE capture_id = ${id:-0} AND $hh")|$(q "SELECT count(*) FROM trafficmap.traffic WHERE capture_id = ${id:-0} AND $hh")|t" \
	"-i any in the switch: every host-to-host edge of the bridge, none counted more than once"

# dumpcap on both switch ports: a pcapng with two interfaces, each packet on both; the
# interface ids say which, and each flow counts once.
"$TM_LOADER" load -q "$ng/capture.pcapng"
ok $? "dumpcap's two-interface pcapng loads"
nid=$(capture_id "$ng/capture.pcapng")
is "$(q "SELECT link_types::text FROM trafficmap.captures WHERE id = ${nid:-0}")" "{EN10MB}" "dumpcap's pcapng is Ethernet on both interfaces"
capture_check "$ng/capture.pcapng" "$nid"
is "$(q "SELECT skipped_duplicate * 3 >= (packets - skipped_not_ip) FROM trafficmap.captures WHERE id = ${nid:-0}")" t \
	"dumpcap on two ports: the copies on the second port are duplicates"
is "$(q "SELECT count(*), count(*) FILTER (WHERE a.c2s_packets <= b.c2s_packets AND a.s2c_packets <= b.s2c_packets)
	FROM trafficmap.traffic a JOIN trafficmap.traffic b USING (proto, client, server, server_port)
	WHERE a.capture_id = ${nid:-0} AND b.capture_id = ${id:-0} AND a.$hh")" \
	"$(q "SELECT count(*) FROM trafficmap.traffic WHERE capture_id = ${id:-0} AND $hh")|$(q "SELECT count(*) FROM trafficmap.traffic WHERE capture_id = ${id:-0} AND $hh")" \
	"dumpcap on two ports: every host-to-host edge of the bridge, none counted twice"

# mergecap (Wireshark) makes one pcapng of the loopback (SLL2) and bridge (Ethernet) captures:
# interfaces of different link types in one file.
mergecap -F pcapng -w "$tmp/merged.pcapng" "$lo/capture.pcap" "$br/capture.pcap"
ok $? "mergecap merges the SLL2 and the Ethernet capture into one pcapng"
"$TM_LOADER" load -q "$tmp/merged.pcapng"
ok $? "the merged pcapng loads"
mid=$(capture_id "$tmp/merged.pcapng")
is "$(q "SELECT array_to_string(array(SELECT unnest(link_types) ORDER BY 1), ',') FROM trafficmap.captures WHERE id = ${mid:-0}")" \
	"EN10MB,LINUX_SLL2" "the merged pcapng has an SLL2 and an Ethernet interface"
capture_check "$tmp/merged.pcapng" "$mid"
is "$(q "SELECT sum(packets) = (SELECT packets FROM trafficmap.captures WHERE id = ${mid:-0}) FROM trafficmap.captures
	WHERE id IN ($(capture_id "$lo/capture.pcap"), ${id:-0})")" t "the merged pcapng has the packets of both captures"
done_testing
