/*
 * dissect_tcp.c - TCP (RFC 9293): ports, sequence number and flags.
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |          Source Port          |       Destination Port        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                        Sequence Number                        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                    Acknowledgment Number                      |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  Data |       |C|E|U|A|P|R|S|F|                               |
 *   | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |           Checksum            |         Urgent Pointer        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * The fixed 20 bytes must be there; options are not needed. A data offset below 5 words
 * is malformed.
 */
#include "dissect.h"

#define TCP_MINHDRLEN 20

tm_dissect_outcome
tcp_dissect(tm_cursor *c, tm_flowinfo *out)
{
	tm_dissect_outcome r;

	r = dis_need(c, TCP_MINHDRLEN);
	if (r != DIS_OK)
		return r;
	if ((dis_u8(c, 12) >> 4) < TCP_MINHDRLEN / 4)
		return DIS_MALFORMED;
	out->kind = FLOW_PORTS;
	out->sport = dis_be16(c, 0);
	out->dport = dis_be16(c, 2);
	out->tcp_seq = dis_be32(c, 4);
	out->tcp_flags = dis_u8(c, 13);
	return DIS_OK;
}
