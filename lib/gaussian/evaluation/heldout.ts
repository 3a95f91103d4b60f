// Held-out log-likelihood figures that a handful of images cannot carry.
// A pixel that is dark in every training image gets a tiny fitted variance (dequantisation noise
// only, σ² ≈ 1.3e-6 in raw units), so a test image that lights it scores tens of thousands of nats
// below the rest: on the mnist package's 8,000 / 2,000 digits, 4 test images move every model's
// mean by 130–320 nats. Hence per-image log-likelihoods, their median beside the mean, the mean
// without the flagged images, and the count of test images that light a pixel never lit in training.
import { SparsePrecision } from '../model/precision';
import { gaussianLogLikelihoods } from '../model/likelihood';

export interface HeldoutLogLikelihood {
  /** Log-density of each row (nats). */
  perImage: Float64Array;
  mean: number;
  median: number;
  /** Mean over the rows not flagged (equal to `mean` when none is), and how many were flagged. */
  meanUnflagged: number;
  flaggedCount: number;
}

/** The median of the values (mean of the middle two for an even count). */
export function median(values: ArrayLike<number>): number {
  if (values.length === 0) throw new Error('median: expected at least one value, got none');
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
}

/**
 * Per-image log-likelihoods of the n centred rows under N(0, Λ⁻¹), their mean and median, and the
 * mean without the rows marked in `flagged` (e.g. imagesLightingUnseenPixels(…).flagged).
 */
export function heldoutLogLikelihood(precision: SparsePrecision, centred: ArrayLike<number>, n: number, flagged?: ArrayLike<boolean>): HeldoutLogLikelihood {
  if (flagged !== undefined && flagged.length !== n) {
    throw new Error(`heldoutLogLikelihood: expected ${n} flags (one per row), got ${flagged.length}`);
  }
  const perImage = gaussianLogLikelihoods(precision, centred, n);
  let sum = 0;
  let sumUnflagged = 0;
  let flaggedCount = 0;
  for (let r = 0; r < n; r++) {
    sum += perImage[r];
    if (flagged?.[r]) flaggedCount++;
    else sumUnflagged += perImage[r];
  }
  return { perImage, mean: sum / n, median: median(perImage), meanUnflagged: sumUnflagged / (n - flaggedCount), flaggedCount };
}

export interface UnseenPixels {
  /** Pixels whose value is ≤ threshold in every training image. */
  pixels: number[];
  /** Per test image: does it exceed the threshold at one of those pixels? */
  flagged: boolean[];
  /** How many test images are flagged. */
  count: number;
}

/**
 * The pixels never lit in training (value ≤ threshold in all nTrain images) and the test images
 * that light one of them (value > threshold). Both image sets in the same units: with raw grey
 * levels / 255, threshold 0 means "any grey level above black".
 */
export function imagesLightingUnseenPixels(
  train: ArrayLike<number>,
  nTrain: number,
  test: ArrayLike<number>,
  nTest: number,
  D: number,
  threshold = 0,
): UnseenPixels {
  const check = (what: string, images: ArrayLike<number>, n: number) => {
    if (images.length !== n * D) {
      throw new Error(`imagesLightingUnseenPixels: expected ${n} ${what} images of ${D} pixels (${n * D} values), got ${images.length}`);
    }
  };
  check('training', train, nTrain);
  check('test', test, nTest);
  if (!Number.isFinite(threshold)) throw new Error(`imagesLightingUnseenPixels: threshold must be a finite number, got ${threshold}`);
  const lit = new Uint8Array(D);
  for (let r = 0; r < nTrain; r++) for (let i = 0; i < D; i++) if (train[r * D + i] > threshold) lit[i] = 1;
  const pixels: number[] = [];
  for (let i = 0; i < D; i++) if (!lit[i]) pixels.push(i);
  const flagged = Array.from({ length: nTest }, (_, r) => pixels.some((i) => test[r * D + i] > threshold));
  return { pixels, flagged, count: flagged.filter(Boolean).length };
}
