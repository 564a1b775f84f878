-- archdomain: input and output, limits, casts, binary I/O, sanitizing, ordering, hashing.
SET search_path TO trafficmap, public;
\set VERBOSITY default

-- Valid names; upper case folds to lower.
SELECT 'a'::archdomain;
SELECT 'online/midtier/search'::archdomain;
SELECT 'Online/MidTier/SEARCH'::archdomain;
SELECT 'a-b_c/0/9z/-/_'::archdomain;
SELECT 'online/midtier/search'::archdomain = 'ONLINE/midtier/Search'::archdomain AS folded_equal;

-- Malformed literals, one per line: each error gives the character position, a detail and a hint.
SELECT ''::archdomain;
SELECT '/'::archdomain;
SELECT '/online'::archdomain;
SELECT 'online/'::archdomain;
SELECT 'online//search'::archdomain;
SELECT 'online/mid tier'::archdomain;
SELECT ' online'::archdomain;
SELECT 'online.midtier'::archdomain;
SELECT 'online/*'::archdomain;
SELECT 'online/**'::archdomain;
SELECT E'caf\u00e9/bar'::archdomain;
SELECT E'a/\u00e9\u00e9/x!'::archdomain;
SELECT E'tab\there'::archdomain;
SELECT 'a/b\c'::archdomain;

-- Limits: 255 labels of 255 characters each, and no more.
SELECT length(repeat('x', 255)::archdomain::text) AS longest_label;
SELECT (repeat('x', 255) || '/y')::archdomain IS NOT NULL AS longest_label_then_more;
SELECT repeat('x', 256)::archdomain;
SELECT ('a/' || repeat('x', 300) || '/b')::archdomain;
SELECT length(array_to_string(array_fill('l'::text, ARRAY[255]), '/')::archdomain::text) AS most_labels;
SELECT array_to_string(array_fill('l'::text, ARRAY[256]), '/')::archdomain;
SELECT array_to_string(array_fill('l'::text, ARRAY[300]), '/')::archdomain;
SELECT (array_to_string(array_fill('l'::text, ARRAY[255]), '/') || '/')::archdomain;
SELECT length(array_to_string(array_fill(repeat('z', 255), ARRAY[255]), '/')::archdomain::text) AS largest;

-- Casts to and from text are explicit only.
SELECT 'a/B'::text::archdomain;
SELECT 'a/b'::archdomain::text;
SELECT CAST('x//y' AS text)::archdomain;
SELECT 'a/b'::varchar::archdomain;
CREATE TEMP TABLE names_as_text (t text);
INSERT INTO names_as_text VALUES ('a/b'::archdomain);
INSERT INTO names_as_text VALUES ('a/b'::archdomain::text);
CREATE TEMP TABLE names (a archdomain);
INSERT INTO names VALUES ('a/b'::text);
INSERT INTO names SELECT t::archdomain FROM names_as_text;
SELECT 'a/b'::archdomain = 'a/b'::text;
SELECT castcontext, castsource::regtype, casttarget::regtype FROM pg_cast
 WHERE castsource = 'archdomain'::regtype OR casttarget = 'archdomain'::regtype
 ORDER BY 2, 3;

-- Binary send and receive: a version byte, then the text.
SELECT archdomain_send('Online/x');
TRUNCATE names;
INSERT INTO names VALUES ('online/midtier/search'), ('a'), ('x-y/z_0');
\copy names TO 'test/results/archdomain.bin' WITH (FORMAT binary)
CREATE TEMP TABLE names_back (a archdomain);
\copy names_back FROM 'test/results/archdomain.bin' WITH (FORMAT binary)
SELECT a FROM names_back EXCEPT SELECT a FROM names;
SELECT count(*) AS received FROM names_back;
-- A future version byte, and a valid version byte before a bad name, are refused.
\copy (SELECT '\x02616263'::bytea) TO 'test/results/archdomain-v2.bin' WITH (FORMAT binary)
\copy names_back FROM 'test/results/archdomain-v2.bin' WITH (FORMAT binary)
\copy (SELECT '\x01612f2f62'::bytea) TO 'test/results/archdomain-bad.bin' WITH (FORMAT binary)
\copy names_back FROM 'test/results/archdomain-bad.bin' WITH (FORMAT binary)
\copy (SELECT '\x'::bytea) TO 'test/results/archdomain-empty.bin' WITH (FORMAT binary)
\copy names_back FROM 'test/results/archdomain-empty.bin' WITH (FORMAT binary)

-- archdomain_sanitize: forgiving; NULL when nothing is left.
SELECT s, archdomain_sanitize(s), archdomain_sanitize(s) IS NULL AS is_null FROM (VALUES
	('online/midtier/search'),
	('  Online/MidTier/Search  '),
	('/online//midtier///search/'),
	('online / mid tier / search'),
	('Online.MidTier:Search!'),
	(E'caf\u00e9/na\u00efve'),
	(E'\u00e9'),
	(E'\t\n'),
	('///'),
	(' / / '),
	(''),
	('a/*/b')
) v(s);
SELECT archdomain_sanitize(NULL) IS NULL AS null_in_null_out;
SELECT length(archdomain_sanitize(repeat('x', 300))::text) AS label_cut_to;
SELECT length(archdomain_sanitize(array_to_string(array_fill('l'::text, ARRAY[300]), '/'))::text) AS labels_cut_to;
-- What sanitize returns is always valid input.
SELECT count(*) AS sanitized_and_reparsed FROM (
	SELECT archdomain_sanitize(s)::text::archdomain
	  FROM (VALUES ('A B/C'), (E'\u00e9/x//'), ('..'), ('-/_')) v(s)) q;

-- Ordering is label by label: an ancestor sorts directly before its descendants,
-- unlike text order ('a-b' < 'a/b' as text).
TRUNCATE names;
INSERT INTO names VALUES ('a-b'), ('a/b'), ('a'), ('a/b/c'), ('a0'), ('a_'), ('b'), ('a/b-c'), ('a/a'), ('a/b/c/d');
SELECT a FROM names ORDER BY a;
SELECT a::text FROM names ORDER BY a::text COLLATE "C";
SELECT 'a'::archdomain < 'a/b' AS lt, 'a/b'::archdomain < 'a-b' AS ancestor_first,
       'a-b'::archdomain > 'a/b/c' AS gt, 'a/b'::archdomain <= 'a/b' AS le,
       'a/b'::archdomain >= 'a' AS ge, 'a'::archdomain <> 'b' AS ne,
       archdomain_cmp('a/b', 'a-b') AS cmp_lt, archdomain_cmp('b', 'a/z') AS cmp_gt,
       archdomain_cmp('a/b', 'A/B') AS cmp_eq;

-- btree: the index agrees with the ordering.
CREATE INDEX names_btree ON names (a);
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT a FROM names WHERE a > 'a/b' ORDER BY a;
SELECT a FROM names WHERE a > 'a/b' ORDER BY a;
SELECT a FROM names WHERE a = 'A/B';
RESET enable_seqscan;

-- hash: GROUP BY and joins by hashing.
CREATE TEMP TABLE many AS
	SELECT ('svc' || (i % 7) || '/node' || (i % 3))::archdomain AS a FROM generate_series(1, 2100) i;
CREATE INDEX many_hash ON many USING hash (a);
SET enable_sort = off;
EXPLAIN (COSTS OFF) SELECT a, count(*) FROM many GROUP BY a;
SELECT a, count(*) FROM many GROUP BY a ORDER BY a;
RESET enable_sort;
SET enable_mergejoin = off;
SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM many m JOIN names n ON m.a = n.a;
SELECT count(*) FROM many m JOIN (VALUES ('svc3/node0'::archdomain)) v(a) ON m.a = v.a;
RESET enable_mergejoin;
RESET enable_nestloop;
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM many WHERE a = 'svc1/node1';
SELECT count(*) FROM many WHERE a = 'svc1/node1';
RESET enable_seqscan;
SELECT archdomain_hash('a/b') = archdomain_hash('A/B') AS hash_folds,
       archdomain_hash_extended('a/b', 0) = archdomain_hash_extended('a/b', 1) AS seed_matters;
