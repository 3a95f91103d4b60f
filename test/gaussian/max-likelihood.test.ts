import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gridStructure } from '../../lib/gaussian/model/structure';
import { createPrecision, projectDense, relativeFrobeniusError, scaleSymmetric, toDense } from '../../lib/gaussian/model/precision';
import { localFromData, localFromDense } from '../../lib/gaussian/model/local-moments';
import { secondMomentDense } from '../../lib/data/moments';
import { fitMaxLikelihood, fitMaxLikelihoodDense, fitMaxLikelihoodFromData } from '../../lib/gaussian/evaluation/max-likelihood';
import { fitScoreMatchingExactFromData } from '../../lib/gaussian/score-matching/exact';
import { gaussianLogLikelihood } from '../../lib/gaussian/model/likelihood';
import { knownSparsePrecision } from '../../lib/gaussian/model/known-precision';
import { sampleByCholesky } from '../../lib/gaussian/model/sampling';
import { choleskyOfPrecision } from '../../lib/gaussian/model/positive-definite';
import { choleskyOrThrow } from '../../lib/linalg/cholesky';
import { lowerInverse } from '../../lib/linalg/triangular';
import { bandedCholesky, bandedInverse, createBanded } from '../../lib/linalg/banded';
import { bandedInverseDirection } from '../../lib/linalg/banded-derivative';
import { createRng } from '../../lib/random';

const structure = gridStructure(6, 6, 8);
const truth = knownSparsePrecision(structure, 3);
const D = structure.size;

/** A⁻¹ of a dense SPD matrix, densely (the reference the banded code is checked against). */
function denseInverse(A: ArrayLike<number>, n: number): Float64Array {
  const Linv = lowerInverse(choleskyOrThrow(A, n, 'test matrix'), n);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) for (let k = Math.max(i, j); k < n; k++) out[i * n + j] += Linv[k * n + i] * Linv[k * n + j];
  }
  return out;
}

test('the ML fit matches S on the pattern: (Λ⁻¹)ᵢⱼ = Sᵢⱼ, checked with a dense inverse', () => {
  for (const connectivity of [4, 8] as const) {
    const grid = gridStructure(6, 6, connectivity);
    const n = 300;
    const X = sampleByCholesky(knownSparsePrecision(grid, 3), new Float64Array(D), n, 4);
    const S = secondMomentDense(X, n, D);
    const fit = fitMaxLikelihoodDense(S, grid);
    assert.ok(fit.converged, `relative gradient ${fit.relativeGradient}`);
    const Z = denseInverse(toDense(fit.precision), D);
    const onPattern = toDense(
      projectDense(
        Z.map((z, k) => z - S[k]),
        grid,
      ),
    );
    let worst = 0;
    let largest = 0;
    for (let k = 0; k < D * D; k++) worst = Math.max(worst, Math.abs(onPattern[k]));
    for (let i = 0; i < D; i++) largest = Math.max(largest, S[i * D + i]);
    assert.ok(worst < 1e-8 * largest, `${connectivity}-connected: max |Λ⁻¹ − S| on the pattern ${worst}`);
    assert.ok(Math.abs(fit.maxPatternGap - worst) < 1e-9 * largest, `reported gap ${fit.maxPatternGap}, dense ${worst}`);
    // Off the pattern Λ⁻¹ is free: it is not S (the fit is no full-covariance Gaussian).
    assert.ok(Math.abs(Z[0 * D + 2] - S[0 * D + 2]) > 1e-4);
  }
});

test('when S is the inverse of a pattern-sparse Λ*, the ML fit returns Λ*', () => {
  const fit = fitMaxLikelihoodDense(denseInverse(toDense(truth), D), structure);
  assert.ok(fit.converged);
  assert.ok(relativeFrobeniusError(fit.precision, truth) < 1e-9, `error ${relativeFrobeniusError(fit.precision, truth)}`);
});

test('on samples from Λ*, the ML fit has the highest training log-likelihood: above SM and above Λ* itself', () => {
  const n = 400;
  const X = sampleByCholesky(truth, new Float64Array(D), n, 5);
  // Both fits from the float64 local moments of the rows, so that ℓ recomputed from the rows agrees.
  const ml = fitMaxLikelihoodFromData(X, n, structure);
  const sm = fitScoreMatchingExactFromData(X, n, structure).precision;
  assert.ok(choleskyOfPrecision(sm).ok);
  const [llMl, llSm, llTruth] = [ml.precision, sm, truth].map((p) => gaussianLogLikelihood(p, X, n));
  assert.ok(Math.abs(ml.logLikelihood - llMl) < 1e-9 * Math.abs(llMl), `reported ${ml.logLikelihood}, recomputed ${llMl}`);
  // Measured: ML −40.1533, SM −40.1580, Λ* −40.3331 nats per row.
  assert.ok(llMl > llSm && llMl > llTruth, `ML ${llMl}, SM ${llSm}, truth ${llTruth}`);
  // A small move along any pattern direction lowers it (a maximum, not only a stationary point).
  const rng = createRng(6);
  for (let trial = 0; trial < 5; trial++) {
    const moved = ml.precision.values.map((v) => v + 1e-3 * rng.normal());
    const llMoved = gaussianLogLikelihood(createPrecision(structure, moved), X, n);
    assert.ok(llMoved < llMl, `trial ${trial}: ${llMoved} ≥ ${llMl}`);
  }
});

test('the ML error against Λ* falls like 1/√N (a factor near 2 per 4× N)', () => {
  const X = sampleByCholesky(truth, new Float64Array(D), 32000, 7);
  const errorAt = (n: number) => relativeFrobeniusError(fitMaxLikelihoodFromData(X.subarray(0, n * D), n, structure).precision, truth);
  const errors = [500, 2000, 8000, 32000].map(errorAt);
  // Measured at this seed: 0.118, 0.064, 0.033, 0.016.
  for (let k = 1; k < errors.length; k++) {
    const ratio = errors[k - 1] / errors[k];
    assert.ok(ratio > 1.4 && ratio < 2.9, `errors ${errors}: ratio ${ratio} at step ${k}`);
  }
  const geometric = Math.pow(errors[0] / errors[3], 1 / 3);
  assert.ok(geometric > 1.7 && geometric < 2.3, `errors ${errors}: mean ratio ${geometric}`);
});

test('the ML fit commutes with rescaling pixels: fitting diag(a) S diag(a) gives diag(a)⁻¹ Λ̂ diag(a)⁻¹', () => {
  const n = 300;
  const X = sampleByCholesky(truth, new Float64Array(D), n, 8);
  const S = secondMomentDense(X, n, D);
  const a = Float64Array.from({ length: D }, (_, i) => 0.1 + 0.05 * i);
  const scaled = S.map((v, k) => v * a[Math.floor(k / D)] * a[k % D]);
  const raw = fitMaxLikelihoodDense(S, structure).precision;
  const back = scaleSymmetric(fitMaxLikelihoodDense(scaled, structure).precision, a);
  assert.ok(relativeFrobeniusError(back, raw) < 1e-8, `difference ${relativeFrobeniusError(back, raw)}`);
});

test('the ML fit from data rows equals the fit from the dense second moment', () => {
  const n = 300;
  const X = sampleByCholesky(truth, new Float64Array(D), n, 9);
  const fromRows = fitMaxLikelihood(localFromData(X, n, structure)).precision;
  const fromDense = fitMaxLikelihood(localFromDense(secondMomentDense(X, n, D), structure)).precision;
  assert.ok(relativeFrobeniusError(fromRows, fromDense) < 1e-6);
});

test('bad input to the ML fit gets a clear error', () => {
  const S = denseInverse(toDense(truth), D);
  assert.throws(() => fitMaxLikelihoodDense(S.subarray(0, D * D - 1), structure), /expected a 36×36 second moment \(1296 values\).*got 1295/);
  const indefinite = S.slice();
  indefinite[7 * D + 7] = -1;
  assert.throws(() => fitMaxLikelihoodDense(indefinite, structure), /second moment is not positive definite \(Cholesky pivot 7/);
  // The local form sees only the pattern: a zero variance, or neighbours "more than perfectly" correlated.
  const local = localFromDense(S, structure);
  const K = local.neighbourhoods.slots;
  const zero = { ...local, blocks: local.blocks.slice() };
  zero.blocks[3 * K * K] = 0;
  assert.throws(() => fitMaxLikelihood(zero), /second moment of pixel 3 is 0, expected a finite value > 0/);
  const tooCorrelated = { ...local, blocks: local.blocks.slice() };
  tooCorrelated.blocks[0 * K * K + 1] = 10;
  assert.throws(() => fitMaxLikelihood(tooCorrelated), /S on pixels 0 and 1 is not positive definite/);
});

test('the banded inverse derivative equals −(A⁻¹ dA A⁻¹) in the band and matches finite differences', () => {
  const n = 12;
  const b = 3;
  const rng = createRng(10);
  const A = createBanded(n, b);
  const dA = createBanded(n, b);
  const w = b + 1;
  for (let i = 0; i < n; i++) {
    for (let d = 0; d <= Math.min(b, i); d++) {
      A.band[i * w + d] = d === 0 ? 4 + rng.uniform() : 0.5 * (rng.uniform() - 0.5);
      dA.band[i * w + d] = rng.normal();
    }
  }
  const factor = bandedCholesky(A).factor!;
  const dZ = bandedInverseDirection(factor, bandedInverse(factor), dA);
  const dense = (m: typeof A) => {
    const out = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let d = 0; d <= Math.min(b, i); d++) out[i * n + i - d] = out[(i - d) * n + i] = m.band[i * w + d];
    return out;
  };
  const Z = denseInverse(dense(A), n);
  const dAd = dense(dA);
  const h = 1e-6;
  const plus = bandedInverse(bandedCholesky({ ...A, band: A.band.map((v, k) => v + h * dA.band[k]) }).factor!);
  const minus = bandedInverse(bandedCholesky({ ...A, band: A.band.map((v, k) => v - h * dA.band[k]) }).factor!);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d <= Math.min(b, i); d++) {
      const j = i - d;
      let exact = 0;
      for (let k = 0; k < n; k++) for (let l = 0; l < n; l++) exact -= Z[i * n + k] * dAd[k * n + l] * Z[l * n + j];
      const got = dZ.band[i * w + d];
      assert.ok(Math.abs(got - exact) < 1e-12, `(${i}, ${j}): ${got} vs ${exact}`);
      const fd = (plus.band[i * w + d] - minus.band[i * w + d]) / (2 * h);
      assert.ok(Math.abs(got - fd) < 1e-7, `(${i}, ${j}): ${got} vs finite difference ${fd}`);
    }
  }
});
