#!/usr/bin/env bash
# Golden captures (tests/data/golden/MANIFEST): one per row of the client/server table, per
# link type, header layout and kind of bad packet. Each must be stored exactly as its
# hand-worked expected file says, and the tshark oracle must agree with that file too.
. "$(dirname "$0")/../lib/common.sh"
. "$TM_TESTS/lib/capture.sh"
need psql tshark
[ -x "$TM_LOADER" ] || bail "no loader at $TM_LOADER (run make check)"
dir=$TM_DATA/golden
[ -f "$dir/MANIFEST" ] || bail "tests/data/golden/MANIFEST is missing"
tm_pg
capture_db
tmp=$(tm_tempdir)

rows=()
while read -r name capture expected opts; do
	case "$name" in '' | '#'*) continue ;; esac
	[ -f "$dir/$capture" ] && [ -f "$dir/$expected" ] || bail "golden $name: $capture or $expected is missing"
	rows+=("$name $capture $expected $opts")
done <"$dir/MANIFEST"
[ ${#rows[@]} -ge 20 ] || bail "the golden MANIFEST lists only ${#rows[@]} captures"

files=()
for r in "${rows[@]}"; do
	read -r _ capture _ _ <<<"$r"
	files+=("$dir/$capture")
done
"$TM_LOADER" load -q "${files[@]}"
ok $? "trafficmap load reads the ${#files[@]} golden captures"

for r in "${rows[@]}"; do
	read -r name capture expected opts <<<"$r"
	args=()
	[ "$opts" = - ] || read -r -a args <<<"$opts"
	id=$(capture_id "$dir/$capture")
	grep -v '^#' "$dir/$expected" >"$tmp/$name.edges"
	is "$(capture_diff "${id:-0}" "$tmp/$name.edges" notimes)" "" "$name: the stored edges are the expected ones"
	want=$(sed -n 's/^#counts\t//p' "$dir/$expected" | tr '\t' ' ')
	is "$(psql -XAt -F' ' -c "SELECT packets, skipped_not_ip, skipped_truncated, skipped_malformed, skipped_duplicate
		FROM trafficmap.captures WHERE id = ${id:-0}")" "$want" "$name: the stored counts are the expected ones"
	capture_oracle "$dir/$capture" "$tmp/$name.oracle" "${args[@]}" || bail "the oracle failed on $capture"
	got=$(awk -F'\t' -v OFS='\t' '/^#counts/ { print $1, $2, $4, $5, $6, $7; next }
			{ print $1, $2, $3, $4, $5, $6, $7, $8, $9, $12, $13, $14 }' "$tmp/$name.oracle" | LC_ALL=C sort)
	is "$got" "$(LC_ALL=C sort "$dir/$expected")" "$name: the tshark oracle agrees with the expected file"
	capture_check_oracle "$dir/$capture" "$id" "$tmp/$name.oracle"
done

# Time stamps: per-interface resolution and offset in pcapng, nanoseconds in a big-endian pcap.
q() { psql -XAt -c "$1"; }
is "$(q "SELECT started, ended, link_types::text, snaplen FROM trafficmap.captures WHERE id = $(capture_id "$dir/pcapng-multi.pcapng")")" \
	"2023-11-14 22:13:30+00|2023-11-14 22:13:33+00|{EN10MB,LINUX_SLL,RAW}|0" \
	"pcapng: times from microsecond, nanosecond, 2^-20 and offset interfaces; every link type; an unlimited interface"
is "$(q "SELECT to_char(first_seen, 'HH24:MI:SS.US'), to_char(last_seen, 'HH24:MI:SS.US') FROM trafficmap.traffic WHERE capture_id = $(capture_id "$dir/pcapng-multi.pcapng") AND server_port = 123")" \
	"22:13:32.500000|22:13:32.500000" "pcapng: a 2^-20 s time stamp"
is "$(q "SELECT to_char(started, 'SS.US'), to_char(ended, 'SS.US') FROM trafficmap.captures WHERE id = $(capture_id "$dir/syn-rule.pcap")")" \
	"20.000000|20.008000" "big-endian nanosecond pcap: the packets' times"
done_testing
