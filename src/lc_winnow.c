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
	st->nout = lc_sort_unique_u64(st->out, st->nout, st->env);
	return st->nout;
}

/* ---- sorted sets ---- */

/*
 * Sorting is an in-place most-significant-byte-first radix sort (American
 * flag sort): the keys are 64-bit hashes, so each level splits a bucket
 * into 256 by one byte, and a key is counted and moved at most once per
 * byte.  The cost is linear whatever the order of the input (sorted,
 * sorted with an unsorted tail, reversed, all equal), no memory is needed
 * beyond 4 KB of counters a level on the stack, and short buckets are
 * finished by insertion sort.  tick() is called after every
 * LC_SORT_TICK_KEYS keys counted or moved.
 */
#define LC_SORT_SMALL 64
#define LC_SORT_TICK_KEYS (64 * 1024)

typedef struct lc_sorter
{
	const lc_env *env;
	size_t		work;			/* keys counted or moved since the last tick */
} lc_sorter;

static inline void
sorter_work(lc_sorter *s, size_t keys)
{
	s->work += keys;
	if (s->work >= LC_SORT_TICK_KEYS)
	{
		s->work = 0;
		if (s->env && s->env->tick)
			s->env->tick(s->env->ctx);
	}
}

/*
 * Quicksort (median of three, Hoare partition, insertion sort below 16
 * keys) for buckets of at most LC_SORT_SMALL keys: its worst case is then
 * a bounded cost per key, and on short buckets it beats another radix pass.
 */
static void
small_sort_u64(uint64_t *a, size_t n)
{
	while (n > 16)
	{
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
			small_sort_u64(a, j + 1);
			a += j + 1;
			n -= j + 1;
		}
		else
		{
			small_sort_u64(a + j + 1, n - (j + 1));
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

static void
radix_sort_u64(uint64_t *a, size_t n, int shift, lc_sorter *s)
{
	size_t		next[256],
				end[256];

	for (;;)
	{
		if (n <= LC_SORT_SMALL)
		{
			small_sort_u64(a, n);
			sorter_work(s, n);
			return;
		}
		memset(end, 0, sizeof(end));
		for (size_t lo = 0; lo < n; lo += LC_SORT_TICK_KEYS)
		{
			size_t		hi = n - lo > LC_SORT_TICK_KEYS ? lo + LC_SORT_TICK_KEYS : n;

			for (size_t i = lo; i < hi; i++)
				end[(a[i] >> shift) & 0xFF]++;
			sorter_work(s, hi - lo);
		}
		if (end[(a[0] >> shift) & 0xFF] != n)
			break;
		/* one bucket holds every key: go on to the next byte in place */
		if (shift == 0)
			return;
		shift -= 8;
	}

	/* bucket b is a[next[b] .. end[b]) */
	{
		size_t		sum = 0;

		for (int b = 0; b < 256; b++)
		{
			next[b] = sum;
			sum += end[b];
			end[b] = sum;
		}
	}

	/* move every key to its bucket, following cycles */
	for (int b = 0; b < 256; b++)
	{
		while (next[b] < end[b])
		{
			uint64_t	v = a[next[b]];
			int			d = (int) ((v >> shift) & 0xFF);
			size_t		moved = 1;

			while (d != b)
			{
				uint64_t	t = a[next[d]];

				a[next[d]++] = v;
				v = t;
				d = (int) ((v >> shift) & 0xFF);
				if (++moved == LC_SORT_TICK_KEYS)
				{
					sorter_work(s, moved);
					moved = 0;
				}
			}
			a[next[b]++] = v;
			sorter_work(s, moved);
		}
	}
	if (shift == 0)
		return;
	for (int b = 0; b < 256; b++)
	{
		size_t		lo = b ? end[b - 1] : 0;

		if (end[b] - lo > 1)
			radix_sort_u64(a + lo, end[b] - lo, shift - 8, s);
	}
}

void
lc_sort_u64(uint64_t *a, size_t n, const lc_env *env)
{
	lc_sorter	s = {env, 0};

	radix_sort_u64(a, n, 56, &s);
}

size_t
lc_sort_unique_u64(uint64_t *a, size_t n, const lc_env *env)
{
	size_t		m;

	if (n < 2)
		return n;
	lc_sort_u64(a, n, env);
	m = 1;
	for (size_t i = 1; i < n; i++)
	{
		if (a[i] != a[m - 1])
			a[m++] = a[i];
		if ((i & (LC_SORT_TICK_KEYS - 1)) == 0 && env && env->tick)
			env->tick(env->ctx);
	}
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

bool
lc_intersect_any(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
	size_t		i = 0,
				j = 0;

	while (i < na && j < nb)
	{
		uint64_t	x = a[i],
					y = b[j];

		if (x == y)
			return true;
		/* without a branch on the order, which random hashes would mispredict */
		i += x < y;
		j += y < x;
	}
	return false;
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
