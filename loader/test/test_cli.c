/*
 * test_cli.c - numbers are accepted only whole and in range.
 */
#include "unit.h"

#include "../src/cli.h"

UNIT_TEST(parse_long_ranges)
{
	long		v = 0;

	CHECK_INT(parse_long("42", 0, 100, &v), TM_OK);
	CHECK_INT(v, 42);
	CHECK_INT(parse_long("-5", -10, 10, &v), TM_OK);
	CHECK_INT(v, -5);
	CHECK_INT(parse_long("101", 0, 100, &v), TM_ERR_FORMAT);
	CHECK_INT(parse_long("4x", 0, 100, &v), TM_ERR_FORMAT);
	CHECK_INT(parse_long("", 0, 100, &v), TM_ERR_FORMAT);
	CHECK_INT(parse_long("99999999999999999999999", 0, 100, &v), TM_ERR_FORMAT);
	CHECK_INT(v, -5);
}

UNIT_TEST(cli_reports_usage)
{
	long		v;
	double		d;

	CHECK_INT(cli_long("--seconds", "abc", 1, 3600, &v), TM_ERR_USAGE);
	CHECK_INT(cli_long("--seconds", "60", 1, 3600, &v), TM_OK);
	CHECK_INT(v, 60);
	CHECK_INT(cli_double("--price", "0.25", 0, 1000, &d), TM_OK);
	CHECK(d == 0.25);
	CHECK_INT(cli_double("--price", "nan", 0, 1000, &d), TM_ERR_USAGE);
}

UNIT_MAIN(UNIT_ENTRY(parse_long_ranges), UNIT_ENTRY(cli_reports_usage))
