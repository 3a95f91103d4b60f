import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chooseBackend } from '../../lib/backend';
import { createDem, paramArrays, PARAM_NAMES } from '../../lib/dem/model';
import { batchGradient, closeGradientPool, gradientPool } from '../../lib/dem/parallel';
import { trainDem } from '../../lib/dem/train';
import { randomInputs, relativeError } from './reference';

before(async () => {
  await chooseBackend();
});

after(async () => {
  await closeGradientPool();
});

const CONFIG = { inputs: 784, features: 64, units: 64, sigma: 1 };

test('the gradient split across two threads equals the single-thread gradient', async () => {
  const model = createDem(CONFIG, { seed: 51, wScale: 3 });
  const rows = Float32Array.from(randomInputs(256, CONFIG.inputs, 52));
  const pool = await gradientPool(CONFIG, 256, 2);
  assert.ok(pool && pool.workers.length === 1);
  const split = batchGradient(model, rows, pool);
  const single = batchGradient(model, rows, null);
  // Float32 sums in another order: measured relative differences ≤ 6e-7.
  assert.ok(Math.abs(split.loss.dataSync()[0] - single.loss.dataSync()[0]) < 1e-5 * Math.abs(single.loss.dataSync()[0]));
  for (const name of PARAM_NAMES) {
    const error = relativeError(split.grads[name].dataSync(), single.grads[name].dataSync());
    assert.ok(error < 1e-5, `gradient of ${name}: ${error}`);
  }
  // Odd batch sizes give unequal shares, still weighted correctly.
  const odd = rows.subarray(0, 101 * CONFIG.inputs);
  const oddError = relativeError(batchGradient(model, odd, pool).grads.V.dataSync(), batchGradient(model, odd, null).grads.V.dataSync());
  assert.ok(oddError < 1e-5, `odd batch: ${oddError}`);
  model.dispose();
});

test("the workers follow each model's feature unit: one pool serves log-cosh and sigmoid models", async () => {
  const pool = await gradientPool(CONFIG, 256, 2);
  const rows = Float32Array.from(randomInputs(128, CONFIG.inputs, 56));
  for (const unit of ['log-cosh', 'sigmoid'] as const) {
    const model = createDem({ ...CONFIG, unit }, { seed: 57, wScale: 3 });
    assert.equal(await gradientPool(model.config, 256, 2), pool, 'the same workers serve both units');
    const error = relativeError(batchGradient(model, rows, pool).grads.V.dataSync(), batchGradient(model, rows, null).grads.V.dataSync());
    assert.ok(error < 1e-5, `${unit}: gradient of V ${error}`);
    model.dispose();
  }
});

test('two-thread training is deterministic for a seed', async () => {
  const train = Float32Array.from(randomInputs(512, CONFIG.inputs, 53));
  const run = async () => {
    const model = createDem(CONFIG, { seed: 54 });
    await trainDem(model, train, null, { run: 'two-threads', epochs: 1, batchSize: 128, learningRate: 0.01, seed: 55, threads: 2 });
    const { V } = paramArrays(model);
    model.dispose();
    return V;
  };
  assert.deepEqual(await run(), await run());
});
