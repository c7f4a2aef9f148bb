// tests/browser/check.mjs -- the generated pages as a browser lays them
// out: at a phone's width (390 x 844) and a PC's (1280 x 800), each page is
// opened from file:// in Debian's headless Chromium (driven by the pinned
// playwright-core) and checked for
//
//   overflow  the page is no wider than the viewport: it never scrolls
//             sideways (document.documentElement.scrollWidth <= innerWidth)
//   columns   every table cell, of every row, is at least 4 em wide (its
//             own computed font-size): no column of one character a line
//   axe       axe-core (pinned), its default rules, best practices
//             included: zero violations
//   headings  exactly one h1, the first heading; no heading more than one
//             level below the one before it
//   skip      the first Tab focuses a link to an element inside <main>,
//             which is then on screen
//
// usage: node tests/browser/check.mjs RESULTS.json PAGE.html[?QUERY]...
// One browser for the whole run (it takes a second to start). RESULTS.json
// gets one object per page, width and check: {page, width, check, ok,
// detail}. The exit status is 0 when the run completed (whatever the
// checks found), 2 when it could not run.
import { chromium } from 'playwright-core';
import { writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const CHROMIUM = process.env.MANUALGEN_CHROMIUM || '/usr/bin/chromium';
const WIDTHS = [
  { width: 390, height: 844 },
  { width: 1280, height: 800 },
];

const [out, ...pages] = process.argv.slice(2);
if (!out || pages.length === 0) {
  console.error('usage: node tests/browser/check.mjs RESULTS.json PAGE.html...');
  process.exit(2);
}
if (!existsSync(CHROMIUM)) {
  console.error(`check.mjs: no browser at ${CHROMIUM} (scripts/deps test installs Debian's chromium)`);
  process.exit(2);
}

// Runs in the page: everything but axe and the Tab key.
function measure() {
  const r = {};
  const de = document.documentElement;
  const sw = de.scrollWidth;
  r.overflow = { ok: sw <= window.innerWidth, detail: '' };
  if (!r.overflow.ok) {
    // the elements that stick out on the right, outermost first (not
    // those inside a box that scrolls or clips them)
    const vw = window.innerWidth + 0.5;
    const clipped = el => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        if (getComputedStyle(p).overflowX !== 'visible') return true;
      }
      return false;
    };
    const wide = [...document.body.querySelectorAll('*')].filter(el =>
      el.getBoundingClientRect().right > vw &&
      !(el.parentElement && el.parentElement.getBoundingClientRect().right > vw) &&
      !clipped(el));
    r.overflow.detail = `scrollWidth ${sw} > innerWidth ${window.innerWidth}: ` +
      wide.slice(0, 5).map(e => `${e.tagName.toLowerCase()}${e.className ? '.' + e.className : ''}` +
        ` (right ${Math.round(e.getBoundingClientRect().right)})`).join(', ');
  }

  const narrow = [];
  let cells = 0;
  document.querySelectorAll('table').forEach((t, ti) => {
    for (const row of t.rows) {
      for (const c of row.cells) {
        const cs = getComputedStyle(c);
        // not rendered (itself or a part of the page hidden around it)
        if (cs.display === 'none' || cs.visibility === 'hidden' ||
            c.getClientRects().length === 0) continue;
        cells++;
        const w = c.getBoundingClientRect().width / (c.colSpan || 1);
        const em = parseFloat(cs.fontSize);
        if (w + 0.5 < 4 * em) {
          narrow.push(`table ${ti + 1} row ${row.rowIndex + 1} cell ${c.cellIndex + 1} ` +
            `"${c.textContent.trim().slice(0, 12)}": ${w.toFixed(1)}px < 4em (${(4 * em).toFixed(1)}px)`);
        }
      }
    }
  });
  r.columns = { ok: narrow.length === 0, count: cells,
    detail: narrow.length ? `${narrow.length} of ${cells} cells: ${narrow.slice(0, 6).join('; ')}` : '' };

  // the headings a reader (and a screen reader) gets: not those hidden
  // (the handbook's search region until there is a query)
  const hs = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
    .filter(h => h.getClientRects().length > 0);
  const levels = hs.map(h => Number(h.tagName[1]));
  const problems = [];
  const h1s = levels.filter(l => l === 1).length;
  if (h1s !== 1) problems.push(`${h1s} h1`);
  if (levels.length && levels[0] !== 1) {
    problems.push(`the first heading is h${levels[0]} "${hs[0].textContent.trim().slice(0, 20)}"`);
  }
  for (let i = 1; i < levels.length; i++) {
    if (levels[i] > levels[i - 1] + 1) {
      problems.push(`h${levels[i - 1]} then h${levels[i]} "${hs[i].textContent.trim().slice(0, 20)}"`);
    }
  }
  r.headings = { ok: problems.length === 0, detail: problems.slice(0, 6).join('; ') +
    (problems.length > 6 ? ` and ${problems.length - 6} more` : '') };
  return r;
}

// Runs in the page after one Tab: what got the focus, where it leads.
function skipTarget() {
  const a = document.activeElement;
  if (!a || a === document.body) return { ok: false, detail: 'Tab focuses nothing' };
  const what = `${a.tagName.toLowerCase()} "${a.textContent.trim().slice(0, 20)}"`;
  const href = a.getAttribute('href') || '';
  if (a.tagName !== 'A' || !href.startsWith('#')) {
    return { ok: false, detail: `the first focusable element is ${what}, not a skip link` };
  }
  const target = document.getElementById(decodeURIComponent(href.slice(1)));
  const main = document.querySelector('main');
  if (!target || !main || !(target === main || main.contains(target))) {
    return { ok: false, detail: `${what} leads to ${href}, which is not in <main>` };
  }
  const b = a.getBoundingClientRect();
  if (b.width < 1 || b.height < 1 || b.left < 0 || b.top < 0 ||
      b.right > window.innerWidth || b.bottom > window.innerHeight) {
    return { ok: false, detail: `${what} is not on screen when focused` };
  }
  return { ok: true, detail: '' };
}

const results = [];
const add = (page, width, check, ok, detail) =>
  results.push({ page, width, check, ok, detail: detail || '' });

let browser;
try {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox'],
  });
} catch (e) {
  console.error(`check.mjs: ${CHROMIUM} did not start: ${e.message}`);
  process.exit(2);
}
try {
  for (const vp of WIDTHS) {
    const context = await browser.newContext({ viewport: vp, reducedMotion: 'reduce' });
    const page = await context.newPage();
    for (const file of pages) {
      // PAGE.html?QUERY: the page opened with that query (a search)
      const [pathPart, query] = file.split('?');
      const name = path.resolve(pathPart) + (query ? '?' + query : '');
      try {
        await page.goto(pathToFileURL(path.resolve(pathPart)).href +
          (query ? '?' + query : ''), { waitUntil: 'load' });
        const m = await page.evaluate(measure);
        add(name, vp.width, 'overflow', m.overflow.ok, m.overflow.detail);
        add(name, vp.width, 'columns', m.columns.ok, m.columns.detail);
        add(name, vp.width, 'headings', m.headings.ok, m.headings.detail);

        await page.keyboard.press('Tab');
        const s = await page.evaluate(skipTarget);
        add(name, vp.width, 'skip', s.ok, s.detail);
        await page.evaluate(() => document.activeElement && document.activeElement.blur());

        await page.addScriptTag({ path: AXE });
        const v = await page.evaluate(async () => {
          const res = await window.axe.run(document, { resultTypes: ['violations'] });
          return res.violations.map(x => ({
            id: x.id, impact: x.impact, help: x.help,
            targets: x.nodes.map(n => n.target.join(' ')),
            summary: x.nodes.length ? x.nodes[0].failureSummary : '',
          }));
        });
        add(name, vp.width, 'axe', v.length === 0,
          v.map(x => `${x.id} (${x.impact}: ${x.help}) at ${x.targets.length} node(s): ` +
            x.targets.slice(0, 4).join(' | ') +
            (x.summary ? ` -- ${x.summary.split('\n').slice(0, 2).join(' ')}` : '')).join('\n'));
        // kept apart, so that a run with failures still says which rules
        results[results.length - 1].rules = v.map(x => ({ id: x.id, nodes: x.targets.length }));
      } catch (e) {
        add(name, vp.width, 'load', false, e.message.split('\n')[0]);
      }
    }
    await context.close();
  }
} finally {
  await browser.close();
}
writeFileSync(out, JSON.stringify(results, null, 1));
const failed = results.filter(r => !r.ok).length;
console.log(`check.mjs: ${pages.length} pages x ${WIDTHS.length} widths, ` +
  `${results.length} checks, ${failed} failed`);
process.exit(0);
