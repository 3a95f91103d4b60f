// Notebook validity: the structural rules of nbformat 4.5 that Jupyter tools warn about (cell ids),
// checked in TypeScript everywhere, and the official JSON-schema validator (Python's nbformat) where
// Jupyter is installed.
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';

const ID = /^[a-zA-Z0-9-_]{1,64}$/;

/** Problems with `notebook` as nbformat 4.5 sees them; empty when it is valid. */
export function notebookProblems(notebook: unknown): string[] {
  const nb = notebook as { nbformat?: unknown; nbformat_minor?: unknown; metadata?: unknown; cells?: unknown };
  const problems: string[] = [];
  if (nb?.nbformat !== 4) problems.push(`nbformat is ${nb?.nbformat}, expected 4`);
  if (nb?.nbformat_minor !== 5) problems.push(`nbformat_minor is ${nb?.nbformat_minor}, expected 5 (cell ids)`);
  if (typeof nb?.metadata !== 'object' || nb.metadata === null) problems.push('metadata is missing');
  if (!Array.isArray(nb?.cells)) return [...problems, 'cells is not an array'];
  const seen = new Set<string>();
  nb.cells.forEach((raw, index) => {
    const cell = raw as Record<string, unknown>;
    if (typeof cell.id !== 'string') problems.push(`cell ${index} has no id`);
    else if (!ID.test(cell.id)) problems.push(`cell ${index} has the id "${cell.id}": expected 1–64 letters, digits, "-" or "_"`);
    else if (seen.has(cell.id)) problems.push(`cell ${index} repeats the id "${cell.id}"`);
    else seen.add(cell.id);
    if (typeof cell.metadata !== 'object' || cell.metadata === null) problems.push(`cell ${index} has no metadata`);
    if (typeof cell.source !== 'string' && !Array.isArray(cell.source)) problems.push(`cell ${index} has no source`);
    if (cell.cell_type === 'code') {
      if (!Array.isArray(cell.outputs)) problems.push(`cell ${index} has no outputs list`);
      if (!('execution_count' in cell)) problems.push(`cell ${index} has no execution_count`);
    } else if (cell.cell_type === 'markdown' || cell.cell_type === 'raw') {
      if ('outputs' in cell) problems.push(`cell ${index} (${cell.cell_type}) has outputs`);
    } else {
      problems.push(`cell ${index} has the unknown type ${JSON.stringify(cell.cell_type)}`);
    }
  });
  return problems;
}

/**
 * Runs nbformat.validate on each file: the list of failures ("file: message"), or 'unavailable' when
 * python3 or its nbformat module is missing.
 */
export function validateWithNbformat(files: string[]): string[] | 'unavailable' {
  // Validated as stored (nbformat.read would fill in missing cell ids), with warnings as errors:
  // nbformat 5.5 reports a missing id only as a MissingIDFieldWarning.
  const script = [
    'import sys, json, warnings',
    'try:',
    '    import nbformat',
    'except ImportError:',
    '    sys.exit(3)',
    'failures = []',
    'for name in sys.argv[1:]:',
    '    try:',
    '        with open(name, encoding="utf-8") as handle, warnings.catch_warnings():',
    '            warnings.simplefilter("error")',
    '            nbformat.validate(json.load(handle))',
    '    except Exception as error:',
    '        failures.append(name + ": " + (str(error).splitlines() or [type(error).__name__])[0])',
    'print(json.dumps(failures))',
  ].join('\n');
  for (const python of pythonCandidates()) {
    const run = spawnSync(python, ['-c', script, ...files], { encoding: 'utf8' });
    if (run.error || run.status === 3) continue;
    if (run.status !== 0) throw new Error(`nbformat validation could not run (${python}): ${run.stderr}`);
    return JSON.parse(run.stdout) as string[];
  }
  return 'unavailable';
}

/**
 * The Python that runs Jupyter (the interpreter in the `jupyter` script's first line) first: another
 * python3 earlier on PATH (pyenv, a virtualenv) may lack Jupyter's modules.
 */
function pythonCandidates(): string[] {
  const candidates: string[] = [];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const jupyter = path.join(dir, 'jupyter');
    if (!fs.existsSync(jupyter)) continue;
    const shebang = /^#!\s*(\S+)/.exec(fs.readFileSync(jupyter, 'utf8').split('\n')[0]);
    if (shebang) candidates.push(shebang[1]);
    break;
  }
  return [...candidates, 'python3'];
}
