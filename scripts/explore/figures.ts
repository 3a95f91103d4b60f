// From a report's results JSON to plotly figure specs (traces + layout) for `npm run explore`.
// Pure: no file or network access, so the mapping is tested on small fake results. The specs are
// plain JSON in plotly's own shape (nodeplotlib hands them to plotly.js 1.58 in the browser).
//
// Keys read, by notebook (a chart whose key is absent or malformed is skipped with a note):
//   01  loss_curves.<name>: number[]            total loss before each optimiser step (step 0, 1, …)
//   01  synthetic / synthetic_8x8.<method>      n[], rel_frobenius_error[], converged[], status[]
//   01  models.<model> / baselines.<model>      heldout_loglik_per_image (nats/image), heldout_bits_per_pixel
//   03  runs.<run>.train_loss_curve: number[]   training loss, mean over epoch 1, 2, …
//   03  runs.<run>.holdout_loss_curve: number[] hold-out loss before training (epoch 0), then after each epoch
//   03  runs.<run>.logp.<set>.n10 / n100        {mean, std, n}: unnormalised log p over 10 / 100 inputs
//   03  runs.<run>.logp_values.<set>: number[]  the individual log p values (drawn as a box plot)
//   03  runs.<run>.mean_filter_energy_in_7x7    mean share of a filter's energy in its best 7×7 window
//   03-filters-<run>.json: number[][]           the run's filters v_j (J rows of side² values), from which
//                                               each filter's share is computed with lib/dem/filters

import { filterLocality } from '../../lib/dem/filters';

export interface PlotlyTrace {
  type: 'scatter' | 'box';
  name: string;
  x?: (number | string)[];
  y: number[];
  mode?: 'lines' | 'markers' | 'lines+markers';
  /** Symmetric error bars (± array[i]). */
  error_y?: { type: 'data'; array: number[]; visible: true };
  /** One hover line per point. */
  text?: string[];
  hovertemplate?: string;
  /** Traces of one group are shown and hidden together from the legend. */
  legendgroup?: string;
  marker?: { color?: string; symbol?: string; size?: number };
  line?: { color?: string };
  boxpoints?: 'all';
}

export interface PlotlyAxis {
  title: { text: string };
  type?: 'linear' | 'log' | 'category';
}

export interface PlotlyLayout {
  title: { text: string };
  xaxis: PlotlyAxis;
  yaxis: PlotlyAxis;
}

export interface ExploreFigure {
  /** Where the numbers come from: results file and dotted key. */
  source: string;
  data: PlotlyTrace[];
  layout: PlotlyLayout;
}

export interface ResultsFile {
  /** File name, e.g. "01-mnist-gaussian.json" (used in notes and sources). */
  file: string;
  results: Record<string, unknown>;
}

export interface FiltersFile {
  /** File name, e.g. "03-filters-whitened-sigma1.json". */
  file: string;
  run: string;
  /** Expected: J arrays of side² numbers; checked here, a malformed file skips the chart. */
  filters: unknown;
}

/** What one report run left in its results/ folder. */
export interface ReportResults {
  results: ResultsFile[];
  filters: FiltersFile[];
}

export interface Exploration {
  figures: ExploreFigure[];
  /** One line per chart that was skipped, saying which key was missing or malformed. */
  notes: string[];
}

// plotly's default colour sequence, set explicitly so that a method's stopped fits can share its colour.
const PLOTLY_COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** Thrown by the readers below: the chart is skipped and the message becomes its note. */
class SkipChart extends Error {}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function record(value: unknown, key: string): Json {
  if (value === undefined) throw new SkipChart(`no "${key}"`);
  if (!isRecord(value)) throw new SkipChart(`"${key}" is not an object`);
  return value;
}

function numbers(value: unknown, key: string): number[] {
  if (value === undefined) throw new SkipChart(`no "${key}"`);
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new SkipChart(`"${key}" is not an array of finite numbers`);
  }
  return value;
}

function finite(value: unknown, key: string): number {
  if (value === undefined) throw new SkipChart(`no "${key}"`);
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new SkipChart(`"${key}" is not a finite number`);
  return value;
}

function sameLength(key: string, lengths: Record<string, number>): void {
  const values = Object.values(lengths);
  if (values.some((n) => n !== values[0])) {
    throw new SkipChart(
      `"${key}" has arrays of different lengths (${Object.entries(lengths)
        .map(([k, n]) => `${k}: ${n}`)
        .join(', ')})`,
    );
  }
}

function layout(title: string, x: PlotlyAxis, y: PlotlyAxis): PlotlyLayout {
  return { title: { text: title }, xaxis: x, yaxis: y };
}

function axis(text: string, type?: PlotlyAxis['type']): PlotlyAxis {
  return type ? { title: { text }, type } : { title: { text } };
}

const indices = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => i + from);

// ---- notebook 01: Gaussian models of MNIST and the ground-truth study ----

/** Curves named "<estimator> <connectivity>" (e.g. "NCE 4", "NCE 8") share a chart: same loss, same scale. */
function lossCurveFigures(results: Json, file: string): ExploreFigure[] {
  const curves = record(results.loss_curves, 'loss_curves');
  const groups = new Map<string, PlotlyTrace[]>();
  for (const [name, value] of Object.entries(curves)) {
    const y = numbers(value, `loss_curves.${name}`);
    const group = name.replace(/\s+\d+$/, '');
    groups.set(group, [...(groups.get(group) ?? []), { type: 'scatter', mode: 'lines', name, x: indices(y.length), y }]);
  }
  if (groups.size === 0) throw new SkipChart('"loss_curves" is empty');
  return [...groups].map(([group, traces]) => ({
    source: `${file}: loss_curves`,
    data: traces,
    layout: layout(`${group}: training loss`, axis('step'), axis('loss before the step')),
  }));
}

/** Converged fits joined by a line per method; stopped fits (cone edge, separable) as crosses of the same colour. */
function errorVsNFigure(results: Json, file: string, key: string, grid: string): ExploreFigure {
  const methods = record(results[key], key);
  const traces: PlotlyTrace[] = [];
  Object.entries(methods).forEach(([method, value], index) => {
    const at = `${key}.${method}`;
    const entry = record(value, at);
    const n = numbers(entry.n, `${at}.n`);
    const error = numbers(entry.rel_frobenius_error, `${at}.rel_frobenius_error`);
    const converged = entry.converged;
    if (!Array.isArray(converged) || !converged.every((c) => typeof c === 'boolean')) {
      throw new SkipChart(`"${at}.converged" is not an array of booleans`);
    }
    const status = Array.isArray(entry.status) ? entry.status.map(String) : converged.map((c) => (c ? 'converged' : 'stopped'));
    sameLength(at, { n: n.length, rel_frobenius_error: error.length, converged: converged.length, status: status.length });
    const colour = PLOTLY_COLOURS[index % PLOTLY_COLOURS.length];
    const pick = (keep: boolean) => indices(n.length).filter((i) => converged[i] === keep);
    const points = (rows: number[]) => ({ x: rows.map((i) => n[i]), y: rows.map((i) => error[i]), text: rows.map((i) => status[i]) });
    const hovertemplate = `${method}<br>N = %{x}<br>error = %{y:.4g}<br>%{text}<extra></extra>`;
    const ok = pick(true);
    const stopped = pick(false);
    if (ok.length) {
      traces.push({
        type: 'scatter',
        mode: 'lines+markers',
        name: method,
        legendgroup: method,
        ...points(ok),
        hovertemplate,
        marker: { color: colour },
        line: { color: colour },
      });
    }
    if (stopped.length) {
      traces.push({
        type: 'scatter',
        mode: 'markers',
        name: `${method} (stopped)`,
        legendgroup: method,
        ...points(stopped),
        hovertemplate,
        marker: { color: colour, symbol: 'x', size: 10 },
      });
    }
  });
  if (traces.length === 0) throw new SkipChart(`"${key}" holds no fits`);
  return {
    source: `${file}: ${key}`,
    data: traces,
    layout: layout(
      `${grid} ground truth: error of Λ̂ against N`,
      axis('N (training rows)', 'log'),
      axis('relative error ‖Λ̂ − Λ*‖<sub>F</sub> / ‖Λ*‖<sub>F</sub>', 'log'),
    ),
  };
}

function heldoutLoglikFigure(results: Json, file: string): ExploreFigure {
  const groups = [
    { key: 'models', name: 'fitted models' },
    { key: 'baselines', name: 'baselines' },
  ];
  const traces: PlotlyTrace[] = [];
  for (const { key, name } of groups) {
    if (key === 'baselines' && results.baselines === undefined) continue; // models alone still make the chart
    const entries = Object.entries(record(results[key], key));
    const loglik = entries.map(([model, value]) => {
      const at = `${key}.${model}`;
      return finite(record(value, at).heldout_loglik_per_image, `${at}.heldout_loglik_per_image`);
    });
    const bits = entries.map(([, value]) => {
      const b = (value as Json).heldout_bits_per_pixel;
      return typeof b === 'number' && Number.isFinite(b) ? `${b.toFixed(4)} bits/pixel` : '';
    });
    traces.push({
      type: 'scatter',
      mode: 'markers',
      name,
      x: entries.map(([model]) => model),
      y: loglik,
      text: bits,
      hovertemplate: '%{x}: %{y:.2f} nats/image<br>%{text}<extra></extra>',
      marker: { size: 10 },
    });
  }
  return {
    source: `${file}: models.<model> and baselines.<model>, heldout_loglik_per_image`,
    data: traces,
    layout: layout('Held-out MNIST log-likelihood per model (higher is better)', axis('model', 'category'), axis('log-likelihood (nats/image)')),
  };
}

// ---- notebook 03: deep energy models on natural patches ----

function runsOf(results: Json): [string, Json][] {
  const runs = Object.entries(record(results.runs, 'runs')).map(([run, value]) => [run, record(value, `runs.${run}`)] as [string, Json]);
  if (runs.length === 0) throw new SkipChart('"runs" is empty');
  return runs;
}

function demLossFigures(results: Json, file: string): ExploreFigure[] {
  return runsOf(results).map(([run, entry]) => {
    const train = numbers(entry.train_loss_curve, `runs.${run}.train_loss_curve`);
    const holdout = numbers(entry.holdout_loss_curve, `runs.${run}.holdout_loss_curve`);
    return {
      source: `${file}: runs.${run}.train_loss_curve / holdout_loss_curve`,
      data: [
        { type: 'scatter', mode: 'lines+markers', name: 'training (mean over the epoch)', x: indices(train.length, 1), y: train },
        { type: 'scatter', mode: 'lines+markers', name: 'hold-out (after the epoch)', x: indices(holdout.length), y: holdout },
      ],
      layout: layout(`${run}: score-matching loss`, axis('epoch'), axis('mean ½‖ψ‖² + Δ log p')),
    };
  });
}

/** One chart per run: each run scores its inputs in its own space (whitened or raw, its own σ), so scales differ. */
function logpFigures(results: Json, file: string): ExploreFigure[] {
  return runsOf(results).map(([run, entry]) => {
    const logp = record(entry.logp, `runs.${run}.logp`);
    const sets = Object.keys(logp);
    if (sets.length === 0) throw new SkipChart(`"runs.${run}.logp" is empty`);
    const summaries = (count: 'n10' | 'n100') =>
      sets.map((set) => {
        const at = `runs.${run}.logp.${set}.${count}`;
        const summary = record(record(logp[set], `runs.${run}.logp.${set}`)[count], at);
        return { mean: finite(summary.mean, `${at}.mean`), std: finite(summary.std, `${at}.std`) };
      });
    const meanTrace = (count: 'n10' | 'n100', inputs: number): PlotlyTrace => {
      const s = summaries(count);
      return {
        type: 'scatter',
        mode: 'markers',
        name: `mean ± std, ${inputs} inputs`,
        x: sets,
        y: s.map((v) => v.mean),
        error_y: { type: 'data', array: s.map((v) => v.std), visible: true },
        marker: { size: 10 },
      };
    };
    const traces = [meanTrace('n10', 10), meanTrace('n100', 100)];
    if (entry.logp_values !== undefined) {
      const values = record(entry.logp_values, `runs.${run}.logp_values`);
      const perSet = Object.keys(values).map((set) => ({ set, y: numbers(values[set], `runs.${run}.logp_values.${set}`) }));
      // One box trace whose x repeats the set name: plotly draws one box per category, under the means.
      traces.push({
        type: 'box',
        name: 'each input',
        x: perSet.flatMap(({ set, y }) => y.map(() => set)),
        y: perSet.flatMap(({ y }) => y),
        boxpoints: 'all',
      });
    }
    return {
      source: `${file}: runs.${run}.logp${entry.logp_values !== undefined ? ' and logp_values' : ''}`,
      data: traces,
      layout: layout(`${run}: unnormalised log p per input set`, axis('input set', 'category'), axis('log p (unnormalised)')),
    };
  });
}

function filterRows(filters: FiltersFile): { side: number; values: Float64Array } {
  const rows = filters.filters;
  const bad = () => new SkipChart(`${filters.file} is not an array of filters of side² finite numbers each`);
  if (!Array.isArray(rows) || rows.length === 0 || !rows.every((row) => Array.isArray(row) && row.length === rows[0].length)) throw bad();
  const side = Math.round(Math.sqrt(rows[0].length));
  if (side * side !== rows[0].length || side === 0) throw bad();
  const flat = rows.flat();
  if (!flat.every((v) => typeof v === 'number' && Number.isFinite(v))) throw bad();
  return { side, values: Float64Array.from(flat as number[]) };
}

/** Each filter's share of energy in its best 7×7 window (a box per run) and the mean the notebook recorded. */
function filterFigure(results: Json, file: string, filterFiles: FiltersFile[]): ExploreFigure {
  const traces: PlotlyTrace[] = [];
  if (filterFiles.length) {
    const perRun = filterFiles.map((f) => {
      const { side, values } = filterRows(f);
      return { run: f.run, share: filterLocality(values, side).perFilter };
    });
    // One box trace whose x repeats the run name: plotly draws one box per category.
    traces.push({
      type: 'box',
      name: 'each filter',
      boxpoints: 'all',
      hovertemplate: '%{x}: %{y:.4f}<extra></extra>',
      x: perRun.flatMap(({ run, share }) => share.map(() => run)),
      y: perRun.flatMap(({ share }) => share),
    });
  }
  const runs = isRecord(results.runs) && Object.keys(results.runs).length ? runsOf(results) : [];
  const recorded = runs.filter(([, entry]) => entry.mean_filter_energy_in_7x7 !== undefined);
  if (recorded.length) {
    traces.push({
      type: 'scatter',
      mode: 'markers',
      name: 'mean (results JSON)',
      x: recorded.map(([run]) => run),
      y: recorded.map(([run, entry]) => finite(entry.mean_filter_energy_in_7x7, `runs.${run}.mean_filter_energy_in_7x7`)),
      hovertemplate: '%{x}: mean %{y:.4f}<extra></extra>',
      marker: { size: 12, symbol: 'diamond' },
    });
  }
  if (traces.length === 0) throw new SkipChart('no runs.<run>.mean_filter_energy_in_7x7 and no 03-filters-<run>.json');
  return {
    source: [...filterFiles.map((f) => f.file), ...(recorded.length ? [`${file}: runs.<run>.mean_filter_energy_in_7x7`] : [])].join(', '),
    data: traces,
    layout: layout('Filter localisation: energy share in 7×7', axis('run', 'category'), axis('share of ‖v<sub>j</sub>‖² in the 7×7 window around the peak')),
  };
}

// ---- assembling ----

interface Chart {
  /** What the note says was skipped. */
  title: string;
  /** Prefix of the results file that holds it. */
  notebook: string;
  build(results: Json, file: string, filters: FiltersFile[]): ExploreFigure | ExploreFigure[];
}

const CHARTS: Chart[] = [
  { title: 'Gaussian loss curves', notebook: '01', build: lossCurveFigures },
  { title: 'error against N, 28×28', notebook: '01', build: (r, f) => errorVsNFigure(r, f, 'synthetic', '28×28') },
  { title: 'error against N, 8×8', notebook: '01', build: (r, f) => errorVsNFigure(r, f, 'synthetic_8x8', '8×8') },
  { title: 'held-out log-likelihood per model', notebook: '01', build: heldoutLoglikFigure },
  { title: 'DEM loss curves', notebook: '03', build: demLossFigures },
  { title: 'log p per input set', notebook: '03', build: logpFigures },
  { title: 'filter statistics', notebook: '03', build: filterFigure },
];

/** Every chart the results allow, in notebook order, and a note for each one they do not. */
export function explorationFigures(report: ReportResults): Exploration {
  const figures: ExploreFigure[] = [];
  const notes: string[] = [];
  for (const chart of CHARTS) {
    const file = report.results.find((f) => f.file.startsWith(`${chart.notebook}-`));
    if (!file) {
      notes.push(`skipped ${chart.title}: no results file ${chart.notebook}-*.json`);
      continue;
    }
    try {
      figures.push(...[chart.build(file.results, file.file, report.filters)].flat());
    } catch (error) {
      if (!(error instanceof SkipChart)) throw error;
      notes.push(`skipped ${chart.title}: ${file.file}: ${error.message}`);
    }
  }
  return { figures, notes };
}
