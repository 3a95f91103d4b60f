import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../lib/random';
import { energyInWindow, filterLocality } from '../../lib/dem/filters';

const SIDE = 28;

/** A Gabor patch: Gaussian envelope of width `width` pixels at (row, col), carrier along `angle`. */
function gabor(row: number, col: number, width: number, angle: number, period: number): Float64Array {
  const out = new Float64Array(SIDE * SIDE);
  for (let r = 0; r < SIDE; r++) {
    for (let c = 0; c < SIDE; c++) {
      const [dy, dx] = [r - row, c - col];
      const along = dx * Math.cos(angle) + dy * Math.sin(angle);
      out[r * SIDE + c] = Math.exp(-(dx * dx + dy * dy) / (2 * width * width)) * Math.cos((2 * Math.PI * along) / period);
    }
  }
  return out;
}

test('white-noise filters put about 7% of their energy in the 7×7 window around their peak', () => {
  const rng = createRng(1);
  const noise = Float64Array.from({ length: 256 * SIDE * SIDE }, () => rng.normal());
  const { mean, perFilter } = filterLocality(noise, SIDE);
  // 49/784 = 0.0625, plus the peak pixel's excess, minus windows clipped at the border.
  assert.ok(mean > 0.06 && mean < 0.08, `mean ${mean}`);
  assert.ok(Math.max(...perFilter) < 0.15);
});

test('Gabor patches of width 2–4 pixels are highly localised', () => {
  for (const width of [2, 3, 4]) {
    const fraction = energyInWindow(gabor(12.3, 15.6, width, 0.7, 6), SIDE);
    assert.ok(fraction > 0.6 && fraction <= 1, `width ${width}: ${fraction}`);
  }
  // Near the border the window is clipped but the energy is still inside it.
  assert.ok(energyInWindow(gabor(1, 26, 2, 0.3, 5), SIDE) > 0.6);
});

test('a filter spread over the whole patch is not localised', () => {
  const grating = Float64Array.from({ length: SIDE * SIDE }, (_, i) => Math.cos((2 * Math.PI * (i % SIDE)) / 5));
  assert.ok(energyInWindow(grating, SIDE) < 0.12);
});

test('bad filters are refused with the expected sizes named', () => {
  assert.throws(() => energyInWindow(new Float64Array(780), SIDE), /780 values, expected side² = 784/);
  assert.throws(() => energyInWindow(new Float64Array(784), SIDE), /energy is 0/);
  assert.throws(() => energyInWindow(new Float64Array(784).fill(1), SIDE, 6), /positive odd integer, got 6/);
  assert.throws(() => filterLocality(new Float32Array(1000), SIDE), /not a whole number of 28×28 filters/);
});
