/*-------------------------------------------------------------------------
 *
 * graph_links.c
 *	  graph_links_agg(map graph_map_row[], since, until, capture_ids,
 *					  resolve_now, collapse_unknown, capture_id, proto, client,
 *					  server, server_port, conns, c2s_packets, c2s_bytes,
 *					  s2c_packets, s2c_bytes, first_seen, last_seen, syns, fins,
 *					  rsts)
 *		returns graph_edge[]
 *
 * The map's links from a window's traffic rows: each row's ends resolved
 * to nodes, each connection counted once per run, the rows summed per link.
 *
 * What the resolution is, is SQL: graph_address_map() (per address and
 * time range: who owned it and its node under the grouping), computed once
 * and handed over as an array (a constant of the query, so every parallel
 * worker gets it), and graph_captures() (the window's captures, their runs
 * and capturing hosts), read by each process. On its first row this
 * aggregate loads them into hash tables and then joins every traffic row to
 * them in C; the traffic rows come from a plain scan. As a plain aggregate it always runs as a partial aggregate in each
 * parallel worker, so only the workers' links go through the Gather: the
 * planner cannot misjudge how few links a day of rows makes, nor the joins
 * of a million rows to a map of a few thousand addresses.
 *
 * A row's end is an address; loopback is the capturing host. It resolves
 * to the map's rows for that address whose range holds the capture's time
 * (several under security groups: the row counts in each), or to none (the
 * address is kept, to be named later). Of a connection seen by several
 * captures of a run, the server's own capture counts it; else the client's
 * when the server was not captured in the run; else any capture, when
 * neither end was.
 *
 * Each link keeps two sums: what the map shows (rows no omit pattern drops)
 * and what its totals count (under security groups a row is in a link per
 * group of each end, but counted once). The final function names the ends
 * no instance owned (graph_address_node(), once per distinct address) and
 * merges the links that naming makes equal.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <sys/socket.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/inet.h"
#include "utils/lsyscache.h"
#include "utils/rangetypes.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"

#include "aggcontext.h"
#include "archdomain.h"
#include "classes.h"
#include "edgestats.h"

PG_FUNCTION_INFO_V1(graph_links_transfn);
PG_FUNCTION_INFO_V1(graph_links_combinefn);
PG_FUNCTION_INFO_V1(graph_links_serialfn);
PG_FUNCTION_INFO_V1(graph_links_deserialfn);
PG_FUNCTION_INFO_V1(graph_links_finalfn);

/* Arguments of the transition function after the state. */
enum
{
	GLA_MAP = 1,
	GLA_SINCE,
	GLA_UNTIL,
	GLA_CAPTURE_IDS,
	GLA_RESOLVE_NOW,
	GLA_COLLAPSE,
	GLA_CAPTURE_ID,
	GLA_PROTO,
	GLA_CLIENT,
	GLA_SERVER,
	GLA_SERVER_PORT,
	GLA_COUNTERS				/* conns .. rsts, as edge_stats_add_args takes them */
};

/* The attributes of graph_edge. */
enum
{
	GE_SOURCE,
	GE_TARGET,
	GE_PROTO,
	GE_SERVER_PORT,
	GE_CLASS,
	GE_SHOWN,
	GE_COUNTED,
	GE_NATTS
};

/*
 * How an end of a link is encoded in a key: a node of the address map by its
 * number (every process numbers them alike: the map is one argument, loaded
 * in one order), a node by its name (after naming), or an address to name.
 */
#define END_NODE_ID 'i'
#define END_NODE 'n'
#define END_ADDRESS 'a'

#define GRAPH_LINKS_SERIAL_VERSION 2

/* Arena chunks keys are copied into: one allocation for many keys. */
#define GL_ARENA_CHUNK 65536

/* The most rows of the address map one address may match at one time. */
#define GL_MAX_MATCHES 1024

/* Byte strings as hash keys: encoded links, and the names of who is who. */
typedef struct ByteKey
{
	const char *data;
	uint32		len;
} ByteKey;

#define BYTEKEY_HASH(k) hash_bytes((const unsigned char *) (k).data, (int) (k).len)
#define BYTEKEY_EQUAL(a, b) ((a).len == (b).len && memcmp((a).data, (b).data, (a).len) == 0)

/* A link's traffic as shown and as counted (edges 0: none). */
typedef struct LinkStats
{
	EdgeStats	shown;
	EdgeStats	counted;
} LinkStats;

/*
 * A link: its ends, proto, port and class encoded one after another. The
 * statistics live beside the key in the arena, so the table's elements
 * stay small when it grows.
 */
typedef struct LinkEntry
{
	ByteKey		key;
	uint32		hash;
	char		status;
	LinkStats  *stats;
} LinkEntry;

#define SH_PREFIX linktab
#define SH_ELEMENT_TYPE LinkEntry
#define SH_KEY_TYPE ByteKey
#define SH_KEY key
#define SH_HASH_KEY(tb, k) BYTEKEY_HASH(k)
#define SH_EQUAL(tb, a, b) BYTEKEY_EQUAL(a, b)
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) (a)->hash
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/* An instance id or address text as a small number, for comparing who is who. */
typedef struct WhoEntry
{
	ByteKey		key;
	uint32		hash;
	char		status;
	int32		id;
} WhoEntry;

#define SH_PREFIX whotab
#define SH_ELEMENT_TYPE WhoEntry
#define SH_KEY_TYPE ByteKey
#define SH_KEY key
#define SH_HASH_KEY(tb, k) BYTEKEY_HASH(k)
#define SH_EQUAL(tb, a, b) BYTEKEY_EQUAL(a, b)
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) (a)->hash
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/* An address without its netmask: what the address map is keyed by. */
typedef struct Addr
{
	uint8		family;
	uint8		bytes[16];
} Addr;

/* One row of graph_address_map(). */
typedef struct MapRow
{
	bool		has_lo;
	bool		has_hi;
	bool		lo_inc;
	bool		hi_inc;
	TimestampTz lo;
	TimestampTz hi;
	int32		who;			/* -1: nobody */
	int32		node;			/* its number in LinksState.node_names; -1: not a node of the fleet */
	ArchDomain *archdomain;
	bool		omitted;
	bool		counted;
	int			nruns;
	int64	   *runs;			/* the runs in which who was captured */
} MapRow;

/* The rows of one address: rows[first .. first + count). */
typedef struct AddrEntry
{
	Addr		key;
	uint32		hash;
	char		status;
	int			first;
	int			count;
} AddrEntry;

#define SH_PREFIX addrtab
#define SH_ELEMENT_TYPE AddrEntry
#define SH_KEY_TYPE Addr
#define SH_KEY key
#define SH_HASH_KEY(tb, k) hash_bytes((const unsigned char *) &(k), sizeof(Addr))
#define SH_EQUAL(tb, a, b) (memcmp(&(a), &(b), sizeof(Addr)) == 0)
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) (a)->hash
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/* One capture of the window (graph_captures()). */
typedef struct CaptureEntry
{
	int64		key;			/* captures.id */
	char		status;
	int64		run_key;
	TimestampTz at;				/* when its addresses resolve */
	inet	   *host;			/* the capturing host's address, or NULL */
	int32		host_who;		/* -1: unknown */
	int			nhost;			/* the host's map rows, once resolved (-1: not yet) */
	struct MapRow **host_rows;
} CaptureEntry;

#define SH_PREFIX captab
#define SH_ELEMENT_TYPE CaptureEntry
#define SH_KEY_TYPE int64
#define SH_KEY key
#define SH_HASH_KEY(tb, k) hash_bytes_uint32((uint32) ((k) ^ ((k) >> 32)))
#define SH_EQUAL(tb, a, b) ((a) == (b))
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

typedef struct LinksState
{
	MemoryContext cxt;
	linktab_hash *links;
	StringInfoData scratch;		/* the key of the link at hand */
	char	   *arena;
	size_t		arena_left;
	/* what rows are resolved with, loaded on the first row */
	bool		loaded;
	captab_hash *captures;
	addrtab_hash *addrs;
	MapRow	   *rows;
	whotab_hash *whos;
	int32		nwhos;
	ClassRules *rules;
	whotab_hash *node_ids;		/* node name -> number */
	text	  **node_names;		/* number -> node name */
	int32		nnodes;
	int			collapse_unknown;	/* the scope's, -1 until known */
	CaptureEntry *last;			/* the capture of the previous row */
} LinksState;

static LinksState *
graph_links_state_new(MemoryContext cxt)
{
	LinksState *st = MemoryContextAllocZero(cxt, sizeof(LinksState));
	MemoryContext old = MemoryContextSwitchTo(cxt);

	st->cxt = cxt;
	st->links = linktab_create(cxt, 1024, NULL);
	st->collapse_unknown = -1;
	initStringInfo(&st->scratch);
	MemoryContextSwitchTo(old);
	return st;
}

/* Bytes from the arena, MAXALIGNed. */
static char *
graph_links_alloc(LinksState *st, size_t len)
{
	char	   *p;

	len = MAXALIGN(len);
	if (len > st->arena_left)
	{
		size_t		size = Max(len, (size_t) GL_ARENA_CHUNK);

		st->arena = MemoryContextAlloc(st->cxt, size);
		st->arena_left = size;
	}
	p = st->arena;
	st->arena += len;
	st->arena_left -= len;
	return p;
}

/* A lasting copy of some bytes, from the arena. */
static const char *
graph_links_keep(LinksState *st, const char *data, uint32 len)
{
	char	   *p = graph_links_alloc(st, len);

	memcpy(p, data, len);
	return p;
}

/* The entry of a link, made with empty statistics when new. */
static LinkEntry *
graph_links_entry(LinksState *st, const char *data, uint32 len)
{
	ByteKey		key = {data, len};
	bool		found;
	LinkEntry  *e = linktab_insert(st->links, key, &found);

	if (!found)
	{
		e->stats = (LinkStats *) graph_links_alloc(st, sizeof(LinkStats) + len);
		memset(e->stats, 0, sizeof(LinkStats));
		e->key.data = (char *) e->stats + sizeof(LinkStats);
		memcpy((char *) e->key.data, data, len);
	}
	return e;
}

/* The number of a who (instance id or address text); -1 for NULL. */
static int32
graph_links_who(LinksState *st, const text *t)
{
	ByteKey		key;
	bool		found;
	WhoEntry   *e;

	if (t == NULL)
		return -1;
	key.data = VARDATA_ANY(t);
	key.len = VARSIZE_ANY_EXHDR(t);
	e = whotab_insert(st->whos, key, &found);
	if (!found)
	{
		e->key.data = graph_links_keep(st, key.data, key.len);
		e->id = st->nwhos++;
	}
	return e->id;
}

/* The number of a node name of the address map, given on first sight. */
static int32
graph_links_node(LinksState *st, const text *t)
{
	ByteKey		key;
	bool		found;
	WhoEntry   *e;

	if (st->node_ids == NULL)
		st->node_ids = whotab_create(st->cxt, 1024, NULL);
	key.data = VARDATA_ANY(t);
	key.len = VARSIZE_ANY_EXHDR(t);
	e = whotab_insert(st->node_ids, key, &found);
	if (!found)
	{
		text	   *copy = (text *) graph_links_alloc(st, VARHDRSZ + key.len);

		SET_VARSIZE(copy, VARHDRSZ + key.len);
		memcpy(VARDATA(copy), key.data, key.len);
		e->key.data = VARDATA(copy);
		if (st->nnodes % 1024 == 0)
			st->node_names = st->node_names == NULL
				? MemoryContextAlloc(st->cxt, sizeof(text *) * 1024)
				: repalloc(st->node_names, sizeof(text *) * (st->nnodes + 1024));
		st->node_names[st->nnodes] = copy;
		e->id = st->nnodes++;
	}
	return e->id;
}

static void
addr_from_inet(Addr *a, const inet *n)
{
	memset(a, 0, sizeof(*a));
	a->family = ip_family(n);
	memcpy(a->bytes, ip_addr(n), ip_addrsize(n));
}

/* A copy of a datum of a by-reference type in the state's context, or NULL. */
static void *
graph_links_copy(LinksState *st, Datum d, bool isnull)
{
	struct varlena *v;
	struct varlena *copy;

	if (isnull)
		return NULL;
	v = PG_DETOAST_DATUM_PACKED(d);
	copy = MemoryContextAlloc(st->cxt, VARSIZE_ANY(v));
	memcpy(copy, v, VARSIZE_ANY(v));
	return copy;
}

/* The attributes of graph_map_row, as graph.sql declares it. */
enum
{
	GM_ADDRESS,
	GM_VALID,
	GM_WHO,
	GM_INSTANCE_ID,
	GM_NODE,
	GM_ARCHDOMAIN,
	GM_OMITTED,
	GM_COUNTED,
	GM_RUNS,
	GM_NATTS
};

/* The rows of an array of a composite type, deformed; *n of them. */
static HeapTupleHeader *
composite_elems(ArrayType *a, int natts, TupleDesc *desc, int *n)
{
	Oid			type = ARR_ELEMTYPE(a);
	Datum	   *elems;
	bool	   *nulls;
	HeapTupleHeader *rows;
	int			i;

	*desc = lookup_rowtype_tupdesc(type, -1);
	if ((*desc)->natts != natts)
		elog(ERROR, "graph_links_agg: %s has %d attributes, expected %d",
			 format_type_be(type), (*desc)->natts, natts);
	deconstruct_array(a, type, -1, false, TYPALIGN_DOUBLE, &elems, &nulls, n);
	rows = palloc(sizeof(HeapTupleHeader) * Max(*n, 1));
	for (i = 0; i < *n; i++)
	{
		if (nulls[i])
			elog(ERROR, "graph_links_agg: a NULL element in %s[]", format_type_be(type));
		rows[i] = DatumGetHeapTupleHeader(elems[i]);
	}
	return rows;
}

static void
deform(HeapTupleHeader row, TupleDesc desc, Datum *values, bool *nulls)
{
	HeapTupleData tuple;

	tuple.t_len = HeapTupleHeaderGetDatumLength(row);
	ItemPointerSetInvalid(&(tuple.t_self));
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = row;
	heap_deform_tuple(&tuple, desc, values, nulls);
}

/* The window's captures: graph_captures(since, until, capture_ids, resolve_now). */
static const char *const captures_query =
	"SELECT c.id, c.run_key, c.at, c.host_address, c.host_who"
	"  FROM trafficmap.graph_captures($1, $2, $3, $4) c";

/*
 * The window's captures, read with SPI in every process: there may be many
 * (a month of a large fleet), and a large array argument would cost more to
 * hand to each parallel worker than the query does.
 */
static void
graph_links_load_captures(LinksState *st, FunctionCallInfo fcinfo)
{
	Oid			types[4] = {TIMESTAMPTZOID, TIMESTAMPTZOID, INT8ARRAYOID, BOOLOID};
	Datum		values[4];
	char		nulls[4];
	int			argno[4] = {GLA_SINCE, GLA_UNTIL, GLA_CAPTURE_IDS, GLA_RESOLVE_NOW};
	uint64		i;
	int			ret;
	int			k;

	for (k = 0; k < 4; k++)
	{
		nulls[k] = PG_ARGISNULL(argno[k]) ? 'n' : ' ';
		values[k] = PG_ARGISNULL(argno[k]) ? (Datum) 0 : PG_GETARG_DATUM(argno[k]);
	}
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "graph_links_agg: SPI_connect failed");
	ret = SPI_execute_with_args(captures_query, 4, types, values, nulls, true, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "graph_links_agg: reading the window's captures failed: %s", SPI_result_code_string(ret));
	st->captures = captab_create(st->cxt, Max(SPI_processed, 16), NULL);
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		bool		found;
		Datum		id = SPI_getbinval(tup, desc, 1, &isnull);
		Datum		at = SPI_getbinval(tup, desc, 3, &isnull);
		CaptureEntry *c;
		Datum		d;

		if (isnull)
			continue;			/* no packets, so no traffic rows */
		c = captab_insert(st->captures, DatumGetInt64(id), &found);
		c->run_key = DatumGetInt64(SPI_getbinval(tup, desc, 2, &isnull));
		c->at = DatumGetTimestampTz(at);
		d = SPI_getbinval(tup, desc, 4, &isnull);
		c->host = graph_links_copy(st, d, isnull);
		d = SPI_getbinval(tup, desc, 5, &isnull);
		c->host_who = isnull ? -1 : graph_links_who(st, DatumGetTextPP(d));
		c->nhost = -1;
		c->host_rows = NULL;
	}
	SPI_finish();
}

/* Map rows in address order, so each address's rows are one run. */
typedef struct MapSort
{
	Addr		address;
	int			row;
} MapSort;

static int
map_sort_cmp(const void *a, const void *b)
{
	int			c = memcmp(&((const MapSort *) a)->address, &((const MapSort *) b)->address, sizeof(Addr));

	if (c != 0)
		return c;
	return ((const MapSort *) a)->row - ((const MapSort *) b)->row;
}

/* One row of the address map. */
static void
graph_links_map_row(LinksState *st, MapRow *r, const Datum *v, const bool *isnull,
					TypeCacheEntry *rangetyp)
{
	RangeBound	lo;
	RangeBound	hi;
	bool		empty;

	range_deserialize(rangetyp, DatumGetRangeTypeP(v[GM_VALID]), &lo, &hi, &empty);
	r->has_lo = !empty && !lo.infinite;
	r->lo = r->has_lo ? DatumGetTimestampTz(lo.val) : 0;
	r->lo_inc = lo.inclusive;
	r->has_hi = !empty && !hi.infinite;
	r->hi = r->has_hi ? DatumGetTimestampTz(hi.val) : 0;
	r->hi_inc = hi.inclusive;
	r->who = isnull[GM_WHO] ? -1 : graph_links_who(st, DatumGetTextPP(v[GM_WHO]));
	r->node = isnull[GM_NODE] ? -1 : graph_links_node(st, DatumGetTextPP(v[GM_NODE]));
	r->archdomain = graph_links_copy(st, v[GM_ARCHDOMAIN], isnull[GM_ARCHDOMAIN]);
	r->omitted = !isnull[GM_OMITTED] && DatumGetBool(v[GM_OMITTED]);
	r->counted = isnull[GM_COUNTED] || DatumGetBool(v[GM_COUNTED]);
	r->nruns = 0;
	if (!isnull[GM_RUNS])
	{
		Datum	   *elems;
		bool	   *nulls;
		int			j;

		deconstruct_array(DatumGetArrayTypeP(v[GM_RUNS]), INT8OID, 8, FLOAT8PASSBYVAL,
						  TYPALIGN_DOUBLE, &elems, &nulls, &r->nruns);
		r->runs = MemoryContextAlloc(st->cxt, sizeof(int64) * Max(r->nruns, 1));
		for (j = 0; j < r->nruns; j++)
			r->runs[j] = nulls[j] ? 0 : DatumGetInt64(elems[j]);
	}
}

/* The address map, from graph_map_row[] (graph_address_map's rows, in any order). */
static void
graph_links_load_map(LinksState *st, ArrayType *a)
{
	TupleDesc	desc;
	int			n;
	HeapTupleHeader *rows = composite_elems(a, GM_NATTS, &desc, &n);
	TypeCacheEntry *rangetyp = lookup_type_cache(TupleDescAttr(desc, GM_VALID)->atttypid,
												 TYPECACHE_RANGE_INFO);
	MapSort    *order = palloc(sizeof(MapSort) * Max(n, 1));
	Datum	   *values = palloc(sizeof(Datum) * GM_NATTS * Max(n, 1));
	bool	   *nulls = palloc(sizeof(bool) * GM_NATTS * Max(n, 1));
	AddrEntry  *cur = NULL;
	int			i;

	if (rangetyp->rngelemtype == NULL)
		elog(ERROR, "graph_links_agg: graph_map_row.valid is not a range");
	for (i = 0; i < n; i++)
	{
		Datum	   *v = values + i * GM_NATTS;
		bool	   *isnull = nulls + i * GM_NATTS;

		deform(rows[i], desc, v, isnull);
		if (isnull[GM_ADDRESS] || isnull[GM_VALID])
			elog(ERROR, "graph_links_agg: an address map row without address or range");
		addr_from_inet(&order[i].address, DatumGetInetPP(v[GM_ADDRESS]));
		order[i].row = i;
	}
	qsort(order, n, sizeof(MapSort), map_sort_cmp);

	st->rows = MemoryContextAllocZero(st->cxt, sizeof(MapRow) * Max(n, 1));
	st->addrs = addrtab_create(st->cxt, Max(n, 16), NULL);
	for (i = 0; i < n; i++)
	{
		if (cur == NULL || memcmp(&cur->key, &order[i].address, sizeof(Addr)) != 0)
		{
			bool		found;

			cur = addrtab_insert(st->addrs, order[i].address, &found);
			cur->first = i;
			cur->count = 0;
		}
		cur->count++;
		graph_links_map_row(st, &st->rows[i], values + order[i].row * GM_NATTS,
							nulls + order[i].row * GM_NATTS, rangetyp);
	}
	ReleaseTupleDesc(desc);
}

/* The window's address map (the first argument), its captures and the class rules. */
static void
graph_links_load(LinksState *st, FunctionCallInfo fcinfo)
{
	if (PG_ARGISNULL(GLA_MAP) || PG_ARGISNULL(GLA_RESOLVE_NOW) || PG_ARGISNULL(GLA_COLLAPSE))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("graph_links_agg needs the address map, resolve_now and collapse_unknown"),
				 errhint("Call trafficmap.graph_edges or graph_json, which make them.")));
	st->whos = whotab_create(st->cxt, 1024, NULL);
	st->collapse_unknown = PG_GETARG_BOOL(GLA_COLLAPSE) ? 1 : 0;
	graph_links_load_captures(st, fcinfo);
	graph_links_load_map(st, PG_GETARG_ARRAYTYPE_P(GLA_MAP));
	st->rules = class_rules_load(st->cxt);
	st->loaded = true;
}

static bool
map_row_holds(const MapRow *r, TimestampTz at)
{
	if (r->has_lo && (at < r->lo || (at == r->lo && !r->lo_inc)))
		return false;
	if (r->has_hi && (at > r->hi || (at == r->hi && !r->hi_inc)))
		return false;
	return true;
}

static bool
map_row_captured(const MapRow *r, int64 run_key)
{
	int			i;

	if (r == NULL)
		return false;
	for (i = 0; i < r->nruns; i++)
	{
		if (r->runs[i] == run_key)
			return true;
	}
	return false;
}

/* The rows of the map an address resolves to at a time; *n = 0 for none. */
static void
graph_links_resolve(LinksState *st, const inet *address, TimestampTz at, MapRow **out, int *n)
{
	Addr		a;
	AddrEntry  *e;
	int			i;

	*n = 0;
	addr_from_inet(&a, address);
	e = addrtab_lookup(st->addrs, a);
	if (e == NULL)
		return;
	for (i = e->first; i < e->first + e->count; i++)
	{
		if (!map_row_holds(&st->rows[i], at))
			continue;
		if (*n >= GL_MAX_MATCHES)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("an address is in more than %d nodes at once", GL_MAX_MATCHES),
					 errdetail("The address map gives that many rows for one address and time.")));
		out[(*n)++] = &st->rows[i];
	}
}

static bool
inet_same_address(const inet *a, const inet *b)
{
	return ip_family(a) == ip_family(b) && memcmp(ip_addr(a), ip_addr(b), ip_addrsize(a)) == 0;
}

/*
 * An end's rows of the map; one end of most rows is the capturing host, whose
 * rows are resolved once per capture.
 */
static void
graph_links_resolve_end(LinksState *st, CaptureEntry *cap, const inet *address, MapRow **out, int *n)
{
	if (cap->host == NULL || !inet_same_address(address, cap->host))
	{
		graph_links_resolve(st, address, cap->at, out, n);
		return;
	}
	if (cap->nhost < 0)
	{
		graph_links_resolve(st, address, cap->at, out, n);
		cap->host_rows = MemoryContextAlloc(st->cxt, sizeof(MapRow *) * Max(*n, 1));
		memcpy(cap->host_rows, out, sizeof(MapRow *) * *n);
		cap->nhost = *n;
		return;
	}
	memcpy(out, cap->host_rows, sizeof(MapRow *) * cap->nhost);
	*n = cap->nhost;
}

static bool
inet_is_loopback(const inet *a)
{
	static const unsigned char v6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

	if (ip_family(a) == PGSQL_AF_INET)
		return ip_addr(a)[0] == 127;
	return memcmp(ip_addr(a), v6, 16) == 0;
}

static void
key_bytes(StringInfo k, const char *data, uint32 len)
{
	appendBinaryStringInfo(k, (const char *) &len, sizeof(len));
	appendBinaryStringInfo(k, data, len);
}

static void
key_inet(StringInfo k, const inet *n)
{
	appendStringInfoChar(k, (char) ip_family(n));
	appendStringInfoChar(k, (char) ip_bits(n));
	appendBinaryStringInfo(k, (const char *) ip_addr(n), ip_addrsize(n));
}

/* An end of a link: its node, else its address (named by the final function). */
static void
key_end(StringInfo k, const MapRow *r, const inet *address)
{
	if (r != NULL && r->node >= 0)
	{
		appendStringInfoChar(k, END_NODE_ID);
		appendBinaryStringInfo(k, (const char *) &r->node, sizeof(r->node));
	}
	else
	{
		appendStringInfoChar(k, END_ADDRESS);
		key_inet(k, address);
	}
}

/* proto (NULL: a length of UINT32_MAX), port (NULL: a byte 0), class. */
static void
key_rest(StringInfo k, const text *proto, bool have_port, int32 port, const text *cls)
{
	if (proto != NULL)
		key_bytes(k, VARDATA_ANY(proto), VARSIZE_ANY_EXHDR(proto));
	else
	{
		uint32		none = PG_UINT32_MAX;

		appendBinaryStringInfo(k, (const char *) &none, sizeof(none));
	}
	appendStringInfoChar(k, have_port ? 1 : 0);
	if (have_port)
		appendBinaryStringInfo(k, (const char *) &port, sizeof(port));
	key_bytes(k, VARDATA_ANY(cls), VARSIZE_ANY_EXHDR(cls));
}

/*
 * graph_links_transfn(internal, scope, capture_id, proto, client, server,
 * server_port, conns .. rsts): one traffic row into its links.
 */
Datum
graph_links_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = aggregate_context(fcinfo, "graph_links_agg");
	LinksState *st = PG_ARGISNULL(0) ? graph_links_state_new(aggcxt)
		: (LinksState *) PG_GETARG_POINTER(0);
	CaptureEntry *cap;
	const inet *client;
	const inet *server;
	MapRow	   *cm[GL_MAX_MATCHES];
	MapRow	   *sm[GL_MAX_MATCHES];
	int			nc;
	int			ns;
	int			i;
	int			j;
	text	   *proto;
	int32		port;
	bool		have_port;
	bool		s_own;
	bool		c_own;
	const text *cls;
	EdgeStats	row;

	if (PG_ARGISNULL(GLA_CAPTURE_ID) ||
		PG_ARGISNULL(GLA_CLIENT) || PG_ARGISNULL(GLA_SERVER))
		PG_RETURN_POINTER(st);
	if (!st->loaded)
		graph_links_load(st, fcinfo);
	cap = st->last;
	if (cap == NULL || cap->key != PG_GETARG_INT64(GLA_CAPTURE_ID))
	{
		cap = captab_lookup(st->captures, PG_GETARG_INT64(GLA_CAPTURE_ID));
		if (cap == NULL)
			PG_RETURN_POINTER(st);	/* not a capture of the window */
		st->last = cap;
	}

	client = PG_GETARG_INET_PP(GLA_CLIENT);
	server = PG_GETARG_INET_PP(GLA_SERVER);
	if (cap->host != NULL && inet_is_loopback(client))
		client = cap->host;
	if (cap->host != NULL && inet_is_loopback(server))
		server = cap->host;
	graph_links_resolve_end(st, cap, client, cm, &nc);
	graph_links_resolve_end(st, cap, server, sm, &ns);
	if (nc == 0)
		cm[nc++] = NULL;
	if (ns == 0)
		sm[ns++] = NULL;

	proto = PG_ARGISNULL(GLA_PROTO) ? NULL : PG_GETARG_TEXT_PP(GLA_PROTO);
	have_port = !PG_ARGISNULL(GLA_SERVER_PORT);
	port = have_port ? PG_GETARG_INT32(GLA_SERVER_PORT) : 0;

	/*
	 * Whose capture counts the connection depends on who the ends are, the same
	 * in every row of an address at one time (one owner at any instant); so
	 * does the class (the server's archdomain).
	 */
	s_own = sm[0] != NULL && sm[0]->who >= 0 && sm[0]->who == cap->host_who;
	c_own = cm[0] != NULL && cm[0]->who >= 0 && cm[0]->who == cap->host_who;
	if (!s_own && (map_row_captured(sm[0], cap->run_key) ||
				   (!c_own && map_row_captured(cm[0], cap->run_key))))
		PG_RETURN_POINTER(st);	/* another capture of the run counts it */
	cls = class_rules_match(st->rules, proto ? VARDATA_ANY(proto) : NULL,
							proto ? VARSIZE_ANY_EXHDR(proto) : 0, have_port, port,
							server, sm[0] != NULL ? sm[0]->archdomain : NULL);
	memset(&row, 0, sizeof(row));
	edge_stats_add_args(&row, fcinfo, GLA_COUNTERS);

	for (i = 0; i < nc; i++)
	{
		for (j = 0; j < ns; j++)
		{
			const MapRow *cr = cm[i];
			const MapRow *sr = sm[j];
			StringInfo	k = &st->scratch;
			LinkEntry  *e;

			resetStringInfo(k);
			key_end(k, cr, client);
			key_end(k, sr, server);
			key_rest(k, proto, have_port, port, cls);
			e = graph_links_entry(st, k->data, k->len);
			if (!((cr && cr->omitted) || (sr && sr->omitted)))
				edge_stats_merge(&e->stats->shown, &row);
			if ((!cr || cr->counted) && (!sr || sr->counted))
				edge_stats_merge(&e->stats->counted, &row);
		}
	}
	PG_RETURN_POINTER(st);
}

static void
graph_links_merge(LinkEntry *a, const LinkEntry *b)
{
	edge_stats_merge(&a->stats->shown, &b->stats->shown);
	edge_stats_merge(&a->stats->counted, &b->stats->counted);
}

/*
 * graph_links_combinefn(internal, internal): the links of two partial
 * aggregates.
 */
Datum
graph_links_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = aggregate_context(fcinfo, "graph_links_agg");
	LinksState *a = PG_ARGISNULL(0) ? NULL : (LinksState *) PG_GETARG_POINTER(0);
	LinksState *b = PG_ARGISNULL(1) ? NULL : (LinksState *) PG_GETARG_POINTER(1);
	linktab_iterator it;
	LinkEntry  *e;

	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	if (a == NULL)
		a = graph_links_state_new(aggcxt);
	if (a->collapse_unknown < 0)
		a->collapse_unknown = b->collapse_unknown;
	if (a->nnodes == 0)
	{
		a->node_names = b->node_names;
		a->nnodes = b->nnodes;
	}
	else if (b->nnodes != 0 && b->nnodes != a->nnodes)
		elog(ERROR, "graph_links_agg states with %d and %d nodes", a->nnodes, b->nnodes);
	linktab_start_iterate(b->links, &it);
	while ((e = linktab_iterate(b->links, &it)) != NULL)
		graph_links_merge(graph_links_entry(a, e->key.data, e->key.len), e);
	PG_RETURN_POINTER(a);
}

/*
 * graph_links_serialfn(internal): a version byte, collapse_unknown + 1 as a
 * byte, the node names by number, the number of links, then
 * per link its key's length and bytes and its two statistics. Keys hold
 * integers in host byte order: states only pass between processes of one
 * server.
 */
Datum
graph_links_serialfn(PG_FUNCTION_ARGS)
{
	LinksState *st = (LinksState *) PG_GETARG_POINTER(0);
	StringInfoData buf;
	linktab_iterator it;
	LinkEntry  *e;
	int32		i;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, GRAPH_LINKS_SERIAL_VERSION);
	pq_sendbyte(&buf, (uint8) (st->collapse_unknown + 1));
	pq_sendint32(&buf, st->nnodes);
	for (i = 0; i < st->nnodes; i++)
	{
		pq_sendint32(&buf, VARSIZE_ANY_EXHDR(st->node_names[i]));
		pq_sendbytes(&buf, VARDATA_ANY(st->node_names[i]), VARSIZE_ANY_EXHDR(st->node_names[i]));
	}
	pq_sendint64(&buf, st->links->members);
	linktab_start_iterate(st->links, &it);
	while ((e = linktab_iterate(st->links, &it)) != NULL)
	{
		pq_sendint32(&buf, e->key.len);
		pq_sendbytes(&buf, e->key.data, e->key.len);
		edge_stats_send(&buf, &e->stats->shown);
		edge_stats_send(&buf, &e->stats->counted);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/*
 * graph_links_deserialfn(bytea, internal): the inverse of the above.
 */
Datum
graph_links_deserialfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = aggregate_context(fcinfo, "graph_links_agg");
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	LinksState *st = graph_links_state_new(aggcxt);
	StringInfoData buf;
	int64		n;
	int64		i;
	int			version;

	buf.data = VARDATA_ANY(b);
	buf.len = VARSIZE_ANY_EXHDR(b);
	buf.maxlen = buf.len;
	buf.cursor = 0;
	version = pq_getmsgbyte(&buf);
	if (version != GRAPH_LINKS_SERIAL_VERSION)
		elog(ERROR, "graph_links_agg state of version %d, expected %d", version,
			 GRAPH_LINKS_SERIAL_VERSION);
	st->collapse_unknown = pq_getmsgbyte(&buf) - 1;
	st->nnodes = pq_getmsgint(&buf, 4);
	st->node_names = MemoryContextAlloc(aggcxt, sizeof(text *) * Max(st->nnodes, 1));
	for (i = 0; i < st->nnodes; i++)
	{
		uint32		len = pq_getmsgint(&buf, 4);
		text	   *t = (text *) graph_links_alloc(st, VARHDRSZ + len);

		SET_VARSIZE(t, VARHDRSZ + len);
		memcpy(VARDATA(t), pq_getmsgbytes(&buf, len), len);
		st->node_names[i] = t;
	}
	n = pq_getmsgint64(&buf);
	for (i = 0; i < n; i++)
	{
		uint32		len = pq_getmsgint(&buf, 4);
		const char *data = pq_getmsgbytes(&buf, len);
		LinkEntry  *e = graph_links_entry(st, data, len);

		edge_stats_recv(&buf, &e->stats->shown);
		edge_stats_recv(&buf, &e->stats->counted);
	}
	if (buf.cursor != buf.len)
		elog(ERROR, "graph_links_agg state has %d bytes after its links", buf.len - buf.cursor);
	PG_RETURN_POINTER(st);
}

/* Read a length-prefixed byte string at *p. */
static const char *
key_read_bytes(const char **p, uint32 *len)
{
	const char *data;

	memcpy(len, *p, sizeof(*len));
	*p += sizeof(*len);
	data = *p;
	if (*len != PG_UINT32_MAX)
		*p += *len;
	return data;
}

/* Read an end at *p: its node's name, or NULL and its address in *a. */
static const char *
key_read_end(const LinksState *st, const char **p, uint32 *len, inet **a)
{
	char		kind = *(*p)++;
	inet	   *n;

	if (kind == END_NODE)
		return key_read_bytes(p, len);
	if (kind == END_NODE_ID)
	{
		int32		id;
		const text *t;

		memcpy(&id, *p, sizeof(id));
		*p += sizeof(id);
		if (id < 0 || id >= st->nnodes)
			elog(ERROR, "graph_links_agg key with node %d of %d", id, st->nnodes);
		t = st->node_names[id];
		*len = VARSIZE_ANY_EXHDR(t);
		return VARDATA_ANY(t);
	}
	if (kind != END_ADDRESS)
		elog(ERROR, "graph_links_agg key with an end of kind %d", kind);
	n = palloc0(sizeof(inet));
	ip_family(n) = (unsigned char) (*p)[0];
	ip_bits(n) = (unsigned char) (*p)[1];
	memcpy(ip_addr(n), *p + 2, ip_addrsize(n));
	SET_INET_VARSIZE(n);
	*p += 2 + ip_addrsize(n);
	*a = n;
	*len = 0;
	return NULL;
}

/* The address to name of each end of each link, once per distinct address. */
typedef struct Naming
{
	addrtab_hash *index;		/* address -> first = its number */
	Datum	   *addresses;
	int			n;
	int			max;
	text	  **nodes;			/* the node of each, by graph_address_node() */
} Naming;

static void
naming_add(Naming *nm, inet *a)
{
	Addr		key;
	bool		found;
	AddrEntry  *e;

	addr_from_inet(&key, a);
	e = addrtab_insert(nm->index, key, &found);
	if (found)
		return;
	if (nm->n == nm->max)
	{
		nm->max *= 2;
		nm->addresses = repalloc(nm->addresses, sizeof(Datum) * nm->max);
	}
	e->first = nm->n;
	nm->addresses[nm->n++] = InetPGetDatum(a);
}

static text *
naming_node(Naming *nm, inet *a)
{
	Addr		key;
	AddrEntry  *e;

	addr_from_inet(&key, a);
	e = addrtab_lookup(nm->index, key);
	if (e == NULL)
		elog(ERROR, "graph_links_agg: an address was not named");
	return nm->nodes[e->first];
}

/* Name the addresses with graph_address_node() (one query for all). */
static void
naming_run(Naming *nm, bool collapse)
{
	static const char *const query =
		"SELECT n.node FROM unnest($1) WITH ORDINALITY a(address, i)"
		" CROSS JOIN LATERAL trafficmap.graph_address_node(a.address, $2) n ORDER BY a.i";
	Oid			types[2] = {INETARRAYOID, BOOLOID};
	Datum		values[2];
	MemoryContext outer = CurrentMemoryContext;
	int			ret;
	uint64		i;

	nm->nodes = palloc(sizeof(text *) * Max(nm->n, 1));
	if (nm->n == 0)
		return;
	values[0] = PointerGetDatum(construct_array(nm->addresses, nm->n, INETOID, -1, false, TYPALIGN_INT));
	values[1] = BoolGetDatum(collapse);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "graph_links_agg: SPI_connect failed");
	ret = SPI_execute_with_args(query, 2, types, values, NULL, true, 0);
	if (ret != SPI_OK_SELECT || SPI_processed != (uint64) nm->n)
		elog(ERROR, "graph_links_agg: naming %d addresses failed: %s", nm->n, SPI_result_code_string(ret));
	for (i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull);
		MemoryContext old = MemoryContextSwitchTo(outer);

		nm->nodes[i] = isnull ? cstring_to_text("unknown:") : DatumGetTextPCopy(d);
		MemoryContextSwitchTo(old);
	}
	SPI_finish();
}

static Datum text_or_null(const char *data, uint32 len, bool *isnull);

/* Does a link have an end no instance owned (to be named)? */
static bool
link_has_address(const LinkEntry *e)
{
	const char *p = e->key.data;
	uint32		len;

	if (*p == END_ADDRESS)
		return true;
	if (*p++ == END_NODE_ID)
		p += sizeof(int32);
	else
		key_read_bytes(&p, &len);
	return *p == END_ADDRESS;
}

/*
 * The links with an end no instance owned, with that end named: keys as
 * the others', both ends nodes. Naming can make links equal: they merge.
 */
static LinksState *
graph_links_named(LinksState *st)
{
	LinksState *out = graph_links_state_new(CurrentMemoryContext);
	Naming		nm;
	linktab_iterator it;
	LinkEntry  *e;

	out->node_names = st->node_names;
	out->nnodes = st->nnodes;
	memset(&nm, 0, sizeof(nm));
	nm.index = addrtab_create(CurrentMemoryContext, 256, NULL);
	nm.max = 256;
	nm.addresses = palloc(sizeof(Datum) * nm.max);
	linktab_start_iterate(st->links, &it);
	while ((e = linktab_iterate(st->links, &it)) != NULL)
	{
		const char *p = e->key.data;
		uint32		len;
		inet	   *a = NULL;

		if (key_read_end(st, &p, &len, &a) == NULL)
			naming_add(&nm, a);
		a = NULL;
		if (key_read_end(st, &p, &len, &a) == NULL)
			naming_add(&nm, a);
	}
	naming_run(&nm, st->collapse_unknown > 0);

	linktab_start_iterate(st->links, &it);
	while ((e = linktab_iterate(st->links, &it)) != NULL)
	{
		const char *p = e->key.data;
		StringInfo	k = &out->scratch;
		int			end;

		if (!link_has_address(e))
			continue;
		resetStringInfo(k);
		for (end = 0; end < 2; end++)
		{
			uint32		len;
			inet	   *a = NULL;
			const char *node = key_read_end(st, &p, &len, &a);

			appendStringInfoChar(k, END_NODE);
			if (node == NULL)
			{
				text	   *t = naming_node(&nm, a);

				key_bytes(k, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
			}
			else
				key_bytes(k, node, len);
		}
		appendBinaryStringInfo(k, p, e->key.len - (uint32) (p - e->key.data));
		graph_links_merge(graph_links_entry(out, k->data, k->len), e);
	}
	return out;
}

/* A link (both ends nodes) as a graph_edge row. */
static Datum
graph_links_row(const LinksState *st, const LinkEntry *e, TupleDesc rowdesc, TupleDesc statsdesc)
{
	Datum		values[GE_NATTS];
	bool		nulls[GE_NATTS];
	const char *p = e->key.data;
	const char *data;
	uint32		len;
	inet	   *a = NULL;

	memset(nulls, 0, sizeof(nulls));
	data = key_read_end(st, &p, &len, &a);
	values[GE_SOURCE] = PointerGetDatum(cstring_to_text_with_len(data, len));
	data = key_read_end(st, &p, &len, &a);
	values[GE_TARGET] = PointerGetDatum(cstring_to_text_with_len(data, len));
	data = key_read_bytes(&p, &len);
	values[GE_PROTO] = text_or_null(data, len, &nulls[GE_PROTO]);
	nulls[GE_SERVER_PORT] = *p++ == 0;
	if (!nulls[GE_SERVER_PORT])
	{
		int32		port;

		memcpy(&port, p, sizeof(port));
		p += sizeof(port);
		values[GE_SERVER_PORT] = Int32GetDatum(port);
	}
	data = key_read_bytes(&p, &len);
	values[GE_CLASS] = text_or_null(data, len, &nulls[GE_CLASS]);
	if (p != e->key.data + e->key.len)
		elog(ERROR, "graph_links_agg key of %u bytes decoded as %d", e->key.len,
			 (int) (p - e->key.data));
	nulls[GE_SHOWN] = e->stats->shown.edges == 0;
	if (!nulls[GE_SHOWN])
		values[GE_SHOWN] = edge_stats_form(&e->stats->shown, statsdesc);
	nulls[GE_COUNTED] = e->stats->counted.edges == 0;
	if (!nulls[GE_COUNTED])
		values[GE_COUNTED] = edge_stats_form(&e->stats->counted, statsdesc);
	return HeapTupleGetDatum(heap_form_tuple(rowdesc, values, nulls));
}

/* A text datum of bytes, or NULL. */
static Datum
text_or_null(const char *data, uint32 len, bool *isnull)
{
	*isnull = len == PG_UINT32_MAX;
	return *isnull ? (Datum) 0 : PointerGetDatum(cstring_to_text_with_len(data, len));
}

/*
 * graph_links_finalfn(internal): the links as graph_edge[]; NULL for no
 * rows.
 */
Datum
graph_links_finalfn(PG_FUNCTION_ARGS)
{
	LinksState *st = PG_ARGISNULL(0) ? NULL : (LinksState *) PG_GETARG_POINTER(0);
	LinksState *named;
	Oid			rowtype;
	TupleDesc	rowdesc;
	TupleDesc	statsdesc;
	Datum	   *rows;
	linktab_iterator it;
	LinkEntry  *e;
	int			n = 0;
	int16		typlen;
	bool		typbyval;
	char		typalign;

	if (st == NULL)
		PG_RETURN_NULL();
	rowtype = get_element_type(get_fn_expr_rettype(fcinfo->flinfo));
	if (!OidIsValid(rowtype))
		elog(ERROR, "graph_links_agg called without an array result type");
	rowdesc = BlessTupleDesc(lookup_rowtype_tupdesc_copy(rowtype, -1));
	if (rowdesc->natts != GE_NATTS)
		elog(ERROR, "graph_edge has %d attributes, expected %d", rowdesc->natts, GE_NATTS);
	statsdesc = BlessTupleDesc(lookup_rowtype_tupdesc_copy(TupleDescAttr(rowdesc, GE_SHOWN)->atttypid, -1));

	named = graph_links_named(st);
	rows = palloc(sizeof(Datum) * Max(st->links->members + named->links->members, 1));
	linktab_start_iterate(st->links, &it);
	while ((e = linktab_iterate(st->links, &it)) != NULL)
	{
		if (!link_has_address(e))
			rows[n++] = graph_links_row(st, e, rowdesc, statsdesc);
	}
	linktab_start_iterate(named->links, &it);
	while ((e = linktab_iterate(named->links, &it)) != NULL)
		rows[n++] = graph_links_row(named, e, rowdesc, statsdesc);
	get_typlenbyvalalign(rowtype, &typlen, &typbyval, &typalign);
	PG_RETURN_ARRAYTYPE_P(construct_array(rows, n, rowtype, typlen, typbyval, typalign));
}
