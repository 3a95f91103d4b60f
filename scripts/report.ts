// `npm run report [-- --size quick|full] [--only 01 02] [--out DIR]`: executes every notebook in
// notebooks/ in order, each in its own Jupyter kernel (the project's kernelspec, the one Jupyter
// starts), and writes report/index.html, the executed notebooks, report/results/*.json (written by
// the notebooks) and report/summary.json.
import * as fs from 'fs';
import * as path from 'path';
import { projectRoot, REPORT_DIR_ENV } from '../lib/report/paths';
import { readSetting, REPORT_DIR } from '../lib/report/settings';
import { runSize, RunSize, SIZE_ENV } from '../lib/report/size';
import { readNotebook, RunStatus, writeNotebook } from './report/notebook-format';
import { renderReport, RenderedNotebook } from './report/render-html';
import { executeNotebook } from './report/execute-notebook';
import { Kernel } from './report/kernel';
import { createTerminalProgress } from './report/terminal-progress';
import { startupCheck, startupMessage } from './report/startup';

/** Per-notebook wall-clock limits; generous against the measured times (see report/summary.json). */
const TIME_LIMIT_SECONDS: Record<RunSize, number> = { quick: 600, full: 1800 };
const USAGE = 'expected --size quick|full, --only PREFIX…, --notebooks DIR, --out DIR, --time-limit SECONDS';

interface Options {
  size: RunSize;
  only: string[];
  notebooksDir: string;
  reportDir: string;
  timeLimitSeconds: number;
}

/** LFR_SIZE's size; a bad value is listed by the start-up check, so here any size will do. */
function sizeFromEnv(): RunSize {
  try {
    return runSize();
  } catch {
    return 'full';
  }
}

function parseArgs(argv: string[], root: string): Options {
  const options: Options = {
    size: sizeFromEnv(),
    only: [],
    notebooksDir: path.join(root, 'notebooks'),
    reportDir: readSetting(REPORT_DIR) ?? path.join(root, 'report'),
    timeLimitSeconds: 0,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = (): string => {
      const value = argv[++i];
      if (value === undefined || value.startsWith('--')) throw new Error(`report: ${arg} needs a value (${USAGE})`);
      return value;
    };
    if (arg === '--size') {
      const value = next();
      if (value !== 'quick' && value !== 'full') throw new Error(`report: --size "${value}": expected quick or full`);
      options.size = value;
    } else if (arg === '--only') {
      options.only.push(next());
      while (argv[i + 1] && !argv[i + 1].startsWith('--')) options.only.push(argv[++i]);
    } else if (arg === '--notebooks') options.notebooksDir = path.resolve(next());
    else if (arg === '--out') options.reportDir = path.resolve(next());
    else if (arg === '--time-limit') {
      const value = next();
      options.timeLimitSeconds = Number(value);
      if (!(options.timeLimitSeconds > 0)) throw new Error(`report: --time-limit "${value}": expected a positive number of seconds`);
    } else throw new Error(`report: unknown argument "${arg}" (${USAGE})`);
  }
  if (!options.timeLimitSeconds) options.timeLimitSeconds = TIME_LIMIT_SECONDS[options.size];
  return options;
}

/** The flags, after every setting and flag was checked: all problems are told at once, before any kernel starts. */
function checkedOptions(argv: string[], root: string): Options {
  let options: Options | null = null;
  let flagProblem: string | null = null;
  try {
    options = parseArgs(argv, root);
  } catch (error) {
    flagProblem = (error as Error).message.replace(/^report: /, '');
  }
  // Notebooks 02–04 cut patches from the photos (03 and 04 through 02's whitening).
  const cutsPatches = !options || options.only.length === 0 || options.only.some((name) => !name.startsWith('01'));
  const check = startupCheck(process.env, options?.size ?? sizeFromEnv(), cutsPatches);
  if (flagProblem) check.problems.push(flagProblem);
  if (check.problems.length || !options) throw new Error(startupMessage(check.problems));
  for (const warning of check.warnings) console.error(warning);
  return options;
}

/** A folder as the terminal shows it: relative when under the current folder, else absolute. */
function shown(dir: string): string {
  const relative = path.relative(process.cwd(), dir);
  return relative === '' ? '.' : relative.startsWith('..') ? dir : relative;
}

interface Summary {
  size: RunSize;
  generated: string;
  report_seconds: number;
  ok: boolean;
  /** False when the run was interrupted: the page says which notebooks are missing. */
  complete: boolean;
  notebooks: RunStatus[];
}

const readJson = (file: string): unknown => (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : null);

/**
 * Entries for notebooks this run leaves alone (`--only`): the previous run's executed copy and status,
 * when it was made at the same size, so that index.html keeps every notebook.
 */
function earlierEntries(names: string[], options: Options): Map<string, RenderedNotebook> {
  const earlier = new Map<string, RenderedNotebook>();
  const previous = readJson(path.join(options.reportDir, 'summary.json')) as Summary | null;
  if (!previous || previous.size !== options.size || !Array.isArray(previous.notebooks)) return earlier;
  for (const name of names) {
    const status = previous.notebooks.find((s) => s.notebook === name);
    const executed = path.join(options.reportDir, `${name}.ipynb`);
    if (!status || !fs.existsSync(executed)) continue;
    const resultsFile = path.join(options.reportDir, 'results', `${name}.json`);
    earlier.set(name, {
      name,
      status,
      notebook: readNotebook(executed),
      results: status.ok ? (readJson(resultsFile) as Record<string, unknown> | null) : null,
    });
  }
  return earlier;
}

/** Writes index.html and summary.json for `entries`; `incomplete` says what is missing and why. */
function writeReport(entries: RenderedNotebook[], options: Options, seconds: number, incomplete?: string): Summary {
  // The page is self-contained (images and KaTeX's fonts inlined); an older run's folders go.
  fs.rmSync(path.join(options.reportDir, 'katex'), { recursive: true, force: true });
  const generated = new Date().toISOString();
  const html = renderReport(entries, options.reportDir, { size: options.size, generated, incomplete });
  fs.writeFileSync(path.join(options.reportDir, 'index.html'), html);
  const summary: Summary = {
    size: options.size,
    generated,
    report_seconds: seconds,
    ok: !incomplete && entries.every((entry) => entry.status.ok),
    complete: !incomplete,
    notebooks: entries.map(({ status }) => status),
  };
  fs.writeFileSync(path.join(options.reportDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

async function main(): Promise<void> {
  const root = projectRoot();
  const options = checkedOptions(process.argv.slice(2), root);
  const all = fs
    .readdirSync(options.notebooksDir)
    .filter((file) => file.endsWith('.ipynb'))
    .sort();
  const selected = all.filter((file) => options.only.length === 0 || options.only.some((prefix) => file.startsWith(prefix)));
  if (selected.length === 0)
    throw new Error(`report: no notebooks in ${options.notebooksDir}${options.only.length ? ` matching ${options.only.join(', ')}` : ''}`);
  const names = all.map((file) => path.basename(file, '.ipynb'));
  const toRun = new Set(selected.map((file) => path.basename(file, '.ipynb')));
  fs.mkdirSync(options.reportDir, { recursive: true });
  const earlier = earlierEntries(
    names.filter((name) => !toRun.has(name)),
    options,
  );
  // Nothing of a notebook about to run may survive from an earlier run: not its executed copy, not its
  // numbers (a failed or interrupted run would otherwise sit beside them).
  for (const name of toRun) {
    fs.rmSync(path.join(options.reportDir, `${name}.ipynb`), { force: true });
    fs.rmSync(path.join(options.reportDir, 'results', `${name}.json`), { force: true });
  }
  console.error(`report: ${toRun.size} notebook(s), size ${options.size}, limit ${options.timeLimitSeconds} s each, into ${shown(options.reportDir)}`);

  const started = Date.now();
  const done = new Map<string, RenderedNotebook>();
  const entriesSoFar = (): RenderedNotebook[] => names.flatMap((name) => done.get(name) ?? earlier.get(name) ?? []);

  // Ctrl-C or a termination request ends the running kernel at once, writes a page that says the
  // report is incomplete, and ends the run.
  let running: Kernel | null = null;
  let current = '';
  const stop = (signal: NodeJS.Signals): void => {
    running?.kill();
    const missing = [...toRun].filter((name) => !done.has(name));
    writeReport(
      entriesSoFar(),
      options,
      (Date.now() - started) / 1000,
      `interrupted by ${signal} while running ${current || 'nothing'}; not run: ${missing.join(', ')}`,
    );
    console.error(
      `\nreport: stopped by ${signal}; ${shown(path.join(options.reportDir, 'index.html'))} says the report is incomplete (${missing.join(', ')} not run)`,
    );
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  const kernelDir = path.join(root, 'jupyter', 'kernels', 'lfr-tslab');
  const env = { ...process.env, [SIZE_ENV]: options.size, [REPORT_DIR_ENV]: options.reportDir };
  for (const file of selected) {
    const name = path.basename(file, '.ipynb');
    current = name;
    const executedFile = path.join(options.reportDir, `${name}.ipynb`);
    const resultsFile = path.join(options.reportDir, 'results', `${name}.json`);
    const progress = createTerminalProgress(process.stderr);
    let status: RunStatus;
    let notebook = null;
    try {
      const run = await executeNotebook(name, readNotebook(path.join(options.notebooksDir, file)), {
        kernelDir,
        cwd: options.notebooksDir,
        env,
        timeLimitSeconds: options.timeLimitSeconds,
        onProgress: (line) => progress.show(`${name}: ${line}`),
        log: (line) => progress.print(line),
        onKernel: (kernel) => (running = kernel),
      });
      status = run.status;
      notebook = run.notebook;
      writeNotebook(executedFile, notebook);
    } catch (error) {
      status = { notebook: name, ok: false, seconds: 0, peak_rss_mb: 0, cells_run: 0, error: (error as Error).message };
      progress.print(`report: ${name}: ${status.error}`);
    }
    progress.clear();
    // A notebook that failed after saving its numbers must not look finished.
    if (!status.ok) fs.rmSync(resultsFile, { force: true });
    done.set(name, { name, status, notebook, results: status.ok ? (readJson(resultsFile) as Record<string, unknown> | null) : null });
    console.error(`report: ${name} ${status.ok ? 'ok' : 'FAILED'} in ${status.seconds.toFixed(1)} s, peak memory ${Math.round(status.peak_rss_mb)} MB`);
  }
  current = '';
  const summary = writeReport(entriesSoFar(), options, (Date.now() - started) / 1000);
  const failed = summary.notebooks.filter((status) => !status.ok);
  console.error(
    `report: ${shown(path.join(options.reportDir, 'index.html'))} written; ${summary.notebooks.length - failed.length}/${summary.notebooks.length} notebooks ok in ${summary.report_seconds.toFixed(1)} s`,
  );
  if (failed.length) {
    console.error(`report: FAILED: ${failed.map((status) => status.notebook).join(', ')}`);
    process.exit(1);
  }
}

main().catch((error) => {
  console.error((error as Error).message);
  process.exit(1);
});
