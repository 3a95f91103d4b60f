import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../../lib/backend';
import { DemConfig, laplacian } from '../../lib/dem/model';
import { scoreAndCurvature, ssmLossAndGradient, ssmLossRows } from '../../lib/dem/sliced-sm';
import { assertGradientMatchesDifferences, logp64, Params64, randomInputs, randomParams, rowsTensor, scoreFd, toModel } from './reference';

before(async () => {
  await chooseBackend();
});

const SMALL: DemConfig = { inputs: 10, features: 5, units: 4, sigma: 0.8 };
const SCALES = { V: 1, W: 1.5, b: 0.3, c: 0.5 };

/** vᵀ(∇²log p)v = d²/dt² log p(x + tv) at t = 0, by a float64 second central difference. */
function directionalCurvatureFd(p: Params64, x: Float64Array, v: Float64Array, step = 1e-3): number {
  const at = (t: number) =>
    logp64(
      p,
      Float64Array.from(x, (xi, i) => xi + t * v[i]),
    );
  return (at(step) - 2 * at(0) + at(-step)) / (step * step);
}

test('the SSM loss is ½‖∇ log p‖² + vᵀ(∇² log p)v, both terms by float64 finite differences of log p', () => {
  const params = randomParams(SMALL, 41, SCALES);
  const model = toModel(params);
  const x = randomInputs(6, SMALL.inputs, 42);
  const v = randomInputs(6, SMALL.inputs, 43);
  const loss = ssmLossRows(model, rowsTensor(x, SMALL.inputs), rowsTensor(v, SMALL.inputs)).dataSync();
  for (let n = 0; n < 6; n++) {
    const row = (a: Float64Array) => a.subarray(n * SMALL.inputs, (n + 1) * SMALL.inputs);
    const psi = scoreFd(params, Float64Array.from(row(x)));
    const expected = 0.5 * psi.reduce((acc, g) => acc + g * g, 0) + directionalCurvatureFd(params, Float64Array.from(row(x)), Float64Array.from(row(v)));
    assert.ok(Math.abs(loss[n] - expected) <= 1e-4 * Math.max(1, Math.abs(expected)), `row ${n}: ${loss[n]} vs ${expected}`);
  }
  model.dispose();
});

test('summed over the D coordinate directions, the directional curvature is exactly the analytic Laplacian', () => {
  const params = randomParams(SMALL, 44, SCALES);
  const model = toModel(params);
  const D = SMALL.inputs;
  const x = randomInputs(1, D, 45);
  const rows = new Float64Array(D * D);
  for (let l = 0; l < D; l++) rows.set(x, l * D);
  const basis = Float64Array.from({ length: D * D }, (_, i) => (Math.floor(i / D) === i % D ? 1 : 0));
  const curvature = tf.tidy(() => scoreAndCurvature(model, rowsTensor(rows, D), rowsTensor(basis, D)).curvature.dataSync() as Float32Array);
  const sum = curvature.reduce((a, b) => a + b, 0);
  const exact = tf.tidy(() => laplacian(model, rowsTensor(x, D)).dataSync()[0]);
  assert.ok(Math.abs(sum - exact) <= 1e-5 * Math.max(1, Math.abs(exact)), `Σₗ eₗᵀ(∇ψ)eₗ = ${sum}, Laplacian ${exact}`);
  model.dispose();
});

test("SSM's estimate of the Laplacian is unbiased: its mean over many Gaussian projections equals the analytic value", () => {
  const params = randomParams(SMALL, 46, SCALES);
  const model = toModel(params);
  const D = SMALL.inputs;
  const M = 20_000;
  const x = randomInputs(1, D, 47);
  const rows = new Float64Array(M * D);
  for (let m = 0; m < M; m++) rows.set(x, m * D);
  const v = randomInputs(M, D, 48);
  const curvature = tf.tidy(() => scoreAndCurvature(model, rowsTensor(rows, D), rowsTensor(v, D)).curvature.dataSync() as Float32Array);
  const mean = curvature.reduce((a, b) => a + b, 0) / M;
  const variance = curvature.reduce((acc, c) => acc + (c - mean) ** 2, 0) / (M - 1);
  const standardError = Math.sqrt(variance / M);
  const exact = tf.tidy(() => laplacian(model, rowsTensor(x, D)).dataSync()[0]);
  assert.ok(Math.abs(mean - exact) < 4 * standardError, `mean ${mean} ± ${standardError} vs Laplacian ${exact}`);
  model.dispose();
});

test("the SSM gradient equals the central difference of the SSM loss in every parameter's first entries", () => {
  const params = randomParams(SMALL, 49, { V: 0.7, W: 1, b: 0.3, c: 0.5 });
  const x = rowsTensor(randomInputs(16, SMALL.inputs, 50), SMALL.inputs);
  const v = rowsTensor(randomInputs(16, SMALL.inputs, 51), SMALL.inputs);
  const model = toModel(params);
  const { grads, terms, loss } = ssmLossAndGradient(model, x, v);
  const [half, slice] = terms.dataSync();
  assert.ok(Math.abs(half + slice - loss.dataSync()[0]) < 1e-4 * Math.max(1, Math.abs(loss.dataSync()[0])));
  assertGradientMatchesDifferences(params, grads, (m) => tf.tidy(() => tf.mean(ssmLossRows(m, x, v)).dataSync()[0]));
  model.dispose();
});
