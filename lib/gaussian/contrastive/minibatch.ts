// Gradient training of a sparse precision's free values θ (plus scalar extras such as NCE's c):
// Adam with an exponentially decaying learning rate, a loss curve, a NaN/Inf guard that names the
// estimator, step and term, and — where the estimator needs a density — positive definiteness kept
// by a float64 banded Cholesky check after every step: a step that leaves the cone is halved until
// it stays inside. Parameters stay in float64 here; each estimator supplies its loss terms
// and gradient (from TensorFlow.js autodiff or from the closed-form gradient of a log-linear model).
import { createAdamMoments } from '../../linalg/adam';
import { createPrecision, SparsePrecision } from '../model/precision';
import { eigenvaluesAbove, smallestEigenvalue } from '../model/positive-definite';
import { GridStructure, parameterCount } from '../model/structure';
import { OnProgress, progressReporter } from '../../progress';

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
   * With keepPositiveDefinite: also shorten steps that take λ_min(Λ) below this floor η (Cholesky of
   * Λ − ηI), so no direction gets a variance above 1/η (default 0: plain positive definiteness).
   * If the start is already below η, the floor becomes half the start's smallest eigenvalue.
   */
  eigenvalueFloor?: number;
  onProgress?: OnProgress;
}

/** What the minibatch estimators (NCE, cNCE) are told; trainPrecision gets the rest from them. */
export interface MinibatchFitOptions {
  steps: number;
  /** Examples per step (what counts as one is the estimator's to say). */
  batchSize: number;
  learningRate: number;
  finalLearningRate: number;
  seed: number;
  /** Starting precision (default: identity, the diagonal fit for standardised data). */
  init?: SparsePrecision;
  /** Keep λ_min(Λ) ≥ this (see TrainOptions.eigenvalueFloor; default 0). */
  eigenvalueFloor?: number;
  onProgress?: OnProgress;
}

/** How NCE and cNCE train: their minibatch settings, with Λ kept a density (above the floor) at every step. */
export function densityTrainOptions(estimator: string, options: MinibatchFitOptions): TrainOptions {
  return {
    estimator,
    steps: options.steps,
    learningRate: options.learningRate,
    finalLearningRate: options.finalLearningRate,
    keepPositiveDefinite: true,
    eigenvalueFloor: options.eigenvalueFloor,
    onProgress: options.onProgress,
  };
}

export interface TrainResult {
  precision: SparsePrecision;
  extras: number[];
  /** Total loss before each step. */
  curve: number[];
  seconds: number;
  /** Steps whose Λ part was shortened because the full step left the cone (or crossed the floor). */
  stepBacks: number;
  /** Steps in which Λ stayed put because even 2⁻¹⁰ of its step left the cone (it sits on the floor). */
  skipped: number;
}

const MAX_STEP_HALVINGS = 10;

export function trainPrecision(
  structure: GridStructure,
  init: { precision: SparsePrecision; extras?: number[] },
  lossAndGradient: LossAndGradient,
  options: TrainOptions,
): TrainResult {
  const P = parameterCount(structure);
  const start = performance.now();
  let theta = Float64Array.from([...init.precision.values, ...(init.extras ?? [])]);
  const adam = createAdamMoments(theta.length);
  let learningRate = options.learningRate;
  const decay = options.finalLearningRate === undefined ? 1 : Math.pow(options.finalLearningRate / options.learningRate, 1 / Math.max(1, options.steps - 1));
  const curve: number[] = [];
  const progress = progressReporter(options.onProgress, options.estimator, options.steps);
  let stepBacks = 0;
  let skipped = 0;
  // A start already below the floor keeps half its own smallest eigenvalue as the floor.
  const floor =
    options.keepPositiveDefinite && (options.eigenvalueFloor ?? 0) > 0 ? Math.min(options.eigenvalueFloor!, 0.5 * smallestEigenvalue(init.precision)) : 0;
  for (let step = 0; step < options.steps; step++) {
    const { terms, gradient } = lossAndGradient(theta, step);
    for (const [name, value] of Object.entries(terms)) {
      if (!Number.isFinite(value)) throw new Error(`${options.estimator}: step ${step}: ${name === 'total' ? 'loss' : name} is ${value}`);
    }
    const bad = gradient.findIndex((g) => !Number.isFinite(g));
    if (bad >= 0) throw new Error(`${options.estimator}: step ${step}: gradient of parameter ${bad} is ${gradient[bad]}`);
    const t = step + 1;
    const direction = adam.direction(gradient);
    // A step that leaves the cone (or crosses the floor) is retried with Λ's part at half the
    // length, for this step only, and Λ is kept (Adam's moments still updated) after
    // MAX_STEP_HALVINGS tries. The extras (NCE's c) always take their full step: the constraint is
    // on Λ alone, and c must follow Λ even while Λ sits on the floor. (The alternatives and their
    // measurements are in docs/decisions.md.)
    const stepped = (scale: number) => theta.map((value, i) => value - (i < P ? scale : learningRate) * direction[i]);
    let scale = learningRate;
    let thetaNext = stepped(scale);
    let shrinks = 0;
    while (options.keepPositiveDefinite && !eigenvaluesAbove(createPrecision(structure, thetaNext.subarray(0, P)), floor)) {
      shrinks++;
      scale = shrinks > MAX_STEP_HALVINGS ? 0 : scale / 2;
      thetaNext = stepped(scale);
      if (scale === 0) break;
    }
    if (shrinks > MAX_STEP_HALVINGS) skipped++;
    else if (shrinks > 0) stepBacks++;
    theta = thetaNext;
    curve.push(terms.total);
    progress.update(t, { loss: terms.total });
    learningRate *= decay;
  }
  progress.finish();
  return {
    precision: createPrecision(structure, theta.subarray(0, P)),
    extras: Array.from(theta.subarray(P)),
    curve,
    seconds: (performance.now() - start) / 1000,
    stepBacks,
    skipped,
  };
}
