import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startPool, threadCount } from '../../lib/parallel/pool';
import { logisticLossEvaluator, SharedLoss } from '../../lib/gaussian/contrastive/parallel-loss';
import { LogisticBlock, logisticSampleLoss } from '../../lib/gaussian/contrastive/logistic-loss';
import { gridStructure, parameterCount } from '../../lib/gaussian/model/structure';
import { createRng } from '../../lib/random';

test('LFR_THREADS overrides the thread count and is checked', () => {
  assert.equal(threadCount({ LFR_THREADS: '1' }), 1);
  assert.equal(threadCount({ LFR_THREADS: '3' }), 3);
  assert.throws(() => threadCount({ LFR_THREADS: 'two' }), /LFR_THREADS="two": expected an integer from 1 to 16/);
  assert.ok(threadCount({}) >= 1 && threadCount({}) <= 2);
});

test('three threads give the single-thread loss: unequal shares of every block are added in a fixed order', () => {
  const structure = gridStructure(5, 5, 4);
  const D = structure.size;
  const P = parameterCount(structure);
  const rng = createRng(21);
  const images = Float32Array.from({ length: 6001 * D }, () => rng.normal());
  const partners = Float64Array.from({ length: 6001 * D }, () => rng.normal());
  const index = Int32Array.from({ length: 6001 }, (_, i) => i);
  const blocks: LogisticBlock[] = [
    { images, index, offset: Float64Array.from(index, () => rng.normal()), sign: 1, weight: 1 / 6001 },
    { images, index, partners, sign: -1, weight: 1 / 6001 },
    { images, index, couples: partners.map((v) => 0.1 * v), sign: 1, weight: 1 / 12002 },
  ];
  const theta = Float64Array.from({ length: P + 1 }, (_, j) => (j < D ? 1 : j < P ? 0.05 * rng.normal() : 0.01));
  const single = logisticSampleLoss(theta, blocks, structure, 2);
  const evaluator = logisticLossEvaluator(blocks, structure, P + 1, 2, 3);
  try {
    assert.equal(evaluator.threads, 3);
    const split = evaluator.evaluate(theta);
    assert.ok(Math.abs(split.value - single.value) <= 1e-12 * Math.abs(single.value), `${split.value} vs ${single.value}`);
    split.gradient.forEach((g, j) => assert.ok(Math.abs(g - single.gradient[j]) <= 1e-12 * (1 + Math.abs(g)), `parameter ${j}: ${g} vs ${single.gradient[j]}`));
  } finally {
    evaluator.close();
  }
});

/** One loss worker's data on a 2×2 grid with one row, with `out` of the given length. */
function tinyLoss(connectivity: number, outLength: number): SharedLoss {
  const buffer = (values: number[], Type: Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor) => {
    const shared = new SharedArrayBuffer(values.length * Type.BYTES_PER_ELEMENT);
    new Type(shared).set(values);
    return shared;
  };
  return {
    height: 2,
    width: 2,
    connectivity: connectivity as 4,
    blocks: [
      {
        images: buffer([1, 2, 3, 4], Float32Array),
        index: buffer([0], Int32Array),
        partners: null,
        partners64: false,
        couples: null,
        offset: null,
        sign: 1,
        weight: 1,
        from: 0,
        to: 1,
      },
    ],
    thetaLength: 4,
    extraScale: 1,
    theta: buffer([1, 1, 1, 1], Float64Array),
    out: new SharedArrayBuffer(8 * outLength),
  };
}

test('a worker that fails to start, or fails a request, is named with its own error', async () => {
  assert.throws(
    () => startPool('NCE loss worker', 'gaussian/contrastive/loss-worker.ts', [tinyLoss(5, 5)]),
    /^Error: NCE loss worker: failed to start: .*connectivity/s,
  );
  // An output buffer too small for the gradient: the request fails inside the worker.
  const pool = startPool('NCE loss worker', 'gaussian/contrastive/loss-worker.ts', [tinyLoss(4, 2)]);
  try {
    pool.request(0);
    assert.throws(() => pool.wait(0), /^Error: NCE loss worker: RangeError/);
  } finally {
    await pool.close();
  }
  const healthy = startPool('NCE loss worker', 'gaussian/contrastive/loss-worker.ts', [tinyLoss(4, 5)]);
  try {
    healthy.request(0);
    healthy.wait(0);
  } finally {
    await healthy.close();
  }
});
