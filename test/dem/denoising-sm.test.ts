import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../../lib/backend';
import { DemConfig } from '../../lib/dem/model';
import { dsmLossAndGradient, dsmLossRows } from '../../lib/dem/denoising-sm';
import { fitGaussianDsm } from '../../lib/gaussian/score-matching/denoising';
import { createRng } from '../../lib/random';
import { assertGradientMatchesDifferences, randomInputs, randomParams, rowsTensor, scoreFd, toModel } from './reference';

before(async () => {
  await chooseBackend();
});

const SMALL: DemConfig = { inputs: 10, features: 5, units: 4, sigma: 0.8 };
const NOISE_STD = 0.3;

test('the DSM loss is ½‖∇ log p(x + σₙε) + ε/σₙ‖², with the score taken by float64 finite differences of log p', () => {
  const params = randomParams(SMALL, 31, { V: 1, W: 1.5, b: 0.3, c: 0.5 });
  const model = toModel(params);
  const x = randomInputs(6, SMALL.inputs, 32);
  const eps = randomInputs(6, SMALL.inputs, 33);
  const loss = dsmLossRows(model, rowsTensor(x, SMALL.inputs), rowsTensor(eps, SMALL.inputs), NOISE_STD).dataSync();
  for (let n = 0; n < 6; n++) {
    const row = (a: Float64Array) => a.subarray(n * SMALL.inputs, (n + 1) * SMALL.inputs);
    const noisy = Float64Array.from(row(x), (v, i) => v + NOISE_STD * row(eps)[i]);
    const psi = scoreFd(params, noisy);
    const expected = 0.5 * psi.reduce((acc, g, i) => acc + (g + row(eps)[i] / NOISE_STD) ** 2, 0);
    assert.ok(Math.abs(loss[n] - expected) <= 1e-4 * Math.max(1, expected), `row ${n}: ${loss[n]} vs ${expected}`);
  }
  model.dispose();
});

test("the DSM gradient equals the central difference of the DSM loss in every parameter's first entries", () => {
  const params = randomParams(SMALL, 34, { V: 0.7, W: 1, b: 0.3, c: 0.5 });
  const x = rowsTensor(randomInputs(16, SMALL.inputs, 35), SMALL.inputs);
  const eps = rowsTensor(randomInputs(16, SMALL.inputs, 36), SMALL.inputs);
  const model = toModel(params);
  const { grads } = dsmLossAndGradient(model, x, eps, NOISE_STD);
  assertGradientMatchesDifferences(params, grads, (m) => tf.tidy(() => tf.mean(dsmLossRows(m, x, eps, NOISE_STD)).dataSync()[0]));
  model.dispose();
});

test('DSM on Gaussian data returns the covariance of the noisy data, C + σₙ²I, not C', () => {
  // C with eigenvalues 0.25, 1, 2.5 along a rotated basis; samples x = C^½ z.
  const rng = createRng(37);
  const lambdas = [0.25, 1, 2.5];
  const c = Math.cos(0.7);
  const s = Math.sin(0.7);
  const basis = [
    [c, -s, 0],
    [s, c, 0],
    [0, 0, 1],
  ];
  const n = 40_000;
  const samples = new Float64Array(n * 3);
  for (let r = 0; r < n; r++) {
    const z = lambdas.map((l) => Math.sqrt(l) * rng.normal());
    for (let i = 0; i < 3; i++) samples[r * 3 + i] = basis[i][0] * z[0] + basis[i][1] * z[1] + basis[i][2] * z[2];
  }
  for (const noiseStd of [0.3, 1]) {
    const fit = fitGaussianDsm(samples, 3, noiseStd, 38);
    fit.covarianceEigenvalues.forEach((value, k) => {
      const expected = lambdas[k] + noiseStd ** 2;
      assert.ok(Math.abs(value - expected) < 0.04 * expected, `σₙ = ${noiseStd}, eigenvalue ${k}: ${value} vs λ + σₙ² = ${expected}`);
    });
  }
});
