// A 784×784 precision of 28×28 images drawn as the image grid it lives on. Entry Λ(i, j) of a grid
// model couples pixel i to pixel j; for a local (4- or 8-connected) Λ the only nonzero couplings
// are to the neighbours, so the whole matrix is five side×side maps: the diagonal Λ(i, i) at pixel
// i, and for each edge direction d the coupling Λ(i, i + d) to the neighbour right, down,
// down-right and down-left (the other four directions are the same numbers, Λ being symmetric).
// A reader then sees where in the image the couplings are strong, which a 784×784 matrix with a few
// bright bands cannot show. Pixels without that neighbour (the last column for "right", …) are grey.
//
// Scales follow the heatmap's rules: the diagonal is positive for a precision, so it gets its own
// sequential scale; the four coupling maps share one diverging scale centred on 0, clipped at a
// percentile of |coupling| so a few outliers do not wash the rest out. A difference of two
// precisions (e.g. NCE − SM) is diverging in both groups.
import { DIVERGING, SEQUENTIAL } from './colormap';
import { colourBarRaster, MatrixValues, matrixRaster, percentileRange } from './heatmap';
import { textWidth } from './font';
import { composeFigure, RasterLayer, svgDocument, svgText } from './render';
import { linearTicks } from './ticks';

export const COUPLING_DIRECTIONS = ['right', 'down', 'down-right', 'down-left'] as const;
export type CouplingDirection = (typeof COUPLING_DIRECTIONS)[number];

export interface GridCouplings {
  /** Λ(i, i) at pixel i. */
  diagonal: Float64Array;
  /** Λ(i, neighbour of i in that direction) at pixel i; NaN where the neighbour is off the grid. */
  couplings: Record<CouplingDirection, Float64Array>;
}

const OFFSETS: Record<CouplingDirection, [number, number]> = {
  right: [0, 1],
  down: [1, 0],
  'down-right': [1, 1],
  'down-left': [1, -1],
};

/** The five side×side maps of a dense (side²)×(side²) row-major precision. */
export function gridCouplings(precision: MatrixValues, side: number): GridCouplings {
  if (!Number.isInteger(side) || side < 2) throw new Error(`gridCouplings: side must be an integer ≥ 2, got ${side}`);
  const D = side * side;
  if (precision.length !== D * D) {
    throw new Error(`gridCouplings: a ${side}×${side} grid needs a ${D}×${D} precision (${D * D} values), got ${precision.length} values`);
  }
  const diagonal = new Float64Array(D);
  for (let i = 0; i < D; i++) diagonal[i] = precision[i * D + i];
  const couplings = {} as Record<CouplingDirection, Float64Array>;
  for (const direction of COUPLING_DIRECTIONS) {
    const [dr, dc] = OFFSETS[direction];
    const map = new Float64Array(D).fill(Number.NaN);
    for (let r = 0; r + dr < side; r++) {
      for (let c = 0; c < side; c++) {
        if (c + dc < 0 || c + dc >= side) continue;
        map[r * side + c] = precision[(r * side + c) * D + (r + dr) * side + c + dc];
      }
    }
    couplings[direction] = map;
  }
  return { diagonal, couplings };
}

export interface PrecisionMapOptions {
  title?: string;
  /** Percentile of |value| (diverging) or of value (sequential) where each scale is clipped; default 99. */
  clipPercentile?: number;
  /** Fixed colour ranges (e.g. shared by several models), instead of the percentile rule. */
  diagonalRange?: [number, number];
  couplingRange?: [number, number];
  /** The diagonal on a diverging scale around 0 (default: only when some diagonal value is negative). */
  divergingDiagonal?: boolean;
  /** Pixels per grid cell (default 5: 140 px per 28×28 map, the figure about 880 px wide). */
  scale?: number;
}

/** Colour ranges the figure would use for each group, computed jointly over several precisions. */
export function precisionMapRanges(
  precisions: MatrixValues[],
  side: number,
  opts: { clipPercentile?: number; divergingDiagonal?: boolean } = {},
): { diagonal: [number, number]; coupling: [number, number] } {
  const maps = precisions.map((p) => gridCouplings(p, side));
  const diagonals = Float64Array.from(maps.flatMap((m) => Array.from(m.diagonal)));
  const couplings = Float64Array.from(maps.flatMap((m) => COUPLING_DIRECTIONS.flatMap((d) => Array.from(m.couplings[d]))));
  const p = opts.clipPercentile ?? 99;
  const diverging = opts.divergingDiagonal ?? diagonals.some((v) => v < 0);
  return { diagonal: percentileRange(diagonals, p, diverging, 0, 0, 'all'), coupling: percentileRange(couplings, p, true, 0, 0, 'all') };
}

const TITLE_FONT = 15;
const CAPTION_FONT = 12;
const TICK_FONT = 11;
const BAR_WIDTH = 14;
const PANEL_GAP = 10;
const GROUP_GAP = 24;
const PAD = 10;

interface Panel {
  values: Float64Array;
  caption: string;
}

/** Figure: the diagonal map with its colour bar, then the four coupling maps with theirs. */
export async function precisionMapFigure(precision: MatrixValues, side: number, opts: PrecisionMapOptions = {}): Promise<Uint8Array> {
  const scale = opts.scale ?? 5;
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`precisionMapFigure: scale must be a positive integer, got ${scale}`);
  const { diagonal, couplings } = gridCouplings(precision, side);
  const p = opts.clipPercentile ?? 99;
  const divergingDiagonal = opts.divergingDiagonal ?? diagonal.some((v) => v < 0);
  const diagonalRange = opts.diagonalRange ?? percentileRange(diagonal, p, divergingDiagonal, 0, 0, 'all');
  const couplingValues = Float64Array.from(COUPLING_DIRECTIONS.flatMap((d) => Array.from(couplings[d])));
  const couplingRange = opts.couplingRange ?? percentileRange(couplingValues, p, true, 0, 0, 'all');
  const groups = [
    {
      panels: [{ values: diagonal, caption: 'diagonal Λ(i, i)' }] as Panel[],
      range: diagonalRange,
      map: divergingDiagonal ? DIVERGING : SEQUENTIAL,
    },
    {
      panels: COUPLING_DIRECTIONS.map((d) => ({ values: couplings[d], caption: `${d} neighbour` })),
      range: couplingRange,
      map: DIVERGING,
    },
  ];
  const mapSide = side * scale;
  const top = opts.title ? 36 : PAD;
  const captionBand = CAPTION_FONT + 8;
  const panelY = top + captionBand;
  const svg: string[] = [];
  const layers: RasterLayer[] = [];
  const tickPath: string[] = [];
  let x = PAD;
  let beyond = 0;
  for (const group of groups) {
    for (const panel of group.panels) {
      const rgba = matrixRaster(panel.values, side, side, scale, group.range, group.map);
      layers.push({ x, y: panelY, width: mapSide, height: mapSide, rgba });
      svg.push(`<rect x="${x - 0.5}" y="${panelY - 0.5}" width="${mapSide + 1}" height="${mapSide + 1}" fill="none" stroke="#444"/>`);
      svg.push(svgText(panel.caption, x + mapSide / 2, panelY - 7, { size: CAPTION_FONT, anchor: 'middle' }));
      for (const v of panel.values) if (v < group.range[0] || v > group.range[1]) beyond++;
      x += mapSide + PANEL_GAP;
    }
    const barX = x - PANEL_GAP + 8;
    const barRgba = colourBarRaster(mapSide, group.range, group.map, BAR_WIDTH);
    layers.push({ x: barX, y: panelY, width: BAR_WIDTH, height: mapSide, rgba: barRgba });
    svg.push(`<rect x="${barX - 0.5}" y="${panelY - 0.5}" width="${BAR_WIDTH + 1}" height="${mapSide + 1}" fill="none" stroke="#444"/>`);
    const [lo, hi] = group.range;
    let labelWidth = 0;
    for (const tick of linearTicks(lo, hi, 4)) {
      const y = Math.floor(panelY + ((hi - tick.value) / (hi - lo)) * mapSide) + 0.5;
      tickPath.push(`M${barX + BAR_WIDTH + 1} ${y}h4`);
      svg.push(svgText(tick.label, barX + BAR_WIDTH + 7, y + TICK_FONT * 0.36, { size: TICK_FONT }));
      labelWidth = Math.max(labelWidth, textWidth(tick.label, TICK_FONT));
    }
    x = barX + BAR_WIDTH + 7 + Math.ceil(labelWidth) + GROUP_GAP;
  }
  svg.push(`<path d="${tickPath.join('')}" stroke="#444" fill="none"/>`);
  const given = opts.diagonalRange || opts.couplingRange ? ' (or the given ranges)' : '';
  const note =
    `grey: no neighbour in that direction. Colour scales clipped at the ${p}th percentile${given}` +
    (beyond > 0 ? `; ${beyond} values beyond, in the end colours.` : '.');
  const noteY = panelY + mapSide + CAPTION_FONT + 10;
  svg.push(svgText(note, PAD, noteY, { size: CAPTION_FONT, fill: '#444' }));
  const titleWidth = opts.title ? textWidth(opts.title, TITLE_FONT, 'bold') + 2 * PAD : 0;
  const width = Math.ceil(Math.max(x - GROUP_GAP + PAD, PAD * 2 + textWidth(note, CAPTION_FONT), titleWidth));
  const height = noteY + PAD;
  if (opts.title) svg.push(svgText(opts.title, width / 2, 23, { size: TITLE_FONT, anchor: 'middle', bold: true }));
  return composeFigure(svgDocument(width, height, svg.join('')), layers);
}

/** Maps of a − b (e.g. NCE − SM), every group on a diverging scale centred on 0. */
export async function precisionDifferenceFigure(a: MatrixValues, b: MatrixValues, side: number, opts: PrecisionMapOptions = {}): Promise<Uint8Array> {
  if (a.length !== b.length) throw new Error(`precisionDifferenceFigure: a has ${a.length} values but b has ${b.length}; they must match`);
  const difference = new Float64Array(a.length);
  let largest = 0;
  for (let i = 0; i < a.length; i++) {
    difference[i] = a[i] - b[i];
    if (Math.abs(difference[i]) > largest) largest = Math.abs(difference[i]);
  }
  const title = `${opts.title ?? 'difference of two precisions'} (max |difference| = ${largest.toPrecision(3)})`;
  return precisionMapFigure(difference, side, { ...opts, title, divergingDiagonal: true });
}
