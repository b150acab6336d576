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
 * 5. Long runs: cutting before break characters changes no token; both
 *    paths cut long runs the same way; the tokens of a passage do not depend
 *    on what precedes it.
 * 6. Every long loop ticks at a bounded interval: the longest stretch of
 *    CPU time between two ticks stays small on inputs that take seconds.
 * 7. Set operations in blocks equal the plain merges.
 * 8. Sorting equals a reference sort on inputs that defeat quicksorts
 *    (sorted with an unsorted tail, reversed, all equal, few values) and on
 *    random ones, and ticks as it goes.
 * Prints "N passed, N failed".
 */
#include "lc_core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unit.h"

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

/*
 * Tokenize s with two sets of flags; returns the index of the first token
 * that differs (text or offsets), or -1 if the tokens are equal.
 */
static long
compare_flags(const char *s, size_t len, lc_mode mode, int fa, int fb)
{
	toklist		a = {0},
				b = {0};
	char		err[256];
	long		diff = -1;

	if (lc_tokenize(s, len, mode, fa, &env, collect, &a, err, sizeof err) != 0 ||
		lc_tokenize(s, len, mode, fb, &env, collect, &b, err, sizeof err) != 0)
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
			fprintf(stderr, "  token %zu: flags %d [%s] @%zu+%zu vs flags %d [%s] @%zu+%zu\n", i,
					fa, i < a.n ? a.norm[i] : "(none)", i < a.n ? a.f[4 * i] : 0, i < a.n ? a.f[4 * i + 1] : 0,
					fb, i < b.n ? b.norm[i] : "(none)", i < b.n ? b.f[4 * i] : 0, i < b.n ? b.f[4 * i + 1] : 0);
			break;
		}
	}
	toklist_free(&a);
	toklist_free(&b);
	return diff;
}

/* The fast path against ICU on the whole text. */
static long
compare_paths(const char *s, size_t len, lc_mode mode)
{
	return compare_flags(s, len, mode, 0, LC_TOK_NO_FASTPATH);
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

/* ---- long runs ---- */

static const char *const run_pieces[] = {
	"a", "Z", "word", "1", "22", "_", "@", ".", "'", ",", ";", ":", "\"", " ", "\n",
	"!", "#", "$", "%", "&", "(", ")", "*", "+", "-", "/", "<", "=", ">", "?",
	"[", "\\", "]", "^", "`", "{", "|", "}", "~",
	"¡", "«", "»", "¿", "–", "—", "“", "”", "、", "。", "〈", "〉", "《", "》",
	"「", "」", "『", "』", "【", "】", "！", "（", "）", "？",
	"é", "ß", "ﬁ", "’", "東京都", "日本語", "に住んで", "カタカナ", "・", "ー",
	"한국어", "ภาษาไทย", "\xd7\x90\xd7\x91", "\xcc\x81", "\xe2\x80\x8d", "\xe2\x80\x8b",
	"😀", "🇫🇷", "١٢", "Ａ", "１", "\xef\xbc\x8e", "x.y", "3,5", "a'b",
};

/* A random string of up to max bytes from run_pieces; ASCII pieces only if asked. */
static size_t
random_run_text(char *buf, size_t max, int npieces_max, bool ascii_only, int space_every)
{
	int			np = (int) (sizeof(run_pieces) / sizeof(run_pieces[0]));
	int			n = 1 + rand() % npieces_max;
	size_t		len = 0;

	for (int i = 0; i < n; i++)
	{
		const char *p;

		do
			p = run_pieces[rand() % np];
		while ((ascii_only && (unsigned char) p[0] >= 0x80) ||
			   ((p[0] == ' ' || p[0] == '\n') && rand() % space_every != 0));
		if (len + strlen(p) >= max)
			break;
		memcpy(buf + len, p, strlen(p));
		len += strlen(p);
	}
	return len;
}

/* Whether every run of s (lc_core.h) is short enough never to be forced apart. */
static bool
runs_short(const char *s, size_t len, size_t limit)
{
	size_t		run = 0;

	for (size_t i = 0; i < len;)
	{
		unsigned char c = (unsigned char) s[i];
		size_t		n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
		uint32_t	cp = c < 0x80 ? c : c < 0xE0 ? (c & 0x1F) : c < 0xF0 ? (c & 0x0F) : (c & 0x07);

		for (size_t k = 1; k < n; k++)
			cp = (cp << 6) | ((unsigned char) s[i + k] & 0x3F);
		if (c == ' ' || c == '\n' || lc_is_break_char(cp))
			run = i + n;
		else if (i + n - run >= limit)
			return false;
		i += n;
	}
	return true;
}

static void
test_runs(void)
{
	char		buf[1024];
	int			bad_paths = 0,
				bad_ascii = 0,
				bad_neutral = 0,
				neutral_tried = 0,
				bad_shift = 0;

	/* both paths cut long runs alike (runs of LC_RUN_MAX_SHORT bytes) */
	for (int r = 0; r < 20000; r++)
	{
		size_t		len = random_run_text(buf, sizeof buf, 200, r % 4 == 0, 12);

		if (compare_flags(buf, len, LC_MODE_TEXT, LC_TOK_SHORT_RUNS,
						  LC_TOK_SHORT_RUNS | LC_TOK_NO_FASTPATH) >= 0)
		{
			if ((r % 4 == 0 ? bad_ascii++ : bad_paths++) < 3)
				fprintf(stderr, "  input: [%.*s]\n", (int) len, buf);
		}
	}
	CHECK(bad_paths == 0, "fast path and ICU cut long runs differently on %d random strings", bad_paths);
	CHECK(bad_ascii == 0, "fast path and ICU cut long ASCII runs differently on %d random strings", bad_ascii);

	/* cutting before break characters changes no token */
	for (int r = 0; r < 40000; r++)
	{
		size_t		len = random_run_text(buf, sizeof buf, 150, false, 30);

		if (!runs_short(buf, len, LC_RUN_MAX_SHORT - 4))
			continue;
		neutral_tried++;
		if (compare_flags(buf, len, LC_MODE_TEXT, LC_TOK_NO_FASTPATH,
						  LC_TOK_SHORT_RUNS | LC_TOK_NO_FASTPATH) >= 0)
		{
			if (bad_neutral++ < 3)
				fprintf(stderr, "  input: [%.*s]\n", (int) len, buf);
		}
	}
	CHECK(neutral_tried > 5000 && bad_neutral == 0,
		  "cuts at break characters changed ICU's tokens on %d of %d strings", bad_neutral, neutral_tried);

	/* a passage tokenizes the same after any prefix that ends a run */
	for (int r = 0; r < 5000; r++)
	{
		static const char *const ends[] = {" ", "\n", "。", "!", "(", "—"};
		char		whole[2048];
		size_t		plen = random_run_text(whole, 300, 30, false, 5);
		size_t		xlen;
		toklist		a = {0},
					b = {0};
		char		err[128];
		size_t		pchars = 0,
					first = 0;
		bool		same;
		const char *e = ends[rand() % 6];

		memcpy(whole + plen, e, strlen(e));
		plen += strlen(e);
		whole[plen] = 'a';
		xlen = 1 + random_run_text(whole + plen + 1, 600, 150, false, 40);
		for (size_t i = 0; i < plen; i++)
			pchars += (((unsigned char) whole[i]) & 0xC0) != 0x80;
		lc_tokenize(whole, plen + xlen, LC_MODE_TEXT, LC_TOK_SHORT_RUNS, &env, collect, &a, err, sizeof err);
		lc_tokenize(whole + plen, xlen, LC_MODE_TEXT, LC_TOK_SHORT_RUNS, &env, collect, &b, err, sizeof err);
		while (first < a.n && a.f[4 * first] < plen)
			first++;
		same = a.n - first == b.n;
		for (size_t i = 0; same && i < b.n; i++)
			same = strcmp(a.norm[first + i], b.norm[i]) == 0 &&
				a.f[4 * (first + i)] == b.f[4 * i] + plen &&
				a.f[4 * (first + i) + 1] == b.f[4 * i + 1] &&
				a.f[4 * (first + i) + 2] == b.f[4 * i + 2] + pchars &&
				a.f[4 * (first + i) + 3] == b.f[4 * i + 3];
		if (!same && bad_shift++ < 3)
			fprintf(stderr, "  prefix [%.*s] passage [%.*s]\n", (int) plen, whole, (int) xlen, whole + plen);
		toklist_free(&a);
		toklist_free(&b);
	}
	CHECK(bad_shift == 0, "a passage tokenized differently after %d prefixes", bad_shift);
}

/* Runs of the real size: a 2 MB word, and 400,000 times 東京都 anywhere. */
static void
test_long_runs(void)
{
	size_t		n = 2000000;
	char	   *buf = malloc(3 * 400000 * 3 + 16);
	toklist		l = {0};
	char		err[128];

	memset(buf, 'a', n);
	CHECK(compare_paths(buf, n, LC_MODE_TEXT) < 0, "a 2 MB word: fast path differs from ICU");
	lc_tokenize(buf, n, LC_MODE_TEXT, 0, &env, collect, &l, err, sizeof err);
	CHECK(l.n == 2 && l.f[1] == LC_RUN_MAX && l.f[4 + 2] == LC_RUN_MAX,
		  "a 2 MB word: %zu tokens, the first of %zu bytes", l.n, l.n ? l.f[1] : 0);
	toklist_free(&l);

	for (int prefix = 0; prefix < 3; prefix++)
	{
		static const char *const pre[] = {"", "前書き。", "x "};
		size_t		plen = strlen(pre[prefix]);
		toklist		a = {0};
		size_t		first = 0;

		memcpy(buf, pre[prefix], plen);
		for (int i = 0; i < 400000; i++)
			memcpy(buf + plen + 9 * (size_t) i, "東京都", 9);
		lc_tokenize(buf, plen + 3600000, LC_MODE_TEXT, 0, &env, collect, &a, err, sizeof err);
		while (first < a.n && a.f[4 * first] < plen)
			first++;
		if (prefix == 0)
		{
			l = a;
			CHECK(compare_paths(buf, 3600000, LC_MODE_TEXT) < 0, "東京都 x 400000: fast path differs from ICU");
			continue;
		}
		{
			bool		same = a.n - first == l.n;

			for (size_t i = 0; same && i < l.n; i++)
				same = strcmp(a.norm[first + i], l.norm[i]) == 0 &&
					a.f[4 * (first + i)] == l.f[4 * i] + plen;
			CHECK(same, "東京都 x 400000 tokenized differently after \"%s\"", pre[prefix]);
		}
		toklist_free(&a);
	}
	toklist_free(&l);
	free(buf);
}

/* ---- ticks at a bounded interval, in CPU time ---- */

static double gap_last,
			gap_max;
static size_t gap_ticks;

static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static void
gap_tick(void *ctx)
{
	double		now = cpu_now();

	(void) ctx;
	if (now - gap_last > gap_max)
		gap_max = now - gap_last;
	gap_last = now;
	gap_ticks++;
}

static const lc_env genv = {t_alloc, t_release, gap_tick, NULL};

static void
gap_start(void)
{
	gap_max = 0;
	gap_ticks = 0;
	gap_last = cpu_now();
}

/* Asserts the longest gap between ticks stayed under 50 ms of CPU time. */
static void
gap_check(const char *what, double started)
{
	double		total;

	gap_tick(NULL);
	total = cpu_now() - started;
	CHECK(gap_max < 0.05, "%s: %.3f s of CPU without a tick (%.2f s in all, %zu ticks)",
		  what, gap_max, total, gap_ticks);
}

static void
count_tok(void *arg, const lc_tok *t)
{
	(void) t;
	(*(size_t *) arg)++;
}

/* The tokenizer on one input, both modes' fused and plain paths, both paths. */
static void
gap_tokenize(const char *what, const char *s, size_t len, lc_mode mode)
{
	for (int fl = 0; fl < 2; fl++)
	{
		char		label[128];
		char		err[128];
		size_t		ntok = 0;
		double		t0 = cpu_now();
		int			flags = fl ? LC_TOK_NO_FASTPATH : 0;

		snprintf(label, sizeof label, "%s (%s, %s)", what, lc_mode_name(mode), fl ? "ICU" : "fast");
		gap_start();
		lc_tokenize(s, len, mode, flags, &genv, count_tok, &ntok, err, sizeof err);
		gap_check(label, t0);
		/* and a tick for about every LC_TICK_BYTES of input */
		CHECK(gap_ticks >= len / (2 * LC_TICK_BYTES), "%s: %zu ticks for %zu bytes", label, gap_ticks, len);
	}
	{
		lc_winnow	w;
		uint64_t	ntok;
		char		err[128];
		double		t0 = cpu_now();

		lc_winnow_init(&w, 5, 1024, mode, 0, &genv, (size_t) 1 << 30);
		gap_start();
		lc_tokenize_sketch(s, len, mode, 0, &genv, &w, NULL, 0, &ntok, err, sizeof err);
		gap_check("the fused fingerprint sink, w = 1024", t0);
		free(w.win);
		free(w.out);
	}
}

/* Fill buf[0..len) with copies of pat. */
static void
fill(char *buf, size_t len, const char *pat)
{
	size_t		pl = strlen(pat);

	for (size_t i = 0; i < len; i += pl)
		memcpy(buf + i, pat, (len - i < pl) ? len - i : pl);
}

static void
test_tick_gaps(void)
{
	size_t		len = 12 * 1024 * 1024;
	char	   *buf = malloc(len + 8);

	memset(buf, 'a', len);
	gap_tokenize("one 12 MB word", buf, len, LC_MODE_TEXT);
	gap_tokenize("one 12 MB identifier", buf, len, LC_MODE_CODE);
	fill(buf, len, "A-");
	gap_tokenize("12 MB of break characters and no space", buf, len, LC_MODE_TEXT);
	memset(buf, ' ', len);
	gap_tokenize("12 MB of spaces", buf, len, LC_MODE_TEXT);
	gap_tokenize("12 MB of spaces", buf, len, LC_MODE_CODE);
	fill(buf, len, "Ünïcödé wörds ");
	gap_tokenize("12 MB of accented words", buf, len, LC_MODE_TEXT);
	/* a string literal of 24 MB with non-ASCII: normalized in pieces */
	fill(buf, len, "Straße ﬁ ");
	buf[0] = '"';
	buf[len - 1] = '"';
	gap_tokenize("a 12 MB string literal", buf, len, LC_MODE_CODE);
	fill(buf, len, "Ab");
	buf[0] = '"';
	buf[len - 1] = '"';
	gap_tokenize("a 12 MB ASCII string literal", buf, len, LC_MODE_CODE);
	/* escapes from an odd position: a tick on `(i & 0xFFFF) == 0` never came */
	fill(buf, len, "\\a");
	buf[0] = '"';
	gap_tokenize("a 12 MB string of escapes", buf, len, LC_MODE_CODE);
	fill(buf, len, "éλ東");
	gap_tokenize("a 12 MB non-ASCII identifier", buf, len - len % 7, LC_MODE_CODE);
	fill(buf, len, "x");
	memcpy(buf, "// ", 3);
	gap_tokenize("a 12 MB line comment", buf, len, LC_MODE_CODE);
	memcpy(buf, "/* ", 3);
	gap_tokenize("a 12 MB block comment", buf, len, LC_MODE_CODE);
	/* the language modes' own long forms */
	gap_tokenize("a 12 MB nested comment", buf, len, LC_MODE_CODE_RUST);
	memcpy(buf, "r#\"", 3);
	gap_tokenize("a 12 MB raw string", buf, len, LC_MODE_CODE_RUST);
	memcpy(buf, "\"\"\"", 3);
	gap_tokenize("a 12 MB triple-quoted string", buf, len, LC_MODE_CODE_PYTHON);
	memcpy(buf, "$x", 2);
	gap_tokenize("a 12 MB dollar word", buf, len, LC_MODE_CODE_SQL + LC_MODE_KINDS_OFFSET);
	memcpy(buf, "#x", 2);
	gap_tokenize("a 12 MB shell comment", buf, len, LC_MODE_CODE_AUTO);
	fill(buf, len, "''");
	gap_tokenize("12 MB of doubled quotes", buf, len, LC_MODE_CODE_SQL);
	/*
	 * combining marks with no base between them, in the reverse of their
	 * canonical order: ICU reorders by insertion, quadratic in a run, so
	 * it is fed runs of LC_NORM_RUN_MAX characters
	 */
	buf[0] = 'a';
	fill(buf + 1, 3145724, "\xcc\x81\xcc\x96");
	gap_tokenize("3 MB of combining marks", buf, 3145725, LC_MODE_TEXT);
	gap_tokenize("3 MB of combining marks", buf, 3145725, LC_MODE_CODE);
	buf[0] = '"';
	gap_tokenize("a 3 MB string of combining marks", buf, 3145725, LC_MODE_CODE);
	/* runs of 256 marks, each short enough to normalize whole, after a base */
	{
		char		pat[1 + 512 + 1];

		pat[0] = 'a';
		for (int k = 0; k < 128; k++)
			memcpy(pat + 1 + 2 * k, "\xcc\x81", 2);
		for (int k = 0; k < 128; k++)
			memcpy(pat + 1 + 256 + 2 * k, "\xcc\x96", 2);
		pat[513] = '\0';
		fill(buf, 3145725, pat);
		gap_tokenize("3 MB of a base and 256 marks, repeated", buf, 3145725, LC_MODE_TEXT);
	}
	/* a long CJK run with no break character: ICU's dictionary, in pieces */
	fill(buf, 3145725, "東京都");
	gap_tokenize("3 MB of 東京都", buf, 3145725, LC_MODE_TEXT);
	free(buf);

	/* spans: long extensions from many candidates, and the longest run */
	{
		size_t		n = 1000000;
		uint64_t   *h = malloc(n * sizeof(uint64_t));
		lc_span_list sp;
		double		t0;

		for (size_t i = 0; i < n; i++)
			h[i] = i % 4;
		t0 = cpu_now();
		gap_start();
		lc_find_spans(h, n, h, n, 8, 0, &genv, &sp);
		gap_check("spans of a repetitive text against itself", t0);
		CHECK(sp.n == 1 && sp.v[0].tokens == n, "spans of a text against itself: %zu spans", sp.n);
		free(sp.v);
		t0 = cpu_now();
		gap_start();
		lc_find_spans(h, n, h, n, 4, 8, &genv, &sp);
		gap_check("spans with gaps of a repetitive text", t0);
		free(sp.v);
		t0 = cpu_now();
		gap_start();
		CHECK(lc_longest_run(h, n, h + 1, n - 1, &genv) == n - 1, "longest run");
		gap_check("the longest run of a repetitive text", t0);
		free(h);
	}
}

static void
test_set_blocks(void)
{
	size_t		na = 3000000,
				nb = 2000000;
	uint64_t   *a = malloc(na * sizeof(uint64_t)),
			   *b = malloc(nb * sizeof(uint64_t)),
			   *o1 = malloc((na + nb) * sizeof(uint64_t)),
			   *o2 = malloc((na + nb) * sizeof(uint64_t));
	static const char *const names[] = {"union", "intersection", "difference", "count", "overlap"};

	/* a: multiples of 2; b: multiples of 3, then a long stretch above a's */
	for (size_t i = 0; i < na; i++)
		a[i] = 2 * (uint64_t) i;
	for (size_t i = 0; i < nb; i++)
		b[i] = i < nb / 2 ? 3 * (uint64_t) i : 100000000 + (uint64_t) i;
	for (int op = LC_SET_UNION; op <= LC_SET_OVERLAP; op++)
	{
		size_t		n1,
					n2;
		double		t0 = cpu_now();

		switch (op)
		{
			case LC_SET_UNION:
				n1 = lc_union(a, na, b, nb, o1);
				break;
			case LC_SET_INTERSECT:
				n1 = lc_intersect(a, na, b, nb, o1);
				break;
			case LC_SET_DIFFERENCE:
				n1 = lc_difference(a, na, b, nb, o1);
				break;
			case LC_SET_COUNT:
				n1 = lc_intersect_count(a, na, b, nb);
				break;
			default:
				n1 = lc_intersect_count(a, na, b, nb) > 0;
				break;
		}
		gap_start();
		n2 = lc_set_op((lc_set_kind) op, a, na, b, nb, o2, &genv);
		gap_check(names[op], t0);
		CHECK(n1 == n2 && (op >= LC_SET_COUNT || memcmp(o1, o2, n1 * sizeof(uint64_t)) == 0) &&
			  (gap_ticks > 5 || op == LC_SET_OVERLAP), "%s in blocks differs from the plain merge (%zu, %zu; %zu ticks)",
			  names[op], n1, n2, gap_ticks);
	}
	CHECK(lc_set_op(LC_SET_COUNT, a, 0, b, nb, NULL, &genv) == 0 &&
		  lc_set_op(LC_SET_UNION, a, 0, b, 3, o1, &genv) == 3 && o1[2] == 6, "empty sides");
	free(a);
	free(b);
	free(o1);
	free(o2);
}

static void
test_sets(void)
{
	uint64_t	a[] = {1, 3, 5, 7},
				b[] = {3, 4, 5, 8, 9},
				out[16];

	CHECK(lc_intersect_count(a, 4, b, 5) == 2, "intersect count");
	{
		uint64_t	c[] = {0, 2, 4, 6, 8, 10},
					d[] = {9, 10},
					e[] = {UINT64_MAX};

		CHECK(lc_intersect_any(a, 4, b, 5) && lc_intersect_any(b, 5, a, 4) &&
			  !lc_intersect_any(a, 4, c, 6) && !lc_intersect_any(c, 6, a, 4) &&
			  lc_intersect_any(c, 6, d, 2) && lc_intersect_any(d, 2, c, 6) &&
			  !lc_intersect_any(a, 0, b, 5) && !lc_intersect_any(a, 4, b, 0) &&
			  !lc_intersect_any(e, 1, c, 6) && lc_intersect_any(e, 1, e, 1), "intersect any");
	}
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

/* The tokens of s in mode m, joined by single spaces (caller frees). */
static char *
joined_tokens(const char *s, lc_mode m)
{
	toklist		l = {0};
	char		err[128];
	size_t		n = 1;
	char	   *out;

	if (lc_tokenize(s, strlen(s), m, 0, &env, collect, &l, err, sizeof err) != 0)
		return strdup("(error)");
	for (size_t i = 0; i < l.n; i++)
		n += strlen(l.norm[i]) + 1;
	out = calloc(n, 1);
	for (size_t i = 0; i < l.n; i++)
	{
		if (i)
			strcat(out, " ");
		strcat(out, l.norm[i]);
	}
	toklist_free(&l);
	return out;
}

/* Comments and strings as each language reads them (lc_tokenize.c's lang_table). */
static void
test_languages(void)
{
	static const struct
	{
		lc_mode		mode;
		const char *in;
		const char *want;
	}			cases[] = {
		/* Python: '#' comments whatever follows, even a """ */
		{LC_MODE_CODE_PYTHON, "x = 1 #word \"\"\" y\nz = 'a#b' # c", "x = 1 z = 'a#b'"},
		{LC_MODE_CODE_PYTHON, "s = \"\"\"a\n# not\"\"\" + '''b'''", "s = \"\"\"a\n# not\"\"\" + '''b'''"},
		{LC_MODE_CODE_PYTHON, "Name = \"Ab\"", "Name = \"Ab\""},
		/* JavaScript/TypeScript: // and block comments, template strings over lines */
		{LC_MODE_CODE_JS, "a = `x\n${y}` // c\n/* d */ b", "a = `x\n${y}` b"},
		{LC_MODE_CODE_JS, "s = 'it\\'s' # x", "s = 'it\\'s' # x"},
		/* Java: text blocks */
		{LC_MODE_CODE_JAVA, "s = \"\"\"\n\"a\"\n\"\"\"; // c", "s = \"\"\"\n\"a\"\n\"\"\" ;"},
		/* C: block comments do not nest; a string ends at the line's end */
		{LC_MODE_CODE_C, "/* a /* b */ c */ \"s\ny", "c * / \"s y"},
		{LC_MODE_CODE_C, "#define X 1 // c", "# define X 1"},
		/* Go: raw strings hold backslashes (no escape) and newlines */
		{LC_MODE_CODE_GO, "s := `a\\`\nb` // c", "s := `a\\` b ` // c"},
		{LC_MODE_CODE_GO, "s := `a\n// b` // c", "s := `a\n// b`"},
		/* Rust: nested comments, raw strings, chars and lifetimes */
		{LC_MODE_CODE_RUST, "/* a /* b */ c */ x", "x"},
		{LC_MODE_CODE_RUST, "r##\"a\"#b\"## 'x' '\\n' &'a T", "r##\"a\"#b\"## 'x' '\\n' & ' a T"},
		/* shell: '#' opens a comment at the start of a word only */
		{LC_MODE_CODE_SH, "echo a#b $# 'c # d' # e\nf", "echo a # b $ # 'c # d' f"},
		/* SQL: --, nested comments, doubled quotes, bare words folded */
		{LC_MODE_CODE_SQL, "SELECT 'it''s', \"A\"\"b\" -- c\nFROM /* a /* b */ c */ T", "select 'it''s' , \"A\"\"b\" from t"},
		{LC_MODE_CODE_SQL, "AS $body$ BEGIN x; END $body$", "as $body$ begin x ; end $body$"},
		/* ':kinds': identifiers become <id>, keywords and member names stay */
		{LC_MODE_CODE_PYTHON + LC_MODE_KINDS_OFFSET, "def f(a): return a.size + 1", "def <id> ( <id> ) : return <id> . size + 1"},
		{LC_MODE_CODE_SQL + LC_MODE_KINDS_OFFSET, "SELECT Col FROM \"T\"", "select <id> from <id>"},
		{LC_MODE_CODE_JS + LC_MODE_KINDS_OFFSET, "const x = y?.z; this.w", "const <id> = <id> ?. z this . w"},
		{LC_MODE_CODE_JAVA + LC_MODE_KINDS_OFFSET, "int x = y; this.w", "int <id> = <id> ; this . w"},
	};
	static const struct
	{
		lc_lang		lang;
		const char *text;
	}			guesses[] = {
		{LC_LANG_PYTHON, "import sys\n\ndef main(argv):\n    if argv is not None:\n        print(argv)\n"},
		{LC_LANG_PYTHON, "#!/usr/bin/python3\nx = 1\n"},
		{LC_LANG_JS, "export function f(a) {\n  const b = a === undefined ? 0 : a;\n  return b;\n}\n"},
		{LC_LANG_JS, "interface A { x: number }\nexport const f = (a: A): number => a.x;\n"},
		{LC_LANG_JAVA, "public class Main {\n  public static void main(String[] args) {\n    System.out.println(1);\n  }\n}\n"},
		{LC_LANG_C, "#include <stdio.h>\nint main(void) { printf(\"%d\", (int) sizeof(long)); return 0; }\n"},
		{LC_LANG_C, "#include <vector>\nstd::vector<int> v; auto p = nullptr;\n"},
		{LC_LANG_GO, "package main\nimport \"fmt\"\nfunc main() { x := 1; fmt.Println(x) }\n"},
		{LC_LANG_RUST, "use std::fmt;\npub fn f(x: &mut Vec<u8>) -> Option<u8> { let mut y = 0; Some(y) }\n"},
		{LC_LANG_SH, "if [ -f x ]; then\n  echo \"$(cat x)\" > /dev/null 2>&1\nfi\n"},
		{LC_LANG_SQL, "select a, count(*) from t where b is not null group by a order by 2;\n"},
	};
	char	   *a,
			   *b;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		char	   *got = joined_tokens(cases[i].in, cases[i].mode);

		CHECK(strcmp(got, cases[i].want) == 0, "%s: [%s] gives [%s], not [%s]",
			  lc_mode_name(cases[i].mode), cases[i].in, got, cases[i].want);
		/* both tokenizer paths agree in every language */
		CHECK(compare_paths(cases[i].in, strlen(cases[i].in), cases[i].mode) < 0,
			  "%s: the paths differ on [%s]", lc_mode_name(cases[i].mode), cases[i].in);
		free(got);
	}
	for (size_t i = 0; i < sizeof(guesses) / sizeof(guesses[0]); i++)
	{
		lc_lang		g = lc_guess_lang(guesses[i].text, strlen(guesses[i].text));

		CHECK(g == guesses[i].lang, "guessed %s, not %s, for [%s]", lc_lang_name(g),
			  lc_lang_name(guesses[i].lang), guesses[i].text);
	}
	/* renaming every variable changes no token in ':kinds' */
	a = joined_tokens("def mean(xs):\n    t = 0\n    for x in xs:\n        t += x\n    return t / len(xs)\n",
					  LC_MODE_CODE_PYTHON + LC_MODE_KINDS_OFFSET);
	b = joined_tokens("def avg(v):\n    s = 0\n    for e in v:  # sum\n        s += e\n    return s / len(v)\n",
					  LC_MODE_CODE_PYTHON + LC_MODE_KINDS_OFFSET);
	CHECK(strcmp(a, b) == 0, "a renamed copy differs in kinds: [%s] vs [%s]", a, b);
	free(a);
	free(b);
	/* the mode names parse back, aliases too, and unknown names do not */
	for (int m = 0; m < LC_MODE_COUNT; m++)
		CHECK(lc_mode_parse(lc_mode_name((lc_mode) m), strlen(lc_mode_name((lc_mode) m))) == m,
			  "mode %d does not parse back", m);
	CHECK(lc_mode_parse("code:ts:kinds", 13) == LC_MODE_CODE_JS + LC_MODE_KINDS_OFFSET &&
		  lc_mode_parse("code:cpp", 8) == LC_MODE_CODE_C && lc_mode_parse("code:cobol", 10) < 0 &&
		  lc_mode_parse("code:kinds", 10) < 0 && lc_mode_parse("text:kinds", 10) < 0,
		  "mode aliases");
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
	for (int m = LC_MODE_CODE_PYTHON; m < LC_MODE_COUNT; m++)
		test_fastpath_random((lc_mode) m, 500, false);
	test_languages();
	for (int i = 1; i < argc; i++)
	{
		test_fastpath_file(argv[i]);
		test_fused(argv[i]);
	}
	test_ticks();
	test_runs();
	test_long_runs();
	test_tick_gaps();
	test_set_blocks();
	test_guarantee();
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
