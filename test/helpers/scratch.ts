// Scratch folders for tests that write files: under report/test-runs/ (git-ignored) rather than
// the system temp dir, because notebooks executed by tslab must sit inside the project to resolve
// its node_modules.
import * as fs from 'fs';
import * as path from 'path';
import { projectRoot } from '../../lib/report/paths';

export function scratchDir(label: string): string {
  const base = path.join(projectRoot(), 'report', 'test-runs');
  fs.mkdirSync(base, { recursive: true });
  return fs.mkdtempSync(path.join(base, `${label}-`));
}

/** Writes an unexecuted notebook whose code cells are the given sources. */
export function writeNotebook(file: string, cells: { markdown?: string; code?: string }[]): void {
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'lfr-tslab', display_name: 'TypeScript (lfr-notebooks)', language: 'typescript' } },
    cells: cells.map((cell) =>
      cell.markdown !== undefined
        ? { cell_type: 'markdown', metadata: {}, source: cell.markdown }
        : { cell_type: 'code', metadata: {}, source: cell.code ?? '', outputs: [], execution_count: null },
    ),
  };
  fs.writeFileSync(file, JSON.stringify(notebook));
}
