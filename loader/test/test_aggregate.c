/*
 * test_aggregate.c - the client/server table row by row, conns, fragments, interface
 * duplicates, growth to many flows, and the accounting: every packet in an edge or skipped.
 */
#include <pcap/dlt.h>
#include <stdlib.h>

#include "unit.h"
#include "packets.h"

#include "../src/aggregate.h"
#include "../src/dissect.h"

static int64_t clock_ns;

static void
feed(tm_agg *a, int linktype, const pkt_buf *p)
{
	tm_packet	pkt;

	pkt.linktype = linktype;
	pkt.ifindex = 0;
	pkt.ts_ns = clock_ns += 1000;
	pkt.caplen = (uint32_t) p->n;
	pkt.len = (uint32_t) p->n;
	pkt.data = p->b;
	CHECK_INT(agg_packet(a, &pkt), TM_OK);
}

/* Raw IPv4 TCP or UDP (proto) from 10.0.0.s to 10.0.0.d. */
static void
feed_tcp(tm_agg *a, uint8_t s, uint8_t d, uint16_t sport, uint16_t dport, uint32_t seq, uint8_t flags)
{
	pkt_buf		p = {.n = 0};

	pb_ipv4(&p, IP4(10, 0, 0, s), IP4(10, 0, 0, d), 6, 0, 20, 1, 0);
	pb_tcp(&p, sport, dport, seq, flags);
	feed(a, DLT_RAW, &p);
}

static void
feed_udp(tm_agg *a, uint8_t s, uint8_t d, uint16_t sport, uint16_t dport)
{
	pkt_buf		p = {.n = 0};

	pb_ipv4(&p, IP4(10, 0, 0, s), IP4(10, 0, 0, d), 17, 0, 8, 1, 0);
	pb_udp(&p, sport, dport, 0);
	feed(a, DLT_RAW, &p);
}

/* The one edge with this client and server (last address bytes), or NULL. */
static const tm_edge *
edge(const tm_agg *a, uint8_t client, uint8_t server)
{
	size_t		i;

	for (i = 0; i < agg_nedges(a); i++)
	{
		const tm_edge *e = agg_edge(a, i);

		if (e->key.client[3] == client && e->key.server[3] == server)
			return e;
	}
	return NULL;
}

/* packets == edge packets + skipped, after agg_finish. */
static void
check_accounting(const tm_agg *a)
{
	const tm_capture_counts *c = agg_counts(a);
	uint64_t	n = 0;
	size_t		i;

	for (i = 0; i < agg_nedges(a); i++)
		n += agg_edge(a, i)->c2s_packets + agg_edge(a, i)->s2c_packets;
	CHECK_INT(c->packets, n + c->not_ip + c->truncated + c->malformed + c->duplicate);
}

UNIT_TEST(syn_then_synack_rules)
{
	tm_agg	   *a;
	const tm_edge *e;

	CHECK_INT(agg_new(&a), TM_OK);
	/* Row 1: the SYN's sender is the client though its port is the low one. */
	feed_tcp(a, 1, 2, 80, 40000, 100, TCPF_SYN);
	feed_tcp(a, 1, 2, 80, 40000, 100, TCPF_SYN);	/* retransmission */
	feed_tcp(a, 2, 1, 40000, 80, 7, TCPF_SYN | TCPF_ACK);
	feed_tcp(a, 1, 2, 80, 40000, 500, TCPF_SYN);	/* the 5-tuple again */
	feed_tcp(a, 2, 1, 40000, 80, 8, TCPF_FIN | TCPF_ACK);
	/* Row 2: no SYN, the SYN-ACK's receiver is the client. */
	feed_tcp(a, 4, 3, 50000, 22, 7, TCPF_SYN | TCPF_ACK);
	feed_tcp(a, 3, 4, 22, 50000, 8, TCPF_ACK);
	CHECK_INT(agg_finish(a), TM_OK);
	CHECK_INT(agg_nedges(a), 2);
	e = edge(a, 1, 2);
	CHECK(e != NULL);
	if (e != NULL)
	{
		CHECK_INT(e->key.server_port, 40000);
		CHECK_INT(e->conns, 2);
		CHECK_INT(e->c2s_packets, 3);
		CHECK_INT(e->s2c_packets, 2);
		CHECK_INT(e->c2s_bytes, 120);
		CHECK_INT(e->syns, 4);
		CHECK_INT(e->fins, 1);
	}
	e = edge(a, 3, 4);
	CHECK(e != NULL);
	if (e != NULL)
	{
		CHECK_INT(e->key.server_port, 50000);
		CHECK_INT(e->conns, 1);
	}
	check_accounting(a);
	agg_free(a);
}

UNIT_TEST(port_rules)
{
	tm_agg	   *a;
	const tm_edge *e;

	CHECK_INT(agg_new(&a), TM_OK);
	feed_udp(a, 1, 2, 53, 40000);	/* the server speaks first: one low port */
	feed_udp(a, 2, 1, 40000, 53);
	feed_udp(a, 2, 1, 40001, 53);	/* another client port: another conn */
	feed_udp(a, 3, 4, 32768, 32767);	/* 32767 is the only port below 32768 */
	feed_udp(a, 5, 6, 2000, 1000);	/* both low: the lower port serves */
	feed_udp(a, 7, 8, 123, 123);	/* equal ports: the lower address serves */
	feed_udp(a, 10, 9, 123, 123);
	feed_tcp(a, 11, 12, 50000, 40000, 1, TCPF_ACK);	/* both high, no SYN */
	CHECK_INT(agg_finish(a), TM_OK);
	e = edge(a, 2, 1);
	CHECK(e != NULL && e->key.server_port == 53 && e->conns == 2 && e->c2s_packets == 2 && e->s2c_packets == 1);
	e = edge(a, 3, 4);
	CHECK(e != NULL && e->key.server_port == 32767);
	e = edge(a, 5, 6);
	CHECK(e != NULL && e->key.server_port == 1000);
	e = edge(a, 8, 7);
	CHECK(e != NULL && e->key.server_port == 123 && e->s2c_packets == 1);
	e = edge(a, 10, 9);
	CHECK(e != NULL && e->c2s_packets == 1);
	e = edge(a, 11, 12);
	CHECK(e != NULL && e->key.server_port == 40000 && e->conns == 1);
	CHECK_INT(agg_nedges(a), 6);
	check_accounting(a);
	agg_free(a);
}

UNIT_TEST(echo_and_first_packet_rules)
{
	tm_agg	   *a;
	const tm_edge *e;
	pkt_buf		p;

	CHECK_INT(agg_new(&a), TM_OK);
	p.n = 0;
	pb_ipv4(&p, IP4(10, 0, 0, 2), IP4(10, 0, 0, 1), 1, 0, 8, 1, 0);
	pb_icmp(&p, 0, 9);			/* a reply first */
	feed(a, DLT_RAW, &p);
	p.n = 0;
	pb_ipv4(&p, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 1, 0, 8, 1, 0);
	pb_icmp(&p, 8, 9);
	feed(a, DLT_RAW, &p);
	feed(a, DLT_RAW, &p);
	p.n = 0;
	pb_ipv4(&p, IP4(10, 0, 0, 4), IP4(10, 0, 0, 3), 1, 0, 8, 1, 0);
	pb_icmp(&p, 0, 1);			/* a lone reply: its receiver asked */
	feed(a, DLT_RAW, &p);
	p.n = 0;
	pb_ipv4(&p, IP4(10, 0, 0, 6), IP4(10, 0, 0, 5), 47, 0, 4, 1, 0);
	pb_zero(&p, 4);
	feed(a, DLT_RAW, &p);		/* GRE: the first packet's source is the client */
	p.b[15] = 5;
	p.b[19] = 6;
	feed(a, DLT_RAW, &p);
	CHECK_INT(agg_finish(a), TM_OK);
	e = edge(a, 1, 2);
	CHECK(e != NULL && e->conns == 2 && e->c2s_packets == 2 && e->s2c_packets == 1 && e->key.proto == 1);
	e = edge(a, 3, 4);
	CHECK(e != NULL && e->conns == 0 && e->s2c_packets == 1);
	e = edge(a, 6, 5);
	CHECK(e != NULL && e->c2s_packets == 1 && e->s2c_packets == 1 && e->key.proto == 47 && e->conns == 0);
	check_accounting(a);
	agg_free(a);
}

static void
feed_fragment(tm_agg *a, uint8_t s, uint8_t d, uint16_t id, uint16_t off8, bool more, bool with_udp)
{
	pkt_buf		p = {.n = 0};

	pb_ipv4(&p, IP4(10, 0, 0, s), IP4(10, 0, 0, d), 17, 0, 16, id,
			(uint16_t) ((more ? 0x2000 : 0) | off8));
	if (with_udp)
		pb_udp(&p, 40000, 53, 8);
	else
		pb_zero(&p, 16);
	feed(a, DLT_RAW, &p);
}

UNIT_TEST(fragments_follow_their_first)
{
	tm_agg	   *a;
	const tm_edge *e;

	CHECK_INT(agg_new(&a), TM_OK);
	feed_fragment(a, 1, 2, 7, 0, true, true);	/* in order */
	feed_fragment(a, 1, 2, 7, 2, true, false);
	feed_fragment(a, 1, 2, 7, 4, false, false);
	feed_fragment(a, 1, 2, 8, 2, false, false);	/* out of order: later first */
	feed_fragment(a, 1, 2, 8, 0, true, true);
	feed_fragment(a, 9, 8, 9, 2, false, false);	/* no first fragment ever */
	CHECK_INT(agg_finish(a), TM_OK);
	e = edge(a, 1, 2);
	CHECK(e != NULL && e->key.server_port == 53 && e->c2s_packets == 5 && e->c2s_bytes == 5 * 36 && e->conns == 1);
	e = edge(a, 9, 8);
	CHECK(e != NULL && e->key.server_port == 0 && e->c2s_packets == 1 && e->key.proto == 17 && e->conns == 0);
	CHECK_INT(agg_nedges(a), 2);
	check_accounting(a);
	agg_free(a);
}

UNIT_TEST(interface_copies_count_once)
{
	tm_agg	   *a;
	const tm_edge *e;
	pkt_buf		p;
	int			i;

	CHECK_INT(agg_new(&a), TM_OK);
	for (i = 0; i < 5; i++)
	{
		uint32_t	ifindex = (i == 4) ? 3 : 2;	/* 4 packets on if 2, 1 on if 3 */

		p.n = 0;
		pb_be16(&p, 0x0800);
		pb_be16(&p, 0);
		pb_be32(&p, ifindex);
		pb_be16(&p, 1);
		pb_u8(&p, 0);
		pb_u8(&p, 6);
		pb_zero(&p, 8);
		pb_ipv4(&p, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 17, 0, 8, 1, 0);
		pb_udp(&p, 40000, 53, 0);
		feed(a, DLT_LINUX_SLL2, &p);
	}
	p.n = 20;					/* ARP on if 3 */
	p.b[0] = 0x08;
	p.b[1] = 0x06;
	feed(a, DLT_LINUX_SLL2, &p);
	CHECK_INT(agg_finish(a), TM_OK);
	e = edge(a, 1, 2);
	CHECK(e != NULL && e->c2s_packets == 4);
	CHECK_INT(agg_counts(a)->duplicate, 1);
	CHECK_INT(agg_counts(a)->not_ip, 1);
	check_accounting(a);
	agg_free(a);
}

UNIT_TEST(many_flows_and_skipped)
{
	tm_agg	   *a;
	pkt_buf		p = {.n = 0};
	uint32_t	i;

	CHECK_INT(agg_new(&a), TM_OK);
	for (i = 0; i < 100000; i++)
		feed_tcp(a, (uint8_t) (i % 200 + 1), 250, (uint16_t) (33000 + i / 200), 443, i, TCPF_SYN);
	pb_ipv4(&p, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 6, 0, 20, 1, 0);
	pb_tcp(&p, 1, 2, 3, 0);
	p.n -= 5;
	feed(a, DLT_RAW, &p);		/* the IP length says 40, the wire had 35 */
	CHECK_INT(agg_finish(a), TM_OK);
	CHECK_INT(agg_nflows(a), 100000);
	CHECK_INT(agg_nedges(a), 200);
	CHECK_INT(agg_edge(a, 0)->conns, 500);
	CHECK_INT(agg_counts(a)->malformed, 1);
	CHECK_INT(agg_counts(a)->packets, 100001);
	check_accounting(a);
	agg_free(a);
}

UNIT_MAIN(UNIT_ENTRY(syn_then_synack_rules),
		  UNIT_ENTRY(port_rules),
		  UNIT_ENTRY(echo_and_first_packet_rules),
		  UNIT_ENTRY(fragments_follow_their_first),
		  UNIT_ENTRY(interface_copies_count_once),
		  UNIT_ENTRY(many_flows_and_skipped))
