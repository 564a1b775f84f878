/*
 * host_stats.c - reading /proc/uptime, /proc/loadavg and /proc/meminfo as cat prints them.
 *
 *   /proc/uptime    "2503.82 4761.63"                     seconds up, idle seconds
 *   /proc/loadavg   "0.66 0.33 0.16 1/94 28583"           1, 5, 15-minute loads, ...
 *   /proc/meminfo   "MemTotal:       24684084 kB" ...     one key per line
 */
#include "host_stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define STATS_MAX_LINE 256
/* A load or uptime beyond these is not a Linux host's (uptime: 1000 years). */
#define STATS_MAX_UPTIME 3.2e10
#define STATS_MAX_LOAD 1e6
#define STATS_MAX_KB 1e15			/* an exabyte */

/* Copy the next line (without its newline) into line; false at the end of text. */
static int
next_line(const char *text, size_t len, size_t *pos, char *line, size_t size, int *too_long)
{
	const char *nl;
	size_t		n;

	if (*pos >= len)
		return 0;
	nl = memchr(text + *pos, '\n', len - *pos);
	n = nl ? (size_t) (nl - (text + *pos)) : len - *pos;
	*too_long = n >= size;
	if (n >= size)
		n = size - 1;
	memcpy(line, text + *pos, n);
	line[n] = '\0';
	*pos += n + (nl ? 1 : 0);
	if (nl == NULL)
		*pos = len;
	return 1;
}

/* Read a number at *s, moving past it; false unless it is finite and in [0, max]. */
static int
read_number(const char **s, double max, double *out)
{
	char	   *end;
	double		v;

	while (**s == ' ' || **s == '\t')
		(*s)++;
	if (**s < '0' || **s > '9')
		return 0;
	errno = 0;
	v = strtod(*s, &end);
	if (errno != 0 || end == *s || !isfinite(v) || v < 0 || v > max)
		return 0;
	*s = end;
	*out = v;
	return 1;
}

static int
parse_uptime(const char *line, host_stats *out)
{
	const char *s = line;

	return read_number(&s, STATS_MAX_UPTIME, &out->uptime_s);
}

static int
parse_loadavg(const char *line, host_stats *out)
{
	const char *s = line;

	return read_number(&s, STATS_MAX_LOAD, &out->load1) &&
		read_number(&s, STATS_MAX_LOAD, &out->load5) &&
		read_number(&s, STATS_MAX_LOAD, &out->load15);
}

/* "Key:   123 kB" into bytes; other keys are ignored. */
static int
parse_meminfo(const char *line, const char *key, int64_t *out)
{
	size_t		k = strlen(key);
	const char *s;
	double		kb;

	if (strncmp(line, key, k) != 0 || line[k] != ':')
		return 0;
	s = line + k + 1;
	if (!read_number(&s, (double) STATS_MAX_KB, &kb) || kb != floor(kb))
		return -1;
	while (*s == ' ')
		s++;
	if (strcmp(s, "kB") != 0)
		return -1;
	*out = (int64_t) kb * 1024;
	return 1;
}

tm_result
host_stats_parse(const char *text, size_t len, host_stats *out, const char **why)
{
	char		line[STATS_MAX_LINE];
	size_t		pos = 0;
	int			too_long;
	int			got;

	memset(out, 0, sizeof(*out));
	out->mem_total = -1;
	out->mem_available = -1;
	if (!next_line(text, len, &pos, line, sizeof(line), &too_long) || too_long ||
		!parse_uptime(line, out))
	{
		*why = "the first line is not /proc/uptime's \"SECONDS IDLE\"";
		return TM_ERR_FORMAT;
	}
	if (!next_line(text, len, &pos, line, sizeof(line), &too_long) || too_long ||
		!parse_loadavg(line, out))
	{
		*why = "the second line is not /proc/loadavg's \"LOAD1 LOAD5 LOAD15 ...\"";
		return TM_ERR_FORMAT;
	}
	while (next_line(text, len, &pos, line, sizeof(line), &too_long))
	{
		got = parse_meminfo(line, "MemTotal", &out->mem_total);
		if (got == 0)
			got = parse_meminfo(line, "MemAvailable", &out->mem_available);
		if (got < 0)
		{
			*why = "a MemTotal or MemAvailable line of /proc/meminfo is not \"KEY: NUMBER kB\"";
			return TM_ERR_FORMAT;
		}
	}
	if (out->mem_total < 0)
	{
		*why = "/proc/meminfo has no MemTotal line";
		return TM_ERR_FORMAT;
	}
	return TM_OK;
}
