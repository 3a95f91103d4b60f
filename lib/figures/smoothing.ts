// Smoothing for noisy per-step curves (mini-batch losses): the figure draws the smoothed curve over
// the faint raw one, so the trend is readable and the noise is still visible.
//
// 'mean' is a centred running mean: entry i averages the finite values within (w−1)/2 steps either
// side (fewer at the ends), so it does not lag behind the curve. 'ema' is the exponential moving
// average with the "span" convention β = 1 − 2/(w+1) (its weights have the mean age (w−1)/2 of a
// w-step window) and Adam's bias correction m_t/(1 − βᵗ), so the first steps are not pulled to 0;
// it is causal, and on a steady slope b it lags by b·β/(1−β) = b·(w−1)/2.

export interface Smoothing {
  /** Window in points (steps): ≥ 1; 1 leaves the curve as it is. */
  window: number;
  /** 'mean' (centred running mean, default) or 'ema' (bias-corrected exponential moving average). */
  kind?: 'mean' | 'ema';
}

function checkSmoothing(smoothing: Smoothing): void {
  if (!Number.isInteger(smoothing.window) || smoothing.window < 1) {
    throw new Error(`smoothing: window must be an integer ≥ 1 (points), got ${smoothing.window}`);
  }
  if (smoothing.kind !== undefined && smoothing.kind !== 'mean' && smoothing.kind !== 'ema') {
    throw new Error(`smoothing: kind must be 'mean' or 'ema', got ${JSON.stringify(smoothing.kind)}`);
  }
}

/** The smoothed series; non-finite inputs stay non-finite (gaps) and are left out of every average. */
export function smoothSeries(y: ArrayLike<number>, smoothing: Smoothing): Float64Array {
  checkSmoothing(smoothing);
  const n = y.length;
  const out = new Float64Array(n);
  const w = smoothing.window;
  if ((smoothing.kind ?? 'mean') === 'ema') {
    const beta = 1 - 2 / (w + 1);
    let m = 0;
    let weight = 0; // 1 − βᵗ over the finite values seen so far
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(y[i])) {
        out[i] = Number.NaN;
        continue;
      }
      m = beta * m + (1 - beta) * y[i];
      weight = beta * weight + (1 - beta);
      out[i] = m / weight;
    }
    return out;
  }
  const before = Math.floor((w - 1) / 2);
  const after = w - 1 - before;
  // Prefix sums over the finite values, so each window costs O(1).
  const sum = new Float64Array(n + 1);
  const count = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    const finite = Number.isFinite(y[i]);
    sum[i + 1] = sum[i] + (finite ? y[i] : 0);
    count[i + 1] = count[i] + (finite ? 1 : 0);
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(y[i])) {
      out[i] = Number.NaN;
      continue;
    }
    const lo = Math.max(0, i - before);
    const hi = Math.min(n, i + after + 1);
    out[i] = (sum[hi] - sum[lo]) / (count[hi] - count[lo]);
  }
  return out;
}

/** What the legend says about the smoothing, e.g. "centred mean of 25". */
export function describeSmoothing(smoothing: Smoothing): string {
  return (smoothing.kind ?? 'mean') === 'ema' ? `EMA, span ${smoothing.window}` : `centred mean of ${smoothing.window}`;
}
