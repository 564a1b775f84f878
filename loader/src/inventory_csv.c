/*
 * inventory_csv.c - instances from the fleet CSV: one row per host, checked column by column,
 * then across rows (a name or an address on two rows is an error).
 */
#include "inventory_csv.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "csvtable.h"

enum
{
	COL_NAME,
	COL_ADDRESS,
	COL_ARCHDOMAIN,
	COL_ENV,
	COL_INSTANCE_TYPE,
	COL_HOURLY_PRICE,
	COL_AZ,
	COL_REGION,
	COL_LIFECYCLE,
	NCOLS
};

/* An address with the row it is on, for finding the same address on two rows. */
typedef struct
{
	tm_netaddr	addr;
	long		line;
} seen_address;

/* The field of a known column, "" when the file has no such column. */
static const char *
field_of(const csv_record *rec, const int *col, int k)
{
	return col[k] >= 0 && col[k] < rec->n ? rec->field[col[k]] : "";
}

static char *
nonempty(fleet *f, const char *s)
{
	return s[0] != '\0' ? fleet_strdup(f, s) : NULL;
}

/* Split "a;b;c" and add each address to the instance (and to every address seen). */
static void
add_addresses(fleet *f, fleet_instance *in, const char *list, tm_buf *seen, tm_problems *p)
{
	char		one[NETADDR_TEXT_MAX + 8];
	const char *s = list;
	size_t		tried = 0;

	while (*s != '\0')
	{
		const char *end = strchr(s, ';');
		size_t		len = end != NULL ? (size_t) (end - s) : strlen(s);
		tm_netaddr	a;
		const char *why;
		seen_address sa;

		while (len > 0 && (*s == ' ' || *s == '\t'))
		{
			s++;
			len--;
		}
		while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		if (len >= sizeof(one))
		{
			tried++;
			problem(p, in->line, "address '%.*s...' is not an IPv4 or IPv6 address", 20, s);
		}
		else if (len > 0)
		{
			tried++;
			memcpy(one, s, len);
			one[len] = '\0';
			if (netaddr_parse(one, false, &a, &why) != TM_OK)
				problem(p, in->line, "address '%s' %s", one, why);
			else if (fleet_add_address(f, in, false, &a))
			{
				sa.addr = a;
				sa.line = in->line;
				if (buf_add(seen, &sa, sizeof(sa)) != TM_OK && f->error == TM_OK)
					f->error = TM_ERR_NOMEM;
			}
		}
		s += len;
		while (*s != '\0' && *s != ';')
			s++;
		if (*s == ';')
			s++;
	}
	if (tried == 0)
		problem(p, in->line, "no address; give one or more addresses separated by ';'");
}

/* Every column that is not a known one, and the archdomain and env tags, as a JSON object. */
static char *
tags_json(fleet *f, const csv_record *hdr, const csv_record *rec, const int *col)
{
	json_object *o = json_object_new_object();
	char	   *text = NULL;
	int			i;
	int			k;

	if (o == NULL)
	{
		f->error = TM_ERR_NOMEM;
		return NULL;
	}
	for (i = 0; i < rec->n && i < hdr->n; i++)
	{
		bool		tag = true;

		for (k = 0; k < NCOLS; k++)
		{
			if (col[k] == i && k != COL_ARCHDOMAIN && k != COL_ENV)
				tag = false;
		}
		if (tag && rec->field[i][0] != '\0')
			json_object_object_add(o, hdr->field[i], json_object_new_string(rec->field[i]));
	}
	text = fleet_strdup(f, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
														  JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return text;
}

/* One data row into one instance. */
static void
add_row(fleet *f, const csv_record *hdr, const csv_record *rec, const int *col, tm_buf *seen,
		tm_problems *p)
{
	fleet_instance *in;
	const char *why;
	char	   *v;

	if (rec->n != hdr->n)
	{
		problem(p, rec->line, "%d fields, but the header row has %d columns", rec->n, hdr->n);
		return;
	}
	in = fleet_add_instance(f, rec->line);
	if (in == NULL)
		return;
	in->file = p->file;
	if (field_of(rec, col, COL_NAME)[0] == '\0')
		problem(p, rec->line, "no name; every row needs one (it identifies the host)");
	in->instance_id = nonempty(f, field_of(rec, col, COL_NAME));
	in->name = nonempty(f, field_of(rec, col, COL_NAME));
	add_addresses(f, in, field_of(rec, col, COL_ADDRESS), seen, p);
	in->archdomain_tag = nonempty(f, field_of(rec, col, COL_ARCHDOMAIN));
	in->env = nonempty(f, field_of(rec, col, COL_ENV));
	in->instance_type = nonempty(f, field_of(rec, col, COL_INSTANCE_TYPE));
	in->az = nonempty(f, field_of(rec, col, COL_AZ));
	in->region = nonempty(f, field_of(rec, col, COL_REGION));
	v = nonempty(f, field_of(rec, col, COL_HOURLY_PRICE));
	if (v != NULL && !csvtable_check(CT_PRICE, v, &why))
		problem(p, rec->line, "hourly_price '%s' %s", v, why);
	in->hourly_price = v;
	v = fleet_strdup(f, field_of(rec, col, COL_LIFECYCLE)[0] != '\0' ?
					 field_of(rec, col, COL_LIFECYCLE) : "unknown");
	if (v != NULL && !csvtable_check(CT_LIFECYCLE, v, &why))
		problem(p, rec->line, "lifecycle '%s' %s", v, why);
	in->lifecycle = v;
	in->tags = tags_json(f, hdr, rec, col);
}

static int
compare_seen(const void *a, const void *b)
{
	const seen_address *x = a;
	const seen_address *y = b;
	int			c;

	if (x->addr.family != y->addr.family)
		return x->addr.family < y->addr.family ? -1 : 1;
	c = memcmp(x->addr.bytes, y->addr.bytes, sizeof(x->addr.bytes));
	if (c != 0)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

static int
compare_names(const void *a, const void *b)
{
	const fleet_instance *x = *(const fleet_instance *const *) a;
	const fleet_instance *y = *(const fleet_instance *const *) b;
	int			c = strcmp(x->instance_id != NULL ? x->instance_id : "",
						   y->instance_id != NULL ? y->instance_id : "");

	if (c != 0)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* A host is one row and an address belongs to one host: report repeats at the later row. */
static void
check_repeats(fleet *f, tm_buf *seen, tm_problems *p)
{
	size_t		n = seen->len / sizeof(seen_address);
	seen_address *s = (seen_address *) (void *) seen->data;
	fleet_instance **in;
	size_t		i;
	tm_buf		sorted;

	if (n > 1)
		qsort(s, n, sizeof(*s), compare_seen);
	for (i = 1; i < n; i++)
	{
		char		text[NETADDR_TEXT_MAX];

		if (!netaddr_equal(&s[i].addr, &s[i - 1].addr))
			continue;
		netaddr_format(&s[i].addr, text, sizeof(text));
		problem(p, s[i].line, "address %s is also on line %ld; an address belongs to one host",
				text, s[i - 1].line);
	}
	n = fleet_ninstances(f);
	buf_init(&sorted, FLEET_MAX_ITEMS * sizeof(void *));
	if (n < 2 || buf_add(&sorted, f->instances.data, f->instances.len) != TM_OK)
	{
		buf_free(&sorted);
		return;
	}
	in = (fleet_instance **) (void *) sorted.data;
	qsort(in, n, sizeof(*in), compare_names);
	for (i = 1; i < n; i++)
	{
		if (in[i]->instance_id != NULL && in[i - 1]->instance_id != NULL &&
			strcmp(in[i]->instance_id, in[i - 1]->instance_id) == 0)
			problem(p, in[i]->line, "name '%s' is also on line %ld; names identify hosts",
					in[i]->instance_id, in[i - 1]->line);
	}
	buf_free(&sorted);
}

tm_result
inventory_csv_parse(const char *data, size_t len, const fleet_tag_names *tags, fleet *out,
					tm_problems *p)
{
	static const bool required[NCOLS] = {true, true};
	const char *known[NCOLS] = {
		"name", "address", tags->archdomain, tags->env, "instance_type", "hourly_price",
		"az", "region", "lifecycle"
	};
	int			col[NCOLS];
	csv_reader *r = NULL;
	csv_record	rec;
	csv_record	hdr = {0, 0, NULL};
	char	  **names = NULL;
	tm_buf		seen;
	bool		done = false;
	tm_result	res = TM_OK;
	int			i;

	buf_init(&seen, FLEET_MAX_ITEMS * sizeof(seen_address));
	out->has_instances = true;
	r = malloc(sizeof(*r));
	names = calloc(CSV_MAX_FIELDS, sizeof(char *));
	if (r == NULL || names == NULL)
	{
		res = TM_ERR_NOMEM;
		goto out;
	}
	csv_init(r, data, len);
	/* The header row: the first record that is not malformed. */
	while (hdr.n == 0)
	{
		res = csv_next(r, p, &rec, &done);
		if (done)
		{
			problem(p, 0, "no header row; the first line names the columns (name,address,...)");
			goto out;
		}
		if (res != TM_OK)
			continue;
		for (i = 0; i < rec.n; i++)
		{
			names[i] = fleet_strdup(out, rec.field[i]);
			if (names[i] == NULL)
			{
				res = TM_ERR_NOMEM;
				goto out;
			}
		}
		hdr.line = rec.line;
		hdr.n = rec.n;
		hdr.field = (const char *const *) names;
	}
	res = csvtable_header(&hdr, known, required, NCOLS, col, p);
	if (res != TM_OK)
		goto out;
	for (;;)
	{
		res = csv_next(r, p, &rec, &done);
		if (done)
			break;
		if (res == TM_OK)
			add_row(out, &hdr, &rec, col, &seen, p);
		if (out->error != TM_OK)
			break;
	}
	if (out->error == TM_OK)
		check_repeats(out, &seen, p);
	res = TM_OK;
out:
	if (r != NULL)
		csv_free(r);
	free(r);
	if (names != NULL)
	{
		for (i = 0; i < CSV_MAX_FIELDS; i++)
			free(names[i]);
	}
	free(names);
	buf_free(&seen);
	if (res == TM_OK && out->error != TM_OK)
		res = out->error;
	if (res == TM_OK && p->errors > 0)
		res = TM_ERR_FORMAT;
	return res;
}
