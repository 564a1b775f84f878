/*
 * pcapng.c - the packet-carrying part of pcapng (draft-ietf-opsawg-pcapng).
 *
 * Every block:
 *
 *    0                   1                   2                   3
 *   +---------------------------------------------------------------+
 *   |                          Block Type                           |
 *   +---------------------------------------------------------------+
 *   |                      Block Total Length                       |
 *   +---------------------------------------------------------------+
 *   /                          Block Body                           /
 *   +---------------------------------------------------------------+
 *   |                      Block Total Length                       |
 *   +---------------------------------------------------------------+
 *
 * Section Header (0x0a0d0d0a): byte-order magic 0x1a2b3c4d, major, minor, section length.
 * Interface Description (1): link type (2), reserved (2), snaplen (4), options.
 * Enhanced Packet (6): interface id, time stamp high, low, captured length, original
 * length, data padded to 4 bytes, options. Simple Packet (3): original length, data.
 * Packet (2, obsolete): interface id (2), drops (2), time stamp high, low, lengths, data.
 * Options: code (2), length (2), value padded to 4; if_tsresol is 9, if_tsoffset 14.
 */
#include "pcapng.h"

#include <pcap/dlt.h>
#include <stdlib.h>
#include <string.h>

#define BT_SHB 0x0a0d0d0aU
#define BT_IDB 1U
#define BT_PB 2U
#define BT_SPB 3U
#define BT_EPB 6U
#define BYTE_ORDER_MAGIC 0x1a2b3c4dU
#define OPT_ENDOFOPT 0
#define OPT_IF_TSRESOL 9
#define OPT_IF_TSOFFSET 14
#define DEFAULT_UNITS 1000000ULL
#define LINKTYPE_ATM_RFC1483 100
#define LINKTYPE_RAW 101

int
pcapng_linktype_to_dlt(uint32_t linktype)
{
	linktype &= 0xffff;
	if (linktype == LINKTYPE_RAW)
		return DLT_RAW;
	if (linktype == LINKTYPE_ATM_RFC1483)
		return DLT_ATM_RFC1483;
	return (int) linktype;
}

static uint16_t
rd16(const tm_pcapng *r, const uint8_t *p)
{
	uint16_t	v;

	memcpy(&v, p, 2);
	return r->swapped ? (uint16_t) ((v >> 8) | (v << 8)) : v;
}

static uint32_t
rd32(const tm_pcapng *r, const uint8_t *p)
{
	uint32_t	v;

	memcpy(&v, p, 4);
	return r->swapped ? __builtin_bswap32(v) : v;
}

static uint64_t
rd64(const tm_pcapng *r, const uint8_t *p)
{
	uint64_t	v;

	memcpy(&v, p, 8);
	return r->swapped ? __builtin_bswap64(v) : v;
}

/* Read exactly n bytes: 1, 0 at a clean end before any byte, -1 cut short. */
static int
read_exact(tm_pcapng *r, void *buf, size_t n)
{
	size_t		got = fread(buf, 1, n, r->fp);

	if (got == n)
		return 1;
	if (got == 0 && n > 0)
		return 0;
	snprintf(r->err, sizeof(r->err), "the capture ends in the middle of a block");
	return -1;
}

static int
fail(tm_pcapng *r, const char *what)
{
	snprintf(r->err, sizeof(r->err), "%s", what);
	return -1;
}

/* Read the rest of a block of total length len, of which hdrlen bytes were read, into
 * r->block; *body gets the size of what lies between them and the trailing length. */
static int
read_body(tm_pcapng *r, uint32_t len, uint32_t hdrlen, size_t *body)
{
	uint8_t    *p;
	size_t		rest;

	if (len < hdrlen + 4 || len % 4 != 0 || len > PCAPNG_MAX_BLOCK)
		return fail(r, "a block has an impossible length");
	rest = len - hdrlen;
	if (rest > r->blockcap)
	{
		p = realloc(r->block, rest);
		if (p == NULL)
			return fail(r, "out of memory for a block");
		r->block = p;
		r->blockcap = rest;
	}
	if (read_exact(r, r->block, rest) != 1)
		return fail(r, "the capture ends in the middle of a block");
	if (rd32(r, r->block + rest - 4) != len)
		return fail(r, "a block's trailing length does not match its length");
	*body = rest - 4;
	return 1;
}

/* Start a section: byte order and version; interfaces start over. */
static int
section(tm_pcapng *r, const uint8_t hdr[12])
{
	uint32_t	bom;
	uint32_t	len;
	size_t		body;
	int			k;

	memcpy(&bom, hdr + 8, 4);
	if (bom == BYTE_ORDER_MAGIC)
		r->swapped = false;
	else if (bom == __builtin_bswap32(BYTE_ORDER_MAGIC))
		r->swapped = true;
	else
		return fail(r, "a section header has no byte-order magic");
	len = rd32(r, hdr + 4);
	if (len < 28)
		return fail(r, "a section header is too short");
	k = read_body(r, len, 12, &body);
	if (k != 1)
		return k;
	if (body < 4 || rd16(r, r->block) != 1)
		return fail(r, "the pcapng major version is not 1");
	r->ifbase += r->nifs;
	r->nifs = 0;
	return 1;
}

static void
note_linktype(tm_pcapng *r, int dlt, uint32_t snaplen)
{
	int			i;

	if (snaplen == 0)
		r->unlimited = true;
	else if (snaplen > r->snaplen)
		r->snaplen = snaplen;
	for (i = 0; i < r->nlinktypes; i++)
	{
		if (r->linktypes[i] == dlt)
			return;
	}
	if (r->nlinktypes < PCAPNG_MAX_LINKTYPES)
		r->linktypes[r->nlinktypes++] = dlt;
}

/* Units per second of an if_tsresol value: 10^-n, or 2^-n with the top bit set. */
static int
tsresol_units(uint8_t v, uint64_t *units)
{
	uint64_t	u = 1;
	unsigned	n = v & 0x7f;
	unsigned	i;

	if (v & 0x80)
	{
		if (n > 63)
			return -1;
		*units = 1ULL << n;
		return 0;
	}
	if (n > 19)
		return -1;
	for (i = 0; i < n; i++)
		u *= 10;
	*units = u;
	return 0;
}

static int
interface(tm_pcapng *r, size_t body)
{
	tm_pcapng_if *ifp;
	size_t		off = 8;
	uint16_t	code;
	uint16_t	olen;

	if (body < 8)
		return fail(r, "an interface description block is too short");
	if (r->ifbase + r->nifs >= PCAPNG_MAX_INTERFACES)
		return fail(r, "the capture describes too many interfaces");
	if (r->nifs == r->ifcap)
	{
		uint32_t	cap = r->ifcap ? r->ifcap * 2 : 8;
		tm_pcapng_if *p = realloc(r->ifs, cap * sizeof(*p));

		if (p == NULL)
			return fail(r, "out of memory for interfaces");
		r->ifs = p;
		r->ifcap = cap;
	}
	ifp = &r->ifs[r->nifs];
	ifp->linktype = pcapng_linktype_to_dlt(rd16(r, r->block));
	ifp->snaplen = rd32(r, r->block + 4);
	ifp->units = DEFAULT_UNITS;
	ifp->offset = 0;
	while (off + 4 <= body)
	{
		code = rd16(r, r->block + off);
		olen = rd16(r, r->block + off + 2);
		off += 4;
		if (code == OPT_ENDOFOPT || olen > body - off)
			break;
		if (code == OPT_IF_TSRESOL && olen == 1 && tsresol_units(r->block[off], &ifp->units) != 0)
			return fail(r, "an interface has an impossible time-stamp resolution");
		if (code == OPT_IF_TSOFFSET && olen == 8)
			ifp->offset = (int64_t) rd64(r, r->block + off);
		off += ((size_t) olen + 3) & ~(size_t) 3;
	}
	note_linktype(r, ifp->linktype, ifp->snaplen);
	r->nifs++;
	return 1;
}

/* Nanoseconds since the epoch of a time stamp in an interface's units; wraps, never traps. */
static int64_t
to_ns(const tm_pcapng_if *ifp, uint64_t t)
{
	uint64_t	sec = t / ifp->units;
	uint64_t	frac = t % ifp->units;
	uint64_t	ns;

	if (ifp->units <= 1000000000ULL)
		ns = frac * (1000000000ULL / ifp->units) +
			(frac * (1000000000ULL % ifp->units)) / ifp->units;
	else
		ns = (uint64_t) ((long double) frac * 1e9L / (long double) ifp->units);
	return (int64_t) ((sec + (uint64_t) ifp->offset) * 1000000000ULL + ns);
}

/* Fill pkt from a packet block's fields; the data must lie inside the body. */
static int
packet(tm_pcapng *r, tm_packet *pkt, uint32_t ifid, uint64_t ts, uint32_t caplen,
	   uint32_t len, size_t dataoff, size_t body, bool has_ts)
{
	const tm_pcapng_if *ifp;

	if (ifid >= r->nifs)
		return fail(r, "a packet names an interface that was not described");
	ifp = &r->ifs[ifid];
	if (dataoff > body || caplen > body - dataoff)
		return fail(r, "a packet is longer than its block");
	pkt->linktype = ifp->linktype;
	pkt->ifindex = r->ifbase + ifid;
	pkt->ts_ns = has_ts ? to_ns(ifp, ts) : 0;
	pkt->caplen = caplen;
	pkt->len = len;
	pkt->data = r->block + dataoff;
	return 1;
}

tm_result
pcapng_open(tm_pcapng *r, FILE *fp)
{
	uint8_t		hdr[12];
	uint32_t	type;

	memset(r, 0, sizeof(*r));
	r->fp = fp;
	if (read_exact(r, hdr, sizeof(hdr)) != 1)
	{
		snprintf(r->err, sizeof(r->err), "the capture is shorter than a section header");
		return TM_ERR_FORMAT;
	}
	memcpy(&type, hdr, 4);
	if (type != BT_SHB || section(r, hdr) != 1)
	{
		if (r->err[0] == '\0')
			snprintf(r->err, sizeof(r->err), "the capture does not start with a section header");
		return TM_ERR_FORMAT;
	}
	return TM_OK;
}

int
pcapng_next(tm_pcapng *r, tm_packet *pkt)
{
	uint8_t		hdr[12];
	uint32_t	type;
	uint32_t	len;
	size_t		body;
	int			k;
	uint32_t	caplen;

	for (;;)
	{
		k = read_exact(r, hdr, 8);
		if (k != 1)
			return k;
		memcpy(&type, hdr, 4);
		if (type == BT_SHB)
		{
			k = read_exact(r, hdr + 8, 4);
			if (k != 1)
				return k == 0 ? fail(r, "the capture ends in the middle of a block") : k;
			k = section(r, hdr);
			if (k != 1)
				return k;
			continue;
		}
		type = rd32(r, hdr);
		len = rd32(r, hdr + 4);
		k = read_body(r, len, 8, &body);
		if (k != 1)
			return k;
		switch (type)
		{
			case BT_IDB:
				k = interface(r, body);
				if (k != 1)
					return k;
				break;
			case BT_EPB:
				if (body < 20)
					return fail(r, "an enhanced packet block is too short");
				return packet(r, pkt, rd32(r, r->block),
							  (uint64_t) rd32(r, r->block + 4) << 32 | rd32(r, r->block + 8),
							  rd32(r, r->block + 12), rd32(r, r->block + 16), 20, body, true);
			case BT_PB:
				if (body < 20)
					return fail(r, "a packet block is too short");
				return packet(r, pkt, rd16(r, r->block),
							  (uint64_t) rd32(r, r->block + 4) << 32 | rd32(r, r->block + 8),
							  rd32(r, r->block + 12), rd32(r, r->block + 16), 20, body, true);
			case BT_SPB:
				if (body < 4 || r->nifs == 0)
					return fail(r, "a simple packet block is too short or has no interface");
				caplen = rd32(r, r->block);
				if (caplen > body - 4)
					caplen = (uint32_t) (body - 4);
				if (r->ifs[0].snaplen != 0 && caplen > r->ifs[0].snaplen)
					caplen = r->ifs[0].snaplen;
				return packet(r, pkt, 0, 0, caplen, rd32(r, r->block), 4, body, false);
			default:
				break;
		}
	}
}

void
pcapng_close(tm_pcapng *r)
{
	free(r->block);
	free(r->ifs);
	r->block = NULL;
	r->ifs = NULL;
}
