/*
 * json_where.c - finding a value's line by walking already-valid JSON text.
 */
#include "json_where.h"

#include <stdbool.h>
#include <string.h>

typedef struct
{
	const char *s;
	size_t		len;
	size_t		pos;
} cursor;

static void
skip_space(cursor *c)
{
	while (c->pos < c->len && (c->s[c->pos] == ' ' || c->s[c->pos] == '\t' ||
							   c->s[c->pos] == '\n' || c->s[c->pos] == '\r'))
		c->pos++;
}

/* Past the string that starts at pos (on its opening quote). */
static void
skip_string(cursor *c)
{
	c->pos++;
	while (c->pos < c->len && c->s[c->pos] != '"')
		c->pos += c->s[c->pos] == '\\' ? 2 : 1;
	if (c->pos < c->len)
		c->pos++;
}

/* Past the value that starts at pos: nested containers by counting, strings by their quotes. */
static void
skip_value(cursor *c)
{
	int			depth = 0;

	skip_space(c);
	do
	{
		if (c->pos >= c->len)
			return;
		switch (c->s[c->pos])
		{
			case '"':
				skip_string(c);
				break;
			case '{':
			case '[':
				depth++;
				c->pos++;
				break;
			case '}':
			case ']':
				if (depth == 0)
					return;
				depth--;
				c->pos++;
				break;
			case ',':
			case ':':
				if (depth == 0)
					return;
				c->pos++;
				break;
			default:
				c->pos++;
				if (depth == 0)
				{
					while (c->pos < c->len && c->s[c->pos] != '\0' &&
						   strchr(",:}] \t\r\n", c->s[c->pos]) == NULL)
						c->pos++;
					return;
				}
				break;
		}
	} while (depth > 0);
}

/* In an object at pos, move to the value of member key; false if it has none. */
static bool
enter_member(cursor *c, const char *key)
{
	size_t		klen = strlen(key);

	skip_space(c);
	if (c->pos >= c->len || c->s[c->pos] != '{')
		return false;
	c->pos++;
	for (;;)
	{
		size_t		name;
		bool		match;

		skip_space(c);
		if (c->pos >= c->len || c->s[c->pos] != '"')
			return false;
		name = c->pos + 1;
		skip_string(c);
		match = c->pos - name - 1 == klen && memcmp(c->s + name, key, klen) == 0;
		skip_space(c);
		if (c->pos >= c->len || c->s[c->pos] != ':')
			return false;
		c->pos++;
		skip_space(c);
		if (match)
			return true;
		skip_value(c);
		skip_space(c);
		if (c->pos >= c->len || c->s[c->pos] != ',')
			return false;
		c->pos++;
	}
}

/* In an array at pos, move to element index; false if it is shorter. */
static bool
enter_element(cursor *c, size_t index)
{
	size_t		i;

	skip_space(c);
	if (c->pos >= c->len || c->s[c->pos] != '[')
		return false;
	c->pos++;
	for (i = 0; i < index; i++)
	{
		skip_value(c);
		skip_space(c);
		if (c->pos >= c->len || c->s[c->pos] != ',')
			return false;
		c->pos++;
	}
	skip_space(c);
	return c->pos < c->len && c->s[c->pos] != ']';
}

bool
json_find(const char *text, size_t len, size_t from, const json_step *path, int depth, size_t *at)
{
	cursor		c = {text, len, from};
	int			d;

	for (d = 0; d < depth; d++)
	{
		bool		found = path[d].key != NULL ? enter_member(&c, path[d].key)
			: enter_element(&c, path[d].index);

		if (!found)
			return false;
	}
	skip_space(&c);
	*at = c.pos;
	return c.pos < len;
}

size_t
json_elements(const char *text, size_t len, size_t at, size_t *offsets, size_t max)
{
	cursor		c = {text, len, at};
	size_t		n = 0;

	skip_space(&c);
	if (c.pos >= c.len || c.s[c.pos] != '[')
		return 0;
	c.pos++;
	skip_space(&c);
	if (c.pos < c.len && c.s[c.pos] == ']')
		return 0;
	while (n < max && c.pos < c.len)
	{
		skip_space(&c);
		offsets[n++] = c.pos;
		skip_value(&c);
		skip_space(&c);
		if (c.pos >= c.len || c.s[c.pos] != ',')
			break;
		c.pos++;
	}
	return n;
}

long
json_where(const char *text, size_t len, size_t from, const json_step *path, int depth)
{
	size_t		at;
	long		line = 1;
	size_t		i;

	if (!json_find(text, len, from, path, depth, &at))
		return 0;
	for (i = 0; i < at; i++)
		line += text[i] == '\n';
	return line;
}
