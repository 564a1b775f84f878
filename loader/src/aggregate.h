/*
 * aggregate.h - from packets to service edges: the one aggregator that every byte source
 * feeds (load from files, collect from SSH streams).
 *
 * Use:
 *
 *   tm_agg *agg;
 *   agg_new(&agg);
 *   for each packet record of one capture:       (any source: libpcap, a stream framer, ...)
 *       agg_packet(agg, &pkt);                    dissect, count, add to its 5-tuple
 *   agg_finish(agg);                              decide client/server, roll up to edges
 *   agg_counts(agg), agg_nedges(agg), agg_edge(agg, i)
 *   agg_free(agg);
 *
 * One tm_agg holds one capture. agg_packet neither allocates per packet nor makes system
 * calls: it dissects in place (dissect.h) and updates the packet's 5-tuple record in a
 * hash table that grows with the number of distinct 5-tuples (per interface), never with
 * the number of packets. The update comes a few packets later, from a short queue of
 * dissected packets, so the table's memory is prefetched meanwhile; the packet's bytes
 * are not kept, so the caller may reuse them at once. agg_finish applies, per 5-tuple and from all the capture's
 * evidence, the client/server table of README.md ("Who is client and who is server"):
 * SYN, then SYN-ACK, then the ports, then ICMP echo, then the first packet's direction.
 *
 * Every packet is counted once: in an edge, or in one of the skipped counts. After
 * agg_finish, counts.packets == sum of the edges' c2s_packets + s2c_packets
 * + not_ip + truncated + malformed + duplicate.
 */
#ifndef TM_AGGREGATE_H
#define TM_AGGREGATE_H

#include <stddef.h>
#include <stdint.h>

#include "packet.h"
#include "tm.h"

/* Most distinct 5-tuples one capture may hold (about 140 bytes each). */
#define AGG_MAX_FLOWS (64u * 1024 * 1024)

typedef struct
{
	uint64_t	packets;		/* every packet record fed to agg_packet */
	uint64_t	wire_bytes;		/* their lengths on the wire */
	uint64_t	not_ip;			/* skipped: not IPv4 or IPv6 */
	uint64_t	truncated;		/* skipped: the capture cut a header we need */
	uint64_t	malformed;		/* skipped: invalid headers */
	uint64_t	duplicate;		/* skipped: a flow's copies on another interface */
	int64_t		first_ns;		/* earliest and latest packet time (when packets > 0) */
	int64_t		last_ns;
} tm_capture_counts;

/* The key of an edge; zeroed before filling so it hashes as bytes. */
typedef struct
{
	uint8_t		client[16];		/* IPv4 in the first 4 bytes */
	uint8_t		server[16];
	uint16_t	server_port;	/* 0 where the protocol has none */
	uint8_t		family;			/* 4 or 6 */
	uint8_t		proto;			/* IP protocol number */
	uint32_t	pad;
} tm_edge_key;

typedef struct
{
	tm_edge_key key;
	uint64_t	conns;
	uint64_t	c2s_packets;
	uint64_t	c2s_bytes;
	uint64_t	s2c_packets;
	uint64_t	s2c_bytes;
	uint64_t	syns;
	uint64_t	fins;
	uint64_t	rsts;
	int64_t		first_ns;
	int64_t		last_ns;
} tm_edge;

typedef struct tm_agg tm_agg;

tm_result	agg_new(tm_agg **out);
void		agg_free(tm_agg *a);

/* Count one packet. Fails only when the flow table cannot grow (TM_ERR_NOMEM, reported). */
tm_result	agg_packet(tm_agg *a, const tm_packet *pkt);

/* End of the capture: fragments, interface duplicates, client/server, edges. Once. */
tm_result	agg_finish(tm_agg *a);

const tm_capture_counts *agg_counts(const tm_agg *a);
/* Distinct 5-tuples so far (for progress: the last few packets may wait to be counted). */
size_t		agg_nflows(const tm_agg *a);
size_t		agg_nedges(const tm_agg *a);	/* after agg_finish */
const tm_edge *agg_edge(const tm_agg *a, size_t i);

/* "tcp", "udp", "icmp", "icmpv6", or the protocol number, as traffic.proto stores it. */
const char *agg_proto_name(uint8_t proto, char *buf, size_t size);

#endif							/* TM_AGGREGATE_H */
