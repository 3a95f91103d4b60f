import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gridStructure } from '../../lib/gaussian/model/structure';
import { createPrecision, toDense } from '../../lib/gaussian/model/precision';
import { sampleByCholesky, sampleBySquareRoot } from '../../lib/gaussian/model/sampling';
import { bitsPerPixel, denseGaussianLogLikelihood, gaussianLogLikelihood } from '../../lib/gaussian/model/likelihood';
import { knownSparsePrecision } from '../../lib/gaussian/model/known-precision';
import { eigenvaluesAbove, smallestEigenvalue } from '../../lib/gaussian/model/positive-definite';
import { alwaysZeroPixels, dequantise } from '../../lib/data/dequantise';
import { choleskyOrThrow } from '../../lib/linalg/cholesky';
import { lowerInverse } from '../../lib/linalg/triangular';
import { eigSymmetric } from '../../lib/linalg/eigen-symmetric';
import { createRng } from '../../lib/random';
import type { SparsePrecision } from '../../lib/gaussian/model/precision';

const structure = gridStructure(3, 4, 8);
const D = structure.size;
const truth = knownSparsePrecision(structure, 2);

function covarianceOf(precision: Float64Array): Float64Array {
  const Linv = lowerInverse(choleskyOrThrow(precision, D, 'Λ'), D);
  const C = new Float64Array(D * D);
  for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) for (let k = 0; k < D; k++) C[i * D + j] += Linv[k * D + i] * Linv[k * D + j];
  return C;
}

function sampleCovarianceError(samples: Float32Array, count: number, mean: number[], C: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < D; i++) {
    for (let j = 0; j < D; j++) {
      let s = 0;
      for (let r = 0; r < count; r++) s += (samples[r * D + i] - mean[i]) * (samples[r * D + j] - mean[j]);
      worst = Math.max(worst, Math.abs(s / count - C[i * D + j]) / Math.sqrt(C[i * D + i] * C[j * D + j]));
    }
  }
  return worst;
}

test('both samplers have covariance Λ⁻¹ (and the wrong triangle does not)', () => {
  const count = 40000;
  const mean = Array.from({ length: D }, (_, i) => i / 10);
  const C = covarianceOf(toDense(truth));
  // Measured: ~0.01 for both correct samplers; 4 standard errors of a correlation at n = 40,000 is 0.02.
  assert.ok(sampleCovarianceError(sampleByCholesky(truth, mean, count, 1), count, mean, C) < 0.03);
  assert.ok(sampleCovarianceError(sampleBySquareRoot(truth, mean, count, 2), count, mean, C) < 0.03);
  // x = L⁻¹ε (Λ = LLᵀ) has covariance L⁻¹L⁻ᵀ, not Λ⁻¹.
  const Linv = lowerInverse(choleskyOrThrow(toDense(truth), D, 'Λ'), D);
  const wrong = new Float64Array(D * D);
  for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) for (let k = 0; k < D; k++) wrong[i * D + j] += Linv[i * D + k] * Linv[j * D + k];
  let differs = 0;
  for (let i = 0; i < D * D; i++) differs = Math.max(differs, Math.abs(wrong[i] - C[i]));
  assert.ok(differs > 0.05, `wrong-triangle covariance differs by ${differs}`);
});

test('the square-root sampler refuses an indefinite precision instead of patching it', () => {
  const bad = createPrecision(structure, truth.values);
  bad.diagonal[0] = -1;
  assert.throws(() => sampleBySquareRoot(bad, new Float64Array(D), 1, 1), /sampleBySquareRoot: the precision is not positive definite/);
  assert.throws(() => sampleByCholesky(bad, new Float64Array(D), 1, 1), /not positive definite: Cholesky pivot 0/);
});

/** Λ^{-1/2}ε from a dense eigendecomposition, for the same ε the sampler draws (seed, count × D normals). */
function rootByEigen(precision: SparsePrecision, count: number, seed: number): Float64Array {
  const n = precision.structure.size;
  const { values, vectors } = eigSymmetric(toDense(precision), n);
  const rng = createRng(seed);
  const out = new Float64Array(count * n);
  for (let s = 0; s < count; s++) {
    const eps = Float64Array.from({ length: n }, () => rng.normal());
    const coefficients = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      for (let r = 0; r < n; r++) coefficients[k] += vectors[r * n + k] * eps[r];
      coefficients[k] /= Math.sqrt(values[k]);
    }
    for (let r = 0; r < n; r++) for (let k = 0; k < n; k++) out[s * n + r] += vectors[r * n + k] * coefficients[k];
  }
  return out;
}

test('the square-root sampler gives Λ^{-1/2}ε of a dense eigendecomposition, also for a condition number of 10⁸', () => {
  const grid = gridStructure(6, 7, 8);
  const n = grid.size;
  const wellPosed = knownSparsePrecision(grid, 5);
  // The same Λ shifted down to λ_min = 10⁻⁸·λ_max: the quadrature must reach far into the small eigenvalues.
  const { values } = eigSymmetric(toDense(wellPosed), n);
  const illPosed = createPrecision(grid, wellPosed.values);
  const shift = values[0] - 1e-8 * (values[n - 1] - values[0]);
  for (let i = 0; i < n; i++) illPosed.diagonal[i] -= shift;
  for (const precision of [wellPosed, illPosed]) {
    const count = 5;
    const expected = rootByEigen(precision, count, 9);
    const got = sampleBySquareRoot(precision, new Float64Array(n), count, 9);
    for (let s = 0; s < count; s++) {
      let error = 0;
      let norm = 0;
      for (let i = 0; i < n; i++) {
        error += (got[s * n + i] - expected[s * n + i]) ** 2;
        norm += expected[s * n + i] ** 2;
      }
      // float32 output: ~6e-8 relative; the quadrature's own error is ~1e-8.
      assert.ok(Math.sqrt(error / norm) < 3e-7, `sample ${s}: relative error ${Math.sqrt(error / norm)}`);
    }
  }
});

test('the smallest eigenvalue matches a dense eigendecomposition, for definite and indefinite Λ', () => {
  const dense = eigSymmetric(toDense(truth), D).values[0];
  assert.ok(Math.abs(smallestEigenvalue(truth) - dense) < 1e-9 * Math.abs(dense));
  // Shifted by λ_min + 0.3: indefinite with λ_min = −0.3 (found by bisection on Cholesky's success).
  const indefinite = createPrecision(structure, truth.values);
  for (let i = 0; i < D; i++) indefinite.diagonal[i] -= dense + 0.3;
  const expected = eigSymmetric(toDense(indefinite), D).values[0];
  assert.ok(Math.abs(smallestEigenvalue(indefinite) - expected) < 1e-9, `${smallestEigenvalue(indefinite)} vs ${expected}`);
});

test('eigenvaluesAbove says whether λ_min exceeds a floor, and leaves Λ unchanged', () => {
  const lambdaMin = eigSymmetric(toDense(truth), D).values[0];
  const before = Float64Array.from(truth.values);
  assert.equal(eigenvaluesAbove(truth, lambdaMin - 1e-6), true);
  assert.equal(eigenvaluesAbove(truth, lambdaMin + 1e-6), false);
  assert.deepEqual(truth.values, before);
});

test('the sparse and dense Gaussian log-likelihoods agree and match the density formula', () => {
  const X = sampleByCholesky(truth, new Float64Array(D), 50, 3);
  const sparse = gaussianLogLikelihood(truth, X, 50);
  const dense = denseGaussianLogLikelihood(covarianceOf(toDense(truth)), X, 50);
  assert.ok(Math.abs(sparse - dense) < 1e-9 * Math.abs(sparse));
  // One point at the mean: log N(0; 0, Λ⁻¹) = ½ log det Λ − (D/2) log 2π.
  const logDet = eigSymmetric(toDense(truth), D).values.reduce((s, v) => s + Math.log(v), 0);
  assert.ok(Math.abs(gaussianLogLikelihood(truth, new Float64Array(D), 1) - (0.5 * logDet - 0.5 * D * Math.log(2 * Math.PI))) < 1e-9);
  // A uniform density on [0, 1]^D (log-likelihood 0) costs 8 bits per 256-level pixel.
  assert.equal(bitsPerPixel(0, 784), 8);
});

test('dequantisation spreads each grey level over its 1/256 bin, reproducibly', () => {
  const levels = Float32Array.from({ length: 256 * 40 }, (_, i) => (i % 256) / 255);
  const a = dequantise(levels, 7);
  assert.deepEqual(a, dequantise(levels, 7));
  for (let i = 0; i < levels.length; i++) {
    const k = i % 256;
    assert.ok(a[i] >= k / 256 - 1e-7 && a[i] <= (k + 1) / 256 + 1e-7);
  }
  assert.throws(() => dequantise(Float32Array.from([2]), 1), /value 2 at index 0/);
  assert.deepEqual(alwaysZeroPixels([0, 1, 0, 0, 0, 0], 2, 3), [0, 2]);
});
