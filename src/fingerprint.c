/*
 * fingerprint.c — the fingerprint type: construction, measures and
 * operators (its I/O is shared with minhash, in sketch.c).
 *
 * A fingerprint is the winnowed set of k-gram hashes of a text (see
 * lc_winnow.c), stored sorted and unique so that every set operation is one
 * merge.  Values built with different parameters are never compared: every
 * binary operation checks them first (fingerprint_check_match).
 */
#include "pg_llmcopy.h"

#include <math.h>

#include "utils/builtins.h"

/* Shrink a fingerprint's recorded size after fewer hashes were written. */
static void
fingerprint_set_count(Fingerprint *f, uint32 n)
{
	f->nhashes = n;
	SET_VARSIZE(f, FINGERPRINT_SIZE(n));
}

/* ---- construction ---- */

/* The winnowed k-gram hashes of UTF-8 text (a LlmcopySketchBuild). */
static LlmcopySketch *
fingerprint_build(LlmcopySketch params, const char *s, size_t len)
{
	lc_mode		mode = (lc_mode) params.mode;
	lc_winnow	win;
	uint64		ntokens;
	size_t		n;
	Fingerprint *f;

	/* up to 1 GB of selected hashes before duplicates go; fingerprint_alloc checks the rest */
	lc_winnow_init(&win, params.shingle, params.size, mode, params.seed, llmcopy_env(),
				   2 * (size_t) FINGERPRINT_MAX_HASHES);
	llmcopy_sketch(s, len, mode, &win, NULL, params.seed, &ntokens);
	if (win.overflow || ntokens > PG_UINT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("text is too large to fingerprint"),
				 errdetail("It has %llu tokens.", (unsigned long long) ntokens)));
	n = lc_winnow_finish(&win);
	params.tokens = (uint32) ntokens;
	f = fingerprint_alloc((const Fingerprint *) &params, (uint32) n);
	if (n > 0)
		memcpy(f->hashes, win.out, n * sizeof(uint64));
	if (win.out)
		pfree(win.out);
	return (LlmcopySketch *) f;
}

PG_FUNCTION_INFO_V1(fingerprint_make);
/* fingerprint(text, k, w, mode): winnowed k-gram hashes of a text */
Datum
fingerprint_make(PG_FUNCTION_ARGS)
{
	return llmcopy_sketch_make(&llmcopy_fingerprint_type, fcinfo, fingerprint_build);
}

/* ---- measures ---- */

/* a op b over the hashes, with ticks (lc_set_op); out as lc_set_op's */
static size_t
set_op(lc_set_kind op, const Fingerprint *a, const Fingerprint *b, uint64 *out)
{
	return lc_set_op(op, a->hashes, a->nhashes, b->hashes, b->nhashes, out, llmcopy_env());
}

double
llmcopy_fingerprint_containment(const Fingerprint *a, const Fingerprint *b)
{
	fingerprint_check_match(a, b);
	if (a->nhashes == 0)
		return 0.0;
	return (double) set_op(LC_SET_COUNT, a, b, NULL) / (double) a->nhashes;
}

double
llmcopy_fingerprint_jaccard(const Fingerprint *a, const Fingerprint *b)
{
	size_t		c;

	fingerprint_check_match(a, b);
	c = set_op(LC_SET_COUNT, a, b, NULL);
	if (c == 0)
		return 0.0;
	return (double) c / (double) ((size_t) a->nhashes + b->nhashes - c);
}

PG_FUNCTION_INFO_V1(fingerprint_containment);
/* containment(a, b) = |a ∩ b| / |a|; 0 when a is empty */
Datum
fingerprint_containment(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(llmcopy_fingerprint_containment(PG_GETARG_FINGERPRINT_P(0),
												   PG_GETARG_FINGERPRINT_P(1)));
}

PG_FUNCTION_INFO_V1(fingerprint_jaccard);
/* jaccard(a, b) = |a ∩ b| / |a ∪ b|; 0 when both are empty */
Datum
fingerprint_jaccard(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(llmcopy_fingerprint_jaccard(PG_GETARG_FINGERPRINT_P(0),
											   PG_GETARG_FINGERPRINT_P(1)));
}

PG_FUNCTION_INFO_V1(fingerprint_contained);
/* fingerprint_contained(a, b, t): containment(a, b) >= t, threshold explicit */
Datum
fingerprint_contained(PG_FUNCTION_ARGS)
{
	float8		t = llmcopy_check_threshold(PG_GETARG_FLOAT8(2));

	PG_RETURN_BOOL(llmcopy_fingerprint_containment(PG_GETARG_FINGERPRINT_P(0),
												 PG_GETARG_FINGERPRINT_P(1)) >= t);
}

PG_FUNCTION_INFO_V1(fingerprint_similar);
/* fingerprint_similar(a, b, t): jaccard(a, b) >= t, threshold explicit */
Datum
fingerprint_similar(PG_FUNCTION_ARGS)
{
	float8		t = llmcopy_check_threshold(PG_GETARG_FLOAT8(2));

	PG_RETURN_BOOL(llmcopy_fingerprint_jaccard(PG_GETARG_FINGERPRINT_P(0),
											 PG_GETARG_FINGERPRINT_P(1)) >= t);
}

PG_FUNCTION_INFO_V1(fingerprint_similar_op);
/* a % b: jaccard >= pg_llmcopy.jaccard_threshold */
Datum
fingerprint_similar_op(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(llmcopy_fingerprint_jaccard(PG_GETARG_FINGERPRINT_P(0),
											 PG_GETARG_FINGERPRINT_P(1)) >=
				   llmcopy_jaccard_threshold);
}

PG_FUNCTION_INFO_V1(fingerprint_contained_op);
/* a <% b: containment(a, b) >= pg_llmcopy.containment_threshold */
Datum
fingerprint_contained_op(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(llmcopy_fingerprint_containment(PG_GETARG_FINGERPRINT_P(0),
												 PG_GETARG_FINGERPRINT_P(1)) >=
				   llmcopy_containment_threshold);
}

PG_FUNCTION_INFO_V1(fingerprint_contains_op);
/* b %> a: containment(a, b) >= pg_llmcopy.containment_threshold */
Datum
fingerprint_contains_op(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(llmcopy_fingerprint_containment(PG_GETARG_FINGERPRINT_P(1),
												 PG_GETARG_FINGERPRINT_P(0)) >=
				   llmcopy_containment_threshold);
}

/* The threshold a query value carries (operators %>#, %#, <%#). */
static double
query_threshold(const Fingerprint *q)
{
	return llmcopy_query_threshold(&llmcopy_fingerprint_type, (const LlmcopySketch *) q);
}

PG_FUNCTION_INFO_V1(fingerprint_contains_t_op);
/* idx %># q: containment(q, idx) >= q's threshold */
Datum
fingerprint_contains_t_op(PG_FUNCTION_ARGS)
{
	Fingerprint *idx = PG_GETARG_FINGERPRINT_P(0);
	Fingerprint *q = PG_GETARG_FINGERPRINT_P(1);

	PG_RETURN_BOOL(llmcopy_fingerprint_containment(q, idx) >= query_threshold(q));
}

PG_FUNCTION_INFO_V1(fingerprint_contained_t_op);
/* idx <%# q: containment(idx, q) >= q's threshold */
Datum
fingerprint_contained_t_op(PG_FUNCTION_ARGS)
{
	Fingerprint *idx = PG_GETARG_FINGERPRINT_P(0);
	Fingerprint *q = PG_GETARG_FINGERPRINT_P(1);

	PG_RETURN_BOOL(llmcopy_fingerprint_containment(idx, q) >= query_threshold(q));
}

PG_FUNCTION_INFO_V1(fingerprint_similar_t_op);
/* idx %# q: jaccard(idx, q) >= q's threshold */
Datum
fingerprint_similar_t_op(PG_FUNCTION_ARGS)
{
	Fingerprint *idx = PG_GETARG_FINGERPRINT_P(0);
	Fingerprint *q = PG_GETARG_FINGERPRINT_P(1);

	PG_RETURN_BOOL(llmcopy_fingerprint_jaccard(idx, q) >= query_threshold(q));
}

PG_FUNCTION_INFO_V1(fingerprint_overlap);
/* a && b: at least one shared hash */
Datum
fingerprint_overlap(PG_FUNCTION_ARGS)
{
	Fingerprint *a = PG_GETARG_FINGERPRINT_P(0);
	Fingerprint *b = PG_GETARG_FINGERPRINT_P(1);

	fingerprint_check_match(a, b);
	PG_RETURN_BOOL(set_op(LC_SET_OVERLAP, a, b, NULL) > 0);
}

/* ---- set operators; token counts: | adds, & takes the smaller, - keeps a's ---- */

PG_FUNCTION_INFO_V1(fingerprint_union);
Datum
fingerprint_union(PG_FUNCTION_ARGS)
{
	Fingerprint *a = PG_GETARG_FINGERPRINT_P(0);
	Fingerprint *b = PG_GETARG_FINGERPRINT_P(1);
	Fingerprint *r;

	fingerprint_check_match(a, b);
	/* sized exactly, so that only a union past the limit is refused */
	r = fingerprint_alloc(a, a->nhashes + b->nhashes - (uint32) set_op(LC_SET_COUNT, a, b, NULL));
	r->tokens = (uint32) Min((uint64) a->tokens + b->tokens, PG_UINT32_MAX);
	fingerprint_set_count(r, (uint32) set_op(LC_SET_UNION, a, b, r->hashes));
	PG_RETURN_FINGERPRINT_P(r);
}

PG_FUNCTION_INFO_V1(fingerprint_intersect);
Datum
fingerprint_intersect(PG_FUNCTION_ARGS)
{
	Fingerprint *a = PG_GETARG_FINGERPRINT_P(0);
	Fingerprint *b = PG_GETARG_FINGERPRINT_P(1);
	Fingerprint *r;

	fingerprint_check_match(a, b);
	r = fingerprint_alloc(a, Min(a->nhashes, b->nhashes));
	r->tokens = Min(a->tokens, b->tokens);
	fingerprint_set_count(r, (uint32) set_op(LC_SET_INTERSECT, a, b, r->hashes));
	PG_RETURN_FINGERPRINT_P(r);
}

PG_FUNCTION_INFO_V1(fingerprint_minus);
Datum
fingerprint_minus(PG_FUNCTION_ARGS)
{
	Fingerprint *a = PG_GETARG_FINGERPRINT_P(0);
	Fingerprint *b = PG_GETARG_FINGERPRINT_P(1);
	Fingerprint *r;

	/*
	 * The one exception to matching parameters: b may be a shingle set
	 * (w = 1, every k-gram) of the same k, mode and seed.  Its hashes are
	 * the same k-gram hashes, so subtracting it from a winnowed fingerprint
	 * removes every hash of a shared passage, whichever the windows chose.
	 */
	if (!(b->w == 1 && a->version == b->version && a->mode == b->mode &&
		  a->k == b->k && a->seed == b->seed))
		fingerprint_check_match(a, b);
	r = fingerprint_alloc(a, a->nhashes);
	fingerprint_set_count(r, (uint32) set_op(LC_SET_DIFFERENCE, a, b, r->hashes));
	PG_RETURN_FINGERPRINT_P(r);
}
