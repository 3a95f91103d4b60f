// The subset of the Jupyter notebook format (nbformat 4) that the runner reads and writes.
import * as fs from 'fs';

export type MultilineText = string | string[];

export interface StreamOutput {
  output_type: 'stream';
  name: 'stdout' | 'stderr';
  text: MultilineText;
}
export interface DisplayOutput {
  output_type: 'display_data' | 'execute_result';
  data: Record<string, MultilineText>;
  metadata: Record<string, unknown>;
  execution_count?: number | null;
}
export interface ErrorOutput {
  output_type: 'error';
  ename: string;
  evalue: string;
  traceback: string[];
}
export type Output = StreamOutput | DisplayOutput | ErrorOutput;

export interface Cell {
  cell_type: 'code' | 'markdown' | 'raw';
  source: MultilineText;
  metadata: Record<string, unknown>;
  outputs?: Output[];
  execution_count?: number | null;
  id?: string;
}

export interface Notebook {
  cells: Cell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

/** What the runner reports for one notebook (report/status/<name>.json). */
export interface RunStatus {
  notebook: string;
  ok: boolean;
  seconds: number;
  peak_rss_mb: number;
  cells_run: number;
  /** Index of the failing cell in the notebook's cells (markdown cells included). */
  failed_cell?: number;
  error?: string;
}

export function joinText(text: MultilineText): string {
  return Array.isArray(text) ? text.join('') : text;
}

/** Splits text into lines that keep their newlines, as Jupyter stores them. */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

export function readNotebook(file: string): Notebook {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: not a readable JSON notebook (${(error as Error).message})`);
  }
  const notebook = parsed as Notebook;
  if (!notebook || notebook.nbformat !== 4 || !Array.isArray(notebook.cells)) {
    throw new Error(`${file}: expected a Jupyter notebook with nbformat 4 and a "cells" array`);
  }
  return notebook;
}

export function writeNotebook(file: string, notebook: Notebook): void {
  fs.writeFileSync(file, `${JSON.stringify(notebook, null, 1)}\n`);
}

const IMPORT = /^import (type )?\{([^}]*)\} from '([^']+)';\n|^import \* as (\w+) from '([^']+)';\n/gm;

/**
 * A notebook's code cells as one TypeScript module, for the type check and the linter: tslab runs the
 * cells as one program, but lets a later cell import a name again, so the imports are merged per
 * module and put first; then every cell's other lines, in order.
 */
export function notebookModule(cells: string[]): string {
  const named = new Map<string, { names: Set<string>; types: Set<string> }>();
  const namespaces = new Map<string, string>();
  const bodies = cells.map((source) =>
    (source.endsWith('\n') ? source : `${source}\n`).replace(IMPORT, (_all, type, names: string | undefined, from: string | undefined, alias: string | undefined, nsFrom: string | undefined) => {
      if (alias) namespaces.set(alias, nsFrom!);
      else {
        const entry = named.get(from!) ?? { names: new Set<string>(), types: new Set<string>() };
        named.set(from!, entry);
        for (const name of names!.split(',').map((n) => n.trim()).filter(Boolean)) (type ? entry.types : entry.names).add(name);
      }
      return '';
    }),
  );
  const imports = [
    ...[...namespaces].map(([alias, from]) => `import * as ${alias} from '${from}';`),
    ...[...named].flatMap(([from, { names, types }]) => [
      ...(names.size ? [`import { ${[...names].join(', ')} } from '${from}';`] : []),
      ...([...types].filter((t) => !names.has(t)).length ? [`import type { ${[...types].filter((t) => !names.has(t)).join(', ')} } from '${from}';`] : []),
    ]),
  ];
  return `${imports.join('\n')}\nexport {};\n${bodies.join('\n')}`;
}
