import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { nonFinitePaths, resultsDir, startNotebook } from '../../lib/report/notebook';
import { hasArrays, loadArrays, saveArrays, artifactPath } from '../../lib/report/artifacts';
import { runSize } from '../../lib/report/size';
import { reportDir } from '../../lib/report/paths';
import { scratchDir } from '../helpers/scratch';

function withReportDir<T>(work: () => Promise<T>): Promise<T> {
  const previous = process.env.LFR_REPORT_DIR;
  process.env.LFR_REPORT_DIR = scratchDir('results');
  return work().finally(() => {
    if (previous === undefined) delete process.env.LFR_REPORT_DIR;
    else process.env.LFR_REPORT_DIR = previous;
  });
}

test('non-finite numbers are found with their JSON path', () => {
  assert.deepEqual(nonFinitePaths({ models: { 'nce-4': { loss: NaN, ok: 1 } }, table: [1, Infinity], f: new Float32Array([0, -Infinity]) }), [
    'models.nce-4.loss',
    'table.1',
    'f.1',
  ]);
});

test('a notebook run saves backend, size, timings and results, and refuses NaN', async () => {
  await withReportDir(async () => {
    const run = await startNotebook('09-results-test');
    run.results.models = { 'sm-4': { heldout_loglik_per_image: -512.5 } };
    run.headline('SM held-out log-likelihood', 'models.sm-4.heldout_loglik_per_image', 'nats/image');
    const value = await run.time('fit', async () => 7);
    assert.equal(value, 7);
    run.save();
    const saved = JSON.parse(fs.readFileSync(path.join(resultsDir(), '09-results-test.json'), 'utf8'));
    assert.equal(saved.backend, run.backend.name);
    assert.equal(saved.size, runSize());
    assert.equal(saved.models['sm-4'].heldout_loglik_per_image, -512.5);
    assert.equal(typeof saved.timings_seconds.fit, 'number');
    assert.equal(saved.headlines[0].path, 'models.sm-4.heldout_loglik_per_image');

    run.results.models = { 'sm-4': { heldout_loglik_per_image: NaN } };
    assert.throws(() => run.save(), /non-finite or undefined values at models\.sm-4\.heldout_loglik_per_image/);
    run.results.models = {};
    assert.throws(() => run.save(), /headline paths with no number in results: models\.sm-4/);
  });
});

test('notebook names must look like NN-words', async () => {
  await assert.rejects(startNotebook('Exercise 1'), /expected a name like "01-mnist-gaussian"/);
});

test('saved arrays load back bit for bit, and a truncated file is named in the error', async () => {
  await withReportDir(async () => {
    const record = {
      patches: { data: new Float32Array([0.25, -1.5, 3, 4, 5, 6]), shape: [2, 3] },
      precision: { data: new Float64Array([Math.PI, Math.E]), shape: [2] },
      labels: { data: new Uint8Array([7, 1, 9]), shape: [3] },
    };
    saveArrays('roundtrip', record);
    assert.ok(hasArrays('roundtrip'));
    const loaded = loadArrays('roundtrip');
    for (const [key, entry] of Object.entries(record)) {
      assert.deepEqual(loaded[key].data, entry.data);
      assert.deepEqual(loaded[key].shape, entry.shape);
    }
    assert.throws(() => saveArrays('bad', { x: { data: new Float32Array(5), shape: [2, 3] } }), /"x" has 5 values but shape \[2,3\] needs 6/);
    fs.truncateSync(`${artifactPath('roundtrip')}.bin`, 10);
    assert.throws(() => loadArrays('roundtrip'), /roundtrip\.bin is truncated/);
    assert.throws(() => loadArrays('never-saved'), /no saved "never-saved" for size/);
  });
});

test('an unknown run size is an error', () => {
  assert.throws(() => runSize({ LFR_SIZE: 'medium' }), /LFR_SIZE="medium": expected "quick" or "full"/);
  assert.equal(runSize({}), 'full');
});

test('an interactive run writes to report/interactive and reuses what the last report saved', (t) => {
  // A project of its own (a package.json named like ours), so the real report/ is never touched.
  const project = scratchDir('interactive-project');
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'lfr-notebooks' }));
  const cwd = process.cwd();
  const previous = process.env.LFR_REPORT_DIR;
  const log = t.mock.method(console, 'log', () => {});
  process.chdir(project);
  try {
    delete process.env.LFR_REPORT_DIR;
    assert.equal(reportDir(), path.join(project, 'report', 'interactive'));
    assert.equal(hasArrays('from-report', 'quick'), false);
    process.env.LFR_REPORT_DIR = path.join(project, 'report'); // as `npm run report` sets it
    saveArrays('from-report', { values: { data: Float64Array.of(1, 2, 3), shape: [3] } }, 'quick');
    delete process.env.LFR_REPORT_DIR;
    assert.ok(hasArrays('from-report', 'quick'));
    assert.deepEqual(Array.from(loadArrays('from-report', 'quick').values.data), [1, 2, 3]);
    assert.match(String(log.mock.calls.at(-1)?.arguments[0]), /using "from-report" from the last `npm run report`/);
    // A run with its own report folder does not reach into another.
    process.env.LFR_REPORT_DIR = path.join(project, 'elsewhere');
    assert.equal(hasArrays('from-report', 'quick'), false);
  } finally {
    process.chdir(cwd);
    if (previous === undefined) delete process.env.LFR_REPORT_DIR;
    else process.env.LFR_REPORT_DIR = previous;
  }
});
