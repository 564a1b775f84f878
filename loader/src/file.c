/*
 * file.c - whole files into memory.
 */
#include "file.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "msg.h"

tm_result
file_read(const char *path, size_t max, tm_buf *out)
{
	char		chunk[65536];
	FILE	   *f = NULL;
	bool		is_stdin = strcmp(path, "-") == 0;
	size_t		n;
	tm_result	r = TM_OK;

	buf_init(out, max);
	if (is_stdin)
		f = stdin;
	else
		f = fopen(path, "rb");
	if (f == NULL)
	{
		errorf("cannot open %s: %s", path, msg_errno(errno));
		r = TM_ERR_IO;
		goto out;
	}
	for (;;)
	{
		n = fread(chunk, 1, sizeof(chunk), f);
		if (n > 0)
		{
			r = buf_add(out, chunk, n);
			if (r != TM_OK)
			{
				errorf("%s is larger than %zu bytes, the most this command reads", path, max);
				goto out;
			}
		}
		if (n < sizeof(chunk))
			break;
	}
	if (ferror(f))
	{
		errorf("cannot read %s: %s", path, msg_errno(errno));
		r = TM_ERR_IO;
		goto out;
	}
	/* An empty file still gives a NUL-terminated empty string. */
	r = buf_add(out, "", 0);
out:
	if (f != NULL && !is_stdin)
		fclose(f);
	if (r != TM_OK)
		buf_free(out);
	return r;
}
