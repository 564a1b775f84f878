/*
 * test_inventory_csv.c - the fleet CSV: known columns, tags, several addresses, and every kind
 * of bad row reported at its line.
 */
#include "unit.h"

#include "../src/inventory_csv.h"

static const fleet_tag_names tags = {"archdomain", "env"};

static tm_result
parse(const char *text, fleet *f, tm_problems *p)
{
	fleet_init(f);
	problems_init(p, "fleet.csv");
	p->silent = true;
	return inventory_csv_parse(text, strlen(text), &tags, f, p);
}

UNIT_TEST(good_rows)
{
	fleet		f;
	tm_problems p;
	fleet_instance *in;
	char		a[NETADDR_TEXT_MAX];

	CHECK_INT(parse("Name,Address,archdomain,env,instance_type,hourly_price,lifecycle,rack\n"
					"web1, 10.0.0.5 ;10.0.1.5 , /Online//Web/ ,prod,m5.large,0.096,Spot,r12\n"
					"db1,2001:db8::5,,,,,,\n", &f, &p), TM_OK);
	CHECK_INT(fleet_ninstances(&f), 2);
	in = fleet_instance_at(&f, 0);
	CHECK_STR(in->instance_id, "web1");
	CHECK_STR(in->name, "web1");
	CHECK_INT(in->line, 2);
	CHECK_INT(fleet_naddresses(&in->private_ips), 2);
	netaddr_format(fleet_address_at(&in->private_ips, 1), a, sizeof(a));
	CHECK_STR(a, "10.0.1.5");
	CHECK_STR(in->archdomain_tag, "/Online//Web/");
	CHECK_STR(in->env, "prod");
	CHECK_STR(in->lifecycle, "spot");
	CHECK_STR(in->hourly_price, "0.096");
	CHECK_STR(in->tags, "{\"archdomain\":\"/Online//Web/\",\"env\":\"prod\",\"rack\":\"r12\"}");
	in = fleet_instance_at(&f, 1);
	CHECK_STR(in->lifecycle, "unknown");
	CHECK(in->archdomain_tag == NULL);
	CHECK(in->hourly_price == NULL);
	CHECK_STR(in->tags, "{}");
	fleet_free(&f);
}

UNIT_TEST(bad_rows)
{
	fleet		f;
	tm_problems p;

	CHECK_INT(parse("name,address,lifecycle,hourly_price\n"
					"a,10.0.0.1,,\n"		/* fine */
					"b,10.0.0.300,,\n"		/* bad address */
					"c,10.0.0.3,forever,\n"	/* bad lifecycle */
					"d,10.0.0.4,,cheap\n"	/* bad price */
					",10.0.0.6,,\n"			/* no name */
					"e,,,\n"				/* no address */
					"a,10.0.0.7,,\n"		/* name again */
					"f,10.0.0.1,,\n"		/* address again */
					"g,10.0.0.9\n", &f, &p), TM_ERR_FORMAT);	/* too few fields */
	CHECK_INT(p.errors, 8);
	fleet_free(&f);

	CHECK_INT(parse("host,ip\nx,10.0.0.1\n", &f, &p), TM_ERR_FORMAT);
	CHECK_INT(p.errors, 2);		/* no name column, no address column */
	fleet_free(&f);

	CHECK_INT(parse("", &f, &p), TM_ERR_FORMAT);
	CHECK_INT(p.errors, 1);
	fleet_free(&f);
}

UNIT_TEST(tag_names_are_configuration)
{
	static const fleet_tag_names other = {"Domain", "Stage"};
	const char *text = "name,address,domain,stage\nweb1,10.0.0.5,online/web,prod\n";
	fleet		f;
	tm_problems p;

	fleet_init(&f);
	problems_init(&p, "fleet.csv");
	p.silent = true;
	CHECK_INT(inventory_csv_parse(text, strlen(text), &other, &f, &p), TM_OK);
	CHECK_STR(fleet_instance_at(&f, 0)->archdomain_tag, "online/web");
	CHECK_STR(fleet_instance_at(&f, 0)->env, "prod");
	fleet_free(&f);
}

UNIT_MAIN(UNIT_ENTRY(good_rows), UNIT_ENTRY(bad_rows), UNIT_ENTRY(tag_names_are_configuration))
