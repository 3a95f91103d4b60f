// What every notebook does first and last: choose the backend, say which backend and run size are
// in force, collect the numbers a reader wants, and write them to report/results/<name>.json.
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { BackendChoice, chooseBackend } from '../backend';
import { projectRoot, REPORT_DIR_ENV, reportDir } from './paths';
import { runSize, RunSize } from './size';

export interface Headline {
  label: string;
  /** Dotted path into the results, e.g. "models.sm-8.heldout_loglik_per_image". */
  path: string;
  unit?: string;
}

export interface NotebookRun {
  name: string;
  size: RunSize;
  backend: BackendChoice;
  /**
   * Filled by the notebook, cell by cell, as free-form JSON (hence `any`: a cell reads back what an
   * earlier one wrote); saved together with backend, size and timings, every number checked finite.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  results: Record<string, any>;
  /** Marks a number for the report's "results at a glance" table. */
  headline(label: string, path: string, unit?: string): void;
  /** Runs `work`, records its wall time as timings_seconds.<label>, returns its value. */
  time<T>(label: string, work: () => T | Promise<T>): Promise<T>;
  /** Writes report/results/<name>.json; throws if any number is NaN or infinite. */
  save(): void;
}

export function resultsDir(): string {
  return path.join(reportDir(), 'results');
}

/** Every path to a non-finite number (or undefined value) in `value`, e.g. ["models.nce-4.min_eigenvalue"]. */
export function nonFinitePaths(value: unknown, at = ''): string[] {
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [at || '(root)'];
  if (value === undefined) return [at || '(root)'];
  if (value === null || typeof value !== 'object') return [];
  const entries = Array.isArray(value) || ArrayBuffer.isView(value)
    ? Array.from(value as ArrayLike<unknown>, (item, i) => [String(i), item] as const)
    : Object.entries(value);
  return entries.flatMap(([key, item]) => nonFinitePaths(item, at ? `${at}.${key}` : key));
}

/**
 * Reads a dotted path ("models.sm-8.loss") out of nested objects; undefined when absent. Keys may hold
 * dots themselves (the run "whitened-sigma0.1"), so at each level the shortest run of segments that
 * names a key is taken.
 */
export function valueAt(root: unknown, dotted: string): unknown {
  const segments = dotted.split('.');
  let node = root;
  for (let i = 0; i < segments.length; ) {
    if (node === null || typeof node !== 'object') return undefined;
    let j = i + 1;
    while (j <= segments.length && !Object.hasOwn(node, segments.slice(i, j).join('.'))) j++;
    if (j > segments.length) return undefined;
    node = (node as Record<string, unknown>)[segments.slice(i, j).join('.')];
    i = j;
  }
  return node;
}

/** Where results went, in words a reader can use: relative to the project, never a machine path. */
function describeResultsFile(file: string): string {
  const fromRoot = path.relative(projectRoot(), file);
  if (fromRoot.startsWith('..') || path.isAbsolute(fromRoot)) return `results/${path.basename(file)} in the report folder (${REPORT_DIR_ENV})`;
  return process.env[REPORT_DIR_ENV] ? fromRoot : `${fromRoot} (an interactive run; \`npm run report\` writes report/)`;
}

/** Starts a notebook's run at `size` (its parameters cell's choice; LFR_SIZE by default). */
export async function startNotebook(name: string, size: RunSize = runSize()): Promise<NotebookRun> {
  if (!/^[0-9]{2}-[a-z0-9-]+$/.test(name)) {
    throw new Error(`startNotebook("${name}"): expected a name like "01-mnist-gaussian" (two digits, dash, lower-case words)`);
  }
  if (size !== 'quick' && size !== 'full') throw new Error(`startNotebook("${name}"): size "${size}", expected "quick" or "full"`);
  const backend = await chooseBackend();
  const timings: Record<string, number> = {};
  const headlines: Headline[] = [];
  const results: Record<string, unknown> = {};
  console.log(`TensorFlow.js ${tf.version.tfjs}, backend: ${backend.name} (${backend.reason}); run size: ${size}`);

  return {
    name,
    size,
    backend,
    results,
    headline(label, dotted, unit) {
      // JSON has no undefined: leave the key out rather than fail the finiteness check.
      headlines.push(unit === undefined ? { label, path: dotted } : { label, path: dotted, unit });
    },
    async time(label, work) {
      const start = performance.now();
      const value = await work();
      timings[label] = (performance.now() - start) / 1000;
      return value;
    },
    save() {
      const missing = headlines.filter((h) => typeof valueAt(results, h.path) !== 'number');
      if (missing.length) {
        throw new Error(`${name}: headline paths with no number in results: ${missing.map((h) => h.path).join(', ')}`);
      }
      const document = {
        notebook: name,
        backend: backend.name,
        backend_reason: backend.reason,
        size,
        node: process.version,
        tfjs: tf.version.tfjs,
        saved_at: new Date().toISOString(),
        ...results,
        timings_seconds: timings,
        headlines,
      };
      const bad = nonFinitePaths(document);
      if (bad.length) throw new Error(`${name}: results hold non-finite or undefined values at ${bad.join(', ')}`);
      fs.mkdirSync(resultsDir(), { recursive: true });
      const file = path.join(resultsDir(), `${name}.json`);
      fs.writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
      // Nothing is returned: a notebook cell would display the path as its value.
      console.log(`results saved: ${describeResultsFile(file)}`);
    },
  };
}
