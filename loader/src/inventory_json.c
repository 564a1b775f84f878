/*
 * inventory_json.c - aws-cli's JSON into the fleet, with json-c. Values are found by their
 * AWS names; a value of the wrong kind or an address that does not parse is reported with its
 * line (json_where.c) and its path in the document.
 */
#include "inventory_json.h"

#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json_where.h"
#include "utf8.h"

/* Where the parser is: the text, the document being read, and the path to the value. */
typedef struct
{
	const char *text;
	size_t		len;
	size_t		doc;			/* offset of the current document */
	tm_problems *p;
	fleet	   *f;
	const fleet_tag_names *tags;
	const char *region;
	size_t		first_membership;	/* the current instance's first one */
	json_step	path[JSON_WHERE_MAX_DEPTH];
	int			depth;
	size_t		base;			/* offset of the value path[0..base_depth) leads to */
	int			base_depth;
	size_t		line_pos;		/* line_no is the line of text[line_pos] */
	long		line_no;
} jctx;

static void
push_key(jctx *c, const char *key)
{
	if (c->depth < JSON_WHERE_MAX_DEPTH)
		c->path[c->depth] = (json_step) {key, 0};
	c->depth++;
}

static void
push_index(jctx *c, size_t index)
{
	if (c->depth < JSON_WHERE_MAX_DEPTH)
		c->path[c->depth] = (json_step) {NULL, index};
	c->depth++;
}

static void
pop(jctx *c)
{
	c->depth--;
}

/* The line of an offset, counting on from the last offset asked for (they mostly grow). */
static long
line_of(jctx *c, size_t offset)
{
	if (offset < c->line_pos)
	{
		c->line_pos = 0;
		c->line_no = 1;
	}
	for (; c->line_pos < offset && c->line_pos < c->len; c->line_pos++)
		c->line_no += c->text[c->line_pos] == '\n';
	return c->line_no;
}

/* The line of the value at the current path, walking from the nearest known element; 0 if lost. */
static long
locate_line(jctx *c)
{
	int			depth = c->depth < JSON_WHERE_MAX_DEPTH ? c->depth : JSON_WHERE_MAX_DEPTH;
	size_t		at;

	if (depth < c->base_depth ||
		!json_find(c->text, c->len, c->base, c->path + c->base_depth, depth - c->base_depth, &at))
		return 0;
	return line_of(c, at);
}

/* Report a problem with the value at the current path (plus key, when not NULL). */
static void jproblem(jctx *c, const char *key, const char *fmt,...) __attribute__((format(printf, 3, 4)));

static void
jproblem(jctx *c, const char *key, const char *fmt,...)
{
	char		where[512];
	char		what[1024];
	size_t		n = 0;
	int			depth = c->depth < JSON_WHERE_MAX_DEPTH ? c->depth : JSON_WHERE_MAX_DEPTH;
	long		line;
	int			d;
	va_list		ap;

	where[0] = '\0';
	for (d = 0; d < depth && n < sizeof(where); d++)
	{
		if (c->path[d].key != NULL)
			n += (size_t) snprintf(where + n, sizeof(where) - n, "%s%s", d > 0 ? "." : "",
								   c->path[d].key);
		else
			n += (size_t) snprintf(where + n, sizeof(where) - n, "[%zu]", c->path[d].index);
	}
	if (key != NULL && n < sizeof(where))
	{
		push_key(c, key);
		snprintf(where + n, sizeof(where) - n, "%s%s", n > 0 ? "." : "", key);
	}
	line = locate_line(c);
	if (key != NULL)
		pop(c);
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	problem(c->p, line, "%s: %s", where, what);
}

/* A JSON type in words, with its article. */
static const char *
json_kind(json_type type)
{
	switch (type)
	{
		case json_type_null:
			return "null";
		case json_type_boolean:
			return "a boolean";
		case json_type_double:
		case json_type_int:
			return "a number";
		case json_type_object:
			return "an object";
		case json_type_array:
			return "an array";
		case json_type_string:
			return "a string";
	}
	return "a value";
}

/* A member that must be an object or array of a kind, when present; NULL when absent. */
static json_object *
member(jctx *c, json_object *o, const char *key, json_type type)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v) || v == NULL)
		return NULL;
	if (!json_object_is_type(v, type))
	{
		jproblem(c, key, "is %s, not %s", json_kind(json_object_get_type(v)), json_kind(type));
		return NULL;
	}
	return v;
}

/* A string member, NULL when absent; a string holding a NUL byte is a problem. */
static const char *
string_member(jctx *c, json_object *o, const char *key)
{
	json_object *v = member(c, o, key, json_type_string);
	const char *s;

	if (v == NULL)
		return NULL;
	s = json_object_get_string(v);
	if ((size_t) json_object_get_string_len(v) != strlen(s))
	{
		jproblem(c, key, "holds a NUL character (\\u0000)");
		return NULL;
	}
	return s;
}

/* An address member, added to the instance when it parses. */
static void
address_member(jctx *c, json_object *o, const char *key, fleet_instance *in, bool public)
{
	const char *s = string_member(c, o, key);
	const char *why;
	tm_netaddr	a;

	if (s == NULL || s[0] == '\0')
		return;
	if (netaddr_parse(s, false, &a, &why) != TM_OK)
	{
		jproblem(c, key, "'%s' %s", s, why);
		return;
	}
	fleet_add_address(c->f, in, public, &a);
}

/* Fixed digits at s, all of them, and their value in [lo, hi]. */
static bool
digits(const char *s, int n, int lo, int hi)
{
	int			v = 0;
	int			i;

	for (i = 0; i < n; i++)
	{
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	return v >= lo && v <= hi;
}

bool
iso8601_valid(const char *s)
{
	const char *t;

	if (strlen(s) < 20 || !digits(s, 4, 1970, 9999) || s[4] != '-' || !digits(s + 5, 2, 1, 12) ||
		s[7] != '-' || !digits(s + 8, 2, 1, 31) || (s[10] != 'T' && s[10] != ' ') ||
		!digits(s + 11, 2, 0, 23) || s[13] != ':' || !digits(s + 14, 2, 0, 59) || s[16] != ':' ||
		!digits(s + 17, 2, 0, 60))
		return false;
	t = s + 19;
	if (*t == '.')
	{
		t++;
		if (*t < '0' || *t > '9')
			return false;
		while (*t >= '0' && *t <= '9')
			t++;
	}
	if (strcmp(t, "Z") == 0)
		return true;
	if ((*t != '+' && *t != '-') || !digits(t + 1, 2, 0, 14))
		return false;
	t += 3;
	if (*t == ':')
		t++;
	return digits(t, 2, 0, 59) && t[2] == '\0';
}

/* us-east-1a -> us-east-1; us-west-2-lax-1a -> us-west-2: up to the first number. */
static char *
region_of_zone(fleet *f, const char *az)
{
	char		region[128];
	const char *s = az;
	size_t		n;

	for (;;)
	{
		const char *dash = strchr(s, '-');

		if (*s >= '0' && *s <= '9')
		{
			while (*s >= '0' && *s <= '9')
				s++;
			n = (size_t) (s - az);
			if (n >= sizeof(region))
				return NULL;
			memcpy(region, az, n);
			region[n] = '\0';
			return fleet_strdup(f, region);
		}
		if (dash == NULL)
			return NULL;
		s = dash + 1;
	}
}

/* Tags [{Key, Value}] as one JSON object, and the name, archdomain and env among them. */
static void
read_tags(jctx *c, json_object *inst, fleet_instance *in)
{
	json_object *tags = member(c, inst, "Tags", json_type_array);
	json_object *all = json_object_new_object();
	size_t		i;

	if (all == NULL)
	{
		c->f->error = TM_ERR_NOMEM;
		return;
	}
	push_key(c, "Tags");
	for (i = 0; tags != NULL && i < json_object_array_length(tags); i++)
	{
		json_object *t = json_object_array_get_idx(tags, i);
		const char *key;
		const char *value;

		push_index(c, i);
		if (!json_object_is_type(t, json_type_object))
			jproblem(c, NULL, "is not an object with Key and Value");
		else
		{
			key = string_member(c, t, "Key");
			value = string_member(c, t, "Value");
			if (key == NULL)
				jproblem(c, NULL, "has no Key");
			else
			{
				if (value == NULL)
					value = "";
				json_object_object_add(all, key, json_object_new_string(value));
				if (strcmp(key, "Name") == 0 && in->name == NULL)
					in->name = fleet_strdup(c->f, value);
				if (strcasecmp(key, c->tags->archdomain) == 0 && in->archdomain_tag == NULL)
					in->archdomain_tag = fleet_strdup(c->f, value);
				if (strcasecmp(key, c->tags->env) == 0 && in->env == NULL && value[0] != '\0')
					in->env = fleet_strdup(c->f, value);
			}
		}
		pop(c);
	}
	pop(c);
	in->tags = fleet_strdup(c->f, json_object_to_json_string_ext(all, JSON_C_TO_STRING_PLAIN |
																 JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(all);
}

/* Membership in a group [{GroupId, GroupName}], once per instance and group. */
static void
read_groups(jctx *c, json_object *o, const char *key, fleet_instance *in)
{
	json_object *groups = member(c, o, key, json_type_array);
	size_t		i;
	size_t		j;

	push_key(c, key);
	for (i = 0; groups != NULL && i < json_object_array_length(groups); i++)
	{
		json_object *g = json_object_array_get_idx(groups, i);
		const char *id;
		bool		seen = false;
		fleet_membership *m;

		push_index(c, i);
		id = json_object_is_type(g, json_type_object) ? string_member(c, g, "GroupId") : NULL;
		if (id == NULL || id[0] == '\0')
			jproblem(c, NULL, "has no GroupId");
		for (j = c->first_membership; id != NULL && j < fleet_nmemberships(c->f); j++)
			{
			const char *other = fleet_membership_at(c->f, j)->group_id;

			seen = seen || (other != NULL && strcmp(other, id) == 0);
		}
		if (id != NULL && id[0] != '\0' && !seen && in->instance_id != NULL)
		{
			m = fleet_add_membership(c->f);
			if (m != NULL)
			{
				m->instance_id = fleet_strdup(c->f, in->instance_id);
				m->group_id = fleet_strdup(c->f, id);
				m->group_name = fleet_strdup(c->f, string_member(c, g, "GroupName"));
			}
		}
		pop(c);
	}
	pop(c);
}

/* The public address an Association gives a private address or an interface. */
static void
read_association(jctx *c, json_object *o, fleet_instance *in)
{
	json_object *assoc = member(c, o, "Association", json_type_object);

	if (assoc == NULL)
		return;
	push_key(c, "Association");
	address_member(c, assoc, "PublicIp", in, true);
	pop(c);
}

/*
 * Each element of an array member, an object, handed to fn with the path kept and the
 * element's offset as the base for finding lines.
 */
static void
each_object(jctx *c, json_object *o, const char *key, fleet_instance *in,
			void (*fn) (jctx *c, json_object *item, fleet_instance *in))
{
	json_object *list = member(c, o, key, json_type_array);
	size_t		n = list != NULL ? json_object_array_length(list) : 0;
	size_t	   *offsets = NULL;
	size_t		found = 0;
	size_t		saved_base = c->base;
	int			saved_depth = c->base_depth;
	size_t		at;
	size_t		i;

	push_key(c, key);
	if (n > 0 && c->depth < JSON_WHERE_MAX_DEPTH &&
		json_find(c->text, c->len, c->base, c->path + c->base_depth, c->depth - c->base_depth, &at))
	{
		offsets = malloc(n * sizeof(*offsets));
		if (offsets != NULL)
			found = json_elements(c->text, c->len, at, offsets, n);
	}
	for (i = 0; i < n; i++)
	{
		json_object *item = json_object_array_get_idx(list, i);

		push_index(c, i);
		if (i < found)
		{
			c->base = offsets[i];
			c->base_depth = c->depth;
		}
		if (json_object_is_type(item, json_type_object))
			fn(c, item, in);
		else
			jproblem(c, NULL, "is not an object");
		c->base = saved_base;
		c->base_depth = saved_depth;
		pop(c);
	}
	free(offsets);
	pop(c);
}

static void
read_private_address(jctx *c, json_object *item, fleet_instance *in)
{
	address_member(c, item, "PrivateIpAddress", in, false);
	read_association(c, item, in);
}

static void
read_ipv6_address(jctx *c, json_object *item, fleet_instance *in)
{
	address_member(c, item, "Ipv6Address", in, false);
}

/* One network interface: its primary and secondary private addresses, their public ones. */
static void
read_interface(jctx *c, json_object *eni, fleet_instance *in)
{
	address_member(c, eni, "PrivateIpAddress", in, false);
	read_association(c, eni, in);
	each_object(c, eni, "PrivateIpAddresses", in, read_private_address);
	each_object(c, eni, "Ipv6Addresses", in, read_ipv6_address);
	read_groups(c, eni, "Groups", in);
}

/* AWS says spot (or scheduled, capacity-block); an instance that says nothing is on-demand. */
static const char *
lifecycle_of(const char *aws)
{
	if (aws == NULL)
		return "on-demand";
	if (strcmp(aws, "spot") == 0)
		return "spot";
	return "unknown";
}

static void
read_instance(jctx *c, json_object *inst, fleet_instance *unused)
{
	fleet_instance *in;
	json_object *o;
	const char *s;

	(void) unused;
	in = fleet_add_instance(c->f, locate_line(c));
	if (in == NULL)
		return;
	in->file = c->p->file;
	c->first_membership = fleet_nmemberships(c->f);
	in->instance_id = fleet_strdup(c->f, string_member(c, inst, "InstanceId"));
	if (in->instance_id == NULL || in->instance_id[0] == '\0')
		jproblem(c, NULL, "has no InstanceId");
	in->instance_type = fleet_strdup(c->f, string_member(c, inst, "InstanceType"));
	in->vpc_id = fleet_strdup(c->f, string_member(c, inst, "VpcId"));
	in->lifecycle = fleet_strdup(c->f, lifecycle_of(string_member(c, inst, "InstanceLifecycle")));
	s = string_member(c, inst, "LaunchTime");
	if (s != NULL && !iso8601_valid(s))
		jproblem(c, "LaunchTime", "'%s' is not a time like 2016-05-01T12:00:00.000Z", s);
	else
		in->launched = fleet_strdup(c->f, s);
	o = member(c, inst, "State", json_type_object);
	if (o != NULL)
	{
		push_key(c, "State");
		in->state = fleet_strdup(c->f, string_member(c, o, "Name"));
		pop(c);
	}
	o = member(c, inst, "Placement", json_type_object);
	if (o != NULL)
	{
		push_key(c, "Placement");
		in->az = fleet_strdup(c->f, string_member(c, o, "AvailabilityZone"));
		pop(c);
	}
	if (c->region != NULL)
		in->region = fleet_strdup(c->f, c->region);
	else if (in->az != NULL)
		in->region = region_of_zone(c->f, in->az);
	read_tags(c, inst, in);
	address_member(c, inst, "PrivateIpAddress", in, false);
	address_member(c, inst, "PublicIpAddress", in, true);
	each_object(c, inst, "NetworkInterfaces", in, read_interface);
	read_groups(c, inst, "SecurityGroups", in);
}

static void
read_reservation(jctx *c, json_object *res, fleet_instance *unused)
{
	(void) unused;
	each_object(c, res, "Instances", NULL, read_instance);
}

/* One security group of describe-security-groups, its ingress rules kept as AWS gives them. */
static void
read_group(jctx *c, json_object *sg, fleet_instance *unused)
{
	fleet_group *g;
	json_object *rules;

	(void) unused;
	g = fleet_add_group(c->f, locate_line(c));
	if (g == NULL)
		return;
	g->group_id = fleet_strdup(c->f, string_member(c, sg, "GroupId"));
	if (g->group_id == NULL || g->group_id[0] == '\0')
		jproblem(c, NULL, "has no GroupId");
	g->name = fleet_strdup(c->f, string_member(c, sg, "GroupName"));
	g->vpc_id = fleet_strdup(c->f, string_member(c, sg, "VpcId"));
	g->description = fleet_strdup(c->f, string_member(c, sg, "Description"));
	rules = member(c, sg, "IpPermissions", json_type_array);
	g->rules = fleet_strdup(c->f, rules == NULL ? "[]" :
							json_object_to_json_string_ext(rules, JSON_C_TO_STRING_PLAIN |
														   JSON_C_TO_STRING_NOSLASHESCAPE));
}

static void
read_document(jctx *c, json_object *doc)
{
	bool		known = false;

	if (!json_object_is_type(doc, json_type_object))
	{
		jproblem(c, NULL, "the document is %s, not the object aws ec2 describe-instances prints",
				 json_kind(json_object_get_type(doc)));
		return;
	}
	if (json_object_object_get_ex(doc, "Reservations", NULL))
	{
		known = true;
		c->f->has_instances = true;
		each_object(c, doc, "Reservations", NULL, read_reservation);
	}
	if (json_object_object_get_ex(doc, "SecurityGroups", NULL))
	{
		known = true;
		each_object(c, doc, "SecurityGroups", NULL, read_group);
	}
	if (!known)
		jproblem(c, NULL, "no Reservations or SecurityGroups; give the output of aws ec2 describe-instances or describe-security-groups");
}

/* The line of a byte offset, for syntax errors. */
static long
line_at(const char *text, size_t off)
{
	long		line = 1;
	size_t		i;

	for (i = 0; i < off; i++)
		line += text[i] == '\n';
	return line;
}

/* Where the first byte that is not UTF-8 is; 0 when all of it is. */
static long
bad_utf8_line(const char *text, size_t len)
{
	size_t		from = 0;
	long		line = 1;

	while (from < len)
	{
		const char *nl = memchr(text + from, '\n', len - from);
		size_t		n = nl != NULL ? (size_t) (nl - text - from) : len - from;

		if (!utf8_valid(text + from, n))
			return line;
		from += n + 1;
		line++;
	}
	return 0;
}

tm_result
inventory_json_parse(const char *data, size_t len, const fleet_tag_names *tags,
					 const char *region, fleet *out, tm_problems *p)
{
	jctx		c = {data, len, 0, p, out, tags, region, 0, {{NULL, 0}}, 0, 0, 0, 0, 1};
	json_tokener *tok;
	size_t		pos = 0;
	long		bad;
	int			docs = 0;

	bad = bad_utf8_line(data, len);
	if (bad > 0)
	{
		problem(p, bad, "the line is not valid UTF-8 text (or holds a NUL byte); aws-cli writes UTF-8");
		return TM_ERR_FORMAT;
	}
	tok = json_tokener_new_ex(INVENTORY_JSON_MAX_DEPTH);
	if (tok == NULL)
		return TM_ERR_NOMEM;
	for (;;)
	{
		json_object *doc;
		enum json_tokener_error jerr;

		while (pos < len && (data[pos] == ' ' || data[pos] == '\t' || data[pos] == '\r' ||
							 data[pos] == '\n'))
			pos++;
		if (pos >= len)
			break;
		json_tokener_reset(tok);
		doc = json_tokener_parse_ex(tok, data + pos, (int) (len - pos));
		jerr = json_tokener_get_error(tok);
		if (doc == NULL || jerr != json_tokener_success)
		{
			if (jerr == json_tokener_continue)
				problem(p, line_at(data, len), "the JSON ends in the middle of a value; is the file cut short?");
			else
				problem(p, line_at(data, pos + json_tokener_get_parse_end(tok)), "not valid JSON: %s",
						json_tokener_error_desc(jerr));
			json_object_put(doc);
			break;
		}
		c.doc = pos;
		c.depth = 0;
		c.base = pos;
		c.base_depth = 0;
		read_document(&c, doc);
		json_object_put(doc);
		docs++;
		pos += json_tokener_get_parse_end(tok);
		if (out->error != TM_OK)
			break;
	}
	json_tokener_free(tok);
	if (docs == 0 && p->errors == 0)
		problem(p, 0, "the file is empty; give the output of aws ec2 describe-instances");
	if (out->error != TM_OK)
		return out->error;
	return p->errors > 0 ? TM_ERR_FORMAT : TM_OK;
}
