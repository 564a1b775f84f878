/*-------------------------------------------------------------------------
 *
 * edgestats.c
 *	  Edge statistics: the counters of service edges (traffic rows) summed
 *	  by one aggregate, so a large aggregation makes one call per row instead
 *	  of one per counter, and runs in parallel workers.
 *
 *	  edge_stats_agg(conns, c2s_packets, c2s_bytes, s2c_packets, s2c_bytes,
 *					 first_seen, last_seen, syns, fins, rsts)
 *	  sum(edge_stats)
 *
 * Both return the composite type edge_stats (edges, the sums, the earliest
 * first_seen and the latest last_seen). Their state is internal, with
 * combine, serial and deserial functions. A NULL counter adds nothing and a
 * NULL time is no bound; sums that leave bigint are an error.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "common/int.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/typcache.h"

#include "aggcontext.h"
#include "edgestats.h"

PG_FUNCTION_INFO_V1(edge_stats_transfn);
PG_FUNCTION_INFO_V1(edge_stats_sum_transfn);
PG_FUNCTION_INFO_V1(edge_stats_combinefn);
PG_FUNCTION_INFO_V1(edge_stats_serialfn);
PG_FUNCTION_INFO_V1(edge_stats_deserialfn);
PG_FUNCTION_INFO_V1(edge_stats_finalfn);

/* The attributes of the edge_stats composite type. */
enum
{
	ESA_EDGES,
	ESA_CONNS,
	ESA_C2S_PACKETS,
	ESA_C2S_BYTES,
	ESA_S2C_PACKETS,
	ESA_S2C_BYTES,
	ESA_FIRST_SEEN,
	ESA_LAST_SEEN,
	ESA_SYNS,
	ESA_FINS,
	ESA_RSTS,
	ESA_NATTS
};

/* Where each counter sits in edge_stats, and its name. */
static const int counter_att[ES_NCOUNTERS] = {
	ESA_CONNS, ESA_C2S_PACKETS, ESA_C2S_BYTES, ESA_S2C_PACKETS, ESA_S2C_BYTES,
	ESA_SYNS, ESA_FINS, ESA_RSTS
};

static const char *const counter_name[ES_NCOUNTERS] = {
	"conns", "c2s_packets", "c2s_bytes", "s2c_packets", "s2c_bytes",
	"syns", "fins", "rsts"
};

/* Argument offsets of the counters after the first one, in counter order. */
static const int counter_arg[ES_NCOUNTERS] = {0, 1, 2, 3, 4, 7, 8, 9};

/* The serialized state of edge_stats_agg: a version byte, then the stats. */
#define EDGE_STATS_SERIAL_VERSION 1

/* Sums leave bigint only for absurd inputs; say which counter did. */
static void
edge_stats_add(EdgeStats *s, int i, int64 v)
{
	if (unlikely(pg_add_s64_overflow(s->counter[i], v, &s->counter[i])))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("edge statistics out of range: the sum of %s exceeds bigint",
						counter_name[i]),
				 errhint("Aggregate fewer rows at once.")));
}

static void
edge_stats_add_edges(EdgeStats *s, int64 v)
{
	if (unlikely(pg_add_s64_overflow(s->edges, v, &s->edges)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("edge statistics out of range: more edges than bigint holds")));
}

static void
edge_stats_first(EdgeStats *s, TimestampTz t)
{
	if (!s->have_first || t < s->first_seen)
		s->first_seen = t;
	s->have_first = true;
}

static void
edge_stats_last(EdgeStats *s, TimestampTz t)
{
	if (!s->have_last || t > s->last_seen)
		s->last_seen = t;
	s->have_last = true;
}

void
edge_stats_add_args(EdgeStats *s, FunctionCallInfo fcinfo, int first)
{
	int			i;

	edge_stats_add_edges(s, 1);
	for (i = 0; i < ES_NCOUNTERS; i++)
	{
		int			a = first + counter_arg[i];

		if (!PG_ARGISNULL(a))
			edge_stats_add(s, i, PG_GETARG_INT64(a));
	}
	if (!PG_ARGISNULL(first + 5))
		edge_stats_first(s, PG_GETARG_TIMESTAMPTZ(first + 5));
	if (!PG_ARGISNULL(first + 6))
		edge_stats_last(s, PG_GETARG_TIMESTAMPTZ(first + 6));
}

void
edge_stats_merge(EdgeStats *a, const EdgeStats *b)
{
	int			i;

	edge_stats_add_edges(a, b->edges);
	for (i = 0; i < ES_NCOUNTERS; i++)
		edge_stats_add(a, i, b->counter[i]);
	if (b->have_first)
		edge_stats_first(a, b->first_seen);
	if (b->have_last)
		edge_stats_last(a, b->last_seen);
}

/* Edges, the counters, then first_seen and last_seen (DT_NOEND, DT_NOBEGIN for none). */
void
edge_stats_send(StringInfo buf, const EdgeStats *s)
{
	int			i;

	pq_sendint64(buf, s->edges);
	for (i = 0; i < ES_NCOUNTERS; i++)
		pq_sendint64(buf, s->counter[i]);
	pq_sendint64(buf, s->have_first ? s->first_seen : DT_NOEND);
	pq_sendint64(buf, s->have_last ? s->last_seen : DT_NOBEGIN);
}

void
edge_stats_recv(StringInfo buf, EdgeStats *s)
{
	int			i;

	s->edges = pq_getmsgint64(buf);
	for (i = 0; i < ES_NCOUNTERS; i++)
		s->counter[i] = pq_getmsgint64(buf);
	s->first_seen = pq_getmsgint64(buf);
	s->last_seen = pq_getmsgint64(buf);
	s->have_first = s->first_seen != DT_NOEND;
	s->have_last = s->last_seen != DT_NOBEGIN;
}

Datum
edge_stats_form(const EdgeStats *s, TupleDesc desc)
{
	Datum		values[ESA_NATTS];
	bool		nulls[ESA_NATTS];
	int			i;

	if (desc->natts != ESA_NATTS)
		elog(ERROR, "edge_stats has %d attributes, expected %d", desc->natts, ESA_NATTS);
	memset(nulls, 0, sizeof(nulls));
	values[ESA_EDGES] = Int64GetDatum(s->edges);
	for (i = 0; i < ES_NCOUNTERS; i++)
		values[counter_att[i]] = Int64GetDatum(s->counter[i]);
	values[ESA_FIRST_SEEN] = TimestampTzGetDatum(s->first_seen);
	nulls[ESA_FIRST_SEEN] = !s->have_first;
	values[ESA_LAST_SEEN] = TimestampTzGetDatum(s->last_seen);
	nulls[ESA_LAST_SEEN] = !s->have_last;
	return HeapTupleGetDatum(heap_form_tuple(desc, values, nulls));
}

/* The state so far, or a new empty one in the aggregate's context. */
static EdgeStats *
edge_stats_state(FunctionCallInfo fcinfo)
{
	MemoryContext aggcxt = aggregate_context(fcinfo, "edge_stats");

	if (!PG_ARGISNULL(0))
		return (EdgeStats *) PG_GETARG_POINTER(0);
	return MemoryContextAllocZero(aggcxt, sizeof(EdgeStats));
}

/*
 * edge_stats_transfn(internal, conns, c2s_packets, c2s_bytes, s2c_packets,
 * s2c_bytes, first_seen, last_seen, syns, fins, rsts): one traffic row.
 */
Datum
edge_stats_transfn(PG_FUNCTION_ARGS)
{
	EdgeStats  *s = edge_stats_state(fcinfo);

	edge_stats_add_args(s, fcinfo, 1);
	PG_RETURN_POINTER(s);
}

/*
 * edge_stats_sum_transfn(internal, edge_stats): sum(edge_stats) adds whole
 * sums, e.g. after resolving addresses of several groups to one node.
 */
Datum
edge_stats_sum_transfn(PG_FUNCTION_ARGS)
{
	EdgeStats  *s = edge_stats_state(fcinfo);
	HeapTupleHeader row;
	HeapTupleData tuple;
	TupleDesc	desc;
	Datum		values[ESA_NATTS];
	bool		nulls[ESA_NATTS];
	EdgeStats	add;
	int			i;

	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(s);
	row = PG_GETARG_HEAPTUPLEHEADER(1);
	desc = lookup_rowtype_tupdesc(HeapTupleHeaderGetTypeId(row), HeapTupleHeaderGetTypMod(row));
	if (desc->natts != ESA_NATTS)
		elog(ERROR, "edge_stats has %d attributes, expected %d", desc->natts, ESA_NATTS);
	tuple.t_len = HeapTupleHeaderGetDatumLength(row);
	ItemPointerSetInvalid(&(tuple.t_self));
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = row;
	heap_deform_tuple(&tuple, desc, values, nulls);
	ReleaseTupleDesc(desc);

	memset(&add, 0, sizeof(add));
	add.edges = nulls[ESA_EDGES] ? 0 : DatumGetInt64(values[ESA_EDGES]);
	for (i = 0; i < ES_NCOUNTERS; i++)
	{
		if (!nulls[counter_att[i]])
			add.counter[i] = DatumGetInt64(values[counter_att[i]]);
	}
	add.have_first = !nulls[ESA_FIRST_SEEN];
	if (add.have_first)
		add.first_seen = DatumGetTimestampTz(values[ESA_FIRST_SEEN]);
	add.have_last = !nulls[ESA_LAST_SEEN];
	if (add.have_last)
		add.last_seen = DatumGetTimestampTz(values[ESA_LAST_SEEN]);
	edge_stats_merge(s, &add);
	PG_RETURN_POINTER(s);
}

/*
 * edge_stats_combinefn(internal, internal): for parallel aggregation.
 */
Datum
edge_stats_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = aggregate_context(fcinfo, "edge_stats");
	EdgeStats  *a = PG_ARGISNULL(0) ? NULL : (EdgeStats *) PG_GETARG_POINTER(0);
	EdgeStats  *b = PG_ARGISNULL(1) ? NULL : (EdgeStats *) PG_GETARG_POINTER(1);

	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	if (a == NULL)
	{
		a = MemoryContextAlloc(aggcxt, sizeof(EdgeStats));
		*a = *b;
		PG_RETURN_POINTER(a);
	}
	edge_stats_merge(a, b);
	PG_RETURN_POINTER(a);
}

/*
 * edge_stats_serialfn(internal): the state as bytea, between parallel
 * workers: a version byte, then edge_stats_send.
 */
Datum
edge_stats_serialfn(PG_FUNCTION_ARGS)
{
	EdgeStats  *s = (EdgeStats *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, EDGE_STATS_SERIAL_VERSION);
	edge_stats_send(&buf, s);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/*
 * edge_stats_deserialfn(bytea, internal): the inverse of the above.
 */
Datum
edge_stats_deserialfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = aggregate_context(fcinfo, "edge_stats");
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;
	EdgeStats  *s;
	int			version;

	if (VARSIZE_ANY_EXHDR(b) != 1 + EDGE_STATS_SEND_LEN)
		elog(ERROR, "edge_stats state of %zu bytes, expected %d",
			 (size_t) VARSIZE_ANY_EXHDR(b), 1 + EDGE_STATS_SEND_LEN);
	initStringInfo(&buf);
	appendBinaryStringInfo(&buf, VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b));
	version = pq_getmsgbyte(&buf);
	if (version != EDGE_STATS_SERIAL_VERSION)
		elog(ERROR, "edge_stats state of version %d, expected %d", version,
			 EDGE_STATS_SERIAL_VERSION);
	s = MemoryContextAllocZero(aggcxt, sizeof(EdgeStats));
	edge_stats_recv(&buf, s);
	PG_RETURN_POINTER(s);
}

/*
 * edge_stats_finalfn(internal): the edge_stats row; NULL for no rows.
 */
Datum
edge_stats_finalfn(PG_FUNCTION_ARGS)
{
	EdgeStats  *s = PG_ARGISNULL(0) ? NULL : (EdgeStats *) PG_GETARG_POINTER(0);
	TupleDesc	desc;

	if (s == NULL)
		PG_RETURN_NULL();
	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "edge_stats final function called without a composite result type");
	PG_RETURN_DATUM(edge_stats_form(s, BlessTupleDesc(desc)));
}
