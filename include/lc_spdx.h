/*
 * lc_spdx.h — SPDX license expressions (pure C): the license list, the
 * parser, normalization, DNF expansion and satisfaction, and correction of
 * messy license strings.
 */
#ifndef LC_SPDX_H
#define LC_SPDX_H

#include <stddef.h>
#include <stdbool.h>

typedef struct lc_spdx_entry
{
	const char *id;
	const char *name;
	bool		osi;
	bool		deprecated;
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
} lc_spdx_node;

/* Memory for the parser's results: nodes and strings, from the caller. */
typedef struct lc_spdx_mem
{
	void	   *(*alloc) (void *ctx, size_t size);
	void	   *ctx;
} lc_spdx_mem;

/*
 * Parse an SPDX license expression.  Returns the root, or NULL with
 * *errpos (0-based byte offset) and a message in err.
 */
extern lc_spdx_node *lc_spdx_parse(const char *s, size_t len, const lc_spdx_mem *mem,
								   size_t *errpos, char *err, size_t errlen);

/* Canonical text: minimal parentheses, AND above OR. */
extern size_t lc_spdx_format(const lc_spdx_node *n, char *buf, size_t cap);

/*
 * The expression as an OR of AND-sets of leaves: calls fn(option, leaf)
 * for every leaf of every option.  Returns the number of options, or -1 if
 * there would be more than max.
 */
typedef void (*lc_spdx_leaf_fn) (void *arg, int option, const lc_spdx_node *leaf);
extern int	lc_spdx_dnf(const lc_spdx_node *n, const lc_spdx_mem *mem, int max,
						lc_spdx_leaf_fn fn, void *arg);

/* Whether leaf a (from an expression) is granted by allowed leaf b. */
extern bool lc_spdx_leaf_satisfied(const lc_spdx_node *a, const lc_spdx_node *b);

/* The best expression for a messy license string, or NULL (into buf). */
extern bool lc_spdx_correct(const char *s, size_t len, const lc_spdx_mem *mem,
							char *buf, size_t cap);

#endif							/* LC_SPDX_H */
