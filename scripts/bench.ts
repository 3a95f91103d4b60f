// `npm run bench [-- --no-report | --report quick|full] [--repeats N]`: the project's speed figures on
// this machine, printed as a table and written to report/bench.json. Each figure is the median of several
// runs after a warm-up run. The quick and full reports are run too (into report/bench/), for their wall
// time and each notebook's run time and peak memory, with the machine's load average just before each
// (a timing means little without the load it was taken under); --report runs one size, --no-report neither.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { chooseBackend } from '../lib/backend';
import { projectRoot } from '../lib/report/paths';
import { createRng } from '../lib/random';
import { measureTrainThroughput } from './bench/dem';
import { gridStructure } from '../lib/gaussian/model/structure';
import { fitScoreMatchingExactFromData } from '../lib/gaussian/score-matching/exact';
import { measureNceFitSeconds, measureSampleLossRowsPerSecond } from './bench/gaussian';
import { preparePatches } from '../lib/data/patches';
import { covariance } from '../lib/data/moments';
import { eigSymmetric } from '../lib/linalg/eigen-symmetric';
import { whiten, zcaMatrix } from '../lib/whitening/whitening';
import { RunStatus } from './report/notebook-format';

/** Targets (2 cores, wasm; null: measured for context only); `higher` says which direction is better. */
const TARGETS: Record<string, { target: number | null; higher: boolean; unit: string }> = {
  dem_sm_train_samples_per_second_batch1024: { target: 10_000, higher: true, unit: 'samples/s' },
  dem_sm_train_samples_per_second_batch128: { target: 6_000, higher: true, unit: 'samples/s' },
  // Notebook 04's comparison, all on one thread: exact SM against its two Laplacian-free substitutes.
  dem_sm_train_samples_per_second_batch256_threads1: { target: null, higher: true, unit: 'samples/s' },
  dem_dsm_train_samples_per_second_batch256: { target: null, higher: true, unit: 'samples/s' },
  dem_ssm_train_samples_per_second_batch256: { target: null, higher: true, unit: 'samples/s' },
  gaussian_sm_exact_seconds: { target: 1, higher: false, unit: 's' },
  nce_fit_seconds_4: { target: 30, higher: false, unit: 's' },
  nce_fit_seconds_8: { target: 30, higher: false, unit: 's' },
  nce_full_batch_rows_per_second_threads1: { target: null, higher: true, unit: 'rows/s' },
  nce_full_batch_rows_per_second_threads2: { target: null, higher: true, unit: 'rows/s' },
  covariance_seconds: { target: null, higher: false, unit: 's' },
  zca_seconds: { target: 5, higher: false, unit: 's' },
  patch_extraction_seconds: { target: 3, higher: false, unit: 's' },
  report_seconds_quick: { target: 180, higher: false, unit: 's' },
  report_seconds_full: { target: 600, higher: false, unit: 's' },
  // Each notebook's run time in the report, against its budget where an issue set one (two cores).
  notebook_01_seconds_quick: { target: 90, higher: false, unit: 's' },
  notebook_01_seconds_full: { target: 240, higher: false, unit: 's' },
  notebook_02_seconds_quick: { target: null, higher: false, unit: 's' },
  notebook_02_seconds_full: { target: null, higher: false, unit: 's' },
  notebook_03_seconds_quick: { target: null, higher: false, unit: 's' },
  notebook_03_seconds_full: { target: null, higher: false, unit: 's' },
  notebook_04_seconds_quick: { target: null, higher: false, unit: 's' },
  notebook_04_seconds_full: { target: 300, higher: false, unit: 's' },
};

const D = 784;
const MNIST_SIZED_ROWS = 60_000;
const PATCHES = 50_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median over `repeats` timed runs of `work`, after one untimed warm-up run. */
async function medianSeconds(repeats: number, work: () => unknown): Promise<number> {
  await work();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await work();
    times.push((performance.now() - start) / 1000);
  }
  return median(times);
}

async function medianOf(repeats: number, work: () => Promise<number>): Promise<number> {
  await work();
  const values: number[] = [];
  for (let i = 0; i < repeats; i++) values.push(await work());
  return median(values);
}

/** Correlated synthetic rows (a smoothed random field), so the SM system is as hard as on images. */
function syntheticImages(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(n * D);
  for (let r = 0; r < n; r++) {
    const row = out.subarray(r * D, (r + 1) * D);
    for (let i = 0; i < D; i++) row[i] = rng.normal();
    for (let i = D - 1; i >= 29; i--) row[i] = 0.5 * row[i] + 0.25 * row[i - 1] + 0.25 * row[i - 28];
  }
  return out;
}

type ReportSize = 'quick' | 'full';

/** The machine the figures were taken on: they only compare between runs on the same one. */
function machine(): { cpu: string; cores: number; memory_gb: number; node: string } {
  return { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, memory_gb: Math.round(os.totalmem() / 2 ** 30), node: process.version };
}

function runReport(size: ReportSize, root: string): { seconds: number; notebooks: RunStatus[]; loadBefore: number } {
  // The 1-minute load average just before the run: near 0 on an idle machine, about the core count when another job uses every core.
  const loadBefore = os.loadavg()[0];
  const out = path.join(root, 'report', 'bench', size);
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'report.ts'), '--size', size, '--out', out], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`bench: the ${size} report failed (exit ${result.status}); see its output above`);
  const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
  return { seconds: summary.report_seconds, notebooks: summary.notebooks, loadBefore };
}

/** Which report sizes to time: both by default, one with --report quick|full, none with --no-report. */
function reportSizes(args: string[]): ReportSize[] {
  if (args.includes('--no-report')) return [];
  const at = args.indexOf('--report');
  if (at < 0) return ['quick', 'full'];
  const size = args[at + 1];
  if (size !== 'quick' && size !== 'full') throw new Error(`bench: --report needs "quick" or "full", got "${size}"`);
  return [size];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const sizes = reportSizes(args);
  const repeatsArg = args.indexOf('--repeats');
  const repeats = repeatsArg >= 0 ? Number(args[repeatsArg + 1]) : 3;
  if (!(Number.isInteger(repeats) && repeats >= 1)) throw new Error(`bench: --repeats needs a whole number ≥ 1, got "${args[repeatsArg + 1]}"`);
  const root = projectRoot();
  const backend = await chooseBackend();
  const figures: Record<string, number> = {};
  const log = (key: string) => console.error(`bench: ${key} = ${figures[key].toPrecision(4)}`);

  for (const batch of [128, 1024]) {
    const key = `dem_sm_train_samples_per_second_batch${batch}`;
    figures[key] = await medianOf(repeats, () => measureTrainThroughput({ batch, steps: Math.max(8, Math.round(16_384 / batch)) }));
    log(key);
  }

  for (const [key, objective, threads] of [
    ['dem_sm_train_samples_per_second_batch256_threads1', 'exact', 1],
    ['dem_dsm_train_samples_per_second_batch256', 'denoising', 1],
    ['dem_ssm_train_samples_per_second_batch256', 'sliced', 1],
  ] as const) {
    figures[key] = await medianOf(repeats, () => measureTrainThroughput({ batch: 256, steps: 64, threads, objective }));
    log(key);
  }

  const images = syntheticImages(MNIST_SIZED_ROWS, 7);
  const structure8 = gridStructure(28, 28, 8);
  figures.gaussian_sm_exact_seconds = await medianSeconds(repeats, () => fitScoreMatchingExactFromData(images, MNIST_SIZED_ROWS, structure8));
  log('gaussian_sm_exact_seconds');

  for (const connectivity of [4, 8] as const) {
    const key = `nce_fit_seconds_${connectivity}`;
    figures[key] = await measureNceFitSeconds(connectivity);
    log(key);
  }

  for (const threads of [1, 2]) {
    const key = `nce_full_batch_rows_per_second_threads${threads}`;
    figures[key] = measureSampleLossRowsPerSecond(threads, repeats);
    log(key);
  }

  figures.patch_extraction_seconds = await medianSeconds(repeats, () => preparePatches({ nTrain: PATCHES }));
  log('patch_extraction_seconds');
  // As the target defines it: the 784² eigendecomposition and the whitening of the patches. The
  // covariance they start from is timed on its own (a 50,000×784 product in tfjs, no target).
  const { train } = await preparePatches({ nTrain: PATCHES });
  let C: Float64Array = new Float64Array(0);
  figures.covariance_seconds = await medianSeconds(repeats, async () => {
    C = await covariance(train, D);
  });
  log('covariance_seconds');
  figures.zca_seconds = await medianSeconds(repeats, () => whiten(train, zcaMatrix(eigSymmetric(C, D)), D));
  log('zca_seconds');

  const notebooks: Record<string, { quick_seconds?: number; full_seconds?: number; quick_peak_rss_mb?: number; full_peak_rss_mb?: number }> = {};
  const loadBeforeReport: Partial<Record<ReportSize, number>> = {};
  for (const size of sizes) {
    const report = runReport(size, root);
    figures[`report_seconds_${size}`] = report.seconds;
    loadBeforeReport[size] = report.loadBefore;
    for (const status of report.notebooks) {
      notebooks[status.notebook] = { ...notebooks[status.notebook], [`${size}_seconds`]: status.seconds, [`${size}_peak_rss_mb`]: status.peak_rss_mb };
      const key = `notebook_${status.notebook.slice(0, 2)}_seconds_${size}`;
      if (key in TARGETS) figures[key] = status.seconds;
    }
  }

  const rows = Object.entries(figures).map(([key, value]) => {
    const goal = TARGETS[key];
    if (goal.target === null) return { key, value, unit: goal.unit, target: '—', met: '—' };
    const met = goal.higher ? value >= goal.target : value <= goal.target;
    return { key, value, unit: goal.unit, target: `${goal.higher ? '≥' : '≤'} ${goal.target}`, met: met ? 'yes' : 'NO' };
  });
  const host = machine();
  console.log(`\nbackend ${backend.name}, ${host.cores} cores (${host.cpu}), ${host.memory_gb} GB, Node ${host.node}; median of ${repeats} after a warm-up\n`);
  console.log(`${'figure'.padEnd(44)} ${'value'.padStart(12)}  ${'unit'.padEnd(10)} ${'target'.padEnd(10)} met`);
  for (const row of rows)
    console.log(`${row.key.padEnd(44)} ${row.value.toPrecision(4).padStart(12)}  ${row.unit.padEnd(10)} ${row.target.padEnd(10)} ${row.met}`);
  for (const size of sizes) console.log(`${size} report: load average ${loadBeforeReport[size]?.toFixed(2)} (1 min) on ${host.cores} cores just before it`);
  const timed = (seconds?: number, mb?: number) => (seconds === undefined ? 'not run' : `${seconds.toFixed(1)} s / ${Math.round(mb ?? 0)} MB`);
  for (const [name, n] of Object.entries(notebooks))
    console.log(`${name}: quick ${timed(n.quick_seconds, n.quick_peak_rss_mb)}, full ${timed(n.full_seconds, n.full_peak_rss_mb)}`);

  const file = path.join(root, 'report', 'bench.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    `${JSON.stringify({ backend: backend.name, cores: host.cores, machine: host, load_average_before_report: loadBeforeReport, repeats, figures, targets: TARGETS, notebooks, measured_at: new Date().toISOString() }, null, 2)}\n`,
  );
  console.log(`\nwritten to ${path.relative(process.cwd(), file)}`);
  process.exit(0);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
