/*-------------------------------------------------------------------------
 *
 * graph_doc.c
 *	  graph_doc_agg(nodes jsonb, meta jsonb, source, target, proto,
 *					server_port, class, edges, conns, c2s_packets,
 *					s2c_packets, c2s_bytes, s2c_bytes, first_seen,
 *					last_seen, syns, fins, rsts ORDER BY ...)
 *		returns jsonb
 *
 * graph_json's document, {"nodes": ..., "links": [...], "meta": ...}, built
 * as jsonb in one pass over the links. A map of a large fleet by instance
 * has hundreds of thousands of links: built as json text and cast, the
 * document is written out and parsed back (seconds for 200 MB); built with
 * jsonb_build_object and jsonb_agg, every link is encoded once as an object,
 * again as an array element and again in the document. Here each link's
 * values go straight into one JsonbParseState and the document is encoded
 * once, at the end. The nodes and meta are small and come as jsonb.
 *
 * A link object has the keys graph.schema.json gives it, with packets and
 * bytes as the sums of their two directions.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/int.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"

#include "aggcontext.h"

PG_FUNCTION_INFO_V1(graph_doc_transfn);
PG_FUNCTION_INFO_V1(graph_doc_finalfn);

/* Arguments of the transition function after the state. */
enum
{
	GD_NODES = 1,
	GD_META,
	GD_SOURCE,
	GD_TARGET,
	GD_PROTO,
	GD_SERVER_PORT,
	GD_CLASS,
	GD_EDGES,
	GD_CONNS,
	GD_C2S_PACKETS,
	GD_S2C_PACKETS,
	GD_C2S_BYTES,
	GD_S2C_BYTES,
	GD_FIRST_SEEN,
	GD_LAST_SEEN,
	GD_SYNS,
	GD_FINS,
	GD_RSTS,
	GD_NARGS
};

typedef struct DocState
{
	JsonbParseState *ps;		/* the document so far: { "links": [ ...objects */
	Jsonb	   *nodes;			/* from the first row, copied */
	Jsonb	   *meta;
	int64		links;
} DocState;

static void
push_key(JsonbParseState **ps, const char *key)
{
	JsonbValue	k;

	k.type = jbvString;
	k.val.string.val = (char *) key;
	k.val.string.len = strlen(key);
	pushJsonbValue(ps, WJB_KEY, &k);
}

static void
push_null(JsonbParseState **ps, const char *key)
{
	JsonbValue	v;

	push_key(ps, key);
	v.type = jbvNull;
	pushJsonbValue(ps, WJB_VALUE, &v);
}

/* A text argument as a string value (copied: the row's datums do not last). */
static void
push_text(JsonbParseState **ps, const char *key, FunctionCallInfo fcinfo, int arg)
{
	JsonbValue	v;
	text	   *t;

	if (PG_ARGISNULL(arg))
	{
		push_null(ps, key);
		return;
	}
	t = PG_GETARG_TEXT_PP(arg);
	push_key(ps, key);
	v.type = jbvString;
	v.val.string.len = VARSIZE_ANY_EXHDR(t);
	v.val.string.val = pnstrdup(VARDATA_ANY(t), v.val.string.len);
	pushJsonbValue(ps, WJB_VALUE, &v);
}

static void
push_int(JsonbParseState **ps, const char *key, int64 n)
{
	JsonbValue	v;

	push_key(ps, key);
	v.type = jbvNumeric;
	v.val.numeric = int64_to_numeric(n);
	pushJsonbValue(ps, WJB_VALUE, &v);
}

static void
push_int_arg(JsonbParseState **ps, const char *key, FunctionCallInfo fcinfo, int arg)
{
	if (PG_ARGISNULL(arg))
		push_null(ps, key);
	else
		push_int(ps, key, PG_GETARG_INT64(arg));
}

/* The sum of two bigint arguments, NULL if either is (as SQL's + gives it). */
static void
push_sum(JsonbParseState **ps, const char *key, FunctionCallInfo fcinfo, int a, int b)
{
	int64		sum;

	if (PG_ARGISNULL(a) || PG_ARGISNULL(b))
		push_null(ps, key);
	else if (pg_add_s64_overflow(PG_GETARG_INT64(a), PG_GETARG_INT64(b), &sum))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("bigint out of range")));
	else
		push_int(ps, key, sum);
}

/* A time as json_build_object writes it (ISO 8601 in the session's time zone). */
static void
push_time(JsonbParseState **ps, const char *key, FunctionCallInfo fcinfo, int arg)
{
	JsonbValue	v;
	char		buf[MAXDATELEN + 1];

	if (PG_ARGISNULL(arg))
	{
		push_null(ps, key);
		return;
	}
	JsonEncodeDateTime(buf, PG_GETARG_DATUM(arg), TIMESTAMPTZOID, NULL);
	push_key(ps, key);
	v.type = jbvString;
	v.val.string.len = strlen(buf);
	v.val.string.val = pnstrdup(buf, v.val.string.len);
	pushJsonbValue(ps, WJB_VALUE, &v);
}

/* A jsonb argument, copied into the aggregate's memory; NULL stays NULL. */
static Jsonb *
copy_jsonb(FunctionCallInfo fcinfo, int arg)
{
	Jsonb	   *j;
	Jsonb	   *copy;

	if (PG_ARGISNULL(arg))
		return NULL;
	j = PG_GETARG_JSONB_P(arg);
	copy = palloc(VARSIZE(j));
	memcpy(copy, j, VARSIZE(j));
	return copy;
}

Datum
graph_doc_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	MemoryContext old;
	DocState   *st;
	JsonbParseState **ps;

	aggcxt = aggregate_context(fcinfo, "graph_doc_agg");
	if (PG_NARGS() != GD_NARGS)
		elog(ERROR, "graph_doc_agg takes %d arguments, not %d", GD_NARGS - 1, PG_NARGS() - 1);
	old = MemoryContextSwitchTo(aggcxt);
	if (PG_ARGISNULL(0))
	{
		st = palloc0(sizeof(DocState));
		st->nodes = copy_jsonb(fcinfo, GD_NODES);
		st->meta = copy_jsonb(fcinfo, GD_META);
		pushJsonbValue(&st->ps, WJB_BEGIN_OBJECT, NULL);
		push_key(&st->ps, "links");
		pushJsonbValue(&st->ps, WJB_BEGIN_ARRAY, NULL);
	}
	else
		st = (DocState *) PG_GETARG_POINTER(0);
	ps = &st->ps;

	pushJsonbValue(ps, WJB_BEGIN_OBJECT, NULL);
	push_text(ps, "source", fcinfo, GD_SOURCE);
	push_text(ps, "target", fcinfo, GD_TARGET);
	push_text(ps, "proto", fcinfo, GD_PROTO);
	if (PG_ARGISNULL(GD_SERVER_PORT))
		push_null(ps, "server_port");
	else
		push_int(ps, "server_port", PG_GETARG_INT32(GD_SERVER_PORT));
	push_text(ps, "class", fcinfo, GD_CLASS);
	push_int_arg(ps, "edges", fcinfo, GD_EDGES);
	push_int_arg(ps, "conns", fcinfo, GD_CONNS);
	push_int_arg(ps, "c2s_packets", fcinfo, GD_C2S_PACKETS);
	push_int_arg(ps, "s2c_packets", fcinfo, GD_S2C_PACKETS);
	push_sum(ps, "packets", fcinfo, GD_C2S_PACKETS, GD_S2C_PACKETS);
	push_int_arg(ps, "c2s_bytes", fcinfo, GD_C2S_BYTES);
	push_int_arg(ps, "s2c_bytes", fcinfo, GD_S2C_BYTES);
	push_sum(ps, "bytes", fcinfo, GD_C2S_BYTES, GD_S2C_BYTES);
	push_time(ps, "first_seen", fcinfo, GD_FIRST_SEEN);
	push_time(ps, "last_seen", fcinfo, GD_LAST_SEEN);
	push_int_arg(ps, "syns", fcinfo, GD_SYNS);
	push_int_arg(ps, "fins", fcinfo, GD_FINS);
	push_int_arg(ps, "rsts", fcinfo, GD_RSTS);
	pushJsonbValue(ps, WJB_END_OBJECT, NULL);
	st->links++;

	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(st);
}

/* A small jsonb document (nodes, meta) as the value of key; null when absent. */
static void
push_jsonb(JsonbParseState **ps, const char *key, Jsonb *j)
{
	JsonbValue	v;

	push_key(ps, key);
	if (j == NULL)
	{
		v.type = jbvNull;
		pushJsonbValue(ps, WJB_VALUE, &v);
		return;
	}
	/* pushJsonbValue unpacks a container value into the document */
	v.type = jbvBinary;
	v.val.binary.data = &j->root;
	v.val.binary.len = VARSIZE(j) - VARHDRSZ;
	pushJsonbValue(ps, WJB_VALUE, &v);
}

/*
 * The document. It is encoded once; a map over jsonb's 256 MB is an error
 * that says how many links it has (graph_json adds what to ask instead).
 */
Datum
graph_doc_finalfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	MemoryContext old;
	DocState   *st;
	JsonbValue *doc;
	Jsonb	   *result = NULL;

	aggcxt = aggregate_context(fcinfo, "graph_doc_agg");
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (DocState *) PG_GETARG_POINTER(0);
	old = MemoryContextSwitchTo(aggcxt);
	pushJsonbValue(&st->ps, WJB_END_ARRAY, NULL);
	push_jsonb(&st->ps, "meta", st->meta);
	push_jsonb(&st->ps, "nodes", st->nodes);
	doc = pushJsonbValue(&st->ps, WJB_END_OBJECT, NULL);
	MemoryContextSwitchTo(old);

	PG_TRY();
	{
		result = JsonbValueToJsonb(doc);
	}
	PG_CATCH();
	{
		ErrorData  *e;

		MemoryContextSwitchTo(old);
		e = CopyErrorData();
		if (e->sqlerrcode != ERRCODE_PROGRAM_LIMIT_EXCEEDED)
			PG_RE_THROW();
		FlushErrorState();
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the map is too large for jsonb: " INT64_FORMAT " links", st->links),
				 errdetail("%s", e->message)));
	}
	PG_END_TRY();
	PG_RETURN_JSONB_P(result);
}
