/*
 * index_support.c — the planner support function of the IMMUTABLE,
 * threshold-explicit functions, so they use the GIN indexes:
 *
 *   fingerprint_contained(a, b, t), b indexed:  b %>#  fingerprint_with_threshold(a, t)
 *   fingerprint_contained(a, b, t), a indexed:  a <%#  fingerprint_with_threshold(b, t)
 *   fingerprint_similar(a, b, t):               col %#  fingerprint_with_threshold(other, t)
 *   minhash_similar(a, b, t):                   col %#  minhash_with_threshold(other, t)
 *
 * The query value carries the threshold in its header, so the opclass reads
 * no GUC, and the condition returns exactly the function's rows: it
 * replaces the function (not lossy).
 *
 * It also answers the selectivity request, from the threshold (see
 * selectivity_at), as the operators' estimator does for the conditions it
 * builds (llmcopy_threshold_sel).  Without it the planner takes 1/3 for a
 * boolean function, and that estimate, with a per-call cost of 1, made
 * small tables (a Citus shard of 625 rows) choose a sequential scan with
 * the function as a join filter over the index.  Per-call costs are the
 * functions' COST, measured (see the extension script): a cost request is
 * not answered, because the only width the planner knows of a column is its
 * stored width, which for a toasted fingerprint is that of a pointer.
 */
#include "pg_llmcopy.h"

#include "catalog/pg_type.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "nodes/pathnodes.h"
#include "nodes/supportnodes.h"
#include "optimizer/optimizer.h"
#include "parser/parse_func.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/selfuncs.h"

typedef struct SupportedFunction
{
	const char *name;
	int			strategy_b_indexed;	/* index on the second argument */
	int			strategy_a_indexed;	/* index on the first argument */
	const char *wrapper;		/* builds the query value with its threshold */
} SupportedFunction;

static const SupportedFunction supported[] = {
	{"fingerprint_contained", FP_STRATEGY_CONTAINS_T, FP_STRATEGY_CONTAINED_T, "fingerprint_with_threshold"},
	{"fingerprint_similar", FP_STRATEGY_SIMILAR_T, FP_STRATEGY_SIMILAR_T, "fingerprint_with_threshold"},
	{"minhash_similar", MH_STRATEGY_SIMILAR_T, MH_STRATEGY_SIMILAR_T, "minhash_with_threshold"},
};

/* The entry of a supported function, or NULL. */
static const SupportedFunction *
supported_function(Oid funcid)
{
	char	   *fname = get_func_name(funcid);

	for (int i = 0; fname && i < lengthof(supported); i++)
		if (strcmp(fname, supported[i].name) == 0)
			return &supported[i];
	return NULL;
}

/*
 * The share of rows (or of pairs, in a join) whose similarity reaches the
 * threshold t.  A pair is taken to be a copy (or a near-duplicate) with
 * probability DEFAULT_MATCHING_SEL, the 1 % PostgreSQL assumes for matching
 * operators (LIKE, pg_trgm's %), and a copy's share to be spread evenly over
 * 0..1, so it reaches t with probability 1 - t; unrelated texts share next
 * to nothing.  A threshold of 0 or less keeps every row; one that is not
 * known at planning time gets the plain 1 %.
 */
static Selectivity
selectivity_at(double t)
{
	if (isnan(t))
		return DEFAULT_MATCHING_SEL;	/* an error at run time */
	if (t <= 0.0)
		return 1.0;
	return DEFAULT_MATCHING_SEL * Max(1.0 - t, 0.01);
}

/* The same, from the threshold argument as the planner sees it. */
static Selectivity
threshold_selectivity(PlannerInfo *root, Node *thr)
{
	Node	   *t;

	if (exprType(thr) != FLOAT8OID)
		return DEFAULT_MATCHING_SEL;	/* not a function of ours */
	t = estimate_expression_value(root, thr);
	if (!IsA(t, Const))
		return DEFAULT_MATCHING_SEL;
	if (((Const *) t)->constisnull)
		return 0.0;				/* STRICT: NULL, no row */
	return selectivity_at(DatumGetFloat8(((Const *) t)->constvalue));
}

/*
 * "fingerprint" or "minhash" when typid is that type of the extension (the
 * schema of the estimator's own function), else NULL.  The estimator reads
 * the constant as the type it names, so it must not trust the operator it
 * was attached to: one of another type would be read as a fingerprint.
 */
static const char *
sketch_type_of(Oid estimator, Oid typid)
{
	static const char *const names[] = {"fingerprint", "minhash"};

	for (int i = 0; i < lengthof(names); i++)
		if (llmcopy_own_type(estimator, names[i]) == typid)
			return names[i];
	return NULL;
}

/*
 * The same estimate for the operators of the index conditions (idx %>#
 * query, <%#, %#), from the threshold the query operand carries: the second
 * argument of fingerprint_with_threshold() or minhash_with_threshold(), or
 * the threshold in the header of a constant.  The index scan's row count
 * then agrees with the function it stands for; with PostgreSQL's 1 %
 * whatever the threshold, a shard behind postgres_fdw priced each probe
 * high enough that the router fetched every row instead.  One function
 * serves as restriction and as join estimator (the first three arguments
 * are the same).
 */
PG_FUNCTION_INFO_V1(llmcopy_threshold_sel);
Datum
llmcopy_threshold_sel(PG_FUNCTION_ARGS)
{
	PlannerInfo *root = (PlannerInfo *) PG_GETARG_POINTER(0);
	List	   *args = (List *) PG_GETARG_POINTER(2);
	Node	   *q;
	char	   *fname;
	const char *kind;
	bool		has;
	double		t;

	if (list_length(args) != 2)
		PG_RETURN_FLOAT8(DEFAULT_MATCHING_SEL);
	q = estimate_expression_value(root, (Node *) lsecond(args));
	if (is_funcclause(q) && list_length(((FuncExpr *) q)->args) == 2 &&
		(fname = get_func_name(((FuncExpr *) q)->funcid)) != NULL)
	{
		for (int i = 0; i < lengthof(supported); i++)
			if (strcmp(fname, supported[i].wrapper) == 0)
				PG_RETURN_FLOAT8(threshold_selectivity(root, (Node *) lsecond(((FuncExpr *) q)->args)));
		PG_RETURN_FLOAT8(DEFAULT_MATCHING_SEL);
	}
	if (!IsA(q, Const))
		PG_RETURN_FLOAT8(DEFAULT_MATCHING_SEL);
	if (((Const *) q)->constisnull)
		PG_RETURN_FLOAT8(0.0);
	kind = sketch_type_of(fcinfo->flinfo->fn_oid, ((Const *) q)->consttype);
	if (kind == NULL)
		PG_RETURN_FLOAT8(DEFAULT_MATCHING_SEL);	/* not one of ours: never read it */
	if (strcmp(kind, "minhash") == 0)
	{
		MinHash    *m = (MinHash *) PG_DETOAST_DATUM(((Const *) q)->constvalue);

		has = (m->flags & MH_HAS_THRESHOLD) != 0;
		t = m->threshold;
	}
	else
	{
		Fingerprint *f = DatumGetFingerprintP(((Const *) q)->constvalue);

		has = (f->flags & FP_HAS_THRESHOLD) != 0;
		t = f->threshold;
	}
	/* a value without a threshold is an error when the operator runs */
	PG_RETURN_FLOAT8(has ? selectivity_at(t) : DEFAULT_MATCHING_SEL);
}

PG_FUNCTION_INFO_V1(llmcopy_index_support);
Datum
llmcopy_index_support(PG_FUNCTION_ARGS)
{
	Node	   *rawreq = (Node *) PG_GETARG_POINTER(0);
	SupportRequestIndexCondition *req;
	const SupportedFunction *fn;
	FuncExpr   *clause;
	Node	   *idxarg,
			   *other,
			   *thr;
	char	   *schema;
	int			strategy;
	Oid			argtype,
				opno,
				wrapfn;
	Oid			argtypes[2];
	Relids		relids;
	Expr	   *query;

	if (IsA(rawreq, SupportRequestSelectivity))
	{
		SupportRequestSelectivity *sreq = (SupportRequestSelectivity *) rawreq;

		if (supported_function(sreq->funcid) == NULL || list_length(sreq->args) != 3)
			PG_RETURN_POINTER(NULL);
		sreq->selectivity = threshold_selectivity(sreq->root, (Node *) lthird(sreq->args));
		PG_RETURN_POINTER(sreq);
	}
	if (!IsA(rawreq, SupportRequestIndexCondition))
		PG_RETURN_POINTER(NULL);
	req = (SupportRequestIndexCondition *) rawreq;
	if (!is_funcclause(req->node) || req->indexarg > 1)
		PG_RETURN_POINTER(NULL);
	clause = (FuncExpr *) req->node;
	if (list_length(clause->args) != 3)
		PG_RETURN_POINTER(NULL);
	fn = supported_function(req->funcid);
	if (fn == NULL)
		PG_RETURN_POINTER(NULL);

	idxarg = (Node *) list_nth(clause->args, req->indexarg);
	other = (Node *) list_nth(clause->args, 1 - req->indexarg);
	thr = (Node *) lthird(clause->args);
	strategy = req->indexarg == 1 ? fn->strategy_b_indexed : fn->strategy_a_indexed;
	argtype = exprType(idxarg);
	opno = get_opfamily_member(req->opfamily, argtype, argtype, strategy);
	if (!OidIsValid(opno) || exprType(thr) != FLOAT8OID)
		PG_RETURN_POINTER(NULL);

	/* the query side must be computable before scanning the index */
	relids = req->index->rel->relids;
	if (contain_volatile_functions(other) || contain_volatile_functions(thr) ||
		bms_overlap(pull_varnos(req->root, other), relids) ||
		bms_overlap(pull_varnos(req->root, thr), relids))
		PG_RETURN_POINTER(NULL);

	schema = get_namespace_name(get_func_namespace(req->funcid));
	argtypes[0] = argtype;
	argtypes[1] = FLOAT8OID;
	wrapfn = LookupFuncName(list_make2(makeString(schema), makeString(pstrdup(fn->wrapper))),
							2, argtypes, true);
	if (!OidIsValid(wrapfn))
		PG_RETURN_POINTER(NULL);

	query = (Expr *) makeFuncExpr(wrapfn, argtype, list_make2(other, thr),
								  InvalidOid, InvalidOid, COERCE_EXPLICIT_CALL);
	req->lossy = false;
	PG_RETURN_POINTER(list_make1(make_opclause(opno, BOOLOID, false,
											   (Expr *) idxarg, query,
											   InvalidOid, InvalidOid)));
}
