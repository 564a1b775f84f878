-- demo-fleet.sql: a deterministic demo fleet and its captures, made inside the database.
--
--   psql -v instances=200 -v envs=3 -v archdomains=20 -v days=3 -f sql/demo-fleet.sql
--
-- Variables (all optional): instances (200), envs (3, named prod, stage, dev, test, qa, ...),
-- archdomains (20, at least 10), days (3), fanout (4: how many hosts of a service cluster each
-- client calls; it sets the traffic rows per day, about 2 x clients x dependencies x fanout),
-- start (2016-05-02, the first day, UTC). The same variables give the same rows, byte for byte.
--
-- It writes what `trafficmap inventory` and `trafficmap collect` would: instances, ip_owners,
-- security groups and memberships, prices, foreign names (file), then per day one collection
-- run at 04:00 UTC with a capture of every live host (`collect_runs`, `captures`, `traffic`,
-- `collect_hosts`, `host_stats`). The database needs the trafficmap extension and no earlier
-- demo fleet (instance ids are i-000000000de0xxxxx, addresses 10.32.0.0/12).
--
-- The fleet: three infrastructure archdomains (infra/monitoring, infra/logging, infra/bastion)
-- and services cycling through web, api, db, cache, queue, worker and search roles, each
-- archdomain in every env, hosts dealt round robin over the (archdomain, env) clusters.
-- Traffic: ELB nodes -> web:80 -> api:8080 -> api, db:5432, cache:6379, queue:5672,
-- search:9200; workers -> queue, db and S3; monitoring scrapes every host (9100, and 9187 on
-- databases); every host ships logs (5044) and asks DNS (169.254.169.253:53), NTP
-- (169.254.169.123:123) and the metadata service (169.254.169.254:80); logging hosts talk
-- 9200 among themselves; the bastion SSHes to every tenth host; databases talk to their own
-- pgbouncer over loopback; a few api hosts call the internet (unknown addresses, IPv4 and
-- IPv6); one client in forty outside prod also calls prod (cross-env leaks). A connection
-- between two hosts is in both hosts' captures, the client's copy missing its first packet.
-- Every 97th host (13, 110, ...) is terminated at the start of day 2 and its address goes to
-- a new instance of another archdomain. About one host in 150 fails a day's collection
-- (status timeout, no capture; its host stats are kept).
\set ON_ERROR_STOP on
\if :{?instances}
\else
\set instances 200
\endif
\if :{?envs}
\else
\set envs 3
\endif
\if :{?archdomains}
\else
\set archdomains 20
\endif
\if :{?days}
\else
\set days 3
\endif
\if :{?fanout}
\else
\set fanout 4
\endif
\if :{?start}
\else
\set start 2016-05-02
\endif

SET client_min_messages = warning;
BEGIN;

-- A deterministic hash of up to three small numbers into [0, 2^31 - 1): Park-Miller steps.
CREATE FUNCTION pg_temp.h(a bigint, b bigint DEFAULT 0, c bigint DEFAULT 0) RETURNS bigint
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$
	SELECT (((((a % 1000003) * 1000003 + (b % 1000003) * 7919 + (c % 1000003) * 104729 + 12345)
	          % 2147483647) * 48271 % 2147483647) * 48271) % 2147483647
	$$;

CREATE FUNCTION pg_temp.demo_fleet(n integer, nenvs integer, narch integer, ndays integer,
								   fanout integer, day0 timestamptz) RETURNS text
	LANGUAGE plpgsql
	AS $fleet$
DECLARE
	d integer;
	day timestamptz;
	run bigint;
	roles text[] := ARRAY['web', 'api', 'db', 'cache', 'queue', 'worker', 'search', 'api', 'db', 'api'];
	env_names text[] := ARRAY['prod', 'stage', 'dev', 'test', 'qa', 'perf', 'sandbox', 'demo'];
	total_rows bigint := 0;
	rows_today bigint;
BEGIN
	IF narch < 10 THEN
		RAISE EXCEPTION 'demo-fleet: archdomains must be at least 10 (every role once), not %', narch;
	END IF;
	IF nenvs < 1 OR nenvs > array_length(env_names, 1) THEN
		RAISE EXCEPTION 'demo-fleet: envs must be 1 to %, not %', array_length(env_names, 1), nenvs;
	END IF;
	IF n < 1 OR ndays < 1 OR fanout < 1 THEN
		RAISE EXCEPTION 'demo-fleet: instances, days and fanout must be positive';
	END IF;

	-- Archdomains with their role and the port they serve.
	CREATE TEMP TABLE demo_ads ON COMMIT DROP AS
	SELECT a, role,
	       (CASE role
	            WHEN 'monitoring' THEN 'infra/monitoring'
	            WHEN 'logging' THEN 'infra/logging'
	            WHEN 'bastion' THEN 'infra/bastion'
	            WHEN 'web' THEN 'online/web/site-'
	            WHEN 'api' THEN 'online/api/svc-'
	            WHEN 'db' THEN 'online/db/pg-'
	            WHEN 'cache' THEN 'online/cache/redis-'
	            WHEN 'queue' THEN 'offline/queue/mq-'
	            WHEN 'worker' THEN 'offline/worker/job-'
	            ELSE 'online/search/es-' END
	        || CASE WHEN a >= 3 THEN lpad(a::text, 3, '0') ELSE '' END)::trafficmap.archdomain AS name,
	       CASE role WHEN 'web' THEN 80 WHEN 'api' THEN 8080 WHEN 'db' THEN 5432 WHEN 'cache' THEN 6379
	                 WHEN 'queue' THEN 5672 WHEN 'search' THEN 9200 WHEN 'logging' THEN 5044
	                 WHEN 'monitoring' THEN 9090 WHEN 'bastion' THEN 22 END AS port,
	       CASE role WHEN 'web' THEN 'c5.large' WHEN 'api' THEN 'm5.large' WHEN 'db' THEN 'r5.xlarge'
	                 WHEN 'cache' THEN 'r5.large' WHEN 'queue' THEN 'm5.large' WHEN 'worker' THEN 'c5.xlarge'
	                 WHEN 'search' THEN 'r5.2xlarge' WHEN 'monitoring' THEN 'm5.xlarge'
	                 WHEN 'logging' THEN 'm5.2xlarge' ELSE 't3.micro' END AS instance_type
	  FROM (SELECT a, CASE a WHEN 0 THEN 'monitoring' WHEN 1 THEN 'logging' WHEN 2 THEN 'bastion'
	                         ELSE roles[(a - 3) % 10 + 1] END AS role
	          FROM generate_series(0, narch - 1) a) s;

	-- Which archdomains each service archdomain calls: (role, how many) per caller role.
	CREATE TEMP TABLE demo_deps ON COMMIT DROP AS
	WITH wants(caller, role, k) AS (
		VALUES ('web', 'api', 3), ('api', 'db', 2), ('api', 'cache', 2), ('api', 'api', 2),
		       ('api', 'queue', 1), ('api', 'search', 1), ('worker', 'queue', 2), ('worker', 'db', 2)
	), targets AS (
		SELECT role, array_agg(a ORDER BY a) AS ads FROM demo_ads GROUP BY role
	)
	SELECT DISTINCT c.a, t.ads[1 + pg_temp.h(c.a, j, length(w.role)) % array_length(t.ads, 1)] AS b
	  FROM demo_ads c
	  JOIN wants w ON w.caller = c.role
	  JOIN targets t ON t.role = w.role
	 CROSS JOIN LATERAL generate_series(1, w.k) j;
	DELETE FROM demo_deps WHERE a = b;

	-- Hosts: dealt round robin over the (archdomain, env) clusters; every 97th is replaced
	-- on day 2 (index 1) by a new instance of another archdomain that takes its address.
	CREATE TEMP TABLE demo_hosts ON COMMIT DROP AS
	SELECT k, k % (narch * nenvs) % narch AS a, k % (narch * nenvs) / narch AS e,
	       k / (narch * nenvs) AS p, 0 AS born, CASE WHEN k % 97 = 13 AND ndays > 1 THEN 1 END AS dies,
	       '10.32.0.0'::inet + (256 + k) AS address
	  FROM generate_series(0, n - 1) k;
	INSERT INTO demo_hosts
	SELECT n + row_number() OVER (ORDER BY k) - 1, 3 + (a - 3 + 1 + 3) % (narch - 3), e, NULL, 1, NULL, address
	  FROM demo_hosts WHERE dies IS NOT NULL;
	UPDATE demo_hosts h SET p = s.p
	  FROM (SELECT k, (SELECT count(*) FROM demo_hosts o WHERE o.a = x.a AND o.e = x.e AND o.p IS NOT NULL)
	                  + row_number() OVER (PARTITION BY a, e ORDER BY k) - 1 AS p
	          FROM demo_hosts x WHERE x.p IS NULL) s
	 WHERE h.k = s.k;
	ALTER TABLE demo_hosts ADD COLUMN n integer, ADD COLUMN instance_id text, ADD COLUMN name text,
		ADD COLUMN env text, ADD COLUMN region text, ADD COLUMN az text, ADD COLUMN role text,
		ADD COLUMN public inet;
	UPDATE demo_hosts h
	   SET n = (SELECT count(*) FROM demo_hosts o WHERE o.a = h.a AND o.e = h.e),
	       instance_id = 'i-' || lpad(to_hex(x'de00000'::integer + h.k), 17, '0'),
	       name = replace(ad.name::text, '/', '-') || '-' || env_names[h.e + 1] || '-' || h.p,
	       env = env_names[h.e + 1],
	       region = CASE WHEN h.e = 2 THEN 'us-west-2' ELSE 'us-east-1' END,
	       az = CASE WHEN h.e = 2 THEN 'us-west-2' ELSE 'us-east-1' END || chr(97 + h.k % 3),
	       role = ad.role,
	       public = CASE WHEN ad.role = 'web' THEN '54.240.0.0'::inet + h.k END
	  FROM demo_ads ad WHERE ad.a = h.a;
	CREATE INDEX ON demo_hosts (a, e);
	ANALYZE demo_hosts;

	-- The inventory.
	INSERT INTO trafficmap.prices (instance_type, region, lifecycle, price, as_of)
	SELECT t, '', '', p, day0 - interval '30 days'
	  FROM (VALUES ('c5.large', 0.085), ('m5.large', 0.096), ('r5.xlarge', 0.252), ('r5.large', 0.126),
	               ('c5.xlarge', 0.17), ('r5.2xlarge', 0.504), ('m5.xlarge', 0.192), ('m5.2xlarge', 0.384),
	               ('t3.micro', 0.0104)) v(t, p)
	UNION ALL SELECT 'c5.xlarge', '', 'spot', 0.06, day0 - interval '30 days'
	UNION ALL SELECT 'm5.large', 'us-east-1', '', 0.107, day0 + interval '1 day'
	    ON CONFLICT DO NOTHING;

	INSERT INTO trafficmap.instances (instance_id, source, region, az, vpc_id, private_ips, public_ips,
	                                  name, archdomain, env, tags, instance_type, lifecycle, hourly_price,
	                                  state, launched, first_seen, last_seen)
	SELECT h.instance_id, 'ec2', h.region, h.az, 'vpc-de' || h.e, ARRAY[h.address],
	       CASE WHEN h.public IS NULL THEN '{}' ELSE ARRAY[h.public] END,
	       h.name, ad.name, h.env,
	       jsonb_build_object('Name', h.name, 'archdomain', ad.name::text, 'env', h.env),
	       ad.instance_type, CASE WHEN h.role = 'worker' THEN 'spot' ELSE 'on-demand' END,
	       trafficmap.price_at(ad.instance_type, h.region,
	                           CASE WHEN h.role = 'worker' THEN 'spot' ELSE 'on-demand' END,
	                           day0 + (ndays - 1) * interval '1 day'),
	       CASE WHEN h.dies IS NULL THEN 'running' ELSE 'terminated' END,
	       day0 + h.born * interval '1 day' - CASE WHEN h.born = 0 THEN interval '40 days' ELSE interval '0' END,
	       day0 + h.born * interval '1 day' - CASE WHEN h.born = 0 THEN interval '30 days' ELSE interval '0' END,
	       day0 + coalesce(h.dies, ndays - 1) * interval '1 day' + interval '4 hours'
	  FROM demo_hosts h JOIN demo_ads ad ON ad.a = h.a;

	INSERT INTO trafficmap.ip_owners (address, instance_id, valid)
	SELECT x.address, h.instance_id,
	       tstzrange(day0 + h.born * interval '1 day' - CASE WHEN h.born = 0 THEN interval '30 days' ELSE interval '0' END,
	                 day0 + h.dies * interval '1 day')
	  FROM demo_hosts h CROSS JOIN LATERAL (VALUES (h.address), (h.public)) x(address)
	 WHERE x.address IS NOT NULL;

	INSERT INTO trafficmap.security_groups (group_id, name, vpc_id, description, archdomain, first_seen, last_seen)
	SELECT 'sg-0ad' || lpad(to_hex(ad.a), 5, '0') || e, replace(ad.name::text, '/', '-') || '-' || env_names[e + 1],
	       'vpc-de' || e, 'hosts of ' || ad.name::text || ' in ' || env_names[e + 1], ad.name,
	       day0 - interval '30 days', day0 + (ndays - 1) * interval '1 day' + interval '4 hours'
	  FROM demo_ads ad CROSS JOIN generate_series(0, nenvs - 1) e
	UNION ALL
	SELECT 'sg-0e' || lpad(e::text, 6, '0'), 'base-' || env_names[e + 1], 'vpc-de' || e,
	       'every host of ' || env_names[e + 1], NULL,
	       day0 - interval '30 days', day0 + (ndays - 1) * interval '1 day' + interval '4 hours'
	  FROM generate_series(0, nenvs - 1) e;

	INSERT INTO trafficmap.instance_security_groups (instance_id, group_id, valid)
	SELECT h.instance_id, g.group_id,
	       tstzrange(day0 + h.born * interval '1 day' - CASE WHEN h.born = 0 THEN interval '30 days' ELSE interval '0' END,
	                 day0 + h.dies * interval '1 day')
	  FROM demo_hosts h
	 CROSS JOIN LATERAL (VALUES ('sg-0ad' || lpad(to_hex(h.a), 5, '0') || h.e),
	                            ('sg-0e' || lpad(h.e::text, 6, '0'))) g(group_id);

	INSERT INTO trafficmap.foreign_names (address, name, source, as_of) VALUES
		('169.254.169.253', 'aws-dns', 'file', day0 - interval '30 days'),
		('169.254.169.123', 'aws-ntp', 'file', day0 - interval '30 days'),
		('10.47.250.0/24', 'elb', 'file', day0 - interval '30 days'),
		('52.216.0.0/15', 's3', 'file', day0 - interval '30 days')
	    ON CONFLICT DO NOTHING;

	-- The service edges of the fleet (client host or NULL, client address, server host or
	-- NULL, server address, protocol, port, a byte scale); each is active on nine days in ten.
	CREATE TEMP TABLE demo_edges (
		id bigserial,
		ck integer, client inet NOT NULL, sk integer, server inet NOT NULL,
		proto text NOT NULL, port integer NOT NULL, scale integer NOT NULL
	) ON COMMIT DROP;
	-- Service dependencies: fanout hosts of each called cluster of the same env ...
	INSERT INTO demo_edges (ck, client, sk, server, proto, port, scale)
	SELECT c.k, c.address, s.k, s.address, 'tcp', sa.port, CASE sa.role WHEN 'db' THEN 20 WHEN 'search' THEN 8 ELSE 4 END
	  FROM demo_hosts c
	  JOIN demo_deps dd ON dd.a = c.a
	  JOIN demo_ads sa ON sa.a = dd.b
	  JOIN demo_hosts s ON s.a = dd.b AND s.e = c.e
	 WHERE (s.p - pg_temp.h(c.k, dd.b) % s.n + s.n) % s.n < fanout
	-- ... and one host of prod's, for one client in forty outside prod (cross-env leaks).
	UNION ALL
	SELECT c.k, c.address, s.k, s.address, 'tcp', sa.port, 2
	  FROM demo_hosts c
	  JOIN demo_deps dd ON dd.a = c.a
	  JOIN demo_ads sa ON sa.a = dd.b
	  JOIN demo_hosts s ON s.a = dd.b AND s.e = 0
	 WHERE c.e > 0 AND pg_temp.h(c.k, 77) % 40 = 0 AND (s.p - pg_temp.h(c.k, dd.b) % s.n + s.n) % s.n = 0
	-- Monitoring: two monitors of the env scrape each host.
	UNION ALL
	SELECT m.k, m.address, s.k, s.address, 'tcp', x.port, 1
	  FROM demo_hosts s
	  JOIN demo_hosts m ON m.a = 0 AND m.e = s.e
	 CROSS JOIN LATERAL (VALUES (9100), (CASE WHEN s.role = 'db' THEN 9187 END)) x(port)
	 WHERE x.port IS NOT NULL AND (m.p - pg_temp.h(s.k, 5) % m.n + m.n) % m.n < 2
	-- Logs to one logging host of the env; logging hosts index among themselves.
	UNION ALL
	SELECT c.k, c.address, l.k, l.address, 'tcp', 5044, 3
	  FROM demo_hosts c
	  JOIN demo_hosts l ON l.a = 1 AND l.e = c.e
	 WHERE c.a <> 1 AND (l.p - pg_temp.h(c.k, 6) % l.n + l.n) % l.n = 0
	UNION ALL
	SELECT c.k, c.address, l.k, l.address, 'tcp', 9200, 10
	  FROM demo_hosts c
	  JOIN demo_hosts l ON l.a = 1 AND l.e = c.e
	 WHERE c.a = 1 AND (l.p - c.p + l.n) % l.n = 1
	-- The bastion of the env to every tenth host.
	UNION ALL
	SELECT b.k, b.address, s.k, s.address, 'tcp', 22, 1
	  FROM demo_hosts s
	  JOIN demo_hosts b ON b.a = 2 AND b.e = s.e AND b.p = 0
	 WHERE s.k % 10 = 0
	-- Two ELB nodes in front of each web host.
	UNION ALL
	SELECT NULL, '10.47.250.0'::inet + (10 + (s.k + i) % 8), s.k, s.address, 'tcp', 80, 6
	  FROM demo_hosts s CROSS JOIN generate_series(0, 1) i
	 WHERE s.role = 'web'
	-- DNS, NTP and the metadata service, from every host.
	UNION ALL
	SELECT c.k, c.address, NULL, x.server, x.proto, x.port, 1
	  FROM demo_hosts c
	 CROSS JOIN (VALUES ('169.254.169.253'::inet, 'udp', 53), ('169.254.169.123', 'udp', 123),
	                    ('169.254.169.254', 'tcp', 80)) x(server, proto, port)
	-- Workers to S3.
	UNION ALL
	SELECT c.k, c.address, NULL, '52.216.0.0'::inet + pg_temp.h(c.k, i) % 131072, 'tcp', 443, 12
	  FROM demo_hosts c CROSS JOIN generate_series(1, 2) i
	 WHERE c.role = 'worker'
	-- One api host in five calls the internet, over IPv4 and IPv6.
	UNION ALL
	SELECT c.k, c.address, NULL, x.server, 'tcp', 443, 2
	  FROM demo_hosts c
	 CROSS JOIN LATERAL (VALUES ('203.0.113.0'::inet + (1 + pg_temp.h(c.k, 8) % 200)),
	                            ('198.51.100.0'::inet + (1 + pg_temp.h(c.k, 9) % 200)),
	                            ('2606:4700:10::'::inet + pg_temp.h(c.k, 10) % 65536)) x(server)
	 WHERE c.role = 'api' AND pg_temp.h(c.k, 11) % 5 = 0
	-- Databases talk to their own pgbouncer over loopback.
	UNION ALL
	SELECT c.k, '127.0.0.1', c.k, '127.0.0.1', 'tcp', 6432, 5
	  FROM demo_hosts c
	 WHERE c.role = 'db'
	 ORDER BY 1, 2, 4, 5, 6;
	DELETE FROM demo_edges e WHERE e.client = e.server AND e.client <> '127.0.0.1';
	DELETE FROM demo_edges e USING demo_edges o
	 WHERE (o.client, o.server, o.proto, o.port) = (e.client, e.server, e.proto, e.port)
	   AND (e.client <> '127.0.0.1' OR o.ck = e.ck) AND o.id < e.id;
	CREATE INDEX ON demo_edges (ck);
	CREATE INDEX ON demo_edges (sk);
	ANALYZE demo_edges;

	CREATE TEMP TABLE demo_caps (k integer PRIMARY KEY, capture_id bigint, started timestamptz) ON COMMIT DROP;
	FOR d IN 0 .. ndays - 1 LOOP
		day := day0 + d * interval '1 day';
		INSERT INTO trafficmap.collect_runs (name, started, ended)
		VALUES ('demo-' || to_char(day AT TIME ZONE 'UTC', 'YYYY-MM-DD'), day + interval '4 hours',
		        day + interval '4 hours 2 minutes')
		RETURNING id INTO run;

		-- One capture per live host, except the hosts whose collection failed today.
		TRUNCATE demo_caps;
		WITH live AS (
			SELECT h.*, day + interval '4 hours' + (h.k % 20) * interval '1 second' AS started
			  FROM demo_hosts h
			 WHERE h.born <= d AND (h.dies IS NULL OR d < h.dies) AND pg_temp.h(h.k, d, 3) % 150 <> 0
		), stored AS (
			INSERT INTO trafficmap.captures (run_id, source, capturing_host, sha256, link_types, snaplen,
			                                 started, ended, packets, bytes, skipped_packets, skipped_not_ip,
			                                 skipped_truncated, skipped_malformed, skipped_duplicate, status,
			                                 loaded_at)
			SELECT run, l.name, l.address,
			       encode(sha256(convert_to(format('demo-fleet %s %s', day, l.k), 'UTF8')), 'hex'),
			       '{LINUX_SLL2}', 128, l.started, l.started + interval '60 seconds', 0, 0, 0, 0, 0, 0, 0,
			       'complete', day + interval '4 hours 2 minutes'
			  FROM live l ORDER BY l.k
			RETURNING id, capturing_host, started
		)
		INSERT INTO demo_caps
		SELECT h.k, s.id, s.started FROM stored s JOIN demo_hosts h ON h.address = s.capturing_host
		 WHERE h.born <= d AND (h.dies IS NULL OR d < h.dies);
		ANALYZE demo_caps;

		-- Each active edge once in the server's capture and once in the client's (there
		-- missing its first packet), where that host is captured today.
		INSERT INTO trafficmap.traffic (capture_id, proto, client, server, server_port, conns,
		                                c2s_packets, c2s_bytes, s2c_packets, s2c_bytes, first_seen, last_seen,
		                                syns, fins, rsts)
		SELECT c.capture_id, v.proto, v.client, v.server, v.port, v.conns,
		       v.c2s_packets - side, v.c2s_bytes - side * 60, v.s2c_packets, v.s2c_bytes,
		       c.started + (v.hh % 20) * interval '1 second',
		       c.started + (20 + v.hh % 40) * interval '1 second',
		       CASE WHEN v.proto = 'tcp' THEN 2 * v.conns - side ELSE 0 END,
		       CASE WHEN v.proto = 'tcp' THEN 2 * v.conns ELSE 0 END,
		       CASE WHEN v.proto = 'tcp' AND v.hh % 17 = 0 THEN 1 ELSE 0 END
		  FROM (SELECT e.*, pg_temp.h(e.id, d) AS hh,
		               1 + pg_temp.h(e.id, d) % 12 AS conns,
		               (1 + pg_temp.h(e.id, d) % 12) * (4 + pg_temp.h(e.id, d, 1) % 12) + 1 AS c2s_packets,
		               ((1 + pg_temp.h(e.id, d) % 12) * (4 + pg_temp.h(e.id, d, 1) % 12) + 1)
		                   * (60 + pg_temp.h(e.id, d, 2) % 200) AS c2s_bytes,
		               (1 + pg_temp.h(e.id, d) % 12) * (3 + pg_temp.h(e.id, d, 3) % 20) AS s2c_packets,
		               (1 + pg_temp.h(e.id, d) % 12) * (3 + pg_temp.h(e.id, d, 3) % 20)
		                   * (60 + pg_temp.h(e.id, d, 4) % 1400) * e.scale / 4 AS s2c_bytes
		          FROM demo_edges e
		         WHERE pg_temp.h(e.id, d, 9) % 10 <> 0) v
		 CROSS JOIN LATERAL (VALUES (v.sk, 0), (CASE WHEN v.ck IS DISTINCT FROM v.sk THEN v.ck END, 1)) w(k, side)
		  JOIN demo_caps c ON c.k = w.k;
		GET DIAGNOSTICS rows_today = ROW_COUNT;
		total_rows := total_rows + rows_today;

		UPDATE trafficmap.captures c
		   SET packets = s.packets, bytes = s.bytes + 20 * s.packets
		  FROM (SELECT t.capture_id, sum(t.c2s_packets + t.s2c_packets) AS packets,
		               sum(t.c2s_bytes + t.s2c_bytes) AS bytes
		          FROM trafficmap.traffic t JOIN demo_caps dc ON dc.capture_id = t.capture_id
		         GROUP BY t.capture_id) s
		 WHERE c.id = s.capture_id;

		-- How each live host's collection went, and its uptime, load and memory.
		INSERT INTO trafficmap.collect_hosts (run_id, host, address, status, detail, bytes, started, ended, capture_id)
		SELECT run, h.name, h.address, CASE WHEN c.k IS NULL THEN 'timeout' ELSE 'ok' END,
		       CASE WHEN c.k IS NULL THEN 'the host stopped answering' ELSE '' END,
		       coalesce(cap.bytes, 0), day + interval '4 hours',
		       day + interval '4 hours' + (h.k % 20 + 61) * interval '1 second', c.capture_id
		  FROM demo_hosts h
		  LEFT JOIN demo_caps c ON c.k = h.k
		  LEFT JOIN trafficmap.captures cap ON cap.id = c.capture_id
		 WHERE h.born <= d AND (h.dies IS NULL OR d < h.dies);
		INSERT INTO trafficmap.host_stats (run_id, host, uptime_s, load1, load5, load15, mem_total,
		                                   mem_available, collected_at)
		SELECT run, h.name, (40 + d) * 86400 + h.k % 86400, pg_temp.h(h.k, d, 21) % 400 / 100.0,
		       pg_temp.h(h.k, d, 22) % 300 / 100.0, pg_temp.h(h.k, d, 23) % 200 / 100.0,
		       m.mem, m.mem * (20 + pg_temp.h(h.k, d, 24) % 60) / 100,
		       day + interval '4 hours' + (h.k % 20) * interval '1 second'
		  FROM demo_hosts h
		  JOIN demo_ads ad ON ad.a = h.a
		 CROSS JOIN LATERAL (SELECT CASE ad.instance_type WHEN 't3.micro' THEN 1 WHEN 'c5.large' THEN 4
		                                 WHEN 'r5.large' THEN 16 WHEN 'r5.xlarge' THEN 32 WHEN 'r5.2xlarge' THEN 64
		                                 WHEN 'c5.xlarge' THEN 8 WHEN 'm5.xlarge' THEN 16 WHEN 'm5.2xlarge' THEN 32
		                                 ELSE 8 END * 1073741824::bigint AS mem) m
		 WHERE h.born <= d AND (h.dies IS NULL OR d < h.dies);

		UPDATE trafficmap.collect_runs r
		   SET hosts = s.hosts, ok = s.ok, failed = s.hosts - s.ok
		  FROM (SELECT count(*) AS hosts, count(*) FILTER (WHERE status = 'ok') AS ok
		          FROM trafficmap.collect_hosts WHERE run_id = run) s
		 WHERE r.id = run;
	END LOOP;

	RETURN format('demo fleet: %s instances (%s replaced), %s envs, %s archdomains, %s days, %s traffic rows',
	              n, (SELECT count(*) FROM demo_hosts WHERE dies IS NOT NULL), nenvs, narch, ndays, total_rows);
END
$fleet$;

SELECT pg_temp.demo_fleet(:instances, :envs, :archdomains, :days, :fanout, :'start'::timestamptz) AS result \gset
COMMIT;
ANALYZE trafficmap.instances, trafficmap.ip_owners, trafficmap.captures, trafficmap.traffic,
	trafficmap.instance_security_groups, trafficmap.collect_hosts, trafficmap.host_stats;
\echo :result
