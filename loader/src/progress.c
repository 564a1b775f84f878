/*
 * progress.c - a status line for long work, on terminals only.
 */
#include "progress.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "msg.h"

double
tm_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

void
progress_init(tm_progress *p)
{
	p->enabled = isatty(STDERR_FILENO) && msg_verbosity() >= TM_NORMAL;
	p->shown = false;
	p->calls = 0;
	p->start = tm_now();
	/* The first check shows the line, so even short work says what it is doing. */
	p->last = p->start - PROGRESS_INTERVAL;
}

bool
progress_due_now(tm_progress *p)
{
	double		now;

	if (!p->enabled)
		return false;
	now = tm_now();
	if (now - p->last < PROGRESS_INTERVAL)
		return false;
	p->last = now;
	return true;
}

bool
progress_due(tm_progress *p)
{
	if (!p->enabled || ++p->calls % PROGRESS_CHECK_EVERY != 0)
		return false;
	return progress_due_now(p);
}

void
progress_show(tm_progress *p, const char *fmt,...)
{
	va_list		ap;
	char		line[256];

	if (!p->enabled)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* \r returns to the line's start, \033[K clears what a longer line left behind. */
	fprintf(stderr, "\rtrafficmap: %s\033[K", line);
	fflush(stderr);
	p->shown = true;
}

void
progress_done(tm_progress *p)
{
	if (p->shown)
	{
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	p->shown = false;
}

double
progress_elapsed(const tm_progress *p)
{
	return tm_now() - p->start;
}
