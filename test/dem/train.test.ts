import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../../lib/backend';
import { createRng } from '../../lib/random';
import { createDem, demFromArrays, DemConfig, paramArrays } from '../../lib/dem/model';
import { stepSize, trainDem } from '../../lib/dem/train';
import { meanOf, smLossOfRows, logDensityOfRows } from '../../lib/dem/evaluate';
import { saveDem, loadDem, checkpointName } from '../../lib/dem/checkpoint';
import { artifactPath } from '../../lib/report/artifacts';

before(async () => {
  await chooseBackend();
});

/** n rows of independent Gaussian pixels with the given means and standard deviations. */
function gaussianRows(n: number, means: number[], stds: number[], seed: number): Float32Array {
  const rng = createRng(seed);
  const D = means.length;
  return Float32Array.from({ length: n * D }, (_, i) => means[i % D] + stds[i % D] * rng.normal());
}

/** Sample mean and total variance tr(C) (1/n) of the rows, in float64. */
function moments(rows: Float32Array, D: number): { mean: Float64Array; traceC: number } {
  const n = rows.length / D;
  const mean = new Float64Array(D);
  for (let i = 0; i < rows.length; i++) mean[i % D] += rows[i] / n;
  let traceC = 0;
  for (let i = 0; i < rows.length; i++) traceC += (rows[i] - mean[i % D]) ** 2 / n;
  return { mean, traceC };
}

/** A DEM whose network term is off (W = 0), with b = 0. */
function gaussianOnly(config: DemConfig, seed: number) {
  const rng = createRng(seed);
  const { inputs: D, features: J, units: K } = config;
  return demFromArrays(config, {
    V: Float32Array.from({ length: J * D }, () => 0.1 * rng.normal()),
    W: new Float32Array(K * J),
    b: new Float32Array(D),
    c: new Float32Array(K),
  });
}

test('with the network switched off, SM training recovers b = mean/σ² and reaches the closed-form loss', async () => {
  // With W = 0 the model is N(σ²b, σ²I) and σ is fixed: only the mean is identifiable (through b).
  // The SM loss at the optimum is ½ tr C/σ⁴ − D/σ², whatever the data's covariance C.
  const D = 16;
  const sigma = 0.8;
  const means = Array.from({ length: D }, (_, d) => Math.sin(d + 1));
  const stds = Array.from({ length: D }, (_, d) => 0.5 + (d % 4) * 0.25);
  const train = gaussianRows(4096, means, stds, 31);
  const config: DemConfig = { inputs: D, features: 4, units: 3, sigma };
  const model = gaussianOnly(config, 32);
  await trainDem(model, train, null, {
    run: 'gaussian-b',
    epochs: 40,
    batchSize: 512,
    learningRate: 0.03,
    finalLearningRate: 1e-4,
    seed: 33,
    trainable: ['b'],
    threads: 1,
  });
  const { mean, traceC } = moments(train, D);
  const b = model.params.b.dataSync();
  const bError = Math.max(...Array.from(b, (v, d) => Math.abs(v - mean[d] / sigma ** 2)));
  assert.ok(bError < 0.01, `b differs from mean/σ² by ${bError}`);
  const closedForm = traceC / (2 * sigma ** 4) - D / sigma ** 2;
  const loss = meanOf(smLossOfRows(model, train));
  assert.ok(Math.abs(loss - closedForm) < 1e-3 * Math.abs(closedForm), `loss ${loss} vs closed form ${closedForm}`);
  assert.ok(
    model.params.W.dataSync().every((w) => w === 0),
    'W must stay fixed when not trainable',
  );
  model.dispose();
});

test('the SM loss of the Gaussian term is smallest when σ² is the mean pixel variance', () => {
  // Closed form at the optimal b: ½ tr C/σ⁴ − D/σ², minimised at σ² = tr C / D (here 0.2²).
  const D = 32;
  const rows = gaussianRows(
    2000,
    new Array(D).fill(0),
    Array.from({ length: D }, (_, d) => (d % 2 ? 0.15 : 0.245)),
    34,
  );
  const { mean, traceC } = moments(rows, D);
  const sigmas = [0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1];
  const losses = sigmas.map((sigma) => {
    const model = gaussianOnly({ inputs: D, features: 3, units: 2, sigma }, 35);
    model.params.b.assign(tf.tensor1d(Float32Array.from(mean, (m) => m / sigma ** 2)));
    const loss = meanOf(smLossOfRows(model, rows));
    model.dispose();
    return loss;
  });
  const best = sigmas[losses.indexOf(Math.min(...losses))];
  assert.equal(best, 0.2, `losses ${losses.map((l) => l.toFixed(1)).join(', ')}; √(tr C/D) = ${Math.sqrt(traceC / D)}`);
  // The mismatch is costly: σ = 1 on data of pixel std 0.2 loses most of the achievable loss.
  const optimum = -(D * D) / (2 * traceC);
  assert.ok(Math.abs(losses[3] - optimum) < 0.02 * Math.abs(optimum));
  assert.ok(losses[6] > 0.3 * optimum);
});

test('SM training on heavy-tailed whitened data goes below the best Gaussian, on hold-out data', async () => {
  // Orthogonally mixed unit-variance Laplace sources: covariance I, so every Gaussian (σ = 1) has SM loss
  // ≥ ½·D − D = −D/2. Going below it on hold-out data needs the non-Gaussian structure.
  const D = 16;
  const rng = createRng(36);
  const laplace = () => ((rng.uniform() < 0.5 ? -1 : 1) * Math.log(1 - rng.uniform())) / Math.SQRT2;
  const mixing = tf.tidy(() => tf.linalg.qr(tf.randomNormal([D, D], 0, 1, 'float32', 37))[0].dataSync());
  const sample = (n: number) => {
    const out = new Float32Array(n * D);
    for (let i = 0; i < n; i++) {
      const s = Array.from({ length: D }, laplace);
      for (let d = 0; d < D; d++) out[i * D + d] = s.reduce((acc, v, k) => acc + mixing[d * D + k] * v, 0);
    }
    return out;
  };
  const train = sample(16384);
  const holdout = sample(2048);
  const model = createDem({ inputs: D, features: 16, units: 16, sigma: 1 }, { seed: 38, wScale: 2 });
  const history = await trainDem(model, train, holdout, { run: 'laplace', epochs: 20, batchSize: 128, learningRate: 0.01, seed: 39, threads: 1 });
  const gaussianBound = -D / 2;
  const final = history.holdoutLoss[history.holdoutLoss.length - 1];
  assert.ok(history.initialHoldoutLoss > gaussianBound - 0.2, `initial ${history.initialHoldoutLoss}`);
  assert.ok(final < gaussianBound - 0.5, `hold-out loss ${final} vs best Gaussian ${gaussianBound}`);
  assert.equal(history.trainLoss.length, 20);
  model.dispose();
});

test('training is deterministic for a seed', async () => {
  const D = 20;
  const train = gaussianRows(512, new Array(D).fill(0), new Array(D).fill(1), 40);
  const run = async (seed: number) => {
    const model = createDem({ inputs: D, features: 6, units: 5, sigma: 1 }, { seed: 41 });
    await trainDem(model, train, null, { run: 'determinism', epochs: 3, batchSize: 64, learningRate: 0.01, seed, threads: 1 });
    const values = paramArrays(model);
    model.dispose();
    return values;
  };
  const [first, again, other] = [await run(1), await run(1), await run(2)];
  assert.deepEqual(first.V, again.V);
  assert.deepEqual(first.W, again.W);
  assert.notDeepEqual(first.V, other.V);
});

test('an overflowing loss stops training with an error naming the run, epoch, step and term', async () => {
  const D = 10;
  const train = gaussianRows(64, new Array(D).fill(0), new Array(D).fill(1), 42);
  train.fill(1e30, 37 * D, 38 * D); // row 37: ‖score‖² overflows float32
  const model = createDem({ inputs: D, features: 4, units: 3, sigma: 1 }, { seed: 43 });
  await assert.rejects(
    trainDem(model, train, null, { run: 'overflow-test', epochs: 2, batchSize: 8, learningRate: 0.01, seed: 44, threads: 1 }),
    /DEM run "overflow-test": non-finite score-matching training at epoch 1, step [1-8] of 8: ½‖score‖² = Infinity/,
  );
  assert.ok(paramArrays(model).V.every(Number.isFinite), 'the failing step must not be applied');
  model.dispose();
});

for (const unit of [undefined, 'log-cosh'] as const) {
  test(`saved parameters, feature unit and loss curves reload without retraining (${unit ?? 'sigmoid'})`, async () => {
    const D = 12;
    const train = gaussianRows(256, new Array(D).fill(0), new Array(D).fill(1), 45);
    const model = createDem({ inputs: D, features: 4, units: 3, sigma: 0.5, ...(unit ? { unit } : {}) }, { seed: 46 });
    const history = await trainDem(model, train, train, { run: 'roundtrip', epochs: 2, batchSize: 64, learningRate: 0.01, seed: 47, threads: 1 });
    const run = 'test-roundtrip';
    saveDem(run, model, history, 'quick');
    try {
      const loaded = loadDem(run, 'quick');
      assert.deepEqual(loaded.model.config, model.config);
      assert.deepEqual(logDensityOfRows(loaded.model, train), logDensityOfRows(model, train));
      assert.deepEqual(loaded.history.holdoutLoss, history.holdoutLoss);
      assert.equal(loaded.history.epochs, 2);
      loaded.model.dispose();
    } finally {
      for (const ext of ['.json', '.bin']) fs.rmSync(artifactPath(checkpointName(run), 'quick') + ext, { force: true });
    }
    model.dispose();
  });
}

test('training rejects data that is not whole rows, and batches larger than the data', async () => {
  const model = createDem({ inputs: 10, features: 4, units: 3, sigma: 1 }, { seed: 48 });
  const options = { run: 'bad', epochs: 1, batchSize: 8, learningRate: 0.01, seed: 1, threads: 1 };
  await assert.rejects(trainDem(model, new Float32Array(25), null, options), /25 values, not a whole number of rows of 10/);
  await assert.rejects(trainDem(model, new Float32Array(50), null, options), /5 training rows are fewer than one batch of 8/);
  model.dispose();
});

test('the step size falls linearly to its final value over the decay share of the steps, then stays there', () => {
  const schedule = { learningRate: 0.04, finalLearningRate: 0.001, decayFraction: 0.75, totalSteps: 101 };
  const end = 75; // round(0.75 · 100): the first step at the final value
  assert.equal(stepSize(0, schedule), 0.04);
  const decrements = Array.from({ length: end }, (_, t) => stepSize(t + 1, schedule) - stepSize(t, schedule));
  decrements.forEach((d) => assert.ok(Math.abs(d - (0.001 - 0.04) / end) < 1e-15, `decrement ${d}`));
  assert.ok(Math.abs(stepSize(end - 1, schedule) - (0.001 + (0.04 - 0.001) / end)) < 1e-15);
  for (const t of [end, end + 1, 100]) assert.equal(stepSize(t, schedule), 0.001, `step ${t}`);
  // decayFraction 1 is the plain linear decay, reaching the final value exactly at the last step.
  const linear = { ...schedule, decayFraction: 1 };
  assert.equal(stepSize(0, linear), 0.04);
  assert.ok(Math.abs(stepSize(50, linear) - 0.0205) < 1e-15);
  assert.ok(stepSize(99, linear) > 0.001);
  assert.ok(Math.abs(stepSize(100, linear) - 0.001) < 1e-15);
  // A one-step run takes the initial step size.
  assert.equal(stepSize(0, { ...linear, totalSteps: 1 }), 0.04);
});

test('training rejects a decay share of the steps outside (0, 1]', async () => {
  const model = createDem({ inputs: 10, features: 4, units: 3, sigma: 1 }, { seed: 49 });
  const train = gaussianRows(64, new Array(10).fill(0), new Array(10).fill(1), 50);
  for (const decayFraction of [0, 1.5, -0.1, NaN]) {
    await assert.rejects(
      trainDem(model, train, null, { run: 'bad-schedule', epochs: 1, batchSize: 8, learningRate: 0.01, decayFraction, seed: 1, threads: 1 }),
      /decayFraction must be in \(0, 1\], got/,
    );
  }
  model.dispose();
});
