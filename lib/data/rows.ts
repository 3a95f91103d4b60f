// Row-major data [n, d] (images, patches, whitened rows): the one check of its shape, and its
// cheap moments in float64 — column means and variances, centring — in plain JavaScript. The dense
// second moment, which needs tfjs, is in ./moments: worker threads that only check rows (the loss
// and fit workers of lib/gaussian) then start without loading tfjs, about 0.7 s each.

/**
 * The number of rows of `rows` as a [n, d] row-major array, which must be non-empty; with `n` given,
 * also that it holds exactly n rows. Throws "<caller>: expected …, got …".
 */
export function checkRows(caller: string, rows: ArrayLike<number>, d: number, n?: number): number {
  if (n !== undefined) {
    if (!(Number.isInteger(n) && n >= 1)) throw new Error(`${caller}: expected a positive number of rows, got ${n}`);
    if (rows.length !== n * d) throw new Error(`${caller}: expected ${n} rows of ${d} values (${n * d}), got ${rows.length}`);
    return n;
  }
  if (!Number.isInteger(d) || d < 1 || rows.length === 0 || rows.length % d !== 0) {
    const why = rows.length === 0 ? '' : ` (not a multiple of ${d})`;
    throw new Error(`${caller}: expected a non-empty [n, ${d}] row-major array, got ${rows.length} values${why}`);
  }
  return rows.length / d;
}

/** Checks that `a` is an n×n row-major matrix. */
export function checkSquare(caller: string, a: ArrayLike<number>, n: number): void {
  if (!Number.isInteger(n) || n < 1 || a.length !== n * n) {
    throw new Error(`${caller}: expected an n×n matrix with n = ${n} (${n * n} values), got ${a.length} values`);
  }
}

/** Column means of [n, d] rows, in float64. */
export function columnMeans(rows: ArrayLike<number>, d: number): Float64Array {
  const n = checkRows('columnMeans', rows, d);
  const sum = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) sum[j] += rows[i * d + j];
  for (let j = 0; j < d; j++) sum[j] /= n;
  return sum;
}

/** Column variances (1/n) Σ (x − mean)² of [n, d] rows, in float64 (two passes: no cancellation). */
export function columnVariances(rows: ArrayLike<number>, d: number): Float64Array {
  const n = checkRows('columnVariances', rows, d);
  const mean = columnMeans(rows, d);
  const sum = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) sum[j] += (rows[i * d + j] - mean[j]) ** 2;
  for (let j = 0; j < d; j++) sum[j] /= n;
  return sum;
}

/** rows − mean, row by row, in place (each difference taken in float64, then stored). */
export function centreInPlace(rows: Float32Array, mean: ArrayLike<number>): void {
  const d = mean.length;
  checkRows('centreInPlace', rows, d);
  for (let i = 0; i < rows.length; i++) rows[i] -= mean[i % d];
}

/** X − mean for the n rows of X, as a new float32 array (the tfjs working precision). */
export function centre(X: ArrayLike<number>, n: number, mean: ArrayLike<number>): Float32Array {
  checkRows('centre', X, mean.length, n);
  const out = Float32Array.from(X);
  centreInPlace(out, mean);
  return out;
}

/** A + δI for a d×d row-major A, as a new array (a ridge that makes a sample covariance invertible). */
export function withRidge(A: ArrayLike<number>, d: number, delta: number): Float64Array {
  checkSquare('withRidge', A, d);
  const out = Float64Array.from(A);
  for (let i = 0; i < d; i++) out[i * d + i] += delta;
  return out;
}
