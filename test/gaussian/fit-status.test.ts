import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gridStructure } from '../../lib/gaussian/model/structure';
import { createPrecision } from '../../lib/gaussian/model/precision';
import { knownSparsePrecision } from '../../lib/gaussian/model/known-precision';
import { fitStatus, MIN_RELATIVE_CHANGE, SKIPPED_LIMIT } from '../../lib/gaussian/fit-status';

const structure = gridStructure(6, 6, 8);
const start = knownSparsePrecision(structure, 1);
const moved = (relative: number) => {
  // Λ_start·(1 + relative) is exactly `relative` away, relative Frobenius.
  return createPrecision(
    structure,
    start.values.map((v) => v * (1 + relative)),
  );
};

test('a fit with more than 10% of its steps skipped is never trained, however far it moved', () => {
  for (const steps of [10, 200, 1000]) {
    const skipped = Math.floor(SKIPPED_LIMIT * steps) + 1;
    const record = fitStatus({ steps, skipped, start, end: moved(0.5), converged: true });
    assert.notEqual(record.status, 'trained');
    assert.equal(record.status, 'cone edge');
    assert.ok(record.steps_skipped_fraction > SKIPPED_LIMIT);
  }
  // The nce-4: 195 of 200 steps skipped.
  assert.equal(fitStatus({ steps: 200, skipped: 195, start, end: moved(0.2) }).status, 'cone edge');
});

test('a fit whose Λ moved less than 1% from its start is never trained', () => {
  for (const change of [0, 1e-4, 0.5 * MIN_RELATIVE_CHANGE, 0.99 * MIN_RELATIVE_CHANGE]) {
    const record = fitStatus({ steps: 100, skipped: 0, start, end: moved(change), converged: true });
    assert.equal(record.status, 'did not move', `change ${change}`);
    assert.ok(Math.abs(record.relative_change - change) < 1e-12);
  }
});

test('trained only without a stated failure, skipped steps, a tiny change or a failed convergence test', () => {
  const end = moved(0.05);
  assert.equal(fitStatus({ steps: 100, skipped: 10, start, end }).status, 'trained');
  assert.equal(fitStatus({ steps: 100, skipped: 0, start, end, converged: true }).status, 'trained');
  assert.equal(fitStatus({ steps: 100, skipped: 0, start, end, converged: false }).status, 'not converged');
  assert.equal(fitStatus({ steps: 100, skipped: 0, start, end, converged: true, failure: 'separable' }).status, 'separable');
  assert.equal(fitStatus({ steps: 0, skipped: 0, start, end: start }).status, 'did not move');
});

test('bad reports are refused with the argument named', () => {
  assert.throws(() => fitStatus({ steps: 10, skipped: 11, start, end: start }), /skipped must be an integer in \[0, steps = 10\], got 11/);
  assert.throws(() => fitStatus({ steps: -1, skipped: 0, start, end: start }), /steps must be a non-negative integer, got -1/);
  assert.throws(() => fitStatus({ steps: 1, skipped: 0, start: createPrecision(structure), end: start }), /relative change/);
});
