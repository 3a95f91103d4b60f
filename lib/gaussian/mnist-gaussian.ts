// Notebook 01's data preparation and estimator settings in one place (the notebook and
// `npm run bench` both use them): dequantised MNIST, the per-pixel mean image, the per-pixel scale,
// and the train covariance S — raw and standardised (R = diag(a) S diag(a), a = 1/σ).
// Why standardise: SM's loss weighs every pixel's score by its precision, so in raw units the
// never-lit pixels (σ ≈ 0.001 after dequantisation) would dominate it; NCE and cNCE are unchanged
// by the rescaling (their log-density differences are invariant). Fitted precisions map back by
// Λ = diag(a) Λ̃ diag(a).
import { loadMnist } from '../data/mnist';
import { RunSize, bySize } from '../report/size';
import { alwaysZeroPixels, dequantise } from './dequantise';
import { centre, meanImage, secondMomentDense } from './moments';

export const DEQUANTISE_SEED = { train: 101, test: 102 };

export interface MnistGaussianSettings {
  trainLimit?: number;
  /** Log-det barrier weight for SM, in standardised units (score-matching-barrier.ts). */
  smBarrierTau: number;
  /** L-BFGS stopping rule ‖∇F_τ‖ ≤ tolerance·√D (1e-6 moves Λ by 5e-7 relative against 1e-9, at a third of the time). */
  smBarrierTolerance: number;
  /** Adam steps and learning-rate decay (start → final) for SM by gradient. */
  smGradientSteps: number;
  smGradientLearningRate: [number, number];
  /** NCE: data rows used (the noise pool holds ν times as many), ν, ridge δ of N(0, R + δI). */
  nceRows: number;
  nu: number;
  noiseRidge: number;
  steps: number;
  batchSize: number;
  /** cNCE pairs per step. */
  cnceBatchSize: number;
  learningRate: number;
  finalLearningRate: number;
  /** Smallest eigenvalue NCE/cNCE may reach (standardised units): no direction's variance above 1/η. */
  eigenvalueFloor: number;
}

export function mnistGaussianSettings(size: RunSize): MnistGaussianSettings {
  return {
    // All 8,000 training digits of the mnist package at both sizes: with 3,000, 145 pixels are
    // never lit (their test values cost every model hundreds of nats) and SM's Hessian is so badly
    // conditioned that 600 Adam steps ended 0.40 (relative) from the exact optimum.
    trainLimit: undefined,
    smBarrierTau: 1,
    smBarrierTolerance: 1e-6,
    // Measured on the 8,000 digits: 1,500 steps from 1 to 1e-3 end 2e-7 (4-connected) and 1e-5
    // (8-connected) from the exact optimum; 1,000 steps leave 1.4e-3 for 8-connected.
    smGradientSteps: 1500,
    smGradientLearningRate: [1, 1e-3],
    nceRows: bySize({ quick: 1000, full: 4000 }, size),
    nu: 10,
    noiseRidge: 1e-2,
    steps: bySize({ quick: 60, full: 200 }, size),
    batchSize: 100,
    cnceBatchSize: bySize({ quick: 200, full: 400 }, size),
    learningRate: 0.01,
    finalLearningRate: 0.001,
    eigenvalueFloor: 0.02,
  };
}

export interface MnistGaussianData {
  source: string;
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
}

export function prepareMnistGaussian(settings: MnistGaussianSettings): MnistGaussianData {
  const D = 784;
  const train = loadMnist({ split: 'train', limit: settings.trainLimit });
  const test = loadMnist({ split: 'test' });
  const dequantisedTrain = dequantise(train.images, DEQUANTISE_SEED.train);
  const mean = meanImage(dequantisedTrain, train.n, D);
  const centredTrain = centre(dequantisedTrain, train.n, mean);
  const centredTest = centre(dequantise(test.images, DEQUANTISE_SEED.test), test.n, mean);
  const covariance = secondMomentDense(centredTrain, train.n, D);
  const scale = Float64Array.from({ length: D }, (_, i) => 1 / Math.sqrt(covariance[i * D + i]));
  const correlation = covariance.map((v, k) => v * scale[Math.floor(k / D)] * scale[k % D]);
  const standardisedTrain = centredTrain.map((v, k) => v * scale[k % D]);
  return {
    source: train.source,
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
  };
}
