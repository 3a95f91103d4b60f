// `npm run jupyter [-- lab|notebook|nbconvert …]`: starts Jupyter with this project's tslab kernel
// ("TypeScript (lfr-notebooks)", jupyter/kernels/lfr-tslab). Jupyter finds it through JUPYTER_PATH,
// which must be an absolute path, so it is set here rather than in the kernelspec.
// With no arguments it opens notebooks/ in the first front end installed: JupyterLab, the classic
// Notebook, or nbclassic; with none of them it says what to install.
import * as path from 'path';
import { spawn, spawnSync } from 'child_process';
import { projectRoot } from '../lib/report/paths';

const FRONT_ENDS = ['lab', 'notebook', 'nbclassic'] as const;

const root = projectRoot();
const kernelsParent = path.join(root, 'jupyter');
const existing = process.env.JUPYTER_PATH;
const env = { ...process.env, JUPYTER_PATH: existing ? `${kernelsParent}${path.delimiter}${existing}` : kernelsParent };

const installed = (subcommand: string): boolean => spawnSync('jupyter', [subcommand, '--version'], { env, stdio: 'ignore' }).status === 0;

function chooseArgs(args: string[]): string[] | null {
  if (args.length) return args;
  const frontEnd = FRONT_ENDS.find(installed);
  return frontEnd ? [frontEnd, path.join(root, 'notebooks')] : null;
}

const args = chooseArgs(process.argv.slice(2));
if (args === null) {
  const hasJupyter = spawnSync('jupyter', ['--version'], { env, stdio: 'ignore' }).status === 0;
  console.error(
    [
      `npm run jupyter: ${hasJupyter ? 'Jupyter is installed, but none of JupyterLab, Notebook or nbclassic is' : 'Jupyter is not installed'}.`,
      'To work in the browser, install JupyterLab: pip install jupyterlab  (then run npm run jupyter again).',
      'Without a browser front end:',
      '  - VS Code: see README, "Working interactively"; it uses the same kernel;',
      '  - execute a notebook: npm run jupyter -- nbconvert --to notebook --execute --output-dir report/interactive notebooks/01-mnist-gaussian.ipynb',
      '    (Debian/Ubuntu: apt-get install jupyter-nbconvert python3-nbclient python3-ipykernel).',
    ].join('\n'),
  );
  process.exit(1);
}
const child = spawn('jupyter', args, { env, stdio: 'inherit' });
child.on('error', (error) => {
  console.error(
    `npm run jupyter: could not start "jupyter" (${error.message}). Install JupyterLab (pip install jupyterlab) or Debian's jupyter-nbconvert python3-nbclient python3-ipykernel, then retry.`,
  );
  process.exit(1);
});
child.on('exit', (code) => process.exit(code ?? 1));
