import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../lib/random';
import { canonicalParams, fitGabor, fitGaborBank, GaborFit, gaborImage, GaborParams, gaborValues } from '../../lib/dem/gabor/fit';
import { quantiles } from '../../lib/dem/gabor/summary';
import { gabor, N, SIDE, Spec } from './gabor-truth';

/** What every flat filter must give. */
const FLAT_FIT: GaborFit = { r2: 0, params: null, envelope_inside: 0, failures: ['flat'], gabor_like: false };

/** 1 − SS(data − model)/SS(data − mean). */
function rSquared(data: Float64Array, model: Float64Array): number {
  const mean = data.reduce((sum, v) => sum + v, 0) / data.length;
  let residual = 0;
  let total = 0;
  data.forEach((v, i) => {
    residual += (v - model[i]) ** 2;
    total += (v - mean) ** 2;
  });
  return 1 - residual / total;
}

/** Smallest difference between two angles modulo `period` (degrees). */
function angleGap(a: number, b: number, period: number): number {
  const d = (((a - b) % period) + period) % period;
  return Math.min(d, period - d);
}

function params(fit: GaborFit): GaborParams {
  assert.ok(fit.params, 'expected fitted parameters');
  return fit.params;
}

test('the analytic Jacobian matches central finite differences, with and without offset', () => {
  for (const p of [
    [1.3, 12.2, 14.7, 0.6, 0.17, 0.9, 2.8, 4.1, -0.3],
    [-0.7, 9.4, 17.1, 2.3, 0.31, -2.2, 1.7, 3.3],
  ]) {
    const m = p.length;
    const values = new Float64Array(N);
    const jacobian = new Float64Array(N * m);
    gaborValues(p, SIDE, values, jacobian);
    const plus = new Float64Array(N);
    const minus = new Float64Array(N);
    for (let k = 0; k < m; k++) {
      const h = 1e-6 * Math.max(1, Math.abs(p[k]));
      gaborValues(
        p.map((v, j) => (j === k ? v + h : v)),
        SIDE,
        plus,
      );
      gaborValues(
        p.map((v, j) => (j === k ? v - h : v)),
        SIDE,
        minus,
      );
      let worst = 0;
      let scale = 0;
      for (let i = 0; i < N; i++) {
        const numeric = (plus[i] - minus[i]) / (2 * h);
        worst = Math.max(worst, Math.abs(numeric - jacobian[k * N + i]));
        scale = Math.max(scale, Math.abs(numeric));
      }
      assert.ok(worst <= 1e-6 * Math.max(scale, 1e-3), `parameter ${k} of ${m}: max error ${worst}, scale ${scale}`);
    }
  }
});

test('gaborImage draws the same Gabor as the independent formula (same conventions)', () => {
  const spec = { x0: 11.3, y0: 15.8, theta: 123, f: 0.21, phase: -40, sx: 2.2, sy: 4.5, amplitude: 1.7, offset: 0.2 };
  const image = gaborImage({
    amplitude: 1.7,
    offset: 0.2,
    x0: 11.3,
    y0: 15.8,
    orientation_deg: 123,
    frequency: 0.21,
    width_across: 2.2,
    width_along: 4.5,
    phase_deg: -40,
  });
  const truth = gabor(spec);
  truth.forEach((v, i) => assert.ok(Math.abs(v - image[i]) < 1e-12, `pixel ${i}`));
});

test('the reported (canonical) parameters draw the same image as any raw parameter vector', () => {
  const rng = createRng(17);
  for (let k = 0; k < 200; k++) {
    const signed = (scale: number) => scale * (2 * rng.uniform() - 1);
    // Negative amplitudes, frequencies and widths, angles far outside their ranges.
    const raw = Float64Array.of(signed(3), 6 + signed(5), 14 + signed(5), signed(20), signed(0.45), signed(20), signed(4), signed(4), signed(1));
    if (Math.abs(raw[6]) < 0.5 || Math.abs(raw[7]) < 0.5) continue;
    const [rms, shift] = [0.5 + rng.uniform(), signed(2)];
    const p = canonicalParams(raw, rms, shift);
    const expected = new Float64Array(N);
    gaborValues(raw, SIDE, expected);
    const drawn = gaborImage(p);
    expected.forEach((v, i) => assert.ok(Math.abs(v * rms + shift - drawn[i]) < 1e-9, `case ${k}, pixel ${i}`));
    assert.ok(p.amplitude >= 0 && p.frequency >= 0 && p.width_across > 0 && p.width_along > 0, JSON.stringify(p));
    assert.ok(p.orientation_deg >= 0 && p.orientation_deg < 180 && p.phase_deg > -180 && p.phase_deg <= 180, JSON.stringify(p));
  }
});

/** Noise-free cases: every orientation bin and its edges, low to high frequency, every phase quadrant, both signs. */
function noiseFreeCases(): Spec[] {
  const cases: Spec[] = [];
  const orientations = [0, 22.5, 45, 67.5, 90, 112.5, 135, 157.5, 175];
  const frequencies = [0.07, 0.15, 0.25, 0.4];
  const phases = [0, 90, 180, -45, 130];
  let k = 0;
  for (const theta of orientations) {
    for (const f of frequencies) {
      cases.push({
        theta,
        f,
        phase: phases[k % phases.length],
        x0: 9 + ((k * 3.7) % 10),
        y0: 8.5 + ((k * 5.3) % 11),
        sx: 2 + (k % 3),
        sy: 2.5 + ((k * 7) % 4),
        amplitude: [1, -2.5, 0.03, 40][k % 4],
        offset: [0, 0.4, -7, 0][k % 4],
      });
      k++;
    }
  }
  return cases;
}

test('noise-free Gabors of known parameters are recovered exactly (R² ≈ 1, θ within 0.5°, f within 0.5%)', () => {
  for (const spec of noiseFreeCases()) {
    const fit = fitGabor(gabor(spec));
    const p = params(fit);
    const label = JSON.stringify(spec);
    const amplitude = spec.amplitude ?? 1;
    assert.ok(fit.r2 > 0.9999, `${label}: R² ${fit.r2}`);
    assert.ok(angleGap(p.orientation_deg, spec.theta, 180) < 0.5, `${label}: θ ${p.orientation_deg}`);
    assert.ok(Math.abs(p.frequency - spec.f) < 0.005 * spec.f, `${label}: f ${p.frequency}`);
    assert.ok(Math.hypot(p.x0 - spec.x0, p.y0 - spec.y0) < 0.05, `${label}: centre ${p.x0}, ${p.y0}`);
    assert.ok(Math.abs(p.width_across - spec.sx) < 0.01 * spec.sx, `${label}: σx ${p.width_across}`);
    assert.ok(Math.abs(p.width_along - spec.sy) < 0.01 * spec.sy, `${label}: σy ${p.width_along}`);
    // A negative amplitude is reported as |A| with the phase turned by 180°.
    assert.ok(Math.abs(p.amplitude - Math.abs(amplitude)) < 0.01 * Math.abs(amplitude), `${label}: A ${p.amplitude}`);
    assert.ok(angleGap(p.phase_deg, spec.phase + (amplitude < 0 ? 180 : 0), 360) < 1, `${label}: φ ${p.phase_deg}`);
    assert.deepEqual(fit.failures, [], label);
    assert.equal(fit.gabor_like, true, label);
  }
});

test('noisy Gabors: the fit explains at least as much as the generating Gabor, with θ within 3° and f within 5%', () => {
  const rng = createRng(11);
  for (let k = 0; k < 24; k++) {
    const sx = 2 + 3 * rng.uniform();
    // At least half a carrier cycle per envelope width, or the frequency is not pinned down by noisy data.
    const f = Math.max(0.5 / sx, 0.05 + 0.35 * rng.uniform());
    const spec = {
      x0: 7 + 14 * rng.uniform(),
      y0: 7 + 14 * rng.uniform(),
      theta: 180 * rng.uniform(),
      f,
      phase: 360 * rng.uniform() - 180,
      sx,
      sy: 2 + 4 * rng.uniform(),
    };
    const clean = gabor(spec);
    const noise = 0.05 + 0.1 * rng.uniform();
    const noisy = clean.map((v) => v + noise * rng.normal());
    const fit = fitGabor(noisy);
    const p = params(fit);
    const label = `${JSON.stringify(spec)} noise ${noise}`;
    // Least squares: the optimum is at least as good as the truth (with A = 1, c = 0) on the same data.
    assert.ok(fit.r2 >= rSquared(noisy, clean) - 1e-9, `${label}: R² ${fit.r2} below the truth's ${rSquared(noisy, clean)}`);
    assert.ok(angleGap(p.orientation_deg, spec.theta, 180) < 3, `${label}: θ ${p.orientation_deg}`);
    assert.ok(Math.abs(p.frequency - spec.f) < 0.05 * spec.f, `${label}: f ${p.frequency}`);
    assert.equal(fit.gabor_like, fit.r2 >= 0.5, label);
  }
});

test('a Gabor beside a weaker second Gabor is found (not the weaker one, not a blend)', () => {
  const strong = { x0: 8, y0: 18, theta: 30, f: 0.3, phase: 20, sx: 2, sy: 2.5 };
  const weak = { x0: 19, y0: 8, theta: 110, f: 0.12, phase: -60, sx: 3, sy: 3, amplitude: 0.5 };
  const [a, b] = [gabor(strong), gabor(weak)];
  const fit = fitGabor(a.map((v, i) => v + b[i]));
  const p = params(fit);
  assert.ok(angleGap(p.orientation_deg, strong.theta, 180) < 2 && Math.abs(p.frequency - strong.f) < 0.01, JSON.stringify(p));
  assert.ok(Math.hypot(p.x0 - strong.x0, p.y0 - strong.y0) < 0.3, JSON.stringify(p));
});

test('white noise is explained little (a 9-parameter local fit) and is never Gabor-like', () => {
  const rng = createRng(5);
  const bank = Float64Array.from({ length: 32 * N }, () => rng.normal());
  const fits = fitGaborBank(bank);
  const r2 = fits.map((fit) => fit.r2);
  assert.ok(Math.max(...r2) < 0.15, `largest R² ${Math.max(...r2)}`);
  assert.ok(quantiles(r2).q50 < 0.08, `median R² ${quantiles(r2).q50}`);
  assert.equal(fits.filter((fit) => fit.gabor_like).length, 0);
});

test('a single-pixel spike is a spike failure and not Gabor-like, although its R² is near 1', () => {
  const rng = createRng(2);
  for (const [row, col, value, background] of [
    [14, 14, 1, 0],
    [0, 0, -3, 0],
    [20, 5, 2, 0.01],
  ]) {
    const filter = Float64Array.from({ length: N }, () => background * rng.normal());
    filter[row * SIDE + col] = value;
    const fit = fitGabor(filter);
    assert.ok(fit.r2 > 0.9, `spike at (${row}, ${col}): R² ${fit.r2}`);
    assert.ok(fit.failures.includes('spike'), `spike at (${row}, ${col}): failures ${fit.failures}`);
    assert.equal(fit.gabor_like, false);
  }
});

test('a Gabor centred outside the patch, a grating over the whole patch and a Nyquist carrier are failures', () => {
  const outside = fitGabor(gabor({ x0: -3, y0: 12, theta: 0, f: 0.1, phase: 0, sx: 4, sy: 5 }));
  assert.ok(outside.r2 > 0.99 && outside.failures.includes('centre-outside') && !outside.gabor_like, JSON.stringify(outside));

  const grating = Float64Array.from({ length: N }, (_, i) => {
    const [col, row] = [i % SIDE, Math.floor(i / SIDE)];
    return Math.cos(2 * Math.PI * 0.15 * (col * 0.8 + row * 0.6) + 1);
  });
  const wide = fitGabor(grating);
  assert.ok(wide.r2 > 0.99, `grating R² ${wide.r2}`);
  assert.ok(wide.failures.includes('envelope-outside') && wide.envelope_inside < 0.5 && !wide.gabor_like, JSON.stringify(wide));

  // The pixel grid's alternating sign along x under a Gaussian envelope: f = 0.5 cycle/px at θ = 0.
  const nyquist = gabor({ x0: 13, y0: 14, theta: 0, f: 0.5, phase: 0, sx: 4, sy: 4 });
  const fit = fitGabor(nyquist);
  assert.ok(fit.r2 > 0.99 && fit.failures.includes('nyquist') && !fit.gabor_like, JSON.stringify(fit));
});

test('the footprint on the patch matches closed forms: a blob larger than the patch, a Gabor at the border', () => {
  // σ = 13: the 2σ circle (radius 26) covers the whole 28×28 patch, so the fraction on it is 28²/(4π·13²).
  // (Fitted without offset: over the patch such a wide blob is nearly c + A·(1 − r²/2σ²), and an offset
  // would make A, c and σ nearly interchangeable.)
  const blob = fitGabor(gabor({ x0: 13.5, y0: 13.5, theta: 0, f: 0, phase: 0, sx: 13, sy: 13 }), { offset: false });
  assert.ok(blob.r2 > 0.9999);
  assert.ok(Math.abs(blob.envelope_inside - 784 / (4 * Math.PI * 169)) < 0.01, `${blob.envelope_inside}`);
  assert.ok(blob.failures.includes('envelope-outside') && !blob.gabor_like);
  // A round σ = 2 envelope 2 px from the left edge (x = −0.5): the circle of radius 4 loses the segment
  // beyond a chord at distance 2, r²·acos(d/r) − d·√(r² − d²).
  const [r, d] = [4, 2];
  const expected = 1 - (r * r * Math.acos(d / r) - d * Math.sqrt(r * r - d * d)) / (Math.PI * r * r);
  const edge = fitGabor(gabor({ x0: 1.5, y0: 14, theta: 90, f: 0.2, phase: 0, sx: 2, sy: 2 }));
  assert.ok(Math.abs(edge.envelope_inside - expected) < 0.01, `${edge.envelope_inside} vs ${expected}`);
  assert.ok(edge.gabor_like, JSON.stringify(edge));
});

test('flat and zero filters give R² 0, no parameters and the failure "flat" (no NaN anywhere)', () => {
  for (const filter of [new Float64Array(N), new Float32Array(N).fill(3.7), new Float64Array(N).fill(-1e-30)]) {
    const fit = fitGabor(filter);
    assert.deepEqual(fit, FLAT_FIT);
    assert.deepEqual(JSON.parse(JSON.stringify(fit)), fit);
  }
});

test('scale, sign and offset of a filter change only amplitude, offset and phase', () => {
  const base = gabor({ x0: 12, y0: 15, theta: 70, f: 0.18, phase: 35, sx: 3, sy: 2.4 });
  const a = fitGabor(base);
  const b = fitGabor(base.map((v) => -3 * v + 5));
  const [pa, pb] = [params(a), params(b)];
  assert.ok(Math.abs(a.r2 - b.r2) < 1e-9);
  assert.ok(Math.abs(pb.amplitude - 3 * pa.amplitude) < 1e-6 && Math.abs(pb.offset - (5 - 3 * pa.offset)) < 1e-6);
  assert.ok(angleGap(pb.phase_deg, pa.phase_deg + 180, 360) < 1e-4, `${pa.phase_deg} vs ${pb.phase_deg}`);
  for (const key of ['x0', 'y0', 'orientation_deg', 'frequency', 'width_across', 'width_along'] as const) {
    assert.ok(Math.abs(pa[key] - pb[key]) < 1e-6, `${key}: ${pa[key]} vs ${pb[key]}`);
  }
});

test('without an offset the fit has c = 0 and still recovers a zero-mean-free Gabor', () => {
  const spec = { x0: 14.5, y0: 12.2, theta: 150, f: 0.05, phase: 0, sx: 4, sy: 3 }; // even, low f: mean far from 0
  const fit = fitGabor(gabor(spec), { offset: false });
  const p = params(fit);
  assert.equal(p.offset, 0);
  assert.ok(fit.r2 > 0.9999 && Math.abs(p.frequency - spec.f) < 0.005 * spec.f, JSON.stringify(fit));
});

test('fits are deterministic', () => {
  const rng = createRng(8);
  const filter = Float64Array.from({ length: N }, () => rng.normal());
  assert.deepEqual(fitGabor(filter), fitGabor(filter));
});

test('bad input is refused with the argument and the expected size named', () => {
  assert.throws(() => fitGabor(new Float64Array(780)), /filter has 780 values, expected 28×28 = 784/);
  assert.throws(() => fitGabor(new Float64Array(100), { side: 10.5 }), /side must be an integer ≥ 4, got 10.5/);
  const broken = new Float64Array(N);
  broken[17] = NaN;
  assert.throws(() => fitGabor(broken), /filter value 17 is NaN; expected finite numbers/);
  assert.throws(() => fitGaborBank(new Float32Array(1000)), /1000 values is not a whole number of 28×28 filters/);
  assert.throws(() => fitGaborBank([new Float64Array(N), new Float64Array(5)]), /filter 1 has 5 values, expected 28×28 = 784/);
});
