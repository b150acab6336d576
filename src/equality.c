/*
 * equality.c — equality, ordering and hashing of fingerprints and MinHash
 * signatures, for DISTINCT, GROUP BY, UNION, hash and merge joins (the
 * btree and hash opclasses of both types).
 *
 * Two values are equal when they are the same sketch of the same kind of
 * text: the same format version, mode, parameters and seed, the same token
 * count, and the same hashes (or signature values).  What a value carries
 * only as a query annotation, the threshold of fingerprint_with_threshold()
 * and minhash_with_threshold(), is not part of it: a value and the same
 * value with a threshold are equal and hash alike, as numeric 1.0 and 1.00
 * are.  Values built with different parameters are different values, so
 * `=` says false (and `<` orders them by their parameters) rather than
 * raising the mismatch error of the similarity measures: equality is not a
 * similarity, and no score can be misread.
 *
 * Both types share one implementation: each is first reduced to a view (its
 * identifying header fields packed in three words, and its array of values
 * with the width of one value), and comparison and hashing work on views.
 * The order is by header, then value by value as unsigned numbers, then by
 * length; it has no meaning beyond being total and stable.
 */
#include "pg_llmcopy.h"

#include "common/hashfn.h"
#include "miscadmin.h"

typedef struct SketchView
{
	uint64		head[3];		/* identifying header fields */
	const void *values;			/* hashes (uint64) or signature values (uint32) */
	uint32		nvalues;
	uint8		width;			/* bytes per value: 8 or 4 */
} SketchView;

static SketchView
fingerprint_view(const Fingerprint *f)
{
	SketchView	v;

	v.head[0] = (uint64) f->version | (uint64) f->mode << 8 | (uint64) f->k << 16 |
		(uint64) f->w << 32;
	v.head[1] = (uint64) f->seed << 32 | f->tokens;
	v.head[2] = f->nhashes;
	v.values = f->hashes;
	v.nvalues = f->nhashes;
	v.width = sizeof(uint64);
	return v;
}

static SketchView
minhash_view(const MinHash *m)
{
	SketchView	v;
	bool		empty = (m->flags & MH_EMPTY) != 0;

	v.head[0] = (uint64) m->version | (uint64) m->mode << 8 | (uint64) m->ngram << 16 |
		(uint64) empty << 24 | (uint64) m->num_perm << 32;
	v.head[1] = (uint64) m->seed << 32 | m->tokens;
	v.nvalues = empty ? 0 : m->num_perm;
	v.head[2] = v.nvalues;
	v.values = m->values;
	v.width = sizeof(uint32);
	return v;
}

static inline uint64
view_value(const SketchView *v, uint32 i)
{
	return v->width == sizeof(uint64) ? ((const uint64 *) v->values)[i]
		: ((const uint32 *) v->values)[i];
}

static int
view_cmp(const SketchView *a, const SketchView *b)
{
	uint32		n = Min(a->nvalues, b->nvalues);

	for (int i = 0; i < 3; i++)
		if (a->head[i] != b->head[i])
			return a->head[i] < b->head[i] ? -1 : 1;
	for (uint32 i = 0; i < n; i++)
	{
		uint64		x = view_value(a, i),
					y = view_value(b, i);

		if (x != y)
			return x < y ? -1 : 1;
		if ((i & 0xFFFFF) == 0xFFFFF)
			CHECK_FOR_INTERRUPTS();
	}
	return a->nvalues < b->nvalues ? -1 : a->nvalues > b->nvalues ? 1 : 0;
}

static bool
view_eq(const SketchView *a, const SketchView *b)
{
	return a->head[0] == b->head[0] && a->head[1] == b->head[1] && a->head[2] == b->head[2] &&
		memcmp(a->values, b->values, (Size) a->nvalues * a->width) == 0;
}

/* 64-bit hash; with seed 0 its low 32 bits are the standard hash. */
static uint64
view_hash(const SketchView *v, uint64 seed)
{
	uint64		h = hash_bytes_extended((const unsigned char *) v->head, sizeof(v->head), seed);

	return hash_combine64(h, hash_bytes_extended((const unsigned char *) v->values,
												 (int) ((Size) v->nvalues * v->width), seed));
}

/*
 * The SQL entry points of one type: compare, the six operators, and the
 * two hash functions, all through that type's view.  Equality (which
 * stops at the first differing word) is asked as order 0 of eq_only.
 */
#define SKETCH_EQUALITY_FUNCS(type, CType, getarg, view) \
static int \
type##_compare_args(FunctionCallInfo fcinfo, bool eq_only) \
{ \
	CType	   *a = getarg(0); \
	CType	   *b = getarg(1); \
	SketchView	va = view(a), \
				vb = view(b); \
	int			r = eq_only ? !view_eq(&va, &vb) : view_cmp(&va, &vb); \
\
	PG_FREE_IF_COPY(a, 0); \
	PG_FREE_IF_COPY(b, 1); \
	return r; \
} \
PG_FUNCTION_INFO_V1(type##_cmp); \
Datum type##_cmp(PG_FUNCTION_ARGS) { PG_RETURN_INT32(type##_compare_args(fcinfo, false)); } \
PG_FUNCTION_INFO_V1(type##_lt); \
Datum type##_lt(PG_FUNCTION_ARGS) { PG_RETURN_BOOL(type##_compare_args(fcinfo, false) < 0); } \
PG_FUNCTION_INFO_V1(type##_le); \
Datum type##_le(PG_FUNCTION_ARGS) { PG_RETURN_BOOL(type##_compare_args(fcinfo, false) <= 0); } \
PG_FUNCTION_INFO_V1(type##_gt); \
Datum type##_gt(PG_FUNCTION_ARGS) { PG_RETURN_BOOL(type##_compare_args(fcinfo, false) > 0); } \
PG_FUNCTION_INFO_V1(type##_ge); \
Datum type##_ge(PG_FUNCTION_ARGS) { PG_RETURN_BOOL(type##_compare_args(fcinfo, false) >= 0); } \
PG_FUNCTION_INFO_V1(type##_eq); \
Datum type##_eq(PG_FUNCTION_ARGS) { PG_RETURN_BOOL(type##_compare_args(fcinfo, true) == 0); } \
PG_FUNCTION_INFO_V1(type##_ne); \
Datum type##_ne(PG_FUNCTION_ARGS) { PG_RETURN_BOOL(type##_compare_args(fcinfo, true) != 0); } \
static uint64 \
type##_hash_arg(FunctionCallInfo fcinfo, uint64 seed) \
{ \
	CType	   *a = getarg(0); \
	SketchView	va = view(a); \
	uint64		h = view_hash(&va, seed); \
\
	PG_FREE_IF_COPY(a, 0); \
	return h; \
} \
PG_FUNCTION_INFO_V1(type##_hash); \
Datum type##_hash(PG_FUNCTION_ARGS) { PG_RETURN_UINT32((uint32) type##_hash_arg(fcinfo, 0)); } \
PG_FUNCTION_INFO_V1(type##_hash_extended); \
Datum type##_hash_extended(PG_FUNCTION_ARGS) { PG_RETURN_UINT64(type##_hash_arg(fcinfo, (uint64) PG_GETARG_INT64(1))); }

SKETCH_EQUALITY_FUNCS(fingerprint, Fingerprint, PG_GETARG_FINGERPRINT_P, fingerprint_view)
SKETCH_EQUALITY_FUNCS(minhash, MinHash, PG_GETARG_MINHASH_P, minhash_view)
