import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gridStructure, parameterCount } from '../../lib/gaussian/model/structure';
import { createPrecision, diagonalPrecision, relativeFrobeniusError } from '../../lib/gaussian/model/precision';
import { knownSparsePrecision } from '../../lib/gaussian/model/known-precision';
import { smallestEigenvalue } from '../../lib/gaussian/model/positive-definite';
import { EDGE_ROOM, gradientWithError, minibatchStatus, NOISE_MULTIPLE, trainPrecision } from '../../lib/gaussian/contrastive/minibatch';

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

// Loss tr Λ pushes every diagonal value down for ever; only the floor can stop it.
const traceLoss = (P: number) => (theta: Float64Array) => {
  let total = 0;
  for (let i = 0; i < structure.size; i++) total += theta[i];
  return { terms: { total }, gradient: Float64Array.from({ length: P }, (_, j) => (j < structure.size ? 1 : 0)) };
};

test('each step uses at most half of the room above the floor, and Λ moves at every step until float64 runs out', () => {
  const P = parameterCount(structure);
  const rooms: number[] = [];
  const loss = traceLoss(P);
  const result = trainPrecision(
    structure,
    { precision: diagonalPrecision(structure, new Float64Array(structure.size).fill(1)) },
    (theta) => {
      rooms.push(smallestEigenvalue(createPrecision(structure, theta)) - 0.1);
      return loss(theta);
    },
    { estimator: 'test', steps: 40, learningRate: 0.2, keepPositiveDefinite: true, eigenvalueFloor: 0.1 },
  );
  for (let t = 1; t < rooms.length; t++) {
    assert.ok(rooms[t] >= 0.5 * rooms[t - 1] - 1e-12, `step ${t}: room ${rooms[t]} after ${rooms[t - 1]}`);
    assert.ok(rooms[t] < rooms[t - 1], `step ${t}: Λ did not move (room ${rooms[t]})`);
  }
  assert.ok(result.room.start > 0.89 && result.room.end < 1e-6 && result.room.end > 0, `room ${JSON.stringify(result.room)}`);
});

test('the barrier path ends at the barrier problem’s minimiser: inside the cone for a loss with an interior minimiser, μ above the floor for one without', () => {
  const P = parameterCount(structure);
  const target = knownSparsePrecision(structure, 3);
  const quadratic = (theta: Float64Array) => {
    let total = 0;
    const gradient = new Float64Array(P);
    for (let j = 0; j < P; j++) {
      gradient[j] = theta[j] - target.values[j];
      total += 0.5 * gradient[j] ** 2;
    }
    return { terms: { total }, gradient };
  };
  const options = {
    estimator: 'test',
    steps: 600,
    learningRate: 0.05,
    finalLearningRate: 1e-4,
    keepPositiveDefinite: true,
    eigenvalueFloor: 0.1,
    barrier: { start: 0.1, end: 1e-5 },
  };
  const start = { precision: diagonalPrecision(structure, new Float64Array(structure.size).fill(2)) };
  const inside = trainPrecision(structure, start, quadratic, options);
  assert.ok(relativeFrobeniusError(inside.precision, target) < 1e-3, `error ${relativeFrobeniusError(inside.precision, target)}`);
  assert.equal(inside.skipped, 0);
  // tr Λ − μ log det(Λ − ηI) is least at Λ = (η + μ)I: the room left is μ_end.
  const pressed = trainPrecision(structure, start, traceLoss(P), options);
  assert.equal(pressed.skipped, 0);
  assert.ok(pressed.room.end > 0.5e-5 && pressed.room.end < 2e-5, `room ${pressed.room.end}`);
});

test('the full-sample gradient’s standard error comes from the spread of its batches', () => {
  // Two free values, four batches: mean (1, 2); deviations (±1, 0) and (0, ±2) give Σ‖g_b − ḡ‖² = 10, SE² = 10 / 12.
  const batches = [
    [2, 2],
    [0, 2],
    [1, 4],
    [1, 0],
  ].map((g) => Float64Array.from([...g, 99]));
  const { norm, standardError } = gradientWithError(batches, 2);
  assert.ok(Math.abs(norm - Math.sqrt(5)) < 1e-12 && Math.abs(standardError - Math.sqrt(10 / 12)) < 1e-12, `${norm}, ${standardError}`);
  assert.throws(() => gradientWithError(batches.slice(0, 1), 2), /at least 2 batch gradients, got 1/);
});

test('a minibatch fit is trained only with a gradient its sample cannot tell from zero and room left above the floor', () => {
  const start = knownSparsePrecision(structure, 4);
  const end = createPrecision(
    structure,
    start.values.map((v) => 1.1 * v),
  );
  const result = (room: { start: number; end: number }) => ({
    precision: end,
    extras: [],
    curve: new Array(100).fill(0),
    seconds: 0,
    stepBacks: 0,
    skipped: 0,
    room,
  });
  const P = start.values.length;
  // Batch gradients m ± 1 in every coordinate: ‖ḡ‖ = m√P, and SE/√P is the per-coordinate standard error.
  const batches = (mean: number) => () => Array.from({ length: 16 }, (_, b) => new Float64Array(P).fill(mean + (b % 2 ? 1 : -1)));
  const se = gradientWithError(batches(0)(), P).standardError / Math.sqrt(P);
  const roomy = { start: 1, end: 0.5 };
  assert.equal(minibatchStatus(start, result(roomy), batches(0.5 * NOISE_MULTIPLE * se)).status.status, 'trained');
  assert.equal(minibatchStatus(start, result(roomy), batches(2 * NOISE_MULTIPLE * se)).status.status, 'not converged');
  const pressed = minibatchStatus(start, result({ start: 1, end: 0.5 * EDGE_ROOM }), batches(0));
  assert.equal(pressed.status.status, 'cone edge');
  assert.equal(pressed.convergence.converged, true);
});
