// Notebook 04 §3b: samples of notebook 03's §3b model, which lives on the k leading principal coordinates
// z = U_kᵀ x_w of the ZCA-whitened patches x_w (../../whitening/principal-subspace). Its log density is
// −‖z‖²/2 + bᵀz + Σⱼ softplus(10 − log cosh aⱼ), aⱼ = vⱼᵀz. Along vⱼ a unit's curvature is
// σ(u)(−sech² aⱼ + (1 − σ(u)) tanh² aⱼ)·‖vⱼ‖² with u = 10 − log cosh aⱼ: negative, except for a convex part of at
// most e^(|aⱼ| − 10)·‖vⱼ‖² that the Gaussian's −1 outweighs at patch-like responses. So the density is close to
// log-concave, with one mode, and Langevin chains on it should agree: the model on which the mixing diagnostic
// ought to pass. A sample goes back to the whitened patch U_k z and to pixels through
// notebook 02's C^½ (ZCA with ε = 0), so it is shown on the same scales as the other models' samples.
import { Dem, paramArrays } from '../../dem/model';
import { quantiles, Quantiles } from '../../dem/gabor/summary';
import { fromPrincipalCoordinates, toPrincipalCoordinates } from '../../whitening/principal-subspace';
import { D, PatchInputs, transformRows } from './inputs';

/** The first n hold-out patches in the model's k principal coordinates, [n, k]. */
export async function principalHoldout(inputs: PatchInputs, k: number, n: number): Promise<Float32Array> {
  if (!Number.isInteger(n) || n < 1 || n > inputs.nHoldout) throw new Error(`principalHoldout: n must be a whole number in 1..${inputs.nHoldout}, got ${n}`);
  return toPrincipalCoordinates(inputs.whitened.holdout.subarray(0, n * D), inputs.eigen, k);
}

/** Rows of k principal coordinates as whitened patches U_k z, [n, D]. */
export function principalToWhitened(rows: Float32Array, inputs: PatchInputs, k: number): Float32Array {
  return fromPrincipalCoordinates(rows, inputs.eigen, k);
}

/** Rows of k principal coordinates as pixels: C^½ U_k z plus the mean image (the grey scale ≈ [0, 1]). */
export function principalToPixels(rows: Float32Array, inputs: PatchInputs, k: number): Float32Array {
  return transformRows(principalToWhitened(rows, inputs, k), inputs.dewhitening, inputs.mean);
}

/**
 * Excess kurtosis E[(r − r̄)⁴]/E[(r − r̄)²]² − 3 of each filter's responses rⱼ = vⱼᵀz over the rows: 0 for a
 * Gaussian, 3 for a Laplace density; sparse, edge-like responses make it large. Per filter, [J].
 */
export function responseKurtosis(model: Dem, rows: Float32Array): number[] {
  const k = model.config.inputs;
  const n = rows.length / k;
  if (!Number.isInteger(n) || n < 2) throw new Error(`responseKurtosis: need at least 2 whole rows of ${k} values, got ${rows.length} values`);
  const { V } = paramArrays(model);
  const J = V.length / k;
  return Array.from({ length: J }, (_, j) => {
    const responses = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      let sum = 0;
      for (let i = 0; i < k; i++) sum += V[j * k + i] * rows[r * k + i];
      responses[r] = sum;
    }
    const mean = responses.reduce((a, b) => a + b, 0) / n;
    let m2 = 0;
    let m4 = 0;
    for (const value of responses) {
      const d2 = (value - mean) ** 2;
      m2 += d2 / n;
      m4 += (d2 * d2) / n;
    }
    if (!(m2 > 0)) throw new Error(`responseKurtosis: filter ${j} gives the same response to every row`);
    return m4 / (m2 * m2) - 3;
  });
}

/**
 * A median excess kurtosis above this counts as sparse responses. A Gaussian's is 0, and with n rows the
 * estimate spreads by about √(24/n): 0.43 for 128 samples, so 0.5 is the smallest value that is not noise.
 */
export const SPARSE_KURTOSIS = 0.5;

/** Quantiles over the filters of each set's response kurtosis (responseKurtosis), set by set. */
export function kurtosisQuantiles(model: Dem, sets: Record<string, Float32Array>): Record<string, Quantiles> {
  return Object.fromEntries(Object.entries(sets).map(([name, rows]) => [name, quantiles(responseKurtosis(model, rows))]));
}

/** What the medians say: whether the samples' filter responses are sparse, beside the patches' and white noise's. */
export function sparsenessSentence(samples: Quantiles, patches: Quantiles, noise: Quantiles): string {
  const numbers = `median excess kurtosis of a filter's responses: ${samples.q50.toFixed(2)} for the samples, ${patches.q50.toFixed(2)} for the hold-out patches, ${noise.q50.toFixed(2)} for white noise`;
  const verdict =
    samples.q50 > SPARSE_KURTOSIS
      ? patches.q50 > 2 * samples.q50
        ? 'the samples respond sparsely, but less so than the patches'
        : 'the samples respond about as sparsely as the patches'
      : "the samples respond about as a Gaussian would: the patches' heavy-tailed responses are not in the model's density";
  return `${numbers} — ${verdict}.`;
}
