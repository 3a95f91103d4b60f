// Notebook 01's data preparation: dequantised MNIST, the per-pixel mean image, the per-pixel scale,
// and the train covariance S — raw and standardised (R = diag(a) S diag(a), a = 1/σ).
// Why standardise: SM's loss weighs every pixel's score by its precision, so in raw units the
// never-lit pixels (σ ≈ 0.001 after dequantisation) would dominate it; NCE and cNCE are unchanged
// by the rescaling (their log-density differences are invariant). Fitted precisions map back by
// Λ = diag(a) Λ̃ diag(a).
import { loadMnist } from '../../data/mnist';
import { RunSize } from '../../report/size';
import { alwaysZeroPixels, dequantise } from '../../data/dequantise';
import { centre, columnMeans } from '../../data/rows';
import { secondMomentDense } from '../../data/moments';
import { imagesLightingUnseenPixels, UnseenPixels } from '../../gaussian/evaluation/heldout';

export const DEQUANTISE_SEED = { train: 101, test: 102 };

export interface MnistDataOptions {
  /** Training digits used (default: all in the data folder). */
  trainLimit?: number;
  /** Run size (default LFR_SIZE): quick caps the digits taken from a large folder (see ../data/mnist). */
  size?: RunSize;
}

export interface MnistGaussianData {
  /** Where the training and the test digits came from (loadMnist's words), for the notebook to print. */
  source: string;
  testSource: string;
  n: number;
  nTest: number;
  /** Grey level / 255, [n, 784]. */
  trainImages: Float32Array;
  alwaysZero: number[];
  mean: Float64Array;
  /** Dequantised minus the mean image, [n, 784] and [nTest, 784]. */
  centredTrain: Float32Array;
  centredTest: Float32Array;
  /** aᵢ = 1/σᵢ of the dequantised training pixels. */
  scale: Float64Array;
  standardisedTrain: Float32Array;
  /** S (covariance of the dequantised training pixels) and R = diag(a) S diag(a), D×D. */
  covariance: Float64Array;
  correlation: Float64Array;
  /** Pixels never lit in training, and the test images that light one (see ./heldout). */
  unseen: UnseenPixels;
}

export function prepareMnistGaussian(options: MnistDataOptions = {}): MnistGaussianData {
  const D = 784;
  const train = loadMnist({ split: 'train', limit: options.trainLimit, size: options.size });
  const test = loadMnist({ split: 'test', size: options.size });
  const dequantisedTrain = dequantise(train.images, DEQUANTISE_SEED.train);
  const mean = columnMeans(dequantisedTrain, D);
  const centredTrain = centre(dequantisedTrain, train.n, mean);
  const centredTest = centre(dequantise(test.images, DEQUANTISE_SEED.test), test.n, mean);
  const covariance = secondMomentDense(centredTrain, train.n, D);
  const scale = Float64Array.from({ length: D }, (_, i) => 1 / Math.sqrt(covariance[i * D + i]));
  const correlation = covariance.map((v, k) => v * scale[Math.floor(k / D)] * scale[k % D]);
  // On shared memory, so fitPerStructure's worker threads (./per-structure) read it without a copy.
  const standardisedTrain = new Float32Array(new SharedArrayBuffer(centredTrain.byteLength));
  for (let k = 0; k < centredTrain.length; k++) standardisedTrain[k] = centredTrain[k] * scale[k % D];
  return {
    source: train.source,
    testSource: test.source,
    n: train.n,
    nTest: test.n,
    trainImages: train.images,
    alwaysZero: alwaysZeroPixels(train.images, train.n, D),
    mean,
    centredTrain,
    centredTest,
    scale,
    standardisedTrain,
    covariance,
    correlation,
    unseen: imagesLightingUnseenPixels(train.images, train.n, test.images, test.n, D),
  };
}
