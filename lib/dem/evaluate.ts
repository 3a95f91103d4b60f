// Per-input numbers of a trained DEM on a set of rows: the unnormalised log p, its Gaussian part
// −‖x‖²/(2σ²), and the score-matching loss. Rows go through tfjs in chunks so that a large set never
// materialises the [chunk·K, J] intermediates at once.
import * as tf from '@tensorflow/tfjs';
import { Dem, logDensity } from './model';
import { smLossRows } from './score-matching';
import { checkRows } from '../data/rows';

/** Rows per tfjs call: 1,024 keeps the [N·K, J] Laplacian intermediates at 16 MB. */
const CHUNK_ROWS = 1024;

function perRow(model: Dem, rows: Float32Array, what: string, f: (x: tf.Tensor2D) => tf.Tensor1D): Float64Array {
  const D = model.config.inputs;
  const n = checkRows(what, rows, D);
  const out = new Float64Array(n);
  for (let start = 0; start < n; start += CHUNK_ROWS) {
    const count = Math.min(CHUNK_ROWS, n - start);
    const values = tf.tidy(() => f(tf.tensor2d(rows.subarray(start * D, (start + count) * D), [count, D])).dataSync());
    out.set(values, start);
  }
  return out;
}

/** Unnormalised log p of every row of [n, D]. */
export function logDensityOfRows(model: Dem, rows: Float32Array): Float64Array {
  return perRow(model, rows, 'logDensityOfRows', (x) => logDensity(model, x));
}

/** The Gaussian term −‖x‖²/(2σ²) of every row: the part of log p that ignores the network. */
export function gaussianTermOfRows(model: Dem, rows: Float32Array): Float64Array {
  const D = model.config.inputs;
  const n = checkRows('gaussianTermOfRows', rows, D);
  const scale = -1 / (2 * model.config.sigma ** 2);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sq = 0;
    for (let d = 0; d < D; d++) sq += rows[i * D + d] ** 2;
    out[i] = scale * sq;
  }
  return out;
}

/** Score-matching loss ½‖∇ₓ log p‖² + Δₓ log p of every row. */
export function smLossOfRows(model: Dem, rows: Float32Array): Float64Array {
  return perRow(model, rows, 'smLossOfRows', (x) => smLossRows(model, x));
}

export function meanOf(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

export interface Summary {
  mean: number;
  /** Sample standard deviation (n − 1 in the denominator). */
  std: number;
  n: number;
}

/** Mean and standard deviation of the first n values. */
export function summarize(values: ArrayLike<number>, n = values.length): Summary {
  if (!Number.isInteger(n) || n < 2 || n > values.length) {
    throw new Error(`summarize: need 2 ≤ n ≤ ${values.length} values, got n = ${n}`);
  }
  const head = Array.from({ length: n }, (_, i) => values[i]);
  const mean = meanOf(head);
  const variance = head.reduce((acc, v) => acc + (v - mean) ** 2, 0) / (n - 1);
  return { mean, std: Math.sqrt(variance), n };
}

/**
 * The score-matching loss of the Gaussian term alone (W = 0, b = 0): ψ(x) = −x/σ², so per sample
 * ½‖ψ‖² + Σ ∂ψᵢ/∂xᵢ = ‖x‖²/(2σ⁴) − D/σ², whose mean over centred rows of mean pixel variance v is
 * D·v/(2σ⁴) − D/σ², smallest at σ² = v.
 */
export function gaussianTermSmLoss(meanPixelVariance: number, sigma: number, D: number): number {
  return (D * meanPixelVariance) / (2 * sigma ** 4) - D / sigma ** 2;
}
