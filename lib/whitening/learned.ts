// The "learned" covariance for whitening: a Gaussian N(0, Λ⁻¹) whose precision Λ lives on a grid
// pattern (8-connected for the notebook), fitted by score matching the way Exercise 1 fits MNIST:
// validateScoreMatching (lib/gaussian/score-matching/validated.ts) sweeps a log-det barrier τ and a
// ridge γ on a validation split cut from the training rows and refits the positive-definite fit with
// the best validation likelihood on all rows.
//
// Why a constraint at all: on natural patches the pure SM optimum on the pattern is NOT positive
// definite. Its negative eigenvalues lie along the smoothest, highest-variance modes (the first is
// almost the constant patch): a nearest-neighbour precision cannot also give those modes their tiny
// positive precision, and SM, unlike maximum likelihood, has no log-det term to keep Λ ≻ 0.
//
// Units, as in notebook 01: the fits see standardised pixels z = x / σ (σᵢ² = Cᵢᵢ), because in raw units
// SM weighs each pixel by its precision; τ and γ are in those units. The result is mapped back,
// Λ = diag(1/σ) Λ_z diag(1/σ), which is the same Gaussian expressed in the patches' units.
import { fitScoreMatchingLocal } from '../gaussian/score-matching/exact';
import { SmValidationResult, SmValidationSettings, validateScoreMatching } from '../gaussian/score-matching/validated';
import { localFromDense } from '../gaussian/model/local-moments';
import { toDense } from '../gaussian/model/precision';
import { GridStructure } from '../gaussian/model/structure';
import { checkRows, checkSquare } from '../data/rows';

export interface LearnedGaussian {
  /** Dense D×D Λ in the patches' units, positive definite. */
  precision: Float64Array;
  /** The sweep, the chosen variant and weight (standardised units) and the split sizes. */
  validation: Omit<SmValidationResult, 'precision'>;
  /** The pure SM optimum on the pattern (no barrier, no ridge), in the patches' units: shows why a constraint is needed. */
  unconstrainedPrecision: Float64Array;
  /** Its conjugate-gradient solve: final ‖gradient‖ / ‖P_M(I)‖ (small when the stationarity conditions hold) and iterations. */
  unconstrainedSolve: { relativeResidual: number; iterations: number };
  /** σᵢ, the per-pixel standard deviations the fits were standardised with. */
  pixelStd: Float64Array;
}

/** diag(1/σ) M diag(1/σ) for a dense D×D M given in standardised units. */
function toPatchUnits(standardised: Float64Array, std: Float64Array): Float64Array {
  const d = std.length;
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[i * d + j] = standardised[i * d + j] / (std[i] * std[j]);
  return out;
}

/**
 * Validated positive-definite SM on `structure` for n centred rows (n×D) whose covariance is `cov`
 * (the rows' own second moment, as notebook 02 computes it). Throws, like validateScoreMatching, when
 * no swept fit is positive definite.
 */
export function fitValidatedGaussian(
  rows: Float32Array,
  n: number,
  cov: Float64Array,
  structure: GridStructure,
  settings: SmValidationSettings,
): LearnedGaussian {
  const d = structure.size;
  checkRows('fitValidatedGaussian', rows, d, n);
  checkSquare('fitValidatedGaussian (covariance)', cov, d);
  const pixelStd = Float64Array.from({ length: d }, (_, i) => Math.sqrt(cov[i * d + i]));
  const zero = pixelStd.findIndex((s) => !(s > 0));
  if (zero >= 0)
    throw new Error(`fitValidatedGaussian: pixel ${zero} has variance ${cov[zero * d + zero]}; expected every pixel to vary (dequantised patches do)`);
  const correlation = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) correlation[i * d + j] = cov[i * d + j] / (pixelStd[i] * pixelStd[j]);
  const standardised = new Float32Array(n * d);
  for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) standardised[r * d + i] = rows[r * d + i] / pixelStd[i];
  const local = localFromDense(correlation, structure);
  const unconstrained = fitScoreMatchingLocal(local, {});
  const { precision, ...validation } = validateScoreMatching(standardised, n, structure, settings, local);
  return {
    precision: toPatchUnits(toDense(precision), pixelStd),
    validation,
    unconstrainedPrecision: toPatchUnits(toDense(unconstrained.precision), pixelStd),
    unconstrainedSolve: { relativeResidual: unconstrained.relativeResidual, iterations: unconstrained.iterations },
    pixelStd,
  };
}
