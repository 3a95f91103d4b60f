// Row-major data [n, d] (images, patches, whitened rows): the one check of its shape, and its
// moments in float64 — column means and variances, centring, and the dense second moment.
// It lives in data/ rather than linalg/ because the dense product runs in tfjs, which lib/linalg
// (plain float64 JavaScript) does not touch, and because every function here takes data rows.
// The dense products are float32 tf.matMuls (wasm/XNNPACK: 50,000 784-pixel rows in ~2.5 s, against
// ~15 s for a float64 loop in JavaScript), one per chunk of rows, with the chunk sums added in float64.
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../backend';

/** Rows per tf product: 2,500–5,000 measured fastest (large products fall out of cache). */
const CHUNK_ROWS = 4096;

/**
 * The number of rows of `rows` as a [n, d] row-major array, which must be non-empty; with `n` given,
 * also that it holds exactly n rows. Throws "<caller>: expected …, got …".
 */
export function checkRows(caller: string, rows: ArrayLike<number>, d: number, n?: number): number {
  if (n !== undefined) {
    if (!(Number.isInteger(n) && n >= 1)) throw new Error(`${caller}: expected a positive number of rows, got ${n}`);
    if (rows.length !== n * d) throw new Error(`${caller}: expected ${n} rows of ${d} values (${n * d}), got ${rows.length}`);
    return n;
  }
  if (!Number.isInteger(d) || d < 1 || rows.length === 0 || rows.length % d !== 0) {
    const why = rows.length === 0 ? '' : ` (not a multiple of ${d})`;
    throw new Error(`${caller}: expected a non-empty [n, ${d}] row-major array, got ${rows.length} values${why}`);
  }
  return rows.length / d;
}

/** Checks that `a` is an n×n row-major matrix. */
export function checkSquare(caller: string, a: ArrayLike<number>, n: number): void {
  if (!Number.isInteger(n) || n < 1 || a.length !== n * n) {
    throw new Error(`${caller}: expected an n×n matrix with n = ${n} (${n * n} values), got ${a.length} values`);
  }
}

/** Column means of [n, d] rows, in float64. */
export function columnMeans(rows: ArrayLike<number>, d: number): Float64Array {
  const n = checkRows('columnMeans', rows, d);
  const sum = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) sum[j] += rows[i * d + j];
  for (let j = 0; j < d; j++) sum[j] /= n;
  return sum;
}

/** Column variances (1/n) Σ (x − mean)² of [n, d] rows, in float64 (two passes: no cancellation). */
export function columnVariances(rows: ArrayLike<number>, d: number): Float64Array {
  const n = checkRows('columnVariances', rows, d);
  const mean = columnMeans(rows, d);
  const sum = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) sum[j] += (rows[i * d + j] - mean[j]) ** 2;
  for (let j = 0; j < d; j++) sum[j] /= n;
  return sum;
}

/** rows − mean, row by row, in place (each difference taken in float64, then stored). */
export function centreInPlace(rows: Float32Array, mean: ArrayLike<number>): void {
  const d = mean.length;
  checkRows('centreInPlace', rows, d);
  for (let i = 0; i < rows.length; i++) rows[i] -= mean[i % d];
}

/** X − mean for the n rows of X, as a new float32 array (the tfjs working precision). */
export function centre(X: ArrayLike<number>, n: number, mean: ArrayLike<number>): Float32Array {
  checkRows('centre', X, mean.length, n);
  const out = Float32Array.from(X);
  centreInPlace(out, mean);
  return out;
}

/**
 * (1/n) Σᵢ (xᵢ − c)(xᵢ − c)ᵀ (d×d, float64) with c = `shift` (default 0: the second moment, for data
 * already centred or centred by another set's mean). Each chunk is shifted before its product (no
 * E[xxᵀ] − ccᵀ cancellation). The result is symmetrised: float32 products need not be exactly
 * symmetric, and the eigensolvers assume it. Needs a tfjs backend (see covariance for the async form).
 */
export function secondMoment(rows: Float32Array, d: number, shift?: ArrayLike<number>): Float64Array {
  const n = checkRows('secondMoment', rows, d);
  if (shift !== undefined && shift.length !== d) throw new Error(`secondMoment: expected a shift of ${d} values, got ${shift.length}`);
  const offset = shift === undefined ? null : tf.tensor1d(Float32Array.from(shift));
  const sum = new Float64Array(d * d);
  for (let start = 0; start < n; start += CHUNK_ROWS) {
    const count = Math.min(CHUNK_ROWS, n - start);
    const product = tf.tidy(() => {
      const raw = tf.tensor2d(rows.subarray(start * d, (start + count) * d), [count, d]);
      const chunk = offset ? tf.sub(raw, offset) : raw;
      // Explicit transpose: wasm's matMul with transposeA is ~12× slower than a plain one.
      return tf.matMul(tf.transpose(chunk), chunk);
    });
    const values = product.dataSync();
    product.dispose();
    for (let k = 0; k < values.length; k++) sum[k] += values[k];
  }
  offset?.dispose();
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      const mean = (sum[i * d + j] + sum[j * d + i]) / (2 * n);
      sum[i * d + j] = mean;
      sum[j * d + i] = mean;
    }
    sum[i * d + i] /= n;
  }
  return sum;
}

/** S = XᵀX/n of the n rows of X (D×D, float64): secondMoment with the row count checked. */
export function secondMomentDense(X: Float32Array, n: number, D: number): Float64Array {
  checkRows('secondMomentDense', X, D, n);
  return secondMoment(X, D);
}

/**
 * The covariance of the rows about their column means (`center`, default) or their second moment
 * (center: false), d×d float64, after making sure a tfjs backend is ready.
 */
export async function covariance(rows: Float32Array, d: number, options: { center?: boolean } = {}): Promise<Float64Array> {
  checkRows('covariance', rows, d);
  await chooseBackend();
  return secondMoment(rows, d, options.center ?? true ? columnMeans(rows, d) : undefined);
}

/** A + δI for a d×d row-major A, as a new array (a ridge that makes a sample covariance invertible). */
export function withRidge(A: ArrayLike<number>, d: number, delta: number): Float64Array {
  checkSquare('withRidge', A, d);
  const out = Float64Array.from(A);
  for (let i = 0; i < d; i++) out[i * d + i] += delta;
  return out;
}
