/*
 * pcap_stream.c - framing the classic pcap format from bytes that arrive in pieces.
 *
 * The format (libpcap's savefile.c, draft-ietf-opsawg-pcap):
 *
 *   global header, 24 bytes          record header, 16 bytes, then incl_len bytes
 *   +------------------------+       +------------------------+
 *   | magic            u32   |       | ts_sec           u32   |
 *   | version major    u16   |       | ts_usec or ts_nsec u32 |
 *   | version minor    u16   |       | incl_len         u32   |
 *   | thiszone         i32   |       | orig_len         u32   |
 *   | sigfigs          u32   |       +------------------------+
 *   | snaplen          u32   |
 *   | linktype         u32   |
 *   +------------------------+
 *
 * Every field is in the writer's byte order, which the magic tells.
 */
#include "pcap_stream.h"

#include <stdlib.h>
#include <string.h>

#define MAGIC_USEC 0xa1b2c3d4u
#define MAGIC_NSEC 0xa1b23c4du
#define MAGIC_USEC_SWAPPED 0xd4c3b2a1u
#define MAGIC_NSEC_SWAPPED 0x4d3cb2a1u
/* The link type is the low 26 bits; the high bits carry FCS information (LT_LINKTYPE). */
#define LINKTYPE_MASK 0x03ffffffu

void
pcap_stream_init(pcap_stream *ps, pcap_stream_packet_fn on_packet, void *ctx)
{
	memset(ps, 0, sizeof(*ps));
	ps->state = PCAP_STREAM_HEADER;
	ps->on_packet = on_packet;
	ps->ctx = ctx;
}

void
pcap_stream_free(pcap_stream *ps)
{
	free(ps->body);
	ps->body = NULL;
	ps->body_cap = 0;
}

bool
pcap_stream_started(const pcap_stream *ps)
{
	return ps->state != PCAP_STREAM_HEADER;
}

static uint32_t
get_u32(const pcap_stream *ps, const unsigned char *p)
{
	uint32_t	v;

	if (ps->big_endian)
		v = (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
	else
		v = (uint32_t) p[3] << 24 | (uint32_t) p[2] << 16 | (uint32_t) p[1] << 8 | p[0];
	return v;
}

static uint16_t
get_u16(const pcap_stream *ps, const unsigned char *p)
{
	if (ps->big_endian)
		return (uint16_t) (p[0] << 8 | p[1]);
	return (uint16_t) (p[1] << 8 | p[0]);
}

static tm_result
fail(pcap_stream *ps, const char *why)
{
	ps->state = PCAP_STREAM_FAILED;
	ps->error = why;
	return TM_ERR_FORMAT;
}

/* The magic, read little-endian, says the byte order of every later field and the resolution. */
static tm_result
parse_global_header(pcap_stream *ps)
{
	uint32_t	magic;
	uint16_t	major;
	uint16_t	minor;

	ps->big_endian = false;
	magic = get_u32(ps, ps->head);
	switch (magic)
	{
		case MAGIC_USEC:
			break;
		case MAGIC_NSEC:
			ps->nsec = true;
			break;
		case MAGIC_USEC_SWAPPED:
			ps->big_endian = true;
			break;
		case MAGIC_NSEC_SWAPPED:
			ps->big_endian = true;
			ps->nsec = true;
			break;
		default:
			return fail(ps, "the stream does not start with a pcap magic number");
	}
	major = get_u16(ps, ps->head + 4);
	minor = get_u16(ps, ps->head + 6);
	if (major != 2 || minor > 4)
		return fail(ps, "the pcap stream has a version other than 2.0 to 2.4");
	ps->snaplen = get_u32(ps, ps->head + 16);
	ps->linktype = get_u32(ps, ps->head + 20) & LINKTYPE_MASK;
	ps->state = PCAP_STREAM_RECORD_HEADER;
	return TM_OK;
}

static tm_result
parse_record_header(pcap_stream *ps)
{
	uint32_t	frac;

	ps->rec.linktype = ps->linktype;
	ps->rec.ts_sec = get_u32(ps, ps->head);
	frac = get_u32(ps, ps->head + 4);
	ps->rec.caplen = get_u32(ps, ps->head + 8);
	ps->rec.len = get_u32(ps, ps->head + 12);
	if (ps->rec.caplen > PCAP_STREAM_MAX_CAPLEN)
		return fail(ps, "a pcap record is larger than any capture program writes (over 262144 bytes)");
	/* Out-of-range fractions exist in the wild; carry them into the seconds. */
	if (!ps->nsec)
	{
		ps->rec.ts_sec += frac / 1000000u;
		ps->rec.ts_nsec = (frac % 1000000u) * 1000u;
	}
	else
	{
		ps->rec.ts_sec += frac / 1000000000u;
		ps->rec.ts_nsec = frac % 1000000000u;
	}
	ps->body_have = 0;
	ps->state = PCAP_STREAM_RECORD_BODY;
	return TM_OK;
}

static tm_result
deliver(pcap_stream *ps, const unsigned char *data)
{
	tm_result	r;

	ps->rec.data = data;
	ps->state = PCAP_STREAM_RECORD_HEADER;
	ps->head_have = 0;
	ps->packets++;
	r = ps->on_packet(ps->ctx, &ps->rec);
	if (r != TM_OK)
	{
		ps->state = PCAP_STREAM_FAILED;
		ps->error = "the packet could not be processed";
	}
	return r;
}

/* Gather a header of size want into ps->head; returns the bytes taken from p. */
static size_t
gather_head(pcap_stream *ps, const unsigned char *p, size_t n, size_t want)
{
	size_t		take = want - ps->head_have;

	if (take > n)
		take = n;
	memcpy(ps->head + ps->head_have, p, take);
	ps->head_have += take;
	return take;
}

/* Copy part of a record body that spans reads; the buffer grows to the largest record. */
static tm_result
gather_body(pcap_stream *ps, const unsigned char *p, size_t take)
{
	unsigned char *nb;

	if (ps->body_cap < ps->rec.caplen)
	{
		nb = realloc(ps->body, ps->rec.caplen);
		if (nb == NULL)
			return TM_ERR_NOMEM;
		ps->body = nb;
		ps->body_cap = ps->rec.caplen;
	}
	memcpy(ps->body + ps->body_have, p, take);
	ps->body_have += take;
	return TM_OK;
}

tm_result
pcap_stream_feed(pcap_stream *ps, const unsigned char *p, size_t n)
{
	tm_result	r = TM_OK;
	size_t		take;
	size_t		need;

	if (ps->state == PCAP_STREAM_FAILED)
		return TM_ERR_FORMAT;
	while (n > 0 && r == TM_OK)
	{
		switch (ps->state)
		{
			case PCAP_STREAM_HEADER:
				take = gather_head(ps, p, n, PCAP_STREAM_HEADER_LEN);
				if (ps->head_have == PCAP_STREAM_HEADER_LEN)
				{
					ps->head_have = 0;
					r = parse_global_header(ps);
				}
				break;
			case PCAP_STREAM_RECORD_HEADER:
				take = gather_head(ps, p, n, PCAP_STREAM_RECORD_HEADER_LEN);
				if (ps->head_have == PCAP_STREAM_RECORD_HEADER_LEN)
				{
					ps->head_have = 0;
					r = parse_record_header(ps);
					/* An empty record is complete at once. */
					if (r == TM_OK && ps->rec.caplen == 0)
						r = deliver(ps, p + take);
				}
				break;
			case PCAP_STREAM_RECORD_BODY:
				need = ps->rec.caplen - ps->body_have;
				if (ps->body_have == 0 && n >= need)
				{
					/* Whole in this read: no copy. */
					take = need;
					r = deliver(ps, p);
					break;
				}
				take = need < n ? need : n;
				r = gather_body(ps, p, take);
				if (r == TM_OK && ps->body_have == ps->rec.caplen)
					r = deliver(ps, ps->body);
				break;
			default:
				return TM_ERR_FORMAT;
		}
		ps->bytes += take;
		p += take;
		n -= take;
	}
	return r;
}

tm_result
pcap_stream_end(pcap_stream *ps)
{
	switch (ps->state)
	{
		case PCAP_STREAM_HEADER:
			ps->error = ps->head_have == 0 ? "the stream is empty" : "the stream ended inside the pcap header";
			return TM_ERR_FORMAT;
		case PCAP_STREAM_RECORD_HEADER:
			if (ps->head_have == 0)
				return TM_OK;
			ps->error = "the stream ended inside a record header";
			return TM_ERR_FORMAT;
		case PCAP_STREAM_RECORD_BODY:
			ps->error = "the stream ended inside a packet";
			return TM_ERR_FORMAT;
		case PCAP_STREAM_FAILED:
			return TM_ERR_FORMAT;
	}
	return TM_ERR_INTERNAL;
}
