// Drawing x ~ N(μ, Λ⁻¹), both ways the 2020 report did, done correctly:
//  1. Cholesky: Λ = L Lᵀ, x = μ + L⁻ᵀε. Then Cov(x) = L⁻ᵀL⁻¹ = (L Lᵀ)⁻¹ = Λ⁻¹. (μ + L⁻¹ε — the
//     wrong triangle — has covariance L⁻¹L⁻ᵀ ≠ Λ⁻¹: a bug seen before.) Banded solve: O(D·b) each.
//  2. Square root: x = μ + Σ^{1/2}ε with Σ^{1/2} = Λ^{-1/2}, the symmetric root (U diag(λ^{-1/2}) Uᵀ
//     for Λ = U diag(λ) Uᵀ). An indefinite Λ is an error: silently patching a λ ≤ 0 (e.g. to 1) samples
//     from a different model.
//     Λ^{-1/2}ε needs no dense eigendecomposition (~1.6 s for D = 784). For λ > 0, with t = eᵘ,
//       λ^{-1/2} = (2/π) ∫₀^∞ dt / (λ + t²) = (2/π) ∫ eᵘ / (λ + e²ᵘ) du,
//     and the integrand is (1/√λ)·½ sech(u − ½ log λ). So Λ^{-1/2}ε = (2/π) ∫ eᵘ (Λ + e²ᵘI)⁻¹ε du, and
//     the trapezoidal rule in u needs one banded factor of Λ + e²ᵘI per node (~0.1 s in all). The rule's
//     error on a sech, analytic in the strip |Im u| < π/2, is about 2e^{−π²/h} (step h = ½: 5e-9), and
//     ending the rule V beyond the spectrum's ends loses about e^{−V} (V = 19: 6e-9), relatively, in every
//     eigendirection. Hale, Higham & Trefethen (2008, SIAM J. Numer. Anal. 46) study such quadratures.
import { bandedCholesky, bandedSolveLowerTransposed } from '../../linalg/banded';
import { createRng } from '../../random';
import { SparsePrecision } from './precision';
import { eigenvaluesAbove, factorOrThrow, smallestEigenvalue, solvePrecision, toBanded } from './positive-definite';
import { edgeEndpoints } from './structure';

/** Step h of the trapezoidal rule in u = log t, and how far (V) it reaches beyond ½ log of the spectrum's ends. */
const ROOT_STEP = 0.5;
const ROOT_REACH = 19;

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

/** count samples via Σ^{1/2} = Λ^{-1/2}, by the quadrature in the header (relative error ~1e-8 in every eigendirection). */
export function sampleBySquareRoot(precision: SparsePrecision, mean: ArrayLike<number>, count: number, seed: number): Float32Array {
  const D = precision.structure.size;
  checkMean(mean, D);
  factorOrThrow(precision, 'sampleBySquareRoot: the precision');
  const rng = createRng(seed);
  const eps = Float64Array.from({ length: count * D }, () => rng.normal());
  const root = new Float64Array(count * D);
  const [low, high] = spectrumBounds(precision);
  const first = 0.5 * Math.log(low) - ROOT_REACH;
  const nodes = Math.ceil((0.5 * Math.log(high) + ROOT_REACH - first) / ROOT_STEP);
  const shifted = toBanded(precision);
  const w = shifted.bandwidth + 1;
  for (let k = 0; k <= nodes; k++) {
    const u = first + k * ROOT_STEP;
    const t2 = Math.exp(2 * u);
    for (let i = 0; i < D; i++) shifted.band[i * w] = precision.diagonal[i] + t2;
    const outcome = bandedCholesky(shifted);
    if (!outcome.ok) throw new Error(`sampleBySquareRoot: Λ + ${t2.toExponential(2)}·I has no Cholesky factor although Λ has one`);
    const weight = ((2 / Math.PI) * ROOT_STEP * Math.exp(u)) / (k === 0 || k === nodes ? 2 : 1);
    for (let s = 0; s < count; s++) {
      const y = solvePrecision(outcome.factor, eps.subarray(s * D, (s + 1) * D));
      for (let i = 0; i < D; i++) root[s * D + i] += weight * y[i];
    }
  }
  return Float32Array.from(root, (v, j) => mean[j % D] + v);
}

/**
 * 0 < low < λ_min(Λ) ≤ λ_max(Λ) ≤ high, for Λ positive definite: low within a factor 2 of λ_min (each halving
 * checked by a Cholesky factor of Λ − low·I), high the largest Gershgorin row sum.
 */
function spectrumBounds(precision: SparsePrecision): [number, number] {
  const rowSums = Float64Array.from(precision.diagonal, Math.abs);
  const { anchors, partners } = edgeEndpoints(precision.structure);
  precision.edges.forEach((values, k) => {
    for (let e = 0; e < values.length; e++) {
      rowSums[anchors[k][e]] += Math.abs(values[e]);
      rowSums[partners[k][e]] += Math.abs(values[e]);
    }
  });
  let low = 0.5 * smallestEigenvalue(precision);
  while (!eigenvaluesAbove(precision, low)) low /= 2;
  return [low, Math.max(...rowSums)];
}

function checkMean(mean: ArrayLike<number>, D: number): void {
  if (mean.length !== D) throw new Error(`sampling: mean has ${mean.length} values, expected ${D}`);
}
