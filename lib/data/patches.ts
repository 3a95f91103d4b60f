// Random 28×28 grey patches of natural photographs, with a hold-out set no fitting sees, preprocessed
// to [0, 1], dequantised and centred by the per-pixel mean image of the training patches.
//
// Sampling rule: each image contributes patches in proportion to the number of positions a patch can
// take in it (≈ its area), rounded by largest remainder. With few photos that spreads patches by area;
// with many (Flickr30k's 31,783) at most ⌈N/2⌉ images — a seeded random choice — are decoded, so each
// gives about 2 patches, as the 2020 report took.
//
// Hold-out rule: whole photographs. A seeded choice of h = round(f·N) of the N usable photos, at least
// one and at most N − 1, with f = nHoldout/(nTrain + nHoldout), gives every hold-out patch; the others
// give every training patch. No photo is on both sides, so the hold-out asks whether a model carries
// over to scenes it never saw, not to other rows of scenes it trained on (neighbouring rows of one
// photo share its lighting, texture and objects). Holding out needs at least two usable photos.
//
// Repeats: patches are drawn with replacement from the positions a set may use, so a small folder
// repeats positions. n uniform draws from P positions hit P(1 − (1 − 1/P)ⁿ) distinct ones on average;
// the rest repeat one (with fresh dequantisation noise, so a covariance or a hold-out check would
// look better than the data deserve). Past REPEAT_WARNING_FRACTION a loud warning names the counts;
// past maxRepeatFraction (default REPEAT_ERROR_FRACTION) it is an error, before any patch is cut.
// Overlap short of repetition is reported, not judged: the non-overlapping tiles of a set's photos and
// how many patches fall on each, on average (patches a few pixels apart share most of their pixels).
import { centreInPlace, columnMeans } from './rows';
import * as path from 'path';
import { createRng, permutation, Rng } from '../random';
import { decodeUsable, GrayImage, listPhotoFiles, photosFolder, shownFolder, SkippedFile, skippedWarning } from './photos';
import { imageSize } from './image-size';

export const PATCH_SIDE = 28;
export const DEFAULT_TRAIN_PATCHES = 50_000;
/** The 2020 report's rate with Flickr30k; also caps how many images a huge folder costs to decode. */
export const MIN_PATCHES_PER_IMAGE = 2;
/** Whole-photo hold-out: one photo at least on each side. */
export const MIN_PHOTOS_FOR_HOLDOUT = 2;
/** Expected share of patches repeating a position above which preparePatches warns (n ≈ 0.2 P gives 0.094). */
export const REPEAT_WARNING_FRACTION = 0.1;
/** … and above which it refuses: most patches would be copies of others but for their noise. */
export const REPEAT_ERROR_FRACTION = 0.5;

/** Notebook 02's patch counts at each run size and seed (its parameters cell; the runner's start-up check uses them too). */
export const REPORT_PATCHES = { nTrain: { quick: 5_000, full: 50_000 }, nHoldout: { quick: 1_000, full: 10_000 }, seed: 2 } as const;

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

/** One set's photos: how many, their positions and repeats, and their non-overlapping tiles. */
export interface SetUse extends PositionUse {
  photos: number;
  /** Σ ⌊W/side⌋·⌊H/side⌋ over the set's photos: how many patches would fit without overlapping. */
  tiles: number;
}

export interface ImageUse {
  file: string;
  width: number;
  height: number;
  /** Which side of the whole-photo split the photo is on; it gives patches to that set only. */
  set: 'train' | 'holdout';
  train: number;
  holdout: number;
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
  /** The photos and positions behind each set and how often they repeat (see the header: Repeats). */
  positions: { train: SetUse; holdout: SetUse };
  images: ImageUse[];
  skipped: SkippedFile[];
  /** Folder entries that are not .jpg/.jpeg/.png files. */
  ignored: string[];
  seconds: { decode: number; extract: number; total: number };
}

function checkCount(name: string, value: number, allowZero: boolean): void {
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new Error(`preparePatches: ${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${value}`);
  }
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

/** Top-left corners a side×side patch can take in a width×height photo. */
function positionCount(width: number, height: number, side: number): number {
  return (width - side + 1) * (height - side + 1);
}

/** The seeded streams of one draw: decoding order (huge folders), hold-out photos, training and hold-out positions. */
function drawStreams(seed: number): { order: Rng; holdout: Rng; train: Rng; test: Rng } {
  const rng = createRng(seed);
  const [order, holdout, train, test] = [rng.fork(), rng.fork(), rng.fork(), rng.fork()].map(createRng);
  return { order, holdout, train, test };
}

/** The order photos are tried in and how many are used: all, or a seeded ⌈(nTrain + nHoldout)/2⌉ of a huge folder. */
function decodingPlan(candidates: string[], nTrain: number, nHoldout: number, order: Rng): { names: string[]; maxImages: number } {
  const maxImages = Math.ceil((nTrain + nHoldout) / MIN_PATCHES_PER_IMAGE);
  const names = candidates.length > maxImages ? Array.from(permutation(candidates.length, order), (i) => candidates[i]) : candidates;
  return { names, maxImages };
}

/**
 * Which of `photos` usable photos are held out (see the header: Hold-out rule), as a flag per photo.
 * Throws, naming the folder and its count of usable photos, when holding out whole photos would leave a side empty.
 */
function holdoutPhotos(photos: number, nTrain: number, nHoldout: number, rng: Rng, folder = 'the photo folder'): boolean[] {
  if (nHoldout === 0) return new Array<boolean>(photos).fill(false);
  if (photos < MIN_PHOTOS_FOR_HOLDOUT) {
    throw new Error(
      `preparePatches: ${folder} has ${photos} usable photo${photos === 1 ? '' : 's'}; the hold-out is made of whole photographs, ` +
        `so it needs at least ${MIN_PHOTOS_FOR_HOLDOUT} (one for training, one held out). Add photographs, or set nHoldout to 0`,
    );
  }
  const fraction = nHoldout / (nTrain + nHoldout);
  const count = Math.min(photos - 1, Math.max(1, Math.round(fraction * photos)));
  const held = new Array<boolean>(photos).fill(false);
  for (const i of permutation(photos, rng).subarray(0, count)) held[i] = true;
  return held;
}

/** Patch counts per photo for both sets, and each set's positions, repeats and tiles. */
function allocate(sizes: { width: number; height: number }[], held: boolean[], nTrain: number, nHoldout: number, side: number) {
  const positions = sizes.map((s) => positionCount(s.width, s.height, side));
  const tiles = sizes.map((s) => Math.floor(s.width / side) * Math.floor(s.height / side));
  const on = (holdout: boolean, values: number[]) => values.map((v, i) => (held[i] === holdout ? v : 0));
  const trainCounts = largestRemainder(nTrain, on(false, positions));
  const holdoutCounts = largestRemainder(nHoldout, on(true, positions));
  const use = (holdout: boolean, counts: number[]): SetUse => ({
    ...positionUse(on(holdout, positions), counts),
    photos: held.filter((h) => h === holdout).length,
    tiles: on(holdout, tiles).reduce((a, b) => a + b, 0),
  });
  return { trainCounts, holdoutCounts, use: { train: use(false, trainCounts), holdout: use(true, holdoutCounts) } };
}

/** Patch positions drawn uniformly over a whole photo. */
function drawOrigin(image: GrayImage, side: number, rng: Rng): [number, number] {
  return [rng.int(image.width - side + 1), rng.int(image.height - side + 1)];
}

/**
 * Fills `out` with one patch per entry of `owners` (image indices, already in a shuffled order):
 * (grey + u) / 256 with u ~ U(0, 1) per pixel — one grey level of uniform noise, so the values are
 * continuous in [0, 1) and no pixel has zero variance.
 */
function extract(images: GrayImage[], owners: Int32Array, side: number, rng: Rng) {
  const pixelsPerPatch = side * side;
  const out = new Float32Array(owners.length * pixelsPerPatch);
  const origins = new Int32Array(owners.length * 3);
  for (let row = 0; row < owners.length; row++) {
    const image = images[owners[row]];
    const [x, y] = drawOrigin(image, side, rng);
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
function repeatMessage(set: string, use: SetUse, folder: string, limit: number): string | null {
  if (use.repeatFraction <= Math.min(REPEAT_WARNING_FRACTION, limit)) return null;
  const refused = use.repeatFraction > limit;
  const threshold = `${refused ? 'refused' : 'warning'} above ${(100 * (refused ? limit : REPEAT_WARNING_FRACTION)).toFixed(0)}%`;
  return (
    `${use.patches} ${set} patches drawn from the ${use.positions} positions a patch can take in the ${use.photos} ${set} photo(s) of ${folder} ` +
    `hit about ${Math.round(use.expectedDistinct)} distinct ones: about ${(100 * use.repeatFraction).toFixed(0)}% repeat a position (${threshold}). ` +
    `Use more or larger photos, or at most about ${Math.floor(2 * REPEAT_WARNING_FRACTION * use.positions)} ${set} patches ` +
    `to keep repeats under ${(100 * REPEAT_WARNING_FRACTION).toFixed(0)}%`
  );
}

const SET_NAMES = { train: 'training', holdout: 'hold-out' } as const;

/**
 * Deterministic for a given folder content and options: the same seed gives the same patches.
 * Warns (console.warn) when files were skipped and when positions repeat past REPEAT_WARNING_FRACTION;
 * throws when no image is usable, when fewer than two are left for a whole-photo hold-out, or when
 * repeats pass maxRepeatFraction, in every case before cutting a patch.
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
  const shown = shownFolder(folder);
  const streams = drawStreams(seed);

  const { candidates, ignored } = listPhotoFiles(folder);
  const { names, maxImages } = decodingPlan(candidates, nTrain, nHoldout, streams.order);
  const { images, skipped } = await decodeUsable(folder, names, side, maxImages);
  const decoded = performance.now();
  if (skipped.length) console.warn(skippedWarning(shown, skipped));
  if (images.length === 0) {
    throw new Error(
      `No usable JPEG/PNG image (at least ${side}×${side}) in ${shown}: ` +
        `${candidates.length} image file(s), ${skipped.length} skipped, ${ignored.length} other entr${ignored.length === 1 ? 'y' : 'ies'}`,
    );
  }

  const held = holdoutPhotos(images.length, nTrain, nHoldout, streams.holdout, shown);
  const { trainCounts, holdoutCounts, use } = allocate(images, held, nTrain, nHoldout, side);
  for (const set of ['train', 'holdout'] as const) {
    const message = repeatMessage(SET_NAMES[set], use[set], shown, maxRepeatFraction);
    if (message && use[set].repeatFraction > maxRepeatFraction) throw new Error(`preparePatches: ${message}`);
    if (message) console.warn(`WARNING: preparePatches: ${message}`);
  }

  const trainSet = extract(images, shuffledOwners(trainCounts, streams.train), side, streams.train);
  const holdoutSet = extract(images, shuffledOwners(holdoutCounts, streams.test), side, streams.test);
  const mean = Float32Array.from(columnMeans(trainSet.out, side * side));
  centreInPlace(trainSet.out, mean);
  if (nHoldout > 0) centreInPlace(holdoutSet.out, mean);
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
    positions: use,
    images: images.map((image, i) => ({
      file: path.basename(image.file),
      width: image.width,
      height: image.height,
      set: held[i] ? 'holdout' : 'train',
      train: trainCounts[i],
      holdout: holdoutCounts[i],
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
 * Whether a folder's photos can give notebook 02's patches, judged from the image headers alone (no
 * decoding) for the report runner's start-up check: the same decoding order, whole-photo split and
 * allocation as preparePatches with the same counts and seed, so the verdicts agree whenever every
 * photo decodes to the size its header states. Files whose header gives no size are left to the decoder.
 */
export function patchCapacity(
  folder: string,
  counts: { nTrain: number; nHoldout: number; seed: number },
  side = PATCH_SIDE,
): { problem: string | null; warning: string | null } {
  const { nTrain, nHoldout, seed } = counts;
  const { candidates } = listPhotoFiles(folder);
  const streams = drawStreams(seed);
  const { names, maxImages } = decodingPlan(candidates, nTrain, nHoldout, streams.order);
  const sizes = names
    .map((name) => imageSize(path.join(folder, name)))
    .filter((size): size is { width: number; height: number } => size !== null && size.width >= side && size.height >= side)
    .slice(0, maxImages);
  const shown = shownFolder(folder);
  if (sizes.length === 0) {
    return { problem: `${shown}: no photo of at least ${side}×${side} pixels among its ${candidates.length} image file(s); expected photographs larger than a patch`, warning: null };
  }
  let held: boolean[];
  try {
    held = holdoutPhotos(sizes.length, nTrain, nHoldout, streams.holdout, shown);
  } catch (error) {
    return { problem: (error as Error).message.replace(/^preparePatches: /, ''), warning: null };
  }
  const { use } = allocate(sizes, held, nTrain, nHoldout, side);
  const messages = (['train', 'holdout'] as const).map((set) => ({ use: use[set], text: repeatMessage(SET_NAMES[set], use[set], shown, REPEAT_ERROR_FRACTION) }));
  const refused = messages.filter((m) => m.text && m.use.repeatFraction > REPEAT_ERROR_FRACTION).map((m) => m.text);
  const warned = messages.filter((m) => m.text && m.use.repeatFraction <= REPEAT_ERROR_FRACTION).map((m) => `WARNING: ${m.text}`);
  return { problem: refused.length ? refused.join('; ') : null, warning: warned.length ? warned.join('\n') : null };
}
