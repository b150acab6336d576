/*
 * lc_measures.c — unit and word hash sets (pure C; see lc_measures.h).
 *
 * Units.  A unit ends at a line end (a newline between two tokens, so a
 * comment or a blank line in between changes nothing) and at the tokens ;
 * { and }, which are left out of it: "}" alone on a line, the layout of
 * braces and whether a statement ends in a semicolon do not change a unit.
 * The unit's hash is a polynomial of its token hashes with an avalanche
 * that also mixes in its length and the seed.  Units shorter than
 * min_tokens tokens ("else", "return x") are left out: every program has
 * them, and in a set they would match anything.
 *
 * Words.  Tokens of text mode (already NFKC-casefolded), each twice: as
 * written, and, unless it is a function word, cut to a stem by a few
 * suffix rules in the spirit of the first step of Porter's stemmer:
 * plurals, -ed, -ing, -ly, a final -e, a doubled final consonant.  The two
 * forms are hashed with different seeds, so a content word kept as written
 * is two shared hashes, one whose inflection changed is one (the stem),
 * and a function word, which has no stem hash, is one.  The rules touch
 * ASCII words only; words of other scripts are their own stem.
 *
 * Both push functions do O(1) work a token (amortized: see
 * hashset_make_room) plus the bytes between two tokens, so the tokenizer's
 * tick (every LC_TICK_BYTES of input) bounds the time between ticks; the
 * sorts that drop repeated hashes, and the final one, tick on their own.
 */
#include "lc_measures.h"
#include "lc_winnow_impl.h"		/* the k-grams' token hash, polynomial and avalanche */

#include <stdlib.h>
#include <string.h>

void
lc_hashset_skeleton(lc_hashset *hs)
{
	hs->skeleton = true;
}

void
lc_hashset_init(lc_hashset *hs, const char *text, uint64_t seed, int min_tokens,
				const lc_env *env, size_t maxout)
{
	memset(hs, 0, sizeof(*hs));
	hs->text = text;
	hs->seed = seed;
	hs->min_tokens = min_tokens;
	hs->env = env;
	hs->maxout = maxout;
}

/*
 * Room for one more hash.  The buffer drops repeated hashes when it fills
 * (sort and unique in place), and doubles only when that leaves it more
 * than half full: its size follows the distinct hashes, not the tokens (a
 * 350 MB text of a few words needs a few hundred bytes).  Each sort frees
 * half the buffer or precedes a doubling, so a hash is sorted O(1) times
 * on average.  The buffer may hold a quarter more than maxout: near the
 * limit a sort still frees a fifth of it, rather than a slot or two for
 * each sort of the whole set.  False when the set has more than maxout
 * distinct hashes (overflow).
 */
static bool
hashset_make_room(lc_hashset *hs)
{
	size_t		limit = hs->maxout + hs->maxout / 4 + 1;
	size_t		cap;
	uint64_t   *out;

	if (hs->overflow)
		return false;
	hs->nout = lc_sort_unique_u64(hs->out, hs->nout, hs->env);
	if (hs->nout > hs->maxout)
	{
		hs->overflow = true;
		return false;
	}
	if (hs->cap > 0 && (hs->nout <= hs->cap / 2 || hs->cap >= limit))
		return true;
	cap = hs->cap ? hs->cap * 2 : 64;
	if (cap > limit)
		cap = limit;
	out = hs->env->alloc(hs->env->ctx, cap * sizeof(uint64_t));
	if (hs->nout)
		memcpy(out, hs->out, hs->nout * sizeof(uint64_t));
	if (hs->out)
		hs->env->release(hs->env->ctx, hs->out);
	hs->out = out;
	hs->cap = cap;
	return true;
}

static inline void
hashset_add(lc_hashset *hs, uint64_t h)
{
	if (hs->nout == hs->cap && !hashset_make_room(hs))
		return;
	hs->out[hs->nout++] = h;
}

/* Ends the unit being read, keeping it if it is long enough. */
static void
unit_close(lc_hashset *hs)
{
	if (hs->unit_tokens >= hs->min_tokens && hs->unit_tokens > 0 &&
		(!hs->skeleton || hs->unit_anchors > 0))
		hashset_add(hs, fmix64(hs->unit ^ fmix64(hs->seed + (uint64_t) hs->unit_tokens)));
	hs->unit = 0;
	hs->unit_tokens = 0;
	hs->unit_anchors = 0;
}

/*
 * A number or a string literal.  (A token can normalize to nothing, a
 * format character alone: its norm is then not to be read, and may be NULL.)
 */
static inline bool
is_literal(const lc_tok *tok)
{
	unsigned char c;

	if (tok->normlen == 0)
		return false;
	c = (unsigned char) tok->norm[0];
	return (c >= '0' && c <= '9') || c == '\'' || c == '"' || c == '`';
}

/* A token that starts like a name: a letter, _, $ or any non-ASCII character. */
static inline bool
is_name(const lc_tok *tok)
{
	unsigned char c;

	if (tok->normlen == 0)
		return false;
	c = (unsigned char) tok->norm[0];
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || c >= 0x80;
}

static inline bool
is_statement_mark(const lc_tok *tok)
{
	return tok->normlen == 1 &&
		(tok->norm[0] == ';' || tok->norm[0] == '{' || tok->norm[0] == '}');
}

void
lc_units_push(void *arg, const lc_tok *tok)
{
	lc_hashset *hs = arg;

	if (hs->ntokens > 0 &&
		memchr(hs->text + hs->prev_end, '\n', tok->byte_start - hs->prev_end) != NULL)
		unit_close(hs);
	hs->ntokens++;
	hs->prev_end = tok->byte_start + tok->byte_len;
	if (is_statement_mark(tok))
	{
		unit_close(hs);
		hs->after_dot = false;
		return;
	}
	if (hs->skeleton)
	{
		bool		name = is_name(tok);
		bool		member = name && hs->after_dot;

		hs->after_dot = tok->normlen == 1 && tok->norm[0] == '.';
		if (name && !member)
			return;				/* a name its author chose, or a keyword */
		if (member || is_literal(tok))
			hs->unit_anchors++;
	}
	hs->unit = hs->unit * LC_KGRAM_P + lc_token_hash_inline(tok->norm, tok->normlen, hs->seed);
	hs->unit_tokens++;
}

/* ---- words ---- */

/* English function words, sorted (strcmp order) for bsearch. */
static const char *const stopwords[] = {
	"a", "about", "above", "after", "again", "against", "all", "also", "am", "an",
	"and", "any", "are", "as", "at", "be", "because", "been", "before", "being",
	"below", "between", "both", "but", "by", "can", "could", "did", "do", "does",
	"doing", "down", "during", "each", "even", "ever", "every", "few", "for", "from",
	"further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself",
	"him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its",
	"itself", "just", "may", "me", "might", "more", "most", "much", "must", "my",
	"myself", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or",
	"other", "our", "ours", "ourselves", "out", "over", "own", "same", "shall", "she",
	"should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them",
	"themselves", "then", "there", "these", "they", "this", "those", "though",
	"through", "thus", "to", "too", "under", "until", "up", "upon", "us", "very",
	"was", "we", "were", "what", "when", "where", "whether", "which", "while", "who",
	"whom", "whose", "why", "will", "with", "within", "without", "would", "yet",
	"you", "your", "yours", "yourself", "yourselves"
};

#define NSTOPWORDS (sizeof(stopwords) / sizeof(stopwords[0]))

bool
lc_is_stopword(const char *w, size_t len)
{
	size_t		lo = 0,
				hi = NSTOPWORDS;

	if (len == 0 || len > 12)
		return false;
	while (lo < hi)
	{
		size_t		mid = (lo + hi) / 2;
		int			c = strncmp(stopwords[mid], w, len);

		if (c == 0 && stopwords[mid][len] != '\0')
			c = 1;				/* the list's word is longer */
		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static inline bool
ends_with(const char *w, size_t len, const char *suffix)
{
	size_t		n = strlen(suffix);

	return len >= n && memcmp(w + len - n, suffix, n) == 0;
}

static inline bool
is_vowel(char c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

size_t
lc_stem(const char *w, size_t len, char *out)
{
	size_t		n = len;

	memcpy(out, w, len);
	for (size_t i = 0; i < len; i++)
		if (w[i] < 'a' || w[i] > 'z')
			return len;			/* not a plain lowercase ASCII word: kept whole */
	if (n <= 3)
		return n;
	if (ends_with(out, n, "ies") && n > 4)
	{
		n -= 2;
		out[n - 1] = 'y';
	}
	else if (ends_with(out, n, "sses"))
		n -= 2;
	else if (ends_with(out, n, "es") && n > 4 && (out[n - 3] == 's' || out[n - 3] == 'x' ||
												 out[n - 3] == 'z' || ends_with(out, n - 2, "ch") ||
												 ends_with(out, n - 2, "sh")))
		n -= 2;
	else if (out[n - 1] == 's' && out[n - 2] != 's' && out[n - 2] != 'u' && out[n - 2] != 'i')
		n -= 1;
	if (n > 5 && ends_with(out, n, "ing"))
		n -= 3;
	else if (n > 4 && ends_with(out, n, "ed"))
		n -= 2;
	else if (n > 5 && ends_with(out, n, "ly"))
		n -= 2;
	/* a doubled final consonant (stopped, running) is undoubled */
	if (n > 3 && out[n - 1] == out[n - 2] && !is_vowel(out[n - 1]) &&
		out[n - 1] != 'l' && out[n - 1] != 's' && out[n - 1] != 'z')
		n -= 1;
	/* and a final e goes, so that make, makes, making meet */
	if (n > 3 && out[n - 1] == 'e')
		n -= 1;
	return n;
}

void
lc_words_push(void *arg, const lc_tok *tok)
{
	lc_hashset *hs = arg;
	char		buf[64];
	size_t		n;

	hs->ntokens++;
	hashset_add(hs, lc_token_hash_inline(tok->norm, tok->normlen, hs->seed ^ LC_WORDS_WRITTEN));
	if (lc_is_stopword(tok->norm, tok->normlen))
		return;
	if (tok->normlen > sizeof(buf))
	{
		hashset_add(hs, lc_token_hash_inline(tok->norm, tok->normlen, hs->seed));
		return;
	}
	n = lc_stem(tok->norm, tok->normlen, buf);
	hashset_add(hs, lc_token_hash_inline(buf, n, hs->seed));
}

size_t
lc_hashset_finish(lc_hashset *hs)
{
	if (hs->unit_tokens > 0)
		unit_close(hs);
	hs->nout = lc_sort_unique_u64(hs->out, hs->nout, hs->env);
	if (hs->nout > hs->maxout)
		hs->overflow = true;
	return hs->nout;
}
