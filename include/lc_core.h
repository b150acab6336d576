/*
 * lc_core.h — the pure-C core of pg_llmcopy (no postgres.h).
 *
 * The core turns UTF-8 buffers into tokens, token hashes, k-gram hashes and
 * winnowed fingerprints.  It never allocates behind the caller's back: all
 * memory comes from the lc_env allocator, and lc_env.tick is called at least
 * every LC_TICK_BYTES of input so the caller can honour query cancel (the
 * server glue calls CHECK_FOR_INTERRUPTS there, which may longjmp; the core
 * keeps no state that such a jump would corrupt).
 */
#ifndef LC_CORE_H
#define LC_CORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/*
 * Tokenizer modes; the numbers are stored on disk in value headers (one
 * byte), so a mode keeps its number forever.  'text' and 'code' tokenize as
 * they always did.  'code:<language>' reads comments and strings the way
 * the language does and keeps the case of what it reads (SQL folds its bare
 * words); 'code:auto' guesses the language from the text (lc_guess_lang);
 * the ':kinds' variants replace identifiers by the kind token "<id>"
 * (lc_tokenize.c says which identifiers).
 */
typedef enum lc_mode
{
	LC_MODE_TEXT = 0,
	LC_MODE_CODE = 1,
	LC_MODE_CODE_PYTHON = 2,
	LC_MODE_CODE_JS = 3,
	LC_MODE_CODE_JAVA = 4,
	LC_MODE_CODE_C = 5,
	LC_MODE_CODE_GO = 6,
	LC_MODE_CODE_RUST = 7,
	LC_MODE_CODE_SH = 8,
	LC_MODE_CODE_SQL = 9,
	LC_MODE_CODE_AUTO = 10,
	/* LC_MODE_CODE_PYTHON + LC_MODE_KINDS_OFFSET is 'code:python:kinds', ... */
	LC_MODE_KINDS_OFFSET = 9
} lc_mode;

#define LC_MODE_COUNT 20

/* Languages of the 'code:<language>' modes (LC_LANG_NONE: mode 'code' or 'text'). */
typedef enum lc_lang
{
	LC_LANG_NONE = 0,
	LC_LANG_PYTHON,
	LC_LANG_JS,
	LC_LANG_JAVA,
	LC_LANG_C,
	LC_LANG_GO,
	LC_LANG_RUST,
	LC_LANG_SH,
	LC_LANG_SQL,
	LC_LANG_AUTO
} lc_lang;

#define LC_LANG_COUNT 10

extern lc_lang lc_mode_lang(lc_mode mode);
extern bool lc_mode_kinds(lc_mode mode);
extern const char *lc_lang_name(lc_lang lang);

/* The language a text most likely is in (never LC_LANG_AUTO nor NONE). */
extern lc_lang lc_guess_lang(const char *s, size_t len);

/* The length of the mode name at p: its run of [a-z:]. */
extern size_t lc_mode_name_len(const char *p);

/* "The modes are ...": the sentence that lists the modes, for error hints. */
extern const char *lc_modes_hint(void);

/* How much input (bytes) may pass between two tick() calls. */
#define LC_TICK_BYTES (64 * 1024)

/*
 * Loops that do not walk the input (spans, set operations) count their
 * work instead, one unit per element hashed, compared or moved, and tick
 * every LC_TICK_WORK units: a few milliseconds at most.
 */
#define LC_TICK_WORK (256 * 1024)

typedef struct lc_env
{
	void	   *(*alloc) (void *ctx, size_t size);
	void		(*release) (void *ctx, void *ptr);
	void		(*tick) (void *ctx);
	void	   *ctx;
} lc_env;

/* A work counter that calls env->tick every LC_TICK_WORK units. */
typedef struct lc_ticker
{
	const lc_env *env;
	size_t		work;
} lc_ticker;

static inline void
lc_ticker_init(lc_ticker *tk, const lc_env *env)
{
	tk->env = env;
	tk->work = 0;
}

static inline void
lc_tick_work(lc_ticker *tk, size_t units)
{
	tk->work += units;
	if (tk->work >= LC_TICK_WORK)
	{
		tk->work = 0;
		if (tk->env && tk->env->tick)
			tk->env->tick(tk->env->ctx);
	}
}

/* One token as the tokenizer saw it. */
typedef struct lc_tok
{
	const char *norm;			/* NFKC_Casefold form, UTF-8, not NUL-terminated */
	size_t		normlen;
	size_t		byte_start;		/* 0-based, in the input buffer */
	size_t		byte_len;
	size_t		char_start;		/* 0-based code point offset in the input */
	size_t		char_len;
} lc_tok;

/* Called once per token, in text order. */
typedef void (*lc_tok_fn) (void *arg, const lc_tok *tok);

/* lc_tokenize flags */
#define LC_TOK_NO_FASTPATH	0x01	/* send every chunk through ICU (for tests) */
#define LC_TOK_SHORT_RUNS	0x02	/* runs of LC_RUN_MAX_SHORT bytes (for tests) */

/*
 * Runs.  A run is a stretch of text with no ASCII whitespace and none of
 * the break characters of lc_is_break_char(); no word crosses either, so
 * cutting there changes no token.  A run longer than LC_RUN_MAX bytes is
 * cut every LC_RUN_MAX bytes counted from its own start (each cut moved back
 * to the start of a code point), and no token crosses such a cut: where the
 * cuts fall depends on the run alone, not on where it sits in the text, and
 * both tokenizer paths cut the same way.
 */
#define LC_RUN_MAX (1024 * 1024)
#define LC_RUN_MAX_SHORT 64

/*
 * Normalization runs.  A token is NFKC_Casefolded whole, except across a run
 * of more than LC_NORM_RUN_MAX UTF-16 units none of which has a
 * normalization boundary before it (combining marks by the hundred, which
 * no text holds): such a run is cut every LC_NORM_RUN_MAX units and the
 * pieces normalized alone, so that normalizing it takes linear time.
 */
#define LC_NORM_RUN_MAX 256
/*
 * A long token is also normalized in pieces of about LC_NORM_PIECE_MAX
 * UTF-16 units, cut before a character with a normalization boundary
 * before it (which changes nothing in the result), so that a token of many
 * short runs of marks does not go through ICU in one uninterruptible call.
 */
#define LC_NORM_PIECE_MAX 8192

/* Whether c is one of the characters a run never crosses (besides ASCII whitespace). */
extern bool lc_is_break_char(uint32_t c);

/*
 * Tokenize a UTF-8 buffer.  Returns 0 on success, or -1 with a message in
 * err (input that is not UTF-8, or an ICU failure).
 */
extern int	lc_tokenize(const char *s, size_t len, lc_mode mode, int flags,
						const lc_env *env, lc_tok_fn fn, void *arg,
						char *err, size_t errlen);

extern const char *lc_mode_name(lc_mode mode);

struct lc_winnow;
struct lc_minhash;

/*
 * Tokenize, hash each token (lc_token_hash with seed) and push it into an
 * initialized winnow state or MinHash (the one not NULL), without a call
 * per token; *ntokens = tokens seen.
 */
extern int	lc_tokenize_sketch(const char *s, size_t len, lc_mode mode, int flags,
							   const lc_env *env, struct lc_winnow *win,
							   struct lc_minhash *mh, uint64_t seed,
							   uint64_t *ntokens, char *err, size_t errlen);
extern int	lc_mode_parse(const char *name, size_t len);	/* -1 if unknown */

/* ---- hashing and winnowing ---- */

extern uint64_t lc_token_hash(const char *norm, size_t len, uint64_t seed);

#define LC_MIN_K 1
#define LC_MAX_K 64

/*
 * Rolling k-gram hashes of a token-hash stream; fingerprints and MinHash
 * signatures hash their shingles with it, so both see the same shingle set.
 */
typedef struct lc_kgram
{
	int			k;
	uint64_t	n;				/* tokens pushed */
	uint64_t	roll;			/* rolling polynomial */
	uint64_t	pk;				/* P^k */
	uint64_t	seed;			/* mixes in the seed, mode and k */
	uint64_t	ring[LC_MAX_K]; /* last token hashes */
} lc_kgram;

extern void lc_kgram_init(lc_kgram *g, int k, lc_mode mode, uint64_t seed);

/*
 * Streaming k-gram hashing and winnowing.  Feed token hashes one at a time;
 * selected k-gram hashes are appended to out (deduplicated against the last
 * appended value only; the caller sorts and uniques at the end).
 */
typedef struct lc_winnow
{
	lc_kgram	g;
	int			w;
	uint64_t   *win;			/* last k-gram hashes, ring of win_mask + 1 >= w */
	uint64_t	win_mask;
	uint64_t	last_val;		/* the hash selected at last_pos */
	uint64_t	nkgrams;
	int64_t		last_pos;		/* k-gram index of the last selected hash */
	/* output */
	uint64_t   *out;
	size_t		nout;
	size_t		capout;
	const lc_env *env;
	size_t		maxout;			/* refuse to grow beyond this many hashes */
	bool		overflow;
} lc_winnow;

#define LC_MIN_W 1
#define LC_MAX_W 1024

extern void lc_winnow_init(lc_winnow *st, int k, int w, lc_mode mode,
						   uint64_t seed, const lc_env *env, size_t maxout);
extern void lc_winnow_push(lc_winnow *st, uint64_t tokhash);
/* Finish: sorts and uniques the output; returns the number of hashes. */
extern size_t lc_winnow_finish(lc_winnow *st);

/* ---- MinHash (lc_minhash.c) ---- */

#define LC_MIN_PERM 16
#define LC_MAX_PERM 1024

typedef struct lc_minhash
{
	lc_kgram	g;
	int			K;				/* number of bins (permutations) */
	uint64_t	seed;
	uint64_t	nshingles;
	uint32_t   *sig;			/* K values, caller's memory */
	uint8_t    *filled;			/* K flags, caller's scratch */
} lc_minhash;

extern void lc_minhash_init(lc_minhash *mh, int K, int ngram, lc_mode mode,
							uint64_t seed, uint32_t *sig, uint8_t *filled);
extern void lc_minhash_push(lc_minhash *mh, uint64_t tokhash);
/* Densify; false when the text had no shingle (the signature is empty). */
extern bool lc_minhash_finish(lc_minhash *mh);

/* ---- sorted-set helpers over uint64 arrays ---- */

/* Sort ascending in O(n), calling env->tick (env may be NULL) as it goes. */
extern void lc_sort_u64(uint64_t *a, size_t n, const lc_env *env);
/* Sort and keep one of each value; returns how many remain. */
extern size_t lc_sort_unique_u64(uint64_t *a, size_t n, const lc_env *env);
extern size_t lc_intersect_count(const uint64_t *a, size_t na,
								 const uint64_t *b, size_t nb);
/* Whether the two share an element: the merge stops at the first one. */
extern bool lc_intersect_any(const uint64_t *a, size_t na,
							 const uint64_t *b, size_t nb);
extern size_t lc_union(const uint64_t *a, size_t na, const uint64_t *b,
					   size_t nb, uint64_t *out);
extern size_t lc_intersect(const uint64_t *a, size_t na, const uint64_t *b,
						   size_t nb, uint64_t *out);
extern size_t lc_difference(const uint64_t *a, size_t na, const uint64_t *b,
							size_t nb, uint64_t *out);

/* ---- the same, in blocks with a tick between them (lc_sets.c) ---- */

typedef enum lc_set_kind
{
	LC_SET_UNION,				/* out = a | b; returns its size */
	LC_SET_INTERSECT,			/* out = a & b */
	LC_SET_DIFFERENCE,			/* out = a - b */
	LC_SET_COUNT,				/* |a & b|; out unused */
	LC_SET_OVERLAP				/* 1 if a and b share an element, else 0 */
} lc_set_kind;

extern size_t lc_set_op(lc_set_kind op, const uint64_t *a, size_t na,
						const uint64_t *b, size_t nb, uint64_t *out,
						const lc_env *env);

/* ---- evidence spans (lc_spans.c) ---- */

/* A span: token indexes in a and b, ends exclusive; tokens = matched tokens. */
typedef struct lc_span
{
	size_t		a_start;
	size_t		a_end;
	size_t		b_start;
	size_t		b_end;
	size_t		tokens;
} lc_span;

typedef struct lc_span_list
{
	lc_span    *v;
	size_t		n;
	size_t		cap;
} lc_span_list;

/*
 * The common runs of at least min_tokens tokens of the token-hash sequences
 * a and b, in order of a, not overlapping in a; with max_gap > 0, runs
 * separated by at most max_gap tokens in both are merged.  out->v is from
 * env->alloc (NULL when there is no span).
 */
extern void lc_find_spans(const uint64_t *a, size_t n, const uint64_t *b, size_t m,
						  int min_tokens, int max_gap, const lc_env *env,
						  lc_span_list *out);

/* The length in tokens of the longest common run (exact). */
extern size_t lc_longest_run(const uint64_t *a, size_t n, const uint64_t *b,
							 size_t m, const lc_env *env);

#endif							/* LC_CORE_H */
