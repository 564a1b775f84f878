/*
 * fleet.h - one inventory run in memory: the instances a file lists with their addresses and
 * tags, the security groups it describes, and which instance is in which group. The parsers
 * (inventory_csv.c, inventory_json.c) fill it; inventory.c stages it into PostgreSQL, where
 * one set-based statement applies it (trafficmap.inventory_apply).
 */
#ifndef TM_FLEET_H
#define TM_FLEET_H

#include <stdbool.h>

#include "buf.h"
#include "netaddr.h"
#include "tm.h"

/* Bounds on one run, far above any real fleet, so a hostile file cannot exhaust memory. */
#define FLEET_MAX_ITEMS (8 * 1024 * 1024)
#define FLEET_MAX_ADDRESSES 4096	/* per instance */

typedef struct
{
	const char *file;			/* the file it is listed in (not owned) */
	long		line;			/* where the instance starts in it */
	char	   *instance_id;
	char	   *name;
	char	   *region;
	char	   *az;
	char	   *vpc_id;
	char	   *archdomain_tag;	/* the raw value; the database sanitizes and aliases it */
	char	   *env;
	char	   *instance_type;
	char	   *lifecycle;		/* on-demand, spot, reserved, unknown */
	char	   *hourly_price;	/* decimal text or NULL */
	char	   *state;
	char	   *launched;		/* ISO 8601 or NULL */
	char	   *tags;			/* a JSON object, every tag as given */
	tm_buf		private_ips;	/* tm_netaddr[] */
	tm_buf		public_ips;		/* tm_netaddr[] */
} fleet_instance;

typedef struct
{
	long		line;
	char	   *group_id;
	char	   *name;
	char	   *vpc_id;
	char	   *description;
	char	   *rules;			/* a JSON array: the ingress rules as AWS gives them */
} fleet_group;

typedef struct
{
	char	   *instance_id;
	char	   *group_id;
	char	   *group_name;
} fleet_membership;

/* Which tags name an instance's archdomain and env (--archdomain-tag, --env-tag). */
typedef struct
{
	const char *archdomain;
	const char *env;
} fleet_tag_names;

#define FLEET_ARCHDOMAIN_TAG "archdomain"
#define FLEET_ENV_TAG "env"

typedef struct
{
	tm_buf		instances;		/* fleet_instance *[] */
	tm_buf		groups;			/* fleet_group *[] */
	tm_buf		memberships;	/* fleet_membership *[] */
	bool		has_instances;	/* the input described instances (even zero of them) */
	tm_result	error;			/* the first allocation failure; later adds do nothing */
} fleet;

void		fleet_init(fleet *f);
void		fleet_free(fleet *f);

/* New items, owned by the fleet; NULL (and f->error set) when out of memory or limits. */
fleet_instance *fleet_add_instance(fleet *f, long line);
fleet_group *fleet_add_group(fleet *f, long line);
fleet_membership *fleet_add_membership(fleet *f);

/* A copy of s owned by the fleet (NULL stays NULL); sets f->error when out of memory. */
char	   *fleet_strdup(fleet *f, const char *s);

/* Add an address to an instance once; false when it already had it. */
bool		fleet_add_address(fleet *f, fleet_instance *in, bool public, const tm_netaddr *a);

size_t		fleet_ninstances(const fleet *f);
fleet_instance *fleet_instance_at(const fleet *f, size_t i);
size_t		fleet_ngroups(const fleet *f);
fleet_group *fleet_group_at(const fleet *f, size_t i);
size_t		fleet_nmemberships(const fleet *f);
fleet_membership *fleet_membership_at(const fleet *f, size_t i);

size_t		fleet_naddresses(const tm_buf *ips);
const tm_netaddr *fleet_address_at(const tm_buf *ips, size_t i);

#endif							/* TM_FLEET_H */
