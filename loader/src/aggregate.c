/*
 * aggregate.c - 5-tuples during the capture, service edges at its end.
 *
 * A flow is a 5-tuple on one interface, stored canonically: side a is the lower address
 * (for equal addresses, the lower port), and direction 0 is a -> b. Later IP fragments
 * wait in a table of their own, keyed by datagram (addresses, protocol, id, interface),
 * until the end, when the first fragment (if it ever came) tells their flow.
 */
#include "aggregate.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dissect.h"
#include "hashtab.h"
#include "msg.h"

#define NO_DIR 0xff
#define PORT_EPHEMERAL_MIN 32768
#define AGG_MAX_FRAGS (16u * 1024 * 1024)

/* The flow key; ifkey last so the 5-tuple alone is a prefix (interface dedup sorts by it). */
typedef struct
{
	uint8_t		a[16];
	uint8_t		b[16];
	uint16_t	aport;
	uint16_t	bport;
	uint8_t		family;
	uint8_t		proto;
	uint8_t		kind;			/* tm_flow_kind */
	uint8_t		pad;
	uint64_t	ifkey;
} flow_key;

#define FLOW_TUPLE_LEN offsetof(flow_key, ifkey)

typedef struct
{
	flow_key	key;
	uint64_t	pkts[2];		/* [0] a -> b, [1] b -> a */
	uint64_t	bytes[2];
	uint64_t	first_index;	/* packet number of the flow's first packet */
	int64_t		first_ns;
	int64_t		last_ns;
	uint32_t	syns;
	uint32_t	fins;
	uint32_t	rsts;
	uint32_t	attempts;		/* SYNs without ACK, retransmissions not counted */
	uint32_t	last_syn_seq;
	uint32_t	echo_requests;
	uint8_t		first_dir;		/* direction of the first packet */
	uint8_t		syn_dir;		/* of the first SYN without ACK, or NO_DIR */
	uint8_t		synack_dir;		/* of the first SYN-ACK */
	uint8_t		request_dir;	/* of the first echo request */
	uint8_t		reply_dir;		/* of the first echo reply */
	uint8_t		duplicate;		/* counted on another interface */
} flow;

typedef struct
{
	uint8_t		src[16];
	uint8_t		dst[16];
	uint64_t	ifkey;
	uint32_t	id;
	uint8_t		family;
	uint8_t		proto;
	uint8_t		pad[2];
} frag_key;

typedef struct
{
	frag_key	key;
	flow_key	first;			/* the first fragment's flow, when have_first */
	uint8_t		have_first;
	uint8_t		first_dir;		/* the direction src -> dst has in that flow */
	uint64_t	pkts;			/* later fragments */
	uint64_t	bytes;
	uint64_t	first_index;
	int64_t		first_ns;
	int64_t		last_ns;
} frag;

/*
 * Packets wait AGG_LAG packets between being dissected and being counted: when a packet
 * is dissected its flow's slot is prefetched, half-way its record, so by the time it is
 * counted the lookup finds both in cache instead of waiting for memory twice.
 */
#define AGG_LAG 16

typedef struct
{
	tm_flowinfo fi;
	flow_key	key;			/* not for later fragments */
	uint64_t	index;			/* the packet's number in the capture */
	int64_t		ts_ns;
	uint32_t	hash;			/* of key */
	uint8_t		dir;			/* the packet's direction in its flow */
} pending;

struct tm_agg
{
	pending		queue[AGG_LAG];
	unsigned	qhead;			/* the oldest waiting packet */
	unsigned	qlen;
	tm_hashtab	flows;
	tm_hashtab	frags;
	tm_hashtab	edges;
	tm_capture_counts counts;
	uint64_t	ifkey0;			/* the first IP packet's interface */
	bool		have_ifkey0;
	bool		several_ifs;	/* more than one interface seen */
	bool		finished;
};

tm_result
agg_new(tm_agg **out)
{
	tm_agg	   *a;

	*out = NULL;
	a = calloc(1, sizeof(*a));
	if (a == NULL)
	{
		errorf("out of memory starting a capture");
		return TM_ERR_NOMEM;
	}
	hashtab_init(&a->flows, sizeof(flow), sizeof(flow_key), AGG_MAX_FLOWS);
	hashtab_init(&a->frags, sizeof(frag), sizeof(frag_key), AGG_MAX_FRAGS);
	hashtab_init(&a->edges, sizeof(tm_edge), sizeof(tm_edge_key), AGG_MAX_FLOWS);
	*out = a;
	return TM_OK;
}

void
agg_free(tm_agg *a)
{
	if (a == NULL)
		return;
	hashtab_free(&a->flows);
	hashtab_free(&a->frags);
	hashtab_free(&a->edges);
	free(a);
}

const tm_capture_counts *
agg_counts(const tm_agg *a)
{
	return &a->counts;
}

size_t
agg_nflows(const tm_agg *a)
{
	return a->flows.n;
}

size_t
agg_nedges(const tm_agg *a)
{
	return a->edges.n;
}

const tm_edge *
agg_edge(const tm_agg *a, size_t i)
{
	return hashtab_at(&a->edges, i);
}

const char *
agg_proto_name(uint8_t proto, char *buf, size_t size)
{
	switch (proto)
	{
		case 6:
			return "tcp";
		case 17:
			return "udp";
		case 1:
			return "icmp";
		case 58:
			return "icmpv6";
		default:
			snprintf(buf, size, "%u", (unsigned) proto);
			return buf;
	}
}

/* memcmp of two addresses as 16 bytes (IPv4's last 12 are zero): <0, 0 or >0. */
static inline int
addr_cmp(const uint8_t *x, const uint8_t *y)
{
	uint64_t	a;
	uint64_t	b;

	memcpy(&a, x, 8);
	memcpy(&b, y, 8);
	if (a == b)
	{
		memcpy(&a, x + 8, 8);
		memcpy(&b, y + 8, 8);
	}
	a = __builtin_bswap64(a);
	b = __builtin_bswap64(b);
	return (a > b) - (a < b);
}

/* The canonical key of a packet's flow and the packet's direction in it. */
static uint8_t
flow_key_of(const tm_flowinfo *fi, uint8_t kind, flow_key *k)
{
	int			cmp = addr_cmp(fi->src, fi->dst);
	bool		forward = cmp < 0 || (cmp == 0 && fi->sport <= fi->dport);

	/* A ping to oneself: only the message type tells the two directions apart. */
	if (cmp == 0 && kind == FLOW_ECHO)
		forward = fi->echo == ICMP_ECHO_REQUEST;

	memset(k, 0, sizeof(*k));
	k->family = fi->family;
	k->proto = fi->proto;
	k->kind = kind;
	k->ifkey = fi->ifkey;
	memcpy(k->a, forward ? fi->src : fi->dst, 16);
	memcpy(k->b, forward ? fi->dst : fi->src, 16);
	if (kind == FLOW_PORTS || kind == FLOW_ECHO)
	{
		k->aport = forward ? fi->sport : fi->dport;
		k->bport = forward ? fi->dport : fi->sport;
	}
	return forward ? 0 : 1;
}

static tm_result
table_full(const char *what, size_t max)
{
	errorf("out of memory: a capture with more than %zu %s (or the memory for fewer); split the capture", max, what);
	return TM_ERR_NOMEM;
}

/* A new record starts with no evidence and the packet as its first. */
static void
flow_start(flow *f, uint8_t dir, uint64_t index, int64_t ts)
{
	f->first_dir = dir;
	f->first_index = index;
	f->first_ns = ts;
	f->last_ns = ts;
	f->syn_dir = NO_DIR;
	f->synack_dir = NO_DIR;
	f->request_dir = NO_DIR;
	f->reply_dir = NO_DIR;
}

static void
flow_times(flow *f, int64_t first, int64_t last)
{
	if (first < f->first_ns)
		f->first_ns = first;
	if (last > f->last_ns)
		f->last_ns = last;
}

/* The evidence a TCP or ICMP header gives about who is client. */
static void
flow_evidence(flow *f, const tm_flowinfo *fi, uint8_t dir)
{
	uint8_t		fl = fi->tcp_flags;

	if (fi->kind == FLOW_ECHO)
	{
		if (fi->echo == ICMP_ECHO_REQUEST)
		{
			f->echo_requests++;
			if (f->request_dir == NO_DIR)
				f->request_dir = dir;
		}
		else if (f->reply_dir == NO_DIR)
			f->reply_dir = dir;
		return;
	}
	if (fi->proto != 6 || fi->kind != FLOW_PORTS)
		return;
	if (fl & TCPF_SYN)
	{
		f->syns++;
		if ((fl & TCPF_ACK) == 0)
		{
			if (f->attempts == 0 || fi->tcp_seq != f->last_syn_seq)
				f->attempts++;
			f->last_syn_seq = fi->tcp_seq;
			if (f->syn_dir == NO_DIR)
				f->syn_dir = dir;
		}
		else if (f->synack_dir == NO_DIR)
			f->synack_dir = dir;
	}
	if (fl & TCPF_FIN)
		f->fins++;
	if (fl & TCPF_RST)
		f->rsts++;
}

/* The datagram a fragment belongs to (made empty when new); NULL when the table is full. */
static frag *
frag_of(tm_agg *a, const tm_flowinfo *fi)
{
	frag_key	k;
	bool		added;

	memset(&k, 0, sizeof(k));
	memcpy(k.src, fi->src, 16);
	memcpy(k.dst, fi->dst, 16);
	k.ifkey = fi->ifkey;
	k.id = fi->frag_id;
	k.family = fi->family;
	k.proto = fi->proto;
	return hashtab_upsert(&a->frags, &k, &added);
}

/* A later fragment waits for the end, when its first fragment's flow is known. */
static tm_result
agg_later_fragment(tm_agg *a, const tm_flowinfo *fi, int64_t ts, uint64_t index)
{
	frag	   *fr = frag_of(a, fi);

	if (fr == NULL)
		return table_full("fragmented datagrams", a->frags.max);
	if (fr->pkts == 0)
	{
		fr->first_index = index;
		fr->first_ns = ts;
		fr->last_ns = ts;
	}
	fr->pkts++;
	fr->bytes += fi->ip_bytes;
	if (ts < fr->first_ns)
		fr->first_ns = ts;
	if (ts > fr->last_ns)
		fr->last_ns = ts;
	return TM_OK;
}

/* A first fragment names the flow its datagram's later fragments belong to. */
static tm_result
agg_first_fragment(tm_agg *a, const tm_flowinfo *fi, const flow_key *fk, uint8_t dir)
{
	frag	   *fr = frag_of(a, fi);

	if (fr == NULL)
		return table_full("fragmented datagrams", a->frags.max);
	if (!fr->have_first)
	{
		fr->have_first = 1;
		fr->first = *fk;
		fr->first_dir = dir;
	}
	return TM_OK;
}

/* Count a dissected packet into its flow (or, for a later fragment, its datagram). */
static tm_result
agg_count(tm_agg *a, const pending *p)
{
	flow	   *f;
	bool		added;

	if (p->fi.frag == FRAG_LATER)
		return agg_later_fragment(a, &p->fi, p->ts_ns, p->index);
	f = hashtab_upsert_hashed(&a->flows, &p->key, p->hash, &added);
	if (f == NULL)
		return table_full("flows", a->flows.max);
	if (added)
		flow_start(f, p->dir, p->index, p->ts_ns);
	else
		flow_times(f, p->ts_ns, p->ts_ns);
	f->pkts[p->dir]++;
	f->bytes[p->dir] += p->fi.ip_bytes;
	flow_evidence(f, &p->fi, p->dir);
	if (p->fi.frag == FRAG_FIRST)
		return agg_first_fragment(a, &p->fi, &p->key, p->dir);
	return TM_OK;
}

/* Count the oldest waiting packet. */
static tm_result
agg_count_oldest(tm_agg *a)
{
	const pending *p = &a->queue[a->qhead];

	a->qhead = (a->qhead + 1) % AGG_LAG;
	a->qlen--;
	return agg_count(a, p);
}

/* Count every waiting packet. */
static tm_result
agg_drain(tm_agg *a)
{
	tm_result	r = TM_OK;

	while (a->qlen > 0 && r == TM_OK)
		r = agg_count_oldest(a);
	return r;
}

tm_result
agg_packet(tm_agg *a, const tm_packet *pkt)
{
	pending    *p;
	const pending *mid;
	uint64_t	index = a->counts.packets;

	if (index == 0 || pkt->ts_ns < a->counts.first_ns)
		a->counts.first_ns = pkt->ts_ns;
	if (index == 0 || pkt->ts_ns > a->counts.last_ns)
		a->counts.last_ns = pkt->ts_ns;
	a->counts.packets++;
	a->counts.wire_bytes += pkt->len;
	if (a->qlen == AGG_LAG)
	{
		tm_result	r = agg_count_oldest(a);

		if (r != TM_OK)
			return r;
	}
	p = &a->queue[(a->qhead + a->qlen) % AGG_LAG];
	switch (dissect_packet(pkt, &p->fi))
	{
		case DIS_OK:
			break;
		case DIS_NOT_IP:
			a->counts.not_ip++;
			return TM_OK;
		case DIS_TRUNCATED:
			a->counts.truncated++;
			return TM_OK;
		case DIS_MALFORMED:
			a->counts.malformed++;
			return TM_OK;
	}
	if (!a->have_ifkey0)
	{
		a->ifkey0 = p->fi.ifkey;
		a->have_ifkey0 = true;
	}
	else if (p->fi.ifkey != a->ifkey0)
		a->several_ifs = true;
	p->index = index;
	p->ts_ns = pkt->ts_ns;
	if (p->fi.frag != FRAG_LATER)
	{
		p->dir = flow_key_of(&p->fi, p->fi.kind, &p->key);
		p->hash = hashtab_hash(&a->flows, &p->key);
		hashtab_prefetch_slot(&a->flows, p->hash);
	}
	a->qlen++;
	/* Half-way through the queue the slot has arrived: fetch the record it points at. */
	if (a->qlen > AGG_LAG / 2)
	{
		mid = &a->queue[(a->qhead + a->qlen - 1 - AGG_LAG / 2) % AGG_LAG];
		if (mid->fi.frag != FRAG_LATER)
			hashtab_prefetch_record(&a->flows, mid->hash);
	}
	return TM_OK;
}

/* Later fragments join their first fragment's flow, or a flow of orphans of their own. */
static tm_result
resolve_fragments(tm_agg *a)
{
	size_t		i;

	for (i = 0; i < a->frags.n; i++)
	{
		frag	   *fr = hashtab_at(&a->frags, i);
		tm_flowinfo fi;
		flow_key	k;
		flow	   *f;
		uint8_t		dir;
		bool		added;

		if (fr->pkts == 0)
			continue;
		if (fr->have_first)
		{
			k = fr->first;
			dir = fr->first_dir;
		}
		else
		{
			memset(&fi, 0, sizeof(fi));
			fi.family = fr->key.family;
			fi.proto = fr->key.proto;
			fi.ifkey = fr->key.ifkey;
			memcpy(fi.src, fr->key.src, 16);
			memcpy(fi.dst, fr->key.dst, 16);
			dir = flow_key_of(&fi, FLOW_ORPHAN, &k);
		}
		f = hashtab_upsert(&a->flows, &k, &added);
		if (f == NULL)
			return table_full("flows", a->flows.max);
		if (added)
			flow_start(f, dir, fr->first_index, fr->first_ns);
		else if (fr->first_index < f->first_index)
		{
			f->first_index = fr->first_index;
			f->first_dir = dir;
		}
		flow_times(f, fr->first_ns, fr->last_ns);
		f->pkts[dir] += fr->pkts;
		f->bytes[dir] += fr->bytes;
	}
	return TM_OK;
}

static int
cmp_flow_tuple(const void *x, const void *y)
{
	const flow *f = *(const flow *const *) x;
	const flow *g = *(const flow *const *) y;
	int			c = memcmp(&f->key, &g->key, FLOW_TUPLE_LEN);

	if (c != 0)
		return c;
	return f->key.ifkey < g->key.ifkey ? -1 : f->key.ifkey > g->key.ifkey;
}

/* A 5-tuple seen on several interfaces counts on the one with the most packets. */
static tm_result
drop_interface_duplicates(tm_agg *a)
{
	flow	  **order;
	size_t		i;
	size_t		j;
	size_t		best;

	if (!a->several_ifs || a->flows.n < 2)
		return TM_OK;
	order = malloc(a->flows.n * sizeof(*order));
	if (order == NULL)
		return table_full("flows", a->flows.n);
	for (i = 0; i < a->flows.n; i++)
		order[i] = hashtab_at(&a->flows, i);
	qsort(order, a->flows.n, sizeof(*order), cmp_flow_tuple);
	for (i = 0; i < a->flows.n; i = j)
	{
		best = i;
		for (j = i + 1; j < a->flows.n &&
			 memcmp(&order[j]->key, &order[i]->key, FLOW_TUPLE_LEN) == 0; j++)
		{
			if (order[j]->pkts[0] + order[j]->pkts[1] > order[best]->pkts[0] + order[best]->pkts[1])
				best = j;
		}
		for (size_t m = i; m < j; m++)
		{
			if (m == best)
				continue;
			order[m]->duplicate = 1;
			a->counts.duplicate += order[m]->pkts[0] + order[m]->pkts[1];
		}
	}
	free(order);
	return TM_OK;
}

/* Which direction runs client -> server, by the first row of the table that applies. */
static uint8_t
client_dir(const flow *f)
{
	const flow_key *k = &f->key;
	bool		alow;
	bool		blow;

	switch (k->kind)
	{
		case FLOW_PORTS:
			if (k->proto == 6 && f->syn_dir != NO_DIR)
				return f->syn_dir;
			if (k->proto == 6 && f->synack_dir != NO_DIR)
				return f->synack_dir ^ 1;
			alow = k->aport < PORT_EPHEMERAL_MIN;
			blow = k->bport < PORT_EPHEMERAL_MIN;
			if (alow != blow)
				return alow ? 1 : 0;
			/* The higher port is the client; for equal ports a (the lower address) serves. */
			return k->aport < k->bport || k->aport == k->bport ? 1 : 0;
		case FLOW_ECHO:
			if (f->request_dir != NO_DIR)
				return f->request_dir;
			return f->reply_dir ^ 1;
		default:
			return f->first_dir;
	}
}

static uint64_t
flow_conns(const flow *f)
{
	switch (f->key.kind)
	{
		case FLOW_PORTS:
			if (f->key.proto == 6 && f->attempts > 0)
				return f->attempts;
			return 1;
		case FLOW_ECHO:
			return f->echo_requests;
		default:
			return 0;
	}
}

/* Add a flow to its service edge. */
static tm_result
roll_up(tm_agg *a, const flow *f)
{
	const flow_key *k = &f->key;
	uint8_t		c2s = client_dir(f);
	tm_edge_key ek;
	tm_edge    *e;
	bool		added;

	memset(&ek, 0, sizeof(ek));
	ek.family = k->family;
	ek.proto = k->proto;
	memcpy(ek.client, c2s == 0 ? k->a : k->b, 16);
	memcpy(ek.server, c2s == 0 ? k->b : k->a, 16);
	if (k->kind == FLOW_PORTS)
		ek.server_port = c2s == 0 ? k->bport : k->aport;
	e = hashtab_upsert(&a->edges, &ek, &added);
	if (e == NULL)
		return table_full("edges", a->edges.max);
	if (added)
	{
		e->first_ns = f->first_ns;
		e->last_ns = f->last_ns;
	}
	if (f->first_ns < e->first_ns)
		e->first_ns = f->first_ns;
	if (f->last_ns > e->last_ns)
		e->last_ns = f->last_ns;
	e->conns += flow_conns(f);
	e->c2s_packets += f->pkts[c2s];
	e->c2s_bytes += f->bytes[c2s];
	e->s2c_packets += f->pkts[c2s ^ 1];
	e->s2c_bytes += f->bytes[c2s ^ 1];
	e->syns += f->syns;
	e->fins += f->fins;
	e->rsts += f->rsts;
	return TM_OK;
}

tm_result
agg_finish(tm_agg *a)
{
	tm_result	r;
	size_t		i;

	if (a->finished)
		return TM_ERR_INTERNAL;
	a->finished = true;
	r = agg_drain(a);
	if (r != TM_OK)
		return r;
	r = resolve_fragments(a);
	if (r != TM_OK)
		return r;
	r = drop_interface_duplicates(a);
	if (r != TM_OK)
		return r;
	for (i = 0; i < a->flows.n; i++)
	{
		const flow *f = hashtab_at(&a->flows, i);

		if (f->duplicate)
			continue;
		r = roll_up(a, f);
		if (r != TM_OK)
			return r;
	}
	return TM_OK;
}
