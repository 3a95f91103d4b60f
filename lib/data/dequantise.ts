// Grey levels are discrete: a density model fitted to them can put unbounded density on the exact
// values. Worst case in MNIST: 67 of 784 pixels are 0 in every training image, so the covariance is
// singular, SM's loss −Λᵢᵢ for such a pixel is unbounded below, and NCE's noise density is undefined.
// Dequantising spreads each level uniformly over its bin of width 1/256:
//   x ← (255·x + u) / 256,  u ~ U(0, 1),
// so every pixel has variance ≥ 1/(12·256²) ≈ 1.27e-6 and the data have a proper density on [0, 1]^D.
import { createRng } from '../random';

export const GREY_LEVELS = 256;

/** Dequantised copy of images with values k/255 (k = 0…255); the same seed gives the same noise. */
export function dequantise(images: Float32Array, seed: number): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(images.length);
  for (let i = 0; i < images.length; i++) {
    const value = images[i];
    if (!(value >= 0 && value <= 1)) throw new Error(`dequantise: value ${value} at index ${i}, expected grey levels in [0, 1]`);
    out[i] = ((GREY_LEVELS - 1) * value + rng.uniform()) / GREY_LEVELS;
  }
  return out;
}

/** Indices of the pixels that are exactly 0 in every one of the n images (n×D). */
export function alwaysZeroPixels(images: ArrayLike<number>, n: number, D: number): number[] {
  if (images.length !== n * D) throw new Error(`alwaysZeroPixels: expected ${n}×${D} values, got ${images.length}`);
  const seen = new Uint8Array(D);
  for (let row = 0; row < n; row++) for (let i = 0; i < D; i++) if (images[row * D + i] !== 0) seen[i] = 1;
  const zero: number[] = [];
  for (let i = 0; i < D; i++) if (!seen[i]) zero.push(i);
  return zero;
}
