import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend, describeLoadFailure } from '../../lib/backend';

const missingNode = () => {
  throw new Error("Cannot find module '@tensorflow/tfjs-node'");
};
const realWasm = () => require('@tensorflow/tfjs-backend-wasm');

test('without tfjs-node the wasm backend is chosen and says why', async () => {
  const choice = await chooseBackend({}, { loadNode: missingNode, loadWasm: realWasm });
  assert.equal(choice.name, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  assert.match(choice.reason, /tensorflow: Cannot find module '@tensorflow\/tfjs-node'/);
});

test('when neither tfjs-node nor wasm loads, cpu runs with a warning', async (t) => {
  const warn = t.mock.method(console, 'warn', () => {});
  const choice = await chooseBackend({}, { loadNode: missingNode, loadWasm: () => { throw new Error('wasm binary missing'); } });
  assert.equal(choice.name, 'cpu');
  assert.equal(tf.getBackend(), 'cpu');
  assert.match(choice.reason, /wasm: wasm binary missing/);
  assert.match(String(warn.mock.calls[0].arguments[0]), /slow pure-JavaScript cpu backend/);
});

test('LFR_BACKEND forces a backend', async () => {
  const choice = await chooseBackend({ LFR_BACKEND: 'cpu' }, { loadNode: missingNode, loadWasm: realWasm });
  assert.deepEqual(choice, { name: 'cpu', reason: 'forced by LFR_BACKEND' });
});

test('LFR_BACKEND naming a backend that cannot load is an error, not a silent fallback', async () => {
  await assert.rejects(chooseBackend({ LFR_BACKEND: 'tensorflow' }, { loadNode: missingNode, loadWasm: realWasm }), /LFR_BACKEND="tensorflow" was requested but does not load: Cannot find module/);
  await assert.rejects(chooseBackend({ LFR_BACKEND: 'gpu' }, { loadNode: missingNode, loadWasm: realWasm }), /LFR_BACKEND="gpu": expected one of tensorflow, wasm, cpu/);
});

test('a load failure is reported without the folders of the machine', () => {
  assert.equal(
    describeLoadFailure('The Node.js native addon module (tfjs_binding.node) can not be found at path: /work/x/node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node. \nPlease run command'),
    'The Node.js native addon module (tfjs_binding.node) can not be found at path: node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node.',
  );
  assert.equal(describeLoadFailure("Cannot find module '@tensorflow/tfjs-node'"), "Cannot find module '@tensorflow/tfjs-node'");
});
