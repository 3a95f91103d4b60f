import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../lib/random';
import { fitGaborBank, GaborFit } from '../../lib/dem/gabor/fit';
import { orientationBin, summariseGaborBank } from '../../lib/dem/gabor/summary';
import { gabor, N } from './gabor-truth';

const FLAT_FIT: GaborFit = { r2: 0, params: null, envelope_inside: 0, failures: ['flat'], gabor_like: false };

/** A hand-made fit: only the fields the summary reads matter. */
function madeFit(r2: number, orientation: number, failures: GaborFit['failures'] = [], frequency = 0.2, [sx, sy]: [number, number] = [2, 8]): GaborFit {
  return {
    r2,
    params: {
      amplitude: 1,
      offset: 0,
      x0: 14,
      y0: 14,
      orientation_deg: orientation,
      frequency,
      width_across: sx,
      width_along: sy,
      phase_deg: 0,
    },
    envelope_inside: 1,
    failures,
    gabor_like: r2 >= 0.5 && failures.length === 0,
  };
}

test('orientation bins are ±22.5° around 0/45/90/135, modulo 180', () => {
  assert.deepEqual([0, 22.4, 22.5, 67.4, 67.5, 112.5, 157.4, 157.5, 179.9].map(orientationBin), [0, 0, 1, 1, 2, 3, 3, 0, 0]);
});

test('the bank summary counts, bins and quantiles hand-made fits exactly', () => {
  const fits = [
    madeFit(0.9, 2, [], 0.1, [1, 4]),
    madeFit(0.8, 170, [], 0.2, [2, 2]),
    madeFit(0.7, 44, [], 0.3, [4, 4]),
    madeFit(0.6, 100, [], 0.4, [4, 9]),
    madeFit(0.95, 10, ['spike']),
    madeFit(0.3, 45),
    madeFit(0.1, 90, ['centre-outside', 'envelope-outside']),
    FLAT_FIT,
  ];
  const summary = summariseGaborBank(fits);
  // R² sorted: 0, 0.1, 0.3, 0.6, 0.7, 0.8, 0.9, 0.95: the median interpolates halfway between 0.6 and 0.7.
  assert.ok(Math.abs(summary.median_r2 - 0.65) < 1e-12);
  assert.equal(summary.r2_at_least_half, 5);
  assert.equal(summary.gabor_like, 4);
  assert.deepEqual(summary.failures, { flat: 1, 'centre-outside': 1, 'envelope-outside': 1, spike: 1, nyquist: 0 });
  assert.deepEqual(summary.orientation_counts, [2, 1, 1, 0]);
  assert.equal(summary.largest_orientation_share, 0.5);
  // Frequencies 0.1..0.4: q25 at position 0.75 → 0.175; sizes √(σx·σy) = 2, 2, 4, 6.
  assert.ok(Math.abs(summary.frequency_quantiles!.q25 - 0.175) < 1e-12);
  assert.ok(Math.abs(summary.width_quantiles!.q50 - 3) < 1e-12);
  assert.deepEqual(JSON.parse(JSON.stringify(summary)), summary);
});

test('a bank with no Gabor-like filter summarises to nulls, never NaN', () => {
  const summary = summariseGaborBank([madeFit(0.2, 0), FLAT_FIT]);
  assert.equal(summary.gabor_like, 0);
  assert.equal(summary.largest_orientation_share, null);
  assert.equal(summary.frequency_quantiles, null);
  assert.equal(summary.width_quantiles, null);
  assert.ok(!JSON.stringify(summary).includes('NaN'));
  assert.deepEqual(JSON.parse(JSON.stringify(summary)), summary);
});

test('a fitted bank of known composition: Gabors in known orientation bins, noise, a spike and a flat filter', () => {
  const rng = createRng(21);
  const orientations = [3, 175, 10, 40, 95, 130, 140];
  const filters = orientations.map((theta, k) => gabor({ x0: 9 + k, y0: 18 - k, theta, f: 0.12 + 0.04 * k, phase: 30 * k, sx: 2.5, sy: 3.5 }));
  filters.push(...[0, 1, 2].map(() => Float64Array.from({ length: N }, () => rng.normal())));
  const spike = new Float64Array(N);
  spike[222] = 1;
  filters.push(spike, new Float64Array(N));
  const summary = summariseGaborBank(fitGaborBank(filters));
  assert.equal(summary.filters, 12);
  assert.equal(summary.gabor_like, 7);
  assert.deepEqual(summary.orientation_counts, [3, 1, 1, 2]);
  assert.ok(Math.abs(summary.largest_orientation_share! - 3 / 7) < 1e-12);
  assert.equal(summary.failures.flat, 1);
  assert.ok(summary.failures.spike >= 1);
});

test('an empty bank is refused', () => {
  assert.throws(() => summariseGaborBank([]), /no fits given, expected at least one/);
});
