/*
 * ec2_xml.c - fuzz the EC2 answer parser (loader/src/ec2_xml.c) and the Query API error
 * parser: any bytes as a DescribeInstances, DescribeSecurityGroups, DescribeSpotPriceHistory
 * and DescribeRegions page, and as an error answer. Nothing may crash, leak or loop.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "../loader/src/aws_request.h"
#include "../loader/src/ec2_xml.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const fleet_tag_names tags = {"archdomain", "env"};
	const char *xml = (const char *) data;
	tm_problems p;
	ec2_page	pg = {"us-east-1", &tags, "fuzz", &p};
	fleet		f;
	tm_buf		list;
	char	   *next = NULL;
	char		code[64];
	char		message[256];

	problems_init(&p, "fuzz");
	p.silent = true;
	fleet_init(&f);
	ec2_xml_instances(xml, size, &pg, &f, &next);
	free(next);
	next = NULL;
	ec2_xml_groups(xml, size, &pg, &f, &next);
	free(next);
	next = NULL;
	fleet_free(&f);
	buf_init(&list, EC2_XML_MAX);
	ec2_xml_spot_prices(xml, size, &pg, &list, &next);
	free(next);
	ec2_spot_free(&list);
	buf_init(&list, EC2_XML_MAX);
	ec2_xml_regions(xml, size, &pg, &list);
	ec2_names_free(&list);
	aws_error_parse(AWS_PROTOCOL_QUERY, xml, size, code, sizeof(code), message, sizeof(message));
	return 0;
}
