// Positive definite score matching whose regularisation weight is chosen on held-out rows, not fixed.
// The pure SM optimum on a pattern can be indefinite (it is on MNIST), so some term must keep Λ in
// the cone; its weight is a bias, and a fixed weight can cost far more than the statistical error.
// Two families, each swept and scored by the log-likelihood of a validation split cut from the
// training rows (fitted on the rest); the best positive definite fit is refitted on all rows.
//
// - Barrier: minimise ½ tr(ΛSΛ) − tr Λ − τ log det Λ (score-matching-barrier.ts). For a diagonal
//   model with variance s the stationarity condition sλ − 1 − τ/λ = 0 gives sλ² − λ − τ = 0,
//   λ = (1 + √(1 + 4sτ)) / (2s): 1/s + τ only for sτ ≪ 1 (at s = τ = 1, λ = 1.618, not 2).
//   The τ are fitted from the largest down, each started from the previous solution (a barrier path).
// - Ridge: SM on S + γI, i.e. the exact SM solver on ridged moments. It is SM on the data plus
//   independent N(0, γI) noise (the diagonal multiplier of Lin, Drton & Shojaie 2016) and keeps SM's
//   closed form; it is positive definite once γ is large enough (S + γI approaches a multiple of I).
import { checkRows } from '../../data/rows';
import { minimiseLbfgs } from '../../linalg/lbfgs';
import { createRng, permutation } from '../../random';
import { createPrecision, SparsePrecision } from '../model/precision';
import { GridStructure } from '../model/structure';
import { LocalSecondMoment, localFromData } from '../model/local-moments';
import { fitScoreMatchingLocal, scoreMatchingHessianSolver } from './exact';
import { barrierObjective, fitScoreMatchingBarrier } from './barrier';
import { choleskyOfPrecision } from '../model/positive-definite';
import { gaussianLogLikelihoods } from '../model/likelihood';
import { median } from '../evaluation/heldout';

export type SmVariant = 'barrier' | 'ridge';

export interface SmValidationSettings {
  /** Barrier weights τ (default 3, 1, 0.3, 0.1, 0.03, 0.01). */
  taus?: number[];
  /** Ridge weights γ, in the units of S (default 0.05 … 3). */
  gammas?: number[];
  /** Share of the rows held out for validation (default 0.2). */
  validationFraction?: number;
  /** Seed of the split. */
  seed: number;
  /**
   * Barrier L-BFGS stopping rule ‖∇F_τ‖ ≤ tolerance·√D in the sweep (default 1e-4: it only ranks the τ;
   * on MNIST 1e-4, 1e-5 and 1e-6 give the same validation log-likelihoods to 0.1 nats, 1e-4 in half the iterations).
   */
  barrierTolerance?: number;
  /** The same rule for the chosen τ refitted on all rows (default 1e-6). */
  refitTolerance?: number;
  /**
   * What "best" means on the validation rows (default 'mean', the likelihood). 'median' ignores the
   * few rows that light pixels almost never lit in the fit rows, which can dominate the mean.
   */
  criterion?: 'mean' | 'median';
}

export const DEFAULT_TAUS = [3, 1, 0.3, 0.1, 0.03, 0.01];
export const DEFAULT_GAMMAS = [0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.8, 1, 1.5, 2, 3];

export interface SmValidationEntry {
  variant: SmVariant;
  /** τ or γ. */
  weight: number;
  positive_definite: boolean;
  /** Mean and median log-likelihood of the validation rows (nats per row), null when Λ is not positive definite. */
  validation_loglik_per_row: number | null;
  validation_loglik_median: number | null;
  /** L-BFGS iterations (barrier) or CG iterations (ridge). */
  iterations: number;
  seconds: number;
}

export interface SmValidationResult {
  fit_rows: number;
  validation_rows: number;
  sweep: SmValidationEntry[];
  chosen: {
    variant: SmVariant;
    weight: number;
    criterion: 'mean' | 'median';
    validation_loglik_per_row: number;
    validation_loglik_median: number;
  };
  /** The chosen variant and weight refitted on all rows. */
  precision: SparsePrecision;
  refit_seconds: number;
}

/**
 * The ridge γ whose positive definite fit scored best on the validation rows by `criterion`, or null when
 * no ridge in the sweep gave a positive definite fit. Other estimators reuse SM's validated ridge (cNCE's).
 */
export function bestRidge(sweep: SmValidationEntry[], criterion: 'mean' | 'median' = 'mean'): number | null {
  const ridges = sweep.filter((e) => e.variant === 'ridge' && e.positive_definite);
  if (ridges.length === 0) return null;
  return ridges.reduce((best, e) => (validationScore(e, criterion) > validationScore(best, criterion) ? e : best)).weight;
}

/** An entry's validation log-likelihood by `criterion` (−∞ for a fit that could not be scored). */
function validationScore(e: SmValidationEntry, criterion: 'mean' | 'median'): number {
  return (criterion === 'mean' ? e.validation_loglik_per_row : e.validation_loglik_median) ?? -Infinity;
}

/** S + γI in local form: γ added to every slot's own second moment. */
export function ridgedLocal(local: LocalSecondMoment, gamma: number): LocalSecondMoment {
  if (!(gamma >= 0 && Number.isFinite(gamma))) throw new Error(`ridgedLocal: gamma must be a finite number ≥ 0, got ${gamma}`);
  const K = local.neighbourhoods.slots;
  const blocks = local.blocks.slice();
  for (let i = 0; i < local.structure.size; i++) {
    for (let a = 0; a < K; a++) if (local.neighbourhoods.pixel[i * K + a] >= 0) blocks[(i * K + a) * K + a] += gamma;
  }
  return { ...local, blocks };
}

/** SM on S + γI (exact, by conjugate gradients). */
export function fitScoreMatchingRidge(local: LocalSecondMoment, gamma: number): { precision: SparsePrecision; iterations: number } {
  const fit = fitScoreMatchingLocal(ridgedLocal(local, gamma), {});
  return { precision: fit.precision, iterations: fit.iterations };
}

/** The barrier fit from a positive definite start (a neighbouring τ's solution), same rule as fitScoreMatchingBarrier. */
export function fitBarrierFrom(
  local: LocalSecondMoment,
  tau: number,
  start: SparsePrecision,
  tolerance: number,
): { precision: SparsePrecision; iterations: number } {
  const { structure } = local;
  const result = minimiseLbfgs((values) => barrierObjective(createPrecision(structure, values), local, tau), start.values, {
    inverseHessian: scoreMatchingHessianSolver(local),
    tolerance,
    gradientScale: Math.sqrt(structure.size),
    maxIterations: 20000,
    name: `SM with log-det barrier (tau ${tau})`,
  });
  return { precision: createPrecision(structure, result.x), iterations: result.iterations };
}

/**
 * Sweeps the barrier τ and the ridge γ on a seeded split of the n rows (n×D, centred: the same rows
 * and units the SM fits use), picks the positive definite fit with the highest mean (or median)
 * validation log-likelihood and refits it on all rows — from `full` when given (e.g. the notebook's local
 * moments of R), else from the rows. Log-likelihoods are in the rows' units: for standardised pixels
 * they differ from raw-unit values by the constant Σᵢ log aᵢ, which leaves the ranking unchanged.
 */
export function validateScoreMatching(
  rows: ArrayLike<number>,
  n: number,
  structure: GridStructure,
  settings: SmValidationSettings,
  full?: LocalSecondMoment,
): SmValidationResult {
  const D = structure.size;
  checkRows('validateScoreMatching', rows, D, n);
  const fraction = settings.validationFraction ?? 0.2;
  const nValidation = Math.round(fraction * n);
  if (!(fraction > 0 && fraction < 1) || nValidation < 1 || n - nValidation < 2) {
    throw new Error(`validateScoreMatching: validationFraction must leave rows on both sides of the split, got ${fraction} of ${n} rows`);
  }
  const taus = [...(settings.taus ?? DEFAULT_TAUS)].sort((a, b) => b - a);
  const gammas = settings.gammas ?? DEFAULT_GAMMAS;
  taus.forEach((t) => {
    if (!(t > 0 && Number.isFinite(t))) throw new Error(`validateScoreMatching: every tau must be a positive number, got ${t}`);
  });
  const tolerance = settings.barrierTolerance ?? 1e-4;
  const criterion = settings.criterion ?? 'mean';
  if (full !== undefined && full.structure.size !== D) {
    throw new Error(`validateScoreMatching: full moments are for ${full.structure.size} pixels, expected ${D}`);
  }

  const order = permutation(n, createRng(settings.seed));
  const pick = (from: number, to: number) => {
    const out = new Float64Array((to - from) * D);
    for (let r = from; r < to; r++) for (let i = 0; i < D; i++) out[(r - from) * D + i] = rows[order[r] * D + i];
    return out;
  };
  const validation = pick(0, nValidation);
  const fitLocal = localFromData(pick(nValidation, n), n - nValidation, structure);
  const score = (precision: SparsePrecision) => {
    if (!choleskyOfPrecision(precision).ok) {
      return { positive_definite: false, validation_loglik_per_row: null, validation_loglik_median: null };
    }
    const perRow = gaussianLogLikelihoods(precision, validation, nValidation);
    const mean = perRow.reduce((a, b) => a + b, 0) / nValidation;
    return { positive_definite: true, validation_loglik_per_row: mean, validation_loglik_median: median(perRow) };
  };

  const sweep: SmValidationEntry[] = [];
  const solutions = new Map<string, SparsePrecision>();
  let previous: SparsePrecision | null = null;
  for (const tau of taus) {
    const start = performance.now();
    const fit: { precision: SparsePrecision; iterations: number } = previous
      ? fitBarrierFrom(fitLocal, tau, previous, tolerance)
      : fitScoreMatchingBarrier(fitLocal, tau, { tolerance });
    previous = fit.precision;
    solutions.set(`barrier ${tau}`, fit.precision);
    const seconds = (performance.now() - start) / 1000;
    sweep.push({ variant: 'barrier', weight: tau, ...score(fit.precision), iterations: fit.iterations, seconds });
  }
  for (const gamma of gammas) {
    const start = performance.now();
    const fit = fitScoreMatchingRidge(fitLocal, gamma);
    const seconds = (performance.now() - start) / 1000;
    sweep.push({ variant: 'ridge', weight: gamma, ...score(fit.precision), iterations: fit.iterations, seconds });
  }
  const best = sweep.filter((e) => e.positive_definite).sort((a, b) => validationScore(b, criterion) - validationScore(a, criterion))[0];
  if (!best) throw new Error(`validateScoreMatching: no fit in the sweep is positive definite (taus ${taus}, gammas ${gammas})`);

  const start = performance.now();
  const allLocal = full ?? localFromData(rows, n, structure);
  const precision =
    best.variant === 'ridge'
      ? fitScoreMatchingRidge(allLocal, best.weight).precision
      : fitBarrierFrom(allLocal, best.weight, solutions.get(`barrier ${best.weight}`)!, settings.refitTolerance ?? 1e-6).precision;
  return {
    fit_rows: n - nValidation,
    validation_rows: nValidation,
    sweep,
    chosen: {
      variant: best.variant,
      weight: best.weight,
      criterion,
      validation_loglik_per_row: best.validation_loglik_per_row!,
      validation_loglik_median: best.validation_loglik_median!,
    },
    precision,
    refit_seconds: (performance.now() - start) / 1000,
  };
}
