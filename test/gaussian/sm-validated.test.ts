import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gridStructure } from '../../lib/gaussian/model/structure';
import { relativeFrobeniusError } from '../../lib/gaussian/model/precision';
import { localFromData, localFromDense } from '../../lib/gaussian/model/local-moments';
import { secondMomentDense } from '../../lib/data/moments';
import { fitScoreMatchingExact, fitScoreMatchingLocal } from '../../lib/gaussian/score-matching/exact';
import { fitScoreMatchingBarrier } from '../../lib/gaussian/score-matching/barrier';
import { fitScoreMatchingRidge, ridgedLocal, validateScoreMatching } from '../../lib/gaussian/score-matching/validated';
import { knownSparsePrecision } from '../../lib/gaussian/model/known-precision';
import { sampleByCholesky } from '../../lib/gaussian/model/sampling';
import { choleskyOfPrecision } from '../../lib/gaussian/model/positive-definite';

test('the ridge fit of γ is exactly SM on S + γI', () => {
  const structure = gridStructure(5, 5, 8);
  const D = structure.size;
  const n = 200;
  const X = sampleByCholesky(knownSparsePrecision(structure, 1), new Float64Array(D), n, 2);
  const S = secondMomentDense(X, n, D);
  for (const gamma of [0, 0.3, 2]) {
    const ridged = S.slice();
    for (let i = 0; i < D; i++) ridged[i * D + i] += gamma;
    const expected = fitScoreMatchingExact(ridged, structure).precision;
    const got = fitScoreMatchingRidge(localFromDense(S, structure), gamma).precision;
    assert.ok(relativeFrobeniusError(got, expected) < 1e-9, `γ = ${gamma}: ${relativeFrobeniusError(got, expected)}`);
  }
  assert.throws(() => ridgedLocal(localFromDense(S, structure), -1), /gamma must be a finite number ≥ 0, got -1/);
});

test('for a diagonal S the barrier fit solves sλ² − λ − τ = 0 (it does not simply add τ)', () => {
  const structure = gridStructure(3, 3, 8);
  const D = structure.size;
  const variances = Array.from({ length: D }, (_, i) => 0.5 + 0.25 * i);
  const S = new Float64Array(D * D);
  variances.forEach((s, i) => (S[i * D + i] = s));
  for (const tau of [0.01, 1]) {
    const fit = fitScoreMatchingBarrier(localFromDense(S, structure), tau, { tolerance: 1e-12 });
    variances.forEach((s, i) => {
      const root = (1 + Math.sqrt(1 + 4 * s * tau)) / (2 * s);
      assert.ok(Math.abs(fit.precision.diagonal[i] - root) < 1e-8 * root, `τ = ${tau}, s = ${s}: ${fit.precision.diagonal[i]} vs ${root}`);
    });
    fit.precision.edges.forEach((w) => w.forEach((v) => assert.ok(Math.abs(v) < 1e-9, `edge ${v}`)));
  }
  // At s = τ = 1: the golden ratio, not 1/s + τ = 2.
  const identity = Float64Array.from([1, 0, 0, 1]);
  const unit = fitScoreMatchingBarrier(localFromDense(identity, gridStructure(1, 2, 4)), 1, { tolerance: 1e-12 });
  assert.ok(Math.abs(unit.precision.diagonal[0] - (1 + Math.sqrt(5)) / 2) < 1e-8, `${unit.precision.diagonal[0]}`);
});

test('on a well-specified known Λ*, validation picks a small weight whose bias is near the statistical error', () => {
  const structure = gridStructure(8, 8, 4);
  const D = structure.size;
  const truth = knownSparsePrecision(structure, 7);
  const n = 8000;
  const X = sampleByCholesky(truth, new Float64Array(D), n, 8);
  const result = validateScoreMatching(X, n, structure, { seed: 9, barrierTolerance: 1e-9, refitTolerance: 1e-9 });
  const sm = fitScoreMatchingLocal(localFromData(X, n, structure), {}).precision;
  assert.ok(choleskyOfPrecision(sm).ok, 'pure SM is positive definite here');
  const statistical = relativeFrobeniusError(sm, truth);
  const chosen = relativeFrobeniusError(result.precision, truth);
  // Measured at these seeds: τ = 0.01 chosen, error 0.0264 against pure SM's 0.0253; τ = 1 gives 0.449.
  assert.ok(result.chosen.weight <= 0.1, `chosen ${result.chosen.variant} ${result.chosen.weight}`);
  assert.ok(chosen < 1.3 * statistical, `chosen fit's error ${chosen}, pure SM's ${statistical}`);
  // A fixed τ = 1 is a bias many times the statistical error.
  const fixed = relativeFrobeniusError(fitScoreMatchingBarrier(localFromData(X, n, structure), 1).precision, truth);
  assert.ok(fixed > 5 * statistical, `τ = 1: ${fixed}, statistical ${statistical}`);
  assert.equal(result.sweep.length, 6 + 11);
  assert.equal(result.fit_rows + result.validation_rows, n);
  result.sweep.forEach((e) => assert.equal(e.positive_definite, e.validation_loglik_per_row !== null));
  const best = Math.max(...result.sweep.map((e) => e.validation_loglik_per_row ?? -Infinity));
  assert.equal(result.chosen.validation_loglik_per_row, best);
  const byMedian = validateScoreMatching(X, n, structure, { seed: 9, taus: [1, 0.1], gammas: [0.1, 1], criterion: 'median' });
  const bestMedian = Math.max(...byMedian.sweep.map((e) => e.validation_loglik_median ?? -Infinity));
  assert.equal(byMedian.chosen.validation_loglik_median, bestMedian);
  assert.equal(byMedian.chosen.criterion, 'median');
});

test('bad input to the validated SM gets a clear error', () => {
  const structure = gridStructure(3, 3, 4);
  const X = new Float64Array(20 * 9).map((_, k) => Math.sin(k));
  assert.throws(() => validateScoreMatching(X, 21, structure, { seed: 1 }), /expected 21 rows of 9 values \(189\), got 180/);
  const all = { seed: 1, validationFraction: 1 };
  assert.throws(() => validateScoreMatching(X, 20, structure, all), /validationFraction must leave rows on both sides/);
  assert.throws(() => validateScoreMatching(X, 20, structure, { seed: 1, taus: [1, 0] }), /every tau must be a positive number, got 0/);
});
