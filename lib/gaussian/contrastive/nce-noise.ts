// The noise of NCE with a fixed noise distribution N(0, C_n) (./nce), drawn once for every structure
// fitted to the same data. It is the one part of NCE that uses TensorFlow.js (a float32 matrix
// product), kept apart so that the fits themselves load without it (a worker thread would take
// 0.7 s to load TensorFlow.js).
import * as tf from '@tensorflow/tfjs';
import { choleskyOrThrow, logDetFromFactor } from '../../linalg/cholesky';
import { lowerInverse } from '../../linalg/triangular';
import { createRng } from '../../random';
import { NceProblem } from './nce';

const LOG_2PI = Math.log(2 * Math.PI);

const NOISE_CHUNK_ROWS = 2048;

/**
 * Draws `noiseCount` rows y = L ε from N(0, C_n) (C_n = L Lᵀ in float64; the product itself is a
 * float32 tf.matMul, ~10× faster than JavaScript loops) and evaluates log p_n on data and noise:
 * log p_n(y) = −½‖L⁻¹y‖² − ½ log det(2π C_n), and L⁻¹y = ε for the noise rows.
 */
export function prepareNce(data: Float32Array, n: number, noiseCovariance: Float64Array, noiseCount: number, seed: number): NceProblem {
  const D = Math.round(Math.sqrt(noiseCovariance.length));
  if (D * D !== noiseCovariance.length || data.length !== n * D) {
    throw new Error(
      `prepareNce: expected ${n} data rows of D values and a D×D noise covariance, got ${data.length} values and ${noiseCovariance.length} covariance entries`,
    );
  }
  const L = choleskyOrThrow(noiseCovariance, D, 'NCE noise covariance');
  const logNormaliser = -0.5 * (logDetFromFactor(L, D) + D * LOG_2PI);
  const rng = createRng(seed);
  // On shared memory, so that fits in worker threads read the noise rows without a copy.
  const noise = new Float32Array(new SharedArrayBuffer(4 * noiseCount * D));
  const noiseLogDensity = new Float64Array(noiseCount);
  const Lt = tf.tensor2d(transposeToFloat32(L, D), [D, D]);
  for (let start = 0; start < noiseCount; start += NOISE_CHUNK_ROWS) {
    const rows = Math.min(NOISE_CHUNK_ROWS, noiseCount - start);
    const eps = new Float32Array(rows * D);
    for (let r = 0; r < rows; r++) {
      let sq = 0;
      for (let i = 0; i < D; i++) {
        const e = rng.normal();
        eps[r * D + i] = e;
        sq += e * e;
      }
      noiseLogDensity[start + r] = logNormaliser - 0.5 * sq;
    }
    noise.set(matMulRows(eps, rows, Lt), start * D);
  }
  Lt.dispose();
  const LinvT = tf.tensor2d(transposeToFloat32(lowerInverse(L, D), D), [D, D]);
  const dataNoiseLogDensity = new Float64Array(n);
  for (let start = 0; start < n; start += NOISE_CHUNK_ROWS) {
    const rows = Math.min(NOISE_CHUNK_ROWS, n - start);
    const whitened = matMulRows(data.subarray(start * D, (start + rows) * D), rows, LinvT);
    for (let r = 0; r < rows; r++) {
      let sq = 0;
      for (let i = 0; i < D; i++) sq += whitened[r * D + i] * whitened[r * D + i];
      dataNoiseLogDensity[start + r] = logNormaliser - 0.5 * sq;
    }
  }
  LinvT.dispose();
  return { D, data, n, noise, noiseCount, dataNoiseLogDensity, noiseLogDensity };
}

/** rows (r×D) · M (D×D), as float32 via TensorFlow.js. */
function matMulRows(rows: Float32Array, r: number, M: tf.Tensor2D): Float32Array {
  const product = tf.tidy(() => tf.matMul(tf.tensor2d(rows, [r, M.shape[0]]), M));
  const values = product.dataSync() as Float32Array;
  product.dispose();
  return values;
}

function transposeToFloat32(A: Float64Array, D: number): Float32Array {
  const out = new Float32Array(D * D);
  for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) out[j * D + i] = A[i * D + j];
  return out;
}
