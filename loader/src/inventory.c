/*
 * inventory.c - `trafficmap inventory KIND FILE`: read an inventory file, check all of it,
 * stage it into PostgreSQL with COPY and apply it there in one transaction with the
 * extension's inventory_*apply functions (the set logic lives in SQL, next to the tables).
 *
 * A file with any bad line changes nothing: every bad line is reported as FILE:LINE, and the
 * exit status is 2. A partial inventory would look like hosts that went away.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "copy.h"
#include "csvtable.h"
#include "db.h"
#include "file.h"
#include "fleet.h"
#include "inventory.h"
#include "inventory_csv.h"
#include "inventory_ec2.h"
#include "inventory_foreign.h"
#include "inventory_json.h"
#include "msg.h"
#include "problems.h"

/* Inventory files are read whole; this is far above any real fleet's. */
#define INVENTORY_MAX_FILE (1024 * 1024 * 1024)

typedef enum
{
	KIND_CSV,
	KIND_JSON,
	KIND_FOREIGN,
	KIND_ALIASES,
	KIND_PRICES,
	KIND_GROUP_ARCHDOMAINS
} inventory_kind;

typedef struct
{
	const char *conninfo;
	const char *at;				/* the time the inventory describes; NULL for now */
	const char *region;
	bool		expire;
	bool		dry_run;
	bool		help;
	fleet_tag_names tags;
	inventory_kind kind;
	char	  **files;
	int			nfiles;
} inventory_options;

/* A configuration file read by csvtable: its columns, and how it is checked and applied. */
typedef struct
{
	const char *kind;
	const csvtable_column *columns;
	int			ncolumns;
	const char *copy_sql;
	const char *check_sql;
} table_format;

static const csvtable_column alias_columns[] = {
	{"pattern", true, CT_TEXT},
	{"replacement", true, CT_TEXT},
	{"priority", false, CT_INT},
};

static const csvtable_column price_columns[] = {
	{"instance_type", true, CT_TEXT},
	{"region", false, CT_TEXT},
	{"lifecycle", false, CT_LIFECYCLE},
	{"price", true, CT_PRICE},
};

static const csvtable_column group_archdomain_columns[] = {
	{"pattern", true, CT_TEXT},
	{"archdomain", true, CT_TEXT},
};

static const table_format table_formats[] = {
	[KIND_ALIASES] = {"aliases", alias_columns, TM_ARRAY_LEN(alias_columns),
		"COPY pg_temp.inventory_aliases (line, pattern, replacement, priority) FROM STDIN",
	"SELECT line, problem FROM trafficmap.inventory_check_aliases()"},
	[KIND_PRICES] = {"prices", price_columns, TM_ARRAY_LEN(price_columns),
		"COPY pg_temp.inventory_prices (line, instance_type, region, lifecycle, price) FROM STDIN",
	"SELECT line, problem FROM trafficmap.inventory_check_prices()"},
	[KIND_GROUP_ARCHDOMAINS] = {"group-archdomains", group_archdomain_columns,
		TM_ARRAY_LEN(group_archdomain_columns),
		"COPY pg_temp.inventory_group_archdomains (line, pattern, archdomain) FROM STDIN",
	"SELECT line, problem FROM trafficmap.inventory_check_group_archdomains()"},
};

static void
usage(FILE *out)
{
	fprintf(out,
			"Usage: trafficmap inventory [OPTIONS] KIND FILE\n"
			"       trafficmap inventory ec2 [OPTIONS]  (see 'trafficmap inventory ec2 --help')\n"
			"\n"
			"Read an inventory file into the trafficmap tables: the fleet and who owns which\n"
			"address when (instances, ip_owners, security groups), names of addresses outside\n"
			"the fleet, archdomain aliases, prices.\n"
			"\n"
			"Kinds:\n"
			"  ec2           the fleet from the EC2 API itself, every region, with prices\n"
			"  csv FILE      a fleet that is not on EC2: a header row, then one host per row;\n"
			"                columns name,address[,archdomain,env,instance_type,hourly_price,az,\n"
			"                region,lifecycle]; several addresses separated by ';'; every other\n"
			"                column is kept as a tag\n"
			"  json FILE...  the output of 'aws ec2 describe-instances' and/or 'aws ec2\n"
			"                describe-security-groups' (--output json); several files are one run\n"
			"  foreign FILE  the foreign-ips file: 'ADDRESS[/PREFIX] NAME' per line, '#' comments;\n"
			"                it replaces the names loaded from the previous one\n"
			"  aliases FILE  archdomain aliases, CSV pattern,replacement[,priority]: a tag whose\n"
			"                sanitized archdomain matches the glob pattern (* one label, ** any\n"
			"                number) becomes replacement; highest priority, then longest pattern\n"
			"                wins; applies from the next csv or json run on\n"
			"  prices FILE   hourly prices, CSV instance_type,region,lifecycle,price; an empty\n"
			"                region or lifecycle means every one\n"
			"  group-archdomains FILE\n"
			"                security group archdomains, CSV pattern,archdomain: the first pattern\n"
			"                (a regular expression, any case) matching a group's name or id wins;\n"
			"                groups no pattern matches get their instances' commonest archdomain\n"
			"A header row is optional in aliases, prices and group-archdomains files.\n"
			"\n"
			"Options:\n"
			"  -d, --dbname=CONNINFO   the database (a conninfo string or URI; else PGHOST, ...)\n"
			"      --at=TIME           the time the inventory describes (default: now); runs\n"
			"                          must be applied in time order\n"
			"      --expire            (csv, json) the file is the whole fleet of its kind:\n"
			"                          addresses of that kind's instances missing from it lose\n"
			"                          their owner (otherwise they keep it until another\n"
			"                          instance is seen with them)\n"
			"      --archdomain-tag=NAME  the tag (or CSV column) holding the archdomain\n"
			"                          (default: archdomain)\n"
			"      --env-tag=NAME      the tag (or CSV column) holding the env (default: env)\n"
			"      --region=REGION     (json) the region of every instance (default: from the\n"
			"                          availability zone)\n"
			"  -n, --dry-run           check and apply, print the summary, then roll back\n"
			"  -h, --help              show this help\n"
			"\n"
			"Time-aware ownership: each address has one owner at any instant (ip_owners). A run\n"
			"that lists an address with another instance than its current owner closes the old\n"
			"owner's time range at --at and opens one for the new owner; an instance listed as\n"
			"terminated holds no address from then on.\n"
			"\n"
			"Bad input: every bad line is reported as FILE:LINE: what is wrong, and nothing is\n"
			"loaded (fix the lines and run again).\n"
			"\n"
			"Prints one summary line (rows added, changed, closed). Exit status: 0 success,\n"
			"2 usage error, bad input or database error (nothing changed).\n");
}

static tm_result
parse_kind(const char *name, inventory_kind *kind)
{
	static const struct
	{
		const char *name;
		inventory_kind kind;
	}			kinds[] = {
		{"csv", KIND_CSV}, {"json", KIND_JSON}, {"foreign", KIND_FOREIGN},
		{"aliases", KIND_ALIASES}, {"prices", KIND_PRICES},
		{"group-archdomains", KIND_GROUP_ARCHDOMAINS},
	};
	size_t		i;

	for (i = 0; i < TM_ARRAY_LEN(kinds); i++)
	{
		if (strcmp(name, kinds[i].name) == 0)
		{
			*kind = kinds[i].kind;
			return TM_OK;
		}
	}
	if (strcmp(name, "ec2") == 0)
		errorf("inventory: write ec2 first, before its options: 'trafficmap inventory ec2 [OPTIONS]'");
	else
		errorf("inventory: no kind of file named '%s'; use csv, json, foreign, aliases, prices or group-archdomains",
			   name);
	return TM_ERR_USAGE;
}

static tm_result
parse_options(int argc, char **argv, inventory_options *o)
{
	enum
	{
		OPT_AT = 256, OPT_EXPIRE, OPT_ARCHDOMAIN_TAG, OPT_ENV_TAG, OPT_REGION
	};
	static const struct option options[] = {
		{"dbname", required_argument, NULL, 'd'},
		{"at", required_argument, NULL, OPT_AT},
		{"expire", no_argument, NULL, OPT_EXPIRE},
		{"archdomain-tag", required_argument, NULL, OPT_ARCHDOMAIN_TAG},
		{"env-tag", required_argument, NULL, OPT_ENV_TAG},
		{"region", required_argument, NULL, OPT_REGION},
		{"dry-run", no_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	tm_result	r;
	int			c;

	memset(o, 0, sizeof(*o));
	o->tags.archdomain = FLEET_ARCHDOMAIN_TAG;
	o->tags.env = FLEET_ENV_TAG;
	for (;;)
	{
		c = getopt_long(argc, argv, "d:nh", options, NULL);
		if (c == -1)
			break;
		switch (c)
		{
			case 'd':
				o->conninfo = optarg;
				break;
			case OPT_AT:
				o->at = optarg;
				break;
			case OPT_EXPIRE:
				o->expire = true;
				break;
			case OPT_ARCHDOMAIN_TAG:
				o->tags.archdomain = optarg;
				break;
			case OPT_ENV_TAG:
				o->tags.env = optarg;
				break;
			case OPT_REGION:
				o->region = optarg;
				break;
			case 'n':
				o->dry_run = true;
				break;
			case 'h':
				o->help = true;
				return TM_OK;
			default:
				errorf("inventory: run 'trafficmap inventory --help' for the options");
				return TM_ERR_USAGE;
		}
	}
	if (optind >= argc)
	{
		errorf("inventory: name the kind of file and the file, e.g. 'trafficmap inventory csv fleet.csv'");
		return TM_ERR_USAGE;
	}
	r = parse_kind(argv[optind], &o->kind);
	if (r != TM_OK)
		return r;
	o->files = argv + optind + 1;
	o->nfiles = argc - optind - 1;
	if (o->nfiles == 0 || (o->nfiles > 1 && o->kind != KIND_JSON))
	{
		errorf("inventory %s: give exactly one file%s", argv[optind],
			   o->kind == KIND_JSON ? " or more" : "");
		return TM_ERR_USAGE;
	}
	if (o->tags.archdomain[0] == '\0' || o->tags.env[0] == '\0')
	{
		errorf("inventory: --archdomain-tag and --env-tag need a tag name");
		return TM_ERR_USAGE;
	}
	if (o->expire && o->kind != KIND_CSV && o->kind != KIND_JSON)
	{
		errorf("inventory %s: --expire is for csv and json runs, which list instances", argv[optind]);
		return TM_ERR_USAGE;
	}
	if (o->region != NULL && o->kind != KIND_JSON)
	{
		errorf("inventory %s: --region is for json runs", argv[optind]);
		return TM_ERR_USAGE;
	}
	return TM_OK;
}

/* Say that a file was refused, after its problems were listed. */
static void
refuse(const tm_problems *p)
{
	problems_end(p);
	errorf("%s: nothing was loaded: %ld problem%s; fix %s and run again", p->file, p->errors,
		   p->errors == 1 ? "" : "s", p->errors == 1 ? "it" : "them");
}

/* The instance ids of a run are unique, also across the files of one json run. */
static int
compare_ids(const void *a, const void *b)
{
	const fleet_instance *x = *(const fleet_instance *const *) a;
	const fleet_instance *y = *(const fleet_instance *const *) b;

	return strcmp(x->instance_id, y->instance_id);
}

static tm_result
check_unique_ids(const fleet *f)
{
	size_t		n = fleet_ninstances(f);
	fleet_instance **v;
	long		errors = 0;
	size_t		i;

	if (n < 2)
		return TM_OK;
	v = malloc(n * sizeof(*v));
	if (v == NULL)
		return TM_ERR_NOMEM;
	memcpy(v, f->instances.data, n * sizeof(*v));
	qsort(v, n, sizeof(*v), compare_ids);
	for (i = 1; i < n; i++)
	{
		tm_problems p;

		if (strcmp(v[i]->instance_id, v[i - 1]->instance_id) != 0)
			continue;
		problems_init(&p, v[i]->file);
		problem(&p, v[i]->line, "instance %s is also listed at %s:%ld", v[i]->instance_id,
				v[i - 1]->file, v[i - 1]->line);
		errors++;
	}
	free(v);
	if (errors > 0)
	{
		errorf("nothing was loaded: an instance is listed twice; give each instance once");
		return TM_ERR_FORMAT;
	}
	return TM_OK;
}

/* Read and check the csv or json files of a run into one fleet. */
static tm_result
read_fleet(const inventory_options *o, fleet *f)
{
	tm_result	r = TM_OK;
	tm_buf		text;
	bool		bad = false;
	int			i;

	/* Every file is read and checked, so one run reports all that is wrong. */
	for (i = 0; i < o->nfiles && r == TM_OK; i++)
	{
		tm_problems p;

		problems_init(&p, o->files[i]);
		r = file_read(o->files[i], INVENTORY_MAX_FILE, &text);
		if (r != TM_OK)
			break;
		if (o->kind == KIND_CSV)
			r = inventory_csv_parse(buf_str(&text), text.len, &o->tags, f, &p);
		else
			r = inventory_json_parse(buf_str(&text), text.len, &o->tags, o->region, f, &p);
		buf_free(&text);
		if (r == TM_ERR_NOMEM)
			errorf("%s: out of memory", o->files[i]);
		else if (r != TM_OK)
			refuse(&p);
		else
			problems_end(&p);
		if (r == TM_ERR_FORMAT)
		{
			bad = true;
			r = TM_OK;
		}
	}
	if (r == TM_OK && bad)
		r = TM_ERR_FORMAT;
	if (r == TM_OK)
		r = check_unique_ids(f);
	if (r == TM_OK && o->expire && !f->has_instances)
	{
		errorf("inventory json: --expire needs the instances (aws ec2 describe-instances), not only security groups");
		r = TM_ERR_USAGE;
	}
	return r;
}

/* An inet[] literal for COPY: {10.0.0.5,10.0.0.6}. */
static void
copy_addresses(tm_copy *c, const tm_buf *ips, tm_buf *scratch)
{
	char		text[NETADDR_TEXT_MAX];
	size_t		i;
	tm_result	r = TM_OK;

	buf_reset(scratch);
	r = buf_addc(scratch, '{');
	for (i = 0; i < fleet_naddresses(ips) && r == TM_OK; i++)
	{
		netaddr_format(fleet_address_at(ips, i), text, sizeof(text));
		if (i > 0)
			r = buf_addc(scratch, ',');
		if (r == TM_OK)
			r = buf_adds(scratch, text);
	}
	if (r == TM_OK)
		r = buf_addc(scratch, '}');
	if (r != TM_OK && c->error == TM_OK)
		c->error = r;
	copy_text(c, buf_str(scratch));
}

static tm_result
stage_instances(PGconn *conn, const fleet *f)
{
	tm_copy		c;
	tm_buf		scratch;
	tm_result	r;
	size_t		i;

	r = copy_begin(&c, conn,
				   "COPY pg_temp.inventory_instances (line, instance_id, name, region, az, vpc_id, "
				   "private_ips, public_ips, archdomain_tag, env, tags, instance_type, lifecycle, "
				   "hourly_price, state, launched) FROM STDIN");
	if (r != TM_OK)
		return r;
	buf_init(&scratch, (size_t) FLEET_MAX_ADDRESSES * NETADDR_TEXT_MAX);
	for (i = 0; i < fleet_ninstances(f) && r == TM_OK; i++)
	{
		const fleet_instance *in = fleet_instance_at(f, i);

		copy_int(&c, in->line);
		copy_text(&c, in->instance_id);
		copy_text(&c, in->name);
		copy_text(&c, in->region);
		copy_text(&c, in->az);
		copy_text(&c, in->vpc_id);
		copy_addresses(&c, &in->private_ips, &scratch);
		copy_addresses(&c, &in->public_ips, &scratch);
		copy_text(&c, in->archdomain_tag);
		copy_text(&c, in->env);
		copy_text(&c, in->tags != NULL ? in->tags : "{}");
		copy_text(&c, in->instance_type);
		copy_text(&c, in->lifecycle != NULL ? in->lifecycle : "unknown");
		copy_text(&c, in->hourly_price);
		copy_text(&c, in->state);
		copy_text(&c, in->launched);
		r = copy_end_row(&c);
	}
	buf_free(&scratch);
	if (r != TM_OK)
	{
		copy_abort(&c, "the run could not be staged");
		return r;
	}
	return copy_end(&c);
}

static tm_result
stage_groups(PGconn *conn, const fleet *f)
{
	tm_copy		c;
	tm_result	r;
	size_t		i;

	r = copy_begin(&c, conn, "COPY pg_temp.inventory_groups (line, group_id, name, vpc_id, description, rules) FROM STDIN");
	if (r != TM_OK)
		return r;
	for (i = 0; i < fleet_ngroups(f) && r == TM_OK; i++)
	{
		const fleet_group *g = fleet_group_at(f, i);

		copy_int(&c, g->line);
		copy_text(&c, g->group_id);
		copy_text(&c, g->name);
		copy_text(&c, g->vpc_id);
		copy_text(&c, g->description);
		copy_text(&c, g->rules != NULL ? g->rules : "[]");
		r = copy_end_row(&c);
	}
	if (r != TM_OK)
	{
		copy_abort(&c, "the run could not be staged");
		return r;
	}
	r = copy_end(&c);
	if (r != TM_OK)
		return r;
	r = copy_begin(&c, conn, "COPY pg_temp.inventory_memberships (instance_id, group_id, group_name) FROM STDIN");
	if (r != TM_OK)
		return r;
	for (i = 0; i < fleet_nmemberships(f) && r == TM_OK; i++)
	{
		const fleet_membership *m = fleet_membership_at(f, i);

		copy_text(&c, m->instance_id);
		copy_text(&c, m->group_id);
		copy_text(&c, m->group_name);
		r = copy_end_row(&c);
	}
	if (r != TM_OK)
	{
		copy_abort(&c, "the run could not be staged");
		return r;
	}
	return copy_end(&c);
}

/* Run an apply statement and print its one-row result as the summary. */
static tm_result
apply(PGconn *conn, const char *sql, int nparams, const char *const *params, PGresult **out)
{
	tm_result	r;

	r = db_exec(conn, sql, nparams, params, out);
	if (r == TM_OK && PQntuples(*out) != 1)
	{
		errorf("inventory: the database returned %d rows where one was expected", PQntuples(*out));
		PQclear(*out);
		*out = NULL;
		r = TM_ERR_INTERNAL;
	}
	return r;
}

static long long
field(const PGresult *res, int col)
{
	return strtoll(PQgetvalue(res, 0, col), NULL, 10);
}

tm_result
inventory_stage_fleet(PGconn *conn, const fleet *f)
{
	tm_result	r;

	r = stage_instances(conn, f);
	if (r == TM_OK)
		r = stage_groups(conn, f);
	return r;
}

tm_result
inventory_apply_fleet(PGconn *conn, const char *source, const char *at, bool expire,
					  size_t ngroups, bool dry_run)
{
	const char *params[3];
	PGresult   *res = NULL;
	tm_result	r;
	long long	seen;

	params[0] = source;
	params[1] = at;
	params[2] = expire ? "true" : "false";
	r = apply(conn,
			  "SELECT instances_added, instances_changed, instances_seen, owners_opened, owners_closed, "
			  "address_conflicts, groups_added, groups_changed, memberships_opened, memberships_closed "
			  "FROM trafficmap.inventory_apply($1, coalesce($2::timestamptz, now()), $3::boolean)",
			  3, params, &res);
	if (r != TM_OK)
		return r;
	seen = field(res, 2);
	printf("inventory %s: %lld instances (%lld added, %lld changed, %lld unchanged), "
		   "address owners: %lld opened, %lld closed, %lld conflicts; "
		   "%zu security groups (%lld added, %lld changed), memberships: %lld opened, %lld closed%s\n",
		   source, seen, field(res, 0), field(res, 1), seen - field(res, 0) - field(res, 1),
		   field(res, 3), field(res, 4), field(res, 5), ngroups, field(res, 6), field(res, 7),
		   field(res, 8), field(res, 9), dry_run ? " (dry run: rolled back)" : "");
	PQclear(res);
	return TM_OK;
}

static tm_result
apply_fleet(PGconn *conn, const inventory_options *o, const fleet *f)
{
	tm_result	r;

	r = inventory_stage_fleet(conn, f);
	if (r != TM_OK)
		return r;
	return inventory_apply_fleet(conn, o->kind == KIND_CSV ? "csv" : "json", o->at, o->expire,
								 fleet_ngroups(f), o->dry_run);
}

static tm_result
apply_foreign(PGconn *conn, const inventory_options *o, const foreign_list *l)
{
	const char *params[1] = {o->at};
	char		text[NETADDR_TEXT_MAX];
	PGresult   *res = NULL;
	tm_copy		c;
	tm_result	r;
	size_t		i;

	r = copy_begin(&c, conn, "COPY pg_temp.inventory_foreign (line, address, name) FROM STDIN");
	if (r != TM_OK)
		return r;
	for (i = 0; i < foreign_list_count(l) && r == TM_OK; i++)
	{
		const foreign_entry *e = foreign_list_at(l, i);

		netaddr_format(&e->net, text, sizeof(text));
		copy_int(&c, e->line);
		copy_text(&c, text);
		copy_text(&c, e->name);
		r = copy_end_row(&c);
	}
	if (r != TM_OK)
	{
		copy_abort(&c, "the file could not be staged");
		return r;
	}
	r = copy_end(&c);
	if (r == TM_OK)
		r = apply(conn, "SELECT added, changed, removed FROM "
				  "trafficmap.inventory_apply_foreign(coalesce($1::timestamptz, now()))", 1, params, &res);
	if (r != TM_OK)
		return r;
	printf("inventory foreign: %zu names (%lld added, %lld changed, %lld unchanged), %lld removed%s\n",
		   foreign_list_count(l), field(res, 0), field(res, 1),
		   (long long) foreign_list_count(l) - field(res, 0) - field(res, 1), field(res, 2),
		   o->dry_run ? " (dry run: rolled back)" : "");
	PQclear(res);
	return TM_OK;
}

/* The database's checks of a staged file (patterns, archdomains, repeats), as FILE:LINE. */
static tm_result
check_table(PGconn *conn, const table_format *fmt, tm_problems *p)
{
	PGresult   *res = NULL;
	tm_result	r;
	int			i;

	r = db_exec(conn, fmt->check_sql, 0, NULL, &res);
	if (r != TM_OK)
		return r;
	for (i = 0; i < PQntuples(res); i++)
		problem(p, strtol(PQgetvalue(res, i, 0), NULL, 10), "%s", PQgetvalue(res, i, 1));
	PQclear(res);
	if (p->errors > 0)
	{
		refuse(p);
		return TM_ERR_FORMAT;
	}
	return TM_OK;
}

static tm_result
apply_table(PGconn *conn, const inventory_options *o, const csvtable *t, tm_problems *p)
{
	const table_format *fmt = &table_formats[o->kind];
	const char *params[1] = {o->at};
	const char *dry = o->dry_run ? " (dry run: rolled back)" : "";
	PGresult   *res = NULL;
	tm_copy		c;
	tm_result	r;
	size_t		i;
	long long	n = (long long) csvtable_nrows(t);
	int			k;

	r = copy_begin(&c, conn, fmt->copy_sql);
	if (r != TM_OK)
		return r;
	for (i = 0; i < csvtable_nrows(t) && r == TM_OK; i++)
	{
		const csvtable_row *row = csvtable_row_at(t, i);

		copy_int(&c, row->line);
		for (k = 0; k < t->ncolumns; k++)
			copy_text(&c, row->value[k]);
		r = copy_end_row(&c);
	}
	if (r != TM_OK)
	{
		copy_abort(&c, "the file could not be staged");
		return r;
	}
	r = copy_end(&c);
	if (r == TM_OK)
		r = check_table(conn, fmt, p);
	if (r != TM_OK)
		return r;
	switch (o->kind)
	{
		case KIND_ALIASES:
			r = apply(conn, "SELECT added, changed, removed FROM trafficmap.inventory_apply_aliases()",
					  0, NULL, &res);
			if (r == TM_OK)
				printf("inventory aliases: %lld aliases (%lld added, %lld changed, %lld unchanged), %lld removed%s\n",
					   n, field(res, 0), field(res, 1), n - field(res, 0) - field(res, 1), field(res, 2), dry);
			break;
		case KIND_PRICES:
			r = apply(conn, "SELECT added, changed FROM "
					  "trafficmap.inventory_apply_prices(coalesce($1::timestamptz, now()))", 1, params, &res);
			if (r == TM_OK)
				printf("inventory prices: %lld prices (%lld added, %lld changed, %lld unchanged)%s\n",
					   n, field(res, 0), field(res, 1), n - field(res, 0) - field(res, 1), dry);
			break;
		case KIND_GROUP_ARCHDOMAINS:
			r = apply(conn, "SELECT added, changed, removed, groups_changed FROM "
					  "trafficmap.inventory_apply_group_archdomains()", 0, NULL, &res);
			if (r == TM_OK)
				printf("inventory group-archdomains: %lld rules (%lld added, %lld changed, %lld unchanged), "
					   "%lld removed; %lld security groups changed archdomain%s\n",
					   n, field(res, 0), field(res, 1), n - field(res, 0) - field(res, 1), field(res, 2),
					   field(res, 3), dry);
			break;
		default:
			r = TM_ERR_INTERNAL;
			break;
	}
	PQclear(res);
	return r;
}

/* Parse a file of any kind, then stage and apply it in one transaction. */
static tm_result
run(const inventory_options *o)
{
	const table_format *fmt = o->kind >= KIND_ALIASES ? &table_formats[o->kind] : NULL;
	PGconn	   *conn = NULL;
	fleet		f;
	foreign_list foreign;
	csvtable	table;
	tm_buf		text;
	tm_problems p;
	tm_result	r = TM_OK;

	fleet_init(&f);
	foreign_list_init(&foreign);
	csvtable_init(&table, fmt != NULL ? fmt->columns : NULL, fmt != NULL ? fmt->ncolumns : 0);
	buf_init(&text, 0);
	problems_init(&p, o->files[0]);
	if (o->kind == KIND_CSV || o->kind == KIND_JSON)
		r = read_fleet(o, &f);
	else
	{
		r = file_read(o->files[0], INVENTORY_MAX_FILE, &text);
		if (r == TM_OK && o->kind == KIND_FOREIGN)
			r = inventory_foreign_parse(buf_str(&text), text.len, &foreign, &p);
		else if (r == TM_OK)
		{
			r = csvtable_parse(&table, buf_str(&text), text.len, &p);
			/* Go on to the database's checks of the good rows, to report everything at once. */
			if (r == TM_ERR_FORMAT)
				r = TM_OK;
		}
		if (r == TM_ERR_FORMAT)
			refuse(&p);
		else if (r == TM_ERR_NOMEM)
			errorf("%s: out of memory", o->files[0]);
	}
	if (r != TM_OK)
		goto out;
	r = db_connect(o->conninfo, &conn);
	if (r == TM_OK)
		r = db_check_time(conn, "--at", o->at);
	if (r == TM_OK)
		r = db_begin(conn);
	if (r == TM_OK)
		r = db_exec(conn, "SELECT trafficmap.inventory_stage()", 0, NULL, NULL);
	if (r != TM_OK)
		goto out;
	if (o->kind == KIND_CSV || o->kind == KIND_JSON)
		r = apply_fleet(conn, o, &f);
	else if (o->kind == KIND_FOREIGN)
		r = apply_foreign(conn, o, &foreign);
	else
		r = apply_table(conn, o, &table, &p);
	if (r != TM_OK)
		goto out;
	if (o->dry_run)
		db_rollback(conn);
	else
		r = db_commit(conn);
out:
	if (conn != NULL)
		db_rollback(conn);
	db_close(conn);
	buf_free(&text);
	csvtable_free(&table);
	foreign_list_free(&foreign);
	fleet_free(&f);
	return r;
}

tm_result
cmd_inventory(int argc, char **argv)
{
	inventory_options o;
	tm_result	r;

	/* The EC2 API is a source with options of its own (inventory_ec2.c). */
	if (argc >= 2 && strcmp(argv[1], "ec2") == 0)
		return inventory_ec2(argc - 1, argv + 1);
	r = parse_options(argc, argv, &o);
	if (r != TM_OK)
		return r;
	if (o.help)
	{
		usage(stdout);
		return TM_OK;
	}
	return run(&o);
}
