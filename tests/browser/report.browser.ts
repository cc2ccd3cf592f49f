/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * out/report.html in Chromium: the page renders without console errors, every
 * table's rows have as many cells as its header, the summary's rows are
 * labelled distinctly, the contents bar stays in view, set-ups are folded, each
 * criterion links to its source line; screenshots of the summary and a few
 * figures go to out/screenshots/ for a person to look at.
 * Needs `npm start` (or run-all in any mode) to have written out/report.html;
 * REPORT_HTML names another report (CI renders a --tiny one, see .ci/run).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { launchChromium } from './launch.ts';

const REPORT = resolve(process.env.REPORT_HTML ?? 'out/report.html');
const SHOTS = resolve('out', 'screenshots');

let browser: Browser;
let page: Page;
const errors: string[] = [];

test.before(async () => {
  assert.ok(existsSync(REPORT), `${REPORT} is missing: run npm start first`);
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pathToFileURL(REPORT).href, { waitUntil: 'load' });
});

test.after(async () => {
  await browser?.close();
});

test('the page loads without console errors or requests for other resources', async () => {
  assert.equal(errors, []);
  const external = await page.evaluate(() =>
    [...document.querySelectorAll('[src], link[href]')].map((e) => e.outerHTML.slice(0, 80)),
  );
  assert.equal(external, []);
});

test('every table row has as many cells as its header', async () => {
  const bad = await page.evaluate(() =>
    [...document.querySelectorAll('table')].flatMap((t) => {
      const head = t.querySelector('thead tr');
      if (!head) return [];
      const n = head.children.length;
      return [...t.querySelectorAll('tbody tr')]
        .filter((r) => r.children.length !== n)
        .map(
          (r) =>
            `${t.closest('figure,section')?.querySelector('figcaption,h2,h3')?.textContent}: ${r.textContent}`,
        );
    }),
  );
  assert.equal(bad, []);
});

test('the summary labels each row distinctly and marks where each verdict comes from', async () => {
  const labels = await page.$$eval('table.summary tbody tr td:first-child', (tds) =>
    tds.map((td) => td.textContent ?? ''),
  );
  assert.ok(labels.length >= 14, `only ${labels.length} summary rows`);
  assert.is(new Set(labels).size, labels.length, `repeated labels: ${labels.join(' | ')}`);
  const trust = await page.$$eval('table.summary .trust', (s) => s.length);
  const tested = await page.$$eval(
    'table.summary tbody tr',
    (rows) => rows.filter((r) => !r.textContent?.includes('no experiment in this run')).length,
  );
  assert.is(trust, tested, 'a tested claim without a line saying which run its verdict comes from');
  await (await page.$('#summary'))!.screenshot({ path: resolve(SHOTS, 'summary.png') });
});

test('the contents bar stays in view while scrolling; set-ups are folded', async () => {
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight / 2));
  const box = await (await page.$('nav.toc'))!.boundingBox();
  assert.ok(box && box.y >= 0 && box.y < 10 && box.height > 300, `contents bar at ${JSON.stringify(box)}`);
  const open = await page.$$eval(
    'details.setup',
    (ds) => ds.filter((d) => (d as HTMLDetailsElement).open).length,
  );
  assert.is(open, 0);
  await page.evaluate(() => window.scrollTo(0, 0));
});

test('each criterion links to its source line', async () => {
  const links = await page.$$eval('.criterion .links a[href^="../examples/"]', (as) =>
    as.map((a) => a.getAttribute('href') ?? ''),
  );
  const criteria = await page.$$eval('.criterion', (cs) => cs.length);
  assert.is(links.length, criteria);
  for (const l of links) assert.match(l, /^\.\.\/examples\/[a-z0-9-]+\.ts#L\d+$/);
});

test('figures render as SVG with text; screenshots of a few', async () => {
  const figures = await page.$$eval('figure.plot svg', (s) => s.length);
  assert.ok(figures > 20, `only ${figures} figures`);
  const empty = await page.$$eval(
    'figure.plot svg',
    (svgs) => svgs.filter((s) => s.querySelectorAll('text').length === 0).length,
  );
  assert.is(empty, 0);
  const wanted = [
    ['#input-normalization figure.plot', 'c1-first.png'],
    ['#covariate-shift figure.plot', 'c4-percentiles.png'],
    ['#bn-sensitivity figure.plot', 'c8-heatmap.png'],
    ['#saturating-activations figure.plot', 'c9-first.png'],
    ['#batch-size figure.plot', 'c11-first.png'],
  ] as const;
  for (const [sel, file] of wanted) {
    const el = await page.$(sel);
    assert.ok(el, `${sel} not found`);
    await el!.screenshot({ path: resolve(SHOTS, file) });
  }
});

test.run();
