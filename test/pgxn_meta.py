#!/usr/bin/env python3
"""Check META.json against the PGXN Meta Spec 1.0 and against the tree it describes.

  test/pgxn_meta.py [META.json]    prints each problem; exits 1 if there is one
  test/pgxn_meta.py --self-test    checks that each rule rejects a META.json broken on purpose

The spec's rules: the required keys (name, version, abstract, maintainer,
license, provides, meta-spec) and no unknown key but x_ custom ones; names
are terms (two characters or more, no slash, backslash, space or control
character); versions are semantic versions; licenses come from the spec's
list or are a name -> URI map; provides, prereqs (phases, relationships,
version ranges), resources, no_index and tags have the spec's shapes.  And
the tree's: the name is the extension's, every version is the control file's
default_version, and every path named exists.
"""
import copy
import json
import os
import re
import sys

SEMVER = (r'(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)'
          r'(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?'
          r'(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?')
RANGE_ITEM = r'(?:(?:[=!]=|[<>]=?)\s*)?(?:%s|0)' % SEMVER
LICENSES = {
    'agpl_3', 'apache_1_1', 'apache_2_0', 'artistic_1', 'artistic_2', 'bsd', 'freebsd',
    'gfdl_1_2', 'gfdl_1_3', 'gpl_1', 'gpl_2', 'gpl_3', 'lgpl_2_1', 'lgpl_3_0', 'mit',
    'mozilla_1_0', 'mozilla_1_1', 'openssl', 'perl_5', 'postgresql', 'qpl_1_0', 'ssleay',
    'sun', 'zlib', 'open_source', 'restricted', 'unrestricted', 'unknown'}
TOP_KEYS = {'name', 'version', 'abstract', 'maintainer', 'license', 'provides', 'meta-spec',
            'description', 'generated_by', 'tags', 'no_index', 'prereqs', 'release_status',
            'resources'}
REQUIRED = ['name', 'version', 'abstract', 'maintainer', 'license', 'provides', 'meta-spec']
PHASES = {'configure', 'build', 'test', 'runtime', 'develop'}
RELATIONSHIPS = {'requires', 'recommends', 'suggests', 'conflicts'}
META_SPEC_URLS = {'https://pgxn.org/meta/spec.txt', 'http://pgxn.org/meta/spec.txt'}


def custom(key):
    return re.match(r'^[xX]_.', key) is not None


class Checker:
    def __init__(self, root):
        self.root = root
        self.problems = []

    def bad(self, where, why):
        self.problems.append('%s: %s' % (where, why))

    def keys(self, where, obj, allowed, required=(), min_props=0):
        """obj is an object with the required keys and no others than allowed (None: any) or custom ones."""
        if not isinstance(obj, dict):
            self.bad(where, 'must be an object')
            return False
        for k in required:
            if k not in obj:
                self.bad(where, 'lacks the required key "%s"' % k)
        for k in obj:
            if allowed is not None and k not in allowed and not custom(k):
                self.bad(where, 'unknown key "%s" (custom keys begin with x_)' % k)
        if len(obj) < min_props:
            self.bad(where, 'must not be empty')
        return True

    def text(self, where, v):
        if not isinstance(v, str) or not v:
            self.bad(where, 'must be a non-empty string')
            return False
        return True

    def term(self, where, v):
        if not isinstance(v, str) or not re.fullmatch(r'[^/\\\s\x00-\x1f\x7f]{2,}', v):
            self.bad(where, 'must be a term: two characters or more, no slash, backslash, space or control character')

    def version(self, where, v):
        if not isinstance(v, str) or not re.fullmatch(SEMVER, v):
            self.bad(where, 'must be a semantic version (such as 1.2.3), not %r' % (v,))

    def uri(self, where, v):
        if not isinstance(v, str) or not re.fullmatch(r'[A-Za-z][A-Za-z0-9+.-]*:\S+', v):
            self.bad(where, 'must be a URI, not %r' % (v,))

    def path(self, where, v, exists=True):
        if not self.text(where, v):
            return
        if v.startswith('/') or '\\' in v or '..' in v.split('/'):
            self.bad(where, 'must be a relative path in unix form, not %r' % v)
        elif exists and self.root is not None and not os.path.exists(os.path.join(self.root, v)):
            self.bad(where, 'names %s, which does not exist' % v)

    def version_range(self, where, v):
        if v == 0:
            return
        if not isinstance(v, str) or not re.fullmatch(r'%s(?:\s*,\s*%s)*' % (RANGE_ITEM, RANGE_ITEM), v):
            self.bad(where, 'must be a version range (0, "1.2.3", ">= 1.2.0, < 2.0.0"), not %r' % (v,))

    def check(self, meta):
        if not self.keys('META.json', meta, TOP_KEYS, REQUIRED):
            return self.problems
        if 'name' in meta:
            self.term('name', meta['name'])
        if 'version' in meta:
            self.version('version', meta['version'])
        for k in ('abstract', 'description', 'generated_by'):
            if k in meta:
                self.text(k, meta[k])
        m = meta.get('maintainer', 'x')
        if isinstance(m, list):
            if not m:
                self.bad('maintainer', 'must not be an empty list')
            for i, x in enumerate(m):
                self.text('maintainer[%d]' % i, x)
        else:
            self.text('maintainer', m)
        self.check_license(meta.get('license', 'unknown'))
        self.check_provides(meta.get('provides', {'x_': 0}))
        if 'prereqs' in meta:
            self.check_prereqs(meta['prereqs'])
        if 'release_status' in meta and meta['release_status'] not in ('stable', 'testing', 'unstable'):
            self.bad('release_status', 'must be stable, testing or unstable')
        if 'resources' in meta:
            self.check_resources(meta['resources'])
        if 'no_index' in meta:
            self.check_no_index(meta['no_index'])
        if 'tags' in meta:
            self.check_tags(meta['tags'])
        ms = meta.get('meta-spec', {'version': '1.0.0'})
        if self.keys('meta-spec', ms, {'version', 'url'}, ['version']):
            if 'version' in ms and not (isinstance(ms['version'], str) and re.fullmatch(r'1\.0\.\d+', ms['version'])):
                self.bad('meta-spec.version', 'must be 1.0.x')
            if 'url' in ms and ms['url'] not in META_SPEC_URLS:
                self.bad('meta-spec.url', 'must be https://pgxn.org/meta/spec.txt')
        return self.problems

    def check_license(self, lic):
        if isinstance(lic, str):
            if lic not in LICENSES:
                self.bad('license', '"%s" is not one of the spec\'s license names' % lic)
        elif isinstance(lic, list):
            if not lic:
                self.bad('license', 'must not be an empty list')
            for x in lic:
                if x not in LICENSES:
                    self.bad('license', '"%s" is not one of the spec\'s license names' % x)
        elif isinstance(lic, dict):
            if not lic:
                self.bad('license', 'must not be empty')
            for name, url in lic.items():
                self.uri('license.%s' % name, url)
        else:
            self.bad('license', 'must be a license name, a list of them, or a name -> URI object')

    def check_provides(self, prov):
        if not self.keys('provides', prov, None, min_props=1):
            return
        for ext, e in prov.items():
            if custom(ext):
                continue
            where = 'provides.%s' % ext
            self.term(where, ext)
            if not self.keys(where, e, {'file', 'version', 'abstract', 'docfile', 'docpath'}, ['file', 'version']):
                continue
            if 'file' in e:
                self.path(where + '.file', e['file'])
            if 'docfile' in e:
                self.path(where + '.docfile', e['docfile'])
            if 'version' in e:
                self.version(where + '.version', e['version'])
            if 'abstract' in e:
                self.text(where + '.abstract', e['abstract'])

    def check_prereqs(self, pre):
        if not self.keys('prereqs', pre, PHASES, min_props=1):
            return
        for phase, rels in pre.items():
            if custom(phase):
                continue
            where = 'prereqs.%s' % phase
            if not self.keys(where, rels, RELATIONSHIPS, min_props=1):
                continue
            for rel, deps in rels.items():
                if custom(rel):
                    continue
                if not self.keys('%s.%s' % (where, rel), deps, None):
                    continue
                for name, rng in deps.items():
                    self.term('%s.%s.%s' % (where, rel, name), name)
                    self.version_range('%s.%s.%s' % (where, rel, name), rng)

    def check_resources(self, res):
        if not self.keys('resources', res, {'homepage', 'bugtracker', 'repository'}, min_props=1):
            return
        if 'homepage' in res:
            self.uri('resources.homepage', res['homepage'])
        bt = res.get('bugtracker')
        if bt is not None and self.keys('resources.bugtracker', bt, {'web', 'mailto'}, min_props=1):
            if 'web' in bt:
                self.uri('resources.bugtracker.web', bt['web'])
            if 'mailto' in bt and not re.fullmatch(r'[^@\s]+@[^@\s]+', str(bt['mailto'])):
                self.bad('resources.bugtracker.mailto', 'must be an email address')
        repo = res.get('repository')
        if repo is not None and self.keys('resources.repository', repo, {'url', 'web', 'type'}, min_props=1):
            for k in ('url', 'web'):
                if k in repo:
                    self.uri('resources.repository.' + k, repo[k])
            if 'type' in repo and not re.fullmatch(r'[a-z]+', str(repo['type'])):
                self.bad('resources.repository.type', 'must be a lower-case word such as git')

    def check_no_index(self, ni):
        if not self.keys('no_index', ni, {'file', 'directory'}):
            return
        if 'file' not in ni and 'directory' not in ni:
            self.bad('no_index', 'needs file or directory')
        for k in ('file', 'directory'):
            v = ni.get(k)
            if v is None:
                continue
            items = v if isinstance(v, list) else [v]
            if isinstance(v, list) and (not v or len(set(map(str, v))) != len(v)):
                self.bad('no_index.' + k, 'must be a non-empty list of distinct paths')
            for i, p in enumerate(items):
                self.path('no_index.%s[%d]' % (k, i), p)

    def check_tags(self, tags):
        if not isinstance(tags, list) or not tags:
            self.bad('tags', 'must be a non-empty list')
            return
        for i, t in enumerate(tags):
            if not isinstance(t, str) or not re.fullmatch(r'[^/\\\x00-\x1f\x7f]{2,255}', t):
                self.bad('tags[%d]' % i, 'must be 2 to 255 characters, no slash, backslash or control character')

    def check_tree(self, meta):
        """The name, versions and files agree with the extension in the tree."""
        controls = [f for f in os.listdir(self.root) if f.endswith('.control')]
        if len(controls) != 1:
            self.bad('tree', 'expected one .control file, found %d' % len(controls))
            return self.problems
        ext = controls[0][:-len('.control')]
        with open(os.path.join(self.root, controls[0])) as f:
            m = re.search(r"^default_version\s*=\s*'([^']*)'", f.read(), re.M)
        current = m.group(1) if m else None
        if meta.get('name') != ext:
            self.bad('name', 'is "%s", the extension is "%s"' % (meta.get('name'), ext))
        if meta.get('version') != current:
            self.bad('version', 'is %s, %s says %s' % (meta.get('version'), controls[0], current))
        prov = meta.get('provides') if isinstance(meta.get('provides'), dict) else {}
        if ext not in prov:
            self.bad('provides', 'does not name the extension "%s"' % ext)
        else:
            e = prov[ext] if isinstance(prov[ext], dict) else {}
            if e.get('version') != current:
                self.bad('provides.%s.version' % ext, 'is %s, %s says %s' % (e.get('version'), controls[0], current))
            if e.get('file') != 'sql/%s--%s.sql' % (ext, current):
                self.bad('provides.%s.file' % ext, 'should be the install script sql/%s--%s.sql' % (ext, current))
        return self.problems


def validate(meta, root):
    c = Checker(root)
    c.check(meta)
    if isinstance(meta, dict):
        c.check_tree(meta)
    return c.problems


def self_test(path, root):
    """Each rule rejects a copy of META.json broken on purpose; the file itself passes."""
    with open(path) as f:
        good = json.load(f)

    def drop(k):
        return lambda m: m.pop(k)

    def put(keys, v):
        def f(m):
            o = m
            for k in keys[:-1]:
                o = o.setdefault(k, {})
            o[keys[-1]] = v
        return f
    ext = good.get('name')
    breaks = [('no %s' % k, drop(k)) for k in REQUIRED] + [
        ('an unknown top-level key', put(['homepage'], 'https://example.org/')),
        ('a name with a space', put(['name'], 'pg llmcopy')),
        ('a one-character name', put(['name'], 'p')),
        ('a version that is not semver', put(['version'], '0.2')),
        ('a version with a leading zero', put(['version'], '01.2.0')),
        ('a license not in the list', put(['license'], 'GPL-3.0')),
        ('an empty license list', put(['license'], [])),
        ('a license map with no URI', put(['license'], {'PostgreSQL': 'the PostgreSQL licence'})),
        ('an empty maintainer', put(['maintainer'], '')),
        ('empty provides', put(['provides'], {})),
        ('an extension without file', lambda m: m['provides'][ext].pop('file')),
        ('an extension without version', lambda m: m['provides'][ext].pop('version')),
        ('an unknown key in an extension', put(['provides', ext, 'docs'], 'README.md')),
        ('an absolute file path', put(['provides', ext, 'file'], '/usr/share/x.sql')),
        ('a file that does not exist', put(['provides', ext, 'file'], 'sql/none.sql')),
        ('an extension version other than the control file\'s', put(['provides', ext, 'version'], '9.9.9')),
        ('a version other than the control file\'s', put(['version'], '9.9.9')),
        ('an unknown phase', put(['prereqs', 'install'], {'requires': {'PostgreSQL': '15.0.0'}})),
        ('an unknown relationship', put(['prereqs', 'runtime', 'needs'], {'PostgreSQL': '15.0.0'})),
        ('a bad version range', put(['prereqs', 'runtime', 'requires'], {'PostgreSQL': '>= 15'})),
        ('an unknown release status', put(['release_status'], 'beta')),
        ('a homepage that is no URI', put(['resources'], {'homepage': 'pg_llmcopy home'})),
        ('empty resources', put(['resources'], {})),
        ('a no_index path that does not exist', put(['no_index'], {'directory': ['nowhere']})),
        ('a one-character tag', put(['tags'], ['x'])),
        ('a tag with a slash', put(['tags'], ['a/b'])),
        ('meta-spec 2.0.0', put(['meta-spec', 'version'], '2.0.0')),
        ('an unknown meta-spec url', put(['meta-spec', 'url'], 'https://example.org/spec')),
    ]
    failed = 0
    problems = validate(good, root)
    if problems:
        failed += 1
        print('META.json itself is rejected: ' + '; '.join(problems))
    for what, breaker in breaks:
        m = copy.deepcopy(good)
        breaker(m)
        if not validate(m, root):
            failed += 1
            print('not rejected: %s' % what)
    print('pgxn meta self-test: %d broken copies, %d not rejected' % (len(breaks), failed))
    return failed == 0


def main():
    args = sys.argv[1:]
    selftest = '--self-test' in args
    args = [a for a in args if a != '--self-test']
    path = args[0] if args else 'META.json'
    root = os.path.dirname(os.path.abspath(path))
    if selftest:
        return 0 if self_test(path, root) else 1
    try:
        with open(path) as f:
            meta = json.load(f)
    except (OSError, ValueError) as e:
        print('%s: %s' % (path, e))
        return 1
    problems = validate(meta, root)
    for p in problems:
        print('%s: %s' % (path, p))
    if not problems:
        print('%s: valid (PGXN Meta Spec %s)' % (path, meta['meta-spec']['version']))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
