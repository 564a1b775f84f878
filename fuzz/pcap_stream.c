/*
 * pcap_stream.c - fuzz the incremental pcap framer: any bytes, split at any points.
 *
 * The first input byte picks the chunk sizes the rest arrives in, so the fuzzer explores
 * headers and records straddling reads as well as whole streams. Every delivered packet's
 * bytes are read, so ASan sees any pointer past what the framer promised.
 */
#include <stddef.h>
#include <stdint.h>

#include "../loader/src/pcap_stream.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static tm_result
touch(void *ctx, const pcap_stream_packet *pkt)
{
	unsigned   *sum = ctx;
	uint32_t	i;

	for (i = 0; i < pkt->caplen; i++)
		*sum += pkt->data[i];
	return *sum == 0xdeadbeefu ? TM_ERR_FORMAT : TM_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pcap_stream ps;
	unsigned	sum = 0;
	size_t		step;
	size_t		off = 1;
	size_t		c;

	if (size == 0)
		return 0;
	step = (size_t) data[0] + 1;
	pcap_stream_init(&ps, touch, &sum);
	while (off < size)
	{
		c = step < size - off ? step : size - off;
		if (pcap_stream_feed(&ps, data + off, c) != TM_OK)
			break;
		off += c;
		step = step * 7 % 251 + 1;
	}
	(void) pcap_stream_end(&ps);
	pcap_stream_free(&ps);
	return 0;
}
