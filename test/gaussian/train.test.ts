import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gridStructure, parameterCount } from '../../lib/gaussian/model/structure';
import { diagonalPrecision } from '../../lib/gaussian/model/precision';
import { smallestEigenvalue } from '../../lib/gaussian/model/positive-definite';
import { trainPrecision } from '../../lib/gaussian/contrastive/minibatch';

const structure = gridStructure(4, 4, 8);

test('training that pushes Λ out of the cone stops at the eigenvalue floor, while the extras keep moving', () => {
  // Loss = tr Λ + e: its gradient lowers every diagonal value forever, so only the floor can stop it;
  // the extra e (like NCE's c) is not constrained and must take every step.
  const P = parameterCount(structure);
  const result = trainPrecision(
    structure,
    { precision: diagonalPrecision(structure, new Float64Array(structure.size).fill(1)), extras: [0] },
    (theta) => {
      let total = theta[P];
      for (let i = 0; i < structure.size; i++) total += theta[i];
      return { terms: { total }, gradient: Float64Array.from({ length: P + 1 }, (_, j) => (j < structure.size || j === P ? 1 : 0)) };
    },
    { estimator: 'test', steps: 200, learningRate: 0.07, keepPositiveDefinite: true, eigenvalueFloor: 0.1 },
  );
  const lambdaMin = smallestEigenvalue(result.precision);
  assert.ok(lambdaMin >= 0.1 && lambdaMin < 0.1 + 0.07 * 2 ** -9, `λ_min ${lambdaMin}`);
  assert.ok(result.stepBacks > 0 && result.skipped > 0, `shortened ${result.stepBacks}, skipped ${result.skipped}`);
  assert.equal(result.curve.length, 200);
  // A constant gradient makes every Adam step exactly the learning rate long (up to Adam's ε).
  assert.ok(Math.abs(result.extras[0] + 200 * 0.07) < 1e-4, `extra ${result.extras[0]}`);
});
