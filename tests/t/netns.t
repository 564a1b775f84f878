#!/usr/bin/env bash
# The network-namespace harness: hosts reach each other over the bridge, programs started in
# them are tracked, and everything is removed afterwards, also when a run is interrupted.
. "$(dirname "$0")/../lib/common.sh"
. "$TM_TESTS/lib/netns.sh"
need ip nc ping

[ "$(id -u)" -eq 0 ] || bail "network namespaces need root"
netns_reap

netns_setup 3 || bail "netns_setup failed"
count=$(ip netns list | grep -c "^$NETNS_ID-")
is "$count" 4 "three hosts and a switch namespace exist"

netns_exec 1 ping -c 1 -W 2 "$(netns_addr 2)" >/dev/null
ok $? "h1 pings h2 over IPv4"
netns_exec 3 ping -6 -c 1 -W 2 "$(netns_addr6 1)" >/dev/null
ok $? "h3 pings h1 over IPv6"

out=$NETNS_DIR/received
pid=$(netns_spawn 3 sh -c "nc -l $(netns_addr 3) 7000 > $out")
for _ in $(seq 50); do
	netns_exec 3 ss -Hltn 'sport = :7000' | grep -q . && break
	sleep 0.1
done
echo "hello from h1" | netns_exec 1 nc -N -w 2 "$(netns_addr 3)" 7000
wait "$pid" 2>/dev/null
is "$(cat "$out")" "hello from h1" "a TCP server spawned in h3 receives from h1"

mac1=$(netns_exec 1 cat /sys/class/net/eth0/address)
mac2=$(netns_exec 2 cat /sys/class/net/eth0/address)
ok $([ "$mac1" != "$mac2" ] && echo 0 || echo 1) "hosts have distinct Ethernet addresses"

ip -o addr | grep -q '10\.200\.' && inroot=1 || inroot=0
is "$inroot" 0 "nothing is added to the caller's namespace"

sleeper=$(netns_spawn 2 sleep 600)
pid_alive "$sleeper"
ok $? "a background program runs in h2"
netns_cleanup
pid_alive "$sleeper" && alive=1 || alive=0
is "$alive" 0 "cleanup kills programs started in the hosts"
is "$(ip netns list | grep -c "^$NETNS_ID-")" 0 "cleanup deletes every namespace"

# An interrupted run still cleans up: a child test sets up hosts and is sent SIGTERM.
marker=$(mktemp)
on_exit "rm -f '$marker'"
bash -c '
	. "$1/lib/common.sh"
	. "$1/lib/netns.sh"
	netns_setup 2
	netns_spawn 1 sleep 600 >/dev/null
	echo "$NETNS_ID $NETNS_DIR $(cat "$NETNS_DIR/pids")" > "$2"
	sleep 600 &
	on_exit "kill $!"
	wait
' child "$TM_TESTS" "$marker" >/dev/null &
child=$!
for _ in $(seq 100); do
	[ -s "$marker" ] && break
	sleep 0.1
done
read -r child_id child_dir child_sleeper <"$marker"
kill -TERM "$child"
wait "$child" 2>/dev/null
is "$(ip netns list | grep -c "^$child_id-")" 0 "an interrupted run deletes its namespaces"
pid_alive "$child_sleeper" && alive=1 || alive=0
is "$alive" 0 "an interrupted run kills its processes"
[ -e "$child_dir" ] && left=1 || left=0
is "$left" 0 "an interrupted run removes its temp files"

done_testing
