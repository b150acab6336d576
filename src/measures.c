/*
 * measures.c — fingerprint_units() and fingerprint_words(): fingerprints of
 * whole statements and of words and their stems (the sets are built by
 * lc_measures.c; see lc_measures.h for why they exist).
 *
 * Both return an ordinary fingerprint whose header names the measure by its
 * seed (LC_UNITS_SEED, LC_WORDS_SEED), with k = the shortest unit kept
 * (units) or 1 (words) and w = 1: containment, jaccard, the operators and a
 * fingerprint_ops index built WITH (k = .., w = 1, seed = ..) serve them,
 * and comparing one with a k-gram fingerprint is the usual parameter error.
 * Both go through the constructors' memo of their last call (sketch.c), as
 * fingerprint() does: in a join's recheck the same text comes again.
 */
#include "pg_llmcopy.h"

#include "lc_measures.h"

/*
 * Tokenize s into hs with fn and return the fingerprint of the set; params
 * is its header (mode, k, w = 1, the measure's seed).
 */
static LlmcopySketch *
hashset_fingerprint(LlmcopySketch params, const char *s, size_t len, lc_tok_fn fn)
{
	uint32		seed = params.seed;
	int			k = params.shingle;
	lc_mode		mode = (lc_mode) params.mode;
	bool		skeleton = seed == LC_SKELETON_SEED;
	lc_hashset	hs;
	Fingerprint *f;
	size_t		n;

	lc_hashset_init(&hs, s, seed, k, llmcopy_env(), (size_t) FINGERPRINT_MAX_HASHES);
	if (skeleton)
		lc_hashset_skeleton(&hs);
	llmcopy_tokenize(s, len, mode, fn, &hs);
	/* the limit is on distinct hashes: known once the last are sorted */
	n = lc_hashset_finish(&hs);
	if (hs.overflow)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("text is too large to fingerprint"),
				 errdetail("It has more than %d distinct %s, the most a fingerprint holds.",
						   (int) FINGERPRINT_MAX_HASHES,
						   fn == lc_words_push ? "hashes (a content word has two: as written and its stem)"
						   : "units")));
	if (hs.ntokens > PG_UINT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("text is too large to fingerprint"),
				 errdetail("It has %llu tokens.", (unsigned long long) hs.ntokens)));
	params.tokens = (uint32) hs.ntokens;
	f = fingerprint_alloc((const Fingerprint *) &params, (uint32) n);
	if (n > 0)
		memcpy(f->hashes, hs.out, n * sizeof(uint64));
	if (hs.out)
		pfree(hs.out);
	return (LlmcopySketch *) f;
}

/* The LlmcopySketchBuild of each measure. */
static LlmcopySketch *
units_build(LlmcopySketch params, const char *s, size_t len)
{
	return hashset_fingerprint(params, s, len, lc_units_push);
}

static LlmcopySketch *
words_build(LlmcopySketch params, const char *s, size_t len)
{
	return hashset_fingerprint(params, s, len, lc_words_push);
}

/* The header of a measure's fingerprint, and the value (through the constructors' memo). */
static Datum
measure_make(FunctionCallInfo fcinfo, lc_mode mode, int k, uint32 seed, LlmcopySketchBuild build)
{
	LlmcopySketch params;

	memset(&params, 0, sizeof(params));
	params.version = FINGERPRINT_VERSION;
	params.mode = (uint8) mode;
	params.shingle = (uint8) k;
	params.size = 1;
	params.seed = seed;
	return llmcopy_sketch_memo(&llmcopy_fingerprint_type, fcinfo, PG_GETARG_TEXT_PP(0), &params, build);
}

PG_FUNCTION_INFO_V1(fingerprint_units);
/* fingerprint_units(text, min_tokens, mode): one hash per line or statement */
Datum
fingerprint_units(PG_FUNCTION_ARGS)
{
	int32		min_tokens = PG_GETARG_INT32(1);
	lc_mode		mode = llmcopy_parse_mode(PG_GETARG_TEXT_PP(2));
	bool		names = PG_GETARG_BOOL(3);

	if (min_tokens < LC_UNITS_MIN_TOKENS || min_tokens > LC_UNITS_MAX_TOKENS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("min_tokens must be between %d and %d, not %d",
						LC_UNITS_MIN_TOKENS, LC_UNITS_MAX_TOKENS, min_tokens)));
	return measure_make(fcinfo, mode, min_tokens, names ? LC_UNITS_SEED : LC_SKELETON_SEED, units_build);
}

PG_FUNCTION_INFO_V1(fingerprint_words);
/* fingerprint_words(text): one hash per word as written, one per content word's stem */
Datum
fingerprint_words(PG_FUNCTION_ARGS)
{
	return measure_make(fcinfo, LC_MODE_TEXT, 1, LC_WORDS_SEED, words_build);
}

PG_FUNCTION_INFO_V1(fingerprint_containment_smoothed);
/*
 * containment_smoothed(a, b, prior) = |a ∩ b| / (|a| + prior): containment
 * that a short a cannot win by being short.  Two independent functions of a
 * few statements may share all of them; a copy shares many.  It is never
 * above containment(a, b), so fingerprint_contained(a, b, t) is a condition
 * an index can serve before it.
 */
Datum
fingerprint_containment_smoothed(PG_FUNCTION_ARGS)
{
	Fingerprint *a = PG_GETARG_FINGERPRINT_P(0);
	Fingerprint *b = PG_GETARG_FINGERPRINT_P(1);
	int32		prior = PG_GETARG_INT32(2);
	double		c;

	if (prior < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("prior must not be negative, not %d", prior)));
	c = llmcopy_fingerprint_containment(a, b);
	if (a->nhashes == 0)
		PG_RETURN_FLOAT8(0.0);
	PG_RETURN_FLOAT8(c * (double) a->nhashes / ((double) a->nhashes + (double) prior));
}
