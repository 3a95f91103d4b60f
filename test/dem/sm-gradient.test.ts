import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../../lib/backend';
import { DemConfig, PARAM_NAMES, smLoss, smLossPerSample } from '../../lib/dem/model';
import { smLossAndGradient, smLossRows } from '../../lib/dem/score-matching';
import { randomInputs, randomParams, relativeError, rowsTensor, toModel } from './reference';

before(async () => {
  await chooseBackend();
});

// Both paths are float32; measured relative differences ≤ 6e-7 (at D = 784, where sums run over 784 terms).
const TOLERANCE = 1e-5;

const CASES: { name: string; config: DemConfig; scales: { V: number; W: number; b: number; c: number }; rows: number }[] = [
  { name: 'small, graded sigmoids', config: { inputs: 12, features: 5, units: 4, sigma: 0.7 }, scales: { V: 0.5, W: 1, b: 0.3, c: 0.5 }, rows: 9 },
  { name: 'small, saturated sigmoids', config: { inputs: 12, features: 5, units: 4, sigma: 0.7 }, scales: { V: 4, W: 3, b: 0.3, c: 0.5 }, rows: 9 },
  {
    name: 'small, g = log cosh, graded',
    config: { inputs: 12, features: 5, units: 4, sigma: 0.7, unit: 'log-cosh' },
    scales: { V: 0.5, W: 1, b: 0.3, c: 0.5 },
    rows: 9,
  },
  {
    name: 'small, g = log cosh, saturated',
    config: { inputs: 12, features: 5, units: 4, sigma: 0.7, unit: 'log-cosh' },
    scales: { V: 4, W: 3, b: 0.3, c: 0.5 },
    rows: 9,
  },
  { name: 'notebook size, σ = 0.1', config: { inputs: 784, features: 64, units: 64, sigma: 0.1 }, scales: { V: 0.05, W: 1, b: 0.1, c: 0.5 }, rows: 48 },
];

for (const { name, config, scales, rows } of CASES) {
  test(`the hand-derived SM gradient equals autodiff of the SM loss (${name})`, () => {
    const model = toModel(randomParams(config, 21, scales));
    const x = rowsTensor(randomInputs(rows, config.inputs, 22), config.inputs);
    const variables = PARAM_NAMES.map((key) => model.params[key]);
    const auto = tf.variableGrads(() => smLoss(model, x), variables);
    const fast = smLossAndGradient(model, x);
    const lossAuto = auto.value.dataSync()[0];
    const lossFast = fast.loss.dataSync()[0];
    assert.ok(Math.abs(lossFast - lossAuto) <= TOLERANCE * Math.max(1, Math.abs(lossAuto)), `loss ${lossFast} vs ${lossAuto}`);
    for (const key of PARAM_NAMES) {
      const error = relativeError(fast.grads[key].dataSync(), auto.grads[model.params[key].name].dataSync());
      assert.ok(error < TOLERANCE, `gradient of ${key}: relative error ${error}`);
    }
    model.dispose();
  });
}

test('the fast per-sample SM loss equals the readable one, and the loss terms add up to it', () => {
  const config: DemConfig = { inputs: 30, features: 8, units: 6, sigma: 1 };
  const model = toModel(randomParams(config, 23, { V: 0.4, W: 1, b: 0.2, c: 0.3 }));
  const x = rowsTensor(randomInputs(20, config.inputs, 24), config.inputs);
  const readable = smLossPerSample(model, x).dataSync();
  const fast = smLossRows(model, x).dataSync();
  assert.ok(relativeError(fast, readable) < TOLERANCE);
  const { loss, terms } = smLossAndGradient(model, x);
  const termSum = Array.from(terms.dataSync()).reduce((a, b) => a + b, 0) - config.inputs / config.sigma ** 2;
  assert.ok(Math.abs(termSum - loss.dataSync()[0]) < 1e-4);
  model.dispose();
});
