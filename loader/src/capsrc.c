/*
 * capsrc.c - a capture's bytes through zlib (which passes bytes that are not gzip through
 * unchanged), a SHA-256 digest and a byte count, offered as a stdio FILE made with glibc's
 * fopencookie so libpcap can read it.
 */
#include "capsrc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "msg.h"

#define GZ_BUFFER (256 * 1024)
#define STREAM_BUFFER (256 * 1024)
#define MAGIC_LEN 4

struct tm_capsrc
{
	char	   *name;
	gzFile		gz;				/* the file or stdin, NULL for memory */
	const uint8_t *mem;
	size_t		memlen;
	size_t		mempos;
	tm_digest  *digest;
	uint64_t	bytes;
	uint8_t		head[MAGIC_LEN];	/* the first bytes, read ahead for capsrc_magic */
	size_t		headlen;
	size_t		headpos;		/* how much of head the stream has served */
	bool		failed;
	bool		eof;
	char		why[256];
};

/* Read decompressed bytes from the source, hashing and counting them. */
static size_t
pull(tm_capsrc *s, void *buf, size_t n)
{
	size_t		got = 0;
	int			k;
	int			errnum;
	const char *msg;

	if (s->eof || s->failed || n == 0)
		return 0;
	if (s->gz == NULL)
	{
		got = s->memlen - s->mempos;
		if (got > n)
			got = n;
		memcpy(buf, s->mem + s->mempos, got);
		s->mempos += got;
	}
	else
	{
		if (n > INT_MAX)
			n = INT_MAX;
		k = gzread(s->gz, buf, (unsigned) n);
		if (k < 0)
		{
			msg = gzerror(s->gz, &errnum);
			snprintf(s->why, sizeof(s->why), "%s",
					 errnum == Z_ERRNO ? msg_errno(errno) : msg);
			s->failed = true;
			return 0;
		}
		got = (size_t) k;
	}
	if (got == 0)
		s->eof = true;
	digest_update(s->digest, buf, got);
	s->bytes += got;
	return got;
}

/* fopencookie's read: the read-ahead bytes first, then the source. */
static ssize_t
stream_read(void *cookie, char *buf, size_t size)
{
	tm_capsrc  *s = cookie;
	size_t		n = 0;

	if (s->headpos < s->headlen && size > 0)
	{
		n = s->headlen - s->headpos;
		if (n > size)
			n = size;
		memcpy(buf, s->head + s->headpos, n);
		s->headpos += n;
	}
	if (n < size)
		n += pull(s, buf + n, size - n);
	if (n == 0 && s->failed)
		return -1;
	return (ssize_t) n;
}

/* fopencookie's close: the source outlives its FILE (capsrc_finish reads on). */
static int
stream_close(void *cookie)
{
	(void) cookie;
	return 0;
}

static tm_result
capsrc_new(const char *name, tm_capsrc **out)
{
	tm_capsrc  *s;
	tm_result	r = TM_ERR_NOMEM;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		goto out;
	s->name = strdup(name);
	if (s->name == NULL)
		goto out;
	r = digest_new(&s->digest);
	if (r != TM_OK)
		goto out;
	*out = s;
	s = NULL;
out:
	capsrc_free(s);
	return r;
}

/* Read the magic bytes ahead, so the format can be told before anything parses. */
static void
read_head(tm_capsrc *s)
{
	size_t		got;

	while (s->headlen < MAGIC_LEN)
	{
		got = pull(s, s->head + s->headlen, MAGIC_LEN - s->headlen);
		if (got == 0)
			break;
		s->headlen += got;
	}
}

tm_result
capsrc_open(const char *path, tm_capsrc **out)
{
	tm_capsrc  *s = NULL;
	tm_result	r;
	int			fd = -1;
	bool		is_stdin = strcmp(path, "-") == 0;

	*out = NULL;
	r = capsrc_new(is_stdin ? "standard input" : path, &s);
	if (r != TM_OK)
	{
		errorf("%s: out of memory", path);
		goto out;
	}
	fd = is_stdin ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
	{
		errorf("%s: cannot open: %s", s->name, msg_errno(errno));
		r = TM_ERR_IO;
		goto out;
	}
	s->gz = gzdopen(fd, "rb");
	if (s->gz == NULL)
	{
		errorf("%s: cannot read: out of memory", s->name);
		r = TM_ERR_NOMEM;
		goto out;
	}
	fd = -1;
	gzbuffer(s->gz, GZ_BUFFER);
	read_head(s);
	if (s->failed && s->headlen == 0)
	{
		errorf("%s: cannot read: %s", s->name, s->why);
		r = TM_ERR_IO;
		goto out;
	}
	*out = s;
	s = NULL;
	r = TM_OK;
out:
	if (fd >= 0)
		close(fd);
	capsrc_free(s);
	return r;
}

tm_result
capsrc_open_mem(const void *data, size_t len, tm_capsrc **out)
{
	tm_result	r;

	r = capsrc_new("memory", out);
	if (r != TM_OK)
		return r;
	(*out)->mem = data;
	(*out)->memlen = len;
	read_head(*out);
	return TM_OK;
}

uint32_t
capsrc_magic(const tm_capsrc *s, size_t *n)
{
	uint32_t	m = 0;
	size_t		i;

	for (i = 0; i < s->headlen; i++)
		m = (m << 8) | s->head[i];
	*n = s->headlen;
	return m << (8 * (MAGIC_LEN - s->headlen) % 32);
}

FILE *
capsrc_stream(tm_capsrc *s)
{
	static const cookie_io_functions_t io = {
		.read = stream_read,
		.write = NULL,
		.seek = NULL,
		.close = stream_close
	};
	FILE	   *fp;

	fp = fopencookie(s, "rb", io);
	if (fp == NULL)
	{
		errorf("%s: cannot read: %s", s->name, msg_errno(errno));
		return NULL;
	}
	setvbuf(fp, NULL, _IOFBF, STREAM_BUFFER);
	return fp;
}

uint64_t
capsrc_bytes(const tm_capsrc *s)
{
	return s->bytes;
}

bool
capsrc_gzipped(const tm_capsrc *s)
{
	return s->gz != NULL && gzdirect(s->gz) == 0;
}

bool
capsrc_failed(const tm_capsrc *s, const char **why)
{
	*why = s->why;
	return s->failed;
}

tm_result
capsrc_finish(tm_capsrc *s, char hex[DIGEST_HEX_LEN + 1])
{
	uint8_t		sink[16 * 1024];

	while (pull(s, sink, sizeof(sink)) > 0)
		;
	return digest_final_hex(s->digest, hex);
}

void
capsrc_free(tm_capsrc *s)
{
	if (s == NULL)
		return;
	if (s->gz != NULL)
		gzclose(s->gz);
	digest_free(s->digest);
	free(s->name);
	free(s);
}
