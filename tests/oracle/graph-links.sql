-- graph-links.sql: the map's links worked out in the plainest SQL there is, as an oracle for
-- graph_json: each traffic row's ends resolved with owner_at() and foreign_name() one by one,
-- the run rule written out with EXISTS, the class rules read from traffic_classes with LIMIT 1,
-- the node of an instance written for each grouping. Slow, and independent of the extension's
-- address map, link aggregate and traffic_class().
--
--   psql -v since=... -v until=... -v grouping=cluster|instance|env|archdomain|az|region \
--        -v depth=2 -f tests/oracle/graph-links.sql
-- prints source|target|proto|server_port|class|edges|conns|c2s_bytes|s2c_bytes per link, sorted.
\set ON_ERROR_STOP on
SET search_path = trafficmap, public;
WITH win AS (
	SELECT c.id, coalesce(c.run_id, -c.id) AS run_key, c.started, c.capturing_host,
	       coalesce(owner_at(c.capturing_host, c.started), host(c.capturing_host)) AS host_who
	  FROM captures c
	 WHERE c.started >= :'since' AND c.started < :'until'
), ends AS (
	SELECT t.*, w.run_key, w.host_who, w.started, e.client AS c_addr, e.server AS s_addr,
	       owner_at(e.client, w.started) AS c_owner, owner_at(e.server, w.started) AS s_owner
	  FROM traffic t
	  JOIN win w ON w.id = t.capture_id
	 CROSS JOIN LATERAL (
		SELECT CASE WHEN w.capturing_host IS NOT NULL AND (t.client << '127.0.0.0/8' OR t.client = '::1')
		            THEN w.capturing_host ELSE t.client END AS client,
		       CASE WHEN w.capturing_host IS NOT NULL AND (t.server << '127.0.0.0/8' OR t.server = '::1')
		            THEN w.capturing_host ELSE t.server END AS server) e
), captured AS (
	SELECT DISTINCT run_key, host_who FROM win WHERE host_who IS NOT NULL
), kept AS (
	SELECT r.*
	  FROM ends r
	 CROSS JOIN LATERAL (SELECT coalesce(r.c_owner, host(r.c_addr)) AS cw, coalesce(r.s_owner, host(r.s_addr)) AS sw) x
	 WHERE x.sw = r.host_who
	    OR (NOT EXISTS (SELECT FROM captured k WHERE k.run_key = r.run_key AND k.host_who = x.sw)
	        AND (x.cw = r.host_who
	             OR NOT EXISTS (SELECT FROM captured k WHERE k.run_key = r.run_key AND k.host_who = x.cw)))
), named AS (
	SELECT k.*,
	       coalesce((SELECT CASE :'grouping'
	                            WHEN 'instance' THEN 'instance:' || i.instance_id
	                            WHEN 'cluster' THEN 'cluster:' || coalesce(i.archdomain::text, '') || '@' || coalesce(i.env, '')
	                            WHEN 'env' THEN 'env:' || coalesce(i.env, '')
	                            WHEN 'archdomain' THEN 'archdomain:' || coalesce(subpath(i.archdomain, 0, least(depth(i.archdomain), :depth))::text, '')
	                            WHEN 'az' THEN 'az:' || coalesce(i.az, '')
	                            WHEN 'region' THEN 'region:' || coalesce(i.region, '') END
	                   FROM instances i WHERE i.instance_id = k.c_owner),
	                CASE WHEN host(k.c_addr) = '169.254.169.254' THEN 'metadata' END,
	                'foreign:' || foreign_name(k.c_addr), 'unknown:' || host(k.c_addr)) AS source,
	       coalesce((SELECT CASE :'grouping'
	                            WHEN 'instance' THEN 'instance:' || i.instance_id
	                            WHEN 'cluster' THEN 'cluster:' || coalesce(i.archdomain::text, '') || '@' || coalesce(i.env, '')
	                            WHEN 'env' THEN 'env:' || coalesce(i.env, '')
	                            WHEN 'archdomain' THEN 'archdomain:' || coalesce(subpath(i.archdomain, 0, least(depth(i.archdomain), :depth))::text, '')
	                            WHEN 'az' THEN 'az:' || coalesce(i.az, '')
	                            WHEN 'region' THEN 'region:' || coalesce(i.region, '') END
	                   FROM instances i WHERE i.instance_id = k.s_owner),
	                CASE WHEN host(k.s_addr) = '169.254.169.254' THEN 'metadata' END,
	                'foreign:' || foreign_name(k.s_addr), 'unknown:' || host(k.s_addr)) AS target,
	       coalesce((SELECT c.name FROM traffic_classes c
	                  WHERE (c.proto IS NULL OR c.proto = k.proto)
	                    AND (c.server_ports IS NULL OR c.server_ports @> k.server_port)
	                    AND (c.peer_cidr IS NULL OR c.peer_cidr >>= k.s_addr)
	                    AND (c.peer_archdomain IS NULL
	                         OR (SELECT i.archdomain FROM instances i WHERE i.instance_id = k.s_owner)
	                            OPERATOR(trafficmap.~) c.peer_archdomain)
	                  ORDER BY c.priority, c.name COLLATE "C" LIMIT 1), 'application') AS class
	  FROM kept k
)
SELECT source, target, proto, server_port, class, count(*) AS edges, sum(conns) AS conns,
       sum(c2s_bytes) AS c2s_bytes, sum(s2c_bytes) AS s2c_bytes
  FROM named
 GROUP BY 1, 2, 3, 4, 5
 ORDER BY 1, 2, 3, 4, 5;
