import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { projectRoot } from '../../lib/report/paths';

const root = projectRoot();
const kernelDir = path.join(root, 'jupyter', 'kernels', 'lfr-tslab');

test('the committed kernelspec names no absolute path and starts tslab from this project', () => {
  const spec = JSON.parse(fs.readFileSync(path.join(kernelDir, 'kernel.json'), 'utf8'));
  const launcher = spec.argv[1].replace('{resource_dir}', kernelDir);
  assert.ok(fs.existsSync(launcher), `${launcher} does not exist`);
  assert.ok(spec.argv.slice(1).every((arg: string) => !path.isAbsolute(arg) || arg.startsWith('{')), 'argv holds an absolute path');
});
