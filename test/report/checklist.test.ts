import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checklist, ChecklistInput, TASKS } from '../../scripts/report/checklist';
import { valueAt } from '../../lib/report/notebook';

/** Every section exists and shows no figure. */
const noFigures = (): number => 0;
const rowFor = (input: ChecklistInput, task: RegExp) => {
  const row = checklist(input).find((r) => task.test(r.task));
  assert.ok(row, `no checklist task matches ${task}`);
  return row;
};

test('a dotted path finds keys that hold dots themselves', () => {
  const results = { runs: { 'whitened-sigma0.1': { final_holdout_loss: -3 }, 'whitened-sigma1': { final_holdout_loss: -5 } } };
  assert.equal(valueAt(results, 'runs.whitened-sigma0.1.final_holdout_loss'), -3);
  assert.equal(valueAt(results, 'runs.whitened-sigma1.final_holdout_loss'), -5);
  assert.equal(valueAt(results, 'runs.whitened-sigma0.2.final_holdout_loss'), undefined);
  assert.equal(valueAt(null, 'runs'), undefined);
});

test('with no results at all every task is "not reported", none throws', () => {
  const rows = checklist({ results: {}, figuresIn: noFigures });
  assert.equal(rows.length, TASKS.length);
  for (const row of rows) {
    const figureTask = /figure/.test(row.evidence);
    assert.equal(row.status, figureTask ? 'failed' : 'not reported', `${row.task}: ${row.evidence}`);
  }
});

test('a fitted precision is done when positive definite, partly when stopped at the cone edge, failed when indefinite', () => {
  const models = (nce4: Record<string, unknown>, nce8: Record<string, unknown>) => ({
    results: { '01': { models: { 'nce-4': nce4, 'nce-8': nce8 } } },
    figuresIn: noFigures,
  });
  assert.equal(rowFor(models({ min_eigenvalue: 0.1 }, { min_eigenvalue: 0.2, status: 'trained' }), /^Noise-contrastive/).status, 'done');
  const edge = rowFor(models({ min_eigenvalue: 0.1 }, { min_eigenvalue: 1e-4, status: 'cone edge' }), /^Noise-contrastive/);
  assert.equal(edge.status, 'partly');
  assert.match(edge.evidence, /nce-8: λ_min = 1\.00e-4, cone edge/);
  assert.equal(rowFor(models({ min_eigenvalue: -0.5 }, { min_eigenvalue: -0.1 }), /^Noise-contrastive/).status, 'failed');
  // One model missing: what is there still decides, the missing one is named.
  const half = rowFor({ results: { '01': { models: { 'nce-4': { min_eigenvalue: 0.1 } } } }, figuresIn: noFigures }, /^Noise-contrastive/);
  assert.equal(half.status, 'partly');
  assert.match(half.evidence, /nce-8 λ_min: not in the results/);
  assert.deepEqual(half.keys.slice(0, 1), ['models.nce-4.min_eigenvalue']);
});

test('thresholds decide with the number shown: patches, whitening, DEM runs and the log p tables', () => {
  const logp = (mean: number) => ({ n10: { mean }, n100: { mean } });
  const run = (start: number, end: number, sets = true) => ({
    initial_holdout_loss: start,
    final_holdout_loss: end,
    ...(sets ? { logp: { train: logp(-1), holdout: logp(-2), generated_mnist: logp(-3), true_mnist: logp(-4) } } : {}),
  });
  const input: ChecklistInput = {
    results: {
      '02': { n_patches: 5000, whitening: { 'zca-empirical': { train_max_abs_dev_from_identity: 0.5 } } },
      '03': {
        runs: {
          'whitened-sigma1': run(-1, -5), 'whitened-sigma0.1': run(10, 11), 'raw-sigma1': run(-1, -2), 'raw-sigma0.1': run(3, 2, false),
        },
      },
    },
    figuresIn: (notebook, section) => (notebook === '03' && section.test('Figure 13 · filters') ? 2 : 0),
  };
  const patches = rowFor(input, /50,000 patches/);
  assert.equal(patches.status, 'partly');
  assert.equal(patches.evidence, 'patches = 5000 (50000 wanted)');
  assert.equal(rowFor(input, /ZCA with the empirical/).status, 'failed');
  const whitenedDem = rowFor(input, /DEM on whitened/);
  assert.equal(whitenedDem.status, 'partly', 'σ = 1 trained, σ = 0.1 got worse');
  assert.match(whitenedDem.evidence, /whitened-sigma0\.1: hold-out loss 10 → 11$/);
  assert.equal(rowFor(input, /DEM on raw/).status, 'done');
  assert.equal(rowFor(input, /filters/).status, 'partly', '2 of 4 filter figures, no locality number');
  const table1 = rowFor(input, /Table 1/);
  assert.equal(table1.status, 'partly');
  assert.equal(table1.evidence, '12 of 16 means (run × set)');
});

test('a task whose section is not in the report is "not reported", not failed', () => {
  const row = rowFor({ results: {}, figuresIn: () => null }, /^Samples/);
  assert.equal(row.status, 'not reported');
  assert.match(row.evidence, /no section \/\^Samples\/ in notebook 01/);
});

test('every task links to a section and names a results key or a figure count', () => {
  for (const task of TASKS) {
    assert.match(task.notebook, /^\d\d$/, task.task);
    const row = checklist({ results: {}, figuresIn: noFigures }).find((r) => r.task === task.task)!;
    assert.ok(row.keys.length > 0 || /figure/.test(row.evidence), `${task.task} reads nothing`);
  }
});
