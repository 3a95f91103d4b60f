import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { ChildProcess, spawn } from 'child_process';
import { projectRoot } from '../../lib/report/paths';
import { ExploreFigure, explorationFigures, ReportResults } from '../../scripts/explore/figures';
import { browserChoice } from '../../scripts/explore/open-browser';
import { readReportResults } from '../../scripts/explore/results';

const SIDE = 28;

/** A 28×28 filter: `peak` at the centre pixel, `rest` everywhere else. */
function filter(peak: number, rest: number): number[] {
  const values = new Array(SIDE * SIDE).fill(rest);
  values[14 * SIDE + 14] = peak;
  return values;
}

// Small results in the shape the notebooks write, with numbers chosen so that each can be found again.
const GAUSSIAN = {
  notebook: '01-mnist-gaussian',
  loss_curves: { 'NCE 4': [3, 2, 1.5], 'NCE 8': [4, 2.5], 'SM (gradient) 4': [-1, -2] },
  synthetic: {
    sm: { n: [100, 1000], rel_frobenius_error: [0.3, 0.1], converged: [true, true], status: ['converged', 'converged'] },
    nce: {
      n: [100, 1000, 10000],
      rel_frobenius_error: [0.9, 0.2, 0.05],
      converged: [false, true, true],
      status: ['cone edge', 'converged', 'converged'],
    },
  },
  synthetic_8x8: { sm: { n: [50, 500], rel_frobenius_error: [0.4, 0.12], converged: [true, true], status: ['converged', 'converged'] } },
  models: {
    'sm-4': { heldout_loglik_per_image: 921.25, heldout_bits_per_pixel: 6.25 },
    'nce-8': { heldout_loglik_per_image: 1010.5, heldout_bits_per_pixel: 6.125 },
  },
  baselines: { full: { heldout_loglik_per_image: 1285.75, heldout_bits_per_pixel: 5.5 } },
};
const DEM = {
  notebook: '03-deep-energy-model',
  runs: {
    'whitened-sigma1': {
      train_loss_curve: [-100, -150, -175],
      holdout_loss_curve: [-90, -120, -130, -131],
      logp: {
        train: { n10: { mean: -200, std: 30, n: 10 }, n100: { mean: -210, std: 35, n: 100 } },
        holdout: { n10: { mean: -300, std: 40, n: 10 }, n100: { mean: -310, std: 45, n: 100 } },
      },
      logp_values: { train: [-1, -2, -3], holdout: [-4, -5] },
      mean_filter_energy_in_7x7: 0.5,
    },
  },
};
// Energy share in the 7×7 window around the peak, by hand: a one-hot filter has all of it; peak 2 and
// 1 elsewhere has (4 + 48) / (4 + 783).
const FILTERS = [filter(1, 0), filter(2, 1)];
const FILTER_SHARES = [1, 52 / 787];

const REPORT: ReportResults = {
  results: [
    { file: '01-mnist-gaussian.json', results: GAUSSIAN },
    { file: '03-deep-energy-model.json', results: DEM },
  ],
  filters: [{ file: '03-filters-whitened-sigma1.json', run: 'whitened-sigma1', filters: FILTERS }],
};

function byTitle(figures: ExploreFigure[], text: string): ExploreFigure {
  const found = figures.filter((f) => f.layout.title.text.includes(text));
  const titles = figures.map((f) => f.layout.title.text).join(' | ');
  assert.equal(found.length, 1, `expected one figure titled with "${text}", got ${found.length} among: ${titles}`);
  return found[0];
}

function trace(figure: ExploreFigure, name: string) {
  const found = figure.data.find((t) => t.name === name);
  assert.ok(found, `"${figure.layout.title.text}" has no trace "${name}" (has ${figure.data.map((t) => t.name).join(', ')})`);
  return found;
}

test('the figure specs hold exactly the numbers of the results JSON', () => {
  const { figures, notes } = explorationFigures(REPORT);
  assert.deepEqual(notes, []);

  const nce = byTitle(figures, 'NCE: training loss');
  assert.deepEqual(nce.data.map((t) => [t.name, t.x, t.y]), [['NCE 4', [0, 1, 2], [3, 2, 1.5]], ['NCE 8', [0, 1], [4, 2.5]]]);
  assert.deepEqual(trace(byTitle(figures, 'SM (gradient): training loss'), 'SM (gradient) 4').y, [-1, -2]);

  const big = byTitle(figures, '28×28 ground truth');
  assert.equal(big.layout.xaxis.type, 'log');
  assert.equal(big.layout.yaxis.type, 'log');
  assert.deepEqual([trace(big, 'sm').x, trace(big, 'sm').y], [[100, 1000], [0.3, 0.1]]);
  const converged = trace(big, 'nce');
  const stopped = trace(big, 'nce (stopped)');
  assert.deepEqual([converged.x, converged.y], [[1000, 10000], [0.2, 0.05]]);
  assert.deepEqual([stopped.x, stopped.y, stopped.text], [[100], [0.9], ['cone edge']]);
  assert.equal(stopped.marker?.color, converged.line?.color, 'a method\'s stopped fits share its colour');
  assert.deepEqual(trace(byTitle(figures, '8×8 ground truth'), 'sm').y, [0.4, 0.12]);

  const loglik = byTitle(figures, 'Held-out MNIST log-likelihood');
  assert.deepEqual([trace(loglik, 'fitted models').x, trace(loglik, 'fitted models').y], [['sm-4', 'nce-8'], [921.25, 1010.5]]);
  assert.deepEqual([trace(loglik, 'baselines').x, trace(loglik, 'baselines').y], [['full'], [1285.75]]);

  const demLoss = byTitle(figures, 'whitened-sigma1: score-matching loss');
  assert.deepEqual(trace(demLoss, 'training (mean over the epoch)').x, [1, 2, 3]);
  assert.deepEqual(trace(demLoss, 'training (mean over the epoch)').y, [-100, -150, -175]);
  assert.deepEqual(trace(demLoss, 'hold-out (after the epoch)').x, [0, 1, 2, 3], 'the hold-out curve starts before training');
  assert.deepEqual(trace(demLoss, 'hold-out (after the epoch)').y, [-90, -120, -130, -131]);

  const logp = byTitle(figures, 'whitened-sigma1: unnormalised log p');
  const n100 = trace(logp, 'mean ± std, 100 inputs');
  assert.deepEqual([n100.x, n100.y, n100.error_y?.array], [['train', 'holdout'], [-210, -310], [35, 45]]);
  assert.deepEqual(trace(logp, 'mean ± std, 10 inputs').y, [-200, -300]);
  const each = trace(logp, 'each input');
  assert.deepEqual([each.x, each.y], [['train', 'train', 'train', 'holdout', 'holdout'], [-1, -2, -3, -4, -5]]);

  const filters = byTitle(figures, 'Filter localisation');
  const boxes = trace(filters, 'each filter');
  assert.deepEqual(boxes.x, ['whitened-sigma1', 'whitened-sigma1']);
  boxes.y.forEach((share, i) => {
    assert.ok(Math.abs(share - FILTER_SHARES[i]) < 1e-12, `filter ${i}: share ${share}, expected ${FILTER_SHARES[i]}`);
  });
  assert.deepEqual(trace(filters, 'mean (results JSON)').y, [0.5]);
});

test('a missing or malformed key skips its chart with a note naming the key', () => {
  const results = structuredClone(GAUSSIAN) as Record<string, unknown>;
  delete results.loss_curves;
  (results.synthetic as Record<string, Record<string, unknown>>).nce.rel_frobenius_error = [0.9, 0.2];
  const { figures, notes } = explorationFigures({ results: [{ file: '01-mnist-gaussian.json', results }], filters: [] });
  assert.deepEqual(notes, [
    'skipped Gaussian loss curves: 01-mnist-gaussian.json: no "loss_curves"',
    'skipped error against N, 28×28: 01-mnist-gaussian.json: "synthetic.nce" has arrays of different lengths'
      + ' (n: 3, rel_frobenius_error: 2, converged: 3, status: 3)',
    'skipped DEM loss curves: no results file 03-*.json',
    'skipped log p per input set: no results file 03-*.json',
    'skipped filter statistics: no results file 03-*.json',
  ]);
  assert.deepEqual(figures.map((f) => f.layout.title.text.split(':')[0]), [
    '8×8 ground truth',
    'Held-out MNIST log-likelihood per model (higher is better)',
  ]);
});

test('a filters file that is not a list of square filters skips the filter chart', () => {
  const { notes } = explorationFigures({ ...REPORT, filters: [{ file: '03-filters-x.json', run: 'x', filters: [[1, 2, 3]] }] });
  assert.deepEqual(notes, [
    'skipped filter statistics: 03-deep-energy-model.json: 03-filters-x.json is not an array of filters of side² finite numbers each',
  ]);
});

function tempReport(files: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lfr-explore-'));
  fs.mkdirSync(path.join(dir, 'results'));
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, 'results', name), JSON.stringify(content));
  return dir;
}

test('reading a report: results objects and filter files apart; a folder without results is named in the error', () => {
  const dir = tempReport({
    '01-mnist-gaussian.json': GAUSSIAN,
    '03-filters-whitened-sigma1.json': FILTERS,
    'summary.json': { ignored: true },
  });
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'lfr-explore-empty-'));
  try {
    const report = readReportResults(dir);
    assert.deepEqual(report.results.map((r) => r.file), ['01-mnist-gaussian.json']);
    assert.deepEqual(report.filters.map((f) => [f.file, f.run]), [['03-filters-whitened-sigma1.json', 'whitened-sigma1']]);
    assert.throws(
      () => readReportResults(empty),
      (error: Error) => error.message.includes(path.join(empty, 'results')) && /no results JSON/.test(error.message),
    );
    fs.writeFileSync(path.join(dir, 'results', '02-broken.json'), '{ not json');
    assert.throws(() => readReportResults(dir), /02-broken\.json is not valid JSON/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(empty, { recursive: true, force: true });
  }
});

test('a browser is opened only when asked, off CI and with a display', () => {
  assert.deepEqual(browserChoice(true, { DISPLAY: ':0' }, 'linux'), { open: false, reason: '--no-open' });
  assert.deepEqual(browserChoice(false, { DISPLAY: ':0', CI: 'true' }, 'linux'), { open: false, reason: 'CI is set' });
  assert.deepEqual(browserChoice(false, {}, 'linux'), { open: false, reason: 'no DISPLAY or WAYLAND_DISPLAY' });
  assert.deepEqual(browserChoice(false, { WAYLAND_DISPLAY: 'wayland-0', CI: 'false' }, 'linux'), { open: true });
  assert.deepEqual(browserChoice(false, {}, 'darwin'), { open: true });
});

// ---- end to end: the served page and the plots its socket.io client receives ----

const WAIT_MS = 20_000; // start-up of tsx + NestJS takes 2–4 s on this machine class
const REQUEST_MS = 5_000;

function request(method: 'GET' | 'POST', url: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    // agent: false and Connection: close, so no kept-alive socket outlives the test.
    const headers = { Connection: 'close', 'Content-Type': 'text/plain;charset=UTF-8' };
    const req = http.request(url, { method, agent: false, timeout: REQUEST_MS, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer within ${REQUEST_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * The plots as nodeplotlib's page receives them: socket.io 4 over Engine.IO long-polling (the only
 * transport its gateway allows). Engine.IO packets are separated by \x1e; "4" is a message, whose
 * socket.io packets are "0" (connect) and "2" (event: a JSON array [name, payload]).
 */
async function servedPlots(base: string, expected: number): Promise<{ id: number; data: unknown; layout: unknown }[]> {
  const poll = `${base}socket.io/?EIO=4&transport=polling`;
  const open = await request('GET', poll);
  const sid = /"sid":"([^"]+)"/.exec(open.text)?.[1];
  assert.ok(open.text.startsWith('0') && sid, `Engine.IO handshake: ${open.text.slice(0, 200)}`);
  const session = `${poll}&sid=${sid}`;
  assert.equal((await request('POST', session, '40')).text, 'ok');
  assert.match((await request('GET', session)).text, /^40/, 'socket.io connect acknowledged');
  assert.equal((await request('POST', session, '42["readplots"]')).text, 'ok');
  const plots: { id: number; data: unknown; layout: unknown }[] = [];
  const deadline = Date.now() + WAIT_MS;
  while (plots.length < expected && Date.now() < deadline) {
    for (const packet of (await request('GET', session)).text.split('\x1e')) {
      if (!packet.startsWith('42')) continue;
      const [event, payload] = JSON.parse(packet.slice(2));
      if (event === 'plotdata') plots.push(payload);
    }
  }
  return plots.sort((a, b) => a.id - b.id);
}

function waitForUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`explore printed no URL within ${WAIT_MS} ms:\n${output}`)), WAIT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /at (http:\/\/\S+\/) /.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`explore exited (code ${code}) before serving:\n${output}`));
    });
  });
}

function waitForExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`explore did not exit within ${REQUEST_MS} ms of SIGINT`)), REQUEST_MS);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/** True when a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: REQUEST_MS });
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
    socket.on('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

function hasNodeplotlib(): boolean {
  try {
    require.resolve('nodeplotlib/src/lib/server/server.module');
    return true;
  } catch {
    return false;
  }
}

/** The plotly.js build nodeplotlib's page was made for, installed as an npm package. */
function hasLocalPlotly(): boolean {
  try {
    return require('plotly.js-dist-min/package.json').version === '1.58.4';
  } catch {
    return false;
  }
}

test('explore --no-open serves the results as nodeplotlib plots on 127.0.0.1 and stops on Ctrl-C', { timeout: 60_000 }, async (t) => {
  if (!hasNodeplotlib()) {
    t.skip('the optional dependency nodeplotlib is not installed');
    return;
  }
  const dir = tempReport({
    '01-mnist-gaussian.json': GAUSSIAN,
    '03-deep-energy-model.json': DEM,
    '03-filters-whitened-sigma1.json': FILTERS,
  });
  const env = { ...process.env };
  delete env.NODEPLOTLIB_PORT;
  const args = ['--import', 'tsx', path.join('scripts', 'explore.ts'), '--no-open', '--report', dir];
  const child = spawn(process.execPath, args, { cwd: projectRoot(), env, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await waitForUrl(child);
    const { hostname, port } = new URL(url);
    assert.equal(hostname, '127.0.0.1');

    const page = await request('GET', url);
    assert.equal(page.status, 200);
    assert.match(page.text, /<npl-root>/, 'nodeplotlib\'s web client');
    const plotlyScript = /<script[^>]*src="([^"]*plotly[^"]*)"/.exec(page.text)?.[1];
    if (hasLocalPlotly()) {
      assert.equal(plotlyScript, '/plotly-1.58.4.min.js');
      const script = await request('GET', new URL(plotlyScript, url).href);
      assert.equal(script.status, 200);
      assert.match(script.text.slice(0, 100), /plotly\.js v1\.58\.4/);
    } else {
      assert.equal(plotlyScript, 'https://cdn.plot.ly/plotly-1.58.4.min.js');
      t.diagnostic('plotly.js-dist-min@1.58.4 is not installed: the page takes plotly.js from its CDN');
    }

    // Not reachable on the machine's other addresses: the server listens on loopback only.
    const other = Object.values(os.networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal);
    if (other) assert.equal(await accepts(other.address, Number(port)), false, `port ${port} answers on ${other.address}`);
    else t.diagnostic('no non-loopback IPv4 address here: the loopback-only check was not made');

    const expected = explorationFigures(readReportResults(dir)).figures;
    const plots = await servedPlots(url, expected.length);
    assert.deepEqual(plots.map((p) => p.id), expected.map((_, i) => i));
    assert.deepEqual(plots.map((p) => ({ data: p.data, layout: p.layout })), expected.map((f) => ({ data: f.data, layout: f.layout })));
    // And the numbers are the JSON's own, not only the pure module's view of them.
    const served = JSON.stringify(plots);
    const fromJson = [
      ...GAUSSIAN.synthetic.nce.rel_frobenius_error,
      ...DEM.runs['whitened-sigma1'].holdout_loss_curve,
      GAUSSIAN.baselines.full.heldout_loglik_per_image,
    ];
    for (const value of fromJson) {
      assert.ok(served.includes(String(value)), `served plots lack ${value}`);
    }

    child.kill('SIGINT');
    assert.equal(await waitForExit(child), 0);
    assert.throws(() => process.kill(child.pid!, 0), { code: 'ESRCH' }, 'the explore process is gone');
    assert.equal(await accepts('127.0.0.1', Number(port)), false, 'the port is closed');
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
