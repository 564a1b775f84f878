/*
 * test_netaddr.c - addresses and networks parse strictly and print canonically.
 */
#include "unit.h"

#include "../src/netaddr.h"

static const char *
canon(const char *s, bool network)
{
	static char out[NETADDR_TEXT_MAX];
	tm_netaddr	a;
	const char *why;

	if (netaddr_parse(s, network, &a, &why) != TM_OK)
		return "ERR";
	netaddr_format(&a, out, sizeof(out));
	return out;
}

UNIT_TEST(hosts)
{
	CHECK_STR(canon("10.0.0.5", false), "10.0.0.5");
	CHECK_STR(canon("10.0.0.5/32", false), "10.0.0.5");
	CHECK_STR(canon("2001:DB8:0:0::1", false), "2001:db8::1");
	CHECK_STR(canon("10.0.0.0/8", false), "ERR");
	CHECK_STR(canon("10.0.0.256", false), "ERR");
	CHECK_STR(canon("10.0.0", false), "ERR");
	CHECK_STR(canon("fe80::1%eth0", false), "ERR");
	CHECK_STR(canon("", false), "ERR");
	CHECK_STR(canon(" 10.0.0.5", false), "ERR");
}

UNIT_TEST(networks)
{
	CHECK_STR(canon("10.0.0.0/8", true), "10.0.0.0/8");
	CHECK_STR(canon("10.1.0.0/16", true), "10.1.0.0/16");
	CHECK_STR(canon("10.1.2.3/8", true), "ERR");
	CHECK_STR(canon("0.0.0.0/0", true), "0.0.0.0/0");
	CHECK_STR(canon("10.0.0.0/33", true), "ERR");
	CHECK_STR(canon("10.0.0.0/+8", true), "ERR");
	CHECK_STR(canon("10.0.0.0/", true), "ERR");
	CHECK_STR(canon("2001:db8::/32", true), "2001:db8::/32");
	CHECK_STR(canon("2001:db8::1/64", true), "ERR");
	CHECK_STR(canon("10.0.0.128/25", true), "10.0.0.128/25");
	CHECK_STR(canon("10.0.0.64/25", true), "ERR");
}

UNIT_MAIN(UNIT_ENTRY(hosts), UNIT_ENTRY(networks))
