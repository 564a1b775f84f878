
-- Edge statistics: the counters of service edges summed by one aggregate (src/edgestats.c).
-- The map's largest aggregation (a day of traffic rows into links) makes one call per row
-- instead of one per counter, and runs in parallel workers (combine, serial, deserial).

CREATE TYPE edge_stats AS (
	edges bigint,
	conns bigint,
	c2s_packets bigint,
	c2s_bytes bigint,
	s2c_packets bigint,
	s2c_bytes bigint,
	first_seen timestamptz,
	last_seen timestamptz,
	syns bigint,
	fins bigint,
	rsts bigint
);

COMMENT ON TYPE edge_stats IS
	'summed service edges: how many (edges), their counters summed, the earliest first_seen and the latest last_seen';

CREATE FUNCTION edge_stats_transfn(internal, bigint, bigint, bigint, bigint, bigint,
								   timestamptz, timestamptz, bigint, bigint, bigint) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION edge_stats_sum_transfn(internal, edge_stats) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION edge_stats_combinefn(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION edge_stats_serialfn(internal) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C STRICT PARALLEL SAFE;
CREATE FUNCTION edge_stats_deserialfn(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C STRICT PARALLEL SAFE;
CREATE FUNCTION edge_stats_finalfn(internal) RETURNS edge_stats
	AS 'MODULE_PATHNAME' LANGUAGE C PARALLEL SAFE;

CREATE AGGREGATE edge_stats_agg(conns bigint, c2s_packets bigint, c2s_bytes bigint,
								s2c_packets bigint, s2c_bytes bigint, first_seen timestamptz,
								last_seen timestamptz, syns bigint, fins bigint, rsts bigint) (
	SFUNC = edge_stats_transfn, STYPE = internal, SSPACE = 112,
	FINALFUNC = edge_stats_finalfn,
	COMBINEFUNC = edge_stats_combinefn,
	SERIALFUNC = edge_stats_serialfn, DESERIALFUNC = edge_stats_deserialfn,
	PARALLEL = SAFE
);

COMMENT ON AGGREGATE edge_stats_agg(bigint, bigint, bigint, bigint, bigint, timestamptz, timestamptz, bigint, bigint, bigint) IS
	'traffic rows summed into edge_stats: edge_stats_agg(conns, c2s_packets, c2s_bytes, s2c_packets, s2c_bytes, first_seen, last_seen, syns, fins, rsts); NULL counters add nothing; runs in parallel';

CREATE AGGREGATE sum(edge_stats) (
	SFUNC = edge_stats_sum_transfn, STYPE = internal, SSPACE = 112,
	FINALFUNC = edge_stats_finalfn,
	COMBINEFUNC = edge_stats_combinefn,
	SERIALFUNC = edge_stats_serialfn, DESERIALFUNC = edge_stats_deserialfn,
	PARALLEL = SAFE
);

COMMENT ON AGGREGATE sum(edge_stats) IS
	'edge_stats summed: edges and counters added, the earliest first_seen, the latest last_seen; runs in parallel';
