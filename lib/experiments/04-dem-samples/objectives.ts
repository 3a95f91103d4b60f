// Notebook 04, part 2: the same DEM trained by exact, denoising and sliced score matching from the same
// seeded initialisation, batches and step-size schedule, each judged by the exact hold-out SM loss and the
// Gabor fit of its filters; and DSM's noise bias on a Gaussian, where it has a closed form.
import { denoisingObjective } from '../../dem/denoising-sm';
import { DemSettings, trainRun } from '../03-deep-energy-model/runs';
import { fitGaborBank, GaborFit } from '../../dem/gabor/fit';
import { GaborBankSummary, summariseGaborBank } from '../../dem/gabor/summary';
import { Dem, paramArrays } from '../../dem/model';
import { DemObjective } from '../../dem/objective';
import { slicedObjective } from '../../dem/sliced-sm';
import { TrainHistory } from '../../dem/train';
import { fitGaussianDsm } from '../../gaussian/score-matching/denoising';
import { createRng } from '../../random';

export const OBJECTIVES = ['exact', 'denoising', 'sliced'] as const;
export type ObjectiveName = (typeof OBJECTIVES)[number];

/** Notebook 03's training settings (the same meanings), with the comparison's own epochs and noise levels. */
export interface ComparisonSettings extends DemSettings {
  epochs: number;
  /** σₙ of each denoising-SM run (whitened patches have unit pixel variance). */
  dsmNoiseStds: number[];
}

/** One training run of the comparison: its objective and, for denoising SM, its noise level. */
export interface ObjectiveSpec {
  /** "exact", "denoising-0.1", "sliced": the key in the results JSON. */
  key: string;
  objective: ObjectiveName;
  noiseStd?: number;
  /** For tables and legends, e.g. "denoising SM (σₙ = 0.1)". */
  label: string;
}

/** Exact SM, one denoising run per noise level, sliced SM: the runs of the comparison, in that order. */
export function objectiveSpecs(settings: ComparisonSettings): ObjectiveSpec[] {
  if (!Array.isArray(settings.dsmNoiseStds) || settings.dsmNoiseStds.some((s) => !(s > 0) || !Number.isFinite(s))) {
    throw new Error(`notebook 04 parameters: comparison.dsmNoiseStds must be a list of positive numbers, got ${JSON.stringify(settings.dsmNoiseStds)}`);
  }
  return [
    { key: 'exact', objective: 'exact', label: 'exact SM' },
    ...settings.dsmNoiseStds.map((noiseStd): ObjectiveSpec => ({
      key: `denoising-${noiseStd}`,
      objective: 'denoising',
      noiseStd,
      label: `denoising SM (σₙ = ${noiseStd})`,
    })),
    { key: 'sliced', objective: 'sliced', label: 'sliced SM' },
  ];
}

export interface ObjectiveRun {
  spec: ObjectiveSpec;
  model: Dem;
  history: TrainHistory;
  fits: GaborFit[];
  gabor: GaborBankSummary;
}

function objectiveFor(spec: ObjectiveSpec, settings: ComparisonSettings): DemObjective | undefined {
  if (spec.objective === 'denoising') return denoisingObjective(spec.noiseStd as number, settings.seed + 2);
  if (spec.objective === 'sliced') return slicedObjective(settings.seed + 2);
  return undefined;
}

/**
 * Trains the σ = 1 DEM on whitened patches with one objective. Every objective starts from the same
 * parameters (seed), sees the same batches (seed + 1) and runs on one thread, so seconds per epoch compare.
 */
export async function trainWithObjective(spec: ObjectiveSpec, train: Float32Array, holdout: Float32Array, settings: ComparisonSettings): Promise<ObjectiveRun> {
  if (!OBJECTIVES.includes(spec.objective)) throw new Error(`trainWithObjective: objective "${spec.objective}", expected one of ${OBJECTIVES.join(', ')}`);
  if (spec.objective === 'denoising' && !((spec.noiseStd ?? 0) > 0))
    throw new Error(`trainWithObjective: denoising SM needs a positive noiseStd, got ${spec.noiseStd}`);
  const run = { name: `04-${spec.key}`, input: 'whitened' as const, sigma: 1, epochs: settings.epochs };
  const { model, history } = await trainRun(run, train, holdout, settings, { threads: 1, objective: objectiveFor(spec, settings) });
  const fits = fitGaborBank(paramArrays(model).V);
  return { spec, model, history, fits, gabor: summariseGaborBank(fits) };
}

export interface GaussianDsmRow {
  noise_std: number;
  /** Fitted covariance eigenvalues, ascending, and the closed form λ + σₙ² for each. */
  fitted: number[];
  predicted: number[];
  /** max over eigenvalues of |fitted − predicted| / predicted, and of |fitted − λ| / λ. */
  max_rel_error_vs_noisy: number;
  max_rel_error_vs_true: number;
}

/**
 * DSM fits of a zero-mean Gaussian with covariance eigenvalues `lambdas` (in a seeded random rotation),
 * from n samples, for each noise level: the fitted covariance against C + σₙ²I and against C.
 */
export function gaussianDsmBias(lambdas: number[], noiseStds: number[], n: number, seed: number): GaussianDsmRow[] {
  const d = lambdas.length;
  const rng = createRng(seed);
  // A random orthonormal basis by Gram–Schmidt on Gaussian vectors.
  const basis: number[][] = [];
  while (basis.length < d) {
    const v = Array.from({ length: d }, () => rng.normal());
    for (const b of basis) {
      const dot = v.reduce((acc, x, i) => acc + x * b[i], 0);
      b.forEach((bi, i) => (v[i] -= dot * bi));
    }
    const norm = Math.hypot(...v);
    basis.push(v.map((x) => x / norm));
  }
  const samples = new Float64Array(n * d);
  for (let r = 0; r < n; r++) {
    const z = lambdas.map((l) => Math.sqrt(l) * rng.normal());
    for (let i = 0; i < d; i++) samples[r * d + i] = basis.reduce((acc, b, k) => acc + b[i] * z[k], 0);
  }
  const sorted = [...lambdas].sort((a, b) => a - b);
  return noiseStds.map((noiseStd, k) => {
    const fitted = fitGaussianDsm(samples, d, noiseStd, seed + 1 + k).covarianceEigenvalues;
    const predicted = sorted.map((l) => l + noiseStd ** 2);
    return {
      noise_std: noiseStd,
      fitted,
      predicted,
      max_rel_error_vs_noisy: Math.max(...fitted.map((f, i) => Math.abs(f - predicted[i]) / predicted[i])),
      max_rel_error_vs_true: Math.max(...fitted.map((f, i) => Math.abs(f - sorted[i]) / sorted[i])),
    };
  });
}
