-- pgTAP: a small fleet whose map is worked out by hand (the expected values below are
-- written from the rules, not taken from an earlier run).
--
-- Day 1 (2024-03-01), run r1 at 10:00, captures of web1, api1 and mon1 (db1 is not captured):
--   web1 -> api1:8080     in web1's capture (client copy: 1000/5000 bytes) and api1's (server
--                         copy: 1100/5200): the server's copy counts
--   api1 -> db1:5432      only in api1's capture (db1 not captured): the client's copy counts
--   api1 -> 169.254.169.254:80   the metadata node and class
--   api1 -> 52.216.1.1:443       a foreign name (s3, from 52.216.0.0/15)
--   api1 127.0.0.1 -> 127.0.0.1:6432   loopback: the capturing host itself
--   mon1 -> web1:9100, mon1 -> api1:9100   monitoring scrapes, in both captures: servers' copies
--   web1 -> 10.0.0.5:443  10.0.0.5 is old1's (offline/batch, stage) on day 1
--   web1 -> 203.0.113.7:443   unknown (203.0.113.0/24 collapsed)
--   web1 -> 192.0.2.50:25 in web1's capture and in the capture of 192.0.2.50 itself, a host
--                         no instance owns (captured with --host 192.0.2.50): its copy counts
-- Day 2 (2024-03-02), run r2 at 10:00, a capture of web1 only, and a capture without run or host:
--   web1 -> 10.0.0.5:443  10.0.0.5 is new1's (online/api, prod) from day 2 00:00
--   web1 -> api1:8080     client copy (api1 not captured in r2): counts
--   10.0.0.1 -> 10.0.0.2:8080 in the capture without a run: its own run, counts too
-- Security groups: web1 sg-web; api1 sg-api and sg-base (two: its price splits in half); db1
-- sg-db; mon1 sg-base; old1 none. Prices: m5.large 0.10, from day 2 0.12; r5.large 0.20;
-- t3.micro 0.01.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS trafficmap CASCADE;
SET search_path TO trafficmap, public;
SET timezone = 'UTC';
SELECT plan(23);

INSERT INTO instances (instance_id, source, region, az, name, archdomain, env, instance_type,
                       lifecycle, hourly_price, state, first_seen, last_seen) VALUES
	('web1', 'csv', 'us-east-1', 'us-east-1a', 'web-1', 'online/web', 'prod', 'm5.large', 'on-demand', 0.5, 'running', '2024-01-01', '2024-03-02'),
	('api1', 'csv', 'us-east-1', 'us-east-1b', 'api-1', 'online/api', 'prod', 'm5.large', 'on-demand', 0.5, 'running', '2024-01-01', '2024-03-02'),
	('db1', 'csv', 'us-east-1', 'us-east-1a', 'db-1', 'online/db', 'prod', 'r5.large', 'on-demand', 0.5, 'running', '2024-01-01', '2024-03-02'),
	('mon1', 'csv', 'us-east-1', 'us-east-1c', 'mon-1', 'infra/monitoring', 'prod', 't3.micro', 'on-demand', 0.5, 'running', '2024-01-01', '2024-03-02'),
	('old1', 'csv', 'us-east-1', 'us-east-1a', 'old-1', 'offline/batch', 'stage', 'm5.large', 'on-demand', 0.5, 'terminated', '2024-01-01', '2024-03-01'),
	('new1', 'csv', 'us-east-1', 'us-east-1b', 'new-1', 'online/api', 'prod', 'm5.large', 'on-demand', 0.5, 'running', '2024-03-02', '2024-03-02');
INSERT INTO ip_owners VALUES
	('10.0.0.1', 'web1', '[2024-01-01,)'), ('10.0.0.2', 'api1', '[2024-01-01,)'),
	('10.0.0.3', 'db1', '[2024-01-01,)'), ('10.0.0.9', 'mon1', '[2024-01-01,)'),
	('10.0.0.5', 'old1', '[2024-01-01,2024-03-02)'), ('10.0.0.5', 'new1', '[2024-03-02,)');
INSERT INTO security_groups (group_id, name, first_seen, last_seen) VALUES
	('sg-web', 'web', '2024-01-01', '2024-03-02'), ('sg-api', 'api', '2024-01-01', '2024-03-02'),
	('sg-base', 'base', '2024-01-01', '2024-03-02'), ('sg-db', 'db', '2024-01-01', '2024-03-02');
INSERT INTO instance_security_groups VALUES
	('web1', 'sg-web', '[2024-01-01,)'), ('api1', 'sg-api', '[2024-01-01,)'),
	('api1', 'sg-base', '[2024-01-01,)'), ('db1', 'sg-db', '[2024-01-01,)'),
	('mon1', 'sg-base', '[2024-01-01,)'), ('new1', 'sg-api', '[2024-03-02,)');
INSERT INTO prices VALUES
	('m5.large', '', '', 0.10, '2024-01-01'), ('m5.large', '', '', 0.12, '2024-03-02'),
	('r5.large', '', '', 0.20, '2024-01-01'), ('t3.micro', '', '', 0.01, '2024-01-01');
INSERT INTO foreign_names VALUES ('52.216.0.0/15', 's3', 'file', '2024-01-01');

INSERT INTO collect_runs (id, name, started, ended) VALUES
	(101, 'r1', '2024-03-01 10:00', '2024-03-01 10:02'), (102, 'r2', '2024-03-02 10:00', '2024-03-02 10:02');
INSERT INTO captures (id, run_id, source, capturing_host, sha256, link_types, snaplen, started, ended,
                      packets, bytes, skipped_packets, skipped_not_ip, skipped_truncated,
                      skipped_malformed, skipped_duplicate, status)
SELECT id, run, src, host, repeat(to_hex(id), 64 / length(to_hex(id))), '{EN10MB}', 128, t, t + interval '1 minute',
       0, 0, 0, 0, 0, 0, 0, 'complete'
  FROM (VALUES (1, 101, 'web1', '10.0.0.1'::inet, '2024-03-01 10:00:00+00'::timestamptz),
               (2, 101, 'api1', '10.0.0.2', '2024-03-01 10:00:01'),
               (3, 101, 'mon1', '10.0.0.9', '2024-03-01 10:00:02'),
               (4, 102, 'web1', '10.0.0.1', '2024-03-02 10:00:00'),
               (6, 101, 'mail', '192.0.2.50', '2024-03-01 10:00:03'),
               (5, NULL, 'file.pcap', NULL, '2024-03-02 11:00:00')) v(id, run, src, host, t);
INSERT INTO traffic (capture_id, proto, client, server, server_port, conns, c2s_packets, c2s_bytes,
                     s2c_packets, s2c_bytes, first_seen, last_seen, syns, fins, rsts)
SELECT c, p, cl::inet, sv::inet, port, conns, cp, cb, sp, sb, s, s + interval '30 seconds', 2 * conns, 2 * conns, 0
  FROM (VALUES
	-- day 1, web1's capture
	(1, 'tcp', '10.0.0.1', '10.0.0.2', 8080, 2, 9, 1000, 12, 5000, '2024-03-01 10:00:05+00'::timestamptz),
	(1, 'tcp', '10.0.0.9', '10.0.0.1', 9100, 1, 4, 60, 5, 2100, '2024-03-01 10:00:10'),
	(1, 'tcp', '10.0.0.1', '10.0.0.5', 443, 1, 3, 200, 4, 800, '2024-03-01 10:00:06'),
	(1, 'tcp', '10.0.0.1', '203.0.113.7', 443, 1, 1, 10, 1, 20, '2024-03-01 10:00:07'),
	(1, 'tcp', '10.0.0.1', '192.0.2.50', 25, 1, 2, 70, 2, 30, '2024-03-01 10:00:14'),
	-- day 1, the capture of 192.0.2.50
	(6, 'tcp', '10.0.0.1', '192.0.2.50', 25, 1, 3, 75, 3, 35, '2024-03-01 10:00:14'),
	-- day 1, api1's capture
	(2, 'tcp', '10.0.0.1', '10.0.0.2', 8080, 2, 10, 1100, 13, 5200, '2024-03-01 10:00:04'),
	(2, 'tcp', '10.0.0.2', '10.0.0.3', 5432, 3, 6, 300, 9, 3000, '2024-03-01 10:00:08'),
	(2, 'tcp', '10.0.0.2', '169.254.169.254', 80, 1, 2, 100, 3, 400, '2024-03-01 10:00:09'),
	(2, 'tcp', '10.0.0.2', '52.216.1.1', 443, 1, 2, 10, 5, 990, '2024-03-01 10:00:11'),
	(2, 'tcp', '127.0.0.1', '127.0.0.1', 6432, 4, 8, 40, 8, 80, '2024-03-01 10:00:12'),
	(2, 'tcp', '10.0.0.9', '10.0.0.2', 9100, 1, 4, 55, 5, 1600, '2024-03-01 10:00:13'),
	-- day 1, mon1's capture: the client copies of its scrapes
	(3, 'tcp', '10.0.0.9', '10.0.0.1', 9100, 1, 3, 50, 5, 2000, '2024-03-01 10:00:10'),
	(3, 'tcp', '10.0.0.9', '10.0.0.2', 9100, 1, 3, 50, 4, 1500, '2024-03-01 10:00:13'),
	-- day 2, web1's capture and the capture without run or host
	(4, 'tcp', '10.0.0.1', '10.0.0.5', 443, 1, 3, 300, 4, 900, '2024-03-02 10:00:05'),
	(4, 'tcp', '10.0.0.1', '10.0.0.2', 8080, 1, 5, 500, 6, 2500, '2024-03-02 10:00:06'),
	(5, 'tcp', '10.0.0.1', '10.0.0.2', 8080, 1, 1, 7, 1, 9, '2024-03-02 11:00:01')
  ) v(c, p, cl, sv, port, conns, cp, cb, sp, sb, s);
INSERT INTO collect_hosts (run_id, host, address, status, started, ended, capture_id) VALUES
	(101, 'web-1', '10.0.0.1', 'ok', '2024-03-01 10:00', '2024-03-01 10:01', 1),
	(101, 'api-1', '10.0.0.2', 'ok', '2024-03-01 10:00', '2024-03-01 10:01', 2);
INSERT INTO host_stats VALUES
	(101, 'web-1', 86400, 0.5, 0.25, 0.125, 8000000000, 6000000000, '2024-03-01 10:00:00'),
	(101, 'api-1', 3600, 1.5, 1.25, 1.0, 8000000000, NULL, '2024-03-01 10:00:01');

-- Links and nodes reduced to what this test compares, sorted.
CREATE FUNCTION pg_temp.links(g jsonb) RETURNS jsonb LANGUAGE sql AS $$
	SELECT coalesce(jsonb_agg(jsonb_build_object('source', l->'source', 'target', l->'target',
	                                              'port', l->'server_port', 'class', l->'class',
	                                              'edges', l->'edges', 'conns', l->'conns',
	                                              'c2s_bytes', l->'c2s_bytes', 's2c_bytes', l->'s2c_bytes')
	                          ORDER BY l->>'source', l->>'target', (l->>'server_port')::int, l->>'class'), '[]')
	  FROM jsonb_array_elements(g->'links') l
$$;
CREATE FUNCTION pg_temp.nodes(g jsonb) RETURNS jsonb LANGUAGE sql AS $$
	SELECT coalesce(jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
	           'id', n->'id', 'kind', n->'kind', 'label', n->'label', 'env', n->'env',
	           'archdomain', n->'archdomain', 'members', n->'members', 'cost', n->'hourly_cost'))
	           ORDER BY n->>'id'), '[]')
	  FROM jsonb_array_elements(g->'nodes') n
$$;

CREATE TEMP TABLE g AS SELECT
	graph_json(since => '2024-03-01', until => '2024-03-02', "grouping" => 'instance', hide_classes => '{}') AS day1_instance,
	graph_json(since => '2024-03-01', until => '2024-03-02') AS day1_cluster,
	graph_json(since => '2024-03-01', until => '2024-03-02', "grouping" => 'security_group', hide_classes => '{}') AS day1_sg,
	graph_json() AS defaults,
	graph_json(since => '2024-03-01', until => '2024-03-02', resolve_at => 'now', collapse_unknown => true) AS day1_now;

SELECT is(pg_temp.links(day1_instance), $$[
	{"source": "instance:api1", "target": "foreign:s3",      "port": 443,  "class": "application", "edges": 1, "conns": 1, "c2s_bytes": 10,   "s2c_bytes": 990},
	{"source": "instance:api1", "target": "instance:api1",   "port": 6432, "class": "application", "edges": 1, "conns": 4, "c2s_bytes": 40,   "s2c_bytes": 80},
	{"source": "instance:api1", "target": "instance:db1",    "port": 5432, "class": "application", "edges": 1, "conns": 3, "c2s_bytes": 300,  "s2c_bytes": 3000},
	{"source": "instance:api1", "target": "metadata",        "port": 80,   "class": "metadata",    "edges": 1, "conns": 1, "c2s_bytes": 100,  "s2c_bytes": 400},
	{"source": "instance:mon1", "target": "instance:api1",   "port": 9100, "class": "monitoring",  "edges": 1, "conns": 1, "c2s_bytes": 55,   "s2c_bytes": 1600},
	{"source": "instance:mon1", "target": "instance:web1",   "port": 9100, "class": "monitoring",  "edges": 1, "conns": 1, "c2s_bytes": 60,   "s2c_bytes": 2100},
	{"source": "instance:web1", "target": "instance:api1",   "port": 8080, "class": "application", "edges": 1, "conns": 2, "c2s_bytes": 1100, "s2c_bytes": 5200},
	{"source": "instance:web1", "target": "instance:old1",   "port": 443,  "class": "application", "edges": 1, "conns": 1, "c2s_bytes": 200,  "s2c_bytes": 800},
	{"source": "instance:web1", "target": "unknown:192.0.2.50", "port": 25, "class": "application", "edges": 1, "conns": 1, "c2s_bytes": 75, "s2c_bytes": 35},
	{"source": "instance:web1", "target": "unknown:203.0.113.7", "port": 443, "class": "application", "edges": 1, "conns": 1, "c2s_bytes": 10, "s2c_bytes": 20}
	]$$::jsonb, 'day 1 by instance: both-ends connections from the server''s capture (also a server no instance owns), db1''s from the client''s, loopback, metadata, foreign, unknown, 10.0.0.5 as old1')
  FROM g;

SELECT is(pg_temp.nodes(day1_instance), $$[
	{"id": "foreign:s3", "kind": "foreign", "label": "s3", "members": []},
	{"id": "instance:api1", "kind": "instance", "label": "api-1", "env": "prod", "archdomain": "online/api", "members": ["api1"], "cost": 0.1},
	{"id": "instance:db1", "kind": "instance", "label": "db-1", "env": "prod", "archdomain": "online/db", "members": ["db1"], "cost": 0.2},
	{"id": "instance:mon1", "kind": "instance", "label": "mon-1", "env": "prod", "archdomain": "infra/monitoring", "members": ["mon1"], "cost": 0.01},
	{"id": "instance:old1", "kind": "instance", "label": "old-1", "env": "stage", "archdomain": "offline/batch", "members": ["old1"], "cost": 0.1},
	{"id": "instance:web1", "kind": "instance", "label": "web-1", "env": "prod", "archdomain": "online/web", "members": ["web1"], "cost": 0.1},
	{"id": "metadata", "kind": "metadata", "label": "metadata", "members": []},
	{"id": "unknown:192.0.2.50", "kind": "unknown", "label": "192.0.2.50", "members": []},
	{"id": "unknown:203.0.113.7", "kind": "unknown", "label": "203.0.113.7", "members": []}
	]$$::jsonb, 'day 1 by instance: nodes, prices of day 1')
  FROM g;

SELECT is(day1_instance->'meta'->'totals', '{"edges": 10, "conns": 16, "packets": 99, "c2s_bytes": 1950, "s2c_bytes": 14225, "bytes": 16175}'::jsonb,
          'day 1 totals: each connection once')
  FROM g;

SELECT is((SELECT n->'host_stats' FROM jsonb_array_elements(day1_instance->'nodes') n WHERE n->>'id' = 'instance:web1'),
          '{"hosts": 1, "load1": 0.50, "load5": 0.25, "load15": 0.13, "mem_total": 8000000000, "mem_available": 6000000000, "uptime_s_min": 86400, "collected_at": "2024-03-01T10:00:00+00:00"}'::jsonb,
          'a member''s latest host stats')
  FROM g;

SELECT is((SELECT n->'instance_type' FROM jsonb_array_elements(day1_instance->'nodes') n WHERE n->>'id' = 'instance:db1'),
          '"r5.large"'::jsonb, 'instance nodes carry their type')
  FROM g;

SELECT is(pg_temp.links(day1_cluster), $$[
	{"source": "cluster:online/api@prod", "target": "cluster:online/api@prod", "port": 6432, "class": "application", "edges": 1, "conns": 4, "c2s_bytes": 40, "s2c_bytes": 80},
	{"source": "cluster:online/api@prod", "target": "cluster:online/db@prod", "port": 5432, "class": "application", "edges": 1, "conns": 3, "c2s_bytes": 300, "s2c_bytes": 3000},
	{"source": "cluster:online/api@prod", "target": "foreign:s3", "port": 443, "class": "application", "edges": 1, "conns": 1, "c2s_bytes": 10, "s2c_bytes": 990},
	{"source": "cluster:online/api@prod", "target": "metadata", "port": 80, "class": "metadata", "edges": 1, "conns": 1, "c2s_bytes": 100, "s2c_bytes": 400},
	{"source": "cluster:online/web@prod", "target": "cluster:offline/batch@stage", "port": 443, "class": "application", "edges": 1, "conns": 1, "c2s_bytes": 200, "s2c_bytes": 800},
	{"source": "cluster:online/web@prod", "target": "cluster:online/api@prod", "port": 8080, "class": "application", "edges": 1, "conns": 2, "c2s_bytes": 1100, "s2c_bytes": 5200},
	{"source": "cluster:online/web@prod", "target": "unknown:192.0.2.50", "port": 25, "class": "application", "edges": 1, "conns": 1, "c2s_bytes": 75, "s2c_bytes": 35},
	{"source": "cluster:online/web@prod", "target": "unknown:203.0.113.7", "port": 443, "class": "application", "edges": 1, "conns": 1, "c2s_bytes": 10, "s2c_bytes": 20}
	]$$::jsonb, 'day 1 by cluster: monitoring hidden by default')
  FROM g;

SELECT is((SELECT jsonb_agg(n->>'id' ORDER BY n->>'id') FROM jsonb_array_elements(day1_cluster->'nodes') n),
          '["cluster:infra/monitoring@prod", "cluster:offline/batch@stage", "cluster:online/api@prod", "cluster:online/db@prod", "cluster:online/web@prod", "foreign:s3", "metadata", "unknown:192.0.2.50", "unknown:203.0.113.7"]'::jsonb,
          'day 1 by cluster: the monitoring cluster is a node (a capturing host) without links')
  FROM g;

SELECT is((SELECT n->>'label' FROM jsonb_array_elements(day1_cluster->'nodes') n WHERE n->>'id' = 'cluster:online/api@prod'),
          'online/api (prod)', 'a cluster''s label is its archdomain and env')
  FROM g;

SELECT is(day1_cluster->'meta'->'classes'->'monitoring', '{"edges": 2, "conns": 2, "packets": 18, "bytes": 3815, "hidden": true}'::jsonb,
          'meta.classes: the hidden monitoring class and its totals')
  FROM g;

SELECT is(pg_temp.links(day1_sg), $$[
	{"source": "security_group:sg-api", "target": "foreign:s3", "port": 443, "class": "application", "edges": 1, "conns": 1, "c2s_bytes": 10, "s2c_bytes": 990},
	{"source": "security_group:sg-api", "target": "metadata", "port": 80, "class": "metadata", "edges": 1, "conns": 1, "c2s_bytes": 100, "s2c_bytes": 400},
	{"source": "security_group:sg-api", "target": "security_group:sg-api", "port": 6432, "class": "application", "edges": 1, "conns": 4, "c2s_bytes": 40, "s2c_bytes": 80},
	{"source": "security_group:sg-api", "target": "security_group:sg-base", "port": 6432, "class": "application", "edges": 1, "conns": 4, "c2s_bytes": 40, "s2c_bytes": 80},
	{"source": "security_group:sg-api", "target": "security_group:sg-db", "port": 5432, "class": "application", "edges": 1, "conns": 3, "c2s_bytes": 300, "s2c_bytes": 3000},
	{"source": "security_group:sg-base", "target": "foreign:s3", "port": 443, "class": "application", "edges": 1, "conns": 1, "c2s_bytes": 10, "s2c_bytes": 990},
	{"source": "security_group:sg-base", "target": "metadata", "port": 80, "class": "metadata", "edges": 1, "conns": 1, "c2s_bytes": 100, "s2c_bytes": 400},
	{"source": "security_group:sg-base", "target": "security_group:sg-api", "port": 6432, "class": "application", "edges": 1, "conns": 4, "c2s_bytes": 40, "s2c_bytes": 80},
	{"source": "security_group:sg-base", "target": "security_group:sg-api", "port": 9100, "class": "monitoring", "edges": 1, "conns": 1, "c2s_bytes": 55, "s2c_bytes": 1600},
	{"source": "security_group:sg-base", "target": "security_group:sg-base", "port": 6432, "class": "application", "edges": 1, "conns": 4, "c2s_bytes": 40, "s2c_bytes": 80},
	{"source": "security_group:sg-base", "target": "security_group:sg-base", "port": 9100, "class": "monitoring", "edges": 1, "conns": 1, "c2s_bytes": 55, "s2c_bytes": 1600},
	{"source": "security_group:sg-base", "target": "security_group:sg-db", "port": 5432, "class": "application", "edges": 1, "conns": 3, "c2s_bytes": 300, "s2c_bytes": 3000},
	{"source": "security_group:sg-base", "target": "security_group:sg-web", "port": 9100, "class": "monitoring", "edges": 1, "conns": 1, "c2s_bytes": 60, "s2c_bytes": 2100},
	{"source": "security_group:sg-web", "target": "security_group:", "port": 443, "class": "application", "edges": 1, "conns": 1, "c2s_bytes": 200, "s2c_bytes": 800},
	{"source": "security_group:sg-web", "target": "security_group:sg-api", "port": 8080, "class": "application", "edges": 1, "conns": 2, "c2s_bytes": 1100, "s2c_bytes": 5200},
	{"source": "security_group:sg-web", "target": "security_group:sg-base", "port": 8080, "class": "application", "edges": 1, "conns": 2, "c2s_bytes": 1100, "s2c_bytes": 5200},
	{"source": "security_group:sg-web", "target": "unknown:192.0.2.50", "port": 25, "class": "application", "edges": 1, "conns": 1, "c2s_bytes": 75, "s2c_bytes": 35},
	{"source": "security_group:sg-web", "target": "unknown:203.0.113.7", "port": 443, "class": "application", "edges": 1, "conns": 1, "c2s_bytes": 10, "s2c_bytes": 20}
	]$$::jsonb, 'day 1 by security group: api1''s traffic in both its groups')
  FROM g;

SELECT is(pg_temp.nodes(day1_sg), $$[
	{"id": "foreign:s3", "kind": "foreign", "label": "s3", "members": []},
	{"id": "metadata", "kind": "metadata", "label": "metadata", "members": []},
	{"id": "security_group:", "kind": "security_group", "label": "(no security group)", "env": "stage", "archdomain": "offline/batch", "members": ["old1"], "cost": 0.1},
	{"id": "security_group:sg-api", "kind": "security_group", "label": "api", "env": "prod", "archdomain": "online/api", "members": ["api1"], "cost": 0.05},
	{"id": "security_group:sg-base", "kind": "security_group", "label": "base", "env": "prod", "members": ["api1", "mon1"], "cost": 0.06},
	{"id": "security_group:sg-db", "kind": "security_group", "label": "db", "env": "prod", "archdomain": "online/db", "members": ["db1"], "cost": 0.2},
	{"id": "security_group:sg-web", "kind": "security_group", "label": "web", "env": "prod", "archdomain": "online/web", "members": ["web1"], "cost": 0.1},
	{"id": "unknown:192.0.2.50", "kind": "unknown", "label": "192.0.2.50", "members": []},
	{"id": "unknown:203.0.113.7", "kind": "unknown", "label": "203.0.113.7", "members": []}
	]$$::jsonb, 'day 1 by security group: api1''s price split between its two groups; sg-base''s members share no archdomain')
  FROM g;

SELECT is(day1_sg->'meta'->'totals', day1_instance->'meta'->'totals', 'security groups: totals count each connection once')
  FROM g;

SELECT is((SELECT sum((n->>'hourly_cost')::numeric) FROM jsonb_array_elements(day1_sg->'nodes') n),
          (SELECT sum((n->>'hourly_cost')::numeric) FROM jsonb_array_elements(day1_instance->'nodes') n),
          'security groups: the costs add up to the instances''')
  FROM g;

SELECT is(pg_temp.links(defaults), $$[
	{"source": "cluster:online/web@prod", "target": "cluster:online/api@prod", "port": 443, "class": "application", "edges": 1, "conns": 1, "c2s_bytes": 300, "s2c_bytes": 900},
	{"source": "cluster:online/web@prod", "target": "cluster:online/api@prod", "port": 8080, "class": "application", "edges": 2, "conns": 2, "c2s_bytes": 507, "s2c_bytes": 2509}
	]$$::jsonb, 'defaults: the latest UTC day (day 2); 10.0.0.5 is new1''s; a capture without a run is its own run')
  FROM g;

SELECT is(pg_temp.nodes(defaults), $$[
	{"id": "cluster:online/api@prod", "kind": "cluster", "label": "online/api (prod)", "env": "prod", "archdomain": "online/api", "members": ["api1", "new1"], "cost": 0.24},
	{"id": "cluster:online/web@prod", "kind": "cluster", "label": "online/web (prod)", "env": "prod", "archdomain": "online/web", "members": ["web1"], "cost": 0.12}
	]$$::jsonb, 'defaults: day 2''s prices (m5.large 0.12); members of the window')
  FROM g;

SELECT is((defaults->'meta') - 'totals' - 'classes' - 'shown', $$
	{"since": "2024-03-02T00:00:00+00:00", "until": "2024-03-03T00:00:00+00:00", "capture_ids": null,
	 "grouping": "cluster", "depth": 2, "hide_classes": ["monitoring"], "omit_archdomains": [],
	 "omit_envs": [], "min_bytes": 0, "collapse_unknown": false, "resolve_at": "capture",
	 "captures": 2, "runs": 2, "first_capture": "2024-03-02T10:00:00+00:00",
	 "last_capture": "2024-03-02T11:00:00+00:00"}$$::jsonb,
	'defaults in meta: the window, grouping cluster, depth 2, monitoring hidden, nothing omitted, min_bytes 0, no collapse, resolve at capture')
  FROM g;

SELECT is((SELECT jsonb_agg(l->>'target' ORDER BY l->>'target') FROM jsonb_array_elements(day1_now->'links') l
            WHERE l->>'source' = 'cluster:online/web@prod'),
          '["cluster:online/api@prod", "cluster:online/api@prod", "unknown:192.0.2.0/24", "unknown:203.0.113.0/24"]'::jsonb,
          'resolve_at now: 10.0.0.5 is new1''s (online/api); collapse_unknown: 203.0.113.0/24')
  FROM g;

SELECT is(pg_temp.links(graph_json(capture_ids => '{2}', "grouping" => 'env', hide_classes => '{monitoring,metadata}'))
          -> 0, '{"source": "env:prod", "target": "env:prod", "port": 5432, "class": "application", "edges": 1, "conns": 3, "c2s_bytes": 300, "s2c_bytes": 3000}'::jsonb,
          'capture_ids: one capture alone is its run (web1 -> api1 counts from api1''s capture); env grouping');

SELECT is(jsonb_array_length(graph_json(capture_ids => '{2}', "grouping" => 'env', hide_classes => '{monitoring,metadata}')->'links'),
          4, 'capture_ids: api1''s capture has four links shown (8080, 5432, 6432, s3)');

SELECT is(pg_temp.links(graph_json(since => '2024-03-01', until => '2024-03-02', "grouping" => 'archdomain', depth => 1,
                                   hide_classes => '{}', omit_archdomains => '{infra/**}', min_bytes => 1000)), $$[
	{"source": "archdomain:online", "target": "archdomain:offline", "port": 443, "class": "application", "edges": 1, "conns": 1, "c2s_bytes": 200, "s2c_bytes": 800},
	{"source": "archdomain:online", "target": "archdomain:online", "port": 5432, "class": "application", "edges": 1, "conns": 3, "c2s_bytes": 300, "s2c_bytes": 3000},
	{"source": "archdomain:online", "target": "archdomain:online", "port": 8080, "class": "application", "edges": 1, "conns": 2, "c2s_bytes": 1100, "s2c_bytes": 5200},
	{"source": "archdomain:online", "target": "foreign:s3", "port": 443, "class": "application", "edges": 1, "conns": 1, "c2s_bytes": 10, "s2c_bytes": 990}
	]$$::jsonb, 'archdomain depth 1, infra/** omitted (the scrapes go), links under 1000 bytes dropped');

SELECT is(pg_temp.links(graph_json(since => '2024-03-01', until => '2024-03-02', "grouping" => 'region',
                                   omit_envs => '{/^st/}', hide_classes => '{metadata}'))
          @> '[{"target": "region:us-east-1"}]'::jsonb
          AND NOT pg_temp.links(graph_json(since => '2024-03-01', until => '2024-03-02', "grouping" => 'region',
                                           omit_envs => '{/^st/}', hide_classes => '{metadata}'))::text LIKE '%"s2c_bytes": 800%',
          true, 'omit_envs as a regular expression drops old1''s (stage) traffic');

SELECT is(graph_diff_json('[2024-03-01,2024-03-02)', '[2024-03-02,2024-03-03)')->'meta'->'links',
          '{"added": 1, "removed": 7, "changed": 1, "unchanged": 0}'::jsonb,
          'diff of day 1 and day 2 by cluster: web->api:443 added, 8080 changed, seven removed');

SELECT is((SELECT l - 'first_seen' - 'last_seen' - 'syns' - 'fins' - 'rsts' - 'edges' - 'conns' - 'packets' - 'c2s_packets' - 's2c_packets' - 'bytes' - 'c2s_bytes' - 's2c_bytes'
             FROM jsonb_array_elements(graph_diff_json('[2024-03-01,2024-03-02)', '[2024-03-02,2024-03-03)')->'links') l
            WHERE l->>'server_port' = '8080'),
          $${"source": "cluster:online/web@prod", "target": "cluster:online/api@prod", "proto": "tcp", "server_port": 8080,
             "class": "application", "status": "changed",
             "a": {"edges": 1, "conns": 2, "packets": 23, "c2s_packets": 10, "s2c_packets": 13, "bytes": 6300, "c2s_bytes": 1100, "s2c_bytes": 5200},
             "b": {"edges": 2, "conns": 2, "packets": 13, "c2s_packets": 6, "s2c_packets": 7, "bytes": 3016, "c2s_bytes": 507, "s2c_bytes": 2509}}$$::jsonb,
          'a changed link carries both windows'' values');

SELECT * FROM finish();
ROLLBACK;
