import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { projectRoot } from '../../lib/report/paths';
import { joinText, readNotebook } from '../../scripts/report/notebook-format';
import { homeworkFigure, homeworkTable, labels, SECTION_FIGURES } from '../../scripts/report/numbering';

test('homework items keep their number, lettered when several outputs make one; the rest are S1, S2, … in order', () => {
  assert.deepEqual(labels([null, 5, 1, 1, null, 9, 5]), ['S1', '5a', '1a', '1b', 'S2', '9', '5b']);
  assert.deepEqual(labels(Array.from({ length: 28 }, () => 3)).slice(24), ['3y', '3z', '3aa', '3ab']);
  assert.deepEqual(labels([]), []);
});

test('a heading naming one figure numbers its images; listed sections go by position; others are supplementary', () => {
  assert.equal(homeworkFigure({ notebook: '02', section: 'Figure 9 · Random training patches', indexInSection: 0 }), 9);
  assert.equal(homeworkFigure({ notebook: '02', section: 'Figure 10 · The same patches after whitening', indexInSection: 4 }), 10);
  assert.equal(homeworkFigure({ notebook: '02', section: 'The effect of ε', indexInSection: 0 }), null);
  const samples = { notebook: '01', section: 'Samples (Figures 1–4)' };
  const figures = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => homeworkFigure({ ...samples, indexInSection: i }));
  assert.deepEqual(figures, [1, 1, 2, 2, 3, 3, 4, 4, null]);
  // The same heading in another notebook is not in the table.
  assert.equal(homeworkFigure({ notebook: '03', section: 'Samples (Figures 1–4)', indexInSection: 0 }), null);
});

test('the listed sections and the "Figure N" headings of notebook 01 cover every homework figure, 1 to 8', () => {
  const listed = SECTION_FIGURES.flatMap((entry) => entry.figures.filter((n): n is number => n !== null));
  const notebook = readNotebook(path.join(projectRoot(), 'notebooks', '01-mnist-gaussian.ipynb'));
  const headed = notebook.cells
    .filter((cell) => cell.cell_type === 'markdown')
    .flatMap((cell) => [...joinText(cell.source).matchAll(/^#+\s+Figure\s+(\d+)\b/gm)].map((m) => Number(m[1])));
  assert.deepEqual([...new Set([...listed, ...headed])].sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8]);
});

test('a table is a homework table when its caption starts "Table N"', () => {
  assert.equal(homeworkTable('Table 2 · unnormalised log p (mean ± std) over 100 inputs'), 2);
  assert.equal(homeworkTable('Held-out MNIST test digits'), null);
  assert.equal(homeworkTable('Tables of things'), null);
});
