// Notebook 03's labelled change to the homework's model, which reaches the classic Gabor bank, and the
// ablation that says which part of the change does it. The change has three parts, each one lever:
//   1. the features are even, h = log cosh(vᵀx) instead of sigmoid(vᵀx) (../../dem/model), so a unit can
//      make the density peaked along its filter (./peak proves the sigmoid cannot);
//   2. the second layer is held at W = −I, c = 10, where softplus(10 − t) = 10 − t to within e^(t−10):
//      log p = −‖z‖²/2σ² + bᵀz − Σⱼ log cosh(vⱼᵀz) + const for responses up to about 8, the energy of
//      classic ICA by score matching (Hyvärinen 2005) beside a Gaussian; only V and b are trained;
//   3. the model sees the leading principal components of the whitened patches (../../whitening/
//      principal-subspace), not all 784.
// The filters keep their initial norms, as in the homework's runs.
import * as tf from '@tensorflow/tfjs';
import { showProgress } from '../../report/progress';
import { createRng, permutation } from '../../random';
import { SymmetricEigen } from '../../linalg/eigen-symmetric';
import { fromPrincipalCoordinates, toPrincipalCoordinates } from '../../whitening/principal-subspace';
import { createDem, Dem, FeatureUnit, FEATURE_UNITS, paramArrays } from '../../dem/model';
import { trainDem, TrainHistory } from '../../dem/train';
import { saveDem } from '../../dem/checkpoint';
import { RunSize } from '../../report/size';
import { fitGaborBank, GaborFit } from '../../dem/gabor/fit';
import { GaborBankSummary, summariseGaborBank } from '../../dem/gabor/summary';

/** One configuration of the ablation: the best one, or the best one with one lever moved back. */
export interface SparseRunSpec {
  /** Key in the results JSON, e.g. "best", "sigmoid-units". */
  name: string;
  /** What differs from the best configuration, in words (the ablation table's first column). */
  change: string;
  unit: FeatureUnit;
  /** 'held': W = −I, c = 10 (part 2 above); 'trained': W and c trained as in the homework. */
  secondLayer: 'held' | 'trained';
  /** Leading principal components kept, 1..784 (784: the whitened patches unreduced). */
  components: number;
  /** Keep each filter's norm at its initial value (see TrainOptions.fixedFilterNorms). */
  fixedFilterNorms: boolean;
  sigma: number;
}

/** Training settings shared by the runs of one table. */
export interface SparseSettings {
  /** Training patches used (a seeded random subset; all when larger than the set). */
  patches: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  finalLearningRate: number;
  decayFraction: number;
  /** Initial standard deviation of the responses vⱼᵀz (the filters' norms, as z has unit variance). */
  activationScale: number;
  holdoutRows: number;
  seed: number;
}

/** The held second layer: W = −I, c = HELD_BIAS (see the file header). */
export const HELD_BIAS = 10;
const FEATURES = 64;

export function checkSparseRunSpecs(runs: readonly SparseRunSpec[], inputs: number): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [i, run] of runs.entries()) {
    const at = `sparse runs[${i}]${typeof run?.name === 'string' ? ` ("${run.name}")` : ''}`;
    if (typeof run?.name !== 'string' || !/^[a-z0-9.-]+$/.test(run.name)) problems.push(`${at}: name must be lower-case letters, digits, "." or "-"`);
    else if (seen.has(run.name)) problems.push(`${at}: the name is used twice`);
    else seen.add(run.name);
    if (!FEATURE_UNITS.includes(run?.unit)) problems.push(`${at}: unit must be one of ${FEATURE_UNITS.join(', ')}, got ${JSON.stringify(run?.unit)}`);
    if (run?.secondLayer !== 'held' && run?.secondLayer !== 'trained')
      problems.push(`${at}: secondLayer must be "held" or "trained", got ${JSON.stringify(run?.secondLayer)}`);
    if (!(Number.isInteger(run?.components) && run.components >= 1 && run.components <= inputs)) {
      problems.push(`${at}: components must be a whole number in 1..${inputs}, got ${run?.components}`);
    }
    if (typeof run?.fixedFilterNorms !== 'boolean')
      problems.push(`${at}: fixedFilterNorms must be true or false, got ${JSON.stringify(run?.fixedFilterNorms)}`);
    if (!(typeof run?.sigma === 'number' && run.sigma > 0 && Number.isFinite(run.sigma)))
      problems.push(`${at}: sigma must be a positive number, got ${run?.sigma}`);
  }
  if (runs.length === 0) problems.push('no runs: give at least one');
  if (problems.length) throw new Error(`notebook 03 sparse-unit runs: ${problems.join('; ')}`);
}

/** Sets the second layer to W = −I, c = HELD_BIAS (the model needs as many units as features). */
export function holdSecondLayer(model: Dem): void {
  const { features: J, units: K } = model.config;
  if (J !== K) throw new Error(`holdSecondLayer: W = −I needs as many units as features, got K = ${K}, J = ${J}`);
  tf.tidy(() => {
    model.params.W.assign(tf.neg(tf.eye(J)) as tf.Tensor2D);
    model.params.c.assign(tf.fill([K], HELD_BIAS) as tf.Tensor1D);
  });
}

/** A seeded random subset of `count` rows of d values (all rows, in their order, when count ≥ their number). */
export function sampleRows(rows: Float32Array, d: number, count: number, seed: number): Float32Array {
  const n = rows.length / d;
  if (count >= n) return rows;
  const order = permutation(n, createRng(seed));
  const out = new Float32Array(count * d);
  for (let i = 0; i < count; i++) out.set(rows.subarray(order[i] * d, (order[i] + 1) * d), i * d);
  return out;
}

export interface SparseRunResult {
  spec: SparseRunSpec;
  /** The filters as 28×28 images in the whitened pixel space, [64, 784]. */
  filters: Float32Array;
  fits: GaborFit[];
  gabor: GaborBankSummary;
  history: TrainHistory;
  /** Final hold-out SM loss minus that of N(0, I) in the same coordinates: comparable across component counts. */
  holdoutGainOverNormal: number;
}

/** Mean of ½‖z‖² − k over rows: the SM loss of N(0, I_k), the reference the gain is measured from. */
function standardNormalSmLoss(rows: Float32Array, k: number): number {
  let sum = 0;
  for (let i = 0; i < rows.length; i++) sum += rows[i] * rows[i];
  return (0.5 * sum) / (rows.length / k) - k;
}

/**
 * Trains one configuration on ZCA-whitened patches (rows of d = 784 values) through the leading principal
 * subspace of `eigen` (the training covariance's eigendecomposition), and judges its filters by Gabor fits.
 * With `save`, the trained model is also saved as a checkpoint (notebook 04 samples it).
 */
export async function trainSparseRun(
  spec: SparseRunSpec,
  whitened: { train: Float32Array; holdout: Float32Array },
  eigen: SymmetricEigen,
  settings: SparseSettings,
  save?: { run: string; size: RunSize },
): Promise<SparseRunResult> {
  const d = eigen.values.length;
  checkSparseRunSpecs([spec], d);
  const k = spec.components;
  const train = await toPrincipalCoordinates(sampleRows(whitened.train, d, settings.patches, settings.seed), eigen, k);
  const holdout = await toPrincipalCoordinates(whitened.holdout.subarray(0, Math.min(whitened.holdout.length, settings.holdoutRows * d)), eigen, k);
  const model = createDem(
    { inputs: k, features: FEATURES, units: FEATURES, sigma: spec.sigma, unit: spec.unit },
    { seed: settings.seed + 1, dataScale: 1, activationScale: settings.activationScale, wScale: 0.5 },
  );
  try {
    if (spec.secondLayer === 'held') holdSecondLayer(model);
    const history = await trainDem(model, train, holdout, {
      run: `sparse ${spec.name}`,
      epochs: settings.epochs,
      batchSize: settings.batchSize,
      learningRate: settings.learningRate,
      finalLearningRate: settings.finalLearningRate,
      decayFraction: settings.decayFraction,
      seed: settings.seed + 2,
      trainable: spec.secondLayer === 'held' ? ['V', 'b'] : undefined,
      fixedFilterNorms: spec.fixedFilterNorms,
      onProgress: showProgress(),
    });
    if (save) saveDem(save.run, model, history, save.size);
    const filters = fromPrincipalCoordinates(paramArrays(model).V, eigen, k);
    const fits = fitGaborBank(filters);
    return {
      spec,
      filters,
      fits,
      gabor: summariseGaborBank(fits),
      history,
      holdoutGainOverNormal: history.holdoutLoss[history.holdoutLoss.length - 1] - standardNormalSmLoss(holdout, k),
    };
  } finally {
    model.dispose();
  }
}

/** Issue-level targets of a Gabor bank: the median R², Gabor-like filters, and no dominant orientation. */
export const GABOR_BANK_TARGETS = { medianR2: 0.6, gaborLike: 40, largestOrientationShare: 0.4 } as const;

/** What keeps a bank from the targets, one phrase each (empty when it meets them all). */
export function gaborBankShortfalls(summary: GaborBankSummary): string[] {
  const out: string[] = [];
  const t = GABOR_BANK_TARGETS;
  if (!(summary.median_r2 >= t.medianR2)) out.push(`median R² ${summary.median_r2.toFixed(2)} < ${t.medianR2}`);
  if (!(summary.gabor_like >= t.gaborLike)) out.push(`${summary.gabor_like} Gabor-like filters < ${t.gaborLike}`);
  const share = summary.largest_orientation_share;
  if (share === null || share > t.largestOrientationShare) {
    out.push(
      share === null ? 'no orientation (no Gabor-like filter)' : `largest orientation bin ${(100 * share).toFixed(0)}% > ${100 * t.largestOrientationShare}%`,
    );
  }
  return out;
}

/** Largest |cosine| between two different filters ([J, d] rows): near 1 means redundant copies. */
export function largestFilterCosine(filters: Float32Array, d: number): number {
  const J = filters.length / d;
  if (!Number.isInteger(J) || J < 2) throw new Error(`largestFilterCosine: expected at least two rows of ${d} values, got ${filters.length} values`);
  const norms = Array.from({ length: J }, (_, j) => Math.hypot(...filters.subarray(j * d, (j + 1) * d)));
  let largest = 0;
  for (let i = 0; i < J; i++) {
    for (let j = i + 1; j < J; j++) {
      let dot = 0;
      for (let p = 0; p < d; p++) dot += filters[i * d + p] * filters[j * d + p];
      largest = Math.max(largest, Math.abs(dot) / (norms[i] * norms[j]));
    }
  }
  return largest;
}

/** One ablation row against the configuration it moves a lever of, as a sentence with this run's numbers. */
export function ablationSentence(base: SparseRunResult, row: SparseRunResult): string {
  const [n, nBase] = [row.gabor.gabor_like, base.gabor.gabor_like];
  const count = n === nBase ? 'as many as' : n < nBase ? 'fewer than' : 'more than';
  const delta = row.holdoutGainOverNormal - base.holdoutGainOverNormal;
  const [k, kBase] = [row.spec.components, base.spec.components];
  const loss =
    k !== kBase
      ? `in ${k} coordinates, not comparable with the base's ${base.holdoutGainOverNormal.toFixed(1)} in ${kBase}`
      : Math.abs(delta) < 0.05 * Math.abs(base.holdoutGainOverNormal)
        ? `about the base's ${base.holdoutGainOverNormal.toFixed(1)}`
        : delta < 0
          ? `${(-delta).toFixed(1)} lower (a better fit) than the base's ${base.holdoutGainOverNormal.toFixed(1)}`
          : `${delta.toFixed(1)} higher (a worse fit) than the base's ${base.holdoutGainOverNormal.toFixed(1)}`;
  return (
    `${row.spec.change}: ${n} Gabor-like filters, ${count} the base's ${nBase}; median R² ${row.gabor.median_r2.toFixed(2)} (base ${base.gabor.median_r2.toFixed(2)}); ` +
    `hold-out SM loss relative to N(0, I) ${row.holdoutGainOverNormal.toFixed(1)}, ${loss}`
  );
}
