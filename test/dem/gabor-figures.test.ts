import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../lib/random';
import { fitGaborBank, gaborImage } from '../../lib/dem/gabor/fit';
import { gaborCentrePlot, gaborFitGrid, gaborFitPairs, gaborOrientationFrequencyPlot, gaborR2Plot } from '../../lib/dem/gabor/figures';
import { gridLayout } from '../../lib/figures';
import { pngSize } from '../figures/png-facts';

const SIDE = 28;
const N = SIDE * SIDE;

/** A small bank: an even Gabor, white noise, a weaker Gabor in noise and a flat filter. */
function bank(): Float64Array[] {
  const rng = createRng(4);
  const gabor = (theta: number, noise: number) =>
    Float64Array.from({ length: N }, (_, i) => {
      const [dx, dy] = [(i % SIDE) - 13, Math.floor(i / SIDE) - 14];
      const along = dx * Math.cos(theta) + dy * Math.sin(theta);
      return Math.exp(-(dx * dx + dy * dy) / 18) * Math.cos(2 * Math.PI * 0.2 * along) + noise * rng.normal();
    });
  return [gabor(0.3, 0), Float64Array.from({ length: N }, () => rng.normal()), gabor(1.2, 0.3), new Float64Array(N)];
}

test('pairs are ordered by R², best first, each filter beside its fit under one grey mapping', () => {
  const filters = bank();
  const fits = fitGaborBank(filters);
  const { images, captions, order } = gaborFitPairs(filters, fits);
  assert.deepEqual([...order].sort(), [0, 1, 2, 3]);
  for (let k = 1; k < order.length; k++) assert.ok(fits[order[k - 1]].r2 >= fits[order[k]].r2);
  assert.equal(order[0], 0); // the noise-free Gabor fits best
  assert.equal(images.length, 8);
  order.forEach((j, k) => {
    assert.match(captions[2 * k], new RegExp(`^#${j} R² ${fits[j].r2.toFixed(2)}$`));
    const filter = filters[j];
    const params = fits[j].params;
    if (!params) {
      assert.ok(images[2 * k].every((v) => v === 0) && images[2 * k + 1].every((v) => v === 0), 'a flat filter is mid grey');
      assert.equal(captions[2 * k + 1], 'flat');
      return;
    }
    // The filter's own range maps to [−1, 1]; the fit goes through the same affine map.
    const lo = Math.min(...filter);
    const hi = Math.max(...filter);
    const fitted = gaborImage(params);
    assert.ok(Math.abs(Math.min(...images[2 * k]) + 1) < 1e-12 && Math.abs(Math.max(...images[2 * k]) - 1) < 1e-12);
    for (const i of [0, 200, 405, 783]) assert.ok(Math.abs(images[2 * k + 1][i] - ((2 * (fitted[i] - lo)) / (hi - lo) - 1)) < 1e-12);
  });
});

test('the figures render as PNGs of the expected size and refuse mismatched inputs', async () => {
  const filters = bank();
  const fits = fitGaborBank(filters);
  const layout = gridLayout(8, { cols: 4, scale: 2, captions: gaborFitPairs(filters, fits).captions, title: 'Gabor fits' });
  const grid = await gaborFitGrid(filters, fits, { pairsPerRow: 2, title: 'Gabor fits' });
  assert.deepEqual(pngSize(grid), { width: layout.width, height: layout.height });
  assert.deepEqual(pngSize(await gaborR2Plot(fits)), { width: 520, height: 320 });
  assert.deepEqual(pngSize(await gaborOrientationFrequencyPlot(fits)), { width: 520, height: 320 });
  assert.deepEqual(pngSize(await gaborCentrePlot(fits)), { width: 470, height: 400 });
  assert.throws(() => gaborFitPairs(filters.slice(1), fits), /3 filters and 4 fits; expected the same, non-zero number/);
  assert.throws(() => gaborOrientationFrequencyPlot([fits[3]]), /no fitted \(non-flat\) filter to plot/);
});
