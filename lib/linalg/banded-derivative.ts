// The directional derivative of a banded matrix's inverse inside its band:
//   d/dt P_band((A + t·dA)⁻¹) at t = 0  =  −P_band(A⁻¹ dA A⁻¹),
// by forward-mode differentiation of the two banded recurrences (./banded): the Cholesky
// factorisation A = LLᵀ and Takahashi's recurrence for Z = A⁻¹ in the band. Each line of those
// recurrences gets its derivative, so the cost is about twice theirs, O(n·b²), with no dense
// n×n matrix — this is the Hessian product of −log det A, which Newton's method for
// maximum-likelihood covariance selection (gaussian/evaluation/max-likelihood.ts) needs hundreds of times.
import { Banded, createBanded } from './banded';

/** dL for A = LLᵀ in the direction dA (both banded with L's bandwidth). */
export function bandedCholeskyDirection(factor: Banded, da: Banded): Banded {
  const { n, bandwidth: b } = factor;
  if (da.n !== n || da.bandwidth !== b) {
    throw new Error(`bandedCholeskyDirection: direction is ${da.n}×${da.n} with bandwidth ${da.bandwidth}, expected ${n}×${n} with ${b}`);
  }
  const w = b + 1;
  const l = factor.band;
  const dL = createBanded(n, b);
  const dl = dL.band;
  for (let i = 0; i < n; i++) {
    const first = Math.max(0, i - b);
    for (let j = first; j <= i; j++) {
      // sum = Aᵢⱼ − Σₖ LᵢₖLⱼₖ, so dsum = dAᵢⱼ − Σₖ (dLᵢₖLⱼₖ + LᵢₖdLⱼₖ).
      let dsum = da.band[i * w + (i - j)];
      for (let k = Math.max(first, j - b); k < j; k++) {
        dsum -= dl[i * w + (i - k)] * l[j * w + (j - k)] + l[i * w + (i - k)] * dl[j * w + (j - k)];
      }
      if (j === i) {
        // Lᵢᵢ = √sum.
        dl[i * w] = dsum / (2 * l[i * w]);
      } else {
        // Lᵢⱼ = sum / Lⱼⱼ.
        dl[i * w + (i - j)] = (dsum - l[i * w + (i - j)] * dl[j * w]) / l[j * w];
      }
    }
  }
  return dL;
}

/**
 * dZ inside the band for Z = P_band(A⁻¹), given A's factor L, Z itself (bandedInverse(L)) and the
 * direction dA. Differentiates Zᵢⱼ = (δᵢⱼ/Lᵢᵢ − Σ_{k=i+1}^{i+b} Lₖᵢ Zₖⱼ) / Lᵢᵢ line by line.
 */
export function bandedInverseDirection(factor: Banded, inverse: Banded, da: Banded): Banded {
  const { n, bandwidth: b } = factor;
  if (inverse.n !== n || inverse.bandwidth !== b) {
    const got = `${inverse.n}×${inverse.n} with bandwidth ${inverse.bandwidth}`;
    throw new Error(`bandedInverseDirection: inverse is ${got}, expected ${n}×${n} with ${b}`);
  }
  const dL = bandedCholeskyDirection(factor, da);
  const w = b + 1;
  const l = factor.band;
  const dl = dL.band;
  const z = inverse.band;
  const dZ = createBanded(n, b);
  const dz = dZ.band;
  // Column i of L and of dL below the diagonal, gathered once per row of the recurrence.
  const column = new Float64Array(b + 1);
  const dColumn = new Float64Array(b + 1);
  for (let i = n - 1; i >= 0; i--) {
    const lii = l[i * w];
    const dlii = dl[i * w];
    const last = Math.min(n - 1, i + b);
    for (let k = i + 1; k <= last; k++) {
      column[k - i] = l[k * w + (k - i)];
      dColumn[k - i] = dl[k * w + (k - i)];
    }
    for (let j = last; j >= i; j--) {
      let dsum = j === i ? -dlii / (lii * lii) : 0;
      // Entry (k, j) sits in row j of the lower band for k < j and in row k for k ≥ j.
      for (let k = i + 1; k < j; k++) {
        const at = j * w + (j - k);
        dsum -= dColumn[k - i] * z[at] + column[k - i] * dz[at];
      }
      for (let k = Math.max(i + 1, j); k <= last; k++) {
        const at = k * w + (k - j);
        dsum -= dColumn[k - i] * z[at] + column[k - i] * dz[at];
      }
      dz[j * w + (j - i)] = (dsum - z[j * w + (j - i)] * dlii) / lii;
    }
  }
  return dZ;
}
