// Score matching by gradient descent in TensorFlow.js (autodiff + Adam), the way one trains models
// without a closed form. Per data row the loss is ½‖∇ₓ log p(x)‖² + Δₓ log p(x) = ½‖Λx‖² − tr Λ;
// averaged over rows it is ½ tr(ΛSΛ) − tr Λ, so the full-batch loss of all N images needs only S's
// local blocks (moments.ts): ½ Σᵢ ρᵢᵀ Bᵢ ρᵢ − tr Λ with ρᵢ = row i of Λ over i's neighbourhood slots.
// That costs D·9·9 multiply-adds per step instead of N·(D + edges), whatever N is.
// tfScoreMatchingLossOfRows is the per-row definition, for checking the two agree.
import * as tf from '@tensorflow/tfjs';
import { createPrecision, SparsePrecision } from '../model/precision';
import { LocalSecondMoment, slotParameterIndex } from '../model/local-moments';
import { tfPrecisionTimes, tfTrace } from '../model/tf-precision';
import { trainPrecision, TrainResult } from '../contrastive/minibatch';

/** Mean over rows x [M, D] of ½‖Λx‖² − tr Λ, with θ = Λ's free values. */
export function tfScoreMatchingLossOfRows(theta: tf.Tensor1D, rows: tf.Tensor2D, local: LocalSecondMoment): tf.Scalar {
  return tf.tidy(() => {
    const score = tfPrecisionTimes(theta, rows, local.structure);
    return tf.sub(tf.mul(0.5, tf.mean(tf.sum(tf.square(score), 1))), tfTrace(theta, local.structure)) as tf.Scalar;
  });
}

/**
 * θ → Λ's rows over the neighbourhood slots [D·K] as one gather; its gradient is the matching
 * scatter-add (tfjs-wasm has no kernel for gather's own gradient). Two ops instead of the ~25
 * slices and pads of building the rows from shifted edge rectangles: a step costs ~5× less, and SM by Adam needs thousands.
 */
function gatherSlots(index: Int32Array, parameterCount: number): (theta: tf.Tensor) => tf.Tensor {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const theta = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    const indices = tf.tensor1d(index, 'int32');
    save([indices]);
    return {
      value: tf.gather(theta, indices),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.scatterND(tf.reshape(saved[0], [index.length, 1]), dy, [parameterCount]),
    };
  }) as (theta: tf.Tensor) => tf.Tensor;
}

const gatherCache = new WeakMap<LocalSecondMoment, (theta: tf.Tensor) => tf.Tensor>();

/** ½ tr(ΛSΛ) − tr Λ = ½ Σᵢ ρᵢᵀ Bᵢ ρᵢ − tr Λ from the local blocks, differentiable in θ. */
export function tfScoreMatchingLossOfMoments(theta: tf.Tensor1D, local: LocalSecondMoment, blocks: tf.Tensor3D): tf.Scalar {
  let gather = gatherCache.get(local);
  if (!gather) {
    gather = gatherSlots(slotParameterIndex(local), theta.shape[0]);
    gatherCache.set(local, gather);
  }
  const rowsOf = gather;
  return tf.tidy(() => {
    const D = local.structure.size;
    const K = local.neighbourhoods.slots;
    const rows = tf.reshape(rowsOf(theta), [D, 1, K]);
    const blockTimesRow = tf.sum(tf.mul(blocks, rows), 2);
    const quadratic = tf.sum(tf.mul(tf.reshape(rows, [D, K]), blockTimesRow));
    return tf.sub(tf.mul(0.5, quadratic), tf.sum(tf.slice(theta, [0], [D]))) as tf.Scalar;
  });
}

/**
 * Adam's fit counts as converged when ‖Λ_gradient − Λ_exact‖_F / ‖Λ_exact‖_F is at most this. When it
 * converges, float32 Adam ends 1e-7 to 1e-5 from the float64 CG solution (measured on MNIST and synthetic
 * digits); a stopped run on 60,000 MNIST rows ended 3.7e-2 away, which a reader must not take for SM's answer.
 */
export const GRADIENT_AGREEMENT = 1e-3;

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
