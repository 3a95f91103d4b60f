import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EigenvalueDecomposition, inverse, Matrix } from 'ml-matrix';
import { cholesky, choleskyOrThrow, logDetFromFactor } from '../../lib/linalg/cholesky';
import { lowerInverse, solveLower, solveLowerTransposed } from '../../lib/linalg/triangular';
import {
  bandedCholesky,
  bandedInverse,
  bandedLogDet,
  bandedSolveLower,
  bandedSolveLowerTransposed,
  bandedSolveLowerTransposedRows,
  createBanded,
} from '../../lib/linalg/banded';
import { eigenvaluesSymmetric, eigSymmetric } from '../../lib/linalg/eigen-symmetric';
import { minimiseLbfgs } from '../../lib/linalg/lbfgs';
import { createRng } from '../../lib/random';

/** A random symmetric positive definite n×n matrix, zero outside bandwidth b (diagonally dominant). */
function randomSpd(n: number, b: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = Math.max(0, i - b); j < i; j++) {
      const v = rng.normal();
      A[i * n + j] = v;
      A[j * n + i] = v;
    }
  }
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < n; j++) if (j !== i) sum += Math.abs(A[i * n + j]);
    A[i * n + i] = sum + 0.5 + rng.uniform();
  }
  return A;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

function toBand(A: Float64Array, n: number, b: number) {
  const m = createBanded(n, b);
  for (let i = 0; i < n; i++) for (let j = Math.max(0, i - b); j <= i; j++) m.band[i * (b + 1) + (i - j)] = A[i * n + j];
  return m;
}

test('Cholesky reproduces A = L Lᵀ and its log-determinant', () => {
  const n = 40;
  const A = randomSpd(n, n - 1, 1);
  const L = choleskyOrThrow(A, n, 'A');
  const product = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) product[i * n + j] += L[i * n + k] * L[j * n + k];
  assert.ok(maxAbsDiff(product, A) < 1e-12);
  const reference = new Matrix(Array.from({ length: n }, (_, i) => Array.from(A.subarray(i * n, (i + 1) * n))));
  const eig = new EigenvalueDecomposition(reference).realEigenvalues;
  assert.ok(Math.abs(logDetFromFactor(L, n) - eig.reduce((s, v) => s + Math.log(v), 0)) < 1e-10);
});

test('Cholesky names the first failing pivot of an indefinite matrix', () => {
  const A = Float64Array.from([4, 2, 0, 2, 1, 3, 0, 3, 5]); // second pivot 1 − 2²/4 = 0
  const outcome = cholesky(A, 3);
  assert.equal(outcome.ok, false);
  if (!outcome.ok) assert.equal(outcome.pivot, 1);
  assert.throws(() => choleskyOrThrow(A, 3, 'test matrix'), /test matrix is not positive definite: Cholesky pivot 1/);
});

test('dense solves and the triangular inverse invert the factor', () => {
  const n = 30;
  const L = choleskyOrThrow(randomSpd(n, n - 1, 2), n, 'A');
  const rhs = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
  const x = solveLower(L, n, rhs);
  const y = solveLowerTransposed(L, n, rhs);
  const Lx = new Float64Array(n);
  const Lty = new Float64Array(n);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < n; k++) {
      Lx[i] += L[i * n + k] * x[k];
      Lty[i] += L[k * n + i] * y[k];
    }
  assert.ok(maxAbsDiff(Lx, rhs) < 1e-12 && maxAbsDiff(Lty, rhs) < 1e-12);
  const inv = lowerInverse(L, n);
  assert.ok(
    maxAbsDiff(
      solveLower(
        L,
        n,
        Float64Array.from({ length: n }, (_, i) => (i === 3 ? 1 : 0)),
      ),
      Array.from({ length: n }, (_, i) => inv[i * n + 3]),
    ) < 1e-12,
  );
});

test('banded Cholesky, log-det and solves match the dense ones', () => {
  const n = 60;
  const b = 7;
  const A = randomSpd(n, b, 3);
  const dense = choleskyOrThrow(A, n, 'A');
  const banded = bandedCholesky(toBand(A, n, b));
  assert.ok(banded.ok);
  if (!banded.ok) return;
  assert.ok(Math.abs(bandedLogDet(banded.factor) - logDetFromFactor(dense, n)) < 1e-10);
  const rhs = Float64Array.from({ length: n }, (_, i) => Math.cos(i));
  assert.ok(maxAbsDiff(bandedSolveLower(banded.factor, rhs), solveLower(dense, n, rhs)) < 1e-12);
  assert.ok(maxAbsDiff(bandedSolveLowerTransposed(banded.factor, rhs), solveLowerTransposed(dense, n, rhs)) < 1e-12);
  assert.ok(maxAbsDiff(choleskyOrThrow(A, n, 'A'), cholesky(A, n, b).ok ? (cholesky(A, n, b) as { factor: Float64Array }).factor : []) < 1e-12);
});

test('the many-row banded solve gives each row the single-row solve, bit for bit, and checks its shapes', () => {
  const n = 40;
  const b = 5;
  const outcome = bandedCholesky(toBand(randomSpd(n, b, 8), n, b));
  assert.ok(outcome.ok);
  if (!outcome.ok) return;
  const rng = createRng(9);
  // 7 rows: one block of four and three left over.
  const rhs = Float64Array.from({ length: 7 * n }, () => rng.normal());
  const rows = bandedSolveLowerTransposedRows(outcome.factor, rhs, 7, new Float32Array(7 * n));
  for (let r = 0; r < 7; r++) {
    const single: Float32Array = Float32Array.from(bandedSolveLowerTransposed(outcome.factor, rhs.subarray(r * n, (r + 1) * n)));
    assert.deepEqual(rows.subarray(r * n, (r + 1) * n), single, `row ${r}`);
  }
  assert.throws(
    () => bandedSolveLowerTransposedRows(outcome.factor, rhs, 6, new Float32Array(6 * n)),
    /expected 6 rows of 40 values \(240\), got 280 in and 240 out/,
  );
});

test('banded inverse equals the dense inverse inside the band', () => {
  const n = 50;
  const b = 6;
  const A = randomSpd(n, b, 4);
  const outcome = bandedCholesky(toBand(A, n, b));
  assert.ok(outcome.ok);
  if (!outcome.ok) return;
  const Z = bandedInverse(outcome.factor);
  const reference = new Matrix(Array.from({ length: n }, (_, i) => Array.from(A.subarray(i * n, (i + 1) * n))));
  const inv = inverse(reference);
  let worst = 0;
  for (let i = 0; i < n; i++) for (let j = Math.max(0, i - b); j <= i; j++) worst = Math.max(worst, Math.abs(Z.band[i * (b + 1) + (i - j)] - inv.get(i, j)));
  assert.ok(worst < 1e-10, `worst ${worst}`);
});

test('eigSymmetric returns ascending eigenpairs with orthonormal vectors', () => {
  for (const n of [1, 2, 5, 60]) {
    const rng = createRng(n);
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) A[i * n + j] = A[j * n + i] = rng.normal();
    const { values, vectors } = eigSymmetric(A, n);
    for (let k = 1; k < n; k++) assert.ok(values[k] >= values[k - 1]);
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < n; i++) {
        let Av = 0;
        for (let j = 0; j < n; j++) Av += A[i * n + j] * vectors[j * n + k];
        assert.ok(Math.abs(Av - values[k] * vectors[i * n + k]) < 1e-10);
      }
      for (let l = 0; l < n; l++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += vectors[i * n + k] * vectors[i * n + l];
        assert.ok(Math.abs(dot - (k === l ? 1 : 0)) < 1e-10);
      }
    }
    const reference = new EigenvalueDecomposition(new Matrix(Array.from({ length: n }, (_, i) => Array.from(A.subarray(i * n, (i + 1) * n)))), {
      assumeSymmetric: true,
    }).realEigenvalues.sort((a, b) => a - b);
    assert.ok(maxAbsDiff(values, reference) < 1e-10);
  }
  assert.throws(() => eigSymmetric([1, Number.NaN, Number.NaN, 1], 2), /entry \(0, 1\) is NaN/);
});

test('eigenvalues alone are exactly those of the full eigendecomposition', () => {
  for (const n of [1, 3, 40]) {
    const rng = createRng(100 + n);
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) A[i * n + j] = A[j * n + i] = rng.normal();
    assert.deepEqual(eigenvaluesSymmetric(A, n), eigSymmetric(A, n).values);
  }
  assert.throws(() => eigenvaluesSymmetric([1, 2, 3], 2), /eigenvaluesSymmetric: expected an n×n matrix/);
});

test('L-BFGS minimises a convex quadratic to its closed-form solution', () => {
  const n = 20;
  const A = randomSpd(n, 3, 5);
  const b = Float64Array.from({ length: n }, (_, i) => i - 10);
  const objective = (x: Float64Array) => {
    const Ax = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Ax[i] += A[i * n + j] * x[j];
    let value = 0;
    for (let i = 0; i < n; i++) value += 0.5 * x[i] * Ax[i] - b[i] * x[i];
    return { value, gradient: Ax.map((v, i) => v - b[i]) };
  };
  const result = minimiseLbfgs(objective, new Float64Array(n), { tolerance: 1e-12 });
  const L = choleskyOrThrow(A, n, 'A');
  const exact = solveLowerTransposed(L, n, solveLower(L, n, b));
  assert.ok(maxAbsDiff(result.x, exact) < 1e-9);
  // With the exact inverse Hessian as its preconditioner the first step is Newton's: it lands on the solution.
  const inverse = (v: Float64Array) => solveLowerTransposed(L, n, solveLower(L, n, v));
  const preconditioned = minimiseLbfgs(objective, new Float64Array(n), { tolerance: 1e-12, inverseHessian: inverse });
  assert.equal(preconditioned.iterations, 1);
  assert.ok(maxAbsDiff(preconditioned.x, exact) < 1e-9);
  assert.ok(result.iterations > 5, `without it: ${result.iterations} iterations`);
});
