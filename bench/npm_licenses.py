#!/usr/bin/env python3
"""The license fields of the npm packages under bench/work/npm, as COPY rows:
package, version, license (as written: a string, license.type, or the
types of a "licenses" array joined with " OR ")."""
import json, os, sys

root = sys.argv[1] if len(sys.argv) > 1 else 'bench/work/npm/node_modules'
seen = set()
for dirpath, dirs, files in os.walk(root):
    dirs.sort()
    if 'package.json' not in files:
        continue
    try:
        meta = json.load(open(os.path.join(dirpath, 'package.json'), encoding='utf-8'))
    except Exception:
        continue
    name, version = meta.get('name'), meta.get('version')
    if not name or not version or (name, version) in seen:
        continue
    seen.add((name, version))
    lic = meta.get('license')
    if isinstance(lic, dict):
        lic = lic.get('type')
    if lic is None and isinstance(meta.get('licenses'), list):
        types = [l.get('type') if isinstance(l, dict) else l for l in meta['licenses']]
        lic = ' OR '.join(t for t in types if isinstance(t, str)) or None
    if not isinstance(lic, str):
        lic = None
    esc = lambda s: '\\N' if s is None else s.replace('\\', '\\\\').replace('\t', '\\t').replace('\n', '\\n')
    print('\t'.join([esc(name), esc(version), esc(lic)]))
