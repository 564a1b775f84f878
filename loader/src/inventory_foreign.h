/*
 * inventory_foreign.h - the foreign-ips file: names for addresses that are not in the fleet
 * and that reverse DNS does not name (the cloud's resolver, a partner's network, ...).
 *
 *   # comment
 *   169.254.169.253   aws-dns
 *   10.20.0.0/16      office-vpn     # a network names every address in it
 *
 * One ADDRESS[/PREFIX] and a name per line; the name is the rest of the line, and a '#'
 * after a blank starts a comment.
 */
#ifndef TM_INVENTORY_FOREIGN_H
#define TM_INVENTORY_FOREIGN_H

#include <stddef.h>

#include "buf.h"
#include "netaddr.h"
#include "problems.h"
#include "tm.h"

#define FOREIGN_MAX_NAME 1024
#define FOREIGN_MAX_ENTRIES (4 * 1024 * 1024)

typedef struct
{
	long		line;
	tm_netaddr	net;
	char	   *name;
} foreign_entry;

typedef struct
{
	tm_buf		entries;		/* foreign_entry[] */
} foreign_list;

void		foreign_list_init(foreign_list *l);
void		foreign_list_free(foreign_list *l);
size_t		foreign_list_count(const foreign_list *l);
const foreign_entry *foreign_list_at(const foreign_list *l, size_t i);

/* Every bad line is reported; TM_ERR_FORMAT when there was any. */
tm_result	inventory_foreign_parse(const char *data, size_t len, foreign_list *out, tm_problems *p);

#endif							/* TM_INVENTORY_FOREIGN_H */
