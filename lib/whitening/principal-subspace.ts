// The leading principal subspace of whitened patches. For ZCA-whitened rows x_w = U Λ^(−½) Uᵀ x, the
// coordinates z = U_kᵀ x_w along the k eigenvectors of largest eigenvalue are the PCA-whitened values
// of those components (unit variance on the training patches), and a filter v on z acts on x_w as the
// image U_k v: vᵀz = (U_k v)ᵀ x_w. Keeping the leading components drops the high-frequency band where
// resampling, compression and aliasing live (notebook 02 shows the spectrum).
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../backend';
import { SymmetricEigen } from '../linalg/eigen-symmetric';
import { rowsTimes } from './whitening';

function checkComponents(caller: string, eigen: SymmetricEigen, d: number, k: number): void {
  if (eigen.values.length !== d || eigen.vectors.length !== d * d) {
    throw new Error(
      `${caller}: the eigendecomposition has ${eigen.values.length} values and ${eigen.vectors.length} vector entries, expected ${d} and ${d * d}`,
    );
  }
  if (!Number.isInteger(k) || k < 1 || k > d) throw new Error(`${caller}: components must be a whole number in 1..${d}, got ${k}`);
}

/** Column indices of the k largest eigenvalues, largest first (eigen.values are ascending). */
function leadingColumns(d: number, k: number): number[] {
  return Array.from({ length: k }, (_, i) => d - 1 - i);
}

/** z = U_kᵀ x for every row of x ([n, d] → [n, k]), in tfjs (float32), chunk by chunk. */
export async function toPrincipalCoordinates(rows: Float32Array, eigen: SymmetricEigen, k: number): Promise<Float32Array> {
  const d = eigen.values.length;
  checkComponents('toPrincipalCoordinates', eigen, d, k);
  if (rows.length % d !== 0) throw new Error(`toPrincipalCoordinates: ${rows.length} values are not a whole number of rows of ${d}`);
  await chooseBackend();
  const basis = new Float32Array(d * k); // [d, k]: column i = the i-th leading eigenvector
  leadingColumns(d, k).forEach((column, i) => {
    for (let p = 0; p < d; p++) basis[p * k + i] = eigen.vectors[p * d + column];
  });
  const right = tf.tensor2d(basis, [d, k]);
  try {
    return rowsTimes(rows, d, right);
  } finally {
    right.dispose();
  }
}

/** U_k v for every row v of filters ([J, k] → [J, d]): the filters as images in the whitened pixel space. */
export function fromPrincipalCoordinates(filters: Float32Array, eigen: SymmetricEigen, k: number): Float32Array {
  const d = eigen.values.length;
  checkComponents('fromPrincipalCoordinates', eigen, d, k);
  if (filters.length % k !== 0) throw new Error(`fromPrincipalCoordinates: ${filters.length} values are not a whole number of rows of ${k}`);
  const J = filters.length / k;
  const out = new Float32Array(J * d);
  const columns = leadingColumns(d, k);
  for (let j = 0; j < J; j++) {
    for (let p = 0; p < d; p++) {
      let sum = 0;
      for (let i = 0; i < k; i++) sum += eigen.vectors[p * d + columns[i]] * filters[j * k + i];
      out[j * d + p] = sum;
    }
  }
  return out;
}
