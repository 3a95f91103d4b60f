// Gradient training of a sparse precision's free values θ (plus scalar extras such as NCE's c):
// Adam with an exponentially decaying learning rate, a loss curve, a NaN/Inf guard that names the
// estimator, step and term, and — where the estimator needs a density — Λ kept above an eigenvalue
// floor by a fraction-to-the-boundary rule (a step may use at most half of the room Λ − ηI has left
// in any direction, checked by a float64 banded Cholesky), optionally along a log-barrier path.
// Parameters stay in float64 here; each estimator supplies its loss terms and gradient (from
// TensorFlow.js autodiff or from the closed-form gradient of a log-linear model).
import { createAdamMoments } from '../../linalg/adam';
import { createPrecision, SparsePrecision } from '../model/precision';
import { choleskyOfPrecision, eigenvaluesAbove, inverseOnPattern, smallestEigenvalue } from '../model/positive-definite';
import { GridStructure, parameterCount } from '../model/structure';
import { OnProgress, progressReporter } from '../../progress';
import { fitStatus, FitStatusRecord } from '../fit-status';

/** Named loss terms (`total` is minimised) and ∂total/∂θ at θ = [precision values, extras]. */
export type LossAndGradient = (theta: Float64Array, step: number) => { terms: { total: number } & Record<string, number>; gradient: Float64Array };

export interface TrainOptions {
  /** Named in errors and progress, e.g. "NCE (8-connected, ν = 10)". */
  estimator: string;
  steps: number;
  learningRate: number;
  /** Learning rate at the last step (exponential decay from learningRate; default: constant). */
  finalLearningRate?: number;
  /** Keep Λ positive definite (NCE, cNCE); SM's quadratic loss needs no density. */
  keepPositiveDefinite: boolean;
  /**
   * With keepPositiveDefinite: keep λ_min(Λ) above this floor η, so no direction gets a variance
   * above 1/η (default 0: plain positive definiteness). If the start is already below η, the floor
   * becomes half the start's smallest eigenvalue.
   */
  eigenvalueFloor?: number;
  /**
   * With keepPositiveDefinite: a log-barrier path, −μ log det(Λ − ηI) added to the loss with μ falling
   * geometrically from `start` to `end` over the steps (in the loss's own units). Near the floor its
   * push lets Λ slide along the boundary instead of pressing into it; as μ → 0 the path approaches
   * the loss's minimiser over Λ ⪰ ηI. The loss curve leaves the barrier out.
   */
  barrier?: { start: number; end: number };
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
  /** The barrier path's weights μ (TrainOptions.barrier), in the estimator's loss units. */
  barrier?: { start: number; end: number };
  onProgress?: OnProgress;
}

/** NCE's and cNCE's minibatch settings as TrainOptions, with Λ kept a density (above the floor) at every step. */
function densityTrainOptions(estimator: string, options: MinibatchFitOptions): TrainOptions {
  return {
    estimator,
    steps: options.steps,
    learningRate: options.learningRate,
    finalLearningRate: options.finalLearningRate,
    keepPositiveDefinite: true,
    eigenvalueFloor: options.eigenvalueFloor,
    barrier: options.barrier,
    onProgress: options.onProgress,
  };
}

export interface TrainResult {
  precision: SparsePrecision;
  extras: number[];
  /** Total loss before each step. */
  curve: number[];
  seconds: number;
  /** Steps whose Λ part was shortened by the fraction-to-the-boundary rule. */
  stepBacks: number;
  /**
   * Steps whose Λ part was cut below 2⁻¹⁰ of its length: Λ, pressed against the floor, effectively
   * stayed put (../fit-status counts them against 'trained').
   */
  skipped: number;
  /** λ_min(Λ) − η at the start and at the end: how much room above the floor the fit left (0 without a density check). */
  room: { start: number; end: number };
}

/** The share of the room Λ − ηI that one step may use up in any direction. */
export const BOUNDARY_FRACTION = 0.5;
/** A step cut below 2^−SKIP_HALVINGS of its length counts as skipped. */
const SKIP_HALVINGS = 10;
/** Past this many halvings the room left is below float64's resolution: Λ is on the floor and stays put. */
const MAX_STEP_HALVINGS = 60;

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
  const startEigenvalue = options.keepPositiveDefinite ? smallestEigenvalue(init.precision) : 0;
  const floor = options.keepPositiveDefinite && (options.eigenvalueFloor ?? 0) > 0 ? Math.min(options.eigenvalueFloor!, 0.5 * startEigenvalue) : 0;
  const barrier = options.keepPositiveDefinite ? options.barrier : undefined;
  if (barrier && !(barrier.start >= barrier.end && barrier.end > 0 && Number.isFinite(barrier.start))) {
    throw new Error(`${options.estimator}: the barrier's weights must fall from start to end > 0, got ${barrier.start} → ${barrier.end}`);
  }
  const barrierDecay = barrier ? Math.pow(barrier.end / barrier.start, 1 / Math.max(1, options.steps - 1)) : 1;
  for (let step = 0; step < options.steps; step++) {
    const { terms, gradient } = lossAndGradient(theta, step);
    for (const [name, value] of Object.entries(terms)) {
      if (!Number.isFinite(value)) throw new Error(`${options.estimator}: step ${step}: ${name === 'total' ? 'loss' : name} is ${value}`);
    }
    const bad = gradient.findIndex((g) => !Number.isFinite(g));
    if (bad >= 0) throw new Error(`${options.estimator}: step ${step}: gradient of parameter ${bad} is ${gradient[bad]}`);
    const t = step + 1;
    if (barrier) addBarrierGradient(gradient, structure, theta.subarray(0, P), floor, barrier.start * Math.pow(barrierDecay, step));
    const direction = adam.direction(gradient);
    // Fraction to the boundary: Λ's part Δ of the step is halved until Λ + Δ − ηI ⪰ (1 − κ)(Λ − ηI),
    // i.e. κ(Λ − ηI) + Δ ≻ 0 with κ = BOUNDARY_FRACTION. Since κ(Λ − ηI) ≻ 0, some halving passes,
    // so Λ approaches the floor only geometrically and a step never lands next to the edge with
    // nothing left for the next. The extras (NCE's c) always take their full step: the constraint
    // is on Λ alone. (The alternatives and their measurements are in docs/decisions.md.)
    const stepped = (scale: number) => theta.map((value, i) => value - (i < P ? scale : learningRate) * direction[i]);
    let scale = learningRate;
    let thetaNext = stepped(scale);
    let shrinks = 0;
    while (options.keepPositiveDefinite && !eigenvaluesAbove(boundaryCheck(structure, theta, thetaNext, P), BOUNDARY_FRACTION * floor)) {
      scale = ++shrinks > MAX_STEP_HALVINGS ? 0 : scale / 2;
      thetaNext = stepped(scale);
      if (scale === 0) break;
    }
    if (shrinks > SKIP_HALVINGS) skipped++;
    else if (shrinks > 0) stepBacks++;
    theta = thetaNext;
    curve.push(terms.total);
    progress.update(t, { loss: terms.total });
    learningRate *= decay;
  }
  progress.finish();
  const precision = createPrecision(structure, theta.subarray(0, P));
  return {
    precision,
    extras: Array.from(theta.subarray(P)),
    curve,
    seconds: (performance.now() - start) / 1000,
    stepBacks,
    skipped,
    room: options.keepPositiveDefinite ? { start: startEigenvalue - floor, end: smallestEigenvalue(precision) - floor } : { start: 0, end: 0 },
  };
}

/** Adds ∂/∂θ of −μ log det(Λ − ηI), −μ(Λ − ηI)⁻¹ on the pattern (edges twice: each stands for two entries), to the Λ part of `gradient`. */
function addBarrierGradient(gradient: Float64Array, structure: GridStructure, lambda: Float64Array, floor: number, mu: number): void {
  const D = structure.size;
  const shifted = createPrecision(structure, lambda);
  for (let i = 0; i < D; i++) shifted.diagonal[i] -= floor;
  const outcome = choleskyOfPrecision(shifted);
  // Only a Λ stuck on the floor (room below float64's resolution) fails here; it has no barrier gradient to give.
  if (!outcome.ok) return;
  const inverse = inverseOnPattern(shifted, outcome.factor);
  for (let j = 0; j < inverse.values.length; j++) gradient[j] -= mu * (j < D ? 1 : 2) * inverse.values[j];
}

/** κΛ + (Λ_next − Λ) as a precision: λ_min above κη exactly when the step keeps the fraction-to-the-boundary rule. */
function boundaryCheck(structure: GridStructure, theta: Float64Array, thetaNext: Float64Array, P: number): SparsePrecision {
  const values = new Float64Array(P);
  for (let i = 0; i < P; i++) values[i] = BOUNDARY_FRACTION * theta[i] + (thetaNext[i] - theta[i]);
  return createPrecision(structure, values);
}

/**
 * A minibatch fit converged when its full-sample gradient on Λ is within this many standard errors
 * of zero. With a zero expected gradient ‖ḡ‖/SE concentrates near 1 (it sums over every free value);
 * the margin allows for the standard error's own error.
 */
export const NOISE_MULTIPLE = 1.5;
/** A fit whose room λ_min − η fell below this share of its start's ended at the floor. */
export const EDGE_ROOM = 0.1;
/** The full-sample loss is split into this many equal batches for the standard error of its gradient. */
export const GRADIENT_BATCHES = 16;

/** What decides a minibatch fit's status besides its steps: the full-sample gradient on Λ with its standard error, and the room above the floor. */
export interface MinibatchConvergence {
  gradient_start: number;
  gradient_standard_error_start: number;
  gradient_end: number;
  gradient_standard_error_end: number;
  room_start: number;
  room_end: number;
  converged: boolean;
}

/**
 * The norm of the full-sample gradient on Λ's free values (the first `count` entries) and its
 * standard error, from the gradients of equal batches of the sample's rows, each of the mean loss
 * over its batch: ḡ is their mean and SE² = Σ_b ‖g_b − ḡ‖² / (B(B − 1)), which is E‖ḡ‖² when the
 * expected gradient is zero.
 */
export function gradientWithError(batchGradients: Float64Array[], count: number): { norm: number; standardError: number } {
  const B = batchGradients.length;
  if (B < 2) throw new Error(`gradientWithError: need at least 2 batch gradients, got ${B}`);
  const mean = new Float64Array(count);
  for (const g of batchGradients) for (let j = 0; j < count; j++) mean[j] += g[j] / B;
  let spread = 0;
  for (const g of batchGradients) for (let j = 0; j < count; j++) spread += (g[j] - mean[j]) ** 2;
  let norm = 0;
  for (let j = 0; j < count; j++) norm += mean[j] * mean[j];
  return { norm: Math.sqrt(norm), standardError: Math.sqrt(spread / (B * (B - 1))) };
}

/**
 * The status of a minibatch density fit (../fit-status).
 * - 'cone edge' when the fit used up all but EDGE_ROOM of its room above the floor: measured on
 *   MNIST, the exercise's fits end with 10⁻³ of it or less, whatever the constraint method, because
 *   the loss's minimiser over Λ ⪰ ηI lies on the floor; η, not the data, then decides the fit.
 * - 'not converged' unless the full-sample loss the minibatches estimate has a gradient on Λ within
 *   NOISE_MULTIPLE standard errors of zero: a minibatch fit never reaches a zero gradient, but it
 *   should leave none that its own sample can resolve.
 */
export function minibatchStatus(
  start: SparsePrecision,
  result: TrainResult,
  batchGradients: (precision: SparsePrecision) => Float64Array[],
): { status: FitStatusRecord; convergence: MinibatchConvergence } {
  const count = start.values.length;
  const atStart = gradientWithError(batchGradients(start), count);
  const atEnd = gradientWithError(batchGradients(result.precision), count);
  const converged = atEnd.norm <= NOISE_MULTIPLE * atEnd.standardError;
  const { room } = result;
  const failure = room.end < EDGE_ROOM * room.start ? ('cone edge' as const) : undefined;
  const status = fitStatus({ steps: result.curve.length, skipped: result.skipped, start, end: result.precision, converged, failure });
  return {
    status,
    convergence: {
      gradient_start: atStart.norm,
      gradient_standard_error_start: atStart.standardError,
      gradient_end: atEnd.norm,
      gradient_standard_error_end: atEnd.standardError,
      room_start: room.start,
      room_end: room.end,
      converged,
    },
  };
}

/** The GRADIENT_BATCHES runs [from, to) that cut `count` rows into nearly equal batches. */
export function batchRanges(count: number): [number, number][] {
  const edge = (b: number) => Math.floor((b * count) / GRADIENT_BATCHES);
  return Array.from({ length: GRADIENT_BATCHES }, (_, b) => [edge(b), edge(b + 1)]);
}

/**
 * How NCE and cNCE train: trainPrecision with their minibatch settings and Λ kept above the floor,
 * then minibatchStatus, whose full-sample batch gradients the estimator supplies (with the extras
 * held at their trained values).
 */
export function trainDensity(
  structure: GridStructure,
  init: { precision: SparsePrecision; extras?: number[] },
  lossAndGradient: LossAndGradient,
  estimator: string,
  options: MinibatchFitOptions,
  batchGradients: (precision: SparsePrecision, extras: number[]) => Float64Array[],
): TrainResult & { status: FitStatusRecord; convergence: MinibatchConvergence } {
  const result = trainPrecision(structure, init, lossAndGradient, densityTrainOptions(estimator, options));
  const { status, convergence } = minibatchStatus(init.precision, result, (precision) => batchGradients(precision, result.extras));
  return { ...result, status, convergence };
}
