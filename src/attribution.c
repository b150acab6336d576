/*
 * attribution.c — attribution_agg: a NOTICE-style attribution text from the
 * works an output reproduces, one section per license; its state type,
 * attribution_agg_state.
 *
 * The state is the set of (license, title, author, source) entries, the
 * license already normalized; the final function sorts them and prints
 * each distinct entry once.  While aggregated it is an expanded object
 * (agg_state.c): a list appended to per row.  Its flat form, built when a
 * parallel worker hands it over or Citus sends a shard's state, holds the
 * distinct entries in order, so what travels is no larger than the text it
 * will print; states combine by adding entries.
 */
#include "llmcopy_agg.h"

#include "lc_spdx.h"

#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

static void *
spdx_alloc(void *ctx, size_t size)
{
	return MemoryContextAllocZero((MemoryContext) ctx, size);
}

/* ---- the state ---- */

#define ATTR_NFIELDS 4

/* license (the heading key: a normalized expression), title, author, source */
typedef struct Attribution
{
	char	   *f[ATTR_NFIELDS];
} Attribution;

#define ATTR_LICENSE 0
#define ATTR_TITLE	 1
#define ATTR_AUTHOR	 2
#define ATTR_SOURCE	 3

typedef struct AttrState
{
	ExpandedObjectHeader hdr;	/* first: the state is an expanded object */
	Attribution *v;
	Size		n;
	Size		cap;
	Size		unique;			/* v[0 .. unique) is sorted, with no duplicate */
	Size		flat_size;		/* cached while unique == n and flat_size > 0 */
	Size		trim_at;		/* entries at which repeated ones are dropped (attr_state_trim) */
} AttrState;

/* The fewest entries at which a state drops its repeated ones. */
#define ATTR_TRIM_MIN 1024

/*
 * The flat form, version 1: varlena header, version, three reserved bytes
 * (0), the number of entries, then per entry its four fields (license,
 * title, author, source), each a varint (0 for NULL, else its length in
 * bytes plus one) and its bytes.  The aggregate writes them sorted and
 * distinct.
 */
#define ATTR_STATE_VERSION 1

typedef struct AttrFlat
{
	int32		vl_len_;
	uint8		version;
	uint8		reserved[3];
	uint32		n;
	uint8		data[FLEXIBLE_ARRAY_MEMBER];
} AttrFlat;

#define ATTR_FLAT_HDRSZ offsetof(AttrFlat, data)
#define ATTR_WHAT "attribution_agg"
#define ATTR_TYPE "attribution_agg_state"

static const ExpandedObjectMethods attr_methods;

static AttrState *
attr_state_new(MemoryContext parent)
{
	AttrState  *st = llmcopy_agg_state_new(parent, sizeof(AttrState), &attr_methods);

	st->cap = 8;
	st->v = MemoryContextAlloc(st->hdr.eoh_context, sizeof(Attribution) * st->cap);
	st->trim_at = ATTR_TRIM_MIN;
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

static int
strcmp_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a == NULL) - (b == NULL);	/* NULLs last */
	return strcmp(a, b);
}

/* By license, title, author, source: the order of the printed text. */
static int
attr_cmp(const void *x, const void *y)
{
	const Attribution *a = x,
			   *b = y;
	int			c;

	if ((c = strcmp_null(a->f[ATTR_LICENSE], b->f[ATTR_LICENSE])) != 0)
		return c;
	if ((c = strcmp_null(a->f[ATTR_TITLE], b->f[ATTR_TITLE])) != 0)
		return c;
	if ((c = strcmp_null(a->f[ATTR_AUTHOR], b->f[ATTR_AUTHOR])) != 0)
		return c;
	return strcmp_null(a->f[ATTR_SOURCE], b->f[ATTR_SOURCE]);
}

/* Sort the entries and drop repeated ones (their strings freed). */
static void
attr_state_unique(AttrState *st)
{
	Size		m = 0;

	if (st->unique == st->n)
		return;
	qsort(st->v, st->n, sizeof(Attribution), attr_cmp);
	for (Size i = 0; i < st->n; i++)
	{
		if ((i & 0xFFFF) == 0xFFFF)
			CHECK_FOR_INTERRUPTS();
		if (m > 0 && attr_cmp(&st->v[i], &st->v[m - 1]) == 0)
		{
			for (int f = 0; f < ATTR_NFIELDS; f++)
				if (st->v[i].f[f])
					pfree(st->v[i].f[f]);
			continue;
		}
		st->v[m++] = st->v[i];
	}
	st->n = st->unique = m;
	st->flat_size = 0;
}

/*
 * Drop repeated entries once the list has doubled since they were last
 * dropped: the rows credited are mostly the same few works, and a state
 * that kept every row grew by a hundred bytes a row (a gigabyte for ten
 * million rows of one entry).  It holds at most about twice its distinct
 * entries, and each entry is sorted O(log n) times in all.
 */
static void
attr_state_trim(AttrState *st)
{
	if (st->n < st->trim_at)
		return;
	attr_state_unique(st);
	st->trim_at = Max(2 * st->n, ATTR_TRIM_MIN);
}

static Size
attr_get_flat_size(ExpandedObjectHeader *eoh)
{
	AttrState  *st = (AttrState *) eoh;
	Size		size = ATTR_FLAT_HDRSZ;

	attr_state_unique(st);
	if (st->flat_size > 0)
		return st->flat_size;
	for (Size i = 0; i < st->n; i++)
		for (int f = 0; f < ATTR_NFIELDS; f++)
		{
			Size		len = st->v[i].f[f] ? strlen(st->v[i].f[f]) : 0;

			/* the varint of the length plus one (0: NULL), then the bytes */
			size += llmcopy_varint_len(st->v[i].f[f] ? len + 1 : 0) + len;
		}
	if (size > MaxAllocSize || st->n > PG_UINT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("state of attribution_agg exceeds 1 GB"),
				 errdetail("Partial aggregation sends each worker's or shard's distinct entries in one value.")));
	st->flat_size = size;
	return size;
}

static void
attr_flatten_into(ExpandedObjectHeader *eoh, void *result, Size size)
{
	AttrState  *st = (AttrState *) eoh;
	AttrFlat   *flat = (AttrFlat *) result;
	uint8	   *p = flat->data;

	Assert(size == attr_get_flat_size(eoh));
	memset(flat, 0, ATTR_FLAT_HDRSZ);
	SET_VARSIZE(flat, size);
	flat->version = ATTR_STATE_VERSION;
	flat->n = (uint32) st->n;
	for (Size i = 0; i < st->n; i++)
		for (int f = 0; f < ATTR_NFIELDS; f++)
		{
			const char *v = st->v[i].f[f];
			Size		len = v ? strlen(v) : 0;

			p += llmcopy_varint_write(p, v ? len + 1 : 0);
			if (len > 0)
				memcpy(p, v, len);
			p += len;
		}
	if (p != (uint8 *) flat + size)
		elog(ERROR, "attribution_agg state flattened to the wrong size");
}

static const ExpandedObjectMethods attr_methods = {
	attr_get_flat_size,
	attr_flatten_into
};

/*
 * Why a flat value is not a valid state, or NULL.  Reads every entry: the
 * fields within the value, text in the database's encoding with no zero
 * byte.  (Order and repeats are not checked: the final function sorts and
 * prints each entry once whatever the state holds.)
 */
static const char *
attr_flat_invalid(const AttrFlat *flat, Size len)
{
	const uint8 *p = flat->data;
	const uint8 *end = (const uint8 *) flat + len;

	if (flat->reserved[0] || flat->reserved[1] || flat->reserved[2])
		return "Reserved bytes are set.";
	if (flat->n > (Size) (end - p) / ATTR_NFIELDS)
		return "The header announces more entries than the data holds.";
	for (uint32 i = 0; i < flat->n; i++)
	{
		for (int f = 0; f < ATTR_NFIELDS; f++)
		{
			uint64		l;

			if (!llmcopy_varint_read(&p, end, &l) || (l > 0 && l - 1 > (uint64) (end - p)))
				return "An entry ends past the value.";
			if (l > 0)
			{
				if (memchr(p, '\0', l - 1) != NULL ||
					!pg_verifymbstr((const char *) p, (int) (l - 1), true))
					return "A field is not valid text.";
				p += l - 1;
			}
		}
		if ((i & 0xFFFF) == 0xFFFF)
			CHECK_FOR_INTERRUPTS();
	}
	if (p != end)
		return "Data follows the last entry.";
	return NULL;
}

/* The flat form of a state argument. */
static AttrFlat *
attr_flat_arg(Datum d)
{
	return (AttrFlat *) llmcopy_agg_state_flat(d, &attr_methods);
}

static void
attr_corrupt(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("invalid attribution_agg_state value")));
}

/* Add the entries of another state, copied into this one's context. */
static void
attr_add_state(AttrState *st, Datum other)
{
	ExpandedObjectHeader *eoh = llmcopy_agg_state_get(other, &attr_methods, false);
	MemoryContext ctx = st->hdr.eoh_context;

	if (eoh)
	{
		AttrState  *st2 = (AttrState *) eoh;

		for (Size i = 0; i < st2->n; i++)
		{
			Attribution *a = attr_push(st);

			for (int f = 0; f < ATTR_NFIELDS; f++)
				a->f[f] = st2->v[i].f[f] ? MemoryContextStrdup(ctx, st2->v[i].f[f]) : NULL;
			if ((i & 0xFFFF) == 0xFFFF)
				CHECK_FOR_INTERRUPTS();
		}
	}
	else
	{
		AttrFlat   *flat = attr_flat_arg(other);
		const uint8 *p = flat->data;
		const uint8 *end = (const uint8 *) flat + VARSIZE(flat);

		if (flat->version != ATTR_STATE_VERSION)
			attr_corrupt();
		for (uint32 i = 0; i < flat->n; i++)
		{
			Attribution *a = attr_push(st);

			for (int f = 0; f < ATTR_NFIELDS; f++)
			{
				uint64		l;

				if (!llmcopy_varint_read(&p, end, &l) || (l > 0 && l - 1 > (uint64) (end - p)))
					attr_corrupt();
				if (l > 0)
				{
					a->f[f] = MemoryContextAlloc(ctx, l);
					memcpy(a->f[f], p, l - 1);
					a->f[f][l - 1] = '\0';
					p += l - 1;
				}
			}
			if ((i & 0xFFFF) == 0xFFFF)
				CHECK_FOR_INTERRUPTS();
		}
		if (p != end)
			attr_corrupt();
	}
	attr_state_trim(st);
}

/*
 * The state argument 0 of a transition or combine call: a new one for
 * NULL, the expanded state itself, or a new one holding a flat value.
 */
static AttrState *
attr_state_arg(FunctionCallInfo fcinfo, MemoryContext aggctx)
{
	ExpandedObjectHeader *eoh;
	AttrState  *st;

	if (PG_ARGISNULL(0))
		return attr_state_new(aggctx);
	eoh = llmcopy_agg_state_get(PG_GETARG_DATUM(0), &attr_methods, true);
	if (eoh)
		return (AttrState *) eoh;
	st = attr_state_new(aggctx);
	attr_add_state(st, PG_GETARG_DATUM(0));
	return st;
}

static char *
dup_arg(FunctionCallInfo fcinfo, int i, MemoryContext ctx)
{
	return PG_ARGISNULL(i) ? NULL : MemoryContextStrdup(ctx, TextDatumGetCString(PG_GETARG_DATUM(i)));
}

PG_FUNCTION_INFO_V1(attribution_trans);
Datum
attribution_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = llmcopy_agg_context(fcinfo, ATTR_WHAT);
	AttrState  *st = attr_state_arg(fcinfo, aggctx);
	MemoryContext ctx = st->hdr.eoh_context;
	Attribution *a;

	if (PG_ARGISNULL(1) && PG_ARGISNULL(2) && PG_ARGISNULL(3))
		PG_RETURN_DATUM(EOHPGetRWDatum(&st->hdr));	/* nothing to credit */
	a = attr_push(st);
	a->f[ATTR_AUTHOR] = dup_arg(fcinfo, 1, ctx);
	a->f[ATTR_TITLE] = dup_arg(fcinfo, 2, ctx);
	a->f[ATTR_SOURCE] = dup_arg(fcinfo, 3, ctx);
	if (!PG_ARGISNULL(4))
	{
		/* group by the normalized expression; what cannot be read stays as written */
		lc_spdx_mem mem = {spdx_alloc, CurrentMemoryContext};
		size_t		len;
		char	   *s = llmcopy_text_utf8(PG_GETARG_TEXT_PP(4), &len);
		char		buf[1024];

		if (lc_spdx_correct(s, len, &mem, buf, sizeof buf))
			a->f[ATTR_LICENSE] = MemoryContextStrdup(ctx, buf);
		else
			a->f[ATTR_LICENSE] = MemoryContextStrdup(ctx, TextDatumGetCString(PG_GETARG_DATUM(4)));
	}
	attr_state_trim(st);
	PG_RETURN_DATUM(EOHPGetRWDatum(&st->hdr));
}

PG_FUNCTION_INFO_V1(attribution_combine);
/* State 2's entries added to state 1, whatever form each comes in. */
Datum
attribution_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = llmcopy_agg_context(fcinfo, ATTR_WHAT);
	AttrState  *st;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	st = attr_state_arg(fcinfo, aggctx);
	attr_add_state(st, PG_GETARG_DATUM(1));
	PG_RETURN_DATUM(EOHPGetRWDatum(&st->hdr));
}

PG_FUNCTION_INFO_V1(attribution_final);
/* A NOTICE text: one section per license, entries sorted, duplicates once. */
Datum
attribution_final(PG_FUNCTION_ARGS)
{
	ExpandedObjectHeader *eoh;
	AttrState  *st;
	StringInfoData buf;
	const char *cur = NULL;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	/* FINALFUNC_MODIFY = READ_WRITE: the state may be reordered */
	eoh = llmcopy_agg_state_get(PG_GETARG_DATUM(0), &attr_methods, false);
	if (eoh)
		st = (AttrState *) eoh;
	else
	{
		st = attr_state_new(CurrentMemoryContext);
		attr_add_state(st, PG_GETARG_DATUM(0));
	}
	attr_state_unique(st);
	if (st->n == 0)
		PG_RETURN_NULL();
	initStringInfo(&buf);
	for (Size i = 0; i < st->n; i++)
	{
		Attribution *a = &st->v[i];
		const char *license = a->f[ATTR_LICENSE];
		const char *title = a->f[ATTR_TITLE];
		const char *author = a->f[ATTR_AUTHOR];
		const char *source = a->f[ATTR_SOURCE];

		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (i == 0 || strcmp_null(license, cur) != 0)
		{
			const lc_spdx_entry *e = license ? lc_spdx_find_license(license, strlen(license)) : NULL;

			if (i > 0)
				appendStringInfoChar(&buf, '\n');
			if (license == NULL)
				appendStringInfoString(&buf, "License unknown\n");
			else if (e)
				appendStringInfo(&buf, "%s (%s)\n", e->name, e->id);
			else
				appendStringInfo(&buf, "%s\n", license);
			cur = license;
		}
		appendStringInfoString(&buf, "  - ");
		if (title)
			appendStringInfo(&buf, "\"%s\"", title);
		if (author)
			appendStringInfo(&buf, "%s%s", title ? " by " : "", author);
		if (source)
			appendStringInfo(&buf, "%s%s", (title || author) ? ", " : "", source);
		appendStringInfoChar(&buf, '\n');
	}
	PG_RETURN_TEXT_P(cstring_to_text_with_len(buf.data, buf.len));
}

/* ---- attribution_agg_state: I/O ----
 *
 *   v1 entries=2 {base64}
 *
 * The number of entries, readable, and the flat form's data in base64 (the
 * text form is how Citus sends a shard's state to the coordinator).
 */

PG_FUNCTION_INFO_V1(attribution_agg_state_in);
Datum
attribution_agg_state_in(PG_FUNCTION_ARGS)
{
	const char *str = PG_GETARG_CSTRING(0);
	LitCursor	c;
	AttrFlat   *flat;
	uint64		n;
	Size		len;
	const char *why;

	llmcopy_agg_lit_begin(&c, ATTR_TYPE, str);
	n = llmcopy_lit_field(&c, "entries", PG_UINT32_MAX);
	flat = (AttrFlat *) llmcopy_agg_b64_get(&c, ATTR_FLAT_HDRSZ, &len);
	memset(flat, 0, ATTR_FLAT_HDRSZ);
	SET_VARSIZE(flat, ATTR_FLAT_HDRSZ + len);
	flat->version = ATTR_STATE_VERSION;
	flat->n = (uint32) n;
	if ((why = attr_flat_invalid(flat, VARSIZE(flat))) != NULL)
		llmcopy_lit_error(&c, why);
	PG_RETURN_POINTER(flat);
}

PG_FUNCTION_INFO_V1(attribution_agg_state_out);
Datum
attribution_agg_state_out(PG_FUNCTION_ARGS)
{
	AttrFlat   *flat = attr_flat_arg(PG_GETARG_DATUM(0));
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d entries=%u ", flat->version, flat->n);
	llmcopy_agg_b64_put(&buf, flat->data, VARSIZE(flat) - ATTR_FLAT_HDRSZ);
	PG_RETURN_CSTRING(buf.data);
}

/* binary form: version (1 byte), the number of entries (4), then the data as in the flat form */
#define ATTR_SEND_FIXED 5

PG_FUNCTION_INFO_V1(attribution_agg_state_recv);
Datum
attribution_agg_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	Size		len;
	AttrFlat   *flat = llmcopy_agg_recv_begin(buf, ATTR_TYPE, ATTR_STATE_VERSION, ATTR_SEND_FIXED,
											  ATTR_FLAT_HDRSZ, &len);
	const char *why;

	flat->n = (uint32) pq_getmsgint(buf, 4);
	pq_copymsgbytes(buf, (char *) flat->data, (int) len);
	if ((why = attr_flat_invalid(flat, VARSIZE(flat))) != NULL)
		llmcopy_bin_error(ATTR_TYPE, why);
	PG_RETURN_POINTER(flat);
}

PG_FUNCTION_INFO_V1(attribution_agg_state_send);
Datum
attribution_agg_state_send(PG_FUNCTION_ARGS)
{
	AttrFlat   *flat = attr_flat_arg(PG_GETARG_DATUM(0));
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, flat->version);
	pq_sendint32(&buf, flat->n);
	pq_sendbytes(&buf, (const void *) flat->data, VARSIZE(flat) - ATTR_FLAT_HDRSZ);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}
