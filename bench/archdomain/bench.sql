-- bench/archdomain: build both indexes and time the queries; print ratios archdomain/ltree.
SET search_path TO trafficmap, public;
SET max_parallel_workers_per_gather = 0;
SET client_min_messages = warning;

-- Milliseconds to (re)build one GiST index.
CREATE FUNCTION bench_build(tbl text, col text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz;
BEGIN
	EXECUTE format('DROP INDEX IF EXISTS %I', tbl || '_gist');
	t0 := clock_timestamp();
	EXECUTE format('CREATE INDEX %I ON %I USING gist (%I)', tbl || '_gist', tbl, col);
	RETURN extract(epoch FROM clock_timestamp() - t0) * 1000;
END $$;

-- Server-side milliseconds of one execution, and the index the plan used.
CREATE FUNCTION bench_ms(q text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
	j json;
BEGIN
	EXECUTE 'EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ' || q INTO j;
	RETURN (j -> 0 ->> 'Execution Time')::float8;
END $$;
CREATE FUNCTION bench_plan(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	j json;
BEGIN
	EXECUTE 'EXPLAIN (FORMAT JSON) ' || q INTO j;
	RETURN CASE WHEN j::text LIKE '%"Index Name"%' THEN 'index' ELSE 'no index' END;
END $$;

CREATE FUNCTION bench_count(q text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	n bigint;
BEGIN
	EXECUTE q INTO n;
	RETURN n;
END $$;

CREATE TEMP TABLE timing (what text, form text, kind text, ms float8);

-- The index builds, alternating, three times each.
SELECT bench_build('ad', 'a') IS NOT NULL AS warmed, bench_build('lt', 'l') IS NOT NULL AS warmed \gset
INSERT INTO timing SELECT 'build', 'build', 'ad', bench_build('ad', 'a') FROM generate_series(1, 3);
INSERT INTO timing SELECT 'build', 'build', 'lt', bench_build('lt', 'l') FROM generate_series(1, 3);
VACUUM ANALYZE ad;
VACUUM ANALYZE lt;

-- The queries, each in two forms: count(*) asks the index alone (archdomain answers it with
-- an index-only scan; ltree's GiST cannot return its values), count(id) also fetches every
-- row from the table, work that is the same for both types. Each pair must find the same rows.
CREATE TEMP TABLE queries (ord int, kind text, label text, adq text, ltq text);
INSERT INTO queries VALUES
	(1, 'ancestor', '<@ online/midtier', $$a <@ 'online/midtier'$$, $$l <@ 'online.midtier'$$),
	(2, 'ancestor', '<@ payments/mailer/us', $$a <@ 'payments/mailer/us'$$, $$l <@ 'payments.mailer.us'$$),
	(3, 'ancestor', '<@ search (13%)', $$a <@ 'search'$$, $$l <@ 'search'$$),
	(4, 'descendant', '@> online/stream/v1/rest/shard18/n109', $$a @> 'online/stream/v1/rest/shard18/n109'$$, $$l @> 'online.stream.v1.rest.shard18.n109'$$),
	(5, 'descendant', '@> payments/ledger/api/shard03/n5', $$a @> 'payments/ledger/api/shard03/n5'$$, $$l @> 'payments.ledger.api.shard03.n5'$$),
	(6, 'glob', '~ online/*/api', $$a ~ 'online/*/api'$$, $$l ~ 'online.*{1}.api'$$),
	(7, 'glob', '~ online/**/shard07', $$a ~ 'online/**/shard07'$$, $$l ~ 'online.*.shard07'$$),
	(8, 'glob', '~ */ledger/**', $$a ~ '*/ledger/**'$$, $$l ~ '*{1}.ledger.*'$$),
	(9, 'glob', '~ **/n17', $$a ~ '**/n17'$$, $$l ~ '*.n17'$$);
CREATE TEMP TABLE forms (form text, agg text);
INSERT INTO forms VALUES ('count(*)', 'count(*)'), ('rows', 'count(id)');
CREATE TEMP VIEW runs AS
	SELECT q.*, f.form, 'SELECT ' || f.agg || ' FROM ad WHERE ' || q.adq AS adsql,
	       'SELECT ' || f.agg || ' FROM lt WHERE ' || q.ltq AS ltsql
	  FROM queries q, forms f;

CREATE TEMP TABLE answers AS
SELECT ord, label, bench_plan(adsql) AS planner_ad, bench_plan(ltsql) AS planner_lt,
       bench_count(adsql) AS ad_rows, bench_count(ltsql) AS lt_rows
  FROM runs WHERE form = 'rows';

-- Timed through the index (both), after two warm-up runs, alternating the two tables, one
-- form after the other (so that no run finds the pages a run of the other form just read in
-- the CPU's caches). A loop, so that every run really executes: SQL may evaluate a repeated
-- call only once.
CREATE FUNCTION bench_time(runs int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	r record;
	ad_ms float8;
	lt_ms float8;
BEGIN
	FOR n IN 1 .. runs + 2 LOOP
		FOR r IN SELECT * FROM runs ORDER BY form, ord LOOP
			ad_ms := bench_ms(r.adsql);
			lt_ms := bench_ms(r.ltsql);
			IF n > 2 THEN
				INSERT INTO timing VALUES (r.label, r.form, 'ad', ad_ms), (r.label, r.form, 'lt', lt_ms);
			END IF;
		END LOOP;
	END LOOP;
END $$;
SET enable_seqscan = off;
SELECT bench_time(:runs) AS timed \gset
RESET enable_seqscan;
-- The best of the runs: on a shared machine, other work only ever adds time.
CREATE TEMP VIEW ratios AS
WITH med AS (
	SELECT what, form, kind, min(ms) AS ms FROM timing GROUP BY what, form, kind
)
SELECT a.what, a.form, a.ms AS ad_ms, l.ms AS lt_ms, a.ms / l.ms AS ratio
  FROM med a JOIN med l ON l.what = a.what AND l.form = a.form AND l.kind = 'lt'
 WHERE a.kind = 'ad';

\pset footer off
\echo
\echo 'archdomain/ltree: 1M names, best of' :runs 'runs per query (3 per build), milliseconds'
SELECT coalesce(q.kind, 'build') AS kind, r.what AS query, a.ad_rows AS rows,
       round(r.ad_ms::numeric, 2) AS archdomain_ms, round(r.lt_ms::numeric, 2) AS ltree_ms,
       round(r.ratio::numeric, 2) AS ratio,
       round(f.ad_ms::numeric, 2) AS "archdomain_ms (rows)", round(f.lt_ms::numeric, 2) AS "ltree_ms (rows)",
       round(f.ratio::numeric, 2) AS "ratio (rows)"
  FROM ratios r
  LEFT JOIN ratios f ON f.what = r.what AND f.form = 'rows'
  LEFT JOIN queries q ON q.label = r.what
  LEFT JOIN answers a ON a.label = r.what
 WHERE r.form IN ('build', 'count(*)')
 ORDER BY coalesce(q.ord, 0);

SELECT 'index size' AS what,
       pg_size_pretty(pg_relation_size('ad_gist')) AS archdomain, pg_size_pretty(pg_relation_size('lt_gist')) AS ltree,
       round(pg_relation_size('ad_gist')::numeric / pg_relation_size('lt_gist'), 2) AS ratio
UNION ALL
SELECT 'table size', pg_size_pretty(pg_relation_size('ad')), pg_size_pretty(pg_relation_size('lt')),
       round(pg_relation_size('ad')::numeric / pg_relation_size('lt'), 2);

\echo 'The plan the planner picks unforced (an index for selective queries):'
SELECT label AS query, planner_ad AS archdomain, planner_lt AS ltree FROM answers ORDER BY ord;

-- The goals, and both types finding the same rows (else the benchmark fails).
SELECT max(ratio) FILTER (WHERE form IN ('build', 'count(*)')) <= 1.0 AS every_ratio_at_most_1,
       round(max(ratio) FILTER (WHERE form = 'rows')::numeric, 2) AS worst_rows_ratio,
       pg_relation_size('ad_gist') <= pg_relation_size('lt_gist') AS index_no_larger
  FROM ratios \gset
\echo 'goal: every ratio <= 1.0:' :every_ratio_at_most_1 '  index no larger than ltree''s:' :index_no_larger
\echo '(with the rows fetched, where the table dominates, the worst ratio is' :worst_rows_ratio ')'
DO $$
DECLARE
	bad text;
BEGIN
	SELECT string_agg(format('%s: archdomain %s rows, ltree %s', label, ad_rows, lt_rows), '; ')
	  INTO bad FROM answers WHERE ad_rows <> lt_rows;
	IF bad IS NOT NULL THEN
		RAISE EXCEPTION 'archdomain and ltree found different rows: %', bad;
	END IF;
END $$;
