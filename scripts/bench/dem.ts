// Throughput of DEM score-matching training for `npm run bench`: Adam steps on the full SM loss at
// the notebook's size (K = J = 64, D = 784), on whitened-like random rows, after a short warm-up.
import { chooseBackend } from '../../lib/backend';
import { createRng } from '../../lib/random';
import { createDem, DEFAULT_DEM_CONFIG } from '../../lib/dem/model';
import { trainDem } from '../../lib/dem/train';

const WARMUP_STEPS = 3;

export interface ThroughputOptions {
  batch: number;
  steps: number;
  /** Threads sharing each batch (default demThreads()). */
  threads?: number;
  seed?: number;
}

/** Training samples per second over `steps` timed steps (gradient, checks and Adam update). */
export async function measureTrainThroughput(options: ThroughputOptions): Promise<number> {
  const { batch, steps, threads, seed = 1 } = options;
  await chooseBackend();
  const D = DEFAULT_DEM_CONFIG.inputs;
  const rng = createRng(seed);
  const rows = Float32Array.from({ length: batch * Math.max(steps, WARMUP_STEPS) * D }, () => rng.normal());
  const model = createDem(DEFAULT_DEM_CONFIG, { seed });
  try {
    const common = { batchSize: batch, learningRate: 1e-3, seed, threads };
    await trainDem(model, rows.subarray(0, batch * WARMUP_STEPS * D), null, { ...common, run: 'bench-warmup', epochs: 1 });
    const history = await trainDem(model, rows.subarray(0, batch * steps * D), null, { ...common, run: `bench-batch${batch}`, epochs: 1 });
    return history.samplesPerSecond;
  } finally {
    model.dispose();
  }
}
