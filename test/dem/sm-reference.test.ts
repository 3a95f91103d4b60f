import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { chooseBackend } from '../../lib/backend';
import { createRng } from '../../lib/random';
import { demFromArrays } from '../../lib/dem/model';
import { meanOf, smLossOfRows } from '../../lib/dem/evaluate';
import { gaussianReference, referenceSmLossOfRows } from '../../lib/dem/sm-reference';

before(async () => {
  await chooseBackend();
});

const D = 4;

/** n rows x = μ + A z, z ~ N(0, I): a correlated Gaussian set. */
function gaussianSet(n: number, mu: number[], A: number[][], seed: number): Float32Array {
  const rng = createRng(seed);
  const rows = new Float32Array(n * D);
  for (let r = 0; r < n; r++) {
    const z = Array.from({ length: D }, () => rng.normal());
    for (let i = 0; i < D; i++) rows[r * D + i] = mu[i] + A[i].reduce((sum, a, k) => sum + a * z[k], 0);
  }
  return rows;
}

/** Sample mean m and covariance S (1/n) of the rows, in float64. */
function moments(rows: Float32Array): { m: number[]; S: number[][] } {
  const n = rows.length / D;
  const m = Array.from({ length: D }, (_, i) => Array.from({ length: n }, (_, r) => rows[r * D + i]).reduce((a, b) => a + b, 0) / n);
  const S = m.map((_, i) =>
    m.map((__, j) => Array.from({ length: n }, (___, r) => (rows[r * D + i] - m[i]) * (rows[r * D + j] - m[j])).reduce((a, b) => a + b, 0) / n),
  );
  return { m, S };
}

/** Gauss–Jordan inverse of a small SPD matrix. */
function inverse(M: number[][]): number[][] {
  const a = M.map((row, i) => [...row, ...row.map((_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < D; c++) {
    const p = a[c][c];
    for (let j = 0; j < 2 * D; j++) a[c][j] /= p;
    for (let r = 0; r < D; r++) if (r !== c) for (let j = 2 * D - 1; j >= 0; j--) a[r][j] -= a[r][c] * a[c][j];
  }
  return a.map((row) => row.slice(D));
}

/**
 * Closed form F(p‖q) = ½ E_p‖∇log p − ∇log q‖² for p = N(m, S), q = N(μ, P⁻¹):
 * ∇log p − ∇log q = (P − S⁻¹)(x − m) + P(m − μ), so F = ½[tr((P − S⁻¹) S (P − S⁻¹)) + ‖P(m − μ)‖²].
 */
function fisherDivergence(set: { m: number[]; S: number[][] }, mu: number[], P: number[][]): number {
  const Ps = inverse(set.S);
  const A = P.map((row, i) => row.map((v, j) => v - Ps[i][j]));
  let trace = 0;
  for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) for (let k = 0; k < D; k++) trace += A[i][j] * set.S[j][k] * A[k][i];
  const shift = P.map((row) => row.reduce((sum, v, j) => sum + v * (set.m[j] - mu[j]), 0));
  return 0.5 * (trace + shift.reduce((sum, v) => sum + v * v, 0));
}

test('J_θ(set) − J_ref(set) equals F(set‖θ) − F(set‖ref) for Gaussian sets, model and reference; raw J_θ differences between sets do not', () => {
  // θ: a DEM with its network off (W = 0) is N(σ²b, σ²I); its SM loss goes through the DEM code path.
  const sigma = 0.8;
  const b = [0.3, -0.2, 0.1, 0];
  const dem = demFromArrays(
    { inputs: D, features: 3, units: 2, sigma },
    { V: Float32Array.from({ length: 3 * D }, (_, i) => 0.1 * Math.sin(i + 1)), W: new Float32Array(6), b: Float32Array.from(b), c: new Float32Array(2) },
  );
  const thetaMean = b.map((v) => sigma * sigma * v);
  const thetaPrecision = b.map((_, i) => b.map((__, j) => (i === j ? 1 / (sigma * sigma) : 0)));
  // The reference: N(0, C) of training rows with correlated pixels.
  const train = gaussianSet(
    4000,
    [0, 0, 0, 0],
    [
      [1, 0, 0, 0],
      [0.6, 0.8, 0, 0],
      [0, 0.5, 0.7, 0],
      [0.2, 0, 0.3, 0.5],
    ],
    1,
  );
  const reference = gaussianReference(train, 4000, D);
  const refPrecision = Array.from({ length: D }, (_, i) => Array.from(reference.precision.subarray(i * D, (i + 1) * D)));
  // Two sets far apart in scale and shape: a narrow one and a wide, shifted, correlated one.
  const sets = {
    narrow: gaussianSet(
      500,
      [0, 0, 0, 0],
      [
        [0.3, 0, 0, 0],
        [0, 0.4, 0, 0],
        [0, 0, 0.3, 0],
        [0, 0, 0, 0.5],
      ],
      2,
    ),
    wide: gaussianSet(
      500,
      [1, -0.5, 0, 2],
      [
        [2, 0, 0, 0],
        [1, 1.5, 0, 0],
        [0, 0, 1, 0],
        [0, 0.5, 0, 2.5],
      ],
      3,
    ),
  };
  const J: Record<string, { theta: number; ref: number; F: number; Fref: number }> = {};
  for (const [name, rows] of Object.entries(sets)) {
    const set = moments(rows);
    J[name] = {
      theta: meanOf(smLossOfRows(dem, rows)),
      ref: meanOf(referenceSmLossOfRows(reference, rows)),
      F: fisherDivergence(set, thetaMean, thetaPrecision),
      Fref: fisherDivergence(set, [0, 0, 0, 0], refPrecision),
    };
    // With the set's own sample moments the identity is exact: only float32 rounding separates the two sides.
    const difference = J[name].theta - J[name].ref;
    const expected = J[name].F - J[name].Fref;
    assert.ok(Math.abs(difference - expected) < 1e-4 * (1 + Math.abs(expected)), `${name}: J_θ − J_ref = ${difference}, F(set‖θ) − F(set‖ref) = ${expected}`);
  }
  // Across sets the raw losses differ by much more than the Fisher divergences do: the set's own ½E‖∇log p‖².
  const rawGap = J.narrow.theta - J.wide.theta;
  const fisherGap = J.narrow.F - J.wide.F;
  assert.ok(Math.abs(rawGap - fisherGap) > 5, `raw gap ${rawGap} vs Fisher gap ${fisherGap}: the set constant should not cancel`);
  dem.dispose();
});

test('the reference is N(0, C) of the training rows: its precision inverts their second moment, and its loss is ½‖Λx‖² − tr Λ', () => {
  const train = gaussianSet(
    3000,
    [0, 0, 0, 0],
    [
      [1, 0, 0, 0],
      [0.5, 1, 0, 0],
      [0, 0.3, 2, 0],
      [0, 0, 0.4, 0.7],
    ],
    4,
  );
  const reference = gaussianReference(train, 3000, D);
  const second = Array.from({ length: D }, (_, i) =>
    Array.from({ length: D }, (__, j) => meanOf(Array.from({ length: 3000 }, (___, r) => train[r * D + i] * train[r * D + j]))),
  );
  for (let i = 0; i < D; i++) {
    for (let j = 0; j < D; j++) {
      const product = second[i].reduce((sum, v, k) => sum + v * reference.precision[k * D + j], 0);
      assert.ok(Math.abs(product - (i === j ? 1 : 0)) < 1e-4, `(CΛ)[${i}][${j}] = ${product}`);
    }
  }
  const x = Float32Array.of(1, -2, 0.5, 3);
  const score = Array.from({ length: D }, (_, i) => -Array.from(x).reduce((sum, v, j) => sum + reference.precision[i * D + j] * v, 0));
  const expected = 0.5 * score.reduce((sum, v) => sum + v * v, 0) - reference.trace;
  assert.ok(Math.abs(referenceSmLossOfRows(reference, x)[0] - expected) < 1e-9 * Math.abs(expected));
  assert.throws(() => gaussianReference(new Float32Array(3 * D), 3, D), /gaussianReference: second moment of the training rows/);
});
