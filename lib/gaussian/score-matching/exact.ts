// Exact score matching for a zero-mean Gaussian N(0, Λ⁻¹) with Λ restricted to a sparsity pattern M.
// Hyvärinen's loss E[½‖∇ log p(x)‖² + Δ log p(x)] with ∇ log p = −Λx, Δ log p = −tr Λ becomes
//   J(Λ) = ½ tr(ΛSΛ) − tr Λ,   S = E[xxᵀ],
// a convex quadratic in the free values of Λ. Its stationarity condition is the linear system
//   P_M(½(ΛS + SΛ)) = P_M(I),
// solved here by preconditioned conjugate gradients; each product needs only the entries of S that
// lie within two neighbourhood steps (LocalSecondMoment). At the optimum tr(ΛSΛ) = tr Λ, hence
// J* = −½ tr Λ*. SM has no log-det barrier: positive definiteness must be checked afterwards.
import { createPrecision, SparsePrecision, trace } from '../model/precision';
import { edgeEndpoints, GridStructure } from '../model/structure';
import { LocalSecondMoment, localFromData, localFromDense, slotParameterIndex } from '../model/local-moments';
import { dot, norm } from '../../linalg/vector';
import { bandedCholesky, bandedSolveLower, bandedSolveLowerTransposed, createBanded } from '../../linalg/banded';

export interface ScoreMatchingFit {
  precision: SparsePrecision;
  /** J at the solution. */
  loss: number;
  iterations: number;
  /** Final ‖gradient‖ / ‖right-hand side‖ of the linear system. */
  relativeResidual: number;
}

export interface ConjugateGradientOptions {
  /** Stop when ‖gradient‖ ≤ tolerance · ‖P_M(I)‖ (default 1e-10). */
  tolerance?: number;
  maxIterations?: number;
}

/** From a dense D×D second moment (e.g. an empirical covariance). */
export function fitScoreMatchingExact(secondMoment: Float64Array, structure: GridStructure, options: ConjugateGradientOptions = {}): ScoreMatchingFit {
  return fitScoreMatchingLocal(localFromDense(secondMoment, structure), options);
}

/** From data rows X (n×D, centred): only the needed entries of XᵀX/n are ever formed. */
export function fitScoreMatchingExactFromData(
  X: ArrayLike<number>,
  n: number,
  structure: GridStructure,
  options: ConjugateGradientOptions = {},
): ScoreMatchingFit {
  return fitScoreMatchingLocal(localFromData(X, n, structure), options);
}

/**
 * The products the solver needs, on the pattern: (ΛS)ᵢ,ₙ₍ᵦ₎(ᵢ) for every pixel i and slot b, from
 * Λ's row i over the same slots. Returns that slots-per-pixel array.
 */
function patternProduct(lambda: SparsePrecision, local: LocalSecondMoment): Float64Array {
  const { slots: K, edgeOfSlot, classOfSlot } = local.neighbourhoods;
  const D = local.structure.size;
  const out = new Float64Array(D * K);
  const row = new Float64Array(K);
  for (let i = 0; i < D; i++) {
    row[0] = lambda.diagonal[i];
    for (let a = 1; a < K; a++) {
      const e = edgeOfSlot[i * K + a];
      row[a] = e < 0 ? 0 : lambda.edges[classOfSlot[a]][e];
    }
    const blockBase = i * K * K;
    for (let a = 0; a < K; a++) {
      const ra = row[a];
      if (ra === 0) continue;
      const base = blockBase + a * K;
      for (let b = 0; b < K; b++) out[i * K + b] += ra * local.blocks[base + b];
    }
  }
  return out;
}

/** J(Λ) = ½ tr(ΛSΛ) − tr Λ, with tr(ΛSΛ) = Σᵢⱼ Λᵢⱼ (ΛS)ᵢⱼ summed over the pattern. */
export function scoreMatchingLoss(lambda: SparsePrecision, local: LocalSecondMoment): number {
  const product = patternProduct(lambda, local);
  const { slots: K, edgeOfSlot, classOfSlot } = local.neighbourhoods;
  let quadratic = 0;
  for (let i = 0; i < local.structure.size; i++) {
    quadratic += lambda.diagonal[i] * product[i * K];
    for (let a = 1; a < K; a++) {
      const e = edgeOfSlot[i * K + a];
      if (e >= 0) quadratic += lambda.edges[classOfSlot[a]][e] * product[i * K + a];
    }
  }
  return 0.5 * quadratic - trace(lambda);
}

/**
 * ∂J/∂θ for the free values θ (diagonal, then edges), without J's linear part: (ΛS)ᵢᵢ for a
 * diagonal value and (ΛS)_pq + (ΛS)_qp for the edge (p, q), which appears twice in Λ. This is the
 * Hessian H applied to θ; the full gradient is Hθ − 1 on the diagonal values.
 */
export function scoreMatchingHessianTimes(lambda: SparsePrecision, local: LocalSecondMoment): Float64Array {
  const product = patternProduct(lambda, local);
  const { slots: K } = local.neighbourhoods;
  const m = local.structure.edgeClasses.length;
  const { anchors, partners } = edgeEndpoints(local.structure);
  const g = createPrecision(local.structure);
  for (let i = 0; i < local.structure.size; i++) g.diagonal[i] = product[i * K];
  g.edges.forEach((w, k) => {
    for (let e = 0; e < w.length; e++) w[e] = product[anchors[k][e] * K + 1 + k] + product[partners[k][e] * K + 1 + m + k];
  });
  return g.values;
}

/** The Hessian's diagonal: Sᵢᵢ for a diagonal value, S_pp + S_qq for an edge (a Jacobi preconditioner). */
export function scoreMatchingHessianDiagonal(local: LocalSecondMoment): Float64Array {
  const { structure } = local;
  const K = local.neighbourhoods.slots;
  const variance = (i: number) => local.blocks[i * K * K];
  const { anchors, partners } = edgeEndpoints(structure);
  const out = createPrecision(structure);
  for (let i = 0; i < structure.size; i++) out.diagonal[i] = variance(i);
  out.edges.forEach((w, k) => {
    for (let e = 0; e < w.length; e++) w[e] = variance(anchors[k][e]) + variance(partners[k][e]);
  });
  for (let i = 0; i < structure.size; i++) {
    if (!(out.diagonal[i] > 0)) throw new Error(`score matching: second moment of pixel ${i} is ${out.diagonal[i]}, expected > 0 (dequantise or add a ridge)`);
  }
  return out.values;
}

/**
 * v ↦ H⁻¹v for SM's Hessian H, e.g. the preconditioner of an objective made of J and a smaller
 * term (the log-det barrier). J = ½ Σᵢ ρᵢᵀBᵢρᵢ − tr Λ with ρᵢ row i of Λ over pixel i's slots and
 * Bᵢ its block of S, so H = Σᵢ EᵢᵀBᵢEᵢ (Eᵢ picks ρᵢ out of θ): two free values are coupled only when
 * they share a row of Λ. Numbered pixel by pixel (a pixel's diagonal value, then the edges it
 * anchors), H is banded — bandwidth 83 (4-connected) and 143 (8-connected) on 28×28 — so one
 * banded Cholesky factor (0.02 and 0.09 s) gives each solve in about 1 and 2.5 ms. The factor is kept
 * with the moments: a sweep of barrier weights on the same moments factors H once.
 */
export function scoreMatchingHessianSolver(local: LocalSecondMoment): (v: Float64Array) => Float64Array {
  let solver = hessianSolvers.get(local);
  if (!solver) {
    solver = factorHessian(local);
    hessianSolvers.set(local, solver);
  }
  return solver;
}

const hessianSolvers = new WeakMap<LocalSecondMoment, (v: Float64Array) => Float64Array>();

function factorHessian(local: LocalSecondMoment): (v: Float64Array) => Float64Array {
  const { structure } = local;
  const D = structure.size;
  const P = D + structure.edgeCount;
  const { slots: K, pixel } = local.neighbourhoods;
  const { anchors } = edgeEndpoints(structure);
  const owner = new Int32Array(P);
  for (let i = 0; i < D; i++) owner[i] = i;
  let q = D;
  for (const classAnchors of anchors) for (const a of classAnchors) owner[q++] = a;
  const order = Array.from({ length: P }, (_, j) => j).sort((a, b) => owner[a] - owner[b] || a - b);
  const position = new Int32Array(P);
  order.forEach((j, r) => (position[j] = r));
  const slot = slotParameterIndex(local);
  // The pairs of values that share row i of Λ, as positions in the new numbering (off-grid slots have none).
  const forEachPair = (visit: (row: number, column: number, block: number) => void) => {
    for (let i = 0; i < D; i++) {
      for (let a = 0; a < K; a++) {
        if (pixel[i * K + a] < 0) continue;
        for (let b = 0; b < K; b++) {
          if (pixel[i * K + b] >= 0) visit(position[slot[i * K + a]], position[slot[i * K + b]], (i * K + a) * K + b);
        }
      }
    }
  };
  let bandwidth = 0;
  forEachPair((row, column) => (bandwidth = Math.max(bandwidth, row - column)));
  const H = createBanded(P, bandwidth);
  const w = bandwidth + 1;
  forEachPair((row, column, block) => {
    if (row >= column) H.band[row * w + (row - column)] += local.blocks[block];
  });
  const outcome = bandedCholesky(H);
  if (!outcome.ok) {
    throw new Error(
      `score matching: the Hessian is not positive definite (free value ${order[outcome.pivot]}, pivot ${outcome.value}): S must be positive definite`,
    );
  }
  const factor = outcome.factor;
  return (v) => {
    const permuted = new Float64Array(P);
    for (let j = 0; j < P; j++) permuted[position[j]] = v[j];
    const solved = bandedSolveLowerTransposed(factor, bandedSolveLower(factor, permuted));
    return Float64Array.from(position, (r) => solved[r]);
  };
}

export function fitScoreMatchingLocal(local: LocalSecondMoment, options: ConjugateGradientOptions): ScoreMatchingFit {
  const { structure } = local;
  const D = structure.size;
  const P = structure.size + structure.edgeCount;
  const tolerance = options.tolerance ?? 1e-10;
  const maxIterations = options.maxIterations ?? 20 * P;
  const hessianDiagonal = scoreMatchingHessianDiagonal(local);
  const hessianTimes = (v: SparsePrecision) => scoreMatchingHessianTimes(v, local);

  // Solve H θ = b with b = 1 on the diagonal values, 0 on the edges; start from the diagonal fit 1/Sᵢᵢ.
  const lambda = createPrecision(structure);
  for (let i = 0; i < D; i++) lambda.diagonal[i] = 1 / hessianDiagonal[i];
  const residual = hessianTimes(lambda);
  for (let j = 0; j < P; j++) residual[j] = (j < D ? 1 : 0) - residual[j];
  const rhsNorm = Math.sqrt(D);
  const z = residual.map((r, j) => r / hessianDiagonal[j]);
  const direction = createPrecision(structure, z);
  let rz = dot(residual, z);
  let iterations = 0;
  let relativeResidual = norm(residual) / rhsNorm;
  while (relativeResidual > tolerance && iterations < maxIterations) {
    const Hd = hessianTimes(direction);
    const step = rz / dot(direction.values, Hd);
    for (let j = 0; j < P; j++) {
      lambda.values[j] += step * direction.values[j];
      residual[j] -= step * Hd[j];
    }
    for (let j = 0; j < P; j++) z[j] = residual[j] / hessianDiagonal[j];
    const rzNext = dot(residual, z);
    for (let j = 0; j < P; j++) direction.values[j] = z[j] + (rzNext / rz) * direction.values[j];
    rz = rzNext;
    iterations++;
    relativeResidual = norm(residual) / rhsNorm;
  }
  if (!(relativeResidual <= tolerance)) {
    throw new Error(
      `score matching: conjugate gradients stopped after ${iterations} iterations at relative residual ${relativeResidual} (tolerance ${tolerance})`,
    );
  }
  return { precision: lambda, loss: scoreMatchingLoss(lambda, local), iterations, relativeResidual };
}

/**
 * |J* + ½ tr Λ*| / |J*|: at the exact minimiser of the quadratic J(Λ) = ½ tr(ΛSΛ) − tr Λ the
 * stationarity condition gives tr(Λ*SΛ*) = tr Λ*, so J* = −½ tr Λ*; a gap well above rounding says
 * the solver stopped early.
 */
export function optimumIdentityGap(fit: ScoreMatchingFit): number {
  return Math.abs(fit.loss + 0.5 * trace(fit.precision)) / Math.abs(fit.loss);
}
