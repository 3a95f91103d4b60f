// The library's model, estimator, data and whitening code must load and run where no notebook kernel
// exists (a plain Node script, a worker thread, another program): only the report layer may know
// tslab. A child process that refuses to resolve tslab loads each public module and fits something.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { projectRoot } from '../../lib/report/paths';

const root = projectRoot();
const MODULES = ['lib/gaussian/index.ts', 'lib/dem/index.ts', 'lib/whitening/index.ts', 'lib/data/index.ts', 'lib/progress.ts'];

/** Runs `script` in a Node process where resolving tslab throws, naming the module that asked. */
function runWithoutKernel(script: string): { status: number | null; stdout: string; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lfr-no-kernel-'));
  const blocker = path.join(dir, 'no-tslab.cjs');
  fs.writeFileSync(
    blocker,
    `const Module = require('module');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  if (request === 'tslab' || request.startsWith('tslab/')) throw new Error('tslab requested by ' + (parent && parent.filename));
  return resolve.call(this, request, parent, ...rest);
};
`,
  );
  try {
    const child = spawnSync(process.execPath, ['--require', blocker, '--import', 'tsx', '-e', script], { cwd: root, encoding: 'utf8', env: { ...process.env, LFR_PROGRESS: 'off' } });
    return { status: child.status, stdout: child.stdout, output: `${child.stdout}${child.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('the blocker itself: loading the report layer fails where tslab cannot be resolved', () => {
  const { status, output } = runWithoutKernel(`require('./lib/report/progress.ts');`);
  assert.notEqual(status, 0);
  assert.match(output, /tslab requested by .*progress\.ts/);
});

test('the model, estimator, data and whitening modules load and fit without a notebook kernel', { timeout: 60_000 }, () => {
  const script = `
${MODULES.map((m, i) => `const m${i} = require('./${m}');`).join('\n')}
const g = m0;
const structure = g.gridStructure(4, 4, 4);
const truth = g.knownSparsePrecision(structure, 1);
const rows = g.sampleByCholesky(truth, new Float64Array(16), 4000, 2);
const fit = g.fitMaxLikelihood(g.localFromData(rows, 4000, structure));
const events = [];
const nce = g.fitNce(g.prepareNce(rows, 4000, m3.secondMomentDense(rows, 4000, 16), 4000, 3), structure, { nu: 1, steps: 20, batchSize: 100, learningRate: 0.01, finalLearningRate: 0.01, seed: 4, onProgress: (e) => events.push(e) });
console.log(JSON.stringify({ error: g.relativeFrobeniusError(fit.precision, truth), events: events.length, final: events[events.length - 1].final, nceSteps: nce.curve.length }));
`;
  const { status, stdout, output } = runWithoutKernel(script);
  assert.equal(status, 0, output);
  const result = JSON.parse(stdout.trim().split('\n').pop()!);
  assert.ok(result.error < 0.2, `ML error ${result.error}`);
  assert.equal(result.nceSteps, 20);
  assert.equal(result.events, 21, 'one progress event per step and one final');
  assert.equal(result.final, true);
});
