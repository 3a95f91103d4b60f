// The sample loss of NCE and cNCE on fixed rows, as a logistic loss on the pattern features. Each
// evaluation recomputes the shifted products of every row: storing each row's features instead
// (float32, 0.8 GB for 88,000 rows on 28×28) was measured no faster in JavaScript.
import { GridStructure, parameterCount } from '../model/structure';
import { addPatternFeatures, patternQuadratic, sigmoid, softplus } from './pattern-features';

/**
 * Rows of a sample loss sharing a sign s and weight w: row r scores w·softplus(−z_r) with
 * z_r = s·(−½xᵀΛx + ½yᵀΛy + γĉ + b_r), x = image `index[r]` of `images`, y = row r of `partners`
 * (cNCE's noisy partner; absent for NCE), b_r = offset[r] (0 if absent).
 */
export interface LogisticBlock {
  images: Float32Array;
  index: Int32Array;
  partners?: Float32Array;
  offset?: Float64Array;
  sign: number;
  weight: number;
}

/** Σ over every block's rows of w·softplus(−z) and its gradient; ĉ = θ[P] is present when θ.length = P + 1. */
export function logisticSampleLoss(theta: Float64Array, blocks: LogisticBlock[], structure: GridStructure, extraScale: number): { value: number; gradient: Float64Array } {
  const P = parameterCount(structure);
  const D = structure.size;
  const hasExtra = theta.length === P + 1;
  const shift = hasExtra ? extraScale * theta[P] : 0;
  const gradient = new Float64Array(theta.length);
  let value = 0;
  for (const { images, index, partners, offset, sign, weight } of blocks) {
    for (let r = 0; r < index.length; r++) {
      const at = index[r] * D;
      let linear = -0.5 * patternQuadratic(theta, images, at, structure) + shift + (offset ? offset[r] : 0);
      if (partners) linear += 0.5 * patternQuadratic(theta, partners, r * D, structure);
      const z = sign * linear;
      value += weight * softplus(-z);
      // ∂/∂θ of w·softplus(−z) = −w·σ(−z)·∂z/∂θ; ∂z/∂θ = s(−½f(x) + ½f(y)), ∂z/∂ĉ = sγ.
      const a = weight * sigmoid(-z) * sign;
      addPatternFeatures(gradient, 0.5 * a, images, at, structure);
      if (partners) addPatternFeatures(gradient, -0.5 * a, partners, r * D, structure);
      if (hasExtra) gradient[P] -= a * extraScale;
    }
  }
  return { value, gradient };
}
