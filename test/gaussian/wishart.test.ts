import { test } from 'node:test';
import assert from 'node:assert/strict';
import { digamma, expectedFitExcess } from '../../lib/gaussian/evaluation/wishart';

const EULER_GAMMA = 0.5772156649015329;

test('digamma matches its closed forms at 1, 1/2 and through ψ(x + 1) = ψ(x) + 1/x', () => {
  assert.ok(Math.abs(digamma(1) + EULER_GAMMA) < 1e-12);
  assert.ok(Math.abs(digamma(0.5) + EULER_GAMMA + 2 * Math.LN2) < 1e-12);
  for (const x of [0.3, 2.7, 11.2, 140.5]) assert.ok(Math.abs(digamma(x + 1) - digamma(x) - 1 / x) < 1e-12, `x = ${x}`);
  assert.throws(() => digamma(0), /digamma: expected x > 0, got 0/);
});

test('the expected excess of a Gaussian fit on its own rows approaches D(D+1)/(4N) for large N', () => {
  for (const D of [5, 64]) {
    const ratio = expectedFitExcess(D, 100_000) / ((D * (D + 1)) / (4 * 100_000));
    assert.ok(Math.abs(ratio - 1) < 0.01, `D = ${D}: ratio ${ratio}`);
  }
  // One dimension, N rows: ½(ln(N/2) − ψ(N/2)), which is ≈ 1/(2N) for large N.
  assert.ok(Math.abs(expectedFitExcess(1, 10) - 0.5 * (Math.log(5) - digamma(5))) < 1e-12);
  assert.throws(() => expectedFitExcess(10, 5), /expected integers N ≥ D ≥ 1, got D = 10, N = 5/);
});
