// The committed notebooks are what Jupyter, VS Code and the report open: valid nbformat 4.5 with
// cell ids, no outputs (the report's executed copies carry those), and one parameters cell first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { projectRoot } from '../../lib/report/paths';
import { joinText, readNotebook } from '../../scripts/report/notebook-format';
import { notebookProblems, validateWithNbformat } from '../helpers/nbformat';
import { scratchDir } from '../helpers/scratch';

const dir = path.join(projectRoot(), 'notebooks');
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.ipynb'))
  .sort();

test('the notebook checks catch what they are for', () => {
  const good = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ id: 'a-1', cell_type: 'markdown', metadata: {}, source: '# x' }] };
  assert.deepEqual(notebookProblems(good), []);
  const bad = {
    nbformat: 4,
    nbformat_minor: 4,
    metadata: {},
    cells: [
      { cell_type: 'markdown', metadata: {}, source: '' },
      { id: 'x', cell_type: 'code', metadata: {}, source: '', outputs: [] },
      { id: 'x', cell_type: 'code', metadata: {}, source: '', outputs: [], execution_count: null },
    ],
  };
  assert.deepEqual(notebookProblems(bad), [
    'nbformat_minor is 4, expected 5 (cell ids)',
    'cell 0 has no id',
    'cell 1 has no execution_count',
    'cell 2 repeats the id "x"',
  ]);
});

for (const file of files) {
  test(`${file} is valid nbformat 4.5 with cell ids and is committed without outputs`, () => {
    const raw = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    assert.deepEqual(notebookProblems(raw), []);
    for (const [index, cell] of readNotebook(path.join(dir, file)).cells.entries()) {
      if (cell.cell_type !== 'code') continue;
      assert.deepEqual(cell.outputs, [], `${file}, cell ${index} holds outputs: clear them before committing`);
      assert.equal(cell.execution_count, null, `${file}, cell ${index} holds an execution count`);
    }
  });

  test(`${file}: its first code cell is the parameters cell, and later cells do not restate its settings`, () => {
    const cells = readNotebook(path.join(dir, file)).cells.filter((cell) => cell.cell_type === 'code');
    const tagged = cells.filter((cell) => ((cell.metadata.tags as string[] | undefined) ?? []).includes('parameters'));
    assert.equal(tagged.length, 1, 'exactly one cell tagged "parameters"');
    assert.equal(tagged[0], cells[0], 'the parameters cell comes first');
    assert.match(joinText(cells[0].source), /const params = \{/);
    for (const cell of cells.slice(1)) {
      const source = joinText(cell.source);
      assert.doesNotMatch(source, /\[4, 8\]|bySize\(|runSize\(/, `a later cell restates a setting:\n${source.slice(0, 200)}`);
    }
  });
}

test('the official nbformat validator accepts every notebook, and refuses one without cell ids', (t) => {
  const broken = path.join(scratchDir('nbformat'), 'no-ids.ipynb');
  fs.writeFileSync(broken, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'markdown', metadata: {}, source: 'x' }] }));
  const outcome = validateWithNbformat([...files.map((f) => path.join(dir, f)), broken]);
  if (outcome === 'unavailable') {
    if (process.env.CI === 'true') assert.fail('python3 with the nbformat module is required under CI (apt-get install python3-nbformat)');
    t.skip('python3 with the nbformat module is not installed here; install Jupyter to run this check');
    return;
  }
  assert.equal(outcome.length, 1, outcome.join('\n'));
  assert.match(outcome[0], /no-ids\.ipynb: .*missing an id/);
});
