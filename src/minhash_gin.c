/*
 * minhash_gin.c — GIN opclass minhash_ops: locality-sensitive hashing.
 *
 * The signature's num_perm values are cut into `bands` bands of `rows`
 * values (opclass options, fixed when the index is built; bands * rows must
 * be num_perm).  Each band becomes one key, a hash of the band number and
 * its values.  Two signatures with Jaccard s share at least one key with
 * probability 1 - (1 - s^rows)^bands (the S-curve); sharing a key makes a
 * row a candidate, and every candidate is rechecked against the threshold,
 * so the index returns no false positive, and misses the pairs the S-curve
 * misses.  The defaults, 16 bands of 8 rows, suit a threshold of 0.8 with
 * 128 permutations: a pair at 0.8 is a candidate with probability 0.95.
 * The signatures' other parameters (ngram, mode, seed) are options too, with
 * the defaults of minhash(): a query built otherwise raises the mismatch
 * error a sequential scan raises, instead of sharing no band.
 */
#include "pg_llmcopy.h"

#include "access/gin.h"
#include "access/reloptions.h"

#include <math.h>

#define MH_DEFAULT_BANDS 16
#define MH_DEFAULT_ROWS 8

typedef struct MhGinOptions
{
	int32		vl_len_;
	int			bands;
	int			rows;
	LlmcopyIndexParams params;
} MhGinOptions;

PG_FUNCTION_INFO_V1(gin_minhash_options);
Datum
gin_minhash_options(PG_FUNCTION_ARGS)
{
	local_relopts *relopts = (local_relopts *) PG_GETARG_POINTER(0);

	init_local_reloptions(relopts, sizeof(MhGinOptions));
	add_local_int_reloption(relopts, "bands", "number of LSH bands",
							MH_DEFAULT_BANDS, 1, LC_MAX_PERM, offsetof(MhGinOptions, bands));
	add_local_int_reloption(relopts, "rows", "signature values per LSH band",
							MH_DEFAULT_ROWS, 1, LC_MAX_PERM, offsetof(MhGinOptions, rows));
	llmcopy_index_param_options(relopts, &llmcopy_minhash_type, offsetof(MhGinOptions, params));
	PG_RETURN_VOID();
}

/* The index's options; their defaults when it has none. */
static MhGinOptions
gin_options(FunctionCallInfo fcinfo)
{
	MhGinOptions o;

	if (PG_HAS_OPCLASS_OPTIONS())
		return *(MhGinOptions *) PG_GET_OPCLASS_OPTIONS();
	memset(&o, 0, sizeof(o));
	o.bands = MH_DEFAULT_BANDS;
	o.rows = MH_DEFAULT_ROWS;
	o.params.shingle = llmcopy_minhash_type.param[1].dflt;
	o.params.mode = LC_MODE_TEXT;
	return o;
}

/* The header of the signatures the index holds. */
static LlmcopySketch
index_sketch(const MhGinOptions *o)
{
	return llmcopy_index_sketch(&llmcopy_minhash_type, &o->params, o->bands * o->rows);
}

/* The band keys of a signature; checks it fits the index's bands and rows. */
static Datum *
band_keys(const MhGinOptions *o, const MinHash *m, int32 *nkeys)
{
	int			bands = o->bands,
				rows = o->rows;
	Datum	   *keys;

	llmcopy_minhash_check_bands("minhash_ops", bands, rows, m->num_perm);
	*nkeys = 0;
	if (m->flags & MH_EMPTY)
		return NULL;
	keys = palloc(sizeof(Datum) * bands);
	for (int b = 0; b < bands; b++)
		keys[b] = Int32GetDatum((int32) (uint32) llmcopy_minhash_band_hash(m, b, rows));
	*nkeys = bands;
	return keys;
}

PG_FUNCTION_INFO_V1(gin_extract_value_minhash);
Datum
gin_extract_value_minhash(PG_FUNCTION_ARGS)
{
	MinHash    *m = PG_GETARG_MINHASH_P(0);
	int32	   *nentries = (int32 *) PG_GETARG_POINTER(1);
	MhGinOptions o = gin_options(fcinfo);
	Datum	   *keys = band_keys(&o, m, nentries);
	LlmcopySketch idx = index_sketch(&o);

	llmcopy_index_check_value(&llmcopy_minhash_type, &idx, (const LlmcopySketch *) m);
	PG_RETURN_POINTER(keys);
}

PG_FUNCTION_INFO_V1(gin_extract_query_minhash);
Datum
gin_extract_query_minhash(PG_FUNCTION_ARGS)
{
	MinHash    *q = PG_GETARG_MINHASH_P(0);
	int32	   *nentries = (int32 *) PG_GETARG_POINTER(1);
	StrategyNumber strategy = PG_GETARG_UINT16(2);
	int32	   *searchMode = (int32 *) PG_GETARG_POINTER(6);
	MhGinOptions o = gin_options(fcinfo);
	LlmcopySketch idx = index_sketch(&o);
	double		t;

	/* the error a sequential scan raises on the first row, whatever the strategy */
	llmcopy_check_match(&llmcopy_minhash_type, (const LlmcopySketch *) q, &idx);
	switch (strategy)
	{
		case MH_STRATEGY_SIMILAR:
			t = llmcopy_jaccard_threshold;
			break;
		case MH_STRATEGY_SIMILAR_T:
			t = llmcopy_query_threshold(&llmcopy_minhash_type, (const LlmcopySketch *) q);
			break;
		default:
			elog(ERROR, "minhash_ops: unknown strategy number %d", strategy);
	}
	if (t <= 0.0)
	{
		/* every row matches, empty signatures included */
		*nentries = 0;
		*searchMode = GIN_SEARCH_MODE_ALL;
		PG_RETURN_POINTER(NULL);
	}
	/* an empty query has no keys and, with a positive threshold, no match */
	PG_RETURN_POINTER(band_keys(&o, q, nentries));
}

PG_FUNCTION_INFO_V1(gin_consistent_minhash);
Datum
gin_consistent_minhash(PG_FUNCTION_ARGS)
{
	bool	   *check = (bool *) PG_GETARG_POINTER(0);
	int32		nkeys = PG_GETARG_INT32(3);
	bool	   *recheck = (bool *) PG_GETARG_POINTER(5);

	*recheck = true;
	if (nkeys == 0)
		PG_RETURN_BOOL(true);
	for (int32 i = 0; i < nkeys; i++)
		if (check[i])
			PG_RETURN_BOOL(true);
	PG_RETURN_BOOL(false);
}

PG_FUNCTION_INFO_V1(gin_triconsistent_minhash);
Datum
gin_triconsistent_minhash(PG_FUNCTION_ARGS)
{
	GinTernaryValue *check = (GinTernaryValue *) PG_GETARG_POINTER(0);
	int32		nkeys = PG_GETARG_INT32(3);

	if (nkeys == 0)
		PG_RETURN_GIN_TERNARY_VALUE(GIN_MAYBE);
	for (int32 i = 0; i < nkeys; i++)
		if (check[i] != GIN_FALSE)
			PG_RETURN_GIN_TERNARY_VALUE(GIN_MAYBE);
	PG_RETURN_GIN_TERNARY_VALUE(GIN_FALSE);
}

PG_FUNCTION_INFO_V1(minhash_lsh_probability);
/* minhash_lsh_probability(s, bands, rows) = 1 - (1 - s^rows)^bands */
Datum
minhash_lsh_probability(PG_FUNCTION_ARGS)
{
	float8		s = PG_GETARG_FLOAT8(0);
	int32		bands = PG_GETARG_INT32(1);
	int32		rows = PG_GETARG_INT32(2);

	s = llmcopy_check_threshold(s);
	if (bands < 1 || rows < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("bands and rows must be at least 1")));
	/* pow() underflows quietly to 0 where SQL's power() would raise */
	PG_RETURN_FLOAT8(1.0 - pow(1.0 - pow(s, rows), bands));
}
