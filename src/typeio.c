/*
 * typeio.c — what the text and binary input functions of the fingerprint
 * and minhash types share: the literal reader and the error reports, so
 * both types reject bad input the same way.
 *
 * Literals read "v1 <mode> name=value ... [threshold=x] {values}".
 */
#include "pg_llmcopy.h"

#include <math.h>

#include "mb/pg_wchar.h"
#include "utils/builtins.h"

/* The literal for an error message: at most 100 bytes, cut between characters. */
static char *
lit_quote(const char *str)
{
	int			len = (int) strlen(str);
	int			cut = pg_mbcliplen(str, len, 100);

	return psprintf("%.*s%s", cut, str, cut < len ? "..." : "");
}

void
lit_error(LitCursor *c, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%s\"", c->type, lit_quote(c->str)),
			 errdetail("%s", why)));
}

void
lit_skip_spaces(LitCursor *c)
{
	while (*c->p == ' ')
		c->p++;
}

lc_mode
lit_begin(LitCursor *c, const char *type, const char *str)
{
	const char *q;
	int			m;

	c->type = type;
	c->str = str;
	c->p = str;
	lit_skip_spaces(c);
	if (c->p[0] == 'v' && c->p[1] >= '0' && c->p[1] <= '9' && !(c->p[1] == '1' && c->p[2] == ' '))
		lit_error(c, "Only format version 1 is supported.");
	if (c->p[0] != 'v' || c->p[1] != '1' || c->p[2] != ' ')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s: \"%s\"", type, lit_quote(str)),
				 errdetail("A %s literal starts with its format version, \"v1\".", type),
				 errhint("%s('...') with a bare string literal is read as a cast; "
						 "to build one from a text, write %s('...'::text).", type, type)));
	c->p += 3;
	lit_skip_spaces(c);
	q = c->p;
	while (*q >= 'a' && *q <= 'z')
		q++;
	m = lc_mode_parse(c->p, (size_t) (q - c->p));
	if (m < 0)
		lit_error(c, "The mode must be \"text\" or \"code\".");
	c->p = q;
	return (lc_mode) m;
}

uint64
lit_field(LitCursor *c, const char *name, uint64 max)
{
	size_t		nlen = strlen(name);
	uint64		v = 0;
	const char *start;

	lit_skip_spaces(c);
	if (strncmp(c->p, name, nlen) != 0 || c->p[nlen] != '=')
		lit_error(c, psprintf("Expected \"%s=\".", name));
	c->p += nlen + 1;
	start = c->p;
	while (*c->p >= '0' && *c->p <= '9')
	{
		v = v * 10 + (uint64) (*c->p - '0');
		if (v > max)
			lit_error(c, psprintf("%s is out of range.", name));
		c->p++;
	}
	if (c->p == start)
		lit_error(c, psprintf("%s needs a number.", name));
	return v;
}

bool
lit_threshold(LitCursor *c, double *t)
{
	char	   *end;

	lit_skip_spaces(c);
	if (strncmp(c->p, "threshold=", 10) != 0)
		return false;
	c->p += 10;
	*t = strtod(c->p, &end);
	if (end == c->p || !llmcopy_threshold_valid(*t))
		lit_error(c, "threshold must be a number between 0 and 1.");
	c->p = end;
	return true;
}

uint64
lit_hex(LitCursor *c, int digits)
{
	uint64		h = 0;

	lit_skip_spaces(c);
	for (int i = 0; i < digits; i++)
	{
		char		ch = c->p[i];
		int			d = (ch >= '0' && ch <= '9') ? ch - '0' :
			(ch >= 'a' && ch <= 'f') ? ch - 'a' + 10 :
			(ch >= 'A' && ch <= 'F') ? ch - 'A' + 10 : -1;

		if (d < 0)
			lit_error(c, psprintf("Each value is %d hexadecimal digits.", digits));
		h = (h << 4) | (uint64) d;
	}
	c->p += digits;
	return h;
}

/* After a value: true if another follows (","), false at "}". */
bool
lit_next(LitCursor *c)
{
	lit_skip_spaces(c);
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
	lit_error(c, "Expected \",\" or \"}\" after a value.");
	return false;				/* keep the compiler quiet */
}

/* Opens the value list; true if it is empty ("{}"). */
bool
lit_open(LitCursor *c)
{
	lit_skip_spaces(c);
	if (*c->p != '{')
		lit_error(c, "Expected \"{\" before the values.");
	c->p++;
	lit_skip_spaces(c);
	if (*c->p == '}')
	{
		c->p++;
		return true;
	}
	return false;
}

void
lit_end(LitCursor *c)
{
	lit_skip_spaces(c);
	if (*c->p != '\0')
		lit_error(c, "Unexpected text after \"}\".");
}

void
bin_error(const char *type, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid external %s value", type),
			 errdetail("%s", why)));
}

void
check_threshold_flag(const char *type, uint8 flags, uint8 flag, double t)
{
	if (flags & flag)
	{
		if (!llmcopy_threshold_valid(t))
			bin_error(type, "The threshold is not between 0 and 1.");
	}
	else if (t != 0.0)
		bin_error(type, "A threshold is set without its flag.");
}

double
llmcopy_query_threshold(bool has, double t, const char *builder)
{
	if (!has)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the right operand carries no threshold"),
				 errhint("Build it with %s.", builder)));
	return t;
}
