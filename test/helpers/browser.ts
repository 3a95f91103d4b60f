// Opens a rendered report in headless Chromium, as an instructor would open the file, and lists what
// reads badly: images that do not decode, maths KaTeX could not typeset or left raw, fonts that did not
// load, in-page links to missing anchors, any request that leaves the file (the page must be
// self-contained), console errors, a code toggle that does not open every cell, and a page wider
// than a 400 px phone screen (with the code folded and shown). Saves screenshots at 1,400 and 400 px beside the report.
// Chromium is the system's (Debian's `chromium`), driven through puppeteer-core, which downloads
// no browser of its own.
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import puppeteer from 'puppeteer-core';

export const CHROMIUM_ENV = 'CHROMIUM_PATH';
const DEFAULT_CHROMIUM = '/usr/bin/chromium';
const WIDE = { width: 1400, height: 1000 };
const NARROW = { width: 400, height: 860 };

/** The browser to drive: $CHROMIUM_PATH, else Debian's /usr/bin/chromium; null when neither exists. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string | null {
  const chosen = env[CHROMIUM_ENV];
  if (chosen) {
    if (!fs.existsSync(chosen)) {
      throw new Error(`${CHROMIUM_ENV}=${chosen}: no such file (expected the path of a Chromium or Chrome executable)`);
    }
    return chosen;
  }
  return fs.existsSync(DEFAULT_CHROMIUM) ? DEFAULT_CHROMIUM : null;
}

/**
 * Why a browser test cannot run here, or null when it can. Outside CI a missing browser skips the test
 * (with this reason); under CI=true the caller must fail instead, since CI installs chromium.
 */
export function browserUnavailable(env: NodeJS.ProcessEnv = process.env): string | null {
  return chromiumPath(env) ? null : `no Chromium found (set ${CHROMIUM_ENV}, or apt-get install chromium)`;
}

// The checks below run inside the page, so they are plain JavaScript in strings: the project has no DOM
// types, and the TypeScript loader of the tests would wrap named functions in a helper the page lacks.

/** Everything the page shows that it should not: a list of sentences. */
const PAGE_PROBLEMS = `(async () => {
  await document.fonts.ready;
  const problems = [];
  const describe = (el) => '<' + el.tagName.toLowerCase() + (el.id ? ' id="' + el.id + '"' : '') + '>';
  for (const img of document.images) {
    if (!img.complete || img.naturalWidth === 0) problems.push('image does not decode: ' + (img.alt || img.src.slice(0, 80)));
  }
  for (const error of document.querySelectorAll('.katex-error')) problems.push('KaTeX error: ' + error.textContent.slice(0, 120));
  // Raw "$$" in prose means an equation was not typeset; code may hold dollars legitimately.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest('pre, code, script, style')) continue;
    if (!node.textContent.includes('$$')) continue;
    problems.push('raw $$ in text: "' + node.textContent.trim().slice(0, 120) + '" in ' + describe(node.parentElement));
  }
  for (const link of document.querySelectorAll('a[href^="#"]')) {
    const id = decodeURIComponent(link.getAttribute('href').slice(1));
    if (id && !document.getElementById(id)) problems.push('link to a missing anchor: #' + id);
  }
  for (const face of document.fonts) {
    if (face.status === 'error') problems.push('font failed to load: ' + face.family + ' ' + face.style + ' ' + face.weight);
  }
  return problems;
})()`;

/** How far the page is wider than the viewport, naming the elements that stick out furthest. */
const OVERFLOW = `(() => {
  const viewport = document.documentElement.clientWidth;
  const width = document.documentElement.scrollWidth;
  if (width <= viewport) return [];
  const culprits = Array.from(document.body.querySelectorAll('*'))
    .map((el) => ({ el, right: el.getBoundingClientRect().right }))
    .filter(({ el, right }) => right > viewport + 1 && !el.parentElement.closest('.table-wrap, .outputs, pre, .katex-display'))
    .sort((a, b) => b.right - a.right)
    .slice(0, 5)
    .map(({ el, right }) => {
      const cls = typeof el.className === 'string' && el.className ? '.' + el.className.split(' ')[0] : '';
      return '<' + el.tagName.toLowerCase() + cls + '> to ' + Math.round(right) + ' px';
    });
  return ['page is ' + width + ' px wide in a ' + viewport + ' px viewport' + (culprits.length ? ': ' + culprits.join(', ') : '')];
})()`;

/** Presses "Show all code" and says what is wrong if not every code cell opened. */
const OPEN_ALL_CODE = `(() => {
  const button = document.getElementById('toggle-code');
  const cells = document.querySelectorAll('details.code');
  if (!button) return cells.length ? ['no "show all code" button (#toggle-code) for ' + cells.length + ' code cells'] : [];
  button.click();
  const closed = Array.from(cells).filter((d) => !d.open).length;
  return closed ? [closed + ' of ' + cells.length + ' code cells still closed after "show all code"'] : [];
})()`;

/**
 * Opens reportDir/index.html in headless Chromium and returns the problems found (empty = fine).
 * Writes screenshot-1400.png and screenshot-400.png (the top of the page) into reportDir.
 */
export async function checkReportInBrowser(reportDir: string): Promise<string[]> {
  const page = path.join(reportDir, 'index.html');
  if (!fs.existsSync(page)) throw new Error(`checkReportInBrowser: ${page} not found (render the report first)`);
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error(`checkReportInBrowser: ${browserUnavailable()}`);
  const problems: string[] = [];
  // Running as root (containers, CI) Chromium refuses to start without --no-sandbox.
  const args = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'];
  const browser = await puppeteer.launch({ executablePath, headless: true, args });
  try {
    const tab = await browser.newPage();
    tab.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith('file://') && !url.startsWith('data:')) problems.push(`request leaves the file: ${url.slice(0, 120)}`);
    });
    tab.on('requestfailed', (request) => {
      problems.push(`request failed: ${request.url().slice(0, 120)} (${request.failure()?.errorText ?? '?'})`);
    });
    tab.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text().slice(0, 200)}`);
    });
    tab.on('pageerror', (error) => problems.push(`script error: ${(error as Error).message ?? String(error)}`));

    await tab.setViewport(WIDE);
    await tab.goto(pathToFileURL(page).href, { waitUntil: 'load', timeout: 60_000 });
    problems.push(...((await tab.evaluate(PAGE_PROBLEMS)) as string[]));
    await tab.screenshot({ path: path.join(reportDir, 'screenshot-1400.png') });

    await tab.setViewport(NARROW);
    problems.push(...((await tab.evaluate(OVERFLOW)) as string[]));
    await tab.screenshot({ path: path.join(reportDir, 'screenshot-400.png') });
    // Code lines are the longest in the page: with every cell open it must still fit.
    problems.push(...((await tab.evaluate(OPEN_ALL_CODE)) as string[]));
    problems.push(...((await tab.evaluate(OVERFLOW)) as string[]).map((problem) => `with all code shown, ${problem}`));
  } finally {
    await browser.close();
  }
  return problems;
}
