// Runs the test/**/*.test.ts files with Node's own test runner (TypeScript through tsx), in two
// groups: `unit` (seconds to a few minutes) and `notebooks` (executes every notebook at quick size,
// through the report runner and under Jupyter, and notebook 01 on a synthetic MNIST folder). `npm test`
// runs both; `node scripts/run-tests.mjs unit` or `notebooks` runs one; file paths run just those files.
// Node 20's --test takes no globs, so the file list is gathered here.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const NOTEBOOK_TESTS = [join('test', 'notebooks', 'execute.test.ts'), join('test', 'notebooks', 'claims.test.ts')];

function findTests(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return findTests(path);
      return name.endsWith('.test.ts') ? [path] : [];
    });
}

const args = process.argv.slice(2);
const all = findTests('test');
const groups = {
  unit: all.filter((file) => !NOTEBOOK_TESTS.includes(file)),
  notebooks: NOTEBOOK_TESTS,
};
// The notebook tests first: they take longest, and the unit tests fill the other core meanwhile.
const files = args.length === 0 ? [...groups.notebooks, ...groups.unit] : args.flatMap((arg) => groups[arg] ?? [arg]);
if (files.length === 0) {
  console.error('run-tests: no test/**/*.test.ts files found');
  process.exit(1);
}
// Two test files at a time: one per core of the machines this runs on.
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
