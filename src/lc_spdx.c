/*
 * lc_spdx.c — SPDX license expressions (pure C).
 *
 * The grammar is the SPDX specification's (Annex D): license ids matched
 * case-insensitively against the pinned license list (lc_spdx_data.c) and
 * written in their canonical spelling; "+"; WITH and an exception id or
 * AdditionRef; AND above OR; parentheses; LicenseRef-, DocumentRef-x:
 * LicenseRef-.  Deprecated ids are mapped to their replacements (GPL-2.0 to
 * GPL-2.0-only, GPL-2.0+ to GPL-2.0-or-later, GPL-2.0-with-classpath-
 * exception to GPL-2.0-only WITH Classpath-exception-2.0, ...).  Operators
 * are accepted in any case and written in upper case.
 */
#include "lc_spdx.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Deprecated ids and what they mean now (id, exception). */
static const struct
{
	const char *old;
	const char *id;
	const char *exception;
}			deprecated_map[] = {
	{"AGPL-1.0", "AGPL-1.0-only", NULL},
	{"AGPL-3.0", "AGPL-3.0-only", NULL},
	{"BSD-2-Clause-FreeBSD", "BSD-2-Clause", NULL},
	{"BSD-2-Clause-NetBSD", "BSD-2-Clause", NULL},
	{"GFDL-1.1", "GFDL-1.1-only", NULL},
	{"GFDL-1.2", "GFDL-1.2-only", NULL},
	{"GFDL-1.3", "GFDL-1.3-only", NULL},
	{"GPL-1.0", "GPL-1.0-only", NULL},
	{"GPL-2.0", "GPL-2.0-only", NULL},
	{"GPL-3.0", "GPL-3.0-only", NULL},
	{"LGPL-2.0", "LGPL-2.0-only", NULL},
	{"LGPL-2.1", "LGPL-2.1-only", NULL},
	{"LGPL-3.0", "LGPL-3.0-only", NULL},
	{"GPL-2.0-with-GCC-exception", "GPL-2.0-only", "GCC-exception-2.0"},
	{"GPL-2.0-with-autoconf-exception", "GPL-2.0-only", "Autoconf-exception-2.0"},
	{"GPL-2.0-with-bison-exception", "GPL-2.0-only", "Bison-exception-2.2"},
	{"GPL-2.0-with-classpath-exception", "GPL-2.0-only", "Classpath-exception-2.0"},
	{"GPL-2.0-with-font-exception", "GPL-2.0-only", "Font-exception-2.0"},
	{"GPL-3.0-with-GCC-exception", "GPL-3.0-only", "GCC-exception-3.1"},
	{"GPL-3.0-with-autoconf-exception", "GPL-3.0-only", "Autoconf-exception-3.0"},
	{"eCos-2.0", "GPL-2.0-or-later", "eCos-exception-2.0"},
	{"wxWindows", "GPL-2.0-or-later", "WxWindows-exception-3.1"},
	{"StandardML-NJ", "SMLNJ", NULL},
	{"Nunit", "zlib-acknowledgement", NULL},
	{"bzip2-1.0.5", "bzip2-1.0.6", NULL},
};

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
		if (dash == NULL || (size_t) (dash - v) >= vcap)
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

static inline bool
idchar(char c)
{
	return isalnum((unsigned char) c) || c == '-' || c == '.' || c == ':' || c == '_';
}

static void
next(parser *p)
{
	while (p->pos < p->len && isspace((unsigned char) p->s[p->pos]))
		p->pos++;
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
		p->pos++;
	if (p->pos == p->tstart)
		p->pos++;				/* a character no token may hold */
	p->kind = T_WORD;
	p->tlen = p->pos - p->tstart;
}

static void
fail(parser *p, size_t pos, const char *fmt, const char *arg, size_t arglen)
{
	if (p->failed)
		return;
	p->failed = true;
	p->errpos = pos;
	if (p->err && p->errlen)
	{
		char		a[128];

		snprintf(a, sizeof a, "%.*s", (int) (arglen < 100 ? arglen : 100), arg ? arg : "");
		snprintf(p->err, p->errlen, fmt, a, (int) pos + 1);
	}
}

static bool
is_word(parser *p, const char *w)
{
	return p->kind == T_WORD && cmp_ci(p->s + p->tstart, p->tlen, w) == 0;
}

static char *
dupstr(parser *p, const char *s, size_t n)
{
	char	   *d = p->mem->alloc(p->mem->ctx, n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static lc_spdx_node *
new_node(parser *p, lc_spdx_kind kind)
{
	lc_spdx_node *n = p->mem->alloc(p->mem->ctx, sizeof(lc_spdx_node));

	memset(n, 0, sizeof(*n));
	n->kind = kind;
	return n;
}

static bool
has_prefix_ci(const char *s, size_t len, const char *prefix)
{
	size_t		pl = strlen(prefix);

	return len >= pl && cmp_ci(s, pl, prefix) == 0;
}

/* A user-defined reference: [DocumentRef-x:]<kind>-y, returned canonically cased. */
static char *
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
	out = p->mem->alloc(p->mem->ctx, len + 1);
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

	if (p->kind != T_WORD || is_word(p, "AND") || is_word(p, "OR") || is_word(p, "WITH"))
	{
		if (p->kind == T_END)
			fail(p, p->tstart, "expected a license id at the end of the expression%s (position %d)", "", 0);
		else
			fail(p, p->tstart, "expected a license id, found \"%s\" at position %d", w, wl);
		return NULL;
	}
	n = new_node(p, LC_SPDX_LICENSE);
	next(p);
	if (p->kind == T_PLUS && p->tstart == wpos + wl)
	{
		plus = true;
		next(p);
	}
	if (has_prefix_ci(w, wl, "LicenseRef-") || has_prefix_ci(w, wl, "DocumentRef-"))
	{
		n->id = parse_ref(p, w, wl, "LicenseRef-");
		if (n->id == NULL || plus)
		{
			fail(p, wpos, "invalid license reference \"%s\" at position %d", w, wl);
			return NULL;
		}
	}
	else
	{
		const lc_spdx_entry *e = lc_spdx_find_license(w, wl);
		const char *id;
		const char *family;
		char		version[16];
		bool		or_later;

		if (e == NULL)
		{
			fail(p, wpos, "unknown license id \"%s\" at position %d", w, wl);
			return NULL;
		}
		id = e->id;
		for (size_t i = 0; i < sizeof(deprecated_map) / sizeof(deprecated_map[0]); i++)
			if (strcmp(deprecated_map[i].old, id) == 0)
			{
				id = deprecated_map[i].id;
				n->exception = deprecated_map[i].exception;
				break;
			}
		if (plus)
		{
			/* X+ of the GNU families is X-or-later; elsewhere it stays X+ */
			if (gnu_split(id, &family, version, sizeof version, &or_later))
			{
				char		buf[64];

				snprintf(buf, sizeof buf, "%s%s-or-later", family, version);
				id = dupstr(p, buf, strlen(buf));
			}
			else
			{
				char	   *b = p->mem->alloc(p->mem->ctx, strlen(id) + 2);

				strcpy(b, id);
				strcat(b, "+");
				id = b;
			}
		}
		n->id = id;
	}

	if (is_word(p, "WITH"))
	{
		const char *x;
		size_t		xl,
					xpos;

		next(p);
		x = p->s + p->tstart;
		xl = p->tlen;
		xpos = p->tstart;
		if (p->kind != T_WORD || is_word(p, "AND") || is_word(p, "OR") || is_word(p, "WITH"))
		{
			fail(p, p->tstart, "expected an exception id after WITH%s at position %d", "", 0);
			return NULL;
		}
		if (has_prefix_ci(x, xl, "AdditionRef-") || has_prefix_ci(x, xl, "DocumentRef-"))
			n->exception = parse_ref(p, x, xl, "AdditionRef-");
		else
		{
			const lc_spdx_entry *e = lc_spdx_find_exception(x, xl);

			n->exception = e ? e->id : NULL;
		}
		if (n->exception == NULL)
		{
			fail(p, xpos, "unknown exception id \"%s\" at position %d", x, xl);
			return NULL;
		}
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

		if (++p->depth > 100)
		{
			fail(p, open, "parentheses nested too deeply%s at position %d", "", 0);
			return NULL;
		}
		next(p);
		n = parse_or(p);
		if (n == NULL)
			return NULL;
		if (p->kind != T_RPAREN)
		{
			fail(p, open, "unbalanced parenthesis%s at position %d", "", 0);
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
	node = new_node(p, kind);
	for (lc_spdx_node *x = first;;)
	{
		int			add = (x->kind == kind) ? x->nkids : 1;

		if (n + add > cap)
		{
			lc_spdx_node **nk = p->mem->alloc(p->mem->ctx, sizeof(lc_spdx_node *) * (size_t) (cap + add) * 2);

			memcpy(nk, kids, sizeof(lc_spdx_node *) * (size_t) n);
			kids = nk;
			cap = (cap + add) * 2;
		}
		if (x->kind == kind)
			for (int i = 0; i < x->nkids; i++)
				kids[n++] = x->kids[i];
		else
			kids[n++] = x;
		if (!is_word(p, op))
			break;
		next(p);
		x = operand(p);
		if (x == NULL)
			return NULL;
	}
	node->kids = p->mem->alloc(p->mem->ctx, sizeof(lc_spdx_node *) * (size_t) n);
	memcpy(node->kids, kids, sizeof(lc_spdx_node *) * (size_t) n);
	node->nkids = n;
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

lc_spdx_node *
lc_spdx_parse(const char *s, size_t len, const lc_spdx_mem *mem,
			  size_t *errpos, char *err, size_t errlen)
{
	parser		p;
	lc_spdx_node *n;

	memset(&p, 0, sizeof(p));
	p.s = s;
	p.len = len;
	p.mem = mem;
	p.err = err;
	p.errlen = errlen;
	next(&p);
	if (p.kind == T_END)
	{
		fail(&p, 0, "empty license expression%s (position %d)", "", 0);
		n = NULL;
	}
	else
	{
		n = parse_or(&p);
		if (n && p.kind != T_END)
		{
			if (p.kind == T_RPAREN)
				fail(&p, p.tstart, "unbalanced parenthesis%s at position %d", "", 0);
			else
				fail(&p, p.tstart, "expected AND, OR or WITH, found \"%s\" at position %d",
					 p.s + p.tstart, p.tlen);
			n = NULL;
		}
	}
	if (p.failed)
	{
		*errpos = p.errpos;
		return NULL;
	}
	return n;
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

/* ---- disjunctive normal form ---- */

typedef struct option_set
{
	const lc_spdx_node ***opt;	/* options: arrays of leaves */
	int		   *len;
	int			n;
} option_set;

static bool
dnf(const lc_spdx_node *node, const lc_spdx_mem *mem, int max, option_set *out)
{
	if (node->kind == LC_SPDX_LICENSE)
	{
		out->opt = mem->alloc(mem->ctx, sizeof(*out->opt));
		out->len = mem->alloc(mem->ctx, sizeof(int));
		out->opt[0] = mem->alloc(mem->ctx, sizeof(lc_spdx_node *));
		out->opt[0][0] = node;
		out->len[0] = 1;
		out->n = 1;
		return true;
	}
	if (node->kind == LC_SPDX_OR)
	{
		option_set *parts = mem->alloc(mem->ctx, sizeof(option_set) * (size_t) node->nkids);
		int			total = 0,
					k = 0;

		for (int i = 0; i < node->nkids; i++)
		{
			if (!dnf(node->kids[i], mem, max, &parts[i]))
				return false;
			total += parts[i].n;
			if (total > max)
				return false;
		}
		out->opt = mem->alloc(mem->ctx, sizeof(*out->opt) * (size_t) total);
		out->len = mem->alloc(mem->ctx, sizeof(int) * (size_t) total);
		for (int i = 0; i < node->nkids; i++)
			for (int j = 0; j < parts[i].n; j++, k++)
			{
				out->opt[k] = parts[i].opt[j];
				out->len[k] = parts[i].len[j];
			}
		out->n = total;
		return true;
	}
	/* AND: the cartesian product of the operands' options */
	out->n = 1;
	out->opt = mem->alloc(mem->ctx, sizeof(*out->opt));
	out->len = mem->alloc(mem->ctx, sizeof(int));
	out->opt[0] = NULL;
	out->len[0] = 0;
	for (int i = 0; i < node->nkids; i++)
	{
		option_set	part;
		option_set	prod;
		int			k = 0;

		if (!dnf(node->kids[i], mem, max, &part))
			return false;
		if ((long) out->n * part.n > max)
			return false;
		prod.n = out->n * part.n;
		prod.opt = mem->alloc(mem->ctx, sizeof(*prod.opt) * (size_t) prod.n);
		prod.len = mem->alloc(mem->ctx, sizeof(int) * (size_t) prod.n);
		for (int a = 0; a < out->n; a++)
			for (int b = 0; b < part.n; b++, k++)
			{
				int			l = out->len[a] + part.len[b];

				prod.opt[k] = mem->alloc(mem->ctx, sizeof(lc_spdx_node *) * (size_t) l);
				if (out->len[a])
					memcpy(prod.opt[k], out->opt[a], sizeof(lc_spdx_node *) * (size_t) out->len[a]);
				memcpy(prod.opt[k] + out->len[a], part.opt[b], sizeof(lc_spdx_node *) * (size_t) part.len[b]);
				prod.len[k] = l;
			}
		*out = prod;
	}
	return true;
}

int
lc_spdx_dnf(const lc_spdx_node *n, const lc_spdx_mem *mem, int max,
			lc_spdx_leaf_fn fn, void *arg)
{
	option_set	s;

	if (!dnf(n, mem, max, &s))
		return -1;
	for (int i = 0; i < s.n; i++)
		for (int j = 0; j < s.len[i]; j++)
			fn(arg, i, s.opt[i][j]);
	return s.n;
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
lc_spdx_leaf_satisfied(const lc_spdx_node *a, const lc_spdx_node *b)
{
	const char *fa,
			   *fb;
	char		va[16],
				vb[16];
	bool		la,
				lb;
	size_t		al;

	if ((a->exception == NULL) != (b->exception == NULL) ||
		(a->exception && strcmp(a->exception, b->exception) != 0))
		return false;
	if (strcmp(a->id, b->id) == 0)
		return true;
	if (gnu_split(a->id, &fa, va, sizeof va, &la) && gnu_split(b->id, &fb, vb, sizeof vb, &lb) &&
		strcmp(fa, fb) == 0)
	{
		/* a offers "v or later": any allowed version from v on will do */
		if (la && version_cmp(vb, va) >= 0)
			return true;
		/* b allows "v or later": a's version must be at least v */
		if (lb && version_cmp(va, vb) >= 0)
			return true;
		return false;
	}
	/* "X+" offers X too */
	al = strlen(a->id);
	return al > 1 && a->id[al - 1] == '+' && strncmp(a->id, b->id, al - 1) == 0 && b->id[al - 1] == '\0';
}
