// Starting points for the Gabor fit (./gabor-fit): least squares on a Gabor has many local minima
// (every half-period shift of the carrier is one), so the fit starts near the answer.
//   - Frequency and orientation: the largest local peaks of the filter's amplitude spectrum (zero-padded
//     DFT, so a peak is located to 1/64 cycle/px). For a Gabor the spectrum is the envelope's spectrum
//     centred at ±(f cos θ, f sin θ).
//   - Centre and phase: the local energy at that frequency. Demodulating the filter by exp(−2πi k·r) and
//     low-pass filtering leaves ½A·E(r)·exp(i(φ − 2π k·r0)), whose modulus peaks at the envelope's centre
//     r0 and whose argument there gives φ.
//   - Widths are unknown a priori: a short ladder of isotropic widths, and three phases around the
//     demodulated one (robust when the envelope holds less than a cycle and the demodulation is poor).

/** A starting point: centre (px), wave-vector direction θ (rad), f (cycles/px), φ (rad), isotropic σ (px). */
export interface GaborStart {
  x0: number;
  y0: number;
  theta: number;
  frequency: number;
  phase: number;
  width: number;
}

const TWO_PI = 2 * Math.PI;
/** Zero-padded DFT size for the spectral peaks: located to 1/64 cycle/px. */
const SPECTRUM_SIZE = 64;
/**
 * Spectral peaks tried: a plaid or checkerboard has two equal peaks, and beside other structure a Gabor's
 * peak need not be the largest (a Gabor plus a half-amplitude one elsewhere: two peaks missed the stronger
 * in 2 of 240 random cases, three in none).
 */
const SPECTRAL_PEAKS = 3;
/** Isotropic starting widths (px): a small, a medium and a patch-sized envelope. */
const START_WIDTHS = [1.5, 3, 6];
/** Phases tried around the demodulated one (radians). */
const START_PHASE_SHIFTS = [0, Math.PI / 2, -Math.PI / 2];

/** Starts for a mean-free side×side filter (row-major): peaks × widths × phases, in that order. */
export function gaborStarts(centred: Float64Array, side: number): GaborStart[] {
  const starts: GaborStart[] = [];
  for (const [fx, fy] of spectralPeaks(centred, side, SPECTRAL_PEAKS)) {
    const { x0, y0, phase } = localEnergyPeak(centred, side, fx, fy);
    for (const width of START_WIDTHS) {
      for (const shift of START_PHASE_SHIFTS) {
        starts.push({ x0, y0, theta: Math.atan2(fy, fx), frequency: Math.hypot(fx, fy), phase: phase + shift, width });
      }
    }
  }
  return starts;
}

/**
 * The largest local maxima of the amplitude spectrum (zero-padded to SPECTRUM_SIZE², DC excluded), as
 * frequencies (fx, fy) in cycles/px from the half-plane fy > 0 or (fy = 0, fx > 0); ties keep scan order.
 */
function spectralPeaks(data: Float64Array, side: number, count: number): [number, number][] {
  const P = SPECTRUM_SIZE;
  const cosTable = Float64Array.from({ length: P }, (_, k) => Math.cos((TWO_PI * k) / P));
  const sinTable = Float64Array.from({ length: P }, (_, k) => Math.sin((TWO_PI * k) / P));
  // Separable DFT: along columns (u) for every row, then along rows (v).
  const rowRe = new Float64Array(side * P);
  const rowIm = new Float64Array(side * P);
  for (let r = 0; r < side; r++) {
    for (let u = 0; u < P; u++) {
      let re = 0;
      let im = 0;
      for (let c = 0; c < side; c++) {
        const k = (u * c) % P;
        re += data[r * side + c] * cosTable[k];
        im -= data[r * side + c] * sinTable[k];
      }
      rowRe[r * P + u] = re;
      rowIm[r * P + u] = im;
    }
  }
  const power = new Float64Array(P * P); // [v, u]
  for (let v = 0; v < P; v++) {
    for (let u = 0; u < P; u++) {
      let re = 0;
      let im = 0;
      for (let r = 0; r < side; r++) {
        const k = (v * r) % P;
        const [a, b] = [rowRe[r * P + u], rowIm[r * P + u]];
        re += a * cosTable[k] + b * sinTable[k];
        im += b * cosTable[k] - a * sinTable[k];
      }
      power[v * P + u] = re * re + im * im;
    }
  }
  const signed = (k: number) => (k < P / 2 ? k : k - P) / P;
  const peaks: { fx: number; fy: number; power: number }[] = [];
  for (let v = 0; v <= P / 2; v++) {
    for (let u = 0; u < P; u++) {
      const fy = v / P;
      const fx = signed(u);
      if (v === 0 && !(fx > 0)) continue;
      if ((v === P / 2 || v === 0) && fx < 0) continue; // ±fy coincide on these rows
      const here = power[v * P + u];
      let isMax = here > 0;
      for (let dv = -1; dv <= 1 && isMax; dv++) {
        for (let du = -1; du <= 1; du++) {
          if ((dv || du) && power[((v + dv + P) % P) * P + ((u + du + P) % P)] > here) {
            isMax = false;
            break;
          }
        }
      }
      if (isMax) peaks.push({ fx, fy, power: here });
    }
  }
  peaks.sort((a, b) => b.power - a.power);
  return peaks.slice(0, count).map((peak) => [peak.fx, peak.fy]);
}

/**
 * Centre and phase from the local energy at frequency (fx, fy): the demodulated filter
 * z = filter·exp(−2πi(fx·x + fy·y)), low-passed by a Gaussian wide enough to remove its 2f component
 * (σ = 0.4/f px, within [1.5, 4]), has modulus ∝ envelope and argument φ − 2π(fx·x0 + fy·y0).
 */
function localEnergyPeak(data: Float64Array, side: number, fx: number, fy: number): { x0: number; y0: number; phase: number } {
  const n = side * side;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let r = 0, i = 0; r < side; r++) {
    for (let c = 0; c < side; c++, i++) {
      const angle = TWO_PI * (fx * c + fy * r);
      re[i] = data[i] * Math.cos(angle);
      im[i] = -data[i] * Math.sin(angle);
    }
  }
  const blur = Math.min(4, Math.max(1.5, 0.4 / Math.hypot(fx, fy)));
  const smoothRe = gaussianBlur(re, side, blur);
  const smoothIm = gaussianBlur(im, side, blur);
  let best = 0;
  for (let i = 1; i < n; i++) {
    if (smoothRe[i] ** 2 + smoothIm[i] ** 2 > smoothRe[best] ** 2 + smoothIm[best] ** 2) best = i;
  }
  const x0 = best % side;
  const y0 = Math.floor(best / side);
  return { x0, y0, phase: Math.atan2(smoothIm[best], smoothRe[best]) + TWO_PI * (fx * x0 + fy * y0) };
}

/** Separable Gaussian blur of a side×side image, zero outside the patch. */
function gaussianBlur(image: Float64Array, side: number, sigma: number): Float64Array {
  const radius = Math.ceil(3 * sigma);
  const kernel = Float64Array.from({ length: 2 * radius + 1 }, (_, k) => Math.exp(-((k - radius) ** 2) / (2 * sigma * sigma)));
  const pass = (src: Float64Array, alongRows: boolean): Float64Array => {
    const out = new Float64Array(side * side);
    for (let r = 0; r < side; r++) {
      for (let c = 0; c < side; c++) {
        let sum = 0;
        for (let k = -radius; k <= radius; k++) {
          const [rr, cc] = alongRows ? [r + k, c] : [r, c + k];
          if (rr >= 0 && rr < side && cc >= 0 && cc < side) sum += kernel[k + radius] * src[rr * side + cc];
        }
        out[r * side + c] = sum;
      }
    }
    return out;
  };
  return pass(pass(image, false), true);
}
