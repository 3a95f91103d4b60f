// Line plots (loss curves, sweeps) from plotly-style traces, drawn as SVG here and rendered to PNG
// by resvg: no browser, no server, same pixels on every machine.
import { textWidth } from './font';
import { escapeXml, round2, svgDocument, svgText, svgToPng } from './render';
import { linearTicks, logTicks, Tick } from './ticks';

export type TraceMode = 'lines' | 'markers' | 'lines+markers';

export interface Trace {
  /** Default 0, 1, …, n−1 (as in plotly). */
  x?: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Legend entry (default "trace i"). */
  name?: string;
  /** Accepted for plotly compatibility; scatter is the only kind drawn. */
  type?: 'scatter';
  /** Default as in plotly: 'lines+markers' below 20 points, else 'lines'. */
  mode?: TraceMode;
  line?: { dash?: 'solid' | 'dash' | 'dot'; color?: string; width?: number };
}

export interface Axis {
  title?: string;
  type?: 'linear' | 'log';
  /** Visible range; as in plotly, a log axis takes it in log10 units ([-3, 0] shows 0.001 … 1). */
  range?: [number, number];
}

export interface PlotLayout {
  title?: string;
  xaxis?: Axis;
  yaxis?: Axis;
  /** Pixels (default 720 × 420). */
  width?: number;
  height?: number;
  /** Default: shown when there is more than one trace. */
  showlegend?: boolean;
}

// Okabe–Ito palette: distinguishable with the common colour-vision deficiencies; yellow last
// because it is faint on white.
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];

const TITLE_FONT = 15;
const AXIS_TITLE_FONT = 13;
const TICK_FONT = 11;
const LEGEND_FONT = 12;
const TICK_LENGTH = 5;
const PAD = 12;
const LEGEND_SAMPLE = 28;
const LEGEND_ROW = 18;
const PLOTLY_MARKER_THRESHOLD = 20;

interface Point {
  x: number;
  y: number;
}

interface PreparedTrace {
  label: string;
  colour: string;
  mode: TraceMode;
  dash: 'solid' | 'dash' | 'dot';
  lineWidth: number;
  /** Runs of consecutive finite points; a non-finite point ends a run (a gap in the line). */
  runs: Point[][];
}

function traceLabel(trace: Trace, index: number): string {
  return trace.name !== undefined ? `trace "${trace.name}" (#${index})` : `trace #${index}`;
}

function prepareTraces(traces: Trace[], layout: PlotLayout): PreparedTrace[] {
  if (!Array.isArray(traces) || traces.length === 0) throw new Error('linePlot: no traces given, expected at least one');
  const logX = layout.xaxis?.type === 'log';
  const logY = layout.yaxis?.type === 'log';
  return traces.map((trace, index) => {
    const label = trace ? traceLabel(trace, index) : `trace #${index}`;
    if (!trace || trace.y == null || typeof trace.y.length !== 'number') throw new Error(`linePlot: ${label} has no y array`);
    const n = trace.y.length;
    if (trace.x != null && trace.x.length !== n) {
      throw new Error(`linePlot: ${label} has x of length ${trace.x.length} but y of length ${n}; they must match`);
    }
    const runs: Point[][] = [];
    let run: Point[] = [];
    for (let i = 0; i < n; i++) {
      const x = trace.x ? trace.x[i] : i;
      const y = trace.y[i];
      if (logX && Number.isFinite(x) && x <= 0) throw new Error(`linePlot: the x axis is logarithmic, but ${label} has x[${i}] = ${x} (must be > 0)`);
      if (logY && Number.isFinite(y) && y <= 0) throw new Error(`linePlot: the y axis is logarithmic, but ${label} has y[${i}] = ${y} (must be > 0)`);
      if (Number.isFinite(x) && Number.isFinite(y)) run.push({ x, y });
      else if (run.length > 0) {
        runs.push(run);
        run = [];
      }
    }
    if (run.length > 0) runs.push(run);
    return {
      label: trace.name ?? `trace ${index}`,
      colour: trace.line?.color ?? PALETTE[index % PALETTE.length],
      mode: trace.mode ?? (n < PLOTLY_MARKER_THRESHOLD ? 'lines+markers' : 'lines'),
      dash: trace.line?.dash ?? 'solid',
      lineWidth: trace.line?.width ?? 2,
      runs,
    };
  });
}

/** Axis scale: data value ↔ position in [0, 1] along the axis, working in log10 units for log axes. */
interface Scale {
  log: boolean;
  lo: number; // range ends in axis units (log10 for log axes)
  hi: number;
  toUnit(v: number): number;
  ticks: Tick[];
  minor: number[];
}

function makeScale(name: 'x' | 'y', axis: Axis | undefined, values: number[], padFraction: number, tickTarget: number): Scale {
  const log = axis?.type === 'log';
  if (axis?.type !== undefined && axis.type !== 'linear' && axis.type !== 'log') {
    throw new Error(`linePlot: ${name}axis.type must be 'linear' or 'log', got ${JSON.stringify(axis.type)}`);
  }
  const transform = log ? Math.log10 : (v: number) => v;
  let lo: number;
  let hi: number;
  if (axis?.range) {
    [lo, hi] = axis.range;
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) {
      throw new Error(`linePlot: ${name}axis.range must be finite [lo, hi] with lo < hi, got [${lo}, ${hi}]`);
    }
  } else {
    lo = Infinity;
    hi = -Infinity;
    for (const v of values) {
      const t = transform(v);
      if (t < lo) lo = t;
      if (t > hi) hi = t;
    }
    if (hi - lo <= 1e-12 * Math.max(Math.abs(lo), Math.abs(hi))) {
      // One value (up to rounding noise): show ±10% (or half a decade) around it.
      const centre = (lo + hi) / 2;
      const half = log ? 0.5 : centre !== 0 ? Math.abs(centre) * 0.1 : 1;
      lo = centre - half;
      hi = centre + half;
    } else {
      const pad = (hi - lo) * padFraction;
      lo -= pad;
      hi += pad;
    }
  }
  let ticks: Tick[];
  let minor: number[] = [];
  if (log) {
    const logged = logTicks(10 ** lo, 10 ** hi);
    ticks = logged.major;
    minor = logged.minor;
  } else {
    ticks = linearTicks(lo, hi, tickTarget);
  }
  return { log, lo, hi, toUnit: (v) => (transform(v) - lo) / (hi - lo), ticks, minor };
}

function dashArray(dash: PreparedTrace['dash'], width: number): string {
  if (dash === 'dash') return ` stroke-dasharray="${4 * width} ${2.5 * width}"`;
  if (dash === 'dot') return ` stroke-dasharray="${width} ${1.5 * width}"`;
  return '';
}

function checkSize(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new Error(`linePlot: layout.${name} must be an integer ≥ ${min} px, got ${value}`);
}

/** The plot as an SVG document (what linePlot renders; exported for tests and for SVG output). */
export function linePlotSvg(traces: Trace[], layout: PlotLayout = {}): string {
  const width = layout.width ?? 720;
  const height = layout.height ?? 420;
  checkSize('width', width, 200);
  checkSize('height', height, 150);
  const prepared = prepareTraces(traces, layout);
  const points = prepared.flatMap((t) => t.runs.flat());
  if (points.length === 0) throw new Error('linePlot: no finite (x, y) point in any trace, nothing to draw');
  const showLegend = layout.showlegend ?? traces.length > 1;
  const anyMarkers = prepared.some((t) => t.mode !== 'lines');

  // Margins depend on tick label widths, which depend on the ranges; the y scale's tick count only
  // needs a rough plot height, so build it once with the full height.
  const titleBand = layout.title ? 36 : PAD;
  const xTitleBand = layout.xaxis?.title ? AXIS_TITLE_FONT + 10 : 0;
  const bottom = TICK_LENGTH + 4 + TICK_FONT + xTitleBand + PAD;
  const yScale = makeScale('y', layout.yaxis, points.map((p) => p.y), 0.05, Math.max(3, (height - titleBand - bottom) / 55));
  const yLabelWidth = Math.max(...yScale.ticks.map((t) => textWidth(t.label, TICK_FONT)));
  const left = PAD + (layout.yaxis?.title ? AXIS_TITLE_FONT + 10 : 0) + Math.ceil(yLabelWidth) + TICK_LENGTH + 4;
  const legendWidth = showLegend
    ? 16 + LEGEND_SAMPLE + 6 + Math.ceil(Math.max(...prepared.map((t) => textWidth(t.label, LEGEND_FONT))))
    : 0;
  const right = showLegend ? legendWidth + 2 * PAD : PAD + 8;
  const plotX = left;
  const plotY = titleBand;
  const plotWidth = width - left - right;
  const plotHeight = height - titleBand - bottom;
  if (plotWidth < 60 || plotHeight < 40) {
    throw new Error(`linePlot: a ${width}×${height} figure leaves only ${plotWidth}×${plotHeight} px for the plot; make it larger or shorten the legend names`);
  }
  const xScale = makeScale('x', layout.xaxis, points.map((p) => p.x), anyMarkers ? 0.03 : 0, Math.max(3, plotWidth / 90));
  const px = (v: number) => plotX + xScale.toUnit(v) * plotWidth;
  const py = (v: number) => plotY + (1 - yScale.toUnit(v)) * plotHeight;
  const inside = (u: number) => u >= -1e-9 && u <= 1 + 1e-9;

  const svg: string[] = [];
  svg.push(`<defs><clipPath id="plot-area"><rect x="${plotX}" y="${plotY}" width="${plotWidth}" height="${plotHeight}"/></clipPath></defs>`);
  // Grid first (under the data), then data, then the frame and ticks on top.
  const grid: string[] = [];
  const minorGrid: string[] = [];
  const tickMarks: string[] = [];
  for (const v of xScale.minor.filter((v) => inside(xScale.toUnit(v)))) minorGrid.push(`M${crisp(px(v))} ${plotY}v${plotHeight}`);
  for (const v of yScale.minor.filter((v) => inside(yScale.toUnit(v)))) minorGrid.push(`M${plotX} ${crisp(py(v))}h${plotWidth}`);
  for (const tick of xScale.ticks.filter((t) => inside(xScale.toUnit(t.value)))) {
    const x = crisp(px(tick.value));
    grid.push(`M${x} ${plotY}v${plotHeight}`);
    tickMarks.push(`M${x} ${plotY + plotHeight}v${TICK_LENGTH}`);
    svg.push(svgText(tick.label, x, plotY + plotHeight + TICK_LENGTH + TICK_FONT + 3, { size: TICK_FONT, anchor: 'middle' }));
  }
  for (const tick of yScale.ticks.filter((t) => inside(yScale.toUnit(t.value)))) {
    const y = crisp(py(tick.value));
    grid.push(`M${plotX} ${y}h${plotWidth}`);
    tickMarks.push(`M${plotX} ${y}h${-TICK_LENGTH}`);
    svg.push(svgText(tick.label, plotX - TICK_LENGTH - 4, y + TICK_FONT * 0.36, { size: TICK_FONT, anchor: 'end' }));
  }
  if (minorGrid.length > 0) svg.push(`<path d="${minorGrid.join('')}" stroke="#f0f0f0" stroke-width="1" fill="none"/>`);
  svg.push(`<path d="${grid.join('')}" stroke="#dddddd" stroke-width="1" fill="none"/>`);

  svg.push('<g clip-path="url(#plot-area)">');
  for (const trace of prepared) {
    if (trace.mode !== 'markers') {
      const d = trace.runs
        .filter((run) => run.length > 1)
        .map((run) => run.map((p, i) => `${i === 0 ? 'M' : 'L'}${round2(px(p.x))} ${round2(py(p.y))}`).join(''))
        .join('');
      if (d) {
        svg.push(
          `<path d="${d}" fill="none" stroke="${escapeXml(trace.colour)}" stroke-width="${trace.lineWidth}" ` +
            `stroke-linejoin="round"${dashArray(trace.dash, trace.lineWidth)}/>`,
        );
      }
    }
    // A lone point between gaps has no line segment; draw it as a dot so it does not vanish.
    const dots = trace.runs.flatMap((run) => (trace.mode !== 'lines' || run.length === 1 ? run : []));
    const radius = trace.mode === 'lines' ? trace.lineWidth : trace.lineWidth + 1.5;
    for (const p of dots) {
      svg.push(`<circle cx="${round2(px(p.x))}" cy="${round2(py(p.y))}" r="${radius}" fill="${escapeXml(trace.colour)}"/>`);
    }
  }
  svg.push('</g>');

  svg.push(`<rect x="${plotX - 0.5}" y="${plotY - 0.5}" width="${plotWidth + 1}" height="${plotHeight + 1}" fill="none" stroke="#444" stroke-width="1"/>`);
  svg.push(`<path d="${tickMarks.join('')}" stroke="#444" stroke-width="1" fill="none"/>`);

  if (layout.title) svg.push(svgText(layout.title, width / 2, 23, { size: TITLE_FONT, anchor: 'middle', bold: true }));
  if (layout.xaxis?.title) {
    svg.push(svgText(layout.xaxis.title, plotX + plotWidth / 2, height - PAD - 2, { size: AXIS_TITLE_FONT, anchor: 'middle' }));
  }
  if (layout.yaxis?.title) {
    svg.push(svgText(layout.yaxis.title, PAD + AXIS_TITLE_FONT - 2, plotY + plotHeight / 2, { size: AXIS_TITLE_FONT, anchor: 'middle', rotate: -90 }));
  }
  if (showLegend) svg.push(legend(prepared, plotX + plotWidth + PAD, plotY, legendWidth));
  return svgDocument(width, height, svg.join(''));
}

function legend(traces: PreparedTrace[], x: number, y: number, width: number): string {
  const parts: string[] = [
    `<rect x="${x + 0.5}" y="${y + 0.5}" width="${width}" height="${traces.length * LEGEND_ROW + 10}" fill="#fff" stroke="#ccc"/>`,
  ];
  traces.forEach((trace, i) => {
    const rowY = y + 5 + i * LEGEND_ROW + LEGEND_ROW / 2;
    const sampleX = x + 8;
    if (trace.mode !== 'markers') {
      parts.push(
        `<path d="M${sampleX} ${rowY}h${LEGEND_SAMPLE}" stroke="${escapeXml(trace.colour)}" stroke-width="${trace.lineWidth}"` +
          `${dashArray(trace.dash, trace.lineWidth)}/>`,
      );
    }
    if (trace.mode !== 'lines') {
      parts.push(`<circle cx="${sampleX + LEGEND_SAMPLE / 2}" cy="${rowY}" r="${trace.lineWidth + 1.5}" fill="${escapeXml(trace.colour)}"/>`);
    }
    parts.push(svgText(trace.label, sampleX + LEGEND_SAMPLE + 6, rowY + LEGEND_FONT * 0.36, { size: LEGEND_FONT }));
  });
  return parts.join('');
}

/** Centre of a pixel, where a 1 px line stays sharp. */
function crisp(v: number): number {
  return Math.floor(v) + 0.5;
}

/** Renders plotly-style traces to PNG bytes (see Trace and PlotLayout for the options). */
export async function linePlot(traces: Trace[], layout: PlotLayout = {}): Promise<Uint8Array> {
  return svgToPng(linePlotSvg(traces, layout));
}
