/*
 * csvtable.c - named CSV columns and checked values.
 */
#include "csvtable.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

tm_result
csvtable_header(const csv_record *hdr, const char *const *known, const bool *required,
				int nknown, int *col, tm_problems *p)
{
	long		errors = p->errors;
	int			i;
	int			j;
	int			k;

	for (k = 0; k < nknown; k++)
		col[k] = -1;
	for (i = 0; i < hdr->n; i++)
	{
		if (hdr->field[i][0] == '\0')
		{
			problem(p, hdr->line, "column %d of the header row has no name", i + 1);
			continue;
		}
		for (j = 0; j < i; j++)
		{
			if (strcasecmp(hdr->field[i], hdr->field[j]) == 0)
				problem(p, hdr->line, "the header row names column '%s' twice (columns %d and %d)",
						hdr->field[i], j + 1, i + 1);
		}
		for (k = 0; k < nknown; k++)
		{
			if (strcasecmp(hdr->field[i], known[k]) == 0 && col[k] < 0)
				col[k] = i;
		}
	}
	for (k = 0; k < nknown; k++)
	{
		if (required[k] && col[k] < 0)
			problem(p, hdr->line, "the header row has no column '%s'; it is required", known[k]);
	}
	return p->errors > errors ? TM_ERR_FORMAT : TM_OK;
}

/* Digits with an optional fraction: what a price looks like in every price list. */
static bool
is_decimal(const char *s)
{
	const char *d = s;

	while (*d >= '0' && *d <= '9')
		d++;
	if (d == s)
		return false;
	if (*d == '.')
	{
		const char *f = ++d;

		while (*d >= '0' && *d <= '9')
			d++;
		if (d == f)
			return false;
	}
	return *d == '\0' && d - s <= 30;
}

bool
csvtable_check(csvtable_kind kind, char *value, const char **why)
{
	static const char *const lifecycles[] = {"on-demand", "spot", "reserved", "unknown"};
	long		n;
	size_t		i;

	*why = NULL;
	switch (kind)
	{
		case CT_TEXT:
			return true;
		case CT_INT:
			if (parse_long(value, -1000000, 1000000, &n) == TM_OK)
				return true;
			*why = "is not a whole number from -1000000 to 1000000";
			return false;
		case CT_PRICE:
			if (is_decimal(value))
				return true;
			*why = "is not a price (a decimal number such as 0.096, with no currency sign)";
			return false;
		case CT_LIFECYCLE:
			for (i = 0; i < TM_ARRAY_LEN(lifecycles); i++)
			{
				if (strcasecmp(value, lifecycles[i]) == 0)
				{
					memcpy(value, lifecycles[i], strlen(lifecycles[i]));
					return true;
				}
			}
			*why = "is not a lifecycle; use on-demand, spot, reserved or unknown";
			return false;
	}
	*why = "has an unknown kind";
	return false;
}

void
csvtable_init(csvtable *t, const csvtable_column *columns, int ncolumns)
{
	t->columns = columns;
	t->ncolumns = ncolumns;
	buf_init(&t->rows, CSVTABLE_MAX_ROWS * sizeof(void *));
}

size_t
csvtable_nrows(const csvtable *t)
{
	return t->rows.len / sizeof(void *);
}

const csvtable_row *
csvtable_row_at(const csvtable *t, size_t i)
{
	return ((csvtable_row **) (void *) t->rows.data)[i];
}

static void
free_row(csvtable_row *row)
{
	int			i;

	for (i = 0; i < CSVTABLE_MAX_COLUMNS; i++)
		free(row->value[i]);
	free(row);
}

void
csvtable_free(csvtable *t)
{
	size_t		i;

	for (i = 0; i < csvtable_nrows(t); i++)
		free_row((csvtable_row *) csvtable_row_at(t, i));
	buf_free(&t->rows);
}

/* Is this first record a header row rather than data? It names the first column. */
static bool
is_header(const csvtable *t, const csv_record *rec)
{
	int			i;

	for (i = 0; i < rec->n; i++)
	{
		if (strcasecmp(rec->field[i], t->columns[0].name) == 0)
			return true;
	}
	return false;
}

/* Check the values of one record and keep them as a row; problems are reported, not kept. */
static tm_result
add_row(csvtable *t, const csv_record *rec, const int *col, tm_problems *p)
{
	csvtable_row *row;
	const char *why;
	long		errors = p->errors;
	int			k;

	row = calloc(1, sizeof(*row));
	if (row == NULL)
		return TM_ERR_NOMEM;
	row->line = rec->line;
	for (k = 0; k < t->ncolumns; k++)
	{
		const char *v = col[k] >= 0 && col[k] < rec->n ? rec->field[col[k]] : "";

		if (v[0] == '\0')
		{
			if (t->columns[k].required)
				problem(p, rec->line, "no %s; it is required", t->columns[k].name);
			continue;
		}
		row->value[k] = strdup(v);
		if (row->value[k] == NULL)
		{
			free_row(row);
			return TM_ERR_NOMEM;
		}
		if (!csvtable_check(t->columns[k].kind, row->value[k], &why))
			problem(p, rec->line, "%s '%s' %s", t->columns[k].name, v, why);
	}
	if (p->errors > errors)
	{
		free_row(row);
		return TM_ERR_FORMAT;
	}
	if (buf_add(&t->rows, &row, sizeof(row)) != TM_OK)
	{
		free_row(row);
		return TM_ERR_NOMEM;
	}
	return TM_OK;
}

tm_result
csvtable_parse(csvtable *t, const char *data, size_t len, tm_problems *p)
{
	const char *names[CSVTABLE_MAX_COLUMNS];
	bool		required[CSVTABLE_MAX_COLUMNS];
	int			col[CSVTABLE_MAX_COLUMNS];
	int			width = t->ncolumns;
	csv_reader *r;
	csv_record	rec;
	bool		done = false;
	bool		first = true;
	tm_result	res = TM_OK;
	int			k;

	r = malloc(sizeof(*r));
	if (r == NULL)
		return TM_ERR_NOMEM;
	csv_init(r, data, len);
	for (k = 0; k < t->ncolumns; k++)
	{
		names[k] = t->columns[k].name;
		required[k] = t->columns[k].required;
		col[k] = k;
	}
	while (res != TM_ERR_NOMEM)
	{
		res = csv_next(r, p, &rec, &done);
		if (done)
			break;
		if (res != TM_OK)
			continue;
		if (first && is_header(t, &rec))
		{
			first = false;
			width = rec.n;
			res = csvtable_header(&rec, names, required, t->ncolumns, col, p);
			for (k = 0; k < rec.n; k++)
			{
				int			j;
				bool		known = false;

				for (j = 0; j < t->ncolumns; j++)
					known = known || col[j] == k;
				if (!known)
					problem(p, rec.line, "unknown column '%s' in the header row", rec.field[k]);
			}
			continue;
		}
		first = false;
		if (rec.n > width)
		{
			problem(p, rec.line, "%d fields, but the file has %d columns", rec.n, width);
			continue;
		}
		res = add_row(t, &rec, col, p);
	}
	csv_free(r);
	free(r);
	if (res == TM_ERR_NOMEM)
		return res;
	return p->errors > 0 ? TM_ERR_FORMAT : TM_OK;
}
