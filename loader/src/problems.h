/*
 * problems.h - what is wrong with an input file, reported as FILE:LINE: what is wrong.
 *
 * A parser reports every bad line it finds (not only the first) so one run shows the user
 * everything to fix, and goes on with the next line. The caller decides afterwards what a
 * file with problems means; for the inventory files it is: nothing is loaded.
 */
#ifndef TM_PROBLEMS_H
#define TM_PROBLEMS_H

#include <stdbool.h>

/* More than this many problems in one file are counted, not printed. */
#define PROBLEMS_SHOWN_MAX 50

typedef struct
{
	const char *file;			/* the name the user gave */
	long		errors;
	long		warnings;
	bool		silent;			/* count only (the fuzz targets) */
} tm_problems;

void		problems_init(tm_problems *p, const char *file);
void		problem(tm_problems *p, long line, const char *fmt,...) __attribute__((format(printf, 3, 4)));
void		problem_warn(tm_problems *p, long line, const char *fmt,...) __attribute__((format(printf, 3, 4)));
/* Say how many were not printed, if any. */
void		problems_end(const tm_problems *p);

#endif							/* TM_PROBLEMS_H */
