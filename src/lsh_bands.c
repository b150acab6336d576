/*
 * lsh_bands.c — the LSH band keys of a MinHash signature, as rows.
 *
 * minhash_ops indexes a signature under one key per band (bands of `rows`
 * values).  minhash_bands(sig, bands, rows) returns the same bands as rows
 * (band, band_key), so that candidate pairs can also be found by an
 * equality join on band_key, which any engine can hash, sort or
 * repartition: on Citus, a table of band keys distributed by band_key joins
 * with itself shard by shard, where a self-join on minhash_similar() is
 * refused.  The key is the 64-bit XXH3 hash of the band's values, seeded
 * with the band number (so equal values in different bands give different
 * keys); the GIN key is its low 32 bits.  Pairs sharing a key are the
 * candidates the index would find, to be verified with minhash_similar().
 */
#include "pg_llmcopy.h"

#include "funcapi.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

/* The hash of band b (rows values from b * rows). */
uint64
llmcopy_minhash_band_hash(const MinHash *m, int band, int rows)
{
	return XXH3_64bits_withSeed(m->values + band * rows, sizeof(uint32) * rows, (uint64) band);
}

/* bands * rows must be the signature's num_perm; what names the caller. */
void
llmcopy_minhash_check_bands(const char *what, int bands, int rows, int num_perm)
{
	if (bands < 1 || bands > LC_MAX_PERM || rows < 1 || rows > LC_MAX_PERM)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("bands and rows must be between 1 and %d, not %d and %d",
						LC_MAX_PERM, bands, rows)));
	if (bands * rows != num_perm)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s with bands = %d and rows = %d needs signatures of %d permutations, not %d",
						what, bands, rows, bands * rows, num_perm),
				 errhint("Choose bands and rows whose product is num_perm; minhash_lsh_params(threshold, num_perm) recommends them.")));
}

PG_FUNCTION_INFO_V1(minhash_bands);
/* minhash_bands(sig, bands, rows): rows (band, band_key); none for an empty signature */
Datum
minhash_bands(PG_FUNCTION_ARGS)
{
	MinHash    *m = PG_GETARG_MINHASH_P(0);
	int32		bands = PG_GETARG_INT32(1);
	int32		rows = PG_GETARG_INT32(2);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	llmcopy_minhash_check_bands("minhash_bands", bands, rows, m->num_perm);
	InitMaterializedSRF(fcinfo, 0);
	if (m->flags & MH_EMPTY)
		PG_RETURN_VOID();
	for (int b = 0; b < bands; b++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};

		values[0] = Int32GetDatum(b + 1);
		values[1] = Int64GetDatum((int64) llmcopy_minhash_band_hash(m, b, rows));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	PG_RETURN_VOID();
}
