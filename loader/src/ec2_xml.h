/*
 * ec2_xml.h - answers of the EC2 Query API (Version 2016-11-15, XML) into the inventory's
 * model, with libxml2: DescribeInstances and DescribeSecurityGroups pages into a fleet,
 * DescribeSpotPriceHistory pages into spot prices, DescribeRegions into region names.
 *
 * Elements are found by the names of the EC2 API reference (reservationSet/item/
 * instancesSet/item, networkInterfaceSet, privateIpAddressesSet, groupSet, tagSet, ...), and
 * an instance becomes exactly what inventory_json.c makes of the same instance in aws-cli's
 * JSON: the same addresses in the same order, the same tags, lifecycle, groups, and ingress
 * rules as the JSON that botocore makes of the XML (IpPermissions).
 *
 * A page that is not well-formed XML, not the answer asked for, or holds a bad value is
 * reported through tm_problems as LABEL:LINE (the label names the region, call and page)
 * and gives TM_ERR_FORMAT; whatever it added to the model must then be thrown away.
 */
#ifndef TM_EC2_XML_H
#define TM_EC2_XML_H

#include <stddef.h>

#include "buf.h"
#include "fleet.h"
#include "problems.h"
#include "tm.h"

/* A page is at most this big (aws_request.h's AWS_ANSWER_MAX). */
#define EC2_XML_MAX (64 * 1024 * 1024)

/* One line of DescribeSpotPriceHistory. */
typedef struct
{
	char	   *instance_type;
	char	   *az;
	char	   *product;		/* Linux/UNIX, Windows, ... */
	char	   *price;			/* decimal text, as AWS gives it */
	char	   *timestamp;		/* ISO 8601, as AWS gives it */
} ec2_spot_price;

/* What a page is read into, and how its problems are labelled. */
typedef struct
{
	const char *region;			/* the region asked, for every instance */
	const fleet_tag_names *tags;
	const char *label;			/* "us-east-1 DescribeInstances page 2": the file of fleet items */
	tm_problems *problems;
} ec2_page;

/* Each sets *next_token (malloc'd, NULL on the last page) when it is not NULL. */
tm_result	ec2_xml_instances(const char *xml, size_t len, const ec2_page *pg, fleet *f,
							  char **next_token);
tm_result	ec2_xml_groups(const char *xml, size_t len, const ec2_page *pg, fleet *f,
						   char **next_token);
tm_result	ec2_xml_spot_prices(const char *xml, size_t len, const ec2_page *pg,
								tm_buf *prices, char **next_token);
/* Region names into names (char *[], each malloc'd). */
tm_result	ec2_xml_regions(const char *xml, size_t len, const ec2_page *pg, tm_buf *names);

size_t		ec2_spot_count(const tm_buf *prices);
ec2_spot_price *ec2_spot_at(const tm_buf *prices, size_t i);
void		ec2_spot_free(tm_buf *prices);
void		ec2_names_free(tm_buf *names);

#endif							/* TM_EC2_XML_H */
