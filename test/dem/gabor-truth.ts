// Ground-truth Gabors for the tests of lib/dem/gabor/fit and lib/dem/gabor/summary.
export const SIDE = 28;
export const N = SIDE * SIDE;

export interface Spec {
  x0: number;
  y0: number;
  /** Wave-vector direction, degrees. */
  theta: number;
  f: number;
  phase: number;
  sx: number;
  sy: number;
  amplitude?: number;
  offset?: number;
}

/**
 * Ground truth written independently of the library: the envelope as a Gaussian with covariance
 * Σ = R·diag(σx², σy²)·Rᵀ (R the rotation by θ), the carrier as cos(k·(r − r0) + φ), k = 2πf(cos θ, sin θ).
 */
export function gabor(spec: Spec): Float64Array {
  const t = (spec.theta * Math.PI) / 180;
  const [c, s] = [Math.cos(t), Math.sin(t)];
  // Σ⁻¹ = R·diag(1/σx², 1/σy²)·Rᵀ
  const [a, b] = [1 / spec.sx ** 2, 1 / spec.sy ** 2];
  const P = [a * c * c + b * s * s, (a - b) * c * s, a * s * s + b * c * c];
  const k = [2 * Math.PI * spec.f * c, 2 * Math.PI * spec.f * s];
  const out = new Float64Array(N);
  for (let row = 0; row < SIDE; row++) {
    for (let col = 0; col < SIDE; col++) {
      const [dx, dy] = [col - spec.x0, row - spec.y0];
      const quad = P[0] * dx * dx + 2 * P[1] * dx * dy + P[2] * dy * dy;
      const carrier = Math.cos(k[0] * dx + k[1] * dy + (spec.phase * Math.PI) / 180);
      out[row * SIDE + col] = (spec.amplitude ?? 1) * Math.exp(-quad / 2) * carrier + (spec.offset ?? 0);
    }
  }
  return out;
}
