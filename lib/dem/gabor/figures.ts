// Figures of a filter bank's Gabor fits (./fit), drawn with the project's figure helpers:
// each filter beside its fitted Gabor, best R² first; the R² of every filter in rank order; and, for the
// fitted filters, orientation against frequency and the envelope centres in the patch (scatter plots
// are line plots in 'markers' mode).
import { imageGrid, linePlot, Trace } from '../../figures/index';
import { GABOR_LIKE_MIN_R2, GABOR_SIDE, GaborFit, gaborImage } from './fit';

/** Grey range of the pair tiles: −1 black, 1 white (see gaborFitPairs). */
const PAIR_RANGE: [number, number] = [-1, 1];
const GABOR_LIKE_COLOUR = '#0072B2';
const OTHER_COLOUR = '#999999';

export interface GaborPairs {
  /** 2·J images: filter order[k] at 2k, its fitted Gabor at 2k + 1. */
  images: Float64Array[];
  captions: string[];
  /** Filter indices, best R² first (ties keep the bank's order). */
  order: number[];
}

function checkBank(fn: string, filters: ArrayLike<number>[], fits: GaborFit[], side: number): void {
  if (filters.length !== fits.length || filters.length === 0) {
    throw new Error(`${fn}: ${filters.length} filters and ${fits.length} fits; expected the same, non-zero number`);
  }
  filters.forEach((filter, j) => {
    if (filter.length !== side * side) throw new Error(`${fn}: filter ${j} has ${filter.length} values, expected ${side}×${side}`);
  });
}

/** Splits a flat [J, side²] bank into filters (an array of filters is returned as it is). */
function asFilters(filters: Float32Array | Float64Array | ArrayLike<number>[], side: number): ArrayLike<number>[] {
  if (Array.isArray(filters)) return filters;
  const n = side * side;
  return Array.from({ length: Math.floor(filters.length / n) }, (_, j) => filters.subarray(j * n, (j + 1) * n));
}

/**
 * The tiles of the pair grid. Both images of a pair go through the same linear map, which sends the
 * filter's own [min, max] to [−1, 1]: the filter is shown with its own contrast (as the notebook's
 * filter figures do) and the fit at exactly the same grey levels, so a difference in brightness is a
 * difference in value (fit values beyond the filter's range are clipped). A flat filter's tiles are mid grey.
 */
export function gaborFitPairs(filters: Float32Array | Float64Array | ArrayLike<number>[], fits: GaborFit[], side = GABOR_SIDE): GaborPairs {
  const list = asFilters(filters, side);
  checkBank('gaborFitPairs', list, fits, side);
  const order = fits.map((_, j) => j).sort((a, b) => fits[b].r2 - fits[a].r2 || a - b);
  const images: Float64Array[] = [];
  const captions: string[] = [];
  for (const j of order) {
    const filter = Float64Array.from(list[j]);
    const fit = fits[j];
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of filter) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    // A flat filter (no parameters) is shown mid grey, filter and fit alike.
    const toTile = (v: number) => (fit.params && hi > lo ? (2 * (v - lo)) / (hi - lo) - 1 : 0);
    const fitted = fit.params ? gaborImage(fit.params, side) : filter;
    images.push(filter.map(toTile), fitted.map(toTile));
    captions.push(`#${j} R² ${fit.r2.toFixed(2)}`, fit.gabor_like ? 'Gabor-like' : fit.failures.join(', ') || `R² < ${GABOR_LIKE_MIN_R2}`);
  }
  return { images, captions, order };
}

export interface GaborFigureOptions {
  title?: string;
  /** Patch side (default 28). */
  side?: number;
}

/** Each filter beside its fitted Gabor, best R² first, `pairsPerRow` pairs per row (default 8). */
export function gaborFitGrid(
  filters: Float32Array | Float64Array | ArrayLike<number>[],
  fits: GaborFit[],
  options: GaborFigureOptions & { pairsPerRow?: number; scale?: number } = {},
): Promise<Uint8Array> {
  const side = options.side ?? GABOR_SIDE;
  const { images, captions } = gaborFitPairs(filters, fits, side);
  return imageGrid(images, {
    height: side,
    width: side,
    cols: 2 * (options.pairsPerRow ?? 8),
    scale: options.scale ?? 2,
    contrast: PAIR_RANGE,
    captions,
    title: options.title,
  });
}

/** R² of every filter in rank order, Gabor-like ones marked, with the 0.5 threshold dashed. */
export function gaborR2Plot(fits: GaborFit[], options: GaborFigureOptions = {}): Promise<Uint8Array> {
  if (fits.length === 0) throw new Error('gaborR2Plot: no fits given');
  const ranked = fits.map((fit) => fit).sort((a, b) => b.r2 - a.r2);
  const rank = ranked.map((_, k) => k + 1);
  const pick = (like: boolean) => ({
    x: rank.filter((_, k) => ranked[k].gabor_like === like),
    y: ranked.filter((fit) => fit.gabor_like === like).map((fit) => fit.r2),
  });
  const traces: Trace[] = [
    { ...pick(true), name: 'Gabor-like', mode: 'markers', line: { color: GABOR_LIKE_COLOUR } },
    { ...pick(false), name: 'not Gabor-like', mode: 'markers', line: { color: OTHER_COLOUR } },
    {
      x: [1, fits.length],
      y: [GABOR_LIKE_MIN_R2, GABOR_LIKE_MIN_R2],
      name: `R² = ${GABOR_LIKE_MIN_R2}`,
      mode: 'lines',
      line: { dash: 'dash', color: '#444444', width: 1 },
    },
  ];
  return linePlot(
    traces.filter((t) => t.y.length > 0),
    {
      title: options.title,
      xaxis: { title: 'filter rank (best fit first)' },
      yaxis: { title: 'Gabor fit R²' },
      width: 520,
      height: 320,
    },
  );
}

/** Two marker traces over the fitted (non-flat) filters: Gabor-like and the rest. */
function fittedTraces(fits: GaborFit[], point: (fit: GaborFit) => [number, number]): Trace[] {
  const traces: Trace[] = [];
  for (const like of [true, false]) {
    const points = fits.filter((fit) => fit.params !== null && fit.gabor_like === like).map(point);
    if (points.length === 0) continue;
    traces.push({
      x: points.map((p) => p[0]),
      y: points.map((p) => p[1]),
      name: like ? 'Gabor-like' : 'not Gabor-like',
      mode: 'markers',
      line: { color: like ? GABOR_LIKE_COLOUR : OTHER_COLOUR },
    });
  }
  if (traces.length === 0) throw new Error('no fitted (non-flat) filter to plot');
  return traces;
}

/** Orientation (θ of the wave vector, degrees) against spatial frequency (cycles/px) of each fit. */
export function gaborOrientationFrequencyPlot(fits: GaborFit[], options: GaborFigureOptions = {}): Promise<Uint8Array> {
  const traces = fittedTraces(fits, (fit) => [fit.params!.orientation_deg, fit.params!.frequency]);
  return linePlot(traces, {
    title: options.title,
    xaxis: { title: 'orientation θ (°; 0 = vertical stripes, 90 = horizontal)', range: [-5, 185] },
    yaxis: { title: 'frequency (cycles/px)', range: [0, 0.75] },
    width: 520,
    height: 320,
  });
}

/**
 * Envelope centres in the patch, drawn as the patch is shown (row 0 at the top: the plot's y is the
 * height above the bottom row, side − 1 − y0). Centres outside the patch fall outside the frame.
 */
export function gaborCentrePlot(fits: GaborFit[], options: GaborFigureOptions = {}): Promise<Uint8Array> {
  const side = options.side ?? GABOR_SIDE;
  const traces = fittedTraces(fits, (fit) => [fit.params!.x0, side - 1 - fit.params!.y0]);
  return linePlot(traces, {
    title: options.title,
    xaxis: { title: 'centre column x0 (px)', range: [-0.5, side - 0.5] },
    yaxis: { title: 'centre height above the bottom row (px)', range: [-0.5, side - 0.5] },
    width: 470,
    height: 400,
  });
}
