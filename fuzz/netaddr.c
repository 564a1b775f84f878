/*
 * netaddr.c - libFuzzer target: the strict address and network parser of loader/src/netaddr.c
 * on any text, as a host and as a network. What it accepts must print canonically and
 * parse back to the same address (the canonical form is how two spellings are found equal).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../loader/src/netaddr.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Parse text; what parses must survive a round trip through its canonical text. */
static void
round_trip(const char *text, bool network)
{
	tm_netaddr	a;
	tm_netaddr	b;
	const char *why = NULL;
	char		canon[NETADDR_TEXT_MAX];

	if (netaddr_parse(text, network, &a, &why) != TM_OK)
	{
		if (why == NULL)
			__builtin_trap();	/* a refusal always says why */
		return;
	}
	netaddr_format(&a, canon, sizeof(canon));
	if (netaddr_parse(canon, network, &b, &why) != TM_OK || !netaddr_equal(&a, &b))
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *text = malloc(size + 1);

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	round_trip(text, false);
	round_trip(text, true);
	free(text);
	return 0;
}
