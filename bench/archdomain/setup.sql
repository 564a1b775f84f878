-- bench/archdomain: the two tables, filled from the same names (data.sql).
SET client_min_messages = warning;
CREATE EXTENSION trafficmap;
CREATE EXTENSION ltree;
\ir data.sql
CREATE TABLE ad AS SELECT id, name::trafficmap.archdomain AS a FROM bench_src;
CREATE TABLE lt AS SELECT id, replace(name, '/', '.')::ltree AS l FROM bench_src;
VACUUM ANALYZE ad;
VACUUM ANALYZE lt;
