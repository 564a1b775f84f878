/*
 * host_stats.c - fuzz the /proc output parser: any bytes parse into sane numbers or fail
 * with a reason.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "../loader/src/host_stats.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	host_stats	s;
	const char *why = NULL;

	if (host_stats_parse((const char *) data, size, &s, &why) == TM_OK)
	{
		if (!isfinite(s.uptime_s) || s.uptime_s < 0 || s.load1 < 0 || s.mem_total < 0 ||
			s.mem_available < -1)
			abort();
	}
	else if (why == NULL)
		abort();
	return 0;
}
