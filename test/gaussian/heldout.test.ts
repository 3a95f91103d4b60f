import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gridStructure } from '../../lib/gaussian/model/structure';
import { toDense } from '../../lib/gaussian/model/precision';
import { gaussianLogLikelihood, gaussianLogLikelihoods } from '../../lib/gaussian/model/likelihood';
import { heldoutLogLikelihood, imagesLightingUnseenPixels, median } from '../../lib/gaussian/evaluation/heldout';
import { knownSparsePrecision } from '../../lib/gaussian/model/known-precision';
import { sampleByCholesky } from '../../lib/gaussian/model/sampling';
import { choleskyOrThrow, logDetFromFactor } from '../../lib/linalg/cholesky';

const structure = gridStructure(4, 4, 8);
const D = structure.size;
const precision = knownSparsePrecision(structure, 2);

test('per-image log-likelihoods equal ½ log det Λ − (D/2) log 2π − ½ xᵀΛx computed densely, and average to the mean', () => {
  const n = 7;
  const X = sampleByCholesky(precision, new Float64Array(D), n, 3);
  const L = toDense(precision);
  const logDet = logDetFromFactor(choleskyOrThrow(L, D, 'Λ'), D);
  const perRow = gaussianLogLikelihoods(precision, X, n);
  for (let r = 0; r < n; r++) {
    let q = 0;
    for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) q += X[r * D + i] * L[i * D + j] * X[r * D + j];
    const expected = 0.5 * logDet - 0.5 * D * Math.log(2 * Math.PI) - 0.5 * q;
    assert.ok(Math.abs(perRow[r] - expected) < 1e-10 * Math.abs(expected), `row ${r}: ${perRow[r]} vs ${expected}`);
  }
  const mean = perRow.reduce((a, b) => a + b, 0) / n;
  assert.ok(Math.abs(gaussianLogLikelihood(precision, X, n) - mean) < 1e-12 * Math.abs(mean));
});

test('median of odd and even counts; none is an error', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 10]), 3.5);
  assert.equal(median([-2]), -2);
  assert.throws(() => median([]), /median: expected at least one value, got none/);
});

test('the held-out summary: the median resists one outlying image, the unflagged mean leaves it out', () => {
  const n = 9;
  const X = Float64Array.from(sampleByCholesky(precision, new Float64Array(D), n, 4));
  // Row 4 lights a direction the model gives almost no variance: its log-density drops by ~10⁴ nats.
  for (let i = 0; i < D; i++) X[4 * D + i] = 30 * (i % 2 === 0 ? 1 : -1);
  const flagged = Array.from({ length: n }, (_, r) => r === 4);
  const summary = heldoutLogLikelihood(precision, X, n, flagged);
  const perRow = gaussianLogLikelihoods(precision, X, n);
  const others = perRow.filter((_, r) => r !== 4);
  assert.ok(perRow[4] < Math.min(...others) - 1000, `outlier ${perRow[4]}`);
  assert.ok(Math.abs(summary.meanUnflagged - others.reduce((a, b) => a + b, 0) / (n - 1)) < 1e-9);
  assert.equal(summary.flaggedCount, 1);
  assert.ok(summary.mean < summary.meanUnflagged - 100);
  assert.ok(summary.median >= Math.min(...others) && summary.median <= Math.max(...others));
  assert.throws(() => heldoutLogLikelihood(precision, X, n, [true]), /expected 9 flags \(one per row\), got 1/);
});

test('test images that light a pixel never lit in training are found, at a threshold', () => {
  const pixels = 5;
  // Pixels 1 and 3 are black in all three training images; pixel 4 reaches only 0.1.
  const train = Float64Array.from([0, 0, 0.5, 0, 0.1, 0.2, 0, 0, 0, 0, 0.9, 0, 1, 0, 0.05]);
  const test = Float64Array.from([
    0.5,
    0,
    0.5,
    0,
    0.5, // lights only pixels lit in training
    0,
    0.2,
    0,
    0,
    0, // lights pixel 1
    0,
    0,
    0,
    0.01,
    0, // lights pixel 3, faintly
  ]);
  const atZero = imagesLightingUnseenPixels(train, 3, test, 3, pixels);
  assert.deepEqual(atZero.pixels, [1, 3]);
  assert.deepEqual(atZero.flagged, [false, true, true]);
  assert.equal(atZero.count, 2);
  const atTenth = imagesLightingUnseenPixels(train, 3, test, 3, pixels, 0.1);
  assert.deepEqual(atTenth.pixels, [1, 3, 4]);
  assert.deepEqual(atTenth.flagged, [true, true, false]);
  const wrongCount = () => imagesLightingUnseenPixels(train, 4, test, 3, pixels);
  assert.throws(wrongCount, /expected 4 training images of 5 pixels \(20 values\), got 15/);
  const short = test.subarray(1);
  assert.throws(() => imagesLightingUnseenPixels(train, 3, short, 3, pixels), /expected 3 test images of 5 pixels \(15 values\), got 14/);
});
