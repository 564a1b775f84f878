/*
 * hosts_file.h - the list of hosts `collect --hosts FILE` dials.
 *
 * One host per line: an address or a name, optionally with a user and a port, in the forms
 * ssh users know: `host`, `user@host`, `host:port`, `user@host:port`, and for IPv6
 * `[addr]:port` or a bare address without a port. `#` starts a comment; blank lines are
 * skipped. A host and port listed twice (even with other users) is an error, since the host
 * would be captured twice.
 */
#ifndef TM_HOSTS_FILE_H
#define TM_HOSTS_FILE_H

#include <stddef.h>

#include "tm.h"

#define HOSTS_MAX_LINE 1024
#define HOSTS_MAX_HOSTS 100000

typedef struct
{
	char	   *user;			/* NULL when the line names none */
	char	   *host;			/* address or name, without brackets */
	int			port;			/* 0 when the line names none */
	int			line;			/* where it came from, for messages */
} hosts_entry;

typedef struct
{
	hosts_entry *v;
	size_t		n;
	size_t		cap;
} hosts_list;

/* Why parsing failed: the line and a sentence saying what to do. */
typedef struct
{
	int			line;
	char		msg[256];
} hosts_error;

/* Parse text of length len; on failure *err says where and why and *out is empty. */
tm_result	hosts_parse(const char *text, size_t len, hosts_list *out, hosts_error *err);

/* Read and parse a file, printing errors as PATH:LINE: ... */
tm_result	hosts_file_read(const char *path, hosts_list *out);

/* Add one entry (copies the strings); for lists built from elsewhere, like the inventory. */
tm_result	hosts_list_add(hosts_list *l, const char *user, const char *host, int port, int line);

void		hosts_list_free(hosts_list *l);

#endif							/* TM_HOSTS_FILE_H */
