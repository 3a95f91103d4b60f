import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runConcurrently } from '../../lib/parallel/tasks';
import { PER_STRUCTURE_FITS } from '../../lib/experiments/01-mnist-gaussian/per-structure';
import { gridStructure, GridStructure } from '../../lib/gaussian/model/structure';
import { localFromData, LocalSecondMoment } from '../../lib/gaussian/model/local-moments';
import { identityPrecision } from '../../lib/gaussian/model/precision';
import { knownSparsePrecision } from '../../lib/gaussian/model/known-precision';
import { sampleByCholesky } from '../../lib/gaussian/model/sampling';
import { ProgressEvent } from '../../lib/progress';
import { prepareNce } from '../../lib/gaussian/contrastive/nce-noise';
import { secondMomentDense } from '../../lib/data/moments';

const WORKER = 'experiments/01-mnist-gaussian/per-structure-worker.ts';
type Fits = typeof PER_STRUCTURE_FITS;
/** runConcurrently on the per-structure fits with two threads (or `threads`) and their worker (or `worker`). */
const run = <N extends keyof Fits>(name: N, items: number[], argsOf: (c: number) => Parameters<Fits[N]>, threads = 2, worker = WORKER) =>
  runConcurrently(PER_STRUCTURE_FITS, worker, name, items, argsOf, threads);
const side = 5;
const n = 400;
const structures: Record<number, GridStructure> = { 4: gridStructure(side, side, 4), 8: gridStructure(side, side, 8) };
const rows = sampleByCholesky(knownSparsePrecision(structures[4], 3), new Float64Array(side * side), n, 4);
const local: Record<number, LocalSecondMoment> = { 4: localFromData(rows, n, structures[4]), 8: localFromData(rows, n, structures[8]) };
const nceProblem = prepareNce(rows, n, secondMomentDense(rows, n, side * side), 2 * n, 7);

test('every per-structure fit gives in a worker thread, bit for bit, what it gives here, in the order of the items', async () => {
  // Three items on two threads: items 1 and 3 run here, item 2 in the worker.
  const items = [4, 8, 4] as const;
  const cases = {
    fitScoreMatchingBarrier: (c: number) => [local[c], 0.5, { tolerance: 1e-8 }] as const,
    fitMaxLikelihood: (c: number) => [local[c]] as const,
    validateScoreMatching: (c: number) => [rows, n, structures[c], { seed: 2, taus: [1, 0.1], gammas: [0.1, 1] }, local[c]] as const,
    fitNce: (c: number) =>
      [
        nceProblem,
        structures[c],
        { nu: 2, steps: 12, batchSize: 50, learningRate: 0.01, finalLearningRate: 0.001, seed: 8, init: identityPrecision(structures[c]) },
      ] as const,
    fitNceAdaptive: (c: number) => [rows, n, structures[c], { nu: 1, init: identityPrecision(structures[c]), seed: 5, tolerance: 1e-3 }] as const,
    fitCnce: (c: number) => [rows, n, structures[c], { steps: 12, batchSize: 50, learningRate: 0.01, finalLearningRate: 0.001, seed: 6 }] as const,
  };
  for (const [name, argsOf] of Object.entries(cases) as [keyof typeof PER_STRUCTURE_FITS, (c: number) => readonly unknown[]][]) {
    const direct = items.map((c) => (PER_STRUCTURE_FITS[name] as (...args: unknown[]) => { precision: { values: Float64Array } })(...argsOf(c)));
    const outcomes = await run(name, [...items], (c) => argsOf(c) as never);
    assert.equal(outcomes.length, items.length);
    outcomes.forEach(({ result, seconds }, k) => {
      assert.ok(seconds > 0, `${name}, item ${k + 1}: ${seconds} s`);
      assert.deepEqual(result.precision.values, direct[k].precision.values, `${name}, item ${k + 1}`);
    });
    assert.equal(outcomes[0].result.precision.values.length, outcomes[2].result.precision.values.length);
    assert.notEqual(outcomes[0].result.precision.values.length, outcomes[1].result.precision.values.length, `${name}: item 2 is the 8-connected fit`);
  }
});

test('a failing call rejects with the task, its item and the error, whether it ran here or in the worker', async () => {
  const tau = (c: number) => (c === 8 ? -1 : 1);
  await assert.rejects(
    run('fitScoreMatchingBarrier', [4, 8], (c) => [local[c], tau(c)]),
    /fitScoreMatchingBarrier \(item 2 of 2\) in a worker thread: .*tau must be a positive number, got -1/,
  );
  await assert.rejects(
    run('fitScoreMatchingBarrier', [8, 4], (c) => [local[c], tau(c)]),
    /fitScoreMatchingBarrier \(item 1 of 2\): fitScoreMatchingBarrier: tau must be a positive number, got -1/,
  );
  await assert.rejects(
    run('fitMaxLikelihood', [4, 8], (c) => [local[c]], 2, 'parallel/no-such-worker.ts'),
    /fitMaxLikelihood \(item 2 of 2\) in a worker thread: Cannot find module .*no-such-worker\.ts/,
  );
});

test('one thread runs every call here, in order', async () => {
  const outcomes = await run('fitMaxLikelihood', [8, 4], (c) => [local[c]], 1, 'parallel/no-such-worker.ts');
  assert.deepEqual(
    outcomes.map(({ result }) => result.precision.structure.connectivity),
    [8, 4],
  );
});

test("a worker's progress events reach the caller's onProgress, in order, timed on the worker's clock", async () => {
  const events: ProgressEvent[] = [];
  const options = { steps: 12, batchSize: 50, learningRate: 0.01, finalLearningRate: 0.001, seed: 3, onProgress: (e: ProgressEvent) => events.push(e) };
  const outcomes = await run('fitCnce', [4, 8], (c) => [rows, n, structures[c], options]);
  for (const [k, c] of [4, 8].entries()) {
    const own = events.filter((e) => e.label.includes(`${c}-connected`));
    assert.ok(own.length >= 2, `${c}-connected: ${own.length} events`);
    assert.deepEqual(
      own.map((e) => e.final),
      [...own.slice(1).map(() => false), true],
      `${c}-connected: one final event, the last`,
    );
    own.forEach((e, i) => i > 0 && assert.ok(e.done >= own[i - 1].done && e.seconds! >= own[i - 1].seconds!, `${c}-connected, event ${i}`));
    const last = own[own.length - 1];
    assert.equal(last.done, 12);
    assert.ok(last.seconds! > 0 && last.seconds! <= outcomes[k].seconds, `${c}-connected: ${last.seconds} s of a ${outcomes[k].seconds} s fit`);
  }
});
