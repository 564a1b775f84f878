/*
 * csv.c - an RFC 4180 reader over text in memory, resynchronising at the next line after a
 * bad record so that one run reports every bad line.
 */
#include "csv.h"

#include <string.h>

#include "utf8.h"

void
csv_init(csv_reader *r, const char *data, size_t len)
{
	r->data = data;
	r->len = len;
	r->pos = 0;
	r->line = 1;
	buf_init(&r->text, (size_t) CSV_MAX_FIELDS * (CSV_MAX_FIELD + 1));
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		r->pos = 3;
}

void
csv_free(csv_reader *r)
{
	buf_free(&r->text);
}

static int
peek(const csv_reader *r)
{
	return r->pos < r->len ? (unsigned char) r->data[r->pos] : -1;
}

/* Is data[pos] the end of a line (LF, or CR LF)? */
static bool
at_eol(const csv_reader *r)
{
	int			c = peek(r);

	if (c == '\n')
		return true;
	return c == '\r' && r->pos + 1 < r->len && r->data[r->pos + 1] == '\n';
}

/* Step over the line end at pos, if there is one. */
static void
skip_eol(csv_reader *r)
{
	if (peek(r) == '\r')
		r->pos++;
	if (peek(r) == '\n')
	{
		r->pos++;
		r->line++;
	}
}

static void
skip_blanks(csv_reader *r)
{
	while (peek(r) == ' ' || peek(r) == '\t')
		r->pos++;
}

/* After a bad record: go on at the start of the next line. */
static void
resync(csv_reader *r)
{
	while (r->pos < r->len && r->data[r->pos] != '\n')
		r->pos++;
	skip_eol(r);
}

/* Skip blank and comment lines; false at the end of the text. */
static bool
skip_empty_lines(csv_reader *r)
{
	size_t		p;

	for (;;)
	{
		if (r->pos >= r->len)
			return false;
		p = r->pos;
		skip_blanks(r);
		if (r->pos >= r->len)
			return false;
		if (at_eol(r))
		{
			skip_eol(r);
			continue;
		}
		if (r->data[p] == '#')
		{
			resync(r);
			continue;
		}
		r->pos = p;
		return true;
	}
}

/* A quoted field: from the opening quote to the closing one, "" standing for one quote. */
static tm_result
quoted_field(csv_reader *r, tm_problems *p, long line)
{
	tm_result	res;
	int			c;

	r->pos++;
	for (;;)
	{
		c = peek(r);
		if (c < 0)
		{
			problem(p, line, "a quoted field is never closed; end it with \" (a quote inside is written \"\")");
			return TM_ERR_FORMAT;
		}
		r->pos++;
		if (c == '"')
		{
			if (peek(r) != '"')
				break;
			r->pos++;
		}
		else if (c == '\n')
			r->line++;
		res = buf_addc(&r->text, (char) c);
		if (res != TM_OK)
			return res;
	}
	skip_blanks(r);
	c = peek(r);
	if (c >= 0 && c != ',' && !at_eol(r))
	{
		problem(p, r->line, "text after a closing quote; quote the whole field and write a quote inside it as \"\"");
		return TM_ERR_FORMAT;
	}
	return TM_OK;
}

/* An unquoted field: up to the next comma or line end, surrounding blanks dropped. */
static tm_result
plain_field(csv_reader *r, tm_problems *p)
{
	size_t		from = r->pos;
	size_t		to;
	int			c;

	for (;;)
	{
		c = peek(r);
		if (c < 0 || c == ',' || at_eol(r))
			break;
		if (c == '"')
		{
			problem(p, r->line, "a quote inside an unquoted field; quote the whole field and write the quote as \"\"");
			return TM_ERR_FORMAT;
		}
		r->pos++;
	}
	to = r->pos;
	while (to > from && (r->data[to - 1] == ' ' || r->data[to - 1] == '\t'))
		to--;
	return buf_add(&r->text, r->data + from, to - from);
}

/* Check the field just read and close it with a NUL. */
static tm_result
end_field(csv_reader *r, tm_problems *p, long line, int n)
{
	size_t		len = r->text.len - r->start[n];

	if (len > CSV_MAX_FIELD)
	{
		problem(p, line, "field %d is %zu bytes long; the most a field may have is %d", n + 1, len,
				CSV_MAX_FIELD);
		return TM_ERR_FORMAT;
	}
	if (!utf8_valid(buf_str(&r->text) + r->start[n], len))
	{
		problem(p, line, "field %d is not valid UTF-8 text (or holds a NUL byte); save the file as UTF-8",
				n + 1);
		return TM_ERR_FORMAT;
	}
	return buf_addc(&r->text, '\0');
}

/* Read one record's fields into r->text; pos ends after its line end. */
static tm_result
read_record(csv_reader *r, tm_problems *p, long line, int *nfields)
{
	tm_result	res;
	int			n = 0;

	for (;;)
	{
		if (n == CSV_MAX_FIELDS)
		{
			problem(p, line, "more than %d fields in one record", CSV_MAX_FIELDS);
			return TM_ERR_FORMAT;
		}
		r->start[n] = r->text.len;
		skip_blanks(r);
		if (peek(r) == '"')
			res = quoted_field(r, p, line);
		else
			res = plain_field(r, p);
		if (res == TM_OK)
			res = end_field(r, p, line, n);
		if (res != TM_OK)
			return res;
		n++;
		if (peek(r) != ',')
			break;
		r->pos++;
	}
	skip_eol(r);
	*nfields = n;
	return TM_OK;
}

tm_result
csv_next(csv_reader *r, tm_problems *p, csv_record *rec, bool *done)
{
	tm_result	res;
	int			n = 0;
	int			i;

	*done = false;
	rec->n = 0;
	rec->field = r->field;
	if (!skip_empty_lines(r))
	{
		*done = true;
		return TM_OK;
	}
	buf_reset(&r->text);
	rec->line = r->line;
	res = read_record(r, p, rec->line, &n);
	if (res != TM_OK)
	{
		if (res == TM_ERR_NOMEM)
			problem(p, rec->line, "the record is too large");
		if (r->pos < r->len)
			resync(r);
		return TM_ERR_FORMAT;
	}
	for (i = 0; i < n; i++)
		r->field[i] = buf_str(&r->text) + r->start[i];
	rec->n = n;
	return TM_OK;
}
