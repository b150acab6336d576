/*
 * fingerprint_agg.c — corpus-level sets: fingerprint_union_agg and
 * fingerprint_common_agg.
 *
 * Both collect every input hash into one growing array in the aggregate's
 * memory context and sort once at the end.  The union compacts (sort and
 * unique) whenever the array doubles, so its memory follows the number of
 * distinct hashes; the common set counts runs of equal hashes after the
 * final sort, so a hash counts once per input value (fingerprints hold
 * each hash at most once).
 */
#include "pg_llmcopy.h"

#include "miscadmin.h"
#include "utils/memutils.h"

typedef struct FpAggState
{
	Fingerprint *params;		/* header of the first input: its parameters */
	bool		have_params;
	uint64	   *hashes;
	Size		n;
	Size		cap;
	Size		compacted;		/* n after the last compaction */
	uint64		tokens;
	int32		min_docs;		/* fingerprint_common_agg's second argument */
	bool		compact;		/* sort-unique as we go (union only) */
} FpAggState;

static FpAggState *
agg_state(FunctionCallInfo fcinfo, bool compact)
{
	MemoryContext aggctx;
	FpAggState *st;

	if (!AggCheckCallContext(fcinfo, &aggctx))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("fingerprint aggregate functions can only be called as aggregates")));
	if (!PG_ARGISNULL(0))
		return (FpAggState *) PG_GETARG_POINTER(0);
	st = MemoryContextAllocZero(aggctx, sizeof(FpAggState));
	st->cap = 1024;
	st->hashes = MemoryContextAllocExtended(aggctx, st->cap * sizeof(uint64), MCXT_ALLOC_HUGE);
	st->params = MemoryContextAllocZero(aggctx, FINGERPRINT_HDRSZ);
	st->compact = compact;
	return st;
}

static void
agg_add(FpAggState *st, Fingerprint *f)
{
	if (!st->have_params)
	{
		memcpy(st->params, f, FINGERPRINT_HDRSZ);
		st->params->flags = 0;
		st->params->threshold = 0;
		st->have_params = true;
	}
	else
		fingerprint_check_match(st->params, f);

	st->tokens += f->tokens;
	if (st->n + f->nhashes > st->cap)
	{
		if (st->compact && st->n > st->compacted)
		{
			st->n = lc_sort_unique_u64(st->hashes, st->n, llmcopy_env());
			st->compacted = st->n;
		}
		while (st->n + f->nhashes > st->cap)
		{
			Size		ncap = st->cap * 2;

			if (ncap * sizeof(uint64) > MaxAllocHugeSize)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("fingerprint aggregate exceeds the memory limit")));
			st->hashes = repalloc_huge(st->hashes, ncap * sizeof(uint64));
			st->cap = ncap;
		}
	}
	memcpy(st->hashes + st->n, f->hashes, f->nhashes * sizeof(uint64));
	st->n += f->nhashes;
}

PG_FUNCTION_INFO_V1(fingerprint_union_trans);
Datum
fingerprint_union_trans(PG_FUNCTION_ARGS)
{
	FpAggState *st = agg_state(fcinfo, true);

	if (!PG_ARGISNULL(1))
		agg_add(st, PG_GETARG_FINGERPRINT_P(1));
	PG_RETURN_POINTER(st);
}

static Fingerprint *
agg_result(FpAggState *st, Size n)
{
	Fingerprint *r;

	st->params->tokens = (uint32) Min(st->tokens, PG_UINT32_MAX);
	r = fingerprint_alloc(st->params, (uint32) Min(n, (Size) PG_UINT32_MAX));
	memcpy(r->hashes, st->hashes, n * sizeof(uint64));
	return r;
}

PG_FUNCTION_INFO_V1(fingerprint_union_final);
Datum
fingerprint_union_final(PG_FUNCTION_ARGS)
{
	FpAggState *st;
	Size		n;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (FpAggState *) PG_GETARG_POINTER(0);
	if (!st->have_params)
		PG_RETURN_NULL();
	n = lc_sort_unique_u64(st->hashes, st->n, llmcopy_env());
	PG_RETURN_FINGERPRINT_P(agg_result(st, n));
}

PG_FUNCTION_INFO_V1(fingerprint_common_trans);
Datum
fingerprint_common_trans(PG_FUNCTION_ARGS)
{
	FpAggState *st = agg_state(fcinfo, false);
	int32		min_docs;

	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("min_docs must not be NULL")));
	min_docs = PG_GETARG_INT32(2);
	if (min_docs < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("min_docs must be at least 1, not %d", min_docs)));
	if (st->min_docs != 0 && st->min_docs != min_docs)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("min_docs must be the same for every row of a group")));
	st->min_docs = min_docs;
	if (!PG_ARGISNULL(1))
		agg_add(st, PG_GETARG_FINGERPRINT_P(1));
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(fingerprint_common_final);
/* The hashes found in at least min_docs of the aggregated fingerprints. */
Datum
fingerprint_common_final(PG_FUNCTION_ARGS)
{
	FpAggState *st;
	Size		i,
				n = 0;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (FpAggState *) PG_GETARG_POINTER(0);
	if (!st->have_params)
		PG_RETURN_NULL();

	/*
	 * Sort in place (the state is not used again) and keep one copy of each
	 * hash whose run of equal values is at least min_docs long.
	 */
	lc_sort_u64(st->hashes, st->n, llmcopy_env());
	for (i = 0; i < st->n;)
	{
		Size		j = i + 1;

		while (j < st->n && st->hashes[j] == st->hashes[i])
			j++;
		if (j - i >= (Size) st->min_docs)
			st->hashes[n++] = st->hashes[i];
		i = j;
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	PG_RETURN_FINGERPRINT_P(agg_result(st, n));
}
