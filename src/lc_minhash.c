/*
 * lc_minhash.c — MinHash signatures by one-permutation hashing with optimal
 * densification (pure C).
 *
 * Each shingle (the k-gram hash of lc_kgram, as fingerprints use) is hashed
 * once more; the high bits pick one of K bins and the low 32 bits compete
 * for that bin's minimum: O(n + K) per text, not O(n K).  Bins that no
 * shingle reached are filled by optimal densification (Shrivastava, 2017):
 * empty bin i probes bins chosen by a hash of (i, attempt) until it meets
 * one that was filled, and copies its value.  Two texts' bins then agree
 * with probability equal to the Jaccard similarity of their shingle sets,
 * so the share of equal bins is an unbiased estimate of it.
 */
#include "lc_core.h"
#include "lc_winnow_impl.h"

#include <string.h>

#define LC_MH_SEED 0x6d696e6861736831ULL

void
lc_minhash_init(lc_minhash *mh, int K, int ngram, lc_mode mode, uint64_t seed,
				uint32_t *sig, uint8_t *filled)
{
	memset(mh, 0, sizeof(*mh));
	lc_kgram_init(&mh->g, ngram, mode, seed);
	mh->K = K;
	mh->seed = fmix64(seed ^ LC_MH_SEED ^ (uint64_t) K);
	mh->sig = sig;
	mh->filled = filled;
	memset(sig, 0xFF, sizeof(uint32_t) * (size_t) K);
	memset(filled, 0, (size_t) K);
}

void
lc_minhash_push(lc_minhash *mh, uint64_t tokhash)
{
	lc_minhash_push_inline(mh, tokhash);
}

bool
lc_minhash_finish(lc_minhash *mh)
{
	int			K = mh->K;

	if (mh->nshingles == 0)
		return false;
	for (int i = 0; i < K; i++)
	{
		if (mh->filled[i] == 1)
			continue;
		for (uint64_t attempt = 1;; attempt++)
		{
			uint64_t	x = fmix64(mh->seed ^ ((uint64_t) i << 32) ^ attempt);
			uint32_t	j = (uint32_t) (((x >> 32) * (uint64_t) K) >> 32);

			if (mh->filled[j] == 1)
			{
				mh->sig[i] = mh->sig[j];
				mh->filled[i] = 2;	/* densified: not a source for others */
				break;
			}
		}
	}
	return true;
}
