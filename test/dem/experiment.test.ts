import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../../lib/backend';
import { createRng } from '../../lib/random';
import { createDem, paramArrays } from '../../lib/dem/model';
import { checkRunSpecs, lateChangeFraction, pixelScale, preprocess, RunSpec } from '../../lib/experiments/03-deep-energy-model/runs';
import { scoreSets } from '../../lib/experiments/03-deep-energy-model/tables';
import { logDensityOfRows, gaussianTermOfRows, meanOf, smLossOfRows } from '../../lib/dem/evaluate';
import { gaussianReference, referenceSmLossOfRows } from '../../lib/dem/sm-reference';
import { checkDerivatives } from '../../lib/dem/check';
import { trainDem } from '../../lib/dem/train';

before(async () => {
  await chooseBackend();
});

test('preprocessing subtracts the patch mean and applies the whitening matrix', async () => {
  const mean = Float32Array.of(0.5, 0.25, 0, 1);
  const W = Float64Array.of(2, 0, 0, 0, 0, 1, 1, 0, 0, 0, 3, 0, 1, 0, 0, -1); // rows of W
  const rows = Float32Array.of(1, 1, 1, 1, 0.5, 0.25, 0, 1);
  const raw = await preprocess(rows, { mean, whitening: null });
  assert.deepEqual(Array.from(raw), [0.5, 0.75, 1, 0, 0, 0, 0, 0]);
  const white = await preprocess(rows, { mean, whitening: W });
  const expected = [2 * 0.5, 0.75 + 1, 3 * 1, 0.5 - 0, 0, 0, 0, 0];
  white.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-6, `entry ${i}: ${v} vs ${expected[i]}`));
  await assert.rejects(preprocess(new Float32Array(5), { mean, whitening: null }), /5 values is not a whole number of rows of 4/);
});

test('lateChangeFraction is 0 for a curve that has flattened and near 1 when the progress came late', () => {
  assert.ok(Math.abs(lateChangeFraction([-2, -3, -3, -3, -3], 0)) < 1e-12);
  assert.ok(Math.abs(lateChangeFraction([0, 0, 0, 0, -5], 0) - 1) < 1e-12);
  assert.ok(Math.abs(lateChangeFraction([-8, -9, -9.5, -9.8, -10], 0) - 0.2 / 10) < 1e-12);
  assert.equal(pixelScale(Float32Array.of(3, -4, 0, 0)), 2.5);
});

test('any run with a name, an input, a positive σ and whole epochs is accepted; anything else is refused up front', () => {
  const homework: RunSpec[] = [
    { name: 'whitened-sigma1', input: 'whitened', sigma: 1, epochs: 32 },
    { name: 'raw-sigma0.1', input: 'raw', sigma: 0.1, epochs: 16 },
  ];
  checkRunSpecs(homework);
  // A σ nobody budgeted for is a run like any other: its epochs come with it.
  checkRunSpecs([...homework, { name: 'whitened-sigma2', input: 'whitened', sigma: 2, epochs: 3 }]);
  assert.throws(() => checkRunSpecs([]), /no runs/);
  assert.throws(
    () => checkRunSpecs([homework[0], { ...homework[0] }, { name: 'x', input: 'pixels' as 'raw', sigma: -1, epochs: 2.5 }]),
    /runs\[1\] \("whitened-sigma1"\): the name is used twice; runs\[2\] \("x"\): input must be "whitened" or "raw", got "pixels"; .*sigma must be a positive number, got -1; .*epochs must be a whole number ≥ 1, got 2.5/,
  );
});

test('Tables 1–2 split log p into the Gaussian term and the rest, over the first 10 and 100 rows, and score SM against the reference', () => {
  const D = 16;
  const model = createDem({ inputs: D, features: 5, units: 4, sigma: 0.5 }, { seed: 61, wScale: 3 });
  const rng = createRng(62);
  const rows = Float32Array.from({ length: 120 * D }, () => rng.normal());
  const reference = gaussianReference(rows, 120, D);
  const { set } = scoreSets(model, { set: rows }, reference);
  const logp = logDensityOfRows(model, rows.subarray(0, 100 * D));
  const mean10 = logp.subarray(0, 10).reduce((a, b) => a + b, 0) / 10;
  assert.ok(Math.abs(set.n10.mean - mean10) < 1e-9);
  assert.equal(set.n10.n, 10);
  assert.equal(set.n100.n, 100);
  const gaussian = gaussianTermOfRows(model, rows.subarray(0, 100 * D));
  assert.ok(Math.abs(set.gaussian_term_mean - gaussian.reduce((a, b) => a + b, 0) / 100) < 1e-9);
  assert.ok(Math.abs(set.gaussian_term_mean + set.network_and_bias_mean - set.n100.mean) < 1e-9);
  const head = rows.subarray(0, 100 * D);
  assert.ok(Math.abs(set.sm_loss_mean - meanOf(smLossOfRows(model, head))) < 1e-9);
  assert.ok(Math.abs(set.reference_sm_loss_mean - meanOf(referenceSmLossOfRows(reference, head))) < 1e-9);
  assert.ok(Math.abs(set.sm_loss_vs_reference - (set.sm_loss_mean - set.reference_sm_loss_mean)) < 1e-9);
  assert.throws(() => scoreSets(model, { short: rows.subarray(0, 50 * D) }, reference), /set "short" has 50 rows; Tables 1–2 need 100/);
  model.dispose();
});

test("with fixed filter norms training changes the filters' directions only", async () => {
  const D = 20;
  const rng = createRng(63);
  const train = Float32Array.from({ length: 512 * D }, () => rng.normal() * (1 + rng.uniform()));
  const model = createDem({ inputs: D, features: 6, units: 5, sigma: 1 }, { seed: 64, activationScale: 2, wScale: 3 });
  const norms = (V: Float32Array) => Array.from({ length: 6 }, (_, j) => Math.hypot(...V.subarray(j * D, (j + 1) * D)));
  const before = paramArrays(model).V.slice();
  await trainDem(model, train, null, { run: 'fixed-norms', epochs: 3, batchSize: 64, learningRate: 0.02, seed: 65, threads: 1, fixedFilterNorms: true });
  const after = paramArrays(model).V;
  norms(after).forEach((norm, j) => assert.ok(Math.abs(norm / norms(before)[j] - 1) < 1e-5, `filter ${j}: ${norm} vs ${norms(before)[j]}`));
  const moved = Math.hypot(...after.map((v, i) => v - before[i])) / Math.hypot(...before);
  assert.ok(moved > 0.05, `directions moved by only ${moved}`);
  model.dispose();
});

test("the notebook's derivative check finds float32-level agreement and refuses large inputs", () => {
  const model = createDem({ inputs: 10, features: 4, units: 3, sigma: 0.7 }, { seed: 66, activationScale: 4, wScale: 3 });
  const check = checkDerivatives(model, tf.randomNormal([5, 10], 0, 1, 'float32', 67) as tf.Tensor2D);
  assert.ok(check.scoreError < 1e-5 && check.laplacianError < 1e-5, JSON.stringify(check));
  model.dispose();
  const big = createDem({ inputs: 100, features: 4, units: 3, sigma: 1 }, { seed: 68 });
  assert.throws(() => checkDerivatives(big, tf.zeros([1, 100]) as tf.Tensor2D), /D = 100 needs 100 backward passes/);
  big.dispose();
});
