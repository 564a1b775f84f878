/*
 * packets.h - building packets byte by byte for the dissector and aggregator tests: each
 * helper appends one header to a buffer, with the fields a test cares about and sensible
 * values for the others (checksums are not checked by the loader, so they stay 0).
 */
#ifndef TM_TEST_PACKETS_H
#define TM_TEST_PACKETS_H

#include <stdint.h>
#include <string.h>

typedef struct
{
	uint8_t		b[2048];
	size_t		n;
} pkt_buf;

static inline void
pb_u8(pkt_buf *p, uint8_t v)
{
	p->b[p->n++] = v;
}

static inline void
pb_be16(pkt_buf *p, uint16_t v)
{
	pb_u8(p, (uint8_t) (v >> 8));
	pb_u8(p, (uint8_t) v);
}

static inline void
pb_be32(pkt_buf *p, uint32_t v)
{
	pb_be16(p, (uint16_t) (v >> 16));
	pb_be16(p, (uint16_t) v);
}

static inline void
pb_zero(pkt_buf *p, size_t n)
{
	memset(p->b + p->n, 0, n);
	p->n += n;
}

static inline void
pb_ether(pkt_buf *p, uint16_t type)
{
	static const uint8_t macs[12] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1};

	memcpy(p->b + p->n, macs, 12);
	p->n += 12;
	pb_be16(p, type);
}

/* An IPv4 header of 20 + optlen bytes (optlen a multiple of 4) for a payload of paylen. */
static inline void
pb_ipv4(pkt_buf *p, uint32_t src, uint32_t dst, uint8_t proto, size_t optlen, size_t paylen,
		uint16_t id, uint16_t frag)
{
	pb_u8(p, (uint8_t) (0x40 | (5 + optlen / 4)));
	pb_u8(p, 0);
	pb_be16(p, (uint16_t) (20 + optlen + paylen));
	pb_be16(p, id);
	pb_be16(p, frag);
	pb_u8(p, 64);
	pb_u8(p, proto);
	pb_be16(p, 0);
	pb_be32(p, src);
	pb_be32(p, dst);
	for (size_t i = 0; i < optlen; i++)
		pb_u8(p, 1);			/* NOP options */
}

static inline void
pb_ipv6(pkt_buf *p, uint8_t last_src, uint8_t last_dst, uint8_t nh, size_t paylen)
{
	pb_be32(p, 0x60000000);
	pb_be16(p, (uint16_t) paylen);
	pb_u8(p, nh);
	pb_u8(p, 64);
	pb_be16(p, 0xfd00);
	pb_zero(p, 13);
	pb_u8(p, last_src);
	pb_be16(p, 0xfd00);
	pb_zero(p, 13);
	pb_u8(p, last_dst);
}

static inline void
pb_tcp(pkt_buf *p, uint16_t sport, uint16_t dport, uint32_t seq, uint8_t flags)
{
	pb_be16(p, sport);
	pb_be16(p, dport);
	pb_be32(p, seq);
	pb_be32(p, 0);
	pb_u8(p, 0x50);
	pb_u8(p, flags);
	pb_be16(p, 65535);
	pb_be32(p, 0);
}

static inline void
pb_udp(pkt_buf *p, uint16_t sport, uint16_t dport, size_t paylen)
{
	pb_be16(p, sport);
	pb_be16(p, dport);
	pb_be16(p, (uint16_t) (8 + paylen));
	pb_be16(p, 0);
	pb_zero(p, paylen);
}

static inline void
pb_icmp(pkt_buf *p, uint8_t type, uint16_t id)
{
	pb_u8(p, type);
	pb_u8(p, 0);
	pb_be16(p, 0);
	pb_be16(p, id);
	pb_be16(p, 1);
}

#define IP4(a, b, c, d) (((uint32_t) (a) << 24) | ((uint32_t) (b) << 16) | ((uint32_t) (c) << 8) | (uint32_t) (d))

#endif							/* TM_TEST_PACKETS_H */
