/*
 * test_core.c — unit tests of the pure-C core, run outside the server.
 *
 * 1. The ASCII fast path yields exactly the tokens (text, offsets) of ICU on
 *    the whole text: on random strings over an alphabet rich in the
 *    characters word breaking treats specially, with non-ASCII mixed in,
 *    and on any files named on the command line (real text).
 * 2. tick() is called at least once per LC_TICK_BYTES of input.
 * 3. Winnowing guarantee: a shared run of w + k - 1 tokens always shares a
 *    hash; texts sharing fewer than k consecutive tokens share none.
 * 4. The fused path (lc_tokenize_sketch) gives what tokenize + hash + winnow
 *    give.
 * 5. Sorting equals a reference sort on inputs that defeat quicksorts
 *    (sorted with an unsorted tail, reversed, all equal, few values) and on
 *    random ones, and ticks as it goes.
 * Prints "N passed, N failed".
 */
#include "lc_core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int	passed,
			failed;

#define CHECK(cond, ...) do { if (cond) passed++; else { failed++; \
	fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); fprintf(stderr, __VA_ARGS__); \
	fputc('\n', stderr); } } while (0)

static size_t ticks;

static void *
t_alloc(void *ctx, size_t n)
{
	(void) ctx;
	return malloc(n);
}
static void
t_release(void *ctx, void *p)
{
	(void) ctx;
	free(p);
}
static void
t_tick(void *ctx)
{
	(void) ctx;
	ticks++;
}

static const lc_env env = {t_alloc, t_release, t_tick, NULL};

typedef struct toklist
{
	size_t		n,
				cap;
	char	  **norm;
	size_t	   *f;				/* 4 per token: bstart, blen, cstart, clen */
} toklist;

static void
collect(void *arg, const lc_tok *t)
{
	toklist    *l = arg;

	if (l->n == l->cap)
	{
		l->cap = l->cap ? 2 * l->cap : 64;
		l->norm = realloc(l->norm, l->cap * sizeof(char *));
		l->f = realloc(l->f, l->cap * 4 * sizeof(size_t));
	}
	l->norm[l->n] = strndup(t->norm, t->normlen);
	l->f[4 * l->n] = t->byte_start;
	l->f[4 * l->n + 1] = t->byte_len;
	l->f[4 * l->n + 2] = t->char_start;
	l->f[4 * l->n + 3] = t->char_len;
	l->n++;
}

static void
toklist_free(toklist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->norm[i]);
	free(l->norm);
	free(l->f);
	memset(l, 0, sizeof(*l));
}

/* Returns the index of the first differing token, or -1 if equal. */
static long
compare_paths(const char *s, size_t len, lc_mode mode)
{
	toklist		a = {0},
				b = {0};
	char		err[256];
	long		diff = -1;

	if (lc_tokenize(s, len, mode, 0, &env, collect, &a, err, sizeof err) != 0 ||
		lc_tokenize(s, len, mode, LC_TOK_NO_FASTPATH, &env, collect, &b, err, sizeof err) != 0)
	{
		fprintf(stderr, "tokenize error: %s\n", err);
		return 0;
	}
	for (size_t i = 0; i < a.n || i < b.n; i++)
	{
		if (i >= a.n || i >= b.n || strcmp(a.norm[i], b.norm[i]) != 0 ||
			memcmp(a.f + 4 * i, b.f + 4 * i, 4 * sizeof(size_t)) != 0)
		{
			diff = (long) i;
			fprintf(stderr, "  token %zu: fast [%s] @%zu+%zu vs icu [%s] @%zu+%zu\n", i,
					i < a.n ? a.norm[i] : "(none)", i < a.n ? a.f[4 * i] : 0, i < a.n ? a.f[4 * i + 1] : 0,
					i < b.n ? b.norm[i] : "(none)", i < b.n ? b.f[4 * i] : 0, i < b.n ? b.f[4 * i + 1] : 0);
			break;
		}
	}
	toklist_free(&a);
	toklist_free(&b);
	return diff;
}

static const char *const pieces[] = {
	"a", "b", "Z", "x", "1", "2", "0", "_", "@", ".", "'", ",", ";", ":", "-", "\"",
	"#", "$", "/", "(", ")", " ", " ", " ", "\n", "\t", "\r\n", "!", "?",
	"é", "É", "ß", "ﬁ", "’", "中文", "日本語", "Ａ", "１", "\xcc\x81", "\xe2\x80\x8b",
	"\xef\xbc\x8e", "İ", "ǅ", "😀", "\xd7\x90", "ab", "word", "Hello", "3.14",
};

static void
test_fastpath_random(lc_mode mode, int rounds, bool ascii_only)
{
	char		buf[512];
	int			npieces = (int) (sizeof(pieces) / sizeof(pieces[0]));
	int			bad = 0;

	for (int r = 0; r < rounds; r++)
	{
		size_t		len = 0;
		int			n = 1 + rand() % 40;

		for (int i = 0; i < n; i++)
		{
			const char *p;

			do
				p = pieces[rand() % npieces];
			while (ascii_only && (unsigned char) p[0] >= 0x80);
			if (len + strlen(p) >= sizeof buf)
				break;
			memcpy(buf + len, p, strlen(p));
			len += strlen(p);
		}
		if (compare_paths(buf, len, mode) >= 0)
		{
			if (bad++ < 5)
				fprintf(stderr, "  input: [%.*s]\n", (int) len, buf);
		}
	}
	CHECK(bad == 0, "fast path differs from ICU on %d of %d random %s strings (mode %s)",
		  bad, rounds, ascii_only ? "ASCII" : "mixed", lc_mode_name(mode));
}

/* The whole file, NUL-terminated; NULL if it cannot be read. */
static char *
read_file(const char *path, size_t *len)
{
	FILE	   *f = fopen(path, "rb");
	char	   *buf;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	*len = (size_t) ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(*len + 1);
	*len = fread(buf, 1, *len, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static void
test_fastpath_file(const char *path)
{
	size_t		len;
	char	   *buf = read_file(path, &len);

	if (!buf)
	{
		CHECK(0, "cannot open %s", path);
		return;
	}
	for (int m = 0; m < LC_MODE_COUNT; m++)
		CHECK(compare_paths(buf, len, (lc_mode) m) < 0,
			  "fast path differs from ICU on %s (mode %s)", path, lc_mode_name((lc_mode) m));
	free(buf);
}

static void
test_ticks(void)
{
	size_t		len = 10 * 1024 * 1024;
	char	   *buf = malloc(len);
	toklist		l = {0};
	char		err[128];

	for (int m = 0; m < LC_MODE_COUNT; m++)
	{
		/* a single 10 MB token: the inner loops must tick too */
		memset(buf, 'a', len);
		ticks = 0;
		lc_tokenize(buf, len, (lc_mode) m, 0, &env, collect, &l, err, sizeof err);
		toklist_free(&l);
		CHECK(ticks >= len / LC_TICK_BYTES - 1, "one long token: %zu ticks for %zu bytes (mode %s)",
			  ticks, len, lc_mode_name((lc_mode) m));
		/* only whitespace */
		memset(buf, ' ', len);
		ticks = 0;
		lc_tokenize(buf, len, (lc_mode) m, 0, &env, collect, &l, err, sizeof err);
		CHECK(l.n == 0 && ticks >= len / LC_TICK_BYTES - 1, "whitespace: %zu tokens, %zu ticks", l.n, ticks);
		toklist_free(&l);
	}
	free(buf);
}

static size_t
winnow_seq(const uint64_t *toks, size_t n, int k, int w, uint64_t **out)
{
	lc_winnow	st;
	size_t		m;

	lc_winnow_init(&st, k, w, LC_MODE_TEXT, 0, &env, (size_t) 1 << 30);
	for (size_t i = 0; i < n; i++)
		lc_winnow_push(&st, toks[i]);
	m = lc_winnow_finish(&st);
	*out = st.out;
	return m;
}

static uint64_t
rnd64(void)
{
	return ((uint64_t) rand() << 42) ^ ((uint64_t) rand() << 21) ^ (uint64_t) rand();
}

static void
test_guarantee(void)
{
	int			misses = 0,
				false_hits = 0,
				rounds = 3000;

	for (int r = 0; r < rounds; r++)
	{
		int			k = 1 + rand() % 8;
		int			w = 1 + rand() % 20;
		size_t		na = 1 + (size_t) (rand() % 300),
					nb = 1 + (size_t) (rand() % 300);
		uint64_t   *a = malloc(na * sizeof(uint64_t) + 1024 * 8),
				   *b = malloc(nb * sizeof(uint64_t) + 1024 * 8),
				   *fa,
				   *fb;
		size_t		run = (size_t) (w + k - 1);
		size_t		ma,
					mb;

		for (size_t i = 0; i < na; i++)
			a[i] = rnd64();
		for (size_t i = 0; i < nb; i++)
			b[i] = rnd64();
		if (r % 2 == 0)
		{
			/* plant a shared run of exactly w + k - 1 tokens */
			size_t		pa,
						pb;

			if (na < run)
				na = run;
			if (nb < run)
				nb = run;
			for (size_t i = 0; i < na; i++)
				a[i] = rnd64();
			for (size_t i = 0; i < nb; i++)
				b[i] = rnd64();
			pa = (size_t) rand() % (na - run + 1);
			pb = (size_t) rand() % (nb - run + 1);
			for (size_t i = 0; i < run; i++)
				b[pb + i] = a[pa + i];
			ma = winnow_seq(a, na, k, w, &fa);
			mb = winnow_seq(b, nb, k, w, &fb);
			misses += lc_intersect_count(fa, ma, fb, mb) == 0;
		}
		else
		{
			/* plant runs of k - 1 tokens: never enough for a shared k-gram */
			if (k > 1)
				for (size_t i = 0; i + (size_t) k - 1 <= na && i + (size_t) k - 1 <= nb; i += (size_t) k)
					memcpy(b + i, a + i, ((size_t) k - 1) * sizeof(uint64_t));
			ma = winnow_seq(a, na, k, w, &fa);
			mb = winnow_seq(b, nb, k, w, &fb);
			false_hits += lc_intersect_count(fa, ma, fb, mb) != 0;
		}
		free(fa);
		free(fb);
		free(a);
		free(b);
	}
	CHECK(misses == 0, "%d shared runs of w+k-1 tokens were not found", misses);
	CHECK(false_hits == 0, "%d pairs sharing only runs shorter than k matched", false_hits);
}

/* The fused sink (lc_tokenize_sketch) equals tokenize + hash + winnow. */
static void
hash_push(void *arg, const lc_tok *t)
{
	lc_winnow_push((lc_winnow *) arg, lc_token_hash(t->norm, t->normlen, 7));
}

static void
mh_push(void *arg, const lc_tok *t)
{
	lc_minhash_push((lc_minhash *) arg, lc_token_hash(t->norm, t->normlen, 7));
}

static void
test_fused(const char *path)
{
	size_t		len;
	char	   *buf = read_file(path, &len);

	if (!buf)
		return;
	for (int m = 0; m < LC_MODE_COUNT; m++)
	{
		lc_winnow	a,
					b;
		uint64_t	ntok;
		char		err[128];
		size_t		na,
					nb;

		lc_winnow_init(&a, 3, 4, (lc_mode) m, 7, &env, (size_t) 1 << 30);
		lc_winnow_init(&b, 3, 4, (lc_mode) m, 7, &env, (size_t) 1 << 30);
		lc_tokenize(buf, len, (lc_mode) m, 0, &env, hash_push, &a, err, sizeof err);
		lc_tokenize_sketch(buf, len, (lc_mode) m, 0, &env, &b, NULL, 7, &ntok, err, sizeof err);
		na = lc_winnow_finish(&a);
		nb = lc_winnow_finish(&b);
		CHECK(na > 0 && na == nb && memcmp(a.out, b.out, na * sizeof(uint64_t)) == 0 &&
			  ntok == a.g.n,
			  "fused fingerprint differs from tokenize+winnow on %s (mode %s)", path,
			  lc_mode_name((lc_mode) m));
		free(a.out);
		free(b.out);
	}
	/* and the MinHash sink equals tokenize + hash + push */
	{
		uint32_t	sa[64],
					sb[64];
		uint8_t		fa[64],
					fb[64];
		lc_minhash	ma,
					mb;
		uint64_t	ntok;
		char		err[128];

		lc_minhash_init(&ma, 64, 3, LC_MODE_TEXT, 7, sa, fa);
		lc_minhash_init(&mb, 64, 3, LC_MODE_TEXT, 7, sb, fb);
		lc_tokenize(buf, len, LC_MODE_TEXT, 0, &env, mh_push, &ma, err, sizeof err);
		lc_tokenize_sketch(buf, len, LC_MODE_TEXT, 0, &env, NULL, &mb, 7, &ntok, err, sizeof err);
		CHECK(lc_minhash_finish(&ma) && lc_minhash_finish(&mb) && memcmp(sa, sb, sizeof sa) == 0 &&
			  ntok == ma.g.n, "fused minhash differs from tokenize+push on %s", path);
	}
	free(buf);
}

static void
test_sets(void)
{
	uint64_t	a[] = {1, 3, 5, 7},
				b[] = {3, 4, 5, 8, 9},
				out[16];

	CHECK(lc_intersect_count(a, 4, b, 5) == 2, "intersect count");
	CHECK(lc_union(a, 4, b, 5, out) == 7 && out[6] == 9, "union");
	CHECK(lc_intersect(a, 4, b, 5, out) == 2 && out[0] == 3 && out[1] == 5, "intersect");
	CHECK(lc_difference(a, 4, b, 5, out) == 2 && out[0] == 1 && out[1] == 7, "difference");
	{
		uint64_t	big[1000];

		for (int i = 0; i < 1000; i++)
			big[i] = (uint64_t) ((i * 7919) % 500);
		CHECK(lc_sort_unique_u64(big, 1000, NULL) == 500 && big[0] == 0 && big[499] == 499, "sort unique");
	}
}

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t	z = (*x += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static int
cmp_u64(const void *x, const void *y)
{
	uint64_t	a = *(const uint64_t *) x,
				b = *(const uint64_t *) y;

	return (a > b) - (a < b);
}

/* Fill a with n keys of the given shape. */
static void
sort_input(uint64_t *a, size_t n, int shape, uint64_t *seed)
{
	for (size_t i = 0; i < n; i++)
	{
		switch (shape)
		{
			case 0:				/* random */
				a[i] = splitmix64(seed);
				break;
			case 1:				/* sorted, then a short unsorted tail */
			case 2:				/* reversed */
				a[i] = (uint64_t) i * 0x0123456789ULL;
				break;
			case 3:				/* all equal */
				a[i] = 0xDEADBEEFCAFEF00DULL;
				break;
			case 4:				/* a few values */
				a[i] = splitmix64(seed) % 5 * 0x1111111111111111ULL;
				break;
			case 5:				/* differ only in the low byte */
				a[i] = 0xAB00000000000000ULL | (splitmix64(seed) & 0xFF);
				break;
			default:			/* small integers, organ pipe */
				a[i] = i < n / 2 ? i : n - i;
				break;
		}
	}
	if (shape == 1)
		for (size_t i = n > 16 ? n - 16 : 0; i < n; i++)
			a[i] = splitmix64(seed);
	if (shape == 2)
		for (size_t i = 0; i < n / 2; i++)
		{
			uint64_t	t = a[i];

			a[i] = a[n - 1 - i];
			a[n - 1 - i] = t;
		}
}

static void
test_sort(void)
{
	static const size_t sizes[] = {0, 1, 2, 3, 31, 32, 33, 257, 1000, 65537, 1 << 20};
	uint64_t	seed = 42;

	for (size_t si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++)
	{
		size_t		n = sizes[si];

		for (int shape = 0; shape < 7; shape++)
		{
			uint64_t   *a = malloc((n + 1) * sizeof(uint64_t)),
					   *b = malloc((n + 1) * sizeof(uint64_t)),
					   *ref = malloc((n + 1) * sizeof(uint64_t));
			size_t		m = 0,
						u;

			sort_input(a, n, shape, &seed);
			memcpy(b, a, n * sizeof(uint64_t));
			memcpy(ref, a, n * sizeof(uint64_t));
			qsort(ref, n, sizeof(uint64_t), cmp_u64);
			ticks = 0;
			lc_sort_u64(a, n, &env);
			CHECK(memcmp(a, ref, n * sizeof(uint64_t)) == 0,
				  "sort of %zu keys, shape %d, differs from qsort", n, shape);
			CHECK(ticks >= n / (64 * 1024), "sort of %zu keys ticked %zu times", n, ticks);

			/* unique: the reference's distinct values, in order */
			for (size_t i = 0; i < n; i++)
				if (i == 0 || ref[i] != ref[m - 1])
					ref[m++] = ref[i];
			u = lc_sort_unique_u64(b, n, NULL);
			CHECK(u == m && memcmp(b, ref, m * sizeof(uint64_t)) == 0,
				  "sort unique of %zu keys, shape %d: %zu values, expected %zu", n, shape, u, m);
			free(a);
			free(b);
			free(ref);
		}
	}
}

int
main(int argc, char **argv)
{
	srand(12345);
	test_sets();
	test_sort();
	test_fastpath_random(LC_MODE_TEXT, 20000, true);
	test_fastpath_random(LC_MODE_TEXT, 20000, false);
	test_fastpath_random(LC_MODE_CODE, 5000, false);
	for (int i = 1; i < argc; i++)
	{
		test_fastpath_file(argv[i]);
		test_fused(argv[i]);
	}
	test_ticks();
	test_guarantee();
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
