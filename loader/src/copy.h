/*
 * copy.h - writing rows into PostgreSQL with COPY ... FROM STDIN, batched into large
 * PQputCopyData calls. The only way the loader writes many rows.
 *
 *   copy_begin(&c, conn, "COPY trafficmap.traffic (a, b) FROM STDIN");
 *   copy_text(&c, "x"); copy_int(&c, 42); copy_end_row(&c);   ... per row
 *   copy_end(&c);      (or copy_abort on an error path)
 *
 * The text format takes any value as the server would parse it. For rows by the ten
 * thousand (a capture's edges) the binary format spares the server the parsing and the
 * loader the printing: copy_begin_binary with "... FROM STDIN (FORMAT binary)", then per row
 * copy_bin_row(&c, nfields) and one copy_bin_* per field, in each column type's binary
 * form (so the types must be exactly the columns').
 */
#ifndef TM_COPY_H
#define TM_COPY_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "tm.h"

typedef struct
{
	PGconn	   *conn;
	tm_buf		buf;
	int			fields;			/* fields written in the current row */
	bool		binary;
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

tm_result	copy_begin_binary(tm_copy *c, PGconn *conn, const char *copy_sql);
void		copy_bin_row(tm_copy *c, int nfields);
void		copy_bin_int8(tm_copy *c, int64_t v);	/* bigint */
void		copy_bin_int4(tm_copy *c, int32_t v);	/* integer */
void		copy_bin_text(tm_copy *c, const char *s);	/* text */
void		copy_bin_inet(tm_copy *c, int family, const uint8_t *addr);	/* inet host: 4 or 6 */
void		copy_bin_timestamptz(tm_copy *c, int64_t unix_ns);	/* timestamptz, to the microsecond */

/* Append s to b escaped for COPY's text format (exposed for the unit tests). */
tm_result	copy_escape(tm_buf *b, const char *s);

#endif							/* TM_COPY_H */
