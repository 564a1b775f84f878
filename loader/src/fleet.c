/*
 * fleet.c - the in-memory inventory run: items allocated one by one, listed in growing
 * pointer arrays, freed together.
 */
#include "fleet.h"

#include <stdlib.h>
#include <string.h>

void
fleet_init(fleet *f)
{
	buf_init(&f->instances, FLEET_MAX_ITEMS * sizeof(void *));
	buf_init(&f->groups, FLEET_MAX_ITEMS * sizeof(void *));
	buf_init(&f->memberships, FLEET_MAX_ITEMS * sizeof(void *));
	f->has_instances = false;
	f->error = TM_OK;
}

/* Keep p in list, or free it and remember the failure. */
static void *
keep(fleet *f, tm_buf *list, void *p)
{
	if (p != NULL && buf_add(list, &p, sizeof(p)) == TM_OK)
		return p;
	free(p);
	if (f->error == TM_OK)
		f->error = TM_ERR_NOMEM;
	return NULL;
}

fleet_instance *
fleet_add_instance(fleet *f, long line)
{
	fleet_instance *in;

	if (f->error != TM_OK)
		return NULL;
	in = calloc(1, sizeof(*in));
	if (in != NULL)
	{
		in->line = line;
		buf_init(&in->private_ips, FLEET_MAX_ADDRESSES * sizeof(tm_netaddr));
		buf_init(&in->public_ips, FLEET_MAX_ADDRESSES * sizeof(tm_netaddr));
	}
	return keep(f, &f->instances, in);
}

fleet_group *
fleet_add_group(fleet *f, long line)
{
	fleet_group *g;

	if (f->error != TM_OK)
		return NULL;
	g = calloc(1, sizeof(*g));
	if (g != NULL)
		g->line = line;
	return keep(f, &f->groups, g);
}

fleet_membership *
fleet_add_membership(fleet *f)
{
	if (f->error != TM_OK)
		return NULL;
	return keep(f, &f->memberships, calloc(1, sizeof(fleet_membership)));
}

char *
fleet_strdup(fleet *f, const char *s)
{
	char	   *copy;

	if (s == NULL)
		return NULL;
	copy = strdup(s);
	if (copy == NULL && f->error == TM_OK)
		f->error = TM_ERR_NOMEM;
	return copy;
}

bool
fleet_add_address(fleet *f, fleet_instance *in, bool public, const tm_netaddr *a)
{
	tm_buf	   *ips = public ? &in->public_ips : &in->private_ips;
	size_t		i;

	for (i = 0; i < fleet_naddresses(ips); i++)
	{
		if (netaddr_equal(fleet_address_at(ips, i), a))
			return false;
	}
	if (buf_add(ips, a, sizeof(*a)) != TM_OK && f->error == TM_OK)
		f->error = TM_ERR_NOMEM;
	return true;
}

size_t
fleet_naddresses(const tm_buf *ips)
{
	return ips->len / sizeof(tm_netaddr);
}

const tm_netaddr *
fleet_address_at(const tm_buf *ips, size_t i)
{
	return (const tm_netaddr *) (const void *) ips->data + i;
}

size_t
fleet_ninstances(const fleet *f)
{
	return f->instances.len / sizeof(void *);
}

fleet_instance *
fleet_instance_at(const fleet *f, size_t i)
{
	return ((fleet_instance **) (void *) f->instances.data)[i];
}

size_t
fleet_ngroups(const fleet *f)
{
	return f->groups.len / sizeof(void *);
}

fleet_group *
fleet_group_at(const fleet *f, size_t i)
{
	return ((fleet_group **) (void *) f->groups.data)[i];
}

size_t
fleet_nmemberships(const fleet *f)
{
	return f->memberships.len / sizeof(void *);
}

fleet_membership *
fleet_membership_at(const fleet *f, size_t i)
{
	return ((fleet_membership **) (void *) f->memberships.data)[i];
}

static void
free_instance(fleet_instance *in)
{
	free(in->instance_id);
	free(in->name);
	free(in->region);
	free(in->az);
	free(in->vpc_id);
	free(in->archdomain_tag);
	free(in->env);
	free(in->instance_type);
	free(in->lifecycle);
	free(in->hourly_price);
	free(in->state);
	free(in->launched);
	free(in->tags);
	buf_free(&in->private_ips);
	buf_free(&in->public_ips);
	free(in);
}

static void
free_group(fleet_group *g)
{
	free(g->group_id);
	free(g->name);
	free(g->vpc_id);
	free(g->description);
	free(g->rules);
	free(g);
}

static void
free_membership(fleet_membership *m)
{
	free(m->instance_id);
	free(m->group_id);
	free(m->group_name);
	free(m);
}

void
fleet_free(fleet *f)
{
	size_t		i;

	for (i = 0; i < fleet_ninstances(f); i++)
		free_instance(fleet_instance_at(f, i));
	for (i = 0; i < fleet_ngroups(f); i++)
		free_group(fleet_group_at(f, i));
	for (i = 0; i < fleet_nmemberships(f); i++)
		free_membership(fleet_membership_at(f, i));
	buf_free(&f->instances);
	buf_free(&f->groups);
	buf_free(&f->memberships);
}
