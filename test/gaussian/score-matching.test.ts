import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../../lib/backend';
import { gridStructure } from '../../lib/gaussian/model/structure';
import { createPrecision, relativeFrobeniusError, toDense, trace } from '../../lib/gaussian/model/precision';
import { localFromData, localFromDense } from '../../lib/gaussian/model/local-moments';
import { secondMomentDense } from '../../lib/data/moments';
import {
  fitScoreMatchingExact,
  fitScoreMatchingExactFromData,
  scoreMatchingHessianSolver,
  scoreMatchingHessianTimes,
  scoreMatchingLoss,
} from '../../lib/gaussian/score-matching/exact';
import { barrierObjective, fitScoreMatchingBarrier } from '../../lib/gaussian/score-matching/barrier';
import { fitScoreMatchingGradient, tfScoreMatchingLossOfMoments, tfScoreMatchingLossOfRows } from '../../lib/gaussian/score-matching/gradient-fit';
import { knownSparsePrecision } from '../../lib/gaussian/model/known-precision';
import { sampleByCholesky } from '../../lib/gaussian/model/sampling';
import { choleskyOfPrecision } from '../../lib/gaussian/model/positive-definite';
import { choleskyOrThrow } from '../../lib/linalg/cholesky';
import { lowerInverse } from '../../lib/linalg/triangular';

const structure = gridStructure(6, 6, 8);
const truth = knownSparsePrecision(structure, 1);
const D = structure.size;

/** Λ*⁻¹ in float64: the population second moment. */
function populationCovariance(): Float64Array {
  const Linv = lowerInverse(choleskyOrThrow(toDense(truth), D, 'truth'), D);
  const C = new Float64Array(D * D);
  for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) for (let k = 0; k < D; k++) C[i * D + j] += Linv[k * D + i] * Linv[k * D + j];
  return C;
}

test('SM from the population covariance recovers a known sparse precision exactly, with J* = −½ tr Λ', () => {
  const fit = fitScoreMatchingExact(populationCovariance(), structure);
  assert.ok(relativeFrobeniusError(fit.precision, truth) < 1e-9);
  assert.ok(Math.abs(fit.loss + 0.5 * trace(fit.precision)) < 1e-9 * Math.abs(fit.loss));
});

test('the SM solution satisfies P_M(½(ΛS + SΛ)) = P_M(I) computed densely', () => {
  const X = sampleByCholesky(truth, new Float64Array(D), 300, 2);
  const S = secondMomentDense(X, 300, D);
  const fit = fitScoreMatchingExact(S, structure);
  const L = toDense(fit.precision);
  let worst = 0;
  for (let i = 0; i < D; i++) {
    for (let j = 0; j < D; j++) {
      if (L[i * D + j] === 0 && i !== j) continue;
      let sym = 0;
      for (let k = 0; k < D; k++) sym += 0.5 * (L[i * D + k] * S[k * D + j] + S[i * D + k] * L[k * D + j]);
      worst = Math.max(worst, Math.abs(sym - (i === j ? 1 : 0)));
    }
  }
  assert.ok(worst < 1e-8, `worst ${worst}`);
  assert.ok(Math.abs(fit.loss + 0.5 * trace(fit.precision)) < 1e-8 * Math.abs(fit.loss));
});

test("the Hessian solver inverts SM's Hessian product, on either pattern and a grid that is not square", () => {
  for (const connectivity of [4, 8] as const) {
    const grid = gridStructure(5, 7, connectivity);
    const rows = sampleByCholesky(knownSparsePrecision(grid, 3), new Float64Array(grid.size), 500, 4);
    const local = localFromData(rows, 500, grid);
    const solve = scoreMatchingHessianSolver(local);
    const v = Float64Array.from({ length: grid.size + grid.edgeCount }, (_, j) => Math.sin(1 + j));
    const back = solve(scoreMatchingHessianTimes(createPrecision(grid, v), local));
    const worst = back.reduce((m, x, j) => Math.max(m, Math.abs(x - v[j])), 0);
    assert.ok(worst < 1e-10, `${connectivity}-connected: worst ${worst}`);
  }
  // A pixel that never varies leaves S, and so H, singular: named, not solved.
  const grid = gridStructure(3, 3, 4);
  const flat = new Float64Array(9 * 9);
  for (let i = 1; i < 9; i++) flat[i * 9 + i] = 1;
  assert.throws(() => scoreMatchingHessianSolver(localFromDense(flat, grid)), /Hessian is not positive definite \(free value 0, pivot 0\)/);
});

test('SM from data rows equals SM from the dense second moment', async () => {
  await chooseBackend();
  const n = 400;
  const X = sampleByCholesky(truth, new Float64Array(D), n, 3);
  const a = fitScoreMatchingExactFromData(X, n, structure).precision;
  const b = fitScoreMatchingExact(secondMomentDense(X, n, D), structure).precision;
  assert.ok(relativeFrobeniusError(a, b) < 1e-6);
});

test('SM recovers a known sparse precision, better with more data', () => {
  const X = sampleByCholesky(truth, new Float64Array(D), 20000, 4);
  const errors = [500, 5000, 20000].map((n) => relativeFrobeniusError(fitScoreMatchingExactFromData(X.subarray(0, n * D), n, structure).precision, truth));
  // Thresholds with margin over the errors measured at this seed (they fall roughly as 1/√n).
  assert.ok(errors[0] > errors[1] && errors[1] > errors[2], `errors ${errors}`);
  assert.ok(errors[2] < 0.04, `errors ${errors}`);
});

test('the SM loss of data rows equals the loss from their local second moment (tfjs)', async () => {
  await chooseBackend();
  const n = 200;
  const X = sampleByCholesky(truth, new Float64Array(D), n, 5);
  const local = localFromData(X, n, structure);
  const theta = tf.tensor1d(Float32Array.from(truth.values));
  const blocks = tf.tensor3d(Float32Array.from(local.blocks), [D, local.neighbourhoods.slots, local.neighbourhoods.slots]);
  const rows = tf.tensor2d(X, [n, D]);
  const fromRows = tfScoreMatchingLossOfRows(theta, rows, local).dataSync()[0];
  const fromMoments = tfScoreMatchingLossOfMoments(theta, local, blocks).dataSync()[0];
  const exact = scoreMatchingLoss(truth, local);
  tf.dispose([theta, blocks, rows]);
  assert.ok(Math.abs(fromRows - exact) < 1e-4 * Math.abs(exact), `${fromRows} vs ${exact}`);
  assert.ok(Math.abs(fromMoments - exact) < 1e-4 * Math.abs(exact), `${fromMoments} vs ${exact}`);
});

test('the tfjs gradient of the moments loss equals the closed form HΘ − 1 on the diagonal', async () => {
  await chooseBackend();
  const n = 300;
  const X = sampleByCholesky(truth, new Float64Array(D), n, 8);
  const local = localFromData(X, n, structure);
  const K = local.neighbourhoods.slots;
  const blocks = tf.tensor3d(Float32Array.from(local.blocks), [D, K, K]);
  const theta = tf.tensor1d(Float32Array.from(truth.values));
  const grad = tf.grad((t: tf.Tensor) => tfScoreMatchingLossOfMoments(t as tf.Tensor1D, local, blocks))(theta);
  const fromTf = grad.dataSync();
  tf.dispose([blocks, theta, grad]);
  const exact = scoreMatchingHessianTimes(truth, local).map((g, j) => g - (j < D ? 1 : 0));
  const scale = Math.max(...exact.map(Math.abs));
  // Every edge value appears twice in Λ: its gradient sums both slots (the scatter-add of the gather).
  exact.forEach((g, j) => assert.ok(Math.abs(fromTf[j] - g) < 1e-5 * scale, `parameter ${j}: ${fromTf[j]} vs ${g}`));
});

test('SM by Adam in tfjs agrees with the exact solution to 1e-3', async () => {
  await chooseBackend();
  const n = 2000;
  const X = sampleByCholesky(truth, new Float64Array(D), n, 6);
  const local = localFromData(X, n, structure);
  const exact = fitScoreMatchingExact(secondMomentDense(X, n, D), structure).precision;
  const trained = fitScoreMatchingGradient(local, { steps: 800, learningRate: 0.1, finalLearningRate: 1e-4 });
  const gap = relativeFrobeniusError(trained.precision, exact);
  assert.ok(gap < 1e-3, `relative difference ${gap}`);
  assert.ok(trained.curve[trained.curve.length - 1] < trained.curve[0]);
});

test('the log-det barrier solution is stationary, positive definite and near SM for small τ', () => {
  const n = 2000;
  const X = sampleByCholesky(truth, new Float64Array(D), n, 7);
  const local = localFromDense(secondMomentDense(X, n, D), structure);
  const sm = fitScoreMatchingExact(secondMomentDense(X, n, D), structure).precision;
  const barrier = fitScoreMatchingBarrier(local, 1e-3);
  assert.ok(choleskyOfPrecision(barrier.precision).ok);
  assert.ok(relativeFrobeniusError(barrier.precision, sm) < 1e-2);
  // Finite differences of F_τ agree with the analytic gradient used by L-BFGS.
  const at = fitScoreMatchingBarrier(local, 0.5).precision;
  const g = barrierObjective(at, local, 0.5)!.gradient;
  for (const j of [0, 7, D + 3, at.values.length - 1]) {
    const h = 1e-6;
    const plus = at.values.slice();
    plus[j] += h;
    const minus = at.values.slice();
    minus[j] -= h;
    const value = (v: Float64Array) => barrierObjective({ ...at, ...wrap(v) }, local, 0.5)!.value;
    const fd = (value(plus) - value(minus)) / (2 * h);
    assert.ok(Math.abs(fd - g[j]) < 1e-4 * Math.max(1, Math.abs(fd)), `parameter ${j}: ${fd} vs ${g[j]}`);
    assert.ok(Math.abs(g[j]) < 1e-6 * Math.sqrt(D) * 10);
  }
  assert.throws(() => fitScoreMatchingBarrier(local, 0), /tau must be a positive number/);
});

function wrap(values: Float64Array) {
  let start = structure.size;
  const edges = structure.edgeClasses.map((c) => {
    const view = values.subarray(start, start + c.count);
    start += c.count;
    return view;
  });
  return { values, diagonal: values.subarray(0, structure.size), edges };
}
