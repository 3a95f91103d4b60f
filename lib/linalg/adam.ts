// Adam (Kingma & Ba 2015) on a float64 parameter vector:
//   m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  direction = m̂ / (√v̂ + ε),  m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ).
// It returns the direction and leaves θ ← θ − η·direction to the caller: the step size changes every
// step (tf.train.adam fixes it at construction), and the Gaussian trainer shortens Λ's part of a step
// that leaves the positive-definite cone while the moments still advance.

export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export interface AdamMoments {
  /** Advances the moments by `gradient` and returns m̂ / (√v̂ + ε) (a fresh array). */
  direction(gradient: ArrayLike<number>): Float64Array;
  /** Number of updates so far. */
  readonly steps: number;
}

export function createAdamMoments(length: number, options: AdamOptions = {}): AdamMoments {
  const { beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8 } = options;
  const m = new Float64Array(length);
  const v = new Float64Array(length);
  let t = 0;
  return {
    get steps() {
      return t;
    },
    direction(gradient) {
      if (gradient.length !== length) throw new Error(`Adam: expected a gradient of ${length} values, got ${gradient.length}`);
      t++;
      const correction1 = 1 - Math.pow(beta1, t);
      const correction2 = 1 - Math.pow(beta2, t);
      const direction = new Float64Array(length);
      for (let i = 0; i < length; i++) {
        m[i] = beta1 * m[i] + (1 - beta1) * gradient[i];
        v[i] = beta2 * v[i] + (1 - beta2) * gradient[i] * gradient[i];
        direction[i] = m[i] / correction1 / (Math.sqrt(v[i] / correction2) + epsilon);
      }
      return direction;
    },
  };
}
