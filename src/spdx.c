/*
 * spdx.c — SPDX expressions in SQL: spdx_normalize, spdx_valid, spdx_ids,
 * spdx_satisfies, spdx_correct, spdx_dnf, the compiled-in license list
 * (llmcopy_spdx_list).
 */
#include "pg_llmcopy.h"

#include "lc_spdx.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#define SPDX_MAX_OPTIONS 4096

static void *
spdx_alloc(void *ctx, size_t size)
{
	return MemoryContextAllocZero((MemoryContext) ctx, size);
}

/* Parse in the current memory context; NULL (with err, pos) if invalid. */
static lc_spdx_node *
spdx_parse_text(text *t, char *err, size_t errlen, size_t *pos)
{
	lc_spdx_mem mem = {spdx_alloc, CurrentMemoryContext};
	size_t		len;
	char	   *s = llmcopy_text_utf8(t, &len);

	return lc_spdx_parse(s, len, &mem, pos, err, errlen);
}

/* Parse or raise an error naming the position. */
static lc_spdx_node *
spdx_parse_or_error(text *t)
{
	char		err[256];
	size_t		pos;
	lc_spdx_node *n = spdx_parse_text(t, err, sizeof err, &pos);

	if (n == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid SPDX license expression \"%s\": %s",
						text_to_cstring(t), err)));
	return n;
}

static text *
format_node(const lc_spdx_node *n)
{
	size_t		need = lc_spdx_format(n, NULL, 0);
	char	   *buf = palloc(need + 1);

	lc_spdx_format(n, buf, need + 1);
	return cstring_to_text(buf);
}

PG_FUNCTION_INFO_V1(spdx_normalize);
/* spdx_normalize(expr): canonical form, or an error naming the position */
Datum
spdx_normalize(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(format_node(spdx_parse_or_error(PG_GETARG_TEXT_PP(0))));
}

PG_FUNCTION_INFO_V1(spdx_valid);
/* spdx_valid(expr): whether it parses; never an error */
Datum
spdx_valid(PG_FUNCTION_ARGS)
{
	size_t		pos;

	PG_RETURN_BOOL(spdx_parse_text(PG_GETARG_TEXT_PP(0), NULL, 0, &pos) != NULL);
}

typedef struct ids_state
{
	Tuplestorestate *store;
	TupleDesc	desc;
	List	   *seen;
} ids_state;

static void
collect_ids(const lc_spdx_node *n, ids_state *st)
{
	if (n->kind != LC_SPDX_LICENSE)
	{
		for (int i = 0; i < n->nkids; i++)
			collect_ids(n->kids[i], st);
		return;
	}
	{
		ListCell   *lc;

		foreach(lc, st->seen)
			if (strcmp((const char *) lfirst(lc), n->id) == 0)
				return;
	}
	st->seen = lappend(st->seen, (void *) n->id);
	{
		Datum		v = CStringGetTextDatum(n->id);
		bool		null = false;

		tuplestore_putvalues(st->store, st->desc, &v, &null);
	}
}

PG_FUNCTION_INFO_V1(spdx_ids);
/* spdx_ids(expr): the license ids, in order of first appearance */
Datum
spdx_ids(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	lc_spdx_node *n = spdx_parse_or_error(PG_GETARG_TEXT_PP(0));
	ids_state	st;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	st.store = rsinfo->setResult;
	st.desc = rsinfo->setDesc;
	st.seen = NIL;
	collect_ids(n, &st);
	return (Datum) 0;
}

typedef struct dnf_rows
{
	Tuplestorestate *store;
	TupleDesc	desc;
} dnf_rows;

static void
dnf_row(void *arg, int option, const lc_spdx_node *leaf)
{
	dnf_rows   *r = arg;
	Datum		v[3];
	bool		nulls[3] = {false, false, leaf->exception == NULL};

	v[0] = Int32GetDatum(option + 1);
	v[1] = CStringGetTextDatum(leaf->id);
	v[2] = leaf->exception ? CStringGetTextDatum(leaf->exception) : (Datum) 0;
	tuplestore_putvalues(r->store, r->desc, v, nulls);
}

static int
spdx_dnf_call(const lc_spdx_node *n, lc_spdx_leaf_fn fn, void *arg)
{
	lc_spdx_mem mem = {spdx_alloc, CurrentMemoryContext};
	int			k = lc_spdx_dnf(n, &mem, SPDX_MAX_OPTIONS, fn, arg);

	if (k < 0)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("license expression has more than %d alternatives", SPDX_MAX_OPTIONS)));
	return k;
}

PG_FUNCTION_INFO_V1(spdx_dnf);
/* spdx_dnf(expr): rows (option, license, exception), the expression as OR of ANDs */
Datum
spdx_dnf(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	lc_spdx_node *n = spdx_parse_or_error(PG_GETARG_TEXT_PP(0));
	dnf_rows	r;

	InitMaterializedSRF(fcinfo, 0);
	r.store = rsinfo->setResult;
	r.desc = rsinfo->setDesc;
	spdx_dnf_call(n, dnf_row, &r);
	return (Datum) 0;
}

typedef struct sat_state
{
	lc_spdx_node **allowed;
	int			nallowed;
	int			noptions;
	bool	   *option_ok;		/* per option: every leaf allowed so far */
} sat_state;

static void
sat_leaf(void *arg, int option, const lc_spdx_node *leaf)
{
	sat_state  *st = arg;
	bool		ok = false;

	for (int i = 0; i < st->nallowed && !ok; i++)
		ok = lc_spdx_leaf_satisfied(leaf, st->allowed[i]);
	if (!ok)
		st->option_ok[option] = false;
}

PG_FUNCTION_INFO_V1(spdx_satisfies);
/* spdx_satisfies(expr, allowed[]): some choice of the expression uses only allowed licenses */
Datum
spdx_satisfies(PG_FUNCTION_ARGS)
{
	lc_spdx_node *n = spdx_parse_or_error(PG_GETARG_TEXT_PP(0));
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(1);
	Datum	   *elems;
	bool	   *nulls;
	int			nelems;
	sat_state	st;
	int			k;

	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &nelems);
	st.allowed = palloc(sizeof(lc_spdx_node *) * Max(nelems, 1));
	st.nallowed = 0;
	for (int i = 0; i < nelems; i++)
	{
		lc_spdx_node *a;

		if (nulls[i])
			continue;
		a = spdx_parse_or_error(DatumGetTextPP(elems[i]));
		if (a->kind != LC_SPDX_LICENSE)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("allowed licenses must be single licenses, not \"%s\"",
							TextDatumGetCString(elems[i]))));
		st.allowed[st.nallowed++] = a;
	}
	st.option_ok = palloc(sizeof(bool) * SPDX_MAX_OPTIONS);
	for (int i = 0; i < SPDX_MAX_OPTIONS; i++)
		st.option_ok[i] = true;
	k = spdx_dnf_call(n, sat_leaf, &st);
	for (int i = 0; i < k; i++)
		if (st.option_ok[i])
			PG_RETURN_BOOL(true);
	PG_RETURN_BOOL(false);
}

PG_FUNCTION_INFO_V1(spdx_correct);
/* spdx_correct(text): the best SPDX expression for a messy string, or NULL */
Datum
spdx_correct(PG_FUNCTION_ARGS)
{
	lc_spdx_mem mem = {spdx_alloc, CurrentMemoryContext};
	size_t		len;
	char	   *s = llmcopy_text_utf8(PG_GETARG_TEXT_PP(0), &len);
	char		buf[1024];

	if (!lc_spdx_correct(s, len, &mem, buf, sizeof buf))
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(buf));
}

PG_FUNCTION_INFO_V1(llmcopy_spdx_list);
/* llmcopy_spdx_list(): the compiled-in SPDX license list */
Datum
llmcopy_spdx_list(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < lc_spdx_nlicenses; i++)
	{
		Datum		v[4];
		bool		nulls[4] = {0};

		v[0] = CStringGetTextDatum(lc_spdx_licenses[i].id);
		v[1] = CStringGetTextDatum(lc_spdx_licenses[i].name);
		v[2] = BoolGetDatum(lc_spdx_licenses[i].osi);
		v[3] = BoolGetDatum(lc_spdx_licenses[i].deprecated);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, nulls);
	}
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(llmcopy_spdx_list_version);
Datum
llmcopy_spdx_list_version(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(lc_spdx_list_version));
}
