/*
 * lc_spans.c — evidence spans: the common token runs of two token-hash
 * sequences (pure C).
 *
 * Seed and extend.  The seeds are the L-grams of b (L = the shortest run to
 * report, or a shorter seed when gaps may be bridged), kept in a hash table
 * whose chains list the positions of b in ascending order.  a is scanned
 * left to right; at each position the candidates of its L-gram are
 * verified and extended forward; the longest extension wins, the first one
 * in b on ties, so a run repeated in b is reported at its first place.  The
 * scan resumes after the run, so reported runs never overlap in a.  With
 * max_gap > 0, a candidate that continues the previous run's diagonal
 * (at most max_gap skipped tokens in both texts) is preferred, and such
 * runs are merged into one span whose token count is the matched tokens.
 *
 * Expected time O(n + m) (hash table, chains capped at LC_SPAN_CHAIN),
 * memory O(m).  The longest common run is found exactly by a binary search
 * over its length, each step one pass with an L-gram hash set.
 *
 * Every loop counts its work (tokens hashed, candidates tried, tokens
 * compared while extending) on an lc_ticker, so a tick comes at a bounded
 * interval however far a single step jumps.
 */
#include "lc_core.h"

#include <string.h>

#define LC_SPAN_CHAIN 256		/* candidates tried per position of a */
#define LC_P 0x9E3779B97F4A7C15ULL

/* Rolling L-gram hashes of h[0..n): out[i] covers h[i..i+L). */
static void
lgram_hashes(const uint64_t *h, size_t n, int L, uint64_t *out, lc_ticker *tk)
{
	uint64_t	pk = 1,
				roll = 0;

	for (int j = 0; j < L; j++)
		pk *= LC_P;
	for (size_t i = 0; i < n; i++)
	{
		roll = roll * LC_P + h[i];
		if (i >= (size_t) L)
			roll -= h[i - (size_t) L] * pk;
		if (i + 1 >= (size_t) L)
			out[i + 1 - (size_t) L] = roll ^ (roll >> 29);
		lc_tick_work(tk, 1);
	}
}

/* Whether a[0..L) equals b[0..L), compared in blocks with a tick between them. */
static bool
run_equal(const uint64_t *a, const uint64_t *b, size_t L, lc_ticker *tk)
{
	for (size_t i = 0; i < L; i += LC_TICK_WORK)
	{
		size_t		k = (L - i < LC_TICK_WORK) ? L - i : LC_TICK_WORK;

		lc_tick_work(tk, k);
		if (memcmp(a + i, b + i, k * sizeof(uint64_t)) != 0)
			return false;
	}
	return true;
}

typedef struct lgram_table
{
	uint32_t   *head;			/* bucket -> first position + 1, 0 = none */
	uint32_t   *next;			/* position -> next position + 1 in its chain */
	uint64_t   *hash;			/* position -> L-gram hash */
	uint64_t	mask;
} lgram_table;

static void
table_build(lgram_table *t, const uint64_t *h, size_t n, int L, const lc_env *env,
			lc_ticker *tk)
{
	size_t		ng = n >= (size_t) L ? n - (size_t) L + 1 : 0;
	size_t		nb = 16;

	while (nb < 2 * ng)
		nb <<= 1;
	t->mask = nb - 1;
	t->head = env->alloc(env->ctx, nb * sizeof(uint32_t));
	memset(t->head, 0, nb * sizeof(uint32_t));
	t->next = env->alloc(env->ctx, (ng ? ng : 1) * sizeof(uint32_t));
	t->hash = env->alloc(env->ctx, (ng ? ng : 1) * sizeof(uint64_t));
	lgram_hashes(h, n, L, t->hash, tk);
	/* insert from the end, so every chain runs in ascending position */
	for (size_t i = ng; i-- > 0;)
	{
		uint64_t	b = t->hash[i] & t->mask;

		t->next[i] = t->head[b];
		t->head[b] = (uint32_t) i + 1;
		lc_tick_work(tk, 1);
	}
}

static void
table_free(lgram_table *t, const lc_env *env)
{
	env->release(env->ctx, t->head);
	env->release(env->ctx, t->next);
	env->release(env->ctx, t->hash);
}

static void
push_span(lc_span_list *out, const lc_env *env, const lc_span *s)
{
	if (out->n == out->cap)
	{
		size_t		ncap = out->cap ? out->cap * 2 : 16;
		lc_span    *n = env->alloc(env->ctx, ncap * sizeof(lc_span));

		if (out->v)
		{
			memcpy(n, out->v, out->n * sizeof(lc_span));
			env->release(env->ctx, out->v);
		}
		out->v = n;
		out->cap = ncap;
	}
	out->v[out->n++] = *s;
}

void
lc_find_spans(const uint64_t *a, size_t n, const uint64_t *b, size_t m,
			  int min_tokens, int max_gap, const lc_env *env, lc_span_list *out)
{
	int			L = min_tokens;
	lgram_table t;
	uint64_t   *ahash;
	size_t		i = 0;
	size_t		prev_end = 0;	/* a-position after the last run */
	bool		have_prev = false;
	lc_span		cur;			/* the span being built (merged runs) */
	lc_ticker	tk;

	lc_ticker_init(&tk, env);
	memset(out, 0, sizeof(*out));
	/* bridging gaps: seed with shorter runs, keep spans of min_tokens */
	if (max_gap > 0 && L > 4)
		L = 4;
	if (L < 1 || n < (size_t) L || m < (size_t) L)
		return;

	table_build(&t, b, m, L, env, &tk);
	ahash = env->alloc(env->ctx, (n - (size_t) L + 1) * sizeof(uint64_t));
	lgram_hashes(a, n, L, ahash, &tk);
	memset(&cur, 0, sizeof(cur));

	while (i + (size_t) L <= n)
	{
		uint32_t	c = t.head[ahash[i] & t.mask];
		size_t		best_len = 0,
					best_j = 0;
		int			tried = 0;
		bool		best_chains = false;

		lc_tick_work(&tk, 1);
		for (; c != 0 && tried < LC_SPAN_CHAIN; c = t.next[c - 1])
		{
			size_t		j = c - 1;
			size_t		len;
			bool		chains;

			lc_tick_work(&tk, 1);
			if (t.hash[j] != ahash[i])
				continue;
			tried++;
			if (!run_equal(a + i, b + j, (size_t) L, &tk))
				continue;
			len = (size_t) L;
			while (i + len < n && j + len < m && a[i + len] == b[j + len])
			{
				len++;
				lc_tick_work(&tk, 1);
			}
			/* continues the current span's diagonal within max_gap */
			chains = have_prev && max_gap > 0 && j >= cur.b_end &&
				j - cur.b_end <= (size_t) max_gap && i - cur.a_end <= (size_t) max_gap;
			if ((chains && !best_chains) || (chains == best_chains && len > best_len))
			{
				best_len = len;
				best_j = j;
				best_chains = chains;
			}
		}
		if (best_len == 0)
		{
			i++;
			continue;
		}

		/* extend backward, not into the previous run */
		{
			size_t		back = 0;

			while (i - back > prev_end && best_j - back > 0 &&
				   a[i - back - 1] == b[best_j - back - 1])
			{
				back++;
				lc_tick_work(&tk, 1);
			}
			i -= back;
			best_j -= back;
			best_len += back;
		}

		if (best_chains)
		{
			cur.a_end = i + best_len;
			cur.b_end = best_j + best_len;
			cur.tokens += best_len;
		}
		else
		{
			if (have_prev && cur.tokens >= (size_t) min_tokens)
				push_span(out, env, &cur);
			cur.a_start = i;
			cur.b_start = best_j;
			cur.a_end = i + best_len;
			cur.b_end = best_j + best_len;
			cur.tokens = best_len;
			have_prev = true;
		}
		i += best_len;
		prev_end = i;
	}
	if (have_prev && cur.tokens >= (size_t) min_tokens)
		push_span(out, env, &cur);

	env->release(env->ctx, ahash);
	table_free(&t, env);
}

/* Whether a and b share a run of L tokens. */
static bool
share_run(const uint64_t *a, size_t n, const uint64_t *b, size_t m, int L,
		  const lc_env *env, lc_ticker *tk)
{
	lgram_table t;
	uint64_t   *ahash;
	bool		found = false;

	if (n < (size_t) L || m < (size_t) L)
		return false;
	table_build(&t, b, m, L, env, tk);
	ahash = env->alloc(env->ctx, (n - (size_t) L + 1) * sizeof(uint64_t));
	lgram_hashes(a, n, L, ahash, tk);
	for (size_t i = 0; i + (size_t) L <= n && !found; i++)
	{
		lc_tick_work(tk, 1);
		for (uint32_t c = t.head[ahash[i] & t.mask]; c != 0; c = t.next[c - 1])
		{
			lc_tick_work(tk, 1);
			if (t.hash[c - 1] != ahash[i])
				continue;
			if (run_equal(a + i, b + (c - 1), (size_t) L, tk))
			{
				found = true;
				break;
			}
		}
	}
	env->release(env->ctx, ahash);
	table_free(&t, env);
	return found;
}

size_t
lc_longest_run(const uint64_t *a, size_t n, const uint64_t *b, size_t m,
			   const lc_env *env)
{
	size_t		lo = 0,
				hi = n < m ? n : m;
	lc_ticker	tk;

	lc_ticker_init(&tk, env);
	/* build each step's table on the shorter side */
	if (n < m)
	{
		const uint64_t *tp = a;
		size_t		tn = n;

		a = b;
		n = m;
		b = tp;
		m = tn;
	}

	/* invariant: a run of lo tokens is shared; none of hi + 1 */
	while (lo < hi)
	{
		size_t		mid = lo + (hi - lo + 1) / 2;

		if (share_run(a, n, b, m, (int) mid, env, &tk))
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}
