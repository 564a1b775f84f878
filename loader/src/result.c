/*
 * result.c - names and exit statuses for tm_result, the loader's one result type.
 */
#include "tm.h"

const char *
tm_result_name(tm_result r)
{
	switch (r)
	{
		case TM_OK:
			return "ok";
		case TM_ERR_USAGE:
			return "usage error";
		case TM_ERR_NOMEM:
			return "out of memory";
		case TM_ERR_IO:
			return "I/O error";
		case TM_ERR_FORMAT:
			return "bad input";
		case TM_ERR_DB:
			return "database error";
		case TM_ERR_REMOTE:
			return "remote error";
		case TM_ERR_PARTIAL:
			return "partly failed";
		case TM_ERR_INTERNAL:
			return "internal error";
	}
	return "unknown error";
}

int
tm_exit_status(tm_result r)
{
	if (r == TM_OK)
		return TM_EXIT_OK;
	if (r == TM_ERR_PARTIAL)
		return TM_EXIT_PARTIAL;
	return TM_EXIT_FAIL;
}
