# collect.sh: helpers for tests of `trafficmap collect` (source after common.sh, netns.sh and
# sshd.sh).
#
#   collect_wait_capturing I...   wait until each host has a packet socket open (its tcpdump
#                                 is capturing); fails the test after 20 s
#   collect_q SQL                 one query against the test database, unaligned, no headers
#   collect_status RUN HOST       collect_hosts.status of HOST in run RUN

collect_wait_capturing() {
	local i ns
	for i in "$@"; do
		ns=$(netns_name "$i")
		for _ in $(seq 200); do
			# /proc/net/packet lists the namespace's packet sockets after a header line.
			if [ "$(ip netns exec "$ns" cat /proc/net/packet | wc -l)" -gt 1 ]; then
				continue 2
			fi
			sleep 0.1
		done
		bail "host $i never started capturing"
	done
}

collect_q() {
	psql -XAtq -v ON_ERROR_STOP=1 -c "$1"
}

collect_status() {
	collect_q "SELECT status FROM trafficmap.collect_hosts WHERE run_id = $1 AND host = '$2'"
}
