// Langevin samplers for an unnormalised density known through log p̃ and its score ψ = ∇ₓ log p̃, for a
// batch of independent chains (one row each). One step of step size η proposes
//   y = x + η ψ(x) + √(2η) ξ,   ξ ~ N(0, I),
// the Euler step of the diffusion dx = ψ dt + √2 dW, whose stationary density is p. Taken as it is (ULA,
// "unadjusted") the chain's stationary law is only close to p: it is off by O(η) (on a Gaussian with
// precision Λ the variance along an eigenvector of Λ with eigenvalue λ is 1/(λ(1 − ηλ/2)) instead of 1/λ).
// MALA corrects that with a Metropolis–Hastings test: accept y with probability
//   min(1, p̃(y) q(x | y) / (p̃(x) q(y | x))),   log q(y | x) = −‖y − x − ηψ(x)‖² / (4η) + const,
// which makes p exactly stationary for any η; η then only trades acceptance against move size.
// Every draw comes from seeded tfjs generators (one seed per step, forked from options.seed).
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../random';
import { OnProgress, progressReporter } from '../progress';
import { median } from '../gaussian/evaluation/heldout';

/** log p̃ [N] and ψ [N, D] of a batch of states [N, D]. */
export type LogDensityAndScore = (x: tf.Tensor2D) => { logp: tf.Tensor1D; score: tf.Tensor2D };

export interface LangevinOptions {
  method: 'ula' | 'mala';
  /** η of the step above (the first one, if adapted): one for every chain, or one per chain. */
  stepSize: number | number[];
  steps: number;
  seed: number;
  /** Record log p̃ and the patch variance of every chain every this many steps (default max(1, steps/200)). */
  traceEvery?: number;
  /**
   * MALA only: during the first `steps` steps (a burn-in the acceptance rate does not count), move log η by
   * rate·(acceptance − target) after each step, then keep η fixed (a fixed η keeps the chain exactly MALA).
   * With `perChain`, each chain moves its own η by its own accept/reject, so a chain in a sharper region of
   * the density gets a smaller step instead of rejecting every proposal; otherwise all share one η, moved
   * by the acceptance over all chains.
   */
  adapt?: { steps: number; target: number; rate?: number; perChain?: boolean };
  /** Names the sampler in progress lines and errors. */
  label?: string;
  onProgress?: OnProgress;
}

export interface LangevinTrace {
  /** Step numbers of the recorded points (0 = the starting states). */
  step: number[];
  /** Per chain, log p̃ at each recorded step. */
  logp: number[][];
  /** Per chain, the variance of its state's entries (a patch's pixel variance) at each recorded step. */
  variance: number[][];
}

export interface LangevinResult {
  /** Final states, [N, D] row-major. */
  samples: Float32Array;
  /** η used after adaptation (= options.stepSize without adaptation); the median over chains when they differ. */
  stepSize: number;
  /** η of each chain after adaptation. */
  stepSizePerChain: number[];
  /** MALA: share of accepted proposals after the burn-in, over all chains; ULA: null. */
  acceptance: number | null;
  /** MALA: the same per chain; ULA: null. */
  acceptancePerChain: number[] | null;
  trace: LangevinTrace;
  seconds: number;
}

const DEFAULT_ADAPT_RATE = 0.05;

/** Each row's variance around its own mean, [N]. */
function rowVariance(x: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.moments(x, 1).variance as tf.Tensor1D);
}

export async function langevin(target: LogDensityAndScore, start: Float32Array, dims: number, options: LangevinOptions): Promise<LangevinResult> {
  const { method, steps, seed } = options;
  const label = options.label ?? method.toUpperCase();
  if (method !== 'ula' && method !== 'mala') throw new Error(`langevin: method must be "ula" or "mala", got "${method}"`);
  const given = typeof options.stepSize === 'number' ? [options.stepSize] : options.stepSize;
  if (given.length === 0 || given.some((e) => !(e > 0) || !Number.isFinite(e)))
    throw new Error(`langevin (${label}): stepSize must be a positive number or one per chain, got ${JSON.stringify(options.stepSize)}`);
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`langevin (${label}): steps must be a positive integer, got ${steps}`);
  if (start.length === 0 || start.length % dims !== 0)
    throw new Error(`langevin (${label}): ${start.length} starting values is not a whole number of rows of ${dims}`);
  const adapt = options.adapt ?? null;
  if (adapt && (method !== 'mala' || !(adapt.steps >= 0 && adapt.steps < steps) || !(adapt.target > 0 && adapt.target < 1))) {
    throw new Error(
      `langevin (${label}): adapt needs method "mala", 0 ≤ adapt.steps < steps and a target in (0, 1), got ${JSON.stringify(adapt)} with ${steps} steps`,
    );
  }
  const chains = start.length / dims;
  if (typeof options.stepSize !== 'number' && options.stepSize.length !== chains) {
    throw new Error(`langevin (${label}): ${options.stepSize.length} step sizes for ${chains} chains`);
  }
  const traceEvery = options.traceEvery ?? Math.max(1, Math.floor(steps / 200));
  const rng = createRng(seed);
  const etas = Float32Array.from({ length: chains }, (_, n) => given[typeof options.stepSize === 'number' ? 0 : n]);
  // η as a column [chains, 1] for the proposal and a vector [chains] for the acceptance test; rebuilt when adapted.
  let eta = { column: tf.tensor2d(etas, [chains, 1]), vector: tf.tensor1d(etas) };
  const setEta = () => {
    tf.dispose([eta.column, eta.vector]);
    eta = { column: tf.tensor2d(etas, [chains, 1]), vector: tf.tensor1d(etas) };
  };
  const burnIn = adapt?.steps ?? 0;
  const trace: LangevinTrace = { step: [], logp: Array.from({ length: chains }, () => []), variance: Array.from({ length: chains }, () => []) };
  const progress = progressReporter(options.onProgress, `Langevin ${label}`, steps);
  const started = performance.now();

  let x = tf.tensor2d(start, [chains, dims]);
  let current = target(x);
  let accepted = tf.zeros([chains]) as tf.Tensor1D;
  const record = (step: number) => {
    const logp = current.logp.dataSync();
    const variance = tf.tidy(() => rowVariance(x).dataSync());
    for (let n = 0; n < chains; n++) {
      if (!Number.isFinite(logp[n]) || !Number.isFinite(variance[n])) {
        throw new Error(
          `langevin (${label}): chain ${n} became non-finite by step ${step} (log p̃ = ${logp[n]}, variance = ${variance[n]}); η = ${etas[n]} is too large for this density`,
        );
      }
      trace.logp[n].push(logp[n]);
      trace.variance[n].push(variance[n]);
    }
    trace.step.push(step);
  };
  try {
    record(0);
    for (let step = 1; step <= steps; step++) {
      const noiseSeed = rng.fork();
      const uniformSeed = rng.fork();
      const proposal = tf.tidy(
        () =>
          tf.addN([
            x,
            tf.mul(current.score, eta.column),
            tf.mul(tf.randomNormal([chains, dims], 0, 1, 'float32', noiseSeed), tf.sqrt(tf.mul(eta.column, 2))),
          ]) as tf.Tensor2D,
      );
      const next = target(proposal);
      if (method === 'ula') {
        tf.dispose([x, current.logp, current.score]);
        x = proposal;
        current = next;
      } else {
        // Accept per chain when log u < log p̃(y) − log p̃(x) + log q(x|y) − log q(y|x).
        const accept = tf.tidy(() => {
          const forward = tf.sum(tf.square(tf.sub(tf.sub(proposal, x), tf.mul(current.score, eta.column))), 1);
          const backward = tf.sum(tf.square(tf.sub(tf.sub(x, proposal), tf.mul(next.score, eta.column))), 1);
          const logRatio = tf.add(tf.sub(next.logp, current.logp), tf.div(tf.sub(forward, backward), tf.mul(eta.vector, 4)));
          const logU = tf.log(tf.randomUniform([chains], 0, 1, 'float32', uniformSeed));
          return tf.cast(tf.less(logU, logRatio), 'float32') as tf.Tensor1D;
        });
        const keep = (a: tf.Tensor, b: tf.Tensor, column: boolean) =>
          tf.tidy(() => tf.where(tf.cast(column ? tf.reshape(accept, [chains, 1]) : accept, 'bool'), a, b));
        const merged = {
          x: keep(proposal, x, true) as tf.Tensor2D,
          logp: keep(next.logp, current.logp, false) as tf.Tensor1D,
          score: keep(next.score, current.score, true) as tf.Tensor2D,
        };
        if (adapt && step <= burnIn) {
          const decisions = Array.from(accept.dataSync());
          const rate = adapt.rate ?? DEFAULT_ADAPT_RATE;
          const shared = decisions.reduce((a, b) => a + b, 0) / chains;
          for (let n = 0; n < chains; n++) etas[n] *= Math.exp(rate * ((adapt.perChain ? decisions[n] : shared) - adapt.target));
          setEta();
        } else {
          const total = tf.add(accepted, accept) as tf.Tensor1D;
          accepted.dispose();
          accepted = total;
        }
        tf.dispose([accept, proposal, next.logp, next.score, x, current.logp, current.score]);
        x = merged.x;
        current = { logp: merged.logp, score: merged.score };
      }
      if (step % traceEvery === 0 || step === steps) record(step);
      progress.update(step, { eta: median(etas) });
      if (step % 50 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const counted = steps - burnIn;
    const perChain = method === 'mala' ? Array.from(accepted.dataSync(), (a) => a / counted) : null;
    return {
      samples: x.dataSync() as Float32Array,
      stepSize: median(etas),
      stepSizePerChain: Array.from(etas),
      acceptance: perChain ? perChain.reduce((a, b) => a + b, 0) / chains : null,
      acceptancePerChain: perChain,
      trace,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    progress.finish();
    tf.dispose([x, current.logp, current.score, accepted, eta.column, eta.vector]);
  }
}
