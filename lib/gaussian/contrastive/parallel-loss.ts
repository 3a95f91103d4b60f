// The full-batch NCE/cNCE sample loss on two threads. Each evaluation costs two pattern passes per
// row (≈ 12.6 µs for 28×28 in single-threaded JavaScript), and the 28×28 ground truth needs ~10⁷
// row evaluations, so the rows of every block are halved: this thread takes the first half, one
// worker thread (./loss-worker) the second. `npm run bench` measured 79,500 rows/s on one thread and
// 133,000 on two. Rows are copied once into shared memory; per evaluation only θ and the
// result cross, and the handshake is Atomics, so the objective stays synchronous for L-BFGS. The sum
// is always taken in the same order, so a fixed thread count gives the same numbers every run.
import * as os from 'os';
import { Worker } from 'worker_threads';
import { readSharedText, startTypeScriptWorker, waitForSlot } from '../../parallel/worker-threads';
import { NCE_THREADS, readSetting } from '../../report/settings';
import { Connectivity, GridStructure } from '../model/structure';
import { LogisticBlock, logisticSampleLoss } from './logistic-loss';

export const LOSS_THREADS_ENV = NCE_THREADS.name;
const WORKER_TIMEOUT_MS = 120_000;
const ERROR_BYTES = 4096;
/** With fewer rows than twice this, one thread does all: a worker's share (< 25 ms) would not repay its hand-over. */
const MIN_ROWS_FOR_WORKER = 2000;

export const CTRL = { ready: 0, request: 1, done: 2, status: 3 } as const;

interface SharedBlock {
  images: SharedArrayBuffer;
  index: SharedArrayBuffer;
  partners: SharedArrayBuffer | null;
  offset: SharedArrayBuffer | null;
  sign: number;
  weight: number;
  /** The worker's rows are [split, rows). */
  split: number;
}

/** What the worker receives (structured-cloned; the buffers are shared, not copied). */
export interface SharedLoss {
  height: number;
  width: number;
  connectivity: Connectivity;
  D: number;
  blocks: SharedBlock[];
  thetaLength: number;
  extraScale: number;
  theta: SharedArrayBuffer;
  out: SharedArrayBuffer;
  ctrl: SharedArrayBuffer;
  error: SharedArrayBuffer;
}

/** Threads for the loss: LFR_NCE_THREADS if set, else 2 on a machine with at least 2 cores. */
export function lossThreads(env: NodeJS.ProcessEnv = process.env): number {
  return readSetting(NCE_THREADS, env) ?? Math.min(2, os.availableParallelism ? os.availableParallelism() : os.cpus().length);
}

function share<T extends Float32Array | Float64Array | Int32Array>(array: T): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(array.byteLength);
  new (array.constructor as { new (b: SharedArrayBuffer): T })(buffer).set(array);
  return buffer;
}

/** This thread's or the worker's rows of every block, as views into the shared rows. */
export function sharedShare(shared: SharedLoss, who: 'main' | 'worker'): LogisticBlock[] {
  const { D } = shared;
  return shared.blocks.map((b) => {
    const index = new Int32Array(b.index);
    const [from, to] = who === 'main' ? [0, b.split] : [b.split, index.length];
    return {
      images: new Float32Array(b.images),
      index: index.subarray(from, to),
      partners: b.partners ? new Float32Array(b.partners).subarray(from * D, to * D) : undefined,
      offset: b.offset ? new Float64Array(b.offset).subarray(from, to) : undefined,
      sign: b.sign,
      weight: b.weight,
    };
  });
}

export interface LossEvaluator {
  threads: number;
  evaluate(theta: Float64Array): { value: number; gradient: Float64Array };
  /** Stops the worker (also stopped when the process exits). */
  close(): void;
}

/** An evaluator of logisticSampleLoss over `blocks`, on `threads` threads (1 or 2). */
export function logisticLossEvaluator(blocks: LogisticBlock[], structure: GridStructure, thetaLength: number, extraScale: number, threads = lossThreads()): LossEvaluator {
  const rows = blocks.reduce((sum, b) => sum + b.index.length, 0);
  if (threads === 1 || rows < 2 * MIN_ROWS_FOR_WORKER) {
    return { threads: 1, evaluate: (theta) => logisticSampleLoss(theta, blocks, structure, extraScale), close: () => undefined };
  }
  const shared: SharedLoss = {
    height: structure.height,
    width: structure.width,
    connectivity: structure.connectivity,
    D: structure.size,
    blocks: blocks.map((b) => ({
      images: share(b.images),
      index: share(b.index),
      partners: b.partners ? share(b.partners) : null,
      offset: b.offset ? share(b.offset) : null,
      sign: b.sign,
      weight: b.weight,
      split: Math.ceil(b.index.length / 2),
    })),
    thetaLength,
    extraScale,
    theta: new SharedArrayBuffer(8 * thetaLength),
    out: new SharedArrayBuffer(8 * (thetaLength + 1)),
    ctrl: new SharedArrayBuffer(4 * 4),
    error: new SharedArrayBuffer(ERROR_BYTES),
  };
  const ctrl = new Int32Array(shared.ctrl);
  const sharedTheta = new Float64Array(shared.theta);
  const out = new Float64Array(shared.out);
  const own = sharedShare(shared, 'main');
  const worker = startWorker(shared);
  let request = 0;
  const waitFor = (slot: number, value: number, what: string) => waitForSlot(ctrl, slot, value, WORKER_TIMEOUT_MS, 'NCE loss worker', what);
  waitFor(CTRL.ready, 1, 'start');
  return {
    threads: 2,
    evaluate(theta) {
      sharedTheta.set(theta);
      request++;
      Atomics.store(ctrl, CTRL.request, request);
      Atomics.notify(ctrl, CTRL.request);
      const mine = logisticSampleLoss(theta, own, structure, extraScale);
      waitFor(CTRL.done, request, 'answer');
      if (Atomics.load(ctrl, CTRL.status) !== 0) throw new Error(`NCE loss worker: ${readSharedText(new Uint8Array(shared.error))}`);
      const gradient = mine.gradient.map((g, i) => g + out[i + 1]);
      return { value: mine.value + out[0], gradient };
    },
    close() {
      Atomics.store(ctrl, CTRL.request, -1);
      Atomics.notify(ctrl, CTRL.request);
      void worker.terminate();
    },
  };
}

function startWorker(shared: SharedLoss): Worker {
  const worker = startTypeScriptWorker('gaussian/contrastive/loss-worker.ts', shared);
  worker.unref();
  return worker;
}
