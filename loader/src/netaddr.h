/*
 * netaddr.h - IPv4 and IPv6 addresses and networks as text in input files: parsed strictly
 * (inet_pton, a prefix length in range, no bits set right of the mask) and written back in
 * one canonical form, so that two spellings of one address are found to be the same.
 */
#ifndef TM_NETADDR_H
#define TM_NETADDR_H

#include <stdbool.h>

#include "tm.h"

/* Room for the longest canonical text: an IPv6 address with an IPv4 tail and "/128". */
#define NETADDR_TEXT_MAX 56

typedef struct
{
	int			family;			/* AF_INET or AF_INET6 */
	int			prefix;			/* 32 or 128 for a host address */
	unsigned char bytes[16];
} tm_netaddr;

/*
 * Parse "ADDRESS" (a host) or, when networks are allowed, "ADDRESS/PREFIX" (a network whose
 * host bits are zero). On failure *why says what is wrong, in words for an error message.
 */
tm_result	netaddr_parse(const char *s, bool network, tm_netaddr *out, const char **why);
/* The canonical text: "10.0.0.5", "10.0.0.0/8", "2001:db8::1". */
void		netaddr_format(const tm_netaddr *a, char *out, size_t size);
bool		netaddr_equal(const tm_netaddr *a, const tm_netaddr *b);

#endif							/* TM_NETADDR_H */
