#!/usr/bin/env bash
# Time-aware identity end to end: run 1 of a fleet CSV gives host 2's address to hostA, run 2
# gives it to hostB. Real traffic (ping between two namespace hosts, captured by tcpdump and
# loaded by trafficmap load) from between the runs is hostA's, traffic after run 2 hostB's;
# --expire takes the address from hostB when a run no longer lists it.
. "$(dirname "$0")/../lib/common.sh"
. "$TM_TESTS/lib/netns.sh"
need psql tcpdump ping ip
[ "$(id -u)" -eq 0 ] || bail "network namespaces need root"
netns_reap
tm_pg
psql -XAtq -v ON_ERROR_STOP=1 -c "CREATE EXTENSION trafficmap CASCADE" 2>/dev/null || bail "CREATE EXTENSION failed"
netns_setup 2 || bail "netns_setup failed"
tmp=$(tm_tempdir)
a1=$(netns_addr 1)
a2=$(netns_addr 2)

sql() {
	psql -XAtq -v ON_ERROR_STOP=1 -c "SET search_path = trafficmap, public" -c "$1"
}

# Capture ICMP on host 1 while it pings host 2, and load the capture.
capture() {
	local file=$tmp/$1.pcap pid
	: >"$tmp/$1.tcpdump.log"
	ip netns exec "$(netns_name 1)" tcpdump -Z root --immediate-mode -i eth0 -U -w "$file" icmp 2>"$tmp/$1.tcpdump.log" &
	pid=$!
	on_exit "kill $pid 2>/dev/null"
	for _ in $(seq 100); do
		grep -q 'listening on' "$tmp/$1.tcpdump.log" && break
		sleep 0.05
	done
	netns_exec 1 ping -c 3 -i 0.2 -W 2 "$a2" >/dev/null || diag "ping failed"
	sleep 0.2
	kill -INT "$pid"
	wait "$pid" 2>/dev/null
	[ -s "$file" ] || diag "tcpdump wrote nothing: $(cat "$tmp/$1.tcpdump.log")"
	"$TM_LOADER" -q load --host "$a1" "$file"
}

printf 'name,address,archdomain,env\nclient-1,%s,online/api,prod\nhostA,%s,online/web,prod\n' "$a1" "$a2" >"$tmp/run1.csv"
printf 'name,address,archdomain,env\nclient-1,%s,online/api,prod\nhostB,%s,online/search,prod\n' "$a1" "$a2" >"$tmp/run2.csv"
printf 'name,address,archdomain,env\nclient-1,%s,online/api,prod\n' "$a1" >"$tmp/run3.csv"

out=$("$TM_LOADER" inventory csv "$tmp/run1.csv" 2>&1)
is $? 0 "run 1 loads"
like "$out" '2 instances \(2 added, 0 changed, 0 unchanged\), address owners: 2 opened, 0 closed' "run 1 opens two owners"
sleep 0.5
capture between
is $? 0 "the capture taken between the runs loads"
sleep 0.5
out=$("$TM_LOADER" inventory csv "$tmp/run2.csv" 2>&1)
is $? 0 "run 2 loads"
like "$out" '2 instances \(1 added, 0 changed, 1 unchanged\), address owners: 1 opened, 1 closed' \
	"run 2 closes hostA's range and opens hostB's"
sleep 0.5
capture after
is $? 0 "the capture taken after run 2 loads"

is "$(sql "SELECT count(*) FROM captures")" "2" "two captures"
is "$(sql "SELECT string_agg(DISTINCT host(client) || '>' || host(server), ',') FROM traffic")" "$a1>$a2" \
	"the captures hold the ping from host 1 to host 2"
is "$(sql "SELECT string_agg(owner_at(t.client, c.started) || '>' || owner_at(t.server, c.started), ',' ORDER BY c.started)
             FROM traffic t JOIN captures c ON c.id = t.capture_id")" \
	"client-1>hostA,client-1>hostB" "traffic between the runs is hostA's, traffic after run 2 is hostB's"
is "$(sql "SELECT count(*) FROM ip_owners o JOIN captures c ON o.valid @> c.ended WHERE o.address = '$a2'")" "2" \
	"each capture lies inside one owner range of the address, first packet to last"
is "$(sql "SELECT archdomain::text FROM instances i WHERE instance_id = owner_at('$a2', now())")" "online/search" \
	"the current owner's archdomain"

# A run that no longer lists hostB: without --expire the address stays hostB's.
out=$("$TM_LOADER" inventory csv "$tmp/run3.csv" 2>&1)
like "$out" 'address owners: 0 opened, 0 closed' "a run without hostB closes nothing"
is "$(sql "SELECT owner_at('$a2', now())")" "hostB" "hostB keeps the address it was last seen with"
out=$("$TM_LOADER" inventory csv --expire "$tmp/run3.csv" 2>&1)
like "$out" 'address owners: 0 opened, 1 closed' "--expire closes the range of the address missing from the run"
is "$(sql "SELECT coalesce(owner_at('$a2', now()), 'NULL') || ' ' || owner_at('$a1', now())")" "NULL client-1" \
	"after --expire nobody owns it; the listed host keeps its own"
is "$(sql "SELECT string_agg(instance_id, ',' ORDER BY lower(valid)) FROM ip_owners WHERE address = '$a2'")" \
	"hostA,hostB" "the address's history: hostA, then hostB"
done_testing
