/*
 * inventory_ec2.h - `trafficmap inventory ec2`: the fleet from the EC2 API itself, every
 * region, with spot and on-demand prices and security groups, applied like a file run.
 */
#ifndef TM_INVENTORY_EC2_H
#define TM_INVENTORY_EC2_H

#include "tm.h"

/* argv[0] is "ec2"; parses its own options and prints its own --help. */
tm_result	inventory_ec2(int argc, char **argv);

#endif							/* TM_INVENTORY_EC2_H */
