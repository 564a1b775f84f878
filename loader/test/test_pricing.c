/*
 * test_pricing.c - GetProducts requests carry the filters of an ordinary Linux instance;
 * answers give the on-demand hourly price of the product asked for, from JSON inside JSON.
 */
#include "unit.h"

#include <stdlib.h>

#include "../src/pricing.h"

UNIT_TEST(request_body)
{
	tm_buf		b;

	buf_init(&b, 1 << 16);
	CHECK_INT(pricing_request_body("m5.large", "eu-west-1", "tok/en=", &b), TM_OK);
	CHECK_STR(buf_str(&b),
			  "{\"ServiceCode\":\"AmazonEC2\",\"FormatVersion\":\"aws_v1\",\"MaxResults\":100,\"Filters\":["
			  "{\"Type\":\"TERM_MATCH\",\"Field\":\"instanceType\",\"Value\":\"m5.large\"},"
			  "{\"Type\":\"TERM_MATCH\",\"Field\":\"regionCode\",\"Value\":\"eu-west-1\"},"
			  "{\"Type\":\"TERM_MATCH\",\"Field\":\"operatingSystem\",\"Value\":\"Linux\"},"
			  "{\"Type\":\"TERM_MATCH\",\"Field\":\"tenancy\",\"Value\":\"Shared\"},"
			  "{\"Type\":\"TERM_MATCH\",\"Field\":\"preInstalledSw\",\"Value\":\"NA\"},"
			  "{\"Type\":\"TERM_MATCH\",\"Field\":\"capacitystatus\",\"Value\":\"Used\"}],"
			  "\"NextToken\":\"tok/en=\"}");
	buf_free(&b);
}

/* A product as a JSON string inside the answer's PriceList. */
#define PRODUCT(type, region, unit, usd) \
	"\"{\\\"product\\\":{\\\"attributes\\\":{\\\"instanceType\\\":\\\"" type "\\\",\\\"regionCode\\\":\\\"" \
	region "\\\"}},\\\"terms\\\":{\\\"Reserved\\\":{\\\"R\\\":{\\\"priceDimensions\\\":{\\\"D\\\":" \
	"{\\\"unit\\\":\\\"Hrs\\\",\\\"pricePerUnit\\\":{\\\"USD\\\":\\\"0.01\\\"}}}}},\\\"OnDemand\\\":" \
	"{\\\"O\\\":{\\\"priceDimensions\\\":{\\\"D\\\":{\\\"unit\\\":\\\"" unit "\\\",\\\"pricePerUnit\\\":" \
	"{\\\"USD\\\":\\\"" usd "\\\"}}}}}}}\""

UNIT_TEST(answers)
{
	static const char answer[] = "{\"FormatVersion\":\"aws_v1\",\"PriceList\":["
		PRODUCT("m5.large", "us-west-2", "Hrs", "0.0970000000") ","
		PRODUCT("m5.large", "us-east-1", "Quantity", "5.0") ","
		PRODUCT("m5.large", "us-east-1", "Hrs", "0.0960000000") ","
		PRODUCT("m5.large", "us-east-1", "Hrs", "0.5") "],\"NextToken\":\"next==\"}";
	static const char bad_price[] = "{\"PriceList\":[" PRODUCT("m5.large", "us-east-1", "Hrs", "1e3") "]}";
	tm_problems p;
	char	   *price = NULL;
	char	   *next = NULL;

	problems_init(&p, "test");
	p.silent = true;
	CHECK_INT(pricing_parse_products(answer, sizeof(answer) - 1, "m5.large", "us-east-1", &price, &next, &p), TM_OK);
	CHECK_STR(price, "0.0960000000");
	CHECK_STR(next, "next==");
	free(price);
	free(next);
	price = NULL;
	CHECK_INT(pricing_parse_products("{\"PriceList\":[]}", 16, "m5.large", "us-east-1", &price, &next, &p), TM_OK);
	CHECK(price == NULL);
	CHECK(next == NULL);
	CHECK_INT(pricing_parse_products(bad_price, sizeof(bad_price) - 1, "m5.large", "us-east-1", &price, &next, &p), TM_ERR_FORMAT);
	CHECK_INT(pricing_parse_products("{\"PriceList\":[1]}", 17, "m5.large", "us-east-1", &price, &next, &p), TM_ERR_FORMAT);
	CHECK_INT(pricing_parse_products("{\"PriceList\":[\"{\"", 18, "m5.large", "us-east-1", &price, &next, &p), TM_ERR_FORMAT);
	CHECK_INT(pricing_parse_products("{\"FormatVersion\":1}", 19, "m5.large", "us-east-1", &price, &next, &p), TM_ERR_FORMAT);
	CHECK(price == NULL);
}

UNIT_MAIN(UNIT_ENTRY(request_body), UNIT_ENTRY(answers))
