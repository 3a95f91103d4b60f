// Drawing x ~ N(μ, Λ⁻¹), both ways the 2020 report did, done correctly:
//  1. Cholesky: Λ = L Lᵀ, x = μ + L⁻ᵀε. Then Cov(x) = L⁻ᵀL⁻¹ = (L Lᵀ)⁻¹ = Λ⁻¹. (μ + L⁻¹ε — the
//     wrong triangle — has covariance L⁻¹L⁻ᵀ ≠ Λ⁻¹: a bug seen before.) Banded solve: O(D·b) each.
//  2. Square root: Σ^{1/2} = U diag(λ^{-1/2}) Uᵀ from Λ = U diag(λ) Uᵀ, x = μ + Σ^{1/2}ε.
//     A λ ≤ 0 is an error: silently replacing it (e.g. by 1) samples from a different model.
import { eigSymmetric } from '../../linalg/eigen-symmetric';
import { bandedSolveLowerTransposed } from '../../linalg/banded';
import { createRng } from '../../random';
import { SparsePrecision, toDense } from './precision';
import { factorOrThrow } from './positive-definite';

/** count samples (count×D, float32) via the Cholesky factor of Λ. */
export function sampleByCholesky(precision: SparsePrecision, mean: ArrayLike<number>, count: number, seed: number): Float32Array {
  const D = precision.structure.size;
  checkMean(mean, D);
  const factor = factorOrThrow(precision, 'precision to sample from');
  const rng = createRng(seed);
  const out = new Float32Array(count * D);
  const eps = new Float64Array(D);
  for (let s = 0; s < count; s++) {
    for (let i = 0; i < D; i++) eps[i] = rng.normal();
    const x = bandedSolveLowerTransposed(factor, eps);
    for (let i = 0; i < D; i++) out[s * D + i] = mean[i] + x[i];
  }
  return out;
}

/** count samples via Σ^{1/2} = Λ^{-1/2} from a dense symmetric eigendecomposition (~2 s for D = 784). */
export function sampleBySquareRoot(precision: SparsePrecision, mean: ArrayLike<number>, count: number, seed: number): Float32Array {
  const D = precision.structure.size;
  checkMean(mean, D);
  const { values, vectors } = eigSymmetric(toDense(precision), D);
  if (!(values[0] > 0)) throw new Error(`sampleBySquareRoot: precision has eigenvalue ${values[0]} ≤ 0; it is not a Gaussian's precision`);
  const rng = createRng(seed);
  const out = new Float32Array(count * D);
  const coefficients = new Float64Array(D);
  for (let s = 0; s < count; s++) {
    // Σ^{1/2}ε = U (λ^{-1/2} ⊙ Uᵀε).
    coefficients.fill(0);
    for (let r = 0; r < D; r++) {
      const e = rng.normal();
      for (let k = 0; k < D; k++) coefficients[k] += vectors[r * D + k] * e;
    }
    for (let k = 0; k < D; k++) coefficients[k] /= Math.sqrt(values[k]);
    for (let r = 0; r < D; r++) {
      let sum = 0;
      for (let k = 0; k < D; k++) sum += vectors[r * D + k] * coefficients[k];
      out[s * D + r] = mean[r] + sum;
    }
  }
  return out;
}

function checkMean(mean: ArrayLike<number>, D: number): void {
  if (mean.length !== D) throw new Error(`sampling: mean has ${mean.length} values, expected ${D}`);
}
