import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scratchDir } from '../helpers/scratch';
import { preparePatches } from '../../lib/data/patches';
import { gridStructure } from '../../lib/gaussian/model/structure';
import { createPrecision, toDense } from '../../lib/gaussian/model/precision';
import { eigSymmetric } from '../../lib/linalg/eigen-symmetric';
import { covariance } from '../../lib/data/moments';
import { fitValidatedGaussian } from '../../lib/whitening/learned';
import { sampleByCholesky } from '../../lib/gaussian/model/sampling';
import {
  covarianceByDistance,
  nonPositiveModes,
  surroundScaledFilter,
  whiteNoiseDeviation,
  whitenedDeviation,
  zcaDeviationForEpsilon,
} from '../../lib/whitening/diagnostics';
import {
  computeNaturalWhitening,
  loadNaturalWhitening,
  patchChecksum,
  saveNaturalWhitening,
  whitenedNaturalPatches,
  WHITENING_NAMES,
} from '../../lib/experiments/02-natural-patches/whitening';
import { covarianceEigenFromPrecision, whiten, zcaMatrix } from '../../lib/whitening/whitening';
import { hasArrays } from '../../lib/report/artifacts';

const SIDE = 8;
const D = SIDE * SIDE;

/** 8×8 patches of the embedded photographs: small enough for fast fits, natural enough to show the problem. */
async function smallPatches(seed = 4) {
  return preparePatches({ side: SIDE, nTrain: 5000, nHoldout: 1000, seed });
}

/** The validated SM the notebook uses, with a short sweep (standardised units). */
const SWEEP = { seed: 3, taus: [1, 0.1, 0.01], gammas: [0.1, 0.5] };

test('the pure SM optimum on natural patches is indefinite; the validated fit is positive definite and the best one on validation rows', async () => {
  const patches = await smallPatches();
  const C = await covariance(patches.train, D);
  const learned = fitValidatedGaussian(patches.train, patches.nTrain, C, gridStructure(SIDE, SIDE, 8), SWEEP);
  // The unconstrained optimum's lowest mode is mostly the constant patch, with a large data variance.
  const [lowest] = nonPositiveModes(learned.unconstrainedPrecision, C, D);
  assert.ok(lowest.eigenvalue < 0 && lowest.constantShare > 0.5, JSON.stringify(lowest));
  assert.ok(eigSymmetric(learned.precision, D).values[0] > 0, 'the validated precision is not positive definite');
  const valid = learned.validation.sweep.filter((e) => e.positive_definite);
  const best = Math.max(...valid.map((e) => e.validation_loglik_per_row!));
  assert.equal(learned.validation.chosen.validation_loglik_per_row, best);
  assert.equal(learned.validation.fit_rows + learned.validation.validation_rows, patches.nTrain);
  learned.pixelStd.forEach((std, i) => assert.ok(Math.abs(std * std - C[i * D + i]) < 1e-12 * C[i * D + i]));
});

test("rows from a Gaussian with an 8-connected precision and unequal pixel scales: the validated fit recovers it in the rows' units", async () => {
  const structure = gridStructure(SIDE, SIDE, 8);
  const base = createPrecision(structure);
  base.diagonal.fill(3);
  base.edges.forEach((edges, k) => edges.fill(k < 2 ? -0.3 : -0.1)); // row sums 3 − 1.6 > 0: diagonally dominant
  const n = 5000;
  // Pixel scales 0.05 … 0.5, as in patches: x = diag(s) z with z ~ N(0, Λ₀⁻¹), so Λ* = diag(1/s) Λ₀ diag(1/s).
  const scale = Float64Array.from({ length: D }, (_, i) => 0.05 + (0.45 * i) / (D - 1));
  const rows = sampleByCholesky(base, new Float64Array(D), n, 3);
  for (let r = 0; r < n; r++) for (let i = 0; i < D; i++) rows[r * D + i] *= scale[i];
  const learned = fitValidatedGaussian(rows, n, await covariance(rows, D), structure, { seed: 1 });
  const truth = toDense(base);
  let error = 0;
  let norm = 0;
  for (let i = 0; i < D; i++) {
    for (let j = 0; j < D; j++) {
      const t = truth[i * D + j] / (scale[i] * scale[j]);
      error += (learned.precision[i * D + j] - t) ** 2;
      norm += t * t;
    }
  }
  // Measured 2.8% (sampling error of 5,000 rows plus the barrier's small bias); a wrong unit mapping is off by far more.
  assert.ok(Math.sqrt(error / norm) < 0.05, `‖Λ − Λ*‖_F / ‖Λ*‖_F = ${Math.sqrt(error / norm)}`);
});

test('ZCA from the learned precision is Λ^{1/2}', async () => {
  const patches = await smallPatches(5);
  const C = await covariance(patches.train, D);
  const learned = fitValidatedGaussian(patches.train, patches.nTrain, C, gridStructure(SIDE, SIDE, 8), SWEEP);
  const W = zcaMatrix(covarianceEigenFromPrecision(learned.precision, D));
  // Along each eigenvector u of Λ (eigenvalue μ), uᵀWu must be √μ.
  const model = eigSymmetric(learned.precision, D);
  let worst = 0;
  for (let k = 0; k < D; k++) {
    const u = model.vectors.filter((_, index) => index % D === k);
    let quadratic = 0;
    for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) quadratic += u[i] * W[i * D + j] * u[j];
    worst = Math.max(worst, Math.abs((quadratic * quadratic) / model.values[k] - 1));
  }
  assert.ok(worst < 1e-9, `(uᵀWu)² / μ deviates from 1 by ${worst}`);
});

test('covariance by distance averages over pixel pairs at each distance', () => {
  const side = 4;
  const d = side * side;
  const matrix = new Float64Array(d * d);
  for (let p = 0; p < d; p++) {
    for (let q = 0; q < d; q++) matrix[p * d + q] = Math.exp(-Math.hypot(Math.floor(p / side) - Math.floor(q / side), (p % side) - (q % side)));
  }
  const { distance, mean } = covarianceByDistance(matrix, side);
  assert.deepEqual(distance.slice(0, 4), [0, 1, Math.SQRT2, 2]);
  distance.forEach((r, k) => assert.ok(Math.abs(mean[k] - Math.exp(-r)) < 1e-12));
  assert.ok(Math.abs(distance.at(-1)! - Math.hypot(3, 3)) < 1e-12);
});

test('the closed-form ε deviation matches whitening the data and measuring it', async () => {
  const patches = await smallPatches(6);
  const eig = eigSymmetric(await covariance(patches.train, D), D);
  for (const epsilon of [0, 1e-3]) {
    const closed = zcaDeviationForEpsilon(eig, epsilon);
    const measured = await whitenedDeviation(patches.train, zcaMatrix(eig, epsilon), D);
    assert.ok(Math.abs(closed.maxAbs - measured.maxAbs) < 1e-3, `ε = ${epsilon}: ${closed.maxAbs} vs ${measured.maxAbs}`);
    assert.ok(Math.abs(closed.meanDiagonal - measured.meanDiagonal) < 1e-4);
  }
});

test('a filter scaled to its surround has off-centre magnitude 1 and keeps the centre weight', () => {
  const W = new Float64Array(81);
  for (let i = 0; i < 9; i++) W[i * 9 + i] = 5;
  W[4 * 9 + 1] = -2;
  W[4 * 9 + 7] = 1;
  const { filter, centre, surround } = surroundScaledFilter(W, 9, 4);
  assert.equal(centre, 5);
  assert.equal(surround, 2);
  assert.deepEqual(Array.from(filter), [0, -1, 0, 0, 2.5, 0, 0, 0.5, 0]);
  assert.throws(() => surroundScaledFilter(W, 9, 9), /pixel must be an integer in \[0, 9\), got 9/);
});

test('notebook 02 artifacts round-trip, and notebook 03 reuses them only for the same patches', async () => {
  const previous = process.env.LFR_REPORT_DIR;
  process.env.LFR_REPORT_DIR = scratchDir('whitening-artifacts');
  try {
    const patches = await smallPatches(7);
    const white = await computeNaturalWhitening(patches, SWEEP);
    saveNaturalWhitening(patches, white, 'quick');
    assert.ok(hasArrays('02-natural-whitening', 'quick'));
    const saved = loadNaturalWhitening('quick');
    for (const name of WHITENING_NAMES) assert.deepEqual(saved.matrices[name], white.matrices[name]);
    assert.deepEqual(saved.mean, patches.mean);
    assert.deepEqual(saved.eigen.values, white.eigen.values);
    assert.equal(saved.checksum.train, patchChecksum(patches.train));
    assert.notEqual(patchChecksum((await smallPatches(8)).train), saved.checksum.train);
    assert.deepEqual(saved.patchOptions, { nTrain: patches.nTrain, nHoldout: patches.nHoldout, seed: patches.seed, side: patches.side });
    await assert.rejects(whitenedNaturalPatches({ size: 'full' }), /notebook 02 has saved no whitening for size full; run notebook 02 first/);
    await assert.rejects(whitenedNaturalPatches({ whitening: 'zca-learned', epsilon: 1e-4 }), /epsilon applies to 'zca-empirical' and 'pca' only/);
  } finally {
    if (previous === undefined) delete process.env.LFR_REPORT_DIR;
    else process.env.LFR_REPORT_DIR = previous;
  }
});

test("notebook 03 gets notebook 02's patches whitened from the saved artifacts, with another ε on request", async () => {
  const previous = process.env.LFR_REPORT_DIR;
  process.env.LFR_REPORT_DIR = scratchDir('whitened-patches');
  try {
    const patches = await preparePatches({ nTrain: 5_000, nHoldout: 1_000, seed: 2 });
    const white = await computeNaturalWhitening(patches, SWEEP);
    saveNaturalWhitening(patches, white, 'quick');
    const reused = await whitenedNaturalPatches({ size: 'quick' });
    assert.equal(reused.origin, 'artifact');
    assert.equal(reused.name, 'zca-empirical');
    assert.deepEqual(reused.train, await whiten(patches.train, white.matrices['zca-empirical'], 784));
    assert.equal(reused.holdout.length, patches.nHoldout * 784);
    const damped = await whitenedNaturalPatches({ size: 'quick', epsilon: 1e-4 });
    assert.equal(damped.epsilon, 1e-4);
    assert.deepEqual(damped.matrix, zcaMatrix(white.eigen, 1e-4));
  } finally {
    if (previous === undefined) delete process.env.LFR_REPORT_DIR;
    else process.env.LFR_REPORT_DIR = previous;
  }
});

test('white noise of n samples deviates from I by the sampling amount (Marchenko–Pastur edges)', async () => {
  const n = 4000;
  const d = 100;
  const floor = await whiteNoiseDeviation(n, d, 3);
  const ratio = d / n;
  // Eigenvalues of a white sample covariance fill [(1 − √r)², (1 + √r)²], r = d/n, for large d.
  assert.ok(Math.abs(floor.maxEigenvalue - (1 + Math.sqrt(ratio)) ** 2) < 0.08, `max ${floor.maxEigenvalue}`);
  assert.ok(Math.abs(floor.minEigenvalue - (1 - Math.sqrt(ratio)) ** 2) < 0.08, `min ${floor.minEigenvalue}`);
  assert.ok(Math.abs(floor.meanDiagonal - 1) < 0.01);
  assert.ok(floor.maxAbs > 2 / Math.sqrt(n) && floor.maxAbs < 8 / Math.sqrt(n), `max |C − I| ${floor.maxAbs}`);
});
