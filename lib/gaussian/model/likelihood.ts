// Exact Gaussian log-likelihoods of held-out data in float64:
//   log N(x; μ, Λ⁻¹) = ½ log det Λ − (D/2) log 2π − ½ (x − μ)ᵀΛ(x − μ).
// Reported per image (nats) and as bits per pixel on the 0–255 grey scale: dequantised pixels live
// in [0, 1] with bins of width 1/256, so a density p on [0, 1]^D assigns each 256-level image about
// p·256^{−D}, i.e. −log₂ p / D + 8 bits per pixel (lower is better).
import { choleskyOrThrow, logDetFromFactor } from '../../linalg/cholesky';
import { SparsePrecision, quadraticForms } from './precision';
import { logDetPrecision } from './positive-definite';

const LOG_2PI = Math.log(2 * Math.PI);

/** ½ log det Λ − (D/2) log 2π: the log-normaliser of N(0, Λ⁻¹), the c an unnormalised fit should learn. */
export function exactLogNormaliser(precision: SparsePrecision): number {
  return 0.5 * logDetPrecision(precision, 'precision') - 0.5 * precision.structure.size * LOG_2PI;
}

/** Mean log-density (nats per image) of the n rows of X (already centred by μ) under N(0, Λ⁻¹). */
export function gaussianLogLikelihood(precision: SparsePrecision, centred: ArrayLike<number>, n: number): number {
  const perRow = gaussianLogLikelihoods(precision, centred, n);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += perRow[i] / n;
  return mean;
}

/** The log-density (nats) of each of the n rows of X (already centred by μ) under N(0, Λ⁻¹). */
export function gaussianLogLikelihoods(precision: SparsePrecision, centred: ArrayLike<number>, n: number): Float64Array {
  const D = precision.structure.size;
  const q = quadraticForms(precision, centred, n);
  const constant = 0.5 * logDetPrecision(precision, 'precision for the log-likelihood') - 0.5 * D * LOG_2PI;
  return q.map((v) => constant - 0.5 * v);
}

/** The same under N(0, C) with a dense covariance C (D×D), via its Cholesky factor. */
export function denseGaussianLogLikelihood(covariance: Float64Array, centred: ArrayLike<number>, n: number): number {
  const D = Math.round(Math.sqrt(covariance.length));
  const L = choleskyOrThrow(covariance, D, 'covariance for the log-likelihood');
  let mean = 0;
  const z = new Float64Array(D);
  for (let row = 0; row < n; row++) {
    // z = L⁻¹x, so xᵀC⁻¹x = ‖z‖².
    let sq = 0;
    for (let i = 0; i < D; i++) {
      let sum = centred[row * D + i];
      for (let k = 0; k < i; k++) sum -= L[i * D + k] * z[k];
      z[i] = sum / L[i * D + i];
      sq += z[i] * z[i];
    }
    mean += sq / n;
  }
  return -0.5 * logDetFromFactor(L, D) - 0.5 * D * LOG_2PI - 0.5 * mean;
}

/** Bits per pixel on the 256-level scale for a mean log-density (nats per image) over D pixels. */
export function bitsPerPixel(logLikelihoodPerImage: number, D: number): number {
  return -logLikelihoodPerImage / (D * Math.LN2) + 8;
}
