// The score-matching loss of the DEM and its gradient with respect to (V, W, b, c), derived by hand.
// Same numbers as tf.grads(smLoss) (a test compares them); this path exists for speed: measured on wasm,
// one thread, batch 1024, it runs at ~11,500 samples/s against ~3,800 for autodiff through ./model
// (already with explicit transposes), because every large product is a plain rank-2 matMul (the XNNPACK
// path) and the K·J² Laplacian term never materialises Aₖ = wₖ ⊙ s nor needs its own transpose.
//
// Notation (one row per sample; see ./model for the model):
//   a = xVᵀ, h = g(a), s = g'(a), h'' = g''(a), u = hWᵀ + c, p = sigmoid(u), p' = p(1−p),
//   r = pW, score = −x/σ² + b + (s⊙r)V,  lap = −D/σ² + Σⱼ ‖vⱼ‖² h''ⱼ rⱼ + Σₖ p'ₖ qₖ,
//   qₖ = Σⱼₗ sⱼ Wₖⱼ Gⱼₗ Wₖₗ sₗ  (G = VVᵀ),  loss = mean[½‖score‖² + lap].
// The Laplacian's quadratic term uses Mₙₖⱼ = Wₖⱼ Σₗ Gⱼₗ Wₖₗ sₙₗ, which is ONE plain product
// s · H with Hₗ,(k,j) = Wₖₗ Gₗⱼ Wₖⱼ ([J, K·J]); then qₙ = Mₙ sₙ and ∂qₙₖ/∂sₙ = 2Mₙₖ. Its
// gradients with respect to W and G both go through Cₖ = Σₙ p'ₙₖ sₙsₙᵀ/N, one product
// (s⊗s)ᵀ · p' ([J², N]·[N, K]):  ∂/∂Wₖⱼ = 2 Σₗ Gⱼₗ Wₖₗ Cₖⱼₗ,  ∂/∂Gⱼₗ = Σₖ Wₖⱼ Wₖₗ Cₖⱼₗ.
import * as tf from '@tensorflow/tfjs';
import { Dem, featureThirdDerivative, featureValues, sigmoidSlope } from './model';

export type SmGradient = {
  /** Mean score-matching loss over the batch. */
  loss: tf.Scalar;
  /** Batch means of the loss's three data-dependent terms, in the order of SM_TERMS. */
  terms: tf.Tensor1D;
  grads: { V: tf.Tensor2D; W: tf.Tensor2D; b: tf.Tensor1D; c: tf.Tensor1D };
};

/** Names of the loss terms (the constant −D/σ² aside), used in error messages. */
export const SM_TERMS = ['½‖score‖²', "curvature Σⱼ‖vⱼ‖²h''ⱼrⱼ", "interaction Σₖp'ₖqₖ"] as const;

/** Plain product of the last axis of x3 [B, m, k] with y3 [B, k, n], batch by batch. */
function batchedMatMul(x3: tf.Tensor, y3: tf.Tensor): tf.Tensor3D {
  // Measured: for 1×64·64×64 products over 1024 samples, the batched kernel (4.7 ms) beats an
  // elementwise product followed by a sum over the middle axis (6 + 8 ms; tfjs transposes for it).
  return tf.matMul(x3 as tf.Tensor3D, y3 as tf.Tensor3D);
}

/**
 * Slopes below this are set to 0. Products such as sⱼsₗp'ₖ/N of slopes of saturated units fall into
 * float32's subnormal range (< 1.2e-38), where wasm arithmetic is slow: measured on a trained raw-patch
 * model with |u| up to 160, the (s⊗s)ᵀp' product took 195 ms instead of 9 ms. A slope of 1e-10 (|z| ≈ 23)
 * changes score and Laplacian by less than float32 resolves next to their other terms.
 */
const TINY_SLOPE = 1e-10;

function flushTiny(slope: tf.Tensor): tf.Tensor {
  return tf.mul(slope, tf.cast(tf.greaterEqual(slope, TINY_SLOPE), 'float32'));
}

function checkBatch(model: Dem, x: tf.Tensor, caller: string): void {
  if (x.rank !== 2 || x.shape[1] !== model.config.inputs) {
    throw new Error(`${caller}: expected inputs of shape [N, ${model.config.inputs}], got [${x.shape}]`);
  }
}

/** Every forward quantity the gradient needs; call inside tf.tidy. */
function forward(model: Dem, x: tf.Tensor2D) {
  const { features: J, units: K, sigma } = model.config;
  const N = x.shape[0];
  const { V, W, b, c } = model.params;
  const Vt = tf.transpose(V) as tf.Tensor2D; // [D, J]
  const Wt = tf.transpose(W) as tf.Tensor2D; // [J, K]
  const a = tf.matMul(x, Vt); // [N, J]
  const { h, s, h2 } = featureValues(model.config.unit, a, flushTiny); // g, g', g'' of a: [N, J] each
  const u = tf.add(tf.matMul(h, Wt), c); // [N, K]
  const p = tf.sigmoid(u);
  const p1 = flushTiny(sigmoidSlope(u)); // p(1−p), [N, K]
  const r = tf.matMul(p, W); // [N, J]
  const e = tf.mul(s, r); // [N, J]
  const score = tf.add(tf.sub(tf.matMul(e, V), tf.mul(x, 1 / sigma ** 2)), b) as tf.Tensor2D; // [N, D]

  const G = tf.matMul(V, Vt); // [J, J]
  const norms = tf.sum(tf.square(V), 1); // ‖vⱼ‖², [J]
  const H = tf.mul(tf.mul(tf.reshape(Wt, [J, K, 1]), tf.reshape(G, [J, 1, J])), tf.reshape(W, [1, K, J])); // [J, K, J]
  const M = tf.reshape(tf.matMul(s, tf.reshape(H, [J, K * J])), [N, K, J]); // Mₙₖⱼ
  const q = tf.reshape(batchedMatMul(M, tf.reshape(s, [N, J, 1])), [N, K]); // qₙₖ

  // Per-sample terms [N, 3]; the loss adds the constant −D/σ².
  const terms = tf.stack([tf.mul(0.5, tf.sum(tf.square(score), 1)), tf.sum(tf.mul(tf.mul(h2, r), norms), 1), tf.sum(tf.mul(p1, q), 1)], 1) as tf.Tensor2D;
  return { Vt, Wt, h, s, h2, p, p1, r, e, score, G, norms, M, q, terms };
}

/** Per-sample score-matching loss ½‖∇ₓ log p‖² + Δₓ log p, [N]: same values as ./model's smLossPerSample, faster. */
export function smLossRows(model: Dem, x: tf.Tensor2D): tf.Tensor1D {
  checkBatch(model, x, 'smLossRows');
  const { inputs: D, sigma } = model.config;
  return tf.tidy(() => tf.sub(tf.sum(forward(model, x).terms, 1), D / sigma ** 2) as tf.Tensor1D);
}

/** Loss and gradients of mean[½‖∇ₓ log p‖² + Δₓ log p] on the batch x [N, D]. Caller disposes. */
export function smLossAndGradient(model: Dem, x: tf.Tensor2D): SmGradient {
  checkBatch(model, x, 'smLossAndGradient');
  const { inputs: D, features: J, units: K, sigma } = model.config;
  const N = x.shape[0];
  const { V, W } = model.params;
  return tf.tidy(() => {
    const { Vt, Wt, h, s, h2, p, p1, r, e, score, G, norms, M, q, terms } = forward(model, x);
    const perSample = 1 / N; // d loss / d (per-sample term)
    const ones = tf.ones([1, N]); // sums over rows as a plain matMul (tf.sum(·, 0) transposes first)
    const sumRows = (t: tf.Tensor) => tf.reshape(tf.matMul(ones, t as tf.Tensor2D), [t.shape[1] as number]);
    const termMeans = tf.mul(sumRows(terms), perSample) as tf.Tensor1D;
    const loss = tf.sub(tf.sum(termMeans), D / sigma ** 2) as tf.Scalar;

    // Backward: d loss / d ·, each line the chain rule through one forward line.
    const dE = tf.mul(tf.matMul(score, Vt), perSample); // through score = eV + …, [N, J]
    const db = tf.mul(sumRows(score), perSample);
    const dVscore = tf.mul(tf.matMul(tf.transpose(e), score), perSample); // [J, D]

    const dr = tf.add(tf.mul(dE, s), tf.mul(tf.mul(h2, norms), perSample)); // [N, J]
    const dQuad = tf.reshape(batchedMatMul(tf.reshape(p1, [N, 1, K]), M), [N, J]); // Σₖ p'ₖ Mₖ = ½ Σₖ p'ₖ ∂qₖ/∂s
    const ds = tf.add(tf.mul(dE, r), tf.mul(dQuad, 2 * perSample)); // [N, J]
    const dh2 = tf.mul(tf.mul(r, norms), perSample); // [N, J]
    const dNorms = tf.mul(sumRows(tf.mul(h2, r)), perSample); // [J]

    const dp = tf.add(tf.matMul(dr, Wt), tf.mul(tf.mul(q, tf.sub(1, tf.mul(2, p))), perSample)); // [N, K]
    const du = tf.mul(dp, p1); // [N, K]
    const dc = sumRows(du);

    // Cₖⱼₗ = Σₙ p'ₙₖ sₙⱼ sₙₗ / N, laid out [J, J, K] straight from sᵀ so no large transpose is needed.
    const sT = tf.transpose(s); // [J, N]
    const outer = tf.reshape(tf.mul(tf.reshape(sT, [J, 1, N]), tf.reshape(sT, [1, J, N])), [J * J, N]);
    const C = tf.reshape(tf.matMul(outer, tf.mul(p1, perSample)), [J, J, K]);
    const CW = tf.mul(C, tf.reshape(Wt, [1, J, K])); // Cₖⱼₗ Wₖₗ at [j, l, k]
    const dWquad = tf.transpose(tf.mul(tf.sum(tf.mul(CW, tf.reshape(G, [J, J, 1])), 1), 2)); // [K, J]
    const dG = tf.sum(tf.mul(CW, tf.reshape(Wt, [J, 1, K])), 2); // [J, J]

    const dW = tf.addN([tf.matMul(tf.transpose(p), dr), tf.matMul(tf.transpose(du), h), dWquad]) as tf.Tensor2D;

    // h, s and h'' are g, g' and g'' of a: their slopes are g', g'' and g'''.
    const h3 = featureThirdDerivative(model.config.unit, { h, s, h2 });
    const da = tf.addN([tf.mul(tf.matMul(du, W), s), tf.mul(ds, h2), tf.mul(dh2, h3)]); // [N, J]

    const dV = tf.addN<tf.Tensor>([
      dVscore,
      tf.matMul(tf.transpose(da), x),
      tf.matMul(tf.add(dG, tf.transpose(dG)), V), // G = VVᵀ
      tf.mul(tf.reshape(tf.mul(dNorms, 2), [J, 1]), V), // ‖vⱼ‖² = Σ_d V²ⱼd
    ]) as tf.Tensor2D;

    return { loss, terms: termMeans, grads: { V: dV, W: dW, b: db as tf.Tensor1D, c: dc as tf.Tensor1D } };
  });
}
