// A filter bank judged by its Gabor fits (./gabor-fit), shaped for the results JSON: how much of the
// bank the Gabors explain (R²), how many filters are Gabor-like and why the others are not, and, over the
// Gabor-like ones, an orientation histogram in four bins (0/45/90/135 ± 22.5°) with the largest bin's
// share (one orientation dominating means a texture, not a bank), and frequency and size quantiles.
// Plain numbers and arrays; null where a quantity is undefined (no Gabor-like filter), never NaN.
import { GABOR_FAILURES, GABOR_LIKE_MIN_R2, GaborFailure, GaborFit, GaborParams } from './fit';

/** Orientation bins of the summary (centres, degrees; each bin is ±22.5°). */
export const ORIENTATION_BINS_DEG = [0, 45, 90, 135];

/** Linear-interpolation quantiles (the usual "type 7") of a sample. */
export interface Quantiles {
  q10: number;
  q25: number;
  q50: number;
  q75: number;
  q90: number;
}

export interface GaborBankSummary {
  filters: number;
  /** Median R² over all filters (a flat filter counts as 0: nothing of it is explained). */
  median_r2: number;
  r2_quantiles: Quantiles;
  /** Filters with R² ≥ 0.5, failures or not. */
  r2_at_least_half: number;
  /** Filters with R² ≥ 0.5 and no failure. */
  gabor_like: number;
  /** How many fits have each failure (a fit can have several). */
  failures: Record<GaborFailure, number>;
  /** Bin centres (degrees); bin k holds orientations in [centre − 22.5, centre + 22.5) modulo 180. */
  orientation_bins_deg: number[];
  /** Gabor-like filters per orientation bin. */
  orientation_counts: number[];
  /** Largest bin's share of the Gabor-like filters (null when there are none). */
  largest_orientation_share: number | null;
  /** Over the Gabor-like filters (null when there are none): frequency in cycles/px. */
  frequency_quantiles: Quantiles | null;
  /** Over the Gabor-like filters: envelope size √(σx·σy) in px. */
  width_quantiles: Quantiles | null;
}

export function quantiles(sample: number[]): Quantiles {
  if (sample.length === 0) throw new Error('quantiles: empty sample');
  const sorted = [...sample].sort((a, b) => a - b);
  const at = (q: number): number => {
    const position = q * (sorted.length - 1);
    const lo = Math.floor(position);
    const hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (position - lo) * (sorted[hi] - sorted[lo]);
  };
  return { q10: at(0.1), q25: at(0.25), q50: at(0.5), q75: at(0.75), q90: at(0.9) };
}

/** Index of the orientation bin (0..3) of an orientation in degrees. */
export function orientationBin(orientationDeg: number): number {
  return ((Math.round(orientationDeg / 45) % 4) + 4) % 4;
}

export function summariseGaborBank(fits: GaborFit[]): GaborBankSummary {
  if (!Array.isArray(fits) || fits.length === 0) throw new Error('summariseGaborBank: no fits given, expected at least one');
  const r2 = fits.map((fit) => fit.r2);
  const like = fits.filter((fit) => fit.gabor_like && fit.params !== null).map((fit) => fit.params as GaborParams);
  const failures = Object.fromEntries(GABOR_FAILURES.map((name) => [name, 0])) as Record<GaborFailure, number>;
  for (const fit of fits) for (const failure of fit.failures) failures[failure]++;
  const counts = ORIENTATION_BINS_DEG.map(() => 0);
  for (const params of like) counts[orientationBin(params.orientation_deg)]++;
  const r2Quantiles = quantiles(r2);
  return {
    filters: fits.length,
    median_r2: r2Quantiles.q50,
    r2_quantiles: r2Quantiles,
    r2_at_least_half: r2.filter((v) => v >= GABOR_LIKE_MIN_R2).length,
    gabor_like: like.length,
    failures,
    orientation_bins_deg: [...ORIENTATION_BINS_DEG],
    orientation_counts: counts,
    largest_orientation_share: like.length > 0 ? Math.max(...counts) / like.length : null,
    frequency_quantiles: like.length > 0 ? quantiles(like.map((p) => p.frequency)) : null,
    width_quantiles: like.length > 0 ? quantiles(like.map((p) => Math.sqrt(p.width_across * p.width_along))) : null,
  };
}
