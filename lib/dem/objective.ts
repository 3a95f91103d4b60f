// A training objective for ./train other than the exact score-matching loss (denoising SM, sliced SM):
// given a batch it returns the mean loss, its terms' batch means (named, for the error raised when one
// turns non-finite) and the gradient. Objectives that draw noise hold their own seeded stream.
import * as tf from '@tensorflow/tfjs';
import { Dem } from './model';

export interface ObjectiveGradient {
  loss: tf.Scalar;
  /** Batch means of the loss's terms, in the order of DemObjective.terms. */
  terms: tf.Tensor1D;
  grads: { V: tf.Tensor2D; W: tf.Tensor2D; b: tf.Tensor1D; c: tf.Tensor1D };
}

export interface DemObjective {
  /** Shown in progress lines and errors, e.g. "sliced SM". */
  name: string;
  terms: readonly string[];
  /** Loss, terms and gradient on the batch x [N, D]; caller disposes. */
  gradient(model: Dem, x: tf.Tensor2D): ObjectiveGradient;
}
