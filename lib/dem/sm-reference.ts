// Comparing score-matching losses across sets of inputs. For a model q and a set with density p,
//   J_q(set) = E_p[½‖∇ log q‖² + Δ log q] = F(p‖q) − ½ E_p‖∇ log p‖²,   F(p‖q) = ½ E_p‖∇ log p − ∇ log q‖²
// (Hyvärinen 2005; integration by parts). The second term belongs to the set, not to the model, so the
// raw J_q of two sets do not compare: a set of long, sharp inputs carries a large constant of its own.
// Against a fixed reference model r scored on the same set the constant cancels,
//   J_q(set) − J_r(set) = F(p‖q) − F(p‖r),
// which does compare across sets: how much closer (negative) or further than r the model's score is to
// each set's. The reference here is the Gaussian N(0, C) with C the second moment of the model's own
// (centred) training inputs — score matching's unconstrained optimum in that family, where Λ = C⁻¹ — so
// the difference says what the network adds, on each set, to the best Gaussian of the training data.
import { choleskyOrThrow } from '../linalg/cholesky';
import { lowerInverse } from '../linalg/triangular';
import { checkRows } from '../data/rows';
import { secondMomentDense } from '../data/moments';

export interface GaussianReference {
  /** D×D precision Λ = C⁻¹ of the reference N(0, C). */
  precision: Float64Array;
  d: number;
  /** tr Λ: the Laplacian of log r is −tr Λ at every input. */
  trace: number;
}

/** N(0, C) with C = XᵀX/n of the n×d training rows (centred), for referenceSmLossOfRows. */
export function gaussianReference(trainRows: Float32Array, n: number, d: number): GaussianReference {
  checkRows('gaussianReference', trainRows, d, n);
  const L = choleskyOrThrow(secondMomentDense(trainRows, n, d), d, 'gaussianReference: second moment of the training rows');
  const Linv = lowerInverse(L, d); // Λ = L⁻ᵀ L⁻¹
  const precision = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      for (let k = i; k < d; k++) sum += Linv[k * d + i] * Linv[k * d + j];
      precision[i * d + j] = precision[j * d + i] = sum;
    }
  }
  let trace = 0;
  for (let i = 0; i < d; i++) trace += precision[i * d + i];
  return { precision, d, trace };
}

/** ½‖Λx‖² − tr Λ for every row: the reference's SM loss per input (its score is −Λx). */
export function referenceSmLossOfRows(reference: GaussianReference, rows: Float32Array): Float64Array {
  const { precision, d, trace } = reference;
  const n = checkRows('referenceSmLossOfRows', rows, d);
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let squared = 0;
    for (let i = 0; i < d; i++) {
      let score = 0;
      for (let j = 0; j < d; j++) score += precision[i * d + j] * rows[r * d + j];
      squared += score * score;
    }
    out[r] = 0.5 * squared - trace;
  }
  return out;
}
