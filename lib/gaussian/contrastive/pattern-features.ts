// The unnormalised Gaussian log φ(x) = −½ xᵀΛx is linear in Λ's free values θ:
//   xᵀΛx = θ · f(x),  f(x) = [xᵢ² for each pixel | 2·x_anchor·x_partner for each edge],
// so NCE and cNCE need only two loops per image — θ·f(x) and "gradient += weight·f(x)" — each
// O(D + edges), walking each edge class's anchor rectangle row by row. cNCE's antithetic couples also
// need the bilinear form xᵀΛd = θ·g(x, d), g(x, d)ᵢ = xᵢdᵢ and g_ab = x_a d_b + x_b d_a, beside dᵀΛd. The
// quadratic keeps its own loops although it is the bilinear form at d = x: written that way it took
// 1.7× as long (28×28, 8-connected), and it is NCE's inner loop.
import { GridStructure } from '../model/structure';

/** θ·f(x) = xᵀΛx for the image starting at x[offset]. */
export function patternQuadratic(theta: ArrayLike<number>, x: ArrayLike<number>, offset: number, structure: GridStructure): number {
  const { size: D, width: W } = structure;
  let diagonal = 0;
  for (let i = 0; i < D; i++) diagonal += theta[i] * x[offset + i] * x[offset + i];
  let edges = 0;
  let start = D;
  for (const c of structure.edgeClasses) {
    const step = c.dy * W + c.dx;
    let e = start;
    for (let r = 0; r < c.rows; r++) {
      const rowStart = offset + r * W + c.col0;
      for (let p = rowStart; p < rowStart + c.cols; p++, e++) edges += theta[e] * x[p] * x[p + step];
    }
    start += c.count;
  }
  return diagonal + 2 * edges;
}

/** gradient[j] += weight·f(x)ⱼ for the image starting at x[offset]. */
export function addPatternFeatures(gradient: Float64Array, weight: number, x: ArrayLike<number>, offset: number, structure: GridStructure): void {
  const { size: D, width: W } = structure;
  for (let i = 0; i < D; i++) gradient[i] += weight * x[offset + i] * x[offset + i];
  const twice = 2 * weight;
  let start = D;
  for (const c of structure.edgeClasses) {
    const step = c.dy * W + c.dx;
    let e = start;
    for (let r = 0; r < c.rows; r++) {
      const rowStart = offset + r * W + c.col0;
      for (let p = rowStart; p < rowStart + c.cols; p++, e++) gradient[e] += twice * x[p] * x[p + step];
    }
    start += c.count;
  }
}

/**
 * The two forms of a cNCE couple in one pass over the pattern: out[0] = xᵀΛd = θ·g(x, d) and
 * out[1] = dᵀΛd = θ·f(d), for the images starting at x[xOffset] and d[dOffset] (g(x, x) = f(x)).
 * One pass reads each d once where two passes read it twice: 1.6× faster on 28×28, the same sums.
 */
export function coupleForms(
  theta: ArrayLike<number>,
  x: ArrayLike<number>,
  xOffset: number,
  d: ArrayLike<number>,
  dOffset: number,
  structure: GridStructure,
  out: Float64Array,
): void {
  const { size: D, width: W } = structure;
  let diagonalX = 0;
  let diagonalD = 0;
  for (let i = 0; i < D; i++) {
    const di = d[dOffset + i];
    diagonalX += theta[i] * x[xOffset + i] * di;
    diagonalD += theta[i] * di * di;
  }
  let edgesX = 0;
  let edgesD = 0;
  let start = D;
  for (const c of structure.edgeClasses) {
    const step = c.dy * W + c.dx;
    let e = start;
    for (let r = 0; r < c.rows; r++) {
      const from = r * W + c.col0;
      for (let p = from; p < from + c.cols; p++, e++) {
        const dp = d[dOffset + p];
        const dq = d[dOffset + p + step];
        edgesX += theta[e] * (x[xOffset + p] * dq + x[xOffset + p + step] * dp);
        edgesD += theta[e] * dp * dq;
      }
    }
    start += c.count;
  }
  out[0] = diagonalX + edgesX;
  out[1] = diagonalD + 2 * edgesD;
}

/** gradient[j] += weightX·g(x, d)ⱼ + weightD·f(d)ⱼ, the features of a couple's two forms (see coupleForms), in one pass. */
export function addCoupleFeatures(
  gradient: Float64Array,
  weightX: number,
  weightD: number,
  x: ArrayLike<number>,
  xOffset: number,
  d: ArrayLike<number>,
  dOffset: number,
  structure: GridStructure,
): void {
  const { size: D, width: W } = structure;
  for (let i = 0; i < D; i++) {
    const di = d[dOffset + i];
    gradient[i] += weightX * x[xOffset + i] * di;
    gradient[i] += weightD * di * di;
  }
  const twice = 2 * weightD;
  let start = D;
  for (const c of structure.edgeClasses) {
    const step = c.dy * W + c.dx;
    let e = start;
    for (let r = 0; r < c.rows; r++) {
      const from = r * W + c.col0;
      for (let p = from; p < from + c.cols; p++, e++) {
        const dp = d[dOffset + p];
        const dq = d[dOffset + p + step];
        gradient[e] += weightX * (x[xOffset + p] * dq + x[xOffset + p + step] * dp);
        gradient[e] += twice * dp * dq;
      }
    }
    start += c.count;
  }
}

/** log(1 + eᶻ) without overflow. */
export function softplus(z: number): number {
  return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
}

/** 1 / (1 + e⁻ᶻ) without overflow. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}
