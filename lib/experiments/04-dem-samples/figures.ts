// Notebook 04's figures, drawn with the project's figure helpers: rows of patches (data beside samples),
// the chains' traces, radially averaged power spectra, hold-out loss curves and DSM's Gaussian bias.
import { imageGrid, linePlot, PALETTE, Trace } from '../../figures/index';
import { LangevinResult } from '../../dem/langevin';
import { RadialSpectrum } from '../../dem/spectrum';
import { TrainHistory } from '../../dem/train';
import { GaussianDsmRow } from './objectives';
import { D } from './inputs';

export interface PatchRow {
  /** Written under the row's first patch. */
  label: string;
  /** [n, D] patches; the first `perRow` are shown. */
  patches: Float32Array;
}

/** One row of patches per entry, all on the same grey scale `range` (values outside are clipped), or each patch on its own. */
export function patchRows(rows: PatchRow[], perRow: number, range: [number, number] | 'per-image', title: string): Promise<Uint8Array> {
  const images: Float32Array[] = [];
  const captions: string[] = [];
  for (const row of rows) {
    if (row.patches.length < perRow * D) throw new Error(`patchRows: row "${row.label}" has ${row.patches.length / D} patches, ${perRow} needed`);
    for (let i = 0; i < perRow; i++) {
      images.push(row.patches.subarray(i * D, (i + 1) * D));
      captions.push(i === 0 ? row.label : '');
    }
  }
  return imageGrid(images, { cols: perRow, scale: 2, contrast: range, captions, title });
}

/** log p̃ or patch variance of every chain against the step: noise-started chains in one colour, data-started in another. */
export function chainTracePlot(
  result: LangevinResult,
  chainsPerStart: number,
  what: 'logp' | 'variance',
  title: string,
  reference?: { y: number; label: string },
): Promise<Uint8Array> {
  const series = what === 'logp' ? result.trace.logp : result.trace.variance;
  const traces: Trace[] = series.map((values, c) => {
    const fromNoise = c < chainsPerStart;
    return {
      x: result.trace.step,
      y: values,
      name: fromNoise ? 'chains started from white noise' : 'chains started from hold-out patches',
      mode: 'lines',
      line: { color: fromNoise ? PALETTE[0] : PALETTE[1], width: 1 },
      showlegend: c === 0 || c === chainsPerStart,
    };
  });
  return linePlot(traces, {
    title,
    xaxis: { title: 'Langevin step' },
    yaxis: { title: what === 'logp' ? 'unnormalised log p̃(x)' : 'pixel variance of the state' },
    references: reference ? [{ y: reference.y, label: reference.label, dash: 'dash', color: '#444444' }] : undefined,
  });
}

/** Radially averaged power spectra on log–log axes, with a 1/f² line through the first curve's lowest frequency. */
export function spectrumPlot(curves: { name: string; spectrum: RadialSpectrum }[], title: string, withInverseSquare: boolean): Promise<Uint8Array> {
  const traces: Trace[] = curves.map((curve, i) => ({
    x: curve.spectrum.frequency,
    y: curve.spectrum.power,
    name: curve.name,
    mode: 'lines+markers',
    line: { color: PALETTE[i] },
    marker: { size: 5 },
  }));
  if (withInverseSquare) {
    const { frequency, power } = curves[0].spectrum;
    const anchor = power[0] * frequency[0] ** 2;
    traces.push({
      x: frequency,
      y: frequency.map((f) => anchor / f ** 2),
      name: '∝ 1/f² (through the data at the lowest f)',
      mode: 'lines',
      line: { dash: 'dash', color: '#444444' },
    });
  }
  return linePlot(traces, {
    title,
    xaxis: { title: 'spatial frequency f (cycles/pixel)', type: 'log' },
    yaxis: { title: 'mean power |F(f)|²', type: 'log' },
    legend: { position: 'below' },
  });
}

/** Exact hold-out SM loss at the start (epoch 0) and after every epoch, one curve per objective. */
export function holdoutCurves(histories: { name: string; history: TrainHistory }[], title: string): Promise<Uint8Array> {
  const traces: Trace[] = histories.map(({ name, history }, i) => ({
    x: [0, ...history.holdoutLoss.map((_, e) => e + 1)],
    y: [history.initialHoldoutLoss, ...history.holdoutLoss],
    name,
    mode: 'lines+markers',
    line: { color: PALETTE[i] },
  }));
  return linePlot(traces, { title, xaxis: { title: 'epoch', minTickStep: 1 }, yaxis: { title: 'hold-out mean ½‖ψ‖² + Δ log p' } });
}

/** Fitted covariance eigenvalues of DSM against σₙ², beside the closed form λ + σₙ² (lines). */
export function gaussianDsmPlot(rows: GaussianDsmRow[], title: string): Promise<Uint8Array> {
  const x = rows.map((r) => r.noise_std ** 2);
  const traces: Trace[] = [];
  rows[0].fitted.forEach((_, k) => {
    traces.push({
      x,
      y: rows.map((r) => r.predicted[k]),
      name: 'λ + σₙ² (closed form)',
      mode: 'lines',
      line: { color: PALETTE[k % PALETTE.length], dash: 'dash' },
      showlegend: k === 0,
    });
    traces.push({
      x,
      y: rows.map((r) => r.fitted[k]),
      name: 'DSM fit from samples',
      mode: 'markers',
      marker: { color: PALETTE[k % PALETTE.length], size: 9 },
      showlegend: k === 0,
    });
  });
  return linePlot(traces, { title, xaxis: { title: 'noise variance σₙ²' }, yaxis: { title: 'eigenvalue of the fitted covariance' } });
}
