/*
 * test_inventory_json.c - aws-cli JSON: addresses from every interface, tags, lifecycle,
 * groups; bad values reported at the line json_where finds.
 */
#include "unit.h"

#include "../src/inventory_json.h"
#include "../src/json_where.h"

static const fleet_tag_names tags = {"archdomain", "env"};

static const char doc[] =
	"{\n"
	"  \"Reservations\": [\n"
	"    {\"Instances\": [\n"
	"      {\"InstanceId\": \"i-1\", \"InstanceType\": \"m5.large\",\n"
	"       \"LaunchTime\": \"2016-05-01T12:00:00.000Z\",\n"
	"       \"InstanceLifecycle\": \"spot\",\n"
	"       \"Placement\": {\"AvailabilityZone\": \"us-west-2-lax-1a\"},\n"
	"       \"State\": {\"Code\": 16, \"Name\": \"running\"},\n"
	"       \"PrivateIpAddress\": \"10.0.0.5\",\n"
	"       \"NetworkInterfaces\": [\n"
	"         {\"PrivateIpAddress\": \"10.0.0.5\",\n"
	"          \"Association\": {\"PublicIp\": \"203.0.113.5\"},\n"
	"          \"PrivateIpAddresses\": [{\"PrivateIpAddress\": \"10.0.0.5\"}, {\"PrivateIpAddress\": \"10.0.0.6\"}],\n"
	"          \"Groups\": [{\"GroupId\": \"sg-2\", \"GroupName\": \"db\"}]}],\n"
	"       \"SecurityGroups\": [{\"GroupId\": \"sg-1\", \"GroupName\": \"web\"}, {\"GroupId\": \"sg-2\"}],\n"
	"       \"Tags\": [{\"Key\": \"Name\", \"Value\": \"web-1\"}, {\"Key\": \"Archdomain\", \"Value\": \" /Online//Mid Tier/ \"}]}\n"
	"    ]}\n"
	"  ]\n"
	"}\n"
	"{\"SecurityGroups\": [{\"GroupId\": \"sg-1\", \"GroupName\": \"web\", \"IpPermissions\": [{\"IpProtocol\": \"tcp\", \"FromPort\": 80, \"ToPort\": 80}]}]}\n";

UNIT_TEST(instances_and_groups)
{
	fleet		f;
	tm_problems p;
	fleet_instance *in;

	fleet_init(&f);
	problems_init(&p, "i.json");
	p.silent = true;
	CHECK_INT(inventory_json_parse(doc, strlen(doc), &tags, NULL, &f, &p), TM_OK);
	CHECK_INT(fleet_ninstances(&f), 1);
	in = fleet_instance_at(&f, 0);
	CHECK_STR(in->instance_id, "i-1");
	CHECK_STR(in->name, "web-1");
	CHECK_STR(in->region, "us-west-2");
	CHECK_STR(in->lifecycle, "spot");
	CHECK_STR(in->state, "running");
	CHECK_STR(in->archdomain_tag, " /Online//Mid Tier/ ");
	CHECK(in->env == NULL);
	CHECK_INT(in->line, 4);
	CHECK_INT(fleet_naddresses(&in->private_ips), 2);
	CHECK_INT(fleet_naddresses(&in->public_ips), 1);
	CHECK_INT(fleet_nmemberships(&f), 2);
	CHECK_STR(fleet_membership_at(&f, 0)->group_id, "sg-2");
	CHECK_STR(fleet_membership_at(&f, 1)->group_id, "sg-1");
	CHECK_INT(fleet_ngroups(&f), 1);
	CHECK_STR(fleet_group_at(&f, 0)->rules, "[{\"IpProtocol\":\"tcp\",\"FromPort\":80,\"ToPort\":80}]");
	CHECK_INT(fleet_group_at(&f, 0)->line, 20);
	fleet_free(&f);
}

static long
errors_in(const char *text)
{
	fleet		f;
	tm_problems p;

	fleet_init(&f);
	problems_init(&p, "i.json");
	p.silent = true;
	inventory_json_parse(text, strlen(text), &tags, NULL, &f, &p);
	fleet_free(&f);
	return p.errors;
}

UNIT_TEST(bad_documents)
{
	CHECK_INT(errors_in(""), 1);
	CHECK_INT(errors_in("{\"Reservations\": [}"), 1);
	CHECK_INT(errors_in("{\"Reservations\": [{\"Instances\": [{\"InstanceId\""), 1);
	CHECK_INT(errors_in("[]"), 1);
	CHECK_INT(errors_in("{\"Foo\": 1}"), 1);
	CHECK_INT(errors_in("{\"Reservations\": 5}"), 1);
	CHECK_INT(errors_in("{\"Reservations\": [{\"Instances\": [{}]}]}"), 1);
	CHECK_INT(errors_in("{\"Reservations\": [{\"Instances\": [{\"InstanceId\": \"i-1\", "
						"\"PrivateIpAddress\": \"10.0.0.999\", \"LaunchTime\": \"yesterday\", "
						"\"Tags\": [{\"Value\": \"x\"}]}]}]}"), 3);
	CHECK_INT(errors_in("{\"Reservations\": [{\"Instances\": [{\"InstanceId\": \"i-\\u0000\"}]}]}"), 2);
	CHECK_INT(errors_in("{\"Reservations\": []} \xff"), 1);
}

UNIT_TEST(where_is_a_value)
{
	static const char text[] = "{\"a\": [1,\n {\"b\": \"x,]}\"},\n {\"b\": [\n 7]}]}";
	json_step	path[3] = {{"a", 0}, {NULL, 2}, {"b", 0}};
	json_step	deeper[4] = {{"a", 0}, {NULL, 2}, {"b", 0}, {NULL, 0}};
	json_step	missing[2] = {{"a", 0}, {NULL, 5}};

	CHECK_INT(json_where(text, strlen(text), 0, path, 3), 3);
	CHECK_INT(json_where(text, strlen(text), 0, deeper, 4), 4);
	CHECK_INT(json_where(text, strlen(text), 0, missing, 2), 0);
	CHECK_INT(json_where(text, strlen(text), 0, path, 0), 1);
}

UNIT_MAIN(UNIT_ENTRY(instances_and_groups), UNIT_ENTRY(bad_documents), UNIT_ENTRY(where_is_a_value))
