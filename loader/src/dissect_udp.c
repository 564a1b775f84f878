/*
 * dissect_udp.c - UDP (RFC 768): the ports.
 *
 *    0      7 8     15 16    23 24    31
 *   +--------+--------+--------+--------+
 *   |   Source Port   | Destination Port|
 *   +--------+--------+--------+--------+
 *   |     Length      |    Checksum     |
 *   +--------+--------+--------+--------+
 *
 * Tunnels inside UDP (VXLAN, GENEVE, ...) are counted as the UDP they are.
 */
#include "dissect.h"

#define UDP_HDRLEN 8

tm_dissect_outcome
udp_dissect(tm_cursor *c, tm_flowinfo *out)
{
	tm_dissect_outcome r;

	r = dis_need(c, UDP_HDRLEN);
	if (r != DIS_OK)
		return r;
	out->kind = FLOW_PORTS;
	out->sport = dis_be16(c, 0);
	out->dport = dis_be16(c, 2);
	return DIS_OK;
}
