// Noise-contrastive estimation (Gutmann & Hyvärinen 2010/2012) of N(0, Λ⁻¹) with sparse Λ.
// Model: log p_θ(x) = −½ xᵀΛx + c, with c (≈ −log Z) a free parameter. Noise: N(0, C_n) with
// C_n = S + δI, the data's full covariance — noise that resembles the data; a diagonal C_n makes
// the classification trivial and the gradients uninformative. With
//   G(x) = log p_θ(x) − log p_n(x) − log ν,
//   loss = mean_data softplus(−G) + ν · mean_noise softplus(G),
// every term is a softplus (no exp can overflow). When p_θ = p_n and ν = 1, G ≡ 0 and the loss is
// 2 ln 2. The loss is convex in (Λ, c) (G is linear in them), but only Λ ≻ 0 is a density, so
// training checks it (./minibatch). c is learned as c = c₀ + D·ĉ (c₀ exact for the starting Λ): one
// Adam step then moves c by ~D·lr nats, the scale on which log-normalisers change.
import { createRng } from '../../random';
import { identityPrecision, SparsePrecision } from '../model/precision';
import { exactLogNormaliser } from '../model/likelihood';
import { GridStructure } from '../model/structure';
import { softplus } from './pattern-features';
import { batchRanges, MinibatchConvergence, MinibatchFitOptions, trainDensity, TrainResult } from './minibatch';
import { FullBatchFit, FullBatchOptions, minimiseLogisticLoss } from './full-batch';
import { everyRow, LogisticBlock, logisticMargins, logisticSampleLoss } from './logistic-loss';
import { FitStatusRecord } from '../fit-status';

/** Data and noise with their noise log-densities (./nce-noise draws them), shared by every structure fitted with NCE. */
export interface NceProblem {
  D: number;
  data: Float32Array;
  n: number;
  noise: Float32Array;
  noiseCount: number;
  /** log p_n of each data row and of each noise row. */
  dataNoiseLogDensity: Float64Array;
  noiseLogDensity: Float64Array;
}

/** batchSize counts data rows per step (ν times as many noise rows). */
export interface NceOptions extends MinibatchFitOptions {
  nu: number;
}

export interface NceFit extends TrainResult {
  /** 'trained' or why not (./minibatch minibatchStatus): the full-sample gradient, the room above the floor, skipped steps, Λ's change. */
  status: FitStatusRecord;
  convergence: MinibatchConvergence;
  /** Learned c (model log p = −½xᵀΛx + c). */
  logNormaliser: number;
  /** ½ log det Λ − (D/2) log 2π for the learned Λ. */
  exactLogNormaliser: number;
  nu: number;
}

/**
 * The NCE sample loss as logistic blocks: G = −½xᵀΛx + c − log p_n(x) − log ν, data rows score
 * softplus(−G) (z = G), noise rows ν·softplus(G) (z = −G), each averaged over its own rows. The
 * offsets hold c − log p_n − log ν, so θ = [Λ values, ĉ] adds D·ĉ on top of c (extraScale D).
 */
function nceBlocks(problem: NceProblem, dataRows: Int32Array, noiseRows: Int32Array, c: number, nu: number): LogisticBlock[] {
  const logNu = Math.log(nu);
  const offsets = (rows: Int32Array, logDensity: Float64Array) => {
    const out = new Float64Array(rows.length);
    for (let r = 0; r < rows.length; r++) out[r] = c - logDensity[rows[r]] - logNu;
    return out;
  };
  return [
    { images: problem.data, index: dataRows, offset: offsets(dataRows, problem.dataNoiseLogDensity), sign: 1, weight: 1 / dataRows.length },
    { images: problem.noise, index: noiseRows, offset: offsets(noiseRows, problem.noiseLogDensity), sign: -1, weight: nu / noiseRows.length },
  ];
}

/** The NCE loss terms and gradient at θ = [Λ values, ĉ] on the given rows (exported for tests). */
export function nceLossAndGradient(
  problem: NceProblem,
  structure: GridStructure,
  nu: number,
  c0: number,
  theta: Float64Array,
  dataRows: Int32Array,
  noiseRows: Int32Array,
): { terms: { total: number; 'data term': number; 'noise term': number }; gradient: Float64Array } {
  const { value, blockValues, gradient } = logisticSampleLoss(theta, nceBlocks(problem, dataRows, noiseRows, c0, nu), structure, problem.D);
  return { terms: { total: value, 'data term': blockValues[0], 'noise term': blockValues[1] }, gradient };
}

export interface NceClassification {
  /** The NCE loss over every data and noise row, and its two terms. */
  loss: number;
  dataTerm: number;
  noiseTerm: number;
  /** Share of data rows with G > 0 and of noise rows with G < 0 (the classifier's accuracy). */
  dataCorrect: number;
  noiseCorrect: number;
  /** Median of G over the data rows and over the noise rows (nats). */
  medianDataG: number;
  medianNoiseG: number;
}

/**
 * How well model (Λ, c) tells every data row from every noise row. A loss far above 2 ln 2 with
 * both accuracies near 1 means the task is easy and the margins huge: NCE's gradient is then
 * carried by the few misclassified rows.
 */
export function nceClassification(problem: NceProblem, precision: SparsePrecision, c: number, nu: number): NceClassification {
  const blocks = nceBlocks(problem, everyRow(problem.n), everyRow(problem.noiseCount), c, nu);
  const [dataG, noiseZ] = logisticMargins(precision.values, blocks, precision.structure, problem.D);
  const noiseG = noiseZ.map((z) => -z);
  const mean = (a: Float64Array, f: (g: number) => number) => a.reduce((sum, g) => sum + f(g), 0) / a.length;
  const median = (a: Float64Array) => Float64Array.from(a).sort()[Math.floor(a.length / 2)];
  const dataTerm = mean(dataG, (g) => softplus(-g));
  const noiseTerm = nu * mean(noiseG, (g) => softplus(g));
  return {
    loss: dataTerm + noiseTerm,
    dataTerm,
    noiseTerm,
    dataCorrect: mean(dataG, (g) => (g > 0 ? 1 : 0)),
    noiseCorrect: mean(noiseG, (g) => (g < 0 ? 1 : 0)),
    medianDataG: median(dataG),
    medianNoiseG: median(noiseG),
  };
}

export function fitNce(problem: NceProblem, structure: GridStructure, options: NceOptions): NceFit {
  const { nu, batchSize } = options;
  if (!(nu > 0)) throw new Error(`fitNce: nu must be positive, got ${nu}`);
  if (structure.size !== problem.D) throw new Error(`fitNce: structure has ${structure.size} pixels, data have ${problem.D}`);
  const init = options.init ?? identityPrecision(structure);
  const c0 = exactLogNormaliser(init);
  const noisePerStep = Math.max(1, Math.round(nu * batchSize));
  const rng = createRng(options.seed);
  const dataRows = new Int32Array(batchSize);
  const noiseRows = new Int32Array(noisePerStep);
  // The full-sample loss: every data row against the whole noise pool, which the minibatches sample.
  const rows = (range: [number, number]) => Int32Array.from({ length: range[1] - range[0] }, (_, r) => range[0] + r);
  const dataBatches = batchRanges(problem.n).map(rows);
  const noiseBatches = batchRanges(problem.noiseCount).map(rows);
  const result = trainDensity(
    structure,
    { precision: init, extras: [0] },
    (theta) => {
      for (let b = 0; b < batchSize; b++) dataRows[b] = rng.int(problem.n);
      for (let b = 0; b < noisePerStep; b++) noiseRows[b] = rng.int(problem.noiseCount);
      return nceLossAndGradient(problem, structure, nu, c0, theta, dataRows, noiseRows);
    },
    `NCE (${structure.connectivity}-connected, ν = ${nu})`,
    options,
    (precision, extras) => {
      const theta = Float64Array.from([...precision.values, ...extras]);
      return dataBatches.map((data, b) => nceLossAndGradient(problem, structure, nu, c0, theta, data, noiseBatches[b]).gradient);
    },
  );
  const logNormaliser = c0 + problem.D * result.extras[0];
  return { ...result, nu, logNormaliser, exactLogNormaliser: exactLogNormaliser(result.precision) };
}

export interface NceFullBatchFit extends FullBatchFit {
  /** noiseCount / n: every noise row of the pool enters the loss. */
  nu: number;
  logNormaliser: number;
  exactLogNormaliser: number;
}

/**
 * The NCE estimator of the whole problem — every data row against the whole noise pool, so
 * ν = noiseCount / n — minimised by full-batch L-BFGS (see full-batch.ts) from `init`.
 */
export function fitNceFullBatch(problem: NceProblem, structure: GridStructure, options: FullBatchOptions & { init: SparsePrecision }): NceFullBatchFit {
  const { D, n, noiseCount } = problem;
  if (structure.size !== D) throw new Error(`fitNceFullBatch: structure has ${structure.size} pixels, data have ${D}`);
  const nu = noiseCount / n;
  const c0 = exactLogNormaliser(options.init);
  const blocks = nceBlocks(problem, everyRow(n), everyRow(noiseCount), c0, nu);
  const fit = minimiseLogisticLoss(structure, { precision: options.init, extra: 0 }, blocks, {
    ...options,
    estimator: `NCE (${structure.connectivity}-connected, ν = ${nu}, full batch)`,
    extraScale: D,
  });
  return { ...fit, nu, logNormaliser: c0 + D * fit.extras[0], exactLogNormaliser: exactLogNormaliser(fit.precision) };
}
