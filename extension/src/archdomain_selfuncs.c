/*-------------------------------------------------------------------------
 *
 * archdomain_selfuncs.c
 *	  Restriction selectivity of the hierarchy operators @> and <@.
 *
 * The generic estimate (matchingsel, which ltree uses) runs the operator
 * over the most common values and the histogram; a subtree that falls
 * between two histogram bounds then counts as empty, and the planner
 * underestimates it by orders of magnitude. Here the two questions get
 * their own answers:
 *
 *	- descendants of q (col <@ q): the most common values exactly, plus the
 *	  share of the histogram between q and its last descendant (they are
 *	  contiguous in label order), and at least half a bucket: a subtree that
 *	  holds no bound still holds rows more often than not;
 *	- ancestors of q (col @> q): q's prefixes are a handful of names, so the
 *	  sum of the equality selectivities of each.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_statistic.h"
#include "utils/lsyscache.h"
#include "utils/selfuncs.h"
#include "utils/typcache.h"

#include "archdomain.h"

/* Without statistics, as ltree's parent selectivity. */
#define ARCHDOMAIN_DEFAULT_SEL 0.001

PG_FUNCTION_INFO_V1(archdomain_hierarchy_sel);

/* Names below q (with q): most common values, then the histogram. */
static double
descendants_sel(VariableStatData *vardata, FmgrInfo *opproc, Datum qdatum,
				bool varonleft)
{
	ArchDomain *q = DatumGetArchDomainPP(qdatum);
	Form_pg_statistic stats = (Form_pg_statistic) GETSTRUCT(vardata->statsTuple);
	AttStatsSlot hist;
	double		mcvsum;
	double		mcvsel;
	double		rest;
	double		frac = ARCHDOMAIN_DEFAULT_SEL;

	mcvsel = mcv_selectivity(vardata, opproc, InvalidOid, qdatum, varonleft, &mcvsum);
	rest = 1.0 - stats->stanullfrac - mcvsum;
	if (get_attstatsslot(&hist, vardata->statsTuple, STATISTIC_KIND_HISTOGRAM,
						 InvalidOid, ATTSTATSSLOT_VALUES))
	{
		int			inside = 0;

		for (int i = 0; i < hist.nvalues; i++)
		{
			ArchDomain *b = DatumGetArchDomainPP(hist.values[i]);

			if (ad_is_ancestor(ad_text(q), ad_len(q), ad_text(b), ad_len(b)))
				inside++;
		}
		if (hist.nvalues > 1)
			frac = Max(inside, 0.5) / (hist.nvalues - 1);
		free_attstatsslot(&hist);
	}
	return mcvsel + Max(rest, 0.0) * Min(frac, 1.0);
}

/* Names above q (with q): each of q's prefixes, as an equality. */
static double
ancestors_sel(VariableStatData *vardata, Datum qdatum)
{
	ArchDomain *q = DatumGetArchDomainPP(qdatum);
	const char *t = ad_text(q);
	size_t		len = ad_len(q);
	Oid			eqop = lookup_type_cache(vardata->vartype, TYPECACHE_EQ_OPR)->eq_opr;
	double		sel = 0.0;
	int			depth = 0;

	if (!OidIsValid(eqop))
		return ARCHDOMAIN_DEFAULT_SEL;
	for (size_t end = 0; end <= len; end++)
	{
		ArchDomain *p;

		if (end < len && t[end] != '/')
			continue;
		p = archdomain_make(t, end, ++depth);
		sel += var_eq_const(vardata, eqop, InvalidOid, PointerGetDatum(p),
							false, true, false);
		pfree(p);
	}
	return sel;
}

/*
 * archdomain_hierarchy_sel(internal, oid, internal, int4): RESTRICT of @>
 * and <@, whichever side the column is on.
 */
Datum
archdomain_hierarchy_sel(PG_FUNCTION_ARGS)
{
	PlannerInfo *root = (PlannerInfo *) PG_GETARG_POINTER(0);
	Oid			operator = PG_GETARG_OID(1);
	List	   *args = (List *) PG_GETARG_POINTER(2);
	int			varRelid = PG_GETARG_INT32(3);
	VariableStatData vardata;
	Node	   *other;
	bool		varonleft;
	bool		below;
	char	   *opname;
	double		sel;

	if (!get_restriction_variable(root, args, varRelid, &vardata, &other, &varonleft))
		PG_RETURN_FLOAT8(ARCHDOMAIN_DEFAULT_SEL);
	if (!IsA(other, Const) || ((Const *) other)->constisnull)
	{
		ReleaseVariableStats(vardata);
		PG_RETURN_FLOAT8(ARCHDOMAIN_DEFAULT_SEL);
	}
	/* col <@ q and q @> col ask for names below q; the others for names above. */
	opname = get_opname(operator);
	below = (strcmp(opname, "<@") == 0) == varonleft;
	if (below && HeapTupleIsValid(vardata.statsTuple))
	{
		FmgrInfo	opproc;

		fmgr_info(get_opcode(operator), &opproc);
		sel = descendants_sel(&vardata, &opproc, ((Const *) other)->constvalue, varonleft);
	}
	else if (below)
		sel = ARCHDOMAIN_DEFAULT_SEL;
	else
		sel = ancestors_sel(&vardata, ((Const *) other)->constvalue);
	ReleaseVariableStats(vardata);
	CLAMP_PROBABILITY(sel);
	PG_RETURN_FLOAT8(sel);
}
