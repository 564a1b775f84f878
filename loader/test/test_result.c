/*
 * test_result.c - every result maps to the documented exit status and has a name.
 */
#include "unit.h"

#include "../src/tm.h"

UNIT_TEST(exit_statuses)
{
	CHECK_INT(tm_exit_status(TM_OK), 0);
	CHECK_INT(tm_exit_status(TM_ERR_PARTIAL), 1);
	CHECK_INT(tm_exit_status(TM_ERR_USAGE), 2);
	CHECK_INT(tm_exit_status(TM_ERR_FORMAT), 2);
	CHECK_INT(tm_exit_status(TM_ERR_DB), 2);
}

UNIT_TEST(names)
{
	CHECK_STR(tm_result_name(TM_OK), "ok");
	CHECK_STR(tm_result_name(TM_ERR_PARTIAL), "partly failed");
	CHECK(strcmp(tm_result_name((tm_result) 999), "unknown error") == 0);
}

UNIT_MAIN(UNIT_ENTRY(exit_statuses), UNIT_ENTRY(names))
