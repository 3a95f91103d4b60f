// Worker threads that run a TypeScript module of lib/, and the small shared-memory protocol both of
// the project's thread pools use (DEM gradient, full-batch NCE loss): the main thread waits on an
// Atomics slot with a deadline, and a worker's error travels back as UTF-8 text in a shared buffer.
import * as path from 'path';
import { Worker } from 'worker_threads';
import { projectRoot } from '../report/paths';

/**
 * A worker running lib/<relativePath> (e.g. "dem/gradient-worker.ts") with `workerData`. It loads
 * TypeScript through tsx whatever loaded the main thread (tsx, tslab, ts-node), so the same code
 * runs in notebooks, scripts and tests.
 */
export function startTypeScriptWorker(relativePath: string, workerData: unknown): Worker {
  const tsx = require.resolve('tsx/cjs/api');
  const file = path.join(projectRoot(), 'lib', relativePath);
  const bootstrap = `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(file)});`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/**
 * Blocks until ctrl[slot] holds `value`, waking at least every second to check the deadline; throws
 * "<who>: no <what> within <s> s" when the worker stays silent for timeoutMs.
 */
export function waitForSlot(ctrl: Int32Array, slot: number, value: number, timeoutMs: number, who: string, what: string): void {
  const deadline = Date.now() + timeoutMs;
  for (let seen = Atomics.load(ctrl, slot); seen !== value; seen = Atomics.load(ctrl, slot)) {
    if (Date.now() > deadline) throw new Error(`${who}: no ${what} within ${timeoutMs / 1000} s`);
    Atomics.wait(ctrl, slot, seen, 1000);
  }
}

/** Writes `message` as zero-terminated UTF-8 into shared bytes (truncated to fit). */
export function writeSharedText(bytes: Uint8Array, message: string): void {
  const encoded = new TextEncoder().encode(message).subarray(0, bytes.length - 1);
  bytes.fill(0);
  bytes.set(encoded);
}

export function readSharedText(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  // TextDecoder refuses views of shared memory: copy first.
  return new TextDecoder().decode(bytes.slice(0, end < 0 ? bytes.length : end));
}
