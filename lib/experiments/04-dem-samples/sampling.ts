// Notebook 04, part 1: chains of ULA and MALA on a trained DEM, started from white noise and from
// hold-out patches in one batch, and the numbers that say whether they mixed.
import * as tf from '@tensorflow/tfjs';
import { MIXED_RHAT, splitPotentialScaleReduction } from '../../dem/chain-diagnostics';
import { langevin, LangevinResult } from '../../dem/langevin';
import { logDensityOfRows, gaussianTermOfRows, meanOf, summarize } from '../../dem/evaluate';
import { Dem, logDensityAndScore, paramArrays } from '../../dem/model';
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
  /** MALA: each chain adapts its own η in the burn-in (../../dem/langevin), for densities whose sharpness varies from chain to chain. */
  perChainStepSize?: boolean;
  seed: number;
}

export interface StartGroup {
  /** Mean over the group's chains of the last recorded log p̃ and patch variance. */
  final_logp_mean: number;
  final_variance_mean: number;
}

export interface ChainSummary {
  method: 'ula' | 'mala';
  /** η, the median over chains when each has its own (their range then in step_size_range). */
  step_size: number;
  step_size_range?: [number, number];
  steps: number;
  chains: number;
  /** MALA: accepted share after the burn-in (ULA: none). */
  acceptance?: number;
  acceptance_min_chain?: number;
  /** Split-R̂ over all chains (both starts), second half of the traces. */
  rhat_logp: number;
  rhat_variance: number;
  /** Both below MIXED_RHAT. */
  mixed: boolean;
  /** MALA: chains that accepted no proposal after the burn-in, i.e. never left their start. */
  stuck_chains?: number;
  /** Over the kept (second) half of each chain's log p̃ trace: the range of the chains' own means, and of their standard deviations. */
  logp_chain_means: [number, number];
  logp_chain_sds: [number, number];
  /** Split-R̂ of log p̃ over the second half of the first t steps, for growing t: how agreement grows with length. */
  rhat_logp_by_length: { steps: number; rhat: number }[];
  from_noise: StartGroup;
  from_data: StartGroup;
  seconds: number;
}

export interface ChainRun {
  result: LangevinResult;
  summary: ChainSummary;
  /** Final states of the noise-started and data-started chains, [chainsPerStart, inputs] each. */
  fromNoise: Float32Array;
  fromData: Float32Array;
}

/** White-noise starts with the data's scale (RMS `scale`), then hold-out rows: [2n, dims] (dims: a patch's pixels unless given). */
export function chainStarts(holdout: Float32Array, n: number, scale: number, seed: number, dims: number = D): Float32Array {
  if (holdout.length < n * dims) throw new Error(`chainStarts: ${n} data-started chains need ${n} hold-out rows of ${dims}, got ${holdout.length / dims}`);
  const starts = new Float32Array(2 * n * dims);
  starts.set(whiteNoise(n, scale, seed, dims));
  starts.set(holdout.subarray(0, n * dims), n * dims);
  return starts;
}

/** n rows of white noise with standard deviation `scale`, [n, dims] (dims: a patch's pixels unless given). */
export function whiteNoise(n: number, scale: number, seed: number, dims: number = D): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n * dims }, () => scale * rng.normal());
}

function groupMeans(result: LangevinResult, from: number, to: number): StartGroup {
  const last = (series: number[]) => series[series.length - 1];
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  return {
    final_logp_mean: mean(result.trace.logp.slice(from, to).map(last)),
    final_variance_mean: mean(result.trace.variance.slice(from, to).map(last)),
  };
}

/** Split-R̂ at a few prefixes of the traces (each needs ≥ 8 recorded points, so its second half splits into halves of 2). */
function rhatByLength(result: LangevinResult): { steps: number; rhat: number }[] {
  const points = result.trace.step.length;
  const out: { steps: number; rhat: number }[] = [];
  for (const fraction of [0.125, 0.25, 0.5, 0.75, 1]) {
    const upTo = Math.round(points * fraction);
    if (upTo < 8) continue;
    out.push({ steps: result.trace.step[upTo - 1], rhat: splitPotentialScaleReduction(result.trace.logp.map((c) => c.slice(0, upTo))) });
  }
  return out;
}

/** Runs one sampler on the model from `starts` ([2n, inputs]: n noise, then n data). */
export async function runChains(
  model: Dem,
  starts: Float32Array,
  method: 'ula' | 'mala',
  settings: SamplerSettings,
  stepSize: number | number[],
  label: string,
): Promise<ChainRun> {
  const n = settings.chainsPerStart;
  const dims = model.config.inputs;
  const result = await langevin((x) => logDensityAndScore(model, x), starts, dims, {
    method,
    stepSize,
    steps: settings.steps,
    // ULA gets its own noise: driven by MALA's draws, the two chains would couple and look alike whatever their laws.
    seed: method === 'ula' ? settings.seed + 1 : settings.seed,
    adapt:
      method === 'mala' && settings.burnIn > 0 ? { steps: settings.burnIn, target: settings.targetAcceptance, perChain: settings.perChainStepSize } : undefined,
    label,
    onProgress: showProgress(),
  });
  const rhatLogp = splitPotentialScaleReduction(result.trace.logp);
  const levels = result.trace.logp.map((chain) => summarize(chain.slice(chain.length - Math.floor(chain.length / 2))));
  const range = (values: number[]): [number, number] => [Math.min(...values), Math.max(...values)];
  const rhatVariance = splitPotentialScaleReduction(result.trace.variance);
  const summary: ChainSummary = {
    method,
    step_size: result.stepSize,
    steps: settings.steps,
    chains: 2 * n,
    rhat_logp: rhatLogp,
    rhat_variance: rhatVariance,
    mixed: rhatLogp < MIXED_RHAT && rhatVariance < MIXED_RHAT,
    logp_chain_means: range(levels.map((l) => l.mean)),
    logp_chain_sds: range(levels.map((l) => l.std)),
    rhat_logp_by_length: rhatByLength(result),
    from_noise: groupMeans(result, 0, n),
    from_data: groupMeans(result, n, 2 * n),
    seconds: result.seconds,
  };
  const [etaLow, etaHigh] = range(result.stepSizePerChain);
  if (etaLow < etaHigh) summary.step_size_range = [etaLow, etaHigh];
  if (result.acceptance !== null && result.acceptancePerChain) {
    summary.acceptance = result.acceptance;
    summary.acceptance_min_chain = Math.min(...result.acceptancePerChain);
    summary.stuck_chains = result.acceptancePerChain.filter((a) => a === 0).length;
  }
  return { result, summary, fromNoise: result.samples.slice(0, n * dims), fromData: result.samples.slice(n * dims) };
}

/**
 * One sentence per chain run, from its numbers: whether split-R̂ of log p̃ and of the state's variance (named by `variance`) is below
 * MIXED_RHAT, where the noise- and data-started halves ended, and how many chains never moved.
 */
export function mixingVerdict(model: string, s: ChainSummary, variance = 'pixel variance'): string {
  const rhats = `split-R̂ ${s.rhat_logp.toFixed(2)} for log p̃ and ${s.rhat_variance.toFixed(2)} for the ${variance}`;
  const ends = `chains from white noise end at mean log p̃ ${s.from_noise.final_logp_mean.toFixed(0)} (${variance} ${s.from_noise.final_variance_mean.toFixed(3)}), chains from hold-out patches at ${s.from_data.final_logp_mean.toFixed(0)} (${s.from_data.final_variance_mean.toFixed(3)})`;
  const stuck = s.stuck_chains ? `; ${s.stuck_chains} of ${s.chains} chains accepted no proposal after the burn-in and never left their start` : '';
  const verdict = s.mixed
    ? `mixed by split-R̂ < ${MIXED_RHAT}`
    : `NOT mixed (split-R̂ ≥ ${MIXED_RHAT}): these are the chains' states after ${s.steps} steps, not independent samples of the model`;
  const [low, high] = s.logp_chain_means;
  const [sdLow, sdHigh] = s.logp_chain_sds;
  const levels = `Over the kept half each chain's own mean log p̃ lies between ${low.toFixed(0)} and ${high.toFixed(0)}, while a chain fluctuates about its mean by ${sdLow.toFixed(0)}–${sdHigh.toFixed(0)} (standard deviation)`;
  const growth = s.rhat_logp_by_length.map((r) => `${r.rhat.toFixed(2)} at ${r.steps}`).join(', ');
  const trend =
    s.rhat_logp_by_length.length >= 2
      ? s.rhat_logp_by_length[s.rhat_logp_by_length.length - 1].rhat < 0.9 * s.rhat_logp_by_length[Math.floor(s.rhat_logp_by_length.length / 2)].rhat
      : false;
  const why = s.mixed
    ? ''
    : ` ${levels}${high - low > 2 * sdHigh ? ': the chains sit at different levels and do not trade places within the run' : ''}; split-R̂ of log p̃ as the chains grow: ${growth} steps (${trend ? 'still falling: longer chains should help' : 'not falling: longer chains at this η will not fix it'}).`;
  const eta = s.step_size_range
    ? `η per chain ${s.step_size_range[0].toPrecision(2)}–${s.step_size_range[1].toPrecision(2)} (median ${s.step_size.toPrecision(2)})`
    : `η = ${s.step_size.toPrecision(2)}`;
  return `${model}, ${s.method.toUpperCase()} (${s.chains} chains × ${s.steps} steps, ${eta}${s.acceptance !== undefined ? `, acceptance ${(100 * s.acceptance).toFixed(0)}%` : ''}): ${rhats} — ${verdict}; ${ends}${stuck}.${why}`;
}

/** The final states of the MALA chains that accepted at least one proposal after the burn-in, [n, dims] (all of them for ULA; empty when none moved). */
export function movedChains(result: LangevinResult, dims: number): Float32Array {
  if (!result.acceptancePerChain) return result.samples;
  const moved = result.acceptancePerChain.flatMap((rate, c) => (rate > 0 ? [c] : []));
  const out = new Float32Array(moved.length * dims);
  moved.forEach((c, i) => out.set(result.samples.subarray(c * dims, (c + 1) * dims), i * dims));
  return out;
}

export interface LogDensityTerms {
  /** Means over the rows of log p̃ and of its three terms: −‖x‖²/2σ², bᵀx and the network's Σ softplus(uₖ). */
  logp: number;
  gaussian: number;
  linear: number;
  network: number;
  /** Mean ‖x‖² (the chains' and patches' squared distance from the origin). */
  squared_norm: number;
}

/** log p̃ of a set of rows split into its terms, averaged over the rows: where a model's density comes from. */
export function logDensityTerms(model: Dem, rows: Float32Array): LogDensityTerms {
  const n = rows.length / D;
  if (n < 1 || !Number.isInteger(n)) throw new Error(`logDensityTerms: ${rows.length} values is not a whole, non-empty number of rows of ${D}`);
  const logp = logDensityOfRows(model, rows);
  const gaussian = gaussianTermOfRows(model, rows);
  const b = paramArrays(model).b;
  const linear = Float64Array.from({ length: n }, (_, r) => b.reduce((acc, bj, j) => acc + bj * rows[r * D + j], 0));
  const squared = Float64Array.from(gaussian, (g) => -2 * model.config.sigma ** 2 * g);
  return {
    logp: meanOf(logp),
    gaussian: meanOf(gaussian),
    linear: meanOf(linear),
    network: meanOf(Float64Array.from(logp, (v, r) => v - gaussian[r] - linear[r])),
    squared_norm: meanOf(squared),
  };
}

/** Statistics of a set of rows (the model's inputs) in the same terms as the chains: mean log p̃ under the model and the mean variance of a row's entries. */
export function patchStatistics(model: Dem, rows: Float32Array): StartGroup {
  const dims = model.config.inputs;
  const n = rows.length / dims;
  let variance = 0;
  for (let r = 0; r < n; r++) {
    let sum = 0;
    let sq = 0;
    for (let j = 0; j < dims; j++) {
      sum += rows[r * dims + j];
      sq += rows[r * dims + j] ** 2;
    }
    variance += sq / dims - (sum / dims) ** 2;
  }
  return { final_logp_mean: meanLogDensity(model, rows), final_variance_mean: variance / n };
}

function meanLogDensity(model: Dem, rows: Float32Array): number {
  const x = tf.tensor2d(rows, [rows.length / model.config.inputs, model.config.inputs]);
  const { logp, score } = logDensityAndScore(model, x);
  const values = Array.from(logp.dataSync());
  tf.dispose([x, logp, score]);
  return values.reduce((a, b) => a + b, 0) / values.length;
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
