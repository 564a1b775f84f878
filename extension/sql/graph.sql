
-- The map: who talks to whom in a time window, grouped into nodes, as JSON (graph_json) and
-- as the difference of two windows (graph_diff_json). Everything the viewer shows is this.
--
-- How a window becomes a map:
--   1. The window's captures (graph_captures): [since, until) on captures.started, or the
--      captures named by capture_ids; a capture without a run is its own run; each capture's
--      host is the instance that owned its capturing_host when it started (or that address).
--   2. The address map (graph_address_map): ip_owners rows of the window joined to their
--      instances give, per address and time range, the owning instance, its node under the
--      grouping and the runs it was captured in. It is made once per call, a few thousand
--      rows; every traffic row's ends are looked up in it as of the capture's start, never
--      one lookup query per row. Loopback is the capturing host.
--   3. The links (graph_links, graph_links_agg in C): each traffic row's ends resolved in the
--      map; one count per connection (of a connection seen by several captures of a run, the
--      server's own capture counts it when the run has one, else the client's; a capture of
--      neither end counts it only when neither end was captured in the run); its class
--      (traffic_classes); the rows summed per link in parallel workers. Addresses no instance
--      owned are named once per distinct address (graph_address_node): the metadata service,
--      a foreign name, or unknown.
--   4. graph_json keeps the links shown, adds the nodes' members, cost and host stats, and
--      builds the JSON.

-- Parameters ---------------------------------------------------------------------------------

CREATE FUNCTION graph_fail(parameter text, message text, detail text, hint text) RETURNS void
	LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
	AS $$
BEGIN
	RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
		MESSAGE = format('invalid value for parameter %s: %s', parameter, message),
		DETAIL = coalesce(detail, ''), HINT = coalesce(hint, 'See the parameters of trafficmap.graph_json in README.md.');
END
$$;

COMMENT ON FUNCTION graph_fail(text, text, text, text) IS
	'raise the error of a bad graph_json parameter, naming it';

-- Patterns as the seed's omit fieldsets take them: /.../ is a regular expression, anything
-- else a glob (over archdomain labels, or over the characters of an env).
CREATE FUNCTION graph_patterns(parameter text, patterns text[], archdomains boolean,
							   OUT globs text[], OUT regexes text[])
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	AS $$
DECLARE
	p text;
	re text;
BEGIN
	globs := '{}';
	regexes := '{}';
	FOREACH p IN ARRAY coalesce(patterns, '{}') LOOP
		IF p IS NULL THEN
			PERFORM trafficmap.graph_fail(parameter, 'a pattern is NULL', 'Every pattern must be a glob or a /regular expression/.',
			                              'Remove the NULL from the array.');
		ELSIF length(p) >= 2 AND left(p, 1) = '/' AND right(p, 1) = '/' THEN
			re := substr(p, 2, length(p) - 2);
			BEGIN
				PERFORM '' ~ re;
			EXCEPTION WHEN invalid_regular_expression THEN
				PERFORM trafficmap.graph_fail(parameter, format('%s is not a regular expression', p), SQLERRM,
				                              'Between the slashes goes a PostgreSQL regular expression (the ~ operator).');
			END;
			regexes := regexes || re;
		ELSIF archdomains THEN
			BEGIN
				PERFORM 'x'::trafficmap.archdomain OPERATOR(trafficmap.~) p;
			EXCEPTION WHEN data_exception OR program_limit_exceeded THEN
				PERFORM trafficmap.graph_fail(parameter, format('%s is not an archdomain pattern', p), SQLERRM,
				                              'A glob has labels of a-z, 0-9, _ and - joined by /, where * is one label and ** any number; write /.../ for a regular expression.');
			END;
			globs := globs || p;
		ELSE
			regexes := regexes || ('^' || replace(replace(regexp_replace(p, '([.+^$(){}|\[\]\\])', '\\\1', 'g'), '*', '.*'), '?', '.') || '$');
		END IF;
	END LOOP;
END
$$;

COMMENT ON FUNCTION graph_patterns(text, text[], boolean) IS
	'split omit patterns into globs and regular expressions (/.../), checking each; env globs become anchored regular expressions';

CREATE FUNCTION graph_check("grouping" text, depth integer, hide_classes text[], min_bytes bigint,
							resolve_at text) RETURNS void
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	AS $$
DECLARE
	c text;
BEGIN
	IF "grouping" IS NULL OR "grouping" NOT IN ('instance', 'cluster', 'env', 'archdomain', 'security_group', 'az', 'region') THEN
		PERFORM trafficmap.graph_fail('grouping', coalesce(quote_literal("grouping"), 'NULL'),
		                              'grouping is one of instance, cluster, env, archdomain, security_group, az, region.',
		                              'cluster (archdomain and env) is the default.');
	END IF;
	IF depth IS NULL OR depth < 1 OR depth > 255 THEN
		PERFORM trafficmap.graph_fail('depth', coalesce(depth::text, 'NULL'),
		                              'depth is the number of archdomain labels the archdomain grouping keeps, 1 to 255.', NULL);
	END IF;
	FOREACH c IN ARRAY coalesce(hide_classes, '{}') LOOP
		IF c IS NULL OR (c <> 'application' AND NOT EXISTS (SELECT FROM trafficmap.traffic_classes t WHERE t.name = c)) THEN
			PERFORM trafficmap.graph_fail('hide_classes', format('unknown class %s', coalesce(quote_literal(c), 'NULL')),
			                              format('The classes are application and those of trafficmap.traffic_classes: %s.',
			                                     (SELECT string_agg(DISTINCT t.name, ', ') FROM trafficmap.traffic_classes t)),
			                              'Add a rule to trafficmap.traffic_classes to make a class.');
		END IF;
	END LOOP;
	IF min_bytes IS NULL OR min_bytes < 0 THEN
		PERFORM trafficmap.graph_fail('min_bytes', coalesce(min_bytes::text, 'NULL'),
		                              'min_bytes is the fewest bytes (both directions) a link needs to be shown, 0 or more.', NULL);
	END IF;
	IF resolve_at IS NULL OR resolve_at NOT IN ('capture', 'now') THEN
		PERFORM trafficmap.graph_fail('resolve_at', coalesce(quote_literal(resolve_at), 'NULL'),
		                              'resolve_at is capture (owners when each capture started) or now (today''s owners).', NULL);
	END IF;
END
$$;

COMMENT ON FUNCTION graph_check(text, integer, text[], bigint, text) IS
	'check graph_json''s grouping, depth, hide_classes, min_bytes and resolve_at, raising an error that names a bad one';

-- The window ---------------------------------------------------------------------------------

CREATE FUNCTION graph_window(lower_bound timestamptz, upper_bound timestamptz, ids bigint[],
							 OUT since timestamptz, OUT until timestamptz, OUT capture_ids bigint[],
							 OUT captures bigint, OUT runs bigint, OUT first_id bigint, OUT last_id bigint,
							 OUT first_started timestamptz, OUT last_started timestamptz)
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	AS $$
DECLARE
	missing bigint[];
BEGIN
	IF ids IS NOT NULL THEN
		IF lower_bound IS NOT NULL OR upper_bound IS NOT NULL THEN
			PERFORM trafficmap.graph_fail('capture_ids', 'given with since or until',
			                              'capture_ids names the captures instead of a time window.', 'Give one or the other.');
		END IF;
		IF cardinality(ids) = 0 OR array_position(ids, NULL) IS NOT NULL THEN
			PERFORM trafficmap.graph_fail('capture_ids', 'empty or with NULLs', 'capture_ids lists the ids of captures.', NULL);
		END IF;
		SELECT array_agg(DISTINCT i ORDER BY i) INTO missing
		  FROM unnest(ids) i WHERE NOT EXISTS (SELECT FROM trafficmap.captures c WHERE c.id = i);
		IF missing IS NOT NULL THEN
			PERFORM trafficmap.graph_fail('capture_ids', format('no capture %s', array_to_string(missing, ', ')),
			                              'Each id must be a trafficmap.captures id.', NULL);
		END IF;
		capture_ids := ARRAY(SELECT DISTINCT i FROM unnest(ids) i ORDER BY i);
		SELECT count(*), count(DISTINCT coalesce(c.run_id, -c.id)), min(c.id), max(c.id), min(c.started), max(c.started)
		  INTO captures, runs, first_id, last_id, first_started, last_started
		  FROM trafficmap.captures c WHERE c.id = ANY(capture_ids);
		since := first_started;
		until := last_started;
		RETURN;
	END IF;
	IF lower_bound IS NULL AND upper_bound IS NULL THEN
		SELECT date_trunc('day', max(c.started) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' INTO since
		  FROM trafficmap.captures c;
		until := since + interval '1 day';
	ELSE
		since := coalesce(lower_bound, '-infinity');
		until := coalesce(upper_bound, 'infinity');
		IF since >= until THEN
			PERFORM trafficmap.graph_fail('until', format('%s is not after since (%s)', until, since),
			                              'The window is [since, until): since <= started < until.', NULL);
		END IF;
	END IF;
	SELECT count(*), count(DISTINCT coalesce(c.run_id, -c.id)), min(c.id), max(c.id), min(c.started), max(c.started)
	  INTO captures, runs, first_id, last_id, first_started, last_started
	  FROM trafficmap.captures c WHERE c.started >= since AND c.started < until;
END
$$;

COMMENT ON FUNCTION graph_window(timestamptz, timestamptz, bigint[]) IS
	'the window of a map: [since, until) on captures.started (default: the latest UTC day with captures) or the captures capture_ids names, with their count, runs and id range';

CREATE TYPE graph_capture AS (
	id bigint,
	run_key bigint,
	at timestamptz,
	started timestamptz,
	host_address inet,
	host_who text
);

COMMENT ON TYPE graph_capture IS
	'a capture of a map''s window: its id, its run (-id without one), the time its addresses resolve at, its start, the capturing host''s address and who it is (its instance, else its address)';

CREATE FUNCTION graph_captures(since timestamptz, until timestamptz, capture_ids bigint[], resolve_now boolean)
	RETURNS SETOF graph_capture
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$
	SELECT c.id, coalesce(c.run_id, -c.id), x.at, c.started, c.capturing_host,
	       coalesce(o.instance_id, host(c.capturing_host))
	  FROM (SELECT k.id, k.run_id, k.started, k.capturing_host FROM trafficmap.captures k
	         WHERE graph_captures.capture_ids IS NULL
	           AND k.started >= graph_captures.since AND k.started < graph_captures.until
	        UNION ALL
	        SELECT k.id, k.run_id, k.started, k.capturing_host FROM trafficmap.captures k
	         WHERE k.id = ANY(graph_captures.capture_ids)) c
	 CROSS JOIN LATERAL (SELECT CASE WHEN graph_captures.resolve_now THEN now() ELSE c.started END AS at) x
	  LEFT JOIN trafficmap.ip_owners o ON o.address = c.capturing_host AND o.valid @> x.at
	$$;

COMMENT ON FUNCTION graph_captures(timestamptz, timestamptz, bigint[], boolean) IS
	'the captures of a window: run (a capture without one is its own, -id), the time addresses resolve at, the capturing host and who it is (its instance, else its address)';

-- Addresses to nodes -------------------------------------------------------------------------

CREATE FUNCTION graph_node_key("grouping" text, depth integer, instance_id text, archdomain archdomain,
							   env text, az text, region text) RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$
	SELECT CASE $1
	           WHEN 'instance' THEN 'instance:' || $3
	           WHEN 'cluster' THEN 'cluster:' || coalesce($4::text, '') || '@' || coalesce($5, '')
	           WHEN 'env' THEN 'env:' || coalesce($5, '')
	           WHEN 'archdomain' THEN 'archdomain:' || coalesce(trafficmap.rollup($4, $2)::text, '')
	           WHEN 'az' THEN 'az:' || coalesce($6, '')
	           WHEN 'region' THEN 'region:' || coalesce($7, '')
	       END
	$$;

COMMENT ON FUNCTION graph_node_key(text, integer, text, archdomain, text, text, text) IS
	'the id of the node an instance belongs to under a grouping (instance:ID, cluster:ARCHDOMAIN@ENV, env:ENV, archdomain:ROLLUP, az:AZ, region:REGION; empty when untagged); security groups come from memberships';

CREATE TYPE graph_map_row AS (
	address inet,
	valid tstzrange,
	who text,
	instance_id text,
	node text,
	archdomain archdomain,
	omitted boolean,
	counted boolean,
	runs bigint[]
);

COMMENT ON TYPE graph_map_row IS
	'a row of a map''s address map: an address, when, who held it (an instance id, or a capturing host''s address), the instance, its node, archdomain, whether omit patterns drop it, whether totals count it (security groups: its first group) and the runs who was captured in';

-- No lateral subqueries here: their outer references would make the map's big query
-- parallel restricted. Under security groups an instance is in each of its groups (counted
-- in totals in its first only), and in "no group" while it is in none.
CREATE FUNCTION graph_address_map(since timestamptz, until timestamptz, capture_ids bigint[],
								  resolve_now boolean, lo timestamptz, hi timestamptz, "grouping" text,
								  depth integer, omit_globs text[], omit_regexes text[], omit_env_regexes text[])
	RETURNS SETOF graph_map_row
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$
	SELECT n.address, n.valid, n.instance_id, n.instance_id, n.node, i.archdomain,
	       coalesce(i.archdomain OPERATOR(trafficmap.~) ANY(graph_address_map.omit_globs), false)
	           OR coalesce(i.archdomain::text ~ ANY(graph_address_map.omit_regexes), false)
	           OR coalesce(i.env ~ ANY(graph_address_map.omit_env_regexes), false),
	       n.counted, r.runs
	  FROM (SELECT k.address, k.instance_id,
	               trafficmap.graph_node_key(graph_address_map."grouping", graph_address_map.depth, j.instance_id,
	                                         j.archdomain, j.env, j.az, j.region) AS node,
	               CASE WHEN graph_address_map.resolve_now THEN tstzrange(now(), now(), '[]') ELSE k.valid END AS valid,
	               true AS counted
	          FROM trafficmap.ip_owners k
	          JOIN trafficmap.instances j ON j.instance_id = k.instance_id
	         WHERE graph_address_map."grouping" <> 'security_group'
	           AND k.valid && tstzrange(graph_address_map.lo, graph_address_map.hi, '[]')
	        UNION ALL
	        SELECT k.address, k.instance_id, 'security_group:' || m.group_id,
	               CASE WHEN graph_address_map.resolve_now THEN tstzrange(now(), now(), '[]') ELSE k.valid * m.valid END,
	               m.group_id = ms.first_group
	          FROM trafficmap.ip_owners k
	          JOIN trafficmap.instance_security_groups m
	            ON m.instance_id = k.instance_id AND m.valid && k.valid
	           AND m.valid && tstzrange(graph_address_map.lo, graph_address_map.hi, '[]')
	          JOIN (SELECT f.instance_id, min(f.group_id) AS first_group
	                  FROM trafficmap.instance_security_groups f
	                 WHERE f.valid && tstzrange(graph_address_map.lo, graph_address_map.hi, '[]')
	                 GROUP BY f.instance_id) ms ON ms.instance_id = k.instance_id
	         WHERE graph_address_map."grouping" = 'security_group'
	           AND k.valid && tstzrange(graph_address_map.lo, graph_address_map.hi, '[]')
	        UNION ALL
	        SELECT g.address, g.instance_id, 'security_group:', g.gap, g.alone
	          FROM (SELECT k.address, k.instance_id, ms.valid IS NULL AS alone,
	                       unnest(tstzmultirange(CASE WHEN graph_address_map.resolve_now
	                                                  THEN tstzrange(now(), now(), '[]') ELSE k.valid END)
	                              - coalesce(ms.valid, '{}')) AS gap
	                  FROM trafficmap.ip_owners k
	                  LEFT JOIN (SELECT f.instance_id,
	                                    range_agg(CASE WHEN graph_address_map.resolve_now
	                                                   THEN tstzrange(now(), now(), '[]') ELSE f.valid END) AS valid
	                               FROM trafficmap.instance_security_groups f
	                              WHERE f.valid && tstzrange(graph_address_map.lo, graph_address_map.hi, '[]')
	                              GROUP BY f.instance_id) ms ON ms.instance_id = k.instance_id
	                 WHERE graph_address_map."grouping" = 'security_group'
	                   AND k.valid && tstzrange(graph_address_map.lo, graph_address_map.hi, '[]')) g) n
	  JOIN trafficmap.instances i ON i.instance_id = n.instance_id
	  LEFT JOIN (SELECT w.host_who, array_agg(w.run_key) AS runs
	               FROM trafficmap.graph_captures(graph_address_map.since, graph_address_map.until,
	                                              graph_address_map.capture_ids, graph_address_map.resolve_now) w
	              GROUP BY w.host_who) r ON r.host_who = n.instance_id
	UNION ALL
	-- Capturing hosts no instance owned: who they are, for counting connections once.
	SELECT w.host_address, tstzrange(NULL, NULL), w.host_who, NULL, NULL, NULL, false, true,
	       array_agg(w.run_key)
	  FROM trafficmap.graph_captures(graph_address_map.since, graph_address_map.until,
	                                 graph_address_map.capture_ids, graph_address_map.resolve_now) w
	 WHERE w.host_who = host(w.host_address)
	 GROUP BY w.host_address, w.host_who
	$$;

COMMENT ON FUNCTION graph_address_map(timestamptz, timestamptz, bigint[], boolean, timestamptz, timestamptz, text, integer, text[], text[], text[]) IS
	'per address and time range of a window: the owning instance, its node under the grouping (one row per security group), whether omit patterns drop it, and the runs it was captured in; plus capturing hosts no instance owned';

-- A set-returning SQL function, so a query that calls it per address inlines it.
CREATE FUNCTION graph_address_node(address inet, collapse_unknown boolean)
	RETURNS TABLE (node text, kind text, label text)
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$
	SELECT CASE WHEN m.metadata THEN 'metadata'
	            WHEN f.name IS NOT NULL THEN 'foreign:' || f.name
	            ELSE 'unknown:' || u.label END,
	       CASE WHEN m.metadata THEN 'metadata' WHEN f.name IS NOT NULL THEN 'foreign' ELSE 'unknown' END,
	       CASE WHEN m.metadata THEN 'metadata' WHEN f.name IS NOT NULL THEN f.name ELSE u.label END
	  FROM (SELECT host(graph_address_node.address) IN ('169.254.169.254', 'fd00:ec2::254') AS metadata) m
	  LEFT JOIN LATERAL (
		SELECT k.name FROM trafficmap.foreign_names k
		 WHERE k.address >>= graph_address_node.address
		 ORDER BY k.source = 'file' DESC, masklen(k.address) DESC  -- as foreign_name() does
		 LIMIT 1) f ON true
	 CROSS JOIN (SELECT CASE WHEN graph_address_node.collapse_unknown
	                         THEN network(set_masklen(graph_address_node.address,
	                                                  CASE family(graph_address_node.address) WHEN 4 THEN 24 ELSE 48 END))::text
	                         ELSE host(graph_address_node.address) END AS label) u
	$$;

COMMENT ON FUNCTION graph_address_node(inet, boolean) IS
	'the node of an address no instance owned: metadata (169.254.169.254, fd00:ec2::254), foreign:NAME (foreign_names), else unknown:ADDRESS or, collapsed, unknown:NETWORK (/24, /48)';

-- Links --------------------------------------------------------------------------------------

CREATE TYPE graph_edge AS (
	source text,
	target text,
	proto text,
	server_port integer,
	class text,
	shown edge_stats,
	counted edge_stats
);

COMMENT ON TYPE graph_edge IS
	'a link of the map: source (client) and target (server) node, protocol, server port, class; shown: its traffic without what omit patterns drop (NULL: none); counted: its traffic as totals count it (each connection once, also under security groups)';

CREATE FUNCTION graph_links_transfn(internal, graph_map_row[], timestamptz, timestamptz, bigint[], boolean,
									boolean, bigint, text, inet, inet, integer,
									bigint, bigint, bigint, bigint, bigint, timestamptz, timestamptz,
									bigint, bigint, bigint) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION graph_links_combinefn(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION graph_links_serialfn(internal) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C STRICT PARALLEL SAFE;
CREATE FUNCTION graph_links_deserialfn(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C STRICT PARALLEL SAFE;
CREATE FUNCTION graph_links_finalfn(internal) RETURNS graph_edge[]
	AS 'MODULE_PATHNAME' LANGUAGE C PARALLEL SAFE;

CREATE AGGREGATE graph_links_agg(map graph_map_row[], since timestamptz, until timestamptz,
								 capture_ids bigint[], resolve_now boolean, collapse_unknown boolean,
								 capture_id bigint, proto text, client inet,
								 server inet, server_port integer, conns bigint, c2s_packets bigint,
								 c2s_bytes bigint, s2c_packets bigint, s2c_bytes bigint,
								 first_seen timestamptz, last_seen timestamptz, syns bigint,
								 fins bigint, rsts bigint) (
	SFUNC = graph_links_transfn, STYPE = internal,
	FINALFUNC = graph_links_finalfn,
	COMBINEFUNC = graph_links_combinefn,
	SERIALFUNC = graph_links_serialfn, DESERIALFUNC = graph_links_deserialfn,
	PARALLEL = SAFE
);

COMMENT ON AGGREGATE graph_links_agg(graph_map_row[], timestamptz, timestamptz, bigint[], boolean, boolean, bigint, text, inet, inet, integer, bigint, bigint, bigint, bigint, bigint, timestamptz, timestamptz, bigint, bigint, bigint) IS
	'traffic rows into the map''s links (graph_edge[], to unnest): their ends resolved with the window''s address map (graph_address_map, a constant argument) and captures (graph_captures of since, until, capture_ids, resolve_now), both loaded once per process; each connection counted once per run, rows summed per link; a partial aggregate in every parallel worker';

-- Traffic rows are stored in the order they are loaded, capture by capture: a BRIN index
-- finds a window's rows in a table of many days (a parallel bitmap heap scan).
CREATE INDEX traffic_capture_id_brin ON traffic USING brin (capture_id) WITH (pages_per_range = 32);

-- The address map for graph_links_agg, through an InitPlan: evaluated once by the leader, its
-- value reaches parallel workers as a parameter, copied in binary. Passed directly it would be
-- a constant of the plan (EXECUTE folds its parameters), which the leader prints into the plan
-- it sends the workers a byte at a time and each worker parses back (3.7 MB for a fleet of
-- 10,000 by security group: 90 ms of graph_json's second). Parallel restricted, so the
-- InitPlan itself stays with the leader; plpgsql, so it is not inlined into a constant again.
CREATE FUNCTION graph_map_once(map graph_map_row[]) RETURNS graph_map_row[]
	LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
	AS $$
BEGIN
	RETURN map;
END
$$;

COMMENT ON FUNCTION graph_map_once(graph_map_row[]) IS
	'the address map as it is: graph_links hands it to graph_links_agg through an InitPlan, so parallel workers get it as a parameter, not inside their plan';

-- The links of a window whose address map is made: graph_links_agg over the window's traffic
-- rows (a parallel bitmap heap scan of the BRIN index on capture_id, from first_id to last_id).
CREATE FUNCTION graph_links(map graph_map_row[], since timestamptz, until timestamptz,
							capture_ids bigint[], resolve_now boolean, collapse_unknown boolean,
							first_id bigint, last_id bigint)
	RETURNS SETOF graph_edge
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET jit = off
	-- graph_json turns nested loops off for its own joins; the unnest here needs one, and the
	-- cost that disabling adds would blur the planner's choice of a parallel plan.
	SET enable_nestloop = on
	AS $$
BEGIN
	IF first_id IS NULL THEN
		RETURN;
	END IF;
	RETURN QUERY EXECUTE $q$
	SELECT l.*
	  FROM (SELECT trafficmap.graph_links_agg((SELECT trafficmap.graph_map_once($1)), $2, $3, $4, $5, $6,
	                                          t.capture_id, t.proto, t.client,
	                                          t.server, t.server_port, t.conns, t.c2s_packets, t.c2s_bytes,
	                                          t.s2c_packets, t.s2c_bytes, t.first_seen, t.last_seen,
	                                          t.syns, t.fins, t.rsts) AS links
	          FROM trafficmap.traffic t
	         WHERE t.capture_id BETWEEN $7 AND $8 AND ($4 IS NULL OR t.capture_id = ANY($4))) s
	 CROSS JOIN LATERAL unnest(s.links) l
	$q$ USING map, since, until, capture_ids, resolve_now, collapse_unknown, first_id, last_id;
END
$$;

COMMENT ON FUNCTION graph_links(graph_map_row[], timestamptz, timestamptz, bigint[], boolean, boolean, bigint, bigint) IS
	'the links of a window (since, until or capture_ids; captures first_id to last_id) from its address map (graph_address_map): graph_links_agg over the traffic rows, in parallel workers';

-- The map's links, from graph_json's parameters.
CREATE FUNCTION graph_edges(since timestamptz DEFAULT NULL, until timestamptz DEFAULT NULL,
							capture_ids bigint[] DEFAULT NULL, "grouping" text DEFAULT 'cluster',
							depth integer DEFAULT 2, omit_archdomains text[] DEFAULT NULL,
							omit_envs text[] DEFAULT NULL, collapse_unknown boolean DEFAULT false,
							resolve_at text DEFAULT 'capture')
	RETURNS SETOF graph_edge
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET jit = off
	AS $$
DECLARE
	w record;
	ad record;
	env record;
	now_mode boolean := resolve_at = 'now';
BEGIN
	PERFORM trafficmap.graph_check("grouping", depth, NULL, 0, resolve_at);
	ad := trafficmap.graph_patterns('omit_archdomains', omit_archdomains, true);
	env := trafficmap.graph_patterns('omit_envs', omit_envs, false);
	IF collapse_unknown IS NULL THEN
		PERFORM trafficmap.graph_fail('collapse_unknown', 'NULL', 'collapse_unknown is true or false.', NULL);
	END IF;
	w := trafficmap.graph_window(since, until, capture_ids);
	IF w.captures = 0 THEN
		RETURN;
	END IF;
	RETURN QUERY
	SELECT * FROM trafficmap.graph_links(
		ARRAY(SELECT m FROM trafficmap.graph_address_map(w.since, w.until, w.capture_ids, now_mode,
		                                                 CASE WHEN now_mode THEN now() ELSE w.first_started END,
		                                                 CASE WHEN now_mode THEN now() ELSE w.last_started END,
		                                                 "grouping", depth, ad.globs, ad.regexes, env.regexes) m),
		w.since, w.until, w.capture_ids, now_mode, collapse_unknown, w.first_id, w.last_id);
END
$$;

COMMENT ON FUNCTION graph_edges(timestamptz, timestamptz, bigint[], text, integer, text[], text[], boolean, text) IS
	'the links of a map (graph_json''s parameters, without the filters of what is shown): per source and target node, protocol, port and class, the traffic shown and counted, each connection once per run';

-- The map as JSON ----------------------------------------------------------------------------

-- graph_json's document in one pass over the links (src/graph_doc.c): the nodes and meta
-- (the same in every row; the first row's are kept) and each link's columns, in the order the
-- links are given. No combine function: the document is made in one process.
CREATE FUNCTION graph_doc_transfn(internal, jsonb, jsonb, text, text, text, integer, text,
								  bigint, bigint, bigint, bigint, bigint, bigint,
								  timestamptz, timestamptz, bigint, bigint, bigint) RETURNS internal
	AS 'MODULE_PATHNAME', 'graph_doc_transfn'
	LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION graph_doc_finalfn(internal) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'graph_doc_finalfn'
	LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;

CREATE AGGREGATE graph_doc_agg(nodes jsonb, meta jsonb, source text, target text, proto text,
							   server_port integer, class text, edges bigint, conns bigint,
							   c2s_packets bigint, s2c_packets bigint, c2s_bytes bigint,
							   s2c_bytes bigint, first_seen timestamptz, last_seen timestamptz,
							   syns bigint, fins bigint, rsts bigint) (
	SFUNC = graph_doc_transfn,
	STYPE = internal,
	FINALFUNC = graph_doc_finalfn,
	FINALFUNC_MODIFY = READ_WRITE,
	PARALLEL = SAFE
);

COMMENT ON AGGREGATE graph_doc_agg(jsonb, jsonb, text, text, text, integer, text, bigint, bigint, bigint, bigint, bigint, bigint, timestamptz, timestamptz, bigint, bigint, bigint) IS
	'graph_json''s document {nodes, links, meta} from its nodes, its meta and its links'' rows, encoded as jsonb once';

CREATE FUNCTION graph_json(since timestamptz DEFAULT NULL, until timestamptz DEFAULT NULL,
						   capture_ids bigint[] DEFAULT NULL, "grouping" text DEFAULT 'cluster',
						   depth integer DEFAULT 2, hide_classes text[] DEFAULT '{monitoring}',
						   omit_archdomains text[] DEFAULT NULL, omit_envs text[] DEFAULT NULL,
						   min_bytes bigint DEFAULT 0, collapse_unknown boolean DEFAULT false,
						   resolve_at text DEFAULT 'capture') RETURNS jsonb
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET jit = off
	SET enable_mergejoin = off
	SET enable_nestloop = off
	AS $$
DECLARE
	w record;
	ad record;
	env record;
	now_mode boolean := resolve_at = 'now';
	price_time timestamptz;
	map trafficmap.graph_map_row[];
	result jsonb;
	err_message text;
	err_detail text;
BEGIN
	PERFORM trafficmap.graph_check("grouping", depth, hide_classes, min_bytes, resolve_at);
	ad := trafficmap.graph_patterns('omit_archdomains', omit_archdomains, true);
	env := trafficmap.graph_patterns('omit_envs', omit_envs, false);
	IF collapse_unknown IS NULL THEN
		PERFORM trafficmap.graph_fail('collapse_unknown', 'NULL', 'collapse_unknown is true or false.', NULL);
	END IF;
	w := trafficmap.graph_window(since, until, capture_ids);
	price_time := CASE WHEN now_mode THEN now() ELSE w.last_started END;
	-- The window's address map, made once for the links and the nodes.
	map := ARRAY(SELECT m FROM trafficmap.graph_address_map(w.since, w.until, w.capture_ids, now_mode,
	                                                        CASE WHEN now_mode THEN now() ELSE w.first_started END,
	                                                        CASE WHEN now_mode THEN now() ELSE w.last_started END,
	                                                        "grouping", depth, ad.globs, ad.regexes, env.regexes) m
	              WHERE w.captures > 0);

	BEGIN
	WITH edges AS MATERIALIZED (
		SELECT * FROM trafficmap.graph_links(map, w.since, w.until, w.capture_ids, now_mode, collapse_unknown,
		                                     w.first_id, w.last_id)
	), links AS MATERIALIZED (
		SELECT e.source, e.target, e.proto, e.server_port, e.class, (e.shown).*
		  FROM edges e
		 WHERE e.shown IS NOT NULL AND e.class <> ALL(coalesce(hide_classes, '{}'))
		   AND (e.shown).c2s_bytes + (e.shown).s2c_bytes >= min_bytes
	), caps AS MATERIALIZED (
		SELECT * FROM trafficmap.graph_captures(w.since, w.until, w.capture_ids, now_mode)
	), amap AS MATERIALIZED (
		SELECT * FROM unnest(map)
	), node_ids AS (
		-- The ends of the links shown, and the capturing hosts (shown even without links).
		SELECT l.source AS node FROM links l
		UNION SELECT l.target FROM links l
		UNION SELECT m.node FROM caps c JOIN amap m ON m.address = c.host_address AND m.valid @> c.at
		       WHERE m.node IS NOT NULL AND NOT m.omitted
		UNION SELECT n.node FROM caps c CROSS JOIN LATERAL trafficmap.graph_address_node(c.host_address, collapse_unknown) n
		       WHERE c.host_who = host(c.host_address)
	), members AS (
		SELECT DISTINCT m.node, m.instance_id FROM amap m JOIN node_ids n ON n.node = m.node
	), groups_of AS (
		SELECT m.instance_id, count(DISTINCT m.node) AS n FROM amap m GROUP BY m.instance_id
	), priced AS (
		-- The price in force at the window's last capture, per type, region and lifecycle.
		SELECT i.instance_id, coalesce(p.price, i.hourly_price) AS price
		  FROM trafficmap.instances i
		  LEFT JOIN (SELECT k.instance_type, k.region, k.lifecycle,
		                    trafficmap.price_at(k.instance_type, k.region, k.lifecycle, price_time) AS price
		               FROM (SELECT DISTINCT j.instance_type, j.region, j.lifecycle
		                       FROM trafficmap.instances j
		                      WHERE j.instance_id IN (SELECT mm.instance_id FROM members mm)) k) p
		    ON p.instance_type = i.instance_type AND p.region = i.region AND p.lifecycle = i.lifecycle
		 WHERE i.instance_id IN (SELECT mm.instance_id FROM members mm)
	), stats AS (
		-- Each member's latest host stats of the window's runs.
		SELECT DISTINCT ON (o.instance_id) o.instance_id, s.uptime_s, s.load1, s.load5, s.load15,
		       s.mem_total, s.mem_available, s.collected_at
		  FROM trafficmap.host_stats s
		  JOIN trafficmap.collect_hosts h ON h.run_id = s.run_id AND h.host = s.host
		  JOIN trafficmap.ip_owners o ON o.address = h.address
		   AND o.valid @> CASE WHEN now_mode THEN now() ELSE s.collected_at END
		 WHERE s.run_id = ANY(ARRAY(SELECT DISTINCT c.run_key FROM caps c))
		   AND h.run_id = ANY(ARRAY(SELECT DISTINCT c.run_key FROM caps c))
		   AND o.instance_id IN (SELECT mm.instance_id FROM members mm)
		 ORDER BY o.instance_id, s.collected_at DESC
	), fleet_nodes AS (
		SELECT mb.node,
		       json_agg(mb.instance_id ORDER BY mb.instance_id) AS members,
		       round(sum(CASE WHEN "grouping" = 'security_group' THEN pr.price / g.n ELSE pr.price END), 6) AS hourly_cost,
		       trafficmap.lca_agg(i.archdomain)::text AS archdomain,
		       CASE WHEN min(coalesce(i.env, '')) = max(coalesce(i.env, '')) THEN min(i.env) END AS env,
		       min(i.name) AS name, min(i.instance_type) AS instance_type, min(i.lifecycle) AS lifecycle,
		       min(i.az) AS az, min(i.region) AS region,
		       CASE WHEN count(st.instance_id) > 0 THEN json_build_object(
		           'hosts', count(st.instance_id),
		           'load1', round(avg(st.load1)::numeric, 2), 'load5', round(avg(st.load5)::numeric, 2),
		           'load15', round(avg(st.load15)::numeric, 2),
		           'mem_total', sum(st.mem_total), 'mem_available', sum(st.mem_available),
		           'uptime_s_min', min(st.uptime_s), 'collected_at', max(st.collected_at)) END AS host_stats
		  FROM members mb
		  JOIN trafficmap.instances i ON i.instance_id = mb.instance_id
		  LEFT JOIN priced pr ON pr.instance_id = mb.instance_id
		  LEFT JOIN groups_of g ON g.instance_id = mb.instance_id
		  LEFT JOIN stats st ON st.instance_id = mb.instance_id
		 GROUP BY mb.node
	), nodes AS (
		SELECT n.node AS id,
		       CASE WHEN f.node IS NOT NULL THEN "grouping"
		            WHEN n.node = 'metadata' THEN 'metadata'
		            ELSE split_part(n.node, ':', 1) END AS kind,
		       CASE WHEN f.node IS NULL THEN
		                CASE WHEN n.node = 'metadata' THEN 'metadata' ELSE substr(n.node, strpos(n.node, ':') + 1) END
		            WHEN "grouping" = 'instance' THEN coalesce(f.name, substr(n.node, 10))
		            WHEN "grouping" = 'cluster' THEN
		                coalesce(nullif(split_part(substr(n.node, 9), '@', 1), ''), '(no archdomain)') || ' ('
		                || coalesce(nullif(substr(n.node, 10 + length(split_part(substr(n.node, 9), '@', 1))), ''), 'no env') || ')'
		            WHEN "grouping" = 'security_group' THEN
		                coalesce(sg.name, nullif(substr(n.node, 16), ''), '(no security group)')
		            ELSE coalesce(nullif(substr(n.node, length("grouping") + 2), ''), '(no ' || "grouping" || ')') END AS label,
		       f.env, f.archdomain, coalesce(f.members, '[]'::json) AS members, f.hourly_cost, f.host_stats,
		       f.name, f.instance_type, f.lifecycle, f.az, f.region, sg.group_id, sg.name AS group_name
		  FROM node_ids n
		  LEFT JOIN fleet_nodes f ON f.node = n.node
		  LEFT JOIN trafficmap.security_groups sg
		    ON "grouping" = 'security_group' AND n.node = 'security_group:' || sg.group_id
	), class_totals AS MATERIALIZED (
		SELECT e.class, (trafficmap.sum(e.counted)).* FROM edges e GROUP BY e.class
	), totals AS (
		SELECT sum(c.edges) AS edges, sum(c.conns) AS conns, sum(c.c2s_packets) AS c2s_packets,
		       sum(c.s2c_packets) AS s2c_packets, sum(c.c2s_bytes) AS c2s_bytes, sum(c.s2c_bytes) AS s2c_bytes
		  FROM class_totals c
	)
	-- The document is made by graph_doc_agg in one pass over the links (encoded once; a map
	-- by instance has hundreds of thousands); the nodes and meta are small, built as json text
	-- and made jsonb once. jsonb holds 256 MB at most: a map larger than that (instances of a
	-- large fleet over many days) is an error that says so.
	SELECT coalesce(d.doc, jsonb_build_object('nodes', d.nodes, 'links', '[]'::jsonb, 'meta', d.meta))
	  FROM (SELECT (SELECT trafficmap.graph_doc_agg(x.nodes, x.meta, l.source, l.target, l.proto, l.server_port,
	                                                  l.class, l.edges, l.conns, l.c2s_packets, l.s2c_packets,
	                                                  l.c2s_bytes, l.s2c_bytes, l.first_seen, l.last_seen,
	                                                  l.syns, l.fins, l.rsts)
	                  -- Sorted here, not by the aggregate's ORDER BY, which would sort every
	                  -- argument, nodes and meta included, once per link.
	                  FROM (SELECT * FROM links ORDER BY source, target, proto, server_port, class) l) AS doc,
	               x.nodes, x.meta
	          FROM (SELECT
		coalesce((SELECT json_agg(json_strip_nulls(json_build_object(
		              'id', n.id, 'label', n.label, 'kind', n.kind, 'env', n.env, 'archdomain', n.archdomain,
		              'members', n.members, 'hourly_cost', n.hourly_cost, 'host_stats', n.host_stats,
		              'name', n.name, 'instance_type', n.instance_type, 'lifecycle', n.lifecycle,
		              'az', n.az, 'region', n.region, 'group_id', n.group_id, 'group_name', n.group_name))
		              ORDER BY n.id) FROM nodes n), '[]')::jsonb AS nodes,
		json_build_object(
		    'since', w.since, 'until', w.until, 'capture_ids', to_json(w.capture_ids),
		    'grouping', "grouping", 'depth', depth, 'hide_classes', to_json(coalesce(hide_classes, '{}')),
		    'omit_archdomains', to_json(coalesce(omit_archdomains, '{}')),
		    'omit_envs', to_json(coalesce(omit_envs, '{}')),
		    'min_bytes', min_bytes, 'collapse_unknown', collapse_unknown, 'resolve_at', resolve_at,
		    'captures', coalesce(w.captures, 0), 'runs', coalesce(w.runs, 0),
		    'first_capture', w.first_started, 'last_capture', w.last_started,
		    'totals', (SELECT json_build_object(
		                   'edges', coalesce(t.edges, 0), 'conns', coalesce(t.conns, 0),
		                   'packets', coalesce(t.c2s_packets + t.s2c_packets, 0),
		                   'c2s_bytes', coalesce(t.c2s_bytes, 0), 's2c_bytes', coalesce(t.s2c_bytes, 0),
		                   'bytes', coalesce(t.c2s_bytes + t.s2c_bytes, 0)) FROM totals t),
		    'classes', coalesce((SELECT json_object_agg(c.class, json_build_object(
		                   'edges', c.edges, 'conns', c.conns, 'packets', c.c2s_packets + c.s2c_packets,
		                   'bytes', c.c2s_bytes + c.s2c_bytes,
		                   'hidden', c.class = ANY(coalesce(hide_classes, '{}')))) FROM class_totals c), '{}'),
		    'shown', (SELECT json_build_object(
		                   'nodes', (SELECT count(*) FROM nodes), 'links', count(*),
		                   'packets', coalesce(sum(l.c2s_packets + l.s2c_packets), 0),
		                   'bytes', coalesce(sum(l.c2s_bytes + l.s2c_bytes), 0)) FROM links l))::jsonb AS meta
	          OFFSET 0) x) d  -- OFFSET 0: x stays a subquery, so its two values are made once, not per link
	  INTO result;
	EXCEPTION WHEN program_limit_exceeded THEN
		GET STACKED DIAGNOSTICS err_message = MESSAGE_TEXT, err_detail = PG_EXCEPTION_DETAIL;
		RAISE EXCEPTION USING ERRCODE = 'program_limit_exceeded', MESSAGE = err_message, DETAIL = err_detail,
			HINT = 'Ask for less: a coarser grouping, a shorter window, hide_classes or min_bytes; trafficmap.graph_edges() returns the links as rows.';
	END;
	RETURN result;
END
$$;

COMMENT ON FUNCTION graph_json(timestamptz, timestamptz, bigint[], text, integer, text[], text[], text[], bigint, boolean, text) IS
	'the map of a window as {nodes, links, meta} (sql/graph.schema.json): nodes grouped by instance, cluster, env, archdomain (rolled up to depth), security_group, az or region, with members, hourly cost and host stats; links per protocol, port and class, each connection counted once per run';

-- The difference of two maps -----------------------------------------------------------------

CREATE FUNCTION graph_diff_json(a tstzrange, b tstzrange, "grouping" text DEFAULT 'cluster',
								depth integer DEFAULT 2, hide_classes text[] DEFAULT '{monitoring}',
								omit_archdomains text[] DEFAULT NULL, omit_envs text[] DEFAULT NULL,
								min_bytes bigint DEFAULT 0, collapse_unknown boolean DEFAULT false,
								resolve_at text DEFAULT 'capture') RETURNS jsonb
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET jit = off
	AS $$
DECLARE
	ga jsonb;
	gb jsonb;
	result jsonb;
BEGIN
	IF a IS NULL OR isempty(a) OR NOT (lower_inc(a) OR lower_inf(a)) OR upper_inc(a) THEN
		PERFORM trafficmap.graph_fail('a', coalesce(a::text, 'NULL'),
		                              'a is a window [since, until): a non-empty range with its lower bound in and its upper bound out.',
		                              'Write tstzrange(since, until), which is [since, until).');
	END IF;
	IF b IS NULL OR isempty(b) OR NOT (lower_inc(b) OR lower_inf(b)) OR upper_inc(b) THEN
		PERFORM trafficmap.graph_fail('b', coalesce(b::text, 'NULL'),
		                              'b is a window [since, until): a non-empty range with its lower bound in and its upper bound out.',
		                              'Write tstzrange(since, until), which is [since, until).');
	END IF;
	ga := trafficmap.graph_json(since => coalesce(lower(a), '-infinity'), until => coalesce(upper(a), 'infinity'),
	                            "grouping" => "grouping", depth => depth, hide_classes => hide_classes,
	                            omit_archdomains => omit_archdomains, omit_envs => omit_envs,
	                            min_bytes => min_bytes, collapse_unknown => collapse_unknown, resolve_at => resolve_at);
	gb := trafficmap.graph_json(since => coalesce(lower(b), '-infinity'), until => coalesce(upper(b), 'infinity'),
	                            "grouping" => "grouping", depth => depth, hide_classes => hide_classes,
	                            omit_archdomains => omit_archdomains, omit_envs => omit_envs,
	                            min_bytes => min_bytes, collapse_unknown => collapse_unknown, resolve_at => resolve_at);

	WITH na AS (
		SELECT n->>'id' AS id, n FROM jsonb_array_elements(ga->'nodes') n
	), nb AS (
		SELECT n->>'id' AS id, n FROM jsonb_array_elements(gb->'nodes') n
	), nodes AS (
		-- Compared: what a node is made of and costs; host stats change every run.
		SELECT coalesce(nb.id, na.id) AS id,
		       coalesce(nb.n, na.n) - 'host_stats'
		       || jsonb_build_object(
		              'status', CASE WHEN na.id IS NULL THEN 'added' WHEN nb.id IS NULL THEN 'removed'
		                             WHEN x.a IS DISTINCT FROM x.b THEN 'changed' ELSE 'unchanged' END,
		              'a', x.a, 'b', x.b) AS n
		  FROM na FULL JOIN nb ON nb.id = na.id
		 CROSS JOIN LATERAL (
			SELECT jsonb_strip_nulls(jsonb_build_object('label', na.n->'label', 'env', na.n->'env',
			                                            'archdomain', na.n->'archdomain', 'members', na.n->'members',
			                                            'hourly_cost', na.n->'hourly_cost')) AS a,
			       jsonb_strip_nulls(jsonb_build_object('label', nb.n->'label', 'env', nb.n->'env',
			                                            'archdomain', nb.n->'archdomain', 'members', nb.n->'members',
			                                            'hourly_cost', nb.n->'hourly_cost')) AS b) x0
		 CROSS JOIN LATERAL (SELECT CASE WHEN na.id IS NULL THEN NULL ELSE x0.a END AS a,
		                            CASE WHEN nb.id IS NULL THEN NULL ELSE x0.b END AS b) x
	), la AS (
		SELECT l, jsonb_build_array(l->'source', l->'target', l->'proto', l->'server_port', l->'class') AS k
		  FROM jsonb_array_elements(ga->'links') l
	), lb AS (
		SELECT l, jsonb_build_array(l->'source', l->'target', l->'proto', l->'server_port', l->'class') AS k
		  FROM jsonb_array_elements(gb->'links') l
	), links AS (
		-- Compared: the counters; first_seen and last_seen differ between any two windows.
		SELECT coalesce(lb.k, la.k) AS k,
		       coalesce(lb.l, la.l)
		       || jsonb_build_object(
		              'status', CASE WHEN la.k IS NULL THEN 'added' WHEN lb.k IS NULL THEN 'removed'
		                             WHEN x.a IS DISTINCT FROM x.b THEN 'changed' ELSE 'unchanged' END,
		              'a', x.a, 'b', x.b) AS l
		  FROM la FULL JOIN lb ON lb.k = la.k
		 CROSS JOIN LATERAL (
			SELECT CASE WHEN la.k IS NOT NULL THEN jsonb_build_object(
			           'edges', la.l->'edges', 'conns', la.l->'conns', 'packets', la.l->'packets',
			           'c2s_packets', la.l->'c2s_packets', 's2c_packets', la.l->'s2c_packets',
			           'bytes', la.l->'bytes', 'c2s_bytes', la.l->'c2s_bytes', 's2c_bytes', la.l->'s2c_bytes') END AS a,
			       CASE WHEN lb.k IS NOT NULL THEN jsonb_build_object(
			           'edges', lb.l->'edges', 'conns', lb.l->'conns', 'packets', lb.l->'packets',
			           'c2s_packets', lb.l->'c2s_packets', 's2c_packets', lb.l->'s2c_packets',
			           'bytes', lb.l->'bytes', 'c2s_bytes', lb.l->'c2s_bytes', 's2c_bytes', lb.l->'s2c_bytes') END AS b) x
	)
	SELECT jsonb_build_object(
		'nodes', coalesce((SELECT jsonb_agg(n.n ORDER BY n.id) FROM nodes n), '[]'),
		'links', coalesce((SELECT jsonb_agg(l.l ORDER BY l.l->>'source', l.l->>'target', l.l->>'proto',
		                                     (l.l->>'server_port')::integer, l.l->>'class') FROM links l), '[]'),
		'meta', (ga->'meta') - 'since' - 'until' - 'capture_ids' - 'captures' - 'runs' - 'first_capture'
		        - 'last_capture' - 'totals' - 'classes' - 'shown'
		        || jsonb_build_object(
		               'a', ga->'meta', 'b', gb->'meta',
		               'nodes', (SELECT jsonb_build_object(
		                             'added', count(*) FILTER (WHERE n->>'status' = 'added'),
		                             'removed', count(*) FILTER (WHERE n->>'status' = 'removed'),
		                             'changed', count(*) FILTER (WHERE n->>'status' = 'changed'),
		                             'unchanged', count(*) FILTER (WHERE n->>'status' = 'unchanged'))
		                           FROM nodes),
		               'links', (SELECT jsonb_build_object(
		                             'added', count(*) FILTER (WHERE l->>'status' = 'added'),
		                             'removed', count(*) FILTER (WHERE l->>'status' = 'removed'),
		                             'changed', count(*) FILTER (WHERE l->>'status' = 'changed'),
		                             'unchanged', count(*) FILTER (WHERE l->>'status' = 'unchanged'))
		                           FROM links)))
	  INTO result;
	RETURN result;
END
$$;

COMMENT ON FUNCTION graph_diff_json(tstzrange, tstzrange, text, integer, text[], text[], text[], bigint, boolean, text) IS
	'the maps of two windows a and b as one, in graph_json''s shape: every node and link has status added, removed, changed or unchanged, and its compared values in each window (a, b; NULL where absent); meta.a and meta.b are the two maps'' meta';
