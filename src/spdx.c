/*
 * spdx.c — SPDX expressions in SQL: spdx_normalize, spdx_valid, spdx_ids,
 * spdx_satisfies, spdx_correct, spdx_dnf, the compiled-in license list
 * (llmcopy_spdx_list).
 */
#include "pg_llmcopy.h"

#include "lc_spdx.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "access/htup_details.h"
#include "utils/memutils.h"

/* how much of an invalid input an error message quotes, in characters */
#define SPDX_QUOTE_CHARS 200

static void *
spdx_alloc(void *ctx, size_t size)
{
	return MemoryContextAllocZero((MemoryContext) ctx, size);
}

static void
spdx_tick(void *ctx)
{
	CHECK_FOR_INTERRUPTS();
}

static inline lc_spdx_mem
spdx_mem(void)
{
	lc_spdx_mem mem = {spdx_alloc, CurrentMemoryContext, spdx_tick};

	return mem;
}

/*
 * The core reads UTF-8: text is converted from the database encoding (in a
 * SQL_ASCII database its bytes are read as they are, never an error), and
 * the core's messages, which quote the input only in whole characters, are
 * converted back.  spdx_valid checks without converting or building
 * anything.
 */
static const char *
spdx_bytes(text *t, size_t *len)
{
	const char *s = VARDATA_ANY(t);
	int			n = VARSIZE_ANY_EXHDR(t);
	int			enc = GetDatabaseEncoding();

	if (enc != PG_UTF8 && enc != PG_SQL_ASCII)
	{
		char	   *c = pg_server_to_any(s, n, PG_UTF8);

		if (c != s)
		{
			*len = strlen(c);
			return c;
		}
	}
	*len = (size_t) n;
	return s;
}

/*
 * A text of the core (UTF-8: a message, a license's name) in the database
 * encoding.  A character the encoding lacks (the en dash of "Licence Libre
 * du Québec – ..." in LATIN1, everything but ASCII in KOI8-R) is
 * written as its ASCII look-alike: a dash as "-", an e with an accent as
 * "e", anything else as "?".
 */
static const char *
spdx_server_text(const char *utf8)
{
	int			enc = GetDatabaseEncoding();
	size_t		len = strlen(utf8);
	size_t		n;
	char	   *whole;
	StringInfoData buf;

	if (enc == PG_UTF8 || enc == PG_SQL_ASCII)
		return utf8;
	whole = llmcopy_utf8_to_server_or_null(utf8, len, &n);
	if (whole != NULL)
		return whole;
	initStringInfo(&buf);
	for (size_t i = 0; i < len;)
	{
		const unsigned char *c = (const unsigned char *) utf8 + i;
		int			l = pg_utf_mblen(c);
		char	   *one = llmcopy_utf8_to_server_or_null(utf8 + i, l, &n);

		if (one != NULL)
			appendBinaryStringInfo(&buf, one, (int) n);
		else if (l == 3 && c[0] == 0xE2 && c[1] == 0x80 && c[2] >= 0x90 && c[2] <= 0x95)
			appendStringInfoChar(&buf, '-');	/* U+2010..U+2015, the dashes */
		else if (l == 2 && c[0] == 0xC3 && c[1] >= 0xA8 && c[1] <= 0xAB)
			appendStringInfoChar(&buf, 'e');	/* U+00E8..U+00EB */
		else
			appendStringInfoChar(&buf, '?');
		i += l;
	}
	return buf.data;
}

/* The input for an error message: its first SPDX_QUOTE_CHARS characters. */
static char *
spdx_quote(text *t)
{
	const char *s = VARDATA_ANY(t);
	int			n = VARSIZE_ANY_EXHDR(t);
	int			cut;

	if (GetDatabaseEncoding() == PG_SQL_ASCII)
	{
		/* bytes of unknown meaning: cut as UTF-8, which they usually are */
		int			chars = 0;

		for (cut = 0; cut < n; cut++)
			if (((unsigned char) s[cut] & 0xC0) != 0x80 && chars++ == SPDX_QUOTE_CHARS)
				break;
	}
	else
		cut = pg_mbcharcliplen(s, n, SPDX_QUOTE_CHARS);
	if (cut >= n)
		return text_to_cstring(t);
	return psprintf("%.*s...", cut, s);
}

/* Expressions past LC_SPDX_MAX_LICENSES licenses, written or expanded. */
static void
spdx_limit_error(const char *what, uint64 count)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("license expression is too large"),
			 errdetail("%s %s licenses; the limit is %d.", what,
					   count >= LC_SPDX_SATURATED ? "more than 4611686018427387904" :
					   psprintf(UINT64_FORMAT, count), LC_SPDX_MAX_LICENSES)));
}

/* Parse or raise an error naming what is wrong and where, or the limit. */
static lc_spdx_node *
spdx_parse_or_error(text *t)
{
	lc_spdx_mem mem = spdx_mem();
	char		err[256];
	size_t		len,
				pos,
				nlicenses;
	const char *s = spdx_bytes(t, &len);
	lc_spdx_node *n;

	if (!lc_spdx_check(s, len, &mem, &nlicenses, &pos, err, sizeof err))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid SPDX license expression \"%s\": %s",
						spdx_quote(t), spdx_server_text(err))));
	if (nlicenses > LC_SPDX_MAX_LICENSES)
		spdx_limit_error("The expression names", nlicenses);
	n = lc_spdx_parse(s, len, &mem, &pos, err, sizeof err);
	if (n == NULL)
		elog(ERROR, "SPDX parser and check disagree: %s", err);
	return n;
}

static text *
format_node(const lc_spdx_node *n)
{
	size_t		need = lc_spdx_format(n, NULL, 0);
	char	   *buf = palloc_extended(need + 1, MCXT_ALLOC_HUGE);

	lc_spdx_format(n, buf, need + 1);
	return cstring_to_text_with_len(buf, need);
}

PG_FUNCTION_INFO_V1(spdx_normalize);
/* spdx_normalize(expr): canonical form, or an error naming the position */
Datum
spdx_normalize(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(format_node(spdx_parse_or_error(PG_GETARG_TEXT_PP(0))));
}

PG_FUNCTION_INFO_V1(spdx_valid);
/* spdx_valid(expr): whether it parses; never an error, whatever the bytes */
Datum
spdx_valid(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	lc_spdx_mem mem = spdx_mem();
	size_t		pos,
				nlicenses;

	/* valid expressions are ASCII, which every server encoding keeps as is */
	PG_RETURN_BOOL(lc_spdx_check(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &mem, &nlicenses,
								 &pos, NULL, 0));
}

PG_FUNCTION_INFO_V1(spdx_ids);
/* spdx_ids(expr): the license ids, in order of first appearance */
Datum
spdx_ids(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	lc_spdx_node *n = spdx_parse_or_error(PG_GETARG_TEXT_PP(0));
	lc_spdx_mem mem = spdx_mem();
	const char **ids;
	size_t		k = lc_spdx_ids(n, &mem, &ids);

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	for (size_t i = 0; i < k; i++)
	{
		Datum		v = CStringGetTextDatum(ids[i]);
		bool		null = false;

		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &v, &null);
	}
	return (Datum) 0;
}

typedef struct dnf_rows
{
	Tuplestorestate *store;
	TupleDesc	desc;
} dnf_rows;

static void
dnf_row(void *arg, int option, const lc_spdx_node *leaf)
{
	dnf_rows   *r = arg;
	Datum		v[3];
	bool		nulls[3] = {false, false, leaf->exception == NULL};

	v[0] = Int32GetDatum(option + 1);
	v[1] = CStringGetTextDatum(leaf->id);
	v[2] = leaf->exception ? CStringGetTextDatum(leaf->exception) : (Datum) 0;
	tuplestore_putvalues(r->store, r->desc, v, nulls);
	pfree(DatumGetPointer(v[1]));
	if (leaf->exception)
		pfree(DatumGetPointer(v[2]));
}

PG_FUNCTION_INFO_V1(spdx_dnf);
/* spdx_dnf(expr): rows (option, license, exception), the expression as OR of ANDs */
Datum
spdx_dnf(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	lc_spdx_node *n = spdx_parse_or_error(PG_GETARG_TEXT_PP(0));
	lc_spdx_mem mem = spdx_mem();
	dnf_rows	r;

	if (n->nterms > LC_SPDX_MAX_LICENSES)
		spdx_limit_error("Its expansion into alternatives (options times the licenses of each) would hold",
						 n->nterms);
	InitMaterializedSRF(fcinfo, 0);
	r.store = rsinfo->setResult;
	r.desc = rsinfo->setDesc;
	if (lc_spdx_dnf(n, &mem, LC_SPDX_MAX_LICENSES, dnf_row, &r) < 0)
		elog(ERROR, "SPDX expansion refused under its limit");
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(spdx_satisfies);
/* spdx_satisfies(expr, allowed[]): some choice of the expression uses only allowed licenses */
Datum
spdx_satisfies(PG_FUNCTION_ARGS)
{
	lc_spdx_node *n = spdx_parse_or_error(PG_GETARG_TEXT_PP(0));
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(1);
	lc_spdx_mem mem = spdx_mem();
	lc_spdx_node **allowed;
	int			nallowed = 0;
	Datum	   *elems;
	bool	   *nulls;
	int			nelems;

	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &nelems);
	allowed = palloc(sizeof(lc_spdx_node *) * Max(nelems, 1));
	for (int i = 0; i < nelems; i++)
	{
		lc_spdx_node *a;

		CHECK_FOR_INTERRUPTS();
		if (nulls[i])
			continue;
		a = spdx_parse_or_error(DatumGetTextPP(elems[i]));
		if (a->kind != LC_SPDX_LICENSE)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("allowed licenses must be single licenses, not \"%s\"",
							spdx_quote(DatumGetTextPP(elems[i])))));
		allowed[nallowed++] = a;
	}
	PG_RETURN_BOOL(lc_spdx_satisfies(n, allowed, nallowed, &mem));
}

PG_FUNCTION_INFO_V1(llmcopy_spdx_or_later);
/* llmcopy_spdx_or_later(offered, wanted): the GNU "or later" rule on two license ids */
Datum
llmcopy_spdx_or_later(PG_FUNCTION_ARGS)
{
	char	   *a = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *b = text_to_cstring(PG_GETARG_TEXT_PP(1));

	PG_RETURN_BOOL(lc_spdx_or_later_covers(a, b));
}

/*
 * Correct a text (why may be NULL).  Past the limit in the database
 * encoding is past it in UTF-8: such a text is not converted.
 */
static bool
spdx_correct_text(text *t, char *buf, size_t cap, lc_spdx_why *why)
{
	lc_spdx_mem mem = spdx_mem();
	size_t		len = (size_t) VARSIZE_ANY_EXHDR(t);
	const char *s = VARDATA_ANY(t);

	if (len <= LC_SPDX_CORRECT_MAX_BYTES)
		s = spdx_bytes(t, &len);
	return lc_spdx_correct_explain(s, len, &mem, buf, cap, why);
}

PG_FUNCTION_INFO_V1(spdx_correct);
/* spdx_correct(text): the best SPDX expression for a messy string, or NULL */
Datum
spdx_correct(PG_FUNCTION_ARGS)
{
	char		buf[1024];

	if (!spdx_correct_text(PG_GETARG_TEXT_PP(0), buf, sizeof buf, NULL))
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(buf));
}

PG_FUNCTION_INFO_V1(spdx_correct_explain);
/* spdx_correct_explain(text): what spdx_correct answers, the rule that decided, how, and the candidates it refused to choose from */
Datum
spdx_correct_explain(PG_FUNCTION_ARGS)
{
	TupleDesc	desc;
	Datum		v[4];
	bool		nulls[4] = {false, false, false, false};
	char		buf[1024];
	lc_spdx_why why;
	Datum	   *cands;

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "spdx_correct_explain must return a record");
	desc = BlessTupleDesc(desc);
	if (spdx_correct_text(PG_GETARG_TEXT_PP(0), buf, sizeof buf, &why))
		v[0] = CStringGetTextDatum(buf);
	else
		nulls[0] = true;
	v[1] = CStringGetTextDatum(spdx_server_text(why.rule));
	v[2] = CStringGetTextDatum(spdx_server_text(why.detail));
	cands = palloc(sizeof(Datum) * Max(why.ncandidates, 1));
	for (int i = 0; i < why.ncandidates; i++)
		cands[i] = CStringGetTextDatum(why.candidates[i]);
	v[3] = PointerGetDatum(construct_array(cands, why.ncandidates, TEXTOID, -1, false, TYPALIGN_INT));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, v, nulls)));
}

PG_FUNCTION_INFO_V1(llmcopy_spdx_list);
/* llmcopy_spdx_list(): the compiled-in SPDX license list */
Datum
llmcopy_spdx_list(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < lc_spdx_nlicenses; i++)
	{
		Datum		v[4];
		bool		nulls[4] = {0};

		v[0] = CStringGetTextDatum(lc_spdx_licenses[i].id);
		v[1] = CStringGetTextDatum(spdx_server_text(lc_spdx_licenses[i].name));
		v[2] = BoolGetDatum(lc_spdx_licenses[i].osi);
		v[3] = BoolGetDatum(lc_spdx_licenses[i].deprecated);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, nulls);
	}
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(llmcopy_spdx_list_version);
Datum
llmcopy_spdx_list_version(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(lc_spdx_list_version));
}
