// Float64 ground truth for the DEM tests: log p written out with plain loops (no tfjs, no shared
// code with lib/dem), and its gradient and Laplacian by central finite differences.
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../../lib/random';
import assert from 'node:assert/strict';
import { Dem, demFromArrays, DemConfig, PARAM_NAMES, ParamName } from '../../lib/dem/model';

export interface Params64 {
  config: DemConfig;
  V: Float64Array; // [J, D]
  W: Float64Array; // [K, J]
  b: Float64Array; // [D]
  c: Float64Array; // [K]
}

const sigmoid = (a: number) => (a >= 0 ? 1 / (1 + Math.exp(-a)) : Math.exp(a) / (1 + Math.exp(a)));
const softplus = (u: number) => Math.max(u, 0) + Math.log1p(Math.exp(-Math.abs(u)));
const logCosh = (a: number) => Math.log(Math.cosh(a)); // inputs here stay far below cosh's overflow

export function logp64(p: Params64, x: ArrayLike<number>): number {
  const { inputs: D, features: J, units: K, sigma } = p.config;
  let value = 0;
  for (let d = 0; d < D; d++) value += -(x[d] * x[d]) / (2 * sigma * sigma) + p.b[d] * x[d];
  const h = new Float64Array(J);
  for (let j = 0; j < J; j++) {
    let a = 0;
    for (let d = 0; d < D; d++) a += p.V[j * D + d] * x[d];
    h[j] = p.config.unit === 'log-cosh' ? logCosh(a) : sigmoid(a);
  }
  for (let k = 0; k < K; k++) {
    let u = p.c[k];
    for (let j = 0; j < J; j++) u += p.W[k * J + j] * h[j];
    value += softplus(u);
  }
  return value;
}

/** log p at y ± step·eₗ; y is restored before returning. */
function logpAround(p: Params64, y: Float64Array, l: number, step: number): [number, number] {
  const original = y[l];
  y[l] = original + step;
  const up = logp64(p, y);
  y[l] = original - step;
  const down = logp64(p, y);
  y[l] = original;
  return [up, down];
}

/** ∂ log p / ∂xₗ by central differences (step `step`). */
export function scoreFd(p: Params64, x: Float64Array, step = 1e-5): Float64Array {
  const g = new Float64Array(x.length);
  const y = Float64Array.from(x);
  for (let l = 0; l < x.length; l++) {
    const [up, down] = logpAround(p, y, l, step);
    g[l] = (up - down) / (2 * step);
  }
  return g;
}

/** Σₗ ∂² log p / ∂xₗ², the trace of the Hessian by second central differences. */
export function laplacianFd(p: Params64, x: Float64Array, step = 2e-4): number {
  const y = Float64Array.from(x);
  const centre = logp64(p, x);
  let trace = 0;
  for (let l = 0; l < x.length; l++) {
    const [up, down] = logpAround(p, y, l, step);
    trace += (up - 2 * centre + down) / (step * step);
  }
  return trace;
}

/** Random parameters, rounded to float32 so that the tfjs model holds exactly the same numbers. */
export function randomParams(config: DemConfig, seed: number, scales: { V: number; W: number; b: number; c: number }): Params64 {
  const rng = createRng(seed);
  const draw = (n: number, scale: number) => Float64Array.from(Float32Array.from({ length: n }, () => rng.normal() * scale));
  const { inputs: D, features: J, units: K } = config;
  return { config, V: draw(J * D, scales.V), W: draw(K * J, scales.W), b: draw(D, scales.b), c: draw(K, scales.c) };
}

export function toModel(p: Params64): Dem {
  return demFromArrays(p.config, { V: Float32Array.from(p.V), W: Float32Array.from(p.W), b: Float32Array.from(p.b), c: Float32Array.from(p.c) });
}

/** n rows of standard normal inputs times `scale`, rounded to float32. */
export function randomInputs(n: number, D: number, seed: number, scale = 1): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from(Float32Array.from({ length: n * D }, () => rng.normal() * scale));
}

export function rowsTensor(x: Float64Array, D: number): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from(x), [x.length / D, D]);
}

/** ‖a − b‖ / ‖b‖ over all entries. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}

/**
 * Asserts that `analytic` (gradients by parameter name, e.g. from autodiff) equals the central difference
 * of `meanLoss` (a float32 loss of a model) in entries 0 and 3 of every parameter, to 2% of max(1, |fd|).
 * The step is large (1e-2) so that the loss's float32 rounding (≈1e-7 relative) stays below the difference.
 */
export function assertGradientMatchesDifferences(
  params: Params64,
  analytic: Record<ParamName, tf.Tensor>,
  meanLoss: (model: Dem) => number,
  step = 1e-2,
): void {
  for (const name of PARAM_NAMES) {
    const values = analytic[name].dataSync();
    for (const index of [0, 3]) {
      const shifted = (delta: number) => {
        const copy = { ...params, [name]: Float64Array.from(params[name]) };
        copy[name][index] += delta;
        const model = toModel(copy);
        const value = meanLoss(model);
        model.dispose();
        return value;
      };
      const fd = (shifted(step) - shifted(-step)) / (2 * step);
      assert.ok(Math.abs(values[index] - fd) <= 2e-2 * Math.max(1, Math.abs(fd)), `${name}[${index}]: autodiff ${values[index]} vs finite difference ${fd}`);
    }
  }
}
