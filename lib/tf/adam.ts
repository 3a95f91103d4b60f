// Adam (Kingma & Ba 2015) on tf.Variables, written out so that the step size can change every step
// (tf.train.adam fixes it at construction):
//   m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  θ ← θ − η · m̂ / (√v̂ + ε),  m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ).
import * as tf from '@tensorflow/tfjs';

export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export interface Adam {
  /** One update of each variable by its gradient (same order as the variables), with step size η. */
  step(gradients: tf.Tensor[], learningRate: number): void;
  /** Number of updates so far. */
  readonly steps: number;
  dispose(): void;
}

export function createAdam(variables: tf.Variable[], options: AdamOptions = {}): Adam {
  const { beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8 } = options;
  const firstMoments = variables.map((v) => tf.variable(tf.zerosLike(v), false));
  const secondMoments = variables.map((v) => tf.variable(tf.zerosLike(v), false));
  let t = 0;
  return {
    get steps() {
      return t;
    },
    step(gradients, learningRate) {
      if (gradients.length !== variables.length) {
        throw new Error(`Adam: got ${gradients.length} gradients for ${variables.length} variables`);
      }
      t++;
      const correction1 = 1 - beta1 ** t;
      const correction2 = 1 - beta2 ** t;
      tf.tidy(() => {
        variables.forEach((variable, i) => {
          const g = gradients[i];
          const m = tf.add(tf.mul(firstMoments[i], beta1), tf.mul(g, 1 - beta1));
          const v = tf.add(tf.mul(secondMoments[i], beta2), tf.mul(tf.square(g), 1 - beta2));
          firstMoments[i].assign(m);
          secondMoments[i].assign(v);
          const update = tf.div(tf.div(m, correction1), tf.add(tf.sqrt(tf.div(v, correction2)), epsilon));
          variable.assign(tf.sub(variable, tf.mul(update, learningRate)));
        });
      });
    },
    dispose() {
      tf.dispose([...firstMoments, ...secondMoments]);
    },
  };
}
