/*
 * lc_tokenize.c — the one tokenizer of pg_llmcopy (pure C, ICU).
 *
 * Mode 'text': tokens are the word-like segments of ICU's word break rules
 * (rule status >= UBRK_WORD_NONE_LIMIT), so CJK is segmented by ICU's
 * dictionaries; each token is normalized with NFKC_Casefold.  Segmentation
 * runs on the original text, so every token keeps exact offsets into it.
 *
 * The ASCII fast path: a chunk between two ASCII whitespace characters that
 * is pure ASCII is segmented here by the same rules ICU applies to ASCII
 * (UAX #29 with ICU's tailoring: '@' is a letter, ':' is not MidLetter), and
 * folded with tolower, which is what NFKC_Casefold does to ASCII.  No word
 * break rule reaches across ASCII whitespace, so cutting there is exact;
 * chunks with any non-ASCII byte, and runs of them, go through ICU.  Tests
 * compare both paths on real text and on random strings.
 *
 * Long runs (lc_core.h): a chunk longer than the run limit is cut into
 * pieces before segmenting, the same way on both paths: at the last break
 * character of each window (no word crosses one, so such cuts change no
 * token), else every LC_RUN_MAX bytes counted from the run's own start.
 * Each piece is segmented alone.
 *
 * Mode 'code': a small lexer.  Identifiers (Unicode ID_Continue), numbers,
 * string literals (one token each) and operators are tokens; whitespace and
 * comments (C-style, and '#' comments when '#' is followed by a space, '!',
 * '#' or the end of the line) are not.  Tokens are NFKC_Casefolded.  Values
 * stored with it depend on every detail: it does not change.
 *
 * Modes 'code:<language>', 'code:auto' and their ':kinds' variants: the
 * same lexer driven by a table of per-language facts (comments, quotes,
 * keywords), tokens as written; see "modes 'code:<language>'" below.
 */
#include "lc_core.h"
#include "lc_winnow_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>
#include <unicode/utf16.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Chunks are merged into one ICU region up to this many bytes. */
#define LC_REGION_MAX (1024 * 1024)

typedef struct tokctx
{
	const char *s;
	size_t		len;
	lc_mode		mode;
	bool		fast;
	const lc_env *env;
	lc_tok_fn	fn;
	void	   *arg;
	char	   *err;
	size_t		errlen;

	size_t		next_tick;		/* byte position of the next tick() */
	size_t		run_max;		/* LC_RUN_MAX, or LC_RUN_MAX_SHORT in tests */

	lc_winnow  *win;			/* fused sinks (lc_tokenize_sketch), or NULL */
	lc_minhash *mh;
	uint64_t	seed;
	uint64_t	ntok;

	char	   *nbuf;			/* normalized token, UTF-8 */
	size_t		nbufcap;
	UChar	   *u16;			/* region, UTF-16 */
	size_t		u16cap;
	UChar	   *n16;			/* normalized token, UTF-16 */
	size_t		n16cap;
} tokctx;

/* ICU objects are cached per process: opening a break iterator is costly. */
static UBreakIterator *cached_word_bi = NULL;

/* Indexed by lc_mode: the names stored values print and parse. */
static const char *const mode_names[LC_MODE_COUNT] = {
	"text", "code",
	"code:python", "code:js", "code:java", "code:c", "code:go", "code:rust", "code:sh",
	"code:sql", "code:auto",
	"code:python:kinds", "code:js:kinds", "code:java:kinds", "code:c:kinds", "code:go:kinds",
	"code:rust:kinds", "code:sh:kinds", "code:sql:kinds", "code:auto:kinds"
};

/* Other names of languages, read on input (values print the names above). */
static const struct
{
	const char *name;
	lc_lang		lang;
}			lang_aliases[] = {
	{"javascript", LC_LANG_JS}, {"ts", LC_LANG_JS}, {"typescript", LC_LANG_JS},
	{"cpp", LC_LANG_C}, {"py", LC_LANG_PYTHON}, {"bash", LC_LANG_SH}, {"shell", LC_LANG_SH},
	{"golang", LC_LANG_GO}, {"rs", LC_LANG_RUST}
};

const char *
lc_mode_name(lc_mode mode)
{
	return (unsigned) mode < LC_MODE_COUNT ? mode_names[mode] : "?";
}

lc_lang
lc_mode_lang(lc_mode mode)
{
	if (mode <= LC_MODE_CODE || (unsigned) mode >= LC_MODE_COUNT)
		return LC_LANG_NONE;
	return (lc_lang) (mode > LC_MODE_CODE_AUTO ? mode - LC_MODE_KINDS_OFFSET - 1 : mode - 1);
}

bool
lc_mode_kinds(lc_mode mode)
{
	return mode > LC_MODE_CODE_AUTO && (unsigned) mode < LC_MODE_COUNT;
}

int
lc_mode_parse(const char *name, size_t len)
{
	const size_t kl = strlen(":kinds");
	bool		kinds;

	for (int i = 0; i < LC_MODE_COUNT; i++)
		if (strlen(mode_names[i]) == len && memcmp(mode_names[i], name, len) == 0)
			return i;
	/* code:<alias>[:kinds] */
	if (len < 5 || memcmp(name, "code:", 5) != 0)
		return -1;
	kinds = len > kl && memcmp(name + len - kl, ":kinds", kl) == 0;
	if (kinds)
		len -= kl;
	for (size_t i = 0; i < sizeof(lang_aliases) / sizeof(lang_aliases[0]); i++)
		if (strlen(lang_aliases[i].name) == len - 5 &&
			memcmp(lang_aliases[i].name, name + 5, len - 5) == 0)
			return (int) lang_aliases[i].lang + 1 + (kinds ? LC_MODE_KINDS_OFFSET : 0);
	return -1;
}

size_t
lc_mode_name_len(const char *p)
{
	size_t		n = 0;

	while ((p[n] >= 'a' && p[n] <= 'z') || p[n] == ':')
		n++;
	return n;
}

const char *
lc_modes_hint(void)
{
	return "The modes are \"text\", \"code\" and \"code:<language>\" with an optional "
		"\":kinds\" suffix; the languages are python, js, java, c, go, rust, sh, sql "
		"and auto.";
}

static void
set_err(tokctx *t, const char *what, UErrorCode st)
{
	if (t->err && t->errlen > 0)
		snprintf(t->err, t->errlen, "%s: %s", what, u_errorName(st));
}

/* Grow *buf to hold at least need elements of size elsz, keeping its first keep. */
static void *
grow(tokctx *t, void *buf, size_t *cap, size_t need, size_t elsz, size_t keep)
{
	size_t		ncap;
	void	   *nb;

	if (need <= *cap)
		return buf;
	ncap = *cap ? *cap : 64;
	while (ncap < need)
		ncap *= 2;
	nb = t->env->alloc(t->env->ctx, ncap * elsz);
	if (buf)
	{
		if (keep > 0)
			memcpy(nb, buf, keep * elsz);
		t->env->release(t->env->ctx, buf);
	}
	*cap = ncap;
	return nb;
}

/* Hand a token to the fused fingerprint sink or to the caller. */
static inline void
deliver(tokctx *t, const lc_tok *tok)
{
	if (t->win)
	{
		t->ntok++;
		lc_winnow_push_inline(t->win, lc_token_hash_inline(tok->norm, tok->normlen, t->seed));
	}
	else if (t->mh)
	{
		t->ntok++;
		lc_minhash_push_inline(t->mh, lc_token_hash_inline(tok->norm, tok->normlen, t->seed));
	}
	else
		t->fn(t->arg, tok);
}

static inline void
tick_now(tokctx *t)
{
	if (t->env->tick)
		t->env->tick(t->env->ctx);
}

/*
 * Tick once pos has moved LC_TICK_BYTES past the last tick.  A scan that
 * goes back over text already read (a piece after its chunk was measured)
 * restarts the count from where it is.
 */
static inline void
maybe_tick(tokctx *t, size_t pos)
{
	if (pos >= t->next_tick)
	{
		tick_now(t);
		t->next_tick = pos + LC_TICK_BYTES;
	}
	else if (pos + 2 * LC_TICK_BYTES < t->next_tick)
		t->next_tick = pos + LC_TICK_BYTES;
}

static inline bool
is_ascii_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Whether p[0..n) holds an ASCII uppercase letter. */
static inline bool
has_upper(tokctx *t, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
	{
		if ((unsigned char) (p[i] - 'A') < 26)
			return true;
		if ((i & (LC_TICK_BYTES - 1)) == LC_TICK_BYTES - 1)
			maybe_tick(t, (size_t) (p - t->s) + i);
	}
	return false;
}

/*
 * Emit a token whose normalized form is the ASCII lowercase of the input;
 * a token with no uppercase letter is passed as it stands in the input.
 */
static inline void
emit_ascii(tokctx *t, size_t bstart, size_t blen, size_t cstart)
{
	lc_tok		tok;

	if (has_upper(t, t->s + bstart, blen))
	{
		if (blen > t->nbufcap)
			t->nbuf = grow(t, t->nbuf, &t->nbufcap, blen, 1, 0);
		for (size_t i = 0; i < blen; i++)
		{
			unsigned char c = (unsigned char) t->s[bstart + i];

			t->nbuf[i] = (c >= 'A' && c <= 'Z') ? (char) (c + 32) : (char) c;
			if ((i & (LC_TICK_BYTES - 1)) == LC_TICK_BYTES - 1)
				maybe_tick(t, bstart + i);
		}
		tok.norm = t->nbuf;
	}
	else
		tok.norm = t->s + bstart;
	tok.normlen = blen;
	tok.byte_start = bstart;
	tok.byte_len = blen;
	tok.char_start = cstart;
	tok.char_len = blen;
	deliver(t, &tok);
}

static const UNormalizer2 *
nfkc_casefold(tokctx *t)
{
	UErrorCode	st = U_ZERO_ERROR;
	const UNormalizer2 *n2 = unorm2_getNFKCCasefoldInstance(&st);

	if (U_FAILURE(st))
	{
		set_err(t, "could not load the NFKC_Casefold normalizer", st);
		return NULL;
	}
	return n2;
}

/*
 * Where the piece of src[p..len) to normalize alone ends: before the
 * character at which a run of LC_NORM_RUN_MAX UTF-16 units with no
 * normalization boundary before any of them would grow longer (the piece's
 * first character counts as having one), before the first character with a
 * boundary once the piece holds LC_NORM_PIECE_MAX units, or len.
 * ICU puts combining marks in canonical order by insertion, in time
 * quadratic in the length of such a run, with no way to interrupt it: a
 * token of a megabyte of marks in reverse order took minutes.  Text has
 * runs of a few characters (Unicode's Stream-Safe Text Format allows 30
 * non-starters in a row); only longer ones are cut, and only they can
 * normalize otherwise than whole.
 */
static int32_t
norm_piece_end(const UNormalizer2 *n2, const UChar *src, int32_t p, int32_t len)
{
	int32_t		run = p;
	int32_t		i = p;
	UChar32		c;

	U16_NEXT(src, i, len, c);
	while (i < len)
	{
		int32_t		j = i;

		U16_NEXT(src, j, len, c);
		if (unorm2_hasBoundaryBefore(n2, c))
		{
			if (i - p >= LC_NORM_PIECE_MAX)
				return i;
			run = i;
		}
		else if (i - run > LC_NORM_RUN_MAX)
			return i;
		i = j;
	}
	return len;
}

/*
 * NFKC_Casefold a UTF-16 string and append it as UTF-8 to t->nbuf, whose
 * first `at` bytes are kept; *outlen = bytes appended.  Returns -1 on error.
 * A string longer than LC_NORM_RUN_MAX is normalized piece by piece (see
 * norm_piece_end), with a tick between pieces.
 */
static int
normalize_u16(tokctx *t, const UChar *src, int32_t srclen, size_t at, size_t *outlen)
{
	UErrorCode	st;
	const UNormalizer2 *n2 = nfkc_casefold(t);
	int32_t		nlen = 0;
	int32_t		ulen;

	if (n2 == NULL)
		return -1;
	for (int32_t p = 0, q; p < srclen; p = q)
	{
		int32_t		n;

		q = srclen <= LC_NORM_RUN_MAX ? srclen : norm_piece_end(n2, src, p, srclen);
		for (;;)
		{
			st = U_ZERO_ERROR;
			n = unorm2_normalize(n2, src + p, q - p, t->n16 ? t->n16 + nlen : NULL,
								 (int32_t) (t->n16cap - (size_t) nlen), &st);
			if (st != U_BUFFER_OVERFLOW_ERROR)
				break;
			t->n16 = grow(t, t->n16, &t->n16cap, (size_t) nlen + (size_t) n + 1, sizeof(UChar),
						  (size_t) nlen);
		}
		if (U_FAILURE(st))
		{
			set_err(t, "could not normalize a token", st);
			return -1;
		}
		nlen += n;
		if (q < srclen)
			tick_now(t);
	}
	for (;;)
	{
		st = U_ZERO_ERROR;
		/* (no buffer yet: a preflight, with no pointer arithmetic on NULL) */
		u_strToUTF8(t->nbuf ? t->nbuf + at : NULL, (int32_t) (t->nbufcap - at), &ulen, t->n16, nlen, &st);
		if (st != U_BUFFER_OVERFLOW_ERROR)
			break;
		t->nbuf = grow(t, t->nbuf, &t->nbufcap, at + (size_t) ulen + 1, 1, at);
	}
	if (U_FAILURE(st) && st != U_STRING_NOT_TERMINATED_WARNING)
	{
		set_err(t, "could not convert a token to UTF-8", st);
		return -1;
	}
	*outlen = (size_t) ulen;
	return 0;
}

/* Whether a UTF-16 string is certainly NFKC_Casefold-normalized already. */
static inline bool
already_normalized(const UChar *src, int32_t len)
{
	UErrorCode	st = U_ZERO_ERROR;
	const UNormalizer2 *n2 = unorm2_getNFKCCasefoldInstance(&st);

	return U_SUCCESS(st) && unorm2_spanQuickCheckYes(n2, src, len, &st) == len && U_SUCCESS(st);
}

/* Back up to the start of a UTF-8 sequence. */
static size_t
utf8_floor(const char *s, size_t pos, size_t min)
{
	while (pos > min && (((unsigned char) s[pos]) & 0xC0) == 0x80)
		pos--;
	return pos;
}

/* Decode the code point at *i (valid UTF-8 assumed, else a negative value). */
static inline UChar32
next_cp(const char *s, size_t len, size_t *i)
{
	UChar32		c;
	int32_t		ii = 0;
	int32_t		n = (int32_t) ((len - *i) > 4 ? 4 : (len - *i));

	U8_NEXT((const uint8_t *) (s + *i), ii, n, c);
	*i += (size_t) ii;
	return c;
}

/*
 * NFKC_Casefold the UTF-8 byte range [bstart, bstart + blen) of the input
 * into t->nbuf.  A long range is normalized in pieces of about
 * LC_TICK_BYTES, each cut before a character that has a normalization
 * boundary before it (so the pieces normalize independently, and the
 * result is that of the whole), with a tick between pieces; a run with no
 * such boundary for another LC_TICK_BYTES is cut where it is (it is cut
 * every LC_NORM_RUN_MAX units anyway, see norm_piece_end).
 */
static int
normalize_utf8(tokctx *t, size_t bstart, size_t blen, size_t *outlen)
{
	const UNormalizer2 *n2 = nfkc_casefold(t);
	size_t		end = bstart + blen;
	size_t		p = bstart;
	size_t		out = 0;

	if (n2 == NULL)
		return -1;
	while (p < end)
	{
		UErrorCode	st = U_ZERO_ERROR;
		size_t		q = end;
		size_t		n;
		int32_t		ulen;

		if (end - p > LC_TICK_BYTES)
		{
			q = utf8_floor(t->s, p + LC_TICK_BYTES, p + 1);
			/* a run with no boundary for as long again is cut where it is (lc_core.h) */
			while (q < end && q - p < 2 * LC_TICK_BYTES)
			{
				size_t		j = q;
				UChar32		c = next_cp(t->s, end, &j);

				if (c < 0 || unorm2_hasBoundaryBefore(n2, c))
					break;
				q = j;
			}
		}
		t->u16 = grow(t, t->u16, &t->u16cap, (q - p) + 1, sizeof(UChar), 0);
		u_strFromUTF8(t->u16, (int32_t) t->u16cap, &ulen, t->s + p, (int32_t) (q - p), &st);
		if (U_FAILURE(st))
		{
			set_err(t, "input is not valid UTF-8", st);
			return -1;
		}
		if (normalize_u16(t, t->u16, ulen, out, &n) < 0)
			return -1;
		out += n;
		p = q;
		maybe_tick(t, p);
	}
	*outlen = out;
	return 0;
}

/* Characters in [a, b) (valid UTF-8). */
static size_t
count_chars(tokctx *t, size_t a, size_t b)
{
	size_t		n = 0;

	for (size_t i = a; i < b; i++)
	{
		n += (((unsigned char) t->s[i]) & 0xC0) != 0x80;
		if ((i & (LC_TICK_BYTES - 1)) == 0)
			maybe_tick(t, i);
	}
	return n;
}

/* ---- break characters: no word crosses one (lc_core.h) ---- */

/*
 * Punctuation and symbols that ICU's word rules break before and after
 * whatever surrounds them (Word_Break Other, outside the scripts segmented
 * by dictionary, not pictographic, and not one of ICU's tailored letters
 * such as '@'), sorted.  test_core.c checks that cutting a text before each
 * of them leaves ICU's tokens unchanged.
 */
static const uint32_t break_chars[] = {
	'!', '#', '$', '%', '&', '(', ')', '*', '+', '-', '/', '<', '=', '>', '?',
	'[', '\\', ']', '^', '`', '{', '|', '}', '~',
	0x00A1, 0x00AB, 0x00BB, 0x00BF, 0x2013, 0x2014, 0x201C, 0x201D,
	0x3001, 0x3002, 0x3008, 0x3009, 0x300A, 0x300B, 0x300C, 0x300D,
	0x300E, 0x300F, 0x3010, 0x3011, 0xFF01, 0xFF08, 0xFF09, 0xFF1F
};

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t	x = *(const uint32_t *) a,
				y = *(const uint32_t *) b;

	return (x > y) - (x < y);
}

bool
lc_is_break_char(uint32_t c)
{
	return bsearch(&c, break_chars, sizeof(break_chars) / sizeof(break_chars[0]),
				   sizeof(break_chars[0]), cmp_u32) != NULL;
}

/* ---------------- mode 'text' ---------------- */

/* ASCII word classes, mirroring ICU's word break properties for ASCII. */
enum
{
	WC_OTHER = 0, WC_LETTER, WC_DIGIT, WC_USCORE, WC_MIDNUMLET, WC_MIDNUM
};

static unsigned char wclass[128];

static void
init_wclass(void)
{
	if (wclass['a'] == WC_LETTER)
		return;
	for (int c = 'a'; c <= 'z'; c++)
		wclass[c] = WC_LETTER;
	for (int c = 'A'; c <= 'Z'; c++)
		wclass[c] = WC_LETTER;
	for (int c = '0'; c <= '9'; c++)
		wclass[c] = WC_DIGIT;
	wclass['@'] = WC_LETTER;
	wclass['_'] = WC_USCORE;
	wclass['.'] = WC_MIDNUMLET;
	wclass['\''] = WC_MIDNUMLET;
	wclass[','] = WC_MIDNUM;
	wclass[';'] = WC_MIDNUM;
}

#define WC_IS_WORD(c) ((c) >= WC_LETTER && (c) <= WC_USCORE)

#ifdef __SSE2__
/* Bit i set when p[i] is a word character: A-Z a-z 0-9 _ @. */
static inline uint32_t
word_mask16(const unsigned char *p)
{
	__m128i		v = _mm_loadu_si128((const __m128i *) p);
	__m128i		lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
	__m128i		letter = _mm_cmplt_epi8(_mm_add_epi8(lower, _mm_set1_epi8((char) (128 - 'a'))),
										_mm_set1_epi8((char) (-128 + 26)));
	__m128i		digit = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char) (128 - '0'))),
									   _mm_set1_epi8((char) (-128 + 10)));
	__m128i		other = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('_')),
									 _mm_cmpeq_epi8(v, _mm_set1_epi8('@')));

	return (uint32_t) _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(letter, digit), other));
}
#endif

/*
 * The first position in [i, b) whose byte is a word character (want) or is
 * not (!want); b if there is none.  Ticks every LC_TICK_BYTES.
 */
static inline size_t
scan_word_class(tokctx *t, const unsigned char *s, size_t i, size_t b, bool want)
{
	for (;;)
	{
		size_t		lim = (b - i > LC_TICK_BYTES) ? i + LC_TICK_BYTES : b;

#ifdef __SSE2__
		while (i + 16 <= lim)
		{
			uint32_t	m = word_mask16(s + i);

			if (!want)
				m = ~m & 0xFFFF;
			if (m)
				return i + (size_t) __builtin_ctz(m);
			i += 16;
		}
#endif
		while (i < lim && WC_IS_WORD(wclass[s[i]]) != want)
			i++;
		if (i < lim || lim == b)
			return i;
		maybe_tick(t, i);
	}
}

/*
 * Segment the pure-ASCII range [a, b); cstart = chars before a.  The range
 * may hold whitespace: it is a non-word byte like any other, and no rule
 * joins across it.
 */
static void
ascii_words(tokctx *t, size_t a, size_t b, size_t cstart)
{
	const unsigned char *s = (const unsigned char *) t->s;
	size_t		i = a;

	for (;;)
	{
		size_t		start;

		i = scan_word_class(t, s, i, b, true);
		if (i >= b)
			break;
		start = i;
		for (;;)
		{
			int			c;

			i = scan_word_class(t, s, i + 1, b, false);
			if (i + 1 >= b)
				break;
			c = wclass[s[i]];
			/* WB6/WB7: letter (MidNumLet|Single_Quote) letter */
			if (c == WC_MIDNUMLET && wclass[s[i - 1]] == WC_LETTER && wclass[s[i + 1]] == WC_LETTER)
				continue;
			/* WB11/WB12: digit (MidNum|MidNumLet|Single_Quote) digit */
			if ((c == WC_MIDNUMLET || c == WC_MIDNUM) &&
				wclass[s[i - 1]] == WC_DIGIT && wclass[s[i + 1]] == WC_DIGIT)
				continue;
			break;
		}
		/* ICU gives a lone '_' the rule status of a non-word */
		if (i - start == 1 && s[start] == '_')
			continue;
		emit_ascii(t, start, i - start, cstart + (start - a));
		maybe_tick(t, i);
	}
}

/* Walks UTF-16 indexes of a region alongside its UTF-8 bytes and chars. */
typedef struct walker
{
	const UChar *u;
	size_t		i16;
	size_t		ibyte;
	size_t		ichar;
} walker;

static inline void
walk_to(walker *w, size_t target16)
{
	while (w->i16 < target16)
	{
		UChar		c = w->u[w->i16];

		if (U16_IS_LEAD(c))
		{
			w->i16 += 2;
			w->ibyte += 4;
		}
		else
		{
			w->i16 += 1;
			w->ibyte += c < 0x80 ? 1 : (c < 0x800 ? 2 : 3);
		}
		w->ichar++;
	}
}

/*
 * Segment the region [a, b) with ICU; cstart = chars before a.  Returns the
 * number of code points in the region, or (size_t) -1 on error.
 */
static size_t
icu_region(tokctx *t, size_t a, size_t b, size_t cstart)
{
	UErrorCode	st = U_ZERO_ERROR;
	int32_t		ulen;
	int32_t		s16,
				e16;
	walker		w;

	t->u16 = grow(t, t->u16, &t->u16cap, (b - a) + 1, sizeof(UChar), 0);
	u_strFromUTF8(t->u16, (int32_t) t->u16cap, &ulen, t->s + a, (int32_t) (b - a), &st);
	if (U_FAILURE(st))
	{
		set_err(t, "input is not valid UTF-8", st);
		return (size_t) -1;
	}
	if (cached_word_bi == NULL)
	{
		st = U_ZERO_ERROR;
		cached_word_bi = ubrk_open(UBRK_WORD, "", NULL, 0, &st);
		if (U_FAILURE(st))
		{
			cached_word_bi = NULL;
			set_err(t, "could not open an ICU word break iterator", st);
			return (size_t) -1;
		}
	}
	st = U_ZERO_ERROR;
	ubrk_setText(cached_word_bi, t->u16, ulen, &st);
	if (U_FAILURE(st))
	{
		set_err(t, "could not set the text of the word break iterator", st);
		return (size_t) -1;
	}

	w.u = t->u16;
	w.i16 = w.ibyte = w.ichar = 0;
	s16 = ubrk_first(cached_word_bi);
	while ((e16 = ubrk_next(cached_word_bi)) != UBRK_DONE)
	{
		if (ubrk_getRuleStatus(cached_word_bi) >= UBRK_WORD_NONE_LIMIT)
		{
			lc_tok		tok;
			size_t		b0,
						c0;

			walk_to(&w, (size_t) s16);
			b0 = w.ibyte;
			c0 = w.ichar;
			walk_to(&w, (size_t) e16);
			if (already_normalized(t->u16 + s16, e16 - s16))
			{
				/* the input bytes are the normalized form */
				tok.norm = t->s + a + b0;
				tok.normlen = w.ibyte - b0;
			}
			else
			{
				if (normalize_u16(t, t->u16 + s16, e16 - s16, 0, &tok.normlen) < 0)
					return (size_t) -1;
				tok.norm = t->nbuf;
			}
			tok.byte_start = a + b0;
			tok.byte_len = w.ibyte - b0;
			tok.char_start = cstart + c0;
			tok.char_len = w.ichar - c0;
			deliver(t, &tok);
			maybe_tick(t, a + w.ibyte);
		}
		s16 = e16;
	}
	walk_to(&w, (size_t) ulen);
	return w.ichar;
}

/* The first byte >= 0x80 in [pos, end), or end; eight bytes at a time. */
static size_t
find_nonascii(tokctx *t, size_t pos, size_t end)
{
	const unsigned char *s = (const unsigned char *) t->s;

	for (;;)
	{
		size_t		lim = (end - pos > LC_TICK_BYTES) ? pos + LC_TICK_BYTES : end;

		while (pos + 8 <= lim)
		{
			uint64_t	w;

			memcpy(&w, s + pos, 8);
			if (w & 0x8080808080808080ULL)
				break;
			pos += 8;
		}
		while (pos < lim && s[pos] < 0x80)
			pos++;
		if (pos < lim || lim == end)
			return pos;
		maybe_tick(t, pos);
	}
}

/* The end of the chunk (non-whitespace stretch) at pos, scanning at most to lim. */
static size_t
chunk_end(tokctx *t, size_t pos, size_t lim)
{
	while (pos < lim && !is_ascii_space((unsigned char) t->s[pos]))
	{
		pos++;
		maybe_tick(t, pos);
	}
	return pos;
}

/* The start of the chunk that holds pos, not before min. */
static size_t
chunk_start(tokctx *t, size_t pos, size_t min)
{
	size_t		from = pos;

	while (pos > min && !is_ascii_space((unsigned char) t->s[pos - 1]))
	{
		pos--;
		if (((from - pos) & (LC_TICK_BYTES - 1)) == 0)
			tick_now(t);
	}
	return pos;
}

/*
 * Where the piece of a long chunk that starts at p ends (the chunk ends at
 * ce; *run is the start of the run p is in, updated): at the run's next
 * forced cut, LC_RUN_MAX bytes after its start, moved back to a code point;
 * or, when the run_max bytes from p hold a break character, before the last
 * of them.  Pieces are thus at most run_max + 3 bytes.
 */
static size_t
piece_end(tokctx *t, size_t p, size_t ce, size_t *run)
{
	size_t		forced = SIZE_MAX;
	size_t		last_break = 0;
	size_t		i = p;

	if (*run + t->run_max < ce)
		forced = utf8_floor(t->s, *run + t->run_max, *run + 1);
	while (i < ce)
	{
		size_t		j = i;
		UChar32		c;

		if (i >= forced)
		{
			*run = forced;
			return forced;
		}
		if (i - p >= t->run_max && last_break > p)
			return last_break;	/* *run is already the run after it */
		c = next_cp(t->s, ce, &j);
		if (c >= 0 && lc_is_break_char((uint32_t) c))
		{
			last_break = i;
			*run = j;
			forced = (j + t->run_max < ce) ? utf8_floor(t->s, j + t->run_max, j + 1) : SIZE_MAX;
		}
		i = j;
		maybe_tick(t, i);
	}
	return ce;
}

/* Segment [a, b), which holds no run longer than run_max; returns its chars or -1. */
static size_t
segment(tokctx *t, size_t a, size_t b, size_t cstart)
{
	if (t->fast && find_nonascii(t, a, b) == b)
	{
		ascii_words(t, a, b, cstart);
		return b - a;
	}
	return icu_region(t, a, b, cstart);
}

/* Segment a chunk longer than run_max piece by piece; returns its chars or -1. */
static size_t
long_chunk(tokctx *t, size_t a, size_t b, size_t cstart)
{
	size_t		run = a;
	size_t		p = a;
	size_t		chars = 0;

	while (p < b)
	{
		size_t		e = piece_end(t, p, b, &run);
		size_t		n = segment(t, p, e, cstart + chars);

		if (n == (size_t) -1)
			return n;
		chars += n;
		p = e;
	}
	return chars;
}

/*
 * The fast path over the pure-ASCII range [a, b), whose ends are chunk
 * boundaries.  A chunk longer than run_max is cut into pieces as on the ICU
 * path; such a chunk covers a whole block of run_max / 2 bytes of any
 * tiling, so only blocks without whitespace (rare) need a closer look.
 */
static int
ascii_range(tokctx *t, size_t a, size_t b, size_t cstart)
{
	const unsigned char *s = (const unsigned char *) t->s;
	size_t		half = t->run_max / 2;
	size_t		from = a;
	size_t		blk = a;

	while (blk + half <= b)
	{
		size_t		i = blk;
		size_t		cs,
					ce;

		maybe_tick(t, blk);
		while (i < blk + half && !is_ascii_space(s[i]))
			i++;
		if (i < blk + half)
		{
			blk += half;
			continue;
		}
		cs = chunk_start(t, blk, from);
		ce = chunk_end(t, blk + half, b);
		if (ce - cs > t->run_max)
		{
			ascii_words(t, from, cs, cstart + (from - a));
			if (long_chunk(t, cs, ce, cstart + (cs - a)) == (size_t) -1)
				return -1;
			from = ce;
		}
		blk = ce;
	}
	ascii_words(t, from, b, cstart + (from - a));
	return 0;
}

static int
tokenize_text(tokctx *t)
{
	const unsigned char *s = (const unsigned char *) t->s;
	size_t		len = t->len;
	size_t		pos = 0;
	size_t		cpos = 0;

	init_wclass();
	while (pos < len)
	{
		size_t		end;
		size_t		nchars;

		maybe_tick(t, pos);
		if (t->fast)
		{
			/*
			 * Everything up to the chunk that holds the next non-ASCII byte
			 * is one pure-ASCII range.
			 */
			size_t		na = find_nonascii(t, pos, len);
			size_t		cut = (na < len) ? chunk_start(t, na, pos) : na;

			if (cut > pos)
			{
				if (ascii_range(t, pos, cut, cpos) < 0)
					return -1;
				cpos += cut - pos;
				pos = cut;
				continue;
			}
		}
		while (pos < len && is_ascii_space(s[pos]))
		{
			pos++;
			cpos++;
			maybe_tick(t, pos);
		}
		if (pos >= len)
			break;

		end = chunk_end(t, pos, len);
		if (end - pos > t->run_max)
			nchars = long_chunk(t, pos, end, cpos);
		else
		{
			/*
			 * An ICU region: the chunk at pos and the chunks after it that
			 * also hold non-ASCII bytes (all of them when the fast path is
			 * off), up to LC_REGION_MAX bytes; a long chunk is never merged.
			 */
			for (;;)
			{
				size_t		q = end;
				size_t		e2;
				bool		na2 = false;

				while (q < len && is_ascii_space(s[q]))
				{
					q++;
					maybe_tick(t, q);
				}
				if (q >= len)
					break;
				e2 = q;
				while (e2 < len && !is_ascii_space(s[e2]) && e2 - q <= t->run_max)
				{
					na2 |= (s[e2] & 0x80) != 0;
					e2++;
				}
				if ((t->fast && !na2) || e2 - q > t->run_max || e2 - pos > LC_REGION_MAX)
					break;
				end = e2;
			}
			nchars = icu_region(t, pos, end, cpos);
		}
		if (nchars == (size_t) -1)
			return -1;
		cpos += nchars;
		pos = end;
	}
	return 0;
}

/* ---------------- mode 'code' ---------------- */

static const char *const code_ops3[] = {
	">>>", "<<=", ">>=", "===", "!==", "...", "**=", "//=", "<=>", "&&=", "||=", "?\?=", NULL
};
static const char *const code_ops2[] = {
	"==", "!=", "<=", ">=", "&&", "||", "++", "--", "+=", "-=", "*=", "/=", "%=",
	"&=", "|=", "^=", "->", "=>", "::", "<<", ">>", "**", "??", "?.", "..", ":=", NULL
};

static size_t
match_op(const unsigned char *p, size_t avail)
{
	if (avail >= 3)
		for (int i = 0; code_ops3[i]; i++)
			if (memcmp(p, code_ops3[i], 3) == 0)
				return 3;
	if (avail >= 2)
		for (int i = 0; code_ops2[i]; i++)
			if (memcmp(p, code_ops2[i], 2) == 0)
				return 2;
	return 1;
}

static inline bool
code_ident_ascii(unsigned char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' ||
		(!first && c >= '0' && c <= '9');
}

static inline bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/*
 * The end of the identifier whose first character ends before i: ASCII
 * identifier characters and Unicode ID_Continue; *ascii cleared when it
 * holds a non-ASCII one.
 */
static size_t
ident_end(tokctx *t, size_t i, bool *ascii)
{
	const unsigned char *s = (const unsigned char *) t->s;

	while (i < t->len)
	{
		maybe_tick(t, i);
		if (s[i] < 0x80)
		{
			if (!code_ident_ascii(s[i], false))
				break;
			i++;
		}
		else
		{
			size_t		j = i;
			UChar32		cp = next_cp(t->s, t->len, &j);

			if (cp < 0 || !u_hasBinaryProperty(cp, UCHAR_ID_CONTINUE))
				break;
			i = j;
			*ascii = false;
		}
	}
	return i;
}

static inline bool
is_number_start(const unsigned char *s, size_t i, size_t len)
{
	return is_digit(s[i]) || (s[i] == '.' && i + 1 < len && is_digit(s[i + 1]));
}

/* The end of the number that starts at i: digits, letters, '.', signed exponents. */
static size_t
number_end(tokctx *t, size_t i)
{
	const unsigned char *s = (const unsigned char *) t->s;
	bool		hex = (s[i] == '0' && i + 1 < t->len && (s[i + 1] == 'x' || s[i + 1] == 'X'));

	i++;
	while (i < t->len)
	{
		unsigned char d = s[i];

		maybe_tick(t, i);
		if (code_ident_ascii(d, false) || d == '.')
			i++;
		else if ((d == '+' || d == '-') &&
				 ((!hex && (s[i - 1] == 'e' || s[i - 1] == 'E')) ||
				  (hex && (s[i - 1] == 'p' || s[i - 1] == 'P'))))
			i++;
		else
			break;
	}
	return i;
}

/*
 * The token that starts with the non-ASCII character at *i: *i moves past
 * it (an identifier, *ident set, or any other character alone, an
 * operator).  Returns 1, or 0 for whitespace (no token), or -1 for input
 * that is not UTF-8.
 */
static int
nonascii_token(tokctx *t, size_t *i, bool *ident)
{
	UChar32		cp = next_cp(t->s, t->len, i);
	bool		ascii;

	if (cp < 0)
	{
		if (t->err && t->errlen > 0)
			snprintf(t->err, t->errlen, "input is not valid UTF-8");
		return -1;
	}
	if (u_isUWhiteSpace(cp))
		return 0;
	*ident = u_hasBinaryProperty(cp, UCHAR_ID_START);
	if (*ident)
		*i = ident_end(t, *i, &ascii);
	return 1;
}

/* The position of the next newline at or after i, or the end of the text. */
static size_t
line_end(tokctx *t, size_t i)
{
	while (i < t->len)
	{
		size_t		lim = (t->len - i > LC_TICK_BYTES) ? i + LC_TICK_BYTES : t->len;
		const char *nl = memchr(t->s + i, '\n', lim - i);

		if (nl)
			return (size_t) (nl - t->s);
		i = lim;
		maybe_tick(t, i);
	}
	return t->len;
}

/* Deliver the token norm[0..normlen) read from [a, b) of the input. */
static inline void
deliver_span(tokctx *t, const char *norm, size_t normlen, size_t a, size_t b,
			 size_t cstart, size_t nchars)
{
	lc_tok		tok;

	tok.norm = norm;
	tok.normlen = normlen;
	tok.byte_start = a;
	tok.byte_len = b - a;
	tok.char_start = cstart;
	tok.char_len = nchars;
	deliver(t, &tok);
}

static int
emit_code(tokctx *t, size_t a, size_t b, size_t cstart, size_t nchars, bool ascii)
{
	lc_tok		tok;

	if (ascii && t->fast)
	{
		emit_ascii(t, a, b - a, cstart);
		return 0;
	}
	if (normalize_utf8(t, a, b - a, &tok.normlen) < 0)
		return -1;
	deliver_span(t, t->nbuf, tok.normlen, a, b, cstart, nchars);
	return 0;
}

static int
tokenize_code(tokctx *t)
{
	const unsigned char *s = (const unsigned char *) t->s;
	size_t		len = t->len;
	size_t		i = 0;
	size_t		ci = 0;

	while (i < len)
	{
		unsigned char c = s[i];
		size_t		start = i;
		bool		ascii = true;

		maybe_tick(t, i);
		if (c < 0x80)
		{
			if (is_ascii_space(c))
			{
				i++;
				ci++;
				maybe_tick(t, i);
				continue;
			}
			/* comments */
			if (c == '/' && i + 1 < len && (s[i + 1] == '/' || s[i + 1] == '*'))
			{
				if (s[i + 1] == '/')
					i = line_end(t, i);
				else
				{
					i += 2;
					while (i < len && !(s[i] == '*' && i + 1 < len && s[i + 1] == '/'))
					{
						i++;
						maybe_tick(t, i);
					}
					i = (i < len) ? i + 2 : len;
				}
				ci += count_chars(t, start, i);
				continue;
			}
			if (c == '#' && (i + 1 >= len || s[i + 1] == ' ' || s[i + 1] == '\t' ||
							 s[i + 1] == '!' || s[i + 1] == '#' ||
							 s[i + 1] == '\n' || s[i + 1] == '\r'))
			{
				i = line_end(t, i);
				ci += count_chars(t, start, i);
				continue;
			}
			if (code_ident_ascii(c, true))
				i = ident_end(t, i, &ascii);
			else if (is_number_start(s, i, len))
				i = number_end(t, i);
			else if (c == '"' || c == '\'' || c == '`')
			{
				bool		triple = (c != '`' && i + 2 < len && s[i + 1] == c && s[i + 2] == c);
				bool		multiline = triple || c == '`';

				i += triple ? 3 : 1;
				while (i < len)
				{
					maybe_tick(t, i);
					if (s[i] == '\\' && i + 1 < len)
					{
						i += 2;
						continue;
					}
					if (s[i] == '\n' && !multiline)
						break;
					if (s[i] == c)
					{
						if (!triple)
						{
							i++;
							break;
						}
						if (i + 2 < len && s[i + 1] == c && s[i + 2] == c)
						{
							i += 3;
							break;
						}
					}
					if (s[i] >= 0x80)
						ascii = false;
					i++;
				}
				if (i > len)
					i = len;
			}
			else
				i += match_op(s + i, len - i);
		}
		else
		{
			bool		ident;
			int			r = nonascii_token(t, &i, &ident);

			ascii = false;
			if (r < 0)
				return -1;
			if (r == 0)
			{
				ci++;
				continue;
			}
		}
		{
			size_t		n = ascii ? i - start : count_chars(t, start, i);

			if (emit_code(t, start, i, ci, n, ascii) < 0)
				return -1;
			ci += n;
		}
	}
	return 0;
}

/* ---------------- modes 'code:<language>' ---------------- */

/*
 * One scanner reads every language; what differs between languages is a
 * row of lang_syntax: the comment openers, the quote characters and how a
 * string in them ends, a few special forms (Rust raw strings and lifetimes,
 * SQL dollar quotes), whether bare words fold, and the keywords that the
 * ':kinds' variants keep.
 *
 * What the scanner emits: identifiers, numbers, string literals (one token
 * each, quotes included) and operators, as match_op() cuts them, exactly as
 * written: the languages are case-sensitive, so case is kept, and nothing
 * is normalized (the offsets are those of the text, so evidence spans show
 * it).  SQL is the exception: its keywords and unquoted identifiers are
 * case-insensitive, so bare words fold as in mode 'code' (NFKC_Casefold);
 * its quoted identifiers and strings keep their case.
 *
 * ':kinds' replaces each identifier by the token "<id>", the way JPlag,
 * Dolos and MOSS normalize tokens, so renaming variables changes no token.
 * Kept as written: the language's keywords, the name after a member access
 * ('.', '?.', '->': the name of another module's API, which a rename of the
 * copied code does not touch), numbers and string literals (evidence a
 * renaming leaves alone).  No token of the text can be "<id>".  In
 * JavaScript ';' is dropped too: it is optional there, and reformatters
 * add or remove it (measured in BENCHMARKS.md: a copy reprinted with
 * semicolons otherwise loses a k-gram every few tokens).
 */

#define Q_ESCAPES	0x01		/* a backslash escapes the next character */
#define Q_DOUBLED	0x02		/* the quote doubled stands for itself (SQL '') */
#define Q_MULTILINE	0x04		/* a newline does not end the literal */
#define Q_TRIPLE	0x08		/* tripled, it opens a literal that a triple closes */
#define Q_IDENT		0x10		/* a quoted identifier (SQL "name"), not a string */

typedef struct quote_rule
{
	char		q;
	uint8_t		flags;
} quote_rule;

#define L_SHELL_HASH	0x01	/* '#' opens a comment only at the start of a word */
#define L_RUST_RAW		0x02	/* r"...", r#"..."#, br"..." */
#define L_RUST_CHAR		0x04	/* 'x' is a character, 'a (no closing quote) a lifetime */
#define L_DOLLAR		0x08	/* $$ and $tag$ are one token each */
#define L_FOLD_WORDS	0x10	/* bare words are case-insensitive */
#define L_ASI			0x20	/* ';' is optional (JavaScript): not a kind token */

typedef struct lang_syntax
{
	const char *line[2];		/* line comment openers */
	const char *block_open;		/* block comment, or NULL */
	const char *block_close;
	bool		block_nests;
	quote_rule	quotes[4];
	uint8_t		flags;
	const char *const *keywords;	/* sorted (strcmp), NULL-terminated */
} lang_syntax;

static const char *const kw_python[] = {
	"False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
	"continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
	"if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
	"return", "try", "while", "with", "yield", NULL
};
static const char *const kw_js[] = {
	"as", "async", "await", "break", "case", "catch", "class", "const", "continue",
	"debugger", "default", "delete", "do", "else", "enum", "export", "extends", "false",
	"finally", "for", "from", "function", "if", "implements", "import", "in", "instanceof",
	"interface", "let", "new", "null", "of", "private", "protected", "public", "readonly",
	"return", "static", "super", "switch", "this", "throw", "true", "try", "type", "typeof",
	"undefined", "var", "void", "while", "with", "yield", NULL
};
static const char *const kw_java[] = {
	"abstract", "boolean", "break", "byte", "case", "catch", "char", "class", "const",
	"continue", "default", "do", "double", "else", "enum", "extends", "false", "final",
	"finally", "float", "for", "if", "implements", "import", "instanceof", "int",
	"interface", "long", "new", "null", "package", "private", "protected", "public",
	"return", "short", "static", "super", "switch", "synchronized", "this", "throw",
	"throws", "true", "try", "var", "void", "volatile", "while", NULL
};
static const char *const kw_c[] = {
	"NULL", "auto", "bool", "break", "case", "catch", "char", "class", "const", "continue",
	"default", "delete", "do", "double", "else", "enum", "extern", "false", "float", "for",
	"goto", "if", "inline", "int", "long", "namespace", "new", "nullptr", "private",
	"protected", "public", "register", "return", "short", "signed", "sizeof", "static",
	"struct", "switch", "template", "this", "throw", "true", "try", "typedef", "typename",
	"union", "unsigned", "using", "virtual", "void", "volatile", "while", NULL
};
static const char *const kw_go[] = {
	"break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough",
	"false", "for", "func", "go", "goto", "if", "import", "interface", "map", "nil",
	"package", "range", "return", "select", "struct", "switch", "true", "type", "var", NULL
};
static const char *const kw_rust[] = {
	"Self", "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else",
	"enum", "extern", "false", "fn", "for", "if", "impl", "in", "let", "loop", "match",
	"mod", "move", "mut", "pub", "ref", "return", "self", "static", "struct", "super",
	"trait", "true", "type", "unsafe", "use", "where", "while", NULL
};
static const char *const kw_sh[] = {
	"case", "do", "done", "elif", "else", "esac", "export", "fi", "for", "function", "if",
	"in", "local", "return", "select", "then", "until", "while", NULL
};
/* lowercase: SQL words are compared folded */
static const char *const kw_sql[] = {
	"all", "alter", "and", "as", "asc", "begin", "between", "by", "case", "check",
	"commit", "constraint", "create", "cross", "declare", "default", "delete", "desc",
	"distinct", "drop", "else", "end", "exists", "false", "for", "foreign", "from",
	"function", "full", "group", "having", "if", "in", "index", "inner", "insert", "into",
	"is", "join", "key", "left", "like", "limit", "not", "null", "offset", "on", "or",
	"order", "outer", "primary", "references", "replace", "return", "returns", "right",
	"select", "set", "table", "then", "true", "union", "unique", "update", "using",
	"values", "view", "when", "where", "with", NULL
};

/* Indexed by lc_lang; LC_LANG_AUTO reads as the language it guesses. */
static const lang_syntax lang_table[LC_LANG_COUNT] = {
	[LC_LANG_PYTHON] = {{"#"}, NULL, NULL, false,
		{{'"', Q_ESCAPES | Q_TRIPLE}, {'\'', Q_ESCAPES | Q_TRIPLE}}, 0, kw_python},
	[LC_LANG_JS] = {{"//"}, "/*", "*/", false,
		{{'"', Q_ESCAPES}, {'\'', Q_ESCAPES}, {'`', Q_ESCAPES | Q_MULTILINE}}, L_ASI, kw_js},
	[LC_LANG_JAVA] = {{"//"}, "/*", "*/", false,
		{{'"', Q_ESCAPES | Q_TRIPLE}, {'\'', Q_ESCAPES}}, 0, kw_java},
	[LC_LANG_C] = {{"//"}, "/*", "*/", false,
		{{'"', Q_ESCAPES}, {'\'', Q_ESCAPES}}, 0, kw_c},
	[LC_LANG_GO] = {{"//"}, "/*", "*/", false,
		{{'"', Q_ESCAPES}, {'\'', Q_ESCAPES}, {'`', Q_MULTILINE}}, 0, kw_go},
	[LC_LANG_RUST] = {{"//"}, "/*", "*/", true,
		{{'"', Q_ESCAPES | Q_MULTILINE}}, L_RUST_RAW | L_RUST_CHAR, kw_rust},
	[LC_LANG_SH] = {{"#"}, NULL, NULL, false,
		{{'"', Q_ESCAPES | Q_MULTILINE}, {'\'', Q_MULTILINE}}, L_SHELL_HASH, kw_sh},
	[LC_LANG_SQL] = {{"--"}, "/*", "*/", true,
		{{'\'', Q_DOUBLED | Q_MULTILINE}, {'"', Q_DOUBLED | Q_MULTILINE | Q_IDENT}},
		L_DOLLAR | L_FOLD_WORDS, kw_sql},
};

static const char *const lang_names[LC_LANG_COUNT] = {
	"", "python", "js", "java", "c", "go", "rust", "sh", "sql", "auto"
};

const char *
lc_lang_name(lc_lang lang)
{
	return (unsigned) lang < LC_LANG_COUNT ? lang_names[lang] : "?";
}

/* Token kinds of the scanner. */
typedef enum
{
	K_WORD, K_NUMBER, K_STRING, K_QUOTED_IDENT, K_OP
} tok_kind;

static inline bool
starts_with(const tokctx *t, size_t i, const char *p)
{
	size_t		n = strlen(p);

	return n <= t->len - i && memcmp(t->s + i, p, n) == 0;
}

/* The end of a block comment opened at i (nested ones too when the language nests them). */
static size_t
block_comment_end(tokctx *t, const lang_syntax *L, size_t i)
{
	size_t		depth = 1;
	size_t		no = strlen(L->block_open),
				nc = strlen(L->block_close);

	i += no;
	while (i < t->len)
	{
		maybe_tick(t, i);
		if (starts_with(t, i, L->block_close))
		{
			i += nc;
			if (--depth == 0)
				return i;
		}
		else if (L->block_nests && starts_with(t, i, L->block_open))
		{
			i += no;
			depth++;
		}
		else
			i++;
	}
	return t->len;
}

/* The end of the literal that the quote rule r opens at i. */
static size_t
quoted_end(tokctx *t, const quote_rule *r, size_t i)
{
	const unsigned char *s = (const unsigned char *) t->s;
	char		q = r->q;
	bool		triple = (r->flags & Q_TRIPLE) && i + 2 < t->len && s[i + 1] == q && s[i + 2] == q;

	i += triple ? 3 : 1;
	while (i < t->len)
	{
		maybe_tick(t, i);
		if ((r->flags & Q_ESCAPES) && s[i] == '\\' && i + 1 < t->len)
			i += 2;
		else if (s[i] == '\n' && !triple && !(r->flags & Q_MULTILINE))
			return i;
		else if (s[i] != q)
			i++;
		else if (triple)
		{
			if (i + 2 < t->len && s[i + 1] == q && s[i + 2] == q)
				return i + 3;
			i++;
		}
		else if ((r->flags & Q_DOUBLED) && i + 1 < t->len && s[i + 1] == q)
			i += 2;
		else
			return i + 1;
	}
	return t->len;
}

/* Rust r"...", r#"..."#, br"...": the literal's end, or 0 when i opens none. */
static size_t
rust_raw_end(tokctx *t, size_t i)
{
	const unsigned char *s = (const unsigned char *) t->s;
	size_t		j = i + (s[i] == 'b' ? 1 : 0);
	size_t		hashes = 0;

	if (j >= t->len || s[j] != 'r' || (i > 0 && code_ident_ascii(s[i - 1], false)))
		return 0;
	j++;
	while (j < t->len && s[j] == '#')
	{
		j++;
		hashes++;
	}
	if (j >= t->len || s[j] != '"')
		return 0;
	for (j++; j < t->len; j++)
	{
		size_t		h = 0;

		maybe_tick(t, j);
		if (s[j] != '"')
			continue;
		while (h < hashes && j + 1 + h < t->len && s[j + 1 + h] == '#')
			h++;
		if (h == hashes)
			return j + 1 + h;
	}
	return t->len;
}

/* Rust 'x' and '\n': the character literal's end, or 0 when i opens a lifetime. */
static size_t
rust_char_end(tokctx *t, size_t i)
{
	const unsigned char *s = (const unsigned char *) t->s;
	size_t		j = i + 1;

	if (j >= t->len || s[j] == '\n')
		return 0;
	if (s[j] == '\\')
	{
		for (j += 2; j < t->len && j < i + 16; j++)
			if (s[j] == '\'')
				return j + 1;
		return 0;
	}
	(void) next_cp(t->s, t->len, &j);
	return (j < t->len && s[j] == '\'') ? j + 1 : 0;
}

/*
 * SQL $tag$ and $$: the end of the delimiter at i, or 0 when i opens none
 * ($1 is a parameter).  The delimiter is one token and what it quotes is
 * read as SQL: a dollar-quoted text is most often a function's body, whose
 * statements a copy keeps; a quoted text that holds a quote of its own
 * reads as a string that runs on.
 */
static size_t
dollar_tag_end(tokctx *t, size_t i)
{
	const unsigned char *s = (const unsigned char *) t->s;
	size_t		j = i + 1;

	if (j < t->len && code_ident_ascii(s[j], true) && s[j] != '$')
		while (j < t->len && code_ident_ascii(s[j], false) && s[j] != '$')
			maybe_tick(t, ++j);
	return (j < t->len && s[j] == '$') ? j + 1 : 0;
}

/* Whether the word [a, b) is a keyword of the language (folded for SQL). */
static bool
is_keyword(tokctx *t, const lang_syntax *L, size_t a, size_t b)
{
	char		w[24];
	size_t		n = b - a;

	if (n >= sizeof(w))
		return false;
	for (size_t i = 0; i < n; i++)
	{
		unsigned char c = (unsigned char) t->s[a + i];

		w[i] = (char) ((L->flags & L_FOLD_WORDS) && c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	w[n] = '\0';
	for (const char *const *k = L->keywords; *k; k++)
	{
		int			cmp = strcmp(*k, w);

		if (cmp == 0)
			return true;
		if (cmp > 0)
			break;
	}
	return false;
}

/* Whether '#' at i opens a comment in the shell: at the start of a word. */
static inline bool
shell_word_start(const unsigned char *s, size_t i)
{
	return i == 0 || is_ascii_space(s[i - 1]) || strchr(";|&()<>", s[i - 1]) != NULL;
}

/* The comment that starts at i, or 0 if none does: its end. */
static size_t
comment_end(tokctx *t, const lang_syntax *L, size_t i)
{
	const unsigned char *s = (const unsigned char *) t->s;

	for (int k = 0; k < 2 && L->line[k]; k++)
		if (starts_with(t, i, L->line[k]) &&
			!((L->flags & L_SHELL_HASH) && !shell_word_start(s, i)))
			return line_end(t, i);
	if (L->block_open && starts_with(t, i, L->block_open))
		return block_comment_end(t, L, i);
	return 0;
}

static const quote_rule *
quote_rule_of(const lang_syntax *L, unsigned char c)
{
	for (int k = 0; k < 4 && L->quotes[k].q; k++)
		if ((unsigned char) L->quotes[k].q == c)
			return &L->quotes[k];
	return NULL;
}

/*
 * Emit [a, b) of kind k.  *member says whether the last token was a member
 * access, after which a name is kept in ':kinds'.
 */
static int
emit_lang(tokctx *t, const lang_syntax *L, bool kinds, tok_kind k,
		  size_t a, size_t b, size_t cstart, size_t nchars, bool ascii, bool *member)
{
	bool		after_member = *member;

	*member = (k == K_OP && ((b - a == 1 && t->s[a] == '.') ||
							 (b - a == 2 && (memcmp(t->s + a, "?.", 2) == 0 ||
											 memcmp(t->s + a, "->", 2) == 0))));
	if (kinds && (L->flags & L_ASI) && k == K_OP && b - a == 1 && t->s[a] == ';')
		return 0;
	if (kinds && (k == K_QUOTED_IDENT || (k == K_WORD && !after_member && !is_keyword(t, L, a, b))))
		deliver_span(t, "<id>", 4, a, b, cstart, nchars);
	else if (k == K_WORD && (L->flags & L_FOLD_WORDS))
		return emit_code(t, a, b, cstart, nchars, ascii);
	else
		deliver_span(t, t->s + a, b - a, a, b, cstart, nchars);
	return 0;
}

static int
tokenize_lang(tokctx *t, lc_lang lang, bool kinds)
{
	const lang_syntax *L = &lang_table[lang];
	const unsigned char *s = (const unsigned char *) t->s;
	size_t		len = t->len;
	size_t		i = 0;
	size_t		ci = 0;
	bool		member = false;

	while (i < len)
	{
		unsigned char c = s[i];
		size_t		start = i;
		size_t		e;
		bool		ascii = true;
		tok_kind	k = K_OP;
		const quote_rule *qr;

		maybe_tick(t, i);
		if (c >= 0x80)
		{
			bool		ident;
			int			r = nonascii_token(t, &i, &ident);

			if (r < 0)
				return -1;
			if (r == 0)
			{
				ci++;
				continue;
			}
			ascii = false;
			if (ident)
				k = K_WORD;
		}
		else if (is_ascii_space(c))
		{
			i++;
			ci++;
			continue;
		}
		else if ((e = comment_end(t, L, i)) > 0)
		{
			ci += count_chars(t, start, e);
			i = e;
			continue;
		}
		else if ((L->flags & L_RUST_RAW) && (c == 'r' || c == 'b') && (e = rust_raw_end(t, i)) > 0)
		{
			i = e;
			k = K_STRING;
		}
		else if ((L->flags & L_DOLLAR) && c == '$' && (e = dollar_tag_end(t, i)) > 0)
			i = e;
		else if ((L->flags & L_RUST_CHAR) && c == '\'')
		{
			e = rust_char_end(t, i);
			i = e > 0 ? e : i + 1;
			k = e > 0 ? K_STRING : K_OP;
		}
		else if ((qr = quote_rule_of(L, c)) != NULL)
		{
			i = quoted_end(t, qr, i);
			k = (qr->flags & Q_IDENT) ? K_QUOTED_IDENT : K_STRING;
		}
		else if (code_ident_ascii(c, true))
		{
			i = ident_end(t, i, &ascii);
			k = K_WORD;
		}
		else if (is_number_start(s, i, len))
		{
			i = number_end(t, i);
			k = K_NUMBER;
		}
		else
			i += match_op(s + i, len - i);

		if (k == K_STRING || k == K_QUOTED_IDENT)
			ascii = find_nonascii(t, start, i) == i;
		{
			size_t		n = ascii ? i - start : count_chars(t, start, i);

			if (emit_lang(t, L, kinds, k, start, i, ci, n, ascii, &member) < 0)
				return -1;
			ci += n;
		}
	}
	return 0;
}

/* ---- the guess of 'code:auto' ---- */

/*
 * Each language has marks: strings its code holds often and the others
 * seldom.  The guess reads the first LC_GUESS_BYTES of the text, counts each
 * mark (at most LC_GUESS_CAP times, so one repeated line does not decide;
 * a mark that starts with a letter only at the start of a word; SQL's marks
 * in any case) and takes the language of the highest weighted count; ties
 * go to the earlier language of the table, and a text with no mark is read
 * as C (the comment and string rules most languages share).  A "#!" line
 * naming python, node or a shell decides alone.
 */
#define LC_GUESS_BYTES (16 * 1024)
#define LC_GUESS_CAP 8

typedef struct guess_mark
{
	lc_lang		lang;
	const char *mark;
	int			weight;
} guess_mark;

static const guess_mark guess_marks[] = {
	{LC_LANG_PYTHON, "def ", 3}, {LC_LANG_PYTHON, "self.", 3}, {LC_LANG_PYTHON, "elif ", 4},
	{LC_LANG_PYTHON, "None", 2}, {LC_LANG_PYTHON, "__init__", 4}, {LC_LANG_PYTHON, "\"\"\"", 3},
	{LC_LANG_PYTHON, "except ", 3}, {LC_LANG_PYTHON, "except:", 3}, {LC_LANG_PYTHON, "lambda ", 2},
	{LC_LANG_PYTHON, " is not ", 3}, {LC_LANG_PYTHON, "import ", 1}, {LC_LANG_PYTHON, "):\n", 3},
	{LC_LANG_PYTHON, "True", 1}, {LC_LANG_PYTHON, "False", 1}, {LC_LANG_PYTHON, " not ", 1},
	{LC_LANG_JS, "function", 3}, {LC_LANG_JS, "const ", 2}, {LC_LANG_JS, "let ", 2},
	{LC_LANG_JS, "=>", 2}, {LC_LANG_JS, "===", 4}, {LC_LANG_JS, "!==", 4},
	{LC_LANG_JS, "console.", 4}, {LC_LANG_JS, "require(", 4}, {LC_LANG_JS, "export ", 3},
	{LC_LANG_JS, "undefined", 3}, {LC_LANG_JS, "var ", 2}, {LC_LANG_JS, "document.", 3},
	{LC_LANG_JS, "this.", 1}, {LC_LANG_JS, "prototype", 3}, {LC_LANG_JS, "});", 2},
	{LC_LANG_JAVA, "public ", 2}, {LC_LANG_JAVA, "private ", 2}, {LC_LANG_JAVA, "protected ", 2},
	{LC_LANG_JAVA, "System.", 4}, {LC_LANG_JAVA, "@Override", 5}, {LC_LANG_JAVA, "import java", 6},
	{LC_LANG_JAVA, "implements ", 3}, {LC_LANG_JAVA, "final ", 2}, {LC_LANG_JAVA, "String ", 2},
	{LC_LANG_JAVA, "void ", 1}, {LC_LANG_JAVA, "new ", 1}, {LC_LANG_JAVA, "throws ", 4},
	{LC_LANG_C, "#include", 6}, {LC_LANG_C, "#define", 5}, {LC_LANG_C, "printf(", 2},
	{LC_LANG_C, "sizeof", 3}, {LC_LANG_C, "NULL", 2}, {LC_LANG_C, "struct ", 2},
	{LC_LANG_C, "typedef ", 4}, {LC_LANG_C, "unsigned ", 3}, {LC_LANG_C, "std::", 4},
	{LC_LANG_C, "char *", 3}, {LC_LANG_C, "#if", 2}, {LC_LANG_C, "nullptr", 4},
	{LC_LANG_C, "->", 1}, {LC_LANG_C, "int ", 1}, {LC_LANG_C, "void ", 1},
	{LC_LANG_GO, "package ", 3}, {LC_LANG_GO, "func ", 5}, {LC_LANG_GO, ":=", 3},
	{LC_LANG_GO, "fmt.", 5}, {LC_LANG_GO, "err != nil", 6}, {LC_LANG_GO, "chan ", 3},
	{LC_LANG_GO, "defer ", 4}, {LC_LANG_GO, "[]string", 4}, {LC_LANG_GO, "interface{", 4},
	{LC_LANG_GO, "nil", 1},
	{LC_LANG_RUST, "fn ", 4}, {LC_LANG_RUST, "let mut ", 6}, {LC_LANG_RUST, "impl ", 4},
	{LC_LANG_RUST, "pub fn", 5}, {LC_LANG_RUST, "use std", 6}, {LC_LANG_RUST, "&mut ", 4},
	{LC_LANG_RUST, "Some(", 3}, {LC_LANG_RUST, "Ok(", 2}, {LC_LANG_RUST, "unwrap()", 4},
	{LC_LANG_RUST, "println!", 6}, {LC_LANG_RUST, "#[", 4}, {LC_LANG_RUST, "Vec<", 3},
	{LC_LANG_RUST, "&self", 5}, {LC_LANG_RUST, "mod ", 2}, {LC_LANG_RUST, "match ", 1},
	{LC_LANG_SH, "\nfi", 4}, {LC_LANG_SH, "then", 2}, {LC_LANG_SH, "esac", 5},
	{LC_LANG_SH, "$(", 3}, {LC_LANG_SH, "${", 2}, {LC_LANG_SH, "echo ", 3},
	{LC_LANG_SH, "; do", 4}, {LC_LANG_SH, "done", 2}, {LC_LANG_SH, " -eq ", 4},
	{LC_LANG_SH, "2>&1", 5}, {LC_LANG_SH, "/dev/null", 3}, {LC_LANG_SH, "local ", 2},
	{LC_LANG_SH, "[ ", 1}, {LC_LANG_SH, "exit ", 2},
	{LC_LANG_SQL, "select ", 3}, {LC_LANG_SQL, "from ", 1}, {LC_LANG_SQL, "where ", 2},
	{LC_LANG_SQL, "insert into", 6}, {LC_LANG_SQL, "create table", 6},
	{LC_LANG_SQL, "create function", 5}, {LC_LANG_SQL, "create or replace", 5},
	{LC_LANG_SQL, "group by", 5}, {LC_LANG_SQL, "order by", 4}, {LC_LANG_SQL, "alter table", 6},
	{LC_LANG_SQL, "returns ", 3}, {LC_LANG_SQL, "language ", 2}, {LC_LANG_SQL, "varchar", 3},
	{LC_LANG_SQL, "not null", 3}, {LC_LANG_SQL, "primary key", 5}, {LC_LANG_SQL, "join ", 2},
};

#define N_GUESS_MARKS (sizeof(guess_marks) / sizeof(guess_marks[0]))

static inline unsigned char
ascii_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

/* Whether mark m is at p (SQL's in any case). */
static inline bool
mark_at(const guess_mark *m, const char *p, size_t avail)
{
	size_t		n = strlen(m->mark);

	if (n > avail)
		return false;
	if (m->lang != LC_LANG_SQL)
		return memcmp(p, m->mark, n) == 0;
	for (size_t i = 0; i < n; i++)
		if (ascii_lower((unsigned char) p[i]) != (unsigned char) m->mark[i])
			return false;
	return true;
}

/*
 * The marks by first byte: mark_order[0] the marks compared as written,
 * mark_order[1] SQL's (lowercase, compared folded); the marks starting
 * with byte c are mark_order[side][mark_index[side][c] .. mark_index[side][c + 1]).
 */
static uint8_t mark_order[2][N_GUESS_MARKS];
static int16_t mark_index[2][129];
static bool mark_index_ready = false;

static void
init_mark_index(void)
{
	if (mark_index_ready)
		return;
	for (int side = 0; side < 2; side++)
	{
		int			n = 0;

		for (int c = 0; c < 128; c++)
		{
			mark_index[side][c] = (int16_t) n;
			for (size_t m = 0; m < N_GUESS_MARKS; m++)
				if ((guess_marks[m].lang == LC_LANG_SQL) == (side == 1) &&
					(unsigned char) guess_marks[m].mark[0] == c)
					mark_order[side][n++] = (uint8_t) m;
		}
		mark_index[side][128] = (int16_t) n;
	}
	mark_index_ready = true;
}

/* "#!" line: the language it names, or LC_LANG_NONE. */
static lc_lang
shebang_lang(const char *s, size_t len)
{
	size_t		e = 2;
	char		line[128];

	if (len < 2 || s[0] != '#' || s[1] != '!')
		return LC_LANG_NONE;
	while (e < len && e < sizeof(line) - 1 && s[e] != '\n')
		e++;
	memcpy(line, s, e);
	line[e] = '\0';
	if (strstr(line, "python"))
		return LC_LANG_PYTHON;
	if (strstr(line, "node") || strstr(line, "deno"))
		return LC_LANG_JS;
	if (strstr(line, "sh"))
		return LC_LANG_SH;
	return LC_LANG_NONE;
}

lc_lang
lc_guess_lang(const char *s, size_t len)
{
	size_t		n = len < LC_GUESS_BYTES ? len : LC_GUESS_BYTES;
	int			count[N_GUESS_MARKS];
	int			score[LC_LANG_COUNT];
	lc_lang		best = LC_LANG_C;
	lc_lang		sb = shebang_lang(s, len);

	if (sb != LC_LANG_NONE)
		return sb;
	memset(count, 0, sizeof(count));
	memset(score, 0, sizeof(score));
	init_mark_index();
	for (size_t i = 0; i < n; i++)
	{
		unsigned char c = (unsigned char) s[i];
		bool		word_start = i == 0 || !code_ident_ascii((unsigned char) s[i - 1], false);

		if (c >= 0x80)
			continue;
		for (int side = 0; side < 2; side++)
		{
			/* marks that start with c, then SQL's that start with c folded */
			unsigned char f = side ? ascii_lower(c) : c;

			if (side && f == c && !(c >= 'a' && c <= 'z'))
				break;
			for (int b = mark_index[side][f]; b < mark_index[side][f + 1]; b++)
			{
				int			m = mark_order[side][b];
				const guess_mark *g = &guess_marks[m];

				if (count[m] >= LC_GUESS_CAP ||
					(code_ident_ascii(f, true) && !word_start) ||
					!mark_at(g, s + i, n - i))
					continue;
				count[m]++;
			}
		}
	}
	for (size_t m = 0; m < N_GUESS_MARKS; m++)
		score[guess_marks[m].lang] += count[m] * guess_marks[m].weight;
	for (int l = LC_LANG_PYTHON; l < LC_LANG_AUTO; l++)
		if (score[l] > score[best] || (score[l] == score[best] && score[l] > 0 && l < (int) best))
			best = (lc_lang) l;
	return best;
}

static int
run(tokctx *t, const char *s, size_t len, lc_mode mode, int flags,
	const lc_env *env, char *err, size_t errlen)
{
	int			rc;

	t->s = s;
	t->len = len;
	t->mode = mode;
	t->fast = (flags & LC_TOK_NO_FASTPATH) == 0;
	t->env = env;
	t->err = err;
	t->errlen = errlen;
	t->next_tick = LC_TICK_BYTES;
	t->run_max = (flags & LC_TOK_SHORT_RUNS) ? LC_RUN_MAX_SHORT : LC_RUN_MAX;
	if (err && errlen)
		err[0] = '\0';

	if (mode == LC_MODE_TEXT)
		rc = tokenize_text(t);
	else if (mode == LC_MODE_CODE)
		rc = tokenize_code(t);
	else
	{
		lc_lang		lang = lc_mode_lang(mode);

		if (lang == LC_LANG_AUTO)
			lang = lc_guess_lang(s, len);
		rc = tokenize_lang(t, lang, lc_mode_kinds(mode));
	}

	if (t->nbuf)
		env->release(env->ctx, t->nbuf);
	if (t->u16)
		env->release(env->ctx, t->u16);
	if (t->n16)
		env->release(env->ctx, t->n16);
	return rc;
}

int
lc_tokenize(const char *s, size_t len, lc_mode mode, int flags,
			const lc_env *env, lc_tok_fn fn, void *arg,
			char *err, size_t errlen)
{
	tokctx		t;

	memset(&t, 0, sizeof(t));
	t.fn = fn;
	t.arg = arg;
	return run(&t, s, len, mode, flags, env, err, errlen);
}

int
lc_tokenize_sketch(const char *s, size_t len, lc_mode mode, int flags, const lc_env *env,
				   lc_winnow *win, lc_minhash *mh, uint64_t seed, uint64_t *ntokens,
				   char *err, size_t errlen)
{
	tokctx		t;
	int			rc;

	memset(&t, 0, sizeof(t));
	t.win = win;
	t.mh = mh;
	t.seed = seed;
	rc = run(&t, s, len, mode, flags, env, err, errlen);
	*ntokens = t.ntok;
	return rc;
}
