// Solves with a dense lower-triangular factor L (row-major n×n Float64Array) from ./cholesky.

/** x with L x = rhs. */
export function solveLower(L: Float64Array, n: number, rhs: ArrayLike<number>): Float64Array {
  checkSizes('solveLower', L, n, rhs);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = i * n;
    let sum = rhs[i];
    for (let k = 0; k < i; k++) sum -= L[row + k] * x[k];
    x[i] = sum / L[row + i];
  }
  return x;
}

/** x with Lᵀ x = rhs (back substitution, reading L by columns). */
export function solveLowerTransposed(L: Float64Array, n: number, rhs: ArrayLike<number>): Float64Array {
  checkSizes('solveLowerTransposed', L, n, rhs);
  const x = Float64Array.from(rhs);
  for (let i = n - 1; i >= 0; i--) {
    x[i] /= L[i * n + i];
    const xi = x[i];
    // Row i of L holds column i of Lᵀ: remove x_i's contribution from the equations above it.
    for (let k = 0; k < i; k++) x[k] -= L[i * n + k] * xi;
  }
  return x;
}

/** L⁻¹ (lower triangular, dense), e.g. to whiten many vectors with one matrix product. */
export function lowerInverse(L: Float64Array, n: number): Float64Array {
  // Column j of L⁻¹ solves L x = e_j (zero above j); columns are built contiguously, then transposed.
  const columns = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const col = j * n;
    columns[col + j] = 1 / L[j * n + j];
    for (let i = j + 1; i < n; i++) {
      const row = i * n;
      let sum = 0;
      for (let k = j; k < i; k++) sum -= L[row + k] * columns[col + k];
      columns[col + i] = sum / L[row + i];
    }
  }
  const inv = new Float64Array(n * n);
  for (let j = 0; j < n; j++) for (let i = j; i < n; i++) inv[i * n + j] = columns[j * n + i];
  return inv;
}

function checkSizes(caller: string, L: Float64Array, n: number, rhs: ArrayLike<number>): void {
  if (L.length !== n * n || rhs.length !== n) {
    throw new Error(`${caller}: expected an ${n}×${n} factor and ${n} right-hand-side values, got ${L.length} and ${rhs.length}`);
  }
}
