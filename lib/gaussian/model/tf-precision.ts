// The sparse precision inside TensorFlow.js, for gradient training. Its free values are one flat
// tensor θ = [diagonal (D) | edges of class 0 | …] (same layout as SparsePrecision.values), and
// every product with a batch uses shifted images: a class's edges multiply the anchor rectangle
// of each image with the rectangle shifted by the class's offset — never a dense D×D product.
import * as tf from '@tensorflow/tfjs';
import { GridStructure } from './structure';

/** θ's diagonal [D] and each class's edges reshaped to its anchor rectangle [rows, cols]. */
function unpack(theta: tf.Tensor1D, structure: GridStructure): { diagonal: tf.Tensor1D; edges: tf.Tensor2D[] } {
  const diagonal = tf.slice(theta, [0], [structure.size]);
  let start = structure.size;
  const edges = structure.edgeClasses.map((c) => {
    const w = tf.reshape(tf.slice(theta, [start], [c.count]), [c.rows, c.cols]) as tf.Tensor2D;
    start += c.count;
    return w;
  });
  return { diagonal, edges };
}

/** The anchor rectangle and the partner rectangle of class k, cut out of a batch [M, H, W]. */
function rectangles(images: tf.Tensor3D, structure: GridStructure, k: number): [tf.Tensor3D, tf.Tensor3D] {
  const c = structure.edgeClasses[k];
  const M = images.shape[0];
  const anchors = tf.slice(images, [0, 0, c.col0], [M, c.rows, c.cols]);
  const partners = tf.slice(images, [0, c.dy, c.col0 + c.dx], [M, c.rows, c.cols]);
  return [anchors, partners];
}

/** xᵀΛx for every row of x [M, D]: Σ θᵢ xᵢ² + 2 Σ_classes Σ w ⊙ anchors ⊙ partners. */
export function tfQuadraticForms(theta: tf.Tensor1D, x: tf.Tensor2D, structure: GridStructure): tf.Tensor1D {
  return tf.tidy(() => {
    const { diagonal, edges } = unpack(theta, structure);
    const images = tf.reshape(x, [x.shape[0], structure.height, structure.width]) as tf.Tensor3D;
    let q = tf.sum(tf.mul(tf.square(x), diagonal), 1);
    edges.forEach((w, k) => {
      const [anchors, partners] = rectangles(images, structure, k);
      q = tf.add(q, tf.mul(2, tf.sum(tf.mul(tf.mul(anchors, partners), w), [1, 2])));
    });
    return q as tf.Tensor1D;
  });
}

/** Λx for every row of x [M, D]: each edge adds w·x_partner at its anchor and w·x_anchor at its partner. */
export function tfPrecisionTimes(theta: tf.Tensor1D, x: tf.Tensor2D, structure: GridStructure): tf.Tensor2D {
  return tf.tidy(() => {
    const { height: H, width: W } = structure;
    const { diagonal, edges } = unpack(theta, structure);
    const M = x.shape[0];
    const images = tf.reshape(x, [M, H, W]) as tf.Tensor3D;
    let out = tf.reshape(tf.mul(x, diagonal), [M, H, W]) as tf.Tensor3D;
    edges.forEach((w, k) => {
      const c = structure.edgeClasses[k];
      const [anchors, partners] = rectangles(images, structure, k);
      const atAnchors = tf.pad(tf.mul(partners, w), [
        [0, 0],
        [0, H - c.rows],
        [c.col0, W - c.col0 - c.cols],
      ]);
      const atPartners = tf.pad(tf.mul(anchors, w), [
        [0, 0],
        [c.dy, H - c.dy - c.rows],
        [c.col0 + c.dx, W - c.col0 - c.dx - c.cols],
      ]);
      out = tf.add(out, tf.add(atAnchors, atPartners));
    });
    return tf.reshape(out, [M, H * W]) as tf.Tensor2D;
  });
}

/** tr Λ = Σ diagonal. */
export function tfTrace(theta: tf.Tensor1D, structure: GridStructure): tf.Scalar {
  return tf.sum(tf.slice(theta, [0], [structure.size]));
}
