/*-------------------------------------------------------------------------
 *
 * aggcontext.h
 *	  The memory context of the aggregate a support function serves.
 *
 * Every aggregate of the extension keeps its state in the aggregate's
 * context and refuses to be called as a plain function; this is the one
 * place that says how.
 *
 *-------------------------------------------------------------------------
 */
#ifndef TRAFFICMAP_AGGCONTEXT_H
#define TRAFFICMAP_AGGCONTEXT_H

#include "fmgr.h"

/* The aggregate's context; an error naming AGGREGATE outside an aggregate. */
static inline MemoryContext
aggregate_context(FunctionCallInfo fcinfo, const char *aggregate)
{
	MemoryContext cxt;

	if (!AggCheckCallContext(fcinfo, &cxt))
		elog(ERROR, "%s support function called in a non-aggregate context", aggregate);
	return cxt;
}

#endif							/* TRAFFICMAP_AGGCONTEXT_H */
