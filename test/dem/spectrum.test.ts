import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../lib/random';
import { radialPowerSpectrum, spectralSlope } from '../../lib/dem/spectrum';

test('white noise of variance v has a flat spectrum at d·v in every frequency bin', () => {
  const rng = createRng(61);
  const side = 16;
  const rows = Float64Array.from({ length: 400 * side * side }, () => 2 * rng.normal()); // variance 4
  const { frequency, power } = radialPowerSpectrum(rows, side);
  assert.equal(frequency.length, side / 2);
  assert.equal(frequency[frequency.length - 1], 0.5);
  for (const value of power.slice(1)) assert.ok(Math.abs(value / (side * side * 4) - 1) < 0.1, `bin power ${value}`);
  assert.ok(Math.abs(spectralSlope({ frequency, power })) < 0.1);
});

test('a grating of 3 cycles per patch puts all its power in the bin at 3/side', () => {
  const side = 12;
  const rows = Float64Array.from({ length: side * side }, (_, i) => Math.cos((2 * Math.PI * 3 * (i % side)) / side));
  const { power } = radialPowerSpectrum(rows, side);
  const total = power.reduce((a, b) => a + b, 0);
  assert.ok(power[2] / total > 0.999, `share in bin 3: ${power[2] / total}`);
});
