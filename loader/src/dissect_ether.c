/*
 * dissect_ether.c - Ethernet II / IEEE 802.3 frames, IEEE 802.1Q and 802.1ad VLAN tags
 * (stacked, QinQ), IEEE 802.2 LLC with SNAP, and the EtherType dispatch that Linux cooked
 * captures share.
 *
 * Ethernet II (IEEE 802.3):
 *
 *   +-------------------+-------------------+------------------+------------
 *   | destination (6)   | source (6)        | EtherType (2)    | payload ...
 *   +-------------------+-------------------+------------------+------------
 *   a type/length value below 0x0600 is an 802.3 length, followed by an LLC header
 *
 * 802.1Q / 802.1ad tag, between the source address and the EtherType, repeatable:
 *
 *   +------------------+-----+---+--------------+
 *   | TPID 0x8100/88a8 | PCP |DEI| VLAN id (12) |   then the next EtherType (or tag)
 *   +------------------+-----+---+--------------+
 *
 * LLC + SNAP (RFC 1042): DSAP 0xaa, SSAP 0xaa, control 0x03, OUI (3), EtherType (2); after
 * an 802.3 length, or after EtherType 0x8870 (jumbo LLC frames).
 */
#include "dissect.h"

#define ETHER_HDRLEN 14
#define VLAN_TAGLEN 4
#define LLC_SNAP_HDRLEN 8

enum
{
	ETHERTYPE_IP = 0x0800,
	ETHERTYPE_IPV6 = 0x86dd,
	ETHERTYPE_8021Q = 0x8100,
	ETHERTYPE_8021AD = 0x88a8,
	ETHERTYPE_QINQ_OLD1 = 0x9100,
	ETHERTYPE_QINQ_OLD2 = 0x9200,
	ETHERTYPE_MPLS = 0x8847,
	ETHERTYPE_MPLS_MULTI = 0x8848,
	ETHERTYPE_JUMBO = 0x8870,	/* an 802.2 LLC frame longer than 1500 bytes */
	ETHERTYPE_MIN = 0x0600
};

tm_dissect_outcome
ether_dissect(tm_cursor *c, tm_flowinfo *out)
{
	tm_dissect_outcome r;
	uint16_t	type;

	r = dis_need(c, ETHER_HDRLEN);
	if (r != DIS_OK)
		return r;
	type = dis_be16(c, 12);
	dis_advance(c, ETHER_HDRLEN);
	if (type < ETHERTYPE_MIN)
		return llc_dissect(c, out);
	return ethertype_dissect(c, type, out);
}

/* The payload of EtherType `type`, stepping over any number of VLAN tags. */
tm_dissect_outcome
ethertype_dissect(tm_cursor *c, uint16_t type, tm_flowinfo *out)
{
	tm_dissect_outcome r;

	for (;;)
	{
		switch (type)
		{
			case ETHERTYPE_IP:
				return ip_dissect(c, out);
			case ETHERTYPE_IPV6:
				return ip6_dissect(c, out);
			case ETHERTYPE_MPLS:
			case ETHERTYPE_MPLS_MULTI:
				return mpls_dissect(c, out);
			case ETHERTYPE_JUMBO:
				return llc_dissect(c, out);
			case ETHERTYPE_8021Q:
			case ETHERTYPE_8021AD:
			case ETHERTYPE_QINQ_OLD1:
			case ETHERTYPE_QINQ_OLD2:
				r = dis_need(c, VLAN_TAGLEN);
				if (r != DIS_OK)
					return r;
				type = dis_be16(c, 2);
				dis_advance(c, VLAN_TAGLEN);
				if (type < ETHERTYPE_MIN)
					return llc_dissect(c, out);
				break;
			default:
				return DIS_NOT_IP;
		}
	}
}

/* 802.2 LLC: only SNAP with the EtherType OUI can carry IP. */
tm_dissect_outcome
llc_dissect(tm_cursor *c, tm_flowinfo *out)
{
	tm_dissect_outcome r;
	uint16_t	type;

	r = dis_need(c, 3);
	if (r != DIS_OK)
		return r == DIS_MALFORMED ? DIS_NOT_IP : r;
	if (dis_u8(c, 0) != 0xaa || dis_u8(c, 1) != 0xaa || dis_u8(c, 2) != 0x03)
		return DIS_NOT_IP;
	r = dis_need(c, LLC_SNAP_HDRLEN);
	if (r != DIS_OK)
		return r;
	if (dis_u8(c, 3) != 0 || dis_u8(c, 4) != 0 || dis_u8(c, 5) != 0)
		return DIS_NOT_IP;
	type = dis_be16(c, 6);
	dis_advance(c, LLC_SNAP_HDRLEN);
	if (type < ETHERTYPE_MIN)
		return DIS_NOT_IP;
	return ethertype_dissect(c, type, out);
}
