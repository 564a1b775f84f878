/*-------------------------------------------------------------------------
 *
 * archdomain.h
 *	  The archdomain type: a slash-separated hierarchical service name.
 *
 * A value is its text (labels joined by '/', folded to lower case) after a
 * one-byte label count. Values are usually short, so most are stored with
 * a one-byte varlena header; read them through the _PP macros and the
 * accessors below, which work on packed and unpacked values alike.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ARCHDOMAIN_H
#define ARCHDOMAIN_H

#include "fmgr.h"

#include "archdomain_parse.h"

/* The on-disk format: the label count fits a byte (ARCHDOMAIN_MAX_LABELS). */
typedef struct ArchDomain
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint8		nlabels;		/* 1..ARCHDOMAIN_MAX_LABELS; 0 marks a GiST range key */
	char		text[FLEXIBLE_ARRAY_MEMBER];	/* labels joined by '/' */
} ArchDomain;

#define ARCHDOMAIN_HDRSZ	offsetof(ArchDomain, text)

/* The version byte that starts the binary send/receive format. */
#define ARCHDOMAIN_SEND_VERSION 1

#define DatumGetArchDomainPP(X)		((ArchDomain *) PG_DETOAST_DATUM_PACKED(X))
#define PG_GETARG_ARCHDOMAIN_PP(n)	DatumGetArchDomainPP(PG_GETARG_DATUM(n))
#define PG_RETURN_ARCHDOMAIN_P(x)	PG_RETURN_POINTER(x)

static inline int
ad_nlabels(const ArchDomain *a)
{
	return (uint8) *VARDATA_ANY(a);
}

static inline const char *
ad_text(const ArchDomain *a)
{
	return VARDATA_ANY(a) + 1;
}

static inline size_t
ad_len(const ArchDomain *a)
{
	return VARSIZE_ANY_EXHDR(a) - 1;
}

/* A new value from valid text of len bytes with nlabels labels. */
extern ArchDomain *archdomain_make(const char *text, size_t len, int nlabels);

/* Parse text as a name, or raise the error that says what is wrong. */
extern ArchDomain *archdomain_parse_text(const char *in, size_t len);

/* Raise the error for a name or a pattern ("archdomain", "archdomain pattern"). */
extern void archdomain_syntax_error(const char *noun, const char *in, size_t len,
									const AdResult *r) pg_attribute_noreturn();

/* The parsed form of a pattern, cached in flinfo->fn_extra across calls. */
extern const AdPattern *archdomain_pattern(FmgrInfo *flinfo, const text *t);

#endif							/* ARCHDOMAIN_H */
