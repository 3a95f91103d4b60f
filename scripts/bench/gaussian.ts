// `npm run bench`'s NCE figures: one NCE fit on MNIST exactly as notebook 01 runs it (full size),
// from data preparation to the notebook's stopping rule (a fixed number of Adam steps), and the
// speed of the full-batch sample loss that notebook 01's 28×28 ground truth minimises.
import { chooseBackend } from '../../lib/backend';
import { Connectivity, gridStructure, parameterCount } from '../../lib/gaussian/model/structure';
import { createRng } from '../../lib/random';
import { logisticLossEvaluator } from '../../lib/gaussian/contrastive/parallel-loss';
import { localFromDense } from '../../lib/gaussian/model/local-moments';
import { fitScoreMatchingBarrier } from '../../lib/gaussian/score-matching/barrier';
import { fitNce } from '../../lib/gaussian/contrastive/nce';
import { prepareNce } from '../../lib/gaussian/contrastive/nce-noise';
import { prepareMnistGaussian } from '../../lib/experiments/01-mnist-gaussian/data';
import { noiseCovariance } from '../../lib/experiments/01-mnist-gaussian/models';

/** The workload timed: the NCE stage with notebook 01's full-size parameter values. */
const NCE_WORKLOAD = {
  smBarrierTau: 1,
  smBarrierTolerance: 1e-6,
  nceRows: 4000,
  nu: 10,
  noiseRidge: 1e-2,
  steps: 200,
  batchSize: 100,
  learningRate: 0.01,
  finalLearningRate: 0.001,
  eigenvalueFloor: 0.02,
};

/** Seconds for the NCE stage of notebook 01 (noise pool + fit) for one structure, full size. */
export async function measureNceFitSeconds(connectivity: Connectivity): Promise<number> {
  await chooseBackend();
  const settings = NCE_WORKLOAD;
  const data = prepareMnistGaussian();
  const structure = gridStructure(28, 28, connectivity);
  const init = fitScoreMatchingBarrier(localFromDense(data.correlation, structure), settings.smBarrierTau, {
    tolerance: settings.smBarrierTolerance,
  }).precision;
  const start = performance.now();
  const rows = data.standardisedTrain.subarray(0, settings.nceRows * 784);
  const problem = prepareNce(rows, settings.nceRows, noiseCovariance(data, settings), settings.nu * settings.nceRows, 1);
  fitNce(problem, structure, {
    nu: settings.nu,
    steps: settings.steps,
    batchSize: settings.batchSize,
    learningRate: settings.learningRate,
    finalLearningRate: settings.finalLearningRate,
    seed: 2,
    init,
    eigenvalueFloor: settings.eigenvalueFloor,
  });
  return (performance.now() - start) / 1000;
}

/**
 * Rows per second of one evaluation of the full-batch NCE sample loss on 28×28 (4-connected), as the
 * ground truth runs it, on `threads` threads: 20,000 seeded rows of a random field, θ = a diagonal Λ.
 */
export function measureSampleLossRowsPerSecond(threads: number, repeats: number): number {
  const structure = gridStructure(28, 28, 4);
  const D = structure.size;
  const rows = 20_000;
  const rng = createRng(3);
  const images = Float32Array.from({ length: rows * D }, () => rng.normal());
  const blocks = [{ images, index: Int32Array.from({ length: rows }, (_, i) => i), offset: new Float64Array(rows), sign: 1, weight: 1 / rows }];
  const theta = Float64Array.from({ length: parameterCount(structure) + 1 }, (_, j) => (j < D ? 1 : 0));
  const evaluator = logisticLossEvaluator(blocks, structure, theta.length, D, threads);
  try {
    evaluator.evaluate(theta);
    const times: number[] = [];
    for (let k = 0; k < repeats; k++) {
      const start = performance.now();
      evaluator.evaluate(theta);
      times.push((performance.now() - start) / 1000);
    }
    times.sort((a, b) => a - b);
    return rows / times[Math.floor(times.length / 2)];
  } finally {
    evaluator.close();
  }
}
