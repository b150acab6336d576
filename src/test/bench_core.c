/*
 * bench_core.c — throughput of the core (tokenize, hash, winnow) on the
 * documents of a COPY-format corpus file (bench/work/corpus.copy), by kind.
 * Usage: bench_core FILE [kind]
 */
#include "lc_core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void *b_alloc(void *c, size_t n) { (void) c; return malloc(n); }
static void b_release(void *c, void *p) { (void) c; free(p); }
static const lc_env env = {b_alloc, b_release, NULL, NULL};

typedef struct { lc_winnow win; } st_t;
static void tok(void *arg, const lc_tok *t)
{
	st_t *st = arg;
	lc_winnow_push(&st->win, lc_token_hash(t->norm, t->normlen, 0));
}

/* undo COPY text escaping in place */
static size_t unescape(char *s)
{
	char *o = s, *p = s;
	while (*p) {
		if (*p == '\\' && p[1]) {
			p++;
			*o++ = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p == 'r' ? '\r' : *p;
			p++;
		} else
			*o++ = *p++;
	}
	*o = 0;
	return (size_t) (o - s);
}

int main(int argc, char **argv)
{
	FILE *f = fopen(argv[1], "r");
	const char *want = argc > 2 ? argv[2] : NULL;
	char *line = NULL;
	size_t cap = 0, bytes = 0, docs = 0, hashes = 0;
	ssize_t n;
	char **bodies = NULL; size_t *lens = NULL; size_t nb = 0, cb = 0;
	struct timespec t0, t1;
	int mode = argc > 3 ? atoi(argv[3]) : 0;

	while ((n = getline(&line, &cap, f)) > 0) {
		char *fld[6]; int i = 0; char *p = line;
		line[n - 1] = 0;
		fld[i++] = p;
		while (i < 6 && (p = strchr(p, '\t'))) { *p++ = 0; fld[i++] = p; }
		if (i < 6 || (want && strcmp(fld[1], want) != 0)) continue;
		if (nb == cb) { cb = cb ? cb * 2 : 1024; bodies = realloc(bodies, cb * sizeof(char *)); lens = realloc(lens, cb * sizeof(size_t)); }
		bodies[nb] = strdup(fld[5]);
		lens[nb] = unescape(bodies[nb]);
		nb++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (size_t d = 0; d < nb; d++) {
		st_t st; char err[128];
		lc_winnow_init(&st.win, 5, 10, LC_MODE_TEXT, 0, &env, (size_t) 1 << 30);
		uint64_t ntok;
		if (argc > 4)
			lc_tokenize(bodies[d], lens[d], (lc_mode) mode, 0, &env, tok, &st, err, sizeof err);
		else
			lc_tokenize_sketch(bodies[d], lens[d], (lc_mode) mode, 0, &env, &st.win, NULL, 0, &ntok, err, sizeof err);
		hashes += lc_winnow_finish(&st.win);
		free(st.win.out);
		bytes += lens[d]; docs++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%zu docs, %.1f MB, %zu hashes, %.3f s, %.1f MB/s\n", docs, bytes / 1e6, hashes, s, bytes / 1e6 / s);
	return 0;
}
