// The Fisher information of N(0, Λ⁻¹) in Λ's free values θ, with a preconditioned conjugate-gradient
// solve. θ enters the density through the pattern features f of ./pattern-features (xᵀΛx = θ·f(x):
// xᵢ² for a diagonal value, 2xₐx_b for an edge). For x ~ N(0, Z), Z = Λ⁻¹, and symmetric U, V,
//   Cov(xᵀUx, xᵀVx) = 2 tr(UZVZ),
// so F = ¼ Cov(f) — the Hessian in θ of the negative log-likelihood — acts as
//   (F v)ᵢ = ½ (ZVZ)ᵢᵢ,   (F v)_ab = (ZVZ)_ab   (V: the symmetric matrix holding v on the pattern),
// and vᵀF w = ½ tr(VZWZ): symmetric and positive definite in the plain dot product of values.
// P_M(ZVZ) is −dZ, the derivative of Λ⁻¹'s band in the direction V (../linalg/banded-derivative):
// O(D·b²) per product, no dense inverse.
// Preconditioner: were the pattern full, F⁻¹ r would be Λ R̃ Λ with R̃ᵢᵢ = 2rᵢ and R̃_ab = r_ab; on the
// sparse pattern the same formula, kept on the pattern, is an approximate inverse whose entries are
// sums over the two pixels' neighbourhoods (measured: tens of products per solve on MNIST, where
// neighbouring pixels are so correlated that an unpreconditioned solve needs thousands).
import { Banded, bandedInverse } from '../../linalg/banded';
import { bandedInverseDirection } from '../../linalg/banded-derivative';
import { createPrecision, SparsePrecision } from './precision';
import { toBanded } from './positive-definite';
import { edgeEndpoints, GridStructure, neighbourhoods, parameterCount } from './structure';
import { slotParameterIndex } from './local-moments';

export interface PatternFisher {
  /** E f(x) under N(0, Λ⁻¹): Zᵢᵢ for a diagonal value, 2Z_ab for an edge. */
  meanFeatures: Float64Array;
  /** out = F v. */
  times(v: Float64Array, out: Float64Array): void;
  /**
   * v with F v = rhs, by preconditioned conjugate gradients stopped at ‖F v − rhs‖ ≤ tolerance·‖rhs‖
   * or after maxProducts products.
   */
  solve(rhs: Float64Array, tolerance: number, maxProducts: number): { solution: Float64Array; products: number; relativeResidual: number };
}

/**
 * Row (the larger pixel) and column of every free value (diagonal first, then edges class by class):
 * where the value sits in the lower band of a symmetric matrix on the pattern.
 */
function patternEntries(structure: GridStructure): { rowOf: Int32Array; colOf: Int32Array } {
  const D = structure.size;
  const P = parameterCount(structure);
  const { anchors, partners } = edgeEndpoints(structure);
  const rowOf = new Int32Array(P);
  const colOf = new Int32Array(P);
  for (let i = 0; i < D; i++) rowOf[i] = colOf[i] = i;
  let j = D;
  anchors.forEach((as, k) => {
    for (let e = 0; e < as.length; e++, j++) {
      rowOf[j] = partners[k][e];
      colOf[j] = as[e];
    }
  });
  return { rowOf, colOf };
}

/** out[q] = the entry of the symmetric banded m at free value q. */
function readPattern(m: Banded, { rowOf, colOf }: { rowOf: Int32Array; colOf: Int32Array }, out: Float64Array): Float64Array {
  const w = m.bandwidth + 1;
  for (let q = 0; q < rowOf.length; q++) out[q] = m.band[rowOf[q] * w + (rowOf[q] - colOf[q])];
  return out;
}

/** The entries of a symmetric banded matrix (e.g. Λ⁻¹'s band) at the pattern's free values. */
export function bandOnPattern(m: Banded, structure: GridStructure): Float64Array {
  return readPattern(m, patternEntries(structure), new Float64Array(parameterCount(structure)));
}

/**
 * The preconditioner's sums as index lists, per structure (they do not depend on Λ's values): for free
 * value q = (a, b), one outer term per neighbour k of a (Λ_ak: outerLambda) and, inside it, one inner term
 * per neighbour l of b with (k, l) on the pattern or k = l (R̃_kl: innerR, Λ_lb: innerLambda). Reading
 * them in order replaces two dense D×D matrices, whose scattered reads made each application slow.
 */
interface PreconditionerTerms {
  outerStart: Int32Array;
  outerLambda: Int32Array;
  innerStart: Int32Array;
  innerR: Int32Array;
  innerLambda: Int32Array;
}

const termsCache = new WeakMap<GridStructure, PreconditionerTerms>();

function preconditionerTerms(structure: GridStructure): PreconditionerTerms {
  const cached = termsCache.get(structure);
  if (cached) return cached;
  const nb = neighbourhoods(structure);
  const K = nb.slots;
  const { rowOf, colOf } = patternEntries(structure);
  // The free value of pixel pair (i, j), or −1 off the pattern.
  const slot = slotParameterIndex({ structure, neighbourhoods: nb });
  const valueOf = (i: number, j: number) => {
    if (i === j) return i;
    for (let s = 1; s < K; s++) if (nb.pixel[i * K + s] === j) return slot[i * K + s];
    return -1;
  };
  const outerStart = [0];
  const outerLambda: number[] = [];
  const innerStart = [0];
  const innerR: number[] = [];
  const innerLambda: number[] = [];
  for (let q = 0; q < rowOf.length; q++) {
    const a = rowOf[q];
    const b = colOf[q];
    for (let s = 0; s < K; s++) {
      const k = nb.pixel[a * K + s];
      if (k < 0) continue;
      outerLambda.push(valueOf(a, k));
      for (let t = 0; t < K; t++) {
        const l = nb.pixel[b * K + t];
        const j = l < 0 ? -1 : valueOf(k, l);
        if (j < 0) continue;
        innerR.push(j);
        innerLambda.push(valueOf(l, b));
      }
      innerStart.push(innerR.length);
    }
    outerStart.push(outerLambda.length);
  }
  const terms = {
    outerStart: Int32Array.from(outerStart),
    outerLambda: Int32Array.from(outerLambda),
    innerStart: Int32Array.from(innerStart),
    innerR: Int32Array.from(innerR),
    innerLambda: Int32Array.from(innerLambda),
  };
  termsCache.set(structure, terms);
  return terms;
}

/** F at Λ, given Λ's banded Cholesky factor (and the band of Λ⁻¹, if the caller has it already). */
export function patternFisher(precision: SparsePrecision, factor: Banded, inverse: Banded = bandedInverse(factor)): PatternFisher {
  const { structure } = precision;
  const D = structure.size;
  const P = parameterCount(structure);
  const entries = patternEntries(structure);
  const meanFeatures = readPattern(inverse, entries, new Float64Array(P)).map((z, q) => (q < D ? 1 : 2) * z);

  const direction = createPrecision(structure);
  function times(v: Float64Array, out: Float64Array): void {
    direction.values.set(v);
    readPattern(bandedInverseDirection(factor, inverse, toBanded(direction)), entries, out);
    for (let q = 0; q < P; q++) out[q] *= -(q < D ? 0.5 : 1);
  }

  const terms = preconditionerTerms(structure);
  const lambda = precision.values;
  // (Λ R̃ Λ)_ab = Σ_{k∈N(a)} Λ_ak Σ_{l∈N(b)} R̃_kl Λ_lb over the pairs (k, l) where R̃ can be non-zero, in
  // the slots' order; R̃ doubles r on the diagonal (an exact product, so the sums are those of dense matrices).
  function precondition(r: Float64Array, out: Float64Array): void {
    const { outerStart, outerLambda, innerStart, innerR, innerLambda } = terms;
    for (let q = 0; q < P; q++) {
      let sum = 0;
      for (let s = outerStart[q]; s < outerStart[q + 1]; s++) {
        let partial = 0;
        for (let t = innerStart[s]; t < innerStart[s + 1]; t++) {
          const j = innerR[t];
          partial += (j < D ? 2 * r[j] : r[j]) * lambda[innerLambda[t]];
        }
        sum += lambda[outerLambda[s]] * partial;
      }
      out[q] = sum;
    }
  }

  function solve(rhs: Float64Array, tolerance: number, maxProducts: number) {
    const dot = (x: Float64Array, y: Float64Array) => {
      let sum = 0;
      for (let q = 0; q < P; q++) sum += x[q] * y[q];
      return sum;
    };
    const solution = new Float64Array(P);
    const residual = Float64Array.from(rhs);
    const rhsNorm = Math.sqrt(dot(rhs, rhs));
    if (rhsNorm === 0) return { solution, products: 0, relativeResidual: 0 };
    const z = new Float64Array(P);
    const product = new Float64Array(P);
    precondition(residual, z);
    const search = Float64Array.from(z);
    let rz = dot(residual, z);
    let products = 0;
    let relativeResidual = 1;
    while (products < maxProducts) {
      times(search, product);
      products++;
      const step = rz / dot(search, product);
      for (let q = 0; q < P; q++) {
        solution[q] += step * search[q];
        residual[q] -= step * product[q];
      }
      relativeResidual = Math.sqrt(dot(residual, residual)) / rhsNorm;
      if (relativeResidual <= tolerance) break;
      precondition(residual, z);
      const rzNext = dot(residual, z);
      for (let q = 0; q < P; q++) search[q] = z[q] + (rzNext / rz) * search[q];
      rz = rzNext;
    }
    return { solution, products, relativeResidual };
  }

  return { meanFeatures, times, solve };
}
