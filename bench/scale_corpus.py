#!/usr/bin/env python3
"""Grow the benchmark corpus to a given number of documents, for bench/run scale.

Reads bench/work/corpus.copy (the 126,809 real documents of bench/corpus.py)
and writes COPY-format (text) rows to standard output:

    id, kind, origin, variant, license, path, body

Rows 1..126,809 are the real documents as they are (variant 'real', origin =
id).  Every further row is a variant of a real document, chosen by a fixed
stride through the corpus so that every document gets about as many
variants, made in one of three ways in turn:

  'shuffled'  the document's lines in a random order;
  'replaced'  10 % of its words (runs of non-space) replaced by words drawn
              from documents of the same kind, so the shingles around them
              are new;
  'spliced'   the first part of the document (cut at a line, 30-70 % in)
              followed by the last part of another document of the same kind.

The origin column names the real document a variant was made from (for
spliced ones, the first).  Everything is seeded by the row id: the same
arguments give the same rows.  Nothing of it is committed; bench/scale.sql
loads it with \\copy ... FROM PROGRAM.
"""
import argparse, random, re, sys

SPACE = re.compile(r'(\s+)')


UNESC = re.compile(r'\\(.)', re.S)
UNESC_MAP = {'n': '\n', 't': '\t', 'r': '\r'}


def unesc(s):
    return UNESC.sub(lambda m: UNESC_MAP.get(m.group(1), m.group(1)), s)


def esc(s):
    return (s.replace('\\', '\\\\').replace('\t', '\\t').replace('\n', '\\n')
             .replace('\r', '\\r'))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--corpus', default='bench/work/corpus.copy')
    ap.add_argument('--docs', type=int, default=1000000, help='rows to write, real documents first')
    ap.add_argument('--first', type=int, default=1, help='first id to write (to append to a table)')
    ap.add_argument('--replace', type=float, default=0.10, help='share of words replaced')
    a = ap.parse_args()

    real = []                       # (kind, license, path, body escaped, body)
    with open(a.corpus, encoding='utf-8') as f:
        for line in f:
            _id, kind, _pkg, lic, path, body = line.rstrip('\n').split('\t')
            real.append((kind, lic, path, body, unesc(body)))
    n = len(real)
    by_kind = {}
    for i, r in enumerate(real):
        by_kind.setdefault(r[0], []).append(i)
    # words to put in: a sample of each kind's words
    vocab = {}
    rnd = random.Random(20261127)
    for kind, ids in by_kind.items():
        words = []
        for i in rnd.sample(ids, min(2000, len(ids))):
            words.extend(real[i][4].split())
        vocab[kind] = words or ['x']
    # a stride coprime with n spreads the variants evenly over the documents
    stride = 7919
    while gcd(stride, n) != 1:
        stride += 2

    out = sys.stdout
    write = out.write
    for rid in range(a.first, a.docs + 1):
        if rid <= n:
            kind, lic, path, body, _ = real[rid - 1]
            write('%d\t%s\t%d\treal\t%s\t%s\t%s\n' % (rid, kind, rid, lic, path, body))
            continue
        j = rid - n - 1
        src = (j * stride) % n
        kind, lic, path, _, body = real[src]
        r = random.Random(rid)
        how = ('shuffled', 'replaced', 'spliced')[j % 3]
        if how == 'shuffled':
            lines = body.split('\n')
            if len(lines) < 3:
                lines = body.split('. ')
                r.shuffle(lines)
                body = '. '.join(lines)
            else:
                r.shuffle(lines)
                body = '\n'.join(lines)
        elif how == 'replaced':
            parts = SPACE.split(body)          # words at even places, spaces between
            words = range(0 if parts[0] else 2, len(parts), 2)
            v = vocab[kind]
            for i in r.sample(words, int(len(words) * a.replace)):
                parts[i] = v[r.randrange(len(v))]
            body = ''.join(parts)
        else:
            ids = by_kind[kind]
            other = real[ids[r.randrange(len(ids))]][4]
            la, lb = body.split('\n'), other.split('\n')
            ca = max(1, int(len(la) * r.uniform(0.3, 0.7)))
            cb = int(len(lb) * r.uniform(0.3, 0.7))
            body = '\n'.join(la[:ca] + lb[cb:])
        write('%d\t%s\t%d\t%s\t%s\t%s\t%s\n' % (rid, kind, src + 1, how, lic, path, esc(body)))


def gcd(x, y):
    while y:
        x, y = y, x % y
    return x


if __name__ == '__main__':
    main()
