/*
 * dissect_ip.c - IPv4 (RFC 791), with options and fragments.
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |Version|  IHL  |Type of Service|          Total Length         |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |         Identification        |Flags|      Fragment Offset    |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  Time to Live |    Protocol   |         Header Checksum       |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                       Source Address                          |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                    Destination Address                        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                    Options (IHL > 5)          |    Padding    |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * The IP-layer length of a packet is its Total Length; one larger than the packet was on
 * the wire is malformed. Options are stepped over by the IHL. A fragment with an offset
 * carries no transport header: only its datagram identity (id, addresses, protocol).
 */
#include "dissect.h"

#define IP_MINHDRLEN 20
#define IP_MF 0x2000
#define IP_OFFMASK 0x1fff

tm_dissect_outcome
ip_dissect(tm_cursor *c, tm_flowinfo *out)
{
	tm_dissect_outcome r;
	size_t		hlen;
	size_t		total;
	uint16_t	frag;

	r = dis_need(c, IP_MINHDRLEN);
	if (r != DIS_OK)
		return r;
	if (dis_u8(c, 0) >> 4 != 4)
		return DIS_MALFORMED;
	hlen = (size_t) (dis_u8(c, 0) & 0x0f) * 4;
	total = dis_be16(c, 2);
	if (hlen < IP_MINHDRLEN || total < hlen || total > c->wirelen)
		return DIS_MALFORMED;
	r = dis_need(c, hlen);
	if (r != DIS_OK)
		return r;

	out->family = 4;
	out->proto = dis_u8(c, 9);
	out->ip_bytes = (uint32_t) total;
	out->frag_id = dis_be16(c, 4);
	dis_copy(c, 12, out->src, 4);
	dis_copy(c, 16, out->dst, 4);
	frag = dis_be16(c, 6);
	if ((frag & IP_OFFMASK) != 0)
	{
		out->frag = FRAG_LATER;
		return DIS_OK;
	}
	out->frag = (frag & IP_MF) ? FRAG_FIRST : FRAG_NONE;
	dis_advance(c, hlen);
	dis_limit(c, total - hlen);
	return transport_dissect(c, out);
}
