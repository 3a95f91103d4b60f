// A known sparse precision Λ* to draw data from, so that an estimator's error can be measured
// against the truth (the ground-truth studies and the tests).
import { createRng } from '../../random';
import { createPrecision, SparsePrecision, toDense } from './precision';
import { GridStructure } from './structure';

/**
 * A random attractive Λ* on the structure: edges −U(0.1, 0.3) (neighbours positively correlated,
 * like pixels), diagonal = Σ|edges in the row| + U(0.5, 1): diagonally dominant, so λ_min ≥ 0.5.
 */
export function knownSparsePrecision(structure: GridStructure, seed: number): SparsePrecision {
  const rng = createRng(seed);
  const p = createPrecision(structure);
  p.edges.forEach((w) => {
    for (let e = 0; e < w.length; e++) w[e] = -(0.1 + 0.2 * rng.uniform());
  });
  const dense = toDense(p);
  const D = structure.size;
  for (let i = 0; i < D; i++) {
    let rowSum = 0;
    for (let j = 0; j < D; j++) if (j !== i) rowSum += Math.abs(dense[i * D + j]);
    p.diagonal[i] = rowSum + 0.5 + 0.5 * rng.uniform();
  }
  return p;
}
