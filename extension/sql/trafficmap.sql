-- trafficmap extension: install script (assembled from extension/sql/*.sql by the Makefile)

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION trafficmap" to load this file. \quit

COMMENT ON SCHEMA trafficmap IS
	'Traffic Map: service edges from packet captures, the fleet inventory, and the map built from them';

CREATE FUNCTION trafficmap_version() RETURNS text
	AS 'MODULE_PATHNAME', 'trafficmap_version'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION trafficmap_version() IS
	'version of the trafficmap shared library that is loaded';
