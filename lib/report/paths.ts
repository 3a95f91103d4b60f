// Where the project's files live, found from the working directory so that the same code works
// under the tslab kernel (cwd = notebooks/), the report runner and the tests (cwd = project root).
import * as fs from 'fs';
import * as path from 'path';

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

export const REPORT_DIR_ENV = 'LFR_REPORT_DIR';

/**
 * report/ (executed notebooks, index.html, results/, artifacts/) — git-ignored, rebuilt by
 * `npm run report`. LFR_REPORT_DIR moves it (the runner sets it for `--out`; tests use a temp dir).
 */
export function reportDir(): string {
  const override = process.env[REPORT_DIR_ENV];
  return override ? path.resolve(override) : path.join(projectRoot(), 'report');
}

/** data/ — the embedded data sets and their provenance. */
export function dataDir(): string {
  return path.join(projectRoot(), 'data');
}
