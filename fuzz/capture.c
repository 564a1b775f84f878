/*
 * capture.c - libFuzzer target for the whole path from capture bytes to edges: gzip (any
 * number of members, cut or damaged), format detection, pcap (libpcap) and pcapng framing,
 * every dissector, the aggregator with its prefetching queue, and its end-of-capture
 * roll-up. The pure function load runs per file, without the database.
 *
 * Beyond not crashing, leaking or hanging, what holds for any input: every packet is in an
 * edge or skipped; an edge's connections, flags and times stay within its packets and the
 * capture's; edges without ports have port 0; and bytes that are not gzip are hashed
 * exactly as they are (every byte through the source once).
 */
#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../loader/src/aggregate.h"
#include "../loader/src/capfile.h"
#include "../loader/src/capsrc.h"
#include "../loader/src/msg.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What any edge must satisfy, whatever the packets were. */
static void
check_edge(const tm_edge *e, const tm_capture_counts *c)
{
	uint64_t	packets = e->c2s_packets + e->s2c_packets;

	if (packets == 0 || e->conns > packets || e->syns > packets || e->fins > packets ||
		e->rsts > packets)
		__builtin_trap();
	if (e->first_ns > e->last_ns || e->first_ns < c->first_ns || e->last_ns > c->last_ns)
		__builtin_trap();
	if (e->key.proto != 6 && e->key.proto != 17 && e->key.server_port != 0)
		__builtin_trap();
}

/* The source's digest of bytes that are not gzip is their SHA-256. */
static void
check_digest(const uint8_t *data, size_t size, tm_capsrc *src, const char *hex)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	char		want[DIGEST_HEX_LEN + 1];
	unsigned int i;

	if (capsrc_gzipped(src))
		return;
	if (EVP_Digest(data, size, md, &n, EVP_sha256(), NULL) != 1)
		__builtin_trap();
	for (i = 0; i < n; i++)
		snprintf(want + 2 * i, 3, "%02x", md[i]);
	if (strcmp(want, hex) != 0 || capsrc_bytes(src) != size)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tm_capsrc  *src = NULL;
	tm_agg	   *agg = NULL;
	tm_capfile_info info;
	char		hex[DIGEST_HEX_LEN + 1];
	const tm_capture_counts *c;
	uint64_t	edge_packets = 0;
	size_t		i;

	msg_set_verbosity(TM_QUIET);
	if (capsrc_open_mem(data, size, &src) != TM_OK || agg_new(&agg) != TM_OK)
		goto out;
	if (capfile_read(src, "fuzz input", agg, &info, NULL, NULL, NULL) != TM_OK)
		goto out;
	if (capsrc_finish(src, hex) != TM_OK || agg_finish(agg) != TM_OK)
		goto out;
	check_digest(data, size, src, hex);
	/* The accounting holds for any input: every packet in an edge or skipped. */
	c = agg_counts(agg);
	for (i = 0; i < agg_nedges(agg); i++)
	{
		check_edge(agg_edge(agg, i), c);
		edge_packets += agg_edge(agg, i)->c2s_packets + agg_edge(agg, i)->s2c_packets;
	}
	if (c->packets != edge_packets + c->not_ip + c->truncated + c->malformed + c->duplicate)
		__builtin_trap();
out:
	agg_free(agg);
	capsrc_free(src);
	return 0;
}
