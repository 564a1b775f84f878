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
DROP TABLE adt;
