// Every environment variable the project reads, defined once: its name, what it means, the values it
// takes and how a value is read. The libraries read their variable through `readSetting` (so a bad
// value fails where it is used, with the same words), and the report runner calls `settingProblems`
// before any notebook starts, so that every bad value — and any LFR_* name that is not defined here,
// such as the retired LFR_DEM_THREADS — is listed in one message instead of failing one by one, cells deep.
//
// An unset or empty variable means "use the default"; the default itself lives with the code that
// uses it (for example the thread counts depend on the machine's cores).
//
// This module reads only the environment and the file system (is a folder a folder), nothing of the
// project, so that every library may import it.
import * as fs from 'fs';
import * as path from 'path';

// Both members carry both fields so that code compiled without strict (tslab's fixed options) can
// read them without narrowing.
export type Parsed<T> = { ok: true; value: T; reason?: undefined } | { ok: false; value?: undefined; reason?: string };

export interface Setting<T> {
  name: string;
  /** One line for the README table and for messages. */
  meaning: string;
  /** The accepted values in words: error messages read "expected <expected>". */
  expected: string;
  parse(raw: string): Parsed<T>;
}

const accepted = <T>(value: T): Parsed<T> => ({ ok: true, value });
const refused = <T>(reason?: string): Parsed<T> => ({ ok: false, reason });

function oneOf<T extends string>(choices: readonly T[]) {
  return (raw: string): Parsed<T> => (choices.includes(raw as T) ? accepted(raw as T) : refused());
}

function integerFrom(min: number, max: number) {
  return (raw: string): Parsed<number> => {
    const value = Number(raw);
    return /^\d+$/.test(raw) && value >= min && value <= max ? accepted(value) : refused();
  };
}

/** A folder that must exist now (data is read from it); the value is its absolute path. */
function existingFolder(raw: string): Parsed<string> {
  const folder = path.resolve(raw);
  if (!fs.existsSync(folder)) return refused('no such folder');
  if (!fs.statSync(folder).isDirectory()) return refused('a file, not a folder');
  return accepted(folder);
}

/** A folder written to: it may be missing (it is created) but nothing on its path may be a file. */
function writableFolder(raw: string): Parsed<string> {
  const folder = path.resolve(raw);
  for (let dir = folder; ; dir = path.dirname(dir)) {
    if (fs.existsSync(dir)) {
      if (!fs.statSync(dir).isDirectory()) return refused(`${dir === folder ? 'it' : dir} is a file, not a folder`);
      return accepted(folder);
    }
    if (path.dirname(dir) === dir) return accepted(folder);
  }
}

export const RUN_SIZES = ['quick', 'full'] as const;
export const BACKEND_NAMES = ['tensorflow', 'wasm', 'cpu'] as const;
export const PROGRESS_MODES = ['on', 'off'] as const;
export const MAX_THREADS = 16;

export const SIZE: Setting<(typeof RUN_SIZES)[number]> = {
  name: 'LFR_SIZE',
  meaning: 'run size: quick (small data, CI) or full (default, what the report shows)',
  expected: '"quick" or "full"',
  parse: oneOf(RUN_SIZES),
};

export const BACKEND: Setting<(typeof BACKEND_NAMES)[number]> = {
  name: 'LFR_BACKEND',
  meaning: 'forces a TensorFlow.js backend instead of the first that loads',
  expected: `one of ${BACKEND_NAMES.join(', ')}`,
  parse: oneOf(BACKEND_NAMES),
};

export const THREADS: Setting<number> = {
  name: 'LFR_THREADS',
  meaning:
    "threads sharing DEM training batches and the full-batch NCE/cNCE loss of notebook 01, and running its 4- and 8-connected fits side by side (default 2 on a multi-core machine)",
  expected: `an integer from 1 to ${MAX_THREADS}`,
  parse: integerFrom(1, MAX_THREADS),
};

export const PROGRESS: Setting<(typeof PROGRESS_MODES)[number]> = {
  name: 'LFR_PROGRESS',
  meaning: 'progress lines of long cells in the terminal: "off" silences them',
  expected: '"on" or "off"',
  parse: oneOf(PROGRESS_MODES),
};

export const REPORT_DIR: Setting<string> = {
  name: 'LFR_REPORT_DIR',
  meaning: 'where results and artifacts go (npm run report writes there instead of report/)',
  expected: 'a folder path (created when missing)',
  parse: writableFolder,
};

export const PHOTOS_DIR: Setting<string> = {
  name: 'LFR_PHOTOS_DIR',
  meaning: 'folder of JPEG/PNG photographs for Exercise 2 (default data/natural)',
  expected: 'an existing folder of JPEG/PNG photographs',
  parse: existingFolder,
};

export const MNIST_DIR: Setting<string> = {
  name: 'MNIST_DIR',
  meaning: "folder of MNIST-format idx files (default data/mnist, else the mnist package's digits)",
  expected: 'an existing folder holding the four MNIST idx files (raw or .gz)',
  parse: existingFolder,
};

/** Every variable the project reads, in the order the runner lists problems. */
export const SETTINGS: readonly Setting<unknown>[] = [SIZE, BACKEND, THREADS, PROGRESS, REPORT_DIR, PHOTOS_DIR, MNIST_DIR];

/** The project's own prefix: a variable with it that is not defined above is a typo or a stale name. */
export const PROJECT_PREFIX = 'LFR_';

/** "LFR_X="v": reason; expected …", or null when `raw` is accepted. */
export function settingProblem(setting: Setting<unknown>, raw: string): string | null {
  const parsed = setting.parse(raw);
  if (parsed.ok) return null;
  return `${setting.name}="${raw}": ${parsed.reason ? `${parsed.reason}; ` : ''}expected ${setting.expected}`;
}

/** The variable's value, undefined when unset or empty (use the default); a bad value throws settingProblem's words. */
export function readSetting<T>(setting: Setting<T>, env: NodeJS.ProcessEnv = process.env): T | undefined {
  const raw = env[setting.name];
  if (raw === undefined || raw === '') return undefined;
  const parsed = setting.parse(raw);
  if (!parsed.ok) throw new Error(settingProblem(setting, raw) ?? '');
  return parsed.value as T;
}

/** Edit distance between two names (insertions, deletions, substitutions). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
    previous = row;
  }
  return previous[b.length];
}

/** Defined names close to an unknown one: the nearest, when within 4 edits (LFR_DEM_THREADS → LFR_THREADS). */
function nearestNames(name: string): string[] {
  const distances = SETTINGS.map((s) => ({ name: s.name, distance: editDistance(name, s.name) }));
  const best = Math.min(...distances.map((d) => d.distance));
  return best <= 4 ? distances.filter((d) => d.distance === best).map((d) => d.name) : [];
}

/** Every bad value and every unknown LFR_* name in `env`, one line each; empty when all is well. */
export function settingProblems(env: NodeJS.ProcessEnv = process.env): string[] {
  const problems: string[] = [];
  for (const setting of SETTINGS) {
    const raw = env[setting.name];
    if (raw === undefined || raw === '') continue;
    const problem = settingProblem(setting, raw);
    if (problem) problems.push(problem);
  }
  const known = new Set(SETTINGS.map((s) => s.name));
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith(PROJECT_PREFIX) || known.has(name)) continue;
    const near = nearestNames(name);
    problems.push(
      `${name} is not a setting of this project${near.length ? ` (did you mean ${near.join(' or ')}?)` : ''}; ` +
        `the ${PROJECT_PREFIX}* settings are ${SETTINGS.filter((s) => s.name.startsWith(PROJECT_PREFIX)).map((s) => s.name).join(', ')}`,
    );
  }
  return problems;
}
