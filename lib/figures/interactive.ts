// Opt-in interactive window for line plots, for readers who know nodeplotlib. Our traces and
// layouts are plotly's own shape, so they pass through unchanged. Never used by the report:
// nodeplotlib's plot() starts a web server on all interfaces and opens a browser (it cannot draw
// into a notebook), and it is an optional dependency that may be missing.
import type { PlotLayout, Trace } from './line-plot';

export function openInteractivePlot(traces: Trace[], layout: PlotLayout = {}): void {
  let nodeplotlib: { plot(data: unknown[], layout?: unknown): void };
  try {
    nodeplotlib = require('nodeplotlib');
  } catch (error) {
    throw new Error(`openInteractivePlot: the optional package nodeplotlib is not installed (${(error as Error).message.split('\n')[0]}); use linePlot() for a PNG instead`);
  }
  // nodeplotlib wants plain arrays; ours may be typed arrays.
  const plain = traces.map((trace) => ({ ...trace, x: trace.x ? Array.from(trace.x) : undefined, y: Array.from(trace.y) }));
  nodeplotlib.plot(plain, layout);
}
