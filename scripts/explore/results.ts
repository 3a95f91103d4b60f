// Reads what one report run left in <report>/results/: the notebooks' results JSON (NN-<notebook>.json,
// one object each) and notebook 03's filters (03-filters-<run>.json, one array of filters per run).
import * as fs from 'fs';
import * as path from 'path';
import type { FiltersFile, ReportResults, ResultsFile } from './figures';

const RESULTS_FILE = /^\d{2}-.+\.json$/;
const FILTERS_FILE = /^\d{2}-filters-(.+)\.json$/;

function readJson(full: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(full, 'utf8'));
  } catch (error) {
    throw new Error(`explore: ${full} is not valid JSON (${(error as Error).message})`);
  }
}

/** Every NN-*.json under `reportFolder`/results, sorted by name; a clear error when there is no results object. */
export function readReportResults(reportFolder: string): ReportResults {
  const folder = path.join(path.resolve(reportFolder), 'results');
  const names =
    fs.existsSync(folder) && fs.statSync(folder).isDirectory()
      ? fs
          .readdirSync(folder)
          .filter((name) => RESULTS_FILE.test(name))
          .sort()
      : [];
  const results: ResultsFile[] = [];
  const filters: FiltersFile[] = [];
  for (const file of names) {
    const full = path.join(folder, file);
    const run = FILTERS_FILE.exec(file)?.[1];
    if (run !== undefined) {
      filters.push({ file, run, filters: readJson(full) });
      continue;
    }
    const content = readJson(full);
    if (typeof content !== 'object' || content === null || Array.isArray(content)) {
      const found = Array.isArray(content) ? 'an array' : String(content);
      throw new Error(`explore: ${full} holds ${found}, expected a notebook's results object`);
    }
    results.push({ file, results: content as Record<string, unknown> });
  }
  if (results.length === 0) {
    throw new Error(
      `explore: no results JSON (NN-<notebook>.json) in ${folder}; run \`npm run report\` first,` + ' or pass --report DIR with the folder that holds results/',
    );
  }
  return { results, filters };
}
