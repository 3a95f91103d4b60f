// `npm run report [-- --size quick|full] [--only 01 02]`: executes every notebook in notebooks/
// in order, each in its own process with a time limit, and writes report/index.html, the executed
// notebooks, report/results/*.json (written by the notebooks) and report/summary.json.
import * as fs from 'fs';
import * as path from 'path';
import { spawn } from 'child_process';
import { projectRoot, REPORT_DIR_ENV } from '../lib/report/paths';
import { runSize, RunSize, SIZE_ENV } from '../lib/report/size';
import { readNotebook, RunStatus } from './report/notebook-format';
import { renderReport, RenderedNotebook } from './report/render-html';

/** Per-notebook wall-clock limits; generous against the measured times (see report/summary.json). */
const TIME_LIMIT_SECONDS: Record<RunSize, number> = { quick: 300, full: 1800 };

interface Options {
  size: RunSize;
  only: string[];
  notebooksDir: string;
  reportDir: string;
  timeLimitSeconds: number;
}

function parseArgs(argv: string[], root: string): Options {
  const options: Options = {
    size: runSize(),
    only: [],
    notebooksDir: path.join(root, 'notebooks'),
    reportDir: path.join(root, 'report'),
    timeLimitSeconds: 0,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = (): string => {
      const value = argv[++i];
      if (value === undefined) throw new Error(`report: ${arg} needs a value`);
      return value;
    };
    if (arg === '--size') options.size = runSize({ [SIZE_ENV]: next() });
    else if (arg === '--only') while (argv[i + 1] && !argv[i + 1].startsWith('--')) options.only.push(argv[++i]);
    else if (arg === '--notebooks') options.notebooksDir = path.resolve(next());
    else if (arg === '--out') options.reportDir = path.resolve(next());
    else if (arg === '--time-limit') options.timeLimitSeconds = Number(next());
    else throw new Error(`report: unknown argument "${arg}" (expected --size quick|full, --only PREFIX…, --notebooks DIR, --out DIR, --time-limit SECONDS)`);
  }
  if (!options.timeLimitSeconds) options.timeLimitSeconds = TIME_LIMIT_SECONDS[options.size];
  return options;
}

function runOne(notebook: string, options: Options, root: string): Promise<RunStatus> {
  const name = path.basename(notebook, '.ipynb');
  const executed = path.join(options.reportDir, `${name}.ipynb`);
  const statusFile = path.join(options.reportDir, 'status', `${name}.json`);
  fs.rmSync(statusFile, { force: true });
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'report', 'run-notebook.ts'), notebook, executed, statusFile], {
      env: { ...process.env, [SIZE_ENV]: options.size, [REPORT_DIR_ENV]: options.reportDir },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeLimitSeconds * 1000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const seconds = (Date.now() - started) / 1000;
      if (fs.existsSync(statusFile)) {
        resolve(JSON.parse(fs.readFileSync(statusFile, 'utf8')) as RunStatus);
        return;
      }
      const error = timedOut
        ? `${name}: exceeded the time limit of ${options.timeLimitSeconds} s (size ${options.size}) and was stopped`
        : `${name}: the runner process ended with ${signal ? `signal ${signal}` : `exit code ${code}`} before writing its status`;
      console.error(error);
      resolve({ notebook: name, ok: false, seconds, peak_rss_mb: 0, cells_run: 0, error });
    });
  });
}

async function main(): Promise<void> {
  const root = projectRoot();
  const options = parseArgs(process.argv.slice(2), root);
  const notebooks = fs
    .readdirSync(options.notebooksDir)
    .filter((file) => file.endsWith('.ipynb'))
    .filter((file) => options.only.length === 0 || options.only.some((prefix) => file.startsWith(prefix)))
    .sort()
    .map((file) => path.join(options.notebooksDir, file));
  if (notebooks.length === 0) throw new Error(`report: no notebooks in ${options.notebooksDir}${options.only.length ? ` matching ${options.only.join(', ')}` : ''}`);
  fs.mkdirSync(path.join(options.reportDir, 'status'), { recursive: true });
  console.error(`report: ${notebooks.length} notebook(s), size ${options.size}, limit ${options.timeLimitSeconds} s each`);

  const started = Date.now();
  const entries: RenderedNotebook[] = [];
  for (const notebook of notebooks) {
    const name = path.basename(notebook, '.ipynb');
    const status = await runOne(notebook, options, root);
    const executed = path.join(options.reportDir, `${name}.ipynb`);
    const resultsFile = path.join(options.reportDir, 'results', `${name}.json`);
    entries.push({
      name,
      status,
      notebook: fs.existsSync(executed) ? readNotebook(executed) : null,
      results: status.ok && fs.existsSync(resultsFile) ? JSON.parse(fs.readFileSync(resultsFile, 'utf8')) : null,
    });
    console.error(`report: ${name} ${status.ok ? 'ok' : 'FAILED'} in ${status.seconds.toFixed(1)} s, peak memory ${Math.round(status.peak_rss_mb)} MB`);
  }
  const reportSeconds = (Date.now() - started) / 1000;

  const katexDir = path.join(options.reportDir, 'katex');
  fs.mkdirSync(katexDir, { recursive: true });
  const katexDist = path.join(path.dirname(require.resolve('katex/package.json')), 'dist');
  fs.copyFileSync(path.join(katexDist, 'katex.min.css'), path.join(katexDir, 'katex.min.css'));
  fs.cpSync(path.join(katexDist, 'fonts'), path.join(katexDir, 'fonts'), { recursive: true });
  const html = renderReport(entries, options.reportDir, { size: options.size, generated: new Date().toISOString() });
  fs.writeFileSync(path.join(options.reportDir, 'index.html'), html);
  const failed = entries.filter((entry) => !entry.status.ok);
  const summary = {
    size: options.size,
    report_seconds: reportSeconds,
    ok: failed.length === 0,
    notebooks: entries.map(({ status }) => status),
  };
  fs.writeFileSync(path.join(options.reportDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  console.error(`report: ${path.join(options.reportDir, 'index.html')} written; ${entries.length - failed.length}/${entries.length} notebooks ok in ${reportSeconds.toFixed(1)} s`);
  if (failed.length) {
    console.error(`report: FAILED: ${failed.map((entry) => entry.name).join(', ')}`);
    process.exit(1);
  }
}

main().catch((error) => {
  console.error((error as Error).message);
  process.exit(1);
});
