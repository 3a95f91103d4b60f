import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAdamMoments } from '../../lib/linalg/adam';

test("with a constant gradient g every Adam direction is g / (|g| + ε): the bias corrections undo the moments' start at 0", () => {
  const g = [0.5, -2, 1e-3];
  const adam = createAdamMoments(3);
  for (let t = 1; t <= 20; t++) {
    const direction = adam.direction(g);
    direction.forEach((d, i) => assert.ok(Math.abs(d - g[i] / (Math.abs(g[i]) + 1e-8)) < 1e-12, `step ${t}, value ${i}: ${d}`));
  }
  assert.equal(adam.steps, 20);
});

test('Adam refuses a gradient of the wrong length, naming both lengths', () => {
  assert.throws(() => createAdamMoments(3).direction([1, 2]), /Adam: expected a gradient of 3 values, got 2/);
});
