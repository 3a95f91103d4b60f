import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { projectRoot } from '../../lib/report/paths';
import { nonFinitePaths } from '../../lib/report/notebook';
import { scratchDir } from '../helpers/scratch';

const root = projectRoot();

test('the quick report runs every notebook and writes finite results for each', { timeout: 600_000 }, () => {
  const out = scratchDir('quick-report');
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'report.ts'), '--size', 'quick', '--out', out], {
    encoding: 'utf8',
    env: { ...process.env, LFR_PROGRESS: 'off' },
  });
  assert.equal(result.status, 0, result.stderr.slice(-4000));
  const notebooks = fs.readdirSync(path.join(root, 'notebooks')).filter((f) => f.endsWith('.ipynb'));
  assert.ok(notebooks.length > 0);
  for (const file of notebooks) {
    const name = path.basename(file, '.ipynb');
    const results = JSON.parse(fs.readFileSync(path.join(out, 'results', `${name}.json`), 'utf8'));
    assert.equal(results.size, 'quick');
    assert.ok(['tensorflow', 'wasm', 'cpu'].includes(results.backend));
    assert.deepEqual(nonFinitePaths(results), [], `${name}: non-finite results`);
    assert.ok(results.headlines.length > 0, `${name} names no headline numbers`);
  }
  const html = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
  assert.match(html, /Results at a glance/);
  assert.ok(fs.readdirSync(path.join(out, 'img')).some((f) => f.endsWith('.png')), 'the report holds figures');
});
