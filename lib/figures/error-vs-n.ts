// Estimation error against sample size N on log–log axes, one colour per method. Only fits that
// converged are estimates, so only they are joined by the method's line (filled markers); fits that
// stopped early (at the cone edge, separable data, …) are drawn apart as hollow markers in the same
// colour, so a reader sees both which method stopped and at which N. An optional dashed guide of
// slope −½ shows the 1/√N rate a consistent estimator's error follows.
import { linePlot, PALETTE, PlotLayout, Trace } from './line-plot';

export interface ErrorSeries {
  name: string;
  n: number[];
  error: number[];
  /** Per fit: false draws it as a stopped (hollow) marker. Default: all converged. */
  converged?: boolean[];
}

export interface ErrorVsNOptions extends PlotLayout {
  /** Draw a ∝ 1/√N guide through the first series' first converged point (default true). */
  sqrtGuide?: boolean;
}

/** The traces errorVsNPlot draws: per series its converged fits joined, its stopped ones hollow. */
export function errorVsNTraces(series: ErrorSeries[], sqrtGuide = true): Trace[] {
  if (!Array.isArray(series) || series.length === 0) throw new Error('errorVsNPlot: no series given, expected at least one');
  const traces: Trace[] = [];
  let anyStopped = false;
  series.forEach((s, k) => {
    const converged = s.converged ?? s.n.map(() => true);
    if (s.error.length !== s.n.length || converged.length !== s.n.length) {
      throw new Error(
        `errorVsNPlot: series "${s.name}" has ${s.n.length} N, ${s.error.length} errors and ${converged.length} converged flags; ` + 'they must match',
      );
    }
    const colour = PALETTE[k % PALETTE.length];
    const keep = (want: boolean) => s.n.map((_, i) => i).filter((i) => converged[i] === want);
    const good = keep(true);
    const stopped = keep(false);
    const pick = (indices: number[]) => ({ x: indices.map((i) => s.n[i]), y: indices.map((i) => s.error[i]) });
    traces.push({ ...pick(good), name: s.name, mode: 'lines+markers', line: { color: colour } });
    if (stopped.length > 0) {
      anyStopped = true;
      traces.push({
        ...pick(stopped),
        name: `${s.name} (stopped)`,
        mode: 'markers',
        line: { color: colour },
        marker: { symbol: 'circle-open', size: 10 },
        showlegend: false,
      });
    }
  });
  if (anyStopped) {
    // One legend entry explains every hollow marker, whatever its colour.
    const explanation = 'hollow: fit stopped, not an estimate';
    const hollow = { symbol: 'circle-open' as const, size: 10 };
    traces.push({ x: [], y: [], name: explanation, mode: 'markers', line: { color: '#444444' }, marker: hollow });
  }
  if (sqrtGuide) {
    const first = series.find((s) => s.n.some((_, i) => s.converged?.[i] ?? true));
    if (first) {
      const ns = first.n.filter((_, i) => first.converged?.[i] ?? true);
      const i0 = first.n.indexOf(Math.min(...ns));
      const nMax = Math.max(...series.flatMap((s) => s.n));
      if (nMax > first.n[i0]) {
        const anchor = first.error[i0];
        traces.push({
          x: [first.n[i0], nMax],
          y: [anchor, anchor * Math.sqrt(first.n[i0] / nMax)],
          name: '∝ 1/√N',
          mode: 'lines',
          line: { color: '#888888', dash: 'dash', width: 1.5 },
        });
      }
    }
  }
  return traces;
}

export async function errorVsNPlot(series: ErrorSeries[], opts: ErrorVsNOptions = {}): Promise<Uint8Array> {
  const { sqrtGuide, ...layout } = opts;
  return linePlot(errorVsNTraces(series, sqrtGuide ?? true), {
    ...layout,
    xaxis: { title: 'N (samples)', ...layout.xaxis, type: 'log' },
    yaxis: { title: 'relative Frobenius error', ...layout.yaxis, type: 'log' },
  });
}
