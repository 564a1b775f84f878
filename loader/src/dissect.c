/*
 * dissect.c - the entry point of dissection: the link type of a packet picks its first
 * layer. Link types are libpcap's DLT_* values (pcap/dlt.h), which on Linux equal the
 * LINKTYPE_* values in files except raw IP (LINKTYPE_RAW 101 is DLT_RAW 12).
 */
#include "dissect.h"

#include <pcap/dlt.h>

#define LINKTYPE_RAW 101

bool
dissect_linktype_known(int linktype)
{
	switch (linktype)
	{
		case DLT_EN10MB:
		case DLT_LINUX_SLL:
		case DLT_LINUX_SLL2:
		case DLT_NULL:
		case DLT_LOOP:
		case DLT_RAW:
		case LINKTYPE_RAW:
		case DLT_IPV4:
		case DLT_IPV6:
			return true;
		default:
			return false;
	}
}

tm_dissect_outcome
dissect_packet(const tm_packet *pkt, tm_flowinfo *out)
{
	tm_cursor	c;

	memset(out, 0, sizeof(*out));
	out->ifkey = (uint64_t) pkt->ifindex << 32;
	c.p = pkt->data;
	c.caplen = pkt->caplen;
	/* A record claiming fewer bytes on the wire than it captured has at least those. */
	c.wirelen = pkt->len > pkt->caplen ? pkt->len : pkt->caplen;
	switch (pkt->linktype)
	{
		case DLT_EN10MB:
			return ether_dissect(&c, out);
		case DLT_LINUX_SLL:
			return sll_dissect(&c, out);
		case DLT_LINUX_SLL2:
			return sll2_dissect(&c, out);
		case DLT_NULL:
			return null_dissect(&c, false, out);
		case DLT_LOOP:
			return null_dissect(&c, true, out);
		case DLT_RAW:
		case LINKTYPE_RAW:
			return rawip_dissect(&c, out);
		case DLT_IPV4:
			return ip_dissect(&c, out);
		case DLT_IPV6:
			return ip6_dissect(&c, out);
		default:
			return DIS_NOT_IP;
	}
}

/* Raw IP: no link header, the version nibble says which IP. */
tm_dissect_outcome
rawip_dissect(tm_cursor *c, tm_flowinfo *out)
{
	tm_dissect_outcome r;

	r = dis_need(c, 1);
	if (r != DIS_OK)
		return r;
	switch (dis_u8(c, 0) >> 4)
	{
		case 4:
			return ip_dissect(c, out);
		case 6:
			return ip6_dissect(c, out);
		default:
			return DIS_MALFORMED;
	}
}

/* The protocol after the IP header(s) of a whole datagram or a first fragment. */
tm_dissect_outcome
transport_dissect(tm_cursor *c, tm_flowinfo *out)
{
	switch (out->proto)
	{
		case 6:
			return tcp_dissect(c, out);
		case 17:
			return udp_dissect(c, out);
		case 1:
			if (out->family == 4)
				return icmp_dissect(c, out);
			break;
		case 58:
			if (out->family == 6)
				return icmp6_dissect(c, out);
			break;
		default:
			break;
	}
	out->kind = FLOW_OTHER;
	return DIS_OK;
}
