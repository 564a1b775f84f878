/*
 * pricing.c - fuzz the Price List API answer parser (pricing_parse_products in
 * loader/src/pricing.c: JSON whose PriceList holds JSON inside strings) and the JSON 1.1
 * error parser.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "../loader/src/aws_request.h"
#include "../loader/src/pricing.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tm_problems p;
	char	   *price = NULL;
	char	   *next = NULL;
	char		code[64];
	char		message[256];

	problems_init(&p, "fuzz");
	p.silent = true;
	pricing_parse_products((const char *) data, size, "m5.large", "us-east-1", &price, &next, &p);
	free(price);
	free(next);
	aws_error_parse(AWS_PROTOCOL_JSON, (const char *) data, size, code, sizeof(code), message, sizeof(message));
	return 0;
}
