/*
 * inventory_json.c - libFuzzer target: the aws-cli JSON reader (json-c underneath) and the
 * line finder for bad values, on any bytes.
 */
#include <stddef.h>
#include <stdint.h>

#include "../loader/src/inventory_json.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const fleet_tag_names tags = {FLEET_ARCHDOMAIN_TAG, FLEET_ENV_TAG};
	tm_problems p;
	fleet		f;

	fleet_init(&f);
	problems_init(&p, "fuzz.json");
	p.silent = true;
	inventory_json_parse((const char *) data, size, &tags, NULL, &f, &p);
	fleet_free(&f);
	return 0;
}
