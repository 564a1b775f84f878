/*
 * capture_command.h - the command line collect runs on each host to capture.
 *
 *   exec /bin/sh -c 'set -- ${SSH_CONNECTION:-...}; exec timeout --preserve-status -s INT
 *       SECONDS sudo -S -p "" tcpdump -i any --immediate-mode -U -w - -s SNAPLEN -n
 *       "(FILTER) and not (host $1 and host $3 and tcp port $2 and tcp port $4)"'
 *
 * timeout on the host bounds the capture (sudo relays its SIGINT, tcpdump flushes and
 * exits 0); -U writes each packet as it comes; --immediate-mode hands packets over at once
 * rather than in the kernel's blocks, which libpcap drops unread when the capture is
 * interrupted (without it a capture loses up to its last second); SSH_CONNECTION, as the host sees our
 * connection, excludes the collector's own SSH traffic, which would otherwise feed itself.
 * The outer /bin/sh makes the command independent of the user's login shell.
 */
#ifndef TM_CAPTURE_COMMAND_H
#define TM_CAPTURE_COMMAND_H

#include <stdbool.h>

#include "buf.h"
#include "tm.h"

typedef struct
{
	double		seconds;
	long		snaplen;
	const char *filter;			/* the user's BPF expression, or NULL */
	bool		sudo;			/* false for hosts where tcpdump has CAP_NET_RAW */
} capture_options;

/*
 * Check the user's filter with libpcap (as tcpdump will compile it, on a Linux cooked v2
 * capture, together with the clause that excludes our connection). Prints the error.
 */
tm_result	capture_filter_check(const capture_options *o);

/* The command line for a host; out is reset first. */
tm_result	capture_command(const capture_options *o, tm_buf *out);

/* Append s quoted for a POSIX shell: one word, no expansion. */
tm_result	sh_quote(tm_buf *out, const char *s);

#endif							/* TM_CAPTURE_COMMAND_H */
