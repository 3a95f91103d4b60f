import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../../lib/backend';
import { createRng } from '../../lib/random';
import { eigSymmetric } from '../../lib/linalg/eigen-symmetric';
import { createDem, logDensity, paramArrays } from '../../lib/dem/model';
import { trainDem } from '../../lib/dem/train';
import { evenExcess, logOriginDensityBound } from '../../lib/dem/peak';
import {
  ablationSentence,
  checkSparseRunSpecs,
  gaborBankShortfalls,
  HELD_BIAS,
  holdSecondLayer,
  largestFilterCosine,
  sampleRows,
  SparseRunResult,
  SparseRunSpec,
} from '../../lib/experiments/03-deep-energy-model/sparse-units';
import { GaborBankSummary } from '../../lib/dem/gabor/summary';

before(async () => {
  await chooseBackend();
});

const softplus = (u: number) => Math.max(u, 0) + Math.log1p(Math.exp(-Math.abs(u)));

test('the held second layer turns the log-cosh model into −‖x‖²/2σ² + bᵀx + Σⱼ softplus(10 − log cosh vⱼᵀx)', () => {
  const model = createDem({ inputs: 5, features: 3, units: 3, sigma: 0.8, unit: 'log-cosh' }, { seed: 1, activationScale: 2 });
  holdSecondLayer(model);
  const { V } = paramArrays(model);
  const rng = createRng(2);
  const x = Float32Array.from({ length: 4 * 5 }, () => 2 * rng.normal());
  const values = logDensity(model, tf.tensor2d(x, [4, 5])).dataSync();
  for (let r = 0; r < 4; r++) {
    let expected = 0;
    for (let d = 0; d < 5; d++) expected -= x[r * 5 + d] ** 2 / (2 * 0.8 ** 2);
    for (let j = 0; j < 3; j++) {
      let a = 0;
      for (let d = 0; d < 5; d++) a += V[j * 5 + d] * x[r * 5 + d];
      expected += softplus(HELD_BIAS - Math.log(Math.cosh(a)));
    }
    assert.ok(Math.abs(values[r] - expected) < 1e-4 * Math.max(1, Math.abs(expected)), `row ${r}: ${values[r]} vs ${expected}`);
  }
  // With an even g and negative weights the density falls away from the origin faster than its Gaussian term:
  // the sharpening the sigmoid cannot do, and the reason the sigmoid's bound is refused for this model.
  const excess = evenExcess(model, [1, 0, 0, 0, 0], [0.5, 1, 2]);
  assert.ok(
    excess.every((e) => e < 0),
    `even excess ${excess}`,
  );
  assert.throws(() => logOriginDensityBound(model), /holds for sigmoid features, not "log-cosh"/);
  const unequal = createDem({ inputs: 5, features: 3, units: 2, sigma: 1, unit: 'log-cosh' }, { seed: 3 });
  assert.throws(() => holdSecondLayer(unequal), /needs as many units as features, got K = 2, J = 3/);
  model.dispose();
  unequal.dispose();
});

/**
 * x = Q s: 4 sparse sources and 4 Gaussian ones, all of unit variance, rotated by a seeded orthogonal Q.
 * The sparse ones are Gaussian scale mixtures (scale 0.3 with probability 0.8, else 2.1: kurtosis about
 * 12), as sparse as whitened patches along Gabor directions.
 */
function mixedSources(n: number, seed: number): { rows: Float32Array; sparse: Float64Array[]; gaussian: Float64Array[] } {
  const D = 8;
  const rng = createRng(seed);
  const symmetric = new Float64Array(D * D);
  for (let i = 0; i < D; i++) for (let j = 0; j <= i; j++) symmetric[i * D + j] = symmetric[j * D + i] = rng.normal();
  const Q = eigSymmetric(symmetric, D).vectors; // orthogonal; column i mixes source i
  const rows = new Float32Array(n * D);
  for (let r = 0; r < n; r++) {
    const s = Array.from({ length: D }, (_, i) => (i < 4 ? (rng.normal() * (rng.uniform() < 0.8 ? 0.3 : 2.1)) / Math.sqrt(0.954) : rng.normal()));
    for (let p = 0; p < D; p++) rows[r * D + p] = s.reduce((sum, value, i) => sum + Q[p * D + i] * value, 0);
  }
  const column = (i: number) => Float64Array.from({ length: D }, (_, p) => Q[p * D + i]);
  return { rows, sparse: [0, 1, 2, 3].map(column), gaussian: [4, 5, 6, 7].map(column) };
}

test('trained by SM on mixed sources, the held log-cosh model puts every filter on a sparse direction; the sigmoid model does not', async () => {
  const { rows, sparse, gaussian } = mixedSources(6000, 4);
  /** For each filter, its largest |cosine| with the sparse directions and with the Gaussian ones. */
  const alignment = async (unit: 'log-cosh' | 'sigmoid') => {
    const model = createDem({ inputs: 8, features: 3, units: 3, sigma: 1, unit }, { seed: 5, activationScale: 1 });
    holdSecondLayer(model);
    await trainDem(model, rows, null, {
      run: unit,
      epochs: 12,
      batchSize: 200,
      learningRate: 0.03,
      finalLearningRate: 0.003,
      seed: 6,
      trainable: ['V', 'b'],
      fixedFilterNorms: true,
      threads: 1,
    });
    const { V } = paramArrays(model);
    model.dispose();
    return [0, 1, 2].map((j) => {
      const v = V.subarray(j * 8, (j + 1) * 8);
      const cosine = (q: Float64Array) => Math.abs(v.reduce((sum, value, p) => sum + value * q[p], 0)) / Math.hypot(...v);
      return { sparse: Math.max(...sparse.map(cosine)), gaussian: Math.max(...gaussian.map(cosine)) };
    });
  };
  const show = (a: { sparse: number; gaussian: number }[]) => a.map((f) => `${f.sparse.toFixed(3)}/${f.gaussian.toFixed(3)}`).join(', ');
  const even = await alignment('log-cosh');
  assert.ok(
    even.every((f) => f.sparse > 0.95 && f.gaussian < 0.2),
    `log-cosh, |cos| sparse/Gaussian per filter: ${show(even)}`,
  );
  const sigmoid = await alignment('sigmoid');
  assert.ok(
    sigmoid.some((f) => f.sparse < 0.9),
    `sigmoid, |cos| sparse/Gaussian per filter: ${show(sigmoid)}`,
  );
});

test('sparse-run specs are checked before any training, with one message naming every problem', () => {
  const good: SparseRunSpec = { name: 'best', change: 'none', unit: 'log-cosh', secondLayer: 'held', components: 98, fixedFilterNorms: true, sigma: 1 };
  checkSparseRunSpecs([good], 784);
  assert.throws(
    () => checkSparseRunSpecs([good, { ...good, unit: 'tanh' as never, components: 800, secondLayer: 'free' as never }, { ...good }], 784),
    (error: Error) =>
      /unit must be one of sigmoid, log-cosh, got "tanh"/.test(error.message) &&
      /components must be a whole number in 1\.\.784, got 800/.test(error.message) &&
      /secondLayer must be "held" or "trained"/.test(error.message) &&
      /runs\[2\] \("best"\): the name is used twice/.test(error.message),
  );
  assert.throws(() => checkSparseRunSpecs([], 784), /no runs/);
});

test('sampleRows draws a seeded subset of whole rows, and keeps every row when asked for more', () => {
  const rows = Float32Array.from({ length: 10 * 3 }, (_, i) => Math.floor(i / 3)); // row r holds r, r, r
  const picked = sampleRows(rows, 3, 4, 7);
  assert.deepEqual(Array.from(picked), Array.from(sampleRows(rows, 3, 4, 7)));
  const ids = Array.from({ length: 4 }, (_, i) => picked[i * 3]);
  assert.equal(new Set(ids).size, 4);
  for (let i = 0; i < 4; i++) assert.deepEqual(Array.from(picked.subarray(i * 3, i * 3 + 3)), [ids[i], ids[i], ids[i]]);
  assert.equal(sampleRows(rows, 3, 10, 7), rows);
});

/** A bank summary with only the numbers the verdicts read. */
function bank(median: number, gaborLike: number, share: number | null): GaborBankSummary {
  return { median_r2: median, gabor_like: gaborLike, largest_orientation_share: share } as GaborBankSummary;
}

test('a bank meets the Gabor targets only with median R² ≥ 0.6, ≥ 40 Gabor-like filters and no orientation bin over 40%', () => {
  assert.deepEqual(gaborBankShortfalls(bank(0.88, 61, 0.34)), []);
  assert.deepEqual(gaborBankShortfalls(bank(0.6, 40, 0.4)), []);
  assert.deepEqual(gaborBankShortfalls(bank(0.59, 39, 0.41)), ['median R² 0.59 < 0.6', '39 Gabor-like filters < 40', 'largest orientation bin 41% > 40%']);
  assert.deepEqual(gaborBankShortfalls(bank(0.1, 0, null)), ['median R² 0.10 < 0.6', '0 Gabor-like filters < 40', 'no orientation (no Gabor-like filter)']);
});

test('largestFilterCosine finds the most similar pair, sign ignored', () => {
  const filters = Float32Array.from([1, 0, 0, 0, 1, 0, -1, 1, 0]); // rows e1, e2, (−1, 1, 0)
  assert.ok(Math.abs(largestFilterCosine(filters, 3) - Math.SQRT1_2) < 1e-7);
  assert.throws(() => largestFilterCosine(Float32Array.from([1, 2, 3]), 3), /at least two rows of 3 values, got 3 values/);
});

test('an ablation row is compared with its base in words that follow the numbers', () => {
  const spec: SparseRunSpec = { name: 'best', change: 'none', unit: 'log-cosh', secondLayer: 'held', components: 98, fixedFilterNorms: true, sigma: 1 };
  const result = (change: Partial<SparseRunSpec>, gaborLike: number, gain: number) =>
    ({ spec: { ...spec, ...change }, gabor: bank(0.5, gaborLike, 0.3), holdoutGainOverNormal: gain }) as SparseRunResult;
  const base = result({}, 48, -30);
  assert.match(
    ablationSentence(base, result({ change: 'second layer trained', secondLayer: 'trained' }, 0, -2700)),
    /^second layer trained: 0 Gabor-like filters, fewer than the base's 48; .* 2670\.0 lower \(a better fit\) than the base's -30\.0$/,
  );
  assert.match(ablationSentence(base, result({ change: 'σ = 0.1', sigma: 0.1 }, 48, 100)), /as many as the base's 48; .* 130\.0 higher \(a worse fit\)/);
  assert.match(ablationSentence(base, result({ change: 'near', fixedFilterNorms: false }, 50, -30.5)), /more than the base's 48; .* about the base's -30\.0$/);
  assert.match(
    ablationSentence(base, result({ change: '196 components', components: 196 }, 12, -36)),
    /in 196 coordinates, not comparable with the base's -30\.0 in 98$/,
  );
});
