/*
 * pg_llmcopy.h — server-side declarations shared by the glue files.
 */
#ifndef PG_LLMCOPY_H
#define PG_LLMCOPY_H

#include "postgres.h"
#include "pg_llmcopy_compat.h"

#include <math.h>
#include "fmgr.h"

#include "lc_core.h"

/* ---- GUCs (pg_llmcopy.c) ---- */
extern double llmcopy_jaccard_threshold;
extern double llmcopy_containment_threshold;
extern bool llmcopy_ascii_fast_path;

/* ---- tokenizer glue (tokens.c) ---- */

/* palloc-backed allocator whose tick() calls CHECK_FOR_INTERRUPTS() */
extern const lc_env *llmcopy_env(void);

/* The text as UTF-8 (converted from the database encoding if needed). */
extern char *llmcopy_text_utf8(text *t, size_t *len);

/* Parse a mode name, with an error naming the allowed modes. */
extern lc_mode llmcopy_parse_mode(text *mode);

/* Tokenize UTF-8, raising an error if the core reports one. */
extern void llmcopy_tokenize(const char *s, size_t len, lc_mode mode,
							 lc_tok_fn fn, void *arg);

/* Tokenize, hash and winnow or sketch in one pass (lc_tokenize_sketch), raising errors. */
extern void llmcopy_sketch(const char *s, size_t len, lc_mode mode, lc_winnow *win,
						   lc_minhash *mh, uint64 seed, uint64 *ntokens);

/* ---- evidence spans (spans.c) ---- */

/* A text's tokens: hashes and offsets, 0-based, ends exclusive. */
typedef struct TokArray
{
	uint64	   *hash;
	uint32	   *cstart;			/* 0-based character offset */
	uint32	   *cend;
	uint32	   *bstart;			/* byte offset in the UTF-8 text */
	uint32	   *bend;
	size_t		n;
	size_t		cap;
	const char *which;
} TokArray;

extern void llmcopy_tokarray_fill(TokArray *ta, text *t, lc_mode mode, const char *which,
								  char **utf8);
extern void llmcopy_check_span_params(int32 min_tokens, int32 max_gap);
extern lc_span_list llmcopy_spans_of(const TokArray *a, const TokArray *b, int min_tokens,
									 int max_gap);

/* ---- literal reader and input errors (typeio.c) ---- */

typedef struct LitCursor
{
	const char *type;
	const char *str;
	const char *p;
} LitCursor;

extern lc_mode lit_begin(LitCursor *c, const char *type, const char *str);
pg_noreturn extern void lit_error(LitCursor *c, const char *why);
extern void lit_skip_spaces(LitCursor *c);
extern uint64 lit_field(LitCursor *c, const char *name, uint64 max);
extern bool lit_threshold(LitCursor *c, double *t);
extern bool lit_open(LitCursor *c);
extern uint64 lit_hex(LitCursor *c, int digits);
extern bool lit_next(LitCursor *c);
extern void lit_end(LitCursor *c);
pg_noreturn extern void bin_error(const char *type, const char *why);
extern void check_threshold_flag(const char *type, uint8 flags, uint8 flag, double t);

/* The one rule for thresholds: a number from 0 to 1. */
static inline bool
llmcopy_threshold_valid(double t)
{
	return !isnan(t) && t >= 0.0 && t <= 1.0;
}

/* The threshold a query value carries (has), or an error naming its builder. */
extern double llmcopy_query_threshold(bool has, double t, const char *builder);

/* ---- fingerprint type (fingerprint.c) ---- */

#define FINGERPRINT_VERSION 1
#define FINGERPRINT_SEED 0

/* flags */
#define FP_HAS_THRESHOLD 0x01	/* a query value carrying its threshold */
#define FP_KNOWN_FLAGS	 FP_HAS_THRESHOLD

/*
 * On-disk format, version 1 (all fields in native byte order; send/recv use
 * network order):
 *   varlena header, version, mode, k, flags, w, reserved (0), seed,
 *   tokens (the text's token count), nhashes, threshold (float8, used only
 *   when FP_HAS_THRESHOLD), then nhashes uint64 k-gram hashes, sorted
 *   ascending and unique.
 */
typedef struct Fingerprint
{
	int32		vl_len_;
	uint8		version;
	uint8		mode;
	uint8		k;
	uint8		flags;
	uint16		w;
	uint16		reserved;
	uint32		seed;
	uint32		tokens;
	uint32		nhashes;
	float8		threshold;
	uint64		hashes[FLEXIBLE_ARRAY_MEMBER];
} Fingerprint;

#define FINGERPRINT_HDRSZ offsetof(Fingerprint, hashes)
StaticAssertDecl(offsetof(Fingerprint, hashes) == 32, "fingerprint header is 32 bytes");
#define FINGERPRINT_SIZE(n) (FINGERPRINT_HDRSZ + sizeof(uint64) * (Size) (n))
#define FINGERPRINT_MAX_HASHES ((MaxAllocSize - FINGERPRINT_HDRSZ) / sizeof(uint64))

#define DatumGetFingerprintP(d) ((Fingerprint *) PG_DETOAST_DATUM(d))
#define PG_GETARG_FINGERPRINT_P(n) DatumGetFingerprintP(PG_GETARG_DATUM(n))
#define PG_RETURN_FINGERPRINT_P(p) PG_RETURN_POINTER(p)

extern Fingerprint *fingerprint_alloc(const Fingerprint *params, uint32 nhashes);
extern void fingerprint_check_params(int k, int w);
extern void fingerprint_check_match(const Fingerprint *a, const Fingerprint *b);
extern void fingerprint_check_threshold(double t);
extern double fingerprint_query_threshold(const Fingerprint *q);
extern double fingerprint_containment_value(const Fingerprint *a, const Fingerprint *b);
extern double fingerprint_jaccard_value(const Fingerprint *a, const Fingerprint *b);

/*
 * GIN strategy numbers of fingerprint_ops; mirrored exactly in the
 * extension script's CREATE OPERATOR CLASS.
 */
#define FP_STRATEGY_SIMILAR			1	/* idx %   q : jaccard >= GUC */
#define FP_STRATEGY_CONTAINS		2	/* idx %>  q : containment(q, idx) >= GUC */
#define FP_STRATEGY_CONTAINED		3	/* idx <%  q : containment(idx, q) >= GUC */
#define FP_STRATEGY_OVERLAP			4	/* idx &&  q */
#define FP_STRATEGY_CONTAINS_T		5	/* idx %>#  q : containment(q, idx) >= q.threshold */
#define FP_STRATEGY_SIMILAR_T		6	/* idx %#  q : jaccard >= q.threshold */
#define FP_STRATEGY_CONTAINED_T		7	/* idx <%# q : containment(idx, q) >= q.threshold */

/* ---- minhash type (minhash.c) ---- */

#define MINHASH_VERSION 1
#define MINHASH_SEED 0

#define MH_EMPTY		 0x01	/* the text had no shingle: no values stored */
#define MH_HAS_THRESHOLD 0x02	/* a query value carrying its threshold */
#define MH_KNOWN_FLAGS	 (MH_EMPTY | MH_HAS_THRESHOLD)

/*
 * On-disk format, version 1: varlena header, version, mode, ngram, flags,
 * num_perm, reserved (0), seed, tokens, threshold (float8, query values
 * only), then num_perm uint32 values (none when MH_EMPTY).
 */
typedef struct MinHash
{
	int32		vl_len_;
	uint8		version;
	uint8		mode;
	uint8		ngram;
	uint8		flags;
	uint16		num_perm;
	uint16		reserved;
	uint32		seed;
	uint32		tokens;
	float8		threshold;
	uint32		values[FLEXIBLE_ARRAY_MEMBER];
} MinHash;

#define MINHASH_SIZE(n) (offsetof(MinHash, values) + sizeof(uint32) * (Size) (n))
#define PG_GETARG_MINHASH_P(n) ((MinHash *) PG_DETOAST_DATUM(PG_GETARG_DATUM(n)))

extern void minhash_check_params(int num_perm, int ngram);
extern void minhash_check_match(const MinHash *a, const MinHash *b);
extern double minhash_jaccard_value(const MinHash *a, const MinHash *b);
extern double minhash_query_threshold(const MinHash *q);

/* LSH bands (lsh_bands.c): the hash of one band, and the bands x rows rule. */
extern uint64 minhash_band_hash(const MinHash *m, int band, int rows);
extern void minhash_check_bands(const char *what, int bands, int rows, int num_perm);

/* GIN strategy numbers of minhash_ops; mirrored in the extension script. */
#define MH_STRATEGY_SIMILAR			1	/* idx %  q : estimate >= GUC */
#define MH_STRATEGY_SIMILAR_T		2	/* idx %# q : estimate >= q.threshold */

#endif							/* PG_LLMCOPY_H */
