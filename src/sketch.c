/*
 * sketch.c — what the fingerprint and minhash types share: their facts,
 * the checks of their parameters and thresholds, allocation, text and
 * binary I/O, fingerprint_info / minhash_info and the threshold builders.
 *
 * Both types are a 32-byte header and an array of values (pg_llmcopy.h);
 * what differs is a row of facts (LlmcopyType): the names and ranges of the
 * two parameters, the flags, whether the header counts the values or the
 * size parameter does, whether values ascend, their width, their limit.
 *
 * Text form:  v1 <mode> <param>=N <param>=N seed=N tokens=N [threshold=x] {hex,...}
 * with each value in 2 * value_bytes lowercase hex digits.  Binary form: the
 * header fields in network order (version, mode, shingle, flags, size,
 * seed, tokens, threshold, [count]) then the values.  Input and receive
 * check the same rules.
 *
 * A fingerprint holds at most FINGERPRINT_MAX_HASHES hashes: the most whose
 * text form (17 characters a hash) fits PostgreSQL's 1 GB limit with room
 * for a row around it, so every value the type admits prints, copies and
 * dumps.  Building a larger one is refused (54000).
 */
#include "pg_llmcopy.h"

#include "access/reloptions.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"

/* Loops over values check for interrupts this often. */
#define LLMCOPY_VALUES_TICK 65536

const LlmcopyType llmcopy_fingerprint_type = {
	.name = "fingerprint",
	.plural = "fingerprints",
	.noun = "fingerprint",
	.values = "hashes",
	.builder = "fingerprint(text, k, w, mode)",
	.with_threshold = "fingerprint_with_threshold(fp, threshold)",
	.version = FINGERPRINT_VERSION,
	.param = {{"k", true, LC_MIN_K, LC_MAX_K, 5, true}, {"w", false, LC_MIN_W, LC_MAX_W, 10, true}},
	.threshold_flag = FP_HAS_THRESHOLD,
	.empty_flag = 0,
	.known_flags = FP_KNOWN_FLAGS,
	.counted = true,
	.ascending = true,
	.value_bytes = 8,
	.max_values = FINGERPRINT_MAX_HASHES,
	.opclass = "fingerprint_ops",
};

const LlmcopyType llmcopy_minhash_type = {
	.name = "minhash",
	.plural = "minhash signatures",
	.noun = "signature",
	.values = "values",
	.builder = "minhash(text, num_perm, ngram, mode)",
	.with_threshold = "minhash_with_threshold(sig, threshold)",
	.version = MINHASH_VERSION,
	.param = {{"num_perm", false, LC_MIN_PERM, LC_MAX_PERM, 128, false}, {"ngram", true, LC_MIN_K, LC_MAX_K, 5, true}},
	.threshold_flag = MH_HAS_THRESHOLD,
	.empty_flag = MH_EMPTY,
	.known_flags = MH_KNOWN_FLAGS,
	.counted = false,
	.ascending = false,
	.value_bytes = 4,
	.max_values = LC_MAX_PERM,
	.opclass = "minhash_ops",
};

/* ---- rules ---- */

static inline int
param_value(const LlmcopyParam *p, const LlmcopySketch *s)
{
	return p->shingle ? s->shingle : s->size;
}

uint32
llmcopy_sketch_nvalues(const LlmcopyType *ty, const LlmcopySketch *s)
{
	if (ty->counted)
		return s->count;
	return (s->flags & ty->empty_flag) ? 0 : s->size;
}

static inline uint64
value_at(const LlmcopyType *ty, const LlmcopySketch *s, uint32 i)
{
	if (ty->value_bytes == 8)
		return ((const uint64 *) LLMCOPY_SKETCH_VALUES(s))[i];
	return ((const uint32 *) LLMCOPY_SKETCH_VALUES(s))[i];
}

static inline void
set_value(const LlmcopyType *ty, LlmcopySketch *s, uint32 i, uint64 v)
{
	if (ty->value_bytes == 8)
		((uint64 *) LLMCOPY_SKETCH_VALUES(s))[i] = v;
	else
		((uint32 *) LLMCOPY_SKETCH_VALUES(s))[i] = (uint32) v;
}

double
llmcopy_check_threshold(double t)
{
	if (!llmcopy_threshold_valid(t))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("threshold must be between 0 and 1, not %g", t)));
	return t == 0.0 ? 0.0 : t;	/* no -0: the text form would not keep it */
}

void
llmcopy_check_params(const LlmcopyType *ty, int shingle, int size)
{
	for (int i = 0; i < 2; i++)
	{
		const LlmcopyParam *p = &ty->param[i];
		int			v = p->shingle ? shingle : size;

		if (v < p->min || v > p->max)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s must be between %d and %d, not %d", p->name, p->min, p->max, v)));
	}
}

static char *
params_string(const LlmcopyType *ty, const LlmcopySketch *s)
{
	return psprintf("mode=%s %s=%d %s=%d seed=%u", lc_mode_name((lc_mode) s->mode),
					ty->param[0].name, param_value(&ty->param[0], s),
					ty->param[1].name, param_value(&ty->param[1], s), s->seed);
}

void
llmcopy_check_match(const LlmcopyType *ty, const LlmcopySketch *a, const LlmcopySketch *b)
{
	if (a->version != b->version || a->mode != b->mode || a->shingle != b->shingle ||
		a->size != b->size || a->seed != b->seed)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s built with different parameters cannot be compared", ty->plural),
				 errdetail("One has %s, the other %s.", params_string(ty, a), params_string(ty, b)),
				 errhint("Build both with the same %s arguments.", ty->builder)));
}

LlmcopySketch *
llmcopy_sketch_alloc(const LlmcopyType *ty, const LlmcopySketch *params, uint32 n)
{
	LlmcopySketch *s;
	Size		size;

	if (n > ty->max_values)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s would have %u %s, more than the limit of %u",
						ty->name, n, ty->values, ty->max_values),
				 errdetail("The limit keeps the text form of a %s within PostgreSQL's 1 GB, so that it prints, copies and dumps.",
						   ty->noun)));
	/* the header zeroed; the values are the caller's to write (zeroing 500 MB takes a while) */
	size = LLMCOPY_SKETCH_HDRSZ + (Size) ty->value_bytes * n;
	s = palloc_extended(size, AllocSizeIsValid(size) ? 0 : MCXT_ALLOC_HUGE);
	memset(s, 0, LLMCOPY_SKETCH_HDRSZ);
	SET_VARSIZE(s, size);
	s->version = ty->version;
	s->mode = params->mode;
	s->shingle = params->shingle;
	s->size = params->size;
	s->seed = params->seed;
	s->tokens = params->tokens;
	if (ty->counted)
		s->count = n;
	else if (n == 0)
		s->flags = ty->empty_flag;
	return s;
}

/* ---- the constructors, and their memo of the last call ---- */

/*
 * A join such as `outputs o JOIN works w ON fingerprint(o.body) && w.fp`
 * runs as a nested loop over a parameterized bitmap heap scan, and
 * PostgreSQL evaluates fingerprint(o.body) once for the index search and
 * again for every heap row it rechecks, with the same text each time: it
 * caches no subexpression.  So each call site (FmgrInfo) keeps in fn_extra
 * a copy of its last input text (detoasted, compared byte for byte: a
 * toast pointer or an address proves nothing over the life of an
 * FmgrInfo), its parameters and a copy of its result, and a call with the
 * same text and parameters gets a fresh copy of that result (callers may
 * free what they get).  The result depends on nothing else: seed and
 * format version are the type's, the database encoding is the backend's,
 * and the ASCII fast path gives the same tokens (it is in the key all the
 * same, so that a test that turns it off compares two computations).  A
 * memo is per FmgrInfo, so per backend: parallel workers have their own.
 *
 * What it costs a call site whose texts never repeat (a bulk SELECT, a
 * column being filled, an index build): a copy of each text and result,
 * about 2 % of building it (memcpy runs at several GB/s, fingerprint() at
 * 50 to 250 MB/s), and only until LLMCOPY_MEMO_MISSES calls have missed
 * with no hit ever; then the site keeps nothing more.  A join's recheck
 * hits from the second candidate of the first output that has two, so a
 * site with no hit in 1,000 calls is taken for one that will never have
 * one (the index search's own call site, once per output, is such a site),
 * and what it wasted is bounded: 1,000 copies.  Texts and results of more
 * than LLMCOPY_MEMO_MAX_BYTES together are not kept.  That bound is about
 * memory, not time (a copy costs the same share of a build at any size):
 * the memo lives as long as its FmgrInfo, which for a cached plan or a
 * PL/pgSQL expression can outlive the query, and a text over 1 MB is a
 * document, not the output a join looks up.  Call sites are many where a
 * plan has one per partition, or where PL/pgSQL leaves a tree of
 * expressions to its transaction and builds another (an expression planned
 * again when search_path changes, a conversion to a domain after a failed
 * CHECK): so all the memos of a backend hold at most
 * LLMCOPY_MEMO_BACKEND_BYTES together, each giving its share back when the
 * memory context of its call site is reset or deleted.
 */
#define LLMCOPY_MEMO_MISSES 1000
#define LLMCOPY_MEMO_MAX_BYTES (1024 * 1024)
#define LLMCOPY_MEMO_BACKEND_BYTES (16 * 1024 * 1024)

/* The bytes the memos of the backend hold now (the sum of their cap). */
static Size memo_held = 0;

typedef struct SketchMemo
{
	const LlmcopyType *ty;
	LlmcopySketch params;		/* the parameters of the last call (tokens 0) */
	bool		fast_path;		/* pg_llmcopy.ascii_fast_path then */
	bool		valid;			/* text and result are a pair */
	bool		hit;			/* a call ever found its text here */
	bool		off;			/* LLMCOPY_MEMO_MISSES misses and no hit: keep nothing */
	uint32		misses;
	Size		textlen;
	char	   *buf;			/* the text, then the result at MAXALIGN(textlen) */
	Size		cap;			/* bytes at buf, counted in memo_held */
	MemoryContextCallback gone; /* fn_mcxt reset or deleted: cap given back */
} SketchMemo;

/* The memory context of the call site goes, and the memo with it. */
static void
memo_gone(void *arg)
{
	SketchMemo *m = (SketchMemo *) arg;

	memo_held -= m->cap;
	m->cap = 0;
}

/* The memo of the call site, or NULL when there is none (DirectFunctionCall) or it is off. */
static SketchMemo *
memo_of(FunctionCallInfo fcinfo)
{
	FmgrInfo   *fl = fcinfo->flinfo;

	if (fl == NULL)
		return NULL;
	if (fl->fn_extra == NULL)
	{
		SketchMemo *m = MemoryContextAllocZero(fl->fn_mcxt, sizeof(SketchMemo));

		m->gone.func = memo_gone;
		m->gone.arg = m;
		MemoryContextRegisterResetCallback(fl->fn_mcxt, &m->gone);
		fl->fn_extra = m;
	}
	return ((SketchMemo *) fl->fn_extra)->off ? NULL : (SketchMemo *) fl->fn_extra;
}

/* The memo keeps nothing, and its bytes count no more. */
static void
memo_release(SketchMemo *m)
{
	m->valid = false;
	if (m->buf)
		pfree(m->buf);
	m->buf = NULL;
	memo_held -= m->cap;
	m->cap = 0;
}

static inline LlmcopySketch *
memo_result(const SketchMemo *m)
{
	return (LlmcopySketch *) (m->buf + MAXALIGN(m->textlen));
}

static bool
memo_matches(const SketchMemo *m, const LlmcopyType *ty, const LlmcopySketch *params,
			 const char *text, Size len)
{
	return m->valid && m->textlen == len && m->ty == ty &&
		m->fast_path == llmcopy_ascii_fast_path &&
		memcmp(&m->params, params, sizeof(LlmcopySketch)) == 0 &&
		memcmp(m->buf, text, len) == 0;
}

/* After a miss: the text and result kept, or, past the misses with no hit, nothing ever again. */
static void
memo_store(SketchMemo *m, MemoryContext cxt, const LlmcopyType *ty,
		   const LlmcopySketch *params, const char *text, Size len, const LlmcopySketch *r)
{
	Size		need = MAXALIGN(len) + VARSIZE(r);

	if (!m->hit && ++m->misses >= LLMCOPY_MEMO_MISSES)
	{
		memo_release(m);
		m->off = true;
		return;
	}
	if (need > LLMCOPY_MEMO_MAX_BYTES)
		return;
	m->valid = false;			/* until both are written: an error may come between */
	if (need > m->cap)
	{
		memo_release(m);
		/* the backend's memos hold their share: this one keeps nothing for now */
		if (memo_held + need > LLMCOPY_MEMO_BACKEND_BYTES)
			return;
		m->buf = MemoryContextAlloc(cxt, need);
		m->cap = need;
		memo_held += need;
	}
	m->ty = ty;
	m->params = *params;
	m->fast_path = llmcopy_ascii_fast_path;
	m->textlen = len;
	memcpy(m->buf, text, len);
	memcpy(memo_result(m), r, VARSIZE(r));
	m->valid = true;
}

/*
 * The value build makes of text t with params, or a copy of the call
 * site's last one when t and params are those of its last call.
 */
Datum
llmcopy_sketch_memo(const LlmcopyType *ty, FunctionCallInfo fcinfo, text *t,
					const LlmcopySketch *params, LlmcopySketchBuild build)
{
	SketchMemo *m = memo_of(fcinfo);
	const char *text = VARDATA_ANY(t);
	Size		len = VARSIZE_ANY_EXHDR(t);
	LlmcopySketch *r;
	char	   *s;
	size_t		slen;

	if (m && memo_matches(m, ty, params, text, len))
	{
		m->hit = true;
		r = palloc(VARSIZE(memo_result(m)));
		memcpy(r, memo_result(m), VARSIZE(memo_result(m)));
		return PointerGetDatum(r);
	}
	s = llmcopy_text_utf8(t, &slen);
	r = build(*params, s, slen);
	if (m)
		memo_store(m, fcinfo->flinfo->fn_mcxt, ty, params, text, len, r);
	return PointerGetDatum(r);
}

Datum
llmcopy_sketch_make(const LlmcopyType *ty, FunctionCallInfo fcinfo, LlmcopySketchBuild build)
{
	LlmcopySketch p;
	int32		v[2] = {PG_GETARG_INT32(1), PG_GETARG_INT32(2)};
	int			shingle = ty->param[0].shingle ? v[0] : v[1];
	int			size = ty->param[0].shingle ? v[1] : v[0];

	memset(&p, 0, sizeof(p));
	p.version = ty->version;
	p.mode = (uint8) llmcopy_parse_mode(PG_GETARG_TEXT_PP(3));
	llmcopy_check_params(ty, shingle, size);
	p.shingle = (uint8) shingle;
	p.size = (uint16) size;
	p.seed = 0;					/* the constructors' seed */
	return llmcopy_sketch_memo(ty, fcinfo, PG_GETARG_TEXT_PP(0), &p, build);
}

double
llmcopy_query_threshold(const LlmcopyType *ty, const LlmcopySketch *q)
{
	if (!(q->flags & ty->threshold_flag))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the right operand carries no threshold"),
				 errhint("Build it with %s.", ty->with_threshold)));
	return q->threshold;
}

/* ---- the parameters an index is built for ---- */

/* Every mode by its name (lc_mode_name), as the values print it. */
static relopt_enum_elt_def mode_options[LC_MODE_COUNT + 1];

static relopt_enum_elt_def *
mode_option_list(void)
{
	if (mode_options[0].string_val == NULL)
		for (int m = 0; m < LC_MODE_COUNT; m++)
		{
			mode_options[m].string_val = lc_mode_name((lc_mode) m);
			mode_options[m].symbol_val = m;
		}
	return mode_options;
}

void
llmcopy_index_param_options(local_relopts *relopts, const LlmcopyType *ty, int offset)
{
	for (int i = 0; i < 2; i++)
	{
		const LlmcopyParam *p = &ty->param[i];

		if (p->option)
			add_local_int_reloption(relopts, p->name, "the parameter the indexed values are built with",
									p->dflt, p->min, p->max,
									offset + (p->shingle ? offsetof(LlmcopyIndexParams, shingle)
											  : offsetof(LlmcopyIndexParams, size)));
	}
	add_local_enum_reloption(relopts, "mode", "the tokenizer mode the indexed values are built with",
							 mode_option_list(), LC_MODE_TEXT, lc_modes_hint(),
							 offset + offsetof(LlmcopyIndexParams, mode));
	add_local_int_reloption(relopts, "seed", "the seed the indexed values are built with",
							0, 0, PG_INT32_MAX, offset + offsetof(LlmcopyIndexParams, seed));
}

LlmcopySketch
llmcopy_index_sketch(const LlmcopyType *ty, const LlmcopyIndexParams *p, int size)
{
	LlmcopySketch s;

	memset(&s, 0, sizeof(s));
	s.version = ty->version;
	s.mode = (uint8) p->mode;
	for (int i = 0; i < 2; i++)
	{
		const LlmcopyParam *par = &ty->param[i];
		int			v = !par->option ? size : par->shingle ? p->shingle : p->size;

		if (par->shingle)
			s.shingle = (uint8) v;
		else
			s.size = (uint16) v;
	}
	s.seed = (uint32) p->seed;
	return s;
}

/* "k = 3, w = 10, mode = 'text'": the options that would index v. */
static char *
index_options_string(const LlmcopyType *ty, const LlmcopySketch *v)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < 2; i++)
		if (ty->param[i].option)
			appendStringInfo(&buf, "%s = %d, ", ty->param[i].name, param_value(&ty->param[i], v));
	appendStringInfo(&buf, "mode = '%s'", lc_mode_name((lc_mode) v->mode));
	if (v->seed != 0)
		appendStringInfo(&buf, ", seed = %u", v->seed);
	return buf.data;
}

void
llmcopy_index_check_value(const LlmcopyType *ty, const LlmcopySketch *idx, const LlmcopySketch *v)
{
	if (v->version != idx->version || v->mode != idx->mode || v->shingle != idx->shingle ||
		v->size != idx->size || v->seed != idx->seed)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("a %s built with %s cannot go into a %s index built for %s",
						ty->noun, params_string(ty, v), ty->opclass, params_string(ty, idx)),
				 errhint("Create the index with %s (%s), the parameters of its values.",
						 ty->opclass, index_options_string(ty, v))));
}

/* ---- the literal reader ---- */

/* The literal for an error message: at most 100 bytes, cut between characters. */
static char *
lit_quote(const char *str)
{
	int			len = (int) strlen(str);
	int			cut = pg_mbcliplen(str, len, 100);

	return psprintf("%.*s%s", cut, str, cut < len ? "..." : "");
}

/* Raises the error of a malformed literal (does not return). */
void
llmcopy_lit_error(LitCursor *c, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%s\"", c->type, lit_quote(c->str)),
			 errdetail("%s", why)));
}

void
llmcopy_lit_skip_spaces(LitCursor *c)
{
	while (*c->p == ' ')
		c->p++;
}

/* "v1 <mode>": the mode. */
lc_mode
llmcopy_lit_begin(LitCursor *c, const char *type, const char *str)
{
	const char *q;
	int			m;

	c->type = type;
	c->str = str;
	c->p = str;
	llmcopy_lit_skip_spaces(c);
	if (c->p[0] == 'v' && c->p[1] >= '0' && c->p[1] <= '9' && !(c->p[1] == '1' && c->p[2] == ' '))
		llmcopy_lit_error(c, "Only format version 1 is supported.");
	if (c->p[0] != 'v' || c->p[1] != '1' || c->p[2] != ' ')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s: \"%s\"", type, lit_quote(str)),
				 errdetail("A %s literal starts with its format version, \"v1\".", type),
				 errhint("%s('...') with a bare string literal is read as a cast; "
						 "to build one from a text, write %s('...'::text).", type, type)));
	c->p += 3;
	llmcopy_lit_skip_spaces(c);
	q = c->p + lc_mode_name_len(c->p);
	m = lc_mode_parse(c->p, (size_t) (q - c->p));
	if (m < 0)
		llmcopy_lit_error(c, lc_modes_hint());
	c->p = q;
	return (lc_mode) m;
}

/* "name=N", N at most max. */
uint64
llmcopy_lit_field(LitCursor *c, const char *name, uint64 max)
{
	size_t		nlen = strlen(name);
	uint64		v = 0;
	const char *start;

	llmcopy_lit_skip_spaces(c);
	if (strncmp(c->p, name, nlen) != 0 || c->p[nlen] != '=')
		llmcopy_lit_error(c, psprintf("Expected \"%s=\".", name));
	c->p += nlen + 1;
	start = c->p;
	while (*c->p >= '0' && *c->p <= '9')
	{
		v = v * 10 + (uint64) (*c->p - '0');
		if (v > max)
			llmcopy_lit_error(c, psprintf("%s is out of range.", name));
		c->p++;
	}
	if (c->p == start)
		llmcopy_lit_error(c, psprintf("%s needs a number.", name));
	return v;
}

/* An optional "threshold=x". */
bool
llmcopy_lit_threshold(LitCursor *c, double *t)
{
	char	   *end;

	llmcopy_lit_skip_spaces(c);
	if (strncmp(c->p, "threshold=", 10) != 0)
		return false;
	c->p += 10;
	*t = strtod(c->p, &end);
	if (end == c->p || !llmcopy_threshold_valid(*t))
		llmcopy_lit_error(c, "threshold must be a number between 0 and 1.");
	if (*t == 0.0)
		*t = 0.0;
	c->p = end;
	return true;
}

uint64
llmcopy_lit_hex(LitCursor *c, int digits)
{
	uint64		h = 0;

	llmcopy_lit_skip_spaces(c);
	for (int i = 0; i < digits; i++)
	{
		char		ch = c->p[i];
		int			d = (ch >= '0' && ch <= '9') ? ch - '0' :
			(ch >= 'a' && ch <= 'f') ? ch - 'a' + 10 :
			(ch >= 'A' && ch <= 'F') ? ch - 'A' + 10 : -1;

		if (d < 0)
			llmcopy_lit_error(c, psprintf("Each value is %d hexadecimal digits.", digits));
		h = (h << 4) | (uint64) d;
	}
	c->p += digits;
	return h;
}

/* After a value: true if another follows (","), false at "}". */
bool
llmcopy_lit_next(LitCursor *c)
{
	llmcopy_lit_skip_spaces(c);
	if (*c->p == ',')
	{
		c->p++;
		return true;
	}
	if (*c->p == '}')
	{
		c->p++;
		return false;
	}
	llmcopy_lit_error(c, "Expected \",\" or \"}\" after a value.");
	return false;				/* not reached */
}

/* Opens the value list; true if it is empty ("{}"). */
bool
llmcopy_lit_open(LitCursor *c)
{
	llmcopy_lit_skip_spaces(c);
	if (*c->p != '{')
		llmcopy_lit_error(c, "Expected \"{\" before the values.");
	c->p++;
	llmcopy_lit_skip_spaces(c);
	if (*c->p == '}')
	{
		c->p++;
		return true;
	}
	return false;
}

void
llmcopy_lit_end(LitCursor *c)
{
	llmcopy_lit_skip_spaces(c);
	if (*c->p != '\0')
		llmcopy_lit_error(c, "Unexpected text after \"}\".");
}

/* ---- text I/O ---- */

static Datum
sketch_in(const LlmcopyType *ty, FunctionCallInfo fcinfo)
{
	const char *str = PG_GETARG_CSTRING(0);
	int			digits = 2 * ty->value_bytes;
	LitCursor	c;
	LlmcopySketch params;
	LlmcopySketch *s;
	uint32		n = 0,
				cap;
	bool		empty;

	memset(&params, 0, sizeof(params));
	params.mode = (uint8) llmcopy_lit_begin(&c, ty->name, str);
	for (int i = 0; i < 2; i++)
	{
		uint64		v = llmcopy_lit_field(&c, ty->param[i].name, ty->param[i].max);

		if (ty->param[i].shingle)
			params.shingle = (uint8) v;
		else
			params.size = (uint16) v;
	}
	llmcopy_check_params(ty, params.shingle, params.size);
	params.seed = (uint32) llmcopy_lit_field(&c, "seed", PG_UINT32_MAX);
	params.tokens = (uint32) llmcopy_lit_field(&c, "tokens", PG_UINT32_MAX);
	if (llmcopy_lit_threshold(&c, &params.threshold))
		params.flags |= ty->threshold_flag;
	empty = llmcopy_lit_open(&c);

	/* counted values: room for what the text left can hold, a value and a separator each */
	if (empty)
		cap = 0;
	else if (ty->counted)
		cap = (uint32) Min(strlen(c.p) / (digits + 1) + 1, (size_t) ty->max_values);
	else
		cap = params.size;
	s = llmcopy_sketch_alloc(ty, &params, cap);
	s->flags |= params.flags;
	s->threshold = params.threshold;
	if (!empty)
	{
		do
		{
			uint64		v;

			if (n >= cap && ty->counted)
				(void) llmcopy_sketch_alloc(ty, &params, n + 1);	/* past the limit: 54000 */
			if (n >= cap)
				llmcopy_lit_error(&c, psprintf("A %s has %s = %d %s.", ty->noun, ty->param[0].name,
									   params.size, ty->values));
			v = llmcopy_lit_hex(&c, digits);
			if (ty->ascending && n > 0 && v <= value_at(ty, s, n - 1))
				llmcopy_lit_error(&c, "Hashes must be in strictly ascending order.");
			set_value(ty, s, n++, v);
			if (n % LLMCOPY_VALUES_TICK == 0)
				CHECK_FOR_INTERRUPTS();
		} while (llmcopy_lit_next(&c));
		if (!ty->counted && n != cap)
			llmcopy_lit_error(&c, psprintf("A %s has %s = %d %s, not %u.", ty->noun, ty->param[0].name,
								   params.size, ty->values, n));
	}
	llmcopy_lit_end(&c);
	if (ty->counted)
	{
		s->count = n;
		SET_VARSIZE(s, LLMCOPY_SKETCH_HDRSZ + (Size) ty->value_bytes * n);
	}
	PG_RETURN_POINTER(s);
}

/*
 * The text form of a value, written in place at offset room of a buffer of
 * exactly the length it needs (no buffer doubling near 1 GB), with a cancel
 * check every LLMCOPY_VALUES_TICK values; *len is the text's length.
 */
static char *
sketch_print(const LlmcopyType *ty, const LlmcopySketch *s, Size room, Size *len)
{
	static const char hex[] = "0123456789abcdef";
	uint32		n = llmcopy_sketch_nvalues(ty, s);
	int			digits = 2 * ty->value_bytes;
	char		head[LLMCOPY_TEXT_HEADER_MAX];
	int			hlen;
	Size		total;
	char	   *buf,
			   *p;

	hlen = snprintf(head, sizeof(head), "v%d %s %s=%d %s=%d seed=%u tokens=%u ",
					s->version, lc_mode_name((lc_mode) s->mode),
					ty->param[0].name, param_value(&ty->param[0], s),
					ty->param[1].name, param_value(&ty->param[1], s), s->seed, s->tokens);
	if (s->flags & ty->threshold_flag)
		hlen += snprintf(head + hlen, sizeof(head) - hlen, "threshold=%.17g ", s->threshold);
	Assert(hlen < (int) sizeof(head));

	*len = hlen + 2 + (Size) n * (digits + 1) - (n > 0 ? 1 : 0);
	total = room + *len + 1;
	buf = palloc_extended(total, AllocSizeIsValid(total) ? 0 : MCXT_ALLOC_HUGE);
	p = buf + room;
	memcpy(p, head, hlen);
	p += hlen;
	*p++ = '{';
	for (uint32 i = 0; i < n; i++)
	{
		uint64		v = value_at(ty, s, i);

		if (i > 0)
			*p++ = ',';
		for (int j = digits - 1; j >= 0; j--, v >>= 4)
			p[j] = hex[v & 15];
		p += digits;
		if (i % LLMCOPY_VALUES_TICK == 0)
			CHECK_FOR_INTERRUPTS();
	}
	*p++ = '}';
	*p = '\0';
	Assert(p == buf + room + *len);
	return buf;
}

static Datum
sketch_out(const LlmcopyType *ty, FunctionCallInfo fcinfo)
{
	Size		len;

	PG_RETURN_CSTRING(sketch_print(ty, (LlmcopySketch *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0)), 0, &len));
}

/*
 * The cast to text: the text form written straight into the text value, so
 * that a cast of a large value is not followed by a copy of the whole string
 * (the I/O cast's), in which no cancel could take effect.
 */
static Datum
sketch_text(const LlmcopyType *ty, FunctionCallInfo fcinfo)
{
	Size		len;
	char	   *t = sketch_print(ty, (LlmcopySketch *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0)), VARHDRSZ, &len);

	SET_VARSIZE(t, VARHDRSZ + len);
	PG_RETURN_TEXT_P((text *) t);
}

/* ---- binary I/O ---- */

/* Raises the error of a malformed binary value (does not return). */
void
llmcopy_bin_error(const char *type, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid external %s value", type),
			 errdetail("%s", why)));
}

static Datum
sketch_recv(const LlmcopyType *ty, FunctionCallInfo fcinfo)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	LlmcopySketch params;
	LlmcopySketch *s;
	uint32		n;
	int			version;

	memset(&params, 0, sizeof(params));
	if (buf->len - buf->cursor < 22 + (ty->counted ? 4 : 0))
		llmcopy_bin_error(ty->name, psprintf("The value is shorter than a %s header.", ty->name));
	version = pq_getmsgbyte(buf);
	if (version != ty->version)
		llmcopy_bin_error(ty->name, psprintf("Format version %d is not supported.", version));
	params.mode = (uint8) pq_getmsgbyte(buf);
	if (params.mode >= LC_MODE_COUNT)
		llmcopy_bin_error(ty->name, psprintf("Mode %d is unknown.", params.mode));
	params.shingle = (uint8) pq_getmsgbyte(buf);
	params.flags = (uint8) pq_getmsgbyte(buf);
	if (params.flags & ~ty->known_flags)
		llmcopy_bin_error(ty->name, "Unknown flags are set.");
	params.size = (uint16) pq_getmsgint(buf, 2);
	llmcopy_check_params(ty, params.shingle, params.size);
	params.seed = pq_getmsgint(buf, 4);
	params.tokens = pq_getmsgint(buf, 4);
	params.threshold = pq_getmsgfloat8(buf);
	if (params.flags & ty->threshold_flag)
	{
		if (!llmcopy_threshold_valid(params.threshold))
			llmcopy_bin_error(ty->name, "The threshold is not between 0 and 1.");
	}
	else if (params.threshold != 0.0)
		llmcopy_bin_error(ty->name, "A threshold is set without its flag.");
	if (params.threshold == 0.0)
		params.threshold = 0.0;	/* -0 has no text form */
	if (ty->counted)
		n = pq_getmsgint(buf, 4);
	else
		n = (params.flags & ty->empty_flag) ? 0 : params.size;
	if ((uint64) n * ty->value_bytes != (uint64) (buf->len - buf->cursor))
		llmcopy_bin_error(ty->name, psprintf("The header announces %u %s but %d bytes follow.",
							   n, ty->values, buf->len - buf->cursor));
	s = llmcopy_sketch_alloc(ty, &params, n);
	s->flags = params.flags;
	s->threshold = params.threshold;
	for (uint32 i = 0; i < n; i++)
	{
		uint64		v = ty->value_bytes == 8 ? pq_getmsgint64(buf) : pq_getmsgint(buf, 4);

		if (ty->ascending && i > 0 && v <= value_at(ty, s, i - 1))
			llmcopy_bin_error(ty->name, "Hashes are not in strictly ascending order.");
		set_value(ty, s, i, v);
		if (i % LLMCOPY_VALUES_TICK == 0)
			CHECK_FOR_INTERRUPTS();
	}
	PG_RETURN_POINTER(s);
}

static Datum
sketch_send(const LlmcopyType *ty, FunctionCallInfo fcinfo)
{
	LlmcopySketch *s = (LlmcopySketch *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	uint32		n = llmcopy_sketch_nvalues(ty, s);
	StringInfoData buf;

	pq_begintypsend(&buf);
	enlargeStringInfo(&buf, 32 + (int) ((Size) n * ty->value_bytes));
	pq_sendbyte(&buf, s->version);
	pq_sendbyte(&buf, s->mode);
	pq_sendbyte(&buf, s->shingle);
	pq_sendbyte(&buf, s->flags);
	pq_sendint16(&buf, s->size);
	pq_sendint32(&buf, s->seed);
	pq_sendint32(&buf, s->tokens);
	pq_sendfloat8(&buf, s->threshold);
	if (ty->counted)
		pq_sendint32(&buf, n);
	for (uint32 i = 0; i < n; i++)
	{
		if (ty->value_bytes == 8)
			pq_sendint64(&buf, value_at(ty, s, i));
		else
			pq_sendint32(&buf, (uint32) value_at(ty, s, i));
		if (i % LLMCOPY_VALUES_TICK == 0)
			CHECK_FOR_INTERRUPTS();
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* ---- info and threshold builders ---- */

/*
 * version, mode, the two parameters, seed, tokens and, for counted types,
 * the number of values: read from the header alone, a slice of a toasted
 * value, never the whole of it.
 */
static Datum
sketch_info(const LlmcopyType *ty, FunctionCallInfo fcinfo)
{
	LlmcopySketch *s = (LlmcopySketch *) PG_DETOAST_DATUM_SLICE(PG_GETARG_DATUM(0), 0,
																LLMCOPY_SKETCH_HDRSZ - VARHDRSZ);
	TupleDesc	desc;
	Datum		values[7];
	bool		nulls[7] = {0};

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "%s_info must return a composite type", ty->name);
	if (VARSIZE(s) < LLMCOPY_SKETCH_HDRSZ)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("%s value shorter than its header", ty->name)));
	desc = BlessTupleDesc(desc);
	values[0] = Int32GetDatum(s->version);
	values[1] = CStringGetTextDatum(lc_mode_name((lc_mode) s->mode));
	values[2] = Int32GetDatum(param_value(&ty->param[0], s));
	values[3] = Int32GetDatum(param_value(&ty->param[1], s));
	values[4] = Int64GetDatum(s->seed);
	values[5] = Int64GetDatum(s->tokens);
	values[6] = Int64GetDatum(llmcopy_sketch_nvalues(ty, s));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

/* A query value: a copy of the first argument carrying the threshold. */
static Datum
sketch_with_threshold(const LlmcopyType *ty, FunctionCallInfo fcinfo)
{
	LlmcopySketch *a = (LlmcopySketch *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	float8		t = llmcopy_check_threshold(PG_GETARG_FLOAT8(1));
	LlmcopySketch *s = palloc_extended(VARSIZE(a), AllocSizeIsValid(VARSIZE(a)) ? 0 : MCXT_ALLOC_HUGE);

	memcpy(s, a, VARSIZE(a));
	s->flags |= ty->threshold_flag;
	s->threshold = t;
	PG_RETURN_POINTER(s);
}

/*
 * The SQL entry points of both types: <type>_in, _out, _text, _recv, _send, _info
 * and _with_threshold, each calling the shared implementation with its
 * type's facts.
 */
#define LLMCOPY_SKETCH_ENTRY(type, fn) \
	PG_FUNCTION_INFO_V1(type##_##fn); \
	Datum type##_##fn(PG_FUNCTION_ARGS) { return sketch_##fn(&llmcopy_##type##_type, fcinfo); }

#define LLMCOPY_SKETCH_ENTRIES(type) \
	LLMCOPY_SKETCH_ENTRY(type, in) \
	LLMCOPY_SKETCH_ENTRY(type, out) \
	LLMCOPY_SKETCH_ENTRY(type, text) \
	LLMCOPY_SKETCH_ENTRY(type, recv) \
	LLMCOPY_SKETCH_ENTRY(type, send) \
	LLMCOPY_SKETCH_ENTRY(type, info) \
	LLMCOPY_SKETCH_ENTRY(type, with_threshold)

LLMCOPY_SKETCH_ENTRIES(fingerprint)
LLMCOPY_SKETCH_ENTRIES(minhash)
