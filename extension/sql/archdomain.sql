
-- archdomain: a slash-separated hierarchical service name (src/archdomain.c).

CREATE TYPE archdomain;

CREATE FUNCTION archdomain_in(cstring) RETURNS archdomain
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION archdomain_out(archdomain) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION archdomain_recv(internal) RETURNS archdomain
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION archdomain_send(archdomain) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Storage "extended" lets short values keep a one-byte header.
CREATE TYPE archdomain (
	INPUT = archdomain_in,
	OUTPUT = archdomain_out,
	RECEIVE = archdomain_recv,
	SEND = archdomain_send,
	INTERNALLENGTH = VARIABLE,
	STORAGE = extended
);

COMMENT ON TYPE archdomain IS
	'hierarchical service name: labels of [a-z0-9_-] joined by slashes, as in online/midtier/search';

-- Casts to and from text are explicit, so archdomain ~ text never means text ~ text.
CREATE FUNCTION archdomain_from_text(text) RETURNS archdomain
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION archdomain_from_text(text) IS
	'the archdomain a text spells (the cast text::archdomain); an error says what is wrong with it';
CREATE FUNCTION archdomain_to_text(archdomain) RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION archdomain_to_text(archdomain) IS
	'the text of an archdomain (the cast archdomain::text)';

CREATE CAST (text AS archdomain) WITH FUNCTION archdomain_from_text(text);
CREATE CAST (archdomain AS text) WITH FUNCTION archdomain_to_text(archdomain);

CREATE FUNCTION archdomain_sanitize(text) RETURNS archdomain
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION archdomain_sanitize(text) IS
	'a valid archdomain made of any text: trimmed, lower-cased, empty labels dropped, other characters replaced by _; NULL when nothing is left';

-- Ordering: label by label, so an ancestor sorts directly before its descendants.
CREATE FUNCTION archdomain_cmp(archdomain, archdomain) RETURNS int4
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION archdomain_cmp(archdomain, archdomain) IS
	'-1, 0 or 1 as the first archdomain sorts before, with or after the second (label by label)';
CREATE FUNCTION archdomain_eq(archdomain, archdomain) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION archdomain_ne(archdomain, archdomain) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION archdomain_lt(archdomain, archdomain) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION archdomain_le(archdomain, archdomain) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION archdomain_gt(archdomain, archdomain) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION archdomain_ge(archdomain, archdomain) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION archdomain_sortsupport(internal) RETURNS void
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OPERATOR = (
	LEFTARG = archdomain, RIGHTARG = archdomain, PROCEDURE = archdomain_eq,
	COMMUTATOR = =, NEGATOR = <>, RESTRICT = eqsel, JOIN = eqjoinsel,
	HASHES, MERGES
);
COMMENT ON OPERATOR =(archdomain, archdomain) IS 'the same name';
CREATE OPERATOR <> (
	LEFTARG = archdomain, RIGHTARG = archdomain, PROCEDURE = archdomain_ne,
	COMMUTATOR = <>, NEGATOR = =, RESTRICT = neqsel, JOIN = neqjoinsel
);
COMMENT ON OPERATOR <>(archdomain, archdomain) IS 'not the same name';
CREATE OPERATOR < (
	LEFTARG = archdomain, RIGHTARG = archdomain, PROCEDURE = archdomain_lt,
	COMMUTATOR = >, NEGATOR = >=, RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
COMMENT ON OPERATOR <(archdomain, archdomain) IS 'sorts before (label by label)';
CREATE OPERATOR <= (
	LEFTARG = archdomain, RIGHTARG = archdomain, PROCEDURE = archdomain_le,
	COMMUTATOR = >=, NEGATOR = >, RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
COMMENT ON OPERATOR <=(archdomain, archdomain) IS 'sorts before or equals (label by label)';
CREATE OPERATOR > (
	LEFTARG = archdomain, RIGHTARG = archdomain, PROCEDURE = archdomain_gt,
	COMMUTATOR = <, NEGATOR = <=, RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
COMMENT ON OPERATOR >(archdomain, archdomain) IS 'sorts after (label by label)';
CREATE OPERATOR >= (
	LEFTARG = archdomain, RIGHTARG = archdomain, PROCEDURE = archdomain_ge,
	COMMUTATOR = <=, NEGATOR = <, RESTRICT = scalargesel, JOIN = scalargejoinsel
);
COMMENT ON OPERATOR >=(archdomain, archdomain) IS 'sorts after or equals (label by label)';

-- Equal names have equal bytes, so btree may deduplicate (btequalimage).
CREATE OPERATOR CLASS archdomain_ops
	DEFAULT FOR TYPE archdomain USING btree AS
		OPERATOR 1 <,
		OPERATOR 2 <=,
		OPERATOR 3 =,
		OPERATOR 4 >=,
		OPERATOR 5 >,
		FUNCTION 1 archdomain_cmp(archdomain, archdomain),
		FUNCTION 2 archdomain_sortsupport(internal),
		FUNCTION 4 btequalimage(oid);

CREATE FUNCTION archdomain_hash(archdomain) RETURNS int4
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION archdomain_hash_extended(archdomain, int8) RETURNS int8
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OPERATOR CLASS archdomain_ops
	DEFAULT FOR TYPE archdomain USING hash AS
		OPERATOR 1 =,
		FUNCTION 1 archdomain_hash(archdomain),
		FUNCTION 2 archdomain_hash_extended(archdomain, int8);

CREATE FUNCTION archdomain_larger(archdomain, archdomain) RETURNS archdomain
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION archdomain_smaller(archdomain, archdomain) RETURNS archdomain
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE max(archdomain) (
	SFUNC = archdomain_larger, STYPE = archdomain, COMBINEFUNC = archdomain_larger,
	SORTOP = >, PARALLEL = SAFE
);
COMMENT ON AGGREGATE max(archdomain) IS 'the name that sorts last (label by label)';
CREATE AGGREGATE min(archdomain) (
	SFUNC = archdomain_smaller, STYPE = archdomain, COMBINEFUNC = archdomain_smaller,
	SORTOP = <, PARALLEL = SAFE
);
COMMENT ON AGGREGATE min(archdomain) IS 'the name that sorts first (label by label)';

-- The hierarchy.
CREATE FUNCTION archdomain_isancestor(archdomain, archdomain) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION archdomain_isdescendant(archdomain, archdomain) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Restriction selectivity of @> and <@ (src/archdomain_selfuncs.c); joins as ltree's.
CREATE FUNCTION archdomain_hierarchy_sel(internal, oid, internal, int4) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @> (
	LEFTARG = archdomain, RIGHTARG = archdomain, PROCEDURE = archdomain_isancestor,
	COMMUTATOR = <@, RESTRICT = archdomain_hierarchy_sel, JOIN = matchingjoinsel
);
COMMENT ON OPERATOR @>(archdomain, archdomain) IS 'is the same name as, or an ancestor of';
CREATE OPERATOR <@ (
	LEFTARG = archdomain, RIGHTARG = archdomain, PROCEDURE = archdomain_isdescendant,
	COMMUTATOR = @>, RESTRICT = archdomain_hierarchy_sel, JOIN = matchingjoinsel
);
COMMENT ON OPERATOR <@(archdomain, archdomain) IS 'is the same name as, or a descendant of';

CREATE FUNCTION depth(archdomain) RETURNS int4
	AS 'MODULE_PATHNAME', 'archdomain_depth' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION depth(archdomain) IS 'the number of labels of an archdomain';

CREATE FUNCTION subpath(archdomain, int4, int4) RETURNS archdomain
	AS 'MODULE_PATHNAME', 'archdomain_subpath' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION subpath(archdomain, int4, int4) IS
	'the labels from an offset on (negative: from the end), so many of them (negative: leaving so many off the end), as in ltree; an empty result is an error';
CREATE FUNCTION subpath(archdomain, int4) RETURNS archdomain
	AS 'MODULE_PATHNAME', 'archdomain_subpath' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION subpath(archdomain, int4) IS
	'the labels from an offset (negative: from the end) to the end, as in ltree';

CREATE FUNCTION rollup(archdomain, int4) RETURNS archdomain
	AS 'MODULE_PATHNAME', 'archdomain_rollup' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rollup(archdomain, int4) IS
	'the first n labels, or the name itself when it has no more (in GROUP BY write trafficmap.rollup: plain ROLLUP means grouping sets there)';

CREATE FUNCTION parent(archdomain) RETURNS archdomain
	AS 'MODULE_PATHNAME', 'archdomain_parent' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION parent(archdomain) IS 'the name without its last label; NULL for a name of one label';

CREATE FUNCTION archdomain_concat(archdomain, archdomain) RETURNS archdomain
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR || (
	LEFTARG = archdomain, RIGHTARG = archdomain, PROCEDURE = archdomain_concat
);
COMMENT ON OPERATOR ||(archdomain, archdomain) IS 'the labels of the right name under the left one';

CREATE FUNCTION lca(VARIADIC archdomain[]) RETURNS archdomain
	AS 'MODULE_PATHNAME', 'archdomain_lca' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lca(VARIADIC archdomain[]) IS
	'the longest common prefix of whole labels, inclusive (lca(a, a) = a); NULL when the first labels differ or a name is NULL';

CREATE FUNCTION archdomain_lca_transfn(internal, archdomain) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION archdomain_lca_combinefn(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION archdomain_lca_serialfn(internal) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION archdomain_lca_deserialfn(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION archdomain_lca_finalfn(internal) RETURNS archdomain
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE lca_agg(archdomain) (
	SFUNC = archdomain_lca_transfn, STYPE = internal,
	FINALFUNC = archdomain_lca_finalfn,
	COMBINEFUNC = archdomain_lca_combinefn,
	SERIALFUNC = archdomain_lca_serialfn, DESERIALFUNC = archdomain_lca_deserialfn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE lca_agg(archdomain) IS
	'the longest common prefix of whole labels of all non-NULL names; NULL when their first labels differ';

-- Glob patterns: "*" is exactly one label, "**" zero or more. matchingsel runs the operator
-- over the column's most common values and histogram.
CREATE FUNCTION archdomain_match(archdomain, text) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR ~ (
	LEFTARG = archdomain, RIGHTARG = text, PROCEDURE = archdomain_match,
	RESTRICT = matchingsel, JOIN = matchingjoinsel
);
COMMENT ON OPERATOR ~(archdomain, text) IS
	'matches a glob pattern of labels: * is exactly one label, ** zero or more (online/*/search, online/**)';

-- GiST (src/archdomain_gist.c): leaf keys are the names, inner keys ranges in label order.
CREATE FUNCTION archdomain_gist_consistent(internal, archdomain, int2, oid, internal) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION archdomain_gist_union(internal, internal) RETURNS archdomain
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION archdomain_gist_penalty(internal, internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION archdomain_gist_picksplit(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION archdomain_gist_same(archdomain, archdomain, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OPERATOR CLASS archdomain_gist_ops
	DEFAULT FOR TYPE archdomain USING gist AS
		OPERATOR 1 <,
		OPERATOR 2 <=,
		OPERATOR 3 =,
		OPERATOR 4 >=,
		OPERATOR 5 >,
		OPERATOR 10 @>,
		OPERATOR 11 <@,
		OPERATOR 12 ~ (archdomain, text),
		FUNCTION 1 archdomain_gist_consistent(internal, archdomain, int2, oid, internal),
		FUNCTION 2 archdomain_gist_union(internal, internal),
		FUNCTION 5 archdomain_gist_penalty(internal, internal, internal),
		FUNCTION 6 archdomain_gist_picksplit(internal, internal),
		FUNCTION 7 archdomain_gist_same(archdomain, archdomain, internal),
		FUNCTION 11 archdomain_sortsupport(internal);
