/*
 * csv.h - reading comma-separated records (RFC 4180) from text in memory.
 *
 * Fields may be quoted ("a, b" and "say ""hi""" keep their commas and quotes, and may span
 * lines); spaces around unquoted fields and around quotes are dropped; lines may end in LF or
 * CRLF; a UTF-8 byte-order mark is skipped; blank lines are skipped, and so are lines whose
 * first character is '#' (comments). Every field must be valid UTF-8 without NUL bytes.
 *
 *   csv_init(&r, data, len);
 *   for (;;) { r = csv_next(&r, &problems, &rec, &done); if done break; ... }
 *   csv_free(&r);
 *
 * A malformed record is reported through problems as FILE:LINE and skipped (csv_next returns
 * TM_ERR_FORMAT); reading goes on with the next line.
 */
#ifndef TM_CSV_H
#define TM_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "problems.h"
#include "tm.h"

#define CSV_MAX_FIELDS 1024
#define CSV_MAX_FIELD (64 * 1024)

typedef struct
{
	long		line;			/* the line the record starts on */
	int			n;				/* number of fields, at least 1 */
	const char *const *field;	/* NUL-terminated, valid until the next csv_next */
} csv_record;

typedef struct
{
	const char *data;
	size_t		len;
	size_t		pos;
	long		line;			/* the line of data[pos] */
	tm_buf		text;			/* the current record's fields, each NUL-terminated */
	size_t		start[CSV_MAX_FIELDS];
	const char *field[CSV_MAX_FIELDS];
} csv_reader;

void		csv_init(csv_reader *r, const char *data, size_t len);
void		csv_free(csv_reader *r);
tm_result	csv_next(csv_reader *r, tm_problems *p, csv_record *rec, bool *done);

#endif							/* TM_CSV_H */
