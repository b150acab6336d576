/*
 * lc_measures.h — sets of unit and word hashes (pure C, no postgres.h).
 *
 * Two measures that k-gram fingerprints cannot give, both built from the
 * tokenizer's tokens (lc_tokenize) and stored as fingerprints, so that
 * containment, jaccard, the operators and the GIN opclass serve them as
 * they serve k-grams:
 *
 * - units: one hash per line or statement of code (the tokens between two
 *   line ends or statement marks ; { }), units of fewer than min_tokens
 *   tokens left out.  A set of whole statements does not care in which
 *   order they come, so moving declarations, reordering independent
 *   statements or extracting a block into a function keeps the units whose
 *   text did not change; a k-gram set loses every k-gram that crossed a
 *   moved boundary, and short statements are all boundary.
 * - words: one hash per distinct word of prose as written and one per
 *   stem of a content word (English function words have none), the stems
 *   folded by a light suffix stripper: reordered sentences leave the set as
 *   it was; a change of number, tense or person keeps the word's stem, a
 *   changed function word costs one hash, and a content word replaced by
 *   another costs two.
 *
 * The hashes are seeded with a constant of each measure, so unit and word
 * sets never share a hash with k-gram fingerprints, and a set built with
 * other parameters is refused as any fingerprint is.
 */
#ifndef LC_MEASURES_H
#define LC_MEASURES_H

#include "lc_core.h"

/* The seeds that mark the two measures in a fingerprint header ("unit", "word"). */
#define LC_UNITS_SEED 0x756e6974u
#define LC_WORDS_SEED 0x776f7264u
/* xored into LC_WORDS_SEED for the words as written ("writ") */
#define LC_WORDS_WRITTEN UINT64_C(0x7772697400000000)
/* units with names left out ("skel"), see lc_units_push */
#define LC_SKELETON_SEED 0x736b656cu

#define LC_UNITS_MIN_TOKENS 1
#define LC_UNITS_MAX_TOKENS 64

/*
 * A growing set of hashes, fed one token at a time; repeated hashes are
 * dropped as the buffer fills, so it holds about the distinct ones.
 */
typedef struct lc_hashset
{
	const char *text;			/* the buffer the tokens point into */
	uint64_t	seed;
	int			min_tokens;		/* units: the shortest unit kept */
	bool		skeleton;		/* units: names left out, see lc_units_push */
	/* the unit being read */
	uint64_t	unit;
	int			unit_tokens;
	int			unit_anchors;	/* skeleton: literals and member names */
	bool		after_dot;		/* the previous token was "." */
	size_t		prev_end;		/* byte end of the previous token */
	uint64_t	ntokens;
	/* output */
	uint64_t   *out;
	size_t		nout;
	size_t		cap;
	size_t		maxout;			/* refuse more than this many distinct hashes */
	bool		overflow;
	const lc_env *env;
} lc_hashset;

extern void lc_hashset_init(lc_hashset *hs, const char *text, uint64_t seed,
							int min_tokens, const lc_env *env, size_t maxout);
/* Units of the skeleton: names left out (call after lc_hashset_init). */
extern void lc_hashset_skeleton(lc_hashset *hs);

/* lc_tok_fn callbacks: arg is the lc_hashset */
extern void lc_units_push(void *arg, const lc_tok *tok);
extern void lc_words_push(void *arg, const lc_tok *tok);

/*
 * Finish (closes the last unit), sort and unique; returns the number of
 * hashes.  Sets overflow when there are more than maxout of them.
 */
extern size_t lc_hashset_finish(lc_hashset *hs);

/* Whether a normalized word is an English function word. */
extern bool lc_is_stopword(const char *w, size_t len);

/* The length of a normalized word's stem, written to out (at least len bytes). */
extern size_t lc_stem(const char *w, size_t len, char *out);

#endif							/* LC_MEASURES_H */
