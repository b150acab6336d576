/*
 * rarity.c — prior art weighed by rarity: the fingerprint_df type, the
 * fingerprint_df_agg aggregate and containment_weighted.
 *
 * A hash shared by an output and a work is evidence of copying in inverse
 * proportion to how many works of the corpus hold it: a k-gram that 300
 * works contain is an idiom of the language or the task, one that a single
 * work contains is that work's own.  containment_weighted(a, b, df) is
 * containment with each hash of a weighted by its inverse document
 * frequency,
 *
 *     idf(h) = ln((N + 1) / (df(h) + 1)),
 *     containment_weighted(a, b) = sum over a ∩ b of idf / sum over a of idf,
 *
 * N the number of works and df(h) the number of works holding h.  The +1s
 * count the output itself as one more document: a hash no work holds gets
 * the highest weight, ln(N + 1), a hash every work holds gets 0.
 *
 * Where the document frequencies come from.  The corpus's GIN index is
 * already an inverted file from hashes to works, kept up to date by
 * PostgreSQL on every insert, update and delete; any work that holds a hash
 * of a query q is returned by `q && work.fp`.  So the frequencies of q's
 * hashes are counted over that result, when they are needed, by
 * fingerprint_df_agg(work.fp, q, N): nothing to store or refresh, exact at
 * the moment of the query, and as cheap as the candidate search the scan
 * runs anyway (with boilerplate subtracted, every remaining hash is in fewer
 * than min_docs works).  A fingerprint_df value holds only q's hashes and
 * their counts: 12 bytes a hash.
 *
 * On-disk format, version 1: varlena header, version, mode, k, flags (0),
 * w, reserved (0), seed, nhashes, reserved (0), docs (int64, N), then
 * nhashes uint64 hashes, strictly ascending, then nhashes uint32 counts,
 * each at most docs.
 */
#include "pg_llmcopy.h"

#include <inttypes.h>
#include <math.h>

#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#define FINGERPRINT_DF_VERSION 1

typedef struct FingerprintDf
{
	int32		vl_len_;
	uint8		version;
	uint8		mode;
	uint8		k;
	uint8		flags;
	uint16		w;
	uint16		reserved;
	uint32		seed;
	uint32		nhashes;
	uint32		reserved2;
	int64		docs;
	uint64		hashes[FLEXIBLE_ARRAY_MEMBER];
	/* followed by uint32 counts[nhashes] */
} FingerprintDf;

StaticAssertDecl(offsetof(FingerprintDf, hashes) == 32, "fingerprint_df header is 32 bytes");

#define DF_HDRSZ offsetof(FingerprintDf, hashes)
#define DF_SIZE(n) (DF_HDRSZ + (sizeof(uint64) + sizeof(uint32)) * (Size) (n))
#define DF_MAX_HASHES ((MaxAllocSize - DF_HDRSZ) / (sizeof(uint64) + sizeof(uint32)))
#define DF_COUNTS(d) ((uint32 *) ((d)->hashes + (d)->nhashes))
#define PG_GETARG_DF_P(n) ((FingerprintDf *) PG_DETOAST_DATUM(PG_GETARG_DATUM(n)))

/* A new value with the parameters of params (a fingerprint) and room for n hashes. */
static FingerprintDf *
df_alloc(const Fingerprint *params, uint32 n, int64 docs)
{
	FingerprintDf *d;

	if (n > DF_MAX_HASHES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("fingerprint_df would have %u hashes, more than the limit of %zu",
						n, (size_t) DF_MAX_HASHES)));
	d = palloc0(DF_SIZE(n));
	SET_VARSIZE(d, DF_SIZE(n));
	d->version = FINGERPRINT_DF_VERSION;
	d->mode = params->mode;
	d->k = params->k;
	d->w = params->w;
	d->seed = params->seed;
	d->nhashes = n;
	d->docs = docs;
	return d;
}

/* The parameters of a df value as a fingerprint header, for the shared checks. */
static void
df_params(const FingerprintDf *d, Fingerprint *params)
{
	memset(params, 0, sizeof(*params));
	params->version = FINGERPRINT_VERSION;
	params->mode = d->mode;
	params->k = d->k;
	params->w = d->w;
	params->seed = d->seed;
}

/* The rule on docs shared by input, recv and the aggregate. */
static void
df_check_docs(int64 docs)
{
	if (docs < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("corpus_docs must not be negative, not " INT64_FORMAT, docs)));
}

/* ---- text I/O: "v1 <mode> k=5 w=10 seed=0 docs=N {hash:count,...}" ---- */

PG_FUNCTION_INFO_V1(fingerprint_df_in);
Datum
fingerprint_df_in(PG_FUNCTION_ARGS)
{
	const char *str = PG_GETARG_CSTRING(0);
	LitCursor	c;
	Fingerprint params;
	FingerprintDf *d;
	uint64	   *hashes;
	uint32	   *counts;
	uint32		n = 0,
				cap;
	int64		docs;

	memset(&params, 0, sizeof(params));
	params.mode = (uint8) llmcopy_lit_begin(&c, "fingerprint_df", str);
	params.k = (uint8) llmcopy_lit_field(&c, "k", LC_MAX_K);
	params.w = (uint16) llmcopy_lit_field(&c, "w", LC_MAX_W);
	llmcopy_check_params(&llmcopy_fingerprint_type, params.k, params.w);
	params.seed = (uint32) llmcopy_lit_field(&c, "seed", PG_UINT32_MAX);
	docs = (int64) llmcopy_lit_field(&c, "docs", PG_INT64_MAX);

	/* each entry is at least 16 digits, ":", a digit and a separator */
	cap = (uint32) Min(strlen(c.p) / 19 + 1, (size_t) DF_MAX_HASHES);
	hashes = palloc(sizeof(uint64) * cap);
	counts = palloc(sizeof(uint32) * cap);
	if (!llmcopy_lit_open(&c))
	{
		do
		{
			uint64		h = llmcopy_lit_hex(&c, 16);
			uint64		count;

			if (n > 0 && h <= hashes[n - 1])
				llmcopy_lit_error(&c, "Hashes must be in strictly ascending order.");
			if (n >= cap)
				llmcopy_lit_error(&c, "Too many hashes.");
			if (*c.p != ':')
				llmcopy_lit_error(&c, "Each hash is followed by \":\" and its count.");
			c.p++;
			if (*c.p < '0' || *c.p > '9')
				llmcopy_lit_error(&c, "A count is a number.");
			count = 0;
			while (*c.p >= '0' && *c.p <= '9')
			{
				count = count * 10 + (uint64) (*c.p++ - '0');
				if (count > (uint64) docs || count > PG_UINT32_MAX)
					llmcopy_lit_error(&c, "A count is greater than docs.");
			}
			hashes[n] = h;
			counts[n++] = (uint32) count;
		} while (llmcopy_lit_next(&c));
	}
	llmcopy_lit_end(&c);
	d = df_alloc(&params, n, docs);
	memcpy(d->hashes, hashes, sizeof(uint64) * n);
	memcpy(DF_COUNTS(d), counts, sizeof(uint32) * n);
	PG_RETURN_POINTER(d);
}

PG_FUNCTION_INFO_V1(fingerprint_df_out);
Datum
fingerprint_df_out(PG_FUNCTION_ARGS)
{
	FingerprintDf *d = PG_GETARG_DF_P(0);
	const uint32 *counts = DF_COUNTS(d);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d %s k=%d w=%d seed=%u docs=" INT64_FORMAT " {",
					 d->version, lc_mode_name((lc_mode) d->mode), d->k, d->w,
					 d->seed, d->docs);
	for (uint32 i = 0; i < d->nhashes; i++)
		appendStringInfo(&buf, "%s%016" PRIx64 ":%u", i > 0 ? "," : "",
						 (uint64_t) d->hashes[i], counts[i]);
	appendStringInfoChar(&buf, '}');
	PG_RETURN_CSTRING(buf.data);
}

/* ---- binary I/O: the same fields in network order ---- */

PG_FUNCTION_INFO_V1(fingerprint_df_recv);
Datum
fingerprint_df_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	Fingerprint params;
	FingerprintDf *d;
	uint32	   *counts;
	uint32		n;
	int			version;
	int64		docs;

	memset(&params, 0, sizeof(params));
	if (buf->len - buf->cursor < 22)
		llmcopy_bin_error("fingerprint_df", "The value is shorter than a fingerprint_df header.");
	version = pq_getmsgbyte(buf);
	if (version != FINGERPRINT_DF_VERSION)
		llmcopy_bin_error("fingerprint_df", psprintf("Format version %d is not supported.", version));
	params.mode = (uint8) pq_getmsgbyte(buf);
	if (params.mode >= LC_MODE_COUNT)
		llmcopy_bin_error("fingerprint_df", psprintf("Mode %d is unknown.", params.mode));
	params.k = (uint8) pq_getmsgbyte(buf);
	if (pq_getmsgbyte(buf) != 0)
		llmcopy_bin_error("fingerprint_df", "Unknown flags are set.");
	params.w = (uint16) pq_getmsgint(buf, 2);
	llmcopy_check_params(&llmcopy_fingerprint_type, params.k, params.w);
	params.seed = pq_getmsgint(buf, 4);
	docs = pq_getmsgint64(buf);
	if (docs < 0)
		llmcopy_bin_error("fingerprint_df", "docs is negative.");
	n = pq_getmsgint(buf, 4);
	if ((uint64) n * 12 != (uint64) (buf->len - buf->cursor))
		llmcopy_bin_error("fingerprint_df", psprintf("The header announces %u hashes but %d bytes follow.",
											 n, buf->len - buf->cursor));
	d = df_alloc(&params, n, docs);
	counts = DF_COUNTS(d);
	for (uint32 i = 0; i < n; i++)
	{
		d->hashes[i] = pq_getmsgint64(buf);
		if (i > 0 && d->hashes[i] <= d->hashes[i - 1])
			llmcopy_bin_error("fingerprint_df", "Hashes are not in strictly ascending order.");
	}
	for (uint32 i = 0; i < n; i++)
	{
		counts[i] = pq_getmsgint(buf, 4);
		if ((int64) counts[i] > docs)
			llmcopy_bin_error("fingerprint_df", "A count is greater than docs.");
	}
	PG_RETURN_POINTER(d);
}

PG_FUNCTION_INFO_V1(fingerprint_df_send);
Datum
fingerprint_df_send(PG_FUNCTION_ARGS)
{
	FingerprintDf *d = PG_GETARG_DF_P(0);
	const uint32 *counts = DF_COUNTS(d);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, d->version);
	pq_sendbyte(&buf, d->mode);
	pq_sendbyte(&buf, d->k);
	pq_sendbyte(&buf, d->flags);
	pq_sendint16(&buf, d->w);
	pq_sendint32(&buf, d->seed);
	pq_sendint64(&buf, d->docs);
	pq_sendint32(&buf, d->nhashes);
	for (uint32 i = 0; i < d->nhashes; i++)
		pq_sendint64(&buf, d->hashes[i]);
	for (uint32 i = 0; i < d->nhashes; i++)
		pq_sendint32(&buf, counts[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(fingerprint_df_info);
/* fingerprint_df_info(df): version, mode, k, w, seed, docs, hashes */
Datum
fingerprint_df_info(PG_FUNCTION_ARGS)
{
	FingerprintDf *d = PG_GETARG_DF_P(0);
	TupleDesc	desc;
	Datum		values[7];
	bool		nulls[7] = {0};

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "fingerprint_df_info must return a composite type");
	desc = BlessTupleDesc(desc);
	values[0] = Int32GetDatum(d->version);
	values[1] = CStringGetTextDatum(lc_mode_name((lc_mode) d->mode));
	values[2] = Int32GetDatum(d->k);
	values[3] = Int32GetDatum(d->w);
	values[4] = Int64GetDatum(d->seed);
	values[5] = Int64GetDatum(d->docs);
	values[6] = Int64GetDatum(d->nhashes);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

/* ---- the aggregate: for each hash of a query, how many rows hold it ---- */

typedef struct DfAggState
{
	Fingerprint *query;			/* a copy of the first query, in the aggregate context */
	uint32	   *counts;
	int64		rows;			/* non-NULL fingerprints aggregated */
	int64		corpus_docs;
} DfAggState;

PG_FUNCTION_INFO_V1(fingerprint_df_trans);
/*
 * fingerprint_df_agg(fp, query, corpus_docs) transition: one merge of the
 * row's hashes with the query's.  Arguments: state, fp, query, corpus_docs.
 */
Datum
fingerprint_df_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx;
	DfAggState *st;
	Fingerprint *q;
	Fingerprint *f;
	int64		corpus_docs;
	uint32		i = 0,
				j = 0;

	if (!AggCheckCallContext(fcinfo, &aggctx))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("fingerprint_df_agg can only be called as an aggregate")));
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the query fingerprint of fingerprint_df_agg must not be NULL")));
	if (PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("corpus_docs must not be NULL")));
	q = PG_GETARG_FINGERPRINT_P(2);
	corpus_docs = PG_GETARG_INT64(3);
	df_check_docs(corpus_docs);

	if (PG_ARGISNULL(0))
	{
		st = MemoryContextAllocZero(aggctx, sizeof(DfAggState));
		st->query = MemoryContextAlloc(aggctx, VARSIZE(q));
		memcpy(st->query, q, VARSIZE(q));
		st->counts = MemoryContextAllocZero(aggctx, sizeof(uint32) * Max(q->nhashes, 1));
		st->corpus_docs = corpus_docs;
	}
	else
	{
		st = (DfAggState *) PG_GETARG_POINTER(0);
		if (VARSIZE(q) != VARSIZE(st->query) || memcmp(q, st->query, VARSIZE(q)) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the query fingerprint must be the same for every row of a group")));
		if (corpus_docs != st->corpus_docs)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("corpus_docs must be the same for every row of a group")));
	}
	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(st);

	f = PG_GETARG_FINGERPRINT_P(1);
	fingerprint_check_match(st->query, f);
	st->rows++;
	while (i < st->query->nhashes && j < f->nhashes)
	{
		if (st->query->hashes[i] < f->hashes[j])
			i++;
		else if (st->query->hashes[i] > f->hashes[j])
			j++;
		else
		{
			st->counts[i]++;
			i++, j++;
		}
	}
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(fingerprint_df_final);
/* The query's hashes with their counts; docs = max(corpus_docs, rows). */
Datum
fingerprint_df_final(PG_FUNCTION_ARGS)
{
	DfAggState *st;
	FingerprintDf *d;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (DfAggState *) PG_GETARG_POINTER(0);
	d = df_alloc(st->query, st->query->nhashes, Max(st->corpus_docs, st->rows));
	memcpy(d->hashes, st->query->hashes, sizeof(uint64) * d->nhashes);
	memcpy(DF_COUNTS(d), st->counts, sizeof(uint32) * d->nhashes);
	PG_RETURN_POINTER(d);
}

/* ---- the measure ---- */

/* Inverse document frequency of a hash held by count of docs works. */
static inline double
df_idf(int64 docs, uint32 count)
{
	return log(((double) docs + 1.0) / ((double) count + 1.0));
}

PG_FUNCTION_INFO_V1(fingerprint_containment_weighted);
/*
 * containment_weighted(a, b, df): containment with each hash of a weighted
 * by its idf; a hash of a that df does not list counts as held by no work.
 * One merge of a with b and with df.
 */
Datum
fingerprint_containment_weighted(PG_FUNCTION_ARGS)
{
	Fingerprint *a = PG_GETARG_FINGERPRINT_P(0);
	Fingerprint *b = PG_GETARG_FINGERPRINT_P(1);
	FingerprintDf *d = PG_GETARG_DF_P(2);
	const uint32 *counts = DF_COUNTS(d);
	Fingerprint params;
	double		shared = 0.0,
				total = 0.0;
	uint32		j = 0,
				l = 0;

	df_params(d, &params);
	fingerprint_check_match(a, &params);
	fingerprint_check_match(a, b);
	for (uint32 i = 0; i < a->nhashes; i++)
	{
		uint64		h = a->hashes[i];
		uint32		count = 0;
		double		idf;

		while (l < d->nhashes && d->hashes[l] < h)
			l++;
		if (l < d->nhashes && d->hashes[l] == h)
			count = counts[l];
		while (j < b->nhashes && b->hashes[j] < h)
			j++;
		idf = df_idf(d->docs, count);
		total += idf;
		if (j < b->nhashes && b->hashes[j] == h)
			shared += idf;
	}
	PG_RETURN_FLOAT8(total > 0.0 ? shared / total : 0.0);
}
