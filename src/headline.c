/*
 * headline.c — copied passages marked in their text: llmcopy_headline, in
 * the manner of ts_headline, and llmcopy_html_escape.
 *
 * The spans are those of llmcopy_matches (the same tokens and the same
 * llmcopy_spans_of call), or spans given as the jsonb rows a scan stores in
 * llmcopy_findings.  Each span becomes a character interval of the side
 * shown (a, the output, or b, the work), mapped to byte offsets of the
 * UTF-8 text; the text is then written out with a start marker before and
 * a stop marker after every interval.  Intervals may overlap (spans of
 * several works over one output, or two passages of an output copied from
 * one place of a work): the writer keeps a stack of open intervals and,
 * where an outer one ends inside an inner one, closes the inner one and
 * opens it again after, so markers always nest (HTML <mark> elements never
 * cross) and every character keeps the markers of all its spans.
 *
 * Without HighlightAll the text shown is a set of windows of words
 * (tokens) around the longest spans, as ts_headline shows windows around
 * its best covers: each window is the span plus context words up to
 * MinWords, cut after MaxWords; overlapping windows are merged and joined
 * with FragmentDelimiter.
 */
#include "pg_llmcopy.h"

#include <limits.h>

#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

/* How many bytes of text are copied between two interrupt checks. */
#define HL_CHUNK (64 * 1024)

/* What the options string asks for; strings are UTF-8. */
typedef struct HlOptions
{
	const char *startsel;
	const char *stopsel;
	const char *delimiter;
	int			max_words;
	int			min_words;
	int			max_fragments;
	bool		highlight_all;
	bool		side_b;
	bool		escape_html;
} HlOptions;

/* One span on the side shown. */
typedef struct HlSpan
{
	int64		cstart;			/* characters, 0-based, end exclusive */
	int64		cend;
	int64		bstart;			/* bytes of the UTF-8 text */
	int64		bend;
	int64		tstart;			/* tokens it covers, end exclusive */
	int64		tend;
	int			work;			/* %n */
	int			num;			/* %s */
} HlSpan;

/* A window of the text shown without HighlightAll. */
typedef struct HlWindow
{
	int64		bstart;
	int64		bend;
	int64		tstart;
	int64		tend;
} HlWindow;

/* ---------------------------------------------------------------------------
 * Options
 */

/* Marker presets: Markers = html | ansi | brackets. */
static const struct
{
	const char *name;
	const char *startsel;
	const char *stopsel;
	bool		escape_html;
}			hl_presets[] =
{
	{"html", "<mark class=\"llmcopy-c%c\" data-work=\"%n\" data-span=\"%s\">", "</mark>", true},
	{"ansi", "\x1b[1;3%cm", "\x1b[0m", false},
	{"brackets", "[[", "]]", false},
};

static void
hl_option_error(const char *msg, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s", msg),
			 detail ? errdetail("%s", detail) : 0,
			 errhint("Options are written as in ts_headline: name=value pairs separated by commas; "
					 "double-quote a value that holds spaces or commas.")));
}

/* An integer option value within [lo, hi]. */
static int
hl_int_value(const char *name, const char *val, int lo, int hi)
{
	char	   *end;
	long		v;

	errno = 0;
	v = strtol(val, &end, 10);
	if (*val == '\0' || *end != '\0' || errno != 0 || v < lo || v > hi)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("headline option %s must be an integer from %d to %d, not \"%s\"",
						name, lo, hi, val)));
	return (int) v;
}

/* A marker may hold the placeholders %n, %c, %s and %%, nothing else after a %. */
static void
hl_check_marker(const char *name, const char *sel)
{
	for (const char *p = sel; *p; p++)
	{
		if (*p != '%')
			continue;
		p++;
		if (*p != 'n' && *p != 'c' && *p != 's' && *p != '%')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("headline option %s has an unknown placeholder \"%%%.1s\"", name, p),
					 errhint("The placeholders are %%n (the work's number), %%c (a colour number, 1 to 6), "
							 "%%s (the span's number) and %%%% (a percent sign).")));
	}
}

static const char *
hl_utf8(const char *s)
{
	return pg_server_to_any(s, strlen(s), PG_UTF8);
}

/*
 * Parse an options string such as 'StartSel=<b>, StopSel="</b>", MaxWords=20'.
 * Names are case-insensitive; every error is 22023.  multi: several works
 * over one output (Side=b has no meaning there).
 */
static void
hl_parse_options(text *opts, HlOptions *o, bool multi)
{
	static const char *const names[] = {"startsel", "stopsel", "maxwords", "minwords",
		"maxfragments", "fragmentdelimiter", "highlightall", "side", "escape", "markers", NULL};
	char	   *s = text_to_cstring(opts);
	char	   *p = s;
	bool		seen[lengthof(names)] = {0};
	const char *startsel = NULL,
			   *stopsel = NULL,
			   *escape = NULL;
	int			preset = -1;

	o->startsel = "<b>";
	o->stopsel = "</b>";
	o->delimiter = " ... ";
	o->max_words = 35;
	o->min_words = 15;
	o->max_fragments = 0;
	o->highlight_all = false;
	o->side_b = false;
	o->escape_html = false;

	while (*p)
	{
		char	   *name,
				   *val;
		size_t		namelen;
		int			which;
		StringInfoData buf;

		while (isspace((unsigned char) *p))
			p++;
		if (*p == '\0')
			break;
		name = p;
		while (isalpha((unsigned char) *p))
			p++;
		namelen = p - name;
		if (namelen == 0)
			hl_option_error(psprintf("headline options: an option name was expected at \"%s\"", name), NULL);
		for (which = 0; names[which]; which++)
			if (strlen(names[which]) == namelen && pg_strncasecmp(name, names[which], namelen) == 0)
				break;
		if (names[which] == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unrecognized headline option \"%.*s\"", (int) namelen, name),
					 errhint("The options are StartSel, StopSel, MaxWords, MinWords, MaxFragments, "
							 "FragmentDelimiter, HighlightAll, Side, Escape and Markers.")));
		if (seen[which])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("headline option \"%.*s\" is given twice", (int) namelen, name)));
		seen[which] = true;
		while (isspace((unsigned char) *p))
			p++;
		if (*p != '=')
			hl_option_error(psprintf("headline option \"%.*s\" needs \"=\" and a value", (int) namelen, name), NULL);
		p++;
		while (isspace((unsigned char) *p))
			p++;

		/* the value: double-quoted ("" is a quote), or up to a comma or space */
		initStringInfo(&buf);
		if (*p == '"')
		{
			for (p++;; p++)
			{
				if (*p == '\0')
					hl_option_error(psprintf("headline option \"%.*s\" has an unterminated quoted value",
											 (int) namelen, name), NULL);
				if (*p == '"')
				{
					if (p[1] != '"')
						break;
					p++;
				}
				appendStringInfoChar(&buf, *p);
			}
			p++;
		}
		else
		{
			while (*p && *p != ',' && !isspace((unsigned char) *p))
				appendStringInfoChar(&buf, *p++);
			if (buf.len == 0)
				hl_option_error(psprintf("headline option \"%.*s\" has no value", (int) namelen, name),
								"Write an empty value as \"\".");
		}
		val = buf.data;

		switch (which)
		{
			case 0:
				startsel = val;
				break;
			case 1:
				stopsel = val;
				break;
			case 2:
				o->max_words = hl_int_value("MaxWords", val, 1, INT_MAX / 4);
				break;
			case 3:
				o->min_words = hl_int_value("MinWords", val, 1, INT_MAX / 4);
				break;
			case 4:
				o->max_fragments = hl_int_value("MaxFragments", val, 0, INT_MAX / 4);
				break;
			case 5:
				o->delimiter = hl_utf8(val);
				break;
			case 6:
				if (!parse_bool(val, &o->highlight_all))
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("headline option HighlightAll must be a boolean, not \"%s\"", val)));
				break;
			case 7:
				if (pg_strcasecmp(val, "a") == 0 || pg_strcasecmp(val, "output") == 0)
					o->side_b = false;
				else if (pg_strcasecmp(val, "b") == 0 || pg_strcasecmp(val, "work") == 0)
					o->side_b = true;
				else
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("headline option Side must be a (or output) or b (or work), not \"%s\"", val)));
				break;
			case 8:
				if (pg_strcasecmp(val, "html") != 0 && pg_strcasecmp(val, "none") != 0)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("headline option Escape must be html or none, not \"%s\"", val)));
				escape = val;
				break;
			case 9:
				for (preset = 0; preset < (int) lengthof(hl_presets); preset++)
					if (pg_strcasecmp(val, hl_presets[preset].name) == 0)
						break;
				if (preset == (int) lengthof(hl_presets))
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("headline option Markers must be html, ansi or brackets, not \"%s\"", val)));
				break;
		}

		while (isspace((unsigned char) *p))
			p++;
		if (*p == ',')
		{
			p++;
			while (isspace((unsigned char) *p))
				p++;
			if (*p == '\0')
				hl_option_error("headline options end with a comma", NULL);
		}
		else if (*p != '\0')
			hl_option_error(psprintf("headline options: a comma was expected at \"%s\"", p), NULL);
	}

	if (o->min_words >= o->max_words)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("headline option MinWords (%d) must be less than MaxWords (%d)",
						o->min_words, o->max_words)));
	if (multi && o->side_b)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("headline option Side=b needs one work, not an array of works"),
				 errhint("Call llmcopy_headline(a, b, ...) with each work to mark it.")));
	if (preset >= 0)
	{
		o->startsel = hl_presets[preset].startsel;
		o->stopsel = hl_presets[preset].stopsel;
		o->escape_html = hl_presets[preset].escape_html;
	}
	if (startsel)
		o->startsel = hl_utf8(startsel);
	if (stopsel)
		o->stopsel = hl_utf8(stopsel);
	if (escape)
		o->escape_html = pg_strcasecmp(escape, "html") == 0;
	hl_check_marker("StartSel", o->startsel);
	hl_check_marker("StopSel", o->stopsel);
	pfree(s);
}

/* ---------------------------------------------------------------------------
 * Writing
 */

/* Append text, HTML-escaped or not, checking for interrupts between chunks. */
static void
hl_append_text(StringInfo out, const char *s, int64 len, bool escape_html)
{
	while (len > 0)
	{
		int64		n = Min(len, HL_CHUNK);

		CHECK_FOR_INTERRUPTS();
		if (!escape_html)
			appendBinaryStringInfo(out, s, (int) n);
		else
		{
			const char *run = s;

			for (const char *p = s; p < s + n; p++)
			{
				const char *ent;

				switch (*p)
				{
					case '&':
						ent = "&amp;";
						break;
					case '<':
						ent = "&lt;";
						break;
					case '>':
						ent = "&gt;";
						break;
					case '"':
						ent = "&quot;";
						break;
					case '\'':
						ent = "&#39;";
						break;
					default:
						continue;
				}
				appendBinaryStringInfo(out, run, (int) (p - run));
				appendStringInfoString(out, ent);
				run = p + 1;
			}
			appendBinaryStringInfo(out, run, (int) (s + n - run));
		}
		s += n;
		len -= n;
	}
}

/* Append a marker with its placeholders filled in. */
static void
hl_append_marker(StringInfo out, const char *sel, const HlSpan *sp)
{
	for (const char *p = sel; *p; p++)
	{
		if (*p != '%')
		{
			appendStringInfoChar(out, *p);
			continue;
		}
		switch (*++p)
		{
			case 'n':
				appendStringInfo(out, "%d", sp->work);
				break;
			case 'c':
				appendStringInfo(out, "%d", (sp->work - 1) % 6 + 1);
				break;
			case 's':
				appendStringInfo(out, "%d", sp->num);
				break;
			default:
				appendStringInfoChar(out, '%');
				break;
		}
	}
}

/*
 * Write bytes [vs, ve) of s with the markers of the spans that reach into
 * it, clipped to it.  spans are sorted by start, longer first.
 */
static void
hl_write_window(StringInfo out, const char *s, const HlSpan *spans, int nspans,
				int64 vs, int64 ve, const HlOptions *o)
{
	int		   *stack = palloc(sizeof(int) * (nspans + 1));
	int64	   *ends = palloc(sizeof(int64) * (nspans + 1));
	int		   *keep = palloc(sizeof(int) * (nspans + 1));
	int			depth = 0;
	int			next = 0;
	int64		p = vs;

	for (;;)
	{
		int64		q = ve;
		int			low = depth;

		CHECK_FOR_INTERRUPTS();
		while (next < nspans && (spans[next].bend <= vs || spans[next].bstart >= ve))
			next++;
		if (next < nspans)
			q = Min(q, Max(spans[next].bstart, vs));
		for (int d = 0; d < depth; d++)
			q = Min(q, ends[d]);
		hl_append_text(out, s + p, q - p, o->escape_html);
		p = q;

		/* close what ends here, and what is open inside it (reopened after) */
		for (int d = 0; d < depth; d++)
			if (ends[d] <= p)
			{
				low = d;
				break;
			}
		if (low < depth)
		{
			int			nkeep = 0;

			for (int d = depth - 1; d >= low; d--)
				hl_append_marker(out, o->stopsel, &spans[stack[d]]);
			for (int d = low; d < depth; d++)
				if (ends[d] > p)
					keep[nkeep++] = d;
			for (int i = 0; i < nkeep; i++)
			{
				stack[low + i] = stack[keep[i]];
				ends[low + i] = ends[keep[i]];
				hl_append_marker(out, o->startsel, &spans[stack[low + i]]);
			}
			depth = low + nkeep;
		}
		if (p >= ve)
			break;

		/* open what starts here */
		while (next < nspans && spans[next].bend > vs && spans[next].bstart < ve &&
			   Max(spans[next].bstart, vs) == p)
		{
			stack[depth] = next;
			ends[depth] = Min(spans[next].bend, ve);
			depth++;
			hl_append_marker(out, o->startsel, &spans[next]);
			next++;
		}
	}
	pfree(stack);
	pfree(ends);
	pfree(keep);
}

static int
hl_span_cmp(const void *x, const void *y)
{
	const HlSpan *a = x;
	const HlSpan *b = y;

	if (a->bstart != b->bstart)
		return a->bstart < b->bstart ? -1 : 1;
	if (a->bend != b->bend)
		return a->bend > b->bend ? -1 : 1;
	if (a->work != b->work)
		return a->work < b->work ? -1 : 1;
	return a->num < b->num ? -1 : a->num > b->num;
}

/* The longest spans first (in tokens), then in text order. */
static int
hl_rank_cmp(const void *x, const void *y)
{
	const HlSpan *a = *(const HlSpan *const *) x;
	const HlSpan *b = *(const HlSpan *const *) y;
	int64		la = a->tend - a->tstart;
	int64		lb = b->tend - b->tstart;

	if (la != lb)
		return la > lb ? -1 : 1;
	return hl_span_cmp(a, b);
}

static int
hl_window_cmp(const void *x, const void *y)
{
	const HlWindow *a = x;
	const HlWindow *b = y;

	if (a->tstart != b->tstart)
		return a->tstart < b->tstart ? -1 : 1;
	return a->bstart < b->bstart ? -1 : a->bstart > b->bstart;
}

/* The window of words shown for one span (or for none: the first MinWords words). */
static HlWindow
hl_window_for(const HlSpan *sp, const TokArray *tok, const HlOptions *o)
{
	int64		n = (int64) tok->n;
	int64		ts = sp ? sp->tstart : 0;
	int64		te = sp ? sp->tend : 0;
	bool		cut = false;
	HlWindow	w;

	if (te - ts >= o->max_words)
	{
		te = ts + o->max_words;
		cut = true;
	}
	else
	{
		int64		extra = Max(o->min_words, te - ts) - (te - ts);

		ts -= extra / 2;
		te += extra - extra / 2;
		if (ts < 0)
		{
			te -= ts;
			ts = 0;
		}
		if (te > n)
		{
			ts = Max(0, ts - (te - n));
			te = n;
		}
	}
	w.tstart = ts;
	w.tend = te;
	w.bstart = ts < te ? tok->bstart[ts] : (ts < n ? tok->bstart[ts] : (n > 0 ? tok->bend[n - 1] : 0));
	w.bend = ts < te ? tok->bend[te - 1] : w.bstart;
	if (sp)
	{
		w.bstart = Min(w.bstart, sp->bstart);
		if (!cut)
			w.bend = Max(w.bend, sp->bend);
	}
	return w;
}

/*
 * The headline of a UTF-8 text (the side shown) with its spans; tok is the
 * text's tokens (needed without HighlightAll).  Returns server-encoded text.
 */
static text *
hl_build(const char *s, size_t len, HlSpan *spans, int nspans, const TokArray *tok,
		 const HlOptions *o)
{
	StringInfoData out;
	char	   *res;

	initStringInfo(&out);
	if (nspans > 1)
		qsort(spans, nspans, sizeof(HlSpan), hl_span_cmp);

	if (o->highlight_all)
		hl_write_window(&out, s, spans, nspans, 0, (int64) len, o);
	else if (tok->n > 0)
	{
		int			k = o->max_fragments == 0 ? 1 : Min(o->max_fragments, Max(nspans, 1));
		HlWindow   *w = palloc(sizeof(HlWindow) * k);
		int			nw = 0;

		if (nspans == 0)
			w[nw++] = hl_window_for(NULL, tok, o);
		else
		{
			const HlSpan **rank = palloc(sizeof(HlSpan *) * nspans);

			for (int i = 0; i < nspans; i++)
				rank[i] = &spans[i];
			qsort(rank, nspans, sizeof(HlSpan *), hl_rank_cmp);
			for (int i = 0; i < k; i++)
				w[nw++] = hl_window_for(rank[i], tok, o);
			pfree(rank);
		}
		qsort(w, nw, sizeof(HlWindow), hl_window_cmp);

		/* merge windows that overlap or touch in words, then write them */
		for (int i = 0, j; i < nw; i = j)
		{
			HlWindow	m = w[i];

			for (j = i + 1; j < nw && (w[j].tstart <= m.tend || w[j].bstart <= m.bend); j++)
			{
				m.tend = Max(m.tend, w[j].tend);
				m.bstart = Min(m.bstart, w[j].bstart);
				m.bend = Max(m.bend, w[j].bend);
			}
			if (i > 0)
				appendStringInfoString(&out, o->delimiter);
			hl_write_window(&out, s, spans, nspans, m.bstart, m.bend, o);
		}
		pfree(w);
	}
	res = pg_any_to_server(out.data, out.len, PG_UTF8);
	return cstring_to_text(res);
}

/* ---------------------------------------------------------------------------
 * Spans
 */

/* Append the spans of a computed span list on the side shown. */
static void
hl_add_computed(HlSpan **spans, int *nspans, int *cap, const lc_span_list *list,
				const TokArray *side, bool side_b, int work)
{
	for (size_t i = 0; i < list->n; i++)
	{
		const lc_span *ls = &list->v[i];
		size_t		ts = side_b ? ls->b_start : ls->a_start;
		size_t		te = side_b ? ls->b_end : ls->a_end;
		HlSpan	   *sp;

		if (*nspans == *cap)
		{
			*cap = *cap ? *cap * 2 : 16;
			*spans = *spans ? repalloc_huge(*spans, sizeof(HlSpan) * *cap)
				: palloc_extended(sizeof(HlSpan) * *cap, MCXT_ALLOC_HUGE);
		}
		sp = &(*spans)[(*nspans)++];
		sp->cstart = side->cstart[ts];
		sp->cend = side->cend[te - 1];
		sp->bstart = side->bstart[ts];
		sp->bend = side->bend[te - 1];
		sp->tstart = (int64) ts;
		sp->tend = (int64) te;
		sp->work = work;
		sp->num = (int) i + 1;
	}
}

PG_FUNCTION_INFO_V1(llmcopy_headline);
/* llmcopy_headline(a, b, options, min_tokens, mode, max_gap): a or b with its spans marked */
Datum
llmcopy_headline(PG_FUNCTION_ARGS)
{
	int32		min_tokens = PG_GETARG_INT32(3);
	lc_mode		mode = llmcopy_parse_mode(PG_GETARG_TEXT_PP(4));
	int32		max_gap = PG_GETARG_INT32(5);
	text	   *at = PG_GETARG_TEXT_PP(0);
	text	   *bt = PG_GETARG_TEXT_PP(1);
	HlOptions	o;
	TokArray	a,
				b;
	char	   *autf8,
			   *butf8;
	lc_span_list list;
	HlSpan	   *spans = NULL;
	int			nspans = 0,
				cap = 0;
	char	   *shown;
	size_t		len;

	llmcopy_check_span_params(min_tokens, max_gap);
	hl_parse_options(PG_GETARG_TEXT_PP(2), &o, false);
	llmcopy_tokarray_fill(&a, at, mode, "a", &autf8);
	llmcopy_tokarray_fill(&b, bt, mode, "b", &butf8);
	list = llmcopy_spans_of(&a, &b, min_tokens, max_gap);
	hl_add_computed(&spans, &nspans, &cap, &list, o.side_b ? &b : &a, o.side_b, 1);
	/* the shown side's UTF-8 form with its length (a copy only in non-UTF-8 databases) */
	shown = llmcopy_text_utf8(o.side_b ? bt : at, &len);
	PG_RETURN_TEXT_P(hl_build(shown, len, spans, nspans, o.side_b ? &b : &a, &o));
}

PG_FUNCTION_INFO_V1(llmcopy_headline_works);
/* llmcopy_headline(a, works[], ...): a with the spans of every work, %n = its place in the array */
Datum
llmcopy_headline_works(PG_FUNCTION_ARGS)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(1);
	int32		min_tokens = PG_GETARG_INT32(3);
	lc_mode		mode = llmcopy_parse_mode(PG_GETARG_TEXT_PP(4));
	int32		max_gap = PG_GETARG_INT32(5);
	HlOptions	o;
	TokArray	a;
	char	   *autf8;
	Datum	   *elems;
	bool	   *nulls;
	int			nelems;
	HlSpan	   *spans = NULL;
	int			nspans = 0,
				cap = 0;
	MemoryContext workcxt,
				oldcxt;
	size_t		len;

	llmcopy_check_span_params(min_tokens, max_gap);
	hl_parse_options(PG_GETARG_TEXT_PP(2), &o, true);
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("works must be a one-dimensional array")));
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &nelems);
	llmcopy_tokarray_fill(&a, PG_GETARG_TEXT_PP(0), mode, "a", &autf8);

	/* each work's tokens live only while its spans are found */
	workcxt = AllocSetContextCreate(CurrentMemoryContext, "llmcopy_headline work",
									ALLOCSET_DEFAULT_SIZES);
	for (int i = 0; i < nelems; i++)
	{
		TokArray	b;
		char	   *butf8;
		lc_span_list list;

		CHECK_FOR_INTERRUPTS();
		if (nulls[i])
			continue;
		oldcxt = MemoryContextSwitchTo(workcxt);
		llmcopy_tokarray_fill(&b, (text *) PG_DETOAST_DATUM_PACKED(elems[i]), mode, "b", &butf8);
		list = llmcopy_spans_of(&a, &b, min_tokens, max_gap);
		MemoryContextSwitchTo(oldcxt);
		hl_add_computed(&spans, &nspans, &cap, &list, &a, false, i + 1);
		MemoryContextReset(workcxt);
	}
	MemoryContextDelete(workcxt);

	autf8 = llmcopy_text_utf8(PG_GETARG_TEXT_PP(0), &len);
	PG_RETURN_TEXT_P(hl_build(autf8, len, spans, nspans, &a, &o));
}

/* An integer field of a span object, or an error naming the span. */
static int64
hl_json_int(JsonbContainer *obj, const char *key, int spanno, bool required, int64 dflt)
{
	JsonbValue	buf;
	JsonbValue *v = getKeyJsonValueFromContainer(obj, key, strlen(key), &buf);
	char	   *str,
			   *end;
	long long	x;

	if (v == NULL && !required)
		return dflt;
	if (v == NULL || v->type != jbvNumeric)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("span %d has no integer \"%s\"", spanno, key)));
	str = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v->val.numeric)));
	errno = 0;
	x = strtoll(str, &end, 10);
	if (*end != '\0' || errno != 0 || x < INT_MIN || x > INT_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("span %d has \"%s\" %s, not an integer", spanno, key, str)));
	return (int64) x;
}

typedef struct HlPos
{
	int64		chr;
	int64	   *byte;
} HlPos;

static int
hl_pos_cmp(const void *x, const void *y)
{
	const HlPos *a = x;
	const HlPos *b = y;

	return a->chr < b->chr ? -1 : a->chr > b->chr;
}

/* Token range [tstart, tend) of each span: the tokens its characters reach. */
static void
hl_token_ranges(HlSpan *spans, int nspans, const TokArray *tok)
{
	for (int i = 0; i < nspans; i++)
	{
		size_t		lo = 0,
					hi = tok->n;

		/* first token ending after the span's start */
		while (lo < hi)
		{
			size_t		mid = (lo + hi) / 2;

			if (tok->cend[mid] <= spans[i].cstart)
				lo = mid + 1;
			else
				hi = mid;
		}
		spans[i].tstart = (int64) lo;
		/* first token starting at or after the span's end */
		hi = tok->n;
		while (lo < hi)
		{
			size_t		mid = (lo + hi) / 2;

			if (tok->cstart[mid] < spans[i].cend)
				lo = mid + 1;
			else
				hi = mid;
		}
		spans[i].tend = Max((int64) lo, spans[i].tstart);
	}
}

static int
hl_work_order_cmp(const void *x, const void *y)
{
	const HlSpan *a = *(const HlSpan *const *) x;
	const HlSpan *b = *(const HlSpan *const *) y;

	if (a->work != b->work)
		return a->work < b->work ? -1 : 1;
	return a->num < b->num ? -1 : a->num > b->num;
}

/* %s of a given span: its place among the spans of its work, in array order. */
static void
hl_number_per_work(HlSpan *spans, int nspans)
{
	HlSpan	  **order = palloc_extended(sizeof(HlSpan *) * Max(nspans, 1), MCXT_ALLOC_HUGE);

	for (int i = 0; i < nspans; i++)
		order[i] = &spans[i];
	qsort(order, nspans, sizeof(HlSpan *), hl_work_order_cmp);
	for (int i = 0, num = 1; i < nspans; i++, num++)
	{
		if (i > 0 && order[i]->work != order[i - 1]->work)
			num = 1;
		order[i]->num = num;
	}
	pfree(order);
}

PG_FUNCTION_INFO_V1(llmcopy_headline_spans);
/* llmcopy_headline(doc, spans jsonb, options, mode): doc with the given spans marked */
Datum
llmcopy_headline_spans(PG_FUNCTION_ARGS)
{
	text	   *doc = PG_GETARG_TEXT_PP(0);
	Jsonb	   *jb = PG_GETARG_JSONB_P(1);
	lc_mode		mode = llmcopy_parse_mode(PG_GETARG_TEXT_PP(3));
	HlOptions	o;
	const char *kstart,
			   *klen;
	int			nspans;
	HlSpan	   *spans;
	HlPos	   *pos;
	char	   *s;
	size_t		len;
	int64		nchars = 0,
				b = 0;
	int			k = 0;
	TokArray	tok;

	hl_parse_options(PG_GETARG_TEXT_PP(2), &o, false);
	kstart = o.side_b ? "b_start" : "a_start";
	klen = o.side_b ? "b_length" : "a_length";
	if (!JB_ROOT_IS_ARRAY(jb) || JB_ROOT_IS_SCALAR(jb))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("spans must be a jsonb array of objects, as llmcopy_findings.spans holds")));
	nspans = JB_ROOT_COUNT(jb);
	spans = palloc_extended(sizeof(HlSpan) * Max(nspans, 1), MCXT_ALLOC_HUGE);
	pos = palloc_extended(sizeof(HlPos) * Max(2 * nspans, 1), MCXT_ALLOC_HUGE);
	for (int i = 0; i < nspans; i++)
	{
		JsonbValue *v = getIthJsonbValueFromContainer(&jb->root, i);
		JsonbContainer *obj;
		int64		start,
					length;

		CHECK_FOR_INTERRUPTS();
		if (v->type != jbvBinary || !JsonContainerIsObject(v->val.binary.data))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("span %d is not a jsonb object", i + 1)));
		obj = v->val.binary.data;
		start = hl_json_int(obj, kstart, i + 1, true, 0);
		length = hl_json_int(obj, klen, i + 1, true, 0);
		spans[i].work = (int) hl_json_int(obj, "work", i + 1, false, 1);
		spans[i].num = i;		/* numbered per work below */
		if (start < 1 || length < 1 || spans[i].work < 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("span %d has %s %lld and %s %lld: positions start at 1, lengths and work numbers are positive",
							i + 1, kstart, (long long) start, klen, (long long) length)));
		spans[i].cstart = start - 1;
		spans[i].cend = start - 1 + length;
		pos[2 * i].chr = spans[i].cstart;
		pos[2 * i].byte = &spans[i].bstart;
		pos[2 * i + 1].chr = spans[i].cend;
		pos[2 * i + 1].byte = &spans[i].bend;
	}

	hl_number_per_work(spans, nspans);

	/* characters to bytes, in one pass over the text */
	s = llmcopy_text_utf8(doc, &len);
	if (nspans > 0)
		qsort(pos, 2 * nspans, sizeof(HlPos), hl_pos_cmp);
	for (;;)
	{
		while (k < 2 * nspans && pos[k].chr == nchars)
			*pos[k++].byte = b;
		if (k == 2 * nspans || b >= (int64) len)
			break;
		b += pg_utf_mblen((const unsigned char *) s + b);
		nchars++;
		if ((nchars & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	if (k < 2 * nspans)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a span ends at character %lld, after the end of the text (%lld characters)",
						(long long) pos[2 * nspans - 1].chr, (long long) nchars),
				 errhint("The text may have changed since its spans were found.")));

	memset(&tok, 0, sizeof(tok));
	if (!o.highlight_all)
	{
		llmcopy_tokarray_fill(&tok, doc, mode, "doc", &s);
		hl_token_ranges(spans, nspans, &tok);
	}
	PG_RETURN_TEXT_P(hl_build(s, len, spans, nspans, &tok, &o));
}

PG_FUNCTION_INFO_V1(llmcopy_html_escape);
/* llmcopy_html_escape(text): & < > " ' as HTML character references */
Datum
llmcopy_html_escape(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	StringInfoData out;

	/* server encodings are ASCII-safe: the five bytes are never inside a character */
	initStringInfo(&out);
	hl_append_text(&out, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), true);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(out.data, out.len));
}
