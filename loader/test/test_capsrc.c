/*
 * test_capsrc.c - a capture's bytes as the reader's FILE gets them, whichever way they come:
 * memory, a regular file (read by glibc through mmap, hashed by a thread), a gzip'd file and
 * a pipe (read, inflated and hashed by a thread through the ring). The bytes must come out
 * exactly once and in order, the SHA-256 must be OpenSSL's one-shot digest of them, gzip
 * members must follow one another, and a cut or damaged gzip stream must say so. A reader
 * that gives up must not wait for a writer that never ends.
 */
#include "unit.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "../src/capsrc.h"

/* Large enough for several ring chunks and several raw reads. */
#define BIG (5 * 1024 * 1024 + 4321)

typedef struct
{
	uint8_t    *b;
	size_t		n;
} bytes;

/* Bytes that compress somewhat, like packet headers do, and differ all along. */
static bytes
pattern(size_t n, uint32_t seed)
{
	bytes		x = {malloc(n), n};
	uint32_t	s = seed;
	size_t		i;

	if (x.b == NULL)
		abort();
	for (i = 0; i < n; i++)
	{
		s = s * 1103515245u + 12345u;
		x.b[i] = (i % 7 == 0) ? (uint8_t) (s >> 24) : (uint8_t) i;
	}
	return x;
}

/* One gzip member of in (deflate with gzip's wrapper, as gzip writes). */
static bytes
gzip_member(const bytes *in)
{
	z_stream	z;
	bytes		out;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	out.n = deflateBound(&z, in->n) + 64;
	out.b = malloc(out.n);
	z.next_in = in->b;
	z.avail_in = (uInt) in->n;
	z.next_out = out.b;
	z.avail_out = (uInt) out.n;
	if (out.b == NULL || deflate(&z, Z_FINISH) != Z_STREAM_END)
		abort();
	out.n = z.total_out;
	deflateEnd(&z);
	return out;
}

static bytes
concat(const bytes *a, const bytes *b)
{
	bytes		x = {malloc(a->n + b->n + 1), a->n + b->n};

	if (x.b == NULL)
		abort();
	memcpy(x.b, a->b, a->n);
	memcpy(x.b + a->n, b->b, b->n);
	return x;
}

static void
sha256_hex(const bytes *x, char hex[DIGEST_HEX_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	unsigned int i;

	EVP_Digest(x->b, x->n, md, &n, EVP_sha256(), NULL);
	for (i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

/* Read the source's FILE to the end, as libpcap would, in uneven pieces. */
static bytes
drain(tm_capsrc *s)
{
	FILE	   *fp = capsrc_stream(s);
	bytes		x = {NULL, 0};
	size_t		cap = 1024;
	size_t		piece = 1;
	size_t		k;

	x.b = malloc(cap);
	if (fp == NULL || x.b == NULL)
		abort();
	for (;;)
	{
		if (x.n + piece > cap)
		{
			cap = (x.n + piece) * 2;
			x.b = realloc(x.b, cap);
			if (x.b == NULL)
				abort();
		}
		k = fread(x.b + x.n, 1, piece, fp);
		x.n += k;
		if (k < piece)
			break;
		piece = piece * 3 % 70000 + 1;
	}
	fclose(fp);
	return x;
}

/* Everything the source gives, its digest and its failure, against what it should be. */
static void
check_source(tm_capsrc *s, const bytes *want, bool gzipped, const char *why_like)
{
	bytes		got;
	char		hex[DIGEST_HEX_LEN + 1];
	char		want_hex[DIGEST_HEX_LEN + 1];
	const char *why = NULL;
	size_t		n;
	uint32_t	magic = capsrc_magic(s, &n);

	CHECK_INT(n, want->n < 4 ? want->n : 4);
	if (want->n >= 4)
		CHECK_INT(magic, (uint32_t) want->b[0] << 24 | want->b[1] << 16 | want->b[2] << 8 | want->b[3]);
	got = drain(s);
	CHECK_INT(got.n, want->n);
	CHECK(got.n == want->n && memcmp(got.b, want->b, got.n) == 0);
	CHECK_INT(capsrc_gzipped(s), gzipped);
	CHECK_INT(capsrc_failed(s, &why), why_like != NULL);
	if (why_like != NULL)
		CHECK(why != NULL && strstr(why, why_like) != NULL);
	CHECK_INT(capsrc_finish(s, hex), TM_OK);
	sha256_hex(want, want_hex);
	CHECK_STR(hex, want_hex);
	CHECK_INT(capsrc_bytes(s), want->n);
	capsrc_free(s);
	free(got.b);
}

static void
write_file(const char *path, const bytes *x)
{
	FILE	   *f = fopen(path, "wb");

	if (f == NULL || fwrite(x->b, 1, x->n, f) != x->n)
		abort();
	fclose(f);
}

UNIT_TEST(memory_plain_and_short)
{
	bytes		x = pattern(100000, 1);
	tm_capsrc  *s;
	bytes		three = {x.b, 3};
	bytes		none = {x.b, 0};

	CHECK_INT(capsrc_open_mem(x.b, x.n, &s), TM_OK);
	check_source(s, &x, false, NULL);
	CHECK_INT(capsrc_open_mem(three.b, three.n, &s), TM_OK);
	check_source(s, &three, false, NULL);
	CHECK_INT(capsrc_open_mem(none.b, none.n, &s), TM_OK);
	check_source(s, &none, false, NULL);
	free(x.b);
}

/* Two members one after the other, then bytes that are not gzip (ignored, as gzip does). */
UNIT_TEST(memory_gzip_members)
{
	bytes		a = pattern(300000, 2);
	bytes		b = pattern(70000, 3);
	bytes		ga = gzip_member(&a);
	bytes		gb = gzip_member(&b);
	bytes		both = concat(&ga, &gb);
	bytes		plain = concat(&a, &b);
	bytes		junk = {(uint8_t *) "not gzip", 8};
	bytes		trailing = concat(&both, &junk);
	tm_capsrc  *s;

	CHECK_INT(capsrc_open_mem(ga.b, ga.n, &s), TM_OK);
	check_source(s, &a, true, NULL);
	CHECK_INT(capsrc_open_mem(both.b, both.n, &s), TM_OK);
	check_source(s, &plain, true, NULL);
	CHECK_INT(capsrc_open_mem(trailing.b, trailing.n, &s), TM_OK);
	check_source(s, &plain, true, NULL);
	free(a.b);
	free(b.b);
	free(ga.b);
	free(gb.b);
	free(both.b);
	free(plain.b);
	free(trailing.b);
}

/* A cut stream keeps what could be inflated and says it ended early; a damaged one says so. */
UNIT_TEST(memory_gzip_cut_and_damaged)
{
	bytes		a = pattern(400000, 4);
	bytes		ga = gzip_member(&a);
	tm_capsrc  *s;
	bytes		got;
	const char *why;
	char		hex[DIGEST_HEX_LEN + 1];

	CHECK_INT(capsrc_open_mem(ga.b, ga.n / 2, &s), TM_OK);
	got = drain(s);
	CHECK(got.n > 0 && got.n < a.n && memcmp(got.b, a.b, got.n) == 0);
	CHECK(capsrc_failed(s, &why) && strstr(why, "ends early") != NULL);
	CHECK_INT(capsrc_finish(s, hex), TM_OK);
	capsrc_free(s);
	free(got.b);

	ga.b[ga.n / 2] ^= 0xff;
	ga.b[ga.n / 2 + 1] ^= 0x5a;
	CHECK_INT(capsrc_open_mem(ga.b, ga.n, &s), TM_OK);
	got = drain(s);
	CHECK(capsrc_failed(s, &why) && strstr(why, "damaged") != NULL);
	capsrc_free(s);
	free(got.b);
	free(a.b);
	free(ga.b);
}

/* A regular file (mmap'd by glibc, hashed by the thread) and its gzip'd form (the ring). */
UNIT_TEST(files_plain_and_gzip)
{
	char		dir[] = "/tmp/tm-unit-capsrc.XXXXXX";
	char		plain_path[64];
	char		gz_path[64];
	bytes		x = pattern(BIG, 5);
	bytes		gx = gzip_member(&x);
	tm_capsrc  *s;

	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(plain_path, sizeof(plain_path), "%s/c.pcap", dir);
	snprintf(gz_path, sizeof(gz_path), "%s/c.pcap.gz", dir);
	write_file(plain_path, &x);
	write_file(gz_path, &gx);
	CHECK_INT(capsrc_open(plain_path, &s), TM_OK);
	check_source(s, &x, false, NULL);
	CHECK_INT(capsrc_open(gz_path, &s), TM_OK);
	check_source(s, &x, true, NULL);
	/* A reader that stops early: the thread is stopped and nothing leaks. */
	CHECK_INT(capsrc_open(gz_path, &s), TM_OK);
	capsrc_free(s);
	CHECK_INT(capsrc_open(dir, &s), TM_ERR_IO);
	unlink(plain_path);
	unlink(gz_path);
	rmdir(dir);
	free(x.b);
	free(gx.b);
}

/* Standard input from a pipe, written slowly by another process. */
UNIT_TEST(stdin_pipe)
{
	bytes		x = pattern(BIG, 6);
	int			fds[2];
	int			saved = dup(STDIN_FILENO);
	pid_t		pid;
	tm_capsrc  *s;
	size_t		off;

	if (saved < 0 || pipe(fds) != 0)
		abort();
	fflush(stdout);
	pid = fork();
	if (pid == 0)
	{
		close(fds[0]);
		for (off = 0; off < x.n; off += 1000)
		{
			if (write(fds[1], x.b + off, x.n - off < 1000 ? x.n - off : 1000) < 0)
				_exit(1);
		}
		_exit(0);
	}
	close(fds[1]);
	dup2(fds[0], STDIN_FILENO);
	close(fds[0]);
	CHECK_INT(capsrc_open("-", &s), TM_OK);
	check_source(s, &x, false, NULL);
	waitpid(pid, NULL, 0);
	dup2(saved, STDIN_FILENO);
	close(saved);
	free(x.b);
}

/* A reader that gives up on a pipe whose writer never ends must not wait for it. */
UNIT_TEST(stdin_pipe_abandoned)
{
	int			fds[2];
	int			saved = dup(STDIN_FILENO);
	tm_capsrc  *s;
	size_t		n;

	if (saved < 0 || pipe(fds) != 0)
		abort();
	if (write(fds[1], "\xd4\xc3\xb2\xa1 and then nothing", 21) != 21)
		abort();
	dup2(fds[0], STDIN_FILENO);
	close(fds[0]);
	CHECK_INT(capsrc_open("-", &s), TM_OK);
	CHECK_INT(capsrc_magic(s, &n), 0xd4c3b2a1);
	CHECK_INT(n, 4);
	capsrc_free(s);				/* returns although fds[1] stays open */
	close(fds[1]);
	dup2(saved, STDIN_FILENO);
	close(saved);
}

UNIT_MAIN(UNIT_ENTRY(memory_plain_and_short),
		  UNIT_ENTRY(memory_gzip_members),
		  UNIT_ENTRY(memory_gzip_cut_and_damaged),
		  UNIT_ENTRY(files_plain_and_gzip),
		  UNIT_ENTRY(stdin_pipe),
		  UNIT_ENTRY(stdin_pipe_abandoned))
