// Gradient training of a sparse precision's free values θ (plus scalar extras such as NCE's c):
// Adam with an exponentially decaying learning rate, a loss curve, a NaN/Inf guard that names the
// estimator, step and term, and — where the estimator needs a density — positive definiteness kept
// by a float64 banded Cholesky check after every step: a step that leaves the cone is undone and
// the learning rate halved. Parameters stay in float64 here; each estimator supplies its loss terms
// and gradient (from TensorFlow.js autodiff or from the closed-form gradient of a log-linear model).
import { createPrecision, SparsePrecision } from './precision';
import { choleskyOfPrecision, smallestEigenvalue } from './positive-definite';
import { GridStructure, parameterCount } from './structure';
import { createProgress } from '../report/progress';

/** Named loss terms (`total` is minimised) and ∂total/∂θ at θ = [precision values, extras]. */
export type LossAndGradient = (theta: Float64Array, step: number) => { terms: { total: number } & Record<string, number>; gradient: Float64Array };

export interface TrainOptions {
  /** Named in errors and progress, e.g. "NCE (8-connected, ν = 10)". */
  estimator: string;
  steps: number;
  learningRate: number;
  /** Learning rate at the last step (exponential decay from learningRate; default: constant). */
  finalLearningRate?: number;
  /** Undo steps that make Λ indefinite (NCE, cNCE); SM's quadratic loss needs no density. */
  keepPositiveDefinite: boolean;
  /**
   * With keepPositiveDefinite: also undo steps that take λ_min(Λ) below this floor η (Cholesky of
   * Λ − ηI), so no direction gets a variance above 1/η (default 0: plain positive definiteness).
   * If the start is already below η, the floor becomes half the start's smallest eigenvalue.
   */
  eigenvalueFloor?: number;
}

export interface TrainResult {
  precision: SparsePrecision;
  extras: number[];
  /** Total loss before each step. */
  curve: number[];
  seconds: number;
  /** Steps undone because Λ left the positive definite cone. */
  stepBacks: number;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;
const MAX_STEP_BACKS_IN_A_ROW = 40;

export function trainPrecision(
  structure: GridStructure,
  init: { precision: SparsePrecision; extras?: number[] },
  lossAndGradient: LossAndGradient,
  options: TrainOptions,
): TrainResult {
  const P = parameterCount(structure);
  const start = performance.now();
  let theta = Float64Array.from([...init.precision.values, ...(init.extras ?? [])]);
  const n = theta.length;
  let m = new Float64Array(n);
  let v = new Float64Array(n);
  let learningRate = options.learningRate;
  const decay = options.finalLearningRate === undefined ? 1 : Math.pow(options.finalLearningRate / options.learningRate, 1 / Math.max(1, options.steps - 1));
  const curve: number[] = [];
  const progress = createProgress(options.estimator, options.steps);
  let stepBacks = 0;
  let backsInARow = 0;
  // A start already below the floor keeps half its own smallest eigenvalue as the floor.
  const floor = options.keepPositiveDefinite && (options.eigenvalueFloor ?? 0) > 0 ? Math.min(options.eigenvalueFloor!, 0.5 * smallestEigenvalue(init.precision)) : 0;
  for (let step = 0; step < options.steps; ) {
    const { terms, gradient } = lossAndGradient(theta, step);
    for (const [name, value] of Object.entries(terms)) {
      if (!Number.isFinite(value)) throw new Error(`${options.estimator}: step ${step}: ${name === 'total' ? 'loss' : name} is ${value}`);
    }
    const bad = gradient.findIndex((g) => !Number.isFinite(g));
    if (bad >= 0) throw new Error(`${options.estimator}: step ${step}: gradient of parameter ${bad} is ${gradient[bad]}`);
    const t = step + 1;
    const mNext = new Float64Array(n);
    const vNext = new Float64Array(n);
    const thetaNext = new Float64Array(n);
    const correction1 = 1 - Math.pow(BETA1, t);
    const correction2 = 1 - Math.pow(BETA2, t);
    for (let i = 0; i < n; i++) {
      mNext[i] = BETA1 * m[i] + (1 - BETA1) * gradient[i];
      vNext[i] = BETA2 * v[i] + (1 - BETA2) * gradient[i] * gradient[i];
      thetaNext[i] = theta[i] - (learningRate * (mNext[i] / correction1)) / (Math.sqrt(vNext[i] / correction2) + EPSILON);
    }
    if (options.keepPositiveDefinite && !aboveFloor(createPrecision(structure, thetaNext.subarray(0, P)), floor)) {
      learningRate /= 2;
      stepBacks++;
      if (++backsInARow > MAX_STEP_BACKS_IN_A_ROW) {
        throw new Error(`${options.estimator}: step ${step}: could not keep the precision positive definite (learning rate halved ${MAX_STEP_BACKS_IN_A_ROW} times)`);
      }
      continue;
    }
    backsInARow = 0;
    [theta, m, v] = [thetaNext, mNext, vNext];
    curve.push(terms.total);
    progress.update(t, { loss: terms.total });
    learningRate *= decay;
    step++;
  }
  progress.finish();
  return {
    precision: createPrecision(structure, theta.subarray(0, P)),
    extras: Array.from(theta.subarray(P)),
    curve,
    seconds: (performance.now() - start) / 1000,
    stepBacks,
  };
}

function aboveFloor(precision: SparsePrecision, floor: number): boolean {
  for (let i = 0; i < precision.diagonal.length; i++) precision.diagonal[i] -= floor;
  return choleskyOfPrecision(precision).ok;
}
