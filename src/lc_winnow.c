/*
 * lc_winnow.c — token hashes, k-gram hashes and winnowing (pure C).
 *
 * Winnowing (Schleimer, Wilkerson and Aiken, 2003): of every window of w
 * consecutive k-gram hashes, keep the minimum (the rightmost one on ties),
 * recording it once per position.  Any run of w + k - 1 shared tokens holds
 * a whole window, so both texts select the same hash; a run shorter than k
 * tokens holds no k-gram.  A text with fewer than w k-grams is one window.
 *
 * Token hashes are XXH3-64 of the normalized token, seeded.  A k-gram hash
 * is a rolling polynomial of its k token hashes (O(1) per token) with a final
 * avalanche; its seed also mixes in the mode and k, so fingerprints built
 * with other parameters share no hash by accident.
 */
#include "lc_winnow_impl.h"

uint64_t
lc_token_hash(const char *norm, size_t len, uint64_t seed)
{
	return lc_token_hash_inline(norm, len, seed);
}

void
lc_kgram_init(lc_kgram *g, int k, lc_mode mode, uint64_t seed)
{
	memset(g, 0, sizeof(*g));
	g->k = k;
	g->seed = fmix64(seed ^ ((uint64_t) mode << 56) ^ ((uint64_t) k << 48) ^
					 0x6c6c6d636f707931ULL);
	g->pk = 1;
	for (int j = 0; j < k; j++)
		g->pk *= LC_KGRAM_P;	/* P^k: the weight a token has when it leaves */
}

void
lc_winnow_init(lc_winnow *st, int k, int w, lc_mode mode, uint64_t seed,
			   const lc_env *env, size_t maxout)
{
	memset(st, 0, sizeof(*st));
	lc_kgram_init(&st->g, k, mode, seed);
	st->w = w;
	st->win_mask = 1;
	while (st->win_mask < (uint64_t) w)
		st->win_mask <<= 1;
	st->win = env->alloc(env->ctx, sizeof(uint64_t) * (size_t) st->win_mask);
	st->win_mask -= 1;
	st->last_pos = -1;
	st->env = env;
	st->maxout = maxout;
}

void
lc_winnow_push(lc_winnow *st, uint64_t tokhash)
{
	lc_winnow_push_inline(st, tokhash);
}

size_t
lc_winnow_finish(lc_winnow *st)
{
	/* a text shorter than one window is one window */
	if (st->nkgrams > 0 && st->nkgrams < (uint64_t) st->w)
	{
		st->last_pos = -1;
		select_min(st, 0, (int64_t) st->nkgrams - 1);
	}
	st->env->release(st->env->ctx, st->win);
	st->win = NULL;
	st->nout = lc_sort_unique_u64(st->out, st->nout);
	return st->nout;
}

/* ---- sorted sets ---- */

static void
sort_u64(uint64_t *a, size_t n)
{
	while (n > 24)
	{
		/* median of three, Hoare partition; recurse on the smaller side */
		uint64_t	x = a[0],
					y = a[n / 2],
					z = a[n - 1];
		uint64_t	piv = (x < y) ? ((y < z) ? y : (x < z ? z : x)) : ((x < z) ? x : (y < z ? z : y));
		size_t		i = 0,
					j = n - 1;

		for (;;)
		{
			while (a[i] < piv)
				i++;
			while (a[j] > piv)
				j--;
			if (i >= j)
				break;
			{
				uint64_t	t = a[i];

				a[i] = a[j];
				a[j] = t;
			}
			i++;
			j--;
		}
		if (j + 1 < n - (j + 1))
		{
			sort_u64(a, j + 1);
			a += j + 1;
			n -= j + 1;
		}
		else
		{
			sort_u64(a + j + 1, n - (j + 1));
			n = j + 1;
		}
	}
	for (size_t i = 1; i < n; i++)
	{
		uint64_t	v = a[i];
		size_t		j = i;

		while (j > 0 && a[j - 1] > v)
		{
			a[j] = a[j - 1];
			j--;
		}
		a[j] = v;
	}
}

void
lc_sort_u64(uint64_t *a, size_t n)
{
	sort_u64(a, n);
}

size_t
lc_sort_unique_u64(uint64_t *a, size_t n)
{
	size_t		m;

	if (n < 2)
		return n;
	sort_u64(a, n);
	m = 1;
	for (size_t i = 1; i < n; i++)
		if (a[i] != a[m - 1])
			a[m++] = a[i];
	return m;
}

size_t
lc_intersect_count(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
	size_t		i = 0,
				j = 0,
				c = 0;

	while (i < na && j < nb)
	{
		if (a[i] < b[j])
			i++;
		else if (a[i] > b[j])
			j++;
		else
			c++, i++, j++;
	}
	return c;
}

size_t
lc_union(const uint64_t *a, size_t na, const uint64_t *b, size_t nb, uint64_t *out)
{
	size_t		i = 0,
				j = 0,
				n = 0;

	while (i < na && j < nb)
	{
		if (a[i] < b[j])
			out[n++] = a[i++];
		else if (a[i] > b[j])
			out[n++] = b[j++];
		else
			out[n++] = a[i++], j++;
	}
	while (i < na)
		out[n++] = a[i++];
	while (j < nb)
		out[n++] = b[j++];
	return n;
}

size_t
lc_intersect(const uint64_t *a, size_t na, const uint64_t *b, size_t nb, uint64_t *out)
{
	size_t		i = 0,
				j = 0,
				n = 0;

	while (i < na && j < nb)
	{
		if (a[i] < b[j])
			i++;
		else if (a[i] > b[j])
			j++;
		else
			out[n++] = a[i++], j++;
	}
	return n;
}

size_t
lc_difference(const uint64_t *a, size_t na, const uint64_t *b, size_t nb, uint64_t *out)
{
	size_t		i = 0,
				j = 0,
				n = 0;

	while (i < na)
	{
		while (j < nb && b[j] < a[i])
			j++;
		if (j >= nb || b[j] != a[i])
			out[n++] = a[i];
		i++;
	}
	return n;
}
