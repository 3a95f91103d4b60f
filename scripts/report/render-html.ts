// Turns executed notebooks and their results JSON into report/index.html, one self-contained file that
// can be mailed or uploaded alone: figures are data URIs (the notebooks hold them as base64 PNG
// already), KaTeX's stylesheet and fonts are inlined, and the only links to other files are the
// executed notebooks and results JSON, which a reader may follow but the page does not need.
//
// Reading order: the results at a glance, the homework checklist, a nested table of contents, then
// each notebook with its code folded away (one button opens all). Every heading, figure and table has
// an anchor; figures and tables are numbered across the notebooks (see numbering.ts).
import * as fs from 'fs';
import * as path from 'path';
import { Cell, DisplayOutput, joinText, Notebook, Output, RunStatus } from './notebook-format';
import { anchorLink, Heading, HeadingIds, plainText, renderMarkdown } from './markdown';
import { inlineKatexCss } from './katex-css';
import { homeworkFigure, homeworkTable, labels } from './numbering';
import { checklist, ChecklistRow, EXERCISES, TASKS } from './checklist';
import { escapeXml as escapeHtml } from '../../lib/figures/render';
import { formatNumber } from '../../lib/figures/table';
import { Headline, valueAt } from '../../lib/report/notebook';

export interface RenderedNotebook {
  name: string;
  notebook: Notebook | null;
  status: RunStatus;
  results: Record<string, unknown> | null;
}

export interface ReportMeta {
  size: string;
  generated: string;
  /** Set when the run did not finish: what is missing and why, shown at the top of the page. */
  incomplete?: string;
}

/** "01-mnist-gaussian" → "01": how the checklist and the figure table name a notebook. */
export function notebookPrefix(name: string): string {
  return /^(\d+)/.exec(name)?.[1] ?? name;
}

// ---- one notebook, read into blocks whose figures and tables are numbered later ----

interface ImageBlock { kind: 'image'; base64: string; notebook: string; section: Heading | null; indexInSection: number; label?: string }
interface TableBlock { kind: 'tables'; html: string; captions: string[]; labels?: string[] }
type OutputBlock = ImageBlock | TableBlock | { kind: 'html'; html: string };
type Block = { kind: 'markdown'; html: string } | { kind: 'code'; source: string; label: string; outputs: OutputBlock[] };

interface ReadNotebook {
  entry: RenderedNotebook;
  title: string;
  blocks: Block[];
  headings: Heading[];
  /** Images under each heading id, subsections included (for the checklist's figure counts). */
  imagesUnder: Map<string, number>;
}

const TABLE_OPEN = /<table\b[^>]*>/g;
const CAPTION = /^\s*<caption>([\s\S]*?)<\/caption>/;

function outputBlock(output: Output, place: () => { notebook: string; section: Heading | null; indexInSection: number }): OutputBlock {
  if (output.output_type === 'stream') {
    return { kind: 'html', html: `<pre class="${output.name}">${escapeHtml(joinText(output.text))}</pre>` };
  }
  if (output.output_type === 'error') {
    return { kind: 'html', html: `<pre class="error">${escapeHtml(output.traceback.join('\n'))}</pre>` };
  }
  const data = (output as DisplayOutput).data;
  if (data['image/png']) return { kind: 'image', base64: joinText(data['image/png']).replace(/\s+/g, ''), ...place() };
  if (data['text/html']) {
    const html = joinText(data['text/html']);
    const captions = [...html.matchAll(TABLE_OPEN)].map((m) => plainText(CAPTION.exec(html.slice(m.index! + m[0].length))?.[1] ?? ''));
    return captions.length ? { kind: 'tables', html, captions } : { kind: 'html', html: `<div class="html-output">${html}</div>` };
  }
  if (data['image/svg+xml']) return { kind: 'html', html: `<div class="svg-output">${joinText(data['image/svg+xml'])}</div>` };
  if (data['text/plain']) return { kind: 'html', html: `<pre class="stdout">${escapeHtml(joinText(data['text/plain']))}</pre>` };
  return { kind: 'html', html: `<pre class="stderr">(output of type ${escapeHtml(Object.keys(data).join(', '))} not shown)</pre>` };
}

/** An image counts for the heading above it and every heading above that (a subsection is part of its section). */
function countImage(headings: Heading[], imagesUnder: Map<string, number>): void {
  let level = Infinity;
  for (let h = headings.length - 1; h >= 0; h--) {
    const heading = headings[h];
    if (heading.level >= level) continue;
    level = heading.level;
    imagesUnder.set(heading.id, (imagesUnder.get(heading.id) ?? 0) + 1);
  }
}

function readNotebook(entry: RenderedNotebook): ReadNotebook {
  const prefix = notebookPrefix(entry.name);
  const ids = new HeadingIds(prefix);
  const blocks: Block[] = [];
  const imagesUnder = new Map<string, number>();
  let imagesInSection = 0;
  const cells: Cell[] = entry.notebook?.cells ?? [];
  cells.forEach((cell, i) => {
    if (cell.cell_type === 'markdown') {
      const before = ids.headings.length;
      blocks.push({ kind: 'markdown', html: renderMarkdown(joinText(cell.source), `${entry.name} cell ${i}`, ids) });
      if (ids.headings.length > before) imagesInSection = 0;
      return;
    }
    if (cell.cell_type !== 'code') return;
    const section = ids.headings[ids.headings.length - 1] ?? null;
    const outputs = (cell.outputs ?? []).map((output) => outputBlock(output, () => {
      countImage(ids.headings, imagesUnder);
      return { notebook: prefix, section, indexInSection: imagesInSection++ };
    }));
    const label = cell.execution_count ? `[${cell.execution_count}]` : '[ ]';
    blocks.push({ kind: 'code', source: joinText(cell.source), label, outputs });
  });
  const h1 = ids.headings.find((h) => h.level === 1);
  return { entry, title: h1 ? plainText(h1.html) : entry.name, blocks, headings: ids.headings, imagesUnder };
}

/** Gives every image and table of all notebooks its label (see numbering.ts), in reading order. */
function numberOutputs(notebooks: ReadNotebook[]): void {
  const outputs = notebooks.flatMap((nb) => nb.blocks.flatMap((block) => (block.kind === 'code' ? block.outputs : [])));
  const images = outputs.filter((o): o is ImageBlock => o.kind === 'image');
  const imageLabels = labels(images.map((image) => homeworkFigure({
    notebook: image.notebook,
    section: image.section ? plainText(image.section.html) : '',
    indexInSection: image.indexInSection,
  })));
  images.forEach((image, i) => { image.label = imageLabels[i]; });
  const tables = outputs.filter((o): o is TableBlock => o.kind === 'tables');
  const tableLabels = labels(tables.flatMap((t) => t.captions.map(homeworkTable)));
  let next = 0;
  for (const table of tables) table.labels = table.captions.map(() => tableLabels[next++]);
}

// ---- HTML ----

/** A section heading as HTML for a caption: without "Figure 9 ·" before it or "(Figures 1–4)" after it. */
function sectionName(section: Heading | null): string {
  if (!section) return '';
  return section.html
    .replace(/<\/?a\b[^>]*>/g, '')
    .replace(/^Figures?\s+[\d–-]+\s*·\s*/, '')
    .replace(/\s*\((Figures?|Tables?)\s[^)]*\)$/, '');
}

function renderOutput(output: OutputBlock): string {
  if (output.kind === 'html') return output.html;
  if (output.kind === 'image') {
    const id = `figure-${output.label!.toLowerCase()}`;
    const name = sectionName(output.section);
    const alt = `Figure ${output.label}${name ? `: ${escapeHtml(plainText(name))}` : ''}`;
    return `<figure id="${id}"><img src="data:image/png;base64,${output.base64}" alt="${alt}">`
      + `<figcaption><a href="#${id}">Figure ${output.label}</a>${name ? ` · ${name}` : ''}</figcaption></figure>`;
  }
  return `<div class="table-wrap">${numberTables(output)}</div>`;
}

/** Puts each table's number in its caption (a homework table keeps the caption it has) and an anchor on it. */
function numberTables(output: TableBlock): string {
  let k = 0;
  let html = '';
  let last = 0;
  for (const match of output.html.matchAll(TABLE_OPEN)) {
    const label = output.labels![k];
    const caption = output.captions[k++];
    const end = match.index! + match[0].length;
    html += output.html.slice(last, match.index) + match[0].replace(/^<table/, `<table id="table-${label.toLowerCase()}"`);
    last = end;
    const existing = CAPTION.exec(output.html.slice(end));
    if (!existing) {
      html += `<caption>Table ${label}</caption>`;
    } else if (homeworkTable(caption) === null) {
      const captionText = end + existing[0].indexOf('<caption>') + '<caption>'.length;
      html += `${output.html.slice(end, captionText)}Table ${label}${caption ? ' · ' : ''}`;
      last = captionText;
    }
  }
  return html + output.html.slice(last);
}

function renderBlock(block: Block): string {
  if (block.kind === 'markdown') return `<div class="markdown">${block.html}</div>`;
  const outputs = block.outputs.map(renderOutput).join('\n');
  return `<div class="code-cell"><details class="code"><summary>code ${block.label}</summary>`
    + `<pre class="source"><code>${escapeHtml(block.source)}</code></pre></details>`
    + `${outputs ? `<div class="outputs">${outputs}</div>` : ''}</div>`;
}

function glanceTable(notebooks: ReadNotebook[]): string {
  const rows = notebooks.flatMap(({ entry, title }) => {
    const status = entry.status.ok ? 'ok' : `<span class="failed">FAILED at cell ${entry.status.failed_cell ?? '?'}</span>`;
    const results = entry.results ?? {};
    const lead = `<tr class="notebook-row"><th colspan="3"><a href="#${entry.name}">${escapeHtml(title)}</a></th>`
      + `<td>${status} · ${entry.status.seconds.toFixed(1)} s · ${Math.round(entry.status.peak_rss_mb)} MB`
      + ` · backend ${escapeHtml(String(results.backend ?? '?'))}`
      + ` · size ${escapeHtml(String(results.size ?? '?'))}</td></tr>`;
    const headlines = (results.headlines as Headline[] | undefined) ?? [];
    const lines = headlines.map((h) => {
      const value = valueAt(results, h.path);
      const shown = typeof value === 'number' ? formatNumber(value) : escapeHtml(String(value));
      return `<tr><td></td><td>${escapeHtml(h.label)}</td><td class="num">${shown}</td>`
        + `<td>${escapeHtml(h.unit ?? '')} <code>${escapeHtml(h.path)}</code></td></tr>`;
    });
    return [lead, ...lines];
  });
  return '<div class="table-wrap"><table class="glance">'
    + '<thead><tr><th colspan="2">notebook / quantity</th><th>value</th><th>unit, JSON path</th></tr></thead>'
    + `<tbody>${rows.join('\n')}</tbody></table></div>`;
}

/** The first heading of a notebook whose text matches `section`, and the notebook itself. */
function findSection(notebooks: ReadNotebook[], prefix: string, section: RegExp): { nb: ReadNotebook; heading?: Heading } | undefined {
  const nb = notebooks.find((n) => notebookPrefix(n.entry.name) === prefix);
  return nb && { nb, heading: nb.headings.find((h) => section.test(plainText(h.html))) };
}

function checklistTable(notebooks: ReadNotebook[]): string {
  const results = Object.fromEntries(notebooks.map(({ entry }) => [notebookPrefix(entry.name), entry.results]));
  const figuresIn = (prefix: string, section: RegExp): number | null => {
    const found = findSection(notebooks, prefix, section);
    return found?.heading ? found.nb.imagesUnder.get(found.heading.id) ?? 0 : null;
  };
  let exercise = 0;
  const rows = checklist({ results, figuresIn }, TASKS).flatMap((row: ChecklistRow) => {
    const found = findSection(notebooks, row.notebook, row.section);
    const notebook = escapeHtml(row.notebook);
    const where = found?.heading
      ? `<a href="#${found.heading.id}">${notebook} · ${sectionName(found.heading)}</a>`
      : found ? `<a href="#${found.nb.entry.name}">notebook ${notebook}</a>` : `notebook ${notebook} (not in this report)`;
    const keys = row.keys.length ? ` title="${escapeHtml(`results of ${row.notebook}: ${row.keys.join(', ')}`)}"` : '';
    const group = row.exercise !== exercise ? [`<tr class="group"><th colspan="4">${escapeHtml(EXERCISES[row.exercise])}</th></tr>`] : [];
    exercise = row.exercise;
    return [...group, `<tr><td>${escapeHtml(row.task)}</td><td class="status ${row.status.replace(' ', '-')}">${row.status}</td>`
      + `<td class="evidence"${keys}>${escapeHtml(row.evidence)}</td><td class="where">${where}</td></tr>`];
  });
  return '<div class="table-wrap"><table class="checklist">'
    + '<thead><tr><th>task</th><th>status</th><th>the number that decides it</th><th>answered in</th></tr></thead>'
    + `<tbody>${rows.join('\n')}</tbody></table></div>`;
}

/** A heading's content for the table of contents: as typeset, without links of its own. */
const tocText = (heading: Heading): string => heading.html.replace(/<\/?a\b[^>]*>/g, '');

function contents(notebooks: ReadNotebook[]): string {
  const notebookItem = ({ entry, title, headings }: ReadNotebook): string => {
    const items: string[] = [];
    let openH2 = false;
    for (const heading of headings) {
      if (heading.level === 2) {
        if (openH2) items.push('</ul></li>');
        items.push(`<li><a href="#${heading.id}">${tocText(heading)}</a><ul>`);
        openH2 = true;
      } else if (heading.level === 3 && openH2) {
        items.push(`<li><a href="#${heading.id}">${tocText(heading)}</a></li>`);
      }
    }
    if (openH2) items.push('</ul></li>');
    return `<li><a href="#${entry.name}">${escapeHtml(title)}</a>${items.length ? `<ul>${items.join('')}</ul>` : ''}</li>`;
  };
  const page = '<li><a href="#glance">Results at a glance</a></li><li><a href="#checklist">Homework checklist</a></li>';
  const list = `<ul>${page}${notebooks.map(notebookItem).join('')}</ul>`;
  return `<nav class="toc" aria-label="contents">${heading2('contents', 'Contents')}${list}</nav>`;
}

const STYLE = `
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; scroll-behavior: smooth; }
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; max-width: 980px; margin: 0 auto; padding: 1em;
  line-height: 1.5; color: #1d1d1f; overflow-wrap: break-word; }
h1 { font-size: 1.7em; } h1, h2, h3 { line-height: 1.25; scroll-margin-top: 0.5em; }
a.anchor { color: #9aa5b1; text-decoration: none; font-weight: normal; font-size: 0.8em; visibility: hidden; }
h1:hover a.anchor, h2:hover a.anchor, h3:hover a.anchor, h4:hover a.anchor, a.anchor:focus { visibility: visible; }
pre { background: #f6f8fa; padding: 0.6em 0.8em; overflow-x: auto; font-size: 0.85em; border-radius: 4px; max-width: 100%; }
pre.stdout, pre.stderr, pre.error { white-space: pre-wrap; overflow-wrap: anywhere; }
pre.source { background: #eef1f5; border-left: 3px solid #7a8ca3; margin-top: 0.3em; }
pre.stderr { background: #fff8e6; }
pre.error { background: #fdecea; color: #8a1c1c; }
details.code > summary { cursor: pointer; color: #667; font-size: 0.8em; }
.outputs { max-width: 100%; overflow-x: auto; }
figure { margin: 0.8em 0; }
figure img { max-width: 100%; height: auto; display: block; }
figcaption { font-size: 0.85em; color: #444; margin-top: 0.2em; }
figcaption a { font-weight: 600; color: inherit; }
.table-wrap, .html-output, .svg-output { max-width: 100%; overflow-x: auto; margin: 0.8em 0; }
.katex-display { overflow-x: auto; overflow-y: hidden; padding: 0.2em 0; }
table { border-collapse: collapse; font-size: 0.9em; }
caption { text-align: left; font-size: 0.95em; padding: 0.2em 0; caption-side: top; }
/* A caption is as wide as its table: pinned to the left edge of the scrolling box and no wider than the screen, it stays readable. */
.table-wrap caption { position: sticky; left: 0; max-width: calc(100vw - 2em); }
/* Numbers (right-aligned by htmlTable) never break at the minus of an exponent; the table scrolls instead. */
.table-wrap td[style*="right"] { white-space: nowrap; }
td, th { border: 1px solid #d0d7de; padding: 0.25em 0.6em; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.checklist td.evidence { font-size: 0.9em; color: #333; }
.checklist tr.group th, .glance .notebook-row th { text-align: left; background: #eef1f5; }
.status { font-weight: 600; white-space: nowrap; }
.status.done { color: #116329; } .status.partly { color: #9a6700; }
.status.failed, .failed { color: #b00020; } .status.not-reported { color: #6e7781; }
/* The headings carry their own numbers ("2 · Covariance"), so the list adds none. */
nav.toc ul { list-style: none; padding-left: 1.2em; margin: 0.1em 0; }
nav.toc > ul { padding-left: 0; } nav.toc > ul > li { margin-top: 0.4em; }
.toolbar { display: flex; gap: 0.8em; align-items: center; flex-wrap: wrap; }
button#toggle-code { font: inherit; font-size: 0.9em; padding: 0.3em 0.8em; cursor: pointer; }
section.notebook { border-top: 2px solid #d0d7de; margin-top: 3em; }
a.to-top { position: fixed; right: 1em; bottom: 1em; background: #fff; border: 1px solid #d0d7de; border-radius: 4px;
  padding: 0.2em 0.6em; font-size: 0.85em; text-decoration: none; }
@media (max-width: 600px) {
  body { padding: 0.6em; } h1 { font-size: 1.35em; } pre { font-size: 0.78em; }
  /* On a phone the checklist and the glance table become one block per row instead of scrolling sideways. */
  .checklist thead, .glance thead, .glance td:first-child:empty { display: none; }
  .checklist, .checklist tbody, .glance, .glance tbody { display: block; }
  .checklist tr, .glance tr { display: flex; flex-wrap: wrap; border-bottom: 1px solid #d0d7de; padding: 0.3em 0; }
  .checklist td, .checklist th, .glance td, .glance th { display: block; border: none; padding: 0.1em 0.4em; }
  .checklist td:first-child { flex: 1 1 60%; font-weight: 600; } .checklist td.evidence, .checklist td.where { flex: 1 1 100%; }
  .glance td:nth-child(2) { flex: 1 1 60%; } .glance td:last-child, .glance .notebook-row th { flex: 1 1 100%; }
  .checklist tr.group th, .glance .notebook-row th { flex: 1 1 100%; }
}
`;

/** Opens or closes every code cell; the button says what the next click does. */
const SCRIPT = `document.getElementById('toggle-code').addEventListener('click', function () {
  var open = this.getAttribute('aria-pressed') !== 'true';
  document.querySelectorAll('details.code').forEach(function (d) { d.open = open; });
  this.setAttribute('aria-pressed', String(open));
  this.textContent = open ? 'Hide all code' : 'Show all code';
});`;

/** "2026-12-02T16:12:48.921Z" → "2026-12-02 16:12 UTC"; anything else is shown as given. */
const readableTime = (iso: string): string => iso.replace(/^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)[\d:.]*Z$/, '$1 $2 UTC');

const heading2 = (id: string, text: string): string => `<h2 id="${id}">${text}${anchorLink(id)}</h2>`;

/**
 * The report page as one HTML string (the caller writes it to reportDir/index.html). Removes the
 * img/ folder that earlier versions wrote beside the page, so a stale copy cannot hide a missing figure.
 */
export function renderReport(entries: RenderedNotebook[], reportDir: string, meta: ReportMeta): string {
  fs.rmSync(path.join(reportDir, 'img'), { recursive: true, force: true });
  const notebooks = entries.map(readNotebook);
  numberOutputs(notebooks);
  const sections = notebooks.map((nb) => {
    const { entry } = nb;
    const body = entry.notebook
      ? nb.blocks.map(renderBlock).join('\n')
      : `<h1>${escapeHtml(entry.name)}</h1><pre class="error">${escapeHtml(entry.status.error ?? 'not executed')}</pre>`;
    const files = `executed copy: <a href="${entry.name}.ipynb">${entry.name}.ipynb</a>,`
      + ` numbers: <a href="results/${entry.name}.json">results/${entry.name}.json</a>`;
    const heading = `<p><small>${escapeHtml(entry.name)}.ipynb — ${files}</small></p>`;
    return `<section class="notebook" id="${entry.name}">${heading}\n${body}</section>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>lfr-notebooks report</title>
<style>${inlineKatexCss()}</style><style>${STYLE}</style></head>
<body><header id="top"><h1>Learning feature representations with unnormalised models — report</h1>
<div class="toolbar">
<span>Run size <b>${escapeHtml(meta.size)}</b>, generated ${escapeHtml(readableTime(meta.generated))}
by <code>npm run report</code>.</span>
<button id="toggle-code" type="button" aria-pressed="false">Show all code</button>
<span>Jump to <a href="#checklist">the checklist</a> · <a href="#contents">the contents</a></span></div>
${meta.incomplete ? `<p class="failed">This report is incomplete: ${escapeHtml(meta.incomplete)}.</p>` : ''}</header>
<section id="glance-section">${heading2('glance', 'Results at a glance')}
<p>Numbers from <code>results/*.json</code>.</p>
${glanceTable(notebooks)}</section>
<section id="checklist-section">${heading2('checklist', 'Homework checklist')}
<p>Every task of the two exercises, with its status computed from this run's results.</p>
${checklistTable(notebooks)}</section>
${contents(notebooks)}
${sections.join('\n')}
<a class="to-top" href="#top">↑ top</a>
<script>${SCRIPT}</script>
</body></html>
`;
}
