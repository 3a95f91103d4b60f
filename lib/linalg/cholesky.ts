// Cholesky factorisation A = L Lᵀ of a dense symmetric matrix in float64 (row-major Float64Array),
// which doubles as the positive-definiteness check: it fails exactly when a pivot is ≤ 0.
// 784×784 takes ~0.1–0.2 s here. With a bandwidth b (Aᵢⱼ = 0 for |i − j| > b) the loops stay in
// the band, O(n·b²), still in dense storage; ./banded stores only the band.

// Both outcomes carry every field (pivot −1 and factor null when they do not apply) so that code
// compiled without strictNullChecks (tslab) can read them without narrowing.
export type CholeskyOutcome =
  { ok: true; factor: Float64Array; n: number; pivot: -1; value: number } | { ok: false; factor: null; n: number; pivot: number; value: number };

/**
 * Lower-triangular L with A = L Lᵀ, or the first pivot (row index) whose value is ≤ 0 or not finite.
 * Only the lower triangle of `a` (inside the band) is read.
 */
export function cholesky(a: ArrayLike<number>, n: number, bandwidth: number = n - 1): CholeskyOutcome {
  if (a.length !== n * n) throw new Error(`cholesky: expected an ${n}×${n} matrix (${n * n} values), got ${a.length}`);
  const b = Math.min(Math.max(0, Math.floor(bandwidth)), n - 1);
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const rowI = i * n;
    const first = Math.max(0, i - b);
    for (let j = first; j <= i; j++) {
      const rowJ = j * n;
      let sum = a[rowI + j];
      for (let k = Math.max(first, j - b); k < j; k++) sum -= L[rowI + k] * L[rowJ + k];
      if (j === i) {
        if (!(sum > 0) || !Number.isFinite(sum)) return { ok: false, factor: null, n, pivot: i, value: sum };
        L[rowI + i] = Math.sqrt(sum);
      } else {
        L[rowI + j] = sum / L[rowJ + j];
      }
    }
  }
  return { ok: true, factor: L, n, pivot: -1, value: L[n * n - 1] };
}

/** The factor, or an Error that names `what`, the failing pivot and its value. */
export function choleskyOrThrow(a: ArrayLike<number>, n: number, what: string): Float64Array {
  const outcome = cholesky(a, n);
  if (outcome.ok === false) {
    throw new Error(`${what} is not positive definite: Cholesky pivot ${outcome.pivot} is ${outcome.value} (expected > 0)`);
  }
  return outcome.factor;
}

/** log det A = 2 Σ log Lᵢᵢ. */
export function logDetFromFactor(L: Float64Array, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.log(L[i * n + i]);
  return 2 * sum;
}
