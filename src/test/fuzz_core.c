/*
 * fuzz_core.c — libFuzzer harness for the pure-C core: the tokenizer (both
 * modes, both paths), fingerprint and MinHash sinks, spans, the SPDX parser
 * and spdx_correct, on arbitrary bytes.  Invalid UTF-8 must give an error,
 * never a crash; the fast path must equal ICU on valid input.
 *
 *   make fuzz        (clang -fsanitize=fuzzer,address; runs for 60 s)
 */
#include "lc_core.h"
#include "lc_spdx.h"

#include <stdlib.h>
#include <string.h>

static void *f_alloc(void *c, size_t n) { (void) c; return malloc(n ? n : 1); }
static void f_release(void *c, void *p) { (void) c; free(p); }
static const lc_env env = {f_alloc, f_release, NULL, NULL};

typedef struct arena { void *p[4096]; int n; } arena;
static void *a_alloc(void *ctx, size_t n)
{
	arena *a = ctx;
	void *p = calloc(1, n ? n : 1);

	if (a->n < 4096)
		a->p[a->n++] = p;
	return p;
}

typedef struct sig { uint64_t h; size_t n; } sig;
static void tok_sum(void *arg, const lc_tok *t)
{
	sig *s = arg;

	s->h = s->h * 31 + lc_token_hash(t->norm, t->normlen, 0) + t->byte_start * 7 + t->char_start;
	s->n++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *) data;
	char err[128];

	for (int m = 0; m < LC_MODE_COUNT; m++)
	{
		sig a = {0, 0}, b = {0, 0};
		int ra = lc_tokenize(s, size, (lc_mode) m, 0, &env, tok_sum, &a, err, sizeof err);
		int rb = lc_tokenize(s, size, (lc_mode) m, LC_TOK_NO_FASTPATH, &env, tok_sum, &b, err, sizeof err);

		/* on valid input both paths agree */
		if (ra == 0 && rb == 0 && (a.h != b.h || a.n != b.n))
			abort();
	}
	{
		lc_winnow w;
		uint64_t ntok;

		lc_winnow_init(&w, 2, 3, LC_MODE_TEXT, 0, &env, (size_t) 1 << 20);
		lc_tokenize_sketch(s, size, LC_MODE_TEXT, 0, &env, &w, NULL, 0, &ntok, err, sizeof err);
		lc_winnow_finish(&w);
		free(w.out);
	}
	{
		uint32_t sigv[16];
		uint8_t filled[16];
		lc_minhash mh;
		uint64_t ntok;

		lc_minhash_init(&mh, 16, 2, LC_MODE_CODE, 0, sigv, filled);
		lc_tokenize_sketch(s, size, LC_MODE_CODE, 0, &env, NULL, &mh, 0, &ntok, err, sizeof err);
		lc_minhash_finish(&mh);
	}
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
	{
		arena a = {.n = 0};
		lc_spdx_mem mem = {a_alloc, &a};
		size_t pos;
		char buf[512];
		lc_spdx_node *n = lc_spdx_parse(s, size, &mem, &pos, err, sizeof err);

		if (n)
		{
			char *fbuf = malloc(lc_spdx_format(n, NULL, 0) + 1);

			lc_spdx_format(n, fbuf, lc_spdx_format(n, NULL, 0) + 1);
			free(fbuf);
		}
		lc_spdx_correct(s, size, &mem, buf, sizeof buf);
		for (int i = 0; i < a.n; i++)
			free(a.p[i]);
	}
	return 0;
}
