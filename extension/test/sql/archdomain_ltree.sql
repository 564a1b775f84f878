-- archdomain against independent oracles, over thousands of random names and patterns
-- (fixed seeds, so a failure reproduces):
--   PostgreSQL's ltree ('/' becomes '.'): @>, <@, subpath, depth (nlevel), ordering and ~
--   (our * is lquery's *{1}, our ** is lquery's *); ltree 1.2 of PostgreSQL 15 takes no '-'
--   in labels, so these names have none;
--   plain SQL over string_to_array (text[] compares element by element, so in the C
--   collation it orders label by label): ordering, @> and lca, with '-' in the labels too.
-- Every check counts disagreements (0 expected) next to the number of cases that held.
SET search_path TO trafficmap, public;
SET max_parallel_workers_per_gather = 0;
CREATE SCHEMA ltree_oracle;
CREATE EXTENSION ltree SCHEMA ltree_oracle;

-- Random names of 1 to 6 labels from a few words, so that prefixes and matches are common.
CREATE FUNCTION random_name(words text[], maxlabels int) RETURNS text LANGUAGE sql VOLATILE AS $$
	SELECT string_agg(words[1 + floor(random() * cardinality(words))::int], '/')
	  FROM generate_series(1, 1 + floor(random() * maxlabels)::int)
$$;
-- Random patterns: words, * and **.
CREATE FUNCTION random_pattern(words text[]) RETURNS text LANGUAGE sql VOLATILE AS $$
	SELECT string_agg(CASE WHEN r < 0.2 THEN '*' WHEN r < 0.35 THEN '**'
	                       ELSE words[1 + floor(random() * cardinality(words))::int] END, '/')
	  FROM (SELECT random() AS r FROM generate_series(1, 1 + floor(random() * 5)::int)) e
$$;

SELECT setseed(0.31);
CREATE TEMP TABLE names AS
	SELECT i, n::archdomain AS ad, ltree_oracle.text2ltree(replace(n, '/', '.')) AS lt
	  FROM (SELECT i, random_name(ARRAY['a', 'b', 'c', 'ab', 'ba', 'a_b', 'x0', '0', 'zz'], 6) AS n
	          FROM generate_series(1, 3000) i) s;
CREATE TEMP TABLE probes AS SELECT * FROM names WHERE i % 10 = 0;
SELECT count(*) AS names, count(DISTINCT ad) AS distinct_names, count(*) FILTER (WHERE depth(ad) = 6) AS deepest
  FROM names;

-- @> and <@ over 900,000 pairs.
SELECT count(*) FILTER (WHERE (x.ad @> y.ad) IS DISTINCT FROM (x.lt OPERATOR(ltree_oracle.@>) y.lt)) AS contains_disagree,
       count(*) FILTER (WHERE (x.ad <@ y.ad) IS DISTINCT FROM (x.lt OPERATOR(ltree_oracle.<@) y.lt)) AS contained_disagree,
       count(*) FILTER (WHERE x.ad @> y.ad) AS contains_held,
       count(*) FILTER (WHERE x.ad <@ y.ad) AS contained_held
  FROM names x, probes y;

-- Ordering: pairwise, and the whole sorted list.
SELECT count(*) FILTER (WHERE (x.ad < y.ad) IS DISTINCT FROM (x.lt OPERATOR(ltree_oracle.<) y.lt)
                           OR (x.ad = y.ad) IS DISTINCT FROM (x.lt OPERATOR(ltree_oracle.=) y.lt)
                           OR (x.ad > y.ad) IS DISTINCT FROM (x.lt OPERATOR(ltree_oracle.>) y.lt)
                           OR sign(archdomain_cmp(x.ad, y.ad)) IS DISTINCT FROM sign(ltree_oracle.ltree_cmp(x.lt, y.lt))) AS order_disagree,
       count(*) FILTER (WHERE x.ad < y.ad) AS less_held, count(*) FILTER (WHERE x.ad = y.ad) AS equal_held
  FROM names x, probes y;
SELECT (SELECT array_agg(ad::text ORDER BY ad) FROM names)
     = (SELECT array_agg(replace(lt::text, '.', '/') ORDER BY lt) FROM names) AS same_sorted_list;

-- depth and nlevel.
SELECT count(*) FILTER (WHERE depth(ad) <> ltree_oracle.nlevel(lt)) AS depth_disagree FROM names;

-- subpath, with every offset from -depth to depth and every length from -depth-1 to depth+1.
-- An error, and ltree's empty result, count as NULL. (ltree wraps offsets below -depth around
-- a second time; ours are an error, so the offsets stop at -depth.)
CREATE FUNCTION ad_subpath(a archdomain, o int, l int) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	IF l IS NULL THEN RETURN subpath(a, o)::text; END IF;
	RETURN subpath(a, o, l)::text;
EXCEPTION WHEN invalid_parameter_value THEN RETURN NULL;
END $$;
CREATE FUNCTION lt_subpath(a ltree_oracle.ltree, o int, l int) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	IF l IS NULL THEN RETURN nullif(replace(ltree_oracle.subpath(a, o)::text, '.', '/'), ''); END IF;
	RETURN nullif(replace(ltree_oracle.subpath(a, o, l)::text, '.', '/'), '');
EXCEPTION WHEN invalid_parameter_value THEN RETURN NULL;
END $$;
SELECT count(*) FILTER (WHERE ad_subpath(ad, o, l) IS DISTINCT FROM lt_subpath(lt, o, l)) AS subpath_disagree,
       count(*) FILTER (WHERE ad_subpath(ad, o, l) IS NOT NULL) AS subpath_held,
       count(*) FILTER (WHERE ad_subpath(ad, o, l) IS NULL) AS subpath_errors
  FROM (SELECT * FROM names WHERE i % 6 = 0) n,
       LATERAL generate_series(-depth(ad), depth(ad)) o,
       LATERAL (SELECT NULL::int AS l UNION ALL SELECT generate_series(-depth(ad) - 1, depth(ad) + 1)) ls;

-- ~ over 1,500 patterns and 1,000 names.
CREATE TEMP TABLE patterns AS
	SELECT p, replace(replace(replace(replace(p, '/', '.'), '**', '%'), '*', '*{1}'), '%', '*')::ltree_oracle.lquery AS lq
	  FROM (SELECT DISTINCT random_pattern(ARRAY['a', 'b', 'c', 'ab', 'ba', 'a_b', 'x0', '0', 'zz']) AS p
	          FROM generate_series(1, 3000)) s ORDER BY p LIMIT 1500;
SELECT count(*) AS patterns, count(*) FILTER (WHERE p LIKE '%**%') AS with_dstar,
       count(*) FILTER (WHERE p ~ '(^|/)\*(/|$)') AS with_star FROM patterns;
SELECT count(*) FILTER (WHERE (n.ad ~ p.p) IS DISTINCT FROM (n.lt OPERATOR(ltree_oracle.~) p.lq)) AS match_disagree,
       count(*) FILTER (WHERE n.ad ~ p.p) AS match_held,
       count(DISTINCT p.p) FILTER (WHERE n.ad ~ p.p) AS patterns_that_matched
  FROM (SELECT * FROM names WHERE i <= 1000) n, patterns p;

-- The GiST index gives the same answers for every probe and pattern, one index scan each.
CREATE INDEX names_gist ON names USING gist (ad);
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM names n WHERE n.ad ~ 'a/**';
SELECT count(*) FILTER (WHERE (SELECT count(*) FROM names n WHERE n.ad ~ p.p)
                              <> (SELECT count(*) FROM names n WHERE n.lt OPERATOR(ltree_oracle.~) p.lq)) AS gist_match_disagree
  FROM patterns p;
SELECT count(*) FILTER (WHERE (SELECT count(*) FROM names n WHERE n.ad @> y.ad)
                              <> (SELECT count(*) FROM names n WHERE n.lt OPERATOR(ltree_oracle.@>) y.lt)) AS gist_contains_disagree,
       count(*) FILTER (WHERE (SELECT count(*) FROM names n WHERE n.ad <@ y.ad)
                              <> (SELECT count(*) FROM names n WHERE n.lt OPERATOR(ltree_oracle.<@) y.lt)) AS gist_contained_disagree
  FROM probes y;
RESET enable_seqscan;
RESET enable_bitmapscan;

-- Names with '-' (which this ltree rejects): ordering, @> and lca against string_to_array.
SELECT setseed(0.62);
CREATE TEMP TABLE dashed AS
	SELECT i, n::archdomain AS ad, string_to_array(n, '/') COLLATE "C" AS arr
	  FROM (SELECT i, random_name(ARRAY['a', 'a-b', 'a-', '-', '-a', 'a_b', 'ab', 'b', 'a0', 'a-b-'], 5) AS n
	          FROM generate_series(1, 2000) i) s;
SELECT (SELECT array_agg(ad::text ORDER BY ad) FROM dashed)
     = (SELECT array_agg(array_to_string(arr, '/') ORDER BY arr) FROM dashed) AS same_sorted_list_with_dashes,
       (SELECT array_agg(ad::text ORDER BY ad) FROM dashed)
     = (SELECT array_agg(ad::text ORDER BY ad::text COLLATE "C") FROM dashed) AS same_as_text_order;
SELECT count(*) FILTER (WHERE (x.ad @> y.ad) IS DISTINCT FROM (y.arr[1:cardinality(x.arr)] = x.arr)) AS dashed_contains_disagree,
       count(*) FILTER (WHERE (x.ad < y.ad) IS DISTINCT FROM (x.arr < y.arr)) AS dashed_order_disagree,
       count(*) FILTER (WHERE x.ad @> y.ad AND x.ad <> y.ad) AS dashed_proper_ancestors
  FROM dashed x, (SELECT * FROM dashed WHERE i % 10 = 0) y;

-- lca of pairs: the longest common prefix of the label arrays, NULL when empty.
CREATE FUNCTION array_lcp(x text[], y text[]) RETURNS text LANGUAGE sql IMMUTABLE AS $$
	SELECT nullif(array_to_string(x[1:coalesce(
		(SELECT min(k) - 1 FROM generate_series(1, least(cardinality(x), cardinality(y))) k WHERE x[k] <> y[k]),
		least(cardinality(x), cardinality(y)))], '/'), '')
$$;
SELECT count(*) FILTER (WHERE lca(x.ad, y.ad)::text IS DISTINCT FROM array_lcp(x.arr, y.arr)) AS lca_disagree,
       count(*) FILTER (WHERE lca(x.ad, y.ad) IS NOT NULL) AS lca_held,
       count(*) FILTER (WHERE lca(x.ad, y.ad) = x.ad) AS lca_is_first
  FROM dashed x, (SELECT * FROM dashed WHERE i % 20 = 0) y;

-- lca of groups and lca_agg: the longest prefix all of a group's label arrays share.
CREATE TEMP TABLE groups AS SELECT i % 300 AS g, ad, arr FROM dashed;
INSERT INTO groups SELECT 1000 + i % 50, ('a/' || ad::text)::archdomain, ARRAY['a'] || arr FROM dashed;
WITH oracle AS (
	SELECT g, (SELECT array_to_string((max(arr))[1:coalesce(max(j), 0)], '/')
	             FROM (SELECT j FROM groups g2, generate_series(1, 5) j
	                    WHERE g2.g = g1.g GROUP BY j
	                   HAVING count(DISTINCT g2.arr[1:j]) = 1 AND min(cardinality(g2.arr)) >= j) ok) AS lcp
	  FROM groups g1 GROUP BY g
), ours AS (
	SELECT g, lca_agg(ad)::text AS lca, lca(VARIADIC array_agg(ad)) AS lca_variadic FROM groups GROUP BY g
)
SELECT count(*) FILTER (WHERE ours.lca IS DISTINCT FROM nullif(oracle.lcp, '')) AS lca_agg_disagree,
       count(*) FILTER (WHERE ours.lca IS DISTINCT FROM ours.lca_variadic::text) AS lca_variadic_disagree,
       count(*) FILTER (WHERE ours.lca IS NOT NULL) AS lca_agg_held, count(*) AS groups
  FROM oracle JOIN ours USING (g);

DROP SCHEMA ltree_oracle CASCADE;
DROP FUNCTION random_name, random_pattern, ad_subpath, array_lcp;
