-- baseline.sql: the peer of graph_json in bench/graph: the same map written in plain SQL, the
-- way one would without the extension's C (no graph_links_agg, no traffic_class, no
-- edge_stats): the window's captures, an address map of ip_owners joined to instances, the
-- traffic rows hash-joined to it for both ends, one count per connection and run with EXISTS,
-- classes looked up once per distinct (proto, port, server, archdomain), sums per link with
-- GROUP BY, and the same JSON. Its link query runs through RETURN QUERY, so it may use
-- parallel workers as graph_json's does, and the same planner settings (no JIT, hash joins).
-- Options are graph_json's defaults (monitoring
-- hidden, nothing omitted, min_bytes 0, unknown addresses kept, owners as of each capture).
--
--   pg_temp.baseline_json(since, until, grouping, depth) returns jsonb

CREATE FUNCTION pg_temp.baseline_links(since timestamptz, until timestamptz, grp text, depth integer)
	RETURNS TABLE (source text, target text, proto text, server_port integer, class text, counted boolean,
				   edges bigint, conns numeric, c2s_packets numeric, c2s_bytes numeric, s2c_packets numeric,
				   s2c_bytes numeric, first_seen timestamptz, last_seen timestamptz, syns numeric, fins numeric,
				   rsts numeric)
	LANGUAGE plpgsql SET jit = off SET enable_mergejoin = off
	AS $fn$
DECLARE
	lo timestamptz;
	hi timestamptz;
	first_id bigint;
	last_id bigint;
BEGIN
	SELECT min(c.started), max(c.started), min(c.id), max(c.id) INTO lo, hi, first_id, last_id
	  FROM trafficmap.captures c WHERE c.started >= since AND c.started < until;
	RETURN QUERY EXECUTE $q$
	WITH win AS (
		SELECT c.id, coalesce(c.run_id, -c.id) AS run_key, c.started, c.capturing_host,
		       coalesce(o.instance_id, host(c.capturing_host)) AS host_who
		  FROM trafficmap.captures c
		  LEFT JOIN trafficmap.ip_owners o ON o.address = c.capturing_host AND o.valid @> c.started
		 WHERE c.started >= $1 AND c.started < $2
	), owner AS (
		-- address -> instance -> node, one row per node (several under security groups)
		SELECT o.address, o.valid * coalesce(m.valid, '(,)') AS valid, o.instance_id, i.archdomain,
		       CASE $5 WHEN 'instance' THEN 'instance:' || i.instance_id
		               WHEN 'cluster' THEN 'cluster:' || coalesce(i.archdomain::text, '') || '@' || coalesce(i.env, '')
		               WHEN 'env' THEN 'env:' || coalesce(i.env, '')
		               WHEN 'archdomain' THEN 'archdomain:' || coalesce(trafficmap.rollup(i.archdomain, $6)::text, '')
		               WHEN 'az' THEN 'az:' || coalesce(i.az, '')
		               WHEN 'region' THEN 'region:' || coalesce(i.region, '')
		               ELSE 'security_group:' || coalesce(m.group_id, '') END AS node,
		       coalesce(m.group_id = min(m.group_id) OVER (PARTITION BY o.address, o.valid), true) AS counted
		  FROM trafficmap.ip_owners o
		  JOIN trafficmap.instances i ON i.instance_id = o.instance_id
		  LEFT JOIN trafficmap.instance_security_groups m
		    ON $5 = 'security_group' AND m.instance_id = o.instance_id AND m.valid && o.valid
		 WHERE o.valid && tstzrange($3, $4, '[]')
	), rows AS (
		SELECT t.*, w.run_key, w.host_who, w.started,
		       CASE WHEN w.capturing_host IS NOT NULL AND (t.client << '127.0.0.0/8' OR t.client = '::1')
		            THEN w.capturing_host ELSE t.client END AS c_addr,
		       CASE WHEN w.capturing_host IS NOT NULL AND (t.server << '127.0.0.0/8' OR t.server = '::1')
		            THEN w.capturing_host ELSE t.server END AS s_addr
		  FROM trafficmap.traffic t
		  JOIN win w ON w.id = t.capture_id
		 WHERE t.capture_id BETWEEN $7 AND $8
	), captured AS (
		SELECT DISTINCT w.run_key, w.host_who FROM win w WHERE w.host_who IS NOT NULL
	), kept AS (
		SELECT r.*, co.node AS c_node, so.node AS s_node, so.archdomain AS s_ad,
		       coalesce(co.counted, true) AND coalesce(so.counted, true) AS counted
		  FROM rows r
		  LEFT JOIN owner co ON co.address = r.c_addr AND co.valid @> r.started
		  LEFT JOIN owner so ON so.address = r.s_addr AND so.valid @> r.started
		 WHERE coalesce(so.instance_id, host(r.s_addr)) = r.host_who
		    OR (NOT EXISTS (SELECT FROM captured k WHERE k.run_key = r.run_key
		                       AND k.host_who = coalesce(so.instance_id, host(r.s_addr)))
		        AND (coalesce(co.instance_id, host(r.c_addr)) = r.host_who
		             OR NOT EXISTS (SELECT FROM captured k WHERE k.run_key = r.run_key
		                               AND k.host_who = coalesce(co.instance_id, host(r.c_addr)))))
	), summed AS (
		SELECT k.c_node AS src, CASE WHEN k.c_node IS NULL THEN k.c_addr END AS src_addr,
		       k.s_node AS dst, CASE WHEN k.s_node IS NULL THEN k.s_addr END AS dst_addr,
		       k.proto, k.server_port, k.s_addr, k.s_ad, k.counted,
		       count(*) AS edges, sum(k.conns) AS conns, sum(k.c2s_packets) AS c2s_packets,
		       sum(k.c2s_bytes) AS c2s_bytes, sum(k.s2c_packets) AS s2c_packets, sum(k.s2c_bytes) AS s2c_bytes,
		       min(k.first_seen) AS first_seen, max(k.last_seen) AS last_seen, sum(k.syns) AS syns,
		       sum(k.fins) AS fins, sum(k.rsts) AS rsts
		  FROM kept k
		 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
	), classed AS (
		SELECT s.*, coalesce(c.name, 'application') AS class
		  FROM summed s
		  LEFT JOIN LATERAL (
			SELECT r.name FROM trafficmap.traffic_classes r
			 WHERE (r.proto IS NULL OR r.proto = s.proto)
			   AND (r.server_ports IS NULL OR r.server_ports @> s.server_port)
			   AND (r.peer_cidr IS NULL OR r.peer_cidr >>= s.s_addr)
			   AND (r.peer_archdomain IS NULL OR s.s_ad OPERATOR(trafficmap.~) r.peer_archdomain)
			 ORDER BY r.priority, r.name COLLATE "C" LIMIT 1) c ON true
	), names AS (
		SELECT a.address, CASE WHEN host(a.address) IN ('169.254.169.254', 'fd00:ec2::254') THEN 'metadata'
		                       WHEN trafficmap.foreign_name(a.address) IS NOT NULL
		                       THEN 'foreign:' || trafficmap.foreign_name(a.address)
		                       ELSE 'unknown:' || host(a.address) END AS node
		  FROM (SELECT src_addr AS address FROM summed WHERE src_addr IS NOT NULL
		        UNION SELECT dst_addr FROM summed WHERE dst_addr IS NOT NULL) a
	)
	SELECT coalesce(ns.node, c.src), coalesce(nd.node, c.dst), c.proto, c.server_port, c.class, c.counted,
	       sum(c.edges)::bigint, sum(c.conns), sum(c.c2s_packets), sum(c.c2s_bytes), sum(c.s2c_packets),
	       sum(c.s2c_bytes), min(c.first_seen), max(c.last_seen), sum(c.syns), sum(c.fins), sum(c.rsts)
	  FROM classed c
	  LEFT JOIN names ns ON ns.address = c.src_addr
	  LEFT JOIN names nd ON nd.address = c.dst_addr
	 GROUP BY 1, 2, 3, 4, 5, 6
	$q$ USING since, until, lo, hi, grp, depth, first_id, last_id;
END
$fn$;

CREATE FUNCTION pg_temp.baseline_json(since timestamptz, until timestamptz, grp text, depth integer)
	RETURNS jsonb
	LANGUAGE plpgsql SET jit = off SET enable_mergejoin = off SET enable_nestloop = off
	AS $fn$
DECLARE
	lo timestamptz;
	hi timestamptz;
	n bigint;
	runs bigint;
	result jsonb;
BEGIN
	SELECT min(c.started), max(c.started), count(*), count(DISTINCT coalesce(c.run_id, -c.id))
	  INTO lo, hi, n, runs
	  FROM trafficmap.captures c WHERE c.started >= since AND c.started < until;
	WITH edges AS MATERIALIZED (
		SELECT * FROM pg_temp.baseline_links(since, until, grp, depth)
	), links AS MATERIALIZED (
		SELECT e.source, e.target, e.proto, e.server_port, e.class, sum(e.edges) AS edges, sum(e.conns) AS conns,
		       sum(e.c2s_packets) AS c2s_packets, sum(e.c2s_bytes) AS c2s_bytes, sum(e.s2c_packets) AS s2c_packets,
		       sum(e.s2c_bytes) AS s2c_bytes, min(e.first_seen) AS first_seen, max(e.last_seen) AS last_seen,
		       sum(e.syns) AS syns, sum(e.fins) AS fins, sum(e.rsts) AS rsts
		  FROM edges e WHERE e.class <> 'monitoring'
		 GROUP BY 1, 2, 3, 4, 5
	), member AS MATERIALIZED (
		SELECT DISTINCT CASE grp WHEN 'instance' THEN 'instance:' || i.instance_id
		                         WHEN 'cluster' THEN 'cluster:' || coalesce(i.archdomain::text, '') || '@' || coalesce(i.env, '')
		                         WHEN 'env' THEN 'env:' || coalesce(i.env, '')
		                         WHEN 'archdomain' THEN 'archdomain:' || coalesce(trafficmap.rollup(i.archdomain, depth)::text, '')
		                         WHEN 'az' THEN 'az:' || coalesce(i.az, '')
		                         WHEN 'region' THEN 'region:' || coalesce(i.region, '')
		                         ELSE 'security_group:' || coalesce(m.group_id, '') END AS node,
		       i.instance_id, o.address, o.valid * coalesce(m.valid, '(,)') AS valid
		  FROM trafficmap.ip_owners o
		  JOIN trafficmap.instances i ON i.instance_id = o.instance_id
		  LEFT JOIN trafficmap.instance_security_groups m
		    ON grp = 'security_group' AND m.instance_id = o.instance_id AND m.valid && o.valid
		 WHERE o.valid && tstzrange(lo, hi, '[]')
	), node_ids AS (
		SELECT l.source AS node FROM links l
		UNION SELECT l.target FROM links l
		UNION SELECT m.node FROM trafficmap.captures c JOIN member m ON m.address = c.capturing_host AND m.valid @> c.started
		       WHERE c.started >= since AND c.started < until
	), groups_of AS (
		SELECT m.instance_id, count(DISTINCT m.node) AS n FROM member m GROUP BY m.instance_id
	), prices AS (
		SELECT k.instance_type, k.region, k.lifecycle, trafficmap.price_at(k.instance_type, k.region, k.lifecycle, hi) AS price
		  FROM (SELECT DISTINCT i.instance_type, i.region, i.lifecycle FROM trafficmap.instances i) k
	), priced AS (
		SELECT i.instance_id, coalesce(p.price, i.hourly_price) / CASE WHEN grp = 'security_group' THEN g.n ELSE 1 END AS price
		  FROM trafficmap.instances i
		  JOIN groups_of g ON g.instance_id = i.instance_id
		  LEFT JOIN prices p ON p.instance_type = i.instance_type AND p.region = i.region AND p.lifecycle = i.lifecycle
	), stats AS (
		SELECT DISTINCT ON (o.instance_id) o.instance_id, s.*
		  FROM trafficmap.host_stats s
		  JOIN trafficmap.collect_hosts h ON h.run_id = s.run_id AND h.host = s.host
		  JOIN trafficmap.ip_owners o ON o.address = h.address AND o.valid @> s.collected_at
		 WHERE s.run_id IN (SELECT c.run_id FROM trafficmap.captures c WHERE c.started >= since AND c.started < until)
		 ORDER BY o.instance_id, s.collected_at DESC
	), nodes AS (
		SELECT n.node AS id, count(DISTINCT mb.instance_id) AS k,
		       json_agg(DISTINCT mb.instance_id) FILTER (WHERE mb.instance_id IS NOT NULL) AS members,
		       round(sum(p.price), 6) AS hourly_cost,
		       trafficmap.lca_agg(i.archdomain)::text AS archdomain,
		       CASE WHEN count(DISTINCT coalesce(i.env, '')) = 1 THEN min(i.env) END AS env,
		       CASE WHEN count(st.instance_id) > 0 THEN json_build_object(
		           'hosts', count(st.instance_id), 'load1', round(avg(st.load1)::numeric, 2),
		           'load5', round(avg(st.load5)::numeric, 2), 'load15', round(avg(st.load15)::numeric, 2),
		           'mem_total', sum(st.mem_total), 'mem_available', sum(st.mem_available),
		           'uptime_s_min', min(st.uptime_s), 'collected_at', max(st.collected_at)) END AS host_stats
		  FROM node_ids n
		  LEFT JOIN (SELECT DISTINCT m.node, m.instance_id FROM member m) mb ON mb.node = n.node
		  LEFT JOIN trafficmap.instances i ON i.instance_id = mb.instance_id
		  LEFT JOIN priced p ON p.instance_id = mb.instance_id
		  LEFT JOIN stats st ON st.instance_id = mb.instance_id
		 GROUP BY n.node
	)
	SELECT json_build_object(
		'nodes', (SELECT json_agg(json_strip_nulls(json_build_object('id', n.id, 'members', coalesce(n.members, '[]'),
		                                                             'hourly_cost', n.hourly_cost, 'archdomain', n.archdomain,
		                                                             'env', n.env, 'host_stats', n.host_stats)) ORDER BY n.id)
		            FROM nodes n),
		'links', (SELECT json_agg(json_build_object(
		              'source', l.source, 'target', l.target, 'proto', l.proto, 'server_port', l.server_port,
		              'class', l.class, 'edges', l.edges, 'conns', l.conns,
		              'c2s_packets', l.c2s_packets, 's2c_packets', l.s2c_packets, 'packets', l.c2s_packets + l.s2c_packets,
		              'c2s_bytes', l.c2s_bytes, 's2c_bytes', l.s2c_bytes, 'bytes', l.c2s_bytes + l.s2c_bytes,
		              'first_seen', l.first_seen, 'last_seen', l.last_seen,
		              'syns', l.syns, 'fins', l.fins, 'rsts', l.rsts)
		              ORDER BY l.source, l.target, l.proto, l.server_port, l.class) FROM links l),
		'meta', json_build_object('since', since, 'until', until, 'grouping', grp, 'depth', depth, 'captures', n,
		                          'runs', runs,
		                          'totals', (SELECT json_build_object('edges', sum(e.edges), 'conns', sum(e.conns),
		                                                              'bytes', sum(e.c2s_bytes + e.s2c_bytes))
		                                       FROM edges e WHERE e.counted))
	)::jsonb INTO result;
	RETURN result;
END
$fn$;
