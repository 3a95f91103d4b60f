// Where the project's files live, found from the working directory so that the same code works
// under the tslab kernel (cwd = notebooks/), the report runner and the tests (cwd = project root).
import * as fs from 'fs';
import * as path from 'path';
import { readSetting, REPORT_DIR } from './settings';

const PACKAGE_NAME = 'lfr-notebooks';

/** The folder holding this project's package.json, searched upwards from `start`. */
export function projectRoot(start: string = process.cwd()): string {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      const name = JSON.parse(fs.readFileSync(manifest, 'utf8')).name;
      if (name === PACKAGE_NAME) return dir;
    }
    if (path.dirname(dir) === dir) {
      throw new Error(`projectRoot: no package.json named "${PACKAGE_NAME}" in ${start} or any folder above it`);
    }
  }
}

export const REPORT_DIR_ENV = REPORT_DIR.name;

/** Where `npm run report` writes (git-ignored): executed notebooks, index.html, results/, artifacts/. */
export function defaultReportDir(): string {
  return path.join(projectRoot(), 'report');
}

/**
 * Where a notebook writes its results and artifacts: LFR_REPORT_DIR when set (the report runner sets
 * it to its output folder; tests use a scratch folder), else report/interactive/, so that running a
 * notebook in Jupyter or VS Code never overwrites the last report.
 */
export function reportDir(): string {
  const override = readSetting(REPORT_DIR);
  return override ? path.resolve(override) : path.join(defaultReportDir(), 'interactive');
}

/**
 * A path as printed in notebook output: relative to the project when inside it ("data/natural"),
 * else named through the variable that supplied it ("$MNIST_DIR/t10k-images-idx3-ubyte"), else by
 * its last component, so that no output shows the machine's folders.
 */
export function displayPath(file: string, env?: { name: string; value: string | undefined }): string {
  const absolute = path.resolve(file);
  const fromRoot = path.relative(projectRoot(), absolute);
  if (fromRoot === '') return '.';
  if (!fromRoot.startsWith('..') && !path.isAbsolute(fromRoot)) return fromRoot;
  if (env?.value) {
    const fromEnv = path.relative(path.resolve(env.value), absolute);
    if (!fromEnv.startsWith('..') && !path.isAbsolute(fromEnv)) return fromEnv ? `$${env.name}/${fromEnv}` : `$${env.name}`;
  }
  return `…/${path.basename(absolute)}`;
}

/** data/ — the embedded data sets and their provenance. */
export function dataDir(): string {
  return path.join(projectRoot(), 'data');
}
