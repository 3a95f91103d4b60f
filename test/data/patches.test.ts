import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { projectRoot } from '../../lib/report/paths';
import { Jimp } from 'jimp';
import { scratchDir } from '../helpers/scratch';
import { decodeGray, LUMA_601 } from '../../lib/data/photos';
import { largestRemainder, PatchSet, preparePatches } from '../../lib/data/patches';
import { capturingWarnings } from '../helpers/warnings';

type Rgb = (x: number, y: number) => [number, number, number];

/** Writes a PNG (or JPEG) whose pixel (x, y) has colour rgb(x, y). */
async function writeImage(file: string, width: number, height: number, rgb: Rgb): Promise<void> {
  const image = new Jimp({ width, height, color: 0x000000ff });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = rgb(x, y);
      image.bitmap.data.set([r, g, b, 255], 4 * (y * width + x));
    }
  }
  const mime = file.endsWith('.png') ? 'image/png' : 'image/jpeg';
  fs.writeFileSync(file, await image.getBuffer(mime));
}

/** A textured grey image: different in every pixel, so patch positions can be told apart. */
const texture: Rgb = (x, y) => {
  const v = (x * 7 + y * 13 + ((x * y) % 17)) % 256;
  return [v, v, v];
};

/** The photos (indices into set.images) that gave at least one patch of a set. */
function photosUsed(set: PatchSet, which: 'trainOrigins' | 'holdoutOrigins'): Set<number> {
  const used = new Set<number>();
  for (let p = 0; p < set[which].length; p += 3) used.add(set[which][p]);
  return used;
}

/** A folder of `count` textured photos of different sizes. */
async function photoFolder(name: string, count: number): Promise<string> {
  const folder = scratchDir(name);
  for (let i = 0; i < count; i++) await writeImage(path.join(folder, `p${String(i).padStart(2, '0')}.png`), 30 + 4 * i, 40 + 3 * (i % 5), texture);
  return folder;
}

test('a corrupt file, a tiny image and a text file are skipped with one warning listing them', async () => {
  const folder = scratchDir('photos-skip');
  await writeImage(path.join(folder, 'good-a.png'), 90, 70, texture);
  await writeImage(path.join(folder, 'good-b.jpg'), 64, 80, texture);
  await writeImage(path.join(folder, 'tiny.png'), 20, 40, texture);
  const valid = fs.readFileSync(path.join(folder, 'good-a.png'));
  fs.writeFileSync(path.join(folder, 'corrupt.png'), valid.subarray(0, 60)); // PNG signature, then cut off
  fs.writeFileSync(path.join(folder, 'text-named.jpg'), 'not a picture at all\n');
  fs.writeFileSync(path.join(folder, 'notes.txt'), 'photographer: someone\n');

  const { value: set, warnings } = await capturingWarnings(() => preparePatches({ folder, nTrain: 20, nHoldout: 4, seed: 3 }));
  assert.deepEqual(set.images.map((i) => i.file), ['good-a.png', 'good-b.jpg']);
  assert.deepEqual(set.skipped.map((s) => s.file), ['corrupt.png', 'text-named.jpg', 'tiny.png']);
  assert.match(set.skipped[2].reason, /20×40 is smaller than 28×28/);
  assert.match(set.skipped[0].reason, /cannot be decoded/);
  assert.deepEqual(set.ignored, ['notes.txt']);
  assert.equal(warnings.length, 1, `warnings: ${warnings.join(' | ')}`);
  for (const name of ['corrupt.png', 'text-named.jpg', 'tiny.png']) assert.ok(warnings[0].includes(name), warnings[0]);
  assert.ok(warnings[0].includes(path.relative(projectRoot(), folder)), warnings[0]);
  assert.ok(!warnings[0].includes(projectRoot()), 'the warning shows a machine path');
  assert.equal(set.train.length, 20 * 784);
  assert.equal(set.holdout.length, 4 * 784);
});

test('a folder with no usable image is an error naming the folder', async () => {
  const folder = scratchDir('photos-none');
  await writeImage(path.join(folder, 'tiny.png'), 27, 100, texture);
  fs.writeFileSync(path.join(folder, 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x01]));
  fs.writeFileSync(path.join(folder, 'readme.txt'), 'nothing here');
  const { value: outcome, warnings } = await capturingWarnings(() =>
    preparePatches({ folder, nTrain: 10 }).then(
      () => null,
      (error: Error) => error,
    ),
  );
  assert.ok(outcome instanceof Error, 'expected preparePatches to reject');
  assert.ok(outcome.message.includes(path.relative(projectRoot(), folder)), outcome.message);
  assert.match(outcome.message, /No usable JPEG\/PNG image \(at least 28×28\).*2 image file\(s\), 2 skipped, 1 other entry/);
  assert.equal(warnings.length, 1);
  await assert.rejects(preparePatches({ folder: path.join(folder, 'missing') }), /Photo folder .*missing does not exist/);
});

test('grey is Rec. 601 luma and a patch value is (luma + U(0,1)) / 256 before the mean is removed', async () => {
  const folder = scratchDir('photos-luma');
  const colour: Rgb = () => [200, 40, 90];
  await writeImage(path.join(folder, 'flat.png'), 40, 60, colour);
  await writeImage(path.join(folder, 'flat-too.png'), 50, 40, colour);
  const luma = LUMA_601.r * 200 + LUMA_601.g * 40 + LUMA_601.b * 90;
  const gray = await decodeGray(path.join(folder, 'flat.png'));
  assert.ok(gray.pixels.every((v) => Math.abs(v - luma) < 1e-4), `expected ${luma}, got ${gray.pixels[0]}`);
  const set = await preparePatches({ folder, nTrain: 50, nHoldout: 10, seed: 1, maxRepeatFraction: 1 });
  for (let i = 0; i < set.train.length; i++) {
    const value = set.train[i] + set.mean[i % 784];
    assert.ok(value >= luma / 256 - 1e-6 && value <= (luma + 1) / 256 + 1e-6, `pixel ${i}: ${value}`);
  }
});

test('the training patches are centred by their per-pixel mean image; the hold-out uses the same mean', async () => {
  const folder = scratchDir('photos-mean');
  // A left-to-right ramp: the per-pixel mean differs across a patch, unlike a global scalar mean.
  await writeImage(path.join(folder, 'ramp.png'), 60, 200, (x) => [x * 4, x * 4, x * 4]);
  await writeImage(path.join(folder, 'ramp-too.png'), 60, 150, (x) => [x * 4, x * 4, x * 4]);
  const set = await preparePatches({ folder, nTrain: 3000, nHoldout: 600, seed: 2, maxRepeatFraction: 1 });
  let largest = 0;
  for (let j = 0; j < 784; j++) {
    let sum = 0;
    for (let i = 0; i < set.nTrain; i++) sum += set.train[i * 784 + j];
    largest = Math.max(largest, Math.abs(sum / set.nTrain));
  }
  assert.ok(largest < 1e-6, `largest training column mean ${largest}`);
  // Mean image: column c of a patch at x sees grey 4(x + c); the mean increases along each row.
  assert.ok(set.mean[27] - set.mean[0] > 0.3, `mean image left ${set.mean[0]}, right ${set.mean[27]}`);
  const [, x, y] = set.holdoutOrigins.subarray(0, 3);
  const restored = set.holdout[5] + set.mean[5];
  assert.ok(restored >= (4 * (x + 5)) / 256 && restored < (4 * (x + 5) + 1) / 256, `hold-out pixel at (${x + 5}, ${y})`);
});

test('whole photographs are held out: no photo gives patches to both sets, and patch counts follow photo area', async () => {
  const folder = await photoFolder('photos-many', 24);
  const set = await preparePatches({ folder, nTrain: 5000, nHoldout: 1000, seed: 6 });
  const train = photosUsed(set, 'trainOrigins');
  const holdout = photosUsed(set, 'holdoutOrigins');
  assert.equal(holdout.size, 4); // round(24 · 1000/6000)
  assert.equal(train.size, 20);
  for (const photo of holdout) assert.ok(!train.has(photo), `${set.images[photo].file} gave patches to both sets`);
  set.images.forEach((image, i) => assert.equal(image.set, holdout.has(i) ? 'holdout' : 'train', image.file));
  assert.equal(set.positions.holdout.photos, 4);
  assert.equal(set.positions.train.photos, 20);
  // Counts are proportional to positions (width − 27)·(height − 27) within each set, to within one patch.
  for (const side of ['train', 'holdout'] as const) {
    const members = set.images.filter((i) => i.set === side);
    const positions = members.map((i) => (i.width - 27) * (i.height - 27));
    const total = positions.reduce((a, b) => a + b, 0);
    const n = side === 'train' ? 5000 : 1000;
    members.forEach((image, k) => assert.ok(Math.abs(image[side] - (n * positions[k]) / total) <= 1, `${image.file}: ${image[side]}`));
    assert.equal(set.positions[side].tiles, members.reduce((sum, i) => sum + Math.floor(i.width / 28) * Math.floor(i.height / 28), 0));
  }
});

test('the whole-photo split is seeded: the same seed holds out the same photos, other seeds other ones', async () => {
  const folder = await photoFolder('photos-split-seed', 12);
  const heldOut = async (seed: number) => (await preparePatches({ folder, nTrain: 600, nHoldout: 200, seed })).images.filter((i) => i.set === 'holdout').map((i) => i.file);
  const first = await heldOut(3);
  assert.equal(first.length, 3); // round(12 · 200/800)
  assert.deepEqual(await heldOut(3), first);
  const others = await Promise.all([4, 5, 6, 7].map(heldOut));
  assert.ok(others.some((files) => files.join() !== first.join()), `seeds 3–7 all held out ${first.join(', ')}`);
  // The split draws from its own stream: the hold-out choice of a seed does not depend on the counts.
  const fewer = (await preparePatches({ folder, nTrain: 300, nHoldout: 100, seed: 3 })).images.filter((i) => i.set === 'holdout').map((i) => i.file);
  assert.deepEqual(fewer, first);
});

test('one usable photo cannot be split into whole photographs: an error naming the folder, unless nothing is held out', async () => {
  const folder = scratchDir('photos-single');
  await writeImage(path.join(folder, 'only.png'), 120, 90, texture);
  await writeImage(path.join(folder, 'tiny.png'), 20, 20, texture);
  const { warnings } = await capturingWarnings(() =>
    assert.rejects(preparePatches({ folder, nTrain: 100, nHoldout: 20, seed: 1 }), (error: Error) => {
      assert.ok(error.message.includes(path.relative(projectRoot(), folder)), error.message);
      assert.match(error.message, /has 1 usable photo; the hold-out is made of whole photographs, so it needs at least 2 .*set nHoldout to 0/);
      return true;
    }),
  );
  assert.match(warnings.join('\n'), /tiny\.png/);
  const trainOnly = (await capturingWarnings(() => preparePatches({ folder, nTrain: 100, nHoldout: 0, seed: 1 }))).value;
  assert.equal(trainOnly.holdout.length, 0);
  assert.equal(trainOnly.positions.holdout.photos, 0);
});

test('with two photos one is held out, whatever the hold-out fraction', async () => {
  const folder = await photoFolder('photos-two', 2);
  const set = await preparePatches({ folder, nTrain: 100, nHoldout: 1, seed: 2 });
  assert.deepEqual(set.images.map((i) => i.set).sort(), ['holdout', 'train']);
});

test('a huge folder is sampled: at most ⌈N/2⌉ images are decoded, about 2 patches each', async () => {
  const folder = scratchDir('photos-cap');
  for (let i = 0; i < 12; i++) await writeImage(path.join(folder, `q${String(i).padStart(2, '0')}.png`), 60, 60, texture);
  const set = await preparePatches({ folder, nTrain: 8, nHoldout: 2, seed: 7 });
  assert.equal(set.images.length, 5);
  assert.equal(set.images.reduce((s, i) => s + i.train + i.holdout, 0), 10);
});

test('the same seed gives the same patches and another seed different ones', async () => {
  const folder = scratchDir('photos-seed');
  await writeImage(path.join(folder, 'a.png'), 120, 90, texture);
  await writeImage(path.join(folder, 'b.png'), 100, 80, texture);
  const a = await preparePatches({ folder, nTrain: 300, nHoldout: 50, seed: 9 });
  const b = await preparePatches({ folder, nTrain: 300, nHoldout: 50, seed: 9 });
  const c = await preparePatches({ folder, nTrain: 300, nHoldout: 50, seed: 10 });
  assert.deepEqual(a.train, b.train);
  assert.deepEqual(a.holdout, b.holdout);
  assert.notDeepEqual(a.trainOrigins, c.trainOrigins);
});

test('largest remainder splits a total exactly and in proportion', () => {
  assert.deepEqual(largestRemainder(10, [1, 1, 1]), [4, 3, 3]);
  assert.deepEqual(largestRemainder(7, [0, 2, 5]), [0, 2, 5]);
  assert.deepEqual(largestRemainder(5, [0, 0]), [0, 0]);
});

test('bad counts are errors naming the option', async () => {
  await assert.rejects(preparePatches({ nTrain: 0 }), /nTrain must be a positive integer, got 0/);
  await assert.rejects(preparePatches({ nHoldout: 2.5 }), /nHoldout must be a non-negative integer, got 2.5/);
});
