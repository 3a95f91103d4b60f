// Trained DEM parameters (and the run's loss curves) saved under report/artifacts/<size>/, so a later
// cell or notebook reloads them instead of training again.
import { ArrayRecord, hasArrays, loadArrays, saveArrays } from '../report/artifacts';
import { RunSize, runSize } from '../report/size';
import { Dem, demFromArrays, FEATURE_UNITS, paramArrays, PARAM_NAMES } from './model';
import { TrainHistory } from './train';

/** The artifact name of a run, e.g. "dem-whitened-sigma1". */
export function checkpointName(run: string): string {
  if (!/^[a-z0-9.-]+$/i.test(run)) throw new Error(`checkpointName: run "${run}" must be letters, digits, dots and dashes`);
  return `dem-${run}`;
}

const HISTORY_NUMBERS = [
  'epochs',
  'steps',
  'batchSize',
  'learningRate',
  'finalLearningRate',
  'threads',
  'initialHoldoutLoss',
  'trainSeconds',
  'totalSeconds',
  'samplesPerSecond',
  'decayFraction',
] as const;

export function saveDem(run: string, model: Dem, history: TrainHistory, size: RunSize = runSize()): string {
  const { inputs: D, features: J, units: K, sigma } = model.config;
  const values = paramArrays(model);
  const record: ArrayRecord = {
    V: { data: values.V, shape: [J, D] },
    W: { data: values.W, shape: [K, J] },
    b: { data: values.b, shape: [D] },
    c: { data: values.c, shape: [K] },
    sigma: { data: Float64Array.of(sigma), shape: [1] },
    unit: { data: Float64Array.of(FEATURE_UNITS.indexOf(model.config.unit ?? 'sigmoid')), shape: [1] },
    train_loss: { data: Float64Array.from(history.trainLoss), shape: [history.trainLoss.length] },
    holdout_loss: { data: Float64Array.from(history.holdoutLoss), shape: [history.holdoutLoss.length] },
    history: { data: Float64Array.from(HISTORY_NUMBERS, (key) => history[key]), shape: [HISTORY_NUMBERS.length] },
  };
  return saveArrays(checkpointName(run), record, size);
}

/** Whether a run's checkpoint was saved at this size (notebook 04 names the runs it needs). */
export function hasDem(run: string, size: RunSize = runSize()): boolean {
  return hasArrays(checkpointName(run), size);
}

/** The saved model (fresh variables: dispose it when done) and its training history. */
export function loadDem(run: string, size: RunSize = runSize()): { model: Dem; history: TrainHistory } {
  const record = loadArrays(checkpointName(run), size);
  for (const key of [...PARAM_NAMES, 'sigma', 'train_loss', 'holdout_loss', 'history']) {
    if (!record[key]) throw new Error(`loadDem("${run}"): the saved arrays have no "${key}" — saved by another version? Retrain the run.`);
  }
  const [J, D] = record.V.shape;
  const K = record.W.shape[0];
  // Checkpoints saved before the first layer had a choice have no "unit": they are sigmoid models.
  const unit = record.unit ? FEATURE_UNITS[record.unit.data[0]] : 'sigmoid';
  if (unit === undefined) throw new Error(`loadDem("${run}"): unknown feature unit code ${record.unit.data[0]}`);
  const model = demFromArrays(
    { inputs: D, features: J, units: K, sigma: record.sigma.data[0], ...(unit === 'sigmoid' ? {} : { unit }) },
    { V: record.V.data as Float32Array, W: record.W.data as Float32Array, b: record.b.data as Float32Array, c: record.c.data as Float32Array },
  );
  const numbers = record.history.data;
  const history = {
    run,
    trainLoss: Array.from(record.train_loss.data),
    holdoutLoss: Array.from(record.holdout_loss.data),
  } as TrainHistory;
  HISTORY_NUMBERS.forEach((key, i) => ((history as unknown as Record<string, number>)[key] = numbers[i]));
  return { model, history };
}
