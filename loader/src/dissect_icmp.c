/*
 * dissect_icmp.c - ICMP (RFC 792): echo requests and replies are flows of their own, keyed
 * by the identifier; every other message is a flow without ports.
 *
 *    0                   1                   2                   3
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |     Type      |     Code      |          Checksum             |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |     Identifier (echo)         |     Sequence Number (echo)    |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Every ICMP message has these 8 bytes. The IP header an error message quotes is not
 * looked into: traffic is counted by its outer headers.
 */
#include "dissect.h"

#define ICMP_HDRLEN 8
#define ICMP_ECHOREPLY 0
#define ICMP_ECHO 8

tm_dissect_outcome
icmp_common(tm_cursor *c, uint8_t request, uint8_t reply, tm_flowinfo *out)
{
	tm_dissect_outcome r;
	uint8_t		type;

	r = dis_need(c, ICMP_HDRLEN);
	if (r != DIS_OK)
		return r;
	type = dis_u8(c, 0);
	if (type != request && type != reply)
	{
		out->kind = FLOW_OTHER;
		return DIS_OK;
	}
	out->kind = FLOW_ECHO;
	out->echo = type == request ? ICMP_ECHO_REQUEST : ICMP_ECHO_REPLY;
	out->sport = dis_be16(c, 4);
	out->dport = out->sport;
	return DIS_OK;
}

tm_dissect_outcome
icmp_dissect(tm_cursor *c, tm_flowinfo *out)
{
	return icmp_common(c, ICMP_ECHO, ICMP_ECHOREPLY, out);
}
