// The pool of worker threads that share one computation with the main thread, step by step (the DEM
// score-matching gradient of a batch, the full-batch NCE/cNCE loss); ./tasks instead runs whole,
// independent calls side by side. Each worker runs a
// TypeScript module of lib/ that hands its body to serveRequests (./serve); the caller lays out the
// inputs and outputs in SharedArrayBuffers, and the handshake is Atomics on four control slots per
// worker, so a request costs no event-loop round trip and the caller can stay synchronous (L-BFGS's
// objective is):
//   start-up  the worker runs its setup, then stores READY = 1, or READY = 2 with the error as text;
//   request   the main thread writes the inputs, increments REQUEST and notifies; the worker runs its
//             body, stores STATUS (0 done, 1 failed, the error as text) and DONE = REQUEST;
//   shutdown  REQUEST = −1.
// Every wait wakes each second to check a deadline, so a hung worker is reported, not waited for.
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { projectRoot } from '../report/paths';
import { readSetting, THREADS } from '../report/settings';

export const CTRL = { ready: 0, request: 1, done: 2, status: 3 } as const;
const CTRL_SLOTS = 4;
const ERROR_BYTES = 4096;
/** A worker that has not started or answered within this time is reported as hung. */
const TIMEOUT_MS = 120_000;

/** What a pool worker receives: its control slots, its error text and the caller's data. */
export interface PoolWorkerData<T> {
  ctrl: SharedArrayBuffer;
  error: SharedArrayBuffer;
  data: T;
}

/**
 * Threads sharing a computation (the main thread included): LFR_THREADS if set, else 2 on a machine
 * with at least 2 cores. Fixed at 2 rather than the core count so the same seed gives the same
 * numbers on any machine.
 */
export function threadCount(env: NodeJS.ProcessEnv = process.env): number {
  return readSetting(THREADS, env) ?? Math.min(2, os.availableParallelism ? os.availableParallelism() : os.cpus().length);
}

/** A copy of `array` in shared memory (pass the buffer to workers; views on both sides see the same values). */
export function shareArray<T extends Float32Array | Float64Array | Int32Array>(array: T): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(array.byteLength);
  new (array.constructor as { new (b: SharedArrayBuffer): T })(buffer).set(array);
  return buffer;
}

export interface WorkerPool {
  readonly workers: number;
  /** Asks worker w to run its body on the inputs already written to its buffers. */
  request(w: number): void;
  /** Blocks until worker w has answered its last request; throws "<who>: <the worker's error>". */
  wait(w: number): void;
  /** Stops the workers (idle workers never keep the process alive). */
  close(): Promise<void>;
}

/**
 * Starts one worker per entry of `data`, each running lib/<modulePath> with its entry, and blocks until
 * all have finished their setup (they start in parallel). Throws, and stops the others, when one fails.
 */
export function startPool<T>(who: string, modulePath: string, data: T[]): WorkerPool {
  const slots = data.map(() => ({ ctrl: new Int32Array(new SharedArrayBuffer(4 * CTRL_SLOTS)), error: new Uint8Array(new SharedArrayBuffer(ERROR_BYTES)) }));
  // An error outside the worker's own try/catch (its module failed to load) arrives as an event,
  // which cannot fire while this thread waits; it is kept for the timeout message.
  const crashes: (string | undefined)[] = data.map(() => undefined);
  const workers = data.map((entry, w) => {
    const workerData: PoolWorkerData<T> = { ctrl: slots[w].ctrl.buffer as SharedArrayBuffer, error: slots[w].error.buffer as SharedArrayBuffer, data: entry };
    const worker = startTypeScriptWorker(modulePath, workerData);
    worker.on('error', (error) => (crashes[w] = error.message));
    worker.unref();
    return worker;
  });
  const requests = data.map(() => 0);
  const stop = async () => {
    for (const { ctrl } of slots) {
      Atomics.store(ctrl, CTRL.request, -1);
      Atomics.notify(ctrl, CTRL.request);
    }
    await Promise.all(workers.map((worker) => worker.terminate()));
  };
  const failure = (w: number) => new Error(`${who}: ${readSharedText(slots[w].error)}`);
  const waitFor = (w: number, slot: number, until: (value: number) => boolean, what: string) => {
    const { ctrl } = slots[w];
    const deadline = Date.now() + TIMEOUT_MS;
    for (let seen = Atomics.load(ctrl, slot); !until(seen); seen = Atomics.load(ctrl, slot)) {
      if (Date.now() > deadline) throw new Error(`${who}: no ${what} within ${TIMEOUT_MS / 1000} s${crashes[w] ? ` (${crashes[w]})` : ''}`);
      Atomics.wait(ctrl, slot, seen, 1000);
    }
  };
  try {
    slots.forEach(({ ctrl }, w) => {
      waitFor(w, CTRL.ready, (ready) => ready !== 0, 'start');
      if (Atomics.load(ctrl, CTRL.ready) !== 1) throw failure(w);
    });
  } catch (error) {
    void stop();
    throw error;
  }
  return {
    workers: workers.length,
    request(w) {
      requests[w] = Atomics.add(slots[w].ctrl, CTRL.request, 1) + 1;
      Atomics.notify(slots[w].ctrl, CTRL.request);
    },
    wait(w) {
      waitFor(w, CTRL.done, (done) => done === requests[w], 'answer');
      if (Atomics.load(slots[w].ctrl, CTRL.status) !== 0) throw failure(w);
    },
    close: stop,
  };
}

/**
 * A worker running lib/<relativePath> with `workerData`. It loads TypeScript through tsx whatever
 * loaded the main thread (tsx, tslab, ts-node), so the same code runs in notebooks, scripts and tests.
 */
export function startTypeScriptWorker(relativePath: string, workerData: unknown): Worker {
  const tsx = require.resolve('tsx/cjs/api');
  const file = path.join(projectRoot(), 'lib', relativePath);
  const bootstrap = `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(file)});`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/** Writes `message` as zero-terminated UTF-8 into shared bytes (truncated to fit). */
export function writeSharedText(bytes: Uint8Array, message: string): void {
  const encoded = new TextEncoder().encode(message).subarray(0, bytes.length - 1);
  bytes.fill(0);
  bytes.set(encoded);
}

function readSharedText(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  // TextDecoder refuses views of shared memory: copy first.
  return new TextDecoder().decode(bytes.slice(0, end < 0 ? bytes.length : end));
}
