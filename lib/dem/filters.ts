// How localised a learned filter is: the fraction of its energy vⱼ² inside the 7×7 window centred on
// its largest |vⱼ| pixel (the window is clipped at the image border). White noise on 28×28 gives
// ≈ 49/784 plus the peak pixel's excess ≈ 0.07; a Gabor patch of envelope width 2–4 pixels 0.6–0.97.

export const LOCALITY_WINDOW = 7;

/** Energy fraction of one filter (row-major side×side) in the window around its peak. */
export function energyInWindow(filter: ArrayLike<number>, side: number, window = LOCALITY_WINDOW): number {
  if (filter.length !== side * side) {
    throw new Error(`energyInWindow: filter has ${filter.length} values, expected side² = ${side * side}`);
  }
  if (!Number.isInteger(window) || window < 1 || window % 2 === 0) {
    throw new Error(`energyInWindow: window must be a positive odd integer, got ${window}`);
  }
  let peak = 0;
  let total = 0;
  for (let i = 0; i < filter.length; i++) {
    total += filter[i] * filter[i];
    if (Math.abs(filter[i]) > Math.abs(filter[peak])) peak = i;
  }
  if (!(total > 0) || !Number.isFinite(total)) {
    throw new Error(`energyInWindow: filter energy is ${total}; expected a finite, non-zero filter`);
  }
  const half = (window - 1) / 2;
  const row = Math.floor(peak / side);
  const col = peak % side;
  let inside = 0;
  for (let r = Math.max(0, row - half); r <= Math.min(side - 1, row + half); r++) {
    for (let c = Math.max(0, col - half); c <= Math.min(side - 1, col + half); c++) inside += filter[r * side + c] ** 2;
  }
  return inside / total;
}

/** Per-filter energy fractions of the rows of V ([J, side²] row-major) and their mean. */
export function filterLocality(V: Float32Array | Float64Array, side: number, window = LOCALITY_WINDOW): { perFilter: number[]; mean: number } {
  const d = side * side;
  if (V.length % d !== 0 || V.length === 0) {
    throw new Error(`filterLocality: ${V.length} values is not a whole number of ${side}×${side} filters`);
  }
  const perFilter: number[] = [];
  for (let j = 0; j < V.length / d; j++) perFilter.push(energyInWindow(V.subarray(j * d, (j + 1) * d), side, window));
  return { perFilter, mean: perFilter.reduce((a, b) => a + b, 0) / perFilter.length };
}
