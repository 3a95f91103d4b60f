// Matrix product that keeps the wasm backend on its fast path.
//
// Measured on this machine (tfjs-backend-wasm 4.22): tf.matMul with transposeA or transposeB runs
// ~12x slower than tf.transpose followed by a plain tf.matMul, because only the untransposed
// single-batch case is handed to XNNPACK; every other case uses a naive loop. tf.matMul's gradient
// multiplies by transposed operands, so autodiff through it hits the slow path too; the custom
// gradient below uses explicit transposes instead (one gradient ran 5-6x faster that way).
// Batched (rank-3) products also take the slow path: reshape to rank 2 before calling this.
import * as tf from '@tensorflow/tfjs';

/** Swaps the last two axes (a plain matrix transpose for rank 2). */
function swapLastAxes(x: tf.Tensor): tf.Tensor {
  const perm = x.shape.map((_, i) => i);
  const last = perm.length - 1;
  [perm[last - 1], perm[last]] = [perm[last], perm[last - 1]];
  return tf.transpose(x, perm);
}

/** op(a)·op(b) with every transpose done explicitly, so the product itself is a plain matMul. */
function plainMatMul(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean): tf.Tensor {
  return tf.tidy(() => tf.matMul(transposeA ? swapLastAxes(a) : a, transposeB ? swapLastAxes(b) : b));
}

/**
 * Same value as tf.matMul(a, b, transposeA, transposeB) (a, b of rank 2, or rank 3 with equal batch),
 * computed with explicit transposes, with a gradient that also uses explicit transposes:
 * for C = op(a)·op(b), dop(a) = dC·op(b)ᵀ and dop(b) = op(a)ᵀ·dC, each transposed back when op transposed.
 */
export function matMul<T extends tf.Tensor>(a: T, b: tf.Tensor, transposeA = false, transposeB = false): T {
  if (a.rank !== b.rank || (a.rank !== 2 && a.rank !== 3)) {
    throw new Error(`matMul: expected two tensors of rank 2 (or both rank 3), got shapes [${a.shape}] and [${b.shape}]`);
  }
  const product = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, y, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([x, y]);
    return {
      value: plainMatMul(x, y, transposeA, transposeB),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ys] = saved;
        const dx = transposeA ? plainMatMul(ys, dy, transposeB, true) : plainMatMul(dy, ys, false, !transposeB);
        const dyB = transposeB ? plainMatMul(dy, xs, true, transposeA) : plainMatMul(xs, dy, !transposeA, false);
        return [dx, dyB];
      },
    };
  });
  return product(a, b) as T;
}
