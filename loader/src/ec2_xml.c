/*
 * ec2_xml.c - EC2 Query API answers into the fleet, with libxml2's tree API.
 *
 * The walk follows the EC2 API reference's element names and nothing else: unknown elements
 * are skipped (AWS adds new ones every year), missing ones are absent values. Where an
 * instance's values come from mirrors inventory_json.c, so both sources give one row.
 */
#include "ec2_xml.h"

#include <json-c/json.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws_request.h"
#include "inventory_json.h"
#include "netaddr.h"

/* The walk's state for one page. */
typedef struct
{
	const ec2_page *pg;
	fleet	   *f;
	size_t		first_membership;	/* the current instance's first one */
} walk;

/* How botocore renders one member of a structure of the EC2 model as JSON. */
typedef enum
{
	M_STRING,
	M_INTEGER,
	M_LIST					/* of <item> structures */
} member_type;

typedef struct shape shape;

typedef struct
{
	const char *xml;			/* the wire name (locationName) */
	const char *json;			/* the member name */
	member_type type;
	const shape *item;			/* M_LIST: the shape of each <item> */
} member;

struct shape
{
	const member *members;
	size_t		nmembers;
};

/* The shapes of IpPermission and what it holds, from the EC2 model (2016-11-15). */
static const member ip_range_members[] = {
	{"cidrIp", "CidrIp", M_STRING, NULL},
	{"description", "Description", M_STRING, NULL},
};
static const shape ip_range = {ip_range_members, TM_ARRAY_LEN(ip_range_members)};

static const member ipv6_range_members[] = {
	{"cidrIpv6", "CidrIpv6", M_STRING, NULL},
	{"description", "Description", M_STRING, NULL},
};
static const shape ipv6_range = {ipv6_range_members, TM_ARRAY_LEN(ipv6_range_members)};

static const member prefix_list_members[] = {
	{"description", "Description", M_STRING, NULL},
	{"prefixListId", "PrefixListId", M_STRING, NULL},
};
static const shape prefix_list = {prefix_list_members, TM_ARRAY_LEN(prefix_list_members)};

static const member group_pair_members[] = {
	{"description", "Description", M_STRING, NULL},
	{"groupId", "GroupId", M_STRING, NULL},
	{"groupName", "GroupName", M_STRING, NULL},
	{"peeringStatus", "PeeringStatus", M_STRING, NULL},
	{"userId", "UserId", M_STRING, NULL},
	{"vpcId", "VpcId", M_STRING, NULL},
	{"vpcPeeringConnectionId", "VpcPeeringConnectionId", M_STRING, NULL},
};
static const shape group_pair = {group_pair_members, TM_ARRAY_LEN(group_pair_members)};

static const member ip_permission_members[] = {
	{"fromPort", "FromPort", M_INTEGER, NULL},
	{"ipProtocol", "IpProtocol", M_STRING, NULL},
	{"ipRanges", "IpRanges", M_LIST, &ip_range},
	{"ipv6Ranges", "Ipv6Ranges", M_LIST, &ipv6_range},
	{"prefixListIds", "PrefixListIds", M_LIST, &prefix_list},
	{"toPort", "ToPort", M_INTEGER, NULL},
	{"groups", "UserIdGroupPairs", M_LIST, &group_pair},
};
static const shape ip_permission = {ip_permission_members, TM_ARRAY_LEN(ip_permission_members)};

/* The element's name without its namespace: EC2 answers use a default namespace. */
static bool
is(const xmlNode *n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && strcmp((const char *) n->name, name) == 0;
}

static xmlNode *
child(const xmlNode *parent, const char *name)
{
	xmlNode    *n;

	if (parent == NULL)
		return NULL;
	for (n = parent->children; n != NULL; n = n->next)
	{
		if (is(n, name))
			return n;
	}
	return NULL;
}

/* The next <item> after n (or the first under a list element when n is its parent). */
static xmlNode *
next_item(const xmlNode *n)
{
	for (; n != NULL; n = n->next)
	{
		if (is(n, "item"))
			return (xmlNode *) n;
	}
	return NULL;
}

static xmlNode *
first_item(const xmlNode *list)
{
	return list != NULL ? next_item(list->children) : NULL;
}

static long
line_of(const xmlNode *n)
{
	return n != NULL ? xmlGetLineNo(n) : 0;
}

/* The text of a child element as a string the fleet owns; NULL when there is no such child. */
static char *
fleet_text(fleet *f, const xmlNode *parent, const char *name)
{
	xmlNode    *n = child(parent, name);
	xmlChar    *text;
	char	   *copy;

	if (n == NULL)
		return NULL;
	text = xmlNodeGetContent(n);
	copy = fleet_strdup(f, text != NULL ? (const char *) text : "");
	xmlFree(text);
	return copy;
}

/* The text of a child element, for a moment: free it with xmlFree. */
static xmlChar *
text_of(const xmlNode *parent, const char *name)
{
	xmlNode    *n = child(parent, name);

	return n != NULL ? xmlNodeGetContent(n) : NULL;
}

/* Parse one page and check it is the answer to action; NULL (and a problem) when not. */
static xmlDoc *
read_page(const char *xml, size_t len, const ec2_page *pg, const char *action, xmlNode **root)
{
	xmlParserCtxtPtr ctxt;
	xmlDoc	   *doc = NULL;
	const xmlError *err;
	char		want[128];
	char		why[512];
	size_t		n;

	*root = NULL;
	if (len > (size_t) INT_MAX)
	{
		problem(pg->problems, 0, "the answer is larger than %d bytes", INT_MAX);
		return NULL;
	}
	aws_xml_quiet();
	ctxt = xmlNewParserCtxt();
	if (ctxt == NULL)
	{
		problem(pg->problems, 0, "out of memory");
		return NULL;
	}
	doc = xmlCtxtReadMemory(ctxt, xml, (int) len, "answer.xml", NULL,
							XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
							XML_PARSE_BIG_LINES);
	if (doc == NULL)
	{
		err = xmlCtxtGetLastError(ctxt);
		snprintf(why, sizeof(why), "%s", err != NULL && err->message != NULL ? err->message : "unreadable");
		n = strlen(why);
		while (n > 0 && (why[n - 1] == '\n' || why[n - 1] == ' '))
			why[--n] = '\0';
		problem(pg->problems, err != NULL ? err->line : 0,
				"the answer is not well-formed XML (%s); was it cut short?", why);
		xmlFreeParserCtxt(ctxt);
		return NULL;
	}
	xmlFreeParserCtxt(ctxt);
	snprintf(want, sizeof(want), "%sResponse", action);
	*root = xmlDocGetRootElement(doc);
	if (doc->intSubset != NULL)
	{
		problem(pg->problems, 1, "the answer declares a DTD; EC2 answers have none");
		*root = NULL;
	}
	else if (!is(*root, want))
	{
		problem(pg->problems, line_of(*root), "the answer is <%s>, not the <%s> asked for",
				*root != NULL ? (const char *) (*root)->name : "nothing", want);
		*root = NULL;
	}
	if (*root == NULL)
	{
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

/* The page's <nextToken>, NULL on the last page (no element, or an empty one). */
static tm_result
next_token_of(const xmlNode *root, char **next_token)
{
	xmlChar    *text;

	if (next_token == NULL)
		return TM_OK;
	*next_token = NULL;
	text = text_of(root, "nextToken");
	if (text != NULL && text[0] != '\0')
	{
		*next_token = strdup((const char *) text);
		if (*next_token == NULL)
		{
			xmlFree(text);
			return TM_ERR_NOMEM;
		}
	}
	xmlFree(text);
	return TM_OK;
}

/* An address child, added to the instance when it parses. */
static void
address(walk *w, const xmlNode *parent, const char *name, fleet_instance *in, bool public)
{
	xmlChar    *text = text_of(parent, name);
	const char *why;
	tm_netaddr	a;

	if (text == NULL || text[0] == '\0')
	{
		xmlFree(text);
		return;
	}
	if (netaddr_parse((const char *) text, false, &a, &why) != TM_OK)
		problem(w->pg->problems, line_of(child(parent, name)), "<%s> '%s' %s", name, (const char *) text, why);
	else
		fleet_add_address(w->f, in, public, &a);
	xmlFree(text);
}

/* The public address an <association> gives a private address or an interface. */
static void
association(walk *w, const xmlNode *parent, fleet_instance *in)
{
	address(w, child(parent, "association"), "publicIp", in, true);
}

/* Membership in each group of a <groupSet>, once per instance and group. */
static void
groups(walk *w, const xmlNode *parent, fleet_instance *in)
{
	const xmlNode *item;
	size_t		j;

	for (item = first_item(child(parent, "groupSet")); item != NULL; item = next_item(item->next))
	{
		xmlChar    *id = text_of(item, "groupId");
		bool		seen = false;
		fleet_membership *m;

		if (id == NULL || id[0] == '\0')
			problem(w->pg->problems, line_of(item), "a <groupSet> item has no <groupId>");
		for (j = w->first_membership; id != NULL && j < fleet_nmemberships(w->f); j++)
		{
			const char *other = fleet_membership_at(w->f, j)->group_id;

			seen = seen || (other != NULL && strcmp(other, (const char *) id) == 0);
		}
		if (id != NULL && id[0] != '\0' && !seen && in->instance_id != NULL)
		{
			m = fleet_add_membership(w->f);
			if (m != NULL)
			{
				m->instance_id = fleet_strdup(w->f, in->instance_id);
				m->group_id = fleet_strdup(w->f, (const char *) id);
				m->group_name = fleet_text(w->f, item, "groupName");
			}
		}
		xmlFree(id);
	}
}

/* One network interface: its primary and secondary private addresses, their public ones. */
static void
interface(walk *w, const xmlNode *eni, fleet_instance *in)
{
	const xmlNode *item;

	address(w, eni, "privateIpAddress", in, false);
	association(w, eni, in);
	for (item = first_item(child(eni, "privateIpAddressesSet")); item != NULL; item = next_item(item->next))
	{
		address(w, item, "privateIpAddress", in, false);
		association(w, item, in);
	}
	for (item = first_item(child(eni, "ipv6AddressesSet")); item != NULL; item = next_item(item->next))
		address(w, item, "ipv6Address", in, false);
	groups(w, eni, in);
}

/* Tags as one JSON object, and the name, archdomain and env among them. */
static void
tags(walk *w, const xmlNode *inst, fleet_instance *in)
{
	const xmlNode *item;
	json_object *all = json_object_new_object();

	if (all == NULL)
	{
		w->f->error = TM_ERR_NOMEM;
		return;
	}
	for (item = first_item(child(inst, "tagSet")); item != NULL; item = next_item(item->next))
	{
		xmlChar    *key = text_of(item, "key");
		xmlChar    *value = text_of(item, "value");
		const char *k = (const char *) key;
		const char *v = value != NULL ? (const char *) value : "";

		if (key == NULL)
			problem(w->pg->problems, line_of(item), "a <tagSet> item has no <key>");
		else
		{
			json_object_object_add(all, k, json_object_new_string(v));
			if (strcmp(k, "Name") == 0 && in->name == NULL)
				in->name = fleet_strdup(w->f, v);
			if (strcasecmp(k, w->pg->tags->archdomain) == 0 && in->archdomain_tag == NULL)
				in->archdomain_tag = fleet_strdup(w->f, v);
			if (strcasecmp(k, w->pg->tags->env) == 0 && in->env == NULL && v[0] != '\0')
				in->env = fleet_strdup(w->f, v);
		}
		xmlFree(key);
		xmlFree(value);
	}
	in->tags = fleet_strdup(w->f, json_object_to_json_string_ext(all, JSON_C_TO_STRING_PLAIN |
																 JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(all);
}

/* AWS says spot (or scheduled, capacity-block); an instance that says nothing is on-demand. */
static const char *
lifecycle_of(const xmlChar *aws)
{
	if (aws == NULL)
		return "on-demand";
	if (strcmp((const char *) aws, "spot") == 0)
		return "spot";
	return "unknown";
}

static void
instance(walk *w, const xmlNode *inst)
{
	fleet_instance *in;
	const xmlNode *item;
	xmlChar    *text;

	in = fleet_add_instance(w->f, line_of(inst));
	if (in == NULL)
		return;
	in->file = w->pg->label;
	w->first_membership = fleet_nmemberships(w->f);
	in->instance_id = fleet_text(w->f, inst, "instanceId");
	if (in->instance_id == NULL || in->instance_id[0] == '\0')
		problem(w->pg->problems, line_of(inst), "an instance has no <instanceId>");
	in->instance_type = fleet_text(w->f, inst, "instanceType");
	in->vpc_id = fleet_text(w->f, inst, "vpcId");
	text = text_of(inst, "instanceLifecycle");
	in->lifecycle = fleet_strdup(w->f, lifecycle_of(text));
	xmlFree(text);
	text = text_of(inst, "launchTime");
	if (text != NULL && !iso8601_valid((const char *) text))
		problem(w->pg->problems, line_of(child(inst, "launchTime")),
				"<launchTime> '%s' is not a time like 2016-05-01T12:00:00.000Z", (const char *) text);
	else
		in->launched = fleet_strdup(w->f, (const char *) text);
	xmlFree(text);
	in->state = fleet_text(w->f, child(inst, "instanceState"), "name");
	in->az = fleet_text(w->f, child(inst, "placement"), "availabilityZone");
	in->region = fleet_strdup(w->f, w->pg->region);
	tags(w, inst, in);
	address(w, inst, "privateIpAddress", in, false);
	address(w, inst, "ipAddress", in, true);
	for (item = first_item(child(inst, "networkInterfaceSet")); item != NULL; item = next_item(item->next))
		interface(w, item, in);
	groups(w, inst, in);
}

tm_result
ec2_xml_instances(const char *xml, size_t len, const ec2_page *pg, fleet *f, char **next_token)
{
	walk		w = {pg, f, 0};
	xmlNode    *root;
	xmlDoc	   *doc;
	const xmlNode *res;
	const xmlNode *inst;
	long		errors = pg->problems->errors;
	tm_result	r;

	if (next_token != NULL)
		*next_token = NULL;
	doc = read_page(xml, len, pg, "DescribeInstances", &root);
	if (doc == NULL)
		return TM_ERR_FORMAT;
	f->has_instances = true;
	for (res = first_item(child(root, "reservationSet")); res != NULL; res = next_item(res->next))
	{
		for (inst = first_item(child(res, "instancesSet")); inst != NULL; inst = next_item(inst->next))
			instance(&w, inst);
	}
	r = next_token_of(root, next_token);
	xmlFreeDoc(doc);
	if (r == TM_OK && f->error != TM_OK)
		r = f->error;
	if (r == TM_OK && pg->problems->errors > errors)
		r = TM_ERR_FORMAT;
	return r;
}

/* One element of a shape as the JSON botocore makes of it; NULL (and a problem) when bad. */
static json_object *to_json(const ec2_page *pg, const xmlNode *n, const shape *s);

static json_object *
member_json(const ec2_page *pg, const xmlNode *n, const member *m)
{
	json_object *list;
	json_object *v;
	const xmlNode *item;
	xmlChar    *text;
	char	   *end;
	long		number;

	if (m->type == M_LIST)
	{
		list = json_object_new_array();
		for (item = first_item(n); item != NULL && list != NULL; item = next_item(item->next))
		{
			v = to_json(pg, item, m->item);
			if (v == NULL || json_object_array_add(list, v) != 0)
			{
				json_object_put(v);
				json_object_put(list);
				return NULL;
			}
		}
		return list;
	}
	text = xmlNodeGetContent(n);
	if (m->type == M_STRING)
		v = json_object_new_string(text != NULL ? (const char *) text : "");
	else
	{
		number = strtol(text != NULL ? (const char *) text : "", &end, 10);
		if (text == NULL || text[0] == '\0' || *end != '\0' || number < INT_MIN || number > INT_MAX)
		{
			problem(pg->problems, line_of(n), "<%s> '%s' is not an integer", m->xml,
					text != NULL ? (const char *) text : "");
			v = NULL;
		}
		else
			v = json_object_new_int((int) number);
	}
	xmlFree(text);
	return v;
}

static json_object *
to_json(const ec2_page *pg, const xmlNode *n, const shape *s)
{
	json_object *o = json_object_new_object();
	json_object *v;
	size_t		i;

	for (i = 0; i < s->nmembers && o != NULL; i++)
	{
		const xmlNode *c = child(n, s->members[i].xml);

		if (c == NULL)
			continue;
		v = member_json(pg, c, &s->members[i]);
		if (v == NULL)
		{
			json_object_put(o);
			return NULL;
		}
		json_object_object_add(o, s->members[i].json, v);
	}
	return o;
}

static void
group(walk *w, const xmlNode *sg)
{
	fleet_group *g;
	const xmlNode *rules;
	json_object *json;

	g = fleet_add_group(w->f, line_of(sg));
	if (g == NULL)
		return;
	g->group_id = fleet_text(w->f, sg, "groupId");
	if (g->group_id == NULL || g->group_id[0] == '\0')
		problem(w->pg->problems, line_of(sg), "a security group has no <groupId>");
	g->name = fleet_text(w->f, sg, "groupName");
	g->vpc_id = fleet_text(w->f, sg, "vpcId");
	g->description = fleet_text(w->f, sg, "groupDescription");
	rules = child(sg, "ipPermissions");
	if (rules == NULL)
	{
		g->rules = fleet_strdup(w->f, "[]");
		return;
	}
	json = member_json(w->pg, rules, &(const member) {"ipPermissions", "IpPermissions", M_LIST, &ip_permission});
	if (json != NULL)
		g->rules = fleet_strdup(w->f, json_object_to_json_string_ext(json, JSON_C_TO_STRING_PLAIN |
																	 JSON_C_TO_STRING_NOSLASHESCAPE));
	else if (w->f->error == TM_OK && w->pg->problems->errors == 0)
		w->f->error = TM_ERR_NOMEM;
	json_object_put(json);
}

tm_result
ec2_xml_groups(const char *xml, size_t len, const ec2_page *pg, fleet *f, char **next_token)
{
	walk		w = {pg, f, 0};
	xmlNode    *root;
	xmlDoc	   *doc;
	const xmlNode *sg;
	long		errors = pg->problems->errors;
	tm_result	r;

	if (next_token != NULL)
		*next_token = NULL;
	doc = read_page(xml, len, pg, "DescribeSecurityGroups", &root);
	if (doc == NULL)
		return TM_ERR_FORMAT;
	for (sg = first_item(child(root, "securityGroupInfo")); sg != NULL; sg = next_item(sg->next))
		group(&w, sg);
	r = next_token_of(root, next_token);
	xmlFreeDoc(doc);
	if (r == TM_OK && f->error != TM_OK)
		r = f->error;
	if (r == TM_OK && pg->problems->errors > errors)
		r = TM_ERR_FORMAT;
	return r;
}

size_t
ec2_spot_count(const tm_buf *prices)
{
	return prices->len / sizeof(ec2_spot_price);
}

ec2_spot_price *
ec2_spot_at(const tm_buf *prices, size_t i)
{
	return (ec2_spot_price *) (void *) prices->data + i;
}

static void
spot_clear(ec2_spot_price *s)
{
	free(s->instance_type);
	free(s->az);
	free(s->product);
	free(s->price);
	free(s->timestamp);
}

void
ec2_spot_free(tm_buf *prices)
{
	size_t		i;

	for (i = 0; i < ec2_spot_count(prices); i++)
		spot_clear(ec2_spot_at(prices, i));
	buf_free(prices);
}

/* A copy of a child's text, NULL when absent or out of memory (*nomem says which). */
static char *
dup_text(const xmlNode *parent, const char *name, bool *nomem)
{
	xmlChar    *text = text_of(parent, name);
	char	   *copy = NULL;

	if (text != NULL)
	{
		copy = strdup((const char *) text);
		*nomem = *nomem || copy == NULL;
	}
	xmlFree(text);
	return copy;
}

/* A decimal number as AWS writes prices: digits, one optional point, more digits. */
static bool
decimal_valid(const char *s)
{
	size_t		digits = 0;
	bool		point = false;

	for (; *s != '\0'; s++)
	{
		if (*s >= '0' && *s <= '9')
			digits++;
		else if (*s == '.' && !point)
			point = true;
		else
			return false;
	}
	return digits > 0 && digits < 40;
}

tm_result
ec2_xml_spot_prices(const char *xml, size_t len, const ec2_page *pg, tm_buf *prices,
					char **next_token)
{
	xmlNode    *root;
	xmlDoc	   *doc;
	const xmlNode *item;
	long		errors = pg->problems->errors;
	tm_result	r = TM_OK;

	if (next_token != NULL)
		*next_token = NULL;
	doc = read_page(xml, len, pg, "DescribeSpotPriceHistory", &root);
	if (doc == NULL)
		return TM_ERR_FORMAT;
	for (item = first_item(child(root, "spotPriceHistorySet")); item != NULL && r == TM_OK;
		 item = next_item(item->next))
	{
		ec2_spot_price s;
		bool		nomem = false;

		s.instance_type = dup_text(item, "instanceType", &nomem);
		s.az = dup_text(item, "availabilityZone", &nomem);
		s.product = dup_text(item, "productDescription", &nomem);
		s.price = dup_text(item, "spotPrice", &nomem);
		s.timestamp = dup_text(item, "timestamp", &nomem);
		if (nomem)
			r = TM_ERR_NOMEM;
		else if (s.instance_type == NULL || s.az == NULL || s.price == NULL || s.timestamp == NULL)
			problem(pg->problems, line_of(item), "a spot price lacks its <instanceType>, "
					"<availabilityZone>, <spotPrice> or <timestamp>");
		else if (!decimal_valid(s.price))
			problem(pg->problems, line_of(child(item, "spotPrice")), "<spotPrice> '%s' is not a price", s.price);
		else if (!iso8601_valid(s.timestamp))
			problem(pg->problems, line_of(child(item, "timestamp")), "<timestamp> '%s' is not a time", s.timestamp);
		else
		{
			r = buf_add(prices, &s, sizeof(s));
			if (r == TM_OK)
				continue;
		}
		spot_clear(&s);
	}
	if (r == TM_OK)
		r = next_token_of(root, next_token);
	xmlFreeDoc(doc);
	if (r == TM_OK && pg->problems->errors > errors)
		r = TM_ERR_FORMAT;
	return r;
}

void
ec2_names_free(tm_buf *names)
{
	size_t		i;

	for (i = 0; i < names->len / sizeof(char *); i++)
		free(((char **) (void *) names->data)[i]);
	buf_free(names);
}

tm_result
ec2_xml_regions(const char *xml, size_t len, const ec2_page *pg, tm_buf *names)
{
	xmlNode    *root;
	xmlDoc	   *doc;
	const xmlNode *item;
	long		errors = pg->problems->errors;
	tm_result	r = TM_OK;

	doc = read_page(xml, len, pg, "DescribeRegions", &root);
	if (doc == NULL)
		return TM_ERR_FORMAT;
	for (item = first_item(child(root, "regionInfo")); item != NULL && r == TM_OK; item = next_item(item->next))
	{
		bool		nomem = false;
		char	   *name = dup_text(item, "regionName", &nomem);

		if (nomem)
			r = TM_ERR_NOMEM;
		else if (name == NULL || name[0] == '\0' || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(name))
			problem(pg->problems, line_of(item), "a region has no <regionName>, or not one like us-east-1");
		else
		{
			r = buf_add(names, &name, sizeof(name));
			if (r == TM_OK)
				continue;
		}
		free(name);
	}
	xmlFreeDoc(doc);
	if (r == TM_OK && pg->problems->errors > errors)
		r = TM_ERR_FORMAT;
	return r;
}
