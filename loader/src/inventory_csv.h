/*
 * inventory_csv.h - the fleet CSV for fleets that are not on EC2.
 *
 *   name,address,archdomain,env,instance_type,hourly_price,az,region,lifecycle,rack
 *   web1,10.0.0.5;10.0.1.5,online/web,prod,m5.large,0.096,,,on-demand,r12
 *
 * A header row is required. name and address are required; several addresses are separated
 * by ';'. The archdomain and env columns are the tags named by --archdomain-tag and
 * --env-tag; every column that is not one of the known ones becomes a tag, and the tags
 * (archdomain and env included) are kept raw.
 */
#ifndef TM_INVENTORY_CSV_H
#define TM_INVENTORY_CSV_H

#include <stddef.h>

#include "fleet.h"
#include "problems.h"
#include "tm.h"

/* Every bad row is reported; TM_ERR_FORMAT when there was any. */
tm_result	inventory_csv_parse(const char *data, size_t len, const fleet_tag_names *tags,
								fleet *out, tm_problems *p);

#endif							/* TM_INVENTORY_CSV_H */
