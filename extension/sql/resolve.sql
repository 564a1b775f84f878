
-- resolve: names of addresses seen in traffic that the inventory does not know, by reverse
-- DNS (trafficmap resolve). The loader asks resolve_addresses what to look up, resolves with
-- c-ares, COPYs the answers into the table resolve_stage() makes, and resolve_apply() keeps
-- them in foreign_names with source 'dns'.

CREATE FUNCTION resolve_addresses(since timestamptz) RETURNS SETOF inet
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$
	SELECT DISTINCT a.address
	  FROM trafficmap.captures c
	  JOIN trafficmap.traffic t ON t.capture_id = c.id
	 CROSS JOIN LATERAL (VALUES (t.client), (t.server)) AS a(address)
	 WHERE c.started >= $1
	   AND trafficmap.owner_at(a.address, c.started) IS NULL
	   AND NOT EXISTS (SELECT FROM trafficmap.foreign_names f
	                    WHERE f.source = 'file' AND f.address >>= a.address)
	 ORDER BY a.address
	$$;

COMMENT ON FUNCTION resolve_addresses(timestamptz) IS
	'the addresses in traffic captured since a time that had no owner when captured and have no file name: what trafficmap resolve looks up';

CREATE FUNCTION resolve_stage() RETURNS void
	LANGUAGE plpgsql
	AS $$
BEGIN
	IF to_regclass('pg_temp.resolve_names') IS NOT NULL THEN
		DROP TABLE pg_temp.resolve_names;
	END IF;
	CREATE TEMP TABLE resolve_names (
		address inet NOT NULL,
		name text NOT NULL
	) ON COMMIT DROP;
END
$$;

COMMENT ON FUNCTION resolve_stage() IS
	'make the temporary table (pg_temp.resolve_names) the names trafficmap resolve found are COPYed into; it goes at commit';

CREATE FUNCTION resolve_apply(at timestamptz, OUT added bigint, OUT changed bigint)
	LANGUAGE plpgsql
	AS $$
BEGIN
	SELECT count(*) FILTER (WHERE f.address IS NULL),
	       count(*) FILTER (WHERE f.address IS NOT NULL AND f.name <> r.name)
	  INTO added, changed
	  FROM pg_temp.resolve_names r
	  LEFT JOIN trafficmap.foreign_names f ON f.address = r.address::cidr AND f.source = 'dns';
	INSERT INTO trafficmap.foreign_names (address, name, source, as_of)
	SELECT DISTINCT ON (r.address) r.address::cidr, r.name, 'dns', at
	  FROM pg_temp.resolve_names r
	 ORDER BY r.address, r.name
	    ON CONFLICT (address, source) DO UPDATE SET name = excluded.name, as_of = excluded.as_of;
END
$$;

COMMENT ON FUNCTION resolve_apply(timestamptz) IS
	'keep the reverse-DNS names staged in pg_temp.resolve_names, looked up at a time, as dns names of foreign_names';
