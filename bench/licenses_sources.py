#!/usr/bin/env python3
"""Messy license strings from the real sources on this machine, as
tab-separated rows (source, string), each distinct string once per source:

  npm-field     "license" / "licenses" of every package.json under the pinned
                npm packages of bench/npm and their dependencies
  npm-readme    the line after a "License" heading of their README files
  npm-title     the title of their LICENSE / LICENCE / COPYING files
  deb-field     "License:" lines of the copyright files in /usr/share/doc
  deb-prose     sentences of the free-form copyright files naming a license

bench/licenses.tsv was assembled from this output (with the truth written
by hand, and deliberate variants added); this script shows where it came
from and finds new strings when the machine changes.

    python3 bench/licenses_sources.py [bench/work/npm/node_modules] > candidates.tsv
"""
import glob, json, os, re, sys

root = sys.argv[1] if len(sys.argv) > 1 else 'bench/work/npm/node_modules'
rows = {}


def add(source, s):
    s = re.sub(r'\s+', ' ', s).strip()
    if 0 < len(s) <= 300:
        rows.setdefault((source, s), None)


for dp, ds, fs in os.walk(root):
    ds.sort()
    for f in sorted(fs):
        path = os.path.join(dp, f)
        if f == 'package.json':
            try:
                meta = json.load(open(path, encoding='utf-8'))
            except Exception:
                continue
            lic = meta.get('license')
            if isinstance(lic, dict):
                lic = lic.get('type')
            if isinstance(lic, str):
                add('npm-field', lic)
            for l in meta.get('licenses') or [] if isinstance(meta.get('licenses'), list) else []:
                if isinstance(l, dict) and isinstance(l.get('type'), str):
                    add('npm-field', l['type'])
                    if isinstance(l.get('url'), str):
                        add('npm-field', l['url'])
        elif re.match(r'readme(\.md|\.markdown|\.txt)?$', f, re.I):
            lines = open(path, encoding='utf-8', errors='replace').read().split('\n')
            for i, l in enumerate(lines):
                m = re.match(r'^\s*(?:#+\s*|\*\*)?(?:license|licence|licensing)\b\s*(?:\*\*)?\s*[:\-]?\s*(.*)$', l, re.I)
                if not m:
                    continue
                if m.group(1).strip():
                    add('npm-readme', m.group(1))
                    continue
                for n in lines[i + 1:i + 6]:
                    if n.strip() and not set(n.strip()) <= set('=-*_ '):
                        add('npm-readme', n)
                        break
        elif re.match(r'(licen[cs]e|copying)(\.md|\.txt|\.markdown)?$', f, re.I):
            lines = [l.strip().strip('#').strip() for l in
                     open(path, encoding='utf-8', errors='replace').read().split('\n')]
            lines = [l for l in lines if l and not set(l) <= set('=-*_ ')]
            if lines:
                title = lines[0]
                if len(lines) > 1 and re.match(r'version\b', lines[1], re.I):
                    title += ' ' + lines[1]
                add('npm-title', title)

for path in sorted(glob.glob('/usr/share/doc/*/copyright')):
    try:
        text = open(path, encoding='utf-8', errors='replace').read()
    except Exception:
        continue
    machine = text.startswith('Format:') or 'Format-Specification' in text[:300]
    for m in re.finditer(r'(?m)^[ \t]*Licen[cs]e:[ \t]*(\S[^\n]*)$', text):
        add('deb-field', m.group(1))
    if machine:
        continue
    flat = re.sub(r'\s+', ' ', text)
    # sentences: a period ends one unless it sits in a version number (2.0)
    for m in re.finditer(r'(?:[^.;]|\.(?=\d))*\b(?:licen[cs]ed|released|distributed|available) under '
                         r'(?:[^.;]|\.(?=\d))*(?:[.;]|$)', flat, re.I):
        sentence = m.group(0).strip()
        if re.search(r'licen[cs]e|gpl|bsd|mit\b', sentence, re.I):
            add('deb-prose', sentence)

for (source, s) in rows:
    print('%s\t%s' % (source, s.replace('\t', ' ')))
