import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseBackend } from '../../lib/backend';
import { centre, checkRows, checkSquare, columnMeans, columnVariances, withRidge } from '../../lib/data/rows';
import { covariance, secondMoment, secondMomentDense } from '../../lib/data/moments';
import { createRng } from '../../lib/random';

/** Seeded correlated rows with a non-zero mean: column j = 0.5·j + z₀ + z_j. */
function sampleRows(n: number, d: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const rows = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const common = rng.normal();
    for (let j = 0; j < d; j++) rows[i * d + j] = 0.5 * j + common + rng.normal();
  }
  return rows;
}

/** (1/n) Σ (x − c)(x − c)ᵀ in float64, entry by entry. */
function referenceMoment(rows: Float32Array, d: number, c: ArrayLike<number>): Float64Array {
  const n = rows.length / d;
  const out = new Float64Array(d * d);
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) out[a * d + b] += ((rows[i * d + a] - c[a]) * (rows[i * d + b] - c[b])) / n;
  return out;
}

test('column means and variances of rows with a known answer', () => {
  // Columns: 1, 2, 3, 4 (mean 2.5, variance 1.25) and 10, 10, 10, 10 (mean 10, variance 0).
  const rows = Float32Array.of(1, 10, 2, 10, 3, 10, 4, 10);
  assert.deepEqual(Array.from(columnMeans(rows, 2)), [2.5, 10]);
  assert.deepEqual(Array.from(columnVariances(rows, 2)), [1.25, 0]);
});

test('centred rows have zero column means, and the input is left alone', () => {
  const rows = sampleRows(300, 4, 1);
  const before = rows.slice();
  const centred = centre(rows, 300, columnMeans(rows, 4));
  assert.deepEqual(rows, before);
  columnMeans(centred, 4).forEach((m, j) => assert.ok(Math.abs(m) < 1e-6, `column ${j}: mean ${m}`));
});

test('the dense second moment and the covariance equal the float64 sums of outer products to float32 rounding', async () => {
  await chooseBackend();
  const d = 5;
  const n = 5000; // more than one chunk of rows
  const rows = sampleRows(n, d, 2);
  const mean = columnMeans(rows, d);
  const cases: [string, Float64Array, Float64Array][] = [
    ['second moment', secondMomentDense(rows, n, d), referenceMoment(rows, d, new Float64Array(d))],
    ['covariance', await covariance(rows, d), referenceMoment(rows, d, mean)],
    ['shifted second moment', secondMoment(rows, d, mean), referenceMoment(rows, d, mean)],
  ];
  for (const [name, got, want] of cases) {
    for (let k = 0; k < d * d; k++) assert.ok(Math.abs(got[k] - want[k]) < 1e-5 * Math.abs(want[k]) + 1e-6, `${name}[${k}]: ${got[k]} vs ${want[k]}`);
    for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) assert.equal(got[a * d + b], got[b * d + a], `${name} is symmetric`);
  }
  // The covariance's diagonal is the column variances.
  const C = cases[1][1];
  columnVariances(rows, d).forEach((v, j) => assert.ok(Math.abs(C[j * d + j] - v) < 1e-5 * v, `variance ${j}: ${C[j * d + j]} vs ${v}`));
});

test('a ridge adds δ to the diagonal only', () => {
  assert.deepEqual(Array.from(withRidge([1, 2, 2, 5], 2, 0.5)), [1.5, 2, 2, 5.5]);
});

test('wrong shapes raise errors that name the caller, what was expected and what came', async () => {
  assert.throws(() => checkRows('fitSomething', new Float32Array(10), 4), /fitSomething: expected a non-empty \[n, 4\] row-major array, got 10 values \(not a multiple of 4\)/);
  assert.throws(() => checkRows('fitSomething', new Float32Array(12), 4, 2), /fitSomething: expected 2 rows of 4 values \(8\), got 12/);
  assert.throws(() => checkRows('fitSomething', new Float32Array(0), 4, 0), /fitSomething: expected a positive number of rows, got 0/);
  assert.equal(checkRows('fitSomething', new Float32Array(12), 4), 3);
  assert.throws(() => checkSquare('solveSomething', new Float64Array(8), 3), /solveSomething: expected an n×n matrix with n = 3 \(9 values\), got 8 values/);
  await assert.rejects(covariance(new Float32Array(0), 4), /covariance: expected a non-empty \[n, 4\] row-major array, got 0 values$/);
  assert.throws(() => secondMoment(new Float32Array(8), 4, [0, 0]), /secondMoment: expected a shift of 4 values, got 2/);
});
