import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { renderReport, RenderedNotebook } from '../../scripts/report/render-html';
import { HeadingIds, renderMarkdown } from '../../scripts/report/markdown';
import { Cell, Notebook, Output, RunStatus } from '../../scripts/report/notebook-format';
import { htmlTable, imageGrid } from '../../lib/figures';
import { scratchDir } from '../helpers/scratch';
import { browserUnavailable, checkReportInBrowser } from '../helpers/browser';
import { pngSize } from '../figures/png-facts';

const markdown = (source: string): Cell => ({ cell_type: 'markdown', metadata: {}, source });
const code = (source: string, outputs: Output[]): Cell => ({ cell_type: 'code', metadata: {}, source, outputs, execution_count: 1 });
const png = (bytes: Uint8Array): Output =>
  ({ output_type: 'display_data', data: { 'image/png': Buffer.from(bytes).toString('base64') }, metadata: {} });
const html = (fragment: string): Output => ({ output_type: 'display_data', data: { 'text/html': fragment }, metadata: {} });
const notebook = (cells: Cell[]): Notebook => ({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 });
const status = (name: string): RunStatus => ({ notebook: name, ok: true, seconds: 1.5, peak_rss_mb: 100, cells_run: 3 });

/** A 4×4 checkerboard, drawn by the project's own figure code (so the PNG is the kind notebooks hold). */
async function checkerboard(): Promise<Uint8Array> {
  return imageGrid(Float32Array.from({ length: 16 }, (_, i) => ((i >> 2) + i) % 2), { height: 4, width: 4, scale: 8 });
}

async function syntheticEntries(): Promise<{ entries: RenderedNotebook[]; figure: Uint8Array }> {
  const figure = await checkerboard();
  const longLine = `const weights = [${Array.from({ length: 60 }, (_, i) => i / 7).join(', ')}];`;
  const first = notebook([
    markdown('# 01 — A test notebook\n\nA Gaussian $\\mathcal N(\\mu, \\Lambda^{-1})$.'),
    markdown('## Samples (Figures 1–4)\n\n$$J(\\Lambda) = \\tfrac12 \\mathrm{tr}(\\Lambda S \\Lambda) - \\mathrm{tr}\\,\\Lambda$$'),
    code(`${longLine}\nshow(imageGrid(x));`, [png(figure), png(figure), png(figure)]),
    markdown('## Noise-contrastive estimation'),
    code('showHtml(htmlTable(rows));', [
      html(htmlTable([{ model: 'nce-4', loss: 0.5123 }, { model: 'nce-8', loss: 0.4987 }], { caption: 'NCE losses' })),
      { output_type: 'stream', name: 'stdout', text: 'done\n' },
    ]),
  ]);
  const third = notebook([
    markdown('# 03 · The deep energy model'),
    markdown('## 4 · Which inputs does a model prefer? (Tables 1–2)'),
    code('showHtml(t);', [html(htmlTable([{ set: 'train', 'whitened-sigma1': -1.5 }], { caption: 'Table 1 · log p over 10 inputs' }))]),
  ]);
  const entries: RenderedNotebook[] = [
    {
      name: '01-test', notebook: first, status: status('01-test'),
      results: { backend: 'cpu', size: 'quick', models: { 'nce-4': { min_eigenvalue: 0.25 }, 'nce-8': { min_eigenvalue: -0.5 } } },
    },
    { name: '03-test', notebook: third, status: status('03-test'), results: null },
  ];
  return { entries, figure };
}

test('the page stands alone: figures and fonts are data URIs, the only file links are the notebooks and results', async () => {
  const { entries, figure } = await syntheticEntries();
  const dir = scratchDir('render-html');
  fs.mkdirSync(path.join(dir, 'img'));
  const page = renderReport(entries, dir, { size: 'quick', generated: '2026-01-02T03:04:05.000Z' });
  assert.equal(fs.existsSync(path.join(dir, 'img')), false, 'the img/ folder of earlier versions is removed');
  assert.deepEqual([...page.matchAll(/\ssrc="(?!data:)([^"]*)"/g)].map((m) => m[1]), [], 'relative or remote src');
  const files = [...page.matchAll(/\shref="(?!#)([^"]*)"/g)].map((m) => m[1]);
  assert.deepEqual(files.filter((f) => !/^(\d\d-[a-z-]+\.ipynb|results\/\d\d-[a-z-]+\.json)$/.test(f)), [], 'links to other files');
  assert.doesNotMatch(page, /url\((?!data:)/, 'a stylesheet url() that is not a data URI');
  const images = [...page.matchAll(/src="data:image\/png;base64,([^"]+)"/g)].map((m) => m[1]);
  assert.equal(images.length, 3);
  assert.deepEqual(pngSize(Buffer.from(images[0], 'base64')), pngSize(figure), 'the figure survives the round trip');
  assert.equal((page.match(/url\(data:font\/woff2;base64,/g) ?? []).length, 20, "KaTeX's 20 fonts, woff2 only");
  assert.match(page, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
  assert.match(page, /class="katex-display"/);
  assert.doesNotMatch(page.replace(/<pre[\s\S]*?<\/pre>/g, ''), /\$\$/, 'raw $$ outside code');
});

test('navigation: anchored headings, a nested contents list, folded code, numbered figures and tables', async () => {
  const { entries } = await syntheticEntries();
  const page = renderReport(entries, scratchDir('render-html'), { size: 'quick', generated: 'now' });
  const headings = [...page.matchAll(/<h([1-6]) id="([^"]+)">[\s\S]*?<a class="anchor" href="#([^"]+)"/g)];
  assert.ok(headings.length >= 6, `${headings.length} anchored headings`);
  for (const [, level, id, href] of headings) {
    assert.equal(href, id, 'each heading links to itself');
    // A notebook's title (h1) is listed as the notebook itself; the page's own sections are listed by hand.
    if (level === '1' || ['glance', 'checklist', 'contents'].includes(id)) continue;
    assert.match(page, new RegExp(`<nav[\\s\\S]*href="#${id}"[\\s\\S]*</nav>`), `contents lists #${id}`);
  }
  // Notebook → section: the section's list sits inside the notebook's item.
  assert.match(page, /<li><a href="#01-test">01 — A test notebook<\/a><ul><li><a href="#01-samples-figures-1-4">/);
  assert.equal((page.match(/<details class="code">/g) ?? []).length, 3, 'every code cell folded');
  assert.doesNotMatch(page, /<details[^>]*\sopen/);
  assert.match(page, /<button id="toggle-code"/);
  assert.match(page, /<a class="to-top" href="#top">/);
  // The Samples section holds homework Figures 1–4, two images each (numbering.ts): 1a, 1b, then 2.
  assert.deepEqual([...page.matchAll(/<figure id="([^"]+)">/g)].map((m) => m[1]), ['figure-1a', 'figure-1b', 'figure-2']);
  assert.match(page, /Figure 1a<\/a> · Samples<\/figcaption>/);
  assert.match(page, /<table id="table-s1"[^>]*>\n<caption>Table S1 · NCE losses<\/caption>/);
  assert.match(page, /<table id="table-1"[^>]*>\n<caption>Table 1 · log p over 10 inputs/, 'a homework table keeps its caption');
  assert.match(page, /<div class="table-wrap"><table id="table-s1"/, 'tables scroll in their own box');
});

test('heading ids are unique in the page, readable, and link to themselves; maths in a heading is typeset', () => {
  const ids = new HeadingIds('02');
  const html = renderMarkdown('## 1 · Patches\n\ntext\n\n### Results\n\n### Results\n\n## Filters $v_j$', 'cell 0', ids);
  const levelsAndIds = ids.headings.map((h) => [h.level, h.id]);
  assert.deepEqual(levelsAndIds, [[2, '02-1-patches'], [3, '02-results'], [3, '02-results-2'], [2, '02-filters-vj']]);
  assert.match(html, /<h3 id="02-results-2">Results <a class="anchor" href="#02-results-2"/);
  assert.match(ids.headings[3].html, /class="katex"/);
});

test('the checklist resolves statuses from the results and links to the answering section', async () => {
  const { entries } = await syntheticEntries();
  const page = renderReport(entries, scratchDir('render-html'), { size: 'quick', generated: 'now' });
  const row = (task: string): string => {
    const found = new RegExp(`<tr><td>${task}</td>[\\s\\S]*?</tr>`).exec(page);
    assert.ok(found, `no checklist row "${task}"`);
    return found[0];
  };
  const nce = row('Noise-contrastive estimation');
  assert.match(nce, /class="status partly">partly</, 'nce-4 positive definite, nce-8 not');
  assert.match(nce, /nce-8: λ_min = -0\.500/);
  assert.match(nce, /<a href="#01-noise-contrastive-estimation">01 · Noise-contrastive estimation<\/a>/);
  assert.match(row('Samples both ways, 4- and 8-connected'), /class="status partly">partly<[\s\S]*3 figures \(4 wanted\)/);
  assert.match(row('Conditional NCE'), /class="status not-reported">not reported</);
  const noSection = row('DEM on raw patches, σ = 1 and σ = 0.1');
  assert.match(noSection, /not reported[\s\S]*<a href="#03-test">notebook 03<\/a>/, 'no such section: the notebook');
});

const unavailable = browserUnavailable();
const mustRun = process.env.CI === 'true';
/** Without a browser the browser tests skip, saying why; under CI=true they run and fail instead. */
const browserTest = { skip: unavailable && !mustRun ? unavailable : false, timeout: 120_000 };

test('in headless Chromium the page decodes, typesets, stays local and fits 400 px', browserTest, async () => {
  if (unavailable) assert.fail(`CI=true but ${unavailable}: .ci/run must install it`);
  const { entries } = await syntheticEntries();
  const dir = scratchDir('render-html-browser');
  fs.writeFileSync(path.join(dir, 'index.html'), renderReport(entries, dir, { size: 'quick', generated: 'now' }));
  assert.deepEqual(await checkReportInBrowser(dir), []);
  for (const width of [1400, 400]) assert.equal(pngSize(fs.readFileSync(path.join(dir, `screenshot-${width}.png`))).width, width);
});

test('the browser check finds each kind of problem it is meant to find', browserTest, async () => {
  if (unavailable) assert.fail(`CI=true but ${unavailable}: .ci/run must install it`);
  const dir = scratchDir('render-html-broken');
  fs.writeFileSync(path.join(dir, 'index.html'), `<!doctype html><html><head><meta charset="utf-8"></head><body>
<img src="data:image/png;base64,AAAA" alt="truncated">
<p>left raw: $$x^2$$</p><span class="katex-error">\\frac{1}</span>
<img src="http://127.0.0.1:9/remote.png" alt="remote">
<a href="#nowhere">dangling</a>
<div style="width: 900px">too wide</div>
<script>console.error('boom')</script>
</body></html>`);
  const problems = (await checkReportInBrowser(dir)).join('\n');
  for (const expected of [
    /image does not decode: truncated/, /raw \$\$ in text/, /KaTeX error: \\frac\{1\}/, /request leaves the file: http:\/\/127\.0\.0\.1:9/,
    /link to a missing anchor: #nowhere/, /console error: boom/, /page is \d+ px wide in a 400 px viewport: <div> to 9\d\d px/,
  ]) assert.match(problems, expected);
});

test("the glance table gives each notebook's own run time and peak memory, as the runner measured them", async () => {
  const { entries } = await syntheticEntries();
  const timed = entries.map((entry, i) => ({ ...entry, status: { ...entry.status, seconds: [92.04, 27.96][i], peak_rss_mb: [709.4, 1024.6][i] } }));
  const page = renderReport(timed, scratchDir('render-html'), { size: 'quick', generated: 'now' });
  const glance = page.slice(page.indexOf('<table class="glance">'), page.indexOf('</table>', page.indexOf('<table class="glance">')));
  const rows = [...glance.matchAll(/<tr class="notebook-row">([\s\S]*?)<\/tr>/g)].map((m) => m[1]);
  assert.equal(rows.length, 2);
  assert.match(rows[0], /href="#01-test"[\s\S]*ok · 92\.0 s · 709 MB/);
  assert.match(rows[1], /href="#03-test"[\s\S]*ok · 28\.0 s · 1025 MB/);
});
