/*
 * test_pcap_stream.c - the incremental framer hands on exactly the packets libpcap reads from
 * the same bytes, whatever sizes the bytes arrive in, in both byte orders and resolutions;
 * truncated and foreign streams are told apart.
 */
#include "unit.h"

#include <pcap/pcap.h>
#include <stdint.h>
#include <stdlib.h>

#include "../src/pcap_stream.h"

#define PCAPS "../tests/data/pcaps/"

/* What a packet looked like, enough to compare two readers. */
typedef struct
{
	int64_t		ts_sec;
	uint32_t	ts_nsec;
	uint32_t	caplen;
	uint32_t	len;
	uint32_t	linktype;		/* only ours: libpcap reports DLT_ values, not LINKTYPE_ */
	uint32_t	sum;
} seen;

typedef struct
{
	seen	   *v;
	size_t		n;
	size_t		cap;
	int			linktype;		/* record link types (not for comparing with libpcap) */
} seen_list;

static uint32_t
checksum(const unsigned char *p, size_t n)
{
	uint32_t	h = 2166136261u;
	size_t		i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static void
seen_add(seen_list *l, const seen *s)
{
	if (l->n == l->cap)
	{
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = realloc(l->v, l->cap * sizeof(seen));
		if (l->v == NULL)
			abort();
	}
	l->v[l->n++] = *s;
}

static tm_result
on_packet(void *ctx, const pcap_stream_packet *pkt)
{
	seen		s;

	memset(&s, 0, sizeof(s));
	s.ts_sec = pkt->ts_sec;
	s.ts_nsec = pkt->ts_nsec;
	s.caplen = pkt->caplen;
	s.len = pkt->len;
	s.linktype = ((seen_list *) ctx)->linktype ? pkt->linktype : 0;
	s.sum = checksum(pkt->data, pkt->caplen);
	seen_add(ctx, &s);
	return TM_OK;
}

static unsigned char *
slurp(const char *path, size_t *n)
{
	FILE	   *f = fopen(path, "rb");
	unsigned char *p = NULL;
	long		size;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0)
	{
		size = ftell(f);
		rewind(f);
		p = malloc((size_t) size + 1);
		if (p != NULL && fread(p, 1, (size_t) size, f) != (size_t) size)
		{
			free(p);
			p = NULL;
		}
		*n = (size_t) size;
	}
	fclose(f);
	return p;
}

/* The oracle: libpcap itself reading the bytes, at nanosecond precision. */
static int
libpcap_read(const unsigned char *bytes, size_t n, seen_list *out)
{
	char		err[PCAP_ERRBUF_SIZE];
	FILE	   *f = fmemopen((void *) bytes, n, "rb");
	pcap_t	   *pc;
	struct pcap_pkthdr *h;
	const u_char *data;
	seen		s;

	if (f == NULL)
		return -1;
	pc = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, err);
	if (pc == NULL)
	{
		fclose(f);
		return -1;
	}
	while (pcap_next_ex(pc, &h, &data) == 1)
	{
		memset(&s, 0, sizeof(s));
		s.ts_sec = h->ts.tv_sec;
		s.ts_nsec = (uint32_t) h->ts.tv_usec;
		s.caplen = h->caplen;
		s.len = h->len;
		s.sum = checksum(data, h->caplen);
		seen_add(out, &s);
	}
	pcap_close(pc);
	return 0;
}

/* Feed bytes in chunks of the given sizes, cycling through them. */
static tm_result
frame(const unsigned char *bytes, size_t n, const size_t *sizes, size_t nsizes, seen_list *out,
	  pcap_stream *ps)
{
	size_t		off = 0;
	size_t		i = 0;
	size_t		c;
	tm_result	r = TM_OK;

	pcap_stream_init(ps, on_packet, out);
	while (off < n && r == TM_OK)
	{
		c = sizes[i++ % nsizes];
		if (c > n - off)
			c = n - off;
		r = pcap_stream_feed(ps, bytes + off, c);
		off += c;
	}
	if (r == TM_OK)
		r = pcap_stream_end(ps);
	return r;
}

static int
same(const seen_list *a, const seen_list *b)
{
	size_t		i;

	if (a->n != b->n)
	{
		printf("#   %zu packets, want %zu\n", a->n, b->n);
		return 0;
	}
	for (i = 0; i < a->n; i++)
	{
		if (memcmp(&a->v[i], &b->v[i], sizeof(seen)) != 0)
		{
			printf("#   packet %zu differs\n", i);
			return 0;
		}
	}
	return 1;
}

static void
compare_with_libpcap(const unsigned char *bytes, size_t n, const char *what)
{
	static const size_t whole[] = {(size_t) -1};
	static const size_t ones[] = {1};
	static const size_t odd[] = {7, 1, 13, 4096, 3, 24, 16, 100000, 2};
	const size_t *plans[] = {whole, ones, odd};
	const size_t plan_len[] = {1, 1, TM_ARRAY_LEN(odd)};
	seen_list	want = {0};
	size_t		i;

	CHECK(libpcap_read(bytes, n, &want) == 0);
	CHECK(want.n > 0);
	for (i = 0; i < TM_ARRAY_LEN(plans); i++)
	{
		seen_list	got = {0};
		pcap_stream ps;

		CHECK_INT(frame(bytes, n, plans[i], plan_len[i], &got, &ps), TM_OK);
		if (!same(&got, &want))
		{
			printf("#   %s, chunk plan %zu\n", what, i);
			unit_current_failed = 1;
		}
		CHECK_INT(ps.packets, want.n);
		CHECK_INT(ps.bytes, n);
		pcap_stream_free(&ps);
		free(got.v);
	}
	free(want.v);
}

UNIT_TEST(sample_captures_match_libpcap)
{
	static const char *const files[] = {
		"bro.org.pcap", "dns-edns-ecs.pcap", "fragmented-4.pcap", "get-to-ssh-server.pcap",
		"q-in-q.pcap", "timestamp.pcap", "udp-contents-truncated-oob.pcap", "vxlan.pcap",
	};
	size_t		i;

	for (i = 0; i < TM_ARRAY_LEN(files); i++)
	{
		char		path[256];
		size_t		n = 0;
		unsigned char *bytes;

		snprintf(path, sizeof(path), PCAPS "%s", files[i]);
		bytes = slurp(path, &n);
		CHECK(bytes != NULL);
		if (bytes == NULL)
			continue;
		compare_with_libpcap(bytes, n, files[i]);
		free(bytes);
	}
}

static void
swap32(unsigned char *p)
{
	unsigned char t;

	t = p[0];
	p[0] = p[3];
	p[3] = t;
	t = p[1];
	p[1] = p[2];
	p[2] = t;
}

/* Rewrite a little-endian capture in big-endian order, as a big-endian host writes it. */
static void
to_big_endian(unsigned char *b, size_t n)
{
	size_t		off;
	uint32_t	caplen;
	unsigned char t;
	int			i;

	swap32(b);
	for (i = 0; i < 2; i++)
	{
		t = b[4 + 2 * i];
		b[4 + 2 * i] = b[5 + 2 * i];
		b[5 + 2 * i] = t;
	}
	for (i = 2; i < 6; i++)
		swap32(b + 4 * i);
	off = 24;
	while (off + 16 <= n)
	{
		caplen = (uint32_t) b[off + 8] | (uint32_t) b[off + 9] << 8 |
			(uint32_t) b[off + 10] << 16 | (uint32_t) b[off + 11] << 24;
		for (i = 0; i < 4; i++)
			swap32(b + off + 4 * i);
		off += 16 + caplen;
	}
}

UNIT_TEST(big_endian_streams_match_libpcap)
{
	static const char *const files[] = {"dns-edns-ecs.pcap", "get-to-ssh-server.pcap"};
	size_t		i;

	for (i = 0; i < TM_ARRAY_LEN(files); i++)
	{
		char		path[256];
		size_t		n = 0;
		unsigned char *bytes;

		snprintf(path, sizeof(path), PCAPS "%s", files[i]);
		bytes = slurp(path, &n);
		CHECK(bytes != NULL);
		if (bytes == NULL)
			continue;
		to_big_endian(bytes, n);
		CHECK_INT(bytes[0], 0xa1);
		compare_with_libpcap(bytes, n, files[i]);
		free(bytes);
	}
}

/* A tiny stream built by hand: header, then records of the given sizes. */
static size_t
build(unsigned char *b, const uint32_t *caplens, size_t n, uint32_t magic)
{
	size_t		off = 0;
	size_t		i;
	uint32_t	hdr[6] = {magic, 2 | 4 << 16, 0, 0, 128, 113};

	memcpy(b, hdr, sizeof(hdr));
	off = sizeof(hdr);
	for (i = 0; i < n; i++)
	{
		uint32_t	rec[4] = {1700000000u + (uint32_t) i, 2500000u, caplens[i], caplens[i] + 10};

		memcpy(b + off, rec, sizeof(rec));
		off += sizeof(rec);
		memset(b + off, (int) i, caplens[i]);
		off += caplens[i];
	}
	return off;
}

UNIT_TEST(truncation_is_told_apart_and_complete_packets_kept)
{
	static const uint32_t caplens[] = {60, 0, 128, 40};
	unsigned char b[1024];
	size_t		n = build(b, caplens, TM_ARRAY_LEN(caplens), 0xa1b2c3d4u);
	static const size_t whole[] = {(size_t) -1};
	seen_list	got = {.linktype = 1};
	pcap_stream ps;

	/* Cut inside the last packet: the first three are kept, the end is an error. */
	CHECK_INT(frame(b, n - 5, whole, 1, &got, &ps), TM_ERR_FORMAT);
	CHECK_INT(got.n, 3);
	CHECK_STR(ps.error, "the stream ended inside a packet");
	CHECK(pcap_stream_started(&ps));
	pcap_stream_free(&ps);
	got.n = 0;
	/* Cut inside a record header. */
	CHECK_INT(frame(b, 24 + 16 + 60 + 5, whole, 1, &got, &ps), TM_ERR_FORMAT);
	CHECK_INT(got.n, 1);
	CHECK_STR(ps.error, "the stream ended inside a record header");
	pcap_stream_free(&ps);
	got.n = 0;
	/* Cut inside the global header, and nothing at all. */
	CHECK_INT(frame(b, 10, whole, 1, &got, &ps), TM_ERR_FORMAT);
	CHECK_STR(ps.error, "the stream ended inside the pcap header");
	CHECK(!pcap_stream_started(&ps));
	pcap_stream_free(&ps);
	pcap_stream_init(&ps, on_packet, &got);
	CHECK_INT(pcap_stream_end(&ps), TM_ERR_FORMAT);
	CHECK_STR(ps.error, "the stream is empty");
	pcap_stream_free(&ps);
	/* Whole: all four, with timestamps in nanoseconds and the zero-length record. */
	got.n = 0;
	CHECK_INT(frame(b, n, whole, 1, &got, &ps), TM_OK);
	CHECK_INT(got.n, 4);
	CHECK_INT(got.v[1].caplen, 0);
	CHECK_INT(got.v[0].ts_sec, 1700000002);
	CHECK_INT(got.v[0].ts_nsec, 500000000);
	CHECK_INT(got.v[3].len, 50);
	CHECK_INT(got.v[3].linktype, 113);
	pcap_stream_free(&ps);
	free(got.v);
}

UNIT_TEST(foreign_streams_are_refused)
{
	static const uint32_t caplens[] = {60};
	unsigned char b[1024];
	size_t		n;
	static const size_t whole[] = {(size_t) -1};
	seen_list	got = {0};
	pcap_stream ps;
	const char	text[] = "sudo: a password is required\n and some more text to pass 24";

	CHECK_INT(frame((const unsigned char *) text, sizeof(text), whole, 1, &got, &ps), TM_ERR_FORMAT);
	CHECK_STR(ps.error, "the stream does not start with a pcap magic number");
	CHECK_INT(pcap_stream_feed(&ps, b, 1), TM_ERR_FORMAT);
	pcap_stream_free(&ps);

	/* pcapng's section header block is not the classic format. */
	n = build(b, caplens, 1, 0x0a0d0d0au);
	CHECK_INT(frame(b, n, whole, 1, &got, &ps), TM_ERR_FORMAT);
	pcap_stream_free(&ps);

	/* A version this format never had. */
	n = build(b, caplens, 1, 0xa1b2c3d4u);
	b[4] = 3;
	CHECK_INT(frame(b, n, whole, 1, &got, &ps), TM_ERR_FORMAT);
	CHECK_STR(ps.error, "the pcap stream has a version other than 2.0 to 2.4");
	pcap_stream_free(&ps);

	/* A record claiming more than any snapshot length. */
	n = build(b, caplens, 1, 0xa1b2c3d4u);
	b[24 + 10] = 0x10;
	CHECK_INT(frame(b, n, whole, 1, &got, &ps), TM_ERR_FORMAT);
	CHECK_INT(got.n, 0);
	pcap_stream_free(&ps);
	free(got.v);
}

static tm_result
stop_at_second(void *ctx, const pcap_stream_packet *pkt)
{
	int		   *count = ctx;

	(void) pkt;
	return ++*count == 2 ? TM_ERR_NOMEM : TM_OK;
}

UNIT_TEST(callback_failure_stops_the_stream)
{
	static const uint32_t caplens[] = {10, 10, 10};
	unsigned char b[256];
	size_t		n = build(b, caplens, 3, 0xa1b2c3d4u);
	pcap_stream ps;
	int			count = 0;

	pcap_stream_init(&ps, stop_at_second, &count);
	CHECK_INT(pcap_stream_feed(&ps, b, n), TM_ERR_NOMEM);
	CHECK_INT(count, 2);
	CHECK_INT(pcap_stream_feed(&ps, b, 1), TM_ERR_FORMAT);
	CHECK_INT(pcap_stream_end(&ps), TM_ERR_FORMAT);
	pcap_stream_free(&ps);
}

UNIT_MAIN(
		  UNIT_ENTRY(sample_captures_match_libpcap),
		  UNIT_ENTRY(big_endian_streams_match_libpcap),
		  UNIT_ENTRY(truncation_is_told_apart_and_complete_packets_kept),
		  UNIT_ENTRY(foreign_streams_are_refused),
		  UNIT_ENTRY(callback_failure_stops_the_stream)
)
