/*
 * pg_llmcopy.h — server-side declarations shared by the glue files.
 */
#ifndef PG_LLMCOPY_H
#define PG_LLMCOPY_H

#include "postgres.h"
#include "pg_llmcopy_compat.h"

#include <math.h>
#include "fmgr.h"
#include "utils/memutils.h"

#include "lc_core.h"

/* ---- limits that are not the core's (lc_core.h); all listed by llmcopy_limits() ---- */

#define LLMCOPY_SPAN_MAX_TOKENS (64 * 1024 * 1024)	/* tokens of a text for spans (~40 bytes each) */
#define LLMCOPY_MAX_GAP 1000	/* llmcopy_matches' max_gap */
#define LLMCOPY_GIN_MIN_BITS 8	/* fingerprint_ops (bits = N) */
#define LLMCOPY_GIN_MAX_BITS 32

/* ---- GUCs (pg_llmcopy.c) ---- */
extern double llmcopy_jaccard_threshold;
extern double llmcopy_containment_threshold;
extern bool llmcopy_ascii_fast_path;

/*
 * The type named name in the schema of function fn (one of the extension's
 * own, which lives in the extension's schema), or InvalidOid (pg_llmcopy.c).
 */
extern Oid	llmcopy_own_type(Oid fn, const char *name);

/* ---- encodings (encoding.c) ---- */

/* The text as UTF-8 (converted from the database encoding if needed). */
extern char *llmcopy_text_utf8(text *t, size_t *len);

/* UTF-8 in the database encoding, or NULL if the encoding cannot hold it. */
extern char *llmcopy_utf8_to_server_or_null(const char *s, size_t len, size_t *outlen);

/* "…" if the database encoding has it, else "..." (both UTF-8). */
extern const char *llmcopy_ellipsis(void);

/* ---- tokenizer glue (tokens.c) ---- */

/* palloc-backed allocator whose tick() calls CHECK_FOR_INTERRUPTS() */
extern const lc_env *llmcopy_env(void);

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

/* ---- literal reader and input errors (sketch.c), for every type's text and binary forms ---- */

typedef struct LitCursor
{
	const char *type;
	const char *str;
	const char *p;
} LitCursor;

extern lc_mode llmcopy_lit_begin(LitCursor *c, const char *type, const char *str);
pg_noreturn extern void llmcopy_lit_error(LitCursor *c, const char *why);
extern void llmcopy_lit_skip_spaces(LitCursor *c);
extern uint64 llmcopy_lit_field(LitCursor *c, const char *name, uint64 max);
extern bool llmcopy_lit_threshold(LitCursor *c, double *t);
extern bool llmcopy_lit_open(LitCursor *c);
extern uint64 llmcopy_lit_hex(LitCursor *c, int digits);
extern bool llmcopy_lit_next(LitCursor *c);
extern void llmcopy_lit_end(LitCursor *c);
pg_noreturn extern void llmcopy_bin_error(const char *type, const char *why);

/* ---- thresholds ---- */

/* The one rule for thresholds: a number from 0 to 1. */
static inline bool
llmcopy_threshold_valid(double t)
{
	return !isnan(t) && t >= 0.0 && t <= 1.0;
}

/* A threshold argument, checked (22023); -0 is returned as 0. */
extern double llmcopy_check_threshold(double t);

/* ---- the two sketch types (sketch.c) ----
 *
 * fingerprint and minhash have the same shape: a 32-byte header (format
 * version, mode, shingle size, flags, a size parameter, seed, token count,
 * a value count, a query threshold) and an array of values.  One
 * implementation of their checks, allocation, text and binary I/O, info and
 * threshold builders serves both, driven by a table of per-type facts.
 */

/* The header both types share: on-disk format version 1, native byte order. */
typedef struct LlmcopySketch
{
	int32		vl_len_;
	uint8		version;
	uint8		mode;			/* lc_mode */
	uint8		shingle;		/* fingerprint: k; minhash: ngram */
	uint8		flags;
	uint16		size;			/* fingerprint: w; minhash: num_perm */
	uint16		reserved;		/* 0 */
	uint32		seed;
	uint32		tokens;			/* the text's token count */
	uint32		count;			/* fingerprint: hashes stored; minhash: 0 */
	float8		threshold;		/* query values only (the type's threshold flag) */
} LlmcopySketch;

#define LLMCOPY_SKETCH_HDRSZ sizeof(LlmcopySketch)
StaticAssertDecl(sizeof(LlmcopySketch) == 32, "the sketch header is 32 bytes");

/* One of the two parameters, in the order of the text form. */
typedef struct LlmcopyParam
{
	const char *name;
	bool		shingle;		/* the header's shingle field, else size */
	int			min;
	int			max;
	int			dflt;			/* the default of the SQL constructor */
	bool		option;			/* also an option of the type's GIN opclass */
} LlmcopyParam;

/* The facts of one sketch type. */
typedef struct LlmcopyType
{
	const char *name;			/* "fingerprint" */
	const char *plural;			/* in errors: "fingerprints" */
	const char *noun;			/* one value: "fingerprint", "signature" */
	const char *values;			/* its values: "hashes" */
	const char *builder;		/* "fingerprint(text, k, w, mode)" */
	const char *with_threshold; /* "fingerprint_with_threshold(fp, threshold)" */
	uint8		version;
	LlmcopyParam param[2];
	uint8		threshold_flag;
	uint8		empty_flag;		/* set when there are no values, or 0 */
	uint8		known_flags;
	bool		counted;		/* the header counts the values, else size does */
	bool		ascending;		/* values strictly ascending */
	int			value_bytes;	/* 8 or 4 */
	uint32		max_values;
	const char *opclass;		/* "fingerprint_ops" */
} LlmcopyType;

extern const LlmcopyType llmcopy_fingerprint_type;
extern const LlmcopyType llmcopy_minhash_type;

/* The values of a sketch, and how many there are. */
#define LLMCOPY_SKETCH_VALUES(s) ((char *) (s) + LLMCOPY_SKETCH_HDRSZ)
extern uint32 llmcopy_sketch_nvalues(const LlmcopyType *ty, const LlmcopySketch *s);

/* The two parameters, checked (22023). */
extern void llmcopy_check_params(const LlmcopyType *ty, int shingle, int size);

/* A new value with the parameters (mode, shingle, size, seed, tokens) of params and room for n values. */
extern LlmcopySketch *llmcopy_sketch_alloc(const LlmcopyType *ty, const LlmcopySketch *params,
										   uint32 n);

/* Builds a value from UTF-8 text with the header params (parameters checked, tokens 0). */
typedef LlmcopySketch *(*LlmcopySketchBuild) (LlmcopySketch params, const char *s, size_t len);

/*
 * A constructor <type>(text, param[0], param[1], mode): its arguments
 * checked (seed 0) and the value built, or a copy of the one its call site
 * built last from the same text and arguments (the memo, sketch.c).
 */
extern Datum llmcopy_sketch_make(const LlmcopyType *ty, FunctionCallInfo fcinfo,
								 LlmcopySketchBuild build);

/*
 * The value build makes of text t with the header params (checked), or a
 * copy of the one the call site built last from the same text and params:
 * for constructors whose arguments are not llmcopy_sketch_make's.
 */
extern Datum llmcopy_sketch_memo(const LlmcopyType *ty, FunctionCallInfo fcinfo, text *t,
								 const LlmcopySketch *params, LlmcopySketchBuild build);

/* Values built with different parameters are never compared (22000). */
extern void llmcopy_check_match(const LlmcopyType *ty, const LlmcopySketch *a,
								const LlmcopySketch *b);

/* The threshold a query value carries, or an error naming its builder. */
extern double llmcopy_query_threshold(const LlmcopyType *ty, const LlmcopySketch *q);

/*
 * The parameters a GIN index of a sketch type is built for: options of its
 * opclass (the shingle and size parameters that are options, mode, seed),
 * so that a value or a query built otherwise is an error on the index path
 * as it is on a sequential scan, not an empty answer.
 */
typedef struct LlmcopyIndexParams
{
	int			shingle;
	int			size;
	int			mode;
	int			seed;
} LlmcopyIndexParams;

struct local_relopts;

/* Adds the parameter options to an opclass's options (opclass options function). */
extern void llmcopy_index_param_options(struct local_relopts *relopts, const LlmcopyType *ty,
										int offset);

/* The header an index's parameters describe; size for types whose size is no option. */
extern LlmcopySketch llmcopy_index_sketch(const LlmcopyType *ty, const LlmcopyIndexParams *p,
										  int size);

/* A value to index: an error (22000) unless built with the index's parameters. */
extern void llmcopy_index_check_value(const LlmcopyType *ty, const LlmcopySketch *idx,
									  const LlmcopySketch *v);

/*
 * The longest text form of a value: PostgreSQL's 1 GB limit, less room
 * for the other columns of a row in a COPY line or a result message.  A
 * fingerprint may hold no more hashes than this lets print.
 */
#define LLMCOPY_TEXT_LIMIT ((Size) MaxAllocSize - 1024)
#define LLMCOPY_TEXT_HEADER_MAX 128		/* "v1 text k=.. w=.. ... threshold=... " */

/* ---- fingerprint type (fingerprint.c) ---- */

#define FINGERPRINT_VERSION 1
#define FINGERPRINT_SEED 0

/* flags */
#define FP_HAS_THRESHOLD 0x01	/* a query value carrying its threshold */
#define FP_KNOWN_FLAGS	 FP_HAS_THRESHOLD

/*
 * On-disk format, version 1: the sketch header with shingle = k, size = w
 * and count = the number of hashes, then that many uint64 k-gram hashes,
 * sorted ascending and unique.
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

StaticAssertDecl(offsetof(Fingerprint, k) == offsetof(LlmcopySketch, shingle) &&
				 offsetof(Fingerprint, w) == offsetof(LlmcopySketch, size) &&
				 offsetof(Fingerprint, nhashes) == offsetof(LlmcopySketch, count) &&
				 offsetof(Fingerprint, threshold) == offsetof(LlmcopySketch, threshold) &&
				 offsetof(Fingerprint, hashes) == sizeof(LlmcopySketch),
				 "a fingerprint starts with the sketch header");

#define FINGERPRINT_HDRSZ offsetof(Fingerprint, hashes)
#define FINGERPRINT_SIZE(n) (FINGERPRINT_HDRSZ + sizeof(uint64) * (Size) (n))
/* each hash takes 17 characters of the text form ("%016x,") */
#define FINGERPRINT_MAX_HASHES ((LLMCOPY_TEXT_LIMIT - LLMCOPY_TEXT_HEADER_MAX) / 17)

#define DatumGetFingerprintP(d) ((Fingerprint *) PG_DETOAST_DATUM(d))
#define PG_GETARG_FINGERPRINT_P(n) DatumGetFingerprintP(PG_GETARG_DATUM(n))
#define PG_RETURN_FINGERPRINT_P(p) PG_RETURN_POINTER(p)

/* A new fingerprint with the parameters of params and room for n hashes (54000 past the limit). */
static inline Fingerprint *
fingerprint_alloc(const Fingerprint *params, uint32 n)
{
	return (Fingerprint *) llmcopy_sketch_alloc(&llmcopy_fingerprint_type,
												(const LlmcopySketch *) params, n);
}

static inline void
fingerprint_check_match(const Fingerprint *a, const Fingerprint *b)
{
	llmcopy_check_match(&llmcopy_fingerprint_type, (const LlmcopySketch *) a,
						(const LlmcopySketch *) b);
}

extern double llmcopy_fingerprint_containment(const Fingerprint *a, const Fingerprint *b);
extern double llmcopy_fingerprint_jaccard(const Fingerprint *a, const Fingerprint *b);

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
 * On-disk format, version 1: the sketch header with shingle = ngram, size =
 * num_perm and count = 0, then num_perm uint32 values (none when MH_EMPTY).
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
	uint32		count;			/* 0 */
	float8		threshold;
	uint32		values[FLEXIBLE_ARRAY_MEMBER];
} MinHash;

StaticAssertDecl(offsetof(MinHash, ngram) == offsetof(LlmcopySketch, shingle) &&
				 offsetof(MinHash, num_perm) == offsetof(LlmcopySketch, size) &&
				 offsetof(MinHash, threshold) == offsetof(LlmcopySketch, threshold) &&
				 offsetof(MinHash, values) == sizeof(LlmcopySketch),
				 "a signature starts with the sketch header");

#define PG_GETARG_MINHASH_P(n) ((MinHash *) PG_DETOAST_DATUM(PG_GETARG_DATUM(n)))

extern double llmcopy_minhash_jaccard(const MinHash *a, const MinHash *b);

/* LSH bands (lsh_bands.c): the hash of one band, and the bands x rows rule. */
extern uint64 llmcopy_minhash_band_hash(const MinHash *m, int band, int rows);
extern void llmcopy_minhash_check_bands(const char *what, int bands, int rows, int num_perm);

/* GIN strategy numbers of minhash_ops; mirrored in the extension script. */
#define MH_STRATEGY_SIMILAR			1	/* idx %  q : estimate >= GUC */
#define MH_STRATEGY_SIMILAR_T		2	/* idx %# q : estimate >= q.threshold */

#endif							/* PG_LLMCOPY_H */
