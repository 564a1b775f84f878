/*
 * inventory_foreign.c - the foreign-ips file, line by line.
 */
#include "inventory_foreign.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

void
foreign_list_init(foreign_list *l)
{
	buf_init(&l->entries, FOREIGN_MAX_ENTRIES * sizeof(foreign_entry));
}

size_t
foreign_list_count(const foreign_list *l)
{
	return l->entries.len / sizeof(foreign_entry);
}

const foreign_entry *
foreign_list_at(const foreign_list *l, size_t i)
{
	return (const foreign_entry *) (const void *) l->entries.data + i;
}

void
foreign_list_free(foreign_list *l)
{
	size_t		i;

	for (i = 0; i < foreign_list_count(l); i++)
		free(foreign_list_at(l, i)->name);
	buf_free(&l->entries);
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* The line without its comment and surrounding blanks, as [*from, *to). */
static void
strip_line(const char *line, size_t len, size_t *from, size_t *to)
{
	size_t		i;

	*from = 0;
	*to = len;
	for (i = 0; i < len; i++)
	{
		if (line[i] == '#' && (i == 0 || is_blank(line[i - 1])))
		{
			*to = i;
			break;
		}
	}
	while (*from < *to && is_blank(line[*from]))
		(*from)++;
	while (*to > *from && is_blank(line[*to - 1]))
		(*to)--;
}

/* One non-empty line: ADDRESS[/PREFIX] blanks NAME. */
static tm_result
parse_line(foreign_list *out, const char *s, size_t len, long line, tm_problems *p)
{
	char		addr[NETADDR_TEXT_MAX + 8];
	foreign_entry e;
	const char *why;
	size_t		a = 0;
	size_t		n;

	while (a < len && !is_blank(s[a]))
		a++;
	n = a;
	while (n < len && is_blank(s[n]))
		n++;
	if (a >= sizeof(addr))
	{
		problem(p, line, "'%.20s...' is not an IPv4 or IPv6 address or network", s);
		return TM_ERR_FORMAT;
	}
	memcpy(addr, s, a);
	addr[a] = '\0';
	if (netaddr_parse(addr, true, &e.net, &why) != TM_OK)
	{
		problem(p, line, "'%s' %s", addr, why);
		return TM_ERR_FORMAT;
	}
	if (n == len)
	{
		problem(p, line, "%s has no name; write the name after the address", addr);
		return TM_ERR_FORMAT;
	}
	if (len - n > FOREIGN_MAX_NAME)
	{
		problem(p, line, "the name is %zu bytes long; the most a name may have is %d", len - n,
				FOREIGN_MAX_NAME);
		return TM_ERR_FORMAT;
	}
	e.line = line;
	e.name = strndup(s + n, len - n);
	if (e.name == NULL)
		return TM_ERR_NOMEM;
	if (buf_add(&out->entries, &e, sizeof(e)) != TM_OK)
	{
		free(e.name);
		return TM_ERR_NOMEM;
	}
	return TM_OK;
}

static int
compare_entries(const void *a, const void *b)
{
	const foreign_entry *x = *(const foreign_entry *const *) a;
	const foreign_entry *y = *(const foreign_entry *const *) b;
	int			c;

	if (x->net.family != y->net.family)
		return x->net.family < y->net.family ? -1 : 1;
	c = memcmp(x->net.bytes, y->net.bytes, sizeof(x->net.bytes));
	if (c != 0)
		return c;
	if (x->net.prefix != y->net.prefix)
		return x->net.prefix < y->net.prefix ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* One name per network: a network on two lines is an error at the later one. */
static tm_result
check_repeats(const foreign_list *out, tm_problems *p)
{
	const foreign_entry **e;
	size_t		n = foreign_list_count(out);
	size_t		i;
	char		text[NETADDR_TEXT_MAX];

	if (n < 2)
		return TM_OK;
	e = malloc(n * sizeof(*e));
	if (e == NULL)
		return TM_ERR_NOMEM;
	for (i = 0; i < n; i++)
		e[i] = foreign_list_at(out, i);
	qsort(e, n, sizeof(*e), compare_entries);
	for (i = 1; i < n; i++)
	{
		if (!netaddr_equal(&e[i]->net, &e[i - 1]->net))
			continue;
		netaddr_format(&e[i]->net, text, sizeof(text));
		problem(p, e[i]->line, "%s is also on line %ld; give each address or network one name",
				text, e[i - 1]->line);
	}
	free(e);
	return TM_OK;
}

tm_result
inventory_foreign_parse(const char *data, size_t len, foreign_list *out, tm_problems *p)
{
	size_t		pos = 0;
	long		line = 0;
	tm_result	r = TM_OK;

	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;
	while (pos < len && r != TM_ERR_NOMEM)
	{
		const char *s = data + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t		n = nl != NULL ? (size_t) (nl - s) : len - pos;
		size_t		from;
		size_t		to;

		line++;
		pos += n + (nl != NULL ? 1 : 0);
		if (!utf8_valid(s, n))
		{
			problem(p, line, "the line is not valid UTF-8 text (or holds a NUL byte); save the file as UTF-8");
			continue;
		}
		strip_line(s, n, &from, &to);
		if (from == to)
			continue;
		r = parse_line(out, s + from, to - from, line, p);
	}
	if (r != TM_ERR_NOMEM)
		r = check_repeats(out, p);
	if (r == TM_ERR_NOMEM)
		return r;
	return p->errors > 0 ? TM_ERR_FORMAT : TM_OK;
}
