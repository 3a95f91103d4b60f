// The comparisons the notebook tests rely on must be able to fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { machinePathsIn, outputSignature, resultDifferences } from '../helpers/executed';
import { Notebook } from '../../scripts/report/notebook-format';

test('result comparison ignores timings and last-bit noise, and reports real differences by path', () => {
  const a = { models: { 'sm-4': { loglik: 921.195207627828, train_seconds: 3 } }, saved_at: 'x', runs: [1, 2] };
  const b = { models: { 'sm-4': { loglik: 921.1952076278283, train_seconds: 9 } }, saved_at: 'y', runs: [1, 2] };
  assert.deepEqual(resultDifferences(a, b), []);
  assert.deepEqual(resultDifferences(a, { ...b, models: { 'sm-4': { loglik: 921.2 } } }), ['models.sm-4.loglik: 921.195207627828 vs 921.2']);
  assert.deepEqual(resultDifferences(a, { ...b, runs: [1] }), ['runs.1: 2 vs undefined']);
});

test('output signatures see figures, tables, text displays and printed lines; machine paths are found', () => {
  const notebook: Notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      { cell_type: 'markdown', metadata: {}, source: '# t' },
      {
        cell_type: 'code',
        metadata: {},
        source: '',
        outputs: [
          { output_type: 'stream', name: 'stdout', text: ['a\n', 'saved in /home/me/lfr/report\n'] },
          { output_type: 'display_data', data: { 'image/png': 'iVBOR' }, metadata: {} },
          { output_type: 'display_data', data: { 'text/html': '<table></table>' }, metadata: {} },
          { output_type: 'display_data', data: { 'text/plain': 'fit: 100%' }, metadata: {} },
        ],
      },
    ],
  };
  assert.deepEqual(outputSignature(notebook), [['stdout:2', 'png', 'html', 'text']]);
  assert.equal(machinePathsIn(notebook, ['/home/me/lfr']).length, 1);
  assert.deepEqual(machinePathsIn(notebook, ['/work/elsewhere']), []);
});
