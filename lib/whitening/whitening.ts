// Whitening matrices W (x_white = W x, so E[W x xᵀ Wᵀ] = I for centred x) from a covariance's
// eigendecomposition C = U diag(λ) Uᵀ, with a regulariser ε added to every eigenvalue:
//   ZCA  W = U diag((λ + ε)^{-1/2}) Uᵀ = (C + εI)^{-1/2}: symmetric, and of all whitenings the one
//        closest to the identity (it minimises both ‖W − I‖_F and E‖Wx − x‖²), so a whitened patch
//        stays a picture: edges and centre-surround blobs, in place.
//   PCA  W = diag((λ + ε)^{-1/2}) Uᵀ: the same variances, but output coordinates are principal
//        components (largest first), not pixels.
// ε = 0 is exact whitening; ε > 0 damps the directions with variance below ε (W C Wᵀ = λ/(λ+ε) there).
// For a fitted precision Λ (covariance Λ⁻¹), ZCA with ε = 0 is Λ^{1/2}.
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../backend';
import { choleskyOrThrow } from '../linalg/cholesky';
import { eigSymmetric, SymmetricEigen } from '../linalg/eigen-symmetric';
import { lowerInverse } from '../linalg/triangular';
import { checkRows, checkSquare, withRidge } from '../data/rows';

/** Rows per tf product (see covariance.ts: 2,500–5,000 measured fastest). */
const CHUNK_ROWS = 2_500;

function dimensionOf(eig: SymmetricEigen): number {
  const n = eig.values.length;
  checkSquare('whitening eigenvectors', eig.vectors, n);
  return n;
}

function checkEpsilon(epsilon: number): void {
  if (!(Number.isFinite(epsilon) && epsilon >= 0)) throw new Error(`whitening: epsilon must be a finite number ≥ 0, got ${epsilon}`);
}

/** (λ + ε)^{-1/2} per eigenvalue; a non-positive λ + ε is an error, never clipped silently. */
function inverseRoots(values: Float64Array, epsilon: number): Float64Array {
  checkEpsilon(epsilon);
  return values.map((value, k) => {
    if (!(value + epsilon > 0)) {
      throw new Error(`whitening: eigenvalue ${k} is ${value} and ε = ${epsilon}; λ + ε must be > 0 (covariance not positive definite)`);
    }
    return 1 / Math.sqrt(value + epsilon);
  });
}

/** U diag(f(λ)) Uᵀ for a symmetric matrix's eigendecomposition: d×d row-major, symmetric. */
export function spectralFunction(eig: SymmetricEigen, f: (value: number, k: number) => number): Float64Array {
  const d = dimensionOf(eig);
  const scale = eig.values.map(f);
  const U = eig.vectors;
  const out = new Float64Array(d * d);
  const scaledRow = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < d; k++) scaledRow[k] = U[i * d + k] * scale[k];
    for (let j = i; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += scaledRow[k] * U[j * d + k];
      out[i * d + j] = s;
      out[j * d + i] = s;
    }
  }
  return out;
}

/** ZCA: (C + εI)^{-1/2}, d×d row-major, symmetric. */
export function zcaMatrix(eig: SymmetricEigen, epsilon = 0): Float64Array {
  const scale = inverseRoots(eig.values, epsilon);
  return spectralFunction(eig, (_, k) => scale[k]);
}

/** PCA: row r is the r-th principal direction (largest variance first) divided by √(λ + ε). */
export function pcaMatrix(eig: SymmetricEigen, epsilon = 0): Float64Array {
  const d = dimensionOf(eig);
  const scale = inverseRoots(eig.values, epsilon);
  const W = new Float64Array(d * d);
  for (let r = 0; r < d; r++) {
    const k = d - 1 - r; // eigenvalues are ascending
    for (let j = 0; j < d; j++) W[r * d + j] = eig.vectors[j * d + k] * scale[k];
  }
  return W;
}

/**
 * Cholesky whitening W = L⁻¹ with C + εI = L Lᵀ: lower-triangular, also exact, but not symmetric —
 * a third whitening for comparing distances to the identity.
 */
export function choleskyWhiteningMatrix(covariance: Float64Array, d: number, epsilon = 0): Float64Array {
  checkSquare('choleskyWhiteningMatrix', covariance, d);
  checkEpsilon(epsilon);
  return lowerInverse(choleskyOrThrow(withRidge(covariance, d, epsilon), d, 'choleskyWhiteningMatrix: covariance + εI'), d);
}

/**
 * The eigendecomposition of C = Λ⁻¹ from a dense precision Λ (same vectors, eigenvalues 1/μ, still
 * ascending). Throws when Λ is not positive definite: score matching has no log-det barrier.
 */
export function covarianceEigenFromPrecision(precision: Float64Array, d: number): SymmetricEigen {
  checkSquare('covarianceEigenFromPrecision', precision, d);
  const eig = eigSymmetric(precision, d);
  if (!(eig.values[0] > 0)) {
    throw new Error(`covarianceEigenFromPrecision: the precision's smallest eigenvalue is ${eig.values[0]}; expected a positive definite precision`);
  }
  const values = new Float64Array(d);
  const vectors = new Float64Array(d * d);
  for (let k = 0; k < d; k++) {
    const source = d - 1 - k; // 1/μ reverses the order
    values[k] = 1 / eig.values[source];
    for (let i = 0; i < d; i++) vectors[i * d + k] = eig.vectors[i * d + source];
  }
  return { values, vectors };
}

/**
 * rows · right for rows [n, d] and a tensor right [d, m], in tfjs (float32), chunk by chunk so that the
 * temporaries stay a few MB. Needs a chosen backend.
 */
export function rowsTimes(rows: Float32Array, d: number, right: tf.Tensor2D): Float32Array {
  const n = rows.length / d;
  const m = right.shape[1];
  const out = new Float32Array(n * m);
  for (let start = 0; start < n; start += CHUNK_ROWS) {
    const count = Math.min(CHUNK_ROWS, n - start);
    const product = tf.tidy(() => tf.matMul(tf.tensor2d(rows.subarray(start * d, (start + count) * d), [count, d]), right));
    out.set(product.dataSync(), start * m);
    product.dispose();
  }
  return out;
}

/** Rows of `rows` ([n, d]) mapped by W: out = rows · Wᵀ, in tfjs (float32). */
export async function whiten(rows: Float32Array, W: Float64Array, d: number): Promise<Float32Array> {
  checkRows('whiten', rows, d);
  checkSquare('whiten (matrix)', W, d);
  await chooseBackend();
  const transposed = new Float32Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) transposed[j * d + i] = W[i * d + j];
  const right = tf.tensor2d(transposed, [d, d]);
  try {
    return rowsTimes(rows, d, right);
  } finally {
    right.dispose();
  }
}

/** How far a (whitened) covariance is from I: max |C − I| over all entries, and the mean diagonal. */
export function identityDeviation(covariance: Float64Array, d: number): { maxAbs: number; meanDiagonal: number } {
  checkSquare('identityDeviation', covariance, d);
  let maxAbs = 0;
  let trace = 0;
  for (let i = 0; i < d; i++) {
    trace += covariance[i * d + i];
    for (let j = 0; j < d; j++) maxAbs = Math.max(maxAbs, Math.abs(covariance[i * d + j] - (i === j ? 1 : 0)));
  }
  return { maxAbs, meanDiagonal: trace / d };
}

/** ‖W − I‖_F. */
export function frobeniusFromIdentity(W: Float64Array, d: number): number {
  checkSquare('frobeniusFromIdentity', W, d);
  let sum = 0;
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) sum += (W[i * d + j] - (i === j ? 1 : 0)) ** 2;
  return Math.sqrt(sum);
}

/** E‖Wx − x‖² = tr((W − I) C (W − I)ᵀ) for centred x with covariance C: how much whitening moves a patch. */
export function meanSquaredChange(W: Float64Array, covariance: Float64Array, d: number): number {
  checkSquare('meanSquaredChange', W, d);
  checkSquare('meanSquaredChange (covariance)', covariance, d);
  // tr(A C Aᵀ) = Σ_i a_iᵀ C a_i with a_i the rows of A = W − I.
  const a = new Float64Array(d);
  const ca = new Float64Array(d);
  let total = 0;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) a[j] = W[i * d + j] - (i === j ? 1 : 0);
    ca.fill(0);
    for (let r = 0; r < d; r++) {
      const ar = a[r];
      if (ar === 0) continue;
      for (let j = 0; j < d; j++) ca[j] += ar * covariance[r * d + j];
    }
    for (let j = 0; j < d; j++) total += a[j] * ca[j];
  }
  return total;
}
