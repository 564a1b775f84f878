/*
 * host_stats.h - a host's uptime, load averages and memory, read over SSH from /proc at
 * collection time (the 2016 tool's get-uptime-load.sh, automated).
 */
#ifndef TM_HOST_STATS_H
#define TM_HOST_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "tm.h"

/* What collect runs on each host; its output is what host_stats_parse reads. */
#define HOST_STATS_COMMAND "cat /proc/uptime /proc/loadavg /proc/meminfo"
#define HOST_STATS_MAX_OUTPUT (64 * 1024)

typedef struct
{
	double		uptime_s;
	double		load1;
	double		load5;
	double		load15;
	int64_t		mem_total;		/* bytes */
	int64_t		mem_available;	/* bytes; -1 on kernels before 3.14, which do not say */
} host_stats;

/*
 * Parse the output of HOST_STATS_COMMAND: the uptime line, the loadavg line, then meminfo's
 * "Key: value kB" lines. On failure *why says what was wrong.
 */
tm_result	host_stats_parse(const char *text, size_t len, host_stats *out, const char **why);

#endif							/* TM_HOST_STATS_H */
