/*
 * capture.c - libFuzzer target for the whole path from capture bytes to edges: format
 * detection, pcap (libpcap) and pcapng framing, every dissector, the aggregator and its
 * end-of-capture roll-up. The pure function load runs per file, without the database.
 */
#include <stddef.h>
#include <stdint.h>

#include "../loader/src/aggregate.h"
#include "../loader/src/capfile.h"
#include "../loader/src/capsrc.h"
#include "../loader/src/msg.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
	/* The accounting holds for any input: every packet in an edge or skipped. */
	c = agg_counts(agg);
	for (i = 0; i < agg_nedges(agg); i++)
		edge_packets += agg_edge(agg, i)->c2s_packets + agg_edge(agg, i)->s2c_packets;
	if (c->packets != edge_packets + c->not_ip + c->truncated + c->malformed + c->duplicate)
		__builtin_trap();
out:
	agg_free(agg);
	capsrc_free(src);
	return 0;
}
