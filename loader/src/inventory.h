/*
 * inventory.h - the apply step every source of the fleet shares (inventory.c): a run's
 * fleet staged into PostgreSQL (pg_temp.inventory_*, made by trafficmap.inventory_stage())
 * and applied there by trafficmap.inventory_apply, in the caller's transaction.
 */
#ifndef TM_INVENTORY_H
#define TM_INVENTORY_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "fleet.h"
#include "tm.h"

/* COPY a fleet's instances, groups and memberships; several fleets make one run. */
tm_result	inventory_stage_fleet(PGconn *conn, const fleet *f);

/*
 * Apply what was staged as a run of source (ec2, json, csv) at time at (NULL: now), and
 * print the summary line; ngroups is the number of security groups staged.
 */
tm_result	inventory_apply_fleet(PGconn *conn, const char *source, const char *at, bool expire,
								  size_t ngroups, bool dry_run);

#endif							/* TM_INVENTORY_H */
