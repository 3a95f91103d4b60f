// The "learned" covariance for whitening: a Gaussian N(0, Λ⁻¹) whose precision Λ lives on a grid
// pattern (8-connected for the notebook), fitted by exact score matching (lib/gaussian).
//
// Measured on the embedded photographs: the exact SM solution is NOT positive definite. Its 6
// negative eigenvalues lie along the smoothest, highest-variance patch modes (the first is 98% the
// constant patch): a nearest-neighbour precision cannot also give those modes their tiny positive
// precision, and SM, unlike maximum likelihood, has no log-det barrier to keep Λ ≻ 0. (Every photo
// alone gives the same; removing each patch's DC makes it worse.) A precision that is not positive
// definite has no covariance and no square root, so it cannot whiten.
//
// Remedy used here, stated in the notebook: fit SM to S + δI instead of S — score matching on the
// data plus independent N(0, δ) noise per pixel — with the smallest δ from a fixed grid (fractions of
// the mean pixel variance) that makes Λ positive definite. δ plays the part ZCA's ε plays for the
// empirical covariance: W = Λ^{1/2} whitens S + δI, and damps the modes whose variance is below δ.
import { fitScoreMatchingExact, ScoreMatchingFit } from '../gaussian/score-matching/exact';
import { GridStructure } from '../gaussian/model/structure';
import { cholesky } from '../linalg/cholesky';
import { OnProgress, progressReporter } from '../progress';
import { checkSquare, withRidge } from '../data/rows';

/** δ / (mean pixel variance), tried in this order; 0 first, so an unridged fit is used when it is valid. */
export const RIDGE_FRACTIONS = [0, 1 / 64, 1 / 32, 1 / 16, 1 / 8, 1 / 4, 1 / 2, 1];

export interface RidgeAttempt {
  /** δ added to the diagonal of S. */
  ridge: number;
  /** δ / (mean pixel variance). */
  fraction: number;
  positiveDefinite: boolean;
  /** SM loss J(Λ) at the solution for S + δI. */
  loss: number;
  iterations: number;
  /** The solver's final ‖gradient‖ / ‖P_M(I)‖: small means the stationarity conditions hold. */
  relativeResidual: number;
}

export interface LearnedGaussian {
  /** The δ of the first positive-definite fit. */
  ridge: number;
  fraction: number;
  /** Dense D×D Λ fitted to S + δI (positive definite). */
  precision: Float64Array;
  fit: ScoreMatchingFit;
  /** Dense Λ of the first fraction tried (δ = 0 with the default grid), kept to show why a ridge was needed. */
  unridgedPrecision: Float64Array;
  attempts: RidgeAttempt[];
}

/**
 * Exact SM on `structure` for S + δI with δ = fraction · tr(S)/D, for each fraction in turn, until
 * Λ is positive definite (checked by a banded Cholesky). Throws when no fraction gives one.
 */
export function fitPositiveDefiniteScoreMatching(
  secondMoment: Float64Array,
  structure: GridStructure,
  fractions: number[] = RIDGE_FRACTIONS,
  onProgress?: OnProgress,
): LearnedGaussian {
  const d = structure.size;
  checkSquare('fitPositiveDefiniteScoreMatching (second moment)', secondMoment, d);
  if (fractions.length === 0 || fractions.some((f) => !(f >= 0 && Number.isFinite(f)))) {
    throw new Error(`fitPositiveDefiniteScoreMatching: fractions must be finite numbers ≥ 0, got [${fractions.join(', ')}]`);
  }
  let trace = 0;
  for (let i = 0; i < d; i++) trace += secondMoment[i * d + i];
  const meanVariance = trace / d;
  const attempts: RidgeAttempt[] = [];
  let unridgedPrecision: Float64Array | null = null;
  const progress = progressReporter(onProgress, 'score matching with ridge δ', fractions.length);
  for (const fraction of fractions) {
    const ridge = fraction * meanVariance;
    const fit = fitScoreMatchingExact(withRidge(secondMoment, d, ridge), structure);
    const precision = fit.dense();
    if (fraction === 0) unridgedPrecision = precision;
    const positiveDefinite = cholesky(precision, d, structure.bandwidth).ok;
    attempts.push({ ridge, fraction, positiveDefinite, loss: fit.loss, iterations: fit.iterations, relativeResidual: fit.relativeResidual });
    progress.update(attempts.length, { delta: ridge });
    if (positiveDefinite) {
      progress.finish();
      return { ridge, fraction, precision, fit, unridgedPrecision: unridgedPrecision ?? precision, attempts };
    }
  }
  progress.finish();
  throw new Error(
    `fitPositiveDefiniteScoreMatching: no ridge made the ${structure.connectivity}-connected SM precision positive definite ` +
      `(tried δ/mean variance = ${fractions.join(', ')}); expected at least the largest to`,
  );
}
