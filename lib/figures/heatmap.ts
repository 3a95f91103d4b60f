// Matrix heatmaps (covariances, precisions, weights) up to 784×784 and beyond: one block of pixels
// per entry drawn straight into a raster (an SVG rect per entry would be ~95 MB at 784², measured),
// with index ticks, a colour bar and a title drawn as SVG around it.
import { Colormap, DIVERGING, SEQUENTIAL, writeColour } from './colormap';
import { composeFigure, RasterLayer, svgDocument, svgText } from './render';
import { textWidth } from './font';
import { linearTicks, linearTickValues } from './ticks';

export type MatrixValues = Float64Array | Float32Array | number[];

export interface HeatmapOptions {
  title?: string;
  /**
   * Colour range [lo, hi]; values outside are clipped to the end colours. Default: diverging
   * [−max|v|, +max|v|] (white = 0), sequential [min, max]. With a diverging map white is the middle
   * of the range, so give a symmetric range to keep white at 0.
   */
  range?: [number, number];
  /**
   * Clip the colour scale at this percentile (0 < p ≤ 100) of the entries instead of at the extremes,
   * so that a few outliers do not leave everything else white. Diverging: ±(p-th percentile of |v|);
   * sequential: [(100 − p)-th, p-th percentile of v]. Ignored when `range` is given.
   */
  clipPercentile?: number;
  /**
   * Entries the percentile is taken over (default 'off-diagonal' for square matrices): nonzero finite
   * entries only, because a sparse precision is mostly structural zeros (the 99th percentile of every
   * entry of a 4-connected 784×784 Λ is 0), and off the diagonal, because the diagonal (conditional
   * precisions) is on its own, larger scale and would set the range again; it is then shown saturated.
   */
  clipOver?: 'off-diagonal' | 'all';
  /** Blue–white–red around 0 (default), or viridis for values with no natural centre. */
  diverging?: boolean;
  xlabel?: string;
  ylabel?: string;
  /** Label of the colour bar (e.g. a unit). */
  colorbarLabel?: string;
  /** Pixels per entry; default makes the longer side about 600 px (at least 1 px per entry). */
  scale?: number;
  /** Index of the first row/column, so that a sub-matrix is labelled with its original indices. */
  firstRow?: number;
  firstCol?: number;
}

/** Target length of the longer matrix side: large enough to see a 20×20 block, small enough to read. */
const TARGET_SIDE = 600;
const TITLE_FONT = 15;
const LABEL_FONT = 13;
const TICK_FONT = 11;
const TICK_LENGTH = 4;
const BAR_WIDTH = 18;
const BAR_GAP = 20;
const MIN_BAR_HEIGHT = 160;
const PAD = 10;

export interface HeatmapLayout {
  width: number;
  height: number;
  /** Pixels per matrix entry. */
  scale: number;
  /** Top-left pixel of entry (0, 0). */
  matrixX: number;
  matrixY: number;
  /** Colour bar raster: top = hi, bottom = lo. */
  barX: number;
  barY: number;
  barHeight: number;
  range: [number, number];
  /** Finite entries outside the range (shown in the end colours), counted for the note under the figure. */
  clipped: number;
}

function checkShape(values: MatrixValues, rows: number, cols: number): void {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    throw new Error(`heatmap: rows and cols must be positive integers, got ${rows}×${cols}`);
  }
  if (values.length !== rows * cols) {
    throw new Error(`heatmap: ${values.length} values given for a ${rows}×${cols} matrix, expected ${rows * cols}`);
  }
}

/** The colour range the heatmap uses for these values and options. */
export function heatmapRange(values: MatrixValues, opts: HeatmapOptions = {}, rows = 0, cols = 0): [number, number] {
  if (opts.range) {
    const [lo, hi] = opts.range;
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) {
      throw new Error(`heatmap: range must be finite [lo, hi] with lo < hi, got [${lo}, ${hi}]`);
    }
    return [lo, hi];
  }
  if (opts.clipPercentile !== undefined) {
    return percentileRange(values, opts.clipPercentile, opts.diverging ?? true, rows, cols, opts.clipOver ?? 'off-diagonal');
  }
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min > max) return [-1, 1]; // nothing finite: any range shows it all grey
  if (opts.diverging ?? true) {
    const extent = Math.max(Math.abs(min), Math.abs(max));
    return extent > 0 ? [-extent, extent] : [-1, 1];
  }
  return min < max ? [min, max] : [min - 1, max + 1];
}

/** The p-th percentile (linear interpolation between order statistics) of sorted values. */
function percentileOfSorted(sorted: Float64Array, p: number): number {
  const position = (p / 100) * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
}

/**
 * Colour range clipped at the p-th percentile (see HeatmapOptions.clipPercentile and clipOver):
 * symmetric ±percentile of |v| for a diverging map, [100 − p, p] percentiles for a sequential one.
 * `rows`/`cols` (0 when unknown) identify the diagonal of a square matrix.
 */
export function percentileRange(
  values: MatrixValues,
  p: number,
  diverging: boolean,
  rows = 0,
  cols = 0,
  over: 'off-diagonal' | 'all' = 'off-diagonal',
): [number, number] {
  if (!(Number.isFinite(p) && p > 0 && p <= 100)) throw new Error(`heatmap: clipPercentile must be in (0, 100], got ${p}`);
  if (over !== 'off-diagonal' && over !== 'all') {
    throw new Error(`heatmap: clipOver must be 'off-diagonal' or 'all', got ${JSON.stringify(over)}`);
  }
  const skipDiagonal = over === 'off-diagonal' && rows === cols && rows > 1;
  const kept: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v) || v === 0) continue;
    if (skipDiagonal && Math.floor(i / cols) === i % cols) continue;
    kept.push(diverging ? Math.abs(v) : v);
  }
  if (kept.length === 0) return diverging ? [-1, 1] : [-1, 1]; // nothing to scale by: all white/zero
  const sorted = Float64Array.from(kept).sort();
  if (diverging) {
    const extent = percentileOfSorted(sorted, p);
    return extent > 0 ? [-extent, extent] : [-1, 1];
  }
  const lo = percentileOfSorted(sorted, 100 - p);
  const hi = percentileOfSorted(sorted, p);
  return lo < hi ? [lo, hi] : [lo - 1, hi + 1];
}

function countOutside(values: MatrixValues, [lo, hi]: [number, number]): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (values[i] < lo || values[i] > hi) count++;
  return count;
}

interface AxisTick {
  position: number; // px from the matrix's edge to the centre of the labelled row/column
  label: string;
}

function indexTicks(count: number, first: number, scale: number): AxisTick[] {
  const values = count === 1 ? [first] : linearTickValues(first, first + count - 1, 5, 1);
  return values.map((index) => ({ position: (index - first + 0.5) * scale, label: String(index) }));
}

function countNonFinite(values: MatrixValues): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) count++;
  return count;
}

/** Where heatmap (given the same arguments) draws the matrix and colour bar, and its colour range. */
export function heatmapLayout(values: MatrixValues, rows: number, cols: number, opts: HeatmapOptions = {}): HeatmapLayout {
  checkShape(values, rows, cols);
  const scale = opts.scale ?? Math.max(1, Math.floor(TARGET_SIDE / Math.max(rows, cols)));
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`heatmap: scale must be a positive integer, got ${scale}`);
  const range = heatmapRange(values, opts, rows, cols);
  const clipped = countOutside(values, range);
  const notes = (countNonFinite(values) > 0 ? 1 : 0) + (clipped > 0 ? 1 : 0);
  const rowTicks = indexTicks(rows, opts.firstRow ?? 0, scale);
  const barTicks = linearTicks(range[0], range[1], 6);
  const rowLabelWidth = Math.max(...rowTicks.map((t) => textWidth(t.label, TICK_FONT)));
  const barLabelWidth = Math.max(...barTicks.map((t) => textWidth(t.label, TICK_FONT)));
  const matrixWidth = cols * scale;
  const matrixHeight = rows * scale;
  const barHeight = Math.max(matrixHeight, MIN_BAR_HEIGHT);

  const matrixX = PAD + (opts.ylabel ? LABEL_FONT + 8 : 0) + Math.ceil(rowLabelWidth) + TICK_LENGTH + 4;
  const matrixY = opts.title ? 36 : PAD + 6;
  const barX = matrixX + matrixWidth + BAR_GAP;
  const right = barX + BAR_WIDTH + TICK_LENGTH + 4 + Math.ceil(barLabelWidth) + (opts.colorbarLabel ? LABEL_FONT + 10 : 0) + PAD;
  const bottomOfPlot = matrixY + Math.max(matrixHeight, barHeight);
  const bottom = bottomOfPlot + TICK_LENGTH + TICK_FONT + 6 + (opts.xlabel ? LABEL_FONT + 10 : 0) + PAD;
  const titleWidth = opts.title ? textWidth(opts.title, TITLE_FONT, 'bold') + 2 * PAD : 0;
  return {
    width: Math.ceil(Math.max(right, titleWidth)),
    height: bottom + notes * (TICK_FONT + 6),
    scale,
    matrixX,
    matrixY,
    barX,
    barY: matrixY,
    barHeight,
    range,
    clipped,
  };
}

/** RGBA pixels of the matrix, `scale` px per entry, coloured by `map` over `range`. */
export function matrixRaster(values: MatrixValues, rows: number, cols: number, scale: number, range: [number, number], map: Colormap): Uint8Array {
  const width = cols * scale;
  const rgba = new Uint8Array(4 * width * rows * scale);
  const [lo, hi] = range;
  for (let r = 0; r < rows; r++) {
    const rowStart = r * scale * width;
    for (let c = 0; c < cols; c++) writeColour(rgba, 4 * (rowStart + c * scale), values[r * cols + c], lo, hi, map);
    if (scale === 1) continue;
    // Widen each colour to `scale` pixels within the first pixel row, then repeat that row.
    for (let c = cols - 1; c >= 0; c--) {
      const source = 4 * (rowStart + c * scale);
      for (let dx = 1; dx < scale; dx++) rgba.copyWithin(source + 4 * dx, source, source + 4);
    }
    for (let dy = 1; dy < scale; dy++) rgba.copyWithin(4 * (rowStart + dy * width), 4 * rowStart, 4 * (rowStart + width));
  }
  return rgba;
}

export function colourBarRaster(height: number, range: [number, number], map: Colormap, barWidth = BAR_WIDTH): Uint8Array {
  const rgba = new Uint8Array(4 * barWidth * height);
  const [lo, hi] = range;
  for (let y = 0; y < height; y++) {
    const value = hi - ((y + 0.5) / height) * (hi - lo);
    for (let x = 0; x < barWidth; x++) writeColour(rgba, 4 * (y * barWidth + x), value, lo, hi, map);
  }
  return rgba;
}

/** Centre of a pixel, where a 1 px line stays sharp instead of smearing over two pixels. */
function crisp(v: number): number {
  return Math.min(Math.floor(v), Math.ceil(v) - 1) + 0.5;
}

/** A frame drawn just outside a raster, so it never covers data pixels. */
function frame(x: number, y: number, width: number, height: number): string {
  return `<rect x="${x - 0.5}" y="${y - 0.5}" width="${width + 1}" height="${height + 1}" fill="none" stroke="#444" stroke-width="1"/>`;
}

/**
 * Heatmap of a rows×cols matrix given row-major. Diverging blue–white–red centred at 0 by default;
 * NaN/±Inf entries are grey and counted in a note under the figure.
 */
export async function heatmap(values: MatrixValues, rows: number, cols: number, opts: HeatmapOptions = {}): Promise<Uint8Array> {
  const layout = heatmapLayout(values, rows, cols, opts);
  const map = (opts.diverging ?? true) ? DIVERGING : SEQUENTIAL;
  const { scale, matrixX, matrixY, barX, barY, barHeight, range } = layout;
  const matrixWidth = cols * scale;
  const matrixHeight = rows * scale;
  const svg: string[] = [frame(matrixX, matrixY, matrixWidth, matrixHeight), frame(barX, barY, BAR_WIDTH, barHeight)];
  const tickPath: string[] = [];

  if (opts.title) svg.push(svgText(opts.title, layout.width / 2, 22, { size: TITLE_FONT, anchor: 'middle', bold: true }));
  for (const tick of indexTicks(rows, opts.firstRow ?? 0, scale)) {
    const y = crisp(matrixY + tick.position);
    tickPath.push(`M${matrixX - 1} ${y}h${-TICK_LENGTH}`);
    svg.push(svgText(tick.label, matrixX - TICK_LENGTH - 4, y + TICK_FONT * 0.36, { size: TICK_FONT, anchor: 'end' }));
  }
  const tickLabelY = matrixY + matrixHeight + TICK_LENGTH + TICK_FONT + 2;
  for (const tick of indexTicks(cols, opts.firstCol ?? 0, scale)) {
    const x = crisp(matrixX + tick.position);
    tickPath.push(`M${x} ${matrixY + matrixHeight + 1}v${TICK_LENGTH}`);
    svg.push(svgText(tick.label, x, tickLabelY, { size: TICK_FONT, anchor: 'middle' }));
  }
  const [lo, hi] = range;
  for (const tick of linearTicks(lo, hi, 6)) {
    const y = crisp(barY + ((hi - tick.value) / (hi - lo)) * barHeight);
    tickPath.push(`M${barX + BAR_WIDTH + 1} ${y}h${TICK_LENGTH}`);
    svg.push(svgText(tick.label, barX + BAR_WIDTH + TICK_LENGTH + 4, y + TICK_FONT * 0.36, { size: TICK_FONT }));
  }
  svg.push(`<path d="${tickPath.join('')}" stroke="#444" stroke-width="1" fill="none"/>`);

  if (opts.xlabel) {
    svg.push(svgText(opts.xlabel, matrixX + matrixWidth / 2, tickLabelY + LABEL_FONT + 8, { size: LABEL_FONT, anchor: 'middle' }));
  }
  if (opts.ylabel) {
    svg.push(svgText(opts.ylabel, PAD + LABEL_FONT, matrixY + matrixHeight / 2, { size: LABEL_FONT, anchor: 'middle', rotate: -90 }));
  }
  if (opts.colorbarLabel) {
    svg.push(svgText(opts.colorbarLabel, layout.width - PAD - 3, barY + barHeight / 2, { size: LABEL_FONT, anchor: 'middle', rotate: -90 }));
  }
  const nonFinite = countNonFinite(values);
  let noteY = layout.height - PAD;
  if (nonFinite > 0) {
    const note = `${nonFinite} non-finite ${nonFinite === 1 ? 'entry' : 'entries'} (NaN/Inf) shown grey`;
    svg.push(svgText(note, PAD, noteY, { size: TICK_FONT, fill: '#b00' }));
    noteY -= TICK_FONT + 6;
  }
  if (layout.clipped > 0) {
    const square = rows === cols && rows > 1 && (opts.clipOver ?? 'off-diagonal') === 'off-diagonal';
    const bar = (opts.diverging ?? true) ? '|' : '';
    const over = `${bar}${square ? 'off-diagonal ' : ''}nonzero entries${bar}`;
    const basis = opts.range ? 'the given range' : `the ${opts.clipPercentile}th percentile of ${over}`;
    const entries = `${layout.clipped} ${layout.clipped === 1 ? 'entry' : 'entries'}`;
    const note = `colour scale clipped at ${basis}: ${entries} beyond it in the end colours`;
    svg.push(svgText(note, PAD, noteY, { size: TICK_FONT, fill: '#444' }));
  }

  const layers: RasterLayer[] = [
    { x: matrixX, y: matrixY, width: matrixWidth, height: matrixHeight, rgba: matrixRaster(values, rows, cols, scale, range, map) },
    { x: barX, y: barY, width: BAR_WIDTH, height: barHeight, rgba: colourBarRaster(barHeight, range, map) },
  ];
  return composeFigure(svgDocument(layout.width, layout.height, svg.join('')), layers);
}

/** The nr×nc block of a row-major rows×cols matrix starting at (r0, c0), for zoomed-in heatmaps. */
export function subMatrix(values: MatrixValues, rows: number, cols: number, r0: number, c0: number, nr: number, nc: number): Float64Array {
  if (values.length !== rows * cols) {
    throw new Error(`subMatrix: ${values.length} values given for a ${rows}×${cols} matrix, expected ${rows * cols}`);
  }
  const inside = [r0, c0, nr, nc].every(Number.isInteger) && r0 >= 0 && c0 >= 0 && nr >= 1 && nc >= 1 && r0 + nr <= rows && c0 + nc <= cols;
  if (!inside) {
    throw new Error(`subMatrix: block of ${nr}×${nc} at (${r0}, ${c0}) does not lie inside the ${rows}×${cols} matrix`);
  }
  const block = new Float64Array(nr * nc);
  for (let r = 0; r < nr; r++) {
    for (let c = 0; c < nc; c++) block[r * nc + c] = values[(r0 + r) * cols + c0 + c];
  }
  return block;
}
