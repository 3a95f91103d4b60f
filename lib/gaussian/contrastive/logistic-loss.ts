// The sample loss of NCE and cNCE, minibatch or full batch, as a logistic loss on the pattern
// features: the one place where a row's margin z and its term w·softplus(−z) are computed. Each
// evaluation recomputes the shifted products of every row: storing each row's features instead
// (float32, 0.8 GB for 88,000 rows on 28×28) was measured no faster in JavaScript.
import { GridStructure, parameterCount } from '../model/structure';
import { addCoupleFeatures, addPatternFeatures, coupleForms, patternQuadratic, sigmoid, softplus } from './pattern-features';

/**
 * Rows of a sample loss sharing a sign s and weight w: row r scores w·softplus(−z_r) with
 * z_r = s·(−½xᵀΛx + ½yᵀΛy + γĉ + b_r), x = image `index[r]` of `images`, y = row r of `partners`
 * (cNCE's noisy partner; absent for NCE), b_r = offset[r] (0 if absent).
 *
 * With `couples` instead of partners, row r stands for cNCE's antithetic couple y = x ± d_r
 * (d_r = row r of `couples`), two terms of weight w each. Then ½yᵀΛy − ½xᵀΛx = ±xᵀΛd + ½dᵀΛd, so
 * both margins come from two pattern passes where the partners would take four, and G — of
 * order ε — is never the difference of two quadratics of order D.
 */
export interface LogisticBlock {
  images: Float32Array;
  index: Int32Array;
  partners?: Float32Array | Float64Array;
  couples?: Float64Array;
  offset?: Float64Array;
  sign: number;
  weight: number;
}

/** The index of a block that takes every row of its images once, in order. */
export function everyRow(count: number): Int32Array {
  return Int32Array.from({ length: count }, (_, i) => i);
}

/** γĉ when θ = [Λ values, ĉ] (length P + 1), else 0. */
function extraShift(theta: Float64Array, structure: GridStructure, extraScale: number): number {
  const P = parameterCount(structure);
  return theta.length === P + 1 ? extraScale * theta[P] : 0;
}

/** z of row r of `block` at θ, with γĉ = shift (a block without couples). */
function margin(theta: Float64Array, block: LogisticBlock, r: number, structure: GridStructure, shift: number): number {
  const D = structure.size;
  let linear = -0.5 * patternQuadratic(theta, block.images, block.index[r] * D, structure) + shift + (block.offset ? block.offset[r] : 0);
  if (block.partners) linear += 0.5 * patternQuadratic(theta, block.partners, r * D, structure);
  return block.sign * linear;
}

/**
 * Row r of a block with couples: a = xᵀΛd and the shared part b = ½dᵀΛd + γĉ + b_r, so z± = s(b ± a).
 * `forms` is scratch space for coupleForms.
 */
function coupleParts(
  theta: Float64Array,
  block: LogisticBlock,
  r: number,
  structure: GridStructure,
  shift: number,
  forms: Float64Array,
): { a: number; b: number } {
  const D = structure.size;
  coupleForms(theta, block.images, block.index[r] * D, block.couples!, r * D, structure, forms);
  return { a: forms[0], b: 0.5 * forms[1] + shift + (block.offset ? block.offset[r] : 0) };
}

/**
 * Every term's margin z, one array per block (for classification tables and 1-D searches in ĉ);
 * a block with couples gives z₊, z₋ for each row in turn.
 */
export function logisticMargins(theta: Float64Array, blocks: LogisticBlock[], structure: GridStructure, extraScale: number): Float64Array[] {
  const shift = extraShift(theta, structure, extraScale);
  return blocks.map((block) => {
    if (!block.couples) return Float64Array.from(block.index, (_, r) => margin(theta, block, r, structure, shift));
    const z = new Float64Array(2 * block.index.length);
    const forms = new Float64Array(2);
    for (let r = 0; r < block.index.length; r++) {
      const { a, b } = coupleParts(theta, block, r, structure, shift, forms);
      z[2 * r] = block.sign * (b + a);
      z[2 * r + 1] = block.sign * (b - a);
    }
    return z;
  });
}

/**
 * Σ over every block's rows of w·softplus(−z) (`value`, and per block in `blockValues`) and its
 * gradient; ĉ = θ[P] is present when θ.length = P + 1.
 */
export function logisticSampleLoss(
  theta: Float64Array,
  blocks: LogisticBlock[],
  structure: GridStructure,
  extraScale: number,
): { value: number; blockValues: number[]; gradient: Float64Array } {
  const P = parameterCount(structure);
  const D = structure.size;
  const hasExtra = theta.length === P + 1;
  const shift = extraShift(theta, structure, extraScale);
  const gradient = new Float64Array(theta.length);
  const blockValues = blocks.map((block) => {
    const { images, index, partners, couples, sign, weight } = block;
    let value = 0;
    if (couples) {
      const forms = new Float64Array(2);
      for (let r = 0; r < index.length; r++) {
        const { a, b } = coupleParts(theta, block, r, structure, shift, forms);
        const [zPlus, zMinus] = [sign * (b + a), sign * (b - a)];
        value += weight * (softplus(-zPlus) + softplus(-zMinus));
        // ∂z±/∂θ = s(±g(x, d) + ½f(d)), ∂z±/∂ĉ = sγ; each term adds −w·σ(−z±)·∂z±.
        const [sPlus, sMinus] = [weight * sigmoid(-zPlus) * sign, weight * sigmoid(-zMinus) * sign];
        addCoupleFeatures(gradient, -(sPlus - sMinus), -0.5 * (sPlus + sMinus), images, index[r] * D, couples, r * D, structure);
        if (hasExtra) gradient[P] -= (sPlus + sMinus) * extraScale;
      }
      return value;
    }
    for (let r = 0; r < index.length; r++) {
      const z = margin(theta, block, r, structure, shift);
      value += weight * softplus(-z);
      // ∂/∂θ of w·softplus(−z) = −w·σ(−z)·∂z/∂θ; ∂z/∂θ = s(−½f(x) + ½f(y)), ∂z/∂ĉ = sγ.
      const a = weight * sigmoid(-z) * sign;
      addPatternFeatures(gradient, 0.5 * a, images, index[r] * D, structure);
      if (partners) addPatternFeatures(gradient, -0.5 * a, partners, r * D, structure);
      if (hasExtra) gradient[P] -= a * extraScale;
    }
    return value;
  });
  return { value: blockValues.reduce((sum, v) => sum + v, 0), blockValues, gradient };
}
