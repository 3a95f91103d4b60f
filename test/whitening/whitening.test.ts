import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, Rng } from '../../lib/random';
import { eigSymmetric } from '../../lib/linalg/eigen-symmetric';
import { covariance } from '../../lib/data/moments';
import {
  choleskyWhiteningMatrix,
  covarianceEigenFromPrecision,
  frobeniusFromIdentity,
  identityDeviation,
  meanSquaredChange,
  pcaMatrix,
  whiten,
  zcaMatrix,
} from '../../lib/whitening/whitening';

const D = 12;

function multiply(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) out[i * n + j] += a[i * n + k] * b[k * n + j];
  return out;
}

function transpose(a: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[j * n + i] = a[i * n + j];
  return out;
}

/** W C Wᵀ in float64: the covariance of W x when x has covariance C. */
function congruence(W: Float64Array, C: Float64Array, n: number): Float64Array {
  return multiply(multiply(W, C, n), transpose(W, n), n);
}

/** A random orthogonal matrix (Gram–Schmidt on Gaussian columns). */
function randomOrthogonal(n: number, rng: Rng): Float64Array {
  const q = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    const v = Array.from({ length: n }, () => rng.normal());
    for (let p = 0; p < c; p++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += v[i] * q[i * n + p];
      for (let i = 0; i < n; i++) v[i] -= dot * q[i * n + p];
    }
    const norm = Math.hypot(...v);
    for (let i = 0; i < n; i++) q[i * n + c] = v[i] / norm;
  }
  return q;
}

/** C = Q diag(λ) Qᵀ with eigenvalues log-spaced over 3 decades (like a natural-image spectrum, smaller). */
function knownCovariance(rng: Rng) {
  const Q = randomOrthogonal(D, rng);
  const spectrum = Array.from({ length: D }, (_, k) => 10 ** (-2 + (3 * k) / (D - 1)));
  const C = new Float64Array(D * D);
  const root = new Float64Array(D * D); // C^{1/2}, to sample x = C^{1/2} z
  for (let i = 0; i < D; i++) {
    for (let j = 0; j < D; j++) {
      for (let k = 0; k < D; k++) {
        C[i * D + j] += Q[i * D + k] * spectrum[k] * Q[j * D + k];
        root[i * D + j] += Q[i * D + k] * Math.sqrt(spectrum[k]) * Q[j * D + k];
      }
    }
  }
  return { C, root };
}

function sample(root: Float64Array, n: number, rng: Rng): Float32Array {
  const X = new Float32Array(n * D);
  const z = new Float64Array(D);
  for (let r = 0; r < n; r++) {
    for (let k = 0; k < D; k++) z[k] = rng.normal();
    for (let i = 0; i < D; i++) {
      let s = 0.3; // a non-zero mean, removed by covariance()
      for (let k = 0; k < D; k++) s += root[i * D + k] * z[k];
      X[r * D + i] = s;
    }
  }
  return X;
}

test('ZCA, PCA and Cholesky whitening from the sample covariance give whitened data with covariance I to 1e-3', async () => {
  const rng = createRng(11);
  const { root } = knownCovariance(rng);
  const X = sample(root, 20_000, rng);
  const S = await covariance(X, D);
  const eig = eigSymmetric(S, D);
  const whitenings = { zca: zcaMatrix(eig), pca: pcaMatrix(eig), cholesky: choleskyWhiteningMatrix(S, D) };
  for (const [name, W] of Object.entries(whitenings)) {
    const whitened = await covariance(await whiten(X, W, D), D);
    const { maxAbs, meanDiagonal } = identityDeviation(whitened, D);
    assert.ok(maxAbs < 1e-3, `${name}: max |C_w − I| = ${maxAbs}`);
    assert.ok(Math.abs(meanDiagonal - 1) < 1e-3, `${name}: mean diagonal ${meanDiagonal}`);
  }
});

test('ZCA of the known covariance is C^{-1/2}: it whitens C exactly and the sample estimate is close to it', async () => {
  const rng = createRng(12);
  const { C, root } = knownCovariance(rng);
  const W = zcaMatrix(eigSymmetric(C, D));
  assert.ok(identityDeviation(congruence(W, C, D), D).maxAbs < 1e-10);
  // W² C = I (W = C^{-1/2}), i.e. W·W is the precision.
  assert.ok(identityDeviation(multiply(multiply(W, W, D), C, D), D).maxAbs < 1e-9);
  const sampleW = zcaMatrix(eigSymmetric(await covariance(sample(root, 20_000, rng), D), D));
  // Whitening C with the estimated W leaves only sampling error (~1/√N per entry, measured 0.02).
  assert.ok(identityDeviation(congruence(sampleW, C, D), D).maxAbs < 0.06);
});

test('ZCA is symmetric and the closest whitening to the identity among those tried', () => {
  const rng = createRng(13);
  const { C } = knownCovariance(rng);
  const eig = eigSymmetric(C, D);
  const zca = zcaMatrix(eig);
  let asymmetry = 0;
  for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) asymmetry = Math.max(asymmetry, Math.abs(zca[i * D + j] - zca[j * D + i]));
  assert.ok(asymmetry < 1e-12, `ZCA asymmetry ${asymmetry}`);
  const others: Record<string, Float64Array> = {
    pca: pcaMatrix(eig),
    cholesky: choleskyWhiteningMatrix(C, D),
    'rotated zca 1': multiply(randomOrthogonal(D, rng), zca, D),
    'rotated zca 2': multiply(randomOrthogonal(D, rng), zca, D),
  };
  const zcaFrobenius = frobeniusFromIdentity(zca, D);
  const zcaChange = meanSquaredChange(zca, C, D);
  for (const [name, W] of Object.entries(others)) {
    // Each candidate is a true whitening of C …
    assert.ok(identityDeviation(congruence(W, C, D), D).maxAbs < 1e-9, `${name} does not whiten C`);
    // … yet moves the data further from itself than ZCA does.
    assert.ok(frobeniusFromIdentity(W, D) > zcaFrobenius, `${name}: ‖W − I‖ ${frobeniusFromIdentity(W, D)} ≤ ZCA's ${zcaFrobenius}`);
    assert.ok(meanSquaredChange(W, C, D) > zcaChange, `${name}: E‖Wx − x‖² ≤ ZCA's`);
  }
});

test('ε leaves whitened variance λ/(λ + ε) along each eigenvector', () => {
  const { C } = knownCovariance(createRng(14));
  const eig = eigSymmetric(C, D);
  for (const epsilon of [1e-3, 1e-2, 0.1]) {
    const whitened = congruence(zcaMatrix(eig, epsilon), C, D);
    const expected = eig.values.reduce((sum, lambda) => sum + lambda / (lambda + epsilon), 0) / D;
    assert.ok(Math.abs(identityDeviation(whitened, D).meanDiagonal - expected) < 1e-12, `ε = ${epsilon}`);
  }
});

test('ZCA with a precision Λ is Λ^{1/2}', () => {
  const rng = createRng(15);
  const { C } = knownCovariance(rng);
  const precision = transpose(zcaMatrix(eigSymmetric(C, D)), D); // any SPD matrix: here C^{-1/2}
  const W = zcaMatrix(covarianceEigenFromPrecision(precision, D));
  const square = multiply(W, W, D);
  let error = 0;
  for (let i = 0; i < D * D; i++) error = Math.max(error, Math.abs(square[i] - precision[i]));
  assert.ok(error < 1e-10, `max |W² − Λ| = ${error}`);
});

test('bad shapes and non-positive-definite inputs raise errors that say what was expected', async () => {
  const { C } = knownCovariance(createRng(16));
  const eig = eigSymmetric(C, D);
  const W = zcaMatrix(eig);
  await assert.rejects(whiten(new Float32Array(D * 3 + 1), W, D), /whiten: expected a non-empty \[n, 12\] row-major array, got 37 values/);
  await assert.rejects(whiten(new Float32Array(D * 3), W.subarray(1), D), /whiten \(matrix\): expected an n×n matrix with n = 12/);
  assert.throws(() => zcaMatrix({ values: eig.values, vectors: eig.vectors.subarray(D) }), /expected an n×n matrix with n = 12/);
  assert.throws(() => identityDeviation(C, D + 1), /identityDeviation: expected an n×n matrix with n = 13 \(169 values\), got 144/);
  assert.throws(() => zcaMatrix(eig, -1e-3), /epsilon must be a finite number ≥ 0, got -0.001/);
  const indefinite = Float64Array.from(C);
  indefinite[0] = -1;
  assert.throws(() => zcaMatrix(eigSymmetric(indefinite, D)), /eigenvalue 0 is -\d.*not positive definite/);
  assert.throws(() => choleskyWhiteningMatrix(indefinite, D), /covariance \+ εI is not positive definite: Cholesky pivot 0 is -1/);
  assert.throws(() => covarianceEigenFromPrecision(indefinite, D), /smallest eigenvalue is -.*expected a positive definite precision/);
});
