import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { readIdxShape } from '../../lib/data/idx';
import { covarianceNeed, loadMnist, MNIST_FILES, MNIST_MINIMUM, MNIST_PIXELS, mnistFolderProblems, QUICK_DIGITS, requireDigits } from '../../lib/data/mnist';
import { createRng } from '../../lib/random';
import { scratchDir } from '../helpers/scratch';

/** Writes an MNIST-format folder byte by byte: image i has grey level (i + pixel) mod 256, label i mod 10. */
function writeMnistFolder(counts: { train: number; test: number }, gzip = false): string {
  const dir = scratchDir('mnist-sizes');
  for (const split of ['train', 'test'] as const) {
    const n = counts[split];
    const images = Buffer.alloc(16 + n * MNIST_PIXELS);
    images.writeUInt32BE(0x803, 0);
    images.writeUInt32BE(n, 4);
    images.writeUInt32BE(28, 8);
    images.writeUInt32BE(28, 12);
    for (let i = 0; i < n; i++) for (let p = 0; p < MNIST_PIXELS; p++) images[16 + i * MNIST_PIXELS + p] = (i + p) % 256;
    const labels = Buffer.alloc(8 + n);
    labels.writeUInt32BE(0x801, 0);
    labels.writeUInt32BE(n, 4);
    for (let i = 0; i < n; i++) labels[8 + i] = i % 10;
    const suffix = gzip ? '.gz' : '';
    fs.writeFileSync(path.join(dir, MNIST_FILES[split].images + suffix), gzip ? zlib.gzipSync(images) : images);
    fs.writeFileSync(path.join(dir, MNIST_FILES[split].labels + suffix), gzip ? zlib.gzipSync(labels) : labels);
  }
  return dir;
}

/** Notebook 01's needs at quick size: NCE's data rows and SM's validation split (its parameters cell). */
const notebook01Needs = [{ count: 1000, why: 'the data rows NCE contrasts (nceRows)' }, covarianceNeed(MNIST_PIXELS, 0.2)];

for (const n of [0, 50, 900]) {
  test(`a folder of ${n} training digits is refused before any work, saying how many are needed and why`, () => {
    const dir = writeMnistFolder({ train: n, test: 100 });
    const env = { MNIST_DIR: dir };
    const expected = (error: Error) => {
      assert.match(error.message, new RegExp(`Too few MNIST train digits: ${n} taken from \\$MNIST_DIR, at least 1000 needed`));
      assert.match(error.message, /1000 for the data rows NCE contrasts \(nceRows\)/);
      assert.match(error.message, /982 for a full-rank 784×784 covariance needs 785 centred rows after 20% are held back for validation/);
      assert.match(error.message, /through MNIST_DIR, or lower the notebook's settings/);
      return true;
    };
    assert.throws(() => requireDigits('train', notebook01Needs, { env, size: 'quick' }), expected);
    assert.throws(() => loadMnist({ split: 'train', size: 'quick', needs: notebook01Needs }, env), expected);
    // The runner's start-up check refuses what no notebook can use: fewer rows than a full-rank covariance needs.
    const problems = mnistFolderProblems(env);
    if (n < MNIST_MINIMUM.train.count) {
      assert.deepEqual(problems, [`MNIST_DIR="${dir}": ${n} train digits, at least 785 needed (${MNIST_MINIMUM.train.why})`]);
    } else assert.deepEqual(problems, []);
  });
}

test('an empty split is refused even when the caller states no need', () => {
  const dir = writeMnistFolder({ train: 0, test: 0 });
  assert.throws(() => loadMnist({ split: 'test' }, { MNIST_DIR: dir }), /Too few MNIST test digits: 0 taken from \$MNIST_DIR, at least 1 needed — 1 for any use of the split/);
});

test('785 = D + 1 rows: a centred sample of D + 1 rows has a positive-definite covariance, of D rows a singular one', () => {
  // The reason behind covarianceNeed, checked on D = 6 pixels with a Cholesky factorisation.
  const D = 6;
  const rng = createRng(3);
  const choleskyWorks = (rows: number): boolean => {
    const x = Array.from({ length: rows }, () => Array.from({ length: D }, () => rng.uniform()));
    const mean = Array.from({ length: D }, (_, j) => x.reduce((s, r) => s + r[j], 0) / rows);
    const c = Array.from({ length: D }, (_, i) => Array.from({ length: D }, (_, j) => x.reduce((s, r) => s + (r[i] - mean[i]) * (r[j] - mean[j]), 0) / rows));
    const l = c.map((row) => row.map(() => 0));
    for (let j = 0; j < D; j++) {
      const pivot = c[j][j] - l[j].slice(0, j).reduce((s, v) => s + v * v, 0);
      if (!(pivot > 1e-12 * c[j][j])) return false;
      l[j][j] = Math.sqrt(pivot);
      for (let i = j + 1; i < D; i++) l[i][j] = (c[i][j] - l[i].slice(0, j).reduce((s, v, k) => s + v * l[j][k], 0)) / l[j][j];
    }
    return true;
  };
  assert.equal(covarianceNeed(D).count, D + 1);
  assert.equal(choleskyWorks(D), false);
  assert.equal(choleskyWorks(D + 1), true);
  assert.equal(covarianceNeed(784, 0.2).count, 982); // ⌈785 / 0.8⌉: 0.8 · 982 = 785.6 ≥ 785 > 0.8 · 981
});

test('quick size caps a 60,000-row folder at the bundled split size and says so; full size takes all', () => {
  const dir = writeMnistFolder({ train: 60_000, test: 10 });
  const env = { MNIST_DIR: dir, LFR_SIZE: 'quick' };
  const data = loadMnist({ split: 'train' }, env);
  assert.equal(data.n, QUICK_DIGITS.train);
  assert.equal(data.available, 60_000);
  assert.equal(data.images.length, QUICK_DIGITS.train * MNIST_PIXELS);
  assert.match(data.source, /\(8000 of 60000 train digits\); quick size \(LFR_SIZE=quick\) takes the first 8000$/);
  // The first rows of the file, in order.
  for (const i of [0, 1, 7999]) assert.equal(Math.round(data.images[i * MNIST_PIXELS + 5] * 255), (i + 5) % 256);
  assert.equal(data.labels[7999], 7999 % 10);
  // A limit below the cap is the limit, and the cap is not mentioned.
  const limited = loadMnist({ split: 'train', limit: 100 }, env);
  assert.equal(limited.n, 100);
  assert.doesNotMatch(limited.source, /quick size/);
  // A split smaller than the cap is untouched.
  assert.equal(loadMnist({ split: 'test' }, env).n, 10);
  // From the header alone (the full set is not decoded here): what quick and full runs would take.
  assert.deepEqual(requireDigits('train', notebook01Needs, { env }), { n: 8000, available: 60_000, source: '$MNIST_DIR; quick size (LFR_SIZE=quick) takes the first 8000' });
  assert.deepEqual(requireDigits('train', notebook01Needs, { env: { MNIST_DIR: dir }, size: 'full' }), { n: 60_000, available: 60_000, source: '$MNIST_DIR' });
  assert.deepEqual(mnistFolderProblems({ MNIST_DIR: dir }), []);
  // A trainLimit below a need is caught the same way.
  assert.throws(() => requireDigits('train', notebook01Needs, { env, limit: 950 }), /950 taken from \$MNIST_DIR, at least 1000 needed/);
});

test('the default digits (data/mnist, else the mnist package) meet notebook 01\'s needs at both sizes', () => {
  for (const size of ['quick', 'full'] as const) {
    const needs = [{ count: size === 'quick' ? 1000 : 4000, why: 'nceRows' }, covarianceNeed(MNIST_PIXELS, 0.2)];
    const taken = requireDigits('train', needs, { env: {}, size });
    assert.ok(taken.n >= Math.max(...needs.map((need) => need.count)), taken.source);
    assert.ok(taken.n <= (size === 'quick' ? QUICK_DIGITS.train : Infinity));
  }
});

test('the idx header is read from the first bytes of a gzip file, with the same checks as a full read', () => {
  const dir = writeMnistFolder({ train: 300, test: 20 }, true);
  assert.deepEqual(readIdxShape(path.join(dir, `${MNIST_FILES.train.images}.gz`), { dims: 3 }), [300, 28, 28]);
  assert.deepEqual(readIdxShape(path.join(dir, `${MNIST_FILES.test.labels}.gz`), { dims: 1 }), [20]);
  assert.throws(() => readIdxShape(path.join(dir, `${MNIST_FILES.train.labels}.gz`), { dims: 3 }), /wrong magic number 0x00000801, expected 0x00000803/);
  assert.deepEqual(mnistFolderProblems({ MNIST_DIR: dir }), [`MNIST_DIR="${dir}": 300 train digits, at least 785 needed (${MNIST_MINIMUM.train.why})`]);
});

test('the start-up check names missing files and mismatched counts without decoding', () => {
  const dir = writeMnistFolder({ train: 800, test: 5 });
  fs.rmSync(path.join(dir, MNIST_FILES.test.labels));
  const labels = Buffer.alloc(8 + 799);
  labels.writeUInt32BE(0x801, 0);
  labels.writeUInt32BE(799, 4);
  fs.writeFileSync(path.join(dir, MNIST_FILES.train.labels), labels);
  assert.deepEqual(mnistFolderProblems({ MNIST_DIR: dir }), [
    `MNIST_DIR="${dir}": 800 train images but 799 labels; expected equal counts`,
    `MNIST_DIR="${dir}": missing t10k-labels-idx1-ubyte[.gz] (the test split)`,
  ]);
});
