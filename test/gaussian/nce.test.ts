import { test } from 'node:test';
import type { ProgressEvent } from '../../lib/progress';
import assert from 'node:assert/strict';
import { chooseBackend } from '../../lib/backend';
import { gridStructure, parameterCount } from '../../lib/gaussian/model/structure';
import { diagonalPrecision, relativeFrobeniusError } from '../../lib/gaussian/model/precision';
import { secondMomentDense } from '../../lib/data/moments';
import { fitNce, fitNceFullBatch, nceClassification, nceLossAndGradient } from '../../lib/gaussian/contrastive/nce';
import { prepareNce } from '../../lib/gaussian/contrastive/nce-noise';
import { exactLogNormaliser } from '../../lib/gaussian/model/likelihood';
import { chooseEpsilon, cnceLossAndGradient, cnceSample, fitCnce, fitCnceFullBatch, fitCnceSample } from '../../lib/gaussian/contrastive/cnce';
import { LogisticBlock, logisticMargins, logisticSampleLoss } from '../../lib/gaussian/contrastive/logistic-loss';
import { groundTruthStudy } from '../../lib/experiments/01-mnist-gaussian/ground-truth';
import { knownSparsePrecision } from '../../lib/gaussian/model/known-precision';
import { sampleByCholesky } from '../../lib/gaussian/model/sampling';
import { createRng } from '../../lib/random';
import { localFromData } from '../../lib/gaussian/model/local-moments';
import { bestRidge, ridgedLocal } from '../../lib/gaussian/score-matching/validated';
import { fitCnceWithSmRidge, ridgeLadder } from '../../lib/experiments/01-mnist-gaussian/cnce-ridge';
import { fitScoreMatchingLocal } from '../../lib/gaussian/score-matching/exact';

const structure = gridStructure(5, 5, 8);
const D = structure.size;
const truth = knownSparsePrecision(structure, 1);
const data = sampleByCholesky(truth, new Float64Array(D), 8000, 4);
const RIDGE = 1e-3;

function noiseCovariance(n: number): Float64Array {
  const S = secondMomentDense(data.subarray(0, n * D), n, D);
  for (let i = 0; i < D; i++) S[i * D + i] += RIDGE;
  return S;
}

test('the NCE loss is 2 ln 2 when the model equals the noise and ν = 1', async () => {
  await chooseBackend();
  const variances = Float64Array.from({ length: D }, (_, i) => 0.5 + i / D);
  const covariance = new Float64Array(D * D);
  variances.forEach((v, i) => (covariance[i * D + i] = v));
  const problem = prepareNce(data.subarray(0, 500 * D), 500, covariance, 500, 1);
  const model = diagonalPrecision(
    structure,
    variances.map((v) => 1 / v),
  );
  const theta = Float64Array.from([...model.values, 0]);
  const rows = Int32Array.from({ length: 500 }, (_, i) => i);
  const { terms } = nceLossAndGradient(problem, structure, 1, exactLogNormaliser(model), theta, rows, rows);
  assert.ok(Math.abs(terms.total - 2 * Math.LN2) < 1e-5, `loss ${terms.total}`);
  assert.ok(Math.abs(terms['data term'] - Math.LN2) < 1e-5);
  const classification = nceClassification(problem, model, exactLogNormaliser(model), 1);
  assert.ok(Math.abs(classification.loss - 2 * Math.LN2) < 1e-5, `loss over all rows ${classification.loss}`);
  assert.ok(Math.abs(classification.medianDataG) < 1e-5 && Math.abs(classification.medianNoiseG) < 1e-5);
});

test('NCE and cNCE gradients match finite differences', async () => {
  await chooseBackend();
  const problem = prepareNce(data.subarray(0, 200 * D), 200, noiseCovariance(200), 400, 2);
  const rng = createRng(3);
  const P = parameterCount(structure);
  const theta = Float64Array.from({ length: P + 1 }, (_, j) => (j < D ? 1.5 + 0.2 * rng.uniform() : j < P ? -0.1 * rng.uniform() : 0.01));
  const dataRows = Int32Array.from({ length: 200 }, (_, i) => i);
  const noiseRows = Int32Array.from({ length: 400 }, (_, i) => i);
  const nce = (t: Float64Array) => nceLossAndGradient(problem, structure, 2, -20, t, dataRows, noiseRows);
  const cnce = (t: Float64Array) => cnceLossAndGradient(t, data, dataRows, 0.3, structure, createRng(9));
  for (const [f, at] of [
    [nce, theta],
    [cnce, theta.subarray(0, P).slice()],
  ] as const) {
    const gradient = f(at).gradient;
    for (const j of [0, 11, D, D + 17, P - 1]) {
      const h = 1e-6;
      const plus = at.slice();
      plus[j] += h;
      const minus = at.slice();
      minus[j] -= h;
      const fd = (f(plus).terms.total - f(minus).terms.total) / (2 * h);
      assert.ok(Math.abs(fd - gradient[j]) < 1e-6 + 1e-5 * Math.abs(fd), `parameter ${j}: ${fd} vs ${gradient[j]}`);
    }
  }
});

test('NCE recovers a known sparse precision, better with more data, and learns log Z', async () => {
  await chooseBackend();
  const errors: number[] = [];
  const gaps: number[] = [];
  for (const n of [1000, 8000]) {
    const problem = prepareNce(data.subarray(0, n * D), n, noiseCovariance(n), 10 * n, 4);
    const fit = fitNce(problem, structure, { nu: 10, steps: 1500, batchSize: 100, learningRate: 0.05, finalLearningRate: 5e-4, seed: 5 });
    errors.push(relativeFrobeniusError(fit.precision, truth));
    gaps.push(Math.abs(fit.logNormaliser - fit.exactLogNormaliser));
    assert.equal(fit.status.status, 'trained', `n = ${n}: ${JSON.stringify(fit.convergence)}`);
    if (n === 8000) {
      // A tenth of the steps stops at twice the error (0.17), and the convergence test sees it: the
      // full-sample gradient left is larger than 8,000 rows' noise allows.
      const short = fitNce(problem, structure, { nu: 10, steps: 150, batchSize: 100, learningRate: 0.05, finalLearningRate: 5e-4, seed: 5 });
      assert.ok(relativeFrobeniusError(short.precision, truth) > 2 * errors[1]);
      assert.equal(short.status.status, 'not converged', JSON.stringify(short.convergence));
    }
  }
  // Measured at these seeds: errors 0.088 → 0.033, |c − exact| 0.038 → 0.006 nats.
  assert.ok(errors[1] < errors[0] && errors[1] < 0.06, `errors ${errors}`);
  assert.ok(gaps[1] < 0.05, `log Z gaps ${gaps}`);
});

test('cNCE recovers a known sparse precision, with ε set by the rule', async () => {
  await chooseBackend();
  const start = diagonalPrecision(structure, new Float64Array(D).fill(1));
  const choice = chooseEpsilon(data, 8000, structure, start, 5);
  const last = choice.trace[choice.trace.length - 1].loss;
  assert.ok(last >= 0.5 * Math.LN2 && last <= 0.9 * Math.LN2, `final rule loss ${last}`);
  // The rule scores each ε by the loss alone; it is the number the loss-and-gradient pass gives on the same pairs.
  const rulePairs = Int32Array.from({ length: 1000 }, (_, i) => i);
  for (const { epsilon, loss } of choice.trace) {
    assert.equal(loss, cnceLossAndGradient(start.values, data, rulePairs, epsilon, structure, createRng(5)).terms.total, `ε = ${epsilon}`);
  }
  const errors = [1000, 8000].map((n) => {
    const fit = fitCnce(data.subarray(0, n * D), n, structure, { steps: 1500, batchSize: 100, learningRate: 0.05, finalLearningRate: 5e-4, seed: 5 });
    assert.equal(fit.status.status, 'trained', `n = ${n}: ${JSON.stringify(fit.convergence)}`);
    return relativeFrobeniusError(fit.precision, truth);
  });
  // Measured at these seeds: 0.108 → 0.054.
  assert.ok(errors[1] < errors[0] && errors[1] < 0.09, `errors ${errors}`);
});

test('the full-batch sample loss is the minibatch NCE loss over every row, and its gradient matches finite differences', async () => {
  await chooseBackend();
  const n = 300;
  const problem = prepareNce(data.subarray(0, n * D), n, noiseCovariance(n), 2 * n, 8);
  const P = parameterCount(structure);
  const rng = createRng(10);
  const theta = Float64Array.from({ length: P + 1 }, (_, j) => (j < D ? 1.2 + 0.3 * rng.uniform() : j < P ? -0.1 * rng.uniform() : 0.002));
  const c0 = -15;
  const all = (count: number) => Int32Array.from({ length: count }, (_, i) => i);
  const blocks: LogisticBlock[] = [
    { images: problem.data, index: all(n), offset: problem.dataNoiseLogDensity.map((b) => c0 - b - Math.log(2)), sign: 1, weight: 1 / n },
    { images: problem.noise, index: all(2 * n), offset: problem.noiseLogDensity.map((b) => c0 - b - Math.log(2)), sign: -1, weight: 1 / n },
  ];
  const full = logisticSampleLoss(theta, blocks, structure, D);
  const minibatch = nceLossAndGradient(problem, structure, 2, c0, theta, all(n), all(2 * n));
  assert.ok(Math.abs(full.value - minibatch.terms.total) < 1e-6 * Math.abs(full.value), `${full.value} vs ${minibatch.terms.total}`);
  // A cNCE-style block (noisy partners, no offset) exercises the partner terms as well.
  const partners = Float32Array.from(problem.data.subarray(0, 50 * D), (v) => v + 0.3 * rng.normal());
  const withPairs = [...blocks, { images: problem.data, index: all(50), partners, sign: 1, weight: 1 / 50 }];
  const gradient = logisticSampleLoss(theta, withPairs, structure, D).gradient;
  for (const j of [0, 13, D + 3, P - 1, P]) {
    const h = 1e-6;
    const plus = theta.slice();
    plus[j] += h;
    const minus = theta.slice();
    minus[j] -= h;
    const fd = (logisticSampleLoss(plus, withPairs, structure, D).value - logisticSampleLoss(minus, withPairs, structure, D).value) / (2 * h);
    assert.ok(Math.abs(fd - gradient[j]) < 1e-5 + 1e-4 * Math.abs(fd), `parameter ${j}: ${fd} vs ${gradient[j]}`);
  }
});

test('a block of antithetic couples scores exactly its two explicit partners x ± d, margins, loss and gradient', () => {
  const P = parameterCount(structure);
  const rng = createRng(14);
  const count = 40;
  const images = data.subarray(0, count * D);
  const index = Int32Array.from({ length: count }, (_, i) => (7 * i) % count);
  const couples = Float64Array.from({ length: count * D }, () => 0.2 * rng.normal());
  // The same couples written out as partners, in float64 so that both sides see the same numbers.
  const partners = new Float64Array(2 * count * D);
  const twice = new Int32Array(2 * count);
  for (let r = 0; r < count; r++) {
    twice[2 * r] = twice[2 * r + 1] = index[r];
    for (let i = 0; i < D; i++) {
      partners[2 * r * D + i] = images[index[r] * D + i] + couples[r * D + i];
      partners[(2 * r + 1) * D + i] = images[index[r] * D + i] - couples[r * D + i];
    }
  }
  const offset = Float64Array.from({ length: count }, () => rng.normal());
  const theta = Float64Array.from({ length: P + 1 }, (_, j) => (j < D ? 1 + 0.3 * rng.uniform() : j < P ? 0.1 * rng.normal() : 0.4));
  for (const sign of [1, -1]) {
    const asCouples: LogisticBlock[] = [{ images, index, couples, offset, sign, weight: 1 / (2 * count) }];
    const asPartners: LogisticBlock[] = [
      { images, index: twice, partners, offset: Float64Array.from(twice, (_, k) => offset[k >> 1]), sign, weight: 1 / (2 * count) },
    ];
    const [a, b] = [logisticSampleLoss(theta, asCouples, structure, 3), logisticSampleLoss(theta, asPartners, structure, 3)];
    assert.ok(Math.abs(a.value - b.value) < 1e-10, `sign ${sign}: loss ${a.value} vs ${b.value}`);
    const scale = Math.max(...b.gradient.map(Math.abs));
    a.gradient.forEach((g, j) => assert.ok(Math.abs(g - b.gradient[j]) < 1e-10 * scale, `sign ${sign}, parameter ${j}: ${g} vs ${b.gradient[j]}`));
    const [za, zb] = [logisticMargins(theta, asCouples, structure, 3)[0], logisticMargins(theta, asPartners, structure, 3)[0]];
    assert.equal(za.length, 2 * count);
    za.forEach((z, k) => assert.ok(Math.abs(z - zb[k]) < 1e-9, `margin ${k}: ${z} vs ${zb[k]}`));
  }
});

test('full-batch NCE reaches the minimiser of its sample loss: no random direction lowers it', async () => {
  await chooseBackend();
  const n = 2000;
  const problem = prepareNce(data.subarray(0, n * D), n, noiseCovariance(n), 5 * n, 11);
  const init = diagonalPrecision(structure, new Float64Array(D).fill(1));
  const fit = fitNceFullBatch(problem, structure, { init });
  assert.ok(fit.converged && fit.relativeGradient <= 1e-6, `relative gradient ${fit.relativeGradient}`);
  const P = parameterCount(structure);
  const c0 = exactLogNormaliser(init);
  const all = (count: number) => Int32Array.from({ length: count }, (_, i) => i);
  const lossAt = (theta: Float64Array) => nceLossAndGradient(problem, structure, 5, c0, theta, all(n), all(5 * n)).terms.total;
  const best = Float64Array.from([...fit.precision.values, fit.extras[0]]);
  const rng = createRng(12);
  for (let k = 0; k < 5; k++) {
    const direction = Float64Array.from({ length: P + 1 }, () => rng.normal());
    const step = 1e-2 / Math.hypot(...direction);
    assert.ok(
      lossAt(best.map((v, i) => v + step * direction[i])) > fit.loss && lossAt(best.map((v, i) => v - step * direction[i])) > fit.loss,
      `direction ${k}`,
    );
  }
  // Measured at these seeds: error 0.069, c − exact log-normaliser 0.027 nats.
  assert.ok(relativeFrobeniusError(fit.precision, truth) < 0.1, `error ${relativeFrobeniusError(fit.precision, truth)}`);
  assert.ok(Math.abs(fit.logNormaliser - fit.exactLogNormaliser) < 0.06, `log Z gap ${fit.logNormaliser - fit.exactLogNormaliser}`);
});

test('full-batch cNCE recovers a known precision; its partners come in antithetic couples, so κ must be even', async () => {
  await chooseBackend();
  const init = diagonalPrecision(structure, new Float64Array(D).fill(1));
  const errors = [1000, 8000].map((n) => {
    const fit = fitCnceFullBatch(data.subarray(0, n * D), n, structure, { init, kappa: 10, seed: 13 });
    assert.ok(fit.converged, `N = ${n}: relative gradient ${fit.relativeGradient}`);
    return relativeFrobeniusError(fit.precision, truth);
  });
  // Measured at these seeds: 0.180 → 0.053.
  assert.ok(errors[1] < 0.7 * errors[0] && errors[1] < 0.08, `errors ${errors}`);
  assert.throws(
    () => fitCnceFullBatch(data.subarray(0, 100 * D), 100, structure, { init, kappa: 3, seed: 13 }),
    /kappa must be a positive even integer.*got 3/,
  );
});

test('on an 8×8 ground truth every estimator improves with N, and NCE with ν = 10 beats ν = 1', async () => {
  await chooseBackend();
  const progress: ProgressEvent[] = [];
  const onProgress = (event: ProgressEvent) => progress.push(event);
  const study = groundTruthStudy(knownSparsePrecision(gridStructure(8, 8, 4), 7), {
    sizes: [500, 2000],
    nus: [1, 10],
    noiseRidge: 1e-3,
    kappa: 10,
    seed: 41,
    adaptive: { nu: 1, tolerance: 1e-4 },
    onProgress,
  });
  // sm, ml, nce-adaptive, nce-nu1, nce-nu10, cnce at two sizes: twelve fits, each reported once, then the end.
  assert.deepEqual(
    progress.map((e) => [e.done, e.total, e.final]),
    [...Array.from({ length: 12 }, (_, i) => [i + 1, 12, false]), [12, 12, true]],
  );
  assert.ok(
    progress.every((e) => e.label === 'ground truth 8×8: fits'),
    progress[0].label,
  );
  // Measured at these seeds: sm 0.106 → 0.049, NCE ν = 1 0.281 → 0.089, ν = 10 0.149 → 0.051,
  // cNCE 0.291 → 0.141; every fit converged, λ_min ≥ 0.25.
  for (const [method, r] of Object.entries(study.methods)) {
    assert.ok(r.rel_frobenius_error[1] < 0.7 * r.rel_frobenius_error[0], `${method}: ${r.rel_frobenius_error}`);
    assert.deepEqual(r.converged, [true, true], method);
    r.min_eigenvalue.forEach((m) => assert.ok(m > 0.1, `${method}: λ_min ${m}`));
  }
  // The informative NCE's fixed point is the ML fit up to the Monte Carlo error of m = νN model draws,
  // so its error exceeds the reference's by about √(1 + 1/ν) = √2 (see nce-informative.ts).
  study.methods['nce-adaptive'].rel_frobenius_error.forEach((e, i) => {
    const ml = study.methods.ml.rel_frobenius_error[i];
    assert.ok(e > ml && e < 2 * ml, `N = ${study.methods.ml.n[i]}: nce-adaptive ${e}, ml ${ml}`);
  });
  const [nu1, nu10] = [study.methods['nce-nu1'], study.methods['nce-nu10']];
  nu10.rel_frobenius_error.forEach((e, i) =>
    assert.ok(e < 0.8 * nu1.rel_frobenius_error[i], `N = ${nu1.n[i]}: ν = 10 ${e}, ν = 1 ${nu1.rel_frobenius_error[i]}`),
  );
  // The noise fitted to the same rows overrates them as the Wishart expectation says (measured: 2.190
  // vs 2.176 at N = 500, 0.521 vs 0.526 at N = 2,000).
  study.noiseExcess.measured_nats.forEach((m, i) =>
    assert.ok(
      Math.abs(m - study.noiseExcess.expected_nats[i]) < 0.1 * study.noiseExcess.expected_nats[i],
      `N = ${study.noiseExcess.n[i]}: ${m} vs ${study.noiseExcess.expected_nats[i]}`,
    ),
  );
});

test('the ground truth runs each estimator at its own sizes, and refuses sizes it does not draw', async () => {
  const truth = knownSparsePrecision(gridStructure(6, 6, 4), 7);
  const base = { sizes: [300, 1200], nus: [1], noiseRidge: 1e-3, kappa: 2, seed: 41, adaptive: { nu: 1, tolerance: 1e-4 } };
  const study = groundTruthStudy(truth, { ...base, estimators: ['sm', 'nce-adaptive'], estimatorSizes: { 'nce-adaptive': [1200] } });
  assert.deepEqual(study.methods.sm.n, [300, 1200]);
  assert.deepEqual(study.methods['nce-adaptive'].n, [1200]);
  assert.deepEqual(study.methods['nce-adaptive'].converged, [true]);
  assert.throws(
    () => groundTruthStudy(truth, { ...base, estimatorSizes: { ml: [600] } }),
    /estimatorSizes\.ml has sizes 600 that are not in sizes \(300, 1200\)/,
  );
  assert.throws(() => groundTruthStudy(truth, { ...base, adaptive: undefined, estimators: ['nce-adaptive'] }), /nce-adaptive needs settings\.adaptive/);
});

test('when too few pairs pin Λ down, full-batch cNCE stops at the edge of the cone and says so', async () => {
  await chooseBackend();
  const small = gridStructure(8, 8, 4);
  const study = groundTruthStudy(knownSparsePrecision(small, 7), {
    sizes: [500],
    nus: [],
    noiseRidge: 1e-3,
    kappa: 2,
    seed: 41,
    estimators: ['cnce'],
    maxIterations: 200,
  });
  // 1,000 pairs for 176 values: the sample loss keeps falling towards a singular Λ, and the fit stops
  // once λ_min < 1e-3 (measured: λ_min 4.2e-4 after 8 iterations, error 0.47; followed further,
  // λ_min reached 1e-16 after 200 iterations).
  assert.deepEqual(study.methods.cnce.converged, [false]);
  assert.deepEqual(study.methods.cnce.status, ['cone edge']);
  assert.ok(study.methods.cnce.min_eigenvalue[0] < 1e-3, `λ_min ${study.methods.cnce.min_eigenvalue[0]}`);
});

test('training that meets NaN stops with an error naming estimator, step and term', async () => {
  await chooseBackend();
  const broken = data.slice(0, 100 * D);
  broken[5] = Number.NaN;
  const problem = prepareNce(broken, 100, noiseCovariance(100), 100, 6);
  assert.throws(
    () => fitNce(problem, structure, { nu: 1, steps: 10, batchSize: 100, learningRate: 0.01, finalLearningRate: 0.01, seed: 7 }),
    /NCE \(8-connected, ν = 1\): step 0: (data term|loss) is NaN/,
  );
  assert.throws(() => fitCnce(broken, 100, structure, { steps: 10, batchSize: 100, learningRate: 0.01, finalLearningRate: 0.01, seed: 7 }), /cNCE|ε rule/);
});

test("cNCE with SM's ridge lands next to SM's ridge fit, as its leading order says, and the ridge is checked", async () => {
  await chooseBackend();
  const init = diagonalPrecision(structure, new Float64Array(D).fill(1));
  const local = localFromData(data, 8000, structure);
  for (const gamma of [0.5, 2]) {
    const sm = fitScoreMatchingLocal(ridgedLocal(local, gamma), {});
    const fit = fitCnceFullBatch(data, 8000, structure, { init, kappa: 2, seed: 13, ridge: gamma });
    assert.ok(fit.converged && fit.status.status === 'trained', `γ = ${gamma}: ${fit.stop}, ${fit.status.status}`);
    assert.equal(fit.ridge, gamma);
    // The ridge moves both fits far from the truth (0.52 and 0.81 for SM at these γ); cNCE stays within the
    // O(ε²) correction of SM's (measured 0.14 and 0.09 at the rule's ε = 0.195), whatever κ.
    const fromSm = relativeFrobeniusError(fit.precision, sm.precision);
    const smFromTruth = relativeFrobeniusError(sm.precision, truth);
    assert.ok(smFromTruth > 0.5 && fromSm < 0.3 * smFromTruth, `γ = ${gamma}: cNCE–SM ${fromSm}, SM–truth ${smFromTruth}`);
  }
  assert.throws(
    () => fitCnceFullBatch(data.subarray(0, 100 * D), 100, structure, { init, kappa: 2, seed: 13, ridge: -1 }),
    /ridge must be a finite number ≥ 0, got -1/,
  );
  // One sample of couples serves fits at several ridges (the ladder's), each the fit of its own call, bit for bit.
  const rows = data.subarray(0, 2000 * D);
  const sample = cnceSample(rows, 2000, structure, { init, kappa: 2, seed: 17 });
  for (const ridge of [0.5, 2]) {
    const alone = fitCnceFullBatch(rows, 2000, structure, { init, kappa: 2, seed: 17, ridge });
    assert.deepEqual(fitCnceSample(sample, structure, { init, ridge }).precision.values, alone.precision.values, `γ = ${ridge}`);
  }
  const other = gridStructure(4, 4, 8);
  assert.throws(
    () => fitCnceSample(sample, other, { init: diagonalPrecision(other, new Float64Array(16).fill(1)) }),
    /not of 16-pixel images \(50000 values for 2000 couples\)/,
  );
});

test("cNCE's ridge ladder starts at SM's best positive definite ridge and doubles; the first ridge that trains ends it", async () => {
  await chooseBackend();
  const entry = (variant: 'ridge' | 'barrier', weight: number, pd: boolean, mean: number | null) => ({
    variant,
    weight,
    positive_definite: pd,
    validation_loglik_per_row: mean,
    validation_loglik_median: mean,
    iterations: 1,
    seconds: 0,
  });
  const sweep = [
    entry('barrier', 0.1, true, -900), // the barrier scores better, but cNCE borrows a ridge
    entry('ridge', 0.3, false, null),
    entry('ridge', 0.45, true, -914),
    entry('ridge', 0.6, true, -950),
    entry('ridge', 0.8, true, -990),
    entry('ridge', 1, true, -1040),
    entry('ridge', 3, true, -1300),
  ];
  assert.equal(bestRidge(sweep), 0.45);
  assert.deepEqual(ridgeLadder(sweep, 4), [0.45, 1, 3]);
  assert.deepEqual(ridgeLadder(sweep, 1), [0.45]);
  assert.deepEqual(ridgeLadder([entry('ridge', 0.3, false, null)], 3), []);
  assert.throws(() => ridgeLadder(sweep, 0), /tries must be a positive integer, got 0/);
  // On Gaussian data the first ridge already trains: one attempt, and the fit is the one at that ridge.
  const { fit, attempts } = fitCnceWithSmRidge(data.subarray(0, 4000 * D), 4000, structure, {
    sweep,
    tries: 3,
    maxIterations: 200,
    tolerance: 1e-6,
    kappa: 2,
    seed: 13,
  });
  assert.equal(attempts.length, 1);
  assert.equal(attempts[0].ridge, 0.45);
  assert.ok(fit && fit.ridge === 0.45 && fit.status.status === 'trained', JSON.stringify(attempts));
});
