// Notebook 01's six fitted models (SM, NCE, cNCE × 4-/8-connected) and how each is summarised:
// all fitted on standardised pixels, reported in raw pixel units.
import { scaleSymmetric, SparsePrecision } from './precision';
import { gaussianLogLikelihood } from './likelihood';
import { smallestEigenvalue } from './positive-definite';
import { MnistGaussianData, MnistGaussianSettings } from './mnist-gaussian';

/** NCE's noise covariance in standardised units: R + δI (the full empirical correlation). */
export function noiseCovariance(data: MnistGaussianData, settings: MnistGaussianSettings): Float64Array {
  const C = data.correlation.slice();
  for (let i = 0; i < 784; i++) C[i * 784 + i] += settings.noiseRidge;
  return C;
}

/** Λ in raw pixel units from Λ̃ fitted to standardised pixels. */
export function toRawUnits(standardised: SparsePrecision, data: MnistGaussianData): SparsePrecision {
  return scaleSymmetric(standardised, data.scale);
}

export interface ModelSummary {
  heldout_loglik_per_image: number;
  heldout_bits_per_pixel: number;
  min_eigenvalue: number;
  min_eigenvalue_standardised: number;
  train_seconds: number;
}

export function summariseModel(standardised: SparsePrecision, data: MnistGaussianData, seconds: number, bits: (ll: number) => number): ModelSummary {
  const raw = toRawUnits(standardised, data);
  const ll = gaussianLogLikelihood(raw, data.centredTest, data.nTest);
  return {
    heldout_loglik_per_image: ll,
    heldout_bits_per_pixel: bits(ll),
    min_eigenvalue: smallestEigenvalue(raw),
    min_eigenvalue_standardised: smallestEigenvalue(standardised),
    train_seconds: seconds,
  };
}

