import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { chooseBackend } from '../../lib/backend';
import { createRng } from '../../lib/random';
import { createDem, demFromArrays, Dem } from '../../lib/dem/model';
import { trainDem } from '../../lib/dem/train';
import { evenExcess, laplaceDensity, laplaceSamples, logOriginDensityBound, normalisedDensity1D } from '../../lib/dem/peak';

before(async () => {
  await chooseBackend();
});

/** A model with every parameter N(0, scale²), b included: nothing about it is tuned to the claim. */
function randomDem(inputs: number, scale: number, seed: number, sigma = 1): Dem {
  const rng = createRng(seed);
  const J = 6;
  const K = 5;
  const draw = (n: number) => Float32Array.from({ length: n }, () => scale * rng.normal());
  return demFromArrays({ inputs, features: J, units: K, sigma }, { V: draw(J * inputs), W: draw(K * J), b: draw(inputs), c: draw(K) });
}

/** The model's normalised density on [−15, 15] in steps of 0.005, read at x. */
function densityAt(model: Dem): (x: number) => number {
  return normalisedDensity1D(model, -15, 15, 6001);
}

test('along every line through the origin the network only lifts the density relative to the Gaussian term', () => {
  const ts = [0.1, 0.5, 1, 2, 4];
  for (let seed = 1; seed <= 6; seed++) {
    const model = randomDem(7, 1 + seed, seed);
    const rng = createRng(100 + seed);
    for (let line = 0; line < 5; line++) {
      const direction = Array.from({ length: 7 }, () => rng.normal());
      // float32 log-densities of a few tens of nats: rounding is about 1e-5.
      evenExcess(model, direction, ts).forEach((e, i) => assert.ok(e > -1e-4, `seed ${seed}, line ${line}, t = ${ts[i]}: ${e}`));
    }
    model.dispose();
  }
});

test('normalised, no model puts more density at the origin than N(0, σ²), and with the network switched off it puts exactly that', () => {
  for (let seed = 1; seed <= 8; seed++) {
    const sigma = [1, 0.5, 2][seed % 3];
    const model = randomDem(1, 1 + seed / 2, seed, sigma);
    const bound = Math.exp(logOriginDensityBound(model));
    const p = densityAt(model);
    assert.ok(p(0) <= bound * (1 + 1e-3), `seed ${seed}, σ = ${sigma}: p(0) = ${p(0)}, bound ${bound}`);
    model.dispose();
  }
  const off = demFromArrays(
    { inputs: 1, features: 2, units: 2, sigma: 0.7 },
    { V: Float32Array.of(3, -1), W: new Float32Array(4), b: new Float32Array(1), c: Float32Array.of(0.3, -2) },
  );
  assert.ok(Math.abs(densityAt(off)(0) / Math.exp(logOriginDensityBound(off)) - 1) < 1e-4);
  off.dispose();
});

test('fitted by score matching to a Laplace of variance 1 with σ = 1, the model lifts the tails but cannot reach the peak', async () => {
  const rng = createRng(3);
  const data = laplaceSamples(12000, 1, rng);
  // The sampler itself: variance 1 and the Laplace's mean |x| = √(1/2).
  const variance = data.reduce((sum, x) => sum + x * x, 0) / data.length;
  const meanAbs = data.reduce((sum, x) => sum + Math.abs(x), 0) / data.length;
  assert.ok(Math.abs(variance - 1) < 0.05 && Math.abs(meanAbs - Math.SQRT1_2) < 0.02, `variance ${variance}, mean |x| ${meanAbs}`);
  const model = createDem({ inputs: 1, features: 8, units: 8, sigma: 1 }, { seed: 1, activationScale: 2 });
  const history = await trainDem(model, data.subarray(0, 10000), data.subarray(10000), {
    run: 'laplace',
    epochs: 25,
    batchSize: 200,
    learningRate: 0.02,
    finalLearningRate: 0.001,
    seed: 2,
    threads: 1,
  });
  assert.ok(history.holdoutLoss.at(-1)! < history.initialHoldoutLoss - 0.01, `hold-out ${history.initialHoldoutLoss} → ${history.holdoutLoss.at(-1)}`);
  const p = densityAt(model);
  const gaussianAt = (x: number) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
  // Measured: hold-out SM loss −0.494 → −0.549; p(0) 0.381 (bound 0.399, Laplace 0.707); p(3) 0.011 against the Gaussian's 0.0044.
  assert.ok(p(0) <= gaussianAt(0) * (1 + 1e-3) && p(0) < 0.6 * laplaceDensity(0, 1), `p(0) = ${p(0)}`);
  assert.ok(p(3) > 1.5 * gaussianAt(3), `p(3) = ${p(3)} against the Gaussian's ${gaussianAt(3)}`);
  model.dispose();
});

test('the 1-D density refuses models with more inputs, empty ranges and points off its grid', () => {
  const model = randomDem(2, 1, 1);
  assert.throws(() => normalisedDensity1D(model, -1, 1, 10), /the model has 2 inputs, expected 1/);
  model.dispose();
  const one = randomDem(1, 1, 1);
  assert.throws(() => normalisedDensity1D(one, 1, 1, 10), /expected from < to and an integer number of points ≥ 3, got \[1, 1\] with 10/);
  assert.throws(() => normalisedDensity1D(one, -1, 1, 11)(2), /2 lies outside the grid \[-1, 1\]/);
  one.dispose();
});
