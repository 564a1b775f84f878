/*
 * pcap_stream.h - an incremental framer for the classic pcap stream that `tcpdump -w -`
 * writes, fed with whatever bytes arrive from a non-blocking source.
 *
 * libpcap reads only from blocking FILE*s; collect gets a host's capture in SSH channel
 * reads of any size, interleaved with hundreds of other hosts. The framer keeps the few
 * bytes of a header or record that straddle two reads and hands every complete record to a
 * callback, pointing into the caller's bytes whenever the record is whole in one read.
 *
 *   pcap_stream_init(&ps, on_packet, ctx);
 *   pcap_stream_feed(&ps, bytes, n);        ... as bytes arrive
 *   pcap_stream_end(&ps);                   TM_OK if the stream stopped between records
 *   pcap_stream_free(&ps);
 *
 * The global header may be in either byte order, with microsecond (0xa1b2c3d4) or
 * nanosecond (0xa1b23c4d) timestamps. Records larger than PCAP_STREAM_MAX_CAPLEN are
 * refused: no capture program writes them, so the stream is not a pcap stream.
 */
#ifndef TM_PCAP_STREAM_H
#define TM_PCAP_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tm.h"

/* libpcap's own ceiling for a snapshot length (MAXIMUM_SNAPLEN). */
#define PCAP_STREAM_MAX_CAPLEN 262144
#define PCAP_STREAM_HEADER_LEN 24
#define PCAP_STREAM_RECORD_HEADER_LEN 16

/* One captured packet, as the file holds it. */
typedef struct
{
	uint32_t	linktype;		/* LINKTYPE_* of the stream */
	int64_t		ts_sec;
	uint32_t	ts_nsec;		/* always nanoseconds, whatever the stream's resolution */
	uint32_t	caplen;			/* bytes present in data */
	uint32_t	len;			/* bytes the packet had on the wire */
	const unsigned char *data;
} pcap_stream_packet;

/* Return anything but TM_OK to stop the stream; feed passes that result on. */
typedef tm_result (*pcap_stream_packet_fn) (void *ctx, const pcap_stream_packet *pkt);

typedef enum
{
	PCAP_STREAM_HEADER = 0,		/* collecting the 24-byte global header */
	PCAP_STREAM_RECORD_HEADER,	/* collecting a 16-byte record header */
	PCAP_STREAM_RECORD_BODY,	/* collecting a record's caplen bytes */
	PCAP_STREAM_FAILED			/* the stream was not pcap, or the callback stopped it */
} pcap_stream_state;

typedef struct
{
	pcap_stream_state state;
	pcap_stream_packet_fn on_packet;
	void	   *ctx;
	bool		big_endian;		/* the writer's byte order, from the magic */
	bool		nsec;			/* nanosecond timestamps */
	uint32_t	snaplen;
	uint32_t	linktype;
	unsigned char head[PCAP_STREAM_HEADER_LEN];	/* a header being collected */
	size_t		head_have;
	pcap_stream_packet rec;		/* the record being collected */
	unsigned char *body;		/* its bytes when they span reads */
	size_t		body_cap;
	size_t		body_have;
	uint64_t	packets;		/* complete records handed on */
	uint64_t	bytes;			/* every byte fed, headers included */
	const char *error;			/* why the stream failed, a sentence fragment */
} pcap_stream;

void		pcap_stream_init(pcap_stream *ps, pcap_stream_packet_fn on_packet, void *ctx);
void		pcap_stream_free(pcap_stream *ps);

/*
 * Frame n more bytes. TM_ERR_FORMAT when they are not a pcap stream (ps->error says why,
 * ps->bytes where), TM_ERR_NOMEM, or the callback's own failure. After a failure every
 * later call returns TM_ERR_FORMAT.
 */
tm_result	pcap_stream_feed(pcap_stream *ps, const unsigned char *p, size_t n);

/* The stream has ended: TM_OK at a record boundary after a header, else TM_ERR_FORMAT. */
tm_result	pcap_stream_end(pcap_stream *ps);

/* Whether a global header has been read (the remote program started writing). */
bool		pcap_stream_started(const pcap_stream *ps);

#endif							/* TM_PCAP_STREAM_H */
