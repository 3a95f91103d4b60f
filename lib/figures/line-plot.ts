// Line plots (loss curves, sweeps, error against sample size) from plotly-style traces, drawn as SVG
// here and rendered to PNG by resvg: no browser, no server, same pixels on every machine.
//
// Readability rules the layout enforces rather than leaves to callers: markers never sit on the frame
// (ranges are padded by at least a marker plus a few px), log axes label as many 1-2-5… values as fit,
// reference lines are always inside the y range, and the legend goes where it hides nothing — inside
// an empty corner of the plot, else at the right when it is narrow, else below the plot.
import { textWidth } from './font';
import { Dash, dashArray, MARKER_SYMBOLS, MarkerSymbol, markerSvg } from './markers';
import { Box, boxesMeet, columnLegend, legendEntries, legendRows, LEGEND_ROW, rowLegend, segmentMeetsBox } from './plot-legend';
import { escapeXml, round2, svgDocument, svgText, svgToPng } from './render';
import { describeSmoothing, smoothSeries, Smoothing } from './smoothing';
import { formatTicks, linearTickValues, logTicks, Tick } from './ticks';

export type TraceMode = 'lines' | 'markers' | 'lines+markers';
export type { Dash, MarkerSymbol } from './markers';
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
  line?: { dash?: Dash; color?: string; width?: number };
  /** Marker shape (default 'circle'), diameter in px (default 8) and colour (default the line colour). */
  marker?: { symbol?: MarkerSymbol; size?: number; color?: string };
  /** false keeps the trace out of the legend (as in plotly). */
  showlegend?: boolean;
  /** Draw the raw curve faint and thin, and this smoothing of it over it in full colour. */
  smooth?: Smoothing;
}

export interface Axis {
  title?: string;
  type?: 'linear' | 'log';
  /** Visible range; as in plotly, a log axis takes it in log10 units ([-3, 0] shows 0.001 … 1). */
  range?: [number, number];
  /** Linear axes: the least step between ticks (1 for counts such as epochs, so no tick falls at 0.5). */
  minTickStep?: number;
}

/** A labelled horizontal line (a chance level, an optimum); the automatic y range always includes it. */
export interface ReferenceLine {
  y: number;
  label: string;
  color?: string;
  dash?: Dash;
}

export type LegendPosition = 'auto' | 'inside' | 'right' | 'below';

export interface PlotLayout {
  title?: string;
  xaxis?: Axis;
  yaxis?: Axis;
  /** Pixels (default 720 × 420). */
  width?: number;
  height?: number;
  /** Default: shown when more than one trace has a legend entry. */
  showlegend?: boolean;
  /** Default 'auto': inside an empty corner, else right when at most a fifth of the width, else below. */
  legend?: { position?: LegendPosition };
  references?: ReferenceLine[];
}

// Okabe–Ito palette: distinguishable with the common colour-vision deficiencies; yellow last
// because it is faint on white.
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];

// Sizes chosen to read when the report shows the figure at its natural width (at most 980 px).
const TITLE_FONT = 16;
const AXIS_TITLE_FONT = 14;
const TICK_FONT = 12;
const REFERENCE_FONT = 12;
const TICK_LENGTH = 5;
const PAD = 12;
const PLOTLY_MARKER_THRESHOLD = 20;
const DEFAULT_MARKER_SIZE = 8;
const RIGHT_LEGEND_MAX_SHARE = 0.2;
const RAW_OPACITY = 0.3; // the raw curve under a smoothed one
const REFERENCE_COLOUR = '#555555';

interface Point {
  x: number;
  y: number;
}

interface PreparedTrace {
  label: string;
  colour: string;
  mode: TraceMode;
  dash: Dash;
  lineWidth: number;
  opacity: number;
  symbol: MarkerSymbol;
  markerSize: number;
  markerColour: string;
  inLegend: boolean;
  /** Runs of consecutive finite points; a non-finite point ends a run (a gap in the line). */
  runs: Point[][];
}

function traceLabel(trace: Trace, index: number): string {
  return trace.name !== undefined ? `trace "${trace.name}" (#${index})` : `trace #${index}`;
}

function runsOf(xs: ArrayLike<number> | undefined, ys: ArrayLike<number>): Point[][] {
  const runs: Point[][] = [];
  let run: Point[] = [];
  for (let i = 0; i < ys.length; i++) {
    const x = xs ? xs[i] : i;
    const y = ys[i];
    if (Number.isFinite(x) && Number.isFinite(y)) run.push({ x, y });
    else if (run.length > 0) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/** Prepared traces in drawing order: every faint raw curve first, so no smoothed curve hides under one. */
function prepareTraces(traces: Trace[], layout: PlotLayout): PreparedTrace[] {
  if (!Array.isArray(traces) || traces.length === 0) throw new Error('linePlot: no traces given, expected at least one');
  const logX = layout.xaxis?.type === 'log';
  const logY = layout.yaxis?.type === 'log';
  const raw: PreparedTrace[] = [];
  const main: PreparedTrace[] = [];
  traces.forEach((trace, index) => {
    const label = trace ? traceLabel(trace, index) : `trace #${index}`;
    if (!trace || trace.y == null || typeof trace.y.length !== 'number') throw new Error(`linePlot: ${label} has no y array`);
    const n = trace.y.length;
    if (trace.x != null && trace.x.length !== n) {
      throw new Error(`linePlot: ${label} has x of length ${trace.x.length} but y of length ${n}; they must match`);
    }
    for (let i = 0; i < n; i++) {
      const x = trace.x ? trace.x[i] : i;
      const y = trace.y[i];
      if (logX && Number.isFinite(x) && x <= 0) throw new Error(`linePlot: the x axis is logarithmic, but ${label} has x[${i}] = ${x} (must be > 0)`);
      if (logY && Number.isFinite(y) && y <= 0) throw new Error(`linePlot: the y axis is logarithmic, but ${label} has y[${i}] = ${y} (must be > 0)`);
    }
    const symbol = trace.marker?.symbol ?? 'circle';
    if (!MARKER_SYMBOLS.includes(symbol)) {
      throw new Error(`linePlot: ${label} has marker.symbol ${JSON.stringify(symbol)}, expected one of ${MARKER_SYMBOLS.join(', ')}`);
    }
    const markerSize = trace.marker?.size ?? DEFAULT_MARKER_SIZE;
    if (!(Number.isFinite(markerSize) && markerSize > 0)) {
      throw new Error(`linePlot: ${label} has marker.size ${markerSize}, expected > 0 px`);
    }
    const colour = trace.line?.color ?? PALETTE[index % PALETTE.length];
    const lineWidth = trace.line?.width ?? 2;
    const prepared: PreparedTrace = {
      label: trace.name ?? `trace ${index}`,
      colour,
      mode: trace.mode ?? (n < PLOTLY_MARKER_THRESHOLD ? 'lines+markers' : 'lines'),
      dash: trace.line?.dash ?? 'solid',
      lineWidth,
      opacity: 1,
      symbol,
      markerSize,
      markerColour: trace.marker?.color ?? colour,
      inLegend: trace.showlegend ?? true,
      runs: runsOf(trace.x, trace.y),
    };
    if (trace.smooth) {
      const smoothed = smoothSeries(trace.y, trace.smooth);
      raw.push({ ...prepared, mode: 'lines', lineWidth: Math.min(1, lineWidth), opacity: RAW_OPACITY, inLegend: false });
      main.push({ ...prepared, label: `${prepared.label} (${describeSmoothing(trace.smooth)})`, runs: runsOf(trace.x, smoothed) });
    } else {
      main.push(prepared);
    }
  });
  return [...raw, ...main];
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

interface ScaleRequest {
  name: 'x' | 'y';
  axis: Axis | undefined;
  values: number[];
  /** Padding of each end of an automatic range, px: markers keep clear of the frame. */
  padPx: number;
  /** Axis length, px. */
  length: number;
}

function makeScale({ name, axis, values, padPx, length }: ScaleRequest): Scale {
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
    } else if (padPx > 0) {
      // pad px at each end of a length-px axis: the data span takes length − 2·pad px.
      const fraction = Math.min(0.4, padPx / Math.max(1, length - 2 * padPx));
      const pad = (hi - lo) * fraction;
      lo -= pad;
      hi += pad;
    }
  }
  let ticks: Tick[];
  let minor: number[] = [];
  if (log) {
    const logged = logTicks(
      10 ** lo,
      10 ** hi,
      name === 'x' ? { length, minSpacing: 14, labelWidth: (label) => textWidth(label, TICK_FONT) } : { length, minSpacing: 2.2 * TICK_FONT },
    );
    ticks = logged.major;
    minor = logged.minor;
  } else {
    const minStep = axis?.minTickStep ?? 0;
    if (!(Number.isFinite(minStep) && minStep >= 0)) throw new Error(`linePlot: ${name}axis.minTickStep must be ≥ 0, got ${minStep}`);
    const values = linearTickValues(lo, hi, Math.max(3, length / (name === 'x' ? 90 : 55)), minStep);
    const labels = formatTicks(values);
    ticks = values.map((value, i) => ({ value, label: labels[i] }));
  }
  return { log, lo, hi, toUnit: (v) => (transform(v) - lo) / (hi - lo), ticks, minor };
}

function checkSize(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new Error(`linePlot: layout.${name} must be an integer ≥ ${min} px, got ${value}`);
}

function checkReferences(references: ReferenceLine[], layout: PlotLayout): void {
  references.forEach((ref, i) => {
    if (!ref || !Number.isFinite(ref.y)) throw new Error(`linePlot: references[${i}].y must be a finite number, got ${ref?.y}`);
    if (typeof ref.label !== 'string') throw new Error(`linePlot: references[${i}].label must be a string`);
    if (layout.yaxis?.type === 'log' && ref.y <= 0) {
      throw new Error(`linePlot: the y axis is logarithmic, but reference "${ref.label}" is at y = ${ref.y} (must be > 0)`);
    }
    const range = layout.yaxis?.range;
    if (range) {
      const t = layout.yaxis?.type === 'log' ? Math.log10(ref.y) : ref.y;
      if (t < range[0] || t > range[1]) {
        throw new Error(`linePlot: reference "${ref.label}" at y = ${ref.y} lies outside yaxis.range [${range[0]}, ${range[1]}]; widen the range`);
      }
    }
  });
}

/** Centre of a pixel, where a 1 px line stays sharp. */
function crisp(v: number): number {
  return Math.floor(v) + 0.5;
}

interface Frame {
  plotX: number;
  plotY: number;
  plotWidth: number;
  plotHeight: number;
  xScale: Scale;
  yScale: Scale;
}

/** The plot as an SVG document (what linePlot renders; exported for tests and for SVG output). */
export function linePlotSvg(traces: Trace[], layout: PlotLayout = {}): string {
  const width = layout.width ?? 720;
  const height = layout.height ?? 420;
  checkSize('width', width, 200);
  checkSize('height', height, 150);
  const position = layout.legend?.position ?? 'auto';
  if (!['auto', 'inside', 'right', 'below'].includes(position)) {
    throw new Error(`linePlot: legend.position must be 'auto', 'inside', 'right' or 'below', got ${JSON.stringify(position)}`);
  }
  const references = layout.references ?? [];
  checkReferences(references, layout);
  const prepared = prepareTraces(traces, layout);
  const points = prepared.flatMap((t) => t.runs.flat());
  if (points.length === 0) throw new Error('linePlot: no finite (x, y) point in any trace, nothing to draw');
  const entries = legendEntries(prepared);
  const showLegend = entries.length > 0 && (layout.showlegend ?? entries.length > 1);
  const markerRadius = Math.max(0, ...prepared.map((t) => (t.mode === 'lines' ? t.lineWidth : t.markerSize / 2)));
  const anyMarkers = prepared.some((t) => t.mode !== 'lines');

  const titleBand = layout.title ? 38 : PAD;
  const xTitleBand = layout.xaxis?.title ? AXIS_TITLE_FONT + 10 : 0;
  const columnWidth = 16 + Math.max(0, ...entries.map((e) => e.width));
  const columnHeight = entries.length * LEGEND_ROW + 10;
  const belowRows = legendRows(entries, width - 2 * PAD);

  // Margins depend on tick label widths, which depend on the ranges and on the room the legend takes.
  const frameFor = (legendAt: 'inside' | 'right' | 'below' | 'none'): Frame => {
    const legendBand = legendAt === 'below' ? belowRows.length * LEGEND_ROW + 8 : 0;
    const bottom = TICK_LENGTH + 4 + TICK_FONT + xTitleBand + legendBand + PAD;
    const plotHeight = height - titleBand - bottom;
    const yValues = [...points.map((p) => p.y), ...references.map((r) => r.y)];
    const yPad = Math.max(0.05 * plotHeight, markerRadius + 6);
    const yScale = makeScale({ name: 'y', axis: layout.yaxis, values: yValues, padPx: yPad, length: plotHeight });
    const yLabelWidth = Math.max(0, ...yScale.ticks.map((t) => textWidth(t.label, TICK_FONT)));
    const left = PAD + (layout.yaxis?.title ? AXIS_TITLE_FONT + 10 : 0) + Math.ceil(yLabelWidth) + TICK_LENGTH + 4;
    const right = legendAt === 'right' ? columnWidth + 2 * PAD : PAD + 10;
    const plotWidth = width - left - right;
    if (plotWidth < 60 || plotHeight < 40) {
      throw new Error(
        `linePlot: a ${width}×${height} figure leaves only ${plotWidth}×${plotHeight} px for the plot; make it larger or shorten the legend names`,
      );
    }
    const xPad = anyMarkers ? Math.max(0.03 * plotWidth, markerRadius + 6) : 0;
    const xScale = makeScale({ name: 'x', axis: layout.xaxis, values: points.map((p) => p.x), padPx: xPad, length: plotWidth });
    return { plotX: left, plotY: titleBand, plotWidth, plotHeight, xScale, yScale };
  };

  let legendAt: 'inside' | 'right' | 'below' | 'none' = showLegend ? (position === 'auto' ? 'inside' : position) : 'none';
  let frame = frameFor(legendAt);
  let insideBox: Box | undefined;
  if (legendAt === 'inside') {
    insideBox = emptyCorner(frame, prepared, references, columnWidth, columnHeight);
    if (!insideBox && position === 'auto') {
      legendAt = columnWidth + 2 * PAD <= RIGHT_LEGEND_MAX_SHARE * width ? 'right' : 'below';
      frame = frameFor(legendAt);
    } else if (!insideBox) {
      insideBox = { x: frame.plotX + frame.plotWidth - columnWidth - 6, y: frame.plotY + 6, width: columnWidth, height: columnHeight };
    }
  }
  const { plotX, plotY, plotWidth, plotHeight, xScale, yScale } = frame;
  const px = (v: number) => plotX + xScale.toUnit(v) * plotWidth;
  const py = (v: number) => plotY + (1 - yScale.toUnit(v)) * plotHeight;
  const inside = (u: number) => u >= -1e-9 && u <= 1 + 1e-9;

  const svg: string[] = [];
  svg.push(`<defs><clipPath id="plot-area"><rect x="${plotX}" y="${plotY}" width="${plotWidth}" height="${plotHeight}"/></clipPath></defs>`);
  // Grid first (under the data), then reference lines, data, the frame and ticks on top.
  const grid: string[] = [];
  const minorGrid: string[] = [];
  const tickMarks: string[] = [];
  for (const v of xScale.minor.filter((v) => inside(xScale.toUnit(v)))) {
    minorGrid.push(`M${crisp(px(v))} ${plotY}v${plotHeight}`);
    tickMarks.push(`M${crisp(px(v))} ${plotY + plotHeight}v${TICK_LENGTH - 2}`);
  }
  for (const v of yScale.minor.filter((v) => inside(yScale.toUnit(v)))) {
    minorGrid.push(`M${plotX} ${crisp(py(v))}h${plotWidth}`);
    tickMarks.push(`M${plotX} ${crisp(py(v))}h${-(TICK_LENGTH - 2)}`);
  }
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

  for (const ref of references) {
    const y = crisp(py(ref.y));
    const colour = escapeXml(ref.color ?? REFERENCE_COLOUR);
    const dash = dashArray(ref.dash ?? 'dash', 1.5);
    svg.push(`<path d="M${plotX} ${y}h${plotWidth}" stroke="${colour}" stroke-width="1.5"${dash} fill="none"/>`);
  }

  svg.push('<g clip-path="url(#plot-area)">');
  for (const trace of prepared) {
    const opacity = trace.opacity < 1 ? ` stroke-opacity="${trace.opacity}"` : '';
    if (trace.mode !== 'markers') {
      const d = trace.runs
        .filter((run) => run.length > 1)
        .map((run) => run.map((p, i) => `${i === 0 ? 'M' : 'L'}${round2(px(p.x))} ${round2(py(p.y))}`).join(''))
        .join('');
      if (d) {
        svg.push(
          `<path d="${d}" fill="none" stroke="${escapeXml(trace.colour)}" stroke-width="${trace.lineWidth}" ` +
            `stroke-linejoin="round"${opacity}${dashArray(trace.dash, trace.lineWidth)}/>`,
        );
      }
    }
    if (trace.mode === 'lines') {
      // A lone point between gaps has no line segment; draw it as a dot so it does not vanish.
      for (const run of trace.runs.filter((r) => r.length === 1)) {
        const p = run[0];
        const fill = escapeXml(trace.colour);
        svg.push(`<circle cx="${round2(px(p.x))}" cy="${round2(py(p.y))}" r="${trace.lineWidth}" fill="${fill}"${opacity}/>`);
      }
    } else {
      for (const p of trace.runs.flat()) svg.push(markerSvg(trace.symbol, px(p.x), py(p.y), trace.markerSize, trace.markerColour));
    }
  }
  svg.push('</g>');

  for (const ref of references) {
    const y = py(ref.y);
    // Above the line, unless that would leave the plot.
    const baseline = y - 5 - REFERENCE_FONT < plotY ? y + REFERENCE_FONT + 3 : y - 5;
    const fill = ref.color ?? REFERENCE_COLOUR;
    svg.push(svgText(ref.label, plotX + plotWidth - 6, baseline, { size: REFERENCE_FONT, anchor: 'end', fill, halo: true }));
  }

  svg.push(`<rect x="${plotX - 0.5}" y="${plotY - 0.5}" width="${plotWidth + 1}" height="${plotHeight + 1}" fill="none" stroke="#444" stroke-width="1"/>`);
  svg.push(`<path d="${tickMarks.join('')}" stroke="#444" stroke-width="1" fill="none"/>`);

  if (layout.title) svg.push(svgText(layout.title, width / 2, 24, { size: TITLE_FONT, anchor: 'middle', bold: true }));
  const xTitleY = plotY + plotHeight + TICK_LENGTH + 4 + TICK_FONT + AXIS_TITLE_FONT + 6;
  if (layout.xaxis?.title) {
    svg.push(svgText(layout.xaxis.title, plotX + plotWidth / 2, xTitleY, { size: AXIS_TITLE_FONT, anchor: 'middle' }));
  }
  if (layout.yaxis?.title) {
    svg.push(svgText(layout.yaxis.title, PAD + AXIS_TITLE_FONT - 2, plotY + plotHeight / 2, { size: AXIS_TITLE_FONT, anchor: 'middle', rotate: -90 }));
  }
  if (legendAt === 'right') svg.push(columnLegend(entries, plotX + plotWidth + PAD, plotY, columnWidth));
  if (legendAt === 'inside' && insideBox) svg.push(columnLegend(entries, insideBox.x, insideBox.y, columnWidth));
  if (legendAt === 'below') {
    const firstRowY = (layout.xaxis?.title ? xTitleY : plotY + plotHeight + TICK_LENGTH + 4 + TICK_FONT) + 8 + LEGEND_ROW / 2;
    svg.push(rowLegend(belowRows, width / 2, firstRowY));
  }
  return svgDocument(width, height, svg.join(''));
}

/**
 * A corner of the plot area (top-right, top-left, bottom-right, bottom-left, in that order of
 * preference) where a legend box of this size covers no curve, marker or reference label.
 */
function emptyCorner(frame: Frame, prepared: PreparedTrace[], references: ReferenceLine[], width: number, height: number): Box | undefined {
  const { plotX, plotY, plotWidth, plotHeight, xScale, yScale } = frame;
  const px = (v: number) => plotX + xScale.toUnit(v) * plotWidth;
  const py = (v: number) => plotY + (1 - yScale.toUnit(v)) * plotHeight;
  const margin = 6;
  const corners: Box[] = [
    { x: plotX + plotWidth - width - margin, y: plotY + margin, width, height },
    { x: plotX + margin, y: plotY + margin, width, height },
    { x: plotX + plotWidth - width - margin, y: plotY + plotHeight - height - margin, width, height },
    { x: plotX + margin, y: plotY + plotHeight - height - margin, width, height },
  ];
  if (width > plotWidth - 2 * margin || height > plotHeight - 2 * margin) return undefined;
  const clear = (box: Box): boolean => {
    for (const trace of prepared) {
      const grow = (trace.mode === 'lines' ? trace.lineWidth : trace.markerSize / 2) + 3;
      const grown = { x: box.x - grow, y: box.y - grow, width: box.width + 2 * grow, height: box.height + 2 * grow };
      for (const run of trace.runs) {
        const pts = run.map((p) => ({ x: px(p.x), y: py(p.y) }));
        if (pts.length === 1 || trace.mode !== 'lines') {
          if (pts.some((p) => boxesMeet({ x: p.x, y: p.y, width: 0, height: 0 }, grown))) return false;
        }
        if (trace.mode !== 'markers') {
          for (let i = 1; i < pts.length; i++) if (segmentMeetsBox(pts[i - 1], pts[i], grown)) return false;
        }
      }
    }
    for (const ref of references) {
      const y = py(ref.y);
      const labelWidth = textWidth(ref.label, REFERENCE_FONT) + 6;
      // The label sits above the line, or below it near the top: keep the box clear of both places.
      const label = { x: plotX + plotWidth - labelWidth - 6, y: y - REFERENCE_FONT - 8, width: labelWidth, height: 2 * REFERENCE_FONT + 14 };
      if (boxesMeet(label, box) || (y >= box.y - 3 && y <= box.y + box.height + 3)) return false;
    }
    return true;
  };
  return corners.find(clear);
}

/** Renders plotly-style traces to PNG bytes (see Trace and PlotLayout for the options). */
export async function linePlot(traces: Trace[], layout: PlotLayout = {}): Promise<Uint8Array> {
  return svgToPng(linePlotSvg(traces, layout));
}
