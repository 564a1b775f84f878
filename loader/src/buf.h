/*
 * buf.h - a growing byte buffer with a maximum size, the one way the loader builds strings
 * and batches bytes of unknown length. Like curl's dynbuf: every append either fits under
 * the maximum or fails with TM_ERR_NOMEM and leaves the contents as they were.
 */
#ifndef TM_BUF_H
#define TM_BUF_H

#include <stddef.h>

#include "tm.h"

typedef struct
{
	char	   *data;			/* always NUL-terminated once anything was added */
	size_t		len;
	size_t		cap;
	size_t		max;			/* appends that would make len exceed this fail */
} tm_buf;

void		buf_init(tm_buf *b, size_t max);
void		buf_free(tm_buf *b);
void		buf_reset(tm_buf *b);
tm_result	buf_add(tm_buf *b, const void *p, size_t n);
tm_result	buf_addc(tm_buf *b, char c);
tm_result	buf_adds(tm_buf *b, const char *s);
tm_result	buf_addf(tm_buf *b, const char *fmt,...) __attribute__((format(printf, 2, 3)));
const char *buf_str(const tm_buf *b);

#endif							/* TM_BUF_H */
