/*
 * problems.c - FILE:LINE messages for bad input, through msg.h.
 */
#include "problems.h"

#include <stdarg.h>
#include <stdio.h>

#include "msg.h"

void
problems_init(tm_problems *p, const char *file)
{
	p->file = file;
	p->errors = 0;
	p->warnings = 0;
	p->silent = false;
}

/* Format one message and hand it to msg.h, prefixed with FILE:LINE (or FILE: without a line). */
static void report(const tm_problems *p, bool error, long line, const char *fmt, va_list ap)
			__attribute__((format(printf, 4, 0)));

static void
report(const tm_problems *p, bool error, long line, const char *fmt, va_list ap)
{
	char		what[1536];

	vsnprintf(what, sizeof(what), fmt, ap);
	if (line > 0 && error)
		errorf("%s:%ld: %s", p->file, line, what);
	else if (line > 0)
		warnf("%s:%ld: %s", p->file, line, what);
	else if (error)
		errorf("%s: %s", p->file, what);
	else
		warnf("%s: %s", p->file, what);
}

void
problem(tm_problems *p, long line, const char *fmt,...)
{
	va_list		ap;

	p->errors++;
	if (p->silent || p->errors > PROBLEMS_SHOWN_MAX)
		return;
	va_start(ap, fmt);
	report(p, true, line, fmt, ap);
	va_end(ap);
}

void
problem_warn(tm_problems *p, long line, const char *fmt,...)
{
	va_list		ap;

	p->warnings++;
	if (p->silent || p->warnings > PROBLEMS_SHOWN_MAX)
		return;
	va_start(ap, fmt);
	report(p, false, line, fmt, ap);
	va_end(ap);
}

void
problems_end(const tm_problems *p)
{
	if (p->silent)
		return;
	if (p->errors > PROBLEMS_SHOWN_MAX)
		errorf("%s: %ld more problems not shown", p->file, p->errors - PROBLEMS_SHOWN_MAX);
	if (p->warnings > PROBLEMS_SHOWN_MAX)
		warnf("%s: %ld more warnings not shown", p->file, p->warnings - PROBLEMS_SHOWN_MAX);
}
