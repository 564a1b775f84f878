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
#include "utils/builtins.h"
#include "utils/sortsupport.h"

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

	switch (r->status)
	{
		case AD_EMPTY:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("%s syntax error at character %d", noun, at),
					 errdetail("The %s is empty; it needs at least one label.", noun),
					 errhint("Write labels separated by slashes, as in \"online/midtier/search\".")));
			break;
		case AD_LEADING_SLASH:
		case AD_TRAILING_SLASH:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("%s syntax error at character %d", noun, at),
					 r->status == AD_LEADING_SLASH ?
					 errdetail("The %s starts with a slash.", noun) :
					 errdetail("The %s ends with a slash.", noun),
					 errhint("Remove the slash, or repair the name with archdomain_sanitize().")));
			break;
		case AD_EMPTY_LABEL:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("%s syntax error at character %d", noun, at),
					 errdetail("Label %d of the %s is empty (two slashes in a row).", r->label, noun),
					 errhint("Separate labels with a single slash, or repair the name with archdomain_sanitize().")));
			break;
		case AD_BAD_CHAR:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("%s syntax error at character %d", noun, at),
					 errdetail("Label %d of the %s contains \"%s\", which is not allowed in a label.",
							   r->label, noun, archdomain_char_at(in, len, r->pos)),
					 errhint("A label consists of the letters a to z, digits, \"_\" and \"-\"; archdomain_sanitize() replaces other characters with \"_\".")));
			break;
		case AD_LABEL_TOO_LONG:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("%s label too long at character %d", noun, at),
					 errdetail("Label %d has %zu characters; the maximum is %d.",
							   r->label, r->count, ARCHDOMAIN_MAX_LABEL_LEN),
					 errhint("Shorten the label, or let archdomain_sanitize() cut it.")));
			break;
		case AD_TOO_MANY_LABELS:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("%s has too many labels at character %d", noun, at),
					 errdetail("The %s has %zu labels; the maximum is %d.",
							   noun, r->count, ARCHDOMAIN_MAX_LABELS),
					 errhint("Use fewer labels, or let archdomain_sanitize() keep the first %d.",
							 ARCHDOMAIN_MAX_LABELS)));
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
