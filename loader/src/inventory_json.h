/*
 * inventory_json.h - the output of `aws ec2 describe-instances` and `aws ec2
 * describe-security-groups` (--output json): instances with every network interface, every
 * private address (secondary ones too), public addresses, IPv6 addresses, tags, lifecycle
 * (spot or on-demand), placement, state and security groups; security groups with their
 * ingress rules. A file may hold several such documents one after another.
 */
#ifndef TM_INVENTORY_JSON_H
#define TM_INVENTORY_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "fleet.h"
#include "problems.h"
#include "tm.h"

/* The deepest nesting accepted; aws-cli's output is about 8 deep. */
#define INVENTORY_JSON_MAX_DEPTH 64

/*
 * Every bad value is reported as FILE:LINE with its path; TM_ERR_FORMAT when there was any.
 * region, when not NULL, is the region of every instance (else it comes from the zone).
 */
/* 2016-05-01T12:00:00.000Z or 2016-05-01T12:00:00+00:00: what aws-cli v1 and v2 print, and EC2. */
bool		iso8601_valid(const char *s);

tm_result	inventory_json_parse(const char *data, size_t len, const fleet_tag_names *tags,
								 const char *region, fleet *out, tm_problems *p);

#endif							/* TM_INVENTORY_JSON_H */
