/*
 * test_measures.c — unit tests of the unit and word sets (lc_measures.c),
 * run outside the server over the real tokenizer.
 *
 * 1. Units: reordering statements, moving a declaration, re-indenting,
 *    moving braces and adding comments or blank lines give the same set; a
 *    changed statement changes one hash; units under min_tokens are left out.
 * 2. Words: reordered sentences give the same set; a changed function
 *    word costs its one hash (as written), a changed inflection the written
 *    form of its word but not its stem, a replaced content word both;
 *    stopword lookup agrees with a linear search of the list's words.
 * 3. The output stops past maxout distinct hashes with overflow set, and
 *    ticks come at least once per LC_TICK_BYTES of input.
 * 4. Memory follows the distinct hashes, not the tokens: a long text of
 *    three words keeps a buffer of 64 hashes at most; and a set equals a
 *    plain one (every hash kept, then sorted) on texts of many words or
 *    lines, mostly repeated or mostly distinct.
 * 5. A token that normalizes to nothing is taken without reading its norm.
 * Prints "N passed, N failed"; exits 1 if any failed.
 */
#include "lc_measures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static size_t ticks;
static size_t live_bytes,
			peak_bytes;

/* malloc with the size in front, so that live and peak bytes are known */
static void *
t_alloc(void *ctx, size_t size)
{
	size_t	   *p = malloc(sizeof(size_t) * 2 + size);

	if (!p)
		abort();
	p[0] = size;
	live_bytes += size;
	if (live_bytes > peak_bytes)
		peak_bytes = live_bytes;
	return p + 2;
}

static void
t_release(void *ctx, void *ptr)
{
	size_t	   *p;

	if (!ptr)
		return;
	p = (size_t *) ptr - 2;
	live_bytes -= p[0];
	free(p);
}

static void
t_tick(void *ctx)
{
	ticks++;
}

static const lc_env env = {t_alloc, t_release, t_tick, NULL};

/* The set of a text: units (min_tokens > 0) or words (min_tokens = 0). */
static lc_hashset
set_of(const char *s, lc_mode mode, int min_tokens, size_t maxout)
{
	lc_hashset	hs;
	char		err[256];
	int			rc;

	lc_hashset_init(&hs, s, min_tokens ? LC_UNITS_SEED : LC_WORDS_SEED, min_tokens, &env, maxout);
	rc = lc_tokenize(s, strlen(s), mode, 0, &env, min_tokens ? lc_units_push : lc_words_push,
					 &hs, err, sizeof(err));
	CHECK(rc == 0, "tokenize: %s", err);
	lc_hashset_finish(&hs);
	return hs;
}

static bool
same_set(const lc_hashset *a, const lc_hashset *b)
{
	return a->nout == b->nout && (a->nout == 0 || memcmp(a->out, b->out, a->nout * 8) == 0);
}

static void
units_case(const char *what, const char *a, const char *b, int min_tokens, bool same,
		   size_t diff)
{
	lc_hashset	x = set_of(a, LC_MODE_CODE, min_tokens, 1 << 20);
	lc_hashset	y = set_of(b, LC_MODE_CODE, min_tokens, 1 << 20);
	size_t		common = lc_intersect_count(x.out, x.nout, y.out, y.nout);

	if (same)
		CHECK(same_set(&x, &y) && x.nout > 0, "units, %s: %zu and %zu hashes, %zu common",
			  what, x.nout, y.nout, common);
	else
		CHECK(x.nout - common == diff, "units, %s: %zu of %zu hashes not shared, expected %zu",
			  what, x.nout - common, x.nout, diff);
	t_release(NULL, x.out);
	t_release(NULL, y.out);
}

static void
test_units(void)
{
	const char *orig = "function f(a, b) {\n  var total = a + b;\n  var scale = b * 2;\n"
		"  if (total > scale) {\n    return total - scale;\n  }\n  return scale;\n}\n";

	units_case("reordered", orig,
			   "function f(a, b) {\n  var scale = b * 2;\n  var total = a + b;\n"
			   "  if (total > scale) {\n    return total - scale;\n  }\n  return scale;\n}\n",
			   3, true, 0);
	units_case("braces, layout, comments", orig,
			   "// sum and scale\nfunction f(a, b)\n{\n\n  var total = a + b\n"
			   "  /* doubled */ var scale = b * 2\n  if (total > scale)\n  {\n"
			   "    return total - scale\n  }\n  return scale\n}\n",
			   3, true, 0);
	units_case("one statement changed", orig,
			   "function f(a, b) {\n  var total = a + b;\n  var scale = b * 3;\n"
			   "  if (total > scale) {\n    return total - scale;\n  }\n  return scale;\n}\n",
			   3, false, 1);
	/* "return scale" (2 tokens) is left out at min_tokens 3, kept at 2 */
	units_case("short unit left out", orig, "return scale;", 3, false, 5);
	units_case("short unit kept", "return scale;", orig, 2, false, 0);
	units_case("python: statements swapped, comment added",
			   "def f(a, b):\n    total = a + b\n    scale = b * 2\n    return total - scale\n",
			   "def f(a, b):\n    # the scale first\n    scale = b * 2\n    total = a + b\n"
			   "    return total - scale\n",
			   3, true, 0);
}

/* a's set has size hashes, shared of them in b's (size == shared: the same sets) */
static void
words_case(const char *what, const char *a, const char *b, size_t size, size_t shared)
{
	lc_hashset	x = set_of(a, LC_MODE_TEXT, 0, 1 << 20);
	lc_hashset	y = set_of(b, LC_MODE_TEXT, 0, 1 << 20);
	size_t		common = lc_intersect_count(x.out, x.nout, y.out, y.nout);

	CHECK(x.nout == size && common == shared && (size != shared || same_set(&x, &y)),
		  "words, %s: %zu and %zu hashes, %zu shared; expected %zu, %zu shared", what,
		  x.nout, y.nout, common, size, shared);
	t_release(NULL, x.out);
	t_release(NULL, y.out);
}

static void
stem_case(const char *a, const char *b)
{
	char		sa[64],
				sb[64];
	size_t		na = lc_stem(a, strlen(a), sa),
				nb = lc_stem(b, strlen(b), sb);

	CHECK(na == nb && memcmp(sa, sb, na) == 0, "stem: %s -> %.*s, %s -> %.*s", a, (int) na, sa,
		  b, (int) nb, sb);
}

static void
test_words(void)
{
	static const char *const list[] = {"a", "and", "the", "of", "which", "yourselves", "while"};
	static const char *const notlist[] = {"whale", "ship", "thee", "an1", "yourselvesx", "th", ""};

	/* content words whale rose sea ahab watched closely, two hashes each; the from it, one */
	words_case("sentences reordered",
			   "The whale rose from the sea. Ahab watched it closely.",
			   "Ahab watched it closely. The whale rose from the sea.", 15, 15);
	/* the from and it changed: the five content words' ten hashes stay */
	words_case("function words changed",
			   "The whale rose from the sea and Ahab watched it.",
			   "A whale rose out of a sea, while Ahab watched them.", 14, 10);
	/* six stems, and rose and Ahab as written */
	words_case("inflections",
			   "The whales rose; Ahab watches, stopping the boats.",
			   "whale rose Ahab watched stopped boat", 13, 8);
	words_case("a content word changed",
			   "The whale rose from the sea.", "The shark rose from the sea.", 8, 6);
	stem_case("rewording", "reworded");
	stem_case("making", "makes");
	stem_case("stopped", "stop");
	stem_case("studies", "study");
	stem_case("classes", "class");
	stem_case("boxes", "box");
	stem_case("quickly", "quick");
	for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++)
		CHECK(lc_is_stopword(list[i], strlen(list[i])), "stopword %s", list[i]);
	for (size_t i = 0; i < sizeof(notlist) / sizeof(notlist[0]); i++)
		CHECK(!lc_is_stopword(notlist[i], strlen(notlist[i])), "not a stopword: %s", notlist[i]);
	/* non-ASCII words are kept whole */
	{
		char		out[64];
		const char *w = "straße";

		CHECK(lc_stem(w, strlen(w), out) == strlen(w), "non-ASCII word kept whole");
	}
}

/*
 * n tokens of words drawn from v distinct ones ("w<j>x", kept whole by the
 * stemmer), sep after every every-th
 */
static char *
words_text(size_t n, size_t v, const char *sep, size_t every)
{
	char	   *s = malloc(n * 24 + 1),
			   *p = s;

	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "w%zux%s", (i * 7919) % v, i % every == every - 1 ? sep : " ");
	*p = '\0';
	return s;
}

static void
test_limits(void)
{
	size_t		len = 4 * LC_TICK_BYTES + 17,
				before,
				base;
	char	   *s = malloc(len + 1);
	lc_hashset	hs;

	for (size_t i = 0; i < len; i++)
		s[i] = "alpha beta gamma\n"[i % 17];
	s[len] = '\0';
	before = ticks;
	hs = set_of(s, LC_MODE_CODE, 1, 1 << 30);
	CHECK(ticks - before >= len / LC_TICK_BYTES, "%zu ticks for %zu bytes", ticks - before, len);
	CHECK(!hs.overflow && hs.nout == 2, "units of a repeated line (and of its cut end): %zu", hs.nout);
	t_release(NULL, hs.out);
	/*
	 * memory follows the distinct hashes: three words over and over (and a
	 * cut one, each as written and as a stem) need one buffer of 64
	 */
	base = live_bytes;
	peak_bytes = base;
	hs = set_of(s, LC_MODE_TEXT, 0, 1 << 30);
	CHECK(hs.nout == 8 && hs.cap <= 64 && peak_bytes - base <= 64 * 8 + 1024,
		  "three words (and a cut one) of %llu tokens: %zu hashes, a buffer of %zu, %zu bytes at the peak",
		  (unsigned long long) hs.ntokens, hs.nout, hs.cap, peak_bytes - base);
	t_release(NULL, hs.out);
	/* the limit is on distinct hashes: the same words stay far below it */
	hs = set_of(s, LC_MODE_TEXT, 0, 10);
	CHECK(!hs.overflow && hs.nout == 8, "three words (and a cut one), maxout 10: %zu hashes, overflow %d",
		  hs.nout, hs.overflow);
	t_release(NULL, hs.out);
	free(s);
	/* 100 distinct words, each 50 times (200 hashes): kept at maxout 200, refused at 199 */
	s = words_text(5000, 100, "\n", 9);
	hs = set_of(s, LC_MODE_TEXT, 0, 200);
	CHECK(!hs.overflow && hs.nout == 200, "100 words, maxout 200: %zu, overflow %d", hs.nout, hs.overflow);
	t_release(NULL, hs.out);
	hs = set_of(s, LC_MODE_TEXT, 0, 199);
	CHECK(hs.overflow, "100 words, maxout 199: %zu, overflow %d", hs.nout, hs.overflow);
	t_release(NULL, hs.out);
	free(s);
	s = words_text(5000, 5000, "\n", 9);
	hs = set_of(s, LC_MODE_TEXT, 0, 9999);
	CHECK(hs.overflow, "5000 distinct words, maxout 9999: overflow %d", hs.overflow);
	t_release(NULL, hs.out);
	free(s);
}

/* The reference: every word's hashes kept, as lc_words_push hashes them, then sorted. */
typedef struct plain_set
{
	uint64_t   *out;
	size_t		n;
} plain_set;

static void
plain_words_push(void *arg, const lc_tok *tok)
{
	plain_set  *ps = arg;
	char		buf[64];

	ps->out[ps->n++] = lc_token_hash(tok->norm, tok->normlen, LC_WORDS_SEED ^ LC_WORDS_WRITTEN);
	if (lc_is_stopword(tok->norm, tok->normlen))
		return;
	if (tok->normlen > sizeof(buf))
		ps->out[ps->n++] = lc_token_hash(tok->norm, tok->normlen, LC_WORDS_SEED);
	else
		ps->out[ps->n++] = lc_token_hash(buf, lc_stem(tok->norm, tok->normlen, buf), LC_WORDS_SEED);
}

static void
test_plain(void)
{
	static const size_t sizes[][2] = {{63, 1000}, {64, 1000}, {65, 1000}, {1000, 7}, {20000, 300},
									  {20000, 15000}, {100000, 1000000}};
	char		err[256];

	for (size_t c = 0; c < sizeof(sizes) / sizeof(sizes[0]); c++)
	{
		size_t		n = sizes[c][0],
					v = sizes[c][1];
		char	   *s = words_text(n, v, ". The ", 9);
		plain_set	ps = {malloc(sizeof(uint64_t) * 3 * n), 0};	/* two a word, one a "The" */
		lc_hashset	hs = set_of(s, LC_MODE_TEXT, 0, 1 << 30);
		char	   *lines,
				   *once;

		lc_tokenize(s, strlen(s), LC_MODE_TEXT, 0, &env, plain_words_push, &ps, err, sizeof(err));
		ps.n = lc_sort_unique_u64(ps.out, ps.n, NULL);
		CHECK(hs.nout == ps.n && memcmp(hs.out, ps.out, ps.n * 8) == 0 && hs.cap <= 4 * ps.n + 64,
			  "words of %zu tokens from %zu: %zu hashes, %zu kept plainly, a buffer of %zu",
			  n, v, hs.nout, ps.n, hs.cap);
		t_release(NULL, hs.out);
		free(ps.out);
		free(s);
		/* units: lines of one word drawn with repeats, and each distinct line once */
		lines = words_text(n, v, "\n", 1);
		once = words_text(n < v ? n : v, v, "\n", 1);
		units_case("lines repeated and once", lines, once, 1, n >= v, 0);
		free(lines);
		free(once);
	}
}

/*
 * 5. A token that normalizes to nothing (a format character alone, such as
 *    U+061C) has no norm to read: the sets take it without reading one,
 *    whether the tokenizer's buffer was allocated yet or not (it was not,
 *    on the input a fuzzer found, and reading it crashed).
 */
static void
test_empty_token(void)
{
	static const char found[] = "\0\0\0\x18\xd8\x9c\x91\x8di@\0aand GPL-nd GPL-2+";
	const lc_tok empty = {NULL, 0, 0, 2, 0, 1};
	const lc_tok semi = {";", 1, 2, 1, 1, 1};

	for (int kind = 0; kind < 3; kind++)
	{
		lc_hashset	hs;

		lc_hashset_init(&hs, "\xd8\x9c;", kind ? LC_UNITS_SEED : LC_WORDS_SEED, kind ? 1 : 0, &env, 64);
		if (kind == 2)
			lc_hashset_skeleton(&hs);
		(kind ? lc_units_push : lc_words_push) (&hs, &empty);
		(kind ? lc_units_push : lc_words_push) (&hs, &semi);
		lc_hashset_finish(&hs);
		CHECK(!hs.overflow && hs.nout <= (kind ? 2 : 4), "%s: an empty token taken, %zu hashes",
			  kind == 0 ? "words" : kind == 1 ? "units" : "skeleton units", hs.nout);
		t_release(NULL, hs.out);
	}
	for (int skel = 0; skel < 2; skel++)
	{
		char		err[256];
		lc_hashset	hs;
		int			rc;

		lc_hashset_init(&hs, found, LC_UNITS_SEED, 2, &env, 64);
		if (skel)
			lc_hashset_skeleton(&hs);
		rc = lc_tokenize(found, sizeof(found) - 1, LC_MODE_CODE, 0, &env, lc_units_push, &hs, err, sizeof(err));
		lc_hashset_finish(&hs);
		CHECK(rc == 0 || rc == -1, "the fuzzer's input as code units%s: tokenized (%d), %zu hashes",
			  skel ? " of the skeleton" : "", rc, hs.nout);
		t_release(NULL, hs.out);
	}
}

int
main(void)
{
	test_units();
	test_words();
	test_limits();
	test_plain();
	test_empty_token();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
