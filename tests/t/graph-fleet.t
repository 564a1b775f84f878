#!/usr/bin/env bash
# graph_json on a generated fleet (sql/demo-fleet.sql: 150 instances, 3 envs, 12 archdomains,
# 3 days, addresses changing owner, failed collections) against plain SQL over traffic
# (tests/oracle/graph-links.sql): every link of every grouping but security groups, and the
# totals of every grouping; outputs of graph_json and graph_diff_json valid against
# sql/graph.schema.json (a real validator); the link aggregate in parallel workers, as
# auto_explain shows, with the same map as without them.
. "$(dirname "$0")/../lib/common.sh"
need psql /usr/bin/python3
/usr/bin/python3 -c 'import jsonschema' 2>/dev/null || bail "needs python3-jsonschema; run make deps"
tm_pg
tmp=$(tm_tempdir)
psql -XAtq -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" -c "CREATE EXTENSION trafficmap CASCADE" ||
	bail "CREATE EXTENSION failed"

out=$(psql -XAtq -v ON_ERROR_STOP=1 -v instances=150 -v envs=3 -v archdomains=12 -v days=3 -v fanout=3 \
	-f "$TM_TOP/sql/demo-fleet.sql" 2>&1)
ok $? "sql/demo-fleet.sql makes a fleet"
like "$out" "demo fleet: 150 instances \(2 replaced\), 3 envs, 12 archdomains, 3 days, [0-9]+ traffic rows" "its summary"
is "$(psql -XAt -c "SELECT count(*) FROM trafficmap.collect_hosts WHERE status = 'timeout'")" \
	"$(psql -XAt -c "SELECT count(*) FROM trafficmap.collect_hosts WHERE capture_id IS NULL")" \
	"failed collections have no capture"
is "$(psql -XAt -c "SELECT count(DISTINCT instance_id) FROM trafficmap.ip_owners WHERE address IN (SELECT address FROM trafficmap.ip_owners GROUP BY address HAVING count(*) > 1)")" \
	"4" "two addresses changed owner"

sql() {
	psql -XAtq -v ON_ERROR_STOP=1 -c "SET search_path = trafficmap, public" -c "$1"
}

# graph_json's links in the oracle's form.
links() {
	sql "SELECT l->>'source', l->>'target', l->>'proto', (l->>'server_port')::int, l->>'class',
	            (l->>'edges')::bigint, (l->>'conns')::bigint, (l->>'c2s_bytes')::bigint, (l->>'s2c_bytes')::bigint
	       FROM jsonb_array_elements(graph_json(since => '$1', until => '$2', \"grouping\" => '$3', depth => ${4:-2},
	                                            hide_classes => '{}')->'links') l
	      ORDER BY 1, 2, 3, 4, 5"
}

oracle() {
	psql -XAtq -v since="$1" -v until="$2" -v grouping="$3" -v depth="${4:-2}" -f "$TM_TESTS/oracle/graph-links.sql"
}

# Each grouping in one window or two: a day with its run, a day when addresses changed owner,
# and all three days.
cases=("2016-05-02|2016-05-03|cluster" "2016-05-02|2016-05-03|env" "2016-05-02|2016-05-03|az"
	"2016-05-03|2016-05-04|instance" "2016-05-03|2016-05-04|archdomain" "2016-05-03|2016-05-04|region"
	"2016-05-02|2016-05-05|cluster" "2016-05-02|2016-05-05|instance")
for c in "${cases[@]}"; do
	IFS='|' read -r since until g <<<"$c"
	depth=2
	[ "$g" = archdomain ] && depth=1
	got=$(links "$since" "$until" "$g" "$depth")
	want=$(oracle "$since" "$until" "$g" "$depth")
	if [ -n "$want" ] && [ "$got" == "$want" ]; then
		ok 0 "[$since, $until) by $g: $(wc -l <<<"$got") links as plain SQL over traffic has them"
	else
		ok 1 "[$since, $until) by $g: the links of plain SQL over traffic"
		diag "$(diff <(echo "$want") <(echo "$got") | head -20)"
	fi
done

# Totals: plain sums of the rows the oracle keeps, in every grouping (security groups too).
want=$(oracle 2016-05-02 2016-05-05 region | awk -F'|' '{e += $6; c += $7; b += $8 + $9} END {print e "|" c "|" b}')
for g in instance cluster env archdomain security_group az region; do
	is "$(sql "SELECT concat_ws('|', t->'edges', t->'conns', t->'bytes')
	             FROM (SELECT graph_json(since => '2016-05-02', until => '2016-05-05', \"grouping\" => '$g')->'meta'->'totals' AS t) s")" \
		"$want" "three days by $g: totals as plain SQL over traffic"
done
is "$(sql "SELECT sum((l->>'c2s_bytes')::bigint + (l->>'s2c_bytes')::bigint) >= (g->'meta'->'totals'->>'bytes')::bigint
             FROM (SELECT graph_json(since => '2016-05-02', until => '2016-05-05', \"grouping\" => 'security_group', hide_classes => '{}') g) s,
                  jsonb_array_elements(g->'links') l GROUP BY g->'meta'")" "t" \
	"by security group, an instance's traffic is in each of its groups"

# The schema, on real outputs of every grouping and option, and of graph_diff_json.
for g in instance cluster env archdomain security_group az region; do
	sql "SELECT graph_json(\"grouping\" => '$g')" >"$tmp/$g.json"
done
sql "SELECT graph_json(since => '2016-05-02', until => '2016-05-05', \"grouping\" => 'archdomain', depth => 3,
                       hide_classes => '{monitoring,dns,ntp}', omit_archdomains => '{infra/**,/^offline/}',
                       omit_envs => '{st*}', min_bytes => 100000, collapse_unknown => true, resolve_at => 'now')" >"$tmp/options.json"
sql "SELECT graph_json(capture_ids => (SELECT array_agg(id) FROM trafficmap.captures WHERE id % 7 = 0))" >"$tmp/ids.json"
sql "SELECT graph_json(since => '2030-01-01', until => '2030-01-02')" >"$tmp/empty.json"
out=$("$TM_TESTS/lib/validate-graph" "$tmp"/*.json 2>&1)
ok $? "graph_json's outputs (7 groupings, every option, capture_ids, an empty window) are valid by sql/graph.schema.json"
[ -z "$out" ] || diag "$out"
sql "SELECT graph_diff_json('[2016-05-02,2016-05-03)', '[2016-05-03,2016-05-04)')" >"$tmp/diff1.json"
sql "SELECT graph_diff_json('[2016-05-02,2016-05-04)', '[2016-05-04,2016-05-05)', \"grouping\" => 'instance', hide_classes => '{}')" >"$tmp/diff2.json"
out=$("$TM_TESTS/lib/validate-graph" --diff "$tmp"/diff*.json 2>&1)
ok $? "graph_diff_json's outputs are valid by sql/graph.schema.json"
[ -z "$out" ] || diag "$out"
printf '{"nodes": [], "links": [{"source": "x"}], "meta": {}}\n' >"$tmp/bad.json"
"$TM_TESTS/lib/validate-graph" "$tmp/bad.json" >/dev/null 2>&1
is $? 1 "the validator refuses a map that breaks the schema"
is "$(sql "SELECT count(*) FILTER (WHERE l->>'status' = 'changed') > 0 AND count(*) FILTER (WHERE l->>'status' = 'removed') > 0
             FROM jsonb_array_elements(graph_diff_json('[2016-05-02,2016-05-04)', '[2016-05-04,2016-05-05)', \"grouping\" => 'instance')->'links') l")" \
	"t" "the diff of two windows has changed and removed links (the replaced instances' addresses)"

# Parallel workers: the link aggregate of graph_json's query, as auto_explain logs it.
par="SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
     SET min_parallel_table_scan_size = 0; SET parallel_leader_participation = off;"
explain=$(psql -XAtq -v ON_ERROR_STOP=1 -c "LOAD 'auto_explain'" -c "SET auto_explain.log_min_duration = 0" \
	-c "SET auto_explain.log_nested_statements = on" -c "SET auto_explain.log_analyze = on" \
	-c "SET auto_explain.log_level = notice" -c "SET client_min_messages = notice" -c "$par" \
	-c "SELECT trafficmap.graph_json(since => '2016-05-02', until => '2016-05-05') IS NOT NULL" 2>&1)
plan=$(awk '/graph_links_agg\(\(SELECT trafficmap.graph_map_once\(\$1\)\)/ {p = 1} p' <<<"$explain" | sed -n '/^Nested Loop/,/NOTICE/p')
like "$plan" "Finalize Aggregate.*" "graph_links_agg runs as a finalize aggregate ..."
like "$(tr '\n' ' ' <<<"$plan")" "Gather .*Workers Launched: 2 .*Partial Aggregate .*Parallel (Bitmap Heap|Seq) Scan on traffic" \
	"... over partial aggregates in two parallel workers"
like "$(tr '\n' ' ' <<<"$plan")" "InitPlan 1 .*Gather " \
	"... with the address map made once, above the Gather, and handed to the workers as a parameter"
with=$(psql -XAtq -c "$par" -c "SELECT md5(trafficmap.graph_json(since => '2016-05-02', until => '2016-05-05', \"grouping\" => 'instance')::text)")
without=$(psql -XAtq -c "SET max_parallel_workers_per_gather = 0" -c "SELECT md5(trafficmap.graph_json(since => '2016-05-02', until => '2016-05-05', \"grouping\" => 'instance')::text)")
like "$with" '^[0-9a-f]{32}$' "a map made with parallel workers ..."
is "$with" "$without" "... is the map made without them"
done_testing
