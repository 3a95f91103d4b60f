// The notebook's quick check of the analytic derivatives against tfjs autodiff on a few inputs:
// the score against ∇ₓ of log p, and the Laplacian against Σₗ ∂scoreₗ/∂xₗ of the analytic score
// (one backward pass per input dimension, so keep D small). The test suite checks both against float64
// finite differences as well (test/dem/model.test.ts).
import * as tf from '@tensorflow/tfjs';
import { Dem, logDensity, scoreAndLaplacian } from './model';

export interface DerivativeCheck {
  /** max |analytic − autodiff| / max |autodiff| over all score entries. */
  scoreError: number;
  /** max |analytic − autodiff| / max(1, |autodiff|) over the inputs. */
  laplacianError: number;
}

export function checkDerivatives(model: Dem, x: tf.Tensor2D): DerivativeCheck {
  const D = model.config.inputs;
  if (D > 64) throw new Error(`checkDerivatives: D = ${D} needs ${D} backward passes; use a model with D ≤ 64`);
  return tf.tidy(() => {
    const autodiffScore = tf
      .grad((input: tf.Tensor) => tf.sum(logDensity(model, input as tf.Tensor2D)))(x)
      .arraySync() as number[][];
    const { score, laplacian } = scoreAndLaplacian(model, x);
    const analyticScore = score.arraySync();
    const analyticLaplacian = laplacian.arraySync();
    const scoreColumn = (l: number) => (input: tf.Tensor) => tf.sum(tf.slice(scoreAndLaplacian(model, input as tf.Tensor2D).score, [0, l], [-1, 1]));
    const hessianTrace = new Array<number>(x.shape[0]).fill(0);
    for (let l = 0; l < D; l++) {
      const diagonal = tf.grad(scoreColumn(l))(x).arraySync() as number[][];
      diagonal.forEach((row, i) => (hessianTrace[i] += row[l]));
    }
    let scoreDiff = 0;
    let scoreScale = 0;
    analyticScore.forEach((row, i) =>
      row.forEach((value, l) => {
        scoreDiff = Math.max(scoreDiff, Math.abs(value - autodiffScore[i][l]));
        scoreScale = Math.max(scoreScale, Math.abs(autodiffScore[i][l]));
      }),
    );
    const laplacianError = Math.max(...analyticLaplacian.map((value, i) => Math.abs(value - hessianTrace[i]) / Math.max(1, Math.abs(hessianTrace[i]))));
    return { scoreError: scoreDiff / scoreScale, laplacianError };
  });
}
