# netns.sh: test hosts in network namespaces (source after common.sh; needs root and iproute2).
#
#   netns_setup N          make hosts 1..N on one Ethernet segment, and register cleanup
#   netns_name I           the namespace of host I (for `ip -n`)
#   netns_addr I           host I's IPv4 address      netns_addr6 I   its IPv6 address
#   netns_exec I CMD...    run CMD in host I and wait for it
#   netns_spawn I CMD...   start CMD in host I in the background; prints its pid, which
#                          cleanup kills (stdout/stderr go to $NETNS_DIR/hI.<pid>.log)
#   netns_switch           the namespace holding the bridge (run tcpdump -i br0 there)
#   netns_cleanup          kill every process started, delete every namespace, remove files
#
# Nothing is made in the caller's namespace: the bridge lives in its own "switch" namespace
# and each host is joined to it by a veth pair, so several harnesses can run at once with the
# same addresses. Addresses come from 10.200.0.0/16 and fd00:7a::/64, used only in here.
# Every name carries NETNS_ID (default tm<pid>), which `netns_reap` uses to remove what a
# killed run left behind.

NETNS_ID=${NETNS_ID:-tm$$}
NETNS_DIR=
NETNS_COUNT=0

netns_name() {
	echo "$NETNS_ID-h$1"
}

netns_switch() {
	echo "$NETNS_ID-sw"
}

netns_addr() {
	echo "10.200.$(($1 / 200)).$(($1 % 200 + 10))"
}

netns_addr6() {
	printf 'fd00:7a::%x\n' "$1"
}

netns_setup() {
	local n=$1 i ns sw
	NETNS_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tm-netns.XXXXXX")
	chmod 0755 "$NETNS_DIR"
	: >"$NETNS_DIR/pids"
	if declare -F on_exit >/dev/null; then
		on_exit netns_cleanup
	fi
	sw=$(netns_switch)
	ip netns add "$sw" || return 1
	ip -n "$sw" link set lo up
	ip -n "$sw" link add br0 type bridge
	ip -n "$sw" link set br0 up
	for ((i = 1; i <= n; i++)); do
		ns=$(netns_name "$i")
		ip netns add "$ns" || return 1
		ip -n "$sw" link add "v$i" type veth peer name eth0 netns "$ns" || return 1
		ip -n "$sw" link set "v$i" master br0 up
		ip -n "$ns" link set lo up
		ip -n "$ns" addr add "$(netns_addr "$i")/16" dev eth0
		ip -n "$ns" addr add "$(netns_addr6 "$i")/64" dev eth0 nodad
		ip -n "$ns" link set eth0 up
		NETNS_COUNT=$i
	done
}

netns_exec() {
	local i=$1
	shift
	ip netns exec "$(netns_name "$i")" "$@"
}

netns_spawn() {
	local i=$1 pid
	shift
	ip netns exec "$(netns_name "$i")" "$@" >"$NETNS_DIR/h$i.spawn.log" 2>&1 &
	pid=$!
	echo "$pid" >>"$NETNS_DIR/pids"
	mv "$NETNS_DIR/h$i.spawn.log" "$NETNS_DIR/h$i.$pid.log" 2>/dev/null || true
	echo "$pid"
}

# Kill a list of pids: politely, then for sure.
netns_kill() {
	local pid alive=()
	for pid in "$@"; do
		if kill -TERM "$pid" 2>/dev/null; then
			alive+=("$pid")
		fi
	done
	[ ${#alive[@]} -gt 0 ] || return 0
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		local still=()
		for pid in "${alive[@]}"; do
			pid_alive "$pid" && still+=("$pid")
		done
		[ ${#still[@]} -eq 0 ] && return 0
		sleep 0.1
	done
	kill -KILL "${alive[@]}" 2>/dev/null || true
}

# Remove the namespaces named with prefix $1, killing whatever still runs in them.
netns_remove_prefix() {
	local prefix=$1 ns
	for ns in $(ip netns list | awk '{print $1}' | grep "^$prefix-" || true); do
		netns_kill $(ip netns pids "$ns" 2>/dev/null)
		ip netns del "$ns" 2>/dev/null || true
	done
}

netns_cleanup() {
	if [ -n "$NETNS_DIR" ] && [ -f "$NETNS_DIR/pids" ]; then
		netns_kill $(cat "$NETNS_DIR/pids")
	fi
	netns_remove_prefix "$NETNS_ID"
	if [ -n "$NETNS_DIR" ]; then
		rm -rf "$NETNS_DIR"
	fi
	NETNS_DIR=
	NETNS_COUNT=0
}

# Remove what earlier runs left behind when they were killed with SIGKILL: namespaces whose
# creating shell (the pid in tm<pid>) is gone.
netns_reap() {
	local id pid
	for id in $(ip netns list | awk '{print $1}' | sed -n 's/^\(tm[0-9]\+\)-.*/\1/p' | sort -u); do
		pid=${id#tm}
		if ! kill -0 "$pid" 2>/dev/null; then
			netns_remove_prefix "$id"
		fi
	done
}
