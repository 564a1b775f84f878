/*
 * test_pcapng.c - pcapng framing: interfaces of different link types, per-interface time
 * resolution and offset, sections in either byte order, simple packet blocks, blocks that
 * are stepped over, and captures that end in the middle of a block.
 */
#include <pcap/dlt.h>
#include <stdio.h>

#include "unit.h"

#include "../src/pcapng.h"

typedef struct
{
	uint8_t		b[4096];
	size_t		n;
	int			big;			/* write this section big-endian */
} ng_buf;

static void
put32(ng_buf *g, uint32_t v)
{
	int			i;

	for (i = 0; i < 4; i++)
		g->b[g->n++] = (uint8_t) (g->big ? v >> (24 - 8 * i) : v >> (8 * i));
}

static void
put16(ng_buf *g, uint16_t v)
{
	g->b[g->n++] = (uint8_t) (g->big ? v >> 8 : v);
	g->b[g->n++] = (uint8_t) (g->big ? v : v >> 8);
}

/* Start a block; block_end fills in its lengths. */
static size_t
block_start(ng_buf *g, uint32_t type)
{
	size_t		at = g->n;

	put32(g, type);
	put32(g, 0);
	return at;
}

static void
block_end(ng_buf *g, size_t at)
{
	size_t		n;
	size_t		save;

	while (g->n % 4)
		g->b[g->n++] = 0;
	n = g->n - at + 4;
	put32(g, (uint32_t) n);
	save = g->n;
	g->n = at + 4;
	put32(g, (uint32_t) n);
	g->n = save;
}

static void
shb(ng_buf *g, int big)
{
	size_t		at;

	g->big = big;
	at = block_start(g, 0x0a0d0d0a);
	put32(g, 0x1a2b3c4d);
	put16(g, 1);
	put16(g, 0);
	put32(g, 0xffffffff);
	put32(g, 0xffffffff);
	block_end(g, at);
}

static void
idb(ng_buf *g, uint16_t linktype, uint32_t snaplen, int tsresol)
{
	size_t		at = block_start(g, 1);

	put16(g, linktype);
	put16(g, 0);
	put32(g, snaplen);
	if (tsresol >= 0)
	{
		put16(g, 9);
		put16(g, 1);
		put32(g, (uint32_t) tsresol << (g->big ? 24 : 0));
		put16(g, 0);
		put16(g, 0);
	}
	block_end(g, at);
}

static void
epb(ng_buf *g, uint32_t ifid, uint64_t ts, uint32_t caplen, uint32_t len)
{
	size_t		at = block_start(g, 6);
	uint32_t	i;

	put32(g, ifid);
	put32(g, (uint32_t) (ts >> 32));
	put32(g, (uint32_t) ts);
	put32(g, caplen);
	put32(g, len);
	for (i = 0; i < caplen; i++)
		g->b[g->n++] = (uint8_t) i;
	block_end(g, at);
}

static FILE *
open_buf(ng_buf *g, size_t n)
{
	return fmemopen(g->b, n, "rb");
}

UNIT_TEST(interfaces_sections_and_times)
{
	ng_buf		g = {.n = 0};
	tm_pcapng	r;
	tm_packet	pkt;
	FILE	   *fp;
	size_t		at;

	shb(&g, 0);
	idb(&g, DLT_EN10MB, 262144, -1);
	idb(&g, 101, 96, 9);		/* LINKTYPE_RAW, nanoseconds */
	at = block_start(&g, 5);	/* interface statistics: stepped over */
	put32(&g, 0);
	block_end(&g, at);
	epb(&g, 1, 1700000000123456789ULL, 20, 60);
	epb(&g, 0, 1700000000123456ULL, 14, 14);
	at = block_start(&g, 3);	/* simple packet block: interface 0 */
	put32(&g, 30);
	for (int i = 0; i < 30; i++)
		g.b[g.n++] = 0;
	block_end(&g, at);
	shb(&g, 1);					/* a big-endian section: interfaces start over */
	idb(&g, DLT_LINUX_SLL2, 0, 6);
	epb(&g, 0, 5000001, 8, 8);

	fp = open_buf(&g, g.n);
	CHECK_INT(pcapng_open(&r, fp), TM_OK);
	CHECK_INT(pcapng_next(&r, &pkt), 1);
	CHECK_INT(pkt.linktype, DLT_RAW);
	CHECK_INT(pkt.ifindex, 1);
	CHECK_INT(pkt.ts_ns, 1700000000123456789LL);
	CHECK_INT(pkt.caplen, 20);
	CHECK_INT(pkt.len, 60);
	CHECK_INT(pkt.data[19], 19);
	CHECK_INT(pcapng_next(&r, &pkt), 1);
	CHECK_INT(pkt.linktype, DLT_EN10MB);
	CHECK_INT(pkt.ifindex, 0);
	CHECK_INT(pkt.ts_ns, 1700000000123456000LL);
	CHECK_INT(pcapng_next(&r, &pkt), 1);
	CHECK_INT(pkt.caplen, 30);
	CHECK_INT(pkt.ifindex, 0);
	CHECK_INT(pcapng_next(&r, &pkt), 1);
	CHECK_INT(pkt.linktype, DLT_LINUX_SLL2);
	CHECK_INT(pkt.ifindex, 2);
	CHECK_INT(pkt.ts_ns, 5000001000LL);
	CHECK_INT(pcapng_next(&r, &pkt), 0);
	CHECK_INT(r.nlinktypes, 3);
	CHECK_INT(r.unlimited, 1);
	pcapng_close(&r);
	fclose(fp);

	/* Cut in the middle of the last block: the packets before it still come. */
	fp = open_buf(&g, g.n - 6);
	CHECK_INT(pcapng_open(&r, fp), TM_OK);
	CHECK_INT(pcapng_next(&r, &pkt), 1);
	CHECK_INT(pcapng_next(&r, &pkt), 1);
	CHECK_INT(pcapng_next(&r, &pkt), 1);
	CHECK_INT(pcapng_next(&r, &pkt), -1);
	CHECK(r.err[0] != '\0');
	pcapng_close(&r);
	fclose(fp);
}

UNIT_TEST(damaged_blocks)
{
	ng_buf		g = {.n = 0};
	tm_pcapng	r;
	tm_packet	pkt;
	FILE	   *fp;

	shb(&g, 0);
	idb(&g, DLT_EN10MB, 0, -1);
	epb(&g, 5, 0, 4, 4);		/* interface 5 was never described */
	fp = open_buf(&g, g.n);
	CHECK_INT(pcapng_open(&r, fp), TM_OK);
	CHECK_INT(pcapng_next(&r, &pkt), -1);
	pcapng_close(&r);
	fclose(fp);

	g.n = 0;
	shb(&g, 0);
	idb(&g, DLT_EN10MB, 0, -1);
	epb(&g, 0, 0, 4, 4);
	g.b[g.n - 4] ^= 0xff;		/* the trailing length disagrees */
	fp = open_buf(&g, g.n);
	CHECK_INT(pcapng_open(&r, fp), TM_OK);
	CHECK_INT(pcapng_next(&r, &pkt), -1);
	pcapng_close(&r);
	fclose(fp);

	g.n = 0;
	shb(&g, 0);
	idb(&g, DLT_EN10MB, 0, -1);
	epb(&g, 0, 0, 4, 4);
	g.b[g.n - 36 + 20] = 200;	/* captured length beyond the block */
	fp = open_buf(&g, g.n);
	CHECK_INT(pcapng_open(&r, fp), TM_OK);
	CHECK_INT(pcapng_next(&r, &pkt), -1);
	pcapng_close(&r);
	fclose(fp);

	g.n = 0;
	idb(&g, DLT_EN10MB, 0, -1);	/* no section header first */
	fp = open_buf(&g, g.n);
	CHECK_INT(pcapng_open(&r, fp), TM_ERR_FORMAT);
	pcapng_close(&r);
	fclose(fp);
}

UNIT_MAIN(UNIT_ENTRY(interfaces_sections_and_times),
		  UNIT_ENTRY(damaged_blocks))
