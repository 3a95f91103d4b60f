// Worker threads that run a TypeScript module of lib/. The worker loads TypeScript through tsx
// whatever loaded the main thread (tsx, tslab, ts-node), so the same code runs in notebooks,
// scripts and tests.
import * as path from 'path';
import { Worker } from 'worker_threads';
import { projectRoot } from './report/paths';

/** A worker running lib/<relativePath> (e.g. "dem/gradient-worker.ts") with `workerData`. */
export function startTypeScriptWorker(relativePath: string, workerData: unknown): Worker {
  const tsx = require.resolve('tsx/cjs/api');
  const file = path.join(projectRoot(), 'lib', relativePath);
  const bootstrap = `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(file)});`;
  return new Worker(bootstrap, { eval: true, workerData });
}
