/*
 * dissect_mpls.c - MPLS label stacks (RFC 3032) and what follows the bottom label.
 *
 * Label stack entry, repeated until the bottom-of-stack bit S is set:
 *
 *    0                   1                   2                   3
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                Label                  | TC  |S|      TTL      |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * MPLS does not say what it carries. As routers do (RFC 4928), the first nibble after the
 * bottom label decides: 4 is IPv4, 6 is IPv6, and 0 is a pseudowire control word
 * (RFC 4385, 4 bytes) followed by an Ethernet frame (RFC 4448).
 */
#include "dissect.h"

#define MPLS_ENTRYLEN 4
#define MPLS_BOTTOM 0x100
#define PW_CONTROL_WORDLEN 4

tm_dissect_outcome
mpls_dissect(tm_cursor *c, tm_flowinfo *out)
{
	tm_dissect_outcome r;
	uint32_t	entry;

	do
	{
		r = dis_need(c, MPLS_ENTRYLEN);
		if (r != DIS_OK)
			return r;
		entry = dis_be32(c, 0);
		dis_advance(c, MPLS_ENTRYLEN);
	} while ((entry & MPLS_BOTTOM) == 0);

	r = dis_need(c, 1);
	if (r != DIS_OK)
		return r;
	switch (dis_u8(c, 0) >> 4)
	{
		case 4:
			return ip_dissect(c, out);
		case 6:
			return ip6_dissect(c, out);
		case 0:
			r = dis_need(c, PW_CONTROL_WORDLEN);
			if (r != DIS_OK)
				return r;
			dis_advance(c, PW_CONTROL_WORDLEN);
			return ether_dissect(c, out);
		default:
			return DIS_NOT_IP;
	}
}
