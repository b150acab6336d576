/*
 * fingerprint.c — the fingerprint type: construction, I/O, measures and
 * operators.
 *
 * A fingerprint is the winnowed set of k-gram hashes of a text (see
 * lc_winnow.c), stored sorted and unique so that every set operation is one
 * merge.  Values built with different parameters are never compared: every
 * binary operation checks them first (fingerprint_check_match).
 */
#include "pg_llmcopy.h"

#include <math.h>

#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"

/* ---- rules shared by constructors, input, recv and operators ---- */

void
fingerprint_check_params(int k, int w)
{
	if (k < LC_MIN_K || k > LC_MAX_K)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("k must be between %d and %d, not %d", LC_MIN_K, LC_MAX_K, k)));
	if (w < LC_MIN_W || w > LC_MAX_W)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("w must be between %d and %d, not %d", LC_MIN_W, LC_MAX_W, w)));
}

void
fingerprint_check_threshold(double t)
{
	if (!llmcopy_threshold_valid(t))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("threshold must be between 0 and 1, not %g", t)));
}

static char *
params_string(const Fingerprint *f)
{
	return psprintf("mode=%s k=%d w=%d seed=%u", lc_mode_name((lc_mode) f->mode),
					f->k, f->w, f->seed);
}

void
fingerprint_check_match(const Fingerprint *a, const Fingerprint *b)
{
	if (a->version != b->version || a->mode != b->mode || a->k != b->k ||
		a->w != b->w || a->seed != b->seed)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("fingerprints built with different parameters cannot be compared"),
				 errdetail("One has %s, the other %s.", params_string(a), params_string(b)),
				 errhint("Build both with the same fingerprint(text, k, w, mode) arguments.")));
}

/* A new fingerprint with the parameters of params and room for n hashes. */
Fingerprint *
fingerprint_alloc(const Fingerprint *params, uint32 n)
{
	Fingerprint *f;

	if (n > FINGERPRINT_MAX_HASHES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("fingerprint would have %u hashes, more than the limit of %zu",
						n, (size_t) FINGERPRINT_MAX_HASHES)));
	f = palloc0(FINGERPRINT_SIZE(n));
	SET_VARSIZE(f, FINGERPRINT_SIZE(n));
	f->version = FINGERPRINT_VERSION;
	f->mode = params->mode;
	f->k = params->k;
	f->w = params->w;
	f->seed = params->seed;
	f->tokens = params->tokens;
	f->nhashes = n;
	return f;
}

/* Shrink a fingerprint's recorded size after fewer hashes were written. */
static void
fingerprint_set_count(Fingerprint *f, uint32 n)
{
	f->nhashes = n;
	SET_VARSIZE(f, FINGERPRINT_SIZE(n));
}

/* ---- construction ---- */

PG_FUNCTION_INFO_V1(fingerprint_make);
/* fingerprint(text, k, w, mode): winnowed k-gram hashes of a text */
Datum
fingerprint_make(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	int32		k = PG_GETARG_INT32(1);
	int32		w = PG_GETARG_INT32(2);
	lc_mode		mode = llmcopy_parse_mode(PG_GETARG_TEXT_PP(3));
	lc_winnow	win;
	uint64		ntokens;
	Fingerprint params;
	Fingerprint *f;
	size_t		len,
				n;
	char	   *s;

	fingerprint_check_params(k, w);
	s = llmcopy_text_utf8(t, &len);

	lc_winnow_init(&win, k, w, mode, FINGERPRINT_SEED, llmcopy_env(),
				   FINGERPRINT_MAX_HASHES);
	llmcopy_sketch(s, len, mode, &win, NULL, FINGERPRINT_SEED, &ntokens);
	if (win.overflow || ntokens > PG_UINT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("text is too large to fingerprint"),
				 errdetail("It has %llu tokens.", (unsigned long long) ntokens)));
	n = lc_winnow_finish(&win);

	memset(&params, 0, sizeof(params));
	params.mode = (uint8) mode;
	params.k = (uint8) k;
	params.w = (uint16) w;
	params.seed = FINGERPRINT_SEED;
	params.tokens = (uint32) ntokens;
	f = fingerprint_alloc(&params, (uint32) n);
	if (n > 0)
		memcpy(f->hashes, win.out, n * sizeof(uint64));
	if (win.out)
		pfree(win.out);
	PG_RETURN_FINGERPRINT_P(f);
}

PG_FUNCTION_INFO_V1(fingerprint_with_threshold);
/* fingerprint_with_threshold(fp, t): a query value carrying its threshold */
Datum
fingerprint_with_threshold(PG_FUNCTION_ARGS)
{
	Fingerprint *a = PG_GETARG_FINGERPRINT_P(0);
	float8		t = PG_GETARG_FLOAT8(1);
	Fingerprint *f;

	fingerprint_check_threshold(t);
	f = palloc(VARSIZE(a));
	memcpy(f, a, VARSIZE(a));
	f->flags |= FP_HAS_THRESHOLD;
	f->threshold = t;
	PG_RETURN_FINGERPRINT_P(f);
}

/* ---- text I/O ----
 *
 *   v1 text k=5 w=10 seed=0 tokens=42 {00ab...,...}
 *   v1 text k=5 w=10 seed=0 tokens=42 threshold=0.3 {...}   (query values)
 *
 * Hashes are 16 lowercase hex digits, strictly ascending.
 */

PG_FUNCTION_INFO_V1(fingerprint_in);
Datum
fingerprint_in(PG_FUNCTION_ARGS)
{
	const char *str = PG_GETARG_CSTRING(0);
	LitCursor	c;
	Fingerprint params;
	Fingerprint *f;
	uint32		n = 0,
				cap;

	memset(&params, 0, sizeof(params));
	params.mode = (uint8) lit_begin(&c, "fingerprint", str);
	params.k = (uint8) lit_field(&c, "k", LC_MAX_K);
	params.w = (uint16) lit_field(&c, "w", LC_MAX_W);
	fingerprint_check_params(params.k, params.w);
	params.seed = (uint32) lit_field(&c, "seed", PG_UINT32_MAX);
	params.tokens = (uint32) lit_field(&c, "tokens", PG_UINT32_MAX);
	if (lit_threshold(&c, &params.threshold))
		params.flags |= FP_HAS_THRESHOLD;

	/* size the value by the text left: each hash is 16 digits and a separator */
	cap = (uint32) Min(strlen(c.p) / 16 + 1, (size_t) FINGERPRINT_MAX_HASHES);
	f = fingerprint_alloc(&params, cap);
	f->flags = params.flags;
	f->threshold = params.threshold;
	if (!lit_open(&c))
	{
		do
		{
			uint64		h = lit_hex(&c, 16);

			if (n > 0 && h <= f->hashes[n - 1])
				lit_error(&c, "Hashes must be in strictly ascending order.");
			if (n >= cap)
				lit_error(&c, "Too many hashes.");
			f->hashes[n++] = h;
		} while (lit_next(&c));
	}
	lit_end(&c);
	fingerprint_set_count(f, n);
	PG_RETURN_FINGERPRINT_P(f);
}

PG_FUNCTION_INFO_V1(fingerprint_out);
Datum
fingerprint_out(PG_FUNCTION_ARGS)
{
	Fingerprint *f = PG_GETARG_FINGERPRINT_P(0);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d %s k=%d w=%d seed=%u tokens=%u ",
					 f->version, lc_mode_name((lc_mode) f->mode), f->k, f->w,
					 f->seed, f->tokens);
	if (f->flags & FP_HAS_THRESHOLD)
		appendStringInfo(&buf, "threshold=%.17g ", f->threshold);
	enlargeStringInfo(&buf, (int) Min((Size) f->nhashes * 17 + 2, MaxAllocSize - 1024));
	appendStringInfoChar(&buf, '{');
	for (uint32 i = 0; i < f->nhashes; i++)
	{
		static const char hex[] = "0123456789abcdef";
		char		d[17];
		uint64		h = f->hashes[i];

		for (int j = 15; j >= 0; j--, h >>= 4)
			d[j] = hex[h & 15];
		d[16] = i + 1 < f->nhashes ? ',' : '\0';
		appendBinaryStringInfo(&buf, d, i + 1 < f->nhashes ? 17 : 16);
	}
	appendStringInfoChar(&buf, '}');
	PG_RETURN_CSTRING(buf.data);
}

/* ---- binary I/O: the same fields in network order ---- */

PG_FUNCTION_INFO_V1(fingerprint_recv);
Datum
fingerprint_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	Fingerprint params;
	Fingerprint *f;
	uint32		n;
	int			version;

	memset(&params, 0, sizeof(params));
	if (buf->len - buf->cursor < 26)
		bin_error("fingerprint", "The value is shorter than a fingerprint header.");
	version = pq_getmsgbyte(buf);
	if (version != FINGERPRINT_VERSION)
		bin_error("fingerprint", psprintf("Format version %d is not supported.", version));
	params.mode = (uint8) pq_getmsgbyte(buf);
	if (params.mode >= LC_MODE_COUNT)
		bin_error("fingerprint", psprintf("Mode %d is unknown.", params.mode));
	params.k = (uint8) pq_getmsgbyte(buf);
	params.flags = (uint8) pq_getmsgbyte(buf);
	if (params.flags & ~FP_KNOWN_FLAGS)
		bin_error("fingerprint", "Unknown flags are set.");
	params.w = (uint16) pq_getmsgint(buf, 2);
	fingerprint_check_params(params.k, params.w);
	params.seed = pq_getmsgint(buf, 4);
	params.tokens = pq_getmsgint(buf, 4);
	params.threshold = pq_getmsgfloat8(buf);
	check_threshold_flag("fingerprint", params.flags, FP_HAS_THRESHOLD, params.threshold);
	n = pq_getmsgint(buf, 4);
	if ((uint64) n * 8 != (uint64) (buf->len - buf->cursor))
		bin_error("fingerprint", psprintf("The header announces %u hashes but %d bytes follow.",
							n, buf->len - buf->cursor));
	f = fingerprint_alloc(&params, n);
	f->flags = params.flags;
	f->threshold = params.threshold;
	for (uint32 i = 0; i < n; i++)
	{
		uint64		h = pq_getmsgint64(buf);

		if (i > 0 && h <= f->hashes[i - 1])
			bin_error("fingerprint", "Hashes are not in strictly ascending order.");
		f->hashes[i] = h;
	}
	PG_RETURN_FINGERPRINT_P(f);
}

PG_FUNCTION_INFO_V1(fingerprint_send);
Datum
fingerprint_send(PG_FUNCTION_ARGS)
{
	Fingerprint *f = PG_GETARG_FINGERPRINT_P(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, f->version);
	pq_sendbyte(&buf, f->mode);
	pq_sendbyte(&buf, f->k);
	pq_sendbyte(&buf, f->flags);
	pq_sendint16(&buf, f->w);
	pq_sendint32(&buf, f->seed);
	pq_sendint32(&buf, f->tokens);
	pq_sendfloat8(&buf, f->threshold);
	pq_sendint32(&buf, f->nhashes);
	for (uint32 i = 0; i < f->nhashes; i++)
		pq_sendint64(&buf, f->hashes[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(fingerprint_info);
/* fingerprint_info(fp): version, mode, k, w, seed, tokens, hashes */
Datum
fingerprint_info(PG_FUNCTION_ARGS)
{
	Fingerprint *f = PG_GETARG_FINGERPRINT_P(0);
	TupleDesc	desc;
	Datum		values[7];
	bool		nulls[7] = {0};

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "fingerprint_info must return a composite type");
	desc = BlessTupleDesc(desc);
	values[0] = Int32GetDatum(f->version);
	values[1] = CStringGetTextDatum(lc_mode_name((lc_mode) f->mode));
	values[2] = Int32GetDatum(f->k);
	values[3] = Int32GetDatum(f->w);
	values[4] = Int64GetDatum(f->seed);
	values[5] = Int64GetDatum(f->tokens);
	values[6] = Int64GetDatum(f->nhashes);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

/* ---- measures ---- */

double
fingerprint_containment_value(const Fingerprint *a, const Fingerprint *b)
{
	fingerprint_check_match(a, b);
	if (a->nhashes == 0)
		return 0.0;
	return (double) lc_intersect_count(a->hashes, a->nhashes, b->hashes, b->nhashes) /
		(double) a->nhashes;
}

double
fingerprint_jaccard_value(const Fingerprint *a, const Fingerprint *b)
{
	size_t		c;

	fingerprint_check_match(a, b);
	c = lc_intersect_count(a->hashes, a->nhashes, b->hashes, b->nhashes);
	if (c == 0)
		return 0.0;
	return (double) c / (double) ((size_t) a->nhashes + b->nhashes - c);
}

PG_FUNCTION_INFO_V1(fingerprint_containment);
/* containment(a, b) = |a ∩ b| / |a|; 0 when a is empty */
Datum
fingerprint_containment(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(fingerprint_containment_value(PG_GETARG_FINGERPRINT_P(0),
												   PG_GETARG_FINGERPRINT_P(1)));
}

PG_FUNCTION_INFO_V1(fingerprint_jaccard);
/* jaccard(a, b) = |a ∩ b| / |a ∪ b|; 0 when both are empty */
Datum
fingerprint_jaccard(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(fingerprint_jaccard_value(PG_GETARG_FINGERPRINT_P(0),
											   PG_GETARG_FINGERPRINT_P(1)));
}

PG_FUNCTION_INFO_V1(fingerprint_contained);
/* fingerprint_contained(a, b, t): containment(a, b) >= t, threshold explicit */
Datum
fingerprint_contained(PG_FUNCTION_ARGS)
{
	float8		t = PG_GETARG_FLOAT8(2);

	fingerprint_check_threshold(t);
	PG_RETURN_BOOL(fingerprint_containment_value(PG_GETARG_FINGERPRINT_P(0),
												 PG_GETARG_FINGERPRINT_P(1)) >= t);
}

PG_FUNCTION_INFO_V1(fingerprint_similar);
/* fingerprint_similar(a, b, t): jaccard(a, b) >= t, threshold explicit */
Datum
fingerprint_similar(PG_FUNCTION_ARGS)
{
	float8		t = PG_GETARG_FLOAT8(2);

	fingerprint_check_threshold(t);
	PG_RETURN_BOOL(fingerprint_jaccard_value(PG_GETARG_FINGERPRINT_P(0),
											 PG_GETARG_FINGERPRINT_P(1)) >= t);
}

PG_FUNCTION_INFO_V1(fingerprint_similar_op);
/* a % b: jaccard >= pg_llmcopy.jaccard_threshold */
Datum
fingerprint_similar_op(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(fingerprint_jaccard_value(PG_GETARG_FINGERPRINT_P(0),
											 PG_GETARG_FINGERPRINT_P(1)) >=
				   llmcopy_jaccard_threshold);
}

PG_FUNCTION_INFO_V1(fingerprint_contained_op);
/* a <% b: containment(a, b) >= pg_llmcopy.containment_threshold */
Datum
fingerprint_contained_op(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(fingerprint_containment_value(PG_GETARG_FINGERPRINT_P(0),
												 PG_GETARG_FINGERPRINT_P(1)) >=
				   llmcopy_containment_threshold);
}

PG_FUNCTION_INFO_V1(fingerprint_contains_op);
/* b %> a: containment(a, b) >= pg_llmcopy.containment_threshold */
Datum
fingerprint_contains_op(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(fingerprint_containment_value(PG_GETARG_FINGERPRINT_P(1),
												 PG_GETARG_FINGERPRINT_P(0)) >=
				   llmcopy_containment_threshold);
}

/* The threshold a query value carries (operators %>#, %#, <%#, and their index scans). */
double
fingerprint_query_threshold(const Fingerprint *q)
{
	return llmcopy_query_threshold((q->flags & FP_HAS_THRESHOLD) != 0, q->threshold,
								   "fingerprint_with_threshold(fp, threshold)");
}

PG_FUNCTION_INFO_V1(fingerprint_contains_t_op);
/* idx %># q: containment(q, idx) >= q's threshold */
Datum
fingerprint_contains_t_op(PG_FUNCTION_ARGS)
{
	Fingerprint *idx = PG_GETARG_FINGERPRINT_P(0);
	Fingerprint *q = PG_GETARG_FINGERPRINT_P(1);

	PG_RETURN_BOOL(fingerprint_containment_value(q, idx) >= fingerprint_query_threshold(q));
}

PG_FUNCTION_INFO_V1(fingerprint_contained_t_op);
/* idx <%# q: containment(idx, q) >= q's threshold */
Datum
fingerprint_contained_t_op(PG_FUNCTION_ARGS)
{
	Fingerprint *idx = PG_GETARG_FINGERPRINT_P(0);
	Fingerprint *q = PG_GETARG_FINGERPRINT_P(1);

	PG_RETURN_BOOL(fingerprint_containment_value(idx, q) >= fingerprint_query_threshold(q));
}

PG_FUNCTION_INFO_V1(fingerprint_similar_t_op);
/* idx %# q: jaccard(idx, q) >= q's threshold */
Datum
fingerprint_similar_t_op(PG_FUNCTION_ARGS)
{
	Fingerprint *idx = PG_GETARG_FINGERPRINT_P(0);
	Fingerprint *q = PG_GETARG_FINGERPRINT_P(1);

	PG_RETURN_BOOL(fingerprint_jaccard_value(idx, q) >= fingerprint_query_threshold(q));
}

PG_FUNCTION_INFO_V1(fingerprint_overlap);
/* a && b: at least one shared hash */
Datum
fingerprint_overlap(PG_FUNCTION_ARGS)
{
	Fingerprint *a = PG_GETARG_FINGERPRINT_P(0);
	Fingerprint *b = PG_GETARG_FINGERPRINT_P(1);

	fingerprint_check_match(a, b);
	PG_RETURN_BOOL(lc_intersect_count(a->hashes, a->nhashes, b->hashes, b->nhashes) > 0);
}

/* ---- set operators; token counts: | adds, & takes the smaller, - keeps a's ---- */

PG_FUNCTION_INFO_V1(fingerprint_union);
Datum
fingerprint_union(PG_FUNCTION_ARGS)
{
	Fingerprint *a = PG_GETARG_FINGERPRINT_P(0);
	Fingerprint *b = PG_GETARG_FINGERPRINT_P(1);
	Fingerprint *r;

	fingerprint_check_match(a, b);
	r = fingerprint_alloc(a, a->nhashes + b->nhashes);
	r->tokens = (uint32) Min((uint64) a->tokens + b->tokens, PG_UINT32_MAX);
	fingerprint_set_count(r, (uint32) lc_union(a->hashes, a->nhashes, b->hashes,
											   b->nhashes, r->hashes));
	PG_RETURN_FINGERPRINT_P(r);
}

PG_FUNCTION_INFO_V1(fingerprint_intersect);
Datum
fingerprint_intersect(PG_FUNCTION_ARGS)
{
	Fingerprint *a = PG_GETARG_FINGERPRINT_P(0);
	Fingerprint *b = PG_GETARG_FINGERPRINT_P(1);
	Fingerprint *r;

	fingerprint_check_match(a, b);
	r = fingerprint_alloc(a, Min(a->nhashes, b->nhashes));
	r->tokens = Min(a->tokens, b->tokens);
	fingerprint_set_count(r, (uint32) lc_intersect(a->hashes, a->nhashes, b->hashes,
												   b->nhashes, r->hashes));
	PG_RETURN_FINGERPRINT_P(r);
}

PG_FUNCTION_INFO_V1(fingerprint_minus);
Datum
fingerprint_minus(PG_FUNCTION_ARGS)
{
	Fingerprint *a = PG_GETARG_FINGERPRINT_P(0);
	Fingerprint *b = PG_GETARG_FINGERPRINT_P(1);
	Fingerprint *r;

	/*
	 * The one exception to matching parameters: b may be a shingle set
	 * (w = 1, every k-gram) of the same k, mode and seed.  Its hashes are
	 * the same k-gram hashes, so subtracting it from a winnowed fingerprint
	 * removes every hash of a shared passage, whichever the windows chose.
	 */
	if (!(b->w == 1 && a->version == b->version && a->mode == b->mode &&
		  a->k == b->k && a->seed == b->seed))
		fingerprint_check_match(a, b);
	r = fingerprint_alloc(a, a->nhashes);
	fingerprint_set_count(r, (uint32) lc_difference(a->hashes, a->nhashes, b->hashes,
													b->nhashes, r->hashes));
	PG_RETURN_FINGERPRINT_P(r);
}
