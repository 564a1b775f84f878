/*
 * pcapng.h - packets from a pcapng file: sections, interfaces and their link types, the
 * interface each packet arrived on, and per-interface time-stamp resolution and offset.
 *
 * libpcap reads pcapng too, but (up to 1.10 and in its development tree) it refuses a
 * file whose interfaces differ in link type or snapshot length ("an interface has a type
 * ... different from the type of the first interface"), and it does not say on which
 * interface a packet arrived. Both are needed here: a merged capture holds many link
 * types, and `-i any` duplicates are told apart by interface. So pcapng is read here, in
 * the small part of the format that carries packets, and plain pcap goes to libpcap.
 *
 *   pcapng_open(&r, fp)          the first block must be a Section Header Block
 *   while ((n = pcapng_next(&r, &pkt)) == 1) ...   0 at the end, -1 on a damaged block (r.err)
 *   pcapng_close(&r)             frees; does not close fp
 *
 * Packets come from Enhanced (EPB), Simple (SPB) and obsolete Packet (PB) blocks; other
 * blocks are stepped over. Interface ids are numbered across sections, so a packet's
 * ifindex is unique in the file. pkt.data points into the reader's block buffer, valid
 * until the next call.
 */
#ifndef TM_PCAPNG_H
#define TM_PCAPNG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "packet.h"
#include "tm.h"

#define PCAPNG_MAGIC 0x0a0d0d0aU
#define PCAPNG_MAX_BLOCK (16U * 1024 * 1024)
#define PCAPNG_MAX_INTERFACES 65536
#define PCAPNG_MAX_LINKTYPES 32

typedef struct
{
	int			linktype;		/* DLT_* */
	uint32_t	snaplen;
	uint64_t	units;			/* time-stamp units per second (if_tsresol) */
	int64_t		offset;			/* seconds added to every time stamp (if_tsoffset) */
} tm_pcapng_if;

typedef struct
{
	FILE	   *fp;
	bool		swapped;		/* the section is in the other byte order */
	uint8_t    *block;			/* the current block's body */
	size_t		blockcap;
	tm_pcapng_if *ifs;			/* the current section's interfaces */
	uint32_t	nifs;
	uint32_t	ifcap;
	uint32_t	ifbase;			/* interfaces of earlier sections */
	int			linktypes[PCAPNG_MAX_LINKTYPES];	/* every link type declared, in order */
	int			nlinktypes;
	uint32_t	snaplen;		/* the largest declared, 0 if any interface is unlimited */
	bool		unlimited;
	char		err[256];
} tm_pcapng;

tm_result	pcapng_open(tm_pcapng *r, FILE *fp);
int			pcapng_next(tm_pcapng *r, tm_packet *pkt);
void		pcapng_close(tm_pcapng *r);

/* The DLT_* value libpcap uses for a LINKTYPE_* value in a file. */
int			pcapng_linktype_to_dlt(uint32_t linktype);

#endif							/* TM_PCAPNG_H */
