-- bench.sql: the timings of bench/graph (run by ./run after baseline.sql, in one session).
\set ON_ERROR_STOP on
\pset footer off
SET client_min_messages = notice;
SET timezone = 'UTC';

-- The best of n runs of a query returning a map, in milliseconds, and its links' md5.
CREATE FUNCTION pg_temp.best(q text, n integer, OUT ms numeric, OUT links integer, OUT md5 text)
	LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz;
	t numeric;
	r jsonb;
BEGIN
	FOR i IN 1 .. n LOOP
		t0 := clock_timestamp();
		EXECUTE q INTO r;
		t := round(extract(epoch FROM clock_timestamp() - t0)::numeric * 1000, 1);
		ms := least(ms, t);
	END LOOP;
	links := jsonb_array_length(r->'links');
	md5 := md5((r->'links')::text);
EXCEPTION WHEN program_limit_exceeded THEN
	-- A map over jsonb's 256 MB: no time, and the same outcome is what both must give.
	RAISE NOTICE 'graph: %: %', left(q, 60), SQLERRM;
	ms := NULL;
	links := NULL;
	md5 := 'too large for jsonb';
END
$$;

CREATE TEMP TABLE results (grouping text, span text, ours numeric, baseline numeric, links integer, same boolean);
-- psql does not expand variables in the DO block: hand them over as settings.
SELECT set_config('bench.runs', :'runs', false), set_config('bench.days', :'days', false) \gset

DO $$
DECLARE
	g text;
	last_day timestamptz;
	first_day timestamptz;
	w record;
	o record;
	b record;
BEGIN
	SELECT date_trunc('day', max(started) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
	       date_trunc('day', min(started) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
	  INTO last_day, first_day FROM trafficmap.captures;
	FOR w IN SELECT * FROM (VALUES ('1 day', last_day, last_day + interval '1 day', current_setting('bench.runs')::integer),
	                               (current_setting('bench.days') || ' days', first_day, last_day + interval '1 day', 1)) v(span, since, until, n) LOOP
		FOREACH g IN ARRAY ARRAY['instance', 'cluster', 'env', 'archdomain', 'security_group', 'az', 'region'] LOOP
			o := pg_temp.best(format('SELECT trafficmap.graph_json(since => %L, until => %L, "grouping" => %L)',
			                         w.since, w.until, g), w.n);
			b := pg_temp.best(format('SELECT pg_temp.baseline_json(%L, %L, %L, 2)', w.since, w.until, g), w.n);
			RAISE NOTICE 'graph: % by %: graph_json % ms, baseline % ms', w.span, g, o.ms, b.ms;
			INSERT INTO results VALUES (g, w.span, o.ms, b.ms, o.links, o.md5 = b.md5);
		END LOOP;
	END LOOP;
END
$$;

\echo
\echo 'graph_json against the plain-SQL baseline (ms, best of the runs; ratio = graph_json / baseline; -: the map is over jsonb''s 256 MB):'
SELECT r1.grouping,
       coalesce(r1.ours::text, '-') AS "1 day", coalesce(r1.baseline::text, '-') AS "baseline",
       coalesce(round(r1.ours / r1.baseline, 3)::text, '-') AS ratio, r1.links,
       coalesce(rn.ours::text, '-') AS "all days", coalesce(rn.baseline::text, '-') AS "baseline ",
       coalesce(round(rn.ours / rn.baseline, 3)::text, '-') AS "ratio ", rn.links AS "links ",
       r1.same AND rn.same AS "same links"
  FROM results r1 JOIN results rn ON rn.grouping = r1.grouping AND rn.span <> '1 day'
 WHERE r1.span = '1 day'
 ORDER BY array_position(ARRAY['instance', 'cluster', 'env', 'archdomain', 'security_group', 'az', 'region'], r1.grouping);

SELECT count(*) FILTER (WHERE span = '1 day' AND ours < 1000) || ' of 7' AS "one day under 1 s",
       count(*) FILTER (WHERE ours <= baseline) || ' of ' || count(ours) AS "not slower than the baseline",
       bool_and(same) AS "same links as the baseline"
  FROM results;

SELECT (SELECT count(*) FROM trafficmap.traffic) AS traffic_rows,
       (SELECT count(*) FROM trafficmap.captures) AS captures,
       (SELECT count(*) FROM trafficmap.collect_runs) AS runs,
       (SELECT count(*) FROM trafficmap.instances) AS instances;

-- A benchmark whose maps differ from the baseline's has measured nothing: fail.
DO $$
BEGIN
	IF NOT (SELECT bool_and(same) FROM results) THEN
		RAISE EXCEPTION 'graph: graph_json and the baseline give different links for %',
			(SELECT string_agg(grouping || ' (' || span || ')', ', ') FROM results WHERE NOT same);
	END IF;
END
$$;
\echo 'graph: graph_json and the baseline agree on every map'
