/*
 * attribution.c — attribution_agg: a NOTICE-style attribution text from the
 * works an output reproduces, one section per license.
 *
 * The state is the list of (license, title, author, source) entries; the
 * final function sorts it and prints each distinct entry once.  Partial
 * states serialize to the list as it is, and combine by concatenation.
 */
#include "pg_llmcopy.h"

#include "lc_spdx.h"

#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
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

static MemoryContext
attr_aggcontext(FunctionCallInfo fcinfo)
{
	MemoryContext aggctx;

	if (!AggCheckCallContext(fcinfo, &aggctx))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("attribution_agg functions can only be called as aggregates")));
	return aggctx;
}

static AttrState *
attr_state_new(MemoryContext ctx)
{
	AttrState  *st = MemoryContextAllocZero(ctx, sizeof(AttrState));

	st->cap = 64;
	st->v = MemoryContextAllocHuge(ctx, sizeof(Attribution) * st->cap);
	st->ctx = ctx;
	return st;
}

/* A new, zeroed entry at the end of the list. */
static Attribution *
attr_push(AttrState *st)
{
	Attribution *a;

	if (st->n == st->cap)
	{
		st->cap *= 2;
		st->v = repalloc_huge(st->v, sizeof(Attribution) * st->cap);
	}
	a = &st->v[st->n++];
	memset(a, 0, sizeof(*a));
	return a;
}

PG_FUNCTION_INFO_V1(attribution_trans);
Datum
attribution_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = attr_aggcontext(fcinfo);
	AttrState  *st;
	Attribution *a;

	st = PG_ARGISNULL(0) ? attr_state_new(aggctx) : (AttrState *) PG_GETARG_POINTER(0);
	if (PG_ARGISNULL(1) && PG_ARGISNULL(2) && PG_ARGISNULL(3))
		PG_RETURN_POINTER(st);	/* nothing to credit */
	a = attr_push(st);
	a->author = dup_arg(fcinfo, 1, aggctx);
	a->title = dup_arg(fcinfo, 2, aggctx);
	a->source = dup_arg(fcinfo, 3, aggctx);
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

/* ---- partial aggregation ---- */

#define ATTR_NFIELDS 4

static inline char **
attr_field(Attribution *a, int i)
{
	switch (i)
	{
		case 0:
			return &a->license;
		case 1:
			return &a->title;
		case 2:
			return &a->author;
		default:
			return &a->source;
	}
}

PG_FUNCTION_INFO_V1(attribution_combine);
/* State 2's entries appended to state 1 (copied into the aggregate's context). */
Datum
attribution_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = attr_aggcontext(fcinfo);
	AttrState  *st;
	AttrState  *st2;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	st2 = (AttrState *) PG_GETARG_POINTER(1);
	st = PG_ARGISNULL(0) ? attr_state_new(aggctx) : (AttrState *) PG_GETARG_POINTER(0);
	for (Size i = 0; i < st2->n; i++)
	{
		Attribution *a = attr_push(st);

		for (int f = 0; f < ATTR_NFIELDS; f++)
		{
			char	   *v = *attr_field(&st2->v[i], f);

			*attr_field(a, f) = v ? MemoryContextStrdup(st->ctx, v) : NULL;
		}
		if ((i & 0xFFFF) == 0xFFFF)
			CHECK_FOR_INTERRUPTS();
	}
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(attribution_serialize);
/* The entries: their number, then per entry license, title, author, source (length or -1, bytes). */
Datum
attribution_serialize(PG_FUNCTION_ARGS)
{
	AttrState  *st = (AttrState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint64(&buf, st->n);
	for (Size i = 0; i < st->n; i++)
	{
		for (int f = 0; f < ATTR_NFIELDS; f++)
		{
			const char *v = *attr_field(&st->v[i], f);

			if (v == NULL)
				pq_sendint32(&buf, -1);
			else
			{
				int			len = strlen(v);

				pq_sendint32(&buf, len);
				pq_sendbytes(&buf, v, len);
			}
		}
		if ((i & 0xFFFF) == 0xFFFF)
			CHECK_FOR_INTERRUPTS();
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(attribution_deserialize);
Datum
attribution_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;
	AttrState  *st;
	uint64		n;

	(void) attr_aggcontext(fcinfo);
	/* read in place; the strings are copied out */
	buf.data = VARDATA_ANY(b);
	buf.len = VARSIZE_ANY_EXHDR(b);
	buf.maxlen = buf.len;
	buf.cursor = 0;
	st = attr_state_new(CurrentMemoryContext);
	n = (uint64) pq_getmsgint64(&buf);
	/* each entry takes at least 16 bytes */
	if (n > (uint64) buf.len / 16)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid partial state of attribution_agg")));
	for (uint64 i = 0; i < n; i++)
	{
		Attribution *a = attr_push(st);

		for (int f = 0; f < ATTR_NFIELDS; f++)
		{
			int			len = pq_getmsgint(&buf, 4);

			if (len < -1)
				ereport(ERROR,
						(errcode(ERRCODE_DATA_CORRUPTED),
						 errmsg("invalid partial state of attribution_agg")));
			if (len >= 0)
				*attr_field(a, f) = pnstrdup(pq_getmsgbytes(&buf, len), len);
		}
	}
	pq_getmsgend(&buf);
	PG_RETURN_POINTER(st);
}
