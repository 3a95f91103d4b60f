// The deep energy model (DEM) of Exercise 2, readable top to bottom:
//
//   log p(x) = −‖x‖²/(2σ²) + bᵀx + Σₖ softplus(uₖ),   a = Vx,  h = g(a),  u = Wh + c
//
// with V ∈ R^{J×D} (filters), W ∈ R^{K×J}, b ∈ R^D, c ∈ R^K; the density is unnormalised. The homework's
// first layer is g = sigmoid; notebook 03 §3b also trains g = log cosh, labelled as a change (an even
// function, so a unit can sharpen the density's peak: see ./peak for why the sigmoid cannot).
// Score and Laplacian are written out analytically (derivation in notebook 03):
//   ∇ₓ log p = −x/σ² + b + Vᵀ(s ⊙ r),            s = g'(a),  r = Wᵀ sigmoid(u)
//   Δₓ log p = −D/σ² + Σⱼ ‖vⱼ‖² h''ⱼ rⱼ + Σₖ sigmoid'(uₖ) AₖGAₖᵀ,
//              h'' = g''(a),  Aₖ = wₖ ⊙ s,  G = VVᵀ (J×J)
// The last term costs O(K·J²) per sample through the Gram matrix G, instead of O(K·J·D) through
// ‖Vᵀ(wₖ ⊙ s)‖². Score matching (Hyvärinen 2005) minimises mean[½‖∇ₓ log p‖² + Δₓ log p].
// Row convention: a batch x is [N, D]; every per-sample quantity is a row.
// The fast training gradient lives in ./sm-gradient (hand-derived, checked against autodiff of smLoss).
import * as tf from '@tensorflow/tfjs';
import { createRng, normalArray } from '../random';
import { matMul } from '../tf/matmul';

/** The first layer's function g: the homework's sigmoid, or the even log cosh. */
export type FeatureUnit = 'sigmoid' | 'log-cosh';
export const FEATURE_UNITS: readonly FeatureUnit[] = ['sigmoid', 'log-cosh'];

export interface DemConfig {
  /** D: input dimension (784 for 28×28 patches). */
  inputs: number;
  /** J: number of features hⱼ = g(vⱼᵀx) (filters vⱼ, the rows of V). */
  features: number;
  /** g of the features (default 'sigmoid', the homework's model). */
  unit?: FeatureUnit;
  /** K: number of softplus units on top of the features. */
  units: number;
  /** σ of the Gaussian term; score matching wants σ² ≈ the data's mean pixel variance. */
  sigma: number;
}

export const DEFAULT_DEM_CONFIG: DemConfig = { inputs: 784, features: 64, units: 64, sigma: 1 };

export interface DemParams {
  V: tf.Variable<tf.Rank.R2>; // [J, D]
  W: tf.Variable<tf.Rank.R2>; // [K, J]
  b: tf.Variable<tf.Rank.R1>; // [D]
  c: tf.Variable<tf.Rank.R1>; // [K]
}
export type ParamName = keyof DemParams;
export const PARAM_NAMES: readonly ParamName[] = ['V', 'W', 'b', 'c'];

export interface Dem {
  config: DemConfig;
  params: DemParams;
  /** Frees the variables (they are registered globally in tfjs under unique names). */
  dispose(): void;
}

export interface DemInit {
  seed: number;
  /**
   * Typical pixel standard deviation of the inputs the model will see (1 for whitened patches).
   * V starts at N(0, (activationScale / (dataScale·√D))²), so each pre-activation aⱼ = vⱼᵀx starts
   * with standard deviation ≈ activationScale whatever the inputs' scale. (An N(0, 1) V would give
   * |a| ≈ 28 on whitened patches: saturated sigmoids, whose gradients through h(1−h) vanish.)
   */
  dataScale?: number;
  /**
   * Standard deviation of the initial pre-activations aⱼ = vⱼᵀx. The default 0.5 starts every sigmoid
   * in its graded range (slope ≥ 0.15 for |a| < 2); notebook 03 starts at 6, partly saturated, where
   * its filters came out localised (the measurements are in docs/decisions.md).
   */
  activationScale?: number;
  /** W starts at N(0, (wScale/√J)²): u = Wh has standard deviation ≈ wScale·‖h‖/√J ≈ 0.5·wScale. */
  wScale?: number;
}

let modelCount = 0;

function checkConfig(config: DemConfig): void {
  for (const key of ['inputs', 'features', 'units'] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 1) {
      throw new Error(`DEM config: ${key} must be a positive integer, got ${config[key]}`);
    }
  }
  if (!(config.sigma > 0) || !Number.isFinite(config.sigma)) {
    throw new Error(`DEM config: sigma must be a positive finite number, got ${config.sigma}`);
  }
  if (config.unit !== undefined && !FEATURE_UNITS.includes(config.unit)) {
    throw new Error(`DEM config: unit must be one of ${FEATURE_UNITS.join(', ')}, got ${JSON.stringify(config.unit)}`);
  }
}

/** Wraps given parameter values (Float32Arrays in the shapes above) as a model with fresh variables. */
export function demFromArrays(config: DemConfig, values: Record<ParamName, Float32Array>): Dem {
  checkConfig(config);
  const { inputs: D, features: J, units: K } = config;
  const shapes: Record<ParamName, number[]> = { V: [J, D], W: [K, J], b: [D], c: [K] };
  const prefix = `dem${modelCount++}`;
  const make = (name: ParamName) => {
    const data = values[name];
    const size = shapes[name].reduce((x, y) => x * y, 1);
    if (!data || data.length !== size) {
      throw new Error(`DEM parameter ${name}: expected ${size} values for shape [${shapes[name]}], got ${data ? data.length : 'none'}`);
    }
    const initial = tf.tensor(data, shapes[name], 'float32');
    const variable = tf.variable(initial, true, `${prefix}/${name}`);
    initial.dispose(); // the variable keeps its own reference to the data
    return variable;
  };
  const params = { V: make('V'), W: make('W'), b: make('b'), c: make('c') } as DemParams;
  return { config, params, dispose: () => PARAM_NAMES.forEach((name) => params[name].dispose()) };
}

/** A model with small seeded random V and W, and b = 0, c = 0 (right for mean-removed data). */
export function createDem(config: DemConfig, init: DemInit): Dem {
  checkConfig(config);
  const { inputs: D, features: J, units: K } = config;
  const rng = createRng(init.seed);
  const vStd = (init.activationScale ?? 0.5) / ((init.dataScale ?? 1) * Math.sqrt(D));
  const wStd = (init.wScale ?? 1) / Math.sqrt(J);
  const scaled = (n: number, std: number) => Float32Array.from(normalArray(n, rng), (z) => z * std);
  return demFromArrays(config, {
    V: scaled(J * D, vStd),
    W: scaled(K * J, wStd),
    b: new Float32Array(D),
    c: new Float32Array(K),
  });
}

/** Current parameter values as plain arrays (for saving, or for a worker). */
export function paramArrays(model: Dem): Record<ParamName, Float32Array> {
  const out = {} as Record<ParamName, Float32Array>;
  for (const name of PARAM_NAMES) out[name] = model.params[name].dataSync() as Float32Array;
  return out;
}

function checkInput(model: Dem, x: tf.Tensor): void {
  if (x.rank !== 2 || x.shape[1] !== model.config.inputs) {
    throw new Error(`DEM: expected inputs of shape [N, ${model.config.inputs}], got [${x.shape}]`);
  }
}

/** softplus(u) = log(1 + eᵘ) without overflow: max(u, 0) + log1p(e^(−|u|)). */
export function stableSoftplus(u: tf.Tensor): tf.Tensor {
  return tf.add(tf.relu(u), tf.log1p(tf.exp(tf.neg(tf.abs(u)))));
}

/**
 * sigmoid'(z) = sigmoid(z)·sigmoid(−z), which equals h(1−h) but keeps its relative precision when the
 * sigmoid saturates (1 − h cancels to 0 in float32 already at z ≈ 17, and loses digits long before).
 */
export function sigmoidSlope(z: tf.Tensor): tf.Tensor {
  return tf.mul(tf.sigmoid(z), tf.sigmoid(tf.neg(z)));
}

/** g and its first two derivatives at the pre-activations a (call inside tf.tidy). */
export interface FeatureValues {
  h: tf.Tensor;
  /** g'(a) */
  s: tf.Tensor;
  /** g''(a) */
  h2: tf.Tensor;
}

/**
 * The features of the pre-activations a. `adjustSigmoidSlope` may change the sigmoid's slope before its
 * higher derivatives are formed from it (the SM gradient flushes saturated units' subnormal slopes to 0,
 * see ./score-matching); the log cosh needs no such care, its g'' = 1 − tanh² a being exactly 0 in float32
 * beyond |a| ≈ 9, never subnormal. For log cosh: g = |a| + log1p(e^(−2|a|)) − ln 2 (no overflow),
 * g' = tanh a, g'' = 1 − tanh² a.
 */
export function featureValues(unit: FeatureUnit | undefined, a: tf.Tensor, adjustSigmoidSlope: (s: tf.Tensor) => tf.Tensor = (s) => s): FeatureValues {
  if (unit === 'log-cosh') {
    const size = tf.abs(a);
    const s = tf.tanh(a);
    return { h: tf.sub(tf.add(size, tf.log1p(tf.exp(tf.mul(size, -2)))), Math.LN2), s, h2: tf.sub(1, tf.square(s)) };
  }
  const h = tf.sigmoid(a);
  const s = adjustSigmoidSlope(sigmoidSlope(a)); // h(1−h)
  return { h, s, h2: tf.mul(s, tf.sub(1, tf.mul(2, h))) };
}

/** g'''(a) from g' and g'': only the score-matching gradient needs it. Sigmoid: s(1 − 6s); log cosh: −2 g' g''. */
export function featureThirdDerivative(unit: FeatureUnit | undefined, { s, h2 }: FeatureValues): tf.Tensor {
  return unit === 'log-cosh' ? tf.mul(tf.mul(s, h2), -2) : tf.mul(s, tf.sub(1, tf.mul(6, s)));
}

/** The hidden layers, shared by log p, the score and the Laplacian. */
function hidden(model: Dem, x: tf.Tensor2D) {
  const { V, W, c } = model.params;
  const a = matMul(x, V, false, true); // [N, J]
  const features = featureValues(model.config.unit, a); // h = g(Vx)
  const u = tf.add(matMul(features.h, W, false, true), c); // [N, K]
  return { ...features, u };
}

/** Unnormalised log p(x) per row: [N]. */
export function logDensity(model: Dem, x: tf.Tensor2D): tf.Tensor1D {
  checkInput(model, x);
  return tf.tidy(() => {
    const { b } = model.params;
    const { u } = hidden(model, x);
    const quadratic = tf.div(tf.sum(tf.square(x), 1), -2 * model.config.sigma ** 2);
    return tf.addN([quadratic, tf.sum(tf.mul(x, b), 1), tf.sum(stableSoftplus(u), 1)]) as tf.Tensor1D;
  });
}

/** Score and Laplacian per row, sharing the hidden layers. */
export function scoreAndLaplacian(model: Dem, x: tf.Tensor2D): { score: tf.Tensor2D; laplacian: tf.Tensor1D } {
  checkInput(model, x);
  return tf.tidy(() => {
    const { V, W, b } = model.params;
    const { inputs: D, features: J, units: K, sigma } = model.config;
    const N = x.shape[0];
    const { s, h2, u } = hidden(model, x); // g'(a), g''(a): [N, J]
    const p = tf.sigmoid(u); // softplus'(u), [N, K]
    const p1 = sigmoidSlope(u); // softplus''(u) = p(1−p), [N, K]
    const r = matMul(p, W); // Wᵀ sigmoid(u) per row, [N, J]

    const score = tf.add(tf.add(tf.div(x, -(sigma ** 2)), b), matMul(tf.mul(s, r), V)) as tf.Tensor2D;

    const gram = matMul(V, V, false, true); // G = VVᵀ, [J, J]
    const filterNorms = tf.sum(tf.square(V), 1); // ‖vⱼ‖² = Gⱼⱼ, [J]
    const curvature = tf.sum(tf.mul(tf.mul(h2, r), filterNorms), 1); // Σⱼ ‖vⱼ‖² h''ⱼ rⱼ
    const A = tf.reshape(tf.mul(tf.reshape(s, [N, 1, J]), tf.reshape(W, [1, K, J])), [N * K, J]); // rows Aₖ = wₖ ⊙ s
    const quadratic = tf.reshape(tf.sum(tf.mul(matMul(A, gram), A), 1), [N, K]); // AₖGAₖᵀ, [N, K]
    const interaction = tf.sum(tf.mul(p1, quadratic), 1);
    const laplacian = tf.add(tf.add(curvature, interaction), -D / sigma ** 2) as tf.Tensor1D;
    return { score, laplacian };
  });
}

/**
 * log p and the score per row, without the Laplacian's O(K·J²) term: what a sampler needs at every step
 * (MALA's acceptance uses both), and the first-order part that denoising and sliced SM differentiate.
 */
export function logDensityAndScore(model: Dem, x: tf.Tensor2D): { logp: tf.Tensor1D; score: tf.Tensor2D } {
  checkInput(model, x);
  return tf.tidy(() => {
    const { V, W, b } = model.params;
    const sigma = model.config.sigma;
    const { s, u } = hidden(model, x);
    const quadratic = tf.div(tf.sum(tf.square(x), 1), -2 * sigma ** 2);
    const logp = tf.addN([quadratic, tf.sum(tf.mul(x, b), 1), tf.sum(stableSoftplus(u), 1)]) as tf.Tensor1D;
    const r = matMul(tf.sigmoid(u), W); // Wᵀ sigmoid(u) per row, [N, J]
    const score = tf.add(tf.add(tf.div(x, -(sigma ** 2)), b), matMul(tf.mul(s, r), V)) as tf.Tensor2D;
    return { logp, score };
  });
}

export function score(model: Dem, x: tf.Tensor2D): tf.Tensor2D {
  const { logp, score: value } = logDensityAndScore(model, x);
  logp.dispose();
  return value;
}

export function laplacian(model: Dem, x: tf.Tensor2D): tf.Tensor1D {
  const { score: value, laplacian: lap } = scoreAndLaplacian(model, x);
  value.dispose();
  return lap;
}

/** Score-matching loss per row: ½‖∇ₓ log p‖² + Δₓ log p, [N] (Hyvärinen 2005, eq. 4 per sample). */
export function smLossPerSample(model: Dem, x: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const { score: value, laplacian: lap } = scoreAndLaplacian(model, x);
    return tf.add(tf.mul(0.5, tf.sum(tf.square(value), 1)), lap) as tf.Tensor1D;
  });
}

/** The score-matching objective on a batch: mean over rows. Differentiable by tf.grads. */
export function smLoss(model: Dem, x: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mean(smLossPerSample(model, x)) as tf.Scalar);
}
