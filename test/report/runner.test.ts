import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { spawn, spawnSync } from 'child_process';
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
  assert.match(stderr, /UnhandledPromiseRejection: Error: lost rejection/);
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

/** Processes whose working directory is `dir` (Linux /proc): a kernel left behind would be one. */
function processesIn(dir: string): number[] {
  if (!fs.existsSync('/proc/self/cwd')) return [];
  return fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).flatMap((pid) => {
    try {
      return fs.readlinkSync(`/proc/${pid}/cwd`) === dir ? [Number(pid)] : [];
    } catch {
      return [];
    }
  });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} stops the running kernel at once, leaves no process behind and marks the report incomplete`, async () => {
    const dir = fs.realpathSync(scratchDir(`runner-${signal.toLowerCase()}`));
    writeNotebook(path.join(dir, '01-quick.ipynb'), [{ code: "console.log('first notebook');" }]);
    writeNotebook(path.join(dir, '02-slow.ipynb'), [{ code: "console.log('started');" }, { code: 'await new Promise((r) => setTimeout(r, 120_000));' }]);
    writeNotebook(path.join(dir, '03-never.ipynb'), [{ code: "console.log('never');" }]);
    const out = path.join(dir, 'out');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'report.ts'), '--notebooks', dir, '--out', out, '--size', 'quick'], {
      env: { ...process.env, LFR_PROGRESS: 'off' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 90_000;
    while (!/02-slow: code cell 1\/2 ok/.test(stderr)) {
      assert.ok(Date.now() < deadline, `the slow cell never started:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const sent = Date.now();
    child.kill(signal);
    const code = await exited;
    assert.ok(Date.now() - sent < 5_000, `took ${Date.now() - sent} ms to stop`);
    assert.equal(code, signal === 'SIGINT' ? 130 : 143);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(processesIn(dir), [], 'a process still runs in the notebooks folder');
    const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
    assert.equal(summary.complete, false);
    assert.equal(summary.ok, false);
    assert.deepEqual(summary.notebooks.map((s: { notebook: string }) => s.notebook), ['01-quick']);
    assert.match(fs.readFileSync(path.join(out, 'index.html'), 'utf8'), /This report is incomplete: interrupted by SIG[A-Z]+ while running 02-slow; not run: 02-slow, 03-never/);
    assert.ok(!fs.existsSync(path.join(out, '02-slow.ipynb')));
  });
}

test('a notebook that fails keeps none of an earlier run\'s numbers, and --only keeps the other notebooks on the page', () => {
  const dir = scratchDir('runner-stale');
  const saving = "const fs = require('fs');\nfs.mkdirSync(process.env.LFR_REPORT_DIR + '/results', { recursive: true });\nfs.writeFileSync(process.env.LFR_REPORT_DIR + '/results/02-numbers.json', JSON.stringify({ headlines: [], value: 1 }));";
  writeNotebook(path.join(dir, '01-other.ipynb'), [{ markdown: '# The other notebook' }, { code: "console.log('other');" }]);
  writeNotebook(path.join(dir, '02-numbers.ipynb'), [{ code: saving }]);
  const first = runReport(dir);
  assert.equal(first.status, 0, first.stderr);
  assert.ok(fs.existsSync(path.join(first.out, 'results', '02-numbers.json')));
  writeNotebook(path.join(dir, '02-numbers.ipynb'), [{ code: `${saving}\nthrow new Error('broken after saving');` }]);
  const out = first.out;
  const second = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'report.ts'), '--notebooks', dir, '--out', out, '--size', 'quick', '--only', '02'], {
    encoding: 'utf8',
    env: { ...process.env, LFR_PROGRESS: 'off' },
  });
  assert.equal(second.status, 1);
  assert.ok(!fs.existsSync(path.join(out, 'results', '02-numbers.json')), 'the failed notebook\'s numbers remain');
  const html = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
  assert.match(html, /The other notebook/);
  assert.match(html, /FAILED at cell 0/);
  const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
  assert.deepEqual(summary.notebooks.map((s: { notebook: string; ok: boolean }) => [s.notebook, s.ok]), [['01-other', true], ['02-numbers', false]]);
});

test('flags are checked before anything runs, with one clear message', () => {
  const dir = scratchDir('runner-flags');
  const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'report.ts'), '--notebooks', dir, ...args], { encoding: 'utf8' });
  assert.match(run('--only').stderr, /--only needs a value/);
  assert.match(run('--size', 'bogus').stderr, /--size "bogus": expected quick or full/);
  assert.match(run('--time-limit', '-3').stderr, /--time-limit "-3": expected a positive number of seconds/);
  assert.match(run('--colour').stderr, /unknown argument "--colour"/);
});
