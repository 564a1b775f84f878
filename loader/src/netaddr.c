/*
 * netaddr.c - parsing and printing addresses and networks.
 */
#include "netaddr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "cli.h"

static int
max_prefix(int family)
{
	return family == AF_INET ? 32 : 128;
}

/* Are all bits after the first `prefix` zero? */
static bool
host_bits_zero(const tm_netaddr *a)
{
	int			nbytes = max_prefix(a->family) / 8;
	int			i;

	for (i = 0; i < nbytes; i++)
	{
		int			keep = a->prefix - i * 8;
		unsigned char mask;

		if (keep >= 8)
			continue;
		mask = keep <= 0 ? 0 : (unsigned char) (0xFF << (8 - keep));
		if ((a->bytes[i] & (unsigned char) ~mask) != 0)
			return false;
	}
	return true;
}

tm_result
netaddr_parse(const char *s, bool network, tm_netaddr *out, const char **why)
{
	char		addr[NETADDR_TEXT_MAX];
	const char *slash = strchr(s, '/');
	size_t		len = slash != NULL ? (size_t) (slash - s) : strlen(s);
	long		prefix;

	memset(out, 0, sizeof(*out));
	*why = NULL;
	if (len == 0 || len >= sizeof(addr))
	{
		*why = "is not an IPv4 or IPv6 address";
		return TM_ERR_FORMAT;
	}
	memcpy(addr, s, len);
	addr[len] = '\0';
	if (inet_pton(AF_INET, addr, out->bytes) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, out->bytes) == 1)
		out->family = AF_INET6;
	else
	{
		*why = "is not an IPv4 or IPv6 address";
		return TM_ERR_FORMAT;
	}
	out->prefix = max_prefix(out->family);
	if (slash == NULL)
		return TM_OK;
	if (slash[1] < '0' || slash[1] > '9' ||
		parse_long(slash + 1, 0, max_prefix(out->family), &prefix) != TM_OK)
	{
		*why = out->family == AF_INET ? "has a prefix length that is not a number from 0 to 32"
			: "has a prefix length that is not a number from 0 to 128";
		return TM_ERR_FORMAT;
	}
	out->prefix = (int) prefix;
	if (!network && out->prefix != max_prefix(out->family))
	{
		*why = "is a network, not one address";
		return TM_ERR_FORMAT;
	}
	if (!host_bits_zero(out))
	{
		*why = "has bits set to the right of its prefix length; write the network's first address";
		return TM_ERR_FORMAT;
	}
	return TM_OK;
}

void
netaddr_format(const tm_netaddr *a, char *out, size_t size)
{
	char		text[INET6_ADDRSTRLEN];

	if (inet_ntop(a->family, a->bytes, text, sizeof(text)) == NULL)
	{
		snprintf(out, size, "?");
		return;
	}
	if (a->prefix == max_prefix(a->family))
		snprintf(out, size, "%s", text);
	else
		snprintf(out, size, "%s/%d", text, a->prefix);
}

bool
netaddr_equal(const tm_netaddr *a, const tm_netaddr *b)
{
	return a->family == b->family && a->prefix == b->prefix &&
		memcmp(a->bytes, b->bytes, sizeof(a->bytes)) == 0;
}
