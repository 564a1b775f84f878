/*
 * pricing.h - on-demand hourly prices from the AWS Price List Query API (GetProducts, a
 * JSON 1.1 protocol: POST with X-Amz-Target: AWSPriceListService.GetProducts), with json-c.
 *
 * One call per instance type and region, filtered to what an ordinary instance pays: Linux,
 * shared tenancy, no pre-installed software, capacity in use. Each product of the answer's
 * PriceList is a JSON document inside a JSON string; its terms.OnDemand price dimension in
 * hours gives the USD price. The API lives in a few regions only; us-east-1 serves all.
 */
#ifndef TM_PRICING_H
#define TM_PRICING_H

#include <stddef.h>

#include "aws_request.h"
#include "problems.h"
#include "tm.h"

#define PRICING_ENDPOINT "https://api.pricing.us-east-1.amazonaws.com"
#define PRICING_REGION "us-east-1"
#define PRICING_MAX_PAGES 100

/* The GetProducts request body for a type in a region (NextToken when not NULL). */
tm_result	pricing_request_body(const char *instance_type, const char *region,
								 const char *next_token, tm_buf *out);

/*
 * Read one GetProducts answer: *price gets the first on-demand hourly USD price of a
 * product for that type and region (malloc'd; left alone when the page has none), and
 * *next_token the next page's token (NULL on the last). Bad answers are problems.
 */
tm_result	pricing_parse_products(const char *json, size_t len, const char *instance_type,
								   const char *region, char **price, char **next_token,
								   tm_problems *p);

/*
 * The on-demand price of a type in a region through the API at endpoint; *price is NULL
 * when AWS lists none. Failures are printed (aws_request.h) and *failure says which kind.
 */
tm_result	pricing_on_demand(aws_client *c, const char *endpoint, const char *instance_type,
							  const char *region, char **price, aws_failure *failure);

#endif							/* TM_PRICING_H */
