/*
 * inventory_ec2.c - `trafficmap inventory ec2`: list every instance and security group of
 * each region through the EC2 Query API (every page), the spot prices of the last hour for
 * the instance types in use, their on-demand prices from the Price List API, and apply it all
 * as one inventory run (inventory.h) in one transaction.
 *
 * A region whose listing did not complete contributes nothing, the others still load, and
 * the exit status is 1. Credentials AWS refuses stop everything at once: every region would
 * refuse them alike.
 */
#include "inventory_ec2.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws_credentials.h"
#include "aws_request.h"
#include "copy.h"
#include "db.h"
#include "ec2_xml.h"
#include "fleet.h"
#include "inventory.h"
#include "msg.h"
#include "pricing.h"
#include "progress.h"

#define EC2_VERSION "2016-11-15"
#define EC2_MAX_RESULTS "1000"
#define EC2_MAX_PAGES 100000	/* a loop that never ends is a bug of the far side */
#define EC2_MAX_REGIONS 64
#define EC2_SPOT_PRODUCT "Linux/UNIX"
#define EC2_SPOT_WINDOW 3600	/* seconds of spot price history: the last hour */
#define EC2_URL_MAX 400
#define EC2_FORM_MAX (1024 * 1024)

typedef struct
{
	const char *conninfo;
	const char *profile;
	const char *endpoint;		/* --endpoint-url, for EC2 and Pricing alike */
	const char *regions[EC2_MAX_REGIONS];
	int			nregions;
	bool		all_regions;
	bool		no_prices;
	bool		expire;
	bool		dry_run;
	bool		help;
	fleet_tag_names tags;
} ec2_options;

/* One region's listing, kept only when it completed. */
typedef struct
{
	char	   *name;
	char		endpoint[EC2_URL_MAX + 64];
	fleet		f;
	tm_buf		spot;			/* ec2_spot_price[] */
	tm_buf		labels;			/* char *[]: the page labels the fleet's items point to */
	bool		listed;			/* every page of instances and groups was read */
	long		pages;
} ec2_region;

/* An on-demand price found for a type in a region. */
typedef struct
{
	const char *instance_type;	/* points into a fleet */
	const char *region;
	char	   *price;
} ec2_price;

/* Everything one run holds. */
typedef struct
{
	const ec2_options *o;
	aws_client	client;
	aws_credentials creds;
	ec2_region *regions;
	size_t		nregions;
	tm_buf		on_demand;		/* ec2_price[] */
	tm_progress progress;
	long		instances;		/* listed so far, for the progress line */
	bool		partial;		/* something was left out: exit status 1 */
	bool		fatal;			/* the credentials were refused: stop */
} ec2_run;

static void
usage(FILE *out)
{
	fprintf(out,
			"Usage: trafficmap inventory ec2 [OPTIONS]\n"
			"\n"
			"List the fleet from the EC2 API: every instance (all pages of DescribeInstances) and\n"
			"security group of each region, the spot prices of the last hour and the on-demand\n"
			"prices (AWS Price List API) of the instance types in use; then apply it as one\n"
			"inventory run (source ec2) in one transaction, like 'trafficmap inventory json'.\n"
			"\n"
			"Options:\n"
			"  -d, --dbname=CONNINFO   the database (a conninfo string or URI; else PGHOST, ...)\n"
			"      --region=REGION     a region to list; repeat for more (default: the configured\n"
			"                          region, see below)\n"
			"      --all-regions       every region enabled for the account (DescribeRegions)\n"
			"      --profile=NAME      the AWS CLI profile to use (default: AWS_PROFILE, else\n"
			"                          'default')\n"
			"      --endpoint-url=URL  send the EC2 and Pricing requests to URL instead of AWS, as\n"
			"                          the AWS CLI's option does (EC2-compatible clouds, tests)\n"
			"      --no-prices         skip the Price List API (on-demand prices then come from\n"
			"                          'trafficmap inventory prices FILE.csv')\n"
			"      --expire            the run is the whole EC2 fleet (use it with --all-regions,\n"
			"                          or with every region you have): addresses of ec2 instances\n"
			"                          missing from it lose their owner; skipped when a region\n"
			"                          did not complete\n"
			"      --archdomain-tag=NAME  the tag holding the archdomain (default: archdomain)\n"
			"      --env-tag=NAME      the tag holding the env (default: env)\n"
			"  -n, --dry-run           list and apply, print the summary, then roll back\n"
			"  -h, --help              show this help\n"
			"\n"
			"Credentials, the first found wins, in the AWS CLI's order:\n"
			"  1. AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (not used when\n"
			"     --profile is given);\n"
			"  2. the profile in the shared credentials file (AWS_SHARED_CREDENTIALS_FILE, else\n"
			"     ~/.aws/credentials), section [NAME];\n"
			"  3. the profile in the config file (AWS_CONFIG_FILE, else ~/.aws/config), section\n"
			"     [profile NAME] or [default];\n"
			"  4. the instance's IAM role through the instance metadata service, IMDSv2 (unless\n"
			"     AWS_EC2_METADATA_DISABLED=true; AWS_EC2_METADATA_SERVICE_ENDPOINT moves it).\n"
			"  Profiles that assume a role, use SSO or a credential process are not followed: run\n"
			"  eval \"$(aws configure export-credentials --profile NAME --format env)\" first.\n"
			"  Secrets are never printed; access key ids are shown masked (AKIA****MPLE).\n"
			"Region: --region, else AWS_REGION, else AWS_DEFAULT_REGION, else the profile's region,\n"
			"  else the instance's own (IMDSv2). --all-regions asks that region for the list.\n"
			"\n"
			"IAM permissions needed:\n"
			"  ec2:DescribeRegions          (--all-regions)\n"
			"  ec2:DescribeInstances\n"
			"  ec2:DescribeSecurityGroups\n"
			"  ec2:DescribeSpotPriceHistory\n"
			"  pricing:GetProducts          (unless --no-prices)\n"
			"\n"
			"Throttling (RequestLimitExceeded, HTTP 503) and transient failures are retried with\n"
			"exponential backoff and jitter, up to AWS_MAX_ATTEMPTS (or the profile's\n"
			"max_attempts) attempts, default %d. A region whose listing did not complete loads\n"
			"nothing; the others still load. Prices: a spot instance costs the latest spot price\n"
			"of its availability zone; the prices table gets each type's on-demand price and its\n"
			"spot price (the mean over the zones' latest) per region.\n"
			"\n"
			"Exit status: 0 success, 1 some regions or prices were left out (the rest loaded),\n"
			"2 usage error, refused credentials, or nothing could be listed.\n",
			AWS_DEFAULT_MAX_ATTEMPTS);
}

/* A region name as AWS spells them; anything else would end up in a host name. */
static bool
region_valid(const char *s)
{
	size_t		n = strlen(s);

	return n > 0 && n < 64 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

static tm_result
parse_options(int argc, char **argv, ec2_options *o)
{
	enum
	{
		OPT_REGION = 256, OPT_ALL_REGIONS, OPT_PROFILE, OPT_ENDPOINT, OPT_NO_PRICES, OPT_EXPIRE,
		OPT_ARCHDOMAIN_TAG, OPT_ENV_TAG
	};
	static const struct option options[] = {
		{"dbname", required_argument, NULL, 'd'},
		{"region", required_argument, NULL, OPT_REGION},
		{"all-regions", no_argument, NULL, OPT_ALL_REGIONS},
		{"profile", required_argument, NULL, OPT_PROFILE},
		{"endpoint-url", required_argument, NULL, OPT_ENDPOINT},
		{"no-prices", no_argument, NULL, OPT_NO_PRICES},
		{"expire", no_argument, NULL, OPT_EXPIRE},
		{"archdomain-tag", required_argument, NULL, OPT_ARCHDOMAIN_TAG},
		{"env-tag", required_argument, NULL, OPT_ENV_TAG},
		{"dry-run", no_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
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
			case OPT_REGION:
				if (!region_valid(optarg))
				{
					errorf("option --region: '%s' is not a region name like us-east-1", optarg);
					return TM_ERR_USAGE;
				}
				if (o->nregions == EC2_MAX_REGIONS)
				{
					errorf("option --region: at most %d regions; use --all-regions", EC2_MAX_REGIONS);
					return TM_ERR_USAGE;
				}
				o->regions[o->nregions++] = optarg;
				break;
			case OPT_ALL_REGIONS:
				o->all_regions = true;
				break;
			case OPT_PROFILE:
				o->profile = optarg;
				break;
			case OPT_ENDPOINT:
				o->endpoint = optarg;
				break;
			case OPT_NO_PRICES:
				o->no_prices = true;
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
			case 'n':
				o->dry_run = true;
				break;
			case 'h':
				o->help = true;
				return TM_OK;
			default:
				errorf("inventory ec2: run 'trafficmap inventory ec2 --help' for the options");
				return TM_ERR_USAGE;
		}
	}
	if (optind < argc)
	{
		errorf("inventory ec2: unexpected argument '%s'; the EC2 API is the input", argv[optind]);
		return TM_ERR_USAGE;
	}
	if (o->all_regions && o->nregions > 0)
	{
		errorf("inventory ec2: give --region or --all-regions, not both");
		return TM_ERR_USAGE;
	}
	if (o->endpoint != NULL && ((strncmp(o->endpoint, "https://", 8) != 0 &&
								 strncmp(o->endpoint, "http://", 7) != 0) ||
								strlen(o->endpoint) > EC2_URL_MAX))
	{
		errorf("option --endpoint-url: '%.100s' is not an http:// or https:// URL (of at most %d characters)",
			   o->endpoint, EC2_URL_MAX);
		return TM_ERR_USAGE;
	}
	if (o->tags.archdomain[0] == '\0' || o->tags.env[0] == '\0')
	{
		errorf("inventory ec2: --archdomain-tag and --env-tag need a tag name");
		return TM_ERR_USAGE;
	}
	return TM_OK;
}

/* Where EC2 answers for a region: --endpoint-url, else its regional endpoint. */
static void
region_endpoint(const ec2_options *o, const char *region, char *out, size_t size)
{
	if (o->endpoint != NULL)
		snprintf(out, size, "%s", o->endpoint);
	else
		snprintf(out, size, "https://ec2.%s.amazonaws.com%s", region,
				 strncmp(region, "cn-", 3) == 0 ? ".cn" : "");
}

/* Start a Query API form body: Action and Version, then name=value pairs with form_param. */
static tm_result
form_begin(tm_buf *b, const char *action)
{
	buf_reset(b);
	return buf_addf(b, "Action=%s&Version=%s", action, EC2_VERSION);
}

static tm_result
form_param(tm_buf *b, const char *name, const char *value)
{
	tm_result	r;

	r = buf_addf(b, "&%s=", name);
	if (r == TM_OK)
		r = aws_form_escape(b, value);
	return r;
}

/* The failure decides what comes next: refused credentials stop the whole run. */
static void
note_failure(ec2_run *run, aws_failure failure)
{
	if (failure == AWS_FAIL_CREDENTIALS || failure == AWS_FAIL_EXPIRED)
		run->fatal = true;
}

/* A label for one page's problems and items, kept by the region for the fleet's sake. */
static const char *
page_label(ec2_region *rg, const char *action, long page)
{
	char		text[160];
	char	   *label;

	snprintf(text, sizeof(text), "%s %s page %ld", rg->name, action, page);
	label = strdup(text);
	if (label == NULL || buf_add(&rg->labels, &label, sizeof(label)) != TM_OK)
	{
		free(label);
		return NULL;
	}
	return label;
}

typedef enum
{
	PAGES_INSTANCES,
	PAGES_GROUPS,
	PAGES_SPOT
} page_kind;

/* Every page of one Describe call in a region, read into the region as they come. */
static tm_result
list_pages(ec2_run *run, ec2_region *rg, page_kind kind, const char *extra)
{
	static const char *const actions[] = {"DescribeInstances", "DescribeSecurityGroups",
	"DescribeSpotPriceHistory"};
	const char *action = actions[kind];
	char		what[256];
	char		permission[64];
	char	   *token = NULL;
	char	   *next = NULL;
	tm_buf		form;
	tm_buf		answer;
	tm_problems p;
	ec2_page	pg;
	aws_failure failure;
	aws_call	call = {rg->endpoint, "ec2", rg->name, AWS_PROTOCOL_QUERY, NULL, permission, what};
	long		page;
	tm_result	r = TM_OK;

	snprintf(permission, sizeof(permission), "ec2:%s", action);
	buf_init(&form, EC2_FORM_MAX);
	buf_init(&answer, AWS_ANSWER_MAX);
	for (page = 1; page <= EC2_MAX_PAGES; page++)
	{
		snprintf(what, sizeof(what), "%s %s page %ld", rg->name, action, page);
		pg.region = rg->name;
		pg.tags = &run->o->tags;
		pg.label = page_label(rg, action, page);
		pg.problems = &p;
		r = pg.label == NULL ? TM_ERR_NOMEM : form_begin(&form, action);
		if (r == TM_OK)
			r = form_param(&form, "MaxResults", EC2_MAX_RESULTS);
		if (r == TM_OK && extra != NULL)
			r = buf_adds(&form, extra);
		if (r == TM_OK && token != NULL)
			r = form_param(&form, "NextToken", token);
		if (r != TM_OK)
			break;
		progress_show(&run->progress, "%s: %s page %ld, %ld instances so far", rg->name, action,
					  page, run->instances);
		r = aws_request(&run->client, &call, form.data, form.len, &answer, &failure);
		if (r != TM_OK)
		{
			note_failure(run, failure);
			break;
		}
		problems_init(&p, pg.label);
		if (kind == PAGES_INSTANCES)
		{
			size_t		before = fleet_ninstances(&rg->f);

			r = ec2_xml_instances(buf_str(&answer), answer.len, &pg, &rg->f, &next);
			run->instances += (long) (fleet_ninstances(&rg->f) - before);
		}
		else if (kind == PAGES_GROUPS)
			r = ec2_xml_groups(buf_str(&answer), answer.len, &pg, &rg->f, &next);
		else
			r = ec2_xml_spot_prices(buf_str(&answer), answer.len, &pg, &rg->spot, &next);
		problems_end(&p);
		rg->pages++;
		free(token);
		token = next;
		next = NULL;
		if (r != TM_OK || token == NULL)
			break;
	}
	if (r == TM_OK && token != NULL)
	{
		errorf("%s: still more pages after %d; the endpoint keeps sending a nextToken", what, EC2_MAX_PAGES);
		r = TM_ERR_REMOTE;
	}
	free(token);
	buf_free(&form);
	buf_free(&answer);
	return r;
}

/* The instance types the region's live instances use, as InstanceType.N form parameters. */
static tm_result
types_in_use(const ec2_region *rg, tm_buf *form, size_t *count)
{
	size_t		i;
	size_t		j;
	tm_result	r = TM_OK;

	*count = 0;
	buf_reset(form);
	for (i = 0; i < fleet_ninstances(&rg->f) && r == TM_OK; i++)
	{
		const fleet_instance *in = fleet_instance_at(&rg->f, i);
		bool		seen = false;
		char		name[32];

		if (in->instance_type == NULL || (in->state != NULL && strcmp(in->state, "terminated") == 0))
			continue;
		for (j = 0; j < i && !seen; j++)
		{
			const fleet_instance *other = fleet_instance_at(&rg->f, j);

			seen = other->instance_type != NULL && strcmp(other->instance_type, in->instance_type) == 0 &&
				(other->state == NULL || strcmp(other->state, "terminated") != 0);
		}
		if (seen)
			continue;
		(*count)++;
		snprintf(name, sizeof(name), "InstanceType.%zu", *count);
		r = form_param(form, name, in->instance_type);
	}
	return r;
}

/* Spot prices of the last hour for the types in use; missing ones only cost precision. */
static void
list_spot_prices(ec2_run *run, ec2_region *rg)
{
	tm_buf		extra;
	char		since[32];
	time_t		start = time(NULL) - EC2_SPOT_WINDOW;
	struct tm	t;
	size_t		ntypes;
	tm_result	r;

	buf_init(&extra, EC2_FORM_MAX);
	r = types_in_use(rg, &extra, &ntypes);
	if (r == TM_OK && ntypes == 0)
		goto out;
	gmtime_r(&start, &t);
	strftime(since, sizeof(since), "%Y-%m-%dT%H:%M:%SZ", &t);
	if (r == TM_OK)
		r = form_param(&extra, "StartTime", since);
	if (r == TM_OK)
		r = form_param(&extra, "ProductDescription.1", EC2_SPOT_PRODUCT);
	if (r == TM_OK)
		r = list_pages(run, rg, PAGES_SPOT, buf_str(&extra));
	if (r != TM_OK)
	{
		warnf("%s: spot prices are left out; spot instances get the price of the prices table", rg->name);
		ec2_spot_free(&rg->spot);
		buf_init(&rg->spot, AWS_ANSWER_MAX);
		run->partial = true;
	}
out:
	buf_free(&extra);
}

/* One region: instances and groups (all or nothing), then spot prices. */
static void
list_region(ec2_run *run, ec2_region *rg)
{
	tm_result	r;

	r = list_pages(run, rg, PAGES_INSTANCES, NULL);
	if (r == TM_OK && !run->fatal)
		r = list_pages(run, rg, PAGES_GROUPS, NULL);
	if (r != TM_OK)
	{
		progress_done(&run->progress);
		errorf("%s: the listing did not complete; nothing from %s is loaded", rg->name, rg->name);
		run->partial = true;
		return;
	}
	rg->listed = true;
	if (!run->fatal)
		list_spot_prices(run, rg);
}

/* The regions to list: --region, or all of DescribeRegions, or the configured one. */
static tm_result
choose_regions(ec2_run *run, tm_buf *names)
{
	const ec2_options *o = run->o;
	char	   *home = NULL;
	char		endpoint[EC2_URL_MAX + 64];
	char		what[128];
	tm_buf		form;
	tm_buf		answer;
	tm_problems p;
	aws_failure failure;
	ec2_page	pg;
	aws_call	call = {endpoint, "ec2", NULL, AWS_PROTOCOL_QUERY, NULL, "ec2:DescribeRegions", what};
	int			i;
	tm_result	r;

	for (i = 0; i < o->nregions; i++)
	{
		char	   *copy = strdup(o->regions[i]);

		if (copy == NULL || buf_add(names, &copy, sizeof(copy)) != TM_OK)
		{
			free(copy);
			return TM_ERR_NOMEM;
		}
	}
	if (o->nregions > 0)
		return TM_OK;
	r = aws_region_find(o->profile, &home);
	if (r != TM_OK)
		return r;
	if (home != NULL && !region_valid(home))
	{
		errorf("the configured region '%s' is not a region name like us-east-1", home);
		free(home);
		return TM_ERR_USAGE;
	}
	if (!o->all_regions)
	{
		if (home == NULL)
		{
			errorf("inventory ec2: no region: give --region REGION or --all-regions, or set "
				   "AWS_DEFAULT_REGION or the profile's region");
			return TM_ERR_USAGE;
		}
		return buf_add(names, &home, sizeof(home));
	}
	call.region = home != NULL ? home : "us-east-1";
	snprintf(what, sizeof(what), "%s DescribeRegions", call.region);
	region_endpoint(o, call.region, endpoint, sizeof(endpoint));
	buf_init(&form, 1024);
	buf_init(&answer, AWS_ANSWER_MAX);
	r = form_begin(&form, "DescribeRegions");
	if (r == TM_OK)
		r = aws_request(&run->client, &call, form.data, form.len, &answer, &failure);
	if (r != TM_OK)
		note_failure(run, failure);
	if (r == TM_OK)
	{
		problems_init(&p, what);
		pg.region = call.region;
		pg.tags = &o->tags;
		pg.label = what;
		pg.problems = &p;
		r = ec2_xml_regions(buf_str(&answer), answer.len, &pg, names);
		problems_end(&p);
	}
	buf_free(&form);
	buf_free(&answer);
	free(home);
	if (r == TM_OK && names->len == 0)
	{
		errorf("%s: the account has no regions enabled", what);
		r = TM_ERR_REMOTE;
	}
	return r;
}

/* The same instance in two regions' listings would break the run: keep it in the first. */
static void
drop_repeated_instances(ec2_run *run)
{
	size_t		a;
	size_t		b;
	size_t		i;
	size_t		j;

	for (a = 0; a < run->nregions; a++)
	{
		for (b = 0; b <= a && run->regions[a].listed; b++)
		{
			const fleet *fa = &run->regions[a].f;
			const fleet *fb = &run->regions[b].f;

			if (!run->regions[b].listed)
				continue;
			for (i = 0; i < fleet_ninstances(fa) && run->regions[a].listed; i++)
			{
				const fleet_instance *x = fleet_instance_at(fa, i);
				size_t		end = a == b ? i : fleet_ninstances(fb);

				for (j = 0; j < end; j++)
				{
					const fleet_instance *y = fleet_instance_at(fb, j);

					if (x->instance_id == NULL || y->instance_id == NULL ||
						strcmp(x->instance_id, y->instance_id) != 0)
						continue;
					errorf("%s: instance %s is also listed in %s; nothing from %s is loaded",
						   x->file, x->instance_id, y->file, run->regions[a].name);
					run->regions[a].listed = false;
					run->partial = true;
					break;
				}
			}
		}
	}
}

/* The latest price of each zone for a type, and their mean over the region's zones. */
static const char *
latest_spot(const ec2_region *rg, const char *type, const char *az, double *mean)
{
	const ec2_spot_price *best = NULL;
	double		sum = 0;
	int			zones = 0;
	size_t		i;
	size_t		j;

	for (i = 0; i < ec2_spot_count(&rg->spot); i++)
	{
		const ec2_spot_price *s = ec2_spot_at(&rg->spot, i);
		bool		latest = true;

		if (strcmp(s->instance_type, type) != 0 || s->product == NULL ||
			strcmp(s->product, EC2_SPOT_PRODUCT) != 0)
			continue;
		for (j = 0; j < ec2_spot_count(&rg->spot) && latest; j++)
		{
			const ec2_spot_price *t = ec2_spot_at(&rg->spot, j);

			/* ISO 8601 times of one format sort as text; ties go to the first listed. */
			latest = !(j != i && strcmp(t->instance_type, type) == 0 && strcmp(t->az, s->az) == 0 &&
					   t->product != NULL && strcmp(t->product, EC2_SPOT_PRODUCT) == 0 &&
					   (strcmp(t->timestamp, s->timestamp) > 0 ||
						(strcmp(t->timestamp, s->timestamp) == 0 && j < i)));
		}
		if (!latest)
			continue;
		sum += strtod(s->price, NULL);
		zones++;
		if (az != NULL && strcmp(s->az, az) == 0)
			best = s;
	}
	*mean = zones > 0 ? sum / zones : -1;
	return best != NULL ? best->price : NULL;
}

/* A spot instance costs its zone's latest spot price; others get theirs from prices. */
static void
price_spot_instances(ec2_region *rg)
{
	double		mean;
	size_t		i;

	for (i = 0; i < fleet_ninstances(&rg->f); i++)
	{
		fleet_instance *in = fleet_instance_at(&rg->f, i);
		const char *price;

		if (in->lifecycle == NULL || strcmp(in->lifecycle, "spot") != 0 || in->instance_type == NULL)
			continue;
		price = latest_spot(rg, in->instance_type, in->az, &mean);
		if (price != NULL)
			in->hourly_price = fleet_strdup(&rg->f, price);
	}
}

static bool
priced(const tm_buf *prices, const char *type, const char *region)
{
	size_t		i;

	for (i = 0; i < prices->len / sizeof(ec2_price); i++)
	{
		const ec2_price *p = (const ec2_price *) (const void *) prices->data + i;

		if (strcmp(p->instance_type, type) == 0 && strcmp(p->region, region) == 0)
			return true;
	}
	return false;
}

/* On-demand prices for each type in use in each listed region, from the Price List API. */
static tm_result
list_on_demand_prices(ec2_run *run)
{
	const char *endpoint = run->o->endpoint != NULL ? run->o->endpoint : PRICING_ENDPOINT;
	aws_failure failure;
	size_t		k;
	size_t		i;
	tm_result	r = TM_OK;

	for (k = 0; k < run->nregions && !run->fatal; k++)
	{
		const ec2_region *rg = &run->regions[k];

		for (i = 0; rg->listed && i < fleet_ninstances(&rg->f) && !run->fatal; i++)
		{
			const fleet_instance *in = fleet_instance_at(&rg->f, i);
			ec2_price	p = {in->instance_type, rg->name, NULL};

			if (in->instance_type == NULL || (in->state != NULL && strcmp(in->state, "terminated") == 0) ||
				priced(&run->on_demand, in->instance_type, rg->name))
				continue;
			progress_show(&run->progress, "on-demand price of %s in %s", in->instance_type, rg->name);
			r = pricing_on_demand(&run->client, endpoint, in->instance_type, rg->name, &p.price, &failure);
			if (r == TM_ERR_NOMEM)
				return r;
			if (r != TM_OK)
			{
				note_failure(run, failure);
				run->partial = true;
				warnf("the on-demand price of %s in %s is left out", in->instance_type, rg->name);
				/* A permission missing for one is missing for all: ask no more. */
				if (failure == AWS_FAIL_DENIED)
					return TM_OK;
			}
			else if (p.price == NULL)
				verbosef("pricing: AWS lists no on-demand Linux price for %s in %s", in->instance_type, rg->name);
			if (buf_add(&run->on_demand, &p, sizeof(p)) != TM_OK)
			{
				free(p.price);
				return TM_ERR_NOMEM;
			}
		}
	}
	return TM_OK;
}

/* Stage the API's prices and record them (trafficmap.inventory_apply_prices) before the run. */
static tm_result
apply_prices(ec2_run *run, PGconn *conn)
{
	PGresult   *res = NULL;
	tm_copy		c;
	char		mean_text[32];
	double		mean;
	long		line = 0;
	long		spot = 0;
	size_t		k;
	size_t		i;
	tm_result	r;

	r = copy_begin(&c, conn, "COPY pg_temp.inventory_prices (line, instance_type, region, lifecycle, price) FROM STDIN");
	if (r != TM_OK)
		return r;
	for (i = 0; i < run->on_demand.len / sizeof(ec2_price) && r == TM_OK; i++)
	{
		const ec2_price *p = (const ec2_price *) (const void *) run->on_demand.data + i;

		if (p->price == NULL)
			continue;
		copy_int(&c, ++line);
		copy_text(&c, p->instance_type);
		copy_text(&c, p->region);
		copy_text(&c, "on-demand");
		copy_text(&c, p->price);
		r = copy_end_row(&c);
	}
	for (k = 0; k < run->nregions && r == TM_OK; k++)
	{
		const ec2_region *rg = &run->regions[k];

		for (i = 0; rg->listed && i < ec2_spot_count(&rg->spot) && r == TM_OK; i++)
		{
			const ec2_spot_price *s = ec2_spot_at(&rg->spot, i);
			size_t		j;
			bool		seen = false;

			for (j = 0; j < i && !seen; j++)
				seen = strcmp(ec2_spot_at(&rg->spot, j)->instance_type, s->instance_type) == 0;
			latest_spot(rg, s->instance_type, NULL, &mean);
			if (seen || mean < 0)
				continue;
			snprintf(mean_text, sizeof(mean_text), "%.6f", mean);
			copy_int(&c, ++line);
			copy_text(&c, s->instance_type);
			copy_text(&c, rg->name);
			copy_text(&c, "spot");
			copy_text(&c, mean_text);
			r = copy_end_row(&c);
			spot++;
		}
	}
	if (r != TM_OK)
	{
		copy_abort(&c, "the prices could not be staged");
		return r;
	}
	r = copy_end(&c);
	if (r == TM_OK)
		r = db_exec(conn, "SELECT added, changed FROM trafficmap.inventory_apply_prices(now())", 0, NULL, &res);
	if (r != TM_OK)
		return r;
	printf("inventory ec2 prices: %ld on-demand, %ld spot (%s added, %s changed)\n", line - spot, spot,
		   PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1));
	PQclear(res);
	return TM_OK;
}

/* Everything listed, applied in one transaction: prices first, so instances find them. */
static tm_result
apply_run(ec2_run *run, PGconn *conn)
{
	const ec2_options *o = run->o;
	size_t		ngroups = 0;
	size_t		k;
	bool		complete = true;
	tm_result	r;

	r = db_begin(conn);
	if (r == TM_OK)
		r = db_exec(conn, "SELECT trafficmap.inventory_stage()", 0, NULL, NULL);
	if (r == TM_OK)
		r = apply_prices(run, conn);
	for (k = 0; k < run->nregions && r == TM_OK; k++)
	{
		if (!run->regions[k].listed)
		{
			complete = false;
			continue;
		}
		price_spot_instances(&run->regions[k]);
		r = run->regions[k].f.error;
		if (r == TM_OK)
			r = inventory_stage_fleet(conn, &run->regions[k].f);
		ngroups += fleet_ngroups(&run->regions[k].f);
	}
	if (o->expire && !complete)
		warnf("--expire was not applied: a region did not complete, and its addresses keep their owners");
	if (r == TM_OK)
		r = inventory_apply_fleet(conn, "ec2", NULL, o->expire && complete, ngroups, o->dry_run);
	if (r != TM_OK)
	{
		db_rollback(conn);
		return r;
	}
	if (o->dry_run)
	{
		db_rollback(conn);
		return TM_OK;
	}
	return db_commit(conn);
}

static void
run_free(ec2_run *run)
{
	size_t		k;
	size_t		i;

	for (k = 0; k < run->nregions; k++)
	{
		ec2_region *rg = &run->regions[k];

		fleet_free(&rg->f);
		ec2_spot_free(&rg->spot);
		ec2_names_free(&rg->labels);
		free(rg->name);
	}
	free(run->regions);
	for (i = 0; i < run->on_demand.len / sizeof(ec2_price); i++)
		free(((ec2_price *) (void *) run->on_demand.data)[i].price);
	buf_free(&run->on_demand);
	aws_client_free(&run->client);
	aws_credentials_free(&run->creds);
}

/* List, price and apply; the regions' outcomes decide between success and partial success. */
static tm_result
run_ec2(const ec2_options *o)
{
	ec2_run		run;
	tm_buf		names;
	PGconn	   *conn = NULL;
	size_t		k;
	size_t		listed = 0;
	int			attempts;
	tm_result	r;

	memset(&run, 0, sizeof(run));
	run.o = o;
	buf_init(&names, EC2_MAX_REGIONS * 64 * sizeof(char *));
	buf_init(&run.on_demand, 64 * 1024 * 1024);
	progress_init(&run.progress);
	r = aws_credentials_find(o->profile, &run.creds);
	if (r == TM_OK)
		r = aws_max_attempts_find(o->profile, AWS_DEFAULT_MAX_ATTEMPTS, &attempts);
	if (r == TM_OK)
		r = aws_client_init(&run.client, &run.creds, attempts);
	/* The database first: a wrong -d should not cost a fleet's worth of API calls. */
	if (r == TM_OK)
		r = db_connect(o->conninfo, &conn);
	if (r == TM_OK)
		r = choose_regions(&run, &names);
	if (r != TM_OK)
		goto out;
	run.nregions = names.len / sizeof(char *);
	run.regions = calloc(run.nregions, sizeof(ec2_region));
	if (run.regions == NULL)
	{
		r = TM_ERR_NOMEM;
		goto out;
	}
	for (k = 0; k < run.nregions; k++)
	{
		ec2_region *rg = &run.regions[k];

		rg->name = ((char **) (void *) names.data)[k];
		region_endpoint(o, rg->name, rg->endpoint, sizeof(rg->endpoint));
		fleet_init(&rg->f);
		buf_init(&rg->spot, AWS_ANSWER_MAX);
		buf_init(&rg->labels, EC2_MAX_PAGES * sizeof(char *) * 3);
	}
	names.len = 0;				/* the regions own the names now */
	for (k = 0; k < run.nregions && !run.fatal; k++)
	{
		list_region(&run, &run.regions[k]);
		if (run.regions[k].listed)
			notef("%s: %zu instances, %zu security groups, %ld pages", run.regions[k].name,
				  fleet_ninstances(&run.regions[k].f), fleet_ngroups(&run.regions[k].f),
				  run.regions[k].pages);
	}
	drop_repeated_instances(&run);
	if (!o->no_prices && !run.fatal)
		r = list_on_demand_prices(&run);
	progress_done(&run.progress);
	if (r != TM_OK)
		goto out;
	for (k = 0; k < run.nregions; k++)
		listed += run.regions[k].listed;
	if (run.fatal || listed == 0)
	{
		errorf("inventory ec2: nothing was loaded%s", run.fatal ? ": the credentials were refused" : "");
		r = TM_ERR_REMOTE;
		goto out;
	}
	r = apply_run(&run, conn);
	if (r == TM_OK && run.client.retries > 0)
		notef("inventory ec2: %ld request%s repeated after throttling or transient failures",
			  run.client.retries, run.client.retries == 1 ? " was" : "s were");
	if (r == TM_OK && run.partial)
	{
		warnf("inventory ec2: loaded in part (%zu of %zu regions); the messages above say what was left out",
			  listed, run.nregions);
		r = TM_ERR_PARTIAL;
	}
out:
	progress_done(&run.progress);
	db_close(conn);
	ec2_names_free(&names);
	run_free(&run);
	return r;
}

tm_result
inventory_ec2(int argc, char **argv)
{
	ec2_options o;
	tm_result	r;

	r = parse_options(argc, argv, &o);
	if (r != TM_OK)
		return r;
	if (o.help)
	{
		usage(stdout);
		return TM_OK;
	}
	return run_ec2(&o);
}
