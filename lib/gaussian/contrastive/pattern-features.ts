// The unnormalised Gaussian log φ(x) = −½ xᵀΛx is linear in Λ's free values θ:
//   xᵀΛx = θ · f(x),  f(x) = [xᵢ² for each pixel | 2·x_anchor·x_partner for each edge],
// so NCE and cNCE need only two loops per image — θ·f(x) and "gradient += weight·f(x)" — each
// O(D + edges), walking each edge class's anchor rectangle row by row.
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
