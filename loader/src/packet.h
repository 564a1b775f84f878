/*
 * packet.h - one captured packet as every byte source hands it to the dissector and the
 * aggregator: load reads it from files (capfile.h), collect will read it from SSH streams.
 * Nothing here points at a pcap_t, so any source that can frame records can feed it.
 */
#ifndef TM_PACKET_H
#define TM_PACKET_H

#include <stdint.h>

typedef struct
{
	int			linktype;		/* DLT_* as libpcap's pcap_datalink() names it */
	uint32_t	ifindex;		/* interface within the capture (pcapng interface id), else 0 */
	int64_t		ts_ns;			/* time of capture, nanoseconds since 1970-01-01 UTC */
	uint32_t	caplen;			/* bytes captured, at data */
	uint32_t	len;			/* bytes the packet had on the wire */
	const uint8_t *data;
} tm_packet;

#endif							/* TM_PACKET_H */
