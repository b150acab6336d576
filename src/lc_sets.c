/*
 * lc_sets.c — set operations on sorted, unique uint64 arrays that honour
 * tick() (pure C).
 *
 * The merges themselves (lc_union, lc_intersect, lc_difference,
 * lc_intersect_count, lc_intersect_any) run without a tick.  lc_set_op
 * cuts both inputs into blocks by value: a block takes at most LC_TICK_WORK
 * elements of each side below a split value v, chosen as the first element
 * left out on either side, so every element of a block is smaller than
 * every element after it on both sides.  The operation of the whole is then
 * the concatenation of the operations of the blocks, and a tick comes
 * between blocks.
 */
#include "lc_core.h"

/* The first index in a[lo..hi) whose value is >= v (hi if none). */
static size_t
lower_bound(const uint64_t *a, size_t lo, size_t hi, uint64_t v)
{
	while (lo < hi)
	{
		size_t		mid = lo + (hi - lo) / 2;

		if (a[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t
lc_set_op(lc_set_kind op, const uint64_t *a, size_t na, const uint64_t *b, size_t nb,
		  uint64_t *out, const lc_env *env)
{
	size_t		i = 0,
				j = 0,
				n = 0;

	while (i < na || j < nb)
	{
		size_t		ia = (na - i > LC_TICK_WORK) ? i + LC_TICK_WORK : na;
		size_t		jb = (nb - j > LC_TICK_WORK) ? j + LC_TICK_WORK : nb;

		if (ia < na || jb < nb)
		{
			uint64_t	v;

			if (ia < na && jb < nb)
				v = a[ia] < b[jb] ? a[ia] : b[jb];
			else
				v = ia < na ? a[ia] : b[jb];
			ia = lower_bound(a, i, ia, v);
			jb = lower_bound(b, j, jb, v);
		}
		switch (op)
		{
			case LC_SET_UNION:
				n += lc_union(a + i, ia - i, b + j, jb - j, out + n);
				break;
			case LC_SET_INTERSECT:
				n += lc_intersect(a + i, ia - i, b + j, jb - j, out + n);
				break;
			case LC_SET_DIFFERENCE:
				n += lc_difference(a + i, ia - i, b + j, jb - j, out + n);
				break;
			case LC_SET_COUNT:
				n += lc_intersect_count(a + i, ia - i, b + j, jb - j);
				break;
			case LC_SET_OVERLAP:
				if (lc_intersect_any(a + i, ia - i, b + j, jb - j))
					return 1;
				break;
		}
		i = ia;
		j = jb;
		if (env && env->tick)
			env->tick(env->ctx);
	}
	return n;
}
