/*
 * test_inventory_foreign.c - the foreign-ips file: addresses, networks, comments, names with
 * blanks, and bad lines.
 */
#include "unit.h"

#include "../src/inventory_foreign.h"

static tm_result
parse(const char *text, foreign_list *l, tm_problems *p)
{
	foreign_list_init(l);
	problems_init(p, "foreign-ips.txt");
	p->silent = true;
	return inventory_foreign_parse(text, strlen(text), l, p);
}

UNIT_TEST(good_lines)
{
	foreign_list l;
	tm_problems p;
	char		a[NETADDR_TEXT_MAX];

	CHECK_INT(parse("# resolvers\n"
					"169.254.169.253  aws-dns\n"
					"\n"
					"  10.20.0.0/16\toffice vpn   # the VPN\n"
					"2001:db8::/32 docs#1\r\n", &l, &p), TM_OK);
	CHECK_INT(foreign_list_count(&l), 3);
	CHECK_STR(foreign_list_at(&l, 0)->name, "aws-dns");
	CHECK_INT(foreign_list_at(&l, 0)->line, 2);
	CHECK_STR(foreign_list_at(&l, 1)->name, "office vpn");
	netaddr_format(&foreign_list_at(&l, 1)->net, a, sizeof(a));
	CHECK_STR(a, "10.20.0.0/16");
	CHECK_STR(foreign_list_at(&l, 2)->name, "docs#1");
	foreign_list_free(&l);
}

UNIT_TEST(bad_lines)
{
	foreign_list l;
	tm_problems p;

	CHECK_INT(parse("10.0.0.1 a\n"
					"10.0.0.256 b\n"		/* not an address */
					"10.1.2.3/8 c\n"		/* host bits */
					"10.0.0.2\n"			/* no name */
					"10.0.0.1 again\n"		/* repeated */
					"10.0.0.3 \xc3\n",		/* bad UTF-8 */
					&l, &p), TM_ERR_FORMAT);
	CHECK_INT(p.errors, 5);
	foreign_list_free(&l);
}

UNIT_MAIN(UNIT_ENTRY(good_lines), UNIT_ENTRY(bad_lines))
