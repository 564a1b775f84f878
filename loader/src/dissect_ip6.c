/*
 * dissect_ip6.c - IPv6 (RFC 8200) and its extension headers: hop-by-hop options, routing,
 * fragment and destination options.
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |Version| Traffic Class |           Flow Label                  |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |         Payload Length        |  Next Header  |   Hop Limit   |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                    Source Address (128 bits)                  |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                 Destination Address (128 bits)                |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Hop-by-hop (0), routing (43), destination options (60):
 *   | Next Header | Hdr Ext Len (8-octet units after the first 8) | ...
 * Fragment (44), 8 bytes:
 *   | Next Header | Reserved | Fragment Offset (13) |Res|M| Identification (32) |
 *
 * The IP-layer length is Payload Length + 40. A fragment with an offset carries no
 * transport header; the protocol of the datagram is the fragment header's Next Header.
 */
#include "dissect.h"

#define IP6_HDRLEN 40
#define IP6_FRAGLEN 8

enum
{
	IP6_HOPOPTS = 0,
	IP6_ROUTING = 43,
	IP6_FRAGMENT = 44,
	IP6_DSTOPTS = 60
};

/* Step over one option-style extension header; its next header goes to *nh. */
static tm_dissect_outcome
ip6_skip_ext(tm_cursor *c, uint8_t *nh)
{
	tm_dissect_outcome r;
	size_t		len;

	r = dis_need(c, 8);
	if (r != DIS_OK)
		return r;
	*nh = dis_u8(c, 0);
	len = ((size_t) dis_u8(c, 1) + 1) * 8;
	r = dis_need(c, len);
	if (r != DIS_OK)
		return r;
	dis_advance(c, len);
	return DIS_OK;
}

tm_dissect_outcome
ip6_dissect(tm_cursor *c, tm_flowinfo *out)
{
	tm_dissect_outcome r;
	size_t		plen;
	uint8_t		nh;
	uint16_t	offlg;

	r = dis_need(c, IP6_HDRLEN);
	if (r != DIS_OK)
		return r;
	if (dis_u8(c, 0) >> 4 != 6)
		return DIS_MALFORMED;
	plen = dis_be16(c, 4);
	if (plen + IP6_HDRLEN > c->wirelen)
		return DIS_MALFORMED;
	out->family = 6;
	out->ip_bytes = (uint32_t) (plen + IP6_HDRLEN);
	nh = dis_u8(c, 6);
	dis_copy(c, 8, out->src, 16);
	dis_copy(c, 24, out->dst, 16);
	dis_advance(c, IP6_HDRLEN);
	dis_limit(c, plen);

	for (;;)
	{
		switch (nh)
		{
			case IP6_HOPOPTS:
			case IP6_ROUTING:
			case IP6_DSTOPTS:
				r = ip6_skip_ext(c, &nh);
				if (r != DIS_OK)
					return r;
				continue;
			case IP6_FRAGMENT:
				r = dis_need(c, IP6_FRAGLEN);
				if (r != DIS_OK)
					return r;
				nh = dis_u8(c, 0);
				offlg = dis_be16(c, 2);
				out->frag_id = dis_be32(c, 4);
				dis_advance(c, IP6_FRAGLEN);
				if ((offlg & 0xfff8) != 0)
				{
					out->proto = nh;
					out->frag = FRAG_LATER;
					return DIS_OK;
				}
				/* Offset 0 without M is an atomic fragment: a whole datagram. */
				if (offlg & 1)
					out->frag = FRAG_FIRST;
				continue;
			default:
				break;
		}
		break;
	}
	out->proto = nh;
	return transport_dissect(c, out);
}
