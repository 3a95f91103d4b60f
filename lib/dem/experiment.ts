// Notebook 03's four runs: which inputs (whitened or raw patches) and which σ, the training settings
// per run size, and the preprocessing that puts any other set (MNIST digits) into a run's input space.
import * as fs from 'fs';
import * as path from 'path';
import { resultsDir } from '../report/notebook';
import { bySize, RunSize } from '../report/size';
import { whiten } from '../whitening/whitening';
import { createDem, Dem, DEFAULT_DEM_CONFIG } from './model';
import { trainDem, TrainHistory } from './train';

export type InputKind = 'whitened' | 'raw';

export interface RunSpec {
  /** "whitened-sigma1", "raw-sigma0.1", … (the key in the results JSON). */
  name: string;
  input: InputKind;
  sigma: number;
}

export const DEM_RUNS: RunSpec[] = [
  { name: 'whitened-sigma1', input: 'whitened', sigma: 1 },
  { name: 'whitened-sigma0.1', input: 'whitened', sigma: 0.1 },
  { name: 'raw-sigma1', input: 'raw', sigma: 1 },
  { name: 'raw-sigma0.1', input: 'raw', sigma: 0.1 },
];

export interface DemSettings {
  epochs: number;
  batchSize: number;
  learningRate: number;
  finalLearningRate: number;
  /** Share of the steps over which the step size decays to finalLearningRate (see stepSize in ./train). */
  decayFraction: number;
  /** Initial pre-activation std (see DemInit.activationScale); the filters keep these norms. */
  activationScale: number;
  wScale: number;
  /** Hold-out patches scored after every epoch. */
  holdoutRows: number;
  seed: number;
}

/**
 * Initial scales, chosen from measured runs on the 50,000 whitened patches (σ = 1). They matter most for
 * the filters. Mean energy in 7×7 after 10 epochs (linear decay 3e-2 → 1e-3, batches of 256; a constant
 * 1e-3 learned nothing in the budget, 1e-2 with batches of 512 gave less localised filters): pre-activation
 * std 2 and W std 3/√J gave 0.130 (mostly gratings and noise); W std 0.5/√J 0.172; with pre-activation
 * std 6 as well 0.228 (0.234 with seed 11), localised oriented band-pass. After 3 epochs: 0.101 → 0.124
 * (std 6 alone), 0.135 (W alone), 0.133 (both). Low-pass ZCA (top 100 or 200 principal components,
 * rescaled to unit pixel variance) did not help at 3 epochs: 0.095–0.105, or 0.065–0.078 with V started
 * inside the kept subspace; with the new scales, 10 epochs, top 200: 0.147. Free filter norms (old scales,
 * 3 epochs): 0.086–0.12, filters still noise.
 *
 * Schedule and budget (full size, seed 3, issue #5). With a linear decay 3e-2 → 1e-3 over the whole run the
 * whitened σ = 1 hold-out loss always falls steeply at the end (late-change fraction 0.18 at 32 epochs),
 * yet twice the epochs end only 1.7 lower (−493.6 → −495.3 of a 143 drop): that late fall is the gain of
 * the shrinking step, not unfinished training. So the step size decays over the first 75% of the steps and
 * the last quarter runs at 1e-3, where the curve is flat if training has converged: whitened σ = 1, 32
 * epochs (≈ 6,240 steps, ≈ 125 s): −493.1 when the decay ends, −491.2 at the end (late fraction −0.006,
 * filter energy in 7×7 0.271); 64 epochs, same shape: −497.3 (4.3% of the drop; −502.0 when its decay
 * ends, 6.3%; energy 0.309). Rejected:
 * batches of 1024, 48 epochs: −484.4 (overfits, training loss −604; energy 0.237); a geometric decay
 * 3e-2 → 3e-4: −482.9 (too little time at a high step, 0.275); a peak of 0.1: raw σ = 1 stuck at its
 * initial loss, whitened σ = 0.1 worse with noise filters. The other runs get ≈ 50 s each: 12 epochs
 * (whitened σ = 0.1, the slowest per patch) or 16 (raw). Their curves are flat by the same measure (0.026,
 * 0.026, 0.032) but not converged: twice the epochs lower the final loss by a further 8.8% (whitened
 * σ = 0.1), 10.6% (raw σ = 1) and 21.6% (raw σ = 0.1) of the drop — the time budget allows no more.
 * (Raw σ = 0.1 ended lower, 20,614, with the old whole-run decay over 14 epochs than with this shape over
 * 16, 26,549: its progress needs the high step size; one shape for all runs keeps the curves comparable.)
 */
const FULL_EPOCHS: Record<string, number> = { 'whitened-sigma1': 32, 'whitened-sigma0.1': 12, 'raw-sigma1': 16, 'raw-sigma0.1': 16 };

/** The settings of one run: shared by all runs except the number of epochs. */
export function demSettings(size: RunSize, spec: RunSpec): DemSettings {
  const fullEpochs = FULL_EPOCHS[spec.name];
  if (fullEpochs === undefined) throw new Error(`demSettings: no budget for run "${spec.name}"; expected one of ${Object.keys(FULL_EPOCHS).join(', ')}`);
  return {
    epochs: bySize({ quick: 3, full: fullEpochs }, size),
    batchSize: 256,
    learningRate: 3e-2,
    finalLearningRate: 1e-3,
    decayFraction: 0.75,
    activationScale: 6,
    wScale: 0.5,
    holdoutRows: bySize({ quick: 1000, full: 2000 }, size),
    seed: 3,
  };
}

/** Root mean square of all values: the typical pixel standard deviation of centred rows. */
export function pixelScale(rows: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < rows.length; i++) sum += rows[i] * rows[i];
  return Math.sqrt(sum / rows.length);
}

/** Trains one run from its seeded initialisation; the caller saves and disposes the model. */
export async function trainRun(spec: RunSpec, train: Float32Array, holdout: Float32Array, settings: DemSettings): Promise<{ model: Dem; history: TrainHistory }> {
  const model = createDem(
    { ...DEFAULT_DEM_CONFIG, sigma: spec.sigma },
    { seed: settings.seed, dataScale: pixelScale(train), activationScale: settings.activationScale, wScale: settings.wScale },
  );
  const history = await trainDem(model, train, holdout, {
    run: spec.name,
    epochs: settings.epochs,
    batchSize: settings.batchSize,
    learningRate: settings.learningRate,
    finalLearningRate: settings.finalLearningRate,
    decayFraction: settings.decayFraction,
    seed: settings.seed + 1,
    holdoutRows: settings.holdoutRows,
    fixedFilterNorms: true,
  });
  return { model, history };
}

/** The patches' preprocessing, for any rows on the patches' grey scale ((grey + u)/256). */
export interface Preprocessing {
  /** Per-pixel mean image of the training patches. */
  mean: Float32Array;
  /** D×D whitening matrix for 'whitened' runs; null for 'raw'. */
  whitening: Float64Array | null;
}

export async function preprocess(rows: Float32Array, prep: Preprocessing): Promise<Float32Array> {
  const D = prep.mean.length;
  if (rows.length % D !== 0) throw new Error(`preprocess: ${rows.length} values is not a whole number of rows of ${D}`);
  const centred = Float32Array.from(rows, (v, i) => v - prep.mean[i % D]);
  return prep.whitening ? whiten(centred, prep.whitening, D) : centred;
}

/** Writes report/results/03-filters-<run>.json: the J filters as J arrays of D numbers. */
export function saveFilters(run: string, V: Float32Array, D: number): string {
  const filters = Array.from({ length: V.length / D }, (_, j) => Array.from(V.subarray(j * D, (j + 1) * D)));
  fs.mkdirSync(resultsDir(), { recursive: true });
  const file = path.join(resultsDir(), `03-filters-${run}.json`);
  fs.writeFileSync(file, JSON.stringify(filters));
  return file;
}

/**
 * How flat the end of a loss curve is: the change over the last fifth of the epochs, as a fraction of
 * the total change since the first value (0 = flat, 1 = all of the progress came at the end).
 */
export function lateChangeFraction(curve: number[], initial: number): number {
  const from = Math.floor(curve.length * 0.8) - 1;
  const total = curve[curve.length - 1] - initial;
  const late = curve[curve.length - 1] - (from >= 0 ? curve[from] : initial);
  return total === 0 ? 0 : late / total;
}
