#!/usr/bin/env bash
# `trafficmap collect` when hosts fail, each in its own way, in one run: a host that is down,
# one whose key changed, one not in known_hosts, one the user cannot log in to, one that
# accepts TCP but never speaks SSH, one without tcpdump rights, one without tcpdump, one
# needing a sudo password nobody gave, and one that dies in the middle of its capture. Each
# gets its own status and the one good host loses nothing. Then --accept-new, a run where
# nothing is collected, and usage errors.
. "$(dirname "$0")/../lib/common.sh"
. "$TM_TESTS/lib/netns.sh"
. "$TM_TESTS/lib/sshd.sh"
. "$TM_TESTS/lib/collect.sh"
need ip sshd ssh-keygen tcpdump sudo openssl nc ping psql setcap
[ "$(id -u)" -eq 0 ] || bail "network namespaces and sshd need root"
[ -x "$TM_LOADER" ] || bail "no loader at $TM_LOADER (run make check)"
netns_reap
unset SSH_AUTH_SOCK TRAFFICMAP_SUDO_PASSWORD

tmp=$(tm_tempdir)
tm_pg
collect_q "CREATE EXTENSION trafficmap CASCADE" || bail "CREATE EXTENSION failed"

netns_setup 11 || bail "netns_setup failed"
sshd_setup
sshd_user tmcap nopasswd
sshd_user tmnotcp other
PW2="tm-typed-$$-$RANDOM"
sshd_user tmpw "password:$PW2"
a() { netns_addr "$1"; }
for i in 2 3 5 6 7 8 9; do
	sshd_start "$i"
done
sshd_start 4 no-tcpdump
sshd_start 11 tcpdump-cap
known=$tmp/known_hosts
sshd_known_hosts "$known" 2 3 4 5 6 8 9 11
sshd_rekey 5
netns_spawn 10 nc -l "$(a 10)" 2222 >/dev/null
down=$(netns_addr 99)
pinger=$(netns_spawn 6 ping -i 0.2 "$(a 2)")

cat >"$tmp/hosts" <<EOF
# the one good host
tmcap@$(a 2)
tmnotcp@$(a 3)       # sudo, but not for tcpdump
tmcap@$(a 4)         # tcpdump hidden
tmcap@$(a 5)         # a new host key
tmcap@$(a 6)         # killed mid-capture
tmcap@$(a 7)         # not in known_hosts
tmpw@$(a 8)          # sudo wants a password
tmghost@$(a 9)       # no such user
tmcap@$(a 10):2222   # TCP, but no SSH
tmcap@$down          # nothing there
EOF

netns_exec 1 "$TM_LOADER" collect --hosts "$tmp/hosts" --known-hosts "$known" --identity "$SSHD_KEY" \
	--seconds 4 --connect-timeout 2 </dev/null >"$tmp/collect.out" 2>"$tmp/collect.err" &
collector=$!
collect_wait_capturing 2 6
sleep 1.5
sshd_kill 6
wait "$collector"
is $? 1 "collect exits 1 when some hosts failed"

run=$(collect_q "SELECT max(id) FROM trafficmap.collect_runs")
st() { collect_status "$run" "$1"; }
is "$(st "$(a 2)")" ok "the good host is ok"
is "$(st "$(a 3)")" sudo-failed "no sudo rights for tcpdump: sudo-failed"
is "$(st "$(a 4)")" tcpdump-missing "no tcpdump on the host: tcpdump-missing"
is "$(st "$(a 5)")" hostkey-mismatch "a changed host key: hostkey-mismatch"
is "$(st "$(a 6)")" truncated "the host died mid-capture: truncated"
is "$(st "$(a 7)")" hostkey-unknown "a host not in known_hosts: hostkey-unknown"
is "$(st "$(a 8)")" sudo-failed "sudo wants a password and none was given: sudo-failed"
is "$(st "$(a 9)")" auth-failed "a user the host does not know: auth-failed"
is "$(st "$(a 10):2222")" timeout "TCP without SSH behind it: timeout"
is "$(st "$down")" unreachable "a host that is down: unreachable"
is "$(collect_q "SELECT hosts, ok, failed FROM trafficmap.collect_runs WHERE id = $run")" "10|1|9" \
	"collect_runs counts 10 hosts, 1 ok, 9 failed"

detail() { collect_q "SELECT detail FROM trafficmap.collect_hosts WHERE run_id = $run AND host = '$1'"; }
like "$(detail "$(a 3)")" "not allowed to execute" "sudo-failed keeps sudo's own complaint from stderr"
like "$(detail "$(a 4)")" "command not found" "tcpdump-missing keeps sudo's complaint"
like "$(detail "$(a 5)")" "HOST KEY CHANGED: the host presented SHA256:" "hostkey-mismatch names the key presented"
like "$(detail "$(a 8)")" "TRAFFICMAP_SUDO_PASSWORD" "a missing password says where to give it"
like "$(detail "$(a 7)")" "accept-new" "hostkey-unknown says how to accept the key"
like "$(cat "$tmp/collect.err")" "$(a 5): hostkey-mismatch" "failures are reported on stderr, host by host"

# The good host's capture is whole; the dead host's complete packets are kept.
is "$(collect_q "SELECT c.status FROM trafficmap.captures c JOIN trafficmap.collect_hosts h ON h.capture_id = c.id
	WHERE h.run_id = $run AND h.host = '$(a 2)'")" complete "the good host's capture is complete"
is "$(collect_q "SELECT c.status FROM trafficmap.captures c JOIN trafficmap.collect_hosts h ON h.capture_id = c.id
	WHERE h.run_id = $run AND h.host = '$(a 6)'")" truncated "the dead host's capture is stored, marked truncated"
pings=$(collect_q "SELECT t.c2s_packets FROM trafficmap.traffic t JOIN trafficmap.collect_hosts h ON h.capture_id = t.capture_id
	WHERE h.run_id = $run AND h.host = '$(a 6)' AND t.proto = 'icmp' AND t.client = '$(a 6)' AND t.server = '$(a 2)'")
ok $([ "${pings:-0}" -ge 4 ] && echo 0 || echo 1) "the dead host's pings before it died are kept ($pings echo requests)"
seen=$(collect_q "SELECT t.c2s_packets FROM trafficmap.traffic t JOIN trafficmap.collect_hosts h ON h.capture_id = t.capture_id
	WHERE h.run_id = $run AND h.host = '$(a 2)' AND t.proto = 'icmp' AND t.client = '$(a 6)'")
ok $([ "${seen:-0}" -ge "${pings:-1}" ] && echo 0 || echo 1) "the good host saw at least those pings too ($seen)"
is "$(collect_q "SELECT count(*) FROM trafficmap.captures c WHERE run_id = $run AND packets <> skipped_packets +
	(SELECT coalesce(sum(c2s_packets + s2c_packets), 0) FROM trafficmap.traffic t WHERE t.capture_id = c.id)")" 0 \
	"both captures account for each packet"
is "$(collect_q "SELECT string_agg(host, ' ' ORDER BY host) FROM trafficmap.host_stats WHERE run_id = $run")" \
	"$(a 2) $(a 3) $(a 4) $(a 6) $(a 8)" "host stats are kept for every host logged in to, even when its capture failed"

# --accept-new: the unknown host's key is added and it is collected; a changed key is not.
cp "$known" "$tmp/known_new"
printf 'tmcap@%s\ntmcap@%s\n' "$(a 7)" "$(a 5)" >"$tmp/hosts2"
netns_exec 1 "$TM_LOADER" collect --hosts "$tmp/hosts2" --known-hosts "$tmp/known_new" --identity "$SSHD_KEY" \
	--accept-new --seconds 1 --connect-timeout 2 </dev/null >/dev/null 2>"$tmp/collect2.err"
is $? 1 "collect --accept-new exits 1 (the changed key still fails)"
run2=$(collect_q "SELECT max(id) FROM trafficmap.collect_runs")
is "$(collect_status "$run2" "$(a 7)") $(collect_status "$run2" "$(a 5)")" "ok hostkey-mismatch" \
	"--accept-new collects the new host and still refuses the changed key"
is "$(grep -c "^$(a 7) " "$tmp/known_new")" 1 "the new host's key was added to known_hosts once"
is "$(grep "^$(a 7) " "$tmp/known_new" | cut -d' ' -f2,3)" "$(cut -d' ' -f1,2 "$(sshd_host_dir 7)/host_key.pub")" \
	"the key added is the host's own"
is "$(diff <(head -n "$(wc -l <"$known")" "$tmp/known_new") "$known" && echo same)" same \
	"the lines already there are kept as they were"

# Nothing collected: exit 2, and the run says so.
echo "$down" >"$tmp/hosts3"
netns_exec 1 "$TM_LOADER" collect --hosts "$tmp/hosts3" --known-hosts "$known" --identity "$SSHD_KEY" \
	--seconds 1 --connect-timeout 1 </dev/null >/dev/null 2>"$tmp/collect3.err"
is $? 2 "collect exits 2 when nothing was collected"
is "$(collect_q "SELECT hosts, ok, failed FROM trafficmap.collect_runs ORDER BY id DESC LIMIT 1")" "1|0|1" \
	"the run records its one failed host"

# --from-inventory: running (or unknown-state) instances that their source's latest run
# listed, filtered by --where, dialled at their private address with --user.
collect_q "INSERT INTO trafficmap.instances (instance_id, source, private_ips, public_ips, env, state, first_seen, last_seen) VALUES
	('i-a', 'ec2', '{$(a 2)}', '{}', 'prod', 'running', '2024-01-01', '2024-01-02'),
	('i-b', 'ec2', '{$(a 3)}', '{}', 'prod', 'stopped', '2024-01-01', '2024-01-02'),
	('i-c', 'ec2', '{$(a 4)}', '{}', 'dev', 'running', '2024-01-01', '2024-01-02'),
	('i-e', 'ec2', '{$(a 8)}', '{}', 'prod', 'running', '2024-01-01', '2024-01-01'),
	('i-f', 'ec2', '{}', '{$(a 10)}', 'prod', 'running', '2024-01-01', '2024-01-02'),
	('web-9', 'csv', '{$(a 9)}', '{}', 'prod', NULL, '2024-01-01', '2024-01-01')"
netns_exec 1 "$TM_LOADER" collect --from-inventory --where "env = 'prod'" --user tmcap --known-hosts "$known" \
	--identity "$SSHD_KEY" --seconds 1 --connect-timeout 2 </dev/null >/dev/null 2>"$tmp/collect4.err"
is $? 0 "collect --from-inventory exits 0 when the hosts it picked are ok"
run4=$(collect_q "SELECT max(id) FROM trafficmap.collect_runs")
is "$(collect_q "SELECT string_agg(host || '=' || status, ' ' ORDER BY host) FROM trafficmap.collect_hosts WHERE run_id = $run4")" \
	"$(a 2)=ok $(a 9)=ok" "it dials the running and the unknown-state prod instances of each source's latest run"
like "$(cat "$tmp/collect4.err")" "1 running instance\(s\) have no private address" "instances without the address asked for are counted"
"$TM_LOADER" collect --from-inventory --where "nextval('trafficmap.captures_id_seq') > 0" </dev/null >/dev/null 2>"$tmp/e4"
is "$?:$(grep -c "option --where" "$tmp/e4"):$(grep -c "read-only transaction" "$tmp/e4")" "2:1:1" \
	"--where runs read-only: a condition that would write fails, naming --where"

# On a terminal: the password is asked without echo and reaches the host; progress shows.
need script
echo "tmpw@$(a 8)" >"$tmp/hosts5"
(sleep 2; printf '%s\n' "$PW2") | netns_exec 1 script -qec "'$TM_LOADER' collect --hosts '$tmp/hosts5' --known-hosts '$known' --identity '$SSHD_KEY' --seconds 1 --connect-timeout 2" /dev/null >"$tmp/tty.out" 2>&1
is $? 0 "on a terminal, collect asks for the sudo password and the host that needs it is ok"
run5=$(collect_q "SELECT max(id) FROM trafficmap.collect_runs")
is "$(collect_status "$run5" "$(a 8)")" ok "the typed password worked on the host"
like "$(cat "$tmp/tty.out")" "sudo password on the hosts" "the prompt is shown"
like "$(tr '\r' '\n' <"$tmp/tty.out")" "collect: 1 hosts: .* capturing" "a progress line shows hosts capturing"
grep -qF -- "$PW2" "$tmp/tty.out" && echoed=1 || echoed=0
is "$echoed" 0 "the typed password is not echoed"

# --no-sudo: a host whose tcpdump has the capture capabilities is collected without sudo; on
# one where it has not, the capture does not start and the detail says what to grant.
printf 'tmcap@%s\ntmcap@%s\n' "$(a 11)" "$(a 2)" >"$tmp/hosts6"
netns_exec 1 "$TM_LOADER" collect --hosts "$tmp/hosts6" --known-hosts "$known" --identity "$SSHD_KEY" \
	--no-sudo --seconds 1 --connect-timeout 2 </dev/null >/dev/null 2>"$tmp/collect6.err"
is $? 1 "collect --no-sudo exits 1 when one host cannot capture without sudo"
run6=$(collect_q "SELECT max(id) FROM trafficmap.collect_runs")
is "$(collect_status "$run6" "$(a 11)") $(collect_status "$run6" "$(a 2)")" "ok sudo-failed" \
	"--no-sudo: the host with tcpdump's capabilities is ok, the other cannot capture"
like "$(collect_q "SELECT detail FROM trafficmap.collect_hosts WHERE run_id = $run6 AND host = '$(a 2)'")" \
	"CAP_NET_RAW.*permission" "the detail says to grant the capabilities, and keeps tcpdump's complaint"

# Usage errors name what is wrong and collect nothing.
runs=$(collect_q "SELECT count(*) FROM trafficmap.collect_runs")
"$TM_LOADER" collect --known-hosts "$known" </dev/null >/dev/null 2>"$tmp/e1"
is $? 2 "no hosts given: exit 2"
"$TM_LOADER" collect --hosts "$tmp/hosts3" --filter 'tcp port eighty' </dev/null >/dev/null 2>"$tmp/e2"
is "$?:$(grep -c "option --filter" "$tmp/e2")" "2:1" "a filter tcpdump would refuse: exit 2, naming --filter"
printf 'h1\nh2 h3\n' >"$tmp/badhosts"
"$TM_LOADER" collect --hosts "$tmp/badhosts" </dev/null >/dev/null 2>"$tmp/e3"
is "$?:$(grep -c "badhosts:2: one host per line" "$tmp/e3")" "2:1" "a bad hosts file: exit 2, naming FILE:LINE"
is "$(collect_q "SELECT count(*) FROM trafficmap.collect_runs")" "$runs" "usage errors make no run"
done_testing
