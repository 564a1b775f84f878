/*
 * capfile.h - the packets of one capture file, whatever its format, into the aggregator.
 *
 * pcap (microsecond and nanosecond, either byte order, and libpcap's other variants) is
 * read by libpcap from the source's FILE; pcapng by pcapng.c (see pcapng.h for why).
 * Packets reach agg_packet as tm_packet records (packet.h): link type, interface, time,
 * lengths, bytes.
 *
 * A capture that ends in the middle of a packet, or whose compressed stream is cut or
 * damaged, keeps every complete packet: the result is TM_OK with info->truncated and the
 * reason in info->why. A source that is not a capture at all is TM_ERR_FORMAT (nothing
 * was counted; the error, naming the file, is printed).
 */
#ifndef TM_CAPFILE_H
#define TM_CAPFILE_H

#include <stdbool.h>
#include <stdint.h>

#include "aggregate.h"
#include "capsrc.h"
#include "progress.h"
#include "tm.h"

#define CAPFILE_MAX_LINKTYPES 32

typedef struct
{
	const char *format;			/* "pcap" or "pcapng" */
	int			linktypes[CAPFILE_MAX_LINKTYPES];	/* DLT_* of the file's interfaces */
	int			nlinktypes;
	uint32_t	snaplen;		/* the largest snapshot length, 0 when not limited */
	bool		truncated;
	char		why[256];
} tm_capfile_info;

/* Called between packets when prog says a progress update is due. */
typedef void (*tm_capfile_tick) (void *arg);

tm_result	capfile_read(tm_capsrc *src, const char *name, tm_agg *agg, tm_capfile_info *info,
						 tm_progress *prog, tm_capfile_tick tick, void *arg);

#endif							/* TM_CAPFILE_H */
