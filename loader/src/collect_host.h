/*
 * collect_host.h - what collect does with one host's bytes: the capture stream is framed
 * (pcap_stream.h), dissected and aggregated (aggregate.h) and hashed as it arrives, with no
 * temp file, and optionally kept gzip'd (keep_pcap.h); the /proc stats are parsed. When the
 * session ends, collect_host_store writes the capture (store.h, captures.source = the host),
 * the host's collect_hosts row and its host_stats row.
 */
#ifndef TM_COLLECT_HOST_H
#define TM_COLLECT_HOST_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "ssh_session.h"
#include "tm.h"

typedef struct collect_host collect_host;

/* name: the host as collect_hosts.host names it; keep_dir: --keep-pcap, or NULL. */
tm_result	collect_host_new(const char *name, const char *keep_dir, long long run_id,
							 collect_host **out);
void		collect_host_free(collect_host *h);

/* The callbacks a session feeds, with the collect_host as their ctx. */
const ssh_callbacks *collect_host_callbacks(void);

/*
 * Store what the finished session s brought. *captured says whether a capture with packets
 * was stored (or found stored before). TM_ERR_DB when the database refused: fatal for the run.
 */
tm_result	collect_host_store(collect_host *h, PGconn *conn, long long run_id, const ssh_session *s,
							   bool *captured);

#endif							/* TM_COLLECT_HOST_H */
