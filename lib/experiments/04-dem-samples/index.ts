// Notebook 04 (issue #17): what notebook 03's deep energy models have learned, seen through Langevin
// samples, and the same model trained by score matching without the Laplacian (denoising, sliced).
// Everything the notebook calls comes through this module.
import { radialPowerSpectrum, RadialSpectrum, spectralSlope } from '../../dem/spectrum';
import { paramArrays, Dem } from '../../dem/model';
import { filterLocality } from '../../dem/filters';
import { D, PatchInputs, SIDE, transformRows } from './inputs';

export { D, SIDE, loadPatchInputs, loadPrincipalRun, loadTrainedRuns, transformRows } from './inputs';
export {
  kurtosisQuantiles,
  principalHoldout,
  principalToPixels,
  principalToWhitened,
  responseKurtosis,
  sparsenessSentence,
  SPARSE_KURTOSIS,
} from './principal-samples';
export type { PatchInputs, TrainedRun } from './inputs';
export { chainStarts, gaussianSamplerCheck, logDensityTerms, mixingVerdict, movedChains, patchStatistics, runChains, whiteNoise } from './sampling';
export type { ChainRun, ChainSummary, SamplerSettings, GaussianSamplerCheck, LogDensityTerms } from './sampling';
export { gaussianDsmBias, objectiveSpecs, trainWithObjective } from './objectives';
export type { ComparisonSettings, GaussianDsmRow, ObjectiveName, ObjectiveRun, ObjectiveSpec } from './objectives';
export { chainTracePlot, gaussianDsmPlot, holdoutCurves, patchRows, spectrumPlot } from './figures';

/** Whitened rows back to pixels: C^{1/2} y + the mean image (grey scale ≈ [0, 1]). */
export function toPixels(whitened: Float32Array, inputs: PatchInputs): Float32Array {
  return transformRows(whitened, inputs.dewhitening, inputs.mean);
}

/** Mean-removed raw rows back to the grey scale. */
export function addMean(rows: Float32Array, inputs: PatchInputs): Float32Array {
  return Float32Array.from(rows, (v, i) => v + inputs.mean[i % D]);
}

export interface SpectrumSummary {
  spectrum: RadialSpectrum;
  /** Slope of log power against log f (about −2 for natural patches). */
  slope: number;
}

/** Radially averaged power spectrum of 28×28 rows and its log–log slope (the mean image should be removed first). */
export function spectrumOf(rows: Float32Array): SpectrumSummary {
  const spectrum = radialPowerSpectrum(rows, SIDE);
  return { spectrum, slope: spectralSlope(spectrum) };
}

/**
 * Mean squared coordinate of the rows along each leading principal direction uₖ of the patches, in units of
 * the data's own variance there: whitened rows as they are (ZCA maps uₖ to itself, with variance 1), raw
 * (mean-removed) rows divided by λₖ. About 1 for patches like the training data (the held-out photographs can
 * sit below it when they are smoother); far above 1 means a model spreads its samples along that direction.
 */
export function principalVariances(rows: Float32Array, inputs: PatchInputs, space: 'whitened' | 'raw'): number[] {
  const n = rows.length / D;
  return inputs.principal.vectors.map((u, k) => {
    let sum = 0;
    for (let r = 0; r < n; r++) {
      let projection = 0;
      for (let i = 0; i < D; i++) projection += rows[r * D + i] * u[i];
      sum += projection * projection;
    }
    return sum / n / (space === 'raw' ? inputs.principal.values[k] : 1);
  });
}

/** ‖v_j‖ of each filter: 1/‖v_j‖ is the distance over which its unit turns (a sigmoid's step, log cosh's bend). */
export function filterNorms(model: Dem): number[] {
  const { V } = paramArrays(model);
  const d = model.config.inputs;
  return Array.from({ length: V.length / d }, (_, j) => Math.sqrt(V.subarray(j * d, (j + 1) * d).reduce((acc, v) => acc + v * v, 0)));
}

/** The filters of a model as a flat [J, D] array, and their mean energy in a 7×7 window (noise ≈ 0.07). */
export function filtersOf(model: Dem): { V: Float32Array; locality: number } {
  const { V } = paramArrays(model);
  return { V, locality: filterLocality(V, SIDE).mean };
}
