// Denoising score matching (Vincent 2011) for the DEM. Corrupt each patch, x̃ = x + σₙε with ε ~ N(0, I),
// and ask the model's score at x̃ to point back to x:
//   J_DSM(θ) = E ½‖ψ(x̃) − ∇ₓ̃ log q(x̃ | x)‖² = E ½‖ψ(x̃) + ε/σₙ‖².
// Up to a constant free of θ this is the Fisher divergence between the model and the *smoothed* data
// density q_σₙ = p_data ∗ N(0, σₙ²I), so its optimum is the score of q_σₙ, not of p_data: the noise level
// is a bias (for Gaussian data of covariance C, the optimum covariance is C + σₙ²I; ../gaussian/denoising-sm).
// No Laplacian: one score per sample, O(D·J) like the forward pass, against the exact loss's O(K·J²) extra.
// The gradient is tfjs autodiff through ./model's analytic score (checked in the tests).
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../random';
import { Dem, PARAM_NAMES, score } from './model';
import { DemObjective, ObjectiveGradient } from './objective';

function checkNoise(model: Dem, x: tf.Tensor2D, noise: tf.Tensor2D, noiseStd: number): void {
  if (x.rank !== 2 || x.shape[1] !== model.config.inputs || noise.shape[0] !== x.shape[0] || noise.shape[1] !== x.shape[1]) {
    throw new Error(`denoising SM: expected inputs and noise of the same shape [N, ${model.config.inputs}], got [${x.shape}] and [${noise.shape}]`);
  }
  if (!(noiseStd > 0) || !Number.isFinite(noiseStd)) throw new Error(`denoising SM: noise std must be a positive number, got ${noiseStd}`);
}

/** ½‖ψ(x + σₙε) + ε/σₙ‖² per row, [N]; `noise` holds the standard-normal ε. */
export function dsmLossRows(model: Dem, x: tf.Tensor2D, noise: tf.Tensor2D, noiseStd: number): tf.Tensor1D {
  checkNoise(model, x, noise, noiseStd);
  return tf.tidy(() => {
    const corrupted = tf.add(x, tf.mul(noise, noiseStd)) as tf.Tensor2D;
    const residual = tf.add(score(model, corrupted), tf.div(noise, noiseStd));
    return tf.mul(0.5, tf.sum(tf.square(residual), 1)) as tf.Tensor1D;
  });
}

/** Mean DSM loss on the batch and its gradient with respect to (V, W, b, c). Caller disposes. */
export function dsmLossAndGradient(model: Dem, x: tf.Tensor2D, noise: tf.Tensor2D, noiseStd: number): ObjectiveGradient {
  const variables = PARAM_NAMES.map((name) => model.params[name]);
  const { value, grads } = tf.variableGrads(() => tf.mean(dsmLossRows(model, x, noise, noiseStd)) as tf.Scalar, variables);
  const byName = Object.fromEntries(PARAM_NAMES.map((name) => [name, grads[model.params[name].name]]));
  return { loss: value, terms: tf.tidy(() => tf.reshape(value, [1]) as tf.Tensor1D), grads: byName as ObjectiveGradient['grads'] };
}

/** DSM as a training objective for ./train: fresh seeded noise for every batch. */
export function denoisingObjective(noiseStd: number, seed: number): DemObjective {
  const rng = createRng(seed);
  return {
    name: `denoising SM (σₙ = ${noiseStd})`,
    terms: ['½‖ψ(x̃) + ε/σₙ‖²'],
    gradient(model, x) {
      const noise = tf.randomNormal(x.shape, 0, 1, 'float32', rng.fork()) as tf.Tensor2D;
      try {
        return dsmLossAndGradient(model, x, noise, noiseStd);
      } finally {
        noise.dispose();
      }
    },
  };
}
