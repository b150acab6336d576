/*
 * components.c — llmcopy_components(edges_sql): connected components of
 * the pairs a query returns, for near-duplicate groups.
 *
 * The edges are read through a cursor in batches, so they are never all in
 * memory; ids are mapped to dense numbers by an open-addressing table, and
 * a union-find over those numbers keeps each root's smallest id.  Memory is
 * linear in the number of distinct ids (about 40 bytes each).
 */
#include "pg_llmcopy.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#define EDGE_BATCH 10000

typedef struct Components
{
	int64	   *ids;			/* dense number -> id */
	uint32	   *parent;
	int64	   *minid;			/* per root: smallest id of the component */
	uint32		n;
	uint32		cap;
	uint32	   *slots;			/* hash table: dense number + 1, 0 = free */
	uint64		mask;
} Components;

static inline uint64
id_hash(int64 id)
{
	uint64		x = (uint64) id * 0x9E3779B97F4A7C15ULL;

	return x ^ (x >> 31);
}

static void
grow_table(Components *c)
{
	uint64		nslots = (c->mask + 1) * 2;
	uint32	   *slots = MemoryContextAllocExtended(CurrentMemoryContext, nslots * sizeof(uint32),
									   MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	for (uint32 i = 0; i < c->n; i++)
	{
		uint64		h = id_hash(c->ids[i]) & (nslots - 1);

		if ((i & 0xFFFF) == 0xFFFF)
			CHECK_FOR_INTERRUPTS();

		while (slots[h] != 0)
			h = (h + 1) & (nslots - 1);
		slots[h] = i + 1;
	}
	pfree(c->slots);
	c->slots = slots;
	c->mask = nslots - 1;
}

/* The dense number of an id, added if new. */
static uint32
node_of(Components *c, int64 id)
{
	uint64		h = id_hash(id) & c->mask;

	while (c->slots[h] != 0)
	{
		uint32		i = c->slots[h] - 1;

		if (c->ids[i] == id)
			return i;
		h = (h + 1) & c->mask;
	}
	if (c->n == PG_UINT32_MAX - 1)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("llmcopy_components handles at most %u distinct ids", PG_UINT32_MAX - 1)));
	if (c->n == c->cap)
	{
		c->cap = (c->cap > PG_UINT32_MAX / 2) ? PG_UINT32_MAX : c->cap * 2;
		c->ids = repalloc_huge(c->ids, sizeof(int64) * c->cap);
		c->parent = repalloc_huge(c->parent, sizeof(uint32) * c->cap);
		c->minid = repalloc_huge(c->minid, sizeof(int64) * c->cap);
	}
	c->ids[c->n] = id;
	c->parent[c->n] = c->n;
	c->minid[c->n] = id;
	c->slots[h] = c->n + 1;
	c->n++;
	if ((uint64) c->n * 2 > c->mask)
		grow_table(c);
	return c->n - 1;
}

static uint32
find_root(Components *c, uint32 x)
{
	while (c->parent[x] != x)
	{
		c->parent[x] = c->parent[c->parent[x]];	/* path halving */
		x = c->parent[x];
	}
	return x;
}

static void
unite(Components *c, uint32 a, uint32 b)
{
	a = find_root(c, a);
	b = find_root(c, b);
	if (a == b)
		return;
	/* the root with the smaller dense number stays: shallow, deterministic */
	if (b < a)
	{
		uint32		t = a;

		a = b;
		b = t;
	}
	c->parent[b] = a;
	if (c->minid[b] < c->minid[a])
		c->minid[a] = c->minid[b];
}

static int64
column_int(HeapTuple tup, TupleDesc desc, int col)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tup, desc, col, &isnull);

	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the edges query returned a NULL id")));
	switch (TupleDescAttr(desc, col - 1)->atttypid)
	{
		case INT2OID:
			return DatumGetInt16(d);
		case INT4OID:
			return DatumGetInt32(d);
		default:
			return DatumGetInt64(d);
	}
}

PG_FUNCTION_INFO_V1(llmcopy_components);
/* llmcopy_components(edges_sql): rows (id, component), component = smallest id */
Datum
llmcopy_components(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *sql = text_to_cstring(PG_GETARG_TEXT_PP(0));
	MemoryContext work = AllocSetContextCreate(CurrentMemoryContext, "llmcopy_components",
											   ALLOCSET_DEFAULT_SIZES);
	MemoryContext old;
	Components	c;
	SPIPlanPtr	plan;
	Portal		portal;

	InitMaterializedSRF(fcinfo, 0);

	old = MemoryContextSwitchTo(work);
	c.cap = 1024;
	c.n = 0;
	c.ids = palloc(sizeof(int64) * c.cap);
	c.parent = palloc(sizeof(uint32) * c.cap);
	c.minid = palloc(sizeof(int64) * c.cap);
	c.mask = 4095;
	c.slots = palloc0(sizeof(uint32) * (c.mask + 1));
	MemoryContextSwitchTo(old);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	plan = SPI_prepare(sql, 0, NULL);
	if (plan == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("could not prepare the edges query: %s", SPI_result_code_string(SPI_result))));
	if (!SPI_is_cursor_plan(plan))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("the edges query must be a SELECT returning (id, id) rows")));
	portal = SPI_cursor_open(NULL, plan, NULL, NULL, true);
	for (;;)
	{
		TupleDesc	desc;

		CHECK_FOR_INTERRUPTS();
		SPI_cursor_fetch(portal, true, EDGE_BATCH);
		if (SPI_processed == 0)
			break;
		desc = SPI_tuptable->tupdesc;
		if (desc->natts != 2)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("the edges query must return 2 columns, not %d", desc->natts)));
		for (int col = 0; col < 2; col++)
		{
			Oid			t = TupleDescAttr(desc, col)->atttypid;

			if (t != INT2OID && t != INT4OID && t != INT8OID)
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("column %d of the edges query has type %s, not an integer type",
								col + 1, format_type_be(t))));
		}
		old = MemoryContextSwitchTo(work);
		for (uint64 i = 0; i < SPI_processed; i++)
		{
			HeapTuple	tup = SPI_tuptable->vals[i];
			int64		a = column_int(tup, desc, 1);
			int64		b = column_int(tup, desc, 2);

			unite(&c, node_of(&c, a), node_of(&c, b));
		}
		MemoryContextSwitchTo(old);
		SPI_freetuptable(SPI_tuptable);
	}
	SPI_cursor_close(portal);
	SPI_finish();

	for (uint32 i = 0; i < c.n; i++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};

		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		values[0] = Int64GetDatum(c.ids[i]);
		values[1] = Int64GetDatum(c.minid[find_root(&c, i)]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	MemoryContextDelete(work);
	return (Datum) 0;
}
