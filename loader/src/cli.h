/*
 * cli.h - parsing option values the same way in every command, with errors that name the
 * option and say what it takes.
 */
#ifndef TM_CLI_H
#define TM_CLI_H

#include "tm.h"

tm_result	cli_long(const char *option, const char *value, long min, long max, long *out);
tm_result	cli_double(const char *option, const char *value, double min, double max, double *out);

/* A number from text that must be all digits (with an optional sign), for parsers. */
tm_result	parse_long(const char *s, long min, long max, long *out);

#endif							/* TM_CLI_H */
