/*
 * floor.c - the least any tool must do to turn a capture into flows, as the practical
 * floor of bench/ingest: libpcap's pcap_next_ex, the Ethernet, IPv4/IPv6 and TCP/UDP
 * headers (no VLANs, options or fragments), and a hash of each packet's 5-tuple. No
 * table, no output but the packet count and a checksum of the hashes (so nothing can be
 * optimised away).
 *
 *   floor FILE        (- for standard input; pcap or pcapng, as libpcap reads them)
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint64_t
mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0xff51afd7ed558ccdULL;
	return h ^ (h >> 29);
}

static uint16_t
be16(const u_char *p)
{
	return (uint16_t) (p[0] << 8 | p[1]);
}

/* The hash of a packet's 5-tuple, 0 for what is not IP. */
static uint64_t
tuple_hash(const u_char *p, uint32_t caplen)
{
	uint64_t	h = 0x9e3779b97f4a7c15ULL;
	uint64_t	w[4];
	uint32_t	hl;
	uint8_t		proto;
	const u_char *l4;

	if (caplen < 14 + 20)
		return 0;
	if (be16(p + 12) == 0x0800 && (p[14] >> 4) == 4)
	{
		hl = (uint32_t) (p[14] & 0x0f) * 4;
		proto = p[14 + 9];
		memcpy(w, p + 14 + 12, 8);
		h = mix(h, w[0]);
		l4 = p + 14 + hl;
	}
	else if (be16(p + 12) == 0x86dd && caplen >= 14 + 40)
	{
		proto = p[14 + 6];
		memcpy(w, p + 14 + 8, 32);
		h = mix(mix(mix(mix(h, w[0]), w[1]), w[2]), w[3]);
		l4 = p + 14 + 40;
	}
	else
		return 0;
	if ((proto == 6 || proto == 17) && l4 + 4 <= p + caplen)
		h = mix(h, (uint64_t) proto << 32 | (uint64_t) be16(l4) << 16 | be16(l4 + 2));
	else
		h = mix(h, proto);
	return h;
}

int
main(int argc, char **argv)
{
	char		errbuf[PCAP_ERRBUF_SIZE];
	pcap_t	   *p;
	struct pcap_pkthdr *hdr;
	const u_char *data;
	uint64_t	packets = 0;
	uint64_t	sum = 0;

	if (argc != 2)
	{
		fprintf(stderr, "usage: floor FILE\n");
		return 2;
	}
	p = pcap_open_offline(argv[1], errbuf);
	if (p == NULL)
	{
		fprintf(stderr, "floor: %s\n", errbuf);
		return 1;
	}
	while (pcap_next_ex(p, &hdr, &data) == 1)
	{
		packets++;
		sum += tuple_hash(data, hdr->caplen);
	}
	pcap_close(p);
	printf("packets %llu checksum %016llx\n", (unsigned long long) packets, (unsigned long long) sum);
	return 0;
}
