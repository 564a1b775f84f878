/*
 * test_dissect.c - the dissectors read the right fields at every layer, tell truncated from
 * malformed, and never read past the captured bytes (the sanitized run checks every prefix
 * of every packet here in a buffer of exactly that size).
 */
#include <pcap/dlt.h>
#include <stdlib.h>

#include "unit.h"
#include "packets.h"

#include "../src/dissect.h"

static tm_dissect_outcome
dissect_bytes(int linktype, const uint8_t *data, size_t caplen, size_t len, tm_flowinfo *fi)
{
	tm_packet	pkt;

	pkt.linktype = linktype;
	pkt.ifindex = 0;
	pkt.ts_ns = 0;
	pkt.caplen = (uint32_t) caplen;
	pkt.len = (uint32_t) len;
	pkt.data = data;
	return dissect_packet(&pkt, fi);
}

/* Every prefix of the packet, in its own heap buffer, is TRUNCATED below need and OK at full. */
static void
check_prefixes(int linktype, const pkt_buf *p, size_t need)
{
	tm_flowinfo fi;
	size_t		cap;

	for (cap = 0; cap <= p->n; cap++)
	{
		uint8_t    *copy = malloc(cap ? cap : 1);
		tm_dissect_outcome r;

		memcpy(copy, p->b, cap);
		r = dissect_bytes(linktype, copy, cap, p->n, &fi);
		if (cap < need)
			CHECK_INT(r, DIS_TRUNCATED);
		else
			CHECK_INT(r, DIS_OK);
		free(copy);
	}
}

static void
eth_ipv4_tcp(pkt_buf *p, uint8_t flags)
{
	p->n = 0;
	pb_ether(p, 0x0800);
	pb_ipv4(p, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 6, 0, 20 + 5, 7, 0);
	pb_tcp(p, 40000, 443, 12345, flags);
	pb_zero(p, 5);
}

UNIT_TEST(ethernet_ipv4_tcp_fields)
{
	pkt_buf		p;
	tm_flowinfo fi;

	eth_ipv4_tcp(&p, TCPF_SYN);
	CHECK_INT(dissect_bytes(DLT_EN10MB, p.b, p.n, p.n, &fi), DIS_OK);
	CHECK_INT(fi.family, 4);
	CHECK_INT(fi.proto, 6);
	CHECK_INT(fi.kind, FLOW_PORTS);
	CHECK_INT(fi.frag, FRAG_NONE);
	CHECK_INT(fi.src[3], 1);
	CHECK_INT(fi.dst[3], 2);
	CHECK_INT(fi.sport, 40000);
	CHECK_INT(fi.dport, 443);
	CHECK_INT(fi.tcp_seq, 12345);
	CHECK_INT(fi.tcp_flags, TCPF_SYN);
	CHECK_INT(fi.ip_bytes, 45);
	check_prefixes(DLT_EN10MB, &p, 14 + 20 + 20);
}

UNIT_TEST(ip_length_beyond_the_wire_is_malformed)
{
	pkt_buf		p;
	tm_flowinfo fi;

	eth_ipv4_tcp(&p, 0);
	/* 44 bytes of IP on the wire, the header claims 45. */
	CHECK_INT(dissect_bytes(DLT_EN10MB, p.b, p.n - 1, p.n - 1, &fi), DIS_MALFORMED);
	/* A snapshot length that cuts the payload loses nothing: the wire had it all. */
	CHECK_INT(dissect_bytes(DLT_EN10MB, p.b, 54, p.n, &fi), DIS_OK);
	CHECK_INT(fi.ip_bytes, 45);
	/* Ethernet padding after the datagram is fine. */
	CHECK_INT(dissect_bytes(DLT_EN10MB, p.b, p.n, p.n + 20, &fi), DIS_OK);
	p.b[14] = 0x44;				/* IHL 4 */
	CHECK_INT(dissect_bytes(DLT_EN10MB, p.b, p.n, p.n, &fi), DIS_MALFORMED);
	p.b[14] = 0x65;				/* version 6 behind EtherType IPv4 */
	CHECK_INT(dissect_bytes(DLT_EN10MB, p.b, p.n, p.n, &fi), DIS_MALFORMED);
	eth_ipv4_tcp(&p, 0);
	p.b[14 + 20 + 12] = 0x40;	/* TCP data offset 4 */
	CHECK_INT(dissect_bytes(DLT_EN10MB, p.b, p.n, p.n, &fi), DIS_MALFORMED);
}

UNIT_TEST(transport_header_outside_the_datagram_is_malformed)
{
	pkt_buf		p = {.n = 0};
	tm_flowinfo fi;

	pb_ether(&p, 0x0800);
	pb_ipv4(&p, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 17, 0, 4, 1, 0);
	pb_zero(&p, 20);			/* padding that is not the datagram's */
	CHECK_INT(dissect_bytes(DLT_EN10MB, p.b, p.n, p.n, &fi), DIS_MALFORMED);
}

UNIT_TEST(vlan_stack_and_llc_snap)
{
	pkt_buf		p = {.n = 0};
	tm_flowinfo fi;

	pb_ether(&p, 0x88a8);
	pb_be16(&p, 100);
	pb_be16(&p, 0x8100);
	pb_be16(&p, 10);
	pb_be16(&p, 0x86dd);
	pb_ipv6(&p, 1, 2, 17, 8);
	pb_udp(&p, 5353, 5353, 0);
	CHECK_INT(dissect_bytes(DLT_EN10MB, p.b, p.n, p.n, &fi), DIS_OK);
	CHECK_INT(fi.family, 6);
	CHECK_INT(fi.src[15], 1);
	CHECK_INT(fi.ip_bytes, 48);
	check_prefixes(DLT_EN10MB, &p, 22 + 40 + 8);

	p.n = 0;
	pb_ether(&p, 8 + 28);		/* an 802.3 length */
	pb_u8(&p, 0xaa);
	pb_u8(&p, 0xaa);
	pb_u8(&p, 0x03);
	pb_zero(&p, 3);
	pb_be16(&p, 0x0800);
	pb_ipv4(&p, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 17, 0, 8, 1, 0);
	pb_udp(&p, 1000, 514, 0);
	CHECK_INT(dissect_bytes(DLT_EN10MB, p.b, p.n, p.n, &fi), DIS_OK);
	CHECK_INT(fi.dport, 514);
	p.b[14] = 0x42;				/* an LLC that is not SNAP: spanning tree */
	CHECK_INT(dissect_bytes(DLT_EN10MB, p.b, p.n, p.n, &fi), DIS_NOT_IP);
}

UNIT_TEST(mpls_ip_and_pseudowire)
{
	pkt_buf		p = {.n = 0};
	tm_flowinfo fi;

	pb_ether(&p, 0x8847);
	pb_be32(&p, (100u << 12) | 64);
	pb_be32(&p, (200u << 12) | 0x100 | 64);
	pb_ipv4(&p, IP4(10, 1, 0, 1), IP4(10, 1, 0, 2), 6, 0, 20, 1, 0);
	pb_tcp(&p, 1234, 80, 1, TCPF_SYN);
	CHECK_INT(dissect_bytes(DLT_EN10MB, p.b, p.n, p.n, &fi), DIS_OK);
	CHECK_INT(fi.dport, 80);
	check_prefixes(DLT_EN10MB, &p, 14 + 8 + 40);

	p.n = 0;
	pb_ether(&p, 0x8847);
	pb_be32(&p, (300u << 12) | 0x100 | 64);
	pb_be32(&p, 0);				/* control word */
	pb_ether(&p, 0x0800);
	pb_ipv4(&p, IP4(10, 1, 0, 3), IP4(10, 1, 0, 4), 17, 0, 8, 1, 0);
	pb_udp(&p, 1234, 161, 0);
	CHECK_INT(dissect_bytes(DLT_EN10MB, p.b, p.n, p.n, &fi), DIS_OK);
	CHECK_INT(fi.src[3], 3);
	CHECK_INT(fi.dport, 161);
	check_prefixes(DLT_EN10MB, &p, 14 + 8 + 14 + 28);
}

UNIT_TEST(cooked_and_loopback_link_types)
{
	pkt_buf		p = {.n = 0};
	tm_flowinfo fi;

	pb_be16(&p, 0x0800);		/* SLL2: protocol, reserved, ifindex, ... */
	pb_be16(&p, 0);
	pb_be32(&p, 7);
	pb_be16(&p, 1);
	pb_u8(&p, 0);
	pb_u8(&p, 6);
	pb_zero(&p, 8);
	pb_ipv4(&p, IP4(127, 0, 0, 1), IP4(127, 0, 0, 1), 17, 0, 8, 1, 0);
	pb_udp(&p, 40000, 53, 0);
	CHECK_INT(dissect_bytes(DLT_LINUX_SLL2, p.b, p.n, p.n, &fi), DIS_OK);
	CHECK_INT(fi.ifkey, 7);
	check_prefixes(DLT_LINUX_SLL2, &p, 20 + 28);

	p.n = 0;
	pb_zero(&p, 14);			/* SLL: ..., protocol */
	pb_be16(&p, 0x0806);
	pb_zero(&p, 28);
	CHECK_INT(dissect_bytes(DLT_LINUX_SLL, p.b, p.n, p.n, &fi), DIS_NOT_IP);

	p.n = 0;
	pb_u8(&p, 2);				/* DLT_NULL, little-endian AF_INET */
	pb_zero(&p, 3);
	pb_ipv4(&p, IP4(127, 0, 0, 1), IP4(127, 0, 0, 2), 17, 0, 8, 1, 0);
	pb_udp(&p, 40000, 53, 0);
	CHECK_INT(dissect_bytes(DLT_NULL, p.b, p.n, p.n, &fi), DIS_OK);
	CHECK_INT(fi.dst[3], 2);
	p.b[0] = 0;
	p.b[3] = 2;					/* big-endian AF_INET */
	CHECK_INT(dissect_bytes(DLT_NULL, p.b, p.n, p.n, &fi), DIS_OK);
	CHECK_INT(dissect_bytes(DLT_LOOP, p.b, p.n, p.n, &fi), DIS_OK);
	p.b[3] = 30;				/* AF_INET6 (macOS) in front of an IPv4 packet */
	CHECK_INT(dissect_bytes(DLT_LOOP, p.b, p.n, p.n, &fi), DIS_MALFORMED);
	CHECK_INT(dissect_bytes(12345, p.b, p.n, p.n, &fi), DIS_NOT_IP);
	CHECK_INT(dissect_bytes(DLT_RAW, p.b + 4, p.n - 4, p.n - 4, &fi), DIS_OK);
	p.b[4] = 0x30;
	CHECK_INT(dissect_bytes(DLT_RAW, p.b + 4, p.n - 4, p.n - 4, &fi), DIS_MALFORMED);
}

UNIT_TEST(ipv6_extension_headers_and_fragments)
{
	pkt_buf		p = {.n = 0};
	tm_flowinfo fi;

	pb_ether(&p, 0x86dd);
	pb_ipv6(&p, 1, 2, 0, 8 + 16 + 8 + 8 + 20);
	pb_u8(&p, 43);				/* hop-by-hop, 8 bytes */
	pb_u8(&p, 0);
	pb_zero(&p, 6);
	pb_u8(&p, 60);				/* routing, 16 bytes */
	pb_u8(&p, 1);
	pb_zero(&p, 14);
	pb_u8(&p, 44);				/* destination options, 8 bytes */
	pb_u8(&p, 0);
	pb_zero(&p, 6);
	pb_u8(&p, 6);				/* fragment: offset 0, more */
	pb_u8(&p, 0);
	pb_be16(&p, 1);
	pb_be32(&p, 0xabcdef);
	pb_tcp(&p, 41000, 443, 9, TCPF_SYN);
	CHECK_INT(dissect_bytes(DLT_EN10MB, p.b, p.n, p.n, &fi), DIS_OK);
	CHECK_INT(fi.proto, 6);
	CHECK_INT(fi.frag, FRAG_FIRST);
	CHECK_INT(fi.frag_id, 0xabcdef);
	CHECK_INT(fi.dport, 443);
	CHECK_INT(fi.ip_bytes, 40 + 60);
	check_prefixes(DLT_EN10MB, &p, p.n);

	p.b[14 + 40 + 8 + 16 + 8 + 2] = 0;	/* offset 8 bytes: a later fragment */
	p.b[14 + 40 + 8 + 16 + 8 + 3] = 8;
	CHECK_INT(dissect_bytes(DLT_EN10MB, p.b, p.n, p.n, &fi), DIS_OK);
	CHECK_INT(fi.frag, FRAG_LATER);
	CHECK_INT(fi.proto, 6);
	CHECK_INT(fi.sport, 0);

	p.b[14 + 4] = 0x10;			/* payload length beyond the wire */
	CHECK_INT(dissect_bytes(DLT_EN10MB, p.b, p.n, p.n, &fi), DIS_MALFORMED);
}

UNIT_TEST(ipv4_options_and_fragments)
{
	pkt_buf		p = {.n = 0};
	tm_flowinfo fi;

	pb_ether(&p, 0x0800);
	pb_ipv4(&p, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 17, 8, 16, 99, 0x2000);
	pb_udp(&p, 40000, 53, 8);
	CHECK_INT(dissect_bytes(DLT_EN10MB, p.b, p.n, p.n, &fi), DIS_OK);
	CHECK_INT(fi.frag, FRAG_FIRST);
	CHECK_INT(fi.frag_id, 99);
	CHECK_INT(fi.dport, 53);
	CHECK_INT(fi.ip_bytes, 44);
	check_prefixes(DLT_EN10MB, &p, 14 + 28 + 8);

	p.b[14 + 6] = 0x00;
	p.b[14 + 7] = 0x02;			/* offset 16 bytes, no more */
	CHECK_INT(dissect_bytes(DLT_EN10MB, p.b, p.n, p.n, &fi), DIS_OK);
	CHECK_INT(fi.frag, FRAG_LATER);
	CHECK_INT(fi.sport, 0);
	CHECK_INT(fi.proto, 17);
}

UNIT_TEST(icmp_echo_and_other)
{
	pkt_buf		p = {.n = 0};
	tm_flowinfo fi;

	pb_ether(&p, 0x0800);
	pb_ipv4(&p, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 1, 0, 8, 1, 0);
	pb_icmp(&p, 8, 4242);
	CHECK_INT(dissect_bytes(DLT_EN10MB, p.b, p.n, p.n, &fi), DIS_OK);
	CHECK_INT(fi.kind, FLOW_ECHO);
	CHECK_INT(fi.echo, ICMP_ECHO_REQUEST);
	CHECK_INT(fi.sport, 4242);
	p.b[14 + 20] = 0;
	CHECK_INT(dissect_bytes(DLT_EN10MB, p.b, p.n, p.n, &fi), DIS_OK);
	CHECK_INT(fi.echo, ICMP_ECHO_REPLY);
	p.b[14 + 20] = 3;
	CHECK_INT(dissect_bytes(DLT_EN10MB, p.b, p.n, p.n, &fi), DIS_OK);
	CHECK_INT(fi.kind, FLOW_OTHER);
	check_prefixes(DLT_EN10MB, &p, p.n);

	p.n = 0;
	pb_ether(&p, 0x86dd);
	pb_ipv6(&p, 1, 2, 58, 8);
	pb_icmp(&p, 128, 7);
	CHECK_INT(dissect_bytes(DLT_EN10MB, p.b, p.n, p.n, &fi), DIS_OK);
	CHECK_INT(fi.kind, FLOW_ECHO);
	CHECK_INT(fi.echo, ICMP_ECHO_REQUEST);

	p.n = 0;
	pb_ether(&p, 0x0800);
	pb_ipv4(&p, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 47, 0, 4, 1, 0);
	pb_zero(&p, 4);
	CHECK_INT(dissect_bytes(DLT_EN10MB, p.b, p.n, p.n, &fi), DIS_OK);
	CHECK_INT(fi.kind, FLOW_OTHER);
	CHECK_INT(fi.proto, 47);
	pb_ether(&p, 0x0806);
	CHECK_INT(dissect_bytes(DLT_EN10MB, p.b + 38, p.n - 38, p.n - 38, &fi), DIS_NOT_IP);
}

UNIT_MAIN(UNIT_ENTRY(ethernet_ipv4_tcp_fields),
		  UNIT_ENTRY(ip_length_beyond_the_wire_is_malformed),
		  UNIT_ENTRY(transport_header_outside_the_datagram_is_malformed),
		  UNIT_ENTRY(vlan_stack_and_llc_snap),
		  UNIT_ENTRY(mpls_ip_and_pseudowire),
		  UNIT_ENTRY(cooked_and_loopback_link_types),
		  UNIT_ENTRY(ipv6_extension_headers_and_fragments),
		  UNIT_ENTRY(ipv4_options_and_fragments),
		  UNIT_ENTRY(icmp_echo_and_other))
