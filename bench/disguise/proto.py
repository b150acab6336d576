#!/usr/bin/env python3
"""Prototypes of tokenizer-level measures, computed over what the tokenizer
saw (llmcopy_tokens in code mode), to size the next round's work before
building it in C (run by bench/disguise.sql).

    python3 bench/disguise/proto.py TOKENS TEXTS PAIRS OUT

TOKENS: tid, n, token, start, length (llmcopy_tokens rows); TEXTS: tid,
body; PAIRS: pid, query tid, work tid.  Writes OUT: pid, measure, value.

Measures, each a containment |q ∩ w| / |q| over sets of the query's units:
  exact_5    every 5-gram of the exact tokens (what fingerprints estimate,
             without winnowing): the baseline of the prototypes;
  kind_5     every 5-gram of kind tokens: identifiers (not keywords) -> I,
             numbers -> N, string literals -> S, the rest as they are, as
             JPlag, Dolos and MOSS normalize (rename-insensitive);
  kind_8     the same with 8-grams (fewer chance matches: kind tokens are a
             small alphabet);
  units      statement-level units: the token runs between ";", "{", "}"
             and line breaks, of at least 4 tokens, as exact tokens
             (tolerant to reordered statements and moved declarations);
  kind_units the same units as kind tokens (rename- and move-tolerant);
  kind_5_in_units  kind 5-grams that lie inside one unit (none crosses a
             statement boundary, so reordering whole statements changes no
             k-gram; statements shorter than 5 tokens contribute nothing).
"""
import sys
from collections import defaultdict

KEYWORDS = set('''break case catch class const continue debugger default delete do else export extends finally for
function if import in instanceof new return super switch this throw try typeof var void while with yield let static
async await of null true false undefined false none true and as assert def del elif except from global is lambda
nonlocal not or pass raise'''.split())

def unescape(s):
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == '\\' and i + 1 < len(s):
            n = s[i + 1]
            out.append({'n': '\n', 't': '\t', 'r': '\r', '\\': '\\'}.get(n, n))
            i += 2
        else:
            out.append(c)
            i += 1
    return ''.join(out)

def kind(t):
    c = t[0]
    if c.isalpha() or c in '_$':
        return t if t in KEYWORDS else 'I'
    if c.isdigit():
        return 'N'
    if c in '"\'`':
        return 'S'
    return t

def grams(seq, k):
    return {tuple(seq[i:i + k]) for i in range(len(seq) - k + 1)}

def units(toks, body, norm, k=0):
    """The units (k = 0), or the k-grams inside units (k > 0)."""
    out, cur, prev_end = set(), [], None
    def close(cur):
        if k:
            out.update(grams(cur, k))
        elif len(cur) >= 4:
            out.add(tuple(cur))
    for tok, start, length in toks:
        if prev_end is not None and '\n' in body[prev_end:start - 1]:
            close(cur)
            cur = []
        if tok in (';', '{', '}'):
            close(cur)
            cur = []
        else:
            cur.append(norm(tok))
        prev_end = start - 1 + length
    close(cur)
    return out

def main():
    tokens_f, texts_f, pairs_f, out_f = sys.argv[1:5]
    toks = defaultdict(list)
    for line in open(tokens_f, encoding='utf-8'):
        tid, n, tok, start, length = line.rstrip('\n').split('\t')
        toks[int(tid)].append((int(n), unescape(tok), int(start), int(length)))
    bodies = {}
    for line in open(texts_f, encoding='utf-8'):
        tid, body = line.rstrip('\n').split('\t', 1)
        bodies[int(tid)] = unescape(body)
    feats = {}

    def features(tid):
        if tid not in feats:
            t = sorted(toks.get(tid, []))
            exact = [x[1] for x in t]
            kinds = [kind(x) for x in exact]
            triples = [(x[1], x[2], x[3]) for x in t]
            feats[tid] = {
                'exact_5': grams(exact, 5), 'kind_5': grams(kinds, 5), 'kind_8': grams(kinds, 8),
                'units': units(triples, bodies.get(tid, ''), lambda x: x),
                'kind_units': units(triples, bodies.get(tid, ''), kind),
                'kind_5_in_units': units(triples, bodies.get(tid, ''), kind, 5),
            }
        return feats[tid]

    with open(out_f, 'w') as out:
        for line in open(pairs_f):
            pid, q, w = (int(x) for x in line.split('\t'))
            fq, fw = features(q), features(w)
            for m in fq:
                a, b = fq[m], fw[m]
                out.write('%d\t%s\t%.6f\n' % (pid, m, len(a & b) / len(a) if a else 0.0))

if __name__ == '__main__':
    main()
