/*
 * dissect_icmp6.c - ICMPv6 (RFC 4443): echo request (128) and reply (129) are flows keyed
 * by the identifier, like ICMP's; neighbour discovery and errors are flows without ports.
 *
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |     Type      |     Code      |          Checksum             |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |     Identifier (echo)         |     Sequence Number (echo)    |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
#include "dissect.h"

#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ECHO_REPLY 129

tm_dissect_outcome
icmp6_dissect(tm_cursor *c, tm_flowinfo *out)
{
	return icmp_common(c, ICMP6_ECHO_REQUEST, ICMP6_ECHO_REPLY, out);
}
