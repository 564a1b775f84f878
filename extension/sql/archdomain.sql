
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
