/*
 * test_ec2_xml.c - EC2 answers into the fleet: every address of every interface in the order
 * inventory_json takes them, tags, lifecycle, groups, rules as botocore renders them; bad
 * pages reported at their line.
 */
#include "unit.h"

#include <stdlib.h>

#include "../src/ec2_xml.h"
#include "../src/netaddr.h"

static const fleet_tag_names tags = {"archdomain", "env"};

static const char instances[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\n"
	"<requestId>r</requestId>\n"
	"<reservationSet><item><reservationId>r-1</reservationId><instancesSet>\n"
	"<item><instanceId>i-1</instanceId><instanceType>c5.xlarge</instanceType>\n"
	"<instanceState><code>16</code><name>running</name></instanceState>\n"
	"<launchTime>2024-05-07T22:01:05.000Z</launchTime>\n"
	"<placement><availabilityZone>us-east-1b</availabilityZone></placement>\n"
	"<vpcId>vpc-1</vpcId><privateIpAddress>10.0.1.20</privateIpAddress><ipAddress>54.0.0.20</ipAddress>\n"
	"<instanceLifecycle>spot</instanceLifecycle>\n"
	"<groupSet><item><groupId>sg-1</groupId><groupName>db</groupName></item></groupSet>\n"
	"<tagSet><item><key>Name</key><value>db \"primary\" &amp; r\xc3\xa9plica</value></item>\n"
	"<item><key>Archdomain</key><value> /Online//Mid Tier/ </value></item>\n"
	"<item><key>env</key><value/></item></tagSet>\n"
	"<networkInterfaceSet>\n"
	"<item><privateIpAddress>10.0.1.20</privateIpAddress>\n"
	"<association><publicIp>54.0.0.20</publicIp></association>\n"
	"<privateIpAddressesSet><item><privateIpAddress>10.0.1.20</privateIpAddress><primary>true</primary></item></privateIpAddressesSet>\n"
	"<groupSet><item><groupId>sg-1</groupId><groupName>db</groupName></item></groupSet></item>\n"
	"<item><privateIpAddress>10.0.2.20</privateIpAddress>\n"
	"<privateIpAddressesSet><item><privateIpAddress>10.0.2.20</privateIpAddress></item>\n"
	"<item><privateIpAddress>10.0.2.21</privateIpAddress><association><publicIp>3.80.11.21</publicIp></association></item>\n"
	"</privateIpAddressesSet>\n"
	"<ipv6AddressesSet><item><ipv6Address>2600:1f18::50</ipv6Address></item></ipv6AddressesSet>\n"
	"<groupSet><item><groupId>sg-2</groupId></item></groupSet></item>\n"
	"</networkInterfaceSet></item>\n"
	"<item><instanceId>i-2</instanceId><instanceState><name>terminated</name></instanceState>\n"
	"<networkInterfaceSet/><groupSet/></item>\n"
	"</instancesSet></item></reservationSet>\n"
	"<nextToken>AAEAAXdC+8k/pQ==</nextToken>\n"
	"</DescribeInstancesResponse>\n";

static void
address_list(const tm_buf *ips, char *out, size_t size)
{
	char		text[NETADDR_TEXT_MAX];
	size_t		i;
	size_t		n = 0;

	out[0] = '\0';
	for (i = 0; i < fleet_naddresses(ips) && n < size; i++)
	{
		netaddr_format(fleet_address_at(ips, i), text, sizeof(text));
		n += (size_t) snprintf(out + n, size - n, "%s%s", i ? " " : "", text);
	}
}

UNIT_TEST(instances_page)
{
	fleet		f;
	tm_problems p;
	ec2_page	pg = {"us-east-1", &tags, "us-east-1 DescribeInstances page 1", &p};
	fleet_instance *in;
	char	   *next = NULL;
	char		list[256];

	fleet_init(&f);
	problems_init(&p, pg.label);
	CHECK_INT(ec2_xml_instances(instances, sizeof(instances) - 1, &pg, &f, &next), TM_OK);
	CHECK_STR(next, "AAEAAXdC+8k/pQ==");
	CHECK_INT(fleet_ninstances(&f), 2);
	in = fleet_instance_at(&f, 0);
	CHECK_STR(in->instance_id, "i-1");
	CHECK_STR(in->region, "us-east-1");
	CHECK_STR(in->az, "us-east-1b");
	CHECK_STR(in->state, "running");
	CHECK_STR(in->lifecycle, "spot");
	CHECK_STR(in->launched, "2024-05-07T22:01:05.000Z");
	CHECK_STR(in->name, "db \"primary\" & r\xc3\xa9plica");
	CHECK_STR(in->archdomain_tag, " /Online//Mid Tier/ ");
	CHECK(in->env == NULL);
	CHECK_STR(in->tags, "{\"Name\":\"db \\\"primary\\\" & r\xc3\xa9plica\",\"Archdomain\":\" /Online//Mid Tier/ \",\"env\":\"\"}");
	address_list(&in->private_ips, list, sizeof(list));
	CHECK_STR(list, "10.0.1.20 10.0.2.20 10.0.2.21 2600:1f18::50");
	address_list(&in->public_ips, list, sizeof(list));
	CHECK_STR(list, "54.0.0.20 3.80.11.21");
	CHECK_INT(fleet_nmemberships(&f), 2);
	CHECK_STR(fleet_membership_at(&f, 0)->group_id, "sg-1");
	CHECK_STR(fleet_membership_at(&f, 0)->group_name, "db");
	CHECK_STR(fleet_membership_at(&f, 1)->group_id, "sg-2");
	in = fleet_instance_at(&f, 1);
	CHECK_STR(in->state, "terminated");
	CHECK_STR(in->lifecycle, "on-demand");
	CHECK_INT(fleet_naddresses(&in->private_ips), 0);
	CHECK_STR(in->tags, "{}");
	free(next);
	fleet_free(&f);
}

UNIT_TEST(groups_page)
{
	static const char xml[] =
		"<DescribeSecurityGroupsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\n"
		"<securityGroupInfo><item><ownerId>1</ownerId><groupId>sg-1</groupId><groupName>web</groupName>\n"
		"<groupDescription>a &amp; b</groupDescription><vpcId>vpc-1</vpcId>\n"
		"<ipPermissions><item><ipProtocol>tcp</ipProtocol><fromPort>443</fromPort><toPort>443</toPort>\n"
		"<groups/><ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges><ipv6Ranges/><prefixListIds/></item>\n"
		"<item><ipProtocol>-1</ipProtocol><groups><item><userId>1</userId><groupId>sg-1</groupId>"
		"<description>self</description></item></groups><unknownNewThing>x</unknownNewThing></item>\n"
		"</ipPermissions><ipPermissionsEgress><item><ipProtocol>-1</ipProtocol></item></ipPermissionsEgress>\n"
		"</item><item><groupId>sg-2</groupId></item></securityGroupInfo></DescribeSecurityGroupsResponse>";
	fleet		f;
	tm_problems p;
	ec2_page	pg = {"us-east-1", &tags, "groups", &p};
	fleet_group *g;
	char	   *next = (char *) "x";

	fleet_init(&f);
	problems_init(&p, pg.label);
	CHECK_INT(ec2_xml_groups(xml, sizeof(xml) - 1, &pg, &f, &next), TM_OK);
	CHECK(next == NULL);
	CHECK_INT(fleet_ngroups(&f), 2);
	g = fleet_group_at(&f, 0);
	CHECK_STR(g->group_id, "sg-1");
	CHECK_STR(g->name, "web");
	CHECK_STR(g->description, "a & b");
	CHECK_STR(g->vpc_id, "vpc-1");
	CHECK_STR(g->rules,
			  "[{\"FromPort\":443,\"IpProtocol\":\"tcp\",\"IpRanges\":[{\"CidrIp\":\"0.0.0.0/0\"}],"
			  "\"Ipv6Ranges\":[],\"PrefixListIds\":[],\"ToPort\":443,\"UserIdGroupPairs\":[]},"
			  "{\"IpProtocol\":\"-1\",\"UserIdGroupPairs\":[{\"Description\":\"self\",\"GroupId\":\"sg-1\",\"UserId\":\"1\"}]}]");
	CHECK_STR(fleet_group_at(&f, 1)->rules, "[]");
	fleet_free(&f);
}

UNIT_TEST(spot_and_regions)
{
	static const char spot[] =
		"<DescribeSpotPriceHistoryResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
		"<spotPriceHistorySet><item><instanceType>c5.xlarge</instanceType>"
		"<productDescription>Linux/UNIX</productDescription><spotPrice>0.065200</spotPrice>"
		"<timestamp>2024-05-08T09:41:12.000Z</timestamp><availabilityZone>us-east-1b</availabilityZone>"
		"</item></spotPriceHistorySet><nextToken/></DescribeSpotPriceHistoryResponse>";
	static const char regions[] =
		"<DescribeRegionsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><regionInfo>"
		"<item><regionName>eu-west-1</regionName></item><item><regionName>us-east-1</regionName></item>"
		"</regionInfo></DescribeRegionsResponse>";
	tm_problems p;
	ec2_page	pg = {"us-east-1", &tags, "spot", &p};
	tm_buf		prices;
	tm_buf		names;
	char	   *next = NULL;

	problems_init(&p, pg.label);
	buf_init(&prices, 1 << 20);
	buf_init(&names, 1 << 20);
	CHECK_INT(ec2_xml_spot_prices(spot, sizeof(spot) - 1, &pg, &prices, &next), TM_OK);
	CHECK(next == NULL);
	CHECK_INT(ec2_spot_count(&prices), 1);
	CHECK_STR(ec2_spot_at(&prices, 0)->price, "0.065200");
	CHECK_STR(ec2_spot_at(&prices, 0)->az, "us-east-1b");
	CHECK_STR(ec2_spot_at(&prices, 0)->product, "Linux/UNIX");
	CHECK_INT(ec2_xml_regions(regions, sizeof(regions) - 1, &pg, &names), TM_OK);
	CHECK_INT(names.len / sizeof(char *), 2);
	CHECK_STR(((char **) (void *) names.data)[1], "us-east-1");
	ec2_spot_free(&prices);
	ec2_names_free(&names);
}

UNIT_TEST(bad_pages)
{
	fleet		f;
	tm_problems p;
	ec2_page	pg = {"us-east-1", &tags, "bad", &p};
	char	   *next = NULL;
	static const char cut[] = "<DescribeInstancesResponse xmlns=\"x\">\n<reservationSet>\n<item>";
	static const char other[] = "<DescribeRegionsResponse/>";
	static const char dtd[] = "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><DescribeInstancesResponse/>";
	static const char bad[] =
		"<DescribeInstancesResponse><reservationSet><item><instancesSet><item>\n"
		"<instanceId>i-1</instanceId>\n<privateIpAddress>10.0.0.300</privateIpAddress>\n"
		"<launchTime>yesterday</launchTime>\n</item></instancesSet></item></reservationSet>\n"
		"</DescribeInstancesResponse>";

	fleet_init(&f);
	problems_init(&p, pg.label);
	p.silent = true;
	CHECK_INT(ec2_xml_instances(cut, sizeof(cut) - 1, &pg, &f, &next), TM_ERR_FORMAT);
	CHECK_INT(p.errors, 1);
	CHECK_INT(ec2_xml_instances(other, sizeof(other) - 1, &pg, &f, &next), TM_ERR_FORMAT);
	CHECK_INT(ec2_xml_instances(dtd, sizeof(dtd) - 1, &pg, &f, &next), TM_ERR_FORMAT);
	CHECK_INT(p.errors, 3);
	CHECK_INT(ec2_xml_instances(bad, sizeof(bad) - 1, &pg, &f, &next), TM_ERR_FORMAT);
	CHECK_INT(p.errors, 5);
	CHECK(next == NULL);
	fleet_free(&f);
}

UNIT_MAIN(UNIT_ENTRY(instances_page), UNIT_ENTRY(groups_page), UNIT_ENTRY(spot_and_regions),
		  UNIT_ENTRY(bad_pages))
