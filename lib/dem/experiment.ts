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
  /** Initial pre-activation std (see DemInit.activationScale); the filters keep these norms. */
  activationScale: number;
  wScale: number;
  /** Hold-out patches scored after every epoch. */
  holdoutRows: number;
  seed: number;
}

/**
 * Settings chosen from measured runs on the 50,000 whitened patches (σ = 1). Adam's step size decays
 * linearly from 3e-2 to 1e-3 over batches of 256 (a constant 1e-3 learned nothing in the budget; 1e-2
 * with batches of 512 gave less localised filters). The initial scales matter most. Mean energy in 7×7
 * after 10 epochs: pre-activation std 2 and W std 3/√J gave 0.130 (mostly gratings and noise); W std
 * 0.5/√J 0.172; with pre-activation std 6 as well 0.228 (0.234 with seed 11), localised oriented band-pass.
 * After 3 epochs: 0.101 → 0.124 (std 6 alone), 0.135 (W alone), 0.133 (both). Low-pass ZCA (top 100 or
 * 200 principal components, rescaled to unit pixel variance) did not help at 3 epochs: 0.095–0.105, or
 * 0.065–0.078 with V started inside the kept subspace; with the new scales, 10 epochs, top 200: 0.147.
 * Free filter norms (old scales, 3 epochs): 0.086–0.12, filters still noise.
 * 14 epochs: 0.255 (seed 3), so the full run trains 14 epochs ≈ 2,730 steps per run.
 */
export function demSettings(size: RunSize): DemSettings {
  return {
    epochs: bySize({ quick: 3, full: 14 }, size),
    batchSize: 256,
    learningRate: 3e-2,
    finalLearningRate: 1e-3,
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
