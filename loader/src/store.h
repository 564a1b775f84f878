/*
 * store.h - a finished capture into PostgreSQL: its captures row and its edges (COPY into
 * traffic) in one transaction, so a capture is stored whole or not at all. Every source
 * ends here: load after a file, collect after a host's stream.
 *
 * The capture's SHA-256 decides whether it is new. Bytes stored before are not stored
 * again (*existed, with *id the earlier capture), unless replace: then the earlier
 * capture's rows are deleted and the new ones take its id, in the same transaction.
 */
#ifndef TM_STORE_H
#define TM_STORE_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "aggregate.h"
#include "digest.h"
#include "tm.h"

#define STORE_MAX_LINKTYPES 32

typedef struct
{
	const char *source;			/* captures.source: the host, or the file name */
	const char *capturing_host; /* an address as text, or NULL */
	long long	run_id;			/* collect_runs.id, or 0 for none */
	char		sha256[DIGEST_HEX_LEN + 1];
	int			linktypes[STORE_MAX_LINKTYPES];	/* DLT_* */
	int			nlinktypes;
	uint32_t	snaplen;
	bool		truncated;
} tm_capture_meta;

tm_result	store_capture(PGconn *conn, const tm_capture_meta *meta, const tm_agg *agg,
						  bool replace, long long *id, bool *existed);

/* The id of the collection run called name, made if there is none. */
tm_result	store_run(PGconn *conn, const char *name, long long *run_id);

/* "2024-05-01 12:00:00.123456+00": a time for COPY and messages, microseconds, UTC. */
void		store_format_time(int64_t ns, char *buf, size_t size);

#endif							/* TM_STORE_H */
