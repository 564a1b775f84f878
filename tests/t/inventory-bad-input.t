#!/usr/bin/env bash
# Bad input for every kind of inventory file: each bad line is reported as FILE:LINE: what is
# wrong (all of them, not only the first), the exit status is 2, and nothing is loaded. The
# bad files are in tests/data/inventory/bad; the expected messages name their lines, read
# from the files by eye.
. "$(dirname "$0")/../lib/common.sh"
need psql
data=$TM_DATA/inventory
bad=$data/bad
[ -d "$bad" ] || bail "missing fixtures in $bad"
tm_pg
psql -XAtq -v ON_ERROR_STOP=1 -c "CREATE EXTENSION trafficmap CASCADE" 2>/dev/null || bail "CREATE EXTENSION failed"
tmp=$(tm_tempdir)

# Everything the inventory tables hold, as one checksum.
state() {
	psql -XAtq -v ON_ERROR_STOP=1 -c "SELECT md5(string_agg(t, '|' ORDER BY t)) FROM (
		SELECT i::text AS t FROM trafficmap.instances i UNION ALL
		SELECT o::text FROM trafficmap.ip_owners o UNION ALL
		SELECT g::text FROM trafficmap.security_groups g UNION ALL
		SELECT m::text FROM trafficmap.instance_security_groups m UNION ALL
		SELECT r::text FROM trafficmap.security_group_archdomains r UNION ALL
		SELECT p::text FROM trafficmap.prices p UNION ALL
		SELECT f::text FROM trafficmap.foreign_names f UNION ALL
		SELECT a::text FROM trafficmap.archdomain_aliases a) s"
}

# expect_bad KIND FILE EXPECTED-MESSAGES: exit 2, exactly these messages, nothing changed.
expect_bad() {
	local kind=$1 file=$2 want=$3 before out status
	before=$(state)
	out=$(cd "$(dirname "$file")" && "$TM_LOADER" inventory "$kind" "$(basename "$file")" 2>&1)
	status=$?
	is "$status" 2 "inventory $kind $(basename "$file"): exit status 2"
	is "$out" "$want" "inventory $kind $(basename "$file"): every bad line as FILE:LINE"
	is "$(state)" "$before" "inventory $kind $(basename "$file"): nothing was loaded"
}

# Something to keep: a good run of every kind.
"$TM_LOADER" inventory prices "$data/prices.csv" >/dev/null &&
	"$TM_LOADER" inventory aliases "$data/aliases.csv" >/dev/null &&
	"$TM_LOADER" inventory group-archdomains "$data/group-archdomains.csv" >/dev/null &&
	"$TM_LOADER" inventory foreign "$data/foreign-ips.txt" >/dev/null &&
	"$TM_LOADER" inventory json "$data/describe-instances.json" "$data/describe-security-groups.json" >/dev/null
is $? 0 "good files of every kind load first"

expect_bad csv "$bad/fleet.csv" "\
trafficmap: error: fleet.csv:3: address '10.0.0.300' is not an IPv4 or IPv6 address
trafficmap: error: fleet.csv:4: hourly_price '\$0.10' is not a price (a decimal number such as 0.096, with no currency sign)
trafficmap: error: fleet.csv:5: lifecycle 'preemptible' is not a lifecycle; use on-demand, spot, reserved or unknown
trafficmap: error: fleet.csv:6: no name; every row needs one (it identifies the host)
trafficmap: error: fleet.csv:9: address '10.0.0.0/24' is a network, not one address
trafficmap: error: fleet.csv:10: 4 fields, but the header row has 6 columns
trafficmap: error: fleet.csv:11: a quoted field is never closed; end it with \" (a quote inside is written \"\")
trafficmap: error: fleet.csv:8: address 10.0.0.5 is also on line 2; an address belongs to one host
trafficmap: error: fleet.csv:7: name 'web1' is also on line 2; names identify hosts
trafficmap: error: fleet.csv: nothing was loaded: 9 problems; fix them and run again"

expect_bad json "$bad/describe-instances.json" "\
trafficmap: error: describe-instances.json:168: Reservations[0].Instances[0].Tags: is an object, not an array
trafficmap: error: describe-instances.json:192: Reservations[0].Instances[1]: has no InstanceId
trafficmap: error: describe-instances.json:480: Reservations[1].Instances[1].NetworkInterfaces[0].PrivateIpAddresses[0].PrivateIpAddress: '10.0.2.300' is not an IPv4 or IPv6 address
trafficmap: error: describe-instances.json:543: Reservations[2].Instances[0].LaunchTime: 'last tuesday' is not a time like 2016-05-01T12:00:00.000Z
trafficmap: error: describe-instances.json: nothing was loaded: 4 problems; fix them and run again"

expect_bad foreign "$bad/foreign-ips.txt" "\
trafficmap: error: foreign-ips.txt:3: 169.254.169.254 has no name; write the name after the address
trafficmap: error: foreign-ips.txt:4: '10.1.2.3/8' has bits set to the right of its prefix length; write the network's first address
trafficmap: error: foreign-ips.txt:5: 'not-an-address' is not an IPv4 or IPv6 address
trafficmap: error: foreign-ips.txt:6: '10.0.0.0/33' has a prefix length that is not a number from 0 to 32
trafficmap: error: foreign-ips.txt:7: 169.254.169.253 is also on line 2; give each address or network one name
trafficmap: error: foreign-ips.txt: nothing was loaded: 5 problems; fix them and run again"

expect_bad aliases "$bad/aliases.csv" "\
trafficmap: error: aliases.csv:5: priority 'high' is not a whole number from -1000000 to 1000000
trafficmap: error: aliases.csv:3: pattern online//web is not an archdomain pattern: archdomain pattern syntax error at character 8
trafficmap: error: aliases.csv:4: replacement Not An/Archdomain! is not an archdomain: archdomain syntax error at character 4
trafficmap: error: aliases.csv:6: pattern prod-online-search-v2/** is also on line 2
trafficmap: error: aliases.csv: nothing was loaded: 4 problems; fix them and run again"

expect_bad prices "$bad/prices.csv" "\
trafficmap: error: prices.csv:4: lifecycle 'preemptible' is not a lifecycle; use on-demand, spot, reserved or unknown
trafficmap: error: prices.csv:5: price 'cheap' is not a price (a decimal number such as 0.096, with no currency sign)
trafficmap: error: prices.csv:6: no instance_type; it is required
trafficmap: error: prices.csv:3: m5.large in us-east-1 (on-demand) is also on line 2
trafficmap: error: prices.csv: nothing was loaded: 4 problems; fix them and run again"

expect_bad group-archdomains "$bad/group-archdomains.csv" "\
trafficmap: error: group-archdomains.csv:3: pattern ^(db is not a regular expression: invalid regular expression: parentheses () not balanced
trafficmap: error: group-archdomains.csv:4: archdomain online//search is not an archdomain: archdomain syntax error at character 8
trafficmap: error: group-archdomains.csv: nothing was loaded: 2 problems; fix them and run again"

# JSON that is not JSON, or is cut short; text that is not UTF-8.
printf '{\n  "Reservations": [\n    }\n' >"$tmp/syntax.json"
expect_bad json "$tmp/syntax.json" "\
trafficmap: error: syntax.json:3: not valid JSON: unexpected character
trafficmap: error: syntax.json: nothing was loaded: 1 problem; fix it and run again"
out=$("$TM_LOADER" inventory json "$bad/describe-instances.json" "$tmp/syntax.json" 2>&1)
is "$?:$(grep -c 'nothing was loaded' <<<"$out")" "2:2" "every file of a json run is checked and reported"
head -c 2000 "$data/describe-instances.json" >"$tmp/cut.json"
expect_bad json "$tmp/cut.json" "\
trafficmap: error: cut.json:$(($(wc -l <"$tmp/cut.json") + 1)): the JSON ends in the middle of a value; is the file cut short?
trafficmap: error: cut.json: nothing was loaded: 1 problem; fix it and run again"
printf 'name,address\nweb1,10.0.0.5\nZ\xfcrich,10.0.0.6\n' >"$tmp/latin1.csv"
expect_bad csv "$tmp/latin1.csv" "\
trafficmap: error: latin1.csv:3: field 1 is not valid UTF-8 text (or holds a NUL byte); save the file as UTF-8
trafficmap: error: latin1.csv: nothing was loaded: 1 problem; fix it and run again"
printf 'name,host\nweb1,10.0.0.5\n' >"$tmp/header.csv"
expect_bad csv "$tmp/header.csv" "\
trafficmap: error: header.csv:1: the header row has no column 'address'; it is required
trafficmap: error: header.csv: nothing was loaded: 1 problem; fix it and run again"

# Usage errors.
"$TM_LOADER" inventory >/dev/null 2>&1
is $? 2 "inventory without a kind: exit status 2"
out=$("$TM_LOADER" inventory yaml x 2>&1)
is "$?:$out" "2:trafficmap: error: inventory: no kind of file named 'yaml'; use csv, json, foreign, aliases, prices or group-archdomains" \
	"an unknown kind"
out=$("$TM_LOADER" inventory foreign --expire "$data/foreign-ips.txt" 2>&1)
is "$?:$out" "2:trafficmap: error: inventory foreign: --expire is for csv and json runs, which list instances" \
	"--expire for a kind without instances"
out=$("$TM_LOADER" inventory csv "$tmp/nonexistent.csv" 2>&1)
is "$?:$out" "2:trafficmap: error: cannot open $tmp/nonexistent.csv: No such file or directory" "a missing file"
out=$("$TM_LOADER" inventory prices --at yesterday-ish "$data/prices.csv" 2>&1)
like "$out" "option --at: 'yesterday-ish' is not a time" "a bad --at is an option error"
out=$("$TM_LOADER" inventory json --expire "$data/describe-security-groups.json" 2>&1)
is "$?" 2 "--expire with only security groups is refused"
"$TM_LOADER" inventory --help | grep -q 'nothing is' 
ok $? "--help says what happens to a file with bad lines"
done_testing
