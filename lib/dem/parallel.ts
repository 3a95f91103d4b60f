// Data parallelism for the score-matching gradient: tfjs-wasm runs single-threaded in Node (its
// threaded build needs blob-URL workers), so each batch is split into equal shares, worker threads
// (./gradient-worker, one tfjs instance each) compute the mean gradient of their shares while the
// main thread computes its own, and the shares are averaged with weights rows/N. The result equals
// the single-thread gradient up to float32 rounding (a test compares them); for a fixed thread count
// training is deterministic. Parameters and rows travel through shared memory (./parallel-layout),
// requests through the project's worker pool (../parallel/pool), so a step costs a few memory copies
// and no event-loop round trip.
import * as tf from '@tensorflow/tfjs';
import { startPool, threadCount, WorkerPool } from '../parallel/pool';
import { Dem, DemConfig, FEATURE_UNITS, PARAM_NAMES } from './model';
import { smLossAndGradient, SmGradient } from './score-matching';
import { LayoutViews, SCALARS, createLayout, createParamBuffer, layoutViews } from './parallel-layout';

/** Below this many rows per thread the handshake costs more than the split saves. */
const MIN_ROWS_PER_THREAD = 32;

export interface GradientPool {
  config: DemConfig;
  threads: number;
  capacity: number;
  params: LayoutViews['params'];
  /** Each worker's buffers. */
  workers: LayoutViews[];
  pool: WorkerPool;
}

let pool: GradientPool | null = null;

function sameShape(a: DemConfig, b: DemConfig): boolean {
  return a.inputs === b.inputs && a.features === b.features && a.units === b.units;
}

/** Stops the workers (they are also stopped when the process exits). */
export async function closeGradientPool(): Promise<void> {
  if (!pool) return;
  const { pool: workers } = pool;
  pool = null;
  await workers.close();
}

/**
 * The process-wide pool for models of this shape and batches of up to `capacity` rows, started on
 * first use (≈ 1 s per worker to load tfjs) and reused by later runs; null when threads = 1.
 */
export async function gradientPool(config: DemConfig, capacity: number, threads = threadCount()): Promise<GradientPool | null> {
  if (threads <= 1) return null;
  if (pool && pool.threads === threads && sameShape(pool.config, config) && pool.capacity >= capacity) return pool;
  await closeGradientPool();
  const paramBuffer = createParamBuffer(config);
  const shareCapacity = Math.ceil(capacity / threads);
  const layouts = Array.from({ length: threads - 1 }, () => createLayout(config, shareCapacity, paramBuffer));
  const workers = layouts.map(layoutViews);
  pool = {
    config: { ...config },
    threads,
    capacity,
    params: workers[0].params,
    workers,
    pool: startPool(`DEM gradient worker (J=${config.features}, K=${config.units})`, 'dem/gradient-worker.ts', layouts),
  };
  return pool;
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
    throw new Error(
      `batchGradient: the pool serves ${JSON.stringify(gradients.config)} with ≤ ${gradients.capacity} rows, got ${JSON.stringify(model.config)} with ${N}`,
    );
  }
  // Shares: the main thread takes the first, each worker one of the others.
  const share = Math.ceil(N / threads);
  const bounds = Array.from({ length: threads + 1 }, (_, t) => Math.min(N, t * share));
  for (const name of PARAM_NAMES) gradients.params[name].set(model.params[name].dataSync());
  gradients.workers.forEach((views, w) => {
    const [from, to] = [bounds[w + 1], bounds[w + 2]];
    views.rows.set(rows.subarray(from * D, to * D));
    views.scalars[SCALARS.sigma] = model.config.sigma;
    views.scalars[SCALARS.unit] = FEATURE_UNITS.indexOf(model.config.unit ?? 'sigmoid');
    views.scalars[SCALARS.rows] = to - from;
    gradients.pool.request(w);
  });
  const own = tf.tidy(() => smLossAndGradient(model, tf.tensor2d(rows.subarray(0, bounds[1] * D), [bounds[1], D])));
  try {
    gradients.workers.forEach((_, w) => gradients.pool.wait(w));
  } catch (error) {
    tf.dispose([own.loss, own.terms, ...Object.values(own.grads)]);
    throw error;
  }
  return tf.tidy(() => {
    const weight = (t: number) => (bounds[t + 1] - bounds[t]) / N;
    const combine = <T extends tf.Tensor>(mine: T, theirs: (views: LayoutViews) => Float32Array): T =>
      tf.addN([tf.mul(mine, weight(0)), ...gradients.workers.map((views, w) => tf.mul(tf.tensor(theirs(views), mine.shape), weight(w + 1)))]) as T;
    const terms = combine(own.terms, (views) => views.terms);
    const grads = {} as SmGradient['grads'];
    for (const name of PARAM_NAMES) {
      (grads as Record<string, tf.Tensor>)[name] = combine(own.grads[name], (views) => views.grads[name]);
    }
    const loss = tf.sub(tf.sum(terms), model.config.inputs / model.config.sigma ** 2) as tf.Scalar;
    tf.dispose([own.loss, own.terms, ...Object.values(own.grads)]);
    return { loss, terms, grads };
  });
}
