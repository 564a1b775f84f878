/*
 * cli.c - option values: numbers in range, with errors naming the option.
 */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "msg.h"

tm_result
parse_long(const char *s, long min, long max, long *out)
{
	char	   *end;
	long		v;

	if (s == NULL || *s == '\0')
		return TM_ERR_FORMAT;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return TM_ERR_FORMAT;
	*out = v;
	return TM_OK;
}

tm_result
cli_long(const char *option, const char *value, long min, long max, long *out)
{
	if (parse_long(value, min, max, out) != TM_OK)
	{
		errorf("option %s: '%s' is not a whole number from %ld to %ld", option, value, min, max);
		return TM_ERR_USAGE;
	}
	return TM_OK;
}

tm_result
cli_double(const char *option, const char *value, double min, double max, double *out)
{
	char	   *end;
	double		v;

	errno = 0;
	v = strtod(value, &end);
	if (*value == '\0' || errno != 0 || *end != '\0' || !isfinite(v) || v < min || v > max)
	{
		errorf("option %s: '%s' is not a number from %g to %g", option, value, min, max);
		return TM_ERR_USAGE;
	}
	*out = v;
	return TM_OK;
}
