/*
 * fuzz/archdomain.c: libFuzzer target for the archdomain parser, sanitizer, ordering, glob
 * matcher and label signatures (extension/src/archdomain_parse.c), with no PostgreSQL in it.
 *
 * The input is up to four lines: a name, a pattern, and two more names. Besides not
 * crashing, every result is checked against a plain re-implementation here (labels split
 * at '/', compared one by one, patterns matched by dynamic programming), so a wrong answer
 * aborts like a crash does.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archdomain_parse.h"

#define MAXL ARCHDOMAIN_MAX_LABELS

#define CHECK(cond) \
	do { \
		if (!(cond)) \
		{ \
			fprintf(stderr, "archdomain fuzz: check failed at line %d: %s\n", __LINE__, #cond); \
			abort(); \
		} \
	} while (0)

/* A piece of the input, split at '/' into labels (at most MAXL + 1 of them). */
typedef struct Split
{
	int			n;
	const char *label[MAXL + 2];
	size_t		len[MAXL + 2];
} Split;

static void
split(const char *s, size_t len, Split *sp)
{
	size_t		start = 0;

	sp->n = 0;
	for (size_t i = 0; i <= len && sp->n < MAXL + 2; i++)
	{
		if (i < len && s[i] != '/')
			continue;
		sp->label[sp->n] = s + start;
		sp->len[sp->n] = i - start;
		sp->n++;
		start = i + 1;
	}
}

static int
label_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int			c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c < 0 ? -1 : 1;
	return alen < blen ? -1 : alen > blen ? 1 : 0;
}

/* The order by definition: label by label, a prefix first. */
static int
oracle_compare(const char *a, size_t alen, const char *b, size_t blen)
{
	Split		x;
	Split		y;

	split(a, alen, &x);
	split(b, blen, &y);
	for (int i = 0; i < x.n && i < y.n; i++)
	{
		int			c = label_cmp(x.label[i], x.len[i], y.label[i], y.len[i]);

		if (c != 0)
			return c;
	}
	return x.n < y.n ? -1 : x.n > y.n ? 1 : 0;
}

static bool
oracle_ancestor(const char *a, size_t alen, const char *b, size_t blen)
{
	Split		x;
	Split		y;

	split(a, alen, &x);
	split(b, blen, &y);
	if (x.n > y.n)
		return false;
	for (int i = 0; i < x.n; i++)
	{
		if (label_cmp(x.label[i], x.len[i], y.label[i], y.len[i]) != 0)
			return false;
	}
	return true;
}

/* Is s a valid name by definition? Lower case folded into out. */
static bool
oracle_valid(const char *s, size_t len, char *out)
{
	Split		sp;

	if (len == 0)
		return false;
	split(s, len, &sp);
	if (sp.n > MAXL)
		return false;
	for (int i = 0; i < sp.n; i++)
	{
		if (sp.len[i] == 0 || sp.len[i] > ARCHDOMAIN_MAX_LABEL_LEN)
			return false;
	}
	for (size_t i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char) (c - 'A' + 'a');
		if (!(c == '/' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
		out[i] = (char) c;
	}
	return true;
}

/* Is s a valid pattern by definition (labels may also be "*" or "**")? */
static bool
oracle_valid_pattern(const char *s, size_t len, char *out)
{
	Split		sp;
	char	   *tmp = malloc(len + 1);
	bool		ok = len > 0;

	memcpy(tmp, s, len);
	split(s, len, &sp);
	if (sp.n > MAXL)
		ok = false;
	for (int i = 0; ok && i < sp.n; i++)
	{
		size_t		off = (size_t) (sp.label[i] - s);
		bool		star = sp.len[i] > 0 && sp.label[i][0] == '*';

		if (star && (sp.len[i] > 2 || (sp.len[i] == 2 && sp.label[i][1] != '*')))
			ok = false;
		if (star)
			memset(tmp + off, 'a', sp.len[i]);
	}
	/* With the wildcards made plain letters, it must be a valid name. */
	ok = ok && oracle_valid(tmp, len, out);
	for (int i = 0; ok && i < sp.n; i++)
	{
		size_t		off = (size_t) (sp.label[i] - s);

		if (sp.label[i][0] == '*')
			memcpy(out + off, sp.label[i], sp.len[i]);
	}
	free(tmp);
	return ok;
}

/* Does name v match pattern p (both lower case)? By dynamic programming over labels. */
static bool
oracle_match(const char *p, size_t plen, const char *v, size_t vlen)
{
	static bool dp[MAXL + 2][MAXL + 2];
	Split		ps;
	Split		vs;

	split(p, plen, &ps);
	split(v, vlen, &vs);
	memset(dp, 0, sizeof(dp));
	dp[0][0] = true;
	/* dp[i][j]: the first i labels of v match the first j elements of p. */
	for (int i = 0; i <= vs.n; i++)
	{
		for (int j = 1; j <= ps.n; j++)
		{
			const char *e = ps.label[j - 1];
			size_t		elen = ps.len[j - 1];
			bool		dstar = elen == 2 && e[0] == '*';
			bool		star = elen == 1 && e[0] == '*';

			if (dstar)
				dp[i][j] = dp[i][j - 1] || (i > 0 && dp[i - 1][j]);
			else if (i > 0)
				dp[i][j] = dp[i - 1][j - 1] &&
					(star || label_cmp(e, elen, vs.label[i - 1], vs.len[i - 1]) == 0);
		}
	}
	return dp[vs.n][ps.n];
}

/* Parse a name and check the parser against the definition; returns validity. */
static bool
check_name(const char *s, size_t len, char *out, int *nlabels)
{
	char	   *want = malloc(len + 1);
	char	   *again = malloc(len + 1);
	AdResult	r;
	AdResult	r2;
	bool		ok = ad_parse(s, len, out, &r) == AD_OK;

	CHECK(ok == oracle_valid(s, len, want));
	if (ok)
	{
		Split		sp;

		split(out, len, &sp);
		CHECK(memcmp(out, want, len) == 0);
		CHECK(r.nlabels == sp.n);
		CHECK(ad_parse(out, len, again, &r2) == AD_OK && memcmp(out, again, len) == 0);
		*nlabels = r.nlabels;
	}
	else
	{
		CHECK(r.status != AD_OK && r.pos <= len);
		CHECK(r.status == AD_EMPTY || r.pos < len);
	}
	free(want);
	free(again);
	return ok;
}

/* Sanitizing gives a valid name (or nothing), and leaves a valid name alone. */
static void
check_sanitize(const char *s, size_t len, bool valid, const char *parsed)
{
	char	   *out = malloc(len + 1);
	char	   *again = malloc(len + 1);

	for (int utf8 = 0; utf8 <= 1; utf8++)
	{
		int			n;
		size_t		olen = ad_sanitize(s, len, utf8, out, &n);
		AdResult	r;

		CHECK(olen <= len);
		if (olen == 0)
		{
			CHECK(!valid);
			continue;
		}
		CHECK(ad_parse(out, olen, again, &r) == AD_OK);
		CHECK(r.nlabels == n && memcmp(out, again, olen) == 0);
		if (valid)
			CHECK(olen == len && memcmp(out, parsed, len) == 0);
	}
	free(out);
	free(again);
}

/* Order, ancestry and common prefix of two valid names against the definitions. */
static void
check_pair(const char *a, size_t alen, const char *b, size_t blen)
{
	int			c = ad_compare(a, alen, b, blen);
	int			n;
	size_t		plen;

	CHECK(c == oracle_compare(a, alen, b, blen));
	CHECK(c == -ad_compare(b, blen, a, alen));
	CHECK(ad_is_ancestor(a, alen, b, blen) == oracle_ancestor(a, alen, b, blen));
	if (ad_is_ancestor(a, alen, b, blen))
		CHECK(c <= 0);
	plen = ad_common_prefix(a, alen, b, blen, &n);
	if (plen == 0)
	{
		Split		x;
		Split		y;

		split(a, alen, &x);
		split(b, blen, &y);
		CHECK(n == 0);
		CHECK(label_cmp(x.label[0], x.len[0], y.label[0], y.len[0]) != 0);
	}
	else
	{
		Split		p;
		Split		x;
		Split		y;

		CHECK(oracle_ancestor(a, plen, a, alen) && oracle_ancestor(a, plen, b, blen));
		split(a, plen, &p);
		CHECK(p.n == n);
		split(a, alen, &x);
		split(b, blen, &y);
		/* It is the longest: the next labels differ, or one name ends. */
		CHECK(n == x.n || n == y.n ||
			  label_cmp(x.label[n], x.len[n], y.label[n], y.len[n]) != 0);
	}
}

/* ad_label_span against splitting. */
static void
check_span(const char *a, size_t alen, int nlabels, unsigned from, unsigned to)
{
	Split		x;
	size_t		start;
	size_t		end;
	int			f = (int) (from % (unsigned) nlabels);
	int			t = f + 1 + (int) (to % (unsigned) (nlabels + 1));
	int			last = t > nlabels ? nlabels : t;

	split(a, alen, &x);
	ad_label_span(a, alen, f, t, &start, &end);
	CHECK(a + start == x.label[f]);
	CHECK(a + end == x.label[last - 1] + x.len[last - 1]);
}

/* The next line of the input: [*pos, newline or end). */
static const char *
next_line(const uint8_t *data, size_t size, size_t *pos, size_t *len)
{
	const char *s = (const char *) data + *pos;
	const uint8_t *nl;

	if (*pos > size)
	{
		*len = 0;
		return NULL;
	}
	nl = memchr(data + *pos, '\n', size - *pos);
	*len = nl ? (size_t) (nl - (data + *pos)) : size - *pos;
	*pos += *len + 1;
	return s;
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t		pos = 0;
	size_t		len[4];
	const char *line[4];
	char	   *name[4] = {0};
	int			nlabels[4] = {0};
	bool		valid[4] = {0};
	char	   *pbuf = NULL;
	char	   *pwant = NULL;
	AdPattern  *p = malloc(sizeof(AdPattern));
	AdResult	r;
	bool		pvalid = false;

	for (int i = 0; i < 4; i++)
	{
		line[i] = next_line(data, size, &pos, &len[i]);
		if (line[i] == NULL)
			continue;
		name[i] = malloc(len[i] + 1);
		if (i == 1)
			continue;
		valid[i] = check_name(line[i], len[i], name[i], &nlabels[i]);
		check_sanitize(line[i], len[i], valid[i], name[i]);
	}
	if (line[1] != NULL)
	{
		pbuf = malloc(len[1] + 1);
		pwant = malloc(len[1] + 1);
		pvalid = ad_pattern_parse(line[1], len[1], pbuf, p, &r) == AD_OK;
		CHECK(pvalid == oracle_valid_pattern(line[1], len[1], pwant));
		if (pvalid)
			CHECK(memcmp(pbuf, pwant, len[1]) == 0);
	}
	for (int i = 0; i < 4; i++)
	{
		if (!valid[i])
			continue;
		check_span(name[i], len[i], nlabels[i], size > 0 ? data[0] : 0, size > 1 ? data[1] : 0);
		if (pvalid)
			CHECK(ad_match(p, name[i], len[i], nlabels[i]) ==
				  oracle_match(pwant, len[1], name[i], len[i]));
		for (int j = 0; j < 4; j++)
		{
			if (valid[j])
				check_pair(name[i], len[i], name[j], len[j]);
		}
	}

	/* A name that matches has every literal label of the pattern in its signature. */
	if (pvalid)
	{
		uint8_t		sig[ARCHDOMAIN_SIG_BYTES] = {0};

		for (int i = 0; i < 4; i++)
		{
			if (valid[i])
				ad_sig_add(sig, name[i], len[i]);
		}
		for (int i = 0; i < 4; i++)
		{
			if (valid[i] && ad_match(p, name[i], len[i], nlabels[i]))
				CHECK(ad_sig_may_match(p, sig));
		}
	}

	/* A name between two others that matches means the range may match. */
	if (pvalid && valid[0] && valid[2] && valid[3])
	{
		int			lo = ad_compare(name[2], len[2], name[3], len[3]) <= 0 ? 2 : 3;
		int			hi = 5 - lo;

		for (int v = 0; v < 4; v++)
		{
			if (v == 1 || !valid[v])
				continue;
			if (ad_compare(name[lo], len[lo], name[v], len[v]) <= 0 &&
				ad_compare(name[v], len[v], name[hi], len[hi]) <= 0 &&
				ad_match(p, name[v], len[v], nlabels[v]))
				CHECK(ad_match_range(p, name[lo], len[lo], name[hi], len[hi]));
		}
	}

	for (int i = 0; i < 4; i++)
		free(name[i]);
	free(pbuf);
	free(pwant);
	free(p);
	return 0;
}
