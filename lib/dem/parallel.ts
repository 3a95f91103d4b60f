// Data parallelism for the score-matching gradient: tfjs-wasm runs single-threaded in Node (its
// threaded build needs blob-URL workers), so each batch is split into equal shares, worker threads
// (./gradient-worker, one tfjs instance each) compute the mean gradient of their shares while the
// main thread computes its own, and the shares are averaged with weights rows/N. The result equals
// the single-thread gradient up to float32 rounding (a test compares them); for a fixed thread count
// training is deterministic. Parameters and rows travel through shared memory (./parallel-layout),
// the handshake through Atomics, so a step costs a few memory copies and no event-loop round trip.
import * as os from 'os';
import { Worker } from 'worker_threads';
import * as tf from '@tensorflow/tfjs';
import { readSharedText, startTypeScriptWorker, waitForSlot } from '../parallel/worker-threads';
import { DEM_THREADS, readSetting } from '../report/settings';
import { Dem, DemConfig, PARAM_NAMES } from './model';
import { smLossAndGradient, SmGradient } from './score-matching';
import { CTRL, LayoutViews, createLayout, createParamBuffer, layoutViews } from './parallel-layout';

export const THREADS_ENV = DEM_THREADS.name;
/** A worker that has not answered a request within this time is reported as hung. */
const WORKER_TIMEOUT_MS = 120_000;
/** Below this many rows per thread the handshake costs more than the split saves. */
const MIN_ROWS_PER_THREAD = 32;

/**
 * Threads sharing each batch: LFR_DEM_THREADS if set, else 2 on a machine with at least 2 cores.
 * Fixed at 2 rather than the core count so the same seed gives the same numbers on any machine.
 */
export function demThreads(env: NodeJS.ProcessEnv = process.env): number {
  return readSetting(DEM_THREADS, env) ?? Math.min(2, os.availableParallelism ? os.availableParallelism() : os.cpus().length);
}

interface WorkerSlot {
  worker: Worker;
  views: LayoutViews;
}

export interface GradientPool {
  config: DemConfig;
  threads: number;
  capacity: number;
  params: LayoutViews['params'];
  workers: WorkerSlot[];
}

let pool: GradientPool | null = null;

function sameShape(a: DemConfig, b: DemConfig): boolean {
  return a.inputs === b.inputs && a.features === b.features && a.units === b.units;
}

async function startWorker(layout: ReturnType<typeof createLayout>): Promise<WorkerSlot> {
  const worker = startTypeScriptWorker('dem/gradient-worker.ts', layout);
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', (error) => reject(new Error(`DEM gradient worker failed to start: ${error.message}`)));
    worker.once('exit', (code) => reject(new Error(`DEM gradient worker exited with code ${code} before it was ready`)));
  });
  worker.removeAllListeners();
  worker.unref(); // an idle worker must not keep a script alive
  return { worker, views: layoutViews(layout) };
}

/** Stops the workers (they are also stopped when the process exits). */
export async function closeGradientPool(): Promise<void> {
  if (!pool) return;
  const { workers } = pool;
  pool = null;
  for (const { worker, views } of workers) {
    Atomics.store(views.ctrl, CTRL.request, -1);
    Atomics.notify(views.ctrl, CTRL.request);
    await worker.terminate();
  }
}

/**
 * The process-wide pool for models of this shape and batches of up to `capacity` rows, started on
 * first use (≈ 1 s per worker to load tfjs) and reused by later runs; null when threads = 1.
 */
export async function gradientPool(config: DemConfig, capacity: number, threads = demThreads()): Promise<GradientPool | null> {
  if (threads <= 1) return null;
  if (pool && pool.threads === threads && sameShape(pool.config, config) && pool.capacity >= capacity) return pool;
  await closeGradientPool();
  const paramBuffer = createParamBuffer(config);
  const shareCapacity = Math.ceil(capacity / threads);
  const workers = await Promise.all(Array.from({ length: threads - 1 }, () => startWorker(createLayout(config, shareCapacity, paramBuffer))));
  pool = { config: { ...config }, threads, capacity, params: workers[0].views.params, workers };
  return pool;
}

function waitForWorker(slot: WorkerSlot, request: number): void {
  const { ctrl } = slot.views;
  waitForSlot(ctrl, CTRL.done, request, WORKER_TIMEOUT_MS, 'DEM gradient worker', 'answer');
  if (Atomics.load(ctrl, CTRL.status) !== 0) throw new Error(readSharedText(slot.views.error));
}

/**
 * Mean loss, loss terms and gradient over the rows [N, D] (row-major), split across the pool's
 * threads when there is a pool and enough rows, else computed on this thread. Caller disposes.
 */
export function batchGradient(model: Dem, rows: Float32Array, gradients: GradientPool | null): SmGradient {
  const D = model.config.inputs;
  const N = rows.length / D;
  const threads = gradients && N >= MIN_ROWS_PER_THREAD * gradients.threads ? gradients.threads : 1;
  if (!gradients || threads === 1) {
    return tf.tidy(() => smLossAndGradient(model, tf.tensor2d(rows, [N, D])));
  }
  if (!sameShape(gradients.config, model.config) || N > gradients.capacity) {
    throw new Error(`batchGradient: the pool serves ${JSON.stringify(gradients.config)} with ≤ ${gradients.capacity} rows, got ${JSON.stringify(model.config)} with ${N}`);
  }
  // Shares: the main thread takes the first, each worker one of the others.
  const share = Math.ceil(N / threads);
  const bounds = Array.from({ length: threads + 1 }, (_, t) => Math.min(N, t * share));
  for (const name of PARAM_NAMES) gradients.params[name].set(model.params[name].dataSync());
  const requests = gradients.workers.map((slot, w) => {
    const [from, to] = [bounds[w + 1], bounds[w + 2]];
    const { ctrl, rows: shared, sigma } = slot.views;
    shared.set(rows.subarray(from * D, to * D));
    sigma[0] = model.config.sigma;
    Atomics.store(ctrl, CTRL.rows, to - from);
    const request = Atomics.add(ctrl, CTRL.request, 1) + 1;
    Atomics.notify(ctrl, CTRL.request);
    return request;
  });
  const own = tf.tidy(() => smLossAndGradient(model, tf.tensor2d(rows.subarray(0, bounds[1] * D), [bounds[1], D])));
  try {
    gradients.workers.forEach((slot, w) => waitForWorker(slot, requests[w]));
  } catch (error) {
    tf.dispose([own.loss, own.terms, ...Object.values(own.grads)]);
    throw error;
  }
  return tf.tidy(() => {
    const weight = (t: number) => (bounds[t + 1] - bounds[t]) / N;
    const combine = <T extends tf.Tensor>(mine: T, theirs: (slot: WorkerSlot) => Float32Array): T =>
      tf.addN([tf.mul(mine, weight(0)), ...gradients.workers.map((slot, w) => tf.mul(tf.tensor(theirs(slot), mine.shape), weight(w + 1)))]) as T;
    const terms = combine(own.terms, (slot) => slot.views.terms);
    const grads = {} as SmGradient['grads'];
    for (const name of PARAM_NAMES) {
      (grads as Record<string, tf.Tensor>)[name] = combine(own.grads[name], (slot) => slot.views.grads[name]);
    }
    const loss = tf.sub(tf.sum(terms), model.config.inputs / model.config.sigma ** 2) as tf.Scalar;
    tf.dispose([own.loss, own.terms, ...Object.values(own.grads)]);
    return { loss, terms, grads };
  });
}
