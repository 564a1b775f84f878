/*
 * msg.c - user-facing messages: one prefix, one stream, one verbosity switch.
 */
#include "msg.h"

#include <stdio.h>
#include <string.h>

static tm_verbosity verbosity = TM_NORMAL;

void
msg_set_verbosity(tm_verbosity v)
{
	verbosity = v;
}

tm_verbosity
msg_verbosity(void)
{
	return verbosity;
}

/* Print one whole line with our prefix; a single fputs keeps lines from threads whole. */
static void emit(const char *level, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

static void
emit(const char *level, const char *fmt, va_list ap)
{
	char		line[2048];
	int			n;
	int			m;

	n = snprintf(line, sizeof(line), "trafficmap: %s", level);
	if (n < 0 || (size_t) n >= sizeof(line))
		return;
	m = vsnprintf(line + n, sizeof(line) - (size_t) n, fmt, ap);
	if (m < 0)
		return;
	n += m;
	if ((size_t) n >= sizeof(line) - 1)
		n = (int) sizeof(line) - 2;
	line[n] = '\n';
	line[n + 1] = '\0';
	fputs(line, stderr);
}

void
errorf(const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	emit("error: ", fmt, ap);
	va_end(ap);
}

void
warnf(const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	emit("warning: ", fmt, ap);
	va_end(ap);
}

void
notef(const char *fmt,...)
{
	va_list		ap;

	if (verbosity < TM_NORMAL)
		return;
	va_start(ap, fmt);
	emit("", fmt, ap);
	va_end(ap);
}

void
verbosef(const char *fmt,...)
{
	va_list		ap;

	if (verbosity < TM_VERBOSE)
		return;
	va_start(ap, fmt);
	emit("", fmt, ap);
	va_end(ap);
}

const char *
msg_errno(int errnum)
{
	return strerror(errnum);
}
