import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../../lib/backend';
import { createRng } from '../../lib/random';
import { langevin, LogDensityAndScore } from '../../lib/dem/langevin';
import { splitPotentialScaleReduction } from '../../lib/dem/chain-diagnostics';

before(async () => {
  await chooseBackend();
});

// A correlated 3-D Gaussian N(0, Λ⁻¹): Λ = U diag(λ) Uᵀ with U a rotation, so every step mixes coordinates.
const LAMBDAS = [0.5, 1, 2];
const ANGLE = 0.6;
const U = [
  [Math.cos(ANGLE), -Math.sin(ANGLE), 0],
  [Math.sin(ANGLE) * 0.8, Math.cos(ANGLE) * 0.8, -0.6],
  [Math.sin(ANGLE) * 0.6, Math.cos(ANGLE) * 0.6, 0.8],
];
const spectral = (f: (lambda: number) => number) => U.map((_, i) => U.map((__, j) => LAMBDAS.reduce((acc, l, k) => acc + U[i][k] * f(l) * U[j][k], 0)));
const PRECISION = spectral((l) => l);
const CHAINS = 4000;
const STEPS = 300;
const ETA = 0.4; // ηλ_max = 0.8: large enough that ULA's bias is plain, MALA still accepts most proposals

const gaussianTarget: LogDensityAndScore = (x) =>
  tf.tidy(() => {
    const score = tf.neg(tf.matMul(x, tf.tensor2d(PRECISION))) as tf.Tensor2D; // Λ is symmetric
    return { logp: tf.mul(0.5, tf.sum(tf.mul(x, score), 1)) as tf.Tensor1D, score };
  });

function sampleCovariance(samples: Float32Array, d: number): number[][] {
  const n = samples.length / d;
  return Array.from({ length: d }, (_, i) =>
    Array.from({ length: d }, (__, j) => {
      let sum = 0;
      for (let r = 0; r < n; r++) sum += samples[r * d + i] * samples[r * d + j];
      return sum / n;
    }),
  );
}

/** ‖A − B‖_F / ‖B‖_F. */
function relativeFrobenius(a: number[][], b: number[][]): number {
  let diff = 0;
  let scale = 0;
  a.forEach((row, i) =>
    row.forEach((v, j) => {
      diff += (v - b[i][j]) ** 2;
      scale += b[i][j] ** 2;
    }),
  );
  return Math.sqrt(diff / scale);
}

function startingPoints(seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: CHAINS * 3 }, () => 3 * rng.normal()); // overdispersed starts
}

// Sampling error of a covariance entry from 4000 independent states: ≈ √(2/4000) ≈ 2% of its scale.
const TOLERANCE = 0.06;

test('MALA with the exact score of a known Gaussian reproduces its covariance Λ⁻¹', async () => {
  const result = await langevin(gaussianTarget, startingPoints(1), 3, { method: 'mala', stepSize: ETA, steps: STEPS, seed: 2 });
  const error = relativeFrobenius(
    sampleCovariance(result.samples, 3),
    spectral((l) => 1 / l),
  );
  assert.ok(error < TOLERANCE, `relative error of the covariance ${error.toFixed(3)}`);
  assert.ok(result.acceptance! > 0.5 && result.acceptance! < 1, `acceptance ${result.acceptance}`);
});

test("ULA's stationary covariance is off by its known O(η) bias: 1/(λ(1 − ηλ/2)) along each eigenvector", async () => {
  const result = await langevin(gaussianTarget, startingPoints(3), 3, { method: 'ula', stepSize: ETA, steps: STEPS, seed: 4 });
  const covariance = sampleCovariance(result.samples, 3);
  const biased = relativeFrobenius(
    covariance,
    spectral((l) => 1 / (l * (1 - (ETA * l) / 2))),
  );
  const exact = relativeFrobenius(
    covariance,
    spectral((l) => 1 / l),
  );
  assert.ok(biased < TOLERANCE, `against the predicted ULA covariance: ${biased.toFixed(3)}`);
  assert.ok(exact > 3 * TOLERANCE, `against Λ⁻¹ itself: ${exact.toFixed(3)} (the bias should be visible)`);
  assert.equal(result.acceptance, null);
});

test('MALA adapts η towards the target acceptance during burn-in, then keeps it fixed', async () => {
  const result = await langevin(gaussianTarget, startingPoints(5), 3, {
    method: 'mala',
    stepSize: 0.05,
    steps: 400,
    seed: 6,
    adapt: { steps: 200, target: 0.6, rate: 0.1 },
  });
  assert.ok(result.stepSize > 0.05, `η stayed at ${result.stepSize}`);
  assert.ok(Math.abs(result.acceptance! - 0.6) < 0.1, `acceptance after burn-in ${result.acceptance}`);
});

test('the same seed gives the same chains', async () => {
  const a = await langevin(gaussianTarget, startingPoints(7).subarray(0, 30), 3, { method: 'mala', stepSize: ETA, steps: 20, seed: 8 });
  const b = await langevin(gaussianTarget, startingPoints(7).subarray(0, 30), 3, { method: 'mala', stepSize: ETA, steps: 20, seed: 8 });
  assert.deepEqual(Array.from(a.samples), Array.from(b.samples));
});

test('split-R̂ is 1 for chains drawn from one distribution and large for chains stuck at different levels', () => {
  const rng = createRng(9);
  const same = Array.from({ length: 4 }, () => Array.from({ length: 400 }, () => rng.normal()));
  const apart = same.map((chain, i) => chain.map((v) => v + 5 * i));
  assert.ok(Math.abs(splitPotentialScaleReduction(same) - 1) < 0.02, `same: ${splitPotentialScaleReduction(same)}`);
  assert.ok(splitPotentialScaleReduction(apart) > 3, `apart: ${splitPotentialScaleReduction(apart)}`);
});

// Chains that drift alike have equal means, so plain R̂ (chains compared whole) stays near 1; split-R̂ sees the drift.
test('split-R̂ flags chains that all drift the same way', () => {
  const rng = createRng(10);
  const drifting = Array.from({ length: 4 }, () => Array.from({ length: 400 }, (_, t) => rng.normal() + t / 50));
  assert.ok(splitPotentialScaleReduction(drifting) > 1.1, `split: ${splitPotentialScaleReduction(drifting)}`);
  const stationary = drifting.map((chain) => chain.map((v, t) => v - t / 50));
  assert.ok(Math.abs(splitPotentialScaleReduction(stationary) - 1) < 0.02, `stationary: ${splitPotentialScaleReduction(stationary)}`);
});

// Two far-apart modes of very different widths, N(−10·1, I) and N(+10·1, 10⁻⁴I), in 4 dimensions: no
// chain crosses between them, and the step that suits one mode is useless in the other.
const WIDTHS = [1, 0.01];
const CENTRES = [-10, 10];
const twoScales: LogDensityAndScore = (x) =>
  tf.tidy(() => {
    const terms = WIDTHS.map((s, k) => {
      const d = tf.sub(x, CENTRES[k]);
      return { d, s, log: tf.sub(tf.div(tf.sum(tf.square(d), 1), -2 * s * s), 4 * Math.log(s)) };
    });
    const logp = tf.logSumExp(
      tf.stack(
        terms.map((t) => t.log),
        1,
      ),
      1,
    ) as tf.Tensor1D;
    const score = tf.addN(terms.map((t) => tf.mul(tf.reshape(tf.exp(tf.sub(t.log, logp)), [-1, 1]), tf.div(t.d, -t.s * t.s)))) as tf.Tensor2D;
    return { logp, score };
  });

test('per-chain adaptation gives every chain a step that suits its own region; one shared η leaves the narrow mode stuck', async () => {
  const rng = createRng(11);
  const starts = Float32Array.from({ length: 16 * 4 }, (_, i) => (i < 32 ? CENTRES[0] + rng.normal() : CENTRES[1] + 0.01 * rng.normal()));
  const run = (perChain: boolean) =>
    langevin(twoScales, starts, 4, { method: 'mala', stepSize: 0.1, steps: 800, seed: 12, adapt: { steps: 400, target: 0.57, perChain } });
  const own = await run(true);
  own.acceptancePerChain!.forEach((a, n) => assert.ok(a > 0.3 && a < 0.8, `chain ${n}: acceptance ${a}`));
  const wide = Math.min(...own.stepSizePerChain.slice(0, 8));
  const narrow = Math.max(...own.stepSizePerChain.slice(8));
  assert.ok(narrow < 1e-2 * wide, `η ${narrow} in the narrow mode against ${wide} in the wide one`);
  // Each narrow-mode chain's spread about its centre is that mode's (variance 10⁻⁴ per coordinate, within sampling error).
  const narrowStates = own.samples.subarray(32);
  const variance = narrowStates.reduce((sum, v) => sum + (v - CENTRES[1]) ** 2, 0) / narrowStates.length;
  assert.ok(variance > 0.5e-4 && variance < 2e-4, `narrow-mode variance ${variance}`);
  const shared = await run(false);
  // One η, adapted to the mean acceptance, is too long for every narrow-mode chain and needlessly short for the wide mode.
  const accepted = shared.acceptancePerChain!;
  assert.ok(accepted.slice(8).every((a) => a === 0) && accepted.slice(0, 8).every((a) => a > 0.95), JSON.stringify(accepted));
});
