// Numbers and arrays the notebook shows about a whitening: how close the whitened covariance is to
// I, how covariance falls off with pixel distance, and which modes make an SM precision indefinite.
import { eigenvaluesSymmetric, eigSymmetric, SymmetricEigen } from '../linalg/eigen-symmetric';
import { createRng, normalArray } from '../random';
import { checkRows, checkSquare } from '../data/rows';
import { covariance } from '../data/moments';
import { identityDeviation, spectralFunction, whiten } from './whitening';

/** The first `count` rows of a [n, d] array, as views (for image grids). */
export function firstRows(rows: Float32Array, d: number, count: number): Float32Array[] {
  const n = checkRows('firstRows', rows, d);
  return Array.from({ length: Math.min(count, n) }, (_, i) => rows.subarray(i * d, (i + 1) * d));
}

/** Covariance of the rows after whitening with W (centred by their own mean), D×D float64. */
export async function whitenedCovariance(rows: Float32Array, W: Float64Array, d: number): Promise<Float64Array> {
  return covariance(await whiten(rows, W, d), d);
}

/**
 * How far the covariance C_w of the whitened rows (centred by their own mean) is from I: max |C_w − I|
 * over entries, the mean diagonal, and C_w's extreme eigenvalues — the entrywise maximum alone can
 * hide one badly whitened direction (a variance of 8 along the constant patch changes each entry
 * by only 8/784).
 */
export async function whitenedDeviation(rows: Float32Array, W: Float64Array, d: number) {
  const whitened = await whitenedCovariance(rows, W, d);
  // All eigenvalues in float64 (no vectors needed): Lanczos and power iteration were tried, and
  // missed the smallest eigenvalue of hold-out spectra (a dense cluster near 0) by up to 40%.
  const values = eigenvaluesSymmetric(whitened, d);
  return { ...identityDeviation(whitened, d), minEigenvalue: values[0], maxEigenvalue: values[d - 1] };
}

/**
 * The same for ZCA with regulariser ε on the covariance it was built from, in closed form:
 * W C Wᵀ = U diag(λ/(λ + ε)) Uᵀ — for the ε sweep, without whitening the patches again.
 */
export function zcaDeviationForEpsilon(eig: SymmetricEigen, epsilon: number) {
  const whitened = spectralFunction(eig, (lambda) => lambda / (lambda + epsilon));
  return identityDeviation(whitened, eig.values.length);
}

/** Mean of matrix[p, q] over pixel pairs at each Euclidean distance |p − q| on a side×side grid. */
export function covarianceByDistance(matrix: Float64Array, side: number): { distance: number[]; mean: number[] } {
  const d = side * side;
  checkSquare('covarianceByDistance', matrix, d);
  const sums = new Map<number, { sum: number; count: number }>();
  for (let p = 0; p < d; p++) {
    for (let q = 0; q < d; q++) {
      const squared = (Math.floor(p / side) - Math.floor(q / side)) ** 2 + ((p % side) - (q % side)) ** 2;
      const entry = sums.get(squared) ?? { sum: 0, count: 0 };
      entry.sum += matrix[p * d + q];
      entry.count++;
      sums.set(squared, entry);
    }
  }
  const keys = Array.from(sums.keys()).sort((a, b) => a - b);
  return { distance: keys.map(Math.sqrt), mean: keys.map((k) => sums.get(k)!.sum / sums.get(k)!.count) };
}

export interface PrecisionMode {
  /** Eigenvalue of Λ. */
  eigenvalue: number;
  /** (1ᵀu)²/D: the share of the eigenvector that is a constant patch (1 for a flat mode). */
  constantShare: number;
  /** uᵀ S u: the data's variance along the mode (what 1/eigenvalue should approximate). */
  dataVariance: number;
}

/** Λ's non-positive modes (and the `extra` smallest positive ones), ascending, with their shape and data variance. */
export function nonPositiveModes(precision: Float64Array, secondMoment: Float64Array, d: number, extra = 2): PrecisionMode[] {
  checkSquare('nonPositiveModes (precision)', precision, d);
  checkSquare('nonPositiveModes (second moment)', secondMoment, d);
  const eig = eigSymmetric(precision, d);
  const count = Math.min(d, eig.values.filter((v) => v <= 0).length + extra);
  const u = new Float64Array(d);
  return Array.from({ length: count }, (_, k) => {
    for (let i = 0; i < d; i++) u[i] = eig.vectors[i * d + k];
    const total = u.reduce((a, b) => a + b, 0);
    let variance = 0;
    for (let i = 0; i < d; i++) {
      let row = 0;
      for (let j = 0; j < d; j++) row += secondMoment[i * d + j] * u[j];
      variance += u[i] * row;
    }
    return { eigenvalue: eig.values[k], constantShare: (total * total) / d, dataVariance: variance };
  });
}

/**
 * Row `pixel` of W (the filter that produces that whitened pixel), divided by its largest off-centre
 * magnitude, so a display clipped to [−1, 1] shows the surround; the much larger centre weight saturates.
 */
export function surroundScaledFilter(W: Float64Array, d: number, pixel: number): { filter: Float64Array; centre: number; surround: number } {
  checkSquare('surroundScaledFilter', W, d);
  if (!(Number.isInteger(pixel) && pixel >= 0 && pixel < d)) throw new Error(`surroundScaledFilter: pixel must be an integer in [0, ${d}), got ${pixel}`);
  const row = W.subarray(pixel * d, (pixel + 1) * d);
  let surround = 0;
  row.forEach((w, j) => {
    if (j !== pixel) surround = Math.max(surround, Math.abs(w));
  });
  return { filter: row.map((w) => w / surround), centre: row[pixel], surround };
}

/**
 * The same statistics for n draws of N(0, I) in d dimensions: what sampling alone does to a perfectly
 * whitened set of n patches (the floor a hold-out set of that size cannot go below).
 */
export async function whiteNoiseDeviation(n: number, d: number, seed = 1) {
  if (!(Number.isInteger(n) && n > 1)) throw new Error(`whiteNoiseDeviation: n must be an integer > 1, got ${n}`);
  const rows = Float32Array.from(normalArray(n * d, createRng(seed)));
  const sample = await covariance(rows, d);
  const values = eigenvaluesSymmetric(sample, d);
  return { ...identityDeviation(sample, d), minEigenvalue: values[0], maxEigenvalue: values[d - 1] };
}
