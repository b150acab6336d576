/*
 * minhash.c — the minhash type: construction, I/O, Jaccard estimate and
 * operators.  The signature is computed by lc_minhash.c (one-permutation
 * hashing with densification) over the same tokenizer and k-gram hashes as
 * fingerprints.
 */
#include "pg_llmcopy.h"

#include <math.h>

#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"

void
minhash_check_params(int num_perm, int ngram)
{
	if (num_perm < LC_MIN_PERM || num_perm > LC_MAX_PERM)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("num_perm must be between %d and %d, not %d",
						LC_MIN_PERM, LC_MAX_PERM, num_perm)));
	if (ngram < LC_MIN_K || ngram > LC_MAX_K)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ngram must be between %d and %d, not %d", LC_MIN_K, LC_MAX_K, ngram)));
}

static char *
mh_params_string(const MinHash *m)
{
	return psprintf("mode=%s num_perm=%d ngram=%d seed=%u", lc_mode_name((lc_mode) m->mode),
					m->num_perm, m->ngram, m->seed);
}

void
minhash_check_match(const MinHash *a, const MinHash *b)
{
	if (a->version != b->version || a->mode != b->mode || a->ngram != b->ngram ||
		a->num_perm != b->num_perm || a->seed != b->seed)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("minhash signatures built with different parameters cannot be compared"),
				 errdetail("One has %s, the other %s.", mh_params_string(a), mh_params_string(b)),
				 errhint("Build both with the same minhash(text, num_perm, ngram, mode) arguments.")));
}

/* A new signature with the parameters of params; values only if not empty. */
static MinHash *
minhash_alloc(const MinHash *params, bool empty)
{
	Size		n = empty ? 0 : params->num_perm;
	MinHash    *m = palloc0(MINHASH_SIZE(n));

	SET_VARSIZE(m, MINHASH_SIZE(n));
	m->version = MINHASH_VERSION;
	m->mode = params->mode;
	m->ngram = params->ngram;
	m->num_perm = params->num_perm;
	m->seed = params->seed;
	m->tokens = params->tokens;
	m->flags = empty ? MH_EMPTY : 0;
	return m;
}

PG_FUNCTION_INFO_V1(minhash_make);
/* minhash(text, num_perm, ngram, mode): a MinHash signature of the text's shingles */
Datum
minhash_make(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	int32		num_perm = PG_GETARG_INT32(1);
	int32		ngram = PG_GETARG_INT32(2);
	lc_mode		mode = llmcopy_parse_mode(PG_GETARG_TEXT_PP(3));
	MinHash		params;
	MinHash    *m;
	lc_minhash	mh;
	uint64		ntokens;
	uint32	   *sig;
	uint8	   *filled;
	size_t		len;
	char	   *s;
	bool		nonempty;

	minhash_check_params(num_perm, ngram);
	s = llmcopy_text_utf8(t, &len);
	sig = palloc(sizeof(uint32) * num_perm);
	filled = palloc(num_perm);
	lc_minhash_init(&mh, num_perm, ngram, mode, MINHASH_SEED, sig, filled);
	llmcopy_sketch(s, len, mode, NULL, &mh, MINHASH_SEED, &ntokens);
	nonempty = lc_minhash_finish(&mh);

	memset(&params, 0, sizeof(params));
	params.mode = (uint8) mode;
	params.ngram = (uint8) ngram;
	params.num_perm = (uint16) num_perm;
	params.seed = MINHASH_SEED;
	params.tokens = (uint32) Min(ntokens, PG_UINT32_MAX);
	m = minhash_alloc(&params, !nonempty);
	if (nonempty)
		memcpy(m->values, sig, sizeof(uint32) * num_perm);
	pfree(sig);
	pfree(filled);
	PG_RETURN_POINTER(m);
}

PG_FUNCTION_INFO_V1(minhash_with_threshold);
/* minhash_with_threshold(sig, t): a query value carrying its threshold */
Datum
minhash_with_threshold(PG_FUNCTION_ARGS)
{
	MinHash    *a = PG_GETARG_MINHASH_P(0);
	float8		t = PG_GETARG_FLOAT8(1);
	MinHash    *m;

	fingerprint_check_threshold(t);
	m = palloc(VARSIZE(a));
	memcpy(m, a, VARSIZE(a));
	m->flags |= MH_HAS_THRESHOLD;
	m->threshold = t;
	PG_RETURN_POINTER(m);
}

/* ---- text I/O: v1 text num_perm=128 ngram=5 seed=0 tokens=42 [threshold=x] {8 hex digits,...} ---- */

PG_FUNCTION_INFO_V1(minhash_in);
Datum
minhash_in(PG_FUNCTION_ARGS)
{
	const char *str = PG_GETARG_CSTRING(0);
	LitCursor	c;
	MinHash		params;
	MinHash    *m;
	bool		empty;
	int			n = 0;

	memset(&params, 0, sizeof(params));
	params.mode = (uint8) lit_begin(&c, "minhash", str);
	params.num_perm = (uint16) lit_field(&c, "num_perm", LC_MAX_PERM);
	params.ngram = (uint8) lit_field(&c, "ngram", LC_MAX_K);
	minhash_check_params(params.num_perm, params.ngram);
	params.seed = (uint32) lit_field(&c, "seed", PG_UINT32_MAX);
	params.tokens = (uint32) lit_field(&c, "tokens", PG_UINT32_MAX);
	if (lit_threshold(&c, &params.threshold))
		params.flags |= MH_HAS_THRESHOLD;
	empty = lit_open(&c);
	m = minhash_alloc(&params, empty);
	m->flags |= params.flags;
	m->threshold = params.threshold;
	if (!empty)
	{
		do
		{
			if (n >= m->num_perm)
				lit_error(&c, psprintf("A signature has num_perm = %d values.", m->num_perm));
			m->values[n++] = (uint32) lit_hex(&c, 8);
		} while (lit_next(&c));
		if (n != m->num_perm)
			lit_error(&c, psprintf("A signature has num_perm = %d values, not %d.", m->num_perm, n));
	}
	lit_end(&c);
	PG_RETURN_POINTER(m);
}

PG_FUNCTION_INFO_V1(minhash_out);
Datum
minhash_out(PG_FUNCTION_ARGS)
{
	MinHash    *m = PG_GETARG_MINHASH_P(0);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d %s num_perm=%d ngram=%d seed=%u tokens=%u ",
					 m->version, lc_mode_name((lc_mode) m->mode), m->num_perm, m->ngram,
					 m->seed, m->tokens);
	if (m->flags & MH_HAS_THRESHOLD)
		appendStringInfo(&buf, "threshold=%.17g ", m->threshold);
	appendStringInfoChar(&buf, '{');
	if (!(m->flags & MH_EMPTY))
		for (int i = 0; i < m->num_perm; i++)
			appendStringInfo(&buf, i ? ",%08x" : "%08x", m->values[i]);
	appendStringInfoChar(&buf, '}');
	PG_RETURN_CSTRING(buf.data);
}

PG_FUNCTION_INFO_V1(minhash_recv);
Datum
minhash_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	MinHash		params;
	MinHash    *m;
	int			version;
	bool		empty;
	int			n;

	memset(&params, 0, sizeof(params));
	if (buf->len - buf->cursor < 22)
		bin_error("minhash", "The value is shorter than a minhash header.");
	version = pq_getmsgbyte(buf);
	if (version != MINHASH_VERSION)
		bin_error("minhash", psprintf("Format version %d is not supported.", version));
	params.mode = (uint8) pq_getmsgbyte(buf);
	if (params.mode >= LC_MODE_COUNT)
		bin_error("minhash", psprintf("Mode %d is unknown.", params.mode));
	params.ngram = (uint8) pq_getmsgbyte(buf);
	params.flags = (uint8) pq_getmsgbyte(buf);
	if (params.flags & ~MH_KNOWN_FLAGS)
		bin_error("minhash", "Unknown flags are set.");
	params.num_perm = (uint16) pq_getmsgint(buf, 2);
	minhash_check_params(params.num_perm, params.ngram);
	params.seed = pq_getmsgint(buf, 4);
	params.tokens = pq_getmsgint(buf, 4);
	params.threshold = pq_getmsgfloat8(buf);
	check_threshold_flag("minhash", params.flags, MH_HAS_THRESHOLD, params.threshold);
	empty = (params.flags & MH_EMPTY) != 0;
	n = empty ? 0 : params.num_perm;
	if ((int64) n * 4 != (int64) (buf->len - buf->cursor))
		bin_error("minhash", psprintf("The header announces %d values but %d bytes follow.",
									  n, buf->len - buf->cursor));
	m = minhash_alloc(&params, empty);
	m->flags = params.flags;
	m->threshold = params.threshold;
	for (int i = 0; i < n; i++)
		m->values[i] = pq_getmsgint(buf, 4);
	PG_RETURN_POINTER(m);
}

PG_FUNCTION_INFO_V1(minhash_send);
Datum
minhash_send(PG_FUNCTION_ARGS)
{
	MinHash    *m = PG_GETARG_MINHASH_P(0);
	StringInfoData buf;
	int			n = (m->flags & MH_EMPTY) ? 0 : m->num_perm;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, m->version);
	pq_sendbyte(&buf, m->mode);
	pq_sendbyte(&buf, m->ngram);
	pq_sendbyte(&buf, m->flags);
	pq_sendint16(&buf, m->num_perm);
	pq_sendint32(&buf, m->seed);
	pq_sendint32(&buf, m->tokens);
	pq_sendfloat8(&buf, m->threshold);
	for (int i = 0; i < n; i++)
		pq_sendint32(&buf, m->values[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(minhash_info);
/* minhash_info(sig): version, mode, num_perm, ngram, seed, tokens */
Datum
minhash_info(PG_FUNCTION_ARGS)
{
	MinHash    *m = PG_GETARG_MINHASH_P(0);
	TupleDesc	desc;
	Datum		values[6];
	bool		nulls[6] = {0};

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "minhash_info must return a composite type");
	desc = BlessTupleDesc(desc);
	values[0] = Int32GetDatum(m->version);
	values[1] = CStringGetTextDatum(lc_mode_name((lc_mode) m->mode));
	values[2] = Int32GetDatum(m->num_perm);
	values[3] = Int32GetDatum(m->ngram);
	values[4] = Int64GetDatum(m->seed);
	values[5] = Int64GetDatum(m->tokens);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

/* The share of equal bins; 0 when either text had no shingle. */
double
minhash_jaccard_value(const MinHash *a, const MinHash *b)
{
	int			eq = 0;

	minhash_check_match(a, b);
	if ((a->flags & MH_EMPTY) || (b->flags & MH_EMPTY))
		return 0.0;
	for (int i = 0; i < a->num_perm; i++)
		eq += a->values[i] == b->values[i];
	return (double) eq / (double) a->num_perm;
}

PG_FUNCTION_INFO_V1(minhash_jaccard);
Datum
minhash_jaccard(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(minhash_jaccard_value(PG_GETARG_MINHASH_P(0), PG_GETARG_MINHASH_P(1)));
}

PG_FUNCTION_INFO_V1(minhash_similar);
/* minhash_similar(a, b, t): estimated jaccard >= t, threshold explicit */
Datum
minhash_similar(PG_FUNCTION_ARGS)
{
	float8		t = PG_GETARG_FLOAT8(2);

	fingerprint_check_threshold(t);
	PG_RETURN_BOOL(minhash_jaccard_value(PG_GETARG_MINHASH_P(0), PG_GETARG_MINHASH_P(1)) >= t);
}

PG_FUNCTION_INFO_V1(minhash_similar_op);
/* a % b: estimated jaccard >= pg_llmcopy.jaccard_threshold */
Datum
minhash_similar_op(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(minhash_jaccard_value(PG_GETARG_MINHASH_P(0), PG_GETARG_MINHASH_P(1)) >=
				   llmcopy_jaccard_threshold);
}

/* The threshold a query value carries (operator %#, and its index scans). */
double
minhash_query_threshold(const MinHash *q)
{
	return llmcopy_query_threshold((q->flags & MH_HAS_THRESHOLD) != 0, q->threshold,
								   "minhash_with_threshold(sig, threshold)");
}

PG_FUNCTION_INFO_V1(minhash_similar_t_op);
/* idx %# q: estimated jaccard >= q's threshold */
Datum
minhash_similar_t_op(PG_FUNCTION_ARGS)
{
	MinHash    *idx = PG_GETARG_MINHASH_P(0);
	MinHash    *q = PG_GETARG_MINHASH_P(1);

	PG_RETURN_BOOL(minhash_jaccard_value(idx, q) >= minhash_query_threshold(q));
}
