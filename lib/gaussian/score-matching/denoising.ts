// Denoising score matching for a zero-mean Gaussian model, where its bias has a closed form. The model's
// score is ψ(x) = −Λx; DSM fits it to corrupted samples x̃ = x + σₙε by least squares,
//   min_Λ  mean ½‖−Λx̃ + ε/σₙ‖²   ⇒   Λ̂ = (mean ε x̃ᵀ/σₙ) (mean x̃x̃ᵀ)⁻¹,
// a linear regression of the target −ε/σₙ on x̃. In expectation mean ε x̃ᵀ/σₙ = σₙ I / σₙ = I and
// mean x̃x̃ᵀ = C + σₙ²I, so Λ̂ → (C + σₙ²I)⁻¹: DSM returns the covariance of the noisy data, C + σₙ²I,
// not C (exact score matching's optimum for this family is C⁻¹, the same as maximum likelihood).
import { choleskyOrThrow } from '../../linalg/cholesky';
import { eigenvaluesSymmetric } from '../../linalg/eigen-symmetric';
import { lowerInverse } from '../../linalg/triangular';
import { createRng } from '../../random';

export interface GaussianDsmFit {
  /** The fitted precision, symmetrised, [d, d] row-major. */
  precision: Float64Array;
  /** Eigenvalues of the fitted covariance Λ̂⁻¹, ascending. */
  covarianceEigenvalues: number[];
}

/** DSM fit of N(0, Λ⁻¹) to the rows of `samples` [n, d] with noise std `noiseStd`, seeded noise. */
export function fitGaussianDsm(samples: Float64Array, d: number, noiseStd: number, seed: number): GaussianDsmFit {
  if (samples.length === 0 || samples.length % d !== 0) throw new Error(`fitGaussianDsm: ${samples.length} values is not a whole number of rows of ${d}`);
  if (!(noiseStd > 0)) throw new Error(`fitGaussianDsm: noiseStd must be positive, got ${noiseStd}`);
  const n = samples.length / d;
  const rng = createRng(seed);
  const second = new Float64Array(d * d); // mean x̃x̃ᵀ
  const cross = new Float64Array(d * d); // mean (ε/σₙ) x̃ᵀ
  const eps = new Float64Array(d);
  const noisy = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < d; i++) {
      eps[i] = rng.normal();
      noisy[i] = samples[r * d + i] + noiseStd * eps[i];
    }
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        second[i * d + j] += (noisy[i] * noisy[j]) / n;
        cross[i * d + j] += ((eps[i] / noiseStd) * noisy[j]) / n;
      }
    }
  }
  // (mean x̃x̃ᵀ)⁻¹ = L⁻ᵀL⁻¹ from its Cholesky factor.
  const Linv = lowerInverse(choleskyOrThrow(second, d, 'fitGaussianDsm: the noisy second moment'), d);
  const inverse = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let k = Math.max(i, j); k < d; k++) inverse[i * d + j] += Linv[k * d + i] * Linv[k * d + j];
  const raw = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) raw[i * d + j] += cross[i * d + k] * inverse[k * d + j];
  const precision = Float64Array.from(raw, (_, idx) => 0.5 * (raw[idx] + raw[(idx % d) * d + Math.floor(idx / d)]));
  const covarianceEigenvalues = Array.from(eigenvaluesSymmetric(precision, d), (l) => 1 / l).sort((a, b) => a - b);
  return { precision, covarianceEigenvalues };
}
