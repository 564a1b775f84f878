/*
 * buf.c - growing byte buffers with a maximum size.
 */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
buf_init(tm_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void
buf_free(tm_buf *b)
{
	free(b->data);
	buf_init(b, b->max);
}

void
buf_reset(tm_buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* Make room for n more bytes and a NUL, doubling so appends are amortized O(1). */
static tm_result
buf_reserve(tm_buf *b, size_t n)
{
	size_t		need;
	size_t		cap;
	char	   *p;

	if (n > b->max || b->len > b->max - n)
		return TM_ERR_NOMEM;
	need = b->len + n + 1;
	if (need <= b->cap)
		return TM_OK;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	p = realloc(b->data, cap);
	if (p == NULL)
		return TM_ERR_NOMEM;
	b->data = p;
	b->cap = cap;
	return TM_OK;
}

tm_result
buf_add(tm_buf *b, const void *p, size_t n)
{
	tm_result	r;

	r = buf_reserve(b, n);
	if (r != TM_OK)
		return r;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return TM_OK;
}

tm_result
buf_addc(tm_buf *b, char c)
{
	return buf_add(b, &c, 1);
}

tm_result
buf_adds(tm_buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

tm_result
buf_addf(tm_buf *b, const char *fmt,...)
{
	va_list		ap;
	int			n;
	tm_result	r;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return TM_ERR_INTERNAL;
	r = buf_reserve(b, (size_t) n);
	if (r != TM_OK)
		return r;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t) n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t) n;
	return TM_OK;
}

const char *
buf_str(const tm_buf *b)
{
	return b->data != NULL ? b->data : "";
}
