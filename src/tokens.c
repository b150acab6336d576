/*
 * tokens.c — the tokenizer's server glue, and llmcopy_tokens().
 */
#include "pg_llmcopy.h"

#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"

static void *
env_alloc(void *ctx, size_t size)
{
	return palloc_extended(size, MCXT_ALLOC_HUGE);
}

static void
env_release(void *ctx, void *ptr)
{
	pfree(ptr);
}

static void
env_tick(void *ctx)
{
	CHECK_FOR_INTERRUPTS();
}

static const lc_env pg_env = {env_alloc, env_release, env_tick, NULL};

const lc_env *
llmcopy_env(void)
{
	return &pg_env;
}

lc_mode
llmcopy_parse_mode(text *mode)
{
	int			m = lc_mode_parse(VARDATA_ANY(mode), VARSIZE_ANY_EXHDR(mode));

	if (m < 0)
	{
		/* the name as given, cut between characters: no mode is this long */
		char	   *name = text_to_cstring(mode);
		int			len = (int) strlen(name);
		int			cut = pg_mbcliplen(name, len, 64);

		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown tokenizer mode \"%.*s%s\"", cut, name, cut < len ? "..." : ""),
				 errhint("%s", lc_modes_hint())));
	}
	return (lc_mode) m;
}

pg_noreturn static void
tokenize_error(const char *err)
{
	ereport(ERROR,
			(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
			 errmsg("could not tokenize text: %s", err)));
}

void
llmcopy_tokenize(const char *s, size_t len, lc_mode mode, lc_tok_fn fn, void *arg)
{
	char		err[256];

	if (lc_tokenize(s, len, mode, llmcopy_ascii_fast_path ? 0 : LC_TOK_NO_FASTPATH,
					&pg_env, fn, arg, err, sizeof(err)) != 0)
		tokenize_error(err);
}

void
llmcopy_sketch(const char *s, size_t len, lc_mode mode, lc_winnow *win, lc_minhash *mh,
			   uint64 seed, uint64 *ntokens)
{
	char		err[256];

	if (lc_tokenize_sketch(s, len, mode, llmcopy_ascii_fast_path ? 0 : LC_TOK_NO_FASTPATH,
						   &pg_env, win, mh, seed, ntokens, err, sizeof(err)) != 0)
		tokenize_error(err);
}

typedef struct tokens_state
{
	Tuplestorestate *store;
	TupleDesc	desc;
	int32		n;
	const char *utf8;			/* the text, as the tokenizer read it */
} tokens_state;

/*
 * One row.  The token column is the normalized token in the database
 * encoding; a token the encoding cannot hold (NFKC case folding turns the
 * micro sign µ, which LATIN1 has, into a Greek μ, which it has not) keeps
 * its original spelling, which the encoding holds since the text did.
 */
static void
tokens_row(void *arg, const lc_tok *tok)
{
	tokens_state *st = arg;
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};
	char	   *norm;
	size_t		len;

	if (tok->char_start >= PG_INT32_MAX || st->n == PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("text has too many characters for llmcopy_tokens")));
	norm = llmcopy_utf8_to_server_or_null(tok->norm, tok->normlen, &len);
	if (norm == NULL)
		norm = llmcopy_utf8_to_server_or_null(st->utf8 + tok->byte_start, tok->byte_len, &len);
	if (norm == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNTRANSLATABLE_CHARACTER),
				 errmsg("a token of the text has no equivalent in encoding \"%s\"",
						GetDatabaseEncodingName())));
	values[0] = Int32GetDatum(++st->n);
	values[1] = PointerGetDatum(cstring_to_text_with_len(norm, (int) len));
	values[2] = Int32GetDatum((int32) tok->char_start + 1);
	values[3] = Int32GetDatum((int32) tok->char_len);
	tuplestore_putvalues(st->store, st->desc, values, nulls);
	pfree(DatumGetPointer(values[1]));
	pfree(norm);
}

PG_FUNCTION_INFO_V1(llmcopy_tokens);
/* llmcopy_tokens(text, mode): what the tokenizer saw, one row per token */
Datum
llmcopy_tokens(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	text	   *t = PG_GETARG_TEXT_PP(0);
	lc_mode		mode = llmcopy_parse_mode(PG_GETARG_TEXT_PP(1));
	tokens_state st;
	size_t		len;
	char	   *s;

	InitMaterializedSRF(fcinfo, 0);
	st.store = rsinfo->setResult;
	st.desc = rsinfo->setDesc;
	st.n = 0;
	s = llmcopy_text_utf8(t, &len);
	st.utf8 = s;
	llmcopy_tokenize(s, len, mode, tokens_row, &st);
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(llmcopy_code_language);
/* llmcopy_code_language(text): the language 'code:auto' reads the text as */
Datum
llmcopy_code_language(PG_FUNCTION_ARGS)
{
	size_t		len;
	char	   *s = llmcopy_text_utf8(PG_GETARG_TEXT_PP(0), &len);

	PG_RETURN_TEXT_P(cstring_to_text(lc_lang_name(lc_guess_lang(s, len))));
}
