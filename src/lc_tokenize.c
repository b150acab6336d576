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
 * '#' or the end of the line) are not.
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

static const char *const mode_names[LC_MODE_COUNT] = {"text", "code"};

const char *
lc_mode_name(lc_mode mode)
{
	return (unsigned) mode < LC_MODE_COUNT ? mode_names[mode] : "?";
}

int
lc_mode_parse(const char *name, size_t len)
{
	for (int i = 0; i < LC_MODE_COUNT; i++)
		if (strlen(mode_names[i]) == len && memcmp(mode_names[i], name, len) == 0)
			return i;
	return -1;
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
 * NFKC_Casefold a UTF-16 string and append it as UTF-8 to t->nbuf, whose
 * first `at` bytes are kept; *outlen = bytes appended.  Returns -1 on error.
 */
static int
normalize_u16(tokctx *t, const UChar *src, int32_t srclen, size_t at, size_t *outlen)
{
	UErrorCode	st;
	const UNormalizer2 *n2 = nfkc_casefold(t);
	int32_t		nlen;
	int32_t		ulen;

	if (n2 == NULL)
		return -1;
	for (;;)
	{
		st = U_ZERO_ERROR;
		nlen = unorm2_normalize(n2, src, srclen, t->n16, (int32_t) t->n16cap, &st);
		if (st != U_BUFFER_OVERFLOW_ERROR)
			break;
		t->n16 = grow(t, t->n16, &t->n16cap, (size_t) nlen + 1, sizeof(UChar), 0);
	}
	if (U_FAILURE(st))
	{
		set_err(t, "could not normalize a token", st);
		return -1;
	}
	for (;;)
	{
		st = U_ZERO_ERROR;
		u_strToUTF8(t->nbuf + at, (int32_t) (t->nbufcap - at), &ulen, t->n16, nlen, &st);
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
 * result is that of the whole), with a tick between pieces.
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
			while (q < end)
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
	tok.norm = t->nbuf;
	tok.byte_start = a;
	tok.byte_len = b - a;
	tok.char_start = cstart;
	tok.char_len = nchars;
	deliver(t, &tok);
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
			{
				/* identifier, possibly continuing with non-ASCII letters */
				while (i < len)
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
						UChar32		cp = next_cp(t->s, len, &j);

						if (cp < 0 || !u_hasBinaryProperty(cp, UCHAR_ID_CONTINUE))
							break;
						i = j;
						ascii = false;
					}
				}
			}
			else if (is_digit(c) || (c == '.' && i + 1 < len && is_digit(s[i + 1])))
			{
				bool		hex = (c == '0' && i + 1 < len && (s[i + 1] == 'x' || s[i + 1] == 'X'));

				i++;
				while (i < len)
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
			}
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
			UChar32		cp = next_cp(t->s, len, &i);

			ascii = false;
			if (cp < 0)
			{
				if (t->err && t->errlen > 0)
					snprintf(t->err, t->errlen, "input is not valid UTF-8");
				return -1;
			}
			if (u_isUWhiteSpace(cp))
			{
				ci++;
				continue;
			}
			if (u_hasBinaryProperty(cp, UCHAR_ID_START))
			{
				while (i < len)
				{
					size_t		j = i;
					UChar32		cp2;

					if (s[i] < 0x80)
					{
						if (!code_ident_ascii(s[i], false))
							break;
						i++;
						continue;
					}
					cp2 = next_cp(t->s, len, &j);
					if (cp2 < 0 || !u_hasBinaryProperty(cp2, UCHAR_ID_CONTINUE))
						break;
					i = j;
					maybe_tick(t, i);
				}
			}
			/* else: any other code point is a one-character operator */
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

	rc = (mode == LC_MODE_CODE) ? tokenize_code(t) : tokenize_text(t);

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
