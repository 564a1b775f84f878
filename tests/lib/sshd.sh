# sshd.sh: SSH test hosts - a real OpenSSH sshd per network-namespace host, each with its own
# host key and sshd_config, and test users that exist only inside the hosts.
# Source after common.sh and netns.sh, after netns_setup; needs root.
#
#   sshd_setup                  the collector's key pair, the users' files, authorized_keys
#   sshd_user NAME RULE         a test user; RULE is its sudo right:
#                                 nopasswd     tcpdump without a password
#                                 password:PW  tcpdump after the password PW
#                                 other        sudo without a password, for /bin/true only
#   sshd_start I [FLAG]         start sshd on host I (port 22 of its address) and wait until
#                               it listens. FLAG no-tcpdump hides tcpdump from that host, as if
#                               it were not installed; tcpdump-cap puts in its place a copy with
#                               the capture capabilities (setcap), for users without sudo
#   sshd_launch I [FLAG]        the same without waiting; then sshd_wait I... (many hosts)
#   sshd_known_hosts FILE I...  known_hosts lines for these hosts (from their key files)
#   sshd_rekey I                a new host key for host I and a restarted sshd (a host
#                               reinstalled, or an impostor)
#   sshd_kill I                 kill everything running in host I at once (the host dies)
#   SSHD_KEY                    the collector's private key (ed25519)
#
# Nothing on the machine is changed: each sshd runs in its own mount namespace in which
# /etc/passwd, /etc/group, /etc/shadow and /etc/sudoers are bind-mounted from the test's
# files and /run is a private tmpfs, so the users, their sudo rights and sudo's state vanish
# with the host. netns_cleanup kills the sshds; their files are in NETNS_DIR.

SSHD_DIR=
SSHD_KEY=
SSHD_UID=64000
declare -A SSHD_PIDS=()

sshd_setup() {
	[ -n "$NETNS_DIR" ] || bail "sshd_setup: call netns_setup first"
	SSHD_DIR=$NETNS_DIR/sshd
	mkdir -p "$SSHD_DIR/etc" "$SSHD_DIR/home"
	chmod 0755 "$SSHD_DIR" "$SSHD_DIR/etc" "$SSHD_DIR/home"
	SSHD_KEY=$SSHD_DIR/collector_key
	ssh-keygen -q -t ed25519 -N '' -C collector -f "$SSHD_KEY" || bail "ssh-keygen failed"
	cp "$SSHD_KEY.pub" "$SSHD_DIR/authorized_keys"
	cp /etc/passwd "$SSHD_DIR/etc/passwd"
	cp /etc/group "$SSHD_DIR/etc/group"
	cp /etc/shadow "$SSHD_DIR/etc/shadow"
	chmod 0644 "$SSHD_DIR/etc/passwd" "$SSHD_DIR/etc/group"
	chmod 0640 "$SSHD_DIR/etc/shadow"
	cat >"$SSHD_DIR/etc/sudoers" <<-'EOF'
		Defaults env_reset
		Defaults secure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
		Defaults lecture=never
		Defaults !syslog
		root ALL=(ALL:ALL) ALL
	EOF
	chmod 0440 "$SSHD_DIR/etc/sudoers"
	# What hides tcpdump on a no-tcpdump host: a file that cannot be executed.
	: >"$SSHD_DIR/etc/no-tcpdump"
	chmod 0644 "$SSHD_DIR/etc/no-tcpdump"
	# What a tcpdump-cap host runs: tcpdump with the capabilities to capture, as README says.
	cp /usr/bin/tcpdump "$SSHD_DIR/etc/tcpdump-cap"
	setcap cap_net_raw,cap_net_admin=eip "$SSHD_DIR/etc/tcpdump-cap" || bail "setcap failed"
}

# The files are appended to, never replaced: running hosts see them through bind mounts.
sshd_user() {
	local name=$1 rule=$2 hash='*'
	SSHD_UID=$((SSHD_UID + 1))
	case "$rule" in
	password:*)
		hash=$(printf '%s\n' "${rule#password:}" | openssl passwd -6 -stdin) || bail "openssl passwd failed"
		echo "$name ALL=(root) /usr/bin/tcpdump" >>"$SSHD_DIR/etc/sudoers"
		;;
	nopasswd)
		echo "$name ALL=(root) NOPASSWD: /usr/bin/tcpdump" >>"$SSHD_DIR/etc/sudoers"
		;;
	other)
		{
			echo "Defaults:$name !authenticate"
			echo "$name ALL=(root) /bin/true"
		} >>"$SSHD_DIR/etc/sudoers"
		;;
	*) bail "sshd_user: unknown sudo rule '$rule'" ;;
	esac
	echo "$name:x:$SSHD_UID:$SSHD_UID:trafficmap test user:$SSHD_DIR/home:/bin/sh" >>"$SSHD_DIR/etc/passwd"
	echo "$name:x:$SSHD_UID:" >>"$SSHD_DIR/etc/group"
	echo "$name:$hash:19000:0:99999:7:::" >>"$SSHD_DIR/etc/shadow"
}

sshd_host_dir() {
	echo "$SSHD_DIR/h$1"
}

# Start (or restart) host I's sshd with its key and config.
sshd_launch() {
	local i=$1 flags=${2:-} dir
	dir=$(sshd_host_dir "$i")
	mkdir -p "$dir"
	[ -f "$dir/host_key" ] || ssh-keygen -q -t ed25519 -N '' -C "h$i" -f "$dir/host_key" || bail "ssh-keygen failed"
	cat >"$dir/sshd_config" <<-EOF
		ListenAddress $(netns_addr "$i")
		ListenAddress $(netns_addr6 "$i")
		HostKey $dir/host_key
		PidFile none
		AuthorizedKeysFile $SSHD_DIR/authorized_keys
		AuthenticationMethods publickey
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		UsePAM no
		StrictModes no
		PermitRootLogin no
		X11Forwarding no
		PrintMotd no
		PrintLastLog no
		MaxStartups 1000
		LogLevel VERBOSE
	EOF
	{
		echo 'set -e'
		for f in passwd group shadow sudoers; do
			echo "mount --bind '$SSHD_DIR/etc/$f' /etc/$f"
		done
		echo 'mount -t tmpfs -o mode=0755 tmpfs /run'
		echo 'mkdir -m 0755 /run/sshd'
		case "$flags" in
		no-tcpdump | tcpdump-cap) echo "mount --bind '$SSHD_DIR/etc/$flags' /usr/bin/tcpdump" ;;
		"") ;;
		*) bail "sshd_launch: unknown flag '$flags'" ;;
		esac
		echo "exec /usr/sbin/sshd -D -e -f '$dir/sshd_config'"
	} >"$dir/boot.sh"
	SSHD_PIDS[$i]=$(netns_spawn "$i" unshare --mount --propagation private sh "$dir/boot.sh")
}

# Wait until each host's sshd listens; fail the test if one does not.
sshd_wait() {
	local i pid
	for i in "$@"; do
		pid=${SSHD_PIDS[$i]}
		for _ in $(seq 200); do
			if ip netns exec "$(netns_name "$i")" ss -Hltn 'sport = :22' | grep -q .; then
				continue 2
			fi
			pid_alive "$pid" || break
			sleep 0.05
		done
		cat "$NETNS_DIR/h$i.$pid.log" >&2 2>/dev/null
		bail "sshd on host $i did not start"
	done
}

sshd_start() {
	sshd_launch "$@"
	sshd_wait "$1"
}

sshd_known_hosts() {
	local file=$1 i
	shift
	for i in "$@"; do
		echo "$(netns_addr "$i") $(cut -d' ' -f1,2 "$(sshd_host_dir "$i")/host_key.pub")"
	done >>"$file"
}

sshd_rekey() {
	local i=$1 dir
	dir=$(sshd_host_dir "$i")
	netns_kill "${SSHD_PIDS[$i]}"
	rm -f "$dir/host_key" "$dir/host_key.pub"
	sshd_start "$i"
}

# Every process of host I at once: its sshd, the session, sudo, tcpdump.
sshd_kill() {
	local pids
	pids=$(ip netns pids "$(netns_name "$1")")
	[ -z "$pids" ] || kill -KILL $pids 2>/dev/null
}
