// Disguised JavaScript clones and independent implementations, from the
// benchmark corpus's npm packages (run by bench/run disguise).
//
//   node bench/disguise/js.mjs NODE_MODULES OUT_DIR
//
// Writes, in COPY text format:
//   js_clones.copy     fid, package, name, variant, query, original
//       variant L1..L6: the classic levels of disguise, cumulative (L3 is
//       L1 + L2 + L3); S2..S6: layout (L1) and that one transformation only.
//         L1 comments and layout: reprinted by astring (comments dropped,
//            its own indentation and spacing) and new comments added;
//         L2 identifiers renamed: every name the function declares
//            (parameters, variables, inner functions) renamed consistently;
//         L3 declarations moved: variable declarations hoisted to the top of
//            their block (`let a, b;` then `a = ...` in place), inner
//            function declarations moved to the end;
//         L4 code extracted into a function: a run of statements becomes a
//            new function, called with the locals it reads, returning what
//            the rest of the function uses;
//         L5 independent statements reordered: adjacent statements that
//            neither read nor write what the other writes are swapped;
//         L6 control structures rewritten: for -> while, while -> for,
//            if/else and ?: flipped on the negated test.
//       Only functions where every transformation applies are kept.
//   js_negatives.copy  name, package_a, package_b, a, b: functions of the
//       same name in unrelated packages (a reprinted as at L1).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(path.resolve('bench/work/disguise/package.json'));
const acorn = require('acorn');
const { generate } = require('astring');

const [nodeModules, outDir] = process.argv.slice(2);

// deterministic random numbers (mulberry32)
function rng(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6D2B79F5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
const rand = rng(20240614);
const pick = (a) => a[Math.floor(rand() * a.length)];

const esc = (s) => s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');

// ---- the files and their packages ----
const pkgCache = new Map();
function packageOf(file) {
	let d = path.dirname(file);
	while (d.length > nodeModules.length) {
		if (pkgCache.has(d)) return pkgCache.get(d);
		const pj = path.join(d, 'package.json');
		if (fs.existsSync(pj)) {
			try {
				const m = JSON.parse(fs.readFileSync(pj, 'utf8'));
				if (m.name && m.version) {
					pkgCache.set(d, m.name + '@' + m.version);
					return pkgCache.get(d);
				}
			} catch (e) { /* not a package root */ }
		}
		d = path.dirname(d);
	}
	return '?';
}
// unrelated packages: not the same scope or name stem (lodash / lodash.debounce, core-js / core-js-pure)
function family(pkg) {
	const name = pkg.replace(/@[^@]*$/, '');
	if (name.startsWith('@')) return name.split('/')[0];
	return name.split(/[.\-_/]/)[0];
}

function* files(dir) {
	for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name < b.name ? -1 : 1)) {
		const p = path.join(dir, e.name);
		if (e.isDirectory()) {
			if (e.name !== '@stdlib') yield* files(p);
		} else if (/\.(js|cjs|mjs)$/.test(e.name) && !/\.min\.js$/.test(e.name)) yield p;
	}
}

function parse(src) {
	const opts = { ecmaVersion: 'latest', allowHashBang: true, allowReturnOutsideFunction: true,
		allowAwaitOutsideFunction: true, allowImportExportEverywhere: true, ranges: true };
	try { return acorn.parse(src, { ...opts, sourceType: 'module' }); } catch (e) { /* try as a script */ }
	try { return acorn.parse(src, { ...opts, sourceType: 'script' }); } catch (e) { return null; }
}

// ---- AST helpers ----
function children(node) {
	const out = [];
	for (const k of Object.keys(node)) {
		if (k === 'type' || k === 'range' || k === 'start' || k === 'end' || k === 'loc') continue;
		const v = node[k];
		if (Array.isArray(v)) { for (const c of v) if (c && typeof c.type === 'string') out.push([c, k]); }
		else if (v && typeof v.type === 'string') out.push([v, k]);
	}
	return out;
}
function walk(node, fn, parent = null, key = null) {
	if (fn(node, parent, key) === false) return;
	for (const [c, k] of children(node)) walk(c, fn, node, k);
}
const isFn = (n) => /^(FunctionDeclaration|FunctionExpression|ArrowFunctionExpression)$/.test(n.type);
const clone = (n) => JSON.parse(JSON.stringify(n));

function patternNames(p, out) {
	if (!p) return out;
	switch (p.type) {
	case 'Identifier': out.push(p.name); break;
	case 'ObjectPattern': for (const q of p.properties) patternNames(q.type === 'RestElement' ? q.argument : q.value, out); break;
	case 'ArrayPattern': for (const q of p.elements) patternNames(q, out); break;
	case 'AssignmentPattern': patternNames(p.left, out); break;
	case 'RestElement': patternNames(p.argument, out); break;
	}
	return out;
}
// every name bound anywhere inside node
function declaredNames(node) {
	const names = new Set();
	walk(node, (n) => {
		if (isFn(n)) {
			if (n.id) names.add(n.id.name);
			for (const p of n.params) patternNames(p, []).forEach((x) => names.add(x));
		} else if (n.type === 'VariableDeclarator') patternNames(n.id, []).forEach((x) => names.add(x));
		else if (n.type === 'CatchClause' && n.param) patternNames(n.param, []).forEach((x) => names.add(x));
		else if (n.type === 'ClassDeclaration' && n.id) names.add(n.id.name);
	});
	return names;
}
// identifiers used as variables (not property names, labels or keys)
function varRefs(node, fn) {
	walk(node, (n, parent, key) => {
		if (n.type !== 'Identifier') return;
		if (parent && parent.type === 'MemberExpression' && key === 'property' && !parent.computed) return;
		if (parent && (parent.type === 'Property' || parent.type === 'MethodDefinition' || parent.type === 'PropertyDefinition')
			&& key === 'key' && !parent.computed && !parent.shorthand) return;
		if (parent && /Label|BreakStatement|ContinueStatement/.test(parent.type) && key === 'label') return;
		fn(n, parent, key);
	});
}
// names a statement writes and reads (member writes count as writes of the object; calls write their callee object and arguments)
function effects(stmt) {
	const reads = new Set(), writes = new Set();
	const target = (t) => {
		while (t && t.type === 'MemberExpression') t = t.object;
		if (t) patternNames(t, []).forEach((x) => writes.add(x));
	};
	walk(stmt, (n) => {
		if (n.type === 'AssignmentExpression') target(n.left);
		else if (n.type === 'UpdateExpression') target(n.argument);
		else if (n.type === 'VariableDeclarator') patternNames(n.id, []).forEach((x) => writes.add(x));
		else if (n.type === 'CallExpression' || n.type === 'NewExpression') {
			if (n.callee.type === 'MemberExpression') target(n.callee.object);
			for (const a of n.arguments) if (a.type === 'Identifier') writes.add(a.name);
		}
	});
	varRefs(stmt, (n) => reads.add(n.name));
	return { reads, writes };
}
function has(node, test, intoFunctions = false) {
	let found = false;
	walk(node, (n) => {
		if (found) return false;
		if (n !== node && isFn(n) && !intoFunctions) return false;
		if (test(n)) { found = true; return false; }
	});
	return found;
}
const jumps = (n) => /ReturnStatement|BreakStatement|ContinueStatement|ThrowStatement|YieldExpression|AwaitExpression|ThisExpression|Super/.test(n.type)
	|| (n.type === 'Identifier' && n.name === 'arguments');

// every statement list inside a function (its body and nested blocks, not nested functions)
function statementLists(fnNode, fn) {
	walk(fnNode.body, (n) => {
		if (isFn(n)) return false;
		if (n.type === 'BlockStatement' || n.type === 'StaticBlock') fn(n.body, n);
		else if (n.type === 'SwitchCase') fn(n.consequent, n);
	});
}

// ---- the transformations; each returns true if it changed something ----
const WORDS = ('value item entry result total count index offset length size key name node list map table buffer chunk state ' +
	'target source input output data record field token part piece block slot cursor pointer handle ref temp current next prev ' +
	'first last left right start end limit bound flag mode kind label text line row column cell group batch queue stack frame ' +
	'context options config params args settings payload message event handler callback listener action task job worker step')
	.split(' ');
const RESERVED = new Set(('break case catch class const continue debugger default delete do else export extends finally for ' +
	'function if import in instanceof new return super switch this throw try typeof var void while with yield let static ' +
	'enum await implements package protected interface private public null true false undefined arguments eval').split(' '));

function renameAll(root) {
	const names = declaredNames(root);
	const used = new Set();
	walk(root, (n) => { if (n.type === 'Identifier') used.add(n.name); });
	const map = new Map();
	for (const name of names) {
		if (RESERVED.has(name)) continue;
		let nn;
		do {
			const a = pick(WORDS), b = pick(WORDS);
			nn = a + b[0].toUpperCase() + b.slice(1);
		} while (used.has(nn) || RESERVED.has(nn));
		used.add(nn);
		map.set(name, nn);
	}
	if (map.size === 0) return false;
	walk(root, (n, parent, key) => {
		if (n.type === 'Property' && n.shorthand && n.value.type === 'Identifier' && map.has(n.value.name)) {
			n.shorthand = false;
			n.key = { type: 'Identifier', name: n.value.name };
		}
	});
	varRefs(root, (n) => { if (map.has(n.name)) n.name = map.get(n.name); });
	return true;
}

function moveDeclarations(fnNode) {
	let changed = false;
	statementLists(fnNode, (list) => {
		const hoisted = [], rest = [], inner = [];
		for (const s of list) {
			if (s.type === 'FunctionDeclaration') { inner.push(s); continue; }
			if (s.type === 'VariableDeclaration' && s.declarations.every((d) => d.id.type === 'Identifier')) {
				const assigns = [];
				for (const d of s.declarations) {
					hoisted.push({ type: 'VariableDeclarator', id: { type: 'Identifier', name: d.id.name }, init: null });
					if (d.init) assigns.push({ type: 'AssignmentExpression', operator: '=', left: { type: 'Identifier', name: d.id.name }, right: d.init });
				}
				if (assigns.length === 1) rest.push({ type: 'ExpressionStatement', expression: assigns[0] });
				else if (assigns.length > 1) rest.push({ type: 'ExpressionStatement', expression: { type: 'SequenceExpression', expressions: assigns } });
				continue;
			}
			rest.push(s);
		}
		if (hoisted.length === 0 && (inner.length === 0 || list[list.length - 1] === inner[inner.length - 1])) return;
		const out = [];
		if (hoisted.length) out.push({ type: 'VariableDeclaration', kind: 'let', declarations: hoisted });
		out.push(...rest, ...inner);
		list.splice(0, list.length, ...out);
		changed = true;
	});
	return changed;
}

function extractFunction(fnNode, helperName) {
	const body = fnNode.body.type === 'BlockStatement' ? fnNode.body.body : null;
	if (!body || body.length < 3) return null;
	const locals = declaredNames(fnNode);
	// candidate runs: longest first, starting after the first statement
	for (let len = Math.min(5, body.length - 1); len >= 2; len--) {
		for (let i = 0; i + len <= body.length; i++) {
			const run = body.slice(i, i + len);
			if (run.some((s) => s.type === 'FunctionDeclaration' || has(s, jumps)
				|| (s.type === 'VariableDeclaration' && s.declarations.some((d) => d.id.type !== 'Identifier')))) continue;
			const declared = new Set(), assigned = new Set(), read = new Set();
			for (const s of run) {
				if (s.type === 'VariableDeclaration') s.declarations.forEach((d) => declared.add(d.id.name));
				const e = effects(s);
				e.writes.forEach((x) => assigned.add(x));
				e.reads.forEach((x) => read.add(x));
			}
			const after = new Set();
			for (const s of body.slice(i + len)) varRefs(s, (n) => after.add(n.name));
			const params = [...new Set([...read, ...assigned])].filter((x) => locals.has(x) && !declared.has(x)).sort();
			const outsDeclared = [...declared].filter((x) => after.has(x)).sort();
			const outsAssigned = [...assigned].filter((x) => !declared.has(x) && locals.has(x) && after.has(x)).sort();
			if (outsDeclared.length && outsAssigned.length) continue;
			const outs = outsDeclared.length ? outsDeclared : outsAssigned;
			if (outs.length > 3) continue;
			const id = (x) => ({ type: 'Identifier', name: x });
			const ret = outs.length === 0 ? [] : [{ type: 'ReturnStatement', argument: outs.length === 1 ? id(outs[0])
				: { type: 'ObjectExpression', properties: outs.map((x) => ({ type: 'Property', key: id(x), value: id(x), kind: 'init', shorthand: true, computed: false, method: false })) } }];
			const helper = { type: 'FunctionDeclaration', id: id(helperName), params: params.map(id), body: { type: 'BlockStatement', body: [...clone(run), ...ret] }, generator: false, async: false };
			const call = { type: 'CallExpression', callee: id(helperName), arguments: params.map(id), optional: false };
			const lhs = outs.length === 1 ? id(outs[0])
				: { type: 'ObjectPattern', properties: outs.map((x) => ({ type: 'Property', key: id(x), value: id(x), kind: 'init', shorthand: true, computed: false, method: false })) };
			let stmt;
			if (outs.length === 0) stmt = { type: 'ExpressionStatement', expression: call };
			else if (outsDeclared.length) stmt = { type: 'VariableDeclaration', kind: 'let', declarations: [{ type: 'VariableDeclarator', id: lhs, init: call }] };
			else stmt = { type: 'ExpressionStatement', expression: { type: 'AssignmentExpression', operator: '=', left: lhs, right: call } };
			body.splice(i, len, stmt);
			return helper;
		}
	}
	return null;
}

function reorderStatements(fnNode) {
	let changed = false;
	const movable = (s) => !has(s, (n) => /ReturnStatement|BreakStatement|ContinueStatement|ThrowStatement/.test(n.type))
		&& s.type !== 'FunctionDeclaration' && !(s.type === 'ExpressionStatement' && s.directive);
	statementLists(fnNode, (list) => {
		for (let i = 0; i + 1 < list.length; i++) {
			const a = list[i], b = list[i + 1];
			if (!movable(a) || !movable(b)) continue;
			const ea = effects(a), eb = effects(b);
			const clash = [...ea.writes].some((x) => eb.reads.has(x) || eb.writes.has(x))
				|| [...eb.writes].some((x) => ea.reads.has(x));
			if (clash || rand() < 0.2) continue;
			list[i] = b; list[i + 1] = a;
			changed = true;
			i++;
		}
	});
	return changed;
}

const not = (e) => (e.type === 'UnaryExpression' && e.operator === '!' ? e.argument : { type: 'UnaryExpression', operator: '!', prefix: true, argument: e });
const block = (s) => (s.type === 'BlockStatement' ? s : { type: 'BlockStatement', body: [s] });

function rewriteControl(fnNode) {
	let changed = false;
	const visit = (n) => {
		for (const [c] of children(n)) visit(c);
		if (n.type === 'ForStatement' && !has(n.body, (x) => x.type === 'ContinueStatement')) {
			const body = [...block(n.body).body];
			if (n.update) body.push({ type: 'ExpressionStatement', expression: n.update });
			const loop = { type: 'WhileStatement', test: n.test || { type: 'Literal', value: true, raw: 'true' }, body: { type: 'BlockStatement', body } };
			const stmts = n.init ? [n.init.type === 'VariableDeclaration' ? n.init : { type: 'ExpressionStatement', expression: n.init }, loop] : [loop];
			for (const k of Object.keys(n)) if (k !== 'range') delete n[k];
			Object.assign(n, { type: 'BlockStatement', body: stmts });
			changed = true;
		} else if (n.type === 'WhileStatement' && !n._fromFor) {
			Object.assign(n, { type: 'ForStatement', init: null, update: null });
			changed = true;
		} else if (n.type === 'IfStatement' && n.alternate) {
			const c = n.consequent;
			n.test = not(n.test);
			n.consequent = block(n.alternate);
			n.alternate = c;
			changed = true;
		} else if (n.type === 'ConditionalExpression') {
			const c = n.consequent;
			n.test = not(n.test);
			n.consequent = n.alternate;
			n.alternate = c;
			changed = true;
		}
	};
	visit(fnNode.body);
	return changed;
}

// ---- printing: astring's layout, and comments of our own (level 1) ----
const COMMENTS = ['// handle the input', '// main loop', '// set up', '// done', '// check the arguments', '// update the state',
	'// compute the result', '// edge case', '// fall through', '// keep going'];
function print(stmts, withComments) {
	let code = generate({ type: 'Program', body: stmts, sourceType: 'module' }, { indent: '    ' });
	if (withComments) {
		code = code.split('\n').map((l, i) => (i % 4 === 2 ? l + ' ' + pick(COMMENTS) : l)).join('\n');
		code = '// ' + pick(['utility', 'helper routine', 'internal function', 'adapted code']) + '\n' + code;
	}
	return code;
}

// ---- collect functions ----
const GENERIC = new Set(('constructor render init get set default main run call apply toString valueOf exports module require ' +
	'_interopRequireDefault _interopRequireWildcard __extends __awaiter __generator __assign __rest __decorate __values __read ' +
	'__spreadArray _classCallCheck _createClass _defineProperty _typeof _inherits _possibleConstructorReturn _getPrototypeOf ' +
	'_setPrototypeOf _assertThisInitialized _objectSpread _slicedToArray _toConsumableArray ownKeys noop identity').split(' '));
const functions = [];
let nfiles = 0;
for (const file of files(nodeModules)) {
	const st = fs.statSync(file);
	if (st.size < 500 || st.size > 300000) continue;
	const src = fs.readFileSync(file, 'utf8');
	const lines = src.split('\n');
	if (src.length / lines.length > 120) continue;	// minified
	const ast = parse(src);
	if (!ast) continue;
	nfiles++;
	const pkg = packageOf(file);
	walk(ast, (n, parent) => {
		let name = null, unit = null, fnNode = null;
		if (n.type === 'FunctionDeclaration' && n.id) { name = n.id.name; unit = n; fnNode = n; }
		else if (n.type === 'VariableDeclaration' && n.declarations.length === 1 && n.declarations[0].id.type === 'Identifier'
			&& n.declarations[0].init && /FunctionExpression|ArrowFunctionExpression/.test(n.declarations[0].init.type)
			&& n.declarations[0].init.body.type === 'BlockStatement') {
			name = n.declarations[0].id.name; unit = n; fnNode = n.declarations[0].init;
		}
		if (!unit) return;
		const text = src.slice(unit.start, unit.end);
		if (text.length >= 150 && text.length <= 4000 && name.length >= 4 && !GENERIC.has(name))
			functions.push({ name, pkg, file: path.relative(nodeModules, file), text, unit, fnNode });
	});
}
process.stderr.write(`js: ${nfiles} files parsed, ${functions.length} named functions\n`);

// ---- clones ----
const seenText = new Set();
const perPkg = new Map();
const order = functions.map((f, i) => [rand(), i]).sort((a, b) => a[0] - b[0]).map((x) => functions[x[1]]);
const cloneOut = fs.createWriteStream(path.join(outDir, 'js_clones.copy'));
let nclones = 0, fid = 0;
for (const f of order) {
	if (nclones >= 300) break;
	if (f.text.length < 600 || f.text.length > 3000 || seenText.has(f.text)) continue;
	if ((perPkg.get(f.pkg) || 0) >= 3) continue;
	seenText.add(f.text);
	const variants = {};
	const applyAll = (which) => {
		const unit = clone(f.unit);
		const fnNode = unit.type === 'FunctionDeclaration' ? unit : unit.declarations[0].init;
		const stmts = [unit];
		const ok = {};
		if (which.includes(3)) ok[3] = moveDeclarations(fnNode);
		if (which.includes(4)) {
			const helper = extractFunction(fnNode, f.name + 'Part');
			ok[4] = !!helper;
			if (helper) stmts.unshift(helper);
		}
		if (which.includes(5)) ok[5] = reorderStatements(fnNode);
		if (which.includes(6)) ok[6] = rewriteControl(fnNode);
		if (which.includes(2)) ok[2] = renameAll({ type: 'Program', body: stmts });
		return { ok, code: print(stmts, true) };
	};
	let good = true;
	for (let l = 1; l <= 6 && good; l++) {
		const r = applyAll([1, 2, 3, 4, 5, 6].slice(0, l));
		if (Object.values(r.ok).some((x) => !x)) good = false;
		variants['L' + l] = r.code;
	}
	for (let l = 2; l <= 6 && good; l++) variants['S' + l] = applyAll([1, l]).code;
	if (!good) continue;
	fid++;
	nclones++;
	perPkg.set(f.pkg, (perPkg.get(f.pkg) || 0) + 1);
	for (const [v, code] of Object.entries(variants))
		cloneOut.write([fid, esc(f.pkg), esc(f.name), v, esc(code), esc(f.text)].join('\t') + '\n');
}
cloneOut.end();
process.stderr.write(`js: ${nclones} functions disguised at every level\n`);

// ---- independent implementations: the same name in unrelated packages ----
const byName = new Map();
for (const f of functions) {
	if (f.text.length < 200) continue;
	if (!byName.has(f.name)) byName.set(f.name, []);
	byName.get(f.name).push(f);
}
const negOut = fs.createWriteStream(path.join(outDir, 'js_negatives.copy'));
let nneg = 0, nnames = 0;
for (const [name, list] of [...byName.entries()].sort()) {
	// one function per package family, distinct texts
	const fam = new Map();
	for (const f of list) if (!fam.has(family(f.pkg))) fam.set(family(f.pkg), f);
	const fs2 = [...fam.values()];
	if (fs2.length < 2) continue;
	nnames++;
	let k = 0;
	for (let i = 0; i < fs2.length && k < 6; i++)
		for (let j = i + 1; j < fs2.length && k < 6; j++) {
			const a = fs2[i], b = fs2[j];
			if (a.text === b.text) continue;
			negOut.write([esc(name), esc(a.pkg), esc(b.pkg), esc(print([clone(a.unit)], true)), esc(b.text)].join('\t') + '\n');
			k++; nneg++;
		}
}
negOut.end();
process.stderr.write(`js: ${nneg} pairs of independent implementations under ${nnames} names\n`);
