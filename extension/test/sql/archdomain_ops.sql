-- archdomain: the hierarchy operators and functions, lca, lca_agg, min/max and glob matching.
SET search_path TO trafficmap, public;
\set VERBOSITY default

-- @> (is the same name or an ancestor) and <@ (the same name or a descendant).
SELECT a, b, a::archdomain @> b::archdomain AS contains, a::archdomain <@ b::archdomain AS contained
  FROM (VALUES ('a', 'a'), ('a', 'a/b'), ('a/b', 'a'), ('a', 'ab'), ('a/b', 'a/bc'),
               ('a/b', 'a-b'), ('online/midtier', 'online/midtier/search'), ('x', 'y/x')) v(a, b);

-- depth, parent, rollup.
SELECT a, depth(a::archdomain), parent(a::archdomain), rollup(a::archdomain, 1) AS r1,
       rollup(a::archdomain, 2) AS r2, rollup(a::archdomain, 300) AS r300
  FROM (VALUES ('a'), ('a/b'), ('online/midtier/search'), ('a/b/c/d/e')) v(a);
SELECT depth(array_to_string(array_fill('l'::text, ARRAY[255]), '/')::archdomain) AS deepest;
SELECT rollup('a/b', 0);
SELECT rollup('a/b', -1);
-- In GROUP BY, a bare ROLLUP is SQL's grouping sets; qualify the function.
SELECT trafficmap.rollup(a, 1) AS top, count(*)
  FROM (VALUES ('a/b'::archdomain), ('a/c'), ('b')) v(a) GROUP BY trafficmap.rollup(a, 1) ORDER BY 1;

-- subpath with ltree's offsets: negative offset from the end, negative length leaves labels off.
SELECT o, l, subpath('a/b/c/d', o, l) FROM (VALUES (0, 1), (0, 4), (1, 2), (1, 9), (3, 1),
	(-1, 1), (-4, 2), (0, -1), (1, -1), (-3, -1), (2, -1)) v(o, l);
SELECT o, subpath('a/b/c/d', o) FROM generate_series(-4, 3) o;
SELECT subpath('a/b/c/d', 4);
SELECT subpath('a/b/c/d', -5);
SELECT subpath('a/b/c/d', 1, 0);
SELECT subpath('a/b/c/d', 2, -2);
SELECT subpath('a/b/c/d', 0, -5);
SELECT subpath('a', 2147483647, 2147483647);
SELECT subpath('a', -2147483648);

-- || puts the right name's labels under the left one's.
SELECT 'online'::archdomain || 'midtier/search' AS cat, depth('a/b'::archdomain || 'c');
SELECT depth(array_to_string(array_fill('l'::text, ARRAY[200]), '/')::archdomain
	|| array_to_string(array_fill('m'::text, ARRAY[55]), '/')::archdomain) AS most;
SELECT array_to_string(array_fill('l'::text, ARRAY[200]), '/')::archdomain
	|| array_to_string(array_fill('m'::text, ARRAY[56]), '/')::archdomain;

-- lca: the common prefix of whole labels, inclusive; NULL when the first labels differ.
SELECT lca('a/b/c', 'a/b/d') AS two, lca('a/b/c', 'a/b/c') AS same, lca('a/b', 'a/b/c') AS ancestor,
       lca('a/bc', 'a/bd') AS partial_label, lca('ab', 'ac') AS none, lca('x/y') AS one,
       lca('a/b/c', 'a/b/d', 'a/e') AS three, lca('a', NULL) AS with_null,
       lca(VARIADIC ARRAY[]::archdomain[]) AS empty, lca(VARIADIC ARRAY['p/q/r', 'p/q']::archdomain[]) AS arr;

-- lca_agg skips NULLs; NULL for no rows or no shared first label.
SELECT lca_agg(a) FROM (VALUES ('a/b/c'::archdomain), (NULL), ('a/b/d/e'), ('a/b')) v(a);
SELECT lca_agg(a) FROM (VALUES ('a/b/c'::archdomain), ('b')) v(a);
SELECT lca_agg(a) FROM (VALUES ('a/b/c'::archdomain), ('b'), ('a/b')) v(a);
SELECT lca_agg(a) FROM (VALUES (NULL::archdomain)) v(a);
SELECT lca_agg(a) FROM (SELECT 'a'::archdomain WHERE false) v(a);
SELECT g, lca_agg(a) FROM (VALUES (1, 'x/y/z'::archdomain), (1, 'x/y'), (2, 'q'), (2, 'r')) v(g, a)
 GROUP BY g ORDER BY g;
-- In parallel, the partial states are combined.
-- (not a temporary table: those are never scanned in parallel)
CREATE TABLE fleet AS
	SELECT ('online/midtier/s' || (i % 50) || '/n' || i)::archdomain AS a
	  FROM generate_series(1, 200000) i;
ANALYZE fleet;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT lca_agg(a) FROM fleet;
SELECT lca_agg(a), min(a), max(a) FROM fleet;
SELECT lca_agg(a) FROM (SELECT a FROM fleet UNION ALL SELECT 'online/frontend') f;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
DROP TABLE fleet;

-- ~ glob patterns: * is exactly one label, ** zero or more.
SELECT n, p, n::archdomain ~ p AS matches FROM (VALUES
	('online/midtier/search', 'online/*/search'),
	('online/search', 'online/*/search'),
	('online/a/b/search', 'online/*/search'),
	('online/a/b/search', 'online/**/search'),
	('online/search', 'online/**/search'),
	('online', 'online/**'),
	('online/x', 'online/**'),
	('onlinex', 'online/**'),
	('a/b/c', '**'),
	('a/b/c', '*'),
	('a', '*'),
	('a/b/c', '*/*/*'),
	('a/b/c', '**/c'),
	('a/b/c', '**/b'),
	('a/b/c', '**/b/**'),
	('a/b/c', 'A/B/C'),
	('a/b/c', 'a/**/**/c'),
	('a/b/a/b/c', '**/a/b/c'),
	('a/b/a/b/x', '**/a/b/c')
) v(n, p);
SELECT 'a/b'::archdomain ~ ANY (ARRAY['x/**', '*/b']) AS any_match,
       'a/b'::archdomain ~ ALL (ARRAY['a/**', '*/b']) AS all_match,
       'a/b'::archdomain ~ ANY (ARRAY['x/**', '*']) AS no_match;
-- Malformed patterns, one per line.
SELECT 'a'::archdomain ~ '';
SELECT 'a'::archdomain ~ '/a';
SELECT 'a'::archdomain ~ 'a/';
SELECT 'a'::archdomain ~ 'a//b';
SELECT 'a'::archdomain ~ 'a*';
SELECT 'a'::archdomain ~ '*a';
SELECT 'a'::archdomain ~ 'a/***';
SELECT 'a'::archdomain ~ 'a/b c';
SELECT 'a'::archdomain ~ 'a.b';
SELECT 'a'::archdomain ~ repeat('x', 256);
SELECT 'a'::archdomain ~ array_to_string(array_fill('*'::text, ARRAY[256]), '/');
-- The pattern is a text operand, so text ~ text is unaffected.
SELECT 'a/b'::text ~ 'a.b' AS text_regex;

-- Everything is NULL in, NULL out.
SELECT depth(NULL::archdomain) IS NULL, parent(NULL) IS NULL, rollup(NULL, 1) IS NULL,
       subpath(NULL, 0) IS NULL, (NULL::archdomain @> 'a') IS NULL, ('a'::archdomain ~ NULL) IS NULL;
