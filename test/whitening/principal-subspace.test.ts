import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../lib/random';
import { eigSymmetric } from '../../lib/linalg/eigen-symmetric';
import { covariance } from '../../lib/data/moments';
import { fromPrincipalCoordinates, toPrincipalCoordinates, whiten, zcaMatrix } from '../../lib/whitening/index';

const D = 10;
const N = 4000;

/** Correlated Gaussian rows with a known spread of variances (so the leading components are distinct). */
function correlatedRows(seed: number): Float32Array {
  const rng = createRng(seed);
  const mix = Float64Array.from({ length: D * D }, () => rng.normal());
  const rows = new Float32Array(N * D);
  for (let r = 0; r < N; r++) {
    const z = Array.from({ length: D }, (_, i) => rng.normal() * (i + 1));
    for (let p = 0; p < D; p++) {
      let sum = 0;
      for (let i = 0; i < D; i++) sum += mix[p * D + i] * z[i];
      rows[r * D + p] = sum;
    }
  }
  return rows;
}

test('principal coordinates of ZCA-whitened rows have unit variance, are uncorrelated, and keep the largest eigenvalues', async () => {
  const rows = correlatedRows(1);
  const eigen = eigSymmetric(await covariance(rows, D), D);
  const whitened = await whiten(rows, zcaMatrix(eigen), D);
  const k = 4;
  const z = await toPrincipalCoordinates(whitened, eigen, k);
  const zc = await covariance(z, k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) assert.ok(Math.abs(zc[i * k + j] - (i === j ? 1 : 0)) < 2e-3, `cov[${i},${j}] = ${zc[i * k + j]}`);
  // Coordinate i of the raw rows along the same basis has variance equal to the i-th largest eigenvalue.
  const raw = await covariance(await toPrincipalCoordinates(rows, eigen, k), k);
  const descending = Array.from(eigen.values).sort((a, b) => b - a);
  for (let i = 0; i < k; i++) assert.ok(Math.abs(raw[i * k + i] / descending[i] - 1) < 1e-3, `variance ${raw[i * k + i]} vs eigenvalue ${descending[i]}`);
});

test('a filter on the coordinates acts on the rows as its image: vᵀz = (U_k v)ᵀx, and all components give back x', async () => {
  const rows = correlatedRows(2).subarray(0, 50 * D);
  const eigen = eigSymmetric(await covariance(correlatedRows(3), D), D);
  const k = 3;
  const rng = createRng(4);
  const filters = Float32Array.from({ length: 2 * k }, () => rng.normal());
  const images = fromPrincipalCoordinates(filters, eigen, k);
  const z = await toPrincipalCoordinates(rows, eigen, k);
  for (let r = 0; r < 50; r++) {
    for (let j = 0; j < 2; j++) {
      let onZ = 0;
      let onX = 0;
      for (let i = 0; i < k; i++) onZ += filters[j * k + i] * z[r * k + i];
      for (let p = 0; p < D; p++) onX += images[j * D + p] * rows[r * D + p];
      assert.ok(Math.abs(onZ - onX) < 1e-4 * Math.max(1, Math.abs(onX)), `row ${r}, filter ${j}: ${onZ} vs ${onX}`);
    }
  }
  const back = fromPrincipalCoordinates(await toPrincipalCoordinates(rows, eigen, D), eigen, D);
  for (let i = 0; i < rows.length; i++) assert.ok(Math.abs(back[i] - rows[i]) < 1e-4 * Math.max(1, Math.abs(rows[i])));
});

test('principal coordinates refuse a component count outside 1..d and rows of the wrong width', async () => {
  const eigen = eigSymmetric(await covariance(correlatedRows(5), D), D);
  await assert.rejects(toPrincipalCoordinates(new Float32Array(D), eigen, 0), /components must be a whole number in 1\.\.10, got 0/);
  await assert.rejects(toPrincipalCoordinates(new Float32Array(D), eigen, 11), /got 11/);
  await assert.rejects(toPrincipalCoordinates(new Float32Array(D + 1), eigen, 2), /11 values are not a whole number of rows of 10/);
  assert.throws(() => fromPrincipalCoordinates(new Float32Array(5), eigen, 2), /5 values are not a whole number of rows of 2/);
});
