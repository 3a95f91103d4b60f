// The report's kernel start survives tslab's start-up race (a kernel_info request arriving while the
// kernel still binds its iopub socket leaves that kernel mute): a kernel that shows the race is
// replaced by a fresh one. Here the first kernel only pretends to hit the race; the second is tslab.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { Kernel } from '../../scripts/report/kernel';
import { projectRoot } from '../../lib/report/paths';
import { scratchDir } from '../helpers/scratch';

const root = projectRoot();

/** A kernelspec whose kernel fails the first `failures` starts with the race's message, then runs tslab. */
function flakyKernelSpec(failures: number): string {
  const dir = scratchDir('flaky-kernel');
  const counter = path.join(dir, 'starts');
  const tslab = path.join(root, 'node_modules', 'tslab', 'bin', 'tslab');
  fs.writeFileSync(
    path.join(dir, 'flaky.js'),
    `const fs = require('fs');
const starts = (fs.existsSync(${JSON.stringify(counter)}) ? Number(fs.readFileSync(${JSON.stringify(counter)}, 'utf8')) : 0) + 1;
fs.writeFileSync(${JSON.stringify(counter)}, String(starts));
if (starts <= ${failures}) {
  console.error('UnhandledPromiseRejection: Error: Socket is blocked by a bind or unbind operation');
  setInterval(() => {}, 1000);
} else {
  process.argv = [process.argv[0], ${JSON.stringify(tslab)}, 'kernel', '--config-path', process.argv[2]];
  require(${JSON.stringify(tslab)});
}
`,
  );
  fs.writeFileSync(
    path.join(dir, 'kernel.json'),
    JSON.stringify({ argv: ['node', '{resource_dir}/flaky.js', '{connection_file}'], display_name: 'flaky', language: 'typescript' }),
  );
  return dir;
}

test('a kernel that hits the start-up race is replaced, and the next one runs cells', { timeout: 120_000 }, async () => {
  const dir = flakyKernelSpec(1);
  const kernel = await Kernel.start(dir, dir, process.env);
  try {
    const reply = await kernel.execute('1 + 1', () => {});
    assert.equal(reply.status, 'ok');
    assert.equal(fs.readFileSync(path.join(dir, 'starts'), 'utf8'), '2');
  } finally {
    await kernel.shutdown();
  }
});

test('a kernel that keeps hitting the race fails the start after three tries, saying what it printed', { timeout: 120_000 }, async () => {
  const dir = flakyKernelSpec(3);
  await assert.rejects(Kernel.start(dir, dir, process.env), /Socket is blocked by a bind or unbind operation/);
  assert.equal(fs.readFileSync(path.join(dir, 'starts'), 'utf8'), '3');
});
