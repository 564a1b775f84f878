/*-------------------------------------------------------------------------
 *
 * trafficmap.c
 *	  The trafficmap extension's module: its magic block and its version.
 *
 * Each SQL-visible type or concept lives in its own file named after it;
 * this one only identifies the library, so a mismatch between the SQL
 * objects and the loaded .so can be seen with one query.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"

PG_MODULE_MAGIC;

PG_FUNCTION_INFO_V1(trafficmap_version);

/*
 * trafficmap_version() returns the version the library was built as.
 */
Datum
trafficmap_version(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(TRAFFICMAP_VERSION));
}
