#!/usr/bin/env bash
# trafficmap inventory ec2 against the local EC2-compatible endpoint (tests/lib/aws), which
# verifies every signature with botocore. The oracles: Debian's aws CLI reading the same
# endpoint into `inventory json` (the rows must be identical), Python reading the fixture
# files for the prices, and the endpoint's log of what was asked.
. "$(dirname "$0")/../lib/common.sh"
. "$TM_TESTS/lib/aws.sh"
need psql createdb /usr/bin/python3 /usr/bin/aws script
tmp=$(tm_tempdir)
aws_isolate "$tmp"
tm_pg
for db in ec2 json; do
	createdb "$db" && psql -d "$db" -XAtq -c "CREATE EXTENSION trafficmap CASCADE" 2>/dev/null ||
		bail "could not make database $db"
done

KEY=AKIDTRAFFICMAPTEST01
SECRET='wJalrXUtnFEMI/K7MDENG+bPxRfiCYtrafficmapSECRET'
SKEY=ASIATRAFFICMAPTEST02
SSECRET='session/secret+trafficmapSESSIONSECRET'
TOKEN='FwoGZXIvYXdzEJr//////////wEaDtrafficmapTOKEN+with/slashes=='
XKEY=ASIATRAFFICMAPTEST03
XSECRET='expired-trafficmapEXPIREDSECRET'
XTOKEN='FwoGZXIvYXdzEExpiredtrafficmapEXPIREDTOKEN=='
RKEY=ASIATRAFFICMAPROLE04
RSECRET='role-trafficmapROLESECRET'
RTOKEN='IQoJb3JpZ2luX2VjEtrafficmapROLETOKEN//=='
keys=(--key "$KEY:$SECRET" --key "$SKEY:$SSECRET:$TOKEN" --key "$XKEY:$XSECRET:$XTOKEN:expired"
	--key "$RKEY:$RSECRET:$RTOKEN")
aws_endpoint_start "$tmp" "${keys[@]}"
URL=$AWS_URL

# Every output of the loader is also kept, to look for secrets in at the end.
LOADER=$TM_LOADER
TM_LOADER=$tmp/loader
cat >"$TM_LOADER" <<EOF
#!/usr/bin/env bash
"$LOADER" "\$@" >"$tmp/run.out" 2>"$tmp/run.err"
status=\$?
cat "$tmp/run.out"; cat "$tmp/run.err" >&2
cat "$tmp/run.out" "$tmp/run.err" >>"$tmp/all-output"
exit \$status
EOF
chmod +x "$TM_LOADER"

sql() {
	psql -d "${DB:-ec2}" -XAtq -v ON_ERROR_STOP=1 -c "SET search_path = trafficmap, public" -c "$1"
}

# Run the loader with the long-term key (unless the caller's environment says otherwise).
ec2() {
	env AWS_ACCESS_KEY_ID="${AKID-$KEY}" AWS_SECRET_ACCESS_KEY="${ASECRET-$SECRET}" \
		"$TM_LOADER" "$@"
}

out=$("$TM_LOADER" inventory ec2 --help)
for want in AWS_ACCESS_KEY_ID AWS_SESSION_TOKEN '~/.aws/credentials' '~/.aws/config' IMDSv2 \
	--profile AWS_PROFILE ec2:DescribeRegions ec2:DescribeInstances ec2:DescribeSecurityGroups \
	ec2:DescribeSpotPriceHistory pricing:GetProducts; do
	[[ "$out" == *"$want"* ]]
	ok $? "--help documents $want"
done

# --- one run over every region ------------------------------------------------------------
out=$(ec2 -v inventory ec2 -d ec2 --all-regions --endpoint-url "$URL" 2>"$tmp/err")
is $? 0 "inventory ec2 --all-regions exits 0"
like "$out" 'inventory ec2: 7 instances \(7 added, 0 changed, 0 unchanged\), address owners: 16 opened, 0 closed, 0 conflicts; 5 security groups \(5 added, 0 changed\), memberships: 7 opened, 0 closed' \
	"the summary counts every instance of both regions"
like "$out" 'inventory ec2 prices: 5 on-demand, 5 spot' "on-demand and spot prices for the five types in use"
is "$(grep -c '"refused"' "$AWS_LOG")" 0 "botocore verified the signature of every request"
is "$(grep -c '"method": "POST"' "$AWS_LOG")" "$(wc -l <"$AWS_LOG")" "every call is a POST"

log_field() {
	"$AWS_PY" -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if all(str(e.get(k.split("=")[0])) == k.split("=", 1)[1] for k in sys.argv[3:]):
        print(eval(sys.argv[2], {}, {"e": e, "p": e.get("params", {})}))
' "$AWS_LOG" "$@"
}
is "$(log_field 'e["page"]' action=DescribeInstances region=us-east-1 | tr '\n' ' ')" "1 2 3 " \
	"all three pages of us-east-1's instances were asked for"
is "$(log_field 'p.get("NextToken", "")' action=DescribeInstances region=us-east-1 | sed -n 3p)" \
	"AAEAAW0pZ/r+Q9dQeHQ9MyZiYXI9YmF6Jng9eQ==" "a NextToken with '=', '+' and '/' went back verbatim"
is "$(log_field 'e["page"]' action=DescribeSecurityGroups region=us-east-1 | tr '\n' ' ')" "1 2 " \
	"both pages of security groups"
is "$(log_field 'sorted(v for k, v in p.items() if k.startswith("InstanceType."))' action=DescribeSpotPriceHistory region=us-east-1 | head -1)" \
	"['c5.xlarge', 'm5.large', 't3.micro']" "spot prices asked for the types of live instances only"
is "$(log_field 'p.get("ProductDescription.1")' action=DescribeSpotPriceHistory region=us-west-2)" \
	"Linux/UNIX" "for Linux"
age=$(log_field '__import__("calendar").timegm(__import__("time").strptime(p["StartTime"], "%Y-%m-%dT%H:%M:%SZ"))' \
	action=DescribeSpotPriceHistory region=us-west-2)
age=$(($(date +%s) - age))
[ "$age" -ge 3590 ] && [ "$age" -le 3700 ]
ok $? "spot prices of the last hour (StartTime $age s ago)"
is "$(log_field 'sorted((f["Field"], f["Value"]) for f in p["Filters"])' action=GetProducts | sort -u | head -1)" \
	"[('capacitystatus', 'Used'), ('instanceType', 'c5.xlarge'), ('operatingSystem', 'Linux'), ('preInstalledSw', 'NA'), ('regionCode', 'us-east-1'), ('tenancy', 'Shared')]" \
	"GetProducts is filtered to the type, the region and an ordinary Linux instance"
is "$(log_field 'e["region"]' action=GetProducts | sort -u)" "us-east-1" "the Price List API is signed for us-east-1"

# Prices: the oracle reads the fixture files (products.json, the spot price pages) itself.
"$AWS_PY" - "$AWS_DATA" >"$tmp/expected-prices" <<'PY'
import glob, json, os, sys
import xml.etree.ElementTree as ET
NS = '{http://ec2.amazonaws.com/doc/2016-11-15/}'
data = sys.argv[1]
live = {}      # region -> {instance_id: (type, az, lifecycle)}
for path in glob.glob(os.path.join(data, 'ec2', '*', 'DescribeInstances.*.xml')):
    region = os.path.basename(os.path.dirname(path))
    for inst in ET.parse(path).getroot().iter(NS + 'instancesSet'):
        for item in inst.findall(NS + 'item'):
            if item.findtext(f'{NS}instanceState/{NS}name') == 'terminated':
                continue
            live.setdefault(region, {})[item.findtext(NS + 'instanceId')] = (
                item.findtext(NS + 'instanceType'), item.findtext(f'{NS}placement/{NS}availabilityZone'),
                item.findtext(NS + 'instanceLifecycle') or 'on-demand')
products = json.load(open(os.path.join(data, 'pricing', 'products.json')))
def on_demand(itype, region):
    for p in products:
        a = p['product']['attributes']
        if (a['instanceType'], a['regionCode'], a['operatingSystem'], a['tenancy'], a['preInstalledSw'],
                a['capacitystatus']) == (itype, region, 'Linux', 'Shared', 'NA', 'Used'):
            for offer in p['terms']['OnDemand'].values():
                for dim in offer['priceDimensions'].values():
                    if dim['unit'] == 'Hrs':
                        return float(dim['pricePerUnit']['USD'])
latest = {}    # (region, type, az) -> (timestamp, price)
for path in glob.glob(os.path.join(data, 'ec2', '*', 'DescribeSpotPriceHistory.*.xml')):
    region = os.path.basename(os.path.dirname(path))
    for item in ET.parse(path).getroot().iter(NS + 'item'):
        if item.findtext(NS + 'productDescription') != 'Linux/UNIX':
            continue
        key = (region, item.findtext(NS + 'instanceType'), item.findtext(NS + 'availabilityZone'))
        ts = item.findtext(NS + 'timestamp')
        if key not in latest or ts > latest[key][0]:
            latest[key] = (ts, float(item.findtext(NS + 'spotPrice')))
rows = []
for region, insts in live.items():
    for itype in sorted({t for t, _, _ in insts.values()}):
        rows.append(f'{itype} {region} on-demand {on_demand(itype, region):.6f}')
        zones = [p for (r, t, _), (_, p) in latest.items() if (r, t) == (region, itype)]
        rows.append(f'{itype} {region} spot {sum(zones) / len(zones):.6f}')
    for iid, (itype, az, lifecycle) in insts.items():
        price = latest[(region, itype, az)][1] if lifecycle == 'spot' else on_demand(itype, region)
        rows.append(f'{iid} {price:.6f}')
print('\n'.join(sorted(rows)))
PY
sql "SELECT instance_type || ' ' || region || ' ' || lifecycle || ' ' || round(price, 6) FROM prices
     UNION ALL SELECT instance_id || ' ' || round(hourly_price, 6) FROM instances WHERE state <> 'terminated'
     ORDER BY 1" >"$tmp/got-prices"
diff "$tmp/expected-prices" "$tmp/got-prices" >"$tmp/prices.diff"
ok $? "on-demand and spot prices, and each live instance's hourly price, are the fixtures' (spot: its zone's latest)"
[ -s "$tmp/prices.diff" ] && diag "$(cat "$tmp/prices.diff")"

# --- the same endpoint through Debian's aws CLI and inventory json: identical rows ---------
export AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET
regions=$(/usr/bin/aws --endpoint-url "$URL" --region us-east-1 ec2 describe-regions \
	--query 'Regions[].RegionName' --output text)
files=()
for r in $regions; do
	/usr/bin/aws --endpoint-url "$URL" --region "$r" --output json ec2 describe-instances >"$tmp/$r-instances.json" &&
		/usr/bin/aws --endpoint-url "$URL" --region "$r" --output json ec2 describe-security-groups >"$tmp/$r-groups.json" ||
		bail "aws CLI failed for $r"
	files+=("$tmp/$r-instances.json" "$tmp/$r-groups.json")
done
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
"$TM_LOADER" inventory json -d json "${files[@]}" >/dev/null
is $? 0 "inventory json reads what /usr/bin/aws wrote for regions: $(echo $regions)"

compare() {
	local what=$1 query=$2
	DB=ec2 sql "$query" >"$tmp/ec2.$what"
	DB=json sql "$query" >"$tmp/json.$what"
	diff "$tmp/json.$what" "$tmp/ec2.$what" >"$tmp/$what.diff"
	ok $? "$what: inventory ec2 and inventory json give identical rows ($(wc -l <"$tmp/ec2.$what") rows)"
	[ -s "$tmp/$what.diff" ] && diag "$(head -20 "$tmp/$what.diff")"
	[ -s "$tmp/ec2.$what" ] || ok 1 "$what has rows to compare"
}
compare instances "SELECT instance_id, region, az, vpc_id, private_ips, public_ips, name, archdomain, env,
	tags, instance_type, lifecycle, state, launched FROM instances ORDER BY instance_id"
compare ip_owners "SELECT address, instance_id, upper_inf(valid) FROM ip_owners ORDER BY address"
compare security_groups "SELECT group_id, name, vpc_id, description, rules, archdomain
	FROM security_groups ORDER BY group_id"
compare memberships "SELECT instance_id, group_id, upper_inf(valid) FROM instance_security_groups
	ORDER BY instance_id, group_id"

# A second run finds nothing new.
out=$(ec2 inventory ec2 -d ec2 --region us-east-1 --region us-west-2 --endpoint-url "$URL" 2>&1)
like "$out" 'inventory ec2: 7 instances \(0 added, 0 changed, 7 unchanged\), address owners: 0 opened, 0 closed' \
	"a second run changes nothing"

# --- faults ---------------------------------------------------------------------------------
before=$(sql "SELECT count(*) FROM ip_owners")
ASECRET='not-the-secret' ec2 inventory ec2 -d ec2 --region us-east-1 --endpoint-url "$URL" \
	>"$tmp/out" 2>"$tmp/err"
is $? 2 "a wrong secret: exit 2"
like "$(cat "$tmp/err")" 'AWS refused the credentials \(AuthFailure: AWS was not able to validate the provided access credentials\); check the access key id AKID\*\*\*\*ST01 and its secret access key, from the environment' \
	"a wrong secret: AuthFailure, the key masked, where it came from"
is "$(sql "SELECT count(*) FROM ip_owners")" "$before" "a wrong secret: nothing written"

AKID=$XKEY ASECRET=$XSECRET AWS_SESSION_TOKEN=$XTOKEN ec2 inventory ec2 -d ec2 --region us-east-1 \
	--endpoint-url "$URL" >"$tmp/out" 2>"$tmp/err"
is $? 2 "an expired session token: exit 2"
like "$(cat "$tmp/err")" 'the credentials have expired \(RequestExpired: Request has expired.\); the session token of ASIA\*\*\*\*ST03, from the environment \(AWS_ACCESS_KEY_ID, AWS_SESSION_TOKEN\), is out of date' \
	"an expired session token is named as such"

aws_endpoint_stop
aws_endpoint_start "$tmp" "${keys[@]}" --throttle-first 1
ec2 -v inventory ec2 -d ec2 --region us-east-1 --endpoint-url "$AWS_URL" >"$tmp/out" 2>"$tmp/err"
is $? 0 "throttled first answer, then success: exit 0"
is "$(log_field 'e.get("fault", e.get("page"))' action=DescribeInstances | head -2 | tr '\n' ' ')" "throttle 1 " \
	"the throttled request (503 RequestLimitExceeded) was sent again"
like "$(cat "$tmp/err")" 'attempt 2 of 5 in [0-9.]+ s' "after a backoff"
like "$(cat "$tmp/out" "$tmp/err")" '1 request was repeated' "and the run says so"

aws_endpoint_stop
aws_endpoint_start "$tmp" "${keys[@]}" --malformed us-east-1:DescribeInstances:2
DB=ec2 sql "TRUNCATE instances, ip_owners, security_groups, instance_security_groups, prices"
ec2 inventory ec2 -d ec2 --all-regions --endpoint-url "$AWS_URL" >"$tmp/out" 2>"$tmp/err"
is $? 1 "a malformed XML page: exit 1 (partial)"
like "$(cat "$tmp/err")" 'us-east-1 DescribeInstances page 2:[0-9]+: the answer is not well-formed XML' \
	"the error names the region, call, page and line"
is "$(sql "SELECT string_agg(DISTINCT region, ',') FROM instances")" "us-west-2" \
	"nothing of us-east-1 (not even page 1) was written; us-west-2 was"

aws_endpoint_stop
aws_endpoint_start "$tmp" "${keys[@]}" --fail us-west-2:DescribeInstances:2
DB=ec2 sql "TRUNCATE instances, ip_owners, security_groups, instance_security_groups, prices"
AWS_MAX_ATTEMPTS=3 ec2 inventory ec2 -d ec2 --all-regions --endpoint-url "$AWS_URL" >"$tmp/out" 2>"$tmp/err"
is $? 1 "a region failing half-way: exit 1"
is "$(log_field 'e.get("fault")' action=DescribeInstances region=us-west-2 page=2 | wc -l)" 3 \
	"its failing page was tried AWS_MAX_ATTEMPTS times"
like "$(cat "$tmp/err")" 'us-west-2 DescribeInstances page 2: AWS kept failing after 3 attempts \(HTTP 500 InternalError' \
	"the error says what failed and how often"
is "$(sql "SELECT string_agg(DISTINCT region, ',') FROM instances")" "us-east-1" \
	"us-west-2's first page was not written; us-east-1 loaded"

aws_endpoint_stop
aws_endpoint_start "$tmp" "${keys[@]}" --deny DescribeSpotPriceHistory --deny GetProducts
ec2 inventory ec2 -d ec2 --region us-west-2 --endpoint-url "$AWS_URL" >"$tmp/out" 2>"$tmp/err"
is $? 1 "missing permissions for prices: exit 1, instances loaded"
like "$(cat "$tmp/err")" 'UnauthorizedOperation\): the IAM identity of access key AKID\*\*\*\*ST01 lacks the permission ec2:DescribeSpotPriceHistory' \
	"UnauthorizedOperation names the missing permission"
like "$(cat "$tmp/err")" 'AccessDeniedException\): .* lacks the permission pricing:GetProducts' \
	"so does the Price List API's AccessDeniedException"
is "$(log_field 1 action=GetProducts | wc -l)" 1 "after one denial no more prices are asked for"
is "$(sql "SELECT count(*) FROM instances WHERE region = 'us-west-2'")" 2 "the instances are loaded all the same"

# --- the credential chain ---------------------------------------------------------------------
aws_endpoint_stop
aws_endpoint_start "$tmp" "${keys[@]}"
mkdir -p "$HOME/.aws"
printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n[session]\naws_access_key_id = %s\naws_secret_access_key = %s\naws_session_token = %s\n' \
	"$KEY" "$SECRET" "$SKEY" "$SSECRET" "$TOKEN" >"$HOME/.aws/credentials"
printf '[profile other]\nregion = us-west-2\n' >"$HOME/.aws/config"
chain() {
	"$TM_LOADER" -v inventory ec2 -d ec2 --endpoint-url "$AWS_URL" -n "$@" 2>&1
}
out=$(AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=wrong AWS_DEFAULT_REGION=us-west-2 chain)
like "$out" 'AuthFailure.*from the environment' "1. the environment comes before the credentials file"
out=$(AWS_DEFAULT_REGION=us-west-2 chain)
like "$out" "credentials: access key AKID\*\*\*\*ST01, from profile 'default' in $HOME/.aws/credentials" \
	"2. then the credentials file's default profile"
out=$(AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=wrong AWS_DEFAULT_REGION=us-west-2 chain --profile session)
like "$out" "access key ASIA\*\*\*\*ST02 with a session token, from profile 'session'" \
	"--profile outranks the environment's keys, and a session token rides along"
like "$out" 'inventory ec2: 2 instances' "the session profile's run loads"
out=$(AWS_PROFILE=other chain)
like "$out" "no AWS credentials found: .*profile 'other'" \
	"a profile without keys is not silently replaced"
out=$(AWS_PROFILE=other AWS_CONFIG_FILE=$HOME/.aws/config chain --region us-west-2 --profile nosuch)
like "$out" "the profile 'nosuch' is in neither" "a profile that does not exist is an error"
rm "$HOME/.aws/credentials"
imds_start "$tmp" --role trafficmap-test-role --akid "$RKEY" --secret "$RSECRET" --token "$RTOKEN" --region us-west-2
out=$(unset AWS_EC2_METADATA_DISABLED; AWS_EC2_METADATA_SERVICE_ENDPOINT=$IMDS_URL chain)
like "$out" "access key ASIA\*\*\*\*LE04 with a session token, from the instance role 'trafficmap-test-role' \(IMDSv2" \
	"4. then the instance role, through IMDSv2"
like "$out" 'inventory ec2: 2 instances' "with the instance's own region (us-west-2) from IMDS"
is "$(head -1 "$IMDS_LOG" | grep -c '"method": "PUT", "path": "/latest/api/token", "status": 200')" 1 \
	"the IMDSv2 session token was fetched first"
is "$(grep -c '"status": 401' "$IMDS_LOG")" 0 "no IMDS request went without the token"
out=$(chain --region us-west-2)
like "$out" 'no AWS credentials found.*AWS_EC2_METADATA_DISABLED is true' "nothing configured: a clear error"

# --- secrets never show; progress on a terminal -----------------------------------------------
[ -s "$tmp/all-output" ] || bail "no output was kept"
grep -F -e "$SECRET" -e "$SSECRET" -e "$TOKEN" -e "$XSECRET" -e "$XTOKEN" -e "$RSECRET" -e "$RTOKEN" \
	-e "$KEY" -e "$SKEY" -e "$RKEY" "$tmp/all-output" >/dev/null
is $? 1 "no secret, token or whole access key id in any output, verbose or not"

AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET script -qec \
	"'$LOADER' inventory ec2 -d ec2 -n --all-regions --endpoint-url '$AWS_URL'" /dev/null >"$tmp/tty" 2>&1
is $? 0 "a run on a terminal"
like "$(tr '\r' '\n' <"$tmp/tty")" 'us-east-1: DescribeInstances page 3, [0-9]+ instances so far' \
	"shows its progress: region, call, page, instances"
ec2 inventory ec2 -d ec2 -n --all-regions --endpoint-url "$AWS_URL" 2>&1 | grep -q 'instances so far'
is $? 1 "and no progress line when not on a terminal"
done_testing
