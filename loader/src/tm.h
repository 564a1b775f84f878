/*
 * tm.h - what every file of the loader shares: the one result type and the helpers for
 * counting array lengths. Each concept has its own header next to its .c file.
 */
#ifndef TM_H
#define TM_H

#include <stddef.h>

/*
 * Every fallible function returns a tm_result and its caller checks it at once. The message
 * that tells the user what happened is printed where the failure is first known (msg.h);
 * the code only says what kind of failure travels up, which decides the exit status.
 */
typedef enum
{
	TM_OK = 0,
	TM_ERR_USAGE,		/* bad command line: exit status 2 */
	TM_ERR_NOMEM,		/* an allocation or a bounded buffer's limit */
	TM_ERR_IO,			/* reading or writing a file, pipe or socket */
	TM_ERR_FORMAT,		/* input that is not what it claims to be */
	TM_ERR_DB,			/* PostgreSQL refused or the connection broke */
	TM_ERR_REMOTE,		/* a remote peer (SSH host, HTTP endpoint) failed */
	TM_ERR_PARTIAL,		/* some items failed, the others were done: exit status 1 */
	TM_ERR_INTERNAL		/* a state that cannot happen */
} tm_result;

/* Exit statuses every command uses: 0 success, 1 partial success, 2 usage or fatal error. */
enum
{
	TM_EXIT_OK = 0,
	TM_EXIT_PARTIAL = 1,
	TM_EXIT_FAIL = 2
};

#define TM_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

const char *tm_result_name(tm_result r);
int			tm_exit_status(tm_result r);

#endif							/* TM_H */
