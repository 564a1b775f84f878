/*
 * inventory_csv.c - libFuzzer target: the CSV reader, the fleet CSV and the checked-column
 * tables (aliases, prices) on any bytes. Every bad line is a reported problem, never a crash.
 */
#include <stddef.h>
#include <stdint.h>

#include "../loader/src/csvtable.h"
#include "../loader/src/inventory_csv.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const csvtable_column columns[] = {
	{"instance_type", true, CT_TEXT},
	{"region", false, CT_TEXT},
	{"lifecycle", false, CT_LIFECYCLE},
	{"price", true, CT_PRICE},
	{"priority", false, CT_INT},
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const fleet_tag_names tags = {FLEET_ARCHDOMAIN_TAG, FLEET_ENV_TAG};
	const char *text = (const char *) data;
	tm_problems p;
	fleet		f;
	csvtable	t;

	fleet_init(&f);
	problems_init(&p, "fuzz.csv");
	p.silent = true;
	inventory_csv_parse(text, size, &tags, &f, &p);
	fleet_free(&f);

	csvtable_init(&t, columns, (int) TM_ARRAY_LEN(columns));
	problems_init(&p, "fuzz.csv");
	p.silent = true;
	csvtable_parse(&t, text, size, &p);
	csvtable_free(&t);
	return 0;
}
