-- archdomain indexes: the same queries as a sequential scan, then through a btree, a GiST
-- built sorted and a GiST built by inserts, with enable_seqscan off; the output must not change.
SET search_path TO trafficmap, public;

CREATE TABLE adt (a archdomain);
\copy adt FROM 'test/data/archdomain.data'
SELECT count(*), count(DISTINCT a) FROM adt;
ANALYZE adt;

-- Every operator class of the type is valid.
SELECT opc.opcname, am.amname, amvalidate(opc.oid)
  FROM pg_opclass opc JOIN pg_am am ON am.oid = opc.opcmethod
 WHERE opc.opcintype = 'archdomain'::regtype ORDER BY 1, 2;

-- 1. Sequential scan.
\i test/sql/archdomain_index_queries.inc

-- 2. btree (answers the ordering operators).
CREATE INDEX adt_btree ON adt (a);
SET enable_seqscan = off;
\i test/sql/archdomain_index_queries.inc
RESET enable_seqscan;
DROP INDEX adt_btree;

-- 3. GiST, the default operator class, built sorted by CREATE INDEX.
CREATE INDEX adt_gist ON adt USING gist (a);
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM adt WHERE a <@ 'online';
EXPLAIN (COSTS OFF) SELECT a FROM adt WHERE a @> 'x-y/0/blue/a_b';
EXPLAIN (COSTS OFF) SELECT count(*) FROM adt WHERE a ~ '*/midtier/**';
EXPLAIN (COSTS OFF) SELECT count(*) FROM adt WHERE a = 'green/infra/us';
RESET enable_bitmapscan;
EXPLAIN (COSTS OFF) SELECT count(*) FROM adt WHERE a ~ ANY (ARRAY['online/*', 'offline/*/*']);
\i test/sql/archdomain_index_queries.inc
RESET enable_seqscan;
DROP INDEX adt_gist;

-- 4. GiST built by inserting into an empty index: penalty and picksplit place the keys.
TRUNCATE adt;
CREATE INDEX adt_gist ON adt USING gist (a);
\copy adt FROM 'test/data/archdomain.data'
-- Insert copies and delete them again (the last rows), so splits and dead keys happen too.
INSERT INTO adt SELECT a FROM adt WHERE a <@ 'online' OR a <@ 'x-y';
DELETE FROM adt WHERE ctid IN (SELECT ctid FROM adt WHERE a <@ 'online' OR a <@ 'x-y'
	ORDER BY ctid DESC LIMIT (SELECT count(*) / 2 FROM adt WHERE a <@ 'online' OR a <@ 'x-y'));
SELECT count(*), count(DISTINCT a) FROM adt;
SET enable_seqscan = off;
\i test/sql/archdomain_index_queries.inc
RESET enable_seqscan;

-- The planner chooses the index for a selective query on its own.
-- (fewer rows than ANALYZE samples, so the statistics are the same every run)
INSERT INTO adt SELECT ('bulk/n' || i % 1000)::archdomain FROM generate_series(1, 20000) i;
ANALYZE adt;
EXPLAIN (COSTS OFF) SELECT count(*) FROM adt WHERE a <@ 'online/midtier';
EXPLAIN (COSTS OFF) SELECT count(*) FROM adt WHERE a @> 'x-y/0/blue/a_b';
EXPLAIN (COSTS OFF) SELECT count(*) FROM adt WHERE a ~ 'web/*/n10/**';
EXPLAIN (COSTS OFF) SELECT count(*) FROM adt WHERE a <@ 'bulk';
-- Row estimates of @> and <@ (archdomain_hierarchy_sel) next to the rows found.
CREATE FUNCTION estimate(q text) RETURNS TABLE (estimated bigint, actual bigint) LANGUAGE plpgsql AS $$
DECLARE
	j json;
BEGIN
	EXECUTE 'EXPLAIN (FORMAT JSON) SELECT * FROM adt WHERE ' || q INTO j;
	estimated := (j -> 0 -> 'Plan' ->> 'Plan Rows')::bigint;
	EXECUTE 'SELECT count(*) FROM adt WHERE ' || q INTO actual;
	RETURN NEXT;
END $$;
SELECT q, e.* FROM unnest(ARRAY[$$a <@ 'online'$$, $$a <@ 'bulk'$$, $$'bulk' @> a$$, $$a <@ 'x-y/a-b'$$,
	$$a <@ 'nothing/here'$$, $$a @> 'x-y/0/blue/a_b'$$, $$'bulk/n7/x' <@ a$$, $$a @> 'q/r/s'$$]) q,
	LATERAL estimate(q) e;
DROP FUNCTION estimate;
DROP TABLE adt;

-- Long names: range keys keep cut bounds (so they fit inner pages) and still answer right.
CREATE TABLE adlong AS
	SELECT (CASE WHEN i % 3 = 0 THEN 'long/' ELSE 'other/' END
	        || (SELECT string_agg(md5(i::text || '/' || j), '/') FROM generate_series(1, 1 + i % 120) j))::archdomain AS a
	  FROM generate_series(1, 600) i;
SELECT max(length(a::text)) AS longest, count(*) FROM adlong;
CREATE TEMP TABLE adlong_seq AS
	SELECT q, (SELECT count(*) FROM adlong WHERE a <@ q::archdomain) AS below,
	          (SELECT count(*) FROM adlong WHERE a @> q::archdomain) AS above,
	          (SELECT count(*) FROM adlong WHERE a ~ (q || '/**')) AS globbed
	  FROM (SELECT 'long' UNION ALL SELECT 'other' UNION ALL SELECT a::text FROM adlong WHERE depth(a) > 100) qs(q);
CREATE INDEX adlong_gist ON adlong USING gist (a);
INSERT INTO adlong SELECT a FROM adlong WHERE depth(a) > 100;
DELETE FROM adlong WHERE ctid IN (SELECT ctid FROM adlong ORDER BY ctid DESC LIMIT (SELECT count(*) FROM adlong WHERE depth(a) > 100) / 2);
SET enable_seqscan = off;
SELECT count(*) AS probes, count(*) FILTER (WHERE below > 0 AND above > 0 AND globbed > 0) AS all_found,
       count(*) FILTER (WHERE below <> (SELECT count(*) FROM adlong WHERE a <@ q::archdomain)
                           OR above <> (SELECT count(*) FROM adlong WHERE a @> q::archdomain)
                           OR globbed <> (SELECT count(*) FROM adlong WHERE a ~ (q || '/**'))) AS index_disagrees
  FROM adlong_seq;
RESET enable_seqscan;
DROP TABLE adlong;
