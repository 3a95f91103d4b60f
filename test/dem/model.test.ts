import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../../lib/backend';
import { createDem, DemConfig, logDensity, scoreAndLaplacian, smLoss, smLossPerSample } from '../../lib/dem/model';
import { laplacianFd, logp64, Params64, randomInputs, randomParams, rowsTensor, scoreFd, toModel } from './reference';

before(async () => {
  await chooseBackend();
});

const SMALL: DemConfig = { inputs: 12, features: 5, units: 4, sigma: 0.7 };
const ROWS = 8;

// float32 model against float64 differences: errors are measured relative to the largest magnitude
// in play (the score's entries and x/σ²; the Laplacian's D/σ² and its value). Measured at these seeds:
// score ≤ 1e-7 graded and 5e-7 saturated; Laplacian ≤ 9e-8 graded and 2.7e-6 saturated, where float32
// rounding of large cancelling curvature terms (‖vⱼ‖² ≈ 200) dominates.
const SCORE_TOLERANCE = 1e-5;
const LAPLACIAN_TOLERANCE = 1e-5;

/** The analytic (tfjs, float32) score and Laplacian against float64 finite differences, row by row. */
function compareWithDifferences(p: Params64, x: Float64Array): { score: number; laplacian: number } {
  const D = p.config.inputs;
  const model = toModel(p);
  const { score, laplacian } = scoreAndLaplacian(model, rowsTensor(x, D));
  const scoreValues = score.dataSync();
  const lapValues = laplacian.dataSync();
  let scoreError = 0;
  let lapError = 0;
  for (let i = 0; i < x.length / D; i++) {
    const row = x.subarray(i * D, (i + 1) * D);
    const g = scoreFd(p, row);
    const scale = Math.max(1, ...Array.from(g, Math.abs), ...Array.from(row, (v) => Math.abs(v) / p.config.sigma ** 2));
    for (let d = 0; d < D; d++) scoreError = Math.max(scoreError, Math.abs(scoreValues[i * D + d] - g[d]) / scale);
    const lap = laplacianFd(p, row);
    lapError = Math.max(lapError, Math.abs(lapValues[i] - lap) / Math.max(1, D / p.config.sigma ** 2, Math.abs(lap)));
  }
  model.dispose();
  return { score: scoreError, laplacian: lapError };
}

test('the analytic score matches central differences of log p (graded sigmoids)', () => {
  const p = randomParams(SMALL, 1, { V: 0.5, W: 1, b: 0.3, c: 0.5 });
  const errors = compareWithDifferences(p, randomInputs(ROWS, SMALL.inputs, 2));
  assert.ok(errors.score < SCORE_TOLERANCE, `score error ${errors.score}`);
});

test('the analytic Laplacian matches the trace of the finite-difference Hessian (graded sigmoids)', () => {
  const p = randomParams(SMALL, 3, { V: 0.5, W: 2, b: 0.3, c: 0.5 });
  const errors = compareWithDifferences(p, randomInputs(ROWS, SMALL.inputs, 4));
  assert.ok(errors.laplacian < LAPLACIAN_TOLERANCE, `Laplacian error ${errors.laplacian}`);
});

test('score and Laplacian stay exact when the sigmoids saturate', () => {
  // V ~ N(0, 4²): pre-activations of a few tens, most sigmoids flat to float32 precision, some not.
  const p = randomParams(SMALL, 5, { V: 4, W: 2, b: 0.3, c: 0.5 });
  const x = randomInputs(ROWS, SMALL.inputs, 6);
  const errors = compareWithDifferences(p, x);
  assert.ok(errors.score < SCORE_TOLERANCE, `score error ${errors.score}`);
  assert.ok(errors.laplacian < LAPLACIAN_TOLERANCE, `Laplacian error ${errors.laplacian}`);
});

test('score and Laplacian match the differences with the even first layer g = log cosh, graded and saturated', () => {
  const config: DemConfig = { ...SMALL, unit: 'log-cosh' };
  for (const [seed, V] of [
    [31, 0.5],
    [33, 4],
  ]) {
    const p = randomParams(config, seed, { V, W: 2, b: 0.3, c: 0.5 });
    const errors = compareWithDifferences(p, randomInputs(ROWS, config.inputs, seed + 1));
    assert.ok(errors.score < SCORE_TOLERANCE, `V scale ${V}: score error ${errors.score}`);
    assert.ok(errors.laplacian < LAPLACIAN_TOLERANCE, `V scale ${V}: Laplacian error ${errors.laplacian}`);
  }
});

test('log p with g = log cosh matches the float64 formula, also where cosh would overflow float32', () => {
  const config: DemConfig = { ...SMALL, unit: 'log-cosh' };
  const p = randomParams(config, 35, { V: 20, W: 2, b: 0.3, c: 1 }); // pre-activations of about 100
  const model = toModel(p);
  const x = randomInputs(ROWS, config.inputs, 36);
  const values = logDensity(model, rowsTensor(x, config.inputs)).dataSync();
  for (let i = 0; i < ROWS; i++) {
    const exact = logp64(p, x.subarray(i * config.inputs, (i + 1) * config.inputs));
    assert.ok(Math.abs(values[i] - exact) <= 1e-5 * Math.max(1, Math.abs(exact)), `row ${i}: ${values[i]} vs ${exact}`);
  }
  model.dispose();
});

test('the analytic score equals tf.grad of log p', () => {
  const p = randomParams(SMALL, 7, { V: 0.5, W: 1, b: 0.3, c: 0.5 });
  const model = toModel(p);
  const x = rowsTensor(randomInputs(ROWS, SMALL.inputs, 8), SMALL.inputs);
  const autodiff = tf
    .grad((input: tf.Tensor) => tf.sum(logDensity(model, input as tf.Tensor2D)))(x)
    .dataSync();
  const analytic = scoreAndLaplacian(model, x).score.dataSync();
  const scale = Math.max(...Array.from(autodiff, Math.abs));
  const error = Math.max(...Array.from(analytic, (v, i) => Math.abs(v - autodiff[i]))) / scale;
  assert.ok(error < SCORE_TOLERANCE, `score vs tf.grad: ${error}`);
  model.dispose();
});

test('log p matches the float64 formula', () => {
  const p = randomParams(SMALL, 9, { V: 3, W: 3, b: 0.3, c: 2 });
  const model = toModel(p);
  const x = randomInputs(ROWS, SMALL.inputs, 10, 3);
  const values = logDensity(model, rowsTensor(x, SMALL.inputs)).dataSync();
  for (let i = 0; i < ROWS; i++) {
    const exact = logp64(p, x.subarray(i * SMALL.inputs, (i + 1) * SMALL.inputs));
    assert.ok(Math.abs(values[i] - exact) < 1e-5 * Math.max(1, Math.abs(exact)), `row ${i}: ${values[i]} vs ${exact}`);
  }
  model.dispose();
});

test('log p, score, Laplacian and the SM loss stay finite for inputs of norm 1e3', () => {
  const D = 784;
  const x = randomInputs(16, D, 11);
  for (let i = 0; i < 16; i++) {
    const row = x.subarray(i * D, (i + 1) * D);
    const norm = Math.hypot(...row);
    row.forEach((v, d) => (row[d] = (v / norm) * 1e3));
  }
  for (const sigma of [1, 0.1]) {
    for (const dataScale of [1, 0.01]) {
      // dataScale 0.01 makes V 100× larger: pre-activations in the thousands, every sigmoid saturated.
      const model = createDem({ inputs: D, features: 64, units: 64, sigma }, { seed: 12, dataScale, wScale: 30 });
      const input = rowsTensor(x, D);
      const { score, laplacian } = scoreAndLaplacian(model, input);
      for (const [name, t] of [
        ['log p', logDensity(model, input)],
        ['score', score],
        ['Laplacian', laplacian],
        ['SM loss', smLossPerSample(model, input)],
      ] as const) {
        const values = t.dataSync();
        assert.ok(values.every(Number.isFinite), `${name} not finite (σ = ${sigma}, dataScale = ${dataScale})`);
      }
      // The Gaussian term alone is −‖x‖²/(2σ²) = −5e5/σ²: log p must be of that order, not clipped.
      const logp = logDensity(model, input).dataSync();
      assert.ok(Math.abs(logp[0] / (-5e5 / sigma ** 2) - 1) < 0.01, `log p = ${logp[0]} at σ = ${sigma}`);
      model.dispose();
    }
  }
});

test('with W = 0 the DEM is the Gaussian N(σ²b, σ²I): log p, score, Laplacian and SM loss in closed form', () => {
  const config: DemConfig = { inputs: 10, features: 6, units: 5, sigma: 0.5 };
  const p = randomParams(config, 13, { V: 1, W: 0, b: 1, c: 1 });
  const model = toModel(p);
  const n = 50;
  const x = randomInputs(n, config.inputs, 14, 0.8);
  const input = rowsTensor(x, config.inputs);
  const logp = logDensity(model, input).dataSync();
  const { score, laplacian } = scoreAndLaplacian(model, input);
  const scoreValues = score.dataSync();
  const lapValues = laplacian.dataSync();
  const s2 = config.sigma ** 2;
  const D = config.inputs;
  const constant = Array.from(p.c, (c) => Math.log1p(Math.exp(c))).reduce((a, b) => a + b, 0); // Σₖ softplus(cₖ)
  let expectedLoss = 0;
  for (let i = 0; i < n; i++) {
    let sq = 0;
    let dot = 0;
    let residual2 = 0;
    for (let d = 0; d < D; d++) {
      const v = x[i * D + d];
      sq += v * v;
      dot += p.b[d] * v;
      const residual = v - s2 * p.b[d]; // x − mean
      residual2 += residual * residual;
      assert.ok(Math.abs(scoreValues[i * D + d] + residual / s2) < 1e-5 * (1 + Math.abs(residual / s2)));
    }
    assert.ok(Math.abs(logp[i] - (-sq / (2 * s2) + dot + constant)) < 1e-5 * (1 + sq / (2 * s2)));
    assert.ok(Math.abs(lapValues[i] + D / s2) < 1e-5 * (D / s2), `Laplacian ${lapValues[i]} vs ${-D / s2}`);
    expectedLoss += (residual2 / (2 * s2 * s2) - D / s2) / n;
  }
  const loss = smLoss(model, input).dataSync()[0];
  assert.ok(Math.abs(loss - expectedLoss) < 1e-5 * Math.abs(expectedLoss), `SM loss ${loss} vs closed form ${expectedLoss}`);
  model.dispose();
});

test('the model rejects inputs of the wrong width and bad configurations', () => {
  const model = createDem(SMALL, { seed: 1 });
  assert.throws(() => logDensity(model, tf.zeros([3, 11]) as tf.Tensor2D), /expected inputs of shape \[N, 12\], got \[3,11\]/);
  assert.throws(() => createDem({ ...SMALL, sigma: 0 }, { seed: 1 }), /sigma must be a positive finite number, got 0/);
  assert.throws(() => createDem({ ...SMALL, units: 2.5 }, { seed: 1 }), /units must be a positive integer, got 2.5/);
  model.dispose();
});

test('the initial pre-activations are graded, not saturated', () => {
  // Whitened data (pixel std 1) and raw patches (pixel std 0.2) with dataScale set accordingly.
  for (const pixelStd of [1, 0.2]) {
    const model = createDem({ inputs: 784, features: 64, units: 64, sigma: 1 }, { seed: 2, dataScale: pixelStd });
    const x = rowsTensor(randomInputs(64, 784, 3, pixelStd), 784);
    const a = Array.from(tf.matMul(x, model.params.V, false, true).dataSync());
    const rms = Math.sqrt(a.reduce((acc, v) => acc + v * v, 0) / a.length);
    assert.ok(rms > 0.4 && rms < 0.6, `pre-activation rms ${rms} at pixel std ${pixelStd}`);
    model.dispose();
  }
});
