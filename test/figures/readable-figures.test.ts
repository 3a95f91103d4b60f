import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linePlotSvg, PALETTE, Trace } from '../../lib/figures/line-plot';
import { logTicks } from '../../lib/figures/ticks';
import { smoothSeries } from '../../lib/figures/smoothing';
import { heatmapLayout, percentileRange } from '../../lib/figures/heatmap';
import { gridCouplings, precisionMapFigure, precisionDifferenceFigure } from '../../lib/figures/precision-maps';
import { lossGap, nceChanceLoss } from '../../lib/figures/loss-plots';
import { errorVsNPlot, errorVsNTraces } from '../../lib/figures/error-vs-n';
import { pngSize } from './png-facts';

function plotArea(svg: string) {
  const m = /<clipPath id="plot-area"><rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/.exec(svg);
  assert.ok(m);
  const [x, y, width, height] = m.slice(1).map(Number);
  return { x, y, width, height };
}

test('a centred running mean reproduces a straight line inside and averages the truncated window at the ends', () => {
  const y = Array.from({ length: 20 }, (_, i) => 3 + 2 * i);
  const s = smoothSeries(y, { window: 5 });
  for (let i = 2; i < 18; i++) assert.ok(Math.abs(s[i] - y[i]) < 1e-12, `interior ${i}`);
  assert.equal(s[0], (y[0] + y[1] + y[2]) / 3);
  assert.ok(Number.isNaN(smoothSeries([1, Number.NaN, 3], { window: 3 })[1]), 'a gap stays a gap');
  assert.equal(smoothSeries([1, Number.NaN, 3], { window: 3 })[0], 1, 'and is left out of the averages');
});

test('the bias-corrected EMA keeps a constant exactly and lags a slope b by b·(w−1)/2', () => {
  const constant = smoothSeries(new Array(50).fill(7), { window: 10, kind: 'ema' });
  for (const v of constant) assert.ok(Math.abs(v - 7) < 1e-12);
  const ramp = Array.from({ length: 2000 }, (_, i) => 0.5 * i);
  const s = smoothSeries(ramp, { window: 21, kind: 'ema' });
  assert.ok(Math.abs(ramp[1999] - s[1999] - 0.5 * 10) < 1e-9, `lag ${ramp[1999] - s[1999]}`);
  assert.throws(() => smoothSeries([1], { window: 0 }), /window must be an integer ≥ 1/);
});

test('NCE at chance: ln(1+ν) + ν ln((1+ν)/ν) equals the loss of G ≡ −ln ν, and 2 ln 2 at ν = 1', () => {
  const softplus = (z: number) => Math.log1p(Math.exp(z));
  for (const nu of [1, 3, 10]) assert.ok(Math.abs(nceChanceLoss(nu) - (softplus(Math.log(nu)) + nu * softplus(-Math.log(nu)))) < 1e-12);
  assert.ok(Math.abs(nceChanceLoss(1) - 2 * Math.LN2) < 1e-15);
});

test('reference lines are drawn inside the plotted range even far from the data, and a range that excludes one is refused', () => {
  const svg = linePlotSvg([{ y: [100, 120, 90, 110] }], { references: [{ y: 3.35, label: 'chance' }] });
  const area = plotArea(svg);
  const ref = /<path d="M([\d.]+) ([\d.]+)h[\d.]+" stroke="#555555"/.exec(svg);
  assert.ok(ref, 'reference line drawn');
  const y = Number(ref[2]);
  assert.ok(y > area.y && y < area.y + area.height, `line at y=${y} inside ${area.y}..${area.y + area.height}`);
  assert.ok(svg.includes('>chance</text>'));
  const outside = { yaxis: { range: [0, 3] as [number, number] }, references: [{ y: 5, label: 'far' }] };
  assert.throws(() => linePlotSvg([{ y: [1, 2] }], outside), /reference "far" at y = 5 lies outside/);
});

test('markers keep clear of the frame: every marker centre is at least its radius plus 4 px inside', () => {
  const svg = linePlotSvg([{ x: [500, 2000], y: [0.1, 0.05], mode: 'lines+markers' }], { xaxis: { type: 'log' }, yaxis: { type: 'log' } });
  const area = plotArea(svg);
  const circles = Array.from(svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)"/g), (m) => m.slice(1).map(Number));
  assert.equal(circles.length, 2);
  for (const [cx, cy, r] of circles) {
    assert.ok(cx - area.x >= r + 4 && area.x + area.width - cx >= r + 4, `x ${cx} in ${area.x}+${area.width}`);
    assert.ok(cy - area.y >= r + 4 && area.y + area.height - cy >= r + 4, `y ${cy}`);
  }
});

test('log axes over less than a decade get 1-2-3-5… labels that keep their spacing', () => {
  const ticks = logTicks(450, 2200, { length: 560, minSpacing: 14, labelWidth: (l) => 7 * l.length });
  const values = ticks.major.map((t) => t.value);
  assert.ok(values.length >= 5, `labels ${values}`);
  assert.ok(values.includes(500) && values.includes(1000) && values.includes(2000));
  assert.ok(
    ticks.major.every((t) => !t.label.includes('¹') && !t.label.includes('³')),
    'plain labels, no 10³ among them',
  );
  for (let i = 1; i < values.length; i++) {
    const gap = (Math.log10(values[i] / values[i - 1]) / Math.log10(2200 / 450)) * 560;
    assert.ok(gap >= 14 + 7 * 4, `gap ${gap} px between ${values[i - 1]} and ${values[i]}`);
  }
  assert.ok(ticks.minor.includes(700), 'unlabelled minor ticks at the other m·10ᵏ');
  // A short axis over four decades keeps one label per decade.
  assert.deepEqual(
    logTicks(0.01, 100, { length: 120, minSpacing: 25 }).major.map((t) => t.label),
    ['0.01', '0.1', '1', '10', '100'],
  );
});

test('a hollow marker is an outline in its trace colour over white', () => {
  const svg = linePlotSvg([{ x: [1, 2], y: [1, 2], mode: 'markers', marker: { symbol: 'circle-open' }, line: { color: '#D55E00' } }]);
  assert.match(svg, /<circle [^>]*fill="#ffffff" stroke="#D55E00"/);
  assert.throws(() => linePlotSvg([{ y: [1], marker: { symbol: 'star' as never } }]), /marker.symbol "star"/);
});

test('a long legend leaves the plot its width: inside an empty corner or below, never a 40% column', () => {
  const traces: Trace[] = [
    { x: [1, 2, 3], y: [-400, -425, -445], name: 'training (mean over the epoch)' },
    { x: [0, 1, 2, 3], y: [-168, -183, -195, -195], name: 'hold-out (after the epoch)' },
  ];
  const area = plotArea(linePlotSvg(traces, { width: 640, height: 320 }));
  assert.ok(area.width >= 0.8 * 640, `plot ${area.width} px of 640`);
  const right = plotArea(linePlotSvg(traces, { width: 640, height: 320, legend: { position: 'right' } }));
  assert.ok(right.width < 0.7 * 640, 'the old right-hand legend, when asked for, still takes its room');
});

test('an empty corner takes the legend only where no curve passes', () => {
  // A curve falling from top-left to bottom-right leaves the top-right corner free.
  const x = Array.from({ length: 50 }, (_, i) => i);
  const svg = linePlotSvg([
    { x, y: x.map((v) => Math.exp(-v / 5)), name: 'a' },
    { x, y: x.map((v) => 0.5 * Math.exp(-v / 5)), name: 'b' },
  ]);
  const area = plotArea(svg);
  const box = /<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="#fff"/.exec(svg);
  assert.ok(box, 'legend box drawn');
  const [bx, by] = box.slice(1).map(Number);
  assert.ok(bx > area.x + area.width / 2 && by < area.y + area.height / 2, 'top-right, inside the plot');
});

test('percentile clipping: symmetric, over nonzero off-diagonal entries, so a sparse matrix is not clipped to 0', () => {
  const n = 100;
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = 50;
  for (let i = 0; i + 1 < n; i++) m[i * n + i + 1] = m[(i + 1) * n + i] = i % 2 ? -1 : 1;
  m[1] = m[n] = 40; // one outlier pair
  const [lo, hi] = percentileRange(m, 90, true, n, n);
  assert.equal(hi, -lo);
  assert.equal(hi, 1, 'the 90th percentile of |off-diagonal| is the neighbours, not the diagonal or the outlier');
  const layout = heatmapLayout(m, n, n, { clipPercentile: 90 });
  assert.deepEqual(layout.range, [-1, 1]);
  assert.equal(layout.clipped, n + 2, 'the diagonal and the outlier pair are beyond the scale');
});

test('grid couplings put Λ(i, neighbour) at pixel i and NaN where the neighbour is off the grid', async () => {
  const side = 4;
  const D = side * side;
  const lambda = new Float64Array(D * D);
  const value = (i: number, j: number) => 1000 * Math.min(i, j) + Math.max(i, j); // symmetric, each pair unique
  for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) lambda[i * D + j] = value(i, j);
  const maps = gridCouplings(lambda, side);
  assert.equal(maps.diagonal[5], value(5, 5));
  assert.equal(maps.couplings.right[5], value(5, 6));
  assert.equal(maps.couplings.down[5], value(5, 9));
  assert.equal(maps.couplings['down-right'][5], value(5, 10));
  assert.equal(maps.couplings['down-left'][5], value(5, 8));
  assert.ok(Number.isNaN(maps.couplings.right[3]) && Number.isNaN(maps.couplings.down[13]) && Number.isNaN(maps.couplings['down-left'][4]));
  const { width } = pngSize(await precisionMapFigure(lambda, side, { title: 't' }));
  assert.ok(width <= 980, `a 28×28-style figure fits the report: ${width}`);
  assert.throws(() => gridCouplings(new Float64Array(10), 4), /needs a 16×16 precision/);
  await assert.rejects(precisionDifferenceFigure(lambda, new Float64Array(3), side), /they must match/);
});

test('the figure of a 784×784 precision on 28×28 maps is at most 980 px wide', async () => {
  const identityTimesTwo = new Float64Array(784 * 784).map((_, k) => (k % 785 === 0 ? 2 : 0));
  const { width } = pngSize(await precisionMapFigure(identityTimesTwo, 28, { title: 'diagonal only' }));
  assert.ok(width <= 980, `${width}`);
});

test('loss − J* drops steps at or below J* from the log plot and counts them', () => {
  const { gap, atOrBelow } = lossGap([3, 2.5, 2, 2, 1.9999], 2);
  assert.deepEqual(Array.from(gap.slice(0, 2)), [1, 0.5]);
  assert.equal(atOrBelow, 3);
  assert.ok(Number.isNaN(gap[2]) && Number.isNaN(gap[4]));
});

test('error vs N: stopped fits are hollow in their method colour and out of the line', async () => {
  const png = await errorVsNPlot([
    { name: 'sm', n: [500, 2000, 8000], error: [0.1, 0.05, 0.025] },
    { name: 'nce', n: [500, 2000, 8000], error: [0.3, 0.2, 0.4], converged: [true, true, false] },
  ]);
  assert.ok(pngSize(png).width > 0);
  const traces = errorVsNTraces(
    [
      { name: 'sm', n: [500, 2000], error: [0.1, 0.05] },
      { name: 'nce', n: [500, 2000, 8000], error: [0.3, 0.2, 0.4], converged: [true, false, true] },
    ],
    false,
  );
  const nce = traces.find((t) => t.name === 'nce')!;
  const stopped = traces.find((t) => t.name === 'nce (stopped)')!;
  assert.deepEqual(Array.from(nce.x!), [500, 8000], 'the line joins converged fits only');
  assert.deepEqual(Array.from(stopped.x!), [2000]);
  assert.equal(stopped.marker?.symbol, 'circle-open');
  assert.equal(stopped.line?.color, nce.line?.color, 'in the method colour');
  assert.equal(stopped.showlegend, false);
  assert.ok(
    traces.some((t) => t.name?.startsWith('hollow')),
    'one legend entry explains hollow markers',
  );
  await assert.rejects(errorVsNPlot([{ name: 'x', n: [1, 2], error: [1] }]), /series "x" has 2 N, 1 errors/);
  assert.equal(PALETTE[1], '#D55E00');
});

test('an axis of counts with minTickStep 1 has no tick between integers', () => {
  const svg = linePlotSvg([{ x: [0, 1, 2, 3], y: [3, 2, 1.5, 1.2] }], { xaxis: { minTickStep: 1 }, width: 640, height: 320 });
  const area = plotArea(svg);
  const texts = Array.from(svg.matchAll(/<text x="[\d.]+" y="([\d.]+)"[^>]*>([^<]*)<\/text>/g));
  const below = texts.filter((m) => Number(m[1]) > area.y + area.height).map((m) => m[2]);
  assert.deepEqual(below, ['0', '1', '2', '3']);
});

test('the 1/√N guide falls by √4 = 2 per 4× N from the first converged point', () => {
  const traces = errorVsNTraces([{ name: 'ml', n: [500, 2000, 8000], error: [0.2, 0.1, 0.05] }]);
  const guide = traces.find((t) => t.name === '∝ 1/√N')!;
  assert.deepEqual(Array.from(guide.x!), [500, 8000]);
  assert.ok(Math.abs(guide.y[0] / guide.y[1] - 4) < 1e-12, '16× N, error ÷ 4');
});
