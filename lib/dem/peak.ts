// Why the homework's units cannot sharpen a density's peak, as measurable statements.
// Along a line x = t·d through the origin, h = sigmoid(t·Vd) = ½ + (an odd function of t), so each
// unit is softplus(cₖ' + oₖ(t)) with oₖ odd. softplus is convex, so the unit's even part
// ½[softplus(cₖ' + o) + softplus(cₖ' − o)] is at least softplus(cₖ'), its value at t = 0; bᵀx is odd.
// Hence, for every direction d and every t,
//   evenExcess(t) = ½[log p(td) + log p(−td)] − log p(0) + t²‖d‖²/(2σ²) ≥ 0:
// the network can only lift the density away from the origin relative to the Gaussian term.
// Normalised, p(0) ≤ (2πσ²)^(−D/2): with E(x) = the network's even part, Z = ∫ e^{−‖x‖²/2σ²} ·
// ½(e^{N(x)} + e^{N(−x)}) dx ≥ ∫ e^{−‖x‖²/2σ²} e^{E(x)} dx ≥ (2πσ²)^{D/2} e^{N(0)} (AM–GM, then
// E ≥ N(0)). A sparse component — a marginal more peaked than the Gaussian of its variance, e.g. a
// Laplace with p(0) = 1/√(2·variance) against 1/√(2π·variance) — is out of reach at σ² = its variance.
import * as tf from '@tensorflow/tfjs';
import { Dem, logDensity } from './model';
import { Rng } from '../random';

/**
 * log of the bound (2πσ²)^(−D/2) on the normalised model density at the origin. It holds for the
 * homework's sigmoid features only: an even g (log cosh) makes hₖ even along the line, and a unit with a
 * negative weight then lowers the density away from the origin (evenExcess < 0), which is its purpose.
 */
export function logOriginDensityBound(model: Dem): number {
  const { sigma, inputs, unit } = model.config;
  if (unit !== undefined && unit !== 'sigmoid') throw new Error(`logOriginDensityBound: the bound holds for sigmoid features, not "${unit}"`);
  return -0.5 * inputs * Math.log(2 * Math.PI * sigma * sigma);
}

/** evenExcess(t) above, for each t, along `direction` (length D). */
export function evenExcess(model: Dem, direction: ArrayLike<number>, ts: readonly number[]): number[] {
  const D = model.config.inputs;
  if (direction.length !== D) throw new Error(`evenExcess: direction has ${direction.length} values, the model ${D} inputs`);
  const squaredNorm = Array.from(direction).reduce((sum, v) => sum + v * v, 0);
  const rows = new Float32Array((2 * ts.length + 1) * D);
  ts.forEach((t, i) => {
    for (let j = 0; j < D; j++) {
      rows[2 * i * D + j] = t * direction[j];
      rows[(2 * i + 1) * D + j] = -t * direction[j];
    }
  });
  const logp = tf.tidy(() => logDensity(model, tf.tensor2d(rows, [2 * ts.length + 1, D])).dataSync());
  const atOrigin = logp[2 * ts.length];
  return ts.map((t, i) => 0.5 * (logp[2 * i] + logp[2 * i + 1]) - atOrigin + (t * t * squaredNorm) / (2 * model.config.sigma ** 2));
}

/**
 * A one-input model's density normalised on `points` even steps over [from, to] (trapezoid rule), as a
 * function that reads it at the grid point nearest to a value in [from, to].
 */
export function normalisedDensity1D(model: Dem, from: number, to: number, points: number): (value: number) => number {
  if (model.config.inputs !== 1) throw new Error(`normalisedDensity1D: the model has ${model.config.inputs} inputs, expected 1`);
  if (!(to > from) || !Number.isInteger(points) || points < 3) {
    throw new Error(`normalisedDensity1D: expected from < to and an integer number of points ≥ 3, got [${from}, ${to}] with ${points}`);
  }
  const step = (to - from) / (points - 1);
  const x = Float64Array.from({ length: points }, (_, i) => from + i * step);
  const logp = Float64Array.from(tf.tidy(() => logDensity(model, tf.tensor2d(Float32Array.from(x), [points, 1])).dataSync()));
  const peak = logp.reduce((m, v) => Math.max(m, v), -Infinity);
  const unnormalised = logp.map((v) => Math.exp(v - peak));
  const Z = step * (unnormalised.reduce((sum, v) => sum + v, 0) - 0.5 * (unnormalised[0] + unnormalised[points - 1]));
  const density = unnormalised.map((v) => v / Z);
  return (value: number) => {
    if (!(value >= from && value <= to)) throw new Error(`normalisedDensity1D: ${value} lies outside the grid [${from}, ${to}]`);
    return density[Math.round((value - from) / step)];
  };
}

/** n draws of a zero-mean Laplace with the given variance: scale·(E₁ − E₂), E exponential, scale √(variance/2). */
export function laplaceSamples(n: number, variance: number, rng: Rng): Float32Array {
  if (!(variance > 0)) throw new Error(`laplaceSamples: variance must be positive, got ${variance}`);
  const scale = Math.sqrt(variance / 2);
  // uniform() is in [0, 1), so 1 − uniform() is never 0.
  const exponential = () => -Math.log(1 - rng.uniform());
  return Float32Array.from({ length: n }, () => scale * (exponential() - exponential()));
}

/** The Laplace density of that variance at x. */
export function laplaceDensity(x: number, variance: number): number {
  const scale = Math.sqrt(variance / 2);
  return Math.exp(-Math.abs(x) / scale) / (2 * scale);
}
