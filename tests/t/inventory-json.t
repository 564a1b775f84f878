#!/usr/bin/env bash
# trafficmap inventory json: aws-cli's describe-instances and describe-security-groups output
# (tests/data/inventory) becomes instances, owners, groups and memberships. The expected
# values are the fixture's own, written out here by hand.
. "$(dirname "$0")/../lib/common.sh"
need psql
data=$TM_DATA/inventory
for f in describe-instances.json describe-security-groups.json; do
	[ -f "$data/$f" ] || bail "missing fixture $data/$f"
done
tm_pg
psql -XAtq -v ON_ERROR_STOP=1 -c "CREATE EXTENSION trafficmap CASCADE" 2>/dev/null || bail "CREATE EXTENSION failed"

sql() {
	psql -XAtq -v ON_ERROR_STOP=1 -c "SET search_path = trafficmap, public" -c "$1"
}

out=$("$TM_LOADER" inventory json "$data/describe-instances.json" "$data/describe-security-groups.json" \
	--at '2016-05-05 00:00:00+00' 2>&1)
is $? 0 "inventory json exits 0"
like "$out" '^inventory json: 5 instances \(5 added, 0 changed, 0 unchanged\), address owners: 12 opened, 0 closed, 0 conflicts; 5 security groups \(5 added, 0 changed\), memberships: 5 opened, 0 closed$' \
	"the summary line counts what was added"

is "$(sql "SELECT string_agg(instance_id || ' ' || name || ' ' || state || ' ' || lifecycle || ' ' || region || ' ' || az, ',' ORDER BY instance_id) FROM instances")" \
	"i-0aaa000000000001 web-1 running on-demand us-east-1 us-east-1a,i-0aaa000000000002 web-2 running spot us-east-1 us-east-1b,i-0bbb000000000003 batch-1 terminated on-demand us-east-1 us-east-1a,i-0bbb000000000004 search-1 running on-demand us-east-1 us-east-1c,i-0ccc000000000005 db-1 stopped on-demand us-east-1 us-east-1a" \
	"instances from every reservation with name, state, lifecycle (spot), region and zone"

is "$(sql "SELECT array_agg(a ORDER BY a) FROM instances, unnest(private_ips) a WHERE instance_id = 'i-0aaa000000000001'")" \
	"{10.0.0.10,10.0.0.11,10.0.0.12,10.0.1.10,10.0.1.11,2600:1f18:44a::10}" \
	"both network interfaces, their secondary private addresses and the IPv6 address"
is "$(sql "SELECT array_agg(a ORDER BY a) FROM instances, unnest(public_ips) a WHERE instance_id = 'i-0aaa000000000001'")" \
	"{54.0.0.10,54.0.0.12}" "public addresses of the primary and of a secondary private address"
is "$(sql "SELECT private_ips::text || public_ips::text FROM instances WHERE instance_id = 'i-0bbb000000000003'")" \
	"{}{}" "the terminated instance has no addresses"

is "$(sql "SELECT tags = '{\"Name\": \"web-1\", \"archdomain\": \" /Online//Mid Tier/ \", \"env\": \"prod\", \"Owner\": \"R&D \\\"Platform\\\" Zürich\", \"cost-center\": \"\"}'::jsonb FROM instances WHERE instance_id = 'i-0aaa000000000001'")" \
	"t" "every tag is kept raw: &, quotes, non-ASCII, an empty value"
is "$(sql "SELECT archdomain::text FROM instances WHERE instance_id = 'i-0aaa000000000001'")" \
	"online/mid_tier" "the messy archdomain tag ' /Online//Mid Tier/ ' is sanitized"
is "$(sql "SELECT archdomain::text FROM instances WHERE instance_id = 'i-0ccc000000000005'")" \
	"online/db" "an upper-case archdomain tag is folded"
is "$(sql "SELECT coalesce(env, 'NULL') FROM instances WHERE instance_id = 'i-0bbb000000000004'")" \
	"NULL" "an instance without an env tag has no env"
is "$(sql "SELECT launched FROM instances WHERE instance_id = 'i-0bbb000000000004'")" \
	"2016-05-04 07:00:00+00" "a launch time in aws-cli v2's form (+00:00) is read"

is "$(sql "SELECT count(*) FROM ip_owners WHERE upper_inf(valid) AND lower(valid) = '2016-05-05 00:00:00+00'")" \
	"12" "every address of the instances that are not terminated has an open owner range from --at"
is "$(sql "SELECT owner_at('10.0.1.11', '2016-05-06') || ' ' || owner_at('54.0.0.12', '2016-05-06') || ' ' || owner_at('2600:1f18:44a::10', '2016-05-06') || ' ' || owner_at('10.0.3.40', '2016-05-06')")" \
	"i-0aaa000000000001 i-0aaa000000000001 i-0aaa000000000001 i-0ccc000000000005" \
	"owner_at finds secondary, public and IPv6 addresses, and a stopped instance's address"
is "$(sql "SELECT coalesce(owner_at('10.0.0.10', '2016-05-04'), 'NULL')")" "NULL" \
	"nobody owns an address before the first run that saw it"

is "$(sql "SELECT string_agg(group_id || ' ' || name || ' ' || jsonb_array_length(rules), ',' ORDER BY group_id) FROM security_groups")" \
	"sg-0db000000000000d db 1,sg-0dbc00000000000b db-client 0,sg-0old00000000000e legacy-admin 1,sg-0sea00000000000c search 1,sg-0web00000000000a web 2" \
	"security groups with their ingress rules"
is "$(sql "SELECT rules->0->'UserIdGroupPairs'->0->>'GroupId' FROM security_groups WHERE group_id = 'sg-0db000000000000d'")" \
	"sg-0dbc00000000000b" "a rule's group-reference source is kept as AWS gives it"
is "$(sql "SELECT string_agg(instance_id || ' ' || group_id, ',' ORDER BY instance_id, group_id) FROM instance_security_groups WHERE upper_inf(valid)")" \
	"i-0aaa000000000001 sg-0dbc00000000000b,i-0aaa000000000001 sg-0web00000000000a,i-0aaa000000000002 sg-0web00000000000a,i-0bbb000000000004 sg-0sea00000000000c,i-0ccc000000000005 sg-0db000000000000d" \
	"memberships from the instances' and the interfaces' groups"
# web has web-1 (online/mid_tier) and web-2 (online/web): a tie goes to the first in order.
is "$(sql "SELECT string_agg(group_id || '=' || coalesce(archdomain::text, 'NULL'), ',' ORDER BY group_id) FROM security_groups")" \
	"sg-0db000000000000d=online/db,sg-0dbc00000000000b=online/mid_tier,sg-0old00000000000e=NULL,sg-0sea00000000000c=prod-online-search-v2/indexer,sg-0web00000000000a=online/mid_tier" \
	"without rules a group's archdomain is its instances' commonest"

# The same run again changes nothing; a later run where web-2 is gone (terminated).
out=$("$TM_LOADER" inventory json "$data/describe-instances.json" --at '2016-05-06 00:00:00+00' 2>&1)
like "$out" '5 instances \(0 added, 0 changed, 5 unchanged\), address owners: 0 opened, 0 closed' "the same inventory again changes nothing"
sed 's/"Name": "running"/"Name": "terminated"/' "$data/describe-instances.json" >"$PGTEMP_DIR/all-terminated.json"
out=$("$TM_LOADER" inventory json "$PGTEMP_DIR/all-terminated.json" --at '2016-05-07 00:00:00+00' 2>&1)
like "$out" 'address owners: 0 opened, 11 closed' "instances listed as terminated give up their addresses"
is "$(sql "SELECT count(*) FROM ip_owners WHERE upper(valid) = '2016-05-07 00:00:00+00'")" "11" \
	"their ranges end at the run's time"
is "$(sql "SELECT owner_at('10.0.0.20', '2016-05-06 12:00') || ' ' || coalesce(owner_at('10.0.0.20', '2016-05-07 12:00'), 'NULL')")" \
	"i-0aaa000000000002 NULL" "the address was web-2's before the run and nobody's after"
is "$(sql "SELECT owner_at('10.0.3.40', '2016-05-07 12:00')")" "i-0ccc000000000005" \
	"the stopped instance keeps its address"

# Tag names are configuration.
out=$("$TM_LOADER" inventory json --archdomain-tag Name --env-tag Owner "$data/describe-instances.json" --at '2016-05-08 00:00:00+00' 2>&1)
is $? 0 "--archdomain-tag and --env-tag"
is "$(sql "SELECT archdomain::text || ' ' || env FROM instances WHERE instance_id = 'i-0aaa000000000001'")" \
	'web-1 R&D "Platform" Zürich' "the named tags give archdomain and env"

# --dry-run applies, reports and rolls back.
before=$(sql "SELECT count(*), max(last_seen) FROM instances")
out=$("$TM_LOADER" inventory json -n "$data/describe-instances.json" --at '2016-05-09 00:00:00+00' 2>&1)
like "$out" 'dry run: rolled back' "--dry-run says it rolled back"
is "$(sql "SELECT count(*), max(last_seen) FROM instances")" "$before" "--dry-run changes nothing"

# Runs apply in time order.
out=$("$TM_LOADER" inventory json "$data/describe-instances.json" --at '2016-05-01 00:00:00+00' 2>&1)
is $? 2 "an inventory older than what is recorded is refused (exit 2)"
like "$out" 'before ownership already recorded' "and says why"
done_testing
