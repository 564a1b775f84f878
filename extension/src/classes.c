/*-------------------------------------------------------------------------
 *
 * classes.c
 *	  traffic_class(proto, server_port, server, server_archdomain): the name
 *	  of the kind of traffic a service edge is (dns, monitoring, ...), by
 *	  the rules of the table trafficmap.traffic_classes.
 *
 * A rule matches when each of its non-NULL columns does: proto equal,
 * server_port in server_ports, the server's address in peer_cidr, the
 * server's archdomain matching the glob peer_archdomain. Of the rules that
 * match, the lowest priority wins (then the name, in byte order); when
 * none does the class is "application".
 *
 * The map classifies every traffic row of a window, so the rules are read
 * once per query and call site (one SPI query, kept in fn_extra) and
 * matched in C; a query sees the rules as they were when it started.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <sys/socket.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/inet.h"
#include "utils/memutils.h"

#include "archdomain.h"
#include "classes.h"

PG_FUNCTION_INFO_V1(traffic_class);

static const char *const rules_query =
	"SELECT name, proto,"
	"       CASE WHEN server_ports IS NOT NULL THEN"
	"         ARRAY(SELECT coalesce(lower(r)::int8, -1) FROM unnest(server_ports) r ORDER BY 1) END,"
	"       CASE WHEN server_ports IS NOT NULL THEN"
	"         ARRAY(SELECT coalesce(upper(r)::int8, 65536) FROM unnest(server_ports) r ORDER BY 1) END,"
	"       peer_cidr, peer_archdomain"
	"  FROM trafficmap.traffic_classes"
	" ORDER BY priority, name COLLATE \"C\"";

/* An int8[] without NULLs as a palloc'd C array in cxt; its length in *n. */
static int64 *
int8_array(Datum d, MemoryContext cxt, int *n)
{
	ArrayType  *a = DatumGetArrayTypeP(d);
	Datum	   *elems;
	bool	   *nulls;
	int64	   *out;
	int			i;

	deconstruct_array(a, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &elems, &nulls, n);
	out = MemoryContextAlloc(cxt, sizeof(int64) * Max(*n, 1));
	for (i = 0; i < *n; i++)
		out[i] = nulls[i] ? 0 : DatumGetInt64(elems[i]);
	return out;
}

/* One SPI row of rules_query into r, allocated in cxt. */
static void
class_rule_load(ClassRule *r, HeapTuple tup, TupleDesc desc, MemoryContext cxt)
{
	bool		isnull;
	Datum		d;
	MemoryContext old;

	memset(r, 0, sizeof(*r));
	d = SPI_getbinval(tup, desc, 1, &isnull);
	old = MemoryContextSwitchTo(cxt);
	r->name = DatumGetTextPCopy(d);
	MemoryContextSwitchTo(old);

	d = SPI_getbinval(tup, desc, 2, &isnull);
	r->proto = isnull ? NULL : MemoryContextStrdup(cxt, TextDatumGetCString(d));

	d = SPI_getbinval(tup, desc, 3, &isnull);
	r->nports = -1;
	if (!isnull)
	{
		int			nhi;

		r->lo = int8_array(d, cxt, &r->nports);
		r->hi = int8_array(SPI_getbinval(tup, desc, 4, &isnull), cxt, &nhi);
		if (nhi != r->nports)
			elog(ERROR, "traffic class bounds differ in number");
	}

	d = SPI_getbinval(tup, desc, 5, &isnull);
	r->any_peer = isnull;
	if (!isnull)
	{
		inet	   *c = DatumGetInetPP(d);

		r->family = ip_family(c);
		r->bits = ip_bits(c);
		memcpy(r->addr, ip_addr(c), ip_addrsize(c));
	}

	d = SPI_getbinval(tup, desc, 6, &isnull);
	if (!isnull)
	{
		text	   *t = DatumGetTextPP(d);
		const char *src = VARDATA_ANY(t);
		size_t		len = VARSIZE_ANY_EXHDR(t);
		char	   *buf = MemoryContextAlloc(cxt, len + 1);
		AdResult	res;

		r->pattern = MemoryContextAlloc(cxt, sizeof(AdPattern));
		if (ad_pattern_parse(src, len, buf, r->pattern, &res) != AD_OK)
			archdomain_syntax_error("archdomain pattern", src, len, &res);
	}
}

ClassRules *
class_rules_load(MemoryContext cxt)
{
	ClassRules *cr = MemoryContextAllocZero(cxt, sizeof(ClassRules));
	MemoryContext old;
	uint64		i;
	int			ret;

	old = MemoryContextSwitchTo(cxt);
	cr->fallback = cstring_to_text(TRAFFIC_CLASS_DEFAULT);
	MemoryContextSwitchTo(old);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "traffic_class: SPI_connect failed");
	ret = SPI_execute(rules_query, true, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "traffic_class: reading traffic_classes failed: %s", SPI_result_code_string(ret));
	cr->nrules = (int) SPI_processed;
	cr->rules = MemoryContextAlloc(cxt, sizeof(ClassRule) * Max(cr->nrules, 1));
	for (i = 0; i < SPI_processed; i++)
		class_rule_load(&cr->rules[i], SPI_tuptable->vals[i], SPI_tuptable->tupdesc, cxt);
	SPI_finish();
	return cr;
}

/* Is port in one of the rule's ranges? */
static bool
class_rule_port(const ClassRule *r, int32 port)
{
	int			i;

	for (i = 0; i < r->nports; i++)
	{
		if (port >= r->lo[i] && port < r->hi[i])
			return true;
	}
	return false;
}

/* Is the address in the rule's network? */
static bool
class_rule_peer(const ClassRule *r, const inet *server)
{
	if (ip_family(server) != r->family)
		return false;
	return bitncmp(ip_addr(server), r->addr, r->bits) == 0;
}

/* Does rule r match the edge? */
static bool
class_rule_matches(const ClassRule *r, const char *proto, size_t protolen, bool have_port,
				   int32 port, const inet *server, const ArchDomain *ad)
{
	if (r->proto != NULL &&
		(proto == NULL || strlen(r->proto) != protolen || memcmp(r->proto, proto, protolen) != 0))
		return false;
	if (r->nports >= 0 && (!have_port || !class_rule_port(r, port)))
		return false;
	if (!r->any_peer && (server == NULL || !class_rule_peer(r, server)))
		return false;
	if (r->pattern != NULL &&
		(ad == NULL || !ad_match(r->pattern, ad_text(ad), ad_len(ad), ad_nlabels(ad))))
		return false;
	return true;
}

const text *
class_rules_match(const ClassRules *cr, const char *proto, size_t protolen, bool have_port,
				  int32 port, const inet *server, const ArchDomain *ad)
{
	int			i;

	for (i = 0; i < cr->nrules; i++)
	{
		if (class_rule_matches(&cr->rules[i], proto, protolen, have_port, port, server, ad))
			return cr->rules[i].name;
	}
	return cr->fallback;
}

/*
 * traffic_class(proto text, server_port int4, server inet,
 *				 server_archdomain archdomain) returns text
 */
Datum
traffic_class(PG_FUNCTION_ARGS)
{
	ClassRules *cr = (ClassRules *) fcinfo->flinfo->fn_extra;
	text	   *proto = PG_ARGISNULL(0) ? NULL : PG_GETARG_TEXT_PP(0);
	inet	   *server = PG_ARGISNULL(2) ? NULL : PG_GETARG_INET_PP(2);
	ArchDomain *ad = PG_ARGISNULL(3) ? NULL : PG_GETARG_ARCHDOMAIN_PP(3);
	const text *found;

	if (cr == NULL)
	{
		cr = class_rules_load(fcinfo->flinfo->fn_mcxt);
		fcinfo->flinfo->fn_extra = cr;
	}
	found = class_rules_match(cr, proto ? VARDATA_ANY(proto) : NULL,
							  proto ? VARSIZE_ANY_EXHDR(proto) : 0,
							  !PG_ARGISNULL(1), PG_ARGISNULL(1) ? 0 : PG_GETARG_INT32(1),
							  server, ad);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(VARDATA_ANY(found), VARSIZE_ANY_EXHDR(found)));
}
