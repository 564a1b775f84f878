/*
 * keep_pcap.h - `collect --keep-pcap DIR`: a host's raw capture stream, gzip'd into DIR as it
 * arrives, so that `trafficmap load` can read it again later (it is the same bytes, so the
 * same SHA-256: load finds it already stored unless told --replace).
 *
 * Files are DIR/run<RUN>-<HOST>.pcap.gz, made new (never overwritten), mode 0600: a capture
 * holds the first bytes of every packet a host saw.
 */
#ifndef TM_KEEP_PCAP_H
#define TM_KEEP_PCAP_H

#include <stddef.h>

#include "tm.h"

typedef struct keep_pcap keep_pcap;

/* Make the file; prints its own error naming it. */
tm_result	keep_pcap_open(const char *dir, long long run_id, const char *host, keep_pcap **out);
tm_result	keep_pcap_write(keep_pcap *k, const void *p, size_t n);
/* Finish the gzip stream and close; also on failed captures, so what came is readable. */
tm_result	keep_pcap_close(keep_pcap *k);
const char *keep_pcap_path(const keep_pcap *k);

#endif							/* TM_KEEP_PCAP_H */
