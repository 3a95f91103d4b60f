// Random 28×28 grey patches of natural photographs, with a hold-out set no fitting sees, preprocessed
// to [0, 1], dequantised and centred by the per-pixel mean image of the training patches.
//
// Sampling rule: each image contributes patches in proportion to the number of positions a patch can
// take in it (≈ its area), rounded by largest remainder. With few photos (the 9 embedded ones) that
// spreads patches by area; with many (Flickr30k's 31,783) at most ⌈N/2⌉ images — a seeded random
// choice — are decoded, so each gives about 2 patches, as the 2020 report took.
//
// Hold-out rule: with ≥ 20 usable images, whole images are held out (a seeded choice of a fraction
// nHoldout/(nTrain+nHoldout) of them). With fewer, every image is split by position: a full-width
// horizontal band at a seeded height holds the hold-out patches and the rows above and below it the
// training patches; a patch never crosses the band's edge, so no pixel is in both sets.
//
// Repeats: patches are drawn with replacement from the positions a set may use, so a small folder
// repeats positions. n uniform draws from P positions hit P(1 − (1 − 1/P)ⁿ) distinct ones on average;
// the rest repeat one (with fresh dequantisation noise, so a covariance or a hold-out check would
// look better than the data deserve). Past REPEAT_WARNING_FRACTION a loud warning names the counts;
// past maxRepeatFraction (default REPEAT_ERROR_FRACTION) it is an error, before any patch is cut.
import { centreInPlace, columnMeans } from './rows';
import * as path from 'path';
import { createRng, permutation, Rng } from '../random';
import { decodeUsable, GrayImage, listPhotoFiles, photosFolder, shownFolder, SkippedFile, skippedWarning } from './photos';
import { imageSize } from './image-size';

export const PATCH_SIDE = 28;
export const DEFAULT_TRAIN_PATCHES = 50_000;
/** The 2020 report's rate with Flickr30k; also caps how many images a huge folder costs to decode. */
export const MIN_PATCHES_PER_IMAGE = 2;
export const HOLDOUT_BY_IMAGE_MIN_IMAGES = 20;
/** Expected share of patches repeating a position above which preparePatches warns (n ≈ 0.2 P gives 0.094). */
export const REPEAT_WARNING_FRACTION = 0.1;
/** … and above which it refuses: most patches would be copies of others but for their noise. */
export const REPEAT_ERROR_FRACTION = 0.5;

/** Notebook 02's patch counts at each run size (its parameters cell; the runner's start-up check uses them too). */
export const REPORT_PATCHES = { nTrain: { quick: 5_000, full: 50_000 }, nHoldout: { quick: 1_000, full: 10_000 } } as const;

export interface PatchOptions {
  /** Folder of JPEG/PNG photographs; default env LFR_PHOTOS_DIR, else data/natural/. */
  folder?: string;
  /** Training patches (default 50,000). */
  nTrain?: number;
  /** Hold-out patches (default nTrain / 5). */
  nHoldout?: number;
  seed?: number;
  /** Patch side in pixels (default 28). */
  side?: number;
  /** Expected share of repeated positions (in either set) above which preparePatches throws (default REPEAT_ERROR_FRACTION). */
  maxRepeatFraction?: number;
}

/** How many distinct positions a set's patches come from (see the header: Repeats). */
export interface PositionUse {
  patches: number;
  /** Positions the set may draw from, summed over the images. */
  positions: number;
  /** Expected distinct positions among the drawn patches. */
  expectedDistinct: number;
  /** 1 − expectedDistinct / patches: the expected share of patches that repeat a position. */
  repeatFraction: number;
}

export type HoldoutRule = 'by-image' | 'by-position';

export interface ImageUse {
  file: string;
  width: number;
  height: number;
  train: number;
  holdout: number;
  /** by-position only: the hold-out band's first row and height. */
  band?: { top: number; height: number };
}

export interface PatchSet {
  folder: string;
  side: number;
  /** The seed the patches were drawn with: with folder, side and the counts, it reproduces them. */
  seed: number;
  nTrain: number;
  nHoldout: number;
  /** [nTrain, side²] row-major: (grey + U(0,1)) / 256 − mean. */
  train: Float32Array;
  /** [nHoldout, side²], preprocessed with the training mean. */
  holdout: Float32Array;
  /** [side²] per-pixel mean image of the dequantised training patches. */
  mean: Float32Array;
  /** [n, 3] (image index into `images`, x, y of the top-left corner) of each patch. */
  trainOrigins: Int32Array;
  holdoutOrigins: Int32Array;
  holdoutRule: HoldoutRule;
  /** The positions behind each set and how often they repeat (see the header: Repeats). */
  positions: { train: PositionUse; holdout: PositionUse };
  images: ImageUse[];
  skipped: SkippedFile[];
  /** Folder entries that are not .jpg/.jpeg/.png files. */
  ignored: string[];
  seconds: { decode: number; extract: number; total: number };
}

/** Allowed top-left rows [from, to) of a patch; columns are always 0 … width − side. */
interface RowRange {
  from: number;
  to: number;
}

interface Regions {
  train: RowRange[];
  holdout: RowRange[];
  band?: { top: number; height: number };
}

function checkCount(name: string, value: number, allowZero: boolean): void {
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new Error(`preparePatches: ${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${value}`);
  }
}

function rowCount(ranges: RowRange[]): number {
  return ranges.reduce((sum, r) => sum + (r.to - r.from), 0);
}

/** Splits `total` into integer parts proportional to `weights` (largest remainder, ties to the lower index). */
export function largestRemainder(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0) return weights.map(() => 0);
  const quotas = weights.map((w) => (total * w) / sum);
  const parts = quotas.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = quotas.map((q, i) => ({ i, frac: q - Math.floor(q) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (let k = 0; left > 0; k++, left--) parts[order[k].i]++;
  return parts;
}

/** By position: a full-width band of height max(side, ⌈f·H⌉) at a seeded row, training rows around it. */
function bandRegions(height: number, side: number, fraction: number, rng: Rng): Regions {
  const all = { from: 0, to: height - side + 1 };
  const bandHeight = Math.max(side, Math.ceil(fraction * height));
  // Band tops that leave at least one full patch of training rows above or below the band.
  const tops: number[] = [];
  for (let top = 0; top + bandHeight <= height; top++) {
    if (top >= side || height - top - bandHeight >= side) tops.push(top);
  }
  if (fraction === 0 || tops.length === 0) return { train: [all], holdout: [] };
  const top = tops[rng.int(tops.length)];
  const train: RowRange[] = [];
  if (top >= side) train.push({ from: 0, to: top - side + 1 });
  if (height - top - bandHeight >= side) train.push({ from: top + bandHeight, to: height - side + 1 });
  return { train, holdout: [{ from: top, to: top + bandHeight - side + 1 }], band: { top, height: bandHeight } };
}

/** Patch positions drawn uniformly over an image's allowed rows and all columns. */
function drawOrigin(image: GrayImage, ranges: RowRange[], side: number, rng: Rng): [number, number] {
  let row = rng.int(rowCount(ranges));
  let y = 0;
  for (const range of ranges) {
    const length = range.to - range.from;
    if (row < length) {
      y = range.from + row;
      break;
    }
    row -= length;
  }
  return [rng.int(image.width - side + 1), y];
}

/**
 * Fills `out` with one patch per entry of `owners` (image indices, already in a shuffled order):
 * (grey + u) / 256 with u ~ U(0, 1) per pixel — one grey level of uniform noise, so the values are
 * continuous in [0, 1) and no pixel has zero variance.
 */
function extract(images: GrayImage[], regions: RowRange[][], owners: Int32Array, side: number, rng: Rng) {
  const pixelsPerPatch = side * side;
  const out = new Float32Array(owners.length * pixelsPerPatch);
  const origins = new Int32Array(owners.length * 3);
  for (let row = 0; row < owners.length; row++) {
    const image = images[owners[row]];
    const [x, y] = drawOrigin(image, regions[owners[row]], side, rng);
    origins.set([owners[row], x, y], row * 3);
    let k = row * pixelsPerPatch;
    for (let r = 0; r < side; r++) {
      const start = (y + r) * image.width + x;
      for (let c = 0; c < side; c++) out[k++] = (image.pixels[start + c] + rng.uniform()) / 256;
    }
  }
  return { out, origins };
}

/** Image indices repeated by their counts, then shuffled, so any prefix of the patches is a fair sample. */
function shuffledOwners(counts: number[], rng: Rng): Int32Array {
  const owners = new Int32Array(counts.reduce((a, b) => a + b, 0));
  let k = 0;
  counts.forEach((count, i) => owners.fill(i, k, (k += count)));
  const order = permutation(owners.length, rng);
  return owners.map((_, j) => owners[order[j]]);
}

/** Expected distinct positions when image i gives counts[i] uniform draws from positions[i]. */
export function positionUse(positions: number[], counts: number[]): PositionUse {
  let expectedDistinct = 0;
  positions.forEach((p, i) => {
    // p(1 − (1 − 1/p)ⁿ), through log1p/expm1 so that large p loses no digits.
    if (p > 0 && counts[i] > 0) expectedDistinct += p === 1 ? 1 : -p * Math.expm1(counts[i] * Math.log1p(-1 / p));
  });
  const patches = counts.reduce((a, b) => a + b, 0);
  return {
    patches,
    positions: positions.reduce((a, b) => a + b, 0),
    expectedDistinct,
    repeatFraction: patches > 0 ? 1 - expectedDistinct / patches : 0,
  };
}

/** The warning or error text for one set when its repeats pass a threshold, else null. */
function repeatMessage(set: string, use: PositionUse, folder: string, limit: number): string | null {
  if (use.repeatFraction <= Math.min(REPEAT_WARNING_FRACTION, limit)) return null;
  const refused = use.repeatFraction > limit;
  const threshold = `${refused ? 'refused' : 'warning'} above ${(100 * (refused ? limit : REPEAT_WARNING_FRACTION)).toFixed(0)}%`;
  return (
    `preparePatches: ${use.patches} ${set} patches drawn from the ${use.positions} positions a patch can take in ${folder} ` +
    `hit about ${Math.round(use.expectedDistinct)} distinct ones: about ${(100 * use.repeatFraction).toFixed(0)}% repeat a position (${threshold}). ` +
    `Use more or larger photos, or at most about ${Math.floor(2 * REPEAT_WARNING_FRACTION * use.positions)} ${set} patches ` +
    `to keep repeats under ${(100 * REPEAT_WARNING_FRACTION).toFixed(0)}%`
  );
}

/**
 * Deterministic for a given folder content and options: the same seed gives the same patches.
 * Warns (console.warn) when files were skipped and when positions repeat past REPEAT_WARNING_FRACTION;
 * throws when no image is usable or repeats pass maxRepeatFraction, in both cases before cutting a patch.
 */
export async function preparePatches(options: PatchOptions = {}): Promise<PatchSet> {
  const started = performance.now();
  const side = options.side ?? PATCH_SIDE;
  const nTrain = options.nTrain ?? DEFAULT_TRAIN_PATCHES;
  const nHoldout = options.nHoldout ?? Math.round(nTrain / 5);
  const seed = options.seed ?? 1;
  checkCount('side', side, false);
  checkCount('nTrain', nTrain, false);
  checkCount('nHoldout', nHoldout, true);
  const maxRepeatFraction = options.maxRepeatFraction ?? REPEAT_ERROR_FRACTION;
  if (!(maxRepeatFraction >= 0 && maxRepeatFraction <= 1)) {
    throw new Error(`preparePatches: maxRepeatFraction must be a fraction from 0 to 1, got ${maxRepeatFraction}`);
  }
  const folder = photosFolder(options.folder);
  const rng = createRng(seed);
  const [orderRng, holdoutRng, trainRng, testRng] = [rng.fork(), rng.fork(), rng.fork(), rng.fork()].map(createRng);

  const { candidates, ignored } = listPhotoFiles(folder);
  const maxImages = Math.ceil((nTrain + nHoldout) / MIN_PATCHES_PER_IMAGE);
  const names = candidates.length > maxImages ? Array.from(permutation(candidates.length, orderRng), (i) => candidates[i]) : candidates;
  const { images, skipped } = await decodeUsable(folder, names, side, maxImages);
  const decoded = performance.now();
  if (skipped.length) console.warn(skippedWarning(shownFolder(folder), skipped));
  if (images.length === 0) {
    throw new Error(
      `No usable JPEG/PNG image (at least ${side}×${side}) in ${shownFolder(folder)}: ` +
        `${candidates.length} image file(s), ${skipped.length} skipped, ${ignored.length} other entr${ignored.length === 1 ? 'y' : 'ies'}`,
    );
  }

  const fraction = nHoldout / (nTrain + nHoldout);
  const holdoutRule: HoldoutRule = images.length >= HOLDOUT_BY_IMAGE_MIN_IMAGES ? 'by-image' : 'by-position';
  let regions: Regions[];
  if (holdoutRule === 'by-image') {
    const heldCount = nHoldout === 0 ? 0 : Math.min(images.length - 1, Math.max(1, Math.round(fraction * images.length)));
    const held = new Set(Array.from(permutation(images.length, holdoutRng).subarray(0, heldCount)));
    regions = images.map((image, i) => {
      const all = [{ from: 0, to: image.height - side + 1 }];
      return held.has(i) ? { train: [], holdout: all } : { train: all, holdout: [] };
    });
  } else {
    regions = images.map((image) => bandRegions(image.height, side, fraction, holdoutRng));
  }
  const positions = (image: GrayImage, ranges: RowRange[]) => rowCount(ranges) * (image.width - side + 1);
  const trainPositions = images.map((image, i) => positions(image, regions[i].train));
  const holdoutPositions = images.map((image, i) => positions(image, regions[i].holdout));
  const trainCounts = largestRemainder(nTrain, trainPositions);
  const holdoutCounts = largestRemainder(nHoldout, holdoutPositions);
  if (nHoldout > 0 && holdoutCounts.every((c) => c === 0)) {
    throw new Error(`preparePatches: no image in ${shownFolder(folder)} is tall enough (≥ ${2 * side} rows) to hold out a band of patches`);
  }
  const use = { train: positionUse(trainPositions, trainCounts), holdout: positionUse(holdoutPositions, holdoutCounts) };
  for (const set of ['train', 'holdout'] as const) {
    const message = repeatMessage(set === 'train' ? 'training' : 'hold-out', use[set], shownFolder(folder), maxRepeatFraction);
    if (message && use[set].repeatFraction > maxRepeatFraction) throw new Error(message);
    if (message) console.warn(`WARNING: ${message}`);
  }

  const trainSet = extract(images, regions.map((r) => r.train), shuffledOwners(trainCounts, trainRng), side, trainRng);
  const holdoutSet = extract(images, regions.map((r) => r.holdout), shuffledOwners(holdoutCounts, testRng), side, testRng);
  const mean = Float32Array.from(columnMeans(trainSet.out, side * side));
  centreInPlace(trainSet.out, mean);
  centreInPlace(holdoutSet.out, mean);
  const finished = performance.now();

  return {
    folder,
    side,
    seed,
    nTrain,
    nHoldout,
    train: trainSet.out,
    holdout: holdoutSet.out,
    mean,
    trainOrigins: trainSet.origins,
    holdoutOrigins: holdoutSet.origins,
    holdoutRule,
    positions: use,
    images: images.map((image, i) => ({
      file: path.basename(image.file),
      width: image.width,
      height: image.height,
      train: trainCounts[i],
      holdout: holdoutCounts[i],
      ...(regions[i].band ? { band: regions[i].band } : {}),
    })),
    skipped,
    ignored,
    seconds: {
      decode: (decoded - started) / 1000,
      extract: (finished - decoded) / 1000,
      total: (finished - started) / 1000,
    },
  };
}

/**
 * Whether a folder's photos can give `nTrain` training patches without repeating positions, judged
 * from the image headers alone (no decoding) for the report runner's start-up check. Optimistic: every
 * position counts for training (preparePatches also sets some aside for the hold-out), so what this
 * refuses, preparePatches would refuse too. Files whose header gives no size are left to the decoder.
 */
export function patchCapacity(folder: string, nTrain: number, side = PATCH_SIDE): { problem: string | null; warning: string | null } {
  const { candidates } = listPhotoFiles(folder);
  const positions = candidates.flatMap((name) => {
    const size = imageSize(path.join(folder, name));
    return size && size.width >= side && size.height >= side ? [(size.width - side + 1) * (size.height - side + 1)] : [];
  });
  const shown = shownFolder(folder);
  if (positions.length === 0) {
    return { problem: `${shown}: no photo of at least ${side}×${side} pixels among its ${candidates.length} image file(s); expected photographs larger than a patch`, warning: null };
  }
  const use = positionUse(positions, largestRemainder(nTrain, positions));
  const text =
    `${shown}: ${positions.length} photo(s) offer ${use.positions} positions for ${side}×${side} patches; ${nTrain} training patches would ` +
    `repeat about ${(100 * use.repeatFraction).toFixed(0)}% of them. Use more or larger photos, or fewer patches ` +
    `(at most about ${Math.floor(2 * REPEAT_WARNING_FRACTION * use.positions)} keep repeats under ${(100 * REPEAT_WARNING_FRACTION).toFixed(0)}%)`;
  if (use.repeatFraction > REPEAT_ERROR_FRACTION) return { problem: `${text}; refused above ${(100 * REPEAT_ERROR_FRACTION).toFixed(0)}%`, warning: null };
  if (use.repeatFraction > REPEAT_WARNING_FRACTION) return { problem: null, warning: `WARNING: ${text}` };
  return { problem: null, warning: null };
}
