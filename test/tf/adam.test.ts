import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../../lib/backend';
import { createAdam } from '../../lib/tf/adam';

before(async () => {
  await chooseBackend();
});

/** A quadratic bowl ½Σ aᵢ(θᵢ − cᵢ)² with an exact gradient aᵢ(θᵢ − cᵢ). */
const curvature = tf.tensor1d([0.5, 2, 8, 0.1]);
const centre = tf.tensor1d([1, -2, 0.5, 3]);
const gradient = (theta: tf.Tensor) => tf.mul(curvature, tf.sub(theta, centre));

test('createAdam takes the same steps as tf.train.adam at a constant step size', () => {
  const ours = tf.variable(tf.zeros([4]));
  const theirs = tf.variable(tf.zeros([4]), true, 'adam-reference');
  const adam = createAdam([ours]);
  const reference = tf.train.adam(0.05, 0.9, 0.999, 1e-8); // tfjs's default ε is 1e-7
  for (let step = 0; step < 50; step++) {
    tf.tidy(() => adam.step([gradient(ours)], 0.05));
    tf.tidy(() => reference.applyGradients([{ name: 'adam-reference', tensor: gradient(theirs) }]));
  }
  const a = ours.dataSync();
  const b = theirs.dataSync();
  // tfjs accumulates βᵗ in float32, we in float64: measured differences ≤ 1.2e-5 after 50 steps.
  a.forEach((value, i) => assert.ok(Math.abs(value - b[i]) < 1e-4, `θ${i}: ${value} vs ${b[i]}`));
  assert.equal(adam.steps, 50);
  adam.dispose();
  reference.dispose();
});

test('createAdam with a decaying step size converges to the minimum', () => {
  const theta = tf.variable(tf.zeros([4]));
  const adam = createAdam([theta]);
  const steps = 400;
  for (let t = 0; t < steps; t++) tf.tidy(() => adam.step([gradient(theta)], 0.2 * (1 - t / steps) + 1e-4));
  const values = theta.dataSync();
  const target = centre.dataSync();
  values.forEach((value, i) => assert.ok(Math.abs(value - target[i]) < 1e-2, `θ${i} = ${value}, minimum at ${target[i]}`));
  adam.dispose();
});

test('createAdam refuses a gradient list that does not match its variables', () => {
  const adam = createAdam([tf.variable(tf.zeros([2]))]);
  assert.throws(() => adam.step([], 0.1), /got 0 gradients for 1 variables/);
  adam.dispose();
});
