import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { chooseBackend } from '../../lib/backend';
import { demFromArrays } from '../../lib/dem/model';
import { createRng } from '../../lib/random';
import { D, PatchInputs } from '../../lib/experiments/04-dem-samples/inputs';
import {
  kurtosisQuantiles,
  principalHoldout,
  principalToPixels,
  responseKurtosis,
  sparsenessSentence,
  SPARSE_KURTOSIS,
} from '../../lib/experiments/04-dem-samples/principal-samples';
import { chainStarts, runChains, patchStatistics } from '../../lib/experiments/04-dem-samples/sampling';

before(async () => {
  await chooseBackend();
});

/**
 * Patch inputs whose covariance has a signed permutation for eigenvectors (column k is ±e_{π(k)}) and
 * eigenvalues 1..D ascending: every map through the principal coordinates can then be written out by hand.
 */
function permutedInputs(holdoutRows: number): { inputs: PatchInputs; pixelOf: number[]; sign: number[] } {
  const rng = createRng(3);
  const pixelOf = Array.from({ length: D }, (_, k) => k);
  for (let k = D - 1; k > 0; k--) {
    const j = rng.int(k + 1);
    [pixelOf[k], pixelOf[j]] = [pixelOf[j], pixelOf[k]];
  }
  const sign = pixelOf.map(() => (rng.uniform() < 0.5 ? -1 : 1));
  const values = Float64Array.from({ length: D }, (_, k) => k + 1);
  const vectors = new Float64Array(D * D);
  pixelOf.forEach((p, k) => (vectors[p * D + k] = sign[k]));
  const dewhitening = new Float64Array(D * D);
  pixelOf.forEach((p, k) => (dewhitening[p * D + p] = Math.sqrt(values[k])));
  const holdout = Float32Array.from({ length: holdoutRows * D }, () => rng.normal());
  const mean = Float32Array.from({ length: D }, (_, i) => 0.5 + 0.001 * i);
  const inputs: PatchInputs = {
    whitened: { train: new Float32Array(0), holdout },
    raw: { train: new Float32Array(0), holdout: new Float32Array(0) },
    mean,
    dewhitening,
    principal: { values: [], vectors: [] },
    eigen: { values, vectors },
    nTrain: 0,
    nHoldout: holdoutRows,
  };
  return { inputs, pixelOf, sign };
}

test('a patch taken to k principal coordinates and back to pixels keeps its k leading components, de-whitened, plus the mean', async () => {
  const { inputs, pixelOf, sign } = permutedInputs(3);
  for (const k of [D, 40]) {
    const z = await principalHoldout(inputs, k, 3);
    assert.equal(z.length, 3 * k);
    // The i-th coordinate is the (D − 1 − i)-th eigenvector's: ±(the whitened value at its pixel).
    for (let r = 0; r < 3; r++) {
      for (let i = 0; i < k; i++) {
        const column = D - 1 - i;
        const expected = sign[column] * inputs.whitened.holdout[r * D + pixelOf[column]];
        assert.ok(Math.abs(z[r * k + i] - expected) < 1e-5, `row ${r}, coordinate ${i}: ${z[r * k + i]} against ${expected}`);
      }
    }
    const pixels = principalToPixels(z, inputs, k);
    const kept = new Set(Array.from({ length: k }, (_, i) => pixelOf[D - 1 - i]));
    for (let r = 0; r < 3; r++) {
      for (let column = 0; column < D; column++) {
        const p = pixelOf[column];
        const whitened = kept.has(p) ? inputs.whitened.holdout[r * D + p] : 0;
        const expected = Math.sqrt(column + 1) * whitened + inputs.mean[p];
        assert.ok(Math.abs(pixels[r * D + p] - expected) < 1e-4, `k = ${k}, row ${r}, pixel ${p}: ${pixels[r * D + p]} against ${expected}`);
      }
    }
  }
  await assert.rejects(principalHoldout(inputs, 10, 4), /n must be a whole number in 1\.\.3, got 4/);
});

test("the responses' excess kurtosis is −2 for a two-point law, near 0 for Gaussian rows and near 3 for Laplace rows", () => {
  // Two filters on two inputs: e₁ and (e₁ + e₂)/√2.
  const model = demFromArrays(
    { inputs: 2, features: 2, units: 1, sigma: 1 },
    { V: Float32Array.of(1, 0, Math.SQRT1_2, Math.SQRT1_2), W: Float32Array.of(1, 1), b: new Float32Array(2), c: new Float32Array(1) },
  );
  try {
    // ±1 on the first input, 0 on the second: the first filter sees a symmetric two-point law, E a⁴ / (E a²)² − 3 = −2.
    const twoPoint = Float32Array.from({ length: 2 * 100 }, (_, i) => (i % 2 === 0 ? (i % 4 === 0 ? 1 : -1) : 0));
    assert.ok(Math.abs(responseKurtosis(model, twoPoint)[0] + 2) < 1e-9);
    const rng = createRng(9);
    const n = 200000;
    const gaussian = Float32Array.from({ length: 2 * n }, () => rng.normal());
    // Laplace(0, 1) by the inverse CDF; a sum of two independent Laplace values has excess kurtosis 3/2.
    const laplace = Float32Array.from({ length: 2 * n }, () => {
      const u = rng.uniform() - 0.5;
      return -Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
    });
    const [g1, g2] = responseKurtosis(model, gaussian);
    const [l1, l2] = responseKurtosis(model, laplace);
    for (const g of [g1, g2]) assert.ok(Math.abs(g) < 0.06, `Gaussian: ${g}`);
    assert.ok(Math.abs(l1 - 3) < 0.25, `Laplace: ${l1}`);
    assert.ok(Math.abs(l2 - 1.5) < 0.15, `sum of two Laplace: ${l2}`);
    assert.throws(() => responseKurtosis(model, new Float32Array(2 * 5)), /filter 0 gives the same response to every row/);
    assert.throws(() => responseKurtosis(model, new Float32Array(3)), /at least 2 whole rows of 2 values/);
  } finally {
    model.dispose();
  }
});

test('chains run on a model with fewer inputs than a patch has pixels: states, starts and statistics take its input count', async () => {
  const k = 5;
  // No network (W = 0): the model is N(0, I_k) plus a constant.
  const model = demFromArrays(
    { inputs: k, features: 2, units: 2, sigma: 1 },
    { V: new Float32Array(2 * k), W: new Float32Array(4), b: new Float32Array(k), c: new Float32Array(2) },
  );
  try {
    const holdout = Float32Array.from({ length: 4 * k }, (_, i) => Math.sin(i));
    const starts = chainStarts(holdout, 4, 1, 7, k);
    assert.equal(starts.length, 8 * k);
    assert.deepEqual(Array.from(starts.subarray(4 * k)), Array.from(holdout));
    assert.throws(() => chainStarts(holdout, 5, 1, 7, k), /5 data-started chains need 5 hold-out rows of 5, got 4/);
    const settings = { chainsPerStart: 4, steps: 40, initialStepSize: 0.3, burnIn: 10, targetAcceptance: 0.57, seed: 2 };
    const run = await runChains(model, starts, 'mala', settings, 0.3, 'test');
    assert.equal(run.fromNoise.length, 4 * k);
    assert.equal(run.fromData.length, 4 * k);
    assert.equal(run.result.samples.length, 8 * k);
    // log p̃ of N(0, I) up to its constant: −‖z‖²/2 + Σ softplus(0) = −‖z‖²/2 + 2 ln 2.
    const stats = patchStatistics(model, holdout);
    let expected = 0;
    for (let r = 0; r < 4; r++) {
      const row = holdout.subarray(r * k, (r + 1) * k);
      expected += (-row.reduce((a, v) => a + v * v, 0) / 2 + 2 * Math.LN2) / 4;
    }
    assert.ok(Math.abs(stats.final_logp_mean - expected) < 1e-4, `${stats.final_logp_mean} against ${expected}`);
  } finally {
    model.dispose();
  }
});

test('the sparseness sentence follows the medians: Gaussian-like below the threshold, sparse above it, and says when the patches are far sparser', () => {
  const at = (q50: number) => ({ q10: q50, q25: q50, q50, q75: q50, q90: q50 });
  assert.match(sparsenessSentence(at(0.14), at(15), at(0)), /0\.14 for the samples, 15\.00 for the hold-out patches.*as a Gaussian would/);
  assert.match(sparsenessSentence(at(SPARSE_KURTOSIS + 0.5), at(15), at(0)), /respond sparsely, but less so than the patches/);
  assert.match(sparsenessSentence(at(10), at(15), at(0)), /about as sparsely as the patches/);
});

test('kurtosis quantiles are taken over the filters of each set', () => {
  const model = demFromArrays(
    { inputs: 1, features: 3, units: 1, sigma: 1 },
    { V: Float32Array.of(1, 2, -1), W: Float32Array.of(1, 1, 1), b: new Float32Array(1), c: new Float32Array(1) },
  );
  try {
    // Every filter is a multiple of the one input, so all three see the two-point law: every quantile is −2.
    const twoPoint = Float32Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? 1 : -1));
    const q = kurtosisQuantiles(model, { 'two-point': twoPoint })['two-point'];
    for (const value of [q.q10, q.q50, q.q90]) assert.ok(Math.abs(value + 2) < 1e-9);
  } finally {
    model.dispose();
  }
});
