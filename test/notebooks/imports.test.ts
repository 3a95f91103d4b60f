// tslab's module loader (node_modules/tslab/dist/executor.js, requireFromSideOutputs) resolves a
// relative import "./lib/x" only as the compiled file "lib/x.js"; it never tries a folder's index, and
// plain Node then finds no .js beside the .ts sources. So every relative import that a notebook cell
// or a library module makes must name a .ts file. The runner and Jupyter both use that loader (the
// notebook tests execute the real notebooks); this check names the offending import in a second.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { projectRoot } from '../../lib/report/paths';
import { joinText, readNotebook } from '../../scripts/report/notebook-format';

const root = projectRoot();
const IMPORT = /(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|require\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

/** Relative imports in `source` that do not name an existing .ts file, resolved from `dir`. */
export function unresolvable(source: string, dir: string): string[] {
  const bad: string[] = [];
  for (const match of source.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2];
    const file = path.resolve(dir, spec);
    if (!(fs.existsSync(`${file}.ts`) && fs.statSync(`${file}.ts`).isFile())) bad.push(spec);
  }
  return bad;
}

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

test('the rule itself: a folder import is refused, a file import is accepted', () => {
  const lib = path.join(root, 'lib');
  assert.deepEqual(unresolvable("import { show } from './figures';", lib), ['./figures']);
  assert.deepEqual(unresolvable("import { show } from './figures/index';\nconst x = require('./random');", lib), []);
});

test('every relative import in the notebooks names a .ts file', () => {
  const dir = path.join(root, 'notebooks');
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ipynb'))) {
    const notebook = readNotebook(path.join(dir, file));
    notebook.cells.forEach((cell, index) => {
      if (cell.cell_type !== 'code') return;
      assert.deepEqual(unresolvable(joinText(cell.source), dir), [], `${file}, cell ${index}: imports tslab cannot resolve`);
    });
  }
});

test('every relative import inside lib/ names a .ts file', () => {
  for (const file of tsFiles(path.join(root, 'lib'))) {
    assert.deepEqual(unresolvable(fs.readFileSync(file, 'utf8'), path.dirname(file)), [], `${path.relative(root, file)}: imports tslab cannot resolve`);
  }
});
