/*
 * attribution.c — attribution_agg: a NOTICE-style attribution text from the
 * works an output reproduces, one section per license.
 */
#include "pg_llmcopy.h"

#include "lc_spdx.h"

#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

static void *
spdx_alloc(void *ctx, size_t size)
{
	return MemoryContextAllocZero((MemoryContext) ctx, size);
}

/* ---- attribution_agg ---- */

typedef struct Attribution
{
	char	   *license;		/* heading key: normalized expression */
	char	   *title;
	char	   *author;
	char	   *source;
} Attribution;

typedef struct AttrState
{
	Attribution *v;
	Size		n;
	Size		cap;
	MemoryContext ctx;
} AttrState;

static char *
dup_arg(FunctionCallInfo fcinfo, int i, MemoryContext ctx)
{
	return PG_ARGISNULL(i) ? NULL : MemoryContextStrdup(ctx, TextDatumGetCString(PG_GETARG_DATUM(i)));
}

PG_FUNCTION_INFO_V1(attribution_trans);
Datum
attribution_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx;
	AttrState  *st;
	Attribution *a;

	if (!AggCheckCallContext(fcinfo, &aggctx))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("attribution_agg functions can only be called as aggregates")));
	if (PG_ARGISNULL(0))
	{
		st = MemoryContextAllocZero(aggctx, sizeof(AttrState));
		st->cap = 64;
		st->v = MemoryContextAllocHuge(aggctx, sizeof(Attribution) * st->cap);
		st->ctx = aggctx;
	}
	else
		st = (AttrState *) PG_GETARG_POINTER(0);
	if (PG_ARGISNULL(1) && PG_ARGISNULL(2) && PG_ARGISNULL(3))
		PG_RETURN_POINTER(st);	/* nothing to credit */
	if (st->n == st->cap)
	{
		st->cap *= 2;
		st->v = repalloc_huge(st->v, sizeof(Attribution) * st->cap);
	}
	a = &st->v[st->n++];
	a->author = dup_arg(fcinfo, 1, aggctx);
	a->title = dup_arg(fcinfo, 2, aggctx);
	a->source = dup_arg(fcinfo, 3, aggctx);
	a->license = NULL;
	if (!PG_ARGISNULL(4))
	{
		/* group by the normalized expression; what cannot be read stays as written */
		lc_spdx_mem mem = {spdx_alloc, CurrentMemoryContext};
		size_t		len;
		char	   *s = llmcopy_text_utf8(PG_GETARG_TEXT_PP(4), &len);
		char		buf[1024];

		if (lc_spdx_correct(s, len, &mem, buf, sizeof buf))
			a->license = MemoryContextStrdup(aggctx, buf);
		else
			a->license = MemoryContextStrdup(aggctx, TextDatumGetCString(PG_GETARG_DATUM(4)));
	}
	PG_RETURN_POINTER(st);
}

static int
strcmp_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a == NULL) - (b == NULL);	/* NULLs last */
	return strcmp(a, b);
}

static int
attr_cmp(const void *x, const void *y)
{
	const Attribution *a = x,
			   *b = y;
	int			c;

	if ((c = strcmp_null(a->license, b->license)) != 0)
		return c;
	if ((c = strcmp_null(a->title, b->title)) != 0)
		return c;
	if ((c = strcmp_null(a->author, b->author)) != 0)
		return c;
	return strcmp_null(a->source, b->source);
}

PG_FUNCTION_INFO_V1(attribution_final);
/* A NOTICE text: one section per license, entries sorted, duplicates once. */
Datum
attribution_final(PG_FUNCTION_ARGS)
{
	AttrState  *st;
	StringInfoData buf;
	const char *cur = NULL;
	bool		first = true;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (AttrState *) PG_GETARG_POINTER(0);
	if (st->n == 0)
		PG_RETURN_NULL();
	qsort(st->v, st->n, sizeof(Attribution), attr_cmp);
	initStringInfo(&buf);
	for (Size i = 0; i < st->n; i++)
	{
		Attribution *a = &st->v[i];

		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (i > 0 && attr_cmp(a, &st->v[i - 1]) == 0)
			continue;
		if (first || strcmp_null(a->license, cur) != 0)
		{
			const lc_spdx_entry *e = a->license ? lc_spdx_find_license(a->license, strlen(a->license)) : NULL;

			if (!first)
				appendStringInfoChar(&buf, '\n');
			if (a->license == NULL)
				appendStringInfoString(&buf, "License unknown\n");
			else if (e)
				appendStringInfo(&buf, "%s (%s)\n", e->name, e->id);
			else
				appendStringInfo(&buf, "%s\n", a->license);
			cur = a->license;
			first = false;
		}
		appendStringInfoString(&buf, "  - ");
		if (a->title)
			appendStringInfo(&buf, "\"%s\"", a->title);
		if (a->author)
			appendStringInfo(&buf, "%s%s", a->title ? " by " : "", a->author);
		if (a->source)
			appendStringInfo(&buf, "%s%s", (a->title || a->author) ? ", " : "", a->source);
		appendStringInfoChar(&buf, '\n');
	}
	PG_RETURN_TEXT_P(cstring_to_text_with_len(buf.data, buf.len));
}
