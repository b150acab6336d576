#!/usr/bin/env python3
"""Disguised Python clones and independent implementations, from this
machine's Python standard library and Debian's Python packages (run by
bench/run disguise).

    python3 bench/disguise/py.py OUT_DIR

Writes, in COPY text format:
  py_corpus.copy     id, package, path, body: the source files, cut into
                     pieces of at most 4 KB at line boundaries (the corpus
                     the document frequencies are counted over);
  py_clones.copy     fid, package, name, variant, query, original; the
                     variants are those of bench/disguise/js.mjs (L1..L6
                     cumulative, S2..S6 one transformation on top of L1),
                     made with Python's own ast module:
      L1 comments and layout: ast.unparse (comments dropped, its own
         layout), docstring dropped, comments of our own added;
      L2 identifiers renamed: parameters and local variables, consistently;
      L3 declarations moved: simple initializations (a name bound to a
         literal, a container display or an expression of names not bound
         before) moved up as far as their inputs allow, imports to the top;
      L4 code extracted into a function: a run of statements becomes a
         module-level function called with the locals it reads, returning
         those the rest of the function uses;
      L5 independent statements reordered (adjacent, no shared name written);
      L6 control structures rewritten: for -> while over an iterator,
         if/else and conditional expressions flipped on the negated test.
  py_negatives.copy  name, package_a, package_b, a, b: top-level functions
                     of the same name in different modules (posixpath and
                     ntpath, email and urllib, pygments and docutils, ...).
"""
import ast, copy, glob, os, random, re, sys

R = random.Random(20240614)
ROOTS = ['/usr/lib/python3.11', '/usr/lib/python3/dist-packages']
SKIP = re.compile(r'/(test|tests|idle_test|__pycache__|site-packages|lib2to3/tests|_vendor|vendor)/')

def esc(s):
    return s.replace('\\', '\\\\').replace('\t', '\\t').replace('\n', '\\n').replace('\r', '\\r')

def package_of(path):
    for root in ROOTS:
        if path.startswith(root + '/'):
            rel = path[len(root) + 1:]
            top = rel.split('/')[0]
            return ('python3.11/' if root.endswith('3.11') else 'dist-packages/') + re.sub(r'\.py$', '', top)
    return '?'

def family(pkg):
    return pkg

def chunks(text, max_bytes=4096):
    out, cur, n = [], [], 0
    for line in text.split('\n'):
        b = len(line.encode('utf-8')) + 1
        if n + b > max_bytes and cur:
            out.append('\n'.join(cur)); cur, n = [], 0
        cur.append(line[:max_bytes]); n += b
    if cur:
        out.append('\n'.join(cur))
    return [c for c in out if c.strip()]

WORDS = ('value item entry result total count index offset length size key name node list table buffer chunk state '
         'target source data record field token part piece block slot cursor handle ref temp current nxt prev '
         'first last left right start end limit bound flag mode kind label text line row column cell group batch queue '
         'stack frame context options config params args settings payload message event handler callback action task '
         'job worker step').split()

def stores(node):
    """Names bound by a statement or expression."""
    out = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
            out.add(n.id)
        elif isinstance(n, ast.arg):
            out.add(n.arg)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n is not node:
            out.add(n.name)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            for a in n.names:
                out.add((a.asname or a.name).split('.')[0])
        elif isinstance(n, ast.ExceptHandler) and n.name:
            out.add(n.name)
        elif isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store):
            b = n
            while isinstance(b, ast.Attribute):
                b = b.value
            if isinstance(b, ast.Name):
                out.add(b.id)
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute):
            b = n.func.value
            while isinstance(b, ast.Attribute):
                b = b.value
            if isinstance(b, ast.Name):
                out.add(b.id)       # a method call may change its object
    return out

def loads(node):
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}

def local_names(fn):
    names = {a.arg for a in ast.walk(fn.args) if isinstance(a, ast.arg)}
    declared_global = set()
    for n in ast.walk(fn):
        if isinstance(n, (ast.Global, ast.Nonlocal)):
            declared_global.update(n.names)
        elif isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            names.add(n.id)
        elif isinstance(n, ast.ExceptHandler) and n.name:
            names.add(n.name)
    return names - declared_global

JUMPS = (ast.Return, ast.Break, ast.Continue, ast.Yield, ast.YieldFrom, ast.Await, ast.Global, ast.Nonlocal)

def has_jump(stmts):
    for s in stmts:
        for n in ast.walk(s):
            if isinstance(n, JUMPS):
                return True
    return False

def stmt_lists(fn):
    """Every statement list of fn, not of nested functions or classes."""
    out = []
    def visit(node):
        for field in ('body', 'orelse', 'finalbody'):
            lst = getattr(node, field, None)
            if isinstance(lst, list) and lst and isinstance(lst[0], ast.stmt):
                out.append(lst)
                for s in lst:
                    if not isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                        visit(s)
        for h in getattr(node, 'handlers', []) or []:
            out.append(h.body)
            for s in h.body:
                visit(s)
        for c in getattr(node, 'cases', []) or []:
            out.append(c.body)
    visit(fn)
    return out

# ---- transformations: each returns True if it changed something ----

def drop_docstring(fn):
    b = fn.body
    if b and isinstance(b[0], ast.Expr) and isinstance(b[0].value, ast.Constant) and isinstance(b[0].value.value, str):
        if len(b) > 1:
            del b[0]

def rename(mod, fns):
    names = set()
    for fn in fns:
        names |= local_names(fn)
    names.discard('self'); names.discard('cls')
    used = {n.id for n in ast.walk(mod) if isinstance(n, ast.Name)} | {a.arg for a in ast.walk(mod) if isinstance(a, ast.arg)}
    m = {}
    for name in sorted(names):
        while True:
            nn = R.choice(WORDS) + '_' + R.choice(WORDS)
            if nn not in used:
                break
        used.add(nn)
        m[name] = nn
    if not m:
        return False
    for fn in fns:
        for n in ast.walk(fn):
            if isinstance(n, ast.Name) and n.id in m:
                n.id = m[n.id]
            elif isinstance(n, ast.arg) and n.arg in m:
                n.arg = m[n.arg]
            elif isinstance(n, ast.ExceptHandler) and n.name in m:
                n.name = m[n.name]
            elif isinstance(n, ast.keyword) and False:
                pass
    return True

def simple_init(s):
    if isinstance(s, (ast.Import, ast.ImportFrom)):
        return True
    if isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name):
        v = s.value
        return isinstance(v, (ast.Constant, ast.List, ast.Dict, ast.Set, ast.Tuple, ast.Name, ast.Attribute, ast.Call))
    return False

def move_declarations(fn):
    changed = False
    for lst in stmt_lists(fn):
        for i in range(1, len(lst)):
            s = lst[i]
            if not simple_init(s) or (isinstance(s, ast.Assign) and isinstance(s.value, ast.Call) and stores(s.value)):
                continue
            need = loads(s) | stores(s)
            j = i
            while j > 0:
                p = lst[j - 1]
                if isinstance(p, ast.Expr) and isinstance(getattr(p, 'value', None), ast.Constant):
                    break           # keep the docstring first
                if (stores(p) & need) or (loads(p) & stores(s)) or has_jump([p]):
                    break
                j -= 1
            if j < i:
                lst.insert(j, lst.pop(i))
                changed = True
    return changed

def extract(mod_body, fn, name):
    body = fn.body
    locs = local_names(fn)
    for ln in range(min(5, len(body) - 1), 1, -1):
        for i in range(1, len(body) - ln + 1):
            run = body[i:i + ln]
            if has_jump(run) or any(isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) for s in run):
                continue
            written = set().union(*(stores(s) for s in run)) & locs
            read = set().union(*(loads(s) for s in run)) & locs
            after = set().union(*(loads(s) for s in body[i + ln:])) if body[i + ln:] else set()
            params = sorted(read | (written & read))
            outs = sorted(written & after)
            if len(outs) > 3:
                continue
            ret = []
            if outs:
                val = ast.Name(outs[0], ast.Load()) if len(outs) == 1 else ast.Tuple([ast.Name(o, ast.Load()) for o in outs], ast.Load())
                ret = [ast.Return(val)]
            helper = ast.FunctionDef(name=name, args=ast.arguments(posonlyargs=[], args=[ast.arg(p) for p in params],
                                     kwonlyargs=[], kw_defaults=[], defaults=[]),
                                     body=copy.deepcopy(run) + ret, decorator_list=[], returns=None, type_comment=None)
            call = ast.Call(ast.Name(name, ast.Load()), [ast.Name(p, ast.Load()) for p in params], [])
            if not outs:
                stmt = ast.Expr(call)
            else:
                tgt = ast.Name(outs[0], ast.Store()) if len(outs) == 1 else ast.Tuple([ast.Name(o, ast.Store()) for o in outs], ast.Store())
                stmt = ast.Assign([tgt], call, lineno=0)
            body[i:i + ln] = [stmt]
            return helper
    return None

def reorder(fn):
    changed = False
    for lst in stmt_lists(fn):
        i = 0
        while i + 1 < len(lst):
            a, b = lst[i], lst[i + 1]
            ok = not has_jump([a, b]) and not any(isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                                                   for s in (a, b))
            if ok and isinstance(a, ast.Expr) and isinstance(a.value, ast.Constant):
                ok = False
            if ok:
                wa, wb = stores(a), stores(b)
                ok = not (wa & (loads(b) | wb)) and not (wb & loads(a))
            if ok and R.random() < 0.8:
                lst[i], lst[i + 1] = b, a
                changed = True
                i += 2
            else:
                i += 1
    return changed

class Control(ast.NodeTransformer):
    def __init__(self):
        self.changed = False
        self.n = 0

    def negate(self, t):
        if isinstance(t, ast.UnaryOp) and isinstance(t.op, ast.Not):
            return t.operand
        return ast.UnaryOp(ast.Not(), t)

    def visit_If(self, node):
        self.generic_visit(node)
        if node.orelse:
            node.test = self.negate(node.test)
            node.body, node.orelse = node.orelse, node.body
            self.changed = True
        return node

    def visit_IfExp(self, node):
        self.generic_visit(node)
        node.test = self.negate(node.test)
        node.body, node.orelse = node.orelse, node.body
        self.changed = True
        return node

    def visit_For(self, node):
        self.generic_visit(node)
        if node.orelse:
            return node
        self.n += 1
        it = 'it%d' % self.n if self.n > 1 else 'it'
        self.changed = True
        get = ast.Try(body=[ast.Assign([node.target], ast.Call(ast.Name('next', ast.Load()), [ast.Name(it, ast.Load())], []), lineno=0)],
                      handlers=[ast.ExceptHandler(ast.Name('StopIteration', ast.Load()), None, [ast.Break()])],
                      orelse=[], finalbody=[])
        loop = ast.While(ast.Constant(True), [get] + node.body, [])
        return [ast.Assign([ast.Name(it, ast.Store())], ast.Call(ast.Name('iter', ast.Load()), [node.iter], []), lineno=0), loop]

    def visit_FunctionDef(self, node):
        return self.generic_visit(node)

def control(fn):
    c = Control()
    fn.body = [c.visit(s) for s in fn.body]
    flat = []
    for s in fn.body:
        flat.extend(s if isinstance(s, list) else [s])
    fn.body = flat
    return c.changed

COMMENTS = ['# handle the input', '# main loop', '# set up', '# done', '# check the arguments', '# update the state',
            '# compute the result', '# edge case', '# keep going']

def render(mod, comments=True):
    code = ast.unparse(ast.fix_missing_locations(mod))
    if comments:
        lines = code.split('\n')
        out = ['# ' + R.choice(['utility', 'helper routine', 'internal function', 'adapted code'])]
        for k, l in enumerate(lines):
            out.append(l)
            if k % 4 == 2 and l.strip() and not l.rstrip().endswith((':', '\\', ',', '(', '[', '{')):
                out.append(re.match(r'\s*', l).group(0) + R.choice(COMMENTS))
        code = '\n'.join(out)
    return code

def variant(fn_node, name, which):
    fn = copy.deepcopy(fn_node)
    mod = ast.Module(body=[fn], type_ignores=[])
    drop_docstring(fn)
    ok = {}
    if 3 in which:
        ok[3] = move_declarations(fn)
    if 4 in which:
        h = extract(mod.body, fn, name + '_part')
        ok[4] = h is not None
        if h is not None:
            mod.body.insert(0, h)
    if 5 in which:
        ok[5] = reorder(fn)
    if 6 in which:
        ok[6] = control(fn)
    if 2 in which:
        ok[2] = rename(mod, [f for f in mod.body])
    return ok, render(mod)

def main():
    out = sys.argv[1]
    files = []
    for root in ROOTS:
        for p in sorted(glob.glob(root + '/**/*.py', recursive=True)):
            if not SKIP.search(p) and os.path.isfile(p):
                files.append(p)
    funcs = []
    n = 0
    with open(os.path.join(out, 'py_corpus.copy'), 'w', encoding='utf-8') as corpus:
        for p in files:
            try:
                src = open(p, encoding='utf-8').read()
                tree = ast.parse(src)
            except (SyntaxError, UnicodeDecodeError, ValueError, RecursionError):
                continue
            pkg = package_of(p)
            for c in chunks(src.replace('\x00', '')):
                n += 1
                corpus.write('%d\t%s\t%s\t%s\n' % (n, esc(pkg), esc(p), esc(c)))
            for node in tree.body:
                if isinstance(node, ast.FunctionDef):
                    text = ast.get_source_segment(src, node)
                    if text and 150 <= len(text) <= 4000 and len(node.name) >= 4:
                        funcs.append((node.name, pkg, p, text, node))
                elif isinstance(node, ast.ClassDef):
                    for m in node.body:
                        if isinstance(m, ast.FunctionDef) and not m.name.startswith('__'):
                            text = ast.get_source_segment(src, m)
                            if text and 600 <= len(text) <= 3000:
                                funcs.append(('method ' + m.name, pkg, p, text, m))
    print('py: %d files, %d corpus pieces, %d functions' % (len(files), n, len(funcs)), file=sys.stderr)

    # clones
    order = funcs[:]
    R.shuffle(order)
    seen, per_pkg, fid = set(), {}, 0
    with open(os.path.join(out, 'py_clones.copy'), 'w', encoding='utf-8') as f:
        for name, pkg, path, text, node in order:
            if fid >= 300:
                break
            if not (600 <= len(text) <= 3000) or text in seen or per_pkg.get(pkg, 0) >= 3:
                continue
            seen.add(text)
            base = name.split()[-1]
            try:
                vs, good = {}, True
                for l in range(1, 7):
                    ok, code = variant(node, base, list(range(1, l + 1)))
                    if not all(ok.values()):
                        good = False
                        break
                    vs['L%d' % l] = code
                if not good:
                    continue
                for l in range(2, 7):
                    vs['S%d' % l] = variant(node, base, [1, l])[1]
                for code in vs.values():
                    ast.parse(code)
            except (SyntaxError, RecursionError, ValueError, TypeError, AttributeError):
                continue
            fid += 1
            per_pkg[pkg] = per_pkg.get(pkg, 0) + 1
            for v, code in vs.items():
                f.write('\t'.join([str(fid), esc(pkg), esc(name), v, esc(code), esc(text)]) + '\n')
    print('py: %d functions disguised at every level' % fid, file=sys.stderr)

    # independent implementations: top-level functions of the same name in different modules
    GENERIC = {'main', 'test', '_test', 'usage', 'setup', 'teardown', 'run', '_main', 'demo', '_demo', 'test_main',
               'load_tests', 'setUpModule', 'tearDownModule', '__getattr__', '__dir__', 'get', 'set', 'close'}
    by_name = {}
    for name, pkg, path, text, node in funcs:
        if name.startswith('method ') or name in GENERIC or len(text) < 200:
            continue
        by_name.setdefault(name, {})
        by_name[name].setdefault(family(pkg), (pkg, text, node))
    npairs = 0
    with open(os.path.join(out, 'py_negatives.copy'), 'w', encoding='utf-8') as f:
        for name in sorted(by_name):
            impls = list(by_name[name].values())
            k = 0
            for i in range(len(impls)):
                for j in range(i + 1, len(impls)):
                    if k >= 6 or impls[i][1] == impls[j][1]:
                        continue
                    a = copy.deepcopy(impls[i][2])
                    drop_docstring(a)
                    f.write('\t'.join([esc(name), esc(impls[i][0]), esc(impls[j][0]),
                                       esc(render(ast.Module(body=[a], type_ignores=[]))), esc(impls[j][1])]) + '\n')
                    k += 1
                    npairs += 1
    print('py: %d pairs of independent implementations' % npairs, file=sys.stderr)

if __name__ == '__main__':
    main()
