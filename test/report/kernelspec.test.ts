import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { projectRoot } from '../../lib/report/paths';
import { scratchDir, writeNotebook } from '../helpers/scratch';

const root = projectRoot();
const kernelDir = path.join(root, 'jupyter', 'kernels', 'lfr-tslab');

test('the committed kernelspec names no absolute path and starts tslab from this project', () => {
  const spec = JSON.parse(fs.readFileSync(path.join(kernelDir, 'kernel.json'), 'utf8'));
  const launcher = spec.argv[1].replace('{resource_dir}', kernelDir);
  assert.ok(fs.existsSync(launcher), `${launcher} does not exist`);
  assert.ok(spec.argv.slice(1).every((arg: string) => !path.isAbsolute(arg) || arg.startsWith('{')), 'argv holds an absolute path');
});

test('jupyter nbconvert executes a notebook with the project kernel', { timeout: 120_000 }, (t) => {
  const probe = spawnSync('jupyter', ['nbconvert', '--version'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    t.skip('Jupyter (jupyter nbconvert) is not installed here; install it to run this check');
    return;
  }
  // Inside notebooks/ so that the lib symlink resolves exactly as for the real notebooks.
  const dir = scratchDir('kernelspec');
  fs.symlinkSync(path.join(root, 'lib'), path.join(dir, 'lib'));
  const notebook = path.join(dir, 'kernel-check.ipynb');
  writeNotebook(notebook, [{ code: "import { bySize } from './lib/report/size';\nconsole.log('size pick', bySize({ quick: 1, full: 2 }, 'quick'));" }]);
  const result = spawnSync('jupyter', ['nbconvert', '--to', 'notebook', '--execute', '--ExecutePreprocessor.kernel_name=lfr-tslab', '--output', 'executed.ipynb', notebook], {
    encoding: 'utf8',
    env: { ...process.env, JUPYTER_PATH: path.join(root, 'jupyter') },
  });
  assert.equal(result.status, 0, result.stderr);
  const executed = JSON.parse(fs.readFileSync(path.join(dir, 'executed.ipynb'), 'utf8'));
  assert.match(executed.cells[0].outputs[0].text.join(''), /size pick 1/);
});
