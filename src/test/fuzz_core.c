/*
 * fuzz_core.c — libFuzzer harness for the pure-C core, on arbitrary bytes:
 * the tokenizer (every mode, both paths, long runs cut short), the
 * fingerprint and MinHash sinks, the word and unit sets (lc_measures.c),
 * set operations in blocks, spans, and the SPDX functions as the SQL
 * functions use them (parse, normalize, ids, DNF, satisfies, correct).  A
 * word or unit set must come out sorted and distinct, at most two hashes a
 * token (words) or one (units), with overflow set exactly when it has more
 * distinct hashes than its limit.  Invalid UTF-8 must give an error, never a
 * crash; the fast path must equal ICU on valid input; set operations in
 * blocks must equal the plain merges.  Run with a memory limit, so that
 * memory out of proportion to the input is a finding.
 *
 *   make fuzz        (clang -fsanitize=fuzzer,address,undefined; FUZZ_SECONDS)
 */
#include "lc_core.h"
#include "lc_measures.h"
#include "lc_spdx.h"

#include <stdlib.h>
#include <string.h>

static void *f_alloc(void *c, size_t n) { (void) c; return malloc(n ? n : 1); }
static void f_release(void *c, void *p) { (void) c; free(p); }
static void f_tick(void *c) { (*(size_t *) c)++; }
static size_t ticks;
static const lc_env env = {f_alloc, f_release, f_tick, &ticks};

/* Every SPDX allocation of one input, freed at its end. */
typedef struct chunk { struct chunk *next; } chunk;
static void *
a_alloc(void *ctx, size_t n)
{
	chunk **head = ctx;
	chunk *c = calloc(1, sizeof(chunk) + (n ? n : 1));

	if (!c)
		abort();
	c->next = *head;
	*head = c;
	return c + 1;
}
static void
arena_free(chunk *c)
{
	while (c)
	{
		chunk *n = c->next;

		free(c);
		c = n;
	}
}

typedef struct sig { uint64_t h; size_t n; } sig;
static void tok_sum(void *arg, const lc_tok *t)
{
	sig *s = arg;

	s->h = s->h * 31 + lc_token_hash(t->norm, t->normlen, 0) + t->byte_start * 7 + t->char_start;
	s->n++;
}

static void
fuzz_tokenizer(const char *s, size_t size)
{
	char err[128];

	for (int m = 0; m < LC_MODE_COUNT; m++)
		for (int runs = 0; runs < 2; runs++)
		{
			int fl = runs ? LC_TOK_SHORT_RUNS : 0;
			sig a = {0, 0}, b = {0, 0};
			int ra = lc_tokenize(s, size, (lc_mode) m, fl, &env, tok_sum, &a, err, sizeof err);
			int rb = lc_tokenize(s, size, (lc_mode) m, fl | LC_TOK_NO_FASTPATH, &env, tok_sum, &b,
								 err, sizeof err);

			/* on valid input both paths agree, with long runs cut short too */
			if (ra == 0 && rb == 0 && (a.h != b.h || a.n != b.n))
				abort();
		}
}

static void
fuzz_sketches(const char *s, size_t size)
{
	char err[128];
	lc_winnow w;
	uint64_t ntok;
	uint32_t sigv[16];
	uint8_t filled[16];
	lc_minhash mh;

	lc_winnow_init(&w, 2, 3, LC_MODE_TEXT, 0, &env, (size_t) 1 << 20);
	lc_tokenize_sketch(s, size, LC_MODE_TEXT, 0, &env, &w, NULL, 0, &ntok, err, sizeof err);
	lc_winnow_finish(&w);
	free(w.out);
	lc_minhash_init(&mh, 16, 2, LC_MODE_CODE, 0, sigv, filled);
	lc_tokenize_sketch(s, size, LC_MODE_CODE, 0, &env, NULL, &mh, 0, &ntok, err, sizeof err);
	lc_minhash_finish(&mh);
	/* the language modes: the guess of 'code:auto', identifiers as kinds */
	if (lc_guess_lang(s, size) >= LC_LANG_AUTO)
		abort();
	lc_winnow_init(&w, 3, 2, LC_MODE_CODE_AUTO + LC_MODE_KINDS_OFFSET, 0, &env, (size_t) 1 << 20);
	lc_tokenize_sketch(s, size, LC_MODE_CODE_AUTO + LC_MODE_KINDS_OFFSET, 0, &env, &w, NULL, 0,
					   &ntok, err, sizeof err);
	lc_winnow_finish(&w);
	free(w.out);
}

/* A word (min_tokens 0) or unit set of the text, with at most maxout distinct hashes. */
static lc_hashset
measure_set(const char *s, size_t size, lc_mode mode, int min_tokens, bool skeleton, size_t maxout)
{
	char err[128];
	lc_hashset hs;

	lc_hashset_init(&hs, s, min_tokens ? LC_UNITS_SEED : LC_WORDS_SEED, min_tokens, &env, maxout);
	if (skeleton)
		lc_hashset_skeleton(&hs);
	lc_tokenize(s, size, mode, 0, &env, min_tokens ? lc_units_push : lc_words_push, &hs, err, sizeof err);
	lc_hashset_finish(&hs);
	return hs;
}

static void
fuzz_measures(const char *s, size_t size)
{
	static const struct { lc_mode mode; int min_tokens; bool skeleton; } cases[] = {
		{LC_MODE_TEXT, 0, false}, {LC_MODE_CODE, 1, false}, {LC_MODE_CODE, 3, false},
		{LC_MODE_CODE, 2, true}, {LC_MODE_TEXT, 1, false}};

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++)
	{
		lc_hashset all = measure_set(s, size, cases[c].mode, cases[c].min_tokens, cases[c].skeleton,
									 (size_t) 1 << 20);
		lc_hashset few = measure_set(s, size, cases[c].mode, cases[c].min_tokens, cases[c].skeleton, 8);

		if (all.overflow || all.nout > (cases[c].min_tokens ? 1 : 2) * all.ntokens)
			abort();
		for (size_t i = 1; i < all.nout; i++)
			if (all.out[i - 1] >= all.out[i])
				abort();
		/* the limit: refused exactly when there are more distinct hashes than it */
		if (few.overflow != (all.nout > 8) || (!few.overflow && (few.nout != all.nout ||
			(all.nout > 0 && memcmp(few.out, all.out, all.nout * sizeof(uint64_t)) != 0))))
			abort();
		free(all.out);
		free(few.out);
	}
}

/* Two sets from the bytes (odd and even positions); blocks = plain merges. */
static void
fuzz_sets(const uint8_t *data, size_t size)
{
	uint64_t *a = malloc(sizeof(uint64_t) * (size + 1)),
			 *b = malloc(sizeof(uint64_t) * (size + 1)),
			 *o1 = malloc(sizeof(uint64_t) * (2 * size + 1)),
			 *o2 = malloc(sizeof(uint64_t) * (2 * size + 1));
	size_t na = 0, nb = 0;

	for (size_t i = 0; i < size; i++)
		if (i % 2)
			a[na++] = data[i] % 64;
		else
			b[nb++] = data[i] % 64;
	na = lc_sort_unique_u64(a, na, &env);
	nb = lc_sort_unique_u64(b, nb, &env);
	if (lc_set_op(LC_SET_UNION, a, na, b, nb, o1, &env) != lc_union(a, na, b, nb, o2) ||
		memcmp(o1, o2, sizeof(uint64_t) * lc_union(a, na, b, nb, o2)) != 0 ||
		lc_set_op(LC_SET_INTERSECT, a, na, b, nb, o1, &env) != lc_intersect(a, na, b, nb, o2) ||
		lc_set_op(LC_SET_DIFFERENCE, a, na, b, nb, o1, &env) != lc_difference(a, na, b, nb, o2) ||
		lc_set_op(LC_SET_COUNT, a, na, b, nb, NULL, &env) != lc_intersect_count(a, na, b, nb) ||
		lc_set_op(LC_SET_OVERLAP, a, na, b, nb, NULL, &env) != (lc_intersect_count(a, na, b, nb) > 0))
		abort();
	free(a);
	free(b);
	free(o1);
	free(o2);
}

static void
fuzz_spans(const uint8_t *data, size_t size)
{
	/* spans of the first half against the whole, as token-hash sequences */
	uint64_t *h = malloc(sizeof(uint64_t) * (size + 1));
	lc_span_list spans;

	for (size_t i = 0; i < size; i++)
		h[i] = data[i] % 7;		/* few symbols: many repeats */
	lc_find_spans(h, size / 2, h, size, 1 + (int) (size % 5), (int) (size % 3), &env, &spans);
	free(spans.v);
	lc_longest_run(h, size / 2, h, size, &env);
	free(h);
}

static void count_leaf(void *arg, int option, const lc_spdx_node *leaf)
{
	(void) option;
	(void) leaf;
	(*(size_t *) arg)++;
}

typedef struct sat { const lc_spdx_node *allowed; int ok; } sat;
static void sat_leaf(void *arg, int option, const lc_spdx_node *leaf)
{
	sat *st = arg;

	(void) option;
	st->ok += lc_spdx_leaf_satisfied(leaf, st->allowed);
}

/* The ids of an expression, as spdx_ids walks them. */
static size_t
count_ids(const lc_spdx_node *n)
{
	size_t k = 0;

	if (n->kind == LC_SPDX_LICENSE)
		return 1 + (n->exception != NULL);
	for (int i = 0; i < n->nkids; i++)
		k += count_ids(n->kids[i]);
	return k;
}

static void
fuzz_spdx(const char *s, size_t size)
{
	chunk *arena = NULL;
	lc_spdx_mem mem = {a_alloc, &arena};
	char err[128];
	char buf[512];
	size_t pos;
	/* the expression, and what follows a '|' as an allowed license */
	const char *bar = memchr(s, '|', size);
	size_t elen = bar ? (size_t) (bar - s) : size;
	lc_spdx_node *n = lc_spdx_parse(s, elen, &mem, &pos, err, sizeof err);

	if (n)
	{
		size_t need = lc_spdx_format(n, NULL, 0);
		char *fbuf = malloc(need + 1);
		size_t leaves = 0;

		lc_spdx_format(n, fbuf, need + 1);
		/* the canonical form parses back to itself */
		{
			lc_spdx_node *n2 = lc_spdx_parse(fbuf, need, &mem, &pos, err, sizeof err);
			char *f2;

			if (!n2 || lc_spdx_format(n2, NULL, 0) != need)
				abort();
			f2 = malloc(need + 1);
			lc_spdx_format(n2, f2, need + 1);
			if (memcmp(fbuf, f2, need) != 0)
				abort();
			free(f2);
		}
		free(fbuf);
		(void) count_ids(n);
		lc_spdx_dnf(n, &mem, 1024, count_leaf, &leaves);
		if (bar)
		{
			lc_spdx_node *allowed = lc_spdx_parse(bar + 1, size - elen - 1, &mem, &pos, err, sizeof err);

			if (allowed && allowed->kind == LC_SPDX_LICENSE)
			{
				sat st = {allowed, 0};

				lc_spdx_dnf(n, &mem, 1024, sat_leaf, &st);
			}
		}
	}
	lc_spdx_correct(s, size, &mem, buf, sizeof buf);
	arena_free(arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *) data;

	fuzz_tokenizer(s, size);
	fuzz_sketches(s, size);
	fuzz_measures(s, size);
	fuzz_sets(data, size);
	fuzz_spans(data, size);
	fuzz_spdx(s, size);
	return 0;
}
