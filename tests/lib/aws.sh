# aws.sh: the local AWS endpoints for integration tests (source after common.sh).
#
#   aws_endpoint_start DIR [endpoint.py options...]   sets AWS_PORT, AWS_URL, AWS_LOG
#   imds_start DIR [imds.py options...]               sets IMDS_URL, IMDS_LOG
#   aws_isolate DIR     an environment with no AWS settings but the test's own
#
# Both servers run under Debian's /usr/bin/python3 (botocore verifies the signatures) and
# stop when the test exits. DIR is a directory of the test's own for ports and logs; a
# server started again starts a new log.

AWS_PY=/usr/bin/python3
AWS_DATA=$TM_DATA/aws

aws_wait_port() {
	local file=$1 pid=$2 i
	for i in $(seq 100); do
		[ -s "$file" ] && return 0
		pid_alive "$pid" || return 1
		sleep 0.05
	done
	return 1
}

aws_endpoint_start() {
	local dir=$1
	shift
	rm -f "$dir/endpoint.port"
	: >"$dir/endpoint.log"
	"$AWS_PY" "$TM_TESTS/lib/aws/endpoint.py" --data "$AWS_DATA" --port-file "$dir/endpoint.port" \
		--log "$dir/endpoint.log" "$@" 2>"$dir/endpoint.err" &
	local pid=$!
	on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
	aws_wait_port "$dir/endpoint.port" "$pid" || bail "the local AWS endpoint did not start: $(cat "$dir/endpoint.err")"
	AWS_PORT=$(cat "$dir/endpoint.port")
	AWS_URL=http://127.0.0.1:$AWS_PORT
	AWS_LOG=$dir/endpoint.log
	AWS_ENDPOINT_PID=$pid
}

aws_endpoint_stop() {
	kill "$AWS_ENDPOINT_PID" 2>/dev/null
	wait "$AWS_ENDPOINT_PID" 2>/dev/null
	return 0
}

imds_start() {
	local dir=$1
	shift
	rm -f "$dir/imds.port"
	: >"$dir/imds.log"
	"$AWS_PY" "$TM_TESTS/lib/aws/imds.py" --port-file "$dir/imds.port" --log "$dir/imds.log" "$@" \
		2>"$dir/imds.err" &
	local pid=$!
	on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
	aws_wait_port "$dir/imds.port" "$pid" || bail "the local IMDS did not start: $(cat "$dir/imds.err")"
	IMDS_URL=http://127.0.0.1:$(cat "$dir/imds.port")
	IMDS_LOG=$dir/imds.log
}

# Forget every AWS setting of the machine: a HOME of the test's own, no AWS_* variables,
# and no instance metadata service unless the test starts one.
aws_isolate() {
	local dir=$1 v
	for v in $(env | sed -n 's/^\(AWS_[A-Z_]*\)=.*/\1/p'); do
		unset "$v"
	done
	mkdir -p "$dir/home"
	export HOME=$dir/home
	export AWS_EC2_METADATA_DISABLED=true
}
