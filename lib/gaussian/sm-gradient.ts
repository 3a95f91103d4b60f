// Score matching by gradient descent in TensorFlow.js (autodiff + Adam), the way one trains models
// without a closed form. Per data row the loss is ½‖∇ₓ log p(x)‖² + Δₓ log p(x) = ½‖Λx‖² − tr Λ;
// averaged over rows it is ½ tr(ΛSΛ) − tr Λ, so the full-batch loss of all N images needs only S's
// local blocks (moments.ts): ½ Σᵢ ρᵢᵀ Bᵢ ρᵢ − tr Λ with ρᵢ = row i of Λ over i's neighbourhood slots.
// That costs D·9·9 multiply-adds per step instead of N·(D + edges), whatever N is.
// tfScoreMatchingLossOfRows is the per-row definition, for checking the two agree.
import * as tf from '@tensorflow/tfjs';
import { createPrecision, SparsePrecision } from './precision';
import { LocalSecondMoment } from './moments';
import { tfNeighbourhoodRows, tfPrecisionTimes, tfTrace } from './tf-precision';
import { trainPrecision, TrainResult } from './train';

/** Mean over rows x [M, D] of ½‖Λx‖² − tr Λ, with θ = Λ's free values. */
export function tfScoreMatchingLossOfRows(theta: tf.Tensor1D, rows: tf.Tensor2D, local: LocalSecondMoment): tf.Scalar {
  return tf.tidy(() => {
    const score = tfPrecisionTimes(theta, rows, local.structure);
    return tf.sub(tf.mul(0.5, tf.mean(tf.sum(tf.square(score), 1))), tfTrace(theta, local.structure)) as tf.Scalar;
  });
}

/** ½ tr(ΛSΛ) − tr Λ from the local blocks, differentiable in θ. */
export function tfScoreMatchingLossOfMoments(theta: tf.Tensor1D, local: LocalSecondMoment, blocks: tf.Tensor3D): tf.Scalar {
  return tf.tidy(() => {
    const K = local.neighbourhoods.slots;
    const rowsOfLambda = tf.reshape(tfNeighbourhoodRows(theta, local.structure), [local.structure.size, 1, K]);
    const blockTimesRow = tf.sum(tf.mul(blocks, rowsOfLambda), 2);
    const quadratic = tf.sum(tf.mul(tf.reshape(rowsOfLambda, [local.structure.size, K]), blockTimesRow));
    return tf.sub(tf.mul(0.5, quadratic), tfTrace(theta, local.structure)) as tf.Scalar;
  });
}

export interface ScoreMatchingGradientOptions {
  steps: number;
  learningRate: number;
  finalLearningRate: number;
  /** Starting precision (default: the diagonal fit 1/Sᵢᵢ). */
  init?: SparsePrecision;
}

/** Full-batch Adam on the SM loss; its optimum is fitScoreMatchingExact's, up to float32 and steps. */
export function fitScoreMatchingGradient(local: LocalSecondMoment, options: ScoreMatchingGradientOptions): TrainResult {
  const { structure } = local;
  const K = local.neighbourhoods.slots;
  let init = options.init;
  if (!init) {
    init = createPrecision(structure);
    for (let i = 0; i < structure.size; i++) init.diagonal[i] = 1 / local.blocks[i * K * K];
  }
  const blocks = tf.tensor3d(Float32Array.from(local.blocks), [structure.size, K, K]);
  const lossOf = (t: tf.Tensor) => tfScoreMatchingLossOfMoments(t as tf.Tensor1D, local, blocks);
  try {
    return trainPrecision(
      structure,
      { precision: init },
      (theta) => {
        const thetaTensor = tf.tensor1d(Float32Array.from(theta));
        const { value, grad } = tf.valueAndGrad(lossOf)(thetaTensor);
        const result = { terms: { total: value.dataSync()[0] }, gradient: Float64Array.from(grad.dataSync()) };
        tf.dispose([thetaTensor, value, grad]);
        return result;
      },
      {
        estimator: `SM by gradient (${structure.connectivity}-connected)`,
        steps: options.steps,
        learningRate: options.learningRate,
        finalLearningRate: options.finalLearningRate,
        keepPositiveDefinite: false,
      },
    );
  } finally {
    blocks.dispose();
  }
}
