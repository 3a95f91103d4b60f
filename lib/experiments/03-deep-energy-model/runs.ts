// Notebook 03's runs (which inputs, whitened or raw patches, which σ, how many epochs: its parameters
// cell lists them), training one, and the preprocessing that puts any other set (MNIST digits) into a
// run's input space.
import { showProgress } from '../../report/progress';
import * as fs from 'fs';
import * as path from 'path';
import { resultsDir } from '../../report/notebook';
import { whiten } from '../../whitening/whitening';
import { createDem, Dem, DEFAULT_DEM_CONFIG } from '../../dem/model';
import { trainDem, TrainHistory, TrainOptions } from '../../dem/train';

export type InputKind = 'whitened' | 'raw';

export interface RunSpec {
  /** "whitened-sigma1", "raw-sigma0.1", … (the key in the results JSON). */
  name: string;
  input: InputKind;
  sigma: number;
  epochs: number;
}

/** What every run shares (notebook 03's parameters cell); docs/decisions.md says how they were chosen. */
export interface DemSettings {
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

/** Checks a list of runs before any training starts: one clear message for everything wrong. */
export function checkRunSpecs(runs: readonly RunSpec[]): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [i, run] of runs.entries()) {
    const at = `runs[${i}]${run && typeof run.name === 'string' ? ` ("${run.name}")` : ''}`;
    if (!run || typeof run.name !== 'string' || !/^[a-z0-9.-]+$/.test(run.name)) problems.push(`${at}: name must be lower-case letters, digits, "." or "-"`);
    else if (seen.has(run.name)) problems.push(`${at}: the name is used twice`);
    else seen.add(run.name);
    if (run?.input !== 'whitened' && run?.input !== 'raw') problems.push(`${at}: input must be "whitened" or "raw", got ${JSON.stringify(run?.input)}`);
    if (!(typeof run?.sigma === 'number' && run.sigma > 0 && Number.isFinite(run.sigma)))
      problems.push(`${at}: sigma must be a positive number, got ${run?.sigma}`);
    if (!(Number.isInteger(run?.epochs) && run.epochs >= 1)) problems.push(`${at}: epochs must be a whole number ≥ 1, got ${run?.epochs}`);
  }
  if (runs.length === 0) problems.push('no runs: give at least one');
  if (problems.length) throw new Error(`notebook 03 parameters: ${problems.join('; ')}`);
}

/** ‖x‖ of each row of D values. */
export function rowNorms(rows: Float32Array, D: number): Float64Array {
  const norms = new Float64Array(rows.length / D);
  for (let r = 0; r < norms.length; r++) {
    let sum = 0;
    for (let i = r * D; i < (r + 1) * D; i++) sum += rows[i] * rows[i];
    norms[r] = Math.sqrt(sum);
  }
  return norms;
}

/** Root mean square of all values: the typical pixel standard deviation of centred rows. */
export function pixelScale(rows: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < rows.length; i++) sum += rows[i] * rows[i];
  return Math.sqrt(sum / rows.length);
}

/**
 * Trains one run from its seeded initialisation; the caller saves and disposes the model. `how` picks
 * another objective than exact SM, or a thread count (notebook 04's comparison).
 */
export async function trainRun(
  spec: RunSpec,
  train: Float32Array,
  holdout: Float32Array,
  settings: DemSettings,
  how: Pick<TrainOptions, 'threads' | 'objective'> = {},
): Promise<{ model: Dem; history: TrainHistory }> {
  const model = createDem(
    { ...DEFAULT_DEM_CONFIG, sigma: spec.sigma },
    { seed: settings.seed, dataScale: pixelScale(train), activationScale: settings.activationScale, wScale: settings.wScale },
  );
  const history = await trainDem(model, train, holdout, {
    run: spec.name,
    epochs: spec.epochs,
    batchSize: settings.batchSize,
    learningRate: settings.learningRate,
    finalLearningRate: settings.finalLearningRate,
    decayFraction: settings.decayFraction,
    seed: settings.seed + 1,
    holdoutRows: settings.holdoutRows,
    fixedFilterNorms: true,
    onProgress: showProgress(),
    ...how,
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
