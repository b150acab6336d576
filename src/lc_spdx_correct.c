/*
 * lc_spdx_correct.c — the best SPDX expression for a messy license string
 * (pure C), or none when it cannot tell.
 *
 * In order: the string as an expression (ids in any case, deprecated ids
 * mapped); URLs of well-known license texts; whole-string synonyms
 * ("Apache 2.0", "MIT/X11", "Expat", "new BSD", ...); GNU licenses by
 * family, version and "or later" (Debian's GPL-2+, "GPLv3", "GNU Lesser
 * General Public License v2.1 or later"); Creative Commons by their
 * elements; and last, strings joined by "or", "/", "|" (OR) or "and", ","
 * (AND), each part corrected on its own.  "Public domain", "UNLICENSED",
 * "SEE LICENSE IN ..." and bare family names without a version give none.
 */
#include "lc_spdx.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* words dropped from a synonym key */
static const char *const filler[] = {
	"the", "license", "licence", "licensed", "licenses", "version", "ver", "v", "under",
	"terms", "of", "a", "an", "clause", "clauses", "software", NULL
};

/* key -> SPDX id (NULL id: known to be no license, or ambiguous) */
static const struct
{
	const char *key;
	const char *id;
}			synonyms[] = {
	{"mit", "MIT"}, {"mitx11", "MIT"}, {"x11mit", "MIT"}, {"expat", "MIT"}, {"mitexpat", "MIT"},
	{"x11", "X11"},
	{"apache", "Apache-2.0"}, {"apache2", "Apache-2.0"}, {"apache20", "Apache-2.0"},
	{"asl2", "Apache-2.0"}, {"asl20", "Apache-2.0"}, {"al2", "Apache-2.0"},
	{"apachesoftwarefoundation20", "Apache-2.0"}, {"apache11", "Apache-1.1"}, {"apache10", "Apache-1.0"},
	{"bsd", "BSD-2-Clause"},
	{"bsd2", "BSD-2-Clause"}, {"2bsd", "BSD-2-Clause"}, {"simplifiedbsd", "BSD-2-Clause"},
	{"freebsd", "BSD-2-Clause"}, {"bsd2freebsd", "BSD-2-Clause"},
	{"bsd3", "BSD-3-Clause"}, {"3bsd", "BSD-3-Clause"}, {"newbsd", "BSD-3-Clause"},
	{"modifiedbsd", "BSD-3-Clause"}, {"revisedbsd", "BSD-3-Clause"}, {"bsdnew", "BSD-3-Clause"},
	{"bsd4", "BSD-4-Clause"}, {"4bsd", "BSD-4-Clause"}, {"originalbsd", "BSD-4-Clause"},
	{"0bsd", "0BSD"}, {"bsd0", "0BSD"}, {"zerobsd", "0BSD"},
	{"isc", "ISC"}, {"iscl", "ISC"}, {"unlicense", "Unlicense"}, {"wtfpl", "WTFPL"},
	{"wtfpl2", "WTFPL"}, {"zlib", "Zlib"}, {"zlibpng", "Zlib"}, {"libpng", "Libpng"},
	{"boost", "BSL-1.0"}, {"bsl", "BSL-1.0"}, {"bsl1", "BSL-1.0"}, {"bsl10", "BSL-1.0"},
	{"boost10", "BSL-1.0"},
	{"cc0", "CC0-1.0"}, {"cc01", "CC0-1.0"}, {"cc010", "CC0-1.0"},
	{"creativecommonszero", "CC0-1.0"}, {"creativecommonszero10", "CC0-1.0"},
	{"psf", "PSF-2.0"}, {"psf2", "PSF-2.0"}, {"python", "Python-2.0"}, {"python2", "Python-2.0"},
	{"python20", "Python-2.0"},
	{"mpl", "MPL-2.0"}, {"mpl2", "MPL-2.0"}, {"mpl20", "MPL-2.0"}, {"mozilla20", "MPL-2.0"},
	{"mozillapublic20", "MPL-2.0"}, {"mpl11", "MPL-1.1"}, {"mozillapublic11", "MPL-1.1"},
	{"epl", "EPL-1.0"}, {"epl1", "EPL-1.0"}, {"epl10", "EPL-1.0"}, {"eclipsepublic10", "EPL-1.0"},
	{"epl2", "EPL-2.0"}, {"epl20", "EPL-2.0"}, {"eclipsepublic20", "EPL-2.0"},
	{"artistic", "Artistic-1.0-Perl"}, {"artistic2", "Artistic-2.0"}, {"artistic20", "Artistic-2.0"},
	{"artistic1", "Artistic-1.0"}, {"artistic10", "Artistic-1.0"}, {"perl", "Artistic-1.0-Perl"},
	{"ofl", "OFL-1.1"}, {"ofl11", "OFL-1.1"}, {"silofl", "OFL-1.1"}, {"silofl11", "OFL-1.1"},
	{"silopenfont11", "OFL-1.1"},
	{"blueoak", "BlueOak-1.0.0"}, {"blueoak100", "BlueOak-1.0.0"}, {"blueoakmodel100", "BlueOak-1.0.0"},
	{"ms-pl", "MS-PL"}, {"mspl", "MS-PL"}, {"microsoftpublic", "MS-PL"},
	{"publicdomain", NULL}, {"pd", NULL}, {"unlicensed", NULL}, {"proprietary", NULL},
	{"none", NULL}, {"unknown", NULL}, {"other", NULL}, {"custom", NULL}, {"commercial", NULL},
	{"gpl", NULL}, {"lgpl", NULL}, {"agpl", NULL}, {"gnugpl", NULL}, {"gnu", NULL},
	{"dual", NULL}, {"cc", NULL}, {"creativecommons", NULL},
};

typedef struct words
{
	char		w[32][32];
	int			n;
} words;

/* Lower-case words of letters and digits; "gplv2" becomes "gpl" "2". */
static void
split_words(const char *s, size_t len, words *out)
{
	size_t		i = 0;

	out->n = 0;
	while (i < len && out->n < 32)
	{
		char		cur[32];
		int			k = 0;

		while (i < len && !isalnum((unsigned char) s[i]))
			i++;
		while (i < len && isalnum((unsigned char) s[i]) && k < 31)
		{
			/* a letter run followed by a digit: split (gplv2, lgpl2, apache2) */
			if (k > 0 && isdigit((unsigned char) s[i]) && isalpha((unsigned char) cur[k - 1]))
				break;
			cur[k++] = (char) tolower((unsigned char) s[i++]);
		}
		/* "2.0", "2.1": keep the version's dot */
		while (k > 0 && isdigit((unsigned char) cur[k - 1]) && i + 1 < len && s[i] == '.' &&
			   isdigit((unsigned char) s[i + 1]) && k < 28)
		{
			cur[k++] = '.';
			while (i + 1 < len && isdigit((unsigned char) s[i + 1]) && k < 31)
				cur[k++] = s[++i];
			i++;
		}
		if (k == 0)
			continue;
		cur[k] = '\0';
		/* a trailing 'v' of a split word ("gplv" of "gplv2") is dropped */
		if (k > 1 && cur[k - 1] == 'v' && i < len && isdigit((unsigned char) s[i]) &&
			(strncmp(cur, "gplv", 4) == 0 || strncmp(cur, "lgplv", 5) == 0 ||
			 strncmp(cur, "agplv", 5) == 0 || strncmp(cur, "mplv", 4) == 0 ||
			 strncmp(cur, "eplv", 4) == 0))
			cur[--k] = '\0';
		strcpy(out->w[out->n++], cur);
	}
}

static bool
is_filler(const char *w)
{
	for (int i = 0; filler[i]; i++)
		if (strcmp(w, filler[i]) == 0)
			return true;
	return false;
}

static bool
has_word(const words *ws, const char *w)
{
	for (int i = 0; i < ws->n; i++)
		if (strcmp(ws->w[i], w) == 0)
			return true;
	return false;
}

static bool
emit(const char *id, char *buf, size_t cap)
{
	if (id == NULL || strlen(id) + 1 > cap)
		return false;
	strcpy(buf, id);
	return true;
}

/* "2" -> "2.0", "2.1" stays; false if w is no version. */
static bool
as_version(const char *w, char *v, size_t cap)
{
	if (!isdigit((unsigned char) w[0]))
		return false;
	for (const char *p = w; *p; p++)
		if (!isdigit((unsigned char) *p) && *p != '.')
			return false;
	snprintf(v, cap, strchr(w, '.') ? "%s" : "%s.0", w);
	return true;
}

/* Whether every word is a filler, a version or one of the given words. */
static bool
only_words(const words *ws, const char *const *allowed)
{
	char		v[16];

	for (int i = 0; i < ws->n; i++)
	{
		bool		ok = is_filler(ws->w[i]) || as_version(ws->w[i], v, sizeof v);

		for (int j = 0; !ok && allowed[j]; j++)
			ok = strcmp(ws->w[i], allowed[j]) == 0;
		if (!ok)
			return false;
	}
	return true;
}

static const char *const gnu_words[] = {
	"gnu", "gpl", "lgpl", "agpl", "gfdl", "fdl", "general", "public", "lesser", "library",
	"affero", "free", "documentation", "or", "later", "orlater", "any", "only", NULL
};

static const char *const cc_words[] = {
	"cc", "cc0", "creative", "commons", "creativecommons", "attribution", "by", "sa", "share",
	"alike", "sharealike", "nc", "noncommercial", "non", "commercial", "nd", "noderivatives",
	"noderivs", "no", "derivatives", "zero", "international", "unported", "generic", "public",
	"domain", "dedication", "publicdomain", NULL
};

/* GNU licenses by family, version and "or later". */
static int
correct_gnu(const char *s, size_t len, const words *ws, char *buf, size_t cap)
{
	const char *family = NULL;
	char		version[16] = "";
	bool		later = memchr(s, '+', len) != NULL || has_word(ws, "later") || has_word(ws, "orlater");
	bool		gnu_ish = has_word(ws, "gpl") || has_word(ws, "lgpl") || has_word(ws, "agpl") ||
		has_word(ws, "gfdl") || has_word(ws, "gnu") || has_word(ws, "general") ||
		has_word(ws, "affero") || has_word(ws, "lesser");
	char		id[64];

	if (!gnu_ish)
		return 0;
	if (!only_words(ws, gnu_words))
		return -1;				/* other words too: not for this rule to guess */
	if (has_word(ws, "agpl") || has_word(ws, "affero"))
		family = "AGPL";
	else if (has_word(ws, "lgpl") || has_word(ws, "lesser") || has_word(ws, "library"))
		family = "LGPL";
	else if (has_word(ws, "gfdl") || has_word(ws, "documentation"))
		family = "GFDL";
	else if (has_word(ws, "gpl") || has_word(ws, "general"))
		family = "GPL";
	else
		return 0;
	for (int i = 0; i < ws->n; i++)
		if (as_version(ws->w[i], version, sizeof version))
			break;
	if (version[0] == '\0')
		return -1;				/* a family without a version: cannot tell */
	snprintf(id, sizeof id, "%s-%s-%s", family, version, later ? "or-later" : "only");
	if (lc_spdx_find_license(id, strlen(id)) == NULL)
		return -1;
	return emit(lc_spdx_find_license(id, strlen(id))->id, buf, cap) ? 1 : -1;
}

/* Creative Commons by elements: BY, SA, NC, ND and a version. */
static int
correct_cc(const words *ws, char *buf, size_t cap)
{
	char		version[16] = "";
	char		id[64];
	bool		cc = has_word(ws, "cc") || (has_word(ws, "creative") && has_word(ws, "commons")) ||
		has_word(ws, "creativecommons");
	const lc_spdx_entry *e;

	if (!cc)
		return 0;
	if (!only_words(ws, cc_words))
		return -1;				/* a port (US, IT, ...) or other words: cannot tell */
	for (int i = 0; i < ws->n; i++)
		if (as_version(ws->w[i], version, sizeof version))
			break;
	if (has_word(ws, "zero") || has_word(ws, "cc0") || (has_word(ws, "0") && !has_word(ws, "by")))
		return emit("CC0-1.0", buf, cap) ? 1 : -1;
	if (!(has_word(ws, "by") || has_word(ws, "attribution")) || version[0] == '\0')
		return -1;
	snprintf(id, sizeof id, "CC-BY%s%s%s-%s",
			 (has_word(ws, "nc") || has_word(ws, "noncommercial")) ? "-NC" : "",
			 (has_word(ws, "nd") || has_word(ws, "noderivatives") || has_word(ws, "noderivs")) ? "-ND" : "",
			 (has_word(ws, "sa") || has_word(ws, "sharealike") || has_word(ws, "share")) ? "-SA" : "",
			 version);
	e = lc_spdx_find_license(id, strlen(id));
	return (e && emit(e->id, buf, cap)) ? 1 : -1;
}

/* URLs of license texts: the last path element names the license. */
static int
correct_url(const char *s, size_t len, const lc_spdx_mem *mem, char *buf, size_t cap)
{
	char		u[256];
	char	   *p;
	size_t		n = len < sizeof u - 1 ? len : sizeof u - 1;
	words		ws;

	/* s is not NUL-terminated: look at a bounded copy */
	if (n <= 4)
		return 0;
	memcpy(u, s, n);
	u[n] = '\0';
	if (!((strncmp(u, "http", 4) == 0 || strchr(u, '/') != NULL) &&
		  (strstr(u, ".org") || strstr(u, ".com") || strstr(u, "://"))))
		return 0;
	for (p = u; *p; p++)
		*p = (char) tolower((unsigned char) *p);
	if (strstr(u, "creativecommons.org"))
	{
		/* .../licenses/by-sa/4.0 or .../publicdomain/zero/1.0 */
		char		t[256] = "cc ";

		if ((p = strstr(u, "/licenses/")) != NULL)
			strncat(t, p + 10, sizeof t - 4);
		else if ((p = strstr(u, "/publicdomain/")) != NULL)
			strncat(t, p + 14, sizeof t - 4);
		split_words(t, strlen(t), &ws);
		return correct_cc(&ws, buf, cap);
	}
	if (strstr(u, "apache.org/licenses/license-2.0"))
		return emit("Apache-2.0", buf, cap) ? 1 : -1;
	/* strip a trailing slash, ".html", ".txt", ".php" and take the last element */
	while (n > 0 && u[n - 1] == '/')
		u[--n] = '\0';
	for (const char *ext = ".html\0.htm\0.txt\0.php\0.md\0"; *ext; ext += strlen(ext) + 1)
		if (n > strlen(ext) && strcmp(u + n - strlen(ext), ext) == 0)
			u[n -= strlen(ext)] = '\0';
	p = strrchr(u, '/');
	if (p == NULL || p[1] == '\0')
		return -1;
	p++;
	{
		const lc_spdx_entry *e = lc_spdx_find_license(p, strlen(p));
		lc_spdx_node *node;
		size_t		errpos;

		if (strstr(u, "gnu.org") && strncmp(p, "gpl", 3) != 0 && strncmp(p, "lgpl", 4) != 0 &&
			strncmp(p, "agpl", 4) != 0 && strncmp(p, "fdl", 3) != 0)
			return -1;
		if (strncmp(p, "fdl", 3) == 0)
		{
			char		t[64];

			snprintf(t, sizeof t, "g%s", p);
			split_words(t, strlen(t), &ws);
			return correct_gnu(t, strlen(t), &ws, buf, cap);
		}
		if (e)
		{
			node = lc_spdx_parse(e->id, strlen(e->id), mem, &errpos, NULL, 0);
			return (node && lc_spdx_format(node, buf, cap) < cap) ? 1 : -1;
		}
		split_words(p, strlen(p), &ws);
		{
			int			r = correct_gnu(p, strlen(p), &ws, buf, cap);

			if (r != 0)
				return r;
		}
	}
	return -1;
}

static bool correct_one(const char *s, size_t len, const lc_spdx_mem *mem, char *buf,
						size_t cap, int depth);

static const struct
{
	const char *sep;
	const char *op;
}			joins[] = {
	{" or ", " OR "}, {" OR ", " OR "}, {" Or ", " OR "}, {"_or_", " OR "}, {"/", " OR "}, {"|", " OR "},
	{" and ", " AND "}, {" AND ", " AND "}, {" And ", " AND "}, {"_and_", " AND "}, {" & ", " AND "},
	{",", " AND "}, {";", " AND "},
};

/*
 * The first joiner in s, by the order of joins (OR-ish before AND-ish);
 * "or later" and "or any later" are part of a license, not joiners.
 * Returns its index in joins, or -1, with *at its offset.
 */
static int
find_join(const char *s, size_t len, size_t *at)
{
	for (size_t j = 0; j < sizeof(joins) / sizeof(joins[0]); j++)
	{
		size_t		sl = strlen(joins[j].sep);

		for (size_t i = 0; i + sl <= len; i++)
		{
			const char *rest = s + i + sl;
			size_t		rl = len - i - sl;

			if (memcmp(s + i, joins[j].sep, sl) != 0)
				continue;
			if (joins[j].op[1] == 'O' && ((rl >= 5 && strncmp(rest, "later", 5) == 0) ||
										  (rl >= 9 && strncmp(rest, "any later", 9) == 0)))
				continue;
			*at = i;
			return (int) j;
		}
	}
	return -1;
}

/* Split at the first joiner and correct each part. */
static bool
correct_compound(const char *s, size_t len, const lc_spdx_mem *mem, char *buf, size_t cap,
				 int depth)
{
	size_t		at;
	int			j = find_join(s, len, &at);
	char		left[512],
				right[512];
	bool		and_op;
	size_t		sl;

	if (j < 0 || depth > 4)
		return false;
	sl = strlen(joins[j].sep);
	if (!correct_one(s, at, mem, left, sizeof left, depth + 1) ||
		!correct_one(s + at + sl, len - at - sl, mem, right, sizeof right, depth + 1))
		return false;
	if (strlen(left) + strlen(right) + 10 > cap)
		return false;
	/* an OR inside an AND needs parentheses */
	and_op = joins[j].op[1] == 'A';
	snprintf(buf, cap, "%s%s%s%s%s%s%s",
			 and_op && strstr(left, " OR ") ? "(" : "", left, and_op && strstr(left, " OR ") ? ")" : "",
			 joins[j].op,
			 and_op && strstr(right, " OR ") ? "(" : "", right, and_op && strstr(right, " OR ") ? ")" : "");
	return true;
}

static bool
correct_one(const char *s, size_t len, const lc_spdx_mem *mem, char *buf, size_t cap, int depth)
{
	lc_spdx_node *node;
	size_t		errpos;
	words		ws;
	char		key[256];
	size_t		kl = 0;
	int			r;

	/* trim spaces, quotes and one pair of surrounding parentheses */
	while (len > 0 && (isspace((unsigned char) *s) || *s == '"' || *s == '\''))
		s++, len--;
	while (len > 0 && (isspace((unsigned char) s[len - 1]) || s[len - 1] == '"' || s[len - 1] == '\''))
		len--;
	if (len >= 2 && s[0] == '(' && s[len - 1] == ')' && memchr(s + 1, '(', len - 2) == NULL)
		s++, len -= 2;
	if (len == 0 || len > 400)
		return false;

	/* an expression already (any case, deprecated ids) */
	node = lc_spdx_parse(s, len, mem, &errpos, NULL, 0);
	if (node)
		return lc_spdx_format(node, buf, cap) < cap;

	if (len >= 11 && strncmp(s, "SEE LICENSE", 11) == 0)
		return false;
	/* "The MIT License (MIT)": a parenthesized id at the end names it */
	if (len > 4 && s[len - 1] == ')')
	{
		const char *open = NULL;

		for (size_t i = len - 1; i > 0; i--)
			if (s[i - 1] == '(')
			{
				open = s + i;
				break;
			}
		if (open && open - 1 > s)
		{
			node = lc_spdx_parse(open, (size_t) (s + len - 1 - open), mem, &errpos, NULL, 0);
			if (node && node->kind == LC_SPDX_LICENSE)
				return lc_spdx_format(node, buf, cap) < cap;
		}
	}
	if ((r = correct_url(s, len, mem, buf, cap)) != 0)
		return r > 0;

	/* whole-string synonyms */
	split_words(s, len, &ws);
	for (int i = 0; i < ws.n; i++)
	{
		size_t		wl;

		if (is_filler(ws.w[i]))
			continue;
		wl = strlen(ws.w[i]);
		if (kl + wl >= sizeof key)
			break;
		for (size_t c = 0; c < wl; c++)
			if (ws.w[i][c] != '.')
				key[kl++] = ws.w[i][c];
	}
	key[kl] = '\0';
	for (size_t i = 0; i < sizeof(synonyms) / sizeof(synonyms[0]); i++)
		if (strcmp(key, synonyms[i].key) == 0 && synonyms[i].id != NULL)
			return emit(synonyms[i].id, buf, cap);

	/* several licenses: each part on its own, never a guess over the whole */
	{
		size_t		at;

		if (find_join(s, len, &at) >= 0)
			return correct_compound(s, len, mem, buf, cap, depth);
	}
	if ((r = correct_gnu(s, len, &ws, buf, cap)) != 0)
		return r > 0;
	return correct_cc(&ws, buf, cap) > 0;
}

bool
lc_spdx_correct(const char *s, size_t len, const lc_spdx_mem *mem, char *buf, size_t cap)
{
	return correct_one(s, len, mem, buf, cap, 0);
}
