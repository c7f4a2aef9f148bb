// tests/browser/features.mjs -- what a reader does with the pages, in
// Debian's headless Chromium (the pinned playwright-core), from file://:
//
//   search  open handbook.html?q=QUERY at a phone's width; the results
//           region shows, counts its hits, and one result's text holds
//           WANT; following that result's link lands on a page where the
//           element it names exists (the passage's heading or section)
//   tel     the page has a tel: (or mailto:) link to VALUE, on screen
//   filter  on the list of halls, choosing CITY / TYPE leaves exactly the
//           rows of IDS shown, and the count says so
//   print   the page printed to PDF by the browser (A4, as manual.css
//           asks): the PDF is written to OUT for the caller to read
//
// usage: node tests/browser/features.mjs TASKS.json RESULTS.json
// TASKS.json: [{kind, page, ...}] as above. RESULTS.json: one object per
// task, {kind, page, ok, detail, ...}. Exit status 0 when the run
// completed, 2 when it could not run.
import { chromium } from 'playwright-core';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const CHROMIUM = process.env.MANUALGEN_CHROMIUM || '/usr/bin/chromium';
const [tasksFile, out] = process.argv.slice(2);
if (!tasksFile || !out) {
  console.error('usage: node tests/browser/features.mjs TASKS.json RESULTS.json');
  process.exit(2);
}
if (!existsSync(CHROMIUM)) {
  console.error(`features.mjs: no browser at ${CHROMIUM}`);
  process.exit(2);
}
const tasks = JSON.parse(readFileSync(tasksFile, 'utf8'));

async function search(page, t) {
  const url = pathToFileURL(t.page).href + '?q=' + encodeURIComponent(t.query);
  await page.goto(url, { waitUntil: 'load' });
  const r = await page.evaluate(() => {
    const region = document.getElementById('search');
    const items = [...document.querySelectorAll('#search-list > li')];
    const others = [...document.getElementById('main').children]
      .filter(el => el !== region && el.tagName !== 'SCRIPT' && !el.hidden);
    return {
      shown: !!region && !region.hidden && region.getClientRects().length > 0,
      status: (document.getElementById('search-status') || {}).textContent || '',
      others: others.length,
      box: (document.querySelector("header input[name='q']") || {}).value || '',
      items: items.map(li => ({
        href: li.querySelector('a').getAttribute('href'),
        where: li.querySelector('a').textContent,
        text: li.textContent,
        mark: (li.querySelector('mark') || {}).textContent || '',
      })),
    };
  });
  const hit = r.items.find(i => i.text.includes(t.want));
  const detail = `status "${r.status}", ${r.items.length} results` +
    (r.items.length ? `, first: ${r.items[0].where}` : '');
  if (!r.shown) return { ok: false, detail: 'the results region is not shown; ' + detail };
  if (r.others) return { ok: false, detail: `${r.others} other parts of the page still shown` };
  if (r.box !== t.query) return { ok: false, detail: `the search box shows "${r.box}"` };
  if (!hit) return { ok: false, detail: `no result holds "${t.want}"; ` + detail };
  if (t.mark && hit.mark.toLowerCase() !== t.mark.toLowerCase())
    return { ok: false, detail: `the match marked is "${hit.mark}", not "${t.mark}"` };
  // follow the result
  const target = new URL(hit.href, url);
  await page.goto(target.href, { waitUntil: 'load' });
  const id = decodeURIComponent(target.hash.slice(1));
  const found = await page.evaluate(id => !!document.getElementById(id), id);
  return { ok: found, href: hit.href,
    detail: found ? `${detail}; "${t.want}" under ${hit.where} -> ${hit.href}`
                  : `${hit.href}: no element #${id} there` };
}

async function tel(page, t) {
  await page.goto(pathToFileURL(t.page).href, { waitUntil: 'load' });
  const links = await page.evaluate(v => [...document.querySelectorAll('a[href]')]
    .filter(a => a.getAttribute('href') === v)
    .map(a => ({ text: a.textContent, w: a.getBoundingClientRect().width })), t.href);
  const ok = links.length > 0 && links.every(l => l.w > 0 && l.text.trim() !== '');
  return { ok, count: links.length, detail: `${links.length} link(s) to ${t.href}` };
}

async function filter(page, t) {
  await page.goto(pathToFileURL(t.page).href, { waitUntil: 'load' });
  if (t.city !== undefined) await page.selectOption('#filter-city', t.city);
  if (t.type !== undefined) await page.selectOption('#filter-type', t.type);
  if (t.text !== undefined) await page.fill('#filter-name', t.text);
  const r = await page.evaluate(() => ({
    formShown: !document.getElementById('store-filter').hidden,
    rows: [...document.querySelectorAll('tr[data-id]')]
      .filter(tr => tr.getClientRects().length > 0).map(tr => tr.dataset.id),
    count: document.getElementById('filter-count').textContent,
    address: location.search,
  }));
  const want = [...t.ids].sort();
  const got = [...r.rows].sort();
  const ok = r.formShown && JSON.stringify(want) === JSON.stringify(got) &&
    r.count.includes(String(want.length));
  return { ok, detail: `rows ${got.join(' ')}; count "${r.count}"; address ${r.address}` };
}

async function print(page, t) {
  await page.goto(pathToFileURL(t.page).href, { waitUntil: 'load' });
  await page.pdf({ path: t.out, preferCSSPageSize: true });
  return { ok: existsSync(t.out), detail: t.out };
}

const KINDS = { search, tel, filter, print };
const results = [];
let browser;
try {
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox'] });
} catch (e) {
  console.error(`features.mjs: ${CHROMIUM} did not start: ${e.message}`);
  process.exit(2);
}
try {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  for (const t of tasks) {
    let r;
    try {
      r = await KINDS[t.kind](page, t);
    } catch (e) {
      r = { ok: false, detail: e.message.split('\n')[0] };
    }
    results.push({ ...t, ...r });
  }
  await context.close();
} finally {
  await browser.close();
}
writeFileSync(out, JSON.stringify(results, null, 1));
console.log(`features.mjs: ${results.length} tasks, ${results.filter(r => !r.ok).length} failed`);
process.exit(0);
