// Throughput of DEM training for `npm run bench`: Adam steps at the notebook's size (K = J = 64,
// D = 784), on whitened-like random rows, after a short warm-up; on the exact SM loss (split over
// `threads`) or on denoising / sliced SM (one thread: see lib/dem/train).
import { chooseBackend } from '../../lib/backend';
import { createRng } from '../../lib/random';
import { denoisingObjective } from '../../lib/dem/denoising-sm';
import { createDem, DEFAULT_DEM_CONFIG } from '../../lib/dem/model';
import { DemObjective } from '../../lib/dem/objective';
import { slicedObjective } from '../../lib/dem/sliced-sm';
import { trainDem } from '../../lib/dem/train';

const WARMUP_STEPS = 3;

export interface ThroughputOptions {
  batch: number;
  steps: number;
  /** Threads sharing each batch (default threadCount()). */
  threads?: number;
  seed?: number;
  /** Which loss the steps minimise (default 'exact'). */
  objective?: 'exact' | 'denoising' | 'sliced';
}

/** σₙ of the benchmarked DSM (its cost does not depend on it). */
const BENCH_DSM_NOISE = 0.1;

function benchObjective(name: ThroughputOptions['objective'], seed: number): DemObjective | undefined {
  if (name === 'denoising') return denoisingObjective(BENCH_DSM_NOISE, seed);
  if (name === 'sliced') return slicedObjective(seed);
  return undefined;
}

/** Training samples per second over `steps` timed steps (gradient, checks and Adam update). */
export async function measureTrainThroughput(options: ThroughputOptions): Promise<number> {
  const { batch, steps, seed = 1 } = options;
  const objective = options.objective ?? 'exact';
  const threads = objective === 'exact' ? options.threads : 1;
  await chooseBackend();
  const D = DEFAULT_DEM_CONFIG.inputs;
  const rng = createRng(seed);
  const rows = Float32Array.from({ length: batch * Math.max(steps, WARMUP_STEPS) * D }, () => rng.normal());
  const model = createDem(DEFAULT_DEM_CONFIG, { seed });
  try {
    const common = { batchSize: batch, learningRate: 1e-3, seed, threads };
    await trainDem(model, rows.subarray(0, batch * WARMUP_STEPS * D), null, {
      ...common,
      run: 'bench-warmup',
      epochs: 1,
      objective: benchObjective(objective, seed),
    });
    const history = await trainDem(model, rows.subarray(0, batch * steps * D), null, {
      ...common,
      run: `bench-${objective}-batch${batch}`,
      epochs: 1,
      objective: benchObjective(objective, seed),
    });
    return history.samplesPerSecond;
  } finally {
    model.dispose();
  }
}
