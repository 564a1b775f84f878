/*
 * keep_pcap.c - gzip'ing a capture stream to a file with zlib, incrementally.
 *
 * deflate with a gzip wrapper (windowBits 15 + 16) at a reduced memLevel: a run may keep a
 * thousand of these open at once, and capture headers compress well with less state.
 */
#include "keep_pcap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "msg.h"

#define KEEP_LEVEL 6
#define KEEP_MEMLEVEL 5			/* about 144 KB of deflate state per host */
#define KEEP_OUT 16384

struct keep_pcap
{
	int			fd;
	z_stream	z;
	char	   *path;
	tm_result	error;			/* the first failure; later writes do nothing */
	unsigned char out[KEEP_OUT];
};

const char *
keep_pcap_path(const keep_pcap *k)
{
	return k->path;
}

/* Host names and addresses as file names: anything but [A-Za-z0-9._-] becomes '_'. */
static void
file_name(char *buf, size_t size, const char *dir, long long run_id, const char *host)
{
	size_t		n;
	char	   *p;

	n = (size_t) snprintf(buf, size, "%s/run%lld-", dir, run_id);
	if (n >= size)
		return;
	p = buf + n;
	for (; *host != '\0' && (size_t) (p - buf) < size - 9; host++)
	{
		char		c = *host;

		*p++ = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			c == '.' || c == '-' ? c : '_';
	}
	snprintf(p, size - (size_t) (p - buf), ".pcap.gz");
}

tm_result
keep_pcap_open(const char *dir, long long run_id, const char *host, keep_pcap **out)
{
	keep_pcap  *k;
	char		path[4096];
	bool		deflating = false;
	tm_result	r = TM_OK;

	*out = NULL;
	k = calloc(1, sizeof(*k));
	if (k == NULL)
		return TM_ERR_NOMEM;
	k->fd = -1;
	file_name(path, sizeof(path), dir, run_id, host);
	k->path = strdup(path);
	deflating = k->path != NULL &&
		deflateInit2(&k->z, KEEP_LEVEL, Z_DEFLATED, 15 + 16, KEEP_MEMLEVEL, Z_DEFAULT_STRATEGY) == Z_OK;
	if (!deflating)
	{
		r = TM_ERR_NOMEM;
		goto out;
	}
	k->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (k->fd < 0)
	{
		errorf("--keep-pcap: cannot make %s: %s", path, msg_errno(errno));
		r = TM_ERR_IO;
	}
out:
	if (r != TM_OK)
	{
		if (deflating)
			deflateEnd(&k->z);
		free(k->path);
		free(k);
	}
	else
		*out = k;
	return r;
}

static tm_result
write_all(keep_pcap *k, const unsigned char *p, size_t n)
{
	ssize_t		w;

	while (n > 0)
	{
		w = write(k->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
		{
			errorf("--keep-pcap: cannot write %s: %s", k->path, msg_errno(errno));
			return TM_ERR_IO;
		}
		p += w;
		n -= (size_t) w;
	}
	return TM_OK;
}

/* Run deflate over the pending input with flush, writing whatever output it makes. */
static tm_result
pump(keep_pcap *k, int flush)
{
	int			rc;
	tm_result	r;

	do
	{
		k->z.next_out = k->out;
		k->z.avail_out = sizeof(k->out);
		rc = deflate(&k->z, flush);
		if (rc == Z_STREAM_ERROR)
			return TM_ERR_INTERNAL;
		r = write_all(k, k->out, sizeof(k->out) - k->z.avail_out);
		if (r != TM_OK)
			return r;
	} while (k->z.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
	return TM_OK;
}

tm_result
keep_pcap_write(keep_pcap *k, const void *p, size_t n)
{
	if (k->error != TM_OK)
		return k->error;
	k->z.next_in = (unsigned char *) p;
	k->z.avail_in = (uInt) n;
	k->error = pump(k, Z_NO_FLUSH);
	return k->error;
}

tm_result
keep_pcap_close(keep_pcap *k)
{
	tm_result	r = k->error;

	if (r == TM_OK)
	{
		k->z.next_in = NULL;
		k->z.avail_in = 0;
		r = pump(k, Z_FINISH);
	}
	deflateEnd(&k->z);
	if (close(k->fd) != 0 && r == TM_OK)
	{
		errorf("--keep-pcap: cannot write %s: %s", k->path, msg_errno(errno));
		r = TM_ERR_IO;
	}
	free(k->path);
	free(k);
	return r;
}
