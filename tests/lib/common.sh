# common.sh: what every integration test sources first.
#
# TAP output (plan, ok, is, like, diag, skip_all is deliberately absent: a missing fixture or
# tool fails), a cleanup list that runs on exit and on signals, and the paths of the project.
#
#   . "$(dirname "$0")/../lib/common.sh"
#   on_exit 'rm -rf "$tmp"'
#   ok "$cond_status" "description"     (0 = pass)
#   is "$got" "$want" "description"
#   done_testing

set -u
TM_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TM_TESTS=$TM_TOP/tests
TM_DATA=$TM_TESTS/data
# The loader the tests run: the ASan + UBSan build unless TM_LOADER names another.
TM_LOADER=${TM_LOADER:-$TM_TOP/loader/build-asan/trafficmap}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TZ=UTC

tap_count=0
tap_failed=0
tm_cleanups=()

# Register a shell command to run when the test exits, however it exits; last in, first out.
on_exit() {
	tm_cleanups+=("$1")
}

tm_run_cleanups() {
	local i
	for ((i = ${#tm_cleanups[@]} - 1; i >= 0; i--)); do
		eval "${tm_cleanups[$i]}" || true
	done
	tm_cleanups=()
}

tm_finish() {
	local status=$?
	tm_run_cleanups
	if [ "$tap_failed" -gt 0 ] && [ "$status" -eq 0 ]; then
		status=1
	fi
	exit "$status"
}
trap tm_finish EXIT
trap 'echo "# interrupted"; exit 130' INT
trap 'echo "# terminated"; exit 143' TERM

diag() {
	local line
	while IFS= read -r line; do
		echo "# $line"
	done <<<"$*"
}

# ok STATUS DESCRIPTION: passes when STATUS is 0.
ok() {
	tap_count=$((tap_count + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_count - $2"
	else
		echo "not ok $tap_count - $2"
		tap_failed=$((tap_failed + 1))
	fi
}

# is GOT WANT DESCRIPTION
is() {
	if [ "$1" == "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diag "got:  $1"
		diag "want: $2"
	fi
}

# like GOT REGEX DESCRIPTION
like() {
	if [[ "$1" =~ $2 ]]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diag "got:  $1"
		diag "want: something matching /$2/"
	fi
}

# Fail the whole test at once (a missing fixture or tool is a failure, never a skip).
bail() {
	echo "Bail out! $*"
	exit 1
}

need() {
	local tool
	for tool in "$@"; do
		command -v "$tool" >/dev/null 2>&1 || bail "needs $tool; run make deps"
	done
}

done_testing() {
	echo "1..$tap_count"
}

# Is pid $1 running? A zombie (killed, not yet reaped by its parent) is not.
pid_alive() {
	local state
	state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# A temp directory removed when the test exits.
tm_tempdir() {
	local d
	d=$(mktemp -d "${TMPDIR:-/tmp}/tm-test.XXXXXX")
	chmod 0755 "$d"
	on_exit "rm -rf '$d'"
	echo "$d"
}

# Start a throwaway PostgreSQL for this test (stopped and removed on exit).
tm_pg() {
	. "$TM_TESTS/lib/pgtemp.sh"
	pgtemp_start "" "${1:-}" || bail "could not start a throwaway PostgreSQL"
	on_exit pgtemp_stop
}
