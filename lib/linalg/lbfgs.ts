// Limited-memory BFGS (Nocedal & Wright, Algorithm 7.4/7.5) for smooth convex objectives in float64,
// with a diagonal initial inverse Hessian (a preconditioner) and a backtracking line search that
// also backs off when the objective reports a point outside its domain (e.g. Λ not positive definite).

import { dot, norm } from './vector';

export type Objective = (x: Float64Array) => { value: number; gradient: Float64Array } | null;

export interface LbfgsOptions {
  /** Approximate inverse Hessian diagonal (default: all ones). */
  inverseHessianDiagonal?: Float64Array;
  /**
   * An approximate inverse Hessian as a symmetric positive definite map v ↦ H₀v (into a new array), e.g.
   * through the factor of a known part of the Hessian; it takes the place of inverseHessianDiagonal.
   */
  inverseHessian?: (v: Float64Array) => Float64Array;
  /** Stop when ‖gradient‖ ≤ tolerance · gradientScale (default 1e-9; scale defaults to ‖initial gradient‖). */
  tolerance?: number;
  gradientScale?: number;
  maxIterations?: number;
  memory?: number;
  /** Named in errors. */
  name?: string;
  /**
   * When the line search finds no decrease, return the current point (the caller judges it by
   * relativeGradient) instead of throwing — for objectives whose minimiser may lie on the edge
   * of their domain.
   */
  stopWhenStalled?: boolean;
  /** Called with each accepted iterate; returning true stops the minimisation there. */
  stopAt?: (x: Float64Array) => boolean;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  gradient: Float64Array;
  iterations: number;
  /** ‖gradient‖ / gradientScale at the end. */
  relativeGradient: number;
}

const ARMIJO = 1e-4;
const MAX_BACKTRACKS = 60;

export function minimiseLbfgs(objective: Objective, x0: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const name = options.name ?? 'L-BFGS';
  const n = x0.length;
  const h0 = scaledInverseHessian(options, n);
  const memory = options.memory ?? 20;
  const maxIterations = options.maxIterations ?? 5000;
  const tolerance = options.tolerance ?? 1e-9;
  let x = Float64Array.from(x0);
  const start = objective(x);
  if (!start) throw new Error(`${name}: the starting point is outside the objective's domain`);
  let { value, gradient } = start;
  const scale = options.gradientScale ?? norm(gradient);
  const sList: Float64Array[] = [];
  const yList: Float64Array[] = [];
  let iterations = 0;
  while (norm(gradient) > tolerance * scale && iterations < maxIterations) {
    const direction = twoLoop(gradient, sList, yList, h0);
    const slope = dot(gradient, direction);
    if (!(slope < 0)) {
      // Curvature pairs went stale (round-off near the optimum): restart from the preconditioned gradient.
      sList.length = 0;
      yList.length = 0;
      continue;
    }
    let step = 1;
    let accepted: { value: number; gradient: Float64Array } | null = null;
    let trial = x;
    for (let back = 0; back < MAX_BACKTRACKS; back++, step /= 2) {
      trial = new Float64Array(n);
      for (let i = 0; i < n; i++) trial[i] = x[i] + step * direction[i];
      const candidate = objective(trial);
      if (candidate && Number.isFinite(candidate.value)) {
        // Near the optimum the value stops resolving the decrease; a smaller gradient then counts too.
        const sufficient = candidate.value <= value + ARMIJO * step * slope;
        const stalled = candidate.value <= value + 1e-14 * Math.abs(value) && norm(candidate.gradient) < norm(gradient);
        if (sufficient || stalled) {
          accepted = candidate;
          break;
        }
      }
    }
    if (!accepted && options.stopWhenStalled) break;
    if (!accepted) throw new Error(`${name}: line search found no decrease at iteration ${iterations} (gradient norm ${norm(gradient)})`);
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = trial[i] - x[i];
      y[i] = accepted.gradient[i] - gradient[i];
    }
    if (dot(s, y) > 0) {
      sList.push(s);
      yList.push(y);
      if (sList.length > memory) {
        sList.shift();
        yList.shift();
      }
    }
    x = trial;
    value = accepted.value;
    gradient = accepted.gradient;
    iterations++;
    if (options.stopAt?.(x)) break;
  }
  return { x, value, gradient, iterations, relativeGradient: norm(gradient) / scale };
}

/**
 * v ↦ scale·H₀v for the options' preconditioner. A diagonal multiplies each vᵢ by scale·dᵢ, the
 * product its users' numbers were computed with.
 */
function scaledInverseHessian(options: LbfgsOptions, n: number): (v: Float64Array, scale: number) => Float64Array {
  const map = options.inverseHessian;
  if (map) {
    return (v, scale) => {
      const out = map(v);
      for (let i = 0; i < n; i++) out[i] *= scale;
      return out;
    };
  }
  const diagonal = options.inverseHessianDiagonal ?? new Float64Array(n).fill(1);
  return (v, scale) => v.map((x, i) => x * (scale * diagonal[i]));
}

/** −H·g for the L-BFGS inverse-Hessian approximation H built from the stored pairs on top of h0. */
function twoLoop(gradient: Float64Array, sList: Float64Array[], yList: Float64Array[], h0: (v: Float64Array, scale: number) => Float64Array): Float64Array {
  const q = Float64Array.from(gradient);
  const n = q.length;
  const alphas = new Float64Array(sList.length);
  const rhos = sList.map((s, j) => 1 / dot(yList[j], s));
  for (let j = sList.length - 1; j >= 0; j--) {
    const y = yList[j];
    const alpha = rhos[j] * dot(sList[j], q);
    alphas[j] = alpha;
    for (let i = 0; i < n; i++) q[i] -= alpha * y[i];
  }
  // Scale the preconditioner by the latest curvature (Nocedal & Wright eq. 7.20, in the h0 metric).
  const last = sList.length - 1;
  const gamma = last >= 0 ? dot(sList[last], yList[last]) / dot(yList[last], h0(yList[last], 1)) : 1;
  const r = h0(q, gamma);
  for (let j = 0; j < sList.length; j++) {
    const s = sList[j];
    const coefficient = alphas[j] - rhos[j] * dot(yList[j], r);
    for (let i = 0; i < n; i++) r[i] += coefficient * s[i];
  }
  for (let i = 0; i < n; i++) r[i] = -r[i];
  return r;
}
