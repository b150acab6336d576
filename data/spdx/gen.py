#!/usr/bin/env python3
"""Generate src/lc_spdx_data.c from the pinned SPDX License List packages
and the tables kept next to them.

    cd data/spdx && npm ci --ignore-scripts && cd ../.. && python3 data/spdx/gen.py

Sources: spdx-license-ids (the ids and the deprecated ids, CC0-1.0),
spdx-license-list (names, URLs and OSI approval, CC0-1.0), spdx-exceptions
(exception ids); deprecated.tsv (what each deprecated id means today);
and the tables of the correction of messy strings: aliases.tsv, urls.tsv,
exceptions.tsv, words.tsv.
Any deprecated id without a row, or a row naming an id the list does not
hold, stops the generation: updating the list means reviewing the tables.
"""
import json, os, re, sys

here = os.path.dirname(os.path.abspath(__file__))
nm = os.path.join(here, 'node_modules')


def load(pkg, f):
    return json.load(open(os.path.join(nm, pkg, f), encoding='utf-8'))


def version(pkg):
    return load(pkg, 'package.json')['version']


def tsv(name):
    """Rows of a tab-separated table, comments and blank lines left out."""
    rows = []
    for n, line in enumerate(open(os.path.join(here, name), encoding='utf-8'), 1):
        line = line.rstrip('\n')
        if not line.strip() or line.startswith('#'):
            continue
        rows.append((n, line.split('\t')))
    return rows


def die(msg):
    print('gen.py: ' + msg, file=sys.stderr)
    sys.exit(1)


def c(s):
    if s is None:
        return 'NULL'
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'


ids = load('spdx-license-ids', 'index.json')
dep = load('spdx-license-ids', 'deprecated.json')
names = load('spdx-license-list', 'spdx.json')
exc = load('spdx-exceptions', 'index.json')
excdep = load('spdx-exceptions', 'deprecated.json')
lic = sorted(set(ids) | set(dep), key=lambda s: s.lower())
ex = sorted(set(exc) | set(excdep), key=lambda s: s.lower())

# deprecated id -> (replacement, exception)
replaced = {}
for n, r in tsv('deprecated.tsv'):
    if len(r) != 4:
        die('deprecated.tsv:%d: expected 4 columns' % n)
    old, new, x, _why = r
    x = None if x == '-' else x
    if old in dep:
        if new not in ids and new != old:
            die('deprecated.tsv:%d: %s is not a current license id' % (n, new))
        if x is not None and x not in exc:
            die('deprecated.tsv:%d: %s is not a current exception id' % (n, x))
    elif old in excdep:
        if new not in exc or x is not None:
            die('deprecated.tsv:%d: %s is not a current exception id' % (n, new))
    else:
        die('deprecated.tsv:%d: %s is not a deprecated id of the list' % (n, old))
    replaced[old] = (new, x)
for d in list(dep) + list(excdep):
    if d not in replaced:
        die('the list deprecates %s: add a row to deprecated.tsv' % d)


# ---- correction tables (src/lc_spdx_correct.c) ----
#
# A string's key: its words in lower case (letters or digits; a version's dots
# kept, trailing zero parts dropped: 2.0 -> 2, 1.0.0 -> 1; a letter run and a
# digit run are two words: gplv2 -> gpl 2, the v of "gplv2" dropped; & is
# the word "and"; bytes outside ASCII separate words like punctuation),
# fillers left out.  lc_spdx_words() in C is the same
# function; src/test/test_spdx.c checks that both give every key here.

words_rows = tsv('words.tsv')
classes = {'filler': 1, 'leadin': 2, 'dual': 3}
wordclass = {}
for n, r in words_rows:
    if len(r) != 2 or r[0] not in classes:
        die('words.tsv:%d: expected a class (%s) and a word' % (n, ', '.join(classes)))
    wordclass[r[1].lower()] = classes[r[0]]
fillers = {w for w, c in wordclass.items() if c == 1}


def split_words(s):
    """(word, is_version) pairs, as lc_spdx_words() splits them."""
    b = s.encode('utf-8')
    out = []
    i, n = 0, len(b)
    prev_v = False
    while i < n:
        c = b[i]
        if c < 0x80 and chr(c).isalpha():
            j = i
            while j < n and b[j] < 0x80 and chr(b[j]).isalpha():
                j += 1
            w = b[i:j].decode().lower()
            if len(w) >= 3 and w.endswith('v') and j < n and chr(b[j]).isdigit():
                w = w[:-1]
            out.append((w, False))
            prev_v = w in ('v', 'version', 'ver')
            i = j
        elif c < 0x80 and chr(c).isdigit():
            j = i
            dotted = False
            while j < n and (chr(b[j]).isdigit() or
                             (b[j] == ord('.') and j + 1 < n and chr(b[j + 1]).isdigit() and j > i)):
                if b[j] == ord('.'):
                    dotted = True
                j += 1
            parts = b[i:j].decode().split('.')
            while len(parts) > 1 and int(parts[-1]) == 0:
                parts.pop()
            out.append(('.'.join(parts), dotted or prev_v))
            prev_v = False
            i = j
        elif c == ord('&'):
            out.append(('and', False))
            prev_v = False
            i += 1
        else:
            i += 1
    return out


def key_of(s):
    return ' '.join(w for w, _ in split_words(s) if w not in fillers)


def base_of(s):
    """The key without its version numbers, or None if it has none."""
    ws = [(w, v) for w, v in split_words(s) if w not in fillers]
    if not any(v for _, v in ws):
        return None
    return ' '.join(w for w, v in ws if not v)


def meaning(i):
    """What license id i means today: the id, or its replacement WITH its exception."""
    new, x = replaced.get(i, (i, None))
    return new + (' WITH ' + x if x else '')


def own_rule(i):
    """Ids the GNU and Creative Commons rules read themselves."""
    return i.startswith(('GPL-', 'LGPL-', 'AGPL-', 'GFDL-', 'CC-', 'CC0-'))


KIND = {'alias': 0, 'name': 1, 'id': 2, 'single': 3, 'family': 4, 'ambiguous': 5}
keys = {}           # key -> (kind, answer, candidates, why, phrase it was read from)
for n, r in tsv('aliases.tsv'):
    if len(r) != 4:
        die('aliases.tsv:%d: expected 4 columns' % n)
    phrase, answer, cands, why = r
    k = key_of(phrase)
    if not k:
        die('aliases.tsv:%d: "%s" has no words besides fillers' % (n, phrase))
    if k in keys:
        die('aliases.tsv:%d: "%s" reads as "%s", as an earlier row' % (n, phrase, k))
    keys[k] = ('alias', None if answer == '-' else answer, None if cands == '-' else cands, why, phrase)

named = {}          # key -> set of meanings, from names and ids
how = {}
for i in lic:
    if own_rule(i):
        continue
    for src, text in (('id', i), ('name', names.get(i, {}).get('name'))):
        if not text:
            continue
        k = key_of(text)
        if k:
            named.setdefault(k, set()).add(meaning(i))
            how.setdefault(k, (src, text))
for k, ms in named.items():
    if k in keys:
        continue
    src, text = how[k]
    if len(ms) == 1:
        keys[k] = (src, next(iter(ms)), None, text, text)
    else:
        keys[k] = ('ambiguous', None, ','.join(sorted(ms)), 'names of several licenses read the same', text)
# names without their version: one license answers (a name, never an
# abbreviation: "Elastic License", not "APL"); several answer NULL
bases = {}
base_text = {}
for i in lic:
    if own_rule(i) or i in dep:
        continue
    for src, text in (('id', i), ('name', names.get(i, {}).get('name'))):
        b = text and base_of(text)
        if b:
            bases.setdefault(b, {}).setdefault(meaning(i), set()).add(src)
            base_text.setdefault(b, text)
for b, ms in bases.items():
    if b in keys:
        continue
    # other licenses whose names go on from these words ("Hippocratic" is
    # Hippocratic-2.1 and Hippocratic-3.0-core) make it a family too
    longer = {m for k, m in named.items() if k.startswith(b + ' ') for m in m} - set(ms)
    if longer:
        ms = dict(ms, **{m: {'name'} for m in longer})
    if len(ms) == 1 and 'name' in next(iter(ms.values())):
        keys[b] = ('single', next(iter(ms)), None, 'the only version of the license', base_text[b])
    elif len(ms) > 1:
        keys[b] = ('family', None, ','.join(sorted(ms)), 'a license with several versions, named without one',
                   base_text[b])
    # one license named by its id without the version: no answer, no refusal

# exceptions: "libtool" -> Libtool-exception, for any license, and rows
exc_rows = []       # (key, license prefix or '*', exception or None, why)
exc_keys = {}
for x in exc:
    text = x.replace('-exception', '').replace('exception-', '')
    for k in (key_of(text), base_of(text)):
        if k:
            exc_keys.setdefault(k, set()).add(x)
for n, r in tsv('exceptions.tsv'):
    if len(r) != 4:
        die('exceptions.tsv:%d: expected 4 columns' % n)
    phrase, license_, x, why = r
    if x != '-' and x not in exc:
        die('exceptions.tsv:%d: %s is not an exception id' % (n, x))
    exc_rows.append((key_of(phrase), license_, None if x == '-' else x, why))
table_keys = {r[0] for r in exc_rows}
for k, xs in exc_keys.items():
    if k in table_keys:
        continue
    if len(xs) == 1:
        exc_rows.append((k, '*', next(iter(xs)), 'the exception id'))
    else:
        exc_rows.append((k, '*', None, 'several exceptions: ' + ', '.join(sorted(xs))))

# URLs: the table's rows, and each license's own URL when no other shares it
def url_key(u):
    u = u.lower()
    for pre in ('https://', 'http://'):
        if u.startswith(pre):
            u = u[len(pre):]
    if u.startswith('www.'):
        u = u[4:]
    u = u.split('#')[0].split('?')[0].rstrip('/')
    for ext in ('.html', '.htm', '.txt', '.php', '.md', '.shtml'):
        if u.endswith(ext):
            u = u[:-len(ext)]
    return u
urls = {}
for n, r in tsv('urls.tsv'):
    if len(r) != 3:
        die('urls.tsv:%d: expected 3 columns' % n)
    urls[r[0]] = (None if r[1] == '-' else r[1], r[2])
own = {}
for i in lic:
    u = names.get(i, {}).get('url')
    if u and not own_rule(i):
        own.setdefault(url_key(u), set()).add(meaning(i))
def license_page(u):
    """Not a file of some project's sources, nor an archive."""
    return not (u.startswith('ftp') or any(p in u for p in ('/blob/', '/tree/', '/source/', '/view/', 'viewvc', '/raw/'))
                or re.search(r'\.(tar\.gz|tar\.xz|tar\.bz2|tgz|zip|c|h|cc|cs|js|pm|xs|in|mp|py|sh|java)$', u))


for u, ms in own.items():
    if u not in urls and len(ms) == 1 and '/' in u and license_page(u):
        urls[u] = (next(iter(ms)), 'the URL the SPDX list gives for it')

vocab = set(fillers) | {w for w, c in wordclass.items()}
for k in list(keys) + [r[0] for r in exc_rows]:
    vocab |= {w for w in k.split() if w.isalpha() and len(w) >= 3}
vocab |= set('gnu general public lesser library affero free documentation gpl lgpl agpl gfdl fdl later only '
             'creative commons attribution share alike sharealike noncommercial noderivatives noderivs '
             'international unported exception exceptions with under copyright see'.split())
vocab = sorted(w for w in vocab if '~' not in w)

vers = (version('spdx-license-ids'), version('spdx-license-list'), version('spdx-exceptions'))
out = []
out.append('/*\n * lc_spdx_data.c — the SPDX License List, generated by data/spdx/gen.py; do not edit.\n'
           ' * From spdx-license-ids %s, spdx-license-list %s and spdx-exceptions %s (CC0-1.0),\n'
           ' * and the tables of data/spdx (deprecated, aliases, urls, exceptions, words).\n */\n' % vers)
out.append('#include "lc_spdx.h"\n\n')
out.append('const char *const lc_spdx_list_version = %s;\n\n'
           % c('spdx-license-ids %s, spdx-license-list %s, spdx-exceptions %s' % vers))
out.append('/* sorted by lower-case id: id, name, OSI, deprecated, replaced by, implied exception */\n'
           'const lc_spdx_entry lc_spdx_licenses[] = {\n')
for i in lic:
    n = names.get(i, {})
    new, x = replaced.get(i, (None, None))
    out.append('\t{%s, %s, %d, %d, %s, %s},\n' % (c(i), c(n.get('name', i)), 1 if n.get('osiApproved') else 0,
                                                  1 if i in dep else 0, c(new), c(x)))
out.append('};\nconst int lc_spdx_nlicenses = %d;\n\n' % len(lic))
out.append('const lc_spdx_entry lc_spdx_exceptions[] = {\n')
for i in ex:
    new, _ = replaced.get(i, (None, None))
    out.append('\t{%s, %s, 0, %d, %s, NULL},\n' % (c(i), c(i), 1 if i in excdep else 0, c(new)))
out.append('};\nconst int lc_spdx_nexceptions = %d;\n' % len(ex))

out.append('\n/* ---- correction: keys (sorted), exceptions by words, URLs, vocabulary ---- */\n\n')
out.append('/* key, answer (NULL: none), candidates, kind (0 alias, 1 name, 2 id, 3 single version,\n'
           ' * 4 family, 5 ambiguous), why, the phrase it was read from */\nconst lc_spdx_key lc_spdx_keys[] = {\n')
for k in sorted(keys):
    kind, answer, cands, why, phrase = keys[k]
    out.append('\t{%s, %s, %s, %d, %s, %s},\n' % (c(k), c(answer), c(cands), KIND[kind], c(why), c(phrase)))
out.append('};\nconst int lc_spdx_nkeys = %d;\n\n' % len(keys))
out.append('/* exception words, license prefix (* any), exception (NULL: none), why; by words, rows\n'
           ' * with a license prefix before * */\nconst lc_spdx_exception_key lc_spdx_exception_keys[] = {\n')
for k, lp, x, why in sorted(exc_rows, key=lambda r: (r[0], r[1] == '*')):
    out.append('\t{%s, %s, %s, %s},\n' % (c(k), c(lp), c(x), c(why)))
out.append('};\nconst int lc_spdx_nexception_keys = %d;\n\n' % len(exc_rows))
out.append('/* URL prefix, answer ("*": read the rest of the path; NULL: none), why; longest first */\n'
           'const lc_spdx_url lc_spdx_urls[] = {\n')
for u in sorted(urls, key=lambda u: (-len(u), u)):
    out.append('\t{%s, %s, %s},\n' % (c(u), c(urls[u][0]), c(urls[u][1])))
out.append('};\nconst int lc_spdx_nurls = %d;\n\n' % len(urls))
out.append('/* word, class (1 filler, 2 lead-in, 3 dual); sorted */\nconst lc_spdx_word lc_spdx_word_classes[] = {\n')
for w in sorted(wordclass):
    out.append('\t{%s, %d},\n' % (c(w), wordclass[w]))
out.append('};\nconst int lc_spdx_nword_classes = %d;\n\n' % len(wordclass))
out.append('/* every word of the keys, fillers and rules: what a typo is corrected to; sorted */\n'
           'const char *const lc_spdx_vocabulary[] = {\n')
for w in vocab:
    out.append('\t%s,\n' % c(w))
out.append('};\nconst int lc_spdx_nvocabulary = %d;\n' % len(vocab))

open(os.path.join(here, '..', '..', 'src', 'lc_spdx_data.c'), 'w').write(''.join(out))
print('%d licenses, %d exceptions, %d keys, %d exception keys, %d URLs, %d words'
      % (len(lic), len(ex), len(keys), len(exc_rows), len(urls), len(vocab)), file=sys.stderr)
