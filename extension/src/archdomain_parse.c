/*-------------------------------------------------------------------------
 *
 * archdomain_parse.c
 *	  Parsing, sanitizing, ordering and glob matching of archdomain names,
 *	  in plain C (see archdomain_parse.h).
 *
 * A name is kept as its text: labels joined by '/'. Comparing that text
 * byte by byte, with '/' taken as lower than every label character, orders
 * names label by label, so a name's descendants follow it directly.
 *
 *-------------------------------------------------------------------------
 */
#include "archdomain_parse.h"

#include <string.h>

#define AD_SLASH '/'

/* Characters of a label, after folding to lower case. */
bool
ad_label_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static unsigned char
ad_fold(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return (unsigned char) (c - 'A' + 'a');
	return c;
}

static bool
ad_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Fill in an error result; returns its status so callers can return it. */
static AdStatus
ad_fail(AdResult *r, AdStatus status, size_t pos, int label, size_t count)
{
	r->status = status;
	r->pos = pos;
	r->label = label;
	r->count = count;
	r->nlabels = 0;
	return status;
}

/* Labels of in[from..len) when it is split at every slash. */
static size_t
ad_count_labels(const char *in, size_t from, size_t len)
{
	size_t		n = 1;

	for (size_t i = from; i < len; i++)
	{
		if (in[i] == AD_SLASH)
			n++;
	}
	return n;
}

/*
 * Check the label that ends at in[end] (a slash or the end) and starts at
 * start: empty labels and overlong ones are errors.
 */
static AdStatus
ad_check_label(size_t len, size_t start, size_t end, int label, AdResult *r)
{
	size_t		llen = end - start;

	if (llen == 0)
	{
		if (end == 0)
			return ad_fail(r, AD_LEADING_SLASH, 0, label, 0);
		if (end == len)
			return ad_fail(r, AD_TRAILING_SLASH, len - 1, label, 0);
		return ad_fail(r, AD_EMPTY_LABEL, end, label, 0);
	}
	if (llen > ARCHDOMAIN_MAX_LABEL_LEN)
		return ad_fail(r, AD_LABEL_TOO_LONG, start + ARCHDOMAIN_MAX_LABEL_LEN,
					   label, llen);
	return AD_OK;
}

AdStatus
ad_parse(const char *in, size_t len, char *out, AdResult *r)
{
	size_t		start = 0;
	int			label = 1;

	memset(r, 0, sizeof(*r));
	if (len == 0)
		return ad_fail(r, AD_EMPTY, 0, 1, 0);
	for (size_t i = 0; i <= len; i++)
	{
		unsigned char c;

		if (i == len || in[i] == AD_SLASH)
		{
			if (ad_check_label(len, start, i, label, r) != AD_OK)
				return r->status;
			if (i == len)
				break;
			if (label == ARCHDOMAIN_MAX_LABELS && i + 1 < len)
				return ad_fail(r, AD_TOO_MANY_LABELS, i + 1, label + 1,
							   label + ad_count_labels(in, i + 1, len));
			out[i] = AD_SLASH;
			label++;
			start = i + 1;
			continue;
		}
		c = ad_fold((unsigned char) in[i]);
		if (!ad_label_char(c))
			return ad_fail(r, AD_BAD_CHAR, i, label, 0);
		out[i] = (char) c;
	}
	r->nlabels = label;
	return AD_OK;
}

/*
 * Sanitize one label in[from..to) onto out at *o (after a slash unless it is
 * the first); returns whether anything was written.
 */
static bool
ad_sanitize_label(const char *in, size_t from, size_t to, bool utf8, char *out,
				  size_t *o, bool first)
{
	size_t		n = 0;
	size_t		o0 = *o;

	while (from < to && ad_space((unsigned char) in[from]))
		from++;
	while (to > from && ad_space((unsigned char) in[to - 1]))
		to--;
	if (from == to)
		return false;
	if (!first)
		out[(*o)++] = AD_SLASH;
	for (size_t i = from; i < to && n < ARCHDOMAIN_MAX_LABEL_LEN; i++)
	{
		unsigned char c = ad_fold((unsigned char) in[i]);

		/* A UTF-8 continuation byte belongs to the character already replaced. */
		if (utf8 && c >= 0x80 && c < 0xC0)
			continue;
		out[(*o)++] = ad_label_char(c) ? (char) c : '_';
		n++;
	}
	if (n == 0)
	{
		*o = o0;
		return false;
	}
	return true;
}

size_t
ad_sanitize(const char *in, size_t len, bool utf8, char *out, int *nlabels)
{
	size_t		o = 0;
	size_t		start = 0;
	int			n = 0;

	for (size_t i = 0; i <= len && n < ARCHDOMAIN_MAX_LABELS; i++)
	{
		if (i < len && in[i] != AD_SLASH)
			continue;
		if (ad_sanitize_label(in, start, i, utf8, out, &o, n == 0))
			n++;
		start = i + 1;
	}
	*nlabels = n;
	return o;
}

int
ad_compare(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t		n = alen < blen ? alen : blen;

	for (size_t i = 0; i < n; i++)
	{
		unsigned char ca = (unsigned char) a[i];
		unsigned char cb = (unsigned char) b[i];

		if (ca == cb)
			continue;
		/* The end of a label sorts before any character of a longer one. */
		if (ca == AD_SLASH)
			return -1;
		if (cb == AD_SLASH)
			return 1;
		return ca < cb ? -1 : 1;
	}
	if (alen == blen)
		return 0;
	return alen < blen ? -1 : 1;
}

bool
ad_is_ancestor(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen > blen || memcmp(a, b, alen) != 0)
		return false;
	return alen == blen || b[alen] == AD_SLASH;
}

size_t
ad_common_prefix(const char *a, size_t alen, const char *b, size_t blen,
				 int *nlabels)
{
	size_t		n = alen < blen ? alen : blen;
	size_t		i;
	size_t		last = 0;
	int			labels = 0;

	for (i = 0; i < n && a[i] == b[i]; i++)
	{
		if (a[i] == AD_SLASH)
		{
			last = i;
			labels++;
		}
	}
	if (i == n)
	{
		/* One is a byte prefix of the other: a whole label when it ends there. */
		if ((alen == n || a[n] == AD_SLASH) && (blen == n || b[n] == AD_SLASH))
		{
			*nlabels = labels + 1;
			return n;
		}
	}
	*nlabels = labels;
	return last;
}

void
ad_label_span(const char *a, size_t len, int from, int to, size_t *start,
			  size_t *end)
{
	int			label = 0;
	size_t		i = 0;

	*start = 0;
	for (; i < len && label < from; i++)
	{
		if (a[i] == AD_SLASH)
		{
			label++;
			*start = i + 1;
		}
	}
	for (i = *start; i < len; i++)
	{
		if (a[i] == AD_SLASH && ++label == to)
			break;
	}
	*end = i;
}

/* The bit of a label in a signature (FNV-1a). */
static uint16_t
ad_label_bit(const char *s, size_t len)
{
	uint32_t	h = 2166136261u;

	for (size_t i = 0; i < len; i++)
	{
		h ^= (unsigned char) s[i];
		h *= 16777619u;
	}
	return (uint16_t) (h % ARCHDOMAIN_SIG_BITS);
}

void
ad_sig_add(uint8_t *sig, const char *v, size_t vlen)
{
	size_t		start = 0;

	for (size_t i = 0; i <= vlen; i++)
	{
		uint16_t	bit;

		if (i < vlen && v[i] != AD_SLASH)
			continue;
		bit = ad_label_bit(v + start, i - start);
		sig[bit / 8] |= (uint8_t) (1u << (bit % 8));
		start = i + 1;
	}
}

bool
ad_sig_may_match(const AdPattern *p, const uint8_t *sig)
{
	for (int j = 0; j < p->nelems; j++)
	{
		const AdElem *e = &p->elems[j];

		if (e->kind == AD_LITERAL && !(sig[e->bit / 8] & (1u << (e->bit % 8))))
			return false;
	}
	return true;
}

/* Classify the pattern label in[start..end): literal, "*", "**" or an error. */
static AdStatus
ad_pattern_label(const char *in, size_t len, size_t start, size_t end,
				 int label, char *buf, AdElemKind *kind, AdResult *r)
{
	size_t		stars = 0;

	if (ad_check_label(len, start, end, label, r) != AD_OK)
		return r->status;
	for (size_t i = start; i < end; i++)
	{
		unsigned char c = ad_fold((unsigned char) in[i]);

		if (c == '*')
		{
			stars++;
			if (stars != i - start + 1 || stars > 2)
				return ad_fail(r, AD_BAD_WILDCARD, i, label, 0);
		}
		else if (stars > 0)
			return ad_fail(r, AD_BAD_WILDCARD, i, label, 0);
		else if (!ad_label_char(c))
			return ad_fail(r, AD_BAD_CHAR, i, label, 0);
		buf[i] = (char) c;
	}
	*kind = stars == 0 ? AD_LITERAL : stars == 1 ? AD_STAR : AD_DSTAR;
	return AD_OK;
}

/* Add an element to p, merging "**" into a "**" just before it. */
static void
ad_pattern_add(AdPattern *p, AdElemKind kind, size_t start, size_t end)
{
	AdElem	   *e;

	if (kind == AD_DSTAR && p->nelems > 0 && p->elems[p->nelems - 1].kind == AD_DSTAR)
		return;
	e = &p->elems[p->nelems++];
	e->kind = (uint8_t) kind;
	e->off = (uint16_t) start;
	e->len = (uint8_t) (kind == AD_LITERAL ? end - start : 0);
	e->bit = kind == AD_LITERAL ? ad_label_bit(p->text + start, end - start) : 0;
	if (kind == AD_DSTAR)
		p->dstar = true;
	else
		p->minlabels++;
	if (kind == AD_LITERAL && p->prefixelems == p->nelems - 1)
	{
		p->prefixelems++;
		p->prefixlen = end;
	}
}

AdStatus
ad_pattern_parse(const char *in, size_t len, char *buf, AdPattern *p, AdResult *r)
{
	size_t		start = 0;
	int			label = 1;

	memset(r, 0, sizeof(*r));
	memset(p, 0, offsetof(AdPattern, elems));
	p->text = buf;
	if (len == 0)
		return ad_fail(r, AD_EMPTY, 0, 1, 0);
	for (size_t i = 0; i <= len; i++)
	{
		AdElemKind kind;

		if (i < len && in[i] != AD_SLASH)
			continue;
		if (ad_pattern_label(in, len, start, i, label, buf, &kind, r) != AD_OK)
			return r->status;
		ad_pattern_add(p, kind, start, i);
		if (i == len)
			break;
		if (label == ARCHDOMAIN_MAX_LABELS && i + 1 < len)
			return ad_fail(r, AD_TOO_MANY_LABELS, i + 1, label + 1,
						   label + ad_count_labels(in, i + 1, len));
		buf[i] = AD_SLASH;
		label++;
		start = i + 1;
	}
	r->nlabels = label;
	return AD_OK;
}

/* Does label v[0..vlen) equal the literal element e of p? */
static bool
ad_elem_eq(const AdPattern *p, const AdElem *e, const char *v, size_t vlen)
{
	return e->len == vlen && memcmp(p->text + e->off, v, vlen) == 0;
}

/* Split v into labels; returns their number (v has at most the maximum). */
static int
ad_split(const char *v, size_t vlen, uint16_t *start, uint16_t *len)
{
	int			n = 0;
	size_t		s = 0;

	for (size_t i = 0; i <= vlen && n < ARCHDOMAIN_MAX_LABELS; i++)
	{
		if (i < vlen && v[i] != AD_SLASH)
			continue;
		start[n] = (uint16_t) s;
		len[n] = (uint16_t) (i - s);
		n++;
		s = i + 1;
	}
	return n;
}

bool
ad_match(const AdPattern *p, const char *v, size_t vlen, int nlabels)
{
	uint16_t	start[ARCHDOMAIN_MAX_LABELS];
	uint16_t	len[ARCHDOMAIN_MAX_LABELS];
	int			n;
	int			i;
	int			j;
	int			star_j = -1;
	int			star_i = 0;

	if (nlabels < p->minlabels || (!p->dstar && nlabels != p->nelems))
		return false;
	/* The leading literal labels are one memcmp. */
	if (p->prefixlen > 0 &&
		!ad_is_ancestor(p->text, p->prefixlen, v, vlen))
		return false;
	n = ad_split(v, vlen, start, len);
	i = p->prefixelems;
	j = p->prefixelems;

	/*
	 * Glob matching with one backtrack point: "*" is glob's "?" over labels
	 * and "**" is glob's "*", so on a mismatch only the latest "**" needs to
	 * take one more label.
	 */
	while (i < n)
	{
		const AdElem *e = j < p->nelems ? &p->elems[j] : NULL;

		if (e != NULL && e->kind == AD_DSTAR)
		{
			star_j = j++;
			star_i = i;
			continue;
		}
		if (e != NULL &&
			(e->kind == AD_STAR || ad_elem_eq(p, e, v + start[i], len[i])))
		{
			i++;
			j++;
			continue;
		}
		if (star_j < 0)
			return false;
		j = star_j + 1;
		i = ++star_i;
	}
	while (j < p->nelems && p->elems[j].kind == AD_DSTAR)
		j++;
	return j == p->nelems;
}

/* Add state j and what "**" lets it skip to, to the state set s. */
static void
ad_state_add(const AdPattern *p, bool *s, int j)
{
	s[j] = true;
	while (j < p->nelems && p->elems[j].kind == AD_DSTAR)
		s[++j] = true;
}

/* Label-by-label order of two labels. */
static int
ad_label_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t		n = alen < blen ? alen : blen;
	int			c = memcmp(a, b, n);

	if (c != 0)
		return c;
	return alen < blen ? -1 : alen > blen ? 1 : 0;
}

/* The label of v that starts at byte from: its length. */
static size_t
ad_label_at(const char *v, size_t vlen, size_t from)
{
	const char *slash = memchr(v + from, AD_SLASH, vlen - from);

	return slash ? (size_t) (slash - (v + from)) : vlen - from;
}

bool
ad_match_range(const AdPattern *p, const char *lo, size_t lolen,
			   const char *hi, size_t hilen)
{
	bool		cur[ARCHDOMAIN_MAX_LABELS + 1];
	bool		next[ARCHDOMAIN_MAX_LABELS + 1];
	int			k;
	size_t		clen = ad_common_prefix(lo, lolen, hi, hilen, &k);
	size_t		at = 0;
	size_t		lolab = 0;
	size_t		hilab;
	const char *lop;
	const char *hip;

	/*
	 * Every name between lo and hi starts with their common labels: run the
	 * pattern over them as a set of states, the way an NFA would.
	 */
	memset(cur, 0, sizeof(bool) * (p->nelems + 1));
	ad_state_add(p, cur, 0);
	for (int l = 0; l < k; l++)
	{
		size_t		llen = ad_label_at(lo, clen, at);
		bool		alive = false;

		memset(next, 0, sizeof(bool) * (p->nelems + 1));
		for (int j = 0; j < p->nelems; j++)
		{
			const AdElem *e = &p->elems[j];

			if (!cur[j])
				continue;
			if (e->kind == AD_DSTAR)
				ad_state_add(p, next, j);
			else if (e->kind == AD_STAR || ad_elem_eq(p, e, lo + at, llen))
				ad_state_add(p, next, j + 1);
		}
		for (int j = 0; j <= p->nelems; j++)
		{
			cur[j] = next[j];
			alive = alive || next[j];
		}
		if (!alive)
			return false;
		at += llen + 1;
	}
	/* Is the common prefix itself in the range, and a match? */
	if (clen == lolen && cur[p->nelems])
		return true;
	if (clen == hilen)
		return false;

	/*
	 * Otherwise the next label of a name in the range lies between lo's (or
	 * nothing, when lo is the common prefix) and hi's.
	 */
	hip = hi + (k > 0 ? clen + 1 : 0);
	hilab = ad_label_at(hi, hilen, (size_t) (hip - hi));
	lop = clen == lolen ? NULL : lo + (k > 0 ? clen + 1 : 0);
	if (lop != NULL)
		lolab = ad_label_at(lo, lolen, (size_t) (lop - lo));
	for (int j = 0; j < p->nelems; j++)
	{
		const AdElem *e = &p->elems[j];
		const char *t = p->text + e->off;

		if (!cur[j])
			continue;
		if (e->kind != AD_LITERAL)
			return true;
		if ((lop == NULL || ad_label_cmp(lop, lolab, t, e->len) <= 0) &&
			ad_label_cmp(t, e->len, hip, hilab) <= 0)
			return true;
	}
	return false;
}
