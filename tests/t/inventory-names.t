#!/usr/bin/env bash
# trafficmap inventory foreign, prices, aliases and group-archdomains: names of addresses
# outside the fleet (a file name beats a dns name, the longest prefix wins), prices applied
# to instances, aliases rewriting archdomain tags, rules naming security groups' archdomains.
# Expected values come from the fixture files in tests/data/inventory, read by eye.
. "$(dirname "$0")/../lib/common.sh"
need psql
data=$TM_DATA/inventory
for f in foreign-ips.txt prices.csv aliases.csv group-archdomains.csv describe-instances.json describe-security-groups.json; do
	[ -f "$data/$f" ] || bail "missing fixture $data/$f"
done
tm_pg
psql -XAtq -v ON_ERROR_STOP=1 -c "CREATE EXTENSION trafficmap CASCADE" 2>/dev/null || bail "CREATE EXTENSION failed"
tmp=$(tm_tempdir)

sql() {
	psql -XAtq -v ON_ERROR_STOP=1 -c "SET search_path = trafficmap, public" -c "$1"
}

# Foreign names.
out=$("$TM_LOADER" inventory foreign "$data/foreign-ips.txt" 2>&1)
is "$out" "inventory foreign: 6 names (6 added, 0 changed, 0 unchanged), 0 removed" "the foreign-ips file loads"
sql "INSERT INTO foreign_names VALUES ('192.0.2.5', 'gw.partner.example', 'dns', now()),
       ('10.1.2.3', 'box3.lab.example', 'dns', now()), ('198.51.100.9', 'only-dns.example', 'dns', now())" >/dev/null
is "$(sql "SELECT string_agg(coalesce(foreign_name(a), 'NULL'), ',' ORDER BY n)
             FROM unnest(ARRAY['169.254.169.253', '10.9.9.9', '10.1.2.3', '192.0.2.5', '198.51.100.9', '2001:db8::7', '203.0.113.1']::inet[])
                  WITH ORDINALITY AS v(a, n)")" \
	"aws-dns,corp,lab,partner-gateway,only-dns.example,docs-v6,NULL" \
	"the longest prefix wins, a file name beats a dns name, a dns name names what no file does"
grep -v '^10.1.0.0/16' "$data/foreign-ips.txt" | sed 's/ corp$/ corporate/' >"$tmp/foreign-2.txt"
out=$("$TM_LOADER" inventory foreign "$tmp/foreign-2.txt" 2>&1)
is "$out" "inventory foreign: 5 names (0 added, 1 changed, 4 unchanged), 1 removed" "a new foreign-ips file replaces the old one"
is "$(sql "SELECT foreign_name('10.1.2.3') || ',' || foreign_name('192.0.2.5') || ',' || count(*) FROM foreign_names WHERE source = 'dns'")" \
	"corporate,partner-gateway,3" "its names hold; dns names are kept"

# Prices, then a run that prices its instances.
out=$("$TM_LOADER" inventory prices --at '2016-05-01 00:00:00+00' "$data/prices.csv" 2>&1)
is "$out" "inventory prices: 4 prices (4 added, 0 changed, 0 unchanged)" "the price list loads"
out=$("$TM_LOADER" inventory json --at '2016-05-05 00:00:00+00' "$data/describe-instances.json" "$data/describe-security-groups.json" 2>&1)
is $? 0 "inventory json"
is "$(sql "SELECT string_agg(name || '=' || coalesce(hourly_price::text, 'NULL'), ',' ORDER BY name) FROM instances")" \
	"batch-1=NULL,db-1=0.126,search-1=0.17,web-1=0.096,web-2=0.035" \
	"each instance gets the price of its type, region and lifecycle (an empty region and lifecycle mean every one)"
printf 'm5.large,us-east-1,on-demand,0.1\nm5.large,us-east-1,spot,0.035\n' >"$tmp/prices-2.csv"
out=$("$TM_LOADER" inventory prices --at '2016-06-01 00:00:00+00' "$tmp/prices-2.csv" 2>&1)
is "$out" "inventory prices: 2 prices (0 added, 1 changed, 1 unchanged)" "a price list without a header row; one price changed"
is "$(sql "SELECT string_agg(price || '@' || to_char(as_of, 'YYYY-MM-DD'), ',' ORDER BY as_of) FROM prices WHERE instance_type = 'm5.large' AND lifecycle = 'on-demand'")" \
	"0.096@2016-05-01,0.1@2016-06-01" "prices keep their history"
is "$(sql "SELECT price_at('m5.large', 'us-east-1', 'on-demand', '2016-05-15') || ',' || price_at('m5.large', 'us-east-1', 'on-demand', '2016-06-15')")" \
	"0.096,0.1" "price_at gives the price in force at a time"

# Aliases apply from the next run on.
is "$(sql "SELECT archdomain::text FROM instances WHERE name = 'search-1'")" "prod-online-search-v2/indexer" \
	"before the aliases, the tag is only sanitized"
out=$("$TM_LOADER" inventory aliases "$data/aliases.csv" 2>&1)
is "$out" "inventory aliases: 3 aliases (3 added, 0 changed, 0 unchanged), 0 removed" "the aliases load"
out=$("$TM_LOADER" inventory json --at '2016-05-06 00:00:00+00' "$data/describe-instances.json" 2>&1)
like "$out" '5 instances \(0 added, 1 changed, 4 unchanged\)' "the next run changes the aliased instance"
is "$(sql "SELECT archdomain::text FROM instances WHERE name = 'search-1'")" "online/search/indexer" \
	"the alias with the higher priority rewrites prod-online-search-v2/indexer"
is "$(sql "SELECT string_agg(t || '=' || archdomain_from_tag(t)::text, ',') FROM unnest(ARRAY['prod-online-search-v2/query', 'Prod-Online-Search-V2', 'batch/legacy', 'online/web']) t")" \
	"prod-online-search-v2/query=online/search,Prod-Online-Search-V2=online/search,batch/legacy=legacy,online/web=online/web" \
	"** matches any number of labels, * one; other tags are left alone"

# Security group archdomains: rules first, then the commonest among the group's instances.
out=$("$TM_LOADER" inventory group-archdomains "$data/group-archdomains.csv" 2>&1)
is "$out" "inventory group-archdomains: 3 rules (3 added, 0 changed, 0 unchanged), 0 removed; 3 security groups changed archdomain" \
	"the rules load; web, db-client and legacy-admin change (db already was online/db)"
is "$(sql "SELECT string_agg(name || '=' || coalesce(archdomain::text, 'NULL'), ',' ORDER BY name) FROM security_groups")" \
	"db=online/db,db-client=online/db,legacy-admin=offline/legacy,search=online/search/indexer,web=online/web" \
	"a matching rule names the group; search (no rule) takes its instance's archdomain"
done_testing
