import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { projectRoot } from '../../lib/report/paths';
import { scratchDir, writeNotebook } from '../helpers/scratch';

const root = projectRoot();

function runReport(notebooksDir: string): { status: number | null; stderr: string; out: string } {
  const out = path.join(notebooksDir, 'out');
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'report.ts'), '--notebooks', notebooksDir, '--out', out, '--size', 'quick', '--time-limit', '60'], {
    encoding: 'utf8',
    env: { ...process.env, LFR_PROGRESS: 'off' },
  });
  return { status: result.status, stderr: result.stderr, out };
}

function executed(out: string, name: string) {
  return JSON.parse(fs.readFileSync(path.join(out, `${name}.ipynb`), 'utf8'));
}

test('a notebook that runs writes its outputs, displays and math into the report', () => {
  const dir = scratchDir('runner-ok');
  writeNotebook(path.join(dir, '01-ok.ipynb'), [
    { markdown: '# A working notebook\n\nThe loss is $\\tfrac12 x^2$.' },
    { code: "import * as tslab from 'tslab';\nconsole.log('sum', 2 + 3);\ntslab.display.html('<b>bold</b>');" },
    { code: "const shown = tslab.newDisplay();\nfor (let i = 0; i < 3; i++) shown.text(`step ${i}`);\nawait new Promise((r) => setTimeout(r, 20));" },
  ]);
  const { status, out, stderr } = runReport(dir);
  assert.equal(status, 0, stderr);
  const cells = executed(out, '01-ok').cells;
  assert.deepEqual(cells[1].outputs[0], { output_type: 'stream', name: 'stdout', text: ['sum 5\n'] });
  assert.equal(cells[1].outputs[1].data['text/html'], '<b>bold</b>');
  // An updated display keeps one output holding the last value, as Jupyter shows it.
  assert.equal(cells[2].outputs.length, 1);
  assert.equal(cells[2].outputs[0].data['text/plain'], 'step 2');
  const html = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
  assert.match(html, /class="katex"/);
  assert.match(html, /A working notebook/);
  assert.ok(fs.existsSync(path.join(out, 'katex', 'katex.min.css')));
  const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
  assert.equal(summary.ok, true);
  assert.equal(summary.notebooks[0].cells_run, 2);
});

test('a failing cell stops its notebook, exits non-zero and prints the cell source and the real error', () => {
  const dir = scratchDir('runner-throw');
  writeNotebook(path.join(dir, '01-throws.ipynb'), [
    { code: "console.log('before');" },
    { code: "const precision = 3;\nthrow new Error('precision is not positive definite');" },
    { code: "console.log('never runs');" },
  ]);
  const { status, stderr, out } = runReport(dir);
  assert.equal(status, 1);
  assert.match(stderr, /const precision = 3;/);
  assert.match(stderr, /precision is not positive definite/);
  const cells = executed(out, '01-throws').cells;
  assert.equal(cells[1].outputs.at(-1).output_type, 'error');
  assert.deepEqual(cells[2].outputs, []);
  assert.match(fs.readFileSync(path.join(out, 'index.html'), 'utf8'), /FAILED at cell 1/);
});

test('a type error in a cell fails the notebook with the compiler message', () => {
  const dir = scratchDir('runner-type');
  writeNotebook(path.join(dir, '01-types.ipynb'), [{ code: "const n: number = 'not a number';" }]);
  const { status, stderr } = runReport(dir);
  assert.equal(status, 1);
  assert.match(stderr, /not assignable to type 'number'/);
});

test('an unhandled promise rejection fails the notebook', () => {
  const dir = scratchDir('runner-reject');
  writeNotebook(path.join(dir, '01-rejects.ipynb'), [
    { code: "Promise.reject(new Error('lost rejection'));\nconsole.log('cell returned');" },
    { code: "console.log('never runs');" },
  ]);
  const { status, stderr } = runReport(dir);
  assert.equal(status, 1);
  assert.match(stderr, /unhandled promise rejection: Error: lost rejection/);
});

test('an error thrown from a timer after the last cell fails the notebook', () => {
  const dir = scratchDir('runner-timer');
  writeNotebook(path.join(dir, '01-timer.ipynb'), [{ code: "setTimeout(() => { throw new Error('late timer'); }, 50);" }]);
  const { status, stderr } = runReport(dir);
  assert.equal(status, 1);
  assert.match(stderr, /late timer/);
});

test('a notebook that runs past its time limit is stopped and reported', () => {
  const dir = scratchDir('runner-slow');
  writeNotebook(path.join(dir, '01-slow.ipynb'), [{ code: 'await new Promise((r) => setTimeout(r, 60_000));' }]);
  const out = path.join(dir, 'out');
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'report.ts'), '--notebooks', dir, '--out', out, '--time-limit', '5'], { encoding: 'utf8' });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /exceeded the time limit of 5 s/);
});
