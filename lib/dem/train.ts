// Score-matching training of the DEM: mini-batch Adam over seeded shuffles of the training rows,
// the training loss (mean over the epoch's mini-batches) and the hold-out loss after every epoch
// (always the exact SM loss, also when another objective — denoising or sliced SM — drives the steps),
// and a stop with a clear error at the first non-finite loss term or gradient — before that step's
// update, so the parameters stay at their last finite values.
import * as tf from '@tensorflow/tfjs';
import { OnProgress, progressReporter } from '../progress';
import { createRng, permutation } from '../random';
import { createAdam } from '../tf/adam';
import { Dem, PARAM_NAMES, ParamName } from './model';
import { SM_TERMS } from './score-matching';
import { DemObjective } from './objective';
import { batchGradient, gradientPool } from './parallel';
import { threadCount } from '../parallel/pool';
import { smLossOfRows, meanOf } from './evaluate';

export interface TrainOptions {
  /** Names the run in progress lines and errors, e.g. "whitened-sigma1". */
  run: string;
  epochs: number;
  batchSize: number;
  /** Adam's step size at the first step. */
  learningRate: number;
  /** Step size at the last step, reached by linear decay (default: learningRate, i.e. constant). */
  finalLearningRate?: number;
  /** Share of the steps over which the step size decays, in (0, 1]; the rest stay at finalLearningRate (default 1). */
  decayFraction?: number;
  /** Seeds the shuffling (the initial parameters are seeded by createDem). */
  seed: number;
  /** Parameters that Adam updates (default all); the others stay fixed. */
  trainable?: readonly ParamName[];
  /** Hold-out rows scored after every epoch (default all; a cap keeps long hold-out sets cheap). */
  holdoutRows?: number;
  /** Threads sharing each batch (default threadCount(): 2 on a multi-core machine; see ./parallel). */
  threads?: number;
  /**
   * Keep every filter's norm ‖vⱼ‖ at its value before training (each Adam step is followed by a
   * rescaling of the rows of V), so that training changes the filters' directions only.
   * Measured on whitened patches: unconstrained, a few filters grow to ‖vⱼ‖ ≈ 10–17 within ten epochs,
   * their sigmoids turn into steps through the origin and the filters look like noise.
   */
  fixedFilterNorms?: boolean;
  onProgress?: OnProgress;
  /** What the steps minimise (default: the exact SM loss, on `threads` threads); other objectives run on one thread. */
  objective?: DemObjective;
}

export interface TrainHistory {
  run: string;
  epochs: number;
  steps: number;
  batchSize: number;
  learningRate: number;
  finalLearningRate: number;
  decayFraction: number;
  threads: number;
  /** Per epoch: mean of the mini-batch losses seen during that epoch. */
  trainLoss: number[];
  /** Per epoch: loss on the hold-out rows after the epoch. */
  holdoutLoss: number[];
  /** Hold-out loss of the initial parameters. */
  initialHoldoutLoss: number;
  /** Wall time of the gradient steps and updates only (what samplesPerSecond divides by). */
  trainSeconds: number;
  /** Including the hold-out evaluations. */
  totalSeconds: number;
  samplesPerSecond: number;
}

/** Gives the notebook's display a chance to update during long synchronous tfjs work. */
const YIELD_EVERY_MS = 250;
const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface StepSchedule {
  learningRate: number;
  finalLearningRate: number;
  /** Share of the steps, in (0, 1], over which the step size decays; the rest stay at finalLearningRate. */
  decayFraction: number;
  totalSteps: number;
}

/**
 * Adam's step size at step t (0-based) of schedule.totalSteps: linear decay from learningRate at t = 0 to
 * finalLearningRate at t = e = round(decayFraction · (totalSteps − 1)), then constant (a one-step run uses
 * learningRate). decayFraction 1 decays over the whole run. Below 1 the last steps run at the final step
 * size, so that a hold-out curve flattening there shows convergence at that step size, not the gain of a
 * step size still shrinking (measured on the DEM, where that gain alone made the curve look unfinished:
 * see demSettings in ./experiment).
 */
export function stepSize(t: number, schedule: StepSchedule): number {
  const { learningRate, finalLearningRate, decayFraction, totalSteps } = schedule;
  const end = Math.max(1, Math.round(decayFraction * (totalSteps - 1)));
  if (t >= end) return finalLearningRate;
  return learningRate + ((finalLearningRate - learningRate) * t) / end;
}

function checkPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new Error(`trainDem: ${name} must be a positive integer, got ${value}`);
}

/** Raises the error the issue asks for: which run, epoch, step and term went non-finite. */
function checkFinite(
  run: string,
  objective: string,
  termNames: readonly string[],
  epoch: number,
  step: number,
  stepsPerEpoch: number,
  termValues: Float32Array | Int32Array | Uint8Array,
  gradNames: string[],
): void {
  const names = [...termNames, ...gradNames.map((name) => `gradient of ${name}`)];
  for (let i = 0; i < names.length; i++) {
    if (!Number.isFinite(termValues[i])) {
      throw new Error(
        `DEM run "${run}": non-finite ${objective} training at epoch ${epoch}, step ${step} of ${stepsPerEpoch}: ` +
          `${names[i]} = ${termValues[i]} (parameters kept at their values before this step)`,
      );
    }
  }
}

export async function trainDem(model: Dem, train: Float32Array, holdout: Float32Array | null, options: TrainOptions): Promise<TrainHistory> {
  const { run, epochs, batchSize, learningRate, seed } = options;
  const D = model.config.inputs;
  checkPositiveInteger('epochs', epochs);
  checkPositiveInteger('batchSize', batchSize);
  const finalLearningRate = options.finalLearningRate ?? learningRate;
  if (!(learningRate > 0) || !(finalLearningRate > 0)) {
    throw new Error(`trainDem: learning rates must be > 0, got ${learningRate} and final ${finalLearningRate}`);
  }
  const decayFraction = options.decayFraction ?? 1;
  if (!(decayFraction > 0 && decayFraction <= 1)) throw new Error(`trainDem: decayFraction must be in (0, 1], got ${decayFraction}`);
  if (train.length % D !== 0) throw new Error(`trainDem: training data has ${train.length} values, not a whole number of rows of ${D}`);
  const n = train.length / D;
  if (n < batchSize) throw new Error(`trainDem: ${n} training rows are fewer than one batch of ${batchSize}`);
  const trainable = options.trainable ?? PARAM_NAMES;
  const holdoutEval = holdout ? holdout.subarray(0, Math.min(holdout.length, (options.holdoutRows ?? Infinity) * D)) : null;

  const stepsPerEpoch = Math.floor(n / batchSize); // the remainder of each shuffle is left out
  const rng = createRng(seed);
  const objective = options.objective ?? null;
  const threads = objective ? 1 : (options.threads ?? threadCount());
  const pool = objective ? null : await gradientPool(model.config, batchSize, threads);
  const batch = new Float32Array(batchSize * D);
  const filterNorms = options.fixedFilterNorms ? tf.norm(model.params.V, 'euclidean', 1, true) : null; // [J, 1]
  const optimizer = createAdam(trainable.map((name) => model.params[name]));
  const totalSteps = epochs * stepsPerEpoch;
  const schedule: StepSchedule = { learningRate, finalLearningRate, decayFraction, totalSteps };
  const progress = progressReporter(options.onProgress, `DEM ${run}`, totalSteps);
  const history: TrainHistory = {
    run,
    epochs: 0,
    steps: 0,
    batchSize,
    learningRate,
    finalLearningRate,
    decayFraction,
    threads,
    trainLoss: [],
    holdoutLoss: [],
    initialHoldoutLoss: holdoutEval ? meanOf(smLossOfRows(model, holdoutEval)) : NaN,
    trainSeconds: 0,
    totalSeconds: 0,
    samplesPerSecond: 0,
  };
  const started = performance.now();
  let lastYield = started;
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const order = permutation(n, rng);
      let lossSum = 0;
      for (let step = 1; step <= stepsPerEpoch; step++) {
        const stepStart = performance.now();
        for (let i = 0; i < batchSize; i++) {
          const row = order[(step - 1) * batchSize + i];
          batch.set(train.subarray(row * D, (row + 1) * D), i * D);
        }
        const checks = tf.tidy(() => {
          const { loss, terms, grads } = objective ? objective.gradient(model, tf.tensor2d(batch, [batchSize, D])) : batchGradient(model, batch, pool);
          const gradNorms = trainable.map((name) => tf.sum(tf.square(grads[name])));
          // On wasm/cpu/tfjs-node kernels run synchronously: reading these few numbers costs microseconds.
          const values = tf.concat([terms, tf.stack(gradNorms), tf.reshape(loss, [1])]).dataSync();
          checkFinite(run, objective?.name ?? 'score-matching', objective?.terms ?? SM_TERMS, epoch, step, stepsPerEpoch, values, [...trainable]);
          optimizer.step(
            trainable.map((name) => grads[name]),
            stepSize(history.steps, schedule),
          );
          if (filterNorms) model.params.V.assign(tf.mul(model.params.V, tf.div(filterNorms, tf.norm(model.params.V, 'euclidean', 1, true))));
          return values;
        });
        const now = performance.now();
        history.trainSeconds += (now - stepStart) / 1000;
        lossSum += checks[checks.length - 1];
        history.steps++;
        progress.update(history.steps, { epoch, loss: lossSum / step });
        if (now - lastYield > YIELD_EVERY_MS) {
          await nextTick();
          lastYield = performance.now();
        }
      }
      history.trainLoss.push(lossSum / stepsPerEpoch);
      if (holdoutEval) history.holdoutLoss.push(meanOf(smLossOfRows(model, holdoutEval)));
      history.epochs = epoch;
    }
  } finally {
    optimizer.dispose();
    filterNorms?.dispose();
    progress.finish();
  }
  history.totalSeconds = (performance.now() - started) / 1000;
  history.samplesPerSecond = (history.steps * batchSize) / history.trainSeconds;
  return history;
}
