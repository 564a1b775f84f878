/*
 * gen.c - a deterministic capture for bench/ingest: a minute of traffic between two
 * thousand clients and a few hundred servers, written with libpcap's pcap_dump as tcpdump
 * would write it with -s SNAPLEN on an Ethernet interface.
 *
 *   gen -o FILE -c TCP_CONNECTIONS -n PACKETS [-s SNAPLEN] [-r SEED]
 *
 * The mix: TCP connections (handshake with options, requests and responses of varied sizes,
 * FIN or RST teardown, some unanswered SYNs retransmitted, 1 in 20 over IPv6), DNS-like
 * UDP exchanges (one per 4 TCP connections), ICMP echo series (one per 40), and a little
 * ARP. Sessions overlap: a pool of open sessions is served in random order. Data packets
 * per connection are drawn so the total comes to about PACKETS. The same arguments give
 * the same bytes. The counts go to standard output as `name value` lines.
 */
#include <math.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define POOL 2000
#define CLIENTS 2000
#define FAVOURITES 6
#define SERVERS 240
#define DNS_SERVERS 4
#define MSS 1448
#define MAX_FRAME 1514
#define CAPTURE_SECONDS 60.0

typedef enum
{
	S_TCP,
	S_DNS,
	S_PING
} session_kind;

typedef struct
{
	session_kind kind;
	int			v6;
	uint32_t	client;			/* host numbers, turned into addresses by addr_of */
	uint32_t	server;
	uint16_t	cport;
	uint16_t	sport;
	uint32_t	cseq;
	uint32_t	sseq;
	int			step;			/* packets emitted so far */
	int			data;			/* TCP: data packets between handshake and teardown */
	int			failed;			/* TCP: SYNs nobody answers */
	int			rst;			/* TCP: ends with a reset */
	uint16_t	ident;			/* ICMP identifier */
} session;

typedef struct
{
	uint64_t	s;
} rng;

/* splitmix64: small, fast, and the same sequence everywhere. */
static uint64_t
rnd(rng *r)
{
	uint64_t	z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t
below(rng *r, uint32_t n)
{
	return (uint32_t) (rnd(r) % n);
}

static double
uniform(rng *r)
{
	return (double) (rnd(r) >> 11) / 9007199254740992.0;
}

static const uint16_t service_ports[] = {443, 80, 5432, 6379, 8080, 9200, 3306, 11211, 22, 8443};

static uint8_t frame[MAX_FRAME + 64];

static struct
{
	uint64_t	packets;
	uint64_t	ip_packets;
	uint64_t	tcp_connections;
	uint64_t	dns_exchanges;
	uint64_t	pings;
	uint64_t	arp;
	uint64_t	wire_bytes;
}			stats;

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t) (v >> 8);
	p[1] = (uint8_t) v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t) (v >> 16));
	put16(p + 2, (uint16_t) v);
}

/* Clients in 10.1.0.0/16, servers in 10.2.0.0/24, DNS at 10.2.0.251-254; fd00:: likewise. */
static void
addr_of(uint32_t host, int server, int v6, uint8_t *out)
{
	if (!v6)
	{
		out[0] = 10;
		out[1] = server ? 2 : 1;
		out[2] = (uint8_t) (host >> 8);
		out[3] = (uint8_t) (host + 1);
		return;
	}
	memset(out, 0, 16);
	out[0] = 0xfd;
	out[7] = server ? 2 : 1;
	out[14] = (uint8_t) (host >> 8);
	out[15] = (uint8_t) (host + 1);
}

static uint16_t
ip_checksum(const uint8_t *p, size_t n)
{
	uint32_t	sum = 0;
	size_t		i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t) (p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t) ~sum;
}

/* Ethernet + IP header for a payload of l4len bytes; returns the offset of the L4 header. */
static size_t
put_ip(const session *s, int to_server, uint8_t proto, size_t l4len)
{
	uint8_t		src[16];
	uint8_t		dst[16];
	size_t		alen = s->v6 ? 16 : 4;
	uint8_t    *ip = frame + 14;

	memset(frame, 0, sizeof(frame));
	addr_of(to_server ? s->client : s->server, !to_server, s->v6, src);
	addr_of(to_server ? s->server : s->client, to_server, s->v6, dst);
	memset(frame, 0, 14);
	frame[0] = 0x02;
	memcpy(frame + 2, dst + alen - 4, 4);
	frame[6] = 0x02;
	memcpy(frame + 8, src + alen - 4, 4);
	if (s->v6)
	{
		put16(frame + 12, 0x86dd);
		memset(ip, 0, 40);
		ip[0] = 0x60;
		put16(ip + 4, (uint16_t) l4len);
		ip[6] = proto;
		ip[7] = 64;
		memcpy(ip + 8, src, 16);
		memcpy(ip + 24, dst, 16);
		return 14 + 40;
	}
	put16(frame + 12, 0x0800);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t) (20 + l4len));
	put16(ip + 4, (uint16_t) stats.packets);
	put16(ip + 6, 0x4000);
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	put16(ip + 10, ip_checksum(ip, 20));
	return 14 + 20;
}

static int
write_frame(pcap_dumper_t *d, double t, size_t len, int snaplen)
{
	struct pcap_pkthdr h;

	h.ts.tv_sec = (time_t) t;
	h.ts.tv_usec = (suseconds_t) ((t - (double) (time_t) t) * 1e6);
	h.len = (bpf_u_int32) len;
	h.caplen = (bpf_u_int32) (len < (size_t) snaplen ? len : (size_t) snaplen);
	pcap_dump((u_char *) d, &h, frame);
	stats.packets++;
	stats.wire_bytes += len;
	return 0;
}

/* MSS, SACK permitted, timestamps (filled in), NOP, window scale; NOP, NOP, timestamps. */
static const uint8_t syn_options[20] = {2, 4, MSS >> 8, MSS & 0xff, 4, 2, 8, 10, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 3, 7};
static const uint8_t ts_option[12] = {1, 1, 8, 10};

/* One TCP segment: header with timestamps (and handshake options on SYNs), payload zeros. */
static size_t
tcp_segment(session *s, int to_server, uint8_t flags, size_t payload)
{
	size_t		hlen = (flags & 0x02) ? 40 : 32;
	size_t		off;
	uint8_t    *t;
	size_t		len;

	if (14 + (s->v6 ? 40 : 20) + hlen + payload > MAX_FRAME)
		payload = MAX_FRAME - 14 - (s->v6 ? 40 : 20) - hlen;
	off = put_ip(s, to_server, 6, hlen + payload);
	t = frame + off;
	len = off + hlen + payload;

	memset(t, 0, hlen);
	put16(t, to_server ? s->cport : s->sport);
	put16(t + 2, to_server ? s->sport : s->cport);
	put32(t + 4, to_server ? s->cseq : s->sseq);
	put32(t + 8, (flags & 0x10) ? (to_server ? s->sseq : s->cseq) : 0);
	t[12] = (uint8_t) ((hlen / 4) << 4);
	t[13] = flags;
	put16(t + 14, 64240);
	if (hlen == 40)
	{
		memcpy(t + 20, syn_options, sizeof(syn_options));
		put32(t + 28, (uint32_t) stats.packets);
	}
	else
	{
		memcpy(t + 20, ts_option, sizeof(ts_option));
		put32(t + 24, (uint32_t) stats.packets);
	}
	if (to_server)
		s->cseq += (uint32_t) payload + ((flags & 0x03) ? 1 : 0);
	else
		s->sseq += (uint32_t) payload + ((flags & 0x03) ? 1 : 0);
	return len;
}

/* The next packet of a TCP connection; returns its length, 0 when the connection is over. */
static size_t
tcp_next(session *s, rng *r)
{
	int			i = s->step++;
	int			end = 3 + s->data;

	if (s->failed)
	{
		if (i >= s->failed)
			return 0;
		s->cseq -= i > 0 ? 1 : 0;	/* a retransmitted SYN keeps its sequence number */
		return tcp_segment(s, 1, 0x02, 0);
	}
	if (i == 0)
		return tcp_segment(s, 1, 0x02, 0);
	if (i == 1)
		return tcp_segment(s, 0, 0x12, 0);
	if (i == 2)
		return tcp_segment(s, 1, 0x10, 0);
	if (i < end)
	{
		if (below(r, 100) < 65)
			return tcp_segment(s, 0, 0x18, below(r, 10) < 7 ? MSS : 1 + below(r, MSS));
		return tcp_segment(s, 1, 0x18, below(r, 4) == 0 ? 0 : 1 + below(r, 600));
	}
	if (s->rst)
		return i == end ? tcp_segment(s, below(r, 2), 0x14, 0) : 0;
	switch (i - end)
	{
		case 0:
			return tcp_segment(s, 1, 0x11, 0);
		case 1:
			return tcp_segment(s, 0, 0x10, 0);
		case 2:
			return tcp_segment(s, 0, 0x11, 0);
		case 3:
			return tcp_segment(s, 1, 0x10, 0);
		default:
			return 0;
	}
}

/* A DNS-like query and its answer. */
static size_t
dns_next(session *s, rng *r)
{
	int			to_server = s->step == 0;
	size_t		payload = to_server ? 28 + below(r, 40) : 60 + below(r, 300);
	size_t		off;
	uint8_t    *u;

	if (s->step++ >= 2)
		return 0;
	off = put_ip(s, to_server, 17, 8 + payload);
	u = frame + off;
	put16(u, to_server ? s->cport : s->sport);
	put16(u + 2, to_server ? s->sport : s->cport);
	put16(u + 4, (uint16_t) (8 + payload));
	put16(u + 6, 0);
	memset(u + 8, 0, 12);
	put16(u + 8, s->ident);
	return off + 8 + payload;
}

/* Four echo requests and their replies. */
static size_t
ping_next(session *s)
{
	int			i = s->step++;
	int			request = (i % 2) == 0;
	size_t		off;
	uint8_t    *m;

	if (i >= 8)
		return 0;
	off = put_ip(s, request, 1, 8 + 56);
	m = frame + off;
	memset(m, 0, 8 + 56);
	m[0] = request ? 8 : 0;
	put16(m + 4, s->ident);
	put16(m + 6, (uint16_t) (i / 2 + 1));
	return off + 8 + 56;
}

static size_t
arp_frame(rng *r)
{
	memset(frame, 0, sizeof(frame));
	memset(frame, 0xff, 6);
	frame[6] = 0x02;
	frame[11] = (uint8_t) below(r, 256);
	put16(frame + 12, 0x0806);
	put16(frame + 14, 1);
	put16(frame + 16, 0x0800);
	frame[18] = 6;
	frame[19] = 4;
	put16(frame + 20, 1);
	return 60;
}

typedef struct
{
	uint64_t	tcp_left;
	uint64_t	dns_left;
	uint64_t	ping_left;
	double		mean_data;
	uint16_t   *next_port;		/* per client: the next ephemeral port */
} plan;

/* A new session of a kind still to start, chosen in proportion to what is left. */
static int
session_start(session *s, plan *p, rng *r)
{
	uint64_t	total = p->tcp_left + p->dns_left + p->ping_left;
	uint64_t	pick;
	uint32_t	k;

	if (total == 0)
		return 0;
	memset(s, 0, sizeof(*s));
	pick = rnd(r) % total;
	s->client = below(r, CLIENTS);
	s->cport = p->next_port[s->client]++;
	if (p->next_port[s->client] == 0)
		p->next_port[s->client] = 32768;
	s->cseq = (uint32_t) rnd(r);
	s->sseq = (uint32_t) rnd(r);
	s->ident = (uint16_t) rnd(r);
	if (pick < p->tcp_left)
	{
		p->tcp_left--;
		stats.tcp_connections++;
		s->kind = S_TCP;
		s->v6 = below(r, 20) == 0;
		/* A client uses a few services, as a fleet's hosts do. */
		k = below(r, FAVOURITES);
		s->server = (s->client * 37 + k * 101) % SERVERS;
		s->sport = service_ports[(s->server + k) % (sizeof(service_ports) / sizeof(service_ports[0]))];
		if (below(r, 100) < 2)
			s->failed = 1 + (int) below(r, 3);
		s->rst = below(r, 100) < 5;
		s->data = (int) (-p->mean_data * log(1.0 - uniform(r)));
	}
	else if (pick < p->tcp_left + p->dns_left)
	{
		p->dns_left--;
		stats.dns_exchanges++;
		s->kind = S_DNS;
		s->server = 250 + below(r, DNS_SERVERS);
		s->sport = 53;
	}
	else
	{
		p->ping_left--;
		stats.pings++;
		s->kind = S_PING;
		s->server = below(r, SERVERS);
	}
	return 1;
}

static size_t
session_next(session *s, rng *r)
{
	switch (s->kind)
	{
		case S_TCP:
			return tcp_next(s, r);
		case S_DNS:
			return dns_next(s, r);
		default:
			return ping_next(s);
	}
}

static void
usage(void)
{
	fprintf(stderr, "usage: gen -o FILE -c TCP_CONNECTIONS -n PACKETS [-s SNAPLEN] [-r SEED]\n");
	exit(2);
}

static long
number(const char *s)
{
	char	   *end;
	long		v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v <= 0)
		usage();
	return v;
}

int
main(int argc, char **argv)
{
	const char *path = NULL;
	long		conns = 0;
	long		packets = 0;
	long		snaplen = 128;
	uint64_t	seed = 2016;
	session    *pool;
	size_t		npool = 0;
	plan		p;
	rng			r;
	pcap_t	   *dead;
	pcap_dumper_t *d;
	double		t = 1700000000.0;
	double		gap;
	size_t		len;
	size_t		i;
	int			c;

	while ((c = getopt(argc, argv, "o:c:n:s:r:")) != -1)
	{
		switch (c)
		{
			case 'o':
				path = optarg;
				break;
			case 'c':
				conns = number(optarg);
				break;
			case 'n':
				packets = number(optarg);
				break;
			case 's':
				snaplen = number(optarg);
				break;
			case 'r':
				seed = (uint64_t) number(optarg);
				break;
			default:
				usage();
		}
	}
	if (path == NULL || conns == 0 || packets == 0)
		usage();
	r.s = seed;
	memset(&p, 0, sizeof(p));
	p.tcp_left = (uint64_t) conns;
	p.dns_left = (uint64_t) conns / 4;
	p.ping_left = (uint64_t) conns / 40;
	/* Handshake and teardown take 7 packets, DNS 2, a ping series 8. */
	p.mean_data = ((double) packets - 7.0 * conns - 2.0 * p.dns_left - 8.0 * p.ping_left) / conns;
	if (p.mean_data < 0)
		p.mean_data = 0;
	p.next_port = malloc(CLIENTS * sizeof(*p.next_port));
	pool = calloc(POOL, sizeof(*pool));
	if (p.next_port == NULL || pool == NULL)
		return 1;
	for (i = 0; i < CLIENTS; i++)
		p.next_port[i] = (uint16_t) (32768 + below(&r, 20000));
	dead = pcap_open_dead(DLT_EN10MB, (int) snaplen);
	d = pcap_dump_open(dead, path);
	if (d == NULL)
	{
		fprintf(stderr, "gen: %s\n", pcap_geterr(dead));
		return 1;
	}
	gap = CAPTURE_SECONDS / (double) packets;
	while (npool < POOL && session_start(&pool[npool], &p, &r))
		npool++;
	while (npool > 0)
	{
		i = below(&r, (uint32_t) npool);
		len = session_next(&pool[i], &r);
		if (len == 0)
		{
			if (!session_start(&pool[i], &p, &r))
				pool[i] = pool[--npool];
			continue;
		}
		t += gap * 2.0 * uniform(&r);
		write_frame(d, t, len, (int) snaplen);
		stats.ip_packets++;
		if (below(&r, 1000) == 0)
		{
			t += gap;
			write_frame(d, t, arp_frame(&r), (int) snaplen);
			stats.arp++;
		}
	}
	pcap_dump_close(d);
	pcap_close(dead);
	printf("packets %llu\nip_packets %llu\ntcp_connections %llu\ndns_exchanges %llu\n"
		   "pings %llu\narp %llu\nwire_bytes %llu\n",
		   (unsigned long long) stats.packets, (unsigned long long) stats.ip_packets,
		   (unsigned long long) stats.tcp_connections, (unsigned long long) stats.dns_exchanges,
		   (unsigned long long) stats.pings, (unsigned long long) stats.arp,
		   (unsigned long long) stats.wire_bytes);
	free(pool);
	free(p.next_port);
	return 0;
}
