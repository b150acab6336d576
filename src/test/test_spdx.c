/*
 * test_spdx.c — unit tests of the SPDX core (lc_spdx.c), run outside the
 * server.
 *
 * 1. Memory is linear in the input: parsing and walking the expansion of an
 *    AND or an OR of n licenses allocates O(n) bytes (a chain of 16 times
 *    the licenses takes at most 20 times the memory).
 * 2. tick() is called at a bounded interval: while lexing, while walking
 *    the expansion, while sorting ids.
 * 3. The expansion walked without building it equals the expansion built
 *    the plain way (cartesian products), alternative by alternative, on
 *    random expressions; so does satisfaction evaluated on the tree; and
 *    the counts refuse what the limit refuses.
 * 4. lc_spdx_ids gives each id once, in order of first appearance.
 * 5. lc_spdx_check and lc_spdx_parse agree, with the same message; messages
 *    are valid UTF-8 whatever the input.
 * 6. The correction tables: every key is what lc_spdx_key_of() reads from
 *    its phrase (gen.py and C read alike); every alias, URL and exception
 *    row answers as the row says; every name of the list is read as its
 *    license (or refused where names collide); every rule of the pipeline,
 *    and what must stay NULL, on hand-made strings.
 * Prints "N passed, N failed".
 */
#include "lc_spdx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

/* An arena that counts what it hands out and frees it all at once. */
typedef struct arena
{
	void	  **p;
	size_t		n,
				cap;
	size_t		bytes;
	size_t		ticks;
} arena;

static void *
a_alloc(void *ctx, size_t size)
{
	arena	   *a = ctx;
	void	   *p = calloc(1, size ? size : 1);

	if (a->n == a->cap)
	{
		a->cap = a->cap ? a->cap * 2 : 1024;
		a->p = realloc(a->p, sizeof(void *) * a->cap);
	}
	a->p[a->n++] = p;
	a->bytes += size;
	return p;
}

static void
a_tick(void *ctx)
{
	((arena *) ctx)->ticks++;
}

static void
a_reset(arena *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->p[i]);
	a->n = 0;
	a->bytes = 0;
	a->ticks = 0;
}

static char *
chain(const char *id, const char *op, int n)
{
	size_t		cap = (strlen(id) + strlen(op) + 2) * (size_t) n + 1;
	char	   *s = malloc(cap),
			   *p = s;

	for (int i = 0; i < n; i++)
		p += sprintf(p, "%s%s", i ? op : "", id);
	return s;
}

static void
count_leaf(void *arg, int option, const lc_spdx_node *leaf)
{
	(*(size_t *) arg)++;
}

/* bytes to parse and walk the expansion of n licenses joined by op */
static size_t
cost(arena *a, const char *op, int n, size_t *leaves)
{
	lc_spdx_mem mem = {a_alloc, a, a_tick};
	char	   *s = chain("MIT", op, n);
	size_t		pos;
	lc_spdx_node *node;
	size_t		bytes;

	a_reset(a);
	node = lc_spdx_parse(s, strlen(s), &mem, &pos, NULL, 0);
	*leaves = 0;
	lc_spdx_dnf(node, &mem, LC_SPDX_MAX_LICENSES, count_leaf, leaves);
	bytes = a->bytes;
	free(s);
	return bytes;
}

static void
test_memory(void)
{
	arena		a = {0};
	const char *ops[] = {" AND ", " OR "};

	for (int o = 0; o < 2; o++)
	{
		size_t		l1,
					l2;
		size_t		small = cost(&a, ops[o], 1000, &l1);
		size_t		large = cost(&a, ops[o], 16000, &l2);

		CHECK(l1 == 1000 && l2 == 16000, "%s: %zu and %zu leaves", ops[o], l1, l2);
		CHECK(large <= 20 * small, "%s chain: %zu bytes for 1000 licenses, %zu for 16000",
			  ops[o], small, large);
	}
	a_reset(&a);
	free(a.p);
}

static void
test_ticks(void)
{
	arena		a = {0};
	lc_spdx_mem mem = {a_alloc, &a, a_tick};
	size_t		pos,
				n,
				leaves = 0;
	char	   *s;
	lc_spdx_node *node;
	const char **ids;

	/* lexing: one long run of spaces, one long word */
	n = 4 * 1024 * 1024;
	s = malloc(n + 4);
	memset(s, ' ', n);
	memcpy(s + n, "MIT", 4);
	CHECK(lc_spdx_check(s, n + 3, &mem, &leaves, &pos, NULL, 0) && a.ticks >= n / 65536,
		  "spaces: %zu ticks for %zu bytes", a.ticks, n);
	a.ticks = 0;
	memset(s, 'A', n);
	CHECK(!lc_spdx_check(s, n, &mem, &leaves, &pos, NULL, 0) && a.ticks >= n / 65536,
		  "one word: %zu ticks for %zu bytes", a.ticks, n);
	free(s);

	/* the expansion and the ids */
	a_reset(&a);
	s = chain("LicenseRef-x", " OR ", 100000);
	node = lc_spdx_parse(s, strlen(s), &mem, &pos, NULL, 0);
	CHECK(node != NULL && a.ticks >= 100000 / 4096, "parse: %zu ticks", a.ticks);
	a.ticks = 0;
	leaves = 0;
	lc_spdx_dnf(node, &mem, LC_SPDX_MAX_LICENSES, count_leaf, &leaves);
	CHECK(leaves == 100000 && a.ticks >= 100000 / 4096, "dnf: %zu ticks", a.ticks);
	a.ticks = 0;
	n = lc_spdx_ids(node, &mem, &ids);
	CHECK(n == 1 && a.ticks >= 100000 / 4096, "ids: %zu ids, %zu ticks", n, a.ticks);
	free(s);
	a_reset(&a);
	free(a.p);
}

/* ---- random expressions against a plain expansion ---- */

static const char *const pool[] = {
	"MIT", "ISC", "Apache-2.0", "GPL-2.0-only", "GPL-2.0+", "GPL-3.0-or-later", "LGPL-2.1",
	"BSD-3-Clause", "LicenseRef-a", "GPL-2.0-only WITH Classpath-exception-2.0", "0BSD",
};

static void
random_expr(char *buf, size_t cap, int depth)
{
	size_t		l = strlen(buf);
	int			r = rand() % 10;

	if (depth > 3 || r < 4)
	{
		snprintf(buf + l, cap - l, "%s", pool[rand() % (sizeof pool / sizeof pool[0])]);
		return;
	}
	{
		int			k = 2 + rand() % 3;
		const char *op = (r < 7) ? " AND " : " OR ";

		snprintf(buf + l, cap - l, "(");
		for (int i = 0; i < k; i++)
		{
			if (i)
				snprintf(buf + strlen(buf), cap - strlen(buf), "%s", op);
			random_expr(buf, cap, depth + 1);
		}
		snprintf(buf + strlen(buf), cap - strlen(buf), ")");
	}
}

/* the expansion built plainly: an array of options, each an array of leaves */
typedef struct plain
{
	const lc_spdx_node **leaf[4096];
	int			len[4096];
	int			n;
} plain;

static void
plain_dnf(const lc_spdx_node *n, plain *out)
{
	if (n->kind == LC_SPDX_LICENSE)
	{
		out->n = 1;
		out->leaf[0] = malloc(sizeof(lc_spdx_node *));
		out->leaf[0][0] = n;
		out->len[0] = 1;
		return;
	}
	if (n->kind == LC_SPDX_OR)
	{
		out->n = 0;
		for (int i = 0; i < n->nkids; i++)
		{
			plain	   *p = malloc(sizeof(plain));

			plain_dnf(n->kids[i], p);
			for (int j = 0; j < p->n; j++)
			{
				out->leaf[out->n] = p->leaf[j];
				out->len[out->n++] = p->len[j];
			}
			free(p);
		}
		return;
	}
	out->n = 1;
	out->leaf[0] = NULL;
	out->len[0] = 0;
	for (int i = 0; i < n->nkids; i++)
	{
		plain	   *p = malloc(sizeof(plain)),
				   *prod = malloc(sizeof(plain));

		plain_dnf(n->kids[i], p);
		prod->n = 0;
		for (int a = 0; a < out->n; a++)
			for (int b = 0; b < p->n; b++)
			{
				int			l = out->len[a] + p->len[b];
				const lc_spdx_node **v = malloc(sizeof(lc_spdx_node *) * (size_t) l);

				if (out->len[a])
					memcpy(v, out->leaf[a], sizeof(lc_spdx_node *) * (size_t) out->len[a]);
				memcpy(v + out->len[a], p->leaf[b], sizeof(lc_spdx_node *) * (size_t) p->len[b]);
				prod->leaf[prod->n] = v;
				prod->len[prod->n++] = l;
			}
		for (int a = 0; a < out->n; a++)
			free(out->leaf[a]);
		for (int b = 0; b < p->n; b++)
			free(p->leaf[b]);
		*out = *prod;
		free(p);
		free(prod);
	}
}

typedef struct seen
{
	int			option[20000];
	const lc_spdx_node *leaf[20000];
	int			n;
} seen;

static void
record(void *arg, int option, const lc_spdx_node *leaf)
{
	seen	   *s = arg;

	if (s->n < 20000)
	{
		s->option[s->n] = option;
		s->leaf[s->n++] = leaf;
	}
}

static void
test_random_dnf(int rounds)
{
	arena		a = {0};
	lc_spdx_mem mem = {a_alloc, &a, NULL};
	seen	   *s = malloc(sizeof(seen));
	plain	   *p = malloc(sizeof(plain));
	int			bad_dnf = 0,
				bad_sat = 0,
				bad_count = 0,
				skipped = 0;

	for (int r = 0; r < rounds; r++)
	{
		char		buf[8192] = "";
		size_t		pos;
		lc_spdx_node *node;
		lc_spdx_node *allowed[4];
		int			nallowed = rand() % 4;
		uint64_t	terms = 0;
		bool		plain_ok = false;

		random_expr(buf, sizeof buf, 0);
		node = lc_spdx_parse(buf, strlen(buf), &mem, &pos, NULL, 0);
		if (node == NULL)
		{
			bad_dnf++;
			continue;
		}
		if (node->noptions > 1000 || node->nterms > 10000)
		{
			skipped++;
			a_reset(&a);
			continue;
		}
		plain_dnf(node, p);
		for (int i = 0; i < p->n; i++)
			terms += (uint64_t) p->len[i];
		if (node->noptions != (uint64_t) p->n || node->nterms != terms)
			bad_count++;
		s->n = 0;
		if (lc_spdx_dnf(node, &mem, LC_SPDX_MAX_LICENSES, record, s) != p->n)
			bad_dnf++;
		else
		{
			int			k = 0;

			for (int i = 0; i < p->n; i++)
				for (int j = 0; j < p->len[i]; j++, k++)
					if (k >= s->n || s->option[k] != i || s->leaf[k] != p->leaf[i][j])
						bad_dnf++;
		}
		if (terms > 1 && lc_spdx_dnf(node, &mem, terms - 1, record, s) != -1)
			bad_count++;
		/* satisfaction on the tree = some option with every leaf allowed */
		for (int i = 0; i < nallowed; i++)
		{
			const char *id = pool[rand() % (sizeof pool / sizeof pool[0])];

			allowed[i] = lc_spdx_parse(id, strlen(id), &mem, &pos, NULL, 0);
		}
		for (int i = 0; i < p->n && !plain_ok; i++)
		{
			bool		all = true;

			for (int j = 0; j < p->len[i] && all; j++)
			{
				bool		one = false;

				for (int x = 0; x < nallowed && !one; x++)
					one = lc_spdx_leaf_satisfied(p->leaf[i][j], allowed[x]);
				all = one;
			}
			plain_ok = all;
		}
		if (plain_ok != lc_spdx_satisfies(node, allowed, nallowed, &mem))
			bad_sat++;
		for (int i = 0; i < p->n; i++)
			free(p->leaf[i]);
		a_reset(&a);
	}
	CHECK(bad_dnf == 0, "walked expansion differs from the plain one %d times", bad_dnf);
	CHECK(bad_count == 0, "counts differ from the plain expansion %d times", bad_count);
	CHECK(bad_sat == 0, "satisfaction on the tree differs %d times", bad_sat);
	CHECK(skipped < rounds / 10, "%d of %d random expressions too large to expand plainly", skipped, rounds);
	free(s);
	free(p);
	free(a.p);
}

static void
test_ids(void)
{
	arena		a = {0};
	lc_spdx_mem mem = {a_alloc, &a, NULL};
	int			bad = 0;

	for (int r = 0; r < 300; r++)
	{
		char		buf[20000] = "";
		int			n = 1 + rand() % 300,
					m = 1 + rand() % 50;
		int			want[300],
					nwant = 0;
		const char **ids;
		size_t		pos,
					k;
		lc_spdx_node *node;

		for (int i = 0; i < n; i++)
		{
			int			v = rand() % m;
			bool		dup = false;

			sprintf(buf + strlen(buf), "%sLicenseRef-%d", i ? (rand() % 2 ? " OR " : " AND ") : "", v);
			for (int j = 0; j < nwant && !dup; j++)
				dup = want[j] == v;
			if (!dup)
				want[nwant++] = v;
		}
		node = lc_spdx_parse(buf, strlen(buf), &mem, &pos, NULL, 0);
		k = lc_spdx_ids(node, &mem, &ids);
		if (k != (size_t) nwant)
			bad++;
		else
			for (int j = 0; j < nwant; j++)
			{
				char		e[32];

				sprintf(e, "LicenseRef-%d", want[j]);
				if (strcmp(ids[j], e) != 0)
					bad++;
			}
		a_reset(&a);
	}
	CHECK(bad == 0, "ids: %d differences from first appearance order", bad);
	free(a.p);
}

/* Whether s is valid UTF-8. */
static bool
valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *) s;

	while (*p)
	{
		int			n = (*p < 0x80) ? 0 : (*p >> 5) == 6 ? 1 : (*p >> 4) == 14 ? 2 : (*p >> 3) == 30 ? 3 : -1;

		if (n < 0)
			return false;
		p++;
		for (int i = 0; i < n; i++, p++)
			if ((*p & 0xC0) != 0x80)
				return false;
	}
	return true;
}

static void
test_check_and_messages(int rounds)
{
	arena		a = {0};
	lc_spdx_mem mem = {a_alloc, &a, NULL};
	static const char *const bits[] = {
		"MIT", " ", "AND", "OR", "WITH", "(", ")", "+", "é", "東京", "Classpath-exception-2.0",
		"GPL-2.0-with-classpath-exception", "LicenseRef-", "LicenseRef-x", "DocumentRef-a:", "\xff",
		"Apache-2.0", "x", "-", "eCos-2.0", "AdditionRef-y", ":",
	};
	int			disagree = 0,
				bad_utf8 = 0;

	for (int r = 0; r < rounds; r++)
	{
		char		buf[512] = "",
					e1[256] = "",
					e2[256] = "";
		int			n = 1 + rand() % 12;
		size_t		p1 = 0,
					p2 = 0,
					nl;
		bool		ok1,
					ok2;
		bool		has_ff;

		for (int i = 0; i < n; i++)
		{
			strcat(buf, bits[rand() % (sizeof bits / sizeof bits[0])]);
			if (rand() % 2)
				strcat(buf, " ");
		}
		ok1 = lc_spdx_check(buf, strlen(buf), &mem, &nl, &p1, e1, sizeof e1);
		ok2 = lc_spdx_parse(buf, strlen(buf), &mem, &p2, e2, sizeof e2) != NULL;
		if (ok1 != ok2 || (!ok1 && (p1 != p2 || strcmp(e1, e2) != 0)))
			disagree++;
		has_ff = strchr(buf, '\xff') != NULL;
		if (!ok1 && !has_ff && !valid_utf8(e1))
			bad_utf8++;
		a_reset(&a);
	}
	CHECK(disagree == 0, "check and parse disagree %d times", disagree);
	CHECK(bad_utf8 == 0, "%d messages are not valid UTF-8", bad_utf8);
	free(a.p);
}


/* ---- correction ---- */

static const char *
correct(arena *a, const char *s, lc_spdx_why *why)
{
	static char buf[1024];
	lc_spdx_mem mem = {a_alloc, a, NULL};

	return lc_spdx_correct_explain(s, strlen(s), &mem, buf, sizeof buf, why) ? buf : NULL;
}

/* The canonical form of an expression. */
static const char *
canonical(arena *a, const char *e)
{
	static char buf[1024];
	lc_spdx_mem mem = {a_alloc, a, NULL};
	size_t		pos;
	lc_spdx_node *n = lc_spdx_parse(e, strlen(e), &mem, &pos, NULL, 0);

	if (n == NULL)
		return NULL;
	lc_spdx_format(n, buf, sizeof buf);
	return buf;
}

static void
test_tables(void)
{
	arena		a = {0};
	int			bad_key = 0,
				bad_alias = 0,
				bad_name = 0,
				bad_url = 0,
				bad_dep = 0,
				names = 0;

	for (int i = 0; i < lc_spdx_nkeys; i++)
	{
		const lc_spdx_key *k = &lc_spdx_keys[i];
		char		key[512];

		if (k->kind <= LC_SPDX_KEY_ID &&
			(!lc_spdx_key_of(k->phrase, strlen(k->phrase), key, sizeof key) || strcmp(key, k->key) != 0))
		{
			fprintf(stderr, "key \"%s\" of \"%s\" reads as \"%s\" in C\n", k->key, k->phrase, key);
			bad_key++;
		}
		if (k->kind == LC_SPDX_KEY_ALIAS)
		{
			const char *want = k->answer ? canonical(&a, k->answer) : NULL;
			char		w[1024];
			const char *got;

			snprintf(w, sizeof w, "%s", want ? want : "");
			got = correct(&a, k->phrase, NULL);
			if ((k->answer && want == NULL) || (got == NULL) != (k->answer == NULL) || (got && strcmp(got, w) != 0))
			{
				fprintf(stderr, "alias \"%s\": %s, the row says %s\n", k->phrase, got ? got : "NULL",
						k->answer ? k->answer : "NULL");
				bad_alias++;
			}
		}
		a_reset(&a);
	}
	CHECK(bad_key == 0, "%d keys read otherwise in C than in gen.py", bad_key);
	CHECK(bad_alias == 0, "%d alias rows answer otherwise", bad_alias);

	/* every license's name is read as that license, unless names collide */
	for (int i = 0; i < lc_spdx_nlicenses; i++)
	{
		const lc_spdx_entry *e = &lc_spdx_licenses[i];
		char		key[512];
		const lc_spdx_key *k = NULL;
		const char *got;
		char		want[256];

		if (strncmp(e->id, "GPL-", 4) == 0 || strncmp(e->id, "LGPL-", 5) == 0 || strncmp(e->id, "AGPL-", 5) == 0 ||
			strncmp(e->id, "GFDL-", 5) == 0 || strncmp(e->id, "CC", 2) == 0)
			continue;			/* read by their own rules, below */
		if (!lc_spdx_key_of(e->name, strlen(e->name), key, sizeof key))
			continue;
		for (int j = 0; j < lc_spdx_nkeys; j++)
			if (strcmp(lc_spdx_keys[j].key, key) == 0)
				k = &lc_spdx_keys[j];
		snprintf(want, sizeof want, "%s%s%s", e->replaced_by ? e->replaced_by : e->id,
				 e->exception ? " WITH " : "", e->exception ? e->exception : "");
		got = correct(&a, e->name, NULL);
		names++;
		if (k && k->answer == NULL)
		{
			if (got != NULL)
			{
				fprintf(stderr, "name \"%s\" (refused key) answered %s\n", e->name, got);
				bad_name++;
			}
		}
		else if (got == NULL || (strcmp(got, want) != 0 && (k == NULL || strcmp(got, k->answer) != 0)))
		{
			fprintf(stderr, "name \"%s\" of %s answered %s\n", e->name, want, got ? got : "NULL");
			bad_name++;
		}
		a_reset(&a);
	}
	CHECK(names > 500 && bad_name == 0, "%d of %d names of the list not read as their license", bad_name, names);

	/* URL rows */
	for (int i = 0; i < lc_spdx_nurls; i++)
	{
		const lc_spdx_url *u = &lc_spdx_urls[i];
		char		url[600];
		const char *got;

		if (u->answer && strcmp(u->answer, "*") == 0)
			continue;
		snprintf(url, sizeof url, "https://www.%s", u->prefix);
		got = correct(&a, url, NULL);
		if ((got == NULL) != (u->answer == NULL) || (got && strcmp(got, canonical(&a, u->answer)) != 0))
		{
			fprintf(stderr, "URL %s: %s, the row says %s\n", url, got ? got : "NULL", u->answer ? u->answer : "NULL");
			bad_url++;
		}
		a_reset(&a);
	}
	CHECK(bad_url == 0, "%d URL rows answer otherwise", bad_url);

	/* deprecated ids mean what deprecated.tsv says */
	for (int i = 0; i < lc_spdx_nlicenses; i++)
	{
		const lc_spdx_entry *e = &lc_spdx_licenses[i];
		char		want[256];
		const char *got;

		if (!e->deprecated)
			continue;
		snprintf(want, sizeof want, "%s%s%s", e->replaced_by, e->exception ? " WITH " : "",
				 e->exception ? e->exception : "");
		got = canonical(&a, e->id);
		if (got == NULL || strcmp(got, want) != 0)
			bad_dep++;
		a_reset(&a);
	}
	CHECK(bad_dep == 0, "%d deprecated ids read otherwise than deprecated.tsv", bad_dep);
	a_reset(&a);
	free(a.p);
}

/* Each rule of the pipeline, and what stays NULL (with the rule that said no). */
static const struct
{
	const char *in;
	const char *want;			/* NULL: no answer */
	const char *rule;
}			cases[] = {
	/* 2: an expression, any case, deprecated ids */
	{"mit OR apache-2.0", "MIT OR Apache-2.0", "expression"},
	{"GPL-2.0+", "GPL-2.0-or-later", "expression"},
	/* 3: exceptions in words */
	{"GPL-2+ with Libtool exception", "GPL-2.0-or-later WITH Libtool-exception", "exception"},
	{"GPL-3+-WITH-BISON-EXCEPTION", "GPL-3.0-or-later WITH Bison-exception-2.2", "exception"},
	{"APACHE-2-LLVM-EXCEPTIONS", "Apache-2.0 WITH LLVM-exception", "exception"},
	{"GPL-2+ with Bison exception", NULL, "exception"},
	{"GPL-3+ with Autoconf exception", NULL, "exception"},
	{"LGPL-2.1+ with staticLink exception", NULL, "exception"},
	{"MIT with odd exception", NULL, "exception"},
	/* 3: URLs */
	{"https://opensource.org/licenses/MIT", "MIT", NULL},
	{"HTTP://WWW.OPENSOURCE.ORG/LICENSES/BSD-3-CLAUSE", "BSD-3-Clause", NULL},
	{"http://www.apache.org/licenses/LICENSE-2.0.txt", "Apache-2.0", "url"},
	{"https://www.gnu.org/licenses/old-licenses/lgpl-2.1.en.html", "LGPL-2.1-only", "expression"},
	{"https://creativecommons.org/licenses/by-nc-sa/4.0/legalcode", "CC-BY-NC-SA-4.0", "creative-commons"},
	{"https://kossnocorp.mit-license.org/", "MIT", "url"},
	{"http://opensource.org/licenses/bsd-license.php", NULL, "url"},
	{"https://github.com/user/mit", NULL, "unknown"},
	/* 3: GNU */
	{"GNU Lesser General Public License v2.1 or later", "LGPL-2.1-or-later", "gnu"},
	{"GPLv3+", "GPL-3.0-or-later", "gnu"},
	{"GNU General Public License, version 2", "GPL-2.0-only", "gnu"},
	{"GFDL-NIV-1.3+", "GFDL-1.3-no-invariants-or-later", "gnu"},
	{"GNU GPL", NULL, "gnu"},
	{"GPL-4+", NULL, "gnu"},
	/* 3: Creative Commons */
	{"CC BY-NC-SA 4.0", "CC-BY-NC-SA-4.0", "creative-commons"},
	{"CC-BY-3.0-AT", "CC-BY-3.0-AT", "expression"},
	{"Creative Commons Attribution 3.0 Germany", "CC-BY-3.0-DE", "creative-commons"},
	{"CC-BY-SA-3.0-US", NULL, "creative-commons"},
	{"CC-BY", NULL, "creative-commons"},
	/* 3: keys: aliases, names, ids, one version, families */
	{"Expat", "MIT", "alias"},
	{"Apache Software License, Version 2.0", "Apache-2.0", "alias"},
	{"Mozilla Public License 2.0", "MPL-2.0", "name"},
	{"BSD 3-Clause", "BSD-3-Clause", "id"},
	{"Universal Permissive License", "UPL-1.0", "single-version"},
	{"Mozilla Public License", NULL, "no-version"},
	{"Apache", NULL, "no-version"},
	{"Hippocratic License", NULL, "no-version"},
	{"BSD", NULL, "alias"},
	{"MIT/X11", NULL, "alias"},
	{"UNLICENSED", NULL, "not-a-license"},
	{"Public Domain", NULL, "not-a-license"},
	{"MPL 1.1+", NULL, "unknown"},
	/* 4-8: markdown, prose, sentences, copyright, groups */
	{"[MIT](./LICENSE)", "MIT", NULL},
	{"Released under the [MIT License](https://opensource.org/licenses/MIT).", "MIT", NULL},
	{"MIT. See LICENSE.txt.", "MIT", NULL},
	{"MIT, Copyright (c) 2015 Jane Roe", "MIT", NULL},
	{"MIT \xc2\xa9 Jane Roe", "MIT", NULL},
	{"The MIT License (MIT)", "MIT", NULL},
	{"MIT <https://opensource.org/licenses/MIT>", "MIT", NULL},
	{"Apache-2.0 (https://github.com/foo/bar/LICENSE)", "Apache-2.0", NULL},
	{"This library is free software; you can redistribute it under the terms of the GNU Lesser General Public License as published by the Free Software Foundation; either version 2.1 of the License, or (at your option) any later version.",
	"LGPL-2.1-or-later", "gnu"},
	{"It is free software, released under the GNU General Public License; either version 3, or any later version.",
	"GPL-3.0-or-later", "gnu"},
	{"MIT (ISC)", NULL, "conflict"},
	{"(MIT) (ISC)", NULL, "conflict"},
	{"MIT (modified)", NULL, "conflict"},
	{"MIT. Some files are under the GPL.", NULL, "gnu"},
	/* 9: joined */
	{"LGPLv3+_or_GPLv2+", "LGPL-3.0-or-later OR GPL-2.0-or-later", "compound"},
	{"MPL-1.1 or LGPL-2.1+, and Expat", "(MPL-1.1 OR LGPL-2.1-or-later) AND MIT", "compound"},
	{"Apache 2.0 / MIT", "Apache-2.0 OR MIT", "compound"},
	{"zlib/libpng", "Zlib", "alias"},
	{"BSD-3-clause and/or GPL-3+", "BSD-3-Clause OR GPL-3.0-or-later", "compound"},
	{"This software is dual-licensed under the ISC and MIT licenses.", "ISC OR MIT", "compound"},
	{"MIT, Apache 2.0", NULL, "ambiguous"},
	{"MIT or Foo", NULL, "unknown"},
	/* 10: typos */
	{"Apache Licnese 2.0", "Apache-2.0", "typo"},
	{"BSD-3-Cluase", "BSD-3-Clause", "typo"},
	{"MTI", "MIT", "typo"},
	{"Unlicence", "Unlicense", "typo"},
	{"LPGL-2.1+", "LGPL-2.1-or-later", "typo"},
	{"OpenSSH", NULL, "unknown"},		/* a name, not a typo of OpenSSL */
	{"MIT-1", NULL, "unknown"},			/* a typo never changes a version */
	{"BSD-4-clause-UCB", NULL, "unknown"},
	{"FDOC", NULL, "unknown"},			/* a typo keeps the first letter */
	{"", NULL, "unknown"},
};

static void
test_rules(void)
{
	arena		a = {0};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
	{
		lc_spdx_why why;
		const char *got = correct(&a, cases[i].in, &why);
		bool		ok = (got == NULL) == (cases[i].want == NULL) && (got == NULL || strcmp(got, cases[i].want) == 0) &&
			(cases[i].rule == NULL || strcmp(why.rule, cases[i].rule) == 0);

		CHECK(ok, "\"%s\": %s by %s (%s), want %s by %s", cases[i].in, got ? got : "NULL", why.rule, why.detail,
			  cases[i].want ? cases[i].want : "NULL", cases[i].rule ? cases[i].rule : "any rule");
		a_reset(&a);
	}
	{
		/* longer than the limit: NULL, said so */
		char		big[LC_SPDX_CORRECT_MAX_BYTES + 10];
		lc_spdx_why why;

		memset(big, ' ', sizeof big - 1);
		memcpy(big, "MIT", 3);
		big[sizeof big - 1] = '\0';
		CHECK(correct(&a, big, &why) == NULL && strcmp(why.rule, "too-long") == 0, "too long: %s", why.rule);
	}
	a_reset(&a);
	free(a.p);
}

/* What correction says of a string is valid UTF-8 when the string is. */
static void
test_explain_utf8(int rounds)
{
	arena		a = {0};
	static const char *const bits[] = {
		"MIT", " ", "é", "東京都", "\xc2\xa9", "(", ")", "Licensed under the ", ". ", "Copyright ",
		"Apache 2.0", " or ", ", ", "[", "](", "https://x.org/", "exception", " with ", "Lizénz",
	};
	int			bad = 0;

	for (int r = 0; r < rounds; r++)
	{
		char		s[800] = "";
		lc_spdx_why why;
		int			n = 1 + rand() % 40;

		for (int i = 0; i < n; i++)
			strcat(s, bits[rand() % (sizeof bits / sizeof bits[0])]);
		correct(&a, s, &why);
		if (!valid_utf8(why.detail) || !valid_utf8(why.rule))
			bad++;
		a_reset(&a);
	}
	CHECK(bad == 0, "%d explanations are not valid UTF-8", bad);
	free(a.p);
}

int
main(void)
{
	srand(4242);
	test_memory();
	test_ticks();
	test_random_dnf(3000);
	test_ids();
	test_check_and_messages(20000);
	test_tables();
	test_rules();
	test_explain_utf8(5000);
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
