/*
 * lc_spdx.h — SPDX license expressions (pure C): the license list, the
 * parser, normalization, expansion into alternatives, satisfaction, and
 * correction of messy license strings.
 */
#ifndef LC_SPDX_H
#define LC_SPDX_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/*
 * Limits.  An expression may name at most LC_SPDX_MAX_LICENSES licenses, and
 * its expansion into alternatives (spdx_dnf, and the license functions built
 * on it) may hold at most as many licenses in all: alternatives times the
 * licenses of each.  Parentheses nest at most LC_SPDX_MAX_DEPTH deep.
 * spdx_correct reads at most LC_SPDX_CORRECT_MAX_BYTES bytes.
 */
#define LC_SPDX_MAX_LICENSES 100000
#define LC_SPDX_MAX_DEPTH 100
#define LC_SPDX_CORRECT_MAX_BYTES 1000

typedef struct lc_spdx_entry
{
	const char *id;
	const char *name;
	bool		osi;
	bool		deprecated;
	const char *replaced_by;	/* deprecated: the id it means today (may be itself) */
	const char *exception;		/* deprecated: the exception that id implies, or NULL */
} lc_spdx_entry;

extern const char *const lc_spdx_list_version;
extern const lc_spdx_entry lc_spdx_licenses[];
extern const int lc_spdx_nlicenses;
extern const lc_spdx_entry lc_spdx_exceptions[];
extern const int lc_spdx_nexceptions;

/* Case-insensitive look-ups in the list; NULL if unknown. */
extern const lc_spdx_entry *lc_spdx_find_license(const char *id, size_t len);
extern const lc_spdx_entry *lc_spdx_find_exception(const char *id, size_t len);

typedef enum lc_spdx_kind
{
	LC_SPDX_LICENSE,			/* id (canonical, deprecated forms mapped), maybe WITH exception */
	LC_SPDX_AND,
	LC_SPDX_OR
} lc_spdx_kind;

typedef struct lc_spdx_node
{
	lc_spdx_kind kind;
	const char *id;				/* LICENSE: canonical id or LicenseRef */
	const char *exception;		/* LICENSE: exception or AdditionRef, or NULL */
	struct lc_spdx_node **kids; /* AND/OR: operands (flattened) */
	int			nkids;
	/* the expansion into alternatives, counted (saturating at LC_SPDX_SATURATED) */
	uint64_t	noptions;		/* alternatives */
	uint64_t	nterms;			/* licenses over all alternatives */
	uint64_t   *weights;		/* OR: alternatives before each operand; AND: stride */
} lc_spdx_node;

#define LC_SPDX_SATURATED ((uint64_t) 1 << 62)

/*
 * Memory for the parser's results (nodes and strings) from the caller, and
 * a tick the long loops call at a bounded interval (may be NULL; the server
 * glue checks for interrupts there, and may not return).
 */
typedef struct lc_spdx_mem
{
	void	   *(*alloc) (void *ctx, size_t size);
	void	   *ctx;
	void		(*tick) (void *ctx);
} lc_spdx_mem;

/*
 * Parse an SPDX license expression.  Returns the root, or NULL with *errpos
 * (0-based byte offset) and a message in err: UTF-8, naming the 1-based
 * character position, never cutting a character.
 */
extern lc_spdx_node *lc_spdx_parse(const char *s, size_t len, const lc_spdx_mem *mem,
								   size_t *errpos, char *err, size_t errlen);

/*
 * Check an expression without building it (no memory; mem may be NULL or
 * carry only a tick): the same answer and message as lc_spdx_parse, and the
 * number of licenses it names in *nlicenses.
 */
extern bool lc_spdx_check(const char *s, size_t len, const lc_spdx_mem *mem,
						  size_t *nlicenses, size_t *errpos, char *err, size_t errlen);

/* Canonical text: minimal parentheses, AND above OR; returns the length. */
extern size_t lc_spdx_format(const lc_spdx_node *n, char *buf, size_t cap);

/*
 * The expression as an OR of AND-sets of leaves: calls fn(option, leaf) for
 * every leaf of every option, in order, without building the expansion
 * (memory: none beyond the tree).  Returns the number of options, or -1
 * (calling nothing) if the options would hold more than max_terms leaves.
 */
typedef void (*lc_spdx_leaf_fn) (void *arg, int option, const lc_spdx_node *leaf);
extern int	lc_spdx_dnf(const lc_spdx_node *n, const lc_spdx_mem *mem, uint64_t max_terms,
						lc_spdx_leaf_fn fn, void *arg);

/* Whether leaf a (from an expression) is granted by allowed leaf b. */
extern bool lc_spdx_leaf_satisfied(const lc_spdx_node *a, const lc_spdx_node *b);

/*
 * The GNU "or later" rule, the one place it is written: whether license id
 * a, "X-v-or-later" (or "X-v+"), also grants id b, X at a version w >= v
 * (-only or -or-later).
 */
extern bool lc_spdx_or_later_covers(const char *a, const char *b);

/* Whether some choice of the expression uses only allowed leaves (no expansion). */
extern bool lc_spdx_satisfies(const lc_spdx_node *n, lc_spdx_node *const *allowed, int nallowed,
							  const lc_spdx_mem *mem);

/*
 * The license ids of an expression, once each, in order of first
 * appearance, in O(n log n): returns their number, the ids in *out.
 */
extern size_t lc_spdx_ids(const lc_spdx_node *n, const lc_spdx_mem *mem, const char ***out);

/* ---- correction of messy license strings (lc_spdx_correct.c) ---- */

/*
 * The tables data/spdx/gen.py generates into lc_spdx_data.c from the SPDX
 * list and data/spdx/{aliases,urls,exceptions,words}.tsv.
 */
typedef enum lc_spdx_key_kind
{
	LC_SPDX_KEY_ALIAS,			/* a row of aliases.tsv */
	LC_SPDX_KEY_NAME,			/* the name of a license in the SPDX list */
	LC_SPDX_KEY_ID,				/* an id, written in other words */
	LC_SPDX_KEY_SINGLE,			/* a name without its version: one license */
	LC_SPDX_KEY_FAMILY,			/* a name without its version: several (no answer) */
	LC_SPDX_KEY_AMBIGUOUS		/* several licenses read the same (no answer) */
} lc_spdx_key_kind;

typedef struct lc_spdx_key
{
	const char *key;			/* the words, as lc_spdx_words() gives them */
	const char *answer;			/* an SPDX expression, or NULL: no answer */
	const char *candidates;		/* comma separated, or NULL */
	uint8_t		kind;			/* lc_spdx_key_kind */
	const char *why;
	const char *phrase;			/* what the key was read from (a row, a name, an id) */
} lc_spdx_key;

typedef struct lc_spdx_exception_key
{
	const char *key;			/* words before "exception" */
	const char *license;		/* a license id prefix, or "*" */
	const char *exception;		/* the exception id, or NULL: no answer */
	const char *why;
} lc_spdx_exception_key;

typedef struct lc_spdx_url
{
	const char *prefix;			/* lower case, no scheme, "www.", extension */
	const char *answer;			/* an SPDX expression, "*" (read the path), NULL */
	const char *why;
} lc_spdx_url;

#define LC_SPDX_WORD_FILLER 1
#define LC_SPDX_WORD_LEADIN 2
#define LC_SPDX_WORD_DUAL	3

typedef struct lc_spdx_word
{
	const char *word;
	uint8_t		cls;
} lc_spdx_word;

extern const lc_spdx_key lc_spdx_keys[];
extern const int lc_spdx_nkeys;
extern const lc_spdx_exception_key lc_spdx_exception_keys[];
extern const int lc_spdx_nexception_keys;
extern const lc_spdx_url lc_spdx_urls[];
extern const int lc_spdx_nurls;
extern const lc_spdx_word lc_spdx_word_classes[];
extern const int lc_spdx_nword_classes;
extern const char *const lc_spdx_vocabulary[];
extern const int lc_spdx_nvocabulary;

/*
 * The key of a string (its words in lower case, versions without trailing
 * zero parts, fillers left out), as gen.py computes the table's keys;
 * false if it does not fit.
 */
extern bool lc_spdx_key_of(const char *s, size_t len, char *key, size_t cap);

/* Why spdx_correct answered what it did, or why it answered nothing. */
#define LC_SPDX_WHY_CANDIDATES 8
typedef struct lc_spdx_why
{
	char		rule[32];		/* the rule that decided (README lists them) */
	char		detail[512];	/* what it read, step by step */
	char		candidates[LC_SPDX_WHY_CANDIDATES][64]; /* when it refused to choose */
	int			ncandidates;
} lc_spdx_why;

/* The best expression for a messy license string, or false (into buf). */
extern bool lc_spdx_correct(const char *s, size_t len, const lc_spdx_mem *mem,
							char *buf, size_t cap);

/* The same, and why (why may be NULL). */
extern bool lc_spdx_correct_explain(const char *s, size_t len, const lc_spdx_mem *mem,
									char *buf, size_t cap, lc_spdx_why *why);

#endif							/* LC_SPDX_H */
