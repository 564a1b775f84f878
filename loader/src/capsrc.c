/*
 * capsrc.c - a capture's bytes: read, inflated by zlib when they start with gzip's magic
 * (members one after the other, as gzip -c a b or cat a.gz b.gz make them), hashed
 * (SHA-256) and counted, and offered as a stdio FILE so libpcap can read it.
 *
 * Three ways, by what the bytes are:
 *
 *   an uncompressed regular file   the reader gets the file itself, with a large buffer,
 *                                  and a thread reads and hashes it beside the reader (not
 *                                  mmap: a mapped capture would count in the resident set
 *                                  and a file cut while mapped would kill the process)
 *   gzip, a pipe, stdin            a thread reads, inflates and hashes into a ring of
 *                                  chunks, which the reader's FILE (fopencookie) takes
 *   memory (tests, fuzzing)        the same steps on demand in the caller's thread
 *
 * So on two cores the SHA-256 and the decompression run beside libpcap, the dissectors and
 * the aggregator instead of before them. The SHA-256 goes to the half with less to do: the
 * thread for plain bytes, the reader for gzip (inflating is slower than parsing).
 */
#include "capsrc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "msg.h"

#define CHUNK_SIZE (1024 * 1024)	/* bytes per ring chunk */
#define RING_CHUNKS 8			/* chunks the producer may run ahead */
#define RAW_BUFFER (256 * 1024)	/* compressed bytes read at a time */
#define STREAM_BUFFER (1024 * 1024)	/* the reader's FILE buffer: few reads, each large */
#define MAGIC_LEN 4
#define GZIP_MAGIC0 0x1f
#define GZIP_MAGIC1 0x8b
#define ZLIB_GZIP_ONLY (15 + 16)	/* inflateInit2 window bits: a gzip wrapper */

typedef struct
{
	uint8_t    *data;
	size_t		len;
} chunk;

typedef enum
{
	SRC_MEMORY,					/* produced on demand, read through the cookie FILE */
	SRC_RING,					/* produced by the thread into the ring, read likewise */
	SRC_FILE					/* the thread only hashes; the reader opens the file itself */
} src_mode;

struct tm_capsrc
{
	char	   *name;
	char	   *path;			/* SRC_FILE: what the reader's FILE opens */
	src_mode	mode;

	/* The raw bytes: a file descriptor, or memory. */
	int			fd;				/* -1 for memory */
	int			stop_pipe[2];	/* written to when the reader gives up (threaded only) */
	const uint8_t *in;			/* raw bytes not yet used: mem, or rawbuf */
	size_t		inlen;
	uint8_t    *rawbuf;
	bool		raw_eof;

	/* Inflating. */
	bool		gzip;
	z_stream	z;
	bool		z_ready;
	bool		z_member_done;	/* the last member ended: what follows may be another */

	/* What the producer made: hashed and counted. */
	tm_digest  *digest;
	bool		reader_hashes;	/* gzip through the ring: inflating is the longer half */
	_Atomic uint64_t produced;	/* read by the progress line while the thread writes */
	bool		eof;			/* the producer has nothing more */
	bool		failed;
	char		why[256];

	/* The ring between the producer thread and the reader. */
	bool		threaded;
	pthread_t	thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	chunk		ring[RING_CHUNKS];
	uint64_t	filled;			/* chunks the producer published */
	uint64_t	taken;			/* chunks the reader finished with */
	bool		done;			/* the producer published its last chunk */
	bool		stop;			/* the reader gave up: the producer ends */
	size_t		pos;			/* the reader's position in ring[taken % RING_CHUNKS] */

	/* The reader's side. */
	char	   *stream_buf;		/* its FILE's buffer (glibc ignores a size without one) */
	uint8_t		head[MAGIC_LEN];	/* the first bytes, read ahead for capsrc_magic */
	size_t		headlen;
	size_t		headpos;		/* how much of head the stream has served */
};

static void
fail(tm_capsrc *s, const char *why)
{
	if (s->failed)
		return;
	s->failed = true;
	snprintf(s->why, sizeof(s->why), "%s", why);
}

/* Wait for input or for the reader to give up; false when it gave up. */
static bool
wait_readable(tm_capsrc *s)
{
	struct pollfd p[2];

	if (!s->threaded || s->mode == SRC_FILE)
		return true;
	p[0].fd = s->fd;
	p[0].events = POLLIN;
	p[1].fd = s->stop_pipe[0];
	p[1].events = POLLIN;
	while (poll(p, 2, -1) < 0)
	{
		if (errno != EINTR)
			return true;		/* read() will tell what is wrong */
	}
	return (p[1].revents & (POLLIN | POLLHUP)) == 0;
}

/* Read raw bytes from the descriptor into buf; 0 at the end or on failure. */
static size_t
fd_read(tm_capsrc *s, uint8_t *buf, size_t n)
{
	ssize_t		k;

	if (s->raw_eof || s->failed)
		return 0;
	for (;;)
	{
		if (!wait_readable(s))
		{
			fail(s, "reading was stopped");
			return 0;
		}
		k = read(s->fd, buf, n);
		if (k >= 0 || errno != EINTR)
			break;
	}
	if (k < 0)
	{
		fail(s, msg_errno(errno));
		return 0;
	}
	if (k == 0)
		s->raw_eof = true;
	return (size_t) k;
}

/* Make sure some raw input is waiting in s->in, unless the input has ended. */
static void
refill(tm_capsrc *s)
{
	if (s->inlen > 0 || s->fd < 0)
	{
		if (s->inlen == 0)
			s->raw_eof = true;
		return;
	}
	s->in = s->rawbuf;
	s->inlen = fd_read(s, s->rawbuf, RAW_BUFFER);
}

/*
 * Whether more raw input can be had without waiting. A chunk is handed on when it is full
 * or when filling it more would wait: a slow pipe (a live tcpdump) is not held back.
 */
static bool
input_ready(tm_capsrc *s)
{
	struct pollfd p;

	if (s->inlen > 0 || s->fd < 0)
		return true;
	p.fd = s->fd;
	p.events = POLLIN;
	return poll(&p, 1, 0) > 0;
}

/* Uncompressed bytes: what is waiting first, then reads straight into buf. */
static size_t
produce_plain(tm_capsrc *s, uint8_t *buf, size_t n)
{
	size_t		got = 0;
	size_t		k;

	while (got < n && !s->failed)
	{
		if (s->inlen > 0)
		{
			k = s->inlen < n - got ? s->inlen : n - got;
			memcpy(buf + got, s->in, k);
			s->in += k;
			s->inlen -= k;
		}
		else if (s->fd < 0 || (got > 0 && !input_ready(s)))
			break;
		else
			k = fd_read(s, buf + got, n - got);
		if (k == 0)
			break;
		got += k;
	}
	return got;
}

/* After a gzip member: another member, or the end (anything else after it is ignored, as gzip does). */
static bool
next_member(tm_capsrc *s)
{
	refill(s);
	if (s->inlen == 0)
		return false;
	if (s->in[0] != GZIP_MAGIC0 || (s->inlen > 1 && s->in[1] != GZIP_MAGIC1))
	{
		s->inlen = 0;
		s->raw_eof = true;
		return false;
	}
	s->z_member_done = false;
	return inflateReset(&s->z) == Z_OK;
}

/* Inflated bytes into buf. */
static size_t
produce_gzip(tm_capsrc *s, uint8_t *buf, size_t n)
{
	size_t		got = 0;
	size_t		before;
	int			zr;

	while (got < n && !s->failed)
	{
		if (got > 0 && !input_ready(s))
			break;
		if (s->z_member_done && !next_member(s))
			break;
		refill(s);
		if (s->inlen == 0)
		{
			if (!s->failed)
				fail(s, "the gzip stream ends early (unexpected end of file)");
			break;
		}
		s->z.next_in = (Bytef *) s->in;
		s->z.avail_in = s->inlen > UINT_MAX ? UINT_MAX : (uInt) s->inlen;
		s->z.next_out = buf + got;
		s->z.avail_out = n - got > UINT_MAX ? UINT_MAX : (uInt) (n - got);
		before = got;
		zr = inflate(&s->z, Z_NO_FLUSH);
		got = (size_t) (s->z.next_out - buf);
		if (zr == Z_BUF_ERROR && got == before && s->z.next_in == s->in)
			zr = Z_DATA_ERROR;	/* no progress with input and room: cannot happen */
		s->inlen -= (size_t) (s->z.next_in - s->in);
		s->in = s->z.next_in;
		if (zr == Z_STREAM_END)
			s->z_member_done = true;
		else if (zr != Z_OK)
		{
			char		why[200];

			snprintf(why, sizeof(why), "the gzip data is damaged (%s)",
					 s->z.msg != NULL ? s->z.msg : zError(zr));
			fail(s, why);
		}
	}
	return got;
}

/*
 * The next decompressed bytes into buf, at most n, hashed and counted: fewer when more
 * would wait for input, none only at the end (or after a failure): then s->eof.
 */
static size_t
produce(tm_capsrc *s, uint8_t *buf, size_t n)
{
	size_t		got;

	if (s->eof || n == 0)
		return 0;
	got = s->gzip ? produce_gzip(s, buf, n) : produce_plain(s, buf, n);
	if (got == 0)
		s->eof = true;
	if (!s->reader_hashes)
		digest_update(s->digest, buf, got);
	atomic_fetch_add_explicit(&s->produced, got, memory_order_relaxed);
	return got;
}

/* The producer thread of a file the reader opens itself: hash it, in chunks. */
static void
hash_file(tm_capsrc *s)
{
	bool		stop = false;

	while (!stop && produce(s, s->ring[0].data, CHUNK_SIZE) > 0)
	{
		pthread_mutex_lock(&s->mu);
		stop = s->stop;
		pthread_mutex_unlock(&s->mu);
	}
	pthread_mutex_lock(&s->mu);
	s->done = true;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

/* The producer thread: chunks into the ring until the end, or until the reader stops. */
static void *
producer_main(void *arg)
{
	tm_capsrc  *s = arg;
	chunk	   *c;
	bool		last = false;

	if (s->mode == SRC_FILE)
	{
		hash_file(s);
		return NULL;
	}
	while (!last)
	{
		pthread_mutex_lock(&s->mu);
		while (!s->stop && s->filled - s->taken >= RING_CHUNKS)
			pthread_cond_wait(&s->cv, &s->mu);
		if (s->stop)
		{
			pthread_mutex_unlock(&s->mu);
			break;
		}
		c = &s->ring[s->filled % RING_CHUNKS];
		pthread_mutex_unlock(&s->mu);

		c->len = produce(s, c->data, CHUNK_SIZE);
		last = s->eof || s->failed;

		pthread_mutex_lock(&s->mu);
		s->filled++;
		s->done = last;
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->mu);
	}
	return NULL;
}

/* Up to n bytes from the ring (threaded) or straight from the producer; 0 at the end. */
static size_t
take(tm_capsrc *s, uint8_t *buf, size_t n)
{
	chunk	   *c;
	size_t		k;

	if (s->mode == SRC_FILE)
		return 0;
	if (s->mode == SRC_MEMORY)
		k = produce(s, buf, n);
	else
	{
		pthread_mutex_lock(&s->mu);
		for (;;)
		{
			while (s->filled == s->taken && !s->done)
				pthread_cond_wait(&s->cv, &s->mu);
			if (s->filled == s->taken)
			{
				pthread_mutex_unlock(&s->mu);
				return 0;
			}
			c = &s->ring[s->taken % RING_CHUNKS];
			if (s->pos < c->len)
				break;
			s->taken++;
			s->pos = 0;
			pthread_cond_broadcast(&s->cv);
		}
		pthread_mutex_unlock(&s->mu);
		/* The chunk is the reader's until taken moves past it. */
		k = c->len - s->pos < n ? c->len - s->pos : n;
		memcpy(buf, c->data + s->pos, k);
		s->pos += k;
		if (s->reader_hashes)
			digest_update(s->digest, buf, k);
	}
	return k;
}

/* fopencookie's read: the read-ahead bytes first, then the source. */
static ssize_t
stream_read(void *cookie, char *buf, size_t size)
{
	tm_capsrc  *s = cookie;
	const char *why;
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
		n += take(s, (uint8_t *) buf + n, size - n);
	if (n == 0 && capsrc_failed(s, &why))
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
	s->fd = -1;
	s->stop_pipe[0] = -1;
	s->stop_pipe[1] = -1;
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

/* Tell gzip from plain bytes by the first two raw bytes, and get zlib ready for gzip. */
static tm_result
detect_gzip(tm_capsrc *s)
{
	uint8_t		second;

	refill(s);
	if (s->inlen == 1 && s->fd >= 0 && s->in[0] == GZIP_MAGIC0)
	{
		/* A pipe may hand over one byte at a time. */
		if (fd_read(s, &second, 1) == 1)
		{
			s->rawbuf[1] = second;
			s->inlen = 2;
		}
	}
	s->gzip = s->inlen >= 2 && s->in[0] == GZIP_MAGIC0 && s->in[1] == GZIP_MAGIC1;
	if (!s->gzip)
		return TM_OK;
	if (inflateInit2(&s->z, ZLIB_GZIP_ONLY) != Z_OK)
		return TM_ERR_NOMEM;
	s->z_ready = true;
	return TM_OK;
}

/* Read the magic bytes ahead, so the format can be told before anything parses. */
static void
read_head(tm_capsrc *s)
{
	size_t		got;

	while (s->headlen < MAGIC_LEN)
	{
		got = take(s, s->head + s->headlen, MAGIC_LEN - s->headlen);
		if (got == 0)
			break;
		s->headlen += got;
	}
}

/* The ring (one chunk to hash into, for SRC_FILE) and the thread, for a descriptor. */
static tm_result
start_producer(tm_capsrc *s)
{
	size_t		i;

	for (i = 0; i < (s->mode == SRC_FILE ? 1 : RING_CHUNKS); i++)
	{
		s->ring[i].data = malloc(CHUNK_SIZE);
		if (s->ring[i].data == NULL)
			return TM_ERR_NOMEM;
	}
	if (pipe2(s->stop_pipe, O_CLOEXEC) != 0)
		return TM_ERR_IO;
	if (pthread_mutex_init(&s->mu, NULL) != 0)
		return TM_ERR_NOMEM;
	if (pthread_cond_init(&s->cv, NULL) != 0)
	{
		pthread_mutex_destroy(&s->mu);
		return TM_ERR_NOMEM;
	}
	s->threaded = true;
	if (pthread_create(&s->thread, NULL, producer_main, s) != 0)
	{
		s->threaded = false;
		pthread_cond_destroy(&s->cv);
		pthread_mutex_destroy(&s->mu);
		return TM_ERR_NOMEM;
	}
	return TM_OK;
}

/*
 * An uncompressed regular file: the reader will open it itself and the thread only hashes.
 * Its first bytes, read to tell gzip, are the head; the thread starts again from 0.
 */
static tm_result
use_file(tm_capsrc *s, const char *path)
{
	struct stat st;

	if (fstat(s->fd, &st) != 0 || !S_ISREG(st.st_mode) || lseek(s->fd, 0, SEEK_SET) != 0)
		return TM_OK;
	s->path = strdup(path);
	if (s->path == NULL)
		return TM_ERR_NOMEM;
	s->mode = SRC_FILE;
	s->headlen = s->inlen < MAGIC_LEN ? s->inlen : MAGIC_LEN;
	memcpy(s->head, s->in, s->headlen);
	s->headpos = s->headlen;
	s->inlen = 0;
	s->raw_eof = false;
	return TM_OK;
}

tm_result
capsrc_open(const char *path, tm_capsrc **out)
{
	tm_capsrc  *s = NULL;
	tm_result	r;
	const char *why;
	bool		is_stdin = strcmp(path, "-") == 0;

	*out = NULL;
	r = capsrc_new(is_stdin ? "standard input" : path, &s);
	if (r != TM_OK)
	{
		errorf("%s: out of memory", path);
		goto out;
	}
	s->fd = is_stdin ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0)
	{
		errorf("%s: cannot open: %s", s->name, msg_errno(errno));
		r = TM_ERR_IO;
		goto out;
	}
	(void) posix_fadvise(s->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	s->mode = SRC_RING;
	s->rawbuf = malloc(RAW_BUFFER);
	r = s->rawbuf == NULL ? TM_ERR_NOMEM : detect_gzip(s);
	if (r == TM_OK && !s->gzip && !is_stdin)
		r = use_file(s, path);
	/* Inflating takes the thread longer than parsing takes the reader: hashing goes to the reader. */
	s->reader_hashes = s->gzip;
	if (r == TM_OK)
		r = start_producer(s);
	if (r != TM_OK)
	{
		errorf("%s: cannot read: %s", s->name,
			   r == TM_ERR_NOMEM ? "out of memory" : msg_errno(errno));
		goto out;
	}
	if (s->mode == SRC_RING)
		read_head(s);
	if (s->headlen == 0 && capsrc_failed(s, &why))
	{
		errorf("%s: cannot read: %s", s->name, why);
		r = TM_ERR_IO;
		goto out;
	}
	*out = s;
	s = NULL;
	r = TM_OK;
out:
	capsrc_free(s);
	return r;
}

tm_result
capsrc_open_mem(const void *data, size_t len, tm_capsrc **out)
{
	tm_capsrc  *s = NULL;
	tm_result	r;

	r = capsrc_new("memory", &s);
	if (r != TM_OK)
		goto out;
	s->in = data;
	s->inlen = len;
	r = detect_gzip(s);
	if (r != TM_OK)
		goto out;
	read_head(s);
	*out = s;
	s = NULL;
out:
	capsrc_free(s);
	return r;
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

	if (s->mode == SRC_FILE)
		fp = fopen(s->path, "rbe");
	else
		fp = fopencookie(s, "rb", io);
	if (fp == NULL)
	{
		errorf("%s: cannot read: %s", s->name, msg_errno(errno));
		return NULL;
	}
	/* Memory (tests, fuzzing) keeps stdio's own small buffer. */
	if (s->stream_buf == NULL && s->mode != SRC_MEMORY)
		s->stream_buf = malloc(STREAM_BUFFER);
	if (s->stream_buf != NULL)
		setvbuf(fp, s->stream_buf, _IOFBF, STREAM_BUFFER);
	/* Only the reader's thread uses this FILE: no lock per fread. */
	__fsetlocking(fp, FSETLOCKING_BYCALLER);
	return fp;
}

uint64_t
capsrc_bytes(const tm_capsrc *s)
{
	return atomic_load_explicit(&s->produced, memory_order_relaxed);
}

bool
capsrc_gzipped(const tm_capsrc *s)
{
	return s->gzip;
}

/* The producer's state, safe to read from the reader once it reached the end. */
bool
capsrc_failed(const tm_capsrc *s, const char **why)
{
	bool		failed;

	if (!s->threaded)
	{
		*why = s->why;
		return s->failed;
	}
	pthread_mutex_lock((pthread_mutex_t *) &s->mu);
	failed = s->done && s->failed;
	pthread_mutex_unlock((pthread_mutex_t *) &s->mu);
	*why = s->why;
	return failed;
}

tm_result
capsrc_finish(tm_capsrc *s, char hex[DIGEST_HEX_LEN + 1])
{
	uint8_t		sink[16 * 1024];

	while (take(s, sink, sizeof(sink)) > 0)
		;
	if (s->threaded)
	{
		pthread_join(s->thread, NULL);
		s->threaded = false;
		pthread_cond_destroy(&s->cv);
		pthread_mutex_destroy(&s->mu);
	}
	/* The reader of a file saw its own errors; the thread's would leave the digest short. */
	if (s->mode == SRC_FILE && s->failed)
	{
		errorf("%s: cannot read: %s", s->name, s->why);
		return TM_ERR_IO;
	}
	return digest_final_hex(s->digest, hex);
}

/* Stop the producer wherever it is (waiting for room, or for input) and wait for it. */
static void
stop_producer(tm_capsrc *s)
{
	if (!s->threaded)
		return;
	pthread_mutex_lock(&s->mu);
	s->stop = true;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	close(s->stop_pipe[1]);
	s->stop_pipe[1] = -1;
	pthread_join(s->thread, NULL);
	s->threaded = false;
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
}

void
capsrc_free(tm_capsrc *s)
{
	size_t		i;

	if (s == NULL)
		return;
	stop_producer(s);
	for (i = 0; i < RING_CHUNKS; i++)
		free(s->ring[i].data);
	if (s->z_ready)
		inflateEnd(&s->z);
	if (s->fd >= 0)
		close(s->fd);
	if (s->stop_pipe[0] >= 0)
		close(s->stop_pipe[0]);
	if (s->stop_pipe[1] >= 0)
		close(s->stop_pipe[1]);
	free(s->rawbuf);
	free(s->stream_buf);
	digest_free(s->digest);
	free(s->path);
	free(s->name);
	free(s);
}
