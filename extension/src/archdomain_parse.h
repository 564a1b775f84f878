/*-------------------------------------------------------------------------
 *
 * archdomain_parse.h
 *	  The archdomain syntax in plain C: parsing, sanitizing, ordering and
 *	  glob matching of slash-separated names such as "online/midtier/search".
 *
 * Nothing here includes PostgreSQL, so fuzz/ and bench/ build this file
 * alone; extension/src/archdomain.c is the glue that turns its results into
 * datums and ereports.
 *
 * A name is one or more labels joined by single slashes; a label is
 * 1..ARCHDOMAIN_MAX_LABEL_LEN characters of [a-z0-9_-] (upper case folds to
 * lower on input). A pattern has the same shape, where a label may also be
 * "*" (exactly one label) or "**" (zero or more labels).
 *
 *-------------------------------------------------------------------------
 */
#ifndef ARCHDOMAIN_PARSE_H
#define ARCHDOMAIN_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits of a name (and of the labels of a pattern). */
#define ARCHDOMAIN_MAX_LABELS		255
#define ARCHDOMAIN_MAX_LABEL_LEN	255
#define ARCHDOMAIN_MAX_LEN \
	(ARCHDOMAIN_MAX_LABELS * ARCHDOMAIN_MAX_LABEL_LEN + ARCHDOMAIN_MAX_LABELS - 1)

/*
 * A label signature: one bit per label (by hash) of a set of names, so an
 * index can tell that no name below it has some label.
 */
#define ARCHDOMAIN_SIG_BITS		512
#define ARCHDOMAIN_SIG_BYTES	(ARCHDOMAIN_SIG_BITS / 8)

/* What went wrong in a name or a pattern. */
typedef enum AdStatus
{
	AD_OK = 0,
	AD_EMPTY,					/* no characters at all */
	AD_LEADING_SLASH,
	AD_TRAILING_SLASH,
	AD_EMPTY_LABEL,				/* two slashes in a row */
	AD_BAD_CHAR,
	AD_LABEL_TOO_LONG,
	AD_TOO_MANY_LABELS,
	AD_BAD_WILDCARD				/* patterns: "*" inside a label, or "***" */
} AdStatus;

/* The outcome of parsing: on error, where and why; on success, the size. */
typedef struct AdResult
{
	AdStatus	status;
	size_t		pos;			/* byte offset of the offending character */
	int			label;			/* 1-based number of the label concerned */
	size_t		count;			/* the label's length, or the number of labels */
	int			nlabels;		/* labels of a valid name or pattern */
} AdResult;

/* One element of a parsed pattern. */
typedef enum AdElemKind
{
	AD_LITERAL,
	AD_STAR,					/* "*": exactly one label */
	AD_DSTAR					/* "**": zero or more labels */
} AdElemKind;

typedef struct AdElem
{
	uint8_t		kind;			/* AdElemKind */
	uint8_t		len;			/* bytes of a literal */
	uint16_t	off;			/* where a literal starts in AdPattern.text */
	uint16_t	bit;			/* a literal's bit in a label signature */
} AdElem;

/* A parsed glob pattern; text points into the caller's buffer. */
typedef struct AdPattern
{
	const char *text;			/* the pattern, lower-cased */
	int			nelems;			/* elements after merging runs of "**" */
	int			minlabels;		/* labels a matching name has at least */
	bool		dstar;			/* any "**"? else a match has nelems labels */
	int			prefixelems;	/* leading literal elements ... */
	size_t		prefixlen;		/* ... and their bytes in text, with slashes */
	AdElem		elems[ARCHDOMAIN_MAX_LABELS];
} AdPattern;

/* Is c a character of a label (after folding to lower case)? */
extern bool ad_label_char(unsigned char c);

/*
 * Parse a name strictly. out receives len bytes (the name folded to lower
 * case) on success. Returns r->status.
 */
extern AdStatus ad_parse(const char *in, size_t len, char *out, AdResult *r);

/*
 * Make a name out of anything: trim white space around the name and each
 * label, fold to lower case, drop empty labels, replace other characters
 * with '_' (one per UTF-8 character when utf8), cut labels to the maximum
 * length and the name to the maximum number of labels. out needs len bytes.
 * Returns the length written, 0 when nothing is left.
 */
extern size_t ad_sanitize(const char *in, size_t len, bool utf8, char *out,
						  int *nlabels);

/* Label-by-label order: an ancestor sorts directly before its descendants. */
extern int	ad_compare(const char *a, size_t alen, const char *b, size_t blen);

/* Is a the same name as b or one of its ancestors (a @> b)? */
extern bool ad_is_ancestor(const char *a, size_t alen, const char *b, size_t blen);

/*
 * Bytes of the longest common prefix of whole labels of a and b; its number
 * of labels in *nlabels. 0 when even the first labels differ.
 */
extern size_t ad_common_prefix(const char *a, size_t alen, const char *b,
							   size_t blen, int *nlabels);

/*
 * Bytes [*start, *end) of labels from..to-1 (0-based) of a name of len
 * bytes; from < to and from is a label of the name; to is clamped.
 */
extern void ad_label_span(const char *a, size_t len, int from, int to,
						  size_t *start, size_t *end);

/* Parse a pattern into p; buf receives len bytes that p->text points to. */
extern AdStatus ad_pattern_parse(const char *in, size_t len, char *buf,
								 AdPattern *p, AdResult *r);

/* Does the name v (of nlabels labels) match p? */
extern bool ad_match(const AdPattern *p, const char *v, size_t vlen, int nlabels);

/*
 * Could a name v with lo <= v <= hi (ad_compare order) match p? May say
 * true when none does; never says false when one does.
 */
extern bool ad_match_range(const AdPattern *p, const char *lo, size_t lolen,
						   const char *hi, size_t hilen);

/* Add the labels of name v to the signature sig (ARCHDOMAIN_SIG_BYTES). */
extern void ad_sig_add(uint8_t *sig, const char *v, size_t vlen);

/*
 * Could a name whose labels are all in sig match p? Every literal of a
 * pattern matches one label of the name, so each must have its bit.
 */
extern bool ad_sig_may_match(const AdPattern *p, const uint8_t *sig);

#endif							/* ARCHDOMAIN_PARSE_H */
