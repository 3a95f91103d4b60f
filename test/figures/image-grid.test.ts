import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gridLayout, imageGrid } from '../../lib/figures/image-grid';
import { decodePng, pngSize } from './png-facts';

const SIDE = 28;

/** A black 28×28 image with one pixel set to `value`. */
function onePixelImage(row: number, col: number, value: number, background = 0): Float32Array {
  const image = new Float32Array(SIDE * SIDE).fill(background);
  image[row * SIDE + col] = value;
  return image;
}

/** Grey level at the centre of the upscaled pixel (row, col) of image i. */
function greyAt(decoded: Awaited<ReturnType<typeof decodePng>>, layout: ReturnType<typeof gridLayout>, i: number, row: number, col: number, scale = 3) {
  const { x, y } = layout.tileOrigin(i);
  return decoded.rgb(x + col * scale + 1, y + row * scale + 1);
}

test('a 64-image grid is a PNG of 8×8 tiles of 28·3 px with 2 px separators', async () => {
  const images = new Float32Array(64 * SIDE * SIDE).map((_, i) => (i % 7) / 7);
  const start = performance.now();
  const png = await imageGrid(images);
  console.log(`imageGrid 64×28×28 ×3: ${(performance.now() - start).toFixed(0)} ms`);
  const side = 8 * (SIDE * 3 + 2) + 2;
  assert.deepEqual(pngSize(png), { width: side, height: side });
  const decoded = await decodePng(png);
  assert.equal(decoded.width, side);
});

test('shared contrast maps the smallest value of all images to black and the largest to white', async () => {
  // Image 0 spans [0, 1]; image 1 only [0, 0.5], so under shared contrast its brightest pixel is mid grey.
  const images = [onePixelImage(5, 7, 1), onePixelImage(20, 3, 0.5)];
  const png = await imageGrid(images, { contrast: 'shared' });
  const layout = gridLayout(2);
  const decoded = await decodePng(png);
  assert.deepEqual(greyAt(decoded, layout, 0, 5, 7), [255, 255, 255]);
  assert.deepEqual(greyAt(decoded, layout, 0, 5, 8), [0, 0, 0]);
  assert.deepEqual(greyAt(decoded, layout, 1, 20, 3), [128, 128, 128]);
});

test('per-image contrast stretches each image to its own range', async () => {
  const images = [onePixelImage(5, 7, 1), onePixelImage(20, 3, 0.75, 0.5)];
  const layout = gridLayout(2);
  const decoded = await decodePng(await imageGrid(images, { contrast: 'per-image' }));
  assert.deepEqual(greyAt(decoded, layout, 1, 20, 3), [255, 255, 255]);
  assert.deepEqual(greyAt(decoded, layout, 1, 0, 0), [0, 0, 0]);
});

test('a fixed contrast range maps linearly and clips values outside it', async () => {
  const image = new Float32Array(SIDE * SIDE);
  image[0] = 1; // middle of [0, 2] → 127.5, rounded to 128
  image[1] = 3; // above the range → white
  image[2] = -1; // below → black
  image[3] = 0.5; // 63.75 → 64
  const layout = gridLayout(1, { scale: 2 });
  const decoded = await decodePng(await imageGrid(image, { contrast: [0, 2], scale: 2 }));
  const grey = (col: number) => greyAt(decoded, layout, 0, 0, col, 2)[0];
  assert.deepEqual([grey(0), grey(1), grey(2), grey(3)], [128, 255, 0, 64]);
});

test('upscaling is nearest neighbour: every pixel of an upscaled entry has its grey level', async () => {
  const scale = 4;
  const layout = gridLayout(1, { scale });
  const decoded = await decodePng(await imageGrid(onePixelImage(10, 12, 1), { scale }));
  const { x, y } = layout.tileOrigin(0);
  for (let dy = -1; dy <= scale; dy++) {
    for (let dx = -1; dx <= scale; dx++) {
      const inside = dx >= 0 && dx < scale && dy >= 0 && dy < scale;
      assert.equal(decoded.rgb(x + 12 * scale + dx, y + 10 * scale + dy)[0], inside ? 255 : 0, `offset (${dx}, ${dy})`);
    }
  }
});

test('images are separated by white lines and placed row by row', async () => {
  const images = Array.from({ length: 5 }, (_, i) => new Float32Array(SIDE * SIDE).fill(i === 3 ? 1 : 0));
  const layout = gridLayout(5, { cols: 2 });
  assert.equal(layout.rows, 3);
  const decoded = await decodePng(await imageGrid(images, { cols: 2, contrast: [0, 1] }));
  const origin3 = layout.tileOrigin(3); // second column, second row
  assert.deepEqual(decoded.rgb(origin3.x + 40, origin3.y + 40), [255, 255, 255]);
  const origin2 = layout.tileOrigin(2);
  assert.deepEqual(decoded.rgb(origin2.x + 40, origin2.y + 40), [0, 0, 0]);
  // The separator column between tile 2 and tile 3 is white, the tile edge beside it is black.
  assert.deepEqual(decoded.rgb(origin2.x + layout.tileWidth, origin2.y + 5), [255, 255, 255]);
  assert.deepEqual(decoded.rgb(origin2.x + layout.tileWidth - 1, origin2.y + 5), [0, 0, 0]);
});

test('captions and a title add text bands without moving image pixels off their layout', async () => {
  const images = [onePixelImage(5, 7, 1), onePixelImage(20, 3, 1)];
  const opts = { captions: ['digit 3', 'a caption much too long to fit under one image'], title: 'Two digits' };
  const layout = gridLayout(2, opts);
  const png = await imageGrid(images, opts);
  const plain = gridLayout(2);
  const size = pngSize(png);
  assert.equal(size.width, layout.width);
  assert.ok(size.height > plain.height + 20, `height ${size.height} should include title and caption bands`);
  const decoded = await decodePng(png);
  assert.deepEqual(greyAt(decoded, layout, 0, 5, 7), [255, 255, 255]);
  assert.deepEqual(greyAt(decoded, layout, 1, 20, 3), [255, 255, 255]);
  assert.deepEqual(greyAt(decoded, layout, 1, 0, 0), [0, 0, 0]);
  // Caption text is drawn in the band under image 0.
  const { x, y } = layout.tileOrigin(0);
  let dark = 0;
  for (let yy = y + layout.tileHeight; yy < y + layout.tileHeight + 14; yy++) {
    for (let xx = x; xx < x + layout.tileWidth; xx++) if (decoded.rgb(xx, yy)[0] < 128) dark++;
  }
  assert.ok(dark > 10, `expected caption pixels under image 0, found ${dark}`);
});

test('non-finite pixels are drawn red so they cannot pass for dark ones', async () => {
  const image = onePixelImage(0, 0, Number.NaN);
  image[1] = 1;
  image[2] = Number.POSITIVE_INFINITY;
  const layout = gridLayout(1);
  const decoded = await decodePng(await imageGrid(image));
  // The finite values alone set the contrast: 1 is still white, 0 still black.
  assert.deepEqual(greyAt(decoded, layout, 0, 0, 0), [255, 0, 0]);
  assert.deepEqual(greyAt(decoded, layout, 0, 0, 1), [255, 255, 255]);
  assert.deepEqual(greyAt(decoded, layout, 0, 0, 2), [255, 0, 0]);
  assert.deepEqual(greyAt(decoded, layout, 0, 0, 3), [0, 0, 0]);
});

test('imageGrid rejects inputs that are not N images of height·width values', async () => {
  await assert.rejects(imageGrid(new Float32Array(100)), /100 values is not N images of height·width = 28·28 = 784/);
  await assert.rejects(imageGrid([new Float32Array(784), new Float32Array(783)]), /image 1 has 783 values/);
  await assert.rejects(imageGrid(new Float32Array(784), { captions: ['a', 'b'] }), /2 captions for 1 images/);
  await assert.rejects(imageGrid(new Float32Array(784), { contrast: [1, 1] }), /lo < hi/);
  await assert.rejects(imageGrid(new Float32Array(12), { height: 3, width: 4, scale: 0 }), /scale must be a positive integer/);
});
