// Radially averaged power spectrum of square patches: |F(k)|² of each patch's 2-D discrete Fourier
// transform, averaged over patches and over the frequencies k = (kx, ky) that share one radius |k|
// (rounded to whole cycles per patch). Natural images have power falling roughly as 1/f² (their
// amplitude as 1/f, Field 1987); whitening flattens that, so whitened patches have a flat spectrum.
// The mean of each patch (k = 0) is left out. Frequencies are in cycles per pixel, up to Nyquist (½).

export interface RadialSpectrum {
  /** Bin centres, cycles per pixel: 1/side, 2/side, …, ½. */
  frequency: number[];
  /** Mean |F|² per bin, averaged over patches. */
  power: number[];
}

export function radialPowerSpectrum(rows: Float32Array | Float64Array, side: number): RadialSpectrum {
  const d = side * side;
  if (rows.length === 0 || rows.length % d !== 0)
    throw new Error(`radialPowerSpectrum: ${rows.length} values is not a whole number of ${side}×${side} patches`);
  const n = rows.length / d;
  const cos = new Float64Array(side * side);
  const sin = new Float64Array(side * side);
  for (let k = 0; k < side; k++)
    for (let x = 0; x < side; x++) {
      cos[k * side + x] = Math.cos((2 * Math.PI * k * x) / side);
      sin[k * side + x] = -Math.sin((2 * Math.PI * k * x) / side);
    }
  const bins = Math.floor(side / 2);
  const sums = new Float64Array(bins + 1);
  const counts = new Float64Array(bins + 1);
  const radius = new Int32Array(d);
  for (let ky = 0; ky < side; ky++)
    for (let kx = 0; kx < side; kx++) {
      const fy = Math.min(ky, side - ky);
      const fx = Math.min(kx, side - kx);
      radius[ky * side + kx] = Math.round(Math.hypot(fx, fy));
    }
  // Separable DFT: along each row first (re, im per [y, kx]), then along each column.
  const rowRe = new Float64Array(d);
  const rowIm = new Float64Array(d);
  for (let p = 0; p < n; p++) {
    const patch = rows.subarray(p * d, (p + 1) * d);
    for (let y = 0; y < side; y++)
      for (let kx = 0; kx < side; kx++) {
        let re = 0;
        let im = 0;
        for (let x = 0; x < side; x++) {
          const v = patch[y * side + x];
          re += v * cos[kx * side + x];
          im += v * sin[kx * side + x];
        }
        rowRe[y * side + kx] = re;
        rowIm[y * side + kx] = im;
      }
    for (let ky = 0; ky < side; ky++)
      for (let kx = 0; kx < side; kx++) {
        const r = radius[ky * side + kx];
        if (r === 0 || r > bins) continue;
        let re = 0;
        let im = 0;
        for (let y = 0; y < side; y++) {
          const c = cos[ky * side + y];
          const s = sin[ky * side + y];
          const a = rowRe[y * side + kx];
          const b = rowIm[y * side + kx];
          re += a * c - b * s;
          im += a * s + b * c;
        }
        sums[r] += re * re + im * im;
        counts[r] += 1;
      }
  }
  const frequency: number[] = [];
  const power: number[] = [];
  for (let r = 1; r <= bins; r++) {
    frequency.push(r / side);
    power.push(sums[r] / counts[r]); // counts already runs over patches and frequencies
  }
  return { frequency, power };
}

/** Least-squares slope of log power against log frequency: about −2 for natural images, 0 for white noise. */
export function spectralSlope(spectrum: RadialSpectrum): number {
  const lx = spectrum.frequency.map(Math.log);
  const ly = spectrum.power.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < lx.length; i++) {
    num += (lx[i] - mx) * (ly[i] - my);
    den += (lx[i] - mx) ** 2;
  }
  return num / den;
}
