// Notebook cells are TypeScript the library's compiler settings must accept: each notebook's code
// cells become one module (notebookModule). The module is checked beside a link to lib/
// with the project's strict options; only the module kind changes, for top-level await. The scratch
// folder sits in the project so that packages resolve from its node_modules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { projectRoot } from '../../lib/report/paths';
import { joinText, notebookModule, readNotebook } from '../../scripts/report/notebook-format';

const root = projectRoot();
const notebooksDir = path.join(root, 'notebooks');
test('merging imports keeps each name once and the cells in order', () => {
  const module = notebookModule(["import { a, b } from './x';\nconst one = a;", "import { b } from './x';\nimport type { T } from './y';\nconst two: T = b;"]);
  assert.equal(module, "import { a, b } from './x';\nimport type { T } from './y';\nexport {};\nconst one = a;\n\nconst two: T = b;\n");
});

test('every notebook type-checks under the strict settings of the library', { timeout: 120_000 }, () => {
  const dir = fs.mkdtempSync(path.join(root, '.typecheck-'));
  try {
    fs.symlinkSync(path.join(root, 'lib'), path.join(dir, 'lib'));
    const files = fs
      .readdirSync(notebooksDir)
      .filter((f) => f.endsWith('.ipynb'))
      .sort();
    assert.ok(files.length > 0, 'no notebooks found');
    for (const file of files) {
      const cells = readNotebook(path.join(notebooksDir, file))
        .cells.filter((c) => c.cell_type === 'code')
        .map((c) => joinText(c.source));
      fs.writeFileSync(path.join(dir, file.replace(/\.ipynb$/, '.ts')), notebookModule(cells));
    }
    const base = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.json'), 'utf8'));
    const config = {
      compilerOptions: { ...base.compilerOptions, module: 'es2022', moduleResolution: 'bundler' },
      files: files.map((f) => f.replace(/\.ipynb$/, '.ts')),
    };
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(config));
    const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', dir], { encoding: 'utf8', cwd: root });
    assert.equal(tsc.status, 0, `tsc found errors in the notebooks' code:\n${tsc.stdout}${tsc.stderr}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
