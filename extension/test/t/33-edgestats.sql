-- pgTAP: the edge statistics aggregates against plain sums, and a large aggregation that runs
-- in parallel workers (EXPLAIN shows partial aggregates under a Gather) with the same result
-- as without them (combine, serial and deserial functions at work).
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS trafficmap CASCADE;
SET search_path TO trafficmap, public;
SET timezone = 'UTC';
SELECT plan(10);

-- 300,000 traffic-like rows in 1,000 groups.
CREATE TABLE edges_t AS
SELECT i % 1000 AS g, (i % 7)::bigint AS conns, (i % 13)::bigint AS c2s_packets, (i % 1009)::bigint * 100 AS c2s_bytes,
       (i % 17)::bigint AS s2c_packets, (i % 997)::bigint * 1000 AS s2c_bytes,
       '2024-01-01'::timestamptz + (i % 86400) * interval '1 second' AS first_seen,
       '2024-01-01'::timestamptz + (i % 86400 + i % 60) * interval '1 second' AS last_seen,
       (i % 3)::bigint AS syns, (i % 2)::bigint AS fins, (i % 5 = 0)::int::bigint AS rsts
  FROM generate_series(1, 300000) i;
ANALYZE edges_t;

CREATE TEMP TABLE plain AS
SELECT g, count(*) AS edges, sum(conns) AS conns, sum(c2s_packets) AS c2s_packets, sum(c2s_bytes) AS c2s_bytes,
       sum(s2c_packets) AS s2c_packets, sum(s2c_bytes) AS s2c_bytes, min(first_seen) AS first_seen,
       max(last_seen) AS last_seen, sum(syns) AS syns, sum(fins) AS fins, sum(rsts) AS rsts
  FROM edges_t GROUP BY g;

SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial AS
SELECT g, (edge_stats_agg(conns, c2s_packets, c2s_bytes, s2c_packets, s2c_bytes, first_seen, last_seen, syns, fins, rsts)).*
  FROM edges_t GROUP BY g;

SELECT is_empty($$SELECT * FROM plain EXCEPT SELECT * FROM serial$$, 'edge_stats_agg equals count, sum, min and max per group');
SELECT is((SELECT count(*) FROM serial), 1000::bigint, 'one row per group');

-- Forced into parallel workers.
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
SET enable_hashagg = off;

CREATE FUNCTION pg_temp.plan(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	line text;
	out text := '';
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || q LOOP
		out := out || line || E'\n';
	END LOOP;
	RETURN out;
END
$$;

SELECT matches(pg_temp.plan($$SELECT g, edge_stats_agg(conns, c2s_packets, c2s_bytes, s2c_packets, s2c_bytes, first_seen, last_seen, syns, fins, rsts) FROM edges_t GROUP BY g$$),
               'Finalize GroupAggregate.*Gather Merge.*Workers Launched: [12].*Partial GroupAggregate.*Parallel Seq Scan on edges_t',
               'EXPLAIN ANALYZE: edge_stats_agg over 300,000 rows runs as partial aggregates in parallel workers');
SELECT matches(pg_temp.plan($$SELECT sum(x) FROM (SELECT edge_stats_agg(conns, c2s_packets, c2s_bytes, s2c_packets, s2c_bytes, first_seen, last_seen, syns, fins, rsts) AS x FROM edges_t GROUP BY g) s$$),
               'Partial GroupAggregate', 'and sum(edge_stats) above it');

-- RETURN QUERY runs its query in parallel (a cursor, or CREATE TABLE AS, would not).
CREATE FUNCTION pg_temp.parallel() RETURNS SETOF serial LANGUAGE plpgsql AS $$
BEGIN
	RETURN QUERY SELECT g, (edge_stats_agg(conns, c2s_packets, c2s_bytes, s2c_packets, s2c_bytes, first_seen, last_seen, syns, fins, rsts)).*
	               FROM edges_t GROUP BY g;
END
$$;
CREATE TEMP TABLE parallel AS SELECT * FROM pg_temp.parallel();
SELECT is_empty($$SELECT * FROM plain EXCEPT SELECT * FROM parallel$$, 'the parallel aggregation gives the same sums');

SELECT matches(pg_temp.plan($$SELECT trafficmap.sum(s) FROM (SELECT edge_stats_agg(conns, c2s_packets, c2s_bytes, s2c_packets, s2c_bytes, first_seen, last_seen, syns, fins, rsts) s FROM edges_t GROUP BY g % 10) x$$),
               'Gather', 'sum(edge_stats) plans in parallel too');
SELECT is((SELECT (sum(s)).c2s_bytes FROM (SELECT edge_stats_agg(conns, c2s_packets, c2s_bytes, s2c_packets, s2c_bytes, first_seen, last_seen, syns, fins, rsts) s FROM edges_t GROUP BY g) x),
          (SELECT sum(c2s_bytes)::bigint FROM edges_t), 'sum(edge_stats) of the groups is the whole');
RESET max_parallel_workers_per_gather;

SELECT is((SELECT edge_stats_agg(NULL, 1, NULL, NULL, NULL, NULL, '2024-01-01', NULL, NULL, NULL) FROM generate_series(1, 3)),
          ROW(3, 0, 3, 0, 0, 0, NULL, '2024-01-01'::timestamptz, 0, 0, 0)::edge_stats,
          'NULL counters add nothing, NULL times are no bound, every row is an edge');
SELECT is((SELECT edge_stats_agg(1, 1, 1, 1, 1, now(), now(), 1, 1, 1) FROM generate_series(1, 0)), NULL,
          'no rows: NULL');
SELECT throws_ok($$SELECT edge_stats_agg(9223372036854775807, 0, 0, 0, 0, NULL, NULL, 0, 0, 0) FROM generate_series(1, 2)$$,
                 '22003', 'edge statistics out of range: the sum of conns exceeds bigint', 'overflow is an error naming the counter');

SELECT * FROM finish();
ROLLBACK;
