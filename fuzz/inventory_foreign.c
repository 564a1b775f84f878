/*
 * inventory_foreign.c - libFuzzer target: the foreign-ips file parser on any bytes.
 */
#include <stddef.h>
#include <stdint.h>

#include "../loader/src/inventory_foreign.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	foreign_list l;
	tm_problems p;

	foreign_list_init(&l);
	problems_init(&p, "fuzz.txt");
	p.silent = true;
	inventory_foreign_parse((const char *) data, size, &l, &p);
	foreign_list_free(&l);
	return 0;
}
