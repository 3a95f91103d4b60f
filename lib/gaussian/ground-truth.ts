// Ground truth: data drawn from a known sparse precision Λ*, so every estimator's error can be
// measured — relative Frobenius error ‖Λ̂ − Λ*‖_F / ‖Λ*‖_F — as the sample size grows.
import { createRng } from '../random';
import { createPrecision, diagonalPrecision, relativeFrobeniusError, SparsePrecision, toDense } from './precision';
import { GridStructure } from './structure';
import { sampleByCholesky } from './sampling';
import { fitScoreMatchingExactFromData } from './score-matching';
import { secondMomentDense } from './moments';
import { fitNce, prepareNce } from './nce';
import { fitCnce } from './cnce';

/**
 * A random attractive Λ* on the structure: edges −U(0.1, 0.3) (neighbours positively correlated,
 * like pixels), diagonal = Σ|edges in the row| + U(0.5, 1): diagonally dominant, so λ_min ≥ 0.5.
 */
export function knownSparsePrecision(structure: GridStructure, seed: number): SparsePrecision {
  const rng = createRng(seed);
  const p = createPrecision(structure);
  p.edges.forEach((w) => {
    for (let e = 0; e < w.length; e++) w[e] = -(0.1 + 0.2 * rng.uniform());
  });
  const dense = toDense(p);
  const D = structure.size;
  for (let i = 0; i < D; i++) {
    let rowSum = 0;
    for (let j = 0; j < D; j++) if (j !== i) rowSum += Math.abs(dense[i * D + j]);
    p.diagonal[i] = rowSum + 0.5 + 0.5 * rng.uniform();
  }
  return p;
}

export interface GroundTruthSettings {
  sizes: number[];
  nus: number[];
  /** Ridge δ of the NCE noise N(0, S + δI). */
  noiseRidge: number;
  steps: number;
  batchSize: number;
  learningRate: number;
  finalLearningRate: number;
  seed: number;
  /** Which estimators to run (default all three). */
  estimators?: ('sm' | 'nce' | 'cnce')[];
}

/** Per method ("sm", "nce-nu1", …, "cnce"): the sample sizes and the relative Frobenius errors. */
export type GroundTruthResults = Record<string, { n: number[]; rel_frobenius_error: number[]; seconds: number[] }>;

export function groundTruthStudy(truth: SparsePrecision, settings: GroundTruthSettings): GroundTruthResults {
  const { structure } = truth;
  const D = structure.size;
  const results: GroundTruthResults = {};
  const record = (method: string, n: number, estimate: SparsePrecision, seconds: number) => {
    const entry = (results[method] ??= { n: [], rel_frobenius_error: [], seconds: [] });
    entry.n.push(n);
    entry.rel_frobenius_error.push(relativeFrobeniusError(estimate, truth));
    entry.seconds.push(seconds);
  };
  const estimators = settings.estimators ?? ['sm', 'nce', 'cnce'];
  const zeroMean = new Float64Array(D);
  const largest = Math.max(...settings.sizes);
  const all = sampleByCholesky(truth, zeroMean, largest, settings.seed);
  for (const n of settings.sizes) {
    const X = all.subarray(0, n * D);
    let start = performance.now();
    if (estimators.includes('sm')) record('sm', n, fitScoreMatchingExactFromData(X, n, structure).precision, (performance.now() - start) / 1000);
    if (!estimators.includes('nce') && !estimators.includes('cnce')) continue;
    const S = secondMomentDense(X, n, D);
    // NCE and cNCE start from the diagonal model matching each pixel's variance (1/Sᵢᵢ), not the
    // identity: the optimiser then spends its steps on the couplings, not on the scale.
    const init = diagonalPrecision(structure, Array.from({ length: D }, (_, i) => 1 / S[i * D + i]));
    for (let i = 0; i < D; i++) S[i * D + i] += settings.noiseRidge;
    for (const nu of estimators.includes('nce') ? settings.nus : []) {
      start = performance.now();
      const problem = prepareNce(X, n, S, Math.round(nu * n), settings.seed + 1);
      // ν·batch noise rows per step would make ν = 10 ten times as slow; a tenth of the data rows
      // keeps each step's cost fixed. The noise pool still holds ν·n rows, which is what sets
      // NCE's statistical efficiency.
      const batchSize = Math.max(10, Math.round(settings.batchSize / nu));
      const fit = fitNce(problem, structure, { nu, steps: settings.steps, batchSize, learningRate: settings.learningRate, finalLearningRate: settings.finalLearningRate, seed: settings.seed + 2, init });
      record(`nce-nu${nu}`, n, fit.precision, (performance.now() - start) / 1000);
    }
    if (!estimators.includes('cnce')) continue;
    start = performance.now();
    const cnce = fitCnce(X, n, structure, { steps: settings.steps, batchSize: settings.batchSize, learningRate: settings.learningRate, finalLearningRate: settings.finalLearningRate, seed: settings.seed + 3, init });
    record('cnce', n, cnce.precision, (performance.now() - start) / 1000);
  }
  return results;
}
