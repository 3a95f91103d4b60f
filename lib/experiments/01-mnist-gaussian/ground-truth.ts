// Ground truth: data drawn from a known sparse precision Λ*, so every estimator's error can be
// measured — relative Frobenius error ‖Λ̂ − Λ*‖_F / ‖Λ*‖_F — as the sample size grows.
import { OnProgress, progressReporter } from '../../progress';
import { diagonalPrecision, relativeFrobeniusError, SparsePrecision } from '../../gaussian/model/precision';
import { sampleByCholesky } from '../../gaussian/model/sampling';
import { fitScoreMatchingLocal } from '../../gaussian/score-matching/exact';
import { fitMaxLikelihood } from '../../gaussian/evaluation/max-likelihood';
import { localFromData } from '../../gaussian/model/local-moments';
import { withRidge } from '../../data/rows';
import { secondMomentDense } from '../../data/moments';
import { fitNceFullBatch, NceProblem } from '../../gaussian/contrastive/nce';
import { prepareNce } from '../../gaussian/contrastive/nce-noise';
import { exactLogNormaliser } from '../../gaussian/model/likelihood';
import { patternQuadratic } from '../../gaussian/contrastive/pattern-features';
import { expectedFitExcess } from '../../gaussian/evaluation/wishart';
import { fitCnceFullBatch } from '../../gaussian/contrastive/cnce';
import { choleskyOfPrecision, smallestEigenvalue } from '../../gaussian/model/positive-definite';
import { FullBatchFit } from '../../gaussian/contrastive/full-batch';
import { fitNceAdaptive } from '../../gaussian/contrastive/nce-informative';

export interface GroundTruthSettings {
  sizes: number[];
  /** NCE noise-to-data ratios; each gets a pool of ν·N noise rows. */
  nus: number[];
  /** Ridge δ of the NCE noise N(0, S + δI). */
  noiseRidge: number;
  /** cNCE partners per data row (even: antithetic couples). */
  kappa: number;
  seed: number;
  /** L-BFGS cap for NCE and cNCE (default 1000). */
  maxIterations?: number;
  /**
   * Also fit NCE (ν = nus[0]) with the noise covariance taken from N other rows of the same
   * distribution ("nce-nu1-other-rows"): a noise that is not fitted to the rows it is contrasted with.
   */
  otherRowsNoise?: boolean;
  /** Which estimators to run (default all five). */
  estimators?: GroundTruthEstimator[];
  /** Sample sizes per estimator, each a subset of `sizes` (default: every size). */
  estimatorSizes?: Partial<Record<GroundTruthEstimator, number[]>>;
  /** The informative NCE's noise-to-data ratio and round tolerance (nce-informative.ts). */
  adaptive?: { nu: number; tolerance: number };
  /** Told after each fit how many of the planned fits are done. */
  onProgress?: OnProgress;
}

/** One estimator's results, one entry per sample size. */
export interface GroundTruthSeries {
  n: number[];
  rel_frobenius_error: number[];
  seconds: number[];
  /** CG iterations for SM, Newton steps for ML, rounds for the informative NCE, L-BFGS iterations for NCE and cNCE. */
  iterations: number[];
  /** Whether the fit reached its tolerance. */
  converged: boolean[];
  /**
   * "converged"; "cone edge" (the loss falls towards a singular Λ: stopped at λ_min < 10⁻³); "separable" (data and
   * noise are told apart perfectly, the loss is ≈ 0 and flat); or "not converged".
   */
  status: FitStatus[];
  min_eigenvalue: number[];
}

export interface GroundTruthResults {
  /** Per method ("sm", "ml", "nce-nu1", …, "cnce"). */
  methods: Record<string, GroundTruthSeries>;
  /**
   * How much the NCE noise N(0, S + δI), fitted to the same N rows, overrates them: the mean over
   * those rows of log p_n(x) − log p*(x), in nats, against its expectation for δ = 0 (wishart.ts;
   * ≈ D(D+1)/(4N)).
   */
  noiseExcess: { n: number[]; measured_nats: number[]; expected_nats: number[] };
}

/**
 * sm: score matching; ml: the family's maximum-likelihood fit (the reference); nce: noise N(0, S + δI);
 * nce-adaptive: the informative NCE (noise = the current model); cnce.
 */
export type GroundTruthEstimator = 'sm' | 'ml' | 'nce' | 'nce-adaptive' | 'cnce';
const ALL_ESTIMATORS: GroundTruthEstimator[] = ['sm', 'ml', 'nce', 'nce-adaptive', 'cnce'];

export type FitStatus = 'converged' | 'cone edge' | 'separable' | 'not converged';
/** NCE and cNCE stop when λ_min falls below this: Λ* has λ_min ≥ 0.5, the SM starts about 0.66. */
const EDGE_EIGENVALUE = 1e-3;
/** Below this sample loss a fit that stopped classifies every row correctly with huge margins. */
const SEPARABLE_LOSS = 1e-6;

/**
 * Fits every estimator to the first N rows of one seeded sample from N(0, Λ*⁻¹), for each N. SM is
 * exact (a linear system); NCE and cNCE are their sample losses' minimisers (full-batch L-BFGS,
 * started from the SM estimate when it is positive definite, else from the diagonal fit 1/Sᵢᵢ: the
 * losses are convex, so the start changes only the time).
 */
export function groundTruthStudy(truth: SparsePrecision, settings: GroundTruthSettings): GroundTruthResults {
  const { structure } = truth;
  const D = structure.size;
  const results: GroundTruthResults = { methods: {}, noiseExcess: { n: [], measured_nats: [], expected_nats: [] } };
  const record = (
    method: string,
    n: number,
    fit: {
      precision: SparsePrecision;
      iterations: number;
      converged: boolean;
      seconds: number;
      loss?: number;
      stop?: FullBatchFit['stop'];
      minEigenvalue?: number;
    },
  ) => {
    const entry = (results.methods[method] ??= { n: [], rel_frobenius_error: [], seconds: [], iterations: [], converged: [], status: [], min_eigenvalue: [] });
    const minEigenvalue = fit.minEigenvalue ?? smallestEigenvalue(fit.precision);
    entry.n.push(n);
    entry.rel_frobenius_error.push(relativeFrobeniusError(fit.precision, truth));
    entry.seconds.push(fit.seconds);
    entry.iterations.push(fit.iterations);
    entry.converged.push(fit.converged);
    entry.status.push(fit.converged ? 'converged' : fit.stop === 'cone edge' ? 'cone edge' : (fit.loss ?? 1) < SEPARABLE_LOSS ? 'separable' : 'not converged');
    entry.min_eigenvalue.push(minEigenvalue);
    progress.update(++fitsDone);
  };
  const estimators = settings.estimators ?? ALL_ESTIMATORS;
  for (const [estimator, sizes] of Object.entries(settings.estimatorSizes ?? {})) {
    const unknown = sizes.filter((n) => !settings.sizes.includes(n));
    if (unknown.length)
      throw new Error(`groundTruthStudy: estimatorSizes.${estimator} has sizes ${unknown.join(', ')} that are not in sizes (${settings.sizes.join(', ')})`);
  }
  if (estimators.includes('nce-adaptive') && !settings.adaptive) throw new Error('groundTruthStudy: nce-adaptive needs settings.adaptive (ν and tolerance)');
  /** Whether `estimator` runs at sample size n. */
  const runs = (estimator: GroundTruthEstimator, n: number) =>
    estimators.includes(estimator) && (settings.estimatorSizes?.[estimator] ?? settings.sizes).includes(n);
  const fitsAt = (n: number) =>
    (runs('sm', n) ? 1 : 0) +
    (runs('ml', n) ? 1 : 0) +
    (runs('nce-adaptive', n) ? 1 : 0) +
    (runs('cnce', n) ? 1 : 0) +
    (runs('nce', n) ? settings.nus.length + (settings.otherRowsNoise ? 1 : 0) : 0);
  const side = `${truth.structure.height}×${truth.structure.width}`;
  const progress = progressReporter(
    settings.onProgress,
    `ground truth ${side}: fits`,
    settings.sizes.reduce((sum, n) => sum + fitsAt(n), 0),
  );
  let fitsDone = 0;
  const options = { maxIterations: settings.maxIterations, edgeEigenvalue: EDGE_EIGENVALUE };
  const largest = Math.max(...settings.sizes);
  // Rows [largest, largest + N) serve the other-rows noise; the first rows are the same either way.
  const all = sampleByCholesky(truth, new Float64Array(D), settings.otherRowsNoise ? 2 * largest : largest, settings.seed);
  for (const n of settings.sizes) {
    const X = all.subarray(0, n * D);
    const start = performance.now();
    // SM and ML read the same local second moments; each one's time includes forming them.
    const local = localFromData(X, n, structure);
    const momentSeconds = (performance.now() - start) / 1000;
    const sm = fitScoreMatchingLocal(local, {});
    if (runs('sm', n)) record('sm', n, { precision: sm.precision, iterations: sm.iterations, converged: true, seconds: (performance.now() - start) / 1000 });
    if (runs('ml', n)) {
      const mlStart = performance.now();
      const ml = fitMaxLikelihood(local);
      const seconds = momentSeconds + (performance.now() - mlStart) / 1000;
      record('ml', n, { precision: ml.precision, iterations: ml.iterations, converged: ml.converged, seconds });
    }
    if (!runs('nce', n) && !runs('nce-adaptive', n) && !runs('cnce', n)) continue;
    const init = choleskyOfPrecision(sm.precision).ok ? sm.precision : diagonalFit(X, n, structure);
    if (runs('nce-adaptive', n) && settings.adaptive) {
      const fit = fitNceAdaptive(X, n, structure, { ...settings.adaptive, init, seed: settings.seed + 2 });
      record('nce-adaptive', n, { precision: fit.precision, iterations: fit.rounds.length, converged: fit.converged, seconds: fit.seconds });
    }
    if (runs('nce', n)) {
      // The dense second moment costs D² per row: formed only for the NCE noise that needs it.
      const S = withRidge(secondMomentDense(X, n, D), D, settings.noiseRidge);
      for (const nu of settings.nus) {
        const problem = prepareNce(X, n, S, Math.round(nu * n), settings.seed + 1);
        if (nu === settings.nus[0]) recordNoiseExcess(results, truth, problem);
        record(`nce-nu${nu}`, n, fitNceFullBatch(problem, structure, { ...options, init }));
      }
      if (settings.otherRowsNoise) {
        const other = withRidge(secondMomentDense(all.subarray(largest * D, (largest + n) * D), n, D), D, settings.noiseRidge);
        const nu = settings.nus[0];
        record(`nce-nu${nu}-other-rows`, n, fitNceFullBatch(prepareNce(X, n, other, Math.round(nu * n), settings.seed + 1), structure, { ...options, init }));
      }
    }
    if (runs('cnce', n)) record('cnce', n, fitCnceFullBatch(X, n, structure, { ...options, init, kappa: settings.kappa, seed: settings.seed + 3 }));
  }
  progress.finish();
  return results;
}

/** The diagonal fit Λᵢᵢ = 1/Sᵢᵢ (zero-mean rows). */
function diagonalFit(X: Float32Array, n: number, structure: SparsePrecision['structure']): SparsePrecision {
  const D = structure.size;
  const sums = new Float64Array(D);
  for (let r = 0; r < n; r++) for (let i = 0; i < D; i++) sums[i] += X[r * D + i] ** 2;
  return diagonalPrecision(
    structure,
    Array.from(sums, (s) => n / s),
  );
}

function recordNoiseExcess(results: GroundTruthResults, truth: SparsePrecision, problem: NceProblem): void {
  const { D, n } = problem;
  const logZ = exactLogNormaliser(truth);
  let excess = 0;
  for (let r = 0; r < n; r++) excess += problem.dataNoiseLogDensity[r] - (logZ - 0.5 * patternQuadratic(truth.values, problem.data, r * D, truth.structure));
  results.noiseExcess.n.push(n);
  results.noiseExcess.measured_nats.push(excess / n);
  results.noiseExcess.expected_nats.push(expectedFitExcess(D, n));
}

/** One row per grid, method and sample size: the table notebook 01 shows. */
export type GroundTruthRow = {
  grid: string;
  method: string;
  N: number;
  'relative Frobenius error': number;
  status: FitStatus;
  λ_min: number;
  iterations: number;
  seconds: number;
};

/** The studies (keyed by grid, e.g. "8x8") as table rows. */
export function groundTruthRows(studies: Record<string, GroundTruthResults>): GroundTruthRow[] {
  return Object.entries(studies).flatMap(([grid, study]) =>
    Object.entries(study.methods).flatMap(([method, r]) =>
      r.n.map((N, i) => ({
        grid,
        method,
        N,
        'relative Frobenius error': r.rel_frobenius_error[i],
        status: r.status[i],
        λ_min: r.min_eigenvalue[i],
        iterations: r.iterations[i],
        seconds: r.seconds[i],
      })),
    ),
  );
}

/** The noise-overrating measurements of the studies as table rows (measured against the Wishart expectation). */
export function noiseExcessRows(
  studies: Record<string, GroundTruthResults>,
): { grid: string; N: number; 'measured (nats)': number; 'expected (Wishart)': number }[] {
  return Object.entries(studies).flatMap(([grid, study]) =>
    study.noiseExcess.n.map((N, i) => ({
      grid,
      N,
      'measured (nats)': study.noiseExcess.measured_nats[i],
      'expected (Wishart)': study.noiseExcess.expected_nats[i],
    })),
  );
}

/** One study's error-against-N series, one per method, for errorVsNPlot. */
export function errorSeries(study: GroundTruthResults): { name: string; n: number[]; error: number[]; converged: boolean[] }[] {
  return Object.entries(study.methods).map(([name, r]) => ({ name, n: r.n, error: r.rel_frobenius_error, converged: r.converged }));
}
