/*
 * progress.h - one self-overwriting status line on a terminal, nothing otherwise.
 *
 * Long work calls progress_due() cheaply and often (it reads a clock only every
 * PROGRESS_CHECK_EVERY calls) and progress_show() when it returns true: at the first check,
 * then every PROGRESS_INTERVAL; progress_done() ends the line. Off when stderr is not a TTY
 * or with --quiet.
 */
#ifndef TM_PROGRESS_H
#define TM_PROGRESS_H

#include <stdbool.h>

#define PROGRESS_CHECK_EVERY 4096
#define PROGRESS_INTERVAL 0.25	/* seconds between updates */

typedef struct
{
	bool		enabled;
	bool		shown;			/* something is on the line */
	unsigned	calls;
	double		start;
	double		last;
} tm_progress;

void		progress_init(tm_progress *p);
bool		progress_due(tm_progress *p);
/* For loops whose iterations are few and slow (an event loop): reads the clock each call. */
bool		progress_due_now(tm_progress *p);
void		progress_show(tm_progress *p, const char *fmt,...) __attribute__((format(printf, 2, 3)));
void		progress_done(tm_progress *p);
double		progress_elapsed(const tm_progress *p);

/* Seconds on the monotonic clock. */
double		tm_now(void);

#endif							/* TM_PROGRESS_H */
