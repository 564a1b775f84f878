/*
 * copy.h - writing rows into PostgreSQL with COPY ... FROM STDIN (text format), batched into
 * large PQputCopyData calls. The only way the loader writes many rows.
 *
 *   copy_begin(&c, conn, "COPY trafficmap.traffic (a, b) FROM STDIN");
 *   copy_text(&c, "x"); copy_int(&c, 42); copy_end_row(&c);   ... per row
 *   copy_end(&c);      (or copy_abort on an error path)
 */
#ifndef TM_COPY_H
#define TM_COPY_H

#include <libpq-fe.h>

#include "buf.h"
#include "tm.h"

typedef struct
{
	PGconn	   *conn;
	tm_buf		buf;
	int			fields;			/* fields written in the current row */
	long long	rows;
	tm_result	error;			/* first failure; later calls do nothing */
} tm_copy;

tm_result	copy_begin(tm_copy *c, PGconn *conn, const char *copy_sql);
void		copy_text(tm_copy *c, const char *s);	/* NULL writes SQL NULL */
void		copy_int(tm_copy *c, long long v);
void		copy_null(tm_copy *c);
tm_result	copy_end_row(tm_copy *c);
tm_result	copy_end(tm_copy *c);
void		copy_abort(tm_copy *c, const char *why);

/* Append s to b escaped for COPY's text format (exposed for the unit tests). */
tm_result	copy_escape(tm_buf *b, const char *s);

#endif							/* TM_COPY_H */
