/*
 * msg.h - the one place user-facing messages are written.
 *
 * Every message goes to stderr prefixed "trafficmap: ", so a user can tell ours from a
 * library's. errorf/warnf always print, notef unless --quiet, verbosef only with --verbose.
 */
#ifndef TM_MSG_H
#define TM_MSG_H

#include <stdarg.h>

typedef enum
{
	TM_QUIET = 0,
	TM_NORMAL = 1,
	TM_VERBOSE = 2
} tm_verbosity;

void		msg_set_verbosity(tm_verbosity v);
tm_verbosity msg_verbosity(void);

void		errorf(const char *fmt,...) __attribute__((format(printf, 1, 2)));
void		warnf(const char *fmt,...) __attribute__((format(printf, 1, 2)));
void		notef(const char *fmt,...) __attribute__((format(printf, 1, 2)));
void		verbosef(const char *fmt,...) __attribute__((format(printf, 1, 2)));

/* errno as a sentence, the one place strerror is called. */
const char *msg_errno(int errnum);

#endif							/* TM_MSG_H */
