// The dense second moment of row-major data [n, d] in float64, by float32 tf.matMuls (wasm/XNNPACK:
// 50,000 784-pixel rows in ~2.5 s, against ~15 s for a float64 loop in JavaScript), one per chunk of
// rows, with the chunk sums added in float64. The shape checks and the cheap moments are in ./rows.
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../backend';
import { checkRows, columnMeans } from './rows';

/** Rows per tf product: 2,500–5,000 measured fastest (large products fall out of cache). */
const CHUNK_ROWS = 4096;

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
