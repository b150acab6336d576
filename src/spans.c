/*
 * spans.c — evidence spans in SQL: llmcopy_matches, llmcopy_longest_match,
 * llmcopy_coverage.  Both texts go through the one tokenizer, so a span
 * is always explainable by llmcopy_tokens; positions are 1-based
 * characters of the original texts.
 */
#include "pg_llmcopy.h"

#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#define LLMCOPY_EXCERPT_CHARS 200

static void
tokarray_add(void *arg, const lc_tok *tok)
{
	TokArray   *ta = arg;

	if (ta->n == ta->cap)
	{
		size_t		ncap = ta->cap ? ta->cap * 2 : 256;

		if (ta->n >= LLMCOPY_SPAN_MAX_TOKENS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("text %s has more than %d tokens, the limit for spans",
							ta->which, LLMCOPY_SPAN_MAX_TOKENS)));
		if (ta->cap == 0)
		{
			ta->hash = palloc_extended(ncap * sizeof(uint64), MCXT_ALLOC_HUGE);
			ta->cstart = palloc_extended(ncap * sizeof(uint32), MCXT_ALLOC_HUGE);
			ta->cend = palloc_extended(ncap * sizeof(uint32), MCXT_ALLOC_HUGE);
			ta->bstart = palloc_extended(ncap * sizeof(uint32), MCXT_ALLOC_HUGE);
			ta->bend = palloc_extended(ncap * sizeof(uint32), MCXT_ALLOC_HUGE);
		}
		else
		{
			ta->hash = repalloc_huge(ta->hash, ncap * sizeof(uint64));
			ta->cstart = repalloc_huge(ta->cstart, ncap * sizeof(uint32));
			ta->cend = repalloc_huge(ta->cend, ncap * sizeof(uint32));
			ta->bstart = repalloc_huge(ta->bstart, ncap * sizeof(uint32));
			ta->bend = repalloc_huge(ta->bend, ncap * sizeof(uint32));
		}
		ta->cap = ncap;
	}
	ta->hash[ta->n] = lc_token_hash(tok->norm, tok->normlen, FINGERPRINT_SEED);
	ta->cstart[ta->n] = (uint32) tok->char_start;
	ta->cend[ta->n] = (uint32) (tok->char_start + tok->char_len);
	ta->bstart[ta->n] = (uint32) tok->byte_start;
	ta->bend[ta->n] = (uint32) (tok->byte_start + tok->byte_len);
	ta->n++;
}

/* Tokenize a text argument; *utf8 receives its UTF-8 form. */
void
llmcopy_tokarray_fill(TokArray *ta, text *t, lc_mode mode, const char *which, char **utf8)
{
	size_t		len;

	memset(ta, 0, sizeof(*ta));
	ta->which = which;
	*utf8 = llmcopy_text_utf8(t, &len);
	llmcopy_tokenize(*utf8, len, mode, tokarray_add, ta);
}

/* The match parameters llmcopy_matches accepts, or an error. */
void
llmcopy_check_span_params(int32 min_tokens, int32 max_gap)
{
	if (min_tokens < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("min_tokens must be at least 1, not %d", min_tokens)));
	if (max_gap < 0 || max_gap > LLMCOPY_MAX_GAP)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_gap must be between 0 and %d, not %d", LLMCOPY_MAX_GAP, max_gap)));
}

/* The spans of a in b: what llmcopy_matches reports, in its order. */
lc_span_list
llmcopy_spans_of(const TokArray *a, const TokArray *b, int min_tokens, int max_gap)
{
	lc_span_list spans;

	lc_find_spans(a->hash, a->n, b->hash, b->n, min_tokens, max_gap, llmcopy_env(), &spans);
	return spans;
}

/* Spans of a in b; fills both token arrays. */
static lc_span_list
find_spans(FunctionCallInfo fcinfo, int min_tokens, int max_gap, lc_mode mode,
		   TokArray *a, TokArray *b, char **autf8)
{
	char	   *butf8;

	llmcopy_tokarray_fill(a, PG_GETARG_TEXT_PP(0), mode, "a", autf8);
	llmcopy_tokarray_fill(b, PG_GETARG_TEXT_PP(1), mode, "b", &butf8);
	return llmcopy_spans_of(a, b, min_tokens, max_gap);
}

PG_FUNCTION_INFO_V1(llmcopy_matches);
/* llmcopy_matches(a, b, min_tokens, mode, max_gap): the common runs, as rows */
Datum
llmcopy_matches(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int32		min_tokens = PG_GETARG_INT32(2);
	lc_mode		mode = llmcopy_parse_mode(PG_GETARG_TEXT_PP(3));
	int32		max_gap = PG_GETARG_INT32(4);
	TokArray	a,
				b;
	char	   *autf8;
	lc_span_list spans;

	llmcopy_check_span_params(min_tokens, max_gap);
	InitMaterializedSRF(fcinfo, 0);
	spans = find_spans(fcinfo, min_tokens, max_gap, mode, &a, &b, &autf8);

	for (size_t i = 0; i < spans.n; i++)
	{
		const lc_span *s = &spans.v[i];
		Datum		values[6];
		bool		nulls[6] = {0};
		uint32		bstart = a.bstart[s->a_start];
		uint32		bend = a.bend[s->a_end - 1];
		int			nbytes;
		char	   *ex;
		char	   *srv;

		/* the excerpt: the span in a, cut after LLMCOPY_EXCERPT_CHARS characters */
		nbytes = 0;
		for (int c = 0; bstart + nbytes < bend && c < LLMCOPY_EXCERPT_CHARS; c++)
			nbytes += pg_utf_mblen((const unsigned char *) autf8 + bstart + nbytes);
		ex = palloc(nbytes + 4);
		memcpy(ex, autf8 + bstart, nbytes);
		if (bstart + nbytes < bend)
		{
			/* "…", or "..." where the database encoding has no "…" */
			memcpy(ex + nbytes, llmcopy_ellipsis(), strlen(llmcopy_ellipsis()));
			nbytes += strlen(llmcopy_ellipsis());
		}
		ex[nbytes] = '\0';
		srv = pg_any_to_server(ex, nbytes, PG_UTF8);

		values[0] = Int32GetDatum((int32) a.cstart[s->a_start] + 1);
		values[1] = Int32GetDatum((int32) (a.cend[s->a_end - 1] - a.cstart[s->a_start]));
		values[2] = Int32GetDatum((int32) b.cstart[s->b_start] + 1);
		values[3] = Int32GetDatum((int32) (b.cend[s->b_end - 1] - b.cstart[s->b_start]));
		values[4] = Int32GetDatum((int32) s->tokens);
		values[5] = CStringGetTextDatum(srv);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		if ((i & 0xFFF) == 0xFFF)
			CHECK_FOR_INTERRUPTS();
	}
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(llmcopy_coverage);
/* llmcopy_coverage(a, b, min_tokens, mode): share of a's tokens inside spans */
Datum
llmcopy_coverage(PG_FUNCTION_ARGS)
{
	int32		min_tokens = PG_GETARG_INT32(2);
	lc_mode		mode = llmcopy_parse_mode(PG_GETARG_TEXT_PP(3));
	TokArray	a,
				b;
	char	   *autf8;
	lc_span_list spans;
	size_t		covered = 0;

	llmcopy_check_span_params(min_tokens, 0);
	spans = find_spans(fcinfo, min_tokens, 0, mode, &a, &b, &autf8);
	for (size_t i = 0; i < spans.n; i++)
		covered += spans.v[i].a_end - spans.v[i].a_start;
	PG_RETURN_FLOAT8(a.n == 0 ? 0.0 : (double) covered / (double) a.n);
}

PG_FUNCTION_INFO_V1(llmcopy_longest_match);
/* llmcopy_longest_match(a, b, mode): the longest common run, in tokens */
Datum
llmcopy_longest_match(PG_FUNCTION_ARGS)
{
	lc_mode		mode = llmcopy_parse_mode(PG_GETARG_TEXT_PP(2));
	TokArray	a,
				b;
	char	   *autf8,
			   *butf8;

	llmcopy_tokarray_fill(&a, PG_GETARG_TEXT_PP(0), mode, "a", &autf8);
	llmcopy_tokarray_fill(&b, PG_GETARG_TEXT_PP(1), mode, "b", &butf8);
	PG_RETURN_INT32((int32) lc_longest_run(a.hash, a.n, b.hash, b.n, llmcopy_env()));
}
