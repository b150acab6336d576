/*
 * lc_spdx_correct.c — the best SPDX expression for a messy license string
 * (pure C), or none when it cannot tell, and why.
 *
 * A string goes through one pipeline; each step either decides, or rewrites
 * the string and starts again on the result:
 *
 *  1. trimmed of spaces, quotes, markup and closing punctuation;
 *  2. read as an SPDX expression (ids in any case, deprecated ids mapped);
 *  3. read whole, by its words: a license with an exception in words ("GPL-2+
 *     with Libtool exception"), a URL of a license text, a GNU license by
 *     family, version and "or later", a Creative Commons license by its
 *     elements, and the keys: names and ids of the SPDX list, names without
 *     their version when the license has one, and the aliases of
 *     data/spdx/aliases.tsv (all generated into lc_spdx_data.c);
 *  4. markdown links and HTML entities rewritten as text;
 *  5. sentences read one by one ("MIT. See LICENSE.txt."): those that name
 *     no license are set aside, those that do must agree;
 *  6. a copyright line after the license set aside ("MIT © Jane Roe");
 *  7. a sentence's lead-in cut ("This library is released under the ...");
 *  8. parenthesized, bracketed and angled parts read on their own: a URL or
 *     a copyright says nothing, a license must agree with the rest ("The
 *     MIT License (MIT)"), anything else refuses ("MIT (modified)");
 *  9. licenses joined by or, /, |, and, &, ", and" (DEP-5's comma binds
 *     loosest), each part read on its own; a bare comma is a list of unknown
 *     meaning and refuses;
 * 10. typos: a word one or two edits from exactly one word the tables know
 *     (or a one-word string from exactly one id) is read as that word, and
 *     step 3 tried again.
 *
 * Answers are found, never guessed: a name whose versions differ, an alias
 * known to be no license, a trailer naming another license, an edit
 * distance with two nearest words: each answers NULL, with the candidates.
 */
#include "lc_spdx.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXW 48					/* words read in one string */
#define WLEN 40					/* longest word read */
#define ANSWER_MAX 1024
#define DEPTH_MAX 10

typedef enum
{
	REFUSED = -1,				/* recognized, and no single answer */
	NONE = 0,					/* nothing recognized */
	ANSWER = 1,
	IGNORABLE = 2				/* says nothing about the license */
} verdict;

typedef struct word
{
	char		w[WLEN];
	bool		version;
	size_t		start;			/* bytes in the string read */
	size_t		end;
} word;

typedef struct wordlist
{
	word		v[MAXW];
	int			n;
	bool		overflow;
} wordlist;

typedef struct cx
{
	const lc_spdx_mem *mem;
	lc_spdx_why *why;
	int			depth;
	bool		dual;			/* "and" between licenses means a choice */
} cx;

/* ---- explanation ---- */

#if defined(__GNUC__)
#define LC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define LC_PRINTF(f, a)
#endif

static void note(cx *c, const char *fmt,...) LC_PRINTF(2, 3);

static void
note(cx *c, const char *fmt,...)
{
	va_list		ap;
	size_t		n;

	if (c->why == NULL)
		return;
	n = strlen(c->why->detail);
	if (n + 3 >= sizeof c->why->detail)
		return;
	if (n)
	{
		strcpy(c->why->detail + n, "; ");
		n += 2;
	}
	va_start(ap, fmt);
	if (vsnprintf(c->why->detail + n, sizeof c->why->detail - n, fmt, ap) >= (int) (sizeof c->why->detail - n))
	{
		/* cut: never inside a character */
		size_t		l = strlen(c->why->detail);

		while (l > 0 && ((unsigned char) c->why->detail[l - 1] & 0x80))
		{
			bool		lead = ((unsigned char) c->why->detail[l - 1] & 0xC0) == 0xC0;

			c->why->detail[--l] = '\0';
			if (lead)
				break;
		}
	}
	va_end(ap);
}

static void
rule(cx *c, const char *r)
{
	if (c->why)
		snprintf(c->why->rule, sizeof c->why->rule, "%s", r);
}

/* Candidates from a comma-separated list or one expression. */
static void
candidates(cx *c, const char *list)
{
	const char *p = list;

	if (c->why == NULL || list == NULL)
		return;
	while (*p)
	{
		const char *e = strchr(p, ',');
		size_t		l = e ? (size_t) (e - p) : strlen(p);
		bool		dup = false;

		for (int i = 0; i < c->why->ncandidates; i++)
			dup |= strlen(c->why->candidates[i]) == l && strncmp(c->why->candidates[i], p, l) == 0;
		if (!dup && c->why->ncandidates < LC_SPDX_WHY_CANDIDATES && l < sizeof c->why->candidates[0])
		{
			memcpy(c->why->candidates[c->why->ncandidates], p, l);
			c->why->candidates[c->why->ncandidates++][l] = '\0';
		}
		p += l + (e != NULL);
	}
}

/* ---- small helpers ---- */

/* At most max bytes of s (len long), never ending inside a UTF-8 character. */
static int
quote_len(const char *s, size_t len, size_t max)
{
	size_t		n = len < max ? len : max;

	if (n < len)
		while (n > 0 && ((unsigned char) s[n] & 0xC0) == 0x80)
			n--;
	return (int) n;
}

static bool
emit(const char *s, char *out, size_t cap)
{
	if (strlen(s) + 1 > cap)
		return false;
	strcpy(out, s);
	return true;
}

static bool
prefix_ci(const char *s, size_t len, const char *p)
{
	size_t		pl = strlen(p);

	if (len < pl)
		return false;
	for (size_t i = 0; i < pl; i++)
		if (tolower((unsigned char) s[i]) != tolower((unsigned char) p[i]))
			return false;
	return true;
}

/* The first place of p in s (case-insensitive), or -1. */
static long
find_ci(const char *s, size_t len, const char *p, size_t from)
{
	size_t		pl = strlen(p);

	for (size_t i = from; i + pl <= len; i++)
		if (prefix_ci(s + i, len - i, p))
			return (long) i;
	return -1;
}

static bool
wordchar(char ch)
{
	return (unsigned char) ch < 0x80 && isalnum((unsigned char) ch);
}

/* Whether p occurs at i as a whole word (not inside a longer one). */
static bool
word_at(const char *s, size_t len, size_t i, const char *p)
{
	size_t		pl = strlen(p);

	return prefix_ci(s + i, len - i, p) && (i == 0 || !wordchar(s[i - 1])) &&
		(i + pl >= len || !wordchar(s[i + pl]));
}

static long
find_word(const char *s, size_t len, const char *p, size_t from)
{
	for (long i = find_ci(s, len, p, from); i >= 0; i = find_ci(s, len, p, (size_t) i + 1))
		if (word_at(s, len, (size_t) i, p))
			return i;
	return -1;
}

/* Trim spaces, quotes, markup around, closing punctuation after. */
static void
trim(const char **s, size_t *len)
{
	const char *p = *s;
	size_t		n = *len;

	for (;;)
	{
		size_t		before = n;

		while (n > 0 && (isspace((unsigned char) *p) || strchr("\"'`*_", *p)))
			p++, n--;
		while (n > 0 && (isspace((unsigned char) p[n - 1]) || strchr("\"'`*_.,;:", p[n - 1])))
			n--;
		/* one pair of parentheses or brackets around everything */
		if (n >= 2 && ((p[0] == '(' && p[n - 1] == ')') || (p[0] == '[' && p[n - 1] == ']')))
		{
			int			depth = 0;
			bool		whole = true;

			for (size_t i = 0; i < n && whole; i++)
			{
				depth += (p[i] == '(' || p[i] == '[') - (p[i] == ')' || p[i] == ']');
				whole = depth > 0 || i == n - 1;
			}
			if (whole)
				p++, n -= 2;
		}
		if (n == before)
			break;
	}
	*s = p;
	*len = n;
}

/* ---- words and keys ---- */

/*
 * Binary search of a sorted table whose rows start with their string (the
 * generated tables: word classes, keys, the vocabulary); -1 if absent.
 */
static int
search(const void *base, int n, size_t width, const char *key)
{
	int			lo = 0,
				hi = n - 1;

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;
		int			c = strcmp(key, *(const char *const *) ((const char *) base + (size_t) mid * width));

		if (c == 0)
			return mid;
		if (c < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return -1;
}

static int
word_class(const char *w)
{
	int			i = search(lc_spdx_word_classes, lc_spdx_nword_classes, sizeof(lc_spdx_word), w);

	return i < 0 ? 0 : lc_spdx_word_classes[i].cls;
}

static bool
is_filler(const char *w)
{
	return word_class(w) == LC_SPDX_WORD_FILLER;
}

/*
 * The words of a string, as gen.py's split_words(): ASCII letters or digits
 * (a version's dots kept, trailing zero parts dropped), lower case; the v
 * of "gplv2" dropped; a number is a version when it has a dot or follows
 * "v" or "version".
 */
static void
split_words(const char *s, size_t len, wordlist *out)
{
	size_t		i = 0;
	bool		prev_v = false;

	out->n = 0;
	out->overflow = false;
	while (i < len)
	{
		unsigned char ch = (unsigned char) s[i];
		word	   *w;
		size_t		j = i,
					k = 0;

		if (!(ch < 0x80 && isalnum(ch)) && ch != '&')
		{
			i++;
			continue;
		}
		if (out->n == MAXW)
		{
			out->overflow = true;
			return;
		}
		w = &out->v[out->n];
		w->start = i;
		w->version = false;
		if (ch == '&')
		{
			strcpy(w->w, "and");
			prev_v = false;
			j = i + 1;
		}
		else if (isalpha(ch))
		{
			while (j < len && (unsigned char) s[j] < 0x80 && isalpha((unsigned char) s[j]))
				j++;
			if (j - i >= WLEN)
			{
				out->overflow = true;
				return;
			}
			for (k = 0; k < j - i; k++)
				w->w[k] = (char) tolower((unsigned char) s[i + k]);
			if (k >= 3 && w->w[k - 1] == 'v' && j < len && isdigit((unsigned char) s[j]))
				k--;
			w->w[k] = '\0';
			prev_v = strcmp(w->w, "v") == 0 || strcmp(w->w, "version") == 0 || strcmp(w->w, "ver") == 0;
		}
		else
		{
			bool		dotted = false;

			while (j < len && (isdigit((unsigned char) s[j]) ||
							   (s[j] == '.' && j > i && j + 1 < len && isdigit((unsigned char) s[j + 1]))))
			{
				dotted |= s[j] == '.';
				j++;
			}
			if (j - i >= WLEN)
			{
				out->overflow = true;
				return;
			}
			memcpy(w->w, s + i, j - i);
			w->w[j - i] = '\0';
			/* drop trailing all-zero parts: 2.0 -> 2, 1.0.0 -> 1 */
			for (;;)
			{
				char	   *dot = strrchr(w->w, '.');

				if (dot == NULL || dot[1 + strspn(dot + 1, "0")] != '\0')
					break;
				*dot = '\0';
			}
			w->version = dotted || prev_v;
			prev_v = false;
		}
		w->end = j;
		out->n++;
		i = j;
	}
}

/* The key: the words but fillers, joined by spaces. */
static bool
key_of_words(const wordlist *ws, char *key, size_t cap)
{
	size_t		n = 0;

	if (ws->overflow)
		return false;
	key[0] = '\0';
	for (int i = 0; i < ws->n; i++)
	{
		size_t		l = strlen(ws->v[i].w);

		if (is_filler(ws->v[i].w))
			continue;
		if (n + l + 2 > cap)
			return false;
		if (n)
			key[n++] = ' ';
		memcpy(key + n, ws->v[i].w, l + 1);
		n += l;
	}
	return true;
}

bool
lc_spdx_key_of(const char *s, size_t len, char *key, size_t cap)
{
	wordlist	ws;

	split_words(s, len, &ws);
	return key_of_words(&ws, key, cap);
}

static const lc_spdx_key *
find_key(const char *key)
{
	int			i = search(lc_spdx_keys, lc_spdx_nkeys, sizeof(lc_spdx_key), key);

	return i < 0 ? NULL : &lc_spdx_keys[i];
}

static bool
has_word(const wordlist *ws, const char *w)
{
	for (int i = 0; i < ws->n; i++)
		if (strcmp(ws->v[i].w, w) == 0)
			return true;
	return false;
}

static bool
is_number(const char *w)
{
	return isdigit((unsigned char) w[0]);
}

/* Whether a version is followed by "+" (GPL-2+, MPL 1.1+): "or later". */
static bool
plus_after_digit(const char *s, size_t len)
{
	for (size_t i = 1; i < len; i++)
		if (s[i] == '+' && isdigit((unsigned char) s[i - 1]))
			return true;
	return false;
}

/* "2" -> "2.0", "2.1" stays. */
static void
full_version(const char *w, char *v, size_t cap)
{
	snprintf(v, cap, strchr(w, '.') ? "%s" : "%s.0", w);
}

/* ---- step 2: an SPDX expression ---- */

static int
rule_expression(cx *c, const char *s, size_t len, char *out, size_t cap)
{
	size_t		errpos;
	lc_spdx_node *n = lc_spdx_parse(s, len, c->mem, &errpos, NULL, 0);

	if (n == NULL || lc_spdx_format(n, out, cap) >= cap)
		return NONE;
	return ANSWER;
}

/* A single license id (no operator), or NONE. */
static int
single_license(const char *expr)
{
	return strstr(expr, " AND ") || strstr(expr, " OR ") || strstr(expr, " WITH ") ? NONE : ANSWER;
}

/* ---- step 3: whole-string rules ---- */

/* The table's keys. */
static int
rule_key(cx *c, const char *s, size_t len, const wordlist *ws, char *out, size_t cap)
{
	char		key[512];
	const lc_spdx_key *k;
	static const char *const kinds[] = {
		"alias", "name", "id", "single-version", "no-version", "ambiguous"
	};

	if (!key_of_words(ws, key, sizeof key) || key[0] == '\0' || (k = find_key(key)) == NULL)
		return NONE;
	/* "or later" of a license outside the GNU families: write X+ yourself */
	if (plus_after_digit(s, len) && k->answer && !plus_after_digit(k->phrase, strlen(k->phrase)))
		return NONE;
	if (k->answer == NULL)
	{
		rule(c, k->kind == LC_SPDX_KEY_ALIAS && k->candidates == NULL ? "not-a-license" : kinds[k->kind]);
		note(c, "\"%s\": %s", key, k->why);
		candidates(c, k->candidates);
		return REFUSED;
	}
	rule(c, kinds[k->kind]);
	if (k->kind == LC_SPDX_KEY_NAME || k->kind == LC_SPDX_KEY_ID)
		note(c, "\"%s\" is how %s reads", key, k->why);
	else
		note(c, "\"%s\": %s", key, k->why);
	/* the table's answer in its canonical form */
	return rule_expression(c, k->answer, strlen(k->answer), out, cap);
}

/* GNU licenses by family, version and "or later". */
static const char *const gnu_words[] = {
	"gnu", "general", "public", "license", "licence", "lesser", "library", "affero", "free",
	"documentation", "gpl", "lgpl", "agpl", "gfdl", "fdl", "software", "foundation", "as",
	"published", "by", "the", "either", "of", "at", "your", "option", "any", "later", "newer",
	"version", "v", "ver", "only", "or", "niv", "no", "invariants", "invariant", "sections",
	"standalone", "terms", "a", NULL
};

static bool
only_words(const wordlist *ws, const char *const *allowed, int *versions, const char **version)
{
	*versions = 0;
	*version = NULL;
	for (int i = 0; i < ws->n; i++)
	{
		bool		ok = false;

		if (is_number(ws->v[i].w))
		{
			if (*version == NULL || strcmp(*version, ws->v[i].w) != 0)
				(*versions)++;
			*version = ws->v[i].w;
			continue;
		}
		for (int j = 0; !ok && allowed[j]; j++)
			ok = strcmp(ws->v[i].w, allowed[j]) == 0;
		if (!ok)
			return false;
	}
	return true;
}

static int
rule_gnu(cx *c, const char *s, size_t len, const wordlist *ws, char *out, size_t cap)
{
	const char *family = NULL;
	const char *version;
	int			versions,
				tokens = has_word(ws, "gpl") + has_word(ws, "lgpl") + has_word(ws, "agpl") +
		(has_word(ws, "gfdl") || has_word(ws, "fdl"));
	bool		later = plus_after_digit(s, len) || has_word(ws, "later") || has_word(ws, "newer");
	bool		only = has_word(ws, "only");
	char		v[16],
				id[64];
	const char *inv = "";
	const lc_spdx_entry *e;

	if (!only_words(ws, gnu_words, &versions, &version) || tokens > 1 || versions > 1)
		return NONE;
	if (has_word(ws, "agpl") || has_word(ws, "affero"))
		family = "AGPL";
	else if (has_word(ws, "lgpl") || has_word(ws, "lesser") || has_word(ws, "library"))
		family = "LGPL";
	else if (has_word(ws, "gfdl") || has_word(ws, "fdl") || has_word(ws, "documentation"))
		family = "GFDL";
	else if (has_word(ws, "gpl") || (has_word(ws, "general") && has_word(ws, "public")))
		family = "GPL";
	if (family == NULL || (later && only))
		return NONE;
	rule(c, "gnu");
	if (version == NULL)
	{
		note(c, "the %s without a version: its versions differ in obligations", family);
		return REFUSED;
	}
	if (strcmp(family, "GFDL") == 0)
		inv = has_word(ws, "niv") || (has_word(ws, "no") && (has_word(ws, "invariants") || has_word(ws, "invariant")))
			? "-no-invariants" : (has_word(ws, "invariants") ? "-invariants" : "");
	full_version(version, v, sizeof v);
	snprintf(id, sizeof id, "%s-%s%s-%s", family, v, inv, later ? "or-later" : "only");
	if ((e = lc_spdx_find_license(id, strlen(id))) == NULL)
	{
		note(c, "%s: no such version", id);
		return REFUSED;
	}
	note(c, "%s, version %s, %s", family, v, later ? "or any later version" : "this version only");
	return emit(e->id, out, cap) ? ANSWER : NONE;
}

/* Creative Commons by elements: BY, SA, NC, ND, a version, a port. */
static const char *const cc_words[] = {
	"cc", "creative", "commons", "creativecommons", "attribution", "by", "sa", "share", "alike",
	"sharealike", "nc", "noncommercial", "non", "commercial", "nd", "noderivatives", "noderivs",
	"no", "derivatives", "derivs", "zero", "universal", "international", "unported", "generic",
	"public", "domain", "dedication", "deed", "legalcode", "legal", "code", "license", "licence",
	"licenses", "publicdomain", "the", "v", "version", NULL
};

static const struct
{
	const char *word;
	const char *port;
}			cc_ports[] = {
	{"at", "AT"}, {"au", "AU"}, {"de", "DE"}, {"fr", "FR"}, {"igo", "IGO"}, {"it", "IT"},
	{"jp", "JP"}, {"nl", "NL"}, {"uk", "UK"}, {"us", "US"}, {"austria", "AT"},
	{"australia", "AU"}, {"germany", "DE"}, {"france", "FR"}, {"italy", "IT"}, {"japan", "JP"},
	{"netherlands", "NL"}, {"united", "US"}, {"states", "US"}, {"kingdom", "UK"}, {"wales", "UK"},
	{"england", "UK"}, {"and", NULL},
};

static int
rule_cc(cx *c, const wordlist *ws, char *out, size_t cap)
{
	const char *port = NULL;
	const char *version = NULL;
	char		v[16],
				id[64];
	wordlist	rest;
	int			versions;
	bool		by,
				zero;
	const lc_spdx_entry *e;

	if (!(has_word(ws, "cc") || (has_word(ws, "creative") && has_word(ws, "commons")) ||
		  has_word(ws, "creativecommons")))
		return NONE;
	/* the words of a port (3.0 US, Germany) set aside */
	rest.n = 0;
	rest.overflow = false;
	for (int i = 0; i < ws->n; i++)
	{
		bool		is_port = false;

		for (size_t p = 0; p < sizeof cc_ports / sizeof cc_ports[0]; p++)
			if (strcmp(ws->v[i].w, cc_ports[p].word) == 0)
			{
				is_port = true;
				if (cc_ports[p].port)
					port = cc_ports[p].port;
			}
		/* the 0 of CC0 is no version */
		if (strcmp(ws->v[i].w, "0") == 0 && i > 0 && strcmp(ws->v[i - 1].w, "cc") == 0)
		{
			strcpy(rest.v[rest.n].w, "zero");
			rest.v[rest.n++].version = false;
			continue;
		}
		if (!is_port)
			rest.v[rest.n++] = ws->v[i];
	}
	if (!only_words(&rest, cc_words, &versions, &version) || versions > 1)
		return NONE;
	rule(c, "creative-commons");
	by = has_word(&rest, "by") || has_word(&rest, "attribution");
	zero = has_word(&rest, "zero") || (version && strcmp(version, "0") == 0 && !by);
	if (zero)
	{
		note(c, "CC0, which has one version");
		return emit("CC0-1.0", out, cap) ? ANSWER : NONE;
	}
	if (!by || version == NULL)
	{
		note(c, by ? "Creative Commons without a version: versions differ" :
			 "Creative Commons without its elements (BY, SA, NC, ND)");
		return REFUSED;
	}
	full_version(version, v, sizeof v);
	snprintf(id, sizeof id, "CC-BY%s%s%s-%s%s%s",
			 (has_word(&rest, "nc") || has_word(&rest, "noncommercial") ||
			  (has_word(&rest, "non") && has_word(&rest, "commercial"))) ? "-NC" : "",
			 (has_word(&rest, "nd") || has_word(&rest, "noderivatives") || has_word(&rest, "noderivs") ||
			  has_word(&rest, "derivatives") || has_word(&rest, "derivs")) ? "-ND" : "",
			 (has_word(&rest, "sa") || has_word(&rest, "sharealike") || has_word(&rest, "share")) ? "-SA" : "",
			 v, port ? "-" : "", port ? port : "");
	if ((e = lc_spdx_find_license(id, strlen(id))) == NULL)
	{
		note(c, "%s: the SPDX list has no such license", id);
		return REFUSED;
	}
	note(c, "Creative Commons %s", id);
	return emit(e->id, out, cap) ? ANSWER : NONE;
}

static int	correct_one(cx *c, const char *s, size_t len, char *out, size_t cap);
static int	compound(cx *c, const char *s, size_t len, char *out, size_t cap);
static int	whole(cx *c, const char *s, size_t len, char *out, size_t cap, bool *is_url);

/* URLs of license texts (data/spdx/urls.tsv and the list's own URLs). */
static int
rule_url(cx *c, const char *s, size_t len, char *out, size_t cap, bool *is_url)
{
	char		u[512];
	size_t		n = 0;
	char	   *p;

	*is_url = false;
	if (len >= sizeof u || memchr(s, ' ', len))
		return NONE;
	if (!(prefix_ci(s, len, "http://") || prefix_ci(s, len, "https://") || prefix_ci(s, len, "www.")))
		return NONE;
	*is_url = true;
	for (size_t i = 0; i < len; i++)
		u[n++] = (char) tolower((unsigned char) s[i]);
	u[n] = '\0';
	p = u;
	if (strncmp(p, "http://", 7) == 0)
		p += 7;
	else if (strncmp(p, "https://", 8) == 0)
		p += 8;
	if (strncmp(p, "www.", 4) == 0)
		p += 4;
	p[strcspn(p, "#?")] = '\0';
	n = strlen(p);
	while (n > 0 && p[n - 1] == '/')
		p[--n] = '\0';
	for (const char *ext = ".html\0.htm\0.txt\0.php\0.md\0.shtml\0"; *ext; ext += strlen(ext) + 1)
		if (n > strlen(ext) && strcmp(p + n - strlen(ext), ext) == 0)
			p[n -= strlen(ext)] = '\0';
	if (strncmp(p, "gnu.org/", 8) == 0 && n > 3 && p[n - 3] == '.' && isalpha((unsigned char) p[n - 2]) &&
		isalpha((unsigned char) p[n - 1]))
		p[n -= 3] = '\0';		/* a language: gpl-3.0.en */
	if (strncmp(p, "creativecommons.org/", 20) == 0)
	{
		/* creativecommons.org/licenses/by-sa/4.0, /publicdomain/zero/1.0 */
		char		t[512] = "cc ";
		wordlist	ws;

		strncat(t, p + 20, sizeof t - 4);
		for (char *q = t; *q; q++)
			if (*q == '/')
				*q = ' ';
		split_words(t, strlen(t), &ws);
		rule(c, "url");
		note(c, "a Creative Commons URL");
		return rule_cc(c, &ws, out, cap);
	}
	for (int i = 0; i < lc_spdx_nurls; i++)
	{
		const lc_spdx_url *r = &lc_spdx_urls[i];
		size_t		pl = strlen(r->prefix);
		const char *rest = NULL;
		const char *host_end = strchr(p, '/');
		size_t		hl = host_end ? (size_t) (host_end - p) : n;

		if (strncmp(p, r->prefix, pl) == 0 && (p[pl] == '\0' || r->prefix[pl - 1] == '/' || p[pl] == '/'))
			rest = p + pl + (p[pl] == '/');
		else if (strchr(r->prefix, '/') == NULL && hl > pl + 1 && p[hl - pl - 1] == '.' &&
				 strncmp(p + hl - pl, r->prefix, pl) == 0)
			rest = p + hl;		/* a subdomain of the host */
		if (rest == NULL)
			continue;
		rule(c, "url");
		if (r->answer == NULL)
		{
			note(c, "%s: %s", r->prefix, r->why);
			return REFUSED;
		}
		if (strcmp(r->answer, "*") != 0)
		{
			note(c, "%s: %s", r->prefix, r->why);
			return emit(r->answer, out, cap) ? ANSWER : NONE;
		}
		if (*rest == '\0' || strchr(rest, '/'))
			continue;
		note(c, "%s (%s): the path names the license", r->prefix, r->why);
		{
			bool		inner_url;
			int			v = whole(c, rest, strlen(rest), out, cap, &inner_url);

			return v == ANSWER ? ANSWER : (v == REFUSED ? REFUSED : NONE);
		}
	}
	return NONE;
}

/* The exception of "X with Y exception", from the exception keys. */
static const char *
find_exception(cx *c, const char *words, size_t len, const char *license, bool *refused)
{
	char		key[256];
	wordlist	ws;
	const char *found = NULL;

	*refused = false;
	split_words(words, len, &ws);
	/* "exception" and "exceptions" say nothing more */
	{
		int			k = 0;

		for (int i = 0; i < ws.n; i++)
			if (strcmp(ws.v[i].w, "exception") != 0 && strcmp(ws.v[i].w, "exceptions") != 0)
				ws.v[k++] = ws.v[i];
		ws.n = k;
	}
	for (int pass = 0; pass < 2 && found == NULL && !*refused; pass++)
	{
		/* pass 0: the words; pass 1: without their versions */
		if (pass == 1)
		{
			int			k = 0;

			for (int i = 0; i < ws.n; i++)
				if (!is_number(ws.v[i].w))
					ws.v[k++] = ws.v[i];
			ws.n = k;
		}
		if (!key_of_words(&ws, key, sizeof key) || key[0] == '\0')
			return NULL;
		for (int i = 0; i < lc_spdx_nexception_keys; i++)
		{
			const lc_spdx_exception_key *x = &lc_spdx_exception_keys[i];

			if (strcmp(x->key, key) != 0)
				continue;
			if (strcmp(x->license, "*") != 0 && strncmp(license, x->license, strlen(x->license)) != 0)
				continue;
			note(c, "exception \"%s\": %s", key, x->why);
			if (x->exception == NULL)
				*refused = true;
			found = x->exception;
			break;
		}
	}
	return found;
}

static int
rule_exception(cx *c, const char *s, size_t len, char *out, size_t cap)
{
	long		ex = -1,
				at = -1;
	size_t		split_len = 0;
	static const char *const withs[] = {" with ", "-with-", "_with_", " w/ ", NULL};

	for (long i = find_ci(s, len, "exception", 0); i >= 0; i = find_ci(s, len, "exception", (size_t) i + 1))
		if (i == 0 || !wordchar(s[i - 1]))
			ex = i;				/* the last "exception" */
	if (ex < 0)
		return NONE;
	/* nothing after it but an s */
	{
		size_t		after = (size_t) ex + 9;

		if (after < len && tolower((unsigned char) s[after]) == 's')
			after++;
		while (after < len && (isspace((unsigned char) s[after]) || s[after] == ')'))
			after++;
		if (after != len)
			return NONE;
	}
	for (int w = 0; withs[w]; w++)
		for (long i = find_ci(s, (size_t) ex, withs[w], 0); i >= 0; i = find_ci(s, (size_t) ex, withs[w], (size_t) i + 1))
			if (i > at)
			{
				at = i;
				split_len = strlen(withs[w]);
			}
	for (long cut = (at >= 0) ? at : ex - 1; cut > 0; cut--)
	{
		char		lic[ANSWER_MAX];
		bool		is_url;
		bool		refused;
		const char *x;

		if (at < 0 && s[cut] != '-' && s[cut] != ' ')
			continue;
		if (whole(c, s, (size_t) cut, lic, sizeof lic, &is_url) != ANSWER || single_license(lic) != ANSWER)
		{
			if (at >= 0)
				return NONE;
			continue;
		}
		x = find_exception(c, s + cut + (at >= 0 ? split_len : 1), (size_t) (ex - cut - (at >= 0 ? (long) split_len : 1)),
						   lic, &refused);
		if (x == NULL && at < 0)
			continue;			/* no "with": perhaps the words are a name */
		rule(c, "exception");
		if (refused)
			return REFUSED;
		if (x == NULL)
		{
			note(c, "no SPDX exception for these words");
			return REFUSED;
		}
		if (strlen(lic) + strlen(x) + 7 > cap)
			return NONE;
		strcpy(out, lic);
		strcat(out, " WITH ");
		strcat(out, x);
		return rule_expression(c, out, strlen(out), out, cap);
	}
	return NONE;
}

/*
 * Step 3: the string read whole.  *is_url says whether it was a URL, also
 * when the URL names no license.
 */
static int
whole(cx *c, const char *s, size_t len, char *out, size_t cap, bool *is_url)
{
	wordlist	ws;
	int			v;

	*is_url = false;
	if ((v = rule_expression(c, s, len, out, cap)) != NONE)
	{
		rule(c, "expression");
		return v;
	}
	if ((v = rule_url(c, s, len, out, cap, is_url)) != NONE || *is_url)
		return v;
	if ((v = rule_exception(c, s, len, out, cap)) != NONE)
		return v;
	split_words(s, len, &ws);
	if (ws.overflow || ws.n == 0)
		return NONE;
	if ((v = rule_gnu(c, s, len, &ws, out, cap)) != NONE)
		return v;
	if ((v = rule_cc(c, &ws, out, cap)) != NONE)
		return v;
	return rule_key(c, s, len, &ws, out, cap);
}

/* ---- what says nothing about the license ---- */

static bool
is_copyright(const char *s, size_t len)
{
	return word_at(s, len, 0, "copyright") || prefix_ci(s, len, "(c)") || prefix_ci(s, len, "\xc2\xa9") ||
		prefix_ci(s, len, "all rights reserved");
}

/* A file of the package: LICENSE, ./LICENSE.md, COPYING. */
static bool
is_license_file(const char *s, size_t len)
{
	while (len > 0 && (*s == '.' || *s == '/'))
		s++, len--;
	return prefix_ci(s, len, "license") || prefix_ci(s, len, "licence") || prefix_ci(s, len, "copying");
}

static bool
ignorable(cx *c, const char *s, size_t len)
{
	wordlist	ws;
	char		key[512];
	bool		is_url;
	char		tmp[ANSWER_MAX];
	lc_spdx_why *saved = c->why;

	trim(&s, &len);
	if (len == 0 || is_copyright(s, len) || is_license_file(s, len) || word_at(s, len, 0, "see") ||
		prefix_ci(s, len, "for details") || word_at(s, len, 0, "revision") ||
		prefix_ci(s, len, "unless otherwise"))
		return true;
	split_words(s, len, &ws);
	if (key_of_words(&ws, key, sizeof key) && key[0] == '\0')
		return true;
	/* a URL that names no license */
	c->why = NULL;
	if (rule_url(c, s, len, tmp, sizeof tmp, &is_url) == NONE && is_url)
	{
		c->why = saved;
		return true;
	}
	c->why = saved;
	return false;
}

/* ---- step 4: markdown links and HTML entities ---- */

static char *
unmark(cx *c, const char *s, size_t len, size_t *outlen)
{
	char	   *o = c->mem->alloc(c->mem->ctx, len + 1);
	size_t		n = 0;
	bool		changed = false;

	for (size_t i = 0; i < len;)
	{
		static const struct
		{
			const char *entity;
			const char *text;
		}			entities[] = {
			{"&amp;", "&"}, {"&copy;", "(c)"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&nbsp;", " "},
		};
		bool		done = false;

		for (size_t e = 0; e < sizeof entities / sizeof entities[0] && !done; e++)
			if (prefix_ci(s + i, len - i, entities[e].entity) && strlen(entities[e].text) <= strlen(entities[e].entity))
			{
				memcpy(o + n, entities[e].text, strlen(entities[e].text));
				n += strlen(entities[e].text);
				i += strlen(entities[e].entity);
				done = changed = true;
			}
		if (done)
			continue;
		if (s[i] == '!' && i + 1 < len && s[i + 1] == '[')
		{
			i++;				/* an image: its text only */
			changed = true;
			continue;
		}
		if (s[i] == '[')
		{
			/* [text](target) -> text (target); [text][ref] -> text */
			const char *close = memchr(s + i, ']', len - i);

			if (close && close + 1 < s + len && (close[1] == '(' || close[1] == '['))
			{
				const char *end = memchr(close, close[1] == '(' ? ')' : ']', (size_t) (s + len - close) - 1 + 1);

				if (end && end > close + 1)
				{
					size_t		tl = (size_t) (close - s - i - 1);

					memcpy(o + n, s + i + 1, tl);
					n += tl;
					if (close[1] == '(')
					{
						size_t		ul = (size_t) (end - close - 2);

						memcpy(o + n, " (", 2);
						memcpy(o + n + 2, close + 2, ul);
						o[n + 2 + ul] = ')';
						n += ul + 3;
					}
					i = (size_t) (end - s) + 1;
					changed = true;
					continue;
				}
			}
		}
		o[n++] = s[i++];
	}
	o[n] = '\0';
	*outlen = n;
	return changed ? o : NULL;
}

/* ---- steps 5 and 8: parts read on their own ---- */

typedef struct part
{
	const char *s;
	size_t		len;
} part;

/*
 * Combine the verdicts of parts that must name one license: answers agree,
 * parts that name no license are set aside (strict: refuse instead), a
 * refusal refuses.
 */
static int
agree(cx *c, part *parts, int n, bool strict, char *out, size_t cap)
{
	char		got[ANSWER_MAX] = "";
	bool		any = false;

	for (int i = 0; i < n; i++)
	{
		char		a[ANSWER_MAX];
		int			v;

		if (ignorable(c, parts[i].s, parts[i].len))
		{
			note(c, "\"%.*s\" set aside", quote_len(parts[i].s, parts[i].len, 60), parts[i].s);
			continue;
		}
		v = correct_one(c, parts[i].s, parts[i].len, a, sizeof a);
		if (v == REFUSED)
			return REFUSED;
		if (v != ANSWER)
		{
			if (strict)
			{
				rule(c, "conflict");
				note(c, "\"%.*s\" says something else", quote_len(parts[i].s, parts[i].len, 60), parts[i].s);
				return REFUSED;
			}
			note(c, "\"%.*s\" names no license", quote_len(parts[i].s, parts[i].len, 60), parts[i].s);
			continue;
		}
		if (any && strcmp(got, a) != 0)
		{
			rule(c, "conflict");
			note(c, "two licenses where one is named");
			candidates(c, got);
			candidates(c, a);
			return REFUSED;
		}
		strcpy(got, a);
		any = true;
	}
	if (!any)
		return NONE;
	return emit(got, out, cap) ? ANSWER : NONE;
}

/* Sentences: ". " before a capital, a bracket or a parenthesis; "; "; " - ". */
static int
split_sentences(const char *s, size_t len, part *parts, int max)
{
	int			n = 0;
	size_t		start = 0;

	for (size_t i = 0; i + 1 < len && n < max - 1; i++)
	{
		size_t		skip = 0;

		if ((s[i] == '.' || s[i] == ';') && s[i + 1] == ' ' && i + 2 < len &&
			(s[i] == ';' || isupper((unsigned char) s[i + 2]) || s[i + 2] == '[' || s[i + 2] == '(') &&
			!(i >= 1 && isdigit((unsigned char) s[i - 1]) && isdigit((unsigned char) s[i + 2])) &&
			!(s[i] == ';' && (word_at(s, len, i + 2, "either") || word_at(s, len, i + 2, "or"))))
			skip = 2;
		else if (s[i] == ' ' && s[i + 1] == '-' && i + 2 < len && s[i + 2] == ' ')
			skip = 3;
		else if (s[i] == ',' && (prefix_ci(s + i, len - i, ", see ") || prefix_ci(s + i, len - i, ", unless ")))
			skip = 2;
		if (skip)
		{
			parts[n].s = s + start;
			parts[n++].len = i - start;
			start = i + skip;
			i += skip - 1;
		}
	}
	parts[n].s = s + start;
	parts[n++].len = len - start;
	return n;
}

/* Parenthesized, bracketed and angled groups; the rest into main. */
static int
split_groups(cx *c, const char *s, size_t len, part *groups, int max, char **main, size_t *mainlen)
{
	int			n = 0,
				depth = 0;
	size_t		start = 0,
				m = 0;
	char	   *o = c->mem->alloc(c->mem->ctx, len + 1);

	for (size_t i = 0; i < len; i++)
	{
		char		ch = s[i];
		bool		open = ch == '(' || ch == '[' || ch == '<';
		bool		close = ch == ')' || ch == ']' || ch == '>';

		if (open)
		{
			if (depth++ == 0)
				start = i + 1;
			continue;
		}
		if (close && depth > 0)
		{
			if (--depth == 0)
			{
				if (n == max)
					return -1;
				groups[n].s = s + start;
				groups[n++].len = i - start;
				o[m++] = ' ';
			}
			continue;
		}
		if (depth == 0)
			o[m++] = ch;
	}
	if (depth != 0)
		return -1;
	o[m] = '\0';
	*main = o;
	*mainlen = m;
	return n;
}

/* ---- step 7: the lead-in of a sentence ---- */

/*
 * "This library is available under the MIT license": the words up to a
 * lead-in verb and "under" are cut, with "the terms of", "the", "a", "an",
 * "either" after it.  Also "License:", "SPDX-License-Identifier:", "This
 * is", "X is MIT licensed".  Returns where the license starts, or -1.
 */
static long
leadin(cx *c, const char *s, size_t len, size_t *end)
{
	long		u;
	static const char *const heads[] = {
		"spdx-license-identifier:", "license:", "licence:", "licensing:", "license -", NULL
	};
	static const char *const after[] = {
		"the terms and conditions of ", "the terms of ", "terms of ", "the following terms ",
		"following terms ", "either ", "both ", "the ", "a ", "an ", NULL
	};

	*end = len;
	for (int h = 0; heads[h]; h++)
		if (prefix_ci(s, len, heads[h]))
			return (long) strlen(heads[h]);
	if (prefix_ci(s, len, "this is ") || prefix_ci(s, len, "it is "))
		return (long) (prefix_ci(s, len, "it is ") ? 6 : 8);
	for (u = find_word(s, len, "under", 0); u >= 0; u = find_word(s, len, "under", (size_t) u + 1))
	{
		/* the word before "under" is a lead-in verb */
		long		b = u - 1;
		long		a;
		char		w[32];
		size_t		wl = 0;
		size_t		start = (size_t) u + 5;

		while (b >= 0 && s[b] == ' ')
			b--;
		a = b;
		while (a >= 0 && (wordchar(s[a]) || s[a] == '-'))
			a--;
		/* "redistribute it under", "modify them under" */
		if ((b - a == 2 && prefix_ci(s + a + 1, 2, "it")) || (b - a == 4 && prefix_ci(s + a + 1, 4, "them")))
		{
			b = a;
			while (b >= 0 && s[b] == ' ')
				b--;
			a = b;
			while (a >= 0 && (wordchar(s[a]) || s[a] == '-'))
				a--;
		}
		if (b - a <= 0 || (size_t) (b - a) >= sizeof w)
			continue;
		for (long i = a + 1; i <= b; i++)
			w[wl++] = (char) tolower((unsigned char) s[i]);
		w[wl] = '\0';
		if (word_class(w) != LC_SPDX_WORD_LEADIN && word_class(w) != LC_SPDX_WORD_DUAL)
			continue;
		/* a sentence before it is read as a sentence (step 5) */
		for (long i = 0; i + 1 < a; i++)
			if ((s[i] == '.' || s[i] == ';') && s[i + 1] == ' ' &&
				!(s[i] == ';' && (word_at(s, len, (size_t) i + 2, "either") || word_at(s, len, (size_t) i + 2, "or"))))
				return -1;
		for (long i = 0; i <= b; i++)
			if (word_at(s, len, (size_t) i, "dual") || word_at(s, len, (size_t) i, "dually") ||
				prefix_ci(s + i, len - (size_t) i, "dual-"))
				c->dual = true;
		while (start < len && s[start] == ' ')
			start++;
		for (int k = 0; after[k]; k++)
			if (prefix_ci(s + start, len - start, after[k]))
			{
				start += strlen(after[k]);
				k = -1;
			}
		return (long) start;
	}
	/* "X is MIT licensed", "X is [MIT licensed](./LICENSE)" */
	{
		long		l = find_word(s, len, "licensed", 0);
		long		is = find_word(s, len, "is", 0);

		if (l > 0 && is >= 0 && is < l && find_word(s, len, "under", 0) < 0)
		{
			*end = (size_t) l;
			return is + 3;
		}
	}
	/* "Dual MIT/GPL", "Dual licensed MIT and Apache-2.0" */
	if (prefix_ci(s, len, "dual ") || prefix_ci(s, len, "dual-licensed ") || prefix_ci(s, len, "dually licensed "))
	{
		size_t		p = (size_t) find_ci(s, len, " ", 0) + 1;

		c->dual = true;
		if (prefix_ci(s + p, len - p, "licensed "))
			p += 9;
		return (long) p;
	}
	return -1;
}

/* ---- step 9: licenses joined ---- */

typedef struct joiner
{
	const char *sep;
	bool		is_or;
	int			level;			/* lower binds looser */
} joiner;

static const joiner joiners[] = {
	{", and ", false, 0}, {"; ", false, 0}, {", ", false, 1},
	{" and/or ", true, 2}, {" or ", true, 2}, {"_or_", true, 2}, {"-or-", true, 2}, {" | ", true, 2},
	{"|", true, 2}, {" / ", true, 2}, {"/", true, 2},
	{" and ", false, 3}, {"_and_", false, 3}, {" & ", false, 3},
};

/* Whether i is inside a URL or a group (parentheses, brackets). */
static bool
guarded(const char *s, size_t len, size_t i)
{
	int			depth = 0;
	size_t		word = 0;

	for (size_t k = 0; k < i; k++)
	{
		depth += (s[k] == '(' || s[k] == '[' || s[k] == '<') - (s[k] == ')' || s[k] == ']' || s[k] == '>');
		if (s[k] == ' ')
			word = k + 1;
	}
	if (depth > 0)
		return true;
	/* a URL runs to the next space */
	return find_ci(s + word, i - word, "://", 0) >= 0 || prefix_ci(s + word, i - word, "www.");
}

static bool
joiner_at(const char *s, size_t len, size_t i, const joiner *j)
{
	size_t		sl = strlen(j->sep);

	if (!prefix_ci(s + i, len - i, j->sep) || guarded(s, len, i))
		return false;
	/* "or later", "-or-later", "or any later" belong to a license */
	if (j->is_or && (prefix_ci(s + i + sl, len - i - sl, "later") ||
					 prefix_ci(s + i + sl, len - i - sl, "any later") ||
					 prefix_ci(s + i + sl, len - i - sl, "(at your option)")))
		return false;
	/* a comma before a version belongs to the name: "License, Version 2.0" */
	if (j->level <= 1 && (prefix_ci(s + i + sl, len - i - sl, "version") ||
						  prefix_ci(s + i + sl, len - i - sl, "v") ||
						  isdigit((unsigned char) s[i + sl])))
		return false;
	return true;
}

static int
compound(cx *c, const char *s, size_t len, char *out, size_t cap)
{
	for (int level = 0; level <= 3; level++)
	{
		part		parts[16];
		bool		is_or = false,
					bare_comma = false;
		int			n = 0;
		size_t		start = 0;
		size_t		used = 0;
		char	   *buf;

		for (size_t i = 0; i < len && n < 15; i++)
			for (size_t j = 0; j < sizeof joiners / sizeof joiners[0]; j++)
			{
				if (joiners[j].level != level || !joiner_at(s, len, i, &joiners[j]))
					continue;
				parts[n].s = s + start;
				parts[n++].len = i - start;
				is_or = joiners[j].is_or;
				bare_comma = level == 1;
				start = i + strlen(joiners[j].sep);
				i = start - 1;
				break;
			}
		if (n == 0)
			continue;
		parts[n].s = s + start;
		parts[n++].len = len - start;
		if (!is_or && level == 3 && c->dual)
			is_or = true;
		buf = c->mem->alloc(c->mem->ctx, ANSWER_MAX);
		buf[0] = '\0';
		for (int k = 0; k < n; k++)
		{
			char		a[ANSWER_MAX];
			int			v = correct_one(c, parts[k].s, parts[k].len, a, sizeof a);
			bool		paren;

			if (v != ANSWER)
			{
				if (v == NONE)
				{
					rule(c, "unknown");
					note(c, "\"%.*s\" names no license", quote_len(parts[k].s, parts[k].len, 60), parts[k].s);
				}
				return REFUSED;
			}
			/* a holds an answer only now */
			paren = !is_or && strstr(a, " OR ") != NULL;
			if (used + strlen(a) + 8 >= ANSWER_MAX)
				return NONE;
			used += (size_t) sprintf(buf + used, "%s%s%s%s", k ? (is_or ? " OR " : " AND ") : "",
									 paren ? "(" : "", a, paren ? ")" : "");
		}
		if (bare_comma)
		{
			/* both readings as candidates: AND (the parts built) and OR */
			char	   *either = c->mem->alloc(c->mem->ctx, ANSWER_MAX);
			size_t		o = 0;

			for (const char *q = buf; *q && o + 4 < ANSWER_MAX; q++)
			{
				if (strncmp(q, " AND ", 5) == 0)
				{
					memcpy(either + o, " OR ", 4);
					o += 4;
					q += 4;
				}
				else
					either[o++] = *q;
			}
			either[o] = '\0';
			rule(c, "ambiguous");
			note(c, "licenses listed with commas: all of them, or one of them?");
			if (c->why && c->why->ncandidates + 2 <= LC_SPDX_WHY_CANDIDATES &&
				strlen(buf) < sizeof c->why->candidates[0] && strlen(either) < sizeof c->why->candidates[0])
			{
				strcpy(c->why->candidates[c->why->ncandidates++], buf);
				strcpy(c->why->candidates[c->why->ncandidates++], either);
			}
			return REFUSED;
		}
		rule(c, "compound");
		note(c, "%d licenses joined by %s%s", n, is_or ? "OR" : "AND",
			 c->dual && level == 3 ? " (dual licensing)" : "");
		return rule_expression(c, buf, strlen(buf), out, cap);
	}
	return NONE;
}

/* ---- step 10: typos ---- */

/*
 * Keys next to each other on a QWERTY keyboard, and letters that sound
 * alike in these words (licence, license): a typo, where any other letter
 * for a letter is more likely another word.
 */
static const char *const near_keys[26] = {
	"qwsz", "vghn", "xvdfsk", "sfercx", "wrsd", "dgrtcv", "fhtyvb", "gjyubn", "uojk",
	"hkuinm", "jliomc", "kop", "njk", "bmhj", "iplk", "ol", "wa", "etdf", "adwezxc",
	"ryfg", "yihj", "cbfg", "qeas", "zcsd", "tugh", "asx"
};

static int
sub_cost(char a, char b)
{
	a = (char) tolower((unsigned char) a);
	b = (char) tolower((unsigned char) b);
	if (a == b)
		return 0;
	if (a >= 'a' && a <= 'z' && b >= 'a' && b <= 'z' && strchr(near_keys[a - 'a'], b))
		return 1;
	return 2;
}

/*
 * A typo distance: optimal string alignment where two swapped neighbours
 * cost 1, a letter for a neighbouring key 1 and for any other 2, a letter
 * more or less 1 inside the word and 2 at its end (UCB is not UC).  Bound
 * + 1 when larger.
 */
static int
osa(const char *a, size_t la, const char *b, size_t lb, int bound)
{
	int			d[WLEN + 1][WLEN + 1];

	if (la > WLEN || lb > WLEN || (la > lb ? la - lb : lb - la) > (size_t) bound)
		return bound + 1;
	d[0][0] = 0;
	for (size_t i = 1; i <= la; i++)
		d[i][0] = d[i - 1][0] + (i == la ? 2 : 1);
	for (size_t j = 1; j <= lb; j++)
		d[0][j] = d[0][j - 1] + (j == lb ? 2 : 1);
	for (size_t i = 1; i <= la; i++)
	{
		int			best = bound + 1;

		for (size_t j = 1; j <= lb; j++)
		{
			int			v = d[i - 1][j - 1] + sub_cost(a[i - 1], b[j - 1]);
			int			del = (i == la && j == lb) ? 2 : 1;

			if (d[i - 1][j] + del < v)
				v = d[i - 1][j] + del;
			if (d[i][j - 1] + del < v)
				v = d[i][j - 1] + del;
			if (i > 1 && j > 1 && sub_cost(a[i - 1], b[j - 2]) == 0 && sub_cost(a[i - 2], b[j - 1]) == 0 &&
				d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
			if (v < best)
				best = v;
		}
		if (best > bound)
			return bound + 1;
	}
	return d[la][lb];
}

/*
 * How far a word may be from what it means.  Into a filler ("lisence",
 * "clasue") a word may go far: reading it as a filler only drops it.  Into
 * a word that names something, three letters only by a swap (MTI), up to
 * eight one step, longer two.  A one-word string is held closest, being an
 * answer at once: up to five characters only a swap, longer one step.
 */
static int
typo_bound(size_t len, bool filler)
{
	if (len < 3)
		return 0;
	if (filler)
		return len < 5 ? 1 : 2;
	return len <= 8 ? 1 : 2;
}

/* Whether b is a with two neighbouring characters swapped. */
static bool
swapped(const char *a, const char *b, size_t l)
{
	int			diff = 0;

	if (strlen(b) != l)
		return false;
	for (size_t k = 0; k < l; k++)
		diff += tolower((unsigned char) a[k]) != tolower((unsigned char) b[k]);
	return diff == 2;
}

/* The one nearest word within its bound, or NULL (none, or two as near). */
static const char *
nearest(const char *w, const char *const *tab, int ntab)
{
	size_t		l = strlen(w);
	int			best = 99,
				count = 0;
	bool		all_fillers = true;		/* the nearest are all fillers */
	const char *found = NULL;

	for (int i = 0; i < ntab; i++)
	{
		size_t		tl = strlen(tab[i]);
		int			bound = typo_bound(l, is_filler(tab[i]));
		int			d;

		/* a typo keeps the first letter */
		if (bound == 0 || tolower((unsigned char) tab[i][0]) != tolower((unsigned char) w[0]) ||
			(l == 3 && !swapped(w, tab[i], l)))
			continue;
		d = osa(w, l, tab[i], tl, bound);
		if (d == 0)
			return NULL;		/* known as it is */
		if (d > bound)
			continue;
		if (d < best)
		{
			best = d;
			count = 1;
			found = tab[i];
			all_fillers = is_filler(tab[i]);
		}
		else if (d == best)
		{
			count++;
			all_fillers &= is_filler(tab[i]);
		}
	}
	/* two fillers as near are one reading: the word says nothing */
	return (count == 1 || (count > 1 && all_fillers)) ? found : NULL;
}

static bool
in_vocabulary(const char *w)
{
	return search(lc_spdx_vocabulary, lc_spdx_nvocabulary, sizeof(char *), w) >= 0;
}

/* Whether two strings have the same digits in the same order: a typo never changes a version. */
static bool
same_digits(const char *a, const char *b)
{
	for (;;)
	{
		while (*a && !isdigit((unsigned char) *a))
			a++;
		while (*b && !isdigit((unsigned char) *b))
			b++;
		if (*a != *b)
			return false;
		if (*a == '\0')
			return true;
		a++, b++;
	}
}

/* The one id within a typo of a one-word string (its digits as they are), or NULL. */
static const char *
nearest_id(const char *s, size_t len)
{
	char		w[WLEN + 1];
	size_t		l = len;
	int			bound,
				best,
				count = 0;
	const char *found = NULL;

	if (len > 0 && s[len - 1] == '+')
		len--;				/* "or later" is read back by the caller */
	if (len >= WLEN || len < 3 || memchr(s, ' ', len))
		return NULL;
	memcpy(w, s, len);
	w[len] = '\0';
	l = len;
	bound = l < 3 ? 0 : 1;
	best = bound + 1;
	for (int i = 0; i < lc_spdx_nlicenses; i++)
	{
		const char *id = lc_spdx_licenses[i].id;
		size_t		il = strlen(id);
		int			d;

		if ((l <= 5 && il != l) || !same_digits(w, id) ||
			tolower((unsigned char) id[0]) != tolower((unsigned char) w[0]))
			continue;
		d = osa(w, l, id, il, bound);
		if (d == 0)
			return NULL;
		if (l <= 5 && d == 1 && !swapped(w, id, l))
			continue;
		if (d < best)
		{
			best = d;
			count = 1;
			found = id;
		}
		else if (d == best)
			count++;
	}
	return (best <= bound && count == 1) ? found : NULL;
}

static int
typos(cx *c, const char *s, size_t len, char *out, size_t cap)
{
	wordlist	ws;
	char	   *fixed;
	size_t		n = 0,
				from = 0;
	int			changed = 0;
	char		notes[256] = "";
	const char *id;
	bool		is_url;

	/* a one-word string near exactly one id */
	if ((id = nearest_id(s, len)) != NULL)
	{
		char		plus[WLEN + 2];
		int			v;

		snprintf(plus, sizeof plus, "%s%s", id, s[len - 1] == '+' ? "+" : "");
		v = whole(c, plus, strlen(plus), out, cap, &is_url);

		if (v == ANSWER)
		{
			rule(c, "typo");
			note(c, "\"%.*s\" read as the id %s", quote_len(s, len, 60), s, id);
		}
		return v;
	}
	split_words(s, len, &ws);
	if (ws.overflow)
		return NONE;
	fixed = c->mem->alloc(c->mem->ctx, len + WLEN * MAXW + 1);
	for (int i = 0; i < ws.n; i++)
	{
		const char *w = ws.v[i].w;
		const char *to;

		if (is_number(w) || strlen(w) < 3 || in_vocabulary(w))
			continue;
		to = nearest(w, lc_spdx_vocabulary, lc_spdx_nvocabulary);
		if (to == NULL)
			continue;
		memcpy(fixed + n, s + from, ws.v[i].start - from);
		n += ws.v[i].start - from;
		memcpy(fixed + n, to, strlen(to));
		n += strlen(to);
		from = ws.v[i].end;
		changed++;
		snprintf(notes + strlen(notes), sizeof notes - strlen(notes), "%s\"%s\" read as \"%s\"",
				 changed > 1 ? ", " : "", w, to);
	}
	if (!changed)
		return NONE;
	memcpy(fixed + n, s + from, len - from);
	n += len - from;
	{
		int			v = whole(c, fixed, n, out, cap, &is_url);

		if (v == ANSWER)
		{
			note(c, "%s", notes);
			rule(c, "typo");
		}
		return v == ANSWER ? ANSWER : NONE;
	}
}

/* ---- the pipeline ---- */

static int
correct_one(cx *c, const char *s, size_t len, char *out, size_t cap)
{
	int			v;
	bool		is_url;
	part		parts[16];
	int			n;
	long		at;
	size_t		end;

	trim(&s, &len);
	if (len == 0)
		return NONE;
	if (++c->depth > DEPTH_MAX)
	{
		c->depth--;
		return NONE;
	}

	/* 2, 3: as an expression, then whole */
	if ((v = whole(c, s, len, out, cap, &is_url)) != NONE || is_url)
		goto done;

	/* 4: markdown and entities */
	{
		size_t		ml;
		char	   *m = unmark(c, s, len, &ml);

		if (m)
		{
			v = correct_one(c, m, ml, out, cap);
			goto done;
		}
	}

	/* 7: the lead-in of a sentence */
	if ((at = leadin(c, s, len, &end)) > 0 && (size_t) at < end)
	{
		note(c, "lead-in \"%.*s\" cut", quote_len(s, (size_t) at, 60), s);
		if (c->dual && (v = compound(c, s + at, end - (size_t) at, out, cap)) != NONE)
			;					/* "dual licensed under A and B": A OR B */
		else if (rule_expression(c, s + at, end - (size_t) at, out, cap) == ANSWER)
		{
			rule(c, "prose");
			v = ANSWER;
		}
		else
			v = correct_one(c, s + at, end - (size_t) at, out, cap);
		goto done;
	}

	/* 5: sentences */
	if ((n = split_sentences(s, len, parts, 16)) > 1)
	{
		v = agree(c, parts, n, false, out, cap);
		goto done;
	}

	/* 6: a copyright line after the license */
	{
		static const char *const marks[] = {"copyright", "(c)", "\xc2\xa9", "see", NULL};
		long		first = -1;

		for (int m = 0; marks[m]; m++)
		{
			long		i = isalpha((unsigned char) marks[m][0]) ? find_word(s, len, marks[m], 0)
				: find_ci(s, len, marks[m], 0);

			if (i > 0 && (first < 0 || i < first))
				first = i;
		}
		if (first > 0)
		{
			note(c, "\"%.*s\" set aside", quote_len(s + first, len - (size_t) first, 60), s + first);
			v = correct_one(c, s, (size_t) first, out, cap);
			goto done;
		}
	}

	/* 8: groups */
	{
		char	   *main;
		size_t		ml;

		n = split_groups(c, s, len, parts + 1, 15, &main, &ml);
		if (n > 0)
		{
			const char *ms = main;

			trim(&ms, &ml);
			note(c, "read apart: %d part%s in brackets", n, n > 1 ? "s" : "");
			if (ml == 0)
				v = agree(c, parts + 1, n, false, out, cap);
			else
			{
				parts[0].s = ms;
				parts[0].len = ml;
				v = agree(c, parts, n + 1, true, out, cap);
			}
			goto done;
		}
	}

	/* 9: licenses joined */
	if ((v = compound(c, s, len, out, cap)) != NONE)
		goto done;

	/* 10: typos */
	v = typos(c, s, len, out, cap);

done:
	c->depth--;
	return v;
}

bool
lc_spdx_correct_explain(const char *s, size_t len, const lc_spdx_mem *mem,
						char *buf, size_t cap, lc_spdx_why *why)
{
	cx			c = {mem, why, 0, false};
	int			v;
	char		out[ANSWER_MAX];

	if (why)
		memset(why, 0, sizeof(*why));
	if (len > LC_SPDX_CORRECT_MAX_BYTES)
	{
		rule(&c, "too-long");
		note(&c, "longer than %d bytes", LC_SPDX_CORRECT_MAX_BYTES);
		return false;
	}
	v = correct_one(&c, s, len, out, sizeof out);
	if (v == ANSWER && emit(out, buf, cap))
	{
		if (why)
			why->ncandidates = 0;
		return true;
	}
	if (why)
	{
		if (v == NONE || v == IGNORABLE || why->rule[0] == '\0')
		{
			if (why->ncandidates == 0 && strcmp(why->rule, "conflict") != 0)
				rule(&c, "unknown");
			if (why->detail[0] == '\0')
				note(&c, "no rule reads this as a license");
		}
	}
	return false;
}

bool
lc_spdx_correct(const char *s, size_t len, const lc_spdx_mem *mem, char *buf, size_t cap)
{
	return lc_spdx_correct_explain(s, len, mem, buf, cap, NULL);
}
