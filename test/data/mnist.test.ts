import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { parseIdx } from '../../lib/data/idx';
import { loadMnist, loadMnistPackage, MNIST_FILES, MNIST_PIXELS } from '../../lib/data/mnist';

/** Big-endian idx bytes: magic 0x0000080<dims>, sizes, then the values. */
function idxBytes(shape: number[], values: Uint8Array, magicDims = shape.length): Buffer {
  const header = Buffer.alloc(4 + 4 * shape.length);
  header.writeUInt32BE(0x0800 + magicDims, 0);
  shape.forEach((size, k) => header.writeUInt32BE(size, 4 + 4 * k));
  return Buffer.concat([header, Buffer.from(values)]);
}

/** n synthetic 28×28 images whose grey levels are (image·7 + pixel) mod 256, labels (image·3) mod 10. */
function synthetic(n: number) {
  const pixels = new Uint8Array(n * MNIST_PIXELS).map((_, i) => (Math.floor(i / MNIST_PIXELS) * 7 + (i % MNIST_PIXELS)) % 256);
  const labels = new Uint8Array(n).map((_, i) => (i * 3) % 10);
  return { pixels, labels };
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'lfr-mnist-'));
}

function writeSplit(dir: string, n: number, gzip: boolean, split: 'train' | 'test' = 'train') {
  const { pixels, labels } = synthetic(n);
  const pack = (bytes: Buffer) => (gzip ? zlib.gzipSync(bytes) : bytes);
  const suffix = gzip ? '.gz' : '';
  fs.writeFileSync(path.join(dir, MNIST_FILES[split].images + suffix), pack(idxBytes([n, 28, 28], pixels)));
  fs.writeFileSync(path.join(dir, MNIST_FILES[split].labels + suffix), pack(idxBytes([n], labels)));
  return { pixels, labels };
}

for (const gzip of [false, true]) {
  test(`the idx loader returns the written ${gzip ? 'gzip-compressed' : 'raw'} digits scaled to [0, 1]`, () => {
    const dir = tempDir();
    const { pixels, labels } = writeSplit(dir, 5, gzip);
    const data = loadMnist({ split: 'train', dir });
    assert.equal(data.n, 5);
    assert.equal(data.images.length, 5 * MNIST_PIXELS);
    assert.deepEqual(Array.from(data.labels), Array.from(labels));
    for (let i = 0; i < pixels.length; i++) assert.ok(Math.abs(data.images[i] - pixels[i] / 255) < 1e-7);
    assert.match(data.source, new RegExp(MNIST_FILES.train.images));
  });
}

test('limit keeps the first digits of an idx file', () => {
  const dir = tempDir();
  const { labels } = writeSplit(dir, 6, false, 'test');
  const data = loadMnist({ split: 'test', dir, limit: 4 });
  assert.equal(data.n, 4);
  assert.equal(data.images.length, 4 * MNIST_PIXELS);
  assert.deepEqual(Array.from(data.labels), Array.from(labels.subarray(0, 4)));
});

test('MNIST_DIR selects the idx folder', () => {
  const dir = tempDir();
  writeSplit(dir, 3, true);
  const data = loadMnist({ split: 'train' }, { MNIST_DIR: dir });
  assert.equal(data.n, 3);
  // Named by the variable that chose it: notebook output shows no machine path.
  assert.match(data.source, /in \$MNIST_DIR \(3 of 3 train digits\)/);
  assert.ok(!data.source.includes(dir));
});

test('a wrong magic number is an error naming the file and the expected magic', () => {
  const dir = tempDir();
  writeSplit(dir, 3, false);
  const labelFile = path.join(dir, MNIST_FILES.train.labels);
  // A labels file written with the images' magic (3 dimensions): the classic swapped-files mistake.
  fs.writeFileSync(labelFile, idxBytes([3, 1, 1], new Uint8Array(3), 3));
  assert.throws(() => loadMnist({ split: 'train', dir }), (error: Error) => {
    assert.ok(error.message.includes(labelFile), error.message);
    assert.match(error.message, /wrong magic number 0x00000803, expected 0x00000801/);
    return true;
  });
});

test('a truncated image file is an error naming the file and the bytes expected', () => {
  const dir = tempDir();
  writeSplit(dir, 3, false);
  const imageFile = path.join(dir, MNIST_FILES.train.images);
  const full = fs.readFileSync(imageFile);
  fs.writeFileSync(imageFile, full.subarray(0, full.length - 100));
  assert.throws(() => loadMnist({ split: 'train', dir }), (error: Error) => {
    assert.ok(error.message.includes(imageFile), error.message);
    assert.match(error.message, new RegExp(`truncated.*${full.length} bytes in all.*has ${full.length - 100} bytes`));
    return true;
  });
});

test('a truncated gzip file is an error naming the file', () => {
  const dir = tempDir();
  writeSplit(dir, 3, true);
  const imageFile = path.join(dir, `${MNIST_FILES.train.images}.gz`);
  const full = fs.readFileSync(imageFile);
  fs.writeFileSync(imageFile, full.subarray(0, Math.floor(full.length / 2)));
  assert.throws(() => loadMnist({ split: 'train', dir }), (error: Error) => {
    assert.ok(error.message.includes(imageFile), error.message);
    assert.match(error.message, /truncated or corrupt gzip/);
    return true;
  });
});

test('an image/label count mismatch is an error naming both counts', () => {
  const dir = tempDir();
  writeSplit(dir, 4, false);
  const labelFile = path.join(dir, MNIST_FILES.train.labels);
  fs.writeFileSync(labelFile, idxBytes([3], new Uint8Array([1, 2, 3])));
  assert.throws(() => loadMnist({ split: 'train', dir }), (error: Error) => {
    assert.ok(error.message.includes(labelFile), error.message);
    assert.match(error.message, /holds 3 labels but .* holds 4 images/);
    return true;
  });
});

test('a folder without the split\'s files is an error listing the missing names', () => {
  const dir = tempDir();
  writeSplit(dir, 2, false, 'train');
  assert.throws(() => loadMnist({ split: 'test', dir }), /missing t10k-images-idx3-ubyte\[\.gz\] and t10k-labels-idx1-ubyte\[\.gz\]/);
  assert.throws(() => loadMnist({ split: 'train' }, { MNIST_DIR: path.join(dir, 'nope') }), /MNIST_DIR=".*nope": no such folder; expected an existing folder/);
});

test('parseIdx reads a header shape and rejects a header cut short', () => {
  const bytes = idxBytes([2, 3], new Uint8Array([1, 2, 3, 4, 5, 6]));
  assert.deepEqual(parseIdx(bytes, 'x.idx', { dims: 2 }), { shape: [2, 3], data: new Uint8Array([1, 2, 3, 4, 5, 6]) });
  assert.throws(() => parseIdx(bytes.subarray(0, 9), 'x.idx', { dims: 2 }), /x\.idx: truncated idx file: 9 bytes, the header alone needs 12/);
});

test('the mnist package splits its 10,000 digits into disjoint, stratified train and test sets', () => {
  const train = loadMnistPackage('train');
  const test = loadMnistPackage('test');
  assert.equal(train.n + test.n, 10_000);
  assert.ok(train.n >= 7_990 && train.n <= 8_010, `train has ${train.n}`);
  const seen = new Set<string>();
  const key = (images: Float32Array, i: number) => Buffer.from(images.buffer, i * MNIST_PIXELS * 4, MNIST_PIXELS * 4).toString('base64');
  for (let i = 0; i < train.n; i++) seen.add(key(train.images, i));
  for (let i = 0; i < test.n; i++) assert.ok(!seen.has(key(test.images, i)), `test digit ${i} also appears in train`);
  for (const split of [train, test]) {
    const counts = new Array(10).fill(0);
    split.labels.forEach((label) => counts[label]++);
    const fraction = counts.map((c) => c / split.n);
    assert.ok(Math.min(...fraction) > 0.08 && Math.max(...fraction) < 0.12, `class fractions ${fraction}`);
    assert.ok(split.images.every((v) => v >= 0 && v <= 1));
  }
});

test('the mnist package split is deterministic and limit keeps every class', () => {
  const a = loadMnistPackage('train', 200);
  const b = loadMnist({ split: 'train', limit: 200 }, {});
  assert.equal(a.n, 200);
  assert.deepEqual(a.labels, b.labels);
  assert.deepEqual(a.images, b.images);
  assert.equal(new Set(a.labels).size, 10);
});
