import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { Jimp } from 'jimp';
import { projectRoot } from '../../lib/report/paths';
import { scratchDir } from '../helpers/scratch';
import { patchCapacity, positionUse, preparePatches, REPEAT_ERROR_FRACTION, REPEAT_WARNING_FRACTION } from '../../lib/data/patches';
import { imageSize } from '../../lib/data/image-size';
import { capturingWarnings } from '../helpers/warnings';

/** A folder holding one textured grey PNG of the given size. */
async function onePhotoFolder(width: number, height: number): Promise<string> {
  const dir = scratchDir('one-photo');
  const image = new Jimp({ width, height, color: 0x000000ff });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = (x * 7 + y * 13 + ((x * y) % 17)) % 256;
      image.bitmap.data.set([v, v, v, 255], 4 * (y * width + x));
    }
  }
  fs.writeFileSync(path.join(dir, 'small.png'), await image.getBuffer('image/png'));
  return dir;
}

/** Distinct (image, x, y) among [n, 3] origins. */
function distinctOrigins(origins: Int32Array): number {
  const seen = new Set<string>();
  for (let i = 0; i < origins.length; i += 3) seen.add(`${origins[i]},${origins[i + 1]},${origins[i + 2]}`);
  return seen.size;
}

test('expected distinct positions follow P(1 − (1 − 1/P)ⁿ), summed over images', () => {
  const one = positionUse([10], [10]);
  assert.ok(Math.abs(one.expectedDistinct - 10 * (1 - 0.9 ** 10)) < 1e-12);
  assert.ok(Math.abs(one.repeatFraction - 0.9 ** 10) < 1e-12);
  const two = positionUse([10, 1, 5], [10, 3, 0]);
  assert.ok(Math.abs(two.expectedDistinct - (10 * (1 - 0.9 ** 10) + 1)) < 1e-12);
  assert.equal(two.positions, 16);
  assert.equal(two.patches, 13);
  // Many positions, few draws: almost no repeat, computed without cancellation.
  assert.ok(Math.abs(positionUse([1e9], [1000]).repeatFraction - 999 / 2e9) < 1e-12);
});

test('one 80×64 photo cannot give 5,000 training patches: the error says how many distinct positions exist', async () => {
  const folder = await onePhotoFolder(80, 64);
  const options = { folder, nTrain: 5000, nHoldout: 0, seed: 2 };
  // Ground truth from the geometry: (80 − 27)·(64 − 27) top-left corners; the draw never leaves them.
  const allowed = (await capturingWarnings(() => preparePatches({ ...options, maxRepeatFraction: 1 }))).value;
  const positions = allowed.positions.train.positions;
  assert.equal(positions, 53 * 37);
  const observed = distinctOrigins(allowed.trainOrigins);
  const expected = allowed.positions.train.expectedDistinct;
  assert.ok(observed <= positions && Math.abs(observed - expected) < 4 * Math.sqrt(positions - expected), `${observed} distinct, ${expected} expected`);
  await assert.rejects(preparePatches(options), (error: Error) => {
    assert.match(error.message, new RegExp(`5000 training patches drawn from the ${positions} positions a patch can take in the 1 training photo\\(s\\) of report/test-runs/one-photo-\\w+ hit about ${Math.round(expected)} distinct ones`));
    assert.match(error.message, /about 64% repeat a position \(refused above 50%\)/);
    assert.match(error.message, new RegExp(`at most about ${Math.floor(2 * REPEAT_WARNING_FRACTION * positions)} training patches`));
    return true;
  });
});

test('a photo too small for one patch is skipped and named; with no other photo that is an error', async () => {
  const folder = await onePhotoFolder(20, 40);
  const { warnings } = await capturingWarnings(() =>
    assert.rejects(preparePatches({ folder, nTrain: 10 }), /No usable JPEG\/PNG image \(at least 28×28\) in .*: 1 image file\(s\), 1 skipped/),
  );
  assert.match(warnings.join('\n'), /small\.png \(20×40 is smaller than 28×28\)/);
});

test('between the warning and the error fractions the patches come with a loud warning, and the expectation matches the draw', async () => {
  const folder = await onePhotoFolder(160, 120);
  const probe = (await capturingWarnings(() => preparePatches({ folder, nTrain: 10, nHoldout: 0, seed: 4 }))).value;
  const P = probe.positions.train.positions;
  // n = P/2 draws: a share 1 − (1 − e^{−1/2})·2 ≈ 0.213 repeat, between the two thresholds.
  const nTrain = Math.round(P / 2);
  const { value: patches, warnings } = await capturingWarnings(() => preparePatches({ folder, nTrain, nHoldout: 0, seed: 4 }));
  const use = patches.positions.train;
  assert.equal(use.positions, P);
  assert.ok(use.repeatFraction > REPEAT_WARNING_FRACTION && use.repeatFraction < REPEAT_ERROR_FRACTION, String(use.repeatFraction));
  const observed = distinctOrigins(patches.trainOrigins);
  assert.ok(Math.abs(observed - use.expectedDistinct) < 4 * Math.sqrt(use.expectedDistinct), `${observed} vs ${use.expectedDistinct}`);
  const warning = warnings.find((w) => w.startsWith('WARNING: preparePatches:'));
  assert.ok(warning, warnings.join('\n'));
  assert.match(warning, new RegExp(`${nTrain} training patches drawn from the ${P} positions .* hit about ${Math.round(use.expectedDistinct)} distinct ones: about 21% repeat a position \\(warning above 10%\\)`));
  // A stricter limit turns the same case into an error.
  await capturingWarnings(() => assert.rejects(preparePatches({ folder, nTrain, nHoldout: 0, seed: 4, maxRepeatFraction: 0.15 }), /refused above 15%/));
});

test('the report with LFR_PHOTOS_DIR naming one small photo refuses at start-up, before any notebook runs, saying why', async () => {
  const folder = await onePhotoFolder(80, 64);
  const out = path.join(scratchDir('one-photo-report'), 'report');
  const started = Date.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(projectRoot(), 'scripts', 'report.ts'), '--size', 'quick', '--out', out], {
    encoding: 'utf8',
    env: { ...process.env, LFR_PHOTOS_DIR: folder, LFR_PROGRESS: 'off' },
  });
  assert.notEqual(run.status, 0);
  // (80 − 27)·(64 − 27) = 1,961 positions for 5,000 quick-size training patches.
  assert.match(run.stderr, /nothing was run/);
  assert.match(run.stderr, /1 usable photo; the hold-out is made of whole photographs, so it needs at least 2/);
  assert.equal(fs.existsSync(path.join(out, 'summary.json')), false, 'a notebook ran');
  assert.ok(Date.now() - started < 60_000, 'the refusal should take seconds, not a notebook run');
});

test('image sizes come from the PNG and JPEG headers; the capacity check refuses, warns or passes by the repeat fraction', async () => {
  const dir = scratchDir('image-sizes');
  const image = new Jimp({ width: 300, height: 200, color: 0x808080ff });
  fs.writeFileSync(path.join(dir, 'a.png'), await image.getBuffer('image/png'));
  fs.writeFileSync(path.join(dir, 'b.jpg'), await image.getBuffer('image/jpeg'));
  fs.writeFileSync(path.join(dir, 'c.png'), Buffer.from('not a png at all'));
  assert.deepEqual(imageSize(path.join(dir, 'a.png')), { width: 300, height: 200 });
  assert.deepEqual(imageSize(path.join(dir, 'b.jpg')), { width: 300, height: 200 });
  assert.equal(imageSize(path.join(dir, 'c.png')), null);
  // Two usable photos, one per side of the whole-photo split: 273 × 173 = 47,229 positions each.
  const positions = 273 * 173;
  const counts = (nTrain: number, nHoldout: number) => ({ nTrain, nHoldout, seed: 1 });
  assert.deepEqual(patchCapacity(dir, counts(1000, 200)), { problem: null, warning: null });
  const warned = patchCapacity(dir, counts(Math.round(0.4 * positions), 200));
  assert.equal(warned.problem, null);
  assert.match(warned.warning ?? '', new RegExp(`^WARNING: ${Math.round(0.4 * positions)} training patches drawn from the ${positions} positions .* in the 1 training photo\\(s\\)`));
  const refused = patchCapacity(dir, counts(1000, 3 * positions));
  assert.match(refused.problem ?? '', /hold-out patches .*\(refused above 50%\)/);
  // The verdicts are preparePatches' own: the same split and allocation, read from the headers.
  const drawn = await capturingWarnings(() => preparePatches({ folder: dir, ...counts(Math.round(0.4 * positions), 200) }));
  assert.equal(drawn.warnings.filter((w) => w.startsWith('WARNING: preparePatches:')).length, 1);
  assert.equal(drawn.value.positions.train.positions, positions);
  assert.deepEqual(patchCapacity(dir, counts(1000, 0)), { problem: null, warning: null });
  const empty = scratchDir('image-sizes-empty');
  fs.writeFileSync(path.join(empty, 'tiny.png'), await new Jimp({ width: 20, height: 20, color: 0x000000ff }).getBuffer('image/png'));
  assert.match(patchCapacity(empty, counts(10, 2)).problem ?? '', /no photo of at least 28×28 pixels among its 1 image file/);
  const single = await onePhotoFolder(300, 200);
  assert.match(patchCapacity(single, counts(10, 2)).problem ?? '', /1 usable photo; the hold-out is made of whole photographs, so it needs at least 2/);
});
