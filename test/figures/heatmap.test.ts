import { test } from 'node:test';
import assert from 'node:assert/strict';
import { heatmap, heatmapLayout, HeatmapOptions, subMatrix } from '../../lib/figures/heatmap';
import { decodePng, pngSize } from './png-facts';

type Rgb = [number, number, number];

const isRed = ([r, g, b]: Rgb) => r > 90 && r > g + 60 && r > b + 60;
const isBlue = ([r, g, b]: Rgb) => b > 90 && b > r + 60 && b > g + 20;

/** Colour at the centre of matrix entry (row, col) in the rendered heatmap. */
async function entryColours(values: Float64Array, rows: number, cols: number, opts: HeatmapOptions, entries: [number, number][]) {
  const layout = heatmapLayout(values, rows, cols, opts);
  const png = await heatmap(values, rows, cols, opts);
  const decoded = await decodePng(png);
  const half = Math.floor(layout.scale / 2);
  const colours = entries.map(([r, c]) => decoded.rgb(layout.matrixX + c * layout.scale + half, layout.matrixY + r * layout.scale + half));
  return { layout, png, decoded, colours };
}

test('a positive entry is red, a negative entry blue and zero white, each at its own place', async () => {
  const values = new Float64Array(20 * 20);
  values[2 * 20 + 3] = 1;
  values[15 * 20 + 10] = -1;
  const { colours, layout } = await entryColours(values, 20, 20, {}, [
    [2, 3],
    [15, 10],
    [3, 2],
    [10, 15],
  ]);
  assert.ok(isRed(colours[0]), `entry (2,3) = +1 should be red, got ${colours[0]}`);
  assert.ok(isBlue(colours[1]), `entry (15,10) = −1 should be blue, got ${colours[1]}`);
  assert.deepEqual(colours[2], [255, 255, 255]);
  assert.deepEqual(colours[3], [255, 255, 255]);
  assert.ok(layout.scale * 20 >= 400 && layout.scale * 20 <= 800, `a 20×20 matrix is drawn ${layout.scale * 20} px wide`);
});

test('the default diverging range is symmetric about 0 with the largest magnitude at the ends', async () => {
  const values = Float64Array.from([0.5, -2, 1, 0]);
  const layout = heatmapLayout(values, 2, 2);
  assert.deepEqual(layout.range, [-2, 2]);
  const { colours } = await entryColours(values, 2, 2, {}, [
    [0, 0],
    [0, 1],
    [1, 0],
  ]);
  // +0.5 is a quarter of the way to the red end, so paler than +1.
  assert.ok(isRed(colours[2]) && !isRed(colours[0]) && colours[0][1] > colours[2][1], `${colours[0]} vs ${colours[2]}`);
  assert.ok(isBlue(colours[1]));
});

test('the colour bar runs from the high colour at the top to the low colour at the bottom', async () => {
  const values = Float64Array.from([1, -1, 0, 0]);
  const { layout, decoded } = await entryColours(values, 2, 2, {}, []);
  const top = decoded.rgb(layout.barX + 9, layout.barY + 1);
  const middle = decoded.rgb(layout.barX + 9, layout.barY + Math.floor(layout.barHeight / 2));
  const bottom = decoded.rgb(layout.barX + 9, layout.barY + layout.barHeight - 2);
  assert.ok(isRed(top), `top ${top}`);
  assert.ok(isBlue(bottom), `bottom ${bottom}`);
  assert.ok(
    middle.every((c) => c > 235),
    `middle ${middle} should be near white`,
  );
});

test('values outside a given range take the end colour', async () => {
  const values = Float64Array.from([5, 1, -7, -1]);
  const { colours } = await entryColours(values, 2, 2, { range: [-1, 1] }, [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ]);
  assert.deepEqual(colours[0], colours[1]);
  assert.deepEqual(colours[2], colours[3]);
});

test('the sequential map runs from dark purple at the minimum to yellow at the maximum', async () => {
  const values = Float64Array.from([3, 4, 5, 6]);
  const { colours, layout } = await entryColours(values, 2, 2, { diverging: false }, [
    [0, 0],
    [1, 1],
  ]);
  assert.deepEqual(layout.range, [3, 6]);
  const [low, high] = colours;
  assert.ok(low[0] + low[1] + low[2] < 250 && low[2] > low[1], `minimum ${low}`);
  assert.ok(high[0] > 200 && high[1] > 200 && high[2] < 100, `maximum ${high}`);
});

test('non-finite entries are grey, not a colour of the map', async () => {
  const values = Float64Array.from([Number.NaN, 1, -1, Number.POSITIVE_INFINITY]);
  const { colours, layout } = await entryColours(values, 2, 2, {}, [
    [0, 0],
    [1, 1],
    [0, 1],
  ]);
  assert.deepEqual(colours[0], [128, 128, 128]);
  assert.deepEqual(colours[1], [128, 128, 128]);
  // The infinite entry does not stretch the range: +1 keeps the full red.
  assert.deepEqual(layout.range, [-1, 1]);
  assert.ok(isRed(colours[2]), `${colours[2]}`);
});

test('a 784×784 heatmap draws one pixel per entry, in well under a second', async () => {
  const n = 784;
  const values = new Float64Array(n * n).map((_, k) => Math.sin(k) * 0.01);
  values[700 * n + 100] = 1;
  values[100 * n + 700] = -1;
  const start = performance.now();
  const { colours, layout, png } = await entryColours(values, n, n, { title: 'covariance' }, [
    [700, 100],
    [100, 700],
  ]);
  const seconds = (performance.now() - start) / 1000;
  console.log(`heatmap 784×784 (render + layout + decode): ${(seconds * 1000).toFixed(0)} ms`);
  assert.equal(layout.scale, 1);
  const size = pngSize(png);
  assert.ok(size.width > n && size.width < n + 250 && size.height > n && size.height < n + 150, `${size.width}×${size.height}`);
  assert.ok(isRed(colours[0]) && isBlue(colours[1]), `${colours}`);
  // Measured 0.2–0.25 s including the test's own decode; 3 s catches a regression to per-entry SVG.
  assert.ok(seconds < 3, `took ${seconds.toFixed(2)} s`);
});

test('subMatrix copies the requested block and refuses blocks outside the matrix', () => {
  const values = Float64Array.from({ length: 5 * 6 }, (_, k) => k); // entry (r, c) = 6r + c
  assert.deepEqual(Array.from(subMatrix(values, 5, 6, 1, 2, 2, 3)), [8, 9, 10, 14, 15, 16]);
  assert.throws(() => subMatrix(values, 5, 6, 4, 0, 2, 2), /block of 2×2 at \(4, 0\) does not lie inside the 5×6 matrix/);
  assert.throws(() => subMatrix(values, 4, 6, 0, 0, 1, 1), /30 values given for a 4×6 matrix/);
});

test('heatmap rejects a value count that does not match rows×cols, and a bad range', async () => {
  await assert.rejects(heatmap(new Float64Array(10), 3, 3), /10 values given for a 3×3 matrix, expected 9/);
  await assert.rejects(heatmap(new Float64Array(4), 2, 2, { range: [1, -1] }), /range must be finite \[lo, hi\] with lo < hi/);
});
