/*
 * dissect.h - from a captured packet to what the aggregator needs: addresses, protocol,
 * ports, TCP flags, IP-layer length and fragment identity, tcpdump's way (STYLE.md).
 *
 * One file per layer (dissect_<proto>.c), each exporting <proto>_dissect(cursor, out). Any
 * byte sequence is possible input: every read goes through the bounds-checked accessors
 * below, and the outcome tells apart a packet the capture cut short (TRUNCATED: the
 * snapshot length ended it) from one that is invalid (MALFORMED: e.g. an IP length larger
 * than the packet was on the wire). Dissectors never allocate and never write outside *out.
 *
 * A cursor sees two lengths from its position: the bytes captured and the bytes the packet
 * had on the wire. dis_need(c, n) says whether n bytes are there: more than the wire held
 * is MALFORMED, more than were captured is TRUNCATED. After the IP header the wire length
 * is the IP datagram's own, so a transport header that does not fit in the datagram is
 * malformed even when the frame carried padding.
 */
#ifndef TM_DISSECT_H
#define TM_DISSECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "packet.h"

typedef enum
{
	DIS_OK = 0,					/* an IP packet: *out is filled in */
	DIS_NOT_IP,					/* a link-layer frame that carries no IPv4 or IPv6 */
	DIS_TRUNCATED,				/* the capture cut the packet before what we need */
	DIS_MALFORMED				/* headers that cannot be right */
} tm_dissect_outcome;

typedef struct
{
	const uint8_t *p;			/* the next byte to read */
	size_t		caplen;			/* bytes captured from p on */
	size_t		wirelen;		/* bytes on the wire from p on (>= caplen) */
} tm_cursor;

/* What kind of flow a packet belongs to, which decides its key and its client/server rule. */
typedef enum
{
	FLOW_PORTS = 0,				/* TCP or UDP with both ports */
	FLOW_ECHO,					/* ICMP/ICMPv6 echo request or reply, keyed by identifier */
	FLOW_OTHER,					/* any other IP protocol or ICMP message: no ports */
	FLOW_ORPHAN					/* fragments whose first fragment never came */
} tm_flow_kind;

typedef enum
{
	FRAG_NONE = 0,				/* a whole datagram */
	FRAG_FIRST,					/* offset 0, more to come: carries the transport header */
	FRAG_LATER					/* offset > 0: payload only, identified by frag_id */
} tm_frag;

/* TCP flag bits, as in the header's 13th byte. */
#define TCPF_FIN 0x01
#define TCPF_SYN 0x02
#define TCPF_RST 0x04
#define TCPF_ACK 0x10

#define ICMP_ECHO_REQUEST 1
#define ICMP_ECHO_REPLY 2

typedef struct
{
	uint8_t		family;			/* 4 or 6 */
	uint8_t		proto;			/* IP protocol of the payload (after IPv6 extension headers) */
	uint8_t		kind;			/* tm_flow_kind */
	uint8_t		frag;			/* tm_frag */
	uint8_t		src[16];		/* IPv4 in the first 4 bytes, the rest zero */
	uint8_t		dst[16];
	uint16_t	sport;			/* FLOW_PORTS: ports; FLOW_ECHO: the identifier in both */
	uint16_t	dport;
	uint8_t		tcp_flags;
	uint8_t		echo;			/* ICMP_ECHO_REQUEST, ICMP_ECHO_REPLY or 0 */
	uint32_t	tcp_seq;
	uint32_t	ip_bytes;		/* IPv4 total length; IPv6 payload length + 40 */
	uint32_t	frag_id;		/* IPv4 identification or IPv6 fragment header id */
	uint64_t	ifkey;			/* the interface: the packet's ifindex << 32 | SLL2 ifindex */
} tm_flowinfo;

/* Dissect one packet of any supported link type; the entry point of this module. */
tm_dissect_outcome dissect_packet(const tm_packet *pkt, tm_flowinfo *out);

/* Does the link type have a dissector? (others count as not IP) */
bool		dissect_linktype_known(int linktype);

/* The layers, each in dissect_<proto>.c. */
tm_dissect_outcome ether_dissect(tm_cursor *c, tm_flowinfo *out);
tm_dissect_outcome ethertype_dissect(tm_cursor *c, uint16_t type, tm_flowinfo *out);
tm_dissect_outcome llc_dissect(tm_cursor *c, tm_flowinfo *out);
tm_dissect_outcome mpls_dissect(tm_cursor *c, tm_flowinfo *out);
tm_dissect_outcome sll_dissect(tm_cursor *c, tm_flowinfo *out);
tm_dissect_outcome sll2_dissect(tm_cursor *c, tm_flowinfo *out);
tm_dissect_outcome null_dissect(tm_cursor *c, bool network_order, tm_flowinfo *out);
tm_dissect_outcome rawip_dissect(tm_cursor *c, tm_flowinfo *out);
tm_dissect_outcome ip_dissect(tm_cursor *c, tm_flowinfo *out);
tm_dissect_outcome ip6_dissect(tm_cursor *c, tm_flowinfo *out);
tm_dissect_outcome transport_dissect(tm_cursor *c, tm_flowinfo *out);
tm_dissect_outcome tcp_dissect(tm_cursor *c, tm_flowinfo *out);
tm_dissect_outcome udp_dissect(tm_cursor *c, tm_flowinfo *out);
tm_dissect_outcome icmp_dissect(tm_cursor *c, tm_flowinfo *out);
tm_dissect_outcome icmp6_dissect(tm_cursor *c, tm_flowinfo *out);
/* ICMP and ICMPv6 start alike: echo request and reply types tell echo flows apart. */
tm_dissect_outcome icmp_common(tm_cursor *c, uint8_t request, uint8_t reply, tm_flowinfo *out);

/*
 * The accessors. dis_need is checked before reading; the getters check again and read 0
 * past the captured bytes, so a dissector bug can give a wrong value but never a wild read.
 */
static inline tm_dissect_outcome
dis_need(const tm_cursor *c, size_t n)
{
	if (n > c->wirelen)
		return DIS_MALFORMED;
	if (n > c->caplen)
		return DIS_TRUNCATED;
	return DIS_OK;
}

static inline uint8_t
dis_u8(const tm_cursor *c, size_t off)
{
	if (off >= c->caplen)
		return 0;
	return c->p[off];
}

static inline uint16_t
dis_be16(const tm_cursor *c, size_t off)
{
	if (off >= c->caplen || c->caplen - off < 2)
		return 0;
	return (uint16_t) ((c->p[off] << 8) | c->p[off + 1]);
}

static inline uint32_t
dis_be32(const tm_cursor *c, size_t off)
{
	if (off >= c->caplen || c->caplen - off < 4)
		return 0;
	return ((uint32_t) c->p[off] << 24) | ((uint32_t) c->p[off + 1] << 16) |
		((uint32_t) c->p[off + 2] << 8) | (uint32_t) c->p[off + 3];
}

static inline uint32_t
dis_le32(const tm_cursor *c, size_t off)
{
	if (off >= c->caplen || c->caplen - off < 4)
		return 0;
	return ((uint32_t) c->p[off + 3] << 24) | ((uint32_t) c->p[off + 2] << 16) |
		((uint32_t) c->p[off + 1] << 8) | (uint32_t) c->p[off];
}

/* Copy n bytes at off (already checked with dis_need); zeros past the captured bytes. */
static inline void
dis_copy(const tm_cursor *c, size_t off, uint8_t *dst, size_t n)
{
	size_t		i;

	if (off <= c->caplen && c->caplen - off >= n)
	{
		memcpy(dst, c->p + off, n);
		return;
	}
	for (i = 0; i < n; i++)
		dst[i] = dis_u8(c, off + i);
}

/* Step over n bytes (already checked with dis_need). */
static inline void
dis_advance(tm_cursor *c, size_t n)
{
	if (n > c->caplen)
		n = c->caplen;
	c->p += n;
	c->caplen -= n;
	c->wirelen = c->wirelen > n ? c->wirelen - n : 0;
}

/* From here on only the first n bytes belong to this layer (an IP datagram's length). */
static inline void
dis_limit(tm_cursor *c, size_t n)
{
	if (c->caplen > n)
		c->caplen = n;
	c->wirelen = n;
}

#endif							/* TM_DISSECT_H */
