// The full-batch NCE/cNCE sample loss on several threads. Each evaluation costs two pattern passes
// per row (≈ 12.6 µs for 28×28 in single-threaded JavaScript), and the 28×28 ground truth needs ~10⁷
// row evaluations, so the rows of every block are split into equal shares: this thread takes the
// first, each worker of the pool (../../parallel/pool, body in ./loss-worker) one of the others.
// Rows are copied once into shared memory; per evaluation only θ and the results cross, and the
// objective stays synchronous for L-BFGS. The shares are always added in the same order, so a fixed
// thread count gives the same numbers every run.
import { shareArray, startPool, threadCount } from '../../parallel/pool';
import { Connectivity, GridStructure } from '../model/structure';
import { LogisticBlock, logisticSampleLoss } from './logistic-loss';

/** A worker's share below this many rows (≈ 12 ms of work) would not repay its hand-over. */
const MIN_ROWS_PER_THREAD = 1000;

interface SharedBlock {
  images: SharedArrayBuffer;
  index: SharedArrayBuffer;
  partners: SharedArrayBuffer | null;
  /** Whether the partners are float64 (cNCE's minibatch partners) rather than float32. */
  partners64: boolean;
  couples: SharedArrayBuffer | null;
  offset: SharedArrayBuffer | null;
  sign: number;
  weight: number;
  /** This worker's rows are [from, to). */
  from: number;
  to: number;
}

/** What one loss worker receives (structured-cloned; the buffers are shared, not copied). */
export interface SharedLoss {
  height: number;
  width: number;
  connectivity: Connectivity;
  blocks: SharedBlock[];
  thetaLength: number;
  extraScale: number;
  /** θ, written by this thread before each request (one buffer for all workers). */
  theta: SharedArrayBuffer;
  /** The worker's [value, gradient]. */
  out: SharedArrayBuffer;
}

/** The worker's rows of every block, as views into the shared rows. */
export function sharedBlocks(shared: SharedLoss): LogisticBlock[] {
  const D = shared.height * shared.width;
  return shared.blocks.map((b) => {
    const partners = b.partners ? (b.partners64 ? new Float64Array(b.partners) : new Float32Array(b.partners)) : undefined;
    return {
      images: new Float32Array(b.images),
      index: new Int32Array(b.index).subarray(b.from, b.to),
      partners: partners?.subarray(b.from * D, b.to * D),
      couples: b.couples ? new Float64Array(b.couples).subarray(b.from * D, b.to * D) : undefined,
      offset: b.offset ? new Float64Array(b.offset).subarray(b.from, b.to) : undefined,
      sign: b.sign,
      weight: b.weight,
    };
  });
}

export interface LossEvaluator {
  threads: number;
  evaluate(theta: Float64Array): { value: number; gradient: Float64Array };
  /** Stops the workers (also stopped when the process exits). */
  close(): void;
}

/** An evaluator of logisticSampleLoss over `blocks`, on up to `threads` threads (fewer for few rows). */
export function logisticLossEvaluator(
  blocks: LogisticBlock[],
  structure: GridStructure,
  thetaLength: number,
  extraScale: number,
  threads = threadCount(),
): LossEvaluator {
  const rows = blocks.reduce((sum, b) => sum + b.index.length, 0);
  const used = Math.max(1, Math.min(threads, Math.floor(rows / MIN_ROWS_PER_THREAD)));
  if (used === 1) {
    return { threads: 1, evaluate: (theta) => logisticSampleLoss(theta, blocks, structure, extraScale), close: () => undefined };
  }
  // Share t of a block of n rows is [bound(n, t), bound(n, t + 1)).
  const bound = (n: number, t: number) => Math.min(n, t * Math.ceil(n / used));
  const own = blocks.map((b) => {
    const to = bound(b.index.length, 1);
    return {
      ...b,
      index: b.index.subarray(0, to),
      partners: b.partners?.subarray(0, to * structure.size),
      couples: b.couples?.subarray(0, to * structure.size),
      offset: b.offset?.subarray(0, to),
    };
  });
  const sharedRows = blocks.map((b) => ({
    images: shareArray(b.images),
    index: shareArray(b.index),
    partners: b.partners ? shareArray(b.partners) : null,
    partners64: b.partners instanceof Float64Array,
    couples: b.couples ? shareArray(b.couples) : null,
    offset: b.offset ? shareArray(b.offset) : null,
    sign: b.sign,
    weight: b.weight,
  }));
  const theta = new SharedArrayBuffer(8 * thetaLength);
  const outs = Array.from({ length: used - 1 }, () => new SharedArrayBuffer(8 * (thetaLength + 1)));
  const work: SharedLoss[] = outs.map((out, w) => ({
    height: structure.height,
    width: structure.width,
    connectivity: structure.connectivity,
    blocks: sharedRows.map((b, k) => ({ ...b, from: bound(blocks[k].index.length, w + 1), to: bound(blocks[k].index.length, w + 2) })),
    thetaLength,
    extraScale,
    theta,
    out,
  }));
  const pool = startPool('NCE loss worker', 'gaussian/contrastive/loss-worker.ts', work);
  const sharedTheta = new Float64Array(theta);
  const results = outs.map((out) => new Float64Array(out));
  return {
    threads: used,
    evaluate(at) {
      sharedTheta.set(at);
      results.forEach((_, w) => pool.request(w));
      const mine = logisticSampleLoss(at, own, structure, extraScale);
      let value = mine.value;
      const gradient = mine.gradient;
      results.forEach((out, w) => {
        pool.wait(w);
        value += out[0];
        for (let i = 0; i < gradient.length; i++) gradient[i] += out[i + 1];
      });
      return { value, gradient };
    },
    close() {
      void pool.close();
    },
  };
}
