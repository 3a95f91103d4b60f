import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../../lib/backend';
import { matMul } from '../../lib/tf/matmul';

before(async () => {
  await chooseBackend();
});

/** Largest |a − b| relative to the largest |b|. */
function relativeError(a: tf.Tensor, b: tf.Tensor): number {
  const x = a.dataSync();
  const y = b.dataSync();
  assert.equal(x.length, y.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < x.length; i++) {
    diff = Math.max(diff, Math.abs(x[i] - y[i]));
    scale = Math.max(scale, Math.abs(y[i]));
  }
  return diff / scale;
}

// Both sides are float32 products of the same numbers, summed possibly in another order.
const TOLERANCE = 1e-5;

for (const rank of [2, 3]) {
  for (const [transposeA, transposeB] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ]) {
    test(`matMul equals tf.matMul in value and gradient (rank ${rank}, transposeA=${transposeA}, transposeB=${transposeB})`, () => {
      const batch = rank === 3 ? [3] : [];
      const [m, k, n] = [5, 7, 4];
      const a = tf.randomNormal([...batch, ...(transposeA ? [k, m] : [m, k])], 0, 1, 'float32', 1);
      const b = tf.randomNormal([...batch, ...(transposeB ? [n, k] : [k, n])], 0, 1, 'float32', 2);
      const upstream = tf.randomNormal([...batch, m, n], 0, 1, 'float32', 3);
      const ours = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(matMul(x, y, transposeA, transposeB), upstream));
      const theirs = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, transposeA, transposeB), upstream));
      assert.ok(relativeError(matMul(a, b, transposeA, transposeB), tf.matMul(a, b, transposeA, transposeB)) < TOLERANCE);
      const [da, db] = tf.grads(ours)([a, b]);
      const [ea, eb] = tf.grads(theirs)([a, b]);
      assert.deepEqual(da.shape, a.shape);
      assert.deepEqual(db.shape, b.shape);
      assert.ok(relativeError(da, ea) < TOLERANCE, `d/da differs by ${relativeError(da, ea)}`);
      assert.ok(relativeError(db, eb) < TOLERANCE, `d/db differs by ${relativeError(db, eb)}`);
    });
  }
}

test('matMul refuses operands of different or unsupported rank', () => {
  assert.throws(() => matMul(tf.zeros([2, 3]), tf.zeros([1, 3, 2])), /rank 2 \(or both rank 3\).*\[2,3\].*\[1,3,2\]/);
  assert.throws(() => matMul(tf.zeros([2]), tf.zeros([2])), /rank 2/);
});
