// NCE and cNCE on a fixed sample — the data with a noise pool, or data with noisy partners drawn
// once — are logistic regressions on the pattern features f(x) of pattern-features.ts: each row i
// contributes wᵢ·softplus(−zᵢ) with zᵢ linear in θ = [Λ values, ĉ] (see LogisticBlock). The
// sample loss is therefore convex and its minimiser *is* the estimator. Minibatch Adam only
// approaches it, and on a 28×28 grid (2,296 values) what it leaves — or, from a warm start, what it
// never moves — is as large as the statistical error a ground-truth study sets out to measure.
// Full-batch L-BFGS reaches the minimiser to a stated gradient tolerance instead.
//
// Λ outside the positive-definite cone is no density: the objective reports it as outside its
// domain and the line search steps back. When too few rows pin the parameters down (a logistic
// regression with rows ≲ 2·P has no finite optimum), the minimiser sits on that boundary; the fit
// reports it.
import { minimiseLbfgs } from '../../linalg/lbfgs';
import { createPrecision, patternInner, SparsePrecision } from '../model/precision';
import { choleskyOfPrecision, eigenvaluesAbove, smallestEigenvalue } from '../model/positive-definite';
import { GridStructure, parameterCount } from '../model/structure';
import { LogisticBlock } from './logistic-loss';
import { logisticLossEvaluator } from './parallel-loss';
import { fitStatus, FitStatusRecord } from '../fit-status';

/** A fit that stalls with λ_min below this share of its start's has run into the cone's edge. */
const STALLED_AT_EDGE = 1e-6;

export interface FullBatchOptions {
  /**
   * Stop when ‖∇‖ ≤ tolerance · ‖∇ at the start‖ (default 1e-6). The problems are ill-conditioned:
   * on 28×28 NCE, 1e-4 stopped 6% (relative Frobenius) short of the minimiser; 1e-5, 1e-6 and 1e-8
   * agreed to 2e-4.
   */
  tolerance?: number;
  /** Default 1000. */
  maxIterations?: number;
  /** Threads per evaluation (default threadCount(), ../../parallel/pool). */
  threads?: number;
  /**
   * Stop as soon as λ_min(Λ) falls below this (default 0: never). A loss that keeps falling towards
   * a singular Λ has no Gaussian minimiser; following it to λ_min ≈ 0 took up to 150 iterations on
   * 28×28, against about 30 to get within 10⁻³ of the edge.
   */
  edgeEigenvalue?: number;
}

export interface FullBatchFit {
  precision: SparsePrecision;
  /** ĉ for NCE; empty for cNCE. */
  extras: number[];
  /** The sample loss at the end. */
  loss: number;
  iterations: number;
  /** ‖∇‖ / ‖∇ at the start‖ at the end. */
  relativeGradient: number;
  /** relativeGradient ≤ tolerance. */
  converged: boolean;
  /**
   * Why the fit stopped: "converged"; "cone edge" (λ_min fell below edgeEigenvalue); "stalled" (the
   * line search found no decrease) or "iteration cap".
   */
  stop: 'converged' | 'cone edge' | 'stalled' | 'iteration cap';
  /** λ_min of the result: near 0 means the minimiser lies on (or beyond) the positive-definite boundary. */
  minEigenvalue: number;
  /**
   * 'trained' or why not (./fit-status): 'cone edge' when the fit stopped at the edge or stalled with
   * λ_min below STALLED_AT_EDGE × the start's (the minimiser lies on or beyond the boundary),
   * 'not converged' for any other stop short of the tolerance.
   */
  status: FitStatusRecord;
  /** Threads that shared each evaluation (see parallel-loss.ts). */
  threads: number;
  seconds: number;
}

/** value + w‖Λ‖²_F and its gradient, for θ = [D diagonal values, edge values, extras] (edges count twice). */
function withFrobenius(result: { value: number; gradient: Float64Array }, theta: Float64Array, D: number, P: number, weight: number) {
  if (weight === 0) return result;
  const lambda = theta.subarray(0, P);
  const gradient = Float64Array.from(result.gradient);
  for (let i = 0; i < P; i++) gradient[i] += 2 * weight * (i < D ? 1 : 2) * lambda[i];
  return { value: result.value + weight * patternInner(lambda, lambda, D), gradient };
}

/**
 * Minimises the blocks' summed loss over θ = [Λ values, (ĉ)] from `init`, keeping Λ positive definite.
 * A non-finite loss or gradient inside the cone throws, naming the estimator and the evaluation.
 */
export function minimiseLogisticLoss(
  structure: GridStructure,
  init: { precision: SparsePrecision; extra?: number },
  blocks: LogisticBlock[],
  options: FullBatchOptions & {
    estimator: string;
    extraScale?: number;
    /** Adds this weight times ‖Λ‖²_F (each off-diagonal value counted twice) to the loss (default 0). */
    frobeniusWeight?: number;
  },
): FullBatchFit {
  const start = performance.now();
  const P = parameterCount(structure);
  const frobeniusWeight = options.frobeniusWeight ?? 0;
  if (!(frobeniusWeight >= 0 && Number.isFinite(frobeniusWeight)))
    throw new Error(`minimiseLogisticLoss: frobeniusWeight must be a finite number ≥ 0, got ${frobeniusWeight}`);
  const extraScale = options.extraScale ?? 1;
  const tolerance = options.tolerance ?? 1e-6;
  const x0 = Float64Array.from(init.extra === undefined ? init.precision.values : [...init.precision.values, init.extra]);
  const maxIterations = options.maxIterations ?? 1000;
  // ĉ moves z by γ per unit, Λ's values by O(feature) ≈ O(1): scale ĉ's step by 1/γ².
  const inverseHessianDiagonal = Float64Array.from(x0, (_, i) => (i < P ? 1 : 1 / (extraScale * extraScale)));
  let evaluations = 0;
  const evaluator = logisticLossEvaluator(blocks, structure, x0.length, extraScale, options.threads);
  const objective = (theta: Float64Array) => {
    evaluations++;
    if (!choleskyOfPrecision(createPrecision(structure, theta.subarray(0, P))).ok) return null;
    const result = withFrobenius(evaluator.evaluate(theta), theta, structure.size, P, frobeniusWeight);
    if (!Number.isFinite(result.value)) throw new Error(`${options.estimator}: evaluation ${evaluations}: loss is ${result.value}`);
    const bad = result.gradient.findIndex((g) => !Number.isFinite(g));
    if (bad >= 0) throw new Error(`${options.estimator}: evaluation ${evaluations}: gradient of parameter ${bad} is ${result.gradient[bad]}`);
    return result;
  };
  const edge = options.edgeEigenvalue ?? 0;
  let atEdge = false;
  const stopAt = (theta: Float64Array) => {
    atEdge = edge > 0 && !eigenvaluesAbove(createPrecision(structure, theta.subarray(0, P)), edge);
    return atEdge;
  };
  let result: ReturnType<typeof minimiseLbfgs>;
  try {
    result = minimiseLbfgs(objective, x0, { inverseHessianDiagonal, tolerance, maxIterations, name: options.estimator, stopWhenStalled: true, stopAt });
  } finally {
    evaluator.close();
  }
  const converged = result.relativeGradient <= tolerance;
  const precision = createPrecision(structure, result.x.subarray(0, P));
  const minEigenvalue = smallestEigenvalue(precision);
  const onEdge = atEdge || (!converged && minEigenvalue < STALLED_AT_EDGE * smallestEigenvalue(init.precision));
  const failure = onEdge ? ('cone edge' as const) : undefined;
  const status = fitStatus({ steps: result.iterations, skipped: 0, start: init.precision, end: precision, converged, failure });
  return {
    precision,
    extras: Array.from(result.x.subarray(P)),
    loss: result.value,
    iterations: result.iterations,
    relativeGradient: result.relativeGradient,
    converged,
    stop: converged ? 'converged' : atEdge ? 'cone edge' : result.iterations >= maxIterations ? 'iteration cap' : 'stalled',
    minEigenvalue,
    status,
    threads: evaluator.threads,
    seconds: (performance.now() - start) / 1000,
  };
}
