/*
 * lc_winnow_impl.h — the per-token hot paths of winnowing and MinHash, as
 * static inline functions, for lc_winnow.c, lc_minhash.c and the tokenizer's
 * fused sinks (lc_tokenize_sketch), which thus hash and winnow
 * or sketch without a call per token.
 * Not a public header.
 */
#ifndef LC_WINNOW_IMPL_H
#define LC_WINNOW_IMPL_H

#include "lc_core.h"

#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

static inline uint64_t
lc_token_hash_inline(const char *norm, size_t len, uint64_t seed)
{
	return XXH3_64bits_withSeed(norm, len, seed);
}

#define LC_KGRAM_P 0x9E3779B97F4A7C15ULL

static inline uint64_t
fmix64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return k;
}

static inline void
append(lc_winnow *st, uint64_t h)
{
	if (st->nout > 0 && st->out[st->nout - 1] == h)
		return;
	if (st->nout == st->capout)
	{
		size_t		ncap = st->capout ? st->capout * 2 : 64;
		uint64_t   *n;

		if (ncap > st->maxout)
			ncap = st->maxout;
		if (st->nout >= ncap)
		{
			st->overflow = true;
			return;
		}
		n = st->env->alloc(st->env->ctx, ncap * sizeof(uint64_t));
		if (st->out)
		{
			memcpy(n, st->out, st->nout * sizeof(uint64_t));
			st->env->release(st->env->ctx, st->out);
		}
		st->out = n;
		st->capout = ncap;
	}
	st->out[st->nout++] = h;
}

/*
 * Select the minimum of the window [first, last] of k-gram indexes.  The
 * ring of k-gram hashes has a power-of-two size >= w, indexed with a mask.
 */
static inline void
select_min(lc_winnow *st, int64_t first, int64_t last)
{
	uint64_t	mask = st->win_mask;
	int64_t		best = last;
	uint64_t	bv = st->win[last & mask];

	/* the previous minimum is still in the window: only the new one competes */
	if (st->last_pos >= first)
	{
		if (bv <= st->last_val)
		{
			st->last_pos = last;
			st->last_val = bv;
			append(st, bv);
		}
		return;
	}
	for (int64_t p = last - 1; p >= first; p--)
	{
		uint64_t	v = st->win[p & mask];

		if (v < bv)
		{
			bv = v;
			best = p;
		}
	}
	st->last_pos = best;
	st->last_val = bv;
	append(st, bv);
}

/*
 * k-gram hash: a rolling polynomial over the k token hashes,
 *   H_i = sum_j t[i+j] * P^(k-1-j)  (mod 2^64),
 * updated in O(1) per token, then avalanched together with the seed.
 * Returns whether a k-gram ended at this token (*out is its hash).
 */
static inline bool
lc_kgram_push(lc_kgram *g, uint64_t tokhash, uint64_t *out)
{
	uint64_t	n = g->n++;

	g->roll = g->roll * LC_KGRAM_P + tokhash;
	if (n >= (uint64_t) g->k)
		g->roll -= g->ring[(n - (uint64_t) g->k) & (LC_MAX_K - 1)] * g->pk;
	g->ring[n & (LC_MAX_K - 1)] = tokhash;
	if (n + 1 < (uint64_t) g->k)
		return false;
	*out = fmix64(g->roll ^ g->seed);
	return true;
}

static inline void
lc_winnow_push_inline(lc_winnow *st, uint64_t tokhash)
{
	uint64_t	h;
	int64_t		i;

	if (!lc_kgram_push(&st->g, tokhash, &h))
		return;
	i = (int64_t) st->nkgrams++;
	st->win[i & st->win_mask] = h;
	if (i >= st->w - 1)
		select_min(st, i - st->w + 1, i);
}

/* One token into a MinHash signature (lc_minhash.c). */
static inline void
lc_minhash_push_inline(lc_minhash *mh, uint64_t tokhash)
{
	uint64_t	h,
				x;
	uint32_t	bin,
				v;

	if (!lc_kgram_push(&mh->g, tokhash, &h))
		return;
	mh->nshingles++;
	x = fmix64(h ^ mh->seed);
	bin = (uint32_t) (((x >> 32) * (uint64_t) mh->K) >> 32);
	v = (uint32_t) x;
	if (!mh->filled[bin] || v < mh->sig[bin])
	{
		mh->sig[bin] = v;
		mh->filled[bin] = 1;
	}
}

#endif							/* LC_WINNOW_IMPL_H */
