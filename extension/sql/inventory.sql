
-- inventory: the fleet, and who owned each address when (trafficmap inventory, resolve).
--
-- An inventory run (one file read by the loader) is staged into temporary tables made by
-- inventory_stage() and applied by one of the *_apply() functions below in one transaction:
-- the set logic lives here, in SQL, and the loader only parses and COPYs.

CREATE TABLE instances (
	instance_id text PRIMARY KEY,
	source text NOT NULL CHECK (source IN ('ec2', 'json', 'csv')),
	region text,
	az text,
	vpc_id text,
	private_ips inet[] NOT NULL DEFAULT '{}',
	public_ips inet[] NOT NULL DEFAULT '{}',
	name text,
	archdomain archdomain,
	env text,
	tags jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(tags) = 'object'),
	instance_type text,
	lifecycle text NOT NULL DEFAULT 'unknown'
		CHECK (lifecycle IN ('on-demand', 'spot', 'reserved', 'unknown')),
	hourly_price numeric CHECK (hourly_price >= 0),
	state text,
	launched timestamptz,
	first_seen timestamptz NOT NULL,
	last_seen timestamptz NOT NULL,
	CHECK (first_seen <= last_seen)
);

CREATE INDEX instances_archdomain_idx ON instances (archdomain);

COMMENT ON TABLE instances IS
	'the hosts of the fleet, as the latest inventory run that listed each one saw it';
COMMENT ON COLUMN instances.instance_id IS 'the EC2 instance id, or the name of a host from a fleet CSV';
COMMENT ON COLUMN instances.source IS
	'where the instance was last listed: ec2 (the EC2 API), json (aws-cli output), csv (a fleet CSV)';
COMMENT ON COLUMN instances.region IS 'the region (from the availability zone for EC2)';
COMMENT ON COLUMN instances.az IS 'the availability zone';
COMMENT ON COLUMN instances.vpc_id IS 'the VPC';
COMMENT ON COLUMN instances.private_ips IS
	'addresses on the host''s network interfaces: primary and secondary private IPv4 addresses, IPv6 addresses';
COMMENT ON COLUMN instances.public_ips IS 'public addresses associated with the host (NATed to a private one)';
COMMENT ON COLUMN instances.name IS 'the Name tag (EC2) or the name column (CSV)';
COMMENT ON COLUMN instances.archdomain IS
	'the archdomain tag after archdomain_sanitize and the aliases of archdomain_aliases';
COMMENT ON COLUMN instances.env IS 'the env tag as given (prod, stage, ...)';
COMMENT ON COLUMN instances.tags IS 'every tag as given, raw, as a JSON object of strings';
COMMENT ON COLUMN instances.instance_type IS 'the instance type (m5.large) or the CSV''s instance_type';
COMMENT ON COLUMN instances.lifecycle IS 'on-demand, spot, reserved or unknown';
COMMENT ON COLUMN instances.hourly_price IS
	'price per hour: the CSV''s hourly_price, else from prices for the type, region and lifecycle at the run';
COMMENT ON COLUMN instances.state IS 'the EC2 state (pending, running, stopped, terminated, ...)';
COMMENT ON COLUMN instances.launched IS 'the EC2 launch time';
COMMENT ON COLUMN instances.first_seen IS 'the time of the first inventory run that listed the instance';
COMMENT ON COLUMN instances.last_seen IS 'the time of the latest inventory run that listed the instance';

-- One address, one owner at any instant. GiST's inet_ops (core) compares addresses exactly;
-- btree_gist's inet opclass would compare them as lossy doubles.
CREATE TABLE ip_owners (
	address inet NOT NULL,
	instance_id text NOT NULL REFERENCES instances ON UPDATE CASCADE ON DELETE CASCADE,
	valid tstzrange NOT NULL,
	CONSTRAINT ip_owners_host CHECK (masklen(address) = CASE family(address) WHEN 4 THEN 32 ELSE 128 END),
	CONSTRAINT ip_owners_valid CHECK (NOT isempty(valid) AND NOT lower_inf(valid)),
	CONSTRAINT ip_owners_one_owner EXCLUDE USING gist (address inet_ops WITH =, valid WITH &&)
);

CREATE INDEX ip_owners_instance_idx ON ip_owners (instance_id);

COMMENT ON TABLE ip_owners IS
	'which instance held an address during which time range: an old capture is attributed to the hosts of its own day';
COMMENT ON COLUMN ip_owners.address IS 'a host address (IPv4 /32 or IPv6 /128)';
COMMENT ON COLUMN ip_owners.instance_id IS 'the instance that held the address';
COMMENT ON COLUMN ip_owners.valid IS
	'from the inventory run that first saw this owner to the run that saw another owner (or --expire); open while current';

CREATE TABLE security_groups (
	group_id text PRIMARY KEY,
	name text,
	vpc_id text,
	description text,
	rules jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(rules) = 'array'),
	archdomain archdomain,
	first_seen timestamptz NOT NULL,
	last_seen timestamptz NOT NULL
);

COMMENT ON TABLE security_groups IS 'EC2 security groups (aws ec2 describe-security-groups, or named by instances)';
COMMENT ON COLUMN security_groups.group_id IS 'the group id (sg-...)';
COMMENT ON COLUMN security_groups.name IS 'the group name';
COMMENT ON COLUMN security_groups.vpc_id IS 'the VPC of the group';
COMMENT ON COLUMN security_groups.description IS 'the group description';
COMMENT ON COLUMN security_groups.rules IS
	'ingress rules as AWS gives them (IpPermissions): protocol, port range, CIDR and group-reference sources';
COMMENT ON COLUMN security_groups.archdomain IS
	'the archdomain of security_group_archdomains''s first matching pattern, else the most common among the group''s instances';
COMMENT ON COLUMN security_groups.first_seen IS 'the first inventory run that named the group';
COMMENT ON COLUMN security_groups.last_seen IS 'the latest inventory run that named the group';

CREATE TABLE instance_security_groups (
	instance_id text NOT NULL REFERENCES instances ON UPDATE CASCADE ON DELETE CASCADE,
	group_id text NOT NULL REFERENCES security_groups ON UPDATE CASCADE ON DELETE CASCADE,
	valid tstzrange NOT NULL CHECK (NOT isempty(valid) AND NOT lower_inf(valid)),
	CONSTRAINT instance_security_groups_once
		EXCLUDE USING gist (instance_id WITH =, group_id WITH =, valid WITH &&)
);

CREATE INDEX instance_security_groups_group_idx ON instance_security_groups (group_id);

COMMENT ON TABLE instance_security_groups IS 'which instance was in which security group during which time range';
COMMENT ON COLUMN instance_security_groups.instance_id IS 'the instance';
COMMENT ON COLUMN instance_security_groups.group_id IS 'the security group';
COMMENT ON COLUMN instance_security_groups.valid IS 'when the instance was in the group; open while current';

CREATE TABLE security_group_archdomains (
	position integer PRIMARY KEY,
	pattern text NOT NULL UNIQUE,
	archdomain archdomain NOT NULL
);

COMMENT ON TABLE security_group_archdomains IS
	'site rules naming the archdomain of security groups (trafficmap inventory group-archdomains); the first match wins';
COMMENT ON COLUMN security_group_archdomains.position IS 'the order of the rules: the line of the file';
COMMENT ON COLUMN security_group_archdomains.pattern IS
	'a regular expression matched without regard to case against the group''s name and its id';
COMMENT ON COLUMN security_group_archdomains.archdomain IS 'the archdomain of the groups that match';

CREATE TABLE prices (
	instance_type text NOT NULL,
	region text NOT NULL DEFAULT '',
	lifecycle text NOT NULL DEFAULT ''
		CHECK (lifecycle IN ('', 'on-demand', 'spot', 'reserved', 'unknown')),
	price numeric NOT NULL CHECK (price >= 0),
	as_of timestamptz NOT NULL,
	PRIMARY KEY (instance_type, region, lifecycle, as_of)
);

COMMENT ON TABLE prices IS
	'hourly prices per instance type, region and lifecycle over time (trafficmap inventory prices), for EC2 and on-premises fleets';
COMMENT ON COLUMN prices.instance_type IS 'the instance type';
COMMENT ON COLUMN prices.region IS 'the region; empty for every region';
COMMENT ON COLUMN prices.lifecycle IS 'on-demand, spot, reserved or unknown; empty for every lifecycle';
COMMENT ON COLUMN prices.price IS 'the price of one hour';
COMMENT ON COLUMN prices.as_of IS 'from when the price holds';

CREATE TABLE foreign_names (
	address cidr NOT NULL,
	name text NOT NULL,
	source text NOT NULL CHECK (source IN ('file', 'dns')),
	as_of timestamptz NOT NULL,
	PRIMARY KEY (address, source)
);

CREATE INDEX foreign_names_address_idx ON foreign_names USING gist (address inet_ops);

COMMENT ON TABLE foreign_names IS
	'names of addresses outside the fleet: from the foreign-ips file and from reverse DNS (trafficmap resolve)';
COMMENT ON COLUMN foreign_names.address IS 'an address (/32, /128) or a network naming every address in it';
COMMENT ON COLUMN foreign_names.name IS 'the name';
COMMENT ON COLUMN foreign_names.source IS 'file (the foreign-ips file) or dns (a PTR record); file names win';
COMMENT ON COLUMN foreign_names.as_of IS 'when the file was loaded or the name was looked up';

CREATE TABLE archdomain_aliases (
	pattern text PRIMARY KEY,
	replacement archdomain NOT NULL,
	priority integer NOT NULL DEFAULT 0
);

COMMENT ON TABLE archdomain_aliases IS
	'site-specific rewrites of archdomain tags, applied after archdomain_sanitize (trafficmap inventory aliases)';
COMMENT ON COLUMN archdomain_aliases.pattern IS
	'a glob of labels matched with archdomain ~ text: * is one label, ** zero or more (prod-online-search-v2/**)';
COMMENT ON COLUMN archdomain_aliases.replacement IS 'the archdomain a matching tag becomes';
COMMENT ON COLUMN archdomain_aliases.priority IS
	'of several matching patterns the highest priority wins, then the most specific (more literal labels, then fewer **), then the first in text order';

SELECT pg_catalog.pg_extension_config_dump('instances', '');
SELECT pg_catalog.pg_extension_config_dump('ip_owners', '');
SELECT pg_catalog.pg_extension_config_dump('security_groups', '');
SELECT pg_catalog.pg_extension_config_dump('instance_security_groups', '');
SELECT pg_catalog.pg_extension_config_dump('security_group_archdomains', '');
SELECT pg_catalog.pg_extension_config_dump('prices', '');
SELECT pg_catalog.pg_extension_config_dump('foreign_names', '');
SELECT pg_catalog.pg_extension_config_dump('archdomain_aliases', '');

-- Lookups ------------------------------------------------------------------------------------

CREATE FUNCTION owner_at(address inet, at timestamptz) RETURNS text
	LANGUAGE sql STABLE STRICT PARALLEL SAFE
	AS $$
	SELECT o.instance_id
	  FROM trafficmap.ip_owners o
	 WHERE o.address = pg_catalog.set_masklen($1, CASE pg_catalog.family($1) WHEN 4 THEN 32 ELSE 128 END)
	   AND o.valid @> $2
	$$;

COMMENT ON FUNCTION owner_at(inet, timestamptz) IS
	'the instance_id that held the address at that time, or NULL';

CREATE FUNCTION foreign_name(address inet) RETURNS text
	LANGUAGE sql STABLE STRICT PARALLEL SAFE
	AS $$
	SELECT f.name
	  FROM trafficmap.foreign_names f
	 WHERE f.address >>= $1
	 ORDER BY f.source = 'file' DESC, pg_catalog.masklen(f.address) DESC
	 LIMIT 1
	$$;

COMMENT ON FUNCTION foreign_name(inet) IS
	'the name of an address outside the fleet: a file name beats a dns name, then the longest prefix wins; NULL if none';

CREATE FUNCTION price_at(instance_type text, region text, lifecycle text, at timestamptz) RETURNS numeric
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$
	SELECT p.price
	  FROM trafficmap.prices p
	 WHERE p.instance_type = $1
	   AND (p.region = $2 OR p.region = '')
	   AND (p.lifecycle = $3 OR p.lifecycle = '')
	 ORDER BY p.region = $2 DESC, p.lifecycle = $3 DESC,
	       p.as_of <= $4 DESC,
	       CASE WHEN p.as_of <= $4 THEN p.as_of END DESC,
	       p.as_of
	 LIMIT 1
	$$;

COMMENT ON FUNCTION price_at(text, text, text, timestamptz) IS
	'the hourly price of an instance type in a region and lifecycle at a time: exact region and lifecycle before "every", the latest price from before the time, else the earliest after';

-- An archdomain tag as the map shows it: sanitized, then rewritten by the best alias.
CREATE FUNCTION archdomain_from_tag(tag text) RETURNS archdomain
	LANGUAGE sql STABLE STRICT PARALLEL SAFE
	AS $$
	SELECT coalesce(
	           (SELECT a.replacement
	              FROM trafficmap.archdomain_aliases a
	             WHERE s.clean OPERATOR(trafficmap.~) a.pattern
	             ORDER BY a.priority DESC,
	                   (SELECT count(*) FROM unnest(string_to_array(a.pattern, '/')) l
	                     WHERE l NOT IN ('*', '**')) DESC,
	                   (SELECT count(*) FROM unnest(string_to_array(a.pattern, '/')) l WHERE l = '**'),
	                   a.pattern
	             LIMIT 1),
	           s.clean)
	  FROM (SELECT trafficmap.archdomain_sanitize($1) AS clean) s
	$$;

COMMENT ON FUNCTION archdomain_from_tag(text) IS
	'an archdomain tag value as the map shows it: archdomain_sanitize, then the best matching alias of archdomain_aliases (highest priority, then most specific)';

-- Staging ------------------------------------------------------------------------------------

CREATE FUNCTION inventory_stage() RETURNS void
	LANGUAGE plpgsql
	AS $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['inventory_instances', 'inventory_groups', 'inventory_memberships',
	                         'inventory_foreign', 'inventory_aliases', 'inventory_prices',
	                         'inventory_group_archdomains'] LOOP
		IF to_regclass('pg_temp.' || t) IS NOT NULL THEN
			EXECUTE format('DROP TABLE pg_temp.%I', t);
		END IF;
	END LOOP;
	CREATE TEMP TABLE inventory_instances (
		line integer NOT NULL,
		instance_id text NOT NULL,
		name text,
		region text,
		az text,
		vpc_id text,
		private_ips inet[] NOT NULL,
		public_ips inet[] NOT NULL,
		archdomain_tag text,
		env text,
		tags jsonb NOT NULL,
		instance_type text,
		lifecycle text NOT NULL,
		hourly_price numeric,
		state text,
		launched timestamptz
	) ON COMMIT DROP;
	CREATE TEMP TABLE inventory_groups (
		line integer NOT NULL,
		group_id text NOT NULL,
		name text,
		vpc_id text,
		description text,
		rules jsonb NOT NULL
	) ON COMMIT DROP;
	CREATE TEMP TABLE inventory_memberships (
		instance_id text NOT NULL,
		group_id text NOT NULL,
		group_name text
	) ON COMMIT DROP;
	CREATE TEMP TABLE inventory_foreign (
		line integer NOT NULL,
		address cidr NOT NULL,
		name text NOT NULL
	) ON COMMIT DROP;
	CREATE TEMP TABLE inventory_aliases (
		line integer NOT NULL,
		pattern text NOT NULL,
		replacement text NOT NULL,
		priority integer
	) ON COMMIT DROP;
	CREATE TEMP TABLE inventory_prices (
		line integer NOT NULL,
		instance_type text NOT NULL,
		region text,
		lifecycle text,
		price numeric NOT NULL
	) ON COMMIT DROP;
	CREATE TEMP TABLE inventory_group_archdomains (
		line integer NOT NULL,
		pattern text NOT NULL,
		archdomain text NOT NULL
	) ON COMMIT DROP;
END
$$;

COMMENT ON FUNCTION inventory_stage() IS
	'make the temporary tables (pg_temp.inventory_*) an inventory run is COPYed into; they go at commit';

-- Applying a run of instances ----------------------------------------------------------------

CREATE FUNCTION inventory_apply(source text, at timestamptz, expire boolean,
								OUT instances_added bigint, OUT instances_changed bigint,
								OUT instances_seen bigint, OUT owners_opened bigint,
								OUT owners_closed bigint, OUT address_conflicts bigint,
								OUT groups_added bigint, OUT groups_changed bigint,
								OUT memberships_opened bigint, OUT memberships_closed bigint)
	LANGUAGE plpgsql
	AS $$
DECLARE
	r record;
BEGIN
	ANALYZE pg_temp.inventory_instances;
	ANALYZE pg_temp.inventory_memberships;

	-- One owner per address: a running instance before others, then the latest launched.
	CREATE TEMP TABLE inventory_claims ON COMMIT DROP AS
	SELECT c.address, c.instance_id, c.line,
	       row_number() OVER (PARTITION BY c.address
	                          ORDER BY c.state = 'running' DESC NULLS LAST, c.launched DESC NULLS LAST,
	                                   c.instance_id) AS rank
	  FROM (SELECT DISTINCT unnest(s.private_ips || s.public_ips) AS address, s.instance_id, s.line,
	               s.state, s.launched
	          FROM pg_temp.inventory_instances s
	         WHERE s.state IS DISTINCT FROM 'terminated') c;

	SELECT count(DISTINCT c.address) INTO address_conflicts FROM pg_temp.inventory_claims c WHERE c.rank = 2;
	FOR r IN
		SELECT c.address, string_agg(c.instance_id, ', ' ORDER BY c.rank) AS claimants,
		       min(c.instance_id) FILTER (WHERE c.rank = 1) AS kept
		  FROM pg_temp.inventory_claims c
		 WHERE c.address IN (SELECT k.address FROM pg_temp.inventory_claims k WHERE k.rank = 2
		                      ORDER BY k.address LIMIT 10)
		 GROUP BY c.address
		 ORDER BY c.address
	LOOP
		RAISE WARNING 'address % is listed for several instances: %', host(r.address), r.claimants
			USING DETAIL = format('%s is kept as its owner (running before other states, then the latest launched).', r.kept),
			      HINT = 'Overlapping VPCs reuse private addresses; ownership records one owner per address.';
	END LOOP;
	IF address_conflicts > 10 THEN
		RAISE WARNING '% more addresses are listed for several instances', address_conflicts - 10;
	END IF;

	CREATE TEMP TABLE inventory_owners ON COMMIT DROP AS
	SELECT c.address, c.instance_id FROM pg_temp.inventory_claims c WHERE c.rank = 1;
	CREATE INDEX ON pg_temp.inventory_owners (address);
	ANALYZE pg_temp.inventory_owners;

	-- Runs apply in time order: nothing this run touches may already be known from later.
	SELECT later.address, later.valid INTO r
	  FROM (SELECT o.address, o.valid FROM trafficmap.ip_owners o
	          JOIN pg_temp.inventory_owners w ON w.address = o.address
	        UNION ALL
	        SELECT o.address, o.valid FROM trafficmap.ip_owners o
	          JOIN pg_temp.inventory_instances s ON s.instance_id = o.instance_id
	        UNION ALL
	        SELECT o.address, o.valid FROM trafficmap.ip_owners o
	          JOIN trafficmap.instances i ON i.instance_id = o.instance_id
	         WHERE expire AND i.source = inventory_apply.source) later
	 WHERE lower(later.valid) > at OR upper(later.valid) > at
	 ORDER BY later.address, lower(later.valid)
	 LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'the inventory is dated %, before ownership already recorded', at
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('Address %s has an owner recorded for %s.', host(r.address), r.valid),
			      HINT = 'Apply inventory runs in time order; give the time an old inventory was taken with --at.';
	END IF;

	-- Instances: added, changed (any attribute), or only seen again.
	CREATE TEMP TABLE inventory_rows ON COMMIT DROP AS
	SELECT s.instance_id, inventory_apply.source AS source, s.region, s.az, s.vpc_id,
	       s.private_ips, s.public_ips, s.name, trafficmap.archdomain_from_tag(s.archdomain_tag) AS archdomain,
	       s.env, s.tags, s.instance_type, s.lifecycle,
	       coalesce(s.hourly_price, trafficmap.price_at(s.instance_type, s.region, s.lifecycle, at)) AS hourly_price,
	       s.state, s.launched
	  FROM pg_temp.inventory_instances s;

	SELECT count(*) FILTER (WHERE i.instance_id IS NULL),
	       count(*) FILTER (WHERE i.instance_id IS NOT NULL AND
	              (i.source, i.region, i.az, i.vpc_id, i.private_ips, i.public_ips, i.name, i.archdomain,
	               i.env, i.tags, i.instance_type, i.lifecycle, i.hourly_price, i.state, i.launched)
	              IS DISTINCT FROM
	              (s.source, s.region, s.az, s.vpc_id, s.private_ips, s.public_ips, s.name, s.archdomain,
	               s.env, s.tags, s.instance_type, s.lifecycle, s.hourly_price, s.state, s.launched)),
	       count(*)
	  INTO instances_added, instances_changed, instances_seen
	  FROM pg_temp.inventory_rows s
	  LEFT JOIN trafficmap.instances i ON i.instance_id = s.instance_id;

	INSERT INTO trafficmap.instances AS i
	       (instance_id, source, region, az, vpc_id, private_ips, public_ips, name, archdomain, env,
	        tags, instance_type, lifecycle, hourly_price, state, launched, first_seen, last_seen)
	SELECT s.instance_id, s.source, s.region, s.az, s.vpc_id, s.private_ips, s.public_ips, s.name,
	       s.archdomain, s.env, s.tags, s.instance_type, s.lifecycle, s.hourly_price, s.state,
	       s.launched, at, at
	  FROM pg_temp.inventory_rows s
	    ON CONFLICT (instance_id) DO UPDATE
	   SET source = excluded.source, region = excluded.region, az = excluded.az,
	       vpc_id = excluded.vpc_id, private_ips = excluded.private_ips,
	       public_ips = excluded.public_ips, name = excluded.name, archdomain = excluded.archdomain,
	       env = excluded.env, tags = excluded.tags, instance_type = excluded.instance_type,
	       lifecycle = excluded.lifecycle, hourly_price = excluded.hourly_price,
	       state = excluded.state, launched = excluded.launched,
	       first_seen = least(i.first_seen, excluded.first_seen),
	       last_seen = greatest(i.last_seen, excluded.last_seen);

	-- Ownership: close what no longer holds (a range opened at this very time was never
	-- true and goes), then open what is new.
	WITH stale AS (
		-- the run gives the address to another instance
		SELECT o.ctid AS id, lower(o.valid) >= at AS never
		  FROM trafficmap.ip_owners o
		  JOIN pg_temp.inventory_owners w ON w.address = o.address AND w.instance_id <> o.instance_id
		 WHERE upper_inf(o.valid)
		UNION
		-- the run lists the instance as terminated: it holds nothing
		SELECT o.ctid, lower(o.valid) >= at
		  FROM trafficmap.ip_owners o
		  JOIN pg_temp.inventory_instances s ON s.instance_id = o.instance_id AND s.state = 'terminated'
		 WHERE upper_inf(o.valid)
		UNION
		-- --expire: an instance of this source the run does not give the address to
		SELECT o.ctid, lower(o.valid) >= at
		  FROM trafficmap.ip_owners o
		  JOIN trafficmap.instances i ON i.instance_id = o.instance_id AND i.source = inventory_apply.source
		 WHERE expire AND upper_inf(o.valid)
		   AND NOT EXISTS (SELECT FROM pg_temp.inventory_owners w
		                    WHERE w.address = o.address AND w.instance_id = o.instance_id)
	), gone AS (
		DELETE FROM trafficmap.ip_owners o
		 USING stale WHERE o.ctid = stale.id AND stale.never
		RETURNING 1
	), closed AS (
		UPDATE trafficmap.ip_owners o
		   SET valid = tstzrange(lower(o.valid), at)
		  FROM stale WHERE o.ctid = stale.id AND NOT stale.never
		RETURNING 1
	)
	SELECT (SELECT count(*) FROM gone) + (SELECT count(*) FROM closed) INTO owners_closed;

	INSERT INTO trafficmap.ip_owners (address, instance_id, valid)
	SELECT w.address, w.instance_id, tstzrange(at, NULL)
	  FROM pg_temp.inventory_owners w
	 WHERE NOT EXISTS (SELECT FROM trafficmap.ip_owners o
	                    WHERE o.address = w.address AND o.instance_id = w.instance_id
	                      AND upper_inf(o.valid))
	 ORDER BY w.address;
	GET DIAGNOSTICS owners_opened = ROW_COUNT;

	-- Security groups the run describes, and stubs for those it only names.
	SELECT count(*) FILTER (WHERE g.group_id IS NULL),
	       count(*) FILTER (WHERE g.group_id IS NOT NULL AND
	              (g.name, g.vpc_id, g.description, g.rules) IS DISTINCT FROM
	              (s.name, s.vpc_id, s.description, s.rules))
	  INTO groups_added, groups_changed
	  FROM pg_temp.inventory_groups s
	  LEFT JOIN trafficmap.security_groups g ON g.group_id = s.group_id;

	INSERT INTO trafficmap.security_groups AS g
	       (group_id, name, vpc_id, description, rules, first_seen, last_seen)
	SELECT DISTINCT ON (s.group_id) s.group_id, s.name, s.vpc_id, s.description, s.rules, at, at
	  FROM pg_temp.inventory_groups s
	 ORDER BY s.group_id, s.line DESC
	    ON CONFLICT (group_id) DO UPDATE
	   SET name = excluded.name, vpc_id = excluded.vpc_id, description = excluded.description,
	       rules = excluded.rules, first_seen = least(g.first_seen, excluded.first_seen),
	       last_seen = greatest(g.last_seen, excluded.last_seen);

	INSERT INTO trafficmap.security_groups AS g (group_id, name, first_seen, last_seen)
	SELECT m.group_id, max(m.group_name), at, at
	  FROM pg_temp.inventory_memberships m
	 WHERE NOT EXISTS (SELECT FROM pg_temp.inventory_groups s WHERE s.group_id = m.group_id)
	 GROUP BY m.group_id
	    ON CONFLICT (group_id) DO UPDATE
	   SET name = coalesce(g.name, excluded.name),
	       first_seen = least(g.first_seen, excluded.first_seen),
	       last_seen = greatest(g.last_seen, excluded.last_seen);

	-- Memberships: the run says exactly which groups its live instances are in.
	CREATE TEMP TABLE inventory_wanted ON COMMIT DROP AS
	SELECT DISTINCT m.instance_id, m.group_id
	  FROM pg_temp.inventory_memberships m
	  JOIN pg_temp.inventory_instances s ON s.instance_id = m.instance_id
	 WHERE s.state IS DISTINCT FROM 'terminated';
	ANALYZE pg_temp.inventory_wanted;

	WITH listed AS (
		SELECT s.instance_id FROM pg_temp.inventory_instances s
		UNION
		SELECT i.instance_id FROM trafficmap.instances i WHERE expire AND i.source = inventory_apply.source
	), stale AS (
		SELECT o.ctid AS id, lower(o.valid) >= at AS never
		  FROM trafficmap.instance_security_groups o
		  JOIN listed l ON l.instance_id = o.instance_id
		 WHERE upper_inf(o.valid)
		   AND NOT EXISTS (SELECT FROM pg_temp.inventory_wanted w
		                    WHERE w.instance_id = o.instance_id AND w.group_id = o.group_id)
	), gone AS (
		DELETE FROM trafficmap.instance_security_groups o
		 USING stale WHERE o.ctid = stale.id AND stale.never
		RETURNING 1
	), closed AS (
		UPDATE trafficmap.instance_security_groups o
		   SET valid = tstzrange(lower(o.valid), at)
		  FROM stale WHERE o.ctid = stale.id AND NOT stale.never
		RETURNING 1
	)
	SELECT (SELECT count(*) FROM gone) + (SELECT count(*) FROM closed) INTO memberships_closed;

	INSERT INTO trafficmap.instance_security_groups (instance_id, group_id, valid)
	SELECT w.instance_id, w.group_id, tstzrange(at, NULL)
	  FROM pg_temp.inventory_wanted w
	 WHERE NOT EXISTS (SELECT FROM trafficmap.instance_security_groups o
	                    WHERE o.instance_id = w.instance_id AND o.group_id = w.group_id
	                      AND upper_inf(o.valid));
	GET DIAGNOSTICS memberships_opened = ROW_COUNT;

	PERFORM trafficmap.security_groups_assign();

	DROP TABLE pg_temp.inventory_claims, pg_temp.inventory_owners, pg_temp.inventory_rows,
		pg_temp.inventory_wanted;
END
$$;

COMMENT ON FUNCTION inventory_apply(text, timestamptz, boolean) IS
	'apply the instances and security groups staged in pg_temp.inventory_* as an inventory run of a source at a time; with expire, addresses of that source missing from the run lose their owner';

-- Security groups --------------------------------------------------------------------------

CREATE FUNCTION security_groups_assign() RETURNS bigint
	LANGUAGE sql
	AS $$
	WITH best AS (
		SELECT g.group_id,
		       coalesce(
		           (SELECT m.archdomain
		              FROM trafficmap.security_group_archdomains m
		             WHERE g.name ~* m.pattern OR g.group_id ~* m.pattern
		             ORDER BY m.position
		             LIMIT 1),
		           (SELECT i.archdomain
		              FROM trafficmap.instance_security_groups sg
		              JOIN trafficmap.instances i ON i.instance_id = sg.instance_id
		             WHERE sg.group_id = g.group_id AND upper_inf(sg.valid) AND i.archdomain IS NOT NULL
		             GROUP BY i.archdomain
		             ORDER BY count(*) DESC, i.archdomain
		             LIMIT 1)) AS archdomain
		  FROM trafficmap.security_groups g
	), changed AS (
		UPDATE trafficmap.security_groups g
		   SET archdomain = best.archdomain
		  FROM best
		 WHERE best.group_id = g.group_id AND g.archdomain IS DISTINCT FROM best.archdomain
		RETURNING 1
	)
	SELECT count(*) FROM changed
	$$;

COMMENT ON FUNCTION security_groups_assign() IS
	'set each security group''s archdomain: the first matching rule of security_group_archdomains, else the most common archdomain among its current instances (ties: the first in order); returns how many changed';

CREATE FUNCTION inventory_check_group_archdomains() RETURNS TABLE (line integer, problem text)
	LANGUAGE plpgsql
	AS $$
DECLARE
	r record;
BEGIN
	FOR r IN SELECT * FROM pg_temp.inventory_group_archdomains s ORDER BY s.line LOOP
		BEGIN
			PERFORM '' ~* r.pattern;
		EXCEPTION WHEN invalid_regular_expression THEN
			line := r.line;
			problem := format('pattern %s is not a regular expression: %s', r.pattern, SQLERRM);
			RETURN NEXT;
		END;
		BEGIN
			PERFORM r.archdomain::trafficmap.archdomain;
		EXCEPTION WHEN data_exception OR program_limit_exceeded THEN
			line := r.line;
			problem := format('archdomain %s is not an archdomain: %s', r.archdomain, SQLERRM);
			RETURN NEXT;
		END;
	END LOOP;
	RETURN QUERY
	SELECT b.line, format('pattern %s is also on line %s', b.pattern, a.line)
	  FROM pg_temp.inventory_group_archdomains a
	  JOIN pg_temp.inventory_group_archdomains b ON a.pattern = b.pattern AND a.line < b.line
	 WHERE NOT EXISTS (SELECT FROM pg_temp.inventory_group_archdomains c
	                    WHERE c.pattern = a.pattern AND c.line < a.line)
	 ORDER BY b.line;
END
$$;

COMMENT ON FUNCTION inventory_check_group_archdomains() IS
	'the lines of the staged security group archdomain rules that cannot be applied, and why';

CREATE FUNCTION inventory_apply_group_archdomains(OUT added bigint, OUT changed bigint,
												  OUT removed bigint, OUT groups_changed bigint)
	LANGUAGE plpgsql
	AS $$
BEGIN
	SELECT count(*) FILTER (WHERE m.pattern IS NULL),
	       count(*) FILTER (WHERE m.pattern IS NOT NULL
	                          AND (m.position, m.archdomain) IS DISTINCT FROM (s.line, s.archdomain::trafficmap.archdomain))
	  INTO added, changed
	  FROM pg_temp.inventory_group_archdomains s
	  LEFT JOIN trafficmap.security_group_archdomains m ON m.pattern = s.pattern;
	SELECT count(*) INTO removed
	  FROM trafficmap.security_group_archdomains m
	 WHERE NOT EXISTS (SELECT FROM pg_temp.inventory_group_archdomains s WHERE s.pattern = m.pattern);
	DELETE FROM trafficmap.security_group_archdomains;
	INSERT INTO trafficmap.security_group_archdomains (position, pattern, archdomain)
	SELECT s.line, s.pattern, s.archdomain::trafficmap.archdomain FROM pg_temp.inventory_group_archdomains s;
	groups_changed := trafficmap.security_groups_assign();
END
$$;

COMMENT ON FUNCTION inventory_apply_group_archdomains() IS
	'replace the security group archdomain rules with the staged ones and assign the groups again';

-- Foreign names ------------------------------------------------------------------------------

CREATE FUNCTION inventory_apply_foreign(at timestamptz, OUT added bigint, OUT changed bigint,
										OUT removed bigint)
	LANGUAGE plpgsql
	AS $$
BEGIN
	SELECT count(*) FILTER (WHERE f.address IS NULL),
	       count(*) FILTER (WHERE f.address IS NOT NULL AND f.name <> s.name)
	  INTO added, changed
	  FROM pg_temp.inventory_foreign s
	  LEFT JOIN trafficmap.foreign_names f ON f.address = s.address AND f.source = 'file';
	DELETE FROM trafficmap.foreign_names f
	 WHERE f.source = 'file'
	   AND NOT EXISTS (SELECT FROM pg_temp.inventory_foreign s WHERE s.address = f.address);
	GET DIAGNOSTICS removed = ROW_COUNT;
	INSERT INTO trafficmap.foreign_names AS f (address, name, source, as_of)
	SELECT s.address, s.name, 'file', at FROM pg_temp.inventory_foreign s
	    ON CONFLICT (address, source) DO UPDATE
	   SET name = excluded.name,
	       as_of = CASE WHEN f.name = excluded.name THEN f.as_of ELSE excluded.as_of END;
END
$$;

COMMENT ON FUNCTION inventory_apply_foreign(timestamptz) IS
	'replace the file names of foreign_names with the staged foreign-ips file';

-- Aliases ------------------------------------------------------------------------------------

CREATE FUNCTION inventory_check_aliases() RETURNS TABLE (line integer, problem text)
	LANGUAGE plpgsql
	AS $$
DECLARE
	r record;
BEGIN
	FOR r IN SELECT * FROM pg_temp.inventory_aliases s ORDER BY s.line LOOP
		BEGIN
			PERFORM 'x'::trafficmap.archdomain OPERATOR(trafficmap.~) r.pattern;
		EXCEPTION WHEN data_exception OR program_limit_exceeded THEN
			line := r.line;
			problem := format('pattern %s is not an archdomain pattern: %s', r.pattern, SQLERRM);
			RETURN NEXT;
		END;
		BEGIN
			PERFORM r.replacement::trafficmap.archdomain;
		EXCEPTION WHEN data_exception OR program_limit_exceeded THEN
			line := r.line;
			problem := format('replacement %s is not an archdomain: %s', r.replacement, SQLERRM);
			RETURN NEXT;
		END;
	END LOOP;
	RETURN QUERY
	SELECT b.line, format('pattern %s is also on line %s', b.pattern, a.line)
	  FROM pg_temp.inventory_aliases a
	  JOIN pg_temp.inventory_aliases b ON a.pattern = b.pattern AND a.line < b.line
	 WHERE NOT EXISTS (SELECT FROM pg_temp.inventory_aliases c
	                    WHERE c.pattern = a.pattern AND c.line < a.line)
	 ORDER BY b.line;
END
$$;

COMMENT ON FUNCTION inventory_check_aliases() IS
	'the lines of the staged aliases that cannot be applied, and why';

CREATE FUNCTION inventory_apply_aliases(OUT added bigint, OUT changed bigint, OUT removed bigint)
	LANGUAGE plpgsql
	AS $$
BEGIN
	SELECT count(*) FILTER (WHERE a.pattern IS NULL),
	       count(*) FILTER (WHERE a.pattern IS NOT NULL AND
	              (a.replacement, a.priority) IS DISTINCT FROM
	              (s.replacement::trafficmap.archdomain, coalesce(s.priority, 0)))
	  INTO added, changed
	  FROM pg_temp.inventory_aliases s
	  LEFT JOIN trafficmap.archdomain_aliases a ON a.pattern = s.pattern;
	DELETE FROM trafficmap.archdomain_aliases a
	 WHERE NOT EXISTS (SELECT FROM pg_temp.inventory_aliases s WHERE s.pattern = a.pattern);
	GET DIAGNOSTICS removed = ROW_COUNT;
	INSERT INTO trafficmap.archdomain_aliases (pattern, replacement, priority)
	SELECT s.pattern, s.replacement::trafficmap.archdomain, coalesce(s.priority, 0)
	  FROM pg_temp.inventory_aliases s
	    ON CONFLICT (pattern) DO UPDATE
	   SET replacement = excluded.replacement, priority = excluded.priority;
END
$$;

COMMENT ON FUNCTION inventory_apply_aliases() IS
	'replace archdomain_aliases with the staged aliases file (they apply from the next inventory run on)';

-- Prices -------------------------------------------------------------------------------------

CREATE FUNCTION inventory_check_prices() RETURNS TABLE (line integer, problem text)
	LANGUAGE plpgsql
	AS $$
BEGIN
	RETURN QUERY
	SELECT b.line, format('%s in %s (%s) is also on line %s', b.instance_type,
	                      coalesce(b.region, 'every region'), coalesce(b.lifecycle, 'every lifecycle'), a.line)
	  FROM pg_temp.inventory_prices a
	  JOIN pg_temp.inventory_prices b
	    ON (a.instance_type, coalesce(a.region, ''), coalesce(a.lifecycle, ''))
	     = (b.instance_type, coalesce(b.region, ''), coalesce(b.lifecycle, ''))
	   AND a.line < b.line
	 WHERE NOT EXISTS (SELECT FROM pg_temp.inventory_prices c
	                    WHERE (c.instance_type, coalesce(c.region, ''), coalesce(c.lifecycle, ''))
	                        = (a.instance_type, coalesce(a.region, ''), coalesce(a.lifecycle, ''))
	                      AND c.line < a.line)
	 ORDER BY b.line;
END
$$;

COMMENT ON FUNCTION inventory_check_prices() IS
	'the lines of the staged price list that repeat an instance type, region and lifecycle';

CREATE FUNCTION inventory_apply_prices(at timestamptz, OUT added bigint, OUT changed bigint)
	LANGUAGE plpgsql
	AS $$
BEGIN
	CREATE TEMP TABLE inventory_price_news ON COMMIT DROP AS
	SELECT s.instance_type, coalesce(s.region, '') AS region, coalesce(s.lifecycle, '') AS lifecycle,
	       s.price,
	       (SELECT p.price FROM trafficmap.prices p
	         WHERE p.instance_type = s.instance_type AND p.region = coalesce(s.region, '')
	           AND p.lifecycle = coalesce(s.lifecycle, '') AND p.as_of <= at
	         ORDER BY p.as_of DESC LIMIT 1) AS before
	  FROM pg_temp.inventory_prices s;
	SELECT count(*) FILTER (WHERE n.before IS NULL), count(*) FILTER (WHERE n.before <> n.price)
	  INTO added, changed
	  FROM pg_temp.inventory_price_news n;
	INSERT INTO trafficmap.prices AS p (instance_type, region, lifecycle, price, as_of)
	SELECT n.instance_type, n.region, n.lifecycle, n.price, at
	  FROM pg_temp.inventory_price_news n
	 WHERE n.before IS DISTINCT FROM n.price
	    ON CONFLICT (instance_type, region, lifecycle, as_of) DO UPDATE SET price = excluded.price;
	DROP TABLE pg_temp.inventory_price_news;
END
$$;

COMMENT ON FUNCTION inventory_apply_prices(timestamptz) IS
	'record the staged price list as of a time: a price that differs from the one in force then is added';
