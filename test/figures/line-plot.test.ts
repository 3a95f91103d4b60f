import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linePlot, linePlotSvg, PALETTE, Trace } from '../../lib/figures/line-plot';
import { linearTicks, logTicks } from '../../lib/figures/ticks';
import { decodePng, pngSize } from './png-facts';

function hexToRgb(hex: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

function countColour(decoded: Awaited<ReturnType<typeof decodePng>>, hex: string, tolerance = 12): number {
  const target = hexToRgb(hex);
  let count = 0;
  for (let y = 0; y < decoded.height; y++) {
    for (let x = 0; x < decoded.width; x++) {
      const rgb = decoded.rgb(x, y);
      if (rgb.every((c, k) => Math.abs(c - target[k]) <= tolerance)) count++;
    }
  }
  return count;
}

/** The plot area as written in the SVG's clip path. */
function plotArea(svg: string): { x: number; y: number; width: number; height: number } {
  const match = /<clipPath id="plot-area"><rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/.exec(svg);
  assert.ok(match, 'SVG has a plot-area clip path');
  const [x, y, width, height] = match.slice(1).map(Number);
  return { x, y, width, height };
}

function textsOf(svg: string): string[] {
  return Array.from(svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g), (m) => m[1]);
}

const steps = Array.from({ length: 200 }, (_, i) => i * 5);
const fourSeries: Trace[] = [
  { x: steps, y: steps.map((s) => 2 * Math.exp(-s / 300) + 0.01), name: 'SM' },
  { x: steps, y: steps.map((s) => Math.exp(-s / 500) + 0.02), name: 'NCE', line: { dash: 'dash' } },
  { x: steps, y: steps.map((s) => 0.5 * Math.exp(-s / 200) + 0.005), name: 'CNCE', line: { dash: 'dot' } },
  { x: steps.slice(0, 10).map((s) => s * 20), y: [1, 0.6, 0.3, 0.2, 0.1, 0.08, 0.06, 0.05, 0.045, 0.04], name: 'validation', mode: 'markers' },
];

test('a line plot is a PNG of the requested size, 720×420 by default', async () => {
  const start = performance.now();
  const png = await linePlot(fourSeries, { title: 'loss', xaxis: { title: 'step' }, yaxis: { title: 'loss', type: 'log' } });
  console.log(`linePlot, 4 series, log y: ${(performance.now() - start).toFixed(0)} ms`);
  assert.deepEqual(pngSize(png), { width: 720, height: 420 });
  assert.deepEqual(pngSize(await linePlot([{ y: [1, 2, 3] }], { width: 400, height: 300 })), { width: 400, height: 300 });
});

test('each series is drawn in its own palette colour', async () => {
  const decoded = await decodePng(await linePlot(fourSeries.slice(0, 2), { yaxis: { type: 'log' } }));
  assert.ok(countColour(decoded, PALETTE[0]) > 200, 'first series in palette colour 0');
  assert.ok(countColour(decoded, PALETTE[1]) > 100, 'second (dashed) series in palette colour 1');
  assert.equal(countColour(decoded, PALETTE[2]), 0, 'no third series, no third colour');
});

test('a point lands where the axis ranges put it', async () => {
  // y = 1 on a [0, 2] axis is the vertical middle; x runs over the whole [0, 10] axis.
  const traces: Trace[] = [{ x: [0, 10], y: [1, 1], mode: 'lines' }];
  const layout = { xaxis: { range: [0, 10] as [number, number] }, yaxis: { range: [0, 2] as [number, number] } };
  const area = plotArea(linePlotSvg(traces, layout));
  const decoded = await decodePng(await linePlot(traces, layout));
  const middleY = Math.floor(area.y + area.height / 2);
  const quarterY = Math.floor(area.y + area.height / 4);
  const blue = hexToRgb(PALETTE[0]);
  const x = Math.floor(area.x + area.width / 3);
  assert.deepEqual(decoded.rgb(x, middleY), blue);
  assert.notDeepEqual(decoded.rgb(x, quarterY), blue);
});

test('a log y axis refuses a value ≤ 0 and names the trace and index', async () => {
  const traces: Trace[] = [
    { y: [1, 0.5], name: 'train' },
    { y: [1, 0.1, 0], name: 'loss' },
  ];
  await assert.rejects(linePlot(traces, { yaxis: { type: 'log' } }), /y axis is logarithmic, but trace "loss" \(#1\) has y\[2\] = 0/);
  // The default x is 0, 1, …, which a log x axis cannot show either.
  await assert.rejects(linePlot([{ y: [1, 2] }], { xaxis: { type: 'log' } }), /x axis is logarithmic, but trace #0 has x\[0\] = 0/);
});

test('x and y of different lengths are refused, naming the trace', async () => {
  await assert.rejects(linePlot([{ x: [1, 2, 3], y: [1, 2], name: 'nce' }]), /trace "nce" \(#0\) has x of length 3 but y of length 2/);
});

test('non-finite points leave gaps: the line breaks there and a lone point stays visible', () => {
  const svg = linePlotSvg([{ y: [1, 2, Number.NaN, 3, 4, Number.POSITIVE_INFINITY, 5], mode: 'lines' }]);
  const path = new RegExp(`<path d="([^"]*)" fill="none" stroke="${PALETTE[0]}"`).exec(svg);
  assert.ok(path, 'trace path present');
  assert.equal(path[1].match(/M/g)?.length, 2, 'two line pieces: [1, 2] and [3, 4]');
  assert.equal(path[1].match(/L/g)?.length, 2);
  assert.equal(svg.match(/<circle /g)?.length, 1, 'the lone point 5 is drawn as a dot');
});

test('log axes are labelled at decades', () => {
  const y = [1e-4, 1e-3, 1e-2, 1e-1, 1];
  const texts = textsOf(linePlotSvg([{ y }], { yaxis: { type: 'log' } }));
  for (const label of ['10⁻⁴', '10⁻³', '10⁻²', '10⁻¹', '10⁰']) assert.ok(texts.includes(label), `missing tick ${label}`);
  assert.deepEqual(
    logTicks(0.01, 100, { length: 200 }).major.map((t) => t.label),
    ['0.01', '0.1', '1', '10', '100'],
  );
  // As in plotly, a log axis range is given in log10 units.
  const ranged = textsOf(linePlotSvg([{ y }], { yaxis: { type: 'log', range: [-2, 1] } }));
  for (const label of ['0.01', '0.1', '1', '10']) assert.ok(ranged.includes(label), `missing tick ${label}`);
  assert.ok(!ranged.includes('0.001'));
  // Less than two decades in view: 1-2-5 steps (or denser, as room allows) instead of a single lonely decade.
  assert.deepEqual(
    logTicks(0.15, 2.5, { length: 200 }).major.map((t) => t.value),
    [0.2, 0.5, 1, 2],
  );
  assert.deepEqual(
    logTicks(0.15, 2.5, { length: 400 }).major.map((t) => t.value),
    [0.2, 0.3, 0.5, 1, 2],
  );
});

test('linear axes get 1-2-5 tick steps with labels to the step’s precision', () => {
  assert.deepEqual(
    linearTicks(0, 1, 5).map((t) => t.label),
    ['0', '0.2', '0.4', '0.6', '0.8', '1.0'],
  );
  assert.deepEqual(
    linearTicks(-0.012, 0.012, 5).map((t) => t.label),
    ['\u22120.010', '\u22120.005', '0', '0.005', '0.010'],
  );
  assert.deepEqual(
    linearTicks(0, 3e5, 3).map((t) => t.label),
    ['0', '1e5', '2e5', '3e5'],
  );
});

test('legend names are escaped and legends appear only for several traces unless asked', () => {
  const two = linePlotSvg([{ y: [1, 2], name: 'a<b & c' }, { y: [2, 1] }]);
  assert.ok(textsOf(two).includes('a&#60;b &#38; c'));
  assert.ok(textsOf(two).includes('trace 1'), 'an unnamed trace is called "trace i", as in plotly');
  assert.ok(!textsOf(linePlotSvg([{ y: [1, 2], name: 'solo' }])).includes('solo'));
  assert.ok(textsOf(linePlotSvg([{ y: [1, 2], name: 'solo' }], { showlegend: true })).includes('solo'));
});

test('a plot with no finite point at all is refused', async () => {
  await assert.rejects(linePlot([{ y: [Number.NaN, Number.NaN] }]), /no finite \(x, y\) point/);
});

test('a series that is constant up to rounding gets an axis around its value', () => {
  const texts = textsOf(linePlotSvg([{ y: [0.1 + 0.2, 0.3, 0.3] }]));
  assert.ok(texts.includes('0.30'), `ticks: ${texts.join(' ')}`);
  assert.ok(texts.includes('0.28') && texts.includes('0.32'), `±10% around 0.3: ${texts.join(' ')}`);
});
