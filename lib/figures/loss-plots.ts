// Loss-curve figures with the references a reader needs to judge them.
//
// Chance levels. NCE's loss here is mean_data softplus(−G) + ν · mean_noise softplus(G) with
// G = log p_θ − log p_n − log ν (lib/gaussian/contrastive/nce.ts). A classifier that has learned nothing puts
// the prior 1/(1+ν) on "data" everywhere, i.e. G ≡ −log ν, so the loss is
//   softplus(log ν) + ν·softplus(−log ν) = ln(1+ν) + ν ln((1+ν)/ν),
// which is 2 ln 2 at ν = 1. cNCE's loss mean softplus(−G) with G = log φ(x) − log φ(y) is ln 2 at
// G ≡ 0 (data and its perturbation told apart no better than a coin).
//
// Optimum gap. A deterministic (full-batch) loss is best shown as J(θ_t) − J* on a log axis, with
// J* the optimum computed in float64 by the caller: the curve then shows the convergence rate, and
// its floor shows how close float32 training gets. Steps at or below J* (rounding) cannot be drawn on
// a log axis; they are counted in the legend rather than hidden.
import { linePlot, PlotLayout, ReferenceLine, Trace } from './line-plot';

/** NCE loss of a classifier at chance, for ν noise samples per data sample: ln(1+ν) + ν ln((1+ν)/ν). */
export function nceChanceLoss(nu: number): number {
  if (!(Number.isFinite(nu) && nu > 0)) throw new Error(`nceChanceLoss: ν must be a positive number, got ${nu}`);
  return Math.log1p(nu) + nu * Math.log1p(1 / nu);
}

/** cNCE loss at chance: ln 2. */
export const CNCE_CHANCE_LOSS = Math.LN2;

/** Reference line at NCE's chance level, labelled with its formula and value. */
export function nceChanceReference(nu: number): ReferenceLine {
  const value = nceChanceLoss(nu);
  const formula = nu === 1 ? '2 ln 2' : 'ln(1+ν) + ν ln((1+ν)/ν)';
  return { y: value, label: `chance (ν = ${nu}): ${formula} = ${value.toFixed(3)}` };
}

/** Reference line at cNCE's chance level ln 2. */
export function cnceChanceReference(): ReferenceLine {
  return { y: CNCE_CHANCE_LOSS, label: `chance: ln 2 = ${CNCE_CHANCE_LOSS.toFixed(3)}` };
}

export interface LossGapCurve {
  name: string;
  /** Loss per step. */
  loss: ArrayLike<number>;
  /** J*: the loss at the optimum, computed in float64. */
  optimum: number;
  /** Steps (default 0, 1, …). */
  x?: ArrayLike<number>;
}

/** The J(θ_t) − J* values, non-positive ones as NaN (not drawable on a log axis), and how many those are. */
export function lossGap(loss: ArrayLike<number>, optimum: number): { gap: Float64Array; atOrBelow: number } {
  if (!Number.isFinite(optimum)) throw new Error(`lossGap: the optimum J* must be finite, got ${optimum}`);
  const gap = new Float64Array(loss.length);
  let atOrBelow = 0;
  for (let i = 0; i < loss.length; i++) {
    const g = loss[i] - optimum;
    if (Number.isFinite(g) && g <= 0) atOrBelow++;
    gap[i] = g > 0 ? g : Number.NaN;
  }
  return { gap, atOrBelow };
}

/**
 * Log plot of J(θ_t) − J* per curve. The default title and y-axis title say exactly that; a curve
 * with steps at or below J* says how many in its legend entry.
 */
export async function lossGapPlot(curves: LossGapCurve[], layout: PlotLayout = {}): Promise<Uint8Array> {
  if (!Array.isArray(curves) || curves.length === 0) throw new Error('lossGapPlot: no curves given, expected at least one');
  const traces: Trace[] = curves.map((curve) => {
    const { gap, atOrBelow } = lossGap(curve.loss, curve.optimum);
    const note = atOrBelow > 0 ? ` (${atOrBelow} steps ≤ J*, not drawn)` : '';
    return { x: curve.x, y: gap, name: `${curve.name}${note}`, mode: 'lines' };
  });
  return linePlot(traces, {
    title: 'J(θ_t) − J*, J* = the loss at its float64 optimum',
    ...layout,
    xaxis: { title: 'step', ...layout.xaxis },
    yaxis: { title: 'J(θ_t) − J*', ...layout.yaxis, type: 'log' },
  });
}
