/*
 * csvtable.h - CSV files whose columns a format names. A header row maps column names to
 * fields (any order, names compared without regard to case); values are checked by kind, so
 * a bad value is reported as FILE:LINE before anything reaches the database.
 *
 * Small configuration files (aliases, prices, security group archdomains) are read whole
 * with csvtable_parse: their header row is optional, and without one the columns are in the
 * order the format lists them. The fleet CSV (inventory_csv.c) uses the header mapping and the
 * value checks, and keeps unknown columns as tags.
 */
#ifndef TM_CSVTABLE_H
#define TM_CSVTABLE_H

#include <stdbool.h>

#include "buf.h"
#include "csv.h"
#include "problems.h"
#include "tm.h"

#define CSVTABLE_MAX_COLUMNS 16
#define CSVTABLE_MAX_ROWS (4 * 1024 * 1024)

typedef enum
{
	CT_TEXT,					/* any text */
	CT_INT,						/* a whole number from -1000000 to 1000000 */
	CT_PRICE,					/* a decimal number >= 0: 0.096, 12, 1.5 */
	CT_LIFECYCLE				/* on-demand, spot, reserved, unknown */
} csvtable_kind;

typedef struct
{
	const char *name;
	bool		required;		/* an empty value is an error */
	csvtable_kind kind;
} csvtable_column;

typedef struct
{
	long		line;
	char	   *value[CSVTABLE_MAX_COLUMNS];	/* NULL for an empty optional value */
} csvtable_row;

typedef struct
{
	const csvtable_column *columns;
	int			ncolumns;
	tm_buf		rows;			/* csvtable_row *[] */
} csvtable;

/*
 * Map the header's names to known names: col[k] is the field holding known[k], or -1.
 * Empty and repeated names are problems; so are missing required ones (required[k]).
 */
tm_result	csvtable_header(const csv_record *hdr, const char *const *known, const bool *required,
							int nknown, int *col, tm_problems *p);

/* Check one value of a kind; *why says what is wrong. Lifecycles are folded to lower case. */
bool		csvtable_check(csvtable_kind kind, char *value, const char **why);

void		csvtable_init(csvtable *t, const csvtable_column *columns, int ncolumns);
void		csvtable_free(csvtable *t);
/* Parse a whole file; TM_ERR_FORMAT when anything was reported, with every row still read. */
tm_result	csvtable_parse(csvtable *t, const char *data, size_t len, tm_problems *p);
size_t		csvtable_nrows(const csvtable *t);
const csvtable_row *csvtable_row_at(const csvtable *t, size_t i);

#endif							/* TM_CSVTABLE_H */
