// Notebook 04, part 1: chains of ULA and MALA on a trained DEM, started from white noise and from
// hold-out patches in one batch, and the numbers that say whether they mixed.
import * as tf from '@tensorflow/tfjs';
import { potentialScaleReduction } from '../../dem/chain-diagnostics';
import { langevin, LangevinResult } from '../../dem/langevin';
import { Dem, logDensityAndScore } from '../../dem/model';
import { createRng } from '../../random';
import { showProgress } from '../../report/progress';
import { D } from './inputs';

export interface SamplerSettings {
  /** Chains per start (white noise, hold-out patches): 2× this many chains in all. */
  chainsPerStart: number;
  steps: number;
  /** MALA: η at the first step and the burn-in over which it is adapted towards targetAcceptance. */
  initialStepSize: number;
  burnIn: number;
  targetAcceptance: number;
  seed: number;
}

export interface StartGroup {
  /** Mean over the group's chains of the last recorded log p̃ and patch variance. */
  final_logp_mean: number;
  final_variance_mean: number;
}

export interface ChainSummary {
  method: 'ula' | 'mala';
  step_size: number;
  steps: number;
  chains: number;
  /** MALA: accepted share after the burn-in (ULA: none). */
  acceptance?: number;
  acceptance_min_chain?: number;
  /** R̂ over all chains (both starts), second half of the traces. */
  rhat_logp: number;
  rhat_variance: number;
  /** R̂ of log p̃ over the second half of the first t steps, for growing t: how agreement grows with length. */
  rhat_logp_by_length: { steps: number; rhat: number }[];
  from_noise: StartGroup;
  from_data: StartGroup;
  seconds: number;
}

export interface ChainRun {
  result: LangevinResult;
  summary: ChainSummary;
  /** Final states of the noise-started and data-started chains, [chainsPerStart, D] each. */
  fromNoise: Float32Array;
  fromData: Float32Array;
}

/** White-noise starts with the data's pixel scale (RMS `scale`), then hold-out patches: [2n, D]. */
export function chainStarts(holdout: Float32Array, n: number, scale: number, seed: number): Float32Array {
  if (holdout.length < n * D) throw new Error(`chainStarts: ${n} data-started chains need ${n} hold-out patches, got ${holdout.length / D}`);
  const rng = createRng(seed);
  const starts = new Float32Array(2 * n * D);
  for (let i = 0; i < n * D; i++) starts[i] = scale * rng.normal();
  starts.set(holdout.subarray(0, n * D), n * D);
  return starts;
}

function groupMeans(result: LangevinResult, from: number, to: number): StartGroup {
  const last = (series: number[]) => series[series.length - 1];
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  return {
    final_logp_mean: mean(result.trace.logp.slice(from, to).map(last)),
    final_variance_mean: mean(result.trace.variance.slice(from, to).map(last)),
  };
}

/** R̂ at a few prefixes of the traces (each needs ≥ 4 recorded points, so its second half has 2). */
function rhatByLength(result: LangevinResult): { steps: number; rhat: number }[] {
  const points = result.trace.step.length;
  const out: { steps: number; rhat: number }[] = [];
  for (const fraction of [0.125, 0.25, 0.5, 0.75, 1]) {
    const upTo = Math.round(points * fraction);
    if (upTo < 4) continue;
    out.push({ steps: result.trace.step[upTo - 1], rhat: potentialScaleReduction(result.trace.logp.map((c) => c.slice(0, upTo))) });
  }
  return out;
}

/** Runs one sampler on the model from `starts` ([2n, D]: n noise, then n data). */
export async function runChains(
  model: Dem,
  starts: Float32Array,
  method: 'ula' | 'mala',
  settings: SamplerSettings,
  stepSize: number,
  label: string,
): Promise<ChainRun> {
  const n = settings.chainsPerStart;
  const result = await langevin((x) => logDensityAndScore(model, x), starts, D, {
    method,
    stepSize,
    steps: settings.steps,
    // ULA gets its own noise: driven by MALA's draws, the two chains would couple and look alike whatever their laws.
    seed: method === 'ula' ? settings.seed + 1 : settings.seed,
    adapt: method === 'mala' && settings.burnIn > 0 ? { steps: settings.burnIn, target: settings.targetAcceptance } : undefined,
    label,
    onProgress: showProgress(),
  });
  const summary: ChainSummary = {
    method,
    step_size: result.stepSize,
    steps: settings.steps,
    chains: 2 * n,
    rhat_logp: potentialScaleReduction(result.trace.logp),
    rhat_variance: potentialScaleReduction(result.trace.variance),
    rhat_logp_by_length: rhatByLength(result),
    from_noise: groupMeans(result, 0, n),
    from_data: groupMeans(result, n, 2 * n),
    seconds: result.seconds,
  };
  if (result.acceptance !== null && result.acceptancePerChain) {
    summary.acceptance = result.acceptance;
    summary.acceptance_min_chain = Math.min(...result.acceptancePerChain);
  }
  return { result, summary, fromNoise: result.samples.slice(0, n * D), fromData: result.samples.slice(n * D) };
}

/** Statistics of a set of patches in the same terms as the chains: mean log p̃ under the model and mean pixel variance. */
export function patchStatistics(model: Dem, rows: Float32Array): StartGroup {
  const n = rows.length / D;
  let variance = 0;
  for (let r = 0; r < n; r++) {
    let sum = 0;
    let sq = 0;
    for (let j = 0; j < D; j++) {
      sum += rows[r * D + j];
      sq += rows[r * D + j] ** 2;
    }
    variance += sq / D - (sum / D) ** 2;
  }
  return { final_logp_mean: meanLogDensity(model, rows), final_variance_mean: variance / n };
}

function meanLogDensity(model: Dem, rows: Float32Array): number {
  const { logp, score } = logDensityAndScore(model, tensorRows(rows));
  const values = Array.from(logp.dataSync());
  logp.dispose();
  score.dispose();
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function tensorRows(rows: Float32Array): tf.Tensor2D {
  return tf.tensor2d(rows, [rows.length / D, D]);
}

export interface GaussianSamplerCheck {
  method: 'ula' | 'mala';
  step_size: number;
  /** Variance of the samples along each eigenvector of Λ (λ ascending), beside 1/λ and ULA's 1/(λ(1 − ηλ/2)). */
  sampled_variance: number[];
  exact_variance: number[];
  ula_predicted_variance: number[];
  acceptance?: number;
}

/**
 * Both samplers on a diagonal Gaussian N(0, diag(1/λ)) with its exact score −λ ⊙ x, from zero, for
 * `steps` steps of `chains` chains: the variance each reproduces along each axis.
 */
export async function gaussianSamplerCheck(lambdas: number[], stepSize: number, chains: number, steps: number, seed: number): Promise<GaussianSamplerCheck[]> {
  const d = lambdas.length;
  const precision = tf.tensor1d(lambdas);
  const target = (x: tf.Tensor2D) =>
    tf.tidy(() => {
      const score = tf.neg(tf.mul(x, precision)) as tf.Tensor2D;
      return { logp: tf.mul(0.5, tf.sum(tf.mul(x, score), 1)) as tf.Tensor1D, score };
    });
  const out: GaussianSamplerCheck[] = [];
  try {
    for (const method of ['ula', 'mala'] as const) {
      const result = await langevin(target, new Float32Array(chains * d), d, {
        method,
        stepSize,
        steps,
        seed: seed + out.length,
        label: `${method.toUpperCase()} on a Gaussian`,
      });
      const sampled = lambdas.map((_, k) => {
        let sum = 0;
        for (let c = 0; c < chains; c++) sum += result.samples[c * d + k] ** 2;
        return sum / chains;
      });
      const check: GaussianSamplerCheck = {
        method,
        step_size: stepSize,
        sampled_variance: sampled,
        exact_variance: lambdas.map((l) => 1 / l),
        ula_predicted_variance: lambdas.map((l) => 1 / (l * (1 - (stepSize * l) / 2))),
      };
      if (result.acceptance !== null) check.acceptance = result.acceptance;
      out.push(check);
    }
  } finally {
    precision.dispose();
  }
  return out;
}
