/*
 * lc_spdx.c — SPDX license expressions (pure C).
 *
 * The grammar is the SPDX specification's (Annex D): license ids matched
 * case-insensitively against the pinned license list (lc_spdx_data.c) and
 * written in their canonical spelling; "+"; WITH and an exception id or
 * AdditionRef; AND above OR; parentheses; LicenseRef-, DocumentRef-x:
 * LicenseRef-.  Deprecated ids are mapped to what they mean today, from
 * data/spdx/deprecated.tsv (GPL-2.0 to GPL-2.0-only, GPL-2.0+ to
 * GPL-2.0-or-later, GPL-2.0-with-classpath-exception to GPL-2.0-only WITH
 * Classpath-exception-2.0, ...).  A license takes one exception: WITH after
 * a deprecated id that already implies one is refused, unless it names the
 * same exception.  Operators are accepted in any case and written in upper
 * case.
 *
 * Cost.  Parsing is one pass, memory linear in the input; lc_spdx_check
 * parses without building anything.  Each node counts the alternatives of
 * its expansion (OR of AND-sets) and the licenses they hold, so that
 * lc_spdx_dnf can refuse an expansion past a limit before doing any work,
 * and then walks the alternatives one by one, decoding the k-th alternative
 * from the counts (mixed radix under AND, prefix sums under OR) instead of
 * building the expansion.  Satisfaction is evaluated on the tree itself.
 * Every loop over the input or the expansion calls mem->tick at a bounded
 * interval.
 */
#include "lc_spdx.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How many steps (tokens, leaves, comparisons) may pass between two ticks. */
#define TICK_STEPS 4096

/* ---- the list ---- */

static int
cmp_ci(const char *a, size_t alen, const char *b)
{
	size_t		i = 0;

	for (; i < alen && b[i]; i++)
	{
		int			ca = tolower((unsigned char) a[i]),
					cb = tolower((unsigned char) b[i]);

		if (ca != cb)
			return ca - cb;
	}
	if (i < alen)
		return 1;
	return b[i] ? -1 : 0;
}

static const lc_spdx_entry *
find(const lc_spdx_entry *tab, int n, const char *id, size_t len)
{
	int			lo = 0,
				hi = n - 1;

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;
		int			c = cmp_ci(id, len, tab[mid].id);

		if (c == 0)
			return &tab[mid];
		if (c < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return NULL;
}

const lc_spdx_entry *
lc_spdx_find_license(const char *id, size_t len)
{
	return find(lc_spdx_licenses, lc_spdx_nlicenses, id, len);
}

const lc_spdx_entry *
lc_spdx_find_exception(const char *id, size_t len)
{
	return find(lc_spdx_exceptions, lc_spdx_nexceptions, id, len);
}

/* The GNU families whose versions come as -only and -or-later. */
static const char *const gnu_families[] = {"AGPL-", "LGPL-", "GPL-", "GFDL-", NULL};

/* "GPL-2.0-only" -> family "GPL-", version "2.0", or_later false. */
static bool
gnu_split(const char *id, const char **family, char *version, size_t vcap, bool *or_later)
{
	for (int f = 0; gnu_families[f]; f++)
	{
		size_t		fl = strlen(gnu_families[f]);
		const char *v = id + fl;
		const char *dash;

		if (strncmp(id, gnu_families[f], fl) != 0)
			continue;
		dash = strchr(v, '-');
		if (dash == NULL || dash == v || (size_t) (dash - v) >= vcap)
			return false;
		for (const char *c = v; c < dash; c++)
			if (!isdigit((unsigned char) *c) && *c != '.')
				return false;
		if (strcmp(dash, "-only") == 0)
			*or_later = false;
		else if (strcmp(dash, "-or-later") == 0)
			*or_later = true;
		else
			return false;
		memcpy(version, v, (size_t) (dash - v));
		version[dash - v] = '\0';
		*family = gnu_families[f];
		return true;
	}
	return false;
}

/* ---- counting the expansion, saturating ---- */

static inline uint64_t
sat_add(uint64_t a, uint64_t b)
{
	return (a + b >= LC_SPDX_SATURATED) ? LC_SPDX_SATURATED : a + b;
}

static inline uint64_t
sat_mul(uint64_t a, uint64_t b)
{
	if (a == 0 || b == 0)
		return 0;
	if (a >= LC_SPDX_SATURATED / b)
		return LC_SPDX_SATURATED;
	return a * b;
}

/*
 * Fill in the counts of an AND or OR node from its operands'.  OR: the
 * alternatives of the operands one after the other; weights[i] = how many
 * come before operand i.  AND: one alternative per combination, the last
 * operand varying fastest; weights[i] = the product of the alternatives of
 * the operands after i.  An AND's licenses: each operand's licenses times
 * the combinations of the others.
 */
static void
count_node(lc_spdx_node *n, uint64_t *weights)
{
	uint64_t	o = (n->kind == LC_SPDX_AND) ? 1 : 0,
				t = 0;

	n->weights = weights;
	if (n->kind == LC_SPDX_OR)
	{
		for (int i = 0; i < n->nkids; i++)
		{
			weights[i] = o;
			o = sat_add(o, n->kids[i]->noptions);
			t = sat_add(t, n->kids[i]->nterms);
		}
	}
	else
	{
		for (int i = n->nkids - 1; i >= 0; i--)
		{
			weights[i] = o;
			o = sat_mul(o, n->kids[i]->noptions);
		}
		if (o >= LC_SPDX_SATURATED)
			t = LC_SPDX_SATURATED;
		else
			for (int i = 0; i < n->nkids; i++)
				t = sat_add(t, sat_mul(n->kids[i]->nterms, o / n->kids[i]->noptions));
	}
	n->noptions = o;
	n->nterms = t;
}

/* ---- lexer and parser ---- */

typedef enum
{
	T_END, T_LPAREN, T_RPAREN, T_WORD, T_PLUS
} tok_kind;

typedef struct parser
{
	const char *s;
	size_t		len;
	size_t		pos;
	const lc_spdx_mem *mem;
	bool		build;			/* false: check only, allocate nothing */
	size_t		nlicenses;
	size_t		steps;
	/* current token */
	tok_kind	kind;
	size_t		tstart;
	size_t		tlen;
	/* error */
	bool		failed;
	size_t		errpos;
	char	   *err;
	size_t		errlen;
	int			depth;
} parser;

/* What a node stands for when only checking. */
static lc_spdx_node checked = {LC_SPDX_LICENSE, "", NULL, NULL, 0, 1, 1, NULL};

static inline void
tick(parser *p)
{
	if (++p->steps % TICK_STEPS == 0 && p->mem && p->mem->tick)
		p->mem->tick(p->mem->ctx);
}

static inline bool
idchar(char c)
{
	return isalnum((unsigned char) c) || c == '-' || c == '.' || c == ':' || c == '_';
}

static void
next(parser *p)
{
	tick(p);
	while (p->pos < p->len && isspace((unsigned char) p->s[p->pos]))
	{
		p->pos++;
		if (p->pos % (64 * 1024) == 0 && p->mem && p->mem->tick)
			p->mem->tick(p->mem->ctx);
	}
	p->tstart = p->pos;
	p->tlen = 0;
	if (p->pos >= p->len)
	{
		p->kind = T_END;
		return;
	}
	switch (p->s[p->pos])
	{
		case '(':
			p->kind = T_LPAREN;
			p->pos++;
			p->tlen = 1;
			return;
		case ')':
			p->kind = T_RPAREN;
			p->pos++;
			p->tlen = 1;
			return;
		case '+':
			p->kind = T_PLUS;
			p->pos++;
			p->tlen = 1;
			return;
	}
	while (p->pos < p->len && idchar(p->s[p->pos]))
	{
		p->pos++;
		if (p->pos % (64 * 1024) == 0 && p->mem && p->mem->tick)
			p->mem->tick(p->mem->ctx);
	}
	if (p->pos == p->tstart)
	{
		/* a character no token may hold: all of it, not one byte of it */
		p->pos++;
		while (p->pos < p->len && ((unsigned char) p->s[p->pos] & 0xC0) == 0x80 &&
			   p->pos - p->tstart < 4)
			p->pos++;
	}
	p->kind = T_WORD;
	p->tlen = p->pos - p->tstart;
}

/*
 * Record the first error: fmt (one %s, the token quoted, at most 100 bytes
 * of it, cut before a character, never in one) and where it is, as a
 * 1-based character position.
 */
static void
fail(parser *p, size_t pos, bool at_end, const char *fmt, const char *tok, size_t toklen)
{
	char		t[128];
	char		msg[256];
	size_t		chars = 0;

	if (p->failed)
		return;
	p->failed = true;
	p->errpos = pos;
	if (p->err == NULL || p->errlen == 0)
		return;
	if (toklen > 100)
	{
		toklen = 100;
		while (toklen > 0 && ((unsigned char) tok[toklen] & 0xC0) == 0x80)
			toklen--;
	}
	memcpy(t, tok ? tok : "", tok ? toklen : 0);
	t[tok ? toklen : 0] = '\0';
	for (size_t i = 0; i < pos && i < p->len; i++)
		chars += ((unsigned char) p->s[i] & 0xC0) != 0x80;
	snprintf(msg, sizeof msg, fmt, t);
	snprintf(p->err, p->errlen, at_end ? "%s (position %zu)" : "%s at position %zu", msg, chars + 1);
}

static bool
is_word(parser *p, const char *w)
{
	return p->kind == T_WORD && cmp_ci(p->s + p->tstart, p->tlen, w) == 0;
}

static void *
palloc_p(parser *p, size_t size)
{
	return p->mem->alloc(p->mem->ctx, size);
}

static lc_spdx_node *
new_leaf(parser *p)
{
	lc_spdx_node *n;

	p->nlicenses++;
	if (!p->build)
		return &checked;
	n = palloc_p(p, sizeof(lc_spdx_node));
	memset(n, 0, sizeof(*n));
	n->kind = LC_SPDX_LICENSE;
	n->noptions = 1;
	n->nterms = 1;
	return n;
}

static bool
has_prefix_ci(const char *s, size_t len, const char *prefix)
{
	size_t		pl = strlen(prefix);

	return len >= pl && cmp_ci(s, pl, prefix) == 0;
}

/*
 * A user-defined reference: [DocumentRef-x:]<kind>-y, returned canonically
 * cased (or "" when only checking); NULL if malformed.
 */
static const char *
parse_ref(parser *p, const char *s, size_t len, const char *kind)
{
	const char *colon = memchr(s, ':', len);
	const char *ref = s;
	size_t		reflen = len;
	size_t		kl = strlen(kind);
	char	   *out;
	size_t		o = 0;

	if (colon)
	{
		if (!has_prefix_ci(s, (size_t) (colon - s), "DocumentRef-") || colon - s <= 12)
			return NULL;
		ref = colon + 1;
		reflen = len - (size_t) (colon - s) - 1;
	}
	if (!has_prefix_ci(ref, reflen, kind) || reflen <= kl || memchr(ref, ':', reflen))
		return NULL;
	if (!p->build)
		return "";
	out = palloc_p(p, len + 1);
	if (colon)
	{
		memcpy(out, "DocumentRef-", 12);
		memcpy(out + 12, s + 12, (size_t) (colon - s) - 12);
		o = (size_t) (colon - s);
		out[o++] = ':';
	}
	memcpy(out + o, kind, kl);
	memcpy(out + o + kl, ref + kl, reflen - kl);
	out[o + reflen] = '\0';
	return out;
}

/* "X+": the GNU families' X-or-later, elsewhere X+ as it is. */
static const char *
plus_id(parser *p, const char *id)
{
	const char *family;
	char		version[16];
	bool		or_later;
	char	   *b;

	if (!p->build)
		return id;
	if (gnu_split(id, &family, version, sizeof version, &or_later))
	{
		b = palloc_p(p, strlen(family) + strlen(version) + sizeof "-or-later");
		sprintf(b, "%s%s-or-later", family, version);
		return b;
	}
	b = palloc_p(p, strlen(id) + 2);
	sprintf(b, "%s+", id);
	return b;
}

static lc_spdx_node *parse_or(parser *p);

/* simple-expression [WITH addition] */
static lc_spdx_node *
parse_simple(parser *p)
{
	lc_spdx_node *n;
	const char *w = p->s + p->tstart;
	size_t		wl = p->tlen;
	size_t		wpos = p->tstart;
	bool		plus = false;
	const lc_spdx_entry *e = NULL;
	const char *implied = NULL;

	if (p->kind != T_WORD || is_word(p, "AND") || is_word(p, "OR") || is_word(p, "WITH"))
	{
		if (p->kind == T_END)
			fail(p, p->tstart, true, "expected a license id at the end of the expression%s", "", 0);
		else
			fail(p, p->tstart, false, "expected a license id, found \"%s\"", w, wl);
		return NULL;
	}
	n = new_leaf(p);
	next(p);
	if (p->kind == T_PLUS && p->tstart == wpos + wl)
	{
		plus = true;
		next(p);
	}
	if (has_prefix_ci(w, wl, "LicenseRef-") || has_prefix_ci(w, wl, "DocumentRef-"))
	{
		const char *id = parse_ref(p, w, wl, "LicenseRef-");

		if (id == NULL || plus)
		{
			fail(p, wpos, false, "invalid license reference \"%s\"", w, wl);
			return NULL;
		}
		if (p->build)
			n->id = id;
	}
	else
	{
		const char *id;

		e = lc_spdx_find_license(w, wl);
		if (e == NULL)
		{
			fail(p, wpos, false, "unknown license id \"%s\"", w, wl);
			return NULL;
		}
		id = e->replaced_by ? e->replaced_by : e->id;
		implied = e->exception;
		if (plus)
			id = plus_id(p, id);
		if (p->build)
		{
			n->id = id;
			n->exception = implied;
		}
	}

	if (is_word(p, "WITH"))
	{
		const char *x;
		size_t		xl,
					xpos;
		const char *exc;

		next(p);
		x = p->s + p->tstart;
		xl = p->tlen;
		xpos = p->tstart;
		if (p->kind != T_WORD || is_word(p, "AND") || is_word(p, "OR") || is_word(p, "WITH"))
		{
			fail(p, p->tstart, false, "expected an exception id after WITH%s", "", 0);
			return NULL;
		}
		if (has_prefix_ci(x, xl, "AdditionRef-") || has_prefix_ci(x, xl, "DocumentRef-"))
			exc = parse_ref(p, x, xl, "AdditionRef-");
		else
		{
			const lc_spdx_entry *xe = lc_spdx_find_exception(x, xl);

			exc = xe ? (xe->replaced_by ? xe->replaced_by : xe->id) : NULL;
		}
		if (exc == NULL)
		{
			fail(p, xpos, false, "unknown exception id \"%s\"", x, xl);
			return NULL;
		}
		if (implied && strcmp(implied, exc) != 0)
		{
			char		m[160];

			/* a license takes one exception: never drop the one the id implies */
			snprintf(m, sizeof m, "license id \"%%s\" already includes %s, and a license takes one exception:"
					 " found WITH %.*s", implied, (int) (xl < 60 ? xl : 60), x);
			fail(p, wpos, false, m, w, wl);
			return NULL;
		}
		if (p->build)
			n->exception = exc;
		next(p);
	}
	return n;
}

static lc_spdx_node *
parse_primary(parser *p)
{
	if (p->kind == T_LPAREN)
	{
		size_t		open = p->tstart;
		lc_spdx_node *n;

		if (++p->depth > LC_SPDX_MAX_DEPTH)
		{
			fail(p, open, false, "parentheses nested too deeply%s", "", 0);
			return NULL;
		}
		next(p);
		n = parse_or(p);
		if (n == NULL)
			return NULL;
		if (p->kind != T_RPAREN)
		{
			fail(p, open, false, "unbalanced parenthesis%s", "", 0);
			return NULL;
		}
		p->depth--;
		next(p);
		return n;
	}
	return parse_simple(p);
}

/* Operands of one operator, flattened when an operand is the same operator. */
static lc_spdx_node *
parse_list(parser *p, lc_spdx_kind kind, const char *op,
		   lc_spdx_node *(*operand) (parser *))
{
	lc_spdx_node *first = operand(p);
	lc_spdx_node *items[64];
	lc_spdx_node **kids = items;
	int			n = 0,
				cap = 64;
	lc_spdx_node *node;

	if (first == NULL)
		return NULL;
	if (!is_word(p, op))
		return first;
	for (lc_spdx_node *x = first;;)
	{
		if (p->build)
		{
			int			add = (x->kind == kind) ? x->nkids : 1;

			if (n + add > cap)
			{
				lc_spdx_node **nk = palloc_p(p, sizeof(lc_spdx_node *) * (size_t) (cap + add) * 2);

				memcpy(nk, kids, sizeof(lc_spdx_node *) * (size_t) n);
				kids = nk;
				cap = (cap + add) * 2;
			}
			if (x->kind == kind)
				for (int i = 0; i < x->nkids; i++)
					kids[n++] = x->kids[i];
			else
				kids[n++] = x;
		}
		if (!is_word(p, op))
			break;
		next(p);
		x = operand(p);
		if (x == NULL)
			return NULL;
	}
	if (!p->build)
		return &checked;
	node = palloc_p(p, sizeof(lc_spdx_node));
	memset(node, 0, sizeof(*node));
	node->kind = kind;
	node->kids = palloc_p(p, sizeof(lc_spdx_node *) * (size_t) n);
	memcpy(node->kids, kids, sizeof(lc_spdx_node *) * (size_t) n);
	node->nkids = n;
	count_node(node, palloc_p(p, sizeof(uint64_t) * (size_t) n));
	return node;
}

static lc_spdx_node *
parse_and(parser *p)
{
	return parse_list(p, LC_SPDX_AND, "AND", parse_primary);
}

static lc_spdx_node *
parse_or(parser *p)
{
	return parse_list(p, LC_SPDX_OR, "OR", parse_and);
}

static lc_spdx_node *
parse(const char *s, size_t len, const lc_spdx_mem *mem, bool build,
	  size_t *nlicenses, size_t *errpos, char *err, size_t errlen)
{
	parser		p;
	lc_spdx_node *n;

	memset(&p, 0, sizeof(p));
	p.s = s;
	p.len = len;
	p.mem = mem;
	p.build = build;
	p.err = err;
	p.errlen = errlen;
	next(&p);
	if (p.kind == T_END)
	{
		fail(&p, 0, true, "empty license expression%s", "", 0);
		n = NULL;
	}
	else
	{
		n = parse_or(&p);
		if (n && p.kind != T_END)
		{
			if (p.kind == T_RPAREN)
				fail(&p, p.tstart, false, "unbalanced parenthesis%s", "", 0);
			else
				fail(&p, p.tstart, false, "expected AND, OR or WITH, found \"%s\"",
					 p.s + p.tstart, p.tlen);
			n = NULL;
		}
	}
	if (nlicenses)
		*nlicenses = p.nlicenses;
	if (p.failed)
	{
		*errpos = p.errpos;
		return NULL;
	}
	return n;
}

lc_spdx_node *
lc_spdx_parse(const char *s, size_t len, const lc_spdx_mem *mem,
			  size_t *errpos, char *err, size_t errlen)
{
	return parse(s, len, mem, true, NULL, errpos, err, errlen);
}

bool
lc_spdx_check(const char *s, size_t len, const lc_spdx_mem *mem,
			  size_t *nlicenses, size_t *errpos, char *err, size_t errlen)
{
	return parse(s, len, mem, false, nlicenses, errpos, err, errlen) != NULL;
}

/* ---- output ---- */

typedef struct sbuf
{
	char	   *b;
	size_t		cap;
	size_t		n;
} sbuf;

static void
put(sbuf *s, const char *t)
{
	size_t		l = strlen(t);

	if (s->n + l < s->cap)
		memcpy(s->b + s->n, t, l);
	s->n += l;
}

static void
format(const lc_spdx_node *n, sbuf *s, bool parens)
{
	if (n->kind == LC_SPDX_LICENSE)
	{
		put(s, n->id);
		if (n->exception)
		{
			put(s, " WITH ");
			put(s, n->exception);
		}
		return;
	}
	if (parens)
		put(s, "(");
	for (int i = 0; i < n->nkids; i++)
	{
		if (i)
			put(s, n->kind == LC_SPDX_AND ? " AND " : " OR ");
		/* AND binds tighter: an OR inside an AND needs parentheses */
		format(n->kids[i], s, n->kind == LC_SPDX_AND && n->kids[i]->kind == LC_SPDX_OR);
	}
	if (parens)
		put(s, ")");
}

size_t
lc_spdx_format(const lc_spdx_node *n, char *buf, size_t cap)
{
	sbuf		s = {buf, cap, 0};

	format(n, &s, false);
	if (cap)
		buf[s.n < cap ? s.n : cap - 1] = '\0';
	return s.n;
}

/* ---- the expansion into alternatives ---- */

typedef struct walk
{
	const lc_spdx_mem *mem;
	lc_spdx_leaf_fn fn;
	void	   *arg;
	int			option;
	size_t		steps;
} walk;

/* The leaves of alternative k of node n, in order. */
static void
emit_option(walk *w, const lc_spdx_node *n, uint64_t k)
{
	if (n->kind == LC_SPDX_LICENSE)
	{
		if (++w->steps % TICK_STEPS == 0 && w->mem && w->mem->tick)
			w->mem->tick(w->mem->ctx);
		w->fn(w->arg, w->option, n);
	}
	else if (n->kind == LC_SPDX_OR)
	{
		/* the last operand whose alternatives start at or before k */
		int			lo = 0,
					hi = n->nkids - 1;

		while (lo < hi)
		{
			int			mid = lo + (hi - lo + 1) / 2;

			if (n->weights[mid] <= k)
				lo = mid;
			else
				hi = mid - 1;
		}
		emit_option(w, n->kids[lo], k - n->weights[lo]);
	}
	else
		for (int i = 0; i < n->nkids; i++)
			emit_option(w, n->kids[i], (k / n->weights[i]) % n->kids[i]->noptions);
}

int
lc_spdx_dnf(const lc_spdx_node *n, const lc_spdx_mem *mem, uint64_t max_terms,
			lc_spdx_leaf_fn fn, void *arg)
{
	walk		w = {mem, fn, arg, 0, 0};

	if (n->nterms > max_terms || n->noptions > (uint64_t) INT32_MAX)
		return -1;
	for (uint64_t k = 0; k < n->noptions; k++)
	{
		w.option = (int) k;
		emit_option(&w, n, k);
	}
	return (int) n->noptions;
}

/* ---- satisfaction ---- */

static int
version_cmp(const char *a, const char *b)
{
	double		x = strtod(a, NULL),
				y = strtod(b, NULL);

	return x < y ? -1 : (x > y ? 1 : 0);
}

bool
lc_spdx_or_later_covers(const char *a, const char *b)
{
	const char *fa,
			   *fb;
	char		va[16],
				vb[16];
	bool		la,
				lb;
	size_t		al = strlen(a);

	if (gnu_split(a, &fa, va, sizeof va, &la) && gnu_split(b, &fb, vb, sizeof vb, &lb))
		return la && strcmp(fa, fb) == 0 && version_cmp(vb, va) >= 0;
	/* "X+" outside the GNU families offers X itself */
	return al > 1 && a[al - 1] == '+' && strncmp(a, b, al - 1) == 0 && b[al - 1] == '\0';
}

bool
lc_spdx_leaf_satisfied(const lc_spdx_node *a, const lc_spdx_node *b)
{
	if ((a->exception == NULL) != (b->exception == NULL) ||
		(a->exception && strcmp(a->exception, b->exception) != 0))
		return false;
	if (strcmp(a->id, b->id) == 0)
		return true;
	/* a offers "v or later": any allowed version from v on will do */
	/* b allows "v or later": a's version must be at least v */
	return lc_spdx_or_later_covers(a->id, b->id) || lc_spdx_or_later_covers(b->id, a->id);
}

typedef struct sat
{
	lc_spdx_node *const *allowed;
	int			nallowed;
	const lc_spdx_mem *mem;
	size_t		steps;
} sat;

static bool
satisfies(sat *st, const lc_spdx_node *n)
{
	if (n->kind == LC_SPDX_LICENSE)
	{
		st->steps += (size_t) st->nallowed + 1;
		if (st->steps >= TICK_STEPS)
		{
			st->steps = 0;
			if (st->mem && st->mem->tick)
				st->mem->tick(st->mem->ctx);
		}
		for (int i = 0; i < st->nallowed; i++)
			if (lc_spdx_leaf_satisfied(n, st->allowed[i]))
				return true;
		return false;
	}
	for (int i = 0; i < n->nkids; i++)
	{
		bool		ok = satisfies(st, n->kids[i]);

		if (n->kind == LC_SPDX_OR && ok)
			return true;
		if (n->kind == LC_SPDX_AND && !ok)
			return false;
	}
	return n->kind == LC_SPDX_AND;
}

bool
lc_spdx_satisfies(const lc_spdx_node *n, lc_spdx_node *const *allowed, int nallowed,
				  const lc_spdx_mem *mem)
{
	sat			st = {allowed, nallowed, mem, 0};

	return satisfies(&st, n);
}

/* ---- the ids of an expression ---- */

typedef struct idlist
{
	const char **id;
	size_t		n;
	size_t		cap;
	const lc_spdx_mem *mem;
} idlist;

static void
collect_ids(idlist *l, const lc_spdx_node *n)
{
	if (n->kind != LC_SPDX_LICENSE)
	{
		for (int i = 0; i < n->nkids; i++)
			collect_ids(l, n->kids[i]);
		return;
	}
	if (l->n == l->cap)
	{
		const char **nid = l->mem->alloc(l->mem->ctx, sizeof(char *) * l->cap * 2);

		memcpy(nid, l->id, sizeof(char *) * l->n);
		l->id = nid;
		l->cap *= 2;
	}
	l->id[l->n++] = n->id;
}

/*
 * Sort positions by (id, position): a bottom-up merge sort, O(n log n)
 * whatever the input, ticking as it goes.
 */
static void
sort_positions(const char **id, size_t *pos, size_t *tmp, size_t n, const lc_spdx_mem *mem)
{
	size_t		steps = 0;

	for (size_t width = 1; width < n; width *= 2)
	{
		for (size_t lo = 0; lo < n; lo += 2 * width)
		{
			size_t		mid = lo + width < n ? lo + width : n,
						hi = lo + 2 * width < n ? lo + 2 * width : n,
						i = lo,
						j = mid,
						k = lo;

			while (i < mid || j < hi)
			{
				bool		left = j >= hi ||
					(i < mid && strcmp(id[pos[i]], id[pos[j]]) <= 0);

				tmp[k++] = left ? pos[i++] : pos[j++];
				if (++steps % TICK_STEPS == 0 && mem->tick)
					mem->tick(mem->ctx);
			}
		}
		memcpy(pos, tmp, sizeof(size_t) * n);
	}
}

size_t
lc_spdx_ids(const lc_spdx_node *n, const lc_spdx_mem *mem, const char ***out)
{
	idlist		l = {NULL, 0, 16, mem};
	size_t	   *pos,
			   *tmp;
	bool	   *first;
	size_t		k = 0;

	l.id = mem->alloc(mem->ctx, sizeof(char *) * l.cap);
	collect_ids(&l, n);
	pos = mem->alloc(mem->ctx, sizeof(size_t) * l.n);
	tmp = mem->alloc(mem->ctx, sizeof(size_t) * l.n);
	first = mem->alloc(mem->ctx, sizeof(bool) * l.n);
	for (size_t i = 0; i < l.n; i++)
		pos[i] = i;
	/* stable: among equal ids the first position comes first */
	sort_positions(l.id, pos, tmp, l.n, mem);
	for (size_t i = 0; i < l.n; i++)
		first[pos[i]] = (i == 0 || strcmp(l.id[pos[i]], l.id[pos[i - 1]]) != 0);
	for (size_t i = 0; i < l.n; i++)
		if (first[i])
			l.id[k++] = l.id[i];
	*out = l.id;
	return k;
}
