/*
 * dissect_sll.c - Linux "cooked" captures, what `tcpdump -i any` writes: SLL (LINKTYPE
 * 113) and SLL2 (LINKTYPE 276), whose header carries the interface index.
 *
 * SLL (16 bytes):
 *   +--------------+--------------+--------------+--------------------+--------------+
 *   | pkttype (2)  | ARPHRD (2)   | addr len (2) | link address (8)   | protocol (2) |
 *   +--------------+--------------+--------------+--------------------+--------------+
 *
 * SLL2 (20 bytes):
 *   +--------------+--------------+------------------+------------+-------------+-------------+-------------------+
 *   | protocol (2) | reserved (2) | if index (4)     | ARPHRD (2) | pkttype (1) | addr len(1) | link address (8)  |
 *   +--------------+--------------+------------------+------------+-------------+-------------+-------------------+
 *
 * The protocol is an EtherType, or below 0x0600 a Linux ETH_P_* value: 0x0004 means the
 * payload is an 802.2 LLC frame; the others never carry IP.
 */
#include "dissect.h"

#define SLL_HDRLEN 16
#define SLL2_HDRLEN 20
#define ETH_P_802_2 0x0004
#define ARPHRD_NETLINK 824

/* The payload of a cooked header: EtherType, LLC, or something that is not IP. */
static tm_dissect_outcome
cooked_payload(tm_cursor *c, uint16_t hatype, uint16_t proto, tm_flowinfo *out)
{
	if (hatype == ARPHRD_NETLINK)
		return DIS_NOT_IP;
	if (proto == ETH_P_802_2)
		return llc_dissect(c, out);
	if (proto < 0x0600)
		return DIS_NOT_IP;
	return ethertype_dissect(c, proto, out);
}

tm_dissect_outcome
sll_dissect(tm_cursor *c, tm_flowinfo *out)
{
	tm_dissect_outcome r;
	uint16_t	hatype;
	uint16_t	proto;

	r = dis_need(c, SLL_HDRLEN);
	if (r != DIS_OK)
		return r;
	hatype = dis_be16(c, 2);
	proto = dis_be16(c, 14);
	dis_advance(c, SLL_HDRLEN);
	return cooked_payload(c, hatype, proto, out);
}

tm_dissect_outcome
sll2_dissect(tm_cursor *c, tm_flowinfo *out)
{
	tm_dissect_outcome r;
	uint16_t	hatype;
	uint16_t	proto;

	r = dis_need(c, SLL2_HDRLEN);
	if (r != DIS_OK)
		return r;
	proto = dis_be16(c, 0);
	out->ifkey |= dis_be32(c, 4);
	hatype = dis_be16(c, 8);
	dis_advance(c, SLL2_HDRLEN);
	return cooked_payload(c, hatype, proto, out);
}
