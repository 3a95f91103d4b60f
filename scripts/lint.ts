// `npm run lint`: Prettier's format check and ESLint over the library, scripts and tests, and the same
// two checks over every notebook's code cells (Prettier per cell; ESLint on each notebook's cells
// joined into one module, as the type check does). `npm run lint -- --fix` rewrites what Prettier
// would change, in source files and notebook cells alike, then lints.
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import * as prettier from 'prettier';
import { ESLint } from 'eslint';
import { projectRoot } from '../lib/report/paths';
import { joinText, notebookModule, readNotebook } from './report/notebook-format';

const root = projectRoot();
const SOURCES = ['lib/**/*.ts', 'scripts/**/*.{ts,mjs}', 'test/**/*.ts', '*.{json,mjs}', 'jupyter/**/*.{json,js}'];
const fix = process.argv.includes('--fix');

function notebookFiles(): string[] {
  const dir = path.join(root, 'notebooks');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ipynb'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Prettier over the source files (the CLI, so .prettierignore and the config apply as for an editor). */
function formatSources(): boolean {
  const cli = require.resolve('prettier/bin/prettier.cjs');
  const result = spawnSync(process.execPath, [cli, fix ? '--write' : '--check', '--log-level', 'warn', ...SOURCES], { cwd: root, stdio: 'inherit' });
  return result.status === 0;
}

/** Prettier over each code cell; with --fix the notebook is rewritten with the formatted cells. */
async function formatNotebooks(): Promise<boolean> {
  let ok = true;
  for (const file of notebookFiles()) {
    const options = { ...(await prettier.resolveConfig(file)), parser: 'typescript' };
    const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    let changed = false;
    for (const [index, cell] of (raw.cells as { cell_type: string; source: string | string[] }[]).entries()) {
      if (cell.cell_type !== 'code') continue;
      const source = joinText(cell.source);
      const formatted = (await prettier.format(source, options)).replace(/\n$/, '');
      if (formatted === source) continue;
      if (!fix) {
        console.error(`${path.relative(root, file)}, cell ${index}: not formatted as Prettier would (npm run lint -- --fix)`);
        ok = false;
        continue;
      }
      cell.source = formatted.split(/(?<=\n)/);
      changed = true;
    }
    if (changed) fs.writeFileSync(file, `${JSON.stringify(raw, null, 1)}\n`);
  }
  return ok;
}

/** ESLint over the tree and over each notebook's code as one module. */
async function lint(): Promise<boolean> {
  const eslint = new ESLint({ cwd: root });
  const results = await eslint.lintFiles(['.']);
  for (const file of notebookFiles()) {
    const cells = readNotebook(file)
      .cells.filter((c) => c.cell_type === 'code')
      .map((c) => joinText(c.source));
    const virtual = file.replace(/\.ipynb$/, '.ts');
    results.push(...(await eslint.lintText(notebookModule(cells), { filePath: virtual })).map((r) => ({ ...r, filePath: `${file} (its code cells)` })));
  }
  const formatter = await eslint.loadFormatter('stylish');
  const text = await formatter.format(results);
  if (text) console.error(text);
  return results.every((r) => r.errorCount === 0);
}

async function main(): Promise<void> {
  const checks = [formatSources(), await formatNotebooks(), await lint()];
  if (checks.every(Boolean)) {
    console.log('lint: formatting and lint rules hold for the sources and every notebook');
    return;
  }
  process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
