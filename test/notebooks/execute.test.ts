// The notebooks as users run them, at quick size: through `npm run report`'s runner, under
// `jupyter nbconvert --execute` with the committed kernelspec, and after a reader edits one value of
// a parameters cell. The report and nbconvert runs are sequential (nbconvert's outputs are compared
// with the report's); the run with edited parameters goes on in the background meanwhile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn, spawnSync } from 'child_process';
import { projectRoot } from '../../lib/report/paths';
import { nonFinitePaths } from '../../lib/report/notebook';
import { joinText, Notebook, readNotebook } from '../../scripts/report/notebook-format';
import { scratchDir } from '../helpers/scratch';
import { browserUnavailable, checkReportInBrowser } from '../helpers/browser';
import { notebookProblems, validateWithNbformat } from '../helpers/nbformat';
import { outputSignature, machinePathsIn, resultDifferences } from '../helpers/executed';

const root = projectRoot();
const notebooksDir = path.join(root, 'notebooks');
const names = fs
  .readdirSync(notebooksDir)
  .filter((f) => f.endsWith('.ipynb'))
  .map((f) => path.basename(f, '.ipynb'))
  .sort();
const reportOut = scratchDir('quick-report');
const TEN_MINUTES = 600_000;

function runReport(args: string[], env: NodeJS.ProcessEnv = {}): ReturnType<typeof spawnSync> {
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'report.ts'), '--size', 'quick', ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
}

const readResults = (dir: string, name: string) => JSON.parse(fs.readFileSync(path.join(dir, 'results', `${name}.json`), 'utf8'));

function assertCleanOutputs(notebook: Notebook, label: string): void {
  for (const [index, cell] of notebook.cells.entries()) {
    for (const output of cell.outputs ?? []) {
      assert.notEqual(output.output_type, 'error', `${label}, cell ${index}: an error output`);
      if (output.output_type === 'stream' && output.name === 'stderr') {
        assert.doesNotMatch(joinText(output.text), /Error|Exception/, `${label}, cell ${index}: stderr reports an error`);
      }
    }
  }
  const paths = machinePathsIn(notebook, [root, os.tmpdir(), os.homedir()]);
  assert.deepEqual(paths, [], `${label}: outputs show machine paths`);
}

/** One edit per notebook, each a value a reader may change, and what the results must then show. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the results JSON, read key by key
const EDITS: Record<string, { from: string; to: string; check: (results: Record<string, any>) => void }> = {
  '01-mnist-gaussian': {
    from: 'structures: [4, 8] as const,',
    to: 'structures: [8] as const,',
    check: (r) => {
      for (const group of ['models', 'reference']) {
        const keys = Object.keys(r[group]);
        assert.ok(keys.length > 0 && keys.every((key) => key.endsWith('-8')), `${group}: ${keys.join(', ')}`);
      }
    },
  },
  '02-natural-patches-whitening': {
    from: 'zcaEpsilons: [0, 1e-4, 1e-3, 1e-2],',
    to: 'zcaEpsilons: [0, 1e-3],',
    // The sweep is exactly the parameter's ε values (the learned Gaussian no longer adds a ridge to it).
    check: (r) =>
      assert.deepEqual(
        r.zca_epsilon_sweep.map((row: { epsilon: number }) => row.epsilon),
        [0, 1e-3],
      ),
  },
  '03-deep-energy-model': {
    from: "    { name: 'whitened-sigma1', input: 'whitened', sigma: 1, epochs: bySize({ quick: 3, full: 32 }, size) },",
    to: "    { name: 'whitened-sigma2', input: 'whitened', sigma: 2, epochs: 1 },",
    check: (r) => {
      assert.equal(r.runs['whitened-sigma2'].epochs, 1);
      assert.equal(r.runs['whitened-sigma2'].sigma, 2);
    },
  },
  // Notebook 04 samples notebook 03's runs, so it follows 03's edit to the run it trains instead of whitened-sigma1.
  '04-dem-samples': {
    from: "whitenedRun: 'whitened-sigma1',",
    to: "whitenedRun: 'whitened-sigma2',",
    check: (r) => assert.equal(r.models.whitened, 'whitened-sigma2'),
  },
};

/**
 * Writes the notebooks with their edits into a scratch folder and starts the report runner on them in
 * the background (its output goes to a file, so it never waits on a full pipe): it runs while the
 * tests below use the other core.
 */
function startEditedRun(): Promise<{ status: number | null; log: string; out: string }> {
  const dir = scratchDir('edited-parameters');
  fs.symlinkSync(path.join(root, 'lib'), path.join(dir, 'lib'));
  for (const name of names) {
    const edit = EDITS[name];
    if (!edit) throw new Error(`no parameter edit defined for ${name}`);
    const notebook = readNotebook(path.join(notebooksDir, `${name}.ipynb`));
    const cell = notebook.cells.find((c) => ((c.metadata.tags as string[] | undefined) ?? []).includes('parameters'));
    if (!cell || !joinText(cell.source).includes(edit.from)) throw new Error(`${name}: the parameters cell no longer holds "${edit.from}"`);
    cell.source = joinText(cell.source).replace(edit.from, edit.to);
    // The headline run of notebook 03 must exist after the edit.
    if (name === '03-deep-energy-model') cell.source = cell.source.replace("headlineRun: 'whitened-sigma1'", "headlineRun: 'whitened-sigma2'");
    fs.writeFileSync(path.join(dir, `${name}.ipynb`), JSON.stringify(notebook));
  }
  const out = path.join(dir, 'out');
  const log = path.join(dir, 'runner.log');
  const fd = fs.openSync(log, 'w');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'report.ts'), '--size', 'quick', '--notebooks', dir, '--out', out], {
    env: { ...process.env, LFR_PROGRESS: 'off' },
    stdio: ['ignore', fd, fd],
  });
  return new Promise((resolve) =>
    child.on('exit', (status) => {
      fs.closeSync(fd);
      resolve({ status, log, out });
    }),
  );
}

const editedRun = startEditedRun();

test(
  'the quick report runs every notebook in the project kernel, writes finite results for each and one page that reads in a browser',
  { timeout: TEN_MINUTES },
  async (t) => {
    const result = runReport(['--out', reportOut]);
    assert.equal(result.status, 0, String(result.stderr).slice(-4000));
    for (const name of names) {
      const results = readResults(reportOut, name);
      assert.equal(results.size, 'quick');
      assert.ok(['tensorflow', 'wasm', 'cpu'].includes(results.backend));
      assert.deepEqual(nonFinitePaths(results), [], `${name}: non-finite results`);
      assert.ok(results.headlines.length > 0, `${name} names no headline numbers`);
      const executed = readNotebook(path.join(reportOut, `${name}.ipynb`));
      assert.deepEqual(notebookProblems(executed), [], `${name}: the executed copy is not valid nbformat 4.5`);
      assertCleanOutputs(executed, `report ${name}`);
    }
    const html = fs.readFileSync(path.join(reportOut, 'index.html'), 'utf8');
    assert.match(html, /Results at a glance/);
    assert.match(html, /src="data:image\/png;base64,/);
    const unavailable = browserUnavailable();
    if (unavailable && process.env.CI === 'true') assert.fail(`CI=true but ${unavailable}`);
    if (unavailable) t.diagnostic(`browser check skipped: ${unavailable}`);
    else assert.deepEqual(await checkReportInBrowser(reportOut), []);
    const official = validateWithNbformat(names.map((name) => path.join(reportOut, `${name}.ipynb`)));
    if (official !== 'unavailable') assert.deepEqual(official, []);
  },
);

test('jupyter nbconvert executes every notebook with the project kernelspec, with the outputs of the report', { timeout: TEN_MINUTES }, (t) => {
  const probe = spawnSync('jupyter', ['nbconvert', '--version'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    const why = 'Jupyter (`jupyter nbconvert`) is not installed: apt-get install jupyter-nbconvert python3-nbclient python3-ipykernel';
    if (process.env.CI === 'true') assert.fail(`${why} — required under CI (.ci/run installs it)`);
    t.skip(`${why}; skipped`);
    return;
  }
  const out = scratchDir('nbconvert');
  const env = { ...process.env, JUPYTER_PATH: path.join(root, 'jupyter'), LFR_SIZE: 'quick', LFR_REPORT_DIR: path.join(out, 'report') };
  for (const name of names) {
    const run = spawnSync(
      'jupyter',
      [
        'nbconvert',
        '--to',
        'notebook',
        '--execute',
        '--ExecutePreprocessor.kernel_name=lfr-tslab',
        '--ExecutePreprocessor.timeout=600',
        '--output-dir',
        out,
        path.join(notebooksDir, `${name}.ipynb`),
      ],
      { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 },
    );
    assert.equal(run.status, 0, `${name} under nbconvert:\n${run.stderr.slice(-4000)}`);
    const executed = readNotebook(path.join(out, `${name}.ipynb`));
    assert.deepEqual(notebookProblems(executed), [], `${name}: nbconvert's copy is not valid nbformat 4.5`);
    assertCleanOutputs(executed, `nbconvert ${name}`);
    const fromReport = readNotebook(path.join(reportOut, `${name}.ipynb`));
    assert.deepEqual(
      outputSignature(executed),
      outputSignature(fromReport),
      `${name}: figures, tables and printed lines differ between Jupyter and the report`,
    );
    assert.deepEqual(
      resultDifferences(readResults(path.join(out, 'report'), name), readResults(reportOut, name)),
      [],
      `${name}: results differ between Jupyter and the report`,
    );
  }
});

test('changing one value in each parameters cell and rerunning works', { timeout: TEN_MINUTES }, async () => {
  const { status, log, out } = await editedRun;
  assert.equal(status, 0, fs.readFileSync(log, 'utf8').slice(-4000));
  for (const name of names) EDITS[name].check(readResults(out, name));
});
