/*
 * minhash.c — the minhash type: construction, Jaccard estimate and
 * operators (its I/O is shared with fingerprint, in sketch.c).  The
 * signature is computed by lc_minhash.c (one-permutation hashing with
 * densification) over the same tokenizer and k-gram hashes as fingerprints.
 */
#include "pg_llmcopy.h"

/* A MinHash signature of UTF-8 text (a LlmcopySketchBuild). */
static LlmcopySketch *
minhash_build(LlmcopySketch params, const char *s, size_t len)
{
	int			num_perm = params.size;
	uint32	   *sig = palloc(sizeof(uint32) * num_perm);
	uint8	   *filled = palloc(num_perm);
	lc_minhash	mh;
	uint64		ntokens;
	MinHash    *m;
	bool		nonempty;

	lc_minhash_init(&mh, num_perm, params.shingle, (lc_mode) params.mode, params.seed, sig, filled);
	llmcopy_sketch(s, len, (lc_mode) params.mode, NULL, &mh, params.seed, &ntokens);
	nonempty = lc_minhash_finish(&mh);
	params.tokens = (uint32) Min(ntokens, PG_UINT32_MAX);
	m = (MinHash *) llmcopy_sketch_alloc(&llmcopy_minhash_type, &params, nonempty ? num_perm : 0);
	if (nonempty)
		memcpy(m->values, sig, sizeof(uint32) * num_perm);
	pfree(sig);
	pfree(filled);
	return (LlmcopySketch *) m;
}

PG_FUNCTION_INFO_V1(minhash_make);
/* minhash(text, num_perm, ngram, mode): a MinHash signature of the text's shingles */
Datum
minhash_make(PG_FUNCTION_ARGS)
{
	return llmcopy_sketch_make(&llmcopy_minhash_type, fcinfo, minhash_build);
}

/* The share of equal bins; 0 when either text had no shingle. */
double
llmcopy_minhash_jaccard(const MinHash *a, const MinHash *b)
{
	int			eq = 0;

	llmcopy_check_match(&llmcopy_minhash_type, (const LlmcopySketch *) a, (const LlmcopySketch *) b);
	if ((a->flags & MH_EMPTY) || (b->flags & MH_EMPTY))
		return 0.0;
	for (int i = 0; i < a->num_perm; i++)
		eq += a->values[i] == b->values[i];
	return (double) eq / (double) a->num_perm;
}

PG_FUNCTION_INFO_V1(minhash_jaccard);
Datum
minhash_jaccard(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(llmcopy_minhash_jaccard(PG_GETARG_MINHASH_P(0), PG_GETARG_MINHASH_P(1)));
}

PG_FUNCTION_INFO_V1(minhash_similar);
/* minhash_similar(a, b, t): estimated jaccard >= t, threshold explicit */
Datum
minhash_similar(PG_FUNCTION_ARGS)
{
	float8		t = llmcopy_check_threshold(PG_GETARG_FLOAT8(2));

	PG_RETURN_BOOL(llmcopy_minhash_jaccard(PG_GETARG_MINHASH_P(0), PG_GETARG_MINHASH_P(1)) >= t);
}

PG_FUNCTION_INFO_V1(minhash_similar_op);
/* a % b: estimated jaccard >= pg_llmcopy.jaccard_threshold */
Datum
minhash_similar_op(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(llmcopy_minhash_jaccard(PG_GETARG_MINHASH_P(0), PG_GETARG_MINHASH_P(1)) >=
				   llmcopy_jaccard_threshold);
}


PG_FUNCTION_INFO_V1(minhash_similar_t_op);
/* idx %# q: estimated jaccard >= q's threshold */
Datum
minhash_similar_t_op(PG_FUNCTION_ARGS)
{
	MinHash    *idx = PG_GETARG_MINHASH_P(0);
	MinHash    *q = PG_GETARG_MINHASH_P(1);

	PG_RETURN_BOOL(llmcopy_minhash_jaccard(idx, q) >=
				   llmcopy_query_threshold(&llmcopy_minhash_type, (const LlmcopySketch *) q));
}
