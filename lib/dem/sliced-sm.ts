// Sliced score matching (Song et al. 2019) for the DEM. The Laplacian Δ log p = tr ∇ₓψ is replaced by its
// value along a random direction v with E[vvᵀ] = I (here v ~ N(0, I)): E_v[vᵀ(∇ₓψ)v] = tr ∇ₓψ, so
//   J_SSM(θ) = E_x E_v [½‖ψ(x)‖² + vᵀ(∇ₓψ)v]
// has the same expectation as the exact SM loss (the "variance-reduced" form: ½‖ψ‖² is kept exact).
// For the DEM the directional curvature has a closed form. With z = Vv (one number per filter):
//   ∂ψ/∂x·v = −v/σ² + Vᵀ(h''⊙z⊙r + s⊙Wᵀ(p'⊙δ)),   δ = W(s⊙z)  (the change of u along v),
//   vᵀ(∇ₓψ)v = −‖v‖²/σ² + Σⱼ h''ⱼ rⱼ zⱼ² + Σₖ p'ₖ δₖ²,
// which costs O(D·J) per sample and projection (the product z = Vv), against the exact Laplacian's
// O(K·J²) through the Gram matrix. Averaging zzᵀ over v gives E[zzᵀ] = VVᵀ = G, which turns this back into
// the Laplacian of ./model: the estimate is unbiased (a test checks it). Gradients: tfjs autodiff.
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../random';
import { matMul } from '../tf/matmul';
import { Dem, PARAM_NAMES, featureValues, sigmoidSlope } from './model';
import { DemObjective, ObjectiveGradient } from './objective';

function checkProjections(model: Dem, x: tf.Tensor2D, v: tf.Tensor2D): void {
  if (x.rank !== 2 || x.shape[1] !== model.config.inputs || v.shape[0] !== x.shape[0] || v.shape[1] !== x.shape[1]) {
    throw new Error(`sliced SM: expected inputs and projections of the same shape [N, ${model.config.inputs}], got [${x.shape}] and [${v.shape}]`);
  }
}

/** The score ψ(x) and the directional curvature vᵀ(∇ₓψ)v per row (row n of v is the direction for row n of x). */
export function scoreAndCurvature(model: Dem, x: tf.Tensor2D, v: tf.Tensor2D): { score: tf.Tensor2D; curvature: tf.Tensor1D } {
  checkProjections(model, x, v);
  return tf.tidy(() => {
    const { V, W, b, c } = model.params;
    const sigma = model.config.sigma;
    const a = matMul(x, V, false, true); // [N, J]
    const { h, s, h2 } = featureValues(model.config.unit, a); // g, g', g''
    const u = tf.add(matMul(h, W, false, true), c); // [N, K]
    const p1 = sigmoidSlope(u); // p(1−p)
    const r = matMul(tf.sigmoid(u), W); // [N, J]
    const score = tf.add(tf.add(tf.div(x, -(sigma ** 2)), b), matMul(tf.mul(s, r), V)) as tf.Tensor2D;
    const z = matMul(v, V, false, true); // Vv per row, [N, J]
    const delta = matMul(tf.mul(s, z), W, false, true); // W(s⊙z), [N, K]
    const curvature = tf.addN([
      tf.div(tf.sum(tf.square(v), 1), -(sigma ** 2)),
      tf.sum(tf.mul(tf.mul(h2, r), tf.square(z)), 1),
      tf.sum(tf.mul(p1, tf.square(delta)), 1),
    ]) as tf.Tensor1D;
    return { score, curvature };
  });
}

/** ½‖ψ(x)‖² + vᵀ(∇ₓψ)v per row, [N]. */
export function ssmLossRows(model: Dem, x: tf.Tensor2D, v: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const { score, curvature } = scoreAndCurvature(model, x, v);
    return tf.add(tf.mul(0.5, tf.sum(tf.square(score), 1)), curvature) as tf.Tensor1D;
  });
}

/** Mean SSM loss on the batch, its two terms' means, and the gradient with respect to (V, W, b, c). Caller disposes. */
export function ssmLossAndGradient(model: Dem, x: tf.Tensor2D, v: tf.Tensor2D): ObjectiveGradient {
  const variables = PARAM_NAMES.map((name) => model.params[name]);
  let terms: tf.Tensor1D | null = null;
  const { value, grads } = tf.variableGrads(() => {
    const { score, curvature } = scoreAndCurvature(model, x, v);
    const half = tf.mean(tf.mul(0.5, tf.sum(tf.square(score), 1)));
    const slice = tf.mean(curvature);
    terms = tf.keep(tf.stack([half, slice]) as tf.Tensor1D);
    return tf.add(half, slice) as tf.Scalar;
  }, variables);
  const byName = Object.fromEntries(PARAM_NAMES.map((name) => [name, grads[model.params[name].name]]));
  return { loss: value, terms: terms as unknown as tf.Tensor1D, grads: byName as ObjectiveGradient['grads'] };
}

/** SSM as a training objective for ./train: one fresh seeded Gaussian direction per sample and batch. */
export function slicedObjective(seed: number): DemObjective {
  const rng = createRng(seed);
  return {
    name: 'sliced SM',
    terms: ['½‖ψ‖²', 'vᵀ(∇ₓψ)v'],
    gradient(model, x) {
      const v = tf.randomNormal(x.shape, 0, 1, 'float32', rng.fork()) as tf.Tensor2D;
      try {
        return ssmLossAndGradient(model, x, v);
      } finally {
        v.dispose();
      }
    },
  };
}
