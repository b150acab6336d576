/*
 * encoding.c — between the database encoding and the core's UTF-8.
 *
 * The core reads UTF-8.  Text of a database in another encoding is converted
 * (SQL_ASCII text is only checked to be UTF-8), a megabyte at a time with a
 * CHECK_FOR_INTERRUPTS between pieces, so a 1 GB text can be cancelled while
 * it is converted.  Pieces end right after an ASCII byte: every server
 * encoding is ASCII-safe (the bytes of a multibyte character all have the
 * high bit set), so that is always a character boundary.
 *
 * The way back: what the core made (normalized tokens, the ellipsis of an
 * excerpt) may hold characters the database encoding lacks (NFKC case
 * folding turns the micro sign, which LATIN1 has, into a Greek mu, which it
 * has not).  llmcopy_utf8_to_server_or_null says so instead of raising.
 */
#include "pg_llmcopy.h"

#include "catalog/pg_conversion.h"
#include "catalog/pg_namespace.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"

#define LLMCOPY_CONVERT_PIECE (1024 * 1024)

/*
 * The end of the piece that starts at p: just after the first ASCII byte
 * at or after p + LLMCOPY_CONVERT_PIECE, or the end.
 */
static size_t
piece_end(const char *s, size_t p, size_t n)
{
	size_t		q;

	if (n - p <= LLMCOPY_CONVERT_PIECE)
		return n;
	q = p + LLMCOPY_CONVERT_PIECE;
	while (q < n && IS_HIGHBIT_SET(s[q]))
		q++;
	return q < n ? q + 1 : n;
}

char *
llmcopy_text_utf8(text *t, size_t *len)
{
	char	   *s = VARDATA_ANY(t);
	size_t		n = VARSIZE_ANY_EXHDR(t);
	int			enc = GetDatabaseEncoding();
	char	   *out = NULL;
	size_t		outlen = 0,
				cap = 0;

	if (enc == PG_UTF8)
	{
		*len = n;
		return s;
	}
	for (size_t p = 0; p < n;)
	{
		size_t		q = piece_end(s, p, n);

		if (enc == PG_SQL_ASCII)
			(void) pg_verify_mbstr(PG_UTF8, s + p, (int) (q - p), false);
		else
		{
			char	   *c = pg_server_to_any(s + p, (int) (q - p), PG_UTF8);
			size_t		clen = (c == s + p) ? q - p : strlen(c);

			if (outlen + clen + 1 > cap)
			{
				size_t		ncap = Max(cap * 2, outlen + clen + 1);

				ncap = Max(ncap, n + 1);
				out = out ? repalloc_huge(out, ncap) : palloc_extended(ncap, MCXT_ALLOC_HUGE);
				cap = ncap;
			}
			memcpy(out + outlen, c, clen);
			outlen += clen;
			if (c != s + p)
				pfree(c);
		}
		p = q;
		CHECK_FOR_INTERRUPTS();
	}
	if (out == NULL)
	{
		*len = n;
		return s;
	}
	out[outlen] = '\0';
	*len = outlen;
	return out;
}

static bool
all_ascii(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (IS_HIGHBIT_SET(s[i]))
			return false;
	return true;
}

/*
 * UTF-8 in the database encoding, NUL-terminated, or NULL when the
 * database encoding cannot hold one of its characters.  *outlen = bytes.
 */
char *
llmcopy_utf8_to_server_or_null(const char *s, size_t len, size_t *outlen)
{
	static Oid	proc = InvalidOid;
	int			enc = GetDatabaseEncoding();
	unsigned char *dest;

	if (enc == PG_UTF8 || enc == PG_SQL_ASCII || all_ascii(s, len))
	{
		char	   *c = palloc_extended(len + 1, MCXT_ALLOC_HUGE);

		memcpy(c, s, len);
		c[len] = '\0';
		*outlen = len;
		return c;
	}
	/* the built-in conversion, whatever the search path holds */
	if (!OidIsValid(proc))
		proc = FindDefaultConversion(PG_CATALOG_NAMESPACE, PG_UTF8, enc);
	if (!OidIsValid(proc))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("no default conversion from UTF8 to %s", GetDatabaseEncodingName())));
	dest = palloc_extended(len * MAX_CONVERSION_GROWTH + 1, MCXT_ALLOC_HUGE);
	if ((size_t) pg_do_encoding_conversion_buf(proc, PG_UTF8, enc, (unsigned char *) s, (int) len,
											   dest, (int) (len * MAX_CONVERSION_GROWTH + 1),
											   true) < len)
	{
		pfree(dest);
		return NULL;
	}
	*outlen = strlen((char *) dest);
	return (char *) dest;
}

/* "…" (UTF-8) if the database encoding has it, else "...". */
const char *
llmcopy_ellipsis(void)
{
	static int	has = -1;

	if (has < 0)
	{
		size_t		n;

		has = llmcopy_utf8_to_server_or_null("\xe2\x80\xa6", 3, &n) != NULL;
	}
	return has ? "\xe2\x80\xa6" : "...";
}
