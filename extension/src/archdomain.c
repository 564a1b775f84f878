/*-------------------------------------------------------------------------
 *
 * archdomain.c
 *	  The archdomain type: input and output, casts, sanitizing, ordering,
 *	  hashing, the hierarchy operators and functions, lca and glob matching.
 *
 * The syntax itself (parsing, ordering, matching) is plain C in
 * archdomain_parse.c; this file is the PostgreSQL glue around it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/sortsupport.h"

#include "aggcontext.h"
#include "archdomain.h"

PG_FUNCTION_INFO_V1(archdomain_in);
PG_FUNCTION_INFO_V1(archdomain_out);
PG_FUNCTION_INFO_V1(archdomain_recv);
PG_FUNCTION_INFO_V1(archdomain_send);
PG_FUNCTION_INFO_V1(archdomain_from_text);
PG_FUNCTION_INFO_V1(archdomain_to_text);
PG_FUNCTION_INFO_V1(archdomain_sanitize);
PG_FUNCTION_INFO_V1(archdomain_cmp);
PG_FUNCTION_INFO_V1(archdomain_eq);
PG_FUNCTION_INFO_V1(archdomain_ne);
PG_FUNCTION_INFO_V1(archdomain_lt);
PG_FUNCTION_INFO_V1(archdomain_le);
PG_FUNCTION_INFO_V1(archdomain_gt);
PG_FUNCTION_INFO_V1(archdomain_ge);
PG_FUNCTION_INFO_V1(archdomain_sortsupport);
PG_FUNCTION_INFO_V1(archdomain_hash);
PG_FUNCTION_INFO_V1(archdomain_hash_extended);
PG_FUNCTION_INFO_V1(archdomain_larger);
PG_FUNCTION_INFO_V1(archdomain_smaller);
PG_FUNCTION_INFO_V1(archdomain_isancestor);
PG_FUNCTION_INFO_V1(archdomain_isdescendant);
PG_FUNCTION_INFO_V1(archdomain_depth);
PG_FUNCTION_INFO_V1(archdomain_subpath);
PG_FUNCTION_INFO_V1(archdomain_rollup);
PG_FUNCTION_INFO_V1(archdomain_parent);
PG_FUNCTION_INFO_V1(archdomain_concat);
PG_FUNCTION_INFO_V1(archdomain_lca);
PG_FUNCTION_INFO_V1(archdomain_lca_transfn);
PG_FUNCTION_INFO_V1(archdomain_lca_combinefn);
PG_FUNCTION_INFO_V1(archdomain_lca_serialfn);
PG_FUNCTION_INFO_V1(archdomain_lca_deserialfn);
PG_FUNCTION_INFO_V1(archdomain_lca_finalfn);
PG_FUNCTION_INFO_V1(archdomain_match);

ArchDomain *
archdomain_make(const char *text, size_t len, int nlabels)
{
	ArchDomain *res = palloc(ARCHDOMAIN_HDRSZ + len);

	SET_VARSIZE(res, ARCHDOMAIN_HDRSZ + len);
	res->nlabels = (uint8) nlabels;
	memcpy(res->text, text, len);
	return res;
}

/* The character at byte pos of in, as a string for a message. */
static char *
archdomain_char_at(const char *in, size_t len, size_t pos)
{
	int			n = pg_mblen(in + pos);

	if ((size_t) n > len - pos)
		n = (int) (len - pos);
	return pnstrdup(in + pos, n);
}

void
archdomain_syntax_error(const char *noun, const char *in, size_t len,
						const AdResult *r)
{
	int			at = pg_mbstrlen_with_len(in, (int) r->pos) + 1;
	bool		pattern = strcmp(noun, "archdomain") != 0;
	const char *repair = pattern ? "" :
		", or repair the name with archdomain_sanitize()";

	switch (r->status)
	{
		case AD_EMPTY:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("%s syntax error at character %d", noun, at),
					 errdetail("The %s is empty; it needs at least one label.", noun),
					 errhint("Write labels separated by slashes, as in \"%s\".",
							 pattern ? "online/*/search" : "online/midtier/search")));
			break;
		case AD_LEADING_SLASH:
		case AD_TRAILING_SLASH:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("%s syntax error at character %d", noun, at),
					 r->status == AD_LEADING_SLASH ?
					 errdetail("The %s starts with a slash.", noun) :
					 errdetail("The %s ends with a slash.", noun),
					 errhint("Remove the slash%s.", repair)));
			break;
		case AD_EMPTY_LABEL:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("%s syntax error at character %d", noun, at),
					 errdetail("Label %d of the %s is empty (two slashes in a row).", r->label, noun),
					 errhint("Separate labels with a single slash%s.", repair)));
			break;
		case AD_BAD_CHAR:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("%s syntax error at character %d", noun, at),
					 errdetail("Label %d of the %s contains \"%s\", which is not allowed in a label.",
							   r->label, noun, archdomain_char_at(in, len, r->pos)),
					 pattern ?
					 errhint("A label consists of the letters a to z, digits, \"_\" and \"-\", or is \"*\" or \"**\".") :
					 errhint("A label consists of the letters a to z, digits, \"_\" and \"-\"; archdomain_sanitize() replaces other characters with \"_\".")));
			break;
		case AD_LABEL_TOO_LONG:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("%s label too long at character %d", noun, at),
					 errdetail("Label %d has %zu characters; the maximum is %d.",
							   r->label, r->count, ARCHDOMAIN_MAX_LABEL_LEN),
					 errhint("Shorten the label%s.", pattern ? "" :
							 ", or let archdomain_sanitize() cut it")));
			break;
		case AD_TOO_MANY_LABELS:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("%s has too many labels at character %d", noun, at),
					 errdetail("The %s has %zu labels; the maximum is %d.",
							   noun, r->count, ARCHDOMAIN_MAX_LABELS),
					 errhint("Use fewer labels%s.", pattern ? "" :
							 ", or let archdomain_sanitize() keep the first ones")));
			break;
		case AD_BAD_WILDCARD:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("%s syntax error at character %d", noun, at),
					 errdetail("Label %d of the %s mixes \"*\" with other characters.", r->label, noun),
					 errhint("\"*\" matches exactly one label and \"**\" any number of labels; each stands alone between slashes.")));
			break;
		case AD_OK:
			break;
	}
	elog(ERROR, "unexpected archdomain parse status %d", (int) r->status);
}

ArchDomain *
archdomain_parse_text(const char *in, size_t len)
{
	ArchDomain *res = palloc(ARCHDOMAIN_HDRSZ + len);
	AdResult	r;

	if (ad_parse(in, len, res->text, &r) != AD_OK)
		archdomain_syntax_error("archdomain", in, len, &r);
	SET_VARSIZE(res, ARCHDOMAIN_HDRSZ + len);
	res->nlabels = (uint8) r.nlabels;
	return res;
}

/*
 * archdomain_in(cstring): the strict syntax.
 */
Datum
archdomain_in(PG_FUNCTION_ARGS)
{
	char	   *in = PG_GETARG_CSTRING(0);

	PG_RETURN_ARCHDOMAIN_P(archdomain_parse_text(in, strlen(in)));
}

Datum
archdomain_out(PG_FUNCTION_ARGS)
{
	ArchDomain *a = PG_GETARG_ARCHDOMAIN_PP(0);

	PG_RETURN_CSTRING(pnstrdup(ad_text(a), ad_len(a)));
}

/*
 * archdomain_recv(internal): a version byte, then the text, checked like
 * input text (a client may send anything).
 */
Datum
archdomain_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version;
	int			len;
	const char *in;

	if (buf->cursor >= buf->len)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("archdomain binary value is empty"),
				 errdetail("A binary archdomain starts with a version byte."),
				 errhint("Send archdomain values with archdomain_send(), or in text format.")));
	version = pq_getmsgbyte(buf);
	if (version != ARCHDOMAIN_SEND_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported archdomain binary format version %d", version),
				 errdetail("This server reads version %d.", ARCHDOMAIN_SEND_VERSION),
				 errhint("Transfer the data in text format, or upgrade the trafficmap extension.")));
	len = buf->len - buf->cursor;
	in = pq_getmsgbytes(buf, len);
	PG_RETURN_ARCHDOMAIN_P(archdomain_parse_text(in, len));
}

Datum
archdomain_send(PG_FUNCTION_ARGS)
{
	ArchDomain *a = PG_GETARG_ARCHDOMAIN_PP(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, ARCHDOMAIN_SEND_VERSION);
	pq_sendbytes(&buf, ad_text(a), ad_len(a));
	PG_FREE_IF_COPY(a, 0);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/*
 * archdomain_from_text(text): the explicit cast from text.
 */
Datum
archdomain_from_text(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	ArchDomain *res = archdomain_parse_text(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));

	PG_FREE_IF_COPY(t, 0);
	PG_RETURN_ARCHDOMAIN_P(res);
}

/*
 * archdomain_to_text(archdomain): the explicit cast to text.
 */
Datum
archdomain_to_text(PG_FUNCTION_ARGS)
{
	ArchDomain *a = PG_GETARG_ARCHDOMAIN_PP(0);
	text	   *res = cstring_to_text_with_len(ad_text(a), ad_len(a));

	PG_FREE_IF_COPY(a, 0);
	PG_RETURN_TEXT_P(res);
}

/*
 * archdomain_sanitize(text): a valid name made of anything, or NULL when
 * nothing is left of it.
 */
Datum
archdomain_sanitize(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	size_t		len = VARSIZE_ANY_EXHDR(t);
	char	   *out = palloc(len + 1);
	int			nlabels;
	size_t		outlen;

	outlen = ad_sanitize(VARDATA_ANY(t), len, GetDatabaseEncoding() == PG_UTF8,
						 out, &nlabels);
	PG_FREE_IF_COPY(t, 0);
	if (outlen == 0)
		PG_RETURN_NULL();
	PG_RETURN_ARCHDOMAIN_P(archdomain_make(out, outlen, nlabels));
}

static int
archdomain_compare(const ArchDomain *a, const ArchDomain *b)
{
	return ad_compare(ad_text(a), ad_len(a), ad_text(b), ad_len(b));
}

/* The comparison behind every ordering operator, freeing detoasted copies. */
static int
archdomain_cmp_args(FunctionCallInfo fcinfo)
{
	ArchDomain *a = PG_GETARG_ARCHDOMAIN_PP(0);
	ArchDomain *b = PG_GETARG_ARCHDOMAIN_PP(1);
	int			res = archdomain_compare(a, b);

	PG_FREE_IF_COPY(a, 0);
	PG_FREE_IF_COPY(b, 1);
	return res;
}

Datum
archdomain_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(archdomain_cmp_args(fcinfo));
}

Datum
archdomain_eq(PG_FUNCTION_ARGS)
{
	ArchDomain *a = PG_GETARG_ARCHDOMAIN_PP(0);
	ArchDomain *b = PG_GETARG_ARCHDOMAIN_PP(1);
	bool		res;

	/* Values are canonical: equal names have equal bytes. */
	res = ad_len(a) == ad_len(b) && memcmp(ad_text(a), ad_text(b), ad_len(a)) == 0;
	PG_FREE_IF_COPY(a, 0);
	PG_FREE_IF_COPY(b, 1);
	PG_RETURN_BOOL(res);
}

Datum
archdomain_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(archdomain_cmp_args(fcinfo) != 0);
}

Datum
archdomain_lt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(archdomain_cmp_args(fcinfo) < 0);
}

Datum
archdomain_le(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(archdomain_cmp_args(fcinfo) <= 0);
}

Datum
archdomain_gt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(archdomain_cmp_args(fcinfo) > 0);
}

Datum
archdomain_ge(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(archdomain_cmp_args(fcinfo) >= 0);
}

/* Sorting compares datums directly, without a function call per pair. */
static int
archdomain_fastcmp(Datum x, Datum y, SortSupport ssup)
{
	ArchDomain *a = DatumGetArchDomainPP(x);
	ArchDomain *b = DatumGetArchDomainPP(y);
	int			res = archdomain_compare(a, b);

	if ((Pointer) a != DatumGetPointer(x))
		pfree(a);
	if ((Pointer) b != DatumGetPointer(y))
		pfree(b);
	return res;
}

/*
 * archdomain_sortsupport(internal): for btree sorts and GiST sorted builds.
 */
Datum
archdomain_sortsupport(PG_FUNCTION_ARGS)
{
	SortSupport ssup = (SortSupport) PG_GETARG_POINTER(0);

	ssup->comparator = archdomain_fastcmp;
	PG_RETURN_VOID();
}

Datum
archdomain_hash(PG_FUNCTION_ARGS)
{
	ArchDomain *a = PG_GETARG_ARCHDOMAIN_PP(0);
	Datum		res = hash_any((const unsigned char *) ad_text(a), (int) ad_len(a));

	PG_FREE_IF_COPY(a, 0);
	return res;
}

Datum
archdomain_hash_extended(PG_FUNCTION_ARGS)
{
	ArchDomain *a = PG_GETARG_ARCHDOMAIN_PP(0);
	Datum		res = hash_any_extended((const unsigned char *) ad_text(a),
										(int) ad_len(a), PG_GETARG_INT64(1));

	PG_FREE_IF_COPY(a, 0);
	return res;
}

/*
 * archdomain_larger(archdomain, archdomain), archdomain_smaller(...): the
 * steps of max() and min().
 */
Datum
archdomain_larger(PG_FUNCTION_ARGS)
{
	ArchDomain *a = PG_GETARG_ARCHDOMAIN_PP(0);
	ArchDomain *b = PG_GETARG_ARCHDOMAIN_PP(1);

	PG_RETURN_ARCHDOMAIN_P(archdomain_compare(a, b) >= 0 ? a : b);
}

Datum
archdomain_smaller(PG_FUNCTION_ARGS)
{
	ArchDomain *a = PG_GETARG_ARCHDOMAIN_PP(0);
	ArchDomain *b = PG_GETARG_ARCHDOMAIN_PP(1);

	PG_RETURN_ARCHDOMAIN_P(archdomain_compare(a, b) <= 0 ? a : b);
}

/* The hierarchy operators: @> is "is the same name or an ancestor of". */
Datum
archdomain_isancestor(PG_FUNCTION_ARGS)
{
	ArchDomain *a = PG_GETARG_ARCHDOMAIN_PP(0);
	ArchDomain *b = PG_GETARG_ARCHDOMAIN_PP(1);
	bool		res = ad_is_ancestor(ad_text(a), ad_len(a), ad_text(b), ad_len(b));

	PG_FREE_IF_COPY(a, 0);
	PG_FREE_IF_COPY(b, 1);
	PG_RETURN_BOOL(res);
}

Datum
archdomain_isdescendant(PG_FUNCTION_ARGS)
{
	ArchDomain *a = PG_GETARG_ARCHDOMAIN_PP(0);
	ArchDomain *b = PG_GETARG_ARCHDOMAIN_PP(1);
	bool		res = ad_is_ancestor(ad_text(b), ad_len(b), ad_text(a), ad_len(a));

	PG_FREE_IF_COPY(a, 0);
	PG_FREE_IF_COPY(b, 1);
	PG_RETURN_BOOL(res);
}

/*
 * depth(archdomain): the number of labels.
 */
Datum
archdomain_depth(PG_FUNCTION_ARGS)
{
	ArchDomain *a = PG_GETARG_ARCHDOMAIN_PP(0);
	int			res = ad_nlabels(a);

	PG_FREE_IF_COPY(a, 0);
	PG_RETURN_INT32(res);
}

/* Labels from..to-1 (0-based, to clamped) of a, as a new value. */
static ArchDomain *
archdomain_labels(const ArchDomain *a, int from, int to)
{
	size_t		start;
	size_t		end;
	int			n = ad_nlabels(a);

	if (to > n)
		to = n;
	ad_label_span(ad_text(a), ad_len(a), from, to, &start, &end);
	return archdomain_make(ad_text(a) + start, end - start, to - from);
}

/*
 * subpath(archdomain, offset[, len]): the labels from offset on, len of
 * them (all when omitted). A negative offset counts from the end, a
 * negative len leaves that many off the end, as in ltree. An empty result
 * is an error, since no archdomain is empty.
 */
Datum
archdomain_subpath(PG_FUNCTION_ARGS)
{
	ArchDomain *a = PG_GETARG_ARCHDOMAIN_PP(0);
	int32		offset = PG_GETARG_INT32(1);
	bool		haslen = PG_NARGS() > 2;
	int32		len = haslen ? PG_GETARG_INT32(2) : 0;
	int			n = ad_nlabels(a);
	int64		start = offset < 0 ? (int64) n + offset : offset;
	int64		end;
	ArchDomain *res;

	if (start < 0 || start >= n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("subpath offset %d is out of range", offset),
				 errdetail_plural("The archdomain has %d label, so an offset lies between %d and %d.",
								  "The archdomain has %d labels, so an offset lies between %d and %d.",
								  n, n, -n, n - 1),
				 errhint("A negative offset counts labels from the end.")));
	if (!haslen)
		end = n;
	else if (len < 0)
		end = (int64) n + len;
	else
		end = start + len;
	if (end <= start)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("subpath would be empty"),
				 errdetail_plural("Offset %d and length %d select no label of an archdomain of %d label.",
								  "Offset %d and length %d select no label of an archdomain of %d labels.",
								  n, offset, len, n),
				 errhint("An archdomain has at least one label; a negative length leaves labels off the end.")));
	res = archdomain_labels(a, (int) start, (int) Min(end, n));
	PG_FREE_IF_COPY(a, 0);
	PG_RETURN_ARCHDOMAIN_P(res);
}

/*
 * rollup(archdomain, depth): the first depth labels, or the name itself
 * when it has no more.
 */
Datum
archdomain_rollup(PG_FUNCTION_ARGS)
{
	ArchDomain *a = PG_GETARG_ARCHDOMAIN_PP(0);
	int32		depth = PG_GETARG_INT32(1);

	if (depth < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("rollup depth must be at least 1"),
				 errdetail("The depth given is %d.", depth),
				 errhint("Give the number of leading labels to keep.")));
	if (depth >= ad_nlabels(a))
		PG_RETURN_ARCHDOMAIN_P(a);
	PG_RETURN_ARCHDOMAIN_P(archdomain_labels(a, 0, depth));
}

/*
 * parent(archdomain): the name without its last label; NULL for a name of
 * one label.
 */
Datum
archdomain_parent(PG_FUNCTION_ARGS)
{
	ArchDomain *a = PG_GETARG_ARCHDOMAIN_PP(0);
	int			n = ad_nlabels(a);
	ArchDomain *res;

	if (n == 1)
		PG_RETURN_NULL();
	res = archdomain_labels(a, 0, n - 1);
	PG_FREE_IF_COPY(a, 0);
	PG_RETURN_ARCHDOMAIN_P(res);
}

/*
 * archdomain_concat(archdomain, archdomain): a || b, the labels of b
 * under a.
 */
Datum
archdomain_concat(PG_FUNCTION_ARGS)
{
	ArchDomain *a = PG_GETARG_ARCHDOMAIN_PP(0);
	ArchDomain *b = PG_GETARG_ARCHDOMAIN_PP(1);
	int			n = ad_nlabels(a) + ad_nlabels(b);
	size_t		len = ad_len(a) + 1 + ad_len(b);
	ArchDomain *res;

	if (n > ARCHDOMAIN_MAX_LABELS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("archdomain has too many labels"),
				 errdetail("The result would have %d labels; the maximum is %d.",
						   n, ARCHDOMAIN_MAX_LABELS),
				 errhint("Shorten one of the names first, for example with rollup() or subpath().")));
	res = palloc(ARCHDOMAIN_HDRSZ + len);
	SET_VARSIZE(res, ARCHDOMAIN_HDRSZ + len);
	res->nlabels = (uint8) n;
	memcpy(res->text, ad_text(a), ad_len(a));
	res->text[ad_len(a)] = '/';
	memcpy(res->text + ad_len(a) + 1, ad_text(b), ad_len(b));
	PG_FREE_IF_COPY(a, 0);
	PG_FREE_IF_COPY(b, 1);
	PG_RETURN_ARCHDOMAIN_P(res);
}

/*
 * lca(VARIADIC archdomain[]): the longest common prefix of whole labels,
 * inclusive (lca(a, a) = a); NULL when not even the first label is shared,
 * when the array is empty or holds a NULL.
 */
Datum
archdomain_lca(PG_FUNCTION_ARGS)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	Datum	   *elems;
	bool	   *nulls;
	int			nelems;
	ArchDomain *first;
	size_t		len;
	int			nlabels;
	int16		typlen;
	bool		typbyval;
	char		typalign;

	get_typlenbyvalalign(ARR_ELEMTYPE(arr), &typlen, &typbyval, &typalign);
	deconstruct_array(arr, ARR_ELEMTYPE(arr), typlen, typbyval, typalign,
					  &elems, &nulls, &nelems);
	if (nelems == 0)
		PG_RETURN_NULL();
	for (int i = 0; i < nelems; i++)
	{
		if (nulls[i])
			PG_RETURN_NULL();
	}
	first = DatumGetArchDomainPP(elems[0]);
	len = ad_len(first);
	nlabels = ad_nlabels(first);
	for (int i = 1; i < nelems && len > 0; i++)
	{
		ArchDomain *b = DatumGetArchDomainPP(elems[i]);

		len = ad_common_prefix(ad_text(first), len, ad_text(b), ad_len(b), &nlabels);
	}
	if (len == 0)
		PG_RETURN_NULL();
	PG_RETURN_ARCHDOMAIN_P(archdomain_make(ad_text(first), len, nlabels));
}

/* The state of lca_agg: a copy of the first name, cut to the common prefix. */
typedef struct LcaState
{
	bool		disjoint;		/* two names share no first label */
	int			nlabels;
	size_t		len;
	char		text[FLEXIBLE_ARRAY_MEMBER];
} LcaState;

static LcaState *
lca_state_make(MemoryContext cxt, const char *text, size_t len, int nlabels,
			   bool disjoint)
{
	LcaState   *s = MemoryContextAlloc(cxt, offsetof(LcaState, text) + len);

	s->disjoint = disjoint;
	s->nlabels = nlabels;
	s->len = len;
	memcpy(s->text, text, len);
	return s;
}

/* Cut state s to what it shares with text; the state never grows. */
static void
lca_state_narrow(LcaState *s, const char *text, size_t len)
{
	if (s->disjoint)
		return;
	s->len = ad_common_prefix(s->text, s->len, text, len, &s->nlabels);
	if (s->len == 0)
		s->disjoint = true;
}

/*
 * archdomain_lca_transfn(internal, archdomain): NULL names are skipped.
 */
Datum
archdomain_lca_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = aggregate_context(fcinfo, "lca_agg");
	LcaState   *s = PG_ARGISNULL(0) ? NULL : (LcaState *) PG_GETARG_POINTER(0);
	ArchDomain *a;

	if (PG_ARGISNULL(1))
	{
		if (s == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s);
	}
	a = PG_GETARG_ARCHDOMAIN_PP(1);
	if (s == NULL)
		s = lca_state_make(aggcxt, ad_text(a), ad_len(a), ad_nlabels(a), false);
	else
		lca_state_narrow(s, ad_text(a), ad_len(a));
	PG_FREE_IF_COPY(a, 1);
	PG_RETURN_POINTER(s);
}

/*
 * archdomain_lca_combinefn(internal, internal): for parallel aggregation.
 */
Datum
archdomain_lca_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = aggregate_context(fcinfo, "lca_agg");
	LcaState   *s1 = PG_ARGISNULL(0) ? NULL : (LcaState *) PG_GETARG_POINTER(0);
	LcaState   *s2 = PG_ARGISNULL(1) ? NULL : (LcaState *) PG_GETARG_POINTER(1);

	if (s2 == NULL)
	{
		if (s1 == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s1);
	}
	if (s1 == NULL)
		PG_RETURN_POINTER(lca_state_make(aggcxt, s2->text, s2->len, s2->nlabels,
										 s2->disjoint));
	if (s2->disjoint)
		s1->disjoint = true;
	else
		lca_state_narrow(s1, s2->text, s2->len);
	PG_RETURN_POINTER(s1);
}

/*
 * archdomain_lca_serialfn(internal): the state as bytea, to pass between
 * parallel workers: a disjoint byte, a label count byte, the text.
 */
Datum
archdomain_lca_serialfn(PG_FUNCTION_ARGS)
{
	LcaState   *s = (LcaState *) PG_GETARG_POINTER(0);
	bytea	   *res = palloc(VARHDRSZ + 2 + s->len);

	SET_VARSIZE(res, VARHDRSZ + 2 + s->len);
	VARDATA(res)[0] = s->disjoint ? 1 : 0;
	VARDATA(res)[1] = (char) (uint8) s->nlabels;
	memcpy(VARDATA(res) + 2, s->text, s->len);
	PG_RETURN_BYTEA_P(res);
}

/*
 * archdomain_lca_deserialfn(bytea, internal): the inverse of the above.
 */
Datum
archdomain_lca_deserialfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = aggregate_context(fcinfo, "lca_agg");
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	const char *p = VARDATA_ANY(b);
	size_t		len = VARSIZE_ANY_EXHDR(b);

	if (len < 2)
		elog(ERROR, "lca_agg state of %zu bytes is too short", len);
	PG_RETURN_POINTER(lca_state_make(aggcxt, p + 2, len - 2, (uint8) p[1], p[0] != 0));
}

/*
 * archdomain_lca_finalfn(internal): the common prefix, or NULL.
 */
Datum
archdomain_lca_finalfn(PG_FUNCTION_ARGS)
{
	LcaState   *s = PG_ARGISNULL(0) ? NULL : (LcaState *) PG_GETARG_POINTER(0);

	if (s == NULL || s->disjoint)
		PG_RETURN_NULL();
	PG_RETURN_ARCHDOMAIN_P(archdomain_make(s->text, s->len, s->nlabels));
}

/* A parsed pattern kept across calls with the same pattern text. */
typedef struct PatternCache
{
	size_t		len;
	char	   *src;			/* the pattern text as given */
	AdPattern	pattern;
	char		buf[FLEXIBLE_ARRAY_MEMBER]; /* its lower-cased copy, then src */
} PatternCache;

const AdPattern *
archdomain_pattern(FmgrInfo *flinfo, const text *t)
{
	const char *src = VARDATA_ANY(t);
	size_t		len = VARSIZE_ANY_EXHDR(t);
	PatternCache *c = flinfo != NULL ? (PatternCache *) flinfo->fn_extra : NULL;
	MemoryContext cxt = flinfo != NULL ? flinfo->fn_mcxt : CurrentMemoryContext;
	AdResult	r;

	if (c != NULL && c->len == len && memcmp(c->src, src, len) == 0)
		return &c->pattern;
	if (c != NULL)
	{
		flinfo->fn_extra = NULL;
		pfree(c);
	}
	c = MemoryContextAlloc(cxt, offsetof(PatternCache, buf) + 2 * len);
	c->len = len;
	c->src = c->buf + len;
	memcpy(c->src, src, len);
	if (ad_pattern_parse(src, len, c->buf, &c->pattern, &r) != AD_OK)
		archdomain_syntax_error("archdomain pattern", src, len, &r);
	if (flinfo != NULL)
		flinfo->fn_extra = c;
	return &c->pattern;
}

/*
 * archdomain_match(archdomain, text): the ~ operator, a glob over labels:
 * "*" matches exactly one label, "**" zero or more.
 */
Datum
archdomain_match(PG_FUNCTION_ARGS)
{
	ArchDomain *a = PG_GETARG_ARCHDOMAIN_PP(0);
	text	   *t = PG_GETARG_TEXT_PP(1);
	const AdPattern *p = archdomain_pattern(fcinfo->flinfo, t);
	bool		res = ad_match(p, ad_text(a), ad_len(a), ad_nlabels(a));

	PG_FREE_IF_COPY(a, 0);
	PG_FREE_IF_COPY(t, 1);
	PG_RETURN_BOOL(res);
}
