/*
 * fingerprint_gin.c — GIN opclass fingerprint_ops.
 *
 * Keys are the top `bits` bits of each k-gram hash (opclass option, default
 * LLMCOPY_GIN_DEFAULT_BITS), stored as int4.  Winnowing keeps the smallest
 * hash of each window, so the hashes a fingerprint holds crowd the bottom
 * of their range (three in four have a top hex digit of 0 to 2 at w = 10)
 * and their top bits use a fraction of the keys; with the option `mixed`,
 * a key is the top bits of the hash times an odd constant (a bijection
 * whose top bits depend on every bit of the hash), which spreads the keys
 * over the whole range: fewer hashes share a key, and fewer works come
 * back from a search only to fail the recheck.  Off by default, because an
 * index built without the option keys the top bits (those of 0.1.0 and
 * every index created without it); registration builds its index with it.
 * (A library older than the option ignores it and reads such an index as
 * top-bit keys: it must not serve one.)
 *
 * Most k-gram hashes occur in one document, so full 64-bit keys would give
 * one index tuple per hash; truncated keys share tuples and their posting
 * lists compress, which is what keeps the index small.  The price is that
 * keys are lossy: consistent() never answers "true", only "maybe", and
 * every candidate is rechecked with the exact operator.
 *
 * The parameters the indexed values are built with (k, w, mode, seed) are
 * options too, with the defaults of fingerprint(): a value built otherwise
 * cannot be inserted, and a query built otherwise raises the mismatch error
 * a sequential scan raises, instead of sharing no key and finding nothing.
 *
 * Threshold strategies need an upper bound on |q ∩ x| from the matched keys.
 * Several query hashes may share a key, so each key carries its multiplicity
 * (extra_data) and the bound is the sum over matched keys.  Since
 * jaccard(x, q) <= |q ∩ x| / |q| and containment(q, x) = |q ∩ x| / |q|, both
 * use the same test, written as a division exactly as the operators compute
 * it, so rounding can never make the index stricter than the recheck.
 */
#include "pg_llmcopy.h"

#include "access/gin.h"
#include "miscadmin.h"
#include "access/reloptions.h"

#define LLMCOPY_GIN_DEFAULT_BITS 20

typedef struct FpGinOptions
{
	int32		vl_len_;
	int			bits;
	bool		mixed;
	LlmcopyIndexParams params;
} FpGinOptions;

/* What consistent() needs to know about the query, shared by its keys. */
typedef struct FpQueryInfo
{
	double		threshold;		/* <= 0: every row matches */
	uint32		nq;				/* hashes in the query */
	bool		any;			/* strategy needs just one matching key */
} FpQueryInfo;

typedef struct FpKeyExtra
{
	int32		mult;			/* query hashes mapped to this key */
	FpQueryInfo *info;
} FpKeyExtra;

PG_FUNCTION_INFO_V1(gin_fingerprint_options);
Datum
gin_fingerprint_options(PG_FUNCTION_ARGS)
{
	local_relopts *relopts = (local_relopts *) PG_GETARG_POINTER(0);

	init_local_reloptions(relopts, sizeof(FpGinOptions));
	add_local_int_reloption(relopts, "bits",
							"hash bits kept in each index key",
							LLMCOPY_GIN_DEFAULT_BITS, LLMCOPY_GIN_MIN_BITS, LLMCOPY_GIN_MAX_BITS,
							offsetof(FpGinOptions, bits));
	add_local_bool_reloption(relopts, "mixed",
							 "keys from the hash mixed first, spread over every key",
							 false, offsetof(FpGinOptions, mixed));
	llmcopy_index_param_options(relopts, &llmcopy_fingerprint_type,
								offsetof(FpGinOptions, params));
	PG_RETURN_VOID();
}

/* The index's options; their defaults when it has none. */
static FpGinOptions
gin_options(FunctionCallInfo fcinfo)
{
	FpGinOptions o;

	if (PG_HAS_OPCLASS_OPTIONS())
		return *(FpGinOptions *) PG_GET_OPCLASS_OPTIONS();
	memset(&o, 0, sizeof(o));
	o.bits = LLMCOPY_GIN_DEFAULT_BITS;
	o.params.shingle = llmcopy_fingerprint_type.param[0].dflt;
	o.params.size = llmcopy_fingerprint_type.param[1].dflt;
	o.params.mode = LC_MODE_TEXT;
	return o;
}

/* The header of the values the index holds. */
static LlmcopySketch
index_sketch(const FpGinOptions *o)
{
	return llmcopy_index_sketch(&llmcopy_fingerprint_type, &o->params, 0);
}

/* A hash times an odd constant: a bijection whose top bits depend on every bit. */
static inline uint64
mix_hash(uint64 h)
{
	return h * UINT64CONST(0x9E3779B97F4A7C15);
}

/*
 * Keys of a fingerprint, unique; counts[i] = how many hashes map to key i.
 * A key is the top bits of a sorted value, so one pass suffices: the hashes
 * are sorted; mixed, they are not in the order of their products, which
 * are sorted first (whole, so that every byte of the radix sort counts).
 */
static Datum *
fingerprint_keys(const Fingerprint *f, const FpGinOptions *o, int32 *nkeys, int32 **counts)
{
	Datum	   *keys = palloc_extended(sizeof(Datum) * Max(f->nhashes, 1), MCXT_ALLOC_HUGE);
	int32	   *cnt = counts ? palloc_extended(sizeof(int32) * Max(f->nhashes, 1), MCXT_ALLOC_HUGE) : NULL;
	uint64	   *mixed = NULL;
	const uint64 *v = f->hashes;
	int32		n = 0;
	uint32		prev = 0;

	if (o->mixed && f->nhashes > 0)
	{
		mixed = palloc_extended(sizeof(uint64) * f->nhashes, MCXT_ALLOC_HUGE);
		for (uint32 i = 0; i < f->nhashes; i++)
			mixed[i] = mix_hash(f->hashes[i]);
		lc_sort_u64(mixed, f->nhashes, llmcopy_env());
		v = mixed;
	}
	for (uint32 i = 0; i < f->nhashes; i++)
	{
		uint32		key = (uint32) (v[i] >> (64 - o->bits));

		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();

		if (n > 0 && key == prev)
		{
			if (cnt)
				cnt[n - 1]++;
			continue;
		}
		keys[n] = Int32GetDatum((int32) key);
		if (cnt)
			cnt[n] = 1;
		n++;
		prev = key;
	}
	*nkeys = n;
	if (counts)
		*counts = cnt;
	if (mixed)
		pfree(mixed);
	return keys;
}

PG_FUNCTION_INFO_V1(gin_extract_value_fingerprint);
Datum
gin_extract_value_fingerprint(PG_FUNCTION_ARGS)
{
	Fingerprint *f = PG_GETARG_FINGERPRINT_P(0);
	int32	   *nentries = (int32 *) PG_GETARG_POINTER(1);
	FpGinOptions o = gin_options(fcinfo);
	LlmcopySketch idx = index_sketch(&o);

	llmcopy_index_check_value(&llmcopy_fingerprint_type, &idx, (const LlmcopySketch *) f);
	PG_RETURN_POINTER(fingerprint_keys(f, &o, nentries, NULL));
}

PG_FUNCTION_INFO_V1(gin_extract_query_fingerprint);
Datum
gin_extract_query_fingerprint(PG_FUNCTION_ARGS)
{
	Fingerprint *q = PG_GETARG_FINGERPRINT_P(0);
	int32	   *nentries = (int32 *) PG_GETARG_POINTER(1);
	StrategyNumber strategy = PG_GETARG_UINT16(2);
	Pointer   **extra_data = (Pointer **) PG_GETARG_POINTER(4);
	int32	   *searchMode = (int32 *) PG_GETARG_POINTER(6);
	FpQueryInfo *info = palloc0(sizeof(FpQueryInfo));
	FpKeyExtra *extras;
	Datum	   *keys;
	int32	   *counts;
	FpGinOptions o = gin_options(fcinfo);
	LlmcopySketch idx = index_sketch(&o);

	/* the error a sequential scan raises on the first row, whatever the strategy */
	fingerprint_check_match(q, (const Fingerprint *) &idx);
	switch (strategy)
	{
		case FP_STRATEGY_SIMILAR:
			info->threshold = llmcopy_jaccard_threshold;
			break;
		case FP_STRATEGY_CONTAINS:
			info->threshold = llmcopy_containment_threshold;
			break;
		case FP_STRATEGY_CONTAINED:
			info->threshold = llmcopy_containment_threshold;
			info->any = true;
			break;
		case FP_STRATEGY_OVERLAP:
			info->threshold = 1.0;
			info->any = true;
			break;
		case FP_STRATEGY_CONTAINS_T:
		case FP_STRATEGY_SIMILAR_T:
		case FP_STRATEGY_CONTAINED_T:
			info->threshold = llmcopy_query_threshold(&llmcopy_fingerprint_type,
													  (const LlmcopySketch *) q);
			info->any = (strategy == FP_STRATEGY_CONTAINED_T);
			break;
		default:
			elog(ERROR, "fingerprint_ops: unknown strategy number %d", strategy);
	}
	info->nq = q->nhashes;

	/* a threshold of 0 is met by every row, empty ones included */
	if (info->threshold <= 0.0)
	{
		*nentries = 0;
		*searchMode = GIN_SEARCH_MODE_ALL;
		PG_RETURN_POINTER(NULL);
	}

	keys = fingerprint_keys(q, &o, nentries, &counts);
	extras = palloc_extended(sizeof(FpKeyExtra) * Max(*nentries, 1), MCXT_ALLOC_HUGE);
	*extra_data = palloc_extended(sizeof(Pointer) * Max(*nentries, 1), MCXT_ALLOC_HUGE);
	for (int32 i = 0; i < *nentries; i++)
	{
		extras[i].mult = counts[i];
		extras[i].info = info;
		(*extra_data)[i] = (Pointer) &extras[i];
	}
	/* an empty query with a positive threshold matches nothing */
	PG_RETURN_POINTER(keys);
}

/* Whether matched multiplicity can still reach the threshold. */
static inline bool
bound_reaches(const FpQueryInfo *info, int64 matched)
{
	if (info->any)
		return matched > 0;
	return info->nq > 0 && (double) matched / (double) info->nq >= info->threshold;
}

PG_FUNCTION_INFO_V1(gin_consistent_fingerprint);
Datum
gin_consistent_fingerprint(PG_FUNCTION_ARGS)
{
	bool	   *check = (bool *) PG_GETARG_POINTER(0);
	int32		nkeys = PG_GETARG_INT32(3);
	Pointer    *extra_data = (Pointer *) PG_GETARG_POINTER(4);
	bool	   *recheck = (bool *) PG_GETARG_POINTER(5);
	int64		matched = 0;

	*recheck = true;
	if (nkeys == 0)
		PG_RETURN_BOOL(true);	/* GIN_SEARCH_MODE_ALL */
	for (int32 i = 0; i < nkeys; i++)
	{
		if (check[i])
			matched += ((FpKeyExtra *) extra_data[i])->mult;
		if ((i & 0xFFFF) == 0xFFFF)
			CHECK_FOR_INTERRUPTS();
	}
	PG_RETURN_BOOL(bound_reaches(((FpKeyExtra *) extra_data[0])->info, matched));
}

PG_FUNCTION_INFO_V1(gin_triconsistent_fingerprint);
Datum
gin_triconsistent_fingerprint(PG_FUNCTION_ARGS)
{
	GinTernaryValue *check = (GinTernaryValue *) PG_GETARG_POINTER(0);
	int32		nkeys = PG_GETARG_INT32(3);
	Pointer    *extra_data = (Pointer *) PG_GETARG_POINTER(4);
	int64		possible = 0;

	if (nkeys == 0)
		PG_RETURN_GIN_TERNARY_VALUE(GIN_MAYBE);
	for (int32 i = 0; i < nkeys; i++)
	{
		if (check[i] != GIN_FALSE)
			possible += ((FpKeyExtra *) extra_data[i])->mult;
		if ((i & 0xFFFF) == 0xFFFF)
			CHECK_FOR_INTERRUPTS();
	}
	/* keys are lossy: never claim a certain match */
	PG_RETURN_GIN_TERNARY_VALUE(bound_reaches(((FpKeyExtra *) extra_data[0])->info, possible)
								? GIN_MAYBE : GIN_FALSE);
}
