/*-------------------------------------------------------------------------
 *
 * edgestats.h
 *	  Edge statistics: the counters of service edges (traffic rows) summed,
 *	  as the edge_stats aggregates and the map's link aggregate keep them.
 *
 *-------------------------------------------------------------------------
 */
#ifndef EDGESTATS_H
#define EDGESTATS_H

#include "fmgr.h"
#include "access/tupdesc.h"
#include "lib/stringinfo.h"
#include "utils/timestamp.h"

/* The counters, in the order of the edge_stats type after edges. */
enum
{
	ES_CONNS,
	ES_C2S_PACKETS,
	ES_C2S_BYTES,
	ES_S2C_PACKETS,
	ES_S2C_BYTES,
	ES_SYNS,
	ES_FINS,
	ES_RSTS,
	ES_NCOUNTERS
};

/* Bytes edge_stats_send writes. */
#define EDGE_STATS_SEND_LEN (8 * (1 + ES_NCOUNTERS + 2))

typedef struct EdgeStats
{
	int64		edges;			/* service edges (rows) summed */
	int64		counter[ES_NCOUNTERS];
	bool		have_first;
	bool		have_last;
	TimestampTz first_seen;
	TimestampTz last_seen;
} EdgeStats;

/*
 * Add one traffic row whose counters are the arguments first..first+9 of
 * fcinfo, in the order of the traffic table: conns, c2s_packets,
 * c2s_bytes, s2c_packets, s2c_bytes, first_seen, last_seen, syns, fins,
 * rsts. NULL counters add nothing; NULL times are no bound.
 */
extern void edge_stats_add_args(EdgeStats *s, FunctionCallInfo fcinfo, int first);

/* Fold b into a. */
extern void edge_stats_merge(EdgeStats *a, const EdgeStats *b);

/* The statistics as EDGE_STATS_SEND_LEN bytes, and back. */
extern void edge_stats_send(StringInfo buf, const EdgeStats *s);
extern void edge_stats_recv(StringInfo buf, EdgeStats *s);

/* The statistics as a datum of the composite type edge_stats (desc). */
extern Datum edge_stats_form(const EdgeStats *s, TupleDesc desc);

#endif							/* EDGESTATS_H */
