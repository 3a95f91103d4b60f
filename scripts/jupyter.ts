// `npm run jupyter [-- lab|notebook|nbconvert …]`: starts Jupyter with this project's tslab kernel
// ("TypeScript (lfr-notebooks)", jupyter/kernels/lfr-tslab). Jupyter finds it through JUPYTER_PATH,
// which must be an absolute path, so it is set here rather than in the kernelspec.
import * as path from 'path';
import { spawn } from 'child_process';
import { projectRoot } from '../lib/report/paths';

const root = projectRoot();
const kernelsParent = path.join(root, 'jupyter');
const existing = process.env.JUPYTER_PATH;
const args = process.argv.slice(2);
const child = spawn('jupyter', args.length ? args : ['lab', path.join(root, 'notebooks')], {
  env: { ...process.env, JUPYTER_PATH: existing ? `${kernelsParent}${path.delimiter}${existing}` : kernelsParent },
  stdio: 'inherit',
});
child.on('error', (error) => {
  console.error(`npm run jupyter: could not start "jupyter" (${error.message}). Install JupyterLab (pip install jupyterlab) or Debian's jupyter-nbconvert/python3-ipykernel, then retry.`);
  process.exit(1);
});
child.on('exit', (code) => process.exit(code ?? 1));
