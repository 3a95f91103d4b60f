// Judging learned filters as the natural-image literature does: fit a 2-D Gabor to each filter and
// ask how much of it the Gabor explains (R²) and whether the fitted Gabor is a sensible, resolved,
// localised one. Float64 throughout, deterministic (no random restarts).
//
// Model, on a side×side patch with pixel centres at integer (x, y) = (column, row):
//   g(x, y) = A·exp(−x'²/(2σx²) − y'²/(2σy²))·cos(2π f x' + φ) + c
//   x' =  (x − x0)·cos θ + (y − y0)·sin θ,   y' = −(x − x0)·sin θ + (y − y0)·cos θ
// θ is the direction of the carrier's wave vector, measured from the +x (column) axis towards +y
// (rows, downwards on screen): 0° = vertical stripes, 90° = horizontal stripes, 45° = stripes running
// "/" on screen, 135° = "\". σx is the envelope width across the stripes, σy along them; the offset c
// is optional (on by default, so that R², measured about the mean, is not spent on the filter's DC).
//
// Fit = good starts + Levenberg–Marquardt with the analytic Jacobian (gaborValues; a test checks it
// against finite differences). The filter is first standardised (its mean removed when an offset is
// fitted, divided by its RMS about the mean), so the tolerances below do not depend on its scale or
// sign; the parameters are mapped back afterwards. The starts (./gabor-starts) take frequency and
// orientation from the amplitude spectrum and centre and phase from the local energy, over a few widths
// and phases; for each the amplitude and offset are solved exactly (they enter linearly), the best starts
// get a short LM run and the best of those is refined until it converges.
//
// R² = 1 − Σ(filter − fit)² / Σ(filter − mean)². A flat (or zero) filter has no variance to explain:
// it gets R² = 0, no parameters and the failure "flat".
//
// A fit is **Gabor-like** when R² ≥ 0.5 and it has none of these failures, each of which means the fitted
// numbers describe something other than a localised, oriented, band-pass receptive field in the patch:
//   - "centre-outside": the envelope's centre lies outside the patch. Then the patch holds only the tail
//     of the fitted function (a ramp or a lobe cut by the border); its centre and widths are extrapolated,
//     not measured.
//   - "envelope-outside": less than half of the envelope's footprint lies on the patch. The footprint is
//     the ellipse x'²/σx² + y'²/σy² ≤ 4, which holds 98% of the envelope's energy ∫E². This catches an
//     envelope cut off by the border and one far larger than the patch: a grating over the whole patch
//     fits with σ → ∞, a gradient or blob across it with σ ≳ 0.4·side (a centred round envelope fails
//     from there: its 2σ circle covers the patch and has twice its area). The data then fix neither the
//     envelope nor the position, and the filter is not localised, which is the property being asked about.
//   - "spike": the smaller envelope width σ is under 1 px (a point, or a line one pixel thin). The pixel
//     grid does not resolve it: a single pixel is fitted perfectly (R² ≈ 1) by a tiny Gaussian whose
//     frequency, phase and orientation are then arbitrary, so a high R² says nothing.
//   - "nyquist": a carrier component at the Nyquist frequency (0.5 cycle/px along x or y, within half a
//     frequency bin 1/(2·side) of it, which a side-pixel patch cannot tell apart). There the carrier is
//     the pixel grid's alternating sign, whose sine part vanishes on the samples, so phase and frequency
//     are undetermined; and it is the band where resampling, compression and aliasing artefacts live.
//
// The rules do not ask for a band-pass carrier: a blob (f·σx ≪ 1) inside the patch can be Gabor-like,
// and its θ is then only the axis of its envelope. A bank's summary is in ./gabor-summary.

import { gaborStarts } from './starts';

/** Patch side the project's filters have (28×28 patches). */
export const GABOR_SIDE = 28;
/** R² at or above which a fit without failures counts as Gabor-like. */
export const GABOR_LIKE_MIN_R2 = 0.5;
/** Smallest envelope width σ (px) that the pixel grid resolves. */
export const MIN_ENVELOPE_WIDTH = 1;
/** Smallest fraction of the envelope's footprint (its 2σ ellipse) that must lie on the patch. */
export const MIN_ENVELOPE_INSIDE = 0.5;

export type GaborFailure = 'flat' | 'centre-outside' | 'envelope-outside' | 'spike' | 'nyquist';
export const GABOR_FAILURES: readonly GaborFailure[] = ['flat', 'centre-outside', 'envelope-outside', 'spike', 'nyquist'];

/** The fitted Gabor in the filter's own units (see the header for the conventions). */
export interface GaborParams {
  /** A ≥ 0 (a negative amplitude is a phase shift of 180°). */
  amplitude: number;
  /** c (0 when fitted without offset). */
  offset: number;
  /** Envelope centre: column x0 and row y0 in px (0 = centre of the first pixel). */
  x0: number;
  y0: number;
  /** θ in [0, 180): direction of the carrier's wave vector from the +x axis towards +y (rows). */
  orientation_deg: number;
  /** f ≥ 0, cycles per pixel. */
  frequency: number;
  /** σx (across the stripes) and σy (along them), px. */
  width_across: number;
  width_along: number;
  /** φ in (−180, 180]: 0 = even with a bright centre, 180 = even with a dark centre, ±90 = odd. */
  phase_deg: number;
}

export interface GaborFit {
  /** 1 − residual SS / total SS about the mean (0 for a flat filter). */
  r2: number;
  /** null only for a flat filter. */
  params: GaborParams | null;
  /** Fraction of the envelope's footprint (its 2σ ellipse) on the patch, in [0, 1] (0 for a flat filter). */
  envelope_inside: number;
  failures: GaborFailure[];
  gabor_like: boolean;
}

export interface GaborFitOptions {
  /** Patch side (default 28). */
  side?: number;
  /** Fit the constant c as well (default true). */
  offset?: boolean;
}

// Parameter vector of the least-squares fit, in this order (radians, standardised units).
const A = 0;
const X0 = 1;
const Y0 = 2;
const THETA = 3;
const F = 4;
const PHI = 5;
const SX = 6;
const SY = 7;
const C = 8;

const TWO_PI = 2 * Math.PI;
/** Starts refined by a short LM run, and its length; then the best runs until it converges (at most FULL_ITERATIONS). */
const SHORT_RUNS = 4;
const SHORT_ITERATIONS = 10;
const FULL_ITERATIONS = 100;
/** Widths outside [MIN_SIGMA, MAX_SIGMA·side] px are rejected as LM steps (keeps exp and 1/σ³ finite). */
const MIN_SIGMA = 0.1;
const MAX_SIGMA = 20;
/** LM stops when a step lowers the residual SS by less than this fraction of it. */
const CONVERGED_DECREASE = 1e-10;

/**
 * The Gabor at every pixel of a side×side patch (row-major) for the parameter vector
 * p = [A, x0, y0, θ, f, φ, σx, σy(, c)] (θ, φ in radians), into `values`; when `jacobian` is given,
 * also jacobian[k·n + i] = ∂g(pixel i)/∂p[k], n = side² (one column per parameter, k < p.length).
 */
export function gaborValues(p: ArrayLike<number>, side: number, values: Float64Array, jacobian?: Float64Array): void {
  const m = p.length;
  const n = side * side;
  const [amp, x0, y0, theta, f, phi, sx, sy] = [p[A], p[X0], p[Y0], p[THETA], p[F], p[PHI], p[SX], p[SY]];
  const c = m > C ? p[C] : 0;
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const isx2 = 1 / (sx * sx);
  const isy2 = 1 / (sy * sy);
  const k = TWO_PI * f;
  for (let row = 0, i = 0; row < side; row++) {
    const dy = row - y0;
    for (let col = 0; col < side; col++, i++) {
      const dx = col - x0;
      const xp = dx * cos + dy * sin;
      const yp = -dx * sin + dy * cos;
      const envelope = Math.exp(-0.5 * (xp * xp * isx2 + yp * yp * isy2));
      const angle = k * xp + phi;
      const carrierCos = Math.cos(angle);
      const ec = envelope * carrierCos;
      values[i] = amp * ec + c;
      if (!jacobian) continue;
      const es = envelope * Math.sin(angle);
      // ∂g/∂x' and ∂g/∂y'; x0, y0 and θ act only through x' and y':
      // ∂x'/∂x0 = −cos θ, ∂y'/∂x0 = sin θ, ∂x'/∂y0 = −sin θ, ∂y'/∂y0 = −cos θ, ∂x'/∂θ = y', ∂y'/∂θ = −x'.
      const gx = amp * (-xp * isx2 * ec - k * es);
      const gy = -amp * yp * isy2 * ec;
      jacobian[A * n + i] = ec;
      jacobian[X0 * n + i] = -gx * cos + gy * sin;
      jacobian[Y0 * n + i] = -gx * sin - gy * cos;
      jacobian[THETA * n + i] = gx * yp - gy * xp;
      jacobian[F * n + i] = -amp * es * TWO_PI * xp;
      jacobian[PHI * n + i] = -amp * es;
      jacobian[SX * n + i] = (amp * ec * xp * xp * isx2) / sx;
      jacobian[SY * n + i] = (amp * ec * yp * yp * isy2) / sy;
      if (m > C) jacobian[C * n + i] = 1;
    }
  }
}

/** The fitted Gabor as a side×side image (row-major), for showing a filter beside its fit. */
export function gaborImage(params: GaborParams, side = GABOR_SIDE): Float64Array {
  const rad = Math.PI / 180;
  const p = [
    params.amplitude,
    params.x0,
    params.y0,
    params.orientation_deg * rad,
    params.frequency,
    params.phase_deg * rad,
    params.width_across,
    params.width_along,
    params.offset,
  ];
  const out = new Float64Array(side * side);
  gaborValues(p, side, out);
  return out;
}

function checkSide(fn: string, side: number): void {
  if (!Number.isInteger(side) || side < 4) throw new Error(`${fn}: side must be an integer ≥ 4, got ${side}`);
}

/** Fits one filter (side×side values, row-major, any scale or sign). */
export function fitGabor(filter: ArrayLike<number>, options: GaborFitOptions = {}): GaborFit {
  const side = options.side ?? GABOR_SIDE;
  checkSide('fitGabor', side);
  const n = side * side;
  if (filter == null || filter.length !== n) {
    throw new Error(`fitGabor: filter has ${filter?.length} values, expected ${side}×${side} = ${n}`);
  }
  let mean = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(filter[i])) throw new Error(`fitGabor: filter value ${i} is ${filter[i]}; expected finite numbers`);
    mean += filter[i];
  }
  mean /= n;
  let total = 0;
  let largest = 0;
  for (let i = 0; i < n; i++) {
    total += (filter[i] - mean) ** 2;
    largest = Math.max(largest, Math.abs(filter[i]));
  }
  // Flat up to rounding: deviations below 1e-12 of the largest value carry no shape to fit.
  if (total <= n * (1e-12 * largest) ** 2) {
    return { r2: 0, params: null, envelope_inside: 0, failures: ['flat'], gabor_like: false };
  }
  const rms = Math.sqrt(total / n);
  const withOffset = options.offset ?? true;
  // Without an offset the mean stays in the data: the Gabor alone must account for it.
  const shift = withOffset ? mean : 0;
  const data = Float64Array.from({ length: n }, (_, i) => (filter[i] - shift) / rms);
  const centred = Float64Array.from({ length: n }, (_, i) => (filter[i] - mean) / rms);

  const fitter = new Fitter(data, side, withOffset);
  const starts = startingPoints(centred, side, withOffset).map((p) => fitter.withLinearPart(p));
  starts.sort((a, b) => a.ss - b.ss);
  const short = starts.slice(0, SHORT_RUNS).map((s) => fitter.levenbergMarquardt(s.p, SHORT_ITERATIONS));
  short.sort((a, b) => a.ss - b.ss);
  const best = fitter.levenbergMarquardt(short[0].p, FULL_ITERATIONS);

  const params = canonicalParams(best.p, rms, shift);
  const r2 = 1 - best.ss / n; // in units of rms the total SS about the mean is n
  const inside = envelopeInside(params, side);
  const failures = fitFailures(params, inside, side);
  return { r2, params, envelope_inside: inside, failures, gabor_like: r2 >= GABOR_LIKE_MIN_R2 && failures.length === 0 };
}

/** Fits every filter of a bank: a flat array of J·side² values ([J, side²] row-major) or an array of filters. */
export function fitGaborBank(filters: Float32Array | Float64Array | ArrayLike<number>[], options: GaborFitOptions = {}): GaborFit[] {
  const side = options.side ?? GABOR_SIDE;
  checkSide('fitGaborBank', side);
  const n = side * side;
  if (Array.isArray(filters)) {
    if (filters.length === 0) throw new Error('fitGaborBank: no filters given (empty array)');
    return filters.map((filter, j) => {
      if (filter == null || filter.length !== n) {
        throw new Error(`fitGaborBank: filter ${j} has ${filter?.length} values, expected ${side}×${side} = ${n}`);
      }
      return fitGabor(filter, options);
    });
  }
  if (filters.length === 0 || filters.length % n !== 0) {
    throw new Error(`fitGaborBank: ${filters.length} values is not a whole number of ${side}×${side} filters`);
  }
  return Array.from({ length: filters.length / n }, (_, j) => fitGabor(filters.subarray(j * n, (j + 1) * n), options));
}

function fitFailures(params: GaborParams, inside: number, side: number): GaborFailure[] {
  const failures: GaborFailure[] = [];
  const lo = -0.5;
  const hi = side - 0.5;
  if (!(params.x0 >= lo && params.x0 <= hi && params.y0 >= lo && params.y0 <= hi)) failures.push('centre-outside');
  if (inside < MIN_ENVELOPE_INSIDE) failures.push('envelope-outside');
  if (Math.min(params.width_across, params.width_along) < MIN_ENVELOPE_WIDTH) failures.push('spike');
  const theta = (params.orientation_deg * Math.PI) / 180;
  const component = params.frequency * Math.max(Math.abs(Math.cos(theta)), Math.abs(Math.sin(theta)));
  if (component >= 0.5 - 0.5 / side) failures.push('nyquist');
  return failures;
}

/** Sub-samples per pixel side for the footprint's area: 4 × 4 points per pixel. */
const FOOTPRINT_SAMPLES = 4;

/**
 * Area of the footprint x'²/σx² + y'²/σy² ≤ 4 on the patch [−½, side − ½]², counted on a grid of
 * FOOTPRINT_SAMPLES² points per pixel, over its whole area 4π·σx·σy (clamped to 1: an ellipse of a
 * few sub-samples is counted coarsely, and it is a spike anyway).
 */
function envelopeInside(params: GaborParams, side: number): number {
  const theta = (params.orientation_deg * Math.PI) / 180;
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const { x0, y0, width_across: sx, width_along: sy } = params;
  const points = side * FOOTPRINT_SAMPLES;
  let inside = 0;
  for (let a = 0; a < points; a++) {
    const dy = (a + 0.5) / FOOTPRINT_SAMPLES - 0.5 - y0;
    for (let b = 0; b < points; b++) {
      const dx = (b + 0.5) / FOOTPRINT_SAMPLES - 0.5 - x0;
      const xp = (dx * cos + dy * sin) / sx;
      const yp = (-dx * sin + dy * cos) / sy;
      if (xp * xp + yp * yp <= 4) inside++;
    }
  }
  return Math.min(1, inside / FOOTPRINT_SAMPLES ** 2 / (4 * Math.PI * sx * sy));
}

/**
 * Maps an LM vector (in units of rms, after subtracting `shift`) to the reported form, which draws the
 * same image: A ≥ 0, f ≥ 0, σ > 0, θ in [0, 180), φ in (−180, 180], filter units.
 */
export function canonicalParams(p: Float64Array, rms: number, shift: number): GaborParams {
  let [amp, theta, f, phi] = [p[A], p[THETA], p[F], p[PHI]];
  // θ + π turns x' into −x' (y' only enters squared): so (−f, θ) draws what (f, θ + π) draws, and
  // (f, θ) with φ what (f, θ − π) draws with −φ.
  if (f < 0) {
    f = -f;
    theta += Math.PI;
  }
  theta = ((theta % TWO_PI) + TWO_PI) % TWO_PI;
  if (theta >= Math.PI) {
    theta -= Math.PI;
    phi = -phi;
  }
  if (amp < 0) {
    amp = -amp;
    phi += Math.PI;
  }
  phi = Math.PI - ((((Math.PI - phi) % TWO_PI) + TWO_PI) % TWO_PI); // into (−π, π]
  const deg = 180 / Math.PI;
  return {
    amplitude: amp * rms,
    offset: p.length > C ? p[C] * rms + shift : 0,
    x0: p[X0],
    y0: p[Y0],
    orientation_deg: theta * deg < 180 ? theta * deg : 0, // θ just below π can round to 180°
    frequency: f,
    width_across: Math.abs(p[SX]),
    width_along: Math.abs(p[SY]),
    phase_deg: phi * deg,
  };
}

interface Candidate {
  p: Float64Array;
  ss: number;
}

/** Residuals (model − data) and Jacobian at one parameter vector. */
interface Evaluation {
  residuals: Float64Array;
  jacobian: Float64Array;
  ss: number;
}

/** Levenberg–Marquardt on one standardised filter, with two evaluation buffers (current and trial). */
class Fitter {
  private readonly n: number;
  private readonly m: number;

  constructor(
    private readonly data: Float64Array,
    private readonly side: number,
    withOffset: boolean,
  ) {
    this.n = side * side;
    this.m = withOffset ? 9 : 8;
  }

  private buffer(): Evaluation {
    return { residuals: new Float64Array(this.n), jacobian: new Float64Array(this.n * this.m), ss: Infinity };
  }

  /** Fills `into` at p (ss = Infinity when p leaves the admissible widths or frequencies). */
  private evaluate(p: Float64Array, into: Evaluation, withJacobian: boolean): number {
    into.ss = Infinity;
    const sx = Math.abs(p[SX]);
    const sy = Math.abs(p[SY]);
    const maxSigma = MAX_SIGMA * this.side;
    if (!(sx >= MIN_SIGMA && sy >= MIN_SIGMA && sx <= maxSigma && sy <= maxSigma)) return Infinity;
    // The carrier stays inside the sampled band: beyond 0.5 cycle/px along x or y it is an alias of a
    // lower frequency, and for θ = 0° or 90° an exact one, which the fit could otherwise drift to.
    if (Math.abs(p[F]) * Math.max(Math.abs(Math.cos(p[THETA])), Math.abs(Math.sin(p[THETA]))) > 0.5) return Infinity;
    gaborValues(p, this.side, into.residuals, withJacobian ? into.jacobian : undefined);
    let ss = 0;
    for (let i = 0; i < this.n; i++) {
      const r = into.residuals[i] - this.data[i];
      into.residuals[i] = r;
      ss += r * r;
    }
    into.ss = Number.isFinite(ss) ? ss : Infinity;
    return into.ss;
  }

  /** Sets the linear parameters A (and c) to their least-squares values for the other parameters of p. */
  withLinearPart(p: Float64Array): Candidate {
    const q = Float64Array.from(p);
    q[A] = 1;
    if (this.m > C) q[C] = 0;
    const basis = new Float64Array(this.n);
    gaborValues(q, this.side, basis);
    // Normal equations of data ≈ A·b (+ c) with b the unit-amplitude Gabor; with an offset the data have mean 0.
    let sbb = 0;
    let sb = 0;
    let sby = 0;
    for (let i = 0; i < this.n; i++) {
      sbb += basis[i] * basis[i];
      sb += basis[i];
      sby += basis[i] * this.data[i];
    }
    const det = this.m > C ? sbb * this.n - sb * sb : sbb;
    const solvable = det > 1e-12 * this.n;
    q[A] = solvable ? (this.m > C ? (sby * this.n) / det : sby / sbb) : 0;
    if (this.m > C) q[C] = solvable ? (-sb * sby) / det : 0;
    return { p: q, ss: this.evaluate(q, this.buffer(), false) };
  }

  levenbergMarquardt(start: Float64Array, iterations: number): Candidate {
    const { n, m } = this;
    let p = Float64Array.from(start);
    let current = this.buffer();
    let trial = this.buffer();
    this.evaluate(p, current, true);
    let lambda = 1e-3;
    const jtj = new Float64Array(m * m);
    const jtr = new Float64Array(m);
    const system = new Float64Array(m * m);
    const step = new Float64Array(m);
    for (let iteration = 0; iteration < iterations; iteration++) {
      const { jacobian, residuals } = current;
      for (let a = 0; a < m; a++) {
        const colA = a * n;
        let dot = 0;
        for (let i = 0; i < n; i++) dot += jacobian[colA + i] * residuals[i];
        jtr[a] = dot;
        for (let b = 0; b <= a; b++) {
          const colB = b * n;
          let sum = 0;
          for (let i = 0; i < n; i++) sum += jacobian[colA + i] * jacobian[colB + i];
          jtj[a * m + b] = sum;
        }
      }
      let largestDiagonal = 0;
      for (let a = 0; a < m; a++) largestDiagonal = Math.max(largestDiagonal, jtj[a * m + a]);
      let accepted = false;
      while (lambda < 1e12) {
        // Marquardt's scaling by diag(JᵀJ), floored so that a parameter with no current effect
        // (e.g. θ of a round envelope without carrier) still gets a finite, damped step.
        for (let a = 0; a < m; a++) {
          for (let b = 0; b <= a; b++) system[a * m + b] = jtj[a * m + b];
          system[a * m + a] += lambda * Math.max(jtj[a * m + a], 1e-9 * largestDiagonal);
        }
        if (choleskySolve(system, jtr, step, m)) {
          const candidate = Float64Array.from(p, (v, a) => v - step[a]);
          if (this.evaluate(candidate, trial, true) < current.ss) {
            const decrease = current.ss - trial.ss;
            p = candidate;
            [current, trial] = [trial, current];
            lambda = Math.max(lambda / 3, 1e-12);
            accepted = true;
            if (decrease <= CONVERGED_DECREASE * current.ss || current.ss <= 1e-24 * n) return { p, ss: current.ss };
            break;
          }
        }
        lambda *= 4;
      }
      if (!accepted) break;
    }
    return { p, ss: current.ss };
  }
}

/** Solves S·x = b for a symmetric positive definite S (lower triangle used); false if S is not PD. */
function choleskySolve(S: Float64Array, b: Float64Array, x: Float64Array, m: number): boolean {
  const L = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = S[i * m + j];
      for (let k = 0; k < j; k++) sum -= L[i * m + k] * L[j * m + k];
      if (i === j) {
        if (!(sum > 0)) return false;
        L[i * m + i] = Math.sqrt(sum);
      } else {
        L[i * m + j] = sum / L[j * m + j];
      }
    }
  }
  for (let i = 0; i < m; i++) {
    let sum = b[i];
    for (let k = 0; k < i; k++) sum -= L[i * m + k] * x[k];
    x[i] = sum / L[i * m + i];
  }
  for (let i = m - 1; i >= 0; i--) {
    let sum = x[i];
    for (let k = i + 1; k < m; k++) sum -= L[k * m + i] * x[k];
    x[i] = sum / L[i * m + i];
  }
  return true;
}

/** Starting parameter vectors (A and c are set later, by withLinearPart). */
function startingPoints(centred: Float64Array, side: number, withOffset: boolean): Float64Array[] {
  return gaborStarts(centred, side).map((start) => {
    const p = new Float64Array(withOffset ? 9 : 8);
    p[X0] = start.x0;
    p[Y0] = start.y0;
    p[THETA] = start.theta;
    p[F] = start.frequency;
    p[PHI] = start.phase;
    p[SX] = start.width;
    p[SY] = start.width;
    return p;
  });
}
