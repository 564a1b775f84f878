/*-------------------------------------------------------------------------
 *
 * archdomain_gist.c
 *	  The default GiST operator class of archdomain: ranges in label order.
 *
 * A name's descendants sort directly after it, so every question the
 * operators ask is about ranges in that order: "descendants of q" is one
 * range, "ancestors of q" a few points, and a glob pattern's literal labels
 * narrow the range its matches can lie in. So a leaf key is the name itself
 * (no compress function: index-only scans return it as is) and an inner key
 * is the range [lo, hi] of the names below it, with a signature of their
 * labels. A range key is an ArchDomain with a label count of 0, then lo's
 * length in two bytes, lo's text, hi's text and the signature; when lo
 * equals hi it is kept as a plain name.
 *
 * Ranges answer @>, <@ and patterns with leading literal labels; the
 * signature answers patterns whose literal labels can be anywhere (after a
 * leading "**"): a page whose names lack one of them is skipped.
 *
 * The sort support function lets CREATE INDEX sort the names and pack the
 * leaf pages in order (GiST's sorted build), which gives tight,
 * non-overlapping ranges; penalty and picksplit keep later inserts close to
 * that.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <float.h>

#include "access/gist.h"
#include "access/stratnum.h"
#include "utils/builtins.h"

#include "archdomain.h"

/* Strategy numbers, as in ltree's GiST operator class. */
#define ARCHDOMAIN_LT_STRATEGY			BTLessStrategyNumber
#define ARCHDOMAIN_LE_STRATEGY			BTLessEqualStrategyNumber
#define ARCHDOMAIN_EQ_STRATEGY			BTEqualStrategyNumber
#define ARCHDOMAIN_GE_STRATEGY			BTGreaterEqualStrategyNumber
#define ARCHDOMAIN_GT_STRATEGY			BTGreaterStrategyNumber
#define ARCHDOMAIN_ANCESTOR_STRATEGY	10	/* @> */
#define ARCHDOMAIN_DESCENDANT_STRATEGY	11	/* <@ */
#define ARCHDOMAIN_MATCH_STRATEGY		12	/* ~ */

/* Bytes before lo's text in a range key: the 0 label count and lo's length. */
#define RANGE_HDR 3

/*
 * Longest bound kept in a range key: a longer lo is cut (a prefix sorts
 * before), a longer hi is cut and ends in 0xFF (after every name with that
 * prefix), so inner keys stay small however long the names are.
 */
#define BOUND_MAX 256

PG_FUNCTION_INFO_V1(archdomain_gist_consistent);
PG_FUNCTION_INFO_V1(archdomain_gist_union);
PG_FUNCTION_INFO_V1(archdomain_gist_penalty);
PG_FUNCTION_INFO_V1(archdomain_gist_picksplit);
PG_FUNCTION_INFO_V1(archdomain_gist_same);

/* The range a key stands for (a name stands for [name, name]). */
typedef struct Bounds
{
	const char *lo;
	size_t		lolen;
	const char *hi;
	size_t		hilen;
	const uint8 *sig;			/* NULL for a name: its own labels */
} Bounds;

static void
key_bounds(const ArchDomain *k, Bounds *b)
{
	const char *d = VARDATA_ANY(k);
	size_t		len = VARSIZE_ANY_EXHDR(k);

	if (d[0] != 0)
	{
		b->lo = b->hi = d + 1;
		b->lolen = b->hilen = len - 1;
		b->sig = NULL;
		return;
	}
	b->lolen = ((size_t) (uint8) d[1] << 8) | (uint8) d[2];
	b->lo = d + RANGE_HDR;
	b->hi = b->lo + b->lolen;
	b->hilen = len - RANGE_HDR - b->lolen - ARCHDOMAIN_SIG_BYTES;
	b->sig = (const uint8 *) d + len - ARCHDOMAIN_SIG_BYTES;
}

/* Add the labels of the names below key b to sig. */
static void
sig_add(uint8 *sig, const Bounds *b)
{
	if (b->sig == NULL)
	{
		ad_sig_add(sig, b->lo, b->lolen);
		return;
	}
	for (int i = 0; i < ARCHDOMAIN_SIG_BYTES; i++)
		sig[i] |= b->sig[i];
}

/* A key for [lo, hi] with signature sig: a plain name when they are equal and short. */
static ArchDomain *
key_make(const Bounds *b, const uint8 *sig)
{
	ArchDomain *k;
	size_t		lolen = Min(b->lolen, BOUND_MAX);
	size_t		hilen = Min(b->hilen, BOUND_MAX);
	size_t		size;
	int			nlabels;

	if (b->lolen == b->hilen && b->lolen <= BOUND_MAX &&
		memcmp(b->lo, b->hi, b->lolen) == 0)
	{
		/* Only the label count's being non-zero matters in a key. */
		ad_common_prefix(b->lo, b->lolen, b->lo, b->lolen, &nlabels);
		return archdomain_make(b->lo, b->lolen, nlabels);
	}
	size = ARCHDOMAIN_HDRSZ + RANGE_HDR - 1 + lolen + hilen + ARCHDOMAIN_SIG_BYTES;
	k = palloc(size);
	SET_VARSIZE(k, size);
	k->nlabels = 0;
	k->text[0] = (char) (lolen >> 8);
	k->text[1] = (char) (lolen & 0xFF);
	memcpy(k->text + 2, b->lo, lolen);
	memcpy(k->text + 2 + lolen, b->hi, hilen);
	if (hilen < b->hilen)
		k->text[2 + lolen + hilen - 1] = (char) 0xFF;
	memcpy(k->text + 2 + lolen + hilen, sig, ARCHDOMAIN_SIG_BYTES);
	return k;
}

/* Widen b to take in c. */
static void
bounds_add(Bounds *b, const Bounds *c)
{
	if (ad_compare(c->lo, c->lolen, b->lo, b->lolen) < 0)
	{
		b->lo = c->lo;
		b->lolen = c->lolen;
	}
	if (ad_compare(c->hi, c->hilen, b->hi, b->hilen) > 0)
	{
		b->hi = c->hi;
		b->hilen = c->hilen;
	}
}

/* Is some ancestor of q (or q) in [lo, hi]? Its prefixes ascend in order. */
static bool
range_has_ancestor(const Bounds *b, const char *q, size_t qlen)
{
	for (size_t end = 0; end <= qlen; end++)
	{
		if (end < qlen && q[end] != '/')
			continue;
		if (ad_compare(q, end, b->hi, b->hilen) > 0)
			return false;
		if (ad_compare(q, end, b->lo, b->lolen) >= 0)
			return true;
	}
	return false;
}

/* Do [lo, hi] and the descendants of q (with q) overlap? */
static bool
range_has_descendant(const Bounds *b, const char *q, size_t qlen)
{
	if (ad_compare(b->hi, b->hilen, q, qlen) < 0)
		return false;
	return ad_compare(b->lo, b->lolen, q, qlen) <= 0 ||
		ad_is_ancestor(q, qlen, b->lo, b->lolen);
}

/* The answer for a name on a leaf page: exact. */
static bool
leaf_consistent(FunctionCallInfo fcinfo, const ArchDomain *key, Datum query,
				StrategyNumber strategy)
{
	const char *k = ad_text(key);
	size_t		klen = ad_len(key);
	ArchDomain *q;

	if (strategy == ARCHDOMAIN_MATCH_STRATEGY)
		return ad_match(archdomain_pattern(fcinfo->flinfo, DatumGetTextPP(query)),
						k, klen, ad_nlabels(key));
	q = DatumGetArchDomainPP(query);
	switch (strategy)
	{
		case ARCHDOMAIN_LT_STRATEGY:
			return ad_compare(k, klen, ad_text(q), ad_len(q)) < 0;
		case ARCHDOMAIN_LE_STRATEGY:
			return ad_compare(k, klen, ad_text(q), ad_len(q)) <= 0;
		case ARCHDOMAIN_EQ_STRATEGY:
			return klen == ad_len(q) && memcmp(k, ad_text(q), klen) == 0;
		case ARCHDOMAIN_GE_STRATEGY:
			return ad_compare(k, klen, ad_text(q), ad_len(q)) >= 0;
		case ARCHDOMAIN_GT_STRATEGY:
			return ad_compare(k, klen, ad_text(q), ad_len(q)) > 0;
		case ARCHDOMAIN_ANCESTOR_STRATEGY:
			return ad_is_ancestor(k, klen, ad_text(q), ad_len(q));
		case ARCHDOMAIN_DESCENDANT_STRATEGY:
			return ad_is_ancestor(ad_text(q), ad_len(q), k, klen);
	}
	elog(ERROR, "unrecognized archdomain GiST strategy number %d", strategy);
	return false;
}

/* The answer for a range on an inner page: could a name below qualify? */
static bool
inner_consistent(FunctionCallInfo fcinfo, const Bounds *b, Datum query,
				 StrategyNumber strategy)
{
	ArchDomain *q;
	const char *qt;
	size_t		qlen;

	if (strategy == ARCHDOMAIN_MATCH_STRATEGY)
	{
		const AdPattern *p = archdomain_pattern(fcinfo->flinfo, DatumGetTextPP(query));

		return (b->sig == NULL || ad_sig_may_match(p, b->sig)) &&
			ad_match_range(p, b->lo, b->lolen, b->hi, b->hilen);
	}
	q = DatumGetArchDomainPP(query);
	qt = ad_text(q);
	qlen = ad_len(q);
	switch (strategy)
	{
		case ARCHDOMAIN_LT_STRATEGY:
			return ad_compare(b->lo, b->lolen, qt, qlen) < 0;
		case ARCHDOMAIN_LE_STRATEGY:
			return ad_compare(b->lo, b->lolen, qt, qlen) <= 0;
		case ARCHDOMAIN_EQ_STRATEGY:
			return ad_compare(b->lo, b->lolen, qt, qlen) <= 0 &&
				ad_compare(qt, qlen, b->hi, b->hilen) <= 0;
		case ARCHDOMAIN_GE_STRATEGY:
			return ad_compare(b->hi, b->hilen, qt, qlen) >= 0;
		case ARCHDOMAIN_GT_STRATEGY:
			return ad_compare(b->hi, b->hilen, qt, qlen) > 0;
		case ARCHDOMAIN_ANCESTOR_STRATEGY:
			return range_has_ancestor(b, qt, qlen);
		case ARCHDOMAIN_DESCENDANT_STRATEGY:
			return range_has_descendant(b, qt, qlen);
	}
	elog(ERROR, "unrecognized archdomain GiST strategy number %d", strategy);
	return false;
}

/*
 * archdomain_gist_consistent(internal, archdomain, int2, oid, internal):
 * leaf answers are exact, so nothing needs a recheck.
 */
Datum
archdomain_gist_consistent(PG_FUNCTION_ARGS)
{
	GISTENTRY  *entry = (GISTENTRY *) PG_GETARG_POINTER(0);
	Datum		query = PG_GETARG_DATUM(1);
	StrategyNumber strategy = (StrategyNumber) PG_GETARG_UINT16(2);
	bool	   *recheck = (bool *) PG_GETARG_POINTER(4);
	ArchDomain *key = DatumGetArchDomainPP(entry->key);
	bool		res;

	*recheck = false;
	if (GIST_LEAF(entry))
		res = leaf_consistent(fcinfo, key, query, strategy);
	else
	{
		Bounds		b;

		key_bounds(key, &b);
		res = inner_consistent(fcinfo, &b, query, strategy);
	}
	if ((Pointer) key != DatumGetPointer(entry->key))
		pfree(key);
	PG_RETURN_BOOL(res);
}

/*
 * archdomain_gist_union(internal, internal): the range of all the keys.
 */
Datum
archdomain_gist_union(PG_FUNCTION_ARGS)
{
	GistEntryVector *entryvec = (GistEntryVector *) PG_GETARG_POINTER(0);
	int		   *size = (int *) PG_GETARG_POINTER(1);
	Bounds		b;
	uint8		sig[ARCHDOMAIN_SIG_BYTES] = {0};
	ArchDomain *res;

	key_bounds(DatumGetArchDomainPP(entryvec->vector[0].key), &b);
	sig_add(sig, &b);
	for (int i = 1; i < entryvec->n; i++)
	{
		Bounds		c;

		key_bounds(DatumGetArchDomainPP(entryvec->vector[i].key), &c);
		bounds_add(&b, &c);
		sig_add(sig, &c);
	}
	res = key_make(&b, sig);
	*size = VARSIZE(res);
	PG_RETURN_POINTER(res);
}

/* The first byte where a and b differ (their common byte prefix). */
static size_t
common_bytes(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t		n = Min(alen, blen);
	size_t		i = 0;

	while (i < n && a[i] == b[i])
		i++;
	return i;
}

/* Where s lies in [0, 1) by its bytes from 'from' on, in label order. */
static double
position_after(const char *s, size_t len, size_t from)
{
	double		pos = 0.0;
	double		scale = 1.0;

	for (size_t i = from; i < len && i < from + 4; i++)
	{
		unsigned char c = (unsigned char) s[i];

		scale /= 257.0;
		pos += scale * (c == '/' ? 1 : c + 1);
	}
	return pos;
}

/*
 * archdomain_gist_penalty(internal, internal, internal): 0 inside the
 * range; else how many common leading bytes the range would lose, plus how
 * much wider it would get just after them.
 */
Datum
archdomain_gist_penalty(PG_FUNCTION_ARGS)
{
	GISTENTRY  *origentry = (GISTENTRY *) PG_GETARG_POINTER(0);
	GISTENTRY  *newentry = (GISTENTRY *) PG_GETARG_POINTER(1);
	float	   *penalty = (float *) PG_GETARG_POINTER(2);
	Bounds		o;
	Bounds		u;
	Bounds		n;
	size_t		ocommon;
	size_t		ucommon;
	double		widen;

	key_bounds(DatumGetArchDomainPP(origentry->key), &o);
	key_bounds(DatumGetArchDomainPP(newentry->key), &n);
	u = o;
	bounds_add(&u, &n);
	if (u.lo == o.lo && u.hi == o.hi)
	{
		*penalty = 0.0f;
		PG_RETURN_POINTER(penalty);
	}
	ocommon = common_bytes(o.lo, o.lolen, o.hi, o.hilen);
	ucommon = common_bytes(u.lo, u.lolen, u.hi, u.hilen);
	widen = (position_after(u.hi, u.hilen, ucommon) - position_after(u.lo, u.lolen, ucommon)) -
		(position_after(o.hi, o.hilen, ucommon) - position_after(o.lo, o.lolen, ucommon));
	*penalty = (float) ((double) (ocommon - ucommon) + Max(widen, 0.0) + FLT_EPSILON);
	PG_RETURN_POINTER(penalty);
}

/* An entry of a page being split, with its range. */
typedef struct SplitItem
{
	OffsetNumber off;
	Bounds		b;
} SplitItem;

static int
split_item_cmp(const void *a, const void *b)
{
	const SplitItem *x = a;
	const SplitItem *y = b;
	int			c = ad_compare(x->b.lo, x->b.lolen, y->b.lo, y->b.lolen);

	if (c != 0)
		return c;
	return ad_compare(x->b.hi, x->b.hilen, y->b.hi, y->b.hilen);
}

/*
 * archdomain_gist_picksplit(internal, internal): sort the entries by range
 * and cut the run in the middle, as a B-tree would.
 */
Datum
archdomain_gist_picksplit(PG_FUNCTION_ARGS)
{
	GistEntryVector *entryvec = (GistEntryVector *) PG_GETARG_POINTER(0);
	GIST_SPLITVEC *v = (GIST_SPLITVEC *) PG_GETARG_POINTER(1);
	int			n = entryvec->n - FirstOffsetNumber;
	SplitItem  *items = palloc(sizeof(SplitItem) * n);
	Bounds		left;
	Bounds		right;
	uint8		lsig[ARCHDOMAIN_SIG_BYTES] = {0};
	uint8		rsig[ARCHDOMAIN_SIG_BYTES] = {0};

	for (int i = 0; i < n; i++)
	{
		items[i].off = (OffsetNumber) (i + FirstOffsetNumber);
		key_bounds(DatumGetArchDomainPP(entryvec->vector[i + FirstOffsetNumber].key),
				   &items[i].b);
	}
	qsort(items, n, sizeof(SplitItem), split_item_cmp);

	v->spl_left = palloc(sizeof(OffsetNumber) * n);
	v->spl_right = palloc(sizeof(OffsetNumber) * n);
	v->spl_nleft = 0;
	v->spl_nright = 0;
	left = items[0].b;
	right = items[n / 2].b;
	for (int i = 0; i < n; i++)
	{
		if (i < n / 2)
		{
			v->spl_left[v->spl_nleft++] = items[i].off;
			bounds_add(&left, &items[i].b);
			sig_add(lsig, &items[i].b);
		}
		else
		{
			v->spl_right[v->spl_nright++] = items[i].off;
			bounds_add(&right, &items[i].b);
			sig_add(rsig, &items[i].b);
		}
	}
	v->spl_ldatum = PointerGetDatum(key_make(&left, lsig));
	v->spl_rdatum = PointerGetDatum(key_make(&right, rsig));
	PG_RETURN_POINTER(v);
}

/*
 * archdomain_gist_same(archdomain, archdomain, internal): the same range?
 */
Datum
archdomain_gist_same(PG_FUNCTION_ARGS)
{
	ArchDomain *a = PG_GETARG_ARCHDOMAIN_PP(0);
	ArchDomain *b = PG_GETARG_ARCHDOMAIN_PP(1);
	bool	   *result = (bool *) PG_GETARG_POINTER(2);
	Bounds		x;
	Bounds		y;

	key_bounds(a, &x);
	key_bounds(b, &y);
	*result = x.lolen == y.lolen && x.hilen == y.hilen &&
		memcmp(x.lo, y.lo, x.lolen) == 0 && memcmp(x.hi, y.hi, x.hilen) == 0 &&
		(x.sig == NULL) == (y.sig == NULL) &&
		(x.sig == NULL || memcmp(x.sig, y.sig, ARCHDOMAIN_SIG_BYTES) == 0);
	PG_RETURN_POINTER(result);
}
