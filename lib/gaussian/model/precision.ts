// A sparse symmetric precision Λ on a grid structure, in float64: its free values live in one flat
// array `values` = [diagonal (D) | edges of class 0 | edges of class 1 | …], with `diagonal` and
// `edges[k]` as views into it, so solvers can treat Λ as a plain vector.
import { checkRows } from '../../data/rows';
import { edgeEndpoints, GridStructure, parameterCount } from './structure';

export interface SparsePrecision {
  structure: GridStructure;
  /** All free values, length D + number of edges. */
  values: Float64Array;
  /** View: Λ[i, i]. */
  diagonal: Float64Array;
  /** View per edge class k: Λ[anchor, partner] = Λ[partner, anchor] for edge e. */
  edges: Float64Array[];
}

/** A precision over `structure` holding `values` (copied) or zeros. */
export function createPrecision(structure: GridStructure, values?: ArrayLike<number>): SparsePrecision {
  const count = parameterCount(structure);
  if (values !== undefined && values.length !== count) {
    throw new Error(
      `createPrecision: expected ${count} values for a ${structure.height}×${structure.width} ${structure.connectivity}-connected structure, got ${values.length}`,
    );
  }
  const flat = new Float64Array(count);
  if (values !== undefined) flat.set(values);
  const edges: Float64Array[] = [];
  let start = structure.size;
  for (const c of structure.edgeClasses) {
    edges.push(flat.subarray(start, start + c.count));
    start += c.count;
  }
  return { structure, values: flat, diagonal: flat.subarray(0, structure.size), edges };
}

/** The diagonal matrix diag(diagonal) as a precision on `structure` (edges 0). */
export function diagonalPrecision(structure: GridStructure, diagonal: ArrayLike<number>): SparsePrecision {
  if (diagonal.length !== structure.size) {
    throw new Error(`diagonalPrecision: expected ${structure.size} diagonal values, got ${diagonal.length}`);
  }
  const p = createPrecision(structure);
  p.diagonal.set(diagonal);
  return p;
}

/** The identity on `structure`: the diagonal fit of standardised data, where the minibatch fits start by default. */
export function identityPrecision(structure: GridStructure): SparsePrecision {
  return diagonalPrecision(structure, new Float64Array(structure.size).fill(1));
}

export function copyPrecision(p: SparsePrecision): SparsePrecision {
  return createPrecision(p.structure, p.values);
}

/** The dense D×D row-major matrix. */
export function toDense(p: SparsePrecision): Float64Array {
  const D = p.structure.size;
  const dense = new Float64Array(D * D);
  for (let i = 0; i < D; i++) dense[i * D + i] = p.diagonal[i];
  const { anchors, partners } = edgeEndpoints(p.structure);
  p.edges.forEach((w, k) => {
    for (let e = 0; e < w.length; e++) {
      const a = anchors[k][e];
      const b = partners[k][e];
      dense[a * D + b] = w[e];
      dense[b * D + a] = w[e];
    }
  });
  return dense;
}

/** P_M: the entries of a dense symmetric D×D matrix that lie on the structure's pattern. */
export function projectDense(dense: ArrayLike<number>, structure: GridStructure): SparsePrecision {
  const D = structure.size;
  if (dense.length !== D * D) throw new Error(`projectDense: expected a ${D}×${D} matrix (${D * D} values), got ${dense.length}`);
  const p = createPrecision(structure);
  for (let i = 0; i < D; i++) p.diagonal[i] = dense[i * D + i];
  const { anchors, partners } = edgeEndpoints(structure);
  p.edges.forEach((w, k) => {
    for (let e = 0; e < w.length; e++) w[e] = 0.5 * (dense[anchors[k][e] * D + partners[k][e]] + dense[partners[k][e] * D + anchors[k][e]]);
  });
  return p;
}

/** diag(a) Λ diag(a), e.g. to map a precision of standardised pixels back to raw pixels. */
export function scaleSymmetric(p: SparsePrecision, a: ArrayLike<number>): SparsePrecision {
  const out = copyPrecision(p);
  for (let i = 0; i < a.length; i++) out.diagonal[i] *= a[i] * a[i];
  const { anchors, partners } = edgeEndpoints(p.structure);
  out.edges.forEach((w, k) => {
    for (let e = 0; e < w.length; e++) w[e] *= a[anchors[k][e]] * a[partners[k][e]];
  });
  return out;
}

/** Λx for each of the n rows of X (n×D, row-major). */
export function precisionTimes(p: SparsePrecision, X: ArrayLike<number>, n: number): Float64Array {
  const D = p.structure.size;
  checkRows('precisionTimes', X, D, n);
  const out = new Float64Array(n * D);
  const { anchors, partners } = edgeEndpoints(p.structure);
  for (let row = 0; row < n; row++) {
    const base = row * D;
    for (let i = 0; i < D; i++) out[base + i] = p.diagonal[i] * X[base + i];
    p.edges.forEach((w, k) => {
      const as = anchors[k];
      const bs = partners[k];
      for (let e = 0; e < w.length; e++) {
        out[base + as[e]] += w[e] * X[base + bs[e]];
        out[base + bs[e]] += w[e] * X[base + as[e]];
      }
    });
  }
  return out;
}

/** xᵀΛx for each of the n rows of X: Σ Λᵢᵢ xᵢ² + 2 Σ_edges w·x_anchor·x_partner (no dense product). */
export function quadraticForms(p: SparsePrecision, X: ArrayLike<number>, n: number): Float64Array {
  const D = p.structure.size;
  checkRows('quadraticForms', X, D, n);
  const out = new Float64Array(n);
  const { anchors, partners } = edgeEndpoints(p.structure);
  for (let row = 0; row < n; row++) {
    const base = row * D;
    let diag = 0;
    for (let i = 0; i < D; i++) diag += p.diagonal[i] * X[base + i] * X[base + i];
    let off = 0;
    for (let k = 0; k < p.edges.length; k++) {
      const w = p.edges[k];
      const as = anchors[k];
      const bs = partners[k];
      for (let e = 0; e < w.length; e++) off += w[e] * X[base + as[e]] * X[base + bs[e]];
    }
    out[row] = diag + 2 * off;
  }
  return out;
}

/** ⟨A, B⟩_F = Σᵢⱼ AᵢⱼBᵢⱼ over the pattern (edges count twice: they sit above and below the diagonal). */
export function frobeniusInner(a: SparsePrecision, b: SparsePrecision): number {
  return patternInner(a.values, b.values, a.structure.size);
}

/** frobeniusInner on free values [diagonal (D) | edges]. */
export function patternInner(a: ArrayLike<number>, b: ArrayLike<number>, D: number): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (i < D ? 1 : 2) * a[i] * b[i];
  return sum;
}

/** ‖estimate − truth‖_F / ‖truth‖_F, both on the same structure. */
export function relativeFrobeniusError(estimate: SparsePrecision, truth: SparsePrecision): number {
  if (estimate.values.length !== truth.values.length) {
    throw new Error(`relativeFrobeniusError: structures differ (${estimate.values.length} vs ${truth.values.length} values)`);
  }
  const diff = createPrecision(truth.structure);
  for (let i = 0; i < diff.values.length; i++) diff.values[i] = estimate.values[i] - truth.values[i];
  return Math.sqrt(frobeniusInner(diff, diff) / frobeniusInner(truth, truth));
}

export function trace(p: SparsePrecision): number {
  return p.diagonal.reduce((sum, v) => sum + v, 0);
}
