// The HTML reports as a person sees them, in headless Chromium.
//
//   node check.js [--screenshot FILE] REPORT.html [HOSTILE.html]
//
// REPORT: every passage is marked on both sides of its finding, exactly at
// the offsets of its span (the text before the mark has a_start - 1
// characters, the mark holds a_length); no pane, table or page overflows
// sideways; clicking a passage on one side brings its counterpart into view
// on the other; nothing is requested from anywhere; no console error.
// HOSTILE (a report of markup-laden outputs and metadata, and lines too long
// for a pane): no script of the text runs, no element of the text exists,
// the markup shows as text, long lines wrap, at full and at narrow width.
// Prints one line per check and closes with 'tests: N passed, N failed'.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

let passed = 0;
let failed = 0;

function check(name, ok, detail) {
  if (ok) {
    passed++;
    console.log(`ok     ${name}`);
  } else {
    failed++;
    console.log(`FAILED ${name}${detail ? ': ' + detail : ''}`);
  }
}

// A fresh browser profile per page; everything the page does is recorded.
async function open(file, viewport) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'llmcopy-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const url = 'file://' + path.resolve(file);
  const page = ctx.pages()[0] || await ctx.newPage();
  const seen = { console: [], errors: [], requests: [], dialogs: [] };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') seen.console.push(m.text());
  });
  page.on('pageerror', (e) => seen.errors.push(e.message));
  page.on('request', (r) => {
    if (r.url() !== url) seen.requests.push(r.url());
  });
  page.on('dialog', (d) => {
    seen.dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  await page.goto(url, { waitUntil: 'load' });
  const close = async () => {
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  };
  return { page, seen, close };
}

// Elements wider than their box: what a reader could not see without
// scrolling sideways (overflow: hidden would hide it; scrollWidth does not).
function sideways(page) {
  return page.evaluate(() => {
    const bad = [];
    for (const el of document.querySelectorAll('.text, .pane, article, section, table, dl, pre, header')) {
      if (el.scrollWidth > el.clientWidth + 1) {
        bad.push(`${el.tagName.toLowerCase()}.${el.className} in #${(el.closest('[id]') || {}).id}: ${el.scrollWidth} > ${el.clientWidth}`);
      }
    }
    if (document.documentElement.scrollWidth > window.innerWidth) {
      bad.push(`page: ${document.documentElement.scrollWidth} > ${window.innerWidth}`);
    }
    return bad;
  });
}

// Every passage of every finding, on both sides, against its span's offsets
// (from the finding's table of passages).  Offsets count code points, as
// PostgreSQL's substr does.
function passages(page) {
  return page.evaluate(() => {
    const cps = (s) => Array.from(s);
    const rows = [];
    for (const art of document.querySelectorAll('article.finding')) {
      const pane = { a: art.querySelector('.text[data-side="a"]'), b: art.querySelector('.text[data-side="b"]') };
      if (!pane.a || !pane.b) continue;
      for (const tr of art.querySelectorAll('details tbody tr')) {
        const c = Array.from(tr.cells, (td) => td.textContent);
        const span = { a: [Number(c[1]), Number(c[2])], b: [Number(c[3]), Number(c[4])] };
        for (const side of ['a', 'b']) {
          const pieces = Array.from(pane[side].querySelectorAll(
            `mark[data-f="${art.id}"][data-side="${side}"][data-span="${c[0]}"]`));
          const text = cps(pane[side].textContent);
          const want = text.slice(span[side][0] - 1, span[side][0] - 1 + span[side][1]).join('');
          const got = pieces.map((p) => p.textContent).join('');
          let at = 0;
          if (pieces.length) {
            const r = document.createRange();
            r.setStart(pane[side], 0);
            r.setEndBefore(pieces[0]);
            at = cps(r.toString()).length + 1;
          }
          rows.push({ id: `${art.id} passage ${c[0]} side ${side}`, pieces: pieces.length,
            start: span[side][0], at, same: got === want, got: got.slice(0, 60), want: want.slice(0, 60) });
        }
      }
    }
    return rows;
  });
}

// Click one piece of a passage where a reader would (a point of it that is
// not covered by another passage's mark), and report whether its
// counterpart was in view before and after.
async function clickThrough(page, f, side, span) {
  const sel = (s) => `mark[data-f="${f}"][data-side="${s}"][data-span="${span}"]`;
  const other = side === 'a' ? 'b' : 'a';
  const before = await page.evaluate(({ sel }) => {
    const visible = (m) => {
      const r = m.getClientRects()[0];
      const box = m.closest('.text').getBoundingClientRect();
      return !!r && r.top >= box.top - 1 && r.bottom <= box.bottom + 1 && r.top >= 0 && r.bottom <= window.innerHeight;
    };
    const piece = document.querySelector(sel.from);
    piece.scrollIntoView({ block: 'center' });
    let point = null;
    for (const r of piece.getClientRects()) {
      const x = r.left + Math.min(r.width / 2, 8);
      const y = r.top + r.height / 2;
      const hit = document.elementFromPoint(x, y);
      if (hit && hit.closest('mark') === piece) {
        point = { x, y };
        break;
      }
    }
    return { point, peerVisible: visible(document.querySelector(sel.to)) };
  }, { sel: { from: sel(side), to: sel(other) } });
  if (!before.point) return { clicked: false };
  await page.mouse.click(before.point.x, before.point.y);
  const after = await page.evaluate(({ to, from }) => {
    const m = document.querySelector(to);
    const r = m.getClientRects()[0];
    const box = m.closest('.text').getBoundingClientRect();
    return {
      peerVisible: !!r && r.top >= box.top - 1 && r.bottom <= box.bottom + 1 && r.top >= 0 && r.bottom <= window.innerHeight,
      active: m.classList.contains('active') && document.querySelector(from).classList.contains('active'),
    };
  }, { to: sel(other), from: sel(side) });
  return { clicked: true, before: before.peerVisible, after: after.peerVisible, active: after.active };
}

async function checkReport(file, screenshot) {
  const { page, seen, close } = await open(file, { width: 1400, height: 1000 });
  const name = path.basename(file);

  const rows = await passages(page);
  const wrong = rows.filter((r) => !r.pieces || !r.same || r.at !== r.start);
  check(`${name}: ${rows.length / 2} passages marked on both sides at their span's offsets`, rows.length > 0 && wrong.length === 0,
    JSON.stringify(wrong.slice(0, 3)));
  const findings = await page.locator('article.finding').count();
  const withPanes = await page.locator('article.finding .panes').count();
  check(`${name}: ${findings} findings, each with the output and the work side by side`, findings > 0 && withPanes === findings);

  const over = await sideways(page);
  check(`${name}: nothing overflows sideways at 1400 px`, over.length === 0, over.slice(0, 5).join('; '));

  // every passage, clicked on each side, brings its counterpart into view
  let clicks = 0;
  let hidden = 0;
  const bad = [];
  const targets = await page.evaluate(() => Array.from(document.querySelectorAll('article.finding details tbody tr'),
    (tr) => ({ f: tr.closest('article').id, span: tr.cells[0].textContent })));
  for (const t of targets) {
    for (const side of ['a', 'b']) {
      const r = await clickThrough(page, t.f, side, t.span);
      if (!r.clicked) continue;
      clicks++;
      if (!r.before) hidden++;
      if (!r.after || !r.active) bad.push(`${t.f}/${t.span}/${side}`);
    }
  }
  check(`${name}: ${clicks} clicks on passages, each scrolls its counterpart into view (${hidden} were out of view)`,
    clicks >= targets.length && hidden > 0 && bad.length === 0, bad.slice(0, 5).join(', '));

  // a passage of the overview leads to its finding
  const o = page.locator('.overview mark[data-f]').first();
  const want = await o.evaluate((m) => `mark[data-f="${m.dataset.f}"][data-side="a"][data-span="${m.dataset.span}"]`);
  await page.evaluate(() => window.scrollTo(0, 0));
  await o.click();
  const shown = await page.evaluate((sel) => {
    const m = document.querySelector(sel);
    const r = m.getClientRects()[0];
    return r.top >= 0 && r.bottom <= window.innerHeight && m.classList.contains('active');
  }, want);
  check(`${name}: a passage of the overview leads to the same passage in its finding`, shown);

  check(`${name}: no console error or warning, no page error`, seen.console.length === 0 && seen.errors.length === 0,
    seen.console.concat(seen.errors).slice(0, 3).join('; '));
  check(`${name}: nothing requested from anywhere`, seen.requests.length === 0, seen.requests.slice(0, 3).join(', '));

  if (screenshot) {
    // the output that copies the most works: its passages in one view, then
    // its first finding side by side, a passage clicked
    const f = await page.evaluate(() => {
      document.querySelectorAll('mark.active').forEach((m) => m.classList.remove('active'));
      const out = Array.from(document.querySelectorAll('section.output'))
        .sort((x, y) => y.querySelectorAll('article.finding').length - x.querySelectorAll('article.finding').length)[0];
      return out.querySelector('article.finding').id;
    });
    await clickThrough(page, f, 'a', '1');
    await page.setViewportSize({ width: 1400, height: 1250 });
    await page.evaluate((f) => {
      document.getElementById(f).closest('section.output').scrollIntoView({ block: 'start' });
    }, f);
    await page.screenshot({ path: screenshot });
    console.log(`screenshot: ${screenshot}`);
  }
  await close();
}

async function checkHostile(file) {
  const name = path.basename(file);
  for (const width of [1400, 700]) {
    const { page, seen, close } = await open(file, { width, height: 900 });
    const dom = await page.evaluate(() => ({
      pwned: typeof window.__pwned,
      scripts: document.querySelectorAll('script').length,
      foreign: document.querySelectorAll('img, svg, iframe, object, embed, i, b, h1:not(header h1)').length,
      shown: document.body.innerText.includes('<script>window.__pwned=4;alert(1)</script></div></div><h1>injected</h1>'),
      titleShown: document.body.innerText.includes('<script>window.__pwned=1</script>Hostile <b>title</b>'),
      stacked: (() => {
        const p = document.querySelectorAll('.panes .pane');
        return p.length >= 2 && p[1].getBoundingClientRect().top > p[0].getBoundingClientRect().top;
      })(),
    }));
    check(`${name} at ${width} px: no script of the text ran, no dialog`,
      dom.pwned === 'undefined' && seen.dialogs.length === 0 && dom.scripts === 1, JSON.stringify(dom) + seen.dialogs.join());
    check(`${name} at ${width} px: no element made from the text; its markup shows as text`,
      dom.foreign === 0 && dom.shown && dom.titleShown, JSON.stringify(dom));
    const over = await sideways(page);
    check(`${name} at ${width} px: long lines wrap, nothing overflows sideways`, over.length === 0, over.slice(0, 5).join('; '));
    if (width < 800) check(`${name} at ${width} px: the two sides stack`, dom.stacked);
    const rows = await passages(page);
    const wrong = rows.filter((r) => !r.pieces || !r.same || r.at !== r.start);
    check(`${name} at ${width} px: ${rows.length / 2} passages at their offsets`, rows.length > 0 && wrong.length === 0,
      JSON.stringify(wrong.slice(0, 3)));
    check(`${name} at ${width} px: no console error, nothing requested`,
      seen.console.length === 0 && seen.errors.length === 0 && seen.requests.length === 0,
      seen.console.concat(seen.errors, seen.requests).slice(0, 3).join('; '));
    await close();
  }
}

(async () => {
  const args = process.argv.slice(2);
  let screenshot = null;
  if (args[0] === '--screenshot') {
    screenshot = args[1];
    args.splice(0, 2);
  }
  if (args.length < 1) {
    console.error('usage: node check.js [--screenshot FILE] REPORT.html [HOSTILE.html]');
    process.exit(2);
  }
  try {
    await checkReport(args[0], screenshot);
    if (args[1]) await checkHostile(args[1]);
  } catch (e) {
    check('the checks ran to the end', false, e.stack);
  }
  console.log(`tests: ${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
})();
