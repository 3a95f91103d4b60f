// `npm run bench`'s NCE figure: one NCE fit on MNIST exactly as notebook 01 runs it (full size),
// from data preparation to the notebook's stopping rule (a fixed number of Adam steps).
import { chooseBackend } from '../backend';
import { Connectivity, gridStructure } from './structure';
import { localFromDense } from './moments';
import { fitScoreMatchingBarrier } from './score-matching-barrier';
import { fitNce, prepareNce } from './nce';
import { mnistGaussianSettings, prepareMnistGaussian } from './mnist-gaussian';
import { noiseCovariance } from './mnist-models';

/** Seconds for the NCE stage of notebook 01 (noise pool + fit) for one structure, full size. */
export async function measureNceFitSeconds(connectivity: Connectivity): Promise<number> {
  await chooseBackend();
  const settings = mnistGaussianSettings('full');
  const data = prepareMnistGaussian(settings);
  const structure = gridStructure(28, 28, connectivity);
  const init = fitScoreMatchingBarrier(localFromDense(data.correlation, structure), settings.smBarrierTau, { tolerance: settings.smBarrierTolerance }).precision;
  const start = performance.now();
  const rows = data.standardisedTrain.subarray(0, settings.nceRows * 784);
  const problem = prepareNce(rows, settings.nceRows, noiseCovariance(data, settings), settings.nu * settings.nceRows, 1);
  fitNce(problem, structure, { nu: settings.nu, steps: settings.steps, batchSize: settings.batchSize, learningRate: settings.learningRate, finalLearningRate: settings.finalLearningRate, seed: 2, init, eigenvalueFloor: settings.eigenvalueFloor });
  return (performance.now() - start) / 1000;
}
