import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../../lib/backend';
import { gridStructure, parameterCount } from '../../lib/gaussian/model/structure';
import { createPrecision, precisionTimes, projectDense, quadraticForms, scaleSymmetric, toDense } from '../../lib/gaussian/model/precision';
import { localFromData, localFromDense } from '../../lib/gaussian/model/local-moments';
import { secondMomentDense } from '../../lib/data/moments';
import { patternQuadratic } from '../../lib/gaussian/contrastive/pattern-features';
import { tfPrecisionTimes, tfQuadraticForms } from '../../lib/gaussian/model/tf-precision';
import { createRng } from '../../lib/random';

function randomPrecision(H: number, W: number, connectivity: 4 | 8, seed: number) {
  const rng = createRng(seed);
  const structure = gridStructure(H, W, connectivity);
  return createPrecision(
    structure,
    Array.from({ length: parameterCount(structure) }, () => rng.normal()),
  );
}

test('a 28×28 grid has 784 + 1,512 (4-connected) and 784 + 2,970 (8-connected) free values', () => {
  assert.equal(parameterCount(gridStructure(28, 28, 4)), 784 + 1512);
  assert.equal(parameterCount(gridStructure(28, 28, 8)), 784 + 2970);
  assert.equal(gridStructure(28, 28, 8).bandwidth, 29);
  assert.throws(() => gridStructure(28, 28, 6 as 8), /connectivity must be 4 or 8/);
});

test('the dense precision is symmetric and has exactly the grid neighbours off the diagonal', () => {
  const p = randomPrecision(4, 5, 8, 1);
  const D = 20;
  const dense = toDense(p);
  for (let i = 0; i < D; i++) {
    for (let j = 0; j < D; j++) {
      assert.equal(dense[i * D + j], dense[j * D + i]);
      const [ri, ci, rj, cj] = [Math.floor(i / 5), i % 5, Math.floor(j / 5), j % 5];
      const neighbours = i !== j && Math.abs(ri - rj) <= 1 && Math.abs(ci - cj) <= 1;
      if (i !== j && !neighbours) assert.equal(dense[i * D + j], 0);
      if (neighbours) assert.notEqual(dense[i * D + j], 0);
    }
  }
  assert.deepEqual(Array.from(projectDense(dense, p.structure).values), Array.from(p.values));
});

test('shifted-image quadratic forms and products equal the dense ones (float64 and tfjs)', async () => {
  await chooseBackend();
  for (const connectivity of [4, 8] as const) {
    const p = randomPrecision(5, 6, connectivity, 2);
    const D = 30;
    const n = 7;
    const rng = createRng(3);
    const X = Float32Array.from({ length: n * D }, () => rng.normal());
    const dense = toDense(p);
    const q = quadraticForms(p, X, n);
    const Lx = precisionTimes(p, X, n);
    const theta = tf.tensor1d(Float32Array.from(p.values));
    const x = tf.tensor2d(X, [n, D]);
    const qTf = tfQuadraticForms(theta, x, p.structure).dataSync();
    const LxTf = tfPrecisionTimes(theta, x, p.structure).dataSync();
    tf.dispose([theta, x]);
    for (let r = 0; r < n; r++) {
      let expected = 0;
      for (let i = 0; i < D; i++) {
        let row = 0;
        for (let j = 0; j < D; j++) row += dense[i * D + j] * X[r * D + j];
        expected += X[r * D + i] * row;
        assert.ok(Math.abs(Lx[r * D + i] - row) < 1e-9);
        assert.ok(Math.abs(LxTf[r * D + i] - row) < 1e-4);
      }
      assert.ok(Math.abs(q[r] - expected) < 1e-9);
      assert.ok(Math.abs(patternQuadratic(p.values, X, r * D, p.structure) - expected) < 1e-9);
      assert.ok(Math.abs(qTf[r] - expected) < 1e-3 * Math.max(1, Math.abs(expected)));
    }
  }
});

test('diag(a) Λ diag(a) scales entry (i, j) by aᵢaⱼ', () => {
  const p = randomPrecision(3, 3, 8, 4);
  const a = Float64Array.from({ length: 9 }, (_, i) => i + 1);
  const scaled = toDense(scaleSymmetric(p, a));
  const dense = toDense(p);
  for (let i = 0; i < 9; i++) for (let j = 0; j < 9; j++) assert.ok(Math.abs(scaled[i * 9 + j] - dense[i * 9 + j] * a[i] * a[j]) < 1e-12);
});

test('the local second moment from data equals the one read from the dense XᵀX/n', async () => {
  await chooseBackend();
  const structure = gridStructure(6, 7, 8);
  const D = structure.size;
  const n = 50;
  const rng = createRng(5);
  const X = Float32Array.from({ length: n * D }, () => rng.normal());
  const fromData = localFromData(X, n, structure);
  const fromDense = localFromDense(secondMomentDense(X, n, D), structure);
  let worst = 0;
  for (let i = 0; i < fromData.blocks.length; i++) worst = Math.max(worst, Math.abs(fromData.blocks[i] - fromDense.blocks[i]));
  assert.ok(worst < 1e-5, `worst ${worst}`);
});
